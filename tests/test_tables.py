"""kg.sparql.tables: SPARQL 1.1 CSV, TSV and JSON as the standard says (read back by a strict parser), Markdown,
terminal tables that fit their width with right-to-left cells isolated, and the escaped HTML table."""

from __future__ import annotations

import json

import pytest
from rdflib import BNode, Graph, Literal, URIRef

from kg.namespaces import ID, XSD
from kg.sparql import tables
from kg.sparql.protocol import parse_results
from kg.sparql.results import Result
from kg.sparql.syntax import Query
from kg.sparql.tables import (
    Cell,
    _cell,
    _fit,
    _width,
    display_table,
    format_csv,
    format_json,
    format_md,
    format_table,
    format_tsv,
    label_columns,
    render_html_table,
    tsv_term,
)
from kg.terms import pack_term

RLI, PDI = "\u2067", "\u2069"
ROWS = [
    {"x": ID["iran"], "n": Literal("1", datatype=XSD.integer), "t": Literal('a,"b"\nc\td', lang="en")},
    {
        "x": BNode("b0"),
        "n": Literal("2.50", datatype=XSD.decimal, normalize=False),
        "t": Literal("همکاری‌ها", lang="fa"),
    },
    {"n": Literal("1000.0", datatype=XSD.double), "t": Literal("true", datatype=XSD.boolean)},
    {"x": ID["kazakhstan"], "t": Literal("2022-06-19", datatype=XSD.date)},
]


def result(rows=ROWS, variables=("x", "n", "t"), kind="bindings", **fields) -> Result:
    return Result(Query("q", "SELECT * {}"), kind, list(variables), list(rows), **fields)


# --------------------------------------------------------------------------- SPARQL 1.1 result formats


def test_csv_is_the_standard_s_bare_values_with_crlf_and_quoting():
    assert format_csv(result()) == (
        "x,n,t\r\n"
        f'{ID["iran"]},1,"a,""b""\nc\td"\r\n'
        "_:b0,2.50,همکاری\u200cها\r\n"
        ",1000.0,true\r\n"
        f"{ID['kazakhstan']},,2022-06-19\r\n"
    )


def test_tsv_writes_terms_in_turtle_syntax_with_numbers_and_booleans_abbreviated():
    assert format_tsv(result()) == (
        "?x\t?n\t?t\n"
        f'<{ID["iran"]}>\t1\t"a,\\"b\\"\\nc\\td"@en\n'
        '_:b0\t2.50\t"همکاری\u200cها"@fa\n'
        f'\t"1000.0"^^<{XSD.double}>\ttrue\n'
        f'<{ID["kazakhstan"]}>\t\t"2022-06-19"^^<{XSD.date}>\n'
    )


@pytest.mark.parametrize(
    ("term", "text"),
    [
        (None, ""),
        (Literal("-7", datatype=XSD.integer), "-7"),
        (Literal(".5", datatype=XSD.decimal, normalize=False), ".5"),
        (Literal("5.", datatype=XSD.decimal, normalize=False), '"5."^^<http://www.w3.org/2001/XMLSchema#decimal>'),
        (Literal("01", datatype=XSD.integer, normalize=False), "01"),
        (Literal("1", datatype=XSD.boolean, normalize=False), '"1"^^<http://www.w3.org/2001/XMLSchema#boolean>'),
        (Literal("x"), '"x"'),
        (URIRef("http://example.org/a b"), "<http://example.org/a b>"),
    ],
)
def test_a_tsv_term_is_abbreviated_only_where_turtle_reads_it_back_the_same(term, text):
    assert tsv_term(None if term is None else pack_term(term)) == text


@pytest.mark.parametrize(
    ("write", "media_type"),
    [(format_json, "application/sparql-results+json"), (format_tsv, "text/tab-separated-values")],
)
def test_json_and_tsv_are_read_back_term_for_term_by_a_strict_parser(write, media_type):
    outcome = parse_results(write(result()).encode("utf-8"), media_type)
    assert outcome.variables == ["x", "n", "t"]
    assert outcome.rows == ROWS
    assert [str(row["t"]) for row in outcome.rows] == [str(row["t"]) for row in ROWS]  # lexical forms kept


