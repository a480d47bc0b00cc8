//! Block flow and pagination: blocks → lines and boxes → pages.
//!
//! A [`Flow`] holds the page being filled and a cursor `y`. Each block is set into lines
//! (inline.rs + linebreak.rs) and the lines are placed one by one, breaking the page where
//! needed under the usual rules of good book-making: a heading keeps at least two lines of
//! what follows with it; no paragraph leaves a single line at the foot (orphan) or the head
//! (widow) of a page; figures stay whole. Decorations that frame a run of content (the rule
//! of a block quote, the tint of a code block) are "open" while their content flows and are
//! drawn on every page they touch.

use super::inline::{self, Collected, Style};
use super::furniture::text_items;
use super::notes::{line_notes, FootNote};
use super::linebreak::{Line, LineAlign};
use super::page::*;
use super::shape;
use super::theme::*;
use super::PageSetup;
use crate::doc::{plain_text, Block, Image, Inline, List};
use crate::fonts::{FontId, Fonts};
use crate::resources::Resources;

/// Lists and quotes indent no further than this many levels, so deep nesting keeps a
/// usable measure.
pub(crate) const MAX_INDENT_DEPTH: usize = 8;

/// A frame drawn around content that may cross pages.
#[derive(Debug, Clone)]
enum DecoKind {
    /// Vertical rule at `x` (block quotes).
    Rule { x: f32 },
    /// Tinted background from `x`, `w` wide (code blocks).
    Tint { x: f32, w: f32 },
}

#[derive(Debug, Clone)]
struct Deco {
    kind: DecoKind,
    /// Where the frame starts on the current page, and the index of the first item drawn
    /// inside it (the background is inserted there, under the content).
    start_y: f32,
    item_index: usize,
}

/// A list marker waiting for the first line of its item.
#[derive(Debug, Clone)]
pub(crate) enum Marker {
    Text { text: String, right: f32 },
    Task { checked: bool, x: f32 },
}

/// The page-filling state of one document.
pub(crate) struct Flow<'a> {
    pub fonts: &'a Fonts,
    pub res: &'a Resources,
    pub setup: &'a PageSetup,
    pub hyphenate: Option<hypher::Lang>,
    pub out: LaidOut,
    pub page: Page,
    pub y: f32,
    pub left: f32,
    pub right: f32,
    /// Footnotes met so far, numbered from 1; set as endnotes.
    pub notes: Vec<Vec<Block>>,
    pub tables: usize,
    decos: Vec<Deco>,
    pub(crate) marker: Option<Marker>,
    depth: usize,
    /// Set when a heading turned the page to landscape for the table that follows it; the
    /// table turns it back. `portrait_edges` keeps the text edges to restore then.
    pub turned_for_table: bool,
    pub portrait_edges: (f32, f32),
    /// Footnotes at the foot of the current page, their height, notes continuing on the
    /// next page, the numbers already placed, and set notes by number (notes.rs).
    pub(crate) foot: Vec<FootNote>,
    pub(crate) foot_h: f32,
    pub(crate) carry: Vec<FootNote>,
    pub(crate) placed: std::collections::BTreeSet<usize>,
    pub(crate) note_cache: std::collections::HashMap<usize, FootNote>,
    /// Paragraphs and tables set ahead, beside the flow (preset.rs); taken as they are
    /// placed.
    pub(crate) ahead: Option<&'a super::preset::Ahead<'a>>,
    /// Where the flow is in the document tree (see [`TreePos`]): the block path and, while
    /// a paragraph is split across pages, the offset of the next line. `front` is set
    /// while the title block or the contents are placed.
    pub(crate) here: Vec<usize>,
    here_offset: usize,
    pub(crate) front: Option<PageStart>,
}

