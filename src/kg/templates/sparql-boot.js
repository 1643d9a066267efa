/* kg explore --sparql: start the SPARQL engine's worker as soon as its elements are parsed, before
   vis-network and the explorer's script load, so that the engine compiles while the page draws.
   The console (explorer/sparql-console.js) adopts the worker from window.kgSparqlBoot, with the
   messages it sent meanwhile. Inlined after #kg-sparql-worker, #kg-sparql-wasm and #kg-sparql-data. */
(function () {
  "use strict";
  const element = (id) => document.getElementById(id);
  const boot = { worker: null, messages: [], error: null };
  try {
    const url = URL.createObjectURL(new Blob([element("kg-sparql-worker").textContent], { type: "text/javascript" }));
    boot.worker = new Worker(url);
    boot.worker.onmessage = (event) => boot.messages.push(event.data);
    boot.worker.onerror = (event) => {
      boot.error = (event && event.message) || "the engine could not start";
    };
    boot.worker.postMessage({
      type: "init",
      wasm: element("kg-sparql-wasm").textContent.trim(),
      data: element("kg-sparql-data").textContent.trim(),
      maxNesting: Number(element("kg-sparql-worker").dataset.maxNesting) || 1000,
      maxParts: Number(element("kg-sparql-worker").dataset.maxParts) || 500,
      maxTerms: Number(element("kg-sparql-worker").dataset.maxTerms) || 128,
    });
  } catch {
    boot.worker = null; // the console starts the engine itself, and reports why if it cannot
  }
  window.kgSparqlBoot = boot;
})();
