"""What the explorer shows of a projection: the focus view, the table views' specs and the timeline.

A page draws at most :data:`kg.limits.NODE_BUDGET` nodes; above it (or when asked) it shows a focus view,
the neighbourhood of one entity or the most central nodes (:func:`focus_view`), and says how much
is hidden. The table views (:data:`TABLES`) are specs the page's script reads the projection with;
the timeline (:func:`timeline`) places the dated nodes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import networkx as nx

from kg.errors import UsageError
from kg.limits import FOCUS_HOPS, NODE_BUDGET
from kg.project import undirected
from kg.stats import find_node


def _table(group: str, *columns: dict[str, Any]) -> dict[str, Any]:
    """The table view of a group of the projection: its columns, in order."""
    return {"group": group, "columns": list(columns)}


def _column(kind: str, prop: str | None, label: str, **more: Any) -> dict[str, Any]:
    """One column of a table view: its kind, the property it reads (none for ``label`` and ``claim``), its label."""
    return {"kind": kind, **({"prop": prop} if prop else {}), **more, "label": label}


#: The table views: one per main class, each column read from the projection by the page
#: (``out``/``in``: the nodes at the end of a property; ``via``: two steps, or the node itself
#: when it is already of ``self``; ``lit``: literals, in ``lang`` when given, else in the UI's;
#: ``val``: concept values, and a factuality cue's words quoted; ``claim``: a slip's claim or correction).
#: Columns name projection attributes and property names as they are: nothing is renamed on the way to
#: the page. A column's ``label`` is its key in the UI catalogue (``[explorer]`` of ``kg/i18n.toml``): the
#: page gets both languages. ``optional``: an empty cell says something itself (no hedge words: the
#: statement is not hedged), so the table does not count it as left open by the article.
TABLES: tuple[dict[str, Any], ...] = (
    _table(
        "agreement",
        _column("label", None, "col_agreement"),
        _column("val", "kg:agreementKind", "col_kind"),
        _column("out", "kg:party", "col_parties"),
        _column("via", None, "col_countries", props=["kg:party", "kg:country"], self=["country"]),
        _column("out", "kg:signatory", "col_signatories"),
        _column("val", "kg:cooperationDomain", "col_domains"),
        _column("out", "kg:concludedDuring", "col_concluded_during"),
    ),
    _table(
        "person",
        _column("label", None, "col_person"),
        _column("out", "org:holds", "col_posts"),
        _column("in", "kg:speaker", "col_statements", count=True),
    ),
    _table(
        "statement",
        _column("out", "kg:speaker", "col_speaker"),
        _column("out", "schema:mainEntity", "col_main_subject"),
        _column("val", "kg:certainty", "col_certainty"),
        _column("val", "kg:factualityCue", "col_cue_words", optional=True),
        _column("val", "kg:polarity", "col_polarity"),
        _column("lit", "schema:text", "col_persian_text", lang="fa"),
        _column("lit", "kg:gloss", "col_english_gloss", lang="en"),
        _column("label", None, "col_statement"),
    ),
    _table(
        "figure",
        _column("label", None, "col_figure"),
        _column("lit", "schema:value", "col_value"),
        _column("val", "kg:unit", "col_unit"),
        _column("out", "kg:period", "col_period"),
    ),
    _table(
        "slip",
        _column("label", None, "col_slip"),
        _column("claim", None, "col_the_article_claims", which="claimed"),
        _column("claim", None, "col_correction", which="corrected"),
        _column("lit", "kg:reason", "col_reason"),
    ),
)

#: Literal datatypes the timeline places on its axis.
DATE_TYPES = ("xsd:date", "xsd:dateTime", "xsd:gYearMonth", "xsd:gYear")


@dataclass(frozen=True)
class View:
    """What the page shows of a projection: ``graph`` (all of it, or a focus view) and what is hidden."""

    graph: nx.MultiDiGraph
    total_nodes: int
    total_edges: int
    budget: int
    focus: str | None = None
    hops: int | None = None
    top: int | None = None

    @property
    def partial(self) -> bool:
        return self.graph.number_of_nodes() < self.total_nodes

    def info(self) -> dict[str, Any]:
        return {
            "totalNodes": self.total_nodes,
            "totalEdges": self.total_edges,
            "shownNodes": self.graph.number_of_nodes(),
            "shownEdges": self.graph.number_of_edges(),
            "budget": self.budget,
            "focus": self.focus,
            "hops": self.hops,
            "top": self.top,
        }


def focus_view(
    graph: nx.MultiDiGraph,
    scores: dict[str, float],
    *,
    focus: str | None = None,
    hops: int | None = None,
    top: int | None = None,
    budget: int = NODE_BUDGET,
) -> View:
    """The part of ``graph`` the page draws.

    With ``focus`` (a node id, or an entity named by label as ``kg path`` finds it): the nodes within ``hops``
    steps of it (edges walked either way). With ``top``: the ``top`` most central nodes. Otherwise
    the whole graph if it has at most ``budget`` nodes, else the ``budget`` most central nodes.
    A focus ball larger than the budget keeps its ``budget`` most central nodes (the focus always).
    Raises UsageError for an unknown or ambiguous focus, or a budget, top or hops below 1.
    """
    hops = FOCUS_HOPS if hops is None else hops
    if budget < 1 or hops < 1 or (top is not None and top < 1):
        raise UsageError("--budget, --top and --hops must be at least 1")
    total_nodes, total_edges = graph.number_of_nodes(), graph.number_of_edges()
    rank = sorted(graph, key=lambda n: (-scores.get(n, 0.0), n))
    keep: set[str]
    start = (focus if focus in graph else find_node(graph, focus)) if focus is not None else None
    if start is not None:
        ball = set(nx.single_source_shortest_path_length(undirected(graph), start, cutoff=hops))
        keep = ball if len(ball) <= budget else {start, *[n for n in rank if n in ball][: budget - 1]}
    elif top is not None:
        keep = set(rank[: min(top, budget)])
    elif total_nodes <= budget:
        return View(graph, total_nodes, total_edges, budget)
    else:
        keep = set(rank[:budget])
    return View(_induced(graph, keep), total_nodes, total_edges, budget, start, hops if start else None, top)


def _induced(graph: nx.MultiDiGraph, keep: set[str]) -> nx.MultiDiGraph:
    """The part of ``graph`` on the nodes ``keep``: the nodes sorted, each one's edges in the graph's order.

    Not networkx's ``subgraph(...).copy()``: that walks the set of the nodes asked for, in an order that
    changes with Python's hash seed, so the page of the same data differed from one run to the next."""
    sub = graph.__class__()
    sub.graph.update(graph.graph)
    nodes = sorted(keep)
    sub.add_nodes_from((node, graph.nodes[node]) for node in nodes)
    edges = ((u, v, keyed) for u in nodes for v, keyed in graph.adj[u].items() if v in keep)
    sub.add_edges_from((u, v, key, data) for u, v, keyed in edges for key, data in keyed.items())
    return sub


def timeline(graph: nx.MultiDiGraph) -> list[dict[str, Any]]:
    """The dated nodes, earliest first: ``{"node", "prop", "start", "end"}`` with ISO dates or year-months.

    A node's dated literals (:data:`DATE_TYPES`) are points; the dates of its ``time:hasBeginning``
    and ``time:hasEnd`` values make an interval.
    """
    out: list[dict[str, Any]] = []
    for node, attrs in graph.nodes(data=True):
        for lit in attrs["literals"]:
            if lit["lang"] in DATE_TYPES:
                out.append({"node": node, "prop": lit["prop"], "start": lit["text"], "end": None})
        ends = {v["prop"]: v.get("date") for v in attrs["values"] if v.get("date")}
        if "time:hasBeginning" in ends or "time:hasEnd" in ends:
            out.append(
                {
                    "node": node,
                    "prop": "time:hasBeginning",
                    "start": ends.get("time:hasBeginning"),
                    "end": ends.get("time:hasEnd"),
                }
            )
    return sorted(out, key=lambda e: (e["start"] or e["end"] or "", e["end"] or "", e["node"]))
