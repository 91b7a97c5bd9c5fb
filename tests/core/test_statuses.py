"""Statuses and payments: DRAFT → SENT → VIEWED, partial and full payment, OVERDUE derived as of today (UTC),
and filters that return exactly the invoices reporting a status."""

import datetime as dt
from decimal import Decimal

import pytest

from cleverinvo.core import Conflict, ProfileIncomplete, Status, ValidationError, clock
from tests.core.helpers import invoice_body, line

D = Decimal


def test_sent_then_viewed(books, client):
    made = books.invoices.create(invoice_body(client.id))
    sent = books.invoices.mark_sent(made.id, via_email=True)
    assert (sent.status, sent.sent_via_email, sent.version) == (Status.SENT, True, 2)
    assert sent.sent_at is not None
    with pytest.raises(Conflict):
        books.invoices.mark_sent(made.id)
    viewed = books.invoices.mark_viewed(made.id)
    assert viewed.status == Status.VIEWED and viewed.viewed_at is not None
    assert books.invoices.mark_viewed(made.id).version == viewed.version


def test_a_draft_is_neither_viewed_nor_paid(books, client):
    made = books.invoices.create(invoice_body(client.id))
    with pytest.raises(Conflict):
        books.invoices.mark_viewed(made.id)
    with pytest.raises(Conflict):
        books.invoices.record_payment(made.id, {"amount": D(1)})
    assert books.invoices.get(made.id).payments == ()


def test_partial_then_full_payment(books, client):
    made = books.invoices.mark_sent(books.invoices.create(invoice_body(client.id)).id)
    books.invoices.record_payment(made.id, {"amount": D("2000.00"), "date": "2024-06-10", "method": "bank"})
    partly = books.invoices.get(made.id)
    assert (partly.status, partly.amount_paid, partly.amount_due, partly.paid_at) == (
        Status.PARTIALLY_PAID,
        D("2000.00"),
        D("3500.00"),
        None,
    )
    books.invoices.record_payment(made.id, {"amount": D("3500"), "note": "thanks"})
    paid = books.invoices.get(made.id)
    assert (paid.status, paid.amount_due) == (Status.PAID, D("0.00"))
    assert paid.paid_at is not None
    assert [p.amount for p in paid.payments] == [D("2000.00"), D("3500.00")]
    assert paid.payments[0].date == dt.date(2024, 6, 10) and paid.payments[0].method == "bank"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"amount": D("5500.01")}, "amount"),
        ({"amount": D(0)}, "amount"),
        ({"amount": D("1.001")}, "amount"),
        ({"amount": 1.5}, "amount"),
        ({}, "amount"),
        ({"amount": 1, "date": "yesterday"}, "date"),
        ({"amount": 1, "date": "2099-01-01"}, "date"),
        ({"amount": 1, "via": "cash"}, "via"),
    ],
)
def test_bad_payments_are_refused_and_change_nothing(books, client, body, field):
    made = books.invoices.mark_sent(books.invoices.create(invoice_body(client.id)).id)
    with pytest.raises(ValidationError) as err:
        books.invoices.record_payment(made.id, body)
    assert err.value.field == field
    assert books.invoices.get(made.id) == made


def test_a_payment_dated_today_or_before_is_taken_one_dated_tomorrow_is_not(books, client, monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: dt.date(2026, 11, 24))
    made = books.invoices.mark_sent(books.invoices.create(invoice_body(client.id)).id)
    books.invoices.record_payment(made.id, {"amount": D(1), "date": "2026-11-24"})
    books.invoices.record_payment(made.id, {"amount": D(1), "date": "2020-01-15"})
    with pytest.raises(ValidationError) as err:
        books.invoices.record_payment(made.id, {"amount": D(1), "date": "2026-11-25"})
    assert (err.value.message, err.value.problem) == (
        "Invalid field: date must not be in the future",
        "must not be in the future",
    )
    assert books.invoices.get(made.id).amount_paid == D(2)


