"""Accounts, their plans and limits, and their settings (seller profile, numbering, defaults)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import peewee as pw

from cleverinvo.core import clock
from cleverinvo.core.errors import Conflict, LimitReached, NotFound, ValidationError
from cleverinvo.core.fields import Fields
from cleverinvo.core.ids import new_id
from cleverinvo.core.money import currency
from cleverinvo.core.records import Account, PaperSize, Plan, SellerProfile
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
    "sellerEmail": models.Account.seller_email,
    "sellerTaxId": models.Account.seller_tax_id,
    "sellerPhone": models.Account.seller_phone,
    "numberPrefix": models.Account.number_prefix,
    "numberWidth": models.Account.number_width,
    "nextNumber": models.Account.next_number,
    "defaultCurrency": models.Account.default_currency,
    "paymentTermsDays": models.Account.payment_terms_days,
    "paperSize": models.Account.paper_size,
}


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
        ),
        number_prefix=row.number_prefix,
        number_width=row.number_width,
        next_number=row.next_number,
        default_currency=row.default_currency,
        payment_terms_days=row.payment_terms_days,
        paper_size=PaperSize(row.paper_size),
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


def _read_settings(data: object) -> dict[pw.Field, Any]:
    f = Fields(data, SETTINGS)
    changes: dict[pw.Field, Any] = {}
    for key in ("sellerName", "sellerAddress", "sellerTaxId", "sellerPhone"):
        if f.has(key):
            address = key == "sellerAddress"
            changes[SETTINGS[key]] = f.text(key, max_length=1000 if address else 255, multiline=address)
    if f.has("sellerEmail"):
        changes[SETTINGS["sellerEmail"]] = f.email("sellerEmail")
    if f.has("numberPrefix"):
        changes[SETTINGS["numberPrefix"]] = f.visible_text("numberPrefix", max_length=20) or ""
    integers = {"numberWidth": (1, 12), "nextNumber": (1, 10**12), "paymentTermsDays": (0, 3650)}
    for key, (low, high) in integers.items():
        if f.has(key):
            value = f.decimal(key, required=True, minimum=Decimal(low), maximum=Decimal(high), places=0)
            changes[SETTINGS[key]] = int(value)  # type: ignore[arg-type]
    if f.has("defaultCurrency"):
        changes[SETTINGS["defaultCurrency"]] = currency(f.data["defaultCurrency"], "defaultCurrency").code
    if f.has("paperSize"):
        try:
            changes[SETTINGS["paperSize"]] = PaperSize(f.data["paperSize"]).value
        except ValueError:
            raise f.invalid("paperSize", "must be A4 or Letter") from None
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
                if any(field.name.startswith("seller_") or field.name == "paper_size" for field in changes):
                    models.InvoicePdf.forget(models.Invoice.account == self.account_id)
        return self.get()
