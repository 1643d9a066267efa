"""The ``kg`` command: parse arguments, call one library function, print, pick an exit code.

Library modules raise :class:`kg.errors.KgError`; this module alone turns it
into a one-paragraph message on stderr and the error's exit code (see
:class:`kg.errors.ExitCode`).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from importlib.metadata import PackageNotFoundError, version

from kg.errors import ExitCode, KgError

Handler = Callable[[argparse.Namespace], int]


def _version() -> str:
    try:
        return version("kg-iran-kazakhstan")
    except PackageNotFoundError:  # running from a source tree that is not installed
        return "unknown"


def _add_data_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data",
        action="append",
        metavar="FILE",
        help="a Turtle file of the same ontology to use instead of the shipped data/article.ttl (repeatable)",
    )


# --------------------------------------------------------------------------- validate


def cmd_validate(args: argparse.Namespace) -> int:
    """Check the data: SHACL shapes, every quote at its offsets, declared terms, labels, Wikidata links.

    Prints a report (focus node, path, message) and exits 0 only when every check passes.
    """
    from kg.validate import validate

    report = validate(args.data)
    print(report.format(), end="")
    return ExitCode.OK if report.conforms else ExitCode.NOT_CONFORMING


# --------------------------------------------------------------------------- build


def cmd_build(args: argparse.Namespace) -> int:
    """Validate, then write every output into the build directory, printing where each went.

    Nothing is written unless validation passes; outputs are written to a
    temporary folder first and moved into place only when all succeeded.
    """
    from kg.build import build

    result = build(args.out, data=args.data)
    print(result.report.format(), end="")
    if not result.report.conforms:
        print("build stopped: the data does not validate; nothing was written", file=sys.stderr)
        return ExitCode.NOT_CONFORMING
    for name, path in result.outputs:
        print(f"wrote {name}: {path}")
    return ExitCode.OK


# --------------------------------------------------------------------------- locate


def cmd_locate(args: argparse.Namespace) -> int:
    """Find a phrase in the article and print its code-point offsets (for curators).

    Matching tolerates ZWNJ, Arabic or Persian yeh and kaf, diacritics and Persian digits.
    """
    from kg.text import find_spans

    from kg.load import article_text

    spans = find_spans(article_text(), args.phrase)
    if not spans:
        print(f"not found: {args.phrase}", file=sys.stderr)
        return ExitCode.NOT_CONFORMING
    for span in spans:
        print(f"{span.begin}\t{span.end}\t{span.text}")
    return ExitCode.OK


# --------------------------------------------------------------------------- diagram


def cmd_diagram(args: argparse.Namespace) -> int:
    """Write the class diagram of the ontology (Graphviz DOT, and SVG when ``dot`` is installed)."""
    from kg.diagram import write_diagram

    for path in write_diagram(args.out):
        print(f"wrote {path}")
    return ExitCode.OK


# --------------------------------------------------------------------------- parser


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kg",
        description="A knowledge graph of one ISNA article on Iran–Kazakhstan cooperation (June 2022).",
        epilog="Exit codes: 0 ok, 1 not conforming or no match, 2 usage or load error, 3 query error, "
        "4 timeout, 5 endpoint error, 6 server error, 7 output error.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def add(name: str, handler: Handler) -> argparse.ArgumentParser:
        doc = (handler.__doc__ or "").strip()
        p = sub.add_parser(
            name,
            help=doc.splitlines()[0],
            description=doc,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        p.set_defaults(handler=handler)
        return p

    p = add("validate", cmd_validate)
    _add_data_option(p)

    p = add("build", cmd_build)
    _add_data_option(p)
    p.add_argument("--out", default="build", metavar="DIR", help="output directory (default: build)")

    p = add("locate", cmd_locate)
    p.add_argument("phrase", help="the phrase to find, typed however you like")

    p = add("diagram", cmd_diagram)
    p.add_argument("--out", default="docs", metavar="DIR", help="output directory (default: docs)")

    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args))
    except KgError as exc:
        print(f"kg {args.command}: error: {exc}", file=sys.stderr)
        return int(exc.exit_code)
    except BrokenPipeError:  # e.g. `kg query ... | head`
        return ExitCode.OK
