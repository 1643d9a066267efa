"""Turtle and TriG in kg's normal form, the form of data/article.ttl.

Subjects sorted, ``a`` first, only the prefixes used, a predicate's objects on one
line while it fits in 100 columns; TriG writes each graph as one such block, in the
order given. Our own writer: pyoxigraph and rdflib write neither sorted nor (rdflib)
stable output (rdflib #1457, #3545).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from pyoxigraph import BlankNode, DefaultGraph, NamedNode, Quad
from pyoxigraph import Literal as OxLiteral

from kg.errors import OutputError
from kg.formats import FORMATS
from kg.namespaces import PREFIXES
from kg.terms import split_iri
from kg.writers.check import verify
from kg.writers.order import BIG, RDF_TYPE, SHORT, TERMS_KEPT, XSD, Memo, literal_datatype
from kg.writers.quads import Source, description, graphs, to_quads, write_described
from kg.writers.sink import Sink, Target, open_sink

#: Line width under which all objects of a predicate stay on one Turtle line.
_WIDTH = 100

_NT_ESCAPES = {"\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r", '"': '\\"', "\\": "\\\\"}
_SHORT_SPECIAL = re.compile(r'[\x00-\x1f\x7f"\\]')
_LONG_SPECIAL = re.compile(r'[\x00-\x08\x0b-\x1f\x7f"\\]')
_BARE = {
    XSD + "integer": re.compile(r"[+-]?[0-9]+"),
    XSD + "decimal": re.compile(r"[+-]?[0-9]*\.[0-9]+"),
    XSD + "double": re.compile(r"[+-]?(?:[0-9]+\.[0-9]*|\.[0-9]+|[0-9]+)[eE][+-]?[0-9]+"),
    XSD + "boolean": re.compile("true|false"),
}


def _uchar(ch: str) -> str:
    return f"\\u{ord(ch):04X}" if ord(ch) <= 0xFFFF else f"\\U{ord(ch):08X}"


def _escape(text: str, special: re.Pattern[str]) -> str:
    return special.sub(lambda m: _NT_ESCAPES.get(m.group()) or _uchar(m.group()), text)


class _Terms:
    """Writes terms in Turtle syntax and remembers which prefixes were used."""

    def __init__(self, big: bool = False) -> None:
        self.used: set[str] = set()
        self.written = _turtle_term if big else _TURTLE_TERMS.__getitem__

    def iri(self, iri: str) -> str:
        text, prefix = _TURTLE_IRIS[iri]
        if prefix:
            self.used.add(prefix)
        return text

    def term(self, node: Any, *, predicate: bool = False) -> str:
        if predicate and node == RDF_TYPE:
            return "a"
        text, prefix = self.written(node)
        if prefix:
            self.used.add(prefix)
        return text


def _turtle_iri(iri: str) -> tuple[str, str]:
    """An IRI in Turtle (a prefixed name where one is valid), and the prefix it uses ('' for none)."""
    split = split_iri(iri, "turtle")
    if split is None:
        return f"<{iri}>", ""  # pyoxigraph's NamedNode holds only valid IRIs: nothing to escape
    return f"{split[0]}:{split[1]}", split[0]


def _turtle_term(node: Any) -> tuple[str, str]:
    """A term in Turtle, and the prefix it uses ('' for none)."""
    if isinstance(node, NamedNode):
        return _TURTLE_IRIS[node.value]
    if isinstance(node, BlankNode):
        return f"_:{node.value}", ""
    if isinstance(node, OxLiteral):
        return _turtle_literal(node)
    raise OutputError(f"cannot write a term of type {type(node).__name__}: {node!r}")


def _turtle_literal(node: OxLiteral) -> tuple[str, str]:
    lexical = node.value
    datatype = literal_datatype(node)
    bare = _BARE.get(datatype)
    if bare is not None and bare.fullmatch(lexical):
        return lexical, ""
    if "\n" in lexical or "\r" in lexical:
        text = f'"""{_escape(lexical, _LONG_SPECIAL)}"""'
    else:
        text = f'"{_escape(lexical, _SHORT_SPECIAL)}"'
    if node.language:
        return f"{text}@{node.language}", ""
    if not datatype:
        return text, ""
    iri, prefix = _TURTLE_IRIS[datatype]
    return f"{text}^^{iri}", prefix


_TURTLE_IRIS = Memo(_turtle_iri, lambda written: len(written[0]))
_TURTLE_TERMS = Memo(_turtle_term, lambda written: len(written[0]))


def _turtle_body(quads: Iterable[Quad], terms: _Terms, out: Sink, indent: str = "", first: str = "") -> int:
    """One block of text per subject to ``out``, in order, each ending with ``.`` and a newline (``first``
    before the first block); how many."""
    term = terms.term
    # This document's predicates and IRIs, written once each (bounded): a big document, which keeps no
    # terms across documents (see BIG), still names a few classes and properties over and over.
    verbs: dict[Any, str] = {}
    known: dict[Any, str] = {}

    def remember(node: Any) -> str:
        text = term(node)
        if type(node) is NamedNode and len(known) < TERMS_KEPT:
            known[node] = text
        return text

    # A big document's literals: its short ones kept for the document only (see kg.writers.order.SHORT).
    literal = _turtle_literal if terms.written is _turtle_term else None
    short: dict[Any, tuple[str, str]] = {}
    used, named, literal_type = terms.used, NamedNode, OxLiteral

    def subject_text(subject: Any) -> str:
        """A big document's subject, each written once: its IRI not kept (the terms kept would be its subjects)."""
        if type(subject) is not named:
            return term(subject)
        text, prefix = _turtle_iri(subject.value)
        if prefix:
            used.add(prefix)
        return text

    written_subject = term if literal is None else subject_text

    def render(subject: Any, pairs: list[tuple[Any, list[Any]]]) -> str:
        lines: list[str] = []
        start = indent + written_subject(subject) + " "
        for predicate, objects in pairs:
            verb = verbs.get(predicate)
            if verb is None:
                verb = verbs[predicate] = term(predicate, predicate=True) + " "
            rendered_objects = []
            for o in objects:
                kind = type(o)
                if kind is named:
                    text = known.get(o) or remember(o)
                elif literal is not None and kind is literal_type:
                    found = short.get(o)
                    if found is None:
                        found = literal(o)
                        if len(found[0]) <= SHORT and len(short) < TERMS_KEPT:
                            short[o] = found
                    text, prefix = found
                    if prefix:
                        used.add(prefix)
                else:
                    text = term(o)
                rendered_objects.append(text)
            if len(rendered_objects) == 1:
                lines.append(start + verb + rendered_objects[0])
            else:
                line = start + verb + " , ".join(rendered_objects)
                if len(line) > _WIDTH or any("\n" in r for r in rendered_objects):
                    line = start + verb + f" ,\n{indent}        ".join(rendered_objects)
                lines.append(line)
            start = indent + "    "
        return " ;\n".join(lines) + " .\n"

    return write_described(description(quads), render, out, first)


