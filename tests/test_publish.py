"""Dereferencing on ``kg serve``: every IRI of the graph answers, in five formats, with its description.

The session's one real ``kg serve --port 0`` (conftest.py) serves the module. Each answer is
parsed again with pyoxigraph's strict parser and compared with the graph loaded here.
"""

from __future__ import annotations

import http.client
import json
import re
import urllib.parse
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pyoxigraph
import pytest

from kg.formats import FORMATS
from kg.load import read_quads
from kg.namespaces import BASE
from kg.publish.conneg import MEDIA_TYPES
from kg.publish.paths import RDF_SUFFIXES, page_path
from kg.resources import data_path

pytestmark = pytest.mark.server

KAZAKHSTAN = BASE + "id/kazakhstan"


class Client:
    """One keep-alive HTTP/1.1 connection to the site: status, headers (lower-case names) and body."""

    def __init__(self, url: str) -> None:
        parts = urllib.parse.urlsplit(url)
        self.connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)

    def request(
        self, path: str, headers: dict[str, str] | None = None, method: str = "GET"
    ) -> tuple[int, dict[str, str], bytes]:
        self.connection.request(method, path, headers=headers or {})
        response = self.connection.getresponse()
        body = response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, body

    def close(self) -> None:
        self.connection.close()


@pytest.fixture(scope="module")
def client(site: str) -> Iterator[Client]:
    each = Client(site)
    yield each
    each.close()


def _data_subjects() -> dict[str, set[pyoxigraph.Triple]]:
    """Every IRI subject of the shipped data, with its triples."""
    found: dict[str, set[pyoxigraph.Triple]] = {}
    for quad in read_quads(data_path()):
        if isinstance(quad.subject, pyoxigraph.NamedNode):
            found.setdefault(quad.subject.value, set()).add(
                pyoxigraph.Triple(quad.subject, quad.predicate, quad.object)
            )
    return found


def _parse(body: bytes, ext: str) -> set[pyoxigraph.Triple]:
    fmt = FORMATS[RDF_SUFFIXES[ext]].oxigraph
    return {q.triple for q in pyoxigraph.parse(body, format=fmt)}


def test_every_subject_of_the_data_dereferences_in_five_formats_and_holds_its_triples(site):
    """The IRI answers 303 to the document the Accept header asks for; each RDF document re-parses and
    holds every triple of the subject; the HTML page names it."""
    subjects = _data_subjects()
    assert len(subjects) > 400

    def check(chunk: list[str]) -> list[str]:
        client, failures = Client(site), []
        try:
            for iri in chunk:
                path = "/" + iri[len(BASE) :]
                for ext in ("html", *RDF_SUFFIXES):
                    status, headers, _ = client.request(path, {"Accept": MEDIA_TYPES[ext]})
                    want = "/" + (page_path(iri, "en", ext) or "")
                    if status != 303 or urllib.parse.urlsplit(headers.get("location", "")).path != want:
                        failures.append(f"{path} Accept {MEDIA_TYPES[ext]}: {status} {headers.get('location')}")
                        continue
                    status, headers, body = client.request(want)
                    if status != 200 or not headers["content-type"].startswith(MEDIA_TYPES[ext]):
                        failures.append(f"{want}: {status} {headers.get('content-type')}")
                    elif ext == "html":
                        if f'<code dir="ltr">{iri}</code>' not in body.decode("utf-8"):
                            failures.append(f"{want}: the page does not name {iri}")
                    elif not subjects[iri] <= _parse(body, ext):
                        failures.append(f"{want}: {len(subjects[iri] - _parse(body, ext))} triples missing")
        finally:
            client.close()
        return failures

    iris = sorted(subjects)
    with ThreadPoolExecutor(4) as pool:
        failures = [f for part in pool.map(check, [iris[i::4] for i in range(4)]) for f in part]
    assert failures == []


