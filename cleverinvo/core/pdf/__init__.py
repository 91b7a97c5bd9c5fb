"""Business documents as PDF, made with borb: pure functions of values, no database inside.

``render_invoice(invoice, account, logo)`` gives an invoice's PDF, ``render_quote`` a quote's and
``render_credit_note`` a credit note's, all in one layout: a document is described as a ``Sheet`` (its kind,
number, ``Fact``s beside the title, a reference line, lines and totals) and ``render``-ed.
"""

from cleverinvo.core.pdf.credit_note import credit_note_sheet, render_credit_note
from cleverinvo.core.pdf.document import Fact, Sheet, render
from cleverinvo.core.pdf.invoice import invoice_sheet, render_invoice
from cleverinvo.core.pdf.quote import quote_sheet, render_quote

__all__ = [
    "Fact",
    "Sheet",
    "credit_note_sheet",
    "invoice_sheet",
    "quote_sheet",
    "render",
    "render_credit_note",
    "render_invoice",
    "render_quote",
]
