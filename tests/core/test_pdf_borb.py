"""borb tamed: no network, nothing on stdout, signal handlers left alone, memory flat, fast exact widths.

The process-level properties are checked in a fresh interpreter, where borb is first used."""

import dataclasses
import io
import json
import math
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pypdf
import pytest
from borb.pdf import Chunk, HexColor
from fontTools.ttLib import TTFont

from cleverinvo.core import Books, ValidationError
from cleverinvo.core.billing import print_caps
from cleverinvo.core.billing.lines import MAX_LINES
from cleverinvo.core.pdf import borb_setup, render_invoice
from cleverinvo.core.pdf.layout import Style, wrap
from cleverinvo.core.records import Client
from tests.core.helpers import invoice_body, line
from tests.core.test_pdf import pages_text

ROOT = Path(__file__).resolve().parents[2]

# A fresh interpreter with an invoice of ITEMS line items in a new database; RESULT is where it reports.
PRELUDE = """
import atexit, json, signal, socket, sys
attempts = []
def refuse(*args, **kwargs):
    attempts.append(repr(args[1:2] or args[:1]))
    raise OSError("network blocked by the test")
socket.socket.connect = socket.socket.connect_ex = refuse
socket.create_connection = socket.getaddrinfo = refuse
result = {}
def report():  # registered first, so it runs after every exit handler registered later
    result["attempts"] = attempts
    with open(sys.argv[1], "w") as out:
        json.dump(result, out)
atexit.register(report)
handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}

import cleverinvo.core
from cleverinvo.core.pdf import render_invoice
books = cleverinvo.core.open(sys.argv[2]).books()
client = books.clients.create({"name": "Zoë Ørsted – Łódź"})
lines = [{"description": f"Item {n} of a long order", "quantity": n, "unitPrice": 3} for n in range(1, ITEMS + 1)]
invoice = books.invoices.create({"clientId": client.id, "lineItems": lines})
account = books.settings.get()
"""