@pytest.mark.parametrize(
    ("accept", "suffix"),
    [
        ("text/turtle;q=0.9, application/ld+json", ".jsonld"),
        ("application/rdf+xml;q=0.5, application/n-triples", ".nt"),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", ".html"),
        ("*/*", ".html"),
        ("application/json", ".jsonld"),
        ("text/*;q=0.2, text/turtle", ".ttl"),
    ],
)
def test_the_accept_header_with_q_values_chooses_the_document(client, accept, suffix):
    status, headers, _ = client.request("/id/kazakhstan", {"Accept": accept})
    assert (status, headers["location"].rsplit("/", 1)[-1], headers["vary"]) == (
        303,
        "kazakhstan" + suffix,
        "Accept, Accept-Language",
    )


def test_persian_readers_are_sent_to_the_persian_page(client):
    status, headers, _ = client.request("/id/kazakhstan", {"Accept": "text/html", "Accept-Language": "fa-IR,fa;q=0.9"})
    assert (status, headers["location"].rsplit("/", 1)[-1]) == (303, "kazakhstan.fa.html")


def test_an_accept_header_no_format_meets_is_406_with_the_choices(client):
    status, headers, body = client.request("/id/kazakhstan", {"Accept": "image/png"})
    assert status == 406
    assert "text/turtle" in body.decode() and headers["vary"] == "Accept"


def test_documents_carry_alternates_etag_and_last_modified_and_answer_conditional_requests(client):
    status, headers, body = client.request("/id/kazakhstan.ttl")
    assert status == 200 and headers["content-type"] == "text/turtle; charset=utf-8"
    links = headers["link"]
    for ext, media in MEDIA_TYPES.items():
        assert f'</id/kazakhstan.{ext}>; rel="alternate"; type="{media}"' in links
    assert '</id/kazakhstan.fa.html>; rel="alternate"; type="text/html"; hreflang="fa"' in links
    etag = headers["etag"]
    assert client.request("/id/kazakhstan.ttl", {"If-None-Match": etag})[0] == 304
    assert client.request("/id/kazakhstan.ttl", {"If-Modified-Since": headers["last-modified"]})[0] == 304
    assert client.request("/id/kazakhstan.ttl", {"If-None-Match": '"other"'})[0] == 200
    head_status, head_headers, head_body = client.request("/id/kazakhstan.ttl", method="HEAD")
    assert (head_status, head_body, head_headers["etag"]) == (200, b"", etag)
    assert int(head_headers["content-length"]) == len(body)


def test_the_description_is_the_entity_both_ways_with_labels_and_mentions(client):
    _, _, body = client.request("/id/kazakhstan.nt")
    triples = _parse(body, "nt")
    kz = pyoxigraph.NamedNode(KAZAKHSTAN)
    inbound = {t for t in triples if t.object == kz}
    assert any(t.predicate.value.endswith("#taIdentRef") for t in inbound)  # its mentions
    assert any(t.predicate.value.endswith("#controllingState") for t in inbound)  # who names it
    spans = {t.subject for t in inbound if t.predicate.value.endswith("#taIdentRef")}
    anchors = {t.object.value for t in triples if t.subject in spans and t.predicate.value.endswith("#anchorOf")}
    assert anchors == {"قزاقستان"} | ({a for a in anchors if "قزاقستان" in a})
    caspian = pyoxigraph.NamedNode(BASE + "id/caspian-sea")
    assert {t.object.value for t in triples if t.subject == caspian and t.predicate.value.endswith("#label")} == {
        "Caspian Sea",
        "دریای خزر",
    }


@pytest.mark.parametrize(
    "path", ["/ontology", "/ontology/0.1.0", "/vocabularies", "/shapes", "/dataset", "/.well-known/void"]
)
def test_the_hash_namespace_documents_answer_200_negotiated_with_content_location(client, path):
    status, headers, body = client.request(path, {"Accept": "text/turtle"})
    assert status == 200 and {v.strip() for v in headers["vary"].split(",")} == {
        "Accept", "Accept-Language", "Accept-Encoding"  # and the encoding: a large text answer is gzipped for who asks
    }  # fmt: skip
    assert headers["content-location"].endswith(".ttl")
    assert len(_parse(body, "ttl")) > 20
    status, headers, body = client.request(path, {"Accept": "text/html"})
    assert status == 200 and headers["content-location"].endswith(".html")
    assert b"<html" in body


