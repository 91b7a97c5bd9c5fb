"""Invoice and quote PDFs, stored in the database with the document version they show.

A stored PDF is served only while its version is the invoice's current version; otherwise the PDF is rendered
then and stored. Rendering happens outside any transaction (read, render, then a short write), and a write
never replaces a stored PDF of a newer version. Deleting an invoice deletes its PDF (foreign key cascade).

An issued invoice is rendered from the seller, logo and client copied into it when it was issued, dated when it
was issued, so every rendering of one version of it is the same document, byte for byte.

When the seller it was issued by makes e-invoices (``eInvoice``, copied with the seller), an issued invoice's PDF
is a Factur-X (PDF/A-3 with the EN 16931 XML inside); a draft's stays a plain PDF.
"""

import logging
import re
from dataclasses import dataclass, replace
from pathlib import Path

import peewee as pw

from cleverinvo.core import accounts, clock, pdf
from cleverinvo.core.billing import issuing
from cleverinvo.core.billing.export import target_file, write_file
from cleverinvo.core.billing.invoices import Invoices
from cleverinvo.core.billing.quotes import Quotes
from cleverinvo.core.einvoice.einvoices import facturx_invoice
from cleverinvo.core.errors import Conflict, NotFound
from cleverinvo.core.records import Invoice, Quote
from cleverinvo.core.storage import models
from cleverinvo.core.storage.db import transaction
from cleverinvo.core.storage.faults import unavailable

log = logging.getLogger("cleverinvo.documents")

_UNSAFE_IN_FILE_NAMES = re.compile(r"[/\\\x00-\x1f\x7f]")


def file_name(number: str, extension: str) -> str:
    """``<number>.<extension>`` safe to save as given: a number like ``../../tmp/evil`` cannot name a folder (``/``
    and ``\\`` become ``_``, and so do control characters, which older numbers may hold)."""
    return f"{_UNSAFE_IN_FILE_NAMES.sub('_', number)}.{extension}"


@dataclass(frozen=True, slots=True)
class InvoicePdf:
    """A document's PDF: its file name (``<invoiceNumber>.pdf``, ``<quoteNumber>.pdf``), the bytes, and the
    document version shown."""

    filename: str
    data: bytes
    version: int


@dataclass(frozen=True, slots=True)
class PdfWanted:
    """An invoice at a version whose PDF is not stored: what a render must make."""

    invoice_id: str
    version: int