impl<'a> Flow<'a> {
    pub fn new(fonts: &'a Fonts, res: &'a Resources, setup: &'a PageSetup, hyphenate: Option<hypher::Lang>) -> Self {
        Flow {
            fonts,
            res,
            setup,
            hyphenate,
            out: LaidOut::default(),
            page: Page { width: setup.width, height: setup.height, items: Vec::new() },
            y: setup.margin_top,
            left: setup.margin_left,
            right: setup.width - setup.margin_right,
            notes: Vec::new(),
            tables: 0,
            decos: Vec::new(),
            marker: None,
            depth: 0,
            turned_for_table: false,
            portrait_edges: (setup.margin_left, setup.width - setup.margin_right),
            foot: Vec::new(),
            foot_h: 0.0,
            carry: Vec::new(),
            placed: Default::default(),
            note_cache: Default::default(),
            ahead: None,
            here: Vec::new(),
            here_offset: 0,
            front: None,
        }
    }

    /// What the next thing placed is: recorded as the start of each new page.
    fn page_start(&self) -> PageStart {
        match &self.front {
            Some(front) => front.clone(),
            None if self.here.is_empty() => PageStart::Continued,
            None => PageStart::Body(TreePos { path: self.here.clone(), offset: self.here_offset }),
        }
    }

    /// Sets the innermost step of the tree position (a table row, a code line).
    pub(crate) fn set_step(&mut self, step: usize) {
        if let Some(last) = self.here.last_mut() {
            *last = step;
        }
    }

    pub fn top(&self) -> f32 {
        self.setup.margin_top
    }

    /// The bottom of the text area: above this page's footnotes.
    pub fn bottom(&self) -> f32 {
        self.page.height - self.setup.margin_bottom - self.foot_h
    }

    /// Whether the current page is turned to landscape (for a wide table).
    pub fn is_landscape(&self) -> bool {
        self.page.width > self.page.height
    }

    /// Continues on a page of the other orientation (a new page unless the current one is
    /// still empty); the text block spans the new page's full measure.
    pub fn turn(&mut self, landscape: bool) {
        if landscape == self.is_landscape() {
            return;
        }
        if !self.at_top() || !self.page.items.is_empty() {
            self.new_page();
        }
        let (w, h) = if landscape {
            (self.setup.height, self.setup.width)
        } else {
            (self.setup.width, self.setup.height)
        };
        self.page.width = w;
        self.page.height = h;
        self.left = self.setup.margin_left;
        self.right = w - self.setup.margin_right;
    }

    pub fn measure(&self) -> f32 {
        (self.right - self.left).max(40.0)
    }

    pub fn at_top(&self) -> bool {
        self.y <= self.top() + 0.01
    }

    /// Index the current page will have.
    pub fn page_index(&self) -> usize {
        self.out.pages.len()
    }

    /// Adds vertical space, unless at the top of a page.
    pub fn space(&mut self, h: f32) {
        if !self.at_top() {
            self.y = (self.y + h).min(self.bottom());
        }
    }

    /// Starts a new page if less than `h` is left (and the page is not empty).
    pub fn ensure(&mut self, h: f32) {
        if self.y + h > self.bottom() + 0.01 && !self.at_top() {
            self.new_page();
        }
    }

    /// Ends the current page and starts the next one.
    pub fn new_page(&mut self) {
        let bottom = self.y;
        let decos = std::mem::take(&mut self.decos);
        for d in &decos {
            self.draw_deco(d, bottom);
        }
        self.draw_foot();
        let next = Page { width: self.page.width, height: self.page.height, items: Vec::new() };
        let done = std::mem::replace(&mut self.page, next);
        self.out.pages.push(done);
        let start = self.page_start();
        self.out.page_starts.push(start);
        self.y = self.top();
        self.start_foot();
        self.decos = decos
            .into_iter()
            .map(|d| Deco { start_y: self.y, item_index: 0, ..d })
            .collect();
    }

    /// Finishes layout: closes the last page.
    pub fn finish(mut self) -> LaidOut {
        let bottom = self.y;
        for d in std::mem::take(&mut self.decos) {
            self.draw_deco(&d, bottom);
        }
        // Notes still to continue get pages of their own.
        while !self.carry.is_empty() {
            self.new_page();
        }
        self.draw_foot();
        let last = std::mem::take(&mut self.page);
        self.out.pages.push(last);
        self.out
    }

