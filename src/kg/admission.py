"""Admission to ``kg serve``'s query slots: the slots, handed over first come first served, and a queued
request's messages read while it waits.

:class:`kg.guard.Guard` admits a request that runs a query when one of a fixed number of slots is free, else
it waits in a bounded queue. A wait is one future (:meth:`Slots.waiter`), which whatever ends it first
settles (:func:`settle`): a slot handed over (:meth:`Slots.release`), the client seen to leave
(:class:`Waiting`, which reads the request's messages while it waits), or the request's deadline.
"""

from __future__ import annotations

import asyncio
import collections
import math
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from kg import limits

#: ASGI's message and receive callable (the guard's other ASGI types are in :mod:`kg.guard`).
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]


class Waiting:
    """A queued request's messages, read as they come so that a client that leaves is seen at once.

    The ASGI server tells an application that its client left only through ``receive``, and
    only when it is called; a request waiting for a slot would otherwise learn it after its
    query ran. So a reader task takes the request's messages while it waits, and the route
    later gets the same messages in order from :meth:`receive`. While
    :data:`kg.limits.SERVE_QUEUED_BODY` bytes of body are held unread, the reader waits (the
    server then stops reading the socket, as it does for any request), so a wait holds no
    more of a body than the server itself buffers for a connection.
    """

    def __init__(self, receive: Receive) -> None:
        self._receive = receive
        self._messages: asyncio.Queue[Message] = asyncio.Queue()
        self._held = 0
        self._resume = asyncio.Event()
        self.gone = asyncio.Event()
        self._admission: asyncio.Future[bool | None] | None = None  # the wait for a slot, while it lasts
        self._reader = asyncio.ensure_future(self._read())

    async def _read(self) -> None:
        while True:
            while self._held >= limits.SERVE_QUEUED_BODY:  # wait until the route has read some of it
                self._resume.clear()
                await self._resume.wait()
            message = await self._receive()
            if message["type"] == "http.request":
                self._held += len(message.get("body", b""))
            self._messages.put_nowait(message)
            if message["type"] == "http.disconnect":
                self.gone.set()
                if self._admission is not None:
                    settle(self._admission, False)
                return

    async def for_slot(self, slots: Slots, deadline: float) -> bool | None:
        """True once a slot is taken; False if the client left first; None if the time ran out first.

        One future is the whole wait (:meth:`Slots.waiter`): a slot handed over, the reader seeing the client
        leave and the deadline's timer each settle it, whichever comes first (two tasks and ``asyncio.wait`` took
        some 80 µs a request, and at 10 clients and 8 slots nearly every request waits a moment).
        """
        admission = slots.waiter()
        if self.gone.is_set():
            settle(admission, False)
        self._admission = admission
        left = deadline - time.monotonic()
        timer = (
            asyncio.get_running_loop().call_later(max(left, 0), settle, admission, None)
            if math.isfinite(left)
            else None
        )
        try:
            admitted = await admission
        except asyncio.CancelledError:
            if admission.done() and not admission.cancelled() and admission.result():
                slots.release()  # handed a slot as the wait was cancelled: given back
            raise
        finally:
            self._admission = None
            if timer is not None:
                timer.cancel()
        if admitted and self.gone.is_set():  # it took a slot at the moment its client left: give the slot back
            slots.release()
            return False
        return admitted

    async def receive(self) -> Message:
        """The request's messages in order, as the route reads them after its admission."""
        if self.gone.is_set() and self._messages.empty():
            return {"type": "http.disconnect"}
        message = await self._messages.get()
        if message["type"] == "http.request":
            self._held -= len(message.get("body", b""))
            self._resume.set()
        return message

    def stop(self) -> None:
        self._reader.cancel()


class Slots:
    """The query slots: one is taken at once while one is free (and so nobody waits), else the request waits for
    one, first come first served. A wait is one future (:meth:`waiter`): :meth:`release` settles the first one
    still waiting with True (the slot handed over); whoever ends a wait otherwise settles it first (False: the
    client left; None: its time ran out), and a settled wait is passed over."""

    def __init__(self, count: int) -> None:
        self.free = count
        self.waiters: collections.deque[asyncio.Future[bool | None]] = collections.deque()

    def take(self) -> bool:
        """Take a free slot at once, if there is one."""
        if self.free <= 0:
            return False
        if self.waiters:  # only waits already settled are left while a slot is free: dropped
            self.waiters = collections.deque(w for w in self.waiters if not w.done())
            if self.waiters:
                return False
        self.free -= 1
        return True

    def waiter(self) -> asyncio.Future[bool | None]:
        waiter: asyncio.Future[bool | None] = asyncio.get_running_loop().create_future()
        self.waiters.append(waiter)
        return waiter

    def release(self) -> None:
        """Give a slot back: to the first request still waiting, else to the free ones."""
        while self.waiters:
            waiter = self.waiters.popleft()
            if not waiter.done():
                waiter.set_result(True)
                return
        self.free += 1


def settle(waiter: asyncio.Future[bool | None], outcome: bool | None) -> None:
    """End a wait for a slot with ``outcome`` (True: a slot handed over; False: the client left; None: its time
    ran out), unless it has ended already."""
    if not waiter.done():
        waiter.set_result(outcome)
