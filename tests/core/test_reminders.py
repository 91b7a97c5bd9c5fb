"""Reminders go out once per configured day, also when two passes run at once in two processes; paid invoices
and invoices that were never e-mailed get none; a failed send is tried again; a late pass sends one, not a burst."""

import datetime as dt
import json
import os
import subprocess
import sys
import threading
from decimal import Decimal

import pytest

from cleverinvo.core import Books, CleverInvo, clock
from cleverinvo.core.delivery import reminders
from cleverinvo.core.storage import models
from tests.core.helpers import invoice_body
from tests.mail import MailServer

DUE = dt.date(2026, 1, 10)
PASS = """
import datetime as dt, json, sys
import cleverinvo.core
from cleverinvo.core import clock
moment = dt.datetime.fromisoformat(sys.argv[2])
clock.now = lambda: moment
ci = cleverinvo.core.open(sys.argv[1])
print(json.dumps([[r.number, r.days, list(r.to), r.error] for r in ci.remind()]))
"""


def at(day: dt.date, monkeypatch: pytest.MonkeyPatch) -> None:
    """Today is ``day`` (noon UTC) for the core's clock in this process."""
    monkeypatch.setattr(clock, "now", lambda: dt.datetime.combine(day, dt.time(12)))


@pytest.fixture
def books_with_reminders(books: Books, smtp_env: MailServer, monkeypatch: pytest.MonkeyPatch) -> Books:
    books.settings.update({"sellerName": "Zoë Ørsted", "sellerEmail": "zoe@orsted.example", "reminderDays": [3, 14]})
    at(dt.date(2026, 1, 1), monkeypatch)
    return books


def emailed_invoice(books: Books, number: str, email: str = "billing@acme.example") -> str:
    client = books.clients.create({"name": f"Client {number}", "email": email})
    made = books.invoices.create(invoice_body(client.id, invoiceNumber=number, issueDate="2026-01-01", dueDate=DUE))
    books.delivery.send(made.id, {"viaEmail": True})
    return made.id


def reminders_received(server: MailServer) -> list[tuple[str, tuple[str, ...]]]:
    return [
        (got.message["Subject"], tuple(got.recipients))
        for got in server.received
        if got.message["Subject"].startswith("Reminder")
    ]


def two_passes_at_once(target: str, day: dt.date) -> list[list]:
    """Two ``remind`` passes started together in two processes on ``day``; what each handled."""
    moment = dt.datetime.combine(day, dt.time(12)).isoformat()
    env = {**os.environ}
    runs = [
        subprocess.Popen([sys.executable, "-c", PASS, target, moment], stdout=subprocess.PIPE, text=True, env=env)
        for _ in range(2)
    ]
    outputs = [run.communicate(timeout=120)[0] for run in runs]
    assert all(run.returncode == 0 for run in runs), outputs
    return [json.loads(out) for out in outputs]


@pytest.mark.slow
def test_two_processes_send_each_reminder_once(ci: CleverInvo, db_target, books_with_reminders, smtp_env) -> None:
    books = books_with_reminders
    owed = emailed_invoice(books, "R-1")
    paid = emailed_invoice(books, "R-2")
    books.invoices.record_payment(paid, {"amount": books.invoices.get(paid).total, "date": "2026-01-01"})
    client = books.clients.create({"name": "Posted", "email": "post@acme.example"})
    posted = books.invoices.create(invoice_body(client.id, invoiceNumber="R-3", dueDate=DUE, issueDate="2026-01-01"))
    books.invoices.mark_sent(posted.id)  # sent by post: never e-mailed, so never reminded
    smtp_env.received.clear()

    for day in (DUE + dt.timedelta(days=2), DUE + dt.timedelta(days=3)):
        handled = two_passes_at_once(db_target, day)
        sent = [item for run in handled for item in run]
        assert sent == ([["R-1", 3, ["billing@acme.example"], None]] if day == DUE + dt.timedelta(days=3) else [])
    assert reminders_received(smtp_env) == [("Reminder: invoice R-1 is due", ("billing@acme.example",))]

    for _ in range(2):
        two_passes_at_once(db_target, DUE + dt.timedelta(days=15))
    assert [subject for subject, _ in reminders_received(smtp_env)] == ["Reminder: invoice R-1 is due"] * 2
    history = [e for e in books.invoices.events(owed) if e.type.value == "reminder_sent"]
    assert [(e.detail["days"], e.actor) for e in history] == [(3, "system"), (14, "system")]
    assert not [e for e in books.invoices.events(paid) if e.type.value == "reminder_sent"]
    got = next(g for g in smtp_env.received if "R-1" in g.message["Subject"])
    assert "was due on Jan 10, 2026" in got.text and "/view/" in got.text and got.attachments()


def test_a_failed_send_is_tried_again(books_with_reminders, smtp_env, monkeypatch) -> None:
    books = books_with_reminders
    emailed_invoice(books, "F-1")
    smtp_env.received.clear()
    smtp_env.handler.refuse = "451 4.3.0 Try again later"
    at(DUE + dt.timedelta(days=3), monkeypatch)
    [failed] = reminders.run_pass()
    assert failed.error == "The mail server refused the message: 451 4.3.0 Try again later"
    assert models.ReminderClaim.select().count() == 0
    smtp_env.handler.refuse = None
    [sent] = reminders.run_pass()
    assert (sent.number, sent.days, sent.error) == ("F-1", 3, None)
    assert reminders.run_pass() == [] and len(reminders_received(smtp_env)) == 1


