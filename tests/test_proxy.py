"""kg.proxy: /query checked, cached and bounded in front of the SPARQL server, run in-process against a fake server.

The Oxigraph child is replaced by a small aiohttp server on a free 127.0.0.1 port (its answers chunked, as
Oxigraph writes them), and the proxy is mounted in a bare Starlette app that an httpx client calls
in-process (ASGITransport). Both run on one event loop in a thread of its own.
"""

from __future__ import annotations

import asyncio
import threading
import urllib.parse
from dataclasses import dataclass

import httpx
import pytest
from aiohttp import web
from starlette.applications import Starlette
from starlette.routing import Route

from kg import limits
from kg.processes import free_port
from kg.proxy import (
    CANCELLED,
    STOPPED,
    AnswerCache,
    FirstTry,
    SparqlProxy,
    Truncated,
)
from kg.start_budget import StartBudget
from kg.supervisor import Health

JSON = "application/sparql-results+json"
ROWS = b'{"head": {"vars": ["x"]}, "results": {"bindings": []}}'


@dataclass
class Received:
    """A request as the fake server got it."""

    method: str
    path: str
    params: dict[str, str]
    headers: dict[str, str]
    content: bytes


class FakeServer:
    """What the SPARQL server answers (status, media type, chunks) and the requests it got."""

    def __init__(self) -> None:
        self.status = 200
        self.media = JSON
        self.chunks: list[bytes] = [ROWS]
        self.requests: list[Received] = []
        self.gate: asyncio.Event | None = None  # when set: answers only once it is open
        self.dies = False  # when set: the connection is dropped with the request in hand, as by a crash

    async def __call__(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        headers = {name.lower(): value for name, value in request.headers.items()}
        self.requests.append(Received(request.method, request.path, dict(request.query), headers, body))
        if self.gate is not None:
            await self.gate.wait()
        if self.dies:
            assert request.transport is not None
            request.transport.abort()
            return web.Response()
        answer = web.StreamResponse(status=self.status, headers={"Content-Type": self.media})
        answer.enable_chunked_encoding()
        await answer.prepare(request)
        for chunk in self.chunks:
            await answer.write(chunk)
        await answer.write_eof()
        return answer


class Loop:
    """An event loop in a thread of its own (a worker where Playwright holds the thread's loop would refuse
    asyncio.run here), with the fake server listening on it."""

    def __init__(self, server: FakeServer, first: FakeServer | None = None) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.port = free_port()
        app = web.Application()

        async def answer(request: web.Request) -> web.StreamResponse:
            return await server(request)

        app.router.add_route("*", "/query", answer)
        if first is not None:  # the server of first tries, with its short time limit (kg.proxy.FirstTry)

            async def first_answer(request: web.Request) -> web.StreamResponse:
                return await first(request)

            app.router.add_route("*", "/first/query", first_answer)
        self.runner = web.AppRunner(app, access_log=None)
        self.run(self.runner.setup())
        self.run(web.TCPSite(self.runner, "127.0.0.1", self.port).start())

    def run(self, coroutine):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(60)

    def close(self) -> None:
        self.run(self.runner.cleanup())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(30)
        self.loop.close()


@pytest.fixture
def server():
    return FakeServer()


@pytest.fixture
def first():
    return FakeServer()


@pytest.fixture
def loop(server, first):
    running = Loop(server, first)
    yield running
    running.close()


class Client:
    """Requests to a Starlette app holding one proxy (so its cache lives across requests), run in-process."""

    def __init__(self, loop: Loop, endpoint: str | None = None, timeout: float = 30, **options) -> None:
        self.loop = loop
        self.proxy = SparqlProxy(endpoint or f"http://127.0.0.1:{loop.port}/query", timeout=timeout, **options)

        async def endpoint_route(request):
            return await self.proxy(request)

        self.app = Starlette(routes=[Route("/query", endpoint_route, methods=["GET", "POST"])])

    def request(self, method: str, url: str, **options) -> httpx.Response:
        async def send() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://kg.test") as client:
                return await client.request(method, url, **options)

        return self.loop.run(send())

    def get(self, url: str, **options) -> httpx.Response:
        return self.request("GET", url, **options)

    def post(self, url: str, **options) -> httpx.Response:
        return self.request("POST", url, **options)

    def close(self) -> None:
        self.loop.run(self.proxy.close())


@pytest.fixture
def client(loop):
    made = Client(loop)
    yield made
    made.close()


def test_a_query_is_passed_on_with_its_accept_and_the_answer_comes_back(client, server):
    answer = client.get("/query", params={"query": "SELECT ?x WHERE { ?x ?p ?o }"}, headers={"Accept": JSON})
    assert (answer.status_code, answer.content) == (200, ROWS)
    assert answer.headers["content-type"] == JSON
    (sent,) = server.requests
    assert sent.path == "/query" and sent.params["query"] == "SELECT ?x WHERE { ?x ?p ?o }"
    assert sent.headers["accept"] == JSON


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/sparql-query", "SELECT * WHERE { ?s ?p ?o }"),
        ("application/x-www-form-urlencoded", "query=SELECT+*+WHERE+%7B+%3Fs+%3Fp+%3Fo+%7D"),
    ],
)
def test_a_posted_query_is_passed_on_as_posted(client, server, content_type, body):
    answer = client.post("/query", content=body, headers={"Content-Type": content_type})
    assert answer.status_code == 200
    assert server.requests[0].method == "POST" and server.requests[0].content == body.encode()
    assert server.requests[0].headers["content-type"] == content_type


