// accord web: the scenario editor. It renders the state (state.js) into inputs, reads every edit
// back into it, keeps it in the address, widens ranges to take in a value and lists every problem.

import { byId, call, clone, debounce, el, g, legend, say } from "./util.js";
import * as st from "./state.js";
import { renderGrid } from "./grid.js";
import { renderHead, renderIssues, renderSources } from "./issues.js";
import { goTo, localProblem, showLocal, showProblems } from "./problems.js";
import * as review from "./review.js";

const SCALE_FIELDS = ["position", "reservation", "no_deal"];

export class Editor {
  constructor(data, onChange) {
    const restored = st.loadFromAddress();
    const seeded = st.fromSeed(data.scenario, data.designs, data.origin, data.case);
    this.state = restored && (!data.case || restored.case === data.case) ? restored : seeded;
    this.state.pending ||= {};
    st.fillStances(this.scenario);
    // Edits are marked against the case (also after a reload), else against what the page opened.
    this.base = clone(data.case || !restored ? seeded.scenario : restored.scenario);
    const small = this.scenario.issues.length <= 2;
    const openIssues = new Set(small ? this.scenario.issues.map((i) => i.id) : []);
    this.view = { ranges: true, reservations: this.hasReservations(), open: new Set(), openIssues, notes: new Map() };
    this.onChange = onChange;
    this.root = byId("editor");
    this.rangeBase = null;
    this.asked = 0;
    this.checkSoon = debounce(() => this.check(), 300);
    this.bind();
    if (data.uploaded) this.save("/edit"); // a reload then opens the upload again, without posting
    else this.save();
    this.render();
    this.check();
  }

  get scenario() {
    return this.state.scenario;
  }

  hasReservations() {
    return this.scenario.stances.some((s) => s.reservation !== undefined && s.reservation !== null);
  }

  // ------------------------------------------------------------ rendering
  render() {
    const s = this.scenario;
    document.title = `${s.title || "Scenario"} · accord`;
    byId("scenario-title").textContent = s.title || "New scenario";
    byId("scenario-head").replaceChildren(renderHead(this.state));
    byId("issues").replaceChildren(...renderIssues(this.state, this.view));
    byId("grid").replaceChildren(renderGrid(this.state, this.view));
    byId("sources").replaceChildren(renderSources(this.state));
    byId("show-ranges").checked = this.view.ranges;
    byId("show-reservations").checked = this.view.reservations;
    this.markEdits();
    if (this.lastProblems) showProblems(this.root, byId("problems"), this.lastProblems, this.pendingProblems());
    this.review();
    this.onChange(this.state, true);
  }

  // The review panel of a drafted scenario: how many marks are left, the first in the loader's words.
  review() {
    const line = this.lastProblems?.problems?.find((p) => p.message.startsWith("unreviewed draft value"))?.line;
    review.renderReview(this.state, line || null);
  }

  // An edit of a drafted value accepts it (its mark goes; the cell is unmarked where it is).
  acceptEdit(path) {
    const cellPath = st.parts(path).slice(0, 3).join(".");
    if (!review.accept(this.scenario, cellPath)) return;
    review.unmark(this.root, cellPath);
    const [list, k] = st.parts(cellPath);
    if (list === "issues" && !review.drafted("issues", this.scenario.issues[k]).length) {
      const card = this.root.querySelector(`details.issue-card[data-loc="issues.${k}"]`);
      card?.classList.remove("draft");
      card?.querySelectorAll(".draft-tag, .draft-issue").forEach((node) => node.remove());
    }
  }

  draftAction(action, path, index) {
    const s = this.scenario;
    if (action === "edit") {
      const field = this.root.querySelector(`.cell[data-loc="${CSS.escape(path)}"] > input`);
      field?.focus();
      field?.select();
      return;
    }
    if (action === "accept") review.accept(s, path);
    else if (action === "delete") review.deleteValue(s, path);
    else if (action === "accept-issue") review.acceptEntry(s.issues[index]);
    else if (action === "accept-all") review.acceptAll(s);
    else if (action === "add") review.addCandidate(this.state, index);
    else if (action === "ignore") review.ignoreCandidate(this.state, index);
    else return;
    this.commit(true);
  }

