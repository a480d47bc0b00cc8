//! The book's typefaces: the stylesheet's font stacks, and the faces embedded with
//! `--epub-fonts`, both following the run's [`Fonts`] (so `brief.toml`'s `[fonts]`).
//!
//! `style.css` is written for the default faces: body text in the serif stack
//! ([`SERIF_STACK`]), headings, captions, tables and the title page's furniture in the sans
//! stack ([`SANS_STACK`]), code in the mono stack ([`MONO_STACK`]). [`stylesheet`] swaps
//! each stack for its role's: the Noto family's stack for a built-in family, or the house
//! family's name in front of the role's default stack. Embedding declares each role's family
//! with `@font-face` rules over files in the package's `fonts/` folder, so reading systems
//! that honour publisher fonts show the PDF's faces. Only faces the book can use are
//! embedded: body bold and italics when it has emphasis (block quotes are set in italics),
//! the code face when it has code. The fallback faces (symbols, mathematics, Arabic,
//! Hebrew) are left to the reading system.

use crate::doc::{Block, Document, Inline};
use crate::fonts::{FontId, Fonts};

/// The body text stack of `style.css` (the default: Noto Serif).
pub(crate) const SERIF_STACK: &str = "\"Noto Serif\", Georgia, \"Times New Roman\", serif";
/// The headings and furniture stack of `style.css` (the default: Noto Sans).
pub(crate) const SANS_STACK: &str = "\"Noto Sans\", \"Helvetica Neue\", Arial, sans-serif";
/// The code stack of `style.css` (the default: Noto Sans Mono).
pub(crate) const MONO_STACK: &str = "\"Noto Sans Mono\", \"DejaVu Sans Mono\", Menlo, Consolas, monospace";

/// The media type of the embedded faces (TrueType outlines), as EPUB 3.3 lists it.
pub(crate) const MEDIA_TYPE: &str = "font/ttf";

/// One face of a role: its style and font.
#[derive(Debug, Clone)]
struct StyledFace {
    bold: bool,
    italic: bool,
    /// PostScript name (the package file is `fonts/NAME.ttf`).
    name: &'static str,
    data: &'static [u8],
}

/// A role (body, headings, code) as the stylesheet sees it.
#[derive(Debug, Clone)]
struct Role {
    /// The CSS family name of its faces.
    family: String,
    /// Its `font-family` stack.
    stack: String,
    faces: Vec<StyledFace>,
}

/// The typefaces of the book: body, headings and code. The default is brief's own faces.
#[derive(Debug, Clone, Default)]
pub struct BookFonts {
    /// `None`: the built-in faces, as `style.css` names them.
    roles: Option<[Role; 3]>,
}

/// A face to embed: package path, the `@font-face` family and style, bytes.
#[derive(Debug, Clone)]
pub(crate) struct Embed {
    pub path: String,
    pub family: String,
    pub bold: bool,
    pub italic: bool,
    pub data: &'static [u8],
}

impl BookFonts {
    /// The roles of `fonts`.
    pub fn of(fonts: &Fonts) -> BookFonts {
        let role = |ids: &[(FontId, bool, bool)], default_stack: &str| {
            let regular = fonts.face(ids[0].0);
            let family = clean_family(&regular.family());
            let stack = match family.as_str() {
                "Noto Serif" => SERIF_STACK.to_string(),
                "Noto Sans" => SANS_STACK.to_string(),
                "Noto Sans Mono" => MONO_STACK.to_string(),
                _ => format!("\"{family}\", {default_stack}"),
            };
            let faces = ids
                .iter()
                .map(|&(id, bold, italic)| {
                    let f = fonts.face(id);
                    StyledFace { bold, italic, name: f.name, data: f.data }
                })
                .collect();
            Role { family, stack, faces }
        };
        let body = role(
            &[
                (FontId::SERIF, false, false),
                (FontId::SERIF_BOLD, true, false),
                (FontId::SERIF_ITALIC, false, true),
                (FontId::SERIF_BOLD_ITALIC, true, true),
            ],
            SERIF_STACK,
        );
        let mut headings = role(&[(FontId::SANS, false, false), (FontId::SANS_BOLD, true, false)], SANS_STACK);
        let mut code = role(&[(FontId::MONO, false, false)], MONO_STACK);
        // Two roles may name one family with different files (a house family's Medium for
        // headings): `@font-face` rules would then clash, so the later role gets a name of
        // its own.
        let clash = |a: &Role, b: &Role| {
            a.family == b.family
                && a.faces.iter().any(|x| b.faces.iter().any(|y| (x.bold, x.italic) == (y.bold, y.italic) && x.data.as_ptr() != y.data.as_ptr()))
        };
        if clash(&body, &headings) {
            rename(&mut headings, "Headings");
        }
        if clash(&body, &code) || clash(&headings, &code) {
            rename(&mut code, "Code");
        }
        BookFonts { roles: Some([body, headings, code]) }
    }

