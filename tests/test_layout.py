"""kg.explore.layout: seeded positions scaled to the edge length, node importance, the first view's rings."""

from __future__ import annotations

import math
import statistics

import networkx as nx
import pytest

from kg.explore import layout as layout_module
from kg.explore.layout import (
    EDGE_LENGTH,
    OVERVIEW_SPACING,
    VIS_OPTIONS,
    importance,
    layout,
    overview_layout,
    start_node,
)


def star(leaves: int, *, centre_group: str = "event") -> nx.MultiDiGraph:
    graph = nx.MultiDiGraph()
    graph.add_node("c", group=centre_group, label_en="Centre")
    for i in range(leaves):
        graph.add_node(f"n{i:02d}", group="place" if i % 2 else "agent", label_en=f"Leaf {leaves - i}")
        graph.add_edge("c", f"n{i:02d}", label="p")
    return graph


def chain(length: int) -> nx.MultiDiGraph:
    graph = nx.MultiDiGraph()
    for i in range(length):
        graph.add_node(f"n{i:03d}", group="agent", label_en=f"N{i}")
    for i in range(length - 1):
        graph.add_edge(f"n{i:03d}", f"n{i + 1:03d}")
        graph.add_edge(f"n{i + 1:03d}", f"n{i:03d}")  # both directions and parallel edges count once
    return graph


def median_edge(graph: nx.MultiDiGraph, pos: dict[str, tuple[int, int]]) -> float:
    return statistics.median(math.dist(pos[u], pos[v]) for u, v in graph.edges())


@pytest.mark.parametrize("dense_from", [500, 3], ids=["networkx", "dense-numpy"])
def test_positions_are_seeded_integers_scaled_to_the_median_edge(monkeypatch, dense_from):
    monkeypatch.setattr(layout_module, "DENSE_LAYOUT_FROM", dense_from)
    graph = chain(30)
    pos = layout(graph)
    assert set(pos) == set(graph)
    assert all(isinstance(x, int) and isinstance(y, int) for x, y in pos.values())
    assert median_edge(graph, pos) == pytest.approx(EDGE_LENGTH, abs=2)  # rounding to whole px
    assert layout(chain(30)) == pos  # the same data gives the same page


def test_no_nodes_no_positions_and_nodes_without_edges_are_placed():
    assert layout(nx.MultiDiGraph()) == {}
    lonely = nx.MultiDiGraph()
    lonely.add_nodes_from(["a", "b"])
    assert set(layout(lonely)) == {"a", "b"}


def test_the_dense_layout_spreads_the_nodes_apart(monkeypatch):
    monkeypatch.setattr(layout_module, "DENSE_LAYOUT_FROM", 3)
    pos = layout(star(12))
    points = list(pos.values())
    assert len(set(points)) == len(points)  # no two nodes on one place


@pytest.mark.parametrize(
    ("scores", "nodes", "ranks"),
    [
        ({"a": 0.5, "b": 0.3, "c": 0.2}, ["c", "a", "b"], {"a": 1.0, "b": 0.5, "c": 0.0}),
        ({"a": 0.5, "b": 0.5}, ["b", "a"], {"a": 1.0, "b": 0.0}),  # ties broken by name
        ({}, ["x"], {"x": 1.0}),
        ({"a": 1.0}, ["a", "z"], {"a": 1.0, "z": 0.0}),  # a node without a score ranks last
        ({}, [], {}),
    ],
)
def test_importance_ranks_nodes_from_one_down_to_zero(scores, nodes, ranks):
    assert importance(scores, nodes) == ranks


def test_the_first_view_starts_at_the_most_central_event_else_the_most_central_node():
    graph = star(4)
    graph.add_node("e2", group="event", label_en="Other event")
    scores = {"c": 0.1, "e2": 0.2, "n00": 0.9}
    assert start_node(graph, scores) == "e2"
    plain = star(4, centre_group="agent")
    assert start_node(plain, {"n03": 0.5, "c": 0.4}) == "n03"
    assert start_node(nx.MultiDiGraph(), {}) is None


def test_the_first_view_puts_the_start_in_the_middle_and_its_neighbours_on_two_rings():
    graph = star(40)
    graph.add_node("far", group="agent", label_en="Far")
    graph.add_edge("n00", "far")
    pos = overview_layout(graph, "c")
    assert pos["c"] == (0, 0) and "far" not in pos and len(pos) == 41
    radii = sorted({round(math.dist((0, 0), pos[n])) for n in pos if n != "c"})
    inner = max(1.3 * EDGE_LENGTH, math.ceil(40 / 2) * OVERVIEW_SPACING / (2 * math.pi))
    assert radii[0] == pytest.approx(inner, abs=1) and radii[-1] == pytest.approx(1.4 * inner, abs=1)
    assert len(radii) <= 4  # two rings (rounding aside)


def test_the_rings_are_ordered_by_group_then_label_starting_at_the_top():
    pos = overview_layout(star(4), "c")
    # groups sorted: agent (n00, n02) before place (n01, n03); labels: "Leaf 2" (n02) before "Leaf 4" (n00)
    order = sorted((n for n in pos if n != "c"), key=lambda n: math.atan2(pos[n][0], -pos[n][1]) % (2 * math.pi))
    assert order == ["n02", "n00", "n03", "n01"]
    assert pos["n02"][0] == 0 and pos["n02"][1] < 0  # the first neighbour is straight above the start
    assert overview_layout(star(2), None) == {}


def test_the_page_opens_with_physics_off_and_labels_above_the_threshold():
    assert VIS_OPTIONS["physics"]["enabled"] is False
    assert VIS_OPTIONS["nodes"]["scaling"]["label"]["drawThreshold"] == layout_module.LABEL_THRESHOLD
    assert layout_module.FONT_MIN < layout_module.FONT_MAX


@pytest.mark.parametrize(("given", "expected"), [(None, "1"), ("3", "3")])
def test_numpy_starts_one_blas_thread_unless_told_otherwise(given, expected):
    """The layout's numpy makes no BLAS call worth a thread pool: importing the layout asks OpenBLAS for one
    thread (its pool cost 0.04 s of CPU at numpy's import), and leaves a number the environment gives."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    if given is not None:
        env["OPENBLAS_NUM_THREADS"] = given
    code = "import os, kg.explore.layout, numpy; print(os.environ['OPENBLAS_NUM_THREADS'])"
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120, check=True
    )
    assert done.stdout.strip() == expected
