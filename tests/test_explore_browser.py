"""The explorer in a real browser: Debian's headless Chromium driven by Playwright, the page opened from disk.

Each test opens a fresh page from a file URL and waits until the layout has settled. Screenshots
go to test-results/explore-browser/ (look at them). Skipped only when /usr/bin/chromium is missing.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from rdflib import Literal

from kg.explore import write_explorer, write_html
from kg.load import load_graph
from kg.namespaces import ID, RDFS
from kg.project import load_projection, undirected
from kg.text import fold

pytestmark = pytest.mark.browser

OUTPUT = Path(__file__).resolve().parents[1] / "test-results" / "explore-browser"
TOKAYEV = "kgi:kassym-jomart-tokayev"
RAIL_MOU = "agreement:rail-cooperation-mou-2022"
FADED = "#e4e7eb"
EVIL = "Tokayev <img src=x onerror=alert(1)></script><script>alert(2)</script>"


@pytest.fixture(scope="module")
def projection() -> nx.MultiDiGraph:
    return load_projection()


@pytest.fixture(scope="module")
def page_file(tmp_path_factory) -> Path:
    return write_explorer(tmp_path_factory.mktemp("explorer") / "explorer.html").path


@dataclass
class Visit:
    """An open page and everything it did: requests, console messages, uncaught errors, dialogs."""

    page: Any
    url: str
    requests: list[str] = field(default_factory=list)
    console: list[tuple[str, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def js(self, expression: str, arg: Any = None) -> Any:
        return self.page.evaluate(expression, arg)

    def wait_until(self, expression: str, timeout: float = 30.0) -> Any:
        """Poll ``expression`` (a function) until truthy (wait_for_function would eval a string: the CSP forbids it)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = self.js(expression)
            if value:
                return value
            time.sleep(0.02)
        raise AssertionError(f"timed out waiting for {expression}; console: {self.console}; errors: {self.errors}")

    def state(self) -> dict[str, Any]:
        return self.js("() => kgExplorer.state()")

    def screenshot(self, name: str) -> Path:
        OUTPUT.mkdir(parents=True, exist_ok=True)
        path = OUTPUT / f"{name}.png"
        self.page.screenshot(path=str(path))
        return path

    def click_node(self, node: str) -> None:
        """Centre the view on ``node`` (no selection), then click with the mouse on a point of it
        that no other node covers (its centre, or else a point near it)."""
        self.js("(id) => kgExplorer.focus(id)", node)
        self.page.wait_for_timeout(100)
        centre = self.js("(id) => kgExplorer.domPosition(id)", node)
        offsets = [(0, 0)] + [(dx, dy) for dx in (-6, 0, 6) for dy in (-6, 0, 6) if dx or dy]
        points = [{"x": centre["x"] + dx, "y": centre["y"] + dy} for dx, dy in offsets]
        point = next((p for p in points if self.js("(p) => kgExplorer.nodeAt(p)", p) == node), None)
        assert point is not None, f"{node} is covered by other nodes at every point tried"
        self.click_canvas(point)

    def click_edge(self, edge: str, near: str) -> None:
        """Centre the view on node ``near``, then click a point of ``edge`` where no node is."""
        self.js("(id) => kgExplorer.focus(id)", near)
        self.page.wait_for_timeout(100)
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


