"""A searchable, paged table of the core's records: the shape the clients and invoices screens share.

A page holds ``PAGE_SIZE`` rows (three screenfuls at 80×24) fetched by one query, so moving through 10,000
records stays instant.
"""

from __future__ import annotations

from typing import Any, ClassVar, Generic, TypeVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Header, Input, Static

from cleverinvo.core import CleverInvoError
from cleverinvo.core.records import Page
from cleverinvo.tui.screens.base import CoreScreen
from cleverinvo.tui.widgets.footer import KeysFooter
from cleverinvo.tui.widgets.tables import Col, FittedTable, cursor_key

T = TypeVar("T")


class ListScreen(CoreScreen[None], Generic[T]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "search", "Search", id="search"),
        Binding("left_square_bracket", "page(-1)", "Page", key_display="[ ]", id="prev-page"),
        Binding("right_square_bracket", "page(1)", "Next page", show=False, id="next-page"),
        Binding("down", "focus_table", show=False),
        Binding("escape", "clear_search", "Back", id="clear-search"),
    ]
    AUTO_FOCUS = "#list-table"
    PAGE_SIZE = 50
    COLUMNS: ClassVar[tuple[Col, ...]] = ()
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
        yield FittedTable(self.COLUMNS, cursor_type="row", zebra_stripes=True, id="list-table")
        yield Static("", id="page-line")
        yield KeysFooter()

    @property
    def table(self) -> FittedTable:
        return self.query_one("#list-table", FittedTable)

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
        self.run_core(
            lambda: self.fetch(number, self.PAGE_SIZE, search),
            self.show_page,
            busy=self.table,
            group="load",
            failed=self.refused,
        )

    def refused(self, error: CleverInvoError) -> None:
        """A search the core refuses shows no results (never the previous search's) and says why."""
        self.page = None
        self.items = {}
        self.table.show_rows([])
        self.query_one("#page-line", Static).update(f"Nothing searched: {error.message.split(': ', 1)[-1]}")
        self.refresh_bindings()

    def show_page(self, page: Page[T]) -> None:
        if page.page > max(page.total_pages, 1):
            self.page_number = max(page.total_pages, 1)
            self.reload()
            return
        self.page = page
        self.items = {self.key(item): item for item in page.items}
        self.table.show_rows([(self.key(item), self.row(item)) for item in page.items])
        self.query_one("#list-title", Static).update(self.title_text())
        shown = f"{(page.page - 1) * page.limit + 1}–{(page.page - 1) * page.limit + len(page.items)}"
        self.query_one("#page-line", Static).update(
            f"Page {page.page} of {max(page.total_pages, 1)} · {shown if page.items else 0} of {page.total:,}"
        )
        self.refresh_bindings()

    @property
    def selected(self) -> T | None:
        """The record under the cursor; ``None`` when there is none, or while the table is not in the screen (the
        footer asks which keys apply, and so what is selected, at moments the screen is being built or taken down)."""
        table = next(iter(self.query("#list-table").results(FittedTable)), None)
        return None if table is None else self.items.get(cursor_key(table) or "")

    # Events and actions ---------------------------------------------------------------------------------------

    def on_screen_resume(self) -> None:
        self.reload()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "search":
            self.page_number = 1
            self.reload()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter in the search box opens the only match, else goes to the results."""
        if event.input.id == "search":
            if self.page is not None and self.page.total == 1 and len(self.items) == 1:
                self.open(next(iter(self.items.values())))
            else:
                self.table.focus()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        item = self.items.get(event.row_key.value or "")
        if item is not None:
            self.open(item)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "page":
            return True if self.page is not None and self.page.total_pages > 1 else None
        return True

    async def action_clear_search(self) -> None:
        """Escape in a search box with text clears the search first; otherwise it goes back."""
        search = self.query_one("#search", Input)
        if search.has_focus and search.value:
            search.value = ""
        else:
            await self.app.run_action("back")

    def action_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_focus_table(self) -> None:
        self.table.focus()

    def action_page(self, step: int) -> None:
        """The previous or next page; nothing before the first or after the last."""
        if self.page is not None and 1 <= self.page_number + step <= self.page.total_pages:
            self.page_number += step
            self.reload()
