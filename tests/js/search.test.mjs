// Finding entities by name (search.js): labels in both languages, alternative names, transliterations,
// whole Latin words, Persian however it is typed, and classes as weak names.
import { test } from "node:test";
import assert from "node:assert/strict";
import { buildModel } from "../../src/kg/templates/explorer/model.js";
import { buildNames, searchNames, skeleton } from "../../src/kg/templates/explorer/search.js";
import { KG } from "./page-data.mjs";

const names = buildNames(buildModel(KG));
const find = (text) => searchNames(names, text);

test("a name typed with Arabic letters, without its ZWNJ, or in another script finds the node first", () => {
  assert.equal(find("توكايف")[0], "kgi:kassym-jomart-tokayev"); // Arabic kaf and yeh
  assert.equal(find("قاسم ژومارت")[0], "kgi:kassym-jomart-tokayev"); // space for ZWNJ
  assert.equal(find("Tokayev")[0], "kgi:kassym-jomart-tokayev");
  assert.equal(find("tokaev")[0], "kgi:kassym-jomart-tokayev"); // a transliteration
  assert.equal(find("Qazaqstan")[0], "kgi:kazakhstan"); // an alternative label
  assert.equal(find("kgi:iran")[0], "kgi:iran"); // the id
});

test("Latin words match from their start, and classes and kinds are weaker names", () => {
  assert.deepEqual(find("ran"), []); // not inside "Iran"
  assert.equal(find("memorandum")[0], "agreement:rail");
  assert.deepEqual(new Set(find("agreement")), new Set(["agreement:rail", "agreement:customs", "agreement:visa"]));
  assert.deepEqual(find("person"), ["kgi:kassym-jomart-tokayev"]); // by its class only
  assert.deepEqual(find("کشور"), ["kgi:iran", "kgi:kazakhstan"]); // a class in Persian; ties by id
  assert.deepEqual(find("  "), []);
  assert.deepEqual(find("—"), []);
});

test("the transliteration skeleton folds vowels and spellings of one sound", () => {
  assert.equal(skeleton("berdymukhamedov"), skeleton("berdimuhamedow"));
  assert.equal(skeleton("tokaev"), skeleton("tokayev"));
  assert.notEqual(skeleton("temir"), skeleton("emir"));
});
