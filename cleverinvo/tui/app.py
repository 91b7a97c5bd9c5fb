"""The CleverInvo Textual application and ``run()``, which the ``cleverinvo`` command calls with no subcommand."""

from __future__ import annotations

from typing import ClassVar

from textual.app import App
from textual.binding import Binding, BindingType
from textual.screen import Screen

import cleverinvo.core
from cleverinvo.core import Books, CleverInvo
from cleverinvo.core.accounts import DEFAULT_ACCOUNT
from cleverinvo.core.i18n.locales import DocumentLocale, document_locale
from cleverinvo.core.records import Account, Client, Invoice
from cleverinvo.tui.commands import CleverInvoCommands
from cleverinvo.tui.screens.base import CoreScreen
from cleverinvo.tui.screens.clients import ClientFormScreen, ClientsScreen
from cleverinvo.tui.screens.dashboard import DashboardScreen
from cleverinvo.tui.screens.help import HelpScreen
from cleverinvo.tui.screens.invoice_detail import InvoiceDetailScreen
from cleverinvo.tui.screens.invoice_editor import InvoiceEditorScreen
from cleverinvo.tui.screens.invoices import InvoicesScreen
from cleverinvo.tui.screens.quotes import QuotesScreen
from cleverinvo.tui.screens.recurring import RecurringScreen
from cleverinvo.tui.screens.settings import ApiKeysScreen, SettingsScreen


class CleverInvoApp(App[None]):
    """The TUI over one account's books. Every rule lives in the core; screens only call it."""

    CSS_PATH = "app.tcss"
    TITLE = "CleverInvo"
    COMMANDS: ClassVar = App.COMMANDS | {CleverInvoCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="back"),
        Binding("d", "go('dashboard')", "Dashboard", show=False, id="dashboard"),
        Binding("c", "go('clients')", "Clients", show=False, id="clients"),
        Binding("i", "go('invoices')", "Invoices", show=False, id="invoices"),
        Binding("s", "go('settings')", "Settings", show=False, id="settings"),
        Binding("R", "go('recurring')", "Recurring", show=False, id="recurring"),
        Binding("Q", "go('quotes')", "Quotes", show=False, id="quotes"),
        Binding("question_mark", "help", "Help", id="help"),
        Binding("f1", "help", "Help", show=False, id="help-f1"),
        Binding("ctrl+t", "toggle_theme", "Dark/light theme", show=False, id="theme"),
        Binding("ctrl+q", "quit", "Quit", show=False, id="quit"),
        # Focus moves are handled by the app as each key arrives, before any later key is handed to a field:
        # otherwise a burst such as "abc<Tab>def" typed by a fast typist or a paste puts "def" in the field
        # that had the focus before the Tab.
        Binding("tab", "app.focus_next", show=False, priority=True, id="next-field"),
        Binding("shift+tab", "app.focus_previous", show=False, priority=True, id="previous-field"),
    ]

    def __init__(self, ci: CleverInvo, account: str = DEFAULT_ACCOUNT) -> None:
        super().__init__()
        self.ci = ci
        self.books: Books = ci.books(account, actor="tui")
        self.use_account(self.books.settings.get())

    def use_account(self, account: Account) -> None:
        """Follow the account's settings: numbers are shown and read in its language."""
        self.words: DocumentLocale = document_locale(account.language.value, account.seller.country)
        self.has_seller = bool(account.seller.name)

    @property
    def language(self) -> str:
        """The locale numbers are typed in, the one they are shown in (``de``, ``de_AT``)."""
        return self.words.tag

    def get_default_screen(self) -> Screen[None]:
        return DashboardScreen()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "back":
            return len(self.screen_stack) > 1
        return True

    # Navigation ---------------------------------------------------------------------------------------------

    async def action_go(self, section: str) -> None:
        """Show a section of the app; Escape from it returns to the dashboard. Not while a form holds changes not
        saved (a letter typed on one of its buttons, or in a dialog over it, must not throw them away)."""
        if any(isinstance(screen, CoreScreen) and screen.holds_unsaved_work() for screen in self.screen_stack):
            self.notify("Save the changes (Ctrl+S) or leave them (Escape) first", severity="warning")
            return
        while len(self.screen_stack) > 1:
            await self.pop_screen()
        sections: dict[str, type[Screen[None]]] = {
            "clients": ClientsScreen,
            "invoices": InvoicesScreen,
            "settings": SettingsScreen,
            "keys": ApiKeysScreen,
            "recurring": RecurringScreen,
            "quotes": QuotesScreen,
        }
        if section in sections:
            await self.push_screen(sections[section]())

    async def action_back(self) -> None:
        if len(self.screen_stack) > 1:
            await self.pop_screen()

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def action_toggle_theme(self) -> None:
        self.theme = "textual-light" if self.current_theme.dark else "textual-dark"

    def action_new_invoice(self) -> None:
        """A new invoice; on the first run, the seller profile comes first (no invoice without a seller name)."""
        if self.has_seller:
            self.push_screen(InvoiceEditorScreen(), self.show_saved)
        else:
            self.push_screen(SettingsScreen(first_run=True), lambda named: self.action_new_invoice() if named else None)

    def show_saved(self, invoice: Invoice | None) -> None:
        if invoice is not None:
            self.open_invoice(invoice.id)

    def action_new_client(self) -> None:
        self.push_screen(ClientFormScreen())

    def open_invoice(self, invoice_id: str) -> None:
        self.push_screen(InvoiceDetailScreen(invoice_id))

    def open_client(self, client: Client) -> None:
        self.push_screen(InvoicesScreen(client=client))


def run(db: str | None = None) -> None:
    """Open the database (``db``, else ``$CLEVERINVO_DB``, else the default file) and run the TUI on it."""
    ci = cleverinvo.core.open(db)
    try:
        CleverInvoApp(ci).run()
    finally:
        ci.close()
