"""From an issued invoice and the seller and client it was issued to to the EN 16931 model: a pure function of
values.

Amounts are the core's own figures (one source of truth), never recomputed here. Whatever EN 16931 needs and
the invoice or its seller lacks is collected and refused at once, each item named with its business term:
``Cannot make an EN 16931 invoice: missing seller country (BT-40); missing buyer country (BT-55)``.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any

import babel

from cleverinvo.core.billing.taxes import TaxCategory
from cleverinvo.core.billing.totals import TaxLine
from cleverinvo.core.einvoice.model import (
    LINE_DISCOUNT,
    UNIT_ONE,
    Document,
    Line,
    LineAllowance,
    Party,
    PaymentInstructions,
    PaymentMeansCode,
    PostalAddress,
    PrecedingInvoice,
    Totals,
    TypeCode,
    VatBreakdown,
)
from cleverinvo.core.errors import Conflict
from cleverinvo.core.money import CONTEXT, ZERO, Currency
from cleverinvo.core.records import Account, BankDetails, ClientRef, CreditNote, Invoice, LineItem, SellerProfile

TWO_PLACES = Decimal("0.01")
NO_VAT = (TaxCategory.EXEMPT, TaxCategory.REVERSE_CHARGE, TaxCategory.INTRA_EU, TaxCategory.EXPORT)
NEEDS_SELLER_VAT_ID = (TaxCategory.REVERSE_CHARGE, TaxCategory.INTRA_EU, TaxCategory.EXPORT)  # BR-AE/IC/G-02
NEEDS_BUYER_VAT_ID = (TaxCategory.REVERSE_CHARGE, TaxCategory.INTRA_EU)  # BR-AE-02, BR-IC-02
EXEMPTION_CODES = {  # BT-121, the VATEX code list
    TaxCategory.REVERSE_CHARGE: "VATEX-EU-AE",
    TaxCategory.INTRA_EU: "VATEX-EU-IC",
    TaxCategory.EXPORT: "VATEX-EU-G",
    TaxCategory.OUTSIDE_SCOPE: "VATEX-EU-O",
}
_VAT_ID = re.compile(r"[A-Z]{2}[0-9A-Za-z+*.]{2,13}")


@cache
def _country_codes() -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes (CLDR's territories), plus ``EL`` and ``XI``, which VAT identifiers use."""
    return frozenset(code for code in babel.Locale("en").territories if len(code) == 2) | {"EL", "XI"}


def is_vat_id(text: str) -> bool:
    """Whether ``text`` reads as a VAT identifier: a country prefix, then the number (BR-CO-09)."""
    compact = re.sub(r"[\s-]", "", text)
    return bool(_VAT_ID.fullmatch(compact)) and compact[:2] in _country_codes()


class _Problems:
    """What stops a document from being EN 16931, gathered so that all of it is told at once."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def missing(self, what: str) -> None:
        self.items.append(f"missing {what}")

    def add(self, text: str) -> None:
        self.items.append(text)

    def raise_any(self, kind: str) -> None:
        if self.items:
            raise Conflict(f"Cannot make an EN 16931 {kind}: " + "; ".join(self.items))


def _amount(value: Decimal, term: str, cur: Currency, problems: _Problems) -> Decimal:
    """An amount as EN 16931 writes it: at most two places (BR-DEC); a third one that is not 0 is refused."""
    if cur.digits <= 2:
        return value
    two = value.quantize(TWO_PLACES, context=CONTEXT)
    if two != value:
        problems.add(f"{term} {value} {cur.code} has more than the 2 decimals EN 16931 allows")
    return two


def _lines_of(text: str | None) -> tuple[str, ...]:
    """Street lines: at most three (BT-35, BT-36, BT-162), the rest joined onto the third."""
    lines = [part.strip() for part in (text or "").splitlines() if part.strip()]
    return (*lines[:2], ", ".join(lines[2:])) if len(lines) > 3 else tuple(lines)


def _text(value: str | None) -> str | None:
    return value.strip() if value and value.strip() else None


def _seller(seller: SellerProfile, categories: set[TaxCategory], problems: _Problems) -> Party:
    """BG-4, with the identifiers the document's VAT categories call for."""
    name, country = _text(seller.name), _text(seller.country)
    if not name:
        problems.missing("seller name (BT-27)")
    if not country:
        problems.missing("seller country (BT-40)")
    tax_id = _text(seller.tax_id)
    vat_id = tax_id if tax_id and is_vat_id(tax_id) else None
    tax_registration = tax_id if tax_id and not vat_id else None  # BT-32: a tax number, not a VAT identifier
    registration = _text(seller.registration)
    outside_scope = TaxCategory.OUTSIDE_SCOPE in categories
    if outside_scope:
        if len(categories) > 1:
            problems.add(
                "lines outside the scope of VAT (O) cannot share an invoice with other VAT categories (BR-O-11)"
            )
        vat_id = None  # BR-O-02: no VAT identifier on an invoice outside the scope of VAT
        if not registration:
            problems.missing("seller legal registration identifier (BT-30)")
    elif categories & set(NEEDS_SELLER_VAT_ID):
        if not vat_id:
            problems.missing("seller VAT identifier (BT-31)")
    elif not vat_id and not tax_registration:
        problems.missing("seller VAT identifier (BT-31) or tax registration identifier (BT-32)")
    elif not vat_id and not registration:  # BR-CO-26
        problems.missing("seller VAT identifier (BT-31) or legal registration identifier (BT-30)")
    email = _text(seller.email)
    return Party(
        name=name or "",
        address=PostalAddress(_lines_of(seller.address), _text(seller.city), _text(seller.postal_code), country or ""),
        vat_id=vat_id,
        tax_registration=tax_registration,
        legal_registration=registration,
        electronic_address=email,
        phone=_text(seller.phone),
        email=email,
    )


