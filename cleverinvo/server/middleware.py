"""ASGI middleware: the access log, and API-key authentication with the per-key rate limit."""

import logging
import time
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cleverinvo.core import AuthenticationError, CleverInvo
from cleverinvo.core.access.ratelimit import Limiter, RateDecision
from cleverinvo.core.records import KeyIdentity
from cleverinvo.server.jsonio import error

access_log = logging.getLogger("cleverinvo.access")
PUBLIC_PATHS = frozenset({"/healthz", "/api/v1/openapi.json"})


class AccessLogMiddleware:
    """One line per request: method, path, status, milliseconds and the key's first 12 characters."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_logged(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_logged)
        finally:
            identity = scope.get("state", {}).get("identity")
            access_log.info(
                "%s %s %d %.1fms key=%s",
                scope["method"],
                scope["path"],
                status,
                (time.perf_counter() - started) * 1000,
                identity.prefix if identity else "-",
            )


def rate_headers(decision: RateDecision) -> dict[str, str]:
    """The limit and what remains, in the widespread form and in the IETF httpapi draft's form."""
    return {
        "X-RateLimit-Limit": str(decision.limit),
        "X-RateLimit-Remaining": str(decision.remaining),
        "X-RateLimit-Reset": str(decision.reset_seconds),
        "RateLimit-Policy": f'"default";q={decision.limit};w={decision.window_seconds}',
        "RateLimit": f'"default";r={decision.remaining};t={decision.reset_seconds}',
    }


class ApiKeyMiddleware:
    """``Authorization: Bearer cinv_…`` on every API path but the public ones, then the key's rate limit."""

    def __init__(self, app: ASGIApp, limiter: Limiter) -> None:
        self.app = app
        self.limiter = limiter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in PUBLIC_PATHS:
            await self.app(scope, receive, send)
            return
        ci: CleverInvo = scope["app"].state.ci
        header = dict(scope["headers"]).get(b"authorization", b"").decode("latin-1")
        scheme, _, key = header.partition(" ")
        if not header:
            await error(401, "Missing API key: send Authorization: Bearer cinv_…")(scope, receive, send)
            return
        if scheme.lower() != "bearer":
            await error(401, "Invalid API key")(scope, receive, send)
            return

        def admit() -> tuple[KeyIdentity, RateDecision]:
            """Verify the key and spend its token, in a worker thread: both may wait on the database."""
            identity = ci.verify_key(key.strip())
            return identity, self.limiter.take(identity.key_id)

        try:
            identity, decision = await run_in_threadpool(admit)
        except AuthenticationError as exc:
            await error(401, exc.message)(scope, receive, send)
            return
        scope.setdefault("state", {})["identity"] = identity
        headers = rate_headers(decision)
        if not decision.allowed:
            headers["Retry-After"] = str(decision.retry_after)
            message = f"Rate limit exceeded: {decision.limit} requests per minute; retry in {decision.retry_after} s"
            await error(429, message, headers)(scope, receive, send)
            return

        async def send_with_limits(message: Message) -> Any:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message).update(headers)
            await send(message)

        await self.app(scope, receive, send_with_limits)
