/* The static site's SPARQL page (kg publish: sparql.html): the library's questions run live in the
   browser, and any query, with no server. The engine is the explorer console's (sparql-engine.js,
   a Web Worker running Oxigraph compiled to WebAssembly); here the worker, the engine and the triples
   are files of the site beside this script, fetched once and cached by the browser, never inlined.

   The page's settings (#kg-sparql-settings): the files' paths, the questions, the limits, the
   prefixes, the strings in the page's language, and each resource's page (so that a cell links to
   it). The URL says what to run: sparql.html?q=cq04&speaker=kgi:kassym-jomart-tokayev runs cq04 with
   that speaker when the page opens (a shareable link to a live question), ?text=... a query of one's own. */
import { $, el } from "./dom.js";
import { DATES, NUMERIC, formatCount, formatNumber, localDigits, translate } from "./format.js";
import { Engine, SparqlError } from "./sparql-engine.js";
import { bindParams } from "./sparql-params.js";
import { engineText, problemOf as problemText } from "./sparql-messages.js";
import { resultTable, resultsToCsv } from "./sparql-results.js";

const S = JSON.parse($("kg-sparql-settings").textContent);
const QUESTIONS = S.questions;
const t = (key, values) => translate({ [S.lang]: S.strings }, S.lang, key, values);
const digits = (n) => localDigits(n, S.lang);

const bdi = (text, lang) => el("bdi", { dir: lang === "fa" ? "rtl" : lang === "en" ? "ltr" : "auto", lang: lang || undefined }, text);

let engine = null;
let last = null;

async function fetchBytes(path) {
  const response = await fetch(path);
  if (!response.ok) throw new SparqlError("failed", `${path}: HTTP ${response.status}`);
  return response.arrayBuffer();
}

function startEngine() {
  if (engine) return engine;
  const payload = Promise.all([fetchBytes(S.files.wasm), fetchBytes(S.files.data)]).then(([wasm, data]) => ({ wasm, data, maxNesting: S.limits.maxNesting, maxParts: S.limits.maxParts, maxTerms: S.limits.maxTerms, warmup: QUESTIONS.map((q) => q.text) }));
  engine = new Engine(() => new Worker(S.files.worker), payload, { timeoutMs: S.limits.timeoutMs, maxRows: S.limits.maxRows });
  engine.start().then(
    (ready) => status(t("sparqlReady", { n: formatCount(ready.triples, S.lang), s: formatNumber((ready.ms / 1000).toFixed(2), S.lang) })),
    (error) => status(t("sparqlFailed", { message: location.protocol === "file:" ? S.strings.sparqlFromDisk : error.message })),
  );
  return engine;
}

const status = (text) => $("sparql-status").replaceChildren(text);
const questionOf = (name) => QUESTIONS.find((q) => q.name === name) || null;

function showQuestion(name, values) {
  const q = questionOf(name);
  $("sparql-question").value = q ? q.name : "";
  $("sparql-text").replaceChildren(q ? bdi(q.question[S.lang] || q.question.en, q.question[S.lang] ? S.lang : "en") : "");
  const fields = $("sparql-params");
  fields.hidden = !(q && q.params.length);
  fields.replaceChildren(
    el("legend", null, t("sparqlParams")),
    ...(q ? q.params : []).map((p) =>
      el(
        "label",
        null,
        el("span", { class: "name" }, p.name),
        el("input", { name: p.name, dir: "auto", spellcheck: false, value: (values || {})[p.name] || "", placeholder: p.name === "lang" ? S.lang : p.default === "-" ? "" : p.default, "data-type": p.type }),
        el("span", { class: "description", dir: "auto" }, (S.types[p.type] || p.type) + " — " + (p.description[S.lang] || p.description.en)),
      ),
    ),
  );
  if (q) $("sparql-editor").value = q.text;
}

/* A parameter as the form names it: its description in the page's language (isolated), else its variable. */
function paramName(name) {
  const q = questionOf($("sparql-question").value);
  const p = q ? q.params.find((each) => each.name === name) : null;
  const label = p && p.description ? p.description[S.lang] || p.description.en : "";
  return "\u2068" + (label || name) + "\u2069";
}

const problemOf = (error) => problemText(error, { t, digits, limits: S.limits, paramName });

/* Why the query gave no rows, in the page's language; the engine's own message (English) kept apart, folded. */
function problemView(error) {
  const box = el("div", { class: "error", id: "sparql-error", role: "alert" }, el("p", null, problemOf(error)));
  const own = engineText(error);
  if (own) box.append(el("details", { class: "engine-text" }, el("summary", null, t("sparqlEngineText")), el("pre", { lang: "en", dir: "ltr" }, own)));
  return box;
}

const XSD = "http://www.w3.org/2001/XMLSchema#";

/* A literal as the page's reader reads it, as the explorer's tables write it: numbers grouped in the page's
   digits, booleans as yes/no in its language, dates in its digits; other text isolated in its own language. */
function literalText(term) {
  const type = term.datatype && term.datatype.startsWith(XSD) ? "xsd:" + term.datatype.slice(XSD.length) : "";
  if (NUMERIC.has(type)) return el("bdi", { dir: "ltr" }, formatNumber(term.value, S.lang));
  if (type === "xsd:boolean" && (term.value === "true" || term.value === "false")) return t(term.value === "true" ? "sparqlYes" : "sparqlNo");
  if (DATES.has(type)) return el("bdi", { dir: "ltr" }, localDigits(term.value, S.lang));
  return bdi(term.value, term["xml:lang"]);
}

