//! Inline content → the item list of the line breaker (boxes, glue, penalties).
//!
//! `collect` flattens a paragraph's inlines into styled text spans (emphasis picks a face,
//! links carry their target, footnotes become superscript marks). `itemize` then finds the
//! UAX #14 break opportunities over the whole paragraph text, shapes each word in its
//! style(s), adds hyphenation points (hypher, by language) as flagged penalties, and splits
//! any token wider than the measure at `/ . - _ ?`, or anywhere as a last resort, so that
//! nothing can run past the margin.

use super::page::{Color, LinkTarget};
use super::shape::{self, Glyph};
use crate::doc::Inline;
use crate::fonts::{FontId, Fonts};
use unicode_linebreak::BreakOpportunity;

/// How far (in points) material may exceed a measure and still count as fitting: widths
/// computed as `a + b - b` differ from `a` in the last bits of an f32.
pub const FIT_SLACK: f32 = 0.01;

/// Penalty value that forbids a break.
pub const INFINITY: f32 = 10_000.0;

/// How a run of text looks.
#[derive(Debug, Clone, PartialEq)]
pub struct Style {
    pub font: FontId,
    pub size: f32,
    pub color: Color,
    /// Baseline shift upwards (superscripts), in points.
    pub rise: f32,
    pub link: Option<LinkTarget>,
    pub strike: bool,
    /// For a footnote mark: the note's number.
    pub note: Option<usize>,
}

/// Glyphs of one style inside a box.
#[derive(Debug, Clone)]
pub struct Frag {
    pub style: usize,
    /// Bidi embedding level (odd: right-to-left; glyphs are then in visual order).
    pub level: u8,
    pub glyphs: Vec<Glyph>,
    pub width: f32,
}

/// An element of the line breaker's input (Knuth and Plass's box/glue/penalty model).
#[derive(Debug, Clone)]
pub enum Item {
    /// Unbreakable material.
    Box { frags: Vec<Frag>, width: f32 },
    /// Breakable, stretchable space.
    Glue { width: f32, stretch: f32, shrink: f32, level: u8 },
    /// A possible break; `hyphen` is drawn at the line end when the break is taken.
    Penalty { width: f32, cost: f32, flagged: bool, hyphen: Option<Frag> },
}

impl Item {
    pub fn width(&self) -> f32 {
        match self {
            Item::Box { width, .. } | Item::Glue { width, .. } => *width,
            Item::Penalty { .. } => 0.0,
        }
    }
}

/// A styled piece of paragraph text; `None` text marks a hard line break.
#[derive(Debug, Clone)]
struct Span {
    text: Option<String>,
    style: usize,
}

/// Everything `itemize` needs besides the text.
pub struct ParaSpec<'a> {
    pub fonts: &'a Fonts,
    /// Hyphenation language; `None` turns hyphenation off.
    pub hyphenate: Option<hypher::Lang>,
    /// The measure: boxes wider than this are split.
    pub measure: f32,
    /// Whether glue may stretch and shrink (justified text).
    pub justify: bool,
}

/// Styles and spans collected from inlines.
#[derive(Debug, Clone, Default)]
pub struct Collected {
    pub styles: Vec<Style>,
    spans: Vec<Span>,
}

/// Callback that turns a footnote into its number (the caller stores the note).
pub type NoteSink<'a> = dyn FnMut(&[crate::doc::Block]) -> usize + 'a;

impl Collected {
    /// Collects inline content in the given base style.
    pub fn new(inlines: &[Inline], base: Style, notes: &mut NoteSink<'_>) -> Collected {
        let mut c = Collected::default();
        c.push_inlines(inlines, &base, notes);
        c
    }

    /// A single plain string in one style.
    pub fn plain(text: &str, base: Style) -> Collected {
        Collected { styles: vec![base], spans: vec![Span { text: Some(text.to_string()), style: 0 }] }
    }

    /// Whether the paragraph runs right to left: its first strong character is Arabic,
    /// Hebrew or another right-to-left letter (UAX #9, rules P2 and P3).
    pub fn is_rtl(&self) -> bool {
        use unicode_bidi::BidiClass::{AL, L, R};
        if !self.has_rtl() {
            return false;
        }
        for span in &self.spans {
            for ch in span.text.iter().flat_map(|t| t.chars()) {
                match unicode_bidi::bidi_class(ch) {
                    R | AL => return true,
                    L => return false,
                    _ => {}
                }
            }
        }
        false
    }

