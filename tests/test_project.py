"""The projection to networkx (kg.project) and its analytics (kg.stats, `kg stats`, `kg path`)."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest
from rdflib import Literal

from kg.cli import main
from kg.errors import NotFound, UsageError
from kg.i18n import FSI, PDI
from kg.load import load_graph
from kg.namespaces import ID, KG, RDF, RDFS, new_graph
from kg.project import SPEC, load_projection, to_networkx
from kg.stats import find_node, graph_stats, shortest_path
from kg.terms import curie

FIXTURE = Path(__file__).parent / "fixtures" / "explorer" / "mini.ttl"
TOKAYEV = "kgi:kassym-jomart-tokayev"
RAIL_MOU = "agreement:rail-cooperation-mou-2022"


@pytest.fixture(scope="module")
def real() -> nx.MultiDiGraph:
    return load_projection()


@pytest.fixture(scope="module")
def mini() -> nx.MultiDiGraph:
    return load_projection([FIXTURE])


# --------------------------------------------------------------------------- nodes


def test_an_entity_is_a_node_with_both_labels_class_and_wikidata_id(real):
    tokayev = real.nodes[TOKAYEV]
    assert (tokayev["label_en"], tokayev["label_fa"]) == ("Kassym-Jomart Tokayev", "قاسم ژومارت توکایف")
    assert (tokayev["cls"], tokayev["group"], tokayev["wikidata"]) == ("kg:Person", "person", "Q200881")
    assert tokayev["iri"] == str(ID["kassym-jomart-tokayev"])


def test_a_fact_is_a_node_so_that_its_parties_and_target_show(real):
    out = {(prop, target) for _, target, prop in real.out_edges(RAIL_MOU, data="prop")}
    assert ("kg:party", "kgi:rai") in out and ("kg:party", "kgi:ktz") in out
    assert ("kg:setsTarget", "figure:rail-transit-target") in out
    assert real.nodes[RAIL_MOU]["group"] == "agreement"


def test_the_nodes_are_exactly_the_typed_resources_of_the_spec_groups(real, graph):
    """Cross-check with SPARQL: every resource of a group class (subclasses included), and nothing else."""
    classes = " ".join(f"<{c}>" for g in SPEC.groups for c in g.classes)
    query = f"""SELECT DISTINCT ?s WHERE {{ VALUES ?root {{ {classes} }} ?s a/<{RDFS.subClassOf}>* ?root }}"""
    expected = {curie(row.s) for row in graph.query(query)}
    assert set(real.nodes) == expected


@pytest.mark.parametrize("prefix", ["span:", "claim:", "kgc:", "instant:", "_:"])
def test_mentions_claims_concepts_instants_and_route_stops_are_not_nodes(real, prefix):
    assert not [n for n in real if n.startswith(prefix)]


def test_mentions_feed_the_node_as_code_point_spans(real):
    text = real.graph["text"]
    assert text is not None
    spans = real.nodes[TOKAYEV]["mentions"]
    assert (622, 628) in spans
    assert text[622:628] == "توکایف"


def test_literals_and_concepts_are_attributes_with_their_labels(mini):
    target = mini.nodes["figure:rail-transit-target"]
    assert {"prop": "schema:value", "text": "5000000", "lang": "xsd:integer"} in target["literals"]
    unit = next(v for v in target["values"] if v["prop"] == "kg:unit")
    assert unit == {"prop": "kg:unit", "term": "kgc:tonne", "label": {"en": "tonne", "fa": "تن"}}


def test_an_instant_becomes_the_date_of_its_period(mini):
    begin = next(v for v in mini.nodes["period:1400"]["values"] if v["prop"] == "time:hasBeginning")
    assert begin["label"] == {"en": "2021-03-21", "fa": "2021-03-21"}


def test_route_stops_become_ordered_edges_from_the_route(mini):
    stops = sorted(
        (d["position"], v, d["label_fa"])
        for _, v, d in mini.out_edges("kgi:first-container-train-route", data=True)
        if d["prop"] == "kg:stop"
    )
    assert stops == [(1, "kgi:kazakhstan", "ایستگاه ۱"), (2, "kgi:tehran", "ایستگاه ۲"), (3, "kgi:turkey", "ایستگاه ۳")]


def test_a_slip_keeps_the_claim_beside_the_correction(mini):
    slip = mini.nodes["slip:berdimuhamedow-tajikistan"]["slip"]
    assert slip["claimed"]["object"] == {"node": "post:president-of-tajikistan"}
    assert slip["corrected"]["object"] == {"node": "post:president-of-turkmenistan"}
    assert mini.nodes["kgi:serdar-berdimuhamedow"]["slips"] == ["slip:berdimuhamedow-tajikistan"]


def test_every_slip_of_the_real_data_is_a_node_with_a_reason_in_both_languages(real):
    slips = [n for n, g in real.nodes(data="group") if g == "slip"]
    assert len(slips) >= 5
    for slip in slips:
        reasons = {lit["lang"] for lit in real.nodes[slip]["literals"] if lit["prop"] == "kg:reason"}
        assert reasons == {"en", "fa"}, slip


def test_every_class_property_and_group_used_has_labels_in_both_languages(real):
    for table in (real.graph["classes"], real.graph["properties"]):
        for name, labels in table.items():
            assert set(labels) == {"en", "fa"} and labels["en"] != labels["fa"], name
    assert all(set(g["label"]) == {"en", "fa"} for g in real.graph["groups"])


def test_projection_does_not_need_the_ontology_in_the_graph(mini):
    data_only = load_graph([FIXTURE], ontology=False)
    assert set(to_networkx(data_only)) == set(mini)


def test_the_spec_is_consistent():
    keys = [g.key for g in SPEC.groups]
    assert len(keys) == len(set(keys))
    declared = load_graph([FIXTURE])
    for group in SPEC.groups:
        for cls in group.classes:
            assert (cls, RDF.type, None) in declared, cls


def test_a_node_id_is_the_curie_of_the_longest_namespace():
    assert curie(ID["agreement/x"]) == "agreement:x"
    assert curie(KG.party) == "kg:party"


# --------------------------------------------------------------------------- stats


def test_stats_counts_add_up(real):
    stats = graph_stats(real, top=5)
    assert sum(n for _, _, n in stats.classes) == stats.nodes == real.number_of_nodes()
    assert sum(n for _, _, n in stats.properties) == stats.edges == real.number_of_edges()
    assert [r.score for r in stats.degree] == sorted((d for _, d in real.degree), reverse=True)[:5]
    assert sum(len(c) for c in stats.components) == stats.nodes
    assert stats.centrality[0].score >= stats.centrality[-1].score


def test_stats_command_prints_the_table(capsys):
    assert main(["stats", "--data", str(FIXTURE), "--top", "3"]) == 0
    out = capsys.readouterr().out
    assert "nodes: 24\nedges: 27\n" in out
    assert "      5  kg:Country  (country)" in out
    assert "top 3 by degree (in + out):\n      5  Kazakhstan  [kgi:kazakhstan]" in out
    assert "connected components: 4 (sizes 16, 4, 2, 2)" in out


# --------------------------------------------------------------------------- finding and paths


@pytest.mark.parametrize(
    "typed",
    ["توكايف", "قاسم ژومارت توکایف", "قاسمژومارت توکايف", "Kassym-Jomart Tokayev", "tokayev", TOKAYEV],
)
def test_find_node_however_the_name_is_typed(real, typed):
    assert find_node(real, typed) == TOKAYEV


def test_find_node_reports_ties_and_misses():
    graph = new_graph()
    for name in ("a", "b"):
        graph.add((ID[name], RDF.type, KG.City))
        graph.add((ID[name], RDFS.label, Literal("Springfield", lang="en")))
    projection = to_networkx(graph)
    with pytest.raises(UsageError, match=r"'Springfield' is ambiguous: Springfield \[kgi:a\], Springfield \[kgi:b\]"):
        find_node(projection, "Springfield")
    with pytest.raises(NotFound, match=r"no entity is labelled 'Shelbyville'"):
        find_node(projection, "Shelbyville")


def test_shortest_path_is_printed_as_triples_in_their_own_direction(mini):
    connection = shortest_path("Tokayev", "Kazakhstan Temir Zholy", mini)
    assert connection is not None
    assert connection.format("fa").replace(FSI, "").replace(PDI, "").splitlines() == [  # isolates: test_stats.py
        "قاسم‌ژومارت توکایف ← شرکت سهامی راه‌آهن ملی قزاقستان: ۳ گام",
        "  سفر رسمی توکایف به تهران —مهمان← قاسم‌ژومارت توکایف",
        "  یادداشت تفاهم همکاری ریلی میان راه‌آهن دو کشور —منعقدشده در جریان← سفر رسمی توکایف به تهران",
        "  یادداشت تفاهم همکاری ریلی میان راه‌آهن دو کشور —طرف← شرکت سهامی راه‌آهن ملی قزاقستان",
    ]


def test_path_on_the_real_data_reaches_the_railway(real):
    connection = shortest_path("توكايف", "KTZ", real)
    assert connection is not None and connection.target == "kgi:ktz"
    assert connection.steps[0].object == TOKAYEV or connection.steps[0].subject == TOKAYEV


def test_path_command_exit_codes(capsys):
    assert main(["path", "--data", str(FIXTURE), "Tajikistan", "Iran"]) == 1
    assert "no connection between 'Tajikistan' and 'Iran'" in capsys.readouterr().err
    assert main(["path", "--data", str(FIXTURE), "Atlantis", "Iran"]) == 1  # nothing matched, as the README says
    assert "kg path: error: no entity is labelled 'Atlantis'" in capsys.readouterr().err
    assert main(["path", "--data", str(FIXTURE), "Tehran", "Iran"]) == 0
    assert capsys.readouterr().out == "Tehran → Iran: 1 step\n  Tehran —located in→ Iran\n"


def test_a_cue_with_two_kinds_shows_the_same_one_on_every_run(real):
    """span:2538-2549 («نخواهند کرد») is both a negation and a future marker: the projection shows one of
    them, the first by prefixed name, never whichever the hash order gives (the explorer page was not the
    same from one run to the next)."""
    cues = [v for v in real.nodes["statement:khamenei-ukraine"]["values"] if v.get("term") == "span:2538-2549"]
    assert [c["kind"]["term"] for c in cues] == ["kgc:future-marker"]
