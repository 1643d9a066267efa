"""Which store a local query runs on: the content key of its inputs, and a store kept loaded for them.

A store is identified by what it was loaded from: the entailment and, for each
input file in reading order (ontology, vocabularies, data), its format and the
SHA-256 of its bytes. Never by names, sizes or modification times: a file
rewritten with other content of the same size and an old time is another store.
Hashing costs little beside parsing: 7 MB (1 000 synthetic articles) in about
5 ms, 64 MiB (the input limit) in about 40 ms. A store is loaded from the very
bytes that were hashed (:func:`read_keyed`), so each input is read and hashed
once, and a file rewritten during the load cannot be kept under the old key.

The warm query process (:mod:`kg.warm`) loads stores once and, before it forks
the worker that answers a request, marks the one for that request's inputs
(:func:`keep`); :func:`kept_engine` hands it to the worker's
:func:`kg.sparql.engines.open_engine`. In any other process nothing is kept and
every query loads its inputs.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from kg.base_iri import current_base
from kg.load import check_input, loads_directly, source_paths
from kg.output import register_input

#: (resolved input paths, entailment, base IRI of the inputs, engine, inputs checked) for this process's next query.
_KEPT: tuple[tuple[Path, ...], str, str | None, Any, bool] | None = None


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
    import hashlib  # OpenSSL's, about 3 ms to import: only where inputs are hashed (the warm query process)

    parts: list[tuple[str, str]] = []
    names: list[str] = []
    for path in source_paths(data):
        checked, fmt = check_input(path, scan=scan)
        with checked.open("rb") as handle:
            parts.append((fmt.name, hashlib.file_digest(handle, "sha256").hexdigest()))
        names.append(str(checked.resolve()))
    return (entailment, tuple(parts), current_base()), names


def read_keyed(data: Sequence[str | Path] | None, entailment: str) -> tuple[tuple[Any, ...], list[str], list[bytes]]:
    """:func:`inputs_key` of ``data`` with ``entailment``, and the bytes it hashed, to load (each input read once).

    A store loaded from these bytes is the store of this key; only the files that are not
    loaded from them (:func:`loads_directly`) can have changed since: see :func:`reread`.
    """
    import hashlib

    parts: list[tuple[str, str]] = []
    names: list[str] = []
    contents: list[bytes] = []
    for path in source_paths(data):
        checked, fmt = check_input(path)
        with checked.open("rb") as handle:
            contents.append(handle.read())
        parts.append((fmt.name, hashlib.sha256(contents[-1]).hexdigest()))
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
