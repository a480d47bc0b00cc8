//! Shaping: text in one style → glyphs with advances and cluster text (rustybuzz).
//!
//! Each character is set in the style's face when that face has it, else in the first face
//! of the fallback chain that does; runs of one face are shaped together so kerning and
//! ligatures apply. Every glyph keeps the source text of its cluster, which becomes the
//! PDF's ToUnicode entry (copy, search and `pdftotext` return the source text).

use crate::fonts::{FontId, Fonts};

/// A shaped glyph, before positioning.
#[derive(Debug, Clone, PartialEq)]
pub struct Glyph {
    pub font: FontId,
    pub id: u16,
    /// Advance in points (kerning included).
    pub advance: f32,
    /// Source text of the cluster (empty for later glyphs of the same cluster).
    pub text: String,
}

/// Faces tried, in order, for a character the style's own face lacks.
const FALLBACK: [FontId; 3] = [FontId::SERIF, FontId::SANS, FontId::MONO];

/// Shapes `text` at `size` in `font`, falling back per character to other faces.
/// Characters no face has are shaped in `font` (they show as the font's .notdef box).
pub fn shape(fonts: &Fonts, font: FontId, size: f32, text: &str) -> Vec<Glyph> {
    let mut out = Vec::with_capacity(text.len());
    let mut run_start = 0;
    let mut run_font: Option<FontId> = None;
    for (i, c) in text.char_indices() {
        let f = face_for(fonts, font, c, run_font);
        match run_font {
            Some(rf) if rf == f => {}
            Some(rf) => {
                shape_run(fonts, rf, size, &text[run_start..i], &mut out);
                run_start = i;
                run_font = Some(f);
            }
            None => run_font = Some(f),
        }
    }
    if let Some(rf) = run_font {
        shape_run(fonts, rf, size, &text[run_start..], &mut out);
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

fn shape_run(fonts: &Fonts, font: FontId, size: f32, text: &str, out: &mut Vec<Glyph>) {
    if text.is_empty() {
        return;
    }
    let face = fonts.face(font);
    let mut buffer = rustybuzz::UnicodeBuffer::new();
    buffer.push_str(text);
    buffer.set_direction(rustybuzz::Direction::LeftToRight);
    let shaped = rustybuzz::shape(&face.shaper, &[], buffer);
    let infos = shaped.glyph_infos();
    let positions = shaped.glyph_positions();
    let scale = size / face.units_per_em;
    for (k, (info, pos)) in infos.iter().zip(positions).enumerate() {
        let start = info.cluster as usize;
        let first_of_cluster = k == 0 || infos[k - 1].cluster != info.cluster;
        let text = if first_of_cluster {
            // The cluster runs to the next glyph's (larger) cluster start, or to the end.
            let end = infos[k + 1..]
                .iter()
                .map(|g| g.cluster as usize)
                .find(|&c| c > start)
                .unwrap_or(text.len());
            text.get(start..end).unwrap_or("").to_string()
        } else {
            String::new()
        };
        out.push(Glyph {
            font,
            id: u16::try_from(info.glyph_id).unwrap_or(0),
            advance: pos.x_advance as f32 * scale,
            text,
        });
    }
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
        let text: String = g.iter().map(|g| g.text.as_str()).collect();
        assert_eq!(text, "office");
        assert!(g.iter().all(|g| g.advance >= 0.0));
    }

    #[test]
    fn cyrillic_and_kazakh_letters_have_real_glyphs() {
        let fonts = Fonts::builtin().unwrap();
        let g = shape(&fonts, FontId::SERIF, 10.0, "Қазақстан әлемі");
        assert!(g.iter().all(|g| g.id != 0), "notdef in {g:?}");
        assert!(width(&g) > 50.0);
    }
}
