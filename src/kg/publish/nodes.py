"""How one term of a publication is shown on a page: its link, its text, its HTML.

:class:`Nodes` turns an RDF term into what a template shows: a named node as
its name linked to its page (the site's page, never our IRI off the machine; another
site's IRI that has no page here is named and linked to that site, marked as leaving),
a literal in the reader's language (numbers, dates, booleans; an IRI in its text as
code), a blank node as the Turtle that writes it in place. :class:`kg.publish.pages.Renderer` builds
the pages on it. A named node's value is made once per language and kept: a
page shows hundreds of values, and a site shows the same nodes on many pages.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from markupsafe import Markup, escape
from pyoxigraph import BlankNode, Literal, NamedNode

from kg import limits
from kg.i18n import format_number
from kg.i18n import text as message
from kg.namespaces import BASE, RDF, XSD
from kg.publish.dates import TEMPORAL_KINDS, format_temporal, html_datetime
from kg.publish.description import Publication
from kg.publish.paths import DUMPS, leaves_site, short_name, stem_path
from kg.terms import natural_key
from kg.terms import prefixed as _prefixed

_NUMBERS = {str(XSD.integer), str(XSD.decimal), str(XSD.double), str(XSD.nonNegativeInteger)}
_BOOLEAN = str(XSD.boolean)
_XSD = str(XSD)
_FIRST, _REST, _NIL = str(RDF.first), str(RDF.rest), str(RDF.nil)
#: An IRI in a literal's text (up to a space, a quote or an angle bracket), and what ends a sentence after it.
_IRI_IN_TEXT = re.compile(r"https?://[^\s<>\"«»]+")
_SENTENCE_END = ".,;:!?،؛"
#: How many literals' values :meth:`Nodes.node` keeps (a page shows a literal of a page shown before: a
#: property's uses, a class's instances' values).
_KEPT_LITERALS = 1 << 16
#: How deep blank nodes inside blank nodes are shown in place.
_BLANK_DEPTH = 4


@dataclass
class Nodes:
    """Shows the terms of a publication; ``root`` is prefixed to every site path, ``static`` for kg publish."""

    publication: Publication
    root: str = "/"
    static: bool = False
    _nodes: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict, repr=False)
    _blank_orders: dict[BlankNode, tuple[object, ...]] = field(default_factory=dict, repr=False)
    _literals: dict[tuple[Literal, str, str | None], dict[str, Any]] = field(default_factory=dict, repr=False)
    _owned: dict[tuple[BlankNode, str], dict[str, Any]] = field(default_factory=dict, repr=False)
    #: What a blank node is whatever the language (its text, its pairs, its list's members, its owner), by what
    #: and the node: a page in each language, and the pages of a shape's properties, show the same blank nodes.
    _blanks: dict[tuple[str, BlankNode], Any] = field(default_factory=dict, repr=False)

    # ----------------------------------------------------------------- links

    def href(self, iri: str, lang: str, ext: str = "html") -> str | None:
        """The site link of ``iri``'s page, if the site has one (a dump: the file; the base: the home page)."""
        if iri.startswith(BASE + DUMPS):
            return self.root + iri[len(BASE) :]
        if iri == BASE:
            return self.root + ("index.html" if self.static else "")
        stem = self.publication.stems.get(iri)
        if stem is None and iri.endswith("#"):  # a document's hash namespace (kg:): the document's page
            stem = self.publication.stems.get(iri[:-1])
        return None if stem is None else self.root + stem_path(stem, lang, ext)

    def name(self, iri: str, lang: str) -> str:
        """How a node is shown (:meth:`Publication.name`)."""
        return self.publication.name(iri, lang)

    def node(self, term: Any, lang: str, *, unit: str | None = None) -> dict[str, Any]:
        """One value, ready for the template: text, link, language, title."""
        if isinstance(term, NamedNode):
            found = self._nodes.get((term.value, lang))
            if found is None:
                found = self._nodes[term.value, lang] = self._named(term.value, lang)
            return found
        if isinstance(term, BlankNode):
            found = self._nodes.get((term, lang))
            if found is None:
                html = self._blank_html(term, lang, frozenset())
                found = {"text": self.blank_text(term), "href": None, "title": None, "lang": None, "iri": None}
                found = self._nodes[term, lang] = {**found, "html": html}
            return found
        key = (term, lang, unit)
        found = self._literals.get(key)
        if found is None:
            if len(self._literals) >= _KEPT_LITERALS:  # kept while a site is made: bounded at any size
                self._literals.clear()
            # A text shown as it is (no number, date, truth value or IRI in it, which are shown in the
            # reader's language or linked to its pages) is the same value in every language: made once.
            same = (term, "", unit) if _shown_as_it_is(term) else None
            found = self._literals.get(same) if same is not None else None
            if found is None:
                found = self._literal_node(term, lang, unit)
                if same is not None:
                    self._literals[same] = found
            self._literals[key] = found
        return found

    def _literal_node(self, term: Literal, lang: str, unit: str | None) -> dict[str, Any]:
        kind = _temporal_kind(term)
        found = _with_html({"text": self.literal(term, lang, unit), "href": None, "title": _datatype_title(term),
                            "lang": term.language or None, "iri": None,
                            "datetime": html_datetime(term.value, kind) if kind else None})  # fmt: skip
        if "://" in found["text"]:
            found["html"] = self._text_with_iris(found, lang)
        return found

    def _text_with_iris(self, node: dict[str, Any], lang: str) -> Markup:
        """A literal that holds IRIs (a namespace, a pattern, a citation): each IRI as code, isolated left to right,
        linked to its page when the site has one. A literal of one word is code whole (a pattern is not an IRI)."""
        text = node["text"]
        if not any(c.isspace() for c in text):
            inner = self._iri_code(text, lang)
        else:
            parts, start = [], 0
            for found in _IRI_IN_TEXT.finditer(text):
                iri = found.group().rstrip(_SENTENCE_END)
                while iri.endswith(")") and iri.count("(") < iri.count(")"):  # the sentence's bracket
                    iri = iri[:-1].rstrip(_SENTENCE_END)
                parts += [str(escape(text[start : found.start()])), self._iri_code(iri, lang)]
                start = found.start() + len(iri)
            inner = "".join(parts) + str(escape(text[start:]))
        tagged = f' lang="{escape(node["lang"])}"' if node["lang"] else ""
        title = f' title="{escape(node["title"])}"' if node["title"] and not node["lang"] else ""
        return Markup(f'<span{tagged} dir="auto"{title}>{inner}</span>')

    def _iri_code(self, iri: str, lang: str) -> str:
        code = f'<code dir="ltr">{escape(iri)}</code>'
        href = self.href(iri, lang) if iri.startswith(BASE) else None
        return f'<a href="{escape(href)}">{code}</a>' if href else code

    # ----------------------------------------------------------------- blank nodes

    def _kept_blank(self, what: str, term: BlankNode, make: Any) -> Any:
        key = (what, term)
        if key not in self._blanks:
            self._blanks[key] = make(term)
        return self._blanks[key]

    def blank_text(self, term: BlankNode, seen: frozenset[Any] = frozenset()) -> str:
        """A blank node as the Turtle that writes it in place: ``[ p o ; … ]``, an RDF list as ``( … )``;
        the same on every run (its label is not), so pages sort and show it the same way."""
        if not seen:
            return self._kept_blank("text", term, lambda node: self._blank_text(node, seen))
        return self._blank_text(term, seen)

    def _blank_text(self, term: BlankNode, seen: frozenset[Any]) -> str:
        items = self._list_items(term)
        if items is not None:
            return "( " + " ".join(self._text(item, seen | {term}) for item in items) + " )"
        pairs = self._blank_pairs(term)
        if term in seen or len(seen) >= _BLANK_DEPTH:
            return "[ … ]"
        parts = [f"{prefixed(p)} " + " , ".join(self._text(o, seen | {term}) for o in values) for p, values in pairs]
        return "[ " + " ; ".join(parts) + " ]" if parts else "[]"

    def _text(self, term: Any, seen: frozenset[Any]) -> str:
        if isinstance(term, BlankNode):
            return self.blank_text(term, seen)
        return prefixed(term.value) if isinstance(term, NamedNode) else str(term)

    def _blank_pairs(self, term: BlankNode) -> list[tuple[str, list[Any]]]:
        """The blank node's (property, values) in order; its values ordered by their text."""
        return self._kept_blank("pairs", term, self._pairs)

    def _pairs(self, term: BlankNode) -> list[tuple[str, list[Any]]]:
        groups: dict[str, list[Any]] = defaultdict(list)
        for quad in self.publication.about(term):
            groups[quad.predicate.value].append(quad.object)
        return [(p, sorted(groups[p], key=self._order)) for p in sorted(groups, key=natural)]

    def _list_items(self, term: BlankNode) -> list[Any] | None:
        """The members of the RDF list ``term`` heads, or None if it is not a well-formed list."""
        return self._kept_blank("items", term, self._items)

    def _items(self, term: BlankNode) -> list[Any] | None:
        items, node, seen = [], term, set()
        while isinstance(node, BlankNode) and node not in seen and len(items) < limits.PAGE_LIST:
            seen.add(node)
            pairs = {q.predicate.value: q.object for q in self.publication.about(node)}
            if set(pairs) != {_FIRST, _REST}:
                return None
            items.append(pairs[_FIRST])
            node = pairs[_REST]
        return items if isinstance(node, NamedNode) and node.value == _NIL else None

    def _blank_html(self, term: BlankNode, lang: str, seen: frozenset[Any]) -> Markup:
        """A blank node shown in place, its values linked: ``[ property value ; … ]``, a list as ``( … )``."""

        def value(o: Any) -> str:
            if isinstance(o, BlankNode):
                return str(self._blank_html(o, lang, seen | {term}))
            return str(self.node(o, lang)["html"])

        items = self._list_items(term)
        if items is not None:
            return Markup(f'<span class="rdf-list" dir="ltr">( {" ".join(value(i) for i in items)} )</span>')
        if term in seen or len(seen) >= _BLANK_DEPTH:
            return Markup('<span class="blank" dir="ltr">[ … ]</span>')
        parts = [
            f"{self.node(NamedNode(p), lang)['html']} " + " , ".join(value(o) for o in values)
            for p, values in self._blank_pairs(term)
        ]
        return Markup(f'<span class="blank" dir="ltr">[ {" ; ".join(parts)} ]</span>')

    def subject_node(self, term: Any, lang: str) -> dict[str, Any]:
        """A subject shown where it names another node: a blank node with the named node it belongs to
        (``CountryShape › [ sh:path … ]``), so that the reader knows whose it is."""
        found = self.node(term, lang)
        if not isinstance(term, BlankNode):
            return found
        kept = self._owned.get((term, lang))
        if kept is None:
            owner = self._owner(term)
            if owner is not None:
                owned = f"{self.node(owner, lang)['html']} › {found['html']}"
                found = {**found, "html": Markup(f'<span dir="ltr">{owned}</span>')}
            kept = self._owned[term, lang] = found
        return kept

    def _owner(self, term: BlankNode) -> NamedNode | None:
        """The named node a blank node hangs from (through at most a few blank nodes), if one."""
        return self._kept_blank("owner", term, self._find_owner)

    def _find_owner(self, term: BlankNode) -> NamedNode | None:
        todo, seen = [term], {term}
        while todo and len(seen) <= _BLANK_DEPTH * 8:
            for quad in self.publication.pointing_at(todo.pop(0)):
                if isinstance(quad.subject, NamedNode):
                    return quad.subject
                if quad.subject not in seen:
                    seen.add(quad.subject)
                    todo.append(quad.subject)
        return None

    def _order(self, term: Any) -> tuple[object, ...]:
        """How values sort: by their text (a blank node by :meth:`blank_text`, not by its label)."""
        if isinstance(term, BlankNode):
            found = self._blank_orders.get(term)
            if found is None:
                found = self._blank_orders[term] = natural("_:" + self.blank_text(term))
            return found
        return natural(str(term))

    def _named(self, iri: str, lang: str) -> dict[str, Any]:
        pub = self.publication
        label = pub.label(iri, lang)
        known = None if label else pub.known_name(iri, lang)
        href = self.href(iri, lang)
        return _with_html(
            {
                "text": label or known or short_name(iri),
                "href": href,
                "title": prefixed(iri),
                "lang": lang if known or (label and lang in pub.labels.get(iri, {})) else None,
                "iri": iri,
                # no page on the site and another site's IRI: a link that says it leaves (ours never leave)
                "away": message("publication", "leaves_site", lang) if href is None and leaves_site(iri) else None,
            }
        )

    def literal(self, term: Literal, lang: str, unit: str | None = None) -> str:
        datatype = term.datatype.value if term.datatype is not None else ""
        if datatype in _NUMBERS:
            text = format_number(term.value, lang) or term.value
            return f"{text} {self.name(unit, lang)}" if unit else text
        kind = _temporal_kind(term)
        if kind:
            return format_temporal(term.value, kind, lang) or term.value
        if datatype == _BOOLEAN:
            return message("publication", "yes" if term.value in ("true", "1") else "no", lang)
        return term.value


