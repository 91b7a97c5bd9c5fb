"""The business document as a PDF: one layout for invoices, credit notes and quotes.

A ``Sheet`` says what a document shows (its kind, number, dates, the parties, the lines, the totals, how it is
paid); ``render`` lays it out in the document's language. The kinds differ only in their title, the facts
beside it, a reference line (``Credit note CN-0001 for invoice INV-0042``) and what follows the total.
"""

import datetime as dt
import io
import itertools
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import segno
import segno.helpers
from borb.pdf import HexColor, Page
from borb.pdf.primitives import name, stream
from PIL import Image

from cleverinvo.core.billing.taxes import TaxCategory
from cleverinvo.core.billing.totals import TaxLine
from cleverinvo.core.i18n.catalogs import N_
from cleverinvo.core.i18n.locales import DocumentLocale, document_locale
from cleverinvo.core.money import Currency
from cleverinvo.core.pdf import borb_setup
from cleverinvo.core.pdf.layout import Align, Block, Canvas, Frame, Style, gap, paginate, wrap
from cleverinvo.core.records import BankDetails, ClientRef, LineItem, Logo, PaperSize, Payment, SellerProfile

PAGE_SIZES = {PaperSize.A4: (595, 842), PaperSize.LETTER: (612, 792)}
MARGIN = 48
FOOTER_BASELINE = 30
BODY_BOTTOM = 60
RUNNING_HEAD = 34  # the band a running head takes on the pages after the first
PAD = 5  # inside table cells, left and right
ROW_PAD = 4  # inside table rows, above and below
LOGO_HEIGHT = 46
LOGO_DPI = 200  # a logo is stored at most this sharp for the size it is printed at
QR_SIZE = 104  # with its quiet zone

INK = HexColor("1F2937")
MUTED = HexColor("6B7280")
ACCENT = HexColor("1F3A5F")
ACCENT_LIGHT = HexColor("E8EEF6")
RULE = HexColor("D9DEE5")
WHITE = HexColor("FFFFFF")
BLACK = HexColor("000000")
DRAFT_INK = HexColor("F3D5D5")

# Columns right of the description: title and usual width in points; their contents are right-aligned.
NUMBER_COLUMNS = ((N_("Qty"), 34), (N_("Unit price"), 64), (N_("Tax"), 38), (N_("Amount"), 72))

# How each VAT category is named in the tax summary.
CATEGORY_LABELS = {
    TaxCategory.STANDARD: N_("Tax"),
    TaxCategory.ZERO_RATED: N_("Zero-rated"),
    TaxCategory.EXEMPT: N_("Exempt"),
    TaxCategory.REVERSE_CHARGE: N_("Reverse charge"),
    TaxCategory.INTRA_EU: N_("Intra-EU supply"),
    TaxCategory.EXPORT: N_("Export"),
    TaxCategory.OUTSIDE_SCOPE: N_("Not subject to VAT"),
}


@dataclass(frozen=True, slots=True)
class Fact:
    """One line beside the title: a label and a text, a date or a period (two dates)."""

    label: str
    value: str | dt.date | tuple[dt.date, dt.date]


@dataclass(frozen=True, slots=True)
class Sheet:
    """What one document shows, whatever its kind. Labels are English message ids (``N_("Invoice")``), put
    into the document's ``language`` when printed; ``reference`` is printed as given.

    ``settlement`` is what follows the total (amount paid, amount credited); ``amount_due``, when given, ends
    the totals and heads the page with its ``due_date``; ``payment_reference`` goes on the page and in the EPC
    QR code, which an invoice in euros with an IBAN and something due gets.
    """

    kind: str
    number_label: str
    number: str
    language: str
    currency: Currency
    paper_size: PaperSize
    seller: SellerProfile
    client: ClientRef
    line_items: tuple[LineItem, ...]
    subtotal: Decimal
    discount_total: Decimal
    taxes: tuple[TaxLine, ...]
    total: Decimal
    facts: tuple[Fact, ...] = ()
    reference: str | None = None
    settlement: tuple[tuple[str, Decimal], ...] = ()
    amount_due: Decimal | None = None
    due_date: dt.date | None = None
    payments: tuple[Payment, ...] = ()
    notes: str | None = None
    terms: str | None = None
    tax_exemption_reason: str | None = None
    bank: BankDetails | None = None
    payment_reference: str | None = None
    logo: Logo | None = None
    draft: bool = False
    author: str | None = None


