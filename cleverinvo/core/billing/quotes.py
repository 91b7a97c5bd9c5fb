"""Quotes of one account: what an invoice would be, offered to a client until a date. They take the invoice's
line items, totals, checks and numbering (their own sequence), move from DRAFT to SENT to the client's answer,
and an accepted (or still open) quote becomes a draft invoice once.

As for invoices, the status a quote reports is one SQL expression, used both to report it and to filter by it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import peewee as pw

from cleverinvo.core import accounts, clock
from cleverinvo.core.billing import events, numbering
from cleverinvo.core.billing.invoices import (
    MAX_LINES,
    Edit,
    Invoices,
    ParsedLine,
    check_exemption,
    check_not_before,
    client_ref,
    line_fields,
    line_input,
    line_record,
    line_rows,
    parse_lines,
    totals_columns,
    totals_within_bounds,
)
from cleverinvo.core.billing.totals import Totals, compute_totals
from cleverinvo.core.clients import Clients
from cleverinvo.core.delivery import links
from cleverinvo.core.errors import Conflict, NotFound, ValidationError
from cleverinvo.core.fields import Fields, days_after
from cleverinvo.core.ids import new_id
from cleverinvo.core.money import Currency, currency, from_minor
from cleverinvo.core.paging import Paging
from cleverinvo.core.records import (
    Event,
    EventType,
    Invoice,
    Language,
    Page,
    Quote,
    QuoteStatus,
    QuoteSummary,
)
from cleverinvo.core.storage import models
from cleverinvo.core.storage.db import transaction
from cleverinvo.core.storage.search import by_number_or_client, search_key

QUOTE_FIELDS = (
    "clientId",
    "quoteNumber",
    "currency",
    "issueDate",
    "validUntil",
    "lineItems",
    "notes",
    "terms",
    "language",
    "buyerReference",
    "taxExemptionReason",
)


def status_sql(today: dt.date) -> pw.Node:
    """The status every quote reports, as one SQL expression: a sent quote left unanswered past its
    ``valid_until`` date is EXPIRED."""
    quote = models.Quote
    return pw.Case(
        None,
        (
            (quote.stage != QuoteStatus.SENT.value, quote.stage),
            (quote.valid_until < today, QuoteStatus.EXPIRED.value),
        ),
        quote.stage,
    )


def parse_status(value: object) -> QuoteStatus:
    try:
        return QuoteStatus(value)
    except ValueError:
        raise ValidationError(
            f"Invalid query parameter: status must be one of {', '.join(s.value for s in QuoteStatus)}", "status"
        ) from None


def _summary_fields(row: models.Quote, status: str) -> dict[str, Any]:
    cur = currency(row.currency)
    return {
        "id": row.id,
        "client_id": row.client.id,
        "number": row.number,
        "currency": cur,
        "issue_date": row.issue_date,
        "valid_until": row.valid_until,
        "subtotal": from_minor(row.subtotal_minor, cur),
        "discount_total": from_minor(row.discount_minor, cur),
        "tax_total": from_minor(row.tax_minor, cur),
        "total": from_minor(row.total_minor, cur),
        "status": QuoteStatus(status),
        "created_at": row.created_at,
        "updated_at": row.updated_at,
        "client": client_ref(row.client),
    }


class Quotes:
    """The quotes of one account. Another account's quote is never found. Every change is written to the quote's
    history with ``actor``, and invoices made from them are made by ``Invoices`` with ``actor`` in theirs."""

    def __init__(self, account_id: str, actor: str = events.SYSTEM) -> None:
        self.account_id = account_id
        self.actor = events.check_actor(actor)
        self.clients = Clients(account_id)
        self.invoices = Invoices(account_id, actor)

    # Reading ------------------------------------------------------------------------------------------------

    def _scope(self, search: str | None = None) -> pw.Expression:
        """This account's quotes, or those whose number, or whose client's name or e-mail, contains ``search``
        (a union of two searches, each on its own index, as for invoices)."""
        if search is None:
            return models.Quote.account == self.account_id
        return by_number_or_client(models.Quote, self.account_id, search)

    def _query(self, scope: pw.Expression, *where: pw.Expression) -> pw.ModelSelect:
        return (
            models.Quote.select(models.Quote, models.Client, status_sql(clock.today()).alias("status"))
            .join(models.Client)
            .where(scope, *where)
        )

    def _row(self, quote_id: object) -> models.Quote:
        found = (
            self._query(self._scope(), models.Quote.id == quote_id).get_or_none() if isinstance(quote_id, str) else None
        )
        if found is None:
            raise NotFound(f"Quote not found: {quote_id}")
        return found

    def get(self, quote_id: str) -> Quote:
        """One quote with its line items, tax per rate and client, and the invoice made from it if any."""
        row = self._row(quote_id)
        cur = currency(row.currency)
        lines = self._stored_rows(row.id)
        invoice = models.Invoice.select(models.Invoice.id).where(models.Invoice.quote_id == row.id).get_or_none()
        return Quote(
            **_summary_fields(row, row.status),
            line_items=tuple(line_record(li, cur) for li in lines),
            taxes=compute_totals([line_input(li) for li in lines], cur).taxes,
            notes=row.notes,
            terms=row.terms,
            language=Language(row.language),
            buyer_reference=row.buyer_reference,
            tax_exemption_reason=row.tax_exemption_reason,
            sent_at=row.sent_at,
            answered_at=row.answered_at,
            invoice_id=invoice.id if invoice is not None else None,
            version=row.version,
            view_token=links.token_of(row.id, links.QUOTES),
        )

    def list(
        self,
        page: int = 1,
        limit: int = 20,
        search: str | None = None,
        client_id: str | None = None,
        status: QuoteStatus | str | None = None,
    ) -> Page[QuoteSummary]:
        """Newest first; search matches the number or the client's name or e-mail, case- and accent-insensitively."""
        paging = Paging.check(page, limit, search)
        scope, where = self._scope(paging.search), []
        if client_id is not None:
            where.append(models.Quote.client == client_id)
        if status is not None:
            where.append(status_sql(clock.today()) == parse_status(status).value)
        total = models.Quote.select(models.Quote.id).where(scope, *where).count()
        newest_first = self._query(scope, *where).order_by(models.Quote.created_at.desc(), models.Quote.id.desc())
        rows = paging.rows(newest_first, total)
        items = tuple(QuoteSummary(**_summary_fields(r, r.status)) for r in rows)
        return Page(items=items, total=total, page=paging.page, limit=paging.limit)

    # Writing ------------------------------------------------------------------------------------------------

    def _claim_number(self, number: str) -> str:
        if numbering.is_taken(self.account_id, number, numbering.QUOTES):
            raise Conflict(f"Quote number already taken: {number}")
        return number

    @staticmethod
    def _write_lines(quote_id: str, lines: Sequence[ParsedLine], totals: Totals, cur: Currency) -> None:
        models.QuoteLine.insert_many([{"quote": quote_id, **r} for r in line_rows(lines, totals, cur)]).execute()

    def create(self, data: object) -> Quote:
        """A new DRAFT quote: ``clientId``, ``lineItems`` and optional ``quoteNumber`` (else the next of the quote
        sequence), ``currency``, ``issueDate`` (today), ``validUntil`` (the issue date plus the account's payment
        terms), ``notes``, ``terms`` (the account's defaults), ``language`` (the client's, else the account's),
        ``buyerReference``, ``taxExemptionReason``. Written in one transaction."""
        f = Fields(data, QUOTE_FIELDS)
        client_id = f.text("clientId", required=True, printed=False)
        number = f.visible_text("quoteNumber", max_length=64)
        raw_lines = f.items("lineItems", required=True, max_items=MAX_LINES)
        issue = f.date("issueDate") or clock.today()
        valid_until = f.date("validUntil")
        notes = f.text("notes", max_length=5000, multiline=True)
        terms = f.text("terms", max_length=5000, multiline=True)
        language = f.language("language")
        buyer_reference = f.text("buyerReference", max_length=255)
        exemption = f.text("taxExemptionReason", max_length=1000, multiline=True)
        settings = accounts.row(self.account_id)
        cur = currency(f.data["currency"] if f.data.get("currency") is not None else settings.default_currency)
        valid_until = valid_until or days_after(
            issue, settings.payment_terms_days, "issueDate", "the default validUntil"
        )
        if not f.has("notes"):
            notes = settings.default_notes
        if not f.has("terms"):
            terms = settings.default_terms
        check_not_before(issue, valid_until, "validUntil")
        lines = parse_lines(raw_lines or [])
        check_exemption(lines, exemption)
        totals = totals_within_bounds(lines, cur)
        now = clock.now()
        try:
            with transaction():
                account = accounts.lock(self.account_id)
                client = self.clients.active_row(client_id)
                final_number = self._claim_number(number) if number else numbering.allocate(account, numbering.QUOTES)
                quote_id = new_id()
                models.Quote.create(
                    id=quote_id,
                    account=self.account_id,
                    client=client.id,
                    number=final_number,
                    search=search_key(final_number),
                    currency=cur.code,
                    issue_date=issue,
                    valid_until=valid_until,
                    notes=notes,
                    terms=terms,
                    language=(language or client.language or account.language),
                    buyer_reference=buyer_reference,
                    tax_exemption_reason=exemption,
                    created_at=now,
                    updated_at=now,
                    **totals_columns(totals, cur),
                )
                self._write_lines(quote_id, lines, totals, cur)
                events.record(quote_id, EventType.CREATED, self.actor, events.QUOTES, number=final_number)
        except pw.IntegrityError:
            raise Conflict(f"Quote number already taken: {number}") from None
        return self.get(quote_id)

    def _editable_row(self, quote_id: str) -> models.Quote:
        row = self._row(quote_id)
        if not QuoteStatus(row.status).editable:
            raise Conflict(f"Only DRAFT quotes can be modified; {row.number} is {row.status}")
        return row

    def update(self, quote_id: str, data: object) -> Quote:
        """Change only the fields given (``lineItems`` replaces all lines); DRAFT quotes only."""
        f = Fields(data, QUOTE_FIELDS)
        edit = Edit.read(f, "quoteNumber", "validUntil")
        changes = edit.changes
        try:
            with transaction():
                row = self._editable_row(quote_id)
                check_not_before(edit.issue or row.issue_date, edit.end or row.valid_until, "validUntil")
                stored = self._stored_lines(row.id)
                check_exemption(
                    edit.lines if edit.lines is not None else stored,
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
                    changes["valid_until"] = edit.end
                if edit.lines is not None or edit.currency is not None:
                    cur = edit.currency or currency(row.currency)
                    totals = totals_within_bounds(edit.lines or stored, cur)
                    changes.update(currency=cur.code, **totals_columns(totals, cur))
                    models.QuoteLine.delete().where(models.QuoteLine.quote == row.id).execute()
                    self._write_lines(row.id, edit.lines or stored, totals, cur)
                if changes:
                    self._change(row, **changes)
                    events.record(row.id, EventType.UPDATED, self.actor, events.QUOTES, fields=sorted(f.data))
        except pw.IntegrityError:
            raise Conflict(f"Quote number already taken: {edit.number}") from None
        return self.get(quote_id)

    @staticmethod
    def _stored_rows(quote_id: str) -> list[models.QuoteLine]:
        return list(
            models.QuoteLine.select().where(models.QuoteLine.quote == quote_id).order_by(models.QuoteLine.position)
        )

    def _stored_lines(self, quote_id: str) -> list[ParsedLine]:
        return [ParsedLine(r.description, line_input(r)) for r in self._stored_rows(quote_id)]

    def delete(self, quote_id: str) -> None:
        """Delete a draft with its lines and PDF; when it held the newest automatic number, that number is given
        back. A sent quote is never deleted (``Conflict``): the client has it."""
        with transaction():
            row = self._row(quote_id)
            if not QuoteStatus(row.status).editable:
                raise Conflict(f"Only DRAFT quotes can be deleted; {row.number} is {row.status}")
            account = accounts.lock(self.account_id)
            models.Quote.delete().where(models.Quote.id == row.id).execute()
            numbering.give_back(account, row.number, numbering.QUOTES)

    # The client's answer and the invoice --------------------------------------------------------------------

    @staticmethod
    def _change(row: models.Quote, **changes: Any) -> None:
        models.Quote.update(version=models.Quote.version + 1, updated_at=clock.now(), **changes).where(
            models.Quote.id == row.id
        ).execute()

    def issue(self, quote_id: str) -> bool:
        """Send a draft: DRAFT → SENT with its view link and an ``issued`` event, in one transaction or within the
        caller's (e-mailing calls it in the transaction that records the e-mail). The seller needs a name first.
        ``False`` when it was sent already: then nothing changes."""
        with transaction():
            row = self._row(quote_id)
            if row.stage != QuoteStatus.DRAFT.value:
                return False
            accounts.require_seller(accounts.row(self.account_id), "send a quote")
            self._change(row, stage=QuoteStatus.SENT.value, sent_at=clock.now())
            links.give_token(row.id, links.QUOTES)
            events.record(row.id, EventType.ISSUED, self.actor, events.QUOTES, number=row.number)
        return True

    def mark_sent(self, quote_id: str) -> Quote:
        """Send a draft another way than by e-mail (see ``issue``); ``Conflict`` when it was sent already."""
        with transaction():
            if not self.issue(quote_id):
                raise Conflict(f"Quote {self._row(quote_id).number} was already sent")
        return self.get(quote_id)

    def mark_viewed(self, quote_id: str) -> None:
        """The client opened the quote's view page: a ``viewed`` event, the first time only (a quote has no
        VIEWED status; its answer is what counts)."""
        with transaction():
            row = self._row(quote_id)
            seen = models.QuoteEvent.select().where(
                (models.QuoteEvent.quote == row.id) & (models.QuoteEvent.type == EventType.VIEWED.value)
            )
            if row.stage != QuoteStatus.DRAFT.value and not seen.exists():
                events.record(row.id, EventType.VIEWED, self.actor, events.QUOTES)

    def _answer(self, quote_id: str, answer: QuoteStatus, again: bool = False) -> Quote:
        """Record the client's answer with its event. ``again``: the same answer a second time changes nothing
        (the view page's button pressed twice); otherwise it is a ``Conflict`` like any answer to a quote that is
        not open."""
        with transaction():
            row = self._row(quote_id)
            if again and row.status == answer.value:
                return self.get(quote_id)
            if row.status == QuoteStatus.EXPIRED.value and answer is QuoteStatus.ACCEPTED:
                raise Conflict(f"Quote {row.number} expired on {row.valid_until.isoformat()}; it cannot be accepted")
            if row.status != QuoteStatus.SENT.value and row.status != QuoteStatus.EXPIRED.value:
                raise Conflict(f"Only SENT quotes can be accepted or declined; {row.number} is {row.status}")
            self._change(row, stage=answer.value, answered_at=clock.now())
            answered = EventType.ACCEPTED if answer is QuoteStatus.ACCEPTED else EventType.DECLINED
            events.record(row.id, answered, self.actor, events.QUOTES)
        return self.get(quote_id)

    def accept(self, quote_id: str, again: bool = False) -> Quote:
        """The client said yes: SENT → ACCEPTED. A quote past its ``validUntil`` cannot be accepted. ``again``:
        accepting an accepted quote changes nothing instead of being refused."""
        return self._answer(quote_id, QuoteStatus.ACCEPTED, again)

    def decline(self, quote_id: str, again: bool = False) -> Quote:
        """The client said no: SENT (or EXPIRED) → DECLINED. ``again``: declining a declined quote changes
        nothing instead of being refused."""
        return self._answer(quote_id, QuoteStatus.DECLINED, again)

    def make_invoice(self, quote_id: str) -> Invoice:
        """A draft invoice made from the quote, once: its client, currency, lines (and so its totals), notes,
        terms, language, buyer reference and exemption reason, dated today with the account's payment terms,
        numbered from the invoice sequence, carrying ``quoteId``. ``Conflict`` for a declined quote or one
        already made into an invoice."""
        with transaction():
            accounts.lock(self.account_id)  # one conversion at a time: the check below holds until the insert
            quote = self.get(quote_id)
            if quote.status is QuoteStatus.DECLINED:
                raise Conflict(f"Quote {quote.number} was declined; it cannot become an invoice")
            if quote.invoice_id is not None:
                raise Conflict(f"Quote {quote.number} has already been made into an invoice")
            made = self.invoices.create(
                {
                    "clientId": quote.client_id,
                    "currency": quote.currency.code,
                    "lineItems": [line_fields(li) for li in quote.line_items],
                    "notes": quote.notes,
                    "terms": quote.terms,
                    "language": quote.language.value,
                    "buyerReference": quote.buyer_reference,
                    "taxExemptionReason": quote.tax_exemption_reason,
                },
                quote_id=quote.id,
            )
            events.record(
                quote.id, EventType.INVOICED, self.actor, events.QUOTES, invoiceId=made.id, number=made.number
            )
        return made

    def events(self, quote_id: str) -> tuple[Event, ...]:
        """What happened to the quote, oldest first."""
        return events.history(self._row(quote_id).id, events.QUOTES)
