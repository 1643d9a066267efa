"""kg.sparql.values: parameter values as typed terms, bound into the text every engine runs, positions mapped back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import BNode, Literal, URIRef

from kg.errors import QueryError, UsageError
from kg.namespaces import ID, XSD
from kg.sparql.files import read_query, read_query_text
from kg.sparql.syntax import Param, Query
from kg.sparql.values import (
    bind_params,
    check_slots,
    expand_iri,
    n3,
    parse_term,
    parse_value,
    prepare,
    unquote_default,
)
from kg.terms import unpack_term

LIBRARY = Path(__file__).parent / "fixtures" / "query" / "queries"
COUNTRY = "# param: c | iri | kgi:iran | the country\nSELECT ?x WHERE { VALUES ?c { kgi:iran } ?x ?p ?c }"


def terms(bound: dict) -> dict:
    """Bound values (plain-data terms) as rdflib terms, to compare with rdflib's."""
    return {name: unpack_term(term) for name, term in bound.items()}


# --------------------------------------------------------------------------- typed values


@pytest.mark.parametrize(
    ("kind", "text", "term"),
    [
        ("iri", "kgi:iran", ID["iran"]),
        ("iri", "<http://example.org/a#b>", URIRef("http://example.org/a#b")),
        ("string", 'fa" } #', Literal('fa" } #')),
        ("langstring", "تهران@fa", Literal("تهران", lang="fa")),
        ("langstring", "a@b@en-GB", Literal("a@b", lang="en-gb")),
        ("integer", "-12", Literal("-12", datatype=XSD.integer)),
        ("decimal", "2.50", Literal("2.50", datatype=XSD.decimal)),
        ("boolean", "false", Literal(False)),
        ("date", "2022-06-19", Literal("2022-06-19", datatype=XSD.date)),
    ],
)
def test_a_value_becomes_a_term_of_its_declared_type(kind, text, term):
    value = unpack_term(parse_value(kind, text))
    assert value == term
    assert type(value) is type(term)


@pytest.mark.parametrize(
    ("kind", "text", "message"),
    [
        ("iri", "kgi:iran> } UNION { ?s ?p ?o", "'kgi:iran> } UNION { ?s ?p ?o' is not a prefixed name or <IRI>"),
        ("iri", "<http://example.org/a b>", "'<http://example.org/a b>' is not an absolute IRI"),
        ("iri", "<relative/path>", "'<relative/path>' is not an absolute IRI"),
        ("iri", "foo:bar", "'foo:bar': unknown prefix 'foo:'"),
        ("langstring", "Tehran", "'Tehran' is not TEXT@LANG (e.g. Tehran@en)"),
        ("langstring", "Tehran@not a tag", "'Tehran@not a tag' is not TEXT@LANG (e.g. Tehran@en)"),
        ("integer", "12 } #", "'12 } #' is not an integer"),
        ("integer", "1.5", "'1.5' is not an integer"),
        ("decimal", "1e5", "'1e5' is not a decimal number"),
        ("boolean", "yes", "'yes' is not a boolean (true or false)"),
        ("date", "2022-02-30", "'2022-02-30' is not a date (YYYY-MM-DD)"),
        ("date", "19-06-2022", "'19-06-2022' is not a date (YYYY-MM-DD)"),
    ],
)
def test_a_value_that_is_not_a_term_of_its_type_is_an_error(kind, text, message):
    with pytest.raises(QueryError) as caught:
        parse_value(kind, text)
    assert caught.value.message == message


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        ("date", "2022-6-19"),
        ("boolean", "True"),
        ("boolean", "1"),
        ("langstring", "x@"),
        ("langstring", "x@fa_IR"),
        ("integer", "۱x"),
        ("date", "۲۰۲۲-۰۲-۳۰"),  # Persian digits are read, but there is no 30 February
        ("integer", ""),
    ],
)
def test_only_the_lexical_forms_of_xsd_are_values(kind, text):
    with pytest.raises(QueryError, match=r"^'.*' is not (a|TEXT@LANG)"):
        parse_value(kind, text)