def _prefix_lines(used: Iterable[str]) -> str:
    used = set(used)
    chosen = [(p, ns) for p, ns in PREFIXES.items() if p in used]
    if not chosen:
        return ""
    width = max(len(p) for p, _ in chosen) + 1
    return "".join(f"@prefix {p + ':':<{width}} <{ns}> .\n" for p, ns in chosen) + "\n"


def write_turtle(source: Source, to: Target = None) -> Any:
    """Turtle normal form: only the prefixes used, subjects in order, ``a`` first, a blank line between subjects.

    The text, or with ``to`` (a binary file open for writing and its path) the path, the text written there
    as it is made (:mod:`kg.writers.sink`) and read back from the file."""
    quads = to_quads(source, triples=True)
    terms = _Terms(len(quads) > BIG)
    out = open_sink(to, "\n")
    _turtle_body(quads, terms, out)
    return verify(out.close(_prefix_lines(terms.used)), FORMATS["turtle"], quads)


def write_trig(source: Source, to: Target = None) -> Any:
    """TriG: each graph as a block in the order given (the default graph as ``{ }``), statements indented
    (``to``: as :func:`write_turtle`)."""
    quads = to_quads(source)
    terms = _Terms(len(quads) > BIG)
    out = open_sink(to, "\n")
    for name, members in graphs(quads).items():
        label = "" if isinstance(name, DefaultGraph) else terms.term(name) + " "
        if _turtle_body(members, terms, out, indent="    ", first=f"{label}{{\n"):
            out.write("}\n")
        else:
            out.add(f"{label}{{\n}}\n")
    return verify(out.close(_prefix_lines(terms.used)), FORMATS["trig"], quads)
