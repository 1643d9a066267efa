"""RDF/XML: one ``rdf:Description`` per subject in order, blank nodes as ``rdf:nodeID``.

Our own writer: rdflib's is unordered and turns ``rdf:li`` into ``rdf:_n``. What
RDF/XML cannot hold is refused with an :class:`OutputError` naming it: a property it
cannot name (``rdf:li``, its syntax names, an IRI not ending in an XML name) and
characters XML 1.0 forbids.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from pyoxigraph import BlankNode, NamedNode

from kg.errors import OutputError
from kg.formats import FORMATS
from kg.namespaces import PREFIXES
from kg.terms import NCNAME, NCNAME_TAIL, natural_key, split_iri
from kg.writers.check import verify
from kg.writers.order import BIG, RDF, SHORT, TERMS_KEPT, Memo, literal_datatype
from kg.writers.quads import Source, description, to_quads, write_described
from kg.writers.sink import Target, open_sink
from kg.writers.stored import AnyOrder, Stored

_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
#: rdf: names that RDF/XML reserves for its syntax, so no property element can carry them (RDF/XML §5.1).
_RDFXML_RESERVED = {
    RDF + n: why
    for n, why in (
        ("li", "readers turn each rdf:li element into rdf:_1, rdf:_2, ... (RDF/XML §7.4)"),
        *((n, "it is a syntax name of RDF/XML (§5.1)") for n in ("RDF", "ID", "about", "bagID", "parseType")),
        *((n, "it is a syntax name of RDF/XML (§5.1)") for n in ("resource", "nodeID", "datatype", "Description")),
        *((n, "it is a syntax name of RDF/XML (§5.1)") for n in ("aboutEach", "aboutEachPrefix")),
    )
}


def _xml_text(text: str, where: str) -> str:
    bad = _XML_FORBIDDEN.search(text)
    if bad:
        raise OutputError(f"RDF/XML cannot hold the character U+{ord(bad.group()):04X} (XML 1.0 §2.2) in {where}")
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


def _xml_attr(text: str, where: str) -> str:
    escaped = _xml_text(text, where).replace('"', "&quot;")
    return escaped.replace("\n", "&#10;").replace("\t", "&#9;")


def write_rdfxml(source: Source, to: Target = None) -> Any:
    """RDF/XML: one ``rdf:Description`` per subject in order, blank nodes as ``rdf:nodeID``.

    Property names may be any XML NCName (Persian letters included). A property
    that RDF/XML cannot name (``rdf:li``, the syntax names, an IRI not ending in
    an NCName) and characters XML 1.0 cannot hold are refused with OutputError.
    With ``to`` (a binary file open for writing and its path), written there block
    by block and read back from the file; its path returned.
    """
    quads = to_quads(source, triples=True)
    used = {"rdf"}
    extra: dict[str, str] = {}  # namespace -> generated prefix, for properties outside PREFIXES

    def qname(iri: str) -> str:
        split = _XML_NAMES[iri]
        if split[0]:
            used.add(split[0])
            return f"{split[0]}:{split[1]}"
        return f"{extra.setdefault(split[1], f'p{len(extra)}')}:{split[2]}"

    # A big document's objects are not kept across documents (see BIG), but its IRIs (classes, concepts,
    # places) and short literals recur: kept for the document, bounded; its other literals are written each as it
    # comes.
    big = len(quads) > BIG
    objects_of = _Kept(_xml_object_or_none) if big else _XML_OBJECTS
    # A big document's subjects, each written once, are not kept (the terms kept would be its subjects).
    about_of = _xml_subject_or_none if big else _XML_SUBJECTS.__getitem__
    names: dict[Any, str] = {}

    def render(subject: Any, pairs: list[tuple[Any, list[Any]]]) -> str:
        about = about_of(subject)
        if about is None:
            _xml_node(subject, f"the description of {subject}")  # raises the error that names it
        lines = [f"  <rdf:Description {about}>"]
        for predicate, objects in pairs:
            name = names.get(predicate)
            if name is None:
                name = names[predicate] = qname(predicate.value)
            for o in objects:
                written = objects_of[o]
                if written is None:
                    written = _xml_object(o, f"the description of {subject}")  # raises the error that names it
                if written[1]:  # a literal: its element closes after its text
                    lines.append(f"    <{name}{written[0]}</{name}>")
                else:
                    lines.append(f"    <{name}{written[0]}")
        lines.append("  </rdf:Description>")
        return "\n".join(lines) + "\n"

    described = description(quads)
    out = open_sink(to, "\n")
    write_described(described, render, out)
    if extra and isinstance(described, AnyOrder):  # prefixes made up in the order properties come: in order
        extra.clear()
        names.clear()
        out = open_sink(to, "\n")
        write_described(Stored.description(quads), render, out)  # type: ignore[arg-type]
    declarations = [(p, ns) for p, ns in PREFIXES.items() if p in used]
    declarations += sorted(((p, ns) for ns, p in extra.items()), key=lambda item: natural_key(item[0]))
    xmlns = "".join(f'\n    xmlns:{p}="{_xml_attr(ns, "a namespace")}"' for p, ns in declarations)
    head, tail = f'<?xml version="1.0" encoding="utf-8"?>\n<rdf:RDF{xmlns}>\n', "</rdf:RDF>\n"
    return verify(out.close(head, tail), FORMATS["xml"], quads)


def _xml_name(iri: str) -> tuple[str, str, str]:
    """How RDF/XML names the property ``iri``: (prefix, local, '') with a prefix of PREFIXES, else
    ('', namespace, local) for a generated prefix; OutputError if it cannot be named."""
    if iri in _RDFXML_RESERVED:
        raise OutputError(f"RDF/XML cannot write the property <{iri}>: {_RDFXML_RESERVED[iri]}")
    split = split_iri(iri, "xml")
    if split is not None:
        return split[0], split[1], ""
    match = NCNAME_TAIL.search(iri)
    if not match or match.start() == 0:
        raise OutputError(f"RDF/XML cannot write the property <{iri}>: it does not end in an XML name")
    return "", iri[: match.start()], match.group()


def _xml_node(node: Any, where: str) -> str:
    """The attribute that names a subject: ``rdf:about`` or ``rdf:nodeID``."""
    if isinstance(node, BlankNode):
        return f'rdf:nodeID="{_node_id(node)}"'
    return f'rdf:about="{_xml_attr(node.value, where)}"'


def _xml_object(node: Any, where: str) -> tuple[str, bool]:
    """A property element's text after its name, and whether it is a literal (whose end tag follows)."""
    if isinstance(node, NamedNode):
        return f' rdf:resource="{_xml_attr(node.value, where)}"/>', False
    if isinstance(node, BlankNode):
        return f' rdf:nodeID="{_node_id(node)}"/>', False
    attrs = ""
    datatype = literal_datatype(node)
    if node.language:
        attrs = f' xml:lang="{node.language}"'
    elif datatype:
        attrs = f' rdf:datatype="{_xml_attr(datatype, where)}"'
    return f"{attrs}>{_xml_text(node.value, where)}", True


