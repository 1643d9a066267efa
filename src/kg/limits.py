"""Every default and bound of kg, in one place: the CLI, the site, ``--help`` and the docs derive from it.

Each limit is a constant of this module (what the code reads) and a :class:`Limit` in
:data:`LIMITS` (what the README's Limits paragraph, SECURITY.md and ``--help`` show): a
test reads both documents and the parser and checks that every value they state is the
one here (``tests/test_limits.py``).

This module imports nothing, so ``kg --help`` stays free of rdflib and pyoxigraph.

>>> describe(MAX_INPUT_BYTES, "bytes")
'64 MiB'
>>> describe(MAX_ROWS, "rows"), describe(QUERY_TIMEOUT, "s")
('10 000 rows', '5 s')
"""

from __future__ import annotations

from typing import NamedTuple

# --------------------------------------------------------------------------- choices and their defaults

#: Local query engines; pyoxigraph is the default, chosen from benchmarks/bench_query.py: it answers joins far
#: faster (both engines load through one reader).
ENGINES = ("oxigraph", "rdflib")
DEFAULT_ENGINE = "oxigraph"
#: What a query sees: the RDFS closure (``rdfs``) or the asserted triples only (``none``).
ENTAILMENTS = ("rdfs", "none")
DEFAULT_ENTAILMENT = "rdfs"
#: How ``--user`` is sent to an endpoint: as the server asks, or one scheme insisted on.
AUTH_SCHEMES = ("auto", "basic", "digest")

# --------------------------------------------------------------------------- queries
#: Characters of a query text whose reading (tokens, form, groups) is kept for the next use of the same
#: text, among the last 256 such texts; of a longer text only the last reading is kept
#: (:func:`kg.sparql.syntax.analyse`: a reading takes some 60 bytes per character).
MAX_CACHED_QUERY_TEXT = 16 * 1024

#: Seconds a ``kg query`` (and each query of ``kg queries --check``) may run, the whole
#: exchange with an endpoint included; ``--timeout S``.
QUERY_TIMEOUT = 5.0
#: Rows a result keeps; rows past the cap are not built. ``--max-rows N`` (0: all).
MAX_ROWS = 10_000
#: Megabytes of memory a local query may add to its process before it stops (exit 4); ``--max-memory MB`` (0: none).
MAX_MEMORY_MB = 1024
#: How deep ``{``, ``(`` and ``[`` may nest in a query, an operator chained in an expression or a path
#: (``1+1+…``, ``||``, ``!``, ``/``) counting as one level more: pyoxigraph's parser recurses and overflows
#: its stack (a segmentation fault, no message) between 2 000 and 5 000 levels of brackets, the Oxigraph
#: server's between 5 000 and 10 000 chained operators; rdflib's reaches Python's recursion limit. Fixed.
MAX_QUERY_NESTING = 1000
#: Parts a query may chain (BIND, OPTIONAL, MINUS, UNION, VALUES, GRAPH, FILTER, groups side by side, a SELECT
#: clause's expressions, resources to DESCRIBE): Oxigraph plans
#: each as one more level of its algebra, and 1 000 BINDs in a row overflowed the stack of its server's thread
#: (``kg serve`` lost its store); 500, with 995 levels of nesting around them, were read.
MAX_QUERY_PARTS = 500
#: Terms a query's triple patterns may hold, each pattern written out (``;`` repeats a subject, ``,`` a subject
#: and predicate; subjects, predicates, objects and path steps; an item in parentheses counts twice: a
#: collection's item stands for two patterns): Oxigraph plans a query's patterns in time
#: that grows far faster than their number, and its time limit does not stop the planning. Measured on
#: the Oxigraph server, empty store, 2 cores: 50 patterns about one subject 0.3 s, 64 0.6 s, 100 2.6 s,
#: 200 over 20 s; a collection of 200 items 9 s. The library's largest query holds 46.
MAX_QUERY_PATTERN_TERMS = 128

#: Seconds the warm query process (kg.warm) waits for a request before it exits; ``KG_CACHE_IDLE=S``.
CACHE_IDLE = 600.0
#: Input sets whose stores the warm query process keeps loaded (least recently used dropped); ``KG_CACHE_STORES=N``.
CACHE_STORES = 2

