"""The v1 endpoints. Each view parses, calls the core and renders; it runs on the core's database threads
(``CleverInvo.executor``: peewee is synchronous), never on the event loop.

``endpoint`` adapts a plain ``def view(request, body)`` to Starlette: it reads the JSON body (within the size
limit) on the event loop, then runs the view on a database thread.
"""

import asyncio
from collections.abc import Callable, Mapping
from functools import partial
from typing import Any, TypeVar
from urllib.parse import quote

from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from cleverinvo.core import Books, NotFound, UnsupportedMediaType, ValidationError, unavailable
from cleverinvo.core.access import idempotency
from cleverinvo.core.billing.documents import InvoicePdf, PdfWanted
from cleverinvo.core.billing.rendering import RenderPool
from cleverinvo.core.delivery.messages import Kind
from cleverinvo.core.einvoice.einvoices import Syntax, XmlFile
from cleverinvo.server import render
from cleverinvo.server.jsonio import MAX_BODY_BYTES, BodyTooLarge, JSONResponse, parse_json

View = Callable[[Request, Any], Response]
T = TypeVar("T")


async def on_db(request: Request, call: Callable[..., T], *args: Any) -> T:
    """``call(*args)`` on a database thread of this process in the turn of the request's account, awaited."""
    identity = getattr(request.state, "identity", None)
    caller = identity.account_id if identity is not None else ""
    return await asyncio.wrap_future(request.app.state.ci.executor.submit(caller, partial(call, *args)))


async def read_body(request: Request) -> bytes:
    """The raw body, refusing more than ``MAX_BODY_BYTES`` without reading it all."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise BodyTooLarge
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise BodyTooLarge
        chunks.append(chunk)
    return b"".join(chunks)


def reads_only(view: View) -> View:
    """Marks a view that only reads: where the core allows it (``CleverInvo.reads_in_caller``: SQLite), it runs
    on the event loop itself, in well under a millisecond, instead of queueing on the database thread."""
    view.reads_only = True  # type: ignore[attr-defined]
    return view


def endpoint(view: View, body: str = "none", renders_pdf: bool = False) -> Callable[[Request], Any]:
    """``body`` is "required" (a JSON body), "optional" (empty means ``{}``) or "none". A view that ``renders_pdf``
    in this process runs in a worker thread instead: a render takes seconds, the database thread is everybody's.
    A view marked ``reads_only`` runs on the event loop where the database allows it."""
    inline = getattr(view, "reads_only", False)

    async def handle(request: Request) -> Response:
        if any("\x00" in str(value) for value in request.path_params.values()):
            raise NotFound("Not found: an id never holds a NUL character")  # PostgreSQL cannot even compare one
        try:
            if renders_pdf:
                return await run_in_threadpool(view, request, None)
            if inline and request.app.state.ci.reads_in_caller:
                return view(request, None)
            if body == "none":
                return await on_db(request, view, request, None)
            raw = await read_body(request)

            def parsed() -> Any:
                return {} if body == "optional" and not raw.strip() else parse_json(raw)

            key = request.headers.get("idempotency-key")
            if key is None or request.method != "POST":  # parsed in the account's turn too, not on the event loop
                return await on_db(request, lambda: view(request, parsed()))
            return await idempotent(view, request, parsed(), key, raw)
        except Exception as exc:
            fault = unavailable(exc)  # a busy or full database: 503, not 500
            if fault is None or fault is exc:
                raise
            raise fault from exc

    handle.__name__ = view.__name__
    return handle


async def idempotent(view: View, request: Request, parsed: Any, key: str, raw: bytes) -> Response:
    """Run a POST once per ``Idempotency-Key``: replay its recorded response to retries."""
    outcome = await on_db(
        request,
        idempotency.run_once,
        request.state.identity.key_id,
        key,
        idempotency.fingerprint(request.method, request.url.path, raw),
        lambda: view(request, parsed),
        lambda response: idempotency.StoredResponse(
            response.status_code, response.media_type or "", bytes(response.body)
        ),
    )
    if isinstance(outcome, idempotency.StoredResponse):
        headers = {"Idempotent-Replayed": "true"}
        return Response(outcome.body, outcome.status, headers=headers, media_type=outcome.content_type)
    return outcome


def books(request: Request) -> Books:
    """The books of the account the request's API key speaks for."""
    return request.app.state.ci.books_for(request.state.identity)