def test_an_empty_langstring_body_and_signs_and_short_decimals_are_values():
    assert parse_value("langstring", "‌@fa") == ("l", "\u200c", None, "fa")  # a lone ZWNJ is kept, not dropped
    assert parse_value("integer", "+7") == ("l", "7", str(XSD.integer), None)  # canonical, as rdflib writes it
    assert parse_value("decimal", ".5")[1] == ".5"  # written as given, not normalised to 0.5
    assert parse_value("decimal", "-3.")[1] == "-3."


@pytest.mark.parametrize(
    ("kind", "typed", "lexical"),
    [
        ("integer", "۱۲", "12"),  # Persian digits
        ("integer", "-١٢", "-12"),  # Arabic-Indic digits
        ("decimal", "۱٫۵", "1.5"),  # and the Persian decimal separator
        ("decimal", "۲.۵۰", "2.50"),
        ("date", "۲۰۲۲-۰۶-۱۹", "2022-06-19"),
    ],
)
def test_a_number_or_date_typed_in_persian_digits_is_read_as_the_xsd_value(kind, typed, lexical):
    """Regression: '--param limit=۱۰' (a Persian keyboard's digits) was refused, while --max-rows ۱۰ was read;
    user input is read tolerant of digits, and the literal is written in XSD's digits."""
    value = unpack_term(parse_value(kind, typed))
    assert str(value) == lexical and value.datatype == XSD[kind]


GROUPED = json.loads((Path(__file__).parent / "fixtures/query/grouped-number-cases.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize(("kind", "typed", "lexical"), GROUPED["cases"])
def test_a_number_in_groups_of_three_as_the_pages_show_it_is_read_or_refused(kind, typed, lexical):
    # the same cases as the pages' script (tests/js/sparql.test.mjs)
    if lexical is None:
        with pytest.raises(QueryError) as caught:
            parse_value(kind, typed)
        assert repr(typed) in str(caught.value)
    else:
        assert parse_value(kind, typed)[1] == lexical


def test_an_undeclared_value_in_persian_digits_is_a_number():
    assert unpack_term(parse_term("۱۲")) == Literal("12", datatype=XSD.integer)
    assert unpack_term(parse_term("۱٫۵")) == Literal("1.5", datatype=XSD.decimal)


def test_an_unknown_type_is_named():
    with pytest.raises(QueryError, match=r"^unknown parameter type 'float'$"):
        parse_value("float", "1.5")


@pytest.mark.parametrize(
    ("text", "prefixes", "iri"),
    [
        ("kgi:iran", None, str(ID["iran"])),
        ("ex:a", {"ex": "http://example.org/"}, "http://example.org/a"),
        (":a", {"": "http://example.org/"}, "http://example.org/a"),
        ("kgi:", None, str(ID[""])),
        ("<urn:isbn:9780>", None, "urn:isbn:9780"),
        ("<https://fa.wikipedia.org/wiki/تهران>", None, "https://fa.wikipedia.org/wiki/تهران"),
        ("kgi:iran", {"kgi": "http://other.example/"}, "http://other.example/iran"),  # the query's own wins
    ],
)
def test_an_iri_is_expanded_with_the_project_and_the_query_prefixes(text, prefixes, iri):
    assert expand_iri(text, prefixes) == iri


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("<>", "'<>' is not an absolute IRI"),
        ("<http://a/b c>", "'<http://a/b c>' is not an absolute IRI"),
        ('<http://a/"x">', "is not an absolute IRI"),
        (":a", "':a': unknown prefix ':'"),
        ("1x:a", "'1x:a' is not a prefixed name or <IRI>"),
        ("iran", "'iran' is not a prefixed name or <IRI>"),
    ],
)
def test_what_is_no_absolute_iri_is_refused(text, message):
    with pytest.raises(QueryError, match=message):
        expand_iri(text)