  // ------------------------------------------------------------ keeping the state
  save(path = null) {
    const kept = st.saveToAddress(this.state, path);
    const note = byId("kept-note");
    note.textContent = kept
      ? "Your edits are kept in this page's address: reload it or bookmark it to come back; export the scenario to keep a file."
      : "This scenario is too large to keep in the page's address: export it (YAML) to keep your edits.";
    note.classList.toggle("warning", !kept);
  }

  commit(structural = false) {
    if (structural) st.fillStances(this.scenario);
    this.save();
    if (structural) this.render();
    else {
      this.markEdits();
      this.review();
      this.onChange(this.state, false);
    }
    this.checkSoon();
  }

  // The scenario's value at a path as it was when the page opened (matched by ids, not places).
  baseValue(path) {
    const keys = st.parts(path);
    const [list, k] = keys;
    const s = this.scenario;
    let item;
    let baseItem;
    if (list === "actors" || list === "issues") {
      item = s[list][k];
      baseItem = this.base[list].find((x) => x.id === item?.id);
    } else if (list === "stances") {
      item = s.stances[k];
      baseItem = this.base.stances.find((x) => x.actor === item?.actor && x.issue === item?.issue);
    } else return st.getPath(this.base, path);
    return baseItem === undefined ? undefined : st.getPath(baseItem, keys.slice(2).join("."));
  }

  markEdits() {
    let edited = 0;
    for (const field of this.root.querySelectorAll("[data-bind]")) {
      const path = field.dataset.bind;
      const now = field.dataset.kind === "id" ? field.value : st.getPath(this.scenario, path);
      const before = this.baseValue(path);
      const changed = String(now ?? "") !== String(before ?? "") && !(field.dataset.kind === "select" && (now ?? field.dataset.default) === (before ?? field.dataset.default));
      field.classList.toggle("edited", changed);
      edited += changed ? 1 : 0;
    }
    byId("edits").textContent = edited ? `${edited} value${edited > 1 ? "s" : ""} edited` : "";
  }

  // ------------------------------------------------------------ problems
  pendingProblems() {
    return Object.entries(this.state.pending).map(([key, text]) => {
      const [list, k] = key.split(".");
      const kind = list === "actors" ? "actor" : "issue";
      const message = st.idProblem(this.state, kind, Number(k), text) || `'${text}' is not applied yet`;
      return { loc: [list, Number(k), "id"], message, line: `${key.replace(/\.(\d+)\./, "[$1].")}: ${message}` };
    });
  }

  async check() {
    const asked = ++this.asked;
    try {
      const result = await call("POST", "/api/scenarios/problems", { scenario: this.scenario });
      if (asked !== this.asked) return; // a newer state has been sent since
      this.lastProblems = result;
      showProblems(this.root, byId("problems"), result, this.pendingProblems());
      this.review();
    } catch (error) {
      if (asked === this.asked) say(error.message);
    }
  }

  // ------------------------------------------------------------ edits
  limits(path) {
    const field = path.split(".").pop();
    if (field === "capability") return [0, Infinity];
    if (field === "salience") return [0, 100];
    if (SCALE_FIELDS.includes(field)) {
      const [list, k] = st.parts(path);
      const issue = list === "issues" ? this.scenario.issues[k] : this.scenario.issues.find((i) => i.id === this.scenario.stances[k]?.issue);
      return [Number(issue?.scale?.min ?? 0), Number(issue?.scale?.max ?? 100)];
    }
    return [-Infinity, Infinity];
  }

  // A value outside its range widens the range (from the range it had when the cell was entered).
  widen(path) {
    const rangePath = st.rangeOf(path);
    if (!rangePath) return;
    const before = this.rangeBase?.path === path ? this.rangeBase.range : st.getPath(this.scenario, rangePath);
    this.view.notes.delete(path);
    if (!Array.isArray(before) || typeof before[0] !== "number" || typeof before[1] !== "number") return;
    const value = st.getPath(this.scenario, path);
    const [lo, hi] = this.limits(path);
    let range = clone(before);
    if (typeof value === "number" && value >= lo && value <= hi && (value < before[0] || value > before[1])) {
      range = [Math.min(before[0], value), Math.max(before[1], value)];
      this.view.notes.set(path, `range widened to [${g(range[0])}, ${g(range[1])}] to include ${g(value)}`);
    }
    st.setPath(this.scenario, rangePath, range);
    for (const end of [0, 1]) {
      const field = this.root.querySelector(`[data-bind="${rangePath}.${end}"]`);
      if (field) field.value = String(range[end]);
    }
    const cell = this.root.querySelector(`[data-loc="${path}"]`);
    cell?.querySelector(":scope > .widened")?.remove();
    if (this.view.notes.has(path)) cell?.append(el("span", { class: "widened", text: this.view.notes.get(path) }));
  }

