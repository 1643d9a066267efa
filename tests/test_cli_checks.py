"""kg.cli.checks, in-process: kg locate prints code-point offsets of a phrase however it is typed, and says
what it did not find without obeying control characters. (kg validate and kg reason: test_validate.py,
test_reason.py, test_cli.py.)"""

from __future__ import annotations

import pytest

from kg.cli import main
from kg.errors import ExitCode
from kg.load import article_text


@pytest.fixture(scope="module")
def article():
    return article_text()


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ("توكايف", "توکایف"),  # Arabic kaf and yeh
        ("توکایف", "توکایف"),
        ("قاسم ژومارت", "قاسم ژومارت"),
        ("تو\u200cکایف", "توکایف"),  # a stray ZWNJ typed inside the word
    ],
)
def test_each_place_of_a_phrase_is_printed_with_its_code_point_offsets(capsys, article, typed, written):
    assert main(["locate", typed]) == ExitCode.OK
    lines = capsys.readouterr().out.splitlines()
    assert lines
    for line in lines:
        begin, end, text = line.split("\t")
        assert article[int(begin) : int(end)] == text
        assert text.replace("\u200c", "") == written.replace("\u200c", "")


def test_a_phrase_not_in_the_article_exits_1_and_says_so(capsys):
    assert main(["locate", "ترکمنستان"]) == ExitCode.NOT_CONFORMING
    captured = capsys.readouterr()
    assert (captured.out, captured.err) == ("", "not found: ترکمنستان\n")


def test_control_characters_of_a_phrase_not_found_are_shown_not_obeyed(capsys):
    """Regression: the phrase was printed raw to stderr, so an ESC sequence in it (from a script's input)
    recoloured or cleared the terminal."""
    assert main(["locate", "zz\x1b[2J\x07"]) == ExitCode.NOT_CONFORMING
    assert capsys.readouterr().err == "not found: zz\\x1b[2J\\x07\n"


@pytest.mark.parametrize("phrase", ["", "   ", "\u200c", "،«»", "\u064e\u0650"])
def test_a_phrase_with_nothing_to_find_is_a_usage_error(capsys, phrase):
    """Regression: an empty phrase (or one of spaces, punctuation, ZWNJ or diacritics alone) printed
    "not found:" and exited 1, as though the article had been searched."""
    assert main(["locate", phrase]) == ExitCode.USAGE
    captured = capsys.readouterr()
    assert captured.out == "" and "has nothing to find" in captured.err
