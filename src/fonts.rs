//! Typefaces by role: parsed once per run, shared read-only by every thread.
//!
//! Layout and the PDF writer never name a typeface; they name a *role*, a [`FontId`]:
//!
//! | role | ids | default face |
//! | --- | --- | --- |
//! | body text | `SERIF`, `SERIF_BOLD`, `SERIF_ITALIC`, `SERIF_BOLD_ITALIC` | Noto Serif |
//! | headings, tables, contents, running heads and footers, captions | `SANS`, `SANS_BOLD` | Noto Sans |
//! | code | `MONO` | Noto Sans Mono |
//! | fallbacks | `SYMBOLS`, `MATH`, `ARABIC`, `HEBREW` | Noto Sans Symbols 2, Math, Arabic, Hebrew |
//! | text fallbacks (fixed) | `TEXT_SERIF`, `TEXT_SANS` | Noto Serif, Noto Sans |
//!
//! (The ids keep the names of the default faces; `SERIF` is "regular body text", whatever
//! face `brief.toml` puts there.) [`Fonts::builtin`] fills each role with its default face;
//! [`Fonts::for_config`] with what `brief.toml`'s `[fonts]` says: `body = "sans"` sets body
//! text in Noto Sans (regular, bold, italic, bold italic), `headings = "serif"` sets
//! headings and furniture in Noto Serif, and a table of files sets a role in house faces.
//! A character a role's face lacks is set in the first face of the fallback chain that has
//! it (body, headings, the built-in text faces, code, then the fallbacks: see
//! `layout::shape`); one that no face has
//! is warned about by `layout::check_coverage`, so text never vanishes silently.
//!
//! The built-in faces are compiled into the binary from `fonts/` (Noto, SIL OFL 1.1;
//! licence in `fonts/OFL.txt`), so `brief` works from any directory and every build uses
//! the same bytes; their digest is computed at compile time (`build.rs`). Font files are
//! read at run time and must have TrueType outlines: the PDF writer embeds subsets as
//! CIDFontType2 (`/FontFile2`), which cannot carry CFF (PostScript) outlines, and an EPUB
//! embeds the same files.

use crate::config::{Family, FontChoice, FontFiles, FontPath, FontsSection};
use crate::diag::Diagnostic;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Index of a role in [`Fonts`] (see the module documentation for the roles).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FontId(pub u16);

impl FontId {
    /// Body text, regular.
    pub const SERIF: FontId = FontId(0);
    /// Body text, bold.
    pub const SERIF_BOLD: FontId = FontId(1);
    /// Body text, italic.
    pub const SERIF_ITALIC: FontId = FontId(2);
    /// Body text, bold italic.
    pub const SERIF_BOLD_ITALIC: FontId = FontId(3);
    /// Headings and furniture (tables, contents, running heads and footers, captions).
    pub const SANS: FontId = FontId(4);
    /// Headings and furniture, bold.
    pub const SANS_BOLD: FontId = FontId(5);
    /// Code.
    pub const MONO: FontId = FontId(6);
    /// Fallback faces: symbols, mathematics, Arabic, Hebrew.
    pub const SYMBOLS: FontId = FontId(7);
    pub const MATH: FontId = FontId(8);
    pub const ARABIC: FontId = FontId(9);
    pub const HEBREW: FontId = FontId(10);
    /// Always the built-in Noto Serif and Noto Sans (regular): the fallbacks for a
    /// character that house faces set for body text and headings lack (Cyrillic or Greek
    /// in a Latin-only house face), so it is set in a text face rather than in the code
    /// face. With the default config they are the body and heading faces themselves.
    pub const TEXT_SERIF: FontId = FontId(11);
    pub const TEXT_SANS: FontId = FontId(12);
}

/// Number of roles ([`FontId`] `0..ROLES`).
pub const ROLES: usize = 13;

