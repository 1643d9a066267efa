// The page's SPARQL engine, in a Web Worker: Oxigraph compiled to WebAssembly over the graph and
// its RDFS closure, the triples `kg query` queries.
//
// The worker's script is Oxigraph's `web.js` (vendored, verbatim) followed by this module, run as
// one module worker; the page starts it from a Blob URL (or the site from its own URL) and can
// stop it at any time (`Worker.terminate`), which is how a query's time limit is enforced.
//
// Messages in: {type: "init", module | wasm, data, maxNesting, maxParts, maxTerms} where `module` is a compiled
// WebAssembly.Module (from an earlier worker), `wasm` the engine's bytes (gzipped or not; an
// ArrayBuffer or base64 text) and `data` the N-Triples (likewise); {type: "warmup", texts};
// {type: "query", id, text, maxRows}. Messages out: {type: "ready", module, triples, ms, at},
// {type: "failed", message}, {type: "answer", id, results, ms} with SPARQL 1.1 JSON results,
// {type: "refused", id, policy} or {type: "error", id, message}, and {type: "warm", ms}.
//
// Warming up: the browser runs new WebAssembly first as quickly compiled, slower code and
// optimises what runs often, so the first run of a query is several times slower than the next
// (cq01: 40 ms, then 20 ms). Told to warm up, the worker runs the given queries (the library's)
// once, one per task, so a reader's query waits behind at most one of them.
//
// The policy of `kg query` holds here, before anything runs: no SPARQL Update (the store is only
// ever queried), no SERVICE, no FROM (see sparql-policy.js); the row limit is applied to the
// solutions, and the caller's time limit by terminating this worker.

/* global initSync, Store */

import { checkPolicy, queryForm, tokenize } from "./sparql-policy.js";
import { capRows } from "./sparql-results.js";

let store = null;
let maxNesting = 1000;
let maxParts = 500;
let maxTerms = 128;

/** `input` as bytes: an ArrayBuffer or typed array as it is, a string as base64. */
function toBytes(input) {
  if (typeof input !== "string") return new Uint8Array(input.buffer ? input.buffer : input);
  const text = atob(input);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i += 1) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/** `bytes` gunzipped by the browser when they start with gzip's magic number, else as they are. */
async function gunzip(bytes) {
  if (bytes.length < 2 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

function termJson(term) {
  switch (term.termType) {
    case "NamedNode":
      return { type: "uri", value: term.value };
    case "BlankNode":
      return { type: "bnode", value: term.value };
    case "Literal": {
      const out = { type: "literal", value: term.value };
      if (term.language) out["xml:lang"] = term.language;
      else if (term.datatype && term.datatype.value !== "http://www.w3.org/2001/XMLSchema#string") out.datatype = term.datatype.value;
      return out;
    }
    default:
      return { type: "triple", value: { subject: termJson(term.subject), predicate: termJson(term.predicate), object: termJson(term.object) } };
  }
}

async function init(message) {
  const started = performance.now();
  const module = message.module || (await WebAssembly.compile(await gunzip(toBytes(message.wasm))));
  initSync({ module });
  maxNesting = message.maxNesting || maxNesting;
  maxParts = message.maxParts || maxParts;
  maxTerms = message.maxTerms || maxTerms;
  store = new Store();
  store.load(await gunzip(toBytes(message.data)), { format: "application/n-triples" });
  // `at`: when, on the clock both sides share (the page turns it into its own time)
  return { type: "ready", module, triples: store.size, ms: performance.now() - started, at: performance.timeOrigin + performance.now() };
}

async function warmUp(texts) {
  const started = performance.now();
  for (const text of texts) {
    await new Promise((resolve) => setTimeout(resolve, 0)); // let a waiting query of the reader run first
    try {
      answer(text, 1);
    } catch {
      // a warm-up query that fails is of no consequence: the reader's own run reports its error
    }
  }
  self.postMessage({ type: "warm", ms: performance.now() - started });
}

/** SPARQL 1.1 JSON results of `text`; a CONSTRUCT or DESCRIBE gives its triples as rows of ?subject ?predicate ?object. */
function answer(text, maxRows) {
  const { form } = queryForm(tokenize(text));
  if (form === "CONSTRUCT" || form === "DESCRIBE") {
    const triples = store.query(text);
    const bindings = triples.map((q) => ({ subject: termJson(q.subject), predicate: termJson(q.predicate), object: termJson(q.object) }));
    return capRows({ head: { vars: ["subject", "predicate", "object"] }, results: { bindings } }, maxRows);
  }
  return capRows(JSON.parse(store.query(text, { results_format: "application/sparql-results+json" })), maxRows);
}

self.onmessage = async (event) => {
  const message = event.data;
  if (message.type === "init") {
    try {
      self.postMessage(await init(message));
    } catch (error) {
      self.postMessage({ type: "failed", message: String(error && error.message ? error.message : error) });
    }
    return;
  }
  if (message.type === "warmup") {
    if (store) warmUp(message.texts || []);
    return;
  }
  if (message.type !== "query") return;
  const started = performance.now();
  const policy = checkPolicy(message.text, { maxNesting, maxParts, maxTerms });
  if (policy) {
    self.postMessage({ type: "refused", id: message.id, policy });
    return;
  }
  try {
    const results = answer(message.text, message.maxRows);
    self.postMessage({ type: "answer", id: message.id, results, ms: performance.now() - started });
  } catch (error) {
    /* A stack overflow in the WebAssembly (a RangeError) or a trap leaves Oxigraph's memory unusable (every later
       query failed "memory access out of bounds"): say so, and the page starts a fresh worker for the next one. */
    const broken = error instanceof RangeError || (typeof WebAssembly !== "undefined" && error instanceof WebAssembly.RuntimeError);
    self.postMessage({ type: "error", id: message.id, broken, message: String(error && error.message ? error.message : error) });
  }
};
