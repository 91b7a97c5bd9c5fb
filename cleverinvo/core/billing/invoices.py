"""Invoices of one account: write them with exact totals, number them, move them through their statuses,
record payments, list and search them.

The status an invoice reports is derived in SQL from what is stored (stage, amounts, due date, today in UTC),
by one expression used both to report it and to filter by it, so a filter returns exactly the invoices that
report that status.
"""

from __future__ import annotations

import datetime as dt
from collections import namedtuple
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import peewee as pw

from cleverinvo.core import accounts, clock
from cleverinvo.core.billing import events, issuing, numbering
from cleverinvo.core.billing.drafts import Drafts, Edit, detail_fields, summary_values
from cleverinvo.core.billing.lines import MAX_AMOUNT, line_fields
from cleverinvo.core.delivery import links
from cleverinvo.core.einvoice.semantic import invoice_document
from cleverinvo.core.errors import Conflict, NotFound, ValidationError
from cleverinvo.core.fields import Fields
from cleverinvo.core.ids import new_id
from cleverinvo.core.money import ZERO, Currency, currency, from_minor, to_minor
from cleverinvo.core.paging import Paging
from cleverinvo.core.records import (
    Event,
    EventType,
    Invoice,
    InvoiceSummary,
    Page,
    Payment,
    Status,
)
from cleverinvo.core.storage import models, tally
from cleverinvo.core.storage.db import transaction
from cleverinvo.core.storage.statements import Prepared

INVOICE_FIELDS = (
    "clientId",
    "invoiceNumber",
    "currency",
    "issueDate",
    "dueDate",
    "lineItems",
    "notes",
    "terms",
    "language",
    "buyerReference",
    "serviceDate",
    "servicePeriodStart",
    "servicePeriodEnd",
    "taxExemptionReason",
)
PAYMENT_FIELDS = ("amount", "date", "method", "note")


def settled_sql() -> pw.Node:
    """What of an invoice is settled, in minor units: payments and credit notes alike."""
    return models.Invoice.paid_minor + models.Invoice.credited_minor


def status_sql(today: dt.date) -> pw.Node:
    """The status every invoice reports, as one SQL expression. Credit notes count as settled; an invoice
    whose whole total is credited is VOID."""
    invoice = models.Invoice
    return pw.Case(
        None,
        (
            (invoice.stage == Status.DRAFT.value, Status.DRAFT.value),
            ((invoice.credited_minor >= invoice.total_minor) & (invoice.credited_minor > 0), Status.VOID.value),
            (settled_sql() >= invoice.total_minor, Status.PAID.value),
            (invoice.due_date < today, Status.OVERDUE.value),
            (settled_sql() > 0, Status.PARTIALLY_PAID.value),
        ),
        invoice.stage,
    )


SUPPLY_COLUMNS = {
    "serviceDate": "service_date",
    "servicePeriodStart": "service_period_start",
    "servicePeriodEnd": "service_period_end",
}


@dataclass(frozen=True, slots=True)
class SupplyDates:
    """When the goods or services were supplied: one date, or a period, or neither."""

    date: dt.date | None
    start: dt.date | None
    end: dt.date | None

    def check(self) -> None:
        if self.date is not None and (self.start is not None or self.end is not None):
            raise ValidationError(
                "Invalid field: give either serviceDate or servicePeriodStart and servicePeriodEnd, not both",
                "serviceDate",
                problem="cannot be given with a service period: give one date or a period, not both",
            )
        if (self.start is None) != (self.end is None):
            missing = "servicePeriodEnd" if self.end is None else "servicePeriodStart"
            raise ValidationError(
                f"Missing required field: {missing} (a service period needs its start and its end)",
                missing,
                problem="is required: a service period needs its start and its end",
            )
        if self.start is not None and self.end is not None and self.end < self.start:
            raise ValidationError(
                "Invalid field: servicePeriodEnd must not be before servicePeriodStart",
                "servicePeriodEnd",
                problem="must not be before the start of the service period",
            )


