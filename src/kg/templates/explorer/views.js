/* The views beside the network: a table per main class, the library's questions, the timeline; the view
   tabs, and switching between views. */
import { KG, model } from "./data.js";
import { actions, state } from "./state.js";
import { $, count, el, label, literalView, propLabel, t, userText } from "./ui.js";
import { formatDate, parseDate } from "./format.js";
import { coverage, tableRows } from "./tables.js";
import { currentTableCsv, download } from "./exporting.js";
import { nodeButton } from "./panel.js";
import { HAS_SPARQL, openQuestion, sparqlView } from "./sparql-console.js";

const { META, groupOf } = model;
const TABLES = Object.fromEntries(KG.tables.map((tb) => [tb.group, tb]));
export const VIEWS = ["network", ...KG.tables.map((tb) => "table:" + tb.group), "questions", "timeline", ...(HAS_SPARQL ? ["sparql"] : [])];

function viewTitle(view) {
  if (view.startsWith("table:")) {
    const g = groupOf[view.slice(6)];
    return g.label[state.lang] + " (" + count(g.count) + ")";
  }
  return t(view);
}

export function renderViewTabs() {
  $("views").replaceChildren(
    ...VIEWS.map((view) =>
      el("button", { type: "button", role: "tab", "data-view": view, "aria-selected": String(state.view === view), on: { click: () => setView(view) } }, viewTitle(view)),
    ),
  );
}

export function setView(view) {
  const before = state.view;
  state.view = VIEWS.includes(view) ? view : "network";
  document.body.dataset.view = state.view === "network" ? "network" : "other";
  $("table-view").hidden = state.view === "network";
  renderViewTabs();
  renderView();
  if (state.view === "network" && before !== "network") actions.networkShown(); /* its size may have changed meanwhile */
  actions.writeHash();
}

export function renderView() {
  const box = $("table-view");
  if (state.view === "network") return box.replaceChildren();
  const parts = state.view.startsWith("table:")
    ? tableView(TABLES[state.view.slice(6)])
    : state.view === "questions"
      ? questionsView()
      : state.view === "sparql"
        ? sparqlView()
        : timelineView();
  box.replaceChildren(...parts.flat(Infinity).filter((p) => p !== null && p !== undefined && p !== false));
  markTableRow();
}

/* One value of a cell: a node as its button, a number with separators, any other text isolated. */
const cellView = (item) => (item.node ? nodeButton(item.node) : literalView(item.text, item.lang));

/* A cell under its column's name (a phone shows each row as a card, the name before the value). */
const cell = (name, ...content) => el("td", { "data-label": name }, el("div", { class: "cell" }, ...content));

function tableView(table) {
  const view = { filter: state.filter[table.group], sort: state.sort[table.group] };
  const { rows, shown } = tableRows(model, table, view, state.lang);
  const sort = view.sort;
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
              actions.writeHash();
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
      r.cells.map((items, i) => cell(table.columns[i].label[state.lang], items.map((item) => el("div", null, cellView(item))))),
    ),
  );
  /* columns the article leaves empty for some rows say so: "Signatories: given in the article for 1 of the 8 agreements." */
  const notes = coverage(table, rows).map(({ col, n, total }) =>
    el("p", { class: "coverage" }, t("coverage", { column: col.label[state.lang], n: count(n), total: count(total), rows: table.rows[state.lang] })),
  );
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
        actions.writeHash();
      },
    },
  });
  return [
    el(
      "div",
      { class: "table-tools" },
      filter,
      el("span", { class: "note", id: "row-count" }, t("rows", { n: count(shown.length), total: count(rows.length) })),
      el("button", { type: "button", id: "csv", on: { click: () => download(table.group + ".csv", currentTableCsv(), "text/csv") } }, t("csv")),
    ),
    notes,
    el("div", { class: "table-scroll" }, el("table", { class: "data", "data-group": table.group }, el("thead", null, el("tr", null, head)), el("tbody", null, body))),
  ];
}

export function markTableRow() {
  for (const row of document.querySelectorAll("#table-view tr[data-id]")) {
    const on = row.dataset.id === state.selected;
    row.setAttribute("aria-selected", String(on));
    if (on) row.scrollIntoView({ block: "nearest" });
  }
}

/* A question's answer as a table (built when the reader opens the question: the view holds some 70
   questions, whose answers are thousands of elements a phone would build for nothing). */
