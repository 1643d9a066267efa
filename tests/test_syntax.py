"""kg.sparql.syntax: tokens, the one reading of a text (analyse), positions in code points, syntax errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.errors import QueryError, QuerySyntaxError
from kg.sparql.files import read_query_text
from kg.sparql.syntax import (
    Lines,
    Param,
    Query,
    Slot,
    analyse,
    check_prefixes,
    expand_escapes,
    offset_of,
    position,
    refuse_at,
    syntax_error,
    tokenize,
)


def kinds(text: str) -> list[tuple[str, str]]:
    return [(t.kind, t.text) for t in tokenize(text)]


# --------------------------------------------------------------------------- tokens


def test_tokens_of_every_kind_with_whitespace_and_comments_dropped():
    text = 'PREFIX ex: <http://e/> SELECT ?x $y { ?x ex:p "a\\"b"@fa-IR ; ex:q 1.5e3 , _:b1 . FILTER(?x != <u>) } # c'
    assert kinds(text) == [
        ("word", "PREFIX"), ("pname", "ex:"), ("iri", "<http://e/>"), ("word", "SELECT"), ("var", "?x"),
        ("var", "$y"), ("punct", "{"), ("var", "?x"), ("pname", "ex:p"), ("string", '"a\\"b"'),
        ("lang", "@fa-IR"), ("punct", ";"), ("pname", "ex:q"), ("number", "1.5e3"), ("punct", ","),
        ("bnode", "_:b1"), ("punct", "."), ("word", "FILTER"), ("punct", "("), ("var", "?x"), ("punct", "!="),
        ("iri", "<u>"), ("punct", ")"), ("punct", "}"),
    ]  # fmt: skip


def test_persian_names_variables_and_long_strings_are_one_token_each():
    text = 'SELECT * { ?شهر rdfs:label """چند\nخط""" . ?x kgi:همکاری 3 }'
    assert kinds(text) == [
        ("word", "SELECT"), ("punct", "*"), ("punct", "{"), ("var", "?شهر"), ("pname", "rdfs:label"),
        ("string", '"""چند\nخط"""'), ("punct", "."), ("var", "?x"), ("pname", "kgi:همکاری"),
        ("number", "3"), ("punct", "}"),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("'it''s'", [("string", "'it'"), ("string", "'s'")]),
        ("'''a 'b' c'''", [("string", "'''a 'b' c'''")]),
        ('"# not a comment"', [("string", '"# not a comment"')]),
        ("<a#b> # comment", [("iri", "<a#b>")]),
        ("?a<?b", [("var", "?a"), ("punct", "<"), ("var", "?b")]),
        ("ex:a.b.", [("pname", "ex:a.b"), ("punct", ".")]),  # a name does not end with a dot
        ("x:%41\\~", [("pname", "x:%41\\~")]),
        ("&& || <= >= ^^", [("punct", "&&"), ("punct", "||"), ("punct", "<="), ("punct", ">="), ("punct", "^^")]),
        (".5 7.", [("number", ".5"), ("number", "7.")]),
    ],
)
def test_tokens_at_the_edges_of_the_grammar(text, expected):
    assert kinds(text) == expected


def test_a_token_knows_its_offset_in_code_points():
    text = "# کامنت\nSELECT ?x"
    select = next(t for t in tokenize(text) if t.text == "SELECT")
    assert select.start == text.index("SELECT") == 8
    assert position(text, select.start) == (2, 1)


@pytest.mark.parametrize(
    ("text", "expanded", "origin"),
    [
        ("a\\u0053b", "aSb", [0, 1, 7]),
        ("\\U0001F600!", "😀!", [0, 10]),
        ("\\u062A\\u0647", "ته", [0, 6]),
        ("no escapes", "no escapes", list(range(10))),
        ("\\uZZZZ", "\\uZZZZ", list(range(6))),
    ],
)
def test_escapes_are_expanded_and_each_character_knows_where_it_came_from(text, expanded, origin):
    assert expand_escapes(text) == (expanded, origin)


def test_an_escape_past_the_last_code_point_is_left_as_written():
    assert expand_escapes("\\UFFFFFFFF") == ("\\UFFFFFFFF", list(range(10)))


# --------------------------------------------------------------------------- positions


@pytest.mark.parametrize(("offset", "line_column"), [(0, (1, 1)), (2, (1, 3)), (3, (2, 1)), (4, (2, 2)), (8, (3, 3))])
def test_offsets_and_positions_convert_both_ways(offset, line_column):
    text = "ab\ncd\nef"
    assert position(text, offset) == line_column
    assert offset_of(text, *line_column) == offset


def test_positions_count_code_points_not_bytes_or_utf16_units():
    text = "«سلام» 😀 ?x"
    assert position(text, text.index("?x")) == (1, 10)
    assert offset_of(text, 1, 10) == text.index("?x")


@pytest.mark.parametrize("text", ["ab\ncd\nef", "\n\n«سلام»\n😀 ?x\n", "", "no newline", "\r\nx\n"])
def test_lines_place_every_offset_as_position_does(text):
    where = Lines(text)
    assert [where.position(offset) for offset in range(len(text) + 1)] == [
        position(text, offset) for offset in range(len(text) + 1)
    ]


@pytest.mark.parametrize(("line", "column", "offset"), [(9, 1, 5), (2, 99, 5), (1, 1, 0)])
def test_a_position_past_the_text_is_its_end(line, column, offset):
    assert offset_of("ab\ncd", line, column) == offset


def test_refuse_at_names_the_query_line_and_column():
    q = Query("cq01", "SELECT ?x\nWHERE { ?x ?p ?o }")
    error = refuse_at(q, q.text, q.text.index("?p"), "no")
    assert (type(error), str(error)) == (QueryError, "cq01:2:12: no")


# --------------------------------------------------------------------------- the one reading


def test_the_form_prefixes_groups_and_modifiers_of_a_select():
    text = "PREFIX ex: <http://e/>\nBASE <http://b/>\nSELECT ?x WHERE { ?x ?p ?o } ORDER BY ?x LIMIT 3"
    shape = analyse(text)
    assert (shape.form, shape.form_at) == ("SELECT", text.index("SELECT"))
    assert dict(shape.declared) == {"ex": "http://e/"}
    assert shape.group_at == text.index("{") + 1
    assert shape.modifiers_at == text.index("ORDER")
    assert shape.ordered and shape.template is None


@pytest.mark.parametrize(
    ("text", "form", "ordered"),
    [
        ("select ?x { ?x ?p ?o } order by ?x", "SELECT", True),
        ("SELECT ?x { { SELECT ?x { ?x ?p ?o } ORDER BY ?o } }", "SELECT", False),  # only a top-level ORDER BY
        ("ASK { ?s ?p ?o }", "ASK", False),
        ("DESCRIBE <urn:x>", "DESCRIBE", False),
        ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", "INSERT", False),
        ("", "", False),
        ("# only a comment", "", False),
        ("?x", "", False),
    ],
)
def test_the_form_and_whether_rows_are_ordered(text, form, ordered):
    shape = analyse(text)
    assert (shape.form, shape.ordered) == (form, ordered)
    assert Query("q", text).form == form and Query("q", text).ordered is ordered


def test_a_short_construct_keeps_its_template_and_a_describe_without_where_has_no_group():
    construct = analyse("CONSTRUCT WHERE { ?s ?p ?o }")
    assert construct.template == (10, "?s ?p ?o")
    assert construct.group_at == 17
    full_text = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
    full = analyse(full_text)
    assert full.template is None and full.group_at == full_text.index("WHERE {") + len("WHERE {")
    describe = analyse("DESCRIBE ?x LIMIT 1")
    assert (describe.group_at, describe.modifiers_at) == (None, 12)


def test_values_lines_variables_and_subquery_scopes():
    text = 'SELECT ?x { VALUES ?a { 1 } { SELECT ?x ?a (1 AS ?b) { VALUES ?c { "x"@fa } ?x ?p ?c } } }'
    shape = analyse(text)
    sub = text.index("SELECT", 1)
    assert shape.slots == (
        Slot("a", text.index("1"), text.index("1") + 1, -1, True),
        Slot("c", text.index('"x"'), text.index('"x"') + len('"x"@fa'), sub, True),
    )
    assert dict(shape.parents) == {sub: -1}
    assert dict(shape.projections) == {sub: frozenset({"x", "a", "b"})}
    assert [v for v in shape.variables if v[0] == "c"] == [("c", text.index("?c"), sub), ("c", text.rindex("?c"), sub)]
    assert shape.visible("a", sub) and not shape.visible("p", sub) and shape.visible("p", -1)


@pytest.mark.parametrize(
    ("values", "slot"),
    [
        ("VALUES ?v { kgi:iran }", "kgi:iran"),
        ("VALUES ?v { <urn:x> }", "<urn:x>"),
        ('VALUES ?v { "5"^^xsd:integer }', '"5"^^xsd:integer'),
        ("VALUES ?v { -3 }", "-3"),
        ("VALUES ?v { UNDEF }", "UNDEF"),
        ("VALUES ?v { 1 2 }", None),  # two values: no parameter default
        ("VALUES ?v { }", None),
        ("VALUES (?v) { (1) }", None),
    ],
)
def test_only_a_one_variable_one_term_values_line_is_a_parameter_slot(values, slot):
    text = f"SELECT * {{ {values} ?s ?p ?v }}"
    slots = analyse(text).slots
    assert [text[s.start : s.end] for s in slots] == ([slot] if slot else [])


def test_a_values_line_inside_an_inner_group_is_not_at_the_top():
    (slot,) = analyse("SELECT * { OPTIONAL { VALUES ?v { 1 } } }").slots
    assert slot.top is False


def test_select_star_projects_everything():
    text = "SELECT * { { SELECT * { ?s ?p ?o } } }"
    shape = analyse(text)
    assert dict(shape.projections) == {text.index("SELECT", 1): None}
    assert shape.visible("o", text.index("SELECT", 1))


# --------------------------------------------------------------------------- syntax errors


@pytest.mark.parametrize(
    ("text", "offset", "message"),
    [
        ("SELECT ?x WHERE { ?x ?p }", 24, "1:25: SPARQL syntax error: unexpected '}'"),
        ("SELECT ?x WHERE { ?x ?p }", 22, "1:22: SPARQL syntax error: unexpected '?p'"),  # inside a token
        ("SELECT ?x WHERE {\n ?x ?p ?o .\n", 30, "3:1: SPARQL syntax error: unexpected end of query"),
        ("SELECT ?x WHERE { ?x ?p ?o }", 40, "1:28: SPARQL syntax error: unexpected '}'"),  # closed: the last token
        ("SELECT ?x {\n  FILTR(?x) }", 20, "2:3: SPARQL syntax error: unexpected 'FILTR'"),  # unknown word first
        ("SELECT ?x {\n  ?x ?p «تهران» }", 20, "2:9: SPARQL syntax error: unexpected '«'"),
        ("", 0, "1:1: SPARQL syntax error: unexpected end of query"),
    ],
)
def test_a_parser_complaint_becomes_an_error_at_the_token_there(text, offset, message):
    error = syntax_error(text, offset)
    assert isinstance(error, QuerySyntaxError) and str(error) == message


def test_a_long_token_is_cut_in_the_message_and_no_offset_gives_no_position():
    assert str(syntax_error(f"SELECT * {{ ?x ?p '{'x' * 100}' . ( }}", 17)) == (
        "1:18: SPARQL syntax error: unexpected " + repr("'" + "x" * 39)
    )
    assert str(syntax_error("x", None)) == "SPARQL syntax error"
    assert str(syntax_error("x", None, "at the end")) == "SPARQL syntax error: at the end"


def test_an_unknown_prefix_is_named_at_its_first_use():
    with pytest.raises(QueryError) as caught:
        check_prefixes(Query("q", "PREFIX ex: <http://e/>\nSELECT ?x {\n  ?x ex:p ?y ; foo:bar ?z ; baz:q ?w }"))
    assert str(caught.value) == "q:3:16: unknown prefix 'foo:' in 'foo:bar'"
    check_prefixes(Query("q", "SELECT ?x { ?x kgi:p rdfs:label ; <urn:x> 'foo:bar' }"))  # project prefixes, strings


# --------------------------------------------------------------------------- the query model


def test_a_query_without_a_file_is_named_by_its_name_and_has_no_expected_rows():
    q = Query("<-e>", "ASK {}")
    assert q.where == "<-e>" and q.expected_path() is None


def test_a_query_file_is_named_relative_to_the_working_folder(tmp_path, monkeypatch):
    path = tmp_path / "queries" / "q.rq"
    path.parent.mkdir()
    path.write_text("ASK {}", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    q = Query("q", "ASK {}", path=path)
    assert q.where == "queries/q.rq"
    assert q.expected_path() is None
    path.with_suffix(".srj").write_text("{}", encoding="utf-8")
    assert q.expected_path() == path.with_suffix(".srj")
    monkeypatch.chdir(Path("/"))
    assert q.where == str(path).lstrip("/")


def test_titles_columns_and_parameter_texts_fall_back_to_english_then_the_variable():
    q = Query(
        "q",
        "SELECT ?x ?y {}",
        title="Agreements",
        titles={"fa": "توافق‌ها"},
        questions={"en": "Which?", "fa": ""},
        columns={"x": {"en": "Agreement", "fa": "توافق"}},
        params=(Param("c", "iri", None, "-", "the country"),),
        param_texts={"c": {"fa": "کشور"}},
    )
    assert (q.title_in("fa"), q.title_in("en"), q.title_in("de")) == ("توافق‌ها", "Agreements", "Agreements")
    assert (q.column("x", "fa"), q.column("x", "de"), q.column("y", "fa")) == ("توافق", "?x", "?y")
    assert (q.question("fa"), q.question("en")) == ("Which?", "Which?")
    assert (q.param_text("c", "fa"), q.param_text("c", "en"), q.param_text("missing", "fa")) == (
        "کشور",
        "the country",
        "",
    )
    assert q.param("c").type == "iri" and q.param("x") is None


def test_a_text_read_with_a_header_gives_the_same_model():
    q = read_query_text("# title: T\n# title@fa: ت\n# param: n | integer | 1 | a number\nSELECT ?n { VALUES ?n { 1 } }")
    assert (q.title, q.title_in("fa"), [p.name for p in q.params]) == ("T", "ت", ["n"])


@pytest.mark.parametrize(
    ("text", "token"),
    [
        ("?همکاری‌ها", ("var", "?همکاری\u200cها")),
        ("kgi:همکاری‌ها", ("pname", "kgi:همکاری\u200cها")),
        ("می‌خواهد:x", ("pname", "می\u200cخواهد:x")),
        ("_:ب‌پ", ("bnode", "_:ب\u200cپ")),
        ("?a\u200db", ("var", "?a\u200db")),  # ZWJ too
    ],
)
def test_a_name_with_a_zero_width_non_joiner_is_one_token(text, token):
    """Regression: SPARQL's PN_CHARS_BASE holds U+200C/U+200D, which \\w lacks, so ``?همکاری‌ها`` was read as
    ``?همکاری`` and stray punctuation, and a syntax error there named half the variable."""
    assert kinds(text) == [token]
    error = syntax_error(f"SELECT * {{ ?s ?p {text} ) }}", len("SELECT * { ?s ?p "))
    assert str(error) == f"1:18: SPARQL syntax error: unexpected {token[1]!r}"


def test_the_readings_kept_are_bounded_of_a_long_text_only_the_last():
    """kg serve reads every request's text: 256 kept readings of 1 MB bodies would have held some 15 GB."""
    from kg.limits import MAX_CACHED_QUERY_TEXT
    from kg.sparql import syntax

    long = [f"SELECT * {{ VALUES ?x{k} {{ " + "1 " * (MAX_CACHED_QUERY_TEXT // 2) + "} }" for k in range(3)]
    shapes = [analyse(text) for text in long]
    assert all(len(text) > MAX_CACHED_QUERY_TEXT for text in long)
    assert analyse(long[-1]) is shapes[-1]  # the last long one is kept
    again = analyse(long[0])
    assert again is not shapes[0] and again == shapes[0]  # an earlier one is read again, the same
    assert list(syntax._analyse_kept.last_long) == [long[0]]
    short = "SELECT * WHERE { ?s ?p ?o }"
    assert analyse(short) is analyse(short)  # a short text's reading is kept
