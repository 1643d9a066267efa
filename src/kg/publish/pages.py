"""The pages for people: one page per resource (entity, class, property, concept), the search page, the 404.

A :class:`Renderer` turns the :class:`~kg.publish.description.Publication` into
HTML with the Jinja templates of ``templates/site/`` (autoescaped, every piece
of graph text in a ``dir=auto`` element or a ``<bdi>``); each value on a page is
shown by :class:`kg.publish.nodes.Nodes`, which it extends. The same renderer
serves ``kg serve`` (``root="/"``) and writes ``kg publish`` (``root`` the
relative way back to the top of the static site, ``static=True``), so the two
outputs are the same pages.

Every IRI on a page that the site has a page for links to that page, never to
its IRI off the machine (:meth:`~kg.publish.nodes.Nodes.href`); the links that
leave (an entity's Wikidata item, another site's IRI with no page here: a QUDT
unit, a licence) say so (``class="external"``, an arrow, words for screen readers).
"""

from __future__ import annotations

import heapq
import urllib.parse
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache, partial
from importlib.resources import files
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from pyoxigraph import Literal, NamedNode, Quad

from kg import limits
from kg.factuality import CUE_KIND, CUE_SCOPE, CUE_WORDS, ROLES
from kg.i18n import Messages, format_count, other_language
from kg.namespaces import BASE, KG, OWL, PREFIXES, RDF, RDFS, SKOS, WD
from kg.publish.conneg import MEDIA_TYPES
from kg.publish.constraints import (
    class_rules,
    constrained_paths,
    property_rules,
    rule_rows,
    shape_nodes,
    shape_rules,
    unique,
)
from kg.publish.nodes import HTML_LISTS, Nodes, natural, prefixed, reader_order
from kg.publish.paths import RDF_SUFFIXES
from kg.terms import explorer_fragment, natural_key
from kg.text import sentence_bounds

#: Classes whose instances are the curation: the article's slips and the curators' doubts and notes.
CURATION = {str(KG.Slip), str(KG.Claim), str(KG.Identification), str(KG.Enumeration), str(KG.StateControl)}
_HIDDEN = {str(RDFS.label), str(SKOS.prefLabel), str(SKOS.altLabel), str(RDF.type)}
_NOTES = (str(RDFS.comment), str(SKOS.definition), str(SKOS.editorialNote), str(SKOS.scopeNote))
_CLASS_TYPES = {str(OWL.Class), str(RDFS.Class)}
_PROPERTY_TYPES = {str(RDF.Property), str(OWL.ObjectProperty), str(OWL.DatatypeProperty), str(OWL.AnnotationProperty)}
#: Terms the pages compare with, as strings once.
_UNIT = str(KG.unit)
_TYPE = str(RDF.type)
_MENTION = str(KG.Mention)
_SAME_AS = str(OWL.sameAs)
_WD = str(WD)
_WRITTEN_FORM = str(KG.writtenForm)
_INTENDED_FORM = str(KG.intendedForm)
_ENUMERATION_MARKER = str(KG.enumerationMarker)


