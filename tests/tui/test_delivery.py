"""E-mail from the TUI at 80×24: the send dialog prefilled and editable, the view link shown and copied, the viewed
time, and the e-mail settings (SMTP URL into config.toml, a test message, the wording)."""

import itertools
import os
import stat
from decimal import Decimal

import pytest
from textual.widgets import Input, Select, TextArea

from cleverinvo.core import Status
from cleverinvo.core.delivery import config, links
from cleverinvo.tui.screens.delivery import EmailDialog, MailSettingsScreen
from tests.mail import MailServer
from tests.tui.helpers import notifications, seed, settle, text_of

pytestmark = pytest.mark.anyio
ONE_LINE = {"lineItems": [{"description": "Work", "quantity": 2, "unitPrice": Decimal("50.00")}]}


@pytest.fixture
def draft(books):
    books.settings.update({"sellerName": "Zoë Ørsted", "sellerEmail": "zoe@orsted.example"})
    client = books.clients.create({"name": "Acme Corp", "email": "billing@acme.example"})
    return books.invoices.create({"clientId": client.id, "invoiceNumber": "INV-0042", **ONE_LINE})


async def test_email_from_invoice_detail_with_edited_subject(app, books, draft, smtp_env: MailServer):
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_invoice(draft.id)
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, EmailDialog)
        assert dialog.query_one("#input-to", Input).value == "billing@acme.example"
        subject = dialog.query_one("#input-subject", Input)
        assert subject.value == "Invoice INV-0042 from Zoë Ørsted"
        assert "{link}" in dialog.query_one("#input-message", TextArea).text
        subject.value = "Your invoice INV-0042"
        dialog.query_one("#input-cc", Input).value = "not an address"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is dialog and "invalid e-mail address" in text_of(dialog.query_one("#field-cc .field-error"))
        assert books.invoices.get(draft.id).status is Status.DRAFT and not smtp_env.received
        dialog.query_one("#input-cc", Input).value = ""
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "INV-0042: e-mailed" in notifications(app)
        sent = books.invoices.get(draft.id)
        assert sent.status is Status.SENT and sent.sent_via_email
        [got] = smtp_env.received
        assert got.message["Subject"] == "Your invoice INV-0042" and sent.view_token in got.text
        facts = text_of(app.screen.query_one("#detail-facts"))
        assert f"/view/{sent.view_token}" in facts and "not viewed" in facts
        await pilot.press("l")
        await settle(pilot)
        assert f"http://127.0.0.1:8000/view/{sent.view_token}" in notifications(app)


async def test_a_refused_email_keeps_the_dialog_and_the_draft(app, books, draft, smtp_env: MailServer):
    smtp_env.handler.refuse = "550 5.1.1 No such mailbox"
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_invoice(draft.id)
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, EmailDialog)
        assert "The mail server refused the message: 550 5.1.1 No such mailbox" in notifications(app)
        assert books.invoices.get(draft.id) == draft


async def test_viewed_time_is_shown(app, books, draft, frozen_clock):
    books.invoices.mark_sent(draft.id)
    books.invoices.mark_viewed(draft.id)
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_invoice(draft.id)
        await settle(pilot)
        assert "viewed 2026-11-24" in text_of(app.screen.query_one("#detail-facts"))


async def test_mail_settings_save_the_url_test_and_edit_the_wording(app, books, draft, smtp_env, monkeypatch):
    monkeypatch.delenv("CLEVERINVO_SMTP_URL")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("ctrl+g")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MailSettingsScreen)
        assert "No mail server yet" in text_of(screen.query_one("#smtp-note"))
        screen.query_one("#input-smtpUrl", Input).value = "smtp:/broken"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Invalid SMTP URL" in text_of(screen.query_one("#field-smtpUrl .field-error"))
        screen.query_one("#input-smtpUrl", Input).value = smtp_env.url
        screen.query_one("#input-reminderDays", Input).value = "3, two"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "whole numbers of days" in text_of(screen.query_one("#field-reminderDays .field-error"))
        screen.query_one("#input-reminderDays", Input).value = "14, 3"
        screen.query_one("#input-subject", Input).value = "{number}: your invoice"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "E-mail settings saved" in notifications(app)
        assert books.settings.get().reminder_days == (3, 14)
        assert config.saved_smtp_url() == smtp_env.url
        assert stat.S_IMODE(os.stat(config.config_path()).st_mode) == 0o600
        assert books.delivery.templates.get("en", "invoice").subject == "{number}: your invoice"
        screen.query_one("#wording-language", Select).value = "de"
        await settle(pilot)
        assert screen.query_one("#input-subject", Input).value == "Rechnung {number} von {seller}"
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert app.screen.query_one("#input-to", Input).value == "zoe@orsted.example"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Test message sent to zoe@orsted.example" in notifications(app)
        [got] = smtp_env.received
        assert got.recipients == ["zoe@orsted.example"] and "your mail settings work" in got.text


@pytest.fixture
def snapshot_books(frozen_clock, books, monkeypatch, tmp_path):
    """The snapshot tests' fixed books, with a mail server saved in a config.toml of the test's own."""
    tokens = itertools.count(1)
    monkeypatch.setattr(links, "new_token", lambda: f"Vw{next(tokens):030d}")
    monkeypatch.delenv("CLEVERINVO_SMTP_URL", raising=False)
    monkeypatch.setenv("CLEVERINVO_CONFIG", str(tmp_path / "config.toml"))
    config.save_smtp_url("smtp://zoe@mail.orsted.example:587")
    return seed(books)


def steady(app) -> None:
    """No blinking cursors: a snapshot must not depend on the moment it is taken."""
    for widget in app.screen.query("Input, TextArea"):
        widget.cursor_blink = False


def test_email_dialog_snapshot(snap_compare, snapshot_books, app):
    async def run_before(pilot) -> None:
        app.open_invoice(snapshot_books["draft"])
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        steady(app)
        await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_mail_settings_snapshot(snap_compare, snapshot_books, app):
    async def run_before(pilot) -> None:
        for key in ("s", "ctrl+g"):
            await pilot.press(key)
            await settle(pilot)
        steady(app)
        await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