@pytest.mark.parametrize(
    ("kind", "text", "value"),
    [
        ("string", '"en"', "en"),
        ("string", '"a\\"b\\\\c"', 'a"b\\c'),
        ("string", '"line\\nnext\\ttab"', "line\nnext\ttab"),
        ("langstring", '"Tehran"@en', "Tehran@en"),
        ("string", '"Tehran"@en', "Tehran"),
        ("string", "Tehran", "Tehran"),
        ("string", '"unclosed', '"unclosed'),
        ("langstring", '"قزاقستان"@fa', "قزاقستان@fa"),
    ],
)
def test_header_defaults_may_be_written_as_sparql_literals(kind, text, value):
    assert unquote_default(kind, text) == value


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ('"x"', Literal("x")),
        ('"a \\"q\\""', Literal('a "q"')),
        ('"کشور"@fa', Literal("کشور", lang="fa")),
        ('"5"^^xsd:integer', Literal("5", datatype=XSD.integer)),
        ('"05"^^<http://www.w3.org/2001/XMLSchema#integer>', Literal("05", datatype=XSD.integer, normalize=False)),
        ("-3", Literal("-3", datatype=XSD.integer)),
        (".5", Literal(".5", datatype=XSD.decimal, normalize=False)),
        ("true", Literal("true", datatype=XSD.boolean)),
        ("kgi:tehran", ID["tehran"]),
        ("<urn:a>", URIRef("urn:a")),
        ('"two\nlines"', Literal("two\nlines")),
    ],
)
def test_an_undeclared_value_is_read_as_a_sparql_term(text, term):
    value = unpack_term(parse_term(text))
    assert (value, type(value)) == (term, type(term))
    assert str(value) == str(term)  # the lexical form as written


@pytest.mark.parametrize("text", ["Tehran", "1e5", "'single'", '"x"@', "", "True", "۵x"])
def test_what_is_no_sparql_term_is_refused_with_the_kinds_it_may_be(text):
    with pytest.raises(QueryError) as caught:
        parse_term(text)
    kinds = '<iri>, prefix:name, "text", "text"@lang, number'
    assert caught.value.message == f"{text!r} is not a SPARQL term ({kinds})"


def test_a_datatype_that_is_no_iri_is_named():
    with pytest.raises(QueryError, match=r"""^'"y"' is not a prefixed name or <IRI>$"""):
        parse_term('"x"^^"y"')


# --------------------------------------------------------------------------- binding


def test_given_values_override_defaults_and_lang_fills_a_lang_parameter():
    q = read_query(LIBRARY / "fx01-agreements.rq")
    assert terms(bind_params(q, {"country": "kgi:iran"}, lang="fa")) == {"country": ID["iran"], "lang": Literal("fa")}
    assert terms(bind_params(q, {"lang": "en"}, lang="fa"))["lang"] == Literal("en")


def test_an_unknown_parameter_name_is_an_error_with_a_suggestion():
    q = read_query(LIBRARY / "fx01-agreements.rq")
    with pytest.raises(UsageError) as caught:
        bind_params(q, {"contry": "kgi:iran"})
    assert str(caught.value) == (
        f"{q.where}: unknown parameter 'contry'; did you mean 'country'? (parameters: lang, country)"
    )


def test_a_bad_value_names_the_query_parameter_and_type():
    q = read_query(LIBRARY / "fx01-agreements.rq")
    with pytest.raises(UsageError) as caught:  # the value given is wrong, not the query: exit 2
        bind_params(q, {"country": "kgi:iran> } UNION { ?s ?p ?o } #"})
    assert str(caught.value) == (
        f"{q.where}: parameter 'country' (iri): 'kgi:iran> }} UNION {{ ?s ?p ?o }} #' is not a prefixed name or <IRI>"
    )


def test_terms_are_written_escaped_so_no_value_leaves_its_literal():
    assert n3(Literal('en") || true || ("', lang="en")) == '"en\\") || true || (\\""@en'
    assert n3(Literal("a\\b\nc")) == '"a\\\\b\\nc"'
    assert n3(Literal("5", datatype=XSD.integer)) == '"5"^^<http://www.w3.org/2001/XMLSchema#integer>'
    with pytest.raises(QueryError, match="not a valid IRI"):
        n3(URIRef("http://example.org/> } #"))


