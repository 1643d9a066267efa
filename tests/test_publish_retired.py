"""Retired IRIs (docs/identifiers.md): 301 to what replaces them, 410 Gone when nothing does, on a real
``kg serve`` and on the static site under a real Apache httpd."""

from __future__ import annotations

import http.client
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph
import pytest

from apache import error_log, running_apache
from kg.namespaces import BASE
from kg.publish.apache import site_rules
from kg.publish.description import Publication
from kg.publish.retired import apache_rules, retired
from kg.resources import data_path

ID = BASE + "id/"
RETIRED = f"""
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<{ID}kazakstan> owl:deprecated true ; dcterms:isReplacedBy <{ID}kazakhstan> ;
    rdfs:label "Kazakstan (a misspelt IRI)"@en , "قزاقستان (نشانی نادرست)"@fa .
<{ID}kazakh-republic> owl:deprecated "1"^^xsd:boolean ; dcterms:isReplacedBy <{ID}kazakstan> .
<{ID}german-talks> owl:deprecated true ;
    rdfs:label "German talks (a misreading of «آلمانی»)"@en , "مذاکرات آلمانی (خوانش نادرست)"@fa .
<{ID}loop-a> owl:deprecated true ; dcterms:isReplacedBy <{ID}loop-b> .
<{ID}loop-b> owl:deprecated true ; dcterms:isReplacedBy <{ID}loop-a> .
<{ID}to-gone> owl:deprecated true ; dcterms:isReplacedBy <{ID}german-talks> .
<{ID}elsewhere> owl:deprecated true ; dcterms:isReplacedBy <http://www.wikidata.org/entity/Q232> .
<{ID}not-retired> owl:deprecated "yes" ; rdfs:label "kept"@en .
<{ID}also-kept> owl:deprecated false .
<{BASE}ontology#OldTerm> owl:deprecated true .
"""
#: A replacement on another site whose IRI holds what mod_rewrite would read as back-references and escapes.
ODD = "http://x.example/a$1%2Fb%{HTTP_HOST}\\c?d=$2"
EXPECTED = {
    ID + "kazakstan": ID + "kazakhstan",
    ID + "kazakh-republic": ID + "kazakhstan",  # a chain, followed to its end
    ID + "german-talks": None,
    ID + "loop-a": None,  # a loop replaces nothing
    ID + "loop-b": None,
    ID + "to-gone": ID + "german-talks",  # sent to the gone IRI, which says 410
    ID + "elsewhere": "http://www.wikidata.org/entity/Q232",
}


def test_retired_iris_are_found_with_what_finally_replaces_them():
    store = pyoxigraph.Store()
    store.extend(pyoxigraph.parse(RETIRED, format=pyoxigraph.RdfFormat.TURTLE))
    found = retired(Publication(store, datetime(2022, 6, 19, tzinfo=UTC)))
    assert found == EXPECTED  # not "yes", not false, not a hash IRI (its document describes it)