/// Digest of the built-in font files (16 hex digits of FNV-1a 64 over `fonts/*.ttf`),
/// computed by `build.rs` when the crate is compiled.
pub const BUILTIN_DIGEST: &str = env!("BRIEF_BUILTIN_FONTS_DIGEST");

/// The faces compiled in: (PostScript name, bytes).
const BUILTIN: [(&str, &[u8]); 13] = [
    ("NotoSerif-Regular", include_bytes!("../fonts/NotoSerif-Regular.ttf")),
    ("NotoSerif-Bold", include_bytes!("../fonts/NotoSerif-Bold.ttf")),
    ("NotoSerif-Italic", include_bytes!("../fonts/NotoSerif-Italic.ttf")),
    ("NotoSerif-BoldItalic", include_bytes!("../fonts/NotoSerif-BoldItalic.ttf")),
    ("NotoSans-Regular", include_bytes!("../fonts/NotoSans-Regular.ttf")),
    ("NotoSans-Bold", include_bytes!("../fonts/NotoSans-Bold.ttf")),
    ("NotoSans-Italic", include_bytes!("../fonts/NotoSans-Italic.ttf")),
    ("NotoSans-BoldItalic", include_bytes!("../fonts/NotoSans-BoldItalic.ttf")),
    ("NotoSansMono-Regular", include_bytes!("../fonts/NotoSansMono-Regular.ttf")),
    ("NotoSansSymbols2-Regular", include_bytes!("../fonts/NotoSansSymbols2-Regular.ttf")),
    ("NotoSansMath-Regular", include_bytes!("../fonts/NotoSansMath-Regular.ttf")),
    ("NotoSansArabic-Regular", include_bytes!("../fonts/NotoSansArabic-Regular.ttf")),
    ("NotoSansHebrew-Regular", include_bytes!("../fonts/NotoSansHebrew-Regular.ttf")),
];

/// The built-in faces of each family, by style: regular, bold, italic, bold italic.
const SERIF_FAMILY: [&str; 4] = ["NotoSerif-Regular", "NotoSerif-Bold", "NotoSerif-Italic", "NotoSerif-BoldItalic"];
const SANS_FAMILY: [&str; 4] = ["NotoSans-Regular", "NotoSans-Bold", "NotoSans-Italic", "NotoSans-BoldItalic"];
const MONO_FACE: &str = "NotoSansMono-Regular";
const FALLBACK_FACES: [&str; 4] =
    ["NotoSansSymbols2-Regular", "NotoSansMath-Regular", "NotoSansArabic-Regular", "NotoSansHebrew-Regular"];

/// The bytes of a built-in face by name.
fn builtin_data(name: &str) -> Option<&'static [u8]> {
    BUILTIN.iter().find(|(n, _)| *n == name).map(|&(_, data)| data)
}

/// One parsed face.
pub struct Face {
    /// PostScript name, e.g. `NotoSerif-Bold` (the PDF's BaseFont, before subsetting); for
    /// a font file, its `name` table's PostScript name reduced to letters, digits, `-`,
    /// `_` and `.` (else the file name's stem).
    pub name: &'static str,
    /// The font file.
    pub data: &'static [u8],
    /// Design units per em.
    pub units_per_em: f32,
    /// Ascender, descender (negative) and line gap in design units.
    pub ascender: f32,
    pub descender: f32,
    pub line_gap: f32,
    /// The parsed font tables (metrics, cmap, names).
    pub ttf: rustybuzz::ttf_parser::Face<'static>,
    /// The shaping face, made on first use ([`Face::shaper`]): rustybuzz prepares every
    /// GSUB/GPOS lookup up front, which cost a tenth of a one-brief build for 13 faces, most
    /// never shaped with (fallback faces, and words the pair tables shape).
    shaper: std::sync::OnceLock<rustybuzz::Face<'static>>,
    /// One of the faces compiled in (not a font file): shaping shortcuts checked against
    /// these faces only apply to them (`layout::shape`).
    pub builtin: bool,
    /// Index of this face's table in `layout::pairs` (built-in text faces whose tables
    /// were generated from these very font files), which shapes common words without
    /// rustybuzz.
    pub(crate) pairs: Option<usize>,
}

