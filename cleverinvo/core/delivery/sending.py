"""E-mailing an invoice: issue it and send it in one decision, so that a refused or failed e-mail changes nothing.

The send happens inside the transaction that issues the invoice: the invoice row is locked, the draft is issued
(its seller and client copied in), its PDF rendered from that copy, the message handed to the mail server, and
only once the server has accepted it are the issue and an ``emailed`` event committed. When the server refuses
or cannot be reached, the transaction rolls back and a draft stays a draft.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from email_validator import EmailNotValidError, validate_email

from cleverinvo.core import accounts, clock
from cleverinvo.core.billing.documents import Documents
from cleverinvo.core.billing.invoices import Invoices
from cleverinvo.core.delivery import links, smtp
from cleverinvo.core.delivery.compose import Attachment, Sender, Wording, compose, fill_template, invoice_language
from cleverinvo.core.delivery.config import MailConfig, mail_config
from cleverinvo.core.delivery.messages import MAX_BODY, MAX_SUBJECT, Kind, MailTemplates
from cleverinvo.core.delivery.viewing import render_page
from cleverinvo.core.errors import Conflict, MailNotConfigured, ValidationError
from cleverinvo.core.fields import Fields
from cleverinvo.core.i18n.locales import document_locale
from cleverinvo.core.records import Invoice, Status
from cleverinvo.core.storage import models
from cleverinvo.core.storage.db import transaction

SEND_FIELDS = ("viaEmail", "to", "cc", "subject", "message")
MAX_RECIPIENTS = 20


def configured() -> MailConfig:
    """The mail server, or ``MailNotConfigured`` (a conflict: nothing can be e-mailed yet)."""
    config = mail_config()
    if config is None:
        raise MailNotConfigured(
            "No mail server is configured: set CLEVERINVO_SMTP_URL or save an SMTP URL in the settings"
        )
    return config


def parse_addresses(value: object, field: str) -> list[str]:
    """One address or a list of them (``"a@x.org"``, ``["a@x.org", "b@y.org"]``), each checked for form."""
    if value is None:
        return []
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
        raise ValidationError(f"Invalid field: {field} must be an e-mail address or a list of them", field)
    if len(items) > MAX_RECIPIENTS:
        raise ValidationError(f"Invalid field: {field} may name at most {MAX_RECIPIENTS} addresses", field)
    found = []
    for item in items:
        try:
            found.append(validate_email(item.strip(), check_deliverability=False).normalized)
        except EmailNotValidError:
            raise ValidationError(f"Invalid field: {field} has an invalid e-mail address: {item!r}", field) from None
    return found


def sender_of(account_id: str) -> Sender:
    """The seller as the e-mail's sender; ``Conflict`` until the account has a seller e-mail address."""
    row = accounts.row(account_id)
    if not row.seller_email:
        raise Conflict("Set the seller's e-mail address (sellerEmail) in the settings before e-mailing invoices")
    return Sender(name=row.seller_name, email=row.seller_email)


@dataclass(frozen=True, slots=True)
class Draft:
    """An e-mail about to be sent, as the TUI shows it for editing: recipients, subject and message."""

    to: tuple[str, ...]
    subject: str
    message: str
    language: str


@dataclass(frozen=True, slots=True)
class Request:
    """A checked request to e-mail an invoice."""

    to: list[str]
    cc: list[str]
    subject: str | None
    message: str | None


def read_request(data: object) -> tuple[bool, Request]:
    """The send body: whether it asks for an e-mail, and what for."""
    f = Fields(data, SEND_FIELDS)
    via_email = bool(f.boolean("viaEmail"))
    request = Request(
        to=parse_addresses(f.data.get("to"), "to"),
        cc=parse_addresses(f.data.get("cc"), "cc"),
        subject=f.text("subject", max_length=MAX_SUBJECT),
        message=f.text("message", max_length=MAX_BODY, multiline=True),
    )
    if request.subject is not None and ("\n" in request.subject or "\r" in request.subject):
        raise f.invalid("subject", "must be one line")
    if not via_email and (request.to or request.cc or request.subject or request.message):
        raise ValidationError("Invalid input: to, cc, subject and message need viaEmail: true", "viaEmail")
    return via_email, request


