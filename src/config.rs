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
//! [fonts]
//! body = "serif"              # serif or sans; headings likewise; code = "mono"
//! ```

use crate::diag::Diagnostic;
use crate::layout::PageSetup;
use serde::{Deserialize, Deserializer, Serialize};
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

/// `[fonts]`: which built-in family sets what.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FontsSection {
    pub body: Option<Family>,
    pub headings: Option<Family>,
    pub code: Option<Family>,
}

/// A built-in font family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Family {
    Serif,
    Sans,
    Mono,
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

    /// Reads and checks a config file.
    pub fn load(file: &Path) -> Result<Config, Diagnostic> {
        let src = crate::source::Source::read(file)?;
        Config::parse(&src)
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
body = "serif"
headings = "serif"
code = "mono"
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
    fn digest_ignores_comments_but_not_values() {
        let a = parse("[page]\nsize = \"a4\"\n").unwrap().digest();
        let b = parse("# hello\n[page]\nsize = \"a4\" # paper\n").unwrap().digest();
        let c = parse("[page]\nsize = \"a5\"\n").unwrap().digest();
        assert_eq!(a, b);
        assert_ne!(a, c);
    }
}
