"""The HTTP connection as a server on the internet needs it: uvicorn's httptools protocol (llhttp) with deadlines,
a cap, and a limit on the size of a request's head.

- A request's headers must arrive within ``HEADER_TIMEOUT`` seconds of its first byte (of the connection, for
  the first request) and its body within ``BODY_TIMEOUT`` seconds of its headers; else the connection gets a 408
  and is closed. Idle keep-alive connections are closed by uvicorn's own ``timeout_keep_alive``. So a client that
  opens hundreds of connections and trickles bytes into them (slowloris) holds each for seconds, not forever.
- At most ``max_connections()`` connections per worker; one more is answered 503 and closed at once, so the
  process never runs out of file descriptors (which asyncio would log once per failed accept).
- A request's head (request line and headers) may not exceed ``MAX_HEADER_BYTES``: a larger one is answered 431
  and the connection closed. llhttp has no limit of its own.
- A request llhttp cannot read is refused with 400, naming llhttp's reason, and the connection closed; nothing
  sent after it on the connection is answered. That covers the request forms that smuggling is built on, which a
  proxy in front may read differently: both ``Transfer-Encoding`` and ``Content-Length``, a header folded over two
  lines (obsolete since RFC 7230), a repeated ``Content-Length``, bare LF line ends. llhttp refuses them all in its
  strict mode, uvicorn's default (it only allows data after ``Connection: close``, which is never read).

The limits come from the environment (``CLEVERINVO_HEADER_TIMEOUT``, ``CLEVERINVO_BODY_TIMEOUT``,
``CLEVERINVO_MAX_CONNECTIONS``), read when a worker starts.
"""

import asyncio
import functools
import json
import os
import resource
import sys
from typing import Any, Literal

import httptools
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

HEADER_TIMEOUT = float(os.environ.get("CLEVERINVO_HEADER_TIMEOUT", "10"))
BODY_TIMEOUT = float(os.environ.get("CLEVERINVO_BODY_TIMEOUT", "30"))
MAX_HEADER_BYTES = 16 * 1024

Part = Literal["headers", "body"]


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


INVALID = raw_response(400, "Bad Request", "Invalid HTTP request")
HEAD_TOO_LARGE = raw_response(
    431, "Request Header Fields Too Large", f"Request headers larger than {MAX_HEADER_BYTES // 1024} KiB"
)


class HeadTooLarge(Exception):
    """Raised in a parser callback to stop llhttp on a head over ``MAX_HEADER_BYTES``."""


class GuardedHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with deadlines per request, a connection cap and a head size limit."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._deadline: asyncio.TimerHandle | None = None
        self._waiting_for: Part | None = None
        self._turned_away = False
        self._reading: Part | None = None  # the part of a request llhttp is in, None between requests
        self._head_bytes = 0  # of the head under way, counted in whole reads that ended inside it
        self._ended_in_read = False  # a request's last byte was in the read being parsed

    # The connection cap

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

    # Reading: where llhttp is in a request, and how large its head has grown

    def data_received(self, data: bytes) -> None:
        if self._turned_away:
            return
        self._ended_in_read = False
        super().data_received(data)
        if self._reading == "headers" and not self._ended_in_read:
            # The whole read is part of a head still incomplete (but for blank lines before it). A head that began
            # after another request ended in the same read is counted from its next read, or in full once complete.
            self._head_bytes += len(data)
            if self._head_bytes > MAX_HEADER_BYTES:
                self._refuse(HEAD_TOO_LARGE)
                return
        self._watch(arrived=True)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._reading, self._head_bytes = "headers", 0

    def on_headers_complete(self) -> None:
        if len(self.url) + sum(len(name) + len(value) + 4 for name, value in self.headers) > MAX_HEADER_BYTES:
            raise HeadTooLarge  # llhttp stops, and uvicorn calls send_400_response
        self._reading = "body"
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self._reading, self._ended_in_read = None, True

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._watch(arrived=False)

    def send_400_response(self, msg: str) -> None:
        """A request llhttp refused, as our JSON error with llhttp's reason; called while its error is handled."""
        error = sys.exception()
        if isinstance(error, httptools.HttpParserCallbackError):
            self._refuse(HEAD_TOO_LARGE if isinstance(error.__context__, HeadTooLarge) else INVALID)
        else:
            self._refuse(raw_response(400, "Bad Request", f"Invalid HTTP request: {error}"))

    def _refuse(self, response: bytes) -> None:
        self._stop_waiting()
        if not self.transport.is_closing():
            self.transport.write(response)
            self.transport.close()

    # The deadlines

    def _watch(self, arrived: bool) -> None:
        """Arm the deadline that fits the request's state: its headers arriving, its body arriving, or none."""
        idle = self.cycle is None or self.cycle.response_complete  # no response under way or queued
        if self.transport.is_closing():
            self._stop_waiting()
        elif self._reading == "body":
            self._wait_for("body", BODY_TIMEOUT)
        elif idle and (self._reading == "headers" or arrived):
            self._wait_for("headers", HEADER_TIMEOUT)  # a request under way (or blank lines before one)
        else:
            self._stop_waiting()  # a request is being answered; between requests uvicorn's keep-alive applies

    def _wait_for(self, part: Part, seconds: float) -> None:
        if self._waiting_for == part:
            return  # the deadline runs from the first byte, not the latest
        self._stop_waiting()
        self._waiting_for = part
        self._deadline = self.loop.call_later(seconds, self._too_slow, part, seconds)

    def _stop_waiting(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
        self._deadline, self._waiting_for = None, None

    def _too_slow(self, part: Part, seconds: float) -> None:
        self._deadline, self._waiting_for = None, None
        if self.transport.is_closing():
            return
        if part == "headers" or not self.cycle.response_started:  # else a 408 would follow a response's bytes
            message = f"Request {part} not received within {seconds:g} s"
            self.transport.write(raw_response(408, "Request Timeout", message))
        self.transport.close()
