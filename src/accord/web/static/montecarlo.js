// accord web: a Monte Carlo run in the background, with its progress bar, its expected duration
// and a cancel button.

import { busy, byId, call, readNumber, say } from "./util.js";
import { issuesMeta } from "./charts.js";
import { JobPanel } from "./jobs.js";
import { showMonteCarlo } from "./results.js";

let panel = null;

export async function runMonteCarlo(event, scenario) {
  const button = event.currentTarget;
  say("");
  busy(button, true);
  try {
    const issues = issuesMeta(scenario);
    const body = {
      scenario,
      ...(byId("mc-model").value ? { model: byId("mc-model").value } : {}),
      draws: readNumber("mc-draws", 1000),
      bloc_correlation: readNumber("mc-correlation", 0),
      spread: readNumber("mc-spread", null),
      seed: readNumber("seed", 0),
    };
    if (byId("mc-deal").checked) {
      body.deal = true;
      if (byId("mc-linked").checked) body.linked = true;
    }
    const job = await panel.follow(await call("POST", "/api/mc", body));
    if (job.state === "cancelled") {
      byId("mc-result").replaceChildren();
      return;
    }
    if (job.state === "failed") throw new Error(job.error);
    showMonteCarlo(job.result, issues);
  } catch (error) {
    say(error.message);
  } finally {
    busy(button, false);
  }
}

// `guard` (optional) wraps the handler: the editor's check that no value is still marked draft.
export function bindMonteCarlo(scenario, guard = (run) => run) {
  panel = new JobPanel("mc", "draws", "cancelling after the current chunk of draws…");
  byId("run-mc").addEventListener("click", guard((event) => runMonteCarlo(event, scenario())));
}