def test_a_post_of_another_type_is_415_before_its_body_is_read(client, server):
    answer = client.post("/query", content="{}", headers={"Content-Type": "application/json"})
    assert answer.status_code == 415
    assert answer.text == "POST a query as application/sparql-query or application/x-www-form-urlencoded"
    assert server.requests == []


@pytest.mark.parametrize("params", [{}, {"query": "   "}])
def test_no_query_is_400(client, server, params):
    answer = client.get("/query", params=params)
    assert (answer.status_code, answer.text) == (400, "no query: give ?query=SPARQL")
    assert server.requests == []


def test_a_mistake_the_text_shows_is_400_in_words_without_asking_the_server(client, server):
    answer = client.get("/query", params={"query": "SELECT ?x WHERE { ?x foaf:name ?n }"})
    assert answer.status_code == 400 and "foaf:" in answer.text
    assert server.requests == []


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
        "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
    ],
)
def test_service_from_and_update_are_403_and_never_reach_the_server(client, server, text):
    answer = client.get("/query", params={"query": text})
    assert answer.status_code == 403 and answer.text.startswith("<request>:1:")
    assert server.requests == []


def test_allow_external_passes_service_on(loop, server):
    client = Client(loop, allow_external=True)
    answer = client.get("/query", params={"query": "SELECT * WHERE { SERVICE <http://x/> { ?s ?p ?o } }"})
    client.close()
    assert answer.status_code == 200 and len(server.requests) == 1


def test_the_same_request_is_answered_from_the_cache_another_is_not(client, server):
    query = {"query": "SELECT * WHERE { ?s ?p ?o }"}
    assert client.get("/query", params=query).content == ROWS
    assert client.get("/query", params=query).content == ROWS
    assert len(server.requests) == 1
    client.get("/query", params=query, headers={"Accept": "text/csv"})  # another Accept: another answer
    assert len(server.requests) == 2


def test_an_error_answer_is_passed_on_and_never_cached(client, server):
    server.status, server.media, server.chunks = 500, "text/plain", [b"store error"]
    query = {"query": "SELECT * WHERE { ?s ?p ?o }"}
    assert (client.get("/query", params=query).status_code, len(server.requests)) == (500, 1)
    assert (client.get("/query", params=query).status_code, len(server.requests)) == (500, 2)


