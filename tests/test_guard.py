"""kg.guard's admission, in process: slots, the queue, its deadline, and clients that leave while they wait.

The application behind the guard is a small ASGI app of the test's own that records what it
was asked and holds its slot until the test lets it go; each client is a pair of ASGI
``receive``/``send`` callables whose messages the test chooses (the body in chunks, then a
disconnect when the client "leaves"). No sockets and no sleeps: every wait is an event.
The guard over real sockets is tested in tests/hostile/test_hostile_http.py.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from kg import limits
from kg.guard import DEADLINE, Guard, Policy

WAIT = 30.0  # seconds the test waits for an event that must come (far above need)


class App:
    """Records each request, reads its whole body, and holds its slot until released (by path)."""

    def __init__(self) -> None:
        self.started: list[str] = []
        self.bodies: dict[str, bytes] = {}
        self.release: dict[str, asyncio.Event] = {}
        self.running: dict[str, asyncio.Event] = {}

    def gate(self, path: str) -> None:
        self.release[path] = asyncio.Event()
        self.running[path] = asyncio.Event()

    async def __call__(self, scope: dict[str, Any], receive: Callable[[], Awaitable[dict]], send) -> None:
        path = scope["path"]
        self.started.append(path)
        body = b""
        while True:
            message = await receive()
            assert message["type"] == "http.request", message
            body += message.get("body", b"")
            if not message.get("more_body", False):
                break
        self.bodies[path] = body
        if path in self.running:
            self.running[path].set()
            await asyncio.wait_for(self.release[path].wait(), WAIT)
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
        await send({"type": "http.response.body", "body": b"ok " + path.encode()})


class Client:
    """One request: its body comes in the chunks given; ``leave()`` makes the next receive a disconnect."""

    def __init__(self, path: str, chunks: list[bytes] | None = None, method: str = "GET", *, cut: bool = False) -> None:
        self.scope = {
            "type": "http",
            "method": method,
            "path": path,
            "headers": [(b"host", b"127.0.0.1:7878")],
        }
        self._chunks = list(chunks or [b""])
        self._total = len(self._chunks)
        self._cut = cut  # the body is announced longer than the chunks: the client leaves before the rest
        self._left = asyncio.Event()
        self.receives = 0
        self.sent: list[dict[str, Any]] = []

    async def receive(self) -> dict[str, Any]:
        self.receives += 1
        if self._chunks:
            body = self._chunks.pop(0)
            return {"type": "http.request", "body": body, "more_body": bool(self._chunks) or self._cut}
        await self._left.wait()  # as a server does: the next message is the disconnect, when it comes
        return {"type": "http.disconnect"}

    async def send(self, message: dict[str, Any]) -> None:
        self.sent.append(message)

    @property
    def read(self) -> int:
        """How many body chunks the server side has taken."""
        return self._total - len(self._chunks)

    def leave(self) -> None:
        self._left.set()

    @property
    def status(self) -> int | None:
        return next((m["status"] for m in self.sent if m["type"] == "http.response.start"), None)


def _guard(app: App, **policy: Any) -> Guard:
    return Guard(app, Policy(hosts=frozenset({"127.0.0.1"}), port=7878, **policy))


async def _until(condition: Callable[[], bool]) -> None:
    """Let the event loop run until ``condition`` holds (each turn runs every ready task once)."""
    for _ in range(10_000):
        if condition():
            return
        await asyncio.sleep(0)  # yields one turn of the loop: not a timed wait
    raise AssertionError("the condition never held")


def _run(test: Callable[[], Awaitable[None]]) -> None:
    """Run the scenario in an event loop of its own thread (a browser test of the same worker may hold this one's)."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, asyncio.wait_for(test(), WAIT)).result()


def test_a_client_that_leaves_the_queue_never_starts_its_query_and_frees_its_place():
    async def scenario() -> None:
        app = App()
        app.gate("/first")
        guard = _guard(app, slots=1, queue=1, timeout=None)
        first, leaver, third = Client("/first"), Client("/leaver"), Client("/third")
        running = asyncio.ensure_future(guard(first.scope, first.receive, first.send))
        await asyncio.wait_for(app.running["/first"].wait(), WAIT)
        waiting = asyncio.ensure_future(guard(leaver.scope, leaver.receive, leaver.send))
        await _until(lambda: guard._waiting == 1)
        leaver.leave()
        await asyncio.wait_for(waiting, WAIT)  # it returns at once, while the slot is still taken
        assert guard._waiting == 0 and not running.done()
        # its place in the queue (of one) is free again: a third request waits instead of a 503
        queued = asyncio.ensure_future(guard(third.scope, third.receive, third.send))
        await _until(lambda: guard._waiting == 1)
        app.release["/first"].set()
        await asyncio.wait_for(asyncio.gather(running, queued), WAIT)
        assert app.started == ["/first", "/third"]
        assert leaver.sent == []  # nothing to send to a client that has gone
        assert first.status == 200 and third.status == 200

    _run(scenario)


@pytest.mark.parametrize(
    "chunks",
    [
        [b"query=ASK%7B%7D"],
        [b"query=", b"ASK", b"%7B%7D"],
        [b"x" * 40_000, b"y" * 40_000, b"z" * 40_000],  # more than the guard holds while it waits
        [b""],
    ],
    ids=["one-chunk", "three-chunks", "over-the-held-bound", "no-body"],
)
def test_a_queued_request_gets_its_whole_body_in_order_once_admitted(chunks):
    async def scenario() -> None:
        app = App()
        app.gate("/first")
        guard = _guard(app, slots=1, queue=4, timeout=None)
        first, second = Client("/first"), Client("/second", chunks, method="POST")
        running = asyncio.ensure_future(guard(first.scope, first.receive, first.send))
        await asyncio.wait_for(app.running["/first"].wait(), WAIT)
        queued = asyncio.ensure_future(guard(second.scope, second.receive, second.send))
        await _until(lambda: guard._waiting == 1)
        for _ in range(50):  # the reader has had every chance to read more than it may hold
            await asyncio.sleep(0)
        held = sum(len(c) for c in chunks[: second.read])
        if sum(map(len, chunks)) <= limits.SERVE_QUEUED_BODY:  # all of it, and it waits for a disconnect
            assert second.read == len(chunks) and second.receives == len(chunks) + 1
        else:  # it stopped at the bound: the chunk that passed it was the last one taken
            assert held >= limits.SERVE_QUEUED_BODY > held - len(chunks[second.read - 1])
            assert second.read < len(chunks)
        app.release["/first"].set()
        await asyncio.wait_for(asyncio.gather(running, queued), WAIT)
        assert app.bodies["/second"] == b"".join(chunks)
        assert second.status == 200

    _run(scenario)


def test_a_request_whose_time_runs_out_in_the_queue_is_503_with_retry_after_and_never_runs():
    async def scenario() -> None:
        app = App()
        app.gate("/first")
        guard = _guard(app, slots=1, queue=1, timeout=None, retry_after=3)
        first, late = Client("/first"), Client("/late")
        running = asyncio.ensure_future(guard(first.scope, first.receive, first.send))
        await asyncio.wait_for(app.running["/first"].wait(), WAIT)
        guard.policy.timeout = 0.05  # the late request's deadline, from its arrival
        await asyncio.wait_for(guard(late.scope, late.receive, late.send), WAIT)
        assert late.status == 503
        headers = dict(late.sent[0]["headers"])
        assert headers[b"retry-after"] == b"3"
        assert DEADLINE in late.scope["state"]
        app.release["/first"].set()
        await asyncio.wait_for(running, WAIT)
        assert app.started == ["/first"]

    _run(scenario)


def test_a_full_queue_is_503_at_once_and_the_waiting_ones_still_run():
    async def scenario() -> None:
        app = App()
        app.gate("/first")
        guard = _guard(app, slots=1, queue=2, timeout=None)
        first = Client("/first")
        waiting = [Client(f"/w{i}") for i in range(2)]
        extra = Client("/extra")
        running = asyncio.ensure_future(guard(first.scope, first.receive, first.send))
        await asyncio.wait_for(app.running["/first"].wait(), WAIT)
        queued = [asyncio.ensure_future(guard(c.scope, c.receive, c.send)) for c in waiting]
        await _until(lambda: guard._waiting == 2)
        await asyncio.wait_for(guard(extra.scope, extra.receive, extra.send), WAIT)
        assert extra.status == 503
        app.release["/first"].set()
        await asyncio.wait_for(asyncio.gather(running, *queued), WAIT)
        assert app.started == ["/first", "/w0", "/w1"]
        assert [c.status for c in waiting] == [200, 200]

    _run(scenario)


def test_a_client_that_leaves_mid_body_while_queued_frees_its_place_and_runs_nothing():
    async def scenario() -> None:
        app = App()
        app.gate("/first")
        guard = _guard(app, slots=1, queue=1, timeout=None)
        first = Client("/first")
        cut = Client("/cut", [b"query=", b"ASK"], method="POST", cut=True)
        running = asyncio.ensure_future(guard(first.scope, first.receive, first.send))
        await asyncio.wait_for(app.running["/first"].wait(), WAIT)
        waiting = asyncio.ensure_future(guard(cut.scope, cut.receive, cut.send))
        await _until(lambda: guard._waiting == 1 and cut.read == 2)
        cut.leave()
        await asyncio.wait_for(waiting, WAIT)
        assert guard._waiting == 0
        app.release["/first"].set()
        await asyncio.wait_for(running, WAIT)
        assert app.started == ["/first"] and cut.sent == []

    _run(scenario)


def test_pages_that_run_no_query_pass_a_full_house():
    async def scenario() -> None:
        app = App()
        app.gate("/first")
        guard = _guard(app, slots=1, queue=0, timeout=None)
        first, home = Client("/first"), Client("/")
        running = asyncio.ensure_future(guard(first.scope, first.receive, first.send))
        await asyncio.wait_for(app.running["/first"].wait(), WAIT)
        await asyncio.wait_for(guard(home.scope, home.receive, home.send), WAIT)
        assert home.status == 200
        app.release["/first"].set()
        await asyncio.wait_for(running, WAIT)

    _run(scenario)


def test_a_long_text_is_read_off_the_event_loop_a_short_one_on_it():
    """kg serve's readers of a request's query text (mistakes, policy): a text past SERVE_INLINE_TEXT characters
    is read in a worker thread, so a hostile 1 MiB text does not hold every other request."""
    import asyncio
    import threading

    from kg import limits
    from kg.guard import read_text

    def where(text: str, tag: str) -> tuple[str, int, str]:
        return threading.current_thread().name, len(text), tag

    async def both() -> tuple[tuple, tuple, str]:
        loop = threading.current_thread().name
        short = await read_text("x" * limits.SERVE_INLINE_TEXT, where, tag="short")
        long = await read_text("x" * (limits.SERVE_INLINE_TEXT + 1), where, tag="long")
        return short, long, loop

    result: list = []
    worker = threading.Thread(target=lambda: result.append(asyncio.run(both())))  # a loop of its own
    worker.start()
    worker.join(60)
    (short, long, loop) = result[0]
    assert short == (loop, limits.SERVE_INLINE_TEXT, "short")
    assert long[0] != loop and long[1:] == (limits.SERVE_INLINE_TEXT + 1, "long")


def test_a_wait_cancelled_when_it_was_handed_a_slot_gives_the_slot_back():
    async def scenario() -> None:
        app = App()
        app.gate("/first")
        guard = _guard(app, slots=1, queue=2, timeout=None)
        first, cancelled, after = Client("/first"), Client("/cancelled"), Client("/after")
        running = asyncio.ensure_future(guard(first.scope, first.receive, first.send))
        await asyncio.wait_for(app.running["/first"].wait(), WAIT)
        waiting = asyncio.ensure_future(guard(cancelled.scope, cancelled.receive, cancelled.send))
        await _until(lambda: guard._waiting == 1)
        app.release["/first"].set()
        await _until(lambda: guard._slots.free == 0 and not guard._slots.waiters)  # handed over to the waiting one
        waiting.cancel()  # as the server's shutdown cancels a request, before it ran
        await asyncio.wait_for(asyncio.gather(running, waiting, return_exceptions=True), WAIT)
        await asyncio.wait_for(guard(after.scope, after.receive, after.send), WAIT)
        assert after.status == 200 and "/after" in app.started

    _run(scenario)
