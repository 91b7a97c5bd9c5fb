"""A bundled font cut down to the glyphs one document uses, fast enough to do for every document.

The bundled DejaVu subsets hold some 3,000 glyphs each (≈ 260 KB); a one-page invoice uses a hundred or two.
fontTools' subsetter takes about 300 ms per face, more than the rest of the render, so the cut is done here on
the raw tables, parsed once per process: glyph ids are kept (the PDF addresses glyphs by id through
``CIDToGIDMap /Identity``), the outlines of unused glyphs are left empty and their metrics zeroed, and the other
tables are copied as they are. Composite glyphs (``é`` drawn as ``e`` plus an accent) bring their parts along.
"""

import struct
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from fontTools.ttLib import TTFont

# What a PDF reader may look at in an embedded TrueType font; names, layout and math tables are left out.
_KEPT = frozenset({"head", "hhea", "hmtx", "maxp", "OS/2", "cmap", "post", "cvt ", "fpgm", "prep"})


@dataclass(frozen=True, slots=True)
class FontTables:
    """One TrueType font taken apart: its tables as bytes, each glyph's outline, and each glyph's parts."""

    tables: dict[str, bytes]
    outlines: list[bytes]
    parts: list[tuple[int, ...]]

    @staticmethod
    @cache
    def of(path: Path) -> "FontTables":
        font = TTFont(path)
        raw = {tag: font.reader[tag] for tag in font.reader.tables}
        loca_long = font["head"].indexToLocFormat == 1
        count = font["maxp"].numGlyphs
        offsets = struct.unpack(
            f">{count + 1}{'L' if loca_long else 'H'}", raw["loca"][: (count + 1) * (4 if loca_long else 2)]
        )
        scale = 1 if loca_long else 2
        outlines = [raw["glyf"][offsets[i] * scale : offsets[i + 1] * scale] for i in range(count)]
        parts = [_components(outline) for outline in outlines]
        tables = {tag: data for tag, data in raw.items() if tag in _KEPT}
        return FontTables(tables, outlines, parts)


def _components(outline: bytes) -> tuple[int, ...]:
    """The glyph ids a composite glyph is made of (none for a simple one), read from its ``glyf`` record."""
    if len(outline) < 10 or struct.unpack(">h", outline[:2])[0] >= 0:
        return ()
    parts = []
    at = 10
    more = True
    while more:
        flags, gid = struct.unpack(">HH", outline[at : at + 4])
        parts.append(gid)
        at += 4 + (4 if flags & 0x0001 else 2)  # ARG_1_AND_2_ARE_WORDS
        at += 2 if flags & 0x0008 else 4 if flags & 0x0040 else 8 if flags & 0x0080 else 0  # the scale, if any
        more = bool(flags & 0x0020)  # MORE_COMPONENTS
    return tuple(parts)


def with_parts(tables: FontTables, glyphs: set[int]) -> set[int]:
    """``glyphs`` with every glyph they are composed of, and glyph 0 (.notdef), which every font must have."""
    todo = [0, *glyphs]
    done: set[int] = set()
    while todo:
        gid = todo.pop()
        if gid not in done:
            done.add(gid)
            todo.extend(tables.parts[gid])
    return done


def cut(path: Path, glyphs: set[int]) -> bytes:
    """The TrueType font at ``path`` with only ``glyphs`` (and their parts) drawn; glyph ids unchanged."""
    tables = FontTables.of(path)
    keep = with_parts(tables, glyphs)
    count = len(tables.outlines)
    drawn = sorted(gid for gid in keep if gid < count and tables.outlines[gid])
    glyf = bytearray()
    offsets = [0] * (count + 1)
    for gid in drawn:  # every glyph before the next drawn one starts (and, empty, ends) where this one ends
        outline = tables.outlines[gid]
        offsets[gid] = len(glyf)
        glyf += outline + b"\0" * (-len(outline) % 4)
        offsets[gid + 1] = len(glyf)
    for gid in range(1, count + 1):
        if offsets[gid] < offsets[gid - 1]:
            offsets[gid] = offsets[gid - 1]
    long_metrics = struct.unpack(">H", tables.tables["hhea"][34:36])[0]
    metrics = tables.tables["hmtx"]
    hmtx = bytearray(len(metrics))  # metrics of glyphs not drawn stay zero
    for gid in keep:
        start = gid * 4 if gid < long_metrics else long_metrics * 4 + (gid - long_metrics) * 2
        end = start + (4 if gid < long_metrics else 2)
        hmtx[start:end] = metrics[start:end]
    head = bytearray(tables.tables["head"])
    head[8:12] = bytes(4)  # checkSumAdjustment, filled in below
    head[50:52] = struct.pack(">h", 1)  # indexToLocFormat: long offsets
    out = dict(tables.tables)
    out.update(head=bytes(head), hmtx=bytes(hmtx), glyf=bytes(glyf), loca=struct.pack(f">{count + 1}L", *offsets))
    font, where = _assemble(out)
    adjustment = (0xB1B0AFBA - _checksum(font)) & 0xFFFFFFFF
    at = where["head"] + 8
    return font[:at] + struct.pack(">L", adjustment) + font[at + 4 :]


def _checksum(data: bytes) -> int:
    padded = data + b"\0" * (-len(data) % 4)
    return sum(struct.unpack(f">{len(padded) // 4}L", padded)) & 0xFFFFFFFF


def _assemble(tables: dict[str, bytes]) -> tuple[bytes, dict[str, int]]:
    """An sfnt file of ``tables`` (the offset table, the directory in tag order, then each table padded to 4),
    and where in it each table starts."""
    tags = sorted(tables)
    count = len(tags)
    power = 1 << (count.bit_length() - 1)
    header = struct.pack(">LHHHH", 0x00010000, count, power * 16, power.bit_length() - 1, count * 16 - power * 16)
    offset = len(header) + 16 * count
    directory = b""
    body = b""
    where = {}
    for tag in tags:
        data = tables[tag]
        where[tag] = offset + len(body)
        directory += struct.pack(">4sLLL", tag.encode("latin1"), _checksum(data), where[tag], len(data))
        body += data + b"\0" * (-len(data) % 4)
    return header + directory + body, where
