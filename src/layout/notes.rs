//! Footnotes at the foot of the page that references them.
//!
//! When a line with a note mark is placed, the note is set (at the note size, across the
//! text block) and its lines are reserved at the page foot, under a short rule; the space
//! for body text shrinks by as much. A line moves to the next page when its notes would not
//! fit beside it, except that a long note (more than half a page) may start here with two
//! lines and continue at the foot of the next page. Marks and notes link both ways
//! (`fn-N` ↔ `fnref-N`).

use super::flow::{body_style, Flow};
use super::furniture::text_items;
use super::inline::{Collected, Style, LINK_COLOR};
use super::linebreak::{Line, LineAlign};
use super::page::*;
use super::shape;
use super::theme::*;
use crate::doc::{plain_text, Block, Inline};

/// Space above and below the separator rule.
const NOTE_SEP: f32 = 14.0;
/// Hanging indent of note text (the number sits in it).
const NOTE_INDENT: f32 = 14.0;
/// Gap between two notes.
const NOTE_GAP: f32 = 2.0;

/// A note (or the rest of one) at a page foot.
#[derive(Debug, Clone)]
pub(crate) struct FootNote {
    pub number: usize,
    pub lines: Vec<Line>,
    pub styles: Vec<Style>,
    /// Whether the note starts here (the number is drawn) or continues from a page before.
    pub first: bool,
}

impl FootNote {
    fn height(&self) -> f32 {
        self.lines.len() as f32 * NOTE_LEADING + NOTE_GAP
    }
}

/// The numbers of the footnote marks on a line, in order.
pub(crate) fn line_notes(line: &Line, styles: &[Style]) -> Vec<usize> {
    let mut out = Vec::new();
    for run in &line.runs {
        if let Some(n) = styles.get(run.style).and_then(|s| s.note) {
            if !out.contains(&n) {
                out.push(n);
            }
        }
    }
    out
}

/// A note's blocks as one run of inline content: paragraphs separated by line breaks,
/// other blocks by their plain text.
fn note_inlines(blocks: &[Block]) -> Vec<Inline> {
    let mut out = Vec::new();
    for (i, b) in blocks.iter().enumerate() {
        if i > 0 {
            out.push(Inline::HardBreak);
        }
        match b {
            Block::Paragraph { content } | Block::Heading { content, .. } => out.extend(content.iter().cloned()),
            Block::CodeBlock { text, .. } => out.push(Inline::Code { text: text.clone() }),
            Block::Figure { image } => out.push(Inline::text(image.alt.clone())),
            other => out.push(Inline::text(block_text(other))),
        }
    }
    out
}

fn block_text(block: &Block) -> String {
    match block {
        Block::Paragraph { content } | Block::Heading { content, .. } => plain_text(content),
        Block::BlockQuote { blocks } => blocks.iter().map(block_text).collect::<Vec<_>>().join(" "),
        Block::List(list) => list
            .items
            .iter()
            .flat_map(|i| i.blocks.iter().map(block_text))
            .collect::<Vec<_>>()
            .join("; "),
        Block::Table(t) => t
            .head
            .iter()
            .chain(t.rows.iter().flatten())
            .map(|c| plain_text(c))
            .collect::<Vec<_>>()
            .join(" "),
        Block::CodeBlock { text, .. } => text.clone(),
        Block::Figure { image } => image.alt.clone(),
        Block::ThematicBreak | Block::Html { .. } => String::new(),
    }
}

