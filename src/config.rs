//! Project configuration: `brief.toml`, found by walking up from the sources.
//!
//! Every section and key is optional; unknown keys are errors (`deny_unknown_fields`), and
//! every error names `brief.toml:line:col`. Values that need checking (lengths, colours,
//! levels) have their own `Deserialize` impls, so a bad value is reported by toml at the
//! value's own position. Front matter overrides the config per document (today: the
//! classification banner).
//!
//! ```toml
//! [build]
//! formats = ["pdf", "epub"]   # what `brief build` writes when no --format is given
//! output = "output"           # output folder, relative to this file
//! sources = ["sources"]       # what `brief build` reads when no PATHS are given
//! max_input_size = 16777216   # bytes; a bigger source is an error (default 16 MiB)
//! encoding = "windows-1252"   # sources without a BOM are in this encoding (default UTF-8)
//! allow_outside = ["../shared/images"]  # image folders outside each source's folder
//!
//! [page]
//! size = "a4"                 # a4, a5, letter, legal; or width/height
//! margin = "27mm"             # all four; margin_top/_bottom/_left/_right override
//!
//! [document]
//! classification = "PUBLIC"   # banner for briefs whose front matter names none
//! chapter_level = 1           # EPUB chapter split level (1-6)
//! epub_fonts = false          # embed the built-in fonts in the EPUB (--epub-fonts)
//! toc = "auto"                # auto, always, never (front matter `toc:` wins)
//!
//! [theme]
//! heading = "#1c3557"         # text, heading, accent, banner colours
//!
//! [fonts]                     # built-in families (the defaults shown) ...
//! body = "serif"              # body text: serif or sans
//! headings = "sans"           # headings, tables, contents, running heads: sans or serif
//! code = "mono"               # code: mono
//!
//! [fonts.body]                # ... or house faces: TrueType files, relative to this file
//! regular = "fonts/House-Regular.ttf"      # body needs all four styles,
//! bold = "fonts/House-Bold.ttf"            # headings regular and bold,
//! italic = "fonts/House-Italic.ttf"        # code regular
//! bold_italic = "fonts/House-BoldItalic.ttf"
//! ```
//!
//! A role that names files must name every style it sets (so emphasis never silently
//! comes out upright); name the regular file again to set a style in it. A missing,
//! unreadable or unusable font file (not TrueType outlines, a collection, a licence that
//! forbids embedding) is an error at its `brief.toml:line:col` ([`Config::load`]).

use crate::diag::Diagnostic;
use crate::layout::PageSetup;
use serde::{Deserialize, Deserializer, Serialize};
use toml::Spanned;
use std::path::{Path, PathBuf};

/// The file name looked for.
pub const FILE_NAME: &str = "brief.toml";

/// A parsed `brief.toml` (or the defaults when there is none).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub build: BuildSection,
    pub page: PageSection,
    pub document: DocumentSection,
    pub theme: ThemeSection,
    pub fonts: FontsSection,
    /// The folder holding `brief.toml`: relative paths in it are resolved from here.
    #[serde(skip)]
    pub root: PathBuf,
    /// The file this came from; `None` for the defaults.
    #[serde(skip)]
    pub file: Option<PathBuf>,
}

/// `[build]`: what to build and where.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BuildSection {
    /// Default formats; empty means both.
    pub formats: Vec<Format>,
    /// Output folder, relative to the config file.
    pub output: Option<PathBuf>,
    /// Default sources, relative to the config file.
    pub sources: Option<Vec<PathBuf>>,
    /// Largest source file read, in bytes (`--max-input-size` wins); default
    /// [`crate::source::DEFAULT_MAX_INPUT_SIZE`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_input_size: Option<u64>,
    /// Encoding of sources without a byte-order mark (`--encoding` wins); default UTF-8.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encoding: Option<String>,
    /// Folders (relative to the config file) images may come from besides each source's
    /// own folder tree (`--allow-outside` adds more).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub allow_outside: Vec<PathBuf>,
}

impl BuildSection {
    /// The input size limit in force.
    pub fn input_limit(&self) -> u64 {
        self.max_input_size.unwrap_or(crate::source::DEFAULT_MAX_INPUT_SIZE)
    }
}

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Pdf,
    Epub,
}