def _buyer(client: ClientRef, categories: set[TaxCategory], problems: _Problems) -> Party:
    """BG-7. A tax id that is not a VAT identifier is written as the buyer's legal registration (BT-47)."""
    country = _text(client.country)
    if not country:
        problems.missing("buyer country (BT-55)")
    tax_id = _text(client.tax_id)
    vat_id = tax_id if tax_id and is_vat_id(tax_id) else None
    if TaxCategory.OUTSIDE_SCOPE in categories:
        vat_id = None  # BR-O-02
    elif categories & set(NEEDS_BUYER_VAT_ID) and not vat_id:
        problems.missing("buyer VAT identifier (BT-48)")
    email = _text(client.email)
    return Party(
        name=client.name,
        address=PostalAddress(_lines_of(client.address), _text(client.city), _text(client.postal_code), country or ""),
        vat_id=vat_id,
        tax_registration=None,
        legal_registration=tax_id if tax_id and not is_vat_id(tax_id) else None,
        electronic_address=email,
        phone=_text(client.phone),
        email=email,
    )


def _line(index: int, item: LineItem, cur: Currency, problems: _Problems) -> Line:
    """BG-25 from a line item: its discount is a line allowance (BG-27)."""
    name, _, rest = item.description.strip().partition("\n")
    term = f"line {index}"
    allowance = None
    if item.discount:
        allowance = LineAllowance(
            amount=_amount(item.discount, f"{term} discount (BT-136)", cur, problems),
            base=_amount(item.amount, f"{term} amount (BT-137)", cur, problems),
            percent=item.discount_rate,
            reason="Discount",
            reason_code=LINE_DISCOUNT,
        )
    return Line(
        id=str(index),
        name=name.strip(),
        description=item.description if rest.strip() else None,
        quantity=item.quantity,
        unit=UNIT_ONE,
        net_price=item.unit_price,
        allowance=allowance,
        net_amount=_amount(item.net, f"{term} net amount (BT-131)", cur, problems),
        category=item.tax_category.value,
        rate=None if item.tax_category is TaxCategory.OUTSIDE_SCOPE else item.tax_rate,
    )


def _breakdown(tax: TaxLine, reason: str | None, cur: Currency, problems: _Problems) -> VatBreakdown:
    """BG-23 from one (category, rate) group of the core's totals."""
    exempt = tax.category.needs_exemption_reason
    return VatBreakdown(
        base=_amount(tax.base, f"VAT category taxable amount (BT-116) of {tax.category.value}", cur, problems),
        tax=_amount(tax.tax, f"VAT category tax amount (BT-117) of {tax.category.value}", cur, problems),
        category=tax.category.value,
        rate=None if tax.category is TaxCategory.OUTSIDE_SCOPE else tax.rate,
        exemption_reason=reason if exempt else None,
        exemption_code=EXEMPTION_CODES.get(tax.category) if exempt else None,
    )


def _payment(bank: BankDetails, seller: SellerProfile, reference: str, currency: str) -> PaymentInstructions | None:
    """BG-16: a credit transfer (SEPA for euros) to the seller's IBAN, the document's number as reference."""
    if not bank.iban:
        return None
    code = PaymentMeansCode.SEPA_CREDIT_TRANSFER if currency == "EUR" else PaymentMeansCode.CREDIT_TRANSFER
    return PaymentInstructions(code, reference, bank.iban, _text(seller.name), bank.bic)


