"""The invoice as a PDF: a pure function of the invoice, its account and the logo, no database inside."""

import dataclasses
import datetime as dt
from typing import Any

from cleverinvo.core import clock
from cleverinvo.core.i18n.catalogs import N_
from cleverinvo.core.pdf.document import Fact, Sheet, render
from cleverinvo.core.records import Account, Invoice, Logo, Quote, Status


def invoice_sheet(invoice: Invoice, account: Account, logo: Logo | None = None) -> Sheet:
    """What the invoice's PDF shows: its dates, the date or period of supply and the buyer's reference beside the
    title; what was paid and what is due after the total; the bank details and the invoice number as the
    payment reference; a DRAFT mark until it is sent."""
    facts = [Fact(N_("Issue date"), invoice.issue_date), Fact(N_("Due date"), invoice.due_date)]
    if invoice.service_date:
        facts.append(Fact(N_("Service date"), invoice.service_date))
    if invoice.service_period_start and invoice.service_period_end:
        facts.append(Fact(N_("Service period"), (invoice.service_period_start, invoice.service_period_end)))
    if invoice.buyer_reference:
        facts.append(Fact(N_("Buyer reference"), invoice.buyer_reference))
    return Sheet(
        kind=N_("Invoice"),
        number_label=N_("Invoice number"),
        facts=tuple(facts),
        settlement=((N_("Amount paid"), invoice.amount_paid),)
        + (((N_("Amount credited"), invoice.amount_credited),) if invoice.amount_credited else ()),
        amount_due=invoice.amount_due,
        due_date=invoice.due_date,
        payments=invoice.payments,
        bank=account.bank,
        payment_reference=invoice.number,
        draft=invoice.status is Status.DRAFT,
        **shared_fields(invoice, account, logo),
    )


def shared_fields(document: Invoice | Quote, account: Account, logo: Logo | None) -> dict[str, Any]:
    """What every kind of document's sheet takes the same way: seller, client, language, lines, totals, texts."""
    seller = dataclasses.replace(account.seller, name=account.seller.name or account.name)
    return {
        "number": document.number,
        "language": document.language,
        "currency": document.currency,
        "paper_size": account.paper_size,
        "seller": seller,
        "client": document.client,
        "line_items": document.line_items,
        "subtotal": document.subtotal,
        "discount_total": document.discount_total,
        "taxes": document.taxes,
        "total": document.total,
        "notes": document.notes,
        "terms": document.terms,
        "tax_exemption_reason": document.tax_exemption_reason,
        "logo": logo,
        "author": seller.name,
    }


def render_invoice(
    invoice: Invoice,
    account: Account,
    logo: Logo | None = None,
    created: dt.datetime | None = None,
    archival: bool = False,
) -> bytes:
    """The invoice as PDF bytes, on the account's paper size, in the invoice's language, with its metadata
    (title = invoice number, author = seller, creation time = ``created``, by default now); PDF/A-3B when
    ``archival`` (the base of a Factur-X PDF). The same arguments give the same bytes: the file identifier is
    made from the invoice's id and version."""
    sheet = invoice_sheet(invoice, account, logo)
    return render(sheet, created or clock.now(), f"{invoice.id}/{invoice.version}", archival)
