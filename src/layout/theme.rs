//! The house style: sizes, leadings, spacing and colours of a brief, in one place.
//!
//! Leadings are at least 1.37 × the size: Noto's ascent + descent is 1.362 em, and a
//! tighter leading would make the boxes of neighbouring lines overlap in text extraction.

use super::page::{Color, Item, LaidOut};

pub const BODY_SIZE: f32 = 10.5;
pub const BODY_LEADING: f32 = 15.0;
/// Space between paragraphs (briefs use block paragraphs, no first-line indent).
pub const PARA_SPACE: f32 = 6.0;

pub const CODE_SIZE: f32 = 8.5;
pub const CODE_LEADING: f32 = 11.8;
pub const CODE_PAD: f32 = 6.0;

/// Table and note text stay above body ÷ 1.15, so no reader (or checker) takes a body line
/// for a heading when tables or notes make up most of a document.
pub const CELL_SIZE: f32 = 9.2;
pub const CELL_PAD: f32 = 4.5;

pub const CAPTION_SIZE: f32 = 8.5;
pub const CAPTION_LEADING: f32 = 11.8;

pub const NOTE_SIZE: f32 = 9.4;
pub const NOTE_LEADING: f32 = 13.2;

pub const LIST_INDENT: f32 = 18.0;
pub const QUOTE_INDENT: f32 = 16.0;

pub const TEXT: Color = Color::rgb8(0x1a, 0x1a, 0x1a);
pub const HEADING: Color = Color::rgb8(0x1c, 0x35, 0x57);
pub const SUBTLE: Color = Color::rgb8(0x4a, 0x55, 0x60);
pub const MARKER: Color = Color::rgb8(0x1c, 0x35, 0x57);
pub const QUOTE_RULE: Color = Color::rgb8(0xb9, 0xc4, 0xd0);
pub const CODE_BG: Color = Color::rgb8(0xf1, 0xf3, 0xf6);
pub const CODE_FG: Color = Color::rgb8(0x22, 0x22, 0x22);
pub const RULE: Color = Color::rgb8(0x8a, 0x96, 0xa3);
pub const CAPTION: Color = Color::rgb8(0x3d, 0x48, 0x54);
pub const TABLE_HEAD_BG: Color = Color::rgb8(0xdb, 0xe3, 0xec);
pub const TABLE_ZEBRA: Color = Color::rgb8(0xf4, 0xf6, 0xf9);
pub const TABLE_RULE: Color = Color::rgb8(0x9a, 0xa6, 0xb2);
pub const SUMMARY_BG: Color = Color::rgb8(0xed, 0xf1, 0xf5);
pub const BANNER: Color = Color::rgb8(0x8b, 0x1e, 0x1e);

/// Leading for text of a size (1.4 × size, never below the extraction-safe 1.37).
pub fn leading_for(size: f32) -> f32 {
    size * 1.4
}

/// House colours a project may change (`brief.toml`'s `[theme]`); `None` keeps brief's own.
/// `text` is body text, `heading` headings, rules of the summary box, list markers and the
/// running section head, `accent` links and footnote marks, `banner` the classification.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Theme {
    pub text: Option<Color>,
    pub heading: Option<Color>,
    pub accent: Option<Color>,
    pub banner: Option<Color>,
}

impl Theme {
    /// Whether any colour differs from brief's own.
    pub fn is_set(&self) -> bool {
        self.text.is_some() || self.heading.is_some() || self.accent.is_some() || self.banner.is_some()
    }
}

/// Applies a theme to laid-out pages: every use of one of brief's own colours (text,
/// heading, link, banner) becomes the theme's. Layout sets its palette from constants, so
/// one pass over the items here keeps the theme out of every layout function.
pub(crate) fn recolor(out: &mut LaidOut, theme: &Theme) {
    if !theme.is_set() {
        return;
    }
    let map = |c: &mut Color| {
        let to = if *c == TEXT {
            theme.text
        } else if *c == HEADING {
            theme.heading
        } else if *c == super::inline::LINK_COLOR {
            theme.accent
        } else if *c == BANNER {
            theme.banner
        } else {
            None
        };
        if let Some(to) = to {
            *c = to;
        }
    };
    for page in &mut out.pages {
        for item in &mut page.items {
            match item {
                Item::Text(run) => map(&mut run.color),
                Item::Rect { fill, stroke, .. } => {
                    if let Some(f) = fill {
                        map(f);
                    }
                    if let Some(s) = stroke {
                        map(&mut s.color);
                    }
                }
                Item::Line { stroke, .. } => map(&mut stroke.color),
                Item::Image { .. } | Item::Link { .. } => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::{Page, Stroke};

    #[test]
    fn recolor_maps_only_brief_s_own_colours() {
        let grey = Color::rgb8(0x80, 0x80, 0x80);
        let red = Color::rgb8(0xaa, 0, 0);
        let line = |c| Item::Line { x1: 0.0, y1: 0.0, x2: 1.0, y2: 0.0, stroke: Stroke { width: 1.0, color: c } };
        let mut out = LaidOut { pages: vec![Page { width: 1.0, height: 1.0, items: vec![line(HEADING), line(grey), line(TEXT)] }], ..Default::default() };
        recolor(&mut out, &Theme { heading: Some(red), ..Theme::default() });
        let colours: Vec<Color> = out.pages[0]
            .items
            .iter()
            .filter_map(|i| if let Item::Line { stroke, .. } = i { Some(stroke.color) } else { None })
            .collect();
        assert_eq!(colours, vec![red, grey, TEXT]);
    }
}
