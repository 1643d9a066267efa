/* The network view: vis-network drawing the projection at its precomputed positions, the highlight of a
   selection, the class and neighbourhood filters, the zoom, and the selection itself. */
import { KG, OPTIONS, model } from "./data.js";
import { actions, state } from "./state.js";
import { $, classLabel, count, edgeLabel, label, t } from "./ui.js";

const { META, NODE_IDS, EDGES, EDGE_BY_ID, ADJ, groupOf } = model;
export const LABEL_THRESHOLD = OPTIONS.nodes.scaling.label.drawThreshold;

const tooltip = (id) => label(id) + " — " + classLabel(META[id].cls);
/* on the canvas a long label is cut at a word (the tooltip and the panel give it whole) */
const CANVAS_LABEL = 60;
export function canvasLabel(id) {
  const text = label(id);
  const chars = Array.from(text);
  if (chars.length <= CANVAS_LABEL) return text;
  const cut = chars.slice(0, CANVAS_LABEL).join("");
  const space = cut.lastIndexOf(" ");
  return (space > CANVAS_LABEL / 2 ? cut.slice(0, space) : cut) + "…";
}

function visNode(id) {
  const m = META[id];
  const g = groupOf[m.group];
  return { id, x: m.x, y: m.y, label: canvasLabel(id), title: tooltip(id), shape: g.shape, color: g.color, size: m.size, font: { size: m.font } };
}
const pairs = new Map();
function visEdge(e) {
  const key = [e.from, e.to].sort().join(" ");
  const seen = (pairs.get(key) || 0) + 1;
  pairs.set(key, seen);
  const out = { id: e.id, from: e.from, to: e.to, label: state.edgeLabels ? edgeLabel(e) : undefined, title: edgeLabel(e) };
  if (seen > 1) out.smooth = { enabled: true, type: "curvedCW", roundness: 0.18 * (seen - 1) };
  return out;
}

/* Opening without a state in the URL shows the overview: only its nodes are handed to vis-network
   visible (and at their overview place), so that the first draw measures and draws a few labels. */
export const opening = location.hash.length > 1 || !KG.start ? null : new Set(Object.keys(KG.overview));
export const visibleNode = new Map(NODE_IDS.map((id) => [id, !opening || opening.has(id)]));
export const visibleEdge = new Map(EDGES.map((e) => [e.id, visibleNode.get(e.from) && visibleNode.get(e.to)]));
const allNodes = NODE_IDS.map((id) => {
  const n = visNode(id);
  if (!visibleNode.get(id)) n.hidden = true;
  else if (opening) [n.x, n.y, n.font] = [...KG.overview[id], { size: 16 }];
  return n;
});
const allEdges = EDGES.map((e) => (visibleEdge.get(e.id) ? visEdge(e) : { ...visEdge(e), hidden: true }));
/* vis-network spends about 1 ms per item it is handed: the hidden ones follow the first draw. */
export const nodes = new vis.DataSet(opening ? allNodes.filter((n) => !n.hidden) : allNodes);
export const edges = new vis.DataSet(opening ? allEdges.filter((e) => !e.hidden) : allEdges);
export const network = new vis.Network($("graph"), { nodes, edges }, OPTIONS);
state.complete = !opening;
/* vis-network redraws the whole canvas at once on every change of its data while its physics is off (its
   PhysicsEngine.startSimulation emits "_redraw"), and each such draw lets the next request of a frame draw
   again: a selection changed the nodes, then the edges, and the canvas was drawn five times for it. The
   changes of one action are drawn once, in the next frame, with vis-network's own events for that
   (_blockRedraw/_allowRedraw/_requestRedraw: its stabilisation uses them). Nested calls join the outer one;
   while vis-network blocks redraws itself (a relayout), the change is made as it is. */
let drawing = 0;
function drawnOnce(change) {
  if (drawing || !network.renderer.allowRedraw) return change();
  const emitter = network.body.emitter;
  drawing += 1;
  emitter.emit("_blockRedraw");
  try {
    return change();
  } finally {
    drawing -= 1;
    emitter.emit("_allowRedraw");
    emitter.emit("_requestRedraw");
  }
}
/* (an update of a node not handed yet leaves a partial item: the full one is merged over it) */
export function completeData() {
  return drawnOnce(() => {
    if (state.complete) return;
    state.complete = true;
    nodes.update(allNodes.filter((n) => !opening.has(n.id)).map((n) => ({ ...n, hidden: !visibleNode.get(n.id) })));
    edges.update(allEdges.filter((e) => !(opening.has(e.from) && opening.has(e.to))).map((e) => ({ ...e, hidden: !visibleEdge.get(e.id) })));
  });
}

