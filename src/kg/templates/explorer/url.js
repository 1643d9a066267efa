/* The reader's state kept in the URL's fragment (urlstate.js), written after each change and read at
   opening and when the fragment changes (a shared link, the browser's back button). */
import { KG, model } from "./data.js";
import { actions, state } from "./state.js";
import { $ } from "./ui.js";
import { decodeHash, encodeHash } from "./urlstate.js";
import { READABLE, applyFilters, clearSelection, fitVisible, hasOverview, network, overview, selectNode } from "./graph.js";
import { VIEWS, setView } from "./views.js";

export function writeHash() {
  if (state.restoring) return;
  const pos = network.getViewPosition();
  const group = state.view.startsWith("table:") ? state.view.slice(6) : null;
  const hash = encodeHash({
    lang: state.lang,
    selected: state.selected,
    view: state.view,
    hidden: KG.groups.filter((g) => !state.groupsOn[g.key]).map((g) => g.key),
    hop: state.hop,
    hops: state.hops,
    around: state.around,
    zoom: { scale: network.getScale(), x: pos.x, y: pos.y },
    sort: group ? state.sort[group] : null,
    filter: group ? state.filter[group] : "",
  });
  if (location.hash === hash) return;
  try {
    history.replaceState(null, "", hash);
  } catch {
    // a frame written from a string (the explorer inline in a notebook) has no URL to keep the state in
  }
}

export function readHash() {
  const asked = decodeHash(location.hash, { groups: KG.groups.map((g) => g.key), isNode: (id) => !!(id && model.META[id]), views: VIEWS });
  state.restoring = true;
  if (asked.lang) state.lang = asked.lang;
  for (const g of KG.groups) state.groupsOn[g.key] = !asked.hidden.includes(g.key);
  state.hop = asked.hop;
  state.hops = asked.hops;
  state.around = asked.around;
  $("hop").checked = state.hop;
  $("hops").value = String(state.hops);
  if (asked.view.startsWith("table:")) {
    const group = asked.view.slice(6);
    if (asked.sort) state.sort[group] = asked.sort;
    if (asked.filter) state.filter[group] = asked.filter;
  }
  if (state.lang !== document.documentElement.lang || state.booted) actions.setLang(state.lang);
  else {
    actions.applyLanguage();
    actions.renderPanel(false);
  }
  state.booted = true;
  setView(asked.view);
  const z = asked.zoom;
  /* the overview applies its own filter (the start's neighbourhood): no view of everything before it */
  const toOverview = !z && !asked.node && location.hash.length <= 1;
  if (asked.node) selectNode(asked.node, false);
  else if (state.selected) clearSelection();
  else if (!toOverview || !hasOverview()) applyFilters();
  if (z) network.moveTo({ position: { x: z.x, y: z.y }, scale: z.scale, animation: false });
  else if (asked.node) network.focus(asked.node, { scale: Math.max(READABLE, 1.1), animation: false });
  else if (!toOverview) fitVisible();
  else overview(false);
  /* a view restored from the URL outlives vis-network's own first fit (the overview is that fit) */
  if (!state.firstViewAt && (z || asked.node)) state.home = { position: network.getViewPosition(), scale: network.getScale() };
  state.restoring = false;
  writeHash();
}
