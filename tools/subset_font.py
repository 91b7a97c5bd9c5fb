"""Make the PDF font: DejaVu Sans (regular and bold) cut down with fontTools to the scripts invoices use.

    /work/venv/bin/python tools/subset_font.py [--source DIR]

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

# Basic Latin, Latin-1, Latin Extended-A and -B, Greek, Cyrillic, general punctuation, currency symbols,
# and the few letterlike and math signs an invoice meets (№, ™, −).
UNICODE_RANGES = (
    (0x0020, 0x007E),
    (0x00A0, 0x024F),
    (0x0370, 0x03FF),
    (0x0400, 0x04FF),
    (0x2000, 0x206F),
    (0x20A0, 0x20CF),
    (0x2116, 0x2116),
    (0x2122, 0x2122),
    (0x2212, 0x2212),
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
