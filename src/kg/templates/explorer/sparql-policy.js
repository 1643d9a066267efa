// The query policy of `kg query`, for the page's SPARQL engine: what a query may not do, decided on its tokens.
//
// The same rule as kg.sparql.policy.check_policy for Oxigraph (the engine in the page is Oxigraph too):
// SPARQL Update is refused, and so are SERVICE and FROM / FROM NAMED. Oxigraph matches keywords
// without a word boundary (`SERVICEab:x` is `SERVICE` and `ab:x` to it), so any bare word or
// prefixed name that starts with SERVICE or FROM, in any case, as written or with \u escapes
// expanded, is refused; brackets may nest at most `maxNesting` levels (an operator chained in an
// expression or a path counting as one more), a query may chain at most `maxParts` parts (BIND, OPTIONAL,
// MINUS, UNION, VALUES, GRAPH, FILTER, groups side by side, SELECT expressions, DESCRIBE resources), and its triple patterns may hold at most `maxTerms`
// terms (kg.limits.MAX_QUERY_PATTERN_TERMS). The worker checks every query with this before it runs; the
// page's engine has no network in any case.

// One token of the text: whitespace, a comment, an IRI, a string, a variable, a blank node, a
// prefixed name, a language tag, a bare word, a number or one punctuation mark (the tokenizer of
// kg.sparql.syntax, in JavaScript's regular expressions).
const ESC = String.raw`\\[_~.\-!$&'()*+,;=/?#@%]`;
const PN_LOCAL_CHAR = String.raw`(?:[\p{L}\p{N}_:\-\u00B7]|%[0-9A-Fa-f]{2}|${ESC})`;
/* eslint-disable no-misleading-character-class -- SPARQL's VARNAME allows the combining marks U+0300-U+036F */
const TOKEN = new RegExp(
  [
    String.raw`(?<ws>\s+)`,
    String.raw`(?<comment>#[^\n\r]*)`,
    String.raw`(?<iri><(?:[^<>"{}|^\x60\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>)`,
    String.raw`(?<string>'''(?:[^'\\]|\\[\s\S]|'(?!''))*'''|"""(?:[^"\\]|\\[\s\S]|"(?!""))*"""|'(?:[^'\\\n\r]|\\[\s\S])*'|"(?:[^"\\\n\r]|\\[\s\S])*")`,
    String.raw`(?<var>[?$][\p{L}\p{N}_\u00B7\u0300-\u036F\u203F-\u2040]+)`,
    String.raw`(?<bnode>_:[\p{L}\p{N}_](?:[\p{L}\p{N}_.\-\u00B7]*[\p{L}\p{N}_\-\u00B7])?)`,
    String.raw`(?<pname>(?:\p{L}(?:[\p{L}\p{N}_.\-\u00B7]*[\p{L}\p{N}_\-\u00B7])?)?:(?:(?:[\p{L}\p{N}_:]|%[0-9A-Fa-f]{2}|${ESC})(?:(?:${PN_LOCAL_CHAR}|\.)*${PN_LOCAL_CHAR})?)?)`,
    String.raw`(?<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)`,
    String.raw`(?<word>[A-Za-z_][A-Za-z0-9_]*)`,
    String.raw`(?<number>[0-9]+(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?|\.[0-9]+(?:[eE][+-]?[0-9]+)?)`,
    String.raw`(?<punct>\^\^|\|\||&&|!=|<=|>=|[\s\S])`,
  ].join("|"),
  "guy",
);
/* eslint-enable no-misleading-character-class */

const UPDATE_WORDS = new Set(["INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"]);
// Words that are Update only at the start of a request (elsewhere they are names: ?x kg:add, WITH inside a name).
const UPDATE_ONLY_FIRST = new Set(["WITH", "ADD", "COPY", "MOVE", "CREATE"]);

/** The tokens of `text` without whitespace and comments: `{kind, text, start}`, `start` in UTF-16 units. */
export function tokenize(text) {
  const tokens = [];
  TOKEN.lastIndex = 0;
  let match;
  while (TOKEN.lastIndex < text.length && (match = TOKEN.exec(text)) !== null) {
    const kind = Object.keys(match.groups).find((name) => match.groups[name] !== undefined) || "punct";
    if (kind !== "ws" && kind !== "comment") tokens.push({ kind, text: match[0], start: match.index });
  }
  return tokens;
}

/** 1-based line and column (in code points) of the UTF-16 `offset` in `text`. */
export function position(text, offset) {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  const column = Array.from(before.slice(before.lastIndexOf("\n") + 1)).length + 1;
  return { line, column };
}

