"""Reminders: an e-mailed invoice still owed after its due date gets a reminder on each of the account's
``reminderDays``, exactly once each, however many passes run at once on however many hosts.

A pass claims a reminder in the database before sending it: the claim's primary key (invoice, day offset) lets one
pass alone have it. Once the mail server accepted the reminder, the claim is marked sent with a ``reminder_sent``
event; when sending fails, the claim is released and the next pass tries again. When several offsets are due at
once (the server was down, or the days were set later), only the latest is sent and the earlier ones are marked
skipped: one reminder, not a burst.

No transaction is open while the mail server is spoken to: the claim is committed first, in a transaction of its
own, and the mark of the sent reminder comes in another once the server has answered. The exchange (seconds, or
the mail server's whole timeout when it does not answer) therefore never holds SQLite's write lock or a row of
PostgreSQL: every other request and pass goes on meanwhile.

A pass that dies between its claim and the mark leaves a claim that is neither sent nor released. Other passes
leave it alone for ``STALE_CLAIM`` (15 minutes: three times the longest timeout one step of the mail exchange may
be given, so a live pass is overtaken only when its mail server stalls at step after step), then one of them takes
it over (a conditional update: one pass alone wins) and sends. So:

- died before the mail server accepted the reminder: it is sent once, ``STALE_CLAIM`` late;
- died in the instant between the server's acceptance and the mark: it is sent a second time.

That is the choice: never lose a reminder, at the price of a rare duplicate. The other choice (a claim marked
"sending" is never retried) would silently drop the reminder whenever a pass dies anywhere in the exchange, a
window of seconds, where the duplicate needs a death in the window of one committed update.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import peewee as pw

from cleverinvo.core import accounts, clock
from cleverinvo.core.billing.invoices import Invoices, status_sql
from cleverinvo.core.delivery.config import MailConfig
from cleverinvo.core.delivery.messages import Kind
from cleverinvo.core.delivery.sending import Delivery, configured, sender_of
from cleverinvo.core.errors import CleverInvoError, ValidationError
from cleverinvo.core.records import EventType, Status
from cleverinvo.core.storage import models
from cleverinvo.core.storage.db import transaction

STALE_CLAIM = dt.timedelta(minutes=15)
ACTOR = "system"


@dataclass(frozen=True, slots=True)
class Reminded:
    """One reminder a pass handled: sent (``error`` is ``None``) or not (``error`` says why)."""

    account: str
    invoice_id: str
    number: str
    days: int
    to: tuple[str, ...]
    error: str | None = None


def read_days(typed: str) -> list[int]:
    """Reminder days as a person types them (``3, 14, 30``) for the ``reminderDays`` setting, which checks them."""
    parts = typed.replace(",", " ").split()
    if not all(part.isascii() and part.isdigit() for part in parts):
        raise ValidationError(
            "Invalid field: reminderDays must be whole numbers of days, e.g. 3, 14, 30", "reminderDays"
        )
    return [int(part) for part in parts]


def due_offsets(due_date: dt.date, days: Iterable[int], today: dt.date) -> list[int]:
    """The reminder days whose date has come, ascending."""
    return sorted(day for day in set(days) if due_date + dt.timedelta(days=day) <= today)


def _candidates(today: dt.date) -> list[tuple[str, str, str, dt.date]]:
    """Invoices that may be due a reminder: e-mailed and overdue (owed, not credited away), in an account with
    reminder days. As (account id, account name, invoice id, due date)."""
    rows = (
        models.Invoice.select(models.Account.id, models.Account.name, models.Invoice.id, models.Invoice.due_date)
        .join(models.Account, on=models.Invoice.account == models.Account.id)
        .where(
            (models.Account.reminder_days != "")
            & (models.Invoice.sent_via_email == True)  # noqa: E712
            & (status_sql(today) == Status.OVERDUE.value)
        )
        .order_by(models.Invoice.due_date, models.Invoice.id)
        .tuples()
    )
    return list(rows)


def _settled(invoice_id: str) -> set[int]:
    """The offsets of this invoice already sent, skipped, or claimed by a pass that may still be sending."""
    fresh = clock.now() - STALE_CLAIM
    claims = models.ReminderClaim.select(models.ReminderClaim.days).where(
        (models.ReminderClaim.invoice == invoice_id)
        & (
            models.ReminderClaim.sent_at.is_null(False)
            | (models.ReminderClaim.skipped == True)  # noqa: E712
            | (models.ReminderClaim.claimed_at >= fresh)
        )
    )
    return {claim.days for claim in claims}


def claim(invoice_id: str, days: int, skipped: Iterable[int] = ()) -> bool:
    """Claim the reminder of ``days`` (and mark the ``skipped`` earlier ones); ``False`` when another pass has it.
    A claim left unsent for ``STALE_CLAIM`` (its pass died) is taken over."""
    now = clock.now()
    try:
        with transaction():
            models.ReminderClaim.insert(invoice=invoice_id, days=days, claimed_at=now).execute()
            for day in skipped:
                models.ReminderClaim.insert(
                    invoice=invoice_id, days=day, claimed_at=now, skipped=True
                ).on_conflict_ignore().execute()
        return True
    except pw.IntegrityError:
        pass
    with transaction():
        taken = (
            models.ReminderClaim.update(claimed_at=now)
            .where(
                (models.ReminderClaim.invoice == invoice_id)
                & (models.ReminderClaim.days == days)
                & models.ReminderClaim.sent_at.is_null()
                & (models.ReminderClaim.skipped == False)  # noqa: E712
                & (models.ReminderClaim.claimed_at < now - STALE_CLAIM)
            )
            .execute()
        )
    return taken == 1


def release(invoice_id: str, days: int, skipped: Iterable[int] = ()) -> None:
    """Give a claim back after a failed send (with the skips it made), so the next pass tries again."""
    with transaction():
        models.ReminderClaim.delete().where(
            (models.ReminderClaim.invoice == invoice_id)
            & models.ReminderClaim.sent_at.is_null()
            & ((models.ReminderClaim.days == days) | models.ReminderClaim.days.in_(list(skipped)))
        ).execute()


def _send(config: MailConfig, account_id: str, invoice_id: str, days: int) -> tuple[str, ...]:
    """Send the reminder and mark its claim sent with a ``reminder_sent`` event; returns the recipients."""
    delivery = Delivery(account_id, ACTOR)
    invoice = delivery.invoices.get(invoice_id)
    to = delivery.recipients(invoice)
    sender = sender_of(account_id)
    detail = delivery.deliver(config, sender, invoice, Kind.REMINDER, to)
    with transaction():
        models.ReminderClaim.update(sent_at=clock.now()).where(
            (models.ReminderClaim.invoice == invoice_id) & (models.ReminderClaim.days == days)
        ).execute()
        Invoices(account_id, ACTOR).record_event(invoice_id, EventType.REMINDER_SENT, days=days, **detail)
    return tuple(to)


def run_pass(config: MailConfig | None = None) -> list[Reminded]:
    """One pass over every account: send each reminder that has come due, once. ``MailNotConfigured`` without a
    mail server. Returns what it handled, sent or failed."""
    config = config or configured()
    today = clock.today()
    handled = []
    reminder_days: dict[str, tuple[int, ...]] = {}
    for account_id, account, invoice_id, due_date in _candidates(today):
        if account_id not in reminder_days:
            reminder_days[account_id] = accounts.to_record(accounts.row(account_id)).reminder_days
        days = reminder_days[account_id]
        settled = _settled(invoice_id)
        pending = [day for day in due_offsets(due_date, days, today) if day not in settled]
        if not pending or (settled and max(pending) < max(settled)):
            continue
        latest, earlier = pending[-1], pending[:-1]
        if not claim(invoice_id, latest, earlier):
            continue
        number = models.Invoice.get_by_id(invoice_id).number
        try:
            to = _send(config, account_id, invoice_id, latest)
        except CleverInvoError as exc:  # the server refused or was down, the seller has no address, …
            release(invoice_id, latest, earlier)
            handled.append(Reminded(account, invoice_id, number, latest, (), error=exc.message))
            continue
        handled.append(Reminded(account, invoice_id, number, latest, to))
    return handled
