"""/search described for machines (OpenSearch 1.1): the documents, and following them on a real kg serve."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET

import pytest

from kg.namespaces import BASE
from kg.publish.opensearch import EXAMPLES, MEDIA_TYPE, SUGGESTIONS, description, document_name

NS = {"os": "http://a9.com/-/spec/opensearch/1.1/"}
TOKAYEV = BASE + "id/kassym-jomart-tokayev"


def _read(xml: str) -> tuple[ET.Element, dict[str, str]]:
    root = ET.fromstring(xml.encode("utf-8"))
    assert root.tag == "{http://a9.com/-/spec/opensearch/1.1/}OpenSearchDescription"
    urls = {u.get("type"): u.get("template") for u in root.findall("os:Url", NS)}
    return root, urls


@pytest.mark.parametrize("lang", ["en", "fa"])
@pytest.mark.parametrize("static", [False, True])
def test_each_document_is_valid_opensearch_in_its_language(lang, static):
    root, urls = _read(description("https://example.org/kg/", lang, static=static))
    name, text = root.findtext("os:ShortName", namespaces=NS), root.findtext("os:Description", namespaces=NS)
    assert 0 < len(name) <= 16 and 0 < len(text) <= 1024  # the spec's limits
    assert root.findtext("os:Language", namespaces=NS) == lang
    persian = any("\u0600" <= c <= "\u06ff" for c in name + text)
    assert persian is (lang == "fa")
    assert urls[MEDIA_TYPE] == "https://example.org/kg/" + document_name(lang)  # rel="self"
    for template in urls.values():
        assert template.startswith("https://example.org/kg/")
    page = urls["text/html"]
    assert "{searchTerms}" in page
    if static:
        assert set(urls) == {"text/html", MEDIA_TYPE}  # no server: the page searches in the browser
        assert (
            page
            == "https://example.org/kg/" + ("search.fa.html" if lang == "fa" else "search.html") + "?q={searchTerms}"
        )
    else:
        assert urls["application/json"] == f"https://example.org/kg/search?q={{searchTerms}}&lang={lang}"
        assert urls[SUGGESTIONS].endswith("&format=suggestions")
    assert root.find("os:Query", NS).get("searchTerms") == EXAMPLES[lang]


def test_an_unknown_language_is_refused():
    with pytest.raises(ValueError, match="unknown language"):
        description("https://example.org/", "de")


def _get(url: str) -> tuple[int, str, bytes]:
    with urllib.request.urlopen(url, timeout=60) as response:
        return response.status, response.headers.get("content-type", ""), response.read()


def _fill(template: str, terms: str) -> str:
    return template.replace("{searchTerms}", urllib.parse.quote(terms))


@pytest.mark.server
@pytest.mark.parametrize("lang", ["en", "fa"])
def test_kg_serve_pages_link_the_document_and_its_templates_answer(site, lang):
    """Found as a browser finds it: the page's rel="search" link, then each template filled with the example."""
    site = site.rstrip("/")
    page = _get(f"{site}/id/kazakhstan{'.fa' if lang == 'fa' else ''}.html")[2].decode("utf-8")
    href = f"/{document_name(lang)}"
    assert f'<link rel="search" type="{MEDIA_TYPE}" href="{href}"' in page
    status, media, body = _get(site + href)
    assert (status, media) == (200, f"{MEDIA_TYPE}; charset=utf-8")
    _, urls = _read(body.decode("utf-8"))
    assert urls["application/json"].startswith(site + "/search?")
    for terms in (EXAMPLES[lang], "tokayev", "توكايف"):  # either script, Arabic kaf and yeh folded
        found = json.loads(_get(_fill(urls["application/json"], terms))[2])
        assert found[0]["iri"] == TOKAYEV, terms
    status, media, body = _get(_fill(urls[SUGGESTIONS], EXAMPLES[lang]))
    query, labels, kinds, links = json.loads(body)
    assert (media, query) == (SUGGESTIONS, EXAMPLES[lang])
    assert len(labels) == len(kinds) == len(links) >= 1
    assert links[0] == f"{site}/id/kassym-jomart-tokayev{'.fa' if lang == 'fa' else ''}.html"
    assert _get(links[0])[0] == 200
    html = _get(_fill(urls["text/html"], EXAMPLES[lang]))[2].decode("utf-8")
    assert "kassym-jomart-tokayev" in html


@pytest.mark.server
def test_the_dataset_description_points_at_the_document(site):
    site = site.rstrip("/")
    request = urllib.request.Request(site + "/dataset", headers={"Accept": "application/n-triples"})
    with urllib.request.urlopen(request, timeout=60) as response:
        body = response.read().decode("utf-8")
    assert f"<{BASE}dataset> <http://rdfs.org/ns/void#openSearchDescription> <{BASE}opensearch.xml> ." in body
