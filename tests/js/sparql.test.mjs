// The SPARQL console's logic under Node's test runner: the policy, parameter binding, result tables,
// CSV, and the engine client's time limit and stop (with a stand-in worker).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { checkPolicy, position, queryForm, tokenize } from "../../src/kg/templates/explorer/sparql-policy.js";
import { ParamError, bindParams, expandIri, findSlots, latinDigits, parseValue, termToSparql } from "../../src/kg/templates/explorer/sparql-params.js";
import { FOLD } from "../../src/kg/templates/explorer/fold-table.js";
import { capRows, compactIri, resultTable, resultsToCsv, shownColumns } from "../../src/kg/templates/explorer/sparql-results.js";
import { Engine, SparqlError } from "../../src/kg/templates/explorer/sparql-engine.js";
import { engineText, problemOf, syntaxOf } from "../../src/kg/templates/explorer/sparql-messages.js";

const root = new URL("../../", import.meta.url);
const CASES = JSON.parse(readFileSync(new URL("tests/fixtures/query/policy-cases.json", root), "utf-8")).cases;
const KGI = "https://w3id.org/iran-kazakhstan-kg/id/";

test("the policy refuses what kg query refuses, case by case (the cases the Python check runs too)", () => {
  for (const { text, refused } of CASES) {
    const policy = checkPolicy(text);
    assert.equal(policy ? policy.code : null, refused, text);
  }
});

test("a refusal points at the word: line and column in code points", () => {
  const text = "PREFIX kg: <https://w3id.org/iran-kazakhstan-kg/ontology#>\n# «قزاقستان»\nSELECT * WHERE { «x» SERVICE <http://e/> {} }";
  const policy = checkPolicy(text.replace("«x»", "?x"));
  assert.deepEqual([policy.code, policy.line, policy.column], ["service", 3, 21]);
  assert.deepEqual(position("ab\nقزا", 6), { line: 2, column: 4 });
  assert.deepEqual(position("😀x", 2), { line: 1, column: 2 });
});

test("nesting deeper than the limit is refused before any parser sees it, at the bracket past the limit", () => {
  const deep = "SELECT * WHERE " + "{".repeat(6) + "}".repeat(6);
  assert.equal(checkPolicy(deep, { maxNesting: 6 }), null);
  const deeper = "SELECT * WHERE " + "{".repeat(7) + "}".repeat(7);
  const policy = checkPolicy(deeper, { maxNesting: 6 });
  assert.deepEqual([policy.code, policy.column], ["nesting", 22]);
  assert.equal(checkPolicy("SELECT * WHERE { FILTER(?a<" + "(".repeat(1001) + ">?b) }").code, "nesting");
});

test("tokens: strings, IRIs and comments hide keywords; the form is read after the prologue", () => {
  const tokens = tokenize('PREFIX a: <urn:x> SELECT ?s WHERE { ?s a:p "SERVICE" } # FROM');
  assert.deepEqual(tokens.map((t) => t.kind).slice(0, 5), ["word", "pname", "iri", "word", "var"]);
  assert.equal(queryForm(tokens).form, "SELECT");
  assert.equal(queryForm(tokenize("BASE <urn:b> construct { } where { }")).form, "CONSTRUCT");
});

const CQ04 = readFileSync(new URL("queries/cq04-statements-by-speaker.rq", root), "utf-8");
const CQ04_PARAMS = [
  { name: "speaker", type: "iri" },
  { name: "lang", type: "string" },
];

test("a form value is written over its default in the VALUES line, typed, nothing else changes", () => {
  const bound = bindParams(CQ04, CQ04_PARAMS, { speaker: "kgi:kassym-jomart-tokayev", lang: "fa" });
  assert.match(bound, new RegExp(`VALUES \\?speaker \\{ <${KGI}kassym-jomart-tokayev> \\}`));
  assert.match(bound, /VALUES \?lang \{ "fa" \}/);
  assert.equal(bound.replace(/<[^>]*kassym-jomart-tokayev>/, "kgi:ebrahim-raisi").replace('"fa"', '"en"'), CQ04);
  assert.equal(bindParams(CQ04, CQ04_PARAMS, { speaker: "", lang: undefined }), CQ04, "an empty field keeps the default");
});

