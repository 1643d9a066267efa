/* The SPARQL console of `kg explore --sparql`: the library's questions as editable queries with their
   parameters as a form, run by the engine in the page (sparql-engine.js), the rows as the explorer's
   table (nodes as buttons that select them in the graph, and so in the article), CSV of the rows.

   The page holds the engine only when it was built with --sparql: three elements, the worker's script
   (#kg-sparql-worker), the engine's wasm and the triples, both gzipped and base64 (#kg-sparql-wasm,
   #kg-sparql-data), and KG.sparql (the limits, the prefixes, the questions). Without them the console
   is absent and `kgExplorer.sparql` says so. */
import { KG, model } from "./data.js";
import { actions, state } from "./state.js";
import { count, digits, el, literalView, t, userText } from "./ui.js";
import { nodeButton } from "./panel.js";
import { download } from "./exporting.js";
import { Engine, SparqlError } from "./sparql-engine.js";
import { bindParams } from "./sparql-params.js";
import { engineText, problemOf as problemText } from "./sparql-messages.js";
import { resultTable, resultsToCsv } from "./sparql-results.js";

const SPARQL = KG.sparql || null;
export const HAS_SPARQL = !!(SPARQL && document.getElementById("kg-sparql-worker"));

const CP = Array.from(KG.text || "");
const SPAN_PREFIX = SPARQL ? SPARQL.prefixes.span : null;
const NODE_BY_IRI = new Map(model.NODE_IDS.map((id) => [model.META[id].iri, id]));
const QUESTIONS = SPARQL ? SPARQL.questions : [];

/* What the console shows: kept here, so that a re-render (a language switch) keeps the reader's work. */
const con = {
  question: QUESTIONS.length ? QUESTIONS[0].name : "",
  text: QUESTIONS.length ? QUESTIONS[0].text : "",
  values: {},
  status: "loading",
  loaded: null,
  readyAt: null,
  running: false,
  outcome: null,
};

let engine = null;

/* The engine; it adopts the worker the page's boot script (templates/sparql-boot.js) started as soon as
   the engine's elements were parsed, so the engine compiles while vis-network and this script load. */
function makeEngine() {
  const text = (id) => document.getElementById(id).textContent.trim();
  const url = URL.createObjectURL(new Blob([document.getElementById("kg-sparql-worker").textContent], { type: "text/javascript" }));
  const made = new Engine(() => new Worker(url), { wasm: text("kg-sparql-wasm"), data: text("kg-sparql-data"), maxNesting: SPARQL.limits.maxNesting, maxParts: SPARQL.limits.maxParts, maxTerms: SPARQL.limits.maxTerms, warmup: QUESTIONS.map((q) => q.text) }, { timeoutMs: SPARQL.limits.timeoutMs, maxRows: SPARQL.limits.maxRows });
  made.adopt(window.kgSparqlBoot);
  return made;
}

/* Start the engine as the page opens (it compiles in the worker, off the page's thread). */
export function startEngine() {
  if (!HAS_SPARQL) return null;
  if (!engine) {
    engine = makeEngine();
    engine.start().then(
      (ready) => {
        con.status = "ready";
        con.loaded = ready;
        con.readyAt = performance.now();
        refresh();
      },
      (error) => {
        con.status = "failed";
        con.loaded = { message: error.message };
        refresh();
      },
    );
  }
  return engine;
}

/* SPARQL 1.1 JSON results of `text` from the page's engine (for scripts: kgExplorer.sparql). */
export function sparql(text, options) {
  if (!HAS_SPARQL) return Promise.reject(new SparqlError("failed", "this page was built without the SPARQL engine (kg explore --sparql)"));
  return startEngine()
    .query(text, options)
    .then((answer) => answer.results);
}

/* The engine's own numbers, for tests and benchmarks (ms; "At" counts from the start of the page's
   load): its state, when the console had it ready (the explorer's own start included), when the
   worker reported it ready, the worker's compile-and-load time, how long its warm-up took (null
   until done), the triples it holds. */
export const sparqlStats = () => ({
  status: con.status,
  readyAt: con.readyAt,
  engineReadyAt: engine ? engine.readyAt : null,
  loadMs: engine ? engine.loadMs : null,
  warmMs: engine ? engine.warmMs : null,
  triples: engine ? engine.triples : null,
});

/* The times of one query (for benchmarks): in the worker, and from the page to the worker and back. */
export function sparqlTimed(text, options) {
  if (!HAS_SPARQL) return sparql(text, options);
  return startEngine()
    .query(text, options)
    .then((answer) => ({ ms: answer.ms, wallMs: answer.wallMs, rows: answer.results.results ? answer.results.results.bindings.length : null }));
}

