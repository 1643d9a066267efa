"""Benchmark the explorer: projection, pyvis network building (ours vs Network.from_nx), rendering,
page size, `kg explore` wall time and, in headless Chromium, the time from opening the file to a
settled layout. Prints one table per question.

    python benchmarks/bench_explore.py                  # everything, real data
    python benchmarks/bench_explore.py --no-browser     # Python side only
    python benchmarks/bench_explore.py --screenshot docs/explorer.png

The screenshot is the README's: the real data, «توكايف» typed with Arabic kaf and yeh, Tokayev selected.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import networkx as nx
from pyvis.network import Network

from kg.explore import build_network, render_html
from kg.load import load_graph
from kg.project import to_networkx
from kg.stats import centrality

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def timed(fn: Callable[[], object], repeat: int = 5) -> tuple[float, object]:
    """Median wall time in seconds over ``repeat`` runs, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def synthetic(n: int, seed: int = 1) -> nx.MultiDiGraph:
    """A projection-shaped random graph with ``n`` nodes and ``2n`` edges."""
    simple = nx.gnm_random_graph(n, 2 * n, seed=seed, directed=True)
    g = nx.MultiDiGraph()
    for node in simple:
        g.add_node(
            f"kgi:n{node}",
            label_en=f"Node {node}",
            label_fa=f"گره {node}",
            cls="kg:Person",
            group="person",
        )
    for u, v in simple.edges():
        g.add_edge(f"kgi:n{u}", f"kgi:n{v}", key="kg:participant", prop="kg:participant")
    g.graph.update(
        groups=[{"key": "person", "color": "#e15759", "shape": "dot", "label": {"en": "person", "fa": "شخص"}}],
        classes={"kg:Person": {"en": "person", "fa": "شخص"}},
        properties={"kg:participant": {"en": "participant", "fa": "شرکت‌کننده"}},
    )
    return g


def with_from_nx(g: nx.MultiDiGraph) -> Network:
    """pyvis's own way: copy the attributes into a DiGraph and call Network.from_nx."""
    flat = nx.DiGraph()
    for node, attrs in g.nodes(data=True):
        flat.add_node(node, label=attrs["label_en"], title=attrs["label_en"], group=attrs["group"])
    for u, v, attrs in g.edges(data=True):
        flat.add_edge(u, v, title=attrs["prop"], label=attrs["prop"])
    net = Network(directed=True)
    net.from_nx(flat)
    return net


def table(title: str, header: list[str], rows: list[list[str]]) -> None:
    widths = [max(len(str(c)) for c in col) for col in zip(header, *rows, strict=False)]
    print(f"\n{title}")
    print("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=False)))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=False)))


def bench_python() -> nx.MultiDiGraph:
    load_s, graph = timed(load_graph, 3)
    project_s, projection = timed(lambda: to_networkx(graph), 5)
    render_s, html = timed(lambda: render_html(projection), 5)
    size = len(str(html).encode("utf-8"))
    table(
        "real data: Python side (median)",
        ["step", "seconds", "note"],
        [
            ["load_graph (ontology + data)", f"{load_s:.3f}", f"{len(graph)} triples"],
            [
                "to_networkx",
                f"{project_s:.3f}",
                f"{projection.number_of_nodes()} nodes, {projection.number_of_edges()} edges",
            ],
            ["render_html", f"{render_s:.3f}", f"{size:,} bytes ({size / 1024 / 1024:.2f} MiB)"],
        ],
    )
    rows = []
    for name, g in [("real", projection)] + [(f"random n={n}", synthetic(n)) for n in (150, 1000, 3000)]:
        repeat = 1 if g.number_of_nodes() > 1000 else 3
        central_s, scores = timed(lambda g=g: centrality(g), repeat)
        ours, _ = timed(lambda g=g, scores=scores: build_network(g, scores=scores), repeat)
        theirs, _ = timed(lambda g=g: with_from_nx(g), repeat)
        rows.append(
            [
                name,
                str(g.number_of_nodes()),
                str(g.number_of_edges()),
                f"{central_s:.3f}",
                f"{ours:.3f}",
                f"{theirs:.3f}",
            ]
        )
    table(
        "building the pyvis network (median seconds)",
        ["graph", "nodes", "edges", "centrality", "build_network (add_node/add_edge)", "Network.from_nx"],
        rows,
    )
    return projection


def bench_cli() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "explorer.html"
        times = []
        for _ in range(3):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "kg", "explore", "--out", str(out)], check=True, capture_output=True)
            times.append(time.perf_counter() - start)
        size = out.stat().st_size
    table(
        "`kg explore` wall time (python -m kg explore, 3 runs)",
        ["median s", "min s", "max s", "bytes"],
        [[f"{statistics.median(times):.2f}", f"{min(times):.2f}", f"{max(times):.2f}", f"{size:,}"]],
    )


def bench_browser(projection: nx.MultiDiGraph, runs: int, screenshot: Path | None) -> None:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        page_file = Path(tmp) / "explorer.html"
        page_file.write_text(render_html(projection), encoding="utf-8")
        settled, wall = [], []
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            for _ in range(runs):
                page = browser.new_page(viewport={"width": 1400, "height": 860})
                start = time.perf_counter()
                page.goto(page_file.as_uri())
                while not page.evaluate("() => !!(window.kgExplorer && kgExplorer.state().stabilised)"):
                    time.sleep(0.01)
                wall.append(time.perf_counter() - start)
                settled.append(page.evaluate("() => kgExplorer.state().stabilisedAt") / 1000)
                page.close()
            if screenshot:
                take_screenshot(browser, page_file, screenshot)
            browser.close()
    table(
        f"headless Chromium: file opened -> layout settled and physics off ({runs} runs)",
        ["measure", "median s", "min s", "max s"],
        [
            ["performance.now() at stabilisation", *(f"{f(settled):.2f}" for f in (statistics.median, min, max))],
            ["wall time seen by Playwright", *(f"{f(wall):.2f}" for f in (statistics.median, min, max))],
        ],
    )


def take_screenshot(browser, page_file: Path, path: Path) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 860})
    page.goto(page_file.as_uri())
    while not page.evaluate("() => !!(window.kgExplorer && kgExplorer.state().stabilised)"):
        time.sleep(0.01)
    page.click("#search")
    page.keyboard.type("توكايف")
    page.keyboard.press("Enter")
    while page.evaluate("() => kgExplorer.state().animating"):
        time.sleep(0.02)
    page.locator("#search").blur()
    page.evaluate("() => kgExplorer.focus('kgi:kassym-jomart-tokayev', 0.8)")
    page.wait_for_timeout(300)
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path))
    page.close()
    print(f"\nwrote screenshot: {path}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-browser", action="store_true", help="skip the Chromium measurements")
    parser.add_argument("--runs", type=int, default=5, help="page openings to time (default: 5)")
    parser.add_argument("--screenshot", type=Path, metavar="PNG", help="also save the README screenshot here")
    args = parser.parse_args()
    projection = bench_python()
    bench_cli()
    if not args.no_browser:
        bench_browser(projection, args.runs, args.screenshot)


if __name__ == "__main__":
    main()
