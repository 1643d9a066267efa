/* The explorer's script. Every label, quote and id is set as text (textContent, append of a
   string, innerText of vis tooltips); nothing is ever parsed as HTML. Offsets of mentions are
   Unicode code points, so the article is handled as an array of code points (Array.from).
   Node attributes keep the names the projection gives them (kg.project.to_networkx). */
(function () {
  "use strict";

  const started = performance.now();
  const $ = (id) => document.getElementById(id);
  const readJson = (id) => JSON.parse($(id).textContent);
  const OPTIONS = readJson("kg-options");
  const KG = readJson("kg-data");
  const META = KG.nodes;
  const NODE_IDS = Object.keys(META);
  const EDGES = KG.edges;
  const LABEL_THRESHOLD = OPTIONS.nodes.scaling.label.drawThreshold;

  const state = {
    lang: KG.lang,
    selected: null,
    selectedEdge: null,
    tab: "details",
    view: "network",
    groupsOn: Object.fromEntries(KG.groups.map((g) => [g.key, true])),
    hop: false,
    hops: 1,
    edgeLabels: false,
    firstViewAt: null,
    layoutRuns: 0,
    stabilised: true,
    animating: false,
    results: [],
    active: -1,
    sort: {},
    filter: {},
    restoring: false,
    around: null,
  };

  /* ------------------------------------------------------------------ text */

  /* Same key as kg.text.fold. The table is generated from it; any other character takes its generic
     path: whitespace is dropped, else NFKD, combining marks (Python's list) dropped, lower case. */
  const FOLD = new Map(Object.entries(KG.fold));
  const SPACES = new Set(Array.from(KG.foldGeneric.spaces));
  const COMBINING = KG.foldGeneric.marks;
  function combining(code) {
    let lo = 0;
    let hi = COMBINING.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (code < COMBINING[mid][0]) hi = mid - 1;
      else if (code > COMBINING[mid][1]) lo = mid + 1;
      else return true;
    }
    return false;
  }
  function fold(text) {
    let out = "";
    for (const ch of String(text)) {
      const mapped = FOLD.get(ch);
      if (mapped !== undefined) out += mapped;
      else if (!SPACES.has(ch)) {
        let kept = "";
        for (const part of ch.normalize("NFKD")) if (!combining(part.codePointAt(0))) kept += part;
        out += kept.toLowerCase();
      }
    }
    return out;
  }

  const CP = Array.from(KG.text || "");
  const slice = (begin, end) => CP.slice(begin, end).join("");
  const SENTENCES = KG.sentences;

  function sentenceOf(offset) {
    let lo = 0;
    let hi = SENTENCES.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const [b, e] = SENTENCES[mid];
      if (offset < b) hi = mid - 1;
      else if (offset >= e) lo = mid + 1;
      else return mid;
    }
    return -1;
  }

  function t(key, values) {
    let text = (KG.i18n[state.lang] || {})[key] || KG.i18n.en[key] || key;
    if (values) for (const [k, v] of Object.entries(values)) text = text.split("{" + k + "}").join(String(v));
    return text;
  }
  /* "—label→", pointing the way the text runs */
  const arrow = (text) => "—" + text + (state.lang === "fa" ? "←" : "→");
  const digits = (n) => (state.lang === "fa" ? String(n).replace(/[0-9]/g, (d) => "۰۱۲۳۴۵۶۷۸۹"[d]) : String(n));
  /* The direction of a text in a known language; anything else finds its own (dir=auto). */
  const dirOf = (lang) => (lang === "fa" ? "rtl" : lang === "en" ? "ltr" : "auto");

  /* ------------------------------------------------------------------ DOM */

  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (key === "class") node.className = value;
      else if (key === "on") for (const [event, fn] of Object.entries(value)) node.addEventListener(event, fn);
      else if (key === "style") Object.assign(node.style, value);
      else if (key.startsWith("data-") || key.startsWith("aria-") || key === "role") node.setAttribute(key, value);
      else node[key] = value;
    }
    for (const child of children.flat(Infinity)) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : String(child));
    }
    return node;
  }

  /* User text, isolated: a <bdi> in the direction of its language (dir=auto if unknown), so that
     an English reason that starts with a Persian word still reads left to right, and a label
     with U+202E cannot reorder what stands next to it. */
  function userText(text, lang, tag) {
    const known = lang === "en" || lang === "fa";
    return el(tag || "bdi", { dir: dirOf(lang), lang: known ? lang : undefined }, text);
  }

  /* ------------------------------------------------------------------ graph */

  const groupOf = Object.fromEntries(KG.groups.map((g) => [g.key, g]));
  const label = (id, lang) => META[id]["label_" + (lang || state.lang)];
  /* the language a node's label is really in (a label missing in one language falls back to the other) */
  const labelLang = (id, lang) => {
    const m = META[id];
    const l = lang || state.lang;
    return m.label_en === m.label_fa ? undefined : l;
  };
  const labelText = (id, lang) => userText(label(id, lang), labelLang(id, lang));
  const propLabel = (prop, lang) => ((KG.props[prop] || {})[lang || state.lang]) || prop;
  const classLabel = (cls, lang) => ((KG.classes[cls] || {})[lang || state.lang]) || cls;
  const edgeLabel = (edge, lang) => (edge["label_" + (lang || state.lang)] || propLabel(edge.prop, lang));
  const tooltip = (id) => label(id) + " — " + classLabel(META[id].cls);
  /* on the canvas a long label is cut at a word (the tooltip and the panel give it whole) */
  const CANVAS_LABEL = 60;
  function canvasLabel(id) {
    const text = label(id);
    const chars = Array.from(text);
    if (chars.length <= CANVAS_LABEL) return text;
    const cut = chars.slice(0, CANVAS_LABEL).join("");
    const space = cut.lastIndexOf(" ");
    return (space > CANVAS_LABEL / 2 ? cut.slice(0, space) : cut) + "…";
  }

  const EDGE_BY_ID = new Map(EDGES.map((e) => [e.id, e]));
  const ADJ = new Map(NODE_IDS.map((id) => [id, new Set()]));
  const OUT = new Map(NODE_IDS.map((id) => [id, []]));
  const IN = new Map(NODE_IDS.map((id) => [id, []]));
  for (const e of EDGES) {
    ADJ.get(e.from).add(e.to);
    ADJ.get(e.to).add(e.from);
    OUT.get(e.from).push(e);
    IN.get(e.to).push(e);
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

  /* Opening without a state in the URL shows the overview: only its nodes are handed to
     vis-network visible (and at their overview place), so that the first draw measures and
     draws a few labels, not all of them. */
  const opening = location.hash.length > 1 || !KG.start ? null : new Set(Object.keys(KG.overview));
  const visibleNode = new Map(NODE_IDS.map((id) => [id, !opening || opening.has(id)]));
  const visibleEdge = new Map(EDGES.map((e) => [e.id, visibleNode.get(e.from) && visibleNode.get(e.to)]));
  const allNodes = NODE_IDS.map((id) => {
    const n = visNode(id);
    if (!visibleNode.get(id)) n.hidden = true;
    else if (opening) [n.x, n.y, n.font] = [...KG.overview[id], { size: 16 }];
    return n;
  });
  const allEdges = EDGES.map((e) => (visibleEdge.get(e.id) ? visEdge(e) : { ...visEdge(e), hidden: true }));
  /* vis-network spends about 1 ms per item it is handed: the hidden ones follow the first draw. */
  const nodes = new vis.DataSet(opening ? allNodes.filter((n) => !n.hidden) : allNodes);
  const edges = new vis.DataSet(opening ? allEdges.filter((e) => !e.hidden) : allEdges);
  const network = new vis.Network($("graph"), { nodes, edges }, OPTIONS);
  state.complete = !opening;
  /* (an update of a node not handed yet leaves a partial item: the full one is merged over it) */
  function completeData() {
    if (state.complete) return;
    state.complete = true;
    nodes.update(allNodes.filter((n) => !opening.has(n.id)).map((n) => ({ ...n, hidden: !visibleNode.get(n.id) })));
    edges.update(allEdges.filter((e) => !(opening.has(e.from) && opening.has(e.to))).map((e) => ({ ...e, hidden: !visibleEdge.get(e.id) })));
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
  network.on("stabilizationIterationsDone", () => {
    network.setOptions({ physics: { enabled: false } });
    state.stabilised = true;
    state.layoutRuns += 1;
    $("busy").hidden = true;
  });
  network.on("animationFinished", () => {
    state.animating = false;
    writeHash();
  });
  network.on("zoom", () => writeHash());
  network.on("dragEnd", () => writeHash());

  function relayout() {
    state.stabilised = false;
    $("busy").hidden = false;
    network.setOptions({ physics: { enabled: true } });
    network.stabilize(OPTIONS.physics.stabilization.iterations);
  }

  /* ------------------------------------------------------------------ zoom */

  /* The scale at which every label is drawn at least 10 px high (vis-network does not draw
     labels smaller than the threshold: zoomed out, only the central nodes' larger labels show). */
  const MIN_FONT = Math.min(...NODE_IDS.map((id) => META[id].font));
  const READABLE = (LABEL_THRESHOLD + 0.2) / (MIN_FONT || 1);
  const OVERVIEW_SCALE = (LABEL_THRESHOLD + 0.2) / 16;

  /* The first view: the start (the visit) and its neighbours (its agreements, visitors, ...),
     the rest hidden until the reader asks for all; fitted, at least at the scale where labels read. */
  function overview(animate) {
    const start = KG.start;
    if (start && META[start] && !state.selected) {
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
    if (network.getScale() < (overviewShown ? OVERVIEW_SCALE : READABLE)) {
      const pos = network.getPositions([start || shown[0]])[start || shown[0]];
      network.moveTo({ position: pos, scale: overviewShown ? OVERVIEW_SCALE : READABLE, animation: false });
    }
    if (animate) writeHash();
  }

  function fitVisible() {
    const shown = NODE_IDS.filter((id) => visibleNode.get(id));
    if (shown.length) network.fit({ nodes: shown, animation: false });
    writeHash();
  }

  function zoomBy(factor) {
    network.moveTo({ scale: network.getScale() * factor, animation: false });
    writeHash();
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

  function applyFilters() {
    if (!state.booting) completeData();
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
    nodes.update(nodeChanges);
    const edgeChanges = [];
    for (const e of EDGES) {
      const show = visibleNode.get(e.from) && visibleNode.get(e.to);
      if (visibleEdge.get(e.id) !== show) {
        visibleEdge.set(e.id, show);
        edgeChanges.push({ id: e.id, hidden: !show });
      }
    }
    edges.update(edgeChanges);
    syncPositions();
    renderCounts();
    return nodeChanges.length > 0;
  }

  /* In the overview the start's neighbourhood takes its own ring layout, with labels large
     enough to read at the scale that fits it; any other view uses the graph's layout. */
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
  const fontOf = (id) => (overviewShown && KG.overview[id] ? OVERVIEW_FONT : META[id].font);

  function renderCounts() {
    let n = 0;
    let m = 0;
    for (const v of visibleNode.values()) n += v ? 1 : 0;
    for (const v of visibleEdge.values()) m += v ? 1 : 0;
    $("counts").textContent = t("counts", { nodes: digits(n), totalNodes: digits(NODE_IDS.length), edges: digits(m), totalEdges: digits(EDGES.length) });
  }

  /* ------------------------------------------------------------------ selection */

  function selectNode(id, focus) {
    if (!META[id]) return;
    if (!state.groupsOn[META[id].group]) {
      state.groupsOn[META[id].group] = true;
      renderLegend();
    }
    state.selected = id;
    state.selectedEdge = null;
    applyFilters();
    network.selectNodes([id]);
    highlight(new Set([id, ...ADJ.get(id)]), (e) => e.from === id || e.to === id);
    if (focus) {
      state.animating = true;
      network.focus(id, { scale: Math.max(network.getScale(), READABLE), animation: { duration: 350, easingFunction: "easeInOutQuad" } });
    }
    renderPanel(true);
    markTableRow();
    writeHash();
  }

  function selectEdge(edgeId) {
    const e = EDGE_BY_ID.get(edgeId);
    if (!e) return;
    state.selected = null;
    state.selectedEdge = edgeId;
    applyFilters();
    network.selectEdges([edgeId]);
    highlight(new Set([e.from, e.to]), (x) => x.id === edgeId);
    renderPanel(true);
    writeHash();
  }

  function clearSelection() {
    state.selected = null;
    state.selectedEdge = null;
    network.unselectAll();
    highlight(null);
    applyFilters();
    renderPanel(true);
    markTableRow();
    writeHash();
  }

  network.on("click", (params) => {
    if (params.nodes.length) selectNode(params.nodes[0], false);
    else if (params.edges.length) selectEdge(params.edges[0]);
    else clearSelection();
  });

  /* ------------------------------------------------------------------ language */

  function applyLanguage() {
    const root = document.documentElement;
    root.lang = state.lang;
    root.dir = state.lang === "fa" ? "rtl" : "ltr";
    document.title = t("title");
    for (const node of document.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
    for (const node of document.querySelectorAll("[data-i18n-placeholder]")) node.placeholder = t(node.dataset.i18nPlaceholder);
    for (const node of document.querySelectorAll("[data-i18n-title]")) node.title = t(node.dataset.i18nTitle);
    $("lang").lang = state.lang === "fa" ? "en" : "fa";
  }

  function setLang(lang) {
    completeData();
    state.lang = lang === "fa" ? "fa" : "en";
    applyLanguage();
    nodes.update(NODE_IDS.map((id) => ({ id, label: canvasLabel(id), title: tooltip(id) })));
    edges.update(EDGES.map((e) => ({ id: e.id, label: state.edgeLabels ? edgeLabel(e) : " ", title: edgeLabel(e) })));
    renderLegend();
    renderCounts();
    renderViewTabs();
    renderScaleNote();
    renderView();
    renderPanel(false);
    renderResults();
    writeHash();
  }

  /* ------------------------------------------------------------------ legend and filters */

  function swatch(group) {
    const g = groupOf[group];
    return el("span", { class: "swatch shape-" + g.shape, style: { background: g.color }, "aria-hidden": "true" });
  }

  function renderLegend() {
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
                  writeHash();
                },
              },
            }),
            swatch(g.key),
            el("span", { lang: state.lang }, g.label[state.lang]),
            el("span", { class: "count" }, digits(g.count)),
          ),
        ),
      ),
    );
  }

  function setAllGroups(on) {
    for (const g of KG.groups) state.groupsOn[g.key] = on;
    if (on && !state.selected) {
      state.hop = false;
      state.around = null;
      $("hop").checked = false;
    }
    renderLegend();
    if (applyFilters()) fitVisible();
    writeHash();
  }

  /* ------------------------------------------------------------------ search */

  /* Names of a node: strong (labels, alternative labels, id) and weak (its class, its kinds and
     domains, the properties it has): "memorandum" finds the agreements whose kind is one. Latin
     queries match whole words from their start ("Temir" does not find "Emir"), after a light
     stemming ("signed" finds "signing" and "signatory"), then as a transliteration skeleton
     ("Tokaev" finds "Tokayev", "Berdymukhamedov" finds "Berdimuhamedow"); other scripts match
     the folded text anywhere (Persian is written with or without its spaces and ZWNJs). */
  const LATIN_QUERY = /^[\p{Script=Latin}\p{N}\s'’.,-]+$/u;
  const wordsOf = (text) => String(text).split(/[^\p{L}\p{N}]+/u).map(fold).filter(Boolean);
  const stem = (w) => (w.length > 4 ? w.replace(/(ing|ed|es|s)$/u, "") : w);
  function skeleton(w) {
    return w
      .replace(/kh/g, "h")
      .replace(/[sz]h/g, "j")
      .replace(/dj/g, "j")
      .replace(/ph/g, "f")
      .replace(/w/g, "v")
      .replace(/[qc]/g, "k")
      .replace(/[aeiouy]+/g, "a")
      .replace(/(.)\1+/g, "$1");
  }
  function nameEntry(text, weak) {
    const words = wordsOf(text);
    return { key: fold(text), words, skel: words.map(skeleton), weak };
  }
  let NAMES = null; /* built at the first search, not at open */
  const names = () =>
    NAMES ||
    (NAMES = new Map(
    NODE_IDS.map((id) => {
      const m = META[id];
      const strong = [m.label_en, m.label_fa, id, id.split(":").slice(1).join(":"), ...m.alt_labels.map((a) => a[0])];
      const weak = [classLabel(m.cls, "en"), classLabel(m.cls, "fa"), groupOf[m.group].label.en, groupOf[m.group].label.fa];
      for (const v of m.values) if (v.label) weak.push(v.label.en, v.label.fa);
      for (const e of OUT.get(id)) weak.push(propLabel(e.prop, "en"), propLabel(e.prop, "fa"));
      return [id, [...new Set(strong)].map((n) => nameEntry(n, false)).concat([...new Set(weak)].map((n) => nameEntry(n, true)))];
    }),
  ));

  const prefixOfSome = (q, words) => words.some((w) => w.startsWith(q));
  /* [tier, exact, whole words, share of the name covered], or null */
  function score(query, name) {
    if (!query.key) return null;
    const cover = Math.min(1, query.key.length / (name.key.length || 1));
    const tier = name.weak ? 1 : 3;
    if (!query.latin) return name.key.includes(query.key) ? [tier, name.key === query.key ? 1 : 0, name.words.includes(query.key) ? 1 : 0, cover] : null;
    if (query.words.every((q) => prefixOfSome(q, name.words)))
      return [tier, name.key === query.key ? 1 : 0, query.words.every((q) => name.words.includes(q)) ? 1 : 0, cover];
    if (query.words.every((q) => prefixOfSome(stem(q), name.words))) return [tier, 0, 0, cover];
    if (!name.weak && query.words.every((q) => q.length > 3 && prefixOfSome(skeleton(q), name.skel))) return [2, 0, 0, cover];
    return null;
  }
  const better = (a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2] || a[3] - b[3];

  function search(text) {
    const query = { key: fold(text), words: wordsOf(text), latin: LATIN_QUERY.test(text) };
    if (!query.key || (query.latin && !query.words.length)) return [];
    const found = [];
    for (const [id, entries] of names()) {
      let best = null;
      for (const name of entries) {
        const s = score(query, name);
        if (s && (!best || better(s, best) > 0)) best = s;
      }
      if (best) found.push([id, best]);
    }
    found.sort((a, b) => better(b[1], a[1]) || (a[0] < b[0] ? -1 : 1));
    return found.map((f) => f[0]);
  }

  function renderResults() {
    const list = $("results");
    const query = $("search").value;
    if (!fold(query) || document.activeElement !== $("search")) {
      list.hidden = true;
      list.replaceChildren();
      return;
    }
    const other = state.lang === "fa" ? "en" : "fa";
    const items = state.results.slice(0, 12).map((id, i) =>
      el(
        "li",
        {
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
        swatch(META[id].group),
        labelText(id),
        el("span", { class: "other" }, labelText(id, other)),
        el("span", { class: "cls" }, classLabel(META[id].cls)),
      ),
    );
    list.replaceChildren(...(items.length ? items : [el("li", { class: "none" }, t("noMatch"))]));
    list.hidden = false;
  }

  function choose(id) {
    state.results = [];
    state.active = -1;
    $("search").value = label(id);
    $("results").hidden = true;
    state.tab = "details";
    if (state.view !== "network" && !state.view.startsWith("table:")) setView("network");
    selectNode(id, true);
  }

  /* ------------------------------------------------------------------ panel */

  function nodeButton(id) {
    return el("button", { type: "button", class: "node", "data-id": id, on: { click: () => selectNode(id, true) } }, swatch(META[id].group), labelText(id));
  }

  function valueView(value) {
    if (!value) return "";
    if (value.node && META[value.node]) return nodeButton(value.node);
    if (value.label) return [userText(value.label[state.lang], value.label.en === value.label.fa ? undefined : state.lang), " ", el("code", null, value.term)];
    if (value.text !== undefined) return userText(value.text, value.lang);
    return el("code", null, value.term || "");
  }

  /* Split [begin, end) into runs by the spans that cover them; neighbouring runs covered alike are
     joined, so that each mark is one stretch of text (overlapping mentions make one mark). */
  function markedText(begin, end, spans) {
    const cuts = new Set([begin, end]);
    for (const s of spans) {
      if (s.end <= begin || s.begin >= end) continue;
      cuts.add(Math.max(begin, s.begin));
      cuts.add(Math.min(end, s.end));
    }
    const points = [...cuts].sort((a, b) => a - b);
    const runs = [];
    for (let i = 0; i + 1 < points.length; i++) {
      const [b, e] = [points[i], points[i + 1]];
      const covering = spans.filter((s) => s.begin <= b && s.end >= e);
      const slip = covering.find((s) => s.kind === "slip");
      const key = (covering.some((s) => s.kind === "mark") ? "mark" : "") + "|" + (slip ? slip.id : "");
      const last = runs[runs.length - 1];
      if (last && last.key === key) last.end = e;
      else runs.push({ begin: b, end: e, key, slip, marked: key.startsWith("mark") });
    }
    return runs.map((run) => {
      const text = slice(run.begin, run.end);
      if (run.key === "|") return text;
      const node = el(run.marked ? "mark" : "span", { class: run.slip ? "slip-mark" : undefined }, text);
      if (run.slip) {
        node.title = run.slip.title;
        node.addEventListener("click", () => {
          state.tab = "details";
          selectNode(run.slip.id, true);
        });
      }
      return node;
    });
  }

  const markSpans = (id) => (META[id] ? META[id].mentions.map(([b, e]) => ({ begin: b, end: e, kind: "mark" })) : []);

  function slipSpans() {
    const spans = [];
    for (const [id, m] of Object.entries(META))
      if (m.slip) for (const [b, e] of m.mentions) spans.push({ begin: b, end: e, kind: "slip", id, title: label(id) });
    return spans;
  }

  function sentenceBlocks(spans, limit) {
    const bySentence = new Map();
    for (const s of spans) {
      const i = sentenceOf(s.begin);
      if (i < 0) continue;
      if (!bySentence.has(i)) bySentence.set(i, []);
      bySentence.get(i).push(s);
    }
    const order = [...bySentence.keys()].sort((a, b) => a - b);
    const blocks = order.slice(0, limit).map((i) => {
      const [b, e] = SENTENCES[i];
      return el("blockquote", { class: "sentence", lang: "fa", dir: "rtl" }, markedText(b, e, bySentence.get(i)));
    });
    if (order.length > limit)
      blocks.push(el("p", null, el("button", { type: "button", class: "link", on: { click: () => showTab("article") } }, t("moreSentences", { n: digits(order.length - limit) }))));
    return blocks;
  }

  function claimView(claim, cls) {
    if (!claim) return null;
    const object = claim.object ? valueView(claim.object) : claim.value ? valueView(claim.value) : "";
    return el("p", { class: cls }, valueView(claim.subject), " ", el("span", { class: "arrow" }, arrow(propLabel(claim.property))), " ", object);
  }

  const literalsOf = (m, props) => m.literals.filter((l) => props.includes(l.prop));
  function pickLang(literals) {
    const here = literals.filter((l) => l.lang === state.lang);
    return here.length ? here : literals;
  }

  const SLIP_PROPS = ["kg:writtenForm", "kg:intendedForm", "kg:reason"];

  function slipBox(id) {
    const m = META[id];
    const kind = m.values.find((v) => v.prop === "kg:slipKind");
    const rows = [
      [t("written"), literalsOf(m, ["kg:writtenForm"]).map((l) => el("span", { class: "fa-text", lang: l.lang }, l.text))],
      [t("intended"), literalsOf(m, ["kg:intendedForm"]).map((l) => el("span", { class: "fa-text", lang: l.lang }, l.text))],
      [t("kind"), kind ? valueView(kind) : ""],
      [t("reason"), pickLang(literalsOf(m, ["kg:reason"])).map((l) => el("p", { dir: dirOf(l.lang) }, userText(l.text, l.lang)))],
    ];
    return el(
      "div",
      { class: "slip-box" },
      el("h3", null, t("slip")),
      el("dl", { class: "props" }, rows.filter((r) => r[1] && (!Array.isArray(r[1]) || r[1].length)).map(([k, v]) => [el("dt", null, k), el("dd", null, v)])),
      m.slip && m.slip.claimed ? [el("h3", null, t("claimed")), claimView(m.slip.claimed, "claimed")] : null,
      m.slip && m.slip.corrected ? [el("h3", null, t("corrected")), claimView(m.slip.corrected, "corrected")] : null,
    );
  }

  /* Relations grouped by property and direction: "holds →" for this node's own statements,
     "← participant" for others' statements about it (mirrored in Persian). */
  function relationsView(id) {
    const fa = state.lang === "fa";
    const rows = new Map();
    const add = (head, other) => {
      if (!rows.has(head)) rows.set(head, []);
      rows.get(head).push(other);
    };
    const byLabel = (a, b) => (label(a) < label(b) ? -1 : 1);
    for (const e of OUT.get(id)) add(fa ? edgeLabel(e) + " ←" : edgeLabel(e) + " →", e.to);
    for (const e of IN.get(id)) add(fa ? "→ " + edgeLabel(e) : "← " + edgeLabel(e), e.from);
    if (!rows.size) return null;
    const items = [...rows.entries()].map(([head, others]) => [
      el("dt", { class: "arrow" }, head),
      el("dd", null, others.sort(byLabel).map((other) => el("div", null, nodeButton(other)))),
    ]);
    return [
      el("h3", null, t("relations"), " ", el("button", { type: "button", class: "link small", on: { click: () => download("relations.csv", selectionCsv(), "text/csv") } }, t("selectionCsv"))),
      el("dl", { class: "props relations" }, items),
    ];
  }

  function attributesView(m, skip) {
    const byProp = new Map();
    for (const l of m.literals) if (!skip.includes(l.prop)) (byProp.get(l.prop) || byProp.set(l.prop, []).get(l.prop)).push(l);
    const rows = [];
    for (const [prop, literals] of byProp)
      rows.push(el("dt", null, propLabel(prop)), el("dd", null, pickLang(literals).map((l, i) => [i ? " · " : "", userText(l.text, l.lang)])));
    for (const v of m.values) if (!skip.includes(v.prop)) rows.push(el("dt", null, propLabel(v.prop)), el("dd", null, valueView(v)));
    return rows.length ? [el("h3", null, t("attributes")), el("dl", { class: "props" }, rows)] : null;
  }

  function notesView(m) {
    const notes = pickLang(literalsOf(m, KG.notes));
    return notes.length ? el("div", { class: "note-box" }, el("h3", null, t("note")), notes.map((l) => el("p", null, userText(l.text, l.lang)))) : null;
  }

  function nodeDetails(id) {
    const m = META[id];
    const other = state.lang === "fa" ? "en" : "fa";
    const wd = typeof m.wikidata === "string" && /^Q[1-9][0-9]*$/.test(m.wikidata) ? m.wikidata : null;
    const alt = m.alt_labels;
    const isSlip = m.slip || m.group === "slip";
    const parts = [
      /* a block holding one text of a known language takes its direction, so that its lines wrap in order */
      el("h2", { id: "entity-heading", dir: dirOf(labelLang(id)) }, labelText(id)),
      el("p", { class: "other", dir: dirOf(labelLang(id, other)) }, labelText(id, other)),
      el(
        "div",
        { class: "chips" },
        el("span", { class: "chip", title: t("class") }, swatch(m.group), classLabel(m.cls)),
        el("span", { class: "chip code", title: t("id") }, id),
        wd ? el("a", { class: "chip", href: "https://www.wikidata.org/wiki/" + wd, target: "_blank", rel: "noopener noreferrer" }, t("wikidata") + " " + wd) : null,
      ),
      alt.length ? el("p", null, el("span", { class: "note" }, t("alsoCalled") + ": "), alt.map((a, i) => [i ? " · " : "", userText(a[0], a[1])])) : null,
      notesView(m),
    ];
    if (isSlip) parts.push(slipBox(id));
    for (const slipId of m.slips)
      if (META[slipId])
        parts.push(el("div", { class: "slip-box" }, el("h3", null, t("slipsHere")), el("p", null, nodeButton(slipId)), pickLang(literalsOf(META[slipId], ["kg:reason"])).map((l) => el("p", null, userText(l.text, l.lang)))));
    parts.push(relationsView(id));
    parts.push(attributesView(m, (isSlip ? SLIP_PROPS.concat(["kg:slipKind"]) : []).concat(KG.notes)));
    parts.push(el("h3", null, t("inArticle")));
    if (m.mentions.length) {
      parts.push(sentenceBlocks(markSpans(id), 8));
      parts.push(el("p", null, el("button", { type: "button", class: "link", on: { click: () => showTab("article") } }, t("readArticle"))));
    } else parts.push(el("p", { class: "empty" }, t("noMention")));
    return parts;
  }

  function edgeDetails(edgeId) {
    const e = EDGE_BY_ID.get(edgeId);
    const other = state.lang === "fa" ? "en" : "fa";
    const parts = [
      el("h2", { id: "entity-heading" }, t("edge")),
      el("p", null, nodeButton(e.from), " ", el("span", { class: "arrow" }, arrow(edgeLabel(e))), " ", nodeButton(e.to)),
      el("dl", { class: "props" }, el("dt", null, t("property")), el("dd", null, userText(edgeLabel(e), state.lang), " · ", userText(edgeLabel(e, other), other), " ", el("code", null, e.prop))),
    ];
    const a = markSpans(e.from);
    const b = markSpans(e.to);
    const withB = new Set(b.map((s) => sentenceOf(s.begin)));
    const both = a.filter((s) => withB.has(sentenceOf(s.begin)));
    if (both.length) {
      const keep = new Set(both.map((s) => sentenceOf(s.begin)));
      parts.push(el("h3", null, t("edgeSentences")), sentenceBlocks(both.concat(b.filter((s) => keep.has(sentenceOf(s.begin)))), 8));
    } else if (a.length) parts.push(el("h3", null, t("subjectSentences", { label: label(e.from) })), sentenceBlocks(a, 8));
    else if (b.length) parts.push(el("h3", null, t("subjectSentences", { label: label(e.to) })), sentenceBlocks(b, 8));
    return parts;
  }

  function articleView() {
    const id = state.selected;
    const marks = id ? markSpans(id) : [];
    const spans = marks.concat(slipSpans());
    const note = id ? t("marked", { n: digits(marks.length), label: label(id) }) : t("noneMarked");
    const paragraphs = [];
    let start = 0;
    const text = KG.text || "";
    const breaks = /\n\s*\n/gu;
    let offset = 0;
    let match;
    let lastIndex = 0;
    /* paragraphs at blank lines; offsets converted from UTF-16 (regex) to code points */
    while ((match = breaks.exec(text)) !== null) {
      offset += Array.from(text.slice(lastIndex, match.index)).length;
      paragraphs.push([start, offset]);
      offset += Array.from(match[0]).length;
      lastIndex = match.index + match[0].length;
      start = offset;
    }
    paragraphs.push([start, CP.length]);
    const body = el(
      "div",
      { id: "article-text", lang: "fa", dir: "rtl" },
      paragraphs.filter(([b, e]) => slice(b, e).trim()).map(([b, e]) => el("p", null, markedText(b, e, spans))),
    );
    return [el("p", { class: "note" }, note), body];
  }

  /* After a new selection the panel shows the new entity's heading (Details) or its first
     mention (Article); a language switch keeps the reader's place. */
  function scrollPanel() {
    if (state.tab === "article") {
      const first = document.querySelector("#article-text mark");
      if (first) first.scrollIntoView({ block: "center" });
      else $("panel-body").scrollTop = 0;
    } else $("panel-body").scrollTop = 0;
  }

  function showTab(tab) {
    state.tab = tab;
    renderPanel(true);
  }

  function renderPanel(scroll) {
    $("tab-details").setAttribute("aria-selected", String(state.tab === "details"));
    $("tab-article").setAttribute("aria-selected", String(state.tab === "article"));
    let parts;
    if (state.tab === "article") parts = articleView();
    else if (state.selected) parts = nodeDetails(state.selected);
    else if (state.selectedEdge) parts = edgeDetails(state.selectedEdge);
    else parts = [el("p", { class: "empty" }, t("empty"))];
    $("panel-body").replaceChildren(...parts.flat(Infinity).filter((p) => p !== null && p !== undefined && p !== false));
    if (scroll) scrollPanel();
  }

  /* ------------------------------------------------------------------ views: tables, questions, timeline */

  const TABLES = Object.fromEntries(KG.tables.map((tb) => [tb.group, tb]));
  const VIEWS = ["network", ...KG.tables.map((tb) => "table:" + tb.group), "questions", "timeline"];

  function viewTitle(view) {
    if (view.startsWith("table:")) {
      const g = groupOf[view.slice(6)];
      return g.label[state.lang] + " (" + digits(g.count) + ")";
    }
    return t(view);
  }

  function renderViewTabs() {
    $("views").replaceChildren(
      ...VIEWS.map((view) =>
        el("button", { type: "button", role: "tab", "data-view": view, "aria-selected": String(state.view === view), on: { click: () => setView(view) } }, viewTitle(view)),
      ),
    );
  }

  function setView(view) {
    state.view = VIEWS.includes(view) ? view : "network";
    document.body.dataset.view = state.view === "network" ? "network" : "other";
    $("table-view").hidden = state.view === "network";
    renderViewTabs();
    renderView();
    writeHash();
  }

  function renderView() {
    const box = $("table-view");
    if (state.view === "network") return box.replaceChildren();
    const parts = state.view.startsWith("table:") ? tableView(TABLES[state.view.slice(6)]) : state.view === "questions" ? questionsView() : timelineView();
    box.replaceChildren(...parts.flat(Infinity).filter((p) => p !== null && p !== undefined && p !== false));
    markTableRow();
  }

  function uniqueNodes(ids) {
    return [...new Set(ids)].filter((id) => META[id]).map((id) => ({ text: label(id), node: id }));
  }

  /* The cells of one column for one node: a list of {text, node?, lang?}. */
  function cellItems(id, col) {
    const m = META[id];
    const outOf = (from, prop) => OUT.get(from).filter((e) => e.prop === prop).map((e) => e.to);
    if (col.kind === "label") return [{ text: label(id), node: id }];
    if (col.kind === "out" || col.kind === "in") {
      const ids = col.kind === "out" ? outOf(id, col.prop) : IN.get(id).filter((e) => e.prop === col.prop).map((e) => e.from);
      return col.count ? [{ text: digits(ids.length), sortKey: ids.length }] : uniqueNodes(ids);
    }
    if (col.kind === "via") {
      const ids = [];
      for (const first of outOf(id, col.props[0])) {
        if ((col.self || []).includes(META[first].group)) ids.push(first);
        else ids.push(...outOf(first, col.props[1]));
      }
      return uniqueNodes(ids);
    }
    if (col.kind === "lit") {
      const lits = m.literals.filter((l) => l.prop === col.prop);
      return (col.lang ? lits.filter((l) => l.lang === col.lang) : pickLang(lits)).map((l) => ({ text: l.text, lang: l.lang }));
    }
    if (col.kind === "val") return m.values.filter((v) => v.prop === col.prop).map((v) => (v.node && META[v.node] ? { text: label(v.node), node: v.node } : { text: v.label ? v.label[state.lang] : v.term, lang: state.lang }));
    if (col.kind === "claim") {
      const c = m.slip && m.slip[col.which];
      if (!c) return [];
      const part = (v) => (!v ? "" : v.node && META[v.node] ? label(v.node) : v.label ? v.label[state.lang] : v.text || v.term || "");
      return [{ text: [part(c.subject), propLabel(c.property), part(c.object || c.value)].filter(Boolean).join(" — "), lang: state.lang }];
    }
    return [];
  }

  const cellText = (items) => items.map((i) => i.text).join("; ");

  function tableRows(table) {
    const ids = NODE_IDS.filter((id) => META[id].group === table.group);
    const rows = ids.map((id) => ({ id, cells: table.columns.map((col) => cellItems(id, col)) }));
    const key = fold(state.filter[table.group] || "");
    const shown = key ? rows.filter((r) => r.cells.some((items) => items.some((i) => fold(i.text).includes(key)))) : rows;
    const sort = state.sort[table.group];
    if (sort) {
      const value = (r) => {
        const items = r.cells[sort.col];
        if (items.length && items[0].sortKey !== undefined) return items[0].sortKey;
        const text = cellText(items);
        const n = Number(text);
        return text !== "" && Number.isFinite(n) ? n : fold(text);
      };
      shown.sort((a, b) => {
        const [x, y] = [value(a), value(b)];
        return (x < y ? -1 : x > y ? 1 : 0) * sort.dir || (a.id < b.id ? -1 : 1);
      });
    }
    return { rows, shown };
  }

  function tableView(table) {
    const { rows, shown } = tableRows(table);
    const sort = state.sort[table.group];
    const head = table.columns.map((col, i) =>
      el(
        "th",
        { "aria-sort": sort && sort.col === i ? (sort.dir > 0 ? "ascending" : "descending") : "none" },
        el(
          "button",
          {
            type: "button",
            on: {
              click: () => {
                const now = state.sort[table.group];
                state.sort[table.group] = { col: i, dir: now && now.col === i ? -now.dir : 1 };
                renderView();
                writeHash();
              },
            },
          },
          col.label[state.lang],
          sort && sort.col === i ? (sort.dir > 0 ? " ▲" : " ▼") : "",
        ),
      ),
    );
    const body = shown.map((r) =>
      el(
        "tr",
        { "data-id": r.id },
        r.cells.map((items) =>
          el(
            "td",
            null,
            items.map((item, j) => [j ? el("br") : null, item.node ? nodeButton(item.node) : userText(item.text, item.lang)]),
          ),
        ),
      ),
    );
    /* columns the article leaves empty for some rows say so: "signatories for 1 of the 8" */
    const coverage = table.columns
      .map((col, i) => [col, rows.filter((r) => r.cells[i].length).length])
      .filter(([col, n]) => col.kind !== "label" && n < rows.length)
      .map(([col, n]) => el("p", { class: "coverage" }, t("coverage", { column: col.label[state.lang].toLowerCase(), n: digits(n), total: digits(rows.length) })));
    const filter = el("input", {
      type: "search",
      id: "table-filter",
      dir: "auto",
      placeholder: t("filterRows"),
      value: state.filter[table.group] || "",
      on: {
        input: (ev) => {
          state.filter[table.group] = ev.target.value;
          const keep = ev.target.selectionStart;
          renderView();
          const again = $("table-filter");
          again.focus();
          again.setSelectionRange(keep, keep);
          writeHash();
        },
      },
    });
    return [
      el(
        "div",
        { class: "table-tools" },
        filter,
        el("span", { class: "note", id: "row-count" }, t("rows", { n: digits(shown.length), total: digits(rows.length) })),
        el("button", { type: "button", id: "csv", on: { click: () => download(table.group + ".csv", tableCsv(), "text/csv") } }, t("csv")),
      ),
      coverage,
      el("div", { class: "table-scroll" }, el("table", { class: "data", "data-group": table.group }, el("thead", null, el("tr", null, head)), el("tbody", null, body))),
    ];
  }

  function markTableRow() {
    for (const row of document.querySelectorAll("#table-view tr[data-id]")) {
      const on = row.dataset.id === state.selected;
      row.setAttribute("aria-selected", String(on));
      if (on) row.scrollIntoView({ block: "nearest" });
    }
  }

  function questionsView() {
    return KG.questions.map((q) => {
      const answer = q.answers[state.lang] || {};
      let body;
      if (answer.error) body = el("p", { class: "empty" }, t("noAnswer"));
      else if (!answer.rows.length) body = el("p", { class: "empty" }, t("noRows"));
      else
        body = el(
          "div",
          { class: "table-scroll" },
          el(
            "table",
            { class: "data" },
            el("thead", null, el("tr", null, answer.vars.map((v) => el("th", null, el("code", null, "?" + v))))),
            el("tbody", null, answer.rows.map((row) => el("tr", null, row.map((cell) => el("td", null, cell.node && META[cell.node] ? nodeButton(cell.node) : userText(cell.text, cell.lang)))))),
          ),
        );
      const question = q.question[state.lang] || q.question.en || q.title;
      return el(
        "details",
        { class: "question", "data-name": q.name },
        el("summary", null, el("code", null, q.name.split("-")[0]), " ", userText(question, q.question[state.lang] ? state.lang : undefined), " ", el("span", { class: "note" }, answer.rows ? t("rows", { n: digits(answer.rows.length), total: digits(answer.rows.length) }) : "")),
        body,
        answer.truncated ? el("p", { class: "note" }, t("truncated", { n: digits(answer.rows.length) })) : null,
      );
    });
  }

  /* ------------------------------------------------------------------ timeline */

  /* "2022-06" or "2001-03-21" as a Date (UTC) and its precision */
  function parseDate(text) {
    const m = /^(-?\d{4})(?:-(\d{2}))?(?:-(\d{2}))?/.exec(text || "");
    if (!m) return null;
    const precision = m[3] ? "day" : m[2] ? "month" : "year";
    return { date: new Date(Date.UTC(+m[1], m[2] ? +m[2] - 1 : 0, m[3] ? +m[3] : 1)), precision };
  }
  function formatDate(parsed, calendar) {
    if (!parsed) return "…";
    const opts = { timeZone: "UTC", year: "numeric" };
    if (parsed.precision !== "year") opts.month = "long";
    if (parsed.precision === "day") opts.day = "numeric";
    const locale = calendar === "persian" ? "fa-IR-u-ca-persian-nu-arabext" : state.lang === "fa" ? "fa-IR-u-ca-gregory" : "en-GB";
    if (calendar === "persian" && parsed.precision === "month") {
      /* a Gregorian month spans two Solar Hijri months: give both ends */
      const d = parsed.date;
      const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0));
      const f = new Intl.DateTimeFormat(locale, { timeZone: "UTC", year: "numeric", month: "long", day: "numeric" });
      return f.format(d) + " – " + f.format(last);
    }
    return new Intl.DateTimeFormat(locale, opts).format(parsed.date);
  }

  function timelineView() {
    const entries = KG.timeline.filter((e) => META[e.node]);
    const times = entries.flatMap((e) => [parseDate(e.start), parseDate(e.end)]).filter(Boolean).map((p) => p.date.getTime());
    const lo = Math.min(...times);
    const hi = Math.max(...times);
    const span = hi - lo || 1;
    const side = state.lang === "fa" ? "right" : "left";
    return [
      el(
        "ol",
        { class: "timeline" },
        entries.map((e) => {
          const [a, b] = [parseDate(e.start), parseDate(e.end)];
          const from = (a || b).date.getTime();
          const to = (b || a).date.getTime();
          const dates = (cal) => formatDate(a, cal) + (b ? " – " + formatDate(b, cal) : "");
          return el(
            "li",
            { "data-id": e.node },
            el("div", { class: "when" }, state.lang === "fa" ? [userText(dates("persian"), "fa"), el("br"), el("span", { class: "note" }, t("gregorian") + ": ", userText(dates("gregory"), "fa"))] : userText(dates("gregory"), "en")),
            el("div", { class: "what" }, nodeButton(e.node), el("span", { class: "note" }, " · " + propLabel(e.prop))),
            el("div", { class: "axis" }, el("span", { class: "bar", style: { [side]: Math.min(99, (100 * (from - lo)) / span).toFixed(2) + "%", width: Math.max(1, (100 * (to - from)) / span).toFixed(2) + "%" } })),
          );
        }),
      ),
    ];
  }

  /* ------------------------------------------------------------------ export */

  const csvField = (text) => (/[",\r\n]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text);
  const csvLines = (rows) => rows.map((r) => r.map((c) => csvField(String(c))).join(",")).join("\r\n") + "\r\n";

  /* The table as shown (filtered, sorted), with labels; the first column also gives the ids. */
  function tableCsv() {
    if (!state.view.startsWith("table:")) return "";
    const table = TABLES[state.view.slice(6)];
    const { shown } = tableRows(table);
    return csvLines([["id", ...table.columns.map((c) => c.label[state.lang])], ...shown.map((r) => [r.id, ...r.cells.map(cellText)])]);
  }

  /* The selected node's relations as triples: subject, property, object (labels and ids). */
  function selectionCsv() {
    const id = state.selected;
    if (!id) return "";
    const rows = [["subject", "subject_id", "property", "object", "object_id"]];
    for (const e of OUT.get(id).concat(IN.get(id))) rows.push([label(e.from), e.from, edgeLabel(e), label(e.to), e.to]);
    return csvLines(rows);
  }

  function download(name, text, type) {
    const url = text.startsWith("data:") ? text : URL.createObjectURL(new Blob(["\ufeff" + text], { type: type + ";charset=utf-8" }));
    const a = el("a", { href: url, download: name });
    document.body.append(a);
    a.click();
    a.remove();
    if (!text.startsWith("data:")) setTimeout(() => URL.revokeObjectURL(url), 0);
  }

  const canvasPng = () => $("graph").querySelector("canvas").toDataURL("image/png");

  /* ------------------------------------------------------------------ the state in the URL */

  /* #lang=fa&node=kgi:iran&view=table:agreement&hide=statement,slip&z=1.2,10,-40&sort=2&filter=rail */
  function writeHash() {
    if (state.restoring) return;
    const p = new URLSearchParams();
    p.set("lang", state.lang);
    if (state.selected) p.set("node", state.selected);
    if (state.view !== "network") p.set("view", state.view);
    const hidden = KG.groups.filter((g) => !state.groupsOn[g.key]).map((g) => g.key);
    if (hidden.length) p.set("hide", hidden.join(","));
    if (state.hop) p.set("hops", String(state.hops));
    if (state.hop && !state.selected && state.around) p.set("around", state.around);
    const pos = network.getViewPosition();
    p.set("z", [network.getScale().toFixed(3), Math.round(pos.x), Math.round(pos.y)].join(","));
    if (state.view.startsWith("table:")) {
      const g = state.view.slice(6);
      if (state.sort[g]) p.set("sort", String((state.sort[g].col + 1) * state.sort[g].dir));
      if (state.filter[g]) p.set("filter", state.filter[g]);
    }
    const hash = "#" + p.toString();
    if (location.hash === hash) return;
    try {
      history.replaceState(null, "", hash);
    } catch {
      // a frame written from a string (the explorer inline in a notebook) has no URL to keep the state in
    }
  }

  function readHash() {
    const p = new URLSearchParams(location.hash.replace(/^#/, ""));
    state.restoring = true;
    const lang = p.get("lang");
    if (lang === "fa" || lang === "en") state.lang = lang;
    const hide = (p.get("hide") || "").split(",");
    for (const g of KG.groups) state.groupsOn[g.key] = !hide.includes(g.key);
    const hops = parseInt(p.get("hops") || "", 10);
    state.hop = Number.isFinite(hops) && hops > 0;
    state.hops = state.hop ? Math.min(hops, 6) : 1;
    state.around = META[p.get("around")] ? p.get("around") : null;
    $("hop").checked = state.hop;
    $("hops").value = String(state.hops);
    const view = p.get("view") || "network";
    if (view.startsWith("table:")) {
      const g = view.slice(6);
      const sort = parseInt(p.get("sort") || "", 10);
      if (Number.isFinite(sort) && sort !== 0) state.sort[g] = { col: Math.abs(sort) - 1, dir: Math.sign(sort) };
      if (p.get("filter")) state.filter[g] = p.get("filter");
    }
    if (state.lang !== document.documentElement.lang || state.booted) setLang(state.lang);
    else {
      applyLanguage();
      renderPanel(false);
    }
    state.booted = true;
    setView(view);
    const node = p.get("node");
    if (node && META[node]) selectNode(node, false);
    else if (state.selected) clearSelection();
    else applyFilters();
    const z = (p.get("z") || "").split(",").map(Number);
    if (z.length === 3 && z.every(Number.isFinite) && z[0] > 0) network.moveTo({ position: { x: z[1], y: z[2] }, scale: z[0], animation: false });
    else if (node && META[node]) network.focus(node, { scale: Math.max(READABLE, 1.1), animation: false });
    else if (location.hash.length > 1) fitVisible();
    else overview(false);
    /* a view restored from the URL outlives vis-network's own first fit (the overview is that fit) */
    if (!state.firstViewAt && (z.length === 3 || node)) state.home = { position: network.getViewPosition(), scale: network.getScale() };
    state.restoring = false;
    writeHash();
  }

  function renderScaleNote() {
    const v = KG.view;
    const note = $("scale-note");
    if (v.shownNodes >= v.totalNodes) {
      note.hidden = true;
      return;
    }
    const text = [
      t("focusNote", {
        shownNodes: digits(v.shownNodes),
        totalNodes: digits(v.totalNodes),
        shownEdges: digits(v.shownEdges),
        totalEdges: digits(v.totalEdges),
        hiddenNodes: digits(v.totalNodes - v.shownNodes),
        hiddenEdges: digits(v.totalEdges - v.shownEdges),
        budget: digits(v.budget),
      }),
    ];
    if (v.focus && META[v.focus]) text.push(t("focusOn", { label: label(v.focus), hops: digits(v.hops) }));
    note.replaceChildren(userText(text.join(" "), state.lang));
    note.hidden = false;
  }

  /* ------------------------------------------------------------------ wiring */

  $("search").addEventListener("input", () => {
    state.results = search($("search").value);
    state.active = state.results.length ? 0 : -1;
    renderResults();
  });
  $("search").addEventListener("keydown", (ev) => {
    const n = Math.min(state.results.length, 12);
    if (ev.key === "ArrowDown" && n) state.active = (state.active + 1) % n;
    else if (ev.key === "ArrowUp" && n) state.active = (state.active - 1 + n) % n;
    else if (ev.key === "Enter") {
      if (!state.results.length) state.results = search($("search").value);
      if (state.results.length) choose(state.results[Math.max(state.active, 0)]);
      return;
    } else if (ev.key === "Escape") {
      ev.stopPropagation();
      $("results").hidden = true;
      return;
    } else return;
    ev.preventDefault();
    renderResults();
  });
  $("search").addEventListener("blur", () => {
    $("results").hidden = true;
  });
  $("search").addEventListener("focus", () => {
    state.results = search($("search").value);
    state.active = state.results.length ? 0 : -1;
    renderResults();
  });
  document.addEventListener("keydown", (ev) => {
    if (ev.key === "Escape" && (state.selected || state.selectedEdge)) clearSelection();
  });
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
  $("edge-labels").addEventListener("change", (ev) => {
    state.edgeLabels = ev.target.checked;
    edges.update(EDGES.map((e) => ({ id: e.id, label: state.edgeLabels ? edgeLabel(e) : " " })));
  });

  renderLegend();
  renderScaleNote();
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
    tableCsv,
    selectionCsv,
    canvasPng,
    state: () => ({ complete: state.complete, lang: state.lang, selected: state.selected, selectedEdge: state.selectedEdge, view: state.view, stabilised: state.stabilised, layoutRuns: state.layoutRuns, animating: state.animating, firstViewAt: state.firstViewAt, startedAt: started, scale: network.getScale() }),
    /* the labels drawn inside the canvas, with their height on screen in px */
    labels: () => {
      const box = $("graph").getBoundingClientRect();
      const scale = network.getScale();
      const out = [];
      for (const id of NODE_IDS) {
        if (!visibleNode.get(id)) continue;
        const p = network.canvasToDOM(network.getPositions([id])[id]);
        const px = fontOf(id) * scale;
        if (p.x >= 0 && p.y >= 0 && p.x <= box.width && p.y <= box.height && px >= LABEL_THRESHOLD - 1) out.push({ id, px });
      }
      return out;
    },
    drawn: () => ({ nodes: network.body.nodeIndices.length, edges: network.body.edgeIndices.length }),
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
})();
