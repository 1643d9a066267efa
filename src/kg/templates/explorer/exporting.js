/* What the reader takes away: the table as shown and the selection's relations as CSV, the canvas as PNG. */
import { model } from "./data.js";
import { state } from "./state.js";
import { $, edgeLabel, el, label } from "./ui.js";
import { csvLines, tableCsv } from "./tables.js";

/* The table view on screen as CSV ("" on another view). */
export function currentTableCsv() {
  if (!state.view.startsWith("table:")) return "";
  const group = state.view.slice(6);
  const table = model.kg.tables.find((tb) => tb.group === group);
  return tableCsv(model, table, { filter: state.filter[group], sort: state.sort[group] }, state.lang);
}

/* The selected node's relations as triples: subject, property, object (labels and ids). */
export function selectionCsv() {
  const id = state.selected;
  if (!id) return "";
  const rows = [["subject", "subject_id", "property", "object", "object_id"]];
  for (const e of model.OUT.get(id).concat(model.IN.get(id))) rows.push([label(e.from), e.from, edgeLabel(e), label(e.to), e.to]);
  return csvLines(rows);
}

/* A CSV for people starts with a UTF-8 byte-order mark, so that Excel reads its Persian as UTF-8 (LibreOffice
   reads it either way): the project's one decision for the explorer and the site's CSV downloads
   (the site's question pages do the same); machine CSV (the SPARQL protocol, kg query) has none. */
export function download(name, text, type) {
  const url = text.startsWith("data:") ? text : URL.createObjectURL(new Blob(["\ufeff" + text], { type: type + ";charset=utf-8" }));
  const a = el("a", { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  if (!text.startsWith("data:")) setTimeout(() => URL.revokeObjectURL(url), 0);
}

export const canvasPng = () => $("graph").querySelector("canvas").toDataURL("image/png");
