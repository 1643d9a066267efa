"""``kg build``, ``synth``, ``diagram``, ``export``, ``describe``, ``docs``, ``publish``: files made of the graph."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from kg import limits
from kg.cli.options import Command, add_data_option, add_out_option, rdf_formats_help
from kg.errors import ExitCode
from kg.output import register_input
from kg.terminal import emit


def _report_written(result: Any) -> None:
    """Print an export's text to stdout (as UTF-8), or where each of its files went."""
    if result.text is not None:
        emit(result.text)
    for name, path in result.written:
        print(f"wrote {name}: {path}")


def cmd_build(args: argparse.Namespace) -> int:
    """Validate, then write every output into the build directory, printing where each went.

    Nothing is written unless validation passes; outputs are written to a
    temporary folder first and moved into place only when all succeeded.
    """
    from kg.build import build

    result = build(args.out, data=args.data, force=args.force)
    print(result.report.format(), end="")
    if not result.report.conforms:
        print("build stopped: the data does not validate; nothing was written", file=sys.stderr)
        return ExitCode.NOT_CONFORMING
    for name, path in result.outputs:
        print(f"wrote {name}: {path}")
    for name, path in result.kept:
        print(f"kept {name}: {path} (its inputs did not change; --force rewrites it)")
    for name, why in result.skipped:
        print(f"warning: skipped {name}: {why}", file=sys.stderr)
    return ExitCode.OK


def _build_options(parser: argparse.ArgumentParser) -> None:
    add_data_option(parser)
    add_out_option(parser, "build")
    parser.add_argument(
        "--force", action="store_true", help="rewrite every output, also those whose inputs did not change"
    )


def cmd_synth(args: argparse.Namespace) -> int:
    """Write a synthetic corpus of N articles in the ontology (for benchmarks), the same bytes for the same seed.

    Each article has its Persian text with its mentions at code-point offsets, a visit, a
    meeting, a statement and an agreement; the real countries, leaders and ministries of the
    shipped data are shared across articles. The file passes `kg validate --data FILE`.
    """
    from kg.synth import write_synth

    path = write_synth(args.out, args.articles, args.seed)
    print(f"wrote {args.articles} synthetic article(s), seed {args.seed}: {path}")
    return ExitCode.OK


def _article_count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if not 1 <= value <= limits.MAX_ARTICLES:
        raise argparse.ArgumentTypeError(f"must be from 1 to {limits.MAX_ARTICLES}, not {value}")
    return value


def _synth_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--articles", type=_article_count, required=True, metavar="N", help="how many articles")
    parser.add_argument("--seed", type=int, default=0, metavar="S", help="random seed (default: 0)")
    parser.add_argument("--out", required=True, metavar="FILE", help="Turtle file to write")


def cmd_diagram(args: argparse.Namespace) -> int:
    """Write the class diagram of the ontology (Graphviz DOT, and SVG when ``dot`` is installed)."""
    from kg.diagram import write_diagram

    for path in write_diagram(args.out):
        print(f"wrote {path}")
    return ExitCode.OK


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
    _report_written(result)
    return ExitCode.OK


def _export_options(parser: argparse.ArgumentParser) -> None:
    add_data_option(parser)
    parser.add_argument(
        "--format",
        default="turtle",
        metavar="FORMAT",
        help=f"{rdf_formats_help()}, or all (one file each, needs --out DIR)",
    )
    parser.add_argument("--graph", default="all", metavar="PART", help="all (default), data or ontology")
    parser.add_argument(
        "--out", metavar="FILE|DIR", help="file to write (a directory for --format all); default: stdout"
    )
    parser.add_argument(
        "--endpoint", metavar="URL", help="SPARQL endpoint to record in the description (TriG, N-Quads)"
    )


def cmd_describe(args: argparse.Namespace) -> int:
    """Write the VoID/DCAT description of the dataset: titles, licence, source, counts, vocabularies.

    Counts (triples, entities, classes and properties with their partitions) are computed
    from the ontology, vocabularies and data. Give --endpoint to record the SPARQL endpoint
    of a running `kg serve`. The data is validated first, and what validation found is one
    of the quality measurements (DQV) of the description.
    """
    from kg.describe import describe, describe_target
    from kg.sources import Sources
    from kg.validate import validate

    sources = Sources(args.data)
    for path in sources.paths:  # the files it will read: an --out among them is refused before the work
        register_input(path)
    describe_target(args.format, args.out)  # a wrong format or output is refused before the validation
    sources.report = validate(sources=sources)
    result = describe(sources, endpoint=args.endpoint, fmt=args.format, out=args.out)
    _report_written(result)
    return ExitCode.OK


def _describe_options(parser: argparse.ArgumentParser) -> None:
    add_data_option(parser)
    parser.add_argument(
        "--endpoint", metavar="URL", help="SPARQL endpoint of a running `kg serve`, e.g. http://127.0.0.1:7878/query"
    )
    parser.add_argument("--format", default="turtle", metavar="FORMAT", help=rdf_formats_help(datasets=False))
    parser.add_argument("--out", metavar="FILE", help="file to write; default: stdout")


def cmd_docs(args: argparse.Namespace) -> int:
    """Write the ontology documentation: index.html (English) and fa.html (Persian, right to left)."""
    from kg.docs import write_docs

    for path in write_docs(args.out):
        print(f"wrote {path}")
    return ExitCode.OK


def cmd_publish(args: argparse.Namespace) -> int:
    """Write the graph as a static web site: a page and four RDF files for every IRI, for any web host.

    Every resource gets id/NAME.html (English), id/NAME.fa.html (Persian), .ttl, .nt,
    .jsonld and .rdf, the same documents kg serve answers; beside them the ontology
    pages, the explorer, gzipped dumps, the VoID description (.well-known/void), a
    sitemap, a search index, and w3id/.htaccess: the redirect rules for the w3id.org
    repository, sending https://w3id.org/iran-kazakhstan-kg/... to --host by Accept.
    The folder is replaced whole when complete.
    """
    from kg.publish.static import write_site

    result = write_site(args.out, args.data, host=args.host)
    print(f"wrote {result.files} files ({result.bytes / 1e6:.1f} MB) for {result.resources} resources: {result.out}")
    print(f"w3id.org rules (redirecting to {args.host}): {result.out / 'w3id' / '.htaccess'}")
    return ExitCode.OK


def _publish_options(parser: argparse.ArgumentParser) -> None:
    add_data_option(parser)
    add_out_option(parser, "build/site")
    parser.add_argument(
        "--host",
        default=limits.PUBLISH_HOST,
        metavar="URL",
        help=f"where the site will be served, for the w3id.org rules (default: {limits.PUBLISH_HOST})",
    )


COMMANDS: dict[str, Command] = {
    "build": (cmd_build, _build_options),
    "synth": (cmd_synth, _synth_options),
    "diagram": (cmd_diagram, lambda p: add_out_option(p, "build", "; the repository's: --out docs")),
    "export": (cmd_export, _export_options),
    "describe": (cmd_describe, _describe_options),
    "docs": (
        cmd_docs,
        lambda p: add_out_option(p, "build/ontology-docs", ", as kg build; the repository's: --out docs/ontology"),
    ),
    "publish": (cmd_publish, _publish_options),
}
