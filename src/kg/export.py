"""Write the graph in the standard RDF formats, byte for byte the same on every run.

rdflib's own serialisers are not stable (rdflib issues #1457, #3545): their
order follows Python's hashing. These writers are: subjects, predicates and
objects are sorted (numbers inside IRIs in numeric order, so ``span:9-14``
comes before ``span:10-12``), blank nodes get canonical labels, only the
prefixes actually used are declared, and Persian text is written as UTF-8
characters, never as escapes.

What is exported is chosen with ``graph``:

* ``all`` (default): the ontology, the SKOS vocabularies and the data -- what
  :func:`kg.load.load_graph` loads. The dataset formats (TriG, N-Quads) keep
  each in its own named graph and add the VoID/DCAT description as a fourth.
* ``data``: the data file(s) alone; the Turtle of this is the normal form of
  ``data/article.ttl``.
* ``ontology``: the ontology and the vocabularies.

>>> from rdflib import Literal
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

import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.term import Node

from kg import resources
from kg.errors import OutputError, UsageError
from kg.load import parse_turtle, source_paths
from kg.namespaces import BASE, ID, ONTOLOGY_IRI, PREFIXES, RDF, RDFS, VOCABULARIES_IRI, XSD, new_graph  # noqa: F401
from kg.output import check_output, write_atomically

#: Named graph that holds the data (``data/article.ttl``) in TriG and N-Quads.
DATA_GRAPH = URIRef(BASE + "data")
#: Named graph that holds the VoID/DCAT description in TriG and N-Quads.
DESCRIPTION_GRAPH = URIRef(BASE + "void")

GRAPH_CHOICES = ("all", "data", "ontology")

#: Line width under which all objects of a predicate stay on one Turtle line.
_WIDTH = 100

Parts = dict[URIRef, Graph]


@dataclass(frozen=True)
class Format:
    """One export format: its name on the command line, file extension, media type, and who reads it."""

    name: str
    extension: str
    media_type: str
    title: str
    quads: bool
    writer: Callable[[Parts], str]


def _triples_writer(write: Callable[[Graph], str]) -> Callable[[Parts], str]:
    return lambda parts: write(union(parts))


# --------------------------------------------------------------------------- sorting


_DIGITS = re.compile(r"([0-9]+)")


def natural_key(text: str) -> tuple[object, ...]:
    """Sort key that orders runs of digits by value: ``span/9-14`` before ``span/10-12``.

    >>> sorted(["span/10-12", "span/9-14", "span/9-10", "x1", "x"], key=natural_key)
    ['span/9-10', 'span/9-14', 'span/10-12', 'x', 'x1']
    """
    parts = _DIGITS.split(text)  # always text, number, text, ...: equal positions hold equal types
    return (tuple(int(p) if i % 2 else p for i, p in enumerate(parts)), text)


def _node_key(node: Node) -> tuple[object, ...]:
    if isinstance(node, URIRef):
        return (0, natural_key(str(node)))
    if isinstance(node, BNode):
        return (1, natural_key(str(node)))
    if isinstance(node, Literal):
        return (2, str(node.datatype or ""), node.language or "", natural_key(str(node)))
    raise OutputError(f"cannot export a node of type {type(node).__name__}: {node!r}")


def _predicate_key(predicate: Node) -> tuple[object, ...]:
    return (0,) if predicate == RDF.type else (1, natural_key(str(predicate)))


def _subjects(graph: Graph) -> list[Node]:
    return sorted(set(graph.subjects()), key=_node_key)


def _description(graph: Graph, subject: Node) -> list[tuple[Node, list[Node]]]:
    """(predicate, sorted objects) of ``subject``, rdf:type first, then by predicate IRI."""
    by_predicate: dict[Node, list[Node]] = {}
    for _, p, o in graph.triples((subject, None, None)):
        by_predicate.setdefault(p, []).append(o)
    return [(p, sorted(by_predicate[p], key=_node_key)) for p in sorted(by_predicate, key=_predicate_key)]


# --------------------------------------------------------------------------- blank nodes


def canonical_blank_nodes(parts: Parts) -> Parts:
    """The same graphs with blank nodes relabelled ``b0``, ``b1`` ... from their canonical hashes.

    Graphs without blank nodes are returned as they are; labels are unique across all graphs.
    """
    result: Parts = {}
    counter = 0
    for name, graph in parts.items():
        if not any(isinstance(t, BNode) for triple in graph for t in triple):
            result[name] = graph
            continue
        canonical = to_canonical_graph(graph)
        labels = sorted({t for triple in canonical for t in triple if isinstance(t, BNode)}, key=str)
        mapping: dict[Node, Node] = {}
        for label in labels:
            mapping[label] = BNode(f"b{counter}")
            counter += 1
        relabelled = Graph(bind_namespaces="none")
        for triple in canonical:
            relabelled.add(tuple(mapping.get(t, t) for t in triple))  # type: ignore[arg-type]
        result[name] = relabelled
    return result


def union(parts: Parts) -> Graph:
    """All the graphs merged into one (after canonical blank-node labelling)."""
    merged = Graph(bind_namespaces="none")
    for graph in canonical_blank_nodes(parts).values():
        for triple in graph:
            merged.add(triple)
    return merged


def _canonical(graph: Graph) -> Graph:
    return canonical_blank_nodes({DATA_GRAPH: graph})[DATA_GRAPH]


# --------------------------------------------------------------------------- N-Triples / N-Quads

_NT_ESCAPES = {"\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r", '"': '\\"', "\\": "\\\\"}
_NT_SPECIAL = re.compile(r'[\x00-\x1f\x7f"\\]')
_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def _uchar(ch: str) -> str:
    return f"\\u{ord(ch):04X}" if ord(ch) <= 0xFFFF else f"\\U{ord(ch):08X}"


def _escape_string(text: str) -> str:
    """Escape a string for a one-line literal (canonical N-Triples rules: UTF-8 stays as it is)."""
    return _NT_SPECIAL.sub(lambda m: _NT_ESCAPES.get(m.group()) or _uchar(m.group()), text)


def _iri(iri: str) -> str:
    return "<" + _IRI_FORBIDDEN.sub(lambda m: _uchar(m.group()), iri) + ">"


def _tagged(text: str, node: Literal, iri: Callable[[str], str]) -> str:
    """A quoted lexical form with the literal's language tag or datatype (none for xsd:string)."""
    if node.language:
        return f"{text}@{node.language}"
    if node.datatype is not None and node.datatype != XSD.string:
        return f"{text}^^{iri(str(node.datatype))}"
    return text


