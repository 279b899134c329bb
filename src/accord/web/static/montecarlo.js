// accord web: a Monte Carlo run in the background, with its progress bar and a cancel button.

import { busy, byId, call, readNumber, say, sleep } from "./util.js";
import { issuesMeta } from "./charts.js";
import { showMonteCarlo } from "./results.js";

let running = null; // the job being followed

async function cancel() {
  if (!running) return;
  byId("cancel-mc").disabled = true;
  byId("mc-progress-text").textContent = "cancelling after the current chunk of draws…";
  try {
    await call("POST", `/api/jobs/${running}/cancel`);
  } catch (error) {
    say(error.message);
  }
}

export async function runMonteCarlo(event, scenario) {
  const button = event.currentTarget;
  const bar = byId("mc-progress");
  const text = byId("mc-progress-text");
  const stop = byId("cancel-mc");
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
    let job = await call("POST", "/api/mc", body);
    running = job.id;
    byId("mc-status").hidden = false;
    stop.hidden = false;
    stop.disabled = false;
    while (job.state === "queued" || job.state === "running") {
      bar.value = job.progress;
      if (!job.cancel_requested) text.textContent = `${job.state}: ${job.done.toLocaleString()} of ${job.total.toLocaleString()} draws`;
      await sleep(300);
      job = await call("GET", `/api/jobs/${job.id}`);
    }
    if (job.state === "cancelled") {
      text.textContent = `Cancelled after ${job.done.toLocaleString()} of ${job.total.toLocaleString()} draws: nothing was saved.`;
      byId("mc-result").replaceChildren();
      return;
    }
    bar.value = 1;
    text.textContent = `${job.state} in ${job.seconds.toFixed(1)} s`;
    if (job.state === "failed") throw new Error(job.error);
    showMonteCarlo(job.result, issues);
  } catch (error) {
    say(error.message);
  } finally {
    running = null;
    stop.hidden = true;
    busy(button, false);
  }
}

export function bindMonteCarlo(scenario) {
  byId("run-mc").addEventListener("click", (event) => runMonteCarlo(event, scenario()));
  byId("cancel-mc").addEventListener("click", cancel);
}
