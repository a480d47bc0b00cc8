//! Text: which faces to embed, what each glyph means (ToUnicode), and runs → text operators.
//!
//! **Meaning of glyphs.** A PDF maps each glyph of a font to one Unicode string (its
//! ToUnicode entry), and printpdf builds that map from the `cid` text we attach to every
//! glyph. Layout gives each glyph its cluster text: the whole text on the cluster's first
//! glyph ("fi" on a ligature), nothing on the others. One glyph can meet different texts in
//! one document (a font may draw the space and the no-break space with one glyph), so each
//! glyph gets one *canonical* text: the first text it carries alone in a cluster, else the
//! first text it carries as the head of a longer cluster, else none. A cluster whose glyphs'
//! canonical texts do not spell its own text is wrapped in a marked-content span with
//! `/ActualText`, which text extraction prefers; every other cluster extracts as is.
//!
//! **Positions.** Each run is placed once with an absolute text matrix (`Tm`) at its first
//! glyph. Viewers then advance the pen by the glyph widths of the font's `/W` array, which
//! printpdf writes as whole thousandths of an em (truncated); wherever the next glyph's `x`
//! differs from that pen position a TJ offset moves it there. That is how kerning and
//! justification from layout arrive (`Tw` word spacing does nothing for Identity-H fonts).

use std::collections::BTreeMap;
use std::ops::Range;

use printpdf::{Codepoint, DictItem, Op, PdfFontHandle, Pt, TextItem, TextMatrix};

use super::{color, finite, fnv1a};
use crate::fonts::{Face, Fonts};
use crate::layout::{Item, LaidOut, PlacedGlyph, TextRun};

/// TJ offsets smaller than this (thousandths of an em) are dropped; the error is carried
/// forward and corrected by the next offset that is large enough.
const MIN_OFFSET: f32 = 0.5;

/// One face the document uses.
struct Embedded {
    /// The resource name in content streams, also the six-letter subset tag.
    res: printpdf::FontId,
    /// Canonical text of every glyph used, by glyph id (empty: no ToUnicode entry).
    texts: BTreeMap<u16, String>,
}

/// The faces of one document, keyed by face name (two `FontId`s naming one face share it).
pub(super) struct FontPlan {
    faces: BTreeMap<&'static str, Embedded>,
}

/// Whether a run can be drawn at all.
fn drawable(run: &TextRun) -> bool {
    run.size.is_finite() && run.size > 0.0 && !run.glyphs.is_empty()
}

/// The glyph id to draw: `id` if the face has it, else 0 (`.notdef`).
fn glyph_id(face: &Face, id: u16) -> u16 {
    if id < face.shaper.number_of_glyphs() {
        id
    } else {
        0
    }
}

/// Splits a run's glyphs into clusters: each starts at a glyph with text (or at the first).
fn clusters(glyphs: &[PlacedGlyph]) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = Vec::new();
    for (i, g) in glyphs.iter().enumerate() {
        match out.last_mut() {
            Some(last) if g.text.is_empty() => last.end = i + 1,
            _ => out.push(i..i + 1),
        }
    }
    out
}

/// All drawable text runs of a document.
fn runs(doc: &LaidOut) -> impl Iterator<Item = &TextRun> {
    doc.pages.iter().flat_map(|p| &p.items).filter_map(|item| match item {
        Item::Text(run) if drawable(run) => Some(run),
        _ => None,
    })
}

impl FontPlan {
    /// Surveys every run: which faces and glyphs are used and what each glyph means.
    pub(super) fn new(doc: &LaidOut, fonts: &Fonts) -> FontPlan {
        // Per face: glyph -> (text it has alone in a cluster, text it has heading a cluster).
        let mut seen: BTreeMap<&'static str, BTreeMap<u16, (Option<String>, Option<String>)>> = BTreeMap::new();
        for run in runs(doc) {
            let face = fonts.face(run.font);
            let glyphs = seen.entry(face.name).or_default();
            for cluster in clusters(&run.glyphs) {
                for i in cluster.clone() {
                    let Some(g) = run.glyphs.get(i) else { continue };
                    let entry = glyphs.entry(glyph_id(face, g.id)).or_default();
                    if i == cluster.start && !g.text.is_empty() {
                        let slot = if cluster.len() == 1 { &mut entry.0 } else { &mut entry.1 };
                        slot.get_or_insert_with(|| g.text.to_string());
                    }
                }
            }
        }
        let mut faces = BTreeMap::new();
        let mut tags: Vec<String> = Vec::new();
        for (name, glyphs) in seen {
            let texts: BTreeMap<u16, String> = glyphs
                .into_iter()
                .map(|(gid, (alone, head))| (gid, alone.or(head).unwrap_or_default()))
                .collect();
            let tag = subset_tag(name, &texts, &tags);
            tags.push(tag.clone());
            faces.insert(
                name,
                Embedded {
                    res: printpdf::FontId(tag),
                    texts,
                },
            );
        }
        FontPlan { faces }
    }