def test_the_apache_rules_are_empty_without_retired_iris():
    assert apache_rules({}) == ""


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("retired") / "article.ttl"
    path.write_text(data_path().read_text(encoding="utf-8") + RETIRED, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def served(data: Path) -> Iterator[str]:
    from kg_serve import SharedSite

    server = SharedSite("--data", str(data))
    try:
        yield server.url().rstrip("/")
    finally:
        server.close()


def _ask(url: str, path: str, accept: str = "*/*", method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    try:
        connection.request(method, parts.path + path, headers={"Accept": accept})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


@pytest.mark.server
@pytest.mark.parametrize(
    ("path", "accept", "location"),
    [
        ("/id/kazakstan", "text/turtle", "/id/kazakhstan"),  # the bare IRI to the bare IRI (which then says 303)
        ("/id/kazakstan.ttl", "*/*", "/id/kazakhstan.ttl"),
        ("/id/kazakstan.fa.html", "text/html", "/id/kazakhstan.fa.html"),
        ("/id/kazakstan.jsonld", "*/*", "/id/kazakhstan.jsonld"),
        ("/id/kazakh-republic.rdf", "*/*", "/id/kazakhstan.rdf"),
        ("/id/to-gone.nt", "*/*", "/id/german-talks.nt"),
        ("/id/elsewhere", "text/html", "http://www.wikidata.org/entity/Q232"),
    ],
)
def test_kg_serve_moves_a_replaced_iri_permanently(served, path, accept, location):
    for method in ("GET", "HEAD"):
        status, headers, _ = _ask(served, path, accept, method)
        assert (status, headers["location"]) == (301, location), method


@pytest.mark.server
def test_kg_serve_the_replacement_answers_as_every_thing_does(served):
    status, headers, _ = _ask(served, "/id/kazakhstan", "text/turtle")
    assert (status, headers["location"]) == (303, "/id/kazakhstan.ttl")


@pytest.mark.server
@pytest.mark.parametrize(
    ("path", "accept", "lang"),
    [
        ("/id/german-talks", "text/html", "en"),
        ("/id/german-talks.fa.html", "*/*", "fa"),
        ("/id/loop-a.html", "*/*", "en"),
    ],
)
def test_kg_serve_says_a_gone_iri_is_gone_in_the_readers_language(served, path, accept, lang):
    status, headers, body = _ask(served, path, accept)
    page = body.decode("utf-8")
    assert status == 410 and headers["content-type"] == "text/html; charset=utf-8"
    assert f'<html lang="{lang}"' in page and ("(۴۱۰)" if lang == "fa" else "(410)") in page  # the page's digits
    assert ("بازنشسته" in page) and ("This IRI was retired" in page)  # both languages, the reader's first
    heading = page[page.index("<h1>") : page.index("</h1>")]
    assert ("بازنشسته" in heading) is (lang == "fa")


@pytest.mark.server
@pytest.mark.parametrize(("path", "accept"), [("/id/german-talks", "text/turtle"), ("/id/german-talks.nt", "*/*")])
def test_kg_serve_gives_machines_the_gone_iris_last_description_with_410(served, path, accept):
    status, headers, body = _ask(served, path, accept)
    assert status == 410
    fmt = pyoxigraph.RdfFormat.TURTLE if "turtle" in headers["content-type"] else pyoxigraph.RdfFormat.N_TRIPLES
    triples = {(q.subject.value, q.predicate.value, q.object.value) for q in pyoxigraph.parse(body, format=fmt)}
    assert (ID + "german-talks", "http://www.w3.org/2002/07/owl#deprecated", "true") in triples


@pytest.mark.server
def test_kg_serve_leaves_iris_that_are_not_retired_alone(served):
    assert _ask(served, "/id/not-retired.ttl")[0] == 200
    assert _ask(served, "/id/kazakstanx.ttl")[0] == 404  # a near miss is not the retired IRI


@pytest.fixture(scope="module")
def static_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """A few files of a static site with the .htaccess kg publish writes for EXPECTED, at /static/ on Apache."""
    folder = tmp_path_factory.mktemp("apache-retired")
    site = folder / "site"
    (site / "id").mkdir(parents=True)
    for name in ("kazakhstan.ttl", "kazakhstan.fa.html", "kazakhstan.html", "german-talks.ttl"):
        (site / "id" / name).write_text("x", encoding="utf-8")
    (site / "gone.html").write_text("<h1>Retired (410)</h1>", encoding="utf-8")
    odd = {ID + "odd": ODD}  # what a hostile data file could say: characters mod_rewrite reads as its own
    (site / ".htaccess").write_text(site_rules() + apache_rules(EXPECTED | odd, "/static/"), encoding="utf-8")
    with running_apache(folder, {"/static/": site}) as url:
        yield url, folder


def _apache(url: str) -> tuple[int, dict[str, str], bytes]:
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: object, **kwargs: object) -> None:
            return None

    try:
        with urllib.request.build_opener(NoRedirect).open(url, timeout=30) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, {k.lower(): v for k, v in exc.headers.items()}, exc.read()


@pytest.mark.parametrize(
    ("path", "status", "location"),
    [
        ("id/kazakstan.ttl", 301, "/static/id/kazakhstan.ttl"),
        ("id/kazakstan.fa.html", 301, "/static/id/kazakhstan.fa.html"),
        ("id/kazakstan", 301, "/static/id/kazakhstan"),
        ("id/kazakh-republic.jsonld", 301, "/static/id/kazakhstan.jsonld"),
        ("id/to-gone.ttl", 301, "/static/id/german-talks.ttl"),
        ("id/elsewhere.html", 301, "http://www.wikidata.org/entity/Q232"),
        ("id/odd.ttl", 301, ODD),  # sent to the IRI as written
        ("id/german-talks.ttl", 410, None),  # the file is there: the rule answers first
        ("id/loop-b.html", 410, None),
        ("id/kazakstanx.ttl", 404, None),
        ("id/kazakhstan.ttl", 200, None),
    ],
)
def test_apache_answers_the_static_sites_retired_iris(static_site, path, status, location):
    url, folder = static_site
    got, headers, body = _apache(f"{url}/static/{path}")
    assert got == status, error_log(folder)
    if location is not None:
        assert urllib.parse.urlsplit(headers["location"])._replace(scheme="", netloc="").geturl() == location or (
            headers["location"] == location
        )
    if status == 410:
        assert b"Retired (410)" in body  # gone.html, found under the prefix the site is published at
