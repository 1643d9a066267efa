"""Where a writer's text goes: joined once into a string, or written to its file piece by piece.

A writer makes its document one piece at a time (a subject's block, a JSON-LD node
object) and knows what goes before them (the prefixes used, the JSON-LD context,
RDF/XML's namespaces) only once every piece is made. Both sinks take the pieces as
they come, with the document's separator between them, and the head and the tail
at the end (:meth:`Text.close`, :meth:`File.close`):

- :class:`Text` keeps the pieces and joins them once with the head and the tail
  (what :func:`kg.writers.serialize` returns: a page of the static site, a dump);
- :class:`File` writes each piece as it comes, UTF-8 encoded, to a scratch file
  without a name beside the output, and at the end the head, the pieces and the
  tail to the output file, which the re-read check then reads back from the disk.

Why: held as a Python string, a whole export's text (two bytes a character once one
Persian letter is in it) and its UTF-8 copy for the check and the file were most of
what ``kg export`` held beside its store at 1 000 synthetic articles (Turtle 168 MB
against the store's 75).
"""

from __future__ import annotations

import mmap
import shutil
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, BinaryIO


class Text:
    """The pieces kept and joined once at :meth:`close`, ``separator`` between two of them."""

    def __init__(self, separator: str = "") -> None:
        self.separator = separator
        self._pieces: list[str] = []
        self.count = 0  # pieces written with add
        self._kept: dict[Any, str] = {}

    def add(self, piece: str) -> None:
        """One more piece of the document, after the separator if one came before."""
        if self.count and self.separator:
            self._pieces.append(self.separator)
        self._pieces.append(piece)
        self.count += 1

    def write(self, text: str) -> None:
        """Text that follows what came before as it is (no separator)."""
        self._pieces.append(text)

    def lines(self, lines: Iterable[bytes]) -> None:
        """Lines of UTF-8 bytes, each ending with its line feed, in order (N-Triples, N-Quads)."""
        self._pieces.append(b"".join(lines).decode("utf-8"))

    def keep(self, key: Any, piece: str) -> None:
        """A piece made out of its order, kept under ``key`` (a later piece of the same key replaces it) until
        :meth:`place`."""
        self._kept[key] = piece

    def place(self, order: Callable[[list[Any]], Iterable[int]], first: str = "") -> int:
        """The pieces kept, added in the order ``order`` gives for their keys (the keys' positions in the list
        it is given; ``first`` before the first of them); how many."""
        kept, self._kept = self._kept, {}
        pieces = list(kept.values())
        count = 0
        for i in order(list(kept)):
            self.add(pieces[i] if count else first + pieces[i])
            pieces[i] = ""  # let go once added
            count += 1
        return count

    def close(self, head: str = "", tail: str = "") -> str:
        """``head``, the pieces, ``tail`` as one string (the pieces let go: each copy of a big text counts)."""
        pieces = self._pieces
        if not pieces:
            return head + tail
        pieces[0] = head + pieces[0]
        pieces[-1] += tail
        text = "".join(pieces)
        pieces.clear()
        return text


#: The scratch files' buffers (written piece by piece: a system call each 8 KB otherwise).
_BUFFER = 1 << 20


class File:
    """The pieces written to ``handle`` (a binary file open for writing at ``path``) as they come.

    Until :meth:`close` they go, UTF-8 encoded, to a scratch file without a name in ``path``'s folder (the
    system removes it however the process ends), then the head, the pieces and the tail go to ``handle`` and
    it is flushed, so that the file at ``path`` can be read back. Pieces made out of their order
    (:meth:`keep`) wait in a scratch file of their own, only where each is held in memory.
    """

    def __init__(self, handle: BinaryIO, path: Path, separator: str = "") -> None:
        self.handle, self.path = handle, Path(path)
        self.separator = separator.encode("utf-8")
        self.count = 0
        self._body: BinaryIO | None = None
        self._kept: BinaryIO | None = None
        self._at: dict[Any, tuple[int, int]] = {}  # a kept piece's place in its scratch file, and its size
        self._end = 0  # the size of that scratch file

    def _scratch(self) -> BinaryIO:
        if self._body is None:
            self._body = tempfile.TemporaryFile(dir=self.path.parent, buffering=_BUFFER)  # noqa: SIM115 - closed once copied
        return self._body

    def add(self, piece: str) -> None:
        body = self._scratch()
        if self.count:
            body.write(self.separator)
        body.write(piece.encode("utf-8"))
        self.count += 1

    def write(self, text: str) -> None:
        self._scratch().write(text.encode("utf-8"))

    def keep(self, key: Any, piece: str) -> None:
        """As :meth:`Text.keep`: the piece written to a scratch file, its place kept under ``key``."""
        if self._kept is None:
            self._kept = tempfile.TemporaryFile(dir=self.path.parent, buffering=_BUFFER)  # noqa: SIM115 - closed by place
        data = piece.encode("utf-8")
        self._at[key] = (self._end, len(data))
        self._kept.write(data)
        self._end += len(data)  # counted, not asked of the file (a system call per piece)

    def place(self, order: Callable[[list[Any]], Iterable[int]], first: str = "") -> int:
        """As :meth:`Text.place`: each kept piece read back from its scratch file in turn."""
        kept, at, end = self._kept, self._at, self._end
        self._kept, self._at, self._end = None, {}, 0
        if kept is None:
            return 0
        with kept:
            kept.flush()
            body, separator = self._scratch(), self.separator
            count = 0
            # Mapped, not read piece by piece (a system call each: 0.1 s for 23 000 subjects).
            with mmap.mmap(kept.fileno(), 0, access=mmap.ACCESS_READ) if end else memoryview(b"") as data:
                spans = list(at.values())
                for i in order(list(at)):
                    offset, size = spans[i]
                    if self.count:
                        body.write(separator)
                    if not count and first:
                        body.write(first.encode("utf-8"))
                    body.write(data[offset : offset + size])
                    self.count += 1
                    count += 1
        return count

    def lines(self, lines: Iterable[bytes]) -> None:
        """Lines of UTF-8 bytes straight to the file (a document with neither head nor tail)."""
        self._flush_body()
        self.handle.writelines(lines)

    def _flush_body(self) -> None:
        if self._body is not None:
            body, self._body = self._body, None
            with body:
                body.flush()
                body.seek(0)
                shutil.copyfileobj(body, self.handle)

    def close(self, head: str = "", tail: str = "") -> Path:
        """``head``, the pieces, ``tail`` written to the file and flushed; the file's path."""
        self.handle.write(head.encode("utf-8"))
        self._flush_body()
        self.handle.write(tail.encode("utf-8"))
        self.handle.flush()
        return self.path


Sink = Text | File
#: Where a document goes: None for a string, else a binary file open for writing and its path.
Target = tuple[BinaryIO, Path] | None


def open_sink(target: Target, separator: str = "") -> Sink:
    """A :class:`Text` for ``None``, else a :class:`File` writing to the target; ``separator`` between pieces."""
    return Text(separator) if target is None else File(target[0], target[1], separator)