def test_csv_is_read_back_as_the_lossy_format_it_is():
    outcome = parse_results(format_csv(result()).encode("utf-8"), "text/csv")
    assert outcome.rows[0] == {"x": ID["iran"], "n": Literal("1"), "t": Literal('a,"b"\nc\td')}
    assert outcome.rows[1]["x"] == BNode("b0") and "x" not in outcome.rows[2]


def test_json_is_one_binding_a_line_with_persian_as_itself():
    text = format_json(result())
    assert "همکاری\u200cها" in text and "\\u" not in text
    lines = text.splitlines()
    assert lines[:2] == ['{"head": {"vars": ["x", "n", "t"]},', '"results": {"bindings": [']
    assert len(lines) == 2 + len(ROWS) + 1 and lines[-1] == "]}}"
    assert json.loads(text)["results"]["bindings"][2] == {
        "n": {"type": "literal", "value": "1000.0", "datatype": str(XSD.double)},
        "t": {"type": "literal", "value": "true", "datatype": str(XSD.boolean)},
    }


def test_no_rows_are_still_a_document_in_every_format():
    empty = result(rows=[])
    assert json.loads(format_json(empty)) == {"head": {"vars": ["x", "n", "t"]}, "results": {"bindings": []}}
    assert format_csv(empty) == "x,n,t\r\n"
    assert format_tsv(empty) == "?x\t?n\t?t\n"
    assert parse_results(format_json(empty).encode(), "application/sparql-results+json").rows == []


# --------------------------------------------------------------------------- Markdown


def test_markdown_escapes_pipes_and_backslashes_and_links_iris():
    rows = [{"x": ID["iran"], "t": Literal("a|b\\c\nd")}, {"t": Literal("ایران")}]
    text = format_md(result(rows=rows, variables=("x", "t")), {str(ID["iran"]): "Iran | ایران"})
    assert text == (f"| x | t |\n|---|---|\n| [Iran \\| ایران](<{ID['iran']}>) | a\\|b\\\\c<br>d |\n|  | ایران |\n")


def test_markdown_without_a_label_shows_the_prefixed_name():
    text = format_md(result(rows=[{"x": ID["iran"]}], variables=("x",)), {})
    assert text.splitlines()[2] == f"| [kgi:iran](<{ID['iran']}>) |"


# --------------------------------------------------------------------------- terminal tables


@pytest.mark.parametrize(
    ("variables", "iris", "shown"),
    [
        (["agreement", "kindLabel", "agreementLabel"], False, [("agreementLabel", "agreement"), ("kindLabel", None)]),
        (["xLabel", "x"], False, [("xLabel", "x")]),
        (["x", "xLabel"], True, [("x", None), ("xLabel", None)]),
        (["Label"], False, [("Label", None)]),
        ([], False, []),
    ],
)
def test_a_label_column_takes_the_place_of_its_iri_column(variables, iris, shown):
    assert label_columns(variables, iris=iris) == shown


def test_the_table_shows_labels_isolates_right_to_left_cells_and_counts_rows():
    text = format_table(result(), {str(ID["iran"]): "ایران"})
    assert text.splitlines() == [
        "?x              ?n      ?t",
        "--------------  ------  ----------",
        f'{RLI}ایران{PDI}           1       a,"b" c d',  # the isolates take no column
        f"_:b0            2.50    {RLI}همکاری\u200cها{PDI}",
        "                1000.0  true",
        "kgi:kazakhstan          2022-06-19",
        "(4 rows)",
    ]


def test_a_mostly_right_to_left_column_is_right_aligned():
    rows = [{"p": Literal("تهران")}, {"p": Literal("آستانه")}, {"p": Literal("Astana")}]
    lines = format_table(result(rows=rows, variables=("p",)), {}).splitlines()
    assert lines[:5] == ["    ?p", "------", f" {RLI}تهران{PDI}", f"{RLI}آستانه{PDI}", "Astana"]  # padded before


