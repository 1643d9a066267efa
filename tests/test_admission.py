"""kg.admission: the query slots are handed to waiting requests first come first served, passing over the
waits that ended (the client left, the time ran out); a slot is never freed while a request waits.

The queue as kg serve's guard uses it (clients leaving, deadlines, bodies read while waiting) is tested in
tests/test_guard.py.
"""

from __future__ import annotations

import asyncio
import collections
import concurrent.futures
from collections.abc import Awaitable, Callable

from kg.admission import Slots, settle


def _run(scenario: Callable[[], Awaitable[None]]) -> None:
    """Run the scenario in an event loop of its own thread (a browser test of the same worker may hold this one's)."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, asyncio.wait_for(scenario(), 60)).result()


def test_the_slots_are_handed_to_the_waiters_in_order_passing_over_those_whose_wait_ended():
    async def scenario() -> None:
        slots = Slots(1)
        assert slots.take() and not slots.take()  # one slot, now taken
        left, timed_out, first, second = (slots.waiter() for _ in range(4))
        settle(left, False)  # the client left while it waited
        settle(timed_out, None)  # its time ran out
        slots.release()
        assert first.result() is True and not second.done()  # handed over, never freed between
        slots.release()
        assert second.result() is True and slots.free == 0
        slots.release()
        assert slots.free == 1 and slots.take()  # settled waits left behind do not keep a free slot from a newcomer
        ended = slots.waiter()
        settle(ended, None)
        slots.release()
        assert slots.take() and slots.waiters == collections.deque()

    _run(scenario)