class Delivery:
    """E-mailing one account's invoices, and the wording of its e-mails."""

    def __init__(self, account_id: str, actor: str) -> None:
        self.account_id = account_id
        self.actor = actor
        self.invoices = Invoices(account_id, actor)
        self.documents = Documents(account_id)
        self.templates = MailTemplates(account_id)

    def draft(self, invoice_id: str, kind: Kind | str = Kind.INVOICE) -> Draft:
        """What the e-mail would say now: the client's address, the subject and message from the template."""
        invoice = self.invoices.get(invoice_id)
        language = invoice_language(invoice)
        said = self._wording(invoice, language, Kind(kind), links.token_of(invoice.id) or "")
        to = (invoice.client.email,) if invoice.client.email else ()
        return Draft(to=to, subject=said.subject, message=said.body, language=language)

    def preview(self, invoice_id: str) -> str:
        """The view page as the client sees it, for the owner to look at: it never reports a view, so the owner's
        own look never makes the invoice VIEWED."""
        invoice = self.invoices.get(invoice_id)
        seller = accounts.to_record(accounts.row(self.account_id))
        pdf_url = f"{links.view_url(invoice.view_token)}/pdf" if invoice.view_token else None
        words = document_locale(invoice_language(invoice))
        return render_page(invoice, seller, words, pdf_url=pdf_url, seen_url=None, nonce="")

    def _wording(self, invoice: Invoice, language: str, kind: Kind, token: str) -> Wording:
        seller = accounts.row(self.account_id).seller_name
        link = links.view_url(token) if token else links.view_url("…")
        return fill_template(self.templates.get(language, kind), invoice, link, seller)

    def send(self, invoice_id: str, data: object) -> Invoice:
        """The API's send: ``{"viaEmail": true}`` (with optional ``to``, ``cc``, ``subject``, ``message``) issues
        the invoice and e-mails it; ``{}`` or ``{"viaEmail": false}`` only marks it sent."""
        via_email, request = read_request(data)
        if not via_email:
            return self.invoices.send(invoice_id, {})
        return self.email(invoice_id, request)

    def email(self, invoice_id: str, request: Request) -> Invoice:
        """Issue the invoice (when a draft) and e-mail it, as one decision; sending again re-sends.

        ``MailNotConfigured`` without a mail server, ``ValidationError`` without a recipient, ``DeliveryFailed``
        (and nothing changed) when the mail server refuses the message or cannot be reached.
        """
        invoice = self.invoices.get(invoice_id)
        config = configured()
        to = request.to or ([invoice.client.email] if invoice.client.email else [])
        if not to:
            raise ValidationError(
                f"No e-mail address: the client {invoice.client.name} has none and no 'to' was given", "to"
            )
        sender = sender_of(self.account_id)
        with transaction():
            self._lock(invoice.id)
            if self.invoices.get(invoice.id).status is Status.DRAFT:
                self.invoices.mark_sent(invoice.id, via_email=True)
            else:
                models.Invoice.update(sent_via_email=True).where(models.Invoice.id == invoice.id).execute()
            issued = self.invoices.get(invoice.id)
            assert issued.view_token is not None
            language = invoice_language(issued)
            said = self._wording(issued, language, Kind.INVOICE, issued.view_token)
            said = Wording(subject=request.subject or said.subject, body=request.message or said.body)
            self._deliver(config, sender, issued, language, said, to, request.cc)
        return self.invoices.get(invoice.id)

    @staticmethod
    def _lock(invoice_id: str) -> None:
        """Inside a transaction: take the invoice's row lock (a no-op UPDATE), so two sends of one invoice queue."""
        models.Invoice.update(version=models.Invoice.version).where(models.Invoice.id == invoice_id).execute()

    def _deliver(
        self,
        config: MailConfig,
        sender: Sender,
        invoice: Invoice,
        language: str,
        said: Wording,
        to: Sequence[str],
        cc: Sequence[str],
    ) -> dict[str, Any]:
        """Compose and hand the message to the mail server; returns what the history records of it."""
        assert invoice.view_token is not None
        pdf = self.documents.pdf(invoice.id)
        message = compose(
            invoice,
            document_locale(language),
            said,
            sender,
            to=to,
            cc=cc,
            link=links.view_url(invoice.view_token),
            attachment=Attachment(pdf.filename, pdf.data),
            sent_at=clock.now(),
        )
        refused = smtp.deliver(config, message, sender.email, [*to, *cc])
        return {"to": list(to), "cc": list(cc), "refused": refused, "messageId": message["Message-ID"]}
