"""The two bundled fonts (subsets of DejaVu Sans and DejaVu Sans Bold): where they are, their advances, and which
characters they can print.

This module loads no PDF machinery (borb), so input checks can ask what prints without paying for it.
"""

import functools
from dataclasses import dataclass
from pathlib import Path

from fontTools.ttLib import TTFont

FONTS = Path(__file__).parent / "fonts"
REGULAR = FONTS / "DejaVuSans-Subset.ttf"
BOLD = FONTS / "DejaVuSans-Bold-Subset.ttf"


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


@functools.cache
def _printable_characters() -> frozenset[str]:
    """Every character both bundled fonts can print."""
    return frozenset(Metrics.of(REGULAR).by_character) & frozenset(Metrics.of(BOLD).by_character)


def unprintable(text: str) -> str | None:
    """The first character of ``text`` the bundled fonts cannot print (line breaks and tabs aside), or ``None``.
    Input checks refuse such text, so a document never shows a stand-in for what was typed."""
    known = _printable_characters()
    return next((c for c in text if c not in known and c not in "\n\r\t"), None)