    fn roles(&self) -> [Role; 3] {
        match (&self.roles, Fonts::builtin()) {
            (Some(r), _) => r.clone(),
            (None, Ok(f)) => BookFonts::of(&f).roles.unwrap_or_else(empty_roles),
            (None, Err(_)) => empty_roles(),
        }
    }
}

/// Roles with no faces (only if the compiled-in fonts were corrupt): the default stacks.
fn empty_roles() -> [Role; 3] {
    [SERIF_STACK, SANS_STACK, MONO_STACK].map(|s| Role { family: String::new(), stack: s.to_string(), faces: Vec::new() })
}

/// Gives a role's family a name of its own (`House Headings`) in its stack and rules.
fn rename(role: &mut Role, suffix: &str) {
    let new = format!("{} {suffix}", role.family);
    role.stack = role.stack.replacen(&format!("\"{}\"", role.family), &format!("\"{new}\""), 1);
    role.family = new;
}

/// A family name as a CSS string's content: no quotes, backslashes or controls.
fn clean_family(name: &str) -> String {
    name.chars().filter(|c| !matches!(c, '"' | '\\' | '<' | '>') && !c.is_control()).collect()
}

/// `css` (brief's `style.css`) with each role's font stack in place of the default one.
pub(crate) fn stylesheet(css: &str, fonts: &BookFonts) -> String {
    let Some(roles) = &fonts.roles else { return css.to_string() };
    let swaps = [(SERIF_STACK, &roles[0].stack), (SANS_STACK, &roles[1].stack), (MONO_STACK, &roles[2].stack)];
    // One pass, so a stack put in is never replaced again (body sans, headings serif).
    let mut out = String::with_capacity(css.len() + 256);
    let mut rest = css;
    while let Some((at, from, to)) =
        swaps.iter().filter_map(|&(from, to)| rest.find(from).map(|at| (at, from, to))).min_by_key(|&(at, ..)| at)
    {
        out.push_str(&rest[..at]);
        out.push_str(to);
        rest = &rest[at + from.len()..];
    }
    out.push_str(rest);
    out
}

/// What a document's text uses.
#[derive(Debug, Default)]
struct Usage {
    bold: bool,
    italic: bool,
    bold_italic: bool,
    code: bool,
}

/// The faces to embed for `doc`, in a fixed order, each package file once.
pub(crate) fn faces(doc: &Document, fonts: &BookFonts) -> Vec<Embed> {
    let mut usage = Usage::default();
    scan_blocks(&doc.blocks, false, &mut usage);
    let [body, headings, code] = fonts.roles();
    let mut out: Vec<Embed> = Vec::new();
    let mut wanted: Vec<(&Role, &StyledFace)> = Vec::new();
    for f in &body.faces {
        let used = match (f.bold, f.italic) {
            (true, true) => usage.bold_italic,
            (true, false) => usage.bold,
            (false, true) => usage.italic,
            (false, false) => true,
        };
        if used {
            wanted.push((&body, f));
        }
    }
    wanted.extend(headings.faces.iter().map(|f| (&headings, f)));
    if usage.code {
        wanted.extend(code.faces.iter().map(|f| (&code, f)));
    }
    for (role, f) in wanted {
        if out.iter().any(|e| e.family == role.family && (e.bold, e.italic) == (f.bold, f.italic)) {
            continue;
        }
        // One package file per face; two different faces with one PostScript name get
        // numbered files.
        let mut path = format!("fonts/{}.ttf", f.name);
        let mut n = 1;
        while out.iter().any(|e| e.path == path && e.data.as_ptr() != f.data.as_ptr()) {
            n += 1;
            path = format!("fonts/{}-{n}.ttf", f.name);
        }
        out.push(Embed { path, family: role.family.clone(), bold: f.bold, italic: f.italic, data: f.data });
    }
    out
}

