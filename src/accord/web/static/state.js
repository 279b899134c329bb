// accord web: the editor's state and the edits that change its structure.
//
// The state is {v, origin, case, scenario, designs, pending}: the scenario in the API's JSON layout
// with saliences on 0-100 (salience_scale: 100, as scenario files write them) and ranges as
// [low, high]; the process designs as a list; ids typed but not yet valid in `pending`. After every
// change the whole state is written into the page's address (#s=..., base64url of its JSON) with
// history.replaceState: synchronous and all-or-nothing, so a reload never loses or half-restores
// an edit, and nothing the user typed is sent to or stored on the server.

import { NUMBER, clone } from "./util.js";

const VERSION = 1;
export const SLUG = /^[a-z0-9][a-z0-9_.-]{0,63}$/;
export const MAX_ADDRESS = 1_500_000; // Chromium refuses addresses of 2 MB and more
const RANGES = { capability: "capability_range", position: "position_range", salience: "salience_range", reservation: "reservation_range", no_deal: "no_deal_range" };

// x * 100, written so that dividing by 100 gives x back exactly (unedited values keep their hash).
export function to100(x) {
  if (typeof x !== "number") return x;
  for (let p = 1; p <= 17; p++) {
    const v = Number((x * 100).toPrecision(p));
    if (v / 100 === x) return v;
  }
  return x * 100;
}

const pair = (r) => (r === null || r === undefined ? undefined : Array.isArray(r) ? [r[0], r[1]] : [r.low, r.high]);

// Drop what the defaults say anyway, so that the address stays short.
function prune(obj, defaults) {
  for (const [key, value] of Object.entries(obj)) {
    const empty = value === null || value === undefined || (typeof value === "object" && !Array.isArray(value) && !Object.keys(value).length);
    if (empty || (key in defaults && JSON.stringify(defaults[key]) === JSON.stringify(value))) delete obj[key];
  }
  return obj;
}

// The state of a scenario given as the API's JSON (saliences on 0-1) and its designs (or null).
export function fromSeed(seed, designs, origin, caseName) {
  const s = clone(seed);
  s.salience_scale = 100;
  for (const a of s.actors || []) {
    if (a.capability_range) a.capability_range = pair(a.capability_range);
    prune(a, { bloc: null, source: null, notes: null });
  }
  for (const i of s.issues || []) {
    if (i.no_deal_range) i.no_deal_range = pair(i.no_deal_range);
    prune(i, { quota: 1, implementers: [], anchors: [], description: null });
  }
  for (const st of s.stances || []) {
    st.salience = to100(st.salience);
    if (st.salience_range) st.salience_range = pair(st.salience_range).map(to100);
    for (const key of ["position_range", "reservation_range"]) if (st[key]) st[key] = pair(st[key]);
    prune(st, { distribution: "uniform" });
  }
  prune(s, { description: "", sources: [] });
  const list = designs ? designs.designs || designs : [];
  return { v: VERSION, origin, case: caseName || null, scenario: s, designs: clone(list), pending: {} };
}