class Documents:
    """The invoice and quote PDFs of one account. Another account's document is never found."""

    def __init__(self, account_id: str) -> None:
        self.account_id = account_id
        self.invoices = Invoices(account_id)
        self.quotes = Quotes(account_id)

    def export(self, invoice_id: str, chosen: str, *, overwrite: bool = False) -> Path:
        """Write the invoice's PDF to the file ``chosen`` (a folder keeps ``<invoiceNumber>.pdf``) and return it.

        Refused without a seller name (``ProfileIncomplete``): a PDF never leaves without saying who issues it.
        ``FileExists`` when the file is there and ``overwrite`` is not given; ``CannotWrite`` says why in words.
        """
        accounts.require_seller(accounts.row(self.account_id), "export an invoice")
        made = self.pdf(invoice_id)
        return write_file(target_file(chosen, made.filename), made.data, overwrite=overwrite)

    def pdf(self, invoice_id: str) -> InvoicePdf:
        """The PDF of the invoice as it is now: the stored one if current, else rendered now and stored.

        ``NotFound`` when there is no such invoice (or it is deleted while rendering); ``Conflict`` naming the
        business terms missing when it must be a Factur-X and EN 16931 data is missing.
        """
        invoice = self.invoices.get(invoice_id)
        stored = (
            models.InvoicePdf.select(models.InvoicePdf.data)
            .where((models.InvoicePdf.invoice == invoice.id) & (models.InvoicePdf.version == invoice.version))
            .get_or_none()
        )
        if stored is not None:
            return InvoicePdf(file_name(invoice.number, "pdf"), bytes(stored.data), invoice.version)
        data = self._render_and_store(invoice)
        if data is None:
            raise NotFound(f"Invoice not found: {invoice_id}")
        return InvoicePdf(file_name(invoice.number, "pdf"), data, invoice.version)

    def lookup(self, invoice_id: str) -> InvoicePdf | PdfWanted:
        """The stored PDF if it shows the invoice as it is now, else what must be rendered (without rendering it).

        ``NotFound`` when there is no such invoice.
        """
        number, version = self.invoices.number_and_version(invoice_id)
        stored = (
            models.InvoicePdf.select(models.InvoicePdf.data)
            .where((models.InvoicePdf.invoice == invoice_id) & (models.InvoicePdf.version == version))
            .get_or_none()
        )
        if stored is None:
            return PdfWanted(invoice_id, version)
        return InvoicePdf(file_name(number, "pdf"), bytes(stored.data), version)

    def refresh(self, invoice_id: str) -> None:
        """Render and store the PDF unless the stored one is current; for a background thread after each change.

        An invoice deleted meanwhile is no error: there is nothing left to render; neither is a Factur-X that
        cannot be made (a download answers why).
        """
        try:
            invoice = self.invoices.get(invoice_id)
        except NotFound:
            return
        current = models.InvoicePdf.select().where(
            (models.InvoicePdf.invoice == invoice.id) & (models.InvoicePdf.version >= invoice.version)
        )
        if not current.exists():
            try:
                self._render_and_store(invoice)
            except Conflict:
                return

    def _render_and_store(self, invoice: Invoice) -> bytes | None:
        """Render outside any transaction, then store, unless what the PDF shows changed meanwhile (then it is
        returned, not stored) or a newer version is stored; when another render stored this version first, that
        one is returned, so every download of a version is the same document. ``None`` when the invoice was
        deleted meanwhile."""
        shown = issuing.parties(invoice)
        data = _render(invoice, shown)
        try:
            with transaction():
                if self.invoices.get(invoice.id) != invoice or _printed(issuing.parties(invoice)) != _printed(shown):
                    return data
                data = _store(models.InvoicePdf, models.InvoicePdf.invoice, invoice.id, invoice.version, data)
        except (NotFound, pw.IntegrityError):  # deleted before the write, or (PostgreSQL) during it
            return None
        except Exception as exc:
            _not_stored(exc, "invoice", invoice.id)
        return data

    def quote_pdf(self, quote_id: str) -> InvoicePdf:
        """The PDF of the quote as it is now, in its language, with the seller and client as they are now: the
        stored one if current, else rendered now and stored. ``NotFound`` when there is no such quote."""
        quote = self.quotes.get(quote_id)
        stored = (
            models.QuotePdf.select(models.QuotePdf.data)
            .where((models.QuotePdf.quote == quote.id) & (models.QuotePdf.version == quote.version))
            .get_or_none()
        )
        if stored is not None:
            return InvoicePdf(file_name(quote.number, "pdf"), bytes(stored.data), quote.version)
        data = self._render_and_store_quote(quote)
        if data is None:
            raise NotFound(f"Quote not found: {quote_id}")
        return InvoicePdf(file_name(quote.number, "pdf"), data, quote.version)

    def _render_and_store_quote(self, quote: Quote) -> bytes | None:
        """As for invoices: render outside any transaction, store unless what this quote shows changed meanwhile
        (the quote, its client, the seller or the logo); ``None`` when the quote was deleted meanwhile."""
        shown = issuing.current(self.account_id, quote.client_id)
        data = pdf.render_quote(quote, shown.seller, shown.logo, created=quote.sent_at)
        try:
            with transaction():
                now = issuing.current(self.account_id, quote.client_id)
                if self.quotes.get(quote.id) != quote or _printed(now) != _printed(shown):
                    return data
                data = _store(models.QuotePdf, models.QuotePdf.quote, quote.id, quote.version, data)
        except (NotFound, pw.IntegrityError):
            return None
        except Exception as exc:
            _not_stored(exc, "quote", quote.id)
        return data


def _printed(shown: issuing.Parties) -> issuing.Parties:
    """What a document shows of its parties: the seller's numbering counter set aside, since making another
    document moves it and changes nothing this one shows, so a PDF rendered meanwhile is still stored."""
    return replace(shown, seller=replace(shown.seller, next_number=0))


def _store(table: type[models.BaseModel], key: pw.Field, document_id: str, version: int, data: bytes) -> bytes:
    """Store a document's PDF of ``version``, never over one of a newer version; returns the PDF stored for that
    version: ours, or the one another render stored first, so that every download of a version is one document."""
    table.insert(
        {key: document_id, table.version: version, table.data: data, table.rendered_at: clock.now()}
    ).on_conflict(
        conflict_target=[key],
        update={
            table.version: pw.EXCLUDED.version,
            table.data: pw.EXCLUDED.data,
            table.rendered_at: pw.EXCLUDED.rendered_at,
        },
        where=table.version < pw.EXCLUDED.version,
    ).execute()
    stored = table.select(table.data).where((key == document_id) & (table.version == version)).get_or_none()
    return data if stored is None else bytes(stored.data)


def _not_stored(exc: Exception, kind: str, document_id: str) -> None:
    """A PDF that could not be stored is still served when the database is busy or full; anything else raises."""
    fault = unavailable(exc)
    if fault is None:
        raise exc
    log.warning("PDF of %s %s served but not stored: %s (%s)", kind, document_id, fault.message, exc)


def _render(invoice: Invoice, shown: issuing.Parties) -> bytes:
    """A Factur-X for an issued invoice whose seller makes e-invoices, else the plain PDF."""
    if shown.seller.e_invoice and not invoice.status.editable:
        return facturx_invoice(invoice, shown)
    return pdf.render_invoice(
        replace(invoice, client=shown.client_ref), shown.seller, shown.logo, created=invoice.sent_at
    )
