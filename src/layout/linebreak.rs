//! Line breaking: Knuth and Plass's optimum-fit algorithm, and line assembly.
//!
//! The paragraph is a list of boxes (words), glue (spaces that may stretch or shrink) and
//! penalties (possible breaks with a cost: hyphenation points, breaks after a dash, forced
//! breaks). A break is legal at a penalty below infinity, or at glue that follows a box.
//! For every legal break the algorithm keeps the cheapest way to reach it from the set of
//! "active" earlier breaks, where a line's cost ("demerits") grows with the cube of how much
//! its spaces had to stretch or shrink (its adjustment ratio r), plus the penalty, plus extra
//! demerits for two hyphenated lines in a row and for a very tight line next to a very loose
//! one (fitness classes). Breaks whose line would have to shrink more than the glue allows
//! (r < -1) stop being active. Unlike first-fit, a loose line early in the paragraph can be
//! avoided by choices made later, which is what gives TeX its even grey.
//!
//! Constants, as in TeX: line penalty 10, 3000 for consecutive hyphenated lines ("double
//! hyphen demerits"), 100 for adjacent fitness classes that differ by more than one. The
//! breaker first tries a tolerance of r ≤ 1 (TeX's pretolerance-ish), then r ≤ 3, and
//! finally falls back to first-fit, which always succeeds because no box is wider than the
//! measure (inline.rs splits those).

use super::inline::{Frag, Item, FIT_SLACK, INFINITY};
use super::shape::Glyph;

const LINE_PENALTY: f32 = 10.0;
const DOUBLE_HYPHEN_DEMERITS: f32 = 3000.0;
const FITNESS_DEMERITS: f32 = 100.0;

#[derive(Debug, Clone, Copy)]
struct Node {
    /// Index of the break item (the paragraph start is a virtual node at 0).
    pos: usize,
    line: usize,
    fitness: u8,
    flagged: bool,
    /// Consecutive hyphenated lines ending here.
    hyphens: u8,
    demerits: f32,
    prev: Option<usize>,
    /// Running totals just after the break (discardable items skipped).
    width: f32,
    stretch: f32,
    shrink: f32,
}

/// Running sums of widths, stretch and shrink before each item.
struct Totals {
    width: Vec<f32>,
    stretch: Vec<f32>,
    shrink: Vec<f32>,
}

impl Totals {
    fn new(items: &[Item]) -> Totals {
        let n = items.len() + 1;
        let (mut width, mut stretch, mut shrink) = (Vec::with_capacity(n), Vec::with_capacity(n), Vec::with_capacity(n));
        let (mut w, mut st, mut sh) = (0.0, 0.0, 0.0);
        for item in items {
            width.push(w);
            stretch.push(st);
            shrink.push(sh);
            match item {
                Item::Box { width, .. } => w += width,
                Item::Glue { width, stretch, shrink, .. } => {
                    w += width;
                    st += stretch;
                    sh += shrink;
                }
                Item::Penalty { .. } => {}
            }
        }
        width.push(w);
        stretch.push(st);
        shrink.push(sh);
        Totals { width, stretch, shrink }
    }
}

/// Returns the indices of the items at which lines end (the last is the paragraph's end).
///
/// Justified text is judged by how much its spaces stretch or shrink. Ragged text (left,
/// right or centred) is judged as TeX's `\raggedright` is: by the white space left at the
/// line's end, measured against a virtual stretch at the line end (a quarter of the
/// measure, at least 20 pt), so lines come out evenly ragged and hyphens stay rare.
///
/// Paragraphs longer than [`WINDOW_ITEMS`] items (a few thousand words: a runaway paragraph
/// or a file that is one huge line) are broken window by window, see [`break_windowed`], so
/// time and memory stay linear in the paragraph's length; ordinary paragraphs get the
/// optimum over the whole paragraph.
pub fn break_lines(items: &[Item], measure: f32, justify: bool) -> Vec<usize> {
    if items.len() <= WINDOW_ITEMS {
        return break_slice(items, measure, justify);
    }
    break_windowed(items, measure, justify)
}

