"""Invoices of one account: write them with exact totals, number them, move them through their statuses,
record payments, list and search them.

The status an invoice reports is derived in SQL from what is stored (stage, amounts, due date, today in UTC),
by one expression used both to report it and to filter by it, so a filter returns exactly the invoices that
report that status.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import peewee as pw

from cleverinvo.core import accounts, clock
from cleverinvo.core.billing import events, issuing, numbering, print_caps
from cleverinvo.core.billing.taxes import TaxCategory
from cleverinvo.core.billing.totals import LineInput, Totals, compute_totals
from cleverinvo.core.clients import Clients
from cleverinvo.core.delivery import links
from cleverinvo.core.einvoice.semantic import invoice_document
from cleverinvo.core.errors import Conflict, NotFound, ValidationError
from cleverinvo.core.fields import Fields, days_after
from cleverinvo.core.ids import new_id
from cleverinvo.core.money import HUNDRED, ZERO, Currency, currency, from_minor, to_minor
from cleverinvo.core.paging import Paging
from cleverinvo.core.records import (
    ClientRef,
    Event,
    EventType,
    Invoice,
    InvoiceSummary,
    Language,
    LineItem,
    Page,
    Payment,
    Status,
)
from cleverinvo.core.storage import models, tally
from cleverinvo.core.storage.db import transaction
from cleverinvo.core.storage.search import by_number_or_client, search_key
from cleverinvo.core.storage.statements import Prepared, insert_rows

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
LINE_FIELDS = ("description", "quantity", "unitPrice", "taxRate", "discountRate", "taxCategory")
PAYMENT_FIELDS = ("amount", "date", "method", "note")

MAX_QUANTITY = Decimal("1000000000")
MAX_UNIT_PRICE = Decimal("100000000000")
MAX_AMOUNT = Decimal("100000000000")  # any line amount and any invoice total; keeps SQL sums in 64 bits
MAX_LINES = 1000


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


def parse_status(value: object) -> Status:
    try:
        return Status(value)
    except ValueError:
        raise ValidationError(
            f"Invalid query parameter: status must be one of {', '.join(s.value for s in Status)}", "status"
        ) from None


@dataclass(frozen=True, slots=True)
class ParsedLine:
    description: str
    values: LineInput


def parse_lines(raw: Sequence[Any]) -> list[ParsedLine]:
    """Line items as given (a list of objects) into exact values, each checked with its own field name."""
    lines = []
    for index, item in enumerate(raw):
        f = Fields(item, LINE_FIELDS, prefix=f"lineItems[{index}].", line=index)
        description = f.text("description", required=True, max_length=1000, multiline=True)
        assert description is not None
        print_caps.check_description(description, f.name("description"))
        quantity = f.decimal("quantity", required=True, above=ZERO, maximum=MAX_QUANTITY)
        unit_price = f.decimal("unitPrice", required=True, minimum=ZERO, maximum=MAX_UNIT_PRICE)
        tax_rate = f.decimal("taxRate", minimum=ZERO, maximum=HUNDRED, places=4)
        discount_rate = f.decimal("discountRate", minimum=ZERO, maximum=HUNDRED, places=4)
        category = _category(f, tax_rate or ZERO)
        assert quantity is not None and unit_price is not None
        lines.append(
            ParsedLine(
                description,
                LineInput(quantity, unit_price, tax_rate or ZERO, discount_rate or ZERO, category),
            )
        )
    return lines


def _category(f: Fields, rate: Decimal) -> TaxCategory:
    """A line's ``taxCategory``: the one given, which must fit the rate, else the default for the rate."""
    given = f.data.get("taxCategory")
    if given is None:
        return TaxCategory.default_for(rate)
    try:
        category = TaxCategory(given)
    except ValueError:
        raise f.invalid("taxCategory", f"must be one of {', '.join(c.value for c in TaxCategory)}") from None
    problem = category.rate_problem(rate)
    if problem is not None:
        raise f.invalid("taxCategory", problem, category.rate_problem(rate, "tax rate"))
    return category


