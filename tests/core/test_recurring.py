"""Recurring invoices: dates anchored to the start (pure rules, with hypothesis), the schedules of an account,
and the pass that makes every due occurrence exactly once, also from two processes at once."""

import calendar
import datetime as dt
import multiprocessing
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given
from hypothesis import strategies as st

import cleverinvo.core
from cleverinvo.core import NotFound, Plan, ValidationError
from cleverinvo.core.schedule.rules import Frequency, Rule
from cleverinvo.core.storage import models

LINES = [{"description": "Hosting", "quantity": 1, "unitPrice": Decimal("19.99"), "taxRate": 19}]
MONTHS = {Frequency.MONTHLY: 1, Frequency.QUARTERLY: 3, Frequency.YEARLY: 12}


def schedule_body(client_id: str, **fields):
    return {"clientId": client_id, "frequency": "monthly", "lineItems": LINES, **fields}


# The rules, pure -----------------------------------------------------------------------------------------------


def test_monthly_from_january_31_falls_on_each_month_end_and_comes_back_to_31():
    dates = Rule(dt.date(2024, 1, 31), Frequency.MONTHLY).upcoming(None, 6)
    assert dates == [
        dt.date(2024, 1, 31),
        dt.date(2024, 2, 29),
        dt.date(2024, 3, 31),
        dt.date(2024, 4, 30),
        dt.date(2024, 5, 31),
        dt.date(2024, 6, 30),
    ]
    assert Rule(dt.date(2025, 1, 31), Frequency.MONTHLY).upcoming(None, 2)[1] == dt.date(2025, 2, 28)


def test_yearly_from_february_29_is_february_28_in_common_years():
    assert Rule(dt.date(2024, 2, 29), Frequency.YEARLY).upcoming(None, 5) == [
        dt.date(2024, 2, 29),
        dt.date(2025, 2, 28),
        dt.date(2026, 2, 28),
        dt.date(2027, 2, 28),
        dt.date(2028, 2, 29),
    ]


@given(
    start=st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 12, 31)),
    frequency=st.sampled_from([Frequency.MONTHLY, Frequency.QUARTERLY, Frequency.YEARLY]),
    interval=st.integers(1, 12),
    n=st.integers(1, 40),
)
def test_every_month_based_date_is_the_start_day_or_the_month_end_never_drifting(start, frequency, interval, n):
    dates = Rule(start, frequency, interval).upcoming(None, n)
    assert len(dates) == n
    for k, day in enumerate(dates):
        month = start + relativedelta(months=k * interval * MONTHS[frequency])  # computed from the start, not the last
        last = calendar.monthrange(month.year, month.month)[1]
        assert day == dt.date(month.year, month.month, min(start.day, last))


@given(start=st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 1, 1)), interval=st.integers(1, 10))
def test_weekly_dates_are_whole_weeks_from_the_start(start, interval):
    dates = Rule(start, Frequency.WEEKLY, interval).upcoming(None, 20)
    assert dates == [start + dt.timedelta(weeks=k * interval) for k in range(20)]


@given(
    start=st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2050, 1, 1)),
    frequency=st.sampled_from(list(Frequency)),
    count=st.integers(1, 30),
)
def test_count_stops_the_schedule(start, frequency, count):
    dates = list(Rule(start, frequency, count=count).dates())
    assert len(dates) == count
    assert dates == Rule(start, frequency).upcoming(None, count)


@given(
    start=st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2050, 1, 1)),
    frequency=st.sampled_from(list(Frequency)),
    days=st.integers(0, 3000),
)
def test_end_date_stops_the_schedule_and_is_inclusive(start, frequency, days):
    end = start + dt.timedelta(days=days)
    dates = list(Rule(start, frequency, end=end).dates())
    assert dates and dates[0] == start and all(day <= end for day in dates)
    following = Rule(start, frequency).upcoming(dates[-1], 1)[0]
    assert following > end


def test_due_and_upcoming():
    rule = Rule(dt.date(2026, 1, 15), Frequency.MONTHLY, interval=2)
    assert list(rule.due(dt.date(2026, 5, 14))) == [dt.date(2026, 1, 15), dt.date(2026, 3, 15)]
    assert rule.upcoming(dt.date(2026, 3, 15), 2) == [dt.date(2026, 5, 15), dt.date(2026, 7, 15)]


# Schedules of an account ---------------------------------------------------------------------------------------


