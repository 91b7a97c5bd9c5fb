"""borb 3.0.9, tamed in one place; importing ``cleverinvo.core.pdf`` applies all of it before borb is used.

- Usage reporting is switched off before borb is used: no network call (from a thread or at exit), no licence
  reminder on stdout every 64 documents, and the process's SIGINT/SIGTERM handlers are left alone.
- One document is made at a time, and borb's ``functools.cache`` methods, which keep every laid-out element
  alive, are cleared after each one, so memory stays flat.
- The font is loaded once per process, with its glyph widths fixed and looked up in a dictionary (borb scans the
  font's width array linearly for each character and gives 0 to glyphs whose names it does not know).
- The writer runs in time proportional to the document: borb's own numbers every object by scanning all the
  objects numbered so far, looks up each reference by scanning every object, and grows its output by copying
  it for each token; a 700-page invoice took minutes. Here objects are numbered and looked up through
  dictionaries keyed by identity, and the output grows in place. The bytes written are the same.
- An archival document (PDF/A-3B, for Factur-X) uses borb's conformance level, which embeds an sRGB output
  intent. borb 3.0.9 says ``pdfaid:part`` 1 for PDF/A-3, corrected here to 3; its own PDF/A self-check is off
  (it fails on any document: clause 6.1.13's check compares every object with an integer).
"""

import copy
import datetime as dt
import functools
import hashlib
import math
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from borb.pdf import CompositeFont, Document, Font, LayoutElement, UsageStatistics
from borb.pdf.conformance import Conformance
from borb.pdf.primitives import PDFType, datestr, hexstr, name, reference, stream
from borb.pdf.visitor.validate.validation_visitor import ValidationVisitor
from borb.pdf.visitor.write_new.build_xref_visitor import BuildXRefVisitor
from borb.pdf.visitor.write_new.facade_visitor import FacadeVisitor
from fontTools.ttLib import TTFont

from cleverinvo.core.pdf import glyphs
from cleverinvo.core.pdf.fonts import BOLD, REGULAR, Metrics


def _no_usage_event(*_args: object, **_kwargs: object) -> None:
    """Stands in for ``UsageStatistics.event``, which counts documents and prints a reminder even opted out."""


UsageStatistics.opt_out()
UsageStatistics.event = staticmethod(_no_usage_event)  # type: ignore[method-assign, assignment]

_BORB_PART = Conformance.get_version


def _pdfa_part(self: Conformance) -> int:
    """The PDF/A part of a conformance level: 3 for PDF/A-3 (borb 3.0.9 answers 1)."""
    if self in (Conformance.PDF_A_3A, Conformance.PDF_A_3B, Conformance.PDF_A_3U):
        return 3
    return _BORB_PART(self)


def _no_self_check(_self: object, _node: object) -> bool:
    """Stands in for ``ValidationVisitor.visit``: declines every node, so borb writes without checking."""
    return False


Conformance.get_version = _pdfa_part  # type: ignore[method-assign]
ValidationVisitor.visit = _no_self_check  # type: ignore[method-assign, assignment]

_ONE_DOCUMENT_AT_A_TIME = threading.Lock()


