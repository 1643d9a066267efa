"""Ontology documentation as two static HTML pages, one in English and one in Persian.

pyLODE 3.4.1, the newest release on PyPI, cannot be imported from a wheel
(RDFLib/pyLODE#260: its ``version.py`` reads a ``pyproject.toml`` that the wheel
does not ship), and it has no way to choose a language: it concatenates the
titles of every ``owl:Ontology`` and ``skos:ConceptScheme`` into one heading and
prints English and Persian labels side by side without ``lang`` or ``dir``. So
this module writes the pages itself, from ``ontology/`` only, with the standard
library: ``index.html`` (English, left to right) and ``fa.html`` (Persian,
right to left, every English or Latin fragment marked ``dir="ltr"``). Both
have the same anchors (``#Place``, ``#country``, ``#schema-location``,
``#concept-tonne``), so a term's IRI fragment finds it on either page.
The output depends only on the ontology files: two runs are byte-identical.

>>> html = render_html(load_ontology(), "fa")
>>> '<html lang="fa" dir="rtl">' in html and 'id="Place"' in html
True
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from html import escape
from pathlib import Path
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from kg.errors import UsageError
from kg.i18n import LANGUAGES, Messages, other_language
from kg.load import load_ontology
from kg.namespaces import (
    DCTERMS,
    KG,
    ONTOLOGY_IRI,
    OWL,
    PREFIXES,
    RDF,
    RDFS,
    SKOS,
    VANN,
    VOCABULARIES_IRI,
)
from kg.output import check_output, write_atomically
from kg.terms import natural_key, split_iri

PAGES = {"en": "index.html", "fa": "fa.html"}
_KG = str(KG._NS)

_CSS = """
body { font-family: "Vazirmatn", "Noto Sans Arabic", Tahoma, "DejaVu Sans", sans-serif; line-height: 1.6;
       max-width: 60rem; margin: 0 auto; padding: 1rem 1.5rem; color: #1b1b1b; }
h1 { font-size: 1.7rem; margin-bottom: 0.2rem; } h2 { margin-top: 2.5rem; border-bottom: 2px solid #005a9c; }
h3 { margin: 0 0 0.3rem; font-size: 1.15rem; } a { color: #005a9c; }
.subtitle, .other { color: #555; } .other { font-size: 0.9em; }
.entry { border: 1px solid #c8d3e0; border-radius: 4px; padding: 0.6rem 0.9rem; margin: 0.8rem 0; }
.kind { font-size: 0.8em; color: #666; font-weight: normal; }
table { border-collapse: collapse; } th, td { text-align: start; vertical-align: top; padding: 0.2rem 0.6rem; }
table.grid th, table.grid td { border: 1px solid #d8dee6; }
code { font-size: 0.9em; background: #f3f5f8; padding: 0 0.2em; }
nav > ul > li > ul { columns: 3; padding-inline-start: 1.2rem; } nav li li { break-inside: avoid; }
footer { margin-top: 3rem; font-size: 0.85em; color: #666; }
td, td code, td a { overflow-wrap: anywhere; } table { max-width: 100%; }
table.grid { display: block; overflow-x: auto; }  /* focusable (tabindex): a keyboard scrolls it on a phone */
@media (max-width: 40rem) { body { padding: 0.75rem; } nav > ul > li > ul { columns: 1; } }
""".strip()


class _Page:
    """Renders one language's page of ``graph``."""

    def __init__(
        self, graph: Graph, lang: str, pages: Mapping[str, str] = PAGES, href: Callable[[str], str | None] | None = None
    ) -> None:
        self.pages = pages
        self.href = href
        self.g = graph
        self.lang = lang
        self.other_lang = other_language(lang)
        self.t = Messages("docs", lang)
        self.sep = "، " if lang == "fa" else ", "
        self.documented: set[Node] = set()
        #: What :meth:`text` and :meth:`link` found, kept: a page names the same terms hundreds of times (the
        #: classes, the domains and ranges), each one a few look-ups in the graph.
        self._texts: dict[tuple[Any, ...], Literal | None] = {}
        self._links: dict[Node, str] = {}

    # ----------------------------------------------------------------- small pieces

    def text(self, node: Node, *props: URIRef, lang: str | None = None) -> Literal | None:
        """The value of ``props`` in ``lang`` if given; else in the page's language, English, or untagged."""
        key = (node, lang, *props)
        if key not in self._texts:
            self._texts[key] = self._text(node, props, lang)
        return self._texts[key]

    def _text(self, node: Node, props: tuple[URIRef, ...], lang: str | None) -> Literal | None:
        values = sorted((v for p in props for v in self.g.objects(node, p) if isinstance(v, Literal)), key=str)
        if lang is not None:
            return next((v for v in values if v.language == lang), None)
        for wanted in (self.lang, "en"):
            found = next((v for v in values if v.language == wanted), None)
            if found is not None:
                return found
        return next((v for v in values if not v.language), values[0] if values else None)

    def lit(self, value: Literal | None) -> str:
        """A literal in a span that carries its language and direction when they differ from the page's."""
        if value is None:
            return ""
        body = escape(str(value))
        lang = value.language
        if lang and lang != self.lang:
            direction = "rtl" if lang == "fa" else "ltr"
            return f'<span lang="{lang}" dir="{direction}">{body}</span>'
        if not lang and self.lang == "fa":
            return f'<span dir="ltr">{body}</span>'
        return body

    def date(self, value: Literal | None) -> str:
        """A date in both calendars, in the page's language and digits (``۵ آذر ۱۴۰۵ (۲۵ نوامبر ۲۰۲۶)``)."""
        from kg.publish.dates import format_date

        return escape(format_date(str(value), self.lang)) if value is not None else ""

    def code(self, value: Node | None) -> str:
        return f'<code dir="ltr">{escape(str(value))}</code>' if value is not None else ""

    def anchor(self, node: Node) -> str | None:
        iri = str(node)
        if node == ONTOLOGY_IRI:
            return "metadata"
        if iri.startswith(_KG):
            return iri[len(_KG) :]
        if (node, RDF.type, SKOS.Concept) in self.g:
            return "concept-" + iri.rsplit("/", 1)[-1]
        if (node, RDF.type, SKOS.ConceptScheme) in self.g:
            return "scheme-" + iri.rsplit("/", 1)[-1]
        short = self.short(node)
        return short.replace(":", "-") if short != iri else None

    def short(self, node: Node) -> str:
        split = split_iri(str(node))
        return f"{split[0]}:{split[1]}" if split else str(node)

    def link(self, node: Node) -> str:
        """A link to the term's entry on this page if it has one, else to its IRI (:attr:`documented` is
        known before the first link is made)."""
        if node not in self._links:
            self._links[node] = self._link(node)
        return self._links[node]

    def _link(self, node: Node) -> str:
        if not isinstance(node, URIRef):
            return escape(str(node))
        label = self.text(node, RDFS.label, SKOS.prefLabel)
        code = f'<code dir="ltr">{escape(self.short(node))}</code>'
        if node in self.documented:
            title = f" {self.lit(label)}" if label is not None and node not in (ONTOLOGY_IRI,) else ""
            return f'<a href="#{escape(self.anchor(node) or "")}">{code}</a>{title}'
        target = str(node) if self.href is None else self.href(str(node))
        return f'<a href="{escape(target)}">{code}</a>' if target else code

    def links(self, nodes: Iterable[Node]) -> str:
        return self.sep.join(self.link(n) for n in _sorted(nodes))

    def row(self, key: str, value: str) -> str:
        return f"<tr><th>{self.t[key]}</th><td>{value}</td></tr>" if value else ""

    # ----------------------------------------------------------------- sections

    def metadata(self) -> str:
        g, o = self.g, ONTOLOGY_IRI
        rows = [
            self.row("iri", f'<code dir="ltr">{escape(str(o))}</code>'),
            self.row("version_iri", self.links(g.objects(o, OWL.versionIRI))),
            self.row("version", self.lit(self.text(o, OWL.versionInfo))),
            self.row("license", self.links(g.objects(o, DCTERMS.license))),
            self.row("creator", self.lit(self.text(o, DCTERMS.creator))),
            self.row("created", self.date(self.text(o, DCTERMS.created))),
            self.row("source", self.links(g.objects(o, DCTERMS.source))),
            self.row("imports", self.links(g.objects(o, OWL.imports)) or self.t["no_imports"]),
            self.row("prefix", self.code(self.text(o, VANN.preferredNamespacePrefix))),
            self.row("namespace", self.code(self.text(o, VANN.preferredNamespaceUri))),
            self.row("see_also", self.links(g.objects(o, RDFS.seeAlso))),
        ]
        description = self.text(o, DCTERMS.description)
        return (
            f'<section id="metadata"><h2>{self.t["metadata"]}</h2>'
            f"<p>{self.lit(description)}</p><table>{''.join(rows)}</table></section>"
        )

    def namespaces(self) -> str:
        iris = {str(t) for triple in self.g for t in triple if isinstance(t, URIRef)}
        used = [(p, ns) for p, ns in PREFIXES.items() if any(i.startswith(ns) for i in iris)]
        rows = "".join(
            f'<tr><td><code dir="ltr">{p}:</code></td><td><code dir="ltr">{escape(ns)}</code></td></tr>'
            for p, ns in used
        )
        return (
            f'<section id="namespaces"><h2>{self.t["namespaces"]}</h2>'
            f'<table class="grid" dir="ltr" tabindex="0">{rows}</table></section>'
        )

    def term(self, node: URIRef, kind: str) -> str:
        g = self.g
        label = self.text(node, RDFS.label)
        other = self.text(node, RDFS.label, lang=self.other_lang)
        other_html = f' <span class="other">· {self.lit(other)}</span>' if other is not None and other != label else ""
        rows = [f'<tr><th>{self.t["iri"]}</th><td><code dir="ltr">{escape(str(node))}</code></td></tr>']
        if kind == "class":
            rows += [
                self.row("subclass_of", self.links(g.objects(node, RDFS.subClassOf))),
                self.row("subclasses", self.links(g.subjects(RDFS.subClassOf, node))),
                self.row("equivalent", self.links(g.objects(node, OWL.equivalentClass))),
                self.row("in_domain_of", self.links(g.subjects(RDFS.domain, node))),
                self.row("in_range_of", self.links(g.subjects(RDFS.range, node))),
            ]
        else:
            traits = sorted(
                self.t[str(t).rsplit("#", 1)[-1]]
                for t in g.objects(node, RDF.type)
                if str(t).endswith("Property") and str(t).rsplit("#", 1)[-1] in self.t
            )
            rows += [
                self.row("characteristics", self.sep.join(traits)),
                self.row("subproperty_of", self.links(g.objects(node, RDFS.subPropertyOf))),
                self.row("subproperties", self.links(g.subjects(RDFS.subPropertyOf, node))),
                self.row("equivalent", self.links(g.objects(node, OWL.equivalentProperty))),
                self.row("domain", self.links(g.objects(node, RDFS.domain))),
                self.row("range", self.links(g.objects(node, RDFS.range))),
            ]
        rows.append(self.row("defined_by", self.links(g.objects(node, RDFS.isDefinedBy))))
        comment = self.text(node, RDFS.comment)
        return (
            f'<div class="entry" id="{escape(self.anchor(node) or "")}">'
            f"<h3>{self.lit(label) or escape(self.short(node))}{other_html} "
            f'<span class="kind">{self.t[kind]} · <code dir="ltr">{escape(self.short(node))}</code></span></h3>'
            f"<p>{self.lit(comment)}</p><table>{''.join(r for r in rows if r)}</table></div>"
        )

    def scheme(self, scheme: URIRef) -> str:
        g = self.g
        concepts = _sorted(g.subjects(SKOS.inScheme, scheme))
        rows = []
        for c in concepts:
            alts = [v for v in g.objects(c, SKOS.altLabel) if isinstance(v, Literal)]
            alts_html = self.sep.join(self.lit(a) for a in sorted(alts, key=lambda v: (v.language or "", str(v))))
            cells = [
                f'<td id="{escape(self.anchor(c) or "")}"><code dir="ltr">{escape(self.short(c))}</code></td>',
                f"<td>{self.lit(self.text(c, SKOS.prefLabel))}<br><span class='other'>"
                f"{self.lit(self.text(c, SKOS.prefLabel, lang=self.other_lang))}</span></td>",
                f"<td>{self.lit(self.text(c, SKOS.definition))}</td>",
                f"<td>{alts_html}</td>",
                f"<td>{self.links(g.objects(c, SKOS.broader))}</td>",
                f"<td>{self.lit(self.text(c, SKOS.notation))} {self.links(g.objects(c, SKOS.exactMatch))}</td>",
            ]
            rows.append("<tr>" + "".join(cells) + "</tr>")
        head = "".join(
            f"<th>{self.t[k]}</th>" for k in ("concept", "label", "definition", "alt_labels", "broader", "notation")
        )
        title = self.text(scheme, SKOS.prefLabel)
        return (
            f'<div class="entry" id="{escape(self.anchor(scheme) or "")}"><h3>{self.lit(title)} '
            f'<span class="kind"><code dir="ltr">{escape(self.short(scheme))}</code></span></h3>'
            f'<table class="grid" tabindex="0"><tr>{head}</tr>{"".join(rows)}</table></div>'
        )

    # ----------------------------------------------------------------- the page

    def render(self) -> str:
        g = self.g
        declared = {s for s in g.subjects(RDF.type, None) if isinstance(s, URIRef)}
        classes = _sorted(s for s in declared if (s, RDF.type, OWL.Class) in g and str(s).startswith(_KG))
        object_props = _sorted(s for s in declared if (s, RDF.type, OWL.ObjectProperty) in g and str(s).startswith(_KG))
        data_props = _sorted(s for s in declared if (s, RDF.type, OWL.DatatypeProperty) in g and str(s).startswith(_KG))
        reused = _sorted(
            s
            for s in declared
            if not str(s).startswith(_KG)
            and g.value(s, RDF.type) in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
        )
        schemes = _sorted(g.subjects(RDF.type, SKOS.ConceptScheme))
        concepts = set(g.subjects(RDF.type, SKOS.Concept))
        self.documented = {ONTOLOGY_IRI, *classes, *object_props, *data_props, *reused, *schemes, *concepts}

        def kind_of(node: URIRef) -> str:
            if (node, RDF.type, OWL.Class) in g:
                return "class"
            return "object_property" if (node, RDF.type, OWL.ObjectProperty) in g else "datatype_property"

        sections = [
            ("classes", classes, lambda n: self.term(n, "class")),
            ("object_properties", object_props, lambda n: self.term(n, "object_property")),
            ("datatype_properties", data_props, lambda n: self.term(n, "datatype_property")),
            ("reused", reused, lambda n: self.term(n, kind_of(n))),
            ("vocabularies", schemes, self.scheme),
        ]
        toc = "".join(
            f'<li><a href="#{key}">{self.t[key]}</a><ul>'
            + "".join(f'<li><a href="#{escape(self.anchor(n) or "")}">{self.label_of(n)}</a></li>' for n in nodes)
            + "</ul></li>"
            for key, nodes, _ in sections
        )
        body = "".join(
            f'<section id="{key}"><h2>{self.t[key]}</h2>'
            + (f"<p>{self.t['reused_intro']}</p>" if key == "reused" else "")
            + "".join(render(n) for n in nodes)
            + "</section>"
            for key, nodes, render in sections
        )
        title = self.text(ONTOLOGY_IRI, DCTERMS.title)
        other_title = self.text(ONTOLOGY_IRI, DCTERMS.title, lang=self.other_lang)
        direction = "rtl" if self.lang == "fa" else "ltr"
        other_page = self.pages[self.other_lang]
        vocab_title = self.text(VOCABULARIES_IRI, DCTERMS.title)
        return (
            (
                "<!DOCTYPE html>\n"
                f'<html lang="{self.lang}" dir="{direction}">\n<head>\n<meta charset="utf-8">\n'
                '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
                f"<title>{escape(str(title or ''))} · {self.t['doc']}</title>\n"
                f'<link rel="alternate" hreflang="{self.other_lang}" href="{other_page}">\n'
                f"<style>\n{_CSS}\n</style>\n</head>\n<body>\n"
                f'<p><a href="{other_page}" hreflang="{self.other_lang}" lang="{self.other_lang}">'
                f"{self.t['other']}</a></p>\n"
                f"<header><h1>{self.lit(title)}</h1>"
                f'<p class="subtitle">{self.t["doc"]} · {self.lit(other_title)}</p>'
                f'<p class="subtitle">{self.lit(vocab_title)}</p></header>\n'
                f"{self.metadata()}\n{self.namespaces()}\n"
                f'<nav id="contents"><h2>{self.t["contents"]}</h2><ul>{toc}</ul></nav>\n'
                f"{body}\n"
                f"<footer>{self.t['generated']}</footer>\n</body>\n</html>\n"
            )
            .replace("></tr>", "></tr>\n")
            .replace("</div>", "</div>\n")
        )

    def label_of(self, node: Node) -> str:
        label = self.text(node, RDFS.label, SKOS.prefLabel)
        return self.lit(label) if label is not None else f'<code dir="ltr">{escape(self.short(node))}</code>'


def _sorted(nodes: Iterable[Node]) -> list[Node]:
    return sorted(set(nodes), key=lambda n: natural_key(str(n)))


def render_html(
    ontology: Graph, lang: str, pages: Mapping[str, str] = PAGES, href: Callable[[str], str | None] | None = None
) -> str:
    """The documentation page of ``ontology`` in ``lang`` (``en`` or ``fa``); ``pages``: where each language's
    page is, for the link between them (the publication serves them as ``ontology.html`` and ``ontology.fa.html``);
    ``href``: the link of a term the page does not document (default: its IRI; None: no link)."""
    if lang not in LANGUAGES:
        raise UsageError(f"unknown language {lang!r}: choose one of {', '.join(LANGUAGES)}")
    return _Page(ontology, lang, pages, href).render()


def write_docs(out: str | Path = "docs/ontology") -> list[Path]:
    """``kg docs``: write ``index.html`` (English) and ``fa.html`` (Persian) into ``out``; return their paths.

    A term the pages do not document is shown by its name and not linked: beside these two pages there is
    no page of it, and its IRI would leave the machine (``kg build`` links it to the static site's page)."""
    target = check_output(out, directory=True)
    ontology = load_ontology()
    files = {target / PAGES[lang]: render_html(ontology, lang, href=_no_link) for lang in LANGUAGES}
    write_atomically(files)
    return list(files)


def _no_link(iri: str) -> None:
    return None


def write_docs_dir(ontology: Graph, path: Path, site: str | None = None) -> None:
    """Build output: the two pages of ``ontology`` (the build's schema: ontology and vocabularies, no data);
    a term they do not document links to its page in the static site at ``site`` (a relative path ending
    in ``/``), else is not linked."""
    from kg.publish.paths import page_path

    def href(lang: str) -> Callable[[str], str | None]:
        if site is None:
            return _no_link
        return lambda iri: site + page if (page := page_path(iri, lang)) is not None else None

    write_atomically({path / PAGES[lang]: render_html(ontology, lang, href=href(lang)) for lang in LANGUAGES})
