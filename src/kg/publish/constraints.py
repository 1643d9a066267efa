"""The SHACL shapes as a reader reads them: what valid data of a class has, and of a property.

A class page says what the class means, lists its instances and, in a
"Constraints" part, what the shapes ask of them, one row a property: the
property, the values it takes (classes, datatypes, languages, the allowed
values of an ``sh:in`` list), how many, and the shape's own words
(``sh:message`` in the page's language). A property page says the same of
the property, with the classes whose shapes constrain it. This is how SHACL
documentation generators show shapes (SHACL Play's documentation of an
application profile: a table a shape, one row a property, with "Property name",
"Expected value", "Card." and "Description" columns), rather than as the inbound
triples of blank nodes (``sh:path``, ``rdf:first``) that generic Linked Data
browsers (LodView, Trifid) list for any node.

The shapes stay whole in the RDF: the shapes document and each shape's page
(``/shapes``, ``/shapes/CountryShape``) show and serve every triple. Other
pages leave out the triples by which the shapes name them (:func:`shape_nodes`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup, escape
from pyoxigraph import BlankNode, Literal, NamedNode

from kg import limits
from kg.i18n import UnknownMessage
from kg.i18n import text as message
from kg.namespaces import RDF, RDFS, SH, SHAPES_IRI

_SH = {name: NamedNode(str(SH[name])) for name in (
    "targetClass", "property", "path", "inversePath", "class", "datatype", "in", "hasValue", "languageIn",
    "minCount", "maxCount", "qualifiedValueShape", "qualifiedMinCount", "qualifiedMaxCount", "or", "xone",
    "message", "sparql", "node",
)}  # fmt: skip
_FIRST, _REST, _NIL = NamedNode(str(RDF.first)), NamedNode(str(RDF.rest)), NamedNode(str(RDF.nil))
_LANG_STRING = str(RDF.langString)
_SUBCLASS = NamedNode(str(RDFS.subClassOf))


@dataclass(eq=False)  # each rule is itself (hashed by identity): the rows made of it are kept by it
class Rule:
    """What one property shape asks: the property (``inverse`` if the path is ``sh:inversePath``), the values
    it takes, how many (``least``/``most``, None for no bound), its messages, the node shape it belongs to
    and the classes that shape targets. A rule with no property is the node shape's own (a SPARQL check)."""

    shape: str
    path: str | None = None
    inverse: bool = False
    classes: list[str] = field(default_factory=list)
    datatypes: list[str] = field(default_factory=list)
    allowed: list[Any] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    least: int | None = None
    most: int | None = None
    messages: list[Literal] = field(default_factory=list)
    targets: list[str] = field(default_factory=list)
    #: The property shape, when it has an IRI (``kgsh:label-en``, shared by many node shapes).
    holder: str | None = None


def shape_nodes(store: Any) -> frozenset[Any]:
    """Every subject of the shapes document: its shapes, their property shapes, lists and SPARQL checks."""
    return frozenset(q.subject for q in store.quads_for_pattern(None, None, None, NamedNode(SHAPES_IRI)))


def constrained_paths(store: Any) -> frozenset[str]:
    """The IRIs a shape's path names (``sh:path``, ``sh:inversePath``): the properties that have rules."""
    found = set()
    for predicate in (_SH["path"], _SH["inversePath"]):
        quads = store.quads_for_pattern(None, predicate, None)
        found |= {q.object.value for q in quads if isinstance(q.object, NamedNode)}
    return frozenset(found)


def class_rules(store: Any, cls: str, kept: dict[Any, list[Rule]] | None = None) -> list[Rule]:
    """The rules of the node shapes that target ``cls`` or a class above it (``sh:targetClass`` holds for the
    instances of subclasses too), shape by shape, in order: the class's own shapes first. ``kept`` keeps each
    shape's rules for the next class (a site's classes share their shapes: the provenance shape targets 15)."""
    classes, todo = [cls], [cls]
    while todo and len(classes) < limits.PAGE_LIST:
        for above in sorted(_objects(store, NamedNode(todo.pop(0)), _SUBCLASS), key=str):
            if isinstance(above, NamedNode) and above.value not in classes:
                classes.append(above.value)
                todo.append(above.value)
    shapes = unique(s for c in classes for s in sorted(_subjects(store, _SH["targetClass"], NamedNode(c)), key=str))
    if kept is None:
        kept = {}
    for shape in shapes:
        if shape not in kept:
            kept[shape] = _shape_rules(store, shape)
    rules = [rule for shape in shapes for rule in kept[shape]]
    return list({rule.holder or id(rule): rule for rule in rules}.values())  # a shared property shape once


def shape_rules(store: Any, shape: str) -> list[Rule]:
    """The rules of the shape ``shape`` itself (its own page shows them above its triples): a node shape's, or a
    named property shape's one rule (``kgsh:label-en``) with the classes of the node shapes that use it."""
    node = NamedNode(shape)
    if _one(store, node, _SH["path"]) is not None:
        users = sorted(_subjects(store, _SH["property"], node), key=str)
        rule = _rule(store, users[0] if users else node, node)
        rule.targets, rule.shape = sorted({t for user in users for t in _targets(store, user)}), shape
        return [rule]
    if next(iter(store.quads_for_pattern(node, _SH["property"], None)), None) is None and not _literals(
        store, node, _SH["message"]
    ):
        return []
    return _shape_rules(store, node)


