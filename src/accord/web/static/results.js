// accord web: results in the editor, each as a chart, a table and a legend of the measures shown:
// forecasts (and "Will they settle?"), design comparisons and Monte Carlo.

import { byId, el, fmt, first, legend, notes, pct, table } from "./util.js";
import { designChart, forecastChart, histogramChart } from "./charts.js";
import { showBottomLine } from "./bottomline.js";

const lastForecast = new Map(); // "model issue" -> value of the previous run

export function links(runId) {
  if (!runId) return el("p", { class: "hint", text: "Not saved: the run store is off." });
  return el(
    "p",
    { class: "actions" },
    `Saved as ${runId} · `,
    el("a", { href: `/runs/${runId}`, class: "run-link", text: "open the run and its charts" }),
    " · ",
    el("a", { href: `/api/report/${runId}`, class: "report-link button", download: "", text: "Download the report (HTML)" }),
  );
}

function figure(chart, caption) {
  return el("figure", { class: "chart" }, chart, el("figcaption", { class: "hint", text: caption }));
}

function joinNames(names) {
  return names.length <= 2 ? names.join(" and ") : `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
}

// One concession (what it would take), in the words of the report.
function concessionWords(c) {
  const who = joinNames(c.actors);
  const one = c.actors.length === 1;
  const issues = c.issues.join(" + ");
  if (!c.alone) return `${issues}: ${who} cannot open a zone by giving way alone; the others do not agree among themselves either.`;
  const where = c.issues.map((issue, k) => `${issue} ${fmt((c.compromise || [])[k])}`).join(", ");
  const afford = c.affordable ? "which the others can afford" : "more than the others gain";
  const pay = String(Number(Number(c.side_payment || 0).toPrecision(3)));
  const gain = String(Number(Number(c.others_gain || 0).toPrecision(3)));
  return (
    `${issues}: ${who} ${one ? "holds" : "hold"} out. A deal at the others' compromise (${where}) would take ` +
    `side payments worth ${pay} in utility, ${afford} (they gain ${gain}); or ${who} moving ` +
    `${pct(c.share === null ? 1 : c.share)} of the way from ${one ? "its position" : "their positions"} toward it.`
  );
}

function blockedBy(list, pDeal) {
  const shown = (list || []).slice(0, 3).map((b) => `${b.actor} (${pct(b.holdout)})`).join(", ");
  return shown || (pDeal >= 1 ? "nobody" : "–");
}

// The deal-aware forecast (DealForecast.to_dict()): zones, blockers, what it takes, expectations.
function showDeal(deal) {
  const issues = deal.scenario.issues;
  const draws = deal.provenance.draws;
  const how = draws > 1 ? `${draws.toLocaleString()} draws of ${deal.provenance.uncertain_inputs} uncertain inputs` : "the coded values only";
  const zoneRows = deal.zones.map((z) => {
    const at = z.at_coded_values;
    const where = at.exists
      ? `yes: ${z.issues.map((issue, k) => `${issue} ${fmt(at.span[k][0])}–${fmt(at.span[k][1])}`).join(", ")}`
      : `none${at.holdouts.length ? `; held out by ${at.holdouts.join(", ")}` : ""}`;
    return el(
      "tr",
      { "data-issues": z.issues.join("+") },
      el("th", { text: z.issues.join(" + ") }),
      el("td", { class: "num p-deal", text: pct(z.p_deal) }),
      el("td", { text: where }),
      el("td", { text: blockedBy(deal.blockers[z.issues[0]], z.p_deal) }),
    );
  });
  const byModel = new Map();
  for (const f of deal.forecasts) {
    if (!byModel.has(f.model)) byModel.set(f.model, new Map());
    byModel.get(f.model).set(f.issue, f);
  }
  const expectedRows = [...byModel].map(([model, mine]) =>
    el(
      "tr",
      { "data-model": model },
      el("th", { text: model }),
      ...issues.map((issue) => {
        const f = mine.get(issue);
        return el("td", { class: "num", id: `deal-${model}-${issue}`, "data-value": fmt(f.expected) }, fmt(f.expected), " ", el("span", { class: "noise", text: `(${fmt(f.point)} → ${fmt(f.settlement)})` }));
      }),
    ),
  );
  const one = byModel.size ? [...byModel.values()][0] : new Map();
  expectedRows.push(
    el("tr", {}, el("th", { text: "no deal" }), ...issues.map((i) => el("td", { class: "num", text: fmt(one.get(i)?.no_deal) }))),
    el("tr", {}, el("th", { text: "P(deal)" }), ...issues.map((i) => el("td", { class: "num", text: pct(one.get(i)?.p_deal) }))),
  );
  const parts = [
    el("p", { class: "deal-answer", text: `Will they settle? (${how}; P(deal) = share of draws with a zone of agreement)` }),
    table("deal-zones", ["Issues", "P(deal)", "Zone at the coded values", "Blocked most often by"], zoneRows),
  ];
  if (deal.concessions.length) {
    parts.push(el("p", { class: "hint", text: "What would it take (at the coded values; side payments in utility, salience × squared share of the scale):" }));
    parts.push(notes(deal.concessions.map(concessionWords)));
  }
  parts.push(
    legend(["p_deal", "zone", "holdouts", "blockers", "concessions"], "deal-zones-legend"),
    el("p", { class: "hint", text: "Expected outcome per model = P(deal) × settlement + (1 − P(deal)) × no-deal outcome; in grey: (the model's own forecast → the settlement if they settle)." }),
    table("deal-expected", ["Model", ...issues], expectedRows),
    legend(["expected", "settlement", "no_deal", "p_deal"]),
  );
  return parts;
}