    /// Adds every used face to printpdf's resources under its tag. printpdf subsets it at
    /// save time to the glyphs the content streams show.
    pub(super) fn register(&self, fonts: &Fonts, resources: &mut printpdf::PdfResources) -> Result<(), String> {
        for (_, face) in fonts.iter() {
            let Some(embedded) = self.faces.get(face.name) else {
                continue;
            };
            if resources.fonts.map.contains_key(&embedded.res) {
                continue;
            }
            let parsed = parsed_font(face)?;
            resources
                .fonts
                .map
                .insert(embedded.res.clone(), printpdf::PdfFont::new(parsed));
        }
        Ok(())
    }

    /// Appends the operators drawing `run` on a page `page_h` points high.
    pub(super) fn draw_run(&self, run: &TextRun, fonts: &Fonts, page_h: f32, ops: &mut Vec<Op>) {
        if !drawable(run) {
            return;
        }
        let face = fonts.face(run.font);
        let Some(embedded) = self.faces.get(face.name) else {
            return;
        };
        let size = run.size;
        let gids: Vec<u16> = run.glyphs.iter().map(|g| glyph_id(face, g.id)).collect();
        let canonical = |gid: u16| embedded.texts.get(&gid).map(String::as_str).unwrap_or("");

        // Codepoints with TJ offsets, each offset placed after its glyph.
        let x0 = run.glyphs.first().map_or(0.0, |g| finite(g.x));
        let mut drawn_at = x0;
        let mut cps: Vec<Codepoint> = Vec::with_capacity(gids.len());
        for (i, &gid) in gids.iter().enumerate() {
            let mut offset = 0.0;
            let pen = drawn_at + pdf_width(face, gid) as f32 * size / 1000.0;
            if let Some(next) = run.glyphs.get(i + 1) {
                let want = (pen - finite(next.x)) * 1000.0 / size;
                let rounded = (want * 100.0).round() / 100.0;
                if rounded.is_finite() && rounded.abs() >= MIN_OFFSET {
                    offset = rounded;
                }
                drawn_at = pen - offset * size / 1000.0;
            }
            cps.push(Codepoint {
                gid,
                offset,
                cid: Some(canonical(gid).to_string()),
            });
        }

        ops.push(Op::SetFillColor { col: color(run.color) });
        ops.push(Op::StartTextSection);
        ops.push(Op::SetFont {
            font: PdfFontHandle::External(embedded.res.clone()),
            size: Pt(size),
        });
        ops.push(Op::SetTextMatrix {
            matrix: TextMatrix::Raw([1.0, 0.0, 0.0, 1.0, x0, page_h - finite(run.y)]),
        });
        let mut pending: Vec<Codepoint> = Vec::new();
        for cluster in clusters(&run.glyphs) {
            let text = run.glyphs.get(cluster.start).map_or("", |g| &*g.text);
            let spelled: String = cluster
                .clone()
                .filter_map(|i| gids.get(i))
                .map(|&g| canonical(g))
                .collect();
            let Some(glyphs) = cps.get(cluster.clone()) else {
                continue;
            };
            if spelled == text {
                pending.extend_from_slice(glyphs);
                continue;
            }
            flush(&mut pending, ops);
            ops.push(Op::BeginMarkedContentWithProperties {
                tag: "Span".into(),
                properties: actual_text(text),
            });
            ops.push(Op::ShowText {
                items: vec![TextItem::GlyphIds(glyphs.to_vec())],
            });
            ops.push(Op::EndMarkedContentWithProperties);
        }
        flush(&mut pending, ops);
        ops.push(Op::EndTextSection);
    }
}

/// Shows the pending glyphs, if any.
fn flush(pending: &mut Vec<Codepoint>, ops: &mut Vec<Op>) {
    if !pending.is_empty() {
        ops.push(Op::ShowText {
            items: vec![TextItem::GlyphIds(std::mem::take(pending))],
        });
    }
}

/// A glyph's width as the PDF's `/W` array states it: thousandths of an em, truncated,
/// computed exactly as printpdf computes it from the same `hmtx` advance.
fn pdf_width(face: &Face, gid: u16) -> i64 {
    let units = face
        .shaper
        .glyph_hor_advance(rustybuzz::ttf_parser::GlyphId(gid))
        .unwrap_or(0);
    if face.units_per_em > 0.0 {
        (f32::from(units) * 1000.0 / face.units_per_em) as i64
    } else {
        0
    }
}

