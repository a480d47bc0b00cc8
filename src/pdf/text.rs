//! Text: which faces to embed, what each glyph means (ToUnicode), and runs → text operators.
//!
//! **Meaning of glyphs.** A PDF maps each glyph of a font to one Unicode string (its
//! ToUnicode entry). Layout gives each glyph its cluster text: the whole text on the
//! cluster's first glyph ("fi" on a ligature), nothing on the others. One glyph can meet
//! different texts in one document (a font may draw the space and the no-break space with
//! one glyph), so each glyph gets one *canonical* text: the first text it carries alone in
//! a cluster, else the first text it carries as the head of a longer cluster, else none. A
//! cluster whose glyphs' canonical texts do not spell its own text is wrapped in a
//! marked-content span with `/ActualText`, which text extraction prefers; every other
//! cluster extracts as is.
//!
//! **Positions.** A run is placed with an absolute text matrix (`Tm`) at its first glyph,
//! unless it continues the run drawn just before it (same face, size, colour and baseline,
//! and not behind it): then it joins that run's TJ array, the gap between them one more
//! offset. So a line of words is one `Tm` and one TJ, not a `Tf`, a `Tm` and a TJ per word
//! (a page's content stream is half as long, and so quicker to write and to compress).
//! Viewers advance the pen by the glyph widths of the font's `/W` array (thousandths of an
//! em to three decimals, see [`pdf_width`]); wherever the next glyph's `x` differs from that
//! pen position a TJ offset moves it there. That is how word spaces, kerning and
//! justification from layout arrive (`Tw` word spacing does nothing for Identity-H fonts).
//!
//! Glyph ids in content streams are the *subset's* ids; they are only known once the
//! subset is made, after every page is surveyed, so [`FontPlan::new`] numbers the used
//! glyphs of each face itself (in glyph id order, after `.notdef`) and asks the subsetter
//! to keep exactly that order.
//!
//! **Codes.** A face whose subset has at most 256 glyphs (nearly every face of a brief: a
//! document uses a few dozen to a couple of hundred glyphs of each) is drawn with one-byte
//! codes, each code the subset id, through an embedded CMap that maps `<00>`–`<FF>` to
//! CIDs 0–255 (see `embed`), and its strings are literal strings, one byte a glyph.
//! Identity-H's two-byte codes written in hex took four bytes a glyph: page contents were
//! more than twice as long, to write and to compress. A face with more glyphs keeps
//! Identity-H and hex strings.

use std::ops::Range;

use super::syntax::{hex_u16, literal_byte, real};
use super::{finite, fnv1a};
use crate::fonts::{Face, Fonts};
use crate::layout::{GlyphText, Item, LaidOut, PlacedGlyph, TextRun};

/// TJ offsets smaller than this (thousandths of an em) are dropped; the error is carried
/// forward and corrected by the next offset that is large enough.
const MIN_OFFSET: f32 = 0.5;

/// Farthest (in ems) a run may start after the pen and still continue the TJ array before
/// it; a run farther away (another table column, say) gets its own text matrix.
const MAX_JOIN_GAP_EM: f32 = 12.0;

/// The state of a text object between runs: the font set, and the TJ array left open for
/// the next run to continue.
#[derive(Default)]
pub(super) struct Pen {
    /// Face and size of the last `Tf` in this text object.
    font: Option<(u16, f32)>,
    /// A TJ array (and a string in it) is open.
    open: bool,
    /// What closes the open string: `)` (literal) or `>` (hex).
    closing: u8,
    /// Baseline (PDF y) of the open array, and the pen's x after its glyphs.
    y: f32,
    x: f32,
}

impl Pen {
    /// Closes the open TJ array, if any: before anything else goes into the stream.
    pub(super) fn close(&mut self, out: &mut Vec<u8>) {
        if self.open {
            out.push(self.closing);
            out.extend_from_slice(b"] TJ\n");
            self.open = false;
        }
    }
}