/// Items beyond which a paragraph is broken in windows (about 2,500 words, 150 lines).
pub const WINDOW_ITEMS: usize = 8192;

/// Lines at the end of a window that are not kept but set again as the start of the next
/// window, so a window's free last line never shows.
const WINDOW_OVERLAP_LINES: usize = 3;

/// Knuth–Plass in windows. Each window of [`WINDOW_ITEMS`] items (starting where a line
/// starts) is broken as if the paragraph ended there (fill glue and a forced break are
/// appended); its lines are kept except the last [`WINDOW_OVERLAP_LINES`], and the next
/// window starts after the last kept break. The optimum is then local to ~150 lines
/// instead of global, which makes no visible difference in a paragraph that long, while
/// the breaker's node list and its three tolerance passes stay bounded by the window. A
/// window that keeps no line (only possible with zero-width material) is doubled until it
/// does or reaches the paragraph's end, so the loop always advances.
fn break_windowed(items: &[Item], measure: f32, justify: bool) -> Vec<usize> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut size = WINDOW_ITEMS;
    while start < items.len() {
        // A line starts at a box: glue and optional breaks before it vanish, as in assemble.
        while start < items.len() && !matches!(items[start], Item::Box { .. }) && !is_forced(&items[start]) {
            start += 1;
        }
        if start >= items.len() {
            break;
        }
        if is_forced(&items[start]) {
            out.push(start);
            start += 1;
            continue;
        }
        let end = start.saturating_add(size);
        if end >= items.len() {
            out.extend(break_slice(&items[start..], measure, justify).into_iter().map(|b| b + start));
            break;
        }
        let mut window: Vec<Item> = items[start..end].to_vec();
        window.push(Item::Glue { width: 0.0, stretch: 1e6, shrink: 0.0, level: 0 });
        window.push(Item::Penalty { width: 0.0, cost: -INFINITY, flagged: false, hyphen: None });
        let breaks = break_slice(&window, measure, justify);
        let keep = breaks.len().saturating_sub(WINDOW_OVERLAP_LINES);
        let kept: Vec<usize> = breaks.into_iter().take(keep).filter(|&b| b < end - start).collect();
        let Some(&last) = kept.last() else {
            size = size.saturating_mul(2);
            continue;
        };
        out.extend(kept.iter().map(|b| b + start));
        start += last + 1;
        size = WINDOW_ITEMS;
    }
    let last = items.len().saturating_sub(1);
    if !items.is_empty() && out.last() != Some(&last) {
        out.push(last);
    }
    out
}

fn is_forced(item: &Item) -> bool {
    matches!(item, Item::Penalty { cost, .. } if *cost <= -INFINITY)
}

/// [`break_lines`] over the whole slice: optimum fit at growing tolerances, then first fit.
fn break_slice(items: &[Item], measure: f32, justify: bool) -> Vec<usize> {
    if justify {
        for tolerance in [1.0, 3.0, 1000.0] {
            if let Some(b) = optimum_fit(items, measure, tolerance, None) {
                return b;
            }
        }
    } else if let Some(b) = optimum_fit(items, measure, 1000.0, Some((measure * 0.25).max(20.0))) {
        return b;
    }
    first_fit(items, measure)
}

/// At most this many hyphenated lines in a row.
const MAX_HYPHEN_RUN: u8 = 2;

fn is_legal_break(items: &[Item], i: usize) -> Option<(f32, f32, bool)> {
    match &items[i] {
        Item::Penalty { width, cost, flagged, .. } if *cost < INFINITY => Some((*width, *cost, *flagged)),
        Item::Glue { .. } if i > 0 && matches!(items[i - 1], Item::Box { .. }) => Some((0.0, 0.0, false)),
        _ => None,
    }
}