    fn open_deco(&mut self, kind: DecoKind) {
        self.decos.push(Deco { kind, start_y: self.y, item_index: self.page.items.len() });
    }

    fn close_deco(&mut self) {
        if let Some(d) = self.decos.pop() {
            let y = self.y;
            self.draw_deco(&d, y);
        }
    }

    fn draw_deco(&mut self, d: &Deco, end_y: f32) {
        if end_y <= d.start_y + 0.5 {
            return;
        }
        let index = d.item_index.min(self.page.items.len());
        match d.kind {
            DecoKind::Rule { x } => self.page.items.push(Item::Line {
                x1: x,
                y1: d.start_y,
                x2: x,
                y2: end_y,
                stroke: Stroke { width: 2.0, color: QUOTE_RULE },
            }),
            DecoKind::Tint { x, w } => self.page.items.insert(
                index,
                Item::Rect { x, y: d.start_y, w, h: end_y - d.start_y, fill: Some(CODE_BG), stroke: None },
            ),
        }
    }

    // ----- paragraphs and lines -------------------------------------------------------

    /// Collects inline content in a style (footnotes are numbered into `self.notes`).
    pub fn collect(&mut self, inlines: &[Inline], base: Style) -> Collected {
        let notes = &mut self.notes;
        let mut sink = |blocks: &[Block]| {
            notes.push(blocks.to_vec());
            notes.len()
        };
        Collected::new(inlines, base, &mut sink)
    }

    /// Breaks collected content into lines of `measure`.
    pub fn set_lines(&self, c: &Collected, measure: f32, align: LineAlign, hyphenate: bool) -> Vec<Line> {
        super::preset::set_lines(self.fonts, self.hyphenate, c, measure, align, hyphenate)
    }

    /// Places lines at `x`, splitting across pages without widows or orphans.
    pub fn place_lines(&mut self, lines: &[Line], styles: &[Style], x: f32, leading: f32, size: f32) {
        // Arabic glyphs stand much taller and deeper than Latin ones (Noto Sans Arabic's
        // ascent + descent is 2.1 em): give such paragraphs more room between lines.
        let arabic = lines.iter().flat_map(|l| &l.runs).flat_map(|r| &r.glyphs).any(|g| g.glyph.font == FontId::ARABIC);
        let leading = if arabic { leading.max(size * 1.7) } else { leading };
        let n = lines.len();
        let mut i = 0;
        // Letters and digits of the lines before `i` (page-start offsets), kept as a running
        // count: recounting from the first line at every page made a paragraph of thousands
        // of pages quadratic.
        let mut before = 0;
        while i < n {
            let room = self.lines_that_fit(&lines[i..], styles, leading);
            let rest = n - i;
            let take = if room >= rest {
                rest
            } else {
                let mut take = room;
                if rest - take < 2 {
                    take = rest.saturating_sub(2);
                }
                if take < 2 && rest >= 2 {
                    take = 0;
                }
                if take == 0 && self.at_top() {
                    room.clamp(1, rest)
                } else {
                    take
                }
            };
            for line in &lines[i..i + take] {
                self.draw_line(line, styles, x, self.y, leading, size);
                self.y += leading;
                let notes = line_notes(line, styles);
                if !notes.is_empty() {
                    self.register_notes(&notes);
                }
            }
            before += alnum_before(&lines[i..i + take], styles);
            i += take;
            if i < n {
                // The next page opens inside this paragraph: count what came before.
                self.here_offset = before;
                self.new_page();
            }
        }
        self.here_offset = 0;
    }

