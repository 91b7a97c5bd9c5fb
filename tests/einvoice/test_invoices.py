"""Issued invoices as EN 16931 XML in both syntaxes: XSD and official schematron pass, amounts are the core's.

Each case is an invoice a freelancer or small firm really sends. For each, both syntaxes must pass the XSD and
have no failed schematron assertion other than warnings (listed at the end of the run), and every amount in the
XML (line net amounts, VAT breakdowns, document totals) must equal the invoice's own figure.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from lxml import etree

from cleverinvo.core import Books, Conflict
from cleverinvo.core.einvoice.einvoices import Syntax
from cleverinvo.core.records import Invoice
from tests.einvoice.amounts import NS, stated
from tests.einvoice.conftest import BUYERS, issue, line
from tests.einvoice.validation import validate

REVERSE_CHARGE = "Reverse charge: VAT to be paid by the recipient (Art. 196 Directive 2006/112/EC)"


def _hundred_and_twenty_lines() -> list[dict]:
    rates = ("19", "7", "0")
    return [
        line(
            f"Item {n}: part number {n:04d}",
            quantity=n % 7 + 1,
            unit_price=f"{n * 3 + 0.99:.2f}",
            taxRate=Decimal(rates[n % 3]),
            discountRate=Decimal(n % 4 * 5),
        )
        for n in range(1, 121)
    ]


CASES: dict[str, tuple[str, list[dict], dict[str, Any]]] = {
    "one rate": ("DE", [line(taxRate=Decimal(19))], {}),
    "several rates": (
        "DE",
        [line(taxRate=Decimal(19)), line("Book", 2, "24.90", taxRate=Decimal(7)), line("Postage", 1, "4.10")],
        {"buyerReference": "PO-2026-117"},
    ),
    "discounts": (
        "DE",
        [
            line(taxRate=Decimal(19), discountRate=Decimal(10)),
            line("Hosting", 12, "19.99", taxRate=Decimal(19), discountRate=Decimal("12.5")),
            line("Training day", "1.5", "800", taxRate=Decimal(7), discountRate=Decimal(3)),
        ],
        {},
    ),
    "zero rated": ("DE", [line("Printed books", 10, "12.00", taxRate=Decimal(0), taxCategory="Z")], {}),
    "exempt with reason": (
        "DE",
        [line("Medical consultation", 2, "90.00", taxRate=Decimal(0), taxCategory="E")],
        {"taxExemptionReason": "Exempt from VAT under § 4 Nr. 14 UStG"},
    ),
    "reverse charge between two EU VAT ids": (
        "FR",
        [line("Consulting", 10, "150.00", taxRate=Decimal(0), taxCategory="AE")],
        {"taxExemptionReason": REVERSE_CHARGE, "serviceDate": "2026-11-30"},
    ),
    "intra-EU supply": (
        "FR",
        [line("Server hardware", 3, "1450.00", taxRate=Decimal(0), taxCategory="K")],
        {
            "taxExemptionReason": "Intra-Community supply exempt under Art. 138 Directive 2006/112/EC",
            "serviceDate": "2026-11-28",
        },
    ),
    "export": (
        "US",
        [line("Machine parts", 4, "310.50", taxRate=Decimal(0), taxCategory="G")],
        {"taxExemptionReason": "Export outside the EU, exempt under Art. 146 Directive 2006/112/EC"},
    ),
    "JPY": (
        "DE",
        [line("Translation", 3, "12345", taxRate=Decimal(10)), line("Rush fee", 1, "999", taxRate=Decimal(10))],
        {"currency": "JPY"},
    ),
    "KWD": (
        "DE",
        [line("Survey", 2, "12.500", taxRate=Decimal(5)), line("Report", 1, "40.200", taxRate=Decimal(5))],
        {"currency": "KWD"},
    ),
    "120 lines": (
        "DE",
        _hundred_and_twenty_lines(),
        {"servicePeriodStart": "2026-11-01", "servicePeriodEnd": "2026-11-30"},
    ),
}


def _check_amounts(xml: bytes, invoice: Invoice) -> None:
    """Every amount the XML states is the invoice's own, to the cent."""
    found = stated(xml)
    net = invoice.subtotal - invoice.discount_total
    assert found.totals == {
        "BT-106": net,
        "BT-109": net,
        "BT-110": invoice.tax_total,
        "BT-112": invoice.total,
        "BT-113": invoice.amount_paid,
        "BT-115": invoice.total - invoice.amount_paid,
    }
    assert found.lines == [item.amount - item.discount for item in invoice.line_items]
    assert sorted(found.taxes, key=str) == sorted(
        ((t.category.value, None if t.category.value == "O" else t.rate, t.base, t.tax) for t in invoice.taxes),
        key=str,
    )


@pytest.mark.parametrize("syntax", list(Syntax))
@pytest.mark.parametrize("case", list(CASES))
def test_each_case_passes_the_official_rules_with_the_invoices_amounts(seller: Books, case: str, syntax: Syntax):
    buyer, lines, fields = CASES[case]
    invoice = seller.invoices.get(issue(seller, buyer, *lines, **fields))
    xml = seller.einvoices.invoice_xml(invoice.id, syntax).data
    validate(xml, case=f"{case} ({syntax.value})")
    _check_amounts(xml, invoice)


