"""The HTTP connection as a server on the internet needs it: uvicorn's h11 protocol with deadlines, a cap, and
a stricter parser.

- A request's headers must arrive within ``HEADER_TIMEOUT`` seconds of its first byte (of the connection, for
  the first request) and its body within ``BODY_TIMEOUT`` seconds of its headers; else the connection gets a 408
  and is closed. Idle keep-alive connections are closed by uvicorn's own ``timeout_keep_alive``. So a client that
  opens hundreds of connections and trickles bytes into them (slowloris) holds each for seconds, not forever.
- At most ``max_connections()`` connections per worker; one more is answered 503 and closed at once, so the
  process never runs out of file descriptors (which asyncio would log once per failed accept).
- A request with both ``Transfer-Encoding`` and ``Content-Length``, or with a header folded over two lines
  (obsolete since RFC 7230), is refused with 400 and the connection closed: a proxy in front may read such a
  request differently, which is what request smuggling is built on. h11 would accept both.

The limits come from the environment (``CLEVERINVO_HEADER_TIMEOUT``, ``CLEVERINVO_BODY_TIMEOUT``,
``CLEVERINVO_MAX_CONNECTIONS``), read when a worker starts.
"""

import asyncio
import functools
import json
import os
import re
import resource
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

HEADER_TIMEOUT = float(os.environ.get("CLEVERINVO_HEADER_TIMEOUT", "10"))
BODY_TIMEOUT = float(os.environ.get("CLEVERINVO_BODY_TIMEOUT", "30"))
MAX_HEADER_BYTES = 16 * 1024
_FOLDED = re.compile(rb"\n[ \t]")


@functools.cache
def max_connections() -> int:
    """``CLEVERINVO_MAX_CONNECTIONS``, else 4,096, and always leaving 128 descriptors under the open-file limit for
    the database, the logs and the render workers."""
    soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    room = soft - 128 if soft != resource.RLIM_INFINITY else 1 << 20
    return max(16, min(int(os.environ.get("CLEVERINVO_MAX_CONNECTIONS", "4096")), room))


def raw_response(status: int, reason: str, message: str, *extra: str) -> bytes:
    """A complete JSON error response that ends the connection, for answers given outside the application."""
    body = json.dumps({"error": message}).encode()
    head = [
        f"HTTP/1.1 {status} {reason}",
        "content-type: application/json",
        f"content-length: {len(body)}",
        "connection: close",
        *extra,
    ]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


class StrictConnection(h11.Connection):
    """h11, refusing the two request forms that smuggling builds on (see the module's docstring)."""

    refusal: str | None = None

    def next_event(self) -> Any:
        if self.their_state is h11.IDLE:
            head = bytes(self._receive_buffer).lstrip(b"\r\n")
            end = head.find(b"\r\n\r\n")
            if _FOLDED.search(head if end < 0 else head[:end]):
                self._refuse("a header is folded over two lines (obsolete line folding)")
        event = super().next_event()
        if isinstance(event, h11.Request):
            names = {name for name, _ in event.headers}
            if b"transfer-encoding" in names and b"content-length" in names:
                self._refuse("both Transfer-Encoding and Content-Length are given")
        return event

    def _refuse(self, why: str) -> None:
        self.refusal = f"Invalid HTTP request: {why}"
        self._process_error(self.their_role)  # as h11 does for its own refusals: only a response may follow
        raise h11.RemoteProtocolError(self.refusal, error_status_hint=400)


class GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with deadlines per request, a connection cap and the strict parser."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.conn = StrictConnection(h11.SERVER, MAX_HEADER_BYTES)
        self._deadline: asyncio.TimerHandle | None = None
        self._waiting_for: str | None = None  # "headers" or "body"
        self._turned_away = False

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        if len(self.connections) >= max_connections():
            self._turned_away = True
            self.transport = transport
            transport.write(
                raw_response(503, "Service Unavailable", "Too many connections; retry shortly", "retry-after: 1")
            )
            transport.write_eof()  # closing outright could reset the connection before the client reads the 503
            self._deadline = self.loop.call_later(1, transport.close)
            return
        super().connection_made(transport)
        self._wait_for("headers", HEADER_TIMEOUT)

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_waiting()
        if not self._turned_away:
            super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._turned_away:
            return
        super().data_received(data)
        self._watch()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._watch()

    def send_400_response(self, msg: str) -> None:
        """The refusal as our JSON error, naming what was wrong when the strict parser knows."""
        self._stop_waiting()
        if not self.transport.is_closing():
            self.transport.write(raw_response(400, "Bad Request", self.conn.refusal or "Invalid HTTP request"))
            self.transport.close()

    def _watch(self) -> None:
        """Arm the deadline that fits the request's state: its headers arriving, its body arriving, or none."""
        if self.transport.is_closing():
            self._stop_waiting()
        elif self.conn.their_state is h11.SEND_BODY:
            self._wait_for("body", BODY_TIMEOUT)
        elif self.conn.their_state is h11.IDLE and (self.conn.trailing_data[0] or self.cycle is None):
            self._wait_for("headers", HEADER_TIMEOUT)  # a request under way, or the connection's first awaited
        else:
            self._stop_waiting()  # a request is being answered; between requests uvicorn's keep-alive applies

    def _wait_for(self, what: str, seconds: float) -> None:
        if self._waiting_for == what:
            return  # the deadline runs from the first byte, not the latest
        self._stop_waiting()
        self._waiting_for = what
        self._deadline = self.loop.call_later(seconds, self._too_slow, what, seconds)

    def _stop_waiting(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
        self._deadline, self._waiting_for = None, None

    def _too_slow(self, what: str, seconds: float) -> None:
        self._deadline, self._waiting_for = None, None
        if self.transport.is_closing():
            return
        if self.cycle is None or not self.cycle.response_started:
            message = f"Request {what} not received within {seconds:g} s"
            self.transport.write(raw_response(408, "Request Timeout", message))
        self.transport.close()
