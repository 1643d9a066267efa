"""Does ``kg serve`` keep up with the Oxigraph server behind it, and do its promises hold under load?

Run from the repository root (needs ``wrk``, Debian's package of the HTTP load generator)::

    python benchmarks/bench_serve_load.py                   # 10, 50 and 200 clients, 5 s a cell
    python benchmarks/bench_serve_load.py --seconds 3 --clients 10
    python benchmarks/bench_serve_load.py --clients 10 --kinds cheap cheap-distinct --seconds 10 --runs 3

The last is the latency goal's measure: at 10 clients, kg serve's p50/p90/p99 beside the raw server's, each cell
run three times in turns (raw, kg serve, raw, kg serve, ...), the medians in a table of their own.

For each number of clients and each kind of query, ``wrk`` (keep-alive connections on
loopback, as many as the clients) loads, in the same run and one after the other:

* ``kg serve`` (a real ``kg serve --port 0``, its defaults: 8 query slots, a queue of
  256, 10 s time limit; its two Oxigraph processes, the one where ``/query`` is tried first with a
  1 s limit, :class:`kg.proxy.FirstTry`), and
* the raw Oxigraph server (``oxigraph serve-read-only`` on a store of the same graph), started
  afresh for each cell, **without** a time limit: with ``--timeout-s`` it keeps one sleeping
  thread per query for the whole limit, and a flood of cheap queries runs the machine out of
  process ids (``/proc/sys/kernel/pid_max``, 32 768 by default, for every process of the machine)
  within seconds, when it aborts (exit -6); without one it shows its own speed, the fair
  ceiling. ``--raw-timeout 10`` measures it as ``kg serve`` runs it instead (its "Internal server
  error" answers are then counted as failures, not throughput).

The kinds: ``cheap`` (one short SELECT, the same text every time, so kg serve answers from
its cache of complete answers), ``cheap-distinct`` (a short SELECT whose text differs on
every request: every one reaches Oxigraph) and ``expensive-distinct`` (a join of the whole
graph with itself and a GROUP BY, some 0.1-0.5 s of Oxigraph's time, every text different).
Then, on kg serve alone, its pages against ``/query`` doing the same work: ``question``
(``/q/cq16-find-by-label.srj?name=nobodyN``, a library question's results as SPARQL JSON (``--question
NAME PARAM VALUE`` another: ``--question cq04-statements-by-speaker speaker kgi:nobody``),
N counting up: each page a new text, which runs on Oxigraph, finding no label) against
``question-as-query`` (the same texts on ``/query``: the same work, none answered from the
cache), and
``entity`` (the pages of every entity, ``/id/NAME.html``, in turn, each fetched once alone
before, so rendered once and then kept; the median time of that first fetch is noted) against
``cheap`` (a kept answer too).
The table gives answers per second that were 2xx (``ok/s``), the other answers per second
(``refused/s``: kg serve's 503 when its queue is full or its start budget spent, the raw server's errors), p50,
p90 and p99 latency from ``wrk``, the CPU time of the server and its children per answer, and the resident
memory of kg serve (its Python process and its Oxigraph children) before and after the run.
The start budget (8 192 queries per time limit) shows only in runs longer than the limit:
``--seconds 15`` or more for a sustained rate.
During each kg serve cell the question list is fetched once (it runs no query) and its time
is in ``home ms``: queries waiting in the queue must not slow it; then the hostile requests of
:data:`HOSTILE` (a foreign ``Host``, a body over the limit, a POST from another site, a head over
16 KiB, SERVICE) are sent, and ``guard`` says ``ok`` if each got its status (400, 413, 403, 431,
403) and the question list its ``nosniff``: the promises of kg.guard hold under the load.
Nothing here asserts a time: it prints a table for BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

CHEAP = "SELECT ?c WHERE { ?c a <http://www.w3.org/2002/07/owl#Class> } LIMIT 1"
EXPENSIVE = "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o . ?o ?q ?r } GROUP BY ?p ORDER BY DESC(?n) LIMIT 5"
#: The start of a wrk script whose requests must all differ: each thread of wrk (a Lua state of its own) counts
#: from its own start, and each run from a start of its own (``%d``), so no text repeats within a run or across
#: the runs of one kg serve (a repeated text is answered from its cache).
COUNTER = """
local threads = 0
setup = function(thread)
  thread:set("start", %d + threads * 100000000)
  threads = threads + 1
