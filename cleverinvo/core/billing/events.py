"""The history of every invoice and quote: an append-only list of what happened to it, when, and who did it.

An event is written by the operation it describes, inside that operation's transaction, so there is never an
event without its change nor a change without its event. Events are never changed; they go only with the
draft they belong to when it is deleted (a deleted draft never existed).

The actor says who acted: an API key by its first 12 characters, or ``tui``, ``cli``, ``system``.
"""

import re
from dataclasses import dataclass
from typing import Any

import peewee as pw
import simplejson

from cleverinvo.core import clock
from cleverinvo.core.access.keys import PREFIX_LENGTH
from cleverinvo.core.errors import ValidationError
from cleverinvo.core.records import Event, EventType
from cleverinvo.core.storage import models

TUI = "tui"
CLI = "cli"
SYSTEM = "system"
_KEY_PREFIX = re.compile(rf"cinv_[A-Za-z0-9_-]{{{PREFIX_LENGTH - 5}}}")


def check_actor(actor: str) -> str:
    """``actor`` when it is one the history knows: ``tui``, ``cli``, ``system`` or an API key's prefix."""
    if actor in (TUI, CLI, SYSTEM) or (isinstance(actor, str) and _KEY_PREFIX.fullmatch(actor)):
        return actor
    raise ValidationError(f"Invalid actor: {actor!r} is not tui, cli, system or an API key's first 12 characters")


@dataclass(frozen=True, slots=True)
class Trail:
    """Where one document type's events are kept: their table and its column naming the document."""

    table: type[models.BaseModel]
    owner: pw.ForeignKeyField


INVOICES = Trail(models.InvoiceEvent, models.InvoiceEvent.invoice)
QUOTES = Trail(models.QuoteEvent, models.QuoteEvent.quote)


def record(document_id: str, type_: EventType, actor: str, trail: Trail = INVOICES, /, **detail: Any) -> None:
    """Inside the transaction of the change: append that ``type_`` happened to the document (an invoice unless
    ``trail`` says otherwise), with ``detail`` (plain JSON values; money as ``Decimal``, kept exact)."""
    trail.table.insert(
        {trail.owner: document_id},
        type=type_.value,
        at=clock.now(),
        actor=actor,
        detail=simplejson.dumps(detail, use_decimal=True, ensure_ascii=False, separators=(",", ":")),
    ).execute()


def history(document_id: str, trail: Trail = INVOICES) -> tuple[Event, ...]:
    """The document's events, oldest first (in the order they were written)."""
    rows = trail.table.select().where(trail.owner == document_id).order_by(trail.table.id)
    return tuple(
        Event(type=EventType(r.type), at=r.at, actor=r.actor, detail=simplejson.loads(r.detail, use_decimal=True))
        for r in rows
    )
