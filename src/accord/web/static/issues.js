// accord web: the editor's header (title, date, description), one card per issue and the sources.

import { el } from "./util.js";
import { input, numberCell, textArea } from "./grid.js";
import { drafted } from "./review.js";

function field(label, ...children) {
  return el("label", { class: "field" }, el("span", { class: "label", text: label }), ...children);
}

function cell(path, ...children) {
  return el("span", { class: "cell", "data-loc": path }, ...children);
}

function button(action, text, attrs = {}) {
  return el("button", { type: "button", class: "quiet small", "data-action": action, text, ...attrs });
}

export function renderHead(state) {
  const s = state.scenario;
  return el(
    "div",
    { class: "head-fields" },
    field("Title", cell("title", input(state, "title", "text", { id: "scenario-title-input", class: "wide" }))),
    field("As of", cell("date", input(state, "date", "text?", { id: "scenario-date", type: "date" }))),
    field("Description", cell("description", textArea(state, "description", { id: "scenario-description", class: "wide" }))),
    el("p", { class: "hint", id: "scenario-origin", text: `${state.origin} · ${s.actors.length} actors · ${s.issues.length} issues` }),
  );
}

// Who must consent: every actor (no list), or the actors ticked; and who must implement.
function actorChecks(state, i, list) {
  const issue = state.scenario.issues[i];
  const chosen = issue[list];
  const everyone = list === "consent" && !Array.isArray(chosen);
  return state.scenario.actors.map((a) =>
    el(
      "label",
      { class: "check" },
      el("input", {
        type: "checkbox",
        "data-list": list,
        "data-index": i,
        value: a.id,
        checked: Array.isArray(chosen) && chosen.includes(a.id),
        disabled: everyone,
        "aria-label": `${list}: ${a.id} on ${issue.id}`,
      }),
      ` ${a.id}`,
    ),
  );
}

function anchors(state, i, issue) {
  const rows = (issue.anchors || []).map((_, n) =>
    cell(
      `issues.${i}.anchors.${n}`,
      input(state, `issues.${i}.anchors.${n}.value`, "num", { class: "anchor-value", "aria-label": `anchor ${n + 1} value of ${issue.id}` }),
      input(state, `issues.${i}.anchors.${n}.label`, "text", { class: "anchor-label", "aria-label": `anchor ${n + 1} label of ${issue.id}`, placeholder: "what this point of the scale means" }),
      button("remove-anchor", "×", { "data-index": i, "data-k": n, "aria-label": `remove anchor ${n + 1} of ${issue.id}` }),
    ),
  );
  return el(
    "div",
    { class: "anchors", "data-loc": `issues.${i}.anchors` },
    el("span", { class: "label", text: "Anchors (labelled points of the scale)" }),
    ...rows,
    button("add-anchor", "Add an anchor", { "data-index": i }),
  );
}

function summaryOf(issue, i) {
  const scale = issue.scale || {};
  const extra = issue.status_quo !== undefined ? `; status quo ${issue.status_quo}` : "";
  return `Issue ${i + 1}: ${issue.id} — ${issue.name || issue.id} (${scale.min ?? 0}–${scale.max ?? 100} ${scale.unit || "points"}${extra})`;
}

