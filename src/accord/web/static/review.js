// accord web: a scenario drafted from an article (POST /api/draft), and its review in the editor.
//
// A drafted value carries a `draft` mark on its entry (`draft: [position, salience]` on a stance,
// `draft: [capability]` on an actor, `draft: true` on a suggested issue), its reason in `why` and
// its sentence in the entry's `source` (`a1:12 "the sentence"`). The editor marks each such cell
// (class `draft`, a badge, the reason and sentence on hover) and offers to accept it (the mark
// goes, the value stays), edit it (typing accepts it) or delete it. The marks live in the scenario
// itself, so they are kept in the page's address, in exported YAML and across reloads; the names
// the gazetteer did not know wait in the state's `draft.candidates`.

import { byId, call, el } from "./util.js";
import { encode, fillStances, fromSeed, MAX_ADDRESS, midpoint, parts, SLUG } from "./state.js";

const LISTS = ["actors", "issues", "stances"];
const CORE = { actors: ["capability"], issues: ["scale"], stances: ["position", "salience"] };
const NOT_VALUES = new Set(["id", "actor", "issue", "source", "why", "notes", "draft", "name", "description"]);
const DEFAULTS = { quota: 1, distribution: "uniform", implementers: [], anchors: [], why: {} };
const KINDS = { md: "markdown", markdown: "markdown", html: "html", htm: "html" };

// The fields of an entry still marked draft, as the loader counts them (`true`: the core values
// and every other value that is set).
export function drafted(list, entry) {
  const mark = entry?.draft;
  if (mark === true) {
    const core = CORE[list] || [];
    const rest = Object.keys(entry).filter((f) => {
      const value = entry[f];
      if (NOT_VALUES.has(f) || core.includes(f) || value === null || value === undefined) return false;
      return !(f in DEFAULTS && JSON.stringify(DEFAULTS[f]) === JSON.stringify(value));
    });
    return [...core, ...rest];
  }
  return Array.isArray(mark) ? mark : [];
}

// Every value still marked draft, in the loader's order: actors, issues, then stances.
export function draftCells(scenario) {
  const out = [];
  for (const list of LISTS) {
    (scenario[list] || []).forEach((entry, k) => {
      for (const field of drafted(list, entry)) out.push({ list, index: k, field, path: `${list}.${k}.${field}` });
    });
  }
  return out;
}

// The entry and field a path names (stances.3.position -> the stance, "position"), or null.
export function entryOf(scenario, path) {
  const [list, k, field] = parts(path);
  if (!LISTS.includes(list) || typeof k !== "number" || field === undefined) return null;
  const entry = scenario[list]?.[k];
  return entry ? { list, index: k, field, entry } : null;
}

export function isDraft(scenario, path) {
  const found = entryOf(scenario, path);
  return !!found && parts(path).length === 3 && drafted(found.list, found.entry).includes(found.field);
}

// What the hover shows: why the value is what it is, and the sentence it comes from (a1:12 "…").
export function reasonOf(scenario, path) {
  const found = entryOf(scenario, path);
  if (!found) return "";
  const { entry, field } = found;
  const why = entry.why?.[field];
  const lines = [`Draft ${field}${why ? `: ${why}` : ""}`];
  lines.push(entry.source ? `Sentence: ${entry.source}` : "No sentence of the article gives it.");
  return lines.join("\n");
}

// Accept one value: its mark goes, its value stays. Returns whether it was marked.
export function accept(scenario, path) {
  const found = entryOf(scenario, path);
  if (!found) return false;
  const { list, entry, field } = found;
  const marked = drafted(list, entry);
  if (!marked.includes(field)) return false;
  const left = marked.filter((f) => f !== field);
  if (left.length) entry.draft = left;
  else delete entry.draft;
  return true;
}

export function acceptEntry(entry) {
  if (!entry || entry.draft === undefined) return false;
  delete entry.draft;
  return true;
}

export function acceptAll(scenario) {
  let n = 0;
  for (const list of LISTS) for (const entry of scenario[list] || []) n += acceptEntry(entry) ? 1 : 0;
  return n;
}

// Delete a drafted value: a required number goes back to what the editor gives a new entry (the
// scale's middle, salience 50, capability 100), anything else is cleared; the mark and the
// reason go with it.
export function deleteValue(scenario, path) {
  const found = entryOf(scenario, path);
  if (!found) return;
  const { entry, field } = found;
  accept(scenario, path);
  if (entry.why) {
    delete entry.why[field];
    if (!Object.keys(entry.why).length) delete entry.why;
  }
  if (field === "capability") entry.capability = 100;
  else if (field === "salience") entry.salience = 50;
  else if (field === "position") entry.position = midpoint(scenario.issues.find((i) => i.id === entry.issue) || {});
  else delete entry[field];
}

// The badge of a drafted cell: "draft", with accept, edit and delete.
export function badge(path, label) {
  const button = (action, text, title) =>
    el("button", { type: "button", class: "quiet small draft-action", "data-draft": action, "data-path": path, text, title, "aria-label": `${title}: ${label}` });
  return el(
    "span",
    { class: "draft-badge" },
    el("span", { class: "draft-tag", text: "draft" }),
    button("accept", "✓", "accept the drafted value"),
    button("edit", "✎", "edit the value"),
    button("delete", "⌫", "delete the drafted value"),
  );
}

// Take the mark off a cell in the page (after an edit accepted it), without drawing it again.
export function unmark(root, path) {
  const cell = root.querySelector(`.cell.draft[data-loc="${CSS.escape(path)}"]`);
  if (!cell) return;
  cell.classList.remove("draft");
  cell.removeAttribute("title");
  cell.querySelector(":scope > .draft-badge")?.remove();
}