    /// Draws one line whose box starts at `top`.
    pub fn draw_line(&mut self, line: &Line, styles: &[Style], x: f32, top: f32, leading: f32, size: f32) {
        let baseline = top + (leading + size * 0.7) / 2.0;
        if let Some(marker) = self.marker.take() {
            self.draw_marker(marker, baseline, size);
        }
        for run in &line.runs {
            let Some(style) = styles.get(run.style) else { continue };
            let y = baseline - style.rise;
            let mut glyphs: Vec<PlacedGlyph> = Vec::with_capacity(run.glyphs.len());
            let mut font = None;
            for g in &run.glyphs {
                if font.is_some_and(|f| f != g.glyph.font) {
                    self.push_text(font, style, y, std::mem::take(&mut glyphs));
                }
                font = Some(g.glyph.font);
                glyphs.push(PlacedGlyph { id: g.glyph.id, x: x + g.x, advance: g.glyph.advance, text: g.glyph.text.clone() });
            }
            self.push_text(font, style, y, glyphs);
            if style.strike {
                let sy = y - style.size * 0.28;
                self.page.items.push(Item::Line {
                    x1: x + run.x,
                    y1: sy,
                    x2: x + run.x + run.width,
                    y2: sy,
                    stroke: Stroke { width: style.size * 0.06, color: style.color },
                });
            }
            if let Some(n) = style.note {
                let page = self.page_index();
                self.out.anchors.push(Anchor { id: format!("fnref-{n}"), page, y: top });
            }
            if let Some(target) = &style.link {
                self.page.items.push(Item::Link { x: x + run.x, y: top, w: run.width, h: leading, target: target.clone() });
            }
        }
    }

    fn push_text(&mut self, font: Option<FontId>, style: &Style, y: f32, glyphs: Vec<PlacedGlyph>) {
        if let (Some(font), false) = (font, glyphs.is_empty()) {
            self.page.items.push(Item::Text(TextRun { font, size: style.size, color: style.color, y, glyphs }));
        }
    }

    fn draw_marker(&mut self, marker: Marker, baseline: f32, size: f32) {
        match marker {
            Marker::Text { text, right } => {
                let w = shape::width(&shape::shape(self.fonts, FontId::SERIF, size, &text));
                let (items, _) = text_items(self.fonts, FontId::SERIF, size, MARKER, &text, right - w, baseline);
                self.page.items.extend(items);
            }
            Marker::Task { checked, x } => {
                let s = size * 0.72;
                let top = baseline - s;
                self.page.items.push(Item::Rect {
                    x,
                    y: top,
                    w: s,
                    h: s,
                    fill: None,
                    stroke: Some(Stroke { width: 0.7, color: MARKER }),
                });
                if checked {
                    let stroke = Stroke { width: 1.1, color: MARKER };
                    self.page.items.push(Item::Line { x1: x + s * 0.2, y1: top + s * 0.55, x2: x + s * 0.42, y2: top + s * 0.8, stroke });
                    self.page.items.push(Item::Line { x1: x + s * 0.42, y1: top + s * 0.8, x2: x + s * 0.85, y2: top + s * 0.2, stroke });
                }
            }
        }
    }

    /// Draws a pending list marker for a block that does not start with a text line.
    fn flush_marker(&mut self) {
        if let Some(m) = self.marker.take() {
            let baseline = self.y + (BODY_LEADING + BODY_SIZE * 0.7) / 2.0;
            self.draw_marker(m, baseline, BODY_SIZE);
        }
    }

    // ----- blocks ----------------------------------------------------------------------

    /// Lays out a sequence of blocks.
    pub fn blocks(&mut self, blocks: &[Block]) {
        self.here.push(0);
        for (i, block) in blocks.iter().enumerate() {
            self.set_step(i);
            self.block(block, &blocks[i + 1..]);
        }
        self.here.pop();
    }

    /// Lays out one block; `rest` are the blocks that follow it (headings keep with them).
    fn block(&mut self, block: &Block, rest: &[Block]) {
        match block {
            Block::Heading { level, id, content } => self.heading(*level, id, content, rest),
            Block::Paragraph { content } => self.paragraph(content),
            Block::Figure { image } => self.figure(image),
            Block::BlockQuote { blocks } => self.quote(blocks),
            Block::List(list) => self.list(list),
            Block::CodeBlock { text, .. } => self.code(text),
            Block::ThematicBreak => self.thematic_break(),
            Block::Table(table) => self.table(table),
            Block::Html { .. } => {}
        }
    }

