"""Analytics of the projection: counts, degree, centrality and components (``kg stats``), and the
shortest connection between two entities found by label in either language (``kg path``).

>>> from kg import resources
>>> g = as_projection(data=[resources.root() / "tests/fixtures/explorer/mini.ttl"])
>>> find_node(g, "توكايف")  # Arabic kaf and yeh
'kgi:kassym-jomart-tokayev'
>>> print(shortest_path("Tokayev", "Kazakhstan Temir Zholy", g).format())
Kassym-Jomart Tokayev → Kazakhstan Temir Zholy: 3 steps
  Tokayev's state visit to Tehran —visitor→ Kassym-Jomart Tokayev
  MoU on rail cooperation between the two railways —concluded during→ Tokayev's state visit to Tehran
  MoU on rail cooperation between the two railways —party→ Kazakhstan Temir Zholy
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx
from rdflib import Graph

from kg.errors import NotFound, UsageError
from kg.i18n import digits, format_count, format_number, isolate, text
from kg.limits import STATS_TOP
from kg.project import as_projection, edge_label, node_label, undirected
from kg.text import fold

#: Up to this many nodes PageRank is networkx's own pure-Python power iteration, above it ``nx.pagerank`` (scipy's
#: sparse matrices). scipy.sparse's import alone costs more than the whole iteration on a small graph: 0.1 s (its
#: array-API layer imports numpy's f2py, testing and ma modules) against 0.03 s on the article (161 nodes); at
#: 527 nodes (100 synthetic articles) the iteration takes 0.18 s and scipy's 0.005 s once imported.
PURE_PYTHON_PAGERANK_NODES = 300


def centrality(graph: nx.MultiDiGraph) -> dict[str, float]:
    """PageRank of every node on the undirected simple graph (scores sum to 1).

    Betweenness (what this was) is pure Python in networkx and grows as nodes × edges: 65 % of a
    159 s ``kg explore`` at 35 000 nodes. PageRank is a few sparse matrix products (about 0.3 s at
    35 000 nodes) and ranks the same hubs first on the article (the visit, the two countries, the
    presidents). Deterministic: no sampling, and the simple graph is built in sorted order. A small
    graph is ranked by networkx's pure-Python iteration (:data:`PURE_PYTHON_PAGERANK_NODES`), the same
    power iteration: its scores differ from scipy's in the last bits only, and the explorer's pages
    and ``kg stats`` made from either are the same bytes (the article, 100 synthetic articles).
    """
    simple = undirected(graph)
    if simple.number_of_nodes() == 0:
        return {}
    pagerank = nx.pagerank
    if simple.number_of_nodes() <= PURE_PYTHON_PAGERANK_NODES:
        from networkx.algorithms.link_analysis import pagerank_alg

        pagerank = getattr(pagerank_alg, "_pagerank_python", pagerank)  # networkx's own, without scipy
    return pagerank(simple, alpha=0.85, tol=1e-10, max_iter=200)


@dataclass(frozen=True)
class Ranked:
    node: str
    label: str
    score: float


@dataclass
class Stats:
    """What ``kg stats`` prints."""

    nodes: int
    edges: int
    classes: list[tuple[str, str, int]] = field(default_factory=list)
    properties: list[tuple[str, str, int]] = field(default_factory=list)
    degree: list[Ranked] = field(default_factory=list)
    centrality: list[Ranked] = field(default_factory=list)
    components: list[list[str]] = field(default_factory=list)

    lang: str = "en"

    def format(self) -> str:
        """The report in ``lang``: headings from the UI-string catalogue, numbers in its digits."""
        lang, show = self.lang, _shown(self.lang)

        def say(key: str, **values: object) -> str:
            return text("cli", key, lang, **values)

        def count(n: int) -> str:
            return digits(f"{n:5d}", lang)

        def score(x: float) -> str:
            return format_number(f"{x:.4f}", lang) or ""

        lines = [say("stats_nodes", n=self.nodes), say("stats_edges", n=self.edges), "", say("stats_per_class")]
        lines += [f"  {count(n)}  {show(curie)}  ({show(label)})" for curie, label, n in self.classes]
        lines += ["", say("stats_per_property")]
        lines += [f"  {count(n)}  {show(curie)}  ({show(label)})" for curie, label, n in self.properties]
        lines += ["", say("stats_by_degree", n=len(self.degree))]
        lines += [f"  {count(int(r.score))}  {show(r.label)}  [{show(r.node)}]" for r in self.degree]
        lines += ["", say("stats_by_centrality", n=len(self.centrality))]
        lines += [
            f"  {format_number(f'{r.score:.4f}', lang)}  {show(r.label)}  [{show(r.node)}]" for r in self.centrality
        ]
        comma = text("site", "list_separator", lang)
        sizes = comma.join(format_count(len(c), lang) for c in self.components)
        lines += ["", say("stats_components", n=len(self.components), sizes=sizes)]
        for component in self.components[1:]:
            lines.append("  " + comma.join(show(node) for node in component))
        return "\n".join(lines) + "\n"


def _shown(lang: str) -> Callable[[str], str]:
    """How a piece of graph text (a label, a prefixed name) is put into a line of ``lang``: isolated
    (FSI … PDI) in a Persian line, whose right-to-left order would otherwise pull it apart."""
    return isolate if lang == "fa" else str


def graph_stats(
    graph: nx.MultiDiGraph | Graph | None = None,
    *,
    data: Sequence[str | Path] | None = None,
    top: int = STATS_TOP,
    lang: str = "en",
) -> Stats:
    """Counts per class and property, the ``top`` nodes by degree and by centrality, and the components.

    ``graph`` is a projection or an RDF graph; without one, ``data`` (default: the shipped data) is loaded.
    """
    g = as_projection(graph, data)
    classes = Counter(cls for _, cls in g.nodes(data="cls"))
    props = Counter(prop for _, _, prop in g.edges(data="prop"))
    class_labels = g.graph.get("classes", {})
    stats = Stats(g.number_of_nodes(), g.number_of_edges(), lang=lang)
    stats.classes = [
        (c, class_labels.get(c, {}).get(lang, c), n) for c, n in sorted(classes.items(), key=lambda i: (-i[1], i[0]))
    ]
    stats.properties = [(p, edge_label(g, p, lang), n) for p, n in sorted(props.items(), key=lambda i: (-i[1], i[0]))]
    by_degree = sorted(g.degree, key=lambda nd: (-nd[1], nd[0]))[:top]
    stats.degree = [Ranked(n, node_label(g, n, lang), d) for n, d in by_degree]
    scores = centrality(g)
    by_centrality = sorted(scores.items(), key=lambda ns: (-ns[1], ns[0]))[:top]
    stats.centrality = [Ranked(n, node_label(g, n, lang), s) for n, s in by_centrality]
    components = [sorted(c) for c in nx.weakly_connected_components(g)]
    stats.components = sorted(components, key=lambda c: (-len(c), c))
    return stats


def _names(graph: nx.MultiDiGraph, node: str) -> list[str]:
    attrs = graph.nodes[node]
    names = [attrs["label_en"], attrs["label_fa"], node, node.split(":", 1)[-1]]
    names += [text for text, _ in attrs.get("alt_labels", [])]
    return names


def match_score(query: str, name: str) -> tuple[int, int, float]:
    """How well ``query`` names ``name``: (exact, whole word, share of the name covered); zeros for no match.

    >>> match_score("توكايف", "قاسم‌ژومارت توکایف") > match_score("توكايف", "سفر رسمی توکایف به تهران")
    True
    """
    key, folded = fold(query), fold(name)
    if not key or key not in folded:
        return (0, 0, 0.0)
    words = {fold(word) for word in name.split()}
    return (int(key == folded), int(key in words), len(key) / len(folded))


def find_node(graph: nx.MultiDiGraph, text: str) -> str:
    """The node best named by ``text``: its label in either language, an alternative label or its id, however typed.

    An exact (folded) match beats a whole-word match, which beats the match covering more of the
    name; a tie between different nodes is a UsageError that lists them; no match is NotFound (exit 1).
    """
    if not fold(text):
        raise UsageError(f"empty entity name: {text!r}")
    scores = {n: max(match_score(text, name) for name in _names(graph, n)) for n in graph}
    ranked = sorted((n for n in scores if scores[n][2] > 0), key=lambda n: (scores[n], n), reverse=True)
    if not ranked:
        raise NotFound(f"no entity is labelled {text!r} (in English or Persian)")
    best = [n for n in ranked if scores[n] == scores[ranked[0]]]
    if len(best) == 1:
        return best[0]
    shown = ", ".join(f"{node_label(graph, n)} [{n}]" for n in sorted(best)[:8])
    more = f" and {len(best) - 8} more" if len(best) > 8 else ""
    raise UsageError(f"{text!r} is ambiguous: {shown}{more}")


@dataclass(frozen=True)
class Step:
    """One triple of a path, in its own direction."""

    subject: str
    prop: str
    object: str


@dataclass
class Connection:
    """The shortest chain of triples between two nodes, with the labels to print it."""

    source: str
    target: str
    steps: list[Step]
    graph: nx.MultiDiGraph = field(repr=False)

    def format(self, lang: str = "en") -> str:
        """The connection in ``lang``, one step a line (an arrow pointing the way the line reads)."""
        g, show = self.graph, _shown(lang)

        def name(node: str) -> str:
            return show(node_label(g, node, lang))

        head = text("cli", "path_head", lang, source=name(self.source), target=name(self.target), n=len(self.steps))
        steps = [
            text("cli", "path_step", lang, subject=name(s.subject), property=show(edge_label(g, s.prop, lang)),
                 object=name(s.object))
            for s in self.steps
        ]  # fmt: skip
        return "\n".join([head, *("  " + step for step in steps)])


def no_path(source: str, target: str, lang: str = "en") -> str:
    """What is said when two entities, as the user typed them, are not connected."""
    show = _shown(lang)
    return text("cli", "no_path", lang, source=show(repr(source)), target=show(repr(target)))


def shortest_path(
    source: str,
    target: str,
    graph: nx.MultiDiGraph | Graph | None = None,
    *,
    data: Sequence[str | Path] | None = None,
) -> Connection | None:
    """The shortest connection between two entities named by label (edges walked either way), or None.

    Of several shortest connections, the one whose node ids sort first is taken, so the answer is stable.
    """
    g = as_projection(graph, data)
    a, b = find_node(g, source), find_node(g, target)
    try:
        nodes = min(nx.all_shortest_paths(undirected(g), a, b))
    except nx.NetworkXNoPath:
        return None
    steps: list[Step] = []
    for u, v in itertools.pairwise(nodes):
        forward = sorted(g.get_edge_data(u, v, default={}))
        if forward:
            steps.append(Step(u, g.edges[u, v, forward[0]]["prop"], v))
        else:
            key = sorted(g.get_edge_data(v, u))[0]
            steps.append(Step(v, g.edges[v, u, key]["prop"], u))
    return Connection(a, b, steps, g)