def check_exemption(lines: Sequence[ParsedLine], reason: str | None) -> None:
    """Lines exempt, reverse-charged, intra-EU, exported or out of scope need the invoice to say why."""
    if reason:
        return
    for index, line in enumerate(lines):
        category = line.values.category
        if category.needs_exemption_reason:
            raise ValidationError(
                f"Missing required field: taxExemptionReason (lineItems[{index}] has tax category "
                f"{category.value}, {category.label})",
                "taxExemptionReason",
                problem=f"is required: line {index + 1} has tax category {category.value} ({category.label})",
            )


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


def totals_within_bounds(lines: Sequence[ParsedLine], cur: Currency) -> Totals:
    """The totals of these lines, refusing amounts beyond what CleverInvo stores."""
    totals = compute_totals([line.values for line in lines], cur)
    if max((r.amount for r in totals.lines), default=ZERO) > MAX_AMOUNT or totals.total > MAX_AMOUNT:
        raise ValidationError(
            f"Invalid field: lineItems amounts exceed the largest invoice total, {MAX_AMOUNT:,}", "lineItems"
        )
    return totals


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


def preview_totals(currency_code: str, raw_lines: Sequence[Mapping[str, Any]]) -> Totals:
    """The totals an invoice with these lines would have, without saving anything (live totals in an editor)."""
    return totals_within_bounds(parse_lines(raw_lines), currency(currency_code))


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


def _listed(values: tuple[Any, ...]) -> tuple[SimpleNamespace, str]:
    """A row of ``_NEWEST`` as what ``_summary_fields`` reads."""
    split = len(_LISTED_INVOICE)
    row = SimpleNamespace(**{f.name: v for f, v in zip(_LISTED_INVOICE, values[:split], strict=True)})
    row.client = SimpleNamespace(**{f.name: v for f, v in zip(_LISTED_CLIENT, values[split:-1], strict=True)})
    return row, values[-1]


def _summary_fields(row: models.Invoice | SimpleNamespace, status: str) -> dict[str, Any]:
    cur = currency(row.currency)
    client = row.client
    return {
        "id": row.id,
        "client_id": client.id,
        "number": row.number,
        "currency": cur,
        "issue_date": row.issue_date,
        "due_date": row.due_date,
        "subtotal": from_minor(row.subtotal_minor, cur),
        "discount_total": from_minor(row.discount_minor, cur),
        "tax_total": from_minor(row.tax_minor, cur),
        "total": from_minor(row.total_minor, cur),
        "amount_paid": from_minor(row.paid_minor, cur),
        "amount_credited": from_minor(row.credited_minor, cur),
        "status": Status(status),
        "created_at": row.created_at,
        "updated_at": row.updated_at,
        "client": client_ref(client),
    }


def client_ref(client: models.Client) -> ClientRef:
    """The stored client as a document (an invoice, a quote) shows it."""
    return ClientRef(
        id=client.id,
        name=client.name,
        email=client.email,
        address=client.address,
        tax_id=client.tax_id,
        postal_code=client.postal_code,
        city=client.city,
        country=client.country,
        phone=client.phone,
    )


def line_rows(lines: Sequence[ParsedLine], totals: Totals, cur: Currency) -> list[dict[str, Any]]:
    """The stored columns of each line (of an invoice, a quote or a credit note), without the document it belongs to."""
    return [
        {
            "position": position,
            "description": line.description,
            "quantity": line.values.quantity,
            "unit_price": line.values.unit_price,
            "tax_rate": line.values.tax_rate,
            "discount_rate": line.values.discount_rate,
            "tax_category": line.values.category.value,
            "amount_minor": to_minor(result.amount, cur),
            "discount_minor": to_minor(result.discount, cur),
        }
        for position, (line, result) in enumerate(zip(lines, totals.lines, strict=True))
    ]


def line_record(row: models.LineItem | models.QuoteLine | models.CreditNoteLine, cur: Currency) -> LineItem:
    """A stored line (of an invoice, a quote or a credit note) as the core hands it out."""
    return LineItem(
        description=row.description,
        quantity=row.quantity,
        unit_price=row.unit_price,
        tax_rate=row.tax_rate,
        discount_rate=row.discount_rate,
        amount=from_minor(row.amount_minor, cur),
        discount=from_minor(row.discount_minor, cur),
        tax_category=TaxCategory(row.tax_category),
    )


def line_input(row: models.LineItem | models.QuoteLine | models.CreditNoteLine) -> LineInput:
    return LineInput(row.quantity, row.unit_price, row.tax_rate, row.discount_rate, TaxCategory(row.tax_category))


