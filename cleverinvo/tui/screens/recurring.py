"""Recurring invoices: the list of schedules (pause, resume, delete) and the editor, which shows the next five
dates the schedule would make before it is saved."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Header, Input, Select, Static

from cleverinvo.core import CleverInvoError
from cleverinvo.core.i18n.numbers import parse_number
from cleverinvo.core.records import Page
from cleverinvo.core.schedule.recurring import RecurringInvoice
from cleverinvo.tui.format import day
from cleverinvo.tui.screens.dialogs import ConfirmDialog
from cleverinvo.tui.screens.invoice_editor import NO_CLIENT, InvoiceEditorScreen, line_values
from cleverinvo.tui.screens.listing import ListScreen
from cleverinvo.tui.widgets.footer import KeysFooter
from cleverinvo.tui.widgets.form import ChoiceField, FormField, SelectField, form_values
from cleverinvo.tui.widgets.lines import LineGrid
from cleverinvo.tui.widgets.tables import Col
from cleverinvo.tui.widgets.totals import TotalsPanel

FREQUENCIES = (("week", "weekly"), ("month", "monthly"), ("quarter", "quarterly"), ("year", "yearly"))
UNITS = dict((value, shown) for shown, value in FREQUENCIES)
ACTIONS = (("make a draft", "draft"), ("send it", "send"))
WHOLE_NUMBERS = ("interval", "count", "dueDays")
SCHEDULE_FIELDS = ("frequency", "interval", "startDate", "endDate", "count")


def every(schedule: RecurringInvoice) -> str:
    """``month``, ``2 weeks``, ``quarter``…"""
    unit = UNITS[schedule.frequency.value]
    return unit if schedule.interval == 1 else f"{schedule.interval} {unit}s"


class RecurringScreen(ListScreen[RecurringInvoice]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "new", "New", id="new-recurring"),
        Binding("e", "edit", "Edit", id="edit-recurring"),
        Binding("p", "pause", "Pause/resume", id="pause-recurring"),
        Binding("x", "delete", "Delete", id="delete-recurring"),
    ]
    COLUMNS = (
        Col("Client", gives_way=1, minimum=10, grows=True),
        Col("Every"),
        Col("Next"),
        Col("Amount", right=True),
        Col("Then", gives_way=2, minimum=5),
    )
    SEARCH_HINT = "Search by client"

    def fetch(self, page: int, limit: int, search: str | None) -> Page[RecurringInvoice]:
        return self.books.recurring.list(page, limit, search)

    def row(self, item: RecurringInvoice) -> tuple[Any, ...]:
        nxt = "paused" if not item.active else "ended"
        amount = Text(self.shell.words.money(item.total, item.currency), justify="right")
        return (item.client_name, every(item), day(item.next_date) if item.next_date else nxt, amount, item.action)

    def key(self, item: RecurringInvoice) -> str:
        return item.id

    def title_text(self) -> str:
        return "Recurring invoices"

    def open(self, item: RecurringInvoice) -> None:
        self.app.push_screen(RecurringEditorScreen(item))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("edit", "pause", "delete"):
            return self.selected is not None or None
        return super().check_action(action, parameters)

    def on_data_table_row_highlighted(self) -> None:
        self.refresh_bindings()

    def action_new(self) -> None:
        self.app.push_screen(RecurringEditorScreen())

    def action_edit(self) -> None:
        if self.selected is not None:
            self.open(self.selected)

    def action_pause(self) -> None:
        chosen = self.selected
        if chosen is None:
            return
        recurring = self.books.recurring
        change = recurring.pause if chosen.active else recurring.resume
        self.run_core(lambda: change(chosen.id), self.changed)

    def changed(self, schedule: RecurringInvoice) -> None:
        state = "resumed" if schedule.active else "paused"
        self.notify(f"Recurring invoice for {schedule.client_name} {state}")
        self.reload()

    def action_delete(self) -> None:
        chosen = self.selected
        if chosen is None:
            return
        question = f"Delete the recurring invoice for {chosen.client_name}? The invoices it made stay."

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.run_core(lambda: self.books.recurring.delete(chosen.id), lambda _: self.reload())

        self.app.push_screen(ConfirmDialog(question), confirmed)


class RecurringEditorScreen(InvoiceEditorScreen):
    """Write a new schedule, or change one: the invoice editor's client, currency, lines and live totals, with
    when it repeats instead of the invoice's number and dates, and the next five dates shown as they are typed."""

    NOUN = "recurring invoice"
    AFTER_CLIENT = "currency"
    TERMS_FIELD, TERMS_HINT = "dueDays", "{days}"

    def __init__(self, schedule: RecurringInvoice | None = None) -> None:
        super().__init__()
        self.schedule = schedule
        self.default_currency = schedule.currency.code if schedule else ""

    @property
    def editing(self) -> object | None:
        return self.schedule

    def compose(self) -> ComposeResult:
        s = self.schedule
        yield Header()
        yield Static(f"Recurring invoice for {s.client_name}" if s else "New recurring invoice", classes="screen-title")
        with VerticalScroll(id="editor"):
            with Horizontal(classes="head-row"):
                yield ChoiceField("Client", "clientId", s.client_name if s else NO_CLIENT)
                yield FormField("Currency", "currency", self.default_currency)
                yield SelectField("Then", "action", ACTIONS, s.action if s else "draft")
            with Horizontal(classes="head-row"):
                yield SelectField("Every", "frequency", FREQUENCIES, s.frequency.value if s else "monthly")
                yield FormField("Interval", "interval", str(s.interval) if s else "", "1")
                yield FormField("Starts", "startDate", s.start_date.isoformat() if s else "", "today")
            with Horizontal(classes="head-row"):
                yield FormField("Ends", "endDate", s.end_date.isoformat() if s and s.end_date else "", "never")
                yield FormField("Times", "count", str(s.count) if s and s.count else "", "no limit")
                yield FormField("Due days", "dueDays", str(s.due_days) if s and s.due_days is not None else "")
            yield Static("", id="next-dates")
            yield LineGrid(line_values(list(s.line_items), self.shell.words) if s else [])
            yield TotalsPanel(id="totals")
            yield FormField("Notes", "notes", (s.notes or "") if s else "")
            yield FormField("Terms", "terms", (s.terms or "") if s else "")
        yield KeysFooter()

    def on_mount(self) -> None:
        super().on_mount()
        self.update_dates()

    # The next dates ----------------------------------------------------------------------------------------

    def on_input_changed(self, event: Input.Changed) -> None:
        super().on_input_changed(event)
        if event.input.id in {f"input-{name}" for name in SCHEDULE_FIELDS}:
            self.update_dates()

    def on_select_changed(self, event: Select.Changed) -> None:
        self.changed = True
        if event.select.id == "select-frequency":
            self.update_dates()

    def update_dates(self) -> None:
        """Ask the core for the next five dates of the schedule as typed so far."""
        shown = self.query_one("#next-dates", Static)
        try:
            fields = {key: value for key, value in self.schedule_fields().items() if key in SCHEDULE_FIELDS}
        except CleverInvoError as error:
            shown.update(error.message)
            return
        self.run_core(
            lambda: self.books.recurring.preview(fields),
            self.show_dates,
            failed=lambda error: shown.update(error.message),
            group="dates",
        )

    def show_dates(self, dates: list[dt.date]) -> None:
        text = ", ".join(day.isoformat() for day in dates) if dates else "no date"
        self.query_one("#next-dates", Static).update(f"Next: {text}")

    # Saving -------------------------------------------------------------------------------------------------

    def schedule_fields(self) -> dict[str, Any]:
        """The fields typed, as the core reads them: blank ones left out, whole numbers read as numbers."""
        values = form_values([*self.query(FormField), *self.query(SelectField)])
        fields: dict[str, Any] = {}
        for key, text in values.items():
            if key in WHOLE_NUMBERS and text.strip():
                fields[key] = parse_number(text, self.shell.language, key)
            elif text.strip() or key in ("notes", "terms"):
                fields[key] = text
            elif self.schedule is not None and key in ("endDate", "count", "dueDays"):
                fields[key] = None  # cleared
        return fields

    def body(self) -> dict[str, Any]:
        body = self.schedule_fields()
        if self.client is not None:
            body["clientId"] = self.client.id
        elif self.schedule is None:
            body["clientId"] = None
        body["lineItems"] = self.read_lines()
        return body

    def saving(self, body: dict[str, Any]) -> Callable[[], RecurringInvoice]:
        recurring, schedule = self.books.recurring, self.schedule
        return (lambda: recurring.update(schedule.id, body)) if schedule else (lambda: recurring.create(body))

    def saved(self, schedule: RecurringInvoice) -> None:
        when = schedule.next_date.isoformat() if schedule.next_date else "never"
        amount = self.shell.words.money(schedule.total, schedule.currency)
        self.notify(f"Saved: {amount} every {every(schedule)}, next on {when}")
        self.dismiss(None)
