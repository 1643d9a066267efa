"""Benchmark the explorer and the analytics at growing sizes, and take the README's screenshots.

The corpus is the shipped article copied N times with its IRIs renamed (``…/id/x`` becomes
``…/id/x-c3`` in copy 3; countries are shared, so the copies connect like a news corpus), written
as N-Triples. For each N it measures `kg explore` and `kg stats` (wall time of the command), the
page's size, and in headless Chromium the time from opening the file to the first drawn view
(``performance.now()`` at vis-network's first ``afterDrawing``, which counts from the navigation), and the
main thread's time (Chromium's own ``TaskDuration``, over CDP) to switch to the Questions view and there to
switch the language (each closed question holds its answer's words, found by find in page; its table is built
when it opens).

    python benchmarks/bench_explore.py                       # N = 1, 10, 100
    python benchmarks/bench_explore.py --copies 1 240        # 240 copies: about 33 000 nodes
    python benchmarks/bench_explore.py --screenshots docs    # also docs/explorer*.png (look at them)
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rdflib import RDF, Graph, URIRef

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))  # the tests' own Chromium settings
from chromium import launch, poll
from kg import resources
from kg.namespaces import ID, KG

FIRST_VIEW = "() => !!(window.kgExplorer && kgExplorer.state().firstViewAt && kgExplorer.state().complete)"


def replicate(copies: int, out: Path) -> int:
    """Write ``copies`` renamed copies of the shipped data to ``out`` (N-Triples); return the triple count."""
    data = Graph()
    data.parse(resources.data_path())
    shared = {str(s) for s in data.subjects(RDF.type, KG.Country)}
    base = str(ID)

    def rename(term, copy: int):
        if isinstance(term, URIRef) and str(term).startswith(base) and str(term) not in shared:
            return URIRef(f"{term}-c{copy}")
        return term

    count = 0
    with out.open("w", encoding="utf-8") as handle:
        for copy in range(copies):
            triples = Graph()
            for s, p, o in data:
                triples.add((rename(s, copy), p, rename(o, copy)))
            handle.write(triples.serialize(format="nt"))
            count += len(triples)
    return count


def wait_for(page, expression: str) -> object:
    """:func:`chromium.poll` every 5 ms (a measured wait ends within 5 ms of the state it waits for)."""
    return poll(page, expression, timeout=60.0, interval=0.005)


def run(*args: str) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "kg", *args], check=True, capture_output=True, text=True)
    return time.perf_counter() - start, done.stdout


def first_view(page_file: Path, runs: int) -> list[float]:
    """Seconds from opening ``page_file`` to the first drawn view, ``runs`` times (fresh context each)."""
    from playwright.sync_api import sync_playwright

    times = []
    with sync_playwright() as playwright:
        browser = launch(playwright)
        for _ in range(runs):
            context = browser.new_context(viewport={"width": 1400, "height": 860})
            page = context.new_page()
            page.goto(page_file.as_uri())
            while not page.evaluate(FIRST_VIEW):
                time.sleep(0.01)
            times.append(page.evaluate("() => kgExplorer.state().firstViewAt") / 1000)
            context.close()
        browser.close()
    return times


#: Two frames after an action: what it changed is styled, laid out and painted.
_TWO_FRAMES = "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"


def questions_view(page_file: Path, runs: int) -> list[tuple[float, float]]:
    """Main-thread seconds (CDP ``Performance.getMetrics`` TaskDuration) to switch from the first view to the
    Questions view, and there to switch the language, ``runs`` times (fresh context each)."""
    from playwright.sync_api import sync_playwright

    def busy(cdp) -> float:
        return next(m["value"] for m in cdp.send("Performance.getMetrics")["metrics"] if m["name"] == "TaskDuration")

    found = []
    with sync_playwright() as playwright:
        browser = launch(playwright)
        for _ in range(runs):
            context = browser.new_context(viewport={"width": 1400, "height": 860})
            page = context.new_page()
            cdp = context.new_cdp_session(page)
            cdp.send("Performance.enable")
            page.goto(page_file.as_uri())
            wait_for(page, FIRST_VIEW)
            start = busy(cdp)
            page.evaluate("() => kgExplorer.setView('questions')")
            page.evaluate(_TWO_FRAMES)
            shown = busy(cdp)
            page.evaluate("() => kgExplorer.setLang(kgExplorer.state().lang === 'fa' ? 'en' : 'fa')")
            page.evaluate(_TWO_FRAMES)
            found.append((shown - start, busy(cdp) - shown))
            context.close()
        browser.close()
    return found


def _ms(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:.0f} ({min(values) * 1000:.0f}–{max(values) * 1000:.0f})"


def table(title: str, header: list[str], rows: list[list[str]]) -> None:
    widths = [max(len(str(c)) for c in col) for col in zip(header, *rows, strict=False)]
    print(f"\n{title}")
    print("| " + " | ".join(h.ljust(w) for h, w in zip(header, widths, strict=False)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in rows:
        print("| " + " | ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=False)) + " |")


def bench(copies: list[int], runs: int, browser: bool) -> None:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in copies:
            data = Path(tmp) / f"corpus-{n}.nt"
            triples = replicate(n, data) if n > 1 else None
            extra = ["--data", str(data)] if triples else []
            page = Path(tmp) / f"explorer-{n}.html"
            explore_s, printed = run("explore", *extra, "--out", str(page))
            stats_s, _ = run("stats", *extra)
            shown = printed.split(" (", 1)[1].split(" nodes")[0]
            total = (
                printed.split("focus view: ", 1)[1].split(" of ")[1].split(" nodes")[0] if "focus" in printed else shown
            )
            views = first_view(page, runs) if browser else []
            questions = questions_view(page, runs) if browser else []
            rows.append(
                [
                    str(n),
                    str(triples or "article"),
                    total,
                    shown,
                    f"{page.stat().st_size / 1024 / 1024:.2f}",
                    f"{explore_s:.1f}",
                    f"{stats_s:.1f}",
                    f"{statistics.median(views):.2f} ({min(views):.2f}–{max(views):.2f})" if views else "-",
                    _ms([q[0] for q in questions]) if questions else "-",
                    _ms([q[1] for q in questions]) if questions else "-",
                ]
            )
    table(
        f"kg explore / kg stats at growing sizes (open-to-first-view and the Questions view's main-thread ms:"
        f" median (min–max) of {runs} openings)",
        [
            "copies",
            "data triples",
            "nodes",
            "drawn",
            "HTML MiB",
            "kg explore s",
            "kg stats s",
            "first view s",
            "questions view ms",
            "its language switch ms",
        ],
        rows,
    )


def screenshots(folder: Path) -> None:
    """The README's screenshots of the article's page: the first view and the agreements table on a laptop;
    on a phone (390 x 844, touch, two device pixels to the CSS pixel), the agreements table and a selected
    entity in Persian with its details in the bottom sheet."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        page_file = Path(tmp) / "explorer.html"
        run("explore", "--out", str(page_file))
        shots = [
            ("explorer.png", "", (1400, 860)),
            ("explorer-table.png", "#view=table:agreement", (1400, 860)),
            ("explorer-phone-table.png", "#view=table:agreement", (390, 844)),
            ("explorer-phone.png", "#lang=fa&node=kgi:kassym-jomart-tokayev", (390, 844)),
        ]
        with sync_playwright() as playwright:
            browser = launch(playwright)
            for name, fragment, (width, height) in shots:
                phone = width < 500
                context = browser.new_context(
                    viewport={"width": width, "height": height},
                    is_mobile=phone,
                    has_touch=phone,
                    device_scale_factor=2 if phone else 1,
                )
                page = context.new_page()
                page.goto(page_file.as_uri() + fragment)
                wait_for(page, FIRST_VIEW)
                drawn = page.evaluate("() => kgExplorer.state().draws")
                page.evaluate("() => kgExplorer.redraw()")
                wait_for(page, f"() => kgExplorer.state().draws > {drawn}")  # the frame after the first view
                folder.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(folder / name))
                print(f"wrote screenshot: {folder / name}")
                context.close()
            browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, nargs="+", default=[1, 10, 100], help="corpus sizes (default: 1 10 100)")
    parser.add_argument("--runs", type=int, default=5, help="page openings to time per size (default: 5)")
    parser.add_argument("--no-browser", action="store_true", help="skip the Chromium measurements")
    parser.add_argument("--screenshots", type=Path, metavar="DIR", help="also write the README's screenshots here")
    args = parser.parse_args()
    bench(args.copies, args.runs, not args.no_browser)
    if args.screenshots:
        screenshots(args.screenshots)


if __name__ == "__main__":
    main()
