/* Building the page's elements, and the page's texts in the reader's language. Every label, quote and id
   is set as text (textContent, append of a string); nothing is ever parsed as HTML. */
import { KG, model } from "./data.js";
import { state } from "./state.js";
import { DATES, NUMERIC, arrow, dirOf, formatCount, formatNumber, localDigits, translate } from "./format.js";
import { $ as byId, el as element } from "./dom.js";

/* The element helpers of dom.js, for the modules that take everything from here. */
export const $ = byId;
export const el = element;

/* User text, isolated: a <bdi> in the direction of its language (dir=auto if unknown), so that an
   English reason that starts with a Persian word still reads left to right, and a label with U+202E
   cannot reorder what stands next to it. */
export function userText(text, lang, tag) {
  const known = lang === "en" || lang === "fa";
  return el(tag || "bdi", { dir: dirOf(lang), lang: known ? lang : undefined }, text);
}

export const t = (key, values) => translate(KG.i18n, state.lang, key, values);
export const digits = (n) => localDigits(n, state.lang);
export const count = (n) => formatCount(n, state.lang);
export const number = (text) => formatNumber(text, state.lang);
export const arrowText = (text) => arrow(text, state.lang);
export const otherLang = () => (state.lang === "fa" ? "en" : "fa");

export const label = (id, lang) => model.label(id, lang || state.lang);
export const labelLang = (id, lang) => model.labelLang(id, lang || state.lang);
export const labelText = (id, lang) => userText(label(id, lang), labelLang(id, lang));
export const propLabel = (prop, lang) => model.propLabel(prop, lang || state.lang);
export const classLabel = (cls, lang) => model.classLabel(cls, lang || state.lang);
export const edgeLabel = (edge, lang) => model.edgeLabel(edge, lang || state.lang);

/* A literal: a number with separators in the UI's digits, a date whole, any other text isolated in its
   language (`lang` is a language tag, or the datatype of a typed literal). */
export function literalView(text, lang) {
  if (NUMERIC.has(lang)) return el("bdi", { class: "value", dir: "ltr" }, number(text));
  if (DATES.has(lang)) return el("bdi", { class: "value", dir: "ltr" }, text);
  return userText(text, lang);
}

export function swatch(group) {
  const g = model.groupOf[group];
  return el("span", { class: "swatch shape-" + g.shape, style: { background: g.color }, "aria-hidden": "true" });
}
