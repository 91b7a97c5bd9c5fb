"""Tables whose columns fit their content and the terminal, the key of the row under the cursor, and invoices as
rows (the same everywhere).

Each column is as wide as its widest cell. When the table is too narrow for all of them, the least important
column gives way first: it narrows to its minimum, and a column that would have to go below its minimum is left
out. A column without a minimum (an invoice number) is never cut. In a wide terminal the column marked to grow
takes the room that is left.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.geometry import Size
from textual.widgets import DataTable

from cleverinvo.core.i18n.locales import DocumentLocale
from cleverinvo.core.records import InvoiceSummary
from cleverinvo.tui.format import day, status_text


@dataclass(frozen=True, slots=True)
class Col:
    """A column: its heading, and how it behaves when room is short or plenty.

    ``gives_way`` orders the columns that narrow (1 first); 0 never narrows. ``minimum`` is the narrowest it
    may be before it is left out. ``grows`` takes the room left in a wide table. ``right`` aligns figures.
    """

    label: str
    gives_way: int = 0
    minimum: int = 0
    grows: bool = False
    right: bool = False


INVOICE_COLUMNS: tuple[Col, ...] = (
    Col("Number"),
    Col("Client", gives_way=2, minimum=8, grows=True),
    Col("Issued", gives_way=1, minimum=10),
    Col("Due", gives_way=3, minimum=10),
    Col("Total", right=True),
    Col("Status", gives_way=4, minimum=6),
)


def plain_width(cell: object) -> int:
    """How many terminal cells a value takes, whether a string or a Rich Text."""
    return cell_len(cell.plain if isinstance(cell, Text) else str(cell))


def fit_widths(columns: Sequence[Col], natural: Sequence[int], room: int, padding: int) -> list[int | None]:
    """The width of each column (``None``: left out) so that they fit in ``room`` cells, each taking ``padding``.

    Natural widths first; then the columns that give way narrow in their order, down to their minimum, and are
    left out if that is not enough; then, if room is left, the growing column takes it.
    """
    widths: list[int | None] = list(natural)

    def over() -> int:
        return sum(w + padding for w in widths if w is not None) - room

    for index in sorted((i for i, c in enumerate(columns) if c.gives_way), key=lambda i: columns[i].gives_way):
        width = widths[index]
        if over() <= 0 or width is None:
            break
        if width - over() >= columns[index].minimum:
            widths[index] = width - over()
        else:
            widths[index] = None
    spare = -over()
    growing = next((i for i, c in enumerate(columns) if c.grows and widths[i] is not None), None)
    if spare > 0 and growing is not None:
        widths[growing] = (widths[growing] or 0) + spare
    return widths


class FittedTable(DataTable[Any]):
    """A DataTable whose columns are sized by ``fit_widths`` to what it shows and to its own width."""

    def __init__(self, columns: Sequence[Col], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.specs = tuple(columns)
        self.shown: list[tuple[str, tuple[Any, ...]]] = []
        self.widths: list[int | None] = []
        self.laid_out: Size | None = None  # the size it was last given, which it keeps while it is hidden

    def show_rows(self, rows: Sequence[tuple[str, Sequence[Any]]]) -> None:
        """Show these ``(key, cells)`` rows, keeping the cursor on the row it was on when that row is still shown."""
        self.shown = [(key, tuple(cells)) for key, cells in rows]
        self._redraw()

    def on_resize(self, event: events.Resize) -> None:
        if self.fitted_widths() != self.widths:
            self._redraw()

    def fitted_widths(self) -> list[int | None]:
        natural = [
            max([plain_width(spec.label), *(plain_width(cells[i]) for _key, cells in self.shown)])
            for i, spec in enumerate(self.specs)
        ]
        if self.size.width:
            self.laid_out = self.size
        # A table under its loading indicator has no size until the indicator goes: it gets its last one back then.
        size = self.laid_out or self.size
        room = size.width or self.app.size.width
        if len(self.shown) > max(size.height - 1, 0):
            room -= self.styles.scrollbar_size_vertical
        return fit_widths(self.specs, natural, room, 2 * self.cell_padding)

    def _redraw(self) -> None:
        selected = cursor_key(self)
        widths = self.fitted_widths()
        if widths != self.widths or not self.columns:
            self.clear(columns=True)
            self.widths = widths
            for spec, width in zip(self.specs, widths, strict=True):
                if width is not None:
                    heading = Text(spec.label, justify="right") if spec.right else spec.label
                    self.add_column(heading, width=width, key=spec.label)
        else:
            self.clear()
        kept = [i for i, width in enumerate(widths) if width is not None]
        for key, cells in self.shown:
            self.add_row(*(cells[i] for i in kept), key=key)
        if selected is not None and selected in {key for key, _cells in self.shown}:
            self.move_cursor(row=self.get_row_index(selected))


def cursor_key(table: DataTable[Any]) -> str | None:
    """The key of the row under the cursor; ``None`` when the table is empty."""
    if table.row_count == 0:
        return None
    return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value


def invoice_row(invoice: InvoiceSummary, words: DocumentLocale) -> tuple[Any, ...]:
    return (
        invoice.number,
        invoice.client.name,
        day(invoice.issue_date),
        day(invoice.due_date),
        Text(words.money(invoice.total, invoice.currency), justify="right"),
        status_text(invoice.status),
    )