def test_the_ontology_version_iri_resolves_to_the_ontology(client):
    _, _, versioned = client.request("/ontology/0.1.0", {"Accept": "application/n-triples"})
    _, _, current = client.request("/ontology", {"Accept": "application/n-triples"})
    assert _parse(versioned, "nt") == _parse(current, "nt")
    assert any(t.predicate.value.endswith("#versionIRI") and t.object.value == BASE + "ontology/0.1.0"
               for t in _parse(current, "nt"))  # fmt: skip


def test_an_unknown_iri_is_a_404_page_in_both_languages_with_suggestions(client):
    status, headers, body = client.request("/id/kazakstan")
    page = body.decode("utf-8")
    assert status == 404 and headers["content-type"].startswith("text/html")
    assert "The graph has no resource at this address." in page and "گراف در این نشانی منبعی ندارد." in page
    status, _, body = client.request("/id/tokayev", {"Accept-Language": "fa"})
    page = body.decode("utf-8")
    assert status == 404 and '<html lang="fa" dir="rtl">' in page
    assert 'href="/id/kassym-jomart-tokayev.fa.html"' in page


@pytest.mark.parametrize(
    ("query", "lang", "first"),
    [
        ("Tokayev", "en", ("kassym-jomart-tokayev", "Kassym-Jomart Tokayev")),
        ("توكايف", "fa", ("kassym-jomart-tokayev", "قاسم ژومارت توکایف")),  # Arabic kaf and yeh
        ("kazakh", "en", ("kazakhstan", "Kazakhstan")),
        ("قزاقستان", "en", ("kazakhstan", "Kazakhstan")),
        ("رئیسجمهور قزاقستان", "fa", ("post/president-of-kazakhstan", "رئیس‌جمهور قزاقستان")),  # no ZWNJ
    ],
)
def test_search_answers_json_suggestions_folded_in_either_script(client, query, lang, first):
    status, headers, body = client.request("/search?" + urllib.parse.urlencode({"q": query, "lang": lang}))
    found = json.loads(body)
    assert status == 200 and headers["content-type"] == "application/json"
    assert (found[0]["iri"], found[0]["label"]) == (BASE + "id/" + first[0], first[1])
    assert set(found[0]) == {"iri", "label", "class", "href", "curie"}


CHROMIUM_NAVIGATION = (
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,"
    "application/signed-exchange;v=b3;q=0.7"
)


@pytest.mark.parametrize(
    ("path", "accept", "answer"),
    [
        ("/search", CHROMIUM_NAVIGATION, "html"),  # a browser's navigation: the page
        ("/search", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "html"),  # Firefox
        ("/search", "application/xhtml+xml", "html"),
        ("/search", "application/json;q=0.5, text/html", "html"),
        ("/search", None, "json"),  # a client that says nothing
        ("/search", "*/*", "json"),  # fetch()'s and curl's default
        ("/search", "application/json", "json"),
        ("/search", "text/html;q=0, */*", "json"),  # HTML refused by name
        ("/search", "application/x-suggestions+json", "suggestions"),
        ("/search.json", CHROMIUM_NAVIGATION, "json"),  # the suffix: always JSON
        ("/search?format=json&", CHROMIUM_NAVIGATION, "json"),
        ("/search?format=suggestions&", "text/html", "suggestions"),
        ("/search?format=html&", "application/json", "html"),
    ],
)
def test_search_answers_the_page_to_browsers_and_json_to_clients(client, path, accept, answer):
    query = urllib.parse.urlencode({"q": "توكايف", "lang": "fa"})
    url = path + ("" if path.endswith("&") else "?") + query
    status, headers, body = client.request(url, {"Accept": accept} if accept else {})
    assert status == 200
    negotiated = "format=" not in path and not path.startswith("/search.json")
    assert ("accept" in {v.strip().lower() for v in headers.get("vary", "").split(",")}) == negotiated
    if answer == "html":
        page = body.decode("utf-8")
        assert headers["content-type"] == "text/html; charset=utf-8" and "content-security-policy" in headers
        assert '<html lang="fa" dir="rtl">' in page and 'href="/id/kassym-jomart-tokayev.fa.html"' in page
    elif answer == "json":
        assert headers["content-type"] == "application/json"
        assert json.loads(body)[0]["iri"] == BASE + "id/kassym-jomart-tokayev"
    else:
        assert headers["content-type"] == "application/x-suggestions+json"
        text, labels, _, links = json.loads(body)
        assert text == "توكايف" and labels[0] == "قاسم ژومارت توکایف" and links[0].endswith("tokayev.fa.html")