/* Render the console again, keeping the field the reader is typing in focused, its caret where it was. */
function refresh() {
  if (state.view !== "sparql") return;
  const active = document.activeElement;
  const keep = active && (active.id === "sparql-editor" || active.closest?.(".sparql-params")) ? { id: active.id, name: active.name, start: active.selectionStart, end: active.selectionEnd } : null;
  actions.renderView();
  if (!keep) return;
  const again = keep.id ? document.getElementById(keep.id) : document.querySelector(`.sparql-params input[name="${keep.name}"]`);
  if (again) {
    again.focus();
    if (keep.start !== null && keep.start !== undefined) again.setSelectionRange(keep.start, keep.end);
  }
}

const questionOf = (name) => QUESTIONS.find((q) => q.name === name) || null;

function chooseQuestion(name) {
  const q = questionOf(name);
  con.question = q ? q.name : "";
  if (q) con.text = q.text;
  con.values = {};
  con.outcome = null;
  refresh();
}

/* Values typed in the form; a question's `lang` parameter follows the page's language unless typed. */
function formValues(q) {
  const values = { ...con.values };
  if (q && q.params.some((p) => p.name === "lang") && !values.lang) values.lang = state.lang;
  return values;
}

/* A parameter as the form names it: its description in the UI's language (isolated), else its variable. */
function paramName(name) {
  const q = questionOf(con.question);
  const p = q ? q.params.find((each) => each.name === name) : null;
  const label = p && p.description ? p.description[state.lang] || p.description.en : "";
  return "\u2068" + (label || name) + "\u2069";
}

const problemOf = (error) => problemText(error, { t, digits, limits: SPARQL.limits, paramName });

export function runConsole() {
  if (con.running) return Promise.resolve();
  const q = questionOf(con.question);
  let text;
  try {
    text = q ? bindParams(con.text, q.params, formValues(q)) : con.text;
  } catch (error) {
    con.outcome = { error: problemOf(error), engine: engineText(error) };
    refresh();
    return Promise.resolve();
  }
  con.running = true;
  con.outcome = null;
  refresh();
  return startEngine()
    .query(text)
    .then(
      (answer) => {
        con.outcome = answer;
      },
      (error) => {
        con.outcome = { error: problemOf(error), engine: engineText(error) };
      },
    )
    .finally(() => {
      con.running = false;
      refresh();
    });
}

function stopConsole() {
  if (engine) engine.stop();
}

const context = {
  prefixes: SPARQL ? SPARQL.prefixes : {},
  node: (iri) => {
    const id = NODE_BY_IRI.get(iri);
    return id ? { id, label: model.label(id, state.lang) } : null;
  },
  span: (iri) => {
    if (!SPAN_PREFIX || !iri.startsWith(SPAN_PREFIX)) return null;
    const match = /^(\d+)-(\d+)$/.exec(iri.slice(SPAN_PREFIX.length));
    return match && +match[2] <= CP.length ? [+match[1], +match[2]] : null;
  },
};

function cellView(cell) {
  if (cell.node) return nodeButton(cell.node);
  if (cell.span) {
    const [b, e] = cell.span;
    return el("span", { title: cell.iri }, "«", userText(CP.slice(b, e).join(""), "fa"), "» ", el("code", { class: "note" }, digits(b) + "–" + digits(e)));
  }
  /* a typed literal as the explorer's tables show it (numbers grouped, in the page's digits; dates
     whole), its exact lexical form and datatype in the tooltip (and in the CSV) */
  if (cell.note && !cell.lang) {
    const shown = cell.note === "xsd:boolean" ? el("span", null, t(cell.text === "true" || cell.text === "1" ? "sparqlYes" : "sparqlNo")) : literalView(cell.text, cell.note);
    shown.title = `${cell.text} (${cell.note})`;
    return shown;
  }
  const text = userText(cell.text, cell.lang);
  if (cell.note) text.title = cell.note;
  if (cell.iri) text.title = cell.iri;
  return text;
}

/* A column's name in the page's language from the question's `# column:` lines, else its ?variable. */
function columnText(column) {
  const names = (questionOf(con.question) || {}).columns || {};
  const named = names[column.name] || (column.label && names[column.label]);
  return named && named[state.lang] ? named[state.lang] : "?" + column.name;
}

function columnName(column) {
  const text = columnText(column);
  return text.startsWith("?") ? el("code", null, text) : userText(text, state.lang);
}