    /// Whether any character is a right-to-left letter.
    pub fn has_rtl(&self) -> bool {
        use unicode_bidi::BidiClass::{AL, R};
        // Nothing below Hebrew (U+0590) is right-to-left: skip the table for Latin,
        // Cyrillic and Greek text.
        self.spans
            .iter()
            .flat_map(|s| s.text.iter().flat_map(|t| t.chars()))
            .any(|ch| ch >= '\u{0590}' && matches!(unicode_bidi::bidi_class(ch), R | AL))
    }

    /// Whether there is no visible text.
    pub fn is_empty(&self) -> bool {
        self.spans.iter().all(|s| s.text.as_deref().is_some_and(|t| t.trim().is_empty()))
    }

    fn style_index(&mut self, style: &Style) -> usize {
        if let Some(i) = self.styles.iter().position(|s| s == style) {
            return i;
        }
        self.styles.push(style.clone());
        self.styles.len() - 1
    }

    fn push_text(&mut self, text: &str, style: &Style) {
        if text.is_empty() {
            return;
        }
        let idx = self.style_index(style);
        if let Some(last) = self.spans.last_mut() {
            if last.style == idx {
                if let Some(t) = last.text.as_mut() {
                    t.push_str(text);
                    return;
                }
            }
        }
        self.spans.push(Span { text: Some(text.to_string()), style: idx });
    }

    fn push_inlines(&mut self, inlines: &[Inline], style: &Style, notes: &mut NoteSink<'_>) {
        for inline in inlines {
            match inline {
                Inline::Text { text } => self.push_text(text, style),
                Inline::Code { text } => {
                    let s = Style { font: FontId::MONO, size: style.size * 0.9, ..style.clone() };
                    self.push_text(text, &s);
                }
                Inline::Emph { content } => {
                    let s = Style { font: italic(style.font), ..style.clone() };
                    self.push_inlines(content, &s, notes);
                }
                Inline::Strong { content } => {
                    let s = Style { font: bold(style.font), ..style.clone() };
                    self.push_inlines(content, &s, notes);
                }
                Inline::Strikethrough { content } => {
                    let s = Style { strike: true, ..style.clone() };
                    self.push_inlines(content, &s, notes);
                }
                Inline::Link { url, content, .. } => {
                    let target = link_target(url);
                    let color = if target.is_some() { LINK_COLOR } else { style.color };
                    let s = Style { link: target, color, ..style.clone() };
                    self.push_inlines(content, &s, notes);
                }
                Inline::Image { image } => {
                    // Inline images are shown by their alt text, in italics.
                    let s = Style { font: italic(style.font), ..style.clone() };
                    self.push_text(&image.alt, &s);
                }
                Inline::SoftBreak => self.push_text(" ", style),
                Inline::HardBreak => {
                    let idx = self.style_index(style);
                    self.spans.push(Span { text: None, style: idx });
                }
                Inline::Note { blocks } => {
                    let n = notes(blocks);
                    let s = Style {
                        size: style.size * 0.62,
                        rise: style.size * 0.38,
                        link: Some(LinkTarget::Internal(format!("fn-{n}"))),
                        note: Some(n),
                        color: LINK_COLOR,
                        ..style.clone()
                    };
                    self.push_text(&n.to_string(), &s);
                }
                Inline::Html { html } => {
                    // Raw HTML is set as the plain text the EPUB's safe subset shows (tags
                    // dropped, script and style content too); a `<br>` breaks the line.
                    let text = if is_br(html) { "\n".to_string() } else { crate::epub::rawhtml::plain_text(html) };
                    for (k, piece) in text.split('\n').enumerate() {
                        if k > 0 {
                            let idx = self.style_index(style);
                            self.spans.push(Span { text: None, style: idx });
                        }
                        self.push_text(piece, style);
                    }
                }
            }
        }
    }
}

