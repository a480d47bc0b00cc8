//! Tables: automatic column widths, wrapped cells, rows split across pages with the
//! header repeated.
//!
//! Column widths follow the idea of CSS's automatic table layout: each column's
//! *minimum* width is its widest unbreakable word, its *maximum* the width of its longest
//! cell set on one line. If the maximum widths fit the measure the table takes them (it
//! fills the measure only when its content wants it); otherwise each column gets its
//! minimum plus a share of the remaining space proportional to how much more it would like.
//! When even the minimums do not fit, the type gets smaller (down to 7 pt) and, as a last
//! resort, words are split inside cells: no glyph ever crosses a cell border.

use super::flow::Flow;
use super::inline::{Collected, Item as LbItem, ParaSpec, Style};
use super::linebreak::{Line, LineAlign};
use super::page::{Item, Stroke};
use super::theme::*;
use crate::doc::{Align, Cell, Inline, Table};
use crate::fonts::{FontId, Fonts};

/// A laid-out cell: its lines and styles.
struct SetCell {
    lines: Vec<Line>,
    styles: Vec<Style>,
}

/// A laid-out row.
struct SetRow {
    cells: Vec<SetCell>,
}

impl SetRow {
    fn lines(&self) -> usize {
        self.cells.iter().map(|c| c.lines.len()).max().unwrap_or(0).max(1)
    }
}

/// A table set ahead, off the flow (see `preset`): its column measurements, the type size
/// and column widths chosen at `measure`, and every row.
pub(crate) struct TablePreset {
    pub measure: f32,
    base: (Vec<f32>, Vec<f32>),
    size: f32,
    widths: Vec<f32>,
    head: SetRow,
    rows: Vec<SetRow>,
}

/// Tables with more body rows than this are not set ahead: the flow sets body rows one at a
/// time as it places them, so a huge table never holds all its rows.
const PRESET_ROWS: usize = 400;

/// Sets a table ahead at `measure`, when the flow will not need to: `None` for a table
/// whose cells have footnotes (numbered in document order by the flow), that goes on a
/// landscape page, or that is very long.
pub(crate) fn preset_table(table: &Table, fonts: &Fonts, hyphenate: Option<hypher::Lang>, measure: f32) -> Option<TablePreset> {
    let standalone = |row: &Vec<Cell>| row.iter().all(|c| super::preset::standalone(c));
    if table.rows.len() > PRESET_ROWS || !standalone(&table.head) || !table.rows.iter().all(standalone) {
        return None;
    }
    let ncols = columns(table);
    let base = measure_columns(fonts, table, ncols, CELL_SIZE, measure);
    if too_wide(&base.0, measure) {
        return None;
    }
    let (size, widths) = choose_widths(&base, measure);
    let mut collect = |cell: &[Inline], style: Style| Collected::new(cell, style, &mut |_: &[crate::doc::Block]| 0);
    let head = set_row_with(fonts, hyphenate, &mut collect, &table.head, &widths, &table.aligns, size, true);
    let rows = table.rows.iter().map(|r| set_row_with(fonts, hyphenate, &mut collect, r, &widths, &table.aligns, size, false)).collect();
    Some(TablePreset { measure, base, size, widths, head, rows })
}

/// The key of a table in the presets (its address, stable while the document is borrowed).
pub(crate) fn table_key(table: &Table) -> usize {
    table as *const Table as usize
}

fn columns(table: &Table) -> usize {
    table.aligns.len().max(table.head.len()).max(1)
}

/// Whether columns of these minimum content widths (padding added) exceed `measure`.
fn too_wide(mins: &[f32], measure: f32) -> bool {
    let sum_min: f32 = mins.iter().map(|m| m + 2.0 * CELL_PAD).sum();
    sum_min > measure
}

/// The type size and column widths for columns measured at the normal size (`base`: minimum
/// and maximum content widths) in `avail` points: the normal size if the columns fit, else
/// 8 or 7 pt (content widths scale with the size: there is no hinting).
fn choose_widths((base_mins, base_maxs): &(Vec<f32>, Vec<f32>), avail: f32) -> (f32, Vec<f32>) {
    let mut size = CELL_SIZE;
    let mut widths = Vec::new();
    for candidate in [CELL_SIZE, 8.0, 7.0] {
        size = candidate;
        let scale = candidate / CELL_SIZE;
        let mins: Vec<f32> = base_mins.iter().map(|m| m * scale).collect();
        let maxs: Vec<f32> = base_maxs.iter().map(|m| m * scale).collect();
        let pad = 2.0 * CELL_PAD;
        let sum_min: f32 = mins.iter().map(|m| m + pad).sum();
        let sum_max: f32 = maxs.iter().map(|m| m + pad).sum();
        if sum_max <= avail {
            widths = maxs.iter().map(|m| m + pad).collect();
            break;
        }
        if sum_min <= avail {
            let extra = (avail - sum_min) / (sum_max - sum_min).max(0.001);
            widths = mins.iter().zip(&maxs).map(|(lo, hi)| lo + pad + (hi - lo) * extra).collect();
            break;
        }
        if candidate <= 7.0 {
            widths = mins.iter().map(|m| (m + pad) * avail / sum_min).collect();
        }
    }
    (size, widths)
}

