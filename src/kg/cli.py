"""The ``kg`` command: parse arguments, call one library function, print, pick an exit code.

Library modules raise :class:`kg.errors.KgError`; this module alone turns it
into a one-paragraph message on stderr and the error's exit code (see
:class:`kg.errors.ExitCode`).
"""

from __future__ import annotations

import argparse
import functools
import getpass
import inspect
import math
import os
import re
import shutil
import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

from kg import limits
from kg.errors import ExitCode, KgError, UsageError, describe_exit_codes
from kg.i18n import DEFAULT_LANGUAGE, LANGUAGES
from kg.terminal import EscapingStream, printable

Handler = Callable[[argparse.Namespace], int]


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version  # 20 ms: only for --version

    try:
        return version("kg-iran-kazakhstan")
    except PackageNotFoundError:  # running from a source tree that is not installed
        return "unknown"


class _VersionAction(argparse.Action):
    """``--version``: print the installed version, looked up only when asked for."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, help="show the version and exit")

    def __call__(self, parser: argparse.ArgumentParser, *args: Any, **kwargs: Any) -> None:
        parser.exit(message=f"{parser.prog} {_version()}\n")


# --------------------------------------------------------------------------- argument types
# Each raises ArgumentTypeError, which argparse reports as a usage error naming the option (exit 2).


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


def whole_number(minimum: int) -> Callable[[str], int]:
    """An argument type: an integer ≥ ``minimum`` (``--max-rows 0`` means no cut, as its help says).

    >>> whole_number(1)("0")
    Traceback (most recent call last):
    argparse.ArgumentTypeError: '0' is not a whole number ≥ 1
    """

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = minimum - 1
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


def _add_entailment_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--entailment",
        choices=limits.ENTAILMENTS,
        default=limits.DEFAULT_ENTAILMENT,
        help="rdfs (default): superclass types and superproperty statements are queried too; none: asserted only",
    )


def _add_max_rows_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--max-rows",
        type=whole_number(0),
        default=limits.MAX_ROWS,
        metavar="N",
        help=f"cut results after N rows (default: {limits.MAX_ROWS}; 0: all)",
    )


def input_file(text: str) -> str:
    """A file name given as an input: not empty (``--data ''`` was read as the folder ".").

    >>> input_file(" ")
    Traceback (most recent call last):
    argparse.ArgumentTypeError: an empty file name names no file
    """
    if not text.strip():
        raise argparse.ArgumentTypeError("an empty file name names no file")
    return text


def _add_engine_options(parser: argparse.ArgumentParser, engine_note: str, endpoint_help: str) -> None:
    """--engine, --endpoint and --graph: where queries run (the local graph on an engine, or an endpoint)."""
    parser.add_argument(
        "--engine", choices=limits.ENGINES, help=f"local engine (default: {limits.DEFAULT_ENGINE}; {engine_note})"
    )
    parser.add_argument("--endpoint", metavar="URL", help=endpoint_help)
    parser.add_argument("--graph", metavar="IRI", help="with --endpoint: the named graph to query as the default graph")


def _add_data_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data",
        action="append",
        type=input_file,
        metavar="FILE",
        help="an RDF file (.ttl .nt .nq .trig .jsonld .rdf .owl .xml) to use instead of data/article.ttl (repeatable)",
    )


# --------------------------------------------------------------------------- validate


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


# --------------------------------------------------------------------------- build


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


# --------------------------------------------------------------------------- synth


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


# --------------------------------------------------------------------------- locate


def cmd_locate(args: argparse.Namespace) -> int:
    """Find a phrase in the article and print its code-point offsets (for curators).

    Matching tolerates ZWNJ, Arabic or Persian yeh and kaf, diacritics and Persian digits.
    """
    from kg.load import article_text
    from kg.text import find_spans

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


def _report_written(result: Any) -> None:
    """Print an export's text to stdout (as UTF-8), or where each of its files went."""
    if result.text is not None:
        _emit(result.text)
    for name, path in result.written:
        print(f"wrote {name}: {path}")


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


def cmd_describe(args: argparse.Namespace) -> int:
    """Write the VoID/DCAT description of the dataset: titles, licence, source, counts, vocabularies.

    Counts (triples, entities, classes and properties with their partitions) are computed
    from the ontology, vocabularies and data. Give --endpoint to record the SPARQL endpoint
    of a running `kg serve`.
    """
    from kg.describe import describe

    result = describe(args.data, endpoint=args.endpoint, fmt=args.format, out=args.out)
    _report_written(result)
    return ExitCode.OK


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