def render(sheet: Sheet, created: dt.datetime, identity: str, archival: bool = False) -> bytes:
    """The document as PDF bytes, on its paper size, with its metadata (title = kind and number, except for an
    invoice: its number); PDF/A-3B when ``archival`` (the base of a Factur-X PDF). The same sheet, ``created``
    and ``identity`` (which names the document and its version, and makes its file identifier) give the same
    bytes."""
    with borb_setup.new_document(archival) as pdf:
        layout = _Layout(sheet, Styles.of(pdf.regular, pdf.bold))
        for page in layout.pages():
            pdf.document.append_page(page)
        title = f"{layout.words.gettext(sheet.kind)} {sheet.number}" if sheet.kind != N_("Invoice") else sheet.number
        return pdf.finish(title=title, author=sheet.author, created=created, identity=identity)


@dataclass(frozen=True, slots=True)
class Styles:
    body: Style
    bold: Style
    muted: Style
    small: Style
    label: Style
    heading: Style
    title: Style
    table_head: Style
    total: Style
    due: Style
    draft: Style

    @staticmethod
    def of(regular: borb_setup.MeasuredFont, bold: borb_setup.MeasuredFont) -> "Styles":
        return Styles(
            body=Style(regular, 9, INK, 12),
            bold=Style(bold, 9, INK, 12),
            muted=Style(regular, 9, MUTED, 12),
            small=Style(regular, 8, MUTED, 10.5),
            label=Style(bold, 7.5, MUTED, 11),
            heading=Style(bold, 15, INK, 19),
            title=Style(bold, 24, ACCENT, 28),
            table_head=Style(bold, 8, WHITE, 10),
            total=Style(bold, 10.5, INK, 14),
            due=Style(bold, 15, ACCENT, 19),
            draft=Style(bold, 110, DRAFT_INK, 110),
        )


def epc_qr(sheet: Sheet) -> segno.QRCode | None:
    """The EPC ("GiroCode") QR code that pays what is due by SEPA credit transfer, when the document is in euros
    with an IBAN and something due; the remittance text is the payment reference (the invoice number)."""
    bank = sheet.bank
    if sheet.currency.code != "EUR" or bank is None or not bank.iban or not sheet.amount_due:
        return None
    try:
        return segno.helpers.make_epc_qr(
            name=(sheet.seller.name or "")[:70],
            iban=bank.iban,
            amount=sheet.amount_due,
            text=(sheet.payment_reference or sheet.number)[:140],
            bic=bank.bic or None,
            encoding="utf-8",
        )
    except ValueError:  # beyond what a credit transfer carries (over 999,999,999.99, a name it cannot take)
        return None


def payment_entries(sheet: Sheet) -> list[tuple[str, str]]:
    """Where to pay, as (label, value) pairs with English labels: account holder, IBAN (grouped by four), BIC,
    bank, payment reference; empty without an IBAN. The PDF and the view page show these."""
    bank = sheet.bank
    if bank is None or not bank.iban:
        return []
    entries = [
        (N_("Account holder"), sheet.seller.name),
        (N_("IBAN"), _grouped_iban(bank.iban)),
        (N_("BIC"), bank.bic),
        (N_("Bank"), bank.bank_name),
        (N_("Payment reference"), sheet.payment_reference),
    ]
    return [(label, value) for label, value in entries if value]


def _grouped_iban(iban: str) -> str:
    return " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))


