"""The command palette (Ctrl+P): every screen of the app, and every action of the screen it was opened on."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider

# Commands available everywhere: (name, help, action run on the app).
APP_COMMANDS: tuple[tuple[str, str, str], ...] = (
    ("Go to dashboard", "Owed, overdue, paid this month, recent invoices", "go('dashboard')"),
    ("Go to clients", "Search, create, edit, archive and restore clients", "go('clients')"),
    ("Go to invoices", "Search and filter invoices by status and client", "go('invoices')"),
    ("Go to quotes", "Quotes: mark sent, accepted or declined, and make an invoice of one", "go('quotes')"),
    ("Go to recurring invoices", "Schedules that make an invoice every week, month or year", "go('recurring')"),
    ("Go to settings", "Seller profile, numbering, defaults", "go('settings')"),
    ("Go to API keys", "Create and revoke keys for the HTTP API", "go('keys')"),
    ("New invoice", "Write a new invoice", "new_invoice"),
    ("New client", "Add a client", "new_client"),
    ("Help: keys", "The keys of this screen and of the app", "help"),
    ("Toggle dark/light theme", "Switch between the dark and the light theme", "toggle_theme"),
)


class CleverInvoCommands(Provider):
    def commands(self) -> list[tuple[str, str, Callable[[], object]]]:
        """(name, help, callback) for the app's commands and the current screen's enabled actions."""
        app = self.app
        found: list[tuple[str, str, Callable[[], object]]] = [
            (name, help_text, partial(app.run_action, action)) for name, help_text, action in APP_COMMANDS
        ]
        screen = self.screen
        seen = {name for name, _, _ in found}
        for cls in type(screen).__mro__:
            for binding in vars(cls).get("BINDINGS", ()):
                if not (isinstance(binding, Binding) and binding.description):
                    continue
                action = binding.action
                name = binding.description
                target = app if action.startswith("app.") else screen
                bare = action.removeprefix("app.")
                base = bare.split("(", 1)[0]
                if name in seen or target.check_action(base, ()) is not True:
                    continue
                seen.add(name)
                found.append((name, f"Key: {binding.key}", partial(target.run_action, bare)))
        return found

    async def discover(self) -> Hits:
        for name, help_text, callback in self.commands():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, callback in self.commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)
