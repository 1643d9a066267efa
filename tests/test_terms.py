"""kg.terms: prefixed names for each syntax, N-Triples terms, exact conversions, digit-run sorting."""

from __future__ import annotations

import pyoxigraph
import pytest
from rdflib import BNode, Literal, URIRef

from kg.namespaces import ID, KG, XSD
from kg.terms import (
    answer_term,
    curie,
    explorer_fragment,
    natural_key,
    nt_term,
    pack_oxigraph,
    pack_term,
    prefixed,
    quiet_literals,
    split_iri,
    to_oxigraph,
    to_rdflib,
    unpack_term,
)

_A, _B = pyoxigraph.NamedNode("http://a.example/"), pyoxigraph.NamedNode("http://b.example/")
#: One of each kind of term, as pyoxigraph gives them.
OXIGRAPH_TERMS = [
    _A,
    pyoxigraph.BlankNode("b0"),
    pyoxigraph.Literal("x"),
    pyoxigraph.Literal("قزاقستان", language="fa"),
    pyoxigraph.Literal("01", datatype=pyoxigraph.NamedNode(str(XSD.integer))),
    pyoxigraph.Literal("12", datatype=pyoxigraph.NamedNode(str(XSD.duration))),  # ill-typed: kept as written
    pyoxigraph.Literal("2022-06-07", datatype=pyoxigraph.NamedNode(str(XSD.date))),
]


@pytest.mark.parametrize(
    ("iri", "syntax", "expected"),
    [
        (str(ID["span/9-14"]), "turtle", ("span", "9-14")),
        (str(ID["span/9-14"]), "xml", None),  # an NCName cannot start with a digit
        (str(KG) + "نام", "xml", ("kg", "نام")),  # XML names may be Persian
        (str(KG) + "نام", "turtle", ("kg", "نام")),
        (str(ID["a/b"]), "turtle", None),  # '/' is not allowed in a local name
        (str(ID["a."]), "turtle", None),  # nor a final '.'
        (str(ID["a/b"]), "jsonld", ("kgi", "a/b")),
        ("http://example.invalid/x", "turtle", None),
    ],
)
def test_split_iri_checks_the_local_name_for_the_syntax(iri, syntax, expected):
    assert split_iri(iri, syntax) == expected


def test_curie_and_prefixed_display_forms():
    assert curie(ID["kazakhstan"]) == prefixed(str(ID["kazakhstan"])) == "kgi:kazakhstan"
    assert curie(URIRef("http://www.w3.org/ns/unknown#x")) == "<http://www.w3.org/ns/unknown#x>"
    assert curie(BNode("b0")) == "_:b0"
    assert curie(Literal("x", lang="fa")) == '"x"@fa'
    assert prefixed("http://www.w3.org/2001/XMLSchema#integer") == "xsd:integer"
    assert prefixed("http://example.org/unknown") == "<http://example.org/unknown>"


@pytest.mark.parametrize(
    ("iri", "fragment"),
    [
        (str(ID["iran"]), "node=kgi:iran"),  # the projection's id of the node
        ("http://example.org/unknown", "node=http://example.org/unknown"),  # no prefix: the IRI itself
        ("http://example.org/a b#c", "node=http://example.org/a%20b%23c"),
        (str(ID["x"]) + "?y", "node=https://w3id.org/iran-kazakhstan-kg/id/x%3Fy"),  # no valid local name
    ],
)
def test_a_link_into_the_explorer_names_the_node_as_the_projection_does(iri, fragment):
    assert explorer_fragment(iri) == fragment


def test_nt_term_escapes_as_pyoxigraph_writes_n_triples():
    assert nt_term(Literal('a "b"\n\\', lang="en")) == '"a \\"b\\"\\n\\\\"@en'
    assert nt_term(Literal("x", datatype=XSD.string)) == '"x"'
    assert nt_term(ID["iran"]) == "<https://w3id.org/iran-kazakhstan-kg/id/iran>"


@pytest.mark.parametrize("lexical", ["01", "+1", "1e0", "INF", "NaN", "-0", "abc", "1" * 5000])
def test_conversions_keep_the_lexical_form(lexical):
    ox = pyoxigraph.Literal(lexical, datatype=pyoxigraph.NamedNode(str(XSD.double)))
    node = to_rdflib(ox)
    assert str(node) == lexical
    assert to_oxigraph(node) == ox


def test_an_invalid_iri_has_no_pyoxigraph_term():
    with pytest.raises(ValueError):
        to_oxigraph(URIRef("http://a/b c"))


def test_natural_key_orders_digit_runs_by_value_without_int():
    texts = ["s10", "s9", "s" + "9" * 5000, "s0010", "s1" + "0" * 5000, "s"]
    assert sorted(texts, key=natural_key) == ["s", "s9", "s0010", "s10", "s" + "9" * 5000, "s1" + "0" * 5000]