    /// A body paragraph: justified serif with hyphenation.
    pub fn paragraph(&mut self, content: &[Inline]) {
        let (c, lines) = self.body_lines(content);
        if c.is_empty() {
            return;
        }
        self.space(PARA_SPACE);
        let x = self.left;
        self.place_lines(&lines, &c.styles, x, BODY_LEADING, BODY_SIZE);
    }

    /// The lines of a body paragraph at the current measure: set ahead (see `preset`) when
    /// it was set at this measure, else now.
    fn body_lines(&mut self, content: &[Inline]) -> (Collected, Vec<Line>) {
        let measure = self.measure();
        match self.ahead.and_then(|a| a.paragraph(content)) {
            Some(p) if p.measure == measure => (p.collected, p.lines),
            _ => {
                let c = self.collect(content, body_style(BODY_SIZE));
                let lines = self.set_lines(&c, measure, LineAlign::Justify, true);
                (c, lines)
            }
        }
    }

    /// A display size that keeps the longest word of `text` to at most three lines (two
    /// forced hyphens in a row at most), never below `floor`.
    pub fn fit_word_size(&self, text: &str, font: FontId, size: f32, floor: f32) -> f32 {
        let widest = text
            .split_whitespace()
            .map(|w| shape::width(&shape::shape(self.fonts, font, size, w)))
            .fold(0.0f32, f32::max);
        let room = 2.9 * self.measure();
        if widest > room { (size * room / widest).max(floor) } else { size }
    }

    fn heading(&mut self, level: u8, id: &str, content: &[Inline], rest: &[Block]) {
        let (size, before, after) = heading_metrics(level);
        let size = self.fit_word_size(&plain_text(content), FontId::SANS_BOLD, size, BODY_SIZE);
        let style = Style { font: FontId::SANS_BOLD, size, color: HEADING, rise: 0.0, link: None, strike: false, note: None };
        let c = self.collect(content, style);
        let lines = self.set_lines(&c, self.measure(), LineAlign::Left, false);
        let leading = size * 1.3;
        // A heading goes with its table onto the table's landscape page.
        let next_table = rest.iter().find(|b| !matches!(b, Block::Heading { .. }));
        if let Some(Block::Table(t)) = next_table {
            if !self.is_landscape() && !self.turned_for_table && self.needs_landscape(t) {
                self.portrait_edges = (self.left, self.right);
                self.turn(true);
                self.turned_for_table = true;
            }
        }
        self.space(before);
        let need = lines.len() as f32 * leading + after + self.keep_height(rest);
        self.ensure(need);
        let page = self.page_index();
        let y = self.y;
        self.out.anchors.push(Anchor { id: id.to_string(), page, y });
        let title = plain_text(content);
        self.out.outline.push(OutlineEntry { level, title: title.trim().to_string(), page, y });
        let x = self.left;
        self.place_lines(&lines, &c.styles, x, leading, size);
        self.y += after - PARA_SPACE;
    }

    /// Height that must follow a heading on its page: any headings right after it, and the
    /// start of the first block that is not a heading.
    fn keep_height(&self, rest: &[Block]) -> f32 {
        let mut h = 0.0;
        for b in rest {
            match b {
                Block::Heading { level, .. } => {
                    let (size, before, after) = heading_metrics(*level);
                    h += before + size * 1.3 + after;
                }
                other => return h + self.min_height(other),
            }
        }
        h
    }

    /// Height a block needs at least on the page where a heading before it stands.
    fn min_height(&self, block: &Block) -> f32 {
        match block {
            Block::Paragraph { .. } | Block::List(_) | Block::BlockQuote { .. } => 2.0 * BODY_LEADING + PARA_SPACE,
            Block::CodeBlock { .. } => 3.0 * CODE_LEADING + 2.0 * CODE_PAD,
            Block::Table(_) => 4.0 * leading_for(CELL_SIZE) + 4.0 * CELL_PAD,
            Block::Figure { image } => self.figure_height(image).min(self.bottom() - self.top()),
            _ => BODY_LEADING,
        }
    }

