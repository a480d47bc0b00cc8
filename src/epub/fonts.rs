//! Embedded fonts (`--epub-fonts`): the built-in faces the stylesheet uses for this book,
//! with their `@font-face` rules.
//!
//! The stylesheet names "Noto Serif" for text, "Noto Sans" for headings, captions and
//! tables and "Noto Sans Mono" for code, first in each list; embedding declares those
//! families from the package's `fonts/` folder, so reading systems that honour
//! publisher fonts show the PDF's faces. Only faces the book can use are embedded: the
//! italic and bold text faces when it has emphasis (block quotes are set in italics),
//! the monospaced face when it has code. The fallback faces (symbols, mathematics,
//! Arabic, Hebrew) are left to the reading system.

use crate::doc::{Block, Document, Inline};
use crate::fonts::Fonts;

/// One face the stylesheet can ask for: file name (also its `fonts.rs` name + `.ttf`),
/// family, weight and style.
struct FaceRule {
    name: &'static str,
    family: &'static str,
    bold: bool,
    italic: bool,
}

const FACES: [FaceRule; 7] = [
    FaceRule { name: "NotoSerif-Regular", family: "Noto Serif", bold: false, italic: false },
    FaceRule { name: "NotoSerif-Bold", family: "Noto Serif", bold: true, italic: false },
    FaceRule { name: "NotoSerif-Italic", family: "Noto Serif", bold: false, italic: true },
    FaceRule { name: "NotoSerif-BoldItalic", family: "Noto Serif", bold: true, italic: true },
    FaceRule { name: "NotoSans-Regular", family: "Noto Sans", bold: false, italic: false },
    FaceRule { name: "NotoSans-Bold", family: "Noto Sans", bold: true, italic: false },
    FaceRule { name: "NotoSansMono-Regular", family: "Noto Sans Mono", bold: false, italic: false },
];

/// The media type of the embedded faces (TrueType outlines), as EPUB 3.3 lists it.
pub(crate) const MEDIA_TYPE: &str = "font/ttf";

/// What a document's text uses.
#[derive(Debug, Default)]
struct Usage {
    bold: bool,
    italic: bool,
    bold_italic: bool,
    code: bool,
}

/// The faces to embed for `doc`: (package path, bytes), in a fixed order.
pub(crate) fn faces(doc: &Document) -> Vec<(String, &'static [u8])> {
    let mut usage = Usage::default();
    scan_blocks(&doc.blocks, false, &mut usage);
    let Ok(fonts) = Fonts::builtin() else { return Vec::new() };
    FACES
        .iter()
        .filter(|f| match (f.family, f.bold, f.italic) {
            ("Noto Serif", true, true) => usage.bold_italic,
            ("Noto Serif", true, false) => usage.bold,
            ("Noto Serif", false, true) => usage.italic,
            ("Noto Sans Mono", _, _) => usage.code,
            _ => true,
        })
        .filter_map(|f| {
            let (_, face) = fonts.iter().find(|(_, face)| face.name == f.name)?;
            Some((format!("fonts/{}.ttf", f.name), face.data))
        })
        .collect()
}

/// The `@font-face` rules for embedded faces (paths as [`faces`] gives them, relative to
/// the stylesheet).
pub(crate) fn font_face_css(paths: &[&str]) -> String {
    let mut css = String::from("/* Embedded fonts (--epub-fonts). */\n");
    for path in paths {
        let Some(rule) = FACES.iter().find(|f| path.strip_prefix("fonts/").and_then(|p| p.strip_suffix(".ttf")) == Some(f.name))
        else {
            continue;
        };
        css.push_str(&format!(
            "@font-face {{\n  font-family: \"{}\";\n  font-weight: {};\n  font-style: {};\n  src: url(\"{path}\") format(\"truetype\");\n}}\n",
            rule.family,
            if rule.bold { "bold" } else { "normal" },
            if rule.italic { "italic" } else { "normal" },
        ));
    }
    css.push('\n');
    css
}

