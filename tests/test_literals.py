"""kg.literals: ill-typed literals found in file order, kept as written, located in code points."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Literal, URIRef

from kg.literals import IllTypedLiteral, ill_typed_literals, locate_ill_typed
from kg.namespaces import XSD

PREFIX = "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.filterwarnings("ignore:Parsing weird boolean:UserWarning")  # rdflib's word on "yes": expected here
@pytest.mark.parametrize(
    ("literal", "datatype"),
    [
        ('"1.5"^^xsd:integer', "xsd:integer"),
        ('"2022-02-30"^^xsd:date', "xsd:date"),
        ('"yes"^^xsd:boolean', "xsd:boolean"),
        ('"P1Q"^^xsd:duration', "xsd:duration"),
        ('"1,000"^^xsd:decimal', "xsd:decimal"),
    ],
)
def test_a_lexical_form_outside_its_datatype_is_found_where_it_is_written(tmp_path, literal, datatype):
    path = write(
        tmp_path, "d.ttl", PREFIX + f'<http://a/s> <http://a/label> "قزاقستان‌ها" ;\n  <http://a/v> {literal} .\n'
    )
    (found,) = ill_typed_literals([path])
    assert found.location() == f"{path}:3:16"
    assert found.report() == (
        "<http://a/s>",
        "<http://a/v>",
        f"{path}:3:16: ill-typed literal: not a valid {datatype} (kept as written)",
        f"{literal.split('^^')[0]}^^<{XSD}{datatype[4:]}>",
    )
    assert str(found.literal) == literal.split('"')[1]  # kept as written


@pytest.mark.parametrize(
    "literal",
    [
        '"12"^^xsd:integer',
        '"-0.50"^^xsd:decimal',
        '"2022-06-19"^^xsd:date',
        '"true"^^xsd:boolean',
        '"P1Y2M"^^xsd:duration',
        '"anything"^^<http://example.org/own-type>',  # an unknown datatype is not judged
        '"تهران"@fa',
        '"plain"',
    ],
)
def test_well_typed_and_unknown_datatypes_are_not_reported(tmp_path, literal):
    path = write(tmp_path, "d.ttl", PREFIX + f"<http://a/s> <http://a/v> {literal} .\n")
    assert ill_typed_literals([path]) == []


def test_files_are_searched_in_order_and_each_finding_names_its_file(tmp_path):
    first = write(tmp_path, "a.nt", '<http://a/s> <http://a/v> "x"^^<http://www.w3.org/2001/XMLSchema#int> .\n')
    second = write(tmp_path, "b.ttl", PREFIX + '<http://a/t> <http://a/v> "y"^^xsd:double .\n')
    clean = write(tmp_path, "c.ttl", PREFIX + '<http://a/t> <http://a/v> "1"^^xsd:double .\n')
    found = ill_typed_literals([first, clean, second])
    assert [(f.path, f.line, f.column, str(f.literal)) for f in found] == [(first, 1, 27, "x"), (second, 2, 27, "y")]


def test_a_form_written_otherwise_than_quoted_has_no_position(tmp_path):
    path = write(
        tmp_path,
        "d.rdf",
        '<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
        '<rdf:Description rdf:about="http://a/s"><v xmlns="http://a/" '
        'rdf:datatype="http://www.w3.org/2001/XMLSchema#integer">a&#98;c</v></rdf:Description>\n</rdf:RDF>\n',
    )
    (found,) = ill_typed_literals([path])
    assert (str(found.literal), found.line, found.column) == ("abc", None, None)
    assert found.location() == str(path)


def test_an_xml_element_s_text_is_located_between_its_tags(tmp_path):
    path = write(
        tmp_path,
        "d.rdf",
        '<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
        '<rdf:Description rdf:about="http://a/s"><v xmlns="http://a/" '
        'rdf:datatype="http://www.w3.org/2001/XMLSchema#integer">abc</v></rdf:Description>\n</rdf:RDF>\n',
    )
    (found,) = ill_typed_literals([path])
    line = path.read_text(encoding="utf-8").splitlines()[2]
    assert (found.line, found.column) == (3, line.index(">abc<") + 1)


def test_locating_nothing_reads_no_file(tmp_path):
    assert locate_ill_typed(tmp_path / "missing.ttl", []) == []


def test_a_finding_is_a_frozen_record():
    finding = IllTypedLiteral(Path("x.ttl"), 3, None, URIRef("urn:s"), URIRef("urn:p"), Literal("x"))
    assert finding.location() == "x.ttl:3"
    with pytest.raises(AttributeError):
        finding.line = 4  # type: ignore[misc]


@pytest.mark.parametrize(
    ("lexical", "datatype"),
    [
        ("۱۴۰۱", "integer"),  # Persian digits
        ("١٤٠١", "int"),  # Arabic-Indic digits
        ("۱.۵", "decimal"),
        ("۱e۳", "double"),
        ("1_000", "integer"),  # Python's int() reads the separator, XSD does not
        ("1_000.5", "decimal"),
        ("1e1_0", "float"),
        ("۲", "nonNegativeInteger"),
    ],
)
def test_a_number_written_with_digits_xsd_does_not_have_is_ill_typed(tmp_path, lexical, datatype):
    """Regression: rdflib maps numbers with Python's int/Decimal/float, which read Persian and Arabic-Indic
    digits and '_', so "۱۴۰۱"^^xsd:integer passed kg validate, while Oxigraph takes it for no number."""
    path = write(tmp_path, "d.ttl", PREFIX + f'<http://a/s> <http://a/v> "{lexical}"^^xsd:{datatype} .\n')
    (found,) = ill_typed_literals([path])
    assert found.report()[2] == f"{path}:2:27: ill-typed literal: not a valid xsd:{datatype} (kept as written)"
    assert str(found.literal) == lexical


@pytest.mark.parametrize(
    ("lexical", "datatype"),
    [("-0", "integer"), ("+.5", "decimal"), ("1E-3", "double"), ("INF", "float"), ("NaN", "double"), ("5.", "decimal")],
)
def test_every_form_of_the_xsd_number_spaces_stays_well_typed(tmp_path, lexical, datatype):
    path = write(tmp_path, "d.ttl", PREFIX + f'<http://a/s> <http://a/v> "{lexical}"^^xsd:{datatype} .\n')
    assert ill_typed_literals([path]) == []


def test_the_sources_find_the_same_ill_typed_numbers(tmp_path):
    from kg.sources import Sources

    path = write(tmp_path, "d.ttl", PREFIX + '<http://a/s> <http://a/v> "۱۴۰۱"^^xsd:integer .\n')
    sources = Sources([path])
    assert [str(bad.literal) for bad in sources.ill_typed_literals()] == ["۱۴۰۱"]
