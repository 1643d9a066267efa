r"""What reaches a terminal: control characters from data and file names shown as escapes, never obeyed.

A label or a file name may hold ESC sequences (colours, cursor moves, a changed window
title, hidden text), a bell, a carriage return that overwrites the line before it.
Printed raw, the terminal obeys them. :func:`printable` writes each such character as
a visible escape (``\x1b``, ``\x07``, ``\x9b``), the way Python's ``repr`` does: C0
controls but the line break and tab, DEL, and the C1 controls. Everything else, Persian
and its ZWNJ included, is left as it is. Bidirectional controls are not escaped here: a
label holding them is flagged by ``kg validate`` (see SECURITY.md).

:class:`EscapingStream` applies it to all that a command writes to a terminal (and :func:`emit` to what
it writes as bytes);
the human-readable tables apply it whatever the output (a table is for people), while
CSV, TSV, JSON and RDF written to a file or a pipe stay exact.

>>> print(printable("bad\x1b[31mRED\x07\r\nتهران"))
bad\x1b[31mRED\x07\x0d
تهران
"""

from __future__ import annotations

import re
import sys
from typing import TextIO

#: C0 controls but tab and line feed, DEL, and C1 controls.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
#: The same, line feed and tab included (one line of a table cell, a file name in a message).
_ALL_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f]")


def _escape(match: re.Match[str]) -> str:
    return f"\\x{ord(match.group()):02x}"


def printable(text: str, *, lines: bool = True) -> str:
    """``text`` with its control characters written as ``\\xNN`` (line breaks and tabs kept if ``lines``)."""
    return (_CONTROLS if lines else _ALL_CONTROLS).sub(_escape, text)


class EscapingStream:
    """A text stream that passes everything through :func:`printable` on its way to ``stream``."""

    def __init__(self, stream: TextIO) -> None:
        self.raw = stream  # the terminal itself (bytes written to ``raw.buffer`` are escaped by their writer)

    def write(self, text: str) -> int:
        self.raw.write(printable(text))
        return len(text)

    def __getattr__(self, name: str) -> object:
        return getattr(self.raw, name)


def emit(text: str) -> None:
    """Write ``text`` to stdout as UTF-8 whatever the terminal's encoding, so Persian always comes through.

    On a terminal (stdout an :class:`EscapingStream`) the data's control characters are written as escapes.
    """
    stream = sys.stdout
    if isinstance(stream, EscapingStream):
        text, stream = printable(text), stream.raw
    stream.flush()
    stream.buffer.write(text.encode("utf-8"))
    stream.flush()
