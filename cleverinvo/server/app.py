"""The Starlette application: ``create_app()`` with its routes, middleware and exception handlers."""

import asyncio
import contextlib
import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import Response

import cleverinvo.core
from cleverinvo.core import (
    AuthenticationError,
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
from cleverinvo.server import periodic
from cleverinvo.server.conventions import ConventionsMiddleware, cors
from cleverinvo.server.jsonio import MAX_BODY_BYTES, BodyTooLarge, error
from cleverinvo.server.middleware import AccessLogMiddleware, ApiKeyMiddleware
from cleverinvo.server.routes import routes
from cleverinvo.server.run import RATE_STATE_VAR

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


def rate_limiter(ci: cleverinvo.core.CleverInvo) -> Limiter:
    """Buckets in the database when several hosts may serve it (PostgreSQL); else shared by this server's workers
    through a file when it runs several, in memory otherwise."""
    limit = int(os.environ.get("CLEVERINVO_RATE_LIMIT", LIMIT))
    in_database = ci.shared_rate_limiter(limit)
    if in_database is not None:
        return in_database
    shared = os.environ.get(RATE_STATE_VAR)
    return SharedRateLimiter(Path(shared), limit) if shared else RateLimiter(limit)


def create_app(db: str | None = None) -> Starlette:
    """The v1 API over the database ``db`` (else ``CLEVERINVO_DB``, else the default file)."""

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        app.state.ci = cleverinvo.core.open(db)
        app.state.limiter = rate_limiter(app.state.ci)
        background = asyncio.create_task(periodic.run_forever(app.state.ci))
        try:
            yield
        finally:
            background.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await background
            app.state.ci.close()

    middleware = [
        *cors(),  # first: a preflight is answered without a key
        Middleware(GZipMiddleware, minimum_size=GZIP_FROM_BYTES),
        Middleware(AccessLogMiddleware),
        Middleware(ApiKeyMiddleware),
        Middleware(ConventionsMiddleware),
    ]
    return Starlette(routes=routes, middleware=middleware, exception_handlers=exception_handlers, lifespan=lifespan)
