//! The table of contents: section headings with dot leaders and right-aligned page
//! numbers, each entry a link to its heading.
//!
//! Entries are set and placed before the body (their text does not depend on page
//! numbers); leaders and numbers are drawn once the whole document is laid out and every
//! heading's page is known.

use super::flow::Flow;
use super::inline::Style;
use super::linebreak::LineAlign;
use super::page::*;
use super::shape;
use super::theme::*;
use crate::doc::{plain_text, Block, Document};
use crate::fonts::{FontId, Fonts};

/// Room kept at the right for page numbers.
const NUMBER_ROOM: f32 = 36.0;
const ENTRY_SIZE: f32 = 9.5;
const ENTRY_LEADING: f32 = 13.5;

/// A placed entry waiting for its page number.
pub(crate) struct PendingEntry {
    id: String,
    page: usize,
    /// Top of the entry's first line and of its last line.
    top: f32,
    last_top: f32,
    /// Where the last line's text ends.
    text_end: f32,
    left: f32,
    right: f32,
    bold: bool,
}

/// Headings listed in the contents: the top two levels used in the document.
fn entries(doc: &Document) -> Vec<(u8, String, String)> {
    let headings: Vec<(u8, String, String)> = doc
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Heading { level, id, content } => Some((*level, id.clone(), plain_text(content).trim().to_string())),
            _ => None,
        })
        .collect();
    let top = headings.iter().map(|h| h.0).min().unwrap_or(1);
    headings.into_iter().filter(|h| h.0 <= top + 1 && !h.2.is_empty()).collect()
}

/// Whether the document gets a contents list: as the front matter says, else when it has
/// at least four section headings.
pub(crate) fn wanted(doc: &Document) -> bool {
    doc.meta.toc.unwrap_or_else(|| entries(doc).len() >= 4)
}

/// Places the contents list at the cursor; returns the entries to finish later.
pub(crate) fn place(flow: &mut Flow<'_>, doc: &Document) -> Vec<PendingEntry> {
    let list = entries(doc);
    let top_level = list.iter().map(|e| e.0).min().unwrap_or(1);
    let mut pending = Vec::new();
    let label = super::inline::Collected::plain("Contents", sans(11.0, HEADING, true));
    let lines = flow.set_lines(&label, flow.measure(), LineAlign::Left, false);
    flow.ensure(16.0 + 3.0 * ENTRY_LEADING);
    let x = flow.left;
    flow.place_lines(&lines, &label.styles, x, 16.0, 11.0);
    flow.y += 3.0;
    for (level, id, title) in list {
        let bold = level == top_level;
        let indent = if bold { 0.0 } else { 14.0 };
        let style = sans(ENTRY_SIZE, if bold { TEXT } else { SUBTLE }, bold);
        let c = super::inline::Collected::plain(&title, style);
        let measure = flow.measure() - indent - NUMBER_ROOM;
        let lines = flow.set_lines(&c, measure, LineAlign::Left, false);
        let space = if bold { 2.5 } else { 0.0 };
        flow.y += space;
        flow.ensure(lines.len() as f32 * ENTRY_LEADING);
        let top = flow.y;
        let page = flow.page_index();
        let x = flow.left + indent;
        flow.place_lines(&lines, &c.styles, x, ENTRY_LEADING, ENTRY_SIZE);
        // place_lines may have turned the page inside a long entry.
        let (page, top) = if flow.page_index() == page { (page, top) } else { (flow.page_index(), flow.top()) };
        let text_end = x + lines.last().map_or(0.0, |l| l.width);
        pending.push(PendingEntry {
            id,
            page,
            top,
            last_top: flow.y - ENTRY_LEADING,
            text_end,
            left: flow.left,
            right: flow.right,
            bold,
        });
    }
    flow.y += 8.0;
    let y = flow.y;
    let (l, r) = (flow.left, flow.right);
    flow.page.items.push(Item::Line { x1: l, y1: y, x2: r, y2: y, stroke: Stroke { width: 0.6, color: RULE } });
    flow.y += 10.0;
    pending
}

/// Draws leaders, page numbers and links once pages are known.
pub(crate) fn finish(out: &mut LaidOut, fonts: &Fonts, pending: &[PendingEntry]) {
    let dot = shape::shape(fonts, FontId::SANS, ENTRY_SIZE, ".");
    let Some(dot) = dot.first().cloned() else { return };
    const PITCH: f32 = 4.5;
    for e in pending {
        let Some(anchor) = out.anchors.iter().find(|a| a.id == e.id) else { continue };
        let number = (anchor.page + 1).to_string();
        let font = if e.bold { FontId::SANS_BOLD } else { FontId::SANS };
        let w = shape::width(&shape::shape(fonts, font, ENTRY_SIZE, &number));
        let baseline = e.last_top + (ENTRY_LEADING + ENTRY_SIZE * 0.7) / 2.0;
        let Some(page) = out.pages.get_mut(e.page) else { continue };
        let number_x = e.right - w;
        page.items.extend(super::furniture::text_items(fonts, font, ENTRY_SIZE, TEXT, &number, number_x, baseline).0);
        // Leader dots on a fixed grid, so the dots of all entries line up.
        let start = ((e.text_end + 6.0 - e.left) / PITCH).ceil() * PITCH + e.left;
        let mut dots = Vec::new();
        let mut dx = start;
        while dx + dot.advance <= number_x - 6.0 {
            dots.push(PlacedGlyph { id: dot.id, x: dx, advance: dot.advance, text: ".".into() });
            dx += PITCH;
        }
        if !dots.is_empty() {
            page.items.push(Item::Text(TextRun { font: FontId::SANS, size: ENTRY_SIZE, color: RULE, y: baseline, glyphs: dots }));
        }
        page.items.push(Item::Link {
            x: e.left,
            y: e.top,
            w: e.right - e.left,
            h: e.last_top + ENTRY_LEADING - e.top,
            target: LinkTarget::Internal(e.id.clone()),
        });
    }
}

fn sans(size: f32, color: Color, bold: bool) -> Style {
    Style {
        font: if bold { FontId::SANS_BOLD } else { FontId::SANS },
        size,
        color,
        rise: 0.0,
        link: None,
        strike: false,
        note: None,
    }
}
