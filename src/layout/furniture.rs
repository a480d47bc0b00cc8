//! Page furniture: the title block on the first page, running heads and page numbers.

use rayon::prelude::*;
use super::flow::{body_style, Flow};
use super::inline::{Collected, Style};
use super::linebreak::LineAlign;
use super::page::*;
use super::shape;
use super::theme::*;
use super::PageSetup;
use crate::doc::Meta;
use crate::fonts::{FontId, Fonts};

fn sans(size: f32, color: Color, bold: bool) -> Style {
    Style { font: if bold { FontId::SANS_BOLD } else { FontId::SANS }, size, color, rise: 0.0, link: None, strike: false, note: None }
}

/// Sets the title block: classification banner, title, subtitle, byline and summary box.
pub(crate) fn title_block(flow: &mut Flow<'_>, meta: &Meta) {
    let x = flow.left;
    let measure = flow.measure();
    if let Some(class) = meta.classification.as_deref().filter(|c| !c.trim().is_empty()) {
        let c = Collected::plain(&class.trim().to_uppercase(), sans(8.0, BANNER, true));
        let lines = flow.set_lines(&c, measure, LineAlign::Center, false);
        flow.place_lines(&lines, &c.styles, x, 11.5, 8.0);
        flow.y += 10.0;
    }
    let size = flow.fit_word_size(meta.title.trim(), FontId::SANS_BOLD, 22.0, 12.0);
    let c = Collected::plain(meta.title.trim(), sans(size, HEADING, true));
    let lines = flow.set_lines(&c, measure, LineAlign::Left, false);
    flow.place_lines(&lines, &c.styles, x, size * 30.0 / 22.0, size);
    if let Some(sub) = meta.subtitle.as_deref().filter(|s| !s.trim().is_empty()) {
        flow.y += 2.0;
        let c = Collected::plain(sub.trim(), sans(13.0, SUBTLE, false));
        let lines = flow.set_lines(&c, measure, LineAlign::Left, false);
        flow.place_lines(&lines, &c.styles, x, 18.0, 13.0);
    }
    let mut byline: Vec<String> = meta.authors.iter().map(|a| a.trim().to_string()).filter(|a| !a.is_empty()).collect();
    if let Some(date) = meta.date.as_deref().filter(|d| !d.trim().is_empty()) {
        byline.push(date.trim().to_string());
    }
    if !byline.is_empty() {
        flow.y += 6.0;
        let c = Collected::plain(&byline.join("  ·  "), sans(9.5, SUBTLE, false));
        let lines = flow.set_lines(&c, measure, LineAlign::Left, false);
        flow.place_lines(&lines, &c.styles, x, 13.5, 9.5);
    }
    if let Some(summary) = meta.summary.as_deref().filter(|s| !s.trim().is_empty()) {
        flow.y += 12.0;
        let pad = 9.0;
        let style = Style { font: FontId::SERIF_ITALIC, ..body_style(10.0) };
        let text = summary.split_whitespace().collect::<Vec<_>>().join(" ");
        let c = Collected::plain(&text, style);
        let lines = flow.set_lines(&c, measure - 2.0 * pad, LineAlign::Justify, true);
        let label = Collected::plain("KEY POINTS", sans(7.5, HEADING, true));
        let label_lines = flow.set_lines(&label, measure - 2.0 * pad, LineAlign::Left, false);
        let h = lines.len() as f32 * 14.2 + 2.0 * pad + 12.0;
        if flow.y + h <= flow.bottom() {
            flow.page.items.push(Item::Rect { x, y: flow.y, w: measure, h, fill: Some(SUMMARY_BG), stroke: None });
            flow.page.items.push(Item::Line {
                x1: x,
                y1: flow.y,
                x2: x,
                y2: flow.y + h,
                stroke: Stroke { width: 2.5, color: HEADING },
            });
        }
        flow.y += pad - 1.0;
        flow.place_lines(&label_lines, &label.styles, x + pad, 11.0, 7.5);
        flow.y += 1.0;
        flow.place_lines(&lines, &c.styles, x + pad, 14.2, 10.0);
        flow.y += pad;
    }
    flow.y += 12.0;
    let y = flow.y;
    flow.page.items.push(Item::Line { x1: x, y1: y, x2: x + measure, y2: y, stroke: Stroke { width: 0.6, color: RULE } });
    flow.y += 10.0;
}

