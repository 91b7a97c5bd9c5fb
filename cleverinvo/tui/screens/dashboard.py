"""The first screen: what is owed, overdue and paid this month, counts by status, the latest invoices."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import DataTable, Header, Static

from cleverinvo.core.records import Dashboard, Status
from cleverinvo.tui.format import amounts, status_text
from cleverinvo.tui.screens.base import CoreScreen
from cleverinvo.tui.widgets.footer import KeysFooter
from cleverinvo.tui.widgets.tables import INVOICE_COLUMNS, FittedTable, invoice_row

WELCOME = "No invoices yet. Press [b]c[/b] for clients and [b]n[/b] there to add one, then [b]n[/b] here to invoice."
FIRST_RUN = (
    "Welcome! Start with who you are: press [b]s[/b] for your seller profile (your name is printed on every "
    "invoice), then [b]c[/b] to add a client and [b]n[/b] to write the first invoice."
)


class DashboardScreen(CoreScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "app.new_invoice", "New invoice", id="new-invoice"),
        Binding("c", "app.go('clients')", "Clients", id="to-clients"),
        Binding("i", "app.go('invoices')", "Invoices", id="to-invoices"),
        Binding("s", "app.go('settings')", "Settings", id="to-settings"),
        Binding("r", "refresh", "Refresh", id="refresh"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="cards"):
            yield Static("—", id="owed", classes="card")
            yield Static("—", id="overdue", classes="card")
            yield Static("—", id="paid", classes="card")
        yield Static("", id="counts")
        yield Static("Recent invoices", classes="section-title")
        yield FittedTable(INVOICE_COLUMNS, cursor_type="row", zebra_stripes=True, id="recent")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one("#owed").border_title = "Owed"
        self.query_one("#overdue").border_title = "Overdue"
        self.query_one("#paid").border_title = "Paid this month"

    def on_screen_resume(self) -> None:
        self.action_refresh()

    def action_refresh(self) -> None:
        self.run_core(self.books.dashboard, self.show, busy=self.query_one("#recent"), group="load")

    def show(self, dashboard: Dashboard) -> None:
        words = self.shell.words
        self.query_one("#owed", Static).update(amounts(dashboard.owed, words))
        self.query_one("#overdue", Static).update(amounts(dashboard.overdue, words))
        self.query_one("#paid", Static).update(amounts(dashboard.paid_this_month, words))
        counts = Text(" · ").join(Text.assemble(status_text(s), f" {dashboard.counts.get(s, 0)}") for s in Status)
        welcome = WELCOME if self.shell.has_seller else FIRST_RUN
        self.query_one("#counts", Static).update(counts if dashboard.counts else Text.from_markup(welcome))
        table = self.query_one("#recent", FittedTable)
        table.show_rows([(invoice.id, invoice_row(invoice, words)) for invoice in dashboard.recent])

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value:
            self.shell.open_invoice(event.row_key.value)
