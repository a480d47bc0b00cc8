//! Positioned pages: what layout produces and the PDF writer draws.
//!
//! Units are PostScript points (1/72 in). The origin is the page's top-left corner and `y`
//! grows downwards (the PDF writer flips it). Nothing here knows about PDF syntax.

use crate::fonts::FontId;

/// An RGB colour, each channel 0.0–1.0.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Color {
    pub r: f32,
    pub g: f32,
    pub b: f32,
}

impl Color {
    pub const BLACK: Color = Color { r: 0.0, g: 0.0, b: 0.0 };
    /// A colour from 0–255 channels.
    pub const fn rgb8(r: u8, g: u8, b: u8) -> Color {
        Color { r: r as f32 / 255.0, g: g as f32 / 255.0, b: b as f32 / 255.0 }
    }
}

/// All laid-out pages of one document, with what the PDF needs besides drawing.
#[derive(Debug, Clone, Default)]
pub struct LaidOut {
    pub pages: Vec<Page>,
    /// Bookmarks in document order; `level` 1 is top level and may skip levels.
    pub outline: Vec<OutlineEntry>,
    /// Named destinations (heading ids and footnote marks), targets of internal links.
    pub anchors: Vec<Anchor>,
    /// Where each page begins in the document (one entry per page, same order as
    /// `pages`): what the EPUB's page-list maps "page N of the PDF" to.
    pub page_starts: Vec<PageStart>,
}

/// What a page opens with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageStart {
    /// The title block (the first page).
    Title,
    /// The table of contents (or its continuation).
    Contents,
    /// Body content at this position.
    Body(TreePos),
    /// Nothing new: the page carries only footnotes continued from earlier pages.
    Continued,
}

/// A position in the document tree: where a page's first body content begins.
///
/// `path` starts with an index into `Document::blocks` and goes down one step per level:
/// a block quote adds the index of the block inside it; a list adds the item index and
/// then the index of the block inside the item; a table adds the body row index (the
/// page repeats the header, then continues with that row); a code block adds the index
/// of its source line (`text.split('\n')`).
///
/// `offset` is 0 when the page starts at the beginning of the block at `path`. For a
/// paragraph that runs on from the previous page it counts the letters and digits
/// ([`char::is_alphanumeric`]) of the paragraph's visible text that come before the
/// page's first line: spaces, punctuation, hyphens added by hyphenation and footnote
/// marks are not counted, so the number does not depend on how a line was justified or
/// hyphenated, and a writer that walks the paragraph's inlines (text, code, link text,
/// the alt text of inline images) finds the same place.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct TreePos {
    pub path: Vec<usize>,
    pub offset: usize,
}

/// One page and everything drawn on it, in painting order.
#[derive(Debug, Clone, Default)]
pub struct Page {
    pub width: f32,
    pub height: f32,
    pub items: Vec<Item>,
}

/// A drawing instruction.
#[derive(Debug, Clone)]
pub enum Item {
    Text(TextRun),
    /// A filled and/or stroked rectangle; `(x, y)` is its top-left corner.
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        fill: Option<Color>,
        stroke: Option<Stroke>,
    },
    /// A straight line.
    Line {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        stroke: Stroke,
    },
    /// An image scaled into the box whose top-left corner is `(x, y)`; `src` is the key of
    /// the image in [`crate::resources::Resources`].
    /// `alt` is the image's alternative text (written as the figure's `/Alt`).
    Image { src: String, alt: String, x: f32, y: f32, w: f32, h: f32 },
    /// A clickable area; `(x, y)` is its top-left corner.
    Link { x: f32, y: f32, w: f32, h: f32, target: LinkTarget },
}

/// Line width and colour.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stroke {
    pub width: f32,
    pub color: Color,
}

/// Where a link goes.
#[derive(Debug, Clone, PartialEq)]
pub enum LinkTarget {
    /// An external URI (http, https, mailto).
    Uri(String),
    /// A named destination in this document (an [`Anchor`] id).
    Internal(String),
}