test("text typed into a field cannot leave its literal or IRI", () => {
  const bound = bindParams(CQ04, CQ04_PARAMS, { lang: 'fa" } ?s ?p ?o . FILTER("x' });
  assert.match(bound, /VALUES \?lang \{ "fa\\" \} \?s \?p \?o \. FILTER\(\\"x" \}/);
  assert.deepEqual(findSlots(bound).map((s) => s.name), ["speaker", "lang"]);
  assert.throws(() => bindParams(CQ04, CQ04_PARAMS, { speaker: "<urn:x> } ?s ?p ?o {" }), (e) => e instanceof ParamError && e.param === "speaker");
  assert.throws(() => bindParams(CQ04, CQ04_PARAMS, { speaker: "nope:x" }), (e) => e.code === "unknownPrefix");
  assert.throws(() => bindParams(CQ04, CQ04_PARAMS, { speaker: "kgi:a b" }), (e) => e.code === "notIri");
});

test("each parameter type checks its value as kg query does", () => {
  assert.deepEqual(parseValue("integer", "-12"), { type: "literal", value: "-12", datatype: "http://www.w3.org/2001/XMLSchema#integer" });
  assert.equal(termToSparql(parseValue("decimal", "1.50")), '"1.50"^^<http://www.w3.org/2001/XMLSchema#decimal>');
  assert.equal(termToSparql(parseValue("langstring", "قزاقستان@FA")), '"قزاقستان"@fa');
  assert.equal(termToSparql(parseValue("date", "2022-06-19")), '"2022-06-19"^^<http://www.w3.org/2001/XMLSchema#date>');
  assert.equal(termToSparql(parseValue("string", 'a\\b"\n')), '"a\\\\b\\"\\n"');
  for (const [type, bad] of [["integer", "1.5"], ["decimal", "1e3"], ["boolean", "yes"], ["date", "2022-02-30"], ["date", "22-06-19"], ["langstring", "Tehran"], ["iri", "relative/x"]]) {
    assert.throws(() => parseValue(type, bad), ParamError, `${type} ${bad}`);
  }
  assert.equal(expandIri("<https://example.org/a>"), "https://example.org/a");
  assert.throws(() => expandIri("<https://example.org/a b>"), (e) => e.code === "notAbsoluteIri");
});

test("a number or date typed on a Persian keyboard is read as kg query reads it", () => {
  const XSD = "http://www.w3.org/2001/XMLSchema#";
  assert.deepEqual(parseValue("integer", "۵۰۰۰۰۰۰"), { type: "literal", value: "5000000", datatype: `${XSD}integer` });
  assert.deepEqual(parseValue("integer", "-٥٠"), { type: "literal", value: "-50", datatype: `${XSD}integer` });
  assert.deepEqual(parseValue("decimal", "۱٫۵"), { type: "literal", value: "1.5", datatype: `${XSD}decimal` });
  assert.deepEqual(parseValue("date", "۲۰۲۲-۰۶-۱۹"), { type: "literal", value: "2022-06-19", datatype: `${XSD}date` });
  assert.throws(() => parseValue("integer", "۱x"), (e) => e.code === "notInteger" && e.value === "۱x"); // as typed
  assert.throws(() => parseValue("integer", "۱٫۵"), (e) => e.code === "notInteger");
  // the Arabic script's digits kg.text folds (its table also folds ¹²³ by their compatibility forms), no other
  const digits = Object.entries(FOLD).filter(([ch, latin]) => /^[0-9]$/u.test(latin) && /\p{Script=Arabic}/u.test(ch));
  assert.equal(digits.length, 20);
  for (const [digit, latin] of digits) assert.equal(latinDigits(digit), latin, digit);
  assert.equal(latinDigits("kgi:x ٫ ۱۴۰۱"), "kgi:x ٫ 1401");
});

