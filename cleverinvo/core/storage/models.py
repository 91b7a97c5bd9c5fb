"""Peewee models. The database is bound at open time (``db.open_database``), as coleifer/scout does.

Money is stored exactly: computed amounts and totals as integer minor units (``*_minor``), inputs that may
carry more places (quantity, unit price, rates) as decimal text. Peewee's ``DecimalField`` is REAL on SQLite,
so it is never used.
"""

from decimal import Decimal
from typing import Any

import peewee as pw

proxy = pw.DatabaseProxy()


class DecimalText(pw.TextField):
    """An exact decimal kept as its text, so SQLite never turns it into a binary float."""

    def db_value(self, value: Any) -> str | None:
        if value is None:
            return None
        if not isinstance(value, Decimal):
            raise TypeError(f"DecimalText takes a Decimal, not {type(value).__name__}")
        return format(value, "f")

    def python_value(self, value: Any) -> Decimal | None:
        return None if value is None else Decimal(value)


class BaseModel(pw.Model):
    class Meta:
        database = proxy
        legacy_table_names = False


class SchemaVersion(BaseModel):
    """One row: the schema version this database is at."""

    version = pw.IntegerField()


class Account(BaseModel):
    id = pw.TextField(primary_key=True)
    name = pw.TextField(unique=True)
    plan = pw.TextField(default="unlimited")
    created_at = pw.DateTimeField()
    seller_name = pw.TextField(null=True)
    seller_address = pw.TextField(null=True)
    seller_email = pw.TextField(null=True)
    seller_tax_id = pw.TextField(null=True)
    seller_phone = pw.TextField(null=True)
    seller_postal_code = pw.TextField(null=True)
    seller_city = pw.TextField(null=True)
    seller_country = pw.TextField(null=True)
    seller_registration = pw.TextField(null=True)
    iban = pw.TextField(null=True)
    bic = pw.TextField(null=True)
    bank_name = pw.TextField(null=True)
    number_prefix = pw.TextField(default="INV-")
    number_width = pw.IntegerField(default=4)
    next_number = pw.BigIntegerField(default=1)
    next_quote_number = pw.BigIntegerField(default=1)
    next_credit_note_number = pw.BigIntegerField(default=1)
    default_currency = pw.TextField(default="USD")
    payment_terms_days = pw.IntegerField(default=30)
    paper_size = pw.TextField(default="A4")
    credit_note_prefix = pw.TextField(default="CN-")
    quote_prefix = pw.TextField(default="QUO-")
    default_notes = pw.TextField(null=True)
    default_terms = pw.TextField(null=True)
    language = pw.TextField(default="en")
    reminder_days = pw.TextField(default="")  # comma-separated days after the due date, ascending
    e_invoice = pw.BooleanField(default=False)


class AccountLogo(BaseModel):
    """An account's logo as CleverInvo re-encoded it (never the bytes that were sent)."""

    account = pw.ForeignKeyField(Account, primary_key=True, on_delete="CASCADE")
    media_type = pw.TextField()
    width = pw.IntegerField()
    height = pw.IntegerField()
    data = pw.BlobField()
    updated_at = pw.DateTimeField()


class Tally(BaseModel):
    """Counts of an account's rows, kept by triggers (storage/tally.py) in the transaction that changes them."""

    account = pw.ForeignKeyField(Account, primary_key=True, on_delete="CASCADE")
    active_clients = pw.BigIntegerField(default=0)
    archived_clients = pw.BigIntegerField(default=0)
    invoices = pw.BigIntegerField(default=0)


class MonthlyUsage(BaseModel):
    """Invoices created per account and UTC calendar month: deleting an invoice does not give the slot back."""

    account = pw.ForeignKeyField(Account, on_delete="CASCADE")
    month = pw.DateField()
    invoices_created = pw.IntegerField(default=0)

    class Meta:
        primary_key = pw.CompositeKey("account", "month")


class Client(BaseModel):
    id = pw.TextField(primary_key=True)
    account = pw.ForeignKeyField(Account, on_delete="CASCADE")
    name = pw.TextField()
    email = pw.TextField(null=True)
    address = pw.TextField(null=True)
    tax_id = pw.TextField(null=True)
    phone = pw.TextField(null=True)
    notes = pw.TextField(null=True)
    postal_code = pw.TextField(null=True)
    city = pw.TextField(null=True)
    country = pw.TextField(null=True)
    language = pw.TextField(null=True)
    is_active = pw.BooleanField(default=True)
    search = pw.TextField()  # folded name and e-mail (search.search_key): case- and accent-insensitive search
    created_at = pw.DateTimeField()
    updated_at = pw.DateTimeField()

    class Meta:
        indexes = ((("account", "is_active", "created_at", "id"), False),)  # a page, newest first, in index order


