"""A searchable, paged table of the core's records: the shape the clients and invoices screens share.

A page holds ``PAGE_SIZE`` rows (three screenfuls at 80×24) fetched by one query, so moving through 10,000
records stays instant.
"""

from __future__ import annotations

from typing import Any, ClassVar, Generic, TypeVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Footer, Header, Input, Static

from cleverinvo.core.records import Page
from cleverinvo.tui.screens.base import CoreScreen
from cleverinvo.tui.widgets.tables import add_columns, cursor_key

T = TypeVar("T")


class ListScreen(CoreScreen[None], Generic[T]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "search", "Search", id="search"),
        Binding("left_square_bracket", "page(-1)", "Page", key_display="[ ]", id="prev-page"),
        Binding("right_square_bracket", "page(1)", "Next page", show=False, id="next-page"),
        Binding("down", "focus_table", show=False),
    ]
    AUTO_FOCUS = "#list-table"
    PAGE_SIZE = 50
    COLUMNS: ClassVar[tuple[tuple[str, int], ...]] = ()
    SEARCH_HINT = "Search"

    def __init__(self) -> None:
        super().__init__()
        self.page_number = 1
        self.page: Page[T] | None = None
        self.items: dict[str, T] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="list-title", classes="screen-title")
        yield Input(placeholder=f"{self.SEARCH_HINT}  (/ to search)", compact=True, id="search")
        yield DataTable(cursor_type="row", zebra_stripes=True, id="list-table")
        yield Static("", id="page-line")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        add_columns(self.table, self.COLUMNS)

    @property
    def table(self) -> DataTable[Any]:
        return self.query_one("#list-table", DataTable)

    # What a concrete list supplies -----------------------------------------------------------------------------

    def fetch(self, page: int, limit: int, search: str | None) -> Page[T]:
        raise NotImplementedError

    def row(self, item: T) -> tuple[Any, ...]:
        raise NotImplementedError

    def key(self, item: T) -> str:
        raise NotImplementedError

    def title_text(self) -> str:
        raise NotImplementedError

    def open(self, item: T) -> None:
        raise NotImplementedError

    # Loading ------------------------------------------------------------------------------------------------

    def reload(self) -> None:
        search = self.query_one("#search", Input).value or None
        number = self.page_number
        self.run_core(lambda: self.fetch(number, self.PAGE_SIZE, search), self.show_page, busy=self.table, group="load")

    def show_page(self, page: Page[T]) -> None:
        if page.page > max(page.total_pages, 1):
            self.page_number = max(page.total_pages, 1)
            self.reload()
            return
        table = self.table
        selected = self.selected
        table.clear()
        self.page = page
        self.items = {self.key(item): item for item in page.items}
        for item in page.items:
            table.add_row(*self.row(item), key=self.key(item))
        if selected is not None and self.key(selected) in self.items:
            table.move_cursor(row=table.get_row_index(self.key(selected)))
        self.query_one("#list-title", Static).update(self.title_text())
        shown = f"{(page.page - 1) * page.limit + 1}–{(page.page - 1) * page.limit + len(page.items)}"
        self.query_one("#page-line", Static).update(
            f"Page {page.page} of {max(page.total_pages, 1)} · {shown if page.items else 0} of {page.total:,}"
        )
        self.refresh_bindings()

    @property
    def selected(self) -> T | None:
        return self.items.get(cursor_key(self.table) or "")

    # Events and actions ---------------------------------------------------------------------------------------

    def on_screen_resume(self) -> None:
        self.reload()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "search":
            self.page_number = 1
            self.reload()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "search":
            self.table.focus()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        item = self.items.get(event.row_key.value or "")
        if item is not None:
            self.open(item)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "page":
            return True if self.page is not None and self.page.total_pages > 1 else None
        return True

    def action_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_focus_table(self) -> None:
        self.table.focus()

    def action_page(self, step: int) -> None:
        """The previous or next page; nothing before the first or after the last."""
        if self.page is not None and 1 <= self.page_number + step <= self.page.total_pages:
            self.page_number += step
            self.reload()