end
init = function(args)
  counter = start
end
"""
#: A wrk script: a query with a different OFFSET each time (no two requests alike, so none is answered from a cache).
DISTINCT_LUA = """
request = function()
  counter = counter + 1
  return wrk.format("GET", "/query?query=" .. "%s" .. "%%20OFFSET%%20" .. counter)
end
"""
#: Wrk scripts: a library question with a name that differs each time, as its page and as its text on /query
#: (the same work for Oxigraph, every text new: nothing answered from a cache, nothing parsed before).
QUESTION_LUA = """
request = function()
  counter = counter + 1
  return wrk.format("GET", "/q/%s.srj?%s=%s" .. counter)
end
"""
QUESTION_AS_QUERY_LUA = """
request = function()
  counter = counter + 1
  return wrk.format("GET", "/query?query=" .. "%s" .. "%s" .. counter .. "%s")
end
"""
#: A wrk script: the given paths in turn.
PATHS_LUA = """
paths = {%s}
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1])
end
"""
#: The question of the ``question`` kinds, its parameter and the value given it, a number counting up after it:
#: a name no label holds, so the same scan of the labels each time.
QUESTION = ("cq16-find-by-label", "name", "nobody")
#: The pages compared with /query doing the same work: (page kind, /query kind).
SAME_WORK = {"question": "question-as-query", "entity": "cheap"}
ACCEPT = "application/sparql-results+json"


@dataclass
class Cell:
    server: str
    kind: str
    clients: int
    ok: float = 0.0
    refused: float = 0.0
    p50: str = "-"
    p90: str = "-"
    p99: str = "-"
    cpu_ms: float = 0.0
    own_cpu_ms: float = 0.0  # the server's own process (kg serve's Python process; the raw server: all)
    rss_before: int = 0
    rss_after: int = 0
    home_ms: float | None = None
    guard: str = ""  # "ok" if every hostile request of HOSTILE got its status during the load
    note: str = ""


def _cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8").rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        except (OSError, IndexError, ValueError):
            pass
    return total / os.sysconf("SC_CLK_TCK")


def _rss_mb(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        try:
            match = re.search(r"VmRSS:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text(encoding="utf-8"))
            total += int(match.group(1)) if match else 0
        except OSError:
            pass
    return total // 1024


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text(encoding="utf-8")
    except OSError:
        return []
    return [int(p) for p in text.split()]


def _wrk(url: str, clients: int, seconds: float, script: Path | None) -> tuple[int, int, tuple[str, str, str], str]:
    """2xx answers, other answers and socket errors, (p50, p90, p99) and the raw output of one wrk run."""
    command = ["wrk", "-t", str(min(2, clients)), "-c", str(clients), "-d", f"{seconds:g}s", "--latency"]
    command += ["-H", f"Accept: {ACCEPT}", "--timeout", "30s"]
    if script is not None:
        command += ["-s", str(script)]
    out = subprocess.run([*command, url], capture_output=True, text=True, timeout=seconds + 60).stdout
    total = re.search(r"(\d+) requests in", out)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    found = [re.search(rf"^\s*{p}%\s+(\S+)", out, re.M) for p in (50, 90, 99)]  # the Latency Distribution block
    p50, p90, p99 = (match.group(1) if match else "-" for match in found)
    count = int(total.group(1)) if total else 0
    refused = int(non2xx.group(1)) if non2xx else 0
    ok = count - refused
    if errors:
        refused += sum(int(x) for x in errors.groups())
    return ok, refused, (p50, p90, p99), out


def _measure(cell: Cell, base: str, pids: list[int], seconds: float, script: Path | None, target: str) -> None:
    """Load ``base`` + ``target`` (a path, or a query for /query), or the requests of ``script``; fill ``cell``."""
    if script is not None:
        url = base + "query"  # the script names each request's path
    elif target.startswith("/"):
        url = base + target.lstrip("/")
    else:
        url = base + "query?" + urllib.parse.urlencode({"query": target})
    cell.rss_before = _rss_mb(pids)
    process = None
    if cell.server == "kg serve":  # one probe of a page that runs no query, while the queries load
        process = subprocess.Popen(
            [sys.executable, "-c", _PROBE, base, str(seconds / 2), *(raw for raw, _ in HOSTILE)],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert process.stdout is not None
        process.stdout.readline()  # "ready": its start-up (imports) is over before the load begins
    cpu, own = _cpu_seconds(pids), _cpu_seconds(pids[:1])
    ok, failed, (cell.p50, cell.p90, cell.p99), _ = _wrk(url, cell.clients, seconds, script)
    answers = ok + failed
    cell.cpu_ms = (_cpu_seconds(pids) - cpu) * 1000 / answers if answers else 0.0
    cell.own_cpu_ms = (_cpu_seconds(pids[:1]) - own) * 1000 / answers if answers else 0.0
    if process is not None:
        out, _ = process.communicate(timeout=60)
        home, *statuses = out.split()
        expected = [status for _, status in HOSTILE] + ["nosniff"]
        wrong = [f"{got}≠{want}" for got, want in zip(statuses, expected, strict=False) if got != want]
        cell.home_ms = float(home)
        cell.guard = "ok" if statuses and not wrong and len(statuses) == len(expected) else " ".join(wrong) or "?"
    cell.rss_after = _rss_mb(pids)
    cell.ok = ok / seconds
    cell.refused = failed / seconds


#: In the middle of the load: fetch the question list once and print its time in ms, then send the hostile requests
#: of :data:`HOSTILE` and print the status of each answer (and whether the question list said ``nosniff``).
_PROBE = """
import socket, sys, time, urllib.parse, urllib.request
print("ready", flush=True)
time.sleep(float(sys.argv[2]))  # the benchmark's own pacing: the probe runs in the middle of the load
began = time.monotonic()
with urllib.request.urlopen(sys.argv[1], timeout=30) as response:
    response.read()
    sniff = response.headers.get("x-content-type-options") == "nosniff"
