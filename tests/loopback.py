"""Loopback tripwires and fake endpoints for the tests: 127.0.0.1, free ports, no sleeps as waits.

:class:`Tripwire` records every connection made to it (and what was sent), so a
test can assert that nothing was contacted; :class:`FakeEndpoint` answers every
request with a canned status, headers and body, optionally one byte at a time.
"""

from __future__ import annotations

import contextlib
import os
import select
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Tripwire:
    """A TCP listener on a free loopback port; ``contacted`` lists the first bytes of every connection."""

    def __init__(self) -> None:
        self.contacted: list[bytes] = []
        self._socket = socket.socket()
        self._socket.bind(("127.0.0.1", 0))
        self._socket.listen(16)
        self._socket.settimeout(0.1)
        self.port = self._socket.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/"
        # close() wakes the listening thread through this pipe: it waited in accept() for up to 0.1 s before
        # (about 0.06 s at each test's end, 49 tests)
        self._wake, self._woken = os.pipe()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while True:
            ready, _, _ = select.select([self._socket, self._wake], [], [])
            if self._wake in ready:
                return
            try:
                connection, _ = self._socket.accept()
            except OSError:
                continue
            with connection:
                connection.settimeout(1)
                try:
                    self.contacted.append(connection.recv(1024) or b"(connected)")
                except OSError:
                    self.contacted.append(b"(connected)")

    def close(self) -> list[bytes]:
        """Stop listening, after taking any connection still waiting in the backlog; what was contacted."""
        os.write(self._woken, b"x")
        self._thread.join(5)
        os.close(self._wake)
        os.close(self._woken)
        self._socket.setblocking(False)
        with contextlib.suppress(BlockingIOError):
            while True:
                connection, _ = self._socket.accept()
                connection.close()
                self.contacted.append(b"(connected, in the backlog)")
        self._socket.close()
        return self.contacted


@dataclass
class FakeEndpoint:
    """A canned answer for every request, and the requests seen: (method, path, headers, body)."""

    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    drip: float = 0.0  # seconds between single bytes of the body (0: all at once)
    seen: list[tuple[str, str, dict[str, str], bytes]] = field(default_factory=list)
    url: str = ""

    def start(self) -> FakeEndpoint:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                fake.seen.append((self.command, self.path, dict(self.headers), body))
                self.send_response(fake.status)
                for name, value in fake.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(fake.body)))
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    if not fake.drip:
                        self.wfile.write(fake.body)
                        return
                    for i in range(len(fake.body)):
                        self.wfile.write(fake.body[i : i + 1])
                        self.wfile.flush()
                        time.sleep(fake.drip)  # the attack itself: a slow sender, not a wait

            do_GET = do_POST = do_PUT = answer

            def log_message(self, *args: object) -> None:
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        # poll_interval: how long stop() may wait for the serving loop to see it (0.05 s: ~0.03 s a test, 58 tests)
        threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True).start()
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}/sparql"
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


def snapshot(folder) -> dict[str, bytes]:
    """Every file under ``folder`` (relative path → bytes), hidden temporaries included."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}
