"""The credit note as a PDF: the invoice's layout with the credit note's title, number, lines and totals, and a
reference line naming the invoice it credits, in the invoice's language."""

import dataclasses

from cleverinvo.core.i18n.catalogs import N_
from cleverinvo.core.i18n.locales import document_locale
from cleverinvo.core.pdf.document import Fact, Sheet, render
from cleverinvo.core.pdf.invoice import invoice_sheet
from cleverinvo.core.records import Account, CreditNote, Invoice, Logo


def credit_note_sheet(credit_note: CreditNote, invoice: Invoice, account: Account, logo: Logo | None) -> Sheet:
    """What the credit note's PDF shows: the seller and client of ``invoice`` (as ``account`` and the invoice
    hold them), the credit note's lines and totals, its date and reason; nothing to pay."""
    words = document_locale(invoice.language, account.seller.country)
    reference = words.gettext(N_("Credit note {number} for invoice {invoice}")).format(
        number=credit_note.number, invoice=invoice.number
    )
    return dataclasses.replace(
        invoice_sheet(invoice, account, logo),
        kind=N_("Credit note"),
        number_label=N_("Credit note number"),
        number=credit_note.number,
        reference=reference,
        line_items=credit_note.line_items,
        subtotal=credit_note.subtotal,
        discount_total=credit_note.discount_total,
        taxes=credit_note.taxes,
        total=credit_note.total,
        facts=(Fact(N_("Issue date"), credit_note.issue_date), Fact(N_("Reason"), credit_note.reason)),
        settlement=(),
        amount_due=None,
        due_date=None,
        payments=(),
        notes=None,
        terms=None,
        bank=None,
        payment_reference=None,
        draft=False,
    )


def render_credit_note(
    credit_note: CreditNote, invoice: Invoice, account: Account, logo: Logo | None, archival: bool = False
) -> bytes:
    """The credit note as PDF bytes, dated when it was made: the same credit note always gives the same bytes;
    PDF/A-3B when ``archival`` (the base of a Factur-X PDF)."""
    sheet = credit_note_sheet(credit_note, invoice, account, logo)
    return render(sheet, credit_note.created_at, identity=f"{credit_note.id}/1", archival=archival)
