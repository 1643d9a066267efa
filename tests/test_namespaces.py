"""Namespaces are bound once; our own is closed and matches the ontology exactly."""

from __future__ import annotations

import re

import pytest
from rdflib import Graph, Literal, URIRef

from kg import resources
from kg.namespaces import KG, PREFIXES, new_graph


def test_closed_namespace_equals_the_terms_declared_in_the_ontology():
    ontology = Graph().parse(resources.ontology_dir() / "kg.ttl")
    declared = {str(s)[len(str(KG._NS)) :] for s in ontology.subjects() if str(s).startswith(str(KG._NS))}
    assert declared == set(KG.__annotations__)


def test_misspelt_term_fails_instead_of_minting_an_iri():
    with pytest.raises(AttributeError):
        _ = KG.Agrement


def test_every_kg_term_used_anywhere_is_declared(graph):
    """Ontology, shapes, data and queries: no kg: IRI without a declaration (cf. org:subOrganzationOf)."""
    used = set()
    sources = [p.read_text(encoding="utf-8") for p in resources.ontology_dir().glob("*.ttl")]
    sources += [resources.data_path().read_text(encoding="utf-8")]
    sources += [p.read_text(encoding="utf-8") for p in resources.queries_dir().glob("*.rq")]
    for text in sources:
        used |= set(re.findall(r"(?<![\w:])kg:([A-Za-z][\w-]*)", text))
        used |= set(re.findall(r"iran-kazakhstan-kg/ontology#([A-Za-z][\w-]*)", text))
    assert used <= set(KG.__annotations__), used - set(KG.__annotations__)


def test_serialisation_invents_no_prefixes(graph):
    """rdflib invents ``ns1:`` for a predicate in an unbound namespace; every namespace we use is bound."""
    probe = new_graph()
    probe.add((URIRef("https://unbound.invalid/s"), URIRef("https://unbound.invalid/vocab#p"), Literal("x")))
    assert re.search(r"\bns\d+:", probe.serialize(format="turtle"))  # the check below can fail
    out = new_graph()
    for triple in graph:
        out.add(triple)
    text = out.serialize(format="turtle")
    assert not re.search(r"\bns\d+:", text), re.findall(r"@prefix ns\d+: <[^>]*>", text)
    assert "@prefix kg: <https://w3id.org/iran-kazakhstan-kg/ontology#>" in text


def test_prefixes_are_unique():
    assert len(set(PREFIXES.values())) == len(PREFIXES)


def test_the_plain_prefixes_are_the_namespaces_rdflib_ships_and_ours():
    """PREFIXES is written as plain strings (no rdflib import for a query's table): each standard namespace is
    rdflib's own, each of ours the namespace object kg.namespaces makes from it."""
    import rdflib.namespace as rdf_namespaces

    from kg import namespaces

    standard = {"org": "ORG", "prov": "PROV", "skos": "SKOS", "time": "TIME", "dcterms": "DCTERMS", "dcat": "DCAT"}
    standard |= {"void": "VOID", "vann": "VANN", "sh": "SH", "owl": "OWL", "rdf": "RDF", "rdfs": "RDFS", "xsd": "XSD"}
    for prefix, name in standard.items():
        assert PREFIXES[prefix] == str(getattr(rdf_namespaces, name)._NS), prefix
    assert PREFIXES["schema"] == str(rdf_namespaces.SDO._NS)
    assert PREFIXES["kg"] == str(KG._NS) and PREFIXES["kgi"] == str(namespaces.ID)
    with pytest.raises(AttributeError):
        _ = namespaces.NOT_A_NAMESPACE
