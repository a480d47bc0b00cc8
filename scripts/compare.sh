#!/usr/bin/env bash
# Render the example brief with brief, with pandoc → xelatex (LaTeX) and with pandoc → typst,
# and put pages 1 and 2 side by side in docs/compare-page{1,2}.png; docs/example-page{1,2}.png
# show brief's pages alone. A tool that is missing is skipped with a message, and its column
# says so. Needs: pdftoppm (poppler-utils), python3 with Pillow; optional: pandoc, xelatex,
# typst. The fonts in fonts/ should be installed (e.g. copied to ~/.fonts, then fc-cache -f)
# so that LaTeX and Typst set the same Noto Serif as brief.
#
# Environment:
#   BRIEF   brief binary            (default: target/release/brief; not rebuilt here)
#   PANDOC  pandoc binary           (default: pandoc; Typst output needs pandoc >= 3.0, e.g.
#                                    the one inside the PyPI package pypandoc-binary)
#   PYTHON  python with Pillow      (default: python3)
#   OUT     scratch directory       (default: /tmp/cmp)
#   CHECK   also run check-pdf on each PDF when set to a check-pdf path
set -u
cd "$(dirname "$0")/.."
ROOT=$PWD
BRIEF=${BRIEF:-$ROOT/target/release/brief}
PANDOC=${PANDOC:-pandoc}
PYTHON=${PYTHON:-python3}
OUT=${OUT:-/tmp/cmp}
SRC=sources/uzbekistan-kazakhstan-visit.md
STEM=uzbekistan-kazakhstan-visit
mkdir -p "$OUT" docs
rm -rf "$OUT/brief"; rm -f "$OUT/brief.pdf" "$OUT/latex.pdf" "$OUT/typst.pdf" "$OUT"/*-70-*.png "$OUT"/*-80-*.png

have() { command -v "$1" >/dev/null 2>&1; }

# 1. brief
if [ -x "$BRIEF" ]; then
    SOURCE_DATE_EPOCH=1700000000 "$BRIEF" build "$ROOT/sources" -o "$OUT/brief" \
        && cp "$OUT/brief/$STEM.pdf" "$OUT/brief.pdf"
else
    echo "compare: skipping brief: no binary at $BRIEF (build it with cargo build --release)" >&2
fi

# Same font and paper for all three, the rest is each tool's default look.
COMMON=(-V mainfont="Noto Serif" -V papersize=a4 -V lang=en)

# 2. LaTeX through pandoc's default PDF route
if ! have "$PANDOC"; then
    echo "compare: skipping LaTeX and Typst: no pandoc ($PANDOC)" >&2
else
    if have xelatex; then
        "$PANDOC" "$SRC" -o "$OUT/latex.pdf" --pdf-engine=xelatex "${COMMON[@]}" \
            || echo "compare: pandoc → xelatex failed" >&2
    else
        echo "compare: skipping LaTeX: xelatex not found (apt-get install texlive-xetex texlive-latex-recommended texlive-fonts-recommended lmodern)" >&2
    fi
    # 3. Typst
    if ! "$PANDOC" --list-output-formats | grep -qx typst; then
        echo "compare: skipping Typst: $("$PANDOC" --version | head -1) has no typst writer (needs pandoc >= 3.0)" >&2
    elif ! have typst; then
        echo "compare: skipping Typst: typst not found (cargo install typst-cli --locked)" >&2
    else
        # pandoc <= 3.9's Typst template writes multi-word keywords unquoted ("expected
        # comma"; fixed upstream in pandoc PR 11730): this filter quotes them.
        cat > "$OUT/typst-keywords.lua" <<'LUA'
function Meta(m)
  if m.keywords then
    local ks = pandoc.List()
    for _, k in ipairs(m.keywords) do
      local s = (pandoc.utils.stringify(k):gsub('\\', '\\\\'):gsub('"', '\\"'))
      ks:insert(pandoc.Inlines{pandoc.RawInline('typst', '"' .. s .. '"')})
    end
    m.keywords = ks
  end
  return m
end
LUA
        TYPST_FONT_PATHS="$ROOT/fonts" "$PANDOC" "$SRC" -o "$OUT/typst.pdf" --pdf-engine=typst \
            --lua-filter "$OUT/typst-keywords.lua" "${COMMON[@]}" \
            || echo "compare: pandoc → typst failed" >&2
    fi
fi

# 4. Pages 1 and 2 as PNG
for t in brief latex typst; do
    [ -f "$OUT/$t.pdf" ] || continue
    pdftoppm -r 70 -f 1 -l 2 -png "$OUT/$t.pdf" "$OUT/$t-70"
    if [ -n "${CHECK:-}" ]; then
        echo "== check-pdf $t"
        "$CHECK" "$OUT/$t.pdf" --source "$SRC"
    fi
done
[ -f "$OUT/brief.pdf" ] && pdftoppm -r 80 -f 1 -l 2 -png "$OUT/brief.pdf" "$OUT/brief-80"

"$PYTHON" - "$OUT" docs <<'PY'
"""Montage: one labelled column per tool, pages quantized to keep the PNGs small."""
import glob, os, sys
from PIL import Image, ImageDraw, ImageFont

out, docs = sys.argv[1], sys.argv[2]
tools = [("brief", "brief"), ("latex", "LaTeX (pandoc + xelatex)"), ("typst", "Typst (pandoc + typst)")]

def page(prefix, n):
    """The PNG of page n that pdftoppm wrote (it pads the number to the page count's width)."""
    hits = sorted(glob.glob(f"{prefix}-{n}.png") + glob.glob(f"{prefix}-0{n}.png"))
    return Image.open(hits[0]).convert("RGB") if hits else None

def font(size):
    for f in ("fonts/NotoSans-Bold.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"):
        if os.path.exists(f):
            return ImageFont.truetype(f, size)
    return ImageFont.load_default()

def save(img, path):
    img.quantize(colors=64, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(path, optimize=True)
    print(f"compare: wrote {path} ({os.path.getsize(path) // 1024} KB)")

label, gap, pad = font(18), 16, 10
for n in (1, 2):
    pages = [(name, page(f"{out}/{t}-70", n)) for t, name in tools]
    w = max((p.width for _, p in pages if p), default=579)
    h = max((p.height for _, p in pages if p), default=819)
    sheet = Image.new("RGB", (len(pages) * (w + gap) + gap, h + 40 + pad), (225, 225, 225))
    draw = ImageDraw.Draw(sheet)
    for i, (name, p) in enumerate(pages):
        x = gap + i * (w + gap)
        draw.text((x, 10), name, fill=(0, 0, 0), font=label)
        if p:
            sheet.paste(p, (x, 40))
        else:
            draw.rectangle((x, 40, x + w, 40 + h), fill=(245, 245, 245))
            draw.text((x + 20, 60), "not available", fill=(120, 0, 0), font=label)
    save(sheet, f"{docs}/compare-page{n}.png")
    alone = page(f"{out}/brief-80", n)
    if alone:
        save(alone, f"{docs}/example-page{n}.png")
PY
