"""Project the RDF graph onto a networkx MultiDiGraph: which resources become nodes, edges and attributes.

Every decision of the projection is in :data:`SPEC`, and nowhere else:

* resources of the classes in ``SPEC.groups`` (and their subclasses) become nodes, coloured
  and shaped by group; an entity and an n-ary fact (an agreement, a statement, a trade figure,
  a slip) are nodes alike, so that parties and figures show as neighbours;
* an object property between two nodes becomes an edge labelled with the property;
* a literal becomes an attribute of its node, and so does a resource that is not a node
  (a SKOS concept, an instant) — kept with its labels;
* ``SPEC.not_nodes`` lists the classes that feed nodes instead of being nodes (mentions feed
  the side panel, claims their slip, route stops a shortcut edge), each with its reason.

>>> from kg.load import load_graph
>>> from kg import resources
>>> g = to_networkx(load_graph([resources.root() / "tests/fixtures/explorer/mini.ttl"]))
>>> g.nodes["kgi:kassym-jomart-tokayev"]["label_en"], g.nodes["kgi:kassym-jomart-tokayev"]["wikidata"]
('Kassym-Jomart Tokayev', 'Q200881')
>>> sorted(v for _, v, p in g.out_edges("agreement:rail-cooperation-mou", data="prop") if p == "kg:party")
['kgi:kazakhstan-temir-zholy', 'kgi:raja']
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from kg.factuality import CUE_KIND, CUE_SCOPE, ROLES
from kg.hierarchy import ancestors
from kg.i18n import LANGUAGES, digits
from kg.namespaces import ITSRDF, KG, NIF, OWL, RDF, RDFS, SCHEMA, SKOS, TIME, WD
from kg.terms import curie


@dataclass(frozen=True)
class Group:
    """One kind of node: the classes it gathers (with their subclasses), and how it is drawn."""

    key: str
    classes: tuple[URIRef, ...]
    color: str
    shape: str


@dataclass(frozen=True)
class Shortcut:
    """``subject -via-> middle -target-> object`` becomes one edge ``subject -via-> object``.

    ``order`` (a literal of the middle resource) is kept on the edge as ``position``.
    """

    via: URIRef
    target: URIRef
    order: URIRef | None = None


@dataclass(frozen=True)
class ProjectionSpec:
    """What the projection keeps, and how. See :data:`SPEC`."""

    groups: tuple[Group, ...]
    not_nodes: dict[URIRef, str]
    skip_properties: frozenset[URIRef]
    shortcuts: tuple[Shortcut, ...] = ()
    label: URIRef = RDFS.label
    alt_labels: tuple[URIRef, ...] = (SKOS.altLabel,)
    #: A value's label: a concept's or a duration's name, an instant's date, a factuality cue's own words.
    value_labels: tuple[URIRef, ...] = (SKOS.prefLabel, RDFS.label, TIME.inXSDDate, NIF.anchorOf)
    #: A slip's claim as written and its correction, in that order.
    claim_properties: tuple[URIRef, URIRef] = (KG.claimedStatement, KG.correctedStatement)
    #: The parts of a claim, in the order subject, property, object, value (a literal object).
    claim_roles: tuple[URIRef, URIRef, URIRef, URIRef] = (
        KG.claimSubject,
        KG.claimProperty,
        KG.claimObject,
        KG.claimValue,
    )
    #: Nodes of this class carry a ``slip`` attribute (as does any node with a claim).
    slip_class: URIRef = KG.Slip
    #: A node's ``slips``: the slips that point at it with ``slip_in``, and those it points at with ``slip_out``.
    slip_in: URIRef = KG.affects
    slip_out: URIRef = KG.editorialBasis
    #: The date of a value that is not a node (an instant), kept as its ``date``.
    value_date: URIRef = TIME.inXSDDate
    #: Curators' notes: shown on the node in the reader's language.
    notes: tuple[URIRef, ...] = (SKOS.editorialNote,)
    #: How sure a statement is and what it is mainly about, shown first on its panel: role -> property.
    factuality: dict[str, URIRef] = field(default_factory=lambda: dict(ROLES))
    #: A factuality cue's kind and the clause it governs, kept beside its words (a cue is a mention,
    #: not a node: its value carries ``kind`` and ``scope``).
    cue_parts: tuple[URIRef, URIRef] = (CUE_KIND, CUE_SCOPE)
    term_labels: dict[URIRef, dict[str, str]] = field(default_factory=dict)


#: The one place that says what the explorer, ``kg stats`` and ``kg path`` see.
#: Groups are matched in order (first match wins), which is also the legend's order.
SPEC = ProjectionSpec(
    groups=(
        Group("person", (KG.Person,), "#e15759", "dot"),
        Group("post", (KG.Post,), "#ff9da7", "dot"),
        Group("organization", (KG.Organization,), "#4e79a7", "square"),
        Group("country", (KG.Country,), "#59a14f", "dot"),
        Group("corridor", (KG.TransportCorridor,), "#b6992d", "hexagon"),
        Group("place", (KG.Place, KG.CountryGroup), "#8cd17d", "dot"),
        Group("event", (KG.Event,), "#f28e2b", "star"),
        Group("agreement", (KG.Agreement,), "#17becf", "diamond"),
        Group("statement", (KG.Statement,), "#b07aa1", "triangleDown"),
        Group("figure", (KG.Figure, KG.TradeTrend, KG.BilateralRelation), "#9c755f", "diamond"),
        Group("train", (KG.Train, KG.Route), "#edc948", "hexagon"),
        Group("period", (KG.Period,), "#bab0ac", "square"),
        Group("slip", (KG.Slip,), "#d62728", "triangle"),
        # The curation's own judgements, linked to what they qualify: a list the article leaves open,
        # an identification with its alternative, state control with its basis.
        Group("enumeration", (KG.Enumeration,), "#76b7b2", "square"),
        Group("identification", (KG.Identification,), "#d4a6c8", "triangle"),
        Group("control", (KG.StateControl,), "#499894", "square"),
        Group("article", (KG.NewsArticle,), "#79706e", "square"),
    ),
    not_nodes={
        KG.Mention: "feeds the side panel: the source sentence and the marks in the article",
        KG.Claim: "shown inside its slip, as the claim and the correction",
        KG.RouteStop: "a route's stop becomes an edge route -stop-> place, with its position",
        TIME.Instant: "its date becomes an attribute of the period it bounds",
        SKOS.Concept: "a value (kind, domain, topic, unit) shown with its labels on the node",
    },
    skip_properties=frozenset(
        {
            RDF.type,
            OWL.sameAs,
            NIF.isString,  # the whole article: the panel has it once, not per node
            NIF.referenceContext,
            ITSRDF.taIdentRef,
            RDFS.isDefinedBy,
        }
    ),
    shortcuts=(Shortcut(KG.stop, KG.stopPlace, SCHEMA.position),),
    # Labels for reused terms that the ontology does not declare.
    term_labels={
        RDFS.label: {"en": "label", "fa": "برچسب"},
        RDFS.comment: {"en": "description", "fa": "توضیح"},
        SKOS.editorialNote: {"en": "editorial note", "fa": "یادداشت ویراستار"},
        SKOS.definition: {"en": "definition", "fa": "تعریف"},
        SKOS.altLabel: {"en": "also called", "fa": "نام دیگر"},
    },
)


def _terms_graph(graph: Graph) -> Graph:
    """The graph that holds the class hierarchy and term labels: ``graph`` itself, or the shipped ontology."""
    if (KG.City, RDFS.subClassOf, KG.Place) in graph:
        return graph
    from kg.load import load_ontology

    return load_ontology()


def _lineages(terms: Graph) -> dict[URIRef, set[URIRef]]:
    """Each class with a superclass -> itself and every superclass (:func:`kg.hierarchy.ancestors`)."""
    parents: dict[URIRef, set[URIRef]] = defaultdict(set)
    for sub, sup in terms.subject_objects(RDFS.subClassOf):
        if isinstance(sub, URIRef) and isinstance(sup, URIRef):
            parents[sub].add(sup)
    return {cls: {cls} | above for cls, above in ancestors(parents).items()}


def _labels(graph: Graph, term: Node, predicates: Iterable[URIRef]) -> dict[str, str]:
    """``{"en": ..., "fa": ...}`` from the first predicate that has them (plain literals count for both)."""
    found: dict[str, str] = {}
    for predicate in predicates:
        for value in sorted(graph.objects(term, predicate), key=str):
            if not isinstance(value, Literal):
                continue
            lang = value.language
            if lang in LANGUAGES:
                found.setdefault(lang, str(value))
            elif lang is None:
                for code in LANGUAGES:
                    found.setdefault(code, str(value))
        if found:
            break
    return found


@dataclass
class _Context:
    graph: Graph
    terms: Graph
    spec: ProjectionSpec
    ids: dict[Node, str] = field(default_factory=dict)
    classes: dict[str, dict[str, str]] = field(default_factory=dict)
    properties: dict[str, dict[str, str]] = field(default_factory=dict)

    def term_labels(self, term: URIRef, table: dict[str, dict[str, str]]) -> str:
        name = curie(term)
        if name not in table:
            labels = self.spec.term_labels.get(term) or _labels(self.terms, term, (RDFS.label, SKOS.prefLabel))
            table[name] = {code: labels.get(code, name) for code in LANGUAGES}
        return name

    def prop(self, term: URIRef) -> str:
        return self.term_labels(term, self.properties)

    def value(self, term: Node) -> dict[str, Any]:
        """A resource that is not a node, as an attribute value: its name and labels."""
        if term in self.ids:
            return {"node": self.ids[term]}
        labels = _labels(self.graph, term, self.spec.value_labels)
        name = curie(term)
        out: dict[str, Any] = {"term": name, "label": {code: labels.get(code, name) for code in LANGUAGES}}
        date = self.graph.value(term, self.spec.value_date)
        if isinstance(date, Literal):
            out["date"] = str(date)
        kind_property, scope_property = self.spec.cue_parts
        kinds = sorted(self.graph.objects(term, kind_property), key=curie)  # one, the same on every run
        kind = kinds[0] if kinds else None
        if kind is not None:
            kind_labels = _labels(self.graph, kind, self.spec.value_labels)
            scope = _labels(self.graph, term, (scope_property,))
            out["kind"] = {"term": curie(kind), "label": {c: kind_labels.get(c, curie(kind)) for c in LANGUAGES}}
            out["scope"] = {code: scope[code] for code in LANGUAGES if code in scope}
        return out


def _node_types(graph: Graph, spec: ProjectionSpec, lineages: dict[URIRef, set[URIRef]]) -> dict[Node, URIRef]:
    """Every resource that becomes a node -> its most specific class."""
    types: dict[Node, set[URIRef]] = defaultdict(set)
    for subject, cls in graph.subject_objects(RDF.type):
        if isinstance(cls, URIRef) and isinstance(subject, URIRef | BNode):
            types[subject].add(cls)
    group_classes = {cls for group in spec.groups for cls in group.classes}
    chosen: dict[Node, URIRef] = {}
    for subject, classes in types.items():
        if any(lineages.get(c, {c}) & set(spec.not_nodes) for c in classes):
            continue
        candidates = [c for c in classes if lineages.get(c, {c}) & group_classes]
        if candidates:
            chosen[subject] = max(candidates, key=lambda c: (len(lineages.get(c, {c})), curie(c)))
    return chosen


def _group_of(cls: URIRef, spec: ProjectionSpec, lineages: dict[URIRef, set[URIRef]]) -> Group:
    lineage = lineages.get(cls, {cls})
    return next(group for group in spec.groups if lineage & set(group.classes))


def _claim(ctx: _Context, claim: Node) -> dict[str, Any]:
    """A kg:Claim as {subject, property, object | value}, each with what the panel needs to show it."""
    g = ctx.graph
    subject_role, property_role, object_role, value_role = ctx.spec.claim_roles
    out: dict[str, Any] = {"id": curie(claim)}
    subject = g.value(claim, subject_role)
    if subject is not None:
        out["subject"] = ctx.value(subject)
    prop = g.value(claim, property_role)
    if isinstance(prop, URIRef):
        out["property"] = ctx.prop(prop)
    obj = g.value(claim, object_role)
    if obj is not None:
        out["object"] = ctx.value(obj)
    value = g.value(claim, value_role)
    if isinstance(value, Literal):
        out["value"] = {"text": str(value), "lang": value.language or ""}
    return out


def _mentions(graph: Graph) -> dict[Node, list[tuple[int, int]]]:
    """Resource -> the (begin, end) code-point spans of the mentions that point to it."""
    found: dict[Node, set[tuple[int, int]]] = defaultdict(set)
    for mention in graph.subjects(RDF.type, KG.Mention):
        begin, end = graph.value(mention, NIF.beginIndex), graph.value(mention, NIF.endIndex)
        if not (isinstance(begin, Literal) and isinstance(end, Literal)):
            continue
        for target in graph.objects(mention, ITSRDF.taIdentRef):
            found[target].add((int(begin.toPython()), int(end.toPython())))
    return {target: sorted(spans) for target, spans in found.items()}


def article_text_of(graph: Graph) -> str | None:
    """The article text the mentions point into: ``nif:isString`` of the article in ``graph``, if any."""
    for context in sorted(graph.subjects(RDF.type, KG.NewsArticle), key=str):
        text = graph.value(context, NIF.isString)
        if isinstance(text, Literal):
            return str(text)
    return None


def to_networkx(graph: Graph, spec: ProjectionSpec = SPEC) -> nx.MultiDiGraph:
    """The projection of ``graph`` (ontology terms loaded or not) as a MultiDiGraph.

    Node ids are CURIEs (``kgi:iran``); node attributes: ``iri``, ``cls`` (most specific
    class), ``group``, ``label_en``, ``label_fa``, ``alt_labels``, ``wikidata``, ``literals``,
    ``values``, ``mentions`` and, for a slip, ``slip``. Edges are keyed by property CURIE and
    carry ``prop`` (and ``position`` for shortcut edges). ``graph.graph`` holds the labels of
    the classes, properties and groups used, and the article text if the data has it.
    """
    terms = _terms_graph(graph)
    lineages = _lineages(terms)
    ctx = _Context(graph, terms, spec)
    node_types = _node_types(graph, spec, lineages)
    ordered = sorted(node_types, key=curie)
    ctx.ids = {term: curie(term) for term in ordered}
    mentions = _mentions(graph)

    out = nx.MultiDiGraph()
    used_groups: set[str] = set()
    for term in ordered:
        group = _group_of(node_types[term], spec, lineages)
        used_groups.add(group.key)
        _add_node(out, ctx, term, node_types[term], group, mentions.get(term, []))
    for term in ordered:
        is_slip = bool(lineages.get(node_types[term], {node_types[term]}) & {spec.slip_class})
        _add_triples(out, ctx, term, is_slip=is_slip)
    _link_slips(out, spec)

    out.graph["classes"] = dict(sorted(ctx.classes.items()))
    out.graph["properties"] = dict(sorted(ctx.properties.items()))
    out.graph["groups"] = [
        {
            "key": g.key,
            "color": g.color,
            "shape": g.shape,
            "label": _group_label(ctx, g),
        }
        for g in spec.groups
        if g.key in used_groups
    ]
    out.graph["text"] = article_text_of(graph)
    return out


def _add_node(
    out: nx.MultiDiGraph, ctx: _Context, term: Node, cls: URIRef, group: Group, mentions: list[tuple[int, int]]
) -> None:
    """The node of ``term`` with its class, group, labels, alternative names, Wikidata id and mentions."""
    graph, spec = ctx.graph, ctx.spec
    labels = _labels(graph, term, (spec.label,))
    name = ctx.ids[term]
    alt = sorted(
        {(str(v), v.language or "") for p in spec.alt_labels for v in graph.objects(term, p) if isinstance(v, Literal)}
    )
    wikidata = sorted(str(o)[len(str(WD)) :] for o in graph.objects(term, OWL.sameAs) if str(o).startswith(str(WD)))
    out.add_node(
        name,
        iri=str(term) if isinstance(term, URIRef) else name,
        cls=ctx.term_labels(cls, ctx.classes),
        group=group.key,
        label_en=labels.get("en") or labels.get("fa") or name,
        label_fa=labels.get("fa") or labels.get("en") or name,
        alt_labels=alt,
        wikidata=wikidata[0] if wikidata else None,
        literals=[],
        values=[],
        mentions=mentions,
    )


def _add_triples(out: nx.MultiDiGraph, ctx: _Context, term: Node, *, is_slip: bool) -> None:
    """The triples with subject ``term``: edges to nodes, shortcut edges, literal and value attributes, claims."""
    graph, spec = ctx.graph, ctx.spec
    shortcuts = {s.via: s for s in spec.shortcuts}
    skip = spec.skip_properties | {spec.label, *spec.alt_labels, *spec.claim_properties}
    name = ctx.ids[term]
    attrs = out.nodes[name]
    via: list[tuple[Node, Shortcut]] = []
    for prop, obj in sorted(graph.predicate_objects(term), key=lambda po: (curie(po[0]), str(po[1]))):
        if not isinstance(prop, URIRef) or prop in skip:
            continue
        if isinstance(obj, Literal):
            kind = obj.language or (curie(obj.datatype) if obj.datatype else "")
            attrs["literals"].append({"prop": ctx.prop(prop), "text": str(obj), "lang": kind})
        elif obj in ctx.ids:
            out.add_edge(name, ctx.ids[obj], key=ctx.prop(prop), prop=ctx.prop(prop))
        elif prop in shortcuts:
            via.append((obj, shortcuts[prop]))
        else:
            attrs["values"].append({"prop": ctx.prop(prop), **ctx.value(obj)})
    shortcut_edges = [e for middle, cut in via for e in _shortcut_edges(ctx, middle, cut)]
    for key, target, extra in sorted(shortcut_edges, key=lambda e: (e[0], e[1])):
        out.add_edge(name, target, key=key, **extra)
    claims = {curie(p): _claim(ctx, c) for p in spec.claim_properties for c in graph.objects(term, p)}
    if is_slip or claims:
        claimed, corrected = spec.claim_properties
        attrs["slip"] = {"claimed": claims.get(curie(claimed)), "corrected": claims.get(curie(corrected))}
        for p in (*spec.claim_properties, *spec.claim_roles):
            ctx.prop(p)


def _link_slips(out: nx.MultiDiGraph, spec: ProjectionSpec) -> None:
    """Every node's ``slips``: those that point at it (``spec.slip_in``) and those it points at (``spec.slip_out``)."""
    slip_in, slip_out = curie(spec.slip_in), curie(spec.slip_out)
    for name in out:
        out.nodes[name]["slips"] = sorted(
            {u for u, _, p in out.in_edges(name, data="prop") if p == slip_in}
            | {v for _, v, p in out.out_edges(name, data="prop") if p == slip_out}
        )


