"""RDFS entailment: on by default, switchable, the same closure on both engines and for kg serve / kg push."""

from __future__ import annotations

import functools

import pyoxigraph
import pytest
from rdflib import BNode, Graph, Literal, URIRef

from kg.cli import main
from kg.errors import ExitCode, UsageError
from kg.load import load_graph
from kg.namespaces import OWL, RDF, RDFS
from kg.sparql import query
from kg.sparql.engines import _to_quads, open_engine
from kg.sparql.entailment import add_rdfs_closure, rdfs_closure
from kg.terms import curie


@pytest.fixture(scope="module")
def loaded():
    return {
        (name, entailment): open_engine(name, entailment=entailment)
        for name in ("oxigraph", "rdflib")
        for entailment in ("rdfs", "none")
    }


def count(engine, where: str) -> int:
    return int(query(text=f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ {where} }}", engine=engine).rows[0]["n"])


@pytest.mark.parametrize("name", ["oxigraph", "rdflib"])
@pytest.mark.parametrize("cls", ["kg:Organization", "kg:Event", "kg:Visit", "kg:Place", "prov:Entity"])
def test_a_class_finds_every_instance_of_its_subclasses_by_default(loaded, name, cls):
    asserted = count(loaded[name, "none"], f"?x a/rdfs:subClassOf* {cls}")
    assert asserted > 0
    assert count(loaded[name, "rdfs"], f"?x a {cls}") == asserted
    assert count(loaded[name, "none"], f"?x a {cls}") < asserted


@pytest.mark.parametrize("name", ["oxigraph", "rdflib"])
def test_the_state_visit_is_a_visit_and_its_visitor_a_participant(loaded, name):
    ask = "ASK { event:tokayev-state-visit-2022 a kg:Visit ; kg:participant kgi:kassym-jomart-tokayev }"
    assert query(text=ask, engine=loaded[name, "rdfs"]).boolean is True
    assert query(text=ask, engine=loaded[name, "none"]).boolean is False


def test_both_engines_hold_the_same_closure(graph):
    closure = rdfs_closure(graph)
    store = pyoxigraph.Store()
    store.extend(_to_quads(graph))
    assert add_rdfs_closure(store) == len(closure) == 919
    assert len(store) == len(graph) + len(closure)


def test_the_rules_are_subclass_and_subproperty_only():
    a, b, c, x, y, p, q = (URIRef(f"urn:{n}") for n in ("A", "B", "C", "x", "y", "p", "q"))
    restriction = BNode()
    graph = Graph()
    graph += [
        (a, RDFS.subClassOf, b), (b, RDFS.subClassOf, c), (a, RDFS.subClassOf, restriction),
        (p, RDFS.subPropertyOf, q), (p, RDFS.domain, a), (p, RDFS.range, b),
        (x, RDF.type, a), (x, p, y), (x, RDFS.label, Literal("x")),
    ]  # fmt: skip
    assert set(rdfs_closure(graph)) == {
        (a, RDFS.subClassOf, c),  # rdfs11
        (x, RDF.type, b),  # rdfs9
        (x, RDF.type, c),
        (x, q, y),  # rdfs7; no rdfs2/rdfs3 type for x or y, nothing from the blank-node superclass
    }


def test_a_graph_given_from_python_is_not_changed(loaded, graph):
    """The session's graph (conftest.py), which every test only reads: the query must not add its closure to it."""
    before = len(graph)
    result = query(text="SELECT (COUNT(*) AS ?n) WHERE { ?x a kg:Organization }", graph=graph)
    assert int(result.rows[0]["n"]) > 0
    assert len(graph) == before


def test_entailment_is_switched_on_the_command_line(capsys):
    text = "SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a kg:Organization }"
    assert main(["query", "-e", text, "--format", "csv"]) == ExitCode.OK
    on = capsys.readouterr().out
    assert main(["query", "-e", text, "--format", "csv", "--entailment", "none"]) == ExitCode.OK
    off = capsys.readouterr().out
    assert (on, off) == ("n\r\n21\r\n", "n\r\n0\r\n")


def test_an_unknown_entailment_is_a_usage_error():
    with pytest.raises(UsageError, match="unknown entailment 'owl': choose one of rdfs, none"):
        open_engine("oxigraph", entailment="owl")


def test_the_closure_is_rdfs_only_and_adds_no_inverse_statement():
    """owl:inverseOf is OWL, not RDFS: the closure that `--entailment rdfs` names adds no inverse triple
    (a store with RDFS inference would not either, so the rows stay the same on every store)."""
    x, y, p, q = (URIRef(f"urn:{n}") for n in ("x", "y", "p", "q"))
    graph = Graph()
    graph += [(q, OWL.inverseOf, p), (x, p, y)]
    assert set(rdfs_closure(graph)) == set()


@functools.cache
def inverse_pairs() -> list[tuple[str, str]]:
    graph = load_graph(data=[])
    return sorted((curie(q), curie(p)) for q, p in graph.subject_objects(OWL.inverseOf))


@pytest.mark.parametrize("name", ["oxigraph", "rdflib"])
def test_each_declared_inverse_is_walked_as_a_path_backwards(loaded, name):
    """The ontology declares 15 inverses for OWL tools and readers; the data asserts the forward property only,
    and `?x ^p ?y` (SPARQL 1.1, any store) gives what `?x q ?y` would under OWL."""
    walked = {}
    for inverse, forward in inverse_pairs():
        rows = query(text=f"SELECT ?x ?y WHERE {{ ?x {forward} ?y }}", engine=loaded[name, "rdfs"]).rows
        backwards = query(text=f"SELECT ?x ?y WHERE {{ ?x ^{forward} ?y }}", engine=loaded[name, "rdfs"]).rows
        assert {(r["x"], r["y"]) for r in backwards} == {(r["y"], r["x"]) for r in rows}
        assert count(loaded[name, "rdfs"], f"?x {inverse} ?y") == 0, f"{inverse} is asserted or entailed"
        walked[inverse] = len(backwards)
    assert walked == {
        "kg:concluded": 8, "kg:contains": 8, "kg:hasChange": 2, "kg:hasSection": 1, "kg:hasSubEvent": 6,
        "kg:listedIn": 12, "kg:madeStatement": 28, "kg:memberOf": 2, "kg:occasionOf": 12, "kg:partyTo": 16,
        "kg:reports": 11, "kg:routeOf": 1, "kg:signed": 2, "kg:stopOf": 3, "kg:targetSetBy": 2,
    }  # fmt: skip