def test_a_late_pass_sends_the_latest_reminder_only(books_with_reminders, smtp_env, monkeypatch) -> None:
    invoice_id = emailed_invoice(books_with_reminders, "L-1")
    at(DUE + dt.timedelta(days=40), monkeypatch)
    [sent] = reminders.run_pass()
    assert sent.days == 14 and reminders.run_pass() == []
    claims = {(c.days, c.skipped, c.sent_at is not None) for c in models.ReminderClaim.select()}
    assert claims == {(3, True, False), (14, False, True)}
    assert invoice_id and len(reminders_received(smtp_env)) == 1


def test_a_claim_left_by_a_dead_pass_is_taken_over(books_with_reminders, smtp_env, monkeypatch) -> None:
    invoice_id = emailed_invoice(books_with_reminders, "D-1")
    at(DUE + dt.timedelta(days=3), monkeypatch)
    assert reminders.claim(invoice_id, 3)  # a pass claimed it, then died before sending
    assert reminders.run_pass() == []  # still fresh: another pass may be sending it right now
    later = dt.datetime.combine(DUE + dt.timedelta(days=3), dt.time(12)) + reminders.STALE_CLAIM + dt.timedelta(hours=1)
    monkeypatch.setattr(clock, "now", lambda: later)
    [sent] = reminders.run_pass()
    assert (sent.number, sent.days) == ("D-1", 3) and len(reminders_received(smtp_env)) == 1


def test_paying_in_part_keeps_reminders_and_the_amount_due_is_named(books_with_reminders, smtp_env, monkeypatch):
    invoice_id = emailed_invoice(books_with_reminders, "P-1")
    books_with_reminders.invoices.record_payment(invoice_id, {"amount": Decimal("500.00"), "date": "2026-01-01"})
    at(DUE + dt.timedelta(days=3), monkeypatch)
    [sent] = reminders.run_pass()
    [(subject, _)] = reminders_received(smtp_env)
    assert sent.error is None and "P-1" in subject
    assert "$5,000.00 is still open" in next(g for g in smtp_env.received if g.message["Subject"] == subject).text


def test_cleverinvo_remind_prints_what_it_sent(ci, db_target, books, smtp_env, monkeypatch, tmp_path) -> None:
    from tests.server.helpers import run_cli

    books.settings.update({"sellerName": "Zoë Ørsted", "sellerEmail": "zoe@orsted.example", "reminderDays": [3]})
    client = books.clients.create({"name": "Acme Corp", "email": "billing@acme.example"})
    today = clock.today()
    made = books.invoices.create(
        invoice_body(
            client.id,
            invoiceNumber="C-1",
            issueDate=today - dt.timedelta(days=30),
            dueDate=today - dt.timedelta(days=5),
        )
    )
    books.delivery.send(made.id, {"viaEmail": True})
    printed = run_cli(db_target, "remind").stdout
    assert printed == "Sent a reminder for C-1 (account default), 3 days after its due date to billing@acme.example\n"
    assert run_cli(db_target, "remind").stdout == "No reminders due.\n"
    monkeypatch.delenv("CLEVERINVO_SMTP_URL")
    refused = run_cli(db_target, "remind", check=False)
    assert (
        refused.returncode == 1
        and "No mail server is configured" in refused.stderr
        and "Traceback" not in refused.stderr
    )


def test_credited_invoices_get_no_reminder_and_a_partial_credit_names_what_is_left(
    books_with_reminders, smtp_env, monkeypatch
) -> None:
    books = books_with_reminders
    voided = emailed_invoice(books, "C-1")
    books.credit_notes.create(voided, {"reason": "Cancelled order"})  # all of it: VOID
    partly = emailed_invoice(books, "C-2")
    line = books.invoices.get(partly).line_items[0]
    half = {"description": line.description, "quantity": line.quantity / 2, "unitPrice": line.unit_price}
    books.credit_notes.create(partly, {"reason": "Half delivered", "lineItems": [half | {"taxRate": line.tax_rate}]})
    smtp_env.received.clear()
    at(DUE + dt.timedelta(days=3), monkeypatch)
    sent = reminders.run_pass()
    assert [(s.number, s.error) for s in sent] == [("C-2", None)]
    [(subject, _)] = reminders_received(smtp_env)
    due = books.invoices.get(partly).amount_due
    assert "C-2" in subject and due > 0
    text = next(g for g in smtp_env.received if g.message["Subject"] == subject).text
    assert f"${due:,} is still open" in text


def test_the_mail_server_is_spoken_to_with_no_transaction_open(books_with_reminders, smtp_env, monkeypatch) -> None:
    """While the mail server takes a reminder, the pass holds no lock: a payment on the very invoice being reminded
    is recorded at once (not after the exchange: SQLite's write lock, PostgreSQL's row lock)."""
    books = books_with_reminders
    invoice_id = emailed_invoice(books, "W-1")
    at(DUE + dt.timedelta(days=3), monkeypatch)
    outcome: list[object] = []

    def pay() -> None:
        try:
            outcome.append(books.invoices.record_payment(invoice_id, {"amount": Decimal("1.00")}))
        except Exception as exc:  # the database stayed locked for its whole busy timeout
            outcome.append(exc)

    def pay_meanwhile() -> None:
        paying = threading.Thread(target=pay)  # a connection of its own, as another request's would be
        paying.start()
        paying.join(timeout=30)  # had the pass held a lock, the payment would wait for this exchange to end
        if not outcome:
            outcome.append("still waiting for a lock after 30 s")

    smtp_env.handler.meanwhile = pay_meanwhile
    [sent] = reminders.run_pass()
    assert (sent.number, sent.error) == ("W-1", None)
    assert len(outcome) == 1 and not isinstance(outcome[0], (Exception, str)), outcome
    assert books.invoices.get(invoice_id).amount_paid == Decimal("1.00")
    history = [e.type.value for e in books.invoices.events(invoice_id)]
    assert history[-2:] == ["payment_recorded", "reminder_sent"]
