/* The explorer's script. Every label, quote and id is set as text (textContent, append of a
   string, innerText of vis tooltips); nothing is ever parsed as HTML. Offsets of mentions are
   Unicode code points, so the article is handled as an array of code points (Array.from). */
(function () {
  "use strict";

  const $ = (id) => document.getElementById(id);
  const readJson = (id) => JSON.parse($(id).textContent);
  const NODES = readJson("kg-nodes");
  const EDGES = readJson("kg-edges");
  const OPTIONS = readJson("kg-options");
  const KG = readJson("kg-data");
  const META = KG.meta;

  const state = {
    lang: KG.lang,
    selected: null,
    selectedEdge: null,
    tab: "details",
    groupsOn: Object.fromEntries(KG.groups.map((g) => [g.key, true])),
    hop: false,
    hops: 1,
    edgeLabels: true,
    stabilised: false,
    stabilisedAt: null,
    layoutRuns: 0,
    animating: false,
    results: [],
    active: -1,
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

  /* ------------------------------------------------------------------ graph */

  const groupOf = Object.fromEntries(KG.groups.map((g) => [g.key, g]));
  const label = (id, lang) => META[id].label[lang || state.lang];
  const propLabel = (prop, lang) => ((KG.props[prop] || {})[lang || state.lang]) || prop;
  const classLabel = (cls, lang) => ((KG.classes[cls] || {})[lang || state.lang]) || cls;
  const edgeLabel = (edge, lang) => (edge.labels ? edge.labels[lang || state.lang] : propLabel(edge.prop, lang));
  const tooltip = (id) => label(id) + " — " + classLabel(META[id].cls);

  const EDGE_BY_ID = new Map(EDGES.map((e) => [e.id, e]));
  const ADJ = new Map(NODES.map((n) => [n.id, new Set()]));
  const OUT = new Map(NODES.map((n) => [n.id, []]));
  const IN = new Map(NODES.map((n) => [n.id, []]));
  for (const e of EDGES) {
    ADJ.get(e.from).add(e.to);
    ADJ.get(e.to).add(e.from);
    OUT.get(e.from).push(e);
    IN.get(e.to).push(e);
  }

  const nodes = new vis.DataSet(NODES);
  const edges = new vis.DataSet(EDGES);
  const network = new vis.Network($("graph"), { nodes, edges }, OPTIONS);
  const visibleNode = new Map(NODES.map((n) => [n.id, true]));
  const visibleEdge = new Map(EDGES.map((e) => [e.id, true]));

  network.on("stabilizationIterationsDone", () => {
    network.setOptions({ physics: { enabled: false } });
    state.stabilised = true;
    state.layoutRuns += 1;
    if (state.stabilisedAt === null) state.stabilisedAt = performance.now();
    $("busy").hidden = true;
  });

  network.on("animationFinished", () => {
    state.animating = false;
  });

  function relayout() {
    state.stabilised = false;
    $("busy").hidden = false;
    network.setOptions({ physics: { enabled: true } });
    network.stabilize((OPTIONS.physics && OPTIONS.physics.stabilization && OPTIONS.physics.stabilization.iterations) || 600);
  }

  const FADED = "#e4e7eb";
  function highlight(keep, edgeKeep) {
    nodes.update(
      NODES.map((n) => {
        const on = !keep || keep.has(n.id);
        return { id: n.id, color: on ? n.color : FADED, font: { color: on ? "#1f2328" : "#b9bfc6" } };
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
    const within = state.hop && state.selected ? withinHops(state.selected, state.hops) : null;
    const nodeChanges = [];
    for (const n of NODES) {
      const show = state.groupsOn[META[n.id].group] && (!within || within.has(n.id));
      if (visibleNode.get(n.id) !== show) {
        visibleNode.set(n.id, show);
        nodeChanges.push({ id: n.id, hidden: !show });
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
    renderCounts();
  }

  function renderCounts() {
    let n = 0;
    let m = 0;
    for (const v of visibleNode.values()) n += v ? 1 : 0;
    for (const v of visibleEdge.values()) m += v ? 1 : 0;
    $("counts").textContent = t("counts", { nodes: digits(n), totalNodes: digits(NODES.length), edges: digits(m), totalEdges: digits(EDGES.length) });
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
    if (focus) state.animating = true;
    if (focus) network.focus(id, { scale: Math.max(network.getScale(), 1.1), animation: { duration: 450, easingFunction: "easeInOutQuad" } });
    renderPanel();
  }

  function selectEdge(edgeId) {
    const e = EDGE_BY_ID.get(edgeId);
    if (!e) return;
    state.selected = null;
    state.selectedEdge = edgeId;
    applyFilters();
    network.selectEdges([edgeId]);
    highlight(new Set([e.from, e.to]), (x) => x.id === edgeId);
    renderPanel();
  }

  function clearSelection() {
    state.selected = null;
    state.selectedEdge = null;
    network.unselectAll();
    highlight(null);
    applyFilters();
    renderPanel();
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
    $("lang").lang = state.lang === "fa" ? "en" : "fa";
  }

  function setLang(lang) {
    state.lang = lang === "fa" ? "fa" : "en";
    applyLanguage();
    nodes.update(NODES.map((n) => ({ id: n.id, label: label(n.id), title: tooltip(n.id) })));
    edges.update(EDGES.map((e) => ({ id: e.id, label: state.edgeLabels ? edgeLabel(e) : " ", title: edgeLabel(e) })));
    renderLegend();
    renderCounts();
    renderPanel();
    renderResults();
  }

  /* ------------------------------------------------------------------ legend and filters */

  function swatch(group) {
    const g = groupOf[group];
    return el("span", { class: "swatch shape-" + g.shape, style: { background: g.color }, "aria-hidden": "true" });
  }

  function renderLegend() {
    const list = $("legend");
    list.replaceChildren(
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
                  applyFilters();
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
    renderLegend();
    applyFilters();
  }

  /* ------------------------------------------------------------------ search */

  const NAMES = new Map(
    NODES.map((n) => {
      const m = META[n.id];
      const names = [m.label.en, m.label.fa, n.id, n.id.split(":").slice(1).join(":"), ...m.alt.map((a) => a[0])];
      return [n.id, names.map((name) => ({ key: fold(name), words: new Set(String(name).split(/\s+/u).map(fold)) }))];
    }),
  );

  /* (exact, whole word, share of the name covered), as kg.stats.match_score */
  function score(key, name) {
    if (!key || !name.key.includes(key)) return null;
    return [name.key === key ? 1 : 0, name.words.has(key) ? 1 : 0, key.length / name.key.length];
  }
  const better = (a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];

  function search(query) {
    const key = fold(query);
    if (!key) return [];
    const found = [];
    for (const [id, names] of NAMES) {
      let best = null;
      for (const name of names) {
        const s = score(key, name);
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
        el("span", { dir: "auto" }, label(id)),
        el("span", { class: "other", dir: "auto", lang: other }, label(id, other)),
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
    selectNode(id, true);
  }

  /* ------------------------------------------------------------------ panel */

  function nodeButton(id) {
    return el("button", { type: "button", class: "node", on: { click: () => selectNode(id, true) } }, swatch(META[id].group), el("span", { dir: "auto" }, label(id)));
  }

  function valueView(value) {
    if (!value) return "";
    if (value.node && META[value.node]) return nodeButton(value.node);
    if (value.label) return el("span", { dir: "auto" }, value.label[state.lang], " ", el("code", null, value.term));
    if (value.text !== undefined) return el("span", { dir: "auto", lang: value.lang || undefined }, value.text);
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

  const markSpans = (id) => (META[id] ? META[id].men.map(([b, e]) => ({ begin: b, end: e, kind: "mark" })) : []);

  function slipSpans() {
    const spans = [];
    for (const [id, m] of Object.entries(META))
      if (m.slip) for (const [b, e] of m.men) spans.push({ begin: b, end: e, kind: "slip", id, title: label(id) });
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

  function literalsOf(m, props) {
    return m.lit.filter((l) => props.includes(l.prop));
  }

  function pickLang(literals) {
    const here = literals.filter((l) => l.lang === state.lang);
    return here.length ? here : literals;
  }

  const SLIP_PROPS = ["kg:writtenForm", "kg:intendedForm", "kg:reason"];

  function slipBox(id) {
    const m = META[id];
    const kind = m.val.find((v) => v.prop === "kg:slipKind");
    const rows = [
      [t("written"), literalsOf(m, ["kg:writtenForm"]).map((l) => el("span", { class: "fa-text", lang: l.lang }, l.text))],
      [t("intended"), literalsOf(m, ["kg:intendedForm"]).map((l) => el("span", { class: "fa-text", lang: l.lang }, l.text))],
      [t("kind"), kind ? valueView(kind) : ""],
      [t("reason"), pickLang(literalsOf(m, ["kg:reason"])).map((l) => el("span", { dir: "auto", lang: l.lang }, l.text))],
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
    return [el("h3", null, t("relations")), el("dl", { class: "props relations" }, items)];
  }

  function attributesView(m, skip) {
    const byProp = new Map();
    for (const l of m.lit) if (!skip.includes(l.prop)) (byProp.get(l.prop) || byProp.set(l.prop, []).get(l.prop)).push(l);
    const rows = [];
    for (const [prop, literals] of byProp)
      rows.push(el("dt", null, propLabel(prop)), el("dd", null, pickLang(literals).map((l, i) => [i ? " · " : "", el("span", { dir: "auto", lang: /^[a-z]{2}$/.test(l.lang) ? l.lang : undefined }, l.text)])));
    for (const v of m.val) if (!skip.includes(v.prop)) rows.push(el("dt", null, propLabel(v.prop)), el("dd", null, valueView(v)));
    return rows.length ? [el("h3", null, t("attributes")), el("dl", { class: "props" }, rows)] : null;
  }

  function nodeDetails(id) {
    const m = META[id];
    const other = state.lang === "fa" ? "en" : "fa";
    const wd = typeof m.wd === "string" && /^Q[1-9][0-9]*$/.test(m.wd) ? m.wd : null;
    const alt = m.alt.map((a) => a[0]);
    const parts = [
      el("h2", { dir: "auto" }, label(id)),
      el("p", { class: "other", dir: "auto", lang: other }, label(id, other)),
      el(
        "div",
        { class: "chips" },
        el("span", { class: "chip", title: t("class") }, swatch(m.group), classLabel(m.cls)),
        el("span", { class: "chip code", title: t("id") }, id),
        wd ? el("a", { class: "chip", href: "https://www.wikidata.org/wiki/" + wd, target: "_blank", rel: "noopener noreferrer" }, t("wikidata") + " " + wd) : null,
      ),
      alt.length ? el("p", null, el("span", { class: "note" }, t("alsoCalled") + ": "), alt.map((a, i) => [i ? " · " : "", el("span", { dir: "auto" }, a)])) : null,
    ];
    if (m.slip || m.group === "slip") parts.push(slipBox(id));
    for (const slipId of m.slips)
      if (META[slipId])
        parts.push(
          el(
            "div",
            { class: "slip-box" },
            el("h3", null, t("slipsHere")),
            el("p", null, nodeButton(slipId)),
            pickLang(literalsOf(META[slipId], ["kg:reason"])).map((l) => el("p", { dir: "auto", lang: l.lang }, l.text)),
          ),
        );
    parts.push(relationsView(id));
    parts.push(attributesView(m, m.slip || m.group === "slip" ? SLIP_PROPS.concat(["kg:slipKind"]) : []));
    parts.push(el("h3", null, t("inArticle")));
    if (m.men.length) {
      parts.push(sentenceBlocks(markSpans(id), 8));
      parts.push(el("p", null, el("button", { type: "button", class: "link", on: { click: () => showTab("article") } }, t("readArticle"))));
    } else parts.push(el("p", { class: "empty" }, t("noMention")));
    return parts;
  }

  function edgeDetails(edgeId) {
    const e = EDGE_BY_ID.get(edgeId);
    const other = state.lang === "fa" ? "en" : "fa";
    const parts = [
      el("h2", null, t("edge")),
      el("p", null, nodeButton(e.from), " ", el("span", { class: "arrow" }, arrow(edgeLabel(e))), " ", nodeButton(e.to)),
      el("dl", { class: "props" }, el("dt", null, t("property")), el("dd", null, el("span", { dir: "auto" }, edgeLabel(e)), " · ", el("span", { dir: "auto", lang: other }, edgeLabel(e, other)), " ", el("code", null, e.prop))),
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

  function showTab(tab) {
    state.tab = tab;
    renderPanel();
    if (tab === "article") {
      const first = document.querySelector("#article-text mark");
      if (first) first.scrollIntoView({ block: "center" });
    } else $("panel-body").scrollTop = 0;
  }

  function renderPanel() {
    $("tab-details").setAttribute("aria-selected", String(state.tab === "details"));
    $("tab-article").setAttribute("aria-selected", String(state.tab === "article"));
    let parts;
    if (state.tab === "article") parts = articleView();
    else if (state.selected) parts = nodeDetails(state.selected);
    else if (state.selectedEdge) parts = edgeDetails(state.selectedEdge);
    else parts = [el("p", { class: "empty" }, t("empty"))];
    $("panel-body").replaceChildren(...parts.flat(Infinity).filter((p) => p !== null && p !== undefined && p !== false));
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
  $("lang").addEventListener("click", () => setLang(state.lang === "fa" ? "en" : "fa"));
  $("relayout").addEventListener("click", relayout);
  $("all-classes").addEventListener("click", () => setAllGroups(true));
  $("no-classes").addEventListener("click", () => setAllGroups(false));
  $("tab-details").addEventListener("click", () => showTab("details"));
  $("tab-article").addEventListener("click", () => showTab("article"));
  $("hop").addEventListener("change", (ev) => {
    state.hop = ev.target.checked;
    applyFilters();
  });
  $("hops").addEventListener("input", (ev) => {
    const k = parseInt(ev.target.value, 10);
    state.hops = Number.isFinite(k) && k > 0 ? Math.min(k, 6) : 1;
    applyFilters();
  });
  $("edge-labels").addEventListener("change", (ev) => {
    state.edgeLabels = ev.target.checked;
    edges.update(EDGES.map((e) => ({ id: e.id, label: state.edgeLabels ? edgeLabel(e) : " " })));
  });

  const hashLang = /(?:^#|&)lang=(en|fa)\b/.exec(location.hash);
  if (hashLang) state.lang = hashLang[1];
  applyLanguage();
  if (hashLang) setLang(state.lang);
  renderLegend();
  renderCounts();
  renderPanel();

  /* A small handle for tests and for the curious (the console): read-only views and actions. */
  window.kgExplorer = Object.freeze({
    fold,
    search,
    selectNode: (id) => selectNode(id, true),
    selectEdge,
    setLang,
    relayout,
    state: () => ({ lang: state.lang, selected: state.selected, selectedEdge: state.selectedEdge, stabilised: state.stabilised, stabilisedAt: state.stabilisedAt, layoutRuns: state.layoutRuns, animating: state.animating }),
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
