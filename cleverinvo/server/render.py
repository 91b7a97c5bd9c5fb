"""Core records as the seed's JSON shapes (camelCase, ISO dates, money as exact numbers). Fields beyond the
seed's are additions only; nothing the seed documents changes shape."""

import datetime as dt
from typing import Any

from cleverinvo.core.billing.totals import TaxLine
from cleverinvo.core.clock import iso_timestamp
from cleverinvo.core.delivery.links import view_url
from cleverinvo.core.records import (
    Account,
    Client,
    CreditNote,
    Event,
    Invoice,
    InvoiceSummary,
    LineItem,
    Logo,
    Page,
    Payment,
    Quote,
    QuoteSummary,
)
from cleverinvo.core.schedule.recurring import RecurringInvoice


def client(c: Client) -> dict[str, Any]:
    return {
        "id": c.id,
        "name": c.name,
        "email": c.email,
        "address": c.address,
        "taxId": c.tax_id,
        "phone": c.phone,
        "notes": c.notes,
        "postalCode": c.postal_code,
        "city": c.city,
        "country": c.country,
        "language": c.language.value if c.language else None,
        "isActive": c.is_active,
        "createdAt": iso_timestamp(c.created_at),
        "updatedAt": iso_timestamp(c.updated_at),
    }


def invoice_summary(i: InvoiceSummary) -> dict[str, Any]:
    return {
        "id": i.id,
        "clientId": i.client_id,
        "invoiceNumber": i.number,
        "currency": i.currency.code,
        "issueDate": i.issue_date.isoformat(),
        "dueDate": i.due_date.isoformat(),
        "subtotal": i.subtotal,
        "taxTotal": i.tax_total,
        "discountTotal": i.discount_total,
        "total": i.total,
        "amountPaid": i.amount_paid,
        "amountCredited": i.amount_credited,
        "amountDue": i.amount_due,
        "status": i.status.value,
        "createdAt": iso_timestamp(i.created_at),
        "updatedAt": iso_timestamp(i.updated_at),
        "client": {"name": i.client.name, "email": i.client.email},
    }


def payment(p: Payment) -> dict[str, Any]:
    return {
        "id": p.id,
        "invoiceId": p.invoice_id,
        "amount": p.amount,
        "date": p.date.isoformat(),
        "method": p.method,
        "note": p.note,
        "createdAt": iso_timestamp(p.created_at),
    }


def event(e: Event) -> dict[str, Any]:
    return {"type": e.type.value, "at": iso_timestamp(e.at), "actor": e.actor, "detail": e.detail}


def tax_line(t: TaxLine) -> dict[str, Any]:
    return {"category": t.category.value, "rate": t.rate, "base": t.base, "tax": t.tax}


def line_item(li: LineItem) -> dict[str, Any]:
    return {
        "description": li.description,
        "quantity": li.quantity,
        "unitPrice": li.unit_price,
        "amount": li.amount,
        "taxRate": li.tax_rate,
        "taxCategory": li.tax_category.value,
        "discountRate": li.discount_rate,
        "discount": li.discount,
    }


def credit_note(c: CreditNote) -> dict[str, Any]:
    return {
        "id": c.id,
        "creditNoteNumber": c.number,
        "invoiceId": c.invoice_id,
        "invoiceNumber": c.invoice_number,
        "currency": c.currency.code,
        "issueDate": c.issue_date.isoformat(),
        "lineItems": [line_item(li) for li in c.line_items],
        "taxes": [tax_line(t) for t in c.taxes],
        "subtotal": c.subtotal,
        "taxTotal": c.tax_total,
        "discountTotal": c.discount_total,
        "total": c.total,
        "reason": c.reason,
        "createdAt": iso_timestamp(c.created_at),
    }


def invoice(i: Invoice) -> dict[str, Any]:
    return {
        **invoice_summary(i),
        "lineItems": [line_item(li) for li in i.line_items],
        "taxes": [tax_line(t) for t in i.taxes],
        "payments": [payment(p) for p in i.payments],
        "notes": i.notes,
        "terms": i.terms,
        "sentViaEmail": i.sent_via_email,
        "sentAt": iso_timestamp(i.sent_at),
        "viewedAt": iso_timestamp(i.viewed_at),
        "paidAt": iso_timestamp(i.paid_at),
        "version": i.version,
        "viewUrl": view_url(i.view_token) if i.view_token else None,
        "recurringId": i.recurring_id,
        "language": i.language.value,
        "buyerReference": i.buyer_reference,
        "serviceDate": _date(i.service_date),
        "servicePeriodStart": _date(i.service_period_start),
        "servicePeriodEnd": _date(i.service_period_end),
        "taxExemptionReason": i.tax_exemption_reason,
        "quoteId": i.quote_id,
    }


