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


# --------------------------------------------------------------------------- export, describe, docs, reason


def cmd_export(args: argparse.Namespace) -> int:
    """Write the graph as Turtle, N-Triples, N-Quads, TriG, JSON-LD or RDF/XML, byte-identical on every run.

    --graph all (default) is the ontology, vocabularies and data; TriG and N-Quads keep
    each in its own named graph and add the VoID/DCAT description. --graph data gives the
    data alone (its Turtle is the normal form of data/article.ttl). One format goes to
    stdout or --out FILE; --format all --out DIR writes kg.ttl, kg.nt, kg.nq, kg.trig,
    kg.jsonld and kg.rdf. Files are written to a temporary name and renamed when complete.
    """
    from kg.export import export_graph

    result = export_graph(args.format, args.out, graph=args.graph, data=args.data, endpoint=args.endpoint)
    if result.text is not None:
        sys.stdout.buffer.write(result.text.encode("utf-8"))
        sys.stdout.flush()
    for name, path in result.written:
        print(f"wrote {name}: {path}")
    return ExitCode.OK


def cmd_describe(args: argparse.Namespace) -> int:
    """Write the VoID/DCAT description of the dataset: titles, licence, source, counts, vocabularies.

    Counts (triples, entities, classes and properties with their partitions) are computed
    from the ontology, vocabularies and data. Give --endpoint to record the SPARQL endpoint
    of a running `kg serve`.
    """
    from kg.describe import describe

    result = describe(args.data, endpoint=args.endpoint, fmt=args.format, out=args.out)
    if result.text is not None:
        sys.stdout.buffer.write(result.text.encode("utf-8"))
        sys.stdout.flush()
    for name, path in result.written:
        print(f"wrote {name}: {path}")
    return ExitCode.OK


def cmd_docs(args: argparse.Namespace) -> int:
    """Write the ontology documentation: index.html (English) and fa.html (Persian, right to left)."""
    from kg.docs import write_docs

    for path in write_docs(args.out):
        print(f"wrote {path}")
    return ExitCode.OK


def cmd_reason(args: argparse.Namespace) -> int:
    """Check the ontology plus the data with the HermiT OWL reasoner (needs Java).

    Exits 0 when the whole is consistent and no class is unsatisfiable, 1 otherwise.
    Datatypes outside the OWL 2 datatype map (xsd:date, xsd:duration) are named and ignored.
    """
    from kg.reason import check_consistency

    report = check_consistency(args.data)
    print(report.format(), end="")
    return ExitCode.OK if report.ok else ExitCode.NOT_CONFORMING


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

    p = add("export", cmd_export)
    _add_data_option(p)
    p.add_argument(
        "--format",
        default="turtle",
        metavar="FORMAT",
        help="turtle (default), nt, nquads, trig, jsonld, xml, or all (one file each, needs --out DIR)",
    )
    p.add_argument("--graph", default="all", metavar="PART", help="all (default), data or ontology")
    p.add_argument("--out", metavar="FILE|DIR", help="file to write (a directory for --format all); default: stdout")
    p.add_argument("--endpoint", metavar="URL", help="SPARQL endpoint to record in the description (TriG, N-Quads)")

    p = add("describe", cmd_describe)
    _add_data_option(p)
    p.add_argument(
        "--endpoint", metavar="URL", help="SPARQL endpoint of a running `kg serve`, e.g. http://127.0.0.1:7878/query"
    )
    p.add_argument("--format", default="turtle", metavar="FORMAT", help="turtle (default), nt, jsonld or xml")
    p.add_argument("--out", metavar="FILE", help="file to write; default: stdout")

    p = add("docs", cmd_docs)
    p.add_argument("--out", default="docs/ontology", metavar="DIR", help="output directory (default: docs/ontology)")

    p = add("reason", cmd_reason)
    _add_data_option(p)

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