def cmd_reason(args: argparse.Namespace) -> int:
    """Check the ontology plus the data with the HermiT OWL reasoner (needs Java).

    Exits 0 when the whole is consistent and no class is unsatisfiable, 1 otherwise.
    Datatypes outside the OWL 2 datatype map (xsd:date, xsd:duration) are named and ignored.
    """
    from kg.reason import check_consistency

    report = check_consistency(args.data)
    print(report.format(), end="")
    return ExitCode.OK if report.ok else ExitCode.NOT_CONFORMING


# --------------------------------------------------------------------------- stats, path, explore


def cmd_stats(args: argparse.Namespace) -> int:
    """Print counts per class and property, the top nodes by degree and centrality, and the components.

    Counts are of the network the explorer draws (kg.project.SPEC: entities and facts as
    nodes, object properties as edges; mentions, concepts, claims and route stops folded in).
    """
    from kg.stats import graph_stats

    print(graph_stats(data=args.data, top=args.top, lang=args.lang).format(), end="")
    return ExitCode.OK


def cmd_path(args: argparse.Namespace) -> int:
    """Print the shortest connection between two entities, found by label in English or Persian.

    Edges are walked either way; each step is printed as its triple. Exits 1 if they are not connected.
    """
    from kg.stats import shortest_path

    connection = shortest_path(args.source, args.target, data=args.data)
    if connection is None:
        print(f"no connection between {args.source!r} and {args.target!r}", file=sys.stderr)
        return ExitCode.NOT_CONFORMING
    print(connection.format(args.lang))
    return ExitCode.OK


def cmd_explore(args: argparse.Namespace) -> int:
    """Write the explorer: one HTML file that opens offline in a browser (search, filters, the article).

    Bilingual (--lang sets the language it opens in; a button switches), self-contained
    (vis-network inlined, no remote asset), written as UTF-8 to a temporary name and renamed.
    With --sparql the page also holds a SPARQL console: Oxigraph compiled to WebAssembly, the
    graph and its RDFS closure, the library's questions as editable queries (about 2 MB more).
    """
    from kg.explore import write_explorer

    result = write_explorer(
        args.out,
        data=args.data,
        lang=args.lang,
        focus=args.focus,
        hops=args.hops,
        top=args.top,
        budget=args.budget,
        sparql=args.sparql,
    )
    print(result.format())
    return ExitCode.OK


# --------------------------------------------------------------------------- queries, query, serve, push


def _params(pairs: Sequence[str] | None) -> dict[str, str]:
    params: dict[str, str] = {}
    for pair in pairs or ():
        name, eq, value = pair.partition("=")
        if not eq or not name:
            raise UsageError(f"--param takes NAME=VALUE, not {pair!r}")
        params[name.strip()] = value
    return params


def _password(user: str | None) -> str | None:
    """The endpoint password: $KG_ENDPOINT_PASSWORD, else asked for on a terminal."""
    if user is None:
        return None
    password = os.environ.get("KG_ENDPOINT_PASSWORD")
    if password is None and sys.stdin.isatty():
        password = getpass.getpass(f"password for {user}: ")
    return password


def _emit(text: str) -> None:
    """Write to stdout as UTF-8 whatever the terminal's encoding, so Persian always comes through."""
    stream = sys.stdout
    if isinstance(stream, EscapingStream):  # a terminal: the data's control characters as escapes
        text, stream = printable(text), stream.raw
    stream.flush()
    stream.buffer.write(text.encode("utf-8"))
    stream.flush()


def cmd_queries(args: argparse.Namespace) -> int:
    """List the query library (queries/*.rq): each query's name, title and parameters.

    --lang fa shows each question in Persian. --check runs every query that has
    expected results (queries/NAME.srj) with its defaults and compares the rows;
    it exits 1 if any differ.
    """
    if args.check:
        from kg.sparql import check_queries

        report = check_queries(
            data=args.data, engine=args.engine, endpoint=args.endpoint, endpoint_graph=args.graph, timeout=args.timeout,
            entailment=args.entailment,
        )  # fmt: skip
        _emit(report.format())
        return ExitCode.OK if report.ok else ExitCode.NOT_CONFORMING
    from kg.sparql import format_library

    _emit(format_library(lang=args.lang))
    return ExitCode.OK


