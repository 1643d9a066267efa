"""kg.formats: one registry of RDF syntaxes, found by name, alias, extension or media type."""

from __future__ import annotations

import pyoxigraph
import pytest

from kg.errors import LoadError, UsageError
from kg.formats import (
    FORMATS,
    format_for_media_type,
    format_for_path,
    format_names,
    is_rdf_format,
    rdf_format,
)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("turtle", "turtle"),
        ("ttl", "turtle"),
        ("nt", "nt"),
        ("ntriples", "nt"),
        ("n-triples", "nt"),
        ("nq", "nquads"),
        ("n-quads", "nquads"),
        ("trig", "trig"),
        ("json-ld", "jsonld"),
        ("rdfxml", "xml"),
        ("rdf", "xml"),
        ("owl", "xml"),
    ],
)
def test_a_format_is_found_by_its_name_or_an_alias(name, expected):
    assert rdf_format(name).name == expected
    assert is_rdf_format(name)


@pytest.mark.parametrize("name", ["n3", "Turtle", "TTL", "", "csv", "json"])
def test_an_unknown_name_lists_the_choices_and_the_aliases(name):
    assert not is_rdf_format(name)
    with pytest.raises(UsageError) as caught:
        rdf_format(name, also=("all",))
    message = str(caught.value)
    assert message.startswith(f"unknown format {name!r}: choose one of turtle, nt, nquads, trig, jsonld, xml, all")
    assert "(or an alias: ttl, ntriples, n-triples, nq, n-quads, json-ld, rdfxml, rdf, owl)" in message


def test_the_names_come_first_then_each_alias_once():
    names = format_names()
    assert names[:6] == ["turtle", "nt", "nquads", "trig", "jsonld", "xml"]
    assert len(names) == len(set(names))
    assert all(is_rdf_format(n) for n in names)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("data/article.ttl", "turtle"),
        ("a/b.OWL", "xml"),
        ("x.rdf", "xml"),
        ("x.xml", "xml"),
        ("dump.nq", "nquads"),
        ("g.trig", "trig"),
        ("g.jsonld", "jsonld"),
        ("مقاله.nt", "nt"),
        ("archive.tar.ttl", "turtle"),
    ],
)
def test_a_file_format_comes_from_its_extension(path, expected):
    assert format_for_path(path).name == expected


@pytest.mark.parametrize(
    ("path", "shown"),
    [("data/article.n3", "'.n3'"), ("data/README", "(none)"), ("x.ttl.gz", "'.gz'"), ("x.json", "'.json'")],
)
def test_an_unknown_extension_is_a_load_error_naming_the_file(path, shown):
    with pytest.raises(LoadError) as caught:
        format_for_path(path)
    assert str(caught.value).startswith(f"{path}: unknown RDF file extension {shown}: use one of .ttl, .nt, .nq")
    assert caught.value.path == path


@pytest.mark.parametrize(
    ("content_type", "expected"),
    [
        ("text/turtle", "turtle"),
        ("text/turtle; charset=utf-8", "turtle"),
        ("  Application/N-Triples ;charset=UTF-8", "nt"),
        ("application/ld+json", "jsonld"),
        ("application/rdf+xml", "xml"),
        ("application/trig", "trig"),
        ("application/n-quads", "nquads"),
    ],
)
def test_a_media_type_gives_its_format_whatever_its_parameters(content_type, expected):
    assert format_for_media_type(content_type).name == expected


@pytest.mark.parametrize("content_type", ["text/html", "application/json", "", "text/plain; charset=utf-8"])
def test_a_media_type_that_is_no_rdf_syntax_gives_none(content_type):
    assert format_for_media_type(content_type) is None


def test_the_first_extension_is_the_one_written_and_pyoxigraph_agrees_on_every_format():
    assert [f.extension for f in FORMATS.values()] == ["ttl", "nt", "nq", "trig", "jsonld", "rdf"]
    for f in FORMATS.values():
        assert f.oxigraph.media_type == f.media_type
        assert f.oxigraph.supports_datasets or not f.dataset
    assert [f.name for f in FORMATS.values() if f.dataset] == ["nquads", "trig"]  # JSON-LD is written as one graph


def test_every_format_round_trips_a_persian_literal_through_pyoxigraph():
    quad = pyoxigraph.Quad(
        pyoxigraph.NamedNode("http://example.org/s"),
        pyoxigraph.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
        pyoxigraph.Literal("همکاری‌ها و كشور ۱۴۰۱", language="fa"),
        pyoxigraph.DefaultGraph(),
    )
    for f in FORMATS.values():
        text = pyoxigraph.serialize([quad] if f.dataset else [quad.triple], format=f.oxigraph)
        back = list(pyoxigraph.parse(text, format=f.oxigraph))
        assert len(back) == 1 and back[0].object == quad.object, f.name
