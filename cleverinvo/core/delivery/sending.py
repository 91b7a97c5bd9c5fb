"""E-mailing an invoice or a quote: send it and e-mail it in one decision, so that a refused or failed e-mail
changes nothing.

The e-mail goes out inside the transaction that sends the document: its row is locked, a draft is sent (an
invoice issued, its seller and client copied in; a quote given its view link), its PDF made, the message handed
to the mail server, and only once the server has accepted it are the change and an ``emailed`` event committed.
When the server refuses or cannot be reached, the transaction rolls back and a draft stays a draft. What differs
between invoices and quotes is in ``sendables``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from email_validator import EmailNotValidError, validate_email

from cleverinvo.core import accounts, clock
from cleverinvo.core.billing.invoices import Invoices
from cleverinvo.core.delivery import links, smtp
from cleverinvo.core.delivery.compose import Attachment, Sender, compose, fill_wording, plain_message
from cleverinvo.core.delivery.config import MailConfig, mail_config
from cleverinvo.core.delivery.messages import MAX_BODY, MAX_SUBJECT, Kind, MailTemplates, check_placeholders
from cleverinvo.core.delivery.sendables import Sendable, for_kind
from cleverinvo.core.delivery.viewing import render_page
from cleverinvo.core.errors import Conflict, MailNotConfigured, ValidationError
from cleverinvo.core.fields import Fields
from cleverinvo.core.i18n.catalogs import N_
from cleverinvo.core.i18n.locales import document_locale
from cleverinvo.core.records import EventType, Invoice, Quote
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
        raise Conflict("Set the seller's e-mail address (sellerEmail) in the settings before e-mailing documents")
    return Sender(name=row.seller_name, email=row.seller_email)


def _escaped(value: str) -> str:
    """A value as literal text in a template."""
    return value.replace("{", "{{").replace("}", "}}")


@dataclass(frozen=True, slots=True)
class Draft:
    """An e-mail about to be sent, as the TUI shows it for editing: recipients, subject and message, filled in
    but for ``{link}`` (made when the document is sent), which sending fills in."""

    to: tuple[str, ...]
    subject: str
    message: str
    language: str


@dataclass(frozen=True, slots=True)
class Request:
    """A checked request to e-mail a document."""

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
    for field, text in (("subject", request.subject), ("message", request.message)):
        if text is not None:
            check_placeholders(text, field)
    if not via_email and (request.to or request.cc or request.subject or request.message):
        raise ValidationError("Invalid input: to, cc, subject and message need viaEmail: true", "viaEmail")
    return via_email, request


class Delivery:
    """E-mailing one account's invoices and quotes, and the wording of its e-mails. ``kind`` chooses the wording
    and so the document: ``Kind.INVOICE`` (and ``Kind.REMINDER``) an invoice, ``Kind.QUOTE`` a quote."""

    def __init__(self, account_id: str, actor: str) -> None:
        self.account_id = account_id
        self.actor = actor
        self.invoices = Invoices(account_id, actor)
        self.templates = MailTemplates(account_id)

    def _sendable(self, kind: Kind | str) -> Sendable[Any]:
        return for_kind(Kind(kind), self.account_id, self.actor)

    def draft(self, document_id: str, kind: Kind | str = Kind.INVOICE) -> Draft:
        """What the e-mail would say now: the client's address, the subject and message from the template."""
        sendable = self._sendable(kind)
        document = sendable.get(document_id)
        language = document.language.value
        template = self.templates.get(language, kind)
        sheet = sendable.sheet(document)
        values = {**sendable.values(document, sendable.locale(sheet)), "seller": sheet.seller.name or ""}
        escaped = {name: _escaped(value) for name, value in values.items()}
        said = fill_wording(template.subject, template.body, {**escaped, "link": "{link}"})
        to = (document.client.email,) if document.client.email else ()
        return Draft(to=to, subject=said.subject, message=said.body, language=language)

    def preview(self, invoice_id: str) -> str:
        """The view page as the client sees it, for the owner to look at: it never reports a view, so the owner's
        own look never makes the invoice VIEWED."""
        sendable = self._sendable(Kind.INVOICE)
        invoice = sendable.get(invoice_id)
        pdf_url = f"{links.view_url(invoice.view_token)}/pdf" if invoice.view_token else None
        sheet = sendable.sheet(invoice)
        return render_page(invoice, sheet, sendable.locale(sheet), pdf_url=pdf_url, seen_url=None, nonce="")

    def send(self, document_id: str, data: object, kind: Kind | str = Kind.INVOICE) -> Any:
        """The API's send of an invoice (or a quote, with ``Kind.QUOTE``): ``{"viaEmail": true}`` (with optional
        ``to``, ``cc``, ``subject``, ``message``) sends it and e-mails it; ``{}`` or ``{"viaEmail": false}`` only
        marks it sent."""
        via_email, request = read_request(data)
        if not via_email:
            return self._sendable(kind).mark_sent(document_id)
        return self.email(document_id, request, kind)

    def email(self, document_id: str, request: Request, kind: Kind | str = Kind.INVOICE) -> Any:
        """Send the document (issue an invoice, when a draft) and e-mail it, as one decision; sending again
        re-sends.

        ``MailNotConfigured`` without a mail server, ``ValidationError`` without a recipient, ``DeliveryFailed``
        (and nothing changed) when the mail server refuses the message or cannot be reached.
        """
        sendable = self._sendable(kind)
        document = sendable.get(document_id)
        config = configured()
        to = request.to or ([document.client.email] if document.client.email else [])
        if not to:
            raise ValidationError(
                f"No e-mail address: the client {document.client.name} has none and no 'to' was given", "to"
            )
        sender = sender_of(self.account_id)
        with transaction():
            sendable.lock(document.id)
            sendable.issue(document.id)
            sent = sendable.get(document.id)
            detail = self.deliver(config, sender, sent, sendable.kind, to, request.cc, request.subject, request.message)
            sendable.record_emailed(document.id, detail)
        return sendable.get(document.id)

    def recipients(self, invoice: Invoice) -> list[str]:
        """Who a reminder goes to: whoever the invoice was last e-mailed to, else the client's address."""
        emailed = [event for event in self.invoices.events(invoice.id) if event.type is EventType.EMAILED]
        if emailed and emailed[-1].detail.get("to"):
            return list(emailed[-1].detail["to"])
        if invoice.client.email:
            return [invoice.client.email]
        raise ValidationError(f"No e-mail address: the client {invoice.client.name} has none", "to")

    def deliver(
        self,
        config: MailConfig,
        sender: Sender,
        document: Invoice | Quote,
        kind: Kind,
        to: Sequence[str],
        cc: Sequence[str] = (),
        subject: str | None = None,
        message: str | None = None,
    ) -> dict[str, Any]:
        """Write the e-mail of ``kind`` about a sent document (the template, unless ``subject`` or ``message``
        replace it) and hand it to the mail server; returns what the document's history records of it."""
        assert document.view_token is not None
        sendable = self._sendable(kind)
        sheet = sendable.sheet(document)
        words = sendable.locale(sheet)
        link = links.view_url(document.view_token)
        template = self.templates.get(words.language, kind)
        values = {**sendable.values(document, words), "link": link, "seller": sheet.seller.name or ""}
        said = fill_wording(subject or template.subject, message or template.body, values)
        pdf = sendable.pdf(document.id)
        mail = compose(
            sendable.about(document, words),
            words,
            said,
            sender,
            to=to,
            cc=cc,
            link=link,
            attachment=Attachment(pdf.filename, pdf.data),
            sent_at=clock.now(),
        )
        refused = smtp.deliver(config, mail, sender.email, [*to, *cc])
        return {"to": list(to), "cc": list(cc), "refused": refused, "messageId": mail["Message-ID"]}

    def test_message(self, to: str) -> str:
        """Send a short test message from the seller through the mail server; returns the address it went to."""
        addresses = parse_addresses(to.strip() or None, "to")
        if not addresses:
            raise ValidationError("Missing required field: to", "to")
        config = configured()
        sender = sender_of(self.account_id)
        words = document_locale(accounts.to_record(accounts.row(self.account_id)).language.value)
        subject = words.gettext(N_("CleverInvo test message"))
        text = words.gettext(N_("This is a test message from CleverInvo: your mail settings work."))
        smtp.deliver(config, plain_message(subject, text, sender, addresses), sender.email, addresses)
        return addresses[0]
