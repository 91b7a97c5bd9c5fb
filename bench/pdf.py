"""How fast is the invoice PDF? Our borb renderer beside reportlab drawing the same document, in one run.

    python bench/pdf.py              # median render time and file size of 1, 120 and 1,000 items, and the ratios
    python bench/pdf.py --png docs   # also: page 1 of a German, a French and a Polish invoice with a logo as PNG
                                     # (needs pdftoppm, poppler-utils)

reportlab is for this comparison only, not a dependency: ``pip install reportlab``.
"""

import argparse
import dataclasses
import datetime as dt
import functools
import io
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from cleverinvo.core.billing.taxes import TaxCategory
from cleverinvo.core.billing.totals import LineInput, compute_totals
from cleverinvo.core.money import currency, format_money, format_quantity
from cleverinvo.core.pdf import render_invoice
from cleverinvo.core.records import (
    Account,
    BankDetails,
    ClientRef,
    Invoice,
    Language,
    LineItem,
    Logo,
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

NOW = dt.datetime(2026, 11, 24, 9, 30)


def build(
    lines: list[tuple[str, str, str, str, str]],
    currency_code: str,
    seller: SellerProfile,
    bank: BankDetails,
    client: ClientRef,
    language: Language,
    paid: Decimal,
    **fields: object,
) -> tuple[Invoice, Account]:
    """An invoice of ``lines`` (description, quantity, unit price, tax rate, discount rate) and its account."""
    cur = currency(currency_code)
    inputs = [
        LineInput(Decimal(quantity), Decimal(price), Decimal(rate), Decimal(discount), fields.get("category"))  # type: ignore[arg-type]
        for _text, quantity, price, rate, discount in lines
    ]
    totals = compute_totals(inputs, cur)
    fields.pop("category", None)
    method = str(fields.pop("method", "bank transfer"))
    fields.setdefault("notes", None)
    fields.setdefault("terms", None)
    invoice = Invoice(
        id="inv_sample",
        client_id=client.id,
        number=str(fields.pop("number", "INV-0042")),
        currency=cur,
        issue_date=dt.date(2026, 11, 24),
        due_date=dt.date(2026, 12, 24),
        subtotal=totals.subtotal,
        discount_total=totals.discount_total,
        tax_total=totals.tax_total,
        total=totals.total,
        amount_paid=paid,
        amount_credited=Decimal(0),
        status=Status.PARTIALLY_PAID if paid else Status.SENT,
        created_at=NOW,
        updated_at=NOW,
        client=client,
        line_items=tuple(
            LineItem(line[0], i.quantity, i.unit_price, i.tax_rate, i.discount_rate, t.amount, t.discount, i.category)
            for line, i, t in zip(lines, inputs, totals.lines, strict=True)
        ),
        taxes=totals.taxes,
        payments=(Payment("pay_1", "inv_sample", paid, dt.date(2026, 11, 30), method, None, NOW),) if paid else (),
        sent_via_email=False,
        sent_at=None,
        viewed_at=None,
        paid_at=None,
        version=1,
        language=language,
        **fields,  # type: ignore[arg-type]
    )
    account = Account(
        id="acc_sample",
        name="default",
        plan=Plan.UNLIMITED,
        created_at=NOW,
        seller=seller,
        number_prefix="INV-",
        number_width=4,
        next_number=43,
        default_currency=currency_code,
        payment_terms_days=30,
        paper_size=PaperSize.A4,
        bank=bank,
        credit_note_prefix="CN-",
        quote_prefix="QUO-",
        default_notes=None,
        default_terms=None,
        language=language,
        reminder_days=(),
        e_invoice=False,
    )
    return invoice, account


def sample(items: int, notes: bool = True) -> tuple[Invoice, Account]:
    """A believable English invoice in US dollars with ``items`` line items (cycling through a few services)."""
    lines = [
        (
            text if items <= len(SERVICES) else f"{index + 1:03d}. {text}",
            quantity,
            price,
            rate,
            "10" if index % 4 == 1 else "0",
        )
        for index in range(items)
        for text, quantity, price, rate in [SERVICES[index % len(SERVICES)]]
    ]
    return build(
        lines,
        "USD",
        SellerProfile(
            name="Zoë Ørsted – Łódź Studio",
            address="ul. Piotrkowska 104",
            postal_code="90-926",
            city="Łódź",
            country="PL",
            email="zoe@orsted.example",
            tax_id="PL7251234567",
            phone="+48 42 123 45 67",
        ),
        BankDetails(iban="PL61109010140000071219812874", bic="WBKPPLPP", bank_name="Santander Bank Polska"),
        ClientRef(
            id="cl_sample",
            name="Acme Corporation Ltd.",
            email="billing@acme.example",
            address="1200 Market Street, Suite 400",
            postal_code="94102",
            city="San Francisco, CA",
            country="US",
            tax_id="US 94-1234567",
        ),
        Language.EN,
        Decimal("1000.00"),
        notes="Thank you for your business!\nQuestions about this invoice: zoe@orsted.example" if notes else None,
        terms="Payment within 30 days by bank transfer." if notes else None,
    )


def examples() -> dict[str, tuple[Invoice, Account]]:
    """A German, a French and a Polish invoice, as sellers there would send them."""
    german = build(
        [
            ("Konzeption und Gestaltung der neuen Website (Startseite, 12 Unterseiten)", "1", "4200.00", "19", "0"),
            ("Programmierung Online-Shop mit Zahlungsanbindung", "36", "95.00", "19", "5"),
            ("Fachbuch „Barrierefreies Webdesign“", "3", "33.335", "7", "0"),
        ],
        "EUR",
        SellerProfile(
            name="Hofmann & Söhne Webdesign GmbH",
            address="Friedrichstraße 123",
            postal_code="10117",
            city="Berlin",
            country="DE",
            email="rechnung@hofmann-webdesign.example",
            tax_id="DE123456789",
            phone="+49 30 1234567",
            registration="HRB 123456 B, Amtsgericht Charlottenburg",
        ),
        BankDetails(iban="DE89370400440532013000", bic="COBADEFFXXX", bank_name="Commerzbank"),
        ClientRef(
            id="cl_de",
            name="Müller Maschinenbau AG",
            email="buchhaltung@mueller-maschinenbau.example",
            address="Industriestraße 5",
            postal_code="70565",
            city="Stuttgart",
            country="DE",
            tax_id="DE987654321",
        ),
        Language.DE,
        Decimal(0),
        number="RE-2026-0117",
        service_period_start=dt.date(2026, 10, 1),
        service_period_end=dt.date(2026, 11, 15),
        buyer_reference="Bestellung 4500-7781",
        notes="Vielen Dank für Ihren Auftrag!",
        terms="Zahlbar innerhalb von 30 Tagen ohne Abzug.",
    )
    french = build(
        [
            ("Création d'identité visuelle : logo, charte graphique et déclinaisons", "1", "3500.00", "0", "0"),
            ("Photographies de produits (séance d'une journée, 40 images retouchées)", "40", "45.00", "0", "10"),
        ],
        "EUR",
        SellerProfile(
            name="Atelier Lumière SARL",
            address="12 rue de la Paix",
            postal_code="75002",
            city="Paris",
            country="FR",
            email="facturation@atelier-lumiere.example",
            tax_id="FR40123456789",
            phone="+33 1 23 45 67 89",
            registration="RCS Paris 123 456 789",
        ),
        BankDetails(iban="FR7630006000011234567890189", bic="AGRIFRPP", bank_name="Crédit Agricole"),
        ClientRef(
            id="cl_fr",
            name="Boulangerie Dupont SPRL",
            email="compta@dupont.example",
            address="Rue Neuve 45",
            postal_code="1000",
            city="Bruxelles",
            country="BE",
            tax_id="BE0123456789",
        ),
        Language.FR,
        Decimal(0),
        category=TaxCategory.REVERSE_CHARGE,
        number="F-2026-0042",
        service_date=dt.date(2026, 11, 20),
        tax_exemption_reason="Autoliquidation : TVA due par le preneur (article 196 de la directive 2006/112/CE).",
        terms="Paiement à 30 jours. Pénalités de retard : trois fois le taux d'intérêt légal.",
    )
    polish = build(
        [
            ("Audyt dostępności serwisu internetowego (WCAG 2.2)", "1", "6800.00", "23", "0"),
            ("Szkolenie zespołu redakcyjnego – 2 dni", "2", "2400.00", "23", "0"),
            ("Publikacja „Dostępność w praktyce” (e-book)", "10", "49.90", "8", "0"),
        ],
        "PLN",
        SellerProfile(
            name="Zoë Ørsted – Łódź Studio",
            address="ul. Piotrkowska 104",
            postal_code="90-926",
            city="Łódź",
            country="PL",
            email="faktury@orsted.example",
            tax_id="PL7251234567",
            phone="+48 42 123 45 67",
            registration="KRS 0000123456",
        ),
        BankDetails(iban="PL61109010140000071219812874", bic="WBKPPLPP", bank_name="Santander Bank Polska"),
        ClientRef(
            id="cl_pl",
            name="Kowalski i Wspólnicy sp. j.",
            email="ksiegowosc@kowalski.example",
            address="ul. Marszałkowska 10/12 lok. 5",
            postal_code="00-590",
            city="Warszawa",
            country="PL",
            tax_id="PL5260250995",
        ),
        Language.PL,
        Decimal("5000.00"),
        number="FV/2026/11/017",
        method="przelew",
        service_date=dt.date(2026, 11, 24),
        notes="Dziękujemy za współpracę!",
    )
    return {"de": german, "fr": french, "pl": polish}


def sample_logo(text: str, color: str) -> Logo:
    """A small logo made on the spot: a coloured mark and a word, as a PNG with transparency."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", 84)
    image = Image.new("RGBA", (round(font.getlength(text)) + 200, 180), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((0, 10, 160, 170), radius=36, fill=color)
    draw.ellipse((40, 50, 120, 130), fill=(255, 255, 255, 255))
    draw.text((190, 40), text, font=font, fill=color)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return Logo("image/png", image.width, image.height, buffer.getvalue(), NOW)


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
                Paragraph(item.description.replace("\n", "<br/>"), body),
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


def median_seconds(render: Callable[[], bytes], runs: int) -> tuple[float, int]:
    """The median wall time of ``runs`` calls after one warm-up call, and the size of what it made."""
    size = len(render())
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        render()
        times.append(time.perf_counter() - start)
    return statistics.median(times), size


def long_sample(items: int, lines_each: int) -> tuple[Invoice, Account]:
    """``sample(items)`` with each description ``lines_each`` printed lines long (the issue's 1,000-line case)."""
    invoice, account = sample(items)
    longer = tuple(
        dataclasses.replace(item, description="\n".join(f"{item.description} ({k + 1})" for k in range(lines_each)))
        for item in invoice.line_items
    )
    return dataclasses.replace(invoice, line_items=longer), account


EXAMPLES = {"de": ("HOFMANN", "#1F3A5F"), "fr": ("Lumière", "#9A3412"), "pl": ("Ørsted", "#166534")}


def export_pngs(folder: Path) -> None:
    """Page 1 of the German, French and Polish examples with their logos, at 80 dpi, for people to look at."""
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for language, (invoice, account) in examples().items():
            pdf = Path(tmp) / f"{language}.pdf"
            pdf.write_bytes(render_invoice(invoice, account, sample_logo(*EXAMPLES[language])))
            target = folder / f"pdf-invoice-{language}"
            subprocess.run(
                ["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(target)],
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
        sys.exit("reportlab is needed for the comparison: pip install reportlab")
    print(f"{'invoice':>22}  {'borb (ours)':>12} {'KB':>6}  {'reportlab':>10} {'KB':>6}  {'ratio':>6}")
    cases = (
        ("1 item", sample(1), args.runs),
        ("120 items", sample(120), args.runs),
        ("1,000 items", sample(1000), max(1, args.runs // 5)),
        ("1,000 items × 8 lines", long_sample(1000, 8), 1),
    )
    for label, (invoice, account), runs in cases:
        ours, our_size = median_seconds(functools.partial(render_invoice, invoice, account), runs)
        theirs, their_size = median_seconds(functools.partial(reportlab_render, invoice, account), runs)
        print(
            f"{label:>22}  {ours * 1000:>9.1f} ms {our_size / 1024:>6.1f}  {theirs * 1000:>7.1f} ms "
            f"{their_size / 1024:>6.1f}  {ours / theirs:>5.1f}×"
        )


if __name__ == "__main__":
    main()
