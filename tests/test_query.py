"""kg.query and kg.sparql: query files, typed parameters, refusals, positions, time limits, results."""

from __future__ import annotations

import socket
import threading
import urllib.request
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import BNode, Literal, URIRef

from kg import resources
from kg.errors import ExitCode, QueryError, QuerySyntaxError, QueryTimeout
from kg.namespaces import ID, KGC, XSD
from kg.sparql.compare import canonical, compare, read_expected
from kg.sparql.engines import OxigraphEngine, RdflibEngine, open_engine
from kg.sparql.entailment import rdfs_closure
from kg.sparql.files import find_query, list_queries, read_query, read_query_text
from kg.sparql.library import run_query
from kg.sparql.sandbox import run_isolated

FIXTURES = Path(__file__).parent / "fixtures" / "query"
MINI = [FIXTURES / "mini.ttl"]
LIBRARY = FIXTURES / "queries"
SHIPPED = sorted(p.stem for p in resources.queries_dir().glob("*.rq"))
FIGURE = "https://w3id.org/iran-kazakhstan-kg/id/figure/"
#: Four triple patterns with nothing shared: about 1500^4 combinations to count, far past any time limit.
ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


@pytest.fixture(scope="module", params=["rdflib", "oxigraph"])
def engine(request):
    """Each local engine on the fixture graph (ontology, vocabularies, tests/fixtures/query/mini.ttl)."""
    return open_engine(request.param, data=MINI)


@pytest.fixture(scope="module")
def shipped_engines():
    return {name: open_engine(name) for name in ("rdflib", "oxigraph")}


def run_text(text: str, engine, **options):
    return run_query(read_query_text(text, name="<-e>"), engine=engine, **options)


def write_query(tmp_path: Path, text: str, name: str = "probe.rq") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --------------------------------------------------------------------------- parameter values


@pytest.mark.parametrize(
    "value",
    ['en") || true || ("', 'en" ) } UNION { ?agreement ?p ?o } #', "\\u0022 } UNION { ?s ?p ?o } #"],
    ids=["filter", "union", "unicode-escape"],
)
def test_a_value_that_tries_to_inject_sparql_matches_nothing(engine, value):
    """Written as one literal (tests/test_values.py): no language tag, so it is bound as it is."""
    result = run_query(read_query(LIBRARY / "fx01-agreements.rq"), {"lang": value}, engine=engine)
    assert (result.kind, result.rows) == ("bindings", [])


def test_an_undeclared_parameter_of_an_ad_hoc_query_is_read_as_a_sparql_term(engine):
    result = run_text("SELECT ?label WHERE { ?e rdfs:label ?label }", engine, params={"e": "kgi:tehran"})
    assert sorted(r["label"] for r in result) == [Literal("Tehran", lang="en"), Literal("تهران", lang="fa")]


# --------------------------------------------------------------------------- preparing


@pytest.mark.parametrize("text", ["DESCRIBE ?entity", "CONSTRUCT WHERE { ?entity ?p ?o }"])
def test_a_graph_query_with_a_parameter_is_about_the_bound_entity(engine, text):
    result = run_text(text, engine, params={"entity": "kgi:tehran"})
    assert result.kind == "graph"
    assert set(result.graph.subjects()) == {ID["tehran"]}
    # 4 asserted triples, and under RDFS entailment the superclass types and the superproperty statement:
    assert len(result.graph) == 8
    assert (ID["tehran"], URIRef("https://schema.org/containedInPlace"), ID["iran"]) in result.graph


# --------------------------------------------------------------------------- refusals


def test_the_words_in_comments_strings_iris_and_names_are_not_operations(engine):
    text = (
        "# SERVICE <http://example.org/> FROM <file:///etc/passwd>\n"
        "PREFIX ex: <http://example.org/SERVICE#>\n"
        'SELECT ?x WHERE { BIND("SERVICE <http://x/> { } FROM" AS ?x) OPTIONAL { ?x ex:from ex:service } }'
    )
    assert [str(r["x"]) for r in run_text(text, engine)] == ["SERVICE <http://x/> { } FROM"]


