"""kg.sparql.browser: the vendored engine is the npm package's, the page's triples kg query's, the policy one."""

from __future__ import annotations

import gzip
import hashlib
import json
import re
from importlib.resources import files
from pathlib import Path

import pyoxigraph
import pytest

from kg.errors import QueryError
from kg.sparql.browser import (
    ENGINE_DIR,
    ENGINE_VERSION,
    ENGINE_WASM_SHA256,
    dataset_ntriples,
    engine_script,
    engine_wasm,
    library_entries,
    page_limits,
)
from kg.sparql.engines import open_engine
from kg.sparql.files import list_queries, read_query_text
from kg.sparql.policy import check_policy

CASES = json.loads((Path(__file__).parent / "fixtures" / "query" / "policy-cases.json").read_text(encoding="utf-8"))
README = ENGINE_DIR.joinpath("README.md").read_text(encoding="utf-8")


def test_the_vendored_wasm_is_the_npm_packages_byte_for_byte():
    wasm = gzip.decompress(engine_wasm())
    assert len(wasm) == 4_049_113
    assert hashlib.sha256(wasm).hexdigest() == ENGINE_WASM_SHA256
    assert ENGINE_WASM_SHA256 in README and f"Oxigraph {ENGINE_VERSION}" in README


def test_web_js_is_verbatim_and_exports_what_the_worker_uses():
    script = engine_script()
    web_hash = re.search(r"`web.js`, verbatim[^`]*`([0-9a-f]{64})`", README).group(1)
    assert hashlib.sha256(script.encode("utf-8")).hexdigest() == web_hash
    assert "export class Store" in script and "function initSync(" in script


def test_the_licences_travel_with_the_engine():
    mit = ENGINE_DIR.joinpath("LICENSE-MIT").read_text(encoding="utf-8")
    apache = ENGINE_DIR.joinpath("LICENSE-APACHE-2.0").read_text(encoding="utf-8")
    assert "Oxigraph developers" in mit and "Permission is hereby granted" in mit
    assert "Apache License" in apache and "Version 2.0" in apache


@pytest.fixture(scope="module")
def triples() -> bytes:
    return dataset_ntriples()


def test_the_pages_triples_are_exactly_the_store_kg_query_queries(triples):
    """The asserted triples and their RDFS closure: the same set as the store of kg query, and no more."""
    page = pyoxigraph.Store()
    page.load(triples, format=pyoxigraph.RdfFormat.N_TRIPLES)
    local = open_engine("oxigraph").store
    assert len(page) == len(local)
    asserted = open_engine("oxigraph", entailment="none").store
    assert len(page) > len(asserted)  # the closure is in
    ask = "ASK { <https://w3id.org/iran-kazakhstan-kg/id/abdolreza-faraji-rad> a <https://schema.org/Person> }"
    assert page.query(ask) and not asserted.query(ask)


def test_the_pages_triples_are_the_same_bytes_on_every_build(triples):
    assert dataset_ntriples() == triples
    assert triples.decode("utf-8").splitlines() == sorted(set(triples.decode("utf-8").splitlines()))


def _all_canonical_sorted(store: pyoxigraph.Store) -> bytes:
    """The page's triples made the plain way: every statement of the default graph canonically labelled."""
    dataset = pyoxigraph.Dataset(store.quads_for_pattern(None, None, None, pyoxigraph.DefaultGraph()))
    dataset.canonicalize(pyoxigraph.CanonicalizationAlgorithm.RDFC_1_0)
    lines = sorted(set(pyoxigraph.serialize(dataset, format=pyoxigraph.RdfFormat.N_QUADS).split(b"\n")) - {b""})
    return b"\n".join(lines) + b"\n"