impl fmt::Debug for Face {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Face").field("name", &self.name).finish_non_exhaustive()
    }
}

impl Face {
    /// Parses a face from font bytes.
    pub fn parse(name: &'static str, data: &'static [u8]) -> Result<Face, String> {
        let ttf = rustybuzz::ttf_parser::Face::parse(data, 0).map_err(|e| format!("cannot parse font {name}: {e}"))?;
        Ok(Face {
            name,
            data,
            units_per_em: ttf.units_per_em() as f32,
            ascender: f32::from(ttf.ascender()),
            descender: f32::from(ttf.descender()),
            line_gap: f32::from(ttf.line_gap()),
            ttf,
            shaper: std::sync::OnceLock::new(),
            builtin: BUILTIN.iter().any(|(_, d)| std::ptr::eq(d.as_ptr(), data.as_ptr())),
            pairs: None,
        })
        .map(|mut face| {
            if face.builtin {
                face.pairs = crate::layout::pair_table_index(name);
            }
            face
        })
    }

    /// The shaping face (made on first use).
    pub fn shaper(&self) -> &rustybuzz::Face<'static> {
        self.shaper.get_or_init(|| rustybuzz::Face::from_face(self.ttf.clone()))
    }

    /// Whether the face has a glyph for `c`.
    pub fn has_char(&self, c: char) -> bool {
        self.ttf.glyph_index(c).is_some()
    }

    /// Advance width of a glyph, in points at `size`.
    pub fn advance(&self, glyph: u16, size: f32) -> f32 {
        let units = self.ttf.glyph_hor_advance(rustybuzz::ttf_parser::GlyphId(glyph)).unwrap_or(0);
        f32::from(units) * size / self.units_per_em
    }

    /// Converts design units to points at `size`.
    pub fn to_pt(&self, units: f32, size: f32) -> f32 {
        units * size / self.units_per_em
    }

    /// The family name from the font's `name` table (typographic family, else family),
    /// e.g. "Noto Serif"; the PostScript name when it has neither. Read on demand.
    pub fn family(&self) -> String {
        use rustybuzz::ttf_parser::name_id;
        let find = |id: u16| {
            self.ttf.names().into_iter().filter(|n| n.name_id == id && n.is_unicode()).find_map(|n| n.to_string())
        };
        find(name_id::TYPOGRAPHIC_FAMILY)
            .or_else(|| find(name_id::FAMILY))
            .map(|f| f.trim().to_string())
            .filter(|f| !f.is_empty())
            .unwrap_or_else(|| self.name.to_string())
    }
}

/// A face to put in a role: compiled in, or a font file (resolved path, and where
/// `brief.toml` names it for messages).
#[derive(Clone)]
enum Wanted<'c> {
    Builtin(&'static str),
    File(PathBuf, &'c FontPath),
}

impl Wanted<'_> {
    fn same(&self, other: &Wanted<'_>) -> bool {
        match (self, other) {
            (Wanted::Builtin(a), Wanted::Builtin(b)) => a == b,
            (Wanted::File(a, _), Wanted::File(b, _)) => a == b,
            _ => false,
        }
    }
}

/// All faces brief typesets with, by role.
#[derive(Debug)]
pub struct Fonts {
    /// The distinct faces.
    faces: Vec<Face>,
    /// Index into `faces` of each role ([`FontId`] order).
    roles: [u8; ROLES],
    /// What outputs depend on: the built-in digest, each role's face, font files' bytes.
    digest: [u8; 32],
}

impl Fonts {
    /// The default faces: Noto Serif body text, Noto Sans headings, Noto Sans Mono code.
    /// Fails only if a compiled-in font is corrupt.
    pub fn builtin() -> Result<Fonts, String> {
        Fonts::assemble(default_roles()).map_err(|(_, e)| e)
    }