# --------------------------------------------------------------------------- inputs

#: Default size limit of one input file or endpoint answer, in bytes (64 MiB).
MAX_INPUT_BYTES = 64 * 1024 * 1024
#: Environment variable that overrides :data:`MAX_INPUT_BYTES` (a number of bytes).
MAX_INPUT_ENV = "KG_MAX_INPUT_BYTES"
#: The deepest nesting read: Turtle/TriG ``[``/``(`` inside each other, RDF/XML elements inside each other.
MAX_NESTING = 1000
#: Articles ``kg synth`` writes at most (``--articles N``).
MAX_ARTICLES = 100_000

# --------------------------------------------------------------------------- HTTP

#: Redirects an HTTP exchange with an endpoint follows at most.
MAX_REDIRECTS = 5
#: Seconds ``kg push`` may take for the whole upload; ``--timeout S``.
PUSH_TIMEOUT = 60.0

# --------------------------------------------------------------------------- kg serve

#: Where ``kg serve`` listens unless told otherwise (``--host``): this machine only.
SERVE_HOST = "127.0.0.1"
#: ``kg serve``'s port (``--port N``; 0: a free one).
SERVE_PORT = 7878
#: Seconds a query may run on ``kg serve`` (``--timeout S``).
SERVE_TIMEOUT = 10.0
#: Seconds ``kg serve`` waits for its Oxigraph past a request's time limit (counted from the request's
#: arrival) before it answers 504: Oxigraph's own limit starts later, when the query leaves the queue.
SERVE_FORWARD_GRACE = 1.0
#: Seconds past a request's time limit that a query may still take in ``kg serve``'s Oxigraph (which looks at its
#: clock only between some steps) while the request keeps its query slot, its 504 sent; then Oxigraph is restarted
#: to stop it.
SERVE_OVERRUN = 5.0
#: Megabytes ``kg serve``'s Oxigraph may add to what it held once started (``--max-memory MB``; 0: no ceiling);
#: past it, it is restarted (its queries in flight answered 502).
SERVE_MAX_MEMORY_MB = 2048
#: Seconds ``kg serve`` waits for its Oxigraph server to answer after starting it.
SERVE_STARTUP = 30.0
#: Times ``kg serve``'s Oxigraph server may fail to start again (on the same store) within
#: :data:`SERVE_RESTART_WINDOW` seconds after it died; then ``kg serve`` ends (exit 6). One that comes up and dies
#: again is always restarted (after a pause that doubles with each death in the window, at most 2 s).
SERVE_RESTARTS = 5
#: Seconds over which :data:`SERVE_RESTARTS` are counted.
SERVE_RESTART_WINDOW = 60.0
#: Bytes a request body to ``kg serve`` may have (``--max-body N``): past it, 413 before the rest is read.
SERVE_MAX_BODY = 1024 * 1024
#: Requests that run queries, at once, per ``kg serve`` process; the rest wait in the queue.
SERVE_QUERY_SLOTS = 8
#: Requests that may wait for a query slot; past it, 503 with ``Retry-After`` at once. A waiting request holds
#: at most :data:`SERVE_QUEUED_BODY` of its body, so a wait costs little memory.
SERVE_QUEUE = 256
#: Body bytes a queued request may have read for it while it waits, so that a client that leaves is
#: seen and its query never starts; as much as uvicorn holds per connection before it stops reading.
SERVE_QUEUED_BODY = 64 * 1024
#: Bytes of request bodies ``kg serve`` holds at once while it reads them, before their requests take a query
#: slot (a slow body holds no slot); past it, 503 with ``Retry-After``.
SERVE_READ_BODIES = 64 * 1024 * 1024
#: Bytes of an answer ``kg serve`` holds before it sends the status, so that an answer cancelled or cut
#: within them is an error status; a longer one is streamed, and cut by closing the connection.
SERVE_BUFFER = 1024 * 1024
#: Bytes of complete answers ``kg serve`` keeps to answer the same request again (its store is read-only).
SERVE_CACHE_BYTES = 32 * 1024 * 1024
#: Bytes of gzipped pages and documents ``kg serve`` keeps by their ETag, so a page is compressed once, not
#: once per request (:mod:`kg.site.compress`); a body over an eighth of it is compressed each time.
SERVE_GZIP_BYTES = 32 * 1024 * 1024
#: Queries ``kg serve`` starts on its Oxigraph within one time limit, at most: Oxigraph's server keeps one
#: sleeping thread per query for the whole limit (some 30 KB each), and a flood of them exhausts the
#: machine's process ids; no more than a quarter of those are taken (:func:`kg.start_budget.start_budget`).
SERVE_START_BUDGET = 8192
#: Seconds: the time limit of the second Oxigraph process of ``kg serve`` (on the same store), where every
#: ``/query`` is tried first when kg serve's own limit is longer; a query it cancels there runs again on the first
#: with the time left. Its sleeping threads live this long, not the whole limit, so a flood of cheap queries is
#: not capped by the start budget at a tenth of Oxigraph's speed (the smallest limit Oxigraph takes: 1 s).
SERVE_FIRST_TRY = 1
#: Seconds a client has to send a request's headers (from its connection, or from the last answer).
SERVE_HEAD_TIMEOUT = 10.0
#: Bytes of a request line and headers ``kg serve`` reads before it answers 431 and closes the connection.
SERVE_MAX_HEAD = 16 * 1024
#: Characters of a query text ``kg serve`` reads on its event loop (well under a millisecond); a longer text is
#: read for mistakes and policy in a worker thread (1 MiB: about a second), so other requests go on meanwhile.
SERVE_INLINE_TEXT = 8192
#: Seconds an idle keep-alive connection stays open.
SERVE_IDLE_TIMEOUT = 5
#: Workers ``kg serve --workers N`` may fork per CPU of the machine, at most (a usage error past it):
#: :func:`serve_max_workers`.
SERVE_WORKERS_PER_CPU = 4
#: Connections ``kg serve`` serves at once; requests past it get 503.
SERVE_MAX_CONNECTIONS = 512