def reader_order(values: list[Any], lang: str) -> list[Any]:
    """A property's values with those in the reader's language (and the untagged) first, then the other
    languages', each part in its order: a Persian page gives «پروژهٔ kg» before "The kg project"@en."""
    if not any(isinstance(v, Literal) and v.language and v.language != lang for v in values):
        return values
    return sorted(values, key=lambda v: isinstance(v, Literal) and bool(v.language) and v.language != lang)


#: :func:`kg.terms.natural_key` of the texts pages sort by, kept: the same nodes are sorted on many pages.
natural = lru_cache(maxsize=1 << 15)(natural_key)
#: The prefixed names of the IRIs pages show, kept: the same terms are on many pages.
prefixed = lru_cache(maxsize=1 << 15)(_prefixed)


def _with_html(node: dict[str, Any]) -> dict[str, Any]:
    """``node`` with ``html``, how a page shows it: a link to its page, else its text (in its language,
    with its datatype as the title). Written here, not by a template macro: a page shows hundreds of
    values, and a named node's HTML is made once per language (:meth:`Nodes.node` keeps it)."""
    text = escape(node["text"])
    if node.get("away"):
        html = (
            f'<a class="external" rel="external noopener noreferrer" href="{escape(node["iri"])}"'
            f' title="{escape(node["title"])}" dir="auto">{text}<span class="visually-hidden"> ({escape(node["away"])})'
            "</span></a>"
        )
    elif node["href"]:
        html = f'<a href="{escape(node["href"])}" title="{escape(node["title"])}" dir="auto">{text}</a>'
    elif node["lang"]:
        html = f'<span lang="{escape(node["lang"])}" dir="auto">{text}</span>'
    elif node.get("datetime"):  # a date or time: the written form kept for machines
        html = f'<time datetime="{escape(node["datetime"])}" dir="auto" title="{escape(node["title"])}">{text}</time>'
    elif node["title"]:
        html = f'<span dir="auto" title="{escape(node["title"])}">{text}</span>'
    else:
        html = f'<span dir="auto">{text}</span>'
    node["html"] = Markup(html)
    return node


