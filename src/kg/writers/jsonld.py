"""Compacted JSON-LD: an ``@context`` of the prefixes used, one node object per subject, keys sorted.

Our own writer: pyoxigraph writes only expanded JSON-LD. IRIs are compacted with
JSON-LD 1.1's collision-safe rules (:class:`_JsonLdTerms`), and the text is the one
``json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True)`` would write, put
together from each term's pieces (the standard library's indenting encoder is written in
Python and took most of the time of a small document).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from json.encoder import encode_basestring as _json_string  # what json.dumps uses with ensure_ascii=False
from operator import itemgetter
from typing import Any

from pyoxigraph import BlankNode, NamedNode
from pyoxigraph import Literal as OxLiteral

from kg.formats import FORMATS
from kg.namespaces import PREFIXES
from kg.terms import XSD_STRING, namespaces_of
from kg.writers.check import verify
from kg.writers.order import BIG, LONGEST, RDF_TYPE, SHORT, TERMS_KEPT, XSD, Description, Memo
from kg.writers.quads import Source, description, to_quads, write_described
from kg.writers.sink import Target, open_sink
from kg.writers.stored import Stored

_GEN_DELIMS = tuple(":/?#[]@")
#: The schemes of IRIs that are no prefix's name (the web's): an IRI of one blocks no prefix.
_NO_PREFIX_SCHEMES = tuple(f"{scheme}:" for scheme in ("http", "https") if scheme not in PREFIXES)
#: The prefixes whose namespace does not end in a gen-delim (no JSON-LD 1.1 prefix flag: never used), and the
#: names of all.
_NO_PREFIX_FLAG = frozenset(p for p, ns in PREFIXES.items() if not ns.endswith(_GEN_DELIMS))
_PREFIX_NAMES = frozenset(PREFIXES)
_JSON_INTEGER = re.compile(r"-?(?:0|[1-9][0-9]{0,15})")


class _JsonLdTerms:
    """Compacts IRIs to ``prefix:local`` only where that cannot be read back as another IRI (JSON-LD 1.1 §6.1).

    A prefix is usable when its namespace ends in a gen-delim (JSON-LD 1.1 prefix
    flag) and no absolute IRI in the document has that prefix as its scheme
    (``<kg:Country>`` must stay absolute, so ``kg:`` is then not compacted at all).
    """

    def __init__(self, found: set[str | None] | None, big: bool = False) -> None:
        """``found``: the schemes of the document's IRIs; None when they are not known yet: the prefixes are then
        used as if none were found, and the schemes of the IRIs written that are prefixes are noted
        (:attr:`blocking`: if any is, the document must be written again knowing them)."""
        blocked = _NO_PREFIX_FLAG | _PREFIX_NAMES.intersection(found or ())
        if blocked not in _JSONLD_IRIS:
            if len(_JSONLD_IRIS) >= 64:
                _JSONLD_IRIS.clear()
            _JSONLD_IRIS[blocked] = (Memo(lambda iri: _compact(iri, blocked), _first_size), {})
        self.iris, self.values = _JSONLD_IRIS[blocked]
        self.keep = not big and found is not None
        if not self.keep:  # its values are not kept across documents (see BIG), its IRIs' for the document
            self.values = {}
        self.blocked = blocked
        self.used: set[str] = set()
        #: With ``found`` unknown, the schemes of the IRIs written that are prefixes.
        self.blocking: set[str] | None = set() if found is None else None

    def compacted(self, iri: str, *, kept: bool = True) -> tuple[str, str]:
        """An IRI compacted, and the prefix used ('' for none); ``kept=False``: worked out without keeping it (an
        IRI written once)."""
        if self.blocking is not None and not iri.startswith(_NO_PREFIX_SCHEMES):
            scheme = iri.split(":", 1)[0]
            if scheme in PREFIXES:
                self.blocking.add(scheme)
        return self.iris[iri] if kept else _compact(iri, self.blocked)  # type: ignore[no-any-return]

    def iri(self, iri: str) -> str:
        text, prefix = self.compacted(iri)
        if prefix:
            self.used.add(prefix)
        return text

    def node_id(self, node: Any) -> str:
        return f"_:{node.value}" if isinstance(node, BlankNode) else self.iri(node.value)

    def subject_id(self, node: Any) -> str:
        """:meth:`node_id` of a subject: a big document's, each written once, is not kept (the IRIs kept would be
        its subjects)."""
        if self.keep or type(node) is not NamedNode:
            return self.node_id(node)
        text, prefix = self.compacted(node.value, kept=False)
        if prefix:
            self.used.add(prefix)
        return text

    def value(self, node: Any, item: bool = False) -> str:
        """The JSON text of a value as ``json.dumps(indent=2)`` writes it for a key of a node object (``item``: in
        the key's array), both kept as one (a value object's text differs with its indent)."""
        values = self.values
        found = values.get(node)
        if found is None:
            value, prefix = self._value(node)
            found = (_json_value(value, _KEY_INDENT), _json_value(value, _ITEM_INDENT), prefix)
            if len(values) >= TERMS_KEPT:
                values.clear()
            if self.keep:
                kept = len(found[0]) <= LONGEST
            else:  # a big document's: its IRIs and its short literals (see kg.writers.order.SHORT)
                kept = type(node) is NamedNode or (type(node) is not BlankNode and len(found[0]) <= SHORT)
            if kept:
                values[node] = found
        if found[2]:
            self.used.add(found[2])
        return found[1] if item else found[0]

    def _value(self, node: Any) -> tuple[str | list[tuple[str, str]], str]:
        if isinstance(node, NamedNode):
            text, prefix = self.compacted(node.value)
            return [('"@id"', _json_string(text))], prefix
        if isinstance(node, BlankNode):
            return [('"@id"', _json_string(f"_:{node.value}"))], ""
        lexical = node.value
        if node.language:
            return [('"@language"', _json_string(node.language)), ('"@value"', _json_string(lexical))], ""
        datatype = node.datatype.value
        if datatype == XSD_STRING:
            return _json_string(lexical), ""
        if datatype == XSD + "boolean" and lexical in ("true", "false"):
            return lexical, ""
        if datatype == XSD + "integer" and _JSON_INTEGER.fullmatch(lexical) and abs(int(lexical)) < 2**53:
            return str(int(lexical)), ""  # canonical and exact in every JSON reader
        text, prefix = self.compacted(datatype)
        return [('"@type"', _json_string(text)), ('"@value"', _json_string(lexical))], prefix


def _schemes(described: Description) -> set[str | None]:
    """The schemes of every IRI of ``described`` (and of its literals' datatypes)."""
    scheme = _SCHEMES.__getitem__
    found = set()
    add, update = found.add, found.update
    for subject, pairs in described:
        add(scheme(subject))
        for predicate, objects in pairs:
            add(scheme(predicate))
            update(map(scheme, objects))
    return found


def _compact(iri: str, blocked: frozenset[str]) -> tuple[str, str]:
    for ns, prefix in namespaces_of(iri):
        local = iri[len(ns) :]
        if prefix not in blocked and not local.startswith("//"):
            return f"{prefix}:{local}", prefix
    return iri, ""


def _first_size(found: tuple[Any, str]) -> int:
    written = found[0]
    return len(written) if isinstance(written, str) else sum(len(value) for _, value in written)


def _scheme(node: Any) -> str | None:
    """The scheme of an IRI, or of a literal's datatype; None for a blank node."""
    if isinstance(node, NamedNode):
        return node.value.split(":", 1)[0]
    if isinstance(node, OxLiteral):
        return node.datatype.value.split(":", 1)[0]
    return None


_SCHEMES = Memo(_scheme, lambda scheme: 0)
#: The set of prefixes a document cannot use -> its IRIs compacted, and its values written.
_JSONLD_IRIS: dict[frozenset[str], tuple[Memo, dict[Any, Any]]] = {}


#: The indents of a node object's keys, and of the items of a key's array.
_KEY_INDENT, _ITEM_INDENT = " " * 6, " " * 8


def _json_value(value: str | list[tuple[str, str]], indent: str) -> str:
    """A value as ``json.dumps(indent=2)`` writes it at ``indent``."""
    if isinstance(value, str):
        return value
    inner = indent + "  "
    return "{\n" + ",\n".join(f"{inner}{key}: {text}" for key, text in value) + f"\n{indent}}}"


def _json_array(texts: list[str], indent: str) -> str:
    inner = indent + "  "
    return "[\n" + ",\n".join(inner + text for text in texts) + f"\n{indent}]"


def write_jsonld(source: Source, to: Target = None) -> Any:
    """Compacted JSON-LD: an ``@context`` of the prefixes used, one node object per subject, keys sorted.

    The text is the one ``json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True)`` writes,
    put together here from the pieces each term gives (the standard library's indenting encoder is
    written in Python and took most of the time of a small document). With ``to`` (a binary file open
    for writing and its path), written there node by node and read back from the file; its path returned.
    """
    quads = to_quads(source, triples=True)
    if not isinstance(quads, Stored):
        described = description(quads)
        return verify(_document(described, _JsonLdTerms(_schemes(described), len(quads) > BIG), to), _FORMAT, quads)
    # A dataset in a store is written knowing none of its IRIs' schemes (listing them took a pass over every
    # statement in Oxigraph, 0.19 s at 1 000 synthetic articles); if an IRI written has a prefix as its
    # scheme (``<kg:Country>``), which keeps that prefix from compacting any IRI, it is written again.
    terms = _JsonLdTerms(None, big=True)
    written = _document(quads.describe(), terms, to)
    if terms.blocking:
        written = _document(quads.describe(), _JsonLdTerms(quads.schemes(), big=True), to, again=True)  # type: ignore[arg-type]
    return verify(written, _FORMAT, quads)


_FORMAT = FORMATS["jsonld"]


def _document(described: Iterable[Any], terms: _JsonLdTerms, to: Target, *, again: bool = False) -> Any:
    """The document of ``described`` (its text, or to ``to``: its path); ``again``: ``to`` holds a document
    written before, which this one replaces."""
    key_indent = _KEY_INDENT
    if again and to is not None:
        to[0].seek(0)
        to[0].truncate()
    out = open_sink(to, ",\n")
    # A predicate's key, and the start of its line in a node object (its key as JSON at the keys' indent), made
    # once for the document; rdf:type's is asked for each time ("@type" where its objects are nodes).
    lines: dict[Any, tuple[str, str]] = {}
    value, values = terms.value, terms.values
    named, blank = NamedNode, BlankNode

    def line(predicate: Any) -> tuple[str, str]:
        key = terms.iri(predicate.value)  # its prefix noted as used (and its scheme) the first time
        found = (key, f"{key_indent}{_json_string(key)}: ")
        if predicate != RDF_TYPE:
            lines[predicate] = found
        return found

    def render(subject: Any, pairs: list[tuple[Any, list[Any]]]) -> str:
        entries = [("@id", f'{key_indent}"@id": {_json_string(terms.subject_id(subject))}')]
        for predicate, objects in pairs:
            known = lines.get(predicate)
            if known is None:
                if predicate == RDF_TYPE and all(type(o) is named or type(o) is blank for o in objects):
                    types = [_json_string(terms.node_id(o)) for o in objects]
                    text = types[0] if len(types) == 1 else _json_array(types, key_indent)
                    entries.append(("@type", f'{key_indent}"@type": {text}'))
                    continue
                known = line(predicate)
            if len(objects) == 1:
                found = values.get(objects[0])  # as terms.value gives it, without the call
                entries.append((known[0], known[1] + (found[0] if found and not found[2] else value(objects[0]))))
            else:
                entries.append((known[0], known[1] + _json_array([value(o, True) for o in objects], key_indent)))
        entries.sort(key=_first)
        return "    {\n" + ",\n".join(map(_second, entries)) + "\n    }"

    write_described(described, render, out)
    context = sorted((p, ns) for p, ns in PREFIXES.items() if p in terms.used)
    if context:
        context_text = "{\n" + ",\n".join(f"    {_json_string(p)}: {_json_string(ns)}" for p, ns in context) + "\n  }"
    else:
        context_text = "{}"
    head = f'{{\n  "@context": {context_text},\n  "@graph": '
    return out.close(head + "[\n", "\n  ]\n}\n") if out.count else out.close(head + "[]\n}\n")


_first, _second = itemgetter(0), itemgetter(1)
