//! Setting paragraphs ahead, in parallel.
//!
//! Breaking a paragraph into lines (shaping, hyphenation, Knuth–Plass) is most of the
//! work of laying out prose, and it depends only on the paragraph and its measure, not on
//! where the page breaks fall. So before the (sequential) page flow starts, every body
//! paragraph (at the top level, in list items and in block quotes, at the measure the flow
//! will give it there) is collected and set on rayon's pool; the flow then takes the set
//! lines instead of setting them itself. Paragraphs whose setting
//! depends on the flow's state are left to the flow: those with footnotes (numbered in
//! document order), images or raw HTML. A result is only used when the flow's measure is
//! the one it was set at, so the output is the same bytes as without this stage, whatever
//! the number of threads.

use std::collections::HashMap;

use rayon::prelude::*;

use super::flow::{body_style, MAX_INDENT_DEPTH};
use super::inline::{itemize, Collected, ParaSpec};
use super::linebreak::{assemble, break_lines, Line, LineAlign};
use super::theme::{BODY_SIZE, LIST_INDENT, QUOTE_INDENT};
use super::table::{preset_table, table_key, TablePreset};
use crate::doc::{Block, Inline, Table};
use crate::fonts::Fonts;

/// A paragraph set ahead: the measure it was set at, its styles and its lines.
pub(crate) struct Preset {
    pub measure: f32,
    pub collected: Collected,
    pub lines: Vec<Line>,
}

/// Pre-set paragraphs, keyed by the address of their content (stable while the document
/// is borrowed).
pub(crate) type Presets = HashMap<usize, Preset>;

/// Pre-set tables, keyed by [`super::table::table_key`].
pub(crate) type TablePresets = HashMap<usize, TablePreset>;

/// Work for the preset stage: a paragraph or a table, with the measure the flow will give it.
enum Work<'a> {
    Paragraph(&'a [Inline], f32),
    Table(&'a Table, f32),
}

/// What a piece of work gives.
enum Done {
    Paragraph(usize, Preset),
    Table(usize, Option<TablePreset>),
}

/// A rough cost of a piece of work, for ordering: the bytes of text to set (a table's
/// cells count twice: their columns are measured before they are set).
fn cost(w: &Work<'_>) -> usize {
    fn text(inlines: &[Inline]) -> usize {
        inlines
            .iter()
            .map(|i| match i {
                Inline::Text { text } | Inline::Code { text } => text.len(),
                Inline::Emph { content } | Inline::Strong { content } | Inline::Strikethrough { content } | Inline::Link { content, .. } => {
                    text(content)
                }
                _ => 1,
            })
            .sum()
    }
    match w {
        Work::Paragraph(content, _) => text(content),
        Work::Table(table, _) => 2 * table.head.iter().chain(table.rows.iter().flatten()).map(|c| text(c)).sum::<usize>(),
    }
}

/// The key of a paragraph's content.
pub(crate) fn key(content: &[Inline]) -> usize {
    content.as_ptr() as usize
}

/// Whether a paragraph can be set without the flow: no footnotes, images or raw HTML at
/// any depth.
pub(crate) fn standalone(inlines: &[Inline]) -> bool {
    inlines.iter().all(|i| match i {
        Inline::Note { .. } | Inline::Image { .. } | Inline::Html { .. } => false,
        Inline::Emph { content } | Inline::Strong { content } | Inline::Strikethrough { content } | Inline::Link { content, .. } => {
            standalone(content)
        }
        Inline::Text { .. } | Inline::Code { .. } | Inline::SoftBreak | Inline::HardBreak => true,
    })
}

/// Sets every standalone body paragraph of `blocks`, justified, and every table that can
/// be set off the flow (see [`super::table::preset_table`]), at the measure the flow will
/// set it at when the text block spans `left..right` (the flow's own edges).
pub(crate) fn preset(
    blocks: &[Block],
    fonts: &Fonts,
    (left, right): (f32, f32),
    hyphenate: Option<hypher::Lang>,
) -> (Presets, TablePresets) {
    let mut work = Vec::new();
    gather(blocks, left, right, 0, &mut work);
    // Largest first, one piece at a time: a table costs as much as a dozen paragraphs, and
    // one taken last would leave the other thread idle while it is set. (The results are
    // keyed by content, so their order does not matter.)
    work.sort_by_key(|w| std::cmp::Reverse(cost(w)));
    let done: Vec<Done> = work
        .par_iter()
        .with_max_len(1)
        .map(|w| match *w {
            Work::Paragraph(content, measure) => {
                let collected = Collected::new(content, body_style(BODY_SIZE), &mut |_: &[Block]| 0);
                let lines = set_lines(fonts, hyphenate, &collected, measure, LineAlign::Justify, true);
                Done::Paragraph(key(content), Preset { measure, collected, lines })
            }
            Work::Table(table, measure) => Done::Table(table_key(table), preset_table(table, fonts, hyphenate, measure)),
        })
        .collect();
    let (mut paragraphs, mut tables) = (Presets::new(), TablePresets::new());
    for d in done {
        match d {
            Done::Paragraph(k, p) => {
                paragraphs.insert(k, p);
            }
            Done::Table(k, Some(t)) => {
                tables.insert(k, t);
            }
            Done::Table(_, None) => {}
        }
    }
    (paragraphs, tables)
}

/// The standalone paragraphs and the tables of `blocks` with the measure of each, following
/// the flow's indentation of list items and block quotes (`Flow::list`, `Flow::quote`) from
/// a text block spanning `left..right` at nesting `depth`. A measure guessed wrong only
/// costs the time: the flow uses a preset only at the measure it was set at.
fn gather<'a>(blocks: &'a [Block], left: f32, right: f32, depth: usize, out: &mut Vec<Work<'a>>) {
    let measure = (right - left).max(40.0);
    for b in blocks {
        match b {
            Block::Paragraph { content } if !content.is_empty() && standalone(content) => {
                out.push(Work::Paragraph(content.as_slice(), measure));
            }
            Block::Table(table) => out.push(Work::Table(table, measure)),
            Block::List(list) => {
                let indent = if depth < MAX_INDENT_DEPTH { LIST_INDENT } else { 0.0 };
                for item in &list.items {
                    gather(&item.blocks, left + indent, right, depth + 1, out);
                }
            }
            Block::BlockQuote { blocks } => {
                let indent = if depth < MAX_INDENT_DEPTH { QUOTE_INDENT } else { 0.0 };
                let right = if indent > 0.0 { right - indent / 2.0 } else { right };
                gather(blocks, left + indent, right, depth + 1, out);
            }
            _ => {}
        }
    }
}

/// Breaks collected content into lines of `measure` (the flow's `set_lines`, without the
/// flow).
pub(crate) fn set_lines(
    fonts: &Fonts,
    lang: Option<hypher::Lang>,
    c: &Collected,
    measure: f32,
    align: LineAlign,
    hyphenate: bool,
) -> Vec<Line> {
    let justify = align == LineAlign::Justify;
    // Mixed-direction lines are not hyphenated: a hyphen inside reordered text misleads.
    let hyphenate = hyphenate && !c.has_rtl();
    let spec = ParaSpec {
        fonts,
        hyphenate: if hyphenate { lang } else { None },
        measure,
        justify,
    };
    let items = itemize(c, &spec);
    let breaks = break_lines(&items, measure, justify);
    assemble(&items, &breaks, measure, align, c.is_rtl())
}