/// Adds running heads (from the second page: the brief's title on the left, the current
/// section on the right) and footers on every page ("Page X of Y", and the classification).
pub(crate) fn running_heads(out: &mut LaidOut, fonts: &Fonts, setup: &PageSetup, meta: &Meta) {
    let total = out.pages.len();
    let class = meta.classification.as_deref().map(|c| c.trim().to_uppercase()).filter(|c| !c.is_empty());
    let top_level = out.outline.iter().map(|e| e.level).min().unwrap_or(1);
    let sections: Vec<(usize, f32, String)> = out
        .outline
        .iter()
        .filter(|e| e.level <= top_level.max(2))
        .map(|e| (e.page, e.y, e.title.clone()))
        .collect();
    // Pages are independent here: furnish them in parallel (results in page order).
    out.pages.par_iter_mut().enumerate().for_each(|(i, page)| {
        // Pages may be portrait or landscape: furniture follows each page's own size.
        let left = setup.margin_left;
        let right = page.width - setup.margin_right;
        let measure = right - left;
        let head_base = setup.margin_top - 26.0;
        let foot_base = page.height - setup.margin_bottom + 34.0;
        if i > 0 {
            let title = fit(fonts, FontId::SANS, 8.0, meta.title.trim(), measure * 0.5);
            page.items.extend(text_items(fonts, FontId::SANS, 8.0, SUBTLE, &title, left, head_base).0);
            // The section in force at the top of the page: one starting right at the top,
            // else the last one begun on an earlier page.
            let section = sections
                .iter()
                .find(|(p, y, _)| *p == i && *y <= setup.margin_top + 40.0)
                .or_else(|| sections.iter().rev().find(|(p, _, _)| *p < i))
                .map(|(_, _, t)| t.as_str());
            if let Some(section) = section {
                let text = fit(fonts, FontId::SANS_BOLD, 8.0, section, measure * 0.45);
                let w = shape::width(&shape::shape(fonts, FontId::SANS_BOLD, 8.0, &text));
                page.items.extend(text_items(fonts, FontId::SANS_BOLD, 8.0, HEADING, &text, right - w, head_base).0);
            }
            let y = head_base + 6.0;
            page.items.push(Item::Line { x1: left, y1: y, x2: right, y2: y, stroke: Stroke { width: 0.4, color: RULE } });
        }
        let number = format!("Page {} of {}", i + 1, total);
        let w = shape::width(&shape::shape(fonts, FontId::SANS, 8.0, &number));
        page.items.extend(text_items(fonts, FontId::SANS, 8.0, SUBTLE, &number, left + (measure - w) / 2.0, foot_base).0);
        if let Some(class) = &class {
            let w = shape::width(&shape::shape(fonts, FontId::SANS_BOLD, 7.5, class));
            page.items.extend(text_items(fonts, FontId::SANS_BOLD, 7.5, BANNER, class, right - w, foot_base).0);
        }
    });
}

/// Shortens text with an ellipsis until it fits `max` points.
///
/// The text is shaped once (left to right, as furniture is set): the width of a prefix is
/// the sum of its clusters' advances, so the longest prefix that leaves room for the
/// ellipsis is found in one walk, not by reshaping a candidate per character (running
/// heads ask this on every page).
fn fit(fonts: &Fonts, font: FontId, size: f32, text: &str, max: f32) -> String {
    let glyphs = shape::shape(fonts, font, size, text);
    if shape::width(&glyphs) <= max {
        return text.to_string();
    }
    let ellipsis = shape::width(&shape::shape(fonts, font, size, "…"));
    if ellipsis > max {
        return String::new();
    }
    // `pos` is the byte offset where the current glyph's cluster begins; a prefix ending
    // there is `width` wide.
    let (mut pos, mut width, mut best) = (0usize, 0.0f32, 0usize);
    for g in &glyphs {
        if !g.text.is_empty() {
            if width + ellipsis > max {
                break;
            }
            best = pos;
            pos += g.text.len();
        }
        width += g.advance;
    }
    format!("{}…", text.get(..best).unwrap_or("").trim_end())
}

/// A line of text in one style at `(x, baseline y)`: one text run per face (fallback faces
/// may set some glyphs), and the width it takes.
pub(crate) fn text_items(fonts: &Fonts, font: FontId, size: f32, color: Color, text: &str, x: f32, y: f32) -> (Vec<Item>, f32) {
    let mut items: Vec<Item> = Vec::new();
    let mut pen = x;
    let mut run: Option<TextRun> = None;
    for g in shape::shape(fonts, font, size, text) {
        if run.as_ref().is_some_and(|r| r.font != g.font) {
            items.extend(run.take().map(Item::Text));
        }
        let r = run.get_or_insert_with(|| TextRun { font: g.font, size, color, y, glyphs: Vec::new() });
        r.glyphs.push(PlacedGlyph { id: g.id, x: pen, advance: g.advance, text: g.text });
        pen += g.advance;
    }
    items.extend(run.map(Item::Text));
    (items, pen - x)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_keeps_the_longest_prefix_that_fits_with_an_ellipsis() {
        let Ok(fonts) = Fonts::builtin() else { panic!("fonts") };
        let w = |t: &str| shape::width(&shape::shape(&fonts, FontId::SANS, 8.0, t));
        let title = "Uzbekistan’s President to Visit Kazakhstan for Strategic Talks";
        assert_eq!(fit(&fonts, FontId::SANS, 8.0, title, 1000.0), title);
        let max = w(title) / 2.0;
        let cut = fit(&fonts, FontId::SANS, 8.0, title, max);
        assert!(cut.ends_with('…'), "{cut}");
        assert!(w(&cut) <= max, "{cut} is too wide");
        // One more character would not fit.
        let kept = cut.trim_end_matches('…').chars().count();
        let longer: String = title.chars().take(kept + 1).collect::<String>().trim_end().to_string() + "…";
        assert!(w(&longer) > max || longer == cut, "{longer} would have fit");
        assert_eq!(fit(&fonts, FontId::SANS, 8.0, title, 0.5), "");
    }
}
