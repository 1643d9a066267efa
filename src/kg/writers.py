"""Write RDF in the six standard syntaxes, every term exactly as read, byte for byte the same on every run.

This is a bottom module: it imports terms, formats, namespaces and errors, and
nothing that loads files or orchestrates. Input is an rdflib Graph, a mapping
of graph name to rdflib Graph (named graphs, in order), a pyoxigraph Dataset or
an iterable of pyoxigraph quads or triples.

Every writer re-reads its own output with pyoxigraph's strict parser and checks
it is isomorphic to what it was asked to write (:func:`verify`) before returning
it: a mismatch, or a term a syntax cannot hold, is an :class:`OutputError`
(exit 7). Blank nodes get RDFC-1.0 canonical labels
(:meth:`pyoxigraph.Dataset.canonicalize`, ``c14nN`` written ``bN``), so output
does not depend on the labels of the input.

Which serialiser writes what, and why:

================  =============  =====================================================
format            serialiser     why
================  =============  =====================================================
N-Triples         pyoxigraph     canonical escaping from a W3C-conformant library;
N-Quads           pyoxigraph     we only sort its lines
Turtle            ours           the normal form of data/article.ttl: sorted subjects,
                                 ``a`` first, only the prefixes used, objects
                                 grouped; pyoxigraph and rdflib write neither sorted
                                 nor (rdflib) stable output (rdflib #1457, #3545)
TriG              ours           the same normal form, one block per named graph
JSON-LD           ours           a compact ``@context`` of the prefixes used, with
                                 JSON-LD 1.1 collision-safe compaction; pyoxigraph
                                 writes only expanded JSON-LD
RDF/XML           ours           sorted ``rdf:Description`` blocks; rdflib's writer
                                 is unordered and turns ``rdf:li`` into ``rdf:_n``
================  =============  =====================================================

Sorting never calls ``int()`` (:func:`kg.terms.natural_key`), so digit runs of
any length are safe.

>>> from rdflib import Literal
>>> from kg.namespaces import ID, RDFS, new_graph
>>> g = new_graph()
>>> _ = g.add((ID["kazakhstan"], RDFS.label, Literal("قزاقستان", lang="fa")))
>>> print(write_turtle(g), end="")
@prefix kgi:  <https://w3id.org/iran-kazakhstan-kg/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<BLANKLINE>
kgi:kazakhstan rdfs:label "قزاقستان"@fa .
>>> print(write_ntriples(g), end="")
<https://w3id.org/iran-kazakhstan-kg/id/kazakhstan> <http://www.w3.org/2000/01/rdf-schema#label> "قزاقستان"@fa .
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from json.encoder import encode_basestring as _json_string  # what json.dumps uses with ensure_ascii=False
from typing import Any

import pyoxigraph
from pyoxigraph import BlankNode, DefaultGraph, NamedNode, Quad
from pyoxigraph import Literal as OxLiteral
from rdflib import Graph

from kg.errors import OutputError
from kg.formats import FORMATS, RdfFormat, rdf_format
from kg.namespaces import PREFIXES
from kg.terms import BY_LENGTH, NCNAME, NCNAME_TAIL, RDF_LANGSTRING, XSD_STRING, natural_key, split_iri, to_oxigraph

Source = Graph | Mapping[Any, Graph] | pyoxigraph.Dataset | Iterable[Any]

_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = NamedNode(_RDF + "type")

#: Line width under which all objects of a predicate stay on one Turtle line.
_WIDTH = 100


# --------------------------------------------------------------------------- input


class Canonical(list[Quad]):
    """Quads as :func:`to_quads` made them (converted, canonically labelled, without duplicates).

    Give it to several writers to convert and canonicalise a graph once for
    all of them (the build's exports: six formats of one graph; the four
    descriptions of a resource on the static site). What every writer needs
    of it (whether it has blank nodes, its subjects sorted, the set the
    read-back check compares with) is worked out once and kept here.
    ``triples`` is True when every quad is in the default graph.
    """

    def __init__(self, quads: Iterable[Quad], *, triples: bool, blank: bool | None = None) -> None:
        super().__init__(quads)
        self.triples = triples
        self._blank = blank
        self._kept: dict[str, Any] = {}

    @property
    def blank(self) -> bool:
        """Whether a blank node is among the terms."""
        if self._blank is None:
            self._blank = _has_blank_nodes(self)
        return self._blank

    def kept(self, name: str, make: Callable[[], Any]) -> Any:
        """``make()``, worked out at the first call for ``name`` and kept."""
        if name not in self._kept:
            self._kept[name] = make()
        return self._kept[name]

    def description(self) -> Description:
        """The triples sorted for writing (:func:`_describe`), worked out once (each time for a big graph,
        whose sorted copy would stay in memory beside the text being checked)."""
        return self.kept("description", lambda: _describe(self)) if len(self) <= _BIG else _describe(self)


def to_quads(source: Source, *, triples: bool = False) -> Canonical:
    """The quads of ``source``, blank nodes canonically labelled; ``triples=True`` puts all in the default graph.

    A :class:`Canonical` source made with the same ``triples`` (or with
    ``triples=True``) is returned as it is: it went through this already.
    """
    if isinstance(source, Canonical) and (source.triples or not triples):
        return source
    quads: list[Quad] = []
    try:
        if isinstance(source, Graph):
            quads = [_quad(t, DefaultGraph()) for t in source]
        elif isinstance(source, Mapping):
            for name, graph in source.items():
                target = DefaultGraph() if name is None else to_oxigraph(name)
                quads.extend(_quad(t, target) for t in graph)
        else:
            for item in source:
                if isinstance(item, Quad):
                    quads.append(item)
                else:
                    quads.append(Quad(item.subject, item.predicate, item.object, DefaultGraph()))
    except (ValueError, TypeError) as exc:
        raise OutputError(f"cannot write a term that is not valid RDF: {exc}") from None
    if triples:
        default = DefaultGraph()
        quads = [q if q.graph_name == default else Quad(q.subject, q.predicate, q.object, default) for q in quads]
    canonical, blank = _canonical(quads)
    return Canonical(canonical, triples=triples, blank=blank)


def _quad(triple: Any, graph: Any) -> Quad:
    s, p, o = triple
    return Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), graph)


def _has_blank_nodes(quads: Iterable[Quad]) -> bool:
    blank = BlankNode
    return any(type(q.subject) is blank or type(q.object) is blank or type(q.graph_name) is blank for q in quads)


def _canonical(quads: list[Quad]) -> tuple[list[Quad], bool]:
    """Quads with RDFC-1.0 canonical blank-node labels (``b0``, ``b1`` ...), duplicates removed, in input order;
    and whether there was a blank node."""
    if not _has_blank_nodes(quads):
        return list(dict.fromkeys(quads)), False
    dataset = pyoxigraph.Dataset(quads)
    dataset.canonicalize(pyoxigraph.CanonicalizationAlgorithm.RDFC_1_0)
    order = {_graph_key(q.graph_name): i for i, q in reversed(list(enumerate(quads)))}

    def relabel(term: Any) -> Any:
        return BlankNode("b" + term.value.removeprefix("c14n")) if isinstance(term, BlankNode) else term

    result = [Quad(relabel(q.subject), q.predicate, relabel(q.object), relabel(q.graph_name)) for q in dataset]
    result.sort(key=lambda q: order.get(_graph_key(q.graph_name), len(order)))
    return result, True


def _graph_key(name: Any) -> str:
    return "" if isinstance(name, DefaultGraph) else ("_:" if isinstance(name, BlankNode) else "") + name.value


def _graphs(quads: list[Quad]) -> dict[Any, list[Quad]]:
    """Quads by graph name, the graphs in order of first appearance."""
    graphs: dict[Any, list[Quad]] = {}
    for q in quads:
        graphs.setdefault(q.graph_name, []).append(q)
    return graphs


# --------------------------------------------------------------------------- sorting


def _literal_datatype(node: OxLiteral) -> str:
    datatype = node.datatype.value
    return "" if datatype in (XSD_STRING, RDF_LANGSTRING) else datatype


def node_key(node: Any) -> tuple[object, ...]:
    """Sort key of a term: IRIs, then blank nodes, then literals (by datatype, tag, text); digit runs by value."""
    if isinstance(node, NamedNode):
        return (0, natural_key(node.value))
    if isinstance(node, BlankNode):
        return (1, natural_key(node.value))
    if isinstance(node, OxLiteral):
        return (2, _literal_datatype(node), node.language or "", natural_key(node.value))
    raise OutputError(f"cannot write a term of type {type(node).__name__}: {node!r}")


#: Terms recur across the documents of one run (the static site writes thousands of small descriptions that
#: share their predicates, classes and labels): their sort keys and written forms are worked out once each,
#: up to this many terms, and only for terms of at most _LONGEST characters. A document of more than _BIG
#: statements (a whole-graph export) does not use them: its terms recur little, and keeping them would
#: add to its memory what they save in time.
_TERMS_KEPT = 1 << 16
_LONGEST = 1024
_BIG = 20_000


class _Memo(dict[Any, Any]):
    """``memo[term]`` is ``make(term)``, kept (bounded: forgotten all at once when full, and long results
    are not kept, so a corpus of long texts does not stay in memory twice)."""

    def __init__(self, make: Callable[[Any], Any], size: Callable[[Any], int] = len) -> None:
        super().__init__()
        self.make = make
        self.size = size

    def __missing__(self, key: Any) -> Any:
        value = self.make(key)
        if self.size(value) <= _LONGEST:
            if len(self) >= _TERMS_KEPT:
                self.clear()
            self[key] = value
        return value


_NODE_KEYS = _Memo(node_key, lambda key: len(key[-1][-1]))  # the size of natural_key's text


def _predicate_key(predicate: Any) -> tuple[object, ...]:
    return (0,) if predicate == RDF_TYPE else (1, natural_key(predicate.value))


_PREDICATE_KEYS = _Memo(_predicate_key, lambda key: 0)


Description = list[tuple[Any, list[tuple[Any, list[Any]]]]]


def _describe(quads: Iterable[Quad]) -> Description:
    """(subject, [(predicate, sorted objects)]) in subject order, rdf:type first, then by predicate IRI."""
    by_subject: dict[Any, dict[Any, set[Any]]] = {}
    for q in quads:
        by_subject.setdefault(q.subject, {}).setdefault(q.predicate, set()).add(q.object)
    key = _NODE_KEYS.__getitem__ if len(by_subject) <= _BIG else node_key
    predicate_key = _PREDICATE_KEYS.__getitem__
    described = []
    for s in sorted(by_subject, key=key):
        objects = by_subject[s]
        predicates = sorted(objects, key=predicate_key) if len(objects) > 1 else list(objects)
        described.append(
            (s, [(p, sorted(objects[p], key=key) if len(objects[p]) > 1 else list(objects[p])) for p in predicates])
        )
    return described


def _description(quads: Iterable[Quad]) -> Description:
    return quads.description() if isinstance(quads, Canonical) else _describe(quads)


# --------------------------------------------------------------------------- N-Triples / N-Quads


def _sorted_lines(quads: list[Quad], fmt: pyoxigraph.RdfFormat) -> str:
    text = pyoxigraph.serialize(quads, format=fmt).decode("utf-8")
    return "".join(sorted(set(text.splitlines(keepends=True))))


def write_ntriples(source: Source) -> str:
    """N-Triples by pyoxigraph's writer, one triple a line, lines sorted."""
    quads = to_quads(source, triples=True)  # all in the default graph: pyoxigraph writes them as triples
    return verify(_sorted_lines(quads, FORMATS["nt"].oxigraph), FORMATS["nt"], quads)