impl Flow<'_> {
    /// The bottom of the page's text area before any footnotes.
    pub(crate) fn raw_bottom(&self) -> f32 {
        self.page.height - self.setup.margin_bottom
    }

    /// Sets note `n` (once; later calls use the cache).
    fn note(&mut self, n: usize) -> FootNote {
        if let Some(f) = self.note_cache.get(&n) {
            return f.clone();
        }
        let blocks = self.notes.get(n.wrapping_sub(1)).cloned().unwrap_or_default();
        let c: Collected = self.collect(&note_inlines(&blocks), body_style(NOTE_SIZE));
        let measure = self.setup.width - self.setup.margin_left - self.setup.margin_right - NOTE_INDENT;
        let lines = if c.is_empty() { vec![Line::default()] } else { self.set_lines(&c, measure, LineAlign::Justify, true) };
        let f = FootNote { number: n, lines, styles: c.styles, first: true };
        self.note_cache.insert(n, f.clone());
        f
    }

    /// Extra foot height that the not-yet-placed notes among `numbers` need, counting only
    /// the first two lines of a note longer than half a page (it may continue overleaf).
    pub(crate) fn notes_height(&mut self, numbers: &[usize], foot_so_far: f32) -> f32 {
        let half = (self.raw_bottom() - self.top()) / 2.0;
        let mut add = 0.0;
        for &n in numbers {
            if self.placed.contains(&n) {
                continue;
            }
            let h = self.note(n).height();
            add += if h > half { 2.0 * NOTE_LEADING + NOTE_GAP } else { h };
        }
        if add > 0.0 && foot_so_far == 0.0 {
            add += NOTE_SEP;
        }
        add
    }

    /// How many of `lines` fit on the current page, with the notes they reference.
    pub(crate) fn lines_that_fit(&mut self, lines: &[Line], styles: &[Style], leading: f32) -> usize {
        let raw = self.raw_bottom();
        let mut foot = self.foot_h;
        let mut seen: Vec<usize> = Vec::new();
        let mut k = 0;
        for line in lines {
            let notes: Vec<usize> = line_notes(line, styles).into_iter().filter(|n| !seen.contains(n)).collect();
            let add = self.notes_height(&notes, foot);
            if self.y + (k + 1) as f32 * leading + foot + add > raw + 0.01 {
                break;
            }
            foot += add;
            seen.extend(notes);
            k += 1;
        }
        k
    }

    /// Reserves the notes referenced by a line just placed at the foot of this page,
    /// splitting a note that does not fit whole.
    pub(crate) fn register_notes(&mut self, numbers: &[usize]) {
        for &n in numbers {
            if !self.placed.insert(n) {
                continue;
            }
            let mut note = self.note(n);
            let sep = if self.foot.is_empty() { NOTE_SEP } else { 0.0 };
            let room = self.raw_bottom() - self.y - self.foot_h - sep - NOTE_GAP;
            let fit = ((room / NOTE_LEADING) + 1e-3).floor().max(0.0) as usize;
            if fit >= note.lines.len() {
                self.push_foot(note);
            } else {
                let rest = note.lines.split_off(fit.min(note.lines.len()));
                let carried = FootNote { number: n, lines: rest, styles: note.styles.clone(), first: note.lines.is_empty() };
                if !note.lines.is_empty() {
                    self.push_foot(note);
                }
                self.carry.push(carried);
            }
        }
    }

    fn push_foot(&mut self, note: FootNote) {
        if self.foot.is_empty() {
            self.foot_h = NOTE_SEP;
        }
        self.foot_h += note.height();
        self.foot.push(note);
    }

    /// Moves notes carried over from the previous page to this page's foot.
    pub(crate) fn start_foot(&mut self) {
        self.foot.clear();
        self.foot_h = 0.0;
        let carried = std::mem::take(&mut self.carry);
        for mut note in carried {
            let sep = if self.foot.is_empty() { NOTE_SEP } else { 0.0 };
            let room = self.raw_bottom() - self.top() - self.foot_h - sep - NOTE_GAP - 2.0 * BODY_LEADING;
            let fit = ((room / NOTE_LEADING) + 1e-3).floor().max(1.0) as usize;
            if fit >= note.lines.len() {
                self.push_foot(note);
            } else {
                let rest = note.lines.split_off(fit);
                self.carry.push(FootNote { number: note.number, lines: rest, styles: note.styles.clone(), first: false });
                self.push_foot(note);
            }
        }
    }

    /// Draws this page's footnotes under a short rule.
    pub(crate) fn draw_foot(&mut self) {
        if self.foot.is_empty() {
            return;
        }
        let left = self.setup.margin_left;
        let mut y = self.raw_bottom() - self.foot_h;
        let rule_y = y + NOTE_SEP * 0.45;
        self.page.items.push(Item::Line {
            x1: left,
            y1: rule_y,
            x2: left + 96.0,
            y2: rule_y,
            stroke: Stroke { width: 0.5, color: RULE },
        });
        y += NOTE_SEP;
        let pending_marker = self.marker.take();
        let foot = std::mem::take(&mut self.foot);
        let page = self.page_index();
        for note in &foot {
            if note.first {
                self.out.anchors.push(Anchor { id: format!("fn-{}", note.number), page, y });
                let label = note.number.to_string();
                let w = shape::width(&shape::shape(self.fonts, crate::fonts::FontId::SERIF, NOTE_SIZE, &label));
                let baseline = y + (NOTE_LEADING + NOTE_SIZE * 0.7) / 2.0;
                let x0 = left + NOTE_INDENT - 4.0 - w;
                let (items, _) =
                    text_items(self.fonts, crate::fonts::FontId::SERIF, NOTE_SIZE, LINK_COLOR, &label, x0, baseline);
                self.page.items.extend(items);
                self.page.items.push(Item::Link {
                    x: x0,
                    y,
                    w,
                    h: NOTE_LEADING,
                    target: LinkTarget::Internal(format!("fnref-{}", note.number)),
                });
            }
            for line in &note.lines {
                self.draw_line(line, &note.styles, left + NOTE_INDENT, y, NOTE_LEADING, NOTE_SIZE);
                y += NOTE_LEADING;
            }
            y += NOTE_GAP;
        }
        self.foot = foot;
        self.marker = pending_marker;
    }
}