@dataclass
class Renderer(Nodes):
    """Renders the pages of a publication (:class:`~kg.publish.nodes.Nodes` shows each value on them)."""

    #: The uses of the last property whose page was made (IRI, how many, the first ones in order): its page
    #: in the other language shows the same (a property of a big graph has tens of thousands of uses).
    _uses_kept: tuple[str, int, list[Quad]] | None = field(default=None, repr=False)
    #: What the pages of the last resource made share (:meth:`_kept`): the resource, and what was kept.
    _same: tuple[str, dict[str, Any]] | None = field(default=None, repr=False)
    #: The nodes of the shapes document and the properties their paths name (:mod:`kg.publish.constraints`),
    #: read once.
    _shapes: tuple[frozenset[Any], frozenset[str]] | None = field(default=None, repr=False)
    #: Each shape's rules and each rule's row in each language, made once: classes share their shapes.
    _shape_rules: dict[Any, Any] = field(default_factory=dict, repr=False)
    _rule_rows: dict[Any, Any] = field(default_factory=dict, repr=False)
    #: The frames of :meth:`framed`, by template and language.
    _frames: dict[tuple[str, str], list[str]] = field(default_factory=dict, repr=False)

    def explorer_link(self, iri: str, lang: str | None = None) -> str:
        page = "explorer.html" if self.static else "explorer"
        return f"{self.root}{page}#{explorer_fragment(iri, lang)}"

    def query_link(self, iri: str) -> str | None:
        """The editor with a query about ``iri`` (its facts both ways, labelled); None on the static site."""
        if self.static:
            return None
        text = (
            "".join(f"PREFIX {p}: <{PREFIXES[p]}>\n" for p in ("rdfs",))
            + f"\nSELECT ?property ?value ?valueLabel WHERE {{\n  <{iri}> ?property ?value .\n"
            + "  OPTIONAL { ?value rdfs:label ?valueLabel }\n}\nORDER BY ?property\n"
        )
        return f"{self.root}editor?" + urllib.parse.urlencode({"query": text})

    # ----------------------------------------------------------------- pages

    def render(self, template: str, lang: str, **context: Any) -> str:
        """A template of ``templates/site/`` in ``lang``, with the site's and the publication's strings."""
        return environment().get_template(template).render(self._names(lang, context))

    def _names(self, lang: str, context: dict[str, Any]) -> dict[str, Any]:
        """What a page's template is given: ``context``, the site's and the publication's strings, the renderer's."""
        return dict(
            ui=_messages("site", lang), pui=_messages("publication", lang), lang=lang, root=self.root,
            other_pui=_messages("publication", other_language(lang)),
            count=lambda n: format_count(n, lang),
            static=self.static, media_types=MEDIA_TYPES, **context,
        )  # fmt: skip

    def framed(self, template: str, lang: str, **context: Any) -> str:
        """:meth:`render` of a template made only of blocks of ``base.html`` (``resource.html``): its blocks rendered
        with ``context`` into its frame, rendered once per language with a mark for each block. The frame (the
        site's header, its search box, the rest of ``base.html``) is the same on every such page of a language
        at this renderer's depth; rendered on each it took a fifth of the page's time."""
        env = environment()
        page = env.get_template(template)
        frame = self._frames.get((template, lang))
        if frame is None:
            frame = self._frames[template, lang] = self._frame(page, lang)
        if not frame:  # a mark in the frame's own text: rendered whole
            return self.render(template, lang, **context)
        # The template's globals with the page's names, as Jinja would merge them (from its chain of mappings,
        # in Python: a tenth of the blocks' time), merged from a dict of them made once.
        names = page.new_context({**_globals(page), **self._names(lang, context)}, shared=True)
        return "".join(part if i % 2 == 0 else env.concat(page.blocks[part](names)) for i, part in enumerate(frame))

    def _frame(self, page: Any, lang: str) -> list[str]:
        """``page`` in ``lang`` with each block of ``base.html`` and of ``page`` a mark, split at the marks: the
        frame's text and the blocks' names in turn (empty if the text holds a mark of its own)."""
        env = environment()
        blocks = list(dict.fromkeys([*env.get_template("base.html").blocks, *page.blocks]))
        marked = "".join(f"{{% block {name} %}}{_MARK}{name}{_MARK}{{% endblock %}}" for name in blocks)
        parts = env.from_string(f'{{% extends "{page.name}" %}}{marked}').render(self._names(lang, {})).split(_MARK)
        return parts if parts[1::2] == blocks and set(blocks) <= set(page.blocks) else []

    def resource_page(self, iri: str, lang: str) -> str:
        """The page of ``iri`` (an IRI of :attr:`Publication.resources`) in ``lang``."""
        return self.framed("resource.html", lang, r=self.resource_context(iri, lang))

    def resource_context(self, iri: str, lang: str) -> dict[str, Any]:
        """Everything the page of ``iri`` shows."""
        pub = self.publication
        other = other_language(lang)
        shape = self._kept(iri, "shape", lambda: self._shape(iri))
        types, outgoing, unit, incoming = shape["types"], shape["outgoing"], shape["unit"], shape["incoming"]
        notes = self._notes(outgoing, lang)
        facts = self._group(shape["facts"], lang)
        named_by = self._group(shape["named_by"], lang)
        curation_nodes, wikidata = shape["curation"], shape["wikidata"]
        statements = self.statements_context(incoming, lang)
        if statements:  # shown with how sure each is, not again among the facts that name it
            named_by = [g for g in named_by if g["iri"] not in (_MAIN, _TOUCHES)]
        return {
            "iri": iri,
            "name": self.name(iri, lang),
            "other_name": pub.label(iri, other) if pub.label(iri, other) != pub.label(iri, lang) else None,
            "other_lang": other,
            "curie": prefixed(iri),
            "types": [self.node(NamedNode(t), lang) for t in types],
            "alt_labels": [{"text": a.value, "lang": a.language} for a in pub.alt_labels(iri)],
            "notes": notes,
            "facts": [
                {
                    **group,
                    "values": [
                        self.node(v, lang, unit=unit if group["iri"] == _VALUE else None)
                        for v in reader_order(group["values"], lang)
                    ],
                }
                for group in facts
            ],
            "named_by": [{**g, "values": [self.subject_node(v, lang) for v in g["values"]]} for g in named_by],
            "mentions": self._kept(iri, "mentions", lambda: self.mention_context(iri)),
            "factuality": self.factuality_context(outgoing, lang),
            "statements": statements,
            "curation": [self._curation(node, lang) for node in curation_nodes],
            "instances": self._instances(iri, types, lang),
            "uses": self._uses(iri, types, lang),
            "constraints": self._constraints(iri, types, lang),
            "wikidata": [
                {"id": w.rsplit("/", 1)[-1], "href": "https://www.wikidata.org/wiki/" + w.rsplit("/", 1)[-1]}
                for w in wikidata
            ],
            "explorer": self.explorer_link(iri, lang) if iri.startswith(BASE) and "#" not in iri else None,
            "query": self.query_link(iri),
            "downloads": [(ext, self.href(iri, lang, ext)) for ext in RDF_SUFFIXES],
            "this_page": self.href(iri, lang),
            "other_page": self.href(iri, other),
        }

    def _kept(self, iri: str, name: str, make: Callable[[], Any]) -> Any:
        """``make()``, kept while pages of ``iri`` are made: what a page shows that does not depend on its
        language is worked out once for both (the site writes them one after the other)."""
        same = self._same
        if same is None or same[0] != iri:
            same = self._same = (iri, {})  # one tuple, so that another thread's page never mixes with this one
        if name not in same[1]:
            same[1][name] = make()
        return same[1][name]

    def _shape_parts(self) -> tuple[frozenset[Any], frozenset[str]]:
        if self._shapes is None:
            self._shapes = (shape_nodes(self.publication.store), constrained_paths(self.publication.store))
        return self._shapes

    def shape_nodes(self) -> frozenset[Any]:
        return self._shape_parts()[0]

    def _constraints(self, iri: str, types: list[str], lang: str) -> dict[str, Any] | None:
        """What the shapes ask of a class's instances or of a property's values (:mod:`kg.publish.constraints`)."""
        store = self.publication.store
        if _CLASS_TYPES & set(types):
            kind, find = "class", partial(class_rules, kept=self._shape_rules)
        elif NamedNode(iri) in self.shape_nodes():  # a node shape's own page: what it asks, above its triples
            kind, find = "class", shape_rules
        elif iri in self._shape_parts()[1]:  # a property: any IRI a shape's path names
            kind, find = "property", property_rules
        else:
            return None
        rules = self._kept(iri, "rules", lambda: find(store, iri))
        if not rules:
            return None
        shapes = unique(r.shape for r in rules if r.shape.startswith("http"))
        return {
            "kind": kind,
            "rows": rule_rows(self, rules, lang, self._rule_rows),
            "shapes": [self.node(NamedNode(s), lang) for s in shapes],
        }

    def _shape(self, iri: str) -> dict[str, Any]:
        """What the page of ``iri`` shows, before it is shown in a language: its triples both ways, grouped
        by property and ordered, the curation about it, its Wikidata items. The triples by which the shapes
        name a resource that is no shape are left to its constraints and to the RDF (:mod:`kg.publish.constraints`)."""
        pub = self.publication
        outgoing = pub.outgoing(iri)
        incoming = [q for q in pub.incoming(iri) if q.predicate.value != _TYPE]
        shapes = self.shape_nodes()
        if NamedNode(iri) not in shapes:
            incoming = [q for q in incoming if q.subject not in shapes]
        curation_nodes = sorted(
            {q.subject.value for q in incoming if isinstance(q.subject, NamedNode)
             and CURATION & set(pub.types(q.subject.value))},
            key=natural_key,
        )  # fmt: skip
        return {
            "types": pub.types(iri),
            "outgoing": outgoing,
            "unit": next((q.object.value for q in outgoing if q.predicate.value == _UNIT), None),
            "incoming": incoming,
            "facts": self._grouped(
                (q.predicate.value, q.object)
                for q in outgoing
                if q.predicate.value not in _HIDDEN and q.predicate.value not in _NOTES
            ),
            "curation": curation_nodes,
            "named_by": self._grouped(
                (q.predicate.value, q.subject)
                for q in incoming
                if not (
                    isinstance(q.subject, NamedNode)
                    and (q.subject.value in curation_nodes or _MENTION in pub.types(q.subject.value))
                )
            ),
            "wikidata": [
                q.object.value for q in outgoing if q.predicate.value == _SAME_AS and q.object.value.startswith(_WD)
            ],
        }

    # ----------------------------------------------------------------- how sure, and about what

    def factuality_context(self, outgoing: Iterable[Quad], lang: str) -> dict[str, Any] | None:
        """How sure a statement is and what it is about (:mod:`kg.factuality`), for the top of its page:
        certainty, polarity and time as badges, the cue words verbatim with their kind and scope, the main
        subject apart from what the statement only touches, whom it cites. None for any other resource."""
        if not any(q.predicate.value in _CERTAINTY_OR_MAIN for q in outgoing):
            return None  # what a statement has (most pages are of no statement: asked first)
        values: dict[str, list[Any]] = defaultdict(list)
        for q in outgoing:
            values[q.predicate.value].append(q.object)
        role = {name: sorted(values.get(prop, []), key=self._order) for name, prop in _ROLES.items()}
        main = {t.value for t in role["main"]}
        return {
            "certainty": [self._badge(t, lang) for t in role["certainty"]],
            "polarity": [self._badge(t, lang) for t in role["polarity"]],
            "time": [self._badge(t, lang) for t in role["time"]],
            "cues": [self._cue(t, lang) for t in role["cues"] if isinstance(t, NamedNode)],
            "main": [self.node(t, lang) for t in role["main"]],
            "touches": [self.node(t, lang) for t in role["touches"] if t.value not in main],
            "cites": [self.node(t, lang) for t in role["cites"]],
        }

    def _badge(self, concept: Any, lang: str) -> dict[str, Any]:
        """A concept (a certainty, a polarity) as a badge: its label, its page, its prefixed name for the style."""
        return {**self.node(concept, lang), "term": prefixed(concept.value)}

    def _cue(self, mention: NamedNode, lang: str) -> dict[str, Any]:
        """A cue: its words as the article prints them, its kind, and the clause it governs in ``lang``."""
        pub = self.publication
        words, kind = pub.value(mention.value, str(CUE_WORDS)), pub.value(mention.value, str(CUE_KIND))
        scopes = [q.object for q in pub.outgoing(mention.value) if q.predicate.value == str(CUE_SCOPE)]
        scope = next((o for o in scopes if o.language == lang), None) or next(iter(scopes), None)
        return {
            "words": words.value if isinstance(words, Literal) else "",
            "kind": self.node(kind, lang) if kind is not None else None,
            "scope": {"text": scope.value, "lang": scope.language} if scope is not None else None,
            "href": self.href(mention.value, lang),
        }

    def statements_context(self, incoming: Iterable[Quad], lang: str) -> dict[str, list[dict[str, Any]]] | None:
        """The statements mainly about a resource and those that only touch it, each with how sure it is."""
        main = {q.subject.value for q in incoming if q.predicate.value == _MAIN and isinstance(q.subject, NamedNode)}
        touching = {q.subject.value for q in incoming if q.predicate.value == _TOUCHES
                    and isinstance(q.subject, NamedNode)} - main  # fmt: skip
        if not main and not touching:
            return None
        pub = self.publication

        def row(statement: str) -> dict[str, Any]:
            certainty = pub.value(statement, _ROLES["certainty"])
            cues = [q.object for q in pub.outgoing(statement) if q.predicate.value == _ROLES["cues"]]
            named = sorted((c for c in cues if isinstance(c, NamedNode)), key=self._order)
            words = [pub.value(c.value, str(CUE_WORDS)) for c in named]
            return {
                "node": self.node(NamedNode(statement), lang),
                "certainty": self._badge(certainty, lang) if certainty is not None else None,
                "cues": [w.value for w in words if isinstance(w, Literal)],
            }

        return {
            "main": [row(s) for s in sorted(main, key=natural_key)],
            "touching": [row(s) for s in sorted(touching, key=natural_key)],
        }

    def _notes(self, quads: Iterable[Quad], lang: str) -> list[dict[str, Any]]:
        found = []
        for prop in _NOTES:
            values = [q.object for q in quads if q.predicate.value == prop and isinstance(q.object, Literal)]
            chosen = [v for v in values if v.language == lang] or [v for v in values if v.language in ("en", "")]
            found += [
                {"property": self.node(NamedNode(prop), lang), "text": v.value, "lang": v.language} for v in chosen
            ]
        return found

    def _grouped(self, pairs: Iterable[tuple[str, Any]]) -> list[tuple[str, list[Any]]]:
        """The values of each property, the properties and each one's values in their order."""
        groups: dict[str, list[Any]] = defaultdict(list)
        for predicate, value in pairs:
            groups[predicate].append(value)
        ordered = sorted(groups.items(), key=lambda item: natural(item[0]))
        return [(p, sorted(values, key=self._order)) for p, values in ordered]

    def _group(self, groups: list[tuple[str, list[Any]]], lang: str) -> list[dict[str, Any]]:
        """:meth:`_grouped` properties, each with its node in ``lang``."""
        return [{"iri": p, "property": self.node(NamedNode(p), lang), "values": values} for p, values in groups]

    def _curation(self, iri: str, lang: str) -> dict[str, Any]:
        outgoing = self.publication.outgoing(iri)
        literals = [
            (q.predicate.value, q.object)
            for q in outgoing
            if isinstance(q.object, Literal)
            and q.predicate.value not in _HIDDEN
            and (not q.object.language or q.object.language == lang or q.predicate.value == _WRITTEN_FORM
                 or q.predicate.value == _INTENDED_FORM or q.predicate.value == _ENUMERATION_MARKER)
        ]  # fmt: skip
        links = [(q.predicate.value, q.object) for q in outgoing if isinstance(q.object, NamedNode)
                 and q.predicate.value != _TYPE]  # fmt: skip
        return {
            "node": self.node(NamedNode(iri), lang),
            "types": [self.node(NamedNode(t), lang) for t in self.publication.types(iri)],
            "rows": [
                {"property": g["property"], "values": [self.node(v, lang) for v in g["values"]]}
                for g in self._group(self._grouped([*literals, *links]), lang)
            ],
        }

    def _instances(self, iri: str, types: list[str], lang: str) -> dict[str, Any] | None:
        members = self._kept(iri, "instances", lambda: self.publication.instances(iri))
        if not _CLASS_TYPES & set(types) and not members:
            return None
        return {
            "count": len(members),
            "shown": [self.node(NamedNode(m), lang) for m in members[: limits.PAGE_LIST]],
        }

    def _use_order(self, quad: Quad) -> tuple[object, ...]:
        return (self._order(quad.subject), self._order(quad.object))

    def _uses(self, iri: str, types: list[str], lang: str) -> dict[str, Any] | None:
        kept = self._uses_kept
        if kept is None or kept[0] != iri:
            uses = self.publication.uses(iri)
            shown = heapq.nsmallest(limits.PAGE_LIST, uses, key=self._use_order)  # sorted(…)[:PAGE_LIST]
            kept = self._uses_kept = (iri, len(uses), shown)
        _, count, shown = kept
        if not count and not _PROPERTY_TYPES & set(types):
            return None
        return {
            "count": count,
            "rows": [(self.subject_node(q.subject, lang), self.node(q.object, lang)) for q in shown],
        }

    def mention_context(self, iri: str) -> list[dict[str, Any]]:
        """The sentences that mention ``iri``, verbatim, each once, as parts: (text, marked, begin, end);
        the mentions in a sentence are marked (overlapping ones merged)."""
        sentences: dict[tuple[str, int, int], list[tuple[int, int]]] = {}
        for article, begin, end in self.publication.mentions(iri):
            text = self.publication.text_of(article)
            if text is None or not 0 <= begin < end <= len(text):
                continue
            start, stop = sentence_bounds(text, begin, end)
            sentences.setdefault((article, start, stop), []).append((begin, end))
        found = []
        for (article, start, stop), spans in sorted(sentences.items(), key=lambda item: (item[0][0], item[0][1])):
            text = self.publication.text_of(article) or ""
            merged: list[list[int]] = []
            for begin, end in sorted(spans):
                if merged and begin <= merged[-1][1]:
                    merged[-1][1] = max(merged[-1][1], end)
                else:
                    merged.append([begin, end])
            parts, at = [], start
            for begin, end in merged:
                parts += [(text[at:begin], False, at, begin), (text[begin:end], True, begin, end)]
                at = end
            parts.append((text[at:stop], False, at, stop))
            found.append({"parts": [p for p in parts if p[0]], "article": self.node(NamedNode(article), "fa")})
        return found