function issueCard(state, i, view) {
  const issue = state.scenario.issues[i];
  const notes = view.notes;
  const why = (key) => field(`Why the ${key.replace("_", " ")}`, cell(`issues.${i}.why.${key}`, input(state, `issues.${i}.why.${key}`, "text?", { class: "wide" })));
  const everyone = !Array.isArray(issue.consent);
  const marked = drafted("issues", issue);
  const reason = marked.length ? [`Draft issue (${marked.join(", ")} to review)`, issue.source ? `Sentence: ${issue.source}` : null].filter(Boolean).join("\n") : null;
  return el(
    "details",
    { class: marked.length ? "issue-card draft" : "issue-card", "data-issue": issue.id, "data-loc": `issues.${i}`, open: view.openIssues.has(issue.id) },
    el("summary", { title: reason }, summaryOf(issue, i), marked.length ? el("span", { class: "draft-tag", text: "draft" }) : null),
    marked.length
      ? el(
          "p",
          { class: "draft-issue", title: reason },
          el("span", { class: "hint", text: `Suggested from the article (${marked.join(", ")} marked draft). ` }),
          el("button", { type: "button", class: "quiet small", "data-draft": "accept-issue", "data-index": i, text: `Accept ${issue.id}` }),
          " ",
          button("remove-issue", `Delete ${issue.id}`, { "data-index": i }),
        )
      : null,
    el(
      "div",
      { class: "row" },
      field("Id", cell(`issues.${i}.id`, input(state, `issues.${i}.id`, "id", { class: "id", "data-rename": "issue", "data-index": i, "aria-label": `id of issue ${i + 1}` }))),
      field("Name", cell(`issues.${i}.name`, input(state, `issues.${i}.name`, "text?", { class: "wide", "aria-label": `name of issue ${i + 1}` }))),
      button("remove-issue", `Remove ${issue.id}`, { "data-index": i }),
    ),
    field("Description", cell(`issues.${i}.description`, input(state, `issues.${i}.description`, "text?", { class: "wider" }))),
    el(
      "div",
      { class: "row" },
      field("Scale from", cell(`issues.${i}.scale.min`, input(state, `issues.${i}.scale.min`, "num", { "aria-label": `scale min of ${issue.id}` }))),
      field("to", cell(`issues.${i}.scale.max`, input(state, `issues.${i}.scale.max`, "num", { "aria-label": `scale max of ${issue.id}` }))),
      field("Unit", cell(`issues.${i}.scale.unit`, input(state, `issues.${i}.scale.unit`, "text?", { placeholder: "points", "aria-label": `unit of ${issue.id}` }))),
      field("Status quo", cell(`issues.${i}.status_quo`, input(state, `issues.${i}.status_quo`, "num?", { "aria-label": `status quo of ${issue.id}` }))),
      field("No-deal outcome", numberCell(state, `issues.${i}.no_deal`, "num?", `no-deal outcome of ${issue.id}`, { placeholder: "status quo" }, notes)),
      field("Quota", cell(`issues.${i}.quota`, input(state, `issues.${i}.quota`, "num?", { placeholder: "1", "aria-label": `quota of ${issue.id}` }))),
    ),
    el(
      "div",
      { class: "row consent", "data-loc": `issues.${i}.consent` },
      el("span", { class: "label", text: "Consent needed from" }),
      el("label", { class: "check" }, el("input", { type: "radio", name: `consent-${i}`, "data-consent": i, value: "all", checked: everyone }), " every actor"),
      el("label", { class: "check" }, el("input", { type: "radio", name: `consent-${i}`, "data-consent": i, value: "list", checked: !everyone }), " only:"),
      ...actorChecks(state, i, "consent"),
    ),
    el("div", { class: "row consent", "data-loc": `issues.${i}.implementers` }, el("span", { class: "label", text: "Implementers" }), ...actorChecks(state, i, "implementers")),
    anchors(state, i, issue),
    el(
      "details",
      { class: "why" },
      el("summary", { text: "Source and why" }),
      field("Source", cell(`issues.${i}.source`, input(state, `issues.${i}.source`, "text?", { class: "wide" }))),
      ...["status_quo", "no_deal", "consent", "implementers", "quota"].map(why),
    ),
  );
}

export function renderIssues(state, view) {
  return state.scenario.issues.map((_, i) => issueCard(state, i, view));
}

export function renderSources(state) {
  const rows = (state.scenario.sources || []).map((_, n) =>
    el(
      "tr",
      { "data-loc": `sources.${n}` },
      el("td", {}, cell(`sources.${n}.id`, input(state, `sources.${n}.id`, "text", { class: "id", "aria-label": `id of source ${n + 1}` }))),
      el("td", {}, cell(`sources.${n}.citation`, input(state, `sources.${n}.citation`, "text", { class: "wider", "aria-label": `citation of source ${n + 1}` }))),
      el("td", {}, cell(`sources.${n}.url`, input(state, `sources.${n}.url`, "text?", { class: "wide", "aria-label": `address of source ${n + 1}` }))),
      el("td", {}, button("remove-source", "×", { "data-index": n, "aria-label": `remove source ${n + 1}` })),
    ),
  );
  return el(
    "div",
    { "data-loc": "sources" },
    el("table", { class: "list sources" }, el("thead", {}, el("tr", {}, el("th", { text: "Id" }), el("th", { text: "Citation" }), el("th", { text: "Address (URL)" }), el("th"))), el("tbody", {}, ...rows)),
    button("add-source", "Add a source"),
  );
}
