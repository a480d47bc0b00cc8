//! The document tree: the contract between the Markdown front end and every backend.
//!
//! Modelled on pandoc's `Pandoc Meta [Block]`: a [`Document`] is its [`Meta`] plus a list of
//! [`Block`]s; blocks hold [`Inline`]s. Text is kept as whole strings (no word tokens), a
//! table's column specification is stored once, and footnotes stay inline as
//! [`Inline::Note`] so that each backend decides where they go. Heading ids (slugs) are
//! computed once, here, so PDF anchors, EPUB ids and internal links agree.
//!
//! The tree is serde-serializable; `brief tree FILE.md` prints it as JSON and the JSON
//! round-trips. [`TREE_VERSION`] changes whenever the JSON form changes incompatibly.

use serde::{Deserialize, Serialize};

/// Version of the JSON form of the tree.
pub const TREE_VERSION: u32 = 1;

/// A whole brief: metadata and body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Document {
    /// Version of the tree's JSON form ([`TREE_VERSION`]).
    pub version: u32,
    /// Front matter, with fallbacks already resolved (the title is never empty).
    pub meta: Meta,
    /// The body.
    pub blocks: Vec<Block>,
}

/// Front-matter metadata of a brief, after resolution of defaults.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Meta {
    /// Title; from front matter, else the first heading, else the file name.
    pub title: String,
    /// Optional subtitle.
    pub subtitle: Option<String>,
    /// Authors or desks, in order (front matter `author` or `authors`, string or list).
    pub authors: Vec<String>,
    /// Date as written in the front matter (ISO 8601 `YYYY-MM-DD` recommended).
    pub date: Option<String>,
    /// BCP 47 language tag; `en` when the front matter names none.
    pub lang: String,
    /// One-paragraph summary shown on the title page and used as the EPUB description.
    pub summary: Option<String>,
    /// Keywords (EPUB subjects).
    pub keywords: Vec<String>,
    /// Classification banner text, e.g. `PUBLIC`, `RESTRICTED`.
    pub classification: Option<String>,
    /// Publisher, when given.
    pub publisher: Option<String>,
    /// Rights statement, when given.
    pub rights: Option<String>,
    /// Stable identifier seed (EPUB identifier is a UUID v5 of this, else of title + date).
    pub id: Option<String>,
    /// Cover image path, relative to the source file.
    pub cover: Option<String>,
    /// Whether the PDF gets a table of contents (default: when there are at least four
    /// section headings).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub toc: Option<bool>,
    /// Paper size of the PDF: `a4` (default) or `letter`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub papersize: Option<String>,
}

/// A block-level element.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Block {
    /// Heading of level 1–6 with its unique slug id.
    Heading {
        level: u8,
        id: String,
        content: Vec<Inline>,
    },
    /// A paragraph of inline content.
    Paragraph { content: Vec<Inline> },
    /// An image alone in its paragraph: shown as a figure, its alt text as caption.
    Figure { image: Image },
    /// A block quote.
    BlockQuote { blocks: Vec<Block> },
    /// A bullet or ordered list (task lists are bullet lists whose items have `task`).
    List(List),
    /// A fenced or indented code block; `lang` is the info string's first word.
    CodeBlock { lang: Option<String>, text: String },
    /// A thematic break (`---`).
    ThematicBreak,
    /// A GFM table.
    Table(Table),
    /// Raw HTML block, kept verbatim; each backend decides what to do with it.
    Html { html: String },
}

/// A list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct List {
    /// `None` for a bullet list, `Some(start)` for an ordered list.
    pub start: Option<u64>,
    /// Tight lists have no blank lines between items.
    pub tight: bool,
    pub items: Vec<ListItem>,
}

/// One list item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListItem {
    /// `Some(checked)` for a task-list item.
    pub task: Option<bool>,
    pub blocks: Vec<Block>,
}

/// Horizontal alignment of a table column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Align {
    #[default]
    Default,
    Left,
    Center,
    Right,
}

/// A table cell: inline content.
pub type Cell = Vec<Inline>;

/// A GFM table. Every row has exactly `aligns.len()` cells (ragged rows are padded or cut
/// by the parser, with a warning).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Table {
    /// Caption from a preceding `Table: ...` paragraph, if any.
    pub caption: Option<Vec<Inline>>,
    /// One alignment per column.
    pub aligns: Vec<Align>,
    /// The header row.
    pub head: Vec<Cell>,
    /// Body rows.
    pub rows: Vec<Vec<Cell>>,
}

