"""kg reason: HermiT (through owlready2) finds the ontology plus the data consistent, with no unsatisfiable class."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from rdflib import Literal

from kg import resources
from kg.cli import main
from kg.errors import ServerError
from kg.load import parse_turtle
from kg.namespaces import ID, KG, OWL, RDF, RDFS, XSD, new_graph
from kg.reason import JAVA_OPTIONS, check_consistency, check_graph, unsupported_datatypes

ARTICLE = Path(__file__).parent / "fixtures" / "export" / "article.ttl"
HAS_DATA = resources.data_path().is_file()

pytestmark = pytest.mark.skipif(shutil.which("java") is None, reason="HermiT needs Java (default-jre-headless)")


#: A run of HermiT (a Java process) takes a few seconds.
reasoner = pytest.mark.slow


@pytest.fixture(scope="module")
def shipped():
    """HermiT's report on the shipped ontology and data (one run of the reasoner for the module)."""
    return check_consistency([ARTICLE] if not HAS_DATA else None)


@reasoner
def test_shipped_ontology_and_data_are_consistent(shipped):
    assert shipped.consistent, shipped.format()
    assert shipped.unsatisfiable == [], shipped.format()
    assert shipped.ok
    assert "consistent, no unsatisfiable class" in shipped.format()
    assert f"HermiT on {shipped.triples} triples (ontology, vocabularies and data as asserted) (" in shipped.format()


@reasoner
def test_ignored_datatypes_are_named(shipped):
    report_text = shipped.format()
    assert "ignored by HermiT: " in report_text
    assert f"<{XSD.duration}>" in report_text and f"<{XSD.date}>" in report_text


@reasoner
def test_two_values_of_a_functional_property_are_inconsistent(tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text(
        "@prefix kg: <https://w3id.org/iran-kazakhstan-kg/ontology#> .\n"
        "<https://w3id.org/iran-kazakhstan-kg/id/caspian-states> a kg:CountryGroup ; kg:memberCount 5 , 6 .\n",
        encoding="utf-8",
    )
    report = check_consistency([ARTICLE, bad])
    assert not report.consistent
    assert report.format().startswith("inconsistent: HermiT finds no model of the ontology plus the data\n")


@reasoner
def test_a_class_under_two_disjoint_classes_is_unsatisfiable(tmp_path, capsys):
    bad = tmp_path / "bad.ttl"
    bad.write_text(
        "@prefix kg: <https://w3id.org/iran-kazakhstan-kg/ontology#> .\n"
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "kg:Person owl:disjointWith kg:Place .\n"
        "kg:PersonPlace a owl:Class ; rdfs:subClassOf kg:Person , kg:Place .\n",
        encoding="utf-8",
    )
    assert main(["reason", "--data", str(ARTICLE), "--data", str(bad)]) == 1
    out = capsys.readouterr().out
    assert "unsatisfiable class: <https://w3id.org/iran-kazakhstan-kg/ontology#PersonPlace>" in out
    assert out.rstrip().endswith("FAILED")


@reasoner
@pytest.mark.parametrize(
    ("first", "second"),
    [("kg:Person", "kg:Place"), ("kg:Statement", "kg:Claim"), ("kg:Country", "kg:City"), ("kg:Visit", "kg:Meeting")],
)
def test_an_individual_of_two_disjoint_classes_is_caught(tmp_path, first, second):
    """The shipped ontology's own disjointness axioms catch it: no axiom is added here."""
    bad = tmp_path / "bad.ttl"
    bad.write_text(
        "@prefix kg: <https://w3id.org/iran-kazakhstan-kg/ontology#> .\n"
        f"<https://w3id.org/iran-kazakhstan-kg/id/wrong> a {first} , {second} .\n",
        encoding="utf-8",
    )
    report = check_consistency([ARTICLE, bad])
    assert not report.consistent, report.format()
    assert report.format().rstrip().endswith("FAILED")


def test_the_top_level_classes_are_pairwise_disjoint_without_blank_nodes():
    from itertools import combinations

    from rdflib import BNode

    from kg.load import load_ontology

    ontology = load_ontology()
    top = [KG.Person, KG.Organization, KG.Place, KG.Event, KG.Agreement, KG.Statement, KG.Claim, KG.Mention]
    for a, b in combinations(top, 2):
        assert (a, OWL.disjointWith, b) in ontology or (b, OWL.disjointWith, a) in ontology, (a, b)
    assert not any(isinstance(term, BNode) for triple in ontology for term in triple)


def test_object_property_ranges_are_not_taken_for_datatypes():
    graph = new_graph()
    graph.add((KG.claimProperty, RDF.type, OWL.ObjectProperty))
    graph.add((KG.claimProperty, RDFS.range, RDF.Property))
    assert unsupported_datatypes(graph) == []


def test_unsupported_datatypes_are_found_in_values_and_ranges():
    graph = new_graph()
    graph.add((ID["x"], KG.perDuration, Literal("P1Y", datatype=XSD.duration)))
    graph.add((ID["x"], KG.wagonCount, Literal(5)))
    graph.add((KG.gloss, RDFS.range, RDF.langString))
    assert unsupported_datatypes(graph) == [str(RDF.langString), str(XSD.duration)]
    assert unsupported_datatypes(parse_turtle(ARTICLE)) == [str(XSD.date), str(XSD.duration)]


def test_missing_java_is_a_server_error(monkeypatch):
    import owlready2

    monkeypatch.setattr(owlready2, "JAVA_EXE", "/nonexistent/java")
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(ServerError, match="HermiT needs a Java runtime"):
        check_consistency([ARTICLE])


@pytest.mark.parametrize("own", [None, "-Xmx512m"])
def test_hermits_jvm_runs_with_kgs_options_unless_the_user_gave_their_own(tmp_path, monkeypatch, own):
    """The `java` HermiT is started with says which options it got, and refuses to start: kg shows its last words."""
    import owlready2

    java = tmp_path / "java"
    java.write_text('#!/bin/sh\necho "options: ${JAVA_TOOL_OPTIONS-none}"\nexit 1\n', encoding="utf-8")
    java.chmod(0o755)
    monkeypatch.setattr(owlready2, "JAVA_EXE", str(java))
    if own is None:
        monkeypatch.delenv("JAVA_TOOL_OPTIONS", raising=False)
    else:
        monkeypatch.setenv("JAVA_TOOL_OPTIONS", own)
    graph = new_graph()
    graph.add((KG.Person, RDF.type, OWL.Class))
    with pytest.raises(ServerError) as caught:
        check_graph(graph)
    assert str(caught.value) == f"HermiT failed: options: {own or JAVA_OPTIONS}"
    assert os.environ.get("JAVA_TOOL_OPTIONS") == own