/// printpdf's parse of a face, made once per process and face (it costs milliseconds,
/// and every document embeds the same faces). Keyed by the face's name.
fn parsed_font(face: &Face) -> Result<printpdf::ParsedFont, String> {
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock};
    static CACHE: OnceLock<Mutex<HashMap<&'static str, printpdf::ParsedFont>>> = OnceLock::new();
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    if let Some(hit) = cache.lock().ok().and_then(|c| c.get(face.name).cloned()) {
        return Ok(hit);
    }
    let mut warnings = Vec::new();
    let parsed = printpdf::ParsedFont::from_bytes(face.data, 0, &mut warnings)
        .ok_or_else(|| format!("cannot parse font {} for embedding", face.name))?;
    if let Ok(mut c) = cache.lock() {
        c.insert(face.name, parsed.clone());
    }
    Ok(parsed)
}

/// The properties of a `/Figure` carrying `/Alt` (a UTF-16BE text string).
pub(crate) fn alt_text(text: &str) -> DictItem {
    let mut map = BTreeMap::new();
    map.insert("Alt".to_string(), DictItem::String { data: utf16be(text), literal: false });
    DictItem::Dict { map }
}

fn utf16be(text: &str) -> Vec<u8> {
    let mut data = Vec::new();
    if !text.is_empty() {
        data.extend_from_slice(&[0xFE, 0xFF]);
        for unit in text.encode_utf16() {
            data.extend_from_slice(&unit.to_be_bytes());
        }
    }
    data
}

/// The properties of a `/Span` carrying `/ActualText` (a UTF-16BE text string).
fn actual_text(text: &str) -> DictItem {
    let mut data = Vec::new();
    if !text.is_empty() {
        data.extend_from_slice(&[0xFE, 0xFF]);
        for unit in text.encode_utf16() {
            data.extend_from_slice(&unit.to_be_bytes());
        }
    }
    let mut map = BTreeMap::new();
    map.insert("ActualText".to_string(), DictItem::String { data, literal: false });
    DictItem::Dict { map }
}

/// Six capital letters naming a subset (the `ABCDEF+` of `ABCDEF+NotoSerif-Regular`),
/// hashed from the face and the glyphs it keeps, and distinct from `taken`.
fn subset_tag(name: &str, texts: &BTreeMap<u16, String>, taken: &[String]) -> String {
    let mut bytes = name.as_bytes().to_vec();
    for (gid, text) in texts {
        bytes.extend_from_slice(&gid.to_be_bytes());
        bytes.extend_from_slice(text.as_bytes());
        bytes.push(0);
    }
    let mut seed = 0;
    loop {
        let mut h = fnv1a(seed, &bytes);
        let tag: String = (0..6)
            .map(|_| {
                let c = char::from(b'A' + (h % 26) as u8);
                h /= 26;
                c
            })
            .collect();
        if !taken.contains(&tag) {
            return tag;
        }
        seed += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn glyph(id: u16, text: &str) -> PlacedGlyph {
        PlacedGlyph {
            id,
            x: 0.0,
            advance: 0.0,
            text: text.into(),
        }
    }

    #[test]
    fn clusters_start_at_glyphs_with_text() {
        let gs = [glyph(1, ""), glyph(2, "a"), glyph(3, "é"), glyph(4, ""), glyph(5, "b")];
        assert_eq!(clusters(&gs), vec![0..1, 1..2, 2..4, 4..5]);
        assert!(clusters(&[]).is_empty());
    }

    #[test]
    fn subset_tags_are_six_capitals_stable_and_distinct() {
        let texts: BTreeMap<u16, String> = [(3, "a".to_string())].into();
        let a = subset_tag("NotoSerif-Regular", &texts, &[]);
        assert_eq!(a.len(), 6);
        assert!(a.chars().all(|c| c.is_ascii_uppercase()));
        assert_eq!(a, subset_tag("NotoSerif-Regular", &texts, &[]));
        let b = subset_tag("NotoSerif-Regular", &texts, std::slice::from_ref(&a));
        assert_ne!(a, b);
    }

    #[test]
    fn actual_text_is_utf16_with_bom() {
        let DictItem::Dict { map } = actual_text("é") else {
            panic!("not a dict")
        };
        assert_eq!(
            map.get("ActualText"),
            Some(&DictItem::String {
                data: vec![0xFE, 0xFF, 0x00, 0xE9],
                literal: false
            })
        );
    }
}
