"""kg.writers.ntriples: pyoxigraph's N-Triples and N-Quads, lines sorted, each statement once."""

from __future__ import annotations

from pyoxigraph import BlankNode, Literal, NamedNode, Quad

from kg.writers.ntriples import write_nquads, write_ntriples

S, P = NamedNode("http://a.example/s"), NamedNode("http://a.example/p")


def test_n_triples_lines_are_sorted_and_a_triple_in_two_graphs_is_written_once():
    quads = [
        Quad(S, P, Literal("b"), NamedNode("urn:g1")),
        Quad(S, P, Literal("a")),
        Quad(S, P, Literal("b"), NamedNode("urn:g2")),
    ]
    assert write_ntriples(quads) == (
        '<http://a.example/s> <http://a.example/p> "a" .\n<http://a.example/s> <http://a.example/p> "b" .\n'
    )


def test_n_quads_keep_each_graph_and_sort_the_lines():
    quads = [Quad(S, P, Literal("b"), NamedNode("urn:g1")), Quad(S, P, Literal("a")), Quad(S, P, Literal("b"))]
    assert write_nquads(quads).splitlines() == [
        '<http://a.example/s> <http://a.example/p> "a" .',
        '<http://a.example/s> <http://a.example/p> "b" .',
        '<http://a.example/s> <http://a.example/p> "b" <urn:g1> .',
    ]


def test_escapes_are_pyoxigraph_s_and_blank_nodes_are_labelled_canonically():
    text = write_ntriples([Quad(BlankNode("zz"), P, Literal('a "q"\n\\ ده\x01'))])
    assert text == '_:b0 <http://a.example/p> "a \\"q\\"\\n\\\\ ده\\u0001" .\n'


def test_a_literal_holding_a_unicode_line_separator_stays_inside_its_line():
    quads = [
        Quad(S, P, Literal("zzz\u2028aaa\x85b\x1cc\u2029")),
        Quad(S, NamedNode("http://a.example/q"), Literal("b")),
    ]
    assert write_ntriples(quads).splitlines(keepends=False)[0].startswith("<http://a.example/s>")
    lines = write_nquads(quads).split("\n")
    assert lines == [
        '<http://a.example/s> <http://a.example/p> "zzz\u2028aaa\x85b\\u001Cc\u2029" .',
        '<http://a.example/s> <http://a.example/q> "b" .',
        "",
    ]


def _to_file(tmp_path, source, name="nt"):
    from kg.output import write_atomically
    from kg.writers import write_to

    out = tmp_path / f"out.{name}"
    write_atomically({out: lambda handle, path: write_to(source, name, handle, path)})
    return out.read_text(encoding="utf-8")


def test_statements_as_read_go_to_a_file_as_the_text_of_their_list(tmp_path):
    """Streamed statements are serialised and sorted straight to the file, each once; with a blank node (or
    ``_:`` in a literal) they are labelled canonically first, as a list of them is."""
    from kg.writers.quads import Streamed

    plain = [Quad(S, P, Literal("b")), Quad(S, P, Literal("a\u2028ده")), Quad(S, P, Literal("b"))]
    blank = [*plain, Quad(BlankNode("zz"), P, Literal("x"))]
    looks_blank = [*plain, Quad(S, P, Literal("_:b1 is not a blank node"))]
    for quads in (plain, blank, looks_blank, []):
        reads = []

        def statements(quads=quads, reads=reads):
            reads.append(1)
            return iter(quads)

        assert _to_file(tmp_path, Streamed(statements)) == write_ntriples(quads)
    assert "_:b0" in _to_file(tmp_path, Streamed(lambda: iter(blank)))


def test_a_file_whose_lines_are_not_the_statements_is_refused_and_not_left(tmp_path, monkeypatch):
    import pytest

    from kg.errors import OutputError
    from kg.writers import ntriples
    from kg.writers.quads import Streamed

    sorted_to = ntriples._sorted_to

    def one_line_lost(handle, path, serialize):
        def lossy(out):
            serialize(out)
            out.seek(0)
            first = out.readline()
            rest = out.read()
            out.seek(0)
            out.truncate()
            out.write(rest if rest else first)

        return sorted_to(handle, path, lossy)

    monkeypatch.setattr(ntriples, "_sorted_to", one_line_lost)
    quads = [Quad(S, P, Literal("a")), Quad(S, P, Literal("b"))]
    for source in (Streamed(lambda: iter(quads)), quads):
        with pytest.raises(OutputError, match="does not read back as the same graph"):
            _to_file(tmp_path, source)
        assert list(tmp_path.iterdir()) == []


def test_a_serialisation_sorted_in_parts_is_the_text_sorted_whole(tmp_path, monkeypatch):
    """Above a part's size the lines are split at sampled lines and sorted part by part, each once (a line
    stated twice, or equal to a pivot, lands in one part), and each part is read back from the file."""
    from kg.writers import ntriples

    monkeypatch.setattr(ntriples, "_PART", 2000)
    quads = [Quad(NamedNode(f"http://a.example/s{i % 37}"), P, Literal(f"ده {i % 53}")) for i in range(400)]
    quads += [Quad(S, P, Literal("a"), NamedNode(f"urn:g{i % 3}")) for i in range(9)]
    for name, write in (("nt", write_ntriples), ("nquads", write_nquads)):
        text = write(quads)
        assert len(text.encode()) > 10 * 2000
        from kg.output import write_atomically
        from kg.writers import write_to

        out = tmp_path / f"out.{name}"
        write_atomically({out: lambda handle, path, name=name: write_to(quads, name, handle, path)})
        assert out.read_text(encoding="utf-8") == text


def test_a_file_reads_as_written_only_when_its_serialisation_is_its_every_byte(tmp_path):
    """kg.writers.ntriples._file_reads_as_written compares the re-read's serialisation with the file as it is
    made (no scratch copy): the file read back must serialise as its every byte. Valid N-Quads written
    otherwise than pyoxigraph writes them (a space more, an escape, a datatype spelt out, a blank line, no
    final line feed), a byte more or a syntax error anywhere, at the start, in a middle buffer or at the end,
    is a difference; pyoxigraph's own text (several of its buffers long) is not."""
    import pyoxigraph

    from kg.writers.ntriples import _file_reads_as_written

    fmt = pyoxigraph.RdfFormat.N_QUADS
    quads = [Quad(S, P, Literal(f"value {i:05}"), NamedNode("http://a.example/g")) for i in range(3000)]
    text = pyoxigraph.serialize(quads, format=fmt)
    assert len(text) > 3 * 8192
    path = tmp_path / "kg.nq"
    lines = text.splitlines(keepends=True)
    middle = len(lines) // 2

    def at(index: int, line: bytes) -> bytes:
        return b"".join([*lines[:index], line, *lines[index + 1 :]])

    variants = {
        "pyoxigraph's": text,
        "a space more": at(middle, lines[middle].replace(b"> <", b">  <", 1)),
        "an escape": at(0, lines[0].replace(b'"value', b'"\\u0076alue')),
        "a datatype spelt out": at(
            len(lines) - 1, lines[-1].replace(b'" <', b'"^^<http://www.w3.org/2001/XMLSchema#string> <')
        ),
        "a blank line": at(middle, lines[middle] + b"\n"),
        "no final line feed": text[:-1],
        "a syntax error": at(middle, b"<broken\n"),
    }
    for name, data in variants.items():
        assert data != text or name == "pyoxigraph's", name
        path.write_bytes(data)
        assert _file_reads_as_written(path, fmt) is (name == "pyoxigraph's"), name