def write_nquads(source: Source) -> str:
    """N-Quads by pyoxigraph's writer, every triple with the name of its graph, lines sorted."""
    quads = to_quads(source)
    return verify(_sorted_lines(quads, FORMATS["nquads"].oxigraph), FORMATS["nquads"], quads)


# --------------------------------------------------------------------------- Turtle / TriG

_NT_ESCAPES = {"\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r", '"': '\\"', "\\": "\\\\"}
_SHORT_SPECIAL = re.compile(r'[\x00-\x1f\x7f"\\]')
_LONG_SPECIAL = re.compile(r'[\x00-\x08\x0b-\x1f\x7f"\\]')
_BARE = {
    _XSD + "integer": re.compile(r"[+-]?[0-9]+"),
    _XSD + "decimal": re.compile(r"[+-]?[0-9]*\.[0-9]+"),
    _XSD + "double": re.compile(r"[+-]?(?:[0-9]+\.[0-9]*|\.[0-9]+|[0-9]+)[eE][+-]?[0-9]+"),
    _XSD + "boolean": re.compile("true|false"),
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
    datatype = _literal_datatype(node)
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


_TURTLE_IRIS = _Memo(_turtle_iri, lambda written: len(written[0]))
_TURTLE_TERMS = _Memo(_turtle_term, lambda written: len(written[0]))


def _turtle_body(quads: Iterable[Quad], terms: _Terms, indent: str = "") -> list[str]:
    """One block of text per subject, in order, each ending with ``.`` and a newline."""
    blocks = []
    term = terms.term
    for subject, description in _description(quads):
        lines: list[str] = []
        head = indent + term(subject)
        for i, (predicate, objects) in enumerate(description):
            start = f"{head} " if i == 0 else f"{indent}    "
            rendered = [term(o) for o in objects]
            verb = term(predicate, predicate=True)
            line = start + verb + " " + " , ".join(rendered)
            if len(rendered) > 1 and (len(line) > _WIDTH or any("\n" in r for r in rendered)):
                line = start + verb + " " + f" ,\n{indent}        ".join(rendered)
            lines.append(line)
        blocks.append(" ;\n".join(lines) + " .\n")
    return blocks


def _prefix_lines(used: Iterable[str]) -> str:
    used = set(used)
    chosen = [(p, ns) for p, ns in PREFIXES.items() if p in used]
    if not chosen:
        return ""
    width = max(len(p) for p, _ in chosen) + 1
    return "".join(f"@prefix {p + ':':<{width}} <{ns}> .\n" for p, ns in chosen) + "\n"


def write_turtle(source: Source) -> str:
    """Turtle normal form: only the prefixes used, subjects in order, ``a`` first, a blank line between subjects."""
    quads = to_quads(source, triples=True)
    terms = _Terms(len(quads) > _BIG)
    body = _turtle_body(quads, terms)
    return verify(_prefix_lines(terms.used) + "\n".join(body), FORMATS["turtle"], quads)


def write_trig(source: Source) -> str:
    """TriG: each graph as a block in the order given (the default graph as ``{ }``), statements indented."""
    quads = to_quads(source)
    terms = _Terms(len(quads) > _BIG)
    chunks = []
    for name, members in _graphs(quads).items():
        body = _turtle_body(members, terms, indent="    ")
        label = "" if isinstance(name, DefaultGraph) else terms.term(name) + " "
        chunks.append(f"{label}{{\n" + "\n".join(body) + "}\n")
    return verify(_prefix_lines(terms.used) + "\n".join(chunks), FORMATS["trig"], quads)


# --------------------------------------------------------------------------- JSON-LD

_GEN_DELIMS = tuple(":/?#[]@")
_JSON_INTEGER = re.compile(r"-?(?:0|[1-9][0-9]{0,15})")


class _JsonLdTerms:
    """Compacts IRIs to ``prefix:local`` only where that cannot be read back as another IRI (JSON-LD 1.1 §6.1).

    A prefix is usable when its namespace ends in a gen-delim (JSON-LD 1.1 prefix
    flag) and no absolute IRI in the document has that prefix as its scheme
    (``<kg:Country>`` must stay absolute, so ``kg:`` is then not compacted at all).
    """

    def __init__(self, description: Description, big: bool = False) -> None:
        schemes = _SCHEMES
        found = set()
        for subject, pairs in description:
            found.add(schemes[subject])
            for predicate, objects in pairs:
                found.add(schemes[predicate])
                found.update(schemes[o] for o in objects)
        blocked = frozenset(p for p, ns in PREFIXES.items() if p in found or not ns.endswith(_GEN_DELIMS))
        if blocked not in _JSONLD_IRIS:
            if len(_JSONLD_IRIS) >= 64:
                _JSONLD_IRIS.clear()
            _JSONLD_IRIS[blocked] = (_Memo(lambda iri: _compact(iri, blocked), _first_size), {})
        self.iris, self.values = _JSONLD_IRIS[blocked]
        if big:  # its values are not kept (see _BIG)
            self.values = {}
        self.blocked = blocked
        self.used: set[str] = set()
        self.keep = not big

    def iri(self, iri: str) -> str:
        text, prefix = self.iris[iri]
        if prefix:
            self.used.add(prefix)
        return text

    def node_id(self, node: Any) -> str:
        return f"_:{node.value}" if isinstance(node, BlankNode) else self.iri(node.value)

    def value(self, node: Any) -> str | list[tuple[str, str]]:
        """The JSON of a value: a scalar's text, or an object's (key, value text) pairs, keys in order."""
        values = self.values
        found = values.get(node)
        if found is None:
            found = self._value(node)
            if len(values) >= _TERMS_KEPT:
                values.clear()
            if self.keep and _first_size(found) <= _LONGEST:
                values[node] = found
        if found[1]:
            self.used.add(found[1])
        return found[0]

    def _value(self, node: Any) -> tuple[str | list[tuple[str, str]], str]:
        if isinstance(node, NamedNode):
            text, prefix = self.iris[node.value]
            return [('"@id"', _json_string(text))], prefix
        if isinstance(node, BlankNode):
            return [('"@id"', _json_string(f"_:{node.value}"))], ""
        lexical = node.value
        if node.language:
            return [('"@language"', _json_string(node.language)), ('"@value"', _json_string(lexical))], ""
        datatype = node.datatype.value
        if datatype == XSD_STRING:
            return _json_string(lexical), ""
        if datatype == _XSD + "boolean" and lexical in ("true", "false"):
            return lexical, ""
        if datatype == _XSD + "integer" and _JSON_INTEGER.fullmatch(lexical) and abs(int(lexical)) < 2**53:
            return str(int(lexical)), ""  # canonical and exact in every JSON reader
        text, prefix = self.iris[datatype]
        return [('"@type"', _json_string(text)), ('"@value"', _json_string(lexical))], prefix


def _compact(iri: str, blocked: frozenset[str]) -> tuple[str, str]:
    for ns, prefix in BY_LENGTH:
        local = iri[len(ns) :]
        if prefix not in blocked and iri.startswith(ns) and not local.startswith("//"):
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


_SCHEMES = _Memo(_scheme, lambda scheme: 0)
#: The set of prefixes a document cannot use -> its IRIs compacted, and its values written.
_JSONLD_IRIS: dict[frozenset[str], tuple[_Memo, dict[Any, Any]]] = {}


def _json_value(value: str | list[tuple[str, str]], indent: str) -> str:
    """A value as ``json.dumps(indent=2)`` writes it at ``indent``."""
    if isinstance(value, str):
        return value
    inner = indent + "  "
    return "{\n" + ",\n".join(f"{inner}{key}: {text}" for key, text in value) + f"\n{indent}}}"


def _json_array(texts: list[str], indent: str) -> str:
    inner = indent + "  "
    return "[\n" + ",\n".join(inner + text for text in texts) + f"\n{indent}]"


def write_jsonld(source: Source) -> str:
    """Compacted JSON-LD: an ``@context`` of the prefixes used, one node object per subject, keys sorted.

    The text is the one ``json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True)`` writes,
    put together here from the pieces each term gives (the standard library's indenting encoder is
    written in Python and took most of the time of a small document).
    """
    quads = to_quads(source, triples=True)
    description = _description(quads)
    terms = _JsonLdTerms(description, len(quads) > _BIG)
    key_indent, item_indent = " " * 6, " " * 8
    nodes = []
    for subject, pairs in description:
        entries = [("@id", _json_string(terms.node_id(subject)))]
        for predicate, objects in pairs:
            if predicate == RDF_TYPE and all(isinstance(o, NamedNode | BlankNode) for o in objects):
                types = [_json_string(terms.node_id(o)) for o in objects]
                entries.append(("@type", types[0] if len(types) == 1 else _json_array(types, key_indent)))
                continue
            key = terms.iri(predicate.value)
            if len(objects) == 1:
                entries.append((key, _json_value(terms.value(objects[0]), key_indent)))
            else:
                texts = [_json_value(terms.value(o), item_indent) for o in objects]
                entries.append((key, _json_array(texts, key_indent)))
        entries.sort(key=lambda entry: entry[0])
        nodes.append("    {\n" + ",\n".join(f"{key_indent}{_json_string(k)}: {v}" for k, v in entries) + "\n    }")
    context = sorted((p, ns) for p, ns in PREFIXES.items() if p in terms.used)
    if context:
        context_text = "{\n" + ",\n".join(f"    {_json_string(p)}: {_json_string(ns)}" for p, ns in context) + "\n  }"
    else:
        context_text = "{}"
    graph_text = "[\n" + ",\n".join(nodes) + "\n  ]" if nodes else "[]"
    text = f'{{\n  "@context": {context_text},\n  "@graph": {graph_text}\n}}\n'
    return verify(text, FORMATS["jsonld"], quads)


# --------------------------------------------------------------------------- RDF/XML

_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
#: rdf: names that RDF/XML reserves for its syntax, so no property element can carry them (RDF/XML §5.1).
_RDFXML_RESERVED = {
    _RDF + n: why
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


def write_rdfxml(source: Source) -> str:
    """RDF/XML: one ``rdf:Description`` per subject in order, blank nodes as ``rdf:nodeID``.

    Property names may be any XML NCName (Persian letters included). A property
    that RDF/XML cannot name (``rdf:li``, the syntax names, an IRI not ending in
    an NCName) and characters XML 1.0 cannot hold are refused with OutputError.
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

    body = []
    objects_of, keep = _XML_OBJECTS, len(quads) <= _BIG  # a big document's objects are not kept (see _BIG)
    for subject, description in _description(quads):
        about = _XML_SUBJECTS[subject]
        if about is None:
            _xml_node(subject, f"the description of {subject}")  # raises the error that names it
        lines = [f"  <rdf:Description {about}>"]
        for predicate, objects in description:
            name = qname(predicate.value)
            for o in objects:
                written = objects_of[o] if keep else None
                if written is None:
                    written = _xml_object(o, f"the description of {subject}")
                if written[1]:  # a literal: its element closes after its text
                    lines.append(f"    <{name}{written[0]}</{name}>")
                else:
                    lines.append(f"    <{name}{written[0]}")
        lines.append("  </rdf:Description>")
        body.append("\n".join(lines) + "\n")
    declarations = [(p, ns) for p, ns in PREFIXES.items() if p in used]
    declarations += sorted(((p, ns) for ns, p in extra.items()), key=lambda item: natural_key(item[0]))
    xmlns = "".join(f'\n    xmlns:{p}="{_xml_attr(ns, "a namespace")}"' for p, ns in declarations)
    text = f'<?xml version="1.0" encoding="utf-8"?>\n<rdf:RDF{xmlns}>\n' + "\n".join(body) + "</rdf:RDF>\n"
    return verify(text, FORMATS["xml"], quads)


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
    datatype = _literal_datatype(node)
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


_XML_NAMES = _Memo(_xml_name, lambda split: 0)
_XML_SUBJECTS = _Memo(_or_none(_xml_node), lambda text: len(text or ""))
_XML_OBJECTS = _Memo(_or_none(_xml_object), lambda written: len(written[0]) if written else 0)


def _node_id(node: BlankNode) -> str:
    if not NCNAME.fullmatch(node.value):  # canonical labels are bN; this guards hand-made quads
        raise OutputError(f"RDF/XML cannot write the blank node label _:{node.value}")
    return node.value


# --------------------------------------------------------------------------- checking and the registry


def verify(text: str, fmt: RdfFormat, expected: list[Quad]) -> str:
    """``text`` if pyoxigraph reads it back as exactly ``expected`` (isomorphic), else an OutputError."""
    try:
        read = list(pyoxigraph.parse(text.encode("utf-8"), format=fmt.oxigraph))
    except SyntaxError as exc:
        raise OutputError(f"the {fmt.title} written does not read back (a writer bug): {exc}") from None
    except MemoryError:  # pyoxigraph's parser holds at most 16 MiB at once (one term, or one JSON-LD value)
        raise OutputError(
            f"the {fmt.title} written cannot be read back to check it: a term too long for the parser "
            "(16 MiB at once); nothing was written"
        ) from None
    merge = not fmt.dataset and not (isinstance(expected, Canonical) and expected.triples)
    if isinstance(expected, Canonical) and len(expected) <= _BIG:  # worked out once for all the formats
        blank = expected.blank
        want = expected.kept(f"expected {merge}", lambda: _expected(expected, merge=merge, blank=blank))
    else:
        blank = expected.blank if isinstance(expected, Canonical) else _has_blank_nodes(expected)
        want = _expected(expected, merge=merge, blank=blank)
    if blank:  # isomorphism: equal once both are canonically labelled
        got = pyoxigraph.Dataset(read)
        got.canonicalize(pyoxigraph.CanonicalizationAlgorithm.RDFC_1_0)
    else:  # without blank nodes isomorphic is equal as sets (and a set is four times faster to build)
        got = set(read)
    if got != want:
        missing = next((q for q in want if q not in got), None)
        extra = next((q for q in got if q not in want), None)
        raise OutputError(
            f"the {fmt.title} written does not read back as the same graph (a writer bug): "
            f"{len(read)} statements read, {len(want)} meant; first missing {missing}, first extra {extra}"
        )
    return text


def _expected(quads: list[Quad], *, merge: bool, blank: bool) -> Any:
    """What a re-read must equal: the quads as a set, or canonically labelled when they have blank nodes."""
    if merge:
        quads = [Quad(q.subject, q.predicate, q.object, DefaultGraph()) for q in quads]
    if not blank:
        return set(quads)
    dataset = pyoxigraph.Dataset(quads)
    dataset.canonicalize(pyoxigraph.CanonicalizationAlgorithm.RDFC_1_0)
    return dataset


WRITERS: dict[str, Callable[[Source], str]] = {
    "turtle": write_turtle,
    "nt": write_ntriples,
    "nquads": write_nquads,
    "trig": write_trig,
    "jsonld": write_jsonld,
    "xml": write_rdfxml,
}


def serialize(source: Source, fmt: str | RdfFormat) -> str:
    """``source`` written in ``fmt`` (a format, its name or alias); the triple formats merge named graphs."""
    chosen = fmt if isinstance(fmt, RdfFormat) else rdf_format(fmt)
    return WRITERS[chosen.name](source)
