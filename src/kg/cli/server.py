"""``kg serve``, ``kg push``: a SPARQL server and research site of the graph, or an upload to a Graph Store."""

from __future__ import annotations

import argparse
from typing import Any

from kg import limits
from kg.cli.options import (
    Command,
    add_data_option,
    add_entailment_option,
    add_max_rows_option,
    add_seconds_option,
    password,
    port,
    whole_number,
)
from kg.errors import ExitCode


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
    triples only). The pages make no request off the machine. An Oxigraph that dies is started
    again on the same store (503 with Retry-After meanwhile), as is one past --max-memory or still
    computing a query 5 s past its time limit; if it cannot be started again 5 times within 60 s,
    kg serve ends (exit 6). With --timeout over 1 s, /query is tried first on
    a second Oxigraph process on the same store with a 1 s limit (a query
    cancelled there runs again with the time left). Ctrl-C stops it and
    removes the store.
    """
    from kg.serve import serve

    def ready(server: Any) -> None:
        from kg.sources import counted

        what = counted(args.entailment)
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
        head_timeout=args.head_timeout, workers=args.workers, max_memory=args.max_memory or None,
    )  # fmt: skip
    print("stopped", flush=True)
    return ExitCode.OK


def _serve_options(p: argparse.ArgumentParser) -> None:
    add_data_option(p)
    p.add_argument(
        "--host",
        default=limits.SERVE_HOST,
        help=f"address to listen on (default: {limits.SERVE_HOST}, this machine only)",
    )
    p.add_argument(
        "--port", type=port, default=limits.SERVE_PORT, metavar="N",
        help=f"port, 1–65535 (default: {limits.SERVE_PORT}; 0: a free one)",
    )  # fmt: skip
    add_seconds_option(p, limits.SERVE_TIMEOUT, "query time limit")
    add_max_rows_option(p)
    p.add_argument("--allow-external", action="store_true", help="let queries use SERVICE (off by default)")
    add_entailment_option(p)
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
    add_seconds_option(
        p,
        limits.SERVE_HEAD_TIMEOUT,
        "time a client has to send a request's headers; a slower one is disconnected",
        name="--head-timeout",
    )
    p.add_argument(
        "--max-memory", type=whole_number(0), default=limits.SERVE_MAX_MEMORY_MB, metavar="MB",
        help="memory each Oxigraph process may add to what it holds once started; past it, it is restarted and its "
        f"queries in flight answered 502 (default: {limits.SERVE_MAX_MEMORY_MB}; 0: no ceiling)",
    )  # fmt: skip
    most = limits.serve_max_workers()
    p.add_argument(
        "--workers", type=whole_number(1, most), default=1, metavar="N",
        help="processes that answer requests, sharing the slots, queue and Oxigraph (default: 1; at most "
        f"{limits.SERVE_WORKERS_PER_CPU} per CPU, {most} here)",
    )  # fmt: skip


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
    from kg.push import push

    pushed = push(
        args.endpoint,
        args.data,
        graph=args.graph,
        user=args.user,
        password=password(args.user),
        append=args.append,
        timeout=args.timeout,
        auth=args.auth,
        entailment=args.entailment,
    )
    from kg.sources import counted

    what = counted(args.entailment)
    print(f"pushed {pushed.triples} triples ({what}) into <{pushed.graph}> at {pushed.endpoint} (HTTP {pushed.status})")
    return ExitCode.OK


def _push_options(p: argparse.ArgumentParser) -> None:
    add_data_option(p)
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
    add_seconds_option(p, limits.PUSH_TIMEOUT, "upload time limit")
    add_entailment_option(p)


COMMANDS: dict[str, Command] = {
    "serve": (cmd_serve, _serve_options),
    "push": (cmd_push, _push_options),
}
