"""kg.explore.views: what the page draws of a projection (whole, a focus ball, the most central) and the timeline."""

from __future__ import annotations

import networkx as nx
import pytest

from kg.errors import NotFound, UsageError
from kg.explore.views import TABLES, focus_view, timeline


def node(graph, name, en, fa, literals=(), values=()):
    graph.add_node(name, label_en=en, label_fa=fa, group="agent", literals=list(literals), values=list(values))


@pytest.fixture
def chain():
    """a - b - c - d - e (a path), plus 'tokayev' on c; scores rank e > d > c > b > a > tokayev."""
    graph = nx.MultiDiGraph(title="chain")
    for name, en, fa in [
        ("kgi:a", "Astana", "آستانه"),
        ("kgi:b", "Baku", "باکو"),
        ("kgi:c", "Caspian", "خزر"),
        ("kgi:d", "Dushanbe", "دوشنبه"),
        ("kgi:e", "Esfahan", "اصفهان"),
        ("kgi:tokayev", "Kassym-Jomart Tokayev", "قاسم‌ژومارت توکایف"),
    ]:
        node(graph, name, en, fa)
    for u, v in [("a", "b"), ("b", "c"), ("d", "c"), ("d", "e"), ("tokayev", "c")]:
        graph.add_edge(f"kgi:{u}", f"kgi:{v}", prop="kg:p")
    return graph


SCORES = {"kgi:e": 0.5, "kgi:d": 0.4, "kgi:c": 0.3, "kgi:b": 0.2, "kgi:a": 0.1}


def test_a_graph_within_the_budget_is_drawn_whole(chain):
    view = focus_view(chain, SCORES, budget=6)
    assert view.graph is chain and not view.partial
    assert view.info() == {
        "totalNodes": 6,
        "totalEdges": 5,
        "shownNodes": 6,
        "shownEdges": 5,
        "budget": 6,
        "focus": None,
        "hops": None,
        "top": None,
    }


def test_above_the_budget_the_most_central_nodes_are_drawn(chain):
    view = focus_view(chain, SCORES, budget=3)
    assert sorted(view.graph) == ["kgi:c", "kgi:d", "kgi:e"]
    assert view.partial and view.info()["shownEdges"] == 2
    assert view.graph.graph == {"title": "chain"}  # the projection's own attributes travel


def test_top_asks_for_the_most_central_within_the_budget(chain):
    assert sorted(focus_view(chain, SCORES, top=2).graph) == ["kgi:d", "kgi:e"]
    assert len(focus_view(chain, SCORES, top=5, budget=3).graph) == 3
    assert focus_view(chain, SCORES, top=2).info()["top"] == 2


@pytest.mark.parametrize(
    ("focus", "hops", "shown"),
    [
        ("kgi:c", 1, ["kgi:b", "kgi:c", "kgi:d", "kgi:tokayev"]),  # edges walked either way
        ("kgi:a", 2, ["kgi:a", "kgi:b", "kgi:c"]),
        ("kgi:a", 10, ["kgi:a", "kgi:b", "kgi:c", "kgi:d", "kgi:e", "kgi:tokayev"]),
        ("توكايف", 1, ["kgi:c", "kgi:tokayev"]),  # by its Persian label, typed with Arabic kaf and yeh
        ("tokayev", 1, ["kgi:c", "kgi:tokayev"]),
        ("Esfahan", 1, ["kgi:d", "kgi:e"]),
    ],
)
def test_a_focus_draws_the_ball_around_an_entity_named_by_id_or_label(chain, focus, hops, shown):
    view = focus_view(chain, SCORES, focus=focus, hops=hops)
    assert sorted(view.graph) == shown
    assert view.info()["focus"] in shown and view.info()["hops"] == hops


def test_a_ball_larger_than_the_budget_keeps_the_focus_and_the_most_central(chain):
    view = focus_view(chain, SCORES, focus="kgi:a", hops=10, budget=3)
    assert sorted(view.graph) == ["kgi:a", "kgi:d", "kgi:e"]


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        ({"budget": 0}, UsageError, "--budget, --top and --hops must be at least 1"),
        ({"hops": 0, "focus": "kgi:a"}, UsageError, "--budget, --top and --hops must be at least 1"),
        ({"top": 0}, UsageError, "--budget, --top and --hops must be at least 1"),
        ({"focus": "Tehran"}, NotFound, "no entity is labelled 'Tehran' (in English or Persian)"),
        ({"focus": "  "}, UsageError, "empty entity name: '  '"),
    ],
)
def test_a_bad_request_is_refused_with_its_reason(chain, options, error, message):
    with pytest.raises(error) as caught:
        focus_view(chain, SCORES, **options)
    assert str(caught.value) == message


def test_the_timeline_places_dates_and_periods_earliest_first():
    graph = nx.MultiDiGraph()
    node(
        graph,
        "kgi:visit",
        "Visit",
        "سفر",
        literals=[{"lang": "xsd:date", "prop": "schema:startDate", "text": "2022-06-19"}],
    )
    node(graph, "kgi:label", "L", "ل", literals=[{"lang": "fa", "prop": "rdfs:label", "text": "۲۰۲۰"}])
    node(
        graph,
        "kgi:period",
        "Year 1400",
        "سال ۱۴۰۰",
        values=[
            {"prop": "time:hasBeginning", "date": "2021-03-21"},
            {"prop": "time:hasEnd", "date": "2022-03-20"},
            {"prop": "kg:unit"},
        ],
    )
    node(graph, "kgi:open", "Open", "باز", values=[{"prop": "time:hasEnd", "date": "2020-01"}])
    assert timeline(graph) == [
        {"node": "kgi:open", "prop": "time:hasBeginning", "start": None, "end": "2020-01"},
        {"node": "kgi:period", "prop": "time:hasBeginning", "start": "2021-03-21", "end": "2022-03-20"},
        {"node": "kgi:visit", "prop": "schema:startDate", "start": "2022-06-19", "end": None},
    ]


def test_every_table_view_names_its_columns_with_catalogue_keys_in_both_languages():
    from kg.i18n import messages

    en, fa = messages("explorer", "en"), messages("explorer", "fa")
    for table in TABLES:
        for column in table["columns"]:
            assert column["label"].startswith("col_") and column["label"] in en and column["label"] in fa
            assert column["kind"] in ("label", "val", "out", "in", "via", "lit", "claim")
