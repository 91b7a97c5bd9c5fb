"""Accounts, their plans and limits, and their settings (seller profile, numbering, defaults)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import peewee as pw
from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException

from cleverinvo.core import clock, logos
from cleverinvo.core.errors import Conflict, LimitReached, NotFound, ProfileIncomplete, ValidationError
from cleverinvo.core.fields import Fields
from cleverinvo.core.ids import new_id
from cleverinvo.core.money import currency
from cleverinvo.core.records import Account, BankDetails, Language, Logo, PaperSize, Plan, SellerProfile
from cleverinvo.core.storage import models
from cleverinvo.core.storage.db import transaction

DEFAULT_ACCOUNT = "default"
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}")


@dataclass(frozen=True, slots=True)
class PlanLimits:
    active_clients: int
    invoices_per_month: int


LIMITS: dict[Plan, PlanLimits | None] = {
    Plan.FREE: PlanLimits(active_clients=5, invoices_per_month=20),
    Plan.PRO: PlanLimits(active_clients=100, invoices_per_month=1000),
    Plan.UNLIMITED: None,
}

# Setting name (as the API and the TUI spell it) → column.
SETTINGS: dict[str, pw.Field] = {
    "sellerName": models.Account.seller_name,
    "sellerAddress": models.Account.seller_address,
    "sellerPostalCode": models.Account.seller_postal_code,
    "sellerCity": models.Account.seller_city,
    "sellerCountry": models.Account.seller_country,
    "sellerEmail": models.Account.seller_email,
    "sellerPhone": models.Account.seller_phone,
    "sellerTaxId": models.Account.seller_tax_id,
    "sellerRegistration": models.Account.seller_registration,
    "iban": models.Account.iban,
    "bic": models.Account.bic,
    "bankName": models.Account.bank_name,
    "numberPrefix": models.Account.number_prefix,
    "numberWidth": models.Account.number_width,
    "nextNumber": models.Account.next_number,
    "creditNotePrefix": models.Account.credit_note_prefix,
    "quotePrefix": models.Account.quote_prefix,
    "defaultCurrency": models.Account.default_currency,
    "paymentTermsDays": models.Account.payment_terms_days,
    "defaultNotes": models.Account.default_notes,
    "defaultTerms": models.Account.default_terms,
    "language": models.Account.language,
    "paperSize": models.Account.paper_size,
    "reminderDays": models.Account.reminder_days,
    "eInvoice": models.Account.e_invoice,
}
# Free-text settings and their longest length; each is printed on documents.
_TEXTS = {
    "sellerName": 255,
    "sellerAddress": 1000,
    "sellerPostalCode": 32,
    "sellerCity": 255,
    "sellerPhone": 64,
    "sellerTaxId": 64,
    "sellerRegistration": 255,
    "bankName": 255,
    "defaultNotes": 5000,
    "defaultTerms": 5000,
}
_MULTILINE = frozenset({"sellerAddress", "defaultNotes", "defaultTerms"})
_PREFIXES = ("numberPrefix", "creditNotePrefix", "quotePrefix")
_INTEGERS = {"numberWidth": (1, 12), "nextNumber": (1, 10**12), "paymentTermsDays": (0, 3650)}
MAX_REMINDERS = 20
MAX_REMINDER_DAY = 3650
# Changing these changes what a draft's PDF shows.
_PRINTED_COLUMNS = frozenset(
    SETTINGS[key].name
    for key in (*_TEXTS, "sellerCountry", "sellerEmail", "iban", "bic", "language", "paperSize", "eInvoice")
    if key not in ("defaultNotes", "defaultTerms")
)


def _reminder_days(stored: str) -> tuple[int, ...]:
    return tuple(int(day) for day in stored.split(",") if day)


def to_record(row: models.Account) -> Account:
    return Account(
        id=row.id,
        name=row.name,
        plan=Plan(row.plan),
        created_at=row.created_at,
        seller=SellerProfile(
            name=row.seller_name,
            address=row.seller_address,
            email=row.seller_email,
            tax_id=row.seller_tax_id,
            phone=row.seller_phone,
            postal_code=row.seller_postal_code,
            city=row.seller_city,
            country=row.seller_country,
            registration=row.seller_registration,
        ),
        number_prefix=row.number_prefix,
        number_width=row.number_width,
        next_number=row.next_number,
        default_currency=row.default_currency,
        payment_terms_days=row.payment_terms_days,
        paper_size=PaperSize(row.paper_size),
        bank=BankDetails(iban=row.iban, bic=row.bic, bank_name=row.bank_name),
        credit_note_prefix=row.credit_note_prefix,
        quote_prefix=row.quote_prefix,
        default_notes=row.default_notes,
        default_terms=row.default_terms,
        language=Language(row.language),
        reminder_days=_reminder_days(row.reminder_days),
        e_invoice=row.e_invoice,
    )


def parse_plan(value: object) -> Plan:
    try:
        return Plan(str(value))
    except ValueError:
        raise ValidationError(
            f"Invalid field: plan must be one of {', '.join(p.value for p in Plan)}", "plan"
        ) from None


def row(account_id: str) -> models.Account:
    found = models.Account.get_or_none(models.Account.id == account_id)
    if found is None:
        raise NotFound(f"Account not found: {account_id}")
    return found


def lock(account_id: str) -> models.Account:
    """Inside a transaction: take the account's row lock (a no-op UPDATE, portable to every backend) and
    read it, so plan limits and numbering are decided by one writer at a time."""
    models.Account.update(plan=models.Account.plan).where(models.Account.id == account_id).execute()
    return row(account_id)


def require_seller(account: models.Account, doing: str) -> None:
    """Refuse ``doing`` (e.g. "send an invoice") while the account has no seller name: a document must never
    be issued without saying who issues it (and never under the account's internal name)."""
    if not (account.seller_name or "").strip():
        raise ProfileIncomplete(
            f"Cannot {doing} without a seller name: set sellerName in the account settings first "
            "(it is printed on every invoice as who issues it)"
        )


def limits_of(account: models.Account) -> PlanLimits | None:
    return LIMITS[Plan(account.plan)]


def check_client_capacity(account: models.Account) -> None:
    """Refuse one more active client when the plan is full."""
    limits = limits_of(account)
    if limits is None:
        return
    active = (
        models.Client.select()
        .where((models.Client.account == account.id) & (models.Client.is_active == True))  # noqa: E712
        .count()
    )
    if active >= limits.active_clients:
        raise LimitReached(f"Plan limit reached: the {account.plan} plan allows {limits.active_clients} active clients")


def count_invoice_creation(account: models.Account) -> None:
    """Count one more invoice created this UTC month, refusing it when the plan's month is full."""
    month = clock.month_start(clock.today())
    usage, _ = models.MonthlyUsage.get_or_create(account=account.id, month=month)
    limits = limits_of(account)
    if limits is not None and usage.invoices_created >= limits.invoices_per_month:
        raise LimitReached(
            f"Plan limit reached: the {account.plan} plan allows {limits.invoices_per_month} invoices per month"
        )
    models.MonthlyUsage.update(invoices_created=models.MonthlyUsage.invoices_created + 1).where(
        (models.MonthlyUsage.account == account.id) & (models.MonthlyUsage.month == month)
    ).execute()


def _bank_code(f: Fields, key: str, kind: type[IBAN] | type[BIC]) -> str | None:
    """An IBAN or a BIC, checked (length, country format, checksum) and in its compact form."""
    value = f.text(key, max_length=64)
    if value is None:
        return None
    try:
        return kind(value).compact
    except SchwiftyException as exc:
        raise f.invalid(key, f"is not a valid {kind.__name__}: {_reason(exc)}") from None


def _reason(exc: SchwiftyException) -> str:
    """schwifty's explanation, as the end of a sentence."""
    text = str(exc).strip().rstrip(".")
    return text[:1].lower() + text[1:] if text else "wrong format"


def _reminders(f: Fields) -> str:
    value = f.data["reminderDays"]
    if value is None:
        return ""
    if not isinstance(value, list) or len(value) > MAX_REMINDERS:
        raise f.invalid("reminderDays", f"must be a list of at most {MAX_REMINDERS} whole numbers of days")
    if any(isinstance(day, bool) or not isinstance(day, int) or not 1 <= day <= MAX_REMINDER_DAY for day in value):
        raise f.invalid("reminderDays", f"must hold whole numbers of days from 1 to {MAX_REMINDER_DAY}")
    return ",".join(str(day) for day in sorted(set(value)))


def _read_settings(data: object) -> dict[pw.Field, Any]:
    if isinstance(data, Mapping):
        for fixed in ("name", "plan"):
            if fixed in data:
                raise ValidationError(f"Invalid field: {fixed} is not a setting and cannot be changed here", fixed)
    f = Fields(data, SETTINGS)
    changes: dict[pw.Field, Any] = {}
    for key, longest in _TEXTS.items():
        if f.has(key):
            changes[SETTINGS[key]] = f.text(key, max_length=longest, multiline=key in _MULTILINE)
    for key in _PREFIXES:
        if f.has(key):
            changes[SETTINGS[key]] = f.visible_text(key, max_length=20) or ""
    if f.has("sellerEmail"):
        changes[SETTINGS["sellerEmail"]] = f.email("sellerEmail")
    if f.has("sellerCountry"):
        changes[SETTINGS["sellerCountry"]] = f.country("sellerCountry")
    if f.has("iban"):
        changes[SETTINGS["iban"]] = _bank_code(f, "iban", IBAN)
    if f.has("bic"):
        changes[SETTINGS["bic"]] = _bank_code(f, "bic", BIC)
    for key, (low, high) in _INTEGERS.items():
        if f.has(key):
            value = f.decimal(key, required=True, minimum=Decimal(low), maximum=Decimal(high), places=0)
            changes[SETTINGS[key]] = int(value)  # type: ignore[arg-type]
    if f.has("defaultCurrency"):
        changes[SETTINGS["defaultCurrency"]] = currency(f.data["defaultCurrency"], "defaultCurrency").code
    if f.has("language"):
        changes[SETTINGS["language"]] = f.language("language", required=True).value  # type: ignore[union-attr]
    if f.has("paperSize"):
        try:
            changes[SETTINGS["paperSize"]] = PaperSize(f.data["paperSize"]).value
        except ValueError:
            raise f.invalid("paperSize", "must be A4 or Letter") from None
    if f.has("reminderDays"):
        changes[SETTINGS["reminderDays"]] = _reminders(f)
    if f.has("eInvoice"):
        changes[SETTINGS["eInvoice"]] = f.boolean("eInvoice", required=True)
    return changes


class Accounts:
    """Every account of the database: create, find, change plan."""

    def create(self, name: str, plan: Plan | str = Plan.UNLIMITED) -> Account:
        if not isinstance(name, str) or not _NAME.fullmatch(name):
            raise ValidationError(
                "Invalid field: account name must be 1-64 letters, digits or . _ - @, starting with a letter or digit",
                "name",
            )
        chosen = parse_plan(plan)
        with transaction():
            if models.Account.get_or_none(models.Account.name == name) is not None:
                raise Conflict(f"Account already exists: {name}")
            created = models.Account.create(id=new_id(), name=name, plan=chosen.value, created_at=clock.now())
        return to_record(created)

    def get(self, name: str) -> Account:
        found = models.Account.get_or_none(models.Account.name == name)
        if found is None:
            raise NotFound(f"Account not found: {name}")
        return to_record(found)

    def get_or_create(self, name: str) -> Account:
        try:
            return self.get(name)
        except NotFound:
            return self.create(name)

    def list(self) -> list[Account]:
        return [to_record(r) for r in models.Account.select().order_by(models.Account.created_at)]

    def set_plan(self, name: str, plan: Plan | str) -> Account:
        chosen = parse_plan(plan)
        with transaction():
            models.Account.update(plan=chosen.value).where(models.Account.name == name).execute()
        return self.get(name)


class Settings:
    """One account's own settings."""

    def __init__(self, account_id: str) -> None:
        self.account_id = account_id

    def get(self) -> Account:
        return to_record(row(self.account_id))

    def update(self, data: object) -> Account:
        """Change only the settings given, e.g. ``{"sellerName": "Zoë Ørsted", "numberPrefix": "ZO-"}``."""
        changes = _read_settings(data)
        if changes:
            with transaction():
                models.Account.update(changes).where(models.Account.id == self.account_id).execute()
                if any(field.name in _PRINTED_COLUMNS for field in changes):
                    models.InvoicePdf.forget(models.Invoice.account == self.account_id)
                    models.QuotePdf.forget(models.Quote.account == self.account_id)
        return self.get()

    def logo(self) -> Logo | None:
        """The account's logo, or ``None`` when it has none."""
        found = models.AccountLogo.get_or_none(models.AccountLogo.account == self.account_id)
        if found is None:
            return None
        return Logo(
            media_type=found.media_type,
            width=found.width,
            height=found.height,
            data=bytes(found.data),
            updated_at=found.updated_at,
        )

    def set_logo(self, data: bytes, media_type: str | None = None) -> Logo:
        """Take a PNG or JPEG image (``media_type`` as declared, or ``None`` to go by its content), decode it and
        store it re-encoded, scaled down to fit ``logos.MAX_SIDE`` pixels."""
        image = logos.reencode(data, media_type)
        now = clock.now()
        with transaction():
            row(self.account_id)
            models.AccountLogo.delete().where(models.AccountLogo.account == self.account_id).execute()
            models.AccountLogo.create(
                account=self.account_id,
                media_type=image.media_type,
                width=image.width,
                height=image.height,
                data=image.data,
                updated_at=now,
            )
            models.InvoicePdf.forget(models.Invoice.account == self.account_id)
            models.QuotePdf.forget(models.Quote.account == self.account_id)
        logo = self.logo()
        assert logo is not None
        return logo

    def remove_logo(self) -> None:
        """Remove the account's logo (nothing happens when it has none)."""
        with transaction():
            removed = models.AccountLogo.delete().where(models.AccountLogo.account == self.account_id).execute()
            if removed:
                models.InvoicePdf.forget(models.Invoice.account == self.account_id)
                models.QuotePdf.forget(models.Quote.account == self.account_id)