    /// The built-in faces with body text in `family` (the roles `body = "sans"` sets).
    pub(crate) fn builtin_with_body(family: Family) -> Result<Fonts, String> {
        let mut roles = default_roles();
        roles[..4].clone_from_slice(&family_faces(family));
        Fonts::assemble(roles).map_err(|(_, e)| e)
    }

    /// The faces `brief.toml`'s `[fonts]` asks for; font files are resolved from `root`
    /// (the config's folder). A font file that cannot be read, parsed or embedded is an
    /// error at its place in `brief.toml` (`root/brief.toml:1:1` for a config built in code).
    pub fn for_config<'c>(section: &'c FontsSection, root: &Path) -> Result<Fonts, Diagnostic> {
        let mut roles = default_roles();
        let choice = |c: &'c Option<toml::Spanned<FontChoice>>| {
            c.as_ref().map(|c| match c.get_ref() {
                FontChoice::Family(f) => family_faces(*f),
                FontChoice::Files(f) => file_faces(f, root),
            })
        };
        if let Some(body) = choice(&section.body) {
            roles[..4].clone_from_slice(&body);
        }
        if let Some(headings) = choice(&section.headings) {
            roles[4..6].clone_from_slice(&headings[..2]);
        }
        if let Some([regular, ..]) = choice(&section.code) {
            roles[6] = regular;
        }
        Fonts::assemble(roles).map_err(|(wanted, e)| match wanted {
            Some(Wanted::File(_, p)) => p.error(&root.join(crate::config::FILE_NAME), e),
            _ => Diagnostic::error(root.join(crate::config::FILE_NAME).display().to_string(), 1, 1, e),
        })
    }

    /// Loads each distinct face once and records which role uses which.
    fn assemble(wanted: [Wanted<'_>; ROLES]) -> Result<Fonts, (Option<Wanted<'_>>, String)> {
        let mut faces: Vec<Face> = Vec::with_capacity(ROLES);
        let mut distinct: Vec<&Wanted<'_>> = Vec::with_capacity(ROLES);
        let mut roles = [0u8; ROLES];
        let mut h = blake3::Hasher::new();
        h.update(BUILTIN_DIGEST.as_bytes());
        for (role, w) in roles.iter_mut().zip(&wanted) {
            let index = match distinct.iter().position(|d| d.same(w)) {
                Some(i) => i,
                None => {
                    let face = match w {
                        Wanted::Builtin(name) => builtin_data(name)
                            .ok_or_else(|| format!("no built-in font {name}"))
                            .and_then(|data| Face::parse(name, data)),
                        Wanted::File(path, _) => load_file(path),
                    }
                    .map_err(|e| (Some(w.clone()), e))?;
                    if let Wanted::File(..) = w {
                        // A font file is a dependency of every output: its bytes count.
                        h.update(&content_hash(face.data));
                    }
                    faces.push(face);
                    distinct.push(w);
                    faces.len() - 1
                }
            };
            *role = index as u8;
            h.update(&[*role]);
            h.update(faces[index].name.as_bytes());
        }
        Ok(Fonts { faces, roles, digest: *h.finalize().as_bytes() })
    }

    /// The face for a role. Ids come from this set, so this never fails for them.
    pub fn face(&self, id: FontId) -> &Face {
        let role = self.roles[usize::from(id.0) % ROLES];
        &self.faces[usize::from(role)]
    }

    /// Index of the distinct face a role uses (`0..face_count()`): roles sharing a face
    /// share the index, so the PDF embeds that face once.
    pub fn face_index(&self, id: FontId) -> usize {
        usize::from(self.roles[usize::from(id.0) % ROLES])
    }

    /// A short key naming this set of faces (from [`Self::digest`]), for caches.
    pub fn cache_key(&self) -> u64 {
        let mut k = [0u8; 8];
        k.copy_from_slice(&self.digest[..8]);
        u64::from_le_bytes(k) | 1
    }

    /// How many distinct faces there are.
    pub fn face_count(&self) -> usize {
        self.faces.len()
    }

    /// Every role with its face, in [`FontId`] order (two roles may share one face).
    pub fn iter(&self) -> impl Iterator<Item = (FontId, &Face)> {
        (0..ROLES as u16).map(|i| (FontId(i), self.face(FontId(i))))
    }

    /// A digest of the faces in each role (for incremental builds): the built-in fonts'
    /// compile-time digest, which face each role uses, and the bytes of font files.
    pub fn digest(&self) -> [u8; 32] {
        self.digest
    }
}

