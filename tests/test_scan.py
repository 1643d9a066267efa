"""kg.scan: nesting and entity amplification found on the bytes before a parser recurses, triple terms located."""

from __future__ import annotations

import mmap

import pytest

from kg.limits import MAX_NESTING
from kg.scan import structure_fault, triple_term_position

N = MAX_NESTING
DEEP = f"nested more than {N} levels deep ([ and ( inside each other)"
#: The billion laughs: each entity is ten of the one before, 10^8 bytes from a few hundred.
LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">'
    + b"".join(b'<!ENTITY %c "%s">' % (name, b"&%c;" % (name - 1) * 10) for name in b"bcdefgh")
    + b"]><l>&h;</l>"
)


@pytest.mark.parametrize("fmt", ["turtle", "trig"])
def test_brackets_nested_up_to_the_limit_pass_one_more_is_named_at_its_place(fmt):
    assert structure_fault(b"<a> <b> " + b"[" * N + b"]" * N + b" .", fmt) is None
    assert structure_fault(b"<a> <b> " + b"(" * N, fmt) is None
    assert structure_fault(b"<a> <b> " + b"([" * (N // 2) + b"(", fmt) == (1, 9 + N, DEEP)


def test_depth_is_counted_not_the_number_of_brackets():
    assert structure_fault((b"[" * N + b"]" * N) * 3, "turtle") is None


@pytest.mark.parametrize(
    "hiding",
    [
        b'"' + b"[" * (N + 1) + b'"',
        b"'" + b"(" * (N + 1) + b"'",
        b'"""' + b"[\n" * (N + 1) + b'"""',
        b"<http://e/" + b"(" * (N + 1) + b">",
        b"# " + b"[" * (N + 1) + b"\n",
        b"ex:a\\(" * (N + 1),
    ],
    ids=["string", "single-quoted", "long-string", "iri", "comment", "escaped-local-names"],
)
def test_brackets_inside_strings_iris_comments_and_escapes_do_not_count(hiding):
    assert structure_fault(hiding, "turtle") is None


def test_the_column_counts_code_points_of_persian_text_before_it():
    data = "# تهران\n".encode() + '"آستانه" '.encode() + b"(" * (N + 1)
    assert structure_fault(data, "turtle") == (2, len('"آستانه" ') + N + 1, DEEP)


@pytest.mark.parametrize("fmt", ["nt", "nquads", "jsonld", "csv"])
def test_formats_that_do_not_nest_have_no_fault(fmt):
    assert structure_fault(b"(" * (N + 1), fmt) is None


def test_xml_elements_nested_past_the_limit_are_named():
    assert structure_fault(b"<r>" * N + b"</r>" * N, "xml") is None
    line, column, message = structure_fault(b"<r>\n" + b"<r>" * N, "xml")
    assert (line, column, message) == (2, 3 * (N - 1) + 1, f"elements nested more than {N} levels deep")


def test_xml_entities_that_amplify_the_input_are_named():
    fault = structure_fault(LAUGHS, "xml")
    assert (fault[0], fault[2]) == (1, "its entities expand it past the limit on input amplification")


def test_broken_xml_is_left_to_the_parser_to_report():
    assert structure_fault(b"<r><unclosed>", "xml") is None


def test_a_memory_map_of_a_file_is_read_like_bytes(tmp_path):
    path = tmp_path / "deep.ttl"
    path.write_bytes(b"<a> <b> " + b"[" * (N + 1))
    with path.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
        assert structure_fault(data, "turtle") == (1, 9 + N, DEEP)


@pytest.mark.parametrize(
    ("data", "fmt", "where"),
    [
        (b"<a> <b> <c> .\n# << a comment\n<a> <b> '<<' .\n<a> <b> << <x> <y> <z> >> .", "turtle", (4, 9)),
        ('<a> <b> "تهران" . <a> <b> <<( <a> <b> <c> )>> .'.encode(), "nquads", (1, 27)),
        (b"<a> <b> <c> {| <d> <e> |} .", "trig", (1, 13)),
        (b'<a> <b> """<<\n{|""" .\n<<( <a> <b> <c> )>> <p> <o> .', "nt", (3, 1)),
        (b"<a> <b> <c> .", "turtle", (None, None)),
        (b"<< <a> <b> <c> >>", "xml", (None, None)),
        (b"<< <a> <b> <c> >>", "jsonld", (None, None)),
    ],
)
def test_the_first_triple_term_or_annotation_is_located_outside_strings_and_comments(data, fmt, where):
    assert triple_term_position(data, fmt) == where
