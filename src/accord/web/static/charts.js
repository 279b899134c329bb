// accord web: inline SVG charts of results, one panel per issue on the issue's own scale with its
// anchors. Marks carry their data (data-model, data-issue, data-value), so they can be counted and
// read: a forecast chart has one <circle class="mark"> per model and issue, a Monte Carlo chart
// one <rect class="bar"> per bin and issue, a design chart one <circle class="mark"> per design
// and issue (with a <line class="interval"> when the designs ran on draws).

import { first, fmt, pct, svg } from "./util.js";

const W = 780;
const LEFT = 160;
const RIGHT = 70;
const ROW = 20;

// What a chart needs of each issue, from a scenario's JSON (numbers where the scale has them).
export function issuesMeta(scenario) {
  return (scenario.issues || []).map((i) => ({
    id: i.id,
    name: i.name || i.id,
    scale: { min: Number(i.scale?.min ?? 0), max: Number(i.scale?.max ?? 100), unit: i.scale?.unit || "points" },
    anchors: (i.anchors || []).map((a) => ({ value: Number(a.value), label: String(a.label ?? "") })).filter((a) => isFinite(a.value)),
  }));
}

function xOf(issue) {
  const lo = issue.scale.min;
  const hi = issue.scale.max > lo ? issue.scale.max : lo + 1;
  return (v) => LEFT + ((Math.min(Math.max(v, lo), hi) - lo) / (hi - lo)) * (W - LEFT - RIGHT);
}

const short = (text, n) => (text.length > n ? `${text.slice(0, n - 1)}…` : text);

function title(issue, y) {
  return svg("text", { x: 4, y: y + 14, class: "panel-title" }, `${issue.name} (${issue.id}, ${fmt(issue.scale.min, 0)}–${fmt(issue.scale.max, 0)} ${issue.scale.unit})`);
}

function rowLabel(text, y) {
  return [
    svg("text", { x: LEFT - 8, y: y + ROW / 2 + 4, class: "row-label", "text-anchor": "end" }, short(text, 24)),
    svg("line", { x1: LEFT, x2: W - RIGHT, y1: y + ROW / 2, y2: y + ROW / 2, class: "guide" }),
  ];
}

// The issue's axis with a tick at each anchor (its label below, shortened; in full on hover).
function axis(issue, y, parts) {
  const x = xOf(issue);
  parts.push(svg("line", { x1: LEFT, x2: W - RIGHT, y1: y, y2: y, class: "axis" }));
  const ticks = issue.anchors.length ? issue.anchors : [{ value: issue.scale.min, label: "" }, { value: issue.scale.max, label: "" }];
  for (const a of ticks) {
    parts.push(
      svg(
        "g",
        { class: "anchor", "data-value": a.value },
        svg("title", {}, a.label ? `${fmt(a.value, 0)}: ${a.label}` : fmt(a.value, 0)),
        svg("line", { x1: x(a.value), x2: x(a.value), y1: y - 4, y2: y + 4, class: "tick" }),
        svg("text", { x: x(a.value), y: y + 16, class: "tick-label", "text-anchor": "middle" }, fmt(a.value, 0)),
      ),
    );
  }
  let below = y + 22;
  for (const a of issue.anchors) {
    parts.push(svg("text", { x: LEFT, y: below + 10, class: "anchor-label" }, short(`${fmt(a.value, 0)}: ${a.label}`, 120)));
    below += 13;
  }
  return below + 14;
}

function frame(id, label, parts, height) {
  return svg("svg", { class: "chart", id, role: "img", "aria-label": label, viewBox: `0 0 ${W} ${height}`, width: W, height }, ...parts);
}

function diamond(cx, cy, attrs) {
  return svg("path", { d: `M ${cx} ${cy - 6} L ${cx + 6} ${cy} L ${cx} ${cy + 6} L ${cx - 6} ${cy} Z`, ...attrs });
}

