// accord web: the entry point. On the editor page it starts the scenario editor and wires the
// forecast, design comparison and Monte Carlo panels; on a run's page it draws the run's charts.
// No framework and nothing fetched from elsewhere: every request goes to this server's /api.

import { busy, byId, call, clone, parseParams, readNumber, say, useGlossary } from "./util.js";
import { designChart, forecastChart, histogramChart, issuesMeta } from "./charts.js";
import { Designs } from "./designs.js";
import { Editor, inputLegends } from "./editor.js";
import { JobPanel } from "./jobs.js";
import { bindMonteCarlo } from "./montecarlo.js";
import { bindDraftForm, draftBlock } from "./review.js";
import { showComparison, showForecast } from "./results.js";
import { showBottomLine } from "./bottomline.js";

function checked(name) {
  return Array.from(document.querySelectorAll(`input[name="${name}"]:checked`), (i) => i.value);
}

async function runForecast(event, scenario) {
  const button = event.currentTarget;
  say("");
  busy(button, true);
  try {
    const body = { scenario, models: checked("model"), seed: readNumber("seed", 0), params: parseParams(byId("params").value) };
    const rounds = readNumber("rounds", null);
    if (rounds !== null) body.rounds = rounds;
    body.draws = readNumber("deal-draws", 200);
    if (byId("deal").checked) body.deal = true;
    if (byId("deal-linked").checked) body.linked = true;
    if (!body.models.length) throw new Error("choose at least one model");
    showForecast(await call("POST", "/api/forecast", body), issuesMeta(scenario));
  } catch (error) {
    say(error.message);
  } finally {
    busy(button, false);
  }
}

// A comparison expected to take more than a few seconds runs as a background job (202): follow
// it like a Monte Carlo run; a short one answers at once.
async function runCompare(event, scenario, designs, panel) {
  const button = event.currentTarget;
  say("");
  busy(button, true);
  try {
    const body = {
      scenario,
      designs: clone(designs.state.designs),
      pick: designs.picked(),
      ...(byId("compare-model").value ? { model: byId("compare-model").value } : {}),
      tolerance: readNumber("tolerance", 0.1),
      seed: readNumber("seed", 0),
    };
    const draws = readNumber("compare-draws", null);
    if (draws !== null) body.draws = draws;
    const issues = issuesMeta(scenario);
    panel.hide();
    const answer = await call("POST", "/api/compare", body);
    if (!("state" in answer)) {
      showComparison(answer, issues);
      return;
    }
    const job = await panel.follow(answer);
    if (job.state === "cancelled") {
      byId("compare-result").replaceChildren();
      return;
    }
    if (job.state === "failed") throw new Error(job.error);
    showComparison(job.result, issues);
  } catch (error) {
    say(error.message);
  } finally {
    busy(button, false);
  }
}

function startEditor(data) {
  let designs = null;
  const editor = new Editor(data, (state, structural) => {
    if (structural && designs) designs.render();
  });
  designs = new Designs(editor);
  designs.render();
  inputLegends();
  const scenario = () => clone(editor.state.scenario);
  // No model runs on a value still marked draft: the loader's words name the first one.
  const guard = (run) => async (event) => {
    const button = event.currentTarget;
    const blocked = await draftBlock(editor);
    if (blocked) {
      say(blocked);
      byId("message").scrollIntoView({ block: "center" });
      return;
    }
    run({ currentTarget: button });
  };
  byId("run-forecast").addEventListener("click", guard((event) => runForecast(event, scenario())));
  const comparing = new JobPanel("compare", "model runs", "cancelling after the current model run…");
  byId("run-compare").addEventListener("click", guard((event) => runCompare(event, scenario(), designs, comparing)));
  bindMonteCarlo(scenario, guard);
}

// A saved run's page: its bottom line first (a forecast's), then its chart, drawn from the record
// the page embeds.
function startRun(data) {
  const box = byId("run-charts");
  const chart = { run: forecastChart, mc: histogramChart, compare: designChart }[data.kind];
  if (box && chart) box.prepend(chart(data.issues, data.record));
  const top = byId("run-sections");
  if (top && data.record.bottom_line) top.prepend(showBottomLine(data.record.bottom_line, data.issues));
}

const editorData = byId("editor-data");
if (byId("draft-form")) bindDraftForm();
const runData = byId("run-charts-data");
if (editorData) {
  const data = JSON.parse(editorData.textContent);
  useGlossary(data.glossary);
  startEditor(data);
} else if (runData) {
  const data = JSON.parse(runData.textContent);
  useGlossary(data.glossary);
  startRun(data);
}
document.body.dataset.ready = "true";