function resultsView() {
  const outcome = con.outcome;
  if (con.running) return el("p", { class: "note", id: "sparql-info" }, t("sparqlRunning"));
  if (!outcome) return null;
  if (outcome.error) {
    /* the reader's words; the engine's own message (English) apart, folded */
    const own = outcome.engine ? el("details", { class: "engine-text" }, el("summary", null, t("sparqlEngineText")), el("pre", { lang: "en", dir: "ltr" }, outcome.engine)) : null;
    return el("div", { class: "sparql-error", id: "sparql-error", role: "alert" }, el("p", null, userText(outcome.error, state.lang)), own);
  }
  const table = resultTable(outcome.results, context);
  const info = el("p", { class: "note", id: "sparql-info" }, t("sparqlInfo", { n: count(outcome.results.results ? outcome.results.results.bindings.length : 1), ms: digits(Math.round(outcome.wallMs)) }));
  if (typeof table.boolean === "boolean") return [info, el("p", { class: "sparql-answer" }, t("sparqlAnswer", { answer: t(table.boolean ? "sparqlYes" : "sparqlNo") }))];
  const body = table.rows.length
    ? el(
        "div",
        { class: "table-scroll" },
        el(
          "table",
          { class: "data", id: "sparql-results" },
          el("thead", null, el("tr", null, table.columns.map((c) => el("th", { title: "?" + c.name }, columnName(c))))),
          /* data-label: on a phone each row is a card, each value under its column's name (explorer.css) */
          el("tbody", null, table.rows.map((row) => el("tr", null, row.map((cell, i) => el("td", { "data-label": columnText(table.columns[i]) }, el("div", { class: "cell" }, cellView(cell))))))),
        ),
      )
    : el("p", { class: "empty" }, t("noRows"));
  return [
    info,
    outcome.results.truncated ? el("p", { class: "note" }, t("sparqlTruncated", { n: count(SPARQL.limits.maxRows) })) : null,
    el("div", { class: "table-tools" }, el("button", { type: "button", id: "sparql-csv", on: { click: () => download((con.question || "query").split("-")[0] + ".csv", resultsToCsv(outcome.results), "text/csv") } }, t("csv"))),
    body,
  ];
}

function paramsForm(q) {
  if (!q || !q.params.length) return null;
  return el(
    "fieldset",
    { class: "sparql-params" },
    el("legend", null, t("sparqlParams")),
    q.params.map((p) =>
      el(
        "label",
        { class: "sparql-param" },
        el("code", null, "?" + p.name),
        " ",
        el("input", {
          type: "text",
          name: p.name,
          dir: "auto",
          spellcheck: false,
          value: con.values[p.name] || "",
          placeholder: p.name === "lang" ? state.lang : p.default === "-" ? "" : p.default,
          "data-type": p.type,
          on: {
            input: (ev) => {
              con.values[p.name] = ev.target.value;
            },
            keydown: (ev) => {
              if (ev.key === "Enter") {
                ev.preventDefault();
                runConsole();
              }
            },
          },
        }),
        " ",
        el("span", { class: "note" }, userText(p.description[state.lang] || p.description.en, p.description[state.lang] ? state.lang : "en"), " · ", p.type),
      ),
    ),
  );
}

/* The console's view (the explorer's views call it when the SPARQL tab is chosen). */
export function sparqlView() {
  if (!HAS_SPARQL) return [];
  startEngine();
  const q = questionOf(con.question);
  const picker = el(
    "select",
    { id: "sparql-question", "aria-label": t("sparqlQuestion"), on: { change: (ev) => chooseQuestion(ev.target.value) } },
    el("option", { value: "", selected: !q }, t("sparqlOwn")),
    QUESTIONS.map((item) => el("option", { value: item.name, selected: q && item.name === q.name }, item.name.split("-")[0] + " · " + (item.title[state.lang] || item.title.en))),
  );
  const editor = el("textarea", {
    id: "sparql-editor",
    dir: "ltr",
    lang: "en",
    spellcheck: false,
    rows: 14,
    "aria-label": t("sparqlEditor"),
    value: con.text,
    on: {
      input: (ev) => {
        con.text = ev.target.value;
      },
      keydown: (ev) => {
        if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey)) {
          ev.preventDefault();
          runConsole();
        }
      },
    },
  });
  const status =
    con.status === "ready"
      ? t("sparqlReady", { n: count(con.loaded.triples), s: digits((con.loaded.ms / 1000).toFixed(2)) })
      : con.status === "failed"
        ? t("sparqlFailed", { message: con.loaded.message })
        : t("sparqlLoading");
  return [
    el("div", { class: "table-tools" }, el("label", null, t("sparqlQuestion"), " ", picker), el("span", { class: "note", id: "sparql-status" }, status)),
    q ? el("p", { class: "sparql-question" }, userText(q.question[state.lang] || q.question.en, q.question[state.lang] ? state.lang : "en")) : null,
    paramsForm(q),
    editor,
    el(
      "div",
      { class: "table-tools" },
      el("button", { type: "button", id: "sparql-run", disabled: con.running, on: { click: runConsole } }, t("sparqlRun")),
      el("button", { type: "button", id: "sparql-stop", disabled: !con.running, on: { click: stopConsole } }, t("sparqlStop")),
      q ? el("button", { type: "button", id: "sparql-reset", on: { click: () => chooseQuestion(q.name) } }, t("sparqlReset")) : null,
      el("span", { class: "note" }, t("sparqlHint")),
    ),
    resultsView(),
  ];
}

/* Select the question `name` (the URL's #view=sparql&q=cq04), or the reader's own query when unknown. */
export function openQuestion(name) {
  if (name !== con.question) chooseQuestion(name);
}

export const currentQuestion = () => con.question;

/* The console's last rows as SPARQL 1.1 CSV ("" when it has none), as its CSV button downloads them. */
export const consoleCsv = () => (con.outcome && con.outcome.results ? resultsToCsv(con.outcome.results) : "");