print((time.monotonic() - began) * 1000)
host, port = urllib.parse.urlsplit(sys.argv[1]).hostname, urllib.parse.urlsplit(sys.argv[1]).port
for raw in sys.argv[3:]:
    with socket.create_connection((host, port), timeout=30) as conn:
        conn.sendall(raw.replace("PORT", str(port)).encode("latin-1"))
        print(conn.recv(64).split(b" ")[1].decode())
print("nosniff" if sniff else "sniff")
"""
#: Hostile requests sent during the load, and the status each must get (kg.guard, kg.httpd).
HOSTILE = (
    ("GET / HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n", "400"),  # a foreign Host
    ("POST /query HTTP/1.1\r\nHost: 127.0.0.1:PORT\r\nContent-Type: application/sparql-query\r\n"
     "Content-Length: 99999999\r\nConnection: close\r\n\r\n", "413"),  # a body over the limit
    ("POST /query HTTP/1.1\r\nHost: 127.0.0.1:PORT\r\nOrigin: http://evil.example\r\n"
     "Content-Type: application/sparql-query\r\nContent-Length: 7\r\nConnection: close\r\n\r\nASK { }", "403"),
    ("GET / HTTP/1.1\r\nHost: 127.0.0.1:PORT\r\nX-Filler: " + "a" * 20000 + "\r\n\r\n", "431"),  # a huge head
    ("GET /query?query=" + urllib.parse.quote("SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }")
     + " HTTP/1.1\r\nHost: 127.0.0.1:PORT\r\nConnection: close\r\n\r\n", "403"),  # SERVICE
)  # fmt: skip


def _start_kg_serve(workers: int = 1) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "kg", "serve", "--port", "0", *(["--workers", str(workers)] if workers > 1 else [])],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        match = re.search(r"query page: (\S+)", line)
        if match:  # the question list once, so that its templates' one-off compiling is not in a cell
            with urllib.request.urlopen(match.group(1), timeout=60) as response:
                response.read()
            return process, match.group(1)
        if not line:
            break
    process.kill()
    raise SystemExit(f"kg serve did not start: {process.communicate()[1]}")


def _entity_paths(base: str, limit: int = 200) -> list[str]:
    """The pages of up to ``limit`` entities of the served graph (``/id/NAME.html``)."""
    from kg.publish.paths import page_path

    text = (
        "SELECT DISTINCT ?s WHERE { ?s ?p ?o "
        f'FILTER(STRSTARTS(STR(?s), "https://w3id.org/iran-kazakhstan-kg/id/")) }} ORDER BY ?s LIMIT {limit}'
    )
    request = urllib.request.Request(
        base + "query?" + urllib.parse.urlencode({"query": text}), headers={"Accept": "text/csv"}
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        iris = response.read().decode("utf-8").split()[1:]
    paths = ["/" + path for iri in iris if (path := page_path(iri)) is not None]
    if not paths:
        raise SystemExit("no entity pages found")
    return paths


def _first_renders(base: str, paths: list[str]) -> float:
    """Fetch each page once, one after the other (each is rendered then, and kept): the median time in ms."""
    times = []
    for path in paths:
        began = time.monotonic()
        with urllib.request.urlopen(base + path.lstrip("/"), timeout=60) as response:
            response.read()
        times.append((time.monotonic() - began) * 1000)
    return sorted(times)[len(times) // 2]


def _question_text(question: str, param: str, value: str) -> tuple[str, str]:
    """The text ``question``'s page runs on Oxigraph for ``param`` = ``value`` + a number: before and after it."""
    from kg.site.pages import Library

    mark = "qqmarkqq"
    before, after = Library.editor_text(Library.find(question), {param: value + mark}, "en").split(mark)
    return before, after


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="length of each run (default: 5)")
    parser.add_argument("--clients", type=int, nargs="+", default=[10, 50, 200], help="connections (10 50 200)")
    parser.add_argument(
        "--kinds",
        nargs="+",
        default=["cheap", "cheap-distinct", "expensive-distinct", "question", "question-as-query", "entity"],
        help="the kinds of request to measure (default: all)",
    )
    parser.add_argument("--workers", type=int, default=1, help="kg serve --workers N (default: 1)")
    parser.add_argument(
        "--runs", type=int, default=1, help="runs of each cell, the two servers in turns; medians (default: 1)"
    )
    parser.add_argument(
        "--question", nargs=3, default=list(QUESTION), metavar=("NAME", "PARAM", "VALUE"),
        help="the question of the question kinds, its parameter and value (a number is added): "
        f"default {' '.join(QUESTION)}",
    )  # fmt: skip
    parser.add_argument(
        "--raw-timeout", type=float, default=0, help="the raw server's --timeout-s (default: none; see above)"
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install wrk")

    from kg.processes import free_port, stop
    from kg.store_server import start_server

    folder = Path(tempfile.mkdtemp(prefix="bench-serve-"))
    cells: list[Cell] = []
    kg_process, kg_url = _start_kg_serve(args.workers)
    try:
        entities = _entity_paths(kg_url)
        question, param, value = args.question
        before, after = _question_text(question, param, value)
        quote = urllib.parse.quote
        bodies = {
            "cheap-distinct": DISTINCT_LUA % quote(CHEAP),
            "expensive-distinct": DISTINCT_LUA % quote(EXPENSIVE),
            "question": QUESTION_LUA % (question, param, value),
            "question-as-query": QUESTION_AS_QUERY_LUA % (quote(before), quote(value), quote(after)),
            "entity": PATHS_LUA % ", ".join(f'"{path}"' for path in entities),
        }
        runs = 0

        def script(kind: str) -> Path | None:
            """The wrk script of a run of ``kind`` (None: one URL), counting from a start of its own."""
            nonlocal runs
            if kind not in bodies:
                return None
            runs += 1
            path = folder / f"{kind}-{runs}.lua"
            path.write_text(COUNTER % (runs * 1_000_000_000) + bodies[kind], encoding="utf-8")
            return path

        kinds = {  # kind: a query, or a path (when no script names each request's); whether the raw server has it
            "cheap": (CHEAP, True),
            "cheap-distinct": (CHEAP, True),
            "expensive-distinct": (EXPENSIVE, True),
            "question": ("", False),
            "question-as-query": ("", False),
            "entity": ("", False),
        }
        kg_pids = [kg_process.pid, *_children(kg_process.pid)]
        first_rss = _rss_mb(kg_pids)
        for clients in args.clients:
            for kind in args.kinds:
                target, raw_too = kinds[kind]
                for run in range(args.runs):
                    if raw_too:
                        raw = start_server(port=free_port(), timeout=args.raw_timeout)
                        try:
                            cell = Cell("oxigraph", kind, clients)
                            _measure(cell, raw.url, [raw.process.pid], args.seconds, script(kind), target)
                            if raw.process.poll() is not None:
                                cell.note = f"aborted, exit {raw.process.returncode}"
                            cells.append(cell)
                        finally:
                            raw.stop()
                    cell = Cell("kg serve", kind, clients)
                    if kind == "entity" and clients == args.clients[0] and run == 0:
                        cell.note = f"each page first rendered alone: median {_first_renders(kg_url, entities):.1f} ms"
                    _measure(cell, kg_url, kg_pids, args.seconds, script(kind), target)
                    if kg_process.poll() is not None:
                        raise SystemExit(f"kg serve stopped: {kg_process.communicate()[1]}")
                    cells.append(cell)
        last_rss = _rss_mb(kg_pids)
    finally:
        stop(kg_process, grace=15)
        shutil.rmtree(folder, ignore_errors=True)
    _print(cells, args, first_rss, last_rss)


def _ms(text: str) -> float | None:
    """A latency as wrk prints it (``605.00us``, ``1.23ms``, ``2.50s``, ``1.02m``) in milliseconds; None for ``-``.

    >>> _ms("605.00us"), _ms("1.23ms"), _ms("2.50s"), _ms("-")
    (0.605, 1.23, 2500.0, None)
    """
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if match is None:
        return None
    return float(match.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}[match.group(2)]


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def _print_latency(cells: list[Cell], runs: int) -> None:
    """kg serve's latency beside the raw server's, for each kind both have: medians over the runs."""
    pairs: dict[tuple[int, str], dict[str, list[Cell]]] = {}
    for cell in cells:
        pairs.setdefault((cell.clients, cell.kind), {}).setdefault(cell.server, []).append(cell)
    rows = [(key, both) for key, both in pairs.items() if len(both) == 2]
    if not rows:
        return
    print(f"\nLatency, kg serve beside the raw server in the same run (ms; medians of {runs} run(s) each, in turns; "
          "goal: kg serve's p99 ≤ 20 ms for a cheap /query at 10 clients):\n")  # fmt: skip
    print("| clients | query | raw p50 | raw p90 | raw p99 | kg p50 | kg p90 | kg p99 | kg ÷ raw p99 | kg / raw ok/s |")
    print("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for (clients, kind), both in rows:
        figures = {}
        for server, its in both.items():
            figures[server] = [
                _median([ms for cell in its if (ms := _ms(getattr(cell, p))) is not None] or [math.nan])
                for p in ("p50", "p90", "p99")
            ] + [_median([cell.ok for cell in its])]
        raw, kg = figures["oxigraph"], figures["kg serve"]
        shown = " | ".join(f"{value:.1f}" for value in raw[:3] + kg[:3])
        ratio = f"{kg[3] / raw[3]:.2f}" if raw[3] else ""
        print(f"| {clients} | {kind} | {shown} | {kg[2] / raw[2]:.1f}× | {ratio} |")


def _print(cells: list[Cell], args: argparse.Namespace, first_rss: int, last_rss: int) -> None:
    load = os.getloadavg()
    limit = f"--timeout-s {args.raw_timeout:g}" if args.raw_timeout else "no time limit"
    print(f"# kg serve under load ({os.cpu_count()} cores; load average {load[0]:.1f} at the end; "
          f"{args.seconds:g} s a run; wrk keep-alive connections on loopback; the raw server: {limit})\n")  # fmt: skip
    print("| clients | query | server | ok/s | refused/s | p50 | p90 | p99 | CPU ms/answer (own process) "
          "| RSS MB before → after | home ms | guard | kg / raw ok/s |")  # fmt: skip
    print("|---:|---|---|---:|---:|---:|---:|---:|---:|---|---:|---|---:|")
    raw: dict[tuple[int, str], float] = {}
    for cell in cells:
        if cell.server == "oxigraph":
            raw[(cell.clients, cell.kind)] = cell.ok
        ratio = ""
        if cell.server == "kg serve" and raw.get((cell.clients, cell.kind)):
            ratio = f"{cell.ok / raw[(cell.clients, cell.kind)]:.2f}"
        home = f"{cell.home_ms:.0f}" if cell.home_ms is not None else ""
        note = f" ({cell.note})" if cell.note else ""
        print(
            f"| {cell.clients} | {cell.kind} | {cell.server}{note} | {cell.ok:,.0f} | {cell.refused:,.0f} | {cell.p50} "
            f"| {cell.p90} | {cell.p99} | {cell.cpu_ms:.2f} ({cell.own_cpu_ms:.2f}) | {cell.rss_before} → "
            f"{cell.rss_after} | {home} | {cell.guard} | {ratio} |"
        )
    _print_latency(cells, args.runs)
    print(f"\nkg serve's resident memory (Python process and Oxigraph children): {first_rss} MB at the start, "
          f"{last_rss} MB after every run.")  # fmt: skip
    mine: dict[tuple[int, str], list[Cell]] = {}
    for cell in cells:
        if cell.server == "kg serve":
            mine.setdefault((cell.clients, cell.kind), []).append(cell)
    pairs = [(key, SAME_WORK[key[1]]) for key in mine if key[1] in SAME_WORK and (key[0], SAME_WORK[key[1]]) in mine]
    if pairs:
        runs = f"medians of {args.runs} run(s)"
        print(f"\nkg serve's pages against /query doing the same work (goal: within 2×; {runs}):\n")
        print("| clients | page | ok/s | CPU ms/answer | /query kind | ok/s | CPU ms/answer | /query ÷ page ok/s |")
        print("|---:|---|---:|---:|---|---:|---:|---:|")
        for (clients, kind), other in pairs:
            page, query = mine[(clients, kind)], mine[(clients, other)]
            page_ok, query_ok = _median([c.ok for c in page]), _median([c.ok for c in query])
            if page_ok:
                print(
                    f"| {clients} | {kind} | {page_ok:,.0f} | {_median([c.cpu_ms for c in page]):.2f} | {other} "
                    f"| {query_ok:,.0f} | {_median([c.cpu_ms for c in query]):.2f} | {query_ok / page_ok:.2f}× |"
                )


if __name__ == "__main__":
    main()
