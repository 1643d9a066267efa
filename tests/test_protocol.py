"""kg.sparql.protocol: SPARQL 1.1 Protocol answers parsed strictly (JSON, XML, TSV, CSV, RDF), lexical forms kept."""

from __future__ import annotations

import json

import pytest
from rdflib import BNode, Literal, URIRef

from kg.namespaces import XSD
from kg.sparql.engines import Outcome
from kg.sparql.protocol import (
    cut_short,
    parse_graph,
    parse_results,
    parse_results_json,
    term_from_json,
    virtuoso_ask,
)
from kg.sparql.tables import term_to_json
from kg.terms import pack_term

JSON = "application/sparql-results+json"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


# --------------------------------------------------------------------------- terms


@pytest.mark.parametrize(
    ("term", "json_term"),
    [
        (
            URIRef("https://fa.wikipedia.org/wiki/تهران"),
            {"type": "uri", "value": "https://fa.wikipedia.org/wiki/تهران"},
        ),
        (BNode("b0"), {"type": "bnode", "value": "b0"}),
        (Literal("x"), {"type": "literal", "value": "x"}),
        (Literal("همکاری‌ها", lang="fa"), {"type": "literal", "value": "همکاری‌ها", "xml:lang": "fa"}),
        (
            Literal("01", datatype=XSD.integer, normalize=False),
            {"type": "literal", "value": "01", "datatype": str(XSD.integer)},
        ),
    ],
)
def test_a_term_round_trips_through_the_json_format(term, json_term):
    assert term_to_json(pack_term(term)) == json_term
    back = term_from_json(json_term)
    assert (back, type(back), str(back)) == (term, type(term), str(term))


@pytest.mark.parametrize(
    "json_term",
    [
        {"type": "literal", "value": "x", "datatype": str(XSD.string)},
        {"type": "typed-literal", "value": "x", "datatype": str(XSD.string)},  # the 2008 draft's name
        {"type": "literal", "value": "x", "datatype": RDF_LANG_STRING},
    ],
)
def test_an_xsd_string_is_the_plain_literal(json_term):
    assert term_from_json(json_term) == Literal("x")


def test_an_xsd_string_is_written_without_its_datatype():
    assert term_to_json(pack_term(Literal("x", datatype=XSD.string))) == {"type": "literal", "value": "x"}


def test_an_ill_typed_literal_keeps_its_lexical_form():
    term = term_from_json({"type": "literal", "value": "12", "datatype": str(XSD.duration)})
    assert (str(term), term.datatype) == ("12", XSD.duration)


def test_an_unknown_term_type_is_named():
    with pytest.raises(ValueError, match=r"^unknown term type 'triple'$"):
        term_from_json({"type": "triple", "value": "x"})


# --------------------------------------------------------------------------- result documents


def test_json_results_keep_lexical_forms_and_unbound_variables_stay_absent():
    body = json.dumps(
        {
            "head": {"vars": ["x", "y"]},
            "results": {
                "bindings": [
                    {"x": {"type": "literal", "value": "01", "datatype": str(XSD.integer)}},
                    {"x": {"type": "literal", "value": "ک", "xml:lang": "fa"}, "y": {"type": "bnode", "value": "n1"}},
                ]
            },
        }
    )
    outcome = parse_results(body.encode(), JSON)
    assert (outcome.kind, outcome.variables) == ("bindings", ["x", "y"])
    assert outcome.rows == [
        {"x": Literal("01", datatype=XSD.integer, normalize=False)},
        {"x": Literal("ک", lang="fa"), "y": BNode("n1")},
    ]
    assert str(outcome.rows[0]["x"]) == "01"


@pytest.mark.parametrize("value", ["true", "false"])
def test_an_ask_answer_is_a_boolean(value):
    outcome = parse_results(f'{{"head": {{}}, "boolean": {value}}}'.encode(), JSON)
    assert (outcome.kind, outcome.boolean) == ("boolean", value == "true")


def test_xml_results_are_read_with_their_language_tags():
    body = (
        '<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#"><head><variable name="x"/>'
        '</head><results><result><binding name="x"><literal xml:lang="fa">تهران</literal></binding></result>'
        "</results></sparql>"
    )
    for media_type in ("application/sparql-results+xml", "application/xml", "text/xml"):
        assert parse_results(body.encode(), media_type).rows == [{"x": Literal("تهران", lang="fa")}]


