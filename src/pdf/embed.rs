//! Embedding fonts: each used face as a subset, written as a Type 0 font over a
//! CIDFontType2 whose CIDs are the subset's glyph ids. Its encoding is brief's one-byte
//! CMap ([`write_one_byte_cmap`], code = CID) when the subset has at most 256 glyphs, else
//! Identity-H (two bytes, code = CID); see [`super::text`].
//!
//! Subsetting itself is typst's `subsetter` crate, given the used glyph ids in ascending
//! order after `.notdef`: it keeps that order, so subset id `i + 1` is the `i`-th used
//! glyph, which is how [`super::text`] already numbered the glyphs in the content streams.
//! (printpdf's `subset_font`, used before, goes through allsorts, which parses a face's
//! whole glyph table for every subset and needs printpdf's full parse of the face first:
//! a third of a batch build's time.) Everything around the font program is written here: the
//! `/W` widths (from the original face, as the text matrix arithmetic assumes), the
//! descriptor's metrics, and a ToUnicode CMap from each glyph's canonical text.

use super::syntax::{deflate, hex_byte, hex_u16, int, name, real, reference, PdfFile, Ref};
use super::text::{pdf_width, Embedded};
use crate::fonts::{Face, FontId, Fonts};

/// A face made ready to write: everything that costs time (subsetting, compressing the
/// font program and the CMap) is done here, so faces can be prepared in parallel.
pub(super) struct Prepared {
    base: String,
    /// The CIDFont's `/W` array.
    widths: Vec<u8>,
    /// The descriptor's entries, without the font program.
    descriptor: Vec<u8>,
    /// Length of the uncompressed font program, and its compressed bytes.
    program_len: usize,
    program: Vec<u8>,
    /// The compressed ToUnicode CMap.
    to_unicode: Vec<u8>,
    /// Whether codes are one byte (the one-byte CMap) or two (Identity-H).
    one_byte: bool,
}

impl Prepared {
    /// Whether the face is drawn with one-byte codes.
    pub(super) fn one_byte(&self) -> bool {
        self.one_byte
    }
}

/// Name of the one-byte CMap.
const ONE_BYTE_CMAP: &[u8] = b"Brief-Identity-OneByte";

