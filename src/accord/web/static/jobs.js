// accord web: following a background job (a Monte Carlo run, a long design comparison): its
// progress bar, its place in the queue, how long it should take, and its cancel button.

import { byId, call, say, sleep } from "./util.js";

// 1st, 2nd, 3rd, 4th, ..., 11th, 12th, 13th, 21st, ...
export function ordinal(n) {
  const teen = Math.floor(n / 10) % 10 === 1;
  const suffix = teen ? "th" : { 1: "st", 2: "nd", 3: "rd" }[n % 10] || "th";
  return `${n}${suffix}`;
}

// A duration as the server estimates it: never more precise than it is.
export function about(seconds) {
  if (seconds < 1.5) return "about 1 s";
  if (seconds < 20) return `about ${Math.round(seconds)} s`;
  if (seconds < 120) return `about ${5 * Math.round(seconds / 5)} s`;
  if (seconds < 7200) return `about ${Math.round(seconds / 60)} min`;
  return `about ${Math.round(seconds / 3600)} h`;
}

// "queued (2nd) — about 40 s", "running — 35% — about 25 s left (700 of 2,000 draws)".
export function jobText(job, unit) {
  const count = `${job.done.toLocaleString()} of ${job.total.toLocaleString()} ${unit}`;
  if (job.state === "queued") {
    const place = job.queue_position ? ` (${ordinal(job.queue_position)})` : "";
    const expected = job.expected_seconds === null || job.expected_seconds === undefined ? "" : ` — ${about(job.expected_seconds)}`;
    return `queued${place}${expected}`;
  }
  const share = `${Math.floor(100 * job.progress)}%`;
  if (job.eta_seconds === null || job.eta_seconds === undefined) return `running — ${share} (${count})`;
  const left = job.eta_seconds < 0.5 ? "nearly done" : `${about(job.eta_seconds)} left`;
  return `running — ${share} — ${left} (${count})`;
}

// The progress bar, text and cancel button named `${prefix}-status`, `${prefix}-progress`,
// `${prefix}-progress-text` and `cancel-${prefix}`.
export class JobPanel {
  constructor(prefix, unit, cancelling) {
    this.box = byId(`${prefix}-status`);
    this.bar = byId(`${prefix}-progress`);
    this.text = byId(`${prefix}-progress-text`);
    this.stop = byId(`cancel-${prefix}`);
    this.unit = unit;
    this.cancelling = cancelling;
    this.running = null; // the job being followed
    this.stop.addEventListener("click", () => this.cancel());
  }

  async cancel() {
    if (!this.running) return;
    this.stop.disabled = true;
    this.text.textContent = this.cancelling;
    try {
      await call("POST", `/api/jobs/${this.running}/cancel`);
    } catch (error) {
      say(error.message);
    }
  }

  hide() {
    this.box.hidden = true;
  }

  // Follow a job until it has finished and return it (cancelled, failed or done).
  async follow(job) {
    this.running = job.id;
    this.box.hidden = false;
    this.stop.hidden = false;
    this.stop.disabled = false;
    try {
      while (job.state === "queued" || job.state === "running") {
        this.bar.value = job.progress;
        if (!job.cancel_requested) this.text.textContent = jobText(job, this.unit);
        await sleep(300);
        job = await call("GET", `/api/jobs/${job.id}`);
      }
      if (job.state === "cancelled") {
        this.text.textContent = `Cancelled after ${job.done.toLocaleString()} of ${job.total.toLocaleString()} ${this.unit}: nothing was saved.`;
      } else {
        this.bar.value = 1;
        this.text.textContent = `${job.state} in ${job.seconds.toFixed(1)} s`;
      }
      return job;
    } finally {
      this.running = null;
      this.stop.hidden = true;
    }
  }
}
