/* The explorer's script, the module the page runs (kg.explore.script joins the modules into one
   inline script): it registers the actions the modules call back, wires the controls and opens the
   view the URL asks for. */
import { model, started } from "./data.js";
import { actions, state } from "./state.js";
import { $, t } from "./ui.js";
import { fold } from "./fold.js";
import {
  LABEL_THRESHOLD,
  clearSelection,
  networkShown,
  fitVisible,
  fontOf,
  network,
  nodes,
  edges,
  opening,
  overview,
  relabel,
  relayout,
  renderCounts,
  selectEdge,
  selectNode,
  showEdgeLabels,
  visibleNode,
  zoomBy,
  applyFilters,
} from "./graph.js";
import { renderLegend, renderScaleNote, setAllGroups } from "./side.js";
import { openSheet, renderPanel, sheetOpen, showTab } from "./panel.js";
import { renderNodeList, wireNodeList } from "./nodelist.js";
import { markTableRow, renderView, renderViewTabs, setView } from "./views.js";
import { canvasPng, currentTableCsv, download, selectionCsv } from "./exporting.js";
import { readHash, writeHash } from "./url.js";
import { renderResults, search, wireSearch } from "./searchbox.js";
import { consoleCsv, sparql, sparqlStats, sparqlTimed, startEngine } from "./sparql-console.js";

/* ------------------------------------------------------------------ language */

