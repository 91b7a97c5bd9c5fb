"""What invoices and quotes share in writing: a client's document with lines and exact totals, numbered in its
type's own sequence, changed only while it is a draft, every change in its history.

``Drafts`` holds that writing once; ``Invoices`` and ``Quotes`` say what differs (their tables, their number and
closing date, their statuses) and add their own fields and steps.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar

import peewee as pw

from cleverinvo.core import accounts, clock
from cleverinvo.core.billing import events, numbering, print_caps
from cleverinvo.core.billing.lines import (
    MAX_LINES,
    ParsedLine,
    check_exemption,
    line_input,
    line_record,
    line_rows,
    parse_lines,
    totals_within_bounds,
)
from cleverinvo.core.billing.totals import Totals, compute_totals
from cleverinvo.core.clients import Clients
from cleverinvo.core.errors import Conflict, NotFound, ValidationError
from cleverinvo.core.fields import Fields, days_after
from cleverinvo.core.ids import new_id
from cleverinvo.core.money import Currency, currency, from_minor, to_minor
from cleverinvo.core.paging import Paging
from cleverinvo.core.records import ClientRef, EventType, Language, Page, QuoteStatus, Status
from cleverinvo.core.storage import models
from cleverinvo.core.storage.db import transaction
from cleverinvo.core.storage.search import by_number_or_client, search_key
from cleverinvo.core.storage.statements import insert_rows


def totals_columns(totals: Totals, cur: Currency) -> dict[str, int]:
    """The stored totals of a document (an invoice, a quote), in minor units."""
    return {
        "subtotal_minor": to_minor(totals.subtotal, cur),
        "discount_minor": to_minor(totals.discount_total, cur),
        "tax_minor": to_minor(totals.tax_total, cur),
        "total_minor": to_minor(totals.total, cur),
    }


def check_not_before(issue: dt.date, end: dt.date, field: str) -> None:
    """A document's closing date (``dueDate``, ``validUntil``) is not before its issue date."""
    if end < issue:
        raise ValidationError(
            f"Invalid field: {field} must not be before issueDate", field, problem="must not be before the issue date"
        )


@dataclass(frozen=True, slots=True)
class Edit:
    """What an update body of a document (an invoice, a quote) asks for: ``changes`` holds the columns read as
    they are stored (notes, terms, buyer reference, language, exemption reason); the rest is checked against the
    stored document first."""

    changes: dict[str, Any]
    lines: list[ParsedLine] | None
    number: str | None
    client_id: str | None
    currency: Currency | None
    issue: dt.date | None
    end: dt.date | None

    @classmethod
    def read(cls, f: Fields, number_key: str, end_key: str) -> Edit:
        """Read an update body; ``number_key`` names the document's number, ``end_key`` its closing date."""
        changes: dict[str, Any] = {}
        for key in ("notes", "terms"):
            if f.has(key):
                changes[key] = f.text(key, max_length=5000, multiline=True)
        if f.has("buyerReference"):
            changes["buyer_reference"] = f.text("buyerReference", max_length=255)
        if f.has("language"):
            changes["language"] = f.language("language", required=True).value  # type: ignore[union-attr]
        if f.has("taxExemptionReason"):
            changes["tax_exemption_reason"] = f.text("taxExemptionReason", max_length=1000, multiline=True)
        return cls(
            changes=changes,
            lines=(
                parse_lines(f.items("lineItems", required=True, max_items=MAX_LINES) or [])
                if f.has("lineItems")
                else None
            ),
            number=f.visible_text(number_key, required=True, max_length=64) if f.has(number_key) else None,
            client_id=f.text("clientId", required=True, printed=False) if f.has("clientId") else None,
            currency=currency(f.data["currency"]) if f.has("currency") else None,
            issue=f.date("issueDate", required=True) if f.has("issueDate") else None,
            end=f.date(end_key, required=True) if f.has(end_key) else None,
        )


def summary_values(row: Any, cur: Currency) -> tuple[Any, ...]:
    """What every document's summary (``DocumentSummary``) takes from its stored row and client, in the order of
    its fields: a summary is made by position (a list makes a hundred; keywords and dicts cost a third more)."""
    return (
        row.id,
        row.client.id,
        row.number,
        cur,
        row.issue_date,
        from_minor(row.subtotal_minor, cur),
        from_minor(row.discount_minor, cur),
        from_minor(row.tax_minor, cur),
        from_minor(row.total_minor, cur),
        row.created_at,
        row.updated_at,
        client_ref(row.client),
    )