test("a number in groups of three, as the pages show it, is read as kg.sparql.values reads it", () => {
  const grouped = JSON.parse(readFileSync(new URL("tests/fixtures/query/grouped-number-cases.json", root), "utf-8"));
  assert.ok(grouped.cases.length >= 15);
  for (const [type, typed, lexical] of grouped.cases) {
    if (lexical === null) {
      assert.throws(() => parseValue(type, typed), (e) => e instanceof ParamError && e.value === typed, `${type} ${typed}`);
    } else {
      assert.equal(parseValue(type, typed).value, lexical, `${type} ${typed}`);
    }
  }
});

test("a parameter whose VALUES line was edited away is named, not silently dropped", () => {
  const edited = CQ04.replace("VALUES ?speaker { kgi:ebrahim-raisi }", "");
  assert.throws(() => bindParams(edited, CQ04_PARAMS, { speaker: "kgi:iran" }), (e) => e.code === "noSlot" && e.param === "speaker");
});

const PREFIXES = { kgi: KGI, xsd: "http://www.w3.org/2001/XMLSchema#" };
const context = {
  prefixes: PREFIXES,
  node: (iri) => (iri === `${KGI}kazakhstan` ? { id: "kgi:kazakhstan", label: "Kazakhstan" } : null),
  span: (iri) => (iri.startsWith(`${KGI}span/`) ? iri.slice(`${KGI}span/`.length).split("-").map(Number) : null),
};

test("result tables: ?xLabel folds into ?x, nodes and spans are linked, literals keep language and datatype", () => {
  const results = {
    head: { vars: ["country", "countryLabel", "mention", "n", "other"] },
    results: {
      bindings: [
        {
          country: { type: "uri", value: `${KGI}kazakhstan` },
          countryLabel: { type: "literal", value: "قزاقستان", "xml:lang": "fa" },
          mention: { type: "uri", value: `${KGI}span/10-19` },
          n: { type: "literal", value: "729", datatype: "http://www.w3.org/2001/XMLSchema#integer" },
          other: { type: "uri", value: "http://example.org/x y" },
        },
        { country: { type: "uri", value: `${KGI}iran` } },
      ],
    },
  };
  const table = resultTable(results, context);
  assert.deepEqual(table.columns.map((c) => c.name), ["country", "mention", "n", "other"]);
  const [first, second] = table.rows;
  assert.deepEqual(first[0], { text: "قزاقستان", iri: `${KGI}kazakhstan`, lang: "fa", node: "kgi:kazakhstan" });
  assert.deepEqual(first[1].span, [10, 19]);
  assert.deepEqual([first[2].text, first[2].note], ["729", "xsd:integer"]);
  assert.equal(first[3].text, "<http://example.org/x y>");
  assert.deepEqual(second.map((c) => c.text), ["kgi:iran", "", "", ""]);
  assert.deepEqual(resultTable({ head: {}, boolean: true }, context), { columns: [], rows: [], boolean: true });
});

test("CSV is SPARQL 1.1 CSV: variables, IRIs and lexical forms, quotes doubled, CRLF", () => {
  const results = {
    head: { vars: ["a", "b"] },
    results: { bindings: [{ a: { type: "literal", value: 'say "hi", then\ngo', "xml:lang": "en" }, b: { type: "bnode", value: "b0" } }, { b: { type: "uri", value: "urn:x" } }] },
  };
  assert.equal(resultsToCsv(results), 'a,b\r\n"say ""hi"", then\ngo",_:b0\r\n,urn:x\r\n');
  assert.equal(resultsToCsv({ head: {}, boolean: false }), "_askResult\r\nfalse\r\n");
});

test("compact IRIs, shown columns and the row cap", () => {
  assert.equal(compactIri(`${KGI}kazakhstan`, PREFIXES), "kgi:kazakhstan");
  assert.equal(compactIri(`${KGI}a/b`, PREFIXES), `<${KGI}a/b>`);
  assert.deepEqual(shownColumns(["xLabel", "x", "yLabel"]).map((c) => [c.name, c.label]), [["x", "xLabel"], ["yLabel", null]]);
  const many = { head: { vars: ["x"] }, results: { bindings: [{}, {}, {}] } };
  assert.equal(capRows(many, 2).results.bindings.length, 2);
  assert.equal(capRows(many, 2).truncated, true);
  assert.equal(capRows(many, 0), many);
});

