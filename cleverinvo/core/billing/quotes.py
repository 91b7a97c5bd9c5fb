"""Quotes of one account: what an invoice would be, offered to a client until a date. They take the invoice's
line items, totals, checks and numbering (their own sequence), move from DRAFT to SENT to the client's answer,
and an accepted (or still open) quote becomes a draft invoice once.

As for invoices, the status a quote reports is one SQL expression, used both to report it and to filter by it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import peewee as pw

from cleverinvo.core import accounts, clock
from cleverinvo.core.billing import events, numbering
from cleverinvo.core.billing.drafts import Drafts, Edit, detail_fields, summary_values
from cleverinvo.core.billing.invoices import Invoices
from cleverinvo.core.billing.lines import line_fields
from cleverinvo.core.delivery import links
from cleverinvo.core.errors import Conflict
from cleverinvo.core.fields import Fields
from cleverinvo.core.money import currency
from cleverinvo.core.paging import Paging
from cleverinvo.core.records import (
    Event,
    EventType,
    Invoice,
    Page,
    Quote,
    QuoteStatus,
    QuoteSummary,
)
from cleverinvo.core.storage import models
from cleverinvo.core.storage.db import transaction

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


def _summary_values(row: models.Quote, status: str) -> tuple[Any, ...]:
    """A ``QuoteSummary``'s fields in order, from a stored row and its status."""
    return (*summary_values(row, currency(row.currency)), row.valid_until, QuoteStatus(status))


class Quotes(Drafts):
    """The quotes of one account. Another account's quote is never found. Every change is written to the quote's
    history with ``actor``, and invoices made from them are made by ``Invoices`` with ``actor`` in theirs."""

    table = models.Quote
    line_table = models.QuoteLine
    line_owner = "quote"
    noun = "Quote"
    statuses = QuoteStatus
    number_key = "quoteNumber"
    end_key = "validUntil"
    end_column = "valid_until"
    sequence = numbering.QUOTES
    trail = events.QUOTES
    status_sql = staticmethod(status_sql)

    def __init__(self, account_id: str, actor: str = events.SYSTEM) -> None:
        super().__init__(account_id, actor)
        self.invoices = Invoices(account_id, actor)

    # Reading ------------------------------------------------------------------------------------------------

    def get(self, quote_id: str) -> Quote:
        """One quote with its line items, tax per rate and client, and the invoice made from it if any."""
        row = self._row(quote_id)
        cur = currency(row.currency)
        invoice = models.Invoice.select(models.Invoice.id).where(models.Invoice.quote_id == row.id).get_or_none()
        return Quote(
            *_summary_values(row, row.status),
            **detail_fields(row, self._stored_rows(row.id), cur),
            sent_at=row.sent_at,
            answered_at=row.answered_at,
            invoice_id=invoice.id if invoice is not None else None,
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
        return self._page(paging, self._scope(paging.search), self._where(client_id, status), self._summary)

    @staticmethod
    def _summary(row: models.Quote) -> QuoteSummary:
        return QuoteSummary(*_summary_values(row, row.status))

    # Writing ------------------------------------------------------------------------------------------------

    def create(self, data: object) -> Quote:
        """A new DRAFT quote: ``clientId``, ``lineItems`` and optional ``quoteNumber`` (else the next of the quote
        sequence), ``currency``, ``issueDate`` (today), ``validUntil`` (the issue date plus the account's payment
        terms), ``notes``, ``terms`` (the account's defaults), ``language`` (the client's, else the account's),
        ``buyerReference``, ``taxExemptionReason``. Written in one transaction."""
        return self.get(self._create(self._read_new(Fields(data, QUOTE_FIELDS))))

    def update(self, quote_id: str, data: object) -> Quote:
        """Change only the fields given (``lineItems`` replaces all lines); DRAFT quotes only."""
        f = Fields(data, QUOTE_FIELDS)
        self._update(quote_id, f, Edit.read(f, self.number_key, self.end_key))
        return self.get(quote_id)

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
