"""The dataset's quality measurements (DQV): computed from the graph, checked here by other means."""

from __future__ import annotations

from decimal import Decimal

import pytest
from rdflib import Graph, Literal, URIRef

from kg import resources
from kg.cli import main
from kg.describe import Data, describe_dataset
from kg.namespaces import BASE, DATASET_IRI, DCTERMS, DQV, FREQ, ID, KG, LDQD, OWL, RDF, RDFS, SD, SKOS, VOID, new_graph
from kg.quality import METRICS, values
from kg.quality import measurement_iri as measurement_term
from kg.quality import metric_iri as metric_term
from kg.sources import Sources
from kg.terms import to_rdflib
from kg.validate import validate

PREFIXES = "PREFIX kg: <https://w3id.org/iran-kazakhstan-kg/ontology#>\n"


@pytest.fixture(scope="module")
def sources() -> Sources:
    return Sources()


def number(literal) -> object:
    """A measured value (a pyoxigraph literal) as Python's int or Decimal."""
    return to_rdflib(literal).toPython()


def measurement_iri(name: str) -> URIRef:
    return URIRef(measurement_term(name).value)


def metric_iri(name: str) -> URIRef:
    return URIRef(metric_term(name).value)


def _count(graph: Graph, query: str) -> int:
    return int(next(iter(graph.query(PREFIXES + query)))[0])


def test_counts_agree_with_sparql_over_the_shipped_graph(sources):
    graph = sources.union
    found = values(Data.of(graph))
    assert number(found["slips"]) == _count(graph, "SELECT (COUNT(DISTINCT ?s) AS ?n) { ?s a kg:Slip }") == 10
    assert number(found["doubtful-identifications"]) == _count(
        graph, "SELECT (COUNT(DISTINCT ?s) AS ?n) { ?s a kg:Identification }"
    )
    entities = "VALUES ?top { kg:Place kg:Person kg:Organization } ?e a/rdfs:subClassOf* ?top ."
    named = _count(graph, f"SELECT (COUNT(DISTINCT ?e) AS ?n) {{ {entities} }}")
    linked = _count(
        graph,
        f"SELECT (COUNT(DISTINCT ?e) AS ?n) {{ {entities} ?e owl:sameAs ?w "
        'FILTER STRSTARTS(STR(?w), "http://www.wikidata.org/entity/") }',
    )
    traced = _count(
        graph,
        f"SELECT (COUNT(DISTINCT ?e) AS ?n) {{ {entities} ?m <http://www.w3.org/2005/11/its/rdf#taIdentRef> ?e }}",
    )
    assert number(found["named-entities"]) == named > 40
    assert number(found["linked-to-wikidata"]) == round(Decimal(linked) / Decimal(named), 4)
    assert number(found["traced-to-text"]) == round(Decimal(traced) / Decimal(named), 4)
    assert Decimal(0) < number(found["linked-to-wikidata"]) < number(found["traced-to-text"]) <= Decimal(1)


def test_a_small_graph_gives_the_counts_by_hand():
    g = new_graph()
    g.add((KG.City, RDFS.subClassOf, KG.Place))
    for name in ("a", "b", "c", "d"):
        g.add((ID[name], RDF.type, KG.City))
        g.add((ID[name], RDFS.label, Literal(name, lang="en")))
    g.add((ID["a"], RDFS.label, Literal("آ", lang="fa")))
    g.add((ID["a"], OWL.sameAs, URIRef("http://www.wikidata.org/entity/Q1")))
    g.add((ID["b"], OWL.sameAs, URIRef("http://example.org/not-wikidata")))
    g.add((ID["slip/x"], RDF.type, KG.Slip))
    found = values(Data.of(g))
    assert {k: number(v) for k, v in found.items()} == {
        "slips": 1,
        "doubtful-identifications": 0,
        "named-entities": 4,
        "linked-to-wikidata": Decimal("0.25"),
        "traced-to-text": Decimal(0),
        "bilingual-labels": Decimal("0.25"),
    }
    assert number(values(Data.of(new_graph()))["linked-to-wikidata"]) == 0  # no entities: no division by zero