/// An image reference.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Image {
    /// The path or URL as written in the source.
    pub src: String,
    /// Alternative text (plain text of the Markdown alt content).
    pub alt: String,
    /// Title, empty when none.
    pub title: String,
}

/// An inline element.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Inline {
    /// Plain text (smart punctuation already applied).
    Text { text: String },
    Emph { content: Vec<Inline> },
    Strong { content: Vec<Inline> },
    Strikethrough { content: Vec<Inline> },
    /// Inline code.
    Code { text: String },
    /// A link; `url` starting with `#` points at a heading id in this document.
    Link {
        url: String,
        title: String,
        content: Vec<Inline>,
    },
    /// An inline image.
    Image { image: Image },
    /// A soft line break (rendered as a space).
    SoftBreak,
    /// A hard line break.
    HardBreak,
    /// A footnote, kept where it is referenced.
    Note { blocks: Vec<Block> },
    /// Raw inline HTML, kept verbatim.
    Html { html: String },
}

impl Inline {
    /// Shorthand for a text node.
    pub fn text(s: impl Into<String>) -> Inline {
        Inline::Text { text: s.into() }
    }
}

/// Concatenates the visible text of inlines (notes and raw HTML excluded; images give
/// their alt text). Used for slugs, outline titles, alt text and `<title>`.
pub fn plain_text(inlines: &[Inline]) -> String {
    let mut out = String::new();
    push_plain(inlines, &mut out);
    out
}

fn push_plain(inlines: &[Inline], out: &mut String) {
    for inline in inlines {
        match inline {
            Inline::Text { text } | Inline::Code { text } => out.push_str(text),
            Inline::Emph { content }
            | Inline::Strong { content }
            | Inline::Strikethrough { content }
            | Inline::Link { content, .. } => push_plain(content, out),
            Inline::Image { image } => out.push_str(&image.alt),
            Inline::SoftBreak | Inline::HardBreak => out.push(' '),
            Inline::Note { .. } | Inline::Html { .. } => {}
        }
    }
}

/// Calls `f` for every image in the blocks (figures, inline images, images in notes,
/// tables and nested blocks), in document order.
pub fn visit_images(blocks: &[Block], f: &mut dyn FnMut(&Image)) {
    for block in blocks {
        match block {
            Block::Heading { content, .. } | Block::Paragraph { content } => visit_inline_images(content, f),
            Block::Figure { image } => f(image),
            Block::BlockQuote { blocks } => visit_images(blocks, f),
            Block::List(list) => {
                for item in &list.items {
                    visit_images(&item.blocks, f);
                }
            }
            Block::Table(t) => {
                if let Some(c) = &t.caption {
                    visit_inline_images(c, f);
                }
                for cell in t.head.iter().chain(t.rows.iter().flatten()) {
                    visit_inline_images(cell, f);
                }
            }
            Block::CodeBlock { .. } | Block::ThematicBreak | Block::Html { .. } => {}
        }
    }
}

fn visit_inline_images(inlines: &[Inline], f: &mut dyn FnMut(&Image)) {
    for inline in inlines {
        match inline {
            Inline::Image { image } => f(image),
            Inline::Emph { content }
            | Inline::Strong { content }
            | Inline::Strikethrough { content }
            | Inline::Link { content, .. } => visit_inline_images(content, f),
            Inline::Note { blocks } => visit_images(blocks, f),
            _ => {}
        }
    }
}

/// Decodes `%XX` escapes in a URL or fragment. Invalid escapes are kept as written; when
/// the decoded bytes are not UTF-8 the input is returned unchanged.
pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let hex = bytes
            .get(i + 1..i + 3)
            .filter(|h| h.iter().all(u8::is_ascii_hexdigit))
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (b, hex) {
            (b'%', Some(v)) => {
                out.push(v);
                i += 3;
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_string())
}

#[cfg(test)]
mod tests {
    use super::percent_decode;

    #[test]
    fn percent_decoding_keeps_what_is_not_an_escape() {
        assert_eq!(percent_decode("images/a%20b.png"), "images/a b.png");
        assert_eq!(percent_decode("%D0%96"), "Ж");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%+1x"), "%+1x");
        assert_eq!(percent_decode("%FF"), "%FF");
    }
}
