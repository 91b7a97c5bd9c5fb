"""The EN 16931 semantic model of an invoice or a credit note: business groups (BG) and terms (BT) as values.

One model, two syntaxes: ``cii.py`` and ``ubl.py`` write it; ``semantic.py`` makes it from an issued invoice
or credit note. Each field names the business term it holds. Money is ``Decimal`` with the currency's places,
exactly as the core computed it; the serializers only write it.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

CUSTOMIZATION_ID = "urn:cen.eu:en16931:2017"  # BT-24, the Factur-X / ZUGFeRD EN 16931 profile
PEPPOL_CUSTOMIZATION_ID = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"  # BT-24
PEPPOL_PROFILE_ID = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"  # BT-23
UNIT_ONE = "C62"  # BT-130: UN/ECE recommendation 20, "one"
ELECTRONIC_MAIL = "EM"  # the scheme of BT-34 / BT-49 when the address is an e-mail address
LINE_DISCOUNT = "95"  # BT-140: UNTDID 5189, "Discount"


class TypeCode(StrEnum):
    """BT-3, Invoice type code (UNTDID 1001)."""

    INVOICE = "380"
    CREDIT_NOTE = "381"


class PaymentMeansCode(StrEnum):
    """BT-81, Payment means type code (UNTDID 4461)."""

    CREDIT_TRANSFER = "30"
    SEPA_CREDIT_TRANSFER = "58"


@dataclass(frozen=True, slots=True)
class PostalAddress:
    """BG-5 Seller postal address / BG-8 Buyer postal address."""

    lines: tuple[str, ...]  # BT-35, BT-36, BT-162 / BT-50, BT-51, BT-163: at most three
    city: str | None  # BT-37 / BT-52
    postal_code: str | None  # BT-38 / BT-53
    country: str  # BT-40 / BT-55, ISO 3166-1 alpha-2


@dataclass(frozen=True, slots=True)
class Party:
    """BG-4 Seller / BG-7 Buyer."""

    name: str  # BT-27 / BT-44
    address: PostalAddress  # BG-5 / BG-8
    vat_id: str | None  # BT-31 / BT-48
    tax_registration: str | None  # BT-32 (the seller's only): a tax number that is not a VAT identifier
    legal_registration: str | None  # BT-30 / BT-47
    electronic_address: str | None  # BT-34 / BT-49, an e-mail address (scheme EM)
    phone: str | None  # BT-42 / BT-57, in BG-6 / BG-9
    email: str | None  # BT-43 / BT-58, in BG-6 / BG-9


@dataclass(frozen=True, slots=True)
class LineAllowance:
    """BG-27 Invoice line allowances: a line's discount."""

    amount: Decimal  # BT-136
    base: Decimal  # BT-137
    percent: Decimal  # BT-138
    reason: str  # BT-139
    reason_code: str  # BT-140


@dataclass(frozen=True, slots=True)
class Line:
    """BG-25 Invoice line."""

    id: str  # BT-126
    name: str  # BT-153
    description: str | None  # BT-154
    quantity: Decimal  # BT-129
    unit: str  # BT-130
    net_price: Decimal  # BT-146
    allowance: LineAllowance | None  # BG-27
    net_amount: Decimal  # BT-131 = quantity × price − allowance
    category: str  # BT-151
    rate: Decimal | None  # BT-152; none for category O


@dataclass(frozen=True, slots=True)
class VatBreakdown:
    """BG-23 VAT breakdown: one per (category, rate)."""

    base: Decimal  # BT-116
    tax: Decimal  # BT-117
    category: str  # BT-118
    rate: Decimal | None  # BT-119; none for category O
    exemption_reason: str | None  # BT-120
    exemption_code: str | None  # BT-121


@dataclass(frozen=True, slots=True)
class PaymentInstructions:
    """BG-16 Payment instructions: a credit transfer to the seller's account."""

    code: PaymentMeansCode  # BT-81
    reference: str  # BT-83, Remittance information: the document's number
    iban: str | None  # BT-84, in BG-17
    account_name: str | None  # BT-85
    bic: str | None  # BT-86


@dataclass(frozen=True, slots=True)
class Totals:
    """BG-22 Document totals."""

    line_net: Decimal  # BT-106: sum of BT-131
    tax_exclusive: Decimal  # BT-109
    tax: Decimal  # BT-110
    tax_inclusive: Decimal  # BT-112
    prepaid: Decimal  # BT-113
    payable: Decimal  # BT-115 = BT-112 − BT-113


@dataclass(frozen=True, slots=True)
class PrecedingInvoice:
    """BG-3 Preceding invoice reference."""

    number: str  # BT-25
    issue_date: dt.date  # BT-26


@dataclass(frozen=True, slots=True)
class Document:
    """An EN 16931 invoice (type 380) or credit note (type 381)."""

    number: str  # BT-1
    issue_date: dt.date  # BT-2
    type_code: TypeCode  # BT-3
    currency: str  # BT-5
    due_date: dt.date | None  # BT-9
    buyer_reference: str | None  # BT-10
    payment_terms: str | None  # BT-20
    notes: tuple[str, ...]  # BG-1 / BT-22
    preceding_invoice: PrecedingInvoice | None  # BG-3
    seller: Party  # BG-4
    buyer: Party  # BG-7
    delivery_date: dt.date | None  # BT-72
    period_start: dt.date | None  # BT-73, in BG-14
    period_end: dt.date | None  # BT-74, in BG-14
    deliver_to_country: str | None  # BT-80, in BG-15
    payment: PaymentInstructions | None  # BG-16
    taxes: tuple[VatBreakdown, ...]  # BG-23
    totals: Totals  # BG-22
    lines: tuple[Line, ...]  # BG-25
