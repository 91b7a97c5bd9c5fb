"""How fast is the invoice PDF? Our borb renderer beside reportlab drawing the same document, in one run.

    /work/venv/bin/python bench/pdf.py              # median of 1-item and 120-item renders, and the ratios
    /work/venv/bin/python bench/pdf.py --png docs   # also: page 1 of a typical invoice and the last page of
                                                    # the 120-item one as PNG (needs pdftoppm, poppler-utils)

reportlab is for this comparison only, not a dependency: ``/work/venv/bin/pip install reportlab``.
"""

import argparse
import datetime as dt
import functools
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from cleverinvo.core.billing.totals import LineInput, compute_totals
from cleverinvo.core.money import currency, format_money, format_quantity
from cleverinvo.core.pdf import render_invoice
from cleverinvo.core.records import (
    Account,
    ClientRef,
    Invoice,
    LineItem,
    PaperSize,
    Payment,
    Plan,
    SellerProfile,
    Status,
)

SERVICES = (
    ("Web development: checkout flow, cart and payment provider integration", "40", "125.00", "10"),
    ("UX workshop with the product team (two days, on site in Łódź)", "2", "950.00", "10"),
    ("Hosting and monitoring, November", "1", "89.90", "20"),
    ("Copywriting for the landing page – English and Polish", "6.5", "60.00", "0"),
)


def sample(items: int, notes: bool = True) -> tuple[Invoice, Account]:
    """A believable invoice with ``items`` line items (cycling through a few services), and its account."""
    cur = currency("USD")
    inputs = []
    lines = []
    for index in range(items):
        text, quantity, price, rate = SERVICES[index % len(SERVICES)]
        discount = Decimal(10) if index % 4 == 1 else Decimal(0)
        inputs.append(LineInput(Decimal(quantity), Decimal(price), Decimal(rate), discount))
        lines.append(text if items <= len(SERVICES) else f"{index + 1:03d}. {text}")
    totals = compute_totals(inputs, cur)
    now = dt.datetime(2026, 11, 24, 9, 30)
    paid = Decimal("1000.00")
    invoice = Invoice(
        id="inv_sample",
        client_id="cl_sample",
        number="INV-0042",
        currency=cur,
        issue_date=dt.date(2026, 11, 24),
        due_date=dt.date(2026, 12, 24),
        subtotal=totals.subtotal,
        discount_total=totals.discount_total,
        tax_total=totals.tax_total,
        total=totals.total,
        amount_paid=paid,
        status=Status.PARTIALLY_PAID,
        created_at=now,
        updated_at=now,
        client=ClientRef(
            id="cl_sample",
            name="Acme Corporation Ltd.",
            email="billing@acme.example",
            address="1200 Market Street, Suite 400\nSan Francisco, CA 94102\nUnited States",
            tax_id="US 94-1234567",
        ),
        line_items=tuple(
            LineItem(description, i.quantity, i.unit_price, i.tax_rate, i.discount_rate, t.amount, t.discount)
            for description, i, t in zip(lines, inputs, totals.lines, strict=True)
        ),
        taxes=totals.taxes,
        payments=(Payment("pay_1", "inv_sample", paid, dt.date(2026, 11, 30), "bank transfer", None, now),),
        notes="Thank you for your business!\nQuestions about this invoice: zoe@orsted.example" if notes else None,
        terms="Payment within 30 days by bank transfer to IBAN PL61 1090 1014 0000 0712 1981 2874." if notes else None,
        sent_via_email=False,
        sent_at=None,
        viewed_at=None,
        paid_at=None,
        version=1,
    )
    account = Account(
        id="acc_sample",
        name="default",
        plan=Plan.UNLIMITED,
        created_at=now,
        seller=SellerProfile(
            name="Zoë Ørsted – Łódź Studio",
            address="ul. Piotrkowska 104\n90-926 Łódź, Poland",
            email="zoe@orsted.example",
            tax_id="PL 725-123-45-67",
            phone="+48 42 123 45 67",
        ),
        number_prefix="INV-",
        number_width=4,
        next_number=43,
        default_currency="USD",
        payment_terms_days=30,
        paper_size=PaperSize.A4,
    )
    return invoice, account


