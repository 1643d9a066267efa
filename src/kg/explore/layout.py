"""Where the explorer draws the nodes: positions computed at build time, and vis-network's drawing options.

Positions are computed at build time (:func:`layout`, networkx's seeded spring layout), so the
page opens with physics off and shows a readable view at once; the first view is the neighbourhood
of a starting node on rings of its own (:func:`overview_layout`). Node sizes and label sizes grow
with centrality (:func:`importance`).
"""

from __future__ import annotations

import math
import os
import statistics
from collections.abc import Sequence
from typing import Any

import networkx as nx

from kg.project import undirected

#: numpy (imported by the layout, here or in networkx) starts its BLAS library's thread pool, a thread a core,
#: when it is imported: 0.04 s of CPU of the 0.09 s of its import, for a layout whose arrays are element-wise,
#: einsum and norms (at most a dot product of 2 x 500 numbers, below any size OpenBLAS shares among threads).
#: One thread, unless the environment says otherwise; set before numpy's import.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

#: Font sizes (canvas px at zoom 1) from the least to the most central node: labels by importance.
#: At the first view only the labels of the more central nodes are large enough to be drawn;
#: zooming in draws the others.
FONT_MIN, FONT_MAX = 12, 22
#: The first view is the neighbourhood of the most central node of these groups (the visit and
#: its agreements, for the article), else of the most central node.
START_GROUPS = ("event",)
#: Labels drawn smaller than this on screen are not drawn at all (vis-network hides those under
#: ``drawThreshold - 1``), so every label one can see is at least 10 px high.
LABEL_THRESHOLD = 11
#: Median edge length of the precomputed layout, in canvas px.
EDGE_LENGTH = 190
#: From this many nodes the layout runs on dense numpy arrays (see :func:`layout`).
DENSE_LAYOUT_FROM = 500
#: Arc between two neighbours on one ring of the first view, in canvas px.
OVERVIEW_SPACING = 200

#: vis-network options: positions come with the nodes, physics stays off (the page can run it).
VIS_OPTIONS: dict[str, Any] = {
    "autoResize": True,
    "layout": {"randomSeed": 7, "improvedLayout": False},
    "nodes": {
        "borderWidth": 1,
        "font": {
            "size": FONT_MIN,
            "face": "Vazirmatn, Tahoma, DejaVu Sans, sans-serif",
            "strokeWidth": 3,
            "strokeColor": "#ffffff",
        },
        "scaling": {"min": 8, "max": 34, "label": {"enabled": False, "drawThreshold": LABEL_THRESHOLD}},
        "widthConstraint": {"maximum": 170},
    },
    "edges": {
        "arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
        "color": {"color": "#9aa3ad", "highlight": "#2b2b2b", "hover": "#2b2b2b"},
        "font": {"size": 10, "align": "middle", "color": "#5f6770", "strokeWidth": 3, "strokeColor": "#ffffff"},
        "smooth": False,
        "selectionWidth": 2,
        "width": 1,
    },
    "physics": {
        "enabled": False,
        "solver": "forceAtlas2Based",
        "forceAtlas2Based": {
            "gravitationalConstant": -160,
            "centralGravity": 0.01,
            "springLength": 110,
            "springConstant": 0.05,
            "avoidOverlap": 0.7,
        },
        "minVelocity": 1,
        "stabilization": {"enabled": False, "iterations": 300, "updateInterval": 40, "fit": False},
    },
    "interaction": {"hover": True, "tooltipDelay": 250, "multiselect": False, "keyboard": {"enabled": False}},
}


