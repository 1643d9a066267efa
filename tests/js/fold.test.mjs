// The explorer's folding (fold.js, its table generated from kg.text) gives Python's kg.text.fold
// on Persian, Arabic and Latin texts with ZWNJ, diacritics, digits and spaces of other scripts.
// fold-cases.json holds Python's outputs (tests/test_fold_table.py keeps them Python's).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fold } from "../../src/kg/templates/explorer/fold.js";

const cases = JSON.parse(readFileSync(new URL("./fold-cases.json", import.meta.url), "utf-8"));

test("the script folds every sample exactly as kg.text.fold", () => {
  assert.ok(cases.length >= 20);
  for (const { text, folded } of cases) assert.equal(fold(text), folded, JSON.stringify(text));
});

test("spelling variants of one name fold to one key", () => {
  assert.equal(fold("توكايف"), fold("توکایف")); // Arabic kaf and yeh
  assert.equal(fold("رئیس‌جمهور"), fold("رئیس جمهور")); // ZWNJ or a space
  assert.equal(fold("رئیس‌جمهور"), fold("رییسجمهور")); // yeh for yeh with hamza, no ZWNJ
  assert.equal(fold("۱۴۰۱"), "1401"); // Persian digits
  assert.equal(fold("١٤٠١"), "1401"); // Arabic-Indic digits
  assert.equal(fold("قَزاقِستان"), fold("قزاقستان")); // diacritics
  assert.equal(fold("Nicolás MADURO"), "nicolasmaduro");
  assert.equal(fold("هیأت"), fold("هیئت")); // the hamza after a yeh (the article writes هیأت)
  assert.equal(fold("هیات"), fold("هیئت"));
  assert.equal(fold("مسؤول"), fold("مسئول")); // the hamza before a waw
  assert.equal(fold("رئیس"), fold("رییس")); // elsewhere a yeh
  assert.equal(fold("Kazakhstan’s"), fold("Kazakhstan's")); // a phone's curly apostrophe
});

test("different words keep different keys", () => {
  assert.notEqual(fold("ترکمنستان"), fold("تاجیکستان"));
  assert.notEqual(fold("Emir"), fold("Temir"));
  assert.notEqual(fold("رئیس"), fold("رایس"));
});
