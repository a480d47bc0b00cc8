#!/usr/bin/env python3
"""Prepares brief's built-in fonts, in place: no TrueType hinting, no glyph names.

    pip install fonttools && python3 scripts/prepare-fonts.py fonts/*.ttf

The Noto fonts in `fonts/` came as Noto's *hinted* builds: every glyph carries TrueType
instructions (a quarter of the glyph data) and each face a font program, a control value
program and a CVT (about 4 KB). Hinting snaps outlines to the pixel grid of a low-resolution
screen rasterizer that runs them; PDF viewers and printers draw the outlines unhinted or
auto-hinted, and Noto also publishes these same fonts without them ("unhinted"). Each face
embedded in a PDF is a subset with those programs: they were half of its bytes, and
compressing them a sixth of a brief's CPU time.

This keeps every outline, metric, cmap and layout table (GSUB, GPOS, GDEF) as it is, so
the text sets to the same glyphs at the same positions; it drops the `fpgm`, `prep`,
`cvt ` tables (and `hdmx`, `LTSH`, `VDMX`, which only describe hinted rendering), empties
every glyph's instructions, sets `gasp` to smooth at all sizes (as unhinted builds do) and
zeroes `maxp`'s instruction limits.

It also makes the `post` table version 3, without glyph names (30-35 KB a face): nothing
reads them (text is mapped by cmap and, in the PDF, ToUnicode), and the subsetter read
every name of a face to keep a few.

Running it again changes nothing. After running it, regenerate the pair tables (their
digest of the font files changes):
`cargo run --release --example gen_pair_tables > src/layout/pairs_data.rs`.
"""

import sys

from fontTools.ttLib import TTFont, newTable
from fontTools.ttLib.tables import ttProgram

HINTING_TABLES = ("fpgm", "prep", "cvt ", "hdmx", "LTSH", "VDMX")


def prepare(path: str) -> bool:
    font = TTFont(path, recalcTimestamp=False)
    if "glyf" not in font:
        print(f"{path}: no glyf table (not TrueType outlines), left alone", file=sys.stderr)
        return False
    changed = False
    for tag in HINTING_TABLES:
        if tag in font:
            del font[tag]
            changed = True
    glyf = font["glyf"]
    for name in font.getGlyphOrder():
        glyph = glyf[name]
        if getattr(glyph, "program", None) is not None and len(glyph.program.getBytecode()) > 0:
            glyph.program = ttProgram.Program()
            glyph.program.fromBytecode(b"")
            changed = True
    maxp = font["maxp"]
    if maxp.tableVersion >= 0x00010000:
        for field in ("maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs",
                      "maxInstructionDefs", "maxStackElements", "maxSizeOfInstructions"):
            want = 1 if field == "maxZones" else 0
            if getattr(maxp, field) != want:
                setattr(maxp, field, want)
                changed = True
    # Smooth (grayscale, symmetric) at every size, no grid-fitting: what Noto's unhinted
    # builds declare.
    gasp = font.get("gasp")
    if gasp is None or gasp.gaspRange != {0xFFFF: 0x000A}:
        gasp = newTable("gasp")
        gasp.version = 1
        gasp.gaspRange = {0xFFFF: 0x000A}
        font["gasp"] = gasp
        changed = True
    post = font["post"]
    if post.formatType != 3.0:
        post.formatType = 3.0
        for attr in ("extraNames", "mapping", "glyphOrder"):
            if hasattr(post, attr):
                delattr(post, attr)
        changed = True
    if changed:
        # Keep the original's checksum adjustment and glyph order; recalc bounding boxes
        # is off so outlines' stored bounds stay as they were.
        font.recalcBBoxes = False
        font.save(path)
    return changed


def main() -> int:
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    for path in sys.argv[1:]:
        print(f"{path}: {'prepared' if prepare(path) else 'unchanged'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