/// A run of shaped glyphs in one font, size and colour, on one baseline.
#[derive(Debug, Clone)]
pub struct TextRun {
    pub font: FontId,
    /// Font size in points.
    pub size: f32,
    pub color: Color,
    /// Baseline position, from the top of the page.
    pub y: f32,
    /// Glyphs left to right, each at an absolute x.
    pub glyphs: Vec<PlacedGlyph>,
}

/// One glyph placed on the baseline.
#[derive(Debug, Clone, PartialEq)]
pub struct PlacedGlyph {
    /// Glyph id in the font.
    pub id: u16,
    /// Left edge of the glyph's advance box, from the left of the page.
    pub x: f32,
    /// The font's natural advance at this size (the writer turns any gap between this and
    /// the next glyph's `x` into a TJ offset).
    pub advance: f32,
    /// The source text this glyph stands for (its cluster): empty for the second and later
    /// glyphs of one cluster; several characters for a ligature. Feeds ToUnicode.
    pub text: GlyphText,
}

/// The source text of a glyph's cluster.
///
/// Nearly always one character, or the few of a ligature: those are kept inline (up to
/// [`GlyphText::INLINE`] bytes), so making, copying and dropping the text of a glyph
/// allocates nothing and touches no reference count (an `Arc<str>` per glyph did, two
/// atomic operations for every glyph set, copied onto a line and placed on a page).
/// Longer clusters (some scripts' syllables) are shared.
#[derive(Clone)]
pub struct GlyphText(TextRepr);

#[derive(Clone)]
enum TextRepr {
    /// The first `len` bytes of `bytes`, a whole `str`.
    Inline { len: u8, bytes: [u8; GlyphText::INLINE] },
    Shared(std::sync::Arc<String>),
}

impl GlyphText {
    /// Longest text kept inline, in bytes (the type stays the size of two pointers).
    pub const INLINE: usize = 14;

    /// The text as a `str`.
    pub fn as_str(&self) -> &str {
        match &self.0 {
            TextRepr::Inline { len, bytes } => {
                let bytes = bytes.get(..usize::from(*len)).unwrap_or_default();
                // SAFETY: `bytes[..len]` is a copy of a whole `&str` (see `From<&str>`), so
                // it is valid UTF-8.
                unsafe { std::str::from_utf8_unchecked(bytes) }
            }
            TextRepr::Shared(s) => s,
        }
    }
}

impl From<&str> for GlyphText {
    fn from(s: &str) -> GlyphText {
        if s.len() <= GlyphText::INLINE {
            let mut bytes = [0u8; GlyphText::INLINE];
            bytes[..s.len()].copy_from_slice(s.as_bytes());
            GlyphText(TextRepr::Inline { len: s.len() as u8, bytes })
        } else {
            GlyphText(TextRepr::Shared(std::sync::Arc::new(s.to_string())))
        }
    }
}

impl From<String> for GlyphText {
    fn from(s: String) -> GlyphText {
        if s.len() <= GlyphText::INLINE {
            GlyphText::from(s.as_str())
        } else {
            GlyphText(TextRepr::Shared(std::sync::Arc::new(s)))
        }
    }
}

impl Default for GlyphText {
    fn default() -> GlyphText {
        GlyphText::from("")
    }
}

impl std::ops::Deref for GlyphText {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl PartialEq for GlyphText {
    fn eq(&self, other: &GlyphText) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for GlyphText {}

impl std::fmt::Debug for GlyphText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.as_str().fmt(f)
    }
}

/// A bookmark.
#[derive(Debug, Clone, PartialEq)]
pub struct OutlineEntry {
    pub level: u8,
    pub title: String,
    /// Index into [`LaidOut::pages`].
    pub page: usize,
    /// Top of the target, from the top of the page.
    pub y: f32,
}

/// A named destination.
#[derive(Debug, Clone, PartialEq)]
pub struct Anchor {
    pub id: String,
    pub page: usize,
    pub y: f32,
}