/// `[page]`: paper size and margins of the PDF.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PageSection {
    pub size: Option<PaperSize>,
    pub width: Option<Length>,
    pub height: Option<Length>,
    pub margin: Option<Length>,
    pub margin_top: Option<Length>,
    pub margin_bottom: Option<Length>,
    pub margin_left: Option<Length>,
    pub margin_right: Option<Length>,
}

/// Named paper sizes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PaperSize {
    A4,
    A5,
    Letter,
    Legal,
}

impl PaperSize {
    /// Width and height in points.
    pub fn points(self) -> (f32, f32) {
        match self {
            PaperSize::A4 => (595.276, 841.89),
            PaperSize::A5 => (419.528, 595.276),
            PaperSize::Letter => (612.0, 792.0),
            PaperSize::Legal => (612.0, 1008.0),
        }
    }
}

/// `[document]`: structure of every brief.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DocumentSection {
    /// Banner for briefs whose front matter has no `classification`.
    pub classification: Option<String>,
    /// Heading level at which the EPUB is split into chapters (1–6).
    pub chapter_level: Option<HeadingLevel>,
    /// Embed the built-in fonts in the EPUB (as `--epub-fonts` does).
    pub epub_fonts: bool,
    /// Whether a table of contents is shown.
    pub toc: TocPolicy,
}

/// When to show a table of contents.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TocPolicy {
    /// The engine decides (long documents get one).
    #[default]
    Auto,
    Always,
    Never,
}

/// `[theme]`: house colours.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ThemeSection {
    pub text: Option<Rgb>,
    pub heading: Option<Rgb>,
    pub accent: Option<Rgb>,
    pub banner: Option<Rgb>,
}

/// `[fonts]`: the face of each role (see [`crate::fonts`]): a built-in family by name, or a
/// table of font files relative to `brief.toml`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FontsSection {
    /// Body text: `"serif"` (the default) or `"sans"`, or files `regular`, `bold`, `italic`
    /// and `bold_italic`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<Spanned<FontChoice>>,
    /// Headings, tables, contents, running heads and footers, captions: `"sans"` (the
    /// default) or `"serif"`, or files `regular` and `bold`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub headings: Option<Spanned<FontChoice>>,
    /// Code: `"mono"` (the default), or a file `regular`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<Spanned<FontChoice>>,
}

/// A role's faces as `brief.toml` names them.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum FontChoice {
    /// A built-in family (`"serif"`, `"sans"`, `"mono"`).
    Family(Family),
    /// House faces from font files.
    Files(FontFiles),
}

/// A built-in font family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Family {
    Serif,
    Sans,
    Mono,
}

/// Font files of one role, relative to `brief.toml`'s folder. Which styles a role needs:
/// body all four, headings `regular` and `bold`, code `regular` ([`Config::parse`] checks).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FontFiles {
    pub regular: FontPath,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bold: Option<FontPath>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub italic: Option<FontPath>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bold_italic: Option<FontPath>,
}

impl FontFiles {
    /// The styles given, with their keys, in a fixed order.
    pub fn styles(&self) -> impl Iterator<Item = (&'static str, &FontPath)> {
        [("regular", Some(&self.regular)), ("bold", self.bold.as_ref()), ("italic", self.italic.as_ref()), ("bold_italic", self.bold_italic.as_ref())]
            .into_iter()
            .filter_map(|(k, p)| Some((k, p?)))
    }
}

/// A font file named in `[fonts]`. Only the path counts for equality and the config's
/// digest (the font's bytes are hashed by the pipeline).
#[derive(Debug, Clone)]
pub struct FontPath {
    /// The path as written, relative to `brief.toml`'s folder.
    pub path: PathBuf,
    /// Where the value is written (`brief.toml`, line, column), for messages; set by
    /// [`Config::parse`], `None` for a config built in code.
    pub at: Option<(String, usize, usize)>,
    /// Byte range of the value in the config text, while parsing.
    span: Option<std::ops::Range<usize>>,
}

impl FontPath {
    /// A path with no place in a config file (for configs built in code).
    pub fn new(path: impl Into<PathBuf>) -> FontPath {
        FontPath { path: path.into(), at: None, span: None }
    }