def _int_param(query: Mapping[str, str], name: str, default: int) -> int:
    value = query.get(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise ValidationError(f"Invalid query parameter: {name} must be an integer", name) from None


def list_params(request: Request, *extra: str) -> dict[str, Any]:
    """``page``, ``limit`` and ``search`` (checked by the core), plus the named extra filters; nothing else."""
    query = request.query_params
    for name in query:
        if name not in ("page", "limit", "search", *extra):
            raise ValidationError(f"Unknown query parameter: {name}", name)
    if any(len(query.getlist(name)) > 1 for name in query):
        raise ValidationError("Invalid query parameter: each parameter may be given once")
    params: dict[str, Any] = {
        "page": _int_param(query, "page", 1),
        "limit": _int_param(query, "limit", 20),
        "search": query.get("search"),
    }
    params.update({name: query.get(name) for name in extra})
    return params


def renders(request: Request) -> RenderPool:
    """This server worker's PDF render processes."""
    return request.app.state.renders


def _pdf_later(request: Request, books: Books, invoice_id: str, version: int) -> None:
    """Have the PDF rendered by a render process, so that a download finds it ready; the response does not wait."""
    renders(request).refresh(books.account_id, PdfWanted(invoice_id, version))


@reads_only
def health(request: Request, _body: None) -> Response:
    return JSONResponse({"status": "ok"})


@reads_only
def list_clients(request: Request, _body: None) -> Response:
    return JSONResponse(render.page(books(request).clients.list(**list_params(request)), render.client))


def create_client(request: Request, body: Any) -> Response:
    return JSONResponse({"data": render.client(books(request).clients.create(body))}, status_code=201)


@reads_only
def get_client(request: Request, _body: None) -> Response:
    return JSONResponse({"data": render.client(books(request).clients.get(request.path_params["id"]))})


def update_client(request: Request, body: Any) -> Response:
    return JSONResponse({"data": render.client(books(request).clients.update(request.path_params["id"], body))})


def delete_client(request: Request, _body: None) -> Response:
    books(request).clients.archive(request.path_params["id"])
    return Response(status_code=204)


@reads_only
def list_invoices(request: Request, _body: None) -> Response:
    params = list_params(request, "clientId", "status")
    params["client_id"] = params.pop("clientId")
    return JSONResponse(render.page(books(request).invoices.list(**params), render.invoice_summary))


def create_invoice(request: Request, body: Any) -> Response:
    mine = books(request)
    made = mine.invoices.create(body)
    _pdf_later(request, mine, made.id, made.version)
    return JSONResponse({"data": render.invoice(made)}, status_code=201)


@reads_only
def get_invoice(request: Request, _body: None) -> Response:
    return JSONResponse({"data": render.invoice(books(request).invoices.get(request.path_params["id"]))})


def update_invoice(request: Request, body: Any) -> Response:
    mine = books(request)
    changed = mine.invoices.update(request.path_params["id"], body)
    _pdf_later(request, mine, changed.id, changed.version)
    return JSONResponse({"data": render.invoice(changed)})


def delete_invoice(request: Request, _body: None) -> Response:
    books(request).invoices.delete(request.path_params["id"])
    return Response(status_code=204)


async def invoice_pdf(request: Request) -> Response:
    """The stored PDF, or one rendered now by a render process (shared with every request that wants it)."""
    mine = await on_db(request, books, request)
    pdf = await on_db(request, mine.documents.lookup, request.path_params["id"])
    if not isinstance(pdf, InvoicePdf):
        pdf = await asyncio.wrap_future(renders(request).render(mine.account_id, pdf))
    return Response(pdf.data, media_type="application/pdf", headers={"Content-Disposition": attachment(pdf.filename)})


def _syntax(request: Request) -> Syntax:
    """``?syntax=cii`` (the default) or ``ubl``, and no other query parameter."""
    query = request.query_params
    for name in query:
        if name != "syntax":
            raise ValidationError(f"Unknown query parameter: {name}", name)
    return Syntax.parse(query.get("syntax"))


def _xml(xml: XmlFile) -> Response:
    return Response(xml.data, media_type="application/xml", headers={"Content-Disposition": attachment(xml.filename)})


def invoice_xml(request: Request, _body: None) -> Response:
    """The invoice as EN 16931 XML."""
    return _xml(books(request).einvoices.invoice_xml(request.path_params["id"], _syntax(request)))


def credit_note_xml(request: Request, _body: None) -> Response:
    """The credit note as EN 16931 XML (type 381)."""
    return _xml(books(request).einvoices.credit_note_xml(request.path_params["id"], _syntax(request)))


def attachment(filename: str) -> str:
    """``attachment; filename="INV-0042.pdf"``, with an RFC 6266 ``filename*`` when the name is not plain ASCII.
    The core's file names hold no ``/`` or ``\\``; quotes and what is not printable ASCII become ``_`` here."""
    plain = "".join(ch if ch.isascii() and ch.isprintable() and ch not in '"\\' else "_" for ch in filename)
    if plain == filename:
        return f'attachment; filename="{filename}"'
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(filename, safe='')}"