fn cell_style(size: f32, header: bool) -> Style {
    Style {
        font: if header { FontId::SANS_BOLD } else { FontId::SANS },
        size,
        color: TEXT,
        rise: 0.0,
        link: None,
        strike: false,
        note: None,
    }
}

/// Minimum (widest word) and maximum (one-line) content width of each column, in a text
/// block of `measure`.
fn measure_columns(fonts: &Fonts, table: &Table, ncols: usize, size: f32, measure: f32) -> (Vec<f32>, Vec<f32>) {
    let cap = (measure / 4.0).max(60.0);
    let mut mins = vec![0.0f32; ncols];
    let mut maxs = vec![0.0f32; ncols];
    let rows = std::iter::once((&table.head, true)).chain(table.rows.iter().map(|r| (r, false)));
    for (row, header) in rows {
        for (i, cell) in row.iter().enumerate().take(ncols) {
            let mut ignore = |_: &[crate::doc::Block]| 0usize;
            let c = Collected::new(cell, cell_style(size, header), &mut ignore);
            // A token longer than a quarter of the measure (a URL, a long compound) does
            // not set the column's minimum: it will be split at / . - _ ? instead.
            let spec = ParaSpec { fonts, hyphenate: None, measure: cap, justify: false };
            let items = super::inline::itemize(&c, &spec);
            let (mut line, mut widest_line, mut widest_box) = (0.0f32, 0.0f32, 0.0f32);
            for it in &items {
                match it {
                    LbItem::Box { width, .. } => {
                        line += width;
                        widest_box = widest_box.max(*width);
                    }
                    LbItem::Glue { width, stretch, .. } if *stretch < 1e5 => line += width,
                    LbItem::Penalty { cost, .. } if *cost <= -super::inline::INFINITY => {
                        widest_line = widest_line.max(line);
                        line = 0.0;
                    }
                    _ => {}
                }
            }
            widest_line = widest_line.max(line);
            mins[i] = mins[i].max(widest_box);
            maxs[i] = maxs[i].max(widest_line.max(widest_box));
        }
    }
    (mins, maxs)
}

/// Sets a row's cells at the column widths; `collect` gathers a cell's inline content (the
/// flow's numbers footnotes).
#[allow(clippy::too_many_arguments)]
fn set_row_with(
    fonts: &Fonts,
    hyphenate: Option<hypher::Lang>,
    collect: &mut dyn FnMut(&[Inline], Style) -> Collected,
    cells: &[Cell],
    widths: &[f32],
    aligns: &[Align],
    size: f32,
    header: bool,
) -> SetRow {
    let mut out = Vec::with_capacity(widths.len());
    for (i, w) in widths.iter().enumerate() {
        let empty = Vec::new();
        let cell = cells.get(i).unwrap_or(&empty);
        let c = collect(cell, cell_style(size, header));
        let align = match aligns.get(i).copied().unwrap_or_default() {
            Align::Right => LineAlign::Right,
            Align::Center => LineAlign::Center,
            _ => LineAlign::Left,
        };
        let lines = if c.is_empty() {
            Vec::new()
        } else {
            super::preset::set_lines(fonts, hyphenate, &c, (w - 2.0 * CELL_PAD).max(1.0), align, !header)
        };
        out.push(SetCell { lines, styles: c.styles });
    }
    SetRow { cells: out }
}

/// Footnote numbers referenced by lines `from..to` of a row's cells.
fn row_notes(row: &SetRow, from: usize, to: usize) -> Vec<usize> {
    let mut out = Vec::new();
    for cell in &row.cells {
        for line in cell.lines.iter().take(to).skip(from) {
            for n in super::notes::line_notes(line, &cell.styles) {
                if !out.contains(&n) {
                    out.push(n);
                }
            }
        }
    }
    out
}