def test_create_reads_back_with_its_next_date(books, client):
    made = books.recurring.create(schedule_body(client.id, startDate="2030-01-31", dueDays=14, action="send"))
    assert made.frequency is Frequency.MONTHLY and made.interval == 1
    assert made.next_date == dt.date(2030, 1, 31)
    assert made.line_items[0]["unitPrice"] == Decimal("19.99")
    assert made.currency.code == "USD" and made.due_days == 14 and made.action == "send" and made.active
    assert books.recurring.get(made.id) == made
    assert books.recurring.list().items == (made,)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"frequency": "daily"}, "Invalid field: frequency must be one of weekly, monthly, quarterly, yearly"),
        ({"interval": 0}, "Invalid field: interval must be at least 0"),
        ({"count": 0}, "Invalid field: count must be at least 1"),
        ({"startDate": "2026-02-01", "endDate": "2026-01-31"}, "Invalid field: endDate must not be before startDate"),
        ({"endDate": "2031-01-01", "count": 3}, "Invalid input: give endDate or count, not both"),
        ({"action": "mail"}, "Invalid field: action must be one of draft, send"),
        ({"dueDays": Decimal("1.5")}, "Invalid field: dueDays must have at most 0 decimal places"),
        ({"startDate": "9999-12-31"}, "Invalid field: startDate must be before 9000-01-01"),
        ({"lineItems": [{"description": "x", "quantity": 0, "unitPrice": 1}]}, "lineItems[0].quantity"),
        ({"colour": "red"}, "Unknown field: colour"),
        ({"currency": "XXX"}, "currency"),
        (  # its invoices would be refused for want of an exemption reason, which a schedule cannot carry
            {"lineItems": [{"description": "x", "quantity": 1, "unitPrice": 1, "taxRate": 0, "taxCategory": "AE"}]},
            "Invalid field: lineItems[0].taxCategory AE (reverse charge) needs a tax exemption reason",
        ),
    ],
)
def test_bad_schedules_are_refused_and_nothing_is_stored(books, client, fields, message):
    body = schedule_body(client.id, **fields)
    if fields.get("interval") == 0:
        message = "Invalid field: interval must be at least 1"
    with pytest.raises(ValidationError) as refused:
        books.recurring.create(body)
    assert message in refused.value.message
    assert books.recurring.list().total == 0


def test_schedule_for_an_archived_client_is_refused(books, client):
    books.clients.archive(client.id)
    with pytest.raises(ValidationError):
        books.recurring.create(schedule_body(client.id))


def test_another_accounts_schedule_is_never_found(ci, books, client):
    made = books.recurring.create(schedule_body(client.id))
    other = ci.books(ci.accounts.create("other").name)
    with pytest.raises(NotFound):
        other.recurring.get(made.id)
    with pytest.raises(NotFound):
        other.recurring.delete(made.id)
    assert other.recurring.list().total == 0


def test_preview_shows_the_next_five_dates_without_saving(books):
    dates = books.recurring.preview({"frequency": "quarterly", "startDate": "2026-11-30"})
    assert dates == [
        dt.date(2026, 11, 30),
        dt.date(2027, 2, 28),
        dt.date(2027, 5, 30),
        dt.date(2027, 8, 30),
        dt.date(2027, 11, 30),
    ]
    assert books.recurring.list().total == 0


# The pass --------------------------------------------------------------------------------------------------------


def test_a_pass_catches_up_every_missed_occurrence_once_each_on_its_own_dates(ci, books, client):
    schedule = books.recurring.create(schedule_body(client.id, startDate="2026-01-31", dueDays=10))
    made = ci.run_recurring(dt.date(2026, 4, 30))
    assert [(o.date, o.outcome, o.invoice_number) for o in made] == [
        (dt.date(2026, 1, 31), "made", "INV-0001"),
        (dt.date(2026, 2, 28), "made", "INV-0002"),
        (dt.date(2026, 3, 31), "made", "INV-0003"),
        (dt.date(2026, 4, 30), "made", "INV-0004"),
    ]
    assert ci.run_recurring(dt.date(2026, 4, 30)) == []
    for occurrence in made:
        invoice = books.invoices.get(occurrence.invoice_id)
        assert invoice.issue_date == occurrence.date
        assert invoice.due_date == occurrence.date + dt.timedelta(days=10)
        assert invoice.recurring_id == schedule.id
        assert invoice.total == Decimal("23.79")
    assert books.recurring.get(schedule.id).next_date == dt.date(2026, 5, 31)