    /// An error about this file, at its place in `brief.toml` (else at `fallback`'s start).
    pub fn error(&self, fallback: &Path, message: impl Into<String>) -> Diagnostic {
        match &self.at {
            Some((file, line, column)) => Diagnostic::error(file.clone(), *line, *column, message),
            None => Diagnostic::error(fallback.display().to_string(), 1, 1, message),
        }
    }
}

impl PartialEq for FontPath {
    fn eq(&self, other: &Self) -> bool {
        self.path == other.path
    }
}

impl Serialize for FontPath {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.path.serialize(s)
    }
}

impl<'de> Deserialize<'de> for FontPath {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let spanned = Spanned::<PathBuf>::deserialize(d)?;
        let span = spanned.span();
        Ok(FontPath { path: spanned.into_inner(), at: None, span: Some(span) })
    }
}

impl<'de> Deserialize<'de> for FontChoice {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = FontChoice;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a font family (\"serif\", \"sans\", \"mono\") or a table of font files")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<FontChoice, E> {
                match v {
                    "serif" => Ok(FontChoice::Family(Family::Serif)),
                    "sans" => Ok(FontChoice::Family(Family::Sans)),
                    "mono" => Ok(FontChoice::Family(Family::Mono)),
                    _ => Err(E::custom(format!(
                        "unknown font family {v:?}: write \"serif\" or \"sans\" (\"mono\" for code), or name font files in a table such as [fonts.body] regular = \"fonts/House-Regular.ttf\""
                    ))),
                }
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<FontChoice, A::Error> {
                FontFiles::deserialize(serde::de::value::MapAccessDeserializer::new(map)).map(FontChoice::Files)
            }
        }
        d.deserialize_any(Visitor)
    }
}

impl FontsSection {
    /// Checks what each role accepts and records where each font file is written.
    fn check(&mut self, src: &crate::source::Source) -> Result<(), Diagnostic> {
        // (key, the role's slot, built-in families it takes, styles it takes and needs)
        let roles: [(&str, &mut Option<Spanned<FontChoice>>, &[Family], &[&str]); 3] = [
            ("body", &mut self.body, &[Family::Serif, Family::Sans], &["regular", "bold", "italic", "bold_italic"]),
            ("headings", &mut self.headings, &[Family::Serif, Family::Sans], &["regular", "bold"]),
            ("code", &mut self.code, &[Family::Mono], &["regular"]),
        ];
        for (key, slot, families, styles) in roles {
            let Some(choice) = slot.as_mut() else { continue };
            let start = choice.span().start;
            let names = |fs: &[Family]| {
                fs.iter().map(|f| format!("\"{}\"", format!("{f:?}").to_lowercase())).collect::<Vec<_>>().join(" or ")
            };
            match choice.get_mut() {
                FontChoice::Family(f) if !families.contains(f) => {
                    let why = match key {
                        "code" => "code needs a monospaced face",
                        _ => "the monospaced family has no bold or italic faces",
                    };
                    return Err(src.error_at(
                        start,
                        format!("{key} cannot be set in \"{}\" ({why}): write {}, or name font files", format!("{f:?}").to_lowercase(), names(families)),
                    ));
                }
                FontChoice::Family(_) => {}
                FontChoice::Files(files) => {
                    for (style, path) in files.styles() {
                        if !styles.contains(&style) {
                            let at = path.span.as_ref().map_or(start, |s| s.start);
                            return Err(src.error_at(
                                at,
                                format!("{key} uses no `{style}` face: it takes {}", styles.join(", ")),
                            ));
                        }
                    }
                    let given: Vec<&str> = files.styles().map(|(k, _)| k).collect();
                    if let Some(missing) = styles.iter().find(|s| !given.contains(s)) {
                        return Err(src.error_at(
                            start,
                            format!(
                                "[fonts.{key}] has no `{missing}` file: {key} needs {} (name the regular file again to set that style in it)",
                                styles.join(", ")
                            ),
                        ));
                    }
                    for p in [Some(&mut files.regular), files.bold.as_mut(), files.italic.as_mut(), files.bold_italic.as_mut()]
                        .into_iter()
                        .flatten()
                    {
                        let (line, column) = src.line_col(p.span.as_ref().map_or(start, |s| s.start));
                        p.at = Some((src.name(), line, column));
                    }
                }
            }
        }
        Ok(())
    }