/// Colour of link text.
pub const LINK_COLOR: Color = Color::rgb8(0x1f, 0x4e, 0x8c);

fn is_br(html: &str) -> bool {
    let t = html.trim().to_ascii_lowercase();
    t == "<br>" || t == "<br/>" || t == "<br />"
}

/// Where a Markdown link URL goes in the PDF; `None` for schemes that are not followed.
pub fn link_target(url: &str) -> Option<LinkTarget> {
    if let Some(id) = url.strip_prefix('#') {
        return (!id.is_empty()).then(|| LinkTarget::Internal(id.to_string()));
    }
    let lower = url.to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("mailto:") {
        return Some(LinkTarget::Uri(url.to_string()));
    }
    None
}

/// The italic face of a family.
pub fn italic(f: FontId) -> FontId {
    match f {
        FontId::SERIF => FontId::SERIF_ITALIC,
        FontId::SERIF_BOLD => FontId::SERIF_BOLD_ITALIC,
        other => other,
    }
}

/// The bold face of a family.
pub fn bold(f: FontId) -> FontId {
    match f {
        FontId::SERIF => FontId::SERIF_BOLD,
        FontId::SERIF_ITALIC => FontId::SERIF_BOLD_ITALIC,
        FontId::SANS => FontId::SANS_BOLD,
        other => other,
    }
}

/// Builds the item list for collected content.
pub fn itemize(c: &Collected, spec: &ParaSpec<'_>) -> Vec<Item> {
    let mut items = Vec::new();
    // Hard breaks split the paragraph into independent stretches of text.
    let mut stretch: Vec<&Span> = Vec::new();
    for span in &c.spans {
        if span.text.is_none() {
            itemize_stretch(&stretch, c, spec, &mut items);
            stretch.clear();
            items.push(Item::Glue { width: 0.0, stretch: 1e6, shrink: 0.0, level: 0 });
            items.push(Item::Penalty { width: 0.0, cost: -INFINITY, flagged: false, hyphen: None });
        } else {
            stretch.push(span);
        }
    }
    itemize_stretch(&stretch, c, spec, &mut items);
    // Trailing glue is dropped; the paragraph ends in fill glue and a forced break.
    while matches!(items.last(), Some(Item::Glue { .. })) {
        items.pop();
    }
    items.push(Item::Glue { width: 0.0, stretch: 1e6, shrink: 0.0, level: 0 });
    items.push(Item::Penalty { width: 0.0, cost: -INFINITY, flagged: false, hyphen: None });
    items
}

fn itemize_stretch(spans: &[&Span], c: &Collected, spec: &ParaSpec<'_>, items: &mut Vec<Item>) {
    // The stretch's text and, for each byte range, its style.
    let mut text = String::new();
    let mut styles: Vec<(usize, usize)> = Vec::new(); // (start byte, style)
    for s in spans {
        if let Some(t) = &s.text {
            styles.push((text.len(), s.style));
            text.push_str(t);
        }
    }
    if text.is_empty() {
        return;
    }
    // Bidi levels per byte (UAX #9), with the paragraph's own direction as the base.
    let levels: Vec<u8> = if c.has_rtl() {
        let base = if c.is_rtl() { unicode_bidi::Level::rtl() } else { unicode_bidi::Level::ltr() };
        unicode_bidi::BidiInfo::new(&text, Some(base)).levels.iter().map(|l| l.number()).collect()
    } else {
        // All left to right: every level is 0.
        vec![0; text.len()]
    };
    let breaks: Vec<(usize, BreakOpportunity)> = unicode_linebreak::linebreaks(&text).collect();
    let mut memo = StyleMemo::new(c.styles.len());
    let mut start = 0;
    for (k, &(pos, _)) in breaks.iter().enumerate() {
        let segment = &text[start..pos];
        let word_end = start + segment.trim_end_matches([' ', '\n', '\t', '\r']).len();
        let space = &text[word_end..pos];
        if word_end > start {
            // No hyphen in the last word of a paragraph.
            let hyphenate = if k + 1 == breaks.len() { None } else { spec.hyphenate };
            push_word(&text, start, word_end, &styles, &levels, c, spec, hyphenate, &mut memo, items);
        }
        if !space.is_empty() {
            let style = style_at(&styles, word_end);
            let w = memo.space(style, c, spec);
            let (stretch, shrink) = if spec.justify { (w * 0.6, w * 0.35) } else { (0.0, 0.0) };
            items.push(Item::Glue { width: w, stretch, shrink, level: levels.get(word_end).copied().unwrap_or(0) });
        } else if pos < text.len() {
            // A break with no space (after a hyphen, a slash, a dash): allowed, not free.
            // A line ending in an explicit hyphen counts as hyphenated (TeX's
            // \exhyphenpenalty): it joins the limit on consecutive hyphenated lines.
            let hyphen = text[..pos].ends_with(['-', '\u{2010}']);
            let cost = if hyphen { 50.0 } else { 100.0 };
            items.push(Item::Penalty { width: 0.0, cost, flagged: hyphen, hyphen: None });
        }
        start = pos;
    }
}