// ---------------------------------------------------------------- the review panel
export function renderReview(state, message) {
  const cells = draftCells(state.scenario);
  const candidates = state.draft?.candidates || [];
  const box = byId("draft-review");
  if (!box) return;
  box.hidden = !cells.length && !candidates.length && !state.draft;
  if (box.hidden) {
    box.replaceChildren();
    return;
  }
  const parts_ = [el("h2", { text: "Review the draft" })];
  if (cells.length) {
    parts_.push(
      el(
        "p",
        { id: "draft-count" },
        el("strong", { text: `${cells.length} value${cells.length > 1 ? "s" : ""} still marked draft. ` }),
        "Each is marked in the table and the issues (hover it for its reason and its sentence): accept it (✓), edit it (typing accepts it) or delete it (⌫). Models run once no mark is left; an exported YAML file keeps the marks. ",
        el("button", { type: "button", id: "accept-all", class: "quiet", text: "Accept all" }),
      ),
    );
    if (message) parts_.push(el("p", { class: "warning", id: "draft-first", text: message }));
  } else {
    parts_.push(el("p", { id: "draft-count", text: "Every drafted value is reviewed." }, el("span", { class: "hint", text: " The scenario runs like any other; its reasons and sentences stay in each entry's why, source and notes." })));
  }
  if (candidates.length) {
    parts_.push(
      el("p", { class: "hint", text: "Names the article gives that the gazetteer does not know (perhaps actors): add one as an actor, or ignore it." }),
      el(
        "ul",
        { id: "draft-candidates", class: "candidates" },
        ...candidates.map((c, n) =>
          el(
            "li",
            { "data-candidate": c.name, title: c.ref ? `${c.ref} "${c.text}"` : null },
            el("span", { text: `${c.name} (${c.mentions}×${c.ref ? `, first ${c.ref}` : ""}) ` }),
            el("button", { type: "button", class: "quiet small", "data-candidate-action": "add", "data-index": n, text: "add as actor" }),
            " ",
            el("button", { type: "button", class: "quiet small", "data-candidate-action": "ignore", "data-index": n, text: "ignore" }),
          ),
        ),
      ),
    );
  }
  box.replaceChildren(...parts_);
}

// Add a candidate name as an actor (the editor's defaults, its first sentence as the source).
export function addCandidate(state, n) {
  const s = state.scenario;
  const [candidate] = state.draft.candidates.splice(n, 1);
  const base = (candidate.name.toLowerCase().normalize("NFKD").replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, "") || "actor").slice(0, 60);
  let id = SLUG.test(base) ? base : `actor_${base}`.slice(0, 60);
  const taken = new Set(s.actors.map((a) => a.id));
  for (let k = 2; taken.has(id); k++) id = `${base}_${k}`;
  const actor = { id, name: candidate.name, capability: 100 };
  if (candidate.ref) actor.source = `${candidate.ref} "${candidate.text}"`.slice(0, 300);
  s.actors.push(actor);
  fillStances(s);
  return id;
}

export function ignoreCandidate(state, n) {
  state.draft.candidates.splice(n, 1);
}

// ---------------------------------------------------------------- the form on the first page
function kindOf(name) {
  return KINDS[(name.split(".").pop() || "").toLowerCase()] || "text";
}

export function bindDraftForm() {
  const form = byId("draft-form");
  const text = byId("article-text");
  const error = byId("draft-error");
  let fileName = null;
  const fail = (message) => {
    error.textContent = message || "";
    error.hidden = !message;
  };
  byId("article-file").addEventListener("change", async (event) => {
    const file = event.target.files[0];
    if (!file) return;
    text.value = await file.text();
    fileName = file.name;
    byId("article-kind").value = kindOf(file.name);
    fail("");
  });
  text.addEventListener("input", () => {
    fileName = null;
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = byId("draft-button");
    fail("");
    button.disabled = true;
    try {
      const body = { text: text.value, kind: byId("article-kind").value };
      if (fileName) body.name = fileName;
      const country = byId("article-country").value.trim();
      if (country) body.country = country;
      const issues = byId("article-issues").value.split(/[;\n]/).map((x) => x.trim()).filter(Boolean);
      if (issues.length) body.issues = issues;
      const draft = await call("POST", "/api/draft", body);
      location.assign(editorAddress(draft, fileName || "pasted text"));
    } catch (problem) {
      fail(problem.message);
      button.disabled = false;
    }
  });
}

// The editor's address holding a draft: its scenario (marks kept) and the unknown names.
export function editorAddress(draft, name) {
  const state = fromSeed(draft.scenario, null, `draft from ${name}`, null);
  state.draft = {
    candidates: (draft.candidates || []).slice(0, 40).map((c) => ({ name: c.name, mentions: c.mentions, ref: c.first?.ref, text: c.first?.text })),
    country: draft.country,
  };
  const url = new URL("/edit", location.href);
  url.hash = `s=${encode(state)}`;
  if (url.href.length > MAX_ADDRESS) {
    throw new Error("the draft is too large to open in the editor (its address would be over 1.5 MB): draft a shorter article, or use `accord draft` on the command line");
  }
  return url.href;
}

// The first unreviewed value, in the loader's words (the server's check names it).
export async function draftBlock(editor) {
  if (!draftCells(editor.scenario).length) return null;
  await editor.check();
  const line = editor.lastProblems?.problems?.find((p) => p.message.startsWith("unreviewed draft value"))?.line;
  if (line) return line;
  const first = draftCells(editor.scenario)[0];
  return `unreviewed draft value: ${first.path} is still marked draft`;
}