def test_tsv_results_are_read_as_turtle_terms():
    body = '?x\t?n\n<urn:a>\t1\n\t"a b"@en\n'
    outcome = parse_results(body.encode(), "text/tab-separated-values")
    assert outcome.rows == [
        {"x": URIRef("urn:a"), "n": Literal("1", datatype=XSD.integer)},
        {"n": Literal("a b", lang="en")},
    ]


def test_csv_values_become_plain_literals_blank_nodes_or_obvious_iris():
    body = 'x,y\r\nhttps://example.org/a,_:b1\r\nurn:isbn:1,"two, words"\r\nmailto:a@b,\r\n'
    outcome = parse_results(body.encode(), "text/csv")
    assert outcome.variables == ["x", "y"]
    assert outcome.rows == [
        {"x": URIRef("https://example.org/a"), "y": BNode("b1")},
        {"x": URIRef("urn:isbn:1"), "y": Literal("two, words")},
        {"x": Literal("mailto:a@b")},  # not obviously an IRI in a lossy format: kept as text
    ]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'a\r\n"cut in the mid', "CSV results: unexpected end of data"),
        (b'a,b\r\n"x"y,2\r\n', "CSV results: ',' expected after '\"'"),
    ],
)
def test_a_csv_value_with_broken_quotes_is_refused_not_read_as_text(body, message):
    """Regression: the CSV reader was lenient, so an answer cut inside a quoted value (a server that stopped
    mid-answer) read as a whole answer holding half a value, and ``"x"y`` as ``xy``."""
    with pytest.raises(SyntaxError) as caught:
        parse_results(body, "text/csv")
    assert str(caught.value) == message
    assert cut_short(body, "text/csv", message) is (message.endswith("end of data"))


def test_a_csv_header_may_carry_question_marks():
    assert parse_results(b"?x\r\n1\r\n", "text/csv").variables == ["x"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"a,b\r\n1\r\n", "CSV results: 1 values in a row of 2 variables"),
        (b"", "CSV results have no header line"),
        (b"\xff", "CSV results are not UTF-8: "),
    ],
)
def test_a_broken_csv_document_is_a_syntax_error(body, message):
    with pytest.raises(SyntaxError) as caught:
        parse_results(body, "text/csv")
    assert str(caught.value).startswith(message)


@pytest.mark.parametrize("media_type", ["application/sparql-results+json", "text/csv"])
def test_rows_past_the_cap_are_cut_and_marked(media_type):
    if media_type == "text/csv":
        body, exact = b"a\r\n1\r\n2\r\n3\r\n", b"a\r\n1\r\n2\r\n"
    else:
        row = '{"a": {"type": "literal", "value": "%d"}}'
        doc = '{"head": {"vars": ["a"]}, "results": {"bindings": [%s]}}'
        body = (doc % ",".join(row % i for i in (1, 2, 3))).encode()
        exact = (doc % ",".join(row % i for i in (1, 2))).encode()
    cut = parse_results(body, media_type, max_rows=2)
    assert ([str(r["a"]) for r in cut.rows], cut.truncated) == (["1", "2"], True)
    whole = parse_results(exact, media_type, max_rows=2)
    assert (len(whole.rows), whole.truncated) == (2, False)


@pytest.mark.parametrize(
    ("media_type", "message"),
    [("text/html", "not a SPARQL results format: text/html"), ("", "not a SPARQL results format: no content type")],
)
def test_a_media_type_that_is_no_results_format_is_named(media_type, message):
    with pytest.raises(ValueError, match=f"^{message}$"):
        parse_results(b"{}", media_type)


def test_json_that_is_no_results_document_is_a_value_error_with_its_position():
    with pytest.raises(ValueError, match=r"line 1 column 9"):
        parse_results_json('{"head":')


