"""kg.proxy: /query checked, cached and bounded in front of the SPARQL server, run in-process against a fake server.

The Oxigraph child is replaced by an httpx MockTransport (its answers as Oxigraph writes them), and the
proxy is mounted in a bare Starlette app that an httpx client calls in-process (ASGITransport): no port, no child.
"""

from __future__ import annotations

import asyncio
import concurrent.futures

import httpx
import pytest
from starlette.applications import Starlette
from starlette.routing import Route

from kg import proxy as proxy_module
from kg.guard import Refused
from kg.proxy import CANCELLED, AnswerCache, SparqlProxy, StartBudget, Truncated

ENDPOINT = "http://127.0.0.1:9/query"
JSON = "application/sparql-results+json"
ROWS = b'{"head": {"vars": ["x"]}, "results": {"bindings": []}}'


class FakeServer:
    """What the SPARQL server answers (status, media type, chunks) and the requests it got."""

    def __init__(self) -> None:
        self.status = 200
        self.media = JSON
        self.chunks: list[bytes] = [ROWS]
        self.error: Exception | None = None
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.error is not None:
            raise self.error

        async def chunks():
            for chunk in self.chunks:
                yield chunk

        return httpx.Response(self.status, headers={"content-type": self.media}, content=chunks())


@pytest.fixture
def server():
    return FakeServer()


class Client:
    """Requests to a Starlette app holding one proxy (so its cache lives across requests), each run in-process."""

    def __init__(self, server: FakeServer, **options) -> None:
        proxy = SparqlProxy(ENDPOINT, timeout=30, **options)
        proxy._client = httpx.AsyncClient(transport=httpx.MockTransport(server))

        async def endpoint(request):
            return await proxy(request)

        self.app = Starlette(routes=[Route("/query", endpoint, methods=["GET", "POST"])])

    def request(self, method: str, url: str, **options) -> httpx.Response:
        async def send() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://kg.test") as client:
                return await client.request(method, url, **options)

        # A loop of its own in a thread of its own: a worker where Playwright holds the thread's loop
        # would refuse asyncio.run here.
        with concurrent.futures.ThreadPoolExecutor(1) as thread:
            return thread.submit(asyncio.run, send()).result()

    def get(self, url: str, **options) -> httpx.Response:
        return self.request("GET", url, **options)

    def post(self, url: str, **options) -> httpx.Response:
        return self.request("POST", url, **options)


@pytest.fixture
def client(server):
    return Client(server)


def test_a_query_is_passed_on_with_its_accept_and_the_answer_comes_back(client, server):
    answer = client.get("/query", params={"query": "SELECT ?x WHERE { ?x ?p ?o }"}, headers={"Accept": JSON})
    assert (answer.status_code, answer.content) == (200, ROWS)
    assert answer.headers["content-type"] == JSON
    (sent,) = server.requests
    assert sent.url.path == "/query" and sent.url.params["query"] == "SELECT ?x WHERE { ?x ?p ?o }"
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


def test_allow_external_passes_service_on(server):
    answer = Client(server, allow_external=True).get(
        "/query", params={"query": "SELECT * WHERE { SERVICE <http://x/> { ?s ?p ?o } }"}
    )
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


def test_a_server_that_does_not_answer_is_502(client, server):
    server.error = httpx.ConnectError("connection refused")
    answer = client.get("/query", params={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert (answer.status_code, answer.text) == (502, "the SPARQL server did not answer: connection refused")


def test_a_long_answer_is_streamed_whole(server):
    server.chunks = [b"x" * 1000 for _ in range(10)]
    answer = Client(server, buffer=2500).get("/query", params={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert (answer.status_code, len(answer.content)) == (200, 10_000)


def test_a_long_answer_cancelled_at_the_end_never_ends_as_a_whole_200(server):
    server.chunks = [b"x" * 1000 for _ in range(5)] + [CANCELLED]
    with pytest.raises(Truncated, match="cancelled"):
        Client(server, buffer=2500).get("/query", params={"query": "SELECT * WHERE { ?s ?p ?o }"})


# --------------------------------------------------------------------------- the budget and the cache


def test_the_start_budget_refuses_past_its_count_within_its_window(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(proxy_module.time, "monotonic", lambda: now[0])
    budget = StartBudget(2, window=10)
    budget.take()
    now[0] += 4
    budget.take()
    with pytest.raises(Refused) as caught:
        budget.take()
    assert caught.value.status == 503
    assert caught.value.message == "kg serve is busy: 2 queries started in the last 10 s; try again shortly"
    assert caught.value.headers == [(b"retry-after", b"6")]  # the first start leaves the window in 6 s
    now[0] += 6
    budget.take()  # the first start has left the window
    with pytest.raises(Refused):
        budget.take(cost=2)


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
