"""Credit notes (EN 16931 type 381): how an issued invoice is corrected or cancelled.

A credit note credits chosen lines of an issued invoice, or everything not yet credited, never more than is
left (the invoice's total less what earlier credit notes credited). It is numbered in its own sequence (the
account's ``creditNotePrefix``: ``CN-0001``), made in one transaction with the invoice's ``amountCredited`` and
its ``credited`` event, and never changes: its PDF shows the seller and client of the invoice as issued, in the
invoice's language, dated when the credit note was made, and is rendered once.

Crediting the rest of an invoice credits exactly what is left: its tax per (category, rate) is the invoice's
less what earlier credit notes credited, so the credits add up to the invoice to the last minor unit.
"""

import dataclasses
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

import msgspec
import peewee as pw

from cleverinvo.core import accounts, clock, pdf
from cleverinvo.core.billing import events, issuing, numbering
from cleverinvo.core.billing.invoices import Invoices
from cleverinvo.core.billing.lines import (
    MAX_LINES,
    ParsedLine,
    check_exemption,
    line_input,
    line_record,
    line_rows,
    parse_lines,
    totals_within_bounds,
)
from cleverinvo.core.billing.taxes import TaxCategory
from cleverinvo.core.billing.totals import LineInput, TaxLine, Totals, compute_totals
from cleverinvo.core.einvoice import facturx_pdf
from cleverinvo.core.einvoice.cii import to_cii
from cleverinvo.core.einvoice.semantic import credit_note_document
from cleverinvo.core.errors import Conflict, NotFound, ValidationError
from cleverinvo.core.fields import Fields
from cleverinvo.core.ids import new_id
from cleverinvo.core.money import Currency, currency, from_minor, to_minor
from cleverinvo.core.paging import Paging
from cleverinvo.core.records import CreditNote, Page, Status
from cleverinvo.core.storage import models
from cleverinvo.core.storage.db import transaction
from cleverinvo.core.storage.search import search_key

CREDIT_NOTE_FIELDS = ("reason", "lineItems")
_TAXES = msgspec.json.Decoder(tuple[TaxLine, ...])


@dataclass(frozen=True, slots=True)
class CreditNotePdf:
    """A credit note's PDF: its file name (``<creditNoteNumber>.pdf``) and the bytes."""

    filename: str
    data: bytes


def _group(tax: TaxLine) -> tuple[Decimal, TaxCategory]:
    return tax.rate, tax.category


def _line_key(line: ParsedLine) -> tuple[str, Decimal, Decimal, Decimal, TaxCategory]:
    v = line.values
    return line.description, v.unit_price, v.tax_rate, v.discount_rate, v.category


def _like(term: str) -> pw.Node:
    """``search LIKE %term%`` with ``%``, ``_`` and ``\\`` in ``term`` taken literally, on every backend."""
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return pw.NodeList((models.CreditNote.search, pw.SQL("LIKE"), f"%{escaped}%", pw.SQL("ESCAPE '\\'")))


