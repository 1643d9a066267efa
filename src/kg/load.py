"""Read the project's Turtle files and the article text, with positions in every error.

>>> g = load_graph()
>>> (ID["kazakhstan"], RDF.type, KG.Country) in g
True
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import pyoxigraph
from rdflib import Graph

from kg import resources
from kg.errors import LoadError
from kg.namespaces import ID, KG, RDF, new_graph  # noqa: F401  (ID, KG, RDF: doctest)
from kg.output import register_input


def read_text(path: str | Path) -> str:
    """The whole file as text, decoded as UTF-8; a missing or non-UTF-8 file is a LoadError."""
    path = Path(path)
    register_input(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise LoadError("no such file", path=path) from None
    except OSError as exc:
        raise LoadError(f"cannot read: {exc.strerror}", path=path) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise LoadError(
            f"not UTF-8: byte 0x{data[exc.start]:02x} cannot be decoded", path=path, line=line, column=column
        ) from None


def _syntax_error(path: Path, text: str, fallback: Exception) -> LoadError:
    """Locate a Turtle syntax error. pyoxigraph reports line and column; rdflib only a line."""
    try:
        for _ in pyoxigraph.parse(
            text.encode("utf-8"), format=pyoxigraph.RdfFormat.TURTLE, base_iri=path.resolve().as_uri()
        ):
            pass  # parsing is lazy: iterate to reach the error
    except SyntaxError as exc:
        message = str(exc.msg).split(" (", 1)[0] if exc.msg else "Turtle syntax error"
        message = message.split(": ", 1)[1] if message.startswith("Parser error at line") else message
        return LoadError(f"Turtle syntax error: {message}", path=path, line=exc.lineno, column=exc.offset)
    except Exception:  # noqa: BLE001 - fall back to rdflib's own report below
        pass
    line = getattr(fallback, "lines", None)
    reason = getattr(fallback, "_why", None) or str(fallback).strip().splitlines()[0]
    return LoadError(f"Turtle syntax error: {reason}", path=path, line=line + 1 if isinstance(line, int) else None)


def parse_turtle(path: str | Path, graph: Graph | None = None) -> Graph:
    """Parse one Turtle file into ``graph`` (a new one if not given) and return the graph."""
    path = Path(path)
    graph = new_graph() if graph is None else graph
    text = read_text(path)
    scratch = Graph(bind_namespaces="none")
    try:
        scratch.parse(data=text, format="turtle", publicID=path.resolve().as_uri())
    except Exception as exc:  # noqa: BLE001 - rdflib raises many types for bad syntax
        raise _syntax_error(path, text, exc) from None
    for triple in scratch:
        graph.add(triple)
    return graph


def source_paths(data: Sequence[str | Path] | None = None) -> list[Path]:
    """The Turtle files of the default graph, in reading order: ontology, vocabularies, then the data.

    ``data`` defaults to the shipped ``data/article.ttl``.
    """
    return [*resources.ontology_paths(), *(Path(p) for p in (data or [resources.data_path()]))]


def load_ontology() -> Graph:
    """The shipped ontology and its SKOS vocabularies in one graph (no data)."""
    return _parse_all(resources.ontology_paths())


def load_graph(data: Sequence[str | Path] | None = None, *, ontology: bool = True) -> Graph:
    """The ontology and vocabularies (unless ``ontology=False``) plus the data files.

    ``data`` defaults to the shipped ``data/article.ttl``.
    """
    paths = source_paths(data)
    return _parse_all(paths if ontology else paths[len(resources.ontology_paths()) :])


def _parse_all(paths: Iterable[Path]) -> Graph:
    graph = new_graph()
    for path in paths:
        parse_turtle(path, graph)
    return graph


def article_text() -> str:
    """The shipped article text, verbatim."""
    return read_text(resources.article_text_path())