def nt_term(node: Node) -> str:
    """A term in N-Triples syntax.

    >>> nt_term(Literal("a\\nb", lang="fa"))
    '"a\\\\nb"@fa'
    """
    if isinstance(node, URIRef):
        return _iri(str(node))
    if isinstance(node, BNode):
        return f"_:{node}"
    if isinstance(node, Literal):
        return _tagged(f'"{_escape_string(str(node))}"', node, _iri)
    raise OutputError(f"cannot export a node of type {type(node).__name__}: {node!r}")


def write_ntriples(graph: Graph) -> str:
    """N-Triples, one triple a line, lines sorted."""
    lines = sorted(f"{nt_term(s)} {nt_term(p)} {nt_term(o)} .\n" for s, p, o in _canonical(graph))
    return "".join(lines)


def write_nquads(parts: Parts) -> str:
    """N-Quads: every triple with the name of its graph, lines sorted."""
    lines = set()
    for name, graph in canonical_blank_nodes(parts).items():
        g = nt_term(name)
        lines.update(f"{nt_term(s)} {nt_term(p)} {nt_term(o)} {g} .\n" for s, p, o in graph)
    return "".join(sorted(lines))


# --------------------------------------------------------------------------- Turtle / TriG

_PN_LOCAL = re.compile(r"(?:[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?)?")
_INTEGER = re.compile(r"[+-]?[0-9]+")
_DECIMAL = re.compile(r"[+-]?[0-9]*\.[0-9]+")
_DOUBLE = re.compile(r"[+-]?(?:[0-9]+\.[0-9]*|\.[0-9]+|[0-9]+)[eE][+-]?[0-9]+")
_BARE = {XSD.integer: _INTEGER, XSD.decimal: _DECIMAL, XSD.double: _DOUBLE, XSD.boolean: re.compile("true|false")}
_LONG_SPECIAL = re.compile(r'[\x00-\x08\x0b-\x1f\x7f"\\]')

#: Namespaces longest first, so that ``span:`` wins over ``kgi:`` for a mention.
_BY_LENGTH = sorted(((ns, prefix) for prefix, ns in PREFIXES.items()), key=lambda item: -len(item[0]))


def _split(iri: str, valid: Callable[[str], bool]) -> tuple[str, str] | None:
    for ns, prefix in _BY_LENGTH:
        if iri.startswith(ns) and valid(iri[len(ns) :]):
            return prefix, iri[len(ns) :]
    return None


