"""What e-mail and the view page need of each kind of document they carry, so that one delivery path serves them
all: an invoice (and its reminders) or a quote. Each says how to read it, send it (issue a draft), lock it,
record what happened to it, make its PDF, draw its sheet, and what its e-mail and page say about it."""

from __future__ import annotations

import dataclasses
import datetime as dt
from abc import ABC, abstractmethod
from typing import Any, ClassVar, Generic, Protocol, TypeVar

from cleverinvo.core import pdf
from cleverinvo.core.accounts import Settings
from cleverinvo.core.billing import events, issuing
from cleverinvo.core.billing.documents import Documents, InvoicePdf
from cleverinvo.core.billing.invoices import Invoices
from cleverinvo.core.billing.quotes import Quotes
from cleverinvo.core.delivery import links
from cleverinvo.core.delivery.compose import About
from cleverinvo.core.delivery.messages import Kind
from cleverinvo.core.i18n.catalogs import N_
from cleverinvo.core.i18n.locales import DocumentLocale, document_locale
from cleverinvo.core.records import EventType, Invoice, Quote
from cleverinvo.core.storage import models

D = TypeVar("D", Invoice, Quote)


class Book(Protocol[D]):
    """What delivery calls on ``Invoices`` and ``Quotes`` alike."""

    def get(self, document_id: str) -> D: ...

    def issue(self, document_id: str) -> bool: ...

    def mark_sent(self, document_id: str) -> D: ...

    def mark_viewed(self, document_id: str) -> object: ...

    def locked(self, document_id: object) -> object: ...


class Sendable(ABC, Generic[D]):
    """One kind of document as delivery handles it, in one account, changed by ``actor``."""

    kind: ClassVar[Kind]  # the wording of the e-mail that carries it
    trail: ClassVar[events.Trail]  # where their events are kept
    number_label: ClassVar[str]  # its number, as its e-mail names it
    date_label: ClassVar[str]  # the date its e-mail names beside the total
    view_label: ClassVar[str]  # the e-mail's button to its view page

    def __init__(self, account_id: str, actor: str, book: Book[D]) -> None:
        self.account_id = account_id
        self.actor = actor
        self.book = book
        self.documents = Documents(account_id)

    def get(self, document_id: str) -> D:
        """The document as it is now; ``NotFound`` when this account has none by that id."""
        return self.book.get(document_id)

    def issue(self, document_id: str) -> bool:
        """Within the caller's transaction: send a draft (see its ``issue``); ``False`` when sent already."""
        return self.book.issue(document_id)

    def mark_sent(self, document_id: str) -> D:
        """Send a draft another way than by e-mail; ``Conflict`` when it was sent already."""
        return self.book.mark_sent(document_id)

    def mark_viewed(self, document_id: str) -> None:
        """The client's browser showed its view page (see its ``mark_viewed``)."""
        self.book.mark_viewed(document_id)

    def lock(self, document_id: str) -> None:
        """Inside a transaction: take the document's row lock, so two sends of it queue."""
        self.book.locked(document_id)

    def record_emailed(self, document_id: str, detail: dict[str, Any]) -> None:
        """Inside the sending transaction: that it was e-mailed, in its history (``detail``: to whom)."""
        events.record(document_id, EventType.EMAILED, self.actor, self.trail, **detail)

    @abstractmethod
    def pdf(self, document_id: str) -> InvoicePdf:
        """Its PDF as it is now (the stored one when current)."""

    @abstractmethod
    def sheet(self, document: D) -> pdf.Sheet:
        """What its PDF and view page show."""

    @abstractmethod
    def date(self, document: D) -> dt.date:
        """The date named beside its total (``date_label``)."""

    def locale(self, sheet: pdf.Sheet) -> DocumentLocale:
        """The language and region its e-mails and page are written in: its own language, its seller's country."""
        return document_locale(sheet.language, sheet.seller.country)

    def values(self, document: D, words: DocumentLocale) -> dict[str, str]:
        """What each placeholder of its e-mail stands for, but ``{link}`` and ``{seller}``."""
        return {
            "number": document.number,
            "total": words.money(document.total, document.currency),
            "client": document.client.name,
        }

    def about(self, document: D, words: DocumentLocale) -> About:
        """What its e-mail says under the message: number, total, the date that matters, the button to its page."""
        facts = (
            (words.gettext(self.number_label), document.number),
            (words.gettext(N_("Total")), words.money(document.total, document.currency)),
            (words.gettext(self.date_label), words.date(self.date(document))),
        )
        return About(facts=facts, view=words.gettext(self.view_label))


class SendableInvoice(Sendable[Invoice]):
    """An invoice: sending issues it (its seller and client copied in), its page shows what is due."""

    kind = Kind.INVOICE
    trail = events.INVOICES
    number_label = N_("Invoice number")
    date_label = N_("Due date")
    view_label = N_("View the invoice")

    def __init__(self, account_id: str, actor: str) -> None:
        self.invoices = Invoices(account_id, actor)
        super().__init__(account_id, actor, self.invoices)

    def issue(self, document_id: str) -> bool:
        """Issue a draft, marked e-mailed; an issued invoice sent again is marked e-mailed too."""
        if self.invoices.issue(document_id, via_email=True):
            return True
        models.Invoice.update(sent_via_email=True).where(models.Invoice.id == document_id).execute()
        return False

    def pdf(self, document_id: str) -> InvoicePdf:
        return self.documents.pdf(document_id)

    def sheet(self, document: Invoice) -> pdf.Sheet:
        """As its PDF: the seller and client copied when it was issued (a draft's current ones)."""
        shown = issuing.parties(document)
        return pdf.invoice_sheet(dataclasses.replace(document, client=shown.client_ref), shown.seller)

    def date(self, document: Invoice) -> dt.date:
        return document.due_date

    def values(self, document: Invoice, words: DocumentLocale) -> dict[str, str]:
        return {
            **super().values(document, words),
            "amountDue": words.money(document.amount_due, document.currency),
            "dueDate": words.date(document.due_date),
        }


class SendableQuote(Sendable[Quote]):
    """A quote: sending makes it SENT with its view link, where the client accepts or declines it."""

    kind = Kind.QUOTE
    trail = events.QUOTES
    number_label = N_("Quote number")
    date_label = N_("Valid until")
    view_label = N_("View the quote")

    def __init__(self, account_id: str, actor: str) -> None:
        super().__init__(account_id, actor, Quotes(account_id, actor))
        self.settings = Settings(account_id)

    def pdf(self, document_id: str) -> InvoicePdf:
        return self.documents.quote_pdf(document_id)

    def sheet(self, document: Quote) -> pdf.Sheet:
        """As its PDF: the seller and client as they are now."""
        return pdf.quote_sheet(document, self.settings.get(), self.settings.logo())

    def date(self, document: Quote) -> dt.date:
        return document.valid_until

    def values(self, document: Quote, words: DocumentLocale) -> dict[str, str]:
        return {**super().values(document, words), "validUntil": words.date(document.valid_until)}


def for_kind(kind: Kind, account_id: str, actor: str) -> Sendable[Any]:
    """The kind of document an e-mail of ``kind`` carries: a quote for ``Kind.QUOTE``, else an invoice."""
    if kind is Kind.QUOTE:
        return SendableQuote(account_id, actor)
    return SendableInvoice(account_id, actor)


def for_link(found: links.Viewed) -> Sendable[Any]:
    """The document a view token opens, as its page sees it (the client acts: the ``system`` actor)."""
    if found.links is links.QUOTES:
        return SendableQuote(found.account_id, events.SYSTEM)
    return SendableInvoice(found.account_id, events.SYSTEM)