fn optimum_fit(items: &[Item], measure: f32, tolerance: f32, ragged: Option<f32>) -> Option<Vec<usize>> {
    let totals = Totals::new(items);
    let mut nodes = vec![Node {
        pos: 0,
        line: 0,
        fitness: 1,
        flagged: false,
        hyphens: 0,
        demerits: 0.0,
        prev: None,
        width: 0.0,
        stretch: 0.0,
        shrink: 0.0,
    }];
    let mut active: Vec<usize> = vec![0];
    // The nodes that stay active past a break (one buffer for the whole paragraph).
    let mut keep: Vec<usize> = Vec::new();
    for b in 0..items.len() {
        let Some((pwidth, cost, flagged)) = is_legal_break(items, b) else { continue };
        // Best new node per fitness class and hyphen run: (demerits, from node).
        let mut best: [Option<(f32, usize)>; 12] = [None; 12];
        keep.clear();
        for &a in &active {
            let node = nodes[a];
            // Within FIT_SLACK of the measure counts as an exact fit.
            let width = totals.width[b] - node.width + pwidth;
            let width = if (width - measure).abs() <= FIT_SLACK { measure } else { width };
            let st = totals.stretch[b] - node.stretch;
            let ratio = if let (Some(end_stretch), true) = (ragged, width <= measure) {
                // Ragged: only the line end stretches; the paragraph's last line is free.
                if st >= 1e5 { 0.0 } else { (measure - width) / end_stretch }
            } else if width < measure {
                if st > 0.0 { (measure - width) / st } else { INFINITY }
            } else if width > measure {
                let sh = totals.shrink[b] - node.shrink;
                if sh > 0.0 && ragged.is_none() { (measure - width) / sh } else { -INFINITY }
            } else {
                0.0
            };
            let deactivate = ratio < -1.0 || cost <= -INFINITY;
            if !deactivate {
                keep.push(a);
            }
            let hyphens = if flagged { node.hyphens + 1 } else { 0 };
            if (-1.0..=tolerance).contains(&ratio) && hyphens <= MAX_HYPHEN_RUN {
                let badness = 100.0 * ratio.abs().powi(3);
                let mut d = (LINE_PENALTY + badness).powi(2);
                if cost >= 0.0 {
                    d += cost * cost;
                } else if cost > -INFINITY {
                    d -= cost * cost;
                }
                if flagged && node.flagged {
                    d += DOUBLE_HYPHEN_DEMERITS;
                }
                let fitness = fitness_class(ratio);
                if fitness.abs_diff(node.fitness) > 1 {
                    d += FITNESS_DEMERITS;
                }
                let total = node.demerits + d;
                let slot = &mut best[usize::from(fitness) * 3 + usize::from(hyphens)];
                if slot.is_none_or(|(bd, _)| total < bd) {
                    *slot = Some((total, a));
                }
            }
        }
        std::mem::swap(&mut active, &mut keep);
        // Totals after the break: skip glue and penalties that vanish at a line start.
        let mut after = b;
        if !matches!(items[b], Item::Box { .. }) {
            after = b + 1;
            while after < items.len() && !matches!(items[after], Item::Box { .. }) {
                if matches!(&items[after], Item::Penalty { cost, .. } if *cost <= -INFINITY) {
                    break;
                }
                after += 1;
            }
        }
        for (k, slot) in best.iter().enumerate() {
            if let Some((demerits, from)) = *slot {
                nodes.push(Node {
                    pos: b,
                    line: nodes[from].line + 1,
                    fitness: (k / 3) as u8,
                    flagged,
                    hyphens: (k % 3) as u8,
                    demerits,
                    prev: Some(from),
                    width: totals.width[after],
                    stretch: totals.stretch[after],
                    shrink: totals.shrink[after],
                });
                active.push(nodes.len() - 1);
            }
        }
        if active.is_empty() {
            return None;
        }
    }
    // The last item is a forced break; pick the cheapest node ending there.
    let last = items.len().checked_sub(1)?;
    let end = active
        .iter()
        .copied()
        .filter(|&a| nodes[a].pos == last)
        .min_by(|&x, &y| nodes[x].demerits.total_cmp(&nodes[y].demerits))?;
    let mut breaks = Vec::new();
    let mut cur = Some(end);
    while let Some(n) = cur {
        if nodes[n].prev.is_some() {
            breaks.push(nodes[n].pos);
        }
        cur = nodes[n].prev;
    }
    breaks.reverse();
    Some(breaks)
}