#: The datatypes of the literals whose text is shown as it is: strings, tagged or not.
_STRINGS = frozenset((str(XSD.string), str(RDF.langString)))


def _shown_as_it_is(term: Literal) -> bool:
    """Whether :meth:`Nodes.node` shows ``term`` the same in every language: a string, tagged or not, with no
    IRI in its text (:meth:`Nodes.literal`, :meth:`Nodes._text_with_iris`)."""
    datatype = term.datatype
    return (datatype is None or datatype.value in _STRINGS) and "://" not in term.value


def _temporal_kind(term: Literal) -> str | None:
    """The local name of a literal's XSD date or time type (``date``, ``dateTime``, …), else None."""
    datatype = term.datatype
    if datatype is None or term.language or not datatype.value.startswith(_XSD):
        return None
    kind = datatype.value[len(_XSD) :]
    return kind if kind in TEMPORAL_KINDS else None


def _datatype_title(term: Literal) -> str | None:
    if term.datatype is None or term.language:
        return None
    return prefixed(term.datatype.value)


# The long lists of a page (its facts, instances, uses, mentions) are joined here, not looped over by its
# template: a page shows hundreds of values, each already HTML (:func:`_with_html`), and a template loop
# costs several times a join per value. What they write is what the template's loops wrote.


def joined_html(nodes: Iterable[dict[str, Any]], separator: str) -> Markup:
    """The values' HTML, with ``separator`` (text, escaped) between them."""
    return escape(separator).join(n["html"] for n in nodes)


