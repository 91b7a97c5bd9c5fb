"""The public view page of a sent invoice or quote, opened by its token alone: the document with its lines and
totals and its status; for an invoice what is due and how to pay, for a quote how long it is valid and the
buttons to accept or decline it; and its PDF.

The page records the view itself: a small script on it tells the server once a browser shows it (visible, after a
moment), so a ``HEAD``, a link scanner's plain fetch or a preview by the owner never makes an invoice VIEWED.
A quote is answered by a form's POST to the token's own address: a mail scanner's GET never answers it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from markupsafe import Markup

from cleverinvo.core import pdf
from cleverinvo.core.billing.documents import InvoicePdf
from cleverinvo.core.billing.quotes import Quotes
from cleverinvo.core.delivery import links
from cleverinvo.core.delivery.compose import html_templates
from cleverinvo.core.delivery.sendables import Sendable, for_link
from cleverinvo.core.errors import NotFound
from cleverinvo.core.i18n.catalogs import N_
from cleverinvo.core.i18n.locales import DocumentLocale
from cleverinvo.core.records import Invoice, Quote, QuoteStatus, Status

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
STATUS_LABELS: dict[Status | QuoteStatus, str] = {
    Status.DRAFT: N_("Draft"),
    Status.SENT: N_("Sent"),
    Status.VIEWED: N_("Viewed"),
    Status.PARTIALLY_PAID: N_("Partially paid"),
    Status.PAID: N_("Paid"),
    Status.OVERDUE: N_("Overdue"),
    Status.VOID: N_("Void"),
    QuoteStatus.ACCEPTED: N_("Accepted"),
    QuoteStatus.DECLINED: N_("Declined"),
    QuoteStatus.EXPIRED: N_("Expired"),
}


def _lines(*parts: str | None) -> list[str]:
    return [line for part in parts if part for line in part.splitlines() if line.strip()]


def render_page(
    document: Invoice | Quote,
    sheet: pdf.Sheet,
    words: DocumentLocale,
    pdf_url: str | None,
    seen_url: str | None,
    nonce: str,
    answer_url: str | None = None,
) -> str:
    """The page's HTML, from the same ``Sheet`` the PDF is drawn from (for an invoice the seller and client copied
    at issue, the bank details, the payment reference). ``seen_url`` set: the page reports being shown there (the
    public page); unset: it never does (the owner's preview). A quote's page offers to accept or decline it by a
    POST to ``answer_url/accept`` or ``answer_url/decline`` while it is open (no buttons without ``answer_url``)."""
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
    if sheet.amount_due is not None:
        totals.append({"label": words.gettext("Amount due"), "value": money(sheet.amount_due), "style": "owed"})
    seller, client, home = sheet.seller, sheet.client, sheet.seller.country
    vat = words.gettext("VAT ID: {id}")
    qr = pdf.epc_qr(sheet)
    kind_part = (
        _quote_part(document, words, money, answer_url)
        if isinstance(document, Quote)
        else _invoice_part(document, words, money)
    )
    return (
        html_templates()
        .get_template("view.html")
        .render(
            language=words.language,
            nonce=nonce,
            title=f"{words.gettext(sheet.kind)} {sheet.number}",
            status=document.status.value,
            status_label=words.gettext(STATUS_LABELS[document.status]),
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
            payment=[(words.gettext(label), value) for label, value in pdf.payment_entries(sheet)],
            qr_svg=Markup(qr.svg_inline(scale=1, border=4, omitsize=True)) if qr else None,
            remarks=[
                (words.gettext(title), text)
                for title, text in ((N_("Notes"), sheet.notes), (N_("Terms"), sheet.terms))
                if text
            ],
            pdf_url=pdf_url,
            seen_url=seen_url,
            **kind_part,
        )
    )


def _invoice_part(invoice: Invoice, words: DocumentLocale, money: Callable[[Decimal], str]) -> dict[str, Any]:
    """What an invoice's page heads its sheet with: what is due and by when, or that nothing is."""
    return {
        "owed": money(invoice.amount_due) if invoice.amount_due > 0 else None,
        "due_on": words.gettext("Due {date}").format(date=words.date(invoice.due_date)),
        "answer": None,
    }


def _quote_part(
    quote: Quote, words: DocumentLocale, money: Callable[[Decimal], str], answer_url: str | None
) -> dict[str, Any]:
    """What a quote's page heads its sheet with: its total and validity, and the buttons to accept or decline it
    while it is open; once answered or expired, what became of it."""
    valid = words.date(quote.valid_until)
    said = {
        QuoteStatus.ACCEPTED: words.gettext(N_("You accepted this quote. Thank you!")),
        QuoteStatus.DECLINED: words.gettext(N_("You declined this quote.")),
        QuoteStatus.EXPIRED: words.gettext(N_("This quote expired on {date}.")).format(date=valid),
    }
    return {
        "owed": None,
        "answer": {
            "total": money(quote.total),
            "valid": words.gettext(N_("Valid until {date}")).format(date=valid),
            "question": words.gettext(N_("Do you accept this quote?")),
            "url": answer_url if quote.status is QuoteStatus.SENT else None,
            "accept": words.gettext(N_("Accept")),
            "decline": words.gettext(N_("Decline")),
            "said": said.get(quote.status),
        },
    }


def _fact(value: str | dt.date | tuple[dt.date, dt.date], words: DocumentLocale) -> str:
    if isinstance(value, tuple):
        return words.gettext("{start} – {end}").format(start=words.date(value[0]), end=words.date(value[1]))
    return words.date(value) if isinstance(value, dt.date) else value


def not_found_page() -> str:
    """The page for any token that opens nothing: it says nothing about why."""
    return html_templates().get_template("not_found.html").render(language="en", title="Not found")


class ViewPages:
    """The public side: pages, PDFs, view reports and a quote's answer, each found by token alone."""

    def _found(self, token: str) -> tuple[Sendable[Any], Invoice | Quote] | None:
        found = links.find(token)
        if found is None:
            return None
        sendable = for_link(found)
        try:
            return sendable, sendable.get(found.document_id)
        except NotFound:
            return None

    def page(self, token: str, nonce: str) -> str | None:
        """The page a token opens, reporting its view to ``/view/<token>/seen`` (a quote's also answered at
        ``/view/<token>/accept`` and ``/decline``); ``None`` for an unknown token."""
        found = self._found(token)
        if found is None:
            return None
        sendable, document = found
        sheet = sendable.sheet(document)
        base = f"/view/{token}"
        answer_url = base if isinstance(document, Quote) else None
        return render_page(document, sheet, sendable.locale(sheet), f"{base}/pdf", f"{base}/seen", nonce, answer_url)

    def pdf(self, token: str) -> InvoicePdf | None:
        """The document's PDF; ``None`` for an unknown token."""
        found = self._found(token)
        if found is None:
            return None
        sendable, document = found
        try:
            return sendable.pdf(document.id)
        except NotFound:
            return None

    def seen(self, token: str) -> bool:
        """A browser showed the page: an invoice becomes VIEWED (once), a quote gets its ``viewed`` event (once).
        ``False`` for an unknown token."""
        found = self._found(token)
        if found is None:
            return False
        sendable, document = found
        try:
            sendable.mark_viewed(document.id)
        except NotFound:
            return False
        return True

    def answer(self, token: str, accept: bool) -> Quote | None:
        """The client accepts (or declines) the quote a token opens, with its event; the same answer again
        changes nothing. ``Conflict`` when the quote cannot take that answer (expired, answered otherwise);
        ``None`` for an unknown token or one that opens an invoice."""
        found = links.find(token)
        if found is None or found.links is not links.QUOTES:
            return None
        quotes = Quotes(found.account_id)
        answer = quotes.accept if accept else quotes.decline
        try:
            return answer(found.document_id, again=True)
        except NotFound:
            return None