@pytest.mark.parametrize(
    ("path", "accept", "status"),
    [
        ("/search?q=tokayev", "image/png", 406),
        ("/search?q=tokayev", "text/html;q=0, application/json;q=0", 406),
        ("/search?q=tokayev&format=xml", None, 400),
        ("/search.json?q=tokayev&format=%3Cscript%3E", None, 400),
    ],
)
def test_search_refuses_what_it_cannot_answer_in_words(client, path, accept, status):
    got, headers, body = client.request(path, {"Accept": accept} if accept else {})
    assert got == status and headers["content-type"].startswith("text/plain")
    text = body.decode("utf-8")
    assert ("application/json" in text and "text/html" in text) if status == 406 else "json, suggestions, html" in text
    assert "<script>" not in text and "Traceback" not in text


def test_search_answers_head_as_get_without_the_body(client):
    status, headers, body = client.request("/search?q=tokayev", {"Accept": "text/html"}, method="HEAD")
    assert (status, body) == (200, b"") and headers["content-type"] == "text/html; charset=utf-8"


def test_result_tables_link_to_the_pages_of_the_site(client):
    status, _, body = client.request("/q/cq01-agreements?lang=fa")
    page = body.decode("utf-8")
    assert status == 200
    assert 'href="https://w3id.org' not in page
    assert 'href="/id/agreement/' in page and '.fa.html"' in page


def test_the_dataset_description_has_downloads_publisher_contact_version_linkset_citation_and_provenance(client):
    _, _, body = client.request("/.well-known/void", {"Accept": "application/n-triples"})
    triples = _parse(body, "nt")

    def objects(subject: str, predicate: str) -> set[str]:
        return {t.object.value for t in triples if t.subject.value == subject and t.predicate.value == predicate}

    ds, dcat, dct, prov, void = (BASE + "dataset", "http://www.w3.org/ns/dcat#", "http://purl.org/dc/terms/",
                                 "http://www.w3.org/ns/prov#", "http://rdfs.org/ns/void#")  # fmt: skip
    downloads = {d for dist in objects(ds, dcat + "distribution") for d in objects(dist, dcat + "downloadURL")}
    assert downloads == {f"{BASE}dumps/kg.{ext}.gz" for ext in ("ttl", "nt", "nq", "trig", "jsonld", "rdf")}
    assert objects(ds, dct + "publisher") and objects(ds, dcat + "contactPoint")
    assert objects(ds, dct + "hasVersion") == {BASE + "dataset/0.1.0"} and objects(ds, dct + "modified")
    citations = sorted(objects(ds, dct + "bibliographicCitation"))  # one in each language
    assert [("version 0.1.0" in c, "نسخهٔ ۰.۱.۰" in c) for c in citations] == [(True, False), (False, True)]
    (linkset,) = {s for s in objects(ds, void + "subset") if objects(s, void + "linkPredicate")}  # and named graphs
    assert objects(linkset, void + "linkPredicate") == {"http://www.w3.org/2002/07/owl#sameAs"}
    links = [q for q in read_quads(data_path()) if q.predicate.value.endswith("#sameAs")]
    assert objects(linkset, void + "triples") == {str(len(links))}
    (activity,) = objects(ds, prov + "wasGeneratedBy")
    assert objects(activity, prov + "wasAssociatedWith") == objects(ds, dct + "publisher")
    assert objects(activity, prov + "endedAtTime") and objects(activity, prov + "used") == {BASE + "id/article"}


