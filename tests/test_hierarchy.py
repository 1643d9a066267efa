"""kg.hierarchy: every class above a class, however deep, on cycles and diamonds, without recursion."""

from __future__ import annotations

from kg.hierarchy import ancestors


def test_a_chain_and_a_diamond():
    edges = {"City": {"Place"}, "Capital": {"City", "Seat"}, "Seat": {"Place"}, "Place": {"Thing"}}
    assert ancestors(edges) == {
        "City": {"Place", "Thing"},
        "Capital": {"City", "Seat", "Place", "Thing"},
        "Seat": {"Place", "Thing"},
        "Place": {"Thing"},
    }


def test_a_node_is_its_own_ancestor_only_on_a_cycle():
    assert ancestors({"A": {"B"}, "B": {"A"}, "C": {"A"}}) == {"A": {"A", "B"}, "B": {"A", "B"}, "C": {"A", "B"}}
    assert ancestors({"A": {"A"}}) == {"A": {"A"}}


def test_a_deep_hierarchy_does_not_recurse():
    depth = 1200  # past Python's recursion limit (1000)
    edges = {i: {i + 1} for i in range(depth)}
    assert len(ancestors(edges)[depth - 10]) == 10
    assert ancestors({}) == {}