def test_values_of_an_ad_hoc_query_are_sparql_terms_and_its_names_variable_names():
    q = read_query_text("SELECT ?x { ?x ?p ?o }", name="<-e>")
    assert terms(bind_params(q, {"o": '"x"@fa', "n": "5"})) == {
        "o": Literal("x", lang="fa"),
        "n": Literal("5", datatype=XSD.integer),
    }
    for name in ("bad-name", "1x", "o }", ""):
        with pytest.raises(UsageError, match=rf"^<-e>: parameter name {name!r} is not a SPARQL variable name$"):
            bind_params(q, {name: "1"})
    with pytest.raises(UsageError, match=r"^<-e>: parameter 'o': 'Tehran' is not a SPARQL term"):
        bind_params(q, {"o": "Tehran"})


def test_a_parameter_without_a_default_is_unbound_unless_given():
    q = read_query_text(
        "# param: c | iri | - | the country\nSELECT ?x WHERE { VALUES ?c { UNDEF } ?x ?p ?c }", name="q"
    )
    assert q.param("c").default is None
    assert bind_params(q) == {}
    assert terms(bind_params(q, {"c": "kgi:iran"})) == {"c": ID["iran"]}


def test_lang_fills_only_a_query_that_declares_lang():
    assert terms(bind_params(read_query_text(COUNTRY, name="q"), lang="fa")) == {"c": ID["iran"]}


@pytest.mark.parametrize(
    ("term", "bound"),
    [
        (URIRef("https://example.org/x"), URIRef("https://example.org/x")),
        (ID["kazakhstan"], ID["kazakhstan"]),
    ],
)
def test_a_term_given_from_python_of_the_declared_type_is_taken(term, bound):
    assert terms(bind_params(read_query_text(COUNTRY, name="q"), {"c": term})) == {"c": bound}


@pytest.mark.parametrize(
    ("kind", "term"),
    [
        ("iri", Literal("kgi:kazakhstan")),  # a string that looks like a prefixed name is still a string
        ("iri", Literal("https://example.org/x")),
        ("iri", BNode("b0")),
        ("langstring", Literal("Tehran@en")),  # a plain string with an @ is no language-tagged string
        ("integer", Literal("5")),
        ("integer", Literal("5", datatype=XSD.decimal)),
        ("string", Literal("x", lang="en")),
        ("string", URIRef("urn:x")),
        ("date", Literal("2022-06-19")),
    ],
)
def test_a_term_given_from_python_of_another_type_is_refused(kind, term):
    """Regression: a plain literal given from Python for an iri or langstring parameter was read as its text,
    so Literal("kgi:kazakhstan") became the IRI kgi:kazakhstan and Literal("Tehran@en") became "Tehran"@en."""
    q = read_query_text(f"# param: v | {kind} | - | a value\nSELECT ?x WHERE {{ VALUES ?v {{ UNDEF }} ?x ?p ?v }}")
    with pytest.raises(UsageError) as caught:
        bind_params(q, {"v": term})
    assert str(caught.value) == f"<query>: parameter 'v' ({kind}): {term!r} is not a {kind}"


@pytest.mark.parametrize(
    ("kind", "term"),
    [
        ("langstring", Literal("تهران", lang="fa")),
        ("integer", Literal("5", datatype=XSD.integer)),
        ("decimal", Literal("2.50", datatype=XSD.decimal, normalize=False)),
        ("boolean", Literal("true", datatype=XSD.boolean)),
        ("date", Literal("2022-06-19", datatype=XSD.date)),
    ],
)
def test_a_literal_given_from_python_of_the_declared_type_is_taken_as_written(kind, term):
    q = read_query_text(f"# param: v | {kind} | - | a value\nSELECT ?x WHERE {{ VALUES ?v {{ UNDEF }} ?x ?p ?v }}")
    bound = unpack_term(bind_params(q, {"v": term})["v"])
    assert bound == term and str(bound) == str(term)


def test_an_xsd_string_given_from_python_is_bound_as_the_plain_literal_it_is():
    q = read_query_text("# param: v | string | - | a value\nSELECT ?x WHERE { VALUES ?v { UNDEF } ?x ?p ?v }")
    assert bind_params(q, {"v": Literal("x", datatype=XSD.string)})["v"] == ("l", "x", None, None)


# --------------------------------------------------------------------------- writing terms