# --------------------------------------------------------------------------- kg publish, the publication pages

#: Where the static site of ``kg publish`` is served, for its w3id.org redirect rules (``--host URL``):
#: by default where ``python -m http.server`` serves the folder.
PUBLISH_HOST = "http://127.0.0.1:8000/"
#: Most instances of a class, or uses of a property, listed on its page (the RDF documents hold all).
PAGE_LIST = 500
#: Most suggestions ``/search`` answers, and characters of a search query read.
SEARCH_SUGGESTIONS = 10
SEARCH_QUERY_CHARS = 200
#: Most mistakes of one query that the ad-hoc page lists and marks (a text may hold 100 000).
SHOWN_PROBLEMS = 20

# --------------------------------------------------------------------------- kg explore, kg stats

#: Above this many nodes ``kg explore`` draws a focus view (``--budget N``). Measured on the 2-core
#: machine (benchmarks/bench_explore.py, the article copied 100 and 240 times): at 1 500 nodes the page
#: reached 2.65 MB (the limit is 3 MB) and the build-time layout 6-9 s; at 1 000 nodes the page is about
#: 1.3 MB, the layout about 3 s, and the first view is drawn about 0.5 s after opening.
NODE_BUDGET = 1000
#: The largest page ``kg explore`` writes: a view whose page is larger keeps fewer nodes (the most central).
MAX_HTML_BYTES = 3 * 1024 * 1024
#: Characters of an ``Accept`` or ``Accept-Language`` header the published w3id rules read
#: (:func:`kg.publish.apache.w3id_rules`): a longer one gets the page (real headers are a few hundred
#: characters), so no header makes Apache's regular expressions work for long.
W3ID_MAX_HEADER = 1024
#: With ``--focus``: how many steps around the entity are drawn (``--hops K``).
FOCUS_HOPS = 2
#: Rows kept per library question in the explorer page (a question over a big corpus could return thousands).
QUESTION_ROWS = 200
#: How many nodes ``kg stats`` ranks (``--top N``).
STATS_TOP = 10

# --------------------------------------------------------------------------- programs kg runs