def _picture(logo: Logo, width: float, height: float) -> stream:
    """The logo as an image XObject, scaled down to ``LOGO_DPI`` at the size it is printed; a JPEG stays one
    when it needs no scaling, anything else becomes RGB pixels (with an alpha mask when it has transparency)."""
    image = Image.open(io.BytesIO(logo.data))
    most = (round(width * LOGO_DPI / 72), round(height * LOGO_DPI / 72))
    picture = stream()
    picture[name("Type")] = name("XObject")
    picture[name("Subtype")] = name("Image")
    picture[name("BitsPerComponent")] = 8
    if image.format == "JPEG" and image.mode == "RGB" and image.width <= most[0] and image.height <= most[1]:
        picture[name("Filter")] = name("DCTDecode")
        picture[name("Bytes")] = logo.data
        picture[name("Length")] = len(logo.data)
    else:
        image.thumbnail(most)
        rgba = image.convert("RGBA")
        picture[name("DecodedBytes")] = rgba.convert("RGB").tobytes()
        alpha = rgba.getchannel("A")
        if alpha.getextrema() != (255, 255):
            mask = stream()
            mask.update(
                {
                    name("Type"): name("XObject"),
                    name("Subtype"): name("Image"),
                    name("Width"): rgba.width,
                    name("Height"): rgba.height,
                    name("ColorSpace"): name("DeviceGray"),
                    name("BitsPerComponent"): 8,
                    name("Bytes"): zlib.compress(alpha.tobytes(), 9),
                    name("Filter"): name("FlateDecode"),
                }
            )
            mask[name("Length")] = len(mask["Bytes"])
            picture[name("SMask")] = mask
        image = rgba
    picture[name("Width")] = image.width
    picture[name("Height")] = image.height
    picture[name("ColorSpace")] = name("DeviceRGB")
    return picture


