"""The Starlette application: ``create_app()`` with its routes, middleware and exception handlers."""

import asyncio
import contextlib
import logging
import os
import signal
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

import cleverinvo.core
from cleverinvo.core import (
    AuthenticationError,
    Busy,
    CleverInvoError,
    Conflict,
    DeliveryFailed,
    IdempotencyMismatch,
    LimitReached,
    NotFound,
    TooLarge,
    Unavailable,
    UnsupportedMediaType,
    ValidationError,
)
from cleverinvo.core.access.ratelimit import LIMIT, Limiter, RateLimiter, SharedRateLimiter
from cleverinvo.core.billing.rendering import Limits, RenderFailed, RenderPool
from cleverinvo.server import periodic
from cleverinvo.server.conventions import ConventionsMiddleware, cors
from cleverinvo.server.jsonio import MAX_BODY_BYTES, BodyTooLarge, error
from cleverinvo.server.middleware import AccessLogMiddleware, ApiKeyMiddleware
from cleverinvo.server.routes import routes
from cleverinvo.server.run import RATE_STATE_VAR, RENDER_PROCESSES_VAR

log = logging.getLogger("cleverinvo.server")

GZIP_FROM_BYTES = 2048  # smaller JSON gains little from gzip
CLOSE = {"Connection": "close"}  # uvicorn ends the connection after an unexpected failure: say so

STATUS_OF: dict[type[CleverInvoError], int] = {  # the first class that matches decides
    TooLarge: 413,
    UnsupportedMediaType: 415,
    ValidationError: 400,
    AuthenticationError: 401,
    LimitReached: 403,
    NotFound: 404,
    Conflict: 409,
    IdempotencyMismatch: 422,
    DeliveryFailed: 502,
    Busy: 503,
    RenderFailed: 503,
}


async def domain_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, CleverInvoError)
    if isinstance(exc, Unavailable):
        cause = exc.__cause__ or exc
        log.warning(
            "503 on %s %s: %s (%s: %s)", request.method, request.url.path, exc.message, type(cause).__name__, cause
        )
        return error(503, exc.message, {"Retry-After": str(exc.retry_after)})
    status = next((code for kind, code in STATUS_OF.items() if isinstance(exc, kind)), 500)
    if status == 500:
        log.error("%s on %s %s: %s", type(exc).__name__, request.method, request.url.path, exc.message)
        return error(500, "Internal server error", CLOSE)
    if isinstance(exc, Busy):
        return error(status, exc.message, {"Retry-After": str(exc.retry_after)})
    return error(status, exc.message)


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    return error(exc.status_code, exc.detail, dict(exc.headers or {}))


async def too_large(request: Request, exc: Exception) -> Response:
    return error(413, f"Request body too large: the limit is {MAX_BODY_BYTES // 2**20} MiB")


async def server_error(request: Request, exc: Exception) -> Response:
    log.exception("Unexpected failure on %s %s", request.method, request.url.path)
    return error(500, "Internal server error", CLOSE)


exception_handlers = {
    CleverInvoError: domain_error,
    HTTPException: http_error,
    BodyTooLarge: too_large,
    Exception: server_error,
}


class GzipWhenAccepted:
    """Starlette's gzip for the requests that accept it; the others skip it, and the wrapper it puts around every
    response it does not compress. Level 6 (zlib's default) compresses a list nearly as well as Starlette's 9, in
    a fraction of the time."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.gzip = GZipMiddleware(app, minimum_size=GZIP_FROM_BYTES, compresslevel=6)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and any(
            name == b"accept-encoding" and b"gzip" in value.lower() for name, value in scope["headers"]
        ):
            await self.gzip(scope, receive, send)
        else:
            await self.app(scope, receive, send)


def rate_limiter(ci: cleverinvo.core.CleverInvo) -> Limiter:
    """Buckets in the database when several hosts may serve it (PostgreSQL); else shared by this server's workers
    through a file when it runs several, in memory otherwise."""
    limit = int(os.environ.get("CLEVERINVO_RATE_LIMIT", LIMIT))
    in_database = ci.shared_rate_limiter(limit)
    if in_database is not None:
        return in_database
    shared = os.environ.get(RATE_STATE_VAR)
    return SharedRateLimiter(Path(shared), limit) if shared else RateLimiter(limit)


def render_limits() -> Limits:
    """The render workers per server worker: ``CLEVERINVO_RENDER_PROCESSES`` (an operator setting, or what
    ``serve`` chose), else one."""
    value = os.environ.get(RENDER_PROCESSES_VAR, "")
    return Limits(processes=int(value)) if value.isdigit() and int(value) > 0 else Limits()


def abandon_renders_on_stop(renders: RenderPool) -> Callable[[], None]:
    """On SIGINT or SIGTERM, end every wait for a render at once (then uvicorn's own handler runs), so that a stop
    never waits for a PDF; returns what puts the handlers back. Signals reach the main thread only: elsewhere
    (an app run by a test client) nothing is installed."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None
    loop = asyncio.get_running_loop()
    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}

    def stopping(signum: int, frame: object) -> None:
        loop.call_soon_threadsafe(renders.abandon)
        handler = previous[signal.Signals(signum)]
        if callable(handler):
            handler(signum, frame)

    for sig in previous:
        signal.signal(sig, stopping)

    def restore() -> None:
        for sig, handler in previous.items():
            if signal.getsignal(sig) is stopping:
                signal.signal(sig, handler)

    return restore


def create_app(db: str | None = None) -> Starlette:
    """The v1 API over the database ``db`` (else ``CLEVERINVO_DB``, else the default file)."""

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        ci = cleverinvo.core.open(db)
        renders = RenderPool(ci.target, render_limits())
        app.state.ci, app.state.renders = ci, renders
        renders.start()
        restore = abandon_renders_on_stop(renders)
        app.state.limiter = rate_limiter(ci)
        background = asyncio.create_task(periodic.run_forever(ci))
        try:
            yield
        finally:
            background.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await background
            restore()
            renders.close()
            ci.close()

    middleware = [
        *cors(),  # first: a preflight is answered without a key
        Middleware(GzipWhenAccepted),
        Middleware(AccessLogMiddleware),
        Middleware(ApiKeyMiddleware),
        Middleware(ConventionsMiddleware),
    ]
    return Starlette(routes=routes, middleware=middleware, exception_handlers=exception_handlers, lifespan=lifespan)