class MeasuredFont(CompositeFont):
    """One document's copy of a Type 0 font: text widths from a dictionary (computed as borb does), text encoded
    as glyph ids, and, when the document is done, only the glyphs it used: in the embedded font file, in /W
    and in the ToUnicode map that makes the text extractable.

    borb scans /W linearly for every character and fills it only for glyphs named in its own glyph list; the
    whole font and its full maps are also some 90 KB in every file. Characters the font lacks are measured by
    borb itself (and printed as "?", see ``printable``).
    """

    def __init__(self, loaded: CompositeFont, metrics: Metrics, path: Path) -> None:
        super().__init__()
        self.update(loaded)
        self["DescendantFonts"] = [copy.copy(loaded["DescendantFonts"][0])]
        self.metrics = metrics
        self.path = path
        self.used: set[str] = set()

    def get_width(self, text: str, character_spacing: float = 0, font_size: float = 12, word_spacing: float = 0) -> int:
        """The width in points of ``text`` set in this font, by borb's formula (for borb's own layout elements);
        characters the font lacks count as the "?" they print as."""
        shown = printable(self, text)
        self.used.update(shown)
        if not shown:
            return 0
        widths = [self.metrics.by_character[c] / 1000 + character_spacing for c in shown]
        widths[-1] -= character_spacing
        return math.ceil(
            sum(w + word_spacing if c == " " else w for c, w in zip(shown, widths, strict=True)) * font_size
        )

    def units(self, text: str) -> int:
        """The width of ``text`` in 1/1000 of the font size (a character the font lacks counts as its "?")."""
        by_character = self.metrics.by_character
        unknown = by_character["?"]
        return sum(by_character.get(c, unknown) for c in text)

    def measure(self, text: str, size: float) -> float:
        """The width in points of ``text`` at ``size`` points."""
        return self.units(text) * size / 1000

    def encode(self, text: str) -> str:
        """Printable ``text`` as the hex string of its glyph ids, which is how the page shows it."""
        self.used.update(text)
        glyph = self.metrics.glyph
        return "".join(f"{glyph[c]:04X}" for c in text)

    def keep_used_glyphs(self) -> None:
        """Cut /W, the ToUnicode map and the embedded font file down to the glyphs used so far, and name the
        font as a subset (a tag of six capitals before its name, as the PDF standard asks)."""
        used = {c: self.metrics.glyph[c] for c in self.used if c in self.metrics.glyph}
        gids = sorted(set(used.values()))
        widths: list[int | list[int]] = []
        for gid in gids:
            if widths and isinstance(widths[-1], list) and widths[-2] + len(widths[-1]) == gid:
                widths[-1].append(self.metrics.by_glyph[gid])
            else:
                widths += [gid, [self.metrics.by_glyph[gid]]]
        descendant = self["DescendantFonts"][0]
        descendant["W"] = widths
        digest = hashlib.sha256(repr(gids).encode()).digest()
        tagged = name("".join(chr(65 + b % 26) for b in digest[:6]) + "+" + str(self["BaseFont"]))
        self["BaseFont"] = descendant["BaseFont"] = tagged
        descriptor = copy.copy(descendant["FontDescriptor"])
        descriptor["FontName"] = tagged
        descriptor["FontFile2"] = _stream(glyphs.cut(self.path, set(gids)), font_file=True)
        descendant["FontDescriptor"] = descriptor
        self["ToUnicode"] = _stream(_to_unicode({gid: c for c, gid in sorted(used.items())}))


def _stream(data: bytes, font_file: bool = False) -> stream:
    """A stream of ``data``, compressed when the document is written; a font file also states its length."""
    made = stream()
    made[name("DecodedBytes")] = data
    if font_file:
        made[name("Length1")] = len(data)
    return made


def _to_unicode(characters: dict[int, str]) -> bytes:
    """A ToUnicode CMap from glyph ids to the characters they print."""
    pairs = sorted(characters.items())
    chunks = [pairs[i : i + 100] for i in range(0, len(pairs), 100)]
    body = "".join(
        f"{len(chunk)} beginbfchar\n"
        + "".join(f"<{gid:04X}> <{c.encode('utf-16-be').hex().upper()}>\n" for gid, c in chunk)
        + "endbfchar\n"
        for chunk in chunks
    )
    return (
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        "/CIDSystemInfo <</Registry (Adobe) /Ordering (UCS) /Supplement 0>> def\n"
        "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
        "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
        f"{body}endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"
    ).encode("ascii")


def printable(font: Font, text: str) -> str:
    """``text`` with the characters ``font`` lacks shown as "?": borb fails on a character it cannot map, and
    takes U+FFFD for "no character", so that cannot stand in."""
    if not isinstance(font, MeasuredFont):
        return text
    known = font.metrics.by_character
    return text if all(c in known for c in text) else "".join(c if c in known else "?" for c in text)


@functools.cache
def _load(path: Path) -> tuple[CompositeFont, Metrics]:
    """The TrueType font at ``path`` as a Type 0 font with glyph ids for codes (Identity-H), and its metrics;
    once per process. The dictionaries are those borb makes (``TrueTypeFont.from_file``), built from the font's
    own tables: borb draws every glyph to find the bounding box the ``head`` table states, seconds per font."""
    ttf = TTFont(path)
    scale = 1000 / ttf["head"].unitsPerEm
    head = ttf["head"]
    base = name(ttf["name"].getDebugName(6) or path.stem)
    descriptor = {
        name("Type"): name("FontDescriptor"),
        name("FontName"): base,
        name("Flags"): 4,
        name("FontBBox"): [round(v * scale) for v in (head.xMin, head.yMin, head.xMax, head.yMax)],
        name("ItalicAngle"): ttf["post"].italicAngle,
        name("Ascent"): round(ttf["hhea"].ascent * scale),
        name("Descent"): round(ttf["hhea"].descent * scale),
        name("CapHeight"): round(ttf["glyf"][ttf.getBestCmap()[ord("H")]].yMax * scale),
        name("StemV"): 80,
    }
    descendant = {
        name("Type"): name("Font"),
        name("Subtype"): name("CIDFontType2"),
        name("BaseFont"): base,
        name("CIDSystemInfo"): {name("Registry"): "Adobe", name("Ordering"): "Identity", name("Supplement"): 0},
        name("FontDescriptor"): descriptor,
        name("DW"): 1000,
        name("CIDToGIDMap"): name("Identity"),
    }
    font = CompositeFont()
    font.update(
        {
            name("Type"): name("Font"),
            name("Subtype"): name("Type0"),
            name("BaseFont"): base,
            name("Encoding"): name("Identity-H"),
            name("DescendantFonts"): [descendant],
        }
    )
    return font, Metrics.of(path)


