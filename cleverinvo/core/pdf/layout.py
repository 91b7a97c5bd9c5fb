"""A small page layout on borb: text, boxes and images at exact positions, line wrapping, and pagination.

borb's tables never split across pages and its paragraphs turn newlines into spaces, so documents are laid out
here: text is wrapped to measured widths (hard line breaks kept, over-long words broken where a reader expects
it), blocks of known height are placed top to bottom, and a block that does not fit starts a new page. Pages
are painted by writing PDF drawing operators into borb's page content stream, in one piece per page (borb's
own painting appends to the stream for every operator and compares font dictionaries for every text).
Coordinates are PDF points from the bottom left of the page.
"""

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from enum import Enum

from borb.pdf import Color, Page
from borb.pdf.primitives import name, stream

from cleverinvo.core.pdf.borb_setup import MeasuredFont, printable


class Align(Enum):
    LEFT = "left"
    RIGHT = "right"
    CENTER = "center"


@dataclass(frozen=True, slots=True)
class Style:
    """How a run of text looks: font, size in points, colour, and the distance between baselines."""

    font: MeasuredFont
    size: float
    color: Color
    leading: float

    def width(self, text: str) -> float:
        """The width of ``text`` in points."""
        return self.font.measure(text, self.size)

    def fitted(self, text: str, width: float) -> "Style":
        """This style, made smaller if ``text`` would be wider than ``width`` in it."""
        natural = self.width(text)
        if natural <= width:
            return self
        return replace(self, size=self.size * (width - 1) / natural)


def _rgb(color: Color) -> str:
    rgb = color.to_rgb_color()
    return f"{rgb.get_red() / 255:.3f} {rgb.get_green() / 255:.3f} {rgb.get_blue() / 255:.3f}"


