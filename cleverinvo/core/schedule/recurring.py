"""Recurring invoices of one account, and the pass that makes every occurrence that is due, exactly once.

A schedule holds what each invoice gets (client, currency, line items, notes, terms, days until due) and when
(``rules.Rule``). The pass (``run_due``: ``cleverinvo serve`` runs it hourly, ``cleverinvo recur`` once, for cron)
makes each due occurrence in one transaction with its claim, a ``RecurringRun`` row unique per (schedule,
occurrence date): two workers or two hosts running the pass at once make each invoice once, and a pass after
downtime catches up every occurrence it missed, each dated on its own day. An occurrence that the plan refuses
(a free account's 21st invoice of the month) or that cannot be made (the client was archived) is recorded with
the reason and not retried.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import simplejson

from cleverinvo.core import accounts, clock
from cleverinvo.core.billing.invoices import Invoices
from cleverinvo.core.billing.lines import needing_exemption, parse_lines, totals_within_bounds
from cleverinvo.core.clients import Clients
from cleverinvo.core.errors import CleverInvoError, NotFound, ValidationError
from cleverinvo.core.fields import Fields
from cleverinvo.core.ids import new_id
from cleverinvo.core.money import Currency, currency
from cleverinvo.core.paging import Paging
from cleverinvo.core.records import Page
from cleverinvo.core.schedule.rules import Frequency, Rule
from cleverinvo.core.storage import models
from cleverinvo.core.storage.db import transaction
from cleverinvo.core.storage.search import matching

FIELDS = (
    "clientId",
    "currency",
    "lineItems",
    "notes",
    "terms",
    "frequency",
    "interval",
    "startDate",
    "endDate",
    "count",
    "dueDays",
    "action",
    "active",
)
ACTIONS = ("draft", "send")
RULE_FIELDS = ("frequency", "interval", "startDate")  # changing these re-anchors the dates
MAX_INTERVAL = 100
MAX_COUNT = 10_000
MAX_DUE_DAYS = 3650
LAST_START = dt.date(9000, 1, 1)  # leaves room for every date a schedule may reach


@dataclass(frozen=True, slots=True)
class RecurringInvoice:
    """A schedule as the core hands it back. ``line_items`` are the lines as given (the API's field names,
    exact numbers); ``next_date`` is the next occurrence the pass will make, ``None`` once the schedule ended."""

    id: str
    client_id: str
    client_name: str
    currency: Currency
    line_items: tuple[Mapping[str, Any], ...]
    total: Decimal  # of each invoice it makes
    notes: str | None
    terms: str | None
    frequency: Frequency
    interval: int
    start_date: dt.date
    end_date: dt.date | None
    count: int | None
    due_days: int | None
    action: str
    active: bool
    next_date: dt.date | None
    created_at: dt.datetime
    updated_at: dt.datetime

    @property
    def rule(self) -> Rule:
        return Rule(self.start_date, self.frequency, self.interval, self.end_date, self.count)


@dataclass(frozen=True, slots=True)
class Occurrence:
    """What the pass did with one occurrence: ``made``, ``sent``, ``send_failed`` or ``refused``."""

    schedule_id: str
    account_id: str
    date: dt.date
    outcome: str
    invoice_id: str | None
    invoice_number: str | None
    detail: str | None


def _rule_of(row: models.RecurringInvoice) -> Rule:
    return Rule(row.start_date, Frequency(row.frequency), row.interval, row.end_date, row.count)


def _claimed(schedule_id: str) -> set[dt.date]:
    runs = models.RecurringRun.select(models.RecurringRun.occurrence).where(models.RecurringRun.schedule == schedule_id)
    return {run.occurrence for run in runs}


def _pending(row: models.RecurringInvoice, claimed: set[dt.date]) -> Any:
    """The schedule's dates from ``skip_before`` on that no run has claimed, in order (endless when the rule is)."""
    return (
        day
        for day in _rule_of(row).dates()
        if (row.skip_before is None or day >= row.skip_before) and day not in claimed
    )