    fn quote(&mut self, blocks: &[Block]) {
        self.space(PARA_SPACE);
        self.flush_marker();
        let indent = if self.depth < MAX_INDENT_DEPTH { QUOTE_INDENT } else { 0.0 };
        let saved = (self.left, self.right);
        let rule_x = self.left + 3.0;
        self.left += indent;
        if indent > 0.0 {
            self.right -= indent / 2.0;
        }
        self.depth += 1;
        self.open_deco(DecoKind::Rule { x: rule_x });
        self.blocks(blocks);
        self.close_deco();
        self.depth -= 1;
        (self.left, self.right) = saved;
        self.space(PARA_SPACE * 0.5);
    }

    fn list(&mut self, list: &List) {
        let level = self.depth;
        let indent = if self.depth < MAX_INDENT_DEPTH { LIST_INDENT } else { 0.0 };
        let saved = self.left;
        self.flush_marker();
        let list_depth = self.list_level();
        for (k, item) in list.items.iter().enumerate() {
            let right_of_marker = saved + indent - 5.0;
            // Past the indentation cap, items continue without markers of their own.
            self.marker = (indent > 0.0).then(|| match item.task {
                Some(checked) => Marker::Task { checked, x: (saved + indent - 14.0).max(saved) },
                None => Marker::Text {
                    text: match list.start {
                        None => ["•", "–", "‣"][list_depth % 3].to_string(),
                        Some(start) => ordinal(start.saturating_add(k as u64), list_depth),
                    },
                    right: right_of_marker.max(saved + 6.0),
                },
            });
            self.left = saved + indent;
            self.depth = level + 1;
            self.here.push(k);
            if !list.tight && k > 0 {
                self.space(PARA_SPACE);
            }
            // Tight items sit closer than paragraphs.
            let y_before = self.y;
            self.item_blocks(&item.blocks, list.tight);
            self.here.pop();
            if self.y == y_before {
                self.flush_marker();
            }
        }
        self.marker = None;
        self.depth = level;
        self.left = saved;
    }

    fn item_blocks(&mut self, blocks: &[Block], tight: bool) {
        self.here.push(0);
        for (i, b) in blocks.iter().enumerate() {
            self.set_step(i);
            if i == 0 && tight {
                if let Block::Paragraph { content } = b {
                    self.space(2.0);
                    let (c, lines) = self.body_lines(content);
                    let x = self.left;
                    self.place_lines(&lines, &c.styles, x, BODY_LEADING, BODY_SIZE);
                    continue;
                }
            }
            self.block(b, &blocks[i + 1..]);
        }
        self.here.pop();
    }

    fn list_level(&self) -> usize {
        self.depth
    }

    fn code(&mut self, text: &str) {
        self.space(PARA_SPACE);
        self.flush_marker();
        let style = Style { font: FontId::MONO, size: CODE_SIZE, color: CODE_FG, rise: 0.0, link: None, strike: false, note: None };
        let measure = self.measure() - 2.0 * CODE_PAD;
        let (lines, sources) = self.code_lines(text, &style, measure);
        self.ensure(CODE_PAD * 2.0 + CODE_LEADING * (lines.len().min(3) as f32));
        let (x, w) = (self.left, self.measure());
        self.open_deco(DecoKind::Tint { x, w });
        self.y += CODE_PAD;
        self.here.push(0);
        for (line, &source) in lines.iter().zip(&sources) {
            if self.y + CODE_LEADING > self.bottom() {
                self.set_step(source);
                self.new_page();
                self.y += CODE_PAD;
            }
            let top = self.y;
            self.draw_line(line, std::slice::from_ref(&style), x + CODE_PAD, top, CODE_LEADING, CODE_SIZE);
            self.y += CODE_LEADING;
        }
        self.here.pop();
        self.y += CODE_PAD;
        self.close_deco();
    }

