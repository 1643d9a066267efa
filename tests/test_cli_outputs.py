"""kg.cli.outputs' own parts, in-process: the article count of kg synth and refusals before any work (the
commands' outputs: test_build.py, test_export.py, test_describe.py, test_docs.py, test_synth.py, ...)."""

from __future__ import annotations

import argparse

import pytest

from kg.cli import main
from kg.cli.outputs import _article_count
from kg.errors import ExitCode
from kg.limits import MAX_ARTICLES


@pytest.mark.parametrize(("text", "count"), [("1", 1), ("250", 250), (str(MAX_ARTICLES), MAX_ARTICLES), ("۲", 2)])
def test_an_article_count_from_one_to_the_limit(text, count):
    assert _article_count(text) == count


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("0", f"must be from 1 to {MAX_ARTICLES}, not 0"),
        (str(MAX_ARTICLES + 1), f"must be from 1 to {MAX_ARTICLES}, not {MAX_ARTICLES + 1}"),
        ("many", "not a whole number: 'many'"),
        ("1.5", "not a whole number: '1.5'"),
    ],
)
def test_an_article_count_outside_is_refused_naming_the_limit(text, message):
    with pytest.raises(argparse.ArgumentTypeError) as caught:
        _article_count(text)
    assert str(caught.value) == message


def test_synth_refuses_a_count_before_writing(capsys, tmp_path):
    out = tmp_path / "synth.ttl"
    with pytest.raises(SystemExit) as caught:
        main(["synth", "--articles=0", "--out", str(out)])
    assert caught.value.code == ExitCode.USAGE
    assert f"kg synth: error: argument --articles: must be from 1 to {MAX_ARTICLES}, not 0" in capsys.readouterr().err
    assert not out.exists()


def test_export_refuses_an_unknown_format_listing_the_choices(capsys, tmp_path):
    out = tmp_path / "kg.n3"
    assert main(["export", "--format", "n3", "--out", str(out)]) == ExitCode.USAGE
    err = capsys.readouterr().err
    assert err.startswith(
        "kg export: error: unknown format 'n3': choose one of turtle, nt, nquads, trig, jsonld, xml, all"
    )
    assert not out.exists()
