"""The two serializations of the EN 16931 model against the official rules, and the checker itself.

These tests build the model by hand, so they show the writers on their own: every business group the core
fills (line allowances, exemptions, payment instructions, preceding invoice, period) in CII and UBL.
"""

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest

from cleverinvo.core.einvoice.cii import to_cii
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
from cleverinvo.core.einvoice.ubl import to_ubl
from tests.einvoice.validation import run_schematron, validate

D = Decimal
WRITERS = pytest.mark.parametrize("write", [to_cii, to_ubl], ids=["cii", "ubl"])

SELLER = Party(
    name="Zoë Ørsted GmbH",
    address=PostalAddress(("Hauptstraße 1", "Hinterhaus", "3. OG"), "Berlin", "10115", "DE"),
    vat_id="DE123456789",
    tax_registration=None,
    legal_registration="HRB 1234",
    electronic_address="billing@zoe.example",
    phone="+49 30 1234",
    email="billing@zoe.example",
)
BUYER = Party(
    name="Acme SARL",
    address=PostalAddress(("1 rue de Paris",), "Paris", "75001", "FR"),
    vat_id="FR12345678901",
    tax_registration=None,
    legal_registration=None,
    electronic_address="ap@acme.example",
    phone=None,
    email="ap@acme.example",
)
DOCUMENT = Document(
    number="INV-0001",
    issue_date=dt.date(2026, 12, 2),
    type_code=TypeCode.INVOICE,
    currency="EUR",
    due_date=dt.date(2027, 1, 1),
    buyer_reference="PO-77",
    payment_terms="Net 30 days",
    notes=("Thank you.",),
    preceding_invoice=None,
    seller=SELLER,
    buyer=BUYER,
    delivery_date=None,
    period_start=dt.date(2026, 11, 1),
    period_end=dt.date(2026, 11, 30),
    deliver_to_country=None,
    payment=PaymentInstructions(
        PaymentMeansCode.SEPA_CREDIT_TRANSFER, "INV-0001", "DE89370400440532013000", "Zoë Ørsted GmbH", "COBADEFFXXX"
    ),
    taxes=(
        VatBreakdown(D("4500.00"), D("855.00"), "S", D("19"), None, None),
        VatBreakdown(D("100.00"), D("7.00"), "S", D("7"), None, None),
    ),
    totals=Totals(D("4600.00"), D("4600.00"), D("862.00"), D("5462.00"), D("1000.00"), D("4462.00")),
    lines=(
        Line(
            "1",
            "Web development",
            "Web development\nNovember sprint",
            D("40"),
            UNIT_ONE,
            D("125.00"),
            LineAllowance(D("500.00"), D("5000.00"), D("10"), "Discount", LINE_DISCOUNT),
            D("4500.00"),
            "S",
            D("19"),
        ),
        Line("2", "Book", None, D("2"), UNIT_ONE, D("50"), None, D("100.00"), "S", D("7")),
    ),
)


@WRITERS
def test_a_full_invoice_passes_the_xsd_and_the_schematron(write) -> None:
    report = validate(write(DOCUMENT))
    assert not report.errors


@WRITERS
def test_a_credit_note_with_its_preceding_invoice_passes(write) -> None:
    credit = dataclasses.replace(
        DOCUMENT,
        number="CN-0001",
        type_code=TypeCode.CREDIT_NOTE,
        preceding_invoice=PrecedingInvoice("INV-0001", dt.date(2026, 12, 2)),
        totals=dataclasses.replace(DOCUMENT.totals, prepaid=D(0), payable=D("5462.00")),
    )
    xml = write(credit)
    validate(xml)
    assert b"INV-0001" in xml and (b"<ram:TypeCode>381<" in xml or b"<CreditNote " in xml)


@WRITERS
def test_the_checker_reports_broken_totals_and_a_vat_id_without_country(write) -> None:
    broken = dataclasses.replace(
        DOCUMENT,
        totals=dataclasses.replace(DOCUMENT.totals, tax_inclusive=D("1.00")),
        seller=dataclasses.replace(SELLER, vat_id="123456789"),
    )
    rules = {finding.rule for finding in run_schematron(write(broken)).errors}
    assert {"BR-CO-09", "BR-CO-15", "BR-CO-16"} <= rules


@WRITERS
def test_the_xsd_refuses_an_element_out_of_place(write) -> None:
    """The document number (BT-1) moved after the issue date breaks either schema's sequence."""
    xml = write(DOCUMENT)
    number, date = (
        (b"<ram:ID>INV-0001</ram:ID>", b"</ram:IssueDateTime>")
        if write is to_cii
        else (
            b"<cbc:ID>INV-0001</cbc:ID>",
            b"</cbc:IssueDate>",
        )
    )
    moved = xml.replace(number, b"", 1).replace(date, date + number, 1)
    with pytest.raises(AssertionError, match="XSD"):
        validate(moved)