def test_no_invoice_is_issued_without_a_seller_name(ci, client):
    nameless = ci.books()
    nameless.settings.update({"sellerName": None})
    made = nameless.invoices.create(invoice_body(client.id))
    with pytest.raises(ProfileIncomplete) as err:
        nameless.invoices.mark_sent(made.id)
    assert "without a seller name" in err.value.message
    assert nameless.invoices.get(made.id) == made
    nameless.settings.update({"sellerName": "Zoë Ørsted Design"})
    assert nameless.invoices.mark_sent(made.id).status == Status.SENT


def test_overdue_is_derived_from_the_due_date_and_what_is_owed(books, client):
    past = {"issueDate": "2024-01-01", "dueDate": "2024-01-31"}
    overdue = books.invoices.mark_sent(books.invoices.create(invoice_body(client.id, **past)).id)
    assert overdue.status == Status.OVERDUE
    books.invoices.record_payment(overdue.id, {"amount": D(100)})
    assert books.invoices.get(overdue.id).status == Status.OVERDUE
    books.invoices.record_payment(overdue.id, {"amount": D(5400)})
    assert books.invoices.get(overdue.id).status == Status.PAID
    due_today = books.invoices.create(
        invoice_body(client.id, issueDate="2024-01-01", dueDate=clock.today().isoformat())
    )
    assert books.invoices.mark_sent(due_today.id).status == Status.SENT
    draft_past_due = books.invoices.create(invoice_body(client.id, **past))
    assert draft_past_due.status == Status.DRAFT


def test_zero_total_invoice_is_paid_when_sent(books, client):
    free = books.invoices.create(invoice_body(client.id, line(unit_price="0")))
    sent = books.invoices.mark_sent(free.id)
    assert sent.status == Status.PAID and sent.paid_at is not None


def test_filtering_by_status_returns_exactly_the_invoices_reporting_it(books, client):
    past = {"issueDate": "2024-01-01", "dueDate": "2024-01-31"}
    create = books.invoices.create
    made = {
        Status.DRAFT: create(invoice_body(client.id)),
        Status.SENT: books.invoices.mark_sent(create(invoice_body(client.id)).id),
        Status.VIEWED: books.invoices.mark_viewed(books.invoices.mark_sent(create(invoice_body(client.id)).id).id),
        Status.OVERDUE: books.invoices.mark_sent(create(invoice_body(client.id, **past)).id),
    }
    partly = books.invoices.mark_sent(create(invoice_body(client.id)).id)
    books.invoices.record_payment(partly.id, {"amount": D(1)})
    paid = books.invoices.mark_sent(create(invoice_body(client.id)).id)
    books.invoices.record_payment(paid.id, {"amount": paid.total})
    made[Status.PARTIALLY_PAID], made[Status.PAID] = partly, paid
    void = books.invoices.mark_sent(create(invoice_body(client.id, **past)).id)  # overdue until credited
    books.credit_notes.create(void.id, {"reason": "cancelled"})
    made[Status.VOID] = void
    everything = books.invoices.list(limit=100).items
    for status in Status:
        filtered = books.invoices.list(status=status).items
        assert [i.id for i in filtered] == [made[status].id]
        assert [i.id for i in everything if i.status == status] == [made[status].id]
    with pytest.raises(ValidationError):
        books.invoices.list(status="LOST")


def test_dashboard_sums_per_currency_in_exact_minor_units(books, client):
    for _ in range(10):
        sent = books.invoices.mark_sent(
            books.invoices.create(invoice_body(client.id, line(quantity=1, unit_price="1.10"))).id
        )
    books.invoices.record_payment(sent.id, {"amount": D("0.10")})
    yen = books.invoices.create(
        invoice_body(
            client.id, line(quantity=1, unit_price="3669"), currency="JPY", issueDate="2024-01-01", dueDate="2024-01-02"
        )
    )
    books.invoices.mark_sent(yen.id)
    board = books.dashboard()
    assert board.owed == {"USD": D("10.90"), "JPY": D(3669)}
    assert board.overdue == {"JPY": D(3669)}
    assert board.paid_this_month == {"USD": D("0.10")}
    assert board.counts == {Status.SENT: 9, Status.PARTIALLY_PAID: 1, Status.OVERDUE: 1}
    assert board.recent[0].id == yen.id
    assert books.dashboard(client_id="cnobody").owed == {}