function cell(term, label) {
  if (!term) return "";
  if (term.type === "uri") {
    const page = S.pages[term.value];
    const text = label ? label.value : page ? page[1] : S.compact(term.value);
    const shown = bdi(text, label ? label["xml:lang"] : page ? S.lang : undefined);
    return page ? el("a", { href: page[0], title: term.value }, shown) : el("span", { title: term.value }, shown);
  }
  if (term.type === "literal") return el("span", { title: term["xml:lang"] ? "@" + term["xml:lang"] : term.datatype || "" }, literalText(term));
  return bdi(term.type === "bnode" ? "_:" + term.value : JSON.stringify(term.value));
}

function show(answer, q) {
  last = answer;
  const results = answer.results;
  const out = $("sparql-results");
  if (typeof results.boolean === "boolean") {
    out.replaceChildren(el("p", null, t("sparqlAnswer", { answer: t(results.boolean ? "sparqlYes" : "sparqlNo") })));
    return;
  }
  const table = resultTable(results, { prefixes: S.prefixes, node: () => null, span: () => null });
  const names = (q && q.columns) || {};
  const head = table.columns.map((c) => {
    const named = names[c.name] || (c.label && names[c.label]);
    return el("th", { title: "?" + c.name }, named && named[S.lang] ? bdi(named[S.lang], S.lang) : "?" + c.name);
  });
  const rows = results.results.bindings.map((b) => el("tr", null, table.columns.map((c) => el("td", null, cell(b[c.name], c.label ? b[c.label] : null)))));
  out.replaceChildren(
    el("p", { class: "links", id: "sparql-info" }, t("sparqlInfo", { n: formatCount(rows.length, S.lang), ms: formatCount(Math.round(answer.wallMs), S.lang) }), " · ", el("a", { href: "#", id: "sparql-csv", onclick: (ev) => (ev.preventDefault(), download()) }, "CSV")),
    results.truncated ? el("p", null, t("sparqlTruncated", { n: formatCount(S.limits.maxRows, S.lang) })) : "", // replaceChildren writes null as "null"
    rows.length ? el("table", { class: "result", id: "sparql-table" }, el("thead", null, el("tr", null, head)), el("tbody", null, rows)) : el("p", null, S.strings.sparqlNoRows),
  );
}

function download() {
  if (!last) return;
  const url = URL.createObjectURL(new Blob(["\ufeff" + resultsToCsv(last.results)], { type: "text/csv;charset=utf-8" }));
  const a = el("a", { href: url, download: ($("sparql-question").value || "query").split("-")[0] + ".csv" });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/* The form's values; a question's `lang` follows the page's language unless typed. */
function values(q) {
  const out = {};
  for (const input of $("sparql-params").querySelectorAll("input")) out[input.name] = input.value;
  if (q && q.params.some((p) => p.name === "lang") && !out.lang) out.lang = S.lang;
  return out;
}

async function run() {
  const q = questionOf($("sparql-question").value);
  let text;
  try {
    text = q ? bindParams($("sparql-editor").value, q.params, values(q)) : $("sparql-editor").value;
  } catch (error) {
    $("sparql-results").replaceChildren(problemView(error));
    return;
  }
  $("sparql-run").disabled = true;
  $("sparql-stop").disabled = false;
  $("sparql-results").replaceChildren(el("p", null, t("sparqlRunning")));
  try {
    show(await startEngine().query(text), q);
  } catch (error) {
    $("sparql-results").replaceChildren(problemView(error));
  } finally {
    $("sparql-run").disabled = false;
    $("sparql-stop").disabled = true;
  }
}

S.compact = (iri) => {
  for (const [prefix, ns] of Object.entries(S.prefixes)) if (iri.startsWith(ns) && /^[\w.-]+$/u.test(iri.slice(ns.length))) return prefix + ":" + iri.slice(ns.length);
  return "<" + iri + ">";
};

$("sparql-question").append(...QUESTIONS.map((q) => el("option", { value: q.name }, q.name.split("-")[0] + " · " + (q.title[S.lang] || q.title.en))));
$("sparql-question").addEventListener("change", (ev) => showQuestion(ev.target.value));
$("sparql-run").addEventListener("click", run);
$("sparql-stop").addEventListener("click", () => engine && engine.stop());
$("sparql-editor").addEventListener("keydown", (ev) => {
  if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey)) {
    ev.preventDefault();
    run();
  }
});
$("sparql-params").addEventListener("keydown", (ev) => {
  if (ev.key === "Enter") {
    ev.preventDefault();
    run();
  }
});

const asked = new URLSearchParams(location.search);
const first = questionOf(asked.get("q") || "") || (asked.get("text") ? null : QUESTIONS[0]);
showQuestion(first ? first.name : "", Object.fromEntries(asked));
if (!first && asked.get("text")) $("sparql-editor").value = asked.get("text");
startEngine();
if (asked.get("q") || asked.get("text")) run();

/* For scripts and tests, as in the explorer: SPARQL 1.1 JSON results from the page's engine. */
window.kgSparql = Object.freeze({
  sparql: (text, options) => startEngine().query(text, options).then((answer) => answer.results),
  stats: () => ({ loadMs: engine ? engine.loadMs : null, warmMs: engine ? engine.warmMs : null, triples: engine ? engine.triples : null }),
});
