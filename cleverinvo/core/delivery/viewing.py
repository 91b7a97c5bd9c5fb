"""The public view page of an issued invoice, opened by its token alone: the invoice with its lines and totals,
its status, what is due and how to pay, and its PDF.

The page records the view itself: a small script on it tells the server once a browser shows it (visible, after a
moment), so a ``HEAD``, a link scanner's plain fetch or a preview by the owner never makes an invoice VIEWED.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

from markupsafe import Markup

from cleverinvo.core.billing import issuing
from cleverinvo.core.billing.documents import Documents, InvoicePdf
from cleverinvo.core.billing.invoices import Invoices
from cleverinvo.core.delivery import links
from cleverinvo.core.delivery.compose import html_templates
from cleverinvo.core.errors import NotFound
from cleverinvo.core.i18n.catalogs import N_
from cleverinvo.core.i18n.locales import DocumentLocale, document_locale
from cleverinvo.core.pdf.document import Sheet, epc_qr, payment_entries
from cleverinvo.core.pdf.invoice import invoice_sheet
from cleverinvo.core.records import Invoice, Status

LABELS = {
    "amount_due": N_("Amount due"),
    "settled": N_("Nothing is due. Thank you!"),
    "seller": N_("From"),
    "client": N_("Bill to"),
    "description": N_("Description"),
    "qty": N_("Qty"),
    "unit_price": N_("Unit price"),
    "tax": N_("Tax"),
    "amount": N_("Amount"),
    "payment": N_("Payment details"),
    "scan": N_("Scan to pay"),
    "pdf": N_("Download PDF"),
}
STATUS_LABELS = {
    Status.DRAFT: N_("Draft"),
    Status.SENT: N_("Sent"),
    Status.VIEWED: N_("Viewed"),
    Status.PARTIALLY_PAID: N_("Partially paid"),
    Status.PAID: N_("Paid"),
    Status.OVERDUE: N_("Overdue"),
}


def status_label(status: Status, words: DocumentLocale) -> str:
    """The status as the page and the e-mails name it, in the document's language."""
    return words.gettext(STATUS_LABELS[status])


def _lines(*parts: str | None) -> list[str]:
    return [line for part in parts if part for line in part.splitlines() if line.strip()]


def render_page(
    invoice: Invoice, sheet: Sheet, words: DocumentLocale, pdf_url: str | None, seen_url: str | None, nonce: str
) -> str:
    """The page's HTML, from the same ``Sheet`` the PDF is drawn from (the seller and client copied at issue, the
    bank details, the payment reference). ``seen_url`` set: the page reports being shown there (the public page);
    unset: it never does (the owner's preview)."""
    cur = sheet.currency

    def money(value: Decimal) -> str:
        return words.money(value, cur)

    totals = [{"label": words.gettext("Subtotal"), "value": money(sheet.subtotal), "style": ""}]
    if sheet.discount_total:
        totals.append({"label": words.gettext("Discount"), "value": f"−{money(sheet.discount_total)}", "style": ""})
    for tax in sheet.taxes:
        label = f"{words.gettext('Tax')} {words.percent(tax.rate)}"
        totals.append({"label": label, "value": money(tax.tax), "style": ""})
    totals.append({"label": words.gettext("Total"), "value": money(sheet.total), "style": "grand"})
    totals += [{"label": words.gettext(label), "value": money(v), "style": ""} for label, v in sheet.settlement if v]
    totals.append({"label": words.gettext("Amount due"), "value": money(invoice.amount_due), "style": "owed"})
    seller, client, home = sheet.seller, sheet.client, sheet.seller.country
    vat = words.gettext("VAT ID: {id}")
    qr = epc_qr(sheet)
    return (
        html_templates()
        .get_template("view.html")
        .render(
            language=words.language,
            nonce=nonce,
            title=f"{words.gettext(sheet.kind)} {sheet.number}",
            status=invoice.status.value,
            status_label=status_label(invoice.status, words),
            owed=money(invoice.amount_due) if invoice.amount_due > 0 else None,
            due_on=words.gettext("Due {date}").format(date=words.date(invoice.due_date)),
            seller={
                "name": seller.name,
                "lines": _lines(
                    seller.name,
                    *words.address(seller.address, seller.postal_code, seller.city, seller.country, home),
                    seller.email,
                    seller.phone,
                    vat.format(id=seller.tax_id) if seller.tax_id else None,
                ),
            },
            client_lines=_lines(
                client.name,
                *words.address(client.address, client.postal_code, client.city, client.country, home),
                vat.format(id=client.tax_id) if client.tax_id else None,
            ),
            facts=[(words.gettext(fact.label), _fact(fact.value, words)) for fact in sheet.facts],
            number_label=words.gettext(sheet.number_label),
            number=sheet.number,
            labels={key: words.gettext(label) for key, label in LABELS.items()},
            lines=[
                {
                    "description": line.description,
                    "quantity": words.quantity(line.quantity),
                    "unit_price": words.price(line.unit_price, cur),
                    "tax": words.percent(line.tax_rate),
                    "amount": money(line.amount),
                }
                for line in sheet.line_items
            ],
            totals=totals,
            exemption=sheet.tax_exemption_reason,
            payment=[(words.gettext(label), value) for label, value in payment_entries(sheet)],
            qr_svg=Markup(qr.svg_inline(scale=1, border=4, omitsize=True)) if qr else None,
            remarks=[
                (words.gettext(title), text)
                for title, text in ((N_("Notes"), sheet.notes), (N_("Terms"), sheet.terms))
                if text
            ],
            pdf_url=pdf_url,
            seen_url=seen_url,
        )
    )


def _fact(value: str | dt.date | tuple[dt.date, dt.date], words: DocumentLocale) -> str:
    if isinstance(value, tuple):
        return words.gettext("{start} – {end}").format(start=words.date(value[0]), end=words.date(value[1]))
    return words.date(value) if isinstance(value, dt.date) else value


def page_sheet(invoice: Invoice) -> tuple[Sheet, DocumentLocale]:
    """What the view page shows of an invoice (as its PDF does), and in which language and region."""
    shown = issuing.parties(invoice)
    sheet = invoice_sheet(dataclasses.replace(invoice, client=shown.client_ref), shown.seller)
    return sheet, document_locale(sheet.language, sheet.seller.country)


def not_found_page() -> str:
    """The page for any token that opens nothing: it says nothing about why."""
    return html_templates().get_template("not_found.html").render(language="en", title="Not found")


class ViewPages:
    """The public side: pages, PDFs and view reports, each found by token alone."""

    def page(self, token: str, nonce: str) -> str | None:
        """The page a token opens, reporting its view to ``/view/<token>/seen``; ``None`` for an unknown token."""
        found = links.find(token)
        if found is None:
            return None
        try:
            invoice = Invoices(found.account_id).get(found.invoice_id)
        except NotFound:
            return None
        sheet, words = page_sheet(invoice)
        base = f"/view/{token}"
        return render_page(invoice, sheet, words, f"{base}/pdf", f"{base}/seen", nonce)

    def pdf(self, token: str) -> InvoicePdf | None:
        """The invoice's PDF; ``None`` for an unknown token."""
        found = links.find(token)
        if found is None:
            return None
        try:
            return Documents(found.account_id).pdf(found.invoice_id)
        except NotFound:
            return None

    def seen(self, token: str) -> bool:
        """A browser showed the page: the invoice becomes VIEWED (once). ``False`` for an unknown token."""
        found = links.find(token)
        if found is None:
            return False
        try:
            Invoices(found.account_id).mark_viewed(found.invoice_id)
        except NotFound:
            return False
        return True