class Document(BaseModel):
    """The columns every document a client gets with lines has (an invoice, a quote): its client, number, dates,
    texts, stage, totals in minor units and version. Each type keeps its documents in a table of its own (below)
    with the columns only it has; this one is never created."""

    id = pw.TextField(primary_key=True)
    account = pw.ForeignKeyField(Account, on_delete="CASCADE")
    client = pw.ForeignKeyField(Client, on_delete="RESTRICT")
    number = pw.TextField()
    search = pw.TextField()  # folded number (search.search_key)
    currency = pw.TextField()
    issue_date = pw.DateField()
    notes = pw.TextField(null=True)
    terms = pw.TextField(null=True)
    language = pw.TextField(default="en")
    buyer_reference = pw.TextField(null=True)
    tax_exemption_reason = pw.TextField(null=True)
    stage = pw.TextField(default="DRAFT")
    sent_at = pw.DateTimeField(null=True)
    subtotal_minor = pw.BigIntegerField()
    discount_minor = pw.BigIntegerField()
    tax_minor = pw.BigIntegerField()
    total_minor = pw.BigIntegerField()
    version = pw.IntegerField(default=1)
    created_at = pw.DateTimeField()
    updated_at = pw.DateTimeField()


class Invoice(Document):
    """An invoice. ``stage`` is DRAFT, SENT or VIEWED; payments, credit notes and dates derive the rest."""

    due_date = pw.DateField()
    service_date = pw.DateField(null=True)
    service_period_start = pw.DateField(null=True)
    service_period_end = pw.DateField(null=True)
    sent_via_email = pw.BooleanField(default=False)
    viewed_at = pw.DateTimeField(null=True)
    paid_at = pw.DateTimeField(null=True)
    paid_minor = pw.BigIntegerField(default=0)
    credited_minor = pw.BigIntegerField(default=0)  # the sum of the invoice's credit notes
    recurring_id = pw.TextField(null=True)  # the schedule that made it; kept when the schedule is deleted
    quote_id = pw.TextField(null=True, unique=True)  # the quote it was made from: a quote makes one invoice

    class Meta:
        indexes = (
            (("account", "number"), True),
            (("account", "created_at"), False),
            (("account", "client", "created_at"), False),
            (("account", "stage", "due_date", "paid_minor", "total_minor", "credited_minor"), False),  # status
        )


class Line(BaseModel):
    """A line of a document, stored the same way for invoices, quotes and credit notes: what was given, exactly
    (decimal text), and its amount and discount in minor units. Each type keeps its lines in a table of its own
    (below) with the column naming their document; this one is never created."""

    position = pw.IntegerField()
    description = pw.TextField()
    quantity = DecimalText()
    unit_price = DecimalText()
    tax_rate = DecimalText()
    discount_rate = DecimalText()
    tax_category = pw.TextField()
    amount_minor = pw.BigIntegerField()
    discount_minor = pw.BigIntegerField()


class LineItem(Line):
    """A line of an invoice."""

    invoice = pw.ForeignKeyField(Invoice, on_delete="CASCADE", backref="line_items")

    class Meta:
        indexes = ((("invoice", "position"), True),)


class Payment(BaseModel):
    id = pw.TextField(primary_key=True)
    invoice = pw.ForeignKeyField(Invoice, on_delete="CASCADE", backref="payments")
    amount_minor = pw.BigIntegerField()
    paid_on = pw.DateField()
    method = pw.TextField(null=True)
    note = pw.TextField(null=True)
    created_at = pw.DateTimeField()


class Quote(Document):
    """A quote (an estimate): an invoice's columns with its own number and ``valid_until`` instead of a due date.
    ``stage`` is DRAFT, SENT, ACCEPTED or DECLINED; a SENT quote past ``valid_until`` reports EXPIRED."""

    valid_until = pw.DateField()
    answered_at = pw.DateTimeField(null=True)  # when it was accepted or declined

    class Meta:
        indexes = (
            (("account", "number"), True),
            (("account", "created_at"), False),
            (("account", "client", "created_at"), False),
            (("account", "stage", "valid_until"), False),  # the status, index-only
        )


class QuoteLine(Line):
    """A line of a quote."""

    quote = pw.ForeignKeyField(Quote, on_delete="CASCADE")

    class Meta:
        indexes = ((("quote", "position"), True),)


class StoredPdf(BaseModel):
    """The rendered PDF of a document, with the document version it shows. Each type keeps its PDFs in a table of
    its own, keyed by the document; this one is never created."""

    version = pw.IntegerField()
    data = pw.BlobField()
    rendered_at = pw.DateTimeField()


