"""Issuing an invoice: the moment it becomes a legal document the client holds a copy of.

When an invoice is issued (marked sent or e-mailed), the seller as the account describes it (profile, bank
details, logo, every document setting) and the client as its record stands are copied into the invoice, in the
transaction that issues it. Its documents are made from that copy ever after, so later changes to the profile
or the client never reach them; a draft's documents follow the current ones.

The copy holds the core's own records (``Account``, ``Client`` and the ``Logo``) as JSON, whatever fields they
have: a field the records gain later is filled from the current values when an older copy is read.
"""

from dataclasses import dataclass, fields
from typing import Any, TypeVar

import msgspec

from cleverinvo.core import accounts, clients, clock
from cleverinvo.core.records import Account, Client, ClientRef, Invoice, Logo
from cleverinvo.core.storage import models
from cleverinvo.core.storage.db import transaction

R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class Parties:
    """The seller and the client as a document shows them: the copy taken at issue, or for a draft the current
    ones. The renderer takes ``seller`` as the account it prints, ``logo`` as its logo and ``client_ref`` as
    the invoice's client."""

    seller: Account
    client: Client
    logo: Logo | None

    @property
    def client_ref(self) -> ClientRef:
        return ClientRef(**{f.name: getattr(self.client, f.name) for f in fields(ClientRef)})


def current(account_id: str, client_id: str) -> Parties:
    """The seller, client and logo as they are now: what a draft (and a quote, whatever its status) shows."""
    return Parties(
        seller=accounts.to_record(accounts.row(account_id)),
        client=clients.to_record(models.Client.get_by_id(client_id)),
        logo=accounts.Settings(account_id).logo(),
    )


def _current(invoice_id: str) -> Parties:
    row = models.Invoice.select(models.Invoice.account, models.Invoice.client).where(models.Invoice.id == invoice_id)
    found = row.get()
    return current(found.account_id, found.client_id)


def freeze(invoice_id: str) -> None:
    """Inside the transaction that issues the invoice: copy its seller and client as they are now."""
    now = _current(invoice_id)
    models.IssuedCopy.insert(
        invoice=invoice_id,
        seller=msgspec.json.encode(now.seller).decode(),
        client=msgspec.json.encode(now.client).decode(),
        logo=msgspec.json.encode(now.logo).decode(),
        issued_at=clock.now(),
    ).on_conflict_ignore().execute()


def _filled(stored: Any, current: Any) -> Any:
    """``stored`` with what it lacks (fields added to the records after it was copied) taken from ``current``."""
    if isinstance(stored, dict) and isinstance(current, dict):
        return {**current, **{k: _filled(v, current.get(k)) for k, v in stored.items()}}
    return stored


def _thaw(raw: str, current: R, kind: type[R]) -> R:
    return msgspec.convert(_filled(msgspec.json.decode(raw), msgspec.to_builtins(current)), type=kind)


def parties(invoice: Invoice) -> Parties:
    """Who the invoice's documents show: its copy when issued, the current seller and client for a draft.

    An invoice issued before copies were taken (schema version 9) gets its copy now, from the current ones."""
    current = _current(invoice.id)
    copy = models.IssuedCopy.get_or_none(models.IssuedCopy.invoice == invoice.id)
    if copy is None:
        if invoice.status.editable:
            return current
        with transaction():
            freeze(invoice.id)
        copy = models.IssuedCopy.get_by_id(invoice.id)
    return Parties(
        seller=_thaw(copy.seller, current.seller, Account),
        client=_thaw(copy.client, current.client, Client),
        logo=msgspec.json.decode(copy.logo, type=Logo | None),
    )
