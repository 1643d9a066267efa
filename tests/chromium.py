"""Debian's headless Chromium as the tests and the benchmarks start it, and waiting on a page's own state.

Playwright drives ``/usr/bin/chromium`` (``playwright install`` is never run: no browser is
downloaded). Without the background-networking flags Chromium tries to reach Google's hosts at
every start. The pages' CSP forbids ``wait_for_function`` (it evaluates a string), so
:func:`poll` calls a function in the page, from a loop that runs in the page, until it is truthy. The
benchmarks import this module too (they put this folder on ``sys.path``).

:class:`Tabs` lends the tests one page of each kind (laptop or phone, and context options) for the
whole session, each loan a fresh document: a new page costs Chromium a renderer process, about 1 s
of CPU, against about 0.3 s for the document itself, and the browser tests open some 150 pages.
"""

from __future__ import annotations

import contextlib
import functools
import os
import sys
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: axe-core, vendored (its licence beside it): run in a page by :func:`serious_violations`.
AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"

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


#: Chromium for the tests, doing less of its own work around the same pages (only the tests: the benchmarks measure
#: Chromium as readers have it):
#:
#: - V8 without its optimising compilers (Maglev, TurboFan): the pages live a second or less, and compiling hot code
#:   for speed cost more CPU than it saved (a page audited by axe-core ~10 % less; test_site_people,
#:   test_publish_browser and test_explore_browser 8 % less in all);
#: - no site isolation: with it, Chromium keeps a spare renderer process started for the next site and starts a new
#:   process whenever a tab goes from the site on disk (file://) to kg serve's and back (15 renderers for a round of
#:   explorer, site and console pages, against 6 without); the tests' pages are our own, never a hostile site;
#: - the GPU thread in the browser process (the pages are composited in software: --disable-gpu), and one raster
#:   thread;
#: - one renderer process per browser context (the tests read one page at a time): a lent tab that goes from the
#:   site on disk to kg serve's and back keeps its process instead of starting a new one and ending the old;
#: - a document keeps its frame's RenderFrameHost when the next one of the same site replaces it (Chromium's
#:   RenderDocument feature off): with it, each of the tests' some 150 navigations made and wired up a new frame host
#:   in the browser process and a new frame in the renderer.
#:
#: Measured on a fixed round of pages (explorer, site, static and console pages, two axe-core audits), Chromium's
#: CPU with every process counted, medians of 3, interleaved, load 16-25: 14.4 s as readers' Chromium runs (but
#: V8's flags) -> 13.1 s without site isolation, the GPU process and raster threads -> 10.4 s with one renderer;
#: then (another round, load 9-13) 9.65 -> 8.82 s without RenderDocument (a page of the static site: 110 -> 87 ms a
#: navigation). What the pages show and do is unchanged, only how Chromium and V8 share out the work.
TEST_ARGS = [
    "--js-flags=--no-opt --no-maglev",
    "--disable-site-isolation-trials",
    "--in-process-gpu",
    "--num-raster-threads=1",
    "--renderer-process-limit=1",
    "--disable-features=RenderDocument",
]

#: Chromium keeps the last of a repeated switch, so a ``--disable-features`` of ours would silently drop the features
#: Playwright's own ``--disable-features`` (before ours) switches off: :func:`launch` passes both lists as one.
DISABLE_FEATURES = "--disable-features="
#: The features Playwright (1.65) switches off, as a first guess: :func:`launch` reads them from the browser's command
#: line and starts it again with the union if Playwright's list has grown.
PLAYWRIGHT_DISABLED_FEATURES = (
    "AvoidUnnecessaryBeforeUnloadCheckSync,DestroyProfileOnBrowserClose,HttpsUpgrades,HttpsFirstBalancedModeAutoEnable,"
    "LensOverlay,MediaRouter,PaintHolding,ThirdPartyStoragePartitioning,AvoidCorsURLLoaderRestartOnRedirect,"
    "TcpPortRandomizationWin,OptimizationHints,NetworkTimeServiceQuerying,AimEnabled,PreconnectToSearch,"
    "msForceBrowserSignIn,msEdgeUpdateLaunchServicesPreferredVersion"
)


def launch(playwright: Any, *args: str) -> Any:
    """Debian's headless Chromium started by ``playwright`` (a ``sync_playwright()`` context), with ``args`` added.

    A ``--disable-features`` among ``args`` is added to the one Playwright passes (see :data:`DISABLE_FEATURES`).
    """
    ours = [arg.removeprefix(DISABLE_FEATURES) for arg in args if arg.startswith(DISABLE_FEATURES)]
    if not ours:
        return _launch(playwright, args)
    guess = _features(PLAYWRIGHT_DISABLED_FEATURES, *ours)
    browser = _launch(playwright, _with_features(args, guess))
    given = _disabled_features(browser)
    merged = _features(*given)
    if merged == guess:
        return browser
    browser.close()
    return _launch(playwright, _with_features(args, merged))


def _launch(playwright: Any, args: Any) -> Any:
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=[*CHROMIUM_ARGS, *args])