// Each model's forecast per issue (a dot); with "Will they settle?", its expected outcome (a
// black diamond) and the no-deal outcome (a dotted line).
export function forecastChart(issues, record, id = "forecast-chart") {
  const deal = new Map((record.deal?.forecasts || []).map((f) => [`${f.model}\u0000${f.issue}`, f]));
  const parts = [];
  let y = 0;
  for (const issue of issues) {
    const x = xOf(issue);
    parts.push(title(issue, y));
    y += 24;
    const top = y;
    let noDeal = null;
    for (const r of record.results) {
      const value = first(r.forecast[issue.id]);
      parts.push(...rowLabel(r.model, y));
      const f = deal.get(`${r.model}\u0000${issue.id}`);
      if (f && typeof f.expected === "number") {
        parts.push(diamond(x(f.expected), y + ROW / 2, { class: "mark-expected", "data-model": r.model, "data-issue": issue.id, "data-value": fmt(f.expected) }));
        noDeal = f.no_deal;
      }
      if (typeof value === "number") {
        parts.push(
          svg(
            "circle",
            { class: "mark", cx: x(value), cy: y + ROW / 2, r: 5, "data-model": r.model, "data-issue": issue.id, "data-value": fmt(value) },
            svg("title", {}, `${r.model}: ${fmt(value)}${f ? `; expected outcome ${fmt(f.expected)} (P(deal) ${pct(f.p_deal)})` : ""}`),
          ),
        );
        parts.push(svg("text", { x: W - RIGHT + 8, y: y + ROW / 2 + 4, class: "value-label" }, fmt(value)));
      }
      y += ROW;
    }
    if (typeof noDeal === "number") parts.push(svg("line", { x1: x(noDeal), x2: x(noDeal), y1: top, y2: y, class: "no-deal" }, svg("title", {}, `no-deal outcome ${fmt(noDeal)}`)));
    y = axis(issue, y + 6, parts);
  }
  const label = deal.size ? "Each model's forecast (dot) and its expected outcome (diamond) per issue" : "Each model's forecast per issue";
  return frame(id, label, parts, y);
}

function bars(issue, edges, counts, y, height, cls, parts) {
  const x = xOf(issue);
  const most = Math.max(1, ...counts);
  counts.forEach((count, k) => {
    const h = (count / most) * height;
    const left = x(edges[k]);
    const width = Math.max(1, x(edges[k + 1]) - left - 1);
    parts.push(svg("rect", { class: cls, x: left, y: y + height - h, width, height: h, "data-issue": issue.id, "data-count": count }, svg("title", {}, `${fmt(edges[k])}–${fmt(edges[k + 1])}: ${count} draws`)));
  });
}

function intervals(issue, s, y, parts) {
  const x = xOf(issue);
  const [lo95, hi95] = s.interval95 || [];
  const [lo80, hi80] = s.interval80 || [];
  if (typeof lo95 === "number") parts.push(svg("line", { class: "interval95", x1: x(lo95), x2: x(hi95), y1: y, y2: y }, svg("title", {}, `95% interval ${fmt(lo95)}–${fmt(hi95)}`)));
  if (typeof lo80 === "number") parts.push(svg("line", { class: "interval80", x1: x(lo80), x2: x(hi80), y1: y, y2: y }, svg("title", {}, `80% interval ${fmt(lo80)}–${fmt(hi80)}`)));
  if (typeof s.mean === "number") parts.push(svg("circle", { class: "mean", cx: x(s.mean), cy: y, r: 4, "data-issue": issue.id, "data-value": fmt(s.mean) }, svg("title", {}, `mean ${fmt(s.mean)}, median ${fmt(s.median)}`)));
}

// The Monte Carlo distribution of the forecast per issue (bars), with its mean and its 80% (thick)
// and 95% (thin) intervals; with "Will they settle?", the deal-aware outcome's bars below it.
export function histogramChart(issues, record, id = "mc-chart") {
  const summaries = new Map((record.issues || []).map((s) => [s.issue, s]));
  const deals = new Map((record.deal || []).map((d) => [d.issue, d]));
  const parts = [];
  let y = 0;
  for (const issue of issues) {
    const s = summaries.get(issue.id);
    if (!s) continue;
    parts.push(title(issue, y));
    y += 24;
    parts.push(svg("text", { x: LEFT - 8, y: y + 40, class: "row-label", "text-anchor": "end" }, "forecast"));
    bars(issue, s.bin_edges, s.counts, y, 60, "bar", parts);
    y += 70;
    intervals(issue, s, y, parts);
    y += 10;
    const d = deals.get(issue.id);
    if (d && d.expected?.counts) {
      parts.push(svg("text", { x: LEFT - 8, y: y + 30, class: "row-label", "text-anchor": "end" }, `deal-aware (P(deal) ${pct(d.p_deal)})`));
      bars(issue, d.expected.bin_edges, d.expected.counts, y, 44, "bar-deal", parts);
      y += 54;
      intervals(issue, d.expected, y, parts);
      y += 10;
    }
    y = axis(issue, y + 4, parts);
  }
  return frame(id, "Monte Carlo distribution of the forecast per issue", parts, y);
}

