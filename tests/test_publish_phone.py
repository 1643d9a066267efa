"""A reader of Persian on a phone (390 x 844, Chromium): no page wider than the screen, the explorer in
Persian from every Persian link to it, and the endpoint's own page in the reader's language.

The session's kg serve (conftest.py) and the static site of the run's one ``kg build``, opened from disk.
"""

from __future__ import annotations

import http.client
import re
import urllib.parse

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.server]

#: The width of the page (its scrolling width) and of the screen, and the <html lang>.
MEASURE = "() => [document.documentElement.scrollWidth, window.innerWidth, document.documentElement.lang]"


def _measure(tab, url: str) -> tuple[int, int, str]:
    tab.page.goto(url)
    return tuple(tab.page.evaluate(MEASURE))


@pytest.mark.parametrize(
    "path",
    [
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
    ],
)
def test_no_page_of_kg_serve_is_wider_than_a_phone(site, tabs, path):
    with tabs.open("phone") as tab:
        width, screen, lang = _measure(tab, site.rstrip("/") + path)
    assert width <= screen == 390, f"{path}: {width} px on a {screen} px screen"
    assert lang == ("fa" if "fa" in path else "en")


@pytest.mark.slow
@pytest.mark.parametrize(
    "page", ["sparql.fa.html", "sparql.html", "index.fa.html", "ontology.fa.html", "id/kazakhstan.fa.html"]
)
def test_no_page_of_the_static_site_is_wider_than_a_phone(built, tabs, page):
    """sparql.fa.html's question list (its longest option) made the page 572 px wide."""
    with tabs.open("phone") as tab:
        width, screen, _ = _measure(tab, (built.folder / "site" / page).as_uri())
    assert width <= screen, f"{page}: {width} px on a {screen} px screen"


@pytest.mark.parametrize(
    ("path", "shown", "hidden"),
    [
        ("/id/kazakhstan.fa.html", ["یکسان با", "یادداشت ویراستار"], ["owl:sameAs", "skos:editorialNote"]),
        ("/id/kassym-jomart-tokayev.fa.html", ["یکسان با"], ["owl:sameAs"]),
        ("/ontology/Country.fa.html", ["زیرردهٔ", "جدا از", "تعریف‌شده در"], ["rdfs:subClassOf", "owl:disjointWith"]),
        ("/id/concept/tonne.fa.html", ["در طرح", "هم‌ارز دقیق", "نماد"], ["skos:exactMatch", "skos:inScheme"]),
        ("/id/kazakhstan.html", ["same as", "editorial note"], ["owl:sameAs"]),
    ],
)
def test_standard_terms_are_named_in_the_pages_language(site, tabs, path, shown, hidden):
    """A Persian page names owl:sameAs «یکسان با», not by its prefixed name, which stays as the link's title."""
    with tabs.open("phone") as tab:
        tab.page.goto(site.rstrip("/") + path)
        text = tab.page.evaluate("() => document.querySelector('main').innerText")
        titles = tab.page.evaluate("() => [...document.querySelectorAll('main a[title]')].map(a => a.title)")
    for name in shown:
        assert name in text, (path, name)
    for curie in hidden:
        assert curie not in text and curie in titles, (path, curie)


def _links_to_the_explorer(html: str) -> list[str]:
    return [h.replace("&amp;", "&") for h in re.findall(r'href="([^"]*explorer(?:\.html)?#[^"]*)"', html)]


@pytest.mark.parametrize(
    ("path", "lang"),
    [
        ("/id/kazakhstan.fa.html", "fa"),  # the menu and "Show in explorer"
        ("/q/cq01-agreements-and-parties?lang=fa", "fa"),  # the menu, the table's ◎ links and "Show in explorer"
        ("/search.html?q=tokayev&lang=fa", "fa"),
        ("/id/kazakhstan.html", "en"),
    ],
)
def test_every_link_to_the_explorer_opens_it_in_the_pages_language(site, tabs, path, lang):
    with tabs.open("phone") as tab:
        tab.page.goto(site.rstrip("/") + path)
        links = _links_to_the_explorer(tab.page.content())
        assert links, path
        assert all(f"lang={lang}" in urllib.parse.urlsplit(link).fragment for link in links), links
        node = next((link for link in links if "node=" in link), links[0])
        tab.page.goto(urllib.parse.urljoin(site, node))
        assert tab.page.evaluate("() => document.documentElement.lang") == lang
        assert tab.page.title() != "" and ("ایران" in tab.page.title()) is (lang == "fa")


@pytest.mark.slow
def test_the_static_sites_links_to_the_explorer_open_it_in_persian(built, tabs):
    page = built.folder / "site" / "id" / "kazakhstan.fa.html"
    links = _links_to_the_explorer(page.read_text(encoding="utf-8"))
    assert len(links) >= 2 and all(urllib.parse.urlsplit(link).fragment.startswith("lang=fa") for link in links)
    with tabs.open("phone") as tab:
        tab.page.goto(urllib.parse.urljoin(page.as_uri(), links[-1]))
        assert tab.page.evaluate("() => document.documentElement.lang") == "fa"


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
