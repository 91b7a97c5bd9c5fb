"""Clients of one account: create, read, update, archive and restore, list with search."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import peewee as pw

from cleverinvo.core import accounts, clock
from cleverinvo.core.errors import NotFound, ValidationError
from cleverinvo.core.fields import Fields
from cleverinvo.core.ids import new_id
from cleverinvo.core.paging import Paging
from cleverinvo.core.records import Client, Language, Page
from cleverinvo.core.storage import models, tally
from cleverinvo.core.storage.db import transaction
from cleverinvo.core.storage.search import matching, search_key
from cleverinvo.core.storage.statements import Prepared

# API name → (column, longest text). ``name`` is required on create; the rest are optional.
_TEXT_FIELDS: dict[str, tuple[pw.Field, int]] = {
    "name": (models.Client.name, 255),
    "address": (models.Client.address, 1000),
    "postalCode": (models.Client.postal_code, 32),
    "city": (models.Client.city, 255),
    "taxId": (models.Client.tax_id, 64),
    "phone": (models.Client.phone, 64),
    "notes": (models.Client.notes, 5000),
}
_UNPRINTED = ("notes",)  # the client's notes are for the seller; documents never show them
# Changing these changes what the client's draft invoices print.
_PRINTED_COLUMNS = frozenset({"name", "email", "address", "postal_code", "city", "country", "tax_id", "phone"})
CREATE_FIELDS = (*_TEXT_FIELDS, "email", "country", "language")
UPDATE_FIELDS = (*CREATE_FIELDS, "isActive")


# What a record takes of a stored client (its search text and account are left in the database).
_LISTED = tuple(getattr(models.Client, name) for name in Client.__dataclass_fields__)


def _newest(active: bool) -> Prepared:
    """A page of the account's active (or archived) clients, newest first, as prepared SQL."""
    return Prepared(
        lambda account, limit, offset: (
            models.Client.select(*_LISTED)
            .where((models.Client.account == account) & (models.Client.is_active == active))
            .order_by(models.Client.created_at.desc(), models.Client.id.desc())
            .limit(limit)
            .offset(offset)
        ),
        account="",
        limit=0,
        offset=0,
    )


_NEWEST = {True: _newest(True), False: _newest(False)}
_FIELD_NAMES = tuple(f.name for f in _LISTED)
_LANGUAGE = _FIELD_NAMES.index("language")


def _from_values(values: Sequence[Any]) -> Client:
    """A record from a client's values in the order of its fields (as ``_LISTED`` reads them), made positionally:
    a page builds twenty."""
    language = values[_LANGUAGE]
    return Client(*values[:_LANGUAGE], Language(language) if language else None, *values[_LANGUAGE + 1 :])


def to_record(row: models.Client) -> Client:
    return _from_values([getattr(row, name) for name in _FIELD_NAMES])


_MULTILINE = frozenset({"address", "notes"})


def _read(data: object, allowed: tuple[str, ...], creating: bool) -> dict[pw.Field, Any]:
    f = Fields(data, allowed)
    changes: dict[pw.Field, Any] = {}
    for key, (column, longest) in _TEXT_FIELDS.items():
        if key == "name" and (creating or f.has("name")):
            changes[column] = f.text("name", required=True, max_length=longest)
        elif f.has(key):
            multiline, printed = key in _MULTILINE, key not in _UNPRINTED
            changes[column] = f.text(key, max_length=longest, multiline=multiline, printed=printed)
    if f.has("country"):
        changes[models.Client.country] = f.country("country")
    if f.has("language"):
        language = f.language("language")
        changes[models.Client.language] = language.value if language else None
    if f.has("email"):
        changes[models.Client.email] = f.email("email")
    if f.has("isActive"):
        changes[models.Client.is_active] = f.boolean("isActive", required=True)
    return changes


class Clients:
    """The clients of one account. Another account's client is never found."""

    def __init__(self, account_id: str) -> None:
        self.account_id = account_id

    def _row(self, client_id: object) -> models.Client:
        found = (
            models.Client.get_or_none((models.Client.id == client_id) & (models.Client.account == self.account_id))
            if isinstance(client_id, str)
            else None
        )
        if found is None:
            raise NotFound(f"Client not found: {client_id}")
        return found

    def create(self, data: object) -> Client:
        """A new active client from ``{"name": …, "email": …, "address": …, "postalCode": …, "city": …,
        "country": …, "language": …, "taxId": …, "phone": …, "notes": …}``."""
        values = _read(data, CREATE_FIELDS, creating=True)
        now = clock.now()
        with transaction():
            accounts.check_client_capacity(accounts.lock(self.account_id))
            row = models.Client.create(
                id=new_id(),
                account=self.account_id,
                is_active=True,
                created_at=now,
                updated_at=now,
                search=search_key(values[models.Client.name], values.get(models.Client.email)),
                **{column.name: value for column, value in values.items()},
            )
        return to_record(row)

    def get(self, client_id: str) -> Client:
        """Any client of this account by id, archived ones included."""
        return to_record(self._row(client_id))

    def update(self, client_id: str, data: object) -> Client:
        """Change only the fields given; ``isActive: true`` restores an archived client (within the plan)."""
        values = _read(data, UPDATE_FIELDS, creating=False)
        with transaction():
            row = self._row(client_id)
            if values.get(models.Client.is_active) is True and not row.is_active:
                accounts.check_client_capacity(accounts.lock(self.account_id))
            for column, value in values.items():
                setattr(row, column.name, value)
            row.search = search_key(row.name, row.email)
            row.updated_at = clock.now()
            row.save()
            if {column.name for column in values} & _PRINTED_COLUMNS:
                models.InvoicePdf.forget(models.Invoice.client == row.id)
                models.QuotePdf.forget(models.Quote.client == row.id)
        return to_record(row)

    def archive(self, client_id: str) -> Client:
        """Soft delete: the client leaves lists but keeps its invoices and stays readable by id."""
        return self.update(client_id, {"isActive": False})

    def restore(self, client_id: str) -> Client:
        return self.update(client_id, {"isActive": True})

    def list(
        self, page: int = 1, limit: int = 20, search: str | None = None, active: bool | None = True
    ) -> Page[Client]:
        """Newest first. ``active=True`` (the API's list) shows active clients, ``False`` archived, ``None`` all."""
        paging = Paging.check(page, limit, search)
        if paging.search is None and active is not None:  # the hot path: counts the database keeps, prepared SQL
            active_count, archived_count, _ = tally.of(self.account_id)
            total = active_count if active else archived_count
            page = (
                ()
                if paging.past_end(total)
                else _NEWEST[active].rows(account=self.account_id, limit=paging.limit, offset=paging.offset)
            )
            items = tuple(_from_values(r) for r in page)
            return Page(items=items, total=total, page=paging.page, limit=paging.limit)
        mine = (
            matching(models.Client, self.account_id, paging.search)
            if paging.search
            else models.Client.account == self.account_id
        )
        query = models.Client.select().where(mine)
        if active is not None:
            query = query.where(models.Client.is_active == active)
        total = query.count()
        rows = paging.rows(query.order_by(models.Client.created_at.desc(), models.Client.id.desc()), total)
        return Page(items=tuple(to_record(r) for r in rows), total=total, page=paging.page, limit=paging.limit)

    def active_row(self, client_id: object, field: str = "clientId") -> models.Client:
        """The active client an invoice may be written to, or a ``ValidationError`` on ``field``."""
        try:
            row = self._row(client_id)
        except NotFound:
            row = None
        if row is None or not row.is_active:
            raise ValidationError(f"Invalid field: {field} does not name an active client of this account", field)
        return row
