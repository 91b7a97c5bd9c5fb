"""The wording of the e-mails, per language: built-in texts, which an account may replace with its own.

A subject or body holds placeholders in braces: ``{number}``, ``{total}``, ``{amountDue}``, ``{dueDate}``
(invoices), ``{validUntil}`` (quotes), ``{link}``, ``{client}``, ``{seller}`` (``{{`` and ``}}`` for braces
themselves); one a document does not have is left empty. Anything else in braces is
refused when the text is saved, so filling in a saved text never fails.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from cleverinvo.core import clock
from cleverinvo.core.errors import ValidationError
from cleverinvo.core.fields import Fields
from cleverinvo.core.i18n.catalogs import LANGUAGES, N_
from cleverinvo.core.i18n.locales import document_locale
from cleverinvo.core.storage import models
from cleverinvo.core.storage.db import transaction

PLACEHOLDERS = ("number", "total", "amountDue", "dueDate", "validUntil", "link", "client", "seller")
MAX_SUBJECT = 255
MAX_BODY = 10_000


class Kind(StrEnum):
    """Which e-mail: an invoice, a reminder that it is due, or a quote."""

    INVOICE = "invoice"
    REMINDER = "reminder"
    QUOTE = "quote"


_BUILT_IN: dict[Kind, tuple[str, str]] = {
    Kind.INVOICE: (
        N_("Invoice {number} from {seller}"),
        N_(
            "Hello {client},\n\nplease find attached invoice {number} for {total}, due on {dueDate}.\n\n"
            "You can also view it online: {link}\n\nKind regards,\n{seller}"
        ),
    ),
    Kind.REMINDER: (
        N_("Reminder: invoice {number} is due"),
        N_(
            "Hello {client},\n\nthis is a friendly reminder that invoice {number} was due on {dueDate}; "
            "{amountDue} is still open.\n\nYou can view it online: {link}\n\nIf you have already paid, please "
            "disregard this message.\n\nKind regards,\n{seller}"
        ),
    ),
    Kind.QUOTE: (
        N_("Quote {number} from {seller}"),
        N_(
            "Hello {client},\n\nplease find attached quote {number} for {total}, valid until {validUntil}.\n\n"
            "You can view it online and accept or decline it there: {link}\n\nKind regards,\n{seller}"
        ),
    ),
}


@dataclass(frozen=True, slots=True)
class MailTemplate:
    """The subject and body of one kind of e-mail in one language; ``custom`` when the account wrote them."""

    language: str
    kind: Kind
    subject: str
    body: str
    custom: bool


def check_placeholders(text: str, field: str) -> str:
    """``text`` when every placeholder in it is a known one; else a ``ValidationError`` naming the first other."""
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError:
        problem = f"Invalid field: {field} has an unmatched brace; write {{{{ or }}}} for one"
        raise ValidationError(problem, field) from None
    for _literal, name, spec, conversion in parsed:
        if name is None:
            continue
        if name not in PLACEHOLDERS or spec or conversion:
            known = ", ".join(f"{{{p}}}" for p in PLACEHOLDERS)
            raise ValidationError(f"Invalid field: {field} has an unknown placeholder {{{name}}}; use {known}", field)
    return text


def fill(text: str, values: Mapping[str, str]) -> str:
    """A checked text with its placeholders replaced by ``values``."""
    return text.format_map({name: values.get(name, "") for name in PLACEHOLDERS})


def _parse_language(value: object) -> str:
    if value not in LANGUAGES:
        raise ValidationError(f"Invalid field: language must be one of {', '.join(LANGUAGES)}", "language")
    return str(value)


def _parse_kind(value: object) -> Kind:
    try:
        return Kind(value)
    except ValueError:
        raise ValidationError(
            f"Invalid field: kind must be one of {', '.join(k.value for k in Kind)}", "kind"
        ) from None


class MailTemplates:
    """One account's e-mail wording in every language."""

    def __init__(self, account_id: str) -> None:
        self.account_id = account_id

    def get(self, language: str, kind: Kind | str) -> MailTemplate:
        """The wording in force: the account's own, else the built-in text in that language."""
        language, kind = _parse_language(language), _parse_kind(kind)
        own = models.MailTemplate.get_or_none(
            (models.MailTemplate.account == self.account_id)
            & (models.MailTemplate.language == language)
            & (models.MailTemplate.kind == kind.value)
        )
        if own is not None:
            return MailTemplate(language, kind, own.subject, own.body, custom=True)
        subject, body = _BUILT_IN[kind]
        words = document_locale(language)
        return MailTemplate(language, kind, words.gettext(subject), words.gettext(body), custom=False)

    def set(self, language: str, kind: Kind | str, data: object) -> MailTemplate:
        """Save the account's own ``{"subject": …, "body": …}`` for a language and kind."""
        language, kind = _parse_language(language), _parse_kind(kind)
        f = Fields(data, ("subject", "body"))
        subject = f.text("subject", required=True, max_length=MAX_SUBJECT)
        body = f.text("body", required=True, max_length=MAX_BODY, multiline=True)
        assert subject is not None and body is not None
        if "\n" in subject or "\r" in subject:
            raise f.invalid("subject", "must be one line")
        check_placeholders(subject, "subject")
        check_placeholders(body, "body")
        with transaction():
            models.MailTemplate.insert(
                account=self.account_id,
                language=language,
                kind=kind.value,
                subject=subject,
                body=body,
                updated_at=clock.now(),
            ).on_conflict(
                conflict_target=[models.MailTemplate.account, models.MailTemplate.language, models.MailTemplate.kind],
                update={models.MailTemplate.subject: subject, models.MailTemplate.body: body},
            ).execute()
        return self.get(language, kind)

    def reset(self, language: str, kind: Kind | str) -> MailTemplate:
        """Go back to the built-in wording."""
        language, kind = _parse_language(language), _parse_kind(kind)
        with transaction():
            models.MailTemplate.delete().where(
                (models.MailTemplate.account == self.account_id)
                & (models.MailTemplate.language == language)
                & (models.MailTemplate.kind == kind.value)
            ).execute()
        return self.get(language, kind)
