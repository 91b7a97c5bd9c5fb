"""Business documents as PDF, made with borb: pure functions of values, no database inside.

``render_invoice(invoice, account, logo)`` gives an invoice's PDF. Credit notes and quotes use the same layout:
describe the document as a ``Sheet`` (its kind, number, ``Fact``s beside the title, a reference line, lines and
totals) and ``render`` it.
"""

from cleverinvo.core.pdf.document import Fact, Sheet, render
from cleverinvo.core.pdf.invoice import invoice_sheet, render_invoice

__all__ = ["Fact", "Sheet", "invoice_sheet", "render", "render_invoice"]
