"""A credit note as EN 16931 XML (type 381) in both syntaxes: official rules pass, its amounts are its own, and
it references the invoice it corrects (BG-3)."""

from decimal import Decimal

import pytest
from lxml import etree

from cleverinvo.core import Books
from cleverinvo.core.einvoice.einvoices import Syntax
from tests.einvoice.amounts import NS, stated
from tests.einvoice.conftest import issue, line
from tests.einvoice.validation import validate


@pytest.mark.parametrize("syntax", list(Syntax))
def test_a_credit_note_passes_with_its_amounts_and_its_invoice(seller: Books, syntax: Syntax) -> None:
    invoice_id = issue(
        seller,
        "FR",
        line(taxRate=Decimal(19), discountRate=Decimal(10)),
        line("Book", 2, "24.90", taxRate=Decimal(7)),
        issueDate="2026-11-02",
    )
    invoice = seller.invoices.get(invoice_id)
    note = seller.credit_notes.create(invoice_id, {"reason": "Cancelled order"})
    xml = seller.einvoices.credit_note_xml(note.id, syntax).data
    validate(xml, case=f"credit note ({syntax.value})")
    found = stated(xml)
    net = note.subtotal - note.discount_total
    assert found.totals == {
        "BT-106": net,
        "BT-109": net,
        "BT-110": note.tax_total,
        "BT-112": note.total,
        "BT-113": Decimal(0),
        "BT-115": note.total,
    }
    assert found.lines == [item.amount - item.discount for item in note.line_items]
    assert sorted(found.taxes, key=str) == sorted(
        ((t.category.value, t.rate, t.base, t.tax) for t in note.taxes), key=str
    )
    root = etree.fromstring(xml)
    if syntax is Syntax.CII:
        assert root.xpath("string(//ram:TypeCode[1])", namespaces=NS) == "381"
        assert root.xpath("string(//ram:InvoiceReferencedDocument/ram:IssuerAssignedID)", namespaces=NS) == (
            invoice.number
        )
    else:
        assert etree.QName(root).localname == "CreditNote"
        assert root.xpath("string(/*/cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID)", namespaces=NS) == (
            invoice.number
        )
        assert root.xpath("string(/*/cac:BillingReference//cbc:IssueDate)", namespaces=NS) == "2026-11-02"
    assert seller.einvoices.credit_note_xml(note.id).filename == f"{note.number}.xml"
