// accord web: the process designs of the editor's state: the list to compare, a small form to
// make one (who sits at the first table, then everyone; issues together or one by one) and a
// designs file to load. Designs are part of the state, so they are kept in the address too.

import { byId, call, el, say } from "./util.js";
import { SLUG } from "./state.js";

export class Designs {
  constructor(editor) {
    this.editor = editor;
    this.unchecked = new Set();
    byId("add-design").addEventListener("click", () => this.add());
    byId("designs-file").addEventListener("change", (event) => this.load(event.currentTarget));
    byId("design-list").addEventListener("change", (event) => {
      if (event.target.name !== "design") return;
      if (event.target.checked) this.unchecked.delete(event.target.value);
      else this.unchecked.add(event.target.value);
    });
    byId("design-list").addEventListener("click", (event) => {
      const button = event.target.closest("[data-remove-design]");
      if (!button) return;
      this.state.designs.splice(Number(button.dataset.removeDesign), 1);
      this.editor.commit(false);
      this.render();
    });
  }

  get state() {
    return this.editor.state;
  }

  picked() {
    return this.state.designs.map((d) => d.id).filter((id) => !this.unchecked.has(id));
  }

  render() {
    const labels = this.state.designs.map((d, k) =>
      el(
        "label",
        { title: d.source || "" },
        el("input", { type: "checkbox", name: "design", value: d.id, checked: !this.unchecked.has(d.id) }),
        " ",
        el("b", { text: d.id }),
        ` ${d.name && d.name !== d.id ? d.name : describe(d)} `,
        el("button", { type: "button", class: "quiet small", "data-remove-design": k, "aria-label": `remove design ${d.id}`, text: "×" }),
      ),
    );
    const none = el("p", { class: "hint", id: "no-designs", text: "No designs yet: make one below, or load a designs file (YAML, as accord compare --designs reads). The baseline is compared alone." });
    byId("design-list").replaceChildren(el("legend", { text: "Designs (the baseline is always added)" }), ...(labels.length ? labels : [none]));
    const actors = this.state.scenario.actors.map((a) =>
      el("label", { class: "check" }, el("input", { type: "checkbox", name: "forum", value: a.id }), ` ${a.id}`),
    );
    byId("forum-choice").replaceChildren(...actors);
  }

  add() {
    say("");
    const id = byId("new-design-id").value.trim();
    const forum = Array.from(document.querySelectorAll("input[name='forum']:checked"), (i) => i.value);
    try {
      if (!SLUG.test(id) || id === "baseline") throw new Error(`design: '${id}' is not a valid id (use lowercase letters, digits, '_', '-' or '.'; 'baseline' is taken)`);
      if (this.state.designs.some((d) => d.id === id)) throw new Error(`design: there is already a design '${id}'`);
      if (!forum.length) throw new Error("design: tick who sits at the first table");
      const design = { id, name: byId("new-design-name").value.trim() || id, stages: [{ name: "first table", forum }] };
      if (byId("new-design-then-all").checked) design.stages.push({ name: "everyone", forum: "all" });
      const weight = byId("new-design-weight").value.trim();
      if (weight !== "") design.outside_weight = Number(weight);
      if (byId("new-design-separate").checked) design.tracks = this.state.scenario.issues.map((i) => [i.id]);
      this.state.designs.push(design);
      this.unchecked.delete(id);
      byId("new-design-id").value = "";
      byId("new-design-name").value = "";
      this.editor.commit(false);
      this.render();
    } catch (error) {
      say(error.message);
    }
  }

  async load(input) {
    const file = input.files[0];
    if (!file) return;
    say("");
    try {
      const payload = await call("POST", "/api/designs/validate", { scenario: this.state.scenario, designs_text: await file.text(), designs_filename: file.name });
      this.state.designs = payload.designs.designs || [];
      this.unchecked.clear();
      this.editor.commit(false);
      this.render();
    } catch (error) {
      say(error.message);
    }
  }
}

function describe(design) {
  const stages = (design.stages || []).map((s) => (Array.isArray(s.forum) ? s.forum.join(", ") : String(s.forum ?? "all")));
  return stages.length ? `(${stages.join(" → ")})` : "";
}