def line_fields(line: LineItem) -> dict[str, Any]:
    """A line as ``create`` takes it back (copies of invoices, invoices made from quotes)."""
    return {
        "description": line.description,
        "quantity": line.quantity,
        "unitPrice": line.unit_price,
        "taxRate": line.tax_rate,
        "discountRate": line.discount_rate,
        "taxCategory": line.tax_category.value,
    }


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


class Invoices:
    """The invoices of one account. Another account's invoice is never found. Every change is written to the
    invoice's history with ``actor`` (an API key's first 12 characters, ``tui``, ``cli`` or ``system``)."""

    def __init__(self, account_id: str, actor: str = events.SYSTEM) -> None:
        self.account_id = account_id
        self.actor = events.check_actor(actor)
        self.clients = Clients(account_id)

    # Reading ------------------------------------------------------------------------------------------------

    def _scope(self, search: str | None = None) -> pw.Expression:
        """This account's invoices, or those whose number, or whose client's name or e-mail, contains ``search``:
        then a union of two searches that each use their own index (one OR across both tables would use neither),
        and those ids drive the query instead of the account's whole index."""
        if search is None:
            return models.Invoice.account == self.account_id
        return by_number_or_client(models.Invoice, self.account_id, search)

    def _query(self, scope: pw.Expression, *where: pw.Expression) -> pw.ModelSelect:
        """The invoices of a ``_scope`` where ``where`` holds, with their client and status."""
        return (
            models.Invoice.select(models.Invoice, models.Client, status_sql(clock.today()).alias("status"))
            .join(models.Client)
            .where(scope, *where)
        )

    def _row(self, invoice_id: object) -> models.Invoice:
        found = (
            self._query(self._scope(), models.Invoice.id == invoice_id).get_or_none()
            if isinstance(invoice_id, str)
            else None
        )
        if found is None:
            raise NotFound(f"Invoice not found: {invoice_id}")
        return found

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
        lines = list(
            models.LineItem.select().where(models.LineItem.invoice == row.id).order_by(models.LineItem.position)
        )
        payments = models.Payment.select().where(models.Payment.invoice == row.id)
        totals = compute_totals([line_input(li) for li in lines], cur)
        return Invoice(
            **_summary_fields(row, row.status),
            line_items=tuple(line_record(li, cur) for li in lines),
            taxes=totals.taxes,
            payments=tuple(
                _payment_record(p, cur) for p in payments.order_by(models.Payment.paid_on, models.Payment.created_at)
            ),
            notes=row.notes,
            terms=row.terms,
            sent_via_email=row.sent_via_email,
            sent_at=row.sent_at,
            viewed_at=row.viewed_at,
            paid_at=row.paid_at,
            version=row.version,
            view_token=links.token_of(row.id),
            recurring_id=row.recurring_id,
            quote_id=row.quote_id,
            language=Language(row.language),
            buyer_reference=row.buyer_reference,
            service_date=row.service_date,
            service_period_start=row.service_period_start,
            service_period_end=row.service_period_end,
            tax_exemption_reason=row.tax_exemption_reason,
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
        scope, where = self._scope(paging.search), []
        if client_id is not None:
            where.append(models.Invoice.client == client_id)
        if status is not None:
            where.append(status_sql(clock.today()) == parse_status(status).value)
        if paging.search is None and not where:  # the hot path: the count the database keeps, prepared SQL
            total = tally.of(self.account_id)[2]
            page = (
                ()
                if paging.past_end(total)
                else _NEWEST.rows(
                    account=self.account_id, today=clock.today(), limit=paging.limit, offset=paging.offset
                )
            )
            items = tuple(InvoiceSummary(**_summary_fields(*_listed(r))) for r in page)
            return Page(items=items, total=total, page=paging.page, limit=paging.limit)
        total = models.Invoice.select(models.Invoice.id).where(scope, *where).count()  # no join needed
        newest_first = self._query(scope, *where).order_by(models.Invoice.created_at.desc(), models.Invoice.id.desc())
        rows = paging.rows(newest_first, total)
        items = tuple(InvoiceSummary(**_summary_fields(r, r.status)) for r in rows)
        return Page(items=items, total=total, page=paging.page, limit=paging.limit)

    # Writing ------------------------------------------------------------------------------------------------

    def _write_lines(self, invoice_id: str, lines: Sequence[ParsedLine], totals: Totals, cur: Currency) -> None:
        insert_rows(models.LineItem, [{"invoice": invoice_id, **r} for r in line_rows(lines, totals, cur)])

    def _claim_number(self, number: str) -> str:
        if numbering.is_taken(self.account_id, number):
            raise Conflict(f"Invoice number already taken: {number}")
        return number

    def create(self, data: object, *, recurring_id: str | None = None, quote_id: str | None = None) -> Invoice:
        """A new DRAFT invoice from the seed's body: ``clientId``, ``lineItems`` and optional ``invoiceNumber``,
        ``currency``, ``issueDate``, ``dueDate``, ``notes``, ``terms``; and optional ``language`` (else the
        client's, else the account's), ``buyerReference``, ``serviceDate`` or ``servicePeriodStart`` and
        ``servicePeriodEnd``, ``taxExemptionReason``. The invoice and its line items are written in one
        transaction (a savepoint of the caller's, when one is open). ``recurring_id`` links it to the schedule
        that made it, ``quote_id`` to the quote it was made from."""
        f = Fields(data, INVOICE_FIELDS)
        client_id = f.text("clientId", required=True, printed=False)
        number = f.visible_text("invoiceNumber", max_length=64)
        raw_lines = f.items("lineItems", required=True, max_items=MAX_LINES)
        issue = f.date("issueDate") or clock.today()
        due = f.date("dueDate")
        notes = f.text("notes", max_length=5000, multiline=True)
        terms = f.text("terms", max_length=5000, multiline=True)
        language = f.language("language")
        buyer_reference = f.text("buyerReference", max_length=255)
        supply = SupplyDates(f.date("serviceDate"), f.date("servicePeriodStart"), f.date("servicePeriodEnd"))
        supply.check()
        exemption = f.text("taxExemptionReason", max_length=1000, multiline=True)
        settings = accounts.row(self.account_id)
        cur = (
            currency(f.data["currency"]) if f.data.get("currency") is not None else currency(settings.default_currency)
        )
        due = due or days_after(issue, settings.payment_terms_days, "issueDate", "the default dueDate")
        if not f.has("notes"):
            notes = settings.default_notes
        if not f.has("terms"):
            terms = settings.default_terms
        check_not_before(issue, due, "dueDate")
        lines = parse_lines(raw_lines or [])
        check_exemption(lines, exemption)
        print_caps.check_document((line.description for line in lines), notes, terms)
        totals = totals_within_bounds(lines, cur)
        now = clock.now()
        try:
            with transaction():
                account = accounts.lock(self.account_id)
                client = self.clients.active_row(client_id)
                accounts.count_invoice_creation(account)
                final_number = self._claim_number(number) if number else numbering.allocate(account)
                invoice_id = new_id()
                models.Invoice.create(
                    id=invoice_id,
                    account=self.account_id,
                    client=client.id,
                    number=final_number,
                    search=search_key(final_number),
                    currency=cur.code,
                    issue_date=issue,
                    due_date=due,
                    notes=notes,
                    terms=terms,
                    recurring_id=recurring_id,
                    quote_id=quote_id,
                    language=(language or client.language or account.language),
                    buyer_reference=buyer_reference,
                    service_date=supply.date,
                    service_period_start=supply.start,
                    service_period_end=supply.end,
                    tax_exemption_reason=exemption,
                    created_at=now,
                    updated_at=now,
                    **totals_columns(totals, cur),
                )
                self._write_lines(invoice_id, lines, totals, cur)
                events.record(invoice_id, EventType.CREATED, self.actor, number=final_number)
        except pw.IntegrityError:
            raise Conflict(f"Invoice number already taken: {number}") from None
        return self.get(invoice_id)

    def _editable_row(self, invoice_id: str) -> models.Invoice:
        row = self._row(invoice_id)
        if not Status(row.status).editable:
            raise Conflict(f"Only DRAFT invoices can be modified; {row.number} is {row.status}")
        return row

    def update(self, invoice_id: str, data: object) -> Invoice:
        """Change only the fields given (``lineItems`` replaces all lines); DRAFT invoices only."""
        f = Fields(data, INVOICE_FIELDS)
        edit = Edit.read(f, "invoiceNumber", "dueDate")
        changes = edit.changes
        dates = {"serviceDate": "service_date", "servicePeriodStart": "service_period_start"}
        dates["servicePeriodEnd"] = "service_period_end"
        for key, column in dates.items():
            if f.has(key):
                changes[column] = f.date(key)
        try:
            with transaction():
                row = self._editable_row(invoice_id)
                check_not_before(edit.issue or row.issue_date, edit.end or row.due_date, "dueDate")
                SupplyDates(*(changes.get(column, getattr(row, column)) for column in dates.values())).check()
                check_exemption(
                    edit.lines if edit.lines is not None else self._stored_lines(row.id),
                    changes.get("tax_exemption_reason", row.tax_exemption_reason),
                )
                if edit.client_id is not None:
                    changes["client"] = self.clients.active_row(edit.client_id).id
                if edit.number is not None and edit.number != row.number:
                    changes["number"] = self._claim_number(edit.number)
                    changes["search"] = search_key(edit.number)
                if edit.issue is not None:
                    changes["issue_date"] = edit.issue
                if edit.end is not None:
                    changes["due_date"] = edit.end
                if edit.lines is not None or "notes" in changes or "terms" in changes:
                    print_caps.check_document(
                        (
                            line.description
                            for line in (self._stored_lines(row.id) if edit.lines is None else edit.lines)
                        ),
                        changes.get("notes", row.notes),
                        changes.get("terms", row.terms),
                    )
                if edit.lines is not None or edit.currency is not None:
                    cur = edit.currency or currency(row.currency)
                    lines = edit.lines if edit.lines is not None else self._stored_lines(row.id)
                    totals = totals_within_bounds(lines, cur)
                    changes.update(currency=cur.code, **totals_columns(totals, cur))
                    models.LineItem.delete().where(models.LineItem.invoice == row.id).execute()
                    self._write_lines(row.id, lines, totals, cur)
                if changes:
                    changes.update(version=models.Invoice.version + 1, updated_at=clock.now())
                    models.Invoice.update(changes).where(models.Invoice.id == row.id).execute()
                    events.record(row.id, EventType.UPDATED, self.actor, fields=sorted(f.data))
        except pw.IntegrityError:
            raise Conflict(f"Invoice number already taken: {edit.number}") from None
        return self.get(invoice_id)

    @staticmethod
    def _stored_lines(invoice_id: str) -> list[ParsedLine]:
        rows = models.LineItem.select().where(models.LineItem.invoice == invoice_id).order_by(models.LineItem.position)
        return [ParsedLine(r.description, line_input(r)) for r in rows]

    def delete(self, invoice_id: str) -> None:
        """Delete a draft with its line items, history and PDF, as if it never existed: when it held the newest
        automatic number, that number is given back. An issued invoice is never deleted (``Conflict``): a
        credit note corrects it."""
        with transaction():
            row = self._row(invoice_id)
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

    def _change(self, row: models.Invoice, **changes: Any) -> None:
        models.Invoice.update(version=models.Invoice.version + 1, updated_at=clock.now(), **changes).where(
            models.Invoice.id == row.id
        ).execute()

    def issue(self, invoice_id: str, via_email: bool = False) -> bool:
        """Issue a draft: DRAFT → SENT, with its seller and client copied into it (its documents show that copy
        ever after) and an ``issued`` event, in one transaction, or within the caller's (sending an e-mail
        calls it in the transaction that records the e-mail). An invoice that totals nothing is paid as soon as
        it is issued. ``False`` when it was issued already: then nothing changes. When the seller makes
        e-invoices, an invoice that cannot be one stays a draft (``Conflict`` naming the missing business
        terms)."""
        with transaction():
            row = self._row(invoice_id)
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

    def locked(self, invoice_id: object) -> models.Invoice:
        """Inside a transaction: the stored invoice of this account with its status, its row locked until the
        transaction ends (a no-op UPDATE, portable to every backend), so that what is paid, credited and owed is
        decided by one writer at a time: under PostgreSQL's read committed, two payments would otherwise each see
        the whole amount due. ``NotFound``."""
        if isinstance(invoice_id, str):
            models.Invoice.update(version=models.Invoice.version).where(
                (models.Invoice.id == invoice_id) & (models.Invoice.account == self.account_id)
            ).execute()
        return self._row(invoice_id)

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
