"""kg.sparql.engines: both local engines answer alike on a small graph; outcomes pack and unpack term for term."""

from __future__ import annotations

import pytest
from rdflib import BNode, Graph, Literal, URIRef

from kg.errors import LoadError, QueryError, QuerySyntaxError, UsageError
from kg.namespaces import RDF, RDFS, SKOS, XSD
from kg.sparql.engines import (
    Outcome,
    OxigraphEngine,
    RdflibEngine,
    capped,
    load_into_store,
    open_engine,
    pack_outcome,
    unpack_outcome,
)

EX = "http://example.org/"
A, B, C = (URIRef(EX + n) for n in "abc")


def small() -> Graph:
    graph = Graph()
    graph.add((URIRef(EX + "Sub"), RDFS.subClassOf, URIRef(EX + "Super")))
    graph.add((A, RDF.type, URIRef(EX + "Sub")))
    graph.add((A, RDFS.label, Literal("تهران", lang="fa")))
    graph.add((A, RDFS.label, Literal("Tehran", lang="en")))
    graph.add((B, SKOS.prefLabel, Literal("Astana", lang="EN")))
    graph.add((A, URIRef(EX + "n"), Literal("01", datatype=XSD.integer, normalize=False)))
    graph.add((B, URIRef(EX + "n"), Literal("2", datatype=XSD.integer)))
    graph.add((C, URIRef(EX + "blank"), BNode("x")))
    return graph


@pytest.fixture(scope="module", params=["rdflib", "oxigraph"])
def engine(request):
    return open_engine(request.param, graph=small())


def test_an_ask_a_select_with_unbound_values_and_a_construct(engine):
    assert engine.run(f"ASK {{ <{A}> a <{EX}Super> }}").boolean is True  # the RDFS closure
    outcome = engine.run(f"SELECT ?s ?n WHERE {{ ?s ?p ?o OPTIONAL {{ ?s <{EX}n> ?n }} FILTER(?s != <{EX}Sub>) }}")
    assert outcome.kind == "bindings" and outcome.variables == ["s", "n"]
    rows = {(r["s"], r["n"].toPython() if "n" in r else None) for r in outcome.rows}
    assert rows == {(A, 1), (B, 2), (C, None)}  # "01": Oxigraph's store keeps the value, rdflib the lexical form
    graph = engine.run(f"CONSTRUCT {{ ?s <{EX}m> ?n }} WHERE {{ ?s <{EX}n> ?n }}")
    assert graph.kind == "graph" and len(graph.triples) == 2


def test_rows_past_the_cap_are_dropped_and_marked(engine):
    cut = engine.run("SELECT ?s ?p ?o WHERE { ?s ?p ?o }", max_rows=3)
    assert (len(cut.rows), cut.truncated) == (3, True)
    whole = engine.run(f"SELECT ?s WHERE {{ ?s <{EX}n> ?n }}", max_rows=2)
    assert (len(whole.rows), whole.truncated) == (2, False)
    triples = engine.run("CONSTRUCT WHERE { ?s ?p ?o }", max_rows=1)
    assert (len(triples.triples), triples.truncated) == (1, True)


def test_labels_in_one_language_rdfs_label_first_then_skos_pref_label(engine):
    assert engine.labels([A, B, C], "fa") == {str(A): "تهران"}
    assert engine.labels([A, B, C], "en") == {str(A): "Tehran", str(B): "Astana"}  # language tags compared case-blind


def test_a_syntax_error_is_placed_at_a_token(engine):
    with pytest.raises(QuerySyntaxError) as caught:
        engine.run("SELECT ?x WHERE {\n  ?x ?p\n}")
    assert caught.value.line in (2, 3) and str(caught.value).startswith(f"{caught.value.line}:")


def test_the_rdflib_engine_never_calls_a_service():
    with pytest.raises(QueryError, match="SERVICE is refused"):
        RdflibEngine(small()).run("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }")