def test_terms_from_pyoxigraph_keep_their_lexical_form():
    assert to_rdflib(pyoxigraph.Literal("x")) == Literal("x")
    assert str(to_rdflib(pyoxigraph.Literal("01", datatype=pyoxigraph.NamedNode(str(XSD.integer))))) == "01"
    assert to_rdflib(pyoxigraph.Literal("x", language="fa")) == Literal("x", lang="fa")


@pytest.mark.parametrize("term", OXIGRAPH_TERMS, ids=str)
def test_the_packed_form_across_the_pipe_gives_the_same_term_as_the_direct_conversion(term):
    """One converter: a term sent back by the query child is the term the direct conversion gives."""
    direct = to_rdflib(term)
    assert unpack_term(pack_oxigraph(term)) == direct
    assert unpack_term(pack_term(direct)) == direct
    assert str(unpack_term(pack_term(direct))) == term.value
    assert to_oxigraph(direct) == term
    assert answer_term(term) == direct


def test_a_triple_term_is_no_rdflib_term_in_data_and_its_text_in_an_answer():
    triple = pyoxigraph.Triple(_A, _B, _A)
    with pytest.raises(TypeError, match="no rdflib term"):
        to_rdflib(triple)
    assert answer_term(triple) == Literal("<http://a.example/> <http://b.example/> <http://a.example/>")
    assert unpack_term(pack_oxigraph(triple)) == answer_term(triple)


def test_building_an_ill_typed_literal_logs_nothing_while_quiet(caplog):
    with quiet_literals():
        term = to_rdflib(pyoxigraph.Literal("abc", datatype=pyoxigraph.NamedNode(str(XSD.integer))))
    assert str(term) == "abc"
    assert not [r for r in caplog.records if r.name == "rdflib.term"]


@pytest.mark.parametrize(("lexical", "datatype"), [("abc", XSD.integer), ("2022-13-45", XSD.date), ("x", XSD.decimal)])
def test_an_ill_typed_literal_is_built_quietly_and_rdflib_s_logger_is_left_as_it_was(caplog, lexical, datatype):
    """to_rdflib keeps rdflib's report of an ill-typed literal out (without a warnings context for every typed
    literal, which cost more than reading the file), and takes its filter off again."""
    import logging

    term = to_rdflib(pyoxigraph.Literal(lexical, datatype=pyoxigraph.NamedNode(str(datatype))))
    assert (str(term), term.ill_typed) == (lexical, True)
    assert not [r for r in caplog.records if r.name == "rdflib.term"]
    logging.getLogger("rdflib.term").warning("Failed to convert Literal lexical form: said outside")
    assert [r.getMessage() for r in caplog.records if r.name == "rdflib.term"] == [
        "Failed to convert Literal lexical form: said outside"
    ]


@pytest.mark.parametrize("lexical", ["yes", "no", "TRUE", " true"])
def test_an_ill_typed_boolean_warns_nothing_while_quiet(lexical, recwarn):
    """Regression: rdflib warns 'Parsing weird boolean' (a UserWarning naming its own file) for a boolean
    outside {true, false, 1, 0}; kg validate and kg query printed it among their output."""
    term = to_rdflib(pyoxigraph.Literal(lexical, datatype=pyoxigraph.NamedNode(str(XSD.boolean))))
    assert (str(term), term.ill_typed) == (lexical, True)
    assert [str(w.message) for w in recwarn] == []


def test_the_unicode_name_patterns_compile_on_first_use_and_match_as_compiled():
    import re

    from kg.terms import NCNAME, NCNAME_TAIL, _Pattern

    fresh = _Pattern(NCNAME.pattern)
    assert "fullmatch" not in vars(fresh)
    assert fresh.fullmatch("همکاری") and not fresh.fullmatch("1a") and "fullmatch" in vars(fresh)
    assert fresh.flags == re.compile(NCNAME.pattern).flags  # any other attribute: the compiled pattern's
    assert NCNAME_TAIL.search("http://a.example/p0:x").group() == "x"


def test_split_iri_finds_the_longest_namespace_giving_a_valid_local_name_by_the_iri_s_stem():
    """split_iri looks up the namespaces an IRI can begin with by its stem (up to its last '/' or '#'): the
    same answer as trying every namespace in turn, for every syntax."""
    from kg.terms import _VALID, BY_LENGTH, split_iri

    def every(iri, syntax):
        for ns, prefix in BY_LENGTH:
            if iri.startswith(ns) and _VALID[syntax](iri[len(ns) :]):
                return prefix, iri[len(ns) :]
        return None

    base = "https://w3id.org/iran-kazakhstan-kg/"
    iris = [ns + local for ns, _ in BY_LENGTH for local in ("", "x", "a/b", "a#b", "9-10", "//x", "é", "x.")]
    iris += [base + "id/span/1-2/x", base + "ontology#a/b", base, "kg:Country", "http://a.example/x", "", "#", "/"]
    for syntax in ("turtle", "xml", "jsonld"):
        assert [split_iri(iri, syntax) for iri in iris] == [every(iri, syntax) for iri in iris]
