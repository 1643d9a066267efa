"""The publication's pages in a real Chromium: no console error, no request off the page, axe-core clean,
and the search box and the question forms' autocomplete as a reader uses them.

The session's one ``kg serve`` (conftest.py) and the session's Chromium (conftest.py).
"""

from __future__ import annotations

import urllib.parse
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


#: The size the pages are read at here.
LAPTOP = (1280, 900)


class Visit:
    """A page opened in a lent tab (the session's, tests/chromium.py) with its console errors and every
    request it made recorded; ``bypass_csp`` for a page that may inject axe-core inline (the pages' CSP runs
    only the site's own scripts). ``close()`` gives the tab back."""

    def __init__(self, tabs: Any, url: str, bypass_csp: bool = False) -> None:
        options = {"bypass_csp": True} if bypass_csp else {}
        self.tab = tabs.lend("laptop", viewport=LAPTOP, **options)
        self.page = self.tab.page
        self.requests = self.tab.requests
        try:
            self.response = self.page.goto(url)
            self.page.wait_for_load_state("load")
        except BaseException:
            self.tab.close()
            raise

    @property
    def errors(self) -> list[str]:
        return [text for kind, text in self.tab.console if kind == "error"] + self.tab.errors

    def off_site(self, site: str) -> list[str]:
        host = urllib.parse.urlsplit(site).netloc
        return [u for u in self.requests if urllib.parse.urlsplit(u).netloc != host]

    def close(self) -> None:
        self.tab.close()


def _urls(site: str) -> list[str]:
    return [f"{site}{page}{suffix}" for page in PAGES for suffix in (".html", ".fa.html")] + [
        f"{site}search.html?q=kazakh&lang=en",
        f"{site}search.html?q=%D9%82%D8%B2%D8%A7%D9%82&lang=fa",
        f"{site}id/no-such-thing",
        f"{site}q/cq04-statements-by-speaker?speaker=kgi%3Akassym-jomart-tokayev&lang=fa",
    ]


@pytest.mark.slow  # some 20 pages in a browser
def test_every_kind_of_page_in_both_languages_loads_clean_and_stays_on_the_site(site, tabs):
    problems = {}
    for url in _urls(site):
        visit = Visit(tabs, url)
        try:
            lang = visit.page.get_attribute("html", "lang")
            wanted = "fa" if (".fa.html" in url or "lang=fa" in url) else "en"
            expected = 404 if "no-such-thing" in url else 200
            found = [e for e in visit.errors if "404" not in e or expected != 404]
            if visit.response.status != expected or lang != wanted or found or visit.off_site(site):
                problems[url] = (visit.response.status, lang, found, visit.off_site(site))
        finally:
            visit.close()
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
def test_axe_finds_nothing_critical_or_serious(site, tabs, path):
    visit = Visit(tabs, site + path, bypass_csp=True)
    try:
        visit.page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
        violations = visit.page.evaluate(
            """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
                 .map((v) => [v.id, v.impact, v.nodes.length, v.nodes[0].target.join(' ')])"""
        )
        assert [v for v in violations if v[1] in ("critical", "serious")] == []
    finally:
        visit.close()


def _label(graph: Any, name: str, lang: str) -> str:
    from kg.namespaces import ID, RDFS

    return next(str(o) for o in graph.objects(ID[name], RDFS.label) if o.language == lang)


def test_the_search_box_suggests_in_persian_and_opens_the_page(site, tabs, graph):
    tokayev = _label(graph, "kassym-jomart-tokayev", "fa")
    visit = Visit(tabs, site + "id/kazakhstan.fa.html")
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
        visit.close()


def test_a_question_takes_an_entity_by_name_and_keeps_its_iri(site, tabs, graph):
    visit = Visit(tabs, site + "q/cq04-statements-by-speaker?lang=en")
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
        visit.close()


@pytest.mark.parametrize(("typed", "lang"), [("Tokayev", "en"), ("توکایف", "fa")])
def test_a_name_typed_without_choosing_is_read_as_its_iri(site, tabs, typed, lang):
    url = site + "q/cq04-statements-by-speaker?" + urllib.parse.urlencode({"speaker": typed, "lang": lang})
    visit = Visit(tabs, url)
    try:
        assert visit.response.status == 200
        assert visit.page.locator('input[name="speaker"]').input_value() == "kgi:kassym-jomart-tokayev"
        assert visit.page.locator("table.result tbody tr").count() > 0
    finally:
        visit.close()
