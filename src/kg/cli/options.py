"""The argument types and the options several commands share, each defined once.

Each command module (:mod:`kg.cli.checks`, :mod:`~kg.cli.outputs`, :mod:`~kg.cli.projection`,
:mod:`~kg.cli.query`, :mod:`~kg.cli.server`) lists its commands in ``COMMANDS``: name ->
(function, options). A command's function imports the library it calls when it runs, so
building the parser imports none of it.

An argument type raises :class:`argparse.ArgumentTypeError`, which argparse reports as a
usage error naming the option (exit 2). An option's default comes from :mod:`kg.limits`,
and its help states it from there.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from typing import Any

from kg import formats, limits
from kg.i18n import DEFAULT_LANGUAGE, LANGUAGES

#: A command's function: the parsed arguments in, the exit code out. Its docstring is its --help.
Handler = Callable[[argparse.Namespace], int]
#: A command as a module lists it: its function, and what adds its arguments to its parser.
Command = tuple[Handler, Callable[[argparse.ArgumentParser], None]]

# --------------------------------------------------------------------------- argument types


def seconds(text: str) -> float:
    """A time limit in seconds: a finite number > 0 (``nan``, ``inf``, 0 and negatives are refused).

    >>> seconds("2.5")
    2.5
    >>> seconds("nan")
    Traceback (most recent call last):
    argparse.ArgumentTypeError: 'nan' is not a number of seconds > 0
    """
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds > 0")
    return value


def whole_number(minimum: int, maximum: int | None = None) -> Callable[[str], int]:
    """An argument type: an integer ≥ ``minimum`` (``--max-rows 0`` means no cut, as its help says), and
    ≤ ``maximum`` if given.

    >>> whole_number(1)("0")
    Traceback (most recent call last):
    argparse.ArgumentTypeError: '0' is not a whole number ≥ 1
    >>> whole_number(1, 8)("100000")
    Traceback (most recent call last):
    argparse.ArgumentTypeError: '100000' is not a whole number from 1 to 8
    """

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = minimum - 1
        if maximum is not None and not minimum <= value <= maximum:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number from {minimum} to {maximum}")
        if value < minimum:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number ≥ {minimum}")
        return value

    return parse


def port(text: str) -> int:
    """A TCP port, 1–65535, or 0 for a free one (the server prints which).

    >>> port("70000")
    Traceback (most recent call last):
    argparse.ArgumentTypeError: '70000' is not a port (1–65535, or 0 for a free one)
    """
    try:
        value = int(text)
    except ValueError:
        value = -1
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port (1–65535, or 0 for a free one)")
    return value


def input_file(text: str) -> str:
    """A file name given as an input: not empty (``--data ''`` was read as the folder ".").

    >>> input_file(" ")
    Traceback (most recent call last):
    argparse.ArgumentTypeError: an empty file name names no file
    """
    if not text.strip():
        raise argparse.ArgumentTypeError("an empty file name names no file")
    return text


def base_iri(text: str) -> str:
    """A base IRI for the inputs: an absolute IRI (kg.base_iri checks it when given: no parser imported before)."""
    from kg.base_iri import check_base
    from kg.errors import UsageError

    try:
        return check_base(text)
    except UsageError as exc:
        raise argparse.ArgumentTypeError(exc.message) from None


# --------------------------------------------------------------------------- shared options


def add_data_option(parser: argparse.ArgumentParser) -> None:
    """--data FILE (repeatable): the inputs instead of the shipped data; --base IRI: what their relative IRIs
    resolve against (:func:`reading`)."""
    parser.add_argument(
        "--data",
        action="append",
        type=input_file,
        metavar="FILE",
        help="an RDF file (.ttl .nt .nq .trig .jsonld .rdf .owl .xml) to use instead of data/article.ttl (repeatable)",
    )
    parser.add_argument(
        "--base",
        type=base_iri,
        metavar="IRI",
        help="the base IRI of relative IRIs in the inputs that set none themselves (default: none, so a "
        "relative IRI is an error naming its file and line; N-Triples and N-Quads allow none)",
    )


def reading(args: argparse.Namespace) -> AbstractContextManager[None]:
    """Where a command runs: with its inputs' relative IRIs resolved against ``--base`` when it was given."""
    if getattr(args, "base", None) is None:
        return nullcontext()
    from kg.base_iri import input_base

    return input_base(args.base)


