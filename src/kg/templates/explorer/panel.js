/* The panel: the details of the selected node or edge (labels, class, relations, attributes, the slip
   it makes, the sentences it comes from) and the whole article with the selection's mentions marked.
   Offsets of mentions are Unicode code points, so the article is handled as an array of code points. */
import { KG, model } from "./data.js";
import { actions, state } from "./state.js";
import { $, arrowText, classLabel, count, edgeLabel, el, label, labelLang, labelText, literalView, otherLang, propLabel, swatch, t, userText } from "./ui.js";
import { dirOf } from "./format.js";
import { pickLang } from "./model.js";
import { selectNode } from "./graph.js";

const { META, EDGE_BY_ID, OUT, IN } = model;
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

/* A node as a button that selects it (in the panel, the tables, the questions, the timeline). */
export function nodeButton(id) {
  return el("button", { type: "button", class: "node", "data-id": id, on: { click: () => selectNode(id, true) } }, swatch(META[id].group), labelText(id));
}

export function valueView(value) {
  if (!value) return "";
  if (value.node && META[value.node]) return nodeButton(value.node);
  if (value.label) return [userText(value.label[state.lang], value.label.en === value.label.fa ? undefined : state.lang), " ", el("code", null, value.term)];
  if (value.text !== undefined) return literalView(value.text, value.lang);
  return el("code", null, value.term || "");
}

/* Split [begin, end) into runs by the spans that cover them; neighbouring runs covered alike are joined,
   so that each mark is one stretch of text (overlapping mentions make one mark). */
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
    blocks.push(el("p", null, el("button", { type: "button", class: "link", on: { click: () => showTab("article") } }, t("moreSentences", { n: count(order.length - limit) }))));
  return blocks;
}

function claimView(claim, cls) {
  if (!claim) return null;
  const object = claim.object ? valueView(claim.object) : claim.value ? valueView(claim.value) : "";
  return el("p", { class: cls }, valueView(claim.subject), " ", el("span", { class: "arrow" }, arrowText(propLabel(claim.property))), " ", object);
}

const literalsOf = (m, props) => m.literals.filter((l) => props.includes(l.prop));
const inLang = (literals) => pickLang(literals, state.lang);

const SLIP_PROPS = ["kg:writtenForm", "kg:intendedForm", "kg:reason"];

function slipBox(id) {
  const m = META[id];
  const kind = m.values.find((v) => v.prop === "kg:slipKind");
  const rows = [
    [t("written"), literalsOf(m, ["kg:writtenForm"]).map((l) => el("span", { class: "fa-text", lang: l.lang }, l.text))],
    [t("intended"), literalsOf(m, ["kg:intendedForm"]).map((l) => el("span", { class: "fa-text", lang: l.lang }, l.text))],
    [t("kind"), kind ? valueView(kind) : ""],
    [t("reason"), inLang(literalsOf(m, ["kg:reason"])).map((l) => el("p", { dir: dirOf(l.lang) }, userText(l.text, l.lang)))],
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
    el("h3", null, t("relations"), " ", el("button", { type: "button", class: "link small", on: { click: () => actions.downloadSelection() } }, t("selectionCsv"))),
    el("dl", { class: "props relations" }, items),
  ];
}

function attributesView(m, skip) {
  const byProp = new Map();
  for (const l of m.literals) if (!skip.includes(l.prop)) (byProp.get(l.prop) || byProp.set(l.prop, []).get(l.prop)).push(l);
  const rows = [];
  for (const [prop, literals] of byProp)
    rows.push(el("dt", null, propLabel(prop)), el("dd", null, inLang(literals).map((l, i) => [i ? " · " : "", literalView(l.text, l.lang)])));
  for (const v of m.values) if (!skip.includes(v.prop)) rows.push(el("dt", null, propLabel(v.prop)), el("dd", null, valueView(v)));
  return rows.length ? [el("h3", null, t("attributes")), el("dl", { class: "props" }, rows)] : null;
}

/* How sure a statement is, in which words of the article, and what it is mainly about as against what
   it only touches: first on a statement's panel (the projection's factuality roles, KG.factuality). */
const FACT = KG.factuality || {};
const FACT_VALUES = ["certainty", "polarity", "time", "cues"].map((role) => FACT[role]);