/** The query's form (SELECT, ASK, CONSTRUCT, DESCRIBE, an update word, or "") and where it is. */
export function queryForm(tokens) {
  let i = 0;
  while (i < tokens.length && tokens[i].kind === "word" && ["PREFIX", "BASE"].includes(tokens[i].text.toUpperCase())) {
    i += tokens[i].text.toUpperCase() === "PREFIX" ? 3 : 2;
  }
  const first = tokens[i];
  return first && first.kind === "word" ? { form: first.text.toUpperCase(), at: first.start } : { form: "", at: 0 };
}

// `text` with \uXXXX and \UXXXXXXXX escapes expanded (as a SPARQL parser reads them), and each character's origin.
function expandEscapes(text) {
  let out = "";
  const origin = [];
  let last = 0;
  for (const match of text.matchAll(/\\u([0-9a-f]{4}(?:[0-9a-f]{4})?)/giu)) {
    const code = parseInt(match[1], 16);
    if (code > 0x10ffff) continue;
    out += text.slice(last, match.index);
    for (let k = last; k < match.index; k += 1) origin.push(k);
    const char = String.fromCodePoint(code);
    out += char;
    for (let k = 0; k < char.length; k += 1) origin.push(match.index);
    last = match.index + match[0].length;
  }
  out += text.slice(last);
  for (let k = last; k < text.length; k += 1) origin.push(k);
  return { expanded: out, origin };
}

// Operators of expressions and property paths (kg.sparql.policy._OPERATORS): each chained link is a level.
const OPERATORS = new Set(["||", "&&", "=", "!=", "<", ">", "<=", ">=", "+", "-", "*", "/", "!", "|", "^"]);

// The offset of the bracket or operator that nests one level deeper than `max`, or -1: a level is a
// bracket inside another, or an operator chained to the ones before it within the same bracket; a
// "," ";" or "." ends a chain and a VALUES block's signs are data (kg.sparql.policy._too_deep).
// Brackets inside an IRI token count too: `?a<((...))>?b` is an IRI to the tokenizer but a comparison
// to Oxigraph.
function tooDeep(tokens, max) {
  let depth = 0;
  const chained = [0];
  let data = 0; // brackets open inside a VALUES block: its numbers' signs are data
  let valuesNext = false;
  const total = () => depth + chained.reduce((a, b) => a + b, 0);
  for (const token of tokens) {
    if (token.kind === "word" && token.text.toUpperCase() === "VALUES") valuesNext = true;
    if (token.kind === "punct" && OPERATORS.has(token.text)) {
      if (depth > 0 && !data) chained[chained.length - 1] += 1; // outside every bracket: SELECT *
      if (total() > max) return token.start;
      continue;
    }
    if (token.kind === "punct" && ",;.".includes(token.text)) chained[chained.length - 1] = 0; // a chain ends
    if (token.kind !== "punct" && token.kind !== "iri") continue;
    for (let k = 0; k < token.text.length; k += 1) {
      const char = token.text[k];
      if ("{([".includes(char)) {
        depth += 1;
        chained.push(0);
        if (data || (char === "{" && valuesNext)) {
          data += 1;
          valuesNext = false;
        }
        if (total() > max) return token.start + k;
      } else if ("})]".includes(char) && depth > 0) {
        depth -= 1;
        chained.pop();
        data = Math.max(0, data - 1);
      }
    }
  }
  return -1;
}

// The words that each add a level to the algebra Oxigraph plans (kg.sparql.policy._PART_WORDS).
const PART_WORDS = new Set(["BIND", "OPTIONAL", "MINUS", "UNION", "VALUES", "GRAPH"]);

// The offset of the part one past `max` (a part word, a group right after another, a FILTER after another
// in its group, an AS of a SELECT clause's expression, a resource to DESCRIBE), or -1.
function tooManyParts(tokens, max) {
  let parts = 0;
  let previous = "";
  let binding = false; // a BIND's AS is its part already
  let describing = false; // a DESCRIBE's resources run to its group
  const filters = [0]; // FILTERs so far in each open group: the second and later chain its conjunction
  for (const token of tokens) {
    const name = token.kind === "word" ? token.text.toUpperCase() : "";
    const chained = name === "FILTER" && filters[filters.length - 1] > 0;
    if (name === "FILTER") filters[filters.length - 1] += 1;
    else if (token.kind === "punct" && token.text === "{") filters.push(0);
    else if (token.kind === "punct" && token.text === "}" && filters.length > 1) filters.pop();
    if (name === "WHERE" || name === "FROM" || token.text === "{") describing = false;
    const expression = name === "AS" && !binding;
    const resource = describing && (token.kind === "iri" || token.kind === "pname" || token.kind === "var");
    if (PART_WORDS.has(name) || chained || expression || resource || (token.kind === "punct" && token.text === "{" && previous === "}")) {
      parts += 1;
      if (parts > max) return token.start;
    }
    if (name === "BIND") binding = true;
    else if (name === "AS") binding = false;
    else if (name === "DESCRIBE") describing = true;
    previous = token.kind === "punct" ? token.text : "";
  }
  return -1;
}

