"""ASGI middleware: the access log, and API-key authentication with the per-key rate limit."""

import asyncio
import logging
import time
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cleverinvo.core import AuthenticationError, CleverInvo, TooManyAttempts, unavailable
from cleverinvo.core.access.ratelimit import Limiter, RateDecision
from cleverinvo.core.records import KeyIdentity
from cleverinvo.server.jsonio import error

access_log = logging.getLogger("cleverinvo.access")
PUBLIC_PATHS = frozenset({"/healthz", "/api/v1/openapi.json"})
PUBLIC_PREFIXES = ("/view/",)  # the public view pages, opened by their token alone


def logged_path(path: str) -> str:
    """The path as the access log shows it: a view page's token left out, since it alone opens the page."""
    if not path.startswith("/view/"):
        return path
    _token, slash, rest = path.removeprefix("/view/").partition("/")
    return f"/view/…{slash}{rest}"


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
                logged_path(scope["path"]),
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
    """``Authorization: Bearer cinv_…`` on every API path but the public ones, then the key's rate limit.

    A key checked recently is answered on the event loop from the core's memory, and so is the rate limit when its
    buckets are in memory: a known key costs no thread hop. Anything else (a cold key, a key due for its
    revocation re-check, buckets shared through a file or a database) runs in a worker thread.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._refreshing: set[asyncio.Task[None]] = set()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in PUBLIC_PATHS or scope["path"].startswith(PUBLIC_PREFIXES):
            await self.app(scope, receive, send)
            return
        ci: CleverInvo = scope["app"].state.ci
        header = dict(scope["headers"]).get(b"authorization", b"").decode("latin-1")
        scheme, _, key = header.partition(" ")
        key = key.strip()
        if not header:
            await unauthorized("Missing API key: send Authorization: Bearer cinv_…")(scope, receive, send)
            return
        if scheme.lower() != "bearer":
            await unauthorized("Invalid API key")(scope, receive, send)
            return
        client = scope.get("client")
        try:
            identity = await self._identity(ci, key, client[0] if client else None)
        except AuthenticationError as exc:
            await unauthorized(exc.message)(scope, receive, send)
            return
        except TooManyAttempts as exc:
            await error(429, exc.message, {"Retry-After": str(exc.retry_after)})(scope, receive, send)
            return
        except Exception as exc:
            fault = unavailable(exc)
            if fault is None:
                raise
            access_log.warning(
                "503 checking a key on %s: %s (%s: %s)", scope["path"], fault.message, type(exc).__name__, exc
            )
            await error(503, fault.message, {"Retry-After": str(fault.retry_after)})(scope, receive, send)
            return
        limiter: Limiter = scope["app"].state.limiter  # chosen when the database was opened
        if limiter.blocking:
            decision = await run_in_threadpool(limiter.take, identity.key_id)
        else:
            decision = limiter.take(identity.key_id)
        scope.setdefault("state", {})["identity"] = identity
        headers = rate_headers(decision)
        if not decision.allowed:
            headers["Retry-After"] = str(decision.retry_after)
            message = f"Rate limit exceeded: {decision.limit} requests per minute; retry in {decision.retry_after} s"
            await error(429, message, headers)(scope, receive, send)
            return

        limits = [(name.lower().encode(), value.encode()) for name, value in headers.items()]

        async def send_with_limits(message: Message) -> Any:
            if message["type"] == "http.response.start":  # no view sets these: appended, not looked for
                message["headers"] = [*message.get("headers", ()), *limits]
            await send(message)

        await self.app(scope, receive, send_with_limits)

    async def _identity(self, ci: CleverInvo, key: str, source: str | None) -> KeyIdentity:
        """From memory when the key is known (renewing it in the background when due), else a full check."""
        hit = ci.cached_key(key)
        if hit is None:
            return await run_in_threadpool(ci.verify_key, key, source)
        if hit.refresh:
            task = asyncio.get_running_loop().create_task(self._refresh(ci, key))
            self._refreshing.add(task)
            task.add_done_callback(self._refreshing.discard)
        return hit.identity

    @staticmethod
    async def _refresh(ci: CleverInvo, key: str) -> None:
        """Re-check a cached key ahead of its expiry; a revoked key leaves the cache, a failure is retried later."""
        try:
            await run_in_threadpool(ci.verify_key, key)
        except AuthenticationError:
            pass
        except Exception:
            access_log.exception("Re-checking a cached API key failed")


def unauthorized(message: str) -> Response:
    """401 with the challenge RFC 6750 asks for."""
    return error(401, message, {"WWW-Authenticate": 'Bearer realm="cleverinvo"'})
