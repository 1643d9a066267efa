"""A reader of Persian on a phone (390 x 844, Chromium): no page wider than the screen, the explorer in
Persian from every Persian link to it, and the endpoint's own page in the reader's language.

The session's kg serve (conftest.py) and the static site of the run's one ``kg build``, opened from disk. Each page
is loaded once, in one lent phone page per site (fixtures ``served`` and ``static``), and read by several tests.
"""

from __future__ import annotations

import http.client
import re
import urllib.parse
from dataclasses import dataclass, field

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.server]

#: The width of the page (its scrolling width) and of the screen, the <html lang>, the text of <main> and the titles
#: of its links.
READ = """() => [document.documentElement.scrollWidth, window.innerWidth, document.documentElement.lang,
    document.querySelector('main')?.innerText ?? '',
    [...document.querySelectorAll('main a[title]')].map(a => a.title),
    Math.min(...[...document.querySelectorAll('.statements td:first-child, .constraints td:last-child')]
        .map(td => td.offsetWidth), 9999)]"""

#: Pages of kg serve no wider than the phone.
NARROW = [
    "/ontology.fa.html",  # the ontology documentation: its tables of IRIs were 788 px wide
    "/ontology.html",
    "/vocabularies.fa.html",
    "/dataset.fa.html",
    "/id/kazakhstan.fa.html",
    "/id/kazakhstan.html",  # its Persian sentences' numbers sat outside the list, 409 px
    "/id/kassym-jomart-tokayev.html",
    "/ontology/Country.fa.html",
    "/q/cq08-trade-figures?lang=fa",
    "/query?lang=fa",
]
#: Pages whose standard terms are named in the page's language (shown), their prefixed names only in link titles.
TERMS = [
    ("/id/kazakhstan.fa.html", ["یکسان با", "یادداشت ویراستار"], ["owl:sameAs", "skos:editorialNote"]),
    ("/id/kassym-jomart-tokayev.fa.html", ["یکسان با"], ["owl:sameAs"]),
    ("/ontology/Country.fa.html", ["زیرردهٔ", "جدا از", "تعریف‌شده در"], ["rdfs:subClassOf", "owl:disjointWith"]),
    ("/id/concept/tonne.fa.html", ["در طرح", "هم‌ارز دقیق", "نماد"], ["skos:exactMatch", "skos:inScheme"]),
    ("/id/kazakhstan.html", ["same as", "editorial note"], ["owl:sameAs"]),
]
#: Pages whose every link to the explorer opens it in the page's language.
EXPLORER_LINKS = [
    ("/id/kazakhstan.fa.html", "fa"),  # the menu and "Show in explorer"
    ("/q/cq01-agreements-and-parties?lang=fa", "fa"),  # the menu, the table's ◎ links and "Show in explorer"
    ("/search.html?q=tokayev&lang=fa", "fa"),
    ("/id/kazakhstan.html", "en"),
]
#: Pages of the static site (opened from disk) no wider than the phone.
STATIC = ["sparql.fa.html", "sparql.html", "index.fa.html", "ontology.fa.html", "id/kazakhstan.fa.html"]


@dataclass
class Read:
    """What a page showed on the phone (see :data:`READ`), its links to the explorer, and the ``<html lang>`` and
    title of the explorer opened from one of them."""

    width: int
    screen: int
    lang: str
    text: str
    titles: list[str]
    statement: int  # the narrowest statement or constraint's rule in the page's tables of them, px (9999: none)
    links: list[str] = field(default_factory=list)
    explorer: tuple[str, str] | None = None


def _read(tab, url: str, explorer: bool = False) -> Read:
    tab.page.goto(url)
    read = Read(*tab.page.evaluate(READ))
    if explorer:
        read.links = _links_to_the_explorer(tab.page.content())
        node = next((link for link in read.links if "node=" in link), read.links[-1] if read.links else None)
        if node is not None:
            tab.page.goto(urllib.parse.urljoin(url, node))
            read.explorer = (tab.page.evaluate("() => document.documentElement.lang"), tab.page.title())
    return read


def _links_to_the_explorer(html: str) -> list[str]:
    return [h.replace("&amp;", "&") for h in re.findall(r'href="([^"]*explorer(?:\.html)?#[^"]*)"', html)]


@pytest.fixture(scope="module")
def served(site, tabs) -> dict[str, Read]:
    """Every page of kg serve of this module's lists, each loaded once in one lent phone page, keyed by path."""
    linked = {path for path, _ in EXPLORER_LINKS}
    paths = dict.fromkeys([*NARROW, *(path for path, _, _ in TERMS), *linked])
    with tabs.open("phone") as tab:
        return {path: _read(tab, site.rstrip("/") + path, explorer=path in linked) for path in paths}


