// accord web: the bottom line, first on every forecast: per issue will they settle and who blocks
// it, where it ends up (the consensus of the models, made deal-aware), how sure that is over the
// inputs next to how far the models disagree, what moves it most, and why (BottomLine.to_dict()).

import { el, fmt, legend, pct, table } from "./util.js";
import { bottomLineChart } from "./charts.js";

// P(deal) in words, as the report and the command line say it.
export function verdict(p, draws) {
  if (draws <= 1) return p >= 1 ? "a zone of agreement exists" : "no zone of agreement";
  if (p >= 1) return "a deal in every draw";
  if (p >= 0.9) return "a deal is very likely";
  if (p >= 0.5) return "a deal is more likely than not";
  if (p > 0.1) return "a deal is unlikely";
  if (p > 0) return "a deal is very unlikely";
  return "no deal in any draw";
}

const span = (lo, hi) => (typeof lo !== "number" || typeof hi !== "number" ? "–" : Math.abs(hi - lo) < 0.05 ? fmt(lo) : `${fmt(lo)}–${fmt(hi)}`);

function where(line) {
  if (typeof line.consensus !== "number") return "–";
  const label = (line.label || "").split(";")[0].split(" (")[0];
  return label ? `${fmt(line.consensus)} (${label})` : fmt(line.consensus);
}

function moves(line) {
  return (line.drivers || []).map((d) => `${d.words} (${d.low}–${d.high}): ${fmt(d.at_low)} to ${fmt(d.at_high)}`).join("; ") || "nothing, one input at a time";
}

// The bottom line as a section: sentences, a table, a chart and the why of every issue.
export function showBottomLine(bl, issues) {
  const draws = bl.provenance.draws;
  const how = draws > 1 ? `${draws.toLocaleString()} random draws of the ${bl.provenance.uncertain_inputs} uncertain inputs (seed ${bl.provenance.seed})` : "the coded values only";
  const sentence = (line) => {
    let text = `${line.name}: ${verdict(line.p_deal, draws)} (P(deal) ${pct(line.p_deal)}); expected outcome ${where(line)}`;
    const [lo, hi] = line.interval || [];
    if (draws > 1 && typeof lo === "number") text += `, 95% ${span(lo, hi)} over the inputs`;
    const [mlo, mhi] = line.model_range || [];
    if (typeof mlo === "number") text += Math.abs(mhi - mlo) < 0.05 ? "; the models agree" : `; the models range ${span(mlo, mhi)}`;
    if ((line.driver_actors || []).length) text += `; moved most by ${line.driver_actors.map((a) => a.actor).join(", ")}`;
    return `${text}.`;
  };
  const rows = bl.issues.map((line) =>
    el(
      "tr",
      { "data-issue": line.issue },
      el("th", { text: line.name }),
      el("td", { class: "p-deal", text: `${pct(line.p_deal)}: ${verdict(line.p_deal, draws)}${line.p_deal < 1 && line.blockers.length ? `; blocked by ${line.blockers.map((b) => b.actor).join(", ")}` : ""}` }),
      el("td", { class: "consensus", "data-value": fmt(line.consensus), text: where(line) }),
      el("td", { class: "num", text: draws > 1 ? span(...(line.interval || [])) : "–" }),
      el("td", { class: "num", text: span(...(line.model_range || [])) }),
      el("td", { class: "num", text: `${fmt(line.own_consensus)} (${span(...(line.own_range || []))})` }),
      el("td", { text: moves(line) }),
    ),
  );
  const why = bl.issues.map((line) => el("div", { class: "why", "data-issue": line.issue }, el("h3", { text: `Why — ${line.name}` }), el("ul", { class: "notes" }, ...line.why.map((w) => el("li", { text: w })))));
  return el(
    "section",
    { id: "bottom-line", class: "run-section bottom-line" },
    el("h2", { text: "The bottom line" }),
    el("p", { class: "hint", text: `The consensus of ${bl.provenance.models.length} models (${bl.provenance.models.join(", ")}), their median in each of ${how}, made deal-aware.` }),
    el("ul", { class: "headline" }, ...bl.issues.map((line) => el("li", { text: sentence(line) }))),
    table("bottom-line-table", ["Issue", "Will they settle?", "Expected outcome", "95% over inputs", "Across models", "Models alone", "Moves it most"], rows),
    legend(["p_deal", "blockers", "consensus", "input_uncertainty", "model_range", "models_alone", "drivers"], "bottom-line-legend"),
    el("figure", { class: "chart" }, bottomLineChart(issues, bl), el("figcaption", { class: "hint", text: "Top row: each model's own forecast (hollow dots) and their median (bar), as if a deal were certain. Bottom row: the consensus's expected outcome (dot) with its 95% interval over the inputs (line) and the range of the models' expected outcomes (grey band); the dotted line is where the issue stays without a deal." })),
    ...why,
    legend(["why_sentences"]),
  );
}