/// Per-style shapes a paragraph needs again and again (an interword space, a hyphen),
/// shaped once per paragraph instead of looked up in the word cache at every use.
struct StyleMemo {
    space: Vec<Option<f32>>,
    hyphen: Vec<Option<(Vec<Glyph>, f32)>>,
}

impl StyleMemo {
    fn new(styles: usize) -> StyleMemo {
        StyleMemo { space: vec![None; styles], hyphen: vec![None; styles] }
    }

    /// Width of an interword space in `style`.
    fn space(&mut self, style: usize, c: &Collected, spec: &ParaSpec<'_>) -> f32 {
        if let Some(Some(w)) = self.space.get(style) {
            return *w;
        }
        let w = c.styles.get(style).map_or(0.0, |st| shape::width(&shape::shape(spec.fonts, st.font, st.size, " ")));
        if let Some(slot) = self.space.get_mut(style) {
            *slot = Some(w);
        }
        w
    }

    /// A hyphen in `style`: its glyphs and width.
    fn hyphen(&mut self, style: usize, c: &Collected, spec: &ParaSpec<'_>) -> (Vec<Glyph>, f32) {
        if let Some(Some(h)) = self.hyphen.get(style) {
            return h.clone();
        }
        let glyphs = c.styles.get(style).map_or_else(Vec::new, |st| shape::shape(spec.fonts, st.font, st.size, "-"));
        let w = shape::width(&glyphs);
        if let Some(slot) = self.hyphen.get_mut(style) {
            *slot = Some((glyphs.clone(), w));
        }
        (glyphs, w)
    }
}

fn style_at(styles: &[(usize, usize)], byte: usize) -> usize {
    let i = styles.partition_point(|&(s, _)| s <= byte);
    styles.get(i.saturating_sub(1)).map_or(0, |&(_, st)| st)
}

/// Shapes the word `text[start..end]` (possibly in several styles) and appends it as boxes,
/// with hyphenation penalties between syllables and emergency splits when too wide.
#[allow(clippy::too_many_arguments)]
fn push_word(
    text: &str,
    start: usize,
    end: usize,
    styles: &[(usize, usize)],
    levels: &[u8],
    c: &Collected,
    spec: &ParaSpec<'_>,
    hyphenate: Option<hypher::Lang>,
    memo: &mut StyleMemo,
    items: &mut Vec<Item>,
) {
    // Cut points: style changes, direction changes, then hyphenation points.
    let mut cuts: Vec<(usize, bool)> = Vec::new(); // (byte, is hyphenation point)
    for &(s, _) in styles {
        if s > start && s < end {
            cuts.push((s, false));
        }
    }
    let level_at = |b: usize| levels.get(b).copied().unwrap_or(0);
    for (b, _) in text[start..end].char_indices().skip(1) {
        if level_at(start + b) != level_at(start + b - 1) && text.is_char_boundary(start + b) {
            cuts.push((start + b, false));
        }
    }
    // Right-to-left words are not hyphenated.
    let hyphenate = if level_at(start) % 2 == 1 { None } else { hyphenate };
    if let Some(lang) = hyphenate {
        for &p in super::hyphen::points(&text[start..end], lang).iter() {
            cuts.push((start + p, true));
        }
    }
    cuts.sort_by_key(|&(b, _)| b);
    cuts.dedup_by_key(|&mut (b, _)| b);

    let mut piece_start = start;
    let mut frags: Vec<Frag> = Vec::new();
    let mut boundaries = cuts.into_iter().chain(std::iter::once((end, false)));
    loop {
        let Some((cut, hyphen_point)) = boundaries.next() else { break };
        let style = style_at(styles, piece_start);
        let st = &c.styles[style];
        let level = level_at(piece_start);
        let glyphs = shape::shape_dir(spec.fonts, st.font, st.size, &text[piece_start..cut], level % 2 == 1);
        let width = shape::width(&glyphs);
        frags.push(Frag { style, level, glyphs, width });
        if hyphen_point {
            push_box(std::mem::take(&mut frags), &c.styles, spec, items);
            let (hyphen, hw) = memo.hyphen(style, c, spec);
            items.push(Item::Penalty {
                width: hw,
                cost: 50.0,
                flagged: true,
                hyphen: Some(Frag { style, level: 0, glyphs: hyphen, width: hw }),
            });
        }
        piece_start = cut;
    }
    push_box(frags, &c.styles, spec, items);
}