def run_fresh(tmp_path: Path, items: int, body: str) -> tuple[subprocess.CompletedProcess[str], dict]:
    code = PRELUDE.replace("ITEMS", str(items)) + textwrap.dedent(body)
    result = tmp_path / "result.json"
    done = subprocess.run(
        [sys.executable, "-c", code, str(result), str(tmp_path / "fresh.db")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    return done, json.loads(result.read_text())


def test_rendering_is_private_quiet_and_leaves_signal_handlers_alone(tmp_path: Path) -> None:
    """65 documents: borb would report usage over the network, print its reminder at the 64th, and take over
    SIGINT/SIGTERM at the first."""
    done, result = run_fresh(
        tmp_path,
        3,
        """
        for _ in range(65):
            assert render_invoice(invoice, account).startswith(b"%PDF")
        books.documents.pdf(invoice.id)
        result["handlers_kept"] = all(signal.getsignal(s) is h for s, h in handlers.items())
        """,
    )
    assert result["attempts"] == []
    assert done.stdout == ""
    assert result["handlers_kept"] is True


@pytest.mark.slow
def test_memory_stays_flat_over_200_renders_of_120_items(tmp_path: Path) -> None:
    _done, result = run_fresh(
        tmp_path,
        120,
        """
        import resource
        def rss():
            with open("/proc/self/statm") as statm:
                return int(statm.read().split()[1]) * resource.getpagesize()
        for _ in range(10):
            render_invoice(invoice, account)
        before = rss()
        for _ in range(200):
            render_invoice(invoice, account)
        result["growth"] = rss() - before
        """,
    )
    assert result["growth"] < 20 * 1024 * 1024, f"grew {result['growth'] / 1e6:.1f} MB"


def test_borb_layout_caches_are_emptied_after_each_document(books: Books, client: Client) -> None:
    invoice = books.invoices.create(invoice_body(client.id, line("Cached?")))
    render_invoice(invoice, books.settings.get())
    assert Chunk.get_size.cache_info().currsize == 0  # type: ignore[attr-defined]
    chunk = Chunk("laid out", font=borb_setup.document_font(borb_setup.REGULAR))
    chunk.get_size((100, 100))
    assert Chunk.get_size.cache_info().currsize == 1  # type: ignore[attr-defined]
    borb_setup.clear_layout_caches()
    assert Chunk.get_size.cache_info().currsize == 0  # type: ignore[attr-defined]


@pytest.mark.parametrize("path", [borb_setup.REGULAR, borb_setup.BOLD])
def test_measured_widths_are_the_fonts_advances(path: Path) -> None:
    font = borb_setup.document_font(path)
    ttf = TTFont(path)
    cmap, hmtx, scale = ttf.getBestCmap(), ttf["hmtx"], 1000 / ttf["head"].unitsPerEm
    for text, size in (
        ("Zoë Ørsted – Łódź", 12),
        ("INV-0042 $5,500.00 ¥3,669", 9),
        ("Привет, Ωμέγα! → ✓ ≤ ≥ € ½", 10.5),
    ):
        expected = sum(round(hmtx[cmap[ord(c)]][0] * scale) for c in text) * size / 1000
        assert font.measure(text, size) == pytest.approx(expected)
        assert font.get_width(text, font_size=size) == math.ceil(expected)


def test_characters_missing_from_the_font_are_refused_and_never_print_blank(books: Books, client: Client) -> None:
    with pytest.raises(ValidationError) as refused:
        books.invoices.create(invoice_body(client.id, line("漢字 and 😀 are not in the font")))
    assert refused.value.message == (
        'Invalid field: lineItems[0].description contains "漢" (U+6F22 CJK UNIFIED IDEOGRAPH-6F22), '
        "which invoices cannot print"
    )
    invoice = books.invoices.create(invoice_body(client.id, line("fine")))
    stored_before = dataclasses.replace(  # text stored before input was checked still renders
        invoice, line_items=(dataclasses.replace(invoice.line_items[0], description="漢字 and 😀 are not in the font"),)
    )
    [text] = pages_text(render_invoice(stored_before, books.settings.get()))
    assert "?? and ? are not in the font" in text


def test_only_the_glyphs_a_document_uses_are_embedded_mapped_and_measured() -> None:
    font = borb_setup.document_font(borb_setup.BOLD)
    used = "AŁzΩЖ€–№é"
    font.encode(used)
    font.keep_used_glyphs()
    descendant = font["DescendantFonts"][0]
    glyphs = descendant["W"]
    written = {start + i for start, widths in zip(glyphs[::2], glyphs[1::2], strict=True) for i in range(len(widths))}
    assert written == {font.metrics.glyph[c] for c in used}
    cmap = font["ToUnicode"]["DecodedBytes"].decode()
    assert cmap.count("<") - 4 == 2 * len(used)  # the code space range, then a pair per character
    embedded = TTFont(io.BytesIO(descendant["FontDescriptor"]["FontFile2"]["DecodedBytes"]))
    drawn = {name for name in embedded.getGlyphOrder() if embedded["glyf"][name].numberOfContours != 0}
    order = embedded.getGlyphOrder()
    expected = {order[font.metrics.glyph[c]] for c in used}
    assert expected <= drawn
    assert len(drawn) <= len(expected) + 3  # .notdef and the parts of é
    assert font["BaseFont"] == descendant["BaseFont"] == descendant["FontDescriptor"]["FontName"]
    assert str(font["BaseFont"]).endswith("+DejaVuSans-Bold")


@pytest.mark.slow
def test_a_1000_line_invoice_renders_in_under_30_seconds(books: Books, client: Client) -> None:
    """The largest invoice accepted: the most lines, their descriptions together printing as many lines as a
    document may. borb's own writer took minutes for far less (it scans every object for every reference)."""
    parts = print_caps.MAX_PRINTED_LINES // MAX_LINES
    items = [line("\n".join(f"Item {n}, part {k}: work done" for k in range(parts)), 1, "10.00") for n in range(1000)]
    invoice = books.invoices.create(invoice_body(client.id, *items))
    start = time.perf_counter()
    data = render_invoice(invoice, books.settings.get())
    took = time.perf_counter() - start
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert len(reader.pages) > 40
    last = f"Item 999, part {parts - 1}: work done"
    assert last in reader.pages[-1].extract_text() + reader.pages[-2].extract_text()
    assert took < 30, f"{took:.1f} s"


def test_wrapped_lines_fit_and_keep_every_character() -> None:
    style = Style(borb_setup.document_font(borb_setup.REGULAR), 9, HexColor("000000"), 12)
    text = "Short words, then " + "x" * 300 + " and a\nhard break, then Zoë Ørsted – Łódź " * 3
    lines = wrap(text, style, 120)
    assert all(style.width(line) <= 120 for line in lines)
    assert "".join("".join(lines).split()) == "".join(text.split())
    assert "hard break, then Zoë Ørsted – Łódź" in " ".join(lines)


def test_long_urls_and_numbers_break_after_a_separator_where_one_is_near() -> None:
    style = Style(borb_setup.document_font(borb_setup.REGULAR), 9, HexColor("000000"), 12)
    url = "https://billing.example.com/customers/4711/invoices/INV-2026-000042/download?format=pdf&lang=de"
    lines = wrap(f"See {url} for the copy", style, 150)
    assert all(style.width(line) <= 150 for line in lines)
    assert "".join(lines).replace(" ", "") == f"See{url}forthecopy"
    pieces = [line for line in lines if line not in ("See", "for the copy")]
    assert len(pieces) > 1 and all(piece[-1] in "/-_.?&=" for piece in pieces[:-1]), pieces
    digits = "7" * 80  # nothing to break after: cut where the line is full
    assert [len(line) for line in wrap(digits, style, 150)] == [26, 26, 26, 2]
