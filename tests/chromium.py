"""Debian's headless Chromium as the tests and the benchmarks start it, and waiting on a page's own state.

Playwright drives ``/usr/bin/chromium`` (``playwright install`` is never run: no browser is
downloaded). Without the background-networking flags Chromium tries to reach Google's hosts at
every start. The pages' CSP forbids ``wait_for_function`` (it evaluates a string), so
:func:`poll` evaluates a function in the page until it is truthy. The benchmarks import this
module too (they put this folder on ``sys.path``).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

#: Debian's Chromium (apt-get install chromium).
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def launch(playwright: Any) -> Any:
    """Debian's Chromium, headless, started by ``playwright`` (a ``sync_playwright()`` context)."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


def poll(page: Any, expression: str, timeout: float = 30.0, context: str = "", interval: float = 0.02) -> Any:
    """Evaluate ``expression`` (a function) in ``page`` every ``interval`` seconds until it is truthy, and return
    its value; an AssertionError naming it (and ``context``) after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = page.evaluate(expression)
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out waiting for {expression}; {context}")
