// accord web: the editor's problems, each next to its cell and all of them listed at the top.
//
// The server's list (POST /api/scenarios/problems) is the authority: every problem at once, in
// the words `accord validate` uses. While it is on its way, a few simple checks of the cell just
// typed in answer at once, in the same words.

import { el, g } from "./util.js";
import { getPath, parts } from "./state.js";

// The cell a problem belongs to: its exact place, else the first cell inside it, else its parent's.
export function findCell(root, loc) {
  for (let n = loc.length; n > 0; n--) {
    const key = loc.slice(0, n).join(".");
    const exact = root.querySelector(`[data-loc="${CSS.escape(key)}"]`);
    if (exact) return exact;
    const inside = root.querySelector(`[data-loc^="${CSS.escape(`${key}.`)}"]`);
    if (inside) return inside;
  }
  return null;
}

function issueOfStance(scenario, path) {
  const [list, k] = parts(path);
  if (list === "stances") return scenario.issues.find((i) => i.id === scenario.stances[k]?.issue);
  if (list === "issues") return scenario.issues[k];
  return null;
}

// A check of one input's value, in the validator's words; null when nothing is wrong with it.
export function localProblem(scenario, path, kind) {
  const value = getPath(scenario, path);
  const field = path.split(".").pop();
  if (["num", "lo", "hi"].includes(kind) || (kind === "num?" && value !== undefined)) {
    if (typeof value !== "number") return `expected a number, got '${value ?? ""}'`;
  }
  if (typeof value !== "number") return null;
  if (field === "salience" && (value < 0 || value > 100)) return `salience ${g(value)} is outside 0-100`;
  if (field === "capability" && value < 0) return `${g(value)}: Input should be greater than or equal to 0`;
  if (field === "position" || field === "reservation") {
    const issue = issueOfStance(scenario, path);
    const lo = Number(issue?.scale?.min ?? 0);
    const hi = Number(issue?.scale?.max ?? 100);
    if (issue && (value < lo || value > hi)) return `${field} ${g(value)} is outside the scale of issue '${issue.id}' [${g(lo)}, ${g(hi)}]`;
  }
  if (kind === "lo" || kind === "hi") {
    const range = getPath(scenario, path.split(".").slice(0, -1).join("."));
    if (Array.isArray(range) && typeof range[0] === "number" && typeof range[1] === "number" && range[0] > range[1]) {
      return `range low ${g(range[0])} is greater than high ${g(range[1])}`;
    }
  }
  return null;
}

function clear(root) {
  root.querySelectorAll(".problem").forEach((node) => node.remove());
  root.querySelectorAll(".bad").forEach((node) => node.classList.remove("bad"));
}

function attach(root, loc, message, local = false) {
  const cell = findCell(root, loc);
  if (!cell) return;
  cell.append(el("span", { class: local ? "problem local" : "problem", role: "note", text: message }));
  const field = cell.matches("input, select, textarea") ? cell : cell.querySelector("input, select, textarea");
  if (field) field.classList.add("bad");
}

// Show one problem at once (a check in the browser) next to its cell, until the server's list comes.
export function showLocal(root, path, message) {
  const cell = findCell(root, path.split("."));
  cell?.querySelectorAll(":scope > .problem.local").forEach((node) => node.remove());
  if (message) attach(root, path.split("."), message, true);
}

// Show the server's list (and the ids typed that are not valid yet) next to the cells and above.
export function showProblems(root, box, result, pending) {
  clear(root);
  const list = [...result.problems, ...pending];
  for (const p of list) attach(root, p.loc, p.message);
  for (const card of root.querySelectorAll("details")) card.classList.toggle("has-problem", !!card.querySelector(".problem"));
  if (!list.length) {
    const hash = result.summary?.hash || "";
    box.className = "problems ok";
    box.replaceChildren(el("span", { text: "No problems: the scenario is ready to run. " }), el("span", { class: "hint", id: "scenario-hash", "data-hash": hash, text: `Scenario hash ${hash.slice(0, 12)}…` }));
    return;
  }
  box.className = "problems";
  const items = list.map((p) =>
    el(
      "li",
      {},
      el("button", {
        type: "button",
        class: "link",
        "data-goto": p.loc.join("."),
        text: p.line,
      }),
    ),
  );
  box.replaceChildren(el("strong", { text: `${list.length} problem${list.length > 1 ? "s" : ""} to fix before running (each is also shown next to its cell):` }), el("ol", { id: "problem-list" }, ...items));
}

export function goTo(root, loc) {
  const cell = findCell(root, loc.split("."));
  if (!cell) return;
  cell.closest("details")?.setAttribute("open", "");
  const field = cell.matches("input, select, textarea") ? cell : cell.querySelector("input, select, textarea");
  (field || cell).scrollIntoView({ block: "center" });
  field?.focus();
}