/// What the survey learns about one glyph.
#[derive(Default, Clone)]
struct Seen {
    /// The first text it carries alone in a cluster.
    alone: Option<GlyphText>,
    /// The first text it carries at the head of a longer cluster.
    head: Option<GlyphText>,
}

/// One face the document uses.
pub(super) struct Embedded {
    /// Index of the face in [`Fonts`] (its `FontId`).
    pub face: u16,
    /// Resource name in content streams (`F0`, `F1`, … in face order).
    pub res: String,
    /// Six capital letters of the subset's name (`ABCDEF+NotoSerif-Regular`).
    pub tag: String,
    /// Glyph ids used, ascending, without `.notdef`; subset id of `used[i]` is `i + 1`.
    pub used: Vec<u16>,
    /// Whether the subset's ids fit in one byte: codes are then one byte (the subset id)
    /// through brief's one-byte CMap, else two (Identity-H).
    pub one_byte: bool,
    /// Subset id by original glyph id (0: not used).
    new_id: Vec<u16>,
    /// Canonical text by subset id (0: `.notdef`; `None`: no ToUnicode entry).
    canonical: Vec<Option<GlyphText>>,
    /// `/W` width ([`pdf_width`]) by subset id (0: `.notdef`).
    widths: Vec<f32>,
}

impl Embedded {
    /// The subset's id for original glyph `gid` (`.notdef` for glyphs not surveyed).
    fn new_id(&self, gid: u16) -> u16 {
        self.new_id.get(usize::from(gid)).copied().unwrap_or(0)
    }

    /// Where glyph `gid`'s entries are kept: its subset id, 0 for `.notdef`, `None` for
    /// glyphs not surveyed.
    fn slot(&self, gid: u16) -> Option<usize> {
        match (gid, self.new_id(gid)) {
            (0, _) => Some(0),
            (_, 0) => None,
            (_, n) => Some(usize::from(n)),
        }
    }

    /// The `/W` width of original glyph `gid` (0 for glyphs not surveyed).
    pub fn width(&self, gid: u16) -> f32 {
        self.slot(gid).and_then(|i| self.widths.get(i)).copied().unwrap_or(0.0)
    }

    /// The canonical text of original glyph `gid`.
    pub fn canonical(&self, gid: u16) -> &str {
        self.slot(gid).and_then(|i| self.canonical.get(i)).and_then(|t| t.as_deref()).unwrap_or("")
    }
}

/// The faces of one document, by face index (two `FontId`s naming one face share it).
pub(super) struct FontPlan {
    pub faces: Vec<Embedded>,
    /// Position in `faces` by face index.
    slot: Vec<Option<usize>>,
}

/// Whether a run can be drawn at all.
fn drawable(run: &TextRun) -> bool {
    run.size.is_finite() && run.size > 0.0 && !run.glyphs.is_empty()
}

/// The glyph id to draw: `id` if the face has it, else 0 (`.notdef`).
fn glyph_id(face: &Face, id: u16) -> u16 {
    if id < face.ttf.number_of_glyphs() {
        id
    } else {
        0
    }
}

/// Splits a run's glyphs into clusters: each starts at a glyph with text (or at the first).
fn clusters(glyphs: &[PlacedGlyph]) -> impl Iterator<Item = Range<usize>> + '_ {
    let mut start = 0;
    std::iter::from_fn(move || {
        if start >= glyphs.len() {
            return None;
        }
        let end = glyphs
            .get(start + 1..)
            .and_then(|rest| rest.iter().position(|g| !g.text.is_empty()))
            .map_or(glyphs.len(), |p| start + 1 + p);
        let range = start..end;
        start = end;
        Some(range)
    })
}

