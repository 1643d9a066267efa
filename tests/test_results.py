"""kg.sparql.results: a Result's size, Python values, DataFrame and the formats each kind of result prints in."""

from __future__ import annotations

import json
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal
from rdflib.compare import isomorphic

from kg.errors import UsageError
from kg.namespaces import ID, RDFS, XSD
from kg.sparql import query
from kg.sparql.results import BINDINGS_FORMATS, FORMATS, GRAPH_FORMATS, Result, check_format
from kg.sparql.syntax import Query

MINI = str(Path(__file__).parent / "fixtures" / "query" / "mini.ttl")
Q = Query("q", "SELECT * {}")


def rows(*values, variable="v", kind="bindings") -> Result:
    return Result(Q, kind, [variable], [{variable: v} if v is not None else {} for v in values])


def graph_result() -> Result:
    graph = Graph()
    graph.add((ID["iran"], RDFS.label, Literal("ایران", lang="fa")))
    graph.add((ID["iran"], RDFS.label, Literal("Iran", lang="en")))
    return Result(Q, "graph", graph=graph)


# --------------------------------------------------------------------------- the result


@pytest.mark.parametrize(
    ("result", "size"),
    [
        (rows(Literal(1), Literal(2)), 2),
        (rows(), 0),
        (Result(Q, "boolean", boolean=True), 1),
        (Result(Q, "boolean", boolean=False), 0),
        (Result(Q, "graph", graph=Graph()), 0),
        (Result(Q, "graph"), 0),
    ],
)
def test_size_and_emptiness_follow_the_kind_of_result(result, size):
    """An empty result (no rows, a false ASK, no triples) makes kg query exit 1, like grep."""
    assert len(result) == size
    assert result.empty is (size == 0)


def test_a_graph_counts_its_triples():
    assert len(graph_result()) == 2 and not graph_result().empty


def test_values_are_python_values_and_iris_stay_iris():
    result = Result(
        Q,
        "bindings",
        ["a", "b"],
        [
            {"a": Literal("12", datatype=XSD.integer), "b": ID["iran"]},
            {"a": Literal("2.50", datatype=XSD.decimal), "b": BNode("x")},
            {"a": Literal("2022-06-19", datatype=XSD.date)},
            {"a": Literal("همکاری‌ها", lang="fa")},
        ],
    )
    assert result.values() == [
        {"a": 12, "b": ID["iran"]},
        {"a": Decimal("2.50"), "b": BNode("x")},
        {"a": date(2022, 6, 19)},
        {"a": "همکاری\u200cها"},
    ]
    assert list(result) == result.rows


@pytest.mark.parametrize(
    ("kind", "truncated", "notice"),
    [
        ("bindings", False, ""),
        ("bindings", True, "the result was cut at 3 rows (--max-rows)"),
        ("graph", True, "the result was cut at 3 triples (--max-rows)"),
    ],
)
def test_the_notice_says_only_that_rows_were_cut(kind, truncated, notice):
    assert Result(Q, kind, truncated=truncated, max_rows=3).notice == notice


# --------------------------------------------------------------------------- formats


def test_the_default_format_is_a_table_for_rows_and_turtle_for_a_graph():
    assert check_format("bindings") == "table" and check_format("boolean") == "table"
    assert rows(Literal("x")).format() == rows(Literal("x")).format("table")
    text = graph_result().format()
    assert text == (
        "@prefix kgi:  <https://w3id.org/iran-kazakhstan-kg/id/> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n\n"
        'kgi:iran rdfs:label "Iran"@en , "ایران"@fa .\n'
    )


@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")  # rdflib's JSON-LD reader
@pytest.mark.parametrize(("fmt", "rdf"), [("json", "json-ld"), ("nt", "nt"), ("xml", "xml"), ("ttl", "turtle")])
def test_a_graph_prints_in_any_rdf_format_and_reads_back_the_same(fmt, rdf):
    result = graph_result()
    back = Graph().parse(data=result.format(fmt), format=rdf)
    assert isomorphic(back, result.graph)


@pytest.mark.parametrize("fmt", ["table", "csv", "tsv", "md"])
def test_a_table_format_asked_for_a_graph_is_refused_not_replaced(fmt):
    with pytest.raises(UsageError) as caught:
        graph_result().format(fmt)
    assert str(caught.value) == (
        f"--format {fmt} is for SELECT and ASK results; a graph (CONSTRUCT, DESCRIBE) can be "
        "turtle, nt, nquads, trig, jsonld, xml"
    )


@pytest.mark.parametrize("fmt", ["turtle", "ttl", "nt", "jsonld", "xml"])
def test_a_graph_format_asked_for_rows_is_refused(fmt):
    with pytest.raises(UsageError, match=rf"^--format {fmt} is for graphs; SELECT and ASK results can be table, csv,"):
        rows(Literal("x")).format(fmt)


@pytest.mark.parametrize("fmt", ["n3", "Turtle", "", "html"])
def test_an_unknown_format_lists_every_choice(fmt):
    with pytest.raises(UsageError) as caught:
        check_format("bindings", fmt)
    assert str(caught.value) == f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}"