def test_virtuosos_ask_table_reads_as_a_boolean_and_nothing_else_does():
    table = b'{"head": {"vars": ["__ASK_RETVAL"]}, "results": {"bindings": [%s]}}'
    one = b'{"__ASK_RETVAL": {"type": "typed-literal", "datatype": "%sinteger", "value": "1"}}' % str(XSD).encode()
    from kg.sparql.protocol import virtuoso_ask

    json_type = "application/sparql-results+json"
    assert virtuoso_ask(parse_results(table % one, json_type)).boolean is True
    assert virtuoso_ask(parse_results(table % b"", json_type)).boolean is False
    other = parse_results(b'{"head": {"vars": ["x"]}, "results": {"bindings": []}}', json_type)
    assert virtuoso_ask(other).kind == "bindings"


@pytest.mark.parametrize(
    "outcome",
    [
        Outcome("bindings", variables=["__ASK_RETVAL"], rows=[{"__ASK_RETVAL": Literal("yes")}]),
        Outcome("bindings", variables=["__ASK_RETVAL"], rows=[{"__ASK_RETVAL": Literal("1")}] * 2),
        Outcome("bindings", variables=["__ASK_RETVAL", "x"], rows=[]),
        Outcome("boolean", boolean=True),
    ],
)
def test_only_virtuosos_exact_ask_shape_is_taken_for_a_boolean(outcome):
    assert virtuoso_ask(outcome) is outcome


def test_virtuosos_true_and_false_words_are_read_too():
    for value, boolean in (("true", True), ("false", False), ("0", False)):
        outcome = Outcome("bindings", variables=["__ASK_RETVAL"], rows=[{"__ASK_RETVAL": Literal(value)}])
        assert virtuoso_ask(outcome).boolean is boolean


# --------------------------------------------------------------------------- graphs


@pytest.mark.parametrize(
    ("body", "media_type"),
    [
        ('<http://x/a> <urn:b> "ت"@fa .\n', "application/n-triples"),
        ('<a> <urn:b> "ت"@fa .\n', "text/turtle"),  # relative to the base
        ('{"@id": "a", "urn:b": {"@value": "ت", "@language": "fa"}}', "application/ld+json"),
    ],
)
def test_a_graph_answer_is_parsed_relative_to_its_base(body, media_type):
    assert parse_graph(body.encode(), media_type, "http://x/") == [
        (URIRef("http://x/a"), URIRef("urn:b"), Literal("ت", lang="fa"))
    ]


def test_a_remote_json_ld_context_is_never_loaded():
    body = b'{"@context": "http://127.0.0.1:9/context.jsonld", "@id": "urn:a", "p": 1}'
    with pytest.raises(SyntaxError, match="load remote contexts"):
        parse_graph(body, "application/ld+json", "urn:")


@pytest.mark.parametrize(
    ("body", "media_type", "message"),
    [
        (b"<a> <b> " + b"(" * 100_000 + b" .", "text/turtle", r"^line 1 column 1009: nested more than 1000 levels"),
        (b"<a> <b> <c", "text/turtle", r"Unexpected end of file"),
    ],
)
def test_a_broken_or_hostile_graph_is_a_syntax_error_with_its_position(body, media_type, message):
    with pytest.raises(SyntaxError, match=message):
        parse_graph(body, media_type, "http://x/")


def test_a_media_type_that_is_no_rdf_format_is_named():
    with pytest.raises(ValueError, match=r"^not an RDF format: text/html$"):
        parse_graph(b"<p>hi</p>", "text/html", "http://x/")
    with pytest.raises(ValueError, match=r"^not an RDF format: no content type$"):
        parse_graph(b"", "", "http://x/")


# --------------------------------------------------------------------------- answers cut short


@pytest.mark.parametrize(
    ("body", "media_type", "error", "short"),
    [
        (b'{"head": {"vars": ["x"]}, "results": {"bindings": [', JSON, "", True),
        (b'{"head": {"vars": ["x"]}, "results": {"bindings": [{"x": {"value": "a}', JSON, "", True),
        (b'{"a": "\\"}"}', "application/json", "", False),  # an escaped quote inside a closed string
        (b'{"head": {}}', "application/json", "", False),
        (b"  ", JSON, "", False),  # nothing at all is not an answer cut short
        (b"<a> <b>", "text/turtle", "Unexpected end of file", True),
        (b"<a> <b>", "text/turtle", "unexpected end of input", True),
        (b"<a>", "text/turtle", "invalid IRI", False),
    ],
)
def test_an_answer_that_ends_early_is_told_from_a_broken_one(body, media_type, error, short):
    assert cut_short(body, media_type, error) is short
