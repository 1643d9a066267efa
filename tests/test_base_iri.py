"""kg.base_iri, in-process: the inputs' base IRI set for a block and put back, and a relative IRI with no base
named at its place in each syntax (through the commands: tests/test_load_base.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.base_iri import check_base, current_base, input_base, relative_iri_error, xml_relative
from kg.errors import UsageError
from kg.formats import FORMATS

RDF = 'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'


def test_a_base_holds_within_its_block_and_nests():
    assert current_base() is None
    with input_base("https://example.org/a/"):
        assert current_base() == "https://example.org/a/"
        with input_base(None):
            assert current_base() is None
        with input_base("urn:b:"):
            assert current_base() == "urn:b:"
        assert current_base() == "https://example.org/a/"
    assert current_base() is None


def test_a_base_is_put_back_after_an_error():
    with pytest.raises(RuntimeError), input_base("https://example.org/"):
        raise RuntimeError
    assert current_base() is None


@pytest.mark.parametrize("iri", ["data/", "", "//example.org/", "https://exa mple.org/"])
def test_a_base_must_be_an_absolute_iri(iri):
    with pytest.raises(UsageError, match=rf"^the base IRI {iri!r} is not an absolute IRI \("):
        check_base(iri)
    with pytest.raises(UsageError), input_base(iri):
        pass


@pytest.mark.parametrize(
    ("fmt", "message"),
    [
        ("turtle", "Turtle: the relative IRI <x> has no base IRI to resolve against: add @base <IRI> . to the file"),
        ("trig", "TriG: the relative IRI <x> has no base IRI to resolve against: add @base <IRI> . to the file"),
        ("xml", 'RDF/XML: the relative IRI <x> has no base IRI to resolve against: add xml:base="IRI" to its rdf:RDF'),
        ("jsonld", 'JSON-LD: the relative IRI <x> has no base IRI to resolve against: add "@base": "IRI" to its'),
        ("nt", "N-Triples holds absolute IRIs only, and <x> is relative (a base IRI does not apply)"),
        ("nquads", "N-Quads holds absolute IRIs only, and <x> is relative (a base IRI does not apply)"),
    ],
)
def test_the_message_says_how_each_syntax_takes_a_base(fmt, message):
    error = relative_iri_error(Path("d.ttl"), FORMATS[fmt], "x", 3, 7)
    assert str(error).startswith(f"d.ttl:3:7: {message}")


def xml(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "d.rdf"
    path.write_text(f'<?xml version="1.0"?>\n<rdf:RDF {RDF}>\n{body}\n</rdf:RDF>\n', encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("body", "where", "iri"),
    [
        ('<rdf:Description rdf:about="thing"/>', "3:1", "thing"),
        (
            '<rdf:Description rdf:about="urn:a">\n  <p xmlns="urn:" rdf:resource="../x"/>\n</rdf:Description>',
            "4:3",
            "../x",
        ),
        ('<rdf:Description rdf:ID="local"/>', "3:1", "#local"),
    ],
)
def test_a_relative_rdf_xml_reference_is_found_at_its_element(tmp_path, body, where, iri):
    path = xml(tmp_path, body)
    assert str(xml_relative(path)).startswith(f"{path}:{where}: RDF/XML: the relative IRI <{iri}> has no base IRI")


def test_a_relative_namespace_name_is_refused_whatever_the_base(tmp_path):
    path = xml(tmp_path, '<rdf:Description rdf:about="urn:a" xml:base="https://e.org/">\n  <p xmlns="rel/"/>\n'
                         "</rdf:Description>")  # fmt: skip
    assert str(xml_relative(path)).startswith(f"{path}:4:3: RDF/XML: the namespace name <rel/> is relative")


@pytest.mark.parametrize(
    "body",
    [
        '<rdf:Description rdf:about="urn:a"/>',
        '<rdf:Description xml:base="https://e.org/d/" rdf:about="thing"/>',  # covered by an absolute xml:base
        "<broken",  # not XML: the reader reports it
    ],
)
def test_absolute_or_covered_references_are_no_error(tmp_path, body):
    assert xml_relative(xml(tmp_path, body)) is None
