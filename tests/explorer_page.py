"""Opening the explorer page in a real browser for the tests: Debian's headless Chromium through Playwright.

A :class:`Visit` is one open page and everything it did (requests, console messages, errors, dialogs); it
polls the page's own state (``wait_for_function`` would evaluate a string, which the page's CSP forbids).
Its page is lent by the session's :class:`~chromium.Tabs` (a new document in a page kept for the session):
``visit.close()`` gives it back.

A page opens as for a reader who asks for less motion (``prefers-reduced-motion: reduce``) unless a test
asks for motion: the explorer then centres a selected node at once instead of redrawing some 20 frames
of a glide (about 0.4 s of Chromium's CPU per selection).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chromium import DEVICES, Tab, Tabs, poll, screenshot

OUTPUT = Path(__file__).resolve().parents[1] / "test-results" / "explore-browser"
#: A phone: 390 x 844 CSS px, touch, three device pixels to the CSS pixel.
PHONE = (DEVICES["phone"]["viewport"]["width"], DEVICES["phone"]["viewport"]["height"])


@dataclass
class Visit(Tab):
    """An open page and everything it did: requests, console messages, uncaught errors, dialogs."""

    url: str = ""
    less_motion: bool = False

    def close(self) -> None:
        """Give the page back, with the reader's media settings as the page had them when lent (a page given
        back while an exception is raised is discarded: nothing to undo)."""
        try:
            if self.less_motion and self._return is not None and sys.exc_info()[0] is None:
                self.page.emulate_media(reduced_motion="null")
        finally:
            self.less_motion = False
            super().close()

    def js(self, expression: str, arg: Any = None) -> Any:
        return self.page.evaluate(expression, arg)

    def wait_until(self, expression: str, timeout: float = 30.0) -> Any:
        """Poll ``expression`` (a function) until truthy; the failure names the page's console and errors."""
        return poll(self.page, expression, timeout, f"console: {self.console}; errors: {self.errors}")

    def state(self) -> dict[str, Any]:
        return self.js("() => kgExplorer.state()")

    def screenshot(self, name: str, folder: Path = OUTPUT) -> Path | None:
        """``folder/name.png`` when $KG_TEST_SCREENSHOTS is set (:func:`chromium.screenshot`)."""
        return screenshot(self.page, folder / f"{name}.png")

    def focus(self, node: str) -> None:
        """Centre the view on ``node`` (no selection) and wait for the frame that draws it there."""
        drawn = self.state()["draws"]
        self.js("(id) => kgExplorer.focus(id)", node)
        self.wait_until(f"() => kgExplorer.state().draws > {drawn}")

    def click_node(self, node: str) -> None:
        """Centre the view on ``node`` (no selection), then click with the mouse on a point of it
        that no other node covers (its centre, or else a point near it)."""
        self.focus(node)
        centre = self.js("(id) => kgExplorer.domPosition(id)", node)
        offsets = [(0, 0)] + [(dx, dy) for dx in (-6, 0, 6) for dy in (-6, 0, 6) if dx or dy]
        points = [{"x": centre["x"] + dx, "y": centre["y"] + dy} for dx, dy in offsets]
        point = next((p for p in points if self.js("(p) => kgExplorer.nodeAt(p)", p) == node), None)
        assert point is not None, f"{node} is covered by other nodes at every point tried"
        self.click_canvas(point)

    def click_edge(self, edge: str, near: str) -> None:
        """Centre the view on node ``near``, then click a point of ``edge`` where no node is."""
        self.focus(near)
        points = [self.js("([id, t]) => kgExplorer.edgePoint(id, t)", [edge, t]) for t in (0.5, 0.4, 0.6, 0.3, 0.7)]
        point = next(
            (
                p
                for p in points
                if self.js("(p) => kgExplorer.nodeAt(p)", p) is None
                and self.js("(p) => kgExplorer.edgeAt(p)", p) == edge
            ),
            None,
        )
        assert point is not None, f"no free point found on edge {edge}"
        self.click_canvas(point)

    def click_canvas(self, point: dict[str, float]) -> None:
        box = self.page.locator("#graph").bounding_box()
        self.page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])

    def panel_text(self) -> str:
        return self.page.locator("#panel-body").inner_text()


def open_page(
    tabs: Tabs,
    path: Path,
    fragment: str = "",
    viewport: tuple[int, int] = (1400, 860),
    everything: bool = False,
    phone: bool = False,
    motion: bool = False,
) -> Visit:
    """Open ``path`` (plus ``#fragment``) and wait for its first view and its data to be complete;
    with ``everything``, show every class (leave the first view's overview); with ``phone``, as a phone
    (:data:`PHONE`, touch, device scale 3); without ``motion``, for a reader who asks for less motion.
    Give the page back with ``visit.close()``."""
    tab = tabs.lend("phone") if phone else tabs.lend("laptop", viewport=viewport)
    visit = Visit(**vars(tab), url=path.resolve().as_uri() + (f"#{fragment}" if fragment else ""))
    try:
        if not motion:
            visit.page.emulate_media(reduced_motion="reduce")
            visit.less_motion = True
        visit.page.goto(visit.url)
        visit.wait_until("() => !!(window.kgExplorer && kgExplorer.state().firstViewAt && kgExplorer.state().complete)")
        if everything:
            visit.page.click("#all-classes")
    except BaseException:
        visit.close()
        raise
    return visit


def assert_clean(visit: Visit) -> None:
    assert [url.split("#")[0] for url in visit.requests] == [visit.url.split("#")[0]], "a request off the page"
    assert [text for kind, text in visit.console if kind in {"error", "warning"}] == []
    assert visit.errors == []
    assert visit.dialogs == []
