/* Why a query gave no rows, in the reader's words: the one wording of the offline console and the
   static site's SPARQL page. `words` is {t, digits, limits, paramName?}: the page's string lookup (keys of the
   catalogue's [console] domain), its digits, the console's limits, and how its form names a parameter. The engine's own message (English,
   from Oxigraph) is never the sentence: a mistake in the query's syntax is said with its line and column
   and what the engine expected there; any other failure of the engine in a sentence of the page's language,
   with the engine's text beside it for whoever wants it (engineText). */
import { SparqlError } from "./sparql-engine.js";
import { ParamError } from "./sparql-params.js";

/* Oxigraph's syntax errors: "error at LINE:COLUMN: expected one of A, B, [_]" or "… expected A". */
const SYNTAX = /^error at (\d+):(\d+): expected (?:one of )?([\s\S]*)$/;
/* At most this many of the expected words are listed; the engine's text has them all. */
const LISTED = 8;
/* Unicode's left-to-right isolate and its end: a keyword or a bracket keeps its order in a Persian sentence. */
const LRI = "\u2066";
const PDI = "\u2069";

/* A syntax error's line, column and what the engine expected there, as a reader can read it: keywords
   (SELECT, isLITERAL) and quoted punctuation ("(" as "("); the parser's character classes ([_], ['0'..='9'])
   and sentences are left out. null for any other message. */
export function syntaxOf(message) {
  const found = SYNTAX.exec(String(message || ""));
  if (!found) return null;
  const items = [];
  let depth = 0;
  let item = "";
  let quoted = false;
  let escaped = false;
  for (const ch of found[3]) {
    if (escaped) escaped = false;
    else if (quoted && ch === "\\") escaped = true;
    else if (ch === '"') quoted = !quoted;
    else if (!quoted && ch === "[") depth += 1;
    else if (!quoted && ch === "]") depth -= 1;
    if (ch === "," && depth === 0 && !quoted) {
      items.push(item.trim());
      item = "";
    } else item += ch;
  }
  items.push(item.trim());
  const expected = [];
  for (const each of items) {
    if (/^[A-Za-z]+$/.test(each)) expected.push(each);
    else if (/^"(?:[^"\\]|\\.){1,3}"$/.test(each)) expected.push(each.slice(1, -1).replace(/\\(.)/g, "$1"));
  }
  return { line: Number(found[1]), column: Number(found[2]), expected };
}

/* The engine's own message, for the errors a sentence of the page only paraphrases; null for the others. */
export function engineText(error) {
  if (!(error instanceof SparqlError) || !["error", "failed", "crashed"].includes(error.code)) return null;
  return String(error.message || "") || null;
}

export function problemOf(error, words) {
  const { t, digits, limits, paramName } = words;
  if (error instanceof ParamError) {
    const name = paramName ? paramName(error.param || "") : error.param || ""; // as the form names the field
    return t("sparqlParamError", { name, problem: t(`sparqlParam_${error.code}`) });
  }
  if (error instanceof SparqlError) {
    if (error.code === "refused") {
      const p = error.policy;
      return t(`sparqlRefused_${p.code}`, { line: digits(p.line), column: digits(p.column), n: digits({ parts: limits.maxParts, terms: limits.maxTerms }[p.code] ?? limits.maxNesting) });
    }
    if (error.code === "timeout") return t("sparqlTimeout", { s: digits(limits.timeoutMs / 1000) });
    if (error.code === "stopped") return t("sparqlStopped");
    if (error.code === "crashed") return t("sparqlCrashed");
    const syntax = error.code === "error" ? syntaxOf(error.message) : null;
    if (syntax) {
      const where = { line: digits(syntax.line), column: digits(syntax.column) };
      if (!syntax.expected.length) return t("sparqlSyntaxAt", where);
      const shown = syntax.expected.slice(0, LISTED).map((w) => LRI + w + PDI);
      if (syntax.expected.length > LISTED) shown.push(t("sparqlOthers"));
      const expected = shown.length === 1 ? shown[0] : t("sparqlOneOf", { items: shown.slice(0, -1).join(t("sparqlListSep")), last: shown[shown.length - 1] });
      return t("sparqlSyntax", { ...where, expected });
    }
    return t("sparqlEngineError");
  }
  return t("sparqlEngineError");
}