// A stand-in for the worker: answers "ready" at once, and answers a query after `delay` ms (never when "slow").
class FakeWorker {
  static made = [];
  constructor() {
    this.terminated = false;
    this.got = [];
    FakeWorker.made.push(this);
  }
  postMessage(message) {
    this.got.push(message);
    const reply = (data) => setTimeout(() => !this.terminated && this.onmessage({ data }), 1);
    if (message.type === "init") reply({ type: "ready", module: message.module || "compiled", triples: 3, ms: 1 });
    else if (message.text === "slow") return;
    else reply({ type: "answer", id: message.id, results: { head: { vars: [] }, results: { bindings: [] } }, ms: 0.5 });
  }
  terminate() {
    this.terminated = true;
  }
}

test("a query past its time limit ends the worker; the next query runs on a new one, from the compiled module", async () => {
  FakeWorker.made = [];
  const engine = new Engine(() => new FakeWorker(), { wasm: "AAAA", data: "BBBB", maxNesting: 1000 }, { timeoutMs: 30, maxRows: 10 });
  await assert.rejects(engine.query("slow"), (e) => e instanceof SparqlError && e.code === "timeout");
  assert.equal(FakeWorker.made[0].terminated, true);
  const answer = await engine.query("SELECT * {}");
  assert.deepEqual(answer.results.head.vars, []);
  assert.equal(FakeWorker.made.length, 2);
  assert.equal(FakeWorker.made[0].got[0].wasm, "AAAA");
  assert.equal(FakeWorker.made[1].got[0].module, "compiled", "the second worker is not sent the engine's bytes again");
  assert.equal(FakeWorker.made[1].got[1].maxRows, 10);
});

test("stop ends the running query; queued queries still run, in order", async () => {
  FakeWorker.made = [];
  const engine = new Engine(() => new FakeWorker(), { wasm: "A", data: "B" }, { timeoutMs: 0, maxRows: 0 });
  const slow = engine.query("slow");
  const next = engine.query("SELECT * {}");
  await engine.start();
  setTimeout(() => engine.stop(), 5);
  await assert.rejects(slow, (e) => e.code === "stopped");
  assert.deepEqual((await next).results.results.bindings, []);
});

test("after ready the engine asks the worker to warm up; its report is kept and answers no query", async () => {
  const got = [];
  class WarmingWorker extends FakeWorker {
    postMessage(message) {
      got.push(message.type);
      if (message.type === "warmup") {
        assert.deepEqual(message.texts, ["ASK {}"]);
        setTimeout(() => this.onmessage({ data: { type: "warm", ms: 42 } }), 3);
        return;
      }
      super.postMessage(message);
    }
  }
  const engine = new Engine(() => new WarmingWorker(), { wasm: "A", data: "B", warmup: ["ASK {}"] }, { timeoutMs: 0, maxRows: 0 });
  const answer = await engine.query("SELECT * {}");
  assert.deepEqual(answer.results.head.vars, []);
  await new Promise((resolve) => setTimeout(resolve, 10));
  assert.equal(engine.warmMs, 42);
  assert.deepEqual(got, ["init", "warmup", "query"]);
});

test("a worker the page started early is adopted with the messages it sent meanwhile, and not sent init again", async () => {
  FakeWorker.made = [];
  const early = { worker: new FakeWorker(), messages: [{ type: "ready", module: "m", triples: 7, ms: 5 }], error: null };
  const engine = new Engine(() => new FakeWorker(), { wasm: "A", data: "B" }, { timeoutMs: 0, maxRows: 0 });
  engine.adopt(early);
  assert.deepEqual(await engine.start(), { triples: 7, ms: 5 });
  assert.deepEqual((await engine.query("SELECT * {}")).results.head.vars, []);
  assert.equal(FakeWorker.made.length, 1, "no second worker");
  assert.deepEqual(early.worker.got.map((m) => m.type), ["query"]);
});

