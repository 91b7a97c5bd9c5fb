"""The Factur-X PDF: PDF/A-3B identified in the XMP, Factur-X extension schema and fields, sRGB output intent,
every font embedded, ``factur-x.xml`` embedded as an associated file with its relationship, and the XML inside
equal to the e-invoice XML."""

import io
from decimal import Decimal

import facturx
import pikepdf
import pytest

from cleverinvo.core import Books, Conflict
from cleverinvo.core.einvoice.einvoices import Syntax
from tests.einvoice.conftest import BUYERS, issue, line
from tests.einvoice.validation import validate


@pytest.fixture
def e_invoicing(seller: Books) -> Books:
    seller.settings.update({"eInvoice": True})
    return seller


def _fonts(pdf: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    """Every font the pages use, descendant fonts of Type 0 fonts included."""
    found = []
    for page in pdf.pages:
        for font in page.Resources.get("/Font", {}).values():
            found.append(font)
            found.extend(font.get("/DescendantFonts", []))
    return found


def test_an_issued_invoice_pdf_is_a_factur_x(e_invoicing: Books) -> None:
    invoice_id = issue(e_invoicing, "FR", line(taxRate=Decimal(19)), line("Book", 2, "24.90", taxRate=Decimal(7)))
    data = e_invoicing.documents.pdf(invoice_id).data
    pdf = pikepdf.open(io.BytesIO(data))

    meta = pdf.open_metadata()
    assert meta["pdfaid:part"] == "3" and meta["pdfaid:conformance"] == "B"
    fx = "{urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#}"
    assert meta[f"{fx}DocumentType"] == "INVOICE"
    assert meta[f"{fx}DocumentFileName"] == "factur-x.xml"
    assert meta[f"{fx}Version"] == "1.0"
    assert meta[f"{fx}ConformanceLevel"] == "EN 16931"
    xmp = bytes(pdf.Root.Metadata.read_bytes())
    assert b"<pdfaSchema:namespaceURI>urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#<" in xmp
    assert meta["pdf:Producer"] == str(pdf.docinfo.Producer) == "borb"  # borb's producer line, the same in both
    assert meta["dc:title"] == str(pdf.docinfo.Title) == e_invoicing.invoices.get(invoice_id).number

    (intent,) = pdf.Root.OutputIntents
    assert intent.S == "/GTS_PDFA1" and intent.OutputConditionIdentifier == "sRGB"
    profile = intent.DestOutputProfile
    assert profile.N == 3 and profile.read_bytes()[16:20] == b"RGB "  # an ICC profile of an RGB colour space

    fonts = _fonts(pdf)
    assert fonts
    for font in fonts:
        if font.Subtype != "/Type0":
            descriptor = font.FontDescriptor
            assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")), font.get("/BaseFont")

    assert list(pdf.attachments) == ["factur-x.xml"]
    spec = pdf.attachments["factur-x.xml"]
    assert spec.obj.AFRelationship == "/Data"
    assert list(pdf.Root.AF) == [spec.obj]
    stream = spec.obj.EF.F
    assert stream.Subtype == "/text/xml" and "/ModDate" in stream.Params

    filename, xml = facturx.get_xml_from_pdf(data, check_xsd=True)
    assert filename == "factur-x.xml"
    assert xml == e_invoicing.einvoices.invoice_xml(invoice_id, Syntax.CII).data
    validate(xml)


def test_a_draft_pdf_stays_a_plain_pdf(e_invoicing: Books) -> None:
    client = e_invoicing.clients.create(BUYERS["DE"])
    draft = e_invoicing.invoices.create({"clientId": client.id, "lineItems": [line(taxRate=Decimal(19))]})
    pdf = pikepdf.open(io.BytesIO(e_invoicing.documents.pdf(draft.id).data))
    assert "/AF" not in pdf.Root and not list(pdf.attachments)


def test_without_e_invoices_the_pdf_is_plain_and_a_factur_x_can_still_be_exported(seller: Books) -> None:
    invoice_id = issue(seller, "DE", line(taxRate=Decimal(19)))
    pdf = pikepdf.open(io.BytesIO(seller.documents.pdf(invoice_id).data))
    assert not list(pdf.attachments)
    exported = seller.einvoices.facturx_pdf(invoice_id)
    assert facturx.get_xml_from_pdf(exported, check_xsd=False)[1] == seller.einvoices.invoice_xml(invoice_id).data


def test_a_factur_x_that_lacks_data_is_refused_before_rendering(seller: Books) -> None:
    invoice_id = issue(seller, {**BUYERS["DE"], "country": None}, line(taxRate=Decimal(19)))
    with pytest.raises(Conflict, match=r"missing buyer country \(BT-55\)"):
        seller.einvoices.facturx_pdf(invoice_id)


def test_a_credit_note_pdf_is_a_factur_x_too(e_invoicing: Books) -> None:
    invoice_id = issue(e_invoicing, "FR", line(taxRate=Decimal(19)))
    note = e_invoicing.credit_notes.create(invoice_id, {"reason": "Cancelled order"})
    data = e_invoicing.credit_notes.pdf(note.id).data
    pdf = pikepdf.open(io.BytesIO(data))
    meta = pdf.open_metadata()
    assert meta["pdfaid:part"] == "3" and meta["pdfaid:conformance"] == "B"
    assert pdf.attachments["factur-x.xml"].obj.AFRelationship == "/Data"
    name, xml = facturx.get_xml_from_pdf(data, check_xsd=True)
    assert name == "factur-x.xml" and xml == e_invoicing.einvoices.credit_note_xml(note.id, Syntax.CII).data