/// The faces of a built-in family, by style (regular, bold, italic, bold italic).
fn family_faces(family: Family) -> [Wanted<'static>; 4] {
    match family {
        Family::Serif => SERIF_FAMILY.map(Wanted::Builtin),
        Family::Sans => SANS_FAMILY.map(Wanted::Builtin),
        Family::Mono => [MONO_FACE; 4].map(Wanted::Builtin),
    }
}

/// The faces of a role given as files, by style. [`crate::config::Config::parse`] makes
/// sure each role names every style it needs; a config built in code may not, and then a
/// missing style is set in the regular face (bold italic in the bold one).
fn file_faces<'c>(f: &'c FontFiles, root: &Path) -> [Wanted<'c>; 4] {
    let file = |p: Option<&'c FontPath>| {
        let p = p.unwrap_or(&f.regular);
        Wanted::File(root.join(&p.path), p)
    };
    let bold = f.bold.as_ref();
    [file(Some(&f.regular)), file(bold), file(f.italic.as_ref()), file(f.bold_italic.as_ref().or(bold))]
}

/// Each role's default face.
fn default_roles() -> [Wanted<'static>; ROLES] {
    let [r, b, i, bi] = SERIF_FAMILY;
    let [sr, sb, ..] = SANS_FAMILY;
    let [sy, ma, ar, he] = FALLBACK_FACES;
    [r, b, i, bi, sr, sb, MONO_FACE, sy, ma, ar, he, r, sr].map(Wanted::Builtin)
}

/// Font files already read in this process, by content: (BLAKE3 of the bytes, bytes, name).
///
/// [`Face`] borrows its bytes for `'static` (the built-in faces are statics and every call
/// site relies on that), so a font file's bytes are leaked, once per distinct content per
/// process: a build reads each house face once, and `brief watch` rebuilding with unchanged
/// fonts reuses the same bytes instead of leaking them again.
static LOADED: Mutex<Vec<([u8; 32], &'static [u8], &'static str)>> = Mutex::new(Vec::new());

/// The BLAKE3 digest of a font file's bytes: the one [`load_file`] recorded for them, so a
/// file is hashed once per run.
fn content_hash(data: &'static [u8]) -> [u8; 32] {
    let known = LOADED.lock().ok().and_then(|l| l.iter().find(|(_, d, _)| std::ptr::eq(d.as_ptr(), data.as_ptr())).map(|&(h, ..)| h));
    known.unwrap_or_else(|| *blake3::hash(data).as_bytes())
}

/// Reads a font file and checks that brief can typeset with it and embed it: one face
/// (not a collection), TrueType outlines, a licence that allows embedding subsets.
pub fn load_file(path: &Path) -> Result<Face, String> {
    let shown = path.display();
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read font file {shown}: {e}"))?;
    let hash = *blake3::hash(&bytes).as_bytes();
    let cached = LOADED.lock().ok().and_then(|l| l.iter().find(|(h, ..)| *h == hash).map(|&(_, d, n)| (d, n)));
    let (data, name) = match cached {
        Some(hit) => hit,
        None => {
            check_font(&bytes).map_err(|e| format!("font file {shown} {e}"))?;
            let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
            let name = postscript_name(&bytes).unwrap_or_else(|| sanitize(&stem));
            let name = if name.is_empty() { "Font".to_string() } else { name };
            let data: &'static [u8] = Box::leak(bytes.into_boxed_slice());
            let name: &'static str = Box::leak(name.into_boxed_str());
            if let Ok(mut l) = LOADED.lock() {
                l.push((hash, data, name));
            }
            (data, name)
        }
    };
    Face::parse(name, data).map_err(|_| format!("cannot parse font file {shown}"))
}