fn fitness_class(ratio: f32) -> u8 {
    if ratio < -0.5 {
        0
    } else if ratio <= 0.5 {
        1
    } else if ratio <= 1.0 {
        2
    } else {
        3
    }
}

/// First fit: each line takes as much as fits. Always succeeds.
fn first_fit(items: &[Item], measure: f32) -> Vec<usize> {
    let mut breaks = Vec::new();
    let mut width = 0.0;
    let mut last_legal: Option<usize> = None;
    let mut line_start = 0;
    let mut i = 0;
    while i < items.len() {
        if let Some((pw, cost, _)) = is_legal_break(items, i) {
            if cost <= -INFINITY {
                breaks.push(i);
                width = 0.0;
                last_legal = None;
                i += 1;
                line_start = i;
                continue;
            }
            if width + pw <= measure + FIT_SLACK {
                last_legal = Some(i);
            }
        }
        let w = if let Item::Glue { width: gw, .. } = &items[i] {
            // Glue at a line start vanishes.
            if i == line_start { 0.0 } else { *gw }
        } else {
            items[i].width()
        };
        if width + w > measure + FIT_SLACK && matches!(items[i], Item::Box { .. }) {
            if let Some(lb) = last_legal.take() {
                breaks.push(lb);
                // Restart after the break.
                i = lb + 1;
                while i < items.len() && matches!(items[i], Item::Glue { .. }) {
                    i += 1;
                }
                line_start = i;
                width = 0.0;
                continue;
            }
        }
        width += w;
        i += 1;
    }
    if breaks.last() != Some(&(items.len().saturating_sub(1))) && !items.is_empty() {
        breaks.push(items.len() - 1);
    }
    breaks
}

/// A glyph placed on a line, relative to the line's left edge.
#[derive(Debug, Clone)]
pub struct LineGlyph {
    pub glyph: Glyph,
    pub x: f32,
}

/// A run of one style on a line.
#[derive(Debug, Clone)]
pub struct LineRun {
    pub style: usize,
    pub x: f32,
    pub width: f32,
    pub glyphs: Vec<LineGlyph>,
}

/// A set line: runs positioned from the line's left edge.
#[derive(Debug, Clone, Default)]
pub struct Line {
    pub runs: Vec<LineRun>,
    /// Width actually used.
    pub width: f32,
}

/// Horizontal alignment of lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineAlign {
    Justify,
    Left,
    Center,
    Right,
}