    /// Every font file named, with its role's key.
    pub fn files(&self) -> impl Iterator<Item = (&'static str, &FontPath)> {
        [("body", &self.body), ("headings", &self.headings), ("code", &self.code)].into_iter().flat_map(|(key, c)| {
            let files = match c.as_ref().map(Spanned::get_ref) {
                Some(FontChoice::Files(f)) => f.styles().map(|(_, p)| p).collect(),
                _ => Vec::new(),
            };
            files.into_iter().map(move |p| (key, p))
        })
    }
}

/// A length in points, written as a number of points or a string with a unit
/// (`pt`, `mm`, `cm`, `in`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Length(pub f32);

impl<'de> Deserialize<'de> for Length {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Int(i64),
            Float(f64),
            Text(String),
        }
        let bad = |what: &str| {
            serde::de::Error::custom(format!(
                "invalid length {what}: write points as a number, or a string like \"25mm\", \"2.5cm\", \"1in\", \"72pt\""
            ))
        };
        let points = match Raw::deserialize(d)? {
            Raw::Int(n) => n as f64,
            Raw::Float(x) => x,
            Raw::Text(s) => {
                let t = s.trim();
                let split = t.find(|c: char| c.is_ascii_alphabetic()).unwrap_or(t.len());
                let (num, unit) = t.split_at(split);
                let value: f64 = num.trim().parse().map_err(|_| bad(&format!("{s:?}")))?;
                let factor = match unit.trim() {
                    "" | "pt" => 1.0,
                    "mm" => 72.0 / 25.4,
                    "cm" => 72.0 / 2.54,
                    "in" => 72.0,
                    _ => return Err(bad(&format!("{s:?} (unknown unit)"))),
                };
                value * factor
            }
        };
        if !points.is_finite() || !(0.0..=14_400.0).contains(&points) {
            return Err(bad(&format!("{points} pt (must be between 0 and 14400 pt)")));
        }
        Ok(Length(points as f32))
    }
}

/// A colour written `#rrggbb`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Serialize for Rgb {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format!("#{:02x}{:02x}{:02x}", self.0, self.1, self.2))
    }
}

impl<'de> Deserialize<'de> for Rgb {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        let hex = s.strip_prefix('#').filter(|h| h.len() == 6 && h.bytes().all(|b| b.is_ascii_hexdigit()));
        let channel = |h: &str, i: usize| h.get(i..i + 2).and_then(|c| u8::from_str_radix(c, 16).ok());
        match hex.and_then(|h| Some(Rgb(channel(h, 0)?, channel(h, 2)?, channel(h, 4)?))) {
            Some(rgb) => Ok(rgb),
            None => Err(serde::de::Error::custom(format!("invalid colour {s:?}: write it as \"#rrggbb\""))),
        }
    }
}

/// A heading level, 1–6.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct HeadingLevel(pub u8);

impl<'de> Deserialize<'de> for HeadingLevel {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let n = i64::deserialize(d)?;
        match u8::try_from(n) {
            Ok(level @ 1..=6) => Ok(HeadingLevel(level)),
            _ => Err(serde::de::Error::custom(format!("invalid heading level {n}: must be 1 to 6"))),
        }
    }
}

impl Config {
    /// Walks up from `start` (a file or folder) to the first folder holding `brief.toml`.
    pub fn find(start: &Path) -> Option<PathBuf> {
        let abs = std::path::absolute(start).unwrap_or_else(|_| start.to_path_buf());
        let mut dir = if abs.is_dir() { Some(abs.as_path()) } else { abs.parent() };
        while let Some(d) = dir {
            let candidate = d.join(FILE_NAME);
            if candidate.is_file() {
                return Some(candidate);
            }
            dir = d.parent();
        }
        None
    }

    /// The config that applies to `start`: the nearest `brief.toml` above it, else the
    /// defaults (rooted at the working directory).
    pub fn discover(start: &Path) -> Result<Config, Diagnostic> {
        match Config::find(start) {
            Some(file) => Config::load(&file),
            None => Ok(Config { root: PathBuf::from("."), ..Config::default() }),
        }
    }