/// Writes, as object `id`, the embedded CMap of one-byte codes: `<00>`-`<FF>` to CIDs
/// 0-255, in the Adobe-Identity character collection of the CIDFonts it serves.
pub(super) fn write_one_byte_cmap(file: &mut PdfFile, id: Ref) {
    let mut body = Vec::with_capacity(400);
    body.extend_from_slice(b"/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CIDSystemInfo 3 dict dup begin\n/Registry (Adobe) def\n/Ordering (Identity) def\n/Supplement 0 def\nend def\n/CMapName /");
    body.extend_from_slice(ONE_BYTE_CMAP);
    body.extend_from_slice(b" def\n/CMapType 1 def\n1 begincodespacerange\n<00> <FF>\nendcodespacerange\n1 begincidrange\n<00> <FF> 0\nendcidrange\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    let mut dict = b"/Type/CMap/CMapName/".to_vec();
    dict.extend_from_slice(ONE_BYTE_CMAP);
    dict.extend_from_slice(b"/CIDSystemInfo<</Registry(Adobe)/Ordering(Identity)/Supplement 0>>");
    file.raw_stream(id, &dict, &deflate(&body), true);
}

/// Subsets and compresses face `e`.
pub(super) fn prepare(e: &Embedded, fonts: &Fonts) -> Result<Prepared, String> {
    let face = fonts.face(FontId(e.face));
    // Subset ids: `.notdef` 0, then the used glyphs in ascending order (1, 2, …), as the
    // content streams were numbered; composite glyphs' components are appended after.
    let mut remapper = subsetter::GlyphRemapper::new();
    for &gid in &e.used {
        remapper.remap(gid);
    }
    // The content streams assume subset id = position in `used` + 1: check, don't trust.
    for (i, &gid) in e.used.iter().enumerate() {
        if remapper.get(gid) != Some(i as u16 + 1) {
            return Err(format!("subsetting {} renumbered glyph {gid} unexpectedly", face.name));
        }
    }
    let program = subsetter::subset(face.data, 0, &remapper).map_err(|err| format!("cannot subset {}: {err:?}", face.name))?;
    let base = format!("{}+{}", e.tag, face.name);
    let mut widths_arr = Vec::new();
    widths(&mut widths_arr, e, face);
    let mut descriptor = Vec::new();
    descriptor_dict(&mut descriptor, face, &base);
    Ok(Prepared {
        widths: widths_arr,
        descriptor,
        program_len: program.len(),
        program: deflate(&program),
        to_unicode: deflate(&cmap(e)),
        one_byte: e.one_byte,
        base,
    })
}

/// Writes the Type 0 font `id` with all its parts (descendant font, descriptor, font
/// program, ToUnicode); `one_byte_cmap` is the one-byte CMap's object, for a face drawn with
/// one-byte codes.
pub(super) fn write_font(file: &mut PdfFile, id: Ref, p: &Prepared, one_byte_cmap: Option<Ref>) {
    let (cid, descriptor, program, to_unicode) = (file.reserve(), file.reserve(), file.reserve(), file.reserve());

    let mut d = Vec::with_capacity(256 + p.widths.len());
    d.extend_from_slice(b"/Type/Font/Subtype/Type0/BaseFont");
    name(&mut d, p.base.as_bytes());
    match one_byte_cmap.filter(|_| p.one_byte) {
        Some(cmap) => {
            d.extend_from_slice(b"/Encoding ");
            reference(&mut d, cmap);
        }
        None => d.extend_from_slice(b"/Encoding/Identity-H"),
    }
    d.extend_from_slice(b"/DescendantFonts[");
    reference(&mut d, cid);
    d.extend_from_slice(b"]/ToUnicode ");
    reference(&mut d, to_unicode);
    file.dict(id, &d);

    d.clear();
    d.extend_from_slice(b"/Type/Font/Subtype/CIDFontType2/BaseFont");
    name(&mut d, p.base.as_bytes());
    d.extend_from_slice(b"/CIDSystemInfo<</Registry(Adobe)/Ordering(Identity)/Supplement 0>>/FontDescriptor ");
    reference(&mut d, descriptor);
    d.extend_from_slice(b"/CIDToGIDMap/Identity/DW 1000/W");
    d.extend_from_slice(&p.widths);
    file.dict(cid, &d);

    d.clear();
    d.extend_from_slice(&p.descriptor);
    d.extend_from_slice(b"/FontFile2 ");
    reference(&mut d, program);
    file.dict(descriptor, &d);

    let mut extra = b"/Length1 ".to_vec();
    int(&mut extra, p.program_len as i64);
    file.raw_stream(program, &extra, &p.program, true);
    file.raw_stream(to_unicode, b"", &p.to_unicode, true);
}

/// The `/W` array: runs of consecutive subset ids with their widths.
fn widths(out: &mut Vec<u8>, e: &Embedded, face: &Face) {
    // `.notdef` (CID 0) is drawn for characters no face has: its width must be the one the
    // text positions assume, not `/DW`.
    out.extend_from_slice(b"[0[");
    real(out, pdf_width(face, 0));
    out.push(b']');
    let mut open = false;
    for (i, &gid) in e.used.iter().enumerate() {
        // Subset ids are 1, 2, 3, … in `used` order: one run covers them all.
        if !open {
            int(out, i as i64 + 1);
            out.push(b'[');
            open = true;
        } else {
            out.push(b' ');
        }
        real(out, pdf_width(face, gid));
    }
    if open {
        out.push(b']');
    }
    out.push(b']');
}

/// The font descriptor's entries (all but the font program) for `face` named `base`.
fn descriptor_dict(out: &mut Vec<u8>, face: &Face, base: &str) {
    let f = &face.ttf;
    let scale = |v: f32| (v * 1000.0 / face.units_per_em.max(1.0)).round() as i64;
    let bbox = f.global_bounding_box();
    let italic = f.is_italic() || f.italic_angle() != 0.0;
    // Flags: 1 fixed pitch, 2 serif, 32 nonsymbolic (Latin text), 64 italic.
    let mut flags = 32;
    if f.is_monospaced() {
        flags |= 1;
    }
    if face.name.starts_with("NotoSerif") {
        flags |= 2;
    }
    if italic {
        flags |= 64;
    }
    // Stem width is only a hint to substitutes; estimate it from the weight class.
    let weight = i64::from(f.weight().to_number());
    let stem_v = 10 + (weight - 50).max(0) * 22 / 90;
    out.extend_from_slice(b"/Type/FontDescriptor/FontName");
    name(out, base.as_bytes());
    out.extend_from_slice(b"/Flags ");
    int(out, flags);
    out.extend_from_slice(b"/FontBBox[");
    for (i, v) in [bbox.x_min, bbox.y_min, bbox.x_max, bbox.y_max].into_iter().enumerate() {
        if i > 0 {
            out.push(b' ');
        }
        int(out, scale(f32::from(v)));
    }
    out.extend_from_slice(b"]/ItalicAngle ");
    super::syntax::real(out, f.italic_angle());
    out.extend_from_slice(b"/Ascent ");
    int(out, scale(face.ascender));
    out.extend_from_slice(b"/Descent ");
    int(out, scale(face.descender));
    out.extend_from_slice(b"/CapHeight ");
    int(out, scale(f32::from(f.capital_height().unwrap_or(f.ascender()))));
    out.extend_from_slice(b"/StemV ");
    int(out, stem_v);
}

/// The ToUnicode CMap: each code (one byte or two, as the face is drawn) with a canonical
/// text, as UTF-16BE.
fn cmap(e: &Embedded) -> Vec<u8> {
    let mut out = Vec::with_capacity(256 + e.used.len() * 16);
    out.extend_from_slice(
        b"/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
/CIDSystemInfo<</Registry(Adobe)/Ordering(UCS)/Supplement 0>> def\n\
/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n\
1 begincodespacerange\n",
    );
    out.extend_from_slice(if e.one_byte { b"<00> <FF>" } else { b"<0000> <FFFF>" });
    out.extend_from_slice(b"\nendcodespacerange\n");
    let entries: Vec<(u16, &str)> = e
        .used
        .iter()
        .enumerate()
        .map(|(i, &gid)| (i as u16 + 1, e.canonical(gid)))
        .filter(|(_, text)| !text.is_empty())
        .collect();
    // At most 100 entries per bfchar block, as the CMap specification requires.
    for chunk in entries.chunks(100) {
        int(&mut out, chunk.len() as i64);
        out.extend_from_slice(b" beginbfchar\n");
        for &(cid, text) in chunk {
            out.push(b'<');
            match u8::try_from(cid) {
                Ok(byte) if e.one_byte => hex_byte(&mut out, byte),
                _ => hex_u16(&mut out, cid),
            }
            out.extend_from_slice(b"> <");
            for unit in text.encode_utf16() {
                hex_u16(&mut out, unit);
            }
            out.extend_from_slice(b">\n");
        }
        out.extend_from_slice(b"endbfchar\n");
    }
    out.extend_from_slice(b"endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::{Color, Item, LaidOut, Page, PlacedGlyph, TextRun};

    #[test]
    fn notdef_gets_its_own_width_not_the_default() {
        let Ok(fonts) = Fonts::builtin() else { panic!("fonts") };
        let face = fonts.face(FontId::SERIF);
        let a = face.ttf.glyph_index('a').map_or(0, |g| g.0);
        let glyph = |id: u16, text: &str| PlacedGlyph { id, x: 0.0, advance: 0.0, text: text.into() };
        let run = TextRun { font: FontId::SERIF, size: 10.0, color: Color::BLACK, y: 10.0, glyphs: vec![glyph(0, "😀"), glyph(a, "a")] };
        let doc = LaidOut { pages: vec![Page { width: 100.0, height: 100.0, items: vec![Item::Text(run)] }], ..Default::default() };
        let plan = super::super::text::FontPlan::new(&doc, &fonts);
        let mut w = Vec::new();
        widths(&mut w, &plan.faces[0], face);
        let w = String::from_utf8_lossy(&w).to_string();
        let mut notdef = Vec::new();
        real(&mut notdef, pdf_width(face, 0));
        assert!(w.starts_with(&format!("[0[{}]", String::from_utf8_lossy(&notdef))), "{w}");
        assert_ne!(pdf_width(face, 0), 1000.0, "the test means something only if .notdef is not 1000 wide");
    }
}
