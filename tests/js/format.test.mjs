// Numbers, dates and interface strings in English and Persian (format.js).
import { test } from "node:test";
import assert from "node:assert/strict";
import { arrow, dirOf, formatCount, formatDate, formatNumber, localDigits, parseDate, translate } from "../../src/kg/templates/explorer/format.js";

test("large numbers get thousands separators, Persian digits and separator in Persian", () => {
  assert.equal(formatNumber("265200000", "en"), "265,200,000");
  assert.equal(formatNumber("265200000", "fa"), "۲۶۵٬۲۰۰٬۰۰۰");
  assert.equal(formatNumber("3000000.5", "en"), "3,000,000.5");
  assert.equal(formatNumber("3000000.5", "fa"), "۳٬۰۰۰٬۰۰۰٫۵");
  assert.equal(formatNumber("-12000", "en"), "-12,000");
  assert.equal(formatNumber("0012345", "en"), "12,345");
});

test("four-digit numbers (years) stay whole, and anything that is not a plain number is left as it is", () => {
  assert.equal(formatNumber("1401", "en"), "1401");
  assert.equal(formatNumber("1401", "fa"), "۱۴۰۱");
  assert.equal(formatNumber("2022-06", "en"), "2022-06");
  assert.equal(formatNumber("1e9", "en"), "1e9");
  assert.equal(formatNumber("Q1234567", "fa"), "Q۱۲۳۴۵۶۷");
  assert.equal(formatCount(8, "fa"), "۸");
  assert.equal(formatCount(12500, "en"), "12,500");
});

test("digits follow the UI's language", () => {
  assert.equal(localDigits("8 of 10", "fa"), "۸ of ۱۰");
  assert.equal(localDigits("8 of 10", "en"), "8 of 10");
});

test("strings are looked up in the UI's language, English when missing, placeholders filled", () => {
  const strings = { en: { rows: "{n} of {total} rows", only: "English" }, fa: { rows: "{n} از {total} سطر" } };
  assert.equal(translate(strings, "fa", "rows", { n: "۳", total: "۸" }), "۳ از ۸ سطر");
  assert.equal(translate(strings, "fa", "only"), "English");
  assert.equal(translate(strings, "en", "missing"), "missing");
  assert.equal(translate(strings, "en", "rows", { n: 1, total: 1 }), "1 of 1 rows");
});

test("directions and arrows follow the language", () => {
  assert.deepEqual([dirOf("fa"), dirOf("en"), dirOf(undefined), dirOf("xsd:date")], ["rtl", "ltr", "auto", "auto"]);
  assert.equal(arrow("party", "en"), "—party→");
  assert.equal(arrow("طرف", "fa"), "—طرف←");
});

test("dates: Gregorian in English, Solar Hijri in Persian, a month given by both ends", () => {
  assert.deepEqual(parseDate("2022-06").precision, "month");
  assert.equal(parseDate("not a date"), null);
  assert.equal(formatDate(parseDate("2022-06-01"), "gregory", "en"), "1 June 2022");
  assert.equal(formatDate(parseDate("2022-06"), "gregory", "en"), "June 2022");
  assert.equal(formatDate(parseDate("2022-06-01"), "persian", "fa"), "۱۱ خرداد ۱۴۰۱");
  assert.equal(formatDate(parseDate("2022-06"), "persian", "fa"), "۱۱ خرداد ۱۴۰۱ – ۹ تیر ۱۴۰۱");
  assert.equal(formatDate(null, "gregory", "en"), "…");
});
