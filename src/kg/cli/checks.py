"""``kg validate``, ``kg reason``, ``kg locate``: checking the data, and finding a phrase's offsets for curators."""

from __future__ import annotations

import argparse
import sys

from kg.cli.options import Command, add_data_option
from kg.errors import ExitCode, UsageError
from kg.terminal import printable


def cmd_validate(args: argparse.Namespace) -> int:
    """Check the data: SHACL shapes and six rules of the project; every finding with its focus node.

    The seven checks, as the report names them: SHACL shapes (ontology/shapes.ttl); quotes at
    offsets (each quote re-read at its code-point offsets of the article); declared terms (every
    kg: term used is declared); labels (English and Persian); Persian orthography (Persian yeh
    and kaf, ZWNJ); Wikidata links (only to verified ids); well-typed literals (each in its
    datatype's lexical space). Prints a report (focus node, path, message) and exits 0 only when
    every check passes.
    """
    from kg.validate import validate

    report = validate(args.data)
    print(report.format(), end="")
    return ExitCode.OK if report.conforms else ExitCode.NOT_CONFORMING


def cmd_reason(args: argparse.Namespace) -> int:
    """Check the ontology plus the data with the HermiT OWL reasoner (needs Java).

    Exits 0 when the whole is consistent and no class is unsatisfiable, 1 otherwise.
    Datatypes outside the OWL 2 datatype map (xsd:date, xsd:duration) are named and ignored.
    """
    from kg.reason import check_consistency

    report = check_consistency(args.data)
    print(report.format(), end="")
    return ExitCode.OK if report.ok else ExitCode.NOT_CONFORMING


def cmd_locate(args: argparse.Namespace) -> int:
    """Find a phrase in the article and print its code-point offsets (for curators).

    Matching tolerates ZWNJ, Arabic or Persian yeh and kaf, diacritics and Persian digits. A phrase of
    nothing but spaces, punctuation or marks has nothing to find: a usage error, not "not found".
    """
    from kg.load import article_text
    from kg.text import find_spans, fold

    if not fold(args.phrase):
        raise UsageError(
            f"the phrase {printable(args.phrase)!r} has nothing to find "
            "(only spaces, punctuation or marks): give a word of the article"
        )
    spans = find_spans(article_text(), args.phrase)
    if not spans:
        print(f"not found: {printable(args.phrase)}", file=sys.stderr)
        return ExitCode.NOT_CONFORMING
    for span in spans:
        print(f"{span.begin}\t{span.end}\t{span.text}")
    return ExitCode.OK


def _locate_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("phrase", help="the phrase to find, typed however you like")


COMMANDS: dict[str, Command] = {
    "validate": (cmd_validate, add_data_option),
    "locate": (cmd_locate, _locate_options),
    "reason": (cmd_reason, add_data_option),
}
