//! The house style: sizes, leadings, spacing and colours of a brief, in one place.
//!
//! Leadings are at least 1.37 × the size: Noto's ascent + descent is 1.362 em, and a
//! tighter leading would make the boxes of neighbouring lines overlap in text extraction.

use super::page::Color;

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