    /// Code lines: source lines, wrapped at the measure with a continuation arrow. A line
    /// breaks after the last space or punctuation that fits (so words stay whole), else
    /// right at the measure.
    /// Also returns, for each line, the index of the source line it comes from.
    fn code_lines(&self, text: &str, style: &Style, measure: f32) -> (Vec<Line>, Vec<usize>) {
        use super::linebreak::{LineGlyph, LineRun};
        let mut out = Vec::new();
        let text = text.strip_suffix('\n').unwrap_or(text);
        let arrow = shape::shape(self.fonts, style.font, style.size, "→ ");
        let finish = |glyphs: Vec<shape::Glyph>, out: &mut Vec<Line>| {
            let mut x = 0.0;
            let placed: Vec<LineGlyph> = glyphs
                .into_iter()
                .map(|g| {
                    let lg = LineGlyph { x, glyph: g };
                    x += lg.glyph.advance;
                    lg
                })
                .collect();
            out.push(Line { runs: vec![LineRun { style: 0, x: 0.0, width: x, glyphs: placed }], width: x });
        };
        let mut sources = Vec::new();
        for (source, src_line) in text.split('\n').enumerate() {
            let expanded = src_line.replace('\t', "    ");
            let expanded = expanded.trim_end_matches('\r');
            let mut rest = shape::shape(self.fonts, style.font, style.size, expanded);
            let mut first = true;
            loop {
                let mut line: Vec<shape::Glyph> = if first { Vec::new() } else { arrow.clone() };
                let lead = line.len();
                let mut w = shape::width(&line);
                let mut take = 0;
                while take < rest.len() && (w + rest[take].advance <= measure || take == 0) {
                    w += rest[take].advance;
                    take += 1;
                }
                if take < rest.len() {
                    // Prefer a break after a space or punctuation within the part that fits.
                    let soft = (1..take).rev().find(|&k| {
                        let t = &rest[k - 1].text;
                        t.ends_with([' ', ',', ';', '(', '/', '-', '.', '=', '&', '|'])
                    });
                    if let Some(k) = soft.filter(|&k| k > take / 3) {
                        take = k;
                    }
                }
                let tail = rest.split_off(take);
                line.extend(rest);
                rest = tail;
                let _ = lead;
                finish(line, &mut out);
                sources.push(source);
                first = false;
                if rest.is_empty() {
                    break;
                }
            }
        }
        (out, sources)
    }

    fn thematic_break(&mut self) {
        self.space(PARA_SPACE * 2.0);
        self.ensure(BODY_LEADING);
        let w = self.measure() / 3.0;
        let x = self.left + (self.measure() - w) / 2.0;
        let y = self.y + 2.0;
        self.page.items.push(Item::Line { x1: x, y1: y, x2: x + w, y2: y, stroke: Stroke { width: 0.6, color: RULE } });
        self.y += 4.0 + PARA_SPACE;
    }

    /// Size at which an image is drawn: its pixels at 72 dpi, shrunk to the measure and to
    /// 60 % of the text block's height.
    fn image_size(&self, image: &Image) -> Option<(f32, f32)> {
        let data = self.res.images.get(&image.src)?;
        let (pw, ph) = (data.width.max(1) as f32, data.height.max(1) as f32);
        let mut w = pw.min(self.measure());
        let mut h = w * ph / pw;
        let max_h = (self.bottom() - self.top()) * 0.6;
        if h > max_h {
            h = max_h;
            w = h * pw / ph;
        }
        Some((w, h))
    }

    fn figure_height(&self, image: &Image) -> f32 {
        self.image_size(image).map_or(BODY_LEADING * 2.0, |(_, h)| h) + CAPTION_LEADING * 2.0 + PARA_SPACE
    }

