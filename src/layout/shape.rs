//! Shaping: text in one style → glyphs with advances and cluster text (rustybuzz).
//!
//! Each character is set in the style's face when that face has it, else in the first face
//! of the fallback chain that does; runs of one face are shaped together so kerning and
//! ligatures apply. Every glyph keeps the source text of its cluster, which becomes the
//! PDF's ToUnicode entry (copy, search and `pdftotext` return the source text).

use crate::fonts::{FontId, Fonts};
use std::cell::RefCell;
use std::collections::HashMap;

/// A shaped glyph, before positioning.
#[derive(Debug, Clone, PartialEq)]
pub struct Glyph {
    pub font: FontId,
    pub id: u16,
    /// Advance in points (kerning included).
    pub advance: f32,
    /// Source text of the cluster (empty for later glyphs of the same cluster).
    pub text: super::GlyphText,
}

/// Faces tried, in order, for a character the style's own face lacks.
/// The configured text faces first, then the built-in ones (a house face lacking Cyrillic
/// falls back to Noto, not to the code face), then code and the symbol and script faces.
const FALLBACK: [FontId; 9] = [
    FontId::SERIF,
    FontId::SANS,
    FontId::TEXT_SERIF,
    FontId::TEXT_SANS,
    FontId::MONO,
    FontId::SYMBOLS,
    FontId::MATH,
    FontId::ARABIC,
    FontId::HEBREW,
];

/// Shapes `text` at `size` in `font`, falling back per character to other faces.
/// Characters no face has are shaped in `font` (they show as the font's .notdef box).
pub fn shape(fonts: &Fonts, font: FontId, size: f32, text: &str) -> Vec<Glyph> {
    shape_dir(fonts, font, size, text, false)
}

/// Shapes text of one bidi direction. Right-to-left text comes out in visual order (the
/// first glyph is the leftmost), with brackets mirrored and Arabic letters joined.
///
/// Results are cached per thread by style and text: a brief repeats its words ("the",
/// "and", names, numbers in tables) thousands of times, and a hit skips the per-character
/// font choice as well as the shaping. Text the pair tables set is the exception: setting
/// it again is cheaper than a lookup.
pub fn shape_dir(fonts: &Fonts, font: FontId, size: f32, text: &str, rtl: bool) -> Vec<Glyph> {
    if text.is_empty() {
        return Vec::new();
    }
    // Common words in brief's own faces come from the pair tables (same glyphs and
    // advances as rustybuzz gives, checked for every string of three characters): that
    // costs less than looking the word up in the cache, so they are not cached.
    if !rtl {
        if let Some(glyphs) = super::pairs::shape(fonts.face(font), font, size, text) {
            return glyphs;
        }
    }
    claim_caches(fonts);
    let style = (font.0, size.to_bits(), rtl);
    let hit = WORDS.with(|c| c.borrow().get(&style).and_then(|m| m.get(text)).cloned());
    if let Some(hit) = hit {
        return hit;
    }
    let out = shape_words(fonts, font, size, text, rtl);
    WORDS.with(|c| {
        let mut c = c.borrow_mut();
        if c.values().map(HashMap::len).sum::<usize>() >= WORD_CACHE_LIMIT {
            c.clear();
        }
        c.entry(style).or_default().insert(text.into(), out.clone());
    });
    out
}

/// [`shape_dir`] without the cache: splits `text` into runs of one face and shapes each.
pub(super) fn shape_words(fonts: &Fonts, font: FontId, size: f32, text: &str, rtl: bool) -> Vec<Glyph> {
    let mut runs: Vec<Vec<Glyph>> = Vec::new();
    let mut out = Vec::with_capacity(text.len());
    let mut run_start = 0;
    let mut run_font: Option<FontId> = None;
    for (i, c) in text.char_indices() {
        let f = face_for(fonts, font, c, run_font);
        match run_font {
            Some(rf) if rf == f => {}
            Some(rf) => {
                runs.push(shape_run(fonts, rf, size, &text[run_start..i], rtl));
                run_start = i;
                run_font = Some(f);
            }
            None => run_font = Some(f),
        }
    }
    if let Some(rf) = run_font {
        runs.push(shape_run(fonts, rf, size, &text[run_start..], rtl));
    }
    // Runs are in logical order; right-to-left text shows the last run leftmost.
    if rtl {
        runs.reverse();
    }
    for run in runs {
        out.extend(run);
    }
    out
}

