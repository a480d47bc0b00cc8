//! Layout: the document tree → positioned pages (fonts, shaping, line breaking, tables,
//! pagination). Never imports printpdf: the PDF writer draws what this produces.
//!
//! One step per file: `shape` (rustybuzz), `inline` (inline content → boxes, glue and
//! penalties), `linebreak` (Knuth–Plass), `flow` (blocks → pages), `table`, `furniture`
//! (title block, running heads, page numbers), `theme` (the house style), `page` (the
//! output model).

mod flow;
mod furniture;
mod hyphen;
mod inline;
mod linebreak;
mod notes;
mod page;
mod pairs;
mod preset;
mod shape;
mod table;
mod theme;
mod toc;

pub use page::*;
pub use theme::Theme;

use crate::doc::Document;
use crate::fonts::Fonts;
use crate::resources::Resources;

/// Paper size and margins, in points.
#[derive(Debug, Clone, PartialEq)]
pub struct PageSetup {
    pub width: f32,
    pub height: f32,
    pub margin_top: f32,
    pub margin_bottom: f32,
    pub margin_left: f32,
    pub margin_right: f32,
    /// House colours (`brief.toml`'s `[theme]`).
    pub theme: Theme,
}

impl Default for PageSetup {
    /// A4 with margins that give a measure of about 80 characters of 10.5 pt Noto Serif.
    fn default() -> Self {
        PageSetup {
            width: 595.276,
            height: 841.89,
            margin_top: 76.0,
            margin_bottom: 76.0,
            margin_left: 84.0,
            margin_right: 84.0,
            theme: Theme::default(),
        }
    }
}

impl PageSetup {
    /// The same margins on another paper size: `a4` or `letter` (anything else keeps the
    /// current size).
    pub fn with_paper(&self, paper: Option<&str>) -> PageSetup {
        let (width, height) = match paper.map(str::trim).map(str::to_ascii_lowercase).as_deref() {
            Some("letter" | "us-letter" | "usletter") => (612.0, 792.0),
            Some("a4") => (595.276, 841.89),
            _ => (self.width, self.height),
        };
        PageSetup { width, height, ..self.clone() }
    }
}

/// Lays a document out on pages. The front matter's `papersize` overrides the setup's.
pub fn layout(doc: &Document, fonts: &Fonts, res: &Resources, setup: &PageSetup) -> LaidOut {
    layout_counted(doc, fonts, res, setup, SetAhead::Beside, |out| out, || ()).0 .0
}

/// [`layout`], then `then` with the pages, while `beside` runs on another worker.
///
/// Filling the pages is the one stretch of layout that runs on a single thread (each
/// block's place depends on the one before it). Beside it another worker sets the body's
/// paragraphs and tables ahead of it (see `preset`), then runs `beside`, work of the
/// caller's that does not need the pages to start (the EPUB's package), so the other core
/// is not idle while the pages fill; `then` (the PDF) starts as soon as the pages are
/// filled, whether `beside` is done or not.
pub fn layout_beside<R: Send, S: Send>(
    doc: &Document,
    fonts: &Fonts,
    res: &Resources,
    setup: &PageSetup,
    then: impl FnOnce(LaidOut) -> R + Send,
    beside: impl FnOnce() -> S + Send,
) -> (R, S) {
    layout_counted(doc, fonts, res, setup, SetAhead::Beside, then, beside).0
}

/// Whether and how [`layout_counted`] sets paragraphs and tables ahead of the flow.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum SetAhead {
    /// The flow sets everything itself.
    Off,
    /// Another worker sets them while the flow runs (what layout does).
    Beside,
    /// All of them first, then the flow (for tests: every piece is set ahead).
    First,
}

/// [`layout_beside`], with paragraphs set ahead or not; also returns how many pieces
/// (paragraphs and tables) were set ahead, how many the flow claimed before anybody
/// started them, and how many of those set ahead the flow did not use.
pub(crate) fn layout_counted<R: Send, S: Send>(
    doc: &Document,
    fonts: &Fonts,
    res: &Resources,
    setup: &PageSetup,
    set_ahead: SetAhead,
    then: impl FnOnce(LaidOut) -> R + Send,
    beside: impl FnOnce() -> S + Send,
) -> ((R, S), (usize, usize, usize)) {
    let setup = &setup.with_paper(doc.meta.papersize.as_deref());
    let hyphenate = hyphenation_lang(&doc.meta.lang);
    // The paragraphs and tables of the body, in document order, to set beside the flow
    // (they do not depend on where the body starts or on the page breaks).
    let edges = (setup.margin_left, setup.width - setup.margin_right);
    let ahead = preset::Ahead::new(&doc.blocks, fonts, edges, hyphenate, set_ahead != SetAhead::Off);
    if set_ahead == SetAhead::First {
        ahead.work();
    }
    let mut flow = flow::Flow::new(fonts, res, setup, hyphenate);
    flow.ahead = Some(&ahead);
    // Each new page records what it opens with (LaidOut::page_starts); the first page
    // opens with the title block.
    flow.out.page_starts.push(PageStart::Title);
    let (out, beside) = rayon::join(
        || {
            flow.front = Some(PageStart::Title);
            furniture::title_block(&mut flow, &doc.meta);
            flow.front = Some(PageStart::Contents);
            let contents = if toc::wanted(doc) { toc::place(&mut flow, doc) } else { Vec::new() };
            flow.front = None;
            flow.blocks(&doc.blocks);
            let mut out = flow.finish();
            toc::finish(&mut out, fonts, &contents);
            furniture::running_heads(&mut out, fonts, setup, &doc.meta);
            theme::recolor(&mut out, &setup.theme);
            then(out)
        },
        || {
            ahead.work();
            beside()
        },
    );
    ((out, beside), ahead.counts())
}