  read(field) {
    const { bind: path, kind } = field.dataset;
    const text = field.value;
    const s = this.scenario;
    if (kind === "id") {
      this.state.pending[path] = text.trim();
      return;
    }
    if (kind === "lo" || kind === "hi") {
      st.setPath(s, path, st.readValue(text));
      const rangePath = path.split(".").slice(0, -1).join(".");
      const range = st.getPath(s, rangePath);
      if (Array.isArray(range) && range.every((x) => x === "")) st.deletePath(s, rangePath);
      return;
    }
    if (kind === "select") {
      if (field.value === field.dataset.default) st.deletePath(s, path);
      else st.setPath(s, path, field.value);
      return;
    }
    const optional = kind.endsWith("?");
    if (optional && text.trim() === "") {
      st.deletePath(s, path);
      const rangePath = st.rangeOf(path);
      if (rangePath) st.deletePath(s, rangePath); // no value, no range (a range needs its value)
      return;
    }
    st.setPath(s, path, kind.startsWith("num") ? st.readValue(text) : text);
    if (kind.startsWith("num")) this.widen(path);
  }

  bind() {
    this.root.addEventListener("focusin", (event) => {
      const path = event.target.dataset?.bind;
      const rangePath = path && st.rangeOf(path);
      this.rangeBase = rangePath ? { path, range: clone(st.getPath(this.scenario, rangePath)) } : null;
    });
    this.root.addEventListener("input", (event) => {
      const field = event.target;
      if (!field.dataset?.bind || field.dataset.kind === "select") return;
      this.read(field);
      const { bind: path, kind } = field.dataset;
      if (kind !== "id") this.acceptEdit(path);
      if (kind !== "id") showLocal(this.root, path, localProblem(this.scenario, path, kind));
      if (path === "title") byId("scenario-title").textContent = field.value || "New scenario";
      this.commit(false);
    });
    this.root.addEventListener("change", (event) => this.changed(event.target));
    this.root.addEventListener(
      "toggle",
      (event) => {
        const card = event.target;
        if (!card.matches?.("details.issue-card")) return;
        if (card.open) this.view.openIssues.add(card.dataset.issue);
        else this.view.openIssues.delete(card.dataset.issue);
      },
      true,
    );
    this.root.addEventListener("click", (event) => {
      const draft = event.target.closest("[data-draft], [data-candidate-action], #accept-all");
      if (draft && this.root.contains(draft)) {
        const action = draft.id === "accept-all" ? "accept-all" : draft.dataset.draft || draft.dataset.candidateAction;
        return this.draftAction(action, draft.dataset.path, Number(draft.dataset.index));
      }
      const goto = event.target.closest("[data-goto]");
      if (goto) goTo(this.root, goto.dataset.goto);
      const action = event.target.closest("[data-action]");
      if (action && this.root.contains(action)) this.act(action.dataset.action, Number(action.dataset.index), Number(action.dataset.k));
    });
    byId("show-ranges").addEventListener("change", (event) => {
      this.view.ranges = event.target.checked;
      byId("stances").classList.toggle("no-ranges", !this.view.ranges);
    });
    byId("show-reservations").addEventListener("change", (event) => {
      this.view.reservations = event.target.checked;
      byId("grid").replaceChildren(renderGrid(this.state, this.view));
      this.markEdits();
      if (this.lastProblems) showProblems(this.root, byId("problems"), this.lastProblems, this.pendingProblems());
    });
    byId("add-actor").addEventListener("click", () => this.act("add-actor"));
    byId("add-issue").addEventListener("click", () => this.act("add-issue"));
    byId("reset").addEventListener("click", () => this.reset());
    byId("export-yaml").addEventListener("click", (event) => this.exportAs("yaml", event.currentTarget));
    byId("export-csv").addEventListener("click", (event) => this.exportAs("csv", event.currentTarget));
  }

