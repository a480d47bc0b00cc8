//! The built-in typefaces: loaded once, shared read-only by every thread.
//!
//! The faces are compiled into the binary from `fonts/` (Noto, SIL OFL 1.1; licence in
//! `fonts/OFL.txt`), so `brief` works from any directory and every build uses the same
//! bytes. Each face is parsed once for shaping (rustybuzz) and metrics.

use std::fmt;

/// Index of a face in [`Fonts`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FontId(pub u16);

impl FontId {
    pub const SERIF: FontId = FontId(0);
    pub const SERIF_BOLD: FontId = FontId(1);
    pub const SERIF_ITALIC: FontId = FontId(2);
    pub const SERIF_BOLD_ITALIC: FontId = FontId(3);
    pub const SANS: FontId = FontId(4);
    pub const SANS_BOLD: FontId = FontId(5);
    pub const MONO: FontId = FontId(6);
    /// Fallback faces: symbols, mathematics, Arabic, Hebrew.
    pub const SYMBOLS: FontId = FontId(7);
    pub const MATH: FontId = FontId(8);
    pub const ARABIC: FontId = FontId(9);
    pub const HEBREW: FontId = FontId(10);
}

/// The faces compiled in, in [`FontId`] order: (PostScript-style name, bytes).
const BUILTIN: [(&str, &[u8]); 11] = [
    ("NotoSerif-Regular", include_bytes!("../fonts/NotoSerif-Regular.ttf")),
    ("NotoSerif-Bold", include_bytes!("../fonts/NotoSerif-Bold.ttf")),
    ("NotoSerif-Italic", include_bytes!("../fonts/NotoSerif-Italic.ttf")),
    ("NotoSerif-BoldItalic", include_bytes!("../fonts/NotoSerif-BoldItalic.ttf")),
    ("NotoSans-Regular", include_bytes!("../fonts/NotoSans-Regular.ttf")),
    ("NotoSans-Bold", include_bytes!("../fonts/NotoSans-Bold.ttf")),
    ("NotoSansMono-Regular", include_bytes!("../fonts/NotoSansMono-Regular.ttf")),
    ("NotoSansSymbols2-Regular", include_bytes!("../fonts/NotoSansSymbols2-Regular.ttf")),
    ("NotoSansMath-Regular", include_bytes!("../fonts/NotoSansMath-Regular.ttf")),
    ("NotoSansArabic-Regular", include_bytes!("../fonts/NotoSansArabic-Regular.ttf")),
    ("NotoSansHebrew-Regular", include_bytes!("../fonts/NotoSansHebrew-Regular.ttf")),
];

/// One parsed face.
pub struct Face {
    /// PostScript-style name, e.g. `NotoSerif-Bold` (the PDF's BaseFont, before subsetting).
    pub name: &'static str,
    /// The font file.
    pub data: &'static [u8],
    /// Design units per em.
    pub units_per_em: f32,
    /// Ascender, descender (negative) and line gap in design units.
    pub ascender: f32,
    pub descender: f32,
    pub line_gap: f32,
    /// Shaping face (also gives ttf-parser's tables through `Deref`).
    pub shaper: rustybuzz::Face<'static>,
}

impl fmt::Debug for Face {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Face").field("name", &self.name).finish_non_exhaustive()
    }
}

impl Face {
    /// Parses a face from font bytes.
    pub fn parse(name: &'static str, data: &'static [u8]) -> Result<Face, String> {
        let shaper = rustybuzz::Face::from_slice(data, 0).ok_or_else(|| format!("cannot parse font {name}"))?;
        Ok(Face {
            name,
            data,
            units_per_em: shaper.units_per_em() as f32,
            ascender: f32::from(shaper.ascender()),
            descender: f32::from(shaper.descender()),
            line_gap: f32::from(shaper.line_gap()),
            shaper,
        })
    }

    /// Whether the face has a glyph for `c`.
    pub fn has_char(&self, c: char) -> bool {
        self.shaper.glyph_index(c).is_some()
    }

    /// Advance width of a glyph, in points at `size`.
    pub fn advance(&self, glyph: u16, size: f32) -> f32 {
        let units = self.shaper.glyph_hor_advance(rustybuzz::ttf_parser::GlyphId(glyph)).unwrap_or(0);
        f32::from(units) * size / self.units_per_em
    }

    /// Converts design units to points at `size`.
    pub fn to_pt(&self, units: f32, size: f32) -> f32 {
        units * size / self.units_per_em
    }
}

/// All faces brief typesets with.
#[derive(Debug)]
pub struct Fonts {
    faces: Vec<Face>,
}

impl Fonts {
    /// Parses the built-in faces. Fails only if a compiled-in font is corrupt.
    pub fn builtin() -> Result<Fonts, String> {
        let faces = BUILTIN.iter().map(|&(name, data)| Face::parse(name, data)).collect::<Result<_, _>>()?;
        Ok(Fonts { faces })
    }

    /// The face for an id. Ids come from this set, so this never fails for them.
    pub fn face(&self, id: FontId) -> &Face {
        &self.faces[usize::from(id.0) % self.faces.len()]
    }

    /// Every face with its id.
    pub fn iter(&self) -> impl Iterator<Item = (FontId, &Face)> {
        self.faces.iter().enumerate().map(|(i, f)| (FontId(i as u16), f))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_faces_cover_latin_cyrillic_greek_and_uzbek_okina() {
        let fonts = Fonts::builtin().expect("fonts parse");
        for (_, face) in fonts.iter().take(7) {
            for c in ['a', 'é', 'Ж', 'ә', 'ғ', 'қ', 'ң', 'ө', 'ұ', 'ү', 'һ', 'і', 'Ω', '\u{02BB}', '—', '’'] {
                assert!(face.has_char(c), "{} lacks {:?}", face.name, c);
            }
        }
    }

    #[test]
    fn fallback_faces_cover_symbols_arabic_and_hebrew() {
        let fonts = Fonts::builtin().expect("fonts parse");
        assert!(fonts.face(FontId::SYMBOLS).has_char('☑'));
        assert!(fonts.face(FontId::MATH).has_char('∑'));
        assert!(fonts.face(FontId::ARABIC).has_char('ب'));
        assert!(fonts.face(FontId::HEBREW).has_char('ש'));
    }
}