@pytest.mark.parametrize("width", [20, 30, 45, 200])
def test_the_table_fits_its_width_and_never_cuts_a_header(width):
    rows = [{"agreement": Literal("یادداشت تفاهم همکاری در حوزه حمل‌ونقل ریلی " * 2), "n": Literal("42")}]
    lines = format_table(result(rows=rows, variables=("agreement", "n")), {}, width=width).splitlines()
    assert all(_width(line) <= max(width, len("?agreement  ?n")) for line in lines[:-1])
    assert lines[0].split() == ["?agreement", "?n"]
    assert lines[2].rstrip().endswith("42")
    assert ("…" in lines[2]) is (width < 100)


def test_the_footer_says_one_row_or_where_rows_were_cut():
    one = format_table(result(rows=ROWS[:1]), {})
    assert one.endswith("\n(1 row)\n")
    cut = format_table(result(truncated=True, max_rows=4), {})
    assert cut.endswith("\n(4 rows; cut at --max-rows 4)\n")
    assert format_table(result(rows=[]), {}).splitlines() == ["?x  ?n  ?t", "--  --  --", "(0 rows)"]


@pytest.mark.parametrize(
    ("rows", "truncated", "footer"),
    [
        (1, False, "(۱ سطر)"),
        (4, False, "(۴ سطر)"),
        (0, False, "(۰ سطر)"),
        (4, True, "(۴ سطر؛ بریده در \u200e--max-rows ۴)"),
    ],
)
def test_a_persian_table_counts_its_rows_in_persian(rows, truncated, footer):
    """kg query --lang fa: the table's own words in Persian, with Persian digits; the option name stays as typed."""
    shown = format_table(result(rows=ROWS[:rows], truncated=truncated, max_rows=4), {}, lang="fa")
    assert shown.splitlines()[-1] == footer


def test_kg_query_in_persian_ends_its_table_in_persian(run_kg):
    code, out, _ = run_kg("query", "cq14", "--lang", "fa")
    assert code == 0 and out.splitlines()[-1] == "(۷ سطر)"
    code, out, _ = run_kg("query", "cq14")
    assert out.splitlines()[-1] == "(7 rows)"


def test_control_characters_of_the_data_are_shown_as_escapes_in_a_table():
    rows = [{"t": Literal("red\x1b[31m\x07bell")}]
    assert format_table(result(rows=rows, variables=("t",)), {}).splitlines()[2] == "red\\x1b[31m\\x07bell"


@pytest.mark.parametrize(
    ("widths", "floors", "room", "fitted"),
    [
        ([10, 20], [2, 2], 40, [10, 20]),  # fits: the natural widths
        ([10, 20], [2, 2], 20, [10, 10]),  # the widest capped first
        ([10, 30, 30], [2, 2, 2], 40, [10, 15, 15]),
        ([5, 50], [5, 20], 30, [5, 25]),
        ([8, 9], [8, 9], 10, [8, 9]),  # floors (headers) are never cut, even past the room
    ],
)
def test_column_widths_cap_the_widest_columns_first(widths, floors, room, fitted):
    assert _fit(widths, floors, room) == fitted


# --------------------------------------------------------------------------- cells and HTML


def test_the_cells_a_reader_sees_for_rows_an_answer_and_a_graph():
    rows = [{"x": ID["iran"], "xLabel": Literal("Iran", lang="en"), "n": Literal("3", datatype=XSD.integer)}]
    columns, cells = display_table(result(rows=rows, variables=("x", "xLabel", "n"), labels={ID["iran"]: "ایران"}))
    assert columns == ["xLabel", "n"]
    assert cells == [[Cell("Iran", str(ID["iran"]), "@en"), Cell("3", None, "xsd:integer")]]
    assert display_table(result(rows=rows, variables=("x", "xLabel", "n")), iris=True)[1][0][0] == Cell(
        "kgi:iran", str(ID["iran"]), "kgi:iran"
    )
    assert display_table(result(rows=[], kind="boolean", boolean=False)) == (
        ["boolean"],
        [[Cell("false", tip="xsd:boolean")]],
    )
    graph = Graph()
    graph.add((ID["iran"], URIRef("urn:p"), Literal("x")))
    graph.add((BNode("b"), URIRef("urn:p"), ID["iran"]))
    columns, cells = display_table(result(rows=[], kind="graph", graph=graph, labels={ID["iran"]: "Iran"}))
    assert columns == ["subject", "predicate", "object"]
    assert [[c.text for c in row] for row in cells] == [["_:b", "<urn:p>", "Iran"], ["Iran", "<urn:p>", "x"]]


