// A library question's parameters in the page: a form value becomes a typed RDF term, written over
// the default of the query's `VALUES ?name { default }` line, never pasted into the text.
//
// The rules of kg.sparql.values (parse_value, n3, prepare), in JavaScript: the same types (iri,
// string, langstring, integer, decimal, boolean, date), the same checks, the same N-Triples
// escaping, and the same slots: a `VALUES ?name { term }` of one variable and one value.

import { tokenize } from "./sparql-policy.js";

const XSD = "http://www.w3.org/2001/XMLSchema#";
// eslint-disable-next-line no-control-regex -- the IRIREF grammar excludes the control characters U+0000-U+0020
const IRI_CHARS = /^[^<>"{}|^`\\\x00-\x20]*$/u;
const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/u;
const LANG_TAG = /^[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*$/u;
const INTEGER = /^[+-]?[0-9]+$/u;
const DECIMAL = /^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$/u;
const PREFIXED = /^(\p{L}[\p{L}\p{N}_.-]*)?:([\p{L}\p{N}_\-.:%/~]*)$/u;

/** A value the form cannot bind: `code` names the rule (the page words it), `value` is what was typed. */
export class ParamError extends Error {
  constructor(code, value, detail = "") {
    super(`${JSON.stringify(value)}: ${code}${detail ? ` (${detail})` : ""}`);
    this.code = code;
    this.value = value;
    this.detail = detail;
  }
}

/** The PREFIX declarations at the start of a query text: {prefix: namespace}. */
export function declaredPrefixes(text) {
  const tokens = tokenize(text);
  const out = {};
  let i = 0;
  while (i < tokens.length && tokens[i].kind === "word" && ["PREFIX", "BASE"].includes(tokens[i].text.toUpperCase())) {
    if (tokens[i].text.toUpperCase() === "PREFIX" && tokens[i + 1]?.kind === "pname" && tokens[i + 2]?.kind === "iri") {
      out[tokens[i + 1].text.slice(0, -1)] = tokens[i + 2].text.slice(1, -1);
      i += 3;
    } else {
      i += 2;
    }
  }
  return out;
}

/** `kgi:kazakhstan` (with `prefixes`) or `<https://...>` as an absolute IRI; a ParamError otherwise. */
export function expandIri(text, prefixes = {}) {
  let iri;
  if (text.startsWith("<") && text.endsWith(">")) {
    iri = text.slice(1, -1);
  } else {
    const match = PREFIXED.exec(text);
    if (!match) throw new ParamError("notIri", text);
    const prefix = match[1] || "";
    if (!Object.hasOwn(prefixes, prefix)) throw new ParamError("unknownPrefix", text, `${prefix}:`);
    iri = prefixes[prefix] + match[2];
  }
  if (!IRI_CHARS.test(iri) || !SCHEME.test(iri)) throw new ParamError("notAbsoluteIri", text);
  return iri;
}

// A number written in groups of three digits, as the pages show one: one separator throughout, a comma
// or the Arabic thousands separator U+066C (kg.sparql.values._GROUPED). "1,5" is no group.
const GROUPED = /^[+-]?[0-9]{1,3}([,\u066c])[0-9]{3}(?:\1[0-9]{3})*(?:\.[0-9]*)?$/u;

function isValidDate(text) {
  if (!/^\d{4}-\d{2}-\d{2}$/u.test(text)) return false;
  const [y, m, d] = text.split("-").map(Number);
  const day = new Date(Date.UTC(y, m - 1, d));
  return y >= 1 && day.getUTCFullYear() === y && day.getUTCMonth() === m - 1 && day.getUTCDate() === d;
}

/**
 * `text` with its Persian (U+06F0-U+06F9) and Arabic-Indic (U+0660-U+0669) digits written 0-9, as
 * kg.text.latin_digits does (the digits of its folding table: tests/js/sparql.test.mjs checks them).
 */
export function latinDigits(text) {
  return text.replace(/[\u0660-\u0669\u06f0-\u06f9]/gu, (d) => String(d.codePointAt(0) & 0xf));
}

/** A form value as an RDF term of `type`: `{type: "uri", value}` or `{type: "literal", value, lang?, datatype?}`. */
export function parseValue(type, text, prefixes = {}) {
  if (["integer", "decimal", "date"].includes(type)) {
    // typed on a Persian keyboard: ۱۲ is 12, ۱٫۵ is 1.5 (kg.sparql.values.parse_value)
    const latin = type === "decimal" ? latinDigits(text).replaceAll("\u066b", ".") : latinDigits(text);
    if (latin !== text) {
      try {
        return parseValue(type, latin, prefixes);
      } catch (error) {
        throw error instanceof ParamError ? new ParamError(error.code, text, error.detail) : error;
      }
    }
  }
  if ((type === "integer" || type === "decimal") && GROUPED.test(text)) {
    // copied from a page: 5,000,000 is 5000000 (kg.sparql.values.parse_value)
    try {
      return parseValue(type, text.replace(/[,\u066c]/gu, ""), prefixes);
    } catch (error) {
      throw error instanceof ParamError ? new ParamError(error.code, text, error.detail) : error;
    }
  }
  switch (type) {
    case "iri":
      return { type: "uri", value: expandIri(text.trim(), prefixes) };
    case "string":
      return { type: "literal", value: text };
    case "langstring": {
      const at = text.lastIndexOf("@");
      const tag = at < 0 ? "" : text.slice(at + 1);
      if (at < 0 || !LANG_TAG.test(tag)) throw new ParamError("notLangString", text);
      return { type: "literal", value: text.slice(0, at), lang: tag.toLowerCase() };
    }
    case "integer":
      if (!INTEGER.test(text)) throw new ParamError("notInteger", text);
      return { type: "literal", value: text, datatype: `${XSD}integer` };
    case "decimal":
      if (!DECIMAL.test(text)) throw new ParamError("notDecimal", text);
      return { type: "literal", value: text, datatype: `${XSD}decimal` };
    case "boolean":
      if (text !== "true" && text !== "false") throw new ParamError("notBoolean", text);
      return { type: "literal", value: text, datatype: `${XSD}boolean` };
    case "date":
      if (!isValidDate(text)) throw new ParamError("notDate", text);
      return { type: "literal", value: text, datatype: `${XSD}date` };
    default:
      throw new ParamError("unknownType", text, type);
  }
}

const ESCAPES = { "\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f" };

/** A term in N-Triples syntax, safe to put into a query: IRIs checked, strings escaped. */
export function termToSparql(term) {
  if (term.type === "uri") {
    if (!IRI_CHARS.test(term.value)) throw new ParamError("notAbsoluteIri", term.value);
    return `<${term.value}>`;
  }
  if (term.type !== "literal") throw new ParamError("notBindable", term.value);
  const body = `"${term.value.replace(/[\\"\n\r\t\b\f]/gu, (c) => ESCAPES[c])}"`;
  if (term.lang) {
    if (!LANG_TAG.test(term.lang)) throw new ParamError("notLangString", term.lang);
    return `${body}@${term.lang}`;
  }
  if (term.datatype && term.datatype !== `${XSD}string`) return `${body}^^${termToSparql({ type: "uri", value: term.datatype })}`;
  return body;
}

/**
 * The `VALUES ?name { term }` lines of `text` (one variable, one value): `[{name, start, end}]`,
 * `start`/`end` the offsets of the term (as kg.sparql.syntax.analyse finds them).
 */
export function findSlots(text) {
  const tokens = tokenize(text);
  const slots = [];
  for (let at = 0; at + 3 < tokens.length; at += 1) {
    if (tokens[at].kind !== "word" || tokens[at].text.toUpperCase() !== "VALUES") continue;
    if (tokens[at + 1].kind !== "var" || tokens[at + 2].text !== "{") continue;
    let close = -1;
    for (let k = at + 3; k < Math.min(at + 8, tokens.length); k += 1) {
      if (tokens[k].text === "}") {
        close = k;
        break;
      }
    }
    if (close <= at + 3) continue;
    const body = tokens.slice(at + 3, close);
    const kinds = body.map((t) => t.kind);
    const single = body.length === 1 && ["iri", "pname", "string", "number", "word"].includes(kinds[0]);
    const tagged = kinds.join() === "string,lang";
    const typed = body.length === 3 && kinds[0] === "string" && body[1].text === "^^" && ["iri", "pname"].includes(kinds[2]);
    const signed = body.length === 2 && ["+", "-"].includes(body[0].text) && kinds[1] === "number";
    if (!(single || tagged || typed || signed)) continue;
    const last = body[body.length - 1];
    slots.push({ name: tokens[at + 1].text.slice(1), start: body[0].start, end: last.start + last.text.length });
  }
  return slots;
}

/**
 * `text` with each parameter's value written over its default: `values` maps a name to the text of
 * a form field, `params` is the question's declared parameters (`[{name, type}]`). An empty field
 * keeps the default. A ParamError (with `.param`) names the field that cannot be bound; a parameter
 * whose VALUES line was edited away is a ParamError "noSlot".
 */
export function bindParams(text, params, values) {
  const prefixes = declaredPrefixes(text);
  const slots = findSlots(text);
  const edits = [];
  for (const param of params) {
    const given = values[param.name];
    if (given === undefined || given === null || given === "") continue;
    const mine = slots.filter((slot) => slot.name === param.name);
    try {
      if (!mine.length) throw new ParamError("noSlot", param.name);
      const term = termToSparql(parseValue(param.type, String(given), prefixes));
      for (const slot of mine) edits.push({ ...slot, term });
    } catch (error) {
      if (error instanceof ParamError) error.param = param.name;
      throw error;
    }
  }
  let out = text;
  for (const edit of edits.sort((a, b) => b.start - a.start)) {
    out = out.slice(0, edit.start) + edit.term + out.slice(edit.end);
  }
  return out;
}