// Per design and issue the expected outcome (a dot), with its 95% interval when the designs ran
// on draws, P(deal) at the right, and the baseline's value as a dashed line.
export function designChart(issues, record, id = "compare-chart") {
  const rows = record.table.filter((r) => r.issue !== "all");
  const designs = [...new Set(rows.map((r) => r.design))];
  const cell = new Map(rows.map((r) => [`${r.design}\u0000${r.issue}`, r]));
  const parts = [];
  let y = 0;
  for (const issue of issues) {
    const x = xOf(issue);
    parts.push(title(issue, y));
    y += 24;
    const top = y;
    designs.forEach((design) => {
      const r = cell.get(`${design}\u0000${issue.id}`);
      parts.push(...rowLabel(design, y));
      if (r && typeof r.expected === "number") {
        if (record.draws > 1 && typeof r.expected_low === "number" && typeof r.expected_high === "number") {
          parts.push(svg("line", { class: "interval", x1: x(r.expected_low), x2: x(r.expected_high), y1: y + ROW / 2, y2: y + ROW / 2, "data-design": design, "data-issue": issue.id }, svg("title", {}, `95% interval ${fmt(r.expected_low)}–${fmt(r.expected_high)}`)));
        }
        parts.push(
          svg(
            "circle",
            { class: "mark", cx: x(r.expected), cy: y + ROW / 2, r: 5, "data-design": design, "data-issue": issue.id, "data-value": fmt(r.expected) },
            svg("title", {}, `${design}: expected outcome ${fmt(r.expected)}, P(deal) ${pct(r.p_deal)}`),
          ),
        );
        parts.push(svg("text", { x: W - RIGHT + 8, y: y + ROW / 2 + 4, class: "value-label" }, `P ${pct(r.p_deal)}`));
      }
      y += ROW;
    });
    const base = cell.get(`${designs[0]}\u0000${issue.id}`);
    if (base && typeof base.expected === "number") parts.push(svg("line", { class: "baseline", x1: x(base.expected), x2: x(base.expected), y1: top, y2: y }));
    y = axis(issue, y + 6, parts);
  }
  return frame(id, "Expected outcome per design and issue", parts, y);
}

// The bottom line per issue: on top each model's own forecast (hollow dot, class "mark-own") and
// their median; below, the range of the models' expected outcomes (grey band), the consensus's 95%
// interval over the inputs (line.interval) and its expected outcome (circle.mark), the no-deal
// outcome dotted.
export function bottomLineChart(issues, bl, id = "bottom-line-chart") {
  const lines = new Map((bl.issues || []).map((l) => [l.issue, l]));
  const parts = [];
  let y = 0;
  for (const issue of issues) {
    const line = lines.get(issue.id);
    if (!line) continue;
    const x = xOf(issue);
    parts.push(title(issue, y));
    y += 24;
    const top = y;
    parts.push(...rowLabel("models alone", y));
    for (const [model, value] of Object.entries(line.own || {})) {
      parts.push(svg("circle", { class: "mark-own", cx: x(value), cy: y + ROW / 2, r: 5, "data-model": model, "data-issue": issue.id, "data-value": fmt(value) }, svg("title", {}, `${model} alone: ${fmt(value)}`)));
    }
    parts.push(svg("line", { class: "median", x1: x(line.own_consensus), x2: x(line.own_consensus), y1: y + 3, y2: y + ROW - 3 }, svg("title", {}, `their median ${fmt(line.own_consensus)}`)));
    y += ROW;
    parts.push(...rowLabel(`with the deal: P ${pct(line.p_deal)}`, y));
    const [mlo, mhi] = line.model_range || [];
    if (typeof mlo === "number" && typeof mhi === "number") {
      parts.push(svg("rect", { class: "model-range", x: x(mlo) - 2, y: y + 4, width: Math.max(4, x(mhi) - x(mlo) + 4), height: ROW - 8 }, svg("title", {}, `the models' expected outcomes: ${fmt(mlo)}–${fmt(mhi)}`)));
    }
    const [lo, hi] = line.interval || [];
    if (bl.provenance.draws > 1 && typeof lo === "number" && typeof hi === "number") {
      parts.push(svg("line", { class: "interval", x1: x(lo), x2: x(hi), y1: y + ROW / 2, y2: y + ROW / 2, "data-issue": issue.id }, svg("title", {}, `95% over the inputs: ${fmt(lo)}–${fmt(hi)}`)));
    }
    if (typeof line.consensus === "number") {
      parts.push(svg("circle", { class: "mark", cx: x(line.consensus), cy: y + ROW / 2, r: 6, "data-issue": issue.id, "data-value": fmt(line.consensus) }, svg("title", {}, `expected outcome ${fmt(line.consensus)}`)));
      parts.push(svg("text", { x: W - RIGHT + 8, y: y + ROW / 2 + 4, class: "value-label" }, fmt(line.consensus)));
    }
    y += ROW;
    if (typeof line.no_deal === "number") parts.push(svg("line", { x1: x(line.no_deal), x2: x(line.no_deal), y1: top, y2: y, class: "no-deal" }, svg("title", {}, `no-deal outcome ${fmt(line.no_deal)}`)));
    y = axis(issue, y + 6, parts);
  }
  return frame(id, "The bottom line: the models alone, then the consensus with the deal", parts, y);
}