def _checked_common(
    invoice: Invoice, lines: Sequence[LineItem], taxes: Sequence[TaxLine], problems: _Problems
) -> tuple[set[TaxCategory], Currency]:
    categories = {tax.category for tax in taxes}
    reason = _text(invoice.tax_exemption_reason)
    if not reason and any(category.needs_exemption_reason for category in categories):
        problems.missing("VAT exemption reason (BT-120)")
    if TaxCategory.INTRA_EU in categories and not (
        invoice.service_date or invoice.service_period_start or invoice.service_period_end
    ):
        problems.missing("date of supply (BT-72) or invoicing period (BG-14)")  # BR-IC-11
    if not lines:
        problems.missing("invoice lines (BG-25)")
    return categories, invoice.currency


@dataclass(frozen=True, slots=True)
class _Priced:
    """What an invoice and a credit note share: lines, VAT groups and totals, and what was already paid."""

    lines: Sequence[LineItem]
    taxes: Sequence[TaxLine]
    subtotal: Decimal
    discount_total: Decimal
    tax_total: Decimal
    total: Decimal
    paid: Decimal


def _document(
    kind: str, priced: _Priced, invoice: Invoice, seller: Account, client: ClientRef, **head: Any
) -> Document:
    """The model of a priced document of ``invoice`` (itself, or a credit note of it); ``head`` holds the terms
    that differ between the two (number, dates, type, notes, references, payment)."""
    problems = _Problems()
    categories, cur = _checked_common(invoice, priced.lines, priced.taxes, problems)
    party_seller = _seller(seller.seller, categories, problems)
    party_buyer = _buyer(client, categories, problems)
    lines = tuple(_line(i, item, cur, problems) for i, item in enumerate(priced.lines, start=1))
    reason = _text(invoice.tax_exemption_reason)
    taxes = tuple(_breakdown(tax, reason, cur, problems) for tax in priced.taxes)
    net = priced.subtotal - priced.discount_total
    totals = Totals(
        line_net=_amount(net, "sum of invoice line net amounts (BT-106)", cur, problems),
        tax_exclusive=_amount(net, "invoice total without VAT (BT-109)", cur, problems),
        tax=_amount(priced.tax_total, "invoice total VAT amount (BT-110)", cur, problems),
        tax_inclusive=_amount(priced.total, "invoice total with VAT (BT-112)", cur, problems),
        prepaid=_amount(priced.paid, "paid amount (BT-113)", cur, problems),
        payable=_amount(priced.total - priced.paid, "amount due for payment (BT-115)", cur, problems),
    )
    problems.raise_any(kind)
    return Document(
        currency=cur.code,
        buyer_reference=_text(invoice.buyer_reference),
        seller=party_seller,
        buyer=party_buyer,
        delivery_date=invoice.service_date,
        period_start=invoice.service_period_start,
        period_end=invoice.service_period_end,
        deliver_to_country=party_buyer.address.country if TaxCategory.INTRA_EU in categories else None,  # BR-IC-12
        taxes=taxes,
        totals=totals,
        lines=lines,
        **head,
    )


def invoice_document(invoice: Invoice, seller: Account, client: ClientRef) -> Document:
    """The EN 16931 model of an invoice (type 380), from the seller (profile and bank) and the client it was
    issued with (the copy taken when it was issued).

    ``Conflict`` naming every missing business term when EN 16931 cannot be met.
    """
    priced = _Priced(
        invoice.line_items,
        invoice.taxes,
        invoice.subtotal,
        invoice.discount_total,
        invoice.tax_total,
        invoice.total,
        invoice.amount_paid,
    )
    return _document(
        "invoice",
        priced,
        invoice,
        seller,
        client,
        number=invoice.number,
        issue_date=invoice.issue_date,
        type_code=TypeCode.INVOICE,
        due_date=invoice.due_date,
        payment_terms=_text(invoice.terms),
        notes=tuple(note for note in (_text(invoice.notes),) if note),
        preceding_invoice=None,
        payment=_payment(seller.bank, seller.seller, invoice.number, invoice.currency.code),
    )


def credit_note_document(note: CreditNote, invoice: Invoice, seller: Account, client: ClientRef) -> Document:
    """The EN 16931 model of a credit note (type 381) of ``invoice``, which it references (BG-3), with the
    seller and client the invoice was issued with; its reason is its note (BT-22). Nothing of it is paid yet.

    ``Conflict`` naming every missing business term when EN 16931 cannot be met.
    """
    priced = _Priced(note.line_items, note.taxes, note.subtotal, note.discount_total, note.tax_total, note.total, ZERO)
    return _document(
        "credit note",
        priced,
        invoice,
        seller,
        client,
        number=note.number,
        issue_date=note.issue_date,
        type_code=TypeCode.CREDIT_NOTE,
        due_date=None,
        payment_terms=None,
        notes=tuple(reason for reason in (_text(note.reason),) if reason),
        preceding_invoice=PrecedingInvoice(invoice.number, invoice.issue_date),
        payment=None,
    )
