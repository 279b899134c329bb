// accord web: the editor's inputs, and the table of actors and stances built from them.
//
// Every input names its place in the scenario (data-bind="stances.3.position", the same path the
// server's problems use) and how its text is read (data-kind); editor.js listens to them all.

import { el } from "./util.js";
import { getPath, rangeOf, stanceIndex, fillStances } from "./state.js";
import { badge, isDraft, reasonOf } from "./review.js";

const DISTRIBUTIONS = ["uniform", "triangular", "pert"];

function shown(value) {
  return value === null || value === undefined ? "" : String(value);
}

// One input bound to a path of the scenario. kind: num (required number), num? (optional),
// text, text?, lo/hi (the ends of a range), id (renamed on change).
export function input(state, path, kind, attrs = {}) {
  const pending = state.pending[path];
  const value = kind === "id" && pending !== undefined ? pending : shown(getPath(state.scenario, path));
  const cls = ["num", "num?", "lo", "hi"].includes(kind) ? "num" : "text";
  const { class: extra, ...rest } = attrs;
  return el("input", {
    class: `${cls} ${extra || ""}`.trim(),
    "data-bind": path,
    "data-kind": kind,
    value,
    inputmode: cls === "num" ? "decimal" : null,
    ...rest,
  });
}

export function textArea(state, path, attrs = {}) {
  return el("textarea", { "data-bind": path, "data-kind": "text?", rows: 2, ...attrs }, shown(getPath(state.scenario, path)));
}

export function select(state, path, options, fallback, attrs = {}) {
  const value = getPath(state.scenario, path) ?? fallback;
  return el(
    "select",
    { "data-bind": path, "data-kind": "select", "data-default": fallback, ...attrs },
    ...options.map((o) => el("option", { value: o, selected: o === value, text: o })),
  );
}

// A number with its range below it (when the field has one), in one cell that problems attach to.
// A value still marked draft gets the class `draft`, a badge, and its reason and sentence on hover.
export function numberCell(state, path, kind, label, attrs = {}, notes = new Map()) {
  const rangePath = rangeOf(path);
  const note = notes.get(path);
  const draft = isDraft(state.scenario, path);
  return el(
    "span",
    { class: draft ? "cell draft" : "cell", "data-loc": path, title: draft ? reasonOf(state.scenario, path) : null },
    input(state, path, kind, { "aria-label": label, ...attrs }),
    rangePath
      ? el(
          "span",
          { class: "range", "data-loc": rangePath, title: "range for Monte Carlo: low – high" },
          input(state, `${rangePath}.0`, "lo", { "aria-label": `low end of the range of ${label}`, placeholder: "low" }),
          "–",
          input(state, `${rangePath}.1`, "hi", { "aria-label": `high end of the range of ${label}`, placeholder: "high" }),
        )
      : null,
    note ? el("span", { class: "widened", text: note }) : null,
    draft ? badge(path, label) : null,
  );
}

function textCell(state, path, kind, label, attrs = {}) {
  return el("span", { class: "cell", "data-loc": path }, input(state, path, kind, { "aria-label": label, ...attrs }));
}

function button(action, text, attrs = {}) {
  return el("button", { type: "button", class: "quiet small", "data-action": action, text, ...attrs });
}

// The notes of one actor and of its stances: source, why (per number), notes, distribution.
function notesRow(state, j, width) {
  const s = state.scenario;
  const actor = s.actors[j];
  const index = stanceIndex(s);
  const why = (path, key) => textCell(state, `${path}.why.${key}`, "text?", `why ${key}`, { placeholder: `why this ${key}` });
  const actorPart = el(
    "div",
    { class: "notes-actor" },
    el("b", { text: `${actor.name || actor.id}: ` }),
    textCell(state, `actors.${j}.source`, "text?", "source", { placeholder: "source (e.g. seed001: p. 4)" }),
    why(`actors.${j}`, "capability"),
    why(`actors.${j}`, "bloc"),
    why(`actors.${j}`, "range"),
    textCell(state, `actors.${j}.notes`, "text?", "notes", { placeholder: "notes" }),
  );
  const rows = s.issues.map((issue) => {
    const k = index.get(`${actor.id}\u0000${issue.id}`);
    const path = `stances.${k}`;
    return el(
      "tr",
      {},
      el("th", { text: issue.id }),
      el("td", {}, textCell(state, `${path}.source`, "text?", `source on ${issue.id}`, { placeholder: "source" })),
      el("td", {}, why(path, "position")),
      el("td", {}, why(path, "salience")),
      el("td", {}, why(path, "range")),
      el("td", {}, why(path, "reservation")),
      el("td", {}, select(state, `${path}.distribution`, DISTRIBUTIONS, "uniform", { "aria-label": `distribution on ${issue.id}` })),
      el("td", {}, textCell(state, `${path}.notes`, "text?", `notes on ${issue.id}`, { placeholder: "notes" })),
    );
  });
  const head = ["Issue", "Source", "Why the position", "Why the salience", "Why the ranges", "Why the outside option", "Draws", "Notes"];
  return el(
    "tr",
    { class: "notes-row", "data-notes-of": actor.id },
    el("td", { colspan: width }, actorPart, el("table", { class: "notes-table" }, el("thead", {}, el("tr", {}, ...head.map((h) => el("th", { text: h })))), el("tbody", {}, ...rows))),
  );
}

