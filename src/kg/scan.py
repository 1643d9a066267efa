"""What the bytes of an RDF document show before the parser reads it, and where in a file a fault lies when the
parser gave no position (an undecodable byte, an XML fault, a quoted text, the IRI at a column).

pyoxigraph's parsers recurse: a Turtle file of 100 000 ``[`` crashes the process with a
stack overflow, and RDF/XML slows down with the square of its depth. No parser offers a
depth limit, so :func:`structure_fault` measures the depth first, on the bytes, without
parsing: Turtle and TriG ``[`` and ``(`` inside each other, RDF/XML elements inside each
other, at most :data:`kg.limits.MAX_NESTING` deep; and RDF/XML entities may not amplify
the input (expat's billion-laughs limit).

:func:`triple_term_position` finds where an RDF 1.2 triple term (``<<( s p o )>>``, a
reified triple ``<< s p o >>`` or an annotation ``{| ... |}``) opens, which kg does not
read, for the message that names it (pyoxigraph reads them and gives no position).

Our own code, on bytes (an mmap of a whole file or an answer held in memory), because the
parsers give no such limit and no position per statement.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from kg.limits import MAX_NESTING

#: Turtle's strings (long and short, either quote), which may hold any bracket or ``<<``.
_STRINGS = (
    rb'"""(?:[^"\\]|\\.|"(?!""))*"""'
    rb"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    rb'|"(?:[^"\\\n\r]|\\.)*"'
    rb"|'(?:[^'\\\n\r]|\\.)*'"
)
#: What can hide a bracket in Turtle and TriG: strings, IRIs, comments, escapes in local names.
_TURTLE_TOKEN = re.compile(_STRINGS + rb"|<[^>\n\r]*>|#[^\n\r]*|\\.|[\[\]()]", re.DOTALL)
#: Strings, IRIs (which hold no ``<`` and no space) and comments, and what opens a triple term or an annotation.
_TRIPLE_TERM_TOKEN = re.compile(_STRINGS + rb"|<[^<>\s]*>|#[^\n\r]*|<<|\{\|", re.DOTALL)


def _position(data: Any, offset: int) -> tuple[int, int]:
    """Line and column (in code points), 1-based, of the byte at ``offset``."""
    start = data.rfind(b"\n", 0, offset) + 1
    column = len(bytes(data[start:offset]).decode("utf-8", "replace")) + 1
    return bytes(data[:offset]).count(b"\n") + 1, column


def structure_fault(data: Any, fmt_name: str) -> tuple[int, int, str] | None:
    """Where ``data`` (bytes or an mmap of a whole document) nests too deep for the parser, or amplifies.

    Returns (line, column, message) of the first fault, or None. Turtle and TriG:
    ``[`` and ``(`` nested more than :data:`MAX_NESTING` deep outside strings, IRIs
    and comments; RDF/XML: elements nested that deep, or entities that amplify the
    input (expat's limit); other formats: None (N-Triples and N-Quads do not nest,
    pyoxigraph's JSON-LD reader has its own depth limit).

    >>> structure_fault(b"[" * (MAX_NESTING + 1), "turtle")[:2]
    (1, 1001)
    >>> structure_fault(b'"[[["' * MAX_NESTING, "turtle") is None
    True
    """
    if fmt_name == "xml":
        return _xml_fault(data)
    if fmt_name not in ("turtle", "trig") or _openings(data) <= MAX_NESTING:
        return None
    depth = 0
    for match in _TURTLE_TOKEN.finditer(data):
        token = match.group()
        if token in (b"[", b"("):
            depth += 1
            if depth > MAX_NESTING:
                line, column = _position(data, match.start())
                return line, column, f"nested more than {MAX_NESTING} levels deep ([ and ( inside each other)"
        elif token in (b"]", b")"):
            depth = max(0, depth - 1)
    return None


def _openings(data: Any, chunk: int = 1 << 20) -> int:
    """How many ``[`` and ``(`` bytes ``data`` holds (a cheap bound on its depth), read a chunk at a time."""
    total = 0
    with memoryview(data) as view:
        for at in range(0, len(view), chunk):
            part = bytes(view[at : at + chunk])
            total += part.count(b"[") + part.count(b"(")
    return total


class _TooDeep(Exception):
    """Raised from expat's handler at the element that is one level too deep: (line, column), 1-based."""


def _xml_fault(data: Any) -> tuple[int, int, str] | None:
    import xml.parsers.expat  # only for an RDF/XML file

    parser = xml.parsers.expat.ParserCreate()
    depth = 0

    def start(name: str, attributes: Any) -> None:
        nonlocal depth
        depth += 1
        if depth > MAX_NESTING:
            raise _TooDeep(parser.CurrentLineNumber, parser.CurrentColumnNumber + 1)

    def end(name: str) -> None:
        nonlocal depth
        depth -= 1

    parser.StartElementHandler, parser.EndElementHandler = start, end
    try:
        parser.Parse(bytes(data), True)
    except _TooDeep as deep:
        line, column = deep.args
        return line, column, f"elements nested more than {MAX_NESTING} levels deep"
    except xml.parsers.expat.ExpatError as exc:
        if "amplification" in str(exc):
            return exc.lineno, exc.offset + 1, "its entities expand it past the limit on input amplification"
    return None


def triple_term_position(data: Any, fmt_name: str) -> tuple[int | None, int | None]:
    """Line and column where the first RDF 1.2 triple term or annotation opens in a Turtle, TriG, N-Triples or
    N-Quads document, outside strings, IRIs and comments; (None, None) in other formats or if none is found.

    >>> triple_term_position(b'<a> <b> "<<" .\\n<a> <b> <<( <a> <b> <c> )>> .', "nt")
    (2, 9)
    >>> triple_term_position(b"<a> <b> <c> {| <d> <e> |} .", "turtle")
    (1, 13)
    """
    if fmt_name not in ("turtle", "trig", "nt", "nquads"):
        return None, None
    for match in _TRIPLE_TERM_TOKEN.finditer(data):
        if match.group() in (b"<<", b"{|"):
            return _position(data, match.start())
    return None, None


# --------------------------------------------------------------------------- where the parser gave no position


def first_undecodable(path: Path) -> tuple[int | None, int | None, int | None]:
    """Line, column (in code points) and value of the first byte of ``path`` that is not UTF-8.

    pyoxigraph reports such a byte from the start of the token that holds it, and
    its column can be off by one; the file (already within the size limit) is
    decoded here instead, on this error path only.
    """
    data = path.read_bytes()
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        start = data.rfind(b"\n", 0, exc.start) + 1
        column = len(data[start : exc.start].decode("utf-8", errors="replace")) + 1
        return data[: exc.start].count(b"\n") + 1, column, data[exc.start]
    return None, None, None


def xml_position(path: Path) -> tuple[int | None, int | None]:
    """Where expat finds the file not well-formed XML (pyoxigraph's RDF/XML errors carry no position)."""
    import xml.parsers.expat

    parser = xml.parsers.expat.ParserCreate()
    try:
        with path.open("rb") as handle:
            parser.ParseFile(handle)
    except xml.parsers.expat.ExpatError as exc:
        return exc.lineno, exc.offset + 1
    return None, None


def find_text(path: Path, needles: Sequence[str]) -> tuple[int | None, int | None]:
    """Line and column of the first place the file holds one of ``needles`` (None, None if nowhere)."""
    with path.open(encoding="utf-8", errors="replace") as handle:
        for number, text in enumerate(handle, 1):
            column = min((at for at in (text.find(n) for n in needles) if at >= 0), default=-1)
            if column >= 0:
                return number, column + 1
    return None, None


def written_iri(path: Path, line: int | None, column: int | None, end: int | None) -> str | None:
    """The IRI written between ``<`` and ``>`` at the parser's position (line, columns from 1), if it is one."""
    if line is None or column is None or end is None:
        return None
    with path.open(encoding="utf-8", errors="replace") as handle:
        text = next((t for number, t in enumerate(handle, 1) if number == line), "")
    token = text[column - 1 : end - 1]
    return token[1:-1] if len(token) >= 2 and token[0] == "<" and token[-1] == ">" else None
