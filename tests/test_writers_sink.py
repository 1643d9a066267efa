"""kg.writers.sink: a document written to its file piece by piece is the text the writer returns, byte for byte,
read back from the disk, and a writer that fails or is interrupted leaves no file."""

from __future__ import annotations

import pyoxigraph
import pytest
from pyoxigraph import BlankNode, Literal, NamedNode, Quad

from kg.errors import OutputError
from kg.formats import FORMATS
from kg.output import write_atomically
from kg.writers import WRITERS, serialize, to_quads, write_to
from kg.writers import quads as quads_module
from kg.writers.sink import File, Text, open_sink
from kg.writers.stored import InStore, Stored

EX = "http://a.example/"
XSD = "http://www.w3.org/2001/XMLSchema#"
G1, G2 = NamedNode("urn:g:one"), NamedNode("urn:g:two")


def _written(tmp_path, write) -> bytes:
    """What ``write(target)`` puts in a file through write_atomically."""
    out = tmp_path / "out"
    write_atomically({out: lambda handle, path: write((handle, path))})
    return out.read_bytes()


@pytest.mark.parametrize("pieces", [[], ["één"], ["a\n", "ب\n", "c"]])
@pytest.mark.parametrize("separator", ["", "\n", ",\n"])
def test_a_file_holds_the_text_the_same_pieces_make(tmp_path, pieces, separator):
    def write(target):
        out = open_sink(target, separator)
        for piece in pieces:
            out.add(piece)
        out.write("!")
        return out.close("head\n", "tail\n")

    text = write(None)
    assert text == "head\n" + separator.join(pieces) + "!tail\n"
    assert _written(tmp_path, write) == text.encode("utf-8")
    assert [p.name for p in tmp_path.iterdir()] == ["out"]  # the scratch file has no name: nothing is left beside


def test_lines_go_to_the_file_as_they_come(tmp_path):
    lines = [b'<a> <b> "\xd8\xa8" .\n', b"<c> <d> <e> .\n"]

    def write(target):
        out = File(*target) if target else Text()
        out.lines(iter(lines))
        return out.close()

    assert write(None) == b"".join(lines).decode("utf-8")
    assert _written(tmp_path, write) == b"".join(lines)


def _quads(count: int) -> list[Quad]:
    """``count`` statements with digit runs, Persian, a line break, several literal kinds, in two graphs."""
    found = []
    for i in range(count):
        s = NamedNode(f"{EX}item{i // 5}")
        found.append(Quad(s, NamedNode(f"{EX}p{i % 5}"), Literal(f"مقدار {i}\nline", language="fa"), G1))
        if i % 7 == 0:
            found.append(Quad(s, NamedNode(f"{EX}n"), Literal(str(i), datatype=NamedNode(XSD + "integer")), G2))
    return found


@pytest.mark.parametrize("name", list(WRITERS))
def test_every_writer_writes_to_a_file_the_bytes_of_its_text(tmp_path, name):
    fmt = FORMATS[name]
    quads = [*_quads(40), Quad(NamedNode(EX + "s"), NamedNode(EX + "p"), BlankNode("x"), G1)]
    source = to_quads(quads, triples=not fmt.dataset)
    assert _written(tmp_path, lambda target: write_to(source, fmt, *target)) == serialize(source, fmt).encode()


@pytest.fixture
def big(monkeypatch) -> tuple[pyoxigraph.Store, list[Quad]]:
    """A store of more statements than BIG (made small here): written straight from the store, one subject
    at a time, as a whole-graph export is."""
    monkeypatch.setattr(quads_module, "BIG", 100)
    quads = _quads(150)
    store = pyoxigraph.Store()
    store.extend(quads)
    return store, quads


@pytest.mark.parametrize("name", list(WRITERS))
def test_a_big_stored_dataset_is_written_to_a_file_as_its_text(tmp_path, big, name):
    fmt = FORMATS[name]
    store, _ = big
    stored = Stored([InStore(store, G1), InStore(store, G2)], triples=not fmt.dataset)
    assert to_quads(stored) is stored  # not copied
    assert _written(tmp_path, lambda target: write_to(stored, fmt, *target)) == serialize(stored, fmt).encode()


def test_a_file_that_does_not_read_back_as_meant_is_refused_and_not_left(tmp_path, big, monkeypatch):
    """The check reads the file from the disk: a writer bug caught there leaves neither the file nor a
    temporary one."""
    store, _ = big
    stored = Stored([InStore(store, G1), InStore(store, G2)], triples=True)
    out = tmp_path / "kg.ttl"

    def wrong(handle, path):
        write_to(stored, "turtle", handle, path)
        handle.write(f'<{EX}extra> <{EX}p> "not meant" .\n'.encode())
        handle.flush()
        from kg.writers.check import verify

        verify(path, FORMATS["turtle"], to_quads(stored, triples=True))

    with pytest.raises(OutputError, match="does not read back as the same graph"):
        write_atomically({out: wrong})
    assert [p.name for p in tmp_path.iterdir()] == []


def test_an_interrupted_write_leaves_no_file(tmp_path):
    out = tmp_path / "kg.nt"

    def interrupted(handle, path):
        handle.write(b"<a> <b> <c> .\n")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_atomically({tmp_path / "first.nt": "<a> <b> <c> .\n", out: interrupted})
    assert [p.name for p in tmp_path.iterdir()] == []


def _in_order(keys: list[str]) -> list[int]:
    """The keys' positions in their sorted order."""
    return sorted(range(len(keys)), key=keys.__getitem__)


@pytest.mark.parametrize("before", [[], ["a"]])
def test_pieces_kept_out_of_their_order_are_placed_in_it(tmp_path, before):
    """A description in a store's order: each subject's text kept by its key (a later one replaces it), then
    placed in the keys' order after the pieces before, ``first`` before the first placed; in a file, kept
    in a scratch file of their own, not in memory."""

    def write(target):
        out = open_sink(target, "\n")
        for piece in before:
            out.add(piece)
        for key, piece in (("k2", "two"), ("k1", "one, partial"), ("k3", "سه\n"), ("k1", "one")):
            out.keep(key, piece)
        assert out.place(_in_order, first="{\n") == 3
        out.keep("empty", "")  # kept pieces that are all empty: nothing to map
        assert out.place(_in_order) == 1
        assert out.place(_in_order, first="{\n") == 0  # nothing kept any more
        out.write("}\n")
        return out.close("head\n", "tail\n")

    text = write(None)
    assert text == "head\n" + "".join(f"{piece}\n" for piece in before) + "{\none\ntwo\nسه\n\n}\ntail\n"
    assert _written(tmp_path, write) == text.encode("utf-8")
