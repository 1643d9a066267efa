"""``kg export`` and the build's exports: which graphs to write, in which formats, to which files.

The writers themselves are in :mod:`kg.writers` (a bottom module); this module
chooses what is exported and writes the files atomically.

What is exported is chosen with ``graph``:

* ``all`` (default): the ontology, the SKOS vocabularies and the data, each
  read once by :class:`kg.sources.Sources` (never split back out of a union).
  The dataset formats (TriG, N-Quads) keep each in its own named graph and add
  the VoID/DCAT description as a fourth; no triple stands in two graphs, and
  the default graph is empty (query them with a union default graph, or name
  the graphs with ``FROM``).
* ``data``: the data file(s) alone; the Turtle of this is the normal form of
  ``data/article.ttl``.
* ``ontology``: the ontology and the vocabularies.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from kg.errors import UsageError
from kg.formats import FORMATS, RdfFormat, rdf_format
from kg.load import source_paths
from kg.namespaces import new_graph
from kg.output import Export, check_output, refuse_input, register_input, write_atomically
from kg.sources import GRAPH_CHOICES, Parts, Sources, description_graph
from kg.terms import natural_key  # noqa: F401  (re-exported for older callers)
from kg.writers import (  # noqa: F401  (re-exported: the writers' former home)
    Canonical,
    serialize,
    to_quads,
    write_jsonld,
    write_nquads,
    write_ntriples,
    write_rdfxml,
    write_to,
    write_trig,
    write_turtle,
)
from kg.writers.quads import Streamed

if TYPE_CHECKING:
    from rdflib import Graph


def __getattr__(name: str) -> Any:
    """``DATA_GRAPH`` and ``DESCRIPTION_GRAPH`` (re-exported from :mod:`kg.sources`, where they are made at first
    use: an export of a triple format imports no rdflib)."""
    if name in ("DATA_GRAPH", "DESCRIPTION_GRAPH"):
        import kg.sources

        return getattr(kg.sources, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def check_format(name: str) -> list[RdfFormat]:
    """The formats that ``name`` stands for (``all`` is every one; aliases allowed); unknown is a UsageError."""
    if name == "all":
        return list(FORMATS.values())
    return [rdf_format(name, also=("all",))]


def union(parts: Parts) -> Graph:
    """All the graphs merged into one rdflib Graph."""
    return new_graph(*parts.values())


# --------------------------------------------------------------------------- what to export


def select_parts(graph: str = "all", data: Sequence[str | Path] | None = None) -> Parts:
    """The named graphs to export for ``graph``: all, data or ontology (see :meth:`kg.sources.Sources.parts`)."""
    return Sources(data).parts(graph)


def with_description(parts: Parts, *, endpoint: str | None = None, sources: Sequence[Path] = ()) -> Parts:
    """The parts plus their VoID/DCAT description as one more named graph, no triple in two graphs."""
    from kg.describe import describe_dataset
    from kg.sources import DESCRIPTION_GRAPH

    description = describe_dataset(parts, endpoint=endpoint, sources=sources)
    return {**parts, DESCRIPTION_GRAPH: description_graph(description, parts)}


def file_name(fmt: RdfFormat, graph: str = "all") -> str:
    """``kg.ttl`` for everything, ``kg-data.ttl`` / ``kg-ontology.ttl`` for one part."""
    stem = "kg" if graph == "all" else f"kg-{graph}"
    return f"{stem}.{fmt.extension}"


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
    if target is not None:
        paths = [target / file_name(f, graph) for f in formats] if fmt == "all" else [target]
        for source in source_paths(data):  # refuse before any work, not only when writing
            register_input(source)
        for path in paths:
            refuse_input(path)
    writers = _writers(Sources(data), graph, formats, endpoint=endpoint)
    if target is None:
        return Export(text=serialize(*writers[formats[0]]()))
    paths = {f: (target / file_name(f, graph) if fmt == "all" else target) for f in formats}
    # Each file written as its text is made, and read back from the disk (kg.writers.sink): no text held whole.
    write_atomically({paths[f]: _to_file(writer) for f, writer in writers.items()})
    return Export(written=[(f.title, paths[f]) for f in formats])


def _to_file(writer: Callable[[], tuple[Any, RdfFormat]]) -> Callable[[BinaryIO, Path], Path]:
    def write(handle: BinaryIO, path: Path) -> Path:
        return write_to(*writer(), handle, path)

    return write


def write_export_dir(sources: Sources, path: Path) -> None:
    """Build output: every format of the graph's parts (and their description) into the folder ``path``."""
    write_atomically({path / file_name(f): text for f, text in exported(sources).items()})


#: The texts of :func:`exported`, for as long as their Sources live.
_EXPORTED: weakref.WeakKeyDictionary[Sources, dict[RdfFormat, str]] = weakref.WeakKeyDictionary()


def exported(sources: Sources) -> dict[RdfFormat, str]:
    """Every format of the graph's parts (and their description), written once for each Sources: the build
    writes them to export/ and, gzipped, to the static site's dumps/."""
    if sources not in _EXPORTED:
        _EXPORTED[sources] = _serialize_all(sources, "all", list(FORMATS.values()))
    return _EXPORTED[sources]


def _serialize_all(
    sources: Sources, graph: str, formats: Sequence[RdfFormat], *, endpoint: str | None = None
) -> dict[RdfFormat, str]:
    """Each format's text of the parts of ``graph`` (see :func:`_writers`)."""
    return {f: serialize(*writer()) for f, writer in _writers(sources, graph, formats, endpoint=endpoint).items()}


def _writers(
    sources: Sources, graph: str, formats: Sequence[RdfFormat], *, endpoint: str | None = None
) -> dict[RdfFormat, Callable[[], tuple[Any, RdfFormat]]]:
    """For each format, what makes the source it is written from (and the format), called when it is written:
    the parts of ``graph`` from the pyoxigraph store that holds them (:meth:`kg.sources.Sources.stored`), the
    dataset formats with each part in its named graph (and, for ``all``, the description), the triple formats
    merged (N-Triples from the statements as read, below). Never an rdflib graph, and no Python object per
    statement unless the graph has blank nodes or a literal the store would rewrite (see
    :mod:`kg.writers.stored`)."""
    prepared: dict[bool, Any] = {}
    merged = not any(f.dataset for f in formats)  # then the triple formats need no store of the named graphs

    def source(dataset: bool) -> Any:
        if dataset not in prepared:
            described = dataset and graph == "all"
            prepared[dataset] = sources.stored(
                graph, triples=not dataset, described=described, endpoint=endpoint, merged=merged
            )
        return prepared[dataset]

    def made(f: RdfFormat) -> Callable[[], tuple[Any, RdfFormat]]:
        if f.name == "nt":
            # N-Triples is Oxigraph's own serialisation, sorted: from the statements as read it costs less
            # than through the store, the check that the store keeps every term, and the store's
            # serialisation (1 000 articles: 1.60 s CPU and 219 MB against 1.82 s and 280 MB); to a file,
            # without a Python list of them (kg.writers.ntriples).
            return lambda: (Streamed(lambda: sources.statements(graph)), f)
        return lambda: (source(f.dataset), f)

    return {f: made(f) for f in formats}
