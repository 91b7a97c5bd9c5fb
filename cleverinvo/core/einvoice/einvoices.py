"""An account's e-invoices: the EN 16931 XML of its issued invoices, in CII or UBL, as files to hand out, and
their Factur-X PDFs. Each is made from the seller and client copied into the invoice when it was issued."""

from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path

from cleverinvo.core import clock, pdf
from cleverinvo.core.billing import issuing
from cleverinvo.core.billing.credit_notes import CreditNotes
from cleverinvo.core.billing.export import target_file, write_file
from cleverinvo.core.billing.invoices import Invoices
from cleverinvo.core.einvoice import facturx_pdf
from cleverinvo.core.einvoice.cii import to_cii
from cleverinvo.core.einvoice.model import Document
from cleverinvo.core.einvoice.semantic import credit_note_document, invoice_document
from cleverinvo.core.einvoice.ubl import to_ubl
from cleverinvo.core.errors import Conflict, ValidationError
from cleverinvo.core.records import Invoice, Status


class Syntax(StrEnum):
    """The two syntaxes of EN 16931 CleverInvo writes."""

    CII = "cii"  # UN/CEFACT CII, the Factur-X / ZUGFeRD EN 16931 profile
    UBL = "ubl"  # UBL 2.1, Peppol BIS Billing 3.0

    @staticmethod
    def parse(value: str | None) -> "Syntax":
        """``cii`` (also when not given) or ``ubl``; anything else is a ``ValidationError``."""
        if value is None:
            return Syntax.CII
        try:
            return Syntax(value)
        except ValueError:
            raise ValidationError("Invalid query parameter: syntax must be cii or ubl", "syntax") from None

    def write(self, document: Document) -> bytes:
        return to_cii(document) if self is Syntax.CII else to_ubl(document)


@dataclass(frozen=True, slots=True)
class XmlFile:
    """An e-invoice file: its name (``<number>.xml``) and its bytes (UTF-8 XML)."""

    filename: str
    data: bytes


def invoice_model(invoice: Invoice, shown: issuing.Parties) -> Document:
    """The EN 16931 model of an issued invoice with its seller and client as issued; ``Conflict`` for a draft or
    when EN 16931 data is missing."""
    if invoice.status is Status.DRAFT:
        raise Conflict(f"Cannot make an EN 16931 invoice: {invoice.number} is a draft; send it first")
    return invoice_document(invoice, shown.seller, shown.client_ref)


def facturx_invoice(invoice: Invoice, shown: issuing.Parties) -> bytes:
    """The issued invoice as a Factur-X PDF (EN 16931 profile), the same bytes for the same invoice version;
    ``Conflict`` naming what EN 16931 misses, before anything is rendered."""
    xml = to_cii(invoice_model(invoice, shown))
    issued_at = invoice.sent_at or clock.now()
    drawn = pdf.render_invoice(
        replace(invoice, client=shown.client_ref), shown.seller, shown.logo, created=issued_at, archival=True
    )
    author = shown.seller.seller.name or shown.seller.name
    return facturx_pdf.embed(
        drawn, xml, title=invoice.number, author=author, subject=f"Invoice {invoice.number}", moment=issued_at
    )


class EInvoices:
    """The e-invoices of one account. Another account's invoice is never found."""

    def __init__(self, account_id: str) -> None:
        self.invoices = Invoices(account_id)
        self.credit_notes = CreditNotes(account_id)

    def invoice_xml(self, invoice_id: str, syntax: Syntax = Syntax.CII) -> XmlFile:
        """The invoice as EN 16931 XML in ``syntax``. ``NotFound``, or ``Conflict`` naming what is missing."""
        invoice = self.invoices.get(invoice_id)
        return XmlFile(f"{invoice.number}.xml", syntax.write(invoice_model(invoice, issuing.parties(invoice))))

    def credit_note_xml(self, credit_note_id: str, syntax: Syntax = Syntax.CII) -> XmlFile:
        """The credit note as EN 16931 XML (type 381, referencing its invoice) in ``syntax``, with the seller and
        client its invoice was issued with. ``NotFound``, or ``Conflict`` naming what is missing."""
        note = self.credit_notes.get(credit_note_id)
        invoice = self.invoices.get(note.invoice_id)
        shown = issuing.parties(invoice)
        document = credit_note_document(note, invoice, shown.seller, shown.client_ref)
        return XmlFile(f"{note.number}.xml", syntax.write(document))

    def facturx_pdf(self, invoice_id: str) -> bytes:
        """The invoice as a Factur-X PDF, whatever the account's ``eInvoice`` setting; not stored."""
        invoice = self.invoices.get(invoice_id)
        return facturx_invoice(invoice, issuing.parties(invoice))

    def export(self, invoice_id: str, kind: str, chosen: str, *, overwrite: bool = False) -> Path:
        """Write the invoice as ``kind`` (``cii`` or ``ubl`` XML, or ``facturx`` for a Factur-X PDF) to the file
        ``chosen`` (a folder keeps ``<invoiceNumber>.xml`` or ``.pdf``) and return it. ``Conflict`` naming what
        EN 16931 misses, and nothing is written; ``FileExists`` without ``overwrite``; ``CannotWrite`` says why."""
        if kind == "facturx":
            number = self.invoices.get(invoice_id).number
            return write_file(target_file(chosen, f"{number}.pdf"), self.facturx_pdf(invoice_id), overwrite=overwrite)
        made = self.invoice_xml(invoice_id, Syntax.parse(kind))
        return write_file(target_file(chosen, made.filename), made.data, overwrite=overwrite)
