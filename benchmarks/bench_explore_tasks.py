"""Time a reader's task in the explorer: "which agreements, between whom, who signed", at laptop and phone size,
in English and Persian, with real clicks and taps in headless Chromium, and print the taps and seconds.

The task, as a reader does it on the article's page: open the page (in the language of the fragment), open
the Agreements view (one tap: the table gives every agreement with its parties, countries and signatories),
then tap the one signatory the article names to read who that is (a second tap: the details open, on a phone
in the bottom sheet). Seconds run from the navigation's start (``performance.timeOrigin``) to the moment the
signatory's heading is on screen: they measure the page and the machine, not a human's reading. Laptop:
1440 x 900, mouse; phone: 390 x 844, touch, device scale 3.

    python benchmarks/bench_explore_tasks.py            # 5 runs of each size and language
    python benchmarks/bench_explore_tasks.py --runs 1
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
from pathlib import Path

from bench_explore import FIRST_VIEW, launch, run, table, wait_for  # the script's own folder is on sys.path

SIGNED = """() => [...document.querySelectorAll('#table-view tbody tr')].find((r) =>
  r.querySelector('td:nth-child(5) button.node'))?.dataset.id"""
ON_SCREEN = """() => { const h = document.getElementById('entity-heading'); if (!h) return false;
  const r = h.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight && r.width > 0; }"""


def agreements_task(browser, page_file: Path, lang: str, phone: bool) -> tuple[int, float]:
    """(taps, seconds) of one run of the task."""
    context = browser.new_context(
        viewport={"width": 390, "height": 844} if phone else {"width": 1440, "height": 900},
        is_mobile=phone,
        has_touch=phone,
        device_scale_factor=3 if phone else 1,
    )
    page = context.new_page()
    page.goto(f"{page_file.as_uri()}#lang={lang}")
    wait_for(page, FIRST_VIEW)
    taps = 0

    def press(selector: str) -> None:
        nonlocal taps
        target = page.locator(selector).first
        target.scroll_into_view_if_needed()
        target.tap() if phone else target.click()
        taps += 1

    press("#views button[data-view='table:agreement']")
    signed = wait_for(page, SIGNED)
    press(f"#table-view tr[data-id='{signed}'] td:nth-child(5) button.node")
    wait_for(page, ON_SCREEN)
    seconds = page.evaluate("() => performance.now()") / 1000
    context.close()
    return taps, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs of each size and language (default: 5)")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    rows = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        page_file = Path(tmp) / "explorer.html"
        run("explore", "--out", str(page_file))
        browser = launch(playwright)
        for phone in (False, True):
            for lang in ("en", "fa"):
                results = [agreements_task(browser, page_file, lang, phone) for _ in range(args.runs)]
                seconds = [s for _, s in results]
                rows.append(
                    [
                        "phone 390x844, touch" if phone else "laptop 1440x900, mouse",
                        lang,
                        str(max(t for t, _ in results)),
                        f"{statistics.median(seconds):.2f} ({min(seconds):.2f}–{max(seconds):.2f})",
                    ]
                )
        browser.close()
    table(
        f"The agreements task (which agreements, between whom, who signed): taps, and seconds from opening the "
        f"page to the signatory's details on screen, median (min–max) of {args.runs} runs",
        ["size", "language", "taps", "seconds"],
        rows,
    )


if __name__ == "__main__":
    main()
