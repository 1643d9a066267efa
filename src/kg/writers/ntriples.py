"""N-Triples and N-Quads, written by pyoxigraph's serialiser (canonical escaping from a W3C-conformant
library); we only sort its lines, so the same graph gives the same bytes on every run.

Written from a :class:`~kg.writers.stored.Stored` dataset, N-Triples is the sorted distinct lines
of Oxigraph's own serialisation of the stores' graphs, and the re-read check compares in
Oxigraph's and the standard library's code (:func:`_reads_as_written`): the text's lines are
the serialisation's lines, each once, one for each statement the stores hold, and the strict
parser reads the text back as statements that serialise as the text itself, byte for byte.
Otherwise, and for N-Quads (whose statements the general check finds in the stores without making a
quad of each: it was the faster there), the general check (:func:`kg.writers.check.verify`) decides,
and names what differs.

Written to a file (:func:`kg.writers.write_to`), either is sorted from a scratch file of the
serialisation, in parts (:func:`_sorted_to`), and checked from the file in the same way, for any
source (:func:`_write_file`); statements as read (:class:`kg.writers.quads.Streamed`, ``kg export
--format nt``) are serialised as they come, with no Python list of them.
"""

from __future__ import annotations

import mmap
import tempfile
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from itertools import count as count_from
from operator import itemgetter, lt
from pathlib import Path
from typing import Any, BinaryIO

import pyoxigraph
from pyoxigraph import Quad

from kg.formats import FORMATS
from kg.writers.check import verify
from kg.writers.quads import Canonical, Source, Streamed, to_quads
from kg.writers.sink import Target
from kg.writers.stored import Stored


def _lines(quads: list[Quad] | Stored, fmt: pyoxigraph.RdfFormat) -> set[bytes]:
    """The distinct lines of pyoxigraph's text of ``quads``, as UTF-8 bytes.

    Split as bytes: a line ends only at a line feed there, where ``str.splitlines`` also breaks at
    U+2028, U+0085 and the other separators pyoxigraph writes unescaped inside a literal.
    """
    data = quads.serialize(fmt) if isinstance(quads, Stored) else pyoxigraph.serialize(quads, format=fmt)
    return set(data.splitlines(keepends=True))


def _sorted_lines(lines: Iterable[bytes]) -> bytes:
    """The lines sorted as bytes (code-point order, as the text's characters would sort) and joined."""
    return b"".join(sorted(lines))


def _reads_as_written(data: bytes, fmt: pyoxigraph.RdfFormat, lines: set[bytes], count: int) -> bool:
    """Whether ``data`` is ``lines``, each once, ``count`` of them, and the strict parser reads it back as
    statements that serialise as ``data`` again."""
    written = data.splitlines(keepends=True)
    if len(written) != count or len(lines) != count or not lines.issuperset(written):
        return False
    del written
    try:
        again = pyoxigraph.serialize(pyoxigraph.parse(data, format=fmt), format=fmt)
    except (SyntaxError, MemoryError, ValueError):
        return False
    return again == data


def _file_reads_as_written(path: Path, fmt: pyoxigraph.RdfFormat) -> bool:
    """Whether the strict parser reads the file at ``path`` back as statements that serialise as the file
    itself, byte for byte: the serialisation compared with the file's bytes as pyoxigraph writes it, a
    buffer at a time (:class:`_SameBytes`; neither text is held, nor written again: a scratch file of it
    was 0.05 s of system time for the 37 MB of N-Quads at 1 000 synthetic articles)."""
    try:
        with path.open("rb") as written:
            again = _SameBytes(written)
            pyoxigraph.serialize(pyoxigraph.parse(path=str(path), format=fmt), again, format=fmt)
            return again.same and not written.read(1)
    except (SyntaxError, MemoryError, ValueError):
        return False


class _SameBytes:
    """A binary output that compares what is written to it with what ``handle`` reads next (``same``)."""

    def __init__(self, handle: BinaryIO) -> None:
        self.handle = handle
        self.same = True

    def write(self, data: bytes) -> int:
        if self.same and self.handle.read(len(data)) != data:
            self.same = False
        return len(data)

    def flush(self) -> None:
        pass