def test_rdflib_itself_does_not_call_a_service(tmp_path):
    """Even a query that reached rdflib without the check would not open a connection."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(0.5)
    port = listener.getsockname()[1]
    engine = RdflibEngine.from_files(MINI)
    with pytest.raises(QueryError, match="SERVICE is refused"):
        engine.run(f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}")
    with pytest.raises(TimeoutError):
        listener.accept()
    listener.close()


def test_rdflib_itself_does_not_load_from_graphs(tmp_path):
    other = tmp_path / "other.ttl"
    other.write_text("<urn:a> <urn:b> <urn:c> .\n", encoding="utf-8")
    engine = RdflibEngine.from_files(MINI)
    outcome = engine.run(f"SELECT ?o FROM <{other.as_uri()}> WHERE {{ ?s <urn:b> ?o }}")
    assert outcome.rows == []


def test_allow_external_lets_rdflib_read_a_from_graph(tmp_path):
    other = tmp_path / "other.ttl"
    other.write_text("<urn:a> <urn:b> <urn:c> .\n", encoding="utf-8")
    text = f"SELECT ?o FROM <{other.as_uri()}> WHERE {{ ?s <urn:b> ?o }}"
    result = run_text(text, RdflibEngine.from_files(MINI), allow_external=True)
    assert result.rows == [{"o": URIRef("urn:c")}]


def test_the_query_process_cannot_open_a_connection():
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    port = listener.getsockname()[1]
    with pytest.raises(QueryError, match=r"network access refused in the query process \(socket\.connect\)"):
        run_isolated(lambda: socket.socket().connect(("127.0.0.1", port)), timeout=10)
    with pytest.raises(QueryError, match=r"network access refused in the query process \(urllib\.Request\)"):
        run_isolated(lambda: urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2), timeout=10)
    listener.close()


# --------------------------------------------------------------------------- positions, time, size


#: Where each engine's parser gives up, as the token there: Oxigraph reads on to the furthest
#: character it could, rdflib's pyparsing reports the start of the construct that failed.
SYNTAX_ERRORS = {
    "missing object": (
        "SELECT ?x WHERE { ?x ?p }",
        {
            "oxigraph": "1:25: SPARQL syntax error: unexpected '}'",
            "rdflib": "1:19: SPARQL syntax error: unexpected '?x'",
        },
    ),
    "misspelt keyword": (
        '# param: lang | string | "en" | the language\n'
        'PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n'
        'SELECT ?x WHERE {\n  VALUES ?lang { "en" }\n  ?x rdfs:label ?label .\n  FILTR(lang(?label) = ?lang)\n}\n',
        dict.fromkeys(("oxigraph", "rdflib"), "6:3: SPARQL syntax error: unexpected 'FILTR'"),
    ),
    "missing end": (
        "SELECT ?x WHERE {\n  ?x ?p ?o .\n",
        dict.fromkeys(("oxigraph", "rdflib"), "3:1: SPARQL syntax error: unexpected end of query"),
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", SYNTAX_ERRORS)
def test_a_syntax_error_is_a_query_syntax_error_at_the_token_where_the_parser_gave_up(tmp_path, engine, case):
    text, expected = SYNTAX_ERRORS[case]
    path = write_query(tmp_path, text)
    with pytest.raises(QuerySyntaxError) as caught:
        run_query(read_query(path), engine=engine)
    assert str(caught.value) == f"{path}:{expected[engine.name]}"
    assert caught.value.exit_code == ExitCode.QUERY


def test_an_unknown_prefix_is_named_with_its_position(tmp_path, engine):
    path = write_query(tmp_path, "SELECT ?x WHERE {\n  ?x foo:bar ?y\n}\n")
    with pytest.raises(QueryError) as caught:
        run_query(read_query(path), engine=engine)
    assert str(caught.value) == f"{path}:2:6: unknown prefix 'foo:' in 'foo:bar'"


def test_a_query_past_its_time_limit_is_stopped(engine):
    with pytest.raises(QueryTimeout) as caught:
        run_text(ENDLESS, engine, timeout=0.25)  # the query never ends: a short limit proves as much as a long one
    assert str(caught.value) == "<-e>: the query was stopped after 0.25 s (time limit; see --timeout)"


def test_rows_over_the_cap_are_cut_with_a_notice(engine):
    result = run_text("SELECT ?s ?p ?o WHERE { ?s ?p ?o }", engine, max_rows=3)
    assert (len(result.rows), result.truncated) == (3, True)
    assert result.notice == "the result was cut at 3 rows (--max-rows)"
    whole = run_text("SELECT ?s WHERE { ?s a kg:Country }", engine, max_rows=3)
    assert (len(whole.rows), whole.truncated, whole.notice) == (2, False, "")


# --------------------------------------------------------------------------- results


@pytest.mark.parametrize("name", [q.name for q in list_queries(LIBRARY) if q.expected_path()])
def test_every_fixture_query_gives_its_expected_rows(engine, name):
    q = find_query(name, LIBRARY)
    assert compare(run_query(q, engine=engine), read_expected(q.expected_path())) == []


@pytest.mark.skipif(not SHIPPED, reason="queries/ has no .rq files yet")
@pytest.mark.parametrize("name", SHIPPED)
@pytest.mark.parametrize("engine_name", ["rdflib", "oxigraph"])
def test_every_library_query_gives_its_expected_rows(shipped_engines, engine_name, name):
    q = find_query(name)
    assert q.expected_path() is not None, f"{q.where} has no expected results beside it"
    result = run_query(q, engine=shipped_engines[engine_name], max_rows=None, timeout=120)  # not the 5 s default
    assert compare(result, read_expected(q.expected_path())) == []


def test_both_engines_hold_the_same_default_graph(shipped_engines, graph):
    count = read_query_text("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    counts = {name: int(run_query(count, engine=e).rows[0]["n"]) for name, e in shipped_engines.items()}
    entailed = len(graph) + len(rdfs_closure(graph))
    assert counts == {"rdflib": entailed, "oxigraph": entailed}


@pytest.mark.skipif(not SHIPPED, reason="queries/ has no .rq files yet")
def test_every_library_query_has_a_title_and_a_question_in_both_languages():
    for q in list_queries():
        assert q.title and q.question("en") and q.questions.get("fa"), q.where
        assert q.titles.get("fa"), f"{q.where}: no '# title@fa:' line"


@pytest.mark.skipif(not SHIPPED, reason="queries/ has no .rq files yet")
def test_every_column_and_parameter_of_every_library_query_is_named_in_both_languages(shipped_engines):
    """The site's headers and forms come from the query files (``# column:``, ``# param@fa:``)."""
    unnamed = []
    for q in list_queries():
        variables = run_query(q, engine=shipped_engines["oxigraph"]).variables if q.form == "SELECT" else []
        unnamed += [f"{q.name}: ?{v}" for v in variables if set(q.columns.get(v, {})) != {"en", "fa"}]
        unnamed += [f"{q.name}: ?{v} is not a column" for v in q.columns if v not in variables]
        unnamed += [f"{q.name}: parameter {p.name}" for p in q.params if not q.param_texts.get(p.name, {}).get("fa")]
    assert unnamed == []