def fact_rows_html(groups: Iterable[dict[str, Any]]) -> Markup:
    """A table row a property: its name, then its values, one a line."""
    return Markup(
        "".join(
            f'<tr><th scope="row">{g["property"]["html"]}</th><td>{"<br>".join(v["html"] for v in g["values"])}'
            "</td></tr>\n"
            for g in groups
        )
    )


def items_html(nodes: Iterable[dict[str, Any]]) -> Markup:
    """A list item a value."""
    return Markup("".join(f"<li>{n['html']}</li>\n" for n in nodes))


def pair_rows_html(rows: Iterable[tuple[dict[str, Any], dict[str, Any]]]) -> Markup:
    """A table row a pair of values (the subject and the object of a use of a property)."""
    return Markup("".join(f"<tr><td>{s['html']}</td><td>{o['html']}</td></tr>\n" for s, o in rows))


def mentions_html(mentions: Iterable[dict[str, Any]]) -> Markup:
    """A list item a sentence of the article (Persian, verbatim), its mentions marked with their offsets."""
    return Markup(
        "".join(
            '<li lang="fa" dir="rtl">'
            + "".join(
                f'<mark title="{begin}–{end}">{escape(text)}</mark>' if marked else str(escape(text))
                for text, marked, begin, end in m["parts"]
            )
            + "</li>\n"
            for m in mentions
        )
    )


#: What the templates call to write a page's long lists.
HTML_LISTS = {
    "joined_html": joined_html,
    "fact_rows_html": fact_rows_html,
    "items_html": items_html,
    "pair_rows_html": pair_rows_html,
    "mentions_html": mentions_html,
}