function factualityBox(id) {
  const m = META[id];
  const values = (role) => m.values.filter((v) => v.prop === FACT[role]);
  const ends = (role) => [...new Set(OUT.get(id).filter((e) => e.prop === FACT[role]).map((e) => e.to))];
  const main = ends("main");
  const [certainty] = values("certainty");
  if (!certainty && !main.length) return null;
  const badge = (role) => values(role).map((v) => el("span", { class: "badge " + role, "data-term": v.term }, v.label[state.lang]));
  const cue = (v) =>
    el(
      "li",
      null,
      el("bdi", { class: "cue", lang: "fa", dir: "rtl" }, "«" + v.label.fa + "»"),
      v.kind ? [" ", el("span", { class: "cue-kind" }, v.kind.label[state.lang])] : null,
      v.scope && v.scope[state.lang] ? [" — ", userText(v.scope[state.lang], state.lang)] : null,
    );
  const cues = values("cues");
  const nodes = (ids) => ids.sort((a, b) => (label(a) < label(b) ? -1 : 1)).map((n) => el("div", null, nodeButton(n)));
  const rows = [
    [t("col_certainty"), badge("certainty")],
    [t("col_cue_words"), cues.length ? el("ul", { class: "cues" }, cues.map(cue)) : el("span", { class: "empty" }, t("factNoCue"))],
    [t("col_polarity"), badge("polarity")],
    [t("factTime"), badge("time")],
    [t("col_main_subject"), nodes(main)],
    [t("factTouches"), nodes(ends("touches").filter((n) => !main.includes(n)))],
    [t("factCites"), nodes(ends("cites"))],
  ];
  return el(
    "section",
    { class: "fact-box", "aria-label": t("factuality") },
    el("h3", null, t("factuality")),
    el("dl", { class: "props" }, rows.filter((r) => r[1].length !== 0).map(([k, v]) => [el("dt", null, k), el("dd", null, v)])),
  );
}

function notesView(m) {
  const notes = inLang(literalsOf(m, KG.notes));
  return notes.length ? el("div", { class: "note-box" }, el("h3", null, t("note")), notes.map((l) => el("p", null, userText(l.text, l.lang)))) : null;
}

function nodeDetails(id) {
  const m = META[id];
  const other = otherLang();
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
    factualityBox(id),
    notesView(m),
  ];
  if (isSlip) parts.push(slipBox(id));
  for (const slipId of m.slips)
    if (META[slipId])
      parts.push(el("div", { class: "slip-box" }, el("h3", null, t("slipsHere")), el("p", null, nodeButton(slipId)), inLang(literalsOf(META[slipId], ["kg:reason"])).map((l) => el("p", null, userText(l.text, l.lang)))));
  parts.push(relationsView(id));
  parts.push(attributesView(m, (isSlip ? SLIP_PROPS.concat(["kg:slipKind"]) : []).concat(KG.notes, FACT_VALUES)));
  parts.push(el("h3", null, t("inArticle")));
  if (m.mentions.length) {
    parts.push(sentenceBlocks(markSpans(id), 8));
    parts.push(el("p", null, el("button", { type: "button", class: "link", on: { click: () => showTab("article") } }, t("readArticle"))));
  } else parts.push(el("p", { class: "empty" }, t("noMention")));
  return parts;
}

function edgeDetails(edgeId) {
  const e = EDGE_BY_ID.get(edgeId);
  const other = otherLang();
  const parts = [
    el("h2", { id: "entity-heading" }, t("edge")),
    el("p", null, nodeButton(e.from), " ", el("span", { class: "arrow" }, arrowText(edgeLabel(e))), " ", nodeButton(e.to)),
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
  const note = id ? t("marked", { n: count(marks.length), label: label(id) }) : t("noneMarked");
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

/* After a new selection the panel shows the new entity's heading (Details) or its first mention
   (Article); a language switch keeps the reader's place. */
function scrollPanel() {
  if (state.tab === "article") {
    const first = document.querySelector("#article-text mark");
    if (first) first.scrollIntoView({ block: "center" });
    else $("panel-body").scrollTop = 0;
  } else $("panel-body").scrollTop = 0;
}

export function showTab(tab) {
  state.tab = tab;
  renderPanel(true);
  openSheet(true);
}

/* On a phone the panel is a bottom sheet: a bar with its tabs, opened to show the details. */
export function openSheet(open) {
  document.body.classList.toggle("sheet-open", open);
  $("sheet-toggle").setAttribute("aria-expanded", String(open));
  $("sheet-toggle").setAttribute("aria-label", t(open ? "closeDetails" : "openDetails"));
}
export const sheetOpen = () => document.body.classList.contains("sheet-open");

export function renderPanel(scroll) {
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
