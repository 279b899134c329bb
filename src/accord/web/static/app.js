// accord web: the scenario editor's table, runs through the JSON API, Monte Carlo progress.
// No framework and nothing fetched from elsewhere: every request goes to this server's /api.
"use strict";

(() => {
  const byId = (id) => document.getElementById(id);
  const dataNode = byId("editor-data");
  if (!dataNode) return; // only the editor page has a script's work to do

  const data = JSON.parse(dataNode.textContent);
  const original = data.scenario;
  let designSet = data.designs; // a designs file's mapping, or null
  const lastForecast = new Map(); // "model issue" -> value of the previous run
  const inputs = Array.from(document.querySelectorAll("#stances input[data-field]"));
  const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

  // ------------------------------------------------------------------ small helpers
  function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs)) {
      if (value === null || value === undefined) continue;
      if (key === "text") node.textContent = value;
      else node.setAttribute(key, value);
    }
    for (const child of children) {
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }
  const fmt = (x, digits = 1) => (typeof x === "number" && isFinite(x) ? x.toFixed(digits) : "–");
  const first = (x) => (Array.isArray(x) ? x[0] : x);
  const scale100 = (x) => Number((x * 100).toPrecision(12));
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  function say(message) {
    const box = byId("message");
    box.textContent = message || "";
    box.hidden = !message;
  }

  function busy(button, on) {
    button.disabled = on;
    button.classList.toggle("busy", on);
  }

  async function call(method, url, body) {
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

  function readNumber(id, fallback) {
    const text = byId(id).value.trim();
    if (text === "") return fallback;
    return NUMBER.test(text) ? Number(text) : text; // the server names what is wrong
  }

  function parseParams(text) {
    const out = {};
    for (const pair of text.split(",").map((p) => p.trim()).filter(Boolean)) {
      const at = pair.indexOf("=");
      if (at < 1) throw new Error(`parameter '${pair}' is not of the form key=value`);
      out[pair.slice(0, at).trim()] = pair.slice(at + 1).trim();
    }
    return out;
  }

  // ------------------------------------------------------------------ the scenario table
  function markEdits() {
    let edited = 0;
    for (const input of inputs) {
      const changed = input.value.trim() !== input.defaultValue;
      input.classList.toggle("edited", changed);
      edited += changed ? 1 : 0;
    }
    byId("edits").textContent = edited ? `${edited} value${edited > 1 ? "s" : ""} edited` : "";
  }

  // The scenario as the table now has it; saliences go back on 0-100, as files write them.
  function currentScenario() {
    const s = structuredClone(original);
    s.salience_scale = 100;
    const actors = new Map(s.actors.map((a) => [a.id, a]));
    const stances = new Map(s.stances.map((st) => [`${st.actor} ${st.issue}`, st]));
    for (const st of s.stances) {
      st.salience = scale100(st.salience);
      const r = st.salience_range;
      if (r) st.salience_range = [scale100(r.low), scale100(r.high)];
    }
    for (const input of inputs) {
      const text = input.value.trim();
      const value = NUMBER.test(text) ? Number(text) : text;
      const { field, actor, issue } = input.dataset;
      if (field === "capability") actors.get(actor).capability = value;
      else stances.get(`${actor} ${issue}`)[field] = value;
    }
    return s;
  }

  function checked(name) {
    return Array.from(document.querySelectorAll(`input[name="${name}"]:checked`), (i) => i.value);
  }

  // ------------------------------------------------------------------ results
  function table(id, head, rows) {
    const thead = el("thead", {}, el("tr", {}, ...head.map((h, k) => el("th", { class: k ? "num" : null, text: h }))));
    const tbody = el("tbody", {}, ...rows);
    return el("div", { class: "scroll" }, el("table", { class: "list result", id }, thead, tbody));
  }

  function links(runId) {
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

  function showForecast(payload) {
    const fc = payload.forecast;
    const issues = fc.scenario.issues;
    const rows = fc.results.map((r) =>
      el(
        "tr",
        { "data-model": r.model },
        el("th", { text: r.model }),
        ...issues.map((issue) => {
          const value = first(r.forecast[issue]);
          const key = `${r.model} ${issue}`;
          const cell = el("td", { class: "num", id: `fc-${r.model}-${issue}`, "data-value": fmt(value) }, fmt(value));
          if (lastForecast.has(key)) {
            const delta = value - lastForecast.get(key);
            if (Math.abs(delta) >= 0.05) {
              cell.append(" ", el("span", { class: delta > 0 ? "delta up" : "delta down", text: `${delta > 0 ? "+" : ""}${fmt(delta)}` }));
            }
          }
          lastForecast.set(key, value);
          return cell;
        }),
      ),
    );
    const out = byId("forecast-result");
    out.replaceChildren(table("forecast-table", ["Model", ...issues], rows), links(payload.run_id));
  }

  function showComparison(payload) {
    const rows = payload.comparison.table;
    const issues = [...new Set(rows.filter((r) => r.issue !== "all").map((r) => r.issue))];
    const designs = [...new Set(rows.map((r) => r.design))];
    const body = designs.map((d) => {
      const mine = new Map(rows.filter((r) => r.design === d).map((r) => [r.issue, r]));
      const all = mine.get("all");
      return el(
        "tr",
        {},
        el("th", { text: d }),
        ...issues.map((i) => el("td", { class: "num", text: fmt(mine.get(i).forecast) })),
        el("td", { class: "num", text: fmt(all.breadth, 2) }),
        el("td", { class: "num", text: fmt(all.spoiler_risk, 2) }),
        el("td", { class: "num", text: all.stable ? "yes" : "no" }),
      );
    });
    const head = ["Design", ...issues, "Breadth", "Spoiler risk", "Stable"];
    byId("compare-result").replaceChildren(table("compare-table", head, body), links(payload.run_id));
  }

  function showMonteCarlo(result) {
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
    byId("mc-result").replaceChildren(table("mc-table", head, rows), links(result.run_id));
  }

  // ------------------------------------------------------------------ actions
  async function runForecast(event) {
    const button = event.currentTarget;
    say("");
    busy(button, true);
    try {
      const body = {
        scenario: currentScenario(),
        models: checked("model"),
        seed: readNumber("seed", 0),
        params: parseParams(byId("params").value),
      };
      const rounds = readNumber("rounds", null);
      if (rounds !== null) body.rounds = rounds;
      if (!body.models.length) throw new Error("choose at least one model");
      showForecast(await call("POST", "/api/forecast", body));
    } catch (error) {
      say(error.message);
    } finally {
      busy(button, false);
    }
  }

  async function runCompare(event) {
    const button = event.currentTarget;
    say("");
    busy(button, true);
    try {
      if (!designSet) throw new Error("no designs: load a designs file first");
      const body = {
        scenario: currentScenario(),
        designs: designSet,
        pick: checked("design"),
        model: byId("compare-model").value,
        tolerance: readNumber("tolerance", 0.1),
        seed: readNumber("seed", 0),
      };
      showComparison(await call("POST", "/api/compare", body));
    } catch (error) {
      say(error.message);
    } finally {
      busy(button, false);
    }
  }

  async function runMonteCarlo(event) {
    const button = event.currentTarget;
    const status = byId("mc-status");
    const bar = byId("mc-progress");
    const text = byId("mc-progress-text");
    say("");
    busy(button, true);
    try {
      const body = {
        scenario: currentScenario(),
        model: byId("mc-model").value,
        draws: readNumber("mc-draws", 1000),
        bloc_correlation: readNumber("mc-correlation", 0),
        spread: readNumber("mc-spread", null),
        seed: readNumber("seed", 0),
      };
      let job = await call("POST", "/api/mc", body);
      status.hidden = false;
      while (job.state === "queued" || job.state === "running") {
        bar.value = job.progress;
        text.textContent = `${job.state}: ${job.done.toLocaleString()} of ${job.total.toLocaleString()} draws`;
        await sleep(300);
        job = await call("GET", `/api/jobs/${job.id}`);
      }
      bar.value = 1;
      text.textContent = `${job.state} in ${job.seconds.toFixed(1)} s`;
      if (job.state === "failed") throw new Error(job.error);
      showMonteCarlo(job.result);
    } catch (error) {
      say(error.message);
    } finally {
      busy(button, false);
    }
  }

  function listDesigns(set) {
    const list = byId("design-list");
    const labels = set.designs.map((d) =>
      el("label", { title: d.source || "" }, el("input", { type: "checkbox", name: "design", value: d.id, checked: "" }), " ", el("b", { text: d.id }), ` ${d.name || ""}`),
    );
    list.replaceChildren(el("legend", { text: "Designs" }), ...labels);
  }

  async function loadDesigns(event) {
    const file = event.currentTarget.files[0];
    if (!file) return;
    say("");
    try {
      const payload = await call("POST", "/api/designs/validate", {
        scenario: currentScenario(),
        designs_text: await file.text(),
        designs_filename: file.name,
      });
      designSet = payload.designs;
      listDesigns(designSet);
    } catch (error) {
      say(error.message);
    }
  }

  function reset() {
    for (const input of inputs) input.value = input.defaultValue;
    markEdits();
    say("");
  }

  inputs.forEach((input) => input.addEventListener("input", markEdits));
  byId("reset").addEventListener("click", reset);
  byId("run-forecast").addEventListener("click", runForecast);
  byId("run-compare").addEventListener("click", runCompare);
  byId("run-mc").addEventListener("click", runMonteCarlo);
  byId("designs-file").addEventListener("change", loadDesigns);
  document.body.dataset.ready = "true";
})();
