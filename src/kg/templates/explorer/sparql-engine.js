// The page's side of the SPARQL engine: one worker (sparql-worker.js) at a time, one query at a
// time, each under a time limit. A query past its limit, or one the reader stops, ends the worker
// (`terminate`: the only way to stop WebAssembly mid-query); the next worker starts at once from the
// compiled module the first one handed back, so only the first start compiles the engine.

/** Why a query gave no results: `code` is "timeout", "stopped", "refused" (with `policy`), "error" or "failed". */
export class SparqlError extends Error {
  constructor(code, message, extra = {}) {
    super(message);
    this.code = code;
    Object.assign(this, extra);
  }
}

const POLICY_WORDS = {
  update: "SPARQL Update is refused: the page only reads",
  service: "SERVICE is refused: queries in the page do not reach the network",
  from: "FROM and FROM NAMED are refused: queries in the page do not load other graphs",
  nesting: "the query nests brackets deeper than the parser can read",
};

/** The English message of a policy refusal (the console words it in the page's language). */
export function policyMessage(policy) {
  return `${POLICY_WORDS[policy.code] || policy.code} (line ${policy.line}, column ${policy.column})`;
}

export class Engine {
  /**
   * `createWorker()` makes a worker running sparql-worker.js; `payload` is what its init message
   * carries ({wasm, data, maxNesting, maxParts, maxTerms}; `warmup`, queries it runs once ready), or a Promise of it
   * (the site fetches the files);
   * `limits` the defaults of each query ({timeoutMs, maxRows}).
   */
  constructor(createWorker, payload, limits) {
    this.createWorker = createWorker;
    this.payload = payload;
    this.limits = limits;
    this.module = null;
    this.worker = null;
    this.ready = null;
    this.current = null;
    this.queue = [];
    this.nextId = 1;
    this.loadMs = null;
    this.warmMs = null;
    this.readyAt = null;
    this.triples = null;
    this.early = null;
  }

  /** Start the worker (once); a Promise of `{triples, ms}` when the engine is ready. */
  start() {
    if (!this.ready) this.ready = this.spawn();
    return this.ready;
  }

  spawn() {
    return Promise.resolve(this.payload).then(
      (payload) =>
        new Promise((resolve, reject) => {
          const early = this.early;
          this.early = null;
          const worker = early && early.worker ? early.worker : this.createWorker();
          this.worker = worker;
          const receive = (message) => {
            if (message.type === "ready") {
              this.module = message.module || this.module;
              this.triples = message.triples;
              if (this.loadMs === null) this.loadMs = message.ms;
              if (this.readyAt === null && message.at) this.readyAt = message.at - performance.timeOrigin; // ms after the page began
              worker.onmessage = (answer) => this.settle(answer.data);
              if (payload.warmup && payload.warmup.length) worker.postMessage({ type: "warmup", texts: payload.warmup });
              resolve({ triples: message.triples, ms: message.ms });
            } else if (message.type === "failed") {
              reject(new SparqlError("failed", message.message));
            }
          };
          worker.onmessage = (event) => receive(event.data);
          worker.onerror = (event) => {
            if (event && event.preventDefault) event.preventDefault();
            const error = new SparqlError("failed", (event && event.message) || "the engine stopped");
            reject(error);
            this.ready = null;
            this.fail(error);
          };
          if (early && early.worker) {
            if (early.error) reject(new SparqlError("failed", early.error));
            for (const message of early.messages.splice(0)) receive(message);
            return;
          }
          const init = { type: "init", maxNesting: payload.maxNesting, maxParts: payload.maxParts, maxTerms: payload.maxTerms, data: payload.data };
          if (this.module) init.module = this.module;
          else init.wasm = payload.wasm;
          worker.postMessage(init);
        }),
    );
  }

  /**
   * Take over a worker the page started before its scripts ran (`{worker, messages, error}`: the
   * messages it sent meanwhile, kept), instead of starting one; the next start uses it.
   */
  adopt(early) {
    if (early && early.worker && !this.ready) this.early = early;
  }

  /**
   * A Promise of `{results, ms, wallMs}`: SPARQL 1.1 JSON `results` (`truncated` set past the row limit),
   * the engine's time and the time seen from the page. `options` override the limits.
   */
  query(text, options = {}) {
    const limits = { ...this.limits, ...options };
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, text: String(text), limits, resolve, reject });
      this.pump();
    });
  }

  async pump() {
    if (this.current || !this.queue.length) return;
    const job = this.queue.shift();
    this.current = job;
    try {
      await this.start();
    } catch (error) {
      this.current = null;
      job.reject(error);
      this.ready = null;
      this.pump();
      return;
    }
    if (this.current !== job) return; // stopped while the engine was starting
    job.started = performance.now();
    if (job.limits.timeoutMs > 0) {
      job.timer = setTimeout(() => this.abort(job, new SparqlError("timeout", `the query ran past its time limit (${job.limits.timeoutMs / 1000} s)`)), job.limits.timeoutMs);
    }
    this.worker.postMessage({ type: "query", id: job.id, text: job.text, maxRows: job.limits.maxRows });
  }

  settle(message) {
    if (message.type === "warm") {
      if (this.warmMs === null) this.warmMs = message.ms;
      return;
    }
    const job = this.current;
    if (!job || message.id !== job.id) return;
    clearTimeout(job.timer);
    this.current = null;
    if (message.type === "answer") {
      job.resolve({ results: message.results, ms: message.ms, wallMs: performance.now() - job.started });
    } else if (message.type === "refused") {
      job.reject(new SparqlError("refused", policyMessage(message.policy), { policy: message.policy }));
    } else if (message.broken) {
      this.worker.terminate(); // its engine is unusable after this: the next query starts a new worker
      this.ready = null;
      job.reject(new SparqlError("crashed", message.message));
    } else {
      job.reject(new SparqlError("error", message.message));
    }
    this.pump();
  }

  /** End the running query (the reader's Stop): its Promise rejects with code "stopped". */
  stop() {
    if (this.current) this.abort(this.current, new SparqlError("stopped", "the query was stopped"));
  }

  abort(job, error) {
    if (this.current !== job) return;
    clearTimeout(job.timer);
    this.current = null;
    if (job.started !== undefined) {
      this.worker.terminate(); // the only way to stop WebAssembly mid-query
      this.ready = null; // the next query starts a new worker from the compiled module
    }
    job.reject(error);
    this.pump();
  }

  fail(error) {
    const job = this.current;
    if (!job) return;
    clearTimeout(job.timer);
    this.current = null;
    job.reject(error);
    this.pump();
  }
}
