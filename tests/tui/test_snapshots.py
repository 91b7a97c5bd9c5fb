"""Every screen pinned at 80×24 on fixed books and a fixed clock (pytest-textual-snapshot)."""

import itertools
from pathlib import Path
from types import SimpleNamespace

import pytest

from cleverinvo.core.access import keys
from cleverinvo.core.delivery import links
from cleverinvo.tui.screens import dialogs
from tests.tui.helpers import seed, settle, type_text

SIZE = (80, 24)


@pytest.fixture
def ids(frozen_clock, books, monkeypatch) -> dict[str, str]:
    # the API key shown once is fixed, and view-link tokens are numbered (the invoice detail shows its link)
    monkeypatch.setattr(keys, "secrets", SimpleNamespace(token_urlsafe=lambda n: "Qx7" * 14 + "Q"))
    tokens = itertools.count(1)
    monkeypatch.setattr(links, "new_token", lambda: f"Vw{next(tokens):030d}")
    monkeypatch.setattr(dialogs, "default_export_folder", lambda: Path("/home/zoe/Downloads"))
    return seed(books)


def keys_then_settle(*keys_pressed: str):
    async def run_before(pilot) -> None:
        await settle(pilot)
        for key in keys_pressed:
            await pilot.press(key)
            await settle(pilot)

    return run_before


def test_dashboard_first_run(snap_compare, frozen_clock, app):
    assert snap_compare(app, terminal_size=SIZE, run_before=keys_then_settle())


def test_dashboard(snap_compare, ids, app):
    assert snap_compare(app, terminal_size=SIZE, run_before=keys_then_settle())


def test_dashboard_light_theme_in_a_large_terminal(snap_compare, ids, app):
    assert snap_compare(app, terminal_size=(120, 36), run_before=keys_then_settle("ctrl+t"))


def test_clients(snap_compare, ids, app):
    assert snap_compare(app, terminal_size=SIZE, run_before=keys_then_settle("c"))


def test_clients_with_archived(snap_compare, ids, app):
    assert snap_compare(app, terminal_size=SIZE, run_before=keys_then_settle("c", "v"))


def test_client_form_refusing_an_empty_name(snap_compare, ids, app):
    assert snap_compare(app, terminal_size=SIZE, run_before=keys_then_settle("c", "n", "ctrl+s"))


def test_invoices(snap_compare, ids, app):
    assert snap_compare(app, terminal_size=SIZE, run_before=keys_then_settle("i"))


def test_invoices_of_one_client_with_its_balance(snap_compare, ids, app):
    assert snap_compare(app, terminal_size=SIZE, run_before=keys_then_settle("c", "down", "enter"))


def test_invoices_filtered_by_status(snap_compare, ids, app):
    assert snap_compare(app, terminal_size=SIZE, run_before=keys_then_settle("i", "f", "f", "f", "f"))


async def write_invoice(pilot) -> None:
    await settle(pilot)
    await pilot.press("n")
    await settle(pilot)
    await pilot.press("ctrl+l")
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    screen = pilot.app.screen
    screen.field("issueDate").value = "2026-11-24"
    screen.field("dueDate").value = "2026-12-24"
    for index, values in enumerate([("Web development", "40", "125", "10"), ("Design", "3", "99.50", "20")]):
        if index:
            await pilot.press("ctrl+n")
            await settle(pilot)
        row = screen.grid.rows[index]
        for key, text in zip(("description", "quantity", "unitPrice", "taxRate"), values, strict=True):
            row.input(key).value = text
    await pilot.press("ctrl+n")
    await type_text(pilot, "Hosting")
    await settle(pilot)


def test_invoice_editor_with_live_totals(snap_compare, ids, app):
    assert snap_compare(app, terminal_size=SIZE, run_before=write_invoice)


def test_invoice_editor_refusing_a_line(snap_compare, ids, app):
    async def refused(pilot) -> None:
        await write_invoice(pilot)
        await pilot.press("tab")
        await type_text(pilot, "-2")
        await pilot.press("ctrl+s")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=refused)


async def reverse_charge_the_last_line(pilot) -> None:
    """The invoice of ``write_invoice`` with its last line priced at 0 % and reverse charged, saved without the
    reason that needs."""
    await write_invoice(pilot)
    row = pilot.app.screen.grid.rows[2]
    for key, text in (("quantity", "1"), ("unitPrice", "1200"), ("taxRate", "0")):
        row.input(key).value = text
    await pilot.press("ctrl+g")
    await settle(pilot)
    for key in ("down", "down", "down", "down", "enter"):
        await pilot.press(key)
    await settle(pilot)


