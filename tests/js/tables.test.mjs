// The table views' rows (tables.js): cells read by the column specs, filtered by folded text, sorted
// as numbers or folded text, the empty columns counted, and the CSV as shown with raw values.
import { test } from "node:test";
import assert from "node:assert/strict";
import { buildModel } from "../../src/kg/templates/explorer/model.js";
import { cellText, coverage, tableCsv, tableRows } from "../../src/kg/templates/explorer/tables.js";
import { KG } from "./page-data.mjs";

const model = buildModel(KG);
const [agreements, figures] = KG.tables;
const texts = (rows) => rows.map((r) => r.cells.map(cellText));

test("each row gives the node's label, its kind, its parties and signatories", () => {
  const { rows } = tableRows(model, agreements, {}, "en");
  assert.deepEqual(texts(rows), [
    ["Rail cooperation memorandum", "memorandum of understanding", "Iran; Kazakhstan", "Kassym-Jomart Tokayev"],
    ["Customs agreement", "", "Iran; Kazakhstan", ""],
    ["Visa waiver", "", "", ""],
  ]);
  assert.deepEqual(rows[0].cells[2].map((c) => c.node), ["kgi:iran", "kgi:kazakhstan"]);
  assert.deepEqual(texts(tableRows(model, agreements, {}, "fa").rows)[0].slice(0, 2), ["یادداشت تفاهم همکاری راه‌آهن", "یادداشت تفاهم"]);
});

test("the filter matches folded text in any cell, however it is typed", () => {
  const shown = (filter, lang) => tableRows(model, agreements, { filter }, lang).shown.map((r) => r.id);
  assert.deepEqual(shown("tokayev", "en"), ["agreement:rail"]);
  assert.deepEqual(shown("KAZAKH", "en"), ["agreement:rail", "agreement:customs"]);
  assert.deepEqual(shown("راه آهن", "fa"), ["agreement:rail"]); // a space where the label has a ZWNJ
  assert.deepEqual(shown("قزاقستان", "fa"), ["agreement:rail", "agreement:customs"]);
  assert.deepEqual(shown("nothing like it", "en"), []);
  assert.equal(tableRows(model, agreements, { filter: "rail" }, "en").rows.length, 3); // all rows still counted
});

test("sorting: by folded text either way, numbers as numbers, ties by id", () => {
  const order = (sort, table = agreements) => tableRows(model, table, { sort }, "en").shown.map((r) => r.id);
  assert.deepEqual(order({ col: 0, dir: 1 }), ["agreement:customs", "agreement:rail", "agreement:visa"]);
  assert.deepEqual(order({ col: 0, dir: -1 }), ["agreement:visa", "agreement:rail", "agreement:customs"]);
  assert.deepEqual(order({ col: 1, dir: 1 }, figures), ["figure:transit", "figure:trade"]); // 9000 < 265200000
  assert.deepEqual(order({ col: 9, dir: 1 }), ["agreement:rail", "agreement:customs", "agreement:visa"]); // no such column
});

test("coverage names the columns the article leaves empty for some rows", () => {
  const { rows } = tableRows(model, agreements, {}, "en");
  assert.deepEqual(
    coverage(agreements, rows).map(({ col, n, total }) => [col.label.en, n, total]),
    [
      ["Kind", 1, 3],
      ["Parties", 2, 3],
      ["Signatories", 1, 3],
    ],
  );
});

test("the CSV is the table as shown, with ids, labels in the UI's language and raw numbers", () => {
  assert.equal(tableCsv(model, figures, { sort: { col: 1, dir: -1 } }, "en"), "id,Figure,Value\r\nfigure:trade,Trade in 1400,265200000\r\nfigure:transit,Transit,9000\r\n");
  const persian = tableCsv(model, agreements, { filter: "راه‌آهن" }, "fa").split("\r\n");
  assert.equal(persian[0], "id,سند,نوع,طرف‌ها,امضاکنندگان");
  assert.equal(persian[1], "agreement:rail,یادداشت تفاهم همکاری راه‌آهن,یادداشت تفاهم,ایران; قزاقستان,قاسم‌ژومارت توکایف");
});