@pytest.mark.parametrize("syntax", list(Syntax))
def test_a_partly_paid_invoice_states_the_prepaid_amount(seller: Books, syntax: Syntax) -> None:
    invoice_id = issue(seller, "DE", line(taxRate=Decimal(19)), line("Hosting", 12, "19.99", taxRate=Decimal(19)))
    seller.invoices.record_payment(invoice_id, {"amount": Decimal("1000.00")})
    invoice = seller.invoices.get(invoice_id)
    xml = seller.einvoices.invoice_xml(invoice_id, syntax).data
    validate(xml, case=f"partly paid ({syntax.value})")
    _check_amounts(xml, invoice)
    assert stated(xml).totals["BT-113"] == Decimal("1000.00")


def test_the_business_terms_the_invoice_carries_are_written(seller: Books) -> None:
    """Buyer reference, service period, payment means and reference, terms, due date, exemption reason."""
    invoice_id = issue(
        seller,
        "FR",
        line("Consulting", 10, "150.00", taxRate=Decimal(0), taxCategory="AE"),
        buyerReference="PO-77",
        servicePeriodStart="2026-11-01",
        servicePeriodEnd="2026-11-30",
        taxExemptionReason=REVERSE_CHARGE,
        issueDate="2026-12-01",
        dueDate="2026-12-31",
    )
    invoice = seller.invoices.get(invoice_id)
    cii = etree.fromstring(seller.einvoices.invoice_xml(invoice_id, Syntax.CII).data)
    text = lambda path: cii.xpath(f"string({path})", namespaces=NS)  # noqa: E731
    assert text("//ram:BuyerReference") == "PO-77"  # BT-10
    assert text("//ram:BillingSpecifiedPeriod/ram:StartDateTime").strip() == "20261101"  # BT-73
    assert text("//ram:PaymentReference") == invoice.number  # BT-83
    assert text("//ram:IBANID") == "DE89370400440532013000"  # BT-84
    assert text("//ram:BICID") == "COBADEFFXXX"  # BT-86
    assert text("//ram:SpecifiedTradePaymentTerms/ram:Description") == "Payable within 30 days."  # BT-20
    assert text("//ram:DueDateDateTime").strip() == "20261231"  # BT-9
    assert text("//ram:ExemptionReason") == REVERSE_CHARGE  # BT-120
    assert text("//ram:ExemptionReasonCode") == "VATEX-EU-AE"  # BT-121
    assert text("//ram:BuyerTradeParty/ram:SpecifiedTaxRegistration/ram:ID") == "FR12345678901"  # BT-48
    ubl = etree.fromstring(seller.einvoices.invoice_xml(invoice_id, Syntax.UBL).data)
    value = lambda path: ubl.xpath(f"string({path})", namespaces=NS)  # noqa: E731
    assert value("/*/cbc:BuyerReference") == "PO-77"
    assert value("/*/cac:InvoicePeriod/cbc:EndDate") == "2026-11-30"  # BT-74
    assert value("/*/cac:PaymentMeans/cbc:PaymentID") == invoice.number
    assert value("/*/cac:PaymentMeans/cbc:PaymentMeansCode") == "58"  # BT-81, SEPA credit transfer
    assert value("/*/cbc:DueDate") == "2026-12-31"
    assert value("/*/cbc:CustomizationID").endswith("urn:fdc:peppol.eu:2017:poacc:billing:3.0")


def test_the_file_is_named_after_the_invoice(seller: Books) -> None:
    invoice_id = issue(seller, "DE", line(taxRate=Decimal(19)))
    number = seller.invoices.get(invoice_id).number
    assert seller.einvoices.invoice_xml(invoice_id, Syntax.UBL).filename == f"{number}.xml"


def test_a_draft_is_no_e_invoice(seller: Books) -> None:
    client = seller.clients.create(BUYERS["DE"])
    draft = seller.invoices.create({"clientId": client.id, "lineItems": [line(taxRate=Decimal(19))]})
    with pytest.raises(Conflict, match="is a draft"):
        seller.einvoices.invoice_xml(draft.id)


def test_kwd_amounts_with_a_third_decimal_cannot_be_en_16931(seller: Books) -> None:
    invoice_id = issue(seller, "DE", line("Survey", 1, "12.345", taxRate=Decimal(5)), currency="KWD")
    with pytest.raises(Conflict, match=r"Cannot make an EN 16931 invoice: .*\(BT-131\) 12\.345 KWD has more than"):
        seller.einvoices.invoice_xml(invoice_id)


def test_dates_are_the_invoices(seller: Books) -> None:
    invoice_id = issue(seller, "DE", line(taxRate=Decimal(19)), issueDate="2026-11-02", serviceDate="2026-10-31")
    ubl = etree.fromstring(seller.einvoices.invoice_xml(invoice_id, Syntax.UBL).data)
    assert ubl.xpath("string(/*/cbc:IssueDate)", namespaces=NS) == dt.date(2026, 11, 2).isoformat()  # BT-2
    assert ubl.xpath("string(/*/cac:Delivery/cbc:ActualDeliveryDate)", namespaces=NS) == "2026-10-31"  # BT-72