#: Seconds Graphviz's ``dot`` may take to draw the class diagram (``kg diagram``, ``kg build``).
DOT_TIMEOUT = 120.0
#: Seconds a stopped Oxigraph server (``kg serve``) has to exit after SIGTERM before it is killed.
SERVER_STOP_GRACE = 5.0


class Limit(NamedTuple):
    """One limit as the documents state it: its value, unit, and how a user changes it."""

    name: str  # the constant of this module
    unit: str  # "s", "rows", "MB", "bytes", "levels", "parts", "redirects", "articles", "nodes"
    control: str  # the flag or variable that changes it, or "fixed"
    what: str  # what it bounds, in a few words

    @property
    def value(self) -> float | int:
        return globals()[self.name]

    @property
    def text(self) -> str:
        """The value as the documents write it: ``5 s``, ``10 000 rows``, ``64 MiB``."""
        return describe(self.value, self.unit)


def describe(value: float | int, unit: str) -> str:
    """A limit's value in the documents' words: thousands grouped by a space, bytes in MiB.

    >>> describe(1000, "levels"), describe(1024, "MB"), describe(60.0, "s")
    ('1 000 levels', '1024 MB', '60 s')
    """
    if unit == "bytes":
        return f"{value // (1024 * 1024)} MiB"
    number = f"{value:g}" if isinstance(value, float) else str(value)
    if (isinstance(value, int) and value >= 10_000) or unit == "levels":
        number = f"{value:,}".replace(",", " ")
    return f"{number} {unit}"


def serve_max_workers() -> int:
    """The most workers ``kg serve`` forks on this machine: :data:`SERVE_WORKERS_PER_CPU` for each CPU (more only
    share the same cores, each with its own memory; 100 000 were once forked until the machine swapped)."""
    import os

    return SERVE_WORKERS_PER_CPU * (os.cpu_count() or 1)


#: The limits users meet, in the order of the README's Limits paragraph.
LIMITS: tuple[Limit, ...] = (
    Limit("MAX_INPUT_BYTES", "bytes", "KG_MAX_INPUT_BYTES=N", "an input file or endpoint answer"),
    Limit("QUERY_TIMEOUT", "s", "--timeout S", "a query of kg query, the whole exchange with an endpoint included"),
    Limit("SERVE_TIMEOUT", "s", "--timeout S", "a query on kg serve"),
    Limit("PUSH_TIMEOUT", "s", "--timeout S", "an upload of kg push"),
    Limit("SERVE_MAX_BODY", "bytes", "--max-body N", "a request body to kg serve"),
    Limit("SERVE_HEAD_TIMEOUT", "s", "fixed", "a request's headers to kg serve"),
    Limit("SERVE_MAX_MEMORY_MB", "MB", "--max-memory MB", "memory kg serve's Oxigraph may add (0: no ceiling)"),
    Limit("SERVE_OVERRUN", "s", "fixed", "a query may go on in kg serve's Oxigraph past its time limit"),
    Limit("SERVE_RESTARTS", "restarts", "fixed", "of kg serve's Oxigraph that fail, within SERVE_RESTART_WINDOW"),
    Limit("SERVE_RESTART_WINDOW", "s", "fixed", "over which kg serve counts the restarts of its Oxigraph"),
    Limit("MAX_ROWS", "rows", "--max-rows N", "rows of a result (0: all)"),
    Limit("MAX_MEMORY_MB", "MB", "--max-memory MB", "memory a local query may add (0: no ceiling)"),
    Limit("MAX_REDIRECTS", "redirects", "fixed", "redirects of one exchange with an endpoint"),
    Limit("MAX_QUERY_NESTING", "levels", "fixed", "nesting of { ( [ in a query, chained operators counted"),
    Limit(
        "MAX_QUERY_PARTS",
        "parts",
        "fixed",
        "BIND, OPTIONAL, MINUS, UNION, VALUES, GRAPH, FILTER, side-by-side groups, SELECT expressions and "
        "DESCRIBE resources of a query",
    ),
    Limit(
        "MAX_QUERY_PATTERN_TERMS",
        "terms",
        "fixed",
        "subjects, predicates, objects and path steps of a query's triple patterns",
    ),
    Limit("MAX_NESTING", "levels", "fixed", "nesting in Turtle, TriG and RDF/XML"),
)