def test_an_answer_the_server_cancelled_at_its_time_limit_is_504_not_200(client, server):
    server.chunks = [b'{"head": {"vars": ["x"]}, "results": {"bindings": [', CANCELLED]
    answer = client.get("/query", params={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert (answer.status_code, answer.text) == (504, "the query ran past its time limit of 30 s (kg serve --timeout)")


def test_a_server_that_does_not_answer_is_502(loop, server):
    client = Client(loop, endpoint=f"http://127.0.0.1:{free_port()}/query")  # nobody listens there
    answer = client.get("/query", params={"query": "SELECT * WHERE { ?s ?p ?o }"})
    client.close()
    assert answer.status_code == 502 and answer.text.startswith("the SPARQL server did not answer: ")
    assert server.requests == []


def test_while_the_supervised_server_restarts_a_query_is_503_with_retry_after_and_an_answer_given_is_kept(loop, server):
    health = Health()
    client = Client(loop, health=health)
    asked = {"query": "ASK { ?s ?p ?o }"}
    assert client.get("/query", params=asked).status_code == 200
    health.set_restarting(2)
    answer = client.get("/query", params={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert (answer.status_code, answer.headers["retry-after"], answer.text) == (
        503,
        "2",
        "the SPARQL server behind kg serve stopped and is restarting; try again in 2 s",
    )
    assert client.get("/query", params=asked).status_code == 200  # answered before: from the cache
    assert len(server.requests) == 1
    health.set_up()
    assert client.get("/query", params={"query": "SELECT * WHERE { ?s ?p ?o }"}).status_code == 200
    client.close()
    # the supervisor has not seen the death yet, but nothing listens: restarting too
    client = Client(loop, endpoint=f"http://127.0.0.1:{free_port()}/query", health=Health())
    answer = client.get("/query", params={"query": "SELECT * WHERE { ?s ?p ?o }"})
    client.close()
    assert (answer.status_code, answer.headers["retry-after"]) == (503, "1")
    assert len(server.requests) == 2


def _exchange_in_parts(client: Client, query: str) -> tuple[asyncio.Future, list, asyncio.Event]:
    """The app run on a GET of ``query`` as an ASGI server runs it, on the loop: the app's run, the messages
    it sent, and an event set once its answer is whole (which may be before the run ends)."""
    sent: list = []

    async def start() -> tuple[asyncio.Future, asyncio.Event]:
        answered = asyncio.Event()
        scope = {
            "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
            "path": "/query", "raw_path": b"/query", "root_path": "", "headers": [(b"host", b"kg.test")],
            "query_string": urllib.parse.urlencode({"query": query}).encode(), "server": ("kg.test", 80),
            "client": ("127.0.0.1", 1),
        }  # fmt: skip

        async def receive() -> dict:
            await asyncio.Event().wait()  # the client never leaves
            return {}

        async def send(message: dict) -> None:
            sent.append(message)
            if message["type"] == "http.response.body" and not message.get("more_body"):
                answered.set()

        return asyncio.ensure_future(client.app(scope, receive, send)), answered

    run, answered = client.loop.run(start())
    return run, sent, answered


def test_a_query_past_its_limit_is_504_at_once_and_keeps_its_slot_until_the_server_ends_it(loop, server, monkeypatch):
    """The route (and so the guard's query slot) lasts until the server answers the query it went on computing
    (Oxigraph looks at its clock only between some steps); the client has its 504 at the limit meanwhile."""
    _short_grace(monkeypatch)
    server.gate = loop.run(_event())
    client = Client(loop, timeout=0.05)
    run, sent, answered = _exchange_in_parts(client, "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }")
    assert loop.run(asyncio.wait_for(answered.wait(), 30)) is True
    assert sent[0]["status"] == 504 and (b"connection", b"close") in sent[0]["headers"]
    assert sent[1]["body"] == b"the query ran past its time limit of 0.05 s (kg serve --timeout)"
    assert not run.done() and len(client.proxy._overruns) == 1  # still waiting for the server: the slot is held
    loop.loop.call_soon_threadsafe(server.gate.set)
    loop.run(asyncio.wait_for(asyncio.shield(run), 30))
    assert client.proxy._overruns == set()
    client.close()


def test_the_queries_past_their_limits_are_not_waited_for_when_kg_serve_stops(loop, server, monkeypatch):
    _short_grace(monkeypatch)
    server.gate = loop.run(_event())
    client = Client(loop, timeout=0.05)
    run, sent, answered = _exchange_in_parts(client, "ASK { ?s ?p ?o }")
    assert loop.run(asyncio.wait_for(answered.wait(), 30)) is True
    assert sent[0]["status"] == 504 and not run.done()
    loop.loop.call_soon_threadsafe(client.proxy.abandon_overruns)  # as kg serve's shutdown begins
    loop.run(asyncio.wait_for(asyncio.shield(run), 30))  # ends with the gate still closed
    assert client.proxy._overruns == set()
    loop.loop.call_soon_threadsafe(server.gate.set)
    client.close()


async def _event() -> asyncio.Event:
    return asyncio.Event()


def _short_grace(monkeypatch: pytest.MonkeyPatch) -> None:
    """The wait for a gated server past the limit (kg.limits.SERVE_FORWARD_GRACE, 1 s) as short as the limit: a
    gated server never answers in it, and the test waited it out whole."""
    monkeypatch.setattr(limits, "SERVE_FORWARD_GRACE", 0.05)


def test_a_long_answer_is_streamed_whole(loop, server):
    server.chunks = [b"x" * 1000 for _ in range(10)]
    client = Client(loop, buffer=2500)
    answer = client.get("/query", params={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert (answer.status_code, answer.content) == (200, b"x" * 10_000)
    again = client.get("/query", params={"query": "SELECT ?s WHERE { ?s ?p ?o }"})  # the connection was reused
    client.close()
    assert (again.status_code, len(again.content), len(server.requests)) == (200, 10_000, 2)


def test_a_long_answer_cancelled_at_the_end_never_ends_as_a_whole_200(loop, server):
    server.chunks = [b"x" * 1000 for _ in range(5)] + [CANCELLED]
    client = Client(loop, buffer=2500)
    with pytest.raises(Truncated, match="cancelled"):
        client.get("/query", params={"query": "SELECT * WHERE { ?s ?p ?o }"})
    client.close()


def test_a_query_past_the_start_budget_is_503_with_retry_after_and_never_reaches_the_server(loop, server):
    client = Client(loop, budget=StartBudget(1, window=60))
    assert client.get("/query", params={"query": "SELECT * WHERE { ?s ?p ?o }"}).status_code == 200
    answer = client.get("/query", params={"query": "SELECT ?s WHERE { ?s ?p ?o }"})
    cached = client.get("/query", params={"query": "SELECT * WHERE { ?s ?p ?o }"})  # answered before: no start
    client.close()
    assert (answer.status_code, answer.headers["retry-after"]) == (503, "60")
    assert answer.text == "kg serve is busy: 1 queries started in the last 60 s; try again shortly"
    assert (cached.status_code, len(server.requests)) == (200, 1)


# --------------------------------------------------------------------------- the budget and the cache


def test_the_cache_keeps_the_most_recently_used_answers_within_its_bytes():
    cache = AnswerCache(max_bytes=3 * (512 + 100 + 1), max_entry=10_000)
    for name in "abc":
        cache.put((name,), JSON, b"x" * 100)
    assert cache.get(("a",)) == (JSON, b"x" * 100)  # a is now the most recently used
    cache.put(("d",), JSON, b"x" * 100)
    assert cache.get(("b",)) is None  # the least recently used went out
    assert all(cache.get((name,)) is not None for name in "acd")


def test_an_answer_larger_than_an_entry_may_be_is_not_cached_and_a_key_is_put_once():
    cache = AnswerCache(max_bytes=100_000, max_entry=1000)
    cache.put(("big",), JSON, b"x" * 1000)
    assert cache.get(("big",)) is None
    cache.put(("k",), JSON, b"first")
    cache.put(("k",), JSON, b"second")
    assert cache.get(("k",)) == (JSON, b"first")


# --------------------------------------------------------------------------- the first try, with a short limit


def _tried(loop: Loop, endpoint: str | None = None, **options) -> tuple[Client, FirstTry]:
    first_try = FirstTry(endpoint or f"http://127.0.0.1:{loop.port}/first/query", **options)
    return Client(loop, first_try=first_try, budget=StartBudget(100, window=60)), first_try


def test_a_query_is_tried_first_where_the_limit_is_short_and_runs_again_only_if_it_was_cancelled_there(
    loop, server, first
):
    client, _ = _tried(loop)
    asked = {"query": "SELECT * WHERE { ?s ?p ?o }"}
    answer = client.get("/query", params=asked, headers={"Accept": JSON})
    assert (answer.status_code, answer.content, len(first.requests), len(server.requests)) == (200, ROWS, 1, 0)
    assert first.requests[0].params == asked and first.requests[0].headers["accept"] == JSON
    assert client.proxy.budget is not None and len(client.proxy.budget._started) == 0  # the main server's: unused
    first.chunks = [b'{"head": {"vars": ["x"]}, "results": {"bindings": [', CANCELLED]
    posted = client.post("/query", content=b"ASK { ?s ?p ?o }", headers={"Content-Type": "application/sparql-query"})
    assert (posted.status_code, posted.content) == (200, ROWS)  # the main server's answer, whole
    assert len(first.requests) == 2 and [r.content for r in server.requests] == [b"ASK { ?s ?p ?o }"]
    assert server.requests[0].headers["content-type"] == "application/sparql-query"
    again = client.post("/query", content=b"ASK { ?s ?p ?o }", headers={"Content-Type": "application/sparql-query"})
    assert (again.status_code, len(first.requests), len(server.requests)) == (200, 2, 1)  # the main answer kept
    client.close()


def test_an_answer_longer_than_the_held_bytes_on_the_first_try_comes_whole_from_the_main_server(loop, server, first):
    """Streamed from the first try, it could be cut at the short limit after its 200 went: never streamed there."""
    first.chunks = [b"y" * 1000 for _ in range(10)]
    server.chunks = [b"x" * 1000 for _ in range(10)]
    client, _ = _tried(loop)
    client.proxy.buffer = 2500
    answer = client.get("/query", params={"query": "SELECT * WHERE { ?s ?p ?o }"})
    client.close()
    assert (answer.status_code, answer.content) == (200, b"x" * 10_000)
    assert (len(first.requests), len(server.requests)) == (1, 1)


def test_the_main_server_answers_when_the_first_try_is_restarting_or_past_its_budget(loop, server, first):
    asked = [{"query": f"SELECT * WHERE {{ ?s ?p {n} }}"} for n in range(4)]
    plain = Client(loop)  # no first try at all
    assert plain.get("/query", params=asked[0]).status_code == 200
    plain.close()
    health = Health()
    client, _ = _tried(loop, health=health, budget=StartBudget(1, window=60))
    health.set_restarting(3)
    assert client.get("/query", params=asked[1]).status_code == 200
    health.set_up()
    assert client.get("/query", params=asked[2]).status_code == 200  # the first try's one start
    assert client.get("/query", params=asked[3]).status_code == 200  # its budget is spent
    client.close()
    assert [r.params for r in first.requests] == [asked[2]]
    assert [r.params for r in server.requests] == [asked[0], asked[1], asked[3]]


def test_a_query_that_kills_the_first_try_is_502_and_never_sent_on(loop, server, first):
    """It may be the query that killed it (a stack overflow aborts Oxigraph): it would kill the main server too.
    Nor is a query that finds nothing listening there (the client sends a GET again on a new connection when
    it lost its kept one: the same query may find the process it killed gone)."""
    first.dies = True
    client, _ = _tried(loop, health=Health())
    posted = client.post("/query", content=b"ASK { ?s ?p ?o }", headers={"Content-Type": "application/sparql-query"})
    client.close()
    assert (posted.status_code, posted.text) == (502, STOPPED)
    assert (len(first.requests), server.requests) == (1, [])
    client, _ = _tried(loop, endpoint=f"http://127.0.0.1:{free_port()}/query", health=Health())  # nobody listens
    answer = client.get("/query", params={"query": "SELECT * WHERE { ?s ?p ?o }"})
    client.close()
    assert (answer.status_code, answer.headers["retry-after"], server.requests) == (503, "1", [])


def test_the_pages_that_run_queries_take_their_starts_from_the_same_budget(loop):
    """A question page and the ad-hoc page sleep a thread in Oxigraph for the whole limit, as /query does: past
    the budget they are 503 with Retry-After, and their query never leaves kg serve (nothing listens at its port)."""
    from kg.site import Site, create_app

    nowhere = f"http://127.0.0.1:{free_port()}/query"
    budget = StartBudget(1, window=60)
    budget.take()  # spent
    app = create_app(Site(nowhere), proxy=SparqlProxy(nowhere, timeout=30, budget=budget))

    async def ask() -> list[httpx.Response]:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://kg.test") as client:
            return [
                await client.get("/q/cq01"),
                await client.get("/q/cq01.csv?lang=fa"),
                await client.post("/ad-hoc", data={"query": "ASK { ?s ?p ?o }"}),
            ]

    for answer in loop.run(ask()):
        assert (answer.status_code, answer.headers["retry-after"]) == (503, "60"), answer.text
        assert answer.text == "kg serve is busy: 1 queries started in the last 60 s; try again shortly"


def test_a_new_text_is_tokenized_once_for_its_checks(client, server, monkeypatch):
    """The mistakes' reading and the policy's bounds and token rule all read one tokenization of a new text."""
    import kg.sparql.policy
    import kg.sparql.syntax

    calls: list[str] = []
    tokenize = kg.sparql.syntax.tokenize

    def counted(text: str, *args, **kwargs):
        calls.append(text)
        return tokenize(text, *args, **kwargs)

    monkeypatch.setattr(kg.sparql.syntax, "tokenize", counted)
    monkeypatch.setattr(kg.sparql.policy, "tokenize", counted)
    text = "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1 OFFSET 7301"  # a text no other test reads: not kept
    assert client.get("/query", params={"query": text}).status_code == 200
    assert calls == [text] and len(server.requests) == 1
