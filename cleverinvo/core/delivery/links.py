"""The public view link of an issued invoice: ``CLEVERINVO_PUBLIC_URL`` + ``/view/<token>``.

The token is 192 random bits (URL-safe base64), made when the invoice is issued and kept with it. It is the only
thing that opens the page, so it is unique and never derived from anything else.
"""

from __future__ import annotations

import os
import re
import secrets
from dataclasses import dataclass

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


def give_token(invoice_id: str) -> str:
    """Inside the issuing transaction: the invoice's token, made now if it has none yet."""
    found = models.ViewLink.get_or_none(models.ViewLink.invoice == invoice_id)
    if found is not None:
        return found.token
    token = new_token()
    models.ViewLink.create(invoice=invoice_id, token=token, created_at=clock.now())
    return token


def token_of(invoice_id: str) -> str | None:
    """The invoice's token; ``None`` for a draft, which has no view page."""
    found = models.ViewLink.get_or_none(models.ViewLink.invoice == invoice_id)
    return found.token if found is not None else None


@dataclass(frozen=True, slots=True)
class Viewed:
    """Whose invoice a token opens."""

    account_id: str
    invoice_id: str


_TOKEN = re.compile(r"[A-Za-z0-9_-]+")  # the alphabet of secrets.token_urlsafe


def find(token: str) -> Viewed | None:
    """The invoice a token opens, or ``None`` for anything else (unknown, malformed, too long)."""
    if not isinstance(token, str) or not 0 < len(token) <= MAX_TOKEN_LENGTH or not _TOKEN.fullmatch(token):
        return None  # never sent to the database: PostgreSQL refuses a NUL even in a comparison
    found = (
        models.ViewLink.select(models.ViewLink.invoice, models.Invoice.account)
        .join(models.Invoice)
        .where(models.ViewLink.token == token)
        .tuples()
        .first()
    )
    return Viewed(account_id=found[1], invoice_id=found[0]) if found else None