    /// Reads and checks a config file, and the font files its `[fonts]` names (each must
    /// exist and be a TrueType font brief can embed), so a bad font is a config error at
    /// its `brief.toml:line:col` before anything is built.
    pub fn load(file: &Path) -> Result<Config, Diagnostic> {
        let src = crate::source::Source::read(file)?;
        let config = Config::parse(&src)?;
        for (_, font) in config.fonts.files() {
            crate::fonts::load_file(&config.root.join(&font.path)).map_err(|e| font.error(file, e))?;
        }
        Ok(config)
    }

    /// Parses and checks config text; `src.path` names the file in messages and sets the root.
    pub fn parse(src: &crate::source::Source) -> Result<Config, Diagnostic> {
        let mut config: Config = toml::from_str(&src.text).map_err(|e| {
            let offset = e.span().map_or(0, |s| s.start);
            src.error_at(offset, e.message().trim().to_string())
        })?;
        config.root = src.path.parent().map(Path::to_path_buf).unwrap_or_default();
        if config.root.as_os_str().is_empty() {
            config.root = PathBuf::from(".");
        }
        config.file = Some(src.path.clone());
        config.fonts.check(src)?;
        if let Some(label) = &config.build.encoding {
            if crate::source::Source::encoding_for_label(label).is_none() {
                let offset = src.text.find("encoding").unwrap_or(0);
                return Err(src.error_at(offset, format!("unknown encoding `{label}` (try utf-8, windows-1252, latin1, utf-16)")));
            }
        }
        let setup = config.page_setup();
        if setup.width - setup.margin_left - setup.margin_right < 72.0
            || setup.height - setup.margin_top - setup.margin_bottom < 72.0
        {
            let offset = src.text.find("[page]").unwrap_or(0);
            return Err(src.error_at(
                offset,
                format!(
                    "the margins leave less than 1 inch of text area on a {:.0} × {:.0} pt page",
                    setup.width, setup.height
                ),
            ));
        }
        Ok(config)
    }

    /// Paper size and margins for layout: the defaults with what the config sets.
    pub fn page_setup(&self) -> PageSetup {
        let mut setup = PageSetup::default();
        let p = &self.page;
        if let Some(size) = p.size {
            (setup.width, setup.height) = size.points();
        }
        if let Some(w) = p.width {
            setup.width = w.0;
        }
        if let Some(h) = p.height {
            setup.height = h.0;
        }
        if let Some(m) = p.margin {
            setup.margin_top = m.0;
            setup.margin_bottom = m.0;
            setup.margin_left = m.0;
            setup.margin_right = m.0;
        }
        for (value, slot) in [
            (p.margin_top, &mut setup.margin_top),
            (p.margin_bottom, &mut setup.margin_bottom),
            (p.margin_left, &mut setup.margin_left),
            (p.margin_right, &mut setup.margin_right),
        ] {
            if let Some(v) = value {
                *slot = v.0;
            }
        }
        let color = |c: Option<Rgb>| c.map(|Rgb(r, g, b)| crate::layout::Color::rgb8(r, g, b));
        setup.theme = crate::layout::Theme {
            text: color(self.theme.text),
            heading: color(self.theme.heading),
            accent: color(self.theme.accent),
            banner: color(self.theme.banner),
        };
        setup
    }

    /// The `[theme]` colours as CSS rules appended to the EPUB's stylesheet (empty when the
    /// project keeps brief's own), so both editions wear the same house colours.
    pub fn theme_css(&self) -> String {
        let hex = |Rgb(r, g, b): Rgb| format!("#{r:02x}{g:02x}{b:02x}");
        let t = &self.theme;
        let mut css = String::new();
        if let Some(c) = t.text {
            css.push_str(&format!("body {{ color: {}; }}\n", hex(c)));
        }
        if let Some(c) = t.heading {
            let c = hex(c);
            css.push_str(&format!("h1, h2, h3, h4, h5, h6, .titlepage .title {{ color: {c}; }}\n.summary {{ border-left-color: {c}; }}\n"));
        }
        if let Some(c) = t.accent {
            css.push_str(&format!("a {{ color: {}; }}\n", hex(c)));
        }
        if let Some(c) = t.banner {
            let c = hex(c);
            css.push_str(&format!(".classification {{ color: {c}; border-color: {c}; }}\n"));
        }
        if !css.is_empty() {
            css.insert_str(0, "/* brief.toml [theme] */\n");
        }
        css
    }

