/* The table views' rows: one row per node of a class, each column read from the projection by its spec
   (kg.explore.views.TABLES), filtered by folded text and sorted; and the table as CSV. Pure: a model of
   model.js, the table's spec, the reader's filter and sort, and the UI language come in as arguments. */
import { fold } from "./fold.js";
import { pickLang } from "./model.js";

function uniqueNodes(model, ids, lang) {
  return [...new Set(ids)].filter((id) => model.META[id]).map((id) => ({ text: model.label(id, lang), node: id }));
}

/* The cells of one column for one node: a list of {text, node?, lang?}; `lang` of a typed literal is its
   datatype (as the projection gives it). Texts are raw: the view formats numbers, the CSV keeps them. */
export function cellItems(model, id, col, lang) {
  const { META, OUT, IN, label } = model;
  const m = META[id];
  const outOf = (from, prop) => OUT.get(from).filter((e) => e.prop === prop).map((e) => e.to);
  if (col.kind === "label") return [{ text: label(id, lang), node: id }];
  if (col.kind === "out" || col.kind === "in") {
    const ids = col.kind === "out" ? outOf(id, col.prop) : IN.get(id).filter((e) => e.prop === col.prop).map((e) => e.from);
    return col.count ? [{ text: String(ids.length), lang: "xsd:integer", sortKey: ids.length }] : uniqueNodes(model, ids, lang);
  }
  if (col.kind === "via") {
    const ids = [];
    for (const first of outOf(id, col.props[0])) {
      if ((col.self || []).includes(META[first].group)) ids.push(first);
      else ids.push(...outOf(first, col.props[1]));
    }
    return uniqueNodes(model, ids, lang);
  }
  if (col.kind === "lit") {
    const lits = m.literals.filter((l) => l.prop === col.prop);
    return (col.lang ? lits.filter((l) => l.lang === col.lang) : pickLang(lits, lang)).map((l) => ({ text: l.text, lang: l.lang }));
  }
  if (col.kind === "val")
    return m.values.filter((v) => v.prop === col.prop).map((v) => valueItem(model, v, lang));
  if (col.kind === "claim") {
    const c = m.slip && m.slip[col.which];
    if (!c) return [];
    const part = (v) => (!v ? "" : v.node && META[v.node] ? label(v.node, lang) : v.label ? v.label[lang] : v.text || v.term || "");
    return [{ text: [part(c.subject), model.propLabel(c.property, lang), part(c.object || c.value)].filter(Boolean).join(" — "), lang }];
  }
  return [];
}

/* A value that is not a node's own: a node, a concept by its label, or a factuality cue's words, quoted
   verbatim in Persian whatever the UI's language. */
function valueItem(model, v, lang) {
  if (v.node && model.META[v.node]) return { text: model.label(v.node, lang), node: v.node };
  if (v.kind && v.label) return { text: "«" + v.label.fa + "»", lang: "fa" };
  return { text: v.label ? v.label[lang] : v.term, lang: v.label ? lang : undefined };
}

export const cellText = (items) => items.map((i) => i.text).join("; ");

/* The value a row sorts by in one column: a count, a number, else the folded text. */
function sortValue(items) {
  if (items.length && items[0].sortKey !== undefined) return items[0].sortKey;
  const text = cellText(items);
  const n = Number(text);
  return text !== "" && Number.isFinite(n) ? n : fold(text);
}

/* {rows, shown}: every row of the table's class, and those the filter keeps in the sort's order.
   `view` is {filter: text, sort: {col, dir}} (either may be missing). */
export function tableRows(model, table, view, lang) {
  const ids = model.NODE_IDS.filter((id) => model.META[id].group === table.group);
  const rows = ids.map((id) => ({ id, cells: table.columns.map((col) => cellItems(model, id, col, lang)) }));
  const key = fold((view && view.filter) || "");
  const shown = key ? rows.filter((r) => r.cells.some((items) => items.some((i) => fold(i.text).includes(key)))) : rows.slice();
  const sort = view && view.sort;
  if (sort && sort.col >= 0 && sort.col < table.columns.length) {
    shown.sort((a, b) => {
      const [x, y] = [sortValue(a.cells[sort.col]), sortValue(b.cells[sort.col])];
      const order = typeof x === typeof y ? (x < y ? -1 : x > y ? 1 : 0) : typeof x === "number" ? -1 : 1;
      return order * sort.dir || (a.id < b.id ? -1 : 1);
    });
  }
  return { rows, shown };
}

/* The columns the article leaves empty for some rows: [{col, n, total}] (not those whose emptiness says
   something itself: a statement without cue words is one the article does not hedge) */
export function coverage(table, rows) {
  return table.columns
    .map((col, i) => ({ col, n: rows.filter((r) => r.cells[i].length).length, total: rows.length }))
    .filter(({ col, n, total }) => col.kind !== "label" && !col.optional && n < total);
}

const csvField = (text) => (/[",\r\n]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text);
export const csvLines = (rows) => rows.map((r) => r.map((c) => csvField(String(c))).join(",")).join("\r\n") + "\r\n";

/* The table as shown (filtered, sorted), with labels and raw values; the first column gives the ids. */
export function tableCsv(model, table, view, lang) {
  const { shown } = tableRows(model, table, view, lang);
  return csvLines([["id", ...table.columns.map((c) => c.label[lang])], ...shown.map((r) => [r.id, ...r.cells.map(cellText)])]);
}