def cmd_query(args: argparse.Namespace) -> int:
    """Run a SPARQL query: a library query by NAME, a .rq FILE, or -e 'SPARQL'.

    SELECT and ASK results print as --format table (default), csv, tsv, json
    (the SPARQL 1.1 result formats) or md; CONSTRUCT and DESCRIBE graphs as
    turtle (default), nt, nquads, trig, jsonld or xml (a table is refused for a
    graph, as csv is). --param NAME=VALUE
    binds a parameter as a typed RDF term (never pasted into the text). In the
    table, IRIs show as their label in --lang (--iris shows prefixed names).

    The query runs on the local graph (--engine oxigraph, the default, or
    rdflib) or on --endpoint URL, with RDFS entailment (--entailment none for
    the asserted triples only). It is stopped after --timeout seconds or past
    --max-memory MB (exit 4), and its rows cut at --max-rows. --show prints
    the standalone query text with the parameters bound instead of running
    it. SERVICE and FROM are refused unless
    --allow-external; SPARQL Update always. The password for --user is read
    from $KG_ENDPOINT_PASSWORD (or asked for). Exits 1 when nothing matched
    (no rows, ASK false, an empty graph).

    The first run starts a warm query process in the background that keeps kg
    loaded and the store of the last inputs in memory; later runs hand it
    their work (see `kg cache`). --no-cache or KG_NO_CACHE=1 runs without it.
    """
    from kg.sparql import query, show

    if (args.query is None) == (args.expression is None):
        raise UsageError("give either a query NAME or FILE, or -e 'SPARQL'")
    if args.show:
        text = show(args.query, _params(args.param), text=args.expression, lang=args.lang)
        _emit(text if text.endswith("\n") else text + "\n")
        return ExitCode.OK
    result = query(
        args.query,
        _params(args.param),
        text=args.expression,
        data=args.data,
        engine=args.engine,
        endpoint=args.endpoint,
        endpoint_graph=args.graph,
        user=args.user,
        password=_password(args.user),
        timeout=args.timeout,
        max_rows=args.max_rows or None,
        lang=args.lang,
        labels=not args.iris and args.format in (None, "table", "md"),
        allow_external=args.allow_external,
        fmt=args.format,
        entailment=args.entailment,
        max_memory=args.max_memory or None,
    )
    _emit(result.format(args.format, labels=not args.iris, width=_table_width(args)))
    if result.notice:
        print(f"kg query: {result.notice}", file=sys.stderr)
    return ExitCode.NOT_CONFORMING if result.empty else ExitCode.OK


def cmd_cache(args: argparse.Namespace) -> int:
    """Show or stop the warm query process that later `kg query` runs hand their work to.

    The first `kg query` starts it in the background: kg imported, and the
    stores of the last inputs loaded in memory (at most KG_CACHE_STORES, default
    2); it is used only for inputs with the same content (SHA-256) and stops
    after KG_CACHE_IDLE seconds without a request (default 600). Its socket is
    in $KG_CACHE_DIR, else $XDG_CACHE_HOME/kg, else ~/.cache/kg; nothing else
    is written. `kg cache info` shows it, `kg cache clear` stops it.
    """
    from kg import warm

    if args.action == "info":
        print(warm.describe(warm.info()), end="")
        return ExitCode.OK
    state = warm.clear()
    print("no warm query process" if state is None else f"stopped the warm query process {state['pid']}")
    return ExitCode.OK


def _table_width(args: argparse.Namespace) -> int | None:
    """--width, else $COLUMNS or the terminal's width when stdout is one; None (never cut) when piped."""
    if args.no_truncate:
        return None
    if args.width is not None:
        return args.width
    if os.environ.get("COLUMNS", "").isdigit() or sys.stdout.isatty():
        return shutil.get_terminal_size().columns
    return None