    /// The output folder the config names, resolved from its root.
    pub fn output_dir(&self) -> Option<PathBuf> {
        self.build.output.as_ref().map(|o| self.root.join(o))
    }

    /// The folders images may come from outside a source's own tree, resolved from the
    /// config's root (absolute paths stay as they are).
    pub fn allowed_outside(&self) -> Vec<PathBuf> {
        self.build.allow_outside.iter().map(|p| self.root.join(p)).collect()
    }

    /// The default sources the config names, resolved from its root.
    pub fn source_paths(&self) -> Option<Vec<PathBuf>> {
        self.build.sources.as_ref().map(|v| v.iter().map(|p| self.root.join(p)).collect())
    }

    /// A digest of everything in the config that can change an output (for incremental
    /// builds): the parsed values, so comments and formatting do not count.
    pub fn digest(&self) -> [u8; 32] {
        let json = serde_json::to_vec(self).unwrap_or_default();
        *blake3::hash(&json).as_bytes()
    }
}

/// The starter `brief.toml` that `brief init` writes.
pub const STARTER: &str = r##"# brief project configuration. Every key is optional; see the README ("Batch builds").

[build]
formats = ["pdf", "epub"]
output = "output"
sources = ["sources"]

[page]
size = "a4"
margin = "27mm"

[document]
classification = "PUBLIC"
chapter_level = 1
epub_fonts = false
toc = "auto"

[theme]
heading = "#1c3557"