def send_invoice(request: Request, body: Any) -> Response:
    mine = books(request)
    sent = mine.delivery.send(request.path_params["id"], body)
    _pdf_later(request, mine, sent.id, sent.version)
    return JSONResponse({"data": render.invoice(sent)})


@reads_only
def list_payments(request: Request, _body: None) -> Response:
    return JSONResponse(
        {"data": [render.payment(p) for p in books(request).invoices.payments(request.path_params["id"])]}
    )


def record_payment(request: Request, body: Any) -> Response:
    invoice_id, mine = request.path_params["id"], books(request)
    made = mine.invoices.record_payment(invoice_id, body)
    _pdf_later(request, mine, invoice_id, mine.invoices.number_and_version(invoice_id)[1])
    return JSONResponse({"data": render.payment(made)}, status_code=201)


@reads_only
def list_recurring(request: Request, _body: None) -> Response:
    return JSONResponse(render.page(books(request).recurring.list(**list_params(request)), render.recurring))


def create_recurring(request: Request, body: Any) -> Response:
    return JSONResponse({"data": render.recurring(books(request).recurring.create(body))}, status_code=201)


@reads_only
def get_recurring(request: Request, _body: None) -> Response:
    return JSONResponse({"data": render.recurring(books(request).recurring.get(request.path_params["id"]))})


def update_recurring(request: Request, body: Any) -> Response:
    changed = books(request).recurring.update(request.path_params["id"], body)
    return JSONResponse({"data": render.recurring(changed)})


def delete_recurring(request: Request, _body: None) -> Response:
    books(request).recurring.delete(request.path_params["id"])
    return Response(status_code=204)


@reads_only
def list_quotes(request: Request, _body: None) -> Response:
    params = list_params(request, "clientId", "status")
    params["client_id"] = params.pop("clientId")
    return JSONResponse(render.page(books(request).quotes.list(**params), render.quote_summary))


def create_quote(request: Request, body: Any) -> Response:
    return JSONResponse({"data": render.quote(books(request).quotes.create(body))}, status_code=201)


@reads_only
def get_quote(request: Request, _body: None) -> Response:
    return JSONResponse({"data": render.quote(books(request).quotes.get(request.path_params["id"]))})


def update_quote(request: Request, body: Any) -> Response:
    return JSONResponse({"data": render.quote(books(request).quotes.update(request.path_params["id"], body))})


def delete_quote(request: Request, _body: None) -> Response:
    books(request).quotes.delete(request.path_params["id"])
    return Response(status_code=204)


