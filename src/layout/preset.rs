//! Setting paragraphs ahead, in parallel.
//!
//! Breaking a paragraph into lines (shaping, hyphenation, Knuth–Plass) is most of the
//! work of laying out prose, and it depends only on the paragraph and its measure, not on
//! where the page breaks fall. So before the (sequential) page flow starts, every
//! top-level paragraph is collected and set at the body measure on rayon's pool; the flow
//! then takes the set lines instead of setting them itself. Paragraphs whose setting
//! depends on the flow's state are left to the flow: those with footnotes (numbered in
//! document order), images or raw HTML. A result is only used when the flow's measure is
//! the one it was set at, so the output is the same bytes as without this stage, whatever
//! the number of threads.

use std::collections::HashMap;

use rayon::prelude::*;

use super::flow::body_style;
use super::inline::{itemize, Collected, ParaSpec};
use super::linebreak::{assemble, break_lines, Line, LineAlign};
use super::theme::BODY_SIZE;
use crate::doc::{Block, Inline};
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

/// The key of a paragraph's content.
pub(crate) fn key(content: &[Inline]) -> usize {
    content.as_ptr() as usize
}

/// Whether a paragraph can be set without the flow: no footnotes, images or raw HTML at
/// any depth.
fn standalone(inlines: &[Inline]) -> bool {
    inlines.iter().all(|i| match i {
        Inline::Note { .. } | Inline::Image { .. } | Inline::Html { .. } => false,
        Inline::Emph { content } | Inline::Strong { content } | Inline::Strikethrough { content } | Inline::Link { content, .. } => {
            standalone(content)
        }
        Inline::Text { .. } | Inline::Code { .. } | Inline::SoftBreak | Inline::HardBreak => true,
    })
}

/// Sets every standalone top-level paragraph of `blocks`, justified at `measure`.
pub(crate) fn preset(blocks: &[Block], fonts: &Fonts, measure: f32, hyphenate: Option<hypher::Lang>) -> Presets {
    let paragraphs: Vec<&[Inline]> = blocks
        .iter()
        .filter_map(|b| match b {
            Block::Paragraph { content } if !content.is_empty() && standalone(content) => Some(content.as_slice()),
            _ => None,
        })
        .collect();
    paragraphs
        .par_iter()
        .map(|content| {
            let collected = Collected::new(content, body_style(BODY_SIZE), &mut |_: &[Block]| 0);
            let lines = set_lines(fonts, hyphenate, &collected, measure, LineAlign::Justify, true);
            (key(content), Preset { measure, collected, lines })
        })
        .collect::<Vec<_>>()
        .into_iter()
        .collect()
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
