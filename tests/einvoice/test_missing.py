"""Data EN 16931 requires and the invoice lacks: refused with 409 / ``Conflict`` naming each business term.

With e-invoices on, sending (issuing) such an invoice is refused and nothing changes: it stays a draft. With
them off, the invoice is issued as before and its e-invoice XML is refused with the same message.
"""

import dataclasses
from decimal import Decimal
from typing import Any

import pytest

from cleverinvo.core import Books, Conflict, Status
from cleverinvo.core.einvoice.einvoices import Syntax
from cleverinvo.core.einvoice.semantic import invoice_document
from tests.einvoice.conftest import BUYERS, SELLER, line

PREFIX = "Cannot make an EN 16931 invoice: "
REASON = {"taxExemptionReason": "Reverse charge"}

# case: (seller settings changed, buyer changed, lines, invoice fields, the message after the prefix)
CASES: dict[str, tuple[dict, dict, list[dict], dict[str, Any], str]] = {
    "seller country": ({"sellerCountry": None}, {}, [line(taxRate=Decimal(19))], {}, "missing seller country (BT-40)"),
    "buyer country": ({}, {"country": None}, [line(taxRate=Decimal(19))], {}, "missing buyer country (BT-55)"),
    "seller VAT id or tax number": (
        {"sellerTaxId": None},
        {},
        [line(taxRate=Decimal(19))],
        {},
        "missing seller VAT identifier (BT-31) or tax registration identifier (BT-32)",
    ),
    "seller VAT id for reverse charge": (
        {"sellerTaxId": "12/345/67890"},
        {},
        [line(taxRate=Decimal(0), taxCategory="AE")],
        REASON,
        "missing seller VAT identifier (BT-31)",
    ),
    "buyer VAT id for reverse charge": (
        {},
        {"taxId": None},
        [line(taxRate=Decimal(0), taxCategory="AE")],
        REASON,
        "missing buyer VAT identifier (BT-48)",
    ),
    "buyer VAT id for an intra-EU supply": (
        {},
        {"taxId": "not a VAT id"},
        [line(taxRate=Decimal(0), taxCategory="K")],
        {"taxExemptionReason": "Intra-Community supply", "serviceDate": "2026-11-30"},
        "missing buyer VAT identifier (BT-48)",
    ),
    "date of supply for an intra-EU supply": (
        {},
        {},
        [line(taxRate=Decimal(0), taxCategory="K")],
        {"taxExemptionReason": "Intra-Community supply"},
        "missing date of supply (BT-72) or invoicing period (BG-14)",
    ),
    "several at once": (
        {"sellerCountry": None, "sellerTaxId": None},
        {"country": None},
        [line(taxRate=Decimal(19))],
        {},
        "missing seller country (BT-40); missing seller VAT identifier (BT-31) or tax registration identifier "
        "(BT-32); missing buyer country (BT-55)",
    ),
}


def _draft(books: Books, case: str) -> str:
    settings, buyer, lines, fields, _message = CASES[case]
    books.settings.update({**SELLER, **settings})
    client = books.clients.create({**BUYERS["FR"], **buyer})
    return books.invoices.create({"clientId": client.id, "lineItems": lines, **fields}).id


@pytest.mark.parametrize("case", list(CASES))
def test_the_e_invoice_names_each_missing_business_term(books: Books, case: str) -> None:
    invoice_id = _draft(books, case)
    books.invoices.send(invoice_id, {})
    for syntax in Syntax:
        with pytest.raises(Conflict) as refused:
            books.einvoices.invoice_xml(invoice_id, syntax)
        assert refused.value.message == PREFIX + CASES[case][4]


@pytest.mark.parametrize("case", list(CASES))
def test_with_e_invoices_on_sending_is_refused_and_nothing_changes(books: Books, case: str) -> None:
    invoice_id = _draft(books, case)
    books.settings.update({"eInvoice": True})
    before = books.invoices.get(invoice_id)
    with pytest.raises(Conflict) as refused:
        books.invoices.send(invoice_id, {})
    assert refused.value.message == PREFIX + CASES[case][4]
    after = books.invoices.get(invoice_id)
    assert after == before and after.status is Status.DRAFT


def test_a_seller_without_a_name_is_named_too(books: Books) -> None:
    """Sending already needs a seller name; an invoice issued before that rule still gets BT-27 named."""
    invoice_id = _draft(books, "seller country")
    books.settings.update({"sellerCountry": "DE"})
    books.invoices.send(invoice_id, {})
    invoice, account = books.invoices.get(invoice_id), books.settings.get()
    nameless = dataclasses.replace(account, seller=dataclasses.replace(account.seller, name=None))
    with pytest.raises(Conflict, match=r"^Cannot make an EN 16931 invoice: missing seller name \(BT-27\)$"):
        invoice_document(invoice, nameless, invoice.client)
