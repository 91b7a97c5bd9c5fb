"""What the core hands back: immutable values, money as ``Decimal``, times as naive UTC ``datetime``."""

import datetime as dt
import math
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any, Generic, TypeVar

from cleverinvo.core.billing.taxes import TaxCategory
from cleverinvo.core.billing.totals import TaxLine
from cleverinvo.core.money import ZERO, Currency

T = TypeVar("T")


class Plan(StrEnum):
    FREE = "free"
    PRO = "pro"
    UNLIMITED = "unlimited"


class Status(StrEnum):
    DRAFT = "DRAFT"
    SENT = "SENT"
    VIEWED = "VIEWED"
    PARTIALLY_PAID = "PARTIALLY_PAID"
    PAID = "PAID"
    OVERDUE = "OVERDUE"
    VOID = "VOID"  # its whole total credited

    @property
    def editable(self) -> bool:
        """Only a DRAFT can be changed, sent or deleted."""
        return self is Status.DRAFT

    @property
    def payable(self) -> bool:
        """A payment can be recorded from the moment the invoice is sent until it is settled."""
        return self not in (Status.DRAFT, Status.PAID, Status.VOID)

    @property
    def creditable(self) -> bool:
        """A credit note corrects an issued invoice until all of it is credited."""
        return self not in (Status.DRAFT, Status.VOID)


class QuoteStatus(StrEnum):
    DRAFT = "DRAFT"
    SENT = "SENT"
    ACCEPTED = "ACCEPTED"
    DECLINED = "DECLINED"
    EXPIRED = "EXPIRED"  # sent, past its validUntil date and not answered

    @property
    def editable(self) -> bool:
        """Only a DRAFT can be changed, sent or deleted."""
        return self is QuoteStatus.DRAFT


class EventType(StrEnum):
    """What can happen to an invoice or a quote, as its history names it."""

    CREATED = "created"
    UPDATED = "updated"
    ISSUED = "issued"
    EMAILED = "emailed"
    VIEWED = "viewed"
    PAYMENT_RECORDED = "payment_recorded"
    PAYMENT_REMOVED = "payment_removed"
    CREDITED = "credited"
    REMINDER_SENT = "reminder_sent"
    ACCEPTED = "accepted"  # a quote, by the client
    DECLINED = "declined"  # a quote, by the client
    INVOICED = "invoiced"  # a quote made into an invoice


@dataclass(frozen=True, slots=True)
class Event:
    """One entry of an invoice's history: what, when (UTC), who (``actor``) and a few facts about it."""

    type: EventType
    at: dt.datetime
    actor: str
    detail: dict[str, Any]


class PaperSize(StrEnum):
    A4 = "A4"
    LETTER = "Letter"


class Language(StrEnum):
    """The languages documents are written in."""

    EN = "en"
    DE = "de"
    FR = "fr"
    ES = "es"
    IT = "it"
    NL = "nl"
    PL = "pl"
    PT = "pt"


@dataclass(frozen=True, slots=True)
class SellerProfile:
    """Who issues the invoices. ``address`` holds the street lines (line breaks allowed); ``country`` is an ISO
    3166-1 alpha-2 code; ``registration`` the company register entry."""

    name: str | None
    address: str | None
    email: str | None
    tax_id: str | None
    phone: str | None
    postal_code: str | None = None
    city: str | None = None
    country: str | None = None
    registration: str | None = None


@dataclass(frozen=True, slots=True)
class BankDetails:
    """Where to pay: a validated IBAN and BIC in their compact form, and the bank's name."""

    iban: str | None
    bic: str | None
    bank_name: str | None


@dataclass(frozen=True, slots=True)
class Logo:
    """An account's logo, as re-encoded by CleverInvo: ``image/png`` or ``image/jpeg``."""

    media_type: str
    width: int
    height: int
    data: bytes
    updated_at: dt.datetime


@dataclass(frozen=True, slots=True)
class Account:
    id: str
    name: str
    plan: Plan
    created_at: dt.datetime
    seller: SellerProfile
    number_prefix: str
    number_width: int
    next_number: int
    default_currency: str
    payment_terms_days: int
    paper_size: PaperSize
    bank: BankDetails
    credit_note_prefix: str
    quote_prefix: str
    default_notes: str | None
    default_terms: str | None
    language: Language
    reminder_days: tuple[int, ...]
    e_invoice: bool


@dataclass(frozen=True, slots=True)
class Client:
    id: str
    name: str
    email: str | None
    address: str | None
    tax_id: str | None
    phone: str | None
    notes: str | None
    postal_code: str | None
    city: str | None
    country: str | None
    language: Language | None
    is_active: bool
    created_at: dt.datetime
    updated_at: dt.datetime


@dataclass(frozen=True, slots=True)
class ClientRef:
    """The client as an invoice shows it."""

    id: str
    name: str
    email: str | None
    address: str | None
    tax_id: str | None
    postal_code: str | None = None
    city: str | None = None
    country: str | None = None
    phone: str | None = None