def _what_is_loaded(entailment: str) -> str:
    """What a count of served or pushed triples counts: the files' triples, and with ``rdfs`` their entailments.

    >>> _what_is_loaded("rdfs")
    'ontology, vocabularies and data with their RDFS entailments, as kg query sees them'
    """
    if entailment == "none":
        return "ontology, vocabularies and data as asserted"
    return "ontology, vocabularies and data with their RDFS entailments, as kg query sees them"


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve the graph as a research site: the questions as forms, result tables, an editor, an endpoint.

    Loads the ontology, vocabularies and data into an Oxigraph store in a
    temporary folder and runs the `oxigraph` server on it, read-only, behind
    a site on 127.0.0.1 (--host to change) and --port (0: a free one, printed).
    Each question is a page with a form and a shareable URL, its results as a
    labelled table and as .csv, .json and .srj; the YASGUI editor and the
    SPARQL 1.1 endpoint /query. Queries stop after --timeout seconds and are
    cut at --max-rows. SERVICE is refused unless --allow-external. The store
    holds the RDFS closure, as kg query queries (--entailment none: asserted
    triples only). The pages make no request off the machine. Ctrl-C stops it and removes the store.
    """
    from kg.serve import serve

    def ready(server: Any) -> None:
        what = _what_is_loaded(args.entailment)
        print(
            f"serving {server.triples} triples ({what}); query page: {server.url}",
            flush=True,
        )
        print(f"SPARQL endpoint (read-only): {server.query_url}", flush=True)
        print("press Ctrl-C to stop", flush=True)

    serve(
        args.data, host=args.host, port=args.port, timeout=args.timeout, max_rows=args.max_rows or None,
        allow_external=args.allow_external, on_ready=ready, entailment=args.entailment,
        allowed_hosts=args.allowed_host, max_body=args.max_body, slots=args.slots, queue=args.queue,
        head_timeout=args.head_timeout,
    )  # fmt: skip
    print("stopped", flush=True)
    return ExitCode.OK


def cmd_push(args: argparse.Namespace) -> int:
    """Upload the graph to a SPARQL 1.1 Graph Store endpoint, into one named graph.

    The ontology, vocabularies and data are sent as N-Triples with PUT, which
    replaces the graph (--append adds with POST). For Oxigraph the endpoint is
    http://HOST:PORT/store, for Fuseki http://HOST:PORT/DATASET/data, for
    Virtuoso http://HOST:PORT/sparql-graph-crud-auth (Digest auth). The password
    for --user goes only to the endpoint's own host and port, with the scheme
    the server asks for (--auth to insist on basic or digest). Query it
    afterwards with `kg query --endpoint URL --graph IRI`. The RDFS closure is
    sent too, so the store answers as kg query does (--entailment none: asserted
    triples only).
    """
    from kg.serve import push

    pushed = push(
        args.endpoint,
        args.data,
        graph=args.graph,
        user=args.user,
        password=_password(args.user),
        append=args.append,
        timeout=args.timeout,
        auth=args.auth,
        entailment=args.entailment,
    )
    what = _what_is_loaded(args.entailment)
    print(f"pushed {pushed.triples} triples ({what}) into <{pushed.graph}> at {pushed.endpoint} (HTTP {pushed.status})")
    return ExitCode.OK


# --------------------------------------------------------------------------- parser


def _plain_text(doc: str) -> str:
    """A command docstring as --help text: reST literals (````dot````) and roles (``:class:`X```) made plain.

    >>> _plain_text("SVG when ``dot`` is installed; see :func:`kg.query`")
    'SVG when `dot` is installed; see kg.query'
    """
    doc = re.sub(r":[a-z]+:`~?([^`]+)`", r"\1", doc)
    return re.sub(r"``([^`]+)``", r"`\1`", doc)


class _Parser(argparse.ArgumentParser):
    """argparse with a short usage error: what was wrong and where the help is, not the whole usage.

    ``kg query --lang de`` printed all eight lines of ``kg query``'s usage above the one that mattered.
    """

    def error(self, message: str) -> NoReturn:
        self.exit(ExitCode.USAGE, f"{self.prog}: error: {message}\n(see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="kg",
        description="A knowledge graph of one ISNA article on Iran–Kazakhstan cooperation (June 2022).",
        epilog=f"Exit codes: {describe_exit_codes()}.",
    )
    parser.add_argument("--version", action=_VersionAction)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True, parser_class=_Parser)

    def add(name: str, handler: Handler) -> argparse.ArgumentParser:
        doc = _plain_text(inspect.cleandoc(handler.__doc__ or ""))
        p = sub.add_parser(
            name,
            help=doc.splitlines()[0],
            description=doc,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        p.set_defaults(handler=handler)
        return p

    _add_file_commands(add)
    _add_analysis_commands(add)
    _add_query_commands(add)
    _add_server_commands(add)
    return parser


def _add_file_commands(add: Callable[[str, Handler], argparse.ArgumentParser]) -> None:
    """validate, build, synth, locate, diagram, export, describe, docs, reason: checks and outputs of the files."""
    p = add("validate", cmd_validate)
    _add_data_option(p)

    p = add("build", cmd_build)
    _add_data_option(p)
    p.add_argument("--out", default="build", metavar="DIR", help="output directory (default: build)")
    p.add_argument("--force", action="store_true", help="rewrite every output, also those whose inputs did not change")

    p = add("synth", cmd_synth)
    p.add_argument("--articles", type=_article_count, required=True, metavar="N", help="how many articles")
    p.add_argument("--seed", type=int, default=0, metavar="S", help="random seed (default: 0)")
    p.add_argument("--out", required=True, metavar="FILE", help="Turtle file to write")

    p = add("locate", cmd_locate)
    p.add_argument("phrase", help="the phrase to find, typed however you like")

    p = add("diagram", cmd_diagram)
    p.add_argument(
        "--out", default="build", metavar="DIR", help="output directory (default: build; the repository's: --out docs)"
    )

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
    p.add_argument(
        "--out",
        default="build/ontology-docs",
        metavar="DIR",
        help="output directory (default: build/ontology-docs, as kg build; the repository's: --out docs/ontology)",
    )

    p = add("publish", cmd_publish)
    _add_data_option(p)
    p.add_argument("--out", default="build/site", metavar="DIR", help="output directory (default: build/site)")
    p.add_argument(
        "--host",
        default=limits.PUBLISH_HOST,
        metavar="URL",
        help=f"where the site will be served, for the w3id.org rules (default: {limits.PUBLISH_HOST})",
    )

    p = add("reason", cmd_reason)
    _add_data_option(p)


def _add_analysis_commands(add: Callable[[str, Handler], argparse.ArgumentParser]) -> None:
    """stats, path, explore: commands on the projection."""
    p = add("stats", cmd_stats)
    _add_data_option(p)
    p.add_argument(
        "--top", type=whole_number(1), default=limits.STATS_TOP, metavar="N",
        help=f"how many nodes to rank (default: {limits.STATS_TOP})",
    )  # fmt: skip
    p.add_argument("--lang", choices=LANGUAGES, default=DEFAULT_LANGUAGE, help="language of the labels (default: en)")

    p = add("path", cmd_path)
    _add_data_option(p)
    p.add_argument("source", help="an entity's label, English or Persian, typed however you like")
    p.add_argument("target", help="another entity's label")
    p.add_argument("--lang", choices=LANGUAGES, default=DEFAULT_LANGUAGE, help="language of the labels (default: en)")

    p = add("explore", cmd_explore)
    _add_data_option(p)
    p.add_argument(
        "--out", default="build/explorer.html", metavar="FILE", help="file to write (default: build/explorer.html)"
    )
    p.add_argument(
        "--lang", choices=LANGUAGES, default=DEFAULT_LANGUAGE, help="language the page opens in (default: en)"
    )
    p.add_argument(
        "--focus", metavar="ENTITY", help="draw only the neighbourhood of this entity (a label, as for kg path)"
    )
    p.add_argument(
        "--hops", type=int, metavar="K", help=f"with --focus: steps around it (default: {limits.FOCUS_HOPS})"
    )
    p.add_argument("--top", type=int, metavar="K", help="draw only the K most central nodes")
    p.add_argument(
        "--budget", type=int, metavar="N", help=f"above N nodes draw a focus view (default: {limits.NODE_BUDGET})"
    )
    p.add_argument(
        "--sparql",
        action="store_true",
        help="add a SPARQL console: a query engine in the page (WebAssembly), the library's questions as forms",
    )


def _add_query_commands(add: Callable[[str, Handler], argparse.ArgumentParser]) -> None:
    """queries, query: the query library and SPARQL."""
    p = add("queries", cmd_queries)
    _add_data_option(p)
    p.add_argument(
        "--lang", choices=LANGUAGES, default=DEFAULT_LANGUAGE, help="language of the questions (default: en)"
    )
    p.add_argument("--check", action="store_true", help="run every query and compare with its expected rows")
    _add_engine_options(p, "for --check", "check against this SPARQL endpoint instead")
    p.add_argument(
        "--timeout", type=seconds, default=limits.QUERY_TIMEOUT, metavar="SECONDS",
        help=f"per query (default: {limits.QUERY_TIMEOUT:g})",
    )  # fmt: skip
    _add_entailment_option(p)

    p = add("query", cmd_query)
    _add_data_option(p)
    p.add_argument("query", nargs="?", metavar="NAME|FILE", help="a library query (see `kg queries`) or a .rq file")
    p.add_argument("-e", "--expression", metavar="SPARQL", help="the query text itself")
    p.add_argument(
        "--param", action="append", metavar="NAME=VALUE", help="bind a parameter, e.g. lang=fa, country=kgi:iran"
    )
    p.add_argument(
        "--format",
        metavar="FORMAT",
        help="rows: table (default), csv, tsv, json, md; graphs: turtle (default), nt, nquads, trig, jsonld (or json), "
        "xml (or an alias: ttl, ntriples, n-triples, nq, n-quads, json-ld, rdfxml, rdf, owl)",
    )
    p.add_argument(
        "--lang", choices=LANGUAGES, default=DEFAULT_LANGUAGE, help="language of labels and of ?lang (default: en)"
    )
    p.add_argument(
        "--iris", action="store_true", help="show IRIs as prefixed names, and ?x beside ?xLabel, in the table"
    )
    p.add_argument(
        "--width", type=whole_number(1), metavar="N", help="fit the table to N columns (default: the terminal's)"
    )
    p.add_argument("--no-truncate", action="store_true", help="never cut a table cell, however wide")
    _add_engine_options(p, "the faster", "run on this SPARQL 1.1 endpoint instead of the local graph")
    p.add_argument(
        "--user", metavar="NAME", help="with --endpoint: user, by Digest or Basic auth ($KG_ENDPOINT_PASSWORD)"
    )
    p.add_argument(
        "--timeout",
        type=seconds,
        default=limits.QUERY_TIMEOUT,
        metavar="SECONDS",
        help=f"stop the query after this long (default: {limits.QUERY_TIMEOUT:g})",
    )
    _add_max_rows_option(p)
    p.add_argument("--show", action="store_true", help="print the query text with the parameters bound, do not run it")
    _add_entailment_option(p)
    p.add_argument(
        "--max-memory",
        type=whole_number(0),
        default=limits.MAX_MEMORY_MB,
        metavar="MB",
        help=f"memory a local query may take before it is stopped, exit 4 (default: {limits.MAX_MEMORY_MB}; "
        "0: no ceiling)",
    )
    p.add_argument(
        "--allow-external", action="store_true", help="let the query use SERVICE and FROM (network and files)"
    )
    p.add_argument(
        "--no-cache", action="store_true", help="neither use nor start the warm query process (also KG_NO_CACHE=1)"
    )

    p = add("cache", cmd_cache)
    p.add_argument("action", choices=("info", "clear"), help="info: what the warm process holds; clear: stop it")


def _add_server_commands(add: Callable[[str, Handler], argparse.ArgumentParser]) -> None:
    """serve, push: a SPARQL server of the graph, or an upload to one."""
    p = add("serve", cmd_serve)
    _add_data_option(p)
    p.add_argument(
        "--host",
        default=limits.SERVE_HOST,
        help=f"address to listen on (default: {limits.SERVE_HOST}, this machine only)",
    )
    p.add_argument(
        "--port", type=port, default=limits.SERVE_PORT, metavar="N",
        help=f"port, 1–65535 (default: {limits.SERVE_PORT}; 0: a free one)",
    )  # fmt: skip
    p.add_argument(
        "--timeout", type=seconds, default=limits.SERVE_TIMEOUT, metavar="SECONDS",
        help=f"query time limit (default: {limits.SERVE_TIMEOUT:g})",
    )  # fmt: skip
    _add_max_rows_option(p)
    p.add_argument("--allow-external", action="store_true", help="let queries use SERVICE (off by default)")
    _add_entailment_option(p)
    p.add_argument(
        "--allowed-host", action="append", default=[], metavar="NAME",
        help="also answer requests whose Host header is NAME (repeatable; '*': any, which lets any web page "
        "reach the site through DNS rebinding); by default only the addresses listened on",
    )  # fmt: skip
    p.add_argument(
        "--max-body", type=whole_number(1), default=limits.SERVE_MAX_BODY, metavar="BYTES",
        help=f"largest request body; a larger one is refused (413) unread (default: {limits.SERVE_MAX_BODY})",
    )  # fmt: skip
    p.add_argument(
        "--slots", type=whole_number(1), default=limits.SERVE_QUERY_SLOTS, metavar="N",
        help=f"requests that run queries at once (default: {limits.SERVE_QUERY_SLOTS})",
    )  # fmt: skip
    p.add_argument(
        "--queue", type=whole_number(0), default=limits.SERVE_QUEUE, metavar="N",
        help=f"requests that may wait for a slot; more get 503 with Retry-After (default: {limits.SERVE_QUEUE})",
    )  # fmt: skip
    p.add_argument(
        "--head-timeout", type=seconds, default=limits.SERVE_HEAD_TIMEOUT, metavar="SECONDS",
        help="time a client has to send a request's headers; a slower one is disconnected "
        f"(default: {limits.SERVE_HEAD_TIMEOUT:g})",
    )  # fmt: skip

    p = add("push", cmd_push)
    _add_data_option(p)
    p.add_argument("--endpoint", required=True, metavar="URL", help="Graph Store endpoint, e.g. http://host:7878/store")
    p.add_argument(
        "--graph",
        default="https://w3id.org/iran-kazakhstan-kg/dataset",
        metavar="IRI",
        help="named graph to write, or 'default' (default: https://w3id.org/iran-kazakhstan-kg/dataset)",
    )
    p.add_argument("--append", action="store_true", help="add to the graph (POST) instead of replacing it (PUT)")
    p.add_argument("--user", metavar="NAME", help="user to log in as; the password is read from $KG_ENDPOINT_PASSWORD")
    p.add_argument(
        "--auth",
        choices=limits.AUTH_SCHEMES,
        default=limits.AUTH_SCHEMES[0],
        help="how to send --user: as the server asks (auto, the default), basic or digest",
    )
    p.add_argument(
        "--timeout", type=seconds, default=limits.PUSH_TIMEOUT, metavar="SECONDS",
        help=f"upload time limit (default: {limits.PUSH_TIMEOUT:g})",
    )  # fmt: skip
    _add_entailment_option(p)


@functools.cache
def shared_parser() -> argparse.ArgumentParser:
    """The parser, built once a process (about 15 ms): the warm query process's workers share it."""
    return build_parser()


