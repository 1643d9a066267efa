"""``/query`` of ``kg serve``: the SPARQL 1.1 Protocol passed on to the Oxigraph child, checked and bounded.

:class:`SparqlProxy` answers a query request (GET, POST of ``application/sparql-query``
or of a form) by:

0. answering a query with a mistake the text shows (an undeclared prefix, an unclosed
   bracket: :mod:`kg.sparql.explain`) with a short 400 in words, as it does Oxigraph's
   parser dump;
1. refusing SERVICE, FROM and Update (the one query policy, :func:`kg.sparql.policy.check_policy`,
   as the Oxigraph server reads the text) unless ``allow_external`` (403);
2. answering from a bounded cache of complete answers when the same request was answered
   before: the store is read-only for the life of ``kg serve``, so an answer cannot change;
3. else passing it on over kept connections to the child (:mod:`kg.child_http`, llhttp's parser: a
   third of aiohttp's CPU per request, which was a quarter of httpx's: BENCHMARKS.md, "kg serve under
   load"), within the seconds left of the request's time limit
   (:func:`kg.guard.remaining`: queueing counts), and within the child's budget of
   queries started per time limit (:class:`kg.start_budget.StartBudget`);
   While the child is being started again after it died (:mod:`kg.supervisor`), or nothing
   listens on its port, the answer is a 503 with ``Retry-After``; a request the child had in
   hand when it died gets a 502 saying so (it may be the request that killed it: no retry is
   invited), but a GET on a kept connection lost before its answer began is sent once more on a
   new connection (as RFC 9112 §9.3.1 allows), finds nothing listening, and is a 503;
   A query Oxigraph has not answered by the time limit is a 504 at once, but its request keeps
   its query slot until Oxigraph ends the query (it looks at its clock only between some steps),
   so the queries computing in Oxigraph stay within the slots; :data:`kg.limits.SERVE_OVERRUN`
   seconds later the supervisor restarts Oxigraph to stop it;
   With a :class:`FirstTry` (``kg serve`` when its limit is longer than
   :data:`kg.limits.SERVE_FIRST_TRY`), the query is first sent to a second Oxigraph process on the same
   store whose own limit is that short, within a budget of its own: Oxigraph's server keeps one thread
   asleep per query for its whole limit, whether the query ended or not (``thread::sleep(timeout)`` in
   its ``evaluate_sparql_query``), so the start budget caps the queries per second at
   ``budget ÷ limit``: 819 a second with a 10 s limit, a tenth of what Oxigraph answers. A query the
   first try cancels (it ended there: its slot is still within the bound), or whose answer is longer
   than the held bytes (it would be streamed, and could be cut at the short limit), or that finds the
   first try's process restarting or its budget spent, runs on the main process with the time left;
   a query that killed the first try's process is answered 502, and one that finds nothing listening
   there 503 (the client's second sending of a GET may be this), never sent on: it could kill the
   main process too. A query that needs more than the short limit thus costs up to that limit more.
   A first try that Oxigraph does not cancel in time (it looks at its clock only between some steps) is
   waited for as on the main process, by the request's limit (its process restarted SERVE_OVERRUN later),
   never also run on the main process, which would compute it twice within one slot;
4. holding the answer up to :data:`kg.limits.SERVE_BUFFER` bytes before the status is sent.
   An answer that ends within the bound is checked whole: one that Oxigraph cancelled
   at its time limit (it ends a ``200`` with "The SPARQL operation has been cancelled")
   becomes a 504, one cut off becomes a 502. A longer answer is streamed; if it is then
   cancelled or cut, the connection is closed before the last chunk, so the client sees
   an incomplete chunked body (an error in every HTTP client), never a ``200`` that looks
   whole. At most ``slots`` answers are held at once (the guard's query slots), so the
   memory they take is bounded by ``slots × SERVE_BUFFER``.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import math
import time
import urllib.parse
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response, StreamingResponse

from kg import limits
from kg.child_http import Answer, ChildClient, ChildError, Lost, NotListening
from kg.errors import QueryError
from kg.guard import Refused, read_text, remaining
from kg.sparql.explain import explain_oxigraph_answer, find_problems, protocol_message
from kg.start_budget import StartBudget

if TYPE_CHECKING:
    from kg.supervisor import Health

#: What Oxigraph's server writes as the last chunk of an answer it cancelled at its time limit.
CANCELLED = b"The SPARQL operation has been cancelled"
#: How many bytes at the end of a streamed answer are held back until the answer ends (to find CANCELLED).
_TAIL = 256
QUERY_TYPES = ("application/sparql-query", "application/x-www-form-urlencoded")
#: The answer to a request whose query the Oxigraph child had when it died (it is restarted meanwhile).
STOPPED = "the SPARQL server behind kg serve stopped while it answered this query; it is being restarted"


class Truncated(Exception):
    """An answer cut after its status was sent: the connection is closed before its last chunk."""


class FirstTry:
    """Where ``/query`` is tried first (see the module docstring): an Oxigraph endpoint with a short time
    limit, its health (:class:`kg.supervisor.Health`) and its :class:`StartBudget`."""

    def __init__(self, endpoint: str, *, health: Health | None = None, budget: StartBudget | None = None) -> None:
        self.endpoint = endpoint
        self.health = health
        self.budget = budget

    def ready(self) -> bool:
        """Whether a query may be tried here now: its process is up and its budget not spent (then one is taken)."""
        if self.health is not None and self.health.restarting() is not None:
            return False
        if self.budget is not None:
            try:
                self.budget.take()
            except Refused:
                return False
        return True


#: Bytes counted for an entry of the cache beyond its key and answer (the Python objects that hold them).
_ENTRY_OVERHEAD = 512


def _size(key: tuple[Any, ...], body: bytes) -> int:
    return _ENTRY_OVERHEAD + len(body) + sum(len(part) for part in key if isinstance(part, (str, bytes)))


class AnswerCache:
    """Complete ``200`` answers by request, least recently used first out, bounded in bytes (keys included)."""

    def __init__(self, max_bytes: int, max_entry: int) -> None:
        self.max_bytes = max_bytes
        self.max_entry = max_entry
        self._entries: collections.OrderedDict[tuple[Any, ...], tuple[str, bytes]] = collections.OrderedDict()
        self._bytes = 0

    def get(self, key: tuple[Any, ...]) -> tuple[str, bytes] | None:
        found = self._entries.get(key)
        if found is not None:
            self._entries.move_to_end(key)
        return found

    def put(self, key: tuple[Any, ...], media: str, body: bytes) -> None:
        size = _size(key, body)
        if size > self.max_entry or key in self._entries:
            return
        self._entries[key] = (media, body)
        self._bytes += size
        while self._bytes > self.max_bytes and self._entries:
            old_key, (_, old) = self._entries.popitem(last=False)
            self._bytes -= _size(old_key, old)


class SparqlProxy:
    """``/query`` (see the module docstring) in front of the Oxigraph endpoint ``endpoint``."""

    def __init__(
        self,
        endpoint: str,
        *,
        timeout: float | None,
        allow_external: bool = False,
        slots: int = limits.SERVE_QUERY_SLOTS,
        buffer: int = limits.SERVE_BUFFER,
        cache_bytes: int = limits.SERVE_CACHE_BYTES,
        budget: StartBudget | None = None,
        health: Health | None = None,
        first_try: FirstTry | None = None,
    ) -> None:
        self.endpoint = endpoint
        self.health = health
        self.first_try = first_try
        self.timeout = timeout
        self.allow_external = allow_external
        self.slots = slots
        self.buffer = buffer
        self.cache = AnswerCache(cache_bytes, max_entry=min(buffer, cache_bytes // 16 or 1))
        self.budget = budget
        self._client: ChildClient | None = None
        self._overruns: set[asyncio.Future[Answer]] = set()  # past their limits, not yet answered

    def client(self) -> ChildClient:
        """The one client, its connections kept (never a proxy from the environment: the child is on loopback;
        the answer passed on as the child wrote it)."""
        if self._client is None:
            self._client = ChildClient(connections=self.slots)
        return self._client

    def _overrun(self, sent: asyncio.Future[Answer], health: Health | None) -> Response:
        """504 at once for a request Oxigraph has not answered by its time limit; the route ends (and its query
        slot is given back) only when Oxigraph answers it, or at :meth:`abandon_overruns`, or
        :data:`~kg.limits.SERVE_OVERRUN` seconds later, when the supervised Oxigraph is restarted to stop the
        query (:meth:`kg.supervisor.Health.ask_restart`)."""
        self._overruns.add(sent)

        async def outlast() -> None:
            try:
                answer = await sent  # its reads are bounded by the limit and SERVE_OVERRUN
            except TimeoutError:  # the query went on past both: only the end of the server stops it
                if health is not None:
                    health.ask_restart()
                return
            except ChildError:
                return
            except asyncio.CancelledError:
                if sent.cancelled():  # abandoned: kg serve is stopping
                    return
                raise
            finally:
                self._overruns.discard(sent)
            answer.close()

        return _timed_out(self.timeout, BackgroundTask(outlast))

    def abandon_overruns(self) -> None:
        """Stop waiting for the queries Oxigraph computes past their limits (their connections are closed), e.g.
        when kg serve stops: its answers are all sent."""
        for sent in list(self._overruns):
            sent.cancel()

    async def close(self) -> None:
        self.abandon_overruns()
        if self._client is not None:
            self._client.close()
            self._client = None

    # ------------------------------------------------------------------ the request

    async def __call__(self, request: Request) -> Response:
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        body = b""
        if request.method == "POST":
            if content_type not in QUERY_TYPES:  # refused before a byte of the body is read
                return PlainTextResponse(
                    "POST a query as application/sparql-query or application/x-www-form-urlencoded", status_code=415
                )
            body = await request.body()
            if content_type == "application/sparql-query":
                text = body.decode("utf-8", "replace")
            else:
                text = (urllib.parse.parse_qs(body.decode("utf-8", "replace")).get("query") or [""])[0]
        else:
            text = request.query_params.get("query", "")
        if not text.strip():
            return PlainTextResponse("no query: give ?query=SPARQL", status_code=400)
        # a Protocol request declares its own prefixes
        problems = await read_text(text, _problems)
        if problems:
            return PlainTextResponse(protocol_message(problems), status_code=400)
        accept = request.headers.get("accept", "*/*")
        query_string = request.scope["query_string"].decode()  # as request.url.query has it, without building a URL
        # HEAD is GET without the body (the server leaves it out): Oxigraph answers a HEAD of /query with a 404
        method = "GET" if request.method == "HEAD" else request.method
        key = (method, query_string, content_type, body, accept)
        cached = self.cache.get(key)
        if cached is not None:  # answered before, so checked before: the store has not changed since
            return Response(cached[1], media_type=cached[0])
        if not self.allow_external:
            try:
                await read_text(text, _check)
            except QueryError as exc:
                return PlainTextResponse(str(exc), status_code=403)
            left = remaining(request.scope, self.timeout)
            if left is not None and left <= 0:
                return _timed_out(self.timeout)
        headers = {"Accept": accept}
        if request.method == "POST":
            headers["Content-Type"] = request.headers.get("content-type", "")
        first = self.first_try
        if first is not None and first.ready():
            tried = await self._forward(
                request, method, (first.endpoint, query_string), headers, body, key, text, first.health, True
            )
            if tried is not None:
                return tried
            left = remaining(request.scope, self.timeout)
            if left is not None and left <= 0:
                return _timed_out(self.timeout)
        if self.health is not None and (wait := self.health.restarting()) is not None:
            return _restarting(wait)
        if self.budget is not None:
            try:
                self.budget.take()
            except Refused as refused:  # answered here: an exception in a route is the site's 500 page
                said = dict(_text(refused.headers))
                return PlainTextResponse(refused.message, status_code=refused.status, headers=said)
        answer = await self._forward(
            request, method, (self.endpoint, query_string), headers, body, key, text, self.health
        )
        assert answer is not None  # only a first try gives none
        return answer

    async def _forward(
        self,
        request: Request,
        method: str,
        target: tuple[str, str],
        headers: dict[str, str],
        body: bytes,
        key: tuple[Any, ...],
        text: str,
        health: Health | None,
        first: bool = False,
    ) -> Response | None:
        """The answer of the Oxigraph at ``target`` (its endpoint and the query string; supervised by ``health``);
        with ``first`` (a first try), None when the query must run on the main process (see the module docstring)."""
        left = remaining(request.scope, self.timeout)
        limit = None if left is None else max(left, 0.001) + limits.SERVE_FORWARD_GRACE
        deadline = math.inf if limit is None else time.monotonic() + limit
        # The client's own bound is `limit` plus the overrun a query may take in Oxigraph past its limit (below);
        # `deadline` bounds the head's wait and the whole answer.
        overrun = None if limit is None else limit + limits.SERVE_OVERRUN
        endpoint, query = target
        sent = asyncio.ensure_future(
            self.client().request(endpoint, method, query, headers, body, head_timeout=overrun)
        )
        try:
            answer = await (sent if limit is None else asyncio.wait_for(asyncio.shield(sent), limit))
        except TimeoutError:
            # Oxigraph computes on until it looks at its clock, which some queries do only between outer rows (a
            # three-way cross product went on for 15-30 s past its limit), closed connection or not. The request
            # keeps its query slot until Oxigraph ends it (at most SERVE_OVERRUN more), so the queries that run in
            # Oxigraph stay within the slots however many time out.
            return self._overrun(sent, health)
        except NotListening as exc:
            # Nothing listens: not sent on to the main process when it is a first try's, for the client sends a
            # GET once more on a new connection when its kept one is lost, and this request may have killed it.
            if health is not None:  # nothing listens: the supervised child has died and is restarting
                return _restarting(health.restarting() or 1)
            return PlainTextResponse(f"the SPARQL server did not answer: {_reason(exc)}", status_code=502)
        except Lost:  # it died with this request in hand
            return PlainTextResponse(STOPPED, status_code=502)  # (maybe the request killed it: no Retry-After)
        except ChildError as exc:
            return PlainTextResponse(f"the SPARQL server did not answer: {_reason(exc)}", status_code=502)
        media = answer.headers.get("content-type", "application/octet-stream")
        head = bytearray()
        try:
            while len(head) <= self.buffer:
                chunk = await _next(answer, deadline)
                if chunk is None:  # the whole answer is here: check it before the status goes
                    answer.release()
                    whole = bytes(head)
                    if answer.status == 200 and whole.endswith(CANCELLED):
                        return None if first else _timed_out(self.timeout)  # a first try's query has ended
                    if answer.status == 200:
                        self.cache.put(key, media, whole)
                    explained = explain_oxigraph_answer(text, whole) if answer.status == 400 else None
                    if explained is not None:  # Oxigraph's parser dump: what is wrong, where, in a few words
                        return PlainTextResponse(explained, status_code=400)
                    return Response(whole, status_code=answer.status, media_type=media)
                head += chunk
        except TimeoutError:
            answer.close()
            return _timed_out(self.timeout)
        except Lost:
            answer.close()
            return PlainTextResponse(STOPPED, status_code=502)
        except ChildError as exc:
            answer.close()
            return PlainTextResponse(f"the SPARQL server's answer was cut: {_reason(exc)}", status_code=502)
        if first:  # streamed from the first try, it could be cut at its short limit: the main process answers
            answer.close()
            return None
        # Longer than the bound: streamed, the last bytes held until the end shows it whole.
        rest = _rest(answer, head, deadline)
        return StreamingResponse(rest, status_code=answer.status, media_type=media)


def page_start(request: Request) -> Response | None:
    """For a page that runs a query on the Oxigraph child (a question, the ad-hoc page), a start taken from the
    budget of ``/query``'s proxy (``request.app.state.proxy``), or else the 503 with ``Retry-After`` that ``/query``
    would give: their queries keep a thread asleep in Oxigraph for the whole limit too (they run on the main
    process), and pages that take none would let a flood of distinct questions past the bound."""
    budget = getattr(getattr(request.app.state, "proxy", None), "budget", None)
    if budget is None:
        return None
    try:
        budget.take()
    except Refused as refused:
        return PlainTextResponse(refused.message, status_code=refused.status, headers=dict(_text(refused.headers)))
    return None


def _text(headers: list[tuple[bytes, bytes]]) -> list[tuple[str, str]]:
    return [(name.decode("latin-1"), value.decode("latin-1")) for name, value in headers]


def _reason(exc: BaseException) -> str:
    """An exception of the client in a few words (its message, else its kind)."""
    return str(exc) or type(exc).__name__


def _problems(text: str) -> list[Any]:
    """The mistakes the text shows (:func:`~kg.sparql.explain.find_problems`; a Protocol request declares its own
    prefixes), its bounds read first: the bounds' reading (:func:`kg.sparql.policy.check_bounds`, which the policy
    needs next) tokenizes the text and keeps its tokens for the text's one reading, which the mistakes read, so a new
    text is tokenized once, not twice. A text past the bounds is refused by the policy after this (403), unless it
    shows a mistake (400, as before: a mismatched bracket nested too deep is placed)."""
    from kg.sparql.policy import check_bounds
    from kg.sparql.syntax import Query

    with contextlib.suppress(QueryError):
        check_bounds(Query("<request>", text))  # its verdict is kept for the policy
    return find_problems(text, project_prefixes=False)


def _check(text: str) -> None:
    """The one query policy, decided as the Oxigraph server reads the text (SERVICE, FROM, Update refused)."""
    from kg.sparql.policy import check_policy
    from kg.sparql.syntax import Query

    check_policy(Query("<request>", text), allow_external=False, parser="oxigraph")


def _restarting(wait: int) -> Response:
    """503 while the Oxigraph child is started again (:mod:`kg.supervisor`), with ``Retry-After``."""
    return PlainTextResponse(
        f"the SPARQL server behind kg serve stopped and is restarting; try again in {wait} s",
        status_code=503,
        headers={"Retry-After": str(wait)},
    )


def _timed_out(timeout: float | None, background: BackgroundTask | None = None) -> Response:
    limit = f" of {timeout:g} s" if timeout else ""
    said = f"the query ran past its time limit{limit} (kg serve --timeout)"
    headers = {"Connection": "close"} if background is not None else None  # its next request: another connection
    return PlainTextResponse(said, status_code=504, headers=headers, background=background)


async def _next(answer: Answer, deadline: float) -> bytes | None:
    """The next bytes of an answer, if they come before ``deadline`` (else TimeoutError); None at its end."""
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError
    if math.isinf(left) or answer.ready():  # no wait: no timer (a short answer comes with its head)
        return await answer.read()
    async with asyncio.timeout(left):
        return await answer.read()


async def _rest(answer: Answer, head: bytearray, deadline: float) -> AsyncIterator[bytes]:
    """The streamed answer: ``head``, then the rest, keeping the last bytes back until the end is seen whole.

    A cancelled, cut or late answer raises :class:`Truncated` instead of its last chunk.
    """
    pending = head
    whole = False
    try:
        while True:
            try:
                chunk = await _next(answer, deadline)
            except TimeoutError:
                raise Truncated("past the time limit") from None
            except ChildError as exc:
                raise Truncated(f"the SPARQL server's answer was cut: {_reason(exc)}") from None
            if chunk is None:
                if pending.endswith(CANCELLED):
                    raise Truncated("cancelled by the SPARQL server at its time limit")
                whole = True
                yield bytes(pending)
                return
            pending += chunk
            if len(pending) > _TAIL:
                yield bytes(pending[:-_TAIL])
                del pending[:-_TAIL]
    finally:
        if whole:
            answer.release()  # read to its end: the connection goes back to the pool
        else:
            answer.close()  # left mid-answer: the connection is not reused
