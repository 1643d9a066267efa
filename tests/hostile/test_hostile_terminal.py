"""What reaches a terminal: control characters from data and file names are shown, never obeyed.

SECURITY.md, "Data files". A label holding ESC sequences (colour, a cursor move, a window
title), a bell, a carriage return or a C1 control, and a file name holding one, reached the
terminal raw. Every case asserts the escaped text and that no control character is left.
"""

from __future__ import annotations

import io
import re
import sys

import pytest

from kg.cli import main
from kg.terminal import printable

#: A label with an ANSI colour, a bell, a carriage return, a C1 CSI (U+009B) and a window-title OSC.
HOSTILE = "bad\x1b[31mRED\x1b[0m\x07\r\x9b2J\x1b]0;owned\x07 end"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SELECT = f"SELECT ?l WHERE {{ ?s <{LABEL}> ?l }}"
CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@pytest.fixture
def hostile_data(tmp_path):
    path = tmp_path / "esc.nt"
    escaped = HOSTILE.encode("unicode_escape").decode("ascii").replace("\\x", "\\u00")
    path.write_text(f'<http://example.org/a> <{LABEL}> "{escaped}"@en .\n', encoding="utf-8")
    return path


class FakeTerminal(io.TextIOWrapper):
    """A terminal: isatty() says so; what was written, as text and as bytes, is read back with value()."""

    def __init__(self) -> None:
        super().__init__(io.BytesIO(), encoding="utf-8", write_through=True)

    def isatty(self) -> bool:
        return True

    def value(self) -> str:
        self.flush()
        return self.buffer.getvalue().decode("utf-8")


def test_a_label_with_control_characters_is_escaped_in_the_table(hostile_data, run_kg):
    code, out, _ = run_kg("query", "-e", SELECT, "--data", str(hostile_data), "--engine", "rdflib")
    assert code == 0
    assert "bad\\x1b[31mRED\\x1b[0m\\x07 \\x9b2J\\x1b]0;owned\\x07 end" in out  # the \\r: a space in a cell
    assert not CONTROLS.search(out)


def test_a_terminal_gets_no_control_character_of_the_data_in_any_format(hostile_data, monkeypatch, capsys):
    """CSV and JSON to a terminal are escaped too; to a pipe or a file they stay exact (they are data)."""
    for fmt in ("csv", "json", "tsv"):
        terminal = FakeTerminal()
        monkeypatch.setattr(sys, "stdout", terminal)
        assert main(["query", "-e", SELECT, "--data", str(hostile_data), "--format", fmt]) == 0
        monkeypatch.undo()
        assert re.search(r"\\(x1b|u001[bB])\[31mRED", terminal.value()), fmt  # JSON and TSV escape C0 their way
        assert not CONTROLS.search(terminal.value().replace("\r\n", "\n")), fmt
    capsys.readouterr()
    assert main(["query", "-e", SELECT, "--data", str(hostile_data), "--format", "csv"]) == 0
    assert "\x1b[31m" in capsys.readouterr().out  # piped: the data as it is


def test_a_file_name_with_control_characters_is_escaped_in_messages(tmp_path, run_kg):
    for name in ("e\x1b[31mx.nope", "e\x07\rx.ttl", "e\x9bx.ttl"):
        code, _, err = run_kg("validate", "--data", str(tmp_path / name))
        assert code == 2, err
        assert not CONTROLS.search(err.rstrip("\n")), err
        assert str(tmp_path / printable(name)) in err, err


@pytest.mark.parametrize("name", ["", " ", "\t"])
def test_an_empty_data_file_name_is_a_usage_error(name, capsys):
    """`--data ''` was read as the folder "." and reported as a file named "."."""
    with pytest.raises(SystemExit) as stopped:
        main(["validate", "--data", name])
    assert stopped.value.code == 2
    assert "argument --data: an empty file name names no file" in capsys.readouterr().err
