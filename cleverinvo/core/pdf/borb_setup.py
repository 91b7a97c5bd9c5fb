"""borb 3.0.9, tamed in one place; importing ``cleverinvo.core.pdf`` applies all of it before borb is used.

- Usage reporting is switched off before borb is used: no network call (from a thread or at exit), no licence
  reminder on stdout every 64 documents, and the process's SIGINT/SIGTERM handlers are left alone.
- One document is made at a time, and borb's ``functools.cache`` methods, which keep every laid-out element
  alive, are cleared after each one, so memory stays flat.
- The font is loaded once per process, with its glyph widths fixed and looked up in a dictionary (borb scans the
  font's width array linearly for each character and gives 0 to glyphs whose names it does not know).
"""

import copy
import datetime as dt
import functools
import io
import math
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from borb.pdf import PDF, CompositeFont, Document, Font, LayoutElement, TrueTypeFont, UsageStatistics
from borb.pdf.primitives import datestr, hexstr
from fontTools.ttLib import TTFont


def _no_usage_event(*_args: object, **_kwargs: object) -> None:
    """Stands in for ``UsageStatistics.event``, which counts documents and prints a reminder even opted out."""


UsageStatistics.opt_out()
UsageStatistics.event = staticmethod(_no_usage_event)  # type: ignore[method-assign, assignment]

FONTS = Path(__file__).parent / "fonts"
REGULAR = FONTS / "DejaVuSans-Subset.ttf"
BOLD = FONTS / "DejaVuSans-Bold-Subset.ttf"

_ONE_DOCUMENT_AT_A_TIME = threading.Lock()


@dataclass(frozen=True, slots=True)
class Metrics:
    """A font's advances in 1/1000 em, by glyph (in glyph order) and by character, with each character's glyph."""

    by_glyph: list[int]
    by_character: dict[str, int]
    glyph: dict[str, int]

    @staticmethod
    def of(path: Path) -> "Metrics":
        ttf = TTFont(path)
        scale = 1000 / ttf["head"].unitsPerEm
        order = ttf.getGlyphOrder()
        by_glyph = [round(ttf["hmtx"].metrics[name][0] * scale) for name in order]
        index = {name: gid for gid, name in enumerate(order)}
        glyph = {chr(code): index[name] for code, name in ttf.getBestCmap().items()}
        return Metrics(by_glyph, {c: by_glyph[gid] for c, gid in glyph.items()}, glyph)


class MeasuredFont(CompositeFont):
    """One document's copy of a Type 0 font: text widths from a dictionary, computed exactly as borb does, and
    a /W array holding only the glyphs the document measured.

    borb scans /W linearly for every character and fills it only for glyphs named in its own glyph list (the
    subset names glyphs after their code points, which borb's ToUnicode map needs); a full /W is also some
    thousand numbers for borb's writer to visit. Characters the font lacks are measured by borb itself.
    """

    def __init__(self, loaded: CompositeFont, metrics: Metrics) -> None:
        super().__init__()
        self.update(loaded)
        self["DescendantFonts"] = [copy.copy(loaded["DescendantFonts"][0])]
        self.metrics = metrics
        self.used: set[str] = set()

    def get_width(self, text: str, character_spacing: float = 0, font_size: float = 12, word_spacing: float = 0) -> int:
        """The width in points of ``text`` set in this font: borb's formula, without its per-character scan."""
        self.used.update(text)
        try:
            widths = [self.metrics.by_character[c] / 1000 + character_spacing for c in text]
        except KeyError:
            return super().get_width(text, character_spacing, font_size, word_spacing)
        if not widths:
            return 0
        widths[-1] -= character_spacing
        return math.ceil(
            sum(w + word_spacing if c == " " else w for c, w in zip(text, widths, strict=True)) * font_size
        )

    def keep_used_widths(self) -> None:
        """Narrow /W to the glyphs measured so far (every painted text is measured first)."""
        glyphs = sorted({self.metrics.glyph[c] for c in self.used if c in self.metrics.glyph})
        widths: list[int | list[int]] = []
        for gid in glyphs:
            if widths and isinstance(widths[-1], list) and widths[-2] + len(widths[-1]) == gid:
                widths[-1].append(self.metrics.by_glyph[gid])
            else:
                widths += [gid, [self.metrics.by_glyph[gid]]]
        self["DescendantFonts"][0]["W"] = widths


