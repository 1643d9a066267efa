"""kg.writers.check: a text is returned only if the strict parser reads it back as exactly what was meant."""

from __future__ import annotations

import pytest
from pyoxigraph import BlankNode, Literal, NamedNode, Quad

from kg.errors import OutputError
from kg.formats import FORMATS
from kg.writers.check import verify
from kg.writers.quads import to_quads

S, P = NamedNode("http://a.example/s"), NamedNode("http://a.example/p")
INTEGER = NamedNode("http://www.w3.org/2001/XMLSchema#integer")


def test_a_text_that_reads_back_as_meant_is_returned():
    text = '<http://a.example/s> <http://a.example/p> "01"^^<http://www.w3.org/2001/XMLSchema#integer> .\n'
    assert verify(text, FORMATS["nt"], [Quad(S, P, Literal("01", datatype=INTEGER))]) is text


def test_a_changed_lexical_form_a_missing_and_an_extra_statement_are_each_refused():
    meant = [Quad(S, P, Literal("01", datatype=INTEGER))]
    for text, named in [
        ('<http://a.example/s> <http://a.example/p> "1"^^<http://www.w3.org/2001/XMLSchema#integer> .\n', "1"),
        ("", "None"),
        (
            '<http://a.example/s> <http://a.example/p> "01"^^<http://www.w3.org/2001/XMLSchema#integer> .\n'
            '<http://a.example/s> <http://a.example/p> "x" .\n',
            '"x"',
        ),
    ]:
        with pytest.raises(OutputError, match="does not read back as the same graph") as caught:
            verify(text, FORMATS["nt"], meant)
        assert named in str(caught.value) and caught.value.exit_code == 7


def test_a_text_that_does_not_parse_is_a_writer_bug_named_by_its_format():
    with pytest.raises(OutputError, match=r"the Turtle written does not read back \(a writer bug\)"):
        verify("<http://a.example/s> <http://a.example/p> .\n", FORMATS["turtle"], [Quad(S, P, Literal("x"))])


def test_blank_nodes_are_compared_up_to_their_labels_but_not_their_shape():
    meant = to_quads([Quad(S, P, BlankNode("x")), Quad(BlankNode("x"), P, Literal("v"))])
    same = '<http://a.example/s> <http://a.example/p> _:q .\n_:q <http://a.example/p> "v" .\n'
    assert verify(same, FORMATS["nt"], meant) is same
    split = '<http://a.example/s> <http://a.example/p> _:q .\n_:r <http://a.example/p> "v" .\n'
    with pytest.raises(OutputError, match="does not read back as the same graph"):
        verify(split, FORMATS["nt"], meant)


def test_blank_nodes_labelled_as_meant_are_not_canonicalised_and_a_wrong_shape_is_still_refused(monkeypatch):
    """A text whose blank nodes keep the labels meant is proven the same graph by the identity: nothing is
    canonicalised. Other labels, or the same labels but another graph, go on to the comparison up to labels."""
    from kg.writers import check

    meant = to_quads([Quad(S, P, BlankNode("x")), Quad(BlankNode("x"), P, Literal("v"))], triples=True)
    label = next(q.object for q in meant if q.subject == S).value
    compared = []
    real = check._expected
    monkeypatch.setattr(check, "_expected", lambda *a, **k: compared.append(1) or real(*a, **k))
    same = f'<http://a.example/s> <http://a.example/p> _:{label} .\n_:{label} <http://a.example/p> "v" .\n'
    for fmt in ("nt", "turtle"):
        assert verify(same, FORMATS[fmt], meant) is same
    assert compared == []
    relabelled = same.replace(f"_:{label}", "_:other")
    assert verify(relabelled, FORMATS["nt"], meant) is relabelled
    assert compared == [1]
    other = same.replace('"v"', '"w"')
    with pytest.raises(OutputError, match="does not read back as the same graph"):
        verify(other, FORMATS["nt"], meant)


def test_a_triple_format_is_compared_with_the_graphs_merged_and_a_dataset_format_with_them_apart():
    meant = to_quads([Quad(S, P, Literal("x"), NamedNode("urn:g"))])
    triple = '<http://a.example/s> <http://a.example/p> "x" .\n'
    assert verify(triple, FORMATS["nt"], meant) is triple
    with pytest.raises(OutputError, match="does not read back as the same graph"):
        verify(triple, FORMATS["nquads"], meant)
    quad = '<http://a.example/s> <http://a.example/p> "x" <urn:g> .\n'
    assert verify(quad, FORMATS["nquads"], meant) is quad


