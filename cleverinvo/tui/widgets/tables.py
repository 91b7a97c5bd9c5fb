"""Tables: fixed-width columns, the key of the row under the cursor, and invoices as rows (the same everywhere)."""

from typing import Any

from rich.text import Text
from textual.widgets import DataTable

from cleverinvo.core.records import InvoiceSummary
from cleverinvo.tui.format import day, money, status_text

# (label, width): sized so that the six columns fit an 80-column terminal.
INVOICE_COLUMNS: tuple[tuple[str, int], ...] = (
    ("Number", 9),
    ("Client", 13),
    ("Issued", 10),
    ("Due", 10),
    ("Total", 13),
    ("Status", 11),
)


# Headings of columns of numbers, which are right-aligned like their figures.
NUMBER_HEADINGS = frozenset({"Qty", "Unit price", "Tax", "Amount", "Total"})


def add_columns(table: DataTable[Any], columns: tuple[tuple[str, int], ...]) -> None:
    for label, width in columns:
        heading = Text(label, justify="right") if label in NUMBER_HEADINGS else label
        table.add_column(heading, width=width, key=label)


def cursor_key(table: DataTable[Any]) -> str | None:
    """The key of the row under the cursor; ``None`` when the table is empty."""
    if table.row_count == 0:
        return None
    return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value


def invoice_row(invoice: InvoiceSummary) -> tuple[Any, ...]:
    return (
        invoice.number,
        invoice.client.name,
        day(invoice.issue_date),
        day(invoice.due_date),
        Text(money(invoice.total, invoice.currency), justify="right"),
        status_text(invoice.status),
    )