def property_rules(store: Any, prop: str) -> list[Rule]:
    """The rules whose path is ``prop`` (or its inverse), one a property shape, with the classes targeted by
    the node shapes that use it (a shared property shape, ``kgsh:label-en``, is one rule for all of them)."""
    holders = set(_subjects(store, _SH["path"], NamedNode(prop)))
    for inverse in _subjects(store, _SH["inversePath"], NamedNode(prop)):
        holders |= _subjects(store, _SH["path"], inverse)
    found = []
    for holder in sorted(holders, key=str):
        shapes = sorted(_subjects(store, _SH["property"], holder), key=str)
        if not shapes:
            continue
        named = [shape for shape in shapes if isinstance(shape, NamedNode)] or shapes
        rule = _rule(store, named[0], holder)
        rule.targets = sorted({t for shape in shapes for t in _targets(store, shape)})
        if isinstance(holder, NamedNode):
            rule.shape = holder.value
        found.append(rule)
    return sorted(found, key=_order)


def _shape_rules(store: Any, shape: Any) -> list[Rule]:
    """The rules of one node shape: its property shapes', then its own (its message, each SPARQL check's), each
    in an order of what it says (a blank node's label changes from one reading to the next: never an order)."""
    rules = sorted((_rule(store, shape, holder) for holder in _objects(store, shape, _SH["property"])), key=_order)
    checks = [shape, *_objects(store, shape, _SH["sparql"])]
    own = [
        Rule(shape.value, messages=_literals(store, c, _SH["message"]), targets=_targets(store, shape)) for c in checks
    ]
    return rules + sorted((r for r in own if r.messages), key=_order)


def _order(rule: Rule) -> tuple[Any, ...]:
    """How rules sort: by their property, then by what they ask and say, never by a blank node's label."""
    return (
        rule.path is None, rule.path or "", rule.inverse, rule.holder or "", rule.classes, rule.datatypes,
        rule.languages, [str(a) for a in rule.allowed], -1 if rule.least is None else rule.least,
        -1 if rule.most is None else rule.most, sorted((m.language or "", m.value) for m in rule.messages),
        rule.targets, rule.shape if rule.shape.startswith("http") else "",
    )  # fmt: skip


def _rule(store: Any, shape: Any, holder: Any) -> Rule:
    """The rule of the property shape ``holder`` of the node shape ``shape``."""
    rule = Rule(shape.value if isinstance(shape, NamedNode) else str(shape), targets=_targets(store, shape))
    rule.holder = holder.value if isinstance(holder, NamedNode) else None
    path = _one(store, holder, _SH["path"])
    if isinstance(path, BlankNode):
        path, rule.inverse = _one(store, path, _SH["inversePath"]), True
    rule.path = path.value if isinstance(path, NamedNode) else None
    qualified = _one(store, holder, _SH["qualifiedValueShape"])
    counted = ("qualifiedMinCount", "qualifiedMaxCount") if qualified is not None else ("minCount", "maxCount")
    rule.least, rule.most = (_integer(_one(store, holder, _SH[name])) for name in counted)
    for node in (holder, *([qualified] if qualified is not None else [])):
        _values(store, node, rule)
        for choice in ("or", "xone"):
            for member in _list(store, _one(store, node, _SH[choice])):
                _values(store, member, rule)
    rule.messages = _literals(store, holder, _SH["message"])
    return rule


def _values(store: Any, node: Any, rule: Rule) -> None:
    """Add what ``node`` (a property shape, or a member of its ``sh:or``) says the values are."""
    rule.classes += [o.value for o in _objects(store, node, _SH["class"]) if isinstance(o, NamedNode)]
    rule.datatypes += [o.value for o in _objects(store, node, _SH["datatype"]) if isinstance(o, NamedNode)]
    rule.allowed += _objects(store, node, _SH["hasValue"])
    for listed in _objects(store, node, _SH["in"]):
        rule.allowed += _list(store, listed)
    for listed in _objects(store, node, _SH["languageIn"]):
        rule.languages += [item.value for item in _list(store, listed) if isinstance(item, Literal)]


def _targets(store: Any, shape: Any) -> list[str]:
    return sorted(o.value for o in _objects(store, shape, _SH["targetClass"]) if isinstance(o, NamedNode))


def _subjects(store: Any, predicate: NamedNode, obj: Any) -> set[Any]:
    return {q.subject for q in store.quads_for_pattern(None, predicate, obj)}


def _objects(store: Any, subject: Any, predicate: NamedNode) -> list[Any]:
    return sorted({q.object for q in store.quads_for_pattern(subject, predicate, None)}, key=str)


def _one(store: Any, subject: Any, predicate: NamedNode) -> Any:
    return next((q.object for q in store.quads_for_pattern(subject, predicate, None)), None)