@cache
def _globals(template: Any) -> dict[str, Any]:
    """A template's globals (the site's environment's, which do not change once it is made), as one dict."""
    return dict(template.globals)


#: Where a block goes in a page's frame (:meth:`Renderer.framed`): a character no HTML page holds.
_MARK = "\x00"
_VALUE = "https://schema.org/value"
_MAIN, _TOUCHES = str(ROLES["main"]), str(ROLES["touches"])
_ROLES = {name: str(prop) for name, prop in ROLES.items()}
_CERTAINTY_OR_MAIN = frozenset((_ROLES["certainty"], _MAIN))


class _KeptMessages(Messages):
    """Messages whose strings, once looked up, stay as attributes: a site renders thousands of pages, each
    looking up dozens of strings (the catalogue is read once per process and never changes)."""

    def __getattr__(self, key: str) -> str:
        found = super().__getattr__(key)
        self.__dict__[key] = found
        return found


@cache
def _messages(domain: str, lang: str) -> Messages:
    return _KeptMessages(domain, lang)


#: What ``getattr`` finds on a dict: the type's attributes (a dict has no others).
_DICT_ATTRIBUTES = frozenset(dir(dict))


class _SiteEnvironment(Environment):
    """Jinja's environment, ``value.name`` on a dict answered without a failed attribute lookup first.

    Jinja answers ``value.name`` with the attribute ``name`` if the value has one, else its item ``name``. The
    pages' values are dicts, and a dict has only its type's attributes: for any other name the item is looked
    up at once, with the same answer, instead of after an AttributeError raised and caught inside (a page
    looks up hundreds: ~5 % of the time of the article's 2 548 pages, median of eight rounds in turns).
    """

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                return self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)


@cache
def environment() -> Environment:
    """The Jinja environment of ``templates/site/`` (autoescape on, for every template and string)."""
    folder = files("kg").joinpath("templates", "site")
    env = _SiteEnvironment(
        loader=FileSystemLoader(str(folder)),
        autoescape=select_autoescape(default=True, default_for_string=True),
        auto_reload=False,  # the package's templates: not looked at again on disk for every page
    )
    env.globals.update(HTML_LISTS)
    return env
