"""kg.stats: counts, degree, PageRank and components of a projection; entities found by name however typed
(Arabic or Persian letters, ZWNJ, case); the shortest connection printed in each triple's own direction."""

from __future__ import annotations

import networkx as nx
import pytest

from kg import stats as stats_module
from kg.errors import NotFound, UsageError
from kg.stats import centrality, find_node, graph_stats, match_score, shortest_path


def projection() -> nx.MultiDiGraph:
    """A small projection: a visit, two people, a railway, an agreement; and a lone node."""
    g = nx.MultiDiGraph(
        classes={"kg:Person": {"en": "Person", "fa": "شخص"}, "kg:Event": {"en": "Event", "fa": "رویداد"}},
        properties={"kg:visitor": {"en": "visitor", "fa": "بازدیدکننده"}, "kg:party": {"en": "party", "fa": "طرف"}},
    )
    nodes = [
        ("kgi:tokayev", "kg:Person", "Kassym-Jomart Tokayev", "قاسم‌ژومارت توکایف", [("Tokayev", "en")]),
        ("kgi:raisi", "kg:Person", "Ebrahim Raisi", "ابراهیم رئیسی", []),
        ("kgi:visit", "kg:Event", "Tokayev's state visit to Tehran", "سفر رسمی توکایف به تهران", []),
        ("kgi:ktz", "kg:Organization", "Kazakhstan Temir Zholy", "راه‌آهن قزاقستان", []),
        ("kgi:mou", "kg:Agreement", "MoU on rail cooperation", "یادداشت تفاهم همکاری ریلی", []),
        ("kgi:lone", "kg:Place", "Aktau", "آکتائو", []),
    ]
    for node, cls, en, fa, alt in nodes:
        g.add_node(node, cls=cls, label_en=en, label_fa=fa, alt_labels=alt)
    g.add_edge("kgi:visit", "kgi:tokayev", prop="kg:visitor")
    g.add_edge("kgi:visit", "kgi:raisi", prop="kg:visitor")
    g.add_edge("kgi:mou", "kgi:visit", prop="kg:concludedDuring")
    g.add_edge("kgi:mou", "kgi:ktz", prop="kg:party")
    return g


@pytest.mark.parametrize(
    ("typed", "node"),
    [
        ("Tokayev", "kgi:tokayev"),  # an alternative label, exactly: beats the visit that names him too
        ("TOKAYEV", "kgi:tokayev"),
        ("توكايف", "kgi:tokayev"),  # Arabic kaf and yeh for Persian ک and ی
        ("قاسم ژومارت", "kgi:tokayev"),  # a space where the label has a ZWNJ
        ("raisi", "kgi:raisi"),
        ("رئيسي", "kgi:raisi"),
        ("kgi:ktz", "kgi:ktz"),  # the id
        ("ktz", "kgi:ktz"),
        ("راه آهن", "kgi:ktz"),
        ("temir", "kgi:ktz"),
        ("Aktau", "kgi:lone"),
    ],
)
def test_an_entity_is_found_however_its_name_is_typed(typed, node):
    assert find_node(projection(), typed) == node


def test_an_exact_name_beats_a_whole_word_which_beats_a_longer_share_of_the_name():
    assert match_score("Tokayev", "Tokayev") > match_score("Tokayev", "Tokayev's state visit to Tehran")
    assert match_score("rail", "rail") > match_score("rail", "MoU on rail cooperation")
    assert match_score("rail", "MoU on rail cooperation") > match_score("rail", "railways")  # a word beats a share
    assert match_score("rai", "Raisi")[2] == pytest.approx(3 / 5)
    assert match_score("x", "Raisi") == (0, 0, 0.0) and match_score("", "Raisi") == (0, 0, 0.0)


def test_a_tie_lists_the_candidates_and_no_match_is_not_found():
    with pytest.raises(UsageError) as caught:
        find_node(projection(), "kgi")
    assert str(caught.value) == (  # the same share of both ids: kgi:ktz and kgi:mou are as long
        "'kgi' is ambiguous: Kazakhstan Temir Zholy [kgi:ktz], MoU on rail cooperation [kgi:mou]"
    )
    with pytest.raises(NotFound) as missing:
        find_node(projection(), "Astana")
    assert (str(missing.value), missing.value.exit_code) == (
        "no entity is labelled 'Astana' (in English or Persian)",
        1,
    )
    with pytest.raises(UsageError, match=r"^empty entity name: ' \\u200c '$"):
        find_node(projection(), " \u200c ")