class Canvas:
    """One page to paint on. What is painted is kept and written to the page by ``close``."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.operators: list[str] = []
        page["Resources"].setdefault(name("Font"), {})

    def _font(self, font: MeasuredFont) -> str:
        fonts = self.page["Resources"]["Font"]
        for key, known in fonts.items():
            if known is font:
                return str(key)
        key = f"F{len(fonts) + 1}"
        fonts[name(key)] = font
        return key

    def text(
        self, x: float, baseline: float, text: str, style: Style, align: Align = Align.LEFT, angle: float = 0
    ) -> None:
        """One line of text starting at ``x`` (ending there when right-aligned, centred on it when centred) on
        ``baseline``, turned by ``angle`` degrees about that point."""
        if not text:
            return
        shown = printable(style.font, text)
        width = style.font.measure(shown, style.size)
        shift = {Align.LEFT: 0, Align.RIGHT: width, Align.CENTER: width / 2}[align]
        cos, sin = math.cos(math.radians(angle)), math.sin(math.radians(angle))
        left, bottom = x - shift * cos, baseline - shift * sin
        self.operators.append(
            f"BT /{self._font(style.font)} {style.size:.2f} Tf {_rgb(style.color)} rg "
            f"{cos:.4f} {sin:.4f} {-sin:.4f} {cos:.4f} {left:.2f} {bottom:.2f} Tm <{style.font.encode(shown)}> Tj ET"
        )

    def box(self, x: float, y: float, width: float, height: float, color: Color) -> None:
        """A filled rectangle with its bottom left corner at (``x``, ``y``); a thin one makes a rule."""
        self.operators.append(f"{_rgb(color)} rg {x:.2f} {y:.2f} {width:.2f} {height:.2f} re f")

    def modules(self, x: float, top: float, module: float, rows: Sequence[Sequence[int]], color: Color) -> None:
        """A grid of dark squares (a QR code's modules), ``module`` points each, its top left corner at
        (``x``, ``top``); runs of dark modules in a row are drawn as one rectangle."""
        parts = [f"{_rgb(color)} rg"]
        for r, row in enumerate(rows):
            y = top - (r + 1) * module
            c = 0
            while c < len(row):
                if row[c]:
                    start = c
                    while c < len(row) and row[c]:
                        c += 1
                    parts.append(f"{x + start * module:.3f} {y:.3f} {(c - start) * module:.3f} {module:.3f} re")
                else:
                    c += 1
        self.operators.append(" ".join([*parts, "f"]))

    def image(self, x: float, y: float, width: float, height: float, picture: stream) -> None:
        """An image XObject drawn ``width`` × ``height`` points with its bottom left corner at (``x``, ``y``)."""
        xobjects = self.page["Resources"].setdefault(name("XObject"), {})
        key = f"Im{len(xobjects) + 1}"
        xobjects[name(key)] = picture
        self.operators.append(f"q {width:.2f} 0 0 {height:.2f} {x:.2f} {y:.2f} cm /{key} Do Q")

    def close(self) -> None:
        """Write what was painted into the page's content stream."""
        self.page["Contents"][name("DecodedBytes")] = "\n".join(self.operators).encode("latin1")


# Where a long word may be broken when it must be: after these, as in URLs, paths, numbers and compounds.
_BREAK_AFTER = re.compile(r"[/\-_.?&=,;:@#+|\\)\]]")


def wrap(text: str, style: Style, width: float) -> list[str]:
    """``text`` broken into lines no wider than ``width``: at its own line breaks, between words, and inside a
    word too long for a line (after a slash, hyphen, dot… where one is near enough). Nothing is dropped but the
    spaces where a line breaks."""
    lines: list[str] = []
    units = style.font.units
    space = units(" ")
    most = width * 1000 / style.size  # compared in font units, as ``Style.width`` adds them up
    for paragraph in text.splitlines() or [""]:
        current, used = "", 0
        for word in paragraph.split():
            for piece in _pieces(word, style, width):
                size = units(piece)
                if current and used + space + size > most:
                    lines.append(current)
                    current, used = piece, size
                elif current:
                    current, used = f"{current} {piece}", used + space + size
                else:
                    current, used = piece, size
        lines.append(current)
    return lines


def _pieces(word: str, style: Style, width: float) -> list[str]:
    """``word`` as is when it fits ``width``, else cut into runs that fit: each run ends after the last break
    character that keeps it at least a third of a line long, or else at the last character that fits."""
    pieces: list[str] = []
    rest = word
    while style.width(rest) > width:
        fits = 1
        while fits < len(rest) and style.width(rest[: fits + 1]) <= width:
            fits += 1
        breaks = [m.end() for m in _BREAK_AFTER.finditer(rest[:fits]) if style.width(rest[: m.end()]) >= width / 3]
        cut = breaks[-1] if breaks else fits
        pieces.append(rest[:cut])
        rest = rest[cut:]
    pieces.append(rest)
    return pieces


Painter = Callable[[Canvas, float], None]


@dataclass(frozen=True, slots=True)
class Block:
    """Something of known height, painted with its top at a given height on a page.

    Blocks that are rows of a table carry the table's header, which is painted above them whenever they start
    a page; ``lead`` is the space a row needs under that header when it has no padding of its own (a row that
    continues the previous one). A block that keeps with the previous one takes that row along when it moves to
    the next page, so that (say) the totals never stand alone under no table. A ``gap`` is only space: it never
    starts a page and is dropped at the top of one.
    """

    height: float
    paint: Painter
    header: "Block | None" = None
    keep_with_previous: bool = False
    lead: float = 0
    gap: bool = False


def gap(height: float) -> Block:
    """Empty space between blocks."""
    return Block(height, lambda _canvas, _top: None, gap=True)


@dataclass(frozen=True, slots=True)
class Frame:
    """The writable band of a page: from ``top`` down to ``bottom``."""

    top: float
    bottom: float


def paginate(blocks: Sequence[Block], first: Frame, others: Frame) -> list[list[tuple[Block, float]]]:
    """Blocks placed top to bottom, each page filled before the next begins: pages of (block, top) pairs.

    A block taller than a whole page is placed alone at the top of one; the caller keeps blocks smaller.
    """
    pages: list[list[tuple[Block, float]]] = [[]]
    frame = first
    y = frame.top

    def starts_table(block: Block) -> bool:
        return block.header is not None and (not pages[-1] or pages[-1][-1][0].header is not block.header)

    def needs(block: Block) -> float:
        if block.header is not None and starts_table(block):
            return block.header.height + block.lead + block.height
        return block.height

    def place(block: Block) -> None:
        nonlocal y
        if block.header is not None and starts_table(block):
            pages[-1].append((block.header, y))
            y -= block.header.height + block.lead
        pages[-1].append((block, y))
        y -= block.height

    for block in blocks:
        if block.gap:
            if pages[-1] and y - block.height >= frame.bottom:
                y -= block.height
            continue
        if pages[-1] and y - needs(block) < frame.bottom:
            rows = [placed for placed, _top in pages[-1] if placed.header is not None]
            carried = (
                [pages[-1].pop()[0]]
                if block.keep_with_previous and len(rows) > 1 and pages[-1][-1][0] is rows[-1]
                else []
            )
            pages.append([])
            frame = others
            y = frame.top
            for moved in carried:
                place(moved)
        place(block)
    return pages