def test_every_measurement_is_typed_defined_in_both_languages_and_in_a_dimension(sources):
    d = describe_dataset(sources.union, report=validate(sources=sources))
    measured = set(d.objects(DATASET_IRI, DQV.hasQualityMeasurement))
    assert {measurement_iri(name) for name in METRICS} <= measured
    assert len(measured) == len(METRICS) + 7  # and one per check of kg validate
    for measurement in measured:
        assert (measurement, RDF.type, DQV.QualityMeasurement) in d
        assert d.value(measurement, DQV.computedOn) == DATASET_IRI
        metric = d.value(measurement, DQV.isMeasurementOf)
        value = d.value(measurement, DQV.value)
        assert value.datatype == d.value(metric, DQV.expectedDataType)
        assert str(d.value(metric, DQV.inDimension)).startswith(str(LDQD))
        for predicate in (SKOS.definition, RDFS.label):
            assert {o.language for o in d.objects(metric, predicate)} == {"en", "fa"}, (metric, predicate)
    assert d.value(measurement_iri("validation-findings"), DQV.value).toPython() == 0
    assert d.value(metric_iri("validation-findings-shacl-shapes"), SKOS.broader) == metric_iri("validation-findings")


def test_without_a_validation_there_is_no_validation_measurement(sources):
    d = describe_dataset(sources.union)
    assert (DATASET_IRI, DQV.hasQualityMeasurement, measurement_iri("validation-findings")) not in d
    assert (DATASET_IRI, DQV.hasQualityMeasurement, measurement_iri("slips")) in d


def test_kg_describe_measures_what_validation_finds(tmp_path, capsys):
    """An ill-typed literal and a label in Arabic letters: the description counts both, per check."""
    data = resources.data_path()
    text = data.read_text(encoding="utf-8") + (
        '\n<https://w3id.org/iran-kazakhstan-kg/id/x> <http://www.w3.org/2000/01/rdf-schema#label> "كيش"@fa ;\n'
        '    <http://www.w3.org/2000/01/rdf-schema#comment> "abc"^^<http://www.w3.org/2001/XMLSchema#integer> .\n'
    )
    broken = tmp_path / "broken.ttl"
    broken.write_text(text, encoding="utf-8")
    out = tmp_path / "void.ttl"
    assert main(["describe", "--data", str(broken), "--out", str(out)]) == 0
    d = Graph().parse(out, format="turtle")

    def measured(name: str) -> int:
        return d.value(measurement_iri(name), DQV.value).toPython()

    assert measured("validation-findings-well-typed-literals") == 1
    assert measured("validation-findings-persian-orthography") >= 1
    assert measured("validation-findings") == len(validate([broken]).findings) >= 2
    assert main(["describe", "--out", str(out)]) == 0
    assert Graph().parse(out, format="turtle").value(measurement_iri("validation-findings"), DQV.value).toPython() == 0


def test_each_named_graph_is_a_subset_with_its_counts(sources):
    d = sources.description()
    subsets = {d.value(s, SD.name): s for s in d.objects(DATASET_IRI, VOID.subset) if (s, RDF.type, SD.NamedGraph) in d}
    parts = sources.parts()
    assert set(subsets) == set(parts) and len(parts) == 3
    for name, subset in subsets.items():
        graph = parts[name]
        assert d.value(subset, VOID.triples).toPython() == len(graph)
        assert d.value(subset, VOID.distinctSubjects).toPython() == len(set(graph.subjects()))
        assert d.value(subset, VOID.dataDump) == URIRef(f"{name}.ttl")
        assert {t.language for t in d.objects(subset, DCTERMS.title)} == {"en", "fa"}
    assert sum(len(g) for g in parts.values()) - sources.shared == d.value(DATASET_IRI, VOID.triples).toPython()
    assert str(subsets[URIRef(BASE + "data")]).endswith("#graph-data")


def test_the_update_schedule_is_stated_with_its_policy(sources):
    d = sources.description()
    assert d.value(DATASET_IRI, DCTERMS.accrualPeriodicity) == FREQ.irregular
    policy = d.value(DATASET_IRI, DCTERMS.accrualPolicy)
    assert (policy, RDF.type, DCTERMS.Policy) in d
    assert {o.language for o in d.objects(policy, DCTERMS.description)} == {"en", "fa"}


@pytest.mark.slow
@pytest.mark.server
def test_validation_is_measured_where_it_ran_and_nowhere_else(built, site):
    """kg build validates before it writes: its description and static site say what validation found.
    kg serve alone does not validate (at 1 000 articles it would cost some 20 s), so its description has no
    validation measurement, and every other measurement."""
    import urllib.request

    found = str(measurement_iri("validation-findings"))
    assert found in (built.folder / "void.ttl").read_text(encoding="utf-8")
    assert found in (built.folder / "site" / "dataset.ttl").read_text(encoding="utf-8")
    request = urllib.request.Request(site.rstrip("/") + "/dataset", headers={"Accept": "application/n-triples"})
    with urllib.request.urlopen(request, timeout=60) as response:
        served = response.read().decode("utf-8")
    assert found not in served and str(measurement_iri("slips")) in served