def _write(source: Source, name: str, *, triples: bool, to: Target = None) -> Any:
    fmt = FORMATS[name]
    if to is not None and isinstance(source, Streamed) and triples:
        written = _written_from_statements(source, fmt, *to)
        if written is not None:
            return written
        to[0].seek(0)
        to[0].truncate()
    quads = to_quads(source, triples=triples)
    if to is not None:
        return _write_file(quads, fmt, *to)
    if isinstance(quads, Canonical):  # each statement once: each line once
        data = _sorted_lines(pyoxigraph.serialize(quads, format=fmt.oxigraph).splitlines(keepends=True))
        return verify(data.decode("utf-8"), fmt, quads)
    lines = _lines(quads, fmt.oxigraph)
    data = _sorted_lines(lines)
    if triples and isinstance(quads, Stored) and _reads_as_written(data, fmt.oxigraph, lines, len(quads)):
        return data.decode("utf-8")
    del lines
    text = data.decode("utf-8")
    del data  # each copy let go as soon as the next is made: at 1 000 articles each is about 30 MB
    return verify(text, fmt, quads)


def _counted(statements: Iterable[Quad], counter: Iterator[int]) -> Iterator[Quad]:
    """``statements``, each counted by ``counter`` as it passes (``next(counter)`` after: how many), in C."""
    return map(itemgetter(0), zip(statements, counter, strict=False))


#: The serialisation is sorted in parts of about this many bytes, split by lines sampled from it, so that
#: the lines of one part only are held at once (at 1 000 synthetic articles N-Quads are 37 MB).
_PART = 8 << 20


def _sorted_to(handle: BinaryIO, path: Path, serialize: Callable[[BinaryIO], int]) -> tuple[bool, int]:
    """What ``serialize`` writes to a scratch file (it returns how many statements it wrote), its lines sorted
    as bytes and each once, written to ``handle`` (open at ``path``) and flushed; whether the file is that,
    and how many lines it has.

    The lines are sorted part by part (:func:`_parts`): each part's lines are sorted, each kept once, joined
    into one block, written, and the file's bytes there read back and compared with the block. The file is
    what it must be when the scratch file had one line for each statement serialised, every part's block
    is the file's bytes where it was written, and each part's first line follows the last line of the part
    before; checked in the standard library's code (a byte comparison per part, no Python step per line)."""
    whole, rising, total, last = True, True, 0, b""
    with tempfile.TemporaryFile(dir=path.parent) as scratch, ExitStack() as stack:
        count = serialize(scratch)
        parts, read = _parts(scratch, path.parent, stack)
        whole = read == count
        for part in parts:
            part.seek(0)
            lines = part.readlines()  # split at line feeds only (see _lines)
            part.close()
            lines.sort()
            if not all(map(lt, lines, lines[1:])):  # a line twice (a statement stated in two files)
                lines = list(dict.fromkeys(lines))
            block = b"".join(lines)
            start = handle.tell()
            handle.write(block)
            handle.flush()
            with path.open("rb") as written:
                written.seek(start)
                same = written.read(len(block) + 1) == block  # the file holds the block there, and no more
            rising = rising and same and (not lines or not total or last < lines[0])
            total += len(lines)
            last = lines[-1] if lines else last
            del lines, block
    return whole and rising, total


