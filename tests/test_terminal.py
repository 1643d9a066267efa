"""kg.terminal: control characters are shown as escapes, Persian text and its ZWNJ pass untouched."""

from __future__ import annotations

import io

import pytest

from kg.terminal import EscapingStream, printable


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("\x1b[31mred", "\\x1b[31mred"),
        ("bell\x07", "bell\\x07"),
        ("over\rwrite", "over\\x0dwrite"),
        ("nul\x00", "nul\\x00"),
        ("del\x7f", "del\\x7f"),
        ("csi\x9b2J", "csi\\x9b2J"),
        ("c1 end\x9f", "c1 end\\x9f"),
        ("vertical\x0btab\x0cfeed", "vertical\\x0btab\\x0cfeed"),
    ],
)
def test_controls_are_written_as_escapes(text, shown):
    assert printable(text) == shown


@pytest.mark.parametrize(
    "text",
    [
        "همکاری‌های ایران و قزاقستان",  # ZWNJ (U+200C) is a letter joiner, not a control
        "ي ی ك ک ۱۴۰۱ ١٤٠١",
        "a\tb\nc",
        "\xa0no-break space and \xa0é",  # U+00A0 is just past the C1 range
        "",
    ],
)
def test_text_without_controls_is_unchanged(text):
    assert printable(text) == text


def test_line_breaks_and_tabs_are_escaped_only_when_lines_are_not_allowed():
    assert printable("a\tb\nc", lines=False) == "a\\x09b\\x0ac"
    assert printable("تهران\nآستانه", lines=False) == "تهران\\x0aآستانه"
    assert printable("a\tb\nc", lines=True) == "a\tb\nc"


def test_an_escape_is_not_escaped_twice():
    once = printable("\x1b")
    assert once == "\\x1b"
    assert printable(once) == once


def test_the_stream_escapes_what_it_writes_and_reports_the_length_asked():
    raw = io.StringIO()
    stream = EscapingStream(raw)
    assert stream.write("نام\x1b]0;title\x07\n") == len("نام\x1b]0;title\x07\n")
    assert raw.getvalue() == "نام\\x1b]0;title\\x07\n"


def test_the_stream_passes_every_other_attribute_to_the_terminal():
    raw = io.StringIO()
    stream = EscapingStream(raw)
    stream.write("x")
    assert stream.getvalue() == "x"  # StringIO's own method, through the wrapper
    assert stream.raw is raw
    assert stream.closed is False