def test_a_statement_read_twice_counts_once_and_an_extra_one_is_named():
    meant = [Quad(S, P, Literal("a")), Quad(S, P, Literal("b"))]
    twice = '<http://a.example/s> <http://a.example/p> "a" .\n' * 2
    with pytest.raises(OutputError, match=r'1 statements read, 2 meant; first missing .*"b".*, first extra None'):
        verify(twice, FORMATS["nt"], meant)
    both = '<http://a.example/s> <http://a.example/p> "b" .\n<http://a.example/s> <http://a.example/p> "a" .\n'
    assert verify(both + both, FORMATS["nt"], meant) == both + both  # the same set, whatever the repeats
    with pytest.raises(OutputError, match=r'3 statements read, 2 meant; first missing None, first extra .*"c"'):
        verify(both + '<http://a.example/s> <http://a.example/p> "c" .\n' * 2, FORMATS["nt"], meant)


def _jsonld_file(tmp_path, quads):
    """``quads`` written by the JSON-LD writer to a file; its path."""
    from kg.writers import write_to

    path = tmp_path / "kg.jsonld"
    with path.open("wb") as handle:
        write_to(quads, "jsonld", handle, path)
    return path


def _many(count: int, blank: bool = False) -> list[Quad]:
    """Statements about ``count`` subjects; with ``blank``, the first and the last point at one blank node."""
    quads = [
        Quad(NamedNode(f"http://a.example/s{i}"), P, Literal(f"«{i}» و ‌ {i}", language="fa")) for i in range(count)
    ]
    if blank:
        node = BlankNode("shared")
        quads += [
            Quad(NamedNode("http://a.example/s0"), P, node),
            Quad(NamedNode(f"http://a.example/s{count - 1}"), P, node),
        ]
        quads.append(Quad(node, P, Literal("x")))
    return quads


@pytest.mark.parametrize("blank", [False, True])
def test_a_big_jsonld_file_is_read_back_in_parts_as_the_whole(tmp_path, monkeypatch, blank):
    """pyoxigraph's JSON-LD parser holds a whole top-level @graph: a big file is read back in parts of node
    objects, which give the statements of the whole (a blank node named in two parts is one node)."""
    import pyoxigraph

    from kg.writers import check

    monkeypatch.setattr(check, "_JSONLD_PART", 2_000)
    path = _jsonld_file(tmp_path, to_quads(_many(200, blank), triples=True))
    parsed = []
    real = pyoxigraph.parse
    monkeypatch.setattr(check.pyoxigraph, "parse", lambda *a, **k: parsed.append(1) or real(*a, **k))
    read = list(check._parse(path, FORMATS["jsonld"]))
    monkeypatch.setattr(check.pyoxigraph, "parse", real)
    whole = pyoxigraph.Dataset(real(path=str(path), format=pyoxigraph.RdfFormat.JSON_LD))
    assert len(parsed) > 5 and pyoxigraph.Dataset(read) == whole and len(read) == len(whole)
    assert verify(path, FORMATS["jsonld"], to_quads(_many(200, blank), triples=True)) == path


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda text: text.replace("«100»", "«1OO»"), "does not read back as the same graph"),  # a value, mid-file
        (
            lambda text: text.replace('"@id": "http://a.example/s100"', '"@id": "http://a.example/s100",,'),
            "a writer bug",
        ),
        (lambda text: text.replace("    },\n    {\n", "    }\n    {\n", 1), "a writer bug"),  # two nodes, no comma
        (lambda text: text.replace("\n  ]\n}\n", '\n  ],\n  "@id": "http://a.example/g"\n}\n'), "same graph"),
        (lambda text: text + "{}\n", "a writer bug"),  # something after the document
    ],
)
def test_a_jsonld_file_read_in_parts_that_is_not_what_was_meant_is_refused(tmp_path, monkeypatch, change, message):
    from kg.writers import check

    monkeypatch.setattr(check, "_JSONLD_PART", 2_000)
    meant = to_quads(_many(200), triples=True)
    path = _jsonld_file(tmp_path, meant)
    path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(OutputError, match=message):
        verify(path, FORMATS["jsonld"], meant)