@pytest.mark.parametrize("name", ["rdflib", "oxigraph"])
def test_without_entailment_only_the_asserted_triples_answer(name):
    engine = open_engine(name, graph=small(), entailment="none")
    assert engine.run(f"ASK {{ <{A}> a <{EX}Super> }}").boolean is False


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"engine": "jena"}, "unknown engine 'jena': choose one of oxigraph, rdflib"),
        ({"entailment": "owl"}, "unknown entailment 'owl': choose one of rdfs, none"),
    ],
)
def test_an_unknown_engine_or_entailment_is_a_usage_error(options, message):
    with pytest.raises(UsageError) as caught:
        open_engine(graph=small(), **options)
    assert str(caught.value) == message


def test_an_engine_passes_through_and_a_graph_is_copied_not_changed():
    graph = small()
    engine = open_engine("rdflib", graph=graph)
    assert open_engine(engine) is engine
    assert len(graph) == len(small())  # the closure went into a copy


def test_an_outcome_packs_and_unpacks_term_for_term():
    outcome = Outcome(
        "bindings",
        ["s", "n", "t"],
        [
            {"s": A, "n": Literal("01", datatype=XSD.integer, normalize=False), "t": Literal("همکاری‌ها", lang="fa")},
            {"s": BNode("b1")},
        ],
        truncated=True,
    )
    back = unpack_outcome(pack_outcome(outcome))
    assert back == outcome
    assert str(back.rows[0]["n"]) == "01" and back.rows[1] == {"s": BNode("b1")}
    graph = Outcome("graph", triples=[(A, RDFS.label, Literal("x"))])
    assert unpack_outcome(pack_outcome(graph)) == graph


@pytest.mark.parametrize(("cap", "taken", "more"), [(None, 5, False), (5, 5, False), (4, 4, True), (0, 0, True)])
def test_capped_takes_at_most_the_cap_and_says_if_there_was_more(cap, taken, more):
    assert capped(iter(range(5)), cap) == (list(range(taken)), more)


def test_a_file_goes_into_the_store_or_fails_with_its_position(tmp_path):
    import pyoxigraph

    good = tmp_path / "d.nt"
    good.write_text(f'<{A}> <{EX}p> "ب" .\n', encoding="utf-8")
    store = pyoxigraph.Store()
    load_into_store(store, good)
    assert len(store) == 1
    bad = tmp_path / "bad.ttl"
    bad.write_text(f"<{A}> <{EX}p> .\n", encoding="utf-8")
    with pytest.raises(LoadError, match=r"bad\.ttl:1:"):
        load_into_store(store, bad)
    assert len(store) == 1  # nothing of the broken file went in


def test_engines_from_files_hold_the_same_statements(tmp_path):
    data = tmp_path / "d.ttl"
    data.write_text(f'<{A}> <{EX}p> "x" .\n', encoding="utf-8")
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    ox = OxigraphEngine.from_files([data], entailment="none").run(count).rows[0]["n"]
    rd = RdflibEngine.from_files([data], entailment="none").run(count).rows[0]["n"]
    assert int(ox) == int(rd) > 1  # the ontology and vocabularies, and the data


@pytest.mark.parametrize(
    ("lexical", "datatype"), [("yes", XSD.boolean), ("2022-02-30", XSD.date), ("abc", XSD.integer)]
)
def test_an_ill_typed_literal_in_an_answer_is_built_without_a_warning_or_a_logged_traceback(
    lexical, datatype, recwarn, caplog
):
    """Regression: `kg query` printed rdflib's 'Failed to convert Literal lexical form' traceback and its
    'Parsing weird boolean' warning for ill-typed literals of the data, as their rows came back from the
    query child."""
    packed = pack_outcome(Outcome("bindings", ["v"], [{"v": Literal(lexical, datatype=datatype, normalize=False)}]))
    caplog.clear()
    recwarn.clear()
    (row,) = unpack_outcome(packed).rows
    assert str(row["v"]) == lexical and row["v"].datatype == datatype
    assert [str(w.message) for w in recwarn] == []
    assert [r.getMessage() for r in caplog.records if r.name == "rdflib.term"] == []
