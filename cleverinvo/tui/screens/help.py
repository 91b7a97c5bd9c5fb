"""The keys of the screen you came from and of the whole app."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widgets import Header, Static

from cleverinvo.tui.screens.base import CoreScreen
from cleverinvo.tui.widgets.footer import KeysFooter


def key_table(app: App[object], title: str, bindings: list[Binding]) -> Table:
    table = Table(title=title, title_justify="left", box=None, show_header=False, padding=(0, 2))
    table.add_column(style="bold", min_width=10)
    table.add_column()
    for binding in bindings:
        table.add_row(app.get_key_display(binding), binding.description)
    return table


def described(owner: type) -> list[Binding]:
    """The described bindings of a CleverInvo class and of the CleverInvo classes it inherits from, its own first."""
    classes = [cls for cls in owner.__mro__ if cls.__module__.startswith("cleverinvo.")]
    found = [b for cls in classes for b in vars(cls).get("BINDINGS", ())]
    by_action = {b.action: b for b in reversed(found) if isinstance(b, Binding) and b.description}
    return list(reversed(by_action.values()))


def working(target: DOMNode, bindings: list[Binding]) -> list[Binding]:
    """The bindings whose action ``target`` (a screen or the app) allows right now."""
    allowed = []
    for binding in bindings:
        name = binding.action.split("(", 1)[0]
        runner = target.app if name.startswith("app.") else target
        if runner.check_action(name.removeprefix("app."), ()) is True:
            allowed.append(binding)
    return allowed


class HelpScreen(CoreScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("question_mark", "app.back", "Close", id="close-help")]

    def __init__(self, under: Screen[object]) -> None:
        super().__init__()
        self.under = under

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Keys", classes="screen-title")
        with VerticalScroll(id="help"):
            screen_keys = working(self.under, described(type(self.under)))
            if screen_keys:
                yield Static(key_table(self.app, "On this screen", screen_keys))
            yield Static(key_table(self.app, "Everywhere", working(self.app, described(type(self.app)))))
            yield Static(
                "Ctrl+P opens the command palette: type to reach any screen or action.\n"
                "Tab moves between fields and tables; Enter opens the highlighted row.",
                classes="hint",
            )
        yield KeysFooter()
