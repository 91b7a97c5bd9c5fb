"""Shared helpers of the TUI tests: waiting for workers, and a small fixed set of books."""

import io
from decimal import Decimal

from rich.console import Console
from rich.text import Text
from textual.pilot import Pilot

from cleverinvo.core import Books


async def settle(pilot: Pilot) -> None:
    """Let the app handle what was pressed and finish its workers."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def line(description: str, quantity: int | str, unit_price: str, tax: int | str = 0, discount: int | str = 0) -> dict:
    return {
        "description": description,
        "quantity": Decimal(quantity),
        "unitPrice": Decimal(unit_price),
        "taxRate": Decimal(tax),
        "discountRate": Decimal(discount),
    }


def seed(books: Books) -> dict[str, str]:
    """Three clients (one archived) and invoices in every status but OVERDUE and VIEWED; ids by name."""
    books.settings.update({"sellerName": "Zoë Ørsted Design", "sellerEmail": "zoe@example.com"})
    acme = books.clients.create({"name": "Acme Corp", "email": "billing@acme.example", "phone": "+1 555 0100"})
    lodz = books.clients.create({"name": "Łódź Studio", "email": "hello@lodz.example"})
    gone = books.clients.create({"name": "Old Client Ltd"})
    books.clients.archive(gone.id)
    dates = {"issueDate": "2026-10-01", "dueDate": "2099-01-31"}
    draft = books.invoices.create(
        {"clientId": acme.id, **dates, "lineItems": [line("Web development", 40, "125.00", 10)], "notes": "Thanks!"}
    )
    sent = books.invoices.create(
        {"clientId": lodz.id, **dates, "lineItems": [line("Logo design", 1, "900.00", 20), line("Hosting", 12, "9.99")]}
    )
    books.invoices.mark_sent(sent.id)
    partly = books.invoices.create({"clientId": acme.id, **dates, "lineItems": [line("Audit", 3, "400.00", 10, 5)]})
    books.invoices.mark_sent(partly.id)
    books.invoices.record_payment(partly.id, {"amount": Decimal("500.00"), "date": "2026-10-15", "method": "bank"})
    paid = books.invoices.create(
        {"clientId": lodz.id, "currency": "EUR", **dates, "lineItems": [line("Workshop", 2, "750.00", 19)]}
    )
    books.invoices.mark_sent(paid.id)
    books.invoices.record_payment(paid.id, {"amount": Decimal("1785.00"), "date": "2026-10-20", "method": "card"})
    return {
        "acme": acme.id,
        "lodz": lodz.id,
        "gone": gone.id,
        "draft": draft.id,
        "sent": sent.id,
        "partly": partly.id,
        "paid": paid.id,
    }


async def type_text(pilot: Pilot, text: str) -> None:
    """Type ``text`` key by key into whatever has the focus."""
    names = {" ": "space", ".": "full_stop", ",": "comma", "-": "minus", "@": "at", "%": "percent_sign"}
    await pilot.press(*(names.get(ch, ch) for ch in text))


def text_of(widget) -> str:
    """What a Static shows, as plain text, whether it holds a string, a Rich Text or a Rich table."""
    content = widget.content
    if isinstance(content, str):
        return Text.from_markup(content).plain
    if isinstance(content, Text):
        return content.plain
    console = Console(width=200, file=io.StringIO(), color_system=None)
    with console.capture() as captured:
        console.print(content)
    return captured.get()


def notifications(app) -> list[str]:
    """The messages of the notifications the app has shown."""
    return [n.message for n in app._notifications]


def table_rows(table) -> list[list[str]]:
    """The cells of a DataTable as plain text."""
    return [[str(getattr(cell, "plain", cell)) for cell in table.get_row_at(i)] for i in range(table.row_count)]