def test_the_shortest_connection_follows_each_triple_in_its_own_direction():
    connection = shortest_path("Tokayev", "Temir Zholy", projection())
    assert connection.format() == (
        "Kassym-Jomart Tokayev → Kazakhstan Temir Zholy: 3 steps\n"
        "  Tokayev's state visit to Tehran —visitor→ Kassym-Jomart Tokayev\n"
        "  MoU on rail cooperation —kg:concludedDuring→ Tokayev's state visit to Tehran\n"
        "  MoU on rail cooperation —party→ Kazakhstan Temir Zholy"
    )
    assert (
        connection.format("fa").splitlines()[0] == "\u2068قاسم‌ژومارت توکایف\u2069 ← \u2068راه‌آهن قزاقستان\u2069: ۳ گام"
    )
    assert shortest_path("Raisi", "Aktau", projection()) is None


def test_stats_count_classes_and_properties_and_rank_nodes():
    stats = graph_stats(projection(), top=2)
    assert (stats.nodes, stats.edges) == (6, 4)
    assert stats.classes[0] == ("kg:Person", "Person", 2)
    assert ("kg:Agreement", "kg:Agreement", 1) in stats.classes  # a class without a label shows its name
    assert stats.properties[0] == ("kg:visitor", "visitor", 2)
    assert [(r.node, r.score) for r in stats.degree] == [("kgi:visit", 3), ("kgi:mou", 2)]
    assert [r.node for r in stats.centrality] == ["kgi:visit", "kgi:mou"]
    assert stats.components == [["kgi:ktz", "kgi:mou", "kgi:raisi", "kgi:tokayev", "kgi:visit"], ["kgi:lone"]]
    text = stats.format()
    assert "connected components: 2 (sizes 5, 1)\n  kgi:lone\n" in text
    assert "top 2 by degree (in + out):\n      3  Tokayev's state visit to Tehran  [kgi:visit]" in text
    persian = graph_stats(projection(), top=2, lang="fa")
    assert persian.classes[0][1] == "شخص"
    assert persian.format().splitlines()[:2] == ["گره‌ها: ۶", "یال‌ها: ۴"]
    assert "مؤلفه‌های همبند: ۲ (اندازه‌ها: ۵، ۱)\n  \u2068kgi:lone\u2069\n" in persian.format()


def test_pagerank_sums_to_one_and_is_the_same_every_time():
    scores = centrality(projection())
    assert sum(scores.values()) == pytest.approx(1.0)
    assert scores == centrality(projection())
    assert centrality(nx.MultiDiGraph()) == {}


def test_a_small_graph_is_ranked_without_scipy_as_scipy_ranks_it(monkeypatch):
    """Up to PURE_PYTHON_PAGERANK_NODES nodes networkx's pure-Python PageRank is used: on the article it gives
    scipy's scores to the last bits and the same order; a larger graph gets nx.pagerank's own scores."""
    from kg.load import load_graph
    from kg.project import to_networkx, undirected

    article = to_networkx(load_graph(None))
    assert undirected(article).number_of_nodes() <= stats_module.PURE_PYTHON_PAGERANK_NODES
    mine, scipy_s = centrality(article), nx.pagerank(undirected(article), alpha=0.85, tol=1e-10, max_iter=200)
    assert mine.keys() == scipy_s.keys() and all(abs(mine[n] - scipy_s[n]) < 1e-15 for n in mine)
    order = sorted(mine, key=lambda n: (-round(mine[n], 12), n))
    assert order == sorted(scipy_s, key=lambda n: (-round(scipy_s[n], 12), n))
    monkeypatch.setattr(stats_module, "PURE_PYTHON_PAGERANK_NODES", 5)  # the article is now "large"
    assert centrality(article) == scipy_s