def _features(*lists: str) -> str:
    """The features of the comma-separated ``lists``, each once, in order."""
    return ",".join(dict.fromkeys(feature for value in lists for feature in value.split(",") if feature))


def _with_features(args: Any, features: str) -> list[str]:
    return [arg for arg in args if not arg.startswith(DISABLE_FEATURES)] + [DISABLE_FEATURES + features]


def _disabled_features(browser: Any) -> list[str]:
    """The values of every ``--disable-features`` on the command line of ``browser``'s own process, in order."""
    session = browser.new_browser_cdp_session()
    try:
        processes = session.send("SystemInfo.getProcessInfo")["processInfo"]
    finally:
        session.detach()
    pid = next(process["id"] for process in processes if process["type"] == "browser")
    command = Path(f"/proc/{pid}/cmdline").read_bytes().decode("utf-8", "replace").split("\0")
    return [arg.removeprefix(DISABLE_FEATURES) for arg in command if arg.startswith(DISABLE_FEATURES)]


#: The loop of :func:`poll`, run in the page: FUNCTION called every ``step`` ms until its value is truthy (returned as
#: ``{value}``) or ``ms`` have passed (null). Given to ``evaluate`` as source, which the DevTools protocol compiles
#: without asking the page's CSP; ``await`` takes a function's promise as the protocol's evaluate does.
_POLL = """async ([ms, step]) => {
  const check = (FUNCTION);
  const end = performance.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return {value};
    if (performance.now() >= end) return null;
    await new Promise((wake) => setTimeout(wake, step));
  }
}"""


def poll(page: Any, expression: str, timeout: float = 30.0, context: str = "", interval: float = 0.02) -> Any:
    """Call ``expression`` (a function) in ``page`` every ``interval`` seconds until it is truthy, and return
    its value; an AssertionError naming it (and ``context``) after ``timeout`` seconds.

    The loop runs in the page, so a wait costs one call of the DevTools protocol, not one per try (each a round
    trip through Playwright's driver, the browser process and the renderer: a wait of a few seconds on a loaded
    machine made hundreds). A navigation that replaces the document while it waits starts the loop again in
    the new one, within the same deadline.
    """
    deadline = time.monotonic() + timeout
    while True:
        left = max(deadline - time.monotonic(), 0.0)
        try:
            found = page.evaluate(_POLL.replace("FUNCTION", expression), [left * 1000, interval * 1000])
        except Exception as error:  # the document was replaced while the loop ran in it
            if "Execution context was destroyed" not in str(error) or time.monotonic() >= deadline:
                raise
            continue
        if found is not None:
            return found["value"]
        raise AssertionError(f"timed out waiting for {expression}; {context}")


@functools.cache
def _axe_source() -> str:
    # Nothing reads a result's HTML (the tests name a violation by its rule and its targets): without it axe-core no
    # longer serialises every element it checks (html, body and main whole among them) for a snippet of it, ~7 % of
    # an audit of the explorer.
    return AXE.read_text(encoding="utf-8") + "\n;axe.configure({noHtml: true});"


#: axe-core's violations on the page as it is now, each as [rule, impact, how many nodes, its first targets].
_AUDIT = """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
    .map(v => [v.id, v.impact, v.nodes.length, v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', ')])"""


def violations(page: Any) -> list[list[Any]]:
    """axe-core's violations of any impact on ``page`` as it is now, each as [rule, impact, how many nodes, its first
    targets] (every rule axe-core runs by default).

    axe-core is evaluated through the DevTools protocol, which the page's CSP does not govern: the page is audited
    with its own CSP in force (no ``bypass_csp`` page of its own), and in the same document a test reads. A document
    audited again (after a reader's action) keeps the axe-core it was given (evaluating it costs ~0.1 s of CPU).
    """
    if not page.evaluate("() => typeof axe === 'object' && typeof axe.run === 'function'"):
        page.evaluate(_axe_source())
    return page.evaluate(_AUDIT)


def serious_violations(page: Any) -> list[str]:
    """axe-core's critical and serious violations on ``page`` as it is now (:func:`violations`), each as
    ``rule: its first targets``."""
    return [f"{rule}: {targets}" for rule, impact, _, targets in violations(page) if impact in ("critical", "serious")]


#: Set (to anything but empty) to have the browser tests write their screenshots (:func:`screenshot`).
SCREENSHOTS = "KG_TEST_SCREENSHOTS"


def screenshot(page: Any, path: Path) -> Path | None:
    """Write a screenshot of ``page`` to ``path`` (a PNG, its folder made) when $KG_TEST_SCREENSHOTS is set, for a
    person to look at; else nothing. No test reads them: each costs Chromium ~0.1 s of CPU on a laptop page and
    ~0.2 s on a phone's (three device pixels to the CSS pixel), about 2 s in all for the 18 the tests take."""
    if not os.environ.get(SCREENSHOTS):
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path))
    return path