export function showForecast(payload, issues) {
  const fc = payload.forecast;
  const ids = fc.scenario.issues;
  const rows = fc.results.map((r) =>
    el(
      "tr",
      { "data-model": r.model },
      el("th", { text: r.model }),
      ...ids.map((issue) => {
        const value = first(r.forecast[issue]);
        const key = `${r.model} ${issue}`;
        const cell = el("td", { class: "num", id: `fc-${r.model}-${issue}`, "data-value": fmt(value) }, fmt(value));
        if (lastForecast.has(key)) {
          const delta = value - lastForecast.get(key);
          if (Math.abs(delta) >= 0.05) cell.append(" ", el("span", { class: delta > 0 ? "delta up" : "delta down", text: `${delta > 0 ? "+" : ""}${fmt(delta)}` }));
        }
        lastForecast.set(key, value);
        return cell;
      }),
    ),
  );
  const record = { results: fc.results, deal: fc.deal };
  const caption = fc.deal
    ? "Each model's forecast (dot) and its expected outcome (black diamond) on each issue's scale; the dotted line is the no-deal outcome."
    : "Each model's forecast (dot) on each issue's scale, with the scale's anchors.";
  byId("forecast-result").replaceChildren(
    ...(fc.bottom_line ? [showBottomLine(fc.bottom_line, issues)] : []),
    el("h3", { text: "Each model's forecast" }),
    figure(forecastChart(issues, record), caption),
    table("forecast-table", ["Model", ...ids], rows),
    legend(["forecast"]),
    ...(fc.deal ? showDeal(fc.deal) : []),
    links(payload.run_id),
  );
}

function delta(value, low, high, noise, digits, draws) {
  if (typeof value !== "number") return el("span", { text: "–" });
  const sign = (x) => `${x >= 0 ? "+" : ""}${x.toFixed(digits)}`.replace(/^-(0\.?0*)$/, "+$1");
  const zero = (x) => typeof x !== "number" || /^\+0\.?0*$/.test(sign(x));
  if (noise && zero(value) && zero(low) && zero(high)) return el("span", { class: "noise", text: "0 noise" });
  let text = sign(value);
  if (draws > 1 && typeof low === "number" && typeof high === "number") text += ` [${sign(low)}, ${sign(high)}]`;
  return el("span", { class: noise ? "noise" : null, text: noise ? `${text} noise` : text });
}