impl Flow<'_> {
    /// Lays out a table.
    pub(crate) fn table(&mut self, table: &Table) {
        let ncols = columns(table);
        self.tables += 1;
        let number = self.tables;
        self.space(PARA_SPACE * 1.5);
        // Set ahead at this measure, in portrait, unless a heading turned the page for it.
        let measure = self.measure();
        let mut preset = self
            .ahead
            .and_then(|a| a.table(table))
            .filter(|p| p.measure == measure && !self.turned_for_table && !self.is_landscape());

        // A table whose narrowest setting at the normal size does not fit the measure goes
        // on a landscape page of its own rather than into small type.
        // (A heading right before such a table has turned the page already.)
        // Content widths scale with the type size (no hinting), so the columns are measured
        // once, at the normal size, and scaled for the smaller candidates.
        let base = match &preset {
            Some(p) => p.base.clone(),
            None => self.measure_columns(table, ncols, CELL_SIZE),
        };
        let mut turned = std::mem::take(&mut self.turned_for_table);
        let saved = if turned { self.portrait_edges } else { (self.left, self.right) };
        if !self.is_landscape() && too_wide(&base.0, self.measure()) {
            self.turn(true);
            turned = true;
        }

        // Try the candidate sizes; cells (and their footnotes) are then set once, at the
        // chosen size.
        let (size, widths) = match &preset {
            Some(p) => (p.size, p.widths.clone()),
            None => choose_widths(&base, self.measure()),
        };
        let leading = leading_for(size).max(size * 1.37);
        let table_w: f32 = widths.iter().sum();

        let (head, mut preset_rows) = match preset.take() {
            Some(p) => (p.head, p.rows.into_iter()),
            None => (self.set_row(&table.head, &widths, &table.aligns, size, true), Vec::new().into_iter()),
        };
        // Body rows are set one at a time as they are placed (a 100,000-row table never
        // holds more than one set row); the first is set ahead to keep it with the header.
        let mut first_row = preset_rows.next().or_else(|| table.rows.first().map(|r| self.set_row(r, &widths, &table.aligns, size, false)));
        let row_h = |r: &SetRow| r.lines() as f32 * leading + 2.0 * CELL_PAD;

        let caption = table.caption.as_ref().map(|c| {
            let mut inlines = vec![Inline::Strong { content: vec![Inline::text(format!("Table {number}."))] }, Inline::text(" ")];
            inlines.extend(c.iter().cloned());
            inlines
        });
        let caption_style = Style { font: FontId::SANS, size: CAPTION_SIZE + 0.5, color: CAPTION, rise: 0.0, link: None, strike: false, note: None };
        let caption_set = caption.map(|inl| {
            let c = self.collect(&inl, caption_style.clone());
            let lines = self.set_lines(&c, self.measure(), LineAlign::Left, false);
            (c, lines)
        });
        let caption_h = caption_set.as_ref().map_or(0.0, |(_, l)| l.len() as f32 * CAPTION_LEADING + 3.0);

        // Never a header alone at the foot of a page: keep the caption, the header and the
        // first body row together.
        let first = first_row.as_ref().map_or(0.0, row_h);
        self.ensure(caption_h + row_h(&head) + first.min(self.bottom() - self.top() - row_h(&head) - caption_h));
        if let Some((c, lines)) = &caption_set {
            let x = self.left;
            self.place_lines(lines, &c.styles, x, CAPTION_LEADING, CAPTION_SIZE);
            self.y += 3.0;
        }
        let x0 = self.left;
        self.draw_rule(x0, table_w, 0.9);
        self.draw_row(&head, &widths, leading, size, true, false, 0, usize::MAX);
        self.draw_rule(x0, table_w, 0.6);

        // Pages that open inside the table open at a body row (after the repeated header).
        self.here.push(0);
        for (k, cells) in table.rows.iter().enumerate() {
            self.set_step(k);
            let row = match first_row.take().or_else(|| preset_rows.next()) {
                Some(r) => r,
                None => self.set_row(cells, &widths, &table.aligns, size, false),
            };
            let row = &row;
            let zebra = k % 2 == 1;
            let mut from = 0;
            let total = row.lines();
            while from < total {
                let notes = row_notes(row, from, total);
                let foot = self.foot_h;
                let extra = self.notes_height(&notes, foot);
                let room = ((self.bottom() - self.y - 2.0 * CELL_PAD - extra) / leading + 1e-3).floor().max(0.0) as usize;
                let rest = total - from;
                let full_page = ((self.bottom() - self.top() - caption_h - row_h(&head) - 2.0 * CELL_PAD) / leading)
                    .floor()
                    .max(1.0) as usize;
                let take = if room >= rest {
                    rest
                } else if rest <= full_page || room == 0 {
                    0 // the row fits on a fresh page: move it there whole
                } else {
                    room // taller than a page: split inside the row
                };
                if take > 0 {
                    self.draw_row(row, &widths, leading, size, false, zebra, from, from + take);
                    let notes = row_notes(row, from, from + take);
                    self.register_notes(&notes);
                    from += take;
                    if from < total {
                        self.continue_table(x0, table_w, &head, &widths, leading, size, number, caption_set.is_some());
                    }
                } else {
                    self.continue_table(x0, table_w, &head, &widths, leading, size, number, caption_set.is_some());
                }
            }
            if k + 1 < table.rows.len() {
                self.draw_hairline(x0, table_w);
            }
        }
        self.here.pop();
        self.draw_rule(x0, table_w, 0.9);
        self.space(PARA_SPACE);
        if turned {
            // The portrait page after a landscape table opens with what follows the table.
            let at = self.here.last().copied().unwrap_or(0);
            self.set_step(at + 1);
            self.turn(false);
            self.set_step(at);
            (self.left, self.right) = saved;
        }
    }

    /// Ends the page inside a table and repeats its caption ("continued") and header.
    #[allow(clippy::too_many_arguments)]
    fn continue_table(&mut self, x0: f32, table_w: f32, head: &SetRow, widths: &[f32], leading: f32, size: f32, number: usize, captioned: bool) {
        self.draw_rule(x0, table_w, 0.9);
        self.new_page();
        if captioned {
            let style = Style { font: FontId::SANS, size: CAPTION_SIZE + 0.5, color: CAPTION, rise: 0.0, link: None, strike: false, note: None };
            let c = Collected::plain(&format!("Table {number} (continued)"), style);
            let lines = self.set_lines(&c, self.measure(), LineAlign::Left, false);
            let x = self.left;
            self.place_lines(&lines, &c.styles, x, CAPTION_LEADING, CAPTION_SIZE);
            self.y += 3.0;
        }
        self.draw_rule(x0, table_w, 0.9);
        self.draw_row(head, widths, leading, size, true, false, 0, usize::MAX);
        self.draw_rule(x0, table_w, 0.6);
    }

    /// Whether a table's narrowest setting at the normal cell size is wider than the
    /// portrait measure.
    pub(crate) fn needs_landscape(&self, table: &Table) -> bool {
        let ncols = table.aligns.len().max(table.head.len()).max(1);
        let (mins, _) = self.measure_columns(table, ncols, CELL_SIZE);
        too_wide(&mins, self.measure())
    }

    /// Minimum (widest word) and maximum (one-line) content width of each column.
    fn measure_columns(&self, table: &Table, ncols: usize, size: f32) -> (Vec<f32>, Vec<f32>) {
        measure_columns(self.fonts, table, ncols, size, self.measure())
    }

    fn set_row(&mut self, cells: &[Cell], widths: &[f32], aligns: &[Align], size: f32, header: bool) -> SetRow {
        let (fonts, hyphenate) = (self.fonts, self.hyphenate);
        let mut collect = |cell: &[Inline], style: Style| self.collect(cell, style);
        set_row_with(fonts, hyphenate, &mut collect, cells, widths, aligns, size, header)
    }

    /// Draws lines `from..to` of a row at the cursor and advances it.
    #[allow(clippy::too_many_arguments)]
    fn draw_row(&mut self, row: &SetRow, widths: &[f32], leading: f32, size: f32, header: bool, zebra: bool, from: usize, to: usize) {
        let to = to.min(row.lines());
        let h = (to - from) as f32 * leading + 2.0 * CELL_PAD;
        let table_w: f32 = widths.iter().sum();
        let fill = if header { Some(TABLE_HEAD_BG) } else if zebra { Some(TABLE_ZEBRA) } else { None };
        if let Some(fill) = fill {
            self.page.items.push(Item::Rect { x: self.left, y: self.y, w: table_w, h, fill: Some(fill), stroke: None });
        }
        let mut x = self.left;
        for (cell, w) in row.cells.iter().zip(widths) {
            for (k, line) in cell.lines.iter().enumerate().take(to).skip(from) {
                let top = self.y + CELL_PAD + (k - from) as f32 * leading;
                self.draw_line(line, &cell.styles, x + CELL_PAD, top, leading, size);
            }
            x += w;
        }
        self.y += h;
    }

    fn draw_rule(&mut self, x: f32, w: f32, width: f32) {
        let y = self.y;
        self.page.items.push(Item::Line { x1: x, y1: y, x2: x + w, y2: y, stroke: Stroke { width, color: TABLE_RULE } });
    }

    fn draw_hairline(&mut self, x: f32, w: f32) {
        let y = self.y;
        self.page.items.push(Item::Line { x1: x, y1: y, x2: x + w, y2: y, stroke: Stroke { width: 0.25, color: TABLE_RULE } });
    }
}