def document_font(path: Path) -> MeasuredFont:
    """A font for one document, from the font at ``path`` loaded once per process."""
    loaded, metrics = _load(path)
    return MeasuredFont(loaded, metrics, path)


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
    """One PDF being made: borb's document (PDF/A-3B when ``archival``) and its own copies of the two fonts."""

    def __init__(self, archival: bool = False) -> None:
        self.document = Document(conformance=Conformance.PDF_A_3B) if archival else Document()
        self.regular = document_font(REGULAR)
        self.bold = document_font(BOLD)

    def finish(self, title: str, author: str | None, created: dt.datetime, identity: str) -> bytes:
        """The PDF, with title, author and creation time (UTC) in its Info; borb's producer line is kept. Its
        file identifier is made from ``identity`` (borb's is random), so the same document gives the same bytes.

        Metadata is written as UTF-16 hex, which holds any character (borb writes plain strings unescaped).
        """
        for used in (self.regular, self.bold):
            used.keep_used_glyphs()
        file_id = hexstr(hashlib.sha256(identity.encode()).hexdigest()[:32].upper())
        self.document["Trailer"]["ID"] = [file_id, file_id]
        info = self.document["Trailer"]["Info"]
        info["Title"] = pdf_text(title)
        if author:
            info["Author"] = pdf_text(author)
        stamp = datestr(created.strftime("D:%Y%m%d%H%M%SZ00"))
        info["CreationDate"] = stamp
        info["ModDate"] = stamp
        return write(self.document)


def _number_objects(document: Document) -> list[reference]:
    """borb's ``BuildXRefVisitor.__build_xref`` without its two scans per object: which objects are indirect,
    numbered in the same order."""
    is_direct = BuildXRefVisitor._BuildXRefVisitor__is_direct_object  # type: ignore[attr-defined]
    parents: dict[int, PDFType] = {}
    numbered: set[int] = set()
    xref: list[reference] = []
    todo: list[PDFType] = [document]
    while todo:
        node = todo.pop()
        parent = parents.get(id(node))
        if id(node) in numbered:
            continue
        if isinstance(node, dict):
            for key in sorted(node.keys()):
                parents[id(node[key])] = node
                todo.append(node[key])
        if isinstance(node, list):
            for value in node:
                parents[id(value)] = node
                todo.append(value)
        if is_direct(node, parent):
            continue
        if isinstance(parent, dict) and parent.get("XRef") is not None and parent["XRef"] == node:
            continue
        if isinstance(node, list | dict):
            xref.append(reference(object_nr=len(xref) + 1, generation_nr=0, id=id(node), referenced_object=node))
            numbered.add(id(node))
    return xref


BuildXRefVisitor._BuildXRefVisitor__build_xref = staticmethod(_number_objects)  # type: ignore[attr-defined]


class _Writer(FacadeVisitor):
    """borb's writer with its output in a growing ``bytearray`` and references found through a dictionary."""

    def __init__(self) -> None:
        super().__init__()
        self.output = bytearray()
        self.document: Document | None = None
        self.references: dict[int, reference] = {}

    def _append_bytes(self, b: bytes) -> "_Writer":
        self.output += b
        return self

    def bytes(self) -> bytearray:  # type: ignore[override]
        return self.output

    def tell(self) -> int:
        return len(self.output)

    def get_reference(self, node: PDFType) -> PDFType:
        """The reference of ``node`` when it is an indirect object, else ``node`` (as borb's, without a scan)."""
        if self.document is None:
            return node
        xref = self.document.get("XRef", [])
        if len(self.references) != len(xref):
            self.references = {id(entry.get_referenced_object()): entry for entry in xref}
        return self.references.get(id(node), node)

    def visit(self, node: object) -> bool:
        if isinstance(node, Document):
            self.document = node
        return super().visit(node)


def write(document: Document) -> bytes:
    """The PDF bytes of ``document``, as ``borb.pdf.PDF.write`` makes them, in time linear in its size."""
    writer = _Writer()
    writer.visit(node=document)
    return bytes(writer.output)


@contextmanager
def new_document(archival: bool = False) -> Iterator[PdfDocument]:
    """A fresh PDF (PDF/A-3B when ``archival``); one is made at a time, and borb's caches are emptied after."""
    with _ONE_DOCUMENT_AT_A_TIME:
        try:
            yield PdfDocument(archival)
        finally:
            clear_layout_caches()


def pdf_text(text: str) -> hexstr:
    """A PDF text string as UTF-16 hex, which holds any character (borb writes plain strings unescaped)."""
    return hexstr("FEFF" + text.encode("utf-16-be").hex().upper())
