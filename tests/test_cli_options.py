"""kg.cli.options: argument types refuse what is no value with the option named (exit 2), shared options once."""

from __future__ import annotations

import argparse
import io

import pytest

from kg import limits
from kg.cli import options
from kg.cli.options import (
    add_data_option,
    add_engine_options,
    add_lang_option,
    add_max_rows_option,
    add_seconds_option,
    base_iri,
    input_file,
    password,
    port,
    reading,
    seconds,
    whole_number,
)


class Parser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse prints and exits 2; the test reads the message
        raise SystemExit(message)


def parser() -> Parser:
    made = Parser(prog="kg test")
    add_data_option(made)
    add_seconds_option(made, 5.0, "time limit")
    add_max_rows_option(made)
    add_lang_option(made, "the page's language")
    add_engine_options(made, "a note", "an endpoint")
    made.add_argument("--port", type=port, default=0)
    return made


def refusal(*argv: str) -> str:
    with pytest.raises(SystemExit) as caught:
        parser().parse_args(list(argv))
    return str(caught.value)


@pytest.mark.parametrize(("text", "value"), [("2.5", 2.5), ("1e-3", 0.001), ("600", 600.0), ("۵", 5.0), (" 7 ", 7.0)])
def test_seconds_are_finite_numbers_above_zero(text, value):
    assert seconds(text) == value  # Persian digits typed on a Persian keyboard are read


@pytest.mark.parametrize("text", ["0", "-1", "nan", "inf", "-inf", "five", "", "1e999"])
def test_what_is_no_number_of_seconds_is_refused_naming_the_option(text):
    assert refusal(f"--timeout={text}") == f"argument --timeout: {text!r} is not a number of seconds > 0"


@pytest.mark.parametrize(("minimum", "text", "value"), [(0, "0", 0), (1, "1", 1), (0, "۱۲", 12), (1, "10000", 10000)])
def test_whole_numbers_at_or_above_their_minimum(minimum, text, value):
    assert whole_number(minimum)(text) == value


@pytest.mark.parametrize("text", ["-1", "1.5", "many", ""])
def test_max_rows_refuses_what_is_no_whole_number(text):
    assert refusal(f"--max-rows={text}") == f"argument --max-rows: {text!r} is not a whole number ≥ 0"


@pytest.mark.parametrize(("text", "value"), [("0", 0), ("1", 1), ("65535", 65535), ("7878", 7878)])
def test_a_port_or_zero_for_a_free_one(text, value):
    assert port(text) == value


@pytest.mark.parametrize("text", ["-1", "65536", "http", "80.5"])
def test_what_is_no_port_is_refused(text):
    assert refusal(f"--port={text}") == f"argument --port: {text!r} is not a port (1–65535, or 0 for a free one)"


@pytest.mark.parametrize("text", ["", " ", "\t"])
def test_an_empty_input_file_name_is_refused(text):
    assert refusal("--data", text) == "argument --data: an empty file name names no file"


def test_input_files_are_kept_in_order_and_repeatable():
    args = parser().parse_args(["--data", "a.ttl", "--data", "داده.ttl"])
    assert args.data == ["a.ttl", "داده.ttl"]
    assert input_file("x.nt") == "x.nt"


def test_a_base_iri_must_be_absolute():
    assert base_iri("https://example.org/data/") == "https://example.org/data/"
    message = refusal("--base", "data/")
    assert message.startswith("argument --base: the base IRI 'data/' is not an absolute IRI (")
    assert message.endswith("give one with a scheme, such as https://example.org/data/")


def test_defaults_come_from_the_limits():
    args = parser().parse_args([])
    assert (args.timeout, args.max_rows, args.lang, args.engine, args.endpoint, args.graph) == (
        5.0,
        limits.MAX_ROWS,
        "en",
        None,
        None,
        None,
    )
    assert refusal("--lang", "de").startswith("argument --lang: invalid choice: 'de'")
    assert refusal("--engine", "jena").startswith("argument --engine: invalid choice: 'jena'")


def test_reading_applies_the_base_only_when_given():
    from kg.base_iri import current_base

    with reading(argparse.Namespace(base=None)):
        assert current_base() is None
    with reading(argparse.Namespace(base="https://example.org/d/")):
        assert current_base() == "https://example.org/d/"
    assert current_base() is None


def test_options_are_passed_on_unchanged():
    args = argparse.Namespace(lang="fa", top=3, out="x")
    assert options.options(args, "lang", "top") == {"lang": "fa", "top": 3}


def test_the_password_comes_from_the_environment_and_is_never_asked_without_a_terminal(monkeypatch):
    monkeypatch.setenv("KG_ENDPOINT_PASSWORD", "s3cret")
    assert password("reader") == "s3cret"
    assert password(None) is None
    monkeypatch.delenv("KG_ENDPOINT_PASSWORD")
    monkeypatch.setattr("sys.stdin", io.StringIO())  # not a terminal: nothing is asked
    monkeypatch.setattr("getpass.getpass", lambda prompt: pytest.fail("asked for a password"))
    assert password("reader") is None
