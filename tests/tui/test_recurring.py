"""Recurring invoices in the TUI: write a schedule seeing its next dates, pause, resume and delete it."""

import datetime as dt
from decimal import Decimal

import pytest

from cleverinvo.tui.screens.recurring import RecurringEditorScreen, RecurringScreen
from cleverinvo.tui.widgets.form import SelectField
from cleverinvo.tui.widgets.lines import LINE_COLUMNS, LineGrid
from tests.tui.helpers import line, notifications, settle, table_rows, text_of, type_text

pytestmark = pytest.mark.anyio


async def test_a_schedule_written_with_its_next_dates_shown_before_saving(app, books):
    client = books.clients.create({"name": "Acme Corp", "email": "billing@acme.example"})
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await settle(pilot)
        assert isinstance(app.screen, RecurringScreen)
        await pilot.press("n")
        await settle(pilot)
        editor = app.screen
        assert isinstance(editor, RecurringEditorScreen)
        await pilot.press("ctrl+l")
        await settle(pilot)
        await type_text(pilot, "acme")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert editor.client == client

        editor.field("startDate").input.focus()
        await type_text(pilot, "2027-01-31")
        await settle(pilot)
        assert text_of(editor.query_one("#next-dates")) == (
            "Next: 2027-01-31, 2027-02-28, 2027-03-31, 2027-04-30, 2027-05-31"
        )
        editor.query_one("#field-frequency", SelectField).query_one("Select").value = "quarterly"
        await settle(pilot)
        assert text_of(editor.query_one("#next-dates")).startswith("Next: 2027-01-31, 2027-04-30, 2027-07-31")
        editor.field("count").input.focus()
        await type_text(pilot, "x")
        await settle(pilot)
        assert "count must be a number" in text_of(editor.query_one("#next-dates"))
        editor.field("count").input.value = "2"
        await settle(pilot)
        assert text_of(editor.query_one("#next-dates")) == "Next: 2027-01-31, 2027-04-30"

        row = editor.query_one(LineGrid).rows[0]
        for key, text in zip(LINE_COLUMNS, ("Hosting", "1", "19.99", "19", ""), strict=True):
            row.input(key).focus()
            await type_text(pilot, text)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, RecurringScreen)
        assert any("every quarter, next on 2027-01-31" in note for note in notifications(app))

        (schedule,) = books.recurring.list().items
        assert (schedule.client_id, schedule.frequency.value, schedule.count) == (client.id, "quarterly", 2)
        assert schedule.start_date == dt.date(2027, 1, 31) and schedule.total == Decimal("23.79")
        assert schedule.line_items[0]["unitPrice"] == Decimal("19.99")
        assert table_rows(app.screen.table)[0][:3] == ["Acme Corp", "quarter", "2027-01-31"]


async def test_pause_resume_and_delete_from_the_list(app, books):
    client = books.clients.create({"name": "Acme Corp"})
    body = {"clientId": client.id, "frequency": "monthly", "startDate": "2030-01-15"}
    schedule = books.recurring.create({**body, "lineItems": [line("Retainer", 1, "500.00")]})
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        assert books.recurring.get(schedule.id).active is False
        assert table_rows(app.screen.table)[0][2] == "paused"
        await pilot.press("p")
        await settle(pilot)
        assert books.recurring.get(schedule.id).active is True
        await pilot.press("x")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert books.recurring.list().total == 0


async def test_editing_keeps_the_lines_and_clears_an_end(app, books):
    client = books.clients.create({"name": "Acme Corp"})
    body = {"clientId": client.id, "frequency": "weekly", "startDate": "2030-01-01", "endDate": "2030-03-01"}
    schedule = books.recurring.create({**body, "lineItems": [line("Support", "2.5", "80.00", 10)]})
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        editor = app.screen
        assert isinstance(editor, RecurringEditorScreen)
        assert editor.query_one(LineGrid).rows[0].values()["quantity"] == "2.5"
        editor.field("endDate").input.value = ""
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
    changed = books.recurring.get(schedule.id)
    assert changed.end_date is None and changed.total == schedule.total == Decimal("220.00")
    kept = ("description", "quantity", "unitPrice", "taxRate")
    assert [{k: li[k] for k in kept} for li in changed.line_items] == [
        {k: li[k] for k in kept} for li in schedule.line_items
    ]