def test_rows_give_typed_python_values(engine):
    values = {str(r["figure"]): r["value"] for r in run_query(find_query("fx02", LIBRARY), engine=engine).values()}
    assert values == {FIGURE + "trade-value-1400": Decimal("265200000"), FIGURE + "trade-weight-1400": 770000}
    assert isinstance(values[FIGURE + "trade-weight-1400"], int)


def test_ask_and_construct_results(engine):
    assert run_query(find_query("fx03", LIBRARY), engine=engine).boolean is True
    assert run_query(find_query("fx03", LIBRARY), {"b": "kgi:tehran"}, engine=engine).boolean is False
    graph = run_query(find_query("fx05", LIBRARY), {"entity": "kgi:iran"}, engine=engine).graph
    assert sorted(graph.objects()) == [Literal("Iran", lang="en"), Literal("ایران", lang="fa")]


def test_labels_are_looked_up_in_the_language_asked_for(engine):
    result = run_query(find_query("fx02", LIBRARY), engine=engine, labels=True, lang="fa")
    assert result.labels[FIGURE + "trade-value-1400"] == "ارزش تجارت در ۱۴۰۰"  # keyed by the IRI's text
    assert result.labels[str(KGC["us-dollar"])] == "دلار آمریکا"


def test_both_engines_print_a_decimal_differently_and_compare_equal():
    text = "SELECT ?v WHERE { ?f schema:value ?v FILTER(datatype(?v) = xsd:decimal) }"
    rdflib_value = run_text(text, RdflibEngine.from_files(MINI)).rows[0]["v"]
    oxigraph_value = run_text(text, OxigraphEngine.from_files(MINI)).rows[0]["v"]
    assert (str(rdflib_value), str(oxigraph_value)) == ("265200000.0", "265200000")
    assert canonical(rdflib_value) == canonical(oxigraph_value)


@pytest.mark.parametrize(
    ("a", "b", "equal"),
    [
        (Literal("1.50", datatype=XSD.decimal), Literal("1.5", datatype=XSD.decimal), True),
        (Literal("1", datatype=XSD.integer), Literal("1.0", datatype=XSD.decimal), True),
        (Literal("3000000000", datatype=XSD.integer), Literal("3000000000", datatype=XSD.decimal), True),
        (Literal("1", datatype=XSD.integer), Literal("1", datatype=XSD.double), False),
        (Literal("1", datatype=XSD.integer), Literal("2", datatype=XSD.decimal), False),
        (Literal("1E3", datatype=XSD.double), Literal("1000.0", datatype=XSD.double), True),
        (Literal("x"), Literal("x", datatype=XSD.string), True),
        (Literal("x", lang="FA"), Literal("x", lang="fa"), True),
        (Literal("1", datatype=XSD.boolean), Literal("true", datatype=XSD.boolean), True),
        (BNode("b0"), BNode("other"), True),
        (URIRef("urn:a"), Literal("urn:a"), False),
    ],
)
def test_terms_compare_exactly_except_for_the_documented_cases(a, b, equal):
    assert (canonical(a) == canonical(b)) is equal


