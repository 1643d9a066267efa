"""``kg stats``, ``kg path``, ``kg explore``: commands on the projection, the network the explorer draws."""

from __future__ import annotations

import argparse
import sys

from kg import limits
from kg.cli.options import Command, add_data_option, add_lang_option, options, whole_number
from kg.errors import ExitCode


def cmd_stats(args: argparse.Namespace) -> int:
    """Print counts per class and property, the top nodes by degree and centrality, and the components.

    Counts are of the network the explorer draws (kg.project.SPEC: entities and facts as
    nodes, object properties as edges; mentions, concepts, claims and route stops folded in).
    """
    from kg.stats import graph_stats

    print(graph_stats(data=args.data, top=args.top, lang=args.lang).format(), end="")
    return ExitCode.OK


def _stats_options(parser: argparse.ArgumentParser) -> None:
    add_data_option(parser)
    parser.add_argument(
        "--top", type=whole_number(1), default=limits.STATS_TOP, metavar="N",
        help=f"how many nodes to rank (default: {limits.STATS_TOP})",
    )  # fmt: skip
    add_lang_option(parser, "language of the report: its headings, labels and digits")


def cmd_path(args: argparse.Namespace) -> int:
    """Print the shortest connection between two entities, found by label in English or Persian.

    Edges are walked either way; each step is printed as its triple. Exits 1 if they are not connected.
    """
    from kg.stats import no_path, shortest_path

    connection = shortest_path(args.source, args.target, data=args.data)
    if connection is None:
        print(no_path(args.source, args.target, args.lang), file=sys.stderr)
        return ExitCode.NOT_CONFORMING
    print(connection.format(args.lang))
    return ExitCode.OK


def _path_options(parser: argparse.ArgumentParser) -> None:
    add_data_option(parser)
    parser.add_argument("source", help="an entity's label, English or Persian, typed however you like")
    parser.add_argument("target", help="another entity's label")
    add_lang_option(parser, "language of the answer: its labels, words and digits")


def cmd_explore(args: argparse.Namespace) -> int:
    """Write the explorer: one HTML file that opens offline in a browser (search, filters, the article).

    Bilingual (--lang sets the language it opens in; a button switches), self-contained
    (vis-network inlined, no remote asset), written as UTF-8 to a temporary name and renamed.
    With --sparql the page also holds a SPARQL console: Oxigraph compiled to WebAssembly, the
    graph and its RDFS closure, the library's questions as editable queries (about 2 MB more).
    """
    from kg.explore import write_explorer

    result = write_explorer(args.out, **options(args, "data", "lang", "focus", "hops", "top", "budget", "sparql"))
    print(result.format())
    return ExitCode.OK


def _explore_options(parser: argparse.ArgumentParser) -> None:
    add_data_option(parser)
    parser.add_argument(
        "--out", default="build/explorer.html", metavar="FILE", help="file to write (default: build/explorer.html)"
    )
    add_lang_option(parser, "language the page opens in")
    parser.add_argument(
        "--focus", metavar="ENTITY", help="draw only the neighbourhood of this entity (a label, as for kg path)"
    )
    parser.add_argument(
        "--hops", type=int, metavar="K", help=f"with --focus: steps around it (default: {limits.FOCUS_HOPS})"
    )
    parser.add_argument("--top", type=int, metavar="K", help="draw only the K most central nodes")
    parser.add_argument(
        "--budget", type=int, metavar="N", help=f"above N nodes draw a focus view (default: {limits.NODE_BUDGET})"
    )
    parser.add_argument(
        "--sparql",
        action="store_true",
        help="add a SPARQL console: a query engine in the page (WebAssembly), the library's questions as forms",
    )


COMMANDS: dict[str, Command] = {
    "stats": (cmd_stats, _stats_options),
    "path": (cmd_path, _path_options),
    "explore": (cmd_explore, _explore_options),
}
