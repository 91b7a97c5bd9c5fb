"""Invoices: search, filter by status and by client, page through any number of them, open one."""

from __future__ import annotations

from typing import Any, ClassVar

from textual.binding import Binding, BindingType

from cleverinvo.core.records import Client, InvoiceSummary, Page, Status
from cleverinvo.tui.format import STATUS_LABELS, amounts
from cleverinvo.tui.screens.dialogs import ClientPicker
from cleverinvo.tui.screens.invoice_editor import InvoiceEditorScreen
from cleverinvo.tui.screens.listing import ListScreen
from cleverinvo.tui.widgets.tables import INVOICE_COLUMNS, invoice_row

# The status filter steps through these with one key.
STATUS_FILTERS: tuple[Status | None, ...] = (None, *Status)


class InvoicesScreen(ListScreen[InvoiceSummary]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "new", "New", id="new-invoice"),
        Binding("f", "cycle_status", "Status", id="status-filter"),
        Binding("k", "pick_client", "Client", id="client-filter"),
    ]
    COLUMNS = INVOICE_COLUMNS
    SEARCH_HINT = "Search by number, client name or e-mail"

    def __init__(self, client: Client | None = None, status: Status | None = None) -> None:
        super().__init__()
        self.client = client
        self.status = status
        self.balance = ""

    def fetch(self, page: int, limit: int, search: str | None) -> Page[InvoiceSummary]:
        client_id = self.client.id if self.client else None
        if self.client is not None:
            dashboard = self.books.dashboard(client_id)
            owed = amounts(dashboard.owed, self.shell.words, ", ")
            self.balance = f"owes {owed}" if dashboard.owed else "owes nothing"
        return self.books.invoices.list(page, limit, search, client_id=client_id, status=self.status)

    def row(self, item: InvoiceSummary) -> tuple[Any, ...]:
        return invoice_row(item, self.shell.words)

    def key(self, item: InvoiceSummary) -> str:
        return item.id

    def title_text(self) -> str:
        parts = ["Invoices"]
        if self.status is not None:
            parts.append(STATUS_LABELS[self.status].lower())
        if self.client is not None:
            parts.append(f"for {self.client.name}, who {self.balance}")
        return " · ".join(parts)

    def open(self, item: InvoiceSummary) -> None:
        self.shell.open_invoice(item.id)

    def action_new(self) -> None:
        """A new invoice, to the client whose invoices these are (if any)."""
        self.app.push_screen(InvoiceEditorScreen(client=self.client), self.shell.show_saved)

    def action_cycle_status(self) -> None:
        self.status = STATUS_FILTERS[(STATUS_FILTERS.index(self.status) + 1) % len(STATUS_FILTERS)]
        self.page_number = 1
        self.reload()

    def action_pick_client(self) -> None:
        self.app.push_screen(ClientPicker(allow_all=True), self.filter_client)

    def filter_client(self, choice: Client | str | None) -> None:
        if choice is None:
            return
        self.client = choice if isinstance(choice, Client) else None
        self.page_number = 1
        self.reload()