def _group_label(ctx: _Context, group: Group) -> dict[str, str]:
    """A group is named after its first class."""
    labels = _labels(ctx.terms, group.classes[0], (RDFS.label,))
    return {code: labels.get(code, group.key) for code in LANGUAGES}


def _shortcut_edges(ctx: _Context, middle: Node, shortcut: Shortcut) -> list[tuple[str, str, dict[str, Any]]]:
    """``-via-> middle -target-> place`` as (edge key, place, edge attributes), keeping the position."""
    g = ctx.graph
    position = g.value(middle, shortcut.order) if shortcut.order else None
    number = int(position.toPython()) if isinstance(position, Literal) else None
    prop = ctx.prop(shortcut.via)
    labels = ctx.properties[prop]
    edges = []
    for target in sorted(g.objects(middle, shortcut.target), key=str):
        if target not in ctx.ids:
            continue
        extra: dict[str, Any] = {"prop": prop}
        if number is not None:
            extra |= {
                "position": number,
                "label_en": f"{labels['en']} {number}",
                "label_fa": f"{labels['fa']} {digits(str(number), 'fa')}",
            }
        key = f"{prop}/{number:04d}" if number is not None else f"{prop}/{ctx.ids[target]}"
        edges.append((key, ctx.ids[target], extra))
    return edges