fn scan_blocks(blocks: &[Block], italic: bool, u: &mut Usage) {
    for block in blocks {
        match block {
            Block::Heading { content, .. } | Block::Paragraph { content } => scan_inlines(content, italic, false, u),
            Block::Figure { .. } | Block::ThematicBreak => {}
            // Block quotes are italic; emphasis inside them is upright.
            Block::BlockQuote { blocks } => {
                u.italic = true;
                scan_blocks(blocks, true, u);
            }
            Block::List(list) => list.items.iter().for_each(|i| scan_blocks(&i.blocks, italic, u)),
            Block::CodeBlock { .. } => u.code = true,
            Block::Table(t) => {
                t.caption.iter().for_each(|c| scan_inlines(c, italic, false, u));
                t.head.iter().chain(t.rows.iter().flatten()).for_each(|c| scan_inlines(c, italic, false, u));
            }
            Block::Html { html } => scan_html(html, u),
        }
    }
}

fn scan_inlines(inlines: &[Inline], italic: bool, bold: bool, u: &mut Usage) {
    for inline in inlines {
        match inline {
            Inline::Text { .. } | Inline::SoftBreak | Inline::HardBreak | Inline::Image { .. } => {
                u.italic |= italic && !bold;
                u.bold |= bold && !italic;
                u.bold_italic |= italic && bold;
            }
            Inline::Emph { content } => scan_inlines(content, true, bold, u),
            Inline::Strong { content } => scan_inlines(content, italic, true, u),
            Inline::Strikethrough { content } | Inline::Link { content, .. } => scan_inlines(content, italic, bold, u),
            Inline::Code { .. } => u.code = true,
            // Footnotes carry a bold back link.
            Inline::Note { blocks } => {
                u.bold = true;
                scan_blocks(blocks, false, u);
            }
            Inline::Html { html } => scan_html(html, u),
        }
    }
}

/// Raw HTML kept as markup may ask for bold, italics or code (`<b>`, `<i>`, `<kbd>` ...).
fn scan_html(html: &str, u: &mut Usage) {
    let lower = html.to_ascii_lowercase();
    let has = |tag: &str| lower.contains(&format!("<{tag}>")) || lower.contains(&format!("<{tag} "));
    u.bold |= has("b") || has("strong");
    u.italic |= has("i") || has("em");
    u.code |= has("code") || has("kbd") || has("samp") || has("tt");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doc::{Meta, TREE_VERSION};

    #[test]
    fn only_the_faces_the_text_uses_are_embedded() {
        let plain = Document {
            version: TREE_VERSION,
            meta: Meta::default(),
            blocks: vec![Block::Paragraph { content: vec![Inline::text("plain")] }],
        };
        let names: Vec<String> = faces(&plain).into_iter().map(|(p, _)| p).collect();
        assert_eq!(names, ["fonts/NotoSerif-Regular.ttf", "fonts/NotoSans-Regular.ttf", "fonts/NotoSans-Bold.ttf"]);
        let rich = Document {
            blocks: vec![Block::Paragraph {
                content: vec![
                    Inline::Emph { content: vec![Inline::Strong { content: vec![Inline::text("both")] }] },
                    Inline::Code { text: "x".into() },
                ],
            }],
            ..plain
        };
        let all = faces(&rich);
        let names: Vec<&str> = all.iter().map(|(p, _)| p.as_str()).collect();
        // Bold alone and italic alone are not used: only bold italic is.
        assert_eq!(
            names,
            [
                "fonts/NotoSerif-Regular.ttf",
                "fonts/NotoSerif-BoldItalic.ttf",
                "fonts/NotoSans-Regular.ttf",
                "fonts/NotoSans-Bold.ttf",
                "fonts/NotoSansMono-Regular.ttf"
            ]
        );
        assert!(all.iter().all(|(_, data)| data.len() > 10_000));
        let css = font_face_css(&all.iter().map(|(p, _)| p.as_str()).collect::<Vec<_>>());
        assert_eq!(css.matches("@font-face").count(), 5);
        assert!(css.contains("font-family: \"Noto Serif\";\n  font-weight: bold;\n  font-style: italic;\n  src: url(\"fonts/NotoSerif-BoldItalic.ttf\")"));
    }
}