class QuotePdf(StoredPdf):
    """A quote's PDF."""

    quote = pw.ForeignKeyField(Quote, primary_key=True, on_delete="CASCADE")

    @classmethod
    def forget(cls, shown: pw.Expression) -> None:
        """Drop the stored PDFs of the quotes where ``shown`` holds: the seller or client they print has changed
        (a quote prints the current ones, whatever its status)."""
        cls.delete().where(cls.quote.in_(Quote.select(Quote.id).where(shown))).execute()


class ApiKey(BaseModel):
    id = pw.TextField(primary_key=True)
    account = pw.ForeignKeyField(Account, on_delete="CASCADE")
    prefix = pw.TextField(index=True)
    secret_hash = pw.TextField()
    label = pw.TextField(null=True)
    created_at = pw.DateTimeField()
    last_used_at = pw.DateTimeField(null=True)
    revoked_at = pw.DateTimeField(null=True)


class InvoicePdf(StoredPdf):
    """An invoice's PDF."""

    invoice = pw.ForeignKeyField(Invoice, primary_key=True, on_delete="CASCADE")

    @classmethod
    def forget(cls, shown: pw.Expression) -> None:
        """Drop the stored PDFs of the drafts where ``shown`` holds: what they print has changed. An issued
        invoice's PDF is made from the copy taken when it was issued, so no later change reaches it."""
        drafts = Invoice.select(Invoice.id).where(shown & (Invoice.stage == "DRAFT"))
        cls.delete().where(cls.invoice.in_(drafts)).execute()


class CreditNote(BaseModel):
    """A credit note (EN 16931 type 381): it corrects an issued invoice by crediting some or all of it. It is
    issued when it is made and never changes."""

    id = pw.TextField(primary_key=True)
    account = pw.ForeignKeyField(Account, on_delete="CASCADE")
    invoice = pw.ForeignKeyField(Invoice, on_delete="RESTRICT")
    number = pw.TextField()
    search = pw.TextField()  # folded number and the invoice's number
    currency = pw.TextField()
    issue_date = pw.DateField()
    reason = pw.TextField()
    subtotal_minor = pw.BigIntegerField()
    discount_minor = pw.BigIntegerField()
    tax_minor = pw.BigIntegerField()
    total_minor = pw.BigIntegerField()
    taxes = pw.TextField()  # JSON: the tax of each (category, rate) group, as credited
    created_at = pw.DateTimeField()

    class Meta:
        indexes = (
            (("account", "number"), True),
            (("account", "created_at"), False),
            (("invoice", "created_at"), False),
        )


class CreditNoteLine(Line):
    """A line of a credit note."""

    credit_note = pw.ForeignKeyField(CreditNote, on_delete="CASCADE")

    class Meta:
        indexes = ((("credit_note", "position"), True),)


class CreditNotePdf(BaseModel):
    """A credit note's PDF, rendered once: a credit note never changes."""

    credit_note = pw.ForeignKeyField(CreditNote, primary_key=True, on_delete="CASCADE")
    data = pw.BlobField()
    rendered_at = pw.DateTimeField()


class Event(BaseModel):
    """One thing that happened to a document, appended in the transaction of the change itself; never changed.
    ``actor`` is an API key's first 12 characters, ``tui``, ``cli`` or ``system``; ``detail`` a JSON object. Each
    document type keeps its events in a table of its own (below), with the column naming the document."""

    id = pw.BigAutoField()
    type = pw.TextField()
    at = pw.DateTimeField()
    actor = pw.TextField()
    detail = pw.TextField()


class InvoiceEvent(Event):
    invoice = pw.ForeignKeyField(Invoice, on_delete="CASCADE")

    class Meta:
        indexes = ((("invoice", "id"), False),)


class QuoteEvent(Event):
    quote = pw.ForeignKeyField(Quote, on_delete="CASCADE")

    class Meta:
        indexes = ((("quote", "id"), False),)


class IssuedCopy(BaseModel):
    """What an invoice showed of its seller and its client when it was issued, as JSON of the core's records
    (the account's settings, its logo, the client): its documents are made from this copy ever after."""

    invoice = pw.ForeignKeyField(Invoice, primary_key=True, on_delete="CASCADE")
    seller = pw.TextField()
    client = pw.TextField()
    logo = pw.TextField()  # JSON: the logo record (image bytes in base64), or null
    issued_at = pw.DateTimeField()