impl FontPlan {
    /// Surveys every run: which faces and glyphs are used and what each glyph means.
    pub(super) fn new(doc: &LaidOut, fonts: &Fonts) -> FontPlan {
        // By distinct face, not by role: two roles set in one face embed it once.
        let face_count = fonts.face_count();
        // Per face: the glyphs met, in order of first meeting, and where each glyph id's
        // entry is (1 + its index; 0: not met). A document uses a few hundred of a face's
        // thousands of glyphs: a table of `Seen` for every glyph cost more to clear than
        // the survey itself.
        let mut seen: Vec<Vec<(u16, Seen)>> = vec![Vec::new(); face_count];
        let mut index_of: Vec<Vec<u32>> = vec![Vec::new(); face_count];
        for run in doc.pages.iter().flat_map(|p| &p.items).filter_map(|item| match item {
            Item::Text(run) if drawable(run) => Some(run),
            _ => None,
        }) {
            let face_index = fonts.face_index(run.font);
            let face = fonts.face(run.font);
            let (Some(met), Some(index)) = (seen.get_mut(face_index), index_of.get_mut(face_index)) else { continue };
            if index.is_empty() {
                index.resize(usize::from(face.ttf.number_of_glyphs()), 0);
            }
            for cluster in clusters(&run.glyphs) {
                let single = cluster.len() == 1;
                for i in cluster.clone() {
                    let Some(g) = run.glyphs.get(i) else { continue };
                    let gid = glyph_id(face, g.id);
                    let Some(at) = index.get_mut(usize::from(gid)) else { continue };
                    if *at == 0 {
                        met.push((gid, Seen::default()));
                        *at = met.len() as u32;
                    }
                    let Some((_, entry)) = met.get_mut(*at as usize - 1) else { continue };
                    if i == cluster.start && !g.text.is_empty() {
                        let slot = if single { &mut entry.alone } else { &mut entry.head };
                        if slot.is_none() {
                            *slot = Some(g.text.clone());
                        }
                    }
                }
            }
        }
        let mut faces = Vec::new();
        let mut slot = vec![None; face_count];
        let mut tags: Vec<String> = Vec::new();
        for (index, mut met) in seen.into_iter().enumerate() {
            if met.is_empty() {
                continue;
            }
            // The first role set in this face stands for it.
            let Some((id, face)) = fonts.iter().find(|&(id, _)| fonts.face_index(id) == index) else { continue };
            met.sort_unstable_by_key(|(gid, _)| *gid);
            let mut used = Vec::with_capacity(met.len());
            let mut new_id = vec![0u16; usize::from(face.ttf.number_of_glyphs()).max(1)];
            // Slot 0 is `.notdef`, whether met or not; then the used glyphs in id order.
            let mut canonical = vec![None];
            let mut widths = vec![pdf_width(face, 0)];
            for (gid, g) in met {
                if gid == 0 {
                    canonical[0] = g.alone.or(g.head);
                    continue;
                }
                used.push(gid);
                if let Some(n) = new_id.get_mut(usize::from(gid)) {
                    *n = used.len() as u16;
                }
                canonical.push(g.alone.or(g.head));
                widths.push(pdf_width(face, gid));
            }
            let tag = subset_tag(face.name, &used, &canonical[1..], &tags);
            tags.push(tag.clone());
            if let Some(s) = slot.get_mut(index) {
                *s = Some(faces.len());
            }
            faces.push(Embedded {
                face: id.0,
                res: format!("F{}", faces.len()),
                tag,
                one_byte: used.len() <= usize::from(u8::MAX),
                used,
                new_id,
                canonical,
                widths,
            });
        }
        FontPlan { faces, slot }
    }

    /// The embedded face drawing `run`, if any.
    fn embedded(&self, run: &TextRun, fonts: &Fonts) -> Option<&Embedded> {
        let index = (*self.slot.get(fonts.face_index(run.font))?)?;
        self.faces.get(index)
    }