def quote_pdf(request: Request, _body: None) -> Response:
    pdf = books(request).documents.quote_pdf(request.path_params["id"])
    return Response(pdf.data, media_type="application/pdf", headers={"Content-Disposition": attachment(pdf.filename)})


def send_quote(request: Request, body: Any) -> Response:
    sent = books(request).delivery.send(request.path_params["id"], body, Kind.QUOTE)
    return JSONResponse({"data": render.quote(sent)})


def accept_quote(request: Request, _body: None) -> Response:
    return JSONResponse({"data": render.quote(books(request).quotes.accept(request.path_params["id"]))})


def decline_quote(request: Request, _body: None) -> Response:
    return JSONResponse({"data": render.quote(books(request).quotes.decline(request.path_params["id"]))})


@reads_only
def quote_events(request: Request, _body: None) -> Response:
    return JSONResponse({"data": [render.event(e) for e in books(request).quotes.events(request.path_params["id"])]})


def invoice_from_quote(request: Request, _body: None) -> Response:
    mine = books(request)
    made = mine.quotes.make_invoice(request.path_params["id"])
    _pdf_later(request, mine, made.id, made.version)
    return JSONResponse({"data": render.invoice(made)}, status_code=201)


def remove_payment(request: Request, _body: None) -> Response:
    invoice_id, mine = request.path_params["id"], books(request)
    mine.invoices.remove_payment(invoice_id, request.path_params["paymentId"])
    _pdf_later(request, mine, invoice_id, mine.invoices.number_and_version(invoice_id)[1])
    return Response(status_code=204)


def create_credit_note(request: Request, body: Any) -> Response:
    mine = books(request)
    made = mine.credit_notes.create(request.path_params["id"], body)
    return JSONResponse(
        {"data": render.credit_note(made)},
        status_code=201,
        background=BackgroundTask(mine.credit_notes.pdf, made.id),
    )


@reads_only
def list_credit_notes(request: Request, _body: None) -> Response:
    params = list_params(request, "invoiceId")
    params["invoice_id"] = params.pop("invoiceId")
    return JSONResponse(render.page(books(request).credit_notes.list(**params), render.credit_note))


@reads_only
def get_credit_note(request: Request, _body: None) -> Response:
    return JSONResponse({"data": render.credit_note(books(request).credit_notes.get(request.path_params["id"]))})


def credit_note_pdf(request: Request, _body: None) -> Response:
    pdf = books(request).credit_notes.pdf(request.path_params["id"])
    return Response(pdf.data, media_type="application/pdf", headers={"Content-Disposition": attachment(pdf.filename)})


@reads_only
def invoice_events(request: Request, _body: None) -> Response:
    return JSONResponse({"data": [render.event(e) for e in books(request).invoices.events(request.path_params["id"])]})


def _account(mine: Books) -> dict[str, Any]:
    return {"data": render.account(mine.settings.get(), mine.settings.logo())}


@reads_only
def get_account(request: Request, _body: None) -> Response:
    return JSONResponse(_account(books(request)))


def update_account(request: Request, body: Any) -> Response:
    mine = books(request)
    mine.settings.update(body)
    return JSONResponse(_account(mine))


@reads_only
def get_logo(request: Request, _body: None) -> Response:
    found = books(request).settings.logo()
    if found is None:
        raise NotFound("This account has no logo")
    return Response(found.data, media_type=found.media_type)


async def put_logo(request: Request) -> Response:
    """The body is the image itself, ``image/png`` or ``image/jpeg``; it is stored re-encoded."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if not media_type:
        raise UnsupportedMediaType("Invalid logo: send it with Content-Type image/png or image/jpeg", "logo")
    data = await read_body(request)

    def store() -> Response:
        mine = books(request)
        mine.settings.set_logo(data, media_type)
        return JSONResponse(_account(mine))

    return await run_in_threadpool(store)


def delete_logo(request: Request, _body: None) -> Response:
    books(request).settings.remove_logo()
    return Response(status_code=204)


@reads_only
def openapi(request: Request, _body: None) -> Response:
    from cleverinvo.server.openapi import document

    return JSONResponse(document())