@pytest.fixture(scope="module")
def static(built, tabs) -> dict[str, Read]:
    """The static site's pages of :data:`STATIC`, opened from disk in one lent phone page, keyed by path."""
    with tabs.open("phone") as tab:
        return {
            page: _read(tab, (built.folder / "site" / page).as_uri(), explorer=page == "id/kazakhstan.fa.html")
            for page in STATIC
        }


@pytest.mark.parametrize("path", NARROW)
def test_no_page_of_kg_serve_is_wider_than_a_phone(served, path):
    page = served[path]
    assert page.width <= page.screen == 390, f"{path}: {page.width} px on a {page.screen} px screen"
    assert page.lang == ("fa" if "fa" in path else "en")


@pytest.mark.parametrize("path", ["/id/kazakhstan.fa.html", "/id/kazakhstan.html", "/ontology/Country.fa.html"])
def test_an_entity_pages_statements_are_cards_as_wide_as_the_phone(served, path):
    """The statements table kept three columns: the statement got some 80 px, a word a line (the page 11 600 px);
    a class's constraints (four columns) are cards too."""
    assert served[path].statement != 9999 and served[path].statement >= served[path].screen * 2 // 3, served[path]


@pytest.mark.slow
@pytest.mark.parametrize("page", STATIC)
def test_no_page_of_the_static_site_is_wider_than_a_phone(static, page):
    """sparql.fa.html's question list (its longest option) made the page 572 px wide."""
    read = static[page]
    assert read.width <= read.screen, f"{page}: {read.width} px on a {read.screen} px screen"


@pytest.mark.parametrize(("path", "shown", "hidden"), TERMS)
def test_standard_terms_are_named_in_the_pages_language(served, path, shown, hidden):
    """A Persian page names owl:sameAs «یکسان با», not by its prefixed name, which stays as the link's title."""
    page = served[path]
    for name in shown:
        assert name in page.text, (path, name)
    for curie in hidden:
        assert curie not in page.text and curie in page.titles, (path, curie)


@pytest.mark.parametrize(("path", "lang"), EXPLORER_LINKS)
def test_every_link_to_the_explorer_opens_it_in_the_pages_language(served, path, lang):
    links = served[path].links
    assert links, path
    assert all(f"lang={lang}" in urllib.parse.urlsplit(link).fragment for link in links), links
    shown_lang, title = served[path].explorer
    assert shown_lang == lang
    assert title != "" and ("ایران" in title) is (lang == "fa")


@pytest.mark.slow
def test_the_static_sites_links_to_the_explorer_open_it_in_persian(built, static):
    page = built.folder / "site" / "id" / "kazakhstan.fa.html"
    links = _links_to_the_explorer(page.read_text(encoding="utf-8"))
    assert len(links) >= 2 and all(urllib.parse.urlsplit(link).fragment.startswith("lang=fa") for link in links)
    assert static["id/kazakhstan.fa.html"].links == links
    assert static["id/kazakhstan.fa.html"].explorer[0] == "fa"


def _ask(site: str, method: str, path: str) -> tuple[int, dict[str, str], str]:
    parts = urllib.parse.urlsplit(site)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    try:
        connection.request(method, path, headers={"Accept": "text/html"})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read().decode("utf-8")
    finally:
        connection.close()


@pytest.mark.parametrize(("query", "lang"), [("?lang=fa", "fa"), ("?lang=en", "en"), ("", "en")])
def test_the_endpoints_own_page_is_its_service_description_in_the_readers_language(site, query, lang):
    status, headers, body = _ask(site, "GET", "/query" + query)
    assert status == 200 and headers["content-type"].startswith("text/html")
    assert f'<html lang="{lang}"' in body and "sd:Service" in body


@pytest.mark.parametrize("query", ["?default-graph-uri=urn:x", "?lang=fa&named-graph-uri=urn:x", "?query="])
def test_a_protocol_request_without_a_query_is_still_refused(site, query):
    assert _ask(site, "GET", "/query" + query)[0] == 400


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("OPTIONS", "/query", {"GET", "HEAD", "POST"}),
        ("DELETE", "/id/kazakhstan.ttl", {"GET", "HEAD"}),
        ("PUT", "/id/kazakhstan", {"GET", "HEAD"}),
        ("POST", "/search", {"GET", "HEAD"}),
        ("PATCH", "/", {"GET", "HEAD"}),
    ],
)
def test_a_method_not_allowed_says_which_are(site, method, path, allowed):
    """RFC 9110 §15.5.6: a 405 names the methods the resource allows."""
    status, headers, _ = _ask(site, method, path)
    assert status == 405
    assert {m.strip() for m in headers["allow"].split(",")} == allowed
