"""SPARQL in the browser: how big the console page is, how soon its engine is ready, how fast each library query is.

Run from the repository root (Debian's Chromium, through Playwright)::

    python benchmarks/bench_sparql_browser.py              # 5 openings, each query 5 times
    python benchmarks/bench_sparql_browser.py --repeat 3

It writes the default explorer and the console page (``kg explore --sparql``) and prints their
sizes and those of the engine's payload; opens the console page ``--repeat`` times in headless
Chromium with the network off (a fresh context each time) and reports the time from opening the
file to the engine being ready (WebAssembly compiled, the triples and their RDFS closure loaded in
its worker); then runs every library query ``--repeat`` times in the page and gives the median
time in the worker and as the page sees it (the message to the worker and back), beside raw
pyoxigraph on the same triples and ``kg query``'s library call (``kg.sparql.library.run_query``: the
policy, the parameters, and the query in a child process that holds its time limit). Times in
milliseconds, medians, on this machine; nothing here asserts a time. The goals of the console:
every query within 200 ms in the browser, the engine ready within 1.5 s.
"""

from __future__ import annotations

import argparse
import gzip
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))  # the tests' own Chromium settings
from chromium import launch


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="openings of the page, and runs of each query")
    args = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright

    from kg.explore import write_explorer
    from kg.sparql.browser import dataset_ntriples, engine_wasm, gzip_bytes
    from kg.sparql.engines import open_engine
    from kg.sparql.files import list_queries
    from kg.sparql.library import run_query

    out = Path(tempfile.mkdtemp(prefix="bench-sparql-"))
    started = time.perf_counter()
    default = write_explorer(out / "explorer.html")
    default_s = time.perf_counter() - started
    started = time.perf_counter()
    console = write_explorer(out / "console.html", sparql=True)
    console_s = time.perf_counter() - started
    wasm_gz = engine_wasm()
    triples = dataset_ntriples()
    print("## Sizes\n")
    print("| file | bytes | built in |\n|---|---:|---:|")
    print(f"| default explorer (`kg explore`) | {default.size:,} | {default_s:.2f} s |")
    print(f"| console page (`kg explore --sparql`) | {console.size:,} | {console_s:.2f} s |")
    print(f"| engine wasm, raw | {len(gzip.decompress(wasm_gz)):,} | |")
    print(f"| engine wasm, gzipped (base64 in the page: {len(wasm_gz) * 4 // 3:,}) | {len(wasm_gz):,} | |")
    lines = triples.count(b"\n")
    print(f"| triples with their RDFS closure, N-Triples ({lines:,} triples) | {len(triples):,} | |")
    print(f"| the same, gzipped | {len(gzip_bytes(triples)):,} | |")

    queries = [q for q in list_queries() if q.expected_path() is not None]
    opening: list[float] = []
    console_ready: list[float] = []
    worker_load: list[float] = []
    warm: list[float] = []
    in_worker: dict[str, list[float]] = {q.name: [] for q in queries}
    round_trip: dict[str, list[float]] = {q.name: [] for q in queries}
    with sync_playwright() as playwright:
        browser = launch(playwright)
        for _ in range(args.repeat):
            context = browser.new_context(offline=True)
            page = context.new_page()
            page.goto(console.path.resolve().as_uri())
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                stats = page.evaluate("() => window.kgExplorer && kgExplorer.sparqlStats()")
                if stats and stats["status"] != "loading":
                    break
                page.wait_for_timeout(5)
            if stats["status"] != "ready":
                print(f"the engine did not start: {stats}", file=sys.stderr)
                return 1
            opening.append(stats["engineReadyAt"])
            console_ready.append(stats["readyAt"])
            worker_load.append(stats["loadMs"])
            while time.monotonic() < deadline and not page.evaluate("() => kgExplorer.sparqlStats().warmMs"):
                page.wait_for_timeout(20)  # the worker warms up on the library once ready (see sparql-worker.js)
            warm.append(page.evaluate("() => kgExplorer.sparqlStats().warmMs"))
            for q in queries:
                timed = page.evaluate(
                    "async (text) => kgExplorer.sparqlTimed(text, { timeoutMs: 60000, maxRows: 0 })", q.text
                )
                in_worker[q.name].append(timed["ms"])
                round_trip[q.name].append(timed["wallMs"])
            context.close()
        browser.close()

    engine = open_engine("oxigraph")
    raw: dict[str, list[float]] = {q.name: [] for q in queries}
    library: dict[str, list[float]] = {q.name: [] for q in queries}
    for q in queries:
        for _ in range(args.repeat):
            begun = time.perf_counter()
            list(engine.store.query(q.text)) if q.form != "ASK" else engine.store.query(q.text)
            raw[q.name].append((time.perf_counter() - begun) * 1000)
            begun = time.perf_counter()
            run_query(q, engine=engine, max_rows=None)
            library[q.name].append((time.perf_counter() - begun) * 1000)

    print(f"\n## The engine in Chromium ({args.repeat} openings, network off)\n")
    print("| | median | best | worst |\n|---|---:|---:|---:|")
    for what, times in (
        ("opening the file → engine ready in its worker (ms)", opening),
        ("of which in the worker: decompress, compile, load the triples (ms)", worker_load),
        ("opening the file → the console can run (the explorer's own start too) (ms)", console_ready),
        ("then the warm-up on the library, in the worker (ms)", warm),
    ):
        print(f"| {what} | {_median(times):.0f} | {min(times):.0f} | {max(times):.0f} |")
    print(f"\n## Library queries (ms, median of {args.repeat})\n")
    print(
        "| query | browser, in the worker | browser, from the page | raw pyoxigraph | kg query (run_query) "
        "| browser ÷ pyoxigraph |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    for q in queries:
        w, p, r, k = (_median(d[q.name]) for d in (in_worker, round_trip, raw, library))
        print(f"| {q.name} | {w:.1f} | {p:.1f} | {r:.1f} | {k:.1f} | {w / r if r else float('nan'):.1f} |")
    slowest = max(queries, key=lambda q: _median(round_trip[q.name]))
    print(
        f"\nSlowest in the browser: {slowest.name}, {_median(round_trip[slowest.name]):.1f} ms from the page "
        f"(goal ≤ 200 ms); engine ready {_median(opening):.0f} ms after opening (goal ≤ 1 500 ms)."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