class _Layout:
    """Where everything goes on the pages of one document."""

    def __init__(self, sheet: Sheet, styles: Styles) -> None:
        self.sheet = sheet
        self.s = styles
        self.words: DocumentLocale = document_locale(sheet.language, sheet.seller.country)
        self.width, self.height = PAGE_SIZES[sheet.paper_size]
        self.left = MARGIN
        self.right = self.width - MARGIN
        self.seller = sheet.seller.name or ""
        self.title = self.words.gettext(sheet.kind)
        self.figures = [self._figures(item) for item in sheet.line_items]
        self.column_widths = self._column_widths()
        self.description_width = self.right - self.left - sum(self.column_widths)
        self.column_rights = list(itertools.accumulate(self.column_widths, initial=self.left + self.description_width))[
            1:
        ]
        self.qr = epc_qr(sheet)
        self.logo = self._logo()

    def _(self, message: str) -> str:
        return self.words.gettext(message)

    def money(self, value: Decimal) -> str:
        return self.words.money(value, self.sheet.currency)

    def _figures(self, item: LineItem) -> tuple[str, ...]:
        """What the number columns show for ``item``: the unit price with all its places, so that quantity ×
        unit price = amount can be checked on every line."""
        return (
            self.words.quantity(item.quantity),
            self.words.price(item.unit_price, self.sheet.currency),
            self.words.percent(item.tax_rate),
            self.money(item.amount),
        )

    def _column_widths(self) -> list[float]:
        """Number columns as wide as their widest figure (at least their usual width), together at most half
        the width; figures that still do not fit are set smaller."""
        s = self.s
        widths = []
        for index, (title, usual) in enumerate(NUMBER_COLUMNS):
            widest = max([s.table_head.width(self._(title)), *(s.body.width(f[index]) for f in self.figures)])
            widths.append(max(usual, widest + 2 * PAD))
        room = (self.right - self.left) * 0.5
        return widths if sum(widths) <= room else [w * room / sum(widths) for w in widths]

    def _logo(self) -> tuple[stream, float, float] | None:
        """The logo's image and printed size: ``LOGO_HEIGHT`` high, at most half the page wide."""
        logo = self.sheet.logo
        if logo is None or not logo.width or not logo.height:
            return None
        height = LOGO_HEIGHT
        width = logo.width * height / logo.height
        most = (self.right - self.left) / 2 - 12
        if width > most:
            width, height = most, logo.height * most / logo.width
        return _picture(logo, width, height), width, height

    # Pages --------------------------------------------------------------------------------------------------

    def pages(self) -> list[Page]:
        """Every page painted, with the same footer and, after the first, a running head."""
        first_top = self.height - MARGIN
        blocks = [
            self._heading(),
            *self._reference(),
            self._bill_to(),
            *self._items(),
            self._totals(),
            *self._payments(),
            *self._text(N_("VAT note"), self.sheet.tax_exemption_reason),
            *self._payment_details(),
            *self._text(N_("Notes"), self.sheet.notes),
            *self._text(N_("Terms"), self.sheet.terms),
        ]
        placed = paginate(blocks, Frame(first_top, BODY_BOTTOM), Frame(first_top - RUNNING_HEAD, BODY_BOTTOM))
        pages = []
        for number, page_blocks in enumerate(placed, start=1):
            page = Page(width_in_points=self.width, height_in_points=self.height)
            canvas = Canvas(page)
            if self.sheet.draft:
                self._draft_mark(canvas)
            if number > 1:
                self._running_head(canvas, first_top)
            for block, top in page_blocks:
                block.paint(canvas, top)
            self._footer(canvas, number, len(placed))
            canvas.close()
            pages.append(page)
        return pages

    def _draft_mark(self, canvas: Canvas) -> None:
        """DRAFT across the page, light, under everything else."""
        mark = self._("DRAFT")
        style = self.s.draft.fitted(mark, (self.width**2 + self.height**2) ** 0.5 * 0.7)
        canvas.text(self.width / 2, self.height / 2 - style.size * 0.35, mark, style, Align.CENTER, angle=54)

    def _running_head(self, canvas: Canvas, top: float) -> None:
        s = self.s
        title = f"{self.title} {self.sheet.number}"
        room = self.right - self.left - 24
        if s.bold.width(title) + s.muted.width(self.seller) <= room:
            canvas.text(self.right, top - 10, self.seller, s.muted, Align.RIGHT)
        canvas.text(self.left, top - 10, title, s.bold.fitted(title, room))
        canvas.box(self.left, top - 18, self.right - self.left, 0.6, RULE)

    def _footer(self, canvas: Canvas, number: int, count: int) -> None:
        s = self.s
        page = self._("Page {page} of {pages}").format(page=number, pages=count)
        room = self.right - self.left - s.small.width(page) - 24
        label = f"{self.sheet.number} · {self.seller}" if self.seller else self.sheet.number
        if s.small.width(label) > room:
            label = self.sheet.number
        canvas.box(self.left, FOOTER_BASELINE + 12, self.right - self.left, 0.6, RULE)
        canvas.text(self.left, FOOTER_BASELINE, label, s.small.fitted(label, room))
        canvas.text(self.right, FOOTER_BASELINE, page, s.small, Align.RIGHT)

    # Blocks -------------------------------------------------------------------------------------------------

    def _fact_value(self, value: str | dt.date | tuple[dt.date, dt.date]) -> str:
        if isinstance(value, tuple):
            start, end = value
            return self._("{start} – {end}").format(start=self.words.date(start), end=self.words.date(end))
        if isinstance(value, dt.date):
            return self.words.date(value)
        return value

    def _heading(self) -> Block:
        """The logo and the seller on the left; the title with number, dates and references on the right; a rule
        below."""
        s = self.s
        seller = self.sheet.seller
        facts = [(self._(self.sheet.number_label), self.sheet.number)] + [
            (self._(fact.label), self._fact_value(fact.value)) for fact in self.sheet.facts
        ]
        label_width = max(s.muted.width(label) for label, _value in facts) + 10
        value_width = max(s.bold.width(value) for _label, value in facts)
        facts_width = min((self.right - self.left) * 0.58, max(190, label_width + value_width))
        wrapped = [(label, wrap(value, s.bold, facts_width - label_width)) for label, value in facts]
        half = self.right - self.left - max(facts_width, (self.right - self.left) / 2) - 12
        title = s.title.fitted(self.title.upper(), facts_width)

        seller_name = wrap(self.seller, s.heading, half)
        home = self.sheet.client.country
        details = [
            *self.words.address(seller.address, seller.postal_code, seller.city, seller.country, home),
            *(part for part in (seller.email, seller.phone) if part),
        ]
        if seller.tax_id:
            details.append(self._("VAT ID: {id}").format(id=seller.tax_id))
        if seller.registration:
            details.append(self._("Registration: {entry}").format(entry=seller.registration))
        seller_lines = [line for part in details for line in wrap(part, s.muted, half)]
        logo_height = self.logo[2] + 10 if self.logo else 0

        seller_height = logo_height + len(seller_name) * s.heading.leading + 4 + len(seller_lines) * s.muted.leading
        facts_height = s.title.leading + 6 + sum(len(values) for _label, values in wrapped) * s.body.leading
        content_height = max(seller_height, facts_height)

        def paint(canvas: Canvas, top: float) -> None:
            y = top
            if self.logo:
                picture, width, height = self.logo
                canvas.image(self.left, top - height, width, height, picture)
                y -= logo_height
            y -= s.heading.size
            for line in seller_name:
                canvas.text(self.left, y, line, s.heading)
                y -= s.heading.leading
            y += s.heading.leading - s.muted.leading - 4
            for line in seller_lines:
                canvas.text(self.left, y, line, s.muted)
                y -= s.muted.leading
            canvas.text(self.right, top - title.size + 4, self.title.upper(), title, Align.RIGHT)
            y = top - s.title.leading - 6
            for label, values in wrapped:
                canvas.text(self.right - facts_width, y, label, s.muted)
                for value in values:
                    canvas.text(self.right, y, value, s.bold, Align.RIGHT)
                    y -= s.body.leading
            canvas.box(self.left, top - content_height - 12, self.right - self.left, 0.6, RULE)

        return Block(content_height + 24, paint)

    def _reference(self) -> list[Block]:
        """The reference line (the invoice a credit note corrects, say), in bold under the heading."""
        if not self.sheet.reference:
            return []
        s = self.s
        lines = wrap(self.sheet.reference, s.total, self.right - self.left)

        def paint(canvas: Canvas, top: float) -> None:
            for index, line in enumerate(lines):
                canvas.text(self.left, top - s.total.size - index * s.total.leading, line, s.total)

        return [Block(len(lines) * s.total.leading + 12, paint)]

    def _bill_to(self) -> Block:
        """The client on the left; what is due (or the total) and its date on the right."""
        s = self.s
        half = (self.right - self.left) / 2 - 12
        client = self.sheet.client
        client_name = wrap(client.name, s.total, half)
        home = self.sheet.seller.country
        details = [
            *self.words.address(client.address, client.postal_code, client.city, client.country, home),
            *(part for part in (client.email,) if part),
        ]
        if client.tax_id:
            details.append(self._("VAT ID: {id}").format(id=client.tax_id))
        client_lines = [line for part in details for line in wrap(part, s.body, half)]
        client_height = s.label.leading + len(client_name) * s.total.leading + len(client_lines) * s.body.leading
        due = self.sheet.amount_due
        headline = (self._("Amount due"), due) if due is not None else (self._("Total"), self.sheet.total)
        due_on = (
            self._("Due {date}").format(date=self.words.date(self.sheet.due_date))
            if self.sheet.due_date and due
            else None
        )
        due_height = s.label.leading + s.due.leading + (s.body.leading if due_on else 0)

        def paint(canvas: Canvas, top: float) -> None:
            canvas.text(self.left, top - 8, self._("Bill to").upper(), s.label)
            y = top - s.label.leading - s.total.size
            for line in client_name:
                canvas.text(self.left, y, line, s.total)
                y -= s.total.leading
            for line in client_lines:
                canvas.text(self.left, y, line, s.body)
                y -= s.body.leading
            canvas.text(self.right, top - 8, headline[0].upper(), s.label, Align.RIGHT)
            amount = self.money(headline[1])
            canvas.text(self.right, top - 8 - s.due.leading, amount, s.due.fitted(amount, half), Align.RIGHT)
            if due_on:
                canvas.text(self.right, top - 8 - s.due.leading - s.body.leading, due_on, s.muted, Align.RIGHT)

        return Block(max(client_height, due_height) + 16, paint)

    def _items(self) -> list[Block]:
        """The line items as table rows under a header that repeats on every page they reach."""
        s = self.s
        header_height = s.table_head.leading + 2 * ROW_PAD + 4

        def paint_header(canvas: Canvas, top: float) -> None:
            canvas.box(self.left, top - header_height, self.right - self.left, header_height, ACCENT)
            baseline = top - ROW_PAD - s.table_head.size - 2
            canvas.text(self.left + PAD, baseline, self._("Description"), s.table_head)
            for (title, _usual), right in zip(NUMBER_COLUMNS, self.column_rights, strict=True):
                canvas.text(right - PAD, baseline, self._(title), s.table_head, Align.RIGHT)

        header = Block(header_height, paint_header)
        page_room = self.height - MARGIN - RUNNING_HEAD - BODY_BOTTOM - header_height
        text_width = self.description_width - 2 * PAD
        rows: list[Block] = []
        for item, figures in zip(self.sheet.line_items, self.figures, strict=True):
            lines = [(line, s.body) for line in wrap(item.description, s.body, text_width)]
            if item.discount:
                note = self._("Discount {rate}: −{amount}").format(
                    rate=self.words.percent(item.discount_rate), amount=self.money(item.discount)
                )
                net = self._("Net {amount}").format(amount=self.money(item.amount - item.discount))
                lines += [(line, s.small) for line in wrap(f"{note} · {net}", s.small, text_width)]
            if sum(style.leading for _line, style in lines) + 2 * ROW_PAD <= page_room / 2:
                rows.append(self._row(lines, figures, header, ruled=True))
            else:  # a row this tall flows line by line, filling pages like the rows around it
                rows += [
                    self._row([entry], figures if i == 0 else (), header, ruled=i == len(lines) - 1)
                    for i, entry in enumerate(lines)
                ]
        return rows

    def _row(self, lines: Sequence[tuple[str, Style]], figures: Sequence[str], header: Block, ruled: bool) -> Block:
        """Description lines of one item, with its figures (on its first row) and a rule below when ``ruled``;
        the padding above goes with the figures, the padding below with the rule. A row that continues an item
        gets the padding above when it is the first under the header of a new page."""
        s = self.s
        pad_above = ROW_PAD if figures else 0
        height = sum(style.leading for _line, style in lines) + pad_above + (ROW_PAD if ruled else 0)

        def paint(canvas: Canvas, top: float) -> None:
            baseline = top - pad_above - s.body.size
            y = baseline
            for line, style in lines:
                canvas.text(self.left + PAD, y, line, style)
                y -= style.leading
            for figure, right, width in zip(figures, self.column_rights, self.column_widths, strict=False):
                canvas.text(right - PAD, baseline, figure, s.body.fitted(figure, width - 2 * PAD), Align.RIGHT)
            if ruled:
                canvas.box(self.left, top - height, self.right - self.left, 0.5, RULE)

        return Block(height, paint, header, lead=ROW_PAD - pad_above)

    def _summary_width(self, rows: Sequence[tuple[str, str]]) -> float:
        widest = max(self.s.total.width(label) + self.s.total.width(value) for label, value in rows)
        return min(self.right - self.left, max(270, widest + 3 * PAD + 12))

    def _totals(self) -> Block:
        """Subtotal, discount and net; every tax group with its base (0 % ones too, so the bases add up to the
        net); the total; what was paid or credited and what is due. Right-aligned under the table."""
        s = self.s
        sheet = self.sheet
        rows: list[tuple[str, str, Style]] = [(self._("Subtotal"), self.money(sheet.subtotal), s.body)]
        if sheet.discount_total:
            rows.append((self._("Discount"), f"−{self.money(sheet.discount_total)}", s.body))
            rows.append((self._("Net total"), self.money(sheet.subtotal - sheet.discount_total), s.body))
        for tax in sheet.taxes:
            label = self._("{category} {rate} on {base}").format(
                category=self._(CATEGORY_LABELS[tax.category]),
                rate=self.words.percent(tax.rate),
                base=self.money(tax.base),
            )
            rows.append((label, self.money(tax.tax), s.body))
        total_at = len(rows)
        rows.append((self._("Total"), self.money(sheet.total), s.total))
        rows += [(self._(label), f"−{self.money(amount)}", s.body) for label, amount in sheet.settlement if amount]
        if sheet.amount_due is not None and any(amount for _label, amount in sheet.settlement):
            rows.append((self._("Amount due"), self.money(sheet.amount_due), s.total))
        row_height = 15
        width = self._summary_width([(label, value) for label, value, _style in rows])
        height = 8 + row_height * len(rows) + 10

        def paint(canvas: Canvas, top: float) -> None:
            x = self.right - width
            y = top - 8
            for index, (label, value, style) in enumerate(rows):
                if index == total_at:
                    canvas.box(x, y - 1, width, 0.8, INK)
                if index == len(rows) - 1 and index != total_at:
                    canvas.box(x, y - row_height, width, row_height, ACCENT_LIGHT)
                baseline = y - row_height + 4.5
                canvas.text(x + PAD, baseline, label, style if style is s.total else s.muted)
                canvas.text(self.right - PAD, baseline, value, style, Align.RIGHT)
                y -= row_height

        return Block(height, paint, keep_with_previous=True)

    def _payments(self) -> list[Block]:
        """The payments received, each with its date and method, right-aligned under the totals."""
        payments = self.sheet.payments
        if not payments:
            return []
        s = self.s
        rows = [
            (" · ".join(part for part in (self.words.date(p.date), p.method) if part), self.money(p.amount))
            for p in payments
        ]
        width = self._summary_width(rows)
        row_height = 13

        heading = self._("Payments received").upper()
        heading_height = s.label.leading + 4

        def row(label: str, value: str, first: bool) -> Block:
            """One payment; the first carries the heading, so that the heading never ends a page alone."""
            above = heading_height if first else 0

            def paint(canvas: Canvas, top: float) -> None:
                if first:
                    canvas.text(self.right - width + PAD, top - s.label.size - 4, heading, s.label)
                baseline = top - above - row_height + 4
                canvas.text(self.right - width + PAD, baseline, label, s.muted.fitted(label, width / 2))
                canvas.text(self.right - PAD, baseline, value, s.body, Align.RIGHT)

            return Block(above + row_height, paint)

        return [*(row(*r, first=i == 0) for i, r in enumerate(rows)), gap(10)]

    def _payment_details(self) -> list[Block]:
        """Where to pay: account holder, IBAN, BIC, bank and the payment reference on the left, the EPC QR code
        on the right."""
        bank = self.sheet.bank
        if bank is None or not bank.iban:
            return []
        s = self.s
        shown = [(self._(label), value) for label, value in payment_entries(self.sheet)]
        label_width = max(s.muted.width(label) for label, _value in shown) + 12
        text_width = self.right - self.left - label_width - (QR_SIZE + 24 if self.qr else 0)
        lines = [(label, wrap(value, s.bold, text_width)) for label, value in shown]
        text_height = s.label.leading + 4 + sum(len(values) for _label, values in lines) * s.body.leading
        caption = self._("Scan to pay")
        height = max(text_height, QR_SIZE + s.small.leading if self.qr else 0) + 12

        def paint(canvas: Canvas, top: float) -> None:
            canvas.box(self.left, top, self.right - self.left, 0.6, RULE)
            canvas.text(self.left, top - s.label.size - 8, self._("Payment details").upper(), s.label)
            y = top - s.label.leading - 4 - s.body.size - 4
            for label, values in lines:
                canvas.text(self.left, y, label, s.muted)
                for value in values:
                    canvas.text(self.left + label_width, y, value, s.bold)
                    y -= s.body.leading
            if self.qr:
                rows = [tuple(row) for row in self.qr.matrix]
                module = QR_SIZE / (len(rows) + 8)  # the four-module quiet zone on each side is part of QR_SIZE
                left = self.right - QR_SIZE
                canvas.modules(left + 4 * module, top - 4 - 4 * module, module, rows, BLACK)
                canvas.text(left + QR_SIZE / 2, top - 4 - QR_SIZE - s.small.size + 4, caption, s.small, Align.CENTER)

        return [gap(4), Block(height, paint), gap(6)]

    def _text(self, title: str, text: str | None) -> list[Block]:
        """A titled text (the VAT note, notes, terms), a line per block so that long ones flow onto the next
        page; the title stays with the first line."""
        if not text:
            return []
        s = self.s
        heading_height = s.label.leading + 4
        lines = wrap(text, s.body, self.right - self.left)
        heading = self._(title).upper()
        blocks = [self._text_line(line, heading if i == 0 else None, heading_height) for i, line in enumerate(lines)]
        return [*blocks, gap(10)]

    def _text_line(self, line: str, title: str | None, heading_height: float) -> Block:
        s = self.s
        height = s.body.leading + (heading_height if title else 0)

        def paint(canvas: Canvas, top: float) -> None:
            if title:
                canvas.text(self.left, top - s.label.size, title, s.label)
                top -= heading_height
            canvas.text(self.left, top - s.body.size, line, s.body)

        return Block(height, paint)