def test_compare_names_missing_and_unexpected_rows_and_order():
    q = find_query("fx04", LIBRARY)
    expected = read_expected(q.expected_path())
    result = run_query(q, engine=OxigraphEngine.from_files(MINI))
    result.rows = result.rows[::-1]
    assert compare(result, expected) == ["same rows in another order (ORDER BY): first difference at row 1"]
    assert compare(result, expected, ordered=False) == []
    result.rows = result.rows[:1]
    assert compare(result, expected) == [
        "expected 2 rows, got 1",
        'missing: {agreements: 1, kindLabel: "memorandum of understanding"@en}',
    ]


def test_rows_come_back_from_the_query_process_with_every_kind_of_term_as_written():
    import pyoxigraph

    store = pyoxigraph.Store()
    s, p = pyoxigraph.NamedNode("urn:s"), pyoxigraph.NamedNode("urn:p")
    objects = [
        pyoxigraph.NamedNode("urn:o"),
        pyoxigraph.BlankNode("b1"),
        pyoxigraph.Literal("x"),
        pyoxigraph.Literal("راه\u200cآهن", language="fa"),
        pyoxigraph.Literal("01", datatype=pyoxigraph.NamedNode("urn:type")),  # not a type the store rewrites
    ]
    store.extend(pyoxigraph.Quad(s, p, o) for o in objects)
    text = "SELECT ?o ?none WHERE { <urn:s> <urn:p> ?o OPTIONAL { ?o <urn:q> ?none } }"
    result = run_text(text, OxigraphEngine(store), timeout=10)
    got = [row for row in result.rows]
    assert all(set(row) == {"o"} for row in got)  # an unbound variable is absent, as from rdflib
    values = sorted((type(row["o"]).__name__, str(row["o"]), row["o"].n3()) for row in got)
    assert values == [
        ("BNode", "b1", "_:b1"),
        ("Literal", "01", '"01"^^<urn:type>'),
        ("Literal", "x", '"x"'),
        ("Literal", "راه\u200cآهن", '"راه\u200cآهن"@fa'),
        ("URIRef", "urn:o", "<urn:o>"),
    ]


def test_each_query_sees_the_store_as_it_is_then_not_a_copy_from_an_earlier_query():
    import pyoxigraph

    store = pyoxigraph.Store()
    engine = OxigraphEngine(store)
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    assert run_text(count, engine, timeout=10).values() == [{"n": 0}]
    store.add(pyoxigraph.Quad(pyoxigraph.NamedNode("urn:s"), pyoxigraph.NamedNode("urn:p"), pyoxigraph.Literal("o")))
    assert run_text(count, engine, timeout=10).values() == [{"n": 1}]


def test_the_engine_reads_data_as_strictly_as_kg_load_and_reports_the_same_fault(tmp_path):
    from kg.base_iri import input_base
    from kg.errors import LoadError
    from kg.load import read_quads

    good = tmp_path / "good.ttl"
    good.write_text('<urn:a> <urn:b> "c"@fa .\n<urn:a> <urn:b> <rel> .\n', encoding="utf-8")
    with input_base("https://example.org/data/"):
        engine = OxigraphEngine.from_files([good], entailment="none")
        data = {(q.subject, q.predicate, q.object) for q in read_quads(good)}
    assert data <= {(q.subject, q.predicate, q.object) for q in engine.store}  # relative IRIs against one base
    bad = tmp_path / "bad.ttl"
    bad.write_text('<urn:a> <urn:b> "c"@fa .\n<urn:a> <urn:b> "unterminated .\n', encoding="utf-8")
    for path in (bad, good):  # a syntax error; a relative IRI with no base
        with pytest.raises(LoadError) as expected:
            read_quads(path)
        with pytest.raises(LoadError) as got:
            OxigraphEngine.from_files([path])
        assert str(got.value) == str(expected.value)
    assert (got.value.line, got.value.column) == (expected.value.line, expected.value.column) != (None, None)


def test_query_records_are_frozen():
    q = read_query(LIBRARY / "fx02-trade-figures.rq")
    with pytest.raises(AttributeError):
        q.text = "SELECT * {}"  # type: ignore[misc]
    assert q.text == (LIBRARY / "fx02-trade-figures.rq").read_text(encoding="utf-8")


def test_a_thread_runs_queries_where_there_is_no_fork(monkeypatch):
    import multiprocessing

    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    assert run_isolated(lambda: 42, timeout=60) == 42
    stop = threading.Event()
    with pytest.raises(QueryTimeout):
        run_isolated(lambda: stop.wait(30), timeout=0.2)
    stop.set()