def reportlab_render(invoice: Invoice, account: Account) -> bytes:
    """The same document drawn with reportlab's platypus: header, bill-to, a table that repeats its header,
    totals, notes, "Page N of M", in the same embedded DejaVu subset."""
    import io

    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    from cleverinvo.core.pdf import borb_setup

    if "DejaVu" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("DejaVu", str(borb_setup.REGULAR)))
        pdfmetrics.registerFont(TTFont("DejaVu-Bold", str(borb_setup.BOLD)))
    body = ParagraphStyle("body", fontName="DejaVu", fontSize=9, leading=12)
    bold = ParagraphStyle("bold", parent=body, fontName="DejaVu-Bold")
    right = ParagraphStyle("right", parent=body, alignment=2)

    def money(value: Decimal) -> str:
        return format_money(value, invoice.currency)

    seller = account.seller
    story = [
        Table(
            [
                [Paragraph(seller.name or account.name, bold), Paragraph("INVOICE", right)],
                [Paragraph((seller.address or "").replace("\n", "<br/>"), body), Paragraph(invoice.number, right)],
                [Paragraph(seller.email or "", body), Paragraph(str(invoice.due_date), right)],
            ]
        ),
        Spacer(0, 20),
        Paragraph(invoice.client.name, bold),
        Paragraph((invoice.client.address or "").replace("\n", "<br/>"), body),
        Spacer(0, 20),
    ]
    rows = [["Description", "Qty", "Unit price", "Tax", "Amount"]]
    for item in invoice.line_items:
        rows.append(
            [
                Paragraph(item.description, body),
                format_quantity(item.quantity),
                money(item.unit_price),
                f"{format_quantity(item.tax_rate)}%",
                money(item.amount),
            ]
        )
    table = Table(rows, colWidths=[229, 50, 84, 46, 90], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, 0), "DejaVu-Bold", 8),
                ("FONT", (0, 1), (-1, -1), "DejaVu", 9),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#1F3A5F")),
                ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
                ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 1), (-1, -1), 0.5, colors.HexColor("#D9DEE5")),
            ]
        )
    )
    totals = [["Subtotal", money(invoice.subtotal)], ["Discount", money(invoice.discount_total)]]
    totals += [[f"Tax {format_quantity(t.rate)}%", money(t.tax)] for t in invoice.taxes]
    totals += [
        ["Total", money(invoice.total)],
        ["Paid", money(invoice.amount_paid)],
        ["Due", money(invoice.amount_due)],
    ]
    totals_table = Table(totals, colWidths=[150, 120], hAlign="RIGHT")
    totals_table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), "DejaVu", 9), ("ALIGN", (1, 0), (1, -1), "RIGHT")]))
    story += [table, Spacer(0, 12), totals_table, Spacer(0, 12), Paragraph(invoice.notes or "", body)]
    story.append(Paragraph(invoice.terms or "", body))

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, title=invoice.number, author=seller.name or account.name)
    doc.build(story, canvasmaker=_numbered_canvas())
    return buffer.getvalue()


def _numbered_canvas() -> type:
    """reportlab's recipe for "Page N of M": keep each page's state, then stamp the count on all of them."""
    from reportlab.pdfgen.canvas import Canvas

    class NumberedCanvas(Canvas):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, **kwargs)
            self.states: list[dict] = []

        def showPage(self) -> None:
            self.states.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            for state in self.states:
                self.__dict__.update(state)
                self.setFont("DejaVu", 8)
                self.drawRightString(547, 30, f"Page {self._pageNumber} of {len(self.states)}")
                super().showPage()
            super().save()

    return NumberedCanvas


def median_seconds(render: Callable[[], bytes], runs: int) -> float:
    """The median wall time of ``runs`` calls, after one warm-up call."""
    render()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        render()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def export_pngs(folder: Path) -> None:
    """Page 1 of a typical invoice and the last page of the 120-item one, at 80 dpi, for people to look at."""
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for items, page, name in ((4, "1", "pdf-invoice-page1"), (120, None, "pdf-invoice-120-last")):
            pdf = Path(tmp) / f"{name}.pdf"
            pdf.write_bytes(render_invoice(*sample(items)))
            if page is None:
                info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
                page = next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:"))
            target = folder / name
            subprocess.run(
                ["pdftoppm", "-png", "-r", "80", "-f", page, "-l", page, "-singlefile", str(pdf), str(target)],
                check=True,
            )
            print(f"{target}.png")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=15, help="timed renders per figure (default 15)")
    parser.add_argument("--png", type=Path, metavar="FOLDER", help="also write the example PNGs into FOLDER")
    args = parser.parse_args()
    start = time.perf_counter()
    render_invoice(*sample(1))
    print(f"first render (loads borb and the font): {(time.perf_counter() - start) * 1000:.0f} ms")
    if args.png:
        export_pngs(args.png)
    try:
        import reportlab  # noqa: F401
    except ImportError:
        sys.exit("reportlab is needed for the comparison: /work/venv/bin/pip install reportlab")
    print(f"{'items':>5}  {'borb (ours)':>12}  {'reportlab':>10}  {'ratio':>6}")
    for items in (1, 120):
        invoice, account = sample(items)
        ours = median_seconds(functools.partial(render_invoice, invoice, account), args.runs)
        theirs = median_seconds(functools.partial(reportlab_render, invoice, account), args.runs)
        print(f"{items:>5}  {ours * 1000:>9.1f} ms  {theirs * 1000:>7.1f} ms  {ours / theirs:>5.1f}×")


if __name__ == "__main__":
    main()
