"""Writing an e-mail about a document (an invoice, a quote): a plain-text and an HTML part in the document's
language, the PDF attached as ``<number>.pdf``, the view link, and the headers a mail client and a spam filter
expect (``From`` the seller, ``Reply-To``, ``Date``, a ``Message-ID`` on the seller's domain)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

import jinja2

from cleverinvo.core.delivery.messages import fill
from cleverinvo.core.i18n.catalogs import SOURCE_LANGUAGE
from cleverinvo.core.i18n.locales import DocumentLocale

_html = jinja2.Environment(
    loader=jinja2.PackageLoader("cleverinvo.core.delivery", "html"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def html_templates() -> jinja2.Environment:
    """The Jinja2 environment of every HTML this package writes: autoescaped, strict about missing values."""
    return _html


@dataclass(frozen=True, slots=True)
class Sender:
    """Who the e-mail is from: the account's seller name and address."""

    name: str | None
    email: str

    def address(self) -> Address:
        username, _, domain = self.email.rpartition("@")
        return Address(display_name=self.name or "", username=username, domain=domain)


@dataclass(frozen=True, slots=True)
class Attachment:
    filename: str
    data: bytes


@dataclass(frozen=True, slots=True)
class Wording:
    """The subject and body actually sent (a template filled in, or what the sender typed)."""

    subject: str
    body: str


@dataclass(frozen=True, slots=True)
class About:
    """What an e-mail says about its document under the message, in its language: its facts (number, total, the
    date that matters) and the button to its view page."""

    facts: tuple[tuple[str, str], ...]
    view: str


def fill_wording(subject: str, body: str, values: Mapping[str, str]) -> Wording:
    """A subject and body with their placeholders filled in."""
    return Wording(subject=fill(subject, values), body=fill(body, values))


def _paragraphs(body: str, link: str | None) -> list[list[list[dict[str, object]]]]:
    """The body as paragraphs of lines of parts, where the view link is a part of its own (made a link)."""
    paragraphs = []
    for block in body.replace("\r\n", "\n").split("\n\n"):
        lines = []
        for line in block.split("\n"):
            pieces = line.split(link) if link else [line]
            parts: list[dict[str, object]] = []
            for index, piece in enumerate(pieces):
                if index:
                    parts.append({"text": link, "link": True})
                if piece:
                    parts.append({"text": piece, "link": False})
            lines.append(parts)
        if any(lines):
            paragraphs.append(lines)
    return paragraphs


def plain_message(
    subject: str,
    text: str,
    sender: Sender,
    to: Sequence[str],
    cc: Sequence[str] = (),
    language: str = SOURCE_LANGUAGE,
    sent_at: dt.datetime | None = None,
) -> EmailMessage:
    """A text e-mail from the seller with the headers every message of ours carries."""
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = sender.address()
    message["Reply-To"] = sender.address()
    message["To"] = ", ".join(to)
    if cc:
        message["Cc"] = ", ".join(cc)
    message["Date"] = format_datetime((sent_at or dt.datetime.now(dt.UTC)).replace(tzinfo=dt.UTC))
    message["Message-ID"] = make_msgid(domain=sender.email.rpartition("@")[2])
    message.set_content(text)
    message["Content-Language"] = language
    return message


def compose(
    about: About,
    words: DocumentLocale,
    said: Wording,
    sender: Sender,
    to: Sequence[str],
    cc: Sequence[str] = (),
    link: str | None = None,
    attachment: Attachment | None = None,
    sent_at: dt.datetime | None = None,
) -> EmailMessage:
    """The e-mail, ready for the mail server. The view link is always in the text, even when the sender's own
    wording left it out."""
    text = said.body if not link or link in said.body else f"{said.body}\n\n{link}"
    message = plain_message(said.subject, text, sender, to, cc, words.language, sent_at)
    html = _html.get_template("email.html").render(
        language=words.language,
        subject=said.subject,
        paragraphs=_paragraphs(text, link),
        facts=about.facts,
        view=about.view,
        link=link,
    )
    message.add_alternative(html, subtype="html")
    if attachment is not None:
        message.add_attachment(attachment.data, maintype="application", subtype="pdf", filename=attachment.filename)
    if "Content-Language" not in message:  # made multipart, the header went with the text into its part
        message["Content-Language"] = words.language
    return message
