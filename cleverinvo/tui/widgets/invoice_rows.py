"""Invoices as table rows, the same on the dashboard, in the invoice list and under a client."""

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


def invoice_row(invoice: InvoiceSummary) -> tuple[Any, ...]:
    return (
        invoice.number,
        invoice.client.name,
        day(invoice.issue_date),
        day(invoice.due_date),
        Text(money(invoice.total, invoice.currency), justify="right"),
        status_text(invoice.status),
    )