@pytest.mark.parametrize(
    ("term", "message"),
    [
        (BNode("b0"), "a blank node cannot be a parameter value"),
        (URIRef("urn:a b"), "not a valid IRI: 'urn:a b'"),
        (Literal("x", datatype=URIRef("urn:a>b")), "not a valid IRI: 'urn:a>b'"),
        ("a plain string", "cannot bind 'a plain string'"),
    ],
)
def test_what_cannot_be_written_safely_is_refused(term, message):
    with pytest.raises(QueryError) as caught:
        n3(term)
    assert caught.value.message == message


def test_persian_text_is_written_as_it_is():
    assert n3(Literal("همکاری‌ها در كشور ۱۴۰۱", lang="fa")) == '"همکاری‌ها در كشور ۱۴۰۱"@fa'
    assert n3(URIRef("https://fa.wikipedia.org/wiki/آستانه")) == "<https://fa.wikipedia.org/wiki/آستانه>"


# --------------------------------------------------------------------------- the text an engine runs


def test_only_the_project_prefixes_used_and_not_declared_go_in_front_on_one_line():
    q = read_query_text("PREFIX kg: <urn:other#>\nSELECT * { ?x a kg:Agreement ; schema:name ?n }")
    first, rest = prepare(q).text.split("\n", 1)
    assert first == "PREFIX schema: <https://schema.org/>"
    assert rest == q.text


@pytest.mark.parametrize(
    ("text", "prepared"),
    [
        (
            "SELECT ?s WHERE { ?s ?p ?o }",
            'SELECT ?s WHERE { VALUES (?o) { ("x") }  ?s ?p ?o }',
        ),
        (
            "SELECT ?s { { SELECT ?s ?o { ?s ?p ?o } } }",
            'SELECT ?s { VALUES (?o) { ("x") }  { SELECT ?s ?o { ?s ?p ?o } } }',
        ),
        (
            "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }",
            'CONSTRUCT { ?s ?p ?o } WHERE { VALUES (?o) { ("x") }  ?s ?p ?o }',
        ),
        (
            "CONSTRUCT WHERE {\n  ?s ?p ?o # a comment\n}",
            'CONSTRUCT { ?s ?p ?o } WHERE { VALUES (?o) { ("x") } \n  ?s ?p ?o # a comment\n}',
        ),
        ("DESCRIBE ?o", 'DESCRIBE ?o\nWHERE { VALUES (?o) { ("x") } }\n'),
        ("DESCRIBE ?o LIMIT 1", 'DESCRIBE ?o WHERE { VALUES (?o) { ("x") } } LIMIT 1'),
        ("ASK { ?s ?p ?o }", 'ASK { VALUES (?o) { ("x") }  ?s ?p ?o }'),
    ],
    ids=["select", "subquery", "construct", "construct-where", "describe", "describe-limit", "ask"],
)
def test_values_go_at_the_start_of_the_outermost_group(text, prepared):
    assert prepare(read_query_text(text), {"o": Literal("x")}).text == prepared


def test_positions_in_the_run_text_map_back_past_the_values_written():
    text = "# param: n | integer | 1 | n\nSELECT ?x WHERE { VALUES ?n { 1 } ?x ?p ?n . ?x ?x ) }\n"
    prepared = prepare(read_query_text(text, name="q"), {"n": Literal(12345)})
    run_line = prepared.text.splitlines()[1]
    assert run_line == f'SELECT ?x WHERE {{ VALUES ?n {{ "12345"^^<{XSD.integer}> }} ?x ?p ?n . ?x ?x ) }}'
    at = run_line.rindex(")") + 1
    assert str(prepared.locate(QueryError("bad", line=2, column=at))) == "q:2:52: bad"
    inside = run_line.index("12345") + 1
    assert str(prepared.locate(QueryError("bad", line=2, column=inside))) == "q:2:31: bad"


