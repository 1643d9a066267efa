/* Why a query gave no rows, in the reader's words: the one wording of the offline console and the
   static site's SPARQL page. `words` is {t, digits, limits}: the page's string lookup (keys of the
   catalogue's [console] domain), its digits, and the console's limits. */
import { SparqlError } from "./sparql-engine.js";
import { ParamError } from "./sparql-params.js";

export function problemOf(error, words) {
  const { t, digits, limits } = words;
  if (error instanceof ParamError) return t("sparqlParamError", { name: error.param || "", problem: t(`sparqlParam_${error.code}`) });
  if (error instanceof SparqlError) {
    if (error.code === "refused") {
      const p = error.policy;
      return t(`sparqlRefused_${p.code}`, { line: digits(p.line), column: digits(p.column), n: digits({ parts: limits.maxParts, terms: limits.maxTerms }[p.code] ?? limits.maxNesting) });
    }
    if (error.code === "timeout") return t("sparqlTimeout", { s: digits(limits.timeoutMs / 1000) });
    if (error.code === "stopped") return t("sparqlStopped");
    if (error.code === "crashed") return t("sparqlCrashed");
  }
  return t("sparqlError", { message: String(error && error.message ? error.message : error) });
}
