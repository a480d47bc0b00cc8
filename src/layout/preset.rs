//! Setting paragraphs ahead, alongside the page flow.
//!
//! Breaking a paragraph into lines (shaping, hyphenation, Knuth–Plass) is most of the
//! work of laying out prose, and it depends only on the paragraph and its measure, not on
//! where the page breaks fall. So while the (sequential) page flow runs on one thread,
//! helpers on rayon's other threads set the top-level paragraphs ahead of it, in document
//! order, at the body measure ([`PresetTable::work`]); the flow takes a paragraph's lines
//! when they are ready ([`PresetTable::take`]), waits for one a helper is in the middle of,
//! and sets any other itself. Every paragraph is set exactly once, by whoever claims it
//! first, and the result does not depend on who did: the output is the same bytes with any
//! number of threads (with one thread the flow simply sets everything itself).
//!
//! Paragraphs whose setting depends on the flow's state are left to the flow: those with
//! footnotes (numbered in document order), images or raw HTML. A result is only used when
//! the flow's measure is the one it was set at.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;

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

/// The key of a paragraph's content: its address (stable while the document is borrowed).
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

/// The standalone top-level paragraphs of a document and their settings as they are made.
pub(crate) struct PresetTable<'d> {
    paragraphs: Vec<&'d [Inline]>,
    /// Slot by paragraph key.
    index: HashMap<usize, usize>,
    /// Whether someone (a helper or the flow) has claimed each slot.
    claimed: Vec<AtomicBool>,
    /// The setting of each slot, once made (taken out by the flow).
    done: Vec<Mutex<Option<Preset>>>,
    /// The next slot helpers try to claim.
    next: AtomicUsize,
    measure: f32,
    hyphenate: Option<hypher::Lang>,
}

impl<'d> PresetTable<'d> {
    /// The table of the standalone top-level paragraphs of `blocks`, to be set justified at
    /// `measure`.
    pub(crate) fn new(blocks: &'d [Block], measure: f32, hyphenate: Option<hypher::Lang>) -> Self {
        let paragraphs: Vec<&[Inline]> = blocks
            .iter()
            .filter_map(|b| match b {
                Block::Paragraph { content } if !content.is_empty() && standalone(content) => Some(content.as_slice()),
                _ => None,
            })
            .collect();
        let index = paragraphs.iter().enumerate().map(|(i, p)| (key(p), i)).collect();
        PresetTable {
            claimed: paragraphs.iter().map(|_| AtomicBool::new(false)).collect(),
            done: paragraphs.iter().map(|_| Mutex::new(None)).collect(),
            paragraphs,
            index,
            next: AtomicUsize::new(0),
            measure,
            hyphenate,
        }
    }

    fn set(&self, fonts: &Fonts, i: usize) -> Option<Preset> {
        let content = self.paragraphs.get(i)?;
        let collected = Collected::new(content, body_style(BODY_SIZE), &mut |_: &[Block]| 0);
        let lines = set_lines(fonts, self.hyphenate, &collected, self.measure, LineAlign::Justify, true);
        Some(Preset { measure: self.measure, collected, lines })
    }

    /// A helper's loop: claims the next unclaimed paragraphs in document order and sets
    /// them, until none is left.
    pub(crate) fn work(&self, fonts: &Fonts) {
        loop {
            let i = self.next.fetch_add(1, Ordering::Relaxed);
            if i >= self.paragraphs.len() {
                return;
            }
            if self.claimed.get(i).is_some_and(|c| c.swap(true, Ordering::AcqRel)) {
                continue; // the flow got there first
            }
            let preset = self.set(fonts, i);
            if let Some(slot) = self.done.get(i) {
                if let Ok(mut slot) = slot.lock() {
                    *slot = preset;
                }
            }
        }
    }

    /// The setting of the paragraph whose content is `content`, for the flow: made here
    /// when no helper has claimed it, waited for when one is making it. `None` for
    /// paragraphs not in the table.
    pub(crate) fn take(&self, fonts: &Fonts, content: &[Inline]) -> Option<Preset> {
        let &i = self.index.get(&key(content))?;
        let claimed = self.claimed.get(i)?;
        if !claimed.swap(true, Ordering::AcqRel) {
            return self.set(fonts, i);
        }
        // A helper claimed it and is setting it on another thread (helpers never run on
        // the flow's thread while it waits here, as it does not enter rayon meanwhile).
        loop {
            if let Ok(mut slot) = self.done.get(i)?.lock() {
                if let Some(p) = slot.take() {
                    return Some(p);
                }
            } else {
                return None;
            }
            std::thread::yield_now();
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