test("each kind of failure has its own words, with its numbers in the page's digits", () => {
  const words = { t: (key, values) => key + (values ? " " + JSON.stringify(values) : ""), digits: (n) => `<${n}>`, limits: { timeoutMs: 5000, maxNesting: 1000 } };
  const refused = new SparqlError("refused", "x", { policy: { code: "service", line: 2, column: 7 } });
  assert.equal(problemOf(refused, words), 'sparqlRefused_service {"line":"<2>","column":"<7>","n":"<1000>"}');
  assert.equal(problemOf(new SparqlError("timeout", "x"), words), 'sparqlTimeout {"s":"<5>"}');
  assert.equal(problemOf(new SparqlError("stopped", "x"), words), "sparqlStopped");
  const bad = new ParamError("notDate", "2022-02-30");
  bad.param = "day";
  assert.equal(problemOf(bad, words), 'sparqlParamError {"name":"day","problem":"sparqlParam_notDate"}');
  const named = { ...words, paramName: (name) => `[the ${name} field]` }; // as the page's form names it
  assert.equal(problemOf(bad, named), 'sparqlParamError {"name":"[the day field]","problem":"sparqlParam_notDate"}');
  const lri = (w) => "\u2066" + w + "\u2069";
  assert.equal(problemOf(new SparqlError("error", "error at 1:3: expected WHERE"), words), `sparqlSyntax {"line":"<1>","column":"<3>","expected":"${lri("WHERE")}"}`);
  assert.equal(problemOf(new SparqlError("error", "The query is too slow"), words), "sparqlEngineError");
  assert.equal(problemOf(new SparqlError("failed", "HTTP 404"), words), "sparqlEngineError");
});

test("a syntax error of the engine is read for its line, column and the words it expected, never shown as the sentence", () => {
  // Oxigraph 0.5's own messages, as the page's engine gives them
  assert.deepEqual(syntaxOf("error at 1:19: expected one of LATERAL, SERVICE, [_]"), { line: 1, column: 19, expected: ["LATERAL", "SERVICE"] });
  assert.deepEqual(syntaxOf('error at 2:7: expected one of "$", "(", ":", "<", "?", IF, TZ, The SELECT contains a variable that is unbound, [\'0\' ..= \'9\' | \'\\u{00B7}\'], [\'_\'], [_]'), {
    line: 2, column: 7, expected: ["$", "(", ":", "<", "?", "IF", "TZ"],
  });
  assert.deepEqual(syntaxOf('error at 1:24: expected one of "\\"", "\\\\", [_]'), { line: 1, column: 24, expected: ['"', "\\"] });
  assert.deepEqual(syntaxOf("error at 1:13: expected IRI parsing failed"), { line: 1, column: 13, expected: [] });
  assert.deepEqual(syntaxOf("error at 1:29: expected one of HAVING, OFFSET, OPTIONAL, VALUES, ['0'..='9']"), { line: 1, column: 29, expected: ["HAVING", "OFFSET", "OPTIONAL", "VALUES"] });
  assert.equal(syntaxOf("memory access out of bounds"), null);

  const t = (key, values) => key + (values ? " " + JSON.stringify(values) : "");
  const words = { t, digits: (n) => String(n).replace(/[0-9]/g, (d) => "۰۱۲۳۴۵۶۷۸۹"[d]), limits: {} };
  const many = "error at 12:105: expected one of ABS, AVG, DAY, IRI, MAX, MD5, MIN, NOT, NOW, PREDICATE, [_]";
  const said = problemOf(new SparqlError("error", many), words);
  assert.match(said, /^sparqlSyntax \{"line":"۱۲","column":"۱۰۵","expected":"sparqlOneOf /);
  assert.ok(said.includes("sparqlOthers") && !said.includes("PREDICATE") && !said.includes("[_]"), said);
  assert.equal(problemOf(new SparqlError("error", "error at 1:13: expected IRI parsing failed"), words), 'sparqlSyntaxAt {"line":"۱","column":"۱۳"}');
  assert.equal(engineText(new SparqlError("error", many)), many);
  assert.equal(engineText(new SparqlError("timeout", "x")), null);
  assert.equal(engineText(new SparqlError("refused", "x", { policy: {} })), null);
});
