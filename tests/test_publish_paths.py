"""kg.publish.paths: the one map between the graph's IRIs and the site's paths, both ways, refusing any other path."""

from __future__ import annotations

import pytest

from kg.namespaces import BASE
from kg.publish.paths import (
    SUFFIXES,
    Page,
    document_of,
    iri_of_stem,
    page_path,
    page_stem,
    parse_page,
    resource_iri,
    resource_path,
)

IRIS = {
    BASE + "id/kazakhstan": "id/kazakhstan",
    BASE + "id/concept/units": "id/concept/units",
    BASE + "ontology": "ontology",
    BASE + "ontology/0.1.0": "ontology/0.1.0",
    BASE + "ontology#Country": "ontology/Country",
    BASE + "vocabularies#sector-energy": "vocabularies/sector-energy",
    BASE + "dataset": "dataset",
    "http://www.wikidata.org/entity/Q232": "ext/wd/Q232",
    "https://schema.org/name": "ext/schema/name",
    "http://www.w3.org/2001/XMLSchema#integer": "ext/xsd/integer",
}


@pytest.mark.parametrize(("iri", "stem"), IRIS.items())
def test_every_page_of_an_iri_maps_back_to_it(iri, stem):
    assert page_stem(iri) == stem
    assert iri_of_stem(stem) == iri
    for ext in SUFFIXES:
        for lang in ("en", "fa"):
            path = page_path(iri, lang, ext)
            shown_lang = lang if ext == "html" else "en"
            assert parse_page(path) == Page(iri, shown_lang, ext), path


def test_only_a_persian_html_page_carries_the_language():
    iri = BASE + "id/kazakhstan"
    assert [page_path(iri, "fa", ext) for ext in SUFFIXES] == [
        "id/kazakhstan.fa.html",
        "id/kazakhstan.ttl",
        "id/kazakhstan.nt",
        "id/kazakhstan.jsonld",
        "id/kazakhstan.rdf",
    ]
    assert page_path(iri) == "id/kazakhstan.html"


@pytest.mark.parametrize(
    "iri",
    [
        "http://example.org/x",  # no namespace of ours or of the project's prefixes
        BASE,
        BASE + "id/",
        BASE + "id/a b",
        BASE + "id/همکاری",  # not [A-Za-z0-9._-]: no file name of the site
        BASE + "id/.hidden",
        BASE + "id/../etc/passwd",
        BASE + "dumps/kg.nt.gz",  # a file, not a resource
        BASE + "ontology#a.b",  # a term's local name has no dot (it would read as a suffix)
        BASE + "ontology#",
        "https://schema.org/",
    ],
)
def test_an_iri_that_cannot_be_a_safe_path_has_no_page(iri):
    assert page_stem(iri) is None and page_path(iri) is None


@pytest.mark.parametrize(
    "path",
    [
        "id/kazakhstan",  # no suffix
        "id/a.txt",
        "id/a.HTML",
        "/id/a.html",
        "id//a.html",
        "id/../etc/passwd.ttl",
        ".ttl",
        "ext/x.html",  # no prefix
        "ext/zz/Q1.html",  # an unknown prefix
        "ext/wd/Q 1.html",
        "id/%2e%2e/a.html",
        "id/a\x00.html",
        "id/تهران.html",
    ],
)
def test_a_path_not_of_the_site_s_form_names_no_page(path):
    assert parse_page(path) is None


def test_a_resource_path_is_its_iri_under_the_base_without_fragment():
    assert resource_path(BASE + "id/kazakhstan") == "id/kazakhstan"
    assert resource_path(BASE + "ontology#Country") is None
    assert resource_path("http://www.wikidata.org/entity/Q232") is None
    assert resource_iri("id/kazakhstan") == BASE + "id/kazakhstan"
    assert resource_iri("id/../x") is None and resource_iri("") is None


def test_a_hash_iri_dereferences_to_its_document():
    assert document_of(BASE + "ontology#Country") == BASE + "ontology"
    assert document_of(BASE + "id/kazakhstan") == BASE + "id/kazakhstan"
    assert document_of("http://x/a#b#c") == "http://x/a"