def _or_none(write: Callable[[Any, str], Any]) -> Callable[[Any], Any]:
    """``write`` for a memo: None where it refuses (the caller asks again, naming where, for the message)."""

    def written(node: Any) -> Any:
        try:
            return write(node, "")
        except OutputError:
            return None

    return written


_XML_NAMES = Memo(_xml_name, lambda split: 0)
_xml_subject_or_none = _or_none(_xml_node)
_XML_SUBJECTS = Memo(_xml_subject_or_none, lambda text: len(text or ""))
_xml_object_or_none = _or_none(_xml_object)
_XML_OBJECTS = Memo(_xml_object_or_none, lambda written: len(written[0]) if written else 0)


class _Kept(dict[Any, Any]):
    """``kept[term]`` is ``make(term)``, kept for IRIs and short literals only (up to TERMS_KEPT of them, see
    :data:`kg.writers.order.SHORT`): one document's."""

    def __init__(self, make: Callable[[Any], Any]) -> None:
        super().__init__()
        self.make = make

    def __missing__(self, term: Any) -> Any:
        value = self.make(term)
        if (type(term) is NamedNode or (value is not None and len(value[0]) <= SHORT)) and len(self) < TERMS_KEPT:
            self[term] = value
        return value


def _node_id(node: BlankNode) -> str:
    if not NCNAME.fullmatch(node.value):  # canonical labels are bN; this guards hand-made quads
        raise OutputError(f"RDF/XML cannot write the blank node label _:{node.value}")
    return node.value