@functools.cache
def _printable_characters() -> frozenset[str]:
    """Every character both bundled fonts can print."""
    return frozenset(Metrics.of(REGULAR).by_character) & frozenset(Metrics.of(BOLD).by_character)


def unprintable(text: str) -> str | None:
    """The first character of ``text`` the bundled fonts cannot print (line breaks and tabs aside), or ``None``.
    Input checks refuse such text, so a document never shows a stand-in for what was typed."""
    known = _printable_characters()
    return next((c for c in text if c not in known and c not in "\n\r\t"), None)


def printable(font: Font, text: str) -> str:
    """``text`` with the characters ``font`` lacks shown as "?": borb fails on a character it cannot map, and
    takes U+FFFD for "no character", so that cannot stand in."""
    if not isinstance(font, MeasuredFont):
        return text
    known = font.metrics.by_character
    return text if all(c in known for c in text) else "".join(c if c in known else "?" for c in text)


@functools.cache
def _load(path: Path) -> tuple[Font, Metrics | None]:
    """The TrueType font at ``path`` as borb embeds it, with its metrics when it is a Type 0 font; once per
    process. borb's /W is replaced by one that gives every glyph its width."""
    loaded = TrueTypeFont.from_file(path)
    if not isinstance(loaded, CompositeFont):  # a later borb may embed it otherwise: use it as borb made it
        return loaded, None
    metrics = Metrics.of(path)
    loaded["DescendantFonts"][0]["W"] = [0, metrics.by_glyph]
    loaded.get_character_code(" ")  # builds borb's character tables now, not in two threads at once
    return loaded, metrics


def document_font(path: Path) -> Font:
    """A font for one document, from the font at ``path`` loaded once per process."""
    loaded, metrics = _load(path)
    if metrics is None or not isinstance(loaded, CompositeFont):
        return loaded
    return MeasuredFont(loaded, metrics)


def clear_layout_caches() -> None:
    """Empty the ``functools.cache`` of every borb layout element class, which holds every element laid out."""
    classes: list[type] = [LayoutElement]
    while classes:
        cls = classes.pop()
        classes.extend(cls.__subclasses__())
        for attribute in vars(cls).values():
            if hasattr(attribute, "cache_clear"):
                attribute.cache_clear()


class PdfDocument:
    """One PDF being made: borb's document and this document's own copies of the two fonts."""

    def __init__(self) -> None:
        self.document = Document()
        self.regular = document_font(REGULAR)
        self.bold = document_font(BOLD)

    def finish(self, title: str, author: str | None, created: dt.datetime) -> bytes:
        """The PDF, with title, author and creation time (UTC) in its Info; borb's producer line is kept.

        Metadata is written as UTF-16 hex, which holds any character (borb writes plain strings unescaped).
        borb writes nothing to an open file, but fills a ``BytesIO``.
        """
        for used in (self.regular, self.bold):
            if isinstance(used, MeasuredFont):
                used.keep_used_widths()
        info = self.document["Trailer"]["Info"]
        info["Title"] = pdf_text(title)
        if author:
            info["Author"] = pdf_text(author)
        stamp = datestr(created.strftime("D:%Y%m%d%H%M%SZ00"))
        info["CreationDate"] = stamp
        info["ModDate"] = stamp
        buffer = io.BytesIO()
        PDF.write(what=self.document, where_to=buffer)
        return buffer.getvalue()


@contextmanager
def new_document() -> Iterator[PdfDocument]:
    """A fresh PDF; one is made at a time, and borb's caches are emptied when it is done."""
    with _ONE_DOCUMENT_AT_A_TIME:
        try:
            yield PdfDocument()
        finally:
            clear_layout_caches()


def pdf_text(text: str) -> hexstr:
    """A PDF text string as UTF-16 hex, which holds any character (borb writes plain strings unescaped)."""
    return hexstr("FEFF" + text.encode("utf-16-be").hex().upper())