function answerTable(answer) {
  return el(
    "div",
    { class: "table-scroll" },
    el(
      "table",
      { class: "data" },
      el("thead", null, el("tr", null, answer.vars.map((v) => el("th", null, el("code", null, "?" + v))))),
      el("tbody", null, answer.rows.map((row) => el("tr", null, row.map((value, i) => cell("?" + answer.vars[i], value.node && META[value.node] ? nodeButton(value.node) : userText(value.text, value.lang)))))),
    ),
  );
}

/* A closed question's answer as its words only: one element, a line a row, so that the browser's find in
   page finds an answer in a closed question (Chromium opens the <details> on a match) without the table's
   thousands of elements; the table takes its place when the question opens. */
export function answerText(answer, labelOf) {
  return answer.rows.map((row) => row.map((value) => (value.node && META[value.node] ? labelOf(value.node) : value.text)).join(" · ")).join("\n");
}

function questionsView() {
  return KG.questions.map((q) => {
    const answer = q.answers[state.lang] || {};
    let body = null;
    let table = null;
    if (answer.error) body = el("p", { class: "empty" }, t("noAnswer"));
    else if (!answer.rows.length) body = el("p", { class: "empty" }, t("noRows"));
    else {
      body = el("div", { class: "answer-text", dir: "auto" }, answerText(answer, (id) => label(id)));
      table = () => answerTable(answer);
    }
    const question = q.question[state.lang] || q.question.en || q.title;
    const summary = el("summary", null, el("code", null, q.name.split("-")[0]), " ", userText(question, q.question[state.lang] ? state.lang : undefined), " ", el("span", { class: "note" }, answer.rows ? t("rows", { n: count(answer.rows.length), total: count(answer.rows.length) }) : ""));
    const fill = (ev) => {
      if (!ev.target.open || !table) return;
      body.replaceWith(table());
      table = null;
    };
    return el(
      "details",
      { class: "question", "data-name": q.name, on: { toggle: fill } },
      summary,
      body,
      answer.truncated ? el("p", { class: "note" }, t("truncated", { n: count(answer.rows.length) })) : null,
      /* with the SPARQL console (kg explore --sparql): this question, editable, with its parameters */
      HAS_SPARQL ? el("p", null, el("button", { type: "button", class: "link", "data-sparql": q.name, on: { click: () => (openQuestion(q.name), setView("sparql")) } }, t("sparqlOpen"))) : null,
    );
  });
}

function timelineView() {
  const entries = KG.timeline.filter((e) => META[e.node]);
  const times = entries.flatMap((e) => [parseDate(e.start), parseDate(e.end)]).filter(Boolean).map((p) => p.date.getTime());
  const lo = Math.min(...times);
  const hi = Math.max(...times);
  const span = hi - lo || 1;
  const side = state.lang === "fa" ? "right" : "left";
  /* each date whole on its line (a value never breaks inside); a range may break between its ends */
  const date = (parsed, calendar) =>
    formatDate(parsed, calendar, state.lang)
      .split(" – ")
      .map((part, i) => [i ? " – " : "", el("span", { class: "value" }, part)]);
  return [
    el(
      "ol",
      { class: "timeline" },
      entries.map((e) => {
        const [a, b] = [parseDate(e.start), parseDate(e.end)];
        const from = (a || b).date.getTime();
        const to = (b || a).date.getTime();
        const dates = (cal) => [date(a, cal), b ? [" – ", date(b, cal)] : null];
        return el(
          "li",
          { "data-id": e.node },
          el(
            "div",
            { class: "when" },
            state.lang === "fa"
              ? [el("bdi", { dir: "rtl", lang: "fa" }, dates("persian")), el("br"), el("span", { class: "note" }, t("gregorian") + ": ", el("bdi", { dir: "rtl", lang: "fa" }, dates("gregory")))]
              : el("bdi", { dir: "ltr", lang: "en" }, dates("gregory")),
          ),
          el("div", { class: "what" }, nodeButton(e.node), el("span", { class: "note" }, " · " + propLabel(e.prop))),
          el("div", { class: "axis" }, el("span", { class: "bar", style: { [side]: Math.min(99, (100 * (from - lo)) / span).toFixed(2) + "%", width: Math.max(1, (100 * (to - from)) / span).toFixed(2) + "%" } })),
        );
      }),
    ),
  ];
}