def layout(graph: nx.MultiDiGraph) -> dict[str, tuple[int, int]]:
    """Positions of the nodes in canvas px, seeded: the same data gives the same page.

    Fruchterman–Reingold, as networkx's ``spring_layout(method="force")``, which we call below
    :data:`DENSE_LAYOUT_FROM` nodes. From there networkx switches to a sparse variant that loops
    over the nodes in Python (12.7 s at 1 500 nodes on the 2-core machine; its "energy" method
    6 s, Kamada–Kawai 5 s at 150 nodes): :func:`_spring` is the same algorithm on dense numpy
    arrays (float32; O(n²) memory: 18 MB at 1 500 nodes). Scaled so that the median edge
    is :data:`EDGE_LENGTH` px long.
    """
    simple = undirected(graph)
    n = simple.number_of_nodes()
    if n == 0:
        return {}
    if n < DENSE_LAYOUT_FROM:
        pos = nx.spring_layout(simple, seed=7, iterations=100, k=1.5 / math.sqrt(n), method="force")
    else:
        pos = _spring(simple, iterations=60)
    lengths = [math.dist(pos[u], pos[v]) for u, v in simple.edges()]
    median = statistics.median(lengths) if lengths else 1.0
    factor = EDGE_LENGTH / (median or 1.0)
    return {node: (round(float(x) * factor), round(float(y) * factor)) for node, (x, y) in pos.items()}


def _spring(simple: nx.Graph, iterations: int) -> dict[str, Any]:
    """Fruchterman–Reingold on dense arrays: repulsion k²/d between all pairs, attraction d²/k along
    edges, each step capped by a temperature that cools linearly (networkx's dense algorithm)."""
    import numpy as np

    nodes = list(simple)
    n = len(nodes)
    index = {node: i for i, node in enumerate(nodes)}
    adjacency = np.zeros((n, n), dtype=np.float32)
    for u, v in simple.edges():
        adjacency[index[u], index[v]] = adjacency[index[v], index[u]] = 1.0
    pos = np.random.default_rng(7).random((n, 2), dtype=np.float32)
    k = 1.5 / math.sqrt(n)
    temperature = 0.1
    cooling = temperature / (iterations + 1)
    for _ in range(iterations):
        delta = pos[:, None, :] - pos[None, :, :]
        distance = np.maximum(np.linalg.norm(delta, axis=-1), 0.01)
        force = k * k / distance**2 - adjacency * distance / k
        displacement = np.einsum("ijk,ij->ik", delta, force)
        length = np.maximum(np.linalg.norm(displacement, axis=-1), 0.01)
        pos += displacement * (temperature / length)[:, None]
        temperature -= cooling
    return {node: pos[index[node]] for node in nodes}


def importance(scores: dict[str, float], nodes: Sequence[str]) -> dict[str, float]:
    """Each node's rank among ``nodes`` by score, from 1 (the most central) down to 0."""
    ranked = sorted(nodes, key=lambda n: (-scores.get(n, 0.0), n))
    last = max(len(ranked) - 1, 1)
    return {node: 1 - index / last for index, node in enumerate(ranked)}


def start_node(graph: nx.MultiDiGraph, scores: dict[str, float]) -> str | None:
    """The centre of the first view: the most central node of :data:`START_GROUPS`, else the most central."""
    candidates = [n for n, g in graph.nodes(data="group") if g in START_GROUPS] or list(graph)
    return max(candidates, key=lambda n: (scores.get(n, 0.0), n), default=None)


def overview_layout(graph: nx.MultiDiGraph, start: str | None) -> dict[str, tuple[int, int]]:
    """Positions for the first view: ``start`` in the middle, its neighbours around it on two
    alternating rings (so that neighbouring labels do not touch), grouped by class, then by label."""
    if start is None:
        return {}
    simple = undirected(graph)
    ring = sorted(simple.adj[start], key=lambda n: (graph.nodes[n]["group"], graph.nodes[n]["label_en"], n))
    inner = max(1.3 * EDGE_LENGTH, math.ceil(len(ring) / 2) * OVERVIEW_SPACING / (2 * math.pi))
    out = {start: (0, 0)}
    for index, node in enumerate(ring):
        angle = 2 * math.pi * index / max(len(ring), 1) - math.pi / 2
        radius = inner * (1.4 if index % 2 else 1.0)
        out[node] = (round(radius * math.cos(angle)), round(radius * math.sin(angle)))
    return out