/// Appends a box, splitting it when it is wider than the measure.
fn push_box(frags: Vec<Frag>, styles: &[Style], spec: &ParaSpec<'_>, items: &mut Vec<Item>) {
    if frags.is_empty() {
        return;
    }
    let width: f32 = frags.iter().map(|f| f.width).sum();
    if width <= spec.measure + FIT_SLACK {
        items.push(Item::Box { frags, width });
        return;
    }
    // Too wide: break after / . - _ ? (cheap), else between any two glyphs (dear).
    let mut current: Vec<Frag> = Vec::new();
    let mut cur_w = 0.0;
    for frag in frags {
        let mut glyphs: Vec<Glyph> = Vec::new();
        let mut w = 0.0;
        // A word split between two letters gets a hyphen, so readers (and text extraction)
        // see one word broken across lines.
        let hyphen = styles.get(frag.style).map_or_else(Vec::new, |st| shape::shape(spec.fonts, st.font, st.size, "-"));
        let hw = shape::width(&hyphen);
        for g in frag.glyphs {
            let letters = glyphs.last().is_some_and(|p: &Glyph| p.text.chars().all(char::is_alphanumeric) && !p.text.is_empty())
                && g.text.chars().next().is_some_and(char::is_alphanumeric);
            let reserve = if letters { hw } else { 0.0 };
            if cur_w + w + g.advance + reserve > spec.measure && (w > 0.0 || cur_w > 0.0) {
                if !glyphs.is_empty() {
                    current.push(Frag { style: frag.style, level: frag.level, glyphs: std::mem::take(&mut glyphs), width: w });
                }
                let bw = cur_w + w;
                items.push(Item::Box { frags: std::mem::take(&mut current), width: bw });
                let hyphen = letters.then(|| Frag { style: frag.style, level: frag.level, glyphs: hyphen.clone(), width: hw });
                items.push(Item::Penalty { width: if letters { hw } else { 0.0 }, cost: 900.0, flagged: letters, hyphen });
                cur_w = 0.0;
                w = 0.0;
            }
            let soft = g.text.ends_with(['/', '.', '-', '_', '?', '&', '=']);
            w += g.advance;
            glyphs.push(g);
            if soft {
                current.push(Frag { style: frag.style, level: frag.level, glyphs: std::mem::take(&mut glyphs), width: w });
                let bw = cur_w + w;
                items.push(Item::Box { frags: std::mem::take(&mut current), width: bw });
                items.push(Item::Penalty { width: 0.0, cost: 100.0, flagged: false, hyphen: None });
                cur_w = 0.0;
                w = 0.0;
            }
        }
        if !glyphs.is_empty() {
            current.push(Frag { style: frag.style, level: frag.level, glyphs, width: w });
            cur_w += w;
        }
    }
    if !current.is_empty() {
        items.push(Item::Box { frags: current, width: cur_w });
    }
    // A split that ended on a break point leaves a dangling penalty before the next item:
    // harmless, the breaker treats it as an ordinary optional break.
}