class CreditNotes:
    """The credit notes of one account. Another account's credit note is never found."""

    def __init__(self, account_id: str, actor: str = events.SYSTEM) -> None:
        self.account_id = account_id
        self.invoices = Invoices(account_id, actor)

    # Making -------------------------------------------------------------------------------------------------

    def create(self, invoice_id: str, data: object) -> CreditNote:
        """A credit note on an issued invoice from ``{"reason": …, "lineItems": [...]}``; without
        ``lineItems`` it credits everything not yet credited. More than is left to credit is refused
        (``ValidationError``), as is a draft or a fully credited invoice (``Conflict``)."""
        f = Fields(data, CREDIT_NOTE_FIELDS)
        reason = f.text("reason", required=True, max_length=1000, multiline=True)
        chosen = (
            parse_lines(f.items("lineItems", required=True, max_items=MAX_LINES) or []) if f.has("lineItems") else None
        )
        assert reason is not None
        with transaction():
            row = self.invoices.locked(invoice_id)
            account = accounts.lock(self.account_id)
            status = Status(row.status)
            if status is Status.DRAFT:
                raise Conflict(
                    f"Invoice {row.number} is a draft: change or delete it; only issued invoices are credited"
                )
            if not status.creditable:
                raise Conflict(f"Invoice {row.number} is fully credited already")
            cur = currency(row.currency)
            left = row.total_minor - row.credited_minor
            if chosen is None:
                lines, totals = self._rest(row, cur)
            else:
                check_exemption(chosen, row.tax_exemption_reason)
                lines, totals = chosen, totals_within_bounds(chosen, cur)
                if to_minor(totals.total, cur) > left:
                    raise ValidationError(
                        f"Invalid field: lineItems credit {totals.total} {cur.code}, more than is left to credit on "
                        f"{row.number}: {from_minor(left, cur)} {cur.code}",
                        "lineItems",
                    )
                if totals.total <= 0:
                    raise ValidationError("Invalid field: lineItems must credit more than nothing", "lineItems")
                self._check_groups(row, cur, totals)
            number = numbering.allocate(account, numbering.CREDIT_NOTES)
            credit_note_id = new_id()
            models.CreditNote.create(
                id=credit_note_id,
                account=self.account_id,
                invoice=row.id,
                number=number,
                search=search_key(number, row.number),
                currency=cur.code,
                issue_date=clock.today(),
                reason=reason,
                subtotal_minor=to_minor(totals.subtotal, cur),
                discount_minor=to_minor(totals.discount_total, cur),
                tax_minor=to_minor(totals.tax_total, cur),
                total_minor=to_minor(totals.total, cur),
                taxes=msgspec.json.encode(totals.taxes).decode(),
                created_at=clock.now(),
            )
            models.CreditNoteLine.insert_many(
                [{"credit_note": credit_note_id, **r} for r in line_rows(lines, totals, cur)]
            ).execute()
            self.invoices.count_credit(row, to_minor(totals.total, cur), credit_note_id, number, totals.total)
        return self.get(credit_note_id)

    def _check_groups(self, row: models.Invoice, cur: Currency, totals: Totals) -> None:
        """Each (rate, category) of a credit note must be one the invoice charged, with no more base than is
        left of it: tax is only given back as it was charged."""
        rest = {_group(t): t.base for t in self._left(row, cur)[1]}
        for tax in totals.taxes:
            if tax.base > rest.get(_group(tax), from_minor(0, cur)):
                raise ValidationError(
                    f"Invalid field: lineItems credit {tax.base} {cur.code} at {tax.rate}% ({tax.category.value}), "
                    f"more than is left to credit on {row.number} at that rate: "
                    f"{rest.get(_group(tax), from_minor(0, cur))} {cur.code}",
                    "lineItems",
                )

    def _left(
        self, row: models.Invoice, cur: Currency
    ) -> tuple[list[ParsedLine], list[TaxLine], list[models.CreditNote]]:
        """The invoice's lines, what is left to credit of each of its tax groups, and its credit notes so far."""
        stored = models.LineItem.select().where(models.LineItem.invoice == row.id).order_by(models.LineItem.position)
        invoice_lines = [ParsedLine(r.description, line_input(r)) for r in stored]
        invoice_taxes = compute_totals([line.values for line in invoice_lines], cur).taxes
        earlier = list(models.CreditNote.select().where(models.CreditNote.invoice == row.id))
        return (
            invoice_lines,
            self._rest_taxes(invoice_taxes, [t for c in earlier for t in _TAXES.decode(c.taxes)]),
            earlier,
        )

    def _rest(self, row: models.Invoice, cur: Currency) -> tuple[list[ParsedLine], Totals]:
        """Lines and totals crediting everything of the invoice ``row`` not yet credited: its lines less the
        quantities credited of each, or, when earlier credits do not fit its lines, one line per tax group."""
        invoice_lines, rest, earlier = self._left(row, cur)
        if row.credited_minor == 0:
            return invoice_lines, totals_within_bounds(invoice_lines, cur)
        credited_lines = models.CreditNoteLine.select().where(
            models.CreditNoteLine.credit_note.in_([c.id for c in earlier])
        )
        taken: Counter[tuple[str, Decimal, Decimal, Decimal, TaxCategory]] = Counter()
        for r in credited_lines:
            taken[_line_key(ParsedLine(r.description, line_input(r)))] += r.quantity
        lines = []
        for line in invoice_lines:
            quantity = line.values.quantity - taken[_line_key(line)]
            taken[_line_key(line)] = max(-quantity, Decimal(0))
            if quantity > 0:
                lines.append(ParsedLine(line.description, dataclasses.replace(line.values, quantity=quantity)))
        totals = compute_totals([line.values for line in lines], cur)
        if {_group(t): t.base for t in totals.taxes} != {_group(t): t.base for t in rest}:
            lines = [
                ParsedLine(
                    f"{row.number}: not yet credited",
                    LineInput(Decimal(1), tax.base, tax.rate, Decimal(0), tax.category),
                )
                for tax in rest
            ]
            totals = compute_totals([line.values for line in lines], cur)
        tax_total = sum((t.tax for t in rest), start=from_minor(0, cur))
        return lines, dataclasses.replace(
            totals,
            taxes=tuple(rest),
            tax_total=tax_total,
            total=totals.subtotal - totals.discount_total + tax_total,
        )

    @staticmethod
    def _rest_taxes(invoice: Iterable[TaxLine], credited: Sequence[TaxLine]) -> list[TaxLine]:
        """Per (rate, category): the invoice's base and tax less those credited; groups with nothing left out."""
        rest = []
        for tax in invoice:
            done = [c for c in credited if _group(c) == _group(tax)]
            base = tax.base - sum((c.base for c in done), start=tax.base - tax.base)
            amount = tax.tax - sum((c.tax for c in done), start=tax.tax - tax.tax)
            if base or amount:
                rest.append(dataclasses.replace(tax, base=base, tax=amount))
        return rest

    # Reading ------------------------------------------------------------------------------------------------

    def _records(self, rows: Sequence[models.CreditNote]) -> tuple[CreditNote, ...]:
        lines: dict[str, list[models.CreditNoteLine]] = {row.id: [] for row in rows}
        if rows:
            query = models.CreditNoteLine.select().where(models.CreditNoteLine.credit_note.in_(list(lines)))
            for line in query.order_by(models.CreditNoteLine.position):
                lines[line.credit_note_id].append(line)
        records = []
        for row in rows:
            cur = currency(row.currency)
            records.append(
                CreditNote(
                    id=row.id,
                    number=row.number,
                    invoice_id=row.invoice.id,
                    invoice_number=row.invoice.number,
                    currency=cur,
                    issue_date=row.issue_date,
                    reason=row.reason,
                    line_items=tuple(line_record(li, cur) for li in lines[row.id]),
                    taxes=_TAXES.decode(row.taxes),
                    subtotal=from_minor(row.subtotal_minor, cur),
                    discount_total=from_minor(row.discount_minor, cur),
                    tax_total=from_minor(row.tax_minor, cur),
                    total=from_minor(row.total_minor, cur),
                    created_at=row.created_at,
                )
            )
        return tuple(records)

    def _select(self) -> pw.ModelSelect:
        return (
            models.CreditNote.select(models.CreditNote, models.Invoice.id, models.Invoice.number)
            .join(models.Invoice)
            .where(models.CreditNote.account == self.account_id)
        )

    def get(self, credit_note_id: str) -> CreditNote:
        """One credit note of this account, with its lines."""
        found = (
            self._select().where(models.CreditNote.id == credit_note_id).get_or_none()
            if isinstance(credit_note_id, str)
            else None
        )
        if found is None:
            raise NotFound(f"Credit note not found: {credit_note_id}")
        return self._records([found])[0]

    def list(
        self, page: int = 1, limit: int = 20, search: str | None = None, invoice_id: str | None = None
    ) -> Page[CreditNote]:
        """Newest first; ``search`` matches the credit note's or its invoice's number, ``invoice_id`` keeps one
        invoice's credit notes."""
        paging = Paging.check(page, limit, search)
        query = self._select()
        if paging.search:
            query = query.where(_like(paging.search))
        if invoice_id is not None:
            query = query.where(models.CreditNote.invoice == invoice_id)
        total = query.count()
        rows = paging.rows(query.order_by(models.CreditNote.created_at.desc(), models.CreditNote.id.desc()), total)
        return Page(items=self._records(list(rows)), total=total, page=paging.page, limit=paging.limit)

    def pdf(self, credit_note_id: str) -> CreditNotePdf:
        """The credit note's PDF: rendered the first time it is asked for, then always the same stored bytes; a
        Factur-X (its EN 16931 XML inside) when the invoice's seller makes e-invoices."""
        credit_note = self.get(credit_note_id)
        filename = f"{credit_note.number}.pdf"
        stored = models.CreditNotePdf.get_or_none(models.CreditNotePdf.credit_note == credit_note.id)
        if stored is not None:
            return CreditNotePdf(filename, bytes(stored.data))
        invoice = self.invoices.get(credit_note.invoice_id)
        shown = issuing.parties(invoice)
        shown_invoice = dataclasses.replace(invoice, client=shown.client_ref)
        if shown.seller.e_invoice:  # a Factur-X, like the invoice it corrects
            xml = to_cii(credit_note_document(credit_note, invoice, shown.seller, shown.client_ref))
            drawn = pdf.render_credit_note(credit_note, shown_invoice, shown.seller, shown.logo, archival=True)
            author = shown.seller.seller.name or shown.seller.name
            subject = f"Credit note {credit_note.number} for invoice {invoice.number}"
            data = facturx_pdf.embed(
                drawn, xml, title=credit_note.number, author=author, subject=subject, moment=credit_note.created_at
            )
        else:
            data = pdf.render_credit_note(credit_note, shown_invoice, shown.seller, shown.logo)
        with transaction():
            models.CreditNotePdf.insert(
                credit_note=credit_note.id, data=data, rendered_at=clock.now()
            ).on_conflict_ignore().execute()
        return CreditNotePdf(filename, data)