# What a list shows of an invoice and its client (then the status), read as plain values by prepared SQL.
_LISTED_INVOICE = tuple(
    getattr(models.Invoice, name)
    for name in (
        *("id", "number", "currency", "issue_date", "due_date", "subtotal_minor", "discount_minor", "tax_minor"),
        *("total_minor", "paid_minor", "credited_minor", "created_at", "updated_at"),
    )
)
_LISTED_CLIENT = tuple(
    getattr(models.Client, name)
    for name in ("id", "name", "email", "address", "tax_id", "postal_code", "city", "country", "phone")
)
_NEWEST = Prepared(
    lambda account, today, limit, offset: (
        models.Invoice.select(*_LISTED_INVOICE, *_LISTED_CLIENT, status_sql(today).alias("status"))
        .join(models.Client)
        .where(models.Invoice.account == account)
        .order_by(models.Invoice.created_at.desc(), models.Invoice.id.desc())
        .limit(limit)
        .offset(offset)
    ),
    account="",
    today=dt.date.today(),
    limit=0,
    offset=0,
)


# A row of ``_NEWEST`` read by name, as ``_summary_values`` reads a model's (tuples made in C: a page reads 100).
_ListedInvoice = namedtuple("_ListedInvoice", (*(f.name for f in _LISTED_INVOICE), "client"))  # type: ignore[misc]
_ListedClient = namedtuple("_ListedClient", (f.name for f in _LISTED_CLIENT))  # type: ignore[misc]
_SPLIT = len(_LISTED_INVOICE)


def _listed(values: tuple[Any, ...]) -> tuple[Any, str]:
    """A row of ``_NEWEST`` as what ``_summary_values`` reads, and its status."""
    return _ListedInvoice(*values[:_SPLIT], _ListedClient._make(values[_SPLIT:-1])), values[-1]


_STATUSES = {status.value: status for status in Status}  # a dict lookup: Enum's own call costs 0.3 µs a row


def _summary_values(row: Any, status: str) -> tuple[Any, ...]:
    """An ``InvoiceSummary``'s fields in order, from a stored row (or a row of ``_NEWEST``) and its status."""
    cur = currency(row.currency)
    return (
        *summary_values(row, cur),
        row.due_date,
        from_minor(row.paid_minor, cur),
        from_minor(row.credited_minor, cur),
        _STATUSES[status],
    )


def _payment_record(row: models.Payment, cur: Currency) -> Payment:
    return Payment(
        id=row.id,
        invoice_id=row.invoice_id,
        amount=from_minor(row.amount_minor, cur),
        date=row.paid_on,
        method=row.method,
        note=row.note,
        created_at=row.created_at,
    )


