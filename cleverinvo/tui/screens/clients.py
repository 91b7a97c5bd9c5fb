"""Clients: a searchable list (archived ones on request), the form to create or edit one, archive and restore."""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Header, Static

from cleverinvo.core.records import Client, Page
from cleverinvo.tui.screens.dialogs import GuardedForm
from cleverinvo.tui.screens.listing import ListScreen
from cleverinvo.tui.widgets.choices import countries, languages
from cleverinvo.tui.widgets.footer import KeysFooter
from cleverinvo.tui.widgets.form import FieldBox, FormField, SelectField, TextField, form_values, show_refusal
from cleverinvo.tui.widgets.tables import Col

CLIENT_FIELDS = (
    ("Name", "name"),
    ("E-mail", "email"),
    ("Phone", "phone"),
    ("Tax ID", "taxId"),
    ("Address", "address"),
    ("Postal code", "postalCode"),
    ("City", "city"),
    ("Country", "country"),
    ("Language", "language"),
    ("Notes", "notes"),
)


def client_field(label: str, field: str, value: str) -> FieldBox:
    """The field that edits one of a client's values: a choice list for the country and the language, several
    lines for the address, one line otherwise."""
    if field == "country":
        return SelectField(label, field, countries(), value)
    if field == "language":
        return SelectField(label, field, languages(blank="(the account's)"), value)
    if field == "address":
        lines = TextField(label, field, value)
        lines.add_class("-short")
        return lines
    return FormField(label, field, value)


class ClientsScreen(ListScreen[Client]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "new", "New", id="new-client"),
        Binding("e", "edit", "Edit", id="edit-client"),
        Binding("a", "archive", "Archive", id="archive-client"),
        Binding("a", "restore", "Restore", id="restore-client"),
        Binding("v", "toggle_archived", "Show archived", id="show-archived"),
    ]
    COLUMNS = (
        Col("Name", gives_way=3, minimum=12, grows=True),
        Col("E-mail", gives_way=2, minimum=12),
        Col("Phone", gives_way=1, minimum=10),
        Col("", gives_way=4, minimum=8),
    )
    SEARCH_HINT = "Search by name or e-mail"

    def __init__(self) -> None:
        super().__init__()
        self.show_archived = False

    def fetch(self, page: int, limit: int, search: str | None) -> Page[Client]:
        return self.books.clients.list(page, limit, search, active=None if self.show_archived else True)

    def row(self, item: Client) -> tuple[Any, ...]:
        return (item.name, item.email or "", item.phone or "", "" if item.is_active else "archived")

    def key(self, item: Client) -> str:
        return item.id

    def title_text(self) -> str:
        return "Clients, archived included" if self.show_archived else "Clients"

    def open(self, item: Client) -> None:
        self.shell.open_client(item)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        selected = self.selected
        if action == "edit":
            return selected is not None or None
        if action == "archive":  # "a" archives an active client and restores an archived one, labelled so
            return None if selected is None else selected.is_active
        if action == "restore":
            return selected is not None and not selected.is_active
        return super().check_action(action, parameters)

    def on_data_table_row_highlighted(self) -> None:
        self.refresh_bindings()

    def action_new(self) -> None:
        self.app.push_screen(ClientFormScreen())

    def action_edit(self) -> None:
        if self.selected is not None:
            self.app.push_screen(ClientFormScreen(self.selected))

    def action_archive(self) -> None:
        client = self.selected
        if client is not None and client.is_active:
            clients = self.books.clients
            self.run_core(lambda: clients.archive(client.id), self.changed)

    def action_restore(self) -> None:
        client = self.selected
        if client is not None and not client.is_active:
            clients = self.books.clients
            self.run_core(lambda: clients.restore(client.id), self.changed)

    def changed(self, client: Client) -> None:
        self.notify(f"{client.name} {'restored' if client.is_active else 'archived'}")
        self.reload()

    def action_toggle_archived(self) -> None:
        self.show_archived = not self.show_archived
        self.page_number = 1
        self.reload()


class ClientFormScreen(GuardedForm[Client]):
    """Create a client, or edit one. Save refuses invalid input with the message under the field; Escape asks
    before throwing away what was typed."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("ctrl+s", "save", "Save", id="save")]

    def __init__(self, client: Client | None = None) -> None:
        super().__init__()
        self.client = client

    def compose(self) -> ComposeResult:
        client = self.client
        values = (
            {
                "name": client.name,
                "email": client.email,
                "phone": client.phone,
                "taxId": client.tax_id,
                "address": client.address,
                "postalCode": client.postal_code,
                "city": client.city,
                "country": client.country,
                "language": client.language.value if client.language else None,
                "notes": client.notes,
            }
            if client
            else {}
        )
        yield Header()
        yield Static(f"Edit {client.name}" if client else "New client", classes="screen-title")
        with VerticalScroll(id="form"):
            for label, field in CLIENT_FIELDS:
                yield client_field(label, field, values.get(field) or "")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.mark_saved()
        self.query_one(FormField).input.focus()

    def on_input_submitted(self) -> None:
        self.focus_next()

    def action_save(self) -> None:
        data = form_values([*self.query(FormField), *self.query(SelectField)])
        clients = self.books.clients
        client = self.client
        self.run_core(
            (lambda: clients.update(client.id, data)) if client else (lambda: clients.create(data)),
            self.saved,
            failed=lambda error: show_refusal(self, error),
            busy=self.query_one("#form"),
        )

    def saved(self, client: Client) -> None:
        self.mark_saved()
        self.notify(f"Saved {client.name}")
        self.dismiss(client)