/// The `@font-face` rules for embedded faces (paths relative to the stylesheet).
pub(crate) fn font_face_css(faces: &[Embed]) -> String {
    let mut css = String::from("/* Embedded fonts (--epub-fonts). */\n");
    for face in faces {
        css.push_str(&format!(
            "@font-face {{\n  font-family: \"{}\";\n  font-weight: {};\n  font-style: {};\n  src: url(\"{}\") format(\"truetype\");\n}}\n",
            face.family,
            if face.bold { "bold" } else { "normal" },
            if face.italic { "italic" } else { "normal" },
            face.path,
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

    fn paths(faces: &[Embed]) -> Vec<&str> {
        faces.iter().map(|e| e.path.as_str()).collect()
    }

    fn rich() -> Document {
        Document {
            version: TREE_VERSION,
            meta: Meta::default(),
            blocks: vec![Block::Paragraph {
                content: vec![
                    Inline::Emph { content: vec![Inline::Strong { content: vec![Inline::text("both")] }] },
                    Inline::Code { text: "x".into() },
                ],
            }],
        }
    }

    #[test]
    fn only_the_faces_the_text_uses_are_embedded() {
        let plain = Document {
            version: TREE_VERSION,
            meta: Meta::default(),
            blocks: vec![Block::Paragraph { content: vec![Inline::text("plain")] }],
        };
        let builtin = BookFonts::default();
        assert_eq!(
            paths(&faces(&plain, &builtin)),
            ["fonts/NotoSerif-Regular.ttf", "fonts/NotoSans-Regular.ttf", "fonts/NotoSans-Bold.ttf"]
        );
        let all = faces(&rich(), &builtin);
        // Bold alone and italic alone are not used: only bold italic is.
        assert_eq!(
            paths(&all),
            [
                "fonts/NotoSerif-Regular.ttf",
                "fonts/NotoSerif-BoldItalic.ttf",
                "fonts/NotoSans-Regular.ttf",
                "fonts/NotoSans-Bold.ttf",
                "fonts/NotoSansMono-Regular.ttf"
            ]
        );
        assert!(all.iter().all(|e| e.data.len() > 10_000));
        let css = font_face_css(&all);
        assert_eq!(css.matches("@font-face").count(), 5);
        assert!(css.contains("font-family: \"Noto Serif\";\n  font-weight: bold;\n  font-style: italic;\n  src: url(\"fonts/NotoSerif-BoldItalic.ttf\")"));
    }

    fn book_fonts(toml: &str) -> BookFonts {
        let config = crate::config::Config::parse(&crate::source::Source::new("brief.toml", toml)).unwrap();
        BookFonts::of(&Fonts::for_config(&config.fonts, std::path::Path::new(".")).unwrap())
    }

    #[test]
    fn configured_families_are_embedded_once_each() {
        // Body and headings both Noto Sans: the regular face is one file and one rule.
        let sans = book_fonts("[fonts]\nbody = \"sans\"\nheadings = \"sans\"\n");
        let all = faces(&rich(), &sans);
        assert_eq!(
            paths(&all),
            ["fonts/NotoSans-Regular.ttf", "fonts/NotoSans-BoldItalic.ttf", "fonts/NotoSans-Bold.ttf", "fonts/NotoSansMono-Regular.ttf"]
        );
        assert!(all.iter().take(3).all(|e| e.family == "Noto Sans"));
        let swapped = book_fonts("[fonts]\nbody = \"sans\"\nheadings = \"serif\"\n");
        assert_eq!(
            paths(&faces(&rich(), &swapped))[..4],
            ["fonts/NotoSans-Regular.ttf", "fonts/NotoSans-BoldItalic.ttf", "fonts/NotoSerif-Regular.ttf", "fonts/NotoSerif-Bold.ttf"]
        );
    }

    #[test]
    fn stylesheet_stacks_follow_the_roles() {
        let css = include_str!("style.css");
        // The stacks this module swaps are the ones style.css writes.
        assert_eq!(css.matches(SERIF_STACK).count(), 1, "body text");
        assert!(css.matches(SANS_STACK).count() >= 2, "headings and furniture");
        assert_eq!(css.matches(MONO_STACK).count(), 1, "code");
        assert_eq!(stylesheet(css, &BookFonts::default()), css);
        assert_eq!(stylesheet(css, &book_fonts("")), css, "the configured defaults are the defaults");

        let swapped = stylesheet(css, &book_fonts("[fonts]\nbody = \"sans\"\nheadings = \"serif\"\n"));
        let body = swapped.split("body {").nth(1).and_then(|r| r.split('}').next()).unwrap();
        assert!(body.contains(SANS_STACK), "{body}");
        let headings = swapped.split("h1, h2, h3, h4, h5, h6 {").nth(1).and_then(|r| r.split('}').next()).unwrap();
        assert!(headings.contains(SERIF_STACK), "{headings}");
        assert_eq!(swapped.matches(SERIF_STACK).count(), css.matches(SANS_STACK).count());
        assert_eq!(swapped.matches(SANS_STACK).count(), 1);
    }

    #[test]
    fn house_families_lead_their_role_stack_and_never_clash() {
        let dir = std::env::temp_dir().join(format!("brief-epub-fonts-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let fonts_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fonts");
        for (file, from) in [("B.ttf", "NotoSerif-Regular.ttf"), ("H.ttf", "NotoSerif-Bold.ttf"), ("C.ttf", "NotoSansMath-Regular.ttf")] {
            std::fs::copy(fonts_dir.join(from), dir.join(file)).unwrap();
        }
        // Body and headings both from files of family "Noto Serif", but different files.
        let toml = "[fonts]\nbody = { regular = \"B.ttf\", bold = \"B.ttf\", italic = \"B.ttf\", bold_italic = \"B.ttf\" }\n\
                    headings = { regular = \"H.ttf\", bold = \"H.ttf\" }\ncode = { regular = \"C.ttf\" }\n";
        let config = crate::config::Config::parse(&crate::source::Source::new("brief.toml", toml)).unwrap();
        let roles = BookFonts::of(&Fonts::for_config(&config.fonts, &dir).unwrap());
        let css = stylesheet(include_str!("style.css"), &roles);
        assert!(css.contains(&format!("font-family: {SERIF_STACK};")), "body: the Noto Serif stack");
        assert!(css.contains("font-family: \"Noto Serif Headings\", Georgia"), "headings get a family of their own");
        assert!(css.contains(&format!("font-family: \"Noto Sans Math\", {MONO_STACK};")), "a house code face leads the mono stack");
        let embedded = faces(&rich(), &roles);
        let rules: Vec<(&str, bool, bool, &str)> =
            embedded.iter().map(|e| (e.family.as_str(), e.bold, e.italic, e.path.as_str())).collect();
        assert_eq!(
            rules,
            [
                ("Noto Serif", false, false, "fonts/NotoSerif-Regular.ttf"),
                ("Noto Serif", true, true, "fonts/NotoSerif-Regular.ttf"),
                ("Noto Serif Headings", false, false, "fonts/NotoSerif-Bold.ttf"),
                ("Noto Serif Headings", true, false, "fonts/NotoSerif-Bold.ttf"),
                ("Noto Sans Math", false, false, "fonts/NotoSansMath-Regular.ttf"),
            ]
        );
        assert_eq!(clean_family("Evil\"} body {x\n"), "Evil} body {x");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
