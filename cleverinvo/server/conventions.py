"""HTTP conventions integrators' tools expect: validators on single resources and Location on creations.

- ``ETag`` on every 200 of a single resource (``/api/v1/<collection>/<id>``, ``/api/v1/account``): a hash of the
  JSON it sends. ``If-None-Match`` with that tag on a GET gives 304 and no body.
- ``If-Match`` on PUT, PATCH and DELETE of a single resource: the request goes ahead only when the resource's
  current tag (or ``*``: it exists) is among those given, else 412 and nothing changes. The current tag is taken
  by reading the resource just before the change; a change landing between that read and this one is not seen.
- ``Location`` on a 201 from a collection (``POST /api/v1/clients`` → ``/api/v1/clients/<id>``).

CORS is Starlette's middleware, set up by ``cors`` from ``CLEVERINVO_CORS_ORIGINS`` (comma-separated origins, or
``*``); without it no cross-origin headers are sent.
"""

import hashlib
import json
import os
import re
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cleverinvo.server.jsonio import error

CORS_VAR = "CLEVERINVO_CORS_ORIGINS"
SINGLE = re.compile(r"^/api/v1/(?:[a-z-]+/[^/]+|account)$")
COLLECTION = re.compile(r"^/api/v1/[a-z-]+$")
EXPOSED = [
    "ETag",
    "Location",
    "Retry-After",
    "Content-Disposition",
    "Idempotent-Replayed",
    "X-RateLimit-Limit",
    "X-RateLimit-Remaining",
    "X-RateLimit-Reset",
    "RateLimit",
    "RateLimit-Policy",
]


def cors() -> list[Middleware]:
    """Starlette's CORS middleware for the origins in ``CLEVERINVO_CORS_ORIGINS``; none when it is not set. It
    answers preflight requests itself, before any key is asked for."""
    origins = [o.strip() for o in os.environ.get(CORS_VAR, "").split(",") if o.strip()]
    if not origins:
        return []
    return [
        Middleware(
            CORSMiddleware,
            allow_origins=origins,
            allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
            allow_headers=["Authorization", "Content-Type", "Idempotency-Key", "If-Match", "If-None-Match"],
            expose_headers=EXPOSED,
            max_age=600,
        )
    ]


def etag_of(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def _tags(header: str) -> set[str]:
    return {tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()}


class _Held:
    """A response held back until its body is complete, then passed to ``finish`` to be sent as it decides. The
    body is forwarded before the application's background task starts (a PDF render never delays the answer)."""

    def __init__(self, send: Send | None, finish: Callable[["_Held", Send], Awaitable[None]] | None = None) -> None:
        self._send = send
        self._finish = finish
        self.start: Message | None = None
        self.body = b""

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.start = message
        elif message["type"] == "http.response.body":
            self.body += message.get("body", b"")
            if not message.get("more_body", False) and self._finish is not None and self._send is not None:
                await self._finish(self, self._send)
        elif self._send is not None:
            await self._send(message)

    @property
    def status(self) -> int:
        return self.start["status"] if self.start else 500

    def header(self, name: bytes) -> bytes | None:
        return dict(self.start["headers"]).get(name) if self.start else None

    async def forward(self, send: Send, extra: list[tuple[bytes, bytes]]) -> None:
        assert self.start is not None
        headers = [(k, v) for k, v in self.start["headers"] if k != b"content-length"]
        headers += [*extra, (b"content-length", str(len(self.body)).encode())]
        await send({**self.start, "headers": headers})
        await send({"type": "http.response.body", "body": self.body})


async def _no_body() -> Message:
    return {"type": "http.request", "body": b"", "more_body": False}


class ConventionsMiddleware:
    """ETag, If-None-Match, If-Match and Location (see the module's docstring); runs after the key check."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method, path = scope["method"], scope["path"]
        headers = dict(scope["headers"])
        if SINGLE.match(path) and method in ("GET", "PUT", "PATCH", "DELETE"):
            await self._single(scope, receive, send, headers)
        elif COLLECTION.match(path) and method == "POST":
            await self._creation(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    async def _single(self, scope: Scope, receive: Receive, send: Send, headers: dict[bytes, bytes]) -> None:
        wanted = headers.get(b"if-match")
        if scope["method"] in ("PUT", "PATCH", "DELETE") and wanted is not None:
            current = _Held(None)
            await self.app({**scope, "method": "GET", "headers": _without_validators(scope)}, _no_body, current.send)
            tags = _tags(wanted.decode("latin-1"))
            if current.status == 200 and not ({"*", etag_of(current.body)} & tags):
                message = "Precondition failed: the resource changed since you read it (If-Match does not match)"
                await error(412, message, {"ETag": etag_of(current.body)})(scope, receive, send)
                return  # (no such resource: the change itself answers 404)
        unless = headers.get(b"if-none-match")

        async def finish(response: _Held, send: Send) -> None:
            json_ok = response.status == 200 and (response.header(b"content-type") or b"").startswith(
                b"application/json"
            )
            if not json_ok or scope["method"] == "HEAD":
                await response.forward(send, [])
                return
            tag = etag_of(response.body)
            if scope["method"] == "GET" and unless and _tags(unless.decode("latin-1")) & {tag, "*"}:
                kept = [(k, v) for k, v in response.start["headers"] if k.startswith((b"x-ratelimit", b"ratelimit"))]
                await send({"type": "http.response.start", "status": 304, "headers": [*kept, (b"etag", tag.encode())]})
                await send({"type": "http.response.body", "body": b""})
                return
            await response.forward(send, [(b"etag", tag.encode())])

        await self.app(scope, receive, _Held(send, finish).send)

    async def _creation(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def finish(response: _Held, send: Send) -> None:
            created = _created_id(response.body) if response.status == 201 else None
            await response.forward(send, [(b"location", f"{scope['path']}/{created}".encode())] if created else [])

        await self.app(scope, receive, _Held(send, finish).send)


def _without_validators(scope: Scope) -> list[tuple[bytes, bytes]]:
    return [(k, v) for k, v in scope["headers"] if k not in (b"if-match", b"if-none-match", b"content-length")]


def _created_id(body: bytes) -> str | None:
    try:
        data: Any = json.loads(body).get("data")
    except (ValueError, AttributeError):
        return None
    created = data.get("id") if isinstance(data, dict) else None
    return created if isinstance(created, str) and re.fullmatch(r"[A-Za-z0-9_-]+", created) else None