#: The devices the tests read on: a laptop, and a phone (390 x 844 CSS px, touch, three device pixels to the CSS pixel).
DEVICES: dict[str, dict[str, Any]] = {
    "laptop": {"viewport": {"width": 1400, "height": 860}},
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "is_mobile": True,
        "has_touch": True,
        "device_scale_factor": 3,
    },
}


@dataclass
class Tab:
    """A page lent to one test (:meth:`Tabs.lend`) and what it did since: the URLs it requested, its console
    messages as (type, text), its uncaught errors, and the dialogs it opened (each dismissed)."""

    page: Any
    requests: list[str] = field(default_factory=list)
    console: list[tuple[str, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    _return: Any = field(default=None, repr=False)

    def close(self) -> None:
        """Give the page back (in a ``finally``: a page given back while an exception is raised is discarded)."""
        if self._return is not None:
            back, self._return = self._return, None
            back(failed=sys.exc_info()[0] is not None)


class Tabs:
    """One page of each kind for the session's browser, lent to one test at a time, each loan a new document.

    A kind is a device of :data:`DEVICES` and the browser context's options (``bypass_csp``...): what a page cannot
    change once made. A loan sets the viewport, the permissions asked for and the network (``offline``: a loan's
    own, not a kind, as a new kind costs a browser context and its renderer process, ~1 s of CPU) and starts at
    ``about:blank`` with no cache, so that the test's ``goto`` makes a new document as in a new context. When it
    is given back, what its pages stored (local storage, IndexedDB, cookies...) is cleared for every origin they
    requested, its permissions and listeners go, the network is back on, and it leaves for ``about:blank``
    (nothing of it runs on between tests); a page given back by a failing test is closed with its context, not
    lent again. Two loans of one kind at once get two pages, each in a browser context of its own.
    """

    def __init__(self, browser: Any) -> None:
        self.browser = browser
        self._free: dict[tuple, Any] = {}

    def lend(
        self,
        device: str = "laptop",
        *,
        viewport: tuple[int, int] | None = None,
        permissions: tuple[str, ...] | list[str] = (),
        offline: bool = False,
        **context_options: Any,
    ) -> Tab:
        kind = (device, tuple(sorted(context_options.items())))
        page, session = self._free.pop(kind, (None, None))
        if page is None:
            page = self.browser.new_context(**DEVICES[device], **context_options).new_page()
            session = page.context.new_cdp_session(page)
            # No response from a cache: Blink keeps one in the renderer process between documents, and a
            # response taken from it would hide a request that the page makes in a new context.
            session.send("Network.enable")
            session.send("Network.setCacheDisabled", {"cacheDisabled": True})
        page.set_viewport_size(
            {"width": viewport[0], "height": viewport[1]} if viewport else DEVICES[device]["viewport"]
        )
        if permissions:
            page.context.grant_permissions(list(permissions))
        if offline:
            page.context.set_offline(True)
        tab = Tab(page)
        listeners = {
            "request": lambda request: tab.requests.append(request.url),
            "console": lambda message: tab.console.append((message.type, message.text)),
            "pageerror": lambda error: tab.errors.append(str(error)),
            "dialog": lambda dialog: (tab.dialogs.append(dialog.message), dialog.dismiss()),
        }
        for event, listener in listeners.items():
            page.on(event, listener)

        def back(failed: bool) -> None:
            if failed or kind in self._free:
                page.context.close()
                return
            try:
                # What the pages stored (YASGUI keeps the prefixes it fetched in localStorage) and cookies.
                origins = {_origin(url) for url in [*tab.requests, page.url]} - {None}
                for origin in sorted(origins):
                    session.send("Storage.clearDataForOrigin", {"origin": origin, "storageTypes": "all"})
                page.context.clear_cookies()
                page.context.clear_permissions()  # those asked for, and any a test granted itself
                if offline:
                    page.context.set_offline(False)
                # Asked by the page itself, about:blank stays in its renderer process (a browser-initiated
                # goto swaps it for a new one: 0.3 s of CPU against 0.17 s per page of the site). Waited for
                # by its URL: a page's own same-document navigation (the explorer writes its state into the
                # URL's fragment) would end a bare wait early, and about:blank would then interrupt the next
                # test's goto.
                with page.expect_navigation(url="about:blank"):
                    page.evaluate("() => { location.href = 'about:blank'; }")
            except Exception:
                page.context.close()
                raise
            finally:
                for event, listener in listeners.items():
                    page.remove_listener(event, listener)
            self._free[kind] = (page, session)

        tab._return = back
        return tab

    @contextlib.contextmanager
    def open(self, device: str = "laptop", **options: Any) -> Any:
        """A lent :class:`Tab` for a ``with`` block (see :meth:`lend` for the options)."""
        tab = self.lend(device, **options)
        try:
            yield tab
        finally:
            tab.close()

    def close(self) -> None:
        for page, _ in self._free.values():
            page.context.close()
        self._free.clear()


def _origin(url: str) -> str | None:
    """The origin of an http(s) URL (where a page can store data), else None."""
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") else None