/// Why brief cannot use these font bytes, if it cannot (the message follows the file name).
fn check_font(bytes: &[u8]) -> Result<(), String> {
    use rustybuzz::ttf_parser::{Face as TtfFace, Permissions, Tag};
    if bytes.starts_with(b"ttcf") {
        return Err("is a font collection (.ttc): name a single-face .ttf file instead".into());
    }
    if bytes.starts_with(b"wOFF") || bytes.starts_with(b"wOF2") {
        return Err("is a web font (WOFF): name the .ttf file instead".into());
    }
    let face = TtfFace::parse(bytes, 0).map_err(|e| format!("is not a font brief can read ({e})"))?;
    let raw = face.raw_face();
    if raw.table(Tag::from_bytes(b"glyf")).is_none() || raw.table(Tag::from_bytes(b"loca")).is_none() {
        let cff = raw.table(Tag::from_bytes(b"CFF ")).is_some() || raw.table(Tag::from_bytes(b"CFF2")).is_some();
        return Err(if cff {
            "has PostScript (CFF) outlines: only TrueType-outline fonts are supported (a .ttf, or an .otf with glyf outlines)".into()
        } else {
            "has no TrueType outlines (no glyf table): only TrueType-outline fonts are supported".into()
        });
    }
    if face.permissions() == Some(Permissions::Restricted) {
        return Err("forbids embedding (its OS/2 licence flags say \"restricted\"), and the PDF must embed it".into());
    }
    if face.tables().os2.is_some() && !face.is_subsetting_allowed() {
        return Err("forbids subsetting (OS/2 licence flags), and brief embeds subsets".into());
    }
    if face.glyph_index('a').is_none() && face.glyph_index('0').is_none() && face.number_of_glyphs() < 2 {
        return Err("has no glyphs".into());
    }
    Ok(())
}

/// The PostScript name (`name` id 6), reduced to characters safe in a PDF name.
fn postscript_name(bytes: &[u8]) -> Option<String> {
    use rustybuzz::ttf_parser::{name_id, Face as TtfFace};
    let face = TtfFace::parse(bytes, 0).ok()?;
    let name = face
        .names()
        .into_iter()
        .filter(|n| n.name_id == name_id::POST_SCRIPT_NAME)
        .find_map(|n| n.to_string())
        .map(|n| sanitize(&n))?;
    (!name.is_empty()).then_some(name)
}