// The triple patterns' terms (kg.sparql.policy._too_many_pattern_terms): what counts, by the bracket a
// token stands in.
const TERM_KINDS = new Set(["var", "iri", "pname", "string", "number", "bnode"]);
const CLAUSE_WORDS = new Set(["SELECT", "GROUP", "ORDER", "HAVING", "LIMIT", "OFFSET"]);
const NAMING_WORDS = new Set(["GRAPH", "SERVICE", "SILENT", "FILTER"]);
const PATTERN_CONTEXTS = new Set(["group", "blank", "collection"]);
// The abbreviations that repeat terms of the pattern before: ";" its subject, "," its subject and predicate.
const REUSING = { ";": 1, ",": 2 };

// True when the "(" `token`, within a group, opens an expression: after FILTER, BIND or another word
// (a function's name), or after a function's IRI right after FILTER (`FILTER <f>(?x)`).
function opensExpression(token, previous, before) {
  if (token.text !== "(" || !previous) return false;
  if (previous.kind === "word") return previous.text !== "a";
  return (previous.kind === "iri" || previous.kind === "pname") && Boolean(before) && before.text.toUpperCase() === "FILTER";
}

// The offset of the triple patterns' term one past `max`, or -1.
function tooManyTerms(tokens, max) {
  let terms = 0;
  const stack = [];
  let clause = false;
  let dataNext = false;
  let previous = null;
  let before = null;
  for (const token of tokens) {
    const top = stack.length ? stack[stack.length - 1] : "";
    const inPattern = PATTERN_CONTEXTS.has(top) && !clause;
    const word = token.kind === "word" ? token.text.toUpperCase() : "";
    const named = Boolean(previous) && NAMING_WORDS.has(previous.text.toUpperCase());
    if (word === "VALUES" || word === "CONSTRUCT") dataNext = true;
    else if (word === "WHERE") clause = dataNext = false;
    else if (CLAUSE_WORDS.has(word)) clause = true;
    let weight = 0;
    if (token.kind === "punct" && "{([".includes(token.text)) {
      let context;
      if (token.text === "{") {
        context = dataNext || top === "data" ? "data" : "group";
        clause = dataNext = false;
      } else if (inPattern && !opensExpression(token, previous, before)) {
        context = token.text === "[" ? "blank" : "collection";
        weight = 1;
      } else {
        context = top === "data" ? "data" : "expression";
      }
      stack.push(context);
    } else if (token.kind === "punct" && "})]".includes(token.text)) {
      stack.pop();
      clause = clause && token.text !== "}";
    } else if (inPattern && token.kind === "punct" && token.text in REUSING) {
      weight = REUSING[token.text];
    } else if (inPattern && !dataNext && !named && (TERM_KINDS.has(token.kind) || ["A", "TRUE", "FALSE"].includes(word))) {
      weight = top === "collection" ? 2 : 1;
    }
    terms += weight;
    if (terms > max) return token.start;
    before = previous;
    previous = token;
  }
  return -1;
}

/**
 * Why `text` may not run, or null: `{code, word, offset, line, column}` where `code` is one of
 * "nesting", "parts", "terms", "update", "service", "from" (the page words each in its language).
 */
export function checkPolicy(text, { maxNesting = 1000, maxParts = 500, maxTerms = 128 } = {}) {
  const tokens = tokenize(text);
  const refuse = (code, offset, word = "") => ({ code, word, offset, ...position(text, offset) });
  const deep = tooDeep(tokens, maxNesting);
  if (deep >= 0) return refuse("nesting", deep);
  const long = tooManyParts(tokens, maxParts);
  if (long >= 0) return refuse("parts", long);
  const wide = tooManyTerms(tokens, maxTerms);
  if (wide >= 0) return refuse("terms", wide);
  const { form, at } = queryForm(tokens);
  if (UPDATE_WORDS.has(form)) return refuse("update", at, form);
  const readings = [{ tokens, origin: null }];
  const { expanded, origin } = expandEscapes(text);
  if (expanded !== text) readings.push({ tokens: tokenize(expanded), origin });
  for (const reading of readings) {
    const list = reading.tokens;
    for (let index = 0; index < list.length; index += 1) {
      const token = list[index];
      const declaring = index > 0 && list[index - 1].text.toUpperCase() === "PREFIX"; // PREFIX SERVICE: <...> names
      const word = (token.kind === "word" || token.kind === "pname") && !declaring ? token.text.toUpperCase() : "";
      const offset = reading.origin ? reading.origin[token.start] : token.start;
      if (token.kind === "word" && UPDATE_WORDS.has(word) && !UPDATE_ONLY_FIRST.has(word)) {
        return refuse("update", offset, word);
      }
      if (word.startsWith("SERVICE")) return refuse("service", offset, "SERVICE");
      if (word.startsWith("FROM")) return refuse("from", offset, "FROM");
    }
  }
  return null;
}