def test_every_download_url_of_the_description_is_served_gzipped(client):
    import gzip

    status, headers, body = client.request("/dumps/kg.ttl.gz")
    assert status == 200 and headers["content-type"] == "application/gzip"
    assert len(_parse(gzip.decompress(body), "ttl")) > 4000
    assert client.request("/dumps/kg.exe.gz")[0] == 404


def test_the_dataset_version_iri_resolves_to_the_dataset(client):
    status, headers, _ = client.request("/dataset/0.1.0", {"Accept": "text/turtle"})
    assert status == 200 and headers["content-location"] == "/dataset/0.1.0.ttl"


@pytest.mark.parametrize(
    ("accept", "media"), [("text/turtle", "text/turtle"), ("application/ld+json", "application/ld+json")]
)
def test_get_query_with_no_query_is_the_service_description(client, accept, media):
    status, headers, body = client.request("/query", {"Accept": accept})
    assert status == 200 and headers["content-type"].startswith(media)
    triples = _parse(body, "ttl" if media == "text/turtle" else "jsonld")
    sd = "http://www.w3.org/ns/sparql-service-description#"
    endpoint = next(t.subject.value for t in triples if t.predicate.value == sd + "endpoint")
    assert endpoint.endswith("/query")
    got = {(t.predicate.value, t.object.value) for t in triples if t.subject.value == endpoint}
    assert (sd + "defaultEntailmentRegime", "http://www.w3.org/ns/entailment/RDFS") in got
    assert (sd + "supportedLanguage", sd + "SPARQL11Query") in got
    assert (sd + "resultFormat", "http://www.w3.org/ns/formats/SPARQL_Results_JSON") in got
    assert any(p == sd + "defaultDataset" for p, _ in got)
    comments = {
        t.object.language: t.object.value
        for t in triples
        if t.subject.value == endpoint and t.predicate.value.endswith("#comment")
    }
    assert set(comments) == {"en", "fa"}  # as the dataset's description, in both languages
    assert re.search(r"Each query stops after \d+ s\. Results are cut at \d+ rows\.", comments["en"]), comments
    assert "SERVICE (federation) and FROM are refused" in comments["en"]
    assert re.search(r"هر پرس‌وجو پس از [۰-۹]+ ثانیه متوقف می‌شود\.", comments["fa"]), comments


def test_the_service_descriptions_page_scrolls_by_keyboard_on_a_phone(client):
    """Its Turtle overflows 360 px: the <pre> takes the focus (axe-core's scrollable-region-focusable, serious)."""
    status, _, body = client.request("/query?lang=fa", {"Accept": "text/html"})
    assert status == 200 and '<pre dir="ltr" class="turtle" tabindex="0">' in body.decode()


@pytest.mark.parametrize(
    ("path", "accept"),
    [("/query", "text/turtle"), ("/query?query=ASK%7B%7D", "application/sparql-results+json")],
)
def test_head_on_the_endpoint_is_get_without_the_body(client, path, accept):
    """A link checker or a cache asks HEAD first: it was a 400 for the Service Description and a 502 for a query
    (Oxigraph answers a HEAD of /query with a 404). The kept connection still answers the next request."""
    got = client.request(path, {"Accept": accept})
    head = client.request(path, {"Accept": accept}, method="HEAD")
    assert (head[0], head[1]["content-type"], head[2]) == (got[0], got[1]["content-type"], b"") and got[0] == 200
    assert int(head[1]["content-length"]) == len(got[2])
    assert client.request(path, {"Accept": accept})[::2] == got[::2]  # status and body


def test_the_changelog_and_citation_name_the_ontology_version(graph):
    from kg.namespaces import ONTOLOGY_IRI, OWL
    from kg.resources import root

    version = str(graph.value(ONTOLOGY_IRI, OWL.versionInfo))
    changelog = (root() / "CHANGELOG.md").read_text(encoding="utf-8")
    assert next(line for line in changelog.splitlines() if line.startswith("## ")) == f"## {version}"
    assert f'version: "{version}"' in (root() / "CITATION.cff").read_text(encoding="utf-8")
    assert str(graph.value(ONTOLOGY_IRI, OWL.versionIRI)) == f"{BASE}ontology/{version}"
