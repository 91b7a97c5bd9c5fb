"""The invoice as a PDF: a pure function of the invoice and its account, no database inside."""

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from borb.pdf import Font, HexColor, Page

from cleverinvo.core import clock
from cleverinvo.core.i18n.catalogs import N_
from cleverinvo.core.i18n.locales import DocumentLocale, document_locale
from cleverinvo.core.pdf import borb_setup
from cleverinvo.core.pdf.layout import Align, Block, Canvas, Frame, Style, paginate, wrap
from cleverinvo.core.records import Account, Invoice, LineItem, PaperSize

PAGE_SIZES = {PaperSize.A4: (595, 842), PaperSize.LETTER: (612, 792)}
MARGIN = 48
FOOTER_BASELINE = 30
BODY_BOTTOM = 60
PAD = 6  # inside table cells, left and right
ROW_PAD = 5  # inside table rows, above and below

INK = HexColor("1F2937")
MUTED = HexColor("6B7280")
ACCENT = HexColor("1F3A5F")
ACCENT_LIGHT = HexColor("E8EEF6")
RULE = HexColor("D9DEE5")
WHITE = HexColor("FFFFFF")

# Columns right of the description: title and width in points; their contents are right-aligned.
NUMBER_COLUMNS = ((N_("Qty"), 50), (N_("Unit price"), 84), (N_("Tax"), 46), (N_("Amount"), 90))


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

    @staticmethod
    def of(regular: Font, bold: Font) -> "Styles":
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
        )


def render_invoice(invoice: Invoice, account: Account) -> bytes:
    """The invoice as PDF bytes, on the account's paper size, with its metadata (title = invoice number)."""
    with borb_setup.new_document() as pdf:
        layout = _InvoiceLayout(invoice, account, Styles.of(pdf.regular, pdf.bold))
        for page in layout.pages():
            pdf.document.append_page(page)
        return pdf.finish(title=invoice.number, author=layout.seller, created=clock.now())


def _space(height: float) -> Block:
    return Block(height, lambda _canvas, _top: None)


def _lines(*parts: str | None) -> list[str]:
    """Non-empty parts, each split at its own line breaks."""
    return [line.strip() for part in parts if part for line in part.splitlines() if line.strip()]