function base64url(text) {
  const bytes = new TextEncoder().encode(text);
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function unbase64url(text) {
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  return new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
}

export function encode(state) {
  return base64url(JSON.stringify(state));
}

export function decode(text) {
  try {
    const state = JSON.parse(unbase64url(text));
    return state && state.v === VERSION && state.scenario ? state : null;
  } catch {
    return null;
  }
}

// Write the state into the address; false (and nothing written) when it is too long for one.
export function saveToAddress(state, path = null) {
  const url = new URL(location.href);
  if (path) url.pathname = path;
  url.search = path ? "" : url.search;
  url.hash = `s=${encode(state)}`;
  if (url.href.length > MAX_ADDRESS) return false;
  history.replaceState(null, "", url.href);
  return true;
}

export function loadFromAddress() {
  const match = location.hash.match(/^#s=([A-Za-z0-9_-]+)$/);
  return match ? decode(match[1]) : null;
}

// ---------------------------------------------------------------- paths into the scenario
export const parts = (path) => path.split(".").map((p) => (/^\d+$/.test(p) ? Number(p) : p));

export function getPath(obj, path) {
  let node = obj;
  for (const p of parts(path)) {
    if (node === null || node === undefined) return undefined;
    node = node[p];
  }
  return node;
}

export function setPath(obj, path, value) {
  const keys = parts(path);
  let node = obj;
  keys.slice(0, -1).forEach((key, k) => {
    if (node[key] === null || node[key] === undefined || typeof node[key] !== "object") node[key] = typeof keys[k + 1] === "number" ? ["", ""] : {};
    node = node[key];
  });
  node[keys[keys.length - 1]] = value;
}

// Delete a field, then any object it leaves empty (a `why` with no reason left).
export function deletePath(obj, path) {
  const keys = parts(path);
  const chain = [obj];
  for (const key of keys.slice(0, -1)) {
    const next = chain[chain.length - 1]?.[key];
    if (next === undefined || next === null) return;
    chain.push(next);
  }
  delete chain[chain.length - 1][keys[keys.length - 1]];
  for (let k = chain.length - 1; k > 0; k--) {
    const node = chain[k];
    if (Array.isArray(node) || Object.keys(node).length) break;
    delete chain[k - 1][keys[k - 1]];
  }
}

// The text of an input as a value: a number where it reads as one, else the text (the server
// then names the problem in the command line's words).
export const readValue = (text) => (NUMBER.test(text.trim()) ? Number(text.trim()) : text.trim());

// The range field that goes with a value's path (actors.2.capability -> actors.2.capability_range).
export function rangeOf(path) {
  const keys = path.split(".");
  const field = RANGES[keys[keys.length - 1]];
  return field ? [...keys.slice(0, -1), field].join(".") : null;
}

// ---------------------------------------------------------------- structure: actors and issues
function nextId(prefix, taken) {
  for (let n = 1; ; n++) if (!taken.includes(`${prefix}_${n}`)) return [`${prefix}_${n}`, n];
}

export function midpoint(issue) {
  const lo = Number(issue.scale?.min ?? 0);
  const hi = Number(issue.scale?.max ?? 100);
  return isFinite(lo) && isFinite(hi) ? Number(((lo + hi) / 2).toPrecision(12)) : 50;
}

export function stanceIndex(scenario) {
  const index = new Map();
  scenario.stances.forEach((st, k) => index.set(`${st.actor}\u0000${st.issue}`, k));
  return index;
}

// Keep the stances in the order a YAML file writes them: grouped by issue, in the issues' order
// (a stable sort), so that an exported file reads back as the same scenario, with the same hash.
function orderStances(scenario) {
  const at = new Map(scenario.issues.map((issue, k) => [issue.id, k]));
  const keyed = scenario.stances.map((stance, k) => [at.get(stance.issue) ?? Infinity, k, stance]);
  keyed.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  scenario.stances = keyed.map((item) => item[2]);
}

// Give every actor a stance on every issue (a new actor or issue starts in the middle, salience
// 50), grouped by issue.
export function fillStances(scenario) {
  const index = stanceIndex(scenario);
  for (const issue of scenario.issues) {
    for (const actor of scenario.actors) {
      if (!index.has(`${actor.id}\u0000${issue.id}`)) {
        scenario.stances.push({ actor: actor.id, issue: issue.id, position: midpoint(issue), salience: 50 });
      }
    }
  }
  orderStances(scenario);
}

export function addActor(state) {
  const s = state.scenario;
  const [id, n] = nextId("actor", s.actors.map((a) => a.id));
  s.actors.push({ id, name: `Actor ${n}`, capability: 100 });
  fillStances(s);
  return id;
}

export function addIssue(state) {
  const s = state.scenario;
  const [id, n] = nextId("issue", s.issues.map((i) => i.id));
  s.issues.push({ id, name: `Issue ${n}`, scale: { min: 0, max: 100, unit: "points" } });
  fillStances(s);
  return id;
}

// Change every reference to an actor (kind "actor") or issue (kind "issue"): `to` null removes it.
function mapReferences(state, kind, from, to) {
  const swap = (list) => (Array.isArray(list) ? list.flatMap((x) => (x === from ? (to === null ? [] : [to]) : [x])) : list);
  const s = state.scenario;
  if (kind === "actor") {
    s.stances = s.stances.flatMap((st) => (st.actor !== from ? [st] : to === null ? [] : [{ ...st, actor: to }]));
    for (const issue of s.issues) {
      if (issue.consent) issue.consent = swap(issue.consent);
      if (issue.implementers) issue.implementers = swap(issue.implementers);
    }
  } else {
    s.stances = s.stances.flatMap((st) => (st.issue !== from ? [st] : to === null ? [] : [{ ...st, issue: to }]));
  }
  for (const design of state.designs) {
    for (const stage of design.stages || []) {
      if (kind === "actor") {
        if (Array.isArray(stage.forum)) stage.forum = swap(stage.forum);
        else if (stage.forum && typeof stage.forum === "object") {
          stage.forum.include = swap(stage.forum.include);
          stage.forum.exclude = swap(stage.forum.exclude);
        } else if (stage.forum === from) stage.forum = to === null ? [] : to;
        for (const key of ["consent", "implementers"]) if (Array.isArray(stage[key])) stage[key] = swap(stage[key]);
      } else if (Array.isArray(stage.agenda)) stage.agenda = swap(stage.agenda);
    }
    if (kind === "issue" && Array.isArray(design.tracks)) design.tracks = design.tracks.map(swap).filter((t) => t.length);
    const fields = kind === "actor" ? ["actor", "payer", "payee"] : ["issue"];
    for (const key of ["shocks", "side_payments"]) {
      if (!Array.isArray(design[key])) continue;
      design[key] = design[key].flatMap((item) => {
        const hit = fields.filter((f) => item[f] === from);
        if (!hit.length) return [item];
        if (to === null) return [];
        const out = { ...item };
        for (const f of hit) out[f] = to;
        return [out];
      });
    }
  }
}

// Check a new id for an actor or issue: the words of the scenario validator, or null when fine.
export function idProblem(state, kind, index, text) {
  const list = kind === "actor" ? state.scenario.actors : state.scenario.issues;
  if (!SLUG.test(text)) {
    return `'${text}' is not a valid id (use lowercase letters, digits, '_', '-' or '.', starting with a letter or digit)`;
  }
  if (list.some((item, k) => k !== index && item.id === text)) return `duplicate ${kind} id '${text}'`;
  return null;
}

// Rename an actor or issue and every reference to it; a bad id is kept as typed in `pending`.
export function rename(state, kind, index, text) {
  const key = `${kind === "actor" ? "actors" : "issues"}.${index}.id`;
  const list = kind === "actor" ? state.scenario.actors : state.scenario.issues;
  const old = list[index].id;
  if (text === old) {
    delete state.pending[key];
    return null;
  }
  const problem = idProblem(state, kind, index, text);
  if (problem) {
    state.pending[key] = text;
    return problem;
  }
  delete state.pending[key];
  list[index].id = text;
  mapReferences(state, kind, old, text);
  return null;
}

export function removeActor(state, index) {
  const [actor] = state.scenario.actors.splice(index, 1);
  mapReferences(state, "actor", actor.id, null);
  shiftPending(state, "actors", index);
}

export function removeIssue(state, index) {
  const [issue] = state.scenario.issues.splice(index, 1);
  mapReferences(state, "issue", issue.id, null);
  shiftPending(state, "issues", index);
}

function shiftPending(state, list, removed) {
  const next = {};
  for (const [key, text] of Object.entries(state.pending)) {
    const [name, k, field] = key.split(".");
    const index = Number(k);
    if (name !== list) next[key] = text;
    else if (index > removed) next[`${name}.${index - 1}.${field}`] = text;
    else if (index < removed) next[key] = text;
  }
  state.pending = next;
}