  changed(field) {
    const ds = field.dataset || {};
    if (ds.kind === "select") {
      this.read(field);
      this.acceptEdit(ds.bind);
      return this.commit(false);
    }
    if (ds.kind === "id") {
      const kind = ds.rename;
      const old = (kind === "actor" ? this.scenario.actors : this.scenario.issues)[Number(ds.index)].id;
      const problem = st.rename(this.state, kind, Number(ds.index), field.value.trim());
      if (!problem) this.renamed(kind, old, field.value.trim());
      this.commit(!problem);
      if (problem) showLocal(this.root, ds.bind.replace(/\.id$/, ""), problem);
      return;
    }
    if (ds.bind) {
      this.rangeBase = null;
      return;
    }
    const issue = this.scenario.issues[Number(ds.index ?? ds.consent)];
    if (ds.consent !== undefined) {
      if (field.value === "all") delete issue.consent;
      else issue.consent = this.scenario.actors.map((a) => a.id);
      return this.commit(true);
    }
    if (ds.list) {
      const chosen = new Set(issue[ds.list] || []);
      if (field.checked) chosen.add(field.value);
      else chosen.delete(field.value);
      const ordered = this.scenario.actors.map((a) => a.id).filter((id) => chosen.has(id));
      if (ds.list === "implementers" && !ordered.length) delete issue.implementers;
      else issue[ds.list] = ordered;
      return this.commit(false);
    }
    return undefined;
  }

  renamed(kind, old, now) {
    const open = kind === "actor" ? this.view.open : this.view.openIssues;
    if (open.delete(old)) open.add(now);
  }

  act(action, index, k) {
    const s = this.scenario;
    if (action === "add-actor") st.addActor(this.state);
    else if (action === "add-issue") this.view.openIssues.add(st.addIssue(this.state));
    else if (action === "remove-actor") st.removeActor(this.state, index);
    else if (action === "remove-issue") st.removeIssue(this.state, index);
    else if (action === "add-anchor") {
      const issue = s.issues[index];
      const values = (issue.anchors || []).map((a) => a.value);
      const [lo, hi] = [Number(issue.scale?.min ?? 0), Number(issue.scale?.max ?? 100)];
      const free = [lo, hi, (lo + hi) / 2].find((v) => !values.includes(v)) ?? "";
      (issue.anchors ||= []).push({ value: free, label: "" });
    } else if (action === "remove-anchor") {
      s.issues[index].anchors.splice(k, 1);
      if (!s.issues[index].anchors.length) delete s.issues[index].anchors;
    } else if (action === "add-source") (s.sources ||= []).push({ id: `source_${(s.sources || []).length + 1}`, citation: "" });
    else if (action === "remove-source") {
      s.sources.splice(index, 1);
      if (!s.sources.length) delete s.sources;
    } else if (action === "toggle-notes") {
      const id = s.actors[index].id;
      if (this.view.open.has(id)) this.view.open.delete(id);
      else this.view.open.add(id);
      return this.render();
    } else return undefined;
    return this.commit(true);
  }

  reset() {
    this.state.scenario = clone(this.base);
    this.state.pending = {};
    this.view.notes.clear();
    say("");
    this.commit(true);
  }

  // ------------------------------------------------------------ export (the project's writers)
  async exportAs(to, button) {
    say("");
    button.disabled = true;
    try {
      const response = await fetch("/api/scenarios/export", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ scenario: this.scenario, to }),
      });
      if (!response.ok) {
        const payload = await response.json().catch(() => ({ detail: response.statusText }));
        throw new Error(`cannot export yet: ${payload.detail}`);
      }
      const name = (response.headers.get("Content-Disposition") || "").match(/filename="([^"]+)"/)?.[1] || `scenario.${to}`;
      const url = URL.createObjectURL(await response.blob());
      const link = el("a", { href: url, download: name, hidden: true });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      const hash = response.headers.get("X-Accord-Scenario-Hash") || "";
      const dropped = response.headers.get("X-Accord-Dropped");
      byId("export-note").textContent = dropped
        ? `Saved ${name}. A CSV table cannot hold ${dropped}: export YAML to keep everything.`
        : `Saved ${name} (scenario hash ${hash.slice(0, 12)}…): uploading it again gives the same scenario.`;
    } catch (error) {
      say(error.message);
    } finally {
      button.disabled = false;
    }
  }
}

// The legends of the scenario's inputs, shown under the issues and under the table.
export function inputLegends() {
  byId("issues-legend").replaceChildren(legend(["status_quo", "no_deal", "consent", "quota", "implementers", "anchors", "why"]));
  byId("grid-legend").replaceChildren(legend(["capability", "bloc", "position", "salience", "reservation", "range"]));
}