def _literals(store: Any, subject: Any, predicate: NamedNode) -> list[Literal]:
    return [o for o in _objects(store, subject, predicate) if isinstance(o, Literal)]


def _integer(term: Any) -> int | None:
    try:
        return int(term.value) if isinstance(term, Literal) else None
    except ValueError:
        return None


def _list(store: Any, head: Any) -> list[Any]:
    """The members of the RDF list ``head`` (none if it is no list), up to the pages' list length."""
    items: list[Any] = []
    seen: set[Any] = set()
    while head is not None and head != _NIL and head not in seen and len(items) < limits.PAGE_LIST:
        seen.add(head)
        first = _one(store, head, _FIRST)
        if first is None:
            break
        items.append(first)
        head = _one(store, head, _REST)
    return items


def counted(least: int | None, most: int | None) -> tuple[str, dict[str, int]] | None:
    """The message key (``publication.count_*``) and its values that say how many a rule allows.

    >>> counted(1, 1), counted(2, None), counted(None, 1)
    (('count_exactly', {'n': 1}), ('count_at_least', {'n': 2}), ('count_at_most', {'n': 1}))
    >>> counted(0, 3)  # no lower bound
    ('count_at_most', {'n': 3})
    >>> counted(1, 3), counted(None, None), counted(0, None)
    (('count_between', {'least': 1, 'most': 3}), None, None)
    """
    if least is not None and least == most:
        return "count_exactly", {"n": least}
    if least and most is None:
        return "count_at_least", {"n": least}
    if not least and most is not None:
        return "count_at_most", {"n": most}
    if least is not None and most is not None:
        return "count_between", {"least": least, "most": most}
    return None


def rule_rows(
    nodes: Any, rules: Iterable[Rule], lang: str, kept: dict[tuple[Rule, str], dict[str, Markup]] | None = None
) -> list[dict[str, Markup]]:
    """Each rule as a row of the page's constraints table, in ``lang``: ``property``, ``values``, ``count``,
    ``rule`` (the shape's message in ``lang``, else in another language, tagged), ``on`` (the classes its
    shape targets, else the shape), each HTML; ``nodes`` (:class:`kg.publish.nodes.Nodes`) shows the terms.
    ``kept`` keeps each rule's row in each language (a shared shape's rules are on many pages)."""
    if kept is None:
        kept = {}
    return [kept[rule, lang] if (rule, lang) in kept else kept.setdefault((rule, lang), _row(nodes, rule, lang))
            for rule in rules]  # fmt: skip


def _row(nodes: Any, rule: Rule, lang: str) -> dict[str, Markup]:
    """One rule's row (:func:`rule_rows`)."""

    def shown(iri: str) -> str:
        return str(nodes.node(NamedNode(iri), lang)["html"])

    if rule.path is None:
        prop = escape(message("publication", "constraint_whole", lang))
    elif rule.inverse:
        prop = escape(message("publication", "constraint_inverse", lang, name="\x00")).replace(
            "\x00", Markup(shown(rule.path))
        )
    else:
        prop = Markup(shown(rule.path))
    either = escape(message("publication", "constraint_or", lang))
    sep = message("publication", "list_sep", lang)
    datatypes = [d for d in unique(rule.datatypes) if not (rule.languages and d == _LANG_STRING)]
    kinds = [shown(c) for c in unique(rule.classes)] + [shown(d) for d in datatypes]
    values = [either.join(Markup(k) for k in kinds)] if kinds else []
    if rule.allowed:
        listed = sep.join(str(nodes.node(v, lang)["html"]) for v in unique(rule.allowed))
        values.append(
            escape(message("publication", "constraint_one_of", lang, values="\x00")).replace("\x00", Markup(listed))
        )
    if rule.languages:
        names = str(either).join(_language(code, lang) for code in unique(rule.languages))
        values.append(str(escape(message("publication", "constraint_text_in", lang, languages=names))))
    count = counted(rule.least, rule.most)
    words = next((m for m in rule.messages if m.language == lang), None) or next(iter(rule.messages), None)
    said = nodes.node(words, lang)["html"] if words is not None else Markup("")  # IRIs in it as code
    named = rule.shape.startswith("http")  # a node shape with an IRI (a shape's own page), not a blank node
    on = [shown(t) for t in rule.targets] or ([shown(rule.shape)] if named else [])
    return {
        "property": Markup(prop),
        "values": Markup(escape(sep).join(Markup(v) for v in values)),
        "count": Markup(escape(message("publication", count[0], lang, **count[1]))) if count else Markup(""),
        "rule": said,
        "on": Markup(escape(message("publication", "list_sep", lang)).join(Markup(o) for o in on)),
    }


def _language(code: str, lang: str) -> str:
    """A language's name in ``lang`` (the description's catalogue names English and Persian), else its tag."""
    try:
        return message("dataset", f"language_{code}", lang)
    except UnknownMessage:
        return code


def unique(items: Iterable[Any]) -> list[Any]:
    """``items`` in order, each once."""
    return list(dict.fromkeys(items))
