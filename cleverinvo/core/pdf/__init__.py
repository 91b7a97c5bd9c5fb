"""Invoice PDFs made with borb: ``render_invoice(invoice, account) -> bytes``, a pure function of values."""

from cleverinvo.core.pdf.invoice import render_invoice

__all__ = ["render_invoice"]