def next_date(row: models.RecurringInvoice) -> dt.date | None:
    """The occurrence the pass makes next: the first unclaimed date after the latest claimed one."""
    claimed = _claimed(row.id)
    latest = max(claimed, default=None)
    return next((day for day in _pending(row, claimed) if latest is None or day > latest), None)


def _stored_lines(row: models.RecurringInvoice) -> list[dict[str, Any]]:
    """The schedule's lines as given, every number an exact Decimal."""
    return simplejson.loads(row.lines, use_decimal=True, parse_int=Decimal)


def _record(row: models.RecurringInvoice) -> RecurringInvoice:
    cur = currency(row.currency)
    lines = _stored_lines(row)
    return RecurringInvoice(
        id=row.id,
        client_id=row.client_id,
        client_name=row.client.name,
        currency=cur,
        line_items=tuple(lines),
        total=totals_within_bounds(parse_lines(lines), cur).total,
        notes=row.notes,
        terms=row.terms,
        frequency=Frequency(row.frequency),
        interval=row.interval,
        start_date=row.start_date,
        end_date=row.end_date,
        count=row.count,
        due_days=row.due_days,
        action=row.action,
        active=row.active,
        next_date=next_date(row) if row.active else None,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _read(f: Fields) -> dict[str, Any]:
    """The columns for the fields present in ``f`` (``None`` for the ones given as null)."""
    columns: dict[str, Any] = {}
    if f.has("frequency"):
        raw = f.text("frequency", required=True)
        if raw not in tuple(Frequency):
            raise f.invalid("frequency", f"must be one of {', '.join(Frequency)}")
        columns["frequency"] = raw
    if f.has("interval"):
        columns["interval"] = f.integer("interval", minimum=1, maximum=MAX_INTERVAL) or 1
    if f.has("startDate"):
        columns["start_date"] = f.date("startDate", required=True)
    if f.has("endDate"):
        columns["end_date"] = f.date("endDate")
    if f.has("count"):
        columns["count"] = f.integer("count", minimum=1, maximum=MAX_COUNT)
    if f.has("dueDays"):
        columns["due_days"] = f.integer("dueDays", minimum=0, maximum=MAX_DUE_DAYS)
    if f.has("action"):
        action = f.text("action", required=True)
        if action not in ACTIONS:
            raise f.invalid("action", f"must be one of {', '.join(ACTIONS)}")
        columns["action"] = action
    if f.has("active"):
        columns["active"] = bool(f.boolean("active", required=True))
    for key in ("notes", "terms"):
        if f.has(key):
            columns[key] = f.text(key, max_length=5000, multiline=True)
    return columns


def _check_rule(start: dt.date, end: dt.date | None, count: int | None) -> None:
    if start > LAST_START:
        raise ValidationError(f"Invalid field: startDate must be before {LAST_START.isoformat()}", "startDate")
    if end is not None and count is not None:
        raise ValidationError("Invalid input: give endDate or count, not both", "endDate")
    if end is not None and end < start:
        raise ValidationError("Invalid field: endDate must not be before startDate", "endDate")


def _lines_json(raw: list[Any], cur: Currency) -> str:
    """The lines as given, once checked as an invoice checks them. A schedule carries no tax exemption reason,
    so a line whose category needs one is refused now rather than making every occurrence fail later."""
    lines = parse_lines(raw)
    totals_within_bounds(lines, cur)
    found = needing_exemption(lines)
    if found is not None:
        index, category = found
        problem = (
            f"{category.value} ({category.label}) needs a tax exemption reason, which a recurring invoice cannot "
            "carry: invoice these lines one by one"
        )
        raise ValidationError(
            f"Invalid field: lineItems[{index}].taxCategory {problem}",
            f"lineItems[{index}].taxCategory",
            name="taxCategory",
            line=index,
            problem=problem,
        )
    return simplejson.dumps(raw, use_decimal=True)


class RecurringInvoices:
    """The recurring invoice schedules of one account."""

    def __init__(self, account_id: str) -> None:
        self.account_id = account_id
        self.clients = Clients(account_id)

    def _row(self, schedule_id: object) -> models.RecurringInvoice:
        found = (
            models.RecurringInvoice.get_or_none(
                (models.RecurringInvoice.id == schedule_id) & (models.RecurringInvoice.account == self.account_id)
            )
            if isinstance(schedule_id, str)
            else None
        )
        if found is None:
            raise NotFound(f"Recurring invoice not found: {schedule_id}")
        return found

    def get(self, schedule_id: str) -> RecurringInvoice:
        return _record(self._row(schedule_id))

    def list(self, page: int = 1, limit: int = 20, search: str | None = None) -> Page[RecurringInvoice]:
        """Newest first; search matches the client's name or e-mail, case-insensitively."""
        paging = Paging.check(page, limit, search)
        mine = models.RecurringInvoice.account == self.account_id
        if paging.search is not None:
            clients = models.Client.select(models.Client.id).where(
                matching(models.Client, self.account_id, paging.search)
            )
            mine &= models.RecurringInvoice.client.in_(clients)
        total = models.RecurringInvoice.select().where(mine).count()
        newest_first = (
            models.RecurringInvoice.select(models.RecurringInvoice, models.Client)
            .join(models.Client)
            .where(mine)
            .order_by(models.RecurringInvoice.created_at.desc(), models.RecurringInvoice.id.desc())
        )
        items = tuple(_record(row) for row in paging.rows(newest_first, total))
        return Page(items=items, total=total, page=paging.page, limit=paging.limit)

    def preview(self, data: object, n: int = 5) -> list[dt.date]:
        """The first ``n`` dates a schedule with these fields would make, without saving anything."""
        columns = _read(Fields(data, FIELDS))
        start = columns.get("start_date") or clock.today()
        _check_rule(start, columns.get("end_date"), columns.get("count"))
        rule = Rule(
            start,
            Frequency(columns.get("frequency") or Frequency.MONTHLY),
            columns.get("interval") or 1,
            columns.get("end_date"),
            columns.get("count"),
        )
        return rule.upcoming(None, n)

    def create(self, data: object) -> RecurringInvoice:
        """A new schedule: ``clientId``, ``lineItems`` and ``frequency`` are required; ``startDate`` defaults to
        today, ``interval`` to 1, ``action`` to ``draft``. A start date in the past makes the past occurrences
        on the next pass (each dated on its own day)."""
        f = Fields(data, FIELDS)
        client_id = f.text("clientId", required=True)
        raw_lines = f.items("lineItems", required=True, max_items=1000) or []
        f.text("frequency", required=True)
        columns = _read(f)
        columns.setdefault("start_date", clock.today())
        _check_rule(columns["start_date"], columns.get("end_date"), columns.get("count"))
        settings = accounts.row(self.account_id)
        given = f.data.get("currency")
        cur = currency(given) if given is not None else currency(settings.default_currency)
        lines = _lines_json(raw_lines, cur)
        now = clock.now()
        with transaction():
            client = self.clients.active_row(client_id)
            schedule_id = new_id()
            models.RecurringInvoice.create(
                id=schedule_id,
                account=self.account_id,
                client=client.id,
                currency=cur.code,
                lines=lines,
                created_at=now,
                updated_at=now,
                **columns,
            )
        return self.get(schedule_id)

    def update(self, schedule_id: str, data: object) -> RecurringInvoice:
        """Change the fields given. Changing the frequency, interval or start date, or resuming a paused
        schedule, makes no occurrence dated before today: only a pass's downtime is ever caught up."""
        f = Fields(data, FIELDS)
        columns = _read(f)
        with transaction():
            row = self._row(schedule_id)
            if f.has("clientId"):
                columns["client"] = self.clients.active_row(f.text("clientId", required=True)).id
            cur = currency(f.data["currency"]) if f.has("currency") else currency(row.currency)
            if f.has("lineItems") or f.has("currency"):
                raw = f.items("lineItems", required=True) if f.has("lineItems") else _stored_lines(row)
                columns.update(currency=cur.code, lines=_lines_json(raw or [], cur))
            _check_rule(
                columns.get("start_date", row.start_date),
                columns.get("end_date", row.end_date),
                columns.get("count", row.count),
            )
            resumed = columns.get("active") is True and not row.active
            if resumed or any(f.has(key) for key in RULE_FIELDS):
                columns["skip_before"] = clock.today()
            if columns:
                columns["updated_at"] = clock.now()
                models.RecurringInvoice.update(columns).where(models.RecurringInvoice.id == row.id).execute()
        return self.get(schedule_id)

    def pause(self, schedule_id: str) -> RecurringInvoice:
        return self.update(schedule_id, {"active": False})

    def resume(self, schedule_id: str) -> RecurringInvoice:
        return self.update(schedule_id, {"active": True})

    def delete(self, schedule_id: str) -> None:
        """Delete the schedule and its claims; the invoices it made stay, with their ``recurringId``."""
        with transaction():
            row = self._row(schedule_id)
            models.RecurringInvoice.delete().where(models.RecurringInvoice.id == row.id).execute()


def _invoice_body(row: models.RecurringInvoice, day: dt.date, payment_terms_days: int) -> dict[str, Any]:
    due_days = row.due_days if row.due_days is not None else payment_terms_days
    return {
        "clientId": row.client_id,
        "currency": row.currency,
        "issueDate": day,
        "dueDate": day + dt.timedelta(days=due_days),
        "notes": row.notes,
        "terms": row.terms,
        "lineItems": _stored_lines(row),
    }


def _make(schedule_id: str, day: dt.date) -> Occurrence | None:
    """Claim and make one occurrence in one transaction; ``None`` when another pass already claimed it."""
    with transaction():
        row = models.RecurringInvoice.get_or_none(models.RecurringInvoice.id == schedule_id)
        if row is None:
            return None
        account = accounts.lock(row.account_id)  # one claimant at a time per account
        claim = (models.RecurringRun.schedule == row.id) & (models.RecurringRun.occurrence == day)
        if not row.active or models.RecurringRun.select().where(claim).exists():
            return None
        invoice, detail = None, None
        try:
            with transaction():  # a savepoint: a refused invoice leaves the claim to record why
                invoice = Invoices(row.account_id).create(
                    _invoice_body(row, day, account.payment_terms_days), recurring_id=row.id
                )
        except CleverInvoError as refused:
            detail = refused.message
        outcome = "made" if invoice is not None else "refused"
        models.RecurringRun.create(
            schedule=row.id,
            occurrence=day,
            invoice=invoice.id if invoice else None,
            outcome=outcome,
            detail=detail,
            created_at=clock.now(),
        )
    return Occurrence(
        schedule_id=row.id,
        account_id=row.account_id,
        date=day,
        outcome=outcome,
        invoice_id=invoice.id if invoice else None,
        invoice_number=invoice.number if invoice else None,
        detail=detail,
    )


def _send(made: Occurrence) -> Occurrence:
    """Send an invoice the schedule made with ``action: "send"``; a failed send leaves it a draft, recorded."""
    assert made.invoice_id is not None
    try:
        Invoices(made.account_id).send(made.invoice_id, {"viaEmail": True})
        outcome, detail = "sent", None
    except CleverInvoError as failed:
        outcome, detail = "send_failed", failed.message
    with transaction():
        models.RecurringRun.update(outcome=outcome, detail=detail).where(
            (models.RecurringRun.schedule == made.schedule_id) & (models.RecurringRun.occurrence == made.date)
        ).execute()
    return dataclasses.replace(made, outcome=outcome, detail=detail)


def run_due(today: dt.date | None = None) -> list[Occurrence]:
    """One pass over every active schedule of every account: make each occurrence dated up to ``today`` (the
    core's clock by default) that no pass has made yet, oldest first. Returns what this pass did."""
    today = today or clock.today()
    done: list[Occurrence] = []
    schedules = models.RecurringInvoice.select().where(models.RecurringInvoice.active == True)  # noqa: E712
    for row in schedules.order_by(models.RecurringInvoice.created_at):
        claimed = _claimed(row.id)
        for day in _pending(row, claimed):
            if day > today:
                break
            made = _make(row.id, day)
            if made is None:
                continue
            done.append(_send(made) if made.outcome == "made" and row.action == "send" else made)
    return done
