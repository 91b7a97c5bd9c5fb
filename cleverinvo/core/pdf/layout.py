"""A small page layout on borb: text and boxes at exact positions, line wrapping, and pagination.

borb's tables never split across pages and its paragraphs turn newlines into spaces, so the invoice is laid
out here: text is wrapped to measured widths (hard line breaks kept, over-long words broken), blocks of known
height are placed top to bottom, and a block that does not fit starts a new page. Coordinates are PDF points
from the bottom left of the page.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from enum import Enum

from borb.pdf import Chunk, Color, Font, Page, Shape

from cleverinvo.core.pdf.borb_setup import printable


class Align(Enum):
    LEFT = "left"
    RIGHT = "right"


@dataclass(frozen=True, slots=True)
class Style:
    """How a run of text looks: font, size in points, colour, and the distance between baselines."""

    font: Font
    size: float
    color: Color
    leading: float

    def width(self, text: str) -> float:
        """The width of ``text`` in points."""
        return self.font.get_width(printable(self.font, text), font_size=self.size) if text else 0

    def fitted(self, text: str, width: float) -> "Style":
        """This style, made smaller if ``text`` would be wider than ``width`` in it."""
        natural = self.width(text)
        if natural <= width:
            return self
        return replace(self, size=self.size * (width - 1) / natural)


class Canvas:
    """One page to paint on."""

    def __init__(self, page: Page) -> None:
        self.page = page

    def text(self, x: float, baseline: float, text: str, style: Style, align: Align = Align.LEFT) -> None:
        """One line of text starting at ``x`` (or ending there, when right-aligned) on ``baseline``."""
        if not text:
            return
        width = style.width(text)
        left = x - width if align is Align.RIGHT else x
        Chunk(printable(style.font, text), font=style.font, font_size=style.size, font_color=style.color).paint(
            (left, baseline, width + 1, style.size), self.page
        )

    def box(self, x: float, y: float, width: float, height: float, color: Color) -> None:
        """A filled rectangle with its bottom left corner at (``x``, ``y``); a thin one makes a rule."""
        corners = [(0, 0), (width, 0), (width, height), (0, height)]
        Shape(corners, fill_color=color, stroke_color=None, line_width=0).paint((x, y, width, height), self.page)


def wrap(text: str, style: Style, width: float) -> list[str]:
    """``text`` broken into lines no wider than ``width``: at its own line breaks, between words, and inside a
    word too long for a line. Nothing is dropped but the spaces where a line breaks."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        current = ""
        for word in paragraph.split():
            for piece in _pieces(word, style, width):
                candidate = f"{current} {piece}" if current else piece
                if current and style.width(candidate) > width:
                    lines.append(current)
                    current = piece
                else:
                    current = candidate
        lines.append(current)
    return lines


def _pieces(word: str, style: Style, width: float) -> list[str]:
    """``word`` as is when it fits ``width``, else cut into the longest runs that fit."""
    if style.width(word) <= width:
        return [word]
    pieces: list[str] = []
    current = ""
    for character in word:
        if current and style.width(current + character) > width:
            pieces.append(current)
            current = ""
        current += character
    pieces.append(current)
    return pieces


Painter = Callable[[Canvas, float], None]


@dataclass(frozen=True, slots=True)
class Block:
    """Something of known height, painted with its top at a given height on a page.

    Blocks that are rows of a table carry the table's header, which is painted above them whenever they start
    a page. A block that keeps with the previous one takes that row along when it moves to the next page, so
    that (say) the totals never stand alone under no table.
    """

    height: float
    paint: Painter
    header: "Block | None" = None
    keep_with_previous: bool = False


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

    def place(block: Block) -> None:
        nonlocal y
        if block.header is not None and starts_table(block):
            pages[-1].append((block.header, y))
            y -= block.header.height
        pages[-1].append((block, y))
        y -= block.height

    for block in blocks:
        header_height = block.header.height if block.header is not None and starts_table(block) else 0
        if pages[-1] and y - block.height - header_height < frame.bottom:
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