/// Prepares what layout builds on first use and keeps for the process (the pair tables'
/// kerning matrices), for a thread that would otherwise wait.
pub fn warm(fonts: &Fonts) {
    pairs::warm(fonts);
}

/// Index of the pair table of a built-in face (see `pairs`), if it has one.
pub(crate) fn pair_table_index(name: &str) -> Option<usize> {
    pairs::table_index(name)
}

/// Entry points for benchmarks of the inner stages (not a stable API).
#[doc(hidden)]
pub mod bench {
    use super::*;

    /// The source of `src/layout/pairs_data.rs`, derived from the built-in fonts.
    pub fn generate_pair_tables() -> Result<String, String> {
        pairs::generate()
    }

    /// Shapes text in the body face; returns the glyph count.
    pub fn shape(fonts: &Fonts, text: &str) -> usize {
        shape::shape(fonts, crate::fonts::FontId::SERIF, theme::BODY_SIZE, text).len()
    }

    /// Itemizes, breaks (Knuth–Plass, hyphenation on) and sets a body paragraph; returns
    /// the number of lines.
    pub fn break_paragraph(fonts: &Fonts, text: &str, measure: f32) -> usize {
        let c = inline::Collected::plain(text, flow::body_style(theme::BODY_SIZE));
        let spec = inline::ParaSpec { fonts, hyphenate: Some(hypher::Lang::English), measure, justify: true };
        let items = inline::itemize(&c, &spec);
        let breaks = linebreak::break_lines(&items, measure, true);
        linebreak::assemble(&items, &breaks, measure, linebreak::LineAlign::Justify, false).len()
    }
}

/// Warns once per character (at its first line and column) about characters that no
/// built-in face can show: they would print as an empty box.
pub fn check_coverage(src: &crate::source::Source, fonts: &Fonts, diags: &mut crate::diag::Diagnostics) {
    let mut seen = std::collections::BTreeSet::new();
    for (offset, c) in src.text.char_indices() {
        // Characters the parser removes (with a warning of their own) and invisible format
        // characters the shaper hides never print.
        if c.is_ascii() || seen.contains(&c) || crate::markdown::never_printed(c) {
            continue;
        }
        seen.insert(c);
        if !shape::covered(fonts, c) {
            diags.push(src.warning_at(
                offset,
                format!("no font has the character {c:?} (U+{:04X}); it prints as a box", c as u32),
            ));
        }
    }
}

/// The hyphenation patterns for a BCP 47 tag (`en`, `en-GB`, `kk` ...), if hypher has them.
fn hyphenation_lang(tag: &str) -> Option<hypher::Lang> {
    let mut code = tag.split(['-', '_']).next()?.bytes().map(|b| b.to_ascii_lowercase());
    let pair = [code.next()?, code.next()?];
    hypher::Lang::from_iso(pair)
}

/// A plain-text dump of laid-out pages, for tests and debugging: one line of text per
/// baseline (`page y x: text`), top to bottom; words further apart than a thin space are
/// joined with a space.
pub fn dump(out: &LaidOut) -> String {
    let mut s = String::new();
    for (i, page) in out.pages.iter().enumerate() {
        let mut glyphs: Vec<(f32, &PlacedGlyph, f32)> = Vec::new();
        for item in &page.items {
            if let Item::Text(run) = item {
                glyphs.extend(run.glyphs.iter().map(|g| ((run.y * 10.0).round() / 10.0, g, run.size)));
            }
        }
        glyphs.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.x.total_cmp(&b.1.x)));
        let mut k = 0;
        while k < glyphs.len() {
            let y = glyphs[k].0;
            let x0 = glyphs[k].1.x;
            let mut text = String::new();
            let mut end = f32::NEG_INFINITY;
            while k < glyphs.len() && glyphs[k].0 == y {
                let (_, g, size) = glyphs[k];
                if end > f32::NEG_INFINITY && g.x - end > size * 0.12 {
                    text.push(' ');
                }
                text.push_str(&g.text);
                end = g.x + g.advance;
                k += 1;
            }
            s.push_str(&format!("{} {:.1} {:.1}: {}\n", i + 1, y, x0, text));
        }
    }
    s
}

#[cfg(test)]
mod tests;