def test_the_format_lists_come_from_the_one_registry():
    assert BINDINGS_FORMATS == ("table", "csv", "tsv", "json", "md")
    assert GRAPH_FORMATS[:6] == ("turtle", "nt", "nquads", "trig", "jsonld", "xml")
    assert "n3" not in FORMATS and len(set(FORMATS)) == len(FORMATS)


@pytest.mark.parametrize(("boolean", "text"), [(True, "true"), (False, "false")])
def test_an_ask_answer_prints_as_a_word_or_standard_json(boolean, text):
    result = Result(Q, "boolean", boolean=boolean)
    assert result.format() == f"{text}\n"
    assert json.loads(result.format("json")) == {"head": {}, "boolean": boolean}


def test_rows_print_in_each_table_format_with_or_without_labels():
    result = Result(Q, "bindings", ["x"], [{"x": ID["iran"]}], labels={ID["iran"]: "ایران"})
    assert result.format("md").splitlines()[2] == f"| [ایران](<{ID['iran']}>) |"
    assert result.format("md", labels=False).splitlines()[2] == f"| [kgi:iran](<{ID['iran']}>) |"
    assert result.format("csv") == f"x\r\n{ID['iran']}\r\n"
    assert "\u2067ایران\u2069" in result.format("table")
    assert "kgi:iran" in result.format("table", labels=False)


# --------------------------------------------------------------------------- DataFrames


def test_to_dataframe_keeps_the_order_types_and_missing_values():
    pd = pytest.importorskip("pandas")
    text = (
        "SELECT ?n ?amount ?ok ?day ?name ?thing WHERE { VALUES (?n ?amount ?ok ?day ?name ?thing) {"
        ' (1 2.50 true "2022-06-13"^^xsd:date "قزاقستان"@fa kgi:kazakhstan)'
        " (UNDEF 3 UNDEF UNDEF UNDEF UNDEF) } }"
    )
    frame = query(text=text, data=[MINI]).to_dataframe()
    assert list(frame.columns) == ["n", "amount", "ok", "day", "name", "thing"]
    assert [str(t) for t in frame.dtypes] == ["Int64", "object", "boolean", "object", "string", "string"]
    assert frame.iloc[0].tolist() == [
        1,
        Decimal("2.50"),
        True,
        date(2022, 6, 13),
        "قزاقستان",
        "https://w3id.org/iran-kazakhstan-kg/id/kazakhstan",
    ]
    assert frame.iloc[1].tolist()[1] == Decimal("3")
    assert [value is pd.NA for value in frame.iloc[1].tolist()] == [True, False, True, True, True, True]


def test_to_dataframe_names_the_extra_when_pandas_is_missing(monkeypatch):
    result = query(text="ASK {}", data=[MINI])
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(UsageError) as caught:
        result.to_dataframe()
    assert str(caught.value) == "Result.to_dataframe needs pandas: pip install 'kg-iran-kazakhstan[pandas]'"


@pytest.mark.parametrize(
    ("values", "dtype", "first"),
    [
        ([Literal("1.5", datatype=XSD.double), Literal("2", datatype=XSD.integer)], "Float64", 1.5),
        ([Literal("1", datatype=XSD.integer), Literal("2.5", datatype=XSD.decimal)], "object", Decimal("1")),
        ([Literal("5", datatype=XSD.nonNegativeInteger), Literal("6", datatype=XSD.int)], "Int64", 5),
        ([Literal("x", datatype=XSD.integer)], "string", "x"),  # ill-typed: kept as text
        ([Literal("1", datatype=XSD.integer), Literal("a")], "string", "1"),  # mixed: text
        ([Literal("1", datatype=XSD.boolean)], "boolean", True),
        ([BNode("b1"), ID["iran"]], "string", "_:b1"),
        ([Literal("x", lang="fa"), Literal("y")], "string", "x"),
    ],
)
def test_a_column_takes_the_type_all_its_values_share(values, dtype, first):
    pytest.importorskip("pandas")
    frame = rows(*values).to_dataframe()
    assert str(frame["v"].dtype) == dtype
    assert frame["v"].iloc[0] == first


def test_a_datetime_column_is_datetime64_and_an_ask_and_a_graph_have_their_own_columns():
    pd = pytest.importorskip("pandas")
    frame = rows(Literal("2022-06-19T10:00:00", datatype=XSD.dateTime), None).to_dataframe()
    assert str(frame["v"].dtype).startswith("datetime64") and frame["v"].iloc[1] is pd.NaT
    assert Result(Q, "boolean", boolean=True).to_dataframe()["boolean"].tolist() == [True]
    graph = graph_result().to_dataframe()
    assert list(graph.columns) == ["s", "p", "o"]
    assert sorted(graph["o"].tolist()) == ["Iran", "ایران"]


def test_an_empty_result_is_an_empty_frame_with_its_columns():
    pytest.importorskip("pandas")
    frame = Result(Q, "bindings", ["a", "b"], []).to_dataframe()
    assert list(frame.columns) == ["a", "b"] and len(frame) == 0