def test_the_html_table_escapes_isolates_and_says_when_rows_were_cut():
    rows = [{"t": Literal('<b a="1">&</b>')}, {"t": ID["iran"]}]
    html = render_html_table(result(rows=rows, variables=("t",), truncated=True, max_rows=2))
    assert '<td dir="auto" title="xsd:string">&lt;b a=&#34;1&#34;&gt;&amp;&lt;/b&gt;</td>' in html
    assert f'<td dir="auto" title="kgi:iran"><a href="{ID["iran"]}">kgi:iran</a></td>' in html
    assert html.endswith("</tbody></table><p>the result was cut at 2 rows (--max-rows)</p>")
    assert "<script" not in html


# --------------------------------------------------------------------------- cells


def test_widths_count_wide_combining_and_format_characters_right():
    assert _width("中文") == 4  # East Asian wide: two columns each
    assert _width("e\u0301") == 1  # a combining acute takes none
    assert _width("راه\u200cآهن") == 6  # ZWNJ takes none
    assert _width("\u2067تهران\u2069") == 5  # isolates take none


@pytest.mark.parametrize(
    ("text", "limit", "cut"),
    [
        ("Kazakhstan Temir Zholy", 10, "Kazakhsta…"),
        ("中文中文中文", 7, "中文中…"),
        ("abe\u0301de", 4, "abe\u0301…"),
        ("abc\u0301d", 3, "ab…"),  # a mark never leaves its base behind
        ("short", 10, "short"),
        ("two\n  lines", 20, "two lines"),
    ],
)
def test_a_cell_is_cut_to_its_width_with_an_ellipsis(text, limit, cut):
    assert _cell(text, limit) == cut
    assert _width(_cell(text, limit)) <= limit


@pytest.mark.parametrize("limit", [1, 5, 80])
@pytest.mark.parametrize("unit", ["قرارداد همکاری ", "Tokayev ", "中文 ", "e\u0301 "])
def test_cutting_a_cell_looks_at_no_more_characters_than_it_can_show(monkeypatch, limit, unit):
    """Was quadratic, with a Unicode look-up per character per step: a 100 KB quote took minutes.
    Now the width of at most about twice the shown characters is looked up, however long the text."""
    looked: list[str] = []
    real = tables._char_width
    monkeypatch.setattr(tables, "_char_width", lambda char: looked.append(char) or real(char))
    text = unit * 100_000
    cut = _cell(text, limit)
    assert cut.endswith("…") and _width(cut) <= limit
    assert text.startswith(cut[:-1])
    assert len(looked) <= 2 * (limit + 2)


def test_the_widths_known_without_wcwidth_are_wcwidths_own():
    """Every code point of the ranges the tables measure without importing wcwidth has the width the installed
    wcwidth gives it (regenerate the ranges from wcwidth if a new version changes one)."""
    from wcwidth import wcwidth

    checked = 0
    for low, high in tables._KNOWN_WIDTH:
        for code in range(low, high + 1):
            assert tables._Widths()[chr(code)] == max(wcwidth(chr(code)), 0), hex(code)
            checked += 1
    assert checked > 1900


@pytest.mark.parametrize(
    ("text", "columns"),
    [
        ("قزاقستان", 8),
        ("رئیس\u200cجمهور", 9),  # ZWNJ: no column
        ("\u2067قَزاقِستان\u2069", 8),  # isolates and diacritics: none
        ("«۵٬۰۰۰٬۰۰۰» – Kazakhstan’s", 26),
        ("東京", 4),  # outside the known ranges: asked of wcwidth, two columns each
        ("e\u0301", 1),
    ],
)
def test_terminal_columns_of_text_in_the_tables_scripts(text, columns):
    assert tables._width(text) == columns