network.once("afterDrawing", () => {
  state.firstViewAt = performance.now();
  /* vis-network fits the view to its nodes once, around its first draw: keep the restored view */
  setTimeout(() => {
    if (state.home && Math.abs(network.getScale() - state.home.scale) > 1e-6) network.moveTo({ ...state.home, animation: false });
    else if (!state.home && opening && !state.selected) overview(false);
    completeData();
  }, 0);
});
/* every frame drawn (tests wait for the frame after a change instead of sleeping) */
network.on("afterDrawing", () => {
  state.draws += 1;
});
network.on("stabilizationIterationsDone", () => {
  network.setOptions({ physics: { enabled: false } });
  state.stabilised = true;
  state.layoutRuns += 1;
  $("busy").hidden = true;
});
network.on("animationFinished", () => {
  state.animating = false;
  actions.writeHash();
});
network.on("zoom", () => actions.writeHash());
network.on("dragEnd", () => actions.writeHash());

export function relayout() {
  state.stabilised = false;
  $("busy").hidden = false;
  network.setOptions({ physics: { enabled: true } });
  network.stabilize(OPTIONS.physics.stabilization.iterations);
}

/* ------------------------------------------------------------------ zoom */

/* The scale at which every label is drawn at least 10 px high (vis-network does not draw labels
   smaller than the threshold: zoomed out, only the central nodes' larger labels show). */
const MIN_FONT = Math.min(...NODE_IDS.map((id) => META[id].font));
export const READABLE = (LABEL_THRESHOLD + 0.2) / (MIN_FONT || 1);
const OVERVIEW_SCALE = (LABEL_THRESHOLD + 0.2) / 16;
/* the phone layout's breakpoint (explorer.css) */
export const NARROW = matchMedia("(max-width: 760px)");
/* the reader's setting for less motion (WCAG 2.3.3): the view then moves without animation */
const LESS_MOTION = matchMedia("(prefers-reduced-motion: reduce)");

/* The first view: the start (the visit) and its neighbours (its agreements, visitors, ...), the rest
   hidden until the reader asks for all; fitted, at least at the scale where labels read. */
export const hasOverview = () => !!(KG.start && META[KG.start]);
export function overview(animate) {
  const start = KG.start;
  if (hasOverview() && !state.selected) {
    state.hop = true;
    state.hops = 1;
    state.around = start;
    $("hop").checked = true;
    $("hops").value = "1";
    applyFilters();
  }
  const shown = NODE_IDS.filter((id) => visibleNode.get(id));
  if (!shown.length) return;
  network.fit({ nodes: shown, animation: false });
  /* a phone shows the whole first view (the central labels read, the others on zooming in); a larger
     screen zooms to the scale where every label reads, if fitting would draw them smaller */
  if (!NARROW.matches && network.getScale() < (overviewShown ? OVERVIEW_SCALE : READABLE)) {
    const pos = network.getPositions([start || shown[0]])[start || shown[0]];
    network.moveTo({ position: pos, scale: overviewShown ? OVERVIEW_SCALE : READABLE, animation: false });
  }
  if (animate) actions.writeHash();
}

export function fitVisible() {
  const shown = NODE_IDS.filter((id) => visibleNode.get(id));
  if (shown.length) network.fit({ nodes: shown, animation: false });
  actions.writeHash();
}

export function zoomBy(factor) {
  network.moveTo({ scale: network.getScale() * factor, animation: false });
  actions.writeHash();
}

/* ------------------------------------------------------------------ highlight and filters */

const FADED = "#e4e7eb";
function highlight(keep, edgeKeep) {
  completeData();
  nodes.update(
    NODE_IDS.map((id) => {
      const on = !keep || keep.has(id);
      /* faded nodes keep their place but not their labels: the neighbourhood reads on its own */
      return { id, color: on ? groupOf[META[id].group].color : FADED, font: { size: fontOf(id), color: on ? "#1f2328" : "rgba(0,0,0,0)", strokeWidth: on ? 3 : 0 } };
    }),
  );
  edges.update(
    EDGES.map((e) => {
      const on = !keep || (edgeKeep ? edgeKeep(e) : keep.has(e.from) && keep.has(e.to));
      return { id: e.id, color: { color: on ? (keep ? "#3b4148" : "#9aa3ad") : "#eceef1" }, font: { color: on ? "#3b4148" : "#d0d4d9" } };
    }),
  );
}

function withinHops(start, k) {
  const seen = new Set([start]);
  let frontier = [start];
  for (let step = 0; step < k; step++) {
    const next = [];
    for (const id of frontier)
      for (const other of ADJ.get(id))
        if (!seen.has(other) && state.groupsOn[META[other].group]) {
          seen.add(other);
          next.push(other);
        }
    frontier = next;
  }
  return seen;
}

/* Show the nodes of the classes on (within the neighbourhood, when asked); true when the view changed.
   A change once the page is open hands vis-network the items it does not have yet (completeData, with their
   visibility as now); none leaves them for later: the first view's fit then measures only its own nodes. */
