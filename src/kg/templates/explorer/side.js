/* The side bar: the classes (legend and filter), and the note of a focus view saying what is hidden. */
import { KG, model } from "./data.js";
import { actions, state } from "./state.js";
import { $, count, el, label, swatch, t, userText } from "./ui.js";
import { applyFilters, fitVisible } from "./graph.js";

export function renderLegend() {
  $("legend").replaceChildren(
    ...KG.groups.map((g) =>
      el(
        "li",
        null,
        el(
          "label",
          null,
          el("input", {
            type: "checkbox",
            checked: state.groupsOn[g.key],
            "data-group": g.key,
            on: {
              change: (ev) => {
                state.groupsOn[g.key] = ev.target.checked;
                if (applyFilters()) fitVisible();
                actions.writeHash();
              },
            },
          }),
          swatch(g.key),
          el("span", { lang: state.lang }, g.label[state.lang]),
          el("span", { class: "count" }, count(g.count)),
        ),
      ),
    ),
  );
}

export function setAllGroups(on) {
  for (const g of KG.groups) state.groupsOn[g.key] = on;
  if (on && !state.selected) {
    state.hop = false;
    state.around = null;
    $("hop").checked = false;
  }
  renderLegend();
  if (applyFilters()) fitVisible();
  actions.writeHash();
}

export function renderScaleNote() {
  const v = KG.view;
  const note = $("scale-note");
  if (v.shownNodes >= v.totalNodes) {
    note.hidden = true;
    return;
  }
  const text = [
    t("focusNote", {
      shownNodes: count(v.shownNodes),
      totalNodes: count(v.totalNodes),
      shownEdges: count(v.shownEdges),
      totalEdges: count(v.totalEdges),
      hiddenNodes: count(v.totalNodes - v.shownNodes),
      hiddenEdges: count(v.totalEdges - v.shownEdges),
      budget: count(v.budget),
    }),
  ];
  if (v.focus && model.META[v.focus]) text.push(t("focusOn", { label: label(v.focus), hops: count(v.hops) }));
  note.replaceChildren(userText(text.join(" "), state.lang));
  note.hidden = false;
}
