/* The search box: matches as the reader types (search.js), a list of options to pick with the arrows,
   Enter or a click, announced to screen readers through aria-activedescendant. */
import { model } from "./data.js";
import { state } from "./state.js";
import { $, classLabel, el, label, labelText, otherLang, swatch, t } from "./ui.js";
import { fold } from "./fold.js";
import { buildNames, searchNames } from "./search.js";
import { selectNode } from "./graph.js";
import { setView } from "./views.js";

/* Built at the first search, not at opening */
let NAMES = null;
export const search = (text) => searchNames(NAMES || (NAMES = buildNames(model)), text);

const SHOWN = 12;

export function renderResults() {
  const list = $("results");
  const input = $("search");
  const query = input.value;
  if (!fold(query) || document.activeElement !== input) {
    list.hidden = true;
    list.replaceChildren();
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    return;
  }
  const other = otherLang();
  const items = state.results.slice(0, SHOWN).map((id, i) =>
    el(
      "li",
      {
        id: "result-" + i,
        role: "option",
        "aria-selected": i === state.active ? "true" : "false",
        "data-id": id,
        on: {
          mousedown: (ev) => {
            ev.preventDefault();
            choose(id);
          },
        },
      },
      swatch(model.META[id].group),
      labelText(id),
      el("span", { class: "other" }, labelText(id, other)),
      el("span", { class: "cls" }, classLabel(model.META[id].cls)),
    ),
  );
  list.replaceChildren(...(items.length ? items : [el("li", { class: "none", role: "option", "aria-disabled": "true" }, t("noMatch"))]));
  list.hidden = false;
  input.setAttribute("aria-expanded", "true");
  if (state.active >= 0 && items.length) input.setAttribute("aria-activedescendant", "result-" + state.active);
  else input.removeAttribute("aria-activedescendant");
}

function choose(id) {
  state.results = [];
  state.active = -1;
  $("search").value = label(id);
  $("results").hidden = true;
  $("search").setAttribute("aria-expanded", "false");
  $("search").removeAttribute("aria-activedescendant");
  state.tab = "details";
  if (state.view !== "network" && !state.view.startsWith("table:")) setView("network");
  selectNode(id, true);
}

export function wireSearch() {
  const input = $("search");
  const refresh = () => {
    state.results = search(input.value);
    state.active = state.results.length ? 0 : -1;
    renderResults();
  };
  input.addEventListener("input", refresh);
  input.addEventListener("focus", refresh);
  input.addEventListener("keydown", (ev) => {
    const n = Math.min(state.results.length, SHOWN);
    if (ev.key === "ArrowDown" && n) state.active = (state.active + 1) % n;
    else if (ev.key === "ArrowUp" && n) state.active = (state.active - 1 + n) % n;
    else if (ev.key === "Enter") {
      if (!state.results.length) state.results = search(input.value);
      if (state.results.length) choose(state.results[Math.max(state.active, 0)]);
      return;
    } else if (ev.key === "Escape") {
      /* the first Escape closes the list; with no list open it goes on to clear the selection */
      if (!$("results").hidden) {
        ev.stopPropagation();
        $("results").hidden = true;
        input.setAttribute("aria-expanded", "false");
        input.removeAttribute("aria-activedescendant");
      }
      return;
    } else return;
    ev.preventDefault();
    renderResults();
  });
  input.addEventListener("blur", () => {
    $("results").hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  });
}