def main(argv: Sequence[str] | None = None) -> int:
    """``kg ARGV`` (the command line's when None); the exit code."""
    args = shared_parser().parse_args(argv)
    stdout = sys.stdout
    if stdout.isatty():  # what a terminal shows of the data: control characters as escapes (kg.terminal)
        sys.stdout = EscapingStream(stdout)  # type: ignore[assignment]
    try:
        return int(args.handler(args))
    except KgError as exc:
        print(f"kg {args.command}: error: {printable(str(exc))}", file=sys.stderr)
        return int(exc.exit_code)
    except BrokenPipeError:  # e.g. `kg query ... | head`
        return ExitCode.OK
    # The last line of defence: no traceback, a message naming what failed, a documented code.
    except KeyboardInterrupt:
        print(f"kg {args.command}: interrupted; every output is as it was or whole", file=sys.stderr)
        return ExitCode.INTERRUPTED
    except MemoryError:
        inputs = printable(", ".join(str(d) for d in getattr(args, "data", None) or [])) or "the default data"
        print(f"kg {args.command}: error: out of memory working on {inputs}", file=sys.stderr)
        return ExitCode.TIMEOUT
    except OSError as exc:  # an output, temporary or cache location the system refused
        where = ": ".join(str(f) for f in (exc.filename, exc.filename2) if f is not None) or "(no path given)"
        print(f"kg {args.command}: error: {printable(where)}: {exc.strerror or exc}", file=sys.stderr)
        return ExitCode.OUTPUT
    finally:
        sys.stdout = stdout