// The hover of a drafted actor: its first sentence and how the article names it.
function whoTitle(state, actor) {
  if (actor.draft === undefined && !state.draft) return null;
  const lines = [actor.source ? `First sentence: ${actor.source}` : null, (actor.notes || "").split("\n")[0] || null];
  return lines.filter(Boolean).join("\n") || null;
}

// The table of actors (rows) and their stances per issue (position, salience, outside option).
export function renderGrid(state, view) {
  const s = state.scenario;
  fillStances(s);
  const index = stanceIndex(s);
  const perIssue = view.reservations ? 3 : 2;
  const width = 4 + perIssue * s.issues.length;
  const top = el(
    "tr",
    {},
    el("th", { rowspan: 2, text: "Actor (id, name)" }),
    el("th", { rowspan: 2, text: "Bloc" }),
    el("th", { rowspan: 2, text: "Capability" }),
    ...s.issues.map((i) => el("th", { colspan: perIssue, class: "issue", title: i.name || i.id, text: i.id })),
    el("th", { rowspan: 2 }),
  );
  const sub = el(
    "tr",
    {},
    ...s.issues.flatMap(() => [
      el("th", { class: "sub", text: "position" }),
      el("th", { class: "sub", text: "salience" }),
      el("th", { class: "sub res", text: "outside option" }),
    ]),
  );
  const rows = [];
  s.actors.forEach((actor, j) => {
    const name = actor.name || actor.id;
    const cells = s.issues.flatMap((issue) => {
      const k = index.get(`${actor.id}\u0000${issue.id}`);
      const path = `stances.${k}`;
      const data = { "data-actor": actor.id, "data-issue": issue.id };
      return [
        el("td", { class: "first" }, numberCell(state, `${path}.position`, "num", `position of ${name} on ${issue.id}`, { ...data, "data-field": "position" }, view.notes)),
        el("td", {}, numberCell(state, `${path}.salience`, "num", `salience of ${name} on ${issue.id}`, { ...data, "data-field": "salience", class: "sal" }, view.notes)),
        el("td", { class: "res" }, numberCell(state, `${path}.reservation`, "num?", `outside option of ${name} on ${issue.id}`, { ...data, "data-field": "reservation", placeholder: "no-deal" }, view.notes)),
      ];
    });
    rows.push(
      el(
        "tr",
        { "data-actor": actor.id },
        el(
          "th",
          {},
          el(
            "div",
            { class: actor.draft !== undefined || state.draft ? "who drafted" : "who", title: whoTitle(state, actor) },
            el(
              "span",
              { class: "cell", "data-loc": `actors.${j}` },
              input(state, `actors.${j}.id`, "id", { class: "id", "aria-label": `id of actor ${j + 1}`, "data-rename": "actor", "data-index": j }),
            ),
            textCell(state, `actors.${j}.name`, "text?", `name of ${actor.id}`, { class: "name", placeholder: "name" }),
          ),
        ),
        el("td", { class: "bloc" }, textCell(state, `actors.${j}.bloc`, "text?", `bloc of ${name}`, { placeholder: "bloc" })),
        el("td", {}, numberCell(state, `actors.${j}.capability`, "num", `capability of ${name}`, { "data-field": "capability", "data-actor": actor.id }, view.notes)),
        ...cells,
        el(
          "td",
          { class: "row-actions" },
          button("toggle-notes", view.open.has(actor.id) ? "hide notes" : "notes", { "data-index": j, title: "source, why and notes of this actor's numbers" }),
          button("remove-actor", "×", { "data-index": j, title: `remove ${actor.id}`, "aria-label": `remove ${actor.id}` }),
        ),
      ),
    );
    if (view.open.has(actor.id)) rows.push(notesRow(state, j, width));
  });
  const classes = ["grid", view.ranges ? "" : "no-ranges", view.reservations ? "" : "no-reservations"].join(" ");
  return el("table", { class: classes.trim(), id: "stances" }, el("thead", {}, top, sub), el("tbody", {}, ...rows));
}