export function showComparison(payload, issues) {
  const cmp = payload.comparison;
  const rows = cmp.table;
  const ids = [...new Set(rows.filter((r) => r.issue !== "all").map((r) => r.issue))];
  const designs = [...new Set(rows.map((r) => r.design))];
  const cell = new Map(rows.map((r) => [`${r.design} ${r.issue}`, r]));
  const body = designs.map((d, k) => {
    const all = cell.get(`${d} all`);
    return el(
      "tr",
      { "data-design": d },
      el("th", { text: d }),
      ...ids.map((i) => {
        const r = cell.get(`${d} ${i}`);
        const td = el("td", { class: "num", id: `cmp-${d}-${i}`, "data-value": fmt(r.expected) }, fmt(r.expected), el("span", { class: "noise", text: ` · P ${pct(r.p_deal)}` }));
        if (k > 0) td.append(el("br"), delta(r.delta, r.delta_low, r.delta_high, r.delta_noise, 1, cmp.draws));
        return td;
      }),
      el("td", { class: "num", text: pct(all.p_deal) }),
      el("td", { class: "num", text: pct(all.stable) }),
      el("td", { class: "num", text: fmt(all.spoiler_risk, 2) }),
      el("td", { class: "num", text: fmt(all.breadth, 2) }),
    );
  });
  const how = cmp.draws > 1 ? `${cmp.draws.toLocaleString()} draws, the same for every design` : "the coded values (set draws for intervals)";
  const head = ["Design", ...ids, "All settle", "Stable", "Spoiler risk", "Breadth"];
  const caption = cmp.draws > 1
    ? "Per design and issue the expected outcome (dot) with its 95% interval over the draws (line), and P(deal); the dashed line is the baseline."
    : "Per design and issue the expected outcome (dot) and P(deal); the dashed line is the baseline. Set draws for intervals.";
  const parts = [
    el("p", { class: "hint", text: `With '${cmp.model}' on ${how}, tolerance ${cmp.tolerance}. Per issue: the expected outcome, P(deal) and Δ, the paired difference to the baseline with its 95% interval.` }),
    figure(designChart(issues, cmp), caption),
    table("compare-table", head, body),
    legend(["baseline", "expected", "p_deal", "delta", "noise", "all_settle", "stable", "spoiler_risk", "breadth", "tolerance"], "compare-legend"),
  ];
  const details = el("details", { class: "per-issue" }, el("summary", { text: "Per issue: forecast, P(deal), settlement and intervals" }));
  for (const issue of ids) {
    const detailRows = designs.map((d, k) => {
      const r = cell.get(`${d} ${issue}`);
      return el(
        "tr",
        {},
        el("th", { text: d }),
        el("td", { class: "num", text: fmt(r.forecast) }),
        el("td", { class: "num", text: pct(r.p_deal) }),
        el("td", { class: "num" }, k ? delta(r.p_deal_delta, r.p_deal_delta_low, r.p_deal_delta_high, r.p_deal_noise, 2, cmp.draws) : "(base)"),
        el("td", { class: "num", text: fmt(r.settlement) }),
        el("td", { class: "num", text: cmp.draws > 1 ? `${fmt(r.expected)} [${fmt(r.expected_low)}–${fmt(r.expected_high)}]` : fmt(r.expected) }),
        el("td", { class: "num" }, k ? delta(r.delta, r.delta_low, r.delta_high, r.delta_noise, 1, cmp.draws) : "(base)"),
      );
    });
    details.append(el("h3", { text: issue }), table(`compare-${issue}`, ["Design", "Forecast", "P(deal)", "ΔP(deal)", "Settlement", "Expected", "Δ vs base"], detailRows));
  }
  details.append(legend(["forecast", "p_deal", "p_deal_delta", "settlement", "expected", "interval95", "delta"]));
  parts.push(details);
  if (cmp.warnings && cmp.warnings.length) parts.push(notes(cmp.warnings.map((w) => `warning: ${w.design}: ${w.message}`), "warning"));
  byId("compare-result").replaceChildren(...parts, links(payload.run_id));
}

export function showMonteCarlo(result, issues) {
  const rows = result.mc.issues.map((s) => {
    const likely = (s.regions || []).reduce((a, b) => (!a || b.probability > a.probability ? b : a), null);
    return el(
      "tr",
      {},
      el("th", { text: s.name }),
      el("td", { class: "num", text: fmt(s.mean) }),
      el("td", { class: "num", text: fmt(s.median) }),
      el("td", { class: "num", text: `${fmt(s.interval80[0])}–${fmt(s.interval80[1])}` }),
      el("td", { class: "num", text: `${fmt(s.interval95[0])}–${fmt(s.interval95[1])}` }),
      el("td", { text: likely ? `${likely.label} (${Math.round(100 * likely.probability)}%)` : "" }),
    );
  });
  const head = ["Issue", "Mean", "Median", "80% interval", "95% interval", "Most likely"];
  const caption = "The forecast over the draws per issue (bars), its mean (dot) and its 80% (thick) and 95% (thin) intervals, on the issue's scale with its anchors.";
  const parts = [figure(histogramChart(issues, result.mc), caption), table("mc-table", head, rows), legend(["mean_median", "interval80", "interval95", "most_likely"], "mc-legend")];
  if (result.mc.deal) {
    const names = new Map(result.mc.issues.map((s) => [s.issue, s.name]));
    const dealRows = result.mc.deal.map((d) => {
      const e = d.expected;
      const st = d.settlement;
      return el(
        "tr",
        { "data-issue": d.issue },
        el("th", { text: names.get(d.issue) || d.issue }),
        el("td", { class: "num p-deal", text: pct(d.p_deal) }),
        el("td", { class: "num", text: st ? `${fmt(st.mean)} [${fmt(st.interval95[0])}–${fmt(st.interval95[1])}]` : "never" }),
        el("td", { class: "num", text: fmt(e.mean) }),
        el("td", { class: "num", text: fmt(e.median) }),
        el("td", { class: "num", text: `${fmt(e.interval95[0])}–${fmt(e.interval95[1])}` }),
        el("td", { text: blockedBy(d.blockers, d.p_deal) }),
      );
    });
    parts.push(
      el("p", { class: "deal-answer", text: "Will they settle? The deal-aware outcome is the settlement where there is a deal, the no-deal outcome where there is none." }),
      table("mc-deal-table", ["Issue", "P(deal)", "Settlement [95%]", "Deal-aware mean", "Median", "95% interval", "Blocked most often by"], dealRows),
      legend(["p_deal", "settlement", "deal_aware", "interval95", "blockers"]),
    );
  }
  byId("mc-result").replaceChildren(...parts, links(result.run_id));
}