    fn figure(&mut self, image: &Image) {
        self.space(PARA_SPACE * 1.5);
        self.flush_marker();
        let caption_style =
            Style { font: FontId::SANS, size: CAPTION_SIZE, color: CAPTION, rise: 0.0, link: None, strike: false, note: None };
        // The caption: the image's title in bold when it has one, then its alt text (which
        // is also its /Alt in the PDF).
        let mut caption_inlines = Vec::new();
        if !image.title.trim().is_empty() {
            let mut title = image.title.trim().to_string();
            if !title.ends_with(['.', '!', '?']) {
                title.push('.');
            }
            caption_inlines.push(Inline::Strong { content: vec![Inline::text(title)] });
            caption_inlines.push(Inline::text(" "));
        }
        caption_inlines.push(Inline::text(image.alt.clone()));
        let caption = self.collect(&caption_inlines, caption_style);
        let caption_lines =
            if caption.is_empty() { Vec::new() } else { self.set_lines(&caption, self.measure(), LineAlign::Left, true) };
        let caption_h = caption_lines.len() as f32 * CAPTION_LEADING;
        match self.image_size(image) {
            Some((w, h)) => {
                self.ensure(h + 6.0 + caption_h);
                let x = self.left + (self.measure() - w) / 2.0;
                self.page.items.push(Item::Image { src: image.src.clone(), alt: image.alt.clone(), x, y: self.y, w, h });
                self.y += h + 6.0;
            }
            None => {
                // Not embedded (a remote image): a framed placeholder; the caption says what.
                let h = BODY_LEADING * 1.5;
                self.ensure(h + caption_h);
                let (x, w) = (self.left, self.measure());
                self.page.items.push(Item::Rect {
                    x,
                    y: self.y,
                    w,
                    h,
                    fill: None,
                    stroke: Some(Stroke { width: 0.5, color: RULE }),
                });
                self.y += h + 6.0;
            }
        }
        let x = self.left;
        self.place_lines(&caption_lines, &caption.styles, x, CAPTION_LEADING, CAPTION_SIZE);
        self.space(PARA_SPACE);
    }
}

/// Letters and digits set on `lines` (footnote marks excepted): the [`TreePos`] offset
/// of the line after them.
fn alnum_before(lines: &[Line], styles: &[Style]) -> usize {
    lines
        .iter()
        .flat_map(|l| &l.runs)
        .filter(|r| styles.get(r.style).is_some_and(|s| s.note.is_none()))
        .flat_map(|r| &r.glyphs)
        .map(|g| g.glyph.text.chars().filter(|c| c.is_alphanumeric()).count())
        .sum()
}

/// The body text style at a size.
pub(crate) fn body_style(size: f32) -> Style {
    Style { font: FontId::SERIF, size, color: TEXT, rise: 0.0, link: None, strike: false, note: None }
}

/// List numbering by depth: 1. / a. / i.
fn ordinal(n: u64, depth: usize) -> String {
    match depth % 3 {
        1 => format!("{}.", letters(n)),
        2 => format!("{}.", roman(n)),
        _ => format!("{n}."),
    }
}

fn letters(mut n: u64) -> String {
    let mut s = Vec::new();
    while n > 0 {
        n -= 1;
        s.push((b'a' + (n % 26) as u8) as char);
        n /= 26;
    }
    if s.is_empty() {
        s.push('0');
    }
    s.iter().rev().collect()
}

fn roman(n: u64) -> String {
    if n == 0 || n >= 4000 {
        return n.to_string();
    }
    let table = [
        (1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
        (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"),
    ];
    let mut n = n;
    let mut s = String::new();
    for (v, r) in table {
        while n >= v {
            s.push_str(r);
            n -= v;
        }
    }
    s
}

/// Size, space before and space after of a heading level.
pub(crate) fn heading_metrics(level: u8) -> (f32, f32, f32) {
    match level {
        1 => (17.0, 20.0, 8.0),
        2 => (13.5, 16.0, 6.0),
        3 => (11.5, 12.0, 4.0),
        _ => (10.5, 10.0, 3.0),
    }
}

#[allow(unused_imports)]
use inline::LINK_COLOR as _;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinals_by_depth() {
        assert_eq!(ordinal(3, 0), "3.");
        assert_eq!(ordinal(1, 1), "a.");
        assert_eq!(ordinal(28, 1), "ab.");
        assert_eq!(ordinal(4, 2), "iv.");
        assert_eq!(ordinal(1994, 2), "mcmxciv.");
    }
}