def test_tax_category_dialog(snap_compare, ids, app):
    async def run_before(pilot) -> None:
        await reverse_charge_the_last_line(pilot)
        await pilot.press("ctrl+g")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_invoice_editor_refusing_a_missing_exemption_reason(snap_compare, ids, app):
    async def run_before(pilot) -> None:
        await reverse_charge_the_last_line(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_invoice_editor_in_a_small_terminal(snap_compare, ids, app):
    assert snap_compare(app, terminal_size=(60, 20), run_before=reverse_charge_the_last_line)


def test_client_picker(snap_compare, ids, app):
    assert snap_compare(app, terminal_size=SIZE, run_before=keys_then_settle("n", "ctrl+l"))


def open_invoice(invoice_id: str, *then: str):
    async def run_before(pilot) -> None:
        await settle(pilot)
        pilot.app.open_invoice(invoice_id)
        await settle(pilot)
        for key in then:
            await pilot.press(key)
            await settle(pilot)

    return run_before


def test_invoice_detail(snap_compare, ids, app):
    assert snap_compare(app, terminal_size=SIZE, run_before=open_invoice(ids["partly"]))


def test_invoice_detail_of_a_draft(snap_compare, ids, app):
    assert snap_compare(app, terminal_size=SIZE, run_before=open_invoice(ids["draft"]))


def test_credit_note_dialog(snap_compare, ids, app):
    assert snap_compare(app, terminal_size=SIZE, run_before=open_invoice(ids["sent"], "c"))


def test_invoice_detail_of_a_void_invoice_with_its_history(snap_compare, ids, books, app):
    books.credit_notes.create(ids["partly"], {"reason": "Order cancelled"})
    assert snap_compare(app, terminal_size=SIZE, run_before=open_invoice(ids["partly"]))


def test_payment_dialog(snap_compare, ids, app):
    assert snap_compare(app, terminal_size=SIZE, run_before=open_invoice(ids["partly"], "p"))


def test_export_dialog(snap_compare, ids, app):
    assert snap_compare(app, terminal_size=SIZE, run_before=open_invoice(ids["sent"], "x"))


def test_delete_confirmation(snap_compare, ids, app):
    assert snap_compare(app, terminal_size=SIZE, run_before=open_invoice(ids["draft"], "delete"))


def test_settings(snap_compare, ids, app):
    assert snap_compare(app, terminal_size=SIZE, run_before=keys_then_settle("s"))


def test_api_keys(snap_compare, ids, books, app):
    books.keys.create("shop")
    books.keys.revoke(books.keys.create("old script").info.id)
    assert snap_compare(app, terminal_size=SIZE, run_before=keys_then_settle("s", "ctrl+o"))


def test_new_api_key_shown_once(snap_compare, ids, app):
    async def create(pilot) -> None:
        await keys_then_settle("s", "ctrl+o", "n")(pilot)
        await type_text(pilot, "shop")
        await pilot.press("enter")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=create)


def test_help(snap_compare, ids, app):
    assert snap_compare(app, terminal_size=SIZE, run_before=keys_then_settle("i", "question_mark"))


def test_recurring_invoices(snap_compare, ids, books, app):
    retainer = [{"description": "Retainer", "quantity": 1, "unitPrice": 1500, "taxRate": 19}]
    books.recurring.create(
        {"clientId": ids["acme"], "frequency": "monthly", "startDate": "2026-12-31", "lineItems": retainer}
    )
    hosting = [{"description": "Hosting", "quantity": 1, "unitPrice": 29, "taxRate": 0}]
    paused = books.recurring.create({"clientId": ids["lodz"], "frequency": "quarterly", "lineItems": hosting})
    books.recurring.pause(paused.id)
    assert snap_compare(app, terminal_size=SIZE, run_before=keys_then_settle("R"))


def test_recurring_editor_with_its_next_dates(snap_compare, ids, app):
    assert snap_compare(app, terminal_size=SIZE, run_before=keys_then_settle("R", "n"))


def test_quotes(snap_compare, ids, books, app):
    workshop = [{"description": "Workshop", "quantity": 2, "unitPrice": 950, "taxRate": 19}]
    books.quotes.create({"clientId": ids["acme"], "validUntil": "2099-01-31", "lineItems": workshop})
    sent = books.quotes.create({"clientId": ids["lodz"], "validUntil": "2099-01-31", "lineItems": workshop})
    books.quotes.mark_sent(sent.id)
    books.quotes.accept(sent.id)
    assert snap_compare(app, terminal_size=SIZE, run_before=keys_then_settle("Q"))


def test_quote_editor(snap_compare, ids, app):
    assert snap_compare(app, terminal_size=SIZE, run_before=keys_then_settle("Q", "n"))