class _InvoiceLayout:
    """Where everything goes on the pages of one invoice."""

    def __init__(self, invoice: Invoice, account: Account, styles: Styles) -> None:
        self.invoice = invoice
        self.account = account
        self.s = styles
        self.words: DocumentLocale = document_locale("en")
        self.width, self.height = PAGE_SIZES[account.paper_size]
        self.left = MARGIN
        self.right = self.width - MARGIN
        self.seller = account.seller.name or account.name
        self.figures = [self._figures(item) for item in invoice.line_items]
        self.column_widths = self._column_widths()
        self.description_width = self.right - self.left - sum(self.column_widths)
        self.column_rights = list(itertools.accumulate(self.column_widths, initial=self.left + self.description_width))[
            1:
        ]

    def _figures(self, item: LineItem) -> tuple[str, ...]:
        """What the number columns show for ``item``."""
        return (
            self.words.quantity(item.quantity),
            self.words.price(item.unit_price, self.invoice.currency),
            self.words.percent(item.tax_rate),
            self.money(item.amount),
        )

    def _column_widths(self) -> list[float]:
        """Number columns as wide as their widest figure (at least their usual width), together at most 60% of
        the width; figures that still do not fit are set smaller."""
        s = self.s
        widths = []
        for index, (title, usual) in enumerate(NUMBER_COLUMNS):
            widest = max(
                [s.table_head.width(self.words.gettext(title)), *(s.body.width(f[index]) for f in self.figures)]
            )
            widths.append(max(usual, widest + 2 * PAD))
        room = (self.right - self.left) * 0.6
        return widths if sum(widths) <= room else [w * room / sum(widths) for w in widths]

    def money(self, value: Decimal) -> str:
        return self.words.money(value, self.invoice.currency)

    # Pages --------------------------------------------------------------------------------------------------

    def pages(self) -> list[Page]:
        """Every page painted, with the same footer and, after the first, a running head."""
        first_top = self.height - MARGIN
        placed = paginate(
            [self._heading(), self._bill_to(), *self._items(), self._totals(), *self._notes()],
            Frame(first_top, BODY_BOTTOM),
            Frame(first_top - 34, BODY_BOTTOM),
        )
        pages = []
        for number, blocks in enumerate(placed, start=1):
            page = Page(width_in_points=self.width, height_in_points=self.height)
            canvas = Canvas(page)
            if number > 1:
                self._running_head(canvas, first_top)
            for block, top in blocks:
                block.paint(canvas, top)
            self._footer(canvas, number, len(placed))
            pages.append(page)
        return pages

    def _running_head(self, canvas: Canvas, top: float) -> None:
        s = self.s
        title = f"{self.words.gettext('Invoice')} {self.invoice.number}"
        room = self.right - self.left - 24
        if s.bold.width(title) + s.muted.width(self.seller) <= room:
            canvas.text(self.right, top - 10, self.seller, s.muted, Align.RIGHT)
        canvas.text(self.left, top - 10, title, s.bold.fitted(title, room))
        canvas.box(self.left, top - 18, self.right - self.left, 0.6, RULE)

    def _footer(self, canvas: Canvas, number: int, count: int) -> None:
        s = self.s
        page = self.words.gettext("Page {page} of {pages}").format(page=number, pages=count)
        room = self.right - self.left - s.small.width(page) - 24
        label = f"{self.invoice.number} · {self.seller}"
        if s.small.width(label) > room:
            label = self.invoice.number
        canvas.box(self.left, FOOTER_BASELINE + 12, self.right - self.left, 0.6, RULE)
        canvas.text(self.left, FOOTER_BASELINE, label, s.small.fitted(label, room))
        canvas.text(self.right, FOOTER_BASELINE, page, s.small, Align.RIGHT)

    # Blocks -------------------------------------------------------------------------------------------------

    def _heading(self) -> Block:
        """The seller on the left; INVOICE with number and dates on the right; a rule below."""
        s = self.s
        half = (self.right - self.left) / 2 - 12
        seller = self.account.seller
        seller_name = wrap(self.seller, s.heading, half)
        seller_lines = [
            line for part in _lines(seller.address, seller.email, seller.phone) for line in wrap(part, s.muted, half)
        ]
        if seller.tax_id:
            seller_lines += wrap(self.words.gettext("VAT ID: {id}").format(id=seller.tax_id), s.muted, half)
        facts_width = 190
        labels = [self.words.gettext(label) for label in ("Invoice number", "Issue date", "Due date")]
        value_width = facts_width - max(s.muted.width(label) for label in labels) - 12
        facts = [
            (label, wrap(value, s.bold, value_width))
            for label, value in zip(
                labels,
                (self.invoice.number, self.words.date(self.invoice.issue_date), self.words.date(self.invoice.due_date)),
                strict=True,
            )
        ]
        seller_height = len(seller_name) * s.heading.leading + 4 + len(seller_lines) * s.muted.leading
        facts_height = s.title.leading + 6 + sum(len(values) for _label, values in facts) * s.body.leading
        content_height = max(seller_height, facts_height)

        def paint(canvas: Canvas, top: float) -> None:
            y = top - s.heading.size
            for line in seller_name:
                canvas.text(self.left, y, line, s.heading)
                y -= s.heading.leading
            y += s.heading.leading - s.muted.leading - 4
            for line in seller_lines:
                canvas.text(self.left, y, line, s.muted)
                y -= s.muted.leading
            canvas.text(self.right, top - s.title.size + 4, self.words.gettext("Invoice").upper(), s.title, Align.RIGHT)
            y = top - s.title.leading - 6
            for label, values in facts:
                canvas.text(self.right - facts_width, y, label, s.muted)
                for value in values:
                    canvas.text(self.right, y, value, s.bold, Align.RIGHT)
                    y -= s.body.leading
            canvas.box(self.left, top - content_height - 16, self.right - self.left, 0.6, RULE)

        return Block(content_height + 30, paint)

    def _bill_to(self) -> Block:
        """The client on the left, the amount due and its date on the right."""
        s = self.s
        half = (self.right - self.left) / 2 - 12
        client = self.invoice.client
        client_name = wrap(client.name, s.total, half)
        client_lines = [line for part in _lines(client.email, client.address) for line in wrap(part, s.body, half)]
        if client.tax_id:
            client_lines += wrap(self.words.gettext("VAT ID: {id}").format(id=client.tax_id), s.body, half)
        client_height = s.label.leading + len(client_name) * s.total.leading + len(client_lines) * s.body.leading
        due_height = s.label.leading + s.due.leading + s.body.leading

        def paint(canvas: Canvas, top: float) -> None:
            canvas.text(self.left, top - 8, self.words.gettext("Bill to").upper(), s.label)
            y = top - s.label.leading - s.total.size
            for line in client_name:
                canvas.text(self.left, y, line, s.total)
                y -= s.total.leading
            for line in client_lines:
                canvas.text(self.left, y, line, s.body)
                y -= s.body.leading
            canvas.text(self.right, top - 8, self.words.gettext("Amount due").upper(), s.label, Align.RIGHT)
            canvas.text(self.right, top - 8 - s.due.leading, self.money(self.invoice.amount_due), s.due, Align.RIGHT)
            due_on = self.words.gettext("Due {date}").format(date=self.words.date(self.invoice.due_date))
            canvas.text(self.right, top - 8 - s.due.leading - s.body.leading, due_on, s.muted, Align.RIGHT)

        return Block(max(client_height, due_height) + 24, paint)

    def _items(self) -> list[Block]:
        """The line items as table rows under a header that repeats on every page they reach."""
        s = self.s
        header_height = s.table_head.leading + 2 * ROW_PAD + 2

        def paint_header(canvas: Canvas, top: float) -> None:
            canvas.box(self.left, top - header_height, self.right - self.left, header_height, ACCENT)
            baseline = top - ROW_PAD - s.table_head.size - 1
            canvas.text(self.left + PAD, baseline, self.words.gettext("Description"), s.table_head)
            for (title, _usual), right in zip(NUMBER_COLUMNS, self.column_rights, strict=True):
                canvas.text(right - PAD, baseline, self.words.gettext(title), s.table_head, Align.RIGHT)

        header = Block(header_height, paint_header)
        page_room = self.height - MARGIN - 34 - BODY_BOTTOM - header_height
        rows: list[Block] = []
        for item, figures in zip(self.invoice.line_items, self.figures, strict=True):
            lines = [(line, s.body) for line in wrap(item.description, s.body, self.description_width - 2 * PAD)]
            if item.discount:
                note = self.words.gettext("Discount {rate}: −{amount}").format(
                    rate=self.words.percent(item.discount_rate), amount=self.money(item.discount)
                )
                lines += [(line, s.small) for line in wrap(note, s.small, self.description_width - 2 * PAD)]
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
        the padding above goes with the figures, the padding below with the rule."""
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

        return Block(height, paint, header)

    def _totals(self) -> Block:
        """Subtotal, discount, tax per rate, total, paid and due, right-aligned under the table."""
        s = self.s
        inv = self.invoice
        rows: list[tuple[str, str, Style]] = [("Subtotal", self.money(inv.subtotal), s.body)]
        if inv.discount_total:
            rows.append(("Discount", f"−{self.money(inv.discount_total)}", s.body))
        for tax in inv.taxes:
            if tax.rate or tax.tax:
                label = self.words.gettext("{category} {rate} on {base}").format(
                    category=self.words.gettext("Tax"), rate=self.words.percent(tax.rate), base=self.money(tax.base)
                )
                rows.append((label, self.money(tax.tax), s.body))
        rows.append(("Total", self.money(inv.total), s.total))
        rows.append(("Amount paid", self.money(inv.amount_paid), s.body))
        rows.append(("Amount due", self.money(inv.amount_due), s.total))
        row_height = 17
        rows = [(self.words.gettext(label), value, style) for label, value, style in rows]
        widest = max(s.total.width(label) + s.total.width(value) for label, value, _style in rows)
        width = min(self.right - self.left, max(270, widest + 3 * PAD + 12))
        height = 14 + row_height * len(rows) + 20

        def paint(canvas: Canvas, top: float) -> None:
            x = self.right - width
            y = top - 14
            for label, value, style in rows:
                if label == self.words.gettext("Total"):
                    canvas.box(x, y - 1, width, 0.8, INK)
                if label == self.words.gettext("Amount due"):
                    canvas.box(x, y - row_height, width, row_height, ACCENT_LIGHT)
                baseline = y - row_height + 5
                canvas.text(x + PAD, baseline, label, style if style is s.total else s.muted)
                canvas.text(self.right - PAD, baseline, value, style, Align.RIGHT)
                y -= row_height

        return Block(height, paint, keep_with_previous=True)

    def _notes(self) -> list[Block]:
        """Notes and terms, a line per block so that long ones flow onto the next page."""
        s = self.s
        blocks: list[Block] = []
        for title, text in ((N_("Notes"), self.invoice.notes), (N_("Terms"), self.invoice.terms)):
            if not text:
                continue
            lines = wrap(text, s.body, self.right - self.left)
            heading_height = s.label.leading + 4
            for index, line in enumerate(lines):
                blocks.append(
                    self._note_line(line, self.words.gettext(title).upper() if index == 0 else None, heading_height)
                )
            blocks.append(_space(12))
        return blocks

    def _note_line(self, line: str, title: str | None, heading_height: float) -> Block:
        s = self.s
        height = s.body.leading + (heading_height if title else 0)

        def paint(canvas: Canvas, top: float) -> None:
            if title:
                canvas.text(self.left, top - s.label.size, title, s.label)
                top -= heading_height
            canvas.text(self.left, top - s.body.size, line, s.body)

        return Block(height, paint)
