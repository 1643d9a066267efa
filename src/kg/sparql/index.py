"""Which store a local query runs on: the content key of its inputs, and a store kept loaded for them.

A store is identified by what it was loaded from: the entailment and, for each
input file in reading order (ontology, vocabularies, data), its format and the
SHA-256 of its bytes. Never by names, sizes or modification times: a file
rewritten with other content of the same size and an old time is another store.
A store is loaded from the very bytes that were hashed (:func:`read_keyed`), so
each input is read and hashed once, and a file rewritten during the load cannot
be kept under the old key.

A file's hash is taken again only when the file may have changed: the rule, and the hashes this
process trusts, are :mod:`kg.content`'s (git's rule for "racily clean" index entries).

The warm query process (:mod:`kg.warm`) loads stores once and, before it forks
the worker that answers a request, marks the one for that request's inputs
(:func:`keep`); :func:`kept_engine` hands it to the worker's
:func:`kg.sparql.engines.open_engine`.

Any process keeps the engine it last opened itself for a call of the library
(:func:`opened_engine`: :func:`kg.sparql.query` and ``check_queries``), one per
engine kind, known by its inputs' content (:class:`kg.content.Contents`): a
notebook, a test or a script that queries the same files again and again loads
them once (the article: 12 ms of CPU a query with oxigraph, 124 ms with rdflib,
against some 1 ms to check and compare the inputs). Only engines no caller holds, and only for queries that cannot
load into them: an engine or graph the caller passed, and an engine handed to a
caller (the browser's store), are never kept; nor are the engines of queries that
may load FROM graphs (``allow_external``) or run in this process rather than a
child (no time limit).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from kg.base_iri import current_base
from kg.content import Contents, content_digest, read_digested
from kg.errors import LoadError
from kg.load import check_input, loads_directly, source_paths
from kg.output import register_input

#: (resolved input paths, entailment, base IRI of the inputs, engine, inputs checked) for this process's next query.
_KEPT: tuple[tuple[Path, ...], str, str | None, Any, bool] | None = None
#: The engine this process last opened for a call of the library, per engine kind: kind -> ((entailment, base IRI,
#: the files' formats), the files' bytes, engine).
_OPENED: dict[str, tuple[tuple[Any, ...], Contents, Any]] = {}


def _resolved(data: Sequence[str | Path] | None) -> tuple[Path, ...]:
    return tuple(Path(p).resolve() for p in source_paths(data))


def inputs_key(
    data: Sequence[str | Path] | None, entailment: str, *, scan: bool = True
) -> tuple[tuple[Any, ...], list[str]]:
    """The content key of the inputs of a query on ``data`` with ``entailment``, and the inputs' paths.

    The key is (entailment, each input's (format, SHA-256), the base IRI of the inputs' relative IRIs).

    Each file passes :func:`kg.load.check_input` first (kind, size limit,
    byte-order mark), as a load would; its LoadError propagates. ``scan=False``: without the search
    for triple terms, for a caller that uses the key only to find a store loaded (by :func:`read_keyed`,
    which makes every check) from the same bytes, and else reads them with :func:`read_keyed`.
    """
    parts: list[tuple[str, str]] = []
    names: list[str] = []
    for path in source_paths(data):
        checked, fmt = check_input(path, scan=scan)
        with checked.open("rb") as handle:
            parts.append((fmt.name, content_digest(handle)))
        names.append(str(checked.resolve()))
    return (entailment, tuple(parts), current_base()), names


def read_keyed(data: Sequence[str | Path] | None, entailment: str) -> tuple[tuple[Any, ...], list[str], list[bytes]]:
    """:func:`inputs_key` of ``data`` with ``entailment``, and the bytes it hashed, to load (each input read once).

    A store loaded from these bytes is the store of this key; only the files that are not
    loaded from them (:func:`loads_directly`) can have changed since: see :func:`reread`.
    """
    parts: list[tuple[str, str]] = []
    names: list[str] = []
    contents: list[bytes] = []
    for path in source_paths(data):
        checked, fmt = check_input(path)
        with checked.open("rb") as handle:
            content, digest = read_digested(handle)
        contents.append(content)
        parts.append((fmt.name, digest))
        names.append(str(checked.resolve()))
    return (entailment, tuple(parts), current_base()), names, contents


def reread(data: Sequence[str | Path] | None) -> bool:
    """Whether a load of ``data`` reads some file again rather than the bytes :func:`read_keyed` gave."""
    base = current_base()
    return any(not loads_directly(check_input(path)[1], base) for path in source_paths(data))


def keep(engine: Any, data: Sequence[str | Path] | None = None, entailment: str = "", *, checked: bool = False) -> None:
    """Mark ``engine`` as the store of ``data`` with ``entailment`` for this process's next query (None: none).

    ``checked``: the inputs have just passed :func:`kg.load.check_input` for this very request (its
    environment and folder: the warm process checks them as it hashes them), so the query does
    not check them again (at 10 000 articles a second pass over 69 MB: 36 ms a query).
    """
    global _KEPT
    _KEPT = None if engine is None else (_resolved(data), entailment, current_base(), engine, checked)


def kept_engine(data: Sequence[str | Path] | None, entailment: str) -> Any | None:
    """The engine :func:`keep` marked for these inputs and entailment, after the input checks; else None."""
    if _KEPT is None:
        return None
    paths, kept_entailment, base, engine, checked = _KEPT
    if kept_entailment != entailment or base != current_base() or paths != _resolved(data):
        return None
    for path in source_paths(data):
        if checked:
            register_input(path)  # what check_input registers: no output of this run may replace an input
        else:
            check_input(path)  # the limits of this request's environment; registers the inputs
    return engine


def opened_engine(
    kind: str, data: Sequence[str | Path] | None, entailment: str, load: Callable[[list[bytes]], Any]
) -> Any:
    """The ``kind`` of engine on ``data`` with ``entailment`` for one call of the library: the one this process
    opened last if its inputs' content is the same (the entailment, the base IRI, each file's format and bytes:
    :class:`kg.content.Contents`), else ``load(contents)`` from the bytes read, kept for the next call in place
    of the one before.

    The input checks run on every call (:func:`kg.load.check_input`, as they do for :func:`kept_engine`,
    which comes first: the warm query process's store). One engine is kept per kind, the last: memory stays
    bounded by one store of each (the article's store is a few MB, 1 000 articles' some 190 MB) and the bytes
    it was loaded from until they are hashed, and the calls this is for (a notebook's, a test file's, a
    script's) query one set of inputs many times in a row; the old engine is let go before the new one loads.
    The files are hashed only when a later call's files have the same sizes, so a process that queries once
    (``kg query``) hashes nothing. An engine whose files were read again by its load (:func:`reread`) is kept
    only if they still hold the bytes read. Only for an engine no caller holds, on which no query can load
    anything: see the module docstring.
    """
    warm = kept_engine(data, entailment) if kind == "oxigraph" else None
    if warm is not None:
        return warm
    held = _OPENED.get(kind)
    # the checks of every call (a load makes them itself, its search for triple terms too)
    checked = [check_input(path, scan=held is not None) for path in source_paths(data)]
    paths = [path for path, _ in checked]
    shape = (entailment, current_base(), tuple(fmt.name for _, fmt in checked))
    if held is not None:
        if held[0] == shape and held[1].held_by(paths):
            return held[2]
        del _OPENED[kind], held  # its memory goes before the new engine's load
    contents = [_read_bytes(path) for path in paths]
    engine = load(contents)
    if not reread(data) or all(_read_bytes(path) == content for path, content in zip(paths, contents, strict=True)):
        _OPENED[kind] = (shape, Contents(contents), engine)
    return engine


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise LoadError(f"cannot read: {exc.strerror}", path=path) from None


def forget_opened() -> None:
    """Let go of the engines :func:`opened_engine` keeps (their memory is freed once no call holds them)."""
    _OPENED.clear()