def add_out_option(parser: argparse.ArgumentParser, default: str, note: str = "") -> None:
    """--out DIR: an output directory under ``build/`` unless given (``note`` says more after the default)."""
    parser.add_argument("--out", default=default, metavar="DIR", help=f"output directory (default: {default}{note})")


def offered(choices: list[str] | tuple[str, ...]) -> str:
    """The choices a ``--help`` lists, the first the default: ``turtle (default), nt, …``."""
    return ", ".join([f"{choices[0]} (default)", *choices[1:]])


def rdf_formats_help(*, datasets: bool = True) -> str:
    """The RDF formats an option takes, from the one registry (:mod:`kg.formats`), aliases said apart."""
    listed = formats.names(datasets=datasets)
    return f"{offered(listed)} (or an alias: {', '.join(formats.aliases(datasets=datasets))})"


def add_lang_option(parser: argparse.ArgumentParser, what: str) -> None:
    """--lang en|fa: the language of ``what``."""
    parser.add_argument(
        "--lang", choices=LANGUAGES, default=DEFAULT_LANGUAGE, help=f"{what} (default: {DEFAULT_LANGUAGE})"
    )


def add_seconds_option(parser: argparse.ArgumentParser, default: float, what: str, name: str = "--timeout") -> None:
    """A time limit in seconds (--timeout unless ``name``), its default from :mod:`kg.limits`."""
    parser.add_argument(name, type=seconds, default=default, metavar="SECONDS", help=f"{what} (default: {default:g})")


def add_entailment_option(parser: argparse.ArgumentParser) -> None:
    """--entailment rdfs|none: whether the RDFS closure is queried too."""
    parser.add_argument(
        "--entailment",
        choices=limits.ENTAILMENTS,
        default=limits.DEFAULT_ENTAILMENT,
        help="rdfs (default): superclass types and superproperty statements are queried too (RDFS only: an "
        "owl:inverseOf adds nothing, walk it as ^p); none: asserted only",
    )


def add_max_rows_option(parser: argparse.ArgumentParser) -> None:
    """--max-rows N: where results are cut (0: never)."""
    parser.add_argument(
        "--max-rows",
        type=whole_number(0),
        default=limits.MAX_ROWS,
        metavar="N",
        help=f"cut results after N rows (default: {limits.MAX_ROWS}; 0: all)",
    )


def add_engine_options(parser: argparse.ArgumentParser, engine_note: str, endpoint_help: str) -> None:
    """--engine, --endpoint and --graph: where queries run (the local graph on an engine, or an endpoint)."""
    parser.add_argument(
        "--engine", choices=limits.ENGINES, help=f"local engine (default: {limits.DEFAULT_ENGINE}; {engine_note})"
    )
    parser.add_argument("--endpoint", metavar="URL", help=endpoint_help)
    parser.add_argument("--graph", metavar="IRI", help="with --endpoint: the named graph to query as the default graph")


def options(args: argparse.Namespace, *names: str) -> dict[str, Any]:
    """The values of the options ``names`` as keyword arguments of the library function they go to, unchanged.

    >>> options(argparse.Namespace(lang="fa", top=3, out="x"), "lang", "top")
    {'lang': 'fa', 'top': 3}
    """
    return {name: getattr(args, name) for name in names}


def password(user: str | None) -> str | None:
    """The endpoint password for --user: $KG_ENDPOINT_PASSWORD, else asked for on a terminal."""
    if user is None:
        return None
    secret = os.environ.get("KG_ENDPOINT_PASSWORD")
    if secret is None and sys.stdin.isatty():
        import getpass  # only to ask for a password

        secret = getpass.getpass(f"password for {user}: ")
    return secret
