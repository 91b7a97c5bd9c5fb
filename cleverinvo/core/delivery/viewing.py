"""The public view page of an issued invoice, opened by its token alone: the invoice with its lines and totals,
its status, what is due and how to pay, and its PDF.

The page records the view itself: a small script on it tells the server once a browser shows it (visible, after a
moment), so a ``HEAD``, a link scanner's plain fetch or a preview by the owner never makes an invoice VIEWED.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from cleverinvo.core import accounts
from cleverinvo.core.billing.documents import Documents, InvoicePdf
from cleverinvo.core.billing.invoices import Invoices
from cleverinvo.core.delivery import links
from cleverinvo.core.delivery.compose import html_templates, invoice_language
from cleverinvo.core.errors import NotFound
from cleverinvo.core.i18n.catalogs import N_
from cleverinvo.core.i18n.locales import DocumentLocale, document_locale
from cleverinvo.core.records import Account, Invoice, Status

LABELS = {
    "amount_due": N_("Amount due"),
    "settled": N_("Nothing is due. Thank you!"),
    "seller": N_("From"),
    "client": N_("Bill to"),
    "number": N_("Invoice number"),
    "issued": N_("Issue date"),
    "due": N_("Due date"),
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
    invoice: Invoice, seller: Account, words: DocumentLocale, pdf_url: str | None, seen_url: str | None, nonce: str
) -> str:
    """The page's HTML. ``seen_url`` set: the page reports being shown there (the public page); unset: it never
    does (the owner's preview)."""
    cur = invoice.currency

    def money(value: Decimal) -> str:
        return words.money(value, cur)

    totals = [{"label": words.gettext("Subtotal"), "value": money(invoice.subtotal), "style": ""}]
    if invoice.discount_total:
        totals.append({"label": words.gettext("Discount"), "value": f"−{money(invoice.discount_total)}", "style": ""})
    for tax in invoice.taxes:
        label = f"{words.gettext('Tax')} {words.percent(tax.rate)}"
        totals.append({"label": label, "value": money(tax.tax), "style": ""})
    totals.append({"label": words.gettext("Total"), "value": money(invoice.total), "style": "grand"})
    if invoice.amount_paid:
        totals.append({"label": words.gettext("Amount paid"), "value": money(invoice.amount_paid), "style": ""})
    totals.append({"label": words.gettext("Amount due"), "value": money(invoice.amount_due), "style": "owed"})
    profile = seller.seller
    vat = words.gettext("VAT ID: {id}")
    return (
        html_templates()
        .get_template("view.html")
        .render(
            language=words.language,
            nonce=nonce,
            title=f"{words.gettext('Invoice')} {invoice.number}",
            status=invoice.status.value,
            status_label=status_label(invoice.status, words),
            owed=money(invoice.amount_due) if invoice.amount_due > 0 else None,
            due_on=words.gettext("Due {date}").format(date=words.date(invoice.due_date)),
            seller={
                "name": profile.name,
                "lines": _lines(
                    profile.name,
                    profile.address,
                    profile.email,
                    profile.phone,
                    vat.format(id=profile.tax_id) if profile.tax_id else None,
                ),
            },
            client_lines=_lines(
                invoice.client.name,
                invoice.client.address,
                invoice.client.email,
                vat.format(id=invoice.client.tax_id) if invoice.client.tax_id else None,
            ),
            number=invoice.number,
            issue_date=words.date(invoice.issue_date),
            due_date=words.date(invoice.due_date),
            labels={key: words.gettext(label) for key, label in LABELS.items()},
            lines=[
                {
                    "description": line.description,
                    "quantity": words.quantity(line.quantity),
                    "unit_price": words.price(line.unit_price, cur),
                    "tax": words.percent(line.tax_rate),
                    "amount": money(line.amount),
                }
                for line in invoice.line_items
            ],
            totals=totals,
            payment=[],
            qr_svg=None,
            remarks=[
                (words.gettext(title), text)
                for title, text in (("Notes", invoice.notes), ("Terms", invoice.terms))
                if text
            ],
            pdf_url=pdf_url,
            seen_url=seen_url,
        )
    )


def not_found_page() -> str:
    """The page for any token that opens nothing: it says nothing about why."""
    return html_templates().get_template("not_found.html").render(language="en", title="Not found")


@dataclass(frozen=True, slots=True)
class Opened:
    """What a valid token opens."""

    invoice: Invoice
    seller: Account
    words: DocumentLocale


class ViewPages:
    """The public side: pages, PDFs and view reports, each found by token alone."""

    def _open(self, token: str) -> Opened | None:
        found = links.find(token)
        if found is None:
            return None
        try:
            invoice = Invoices(found.account_id).get(found.invoice_id)
        except NotFound:
            return None
        seller = accounts.to_record(accounts.row(found.account_id))
        return Opened(invoice, seller, document_locale(invoice_language(invoice)))

    def page(self, token: str, nonce: str) -> str | None:
        """The page a token opens, reporting its view to ``/view/<token>/seen``; ``None`` for an unknown token."""
        opened = self._open(token)
        if opened is None:
            return None
        base = f"/view/{token}"
        return render_page(opened.invoice, opened.seller, opened.words, f"{base}/pdf", f"{base}/seen", nonce)

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
