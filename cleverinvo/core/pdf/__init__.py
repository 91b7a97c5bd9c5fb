"""Business documents as PDF, made with borb: pure functions of values, no database inside.

``render_invoice(invoice, account, logo)`` gives an invoice's PDF, ``render_quote`` a quote's. Credit notes use
the same layout: describe the document as a ``Sheet`` (its kind, number, ``Fact``s beside the title, a reference
line, lines and totals) and ``render`` it.
"""

from cleverinvo.core.pdf.document import Fact, Sheet, render
from cleverinvo.core.pdf.invoice import invoice_sheet, render_invoice
from cleverinvo.core.pdf.quote import quote_sheet, render_quote

__all__ = ["Fact", "Sheet", "invoice_sheet", "quote_sheet", "render", "render_invoice", "render_quote"]