def test_count_and_end_date_end_the_schedule(ci, books, client):
    counted = books.recurring.create(schedule_body(client.id, startDate="2026-01-01", count=2))
    ended = books.recurring.create(schedule_body(client.id, startDate="2026-01-01", endDate="2026-03-01"))
    made = ci.run_recurring(dt.date(2027, 1, 1))
    assert sorted(o.date for o in made if o.schedule_id == counted.id) == [dt.date(2026, 1, 1), dt.date(2026, 2, 1)]
    assert len([o for o in made if o.schedule_id == ended.id]) == 3
    assert books.recurring.get(counted.id).next_date is None


def test_action_send_issues_the_invoice(ci, books, client):
    books.recurring.create(schedule_body(client.id, startDate="2026-01-01", action="send"))
    (made,) = ci.run_recurring(dt.date(2026, 1, 1))
    assert made.outcome == "sent"
    assert books.invoices.get(made.invoice_id).status.value in ("SENT", "OVERDUE")


def test_a_paused_schedule_makes_nothing_and_resuming_skips_the_paused_time(ci, books, client, monkeypatch):
    schedule = books.recurring.create(schedule_body(client.id, startDate="2026-01-10"))
    books.recurring.pause(schedule.id)
    assert books.recurring.get(schedule.id).next_date is None
    assert ci.run_recurring(dt.date(2026, 3, 1)) == []
    monkeypatch.setattr("cleverinvo.core.clock.today", lambda: dt.date(2026, 3, 1))
    books.recurring.resume(schedule.id)
    assert books.recurring.get(schedule.id).next_date == dt.date(2026, 3, 10)
    assert [o.date for o in ci.run_recurring(dt.date(2026, 3, 10))] == [dt.date(2026, 3, 10)]


def test_the_plan_limit_is_recorded_and_not_retried(ci, client, books):
    ci.accounts.set_plan("default", Plan.FREE)
    body = {"clientId": client.id, "lineItems": LINES}
    for _ in range(20):
        books.invoices.create(body)
    books.recurring.create(schedule_body(client.id, startDate="2026-01-01"))
    (refused,) = ci.run_recurring(dt.date(2026, 1, 1))
    assert refused.outcome == "refused" and refused.invoice_id is None
    assert "Plan limit reached" in refused.detail
    assert ci.run_recurring(dt.date(2026, 1, 1)) == []
    assert books.invoices.list().total == 20


def test_an_archived_client_is_recorded_as_refused(ci, books, client):
    books.recurring.create(schedule_body(client.id, startDate="2026-01-01"))
    books.clients.archive(client.id)
    (refused,) = ci.run_recurring(dt.date(2026, 1, 1))
    assert refused.outcome == "refused" and "clientId" in refused.detail


def test_deleting_a_schedule_keeps_its_invoices(ci, books, client):
    schedule = books.recurring.create(schedule_body(client.id, startDate="2026-01-01"))
    (made,) = ci.run_recurring(dt.date(2026, 1, 1))
    books.recurring.delete(schedule.id)
    assert books.invoices.get(made.invoice_id).recurring_id == schedule.id
    assert models.RecurringRun.select().count() == 0


def _pass_in_another_process(target: str, today: dt.date, start, results) -> None:
    ci = cleverinvo.core.open(target)
    start.wait()
    results.extend([(o.date.isoformat(), o.invoice_number) for o in ci.run_recurring(today)])
    ci.close()


def test_two_processes_at_once_make_each_occurrence_exactly_once(db_target, books, client):
    books.recurring.create(schedule_body(client.id, startDate="2026-01-15"))
    today = dt.date(2026, 1, 15) + relativedelta(months=3) - dt.timedelta(days=1)  # three months later
    spawn = multiprocessing.get_context("spawn")
    with spawn.Manager() as manager:
        start, results = manager.Barrier(2), manager.list()
        args = (db_target, today, start, results)
        workers = [spawn.Process(target=_pass_in_another_process, args=args) for _ in "ab"]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(120)
            assert worker.exitcode == 0
        made = sorted(results)
    assert made == [("2026-01-15", "INV-0001"), ("2026-02-15", "INV-0002"), ("2026-03-15", "INV-0003")]
    invoices = sorted(books.invoices.list().items, key=lambda i: i.number)
    assert [(i.number, i.issue_date) for i in invoices] == [
        ("INV-0001", dt.date(2026, 1, 15)),
        ("INV-0002", dt.date(2026, 2, 15)),
        ("INV-0003", dt.date(2026, 3, 15)),
    ]
