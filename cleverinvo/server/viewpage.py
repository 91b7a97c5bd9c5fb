"""The public view page: ``/view/<token>``, its PDF, its view report and a quote's answer (``/accept``,
``/decline``), answered without an API key.

Every answer carries headers that keep the page to itself: a content security policy that allows only the
page's own style and its one script (by a fresh nonce), no referrer, no indexing, no framing, no sniffing,
no caching. Each token has its own rate limit; an unknown token gets a plain 404 page that says nothing more.
"""

import secrets

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from cleverinvo.core import CleverInvo, Conflict
from cleverinvo.core.access.ratelimit import RateLimiter
from cleverinvo.core.delivery.viewing import not_found_page
from cleverinvo.server.views import attachment

PER_TOKEN_PER_MINUTE = 30
SEEN_HEADER = "x-cleverinvo-seen"

_limits = RateLimiter(limit=PER_TOKEN_PER_MINUTE)


def private_headers(nonce: str | None = None) -> dict[str, str]:
    """The headers of every answer under ``/view/``; ``nonce`` allows the page's own style and script."""
    allowed = f" style-src 'nonce-{nonce}'; script-src 'nonce-{nonce}'; connect-src 'self';" if nonce else ""
    return {
        "Content-Security-Policy": f"default-src 'none';{allowed} img-src 'self' data:; base-uri 'none'; "
        "form-action 'self'; frame-ancestors 'none'",
        "Referrer-Policy": "no-referrer",
        "X-Robots-Tag": "noindex, nofollow, noarchive",
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Cache-Control": "no-store",
    }


def _ci(request: Request) -> CleverInvo:
    return request.app.state.ci


def not_found() -> Response:
    return HTMLResponse(not_found_page(), status_code=404, headers=private_headers())


def _too_many(token: str) -> Response | None:
    decision = _limits.take(token)
    if decision.allowed:
        return None
    headers = {**private_headers(), "Retry-After": str(decision.retry_after)}
    return Response("Too many requests; try again shortly.\n", 429, headers=headers, media_type="text/plain")


async def page(request: Request) -> Response:
    token = request.path_params["token"]
    refused = _too_many(token)
    if refused is not None:
        return refused
    nonce = secrets.token_urlsafe(18)
    html = await run_in_threadpool(_ci(request).view_pages.page, token, nonce)
    if html is None:
        return not_found()
    return HTMLResponse(html, headers=private_headers(nonce))


async def pdf(request: Request) -> Response:
    token = request.path_params["token"]
    refused = _too_many(token)
    if refused is not None:
        return refused
    found = await run_in_threadpool(_ci(request).view_pages.pdf, token)
    if found is None:
        return not_found()
    headers = {**private_headers(), "Content-Disposition": attachment(found.filename)}
    return Response(found.data, media_type="application/pdf", headers=headers)


async def seen(request: Request) -> Response:
    """The page's report that a browser shows it. Only the page's script sends the header it needs."""
    token = request.path_params["token"]
    refused = _too_many(token)
    if refused is not None:
        return refused
    if request.headers.get(SEEN_HEADER) != "1":
        return Response(status_code=400, headers=private_headers())
    known = await run_in_threadpool(_ci(request).view_pages.seen, token)
    return Response(status_code=204 if known else 404, headers=private_headers())


async def _answer(request: Request, accept: bool) -> Response:
    """The client's answer to a quote, from the page's form: back to the page (303), which shows it; the same
    answer again does the same; an answer the quote cannot take (expired, answered otherwise) is 409 with the
    page as it stands, which says why."""
    token = request.path_params["token"]
    refused = _too_many(token)
    if refused is not None:
        return refused
    ci = _ci(request)
    try:
        answered = await run_in_threadpool(ci.view_pages.answer, token, accept)
    except Conflict:
        nonce = secrets.token_urlsafe(18)
        html = await run_in_threadpool(ci.view_pages.page, token, nonce)
        if html is None:
            return not_found()
        return HTMLResponse(html, status_code=409, headers=private_headers(nonce))
    if answered is None:
        return not_found()
    return RedirectResponse(f"/view/{token}", status_code=303, headers=private_headers())


async def accept(request: Request) -> Response:
    return await _answer(request, accept=True)


async def decline(request: Request) -> Response:
    return await _answer(request, accept=False)
