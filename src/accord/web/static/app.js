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

  // Probabilities as the report writes them: no false 0% or 100%.
  function pct(p) {
    if (typeof p !== "number" || !isFinite(p)) return "–";
    if (p > 0 && p < 0.001) return "<0.1%";
    if (p > 0.999 && p < 1) return ">99.9%";
    return (p > 0 && p < 0.1) || (p > 0.9 && p < 1) ? `${(100 * p).toFixed(1)}%` : `${Math.round(100 * p)}%`;
  }

  function notes(items, className = null) {
    return el("ul", { class: "notes" }, ...items.map((text) => el("li", { class: className, text })));
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
          return el(
            "td",
            { class: "num", id: `deal-${model}-${issue}`, "data-value": fmt(f.expected) },
            fmt(f.expected),
            " ",
            el("span", { class: "noise", text: `(${fmt(f.point)} → ${fmt(f.settlement)})` }),
          );
        }),
      ),
    );
    const first = byModel.size ? [...byModel.values()][0] : new Map();
    expectedRows.push(
      el("tr", {}, el("th", { text: "no deal" }), ...issues.map((i) => el("td", { class: "num", text: fmt(first.get(i)?.no_deal) }))),
      el("tr", {}, el("th", { text: "P(deal)" }), ...issues.map((i) => el("td", { class: "num", text: pct(first.get(i)?.p_deal) }))),
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
      el("p", { class: "hint", text: "Expected outcome per model = P(deal) × settlement + (1 − P(deal)) × no-deal outcome; in grey: (the model's own forecast → the settlement if they settle)." }),
      table("deal-expected", ["Model", ...issues], expectedRows),
    );
    return parts;
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
    const deal = fc.deal ? showDeal(fc.deal) : [];
    out.replaceChildren(table("forecast-table", ["Model", ...issues], rows), ...deal, links(payload.run_id));
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

  function showComparison(payload) {
    const cmp = payload.comparison;
    const rows = cmp.table;
    const issues = [...new Set(rows.filter((r) => r.issue !== "all").map((r) => r.issue))];
    const designs = [...new Set(rows.map((r) => r.design))];
    const cell = new Map(rows.map((r) => [`${r.design} ${r.issue}`, r]));
    const body = designs.map((d, k) => {
      const all = cell.get(`${d} all`);
      return el(
        "tr",
        { "data-design": d },
        el("th", { text: d }),
        ...issues.map((i) => {
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
    const head = ["Design", ...issues, "All settle", "Stable", "Spoiler risk", "Breadth"];
    const parts = [
      el("p", { class: "hint", text: `With '${cmp.model}' on ${how}. Per issue: the expected outcome, P(deal) and Δ, the paired difference to the baseline with its 95% interval ("noise" when it contains 0). Stable = share of draws in which the result is accepted as it stands; spoiler risk = share of stakes that would rather have no deal.` }),
      table("compare-table", head, body),
    ];
    const details = el("details", { class: "per-issue" }, el("summary", { text: "Per issue: forecast, P(deal), settlement and intervals" }));
    for (const issue of issues) {
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
    parts.push(details);
    if (cmp.warnings && cmp.warnings.length) {
      parts.push(notes(cmp.warnings.map((w) => `warning: ${w.design}: ${w.message}`), "warning"));
    }
    byId("compare-result").replaceChildren(...parts, links(payload.run_id));
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
    const parts = [table("mc-table", head, rows)];
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
      );
    }
    byId("mc-result").replaceChildren(...parts, links(result.run_id));
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
      if (byId("deal").checked) {
        body.deal = true;
        body.draws = readNumber("deal-draws", 500);
        if (byId("deal-linked").checked) body.linked = true;
      }
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
      const draws = readNumber("compare-draws", null);
      if (draws !== null) body.draws = draws;
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
      if (byId("mc-deal").checked) {
        body.deal = true;
        if (byId("mc-linked").checked) body.linked = true;
      }
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