class IdempotencyRecord(BaseModel):
    """The first response to a POST sent with an ``Idempotency-Key``, kept for replay; ``status`` is empty
    while that first request is still running."""

    api_key = pw.ForeignKeyField(ApiKey, on_delete="CASCADE")
    key = pw.TextField()
    fingerprint = pw.TextField()
    status = pw.IntegerField(null=True)
    content_type = pw.TextField(null=True)
    body = pw.BlobField(null=True)
    created_at = pw.DateTimeField()
    owner = pw.TextField(null=True)  # the process running the first request: host, pid and start time

    class Meta:
        primary_key = pw.CompositeKey("api_key", "key")


class Link(BaseModel):
    """The random token of a sent document's public view page (``/view/<token>``): 192 bits, unique. Each document
    type keeps its tokens in a table of its own (below), keyed by the document."""

    token = pw.TextField(unique=True)
    created_at = pw.DateTimeField()


class ViewLink(Link):
    """An issued invoice's token."""

    invoice = pw.ForeignKeyField(Invoice, primary_key=True, on_delete="CASCADE")


class QuoteViewLink(Link):
    """A sent quote's token: its page is where the client accepts or declines it."""

    quote = pw.ForeignKeyField(Quote, primary_key=True, on_delete="CASCADE")


class MailTemplate(BaseModel):
    """An account's own wording of an e-mail (``kind``: invoice or reminder) in one language."""

    account = pw.ForeignKeyField(Account, on_delete="CASCADE")
    language = pw.TextField()
    kind = pw.TextField()
    subject = pw.TextField()
    body = pw.TextField()
    updated_at = pw.DateTimeField()

    class Meta:
        primary_key = pw.CompositeKey("account", "language", "kind")


class ReminderClaim(BaseModel):
    """One reminder of an invoice, ``days`` after its due date, claimed by the pass that sends it: the primary
    key lets one pass alone have it. ``sent_at`` is set once the mail server accepted it; ``skipped`` marks an
    earlier reminder left out because a later one was due at the same time."""

    invoice = pw.ForeignKeyField(Invoice, on_delete="CASCADE")
    days = pw.IntegerField()
    claimed_at = pw.DateTimeField()
    sent_at = pw.DateTimeField(null=True)
    skipped = pw.BooleanField(default=False)

    class Meta:
        primary_key = pw.CompositeKey("invoice", "days")


class RecurringInvoice(BaseModel):
    """A schedule that makes an invoice on each of its dates. ``lines`` holds the line items as given (JSON,
    exact numbers as text); ``skip_before`` is the day it was last resumed or had its dates changed: no
    occurrence before it is made."""

    id = pw.TextField(primary_key=True)
    account = pw.ForeignKeyField(Account, on_delete="CASCADE")
    client = pw.ForeignKeyField(Client, on_delete="RESTRICT")
    currency = pw.TextField()
    lines = pw.TextField()
    notes = pw.TextField(null=True)
    terms = pw.TextField(null=True)
    frequency = pw.TextField()
    interval = pw.IntegerField(default=1)
    start_date = pw.DateField()
    end_date = pw.DateField(null=True)
    count = pw.IntegerField(null=True)
    due_days = pw.IntegerField(null=True)  # None: the account's payment terms
    action = pw.TextField(default="draft")
    active = pw.BooleanField(default=True)
    skip_before = pw.DateField(null=True)
    created_at = pw.DateTimeField()
    updated_at = pw.DateTimeField()

    class Meta:
        indexes = ((("account", "created_at"), False),)


class RecurringRun(BaseModel):
    """The claim on one occurrence of a schedule, written in the same transaction as the invoice it makes, so
    an occurrence is made once however many workers or hosts run the pass. ``outcome`` is ``made``, ``sent``,
    ``send_failed`` or ``refused`` (a plan limit: recorded, not retried)."""

    schedule = pw.ForeignKeyField(RecurringInvoice, on_delete="CASCADE")
    occurrence = pw.DateField()
    invoice = pw.ForeignKeyField(Invoice, null=True, on_delete="SET NULL")
    outcome = pw.TextField()
    detail = pw.TextField(null=True)
    created_at = pw.DateTimeField()

    class Meta:
        primary_key = pw.CompositeKey("schedule", "occurrence")


MODELS: tuple[type[BaseModel], ...] = (
    SchemaVersion,
    Account,
    AccountLogo,
    Tally,
    MonthlyUsage,
    Client,
    Invoice,
    LineItem,
    Payment,
    ApiKey,
    InvoicePdf,
    IdempotencyRecord,
    ViewLink,
    MailTemplate,
    ReminderClaim,
    RecurringInvoice,
    RecurringRun,
    InvoiceEvent,
    IssuedCopy,
    Quote,
    QuoteLine,
    QuotePdf,
    CreditNote,
    CreditNoteLine,
    CreditNotePdf,
    QuoteEvent,
    QuoteViewLink,
)