[fonts]
body = "serif"      # or "sans"
headings = "sans"   # or "serif"
code = "mono"
# House faces instead (TrueType files, relative to this file):
# [fonts.body]
# regular = "fonts/House-Regular.ttf"
# bold = "fonts/House-Bold.ttf"
# italic = "fonts/House-Italic.ttf"
# bold_italic = "fonts/House-BoldItalic.ttf"
"##;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Source;

    fn parse(text: &str) -> Result<Config, Diagnostic> {
        Config::parse(&Source::new("proj/brief.toml", text))
    }

    #[test]
    fn starter_parses_and_sets_the_page() {
        let c = parse(STARTER).unwrap();
        let s = c.page_setup();
        assert!((s.width - 595.276).abs() < 0.01);
        assert!((s.margin_left - 27.0 * 72.0 / 25.4).abs() < 0.01, "{s:?}");
        assert_eq!(c.document.chapter_level, Some(HeadingLevel(1)));
        assert_eq!(c.output_dir(), Some(PathBuf::from("proj/output")));
        assert_eq!(c.theme.heading, Some(Rgb(0x1c, 0x35, 0x57)));
    }

    #[test]
    fn empty_config_is_the_defaults() {
        let c = parse("").unwrap();
        assert_eq!(c.page_setup(), PageSetup::default());
        assert_eq!(c.build.formats, Vec::<Format>::new());
    }

    #[test]
    fn errors_point_at_line_and_column() {
        let e = parse("[page]\nsize = \"a4\"\nmargins = \"2cm\"\n").unwrap_err();
        assert_eq!((e.line, e.column), (3, 1), "{e}");
        assert!(e.message.contains("margins"), "{e}");
        let e = parse("[page]\nmargin = \"2 furlongs\"\n").unwrap_err();
        assert_eq!((e.line, e.column), (2, 10), "{e}");
        let e = parse("[theme]\ntext = \"red\"\n").unwrap_err();
        assert_eq!(e.line, 2, "{e}");
        assert!(e.message.contains("#rrggbb"), "{e}");
        let e = parse("[document]\nchapter_level = 9\n").unwrap_err();
        assert_eq!(e.line, 2, "{e}");
        let e = parse("[build]\nformats = [\"docx\"]\n").unwrap_err();
        assert_eq!(e.line, 2, "{e}");
        let e = parse("\n\n[page]\nsize = \"a5\"\nmargin = \"7cm\"\n").unwrap_err();
        assert_eq!((e.line, e.column), (3, 1), "{e}");
        assert!(e.path.ends_with("brief.toml"));
    }

    #[test]
    fn lengths_accept_units_and_numbers() {
        let c = parse("[page]\nwidth = 500\nheight = 8.5\nmargin_top = \"1in\"\nmargin_left = \"2.54cm\"\n");
        // height 8.5 pt leaves no text area: refused.
        assert!(c.is_err());
        let c =
            parse("[page]\nwidth = 500\nheight = \"11in\"\nmargin_top = \"1in\"\nmargin_left = \"2.54cm\"\n").unwrap();
        let s = c.page_setup();
        assert_eq!((s.width, s.height, s.margin_top), (500.0, 792.0, 72.0));
        assert!((s.margin_left - 72.0).abs() < 0.01);
    }

    #[test]
    fn fonts_take_families_or_files_and_bad_ones_point_at_the_value() {
        let c = parse("[fonts]\nbody = \"sans\"\nheadings = \"serif\"\ncode = \"mono\"\n").unwrap();
        assert_eq!(c.fonts.body.as_ref().map(|b| b.get_ref().clone()), Some(FontChoice::Family(Family::Sans)));
        let c = parse("[fonts.headings]\nregular = \"f/H-R.ttf\"\nbold = \"f/H-B.ttf\"\n").unwrap();
        let files: Vec<_> = c.fonts.files().map(|(k, p)| (k, p.path.clone(), p.at.clone())).collect();
        assert_eq!(
            files,
            [
                ("headings", PathBuf::from("f/H-R.ttf"), Some(("proj/brief.toml".to_string(), 2, 11))),
                ("headings", PathBuf::from("f/H-B.ttf"), Some(("proj/brief.toml".to_string(), 3, 8))),
            ]
        );
        let e = parse("[fonts]\nbody = \"comic\"\n").unwrap_err();
        assert_eq!((e.line, e.column), (2, 8), "{e}");
        assert!(e.message.contains("unknown font family \"comic\""), "{e}");
        let e = parse("[fonts]\nbody = \"mono\"\n").unwrap_err();
        assert_eq!((e.line, e.column), (2, 8), "{e}");
        assert!(e.message.contains("\"serif\" or \"sans\""), "{e}");
        let e = parse("[fonts]\ncode = \"sans\"\n").unwrap_err();
        assert!(e.message.contains("monospaced"), "{e}");
        let e = parse("[fonts]\nbody = { regular = \"a.ttf\", bold = \"b.ttf\" }\n").unwrap_err();
        assert_eq!(e.line, 2, "{e}");
        assert!(e.message.contains("no `italic` file"), "{e}");
        let e = parse("[fonts.headings]\nregular = \"a.ttf\"\nbold = \"b.ttf\"\nitalic = \"c.ttf\"\n").unwrap_err();
        assert_eq!((e.line, e.column), (4, 10), "{e}");
        assert!(e.message.contains("headings uses no `italic` face"), "{e}");
        let e = parse("[fonts.code]\nregular = \"a.ttf\"\nbolditalic = \"b.ttf\"\n").unwrap_err();
        assert_eq!(e.line, 3, "{e}");
        assert!(e.message.contains("bolditalic"), "{e}");
        // Only the path counts in the digest, not where it is written.
        let a = parse("[fonts.code]\nregular = \"a.ttf\"\n").unwrap();
        let b = parse("\n[fonts]\ncode = { regular = \"a.ttf\" }\n").unwrap();
        assert_eq!(a.digest(), b.digest());
        assert_eq!(a, b);
    }

    #[test]
    fn missing_font_files_fail_the_config_at_their_line() {
        let dir = std::env::temp_dir().join(format!("brief-config-fonts-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(FILE_NAME), "[fonts]\ncode = { regular = \"nope/House.ttf\" }\n").unwrap();
        let e = Config::load(&dir.join(FILE_NAME)).unwrap_err();
        assert_eq!((e.line, e.column), (2, 20), "{e}");
        assert!(e.path.ends_with(FILE_NAME), "{e}");
        assert!(e.message.contains("nope/House.ttf"), "{e}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn digest_ignores_comments_but_not_values() {
        let a = parse("[page]\nsize = \"a4\"\n").unwrap().digest();
        let b = parse("# hello\n[page]\nsize = \"a4\" # paper\n").unwrap().digest();
        let c = parse("[page]\nsize = \"a5\"\n").unwrap().digest();
        assert_eq!(a, b);
        assert_ne!(a, c);
    }
}