def detail_fields(row: Any, lines: Sequence[Any], cur: Currency) -> dict[str, Any]:
    """What every document's full record takes beyond its summary: its stored ``lines`` and tax per rate, notes and
    terms, language, buyer reference, exemption reason and version."""
    return {
        "line_items": tuple(line_record(line, cur) for line in lines),
        "taxes": compute_totals([line_input(line) for line in lines], cur).taxes,
        "notes": row.notes,
        "terms": row.terms,
        "language": Language(row.language),
        "buyer_reference": row.buyer_reference,
        "tax_exemption_reason": row.tax_exemption_reason,
        "version": row.version,
    }


def client_ref(client: models.Client) -> ClientRef:
    """The stored client as a document (an invoice, a quote) shows it."""
    return ClientRef(  # by position, in the record's order: a list makes one per row
        client.id,
        client.name,
        client.email,
        client.address,
        client.tax_id,
        client.postal_code,
        client.city,
        client.country,
        client.phone,
    )


T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class New:
    """The fields of a create body that every document has, checked, with the account's defaults filled in."""

    client_id: str
    number: str | None
    issue: dt.date
    end: dt.date  # the closing date: an invoice's due date, a quote's validity
    notes: str | None
    terms: str | None
    language: Language | None
    buyer_reference: str | None
    exemption: str | None
    currency: Currency
    lines: list[ParsedLine]
    totals: Totals