def _date(day: dt.date | None) -> str | None:
    return day.isoformat() if day is not None else None


def logo(found: Logo) -> dict[str, Any]:
    return {
        "mediaType": found.media_type,
        "width": found.width,
        "height": found.height,
        "updatedAt": iso_timestamp(found.updated_at),
    }


def account(a: Account, current_logo: Logo | None) -> dict[str, Any]:
    """The account with every setting, flat, as ``PATCH /api/v1/account`` takes them; and its logo's facts."""
    seller, bank = a.seller, a.bank
    return {
        "name": a.name,
        "plan": a.plan.value,
        "sellerName": seller.name,
        "sellerAddress": seller.address,
        "sellerPostalCode": seller.postal_code,
        "sellerCity": seller.city,
        "sellerCountry": seller.country,
        "sellerEmail": seller.email,
        "sellerPhone": seller.phone,
        "sellerTaxId": seller.tax_id,
        "sellerRegistration": seller.registration,
        "iban": bank.iban,
        "bic": bank.bic,
        "bankName": bank.bank_name,
        "numberPrefix": a.number_prefix,
        "numberWidth": a.number_width,
        "nextNumber": a.next_number,
        "creditNotePrefix": a.credit_note_prefix,
        "quotePrefix": a.quote_prefix,
        "defaultCurrency": a.default_currency,
        "paymentTermsDays": a.payment_terms_days,
        "defaultNotes": a.default_notes,
        "defaultTerms": a.default_terms,
        "language": a.language.value,
        "paperSize": a.paper_size.value,
        "reminderDays": list(a.reminder_days),
        "eInvoice": a.e_invoice,
        "logo": logo(current_logo) if current_logo else None,
        "createdAt": iso_timestamp(a.created_at),
    }


def quote_summary(q: QuoteSummary) -> dict[str, Any]:
    return {
        "id": q.id,
        "clientId": q.client_id,
        "quoteNumber": q.number,
        "currency": q.currency.code,
        "issueDate": q.issue_date.isoformat(),
        "validUntil": q.valid_until.isoformat(),
        "subtotal": q.subtotal,
        "taxTotal": q.tax_total,
        "discountTotal": q.discount_total,
        "total": q.total,
        "status": q.status.value,
        "createdAt": iso_timestamp(q.created_at),
        "updatedAt": iso_timestamp(q.updated_at),
        "client": {"name": q.client.name, "email": q.client.email},
    }


def quote(q: Quote) -> dict[str, Any]:
    return {
        **quote_summary(q),
        "lineItems": [line_item(li) for li in q.line_items],
        "taxes": [tax_line(t) for t in q.taxes],
        "notes": q.notes,
        "terms": q.terms,
        "language": q.language.value,
        "buyerReference": q.buyer_reference,
        "taxExemptionReason": q.tax_exemption_reason,
        "sentAt": iso_timestamp(q.sent_at),
        "answeredAt": iso_timestamp(q.answered_at),
        "invoiceId": q.invoice_id,
        "viewUrl": view_url(q.view_token) if q.view_token else None,
        "version": q.version,
    }


def recurring(r: RecurringInvoice) -> dict[str, Any]:
    return {
        "id": r.id,
        "clientId": r.client_id,
        "currency": r.currency.code,
        "lineItems": list(r.line_items),
        "notes": r.notes,
        "terms": r.terms,
        "frequency": r.frequency.value,
        "interval": r.interval,
        "startDate": r.start_date.isoformat(),
        "endDate": r.end_date.isoformat() if r.end_date else None,
        "count": r.count,
        "dueDays": r.due_days,
        "action": r.action,
        "active": r.active,
        "nextDate": r.next_date.isoformat() if r.next_date else None,
        "createdAt": iso_timestamp(r.created_at),
        "updatedAt": iso_timestamp(r.updated_at),
    }


def page(listed: Page[Any], item: Any) -> dict[str, Any]:
    """The seed's list envelope: ``data``, ``total``, ``page``, ``limit``, ``totalPages``."""
    return {
        "data": [item(x) for x in listed.items],
        "total": listed.total,
        "page": listed.page,
        "limit": listed.limit,
        "totalPages": listed.total_pages,
    }
