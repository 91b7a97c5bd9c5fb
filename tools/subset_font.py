"""Make the PDF font: DejaVu Sans (regular and bold) cut down with fontTools to the scripts invoices use.

    python tools/subset_font.py [--source DIR]

DIR holds DejaVuSans.ttf and DejaVuSans-Bold.ttf (default: Debian's fonts-dejavu-core folder). The subsets go to
``cleverinvo/core/pdf/fonts/`` beside DejaVu's licence, copied from the package's copyright file. Glyph names are
left out (``post`` format 3): fontTools then names each glyph after its code point, which is what borb needs to
write a complete ToUnicode map, so every character stays extractable.
"""

import argparse
import shutil
from pathlib import Path

from fontTools import subset

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "cleverinvo" / "core" / "pdf" / "fonts"
DEBIAN_FONTS = Path("/usr/share/fonts/truetype/dejavu")
DEBIAN_LICENCE = Path("/usr/share/doc/fonts-dejavu-core/copyright")
FACES = {"DejaVuSans.ttf": "DejaVuSans-Subset.ttf", "DejaVuSans-Bold.ttf": "DejaVuSans-Bold-Subset.ttf"}

# Latin (Basic, Latin-1, Extended-A, -B, IPA and spacing modifiers, combining marks, Extended Additional),
# Greek (with Extended), Cyrillic (with Supplement), and the symbols people type into invoices: punctuation,
# super- and subscripts, currencies, letterlike signs (№ ™ ℮), number forms (½ ⅓ Ⅳ), arrows, math operators
# (≤ ≥ ≠ ± × ÷ √ ∞), technical signs (⌀ ⌘), geometric shapes and bullets (■ ● ◆), miscellaneous symbols (☎ ★ ♥),
# dingbats (✓ ✔ ✗ ✘ ➜), and the two presentation ligatures ﬁ ﬂ. The document subsets it again to what it uses.
UNICODE_RANGES = (
    (0x0020, 0x007E),
    (0x00A0, 0x036F),
    (0x0370, 0x03FF),
    (0x0400, 0x052F),
    (0x1E00, 0x1EFF),
    (0x1F00, 0x1FFF),
    (0x2000, 0x206F),
    (0x2070, 0x209F),
    (0x20A0, 0x20CF),
    (0x2100, 0x214F),
    (0x2150, 0x218F),
    (0x2190, 0x21FF),
    (0x2200, 0x22FF),
    (0x2300, 0x23FF),
    (0x2460, 0x24FF),
    (0x25A0, 0x25FF),
    (0x2600, 0x26FF),
    (0x2700, 0x27BF),
    (0x27F0, 0x27FF),
    (0x2900, 0x297F),
    (0x2B00, 0x2BFF),
    (0xFB00, 0xFB06),
)


def subset_face(source: Path, target: Path) -> None:
    """Write the subset of one face: outlines and metrics only, no hinting, no layout tables, no glyph names."""
    options = subset.Options()
    options.hinting = False
    options.layout_features = []
    options.glyph_names = False
    options.name_IDs = ["*"]
    options.notdef_outline = True
    font = subset.load_font(str(source), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[code for low, high in UNICODE_RANGES for code in range(low, high + 1)])
    subsetter.subset(font)
    subset.save_font(font, str(target), options)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--source", type=Path, default=DEBIAN_FONTS, help="folder with the DejaVu Sans TTFs")
    parser.add_argument("--licence", type=Path, default=DEBIAN_LICENCE, help="DejaVu's licence text")
    args = parser.parse_args()
    TARGET.mkdir(parents=True, exist_ok=True)
    for source, target in FACES.items():
        subset_face(args.source / source, TARGET / target)
        print(f"{target}: {(TARGET / target).stat().st_size:,} bytes")
    shutil.copyfile(args.licence, TARGET / "DejaVu-LICENSE.txt")


if __name__ == "__main__":
    main()
