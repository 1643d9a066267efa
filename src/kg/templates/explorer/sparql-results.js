// SPARQL 1.1 JSON results in the page: as the explorer's table (labels, links to graph nodes and to
// the article's spans), and as SPARQL 1.1 CSV.
//
// A column `?x` with a column `?xLabel` shows as one column, the label linked to x's node, as the
// questions the page computes when it is built (kg.explore's library answers) and `kg query` show them.

const XSD = "http://www.w3.org/2001/XMLSchema#";
const RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString";

/** `iri` as prefix:local with the first matching namespace of `prefixes` ({prefix: namespace}), else `<iri>`. */
export function compactIri(iri, prefixes) {
  let best = null;
  for (const [prefix, ns] of Object.entries(prefixes)) {
    if (iri.startsWith(ns) && (!best || ns.length > best[1].length)) {
      const local = iri.slice(ns.length);
      if (/^[\p{L}\p{N}_][\p{L}\p{N}_.-]*$/u.test(local) && !local.endsWith(".")) best = [prefix, ns];
    }
  }
  return best ? `${best[0]}:${iri.slice(best[1].length)}` : `<${iri}>`;
}

/** The columns shown for `vars`: `[{name, label}]`, `label` the `?xLabel` folded into `?x` (or null). */
export function shownColumns(vars) {
  const names = new Set(vars);
  return vars
    .filter((v) => !(v.endsWith("Label") && names.has(v.slice(0, -"Label".length))))
    .map((v) => ({ name: v, label: names.has(`${v}Label`) ? `${v}Label` : null }));
}

/** A literal's datatype or language, shown as its tooltip: `@fa`, `xsd:integer`, or "". */
export function termNote(term) {
  if (!term || term.type !== "literal") return "";
  if (term["xml:lang"]) return `@${term["xml:lang"]}`;
  const datatype = term.datatype || "";
  if (!datatype || datatype === `${XSD}string` || datatype === RDF_LANG_STRING) return "";
  return datatype.startsWith(XSD) ? `xsd:${datatype.slice(XSD.length)}` : datatype;
}

/**
 * The table of `results` (SPARQL 1.1 JSON) for the page: `{columns, rows, boolean?}`.
 * `context.node(iri)` gives a node of the page `{id, label}` (or null), `context.span(iri)` the
 * article span `[begin, end]` of a mention IRI (or null), `context.prefixes` the namespaces for IRIs
 * that are neither. A cell is `{text, lang?, note?, node?, span?, iri?}`: text to show, its
 * language, its datatype or language tag, the node or span it links to, the IRI it stands for.
 */
export function resultTable(results, context) {
  if (typeof results.boolean === "boolean") return { columns: [], rows: [], boolean: results.boolean };
  const columns = shownColumns(results.head.vars);
  const rows = results.results.bindings.map((binding) =>
    columns.map((column) => cellOf(binding[column.name], column.label ? binding[column.label] : undefined, context)),
  );
  return { columns, rows };
}

function cellOf(term, label, context) {
  if (!term) return { text: "" };
  if (term.type === "uri") {
    const node = context.node(term.value);
    const cell = { text: label ? label.value : node ? node.label : compactIri(term.value, context.prefixes), iri: term.value };
    if (label && label["xml:lang"]) cell.lang = label["xml:lang"];
    if (node) cell.node = node.id;
    const span = context.span(term.value);
    if (span) cell.span = span;
    return cell;
  }
  if (term.type === "bnode") return { text: `_:${term.value}` };
  if (term.type === "triple") return { text: `<< ${["subject", "predicate", "object"].map((k) => cellOf(term.value[k], undefined, context).text).join(" ")} >>` };
  const cell = { text: term.value };
  const note = termNote(term);
  if (term["xml:lang"]) cell.lang = term["xml:lang"];
  if (note) cell.note = note;
  return cell;
}

const csvField = (text) => (/[",\r\n]/u.test(text) ? `"${text.replace(/"/gu, '""')}"` : text);

function csvTerm(term) {
  if (!term) return "";
  if (term.type === "bnode") return `_:${term.value}`;
  if (term.type === "triple") return `<< ${["subject", "predicate", "object"].map((k) => csvTerm(term.value[k])).join(" ")} >>`;
  return term.value;
}

/** `results` (SPARQL 1.1 JSON) as SPARQL 1.1 CSV: a header of the variables, IRIs and lexical forms, CRLF lines. */
export function resultsToCsv(results) {
  if (typeof results.boolean === "boolean") return `_askResult\r\n${results.boolean}\r\n`;
  const vars = results.head.vars;
  const lines = [vars.map(csvField).join(",")];
  for (const binding of results.results.bindings) lines.push(vars.map((v) => csvField(csvTerm(binding[v]))).join(","));
  return `${lines.join("\r\n")}\r\n`;
}

/** The first `maxRows` solutions of `results` (0: all), with `truncated` set when some were left off. */
export function capRows(results, maxRows) {
  if (!results.results || !maxRows || results.results.bindings.length <= maxRows) return results;
  return { ...results, results: { bindings: results.results.bindings.slice(0, maxRows) }, truncated: true };
}