def test_blank_nodes_get_the_labels_the_whole_graph_gives_and_a_line_separator_stays_in_its_literal():
    """Only the statements that name a blank node are labelled apart: the labels and the bytes are those of the
    whole graph labelled; a literal holding U+2028 or U+0085 (written raw) is not cut into lines."""
    ex, default = "http://a.example/", pyoxigraph.DefaultGraph()
    store = pyoxigraph.Store()
    b1, b2 = pyoxigraph.BlankNode("x1"), pyoxigraph.BlankNode("x2")
    for s, p, o in [
        (pyoxigraph.NamedNode(ex + "s"), pyoxigraph.NamedNode(ex + "p"), b1),
        (b1, pyoxigraph.NamedNode(ex + "p"), b2),
        (b2, pyoxigraph.NamedNode(ex + "q"), pyoxigraph.Literal("v")),
        (pyoxigraph.NamedNode(ex + "s"), pyoxigraph.NamedNode(ex + "q"), pyoxigraph.Literal("a\u2028b\x85c")),
    ]:
        store.add(pyoxigraph.Quad(s, p, o, default))
    store.add(pyoxigraph.Quad(b1, pyoxigraph.NamedNode(ex + "p"), b1, pyoxigraph.NamedNode(ex + "g")))  # not read
    text = dataset_ntriples(store=store)
    assert text == _all_canonical_sorted(store)
    assert b"_:c14n" in text and b"x1" not in text and text.count(b"\n") == 4
    read = pyoxigraph.Store()
    read.load(text, format=pyoxigraph.RdfFormat.N_TRIPLES)
    assert len(read) == 4 and read.query('ASK { ?s ?p "a\u2028b\x85c" }')


def test_the_pages_triples_of_a_store_given_are_those_of_its_data(triples):
    store = open_engine("oxigraph").store
    assert dataset_ntriples(store=store) == triples == _all_canonical_sorted(store)


def test_library_entries_give_every_question_with_its_parameters_and_text():
    entries = library_entries()
    assert [e["name"] for e in entries] == [q.name for q in list_queries()]
    cq04 = next(e for e in entries if e["name"].startswith("cq04"))
    assert cq04["params"][0] == {
        "name": "speaker",
        "type": "iri",
        "default": "kgi:ebrahim-raisi",
        "description": {"en": "the person or organisation who spoke", "fa": cq04["params"][0]["description"]["fa"]},
    }
    assert cq04["params"][0]["description"]["fa"] and cq04["title"]["fa"] and cq04["question"]["fa"]
    assert set(cq04["columns"]["statement"]) == {"en", "fa"}
    assert cq04["text"].startswith("# title:")


def test_the_page_has_kg_querys_limits():
    from kg import limits

    assert page_limits() == {
        "timeoutMs": limits.QUERY_TIMEOUT * 1000,
        "maxRows": limits.MAX_ROWS,
        "maxNesting": limits.MAX_QUERY_NESTING,
        "maxParts": limits.MAX_QUERY_PARTS,
        "maxTerms": limits.MAX_QUERY_PATTERN_TERMS,
    }


def _refusal(text: str) -> str | None:
    try:
        check_policy(read_query_text(text), parser="oxigraph")
    except QueryError as exc:
        codes = {
            "update": "Update",
            "service": "SERVICE",
            "from": "FROM",
            "nesting": "nests",
            "parts": "chains",
            "terms": "triple patterns hold",
        }
        for code, words in codes.items():
            if words in exc.message:
                return code
        raise
    return None


@pytest.mark.parametrize("case", CASES["cases"], ids=lambda c: c["text"][:50])
def test_kg_query_decides_each_policy_case_as_the_page_does(case):
    """tests/js/sparql.test.mjs runs the same cases on the page's check: the two stay one rule."""
    assert _refusal(case["text"]) == case["refused"]


def test_every_refusal_the_console_can_meet_has_its_words_in_both_languages():
    """The console words each refusal by its code: ``sparqlParam_CODE`` and ``sparqlRefused_CODE``."""
    from kg.i18n import messages

    folder = files("kg").joinpath("templates", "explorer")
    params = set(re.findall(r'new ParamError\("(\w+)"', folder.joinpath("sparql-params.js").read_text("utf-8")))
    policy = set(re.findall(r'refuse\("(\w+)"', folder.joinpath("sparql-policy.js").read_text("utf-8")))
    assert {"notIri", "noSlot", "notDate"} <= params and policy == {
        "nesting",
        "parts",
        "terms",
        "update",
        "service",
        "from",
    }
    for lang in ("en", "fa"):
        strings = messages("console", lang)
        assert {f"sparqlParam_{code}" for code in params} <= strings.keys()
        assert {f"sparqlRefused_{code}" for code in policy} <= strings.keys()