/// Whether some built-in face can show `c` (controls and joiners count as shown).
pub fn covered(fonts: &Fonts, c: char) -> bool {
    c.is_control() || is_invisible(c) || fonts.iter().any(|(_, f)| f.has_char(c))
}

fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}')
}

fn face_for(fonts: &Fonts, font: FontId, c: char, current: Option<FontId>) -> FontId {
    // Combining marks and invisible characters stay with the run they belong to.
    if let Some(cur) = current {
        if is_invisible(c) || is_mark(c) || c == ' ' {
            return cur;
        }
    }
    if fonts.face(font).has_char(c) {
        return font;
    }
    FALLBACK.iter().copied().find(|&f| fonts.face(f).has_char(c)).unwrap_or(font)
}

fn is_mark(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036F}' | '\u{1AB0}'..='\u{1AFF}' | '\u{20D0}'..='\u{20FF}' | '\u{FE20}'..='\u{FE2F}')
}

/// A fast, deterministic hasher for the caches (FxHash's multiply-rotate): the keys are
/// short words, where SipHash's setup costs more than the lookup.
#[derive(Default, Clone, Copy)]
pub(crate) struct Fx(u64);

impl std::hash::Hasher for Fx {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(c);
            self.add(u64::from_le_bytes(word));
        }
        for &b in chunks.remainder() {
            self.add(u64::from(b));
        }
    }
    fn write_u8(&mut self, v: u8) {
        self.add(u64::from(v));
    }
    fn write_u16(&mut self, v: u16) {
        self.add(u64::from(v));
    }
    fn write_u32(&mut self, v: u32) {
        self.add(u64::from(v));
    }
    fn write_u64(&mut self, v: u64) {
        self.add(v);
    }
    fn write_usize(&mut self, v: usize) {
        self.add(v as u64);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

impl Fx {
    fn add(&mut self, v: u64) {
        self.0 = (self.0.rotate_left(5) ^ v).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

/// A `HashMap` with the [`Fx`] hasher.
pub(crate) type FxMap<K, V> = HashMap<K, V, std::hash::BuildHasherDefault<Fx>>;

/// A style of the word cache: face, size bits, right-to-left.
type StyleKey = (u16, u32, bool);

thread_local! {
    /// Shape plans per face, direction and script: building one costs far more than
    /// shaping a word with it.
    static PLANS: RefCell<HashMap<(u16, rustybuzz::Direction, rustybuzz::Script, bool), rustybuzz::ShapePlan>> =
        RefCell::new(HashMap::new());
    /// Shaped words by style, then text (looked up by `&str`, without allocating).
    static OWNER: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
    static WORDS: RefCell<FxMap<StyleKey, FxMap<Box<str>, Vec<Glyph>>>> = RefCell::new(FxMap::default());
}

/// Entries kept in the word cache before it is emptied.
const WORD_CACHE_LIMIT: usize = 100_000;

/// The caches belong to one set of faces: a `FontId` names a role, and another config may
/// set that role in another face. Switching sets (a library user laying out with two
/// configs on one thread) empties them.
pub(super) fn claim_caches(fonts: &Fonts) {
    let key = fonts.cache_key();
    if OWNER.with(|o| o.replace(key)) != key {
        WORDS.with(|c| c.borrow_mut().clear());
        PLANS.with(|c| c.borrow_mut().clear());
    }
}

fn shape_run(fonts: &Fonts, font: FontId, size: f32, text: &str, rtl: bool) -> Vec<Glyph> {
    if text.is_empty() {
        return Vec::new();
    }
    shape_uncached(fonts, font, size, text, rtl)
}

fn shape_uncached(fonts: &Fonts, font: FontId, size: f32, text: &str, rtl: bool) -> Vec<Glyph> {
    let mut out = Vec::new();
    let face = fonts.face(font);
    let mut buffer = rustybuzz::UnicodeBuffer::new();
    buffer.push_str(text);
    let direction = if rtl { rustybuzz::Direction::RightToLeft } else { rustybuzz::Direction::LeftToRight };
    buffer.set_direction(direction);
    buffer.guess_segment_properties();
    let script = buffer.script();
    let plain = face.builtin && !rtl && is_plain(text);
    let shaped = PLANS.with(|plans| {
        let mut plans = plans.borrow_mut();
        let plan = plans.entry((font.0, direction, script, plain)).or_insert_with(|| {
            let features = if plain { PLAIN_OFF.map(|t| rustybuzz::Feature::new(rustybuzz::ttf_parser::Tag::from_bytes(t), 0, ..)).to_vec() } else { Vec::new() };
            rustybuzz::ShapePlan::new(face.shaper(), direction, Some(script), None, &features)
        });
        rustybuzz::shape_with_plan(face.shaper(), plan, buffer)
    });
    let infos = shaped.glyph_infos();
    let positions = shaped.glyph_positions();
    let scale = size / face.units_per_em;
    // Cluster starts in logical order: a cluster runs to the next larger start. Glyphs of
    // right-to-left text come in visual order, so clusters decrease along the glyphs.
    let mut starts: Vec<usize> = infos.iter().map(|g| g.cluster as usize).collect();
    starts.sort_unstable();
    starts.dedup();
    let mut seen = std::collections::BTreeSet::new();
    for (info, pos) in infos.iter().zip(positions) {
        let start = info.cluster as usize;
        let text = if seen.insert(start) {
            let end = starts.iter().copied().find(|&c| c > start).unwrap_or(text.len());
            let t = text.get(start..end).unwrap_or("");
            // Text extraction reads right-to-left glyphs backwards, characters included: a
            // ligature's (lam-alef) or a letter-with-mark's text is stored reversed so that
            // it reads in logical order again.
            if rtl { t.chars().rev().collect::<String>().into() } else { t.into() }
        } else {
            "".into()
        };
        out.push(Glyph {
            font,
            id: u16::try_from(info.glyph_id).unwrap_or(0),
            advance: pos.x_advance as f32 * scale,
            text,
        });
    }
    out
}

/// Features a plain word does not need in brief's own faces: composition and
/// decomposition (`ccmp`), language forms (`locl`) and mark positioning (`mark`, `mkmk`)
/// act on combining marks and non-ASCII letters only. Shaping printable-ASCII words
/// without their lookups (half of Noto Serif's) gives the same glyphs and advances, the
/// outputs of every corpus brief, fixture and the example byte for byte, for 3 % fewer
/// instructions in a build (5 % less time in a batch). House fonts get every feature.
const PLAIN_OFF: [&[u8; 4]; 4] = [b"ccmp", b"locl", b"mark", b"mkmk"];

/// Whether text is printable ASCII (letters, digits, punctuation, spaces).
fn is_plain(text: &str) -> bool {
    text.bytes().all(|b| (b' '..=b'~').contains(&b))
}

/// Total advance of glyphs.
pub fn width(glyphs: &[Glyph]) -> f32 {
    glyphs.iter().map(|g| g.advance).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ligature_keeps_both_letters_as_cluster_text() {
        let fonts = Fonts::builtin().unwrap();
        let g = shape(&fonts, FontId::SERIF, 10.0, "office");
        let text: String = g.iter().map(|g| &*g.text).collect();
        assert_eq!(text, "office");
        assert!(g.iter().all(|g| g.advance >= 0.0));
    }

    #[test]
    fn arabic_is_shaped_right_to_left_with_joined_letters_and_mirrored_brackets() {
        let fonts = Fonts::builtin().unwrap();
        let g = shape_dir(&fonts, FontId::SERIF, 10.0, "(سلام)", true);
        assert!(g.iter().all(|g| g.id != 0), "{g:?}");
        let arabic = |g: &Glyph| g.text.chars().any(|c| ('\u{0600}'..='\u{06FF}').contains(&c));
        assert!(g.iter().filter(|g| arabic(g)).all(|g| g.font == FontId::ARABIC), "{g:?}");
        // Visual order: the closing bracket of the logical text is leftmost, and every
        // character's text is kept exactly once.
        assert_eq!(&*g[0].text, ")");
        let mut chars: Vec<char> = g.iter().flat_map(|g| g.text.chars()).collect();
        chars.sort_unstable();
        let mut want: Vec<char> = "(سلام)".chars().collect();
        want.sort_unstable();
        assert_eq!(chars, want);
        // Joined forms differ from the isolated letters.
        let isolated = shape_dir(&fonts, FontId::SERIF, 10.0, "س", true)[0].id;
        assert!(g.iter().all(|x| x.id != isolated), "seen initial form");
    }

    #[test]
    fn cyrillic_and_kazakh_letters_have_real_glyphs() {
        let fonts = Fonts::builtin().unwrap();
        let g = shape(&fonts, FontId::SERIF, 10.0, "Қазақстан әлемі");
        assert!(g.iter().all(|g| g.id != 0), "notdef in {g:?}");
        assert!(width(&g) > 50.0);
    }
}