export function applyFilters() {
  return drawnOnce(() => {
    const centre = state.selected || state.around;
    const within = state.hop && centre ? withinHops(centre, state.hops) : null;
    const nodeChanges = [];
    for (const id of NODE_IDS) {
      const show = state.groupsOn[META[id].group] && (!within || within.has(id));
      if (visibleNode.get(id) !== show) {
        visibleNode.set(id, show);
        nodeChanges.push({ id, hidden: !show });
      }
    }
    const edgeChanges = [];
    for (const e of EDGES) {
      const show = visibleNode.get(e.from) && visibleNode.get(e.to);
      if (visibleEdge.get(e.id) !== show) {
        visibleEdge.set(e.id, show);
        edgeChanges.push({ id: e.id, hidden: !show });
      }
    }
    const handing = !state.complete && !state.booting && (nodeChanges.length > 0 || edgeChanges.length > 0);
    if (handing) completeData();
    /* (the items just handed came with their visibility) */
    nodes.update(handing ? nodeChanges.filter((c) => opening.has(c.id)) : nodeChanges);
    edges.update(handing ? edgeChanges.filter((c) => opening.has(EDGE_BY_ID.get(c.id).from) && opening.has(EDGE_BY_ID.get(c.id).to)) : edgeChanges);
    syncPositions();
    renderCounts();
    if (nodeChanges.length) actions.visibleChanged();
    return nodeChanges.length > 0;
  });
}

/* In the overview the start's neighbourhood takes its own ring layout, with labels large enough to read
   at the scale that fits it; any other view uses the graph's layout. */
const OVERVIEW_FONT = 16;
let overviewShown = !!opening;
function syncPositions() {
  const want = !!(state.hop && state.around && !state.selected && state.around === KG.start);
  if (want === overviewShown) return;
  overviewShown = want;
  nodes.update(
    Object.entries(KG.overview).map(([id, [x, y]]) =>
      want ? { id, x, y, font: { size: OVERVIEW_FONT } } : { id, x: META[id].x, y: META[id].y, font: { size: META[id].font } },
    ),
  );
}
export const fontOf = (id) => (overviewShown && KG.overview[id] ? OVERVIEW_FONT : META[id].font);

export function renderCounts() {
  let n = 0;
  let m = 0;
  for (const v of visibleNode.values()) n += v ? 1 : 0;
  for (const v of visibleEdge.values()) m += v ? 1 : 0;
  $("counts").textContent = t("counts", { nodes: count(n), totalNodes: count(NODE_IDS.length), edges: count(m), totalEdges: count(EDGES.length) });
}

/* ------------------------------------------------------------------ selection */

export function selectNode(id, focus) {
  return drawnOnce(() => {
    if (!META[id]) return;
    if (!state.groupsOn[META[id].group]) {
      state.groupsOn[META[id].group] = true;
      actions.renderLegend();
    }
    state.selected = id;
    state.selectedEdge = null;
    applyFilters();
    network.selectNodes([id]);
    highlight(new Set([id, ...ADJ.get(id)]), (e) => e.from === id || e.to === id);
    if (focus) {
      /* glides to the node (some 20 frames redrawn), or, for a reader who asks for less motion, is there at once */
      const animation = LESS_MOTION.matches ? false : { duration: 350, easingFunction: "easeInOutQuad" };
      state.animating = !!animation;
      network.focus(id, { scale: Math.max(network.getScale(), READABLE), animation });
    }
    actions.selectionChanged(true);
  });
}

export function selectEdge(edgeId) {
  return drawnOnce(() => {
    const e = EDGE_BY_ID.get(edgeId);
    if (!e) return;
    state.selected = null;
    state.selectedEdge = edgeId;
    applyFilters();
    network.selectEdges([edgeId]);
    highlight(new Set([e.from, e.to]), (x) => x.id === edgeId);
    actions.selectionChanged(true);
  });
}

export function clearSelection() {
  return drawnOnce(() => {
    state.selected = null;
    state.selectedEdge = null;
    network.unselectAll();
    highlight(null);
    applyFilters();
    actions.selectionChanged(true);
  });
}

network.on("click", (params) => {
  if (params.nodes.length) selectNode(params.nodes[0], false);
  else if (params.edges.length) selectEdge(params.edges[0]);
  else clearSelection();
});

/* The canvas shown again (after another view): its size may have changed meanwhile. */
export function networkShown() {
  network.setSize("100%", "100%");
  network.redraw();
}

/* Labels and tooltips in the reader's language.
   The items not handed to vis-network yet (at opening) get theirs when they are (completeData), so that
   a page opened in Persian does not hand over everything before its first view. */
export function relabel() {
  return drawnOnce(() => {
    for (const n of allNodes) [n.label, n.title] = [canvasLabel(n.id), tooltip(n.id)];
    for (const e of allEdges) [e.label, e.title] = [state.edgeLabels ? edgeLabel(EDGE_BY_ID.get(e.id)) : undefined, edgeLabel(EDGE_BY_ID.get(e.id))];
    nodes.update(nodes.getIds().map((id) => ({ id, label: canvasLabel(id), title: tooltip(id) })));
    edges.update(edges.getIds().map((id) => ({ id, label: state.edgeLabels ? edgeLabel(EDGE_BY_ID.get(id)) : " ", title: edgeLabel(EDGE_BY_ID.get(id)) })));
  });
}

export function showEdgeLabels(on) {
  return drawnOnce(() => {
    state.edgeLabels = on;
    edges.update(EDGES.map((e) => ({ id: e.id, label: state.edgeLabels ? edgeLabel(e) : " " })));
  });
}