def _parts(scratch: BinaryIO, folder: Path, stack: ExitStack) -> tuple[list[BinaryIO], int]:
    """The lines of ``scratch`` in files of about :data:`_PART` bytes each, every line of one below every line
    of the next (split at lines sampled from it: a line equal to a pivot goes to the part it ends); how many
    lines were read. A serialisation of one part's size is its own part."""
    size = scratch.tell()
    scratch.seek(0)
    if size <= _PART:
        return [scratch], len(scratch.readlines())
    k = size // _PART + 1
    # Sampled where they are (the line after each of 64 evenly spaced places per part), not read whole for it
    # (a pass over the serialisation: 0.03-0.04 s for 37 MB).
    sample: list[bytes] = []
    places = 64 * k
    for place in range(1, places):
        scratch.seek(size * place // places)
        scratch.readline()  # the end of the line the place falls in
        line = scratch.readline()
        if line:
            sample.append(line)
    sample.sort()
    pivots = sample[len(sample) // k :: max(1, len(sample) // k)][: k - 1]
    files = [stack.enter_context(tempfile.TemporaryFile(dir=folder)) for _ in range(len(pivots) + 1)]  # noqa: SIM115
    scratch.seek(0)
    read = 0
    for chunk in iter(lambda: scratch.readlines(1 << 20), []):
        read += len(chunk)
        chunk.sort()
        begin = 0
        for pivot, out in zip(pivots, files, strict=False):
            end = bisect_right(chunk, pivot, begin)
            out.writelines(chunk[begin:end])
            begin = end
        files[-1].writelines(chunk[begin:])
    return files, read


def _write_file(quads: list[Quad] | Stored, fmt: Any, handle: BinaryIO, path: Path) -> Path:
    """The sorted lines of ``quads`` written to ``handle`` (open at ``path``), and read back from the file.

    The file is what it must be when it is the sorted distinct lines of the statements' serialisation
    (:func:`_sorted_to`), as many as the statements meant (each statement serialises as one line of its
    own), and the strict parser reads it back as statements that serialise as the file itself; all that is
    checked in Oxigraph's and the standard library's code, with no Python object held per statement.
    Otherwise the general check decides and names what differs."""

    def serialize(out: BinaryIO) -> int:
        if isinstance(quads, Stored):
            quads.serialize(fmt.oxigraph, out)
            return sum(part.size for part in quads.parts)
        pyoxigraph.serialize(quads, out, format=fmt.oxigraph)
        return len(quads)

    sorted_lines, count = _sorted_to(handle, path, serialize)
    if sorted_lines and count == len(quads) and _file_reads_as_written(path, fmt.oxigraph):
        return path
    return verify(path, fmt, quads)


def _written_from_statements(source: Streamed, fmt: Any, handle: BinaryIO, path: Path) -> Path | None:
    """The statements of ``source`` as read, serialised and sorted straight to the file (no Python object
    kept per statement), when they have no blank node (else None: their labels must be made canonical
    first, :func:`kg.writers.quads.to_quads`).

    The file holds exactly those statements when it is the sorted distinct lines of their serialisation
    (:func:`_sorted_to`: one line for each statement, counted as they pass) and the strict parser reads it
    back as statements that serialise as the file itself (a statement serialises as one line, the same for
    the same statement only)."""
    blank = False

    def serialize(out: BinaryIO) -> int:
        nonlocal blank
        counter = count_from()
        pyoxigraph.serialize(_counted(source, counter), out, format=fmt.oxigraph)
        out.flush()
        if out.tell():
            with mmap.mmap(out.fileno(), 0, access=mmap.ACCESS_READ) as data:
                blank = data.find(b"_:") >= 0  # a blank node's label, or those two characters in a literal
        return next(counter)

    sorted_lines, _ = _sorted_to(handle, path, serialize)
    if blank:
        return None
    if sorted_lines and _file_reads_as_written(path, fmt.oxigraph):
        return path
    return verify(path, fmt, to_quads(source, triples=True))


def write_ntriples(source: Source, to: Target = None) -> Any:
    """N-Triples by pyoxigraph's writer, one triple a line, lines sorted (``to``: a binary file open for writing
    and its path, where the lines go as they are sorted; its path returned)."""
    return _write(source, "nt", triples=True, to=to)  # all in the default graph: pyoxigraph writes them as triples


def write_nquads(source: Source, to: Target = None) -> Any:
    """N-Quads by pyoxigraph's writer, every triple with the name of its graph, lines sorted (``to``: as
    :func:`write_ntriples`)."""
    return _write(source, "nquads", triples=False, to=to)