def load_projection(data: Sequence[str | Path] | None = None, spec: ProjectionSpec = SPEC) -> nx.MultiDiGraph:
    """Load the shipped data (or ``data``) with the ontology, and project it."""
    from kg.load import load_graph

    return to_networkx(load_graph(data), spec)


def as_projection(
    graph: nx.MultiDiGraph | Graph | None = None, data: Sequence[str | Path] | None = None
) -> nx.MultiDiGraph:
    """``graph`` if it is already a projection, its projection if it is RDF, else the loaded ``data``'s."""
    if isinstance(graph, nx.MultiDiGraph):
        return graph
    if isinstance(graph, Graph):
        return to_networkx(graph)
    return load_projection(data)


def undirected(graph: nx.MultiDiGraph) -> nx.Graph:
    """The simple undirected graph of a projection, built in sorted order so that walks are reproducible.

    (networkx's undirected *view* of a directed graph iterates neighbours through a set, whose
    order changes with the string hash seed.)
    """
    simple = nx.Graph()
    simple.add_nodes_from(sorted(graph))
    simple.add_edges_from(sorted({tuple(sorted((u, v))) for u, v in graph.edges() if u != v}))
    return simple


def node_label(graph: nx.MultiDiGraph, node: str, lang: str = "en") -> str:
    """The label of a node in ``lang`` (``en`` or ``fa``)."""
    return str(graph.nodes[node][f"label_{lang}"])


def edge_label(graph: nx.MultiDiGraph, prop: str, lang: str = "en") -> str:
    """The label of a property in ``lang``, as the projection recorded it."""
    return graph.graph["properties"].get(prop, {}).get(lang, prop)