/// Letters, digits, `-`, `_` and `.` of `s`, at most 63 of them (the PostScript limit).
fn sanitize(s: &str) -> String {
    s.chars().filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')).take(63).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_faces_cover_latin_cyrillic_greek_and_uzbek_okina() {
        let fonts = Fonts::builtin().expect("fonts parse");
        let sans_italics = ["NotoSans-Italic", "NotoSans-BoldItalic"].map(|n| Face::parse(n, builtin_data(n).unwrap()).unwrap());
        for face in fonts.iter().take(7).map(|(_, f)| f).chain(&sans_italics) {
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

    fn config(text: &str) -> crate::config::Config {
        crate::config::Config::parse(&crate::source::Source::new("proj/brief.toml", text)).expect("config parses")
    }

    fn names(fonts: &Fonts) -> Vec<&str> {
        fonts.iter().map(|(_, f)| f.name).collect()
    }

    #[test]
    fn roles_follow_the_config_and_default_to_builtin() {
        let default = Fonts::for_config(&config("").fonts, Path::new("proj")).unwrap();
        assert_eq!(names(&default), names(&Fonts::builtin().unwrap()));
        assert_eq!(default.digest(), Fonts::builtin().unwrap().digest());
        assert_eq!(default.face(FontId::SERIF_ITALIC).family(), "Noto Serif");

        let swapped = Fonts::for_config(&config("[fonts]\nbody = \"sans\"\nheadings = \"serif\"\n").fonts, Path::new("."))
            .unwrap();
        assert_eq!(
            names(&swapped)[..7],
            ["NotoSans-Regular", "NotoSans-Bold", "NotoSans-Italic", "NotoSans-BoldItalic", "NotoSerif-Regular", "NotoSerif-Bold", "NotoSansMono-Regular"]
        );
        assert_ne!(swapped.digest(), default.digest());
        // One face per distinct font, however many roles use it.
        let all_sans = Fonts::for_config(&config("[fonts]\nbody = \"sans\"\nheadings = \"sans\"\n").fonts, Path::new(".")).unwrap();
        // (Sans regular, bold, italic, bold italic, mono, four fallbacks, and Noto Serif as
        // the fixed text fallback.)
        assert_eq!(all_sans.faces.len(), 10);
        assert_eq!(all_sans.face(FontId::TEXT_SERIF).name, "NotoSerif-Regular");
        assert!(std::ptr::eq(all_sans.face(FontId::SERIF), all_sans.face(FontId::SANS)));
    }

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("brief-fonts-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn font_files_are_loaded_named_and_hashed() {
        let dir = temp_dir("files");
        std::fs::write(dir.join("House.ttf"), builtin_data("NotoSansHebrew-Regular").unwrap()).unwrap();
        let cfg = config("[fonts]\ncode = { regular = \"House.ttf\" }\n");
        let fonts = Fonts::for_config(&cfg.fonts, &dir).unwrap();
        assert_eq!(fonts.face(FontId::MONO).name, "NotoSansHebrew-Regular");
        assert_eq!(fonts.face(FontId::MONO).family(), "Noto Sans Hebrew");
        let before = fonts.digest();
        // The same bytes under another name: the same face (no second copy kept).
        let again = load_file(&dir.join("House.ttf")).unwrap();
        assert!(std::ptr::eq(again.data, fonts.face(FontId::MONO).data));
        // New bytes in the file: a new digest.
        std::fs::write(dir.join("House.ttf"), builtin_data("NotoSansArabic-Regular").unwrap()).unwrap();
        let changed = Fonts::for_config(&cfg.fonts, &dir).unwrap();
        assert_eq!(changed.face(FontId::MONO).name, "NotoSansArabic-Regular");
        assert_ne!(changed.digest(), before);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn unusable_font_files_are_refused_with_the_reason() {
        let dir = temp_dir("bad");
        let cfg = config("[fonts]\n\n[fonts.code]\nregular = \"missing.ttf\"\n");
        let e = Fonts::for_config(&cfg.fonts, &dir).unwrap_err();
        assert_eq!((e.path.as_str(), e.line, e.column), ("proj/brief.toml", 4, 11), "{e}");
        assert!(e.message.contains("cannot read font file") && e.message.contains("missing.ttf"), "{e}");

        let check = |bytes: &[u8]| {
            std::fs::write(dir.join("x.ttf"), bytes).unwrap();
            load_file(&dir.join("x.ttf")).map(|_| ()).unwrap_err()
        };
        assert!(check(b"not a font at all").contains("is not a font"));
        assert!(check(b"ttcf\0\x01\0\0").contains("collection"));
        // A TrueType font whose outline table is renamed `CFF `: refused as CFF-flavoured.
        let mut cff = builtin_data("NotoSansHebrew-Regular").unwrap().to_vec();
        let tables = usize::from(u16::from_be_bytes([cff[4], cff[5]]));
        let record = (0..tables).map(|i| 12 + 16 * i).find(|&r| &cff[r..r + 4] == b"glyf").unwrap();
        cff[record..record + 4].copy_from_slice(b"CFF ");
        let e = check(&cff);
        assert!(e.contains("only TrueType-outline fonts are supported"), "{e}");
        // fsType 0x0002: restricted licence embedding.
        let mut restricted = builtin_data("NotoSansHebrew-Regular").unwrap().to_vec();
        let os2 = (0..tables).map(|i| 12 + 16 * i).find(|&r| &restricted[r..r + 4] == b"OS/2").unwrap();
        let at = u32::from_be_bytes(restricted[os2 + 8..os2 + 12].try_into().unwrap()) as usize + 8;
        restricted[at..at + 2].copy_from_slice(&[0, 2]);
        assert!(check(&restricted).contains("forbids embedding"));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn postscript_names_are_made_safe_for_pdf() {
        assert_eq!(sanitize("House Sans/Bold (v2)#"), "HouseSansBoldv2");
        assert_eq!(sanitize(&"x".repeat(100)).len(), 63);
        assert_eq!(postscript_name(builtin_data("NotoSerif-Bold").unwrap()).as_deref(), Some("NotoSerif-Bold"));
    }

    #[test]
    fn builtin_faces_carry_no_truetype_hinting_and_no_glyph_names() {
        // scripts/prepare-fonts.py: no font program, control value program or CVT, and no
        // glyph with instructions (so none reaches a PDF's subsets).
        for (name, data) in BUILTIN {
            let Ok(face) = rustybuzz::ttf_parser::Face::parse(data, 0) else { panic!("{name} parses") };
            let raw = face.raw_face();
            for tag in [b"fpgm", b"prep", b"cvt ", b"hdmx"] {
                assert!(raw.table(rustybuzz::ttf_parser::Tag::from_bytes(tag)).is_none(), "{name} has {}", String::from_utf8_lossy(tag));
            }
            // No glyph names either: `post` version 3 is its 32-byte header alone.
            let post = raw.table(rustybuzz::ttf_parser::Tag::from_bytes(b"post")).unwrap_or_default();
            assert_eq!((post.get(..4), post.len()), (Some(&[0, 3, 0, 0][..]), 32), "{name}: post");
            let (Some(loca), Some(glyf)) = (raw.table(rustybuzz::ttf_parser::Tag::from_bytes(b"loca")), raw.table(rustybuzz::ttf_parser::Tag::from_bytes(b"glyf"))) else {
                panic!("{name}: TrueType outlines")
            };
            let long = face.tables().head.index_to_location_format == rustybuzz::ttf_parser::head::IndexToLocationFormat::Long;
            let offset = |i: usize| -> usize {
                if long {
                    u32::from_be_bytes(loca[4 * i..4 * i + 4].try_into().unwrap_or_default()) as usize
                } else {
                    2 * usize::from(u16::from_be_bytes(loca[2 * i..2 * i + 2].try_into().unwrap_or_default()))
                }
            };
            let mut checked = 0;
            for g in 0..usize::from(face.number_of_glyphs()) {
                let (start, end) = (offset(g), offset(g + 1));
                if end <= start {
                    continue;
                }
                let glyph = &glyf[start..end];
                let contours = i16::from_be_bytes([glyph[0], glyph[1]]);
                if contours > 0 {
                    // After the header (10 bytes) and the contours' end points: the
                    // instructions' length.
                    let at = 10 + 2 * contours as usize;
                    assert_eq!(u16::from_be_bytes([glyph[at], glyph[at + 1]]), 0, "{name}: glyph {g} has instructions");
                    checked += 1;
                }
            }
            assert!(checked > 50, "{name}: {checked} simple glyphs checked");
        }
    }

    #[test]
    fn builtin_digest_is_a_compile_time_constant() {
        assert_eq!(BUILTIN_DIGEST.len(), 16);
        assert!(BUILTIN_DIGEST.bytes().all(|b| b.is_ascii_hexdigit()));
    }
}