class _Terms:
    """Writes terms in Turtle syntax and remembers which prefixes were used."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def iri(self, iri: str) -> str:
        split = _split(iri, lambda local: _PN_LOCAL.fullmatch(local) is not None)
        if split is None:
            return _iri(iri)
        self.used.add(split[0])
        return f"{split[0]}:{split[1]}"

    def term(self, node: Node, *, predicate: bool = False) -> str:
        if predicate and node == RDF.type:
            return "a"
        if isinstance(node, URIRef):
            return self.iri(str(node))
        if isinstance(node, BNode):
            return f"_:{node}"
        if isinstance(node, Literal):
            return self.literal(node)
        raise OutputError(f"cannot export a node of type {type(node).__name__}: {node!r}")

    def literal(self, node: Literal) -> str:
        lexical = str(node)
        bare = _BARE.get(node.datatype) if node.datatype is not None else None
        if bare is not None and bare.fullmatch(lexical):
            return lexical
        if "\n" in lexical or "\r" in lexical:
            escaped = _LONG_SPECIAL.sub(lambda m: _NT_ESCAPES.get(m.group()) or _uchar(m.group()), lexical)
            text = f'"""{escaped}"""'
        else:
            text = f'"{_escape_string(lexical)}"'
        return _tagged(text, node, self.iri)


def _turtle_body(graph: Graph, terms: _Terms, indent: str = "") -> list[str]:
    """One block of text per subject, in order, each ending with ``.`` and a newline."""
    blocks = []
    for subject in _subjects(graph):
        lines: list[str] = []
        head = indent + terms.term(subject)
        for i, (predicate, objects) in enumerate(_description(graph, subject)):
            start = f"{head} " if i == 0 else f"{indent}    "
            rendered = [terms.term(o) for o in objects]
            line = start + terms.term(predicate, predicate=True) + " " + " , ".join(rendered)
            if len(rendered) > 1 and (len(line) > _WIDTH or any("\n" in r for r in rendered)):
                line = start + terms.term(predicate, predicate=True) + " " + f" ,\n{indent}        ".join(rendered)
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


def write_turtle(graph: Graph) -> str:
    """Turtle: only the prefixes used, subjects in order, ``a`` first, one blank line between subjects."""
    terms = _Terms()
    body = _turtle_body(_canonical(graph), terms)
    return _prefix_lines(terms.used) + "\n".join(body)


def write_trig(parts: Parts) -> str:
    """TriG: each part as a named graph, in the order given, its statements indented by four spaces."""
    terms = _Terms()
    chunks = []
    for name, graph in canonical_blank_nodes(parts).items():
        body = _turtle_body(graph, terms, indent="    ")
        chunks.append(f"{_iri(str(name))} {{\n" + "\n".join(body) + "}\n")
    return _prefix_lines(terms.used) + "\n".join(chunks)


# --------------------------------------------------------------------------- JSON-LD


def _jsonld_iri(iri: str, used: set[str]) -> str:
    split = _split(iri, lambda local: not local.startswith("//"))
    if split is None:
        return iri
    used.add(split[0])
    return f"{split[0]}:{split[1]}"


def _jsonld_value(node: Node, used: set[str]) -> object:
    if isinstance(node, URIRef):
        return {"@id": _jsonld_iri(str(node), used)}
    if isinstance(node, BNode):
        return {"@id": f"_:{node}"}
    if not isinstance(node, Literal):
        raise OutputError(f"cannot export a node of type {type(node).__name__}: {node!r}")
    lexical = str(node)
    if node.language:
        return {"@language": node.language, "@value": lexical}
    if node.datatype is None or node.datatype == XSD.string:
        return lexical
    if node.datatype == XSD.boolean and lexical in ("true", "false"):
        return lexical == "true"
    if node.datatype == XSD.integer and _INTEGER.fullmatch(lexical) and str(int(lexical)) == lexical:
        number = int(lexical)
        if abs(number) < 2**53:  # exact in every JSON reader
            return number
    return {"@type": _jsonld_iri(str(node.datatype), used), "@value": lexical}


def write_jsonld(graph: Graph) -> str:
    """Compacted JSON-LD: an ``@context`` of the prefixes used, one node object per subject, keys sorted."""
    graph = _canonical(graph)
    used: set[str] = set()
    nodes = []
    for subject in _subjects(graph):
        node: dict[str, object] = {"@id": f"_:{subject}" if isinstance(subject, BNode) else _jsonld_iri(subject, used)}
        for predicate, objects in _description(graph, subject):
            if predicate == RDF.type and all(isinstance(o, URIRef | BNode) for o in objects):
                values: list[object] = [
                    f"_:{o}" if isinstance(o, BNode) else _jsonld_iri(str(o), used) for o in objects
                ]
                node["@type"] = values[0] if len(values) == 1 else values
                continue
            values = [_jsonld_value(o, used) for o in objects]
            node[_jsonld_iri(str(predicate), used)] = values[0] if len(values) == 1 else values
        nodes.append(node)
    context = {p: ns for p, ns in PREFIXES.items() if p in used}
    document = {"@context": context, "@graph": nodes}
    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


# --------------------------------------------------------------------------- RDF/XML

_NCNAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _xml_text(text: str, where: str) -> str:
    bad = _XML_FORBIDDEN.search(text)
    if bad:
        raise OutputError(f"RDF/XML cannot hold the character U+{ord(bad.group()):04X} in {where}")
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


def _xml_attr(text: str, where: str) -> str:
    escaped = _xml_text(text, where).replace('"', "&quot;")
    return escaped.replace("\n", "&#10;").replace("\t", "&#9;")


def write_rdfxml(graph: Graph) -> str:
    """RDF/XML: one ``rdf:Description`` per subject in order, blank nodes as ``rdf:nodeID``."""
    graph = _canonical(graph)
    used = {"rdf"}
    extra: dict[str, str] = {}  # namespace -> generated prefix, for predicates outside PREFIXES

    def qname(iri: str) -> str:
        split = _split(iri, lambda local: _NCNAME.fullmatch(local) is not None)
        if split is not None:
            used.add(split[0])
            return f"{split[0]}:{split[1]}"
        match = re.search(r"[A-Za-z_][A-Za-z0-9_.-]*$", iri)
        if not match or match.start() == 0:
            raise OutputError(f"RDF/XML cannot write the property <{iri}>: it does not end in an XML name")
        ns = iri[: match.start()]
        return f"{extra.setdefault(ns, f'p{len(extra)}')}:{match.group()}"

    body = []
    for subject in _subjects(graph):
        where = f"the description of {subject}"
        about = f'rdf:nodeID="{subject}"' if isinstance(subject, BNode) else f'rdf:about="{_xml_attr(subject, where)}"'
        lines = [f"  <rdf:Description {about}>"]
        for predicate, objects in _description(graph, subject):
            name = qname(str(predicate))
            for o in objects:
                if isinstance(o, URIRef):
                    lines.append(f'    <{name} rdf:resource="{_xml_attr(o, where)}"/>')
                elif isinstance(o, BNode):
                    lines.append(f'    <{name} rdf:nodeID="{o}"/>')
                else:
                    attrs = ""
                    if o.language:
                        attrs = f' xml:lang="{o.language}"'
                    elif o.datatype is not None and o.datatype != XSD.string:
                        attrs = f' rdf:datatype="{_xml_attr(o.datatype, where)}"'
                    lines.append(f"    <{name}{attrs}>{_xml_text(str(o), where)}</{name}>")
        lines.append("  </rdf:Description>")
        body.append("\n".join(lines) + "\n")
    declarations = [(p, ns) for p, ns in PREFIXES.items() if p in used]
    declarations += sorted(((p, ns) for ns, p in extra.items()), key=lambda item: natural_key(item[0]))
    xmlns = "".join(f'\n    xmlns:{p}="{_xml_attr(ns, "a namespace")}"' for p, ns in declarations)
    return f'<?xml version="1.0" encoding="utf-8"?>\n<rdf:RDF{xmlns}>\n' + "\n".join(body) + "</rdf:RDF>\n"


# --------------------------------------------------------------------------- formats

FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("turtle", "ttl", "text/turtle", "Turtle", False, _triples_writer(write_turtle)),
        Format("nt", "nt", "application/n-triples", "N-Triples", False, _triples_writer(write_ntriples)),
        Format("nquads", "nq", "application/n-quads", "N-Quads", True, write_nquads),
        Format("trig", "trig", "application/trig", "TriG", True, write_trig),
        Format("jsonld", "jsonld", "application/ld+json", "JSON-LD", False, _triples_writer(write_jsonld)),
        Format("xml", "rdf", "application/rdf+xml", "RDF/XML", False, _triples_writer(write_rdfxml)),
    )
}


def check_format(name: str) -> list[Format]:
    """The formats that ``name`` stands for (``all`` is every one); an unknown name is a UsageError."""
    if name == "all":
        return list(FORMATS.values())
    if name not in FORMATS:
        raise UsageError(f"unknown format {name!r}: choose one of {', '.join([*FORMATS, 'all'])}")
    return [FORMATS[name]]


def serialize(parts: Parts, fmt: str) -> str:
    """The parts (named graphs, in order) written in one format; triple formats merge them."""
    (chosen,) = check_format(fmt)
    return chosen.writer(parts)


# --------------------------------------------------------------------------- what to export


def ontology_parts() -> Parts:
    """The shipped ontology and vocabularies, each as its own graph."""
    paths = resources.ontology_paths()
    return {ONTOLOGY_IRI: parse_turtle(paths[0]), VOCABULARIES_IRI: parse_turtle(paths[1])}


def data_part(data: Sequence[str | Path] | None = None) -> Graph:
    """The data files (default: the shipped data/article.ttl) in one graph, without the ontology."""
    graph = new_graph()
    for path in data or [resources.data_path()]:
        parse_turtle(path, graph)
    return graph


def select_parts(graph: str = "all", data: Sequence[str | Path] | None = None) -> Parts:
    """The named graphs to export for ``graph``: all, data or ontology."""
    if graph not in GRAPH_CHOICES:
        raise UsageError(f"unknown graph {graph!r}: choose one of {', '.join(GRAPH_CHOICES)}")
    parts: Parts = {}
    if graph in ("all", "ontology"):
        parts.update(ontology_parts())
    if graph in ("all", "data"):
        parts[DATA_GRAPH] = data_part(data)
    return parts


def with_description(parts: Parts, *, endpoint: str | None = None, sources: Sequence[Path] = ()) -> Parts:
    """The parts plus their VoID/DCAT description as one more named graph."""
    from kg.describe import describe_dataset

    return {**parts, DESCRIPTION_GRAPH: describe_dataset(parts, endpoint=endpoint, sources=sources)}


def split_parts(graph: Graph) -> Parts:
    """Split a loaded graph (ontology plus data) back into its parts; the data is what the ontology lacks."""
    parts = ontology_parts()
    rest = new_graph()
    for triple in graph:
        if not any(triple in part for part in parts.values()):
            rest.add(triple)
    parts[DATA_GRAPH] = rest
    return parts


def file_name(fmt: Format, graph: str = "all") -> str:
    """``kg.ttl`` for everything, ``kg-data.ttl`` / ``kg-ontology.ttl`` for one part."""
    stem = "kg" if graph == "all" else f"kg-{graph}"
    return f"{stem}.{fmt.extension}"


@dataclass
class Export:
    """What :func:`export_graph` produced: the text (when no file was asked for) and the files written."""

    text: str | None = None
    written: list[tuple[str, Path]] = field(default_factory=list)


def export_graph(
    fmt: str = "turtle",
    out: str | Path | None = None,
    *,
    graph: str = "all",
    data: Sequence[str | Path] | None = None,
    endpoint: str | None = None,
) -> Export:
    """Export ``graph`` (all, data or ontology) in ``fmt``: to ``out`` (a file, or a folder for ``all``) or as text.

    Arguments are checked and ``out`` is probed before anything is read or written;
    files are written to temporary names and renamed into place only when all are done.
    """
    formats = check_format(fmt)
    if graph not in GRAPH_CHOICES:
        raise UsageError(f"unknown graph {graph!r}: choose one of {', '.join(GRAPH_CHOICES)}")
    if fmt == "all" and out is None:
        raise UsageError("--format all writes one file per format: give a directory with --out")
    target = check_output(out, directory=fmt == "all") if out is not None else None
    triples = select_parts(graph, data)
    quads = triples
    if graph == "all" and any(f.quads for f in formats):
        quads = with_description(triples, endpoint=endpoint, sources=source_paths(data))
    texts = {f: f.writer(quads if f.quads else triples) for f in formats}
    if target is None:
        return Export(text=texts[formats[0]])
    paths = {f: (target / file_name(f, graph) if fmt == "all" else target) for f in formats}
    write_atomically({paths[f]: text for f, text in texts.items()})
    return Export(written=[(f.title, paths[f]) for f in formats])


def write_export_dir(graph: Graph, path: Path) -> None:
    """Build output: every format of the loaded graph into the folder ``path``."""
    parts = split_parts(graph)
    quads = with_description(parts, sources=source_paths(None))
    files = {path / file_name(f): f.writer(quads if f.quads else parts) for f in FORMATS.values()}
    write_atomically(files)