def open_page(browser: Any, path: Path) -> Visit:
    context = browser.new_context(viewport={"width": 1400, "height": 860})
    page = context.new_page()
    visit = Visit(page, path.resolve().as_uri())
    page.on("request", lambda request: visit.requests.append(request.url))
    page.on("console", lambda message: visit.console.append((message.type, message.text)))
    page.on("pageerror", lambda error: visit.errors.append(str(error)))
    page.on("dialog", lambda dialog: (visit.dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(visit.url)
    visit.wait_until("() => !!(window.kgExplorer && kgExplorer.state().stabilised)")
    return visit


@pytest.fixture
def visit(browser, page_file) -> Iterator[Visit]:
    opened = open_page(browser, page_file)
    yield opened
    opened.page.context.close()


def assert_clean(visit: Visit) -> None:
    assert visit.requests == [visit.url], "the page asked for something besides itself"
    assert [text for kind, text in visit.console if kind in {"error", "warning"}] == []
    assert visit.errors == []
    assert visit.dialogs == []


# --------------------------------------------------------------------------- opening


def test_opens_from_disk_with_no_other_request_and_no_console_error(visit):
    stabilised_ms = visit.state()["stabilisedAt"]
    visit.screenshot("opened")
    assert_clean(visit)
    assert visit.js("() => document.documentElement.lang") == "en"
    assert visit.page.locator("#busy").is_hidden()
    assert 0 < stabilised_ms < 30_000, f"layout settled {stabilised_ms:.0f} ms after navigation"


def test_draws_every_node_and_edge_of_the_projection(visit, projection):
    assert visit.js("() => kgExplorer.drawn()") == {
        "nodes": projection.number_of_nodes(),
        "edges": projection.number_of_edges(),
    }
    assert visit.page.locator("#counts").inner_text() == (
        f"{projection.number_of_nodes()} of {projection.number_of_nodes()} nodes, "
        f"{projection.number_of_edges()} of {projection.number_of_edges()} edges shown"
    )


def test_layout_stops_after_settling_and_the_button_runs_it_again(visit):
    before = visit.js("() => kgExplorer.state().layoutRuns")
    positions = visit.js("() => { const n = kgExplorer.domPosition('kgi:iran'); return [n.x, n.y]; }")
    visit.page.wait_for_timeout(300)
    assert visit.js("() => { const n = kgExplorer.domPosition('kgi:iran'); return [n.x, n.y]; }") == positions
    visit.page.click("#relayout")
    visit.wait_until(f"() => kgExplorer.state().stabilised && kgExplorer.state().layoutRuns === {before + 1}")
    assert visit.page.locator("#busy").is_hidden()
    assert_clean(visit)


# --------------------------------------------------------------------------- search


def test_typing_tokayev_with_arabic_kaf_and_yeh_finds_and_focuses_him(visit, projection):
    visit.page.click("#search")
    visit.page.keyboard.type("توكايف")  # U+0643 Arabic kaf, U+064A Arabic yeh
    first = visit.page.locator("#results li").first
    assert first.get_attribute("data-id") == TOKAYEV
    assert "Kassym-Jomart Tokayev" in first.inner_text()
    visit.page.keyboard.press("Enter")
    visit.wait_until(f"() => kgExplorer.state().selected === '{TOKAYEV}'")
    assert visit.page.locator("#panel-body h2").inner_text() == "Kassym-Jomart Tokayev"
    neighbour = next(iter(undirected(projection).adj[TOKAYEV]))
    stranger = next(n for n in projection if n not in undirected(projection).adj[TOKAYEV] and n != TOKAYEV)
    assert visit.js("(id) => kgExplorer.colorOf(id)", neighbour) != FADED
    assert visit.js("(id) => kgExplorer.colorOf(id)", stranger) == FADED
    visit.wait_until("() => !kgExplorer.state().animating")
    visit.screenshot("search-tokayev")
    assert_clean(visit)


def test_the_page_folds_text_exactly_as_python_does(visit):
    samples = [
        "توكايف",
        "قاسم‌ژومارت توکایف",
        "رئيس‌جمهور",
        "رئیس جمهور",
        "۱۴۰۰ و ١٤٠٠ و 1400",
        "Nicolás MADURO",
        "ﻗﺰاﻗﺴﺘﺎن",  # presentation forms
        "آلماتی، «آلمانی»؟",
        "مُحَمَّد",
        "Straße – Ærø ǅ ﬁ",
        "\u200fRLM\u200e\u00a0tab\tnew\nline",
        "كيان\u0640\u0640ي",
        "क्षि",  # Devanagari: a virama (combining) and a vowel sign (not combining)
        "กิ שָׁלוֹם Ἀθῆναι Йошкар-Ола",
        "ＡＢＣ １２３ 👍🏽 İstanbul",
        "\u3000\u2003\u1680\u0085",  # spaces of other scripts
    ]
    assert visit.js("(xs) => xs.map(kgExplorer.fold)", samples) == [fold(s) for s in samples]


# --------------------------------------------------------------------------- panel


def test_clicking_an_agreement_shows_its_parties_and_its_quoted_sentence(visit, projection):
    visit.click_node(RAIL_MOU)
    visit.wait_until(f"() => kgExplorer.state().selected === '{RAIL_MOU}'")
    text = visit.panel_text()
    parties = [v for _, v, p in projection.out_edges(RAIL_MOU, data="prop") if p == "kg:party"]
    assert len(parties) == 2
    for party in parties:
        assert projection.nodes[party]["label_en"] in text
    article = projection.graph["text"]
    others = {
        s for n in projection if n.startswith("agreement:") and n != RAIL_MOU for s in projection.nodes[n]["mentions"]
    }
    own = [s for s in projection.nodes[RAIL_MOU]["mentions"] if s not in others]
    marks = visit.page.locator("#panel-body blockquote mark").all_inner_texts()
    assert article[own[0][0] : own[0][1]] == "یادداشت تفاهم همکاری میان راه آهن ایران و شرکت سهامی راه آهن ملی قزاقستان"
    for begin, end in own:
        assert article[begin:end] in marks
    visit.screenshot("agreement")
    assert_clean(visit)


def test_clicking_an_edge_shows_the_triple(visit, projection):
    edge = visit.js(
        """() => JSON.parse(document.getElementById('kg-edges').textContent)
             .find((e) => e.from === 'agreement:rail-cooperation-mou-2022' && e.prop === 'kg:party').id"""
    )
    visit.click_edge(edge, near=RAIL_MOU)
    visit.wait_until(f"() => kgExplorer.state().selectedEdge === '{edge}'")
    text = visit.panel_text()
    assert projection.nodes[RAIL_MOU]["label_en"] in text
    assert "—party→" in text and "kg:party" in text


def test_a_slip_shows_the_claim_the_correction_and_the_reason(visit, projection):
    slip = "slip:berdimuhamedow-country"
    visit.js("(id) => kgExplorer.selectNode(id)", slip)
    box = visit.page.locator("#panel-body .slip-box").first
    text = box.inner_text()
    literals = projection.nodes[slip]["literals"]
    written = next(lit["text"] for lit in literals if lit["prop"] == "kg:writtenForm")
    reason = next(lit["text"] for lit in literals if lit["prop"] == "kg:reason" and lit["lang"] == "en")
    assert written in text and reason in text
    assert visit.page.locator("#panel-body .claimed").inner_text().endswith("President of Tajikistan")
    assert visit.page.locator("#panel-body .corrected").inner_text().endswith("President of Turkmenistan")
    visit.screenshot("slip")


def test_the_article_tab_marks_every_mention_of_the_selection(visit, projection):
    visit.js("(id) => kgExplorer.selectNode(id)", TOKAYEV)
    visit.page.click("#tab-article")
    article = projection.graph["text"]
    merged: list[list[int]] = []
    for begin, end in sorted(projection.nodes[TOKAYEV]["mentions"]):
        if merged and begin <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([begin, end])
    assert visit.page.locator("#article-text mark").all_inner_texts() == [article[b:e] for b, e in merged]
    assert visit.js("() => getComputedStyle(document.getElementById('article-text')).direction") == "rtl"
    visit.screenshot("article")


# --------------------------------------------------------------------------- language and filters


def test_the_language_toggle_changes_labels_and_direction(visit):
    visit.js("(id) => kgExplorer.selectNode(id)", TOKAYEV)
    assert visit.js("(id) => kgExplorer.labelOf(id)", TOKAYEV) == "Kassym-Jomart Tokayev"
    visit.page.click("#lang")
    assert visit.js("(id) => kgExplorer.labelOf(id)", TOKAYEV) == "قاسم‌ژومارت توکایف"
    assert visit.js("() => [document.documentElement.lang, getComputedStyle(document.body).direction]") == ["fa", "rtl"]
    assert visit.page.locator("#panel-body h2").inner_text() == "قاسم‌ژومارت توکایف"
    assert "شخص" in visit.page.locator("#legend").inner_text()
    assert visit.page.locator("#lang").inner_text() == "English"
    visit.wait_until("() => !kgExplorer.state().animating")
    visit.screenshot("persian")
    visit.page.click("#lang")
    assert visit.js("(id) => kgExplorer.labelOf(id)", TOKAYEV) == "Kassym-Jomart Tokayev"
    assert_clean(visit)


def test_class_filter_and_k_hop_neighbourhood(visit, projection):
    statements = {n for n, g in projection.nodes(data="group") if g == "statement"}
    visit.page.click("#legend input[data-group='statement']")
    kept_edges = [1 for u, v in projection.edges() if u not in statements and v not in statements]
    assert visit.js("() => kgExplorer.drawn()") == {
        "nodes": projection.number_of_nodes() - len(statements),
        "edges": len(kept_edges),
    }
    visit.page.click("#all-classes")
    assert visit.js("() => kgExplorer.drawn()")["nodes"] == projection.number_of_nodes()
    visit.js("(id) => kgExplorer.selectNode(id)", TOKAYEV)
    visit.page.check("#hop")
    simple = undirected(projection)
    for k in (1, 2):
        visit.page.fill("#hops", str(k))
        ball = nx.ego_graph(simple, TOKAYEV, radius=k)
        assert visit.js("() => kgExplorer.drawn()")["nodes"] == ball.number_of_nodes(), k
    visit.screenshot("two-hops")


# --------------------------------------------------------------------------- safety


def test_a_hostile_label_shows_as_text_and_runs_nothing(browser, tmp_path):
    graph = load_graph()
    graph.remove((ID["kassym-jomart-tokayev"], RDFS.label, Literal("Kassym-Jomart Tokayev", lang="en")))
    graph.add((ID["kassym-jomart-tokayev"], RDFS.label, Literal(EVIL, lang="en")))
    path = tmp_path / "evil.html"
    write_html(graph, path)
    visit = open_page(browser, path)
    try:
        visit.page.click("#search")
        visit.page.keyboard.type("tokayev <img")
        assert EVIL in visit.page.locator("#results li").first.inner_text()
        visit.page.keyboard.press("Enter")
        visit.wait_until(f"() => kgExplorer.state().selected === '{TOKAYEV}'")
        assert visit.page.locator("#panel-body h2").inner_text() == EVIL
        visit.wait_until("() => !kgExplorer.state().animating")
        point = visit.js("(id) => kgExplorer.domPosition(id)", TOKAYEV)
        assert visit.js("(p) => kgExplorer.nodeAt(p)", point) == TOKAYEV
        box = visit.page.locator("#graph").bounding_box()
        visit.page.mouse.move(box["x"] + point["x"], box["y"] + point["y"])
        tooltip = visit.page.locator("div.vis-tooltip")
        tooltip.wait_for(state="visible", timeout=5000)
        assert EVIL in tooltip.inner_text()  # the hover title, as text
        assert visit.js("() => document.querySelectorAll('img').length") == 0
        assert visit.js("() => document.scripts.length") == 6
        visit.screenshot("hostile-label")
        assert_clean(visit)
    finally:
        visit.page.context.close()