@dataclass(frozen=True, slots=True)
class LineItem:
    description: str
    quantity: Decimal
    unit_price: Decimal
    tax_rate: Decimal
    discount_rate: Decimal
    amount: Decimal
    discount: Decimal
    tax_category: TaxCategory = TaxCategory.STANDARD

    @property
    def net(self) -> Decimal:
        """The discounted amount, the base of the line's tax."""
        return self.amount - self.discount


@dataclass(frozen=True, slots=True)
class Payment:
    id: str
    invoice_id: str
    amount: Decimal
    date: dt.date
    method: str | None
    note: str | None
    created_at: dt.datetime


@dataclass(frozen=True, slots=True)
class DocumentSummary:
    """What lists show of every document a client gets with lines and totals (an invoice, a quote)."""

    id: str
    client_id: str
    number: str
    currency: Currency
    issue_date: dt.date
    subtotal: Decimal
    discount_total: Decimal
    tax_total: Decimal
    total: Decimal
    created_at: dt.datetime
    updated_at: dt.datetime
    client: ClientRef


@dataclass(frozen=True, slots=True)
class InvoiceSummary(DocumentSummary):
    """An invoice as lists show it."""

    due_date: dt.date
    amount_paid: Decimal
    amount_credited: Decimal
    status: Status

    @property
    def amount_due(self) -> Decimal:
        """What is still to be paid: the total less payments and credit notes, never below zero."""
        due = self.total - self.amount_paid - self.amount_credited
        return due if due >= ZERO else ZERO.quantize(self.currency.quantum)

    @property
    def amount_to_credit(self) -> Decimal:
        """What credit notes may still credit: the total less what they have credited."""
        return self.total - self.amount_credited


@dataclass(frozen=True, slots=True)
class Invoice(InvoiceSummary):
    """An invoice with everything about it."""

    line_items: tuple[LineItem, ...]
    taxes: tuple[TaxLine, ...]
    payments: tuple[Payment, ...]
    notes: str | None
    terms: str | None
    sent_via_email: bool
    sent_at: dt.datetime | None
    viewed_at: dt.datetime | None
    paid_at: dt.datetime | None
    version: int
    view_token: str | None = None  # opens the public view page; issued invoices only
    recurring_id: str | None = None  # the recurring schedule that made it
    quote_id: str | None = None  # the quote it was made from
    language: Language = Language.EN
    buyer_reference: str | None = None
    service_date: dt.date | None = None
    service_period_start: dt.date | None = None
    service_period_end: dt.date | None = None
    tax_exemption_reason: str | None = None


@dataclass(frozen=True, slots=True)
class QuoteSummary(DocumentSummary):
    """A quote as lists show it."""

    valid_until: dt.date
    status: QuoteStatus


@dataclass(frozen=True, slots=True)
class Quote(QuoteSummary):
    """A quote with everything about it; ``invoice_id`` is the invoice made from it, once it is."""

    line_items: tuple[LineItem, ...]
    taxes: tuple[TaxLine, ...]
    notes: str | None
    terms: str | None
    language: Language
    buyer_reference: str | None
    tax_exemption_reason: str | None
    sent_at: dt.datetime | None
    answered_at: dt.datetime | None
    invoice_id: str | None
    version: int
    view_token: str | None = None  # opens the public view page, where the client answers; sent quotes only


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: tuple[T, ...]
    total: int
    page: int
    limit: int

    @property
    def total_pages(self) -> int:
        return math.ceil(self.total / self.limit)


@dataclass(frozen=True, slots=True)
class ApiKeyInfo:
    id: str
    prefix: str
    label: str | None
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


@dataclass(frozen=True, slots=True)
class NewApiKey:
    """A key just made: ``key`` is the secret, shown this once and never stored."""

    key: str
    info: ApiKeyInfo


@dataclass(frozen=True, slots=True)
class KeyIdentity:
    """Who a verified key speaks for."""

    key_id: str
    account_id: str
    prefix: str


@dataclass(frozen=True, slots=True)
class Dashboard:
    """What is owed, overdue and paid, per currency code; invoice counts per status; the latest invoices."""

    owed: dict[str, Decimal]
    overdue: dict[str, Decimal]
    paid_this_month: dict[str, Decimal]
    counts: dict[Status, int]
    recent: tuple[InvoiceSummary, ...]


@dataclass(frozen=True, slots=True)
class CreditNote:
    """A credit note: what it credits of its invoice (lines and totals, in the invoice's currency) and why."""

    id: str
    number: str
    invoice_id: str
    invoice_number: str
    currency: Currency
    issue_date: dt.date
    reason: str
    line_items: tuple[LineItem, ...]
    taxes: tuple[TaxLine, ...]
    subtotal: Decimal
    discount_total: Decimal
    tax_total: Decimal
    total: Decimal
    created_at: dt.datetime