/// Sets the lines between the breaks.
pub fn assemble(items: &[Item], breaks: &[usize], measure: f32, align: LineAlign, rtl: bool) -> Vec<Line> {
    let mut lines = Vec::with_capacity(breaks.len());
    let mut start = 0;
    // Each line's pieces (one buffer for the whole paragraph).
    let mut pieces: Vec<(Piece<'_>, u8)> = Vec::new();
    for (k, &end) in breaks.iter().enumerate() {
        // Skip discardable items at the line start.
        while start < end && !matches!(items[start], Item::Box { .. }) {
            start += 1;
        }
        let last = k + 1 == breaks.len()
            || matches!(&items[end], Item::Penalty { cost, .. } if *cost <= -INFINITY);
        let slice = &items[start..end.min(items.len())];
        let hyphen = match items.get(end) {
            Some(Item::Penalty { hyphen: Some(h), .. }) => Some(h),
            _ => None,
        };
        let (mut natural, mut stretch, mut shrink) = (0.0f32, 0.0f32, 0.0f32);
        for item in slice {
            match item {
                Item::Box { width, .. } => natural += width,
                Item::Glue { width, stretch: st, shrink: sh, .. } => {
                    natural += width;
                    if *st < 1e5 {
                        stretch += st;
                    }
                    shrink += sh;
                }
                Item::Penalty { .. } => {}
            }
        }
        if let Some(h) = hyphen {
            natural += h.width;
        }
        let ratio = if align == LineAlign::Justify && !last {
            if natural < measure && stretch > 0.0 {
                ((measure - natural) / stretch).min(3.0)
            } else if natural > measure && shrink > 0.0 {
                ((measure - natural) / shrink).max(-1.0)
            } else {
                0.0
            }
        } else if natural > measure && shrink > 0.0 {
            ((measure - natural) / shrink).max(-1.0)
        } else {
            0.0
        };
        // The line's pieces in logical order, with their bidi levels; then in visual order
        // (UAX #9 rule L2: from the highest level down to the lowest odd one, reverse every
        // run of pieces at that level or higher).
        pieces.clear();
        for item in slice {
            match item {
                Item::Box { frags, .. } => pieces.extend(frags.iter().map(|f| (Piece::Frag(f), f.level))),
                Item::Glue { width, stretch: st, shrink: sh, level } => {
                    let st = if *st >= 1e5 { 0.0 } else { *st };
                    pieces.push((Piece::Space(width + if ratio >= 0.0 { ratio * st } else { ratio * sh }), *level));
                }
                Item::Penalty { .. } => {}
            }
        }
        if let Some(h) = hyphen {
            pieces.push((Piece::Frag(h), h.level));
        }
        reorder(&mut pieces);
        let mut line = Line::default();
        let mut x = 0.0;
        for (piece, _) in &pieces {
            match piece {
                Piece::Frag(f) => {
                    push_frag(&mut line, f, x);
                    x += f.width;
                }
                Piece::Space(w) => x += w,
            }
        }
        line.width = x;
        // Right-to-left paragraphs end their last (and ragged) lines at the right.
        let align = match (align, rtl) {
            (LineAlign::Left, true) => LineAlign::Right,
            (LineAlign::Justify, true) if last => LineAlign::Right,
            (a, _) => a,
        };
        let shift = match align {
            LineAlign::Center => ((measure - x) / 2.0).max(0.0),
            LineAlign::Right => (measure - x).max(0.0),
            _ => 0.0,
        };
        if shift > 0.0 {
            for r in &mut line.runs {
                r.x += shift;
                for g in &mut r.glyphs {
                    g.x += shift;
                }
            }
        }
        lines.push(line);
        start = end + 1;
    }
    lines
}

/// A piece of a line: shaped text or (adjusted) space.
enum Piece<'a> {
    Frag(&'a Frag),
    Space(f32),
}

/// Reorders a line's pieces from logical to visual order by their bidi levels.
fn reorder(pieces: &mut [(Piece<'_>, u8)]) {
    let Some(max) = pieces.iter().map(|p| p.1).max() else { return };
    let Some(min_odd) = pieces.iter().map(|p| p.1).filter(|l| l % 2 == 1).min() else { return };
    for level in (min_odd..=max).rev() {
        let mut i = 0;
        while i < pieces.len() {
            if pieces[i].1 >= level {
                let start = i;
                while i < pieces.len() && pieces[i].1 >= level {
                    i += 1;
                }
                pieces[start..i].reverse();
            } else {
                i += 1;
            }
        }
    }
}

fn push_frag(line: &mut Line, f: &Frag, x: f32) {
    let mut gx = x;
    let glyphs: Vec<LineGlyph> = f
        .glyphs
        .iter()
        .map(|g| {
            let lg = LineGlyph { glyph: g.clone(), x: gx };
            gx += g.advance;
            lg
        })
        .collect();
    match line.runs.last_mut() {
        Some(run) if run.style == f.style && (run.x + run.width - x).abs() < 0.01 => {
            run.width += f.width;
            run.glyphs.extend(glyphs);
        }
        _ => line.runs.push(LineRun { style: f.style, x, width: f.width, glyphs }),
    }
}

#[cfg(test)]
mod tests {
    use super::super::inline::{itemize, Collected, ParaSpec, Style};
    use super::*;
    use crate::fonts::{FontId, Fonts};
    use crate::layout::page::Color;

    fn style() -> Style {
        Style { font: FontId::SERIF, size: 10.0, color: Color::BLACK, rise: 0.0, link: None, strike: false, note: None }
    }

    fn set(text: &str, measure: f32) -> Vec<Line> {
        let fonts = Fonts::builtin().unwrap();
        let c = Collected::plain(text, style());
        let spec = ParaSpec { fonts: &fonts, hyphenate: None, measure, justify: true };
        let items = itemize(&c, &spec);
        let breaks = break_lines(&items, measure, true);
        assemble(&items, &breaks, measure, LineAlign::Justify, c.is_rtl())
    }

    /// The line's text, words left to right as they appear on the page.
    fn visual_words(line: &Line) -> Vec<String> {
        let mut runs: Vec<&LineRun> = line.runs.iter().collect();
        runs.sort_by(|a, b| a.x.total_cmp(&b.x));
        runs.iter().map(|r| r.glyphs.iter().map(|g| &*g.glyph.text).collect()).collect()
    }

    #[test]
    fn a_paragraph_longer_than_a_window_is_broken_in_windows_like_the_whole() {
        let fonts = Fonts::builtin().unwrap();
        let words = ["alpha", "be", "gamma", "delta-epsilon", "zeta", "eta", "theta", "iota", "kappa"];
        let mut text = String::new();
        for i in 0..12000 {
            text.push_str(words[i % words.len()]);
            text.push(' ');
        }
        let c = Collected::plain(&text, style());
        let spec = ParaSpec { fonts: &fonts, hyphenate: Some(hypher::Lang::English), measure: 300.0, justify: true };
        let mut items = itemize(&c, &spec);
        // Some forced breaks (hard line breaks) along the way.
        let mut glue = 0;
        for item in items.iter_mut() {
            if let Item::Glue { .. } = item {
                glue += 1;
                if glue % 997 == 0 {
                    *item = Item::Penalty { width: 0.0, cost: -INFINITY, flagged: false, hyphen: None };
                }
            }
        }
        assert!(items.len() > 2 * WINDOW_ITEMS, "{}", items.len());
        let windowed = break_lines(&items, 300.0, true);
        let whole = break_slice(&items, 300.0, true);
        assert!(windowed.windows(2).all(|w| w[0] < w[1]), "breaks go forward");
        assert_eq!(windowed.last(), Some(&(items.len() - 1)));
        // Every forced break is taken.
        for (i, item) in items.iter().enumerate() {
            if is_forced(item) {
                assert!(windowed.contains(&i), "forced break {i} skipped");
            }
        }
        // Nearly the same number of lines as the global optimum, none wider than the measure.
        let diff = windowed.len().abs_diff(whole.len());
        assert!(diff * 100 <= whole.len(), "{} lines windowed, {} whole", windowed.len(), whole.len());
        let lines = assemble(&items, &windowed, 300.0, LineAlign::Justify, false);
        assert!(lines.iter().all(|l| l.width <= 300.0 + 0.5), "a line overflows");
        let set_words: usize = lines.iter().map(|l| l.runs.iter().map(|r| r.glyphs.len()).sum::<usize>()).sum();
        let item_glyphs: usize = items
            .iter()
            .map(|i| if let Item::Box { frags, .. } = i { frags.iter().map(|f| f.glyphs.len()).sum() } else { 0 })
            .sum();
        assert!(set_words >= item_glyphs, "glyphs lost: {set_words} of {item_glyphs}");
    }

    #[test]
    fn hebrew_paragraph_runs_right_to_left_with_english_inside_left_to_right() {
        let lines = set("שלום עולם and the World Bank מדינה", 400.0);
        assert_eq!(lines.len(), 1);
        // Rightmost word is the first Hebrew word; the English phrase keeps its order.
        // Glyphs of Hebrew words are in visual order too: read left to right, a Hebrew word
        // comes out reversed.
        let rev = |s: &str| s.chars().rev().collect::<String>();
        let joined = visual_words(&lines[0]).join(" ");
        let want = format!("{} and the World Bank {} {}", rev("מדינה"), rev("עולם"), rev("שלום"));
        assert_eq!(joined, want);
        // The single line of an RTL paragraph is set flush right.
        let right = lines[0].runs.iter().map(|r| r.x + r.width).fold(0.0f32, f32::max);
        assert!((right - 400.0).abs() < 0.5, "{right}");
    }

    fn text_of(line: &Line) -> String {
        line.runs.iter().flat_map(|r| r.glyphs.iter().map(|g| &*g.glyph.text)).collect()
    }

    #[test]
    fn justified_lines_fill_the_measure_and_last_line_is_ragged() {
        let fonts = Fonts::builtin().unwrap();
        let text = "The visit of President Shavkat Mirziyoyev to Kazakhstan marks a significant step in \
                    fostering bilateral relations between Uzbekistan and its northern neighbor. This meeting \
                    is poised to enhance collaboration in various strategic areas, including economics, \
                    security, and cultural exchange.";
        let c = Collected::plain(text, style());
        let spec = ParaSpec { fonts: &fonts, hyphenate: Some(hypher::Lang::English), measure: 200.0, justify: true };
        let items = itemize(&c, &spec);
        let breaks = break_lines(&items, 200.0, true);
        let lines = assemble(&items, &breaks, 200.0, LineAlign::Justify, false);
        assert!(lines.len() >= 5, "{} lines", lines.len());
        for l in &lines[..lines.len() - 1] {
            assert!((l.width - 200.0).abs() < 0.5, "line width {}: {}", l.width, text_of(l));
        }
        let last = lines.last().unwrap();
        assert!(last.width < 200.0);
        // Every character of the source survives (spaces are glue, hyphens are added).
        let joined: String = lines.iter().map(text_of).collect::<Vec<_>>().join("");
        let strip = |s: &str| s.chars().filter(|c| !c.is_whitespace() && *c != '-').collect::<String>();
        assert_eq!(strip(&joined), strip(text));
    }

    #[test]
    fn a_token_wider_than_the_measure_is_split_and_never_overflows() {
        let fonts = Fonts::builtin().unwrap();
        let text = "see https://example.org/a/very/long/path/that/does/not/fit/anywhere/at/all?query=yes&x=1 now";
        let c = Collected::plain(text, style());
        let spec = ParaSpec { fonts: &fonts, hyphenate: None, measure: 90.0, justify: true };
        let items = itemize(&c, &spec);
        let breaks = break_lines(&items, 90.0, true);
        let lines = assemble(&items, &breaks, 90.0, LineAlign::Justify, false);
        for l in &lines {
            assert!(l.width <= 90.5, "overflow {}: {}", l.width, text_of(l));
        }
        assert!(lines.len() >= 5);
    }

    #[test]
    fn first_fit_respects_forced_breaks() {
        let fonts = Fonts::builtin().unwrap();
        let c = Collected::plain("alpha beta", style());
        let spec = ParaSpec { fonts: &fonts, hyphenate: None, measure: 500.0, justify: false };
        let items = itemize(&c, &spec);
        let breaks = break_lines(&items, 500.0, false);
        let lines = assemble(&items, &breaks, 500.0, LineAlign::Left, false);
        assert_eq!(lines.len(), 1);
        assert_eq!(text_of(&lines[0]), "alphabeta");
    }
}
