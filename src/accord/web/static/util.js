// accord web: small helpers shared by the page scripts (elements, the JSON API, formats, legends).
// Nothing is fetched from elsewhere: every request goes to this server's /api.

export const byId = (id) => document.getElementById(id);
export const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const SVG_NS = "http://www.w3.org/2000/svg";

function setAttrs(node, attrs) {
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "text") node.textContent = value;
    else if (key.startsWith("on") && typeof value === "function") node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : value);
  }
}

function addChildren(node, children) {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

// An HTML element: el("td", {class: "num", text: "1.0"}, child, ...); `on<event>` attributes are listeners.
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  setAttrs(node, attrs);
  addChildren(node, children);
  return node;
}

// An SVG element, as el().
export function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVG_NS, tag);
  setAttrs(node, attrs);
  addChildren(node, children);
  return node;
}

export const fmt = (x, digits = 1) => (typeof x === "number" && isFinite(x) ? x.toFixed(digits) : "–");
export const first = (x) => (Array.isArray(x) ? x[0] : x);
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
export const clone = (x) => (x === undefined ? undefined : JSON.parse(JSON.stringify(x)));

// A number as Python's "%g" writes it in messages (six significant digits, no trailing zeros).
export function g(x) {
  if (typeof x !== "number" || !isFinite(x)) return String(x);
  return String(Number(x.toPrecision(6)));
}

// Probabilities as the report writes them: no false 0% or 100%.
export function pct(p) {
  if (typeof p !== "number" || !isFinite(p)) return "–";
  if (p > 0 && p < 0.001) return "<0.1%";
  if (p > 0.999 && p < 1) return ">99.9%";
  return (p > 0 && p < 0.1) || (p > 0.9 && p < 1) ? `${(100 * p).toFixed(1)}%` : `${Math.round(100 * p)}%`;
}

export function say(message) {
  const box = byId("message");
  box.textContent = message || "";
  box.hidden = !message;
}

export function busy(button, on) {
  button.disabled = on;
  button.classList.toggle("busy", on);
}

// Call the JSON API; a 4xx/5xx becomes an Error carrying the server's one-line `detail`.
export async function call(method, url, body) {
  const init = { method, headers: { Accept: "application/json" } };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const response = await fetch(url, init);
  const payload = await response.json().catch(() => ({ detail: response.statusText }));
  if (!response.ok) throw new Error(payload.detail || `${response.status} ${response.statusText}`);
  return payload;
}

export function readNumber(id, fallback) {
  const text = byId(id).value.trim();
  if (text === "") return fallback;
  return NUMBER.test(text) ? Number(text) : text; // the server names what is wrong
}

export function parseParams(text) {
  const out = {};
  for (const pair of text.split(",").map((p) => p.trim()).filter(Boolean)) {
    const at = pair.indexOf("=");
    if (at < 1) throw new Error(`parameter '${pair}' is not of the form key=value`);
    out[pair.slice(0, at).trim()] = pair.slice(at + 1).trim();
  }
  return out;
}

export function debounce(fn, ms) {
  let timer = null;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

export function notes(items, className = null) {
  return el("ul", { class: "notes" }, ...items.map((text) => el("li", { class: className, text })));
}

export function table(id, head, rows) {
  const thead = el("thead", {}, el("tr", {}, ...head.map((h, k) => el("th", { class: k ? "num" : null, text: h }))));
  return el("div", { class: "scroll" }, el("table", { class: "list result", id }, thead, el("tbody", {}, ...rows)));
}

// ---------------------------------------------------------------- explanations (docs' words)
let glossary = {};
export function useGlossary(terms) {
  glossary = terms || {};
}

// A visible list of one-line explanations, one per measure shown (below a table or chart).
export function legend(keys, id = null) {
  const items = keys.filter((k) => glossary[k]);
  return el(
    "dl",
    { class: "legend", id },
    ...items.flatMap((k) => [el("dt", { text: glossary[k].label }), el("dd", { "data-term": k, text: glossary[k].text })]),
  );
}