    /// Appends the operators drawing `run` (inside a text object the caller opened, whose
    /// state is `pen`) on a page `page_h` points high. The run's TJ array is left open for
    /// the next run to continue: the caller closes it ([`Pen::close`]) before any other
    /// operator.
    pub(super) fn draw_run(&self, run: &TextRun, fonts: &Fonts, page_h: f32, pen: &mut Pen, out: &mut Vec<u8>) {
        if !drawable(run) {
            return;
        }
        let face = fonts.face(run.font);
        let Some(embedded) = self.embedded(run, fonts) else {
            return;
        };
        let size = run.size;
        let x0 = run.glyphs.first().map_or(0.0, |g| finite(g.x));
        let y = page_h - finite(run.y);
        let font = (embedded.face, size);
        let gap = x0 - pen.x;
        let (opening, closing) = if embedded.one_byte { (b'(', b')') } else { (b'<', b'>') };
        // The pen position (in points) after the glyphs written so far.
        let mut drawn_at;
        let mut open;
        if pen.open && pen.font == Some(font) && pen.y == y && gap > -0.01 && gap < MAX_JOIN_GAP_EM * size {
            // Continue the array: the gap from the pen is one more offset.
            drawn_at = pen.x;
            let rounded = ((pen.x - x0) * 1000.0 / size * 100.0).round() / 100.0;
            if rounded.is_finite() && rounded.abs() >= MIN_OFFSET {
                out.push(closing);
                real(out, rounded);
                out.push(opening);
                drawn_at = pen.x - rounded * size / 1000.0;
            }
            open = true;
        } else {
            pen.close(out);
            if pen.font != Some(font) {
                out.push(b'/');
                out.extend_from_slice(embedded.res.as_bytes());
                out.push(b' ');
                real(out, size);
                out.extend_from_slice(b" Tf\n");
                pen.font = Some(font);
            }
            out.extend_from_slice(b"1 0 0 1 ");
            real(out, x0);
            out.push(b' ');
            real(out, y);
            out.extend_from_slice(b" Tm\n");
            drawn_at = x0;
            open = false;
        }
        for cluster in clusters(&run.glyphs) {
            let text = run.glyphs.get(cluster.start).map_or("", |g| &*g.text);
            let spelled = spells(embedded, face, &run.glyphs[cluster.clone()], text);
            if !spelled {
                if open {
                    out.push(closing);
                    out.extend_from_slice(b"] TJ\n");
                    open = false;
                }
                out.extend_from_slice(b"/Span<</ActualText");
                super::syntax::text(out, text);
                out.extend_from_slice(b">> BDC\n");
            }
            for i in cluster {
                let Some(g) = run.glyphs.get(i) else { continue };
                let gid = glyph_id(face, g.id);
                if !open {
                    out.push(b'[');
                    out.push(opening);
                    open = true;
                }
                let code = embedded.new_id(gid);
                match u8::try_from(code) {
                    Ok(byte) if embedded.one_byte => literal_byte(out, byte),
                    _ => hex_u16(out, code),
                }
                let pen = drawn_at + embedded.width(gid) * size / 1000.0;
                drawn_at = pen;
                if let Some(next) = run.glyphs.get(i + 1) {
                    let want = (pen - finite(next.x)) * 1000.0 / size;
                    let rounded = (want * 100.0).round() / 100.0;
                    if rounded.is_finite() && rounded.abs() >= MIN_OFFSET {
                        out.push(closing);
                        real(out, rounded);
                        out.push(opening);
                        drawn_at = pen - rounded * size / 1000.0;
                    }
                }
            }
            if !spelled {
                out.push(closing);
                out.extend_from_slice(b"] TJ\nEMC\n");
                open = false;
            }
        }
        pen.open = open;
        pen.closing = closing;
        pen.x = drawn_at;
        pen.y = y;
    }
}

/// Whether the canonical texts of a cluster's glyphs spell the cluster's text.
fn spells(embedded: &Embedded, face: &Face, glyphs: &[PlacedGlyph], text: &str) -> bool {
    let mut rest = text.as_bytes();
    for g in glyphs {
        let c = embedded.canonical(glyph_id(face, g.id)).as_bytes();
        match rest.strip_prefix(c) {
            Some(r) => rest = r,
            None => return false,
        }
    }
    rest.is_empty()
}

