"""``kg queries``, ``kg query``, ``kg cache``: the query library, SPARQL, and the warm query process."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from kg import limits
from kg.cli.options import (
    Command,
    add_data_option,
    add_engine_options,
    add_entailment_option,
    add_lang_option,
    add_max_rows_option,
    add_seconds_option,
    offered,
    password,
    rdf_formats_help,
    whole_number,
)
from kg.errors import ExitCode, UsageError
from kg.formats import RESULT_FORMATS
from kg.terminal import emit


def cmd_queries(args: argparse.Namespace) -> int:
    """List the query library (queries/*.rq): each query's name, title and parameters.

    --lang fa shows each question in Persian. --check runs every query that has
    expected results (queries/NAME.srj) with its defaults and compares the rows;
    it exits 1 if any differ.
    """
    if args.check:
        from kg.sparql.library import check_queries

        report = check_queries(
            data=args.data, engine=args.engine, endpoint=args.endpoint, endpoint_graph=args.graph, timeout=args.timeout,
            entailment=args.entailment,
        )  # fmt: skip
        emit(report.format())
        return ExitCode.OK if report.ok else ExitCode.NOT_CONFORMING
    from kg.sparql.files import format_library

    emit(format_library(lang=args.lang))
    return ExitCode.OK


def _queries_options(parser: argparse.ArgumentParser) -> None:
    add_data_option(parser)
    add_lang_option(parser, "language of the questions")
    parser.add_argument("--check", action="store_true", help="run every query and compare with its expected rows")
    add_engine_options(parser, "for --check", "check against this SPARQL endpoint instead")
    add_seconds_option(parser, limits.QUERY_TIMEOUT, "per query")
    add_entailment_option(parser)


def _params(pairs: Sequence[str] | None) -> dict[str, str]:
    params: dict[str, str] = {}
    for pair in pairs or ():
        name, eq, value = pair.partition("=")
        if not eq or not name:
            raise UsageError(f"--param takes NAME=VALUE, not {pair!r}")
        params[name.strip()] = value
    return params


def _table_width(args: argparse.Namespace) -> int | None:
    """--width, else $COLUMNS or the terminal's width when stdout is one; None (never cut) when piped."""
    if args.no_truncate:
        return None
    if args.width is not None:
        return args.width
    if os.environ.get("COLUMNS", "").isdigit() or sys.stdout.isatty():
        import shutil  # only for a terminal's width

        return shutil.get_terminal_size().columns
    return None


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
    from kg.sparql.library import query, show

    if (args.query is None) == (args.expression is None):
        raise UsageError("give either a query NAME or FILE, or -e 'SPARQL'")
    if args.show:
        text = show(args.query, _params(args.param), text=args.expression, lang=args.lang)
        emit(text if text.endswith("\n") else text + "\n")
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
        password=password(args.user),
        timeout=args.timeout,
        max_rows=args.max_rows or None,
        lang=args.lang,
        labels=not args.iris and args.format in (None, "table", "md"),
        allow_external=args.allow_external,
        fmt=args.format,
        entailment=args.entailment,
        max_memory=args.max_memory or None,
    )
    emit(result.format(args.format, labels=not args.iris, width=_table_width(args), lang=args.lang or "en"))
    if result.notice:
        print(f"kg query: {result.notice}", file=sys.stderr)
    return ExitCode.NOT_CONFORMING if result.empty else ExitCode.OK


def _query_options(p: argparse.ArgumentParser) -> None:
    add_data_option(p)
    p.add_argument("query", nargs="?", metavar="NAME|FILE", help="a library query (see `kg queries`) or a .rq file")
    p.add_argument("-e", "--expression", metavar="SPARQL", help="the query text itself")
    p.add_argument(
        "--param", action="append", metavar="NAME=VALUE", help="bind a parameter, e.g. lang=fa, country=kgi:iran"
    )
    p.add_argument(
        "--format",
        metavar="FORMAT",
        help=f"rows: {offered(RESULT_FORMATS)}; graphs (json: jsonld): {rdf_formats_help()}",
    )
    add_lang_option(p, "language of labels and of ?lang")
    p.add_argument(
        "--iris", action="store_true", help="show IRIs as prefixed names, and ?x beside ?xLabel, in the table"
    )
    p.add_argument(
        "--width", type=whole_number(1), metavar="N", help="fit the table to N columns (default: the terminal's)"
    )
    p.add_argument("--no-truncate", action="store_true", help="never cut a table cell, however wide")
    add_engine_options(p, "the faster", "run on this SPARQL 1.1 endpoint instead of the local graph")
    p.add_argument(
        "--user", metavar="NAME", help="with --endpoint: user, by Digest or Basic auth ($KG_ENDPOINT_PASSWORD)"
    )
    add_seconds_option(p, limits.QUERY_TIMEOUT, "stop the query after this long")
    add_max_rows_option(p)
    p.add_argument("--show", action="store_true", help="print the query text with the parameters bound, do not run it")
    add_entailment_option(p)
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


def _cache_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=("info", "clear"), help="info: what the warm process holds; clear: stop it")


COMMANDS: dict[str, Command] = {
    "queries": (cmd_queries, _queries_options),
    "query": (cmd_query, _query_options),
    "cache": (cmd_cache, _cache_options),
}
