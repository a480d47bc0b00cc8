//! Setting paragraphs ahead, beside the flow.
//!
//! Breaking a paragraph into lines (shaping, hyphenation, Knuth–Plass) is most of the
//! work of laying out prose, and it depends only on the paragraph and its measure, not on
//! where the page breaks fall. So every body paragraph (at the top level, in list items
//! and in block quotes, at the measure the flow will give it there) and every table is
//! listed in document order ([`Ahead`]), and while the flow places the title block, the
//! contents and then the body, another worker sets them one after another, ahead of the
//! flow; the flow takes the set lines instead of setting them itself. A piece the flow
//! reaches before anybody started it is the flow's to set (it is not set twice); one being
//! set on the other worker when the flow reaches it, the flow helps with the next pieces
//! until it is ready. So the flow, the one sequential stretch of layout, runs while the
//! paragraphs are set, instead of after all of them. Paragraphs whose setting depends on
//! the flow's state are left to the flow: those with footnotes (numbered in document
//! order), images or raw HTML. A result is only used when the flow's measure is the one
//! it was set at, so the output is the same bytes as without this stage, whatever the
//! number of threads and whoever set what.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU8, AtomicUsize, Ordering};
use std::sync::Mutex;

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

/// Work for the preset stage: a paragraph or a table, with the measure the flow will give it.
enum Work<'a> {
    Paragraph(&'a [Inline], f32),
    Table(&'a Table, f32),
}

/// What a piece of work gives.
enum Done {
    Paragraph(Preset),
    Table(Option<TablePreset>),
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

/// A piece of work nobody has started.
const OPEN: u8 = 0;
/// A piece being set ahead.
const BUSY: u8 = 1;
/// A piece set ahead, its result waiting for the flow (or taken).
const READY: u8 = 2;
/// A piece the flow reached before anybody started it: the flow sets it.
const FLOW: u8 = 3;

/// The paragraphs and tables of a document to set ahead of the flow, in document order,
/// with what has become of each.
pub(crate) struct Ahead<'d> {
    fonts: &'d Fonts,
    hyphenate: Option<hypher::Lang>,
    work: Vec<Work<'d>>,
    /// Index in `work` by paragraph key ([`key`]) and by table key.
    paragraphs: HashMap<usize, usize>,
    tables: HashMap<usize, usize>,
    /// The next piece to try to claim.
    next: AtomicUsize,
    state: Vec<AtomicU8>,
    done: Vec<Mutex<Option<Done>>>,
    /// Pieces set ahead, and pieces the flow claimed before anybody started them.
    set_ahead: AtomicUsize,
    claimed: AtomicUsize,
}

impl<'d> Ahead<'d> {
    /// The work of `blocks` for a flow whose text block spans `left..right`; no work at
    /// all when `enabled` is false (the flow then sets everything itself).
    pub(crate) fn new(
        blocks: &'d [Block],
        fonts: &'d Fonts,
        (left, right): (f32, f32),
        hyphenate: Option<hypher::Lang>,
        enabled: bool,
    ) -> Ahead<'d> {
        let mut work = Vec::new();
        if enabled {
            gather(blocks, left, right, 0, &mut work);
        }
        let (mut paragraphs, mut tables) = (HashMap::new(), HashMap::new());
        for (i, w) in work.iter().enumerate() {
            match *w {
                Work::Paragraph(content, _) => paragraphs.insert(key(content), i),
                Work::Table(table, _) => tables.insert(table_key(table), i),
            };
        }
        Ahead {
            fonts,
            hyphenate,
            state: work.iter().map(|_| AtomicU8::new(OPEN)).collect(),
            done: work.iter().map(|_| Mutex::new(None)).collect(),
            work,
            paragraphs,
            tables,
            next: AtomicUsize::new(0),
            set_ahead: AtomicUsize::new(0),
            claimed: AtomicUsize::new(0),
        }
    }

    /// Sets the pieces nobody has claimed, in document order, until none is left.
    pub(crate) fn work(&self) {
        while self.step() {}
    }

    /// Claims the next open piece and sets it; false when no piece is left to claim.
    fn step(&self) -> bool {
        loop {
            let i = self.next.fetch_add(1, Ordering::Relaxed);
            let (Some(w), Some(state), Some(slot)) = (self.work.get(i), self.state.get(i), self.done.get(i)) else {
                return false;
            };
            if state.compare_exchange(OPEN, BUSY, Ordering::AcqRel, Ordering::Acquire).is_err() {
                continue;
            }
            let done = match *w {
                Work::Paragraph(content, measure) => {
                    let collected = Collected::new(content, body_style(BODY_SIZE), &mut |_: &[Block]| 0);
                    let lines = set_lines(self.fonts, self.hyphenate, &collected, measure, LineAlign::Justify, true);
                    Done::Paragraph(Preset { measure, collected, lines })
                }
                Work::Table(table, measure) => Done::Table(preset_table(table, self.fonts, self.hyphenate, measure)),
            };
            if let Ok(mut slot) = slot.lock() {
                *slot = Some(done);
            }
            self.set_ahead.fetch_add(1, Ordering::Relaxed);
            state.store(READY, Ordering::Release);
            return true;
        }
    }

    /// What was set ahead for piece `i`, waiting for it (and meanwhile setting the pieces
    /// after it) if it is being set; `None` when the flow is to set it: nobody started it
    /// (it is then never set ahead), or it was taken before.
    fn take(&self, i: usize) -> Option<Done> {
        let (state, slot) = (self.state.get(i)?, self.done.get(i)?);
        let mut spins = 0u32;
        loop {
            match state.compare_exchange(OPEN, FLOW, Ordering::AcqRel, Ordering::Acquire) {
                Ok(_) => {
                    self.claimed.fetch_add(1, Ordering::Relaxed);
                    return None;
                }
                Err(READY) => return slot.lock().ok()?.take(),
                Err(FLOW) => return None,
                Err(_) => {
                    // Being set on the other worker: help with what comes after it.
                    if !self.step() {
                        spins += 1;
                        if spins < 64 {
                            std::hint::spin_loop();
                        } else {
                            std::thread::yield_now();
                        }
                    }
                }
            }
        }
    }

    /// The paragraph with content `content` set ahead, if it was.
    pub(crate) fn paragraph(&self, content: &[Inline]) -> Option<Preset> {
        match self.take(*self.paragraphs.get(&key(content))?)? {
            Done::Paragraph(p) => Some(p),
            Done::Table(_) => None,
        }
    }

    /// The table `table` set ahead, if it was (and could be).
    pub(crate) fn table(&self, table: &Table) -> Option<TablePreset> {
        match self.take(*self.tables.get(&table_key(table))?)? {
            Done::Table(t) => t,
            Done::Paragraph(_) => None,
        }
    }

    /// How many pieces were set ahead, how many the flow claimed before anybody started
    /// them, and how many results set ahead were never taken (set at a measure the flow
    /// did not give, or a table the flow set on a landscape page).
    pub(crate) fn counts(&self) -> (usize, usize, usize) {
        let unused = self
            .done
            .iter()
            .filter(|slot| slot.lock().is_ok_and(|d| matches!(&*d, Some(Done::Paragraph(_)) | Some(Done::Table(Some(_))))))
            .count();
        (self.set_ahead.load(Ordering::Relaxed), self.claimed.load(Ordering::Relaxed), unused)
    }
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