def test_a_declared_parameter_gets_its_value_written_over_its_default():
    q = read_query_text(COUNTRY, name="q")
    body = prepare(q, bind_params(q, {"c": "kgi:kazakhstan"})).text.split("\n", 2)[2]
    assert body == f"SELECT ?x WHERE {{ VALUES ?c {{ <{ID['kazakhstan']}> }} ?x ?p ?c }}"
    assert prepare(q, {"c": None}).text.endswith("SELECT ?x WHERE { VALUES ?c { UNDEF } ?x ?p ?c }")


def test_a_loose_value_is_refused_where_a_subquery_does_not_project_its_variable():
    q = read_query_text("SELECT ?x {\n  { SELECT ?x { ?x ?p ?o } }\n}", name="<-e>")
    with pytest.raises(QueryError) as caught:
        prepare(q, {"o": Literal("x")})
    assert str(caught.value).startswith("<-e>:2:23: parameter 'o' is used in a subquery, where a value given")
    star = read_query_text("SELECT * {\n  { SELECT * { ?x ?p ?o } }\n}", name="<-e>")
    assert prepare(star, {"o": Literal("x")}).text.startswith('SELECT * { VALUES (?o) { ("x") } ')


def test_an_error_in_the_prologue_or_without_a_line_names_only_the_query():
    prepared = prepare(read_query_text("SELECT ?x WHERE { ?x kgi:p ?o }", name="q"), {"o": Literal("x")})
    assert prepared.prologue_lines == 1
    assert str(prepared.locate(QueryError("bad", line=1, column=3))) == "q: bad"
    assert str(prepared.locate(QueryError("bad"))) == "q: bad"
    assert str(prepared.locate(QueryError("bad", line=2, column=5))) == "q:1:5: bad"  # before the edit
    assert str(prepared.locate(QueryError("bad", line=2, column=30))) == "q:1:18: bad"  # inside what was put
    assert str(prepared.locate(QueryError("bad", line=2, column=3 + 41))) == "q:1:21: bad"  # after it
    assert type(prepared.locate(UsageError("bad", line=2, column=1))) is UsageError


# --------------------------------------------------------------------------- checking a file's VALUES lines

INTEGER = Param("n", "integer", ("l", "1", str(XSD.integer), None), "1", "a number")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("SELECT ?x { ?x ?p ?n }", "q:1:9: parameter 'n' has no 'VALUES ?n { default }' line at the start"),
        (
            "SELECT ?x {\n  OPTIONAL { VALUES ?n { 1 } }\n ?x ?p ?n }",
            "q:2:26: the VALUES line of parameter 'n' must be directly in the WHERE group of its (sub)query",
        ),
        (
            "SELECT ?x {\n  VALUES ?n { 2 }\n ?x ?p ?n }",
            "q:2:15: the VALUES default 2 of parameter 'n' differs from its header default 1",
        ),
        (
            "SELECT ?x {\n  VALUES ?n { UNDEF }\n ?x ?p ?n }",
            "q:2:15: the VALUES default UNDEF of parameter 'n' differs from its header default 1",
        ),
        (
            "SELECT ?x {\n  VALUES ?n { foo:x }\n ?x ?p ?n }",
            "q:2:15: default of 'n': 'foo:x' is not a SPARQL term",
        ),
        (
            "SELECT ?x {\n  VALUES ?n { 1 }\n  { SELECT ?x { ?x ?p ?n } } }",
            "q:3:23: parameter 'n' is used in a (sub)query without its own 'VALUES ?n { ... }' line",
        ),
    ],
)
def test_a_parameter_not_bound_wherever_it_is_used_is_refused_at_its_place(text, message):
    with pytest.raises(QueryError) as caught:
        check_slots(Query("q", text), INTEGER, 1, 9)
    assert str(caught.value).startswith(message)


@pytest.mark.parametrize(
    "text",
    [
        "SELECT ?x {\n  VALUES ?n { 1 }\n ?x ?p ?n }",
        "SELECT ?x {\n  VALUES ?n { 1 }\n  { SELECT ?x ?n { VALUES ?n { 1 } ?x ?p ?n } } }",
        'SELECT ?x {\n  VALUES ?n { "1"^^xsd:integer }\n ?x ?p ?n }',
    ],
)
def test_a_parameter_bound_wherever_it_is_used_passes(text):
    check_slots(Query("q", text), INTEGER, 1, 9)