class Invoices(Drafts):
    """The invoices of one account. Another account's invoice is never found. Every change is written to the
    invoice's history with ``actor`` (an API key's first 12 characters, ``tui``, ``cli`` or ``system``)."""

    table = models.Invoice
    line_table = models.LineItem
    line_owner = "invoice"
    noun = "Invoice"
    statuses = Status
    number_key = "invoiceNumber"
    end_key = "dueDate"
    end_column = "due_date"
    sequence = numbering.INVOICES
    trail = events.INVOICES
    status_sql = staticmethod(status_sql)

    # Reading ------------------------------------------------------------------------------------------------

    def number_and_version(self, invoice_id: str) -> tuple[str, int]:
        """An invoice's number and version alone (a cheap read), or ``NotFound``."""
        found = (
            models.Invoice.select(models.Invoice.number, models.Invoice.version)
            .where((models.Invoice.id == invoice_id) & (models.Invoice.account == self.account_id))
            .tuples()
            .get_or_none()
            if isinstance(invoice_id, str)
            else None
        )
        if found is None:
            raise NotFound(f"Invoice not found: {invoice_id}")
        return found

    def get(self, invoice_id: str) -> Invoice:
        """One invoice with its line items, tax per rate, payments and client."""
        row = self._row(invoice_id)
        cur = currency(row.currency)
        payments = models.Payment.select().where(models.Payment.invoice == row.id)
        return Invoice(
            *_summary_values(row, row.status),
            **detail_fields(row, self._stored_rows(row.id), cur),
            payments=tuple(
                _payment_record(p, cur) for p in payments.order_by(models.Payment.paid_on, models.Payment.created_at)
            ),
            sent_via_email=row.sent_via_email,
            sent_at=row.sent_at,
            viewed_at=row.viewed_at,
            paid_at=row.paid_at,
            view_token=links.token_of(row.id),
            recurring_id=row.recurring_id,
            quote_id=row.quote_id,
            service_date=row.service_date,
            service_period_start=row.service_period_start,
            service_period_end=row.service_period_end,
        )

    def list(
        self,
        page: int = 1,
        limit: int = 20,
        search: str | None = None,
        client_id: str | None = None,
        status: Status | str | None = None,
    ) -> Page[InvoiceSummary]:
        """Newest first; search matches the number or the client's name or e-mail, case-insensitively."""
        paging = Paging.check(page, limit, search)
        where = self._where(client_id, status)
        if paging.search is None and not where:  # the hot path: the count the database keeps, prepared SQL
            total = tally.of(self.account_id)[2]
            page = (
                ()
                if paging.past_end(total)
                else _NEWEST.rows(
                    account=self.account_id, today=clock.today(), limit=paging.limit, offset=paging.offset
                )
            )
            items = tuple(InvoiceSummary(*_summary_values(*_listed(r))) for r in page)
            return Page(items=items, total=total, page=paging.page, limit=paging.limit)
        return self._page(paging, self._scope(paging.search), where, self._summary)

    @staticmethod
    def _summary(row: models.Invoice) -> InvoiceSummary:
        return InvoiceSummary(*_summary_values(row, row.status))

    # Writing ------------------------------------------------------------------------------------------------

    def create(self, data: object, *, recurring_id: str | None = None, quote_id: str | None = None) -> Invoice:
        """A new DRAFT invoice from the seed's body: ``clientId``, ``lineItems`` and optional ``invoiceNumber``,
        ``currency``, ``issueDate``, ``dueDate``, ``notes``, ``terms``; and optional ``language`` (else the
        client's, else the account's), ``buyerReference``, ``serviceDate`` or ``servicePeriodStart`` and
        ``servicePeriodEnd``, ``taxExemptionReason``. The invoice and its line items are written in one
        transaction (a savepoint of the caller's, when one is open), counted against the plan. ``recurring_id``
        links it to the schedule that made it, ``quote_id`` to the quote it was made from."""
        f = Fields(data, INVOICE_FIELDS)
        new = self._read_new(f)
        supply = SupplyDates(f.date("serviceDate"), f.date("servicePeriodStart"), f.date("servicePeriodEnd"))
        supply.check()
        invoice_id = self._create(
            new,
            recurring_id=recurring_id,
            quote_id=quote_id,
            service_date=supply.date,
            service_period_start=supply.start,
            service_period_end=supply.end,
        )
        return self.get(invoice_id)

    def _count_creation(self, account: models.Account) -> None:
        accounts.count_invoice_creation(account)

    def update(self, invoice_id: str, data: object) -> Invoice:
        """Change only the fields given (``lineItems`` replaces all lines); DRAFT invoices only."""
        f = Fields(data, INVOICE_FIELDS)
        edit = Edit.read(f, self.number_key, self.end_key)
        for key, column in SUPPLY_COLUMNS.items():
            if f.has(key):
                edit.changes[column] = f.date(key)
        self._update(invoice_id, f, edit)
        return self.get(invoice_id)

    def _check_update(self, row: Any, changes: dict[str, Any]) -> None:
        SupplyDates(*(changes.get(column, getattr(row, column)) for column in SUPPLY_COLUMNS.values())).check()

    def delete(self, invoice_id: str) -> None:
        """Delete a draft with its line items, history and PDF, as if it never existed: when it held the newest
        automatic number, that number is given back. An issued invoice is never deleted (``Conflict``): a
        credit note corrects it."""
        with transaction():
            row = self.locked(invoice_id)
            if row.stage != Status.DRAFT.value:
                raise Conflict(
                    f"Only DRAFT invoices can be deleted; {row.number} is {row.status}. "
                    "Issue a credit note to correct or cancel it"
                )
            account = accounts.lock(self.account_id)
            models.Invoice.delete().where(models.Invoice.id == row.id).execute()
            numbering.give_back(account, row.number)

    def copy_of(self, invoice_id: str) -> dict[str, Any]:
        """What ``create`` takes to make a copy of an invoice: the same client, currency, lines, notes and terms,
        dated today with the same days to pay, and no number (it gets one when it is saved). An editor shows it
        unsaved, so a copy thrown away takes no number."""
        source = self.get(invoice_id)
        issue = clock.today()
        return {
            "clientId": source.client_id,
            "currency": source.currency.code,
            "issueDate": issue,
            "dueDate": issue + (source.due_date - source.issue_date),
            "notes": source.notes,
            "terms": source.terms,
            "language": source.language.value,
            "buyerReference": source.buyer_reference,
            "taxExemptionReason": source.tax_exemption_reason,
            "lineItems": [line_fields(li) for li in source.line_items],
        }

    def duplicate(self, invoice_id: str) -> Invoice:
        """A new DRAFT made from ``copy_of`` the invoice, numbered anew."""
        return self.create(self.copy_of(invoice_id))

    # Statuses and payments ----------------------------------------------------------------------------------

    def issue(self, invoice_id: str, via_email: bool = False) -> bool:
        """Issue a draft: DRAFT → SENT, with its seller and client copied into it (its documents show that copy
        ever after) and an ``issued`` event, in one transaction, or within the caller's (sending an e-mail
        calls it in the transaction that records the e-mail). An invoice that totals nothing is paid as soon as
        it is issued. ``False`` when it was issued already: then nothing changes. When the seller makes
        e-invoices, an invoice that cannot be one stays a draft (``Conflict`` naming the missing business
        terms)."""
        with transaction():
            row = self.locked(invoice_id)
            if row.stage != Status.DRAFT.value:
                return False
            accounts.require_seller(accounts.row(self.account_id), "send an invoice")
            now = clock.now()
            self._change(
                row,
                stage=Status.SENT.value,
                sent_at=now,
                sent_via_email=via_email,
                paid_at=now if row.total_minor == 0 else None,
            )
            issuing.freeze(row.id)
            links.give_token(row.id)
            events.record(row.id, EventType.ISSUED, self.actor, number=row.number)
            self._check_e_invoice(row.id)
        return True

    def mark_sent(self, invoice_id: str, via_email: bool = False) -> Invoice:
        """Issue a draft (see ``issue``); ``Conflict`` when it was sent already."""
        with transaction():
            if not self.issue(invoice_id, via_email=via_email):
                raise Conflict(f"Invoice {self._row(invoice_id).number} was already sent")
        return self.get(invoice_id)

    def _check_e_invoice(self, invoice_id: str) -> None:
        """Inside the transaction that issues the invoice, once its copy is taken: refuse (``Conflict``) when the
        seller makes e-invoices and EN 16931 data is missing, so that the whole issue rolls back."""
        issued = self.get(invoice_id)
        shown = issuing.parties(issued)
        if shown.seller.e_invoice:
            invoice_document(issued, shown.seller, shown.client_ref)

    def send(self, invoice_id: str, data: object) -> Invoice:
        """``mark_sent`` from an API body: ``{"viaEmail": true}``, or ``{}`` when it was sent another way."""
        via_email = Fields(data, ("viaEmail",)).boolean("viaEmail")
        return self.mark_sent(invoice_id, via_email=bool(via_email))

    def mark_viewed(self, invoice_id: str) -> Invoice:
        """SENT → VIEWED, when the client has opened the invoice. Viewing again changes nothing."""
        with transaction():
            row = self._row(invoice_id)
            if row.stage == Status.DRAFT.value:
                raise Conflict(f"Invoice {row.number} has not been sent yet")
            if row.stage == Status.SENT.value:
                self._change(row, stage=Status.VIEWED.value, viewed_at=clock.now())
                events.record(row.id, EventType.VIEWED, self.actor)
        return self.get(invoice_id)

    def record_payment(self, invoice_id: str, data: object) -> Payment:
        """Record ``{"amount": …, "date": "YYYY-MM-DD", "method": …, "note": …}`` against a sent invoice.
        The invoice becomes PARTIALLY_PAID, or PAID (with ``paidAt``) when nothing is left to pay."""
        f = Fields(data, PAYMENT_FIELDS)
        amount = f.decimal("amount", required=True, above=ZERO, maximum=MAX_AMOUNT)
        paid_on = f.date("date") or clock.today()
        if paid_on > clock.today():
            raise f.invalid("date", "must not be in the future")
        method = f.text("method", max_length=64)
        note = f.text("note", max_length=1000, multiline=True)
        assert amount is not None
        with transaction():
            row = self.locked(invoice_id)
            cur = currency(row.currency)
            if amount != amount.quantize(cur.quantum):
                raise f.invalid("amount", f"must have at most {cur.digits} decimal places for {cur.code}")
            if row.stage == Status.DRAFT.value:
                raise Conflict(f"Invoice {row.number} is a draft; mark it sent before recording a payment")
            if row.status == Status.VOID.value:
                raise Conflict(f"Invoice {row.number} is VOID: credit notes cancelled it, nothing is due")
            due = max(row.total_minor - row.paid_minor - row.credited_minor, 0)
            minor = to_minor(amount, cur)
            if minor > due:
                raise f.invalid("amount", f"must not exceed the amount due, {from_minor(due, cur)} {cur.code}")
            payment = models.Payment.create(
                id=new_id(),
                invoice=row.id,
                amount_minor=minor,
                paid_on=paid_on,
                method=method,
                note=note,
                created_at=clock.now(),
            )
            fully_paid = minor == due
            self._change(
                row,
                paid_minor=models.Invoice.paid_minor + minor,
                paid_at=clock.now() if fully_paid else None,
            )
            events.record(
                row.id,
                EventType.PAYMENT_RECORDED,
                self.actor,
                paymentId=payment.id,
                amount=amount,
                date=paid_on.isoformat(),
            )
        return _payment_record(payment, cur)

    def remove_payment(self, invoice_id: str, payment_id: str) -> Invoice:
        """Remove a payment recorded by mistake; the invoice's status follows (PAID becomes PARTIALLY_PAID, or
        SENT or OVERDUE again). An invoice that the other payments and its credit notes still settle stays PAID
        since when it was."""
        with transaction():
            row = self.locked(invoice_id)
            payment = (
                models.Payment.get_or_none((models.Payment.id == payment_id) & (models.Payment.invoice == row.id))
                if isinstance(payment_id, str)
                else None
            )
            if payment is None:
                raise NotFound(f"Payment not found: {payment_id}")
            cur = currency(row.currency)
            paid = row.paid_minor - payment.amount_minor
            still_settled = paid > 0 and paid + row.credited_minor >= row.total_minor
            models.Payment.delete().where(models.Payment.id == payment.id).execute()
            self._change(
                row,
                paid_minor=models.Invoice.paid_minor - payment.amount_minor,
                paid_at=row.paid_at if still_settled else None,
            )
            events.record(
                row.id,
                EventType.PAYMENT_REMOVED,
                self.actor,
                paymentId=payment.id,
                amount=from_minor(payment.amount_minor, cur),
                date=payment.paid_on.isoformat(),
            )
        return self.get(invoice_id)

    def count_credit(self, row: models.Invoice, minor: int, credit_note_id: str, number: str, total: Decimal) -> None:
        """Inside the transaction that makes a credit note of ``minor`` units on the invoice ``row``: count it
        as settled (``paidAt`` set when payments and credits now settle a paid invoice) and in the history."""
        settles = row.paid_minor > 0 and row.paid_minor + row.credited_minor + minor >= row.total_minor
        self._change(
            row,
            credited_minor=models.Invoice.credited_minor + minor,
            paid_at=row.paid_at or (clock.now() if settles else None),
        )
        events.record(
            row.id, EventType.CREDITED, self.actor, creditNoteId=credit_note_id, creditNoteNumber=number, total=total
        )

    def payments(self, invoice_id: str) -> tuple[Payment, ...]:
        """The payments of an invoice, oldest first."""
        return self.get(invoice_id).payments

    # History ------------------------------------------------------------------------------------------------

    def record_event(self, invoice_id: str, type_: EventType, **detail: Any) -> None:
        """Append an event that another capability's change made (an e-mail sent, a reminder), inside that
        change's transaction."""
        with transaction():
            events.record(self._row(invoice_id).id, type_, self.actor, **detail)

    def events(self, invoice_id: str) -> tuple[Event, ...]:
        """What happened to the invoice, oldest first."""
        return events.history(self._row(invoice_id).id)
