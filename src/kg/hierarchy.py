"""The transitive closure of a hierarchy: every class above a class (``rdfs:subClassOf``), every
property above a property (``rdfs:subPropertyOf``).

One home for the walk that the RDFS closure queries run on (:mod:`kg.sparql.entailment`) and the
projection's choice of a node's most specific class (:mod:`kg.project`) both need. Our own dozen
lines, not networkx's ``descendants``: the query path does not import networkx (a cold ``kg query``
pays for every import), and the walk is iterative, so a deep or cyclic hierarchy in someone's data
neither recurses nor loops.

>>> above = ancestors({"City": {"Place"}, "Place": {"Thing"}})
>>> sorted(above["City"]), sorted(above["Place"])
(['Place', 'Thing'], ['Thing'])
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping


def ancestors(edges: Mapping[Hashable, Iterable[Hashable]]) -> dict[Hashable, set[Hashable]]:
    """For each node with edges (a class -> its direct superclasses), every node reachable from it;
    not itself, unless it is on a cycle."""
    reached: dict[Hashable, set[Hashable]] = {}
    for start in edges:
        seen: set[Hashable] = set()
        stack = list(edges[start])
        while stack:
            node = stack.pop()
            if node not in seen:
                seen.add(node)
                stack.extend(edges.get(node, ()))
        reached[start] = seen
    return reached
