"""The publication's pages in a real Chromium: no console error, no request off the page, axe-core clean,
and the search box and the question forms' autocomplete as a reader uses them.

The session's one ``kg serve`` (conftest.py) and the session's Chromium (conftest.py).
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = [pytest.mark.server, pytest.mark.browser]

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
#: One page of each kind, both languages: entity, class, property, concept, span, ontology docs, dataset, search, 404.
PAGES = [
    "id/kazakhstan", "ontology/Country", "ontology/locatedIn", "id/concept/tonne", "id/span/67-75",
    "id/statement/tokayev-hope", "ontology", "dataset", "ext/schema/value",
]  # fmt: skip


@pytest.fixture(scope="module")
def context(browser: Any) -> Iterator[Any]:
    each = browser.new_context(viewport={"width": 1280, "height": 900})
    yield each
    each.close()


@pytest.fixture(scope="module")
def axe_context(browser: Any) -> Iterator[Any]:
    """A context that may inject axe-core inline: the pages' CSP runs only the site's own scripts."""
    each = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    yield each
    each.close()


class Visit:
    """A page opened with its console errors and every request it made recorded."""

    def __init__(self, context: Any, url: str) -> None:
        self.page = context.new_page()
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.response = self.page.goto(url)
        self.page.wait_for_load_state("load")

    def off_site(self, site: str) -> list[str]:
        host = urllib.parse.urlsplit(site).netloc
        return [u for u in self.requests if urllib.parse.urlsplit(u).netloc != host]


def _urls(site: str) -> list[str]:
    return [f"{site}{page}{suffix}" for page in PAGES for suffix in (".html", ".fa.html")] + [
        f"{site}search.html?q=kazakh&lang=en",
        f"{site}search.html?q=%D9%82%D8%B2%D8%A7%D9%82&lang=fa",
        f"{site}id/no-such-thing",
        f"{site}q/cq04-statements-by-speaker?speaker=kgi%3Akassym-jomart-tokayev&lang=fa",
    ]


@pytest.mark.slow  # some 20 pages in a browser
def test_every_kind_of_page_in_both_languages_loads_clean_and_stays_on_the_site(site, context):
    problems = {}
    for url in _urls(site):
        visit = Visit(context, url)
        try:
            lang = visit.page.get_attribute("html", "lang")
            wanted = "fa" if (".fa.html" in url or "lang=fa" in url) else "en"
            expected = 404 if "no-such-thing" in url else 200
            found = [e for e in visit.errors if "404" not in e or expected != 404]
            if visit.response.status != expected or lang != wanted or found or visit.off_site(site):
                problems[url] = (visit.response.status, lang, found, visit.off_site(site))
        finally:
            visit.page.close()
    assert problems == {}


@pytest.mark.parametrize(
    "path",
    [
        "id/kazakhstan.html",
        "id/kazakhstan.fa.html",
        "ontology/Country.html",
        "ontology/Country.fa.html",
        "id/statement/tokayev-hope.html",
        "id/statement/tokayev-hope.fa.html",
        "search.html?q=tokayev&lang=en",
        "search.html?q=%D8%AA%D9%88%DA%A9%D8%A7%DB%8C%D9%81&lang=fa",
        "q/cq04-statements-by-speaker?lang=en",
        "q/cq04-statements-by-speaker?lang=fa",
    ],
)
def test_axe_finds_nothing_critical_or_serious(site, axe_context, path):
    visit = Visit(axe_context, site + path)
    try:
        visit.page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
        violations = visit.page.evaluate(
            """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
                 .map((v) => [v.id, v.impact, v.nodes.length, v.nodes[0].target.join(' ')])"""
        )
        assert [v for v in violations if v[1] in ("critical", "serious")] == []
    finally:
        visit.page.close()


def _label(graph: Any, name: str, lang: str) -> str:
    from kg.namespaces import ID, RDFS

    return next(str(o) for o in graph.objects(ID[name], RDFS.label) if o.language == lang)


def test_the_search_box_suggests_in_persian_and_opens_the_page(site, context, graph):
    tokayev = _label(graph, "kassym-jomart-tokayev", "fa")
    visit = Visit(context, site + "id/kazakhstan.fa.html")
    try:
        visit.page.fill("#site-search", "توكايف")  # Arabic kaf and yeh
        first = visit.page.locator("#site-search-list li").first
        first.wait_for()
        assert first.locator("a").text_content() == tokayev
        visit.page.keyboard.press("ArrowDown")
        visit.page.keyboard.press("Enter")
        visit.page.wait_for_url("**/id/kassym-jomart-tokayev.fa.html")
        assert visit.page.locator("h1").text_content() == tokayev
        assert visit.errors == []
    finally:
        visit.page.close()


def test_a_question_takes_an_entity_by_name_and_keeps_its_iri(site, context, graph):
    visit = Visit(context, site + "q/cq04-statements-by-speaker?lang=en")
    try:
        field = visit.page.locator('input[name="speaker"]')
        field.fill("Tokayev")
        option = visit.page.locator("ul.suggestions li").first
        option.wait_for()
        assert option.locator("a").text_content() == _label(graph, "kassym-jomart-tokayev", "en")
        option.locator("a").click()
        assert field.input_value() == "kgi:kassym-jomart-tokayev"
        visit.page.click("form.params button[type=submit]")
        visit.page.wait_for_load_state("load")
        assert "speaker=kgi%3Akassym-jomart-tokayev" in visit.page.url
        assert visit.page.locator("table.result tbody tr").count() > 0
    finally:
        visit.page.close()


@pytest.mark.parametrize(("typed", "lang"), [("Tokayev", "en"), ("توکایف", "fa")])
def test_a_name_typed_without_choosing_is_read_as_its_iri(site, context, typed, lang):
    url = site + "q/cq04-statements-by-speaker?" + urllib.parse.urlencode({"speaker": typed, "lang": lang})
    visit = Visit(context, url)
    try:
        assert visit.response.status == 200
        assert visit.page.locator('input[name="speaker"]').input_value() == "kgi:kassym-jomart-tokayev"
        assert visit.page.locator("table.result tbody tr").count() > 0
    finally:
        visit.page.close()