/// A glyph's width as the PDF's `/W` array states it: thousandths of an em, rounded to three
/// decimals (the precision the writer prints). Exact widths keep the viewer's pen on the
/// glyph positions layout computed, so TJ offsets are only needed where layout really moved
/// a glyph (kerning, justification), not every few glyphs to correct rounding drift.
pub(super) fn pdf_width(face: &Face, gid: u16) -> f32 {
    let units = face
        .ttf
        .glyph_hor_advance(rustybuzz::ttf_parser::GlyphId(gid))
        .unwrap_or(0);
    if face.units_per_em > 0.0 {
        let w = f64::from(units) * 1000.0 / f64::from(face.units_per_em);
        ((w * 1000.0).round() / 1000.0) as f32
    } else {
        0.0
    }
}

/// Six capital letters naming a subset (the `ABCDEF+` of `ABCDEF+NotoSerif-Regular`),
/// hashed from the face and the glyphs it keeps (`used`, with their canonical texts in the
/// same order), and distinct from `taken`.
fn subset_tag(name: &str, used: &[u16], canonical: &[Option<GlyphText>], taken: &[String]) -> String {
    let mut bytes = name.as_bytes().to_vec();
    for (i, &gid) in used.iter().enumerate() {
        bytes.extend_from_slice(&gid.to_be_bytes());
        if let Some(Some(text)) = canonical.get(i) {
            bytes.extend_from_slice(text.as_bytes());
        }
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
        assert_eq!(clusters(&gs).collect::<Vec<_>>(), vec![0..1, 1..2, 2..4, 4..5]);
        assert_eq!(clusters(&[]).count(), 0);
    }

    #[test]
    fn subset_tags_are_six_capitals_stable_and_distinct() {
        let canonical = vec![Some(GlyphText::from("a"))];
        let a = subset_tag("NotoSerif-Regular", &[3], &canonical, &[]);
        assert_eq!(a.len(), 6);
        assert!(a.chars().all(|c| c.is_ascii_uppercase()));
        assert_eq!(a, subset_tag("NotoSerif-Regular", &[3], &canonical, &[]));
        let b = subset_tag("NotoSerif-Regular", &[3], &canonical, std::slice::from_ref(&a));
        assert_ne!(a, b);
    }

    #[test]
    fn used_glyphs_are_renumbered_densely_with_their_canonical_text() {
        let Ok(fonts) = Fonts::builtin() else { panic!("fonts") };
        let face = fonts.face(crate::fonts::FontId::SERIF);
        let a = face.ttf.glyph_index('a').map_or(0, |g| g.0);
        let b = face.ttf.glyph_index('b').map_or(0, |g| g.0);
        let run = TextRun {
            font: crate::fonts::FontId::SERIF,
            size: 10.0,
            color: crate::layout::Color::BLACK,
            y: 100.0,
            glyphs: vec![glyph(b, "b"), glyph(a, "a"), glyph(b, "b")],
        };
        let doc = LaidOut {
            pages: vec![crate::layout::Page { width: 100.0, height: 200.0, items: vec![Item::Text(run.clone())] }],
            ..Default::default()
        };
        let plan = FontPlan::new(&doc, &fonts);
        assert_eq!(plan.faces.len(), 1);
        let e = &plan.faces[0];
        let mut ids = vec![a, b];
        ids.sort_unstable();
        assert_eq!(e.used, ids);
        assert_eq!(e.new_id(ids[0]), 1);
        assert_eq!(e.new_id(ids[1]), 2);
        assert_eq!(e.canonical(a), "a");
        let mut out = Vec::new();
        let mut pen = Pen::default();
        plan.draw_run(&run, &fonts, 200.0, &mut pen, &mut out);
        pen.close(&mut out);
        let ops = String::from_utf8_lossy(&out).to_string();
        // Two glyphs used: one-byte codes 2 (b), 1 (a), 2, in a literal string.
        assert!(e.one_byte);
        // (The three glyphs all sit at x = 0: offsets move the pen back between them.)
        assert!(ops.starts_with("/F0 10 Tf\n1 0 0 1 0 100 Tm\n[("), "{ops}");
        assert!(ops.ends_with(")] TJ\n"), "{ops}");
        let codes: Vec<&str> = ops.split('(').skip(1).map(|s| s.split(')').next().unwrap_or("")).collect();
        assert_eq!(codes, ["\u{2}", "\u{1}", "\u{2}"], "{ops}");
        assert!(!ops.contains("ActualText"), "every cluster spells itself: {ops}");
    }

    /// Width of "ab" at 10 pt.
    fn w_ab() -> f32 {
        let Ok(fonts) = Fonts::builtin() else { panic!("fonts") };
        let face = fonts.face(crate::fonts::FontId::SERIF);
        let id = |c| face.ttf.glyph_index(c).map_or(0, |g| g.0);
        (pdf_width(face, id('a')) + pdf_width(face, id('b'))) * 10.0 / 1000.0
    }

    /// Draws runs of the word "ab" (each: x of its first glyph, baseline from the top,
    /// size) in one text object and returns the operators.
    fn draw_words(runs: &[(f32, f32, f32)]) -> String {
        let Ok(fonts) = Fonts::builtin() else { panic!("fonts") };
        let face = fonts.face(crate::fonts::FontId::SERIF);
        let a = face.ttf.glyph_index('a').map_or(0, |g| g.0);
        let b = face.ttf.glyph_index('b').map_or(0, |g| g.0);
        let runs: Vec<TextRun> = runs
            .iter()
            .map(|&(x, y, size)| {
                let mut g1 = glyph(a, "a");
                g1.x = x;
                let mut g2 = glyph(b, "b");
                g2.x = x + pdf_width(face, a) * size / 1000.0;
                TextRun { font: crate::fonts::FontId::SERIF, size, color: crate::layout::Color::BLACK, y, glyphs: vec![g1, g2] }
            })
            .collect();
        let page = crate::layout::Page { width: 300.0, height: 200.0, items: runs.iter().cloned().map(Item::Text).collect() };
        let doc = LaidOut { pages: vec![page], ..Default::default() };
        let plan = FontPlan::new(&doc, &fonts);
        let mut out = Vec::new();
        let mut pen = Pen::default();
        for run in &runs {
            plan.draw_run(run, &fonts, 200.0, &mut pen, &mut out);
        }
        pen.close(&mut out);
        String::from_utf8_lossy(&out).to_string()
    }

    #[test]
    fn words_on_one_baseline_share_one_text_matrix_and_one_tj() {
        // Two words 10 pt apart at 10 pt: the second is one offset of -1000 (thousandths
        // of an em) after the pen.
        let ops = draw_words(&[(20.0, 100.0, 10.0), (20.0 + w_ab() + 10.0, 100.0, 10.0)]);
        assert_eq!(ops.matches(" Tm").count(), 1, "{ops}");
        assert_eq!(ops.matches(" Tf").count(), 1, "{ops}");
        assert_eq!(ops.matches("TJ").count(), 1, "{ops}");
        assert!(ops.contains(")-1000("), "{ops}");
    }

    #[test]
    fn another_baseline_size_or_a_step_back_gets_its_own_text_matrix() {
        // Next line; then a smaller size on it; then a run behind the pen; then one far off.
        let ops = draw_words(&[
            (20.0, 100.0, 10.0),
            (20.0, 112.0, 10.0),
            (60.0, 112.0, 8.0),
            (30.0, 112.0, 8.0),
            (290.0, 112.0, 8.0),
        ]);
        assert_eq!(ops.matches(" Tm").count(), 5, "{ops}");
        assert_eq!(ops.matches(" Tf").count(), 2, "{ops}");
        assert_eq!(ops.matches("TJ").count(), 5, "{ops}");
    }
}
