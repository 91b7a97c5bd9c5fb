"""Business documents as PDF, made with borb: pure functions of values, no database inside.

``render_invoice(invoice, account, logo)`` gives an invoice's PDF, ``render_quote`` a quote's and
``render_credit_note`` a credit note's, all in one layout: a document is described as a ``Sheet`` (its kind,
number, ``Fact``s beside the title, a reference line, lines and totals) and ``render``-ed.

The names below load on first use (PEP 562): borb, Pillow and segno take most of a second to import, which
every command of the CLI, every worker and every library user would otherwise pay without making a document.
"""

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cleverinvo.core.pdf.credit_note import credit_note_sheet, render_credit_note
    from cleverinvo.core.pdf.document import Fact, Sheet, epc_qr, payment_entries, render
    from cleverinvo.core.pdf.invoice import invoice_sheet, render_invoice
    from cleverinvo.core.pdf.quote import quote_sheet, render_quote

_HOMES = {
    "credit_note_sheet": "credit_note",
    "render_credit_note": "credit_note",
    "Fact": "document",
    "Sheet": "document",
    "epc_qr": "document",
    "payment_entries": "document",
    "render": "document",
    "invoice_sheet": "invoice",
    "render_invoice": "invoice",
    "quote_sheet": "quote",
    "render_quote": "quote",
}

__all__ = [
    "Fact",
    "Sheet",
    "credit_note_sheet",
    "epc_qr",
    "invoice_sheet",
    "payment_entries",
    "quote_sheet",
    "render",
    "render_credit_note",
    "render_invoice",
    "render_quote",
]


def __getattr__(name: str) -> object:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{home}"), name)