function applyLanguage() {
  const root = document.documentElement;
  root.lang = state.lang;
  root.dir = state.lang === "fa" ? "rtl" : "ltr";
  document.title = t("title");
  for (const node of document.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
  for (const node of document.querySelectorAll("[data-i18n-placeholder]")) node.placeholder = t(node.dataset.i18nPlaceholder);
  for (const node of document.querySelectorAll("[data-i18n-title]")) node.title = t(node.dataset.i18nTitle);
  for (const node of document.querySelectorAll("[data-i18n-label]")) node.setAttribute("aria-label", t(node.dataset.i18nLabel));
  $("sheet-toggle").setAttribute("aria-label", t(sheetOpen() ? "closeDetails" : "openDetails"));
  $("lang").lang = state.lang === "fa" ? "en" : "fa";
}

function setLang(lang) {
  state.lang = lang === "fa" ? "fa" : "en";
  applyLanguage();
  relabel();
  renderLegend();
  renderCounts();
  renderViewTabs();
  renderScaleNote();
  renderView();
  renderPanel(false);
  renderResults();
  renderNodeList();
  writeHash();
}

Object.assign(actions, {
  renderView,
  writeHash,
  renderLegend,
  renderPanel,
  setLang,
  applyLanguage,
  selectionChanged: (scroll) => {
    renderPanel(scroll);
    markTableRow();
    /* a selection opens the details (on a phone, the bottom sheet); clearing it closes them */
    openSheet(!!(state.selected || state.selectedEdge));
    writeHash();
  },
  visibleChanged: renderNodeList,
  networkShown,
  downloadSelection: () => download("relations.csv", selectionCsv(), "text/csv"),
});

/* ------------------------------------------------------------------ wiring */

/* Copy the link of this view (the URL keeps the state), and say so. */
let statusTimer = null;
function say(text) {
  $("status").textContent = text;
  clearTimeout(statusTimer);
  statusTimer = setTimeout(() => ($("status").textContent = ""), 2500);
}
function copyLink() {
  writeHash();
  const url = location.href;
  const fallback = () => {
    const field = document.createElement("textarea");
    field.value = url;
    field.setAttribute("readonly", "");
    field.className = "visually-hidden";
    document.body.append(field);
    field.select();
    const copied = document.execCommand("copy");
    field.remove();
    say(t(copied ? "copied" : "copyFailed"));
  };
  if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(url).then(() => say(t("copied")), fallback);
  else fallback();
}

wireSearch();
wireNodeList();
/* Escape clears the selection (however it was made) and closes the details sheet */
document.addEventListener("keydown", (ev) => {
  if (ev.key !== "Escape") return;
  if (state.selected || state.selectedEdge) clearSelection();
  else if (sheetOpen()) openSheet(false);
});
/* the skip link goes to the details without changing the URL's fragment (it holds the state) */
document.querySelector("a.skip").addEventListener("click", (ev) => {
  ev.preventDefault();
  openSheet(true);
  $("panel-body").focus();
});
$("sheet-toggle").addEventListener("click", () => openSheet(!sheetOpen()));
$("copy-link").addEventListener("click", copyLink);
window.addEventListener("hashchange", () => {
  if (!state.restoring) readHash();
});
$("lang").addEventListener("click", () => setLang(state.lang === "fa" ? "en" : "fa"));
$("relayout").addEventListener("click", relayout);
$("zoom-in").addEventListener("click", () => zoomBy(1.4));
$("zoom-out").addEventListener("click", () => zoomBy(1 / 1.4));
$("fit").addEventListener("click", fitVisible);
$("reset").addEventListener("click", () => overview(true));
$("png").addEventListener("click", () => download("explorer.png", canvasPng(), "image/png"));
$("all-classes").addEventListener("click", () => setAllGroups(true));
$("no-classes").addEventListener("click", () => setAllGroups(false));
$("tab-details").addEventListener("click", () => showTab("details"));
$("tab-article").addEventListener("click", () => showTab("article"));
$("hop").addEventListener("change", (ev) => {
  state.hop = ev.target.checked;
  if (!state.hop) state.around = null;
  if (applyFilters()) fitVisible();
  writeHash();
});
$("hops").addEventListener("input", (ev) => {
  const k = parseInt(ev.target.value, 10);
  state.hops = Number.isFinite(k) && k > 0 ? Math.min(k, 6) : 1;
  if (applyFilters()) fitVisible();
  writeHash();
});
$("edge-labels").addEventListener("change", (ev) => showEdgeLabels(ev.target.checked));

renderLegend();
renderScaleNote();
renderNodeList();
startEngine(); /* with --sparql: the engine compiles in its worker while the page opens */
state.booting = !!opening;
readHash();
state.booting = false;

/* A small handle for tests and for the curious (the console): read-only views and actions. */
window.kgExplorer = Object.freeze({
  fold,
  search,
  selectNode: (id) => selectNode(id, true),
  selectEdge,
  clearSelection,
  setLang,
  setView,
  relayout,
  tableCsv: currentTableCsv,
  selectionCsv,
  canvasPng,
  /* SPARQL 1.1 JSON results from the engine in the page (kg explore --sparql): a Promise */
  sparql,
  sparqlStats,
  sparqlTimed,
  sparqlCsv: consoleCsv,
  state: () => ({ complete: state.complete, lang: state.lang, selected: state.selected, selectedEdge: state.selectedEdge, view: state.view, stabilised: state.stabilised, layoutRuns: state.layoutRuns, animating: state.animating, firstViewAt: state.firstViewAt, startedAt: started, draws: state.draws, scale: network.getScale() }),
  /* the labels drawn inside the canvas, with their height on screen in px */
  labels: () => {
    const box = $("graph").getBoundingClientRect();
    const scale = network.getScale();
    const out = [];
    for (const id of model.NODE_IDS) {
      if (!visibleNode.get(id)) continue;
      const p = network.canvasToDOM(network.getPositions([id])[id]);
      const px = fontOf(id) * scale;
      if (p.x >= 0 && p.y >= 0 && p.x <= box.width && p.y <= box.height && px >= LABEL_THRESHOLD - 1) out.push({ id, px });
    }
    return out;
  },
  drawn: () => ({ nodes: network.body.nodeIndices.length, edges: network.body.edgeIndices.length }),
  redraw: () => network.redraw(),
  focus: (id, scale) => network.moveTo({ position: network.getPositions([id])[id], scale: scale || 1.6, animation: false }),
  domPosition: (id) => network.canvasToDOM(network.getPositions([id])[id]),
  nodeAt: (point) => network.getNodeAt(point) ?? null,
  labelOf: (id) => nodes.get(id).label,
  edgeLabelOf: (id) => edges.get(id).label,
  colorOf: (id) => nodes.get(id).color,
  groups: () => ({ ...state.groupsOn }),
  edgeAt: (point) => network.getEdgeAt(point) ?? null,
  edgePoint: (id, share) => network.canvasToDOM(network.body.edges[id].edgeType.getPoint(share)),
});
