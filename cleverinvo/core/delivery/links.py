"""The public view link of a sent invoice or quote: ``CLEVERINVO_PUBLIC_URL`` + ``/view/<token>``.

The token is 192 random bits (URL-safe base64), made when the document is sent and kept with it. It is the only
thing that opens the page, so it is unique and never derived from anything else.
"""

from __future__ import annotations

import os
import re
import secrets
from dataclasses import dataclass

import peewee as pw

from cleverinvo.core import clock
from cleverinvo.core.storage import models

PUBLIC_URL_VAR = "CLEVERINVO_PUBLIC_URL"
DEFAULT_PUBLIC_URL = "http://127.0.0.1:8000"  # where ``cleverinvo serve`` listens unless told otherwise
TOKEN_BYTES = 24
MAX_TOKEN_LENGTH = 64


def new_token() -> str:
    """A fresh token: 192 random bits, 32 URL-safe characters."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def public_url() -> str:
    """The address people reach ``cleverinvo serve`` at: ``$CLEVERINVO_PUBLIC_URL``, without a trailing slash."""
    return (os.environ.get(PUBLIC_URL_VAR, "").strip() or DEFAULT_PUBLIC_URL).rstrip("/")


def view_url(token: str) -> str:
    """The full link of a view page."""
    return f"{public_url()}/view/{token}"


@dataclass(frozen=True, slots=True)
class Links:
    """Where one document type keeps its tokens: the table, its column naming the document, and the documents'
    own table (which names their account)."""

    table: type[models.BaseModel]
    owner: pw.ForeignKeyField
    documents: type[models.BaseModel]


INVOICES = Links(models.ViewLink, models.ViewLink.invoice, models.Invoice)
QUOTES = Links(models.QuoteViewLink, models.QuoteViewLink.quote, models.Quote)


def give_token(document_id: str, links: Links = INVOICES) -> str:
    """Inside the transaction that sends the document: its token, made now if it has none yet."""
    found = links.table.get_or_none(links.owner == document_id)
    if found is not None:
        return found.token
    token = new_token()
    links.table.insert({links.owner: document_id}, token=token, created_at=clock.now()).execute()
    return token


def token_of(document_id: str, links: Links = INVOICES) -> str | None:
    """The document's token; ``None`` for a draft, which has no view page."""
    return links.table.select(links.table.token).where(links.owner == document_id).scalar()


@dataclass(frozen=True, slots=True)
class Viewed:
    """Whose document a token opens: an invoice, or a quote when ``links`` is ``QUOTES``."""

    account_id: str
    document_id: str
    links: Links


_TOKEN = re.compile(r"[A-Za-z0-9_-]+")  # the alphabet of secrets.token_urlsafe


def find(token: str) -> Viewed | None:
    """The document a token opens, or ``None`` for anything else (unknown, malformed, too long)."""
    if not isinstance(token, str) or not 0 < len(token) <= MAX_TOKEN_LENGTH or not _TOKEN.fullmatch(token):
        return None  # never sent to the database: PostgreSQL refuses a NUL even in a comparison
    for links in (INVOICES, QUOTES):
        found = (
            links.table.select(links.owner, links.documents.account)
            .join(links.documents)
            .where(links.table.token == token)
            .tuples()
            .first()
        )
        if found:
            return Viewed(account_id=found[1], document_id=found[0], links=links)
    return None