class Drafts:
    """One account's documents of one type (invoices, quotes): found by id, number or client, written as drafts
    with their lines, numbered in the type's own sequence, changed only while DRAFT, each change in the history
    with ``actor``. Another account's document is never found. A subclass names its tables and fields."""

    table: ClassVar[type[models.BaseModel]]  # the documents
    line_table: ClassVar[type[models.BaseModel]]  # their lines
    line_owner: ClassVar[str]  # the lines' column naming their document
    noun: ClassVar[str]  # what messages call one, capitalised
    statuses: ClassVar[type[Status] | type[QuoteStatus]]
    number_key: ClassVar[str]  # the body's field of its number
    end_key: ClassVar[str]  # the body's field of its closing date
    end_column: ClassVar[str]  # and its column
    sequence: ClassVar[numbering.Sequence]
    trail: ClassVar[events.Trail]

    def __init__(self, account_id: str, actor: str = events.SYSTEM) -> None:
        self.account_id = account_id
        self.actor = events.check_actor(actor)
        self.clients = Clients(account_id)

    @staticmethod
    def status_sql(today: dt.date) -> pw.Node:
        """The status each document reports, as one SQL expression (used to report it and to filter by it)."""
        raise NotImplementedError

    # Reading ------------------------------------------------------------------------------------------------

    def _scope(self, search: str | None = None) -> pw.Expression:
        """This account's documents, or those whose number, or whose client's name or e-mail, contains ``search``:
        then a union of two searches that each use their own index (one OR across both tables would use neither),
        and those ids drive the query instead of the account's whole index."""
        if search is None:
            return self.table.account == self.account_id
        return by_number_or_client(self.table, self.account_id, search)

    def _query(self, scope: pw.Expression, *where: pw.Expression) -> pw.ModelSelect:
        """The documents of a ``_scope`` where ``where`` holds, with their client and status."""
        return (
            self.table.select(self.table, models.Client, self.status_sql(clock.today()).alias("status"))
            .join(models.Client)
            .where(scope, *where)
        )

    def _row(self, document_id: object) -> Any:
        found = (
            self._query(self._scope(), self.table.id == document_id).get_or_none()
            if isinstance(document_id, str)
            else None
        )
        if found is None:
            raise NotFound(f"{self.noun} not found: {document_id}")
        return found

    def _where(self, client_id: str | None, status: object) -> list[pw.Expression]:
        """A list's filters: one client's documents, those reporting one status (refused unless one of the type's)."""
        where = []
        if client_id is not None:
            where.append(self.table.client == client_id)
        if status is not None:
            try:
                chosen = self.statuses(status)
            except ValueError:
                known = ", ".join(s.value for s in self.statuses)
                raise ValidationError(f"Invalid query parameter: status must be one of {known}", "status") from None
            where.append(self.status_sql(clock.today()) == chosen.value)
        return where

    def _page(
        self, paging: Paging, scope: pw.Expression, where: list[pw.Expression], item: Callable[[Any], T]
    ) -> Page[T]:
        """One page of the documents of ``scope`` where ``where`` holds, newest first, each made an ``item``.

        The count and the page's ids need no join, and the sort that picks the page carries each match's date and
        id alone; only the page's own rows are then read whole (sorting every match's whole row, notes, terms and
        client addresses included, cost several times more)."""
        table = self.table
        total = table.select(table.id).where(scope, *where).count()
        newest_first = table.select(table.id).where(scope, *where).order_by(table.created_at.desc(), table.id.desc())
        ids = [found for (found,) in paging.rows(newest_first.tuples(), total)]
        # The filters hold again on the rows read: one deleted, or whose status changed, since the ids were picked
        # is left out rather than shown under a filter it no longer meets (PostgreSQL reads each statement afresh).
        rows = {row.id: row for row in self._query(table.id.in_(ids), *where)} if ids else {}
        items = tuple(item(rows[found]) for found in ids if found in rows)
        return Page(items=items, total=total, page=paging.page, limit=paging.limit)

    def _stored_rows(self, document_id: str) -> list[Any]:
        """The document's stored lines, in order."""
        lines = self.line_table
        return list(lines.select().where(getattr(lines, self.line_owner) == document_id).order_by(lines.position))

    def _stored_lines(self, document_id: str) -> list[ParsedLine]:
        return [ParsedLine(r.description, line_input(r)) for r in self._stored_rows(document_id)]

    # Writing ------------------------------------------------------------------------------------------------

    def _read_new(self, f: Fields) -> New:
        """A create body's fields every document has, in the order they are checked: ``clientId``, the number
        (else the next of the sequence), ``lineItems``, ``issueDate`` (today), the closing date (the issue date
        plus the account's payment terms), ``notes`` and ``terms`` (the account's defaults), ``language``,
        ``buyerReference``, ``taxExemptionReason``, ``currency`` (the account's). Lines are checked, their
        exemption reason, what the PDF can print, and their totals."""
        client_id = f.text("clientId", required=True, printed=False)
        number = f.visible_text(self.number_key, max_length=64)
        raw_lines = f.items("lineItems", required=True, max_items=MAX_LINES)
        issue = f.date("issueDate") or clock.today()
        end = f.date(self.end_key)
        notes = f.text("notes", max_length=5000, multiline=True)
        terms = f.text("terms", max_length=5000, multiline=True)
        language = f.language("language")
        buyer_reference = f.text("buyerReference", max_length=255)
        exemption = f.text("taxExemptionReason", max_length=1000, multiline=True)
        settings = accounts.row(self.account_id)
        cur = currency(f.data["currency"] if f.data.get("currency") is not None else settings.default_currency)
        end = end or days_after(issue, settings.payment_terms_days, "issueDate", f"the default {self.end_key}")
        if not f.has("notes"):
            notes = settings.default_notes
        if not f.has("terms"):
            terms = settings.default_terms
        check_not_before(issue, end, self.end_key)
        lines = parse_lines(raw_lines or [])
        check_exemption(lines, exemption)
        print_caps.check_document((line.description for line in lines), notes, terms)
        assert client_id is not None
        return New(
            client_id=client_id,
            number=number,
            issue=issue,
            end=end,
            notes=notes,
            terms=terms,
            language=language,
            buyer_reference=buyer_reference,
            exemption=exemption,
            currency=cur,
            lines=lines,
            totals=totals_within_bounds(lines, cur),
        )

    def _count_creation(self, account: models.Account) -> None:
        """Inside the creating transaction, before the number is taken: what a plan counts (nothing here)."""

    def _create(self, new: New, **columns: Any) -> str:
        """Write a new DRAFT in one transaction (a savepoint of the caller's, when one is open): numbered, with its
        row (and the type's own ``columns``), its lines and a ``created`` event; returns its id."""
        try:
            with transaction():
                account = accounts.lock(self.account_id)
                client = self.clients.active_row(new.client_id)
                self._count_creation(account)
                number = self._claim_number(new.number) if new.number else numbering.allocate(account, self.sequence)
                document_id = new_id()
                now = clock.now()
                self.table.create(
                    id=document_id,
                    account=self.account_id,
                    client=client.id,
                    number=number,
                    search=search_key(number),
                    currency=new.currency.code,
                    issue_date=new.issue,
                    notes=new.notes,
                    terms=new.terms,
                    language=(new.language or client.language or account.language),
                    buyer_reference=new.buyer_reference,
                    tax_exemption_reason=new.exemption,
                    created_at=now,
                    updated_at=now,
                    **{self.end_column: new.end},
                    **totals_columns(new.totals, new.currency),
                    **columns,
                )
                self._write_lines(document_id, new.lines, new.totals, new.currency)
                events.record(document_id, EventType.CREATED, self.actor, self.trail, number=number)
        except pw.IntegrityError:
            raise Conflict(f"{self.noun} number already taken: {new.number}") from None
        return document_id

    def _claim_number(self, number: str) -> str:
        if numbering.is_taken(self.account_id, number, self.sequence):
            raise Conflict(f"{self.noun} number already taken: {number}")
        return number

    def _write_lines(self, document_id: str, lines: Sequence[ParsedLine], totals: Totals, cur: Currency) -> None:
        insert_rows(self.line_table, [{self.line_owner: document_id, **r} for r in line_rows(lines, totals, cur)])

    def locked(self, document_id: object) -> Any:
        """Inside a transaction: the stored document of this account with its status, its row locked until the
        transaction ends (a no-op UPDATE, portable to every backend), so that one writer at a time decides from
        what it reads: under PostgreSQL's read committed, an edit of a draft would otherwise land after the send
        that issued it, and two payments would each see the whole amount due. Taken before the account's lock
        where both are taken, so two writers never wait for each other. ``NotFound``."""
        if isinstance(document_id, str):
            table = self.table
            table.update({table.version: table.version}).where(
                (table.id == document_id) & (table.account == self.account_id)
            ).execute()
        return self._row(document_id)

    def _editable_row(self, document_id: str) -> Any:
        row = self.locked(document_id)  # a send at the same moment comes wholly before or after the change
        if not self.statuses(row.status).editable:
            raise Conflict(f"Only DRAFT {self.noun.lower()}s can be modified; {row.number} is {row.status}")
        return row

    def _check_update(self, row: Any, changes: dict[str, Any]) -> None:
        """Inside the updating transaction: the type's own checks of ``changes`` against the stored ``row``."""

    def _update(self, document_id: str, f: Fields, edit: Edit) -> None:
        """Change only the fields given (``lineItems`` replaces all lines) of a DRAFT, with an ``updated`` event:
        ``edit`` read from ``f``, its ``changes`` holding the type's own columns too."""
        changes = edit.changes
        try:
            with transaction():
                row = self._editable_row(document_id)
                check_not_before(edit.issue or row.issue_date, edit.end or getattr(row, self.end_column), self.end_key)
                self._check_update(row, changes)
                lines = edit.lines if edit.lines is not None else self._stored_lines(row.id)
                check_exemption(lines, changes.get("tax_exemption_reason", row.tax_exemption_reason))
                if edit.client_id is not None:
                    changes["client"] = self.clients.active_row(edit.client_id).id
                if edit.number is not None and edit.number != row.number:
                    changes["number"] = self._claim_number(edit.number)
                    changes["search"] = search_key(edit.number)
                if edit.issue is not None:
                    changes["issue_date"] = edit.issue
                if edit.end is not None:
                    changes[self.end_column] = edit.end
                if edit.lines is not None or "notes" in changes or "terms" in changes:
                    descriptions = (line.description for line in lines)
                    print_caps.check_document(
                        descriptions, changes.get("notes", row.notes), changes.get("terms", row.terms)
                    )
                if edit.lines is not None or edit.currency is not None:
                    cur = edit.currency or currency(row.currency)
                    totals = totals_within_bounds(lines, cur)
                    changes.update(currency=cur.code, **totals_columns(totals, cur))
                    self.line_table.delete().where(getattr(self.line_table, self.line_owner) == row.id).execute()
                    self._write_lines(row.id, lines, totals, cur)
                if changes:
                    self._change(row, **changes)
                    events.record(row.id, EventType.UPDATED, self.actor, self.trail, fields=sorted(f.data))
        except pw.IntegrityError:
            raise Conflict(f"{self.noun} number already taken: {edit.number}") from None

    def _change(self, row: Any, **changes: Any) -> None:
        """A new version of the document with ``changes``."""
        table = self.table
        table.update({table.version: table.version + 1, table.updated_at: clock.now()}, **changes).where(
            table.id == row.id
        ).execute()
