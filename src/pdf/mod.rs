//! The PDF writer: positioned pages → PDF bytes (printpdf), plus a lopdf post-pass.
//!
//! Two stages, each in its own file:
//!
//! 1. **Drawing** ([`draw`], with [`text`] and [`images`]): one `match` over every page item
//!    turns layout's pages (points, origin top-left, y down) into printpdf operations (origin
//!    bottom-left, y up). Fonts are embedded as subsets with a ToUnicode map built from each
//!    glyph's cluster text; images go in losslessly (PNG as Flate, JPEG passed through).
//! 2. **Finishing** ([`finish`], with [`outline`]): printpdf's lopdf document is completed
//!    with what printpdf cannot write: a nested outline, named destinations and link
//!    annotations, `/Lang`, an honest Info dictionary (no PDF/X claim), a header saying 1.7
//!    and a trailer `/ID` hashed from the content.
//!
//! Every name printpdf would otherwise draw from its process-global counter (font and image
//! resource names, the trailer id) is chosen here from the content, so the same input gives
//! the same bytes in any process, on any thread, however many documents were written before.

mod draw;
mod finish;
mod images;
mod outline;
mod text;

use crate::fonts::Fonts;
use crate::layout::{Color, LaidOut};
use crate::resources::Resources;

/// Options of the PDF writer.
#[derive(Debug, Clone, Default)]
pub struct PdfOptions {
    pub title: String,
    pub authors: Vec<String>,
    pub subject: Option<String>,
    pub keywords: Vec<String>,
    /// BCP 47 language tag for the catalog's /Lang.
    pub lang: String,
    /// Seconds since the Unix epoch used for CreationDate/ModDate (from SOURCE_DATE_EPOCH).
    pub date: i64,
}

/// Writes laid-out pages as a PDF.
///
/// Never panics on odd input: an empty page list gives one blank A4 page, an image key
/// missing from `res` is skipped, a glyph id the font lacks is drawn as `.notdef`, and
/// non-finite coordinates are treated as 0. Fails only if a built-in font cannot be parsed
/// for embedding or serialization itself fails.
pub fn write(doc: &LaidOut, fonts: &Fonts, res: &Resources, opts: &PdfOptions) -> Result<Vec<u8>, String> {
    let drawn = draw::draw(doc, fonts, res)?;
    finish::finish(drawn, doc, opts)
}

/// A4 in points, the page size used when layout hands over no usable one.
const A4: (f32, f32) = (595.276, 841.89);

/// `v` if it is a finite number, else 0 (layout output is trusted, but not blindly).
fn finite(v: f32) -> f32 {
    if v.is_finite() {
        v
    } else {
        0.0
    }
}

/// A page's size in points: layout's when sane, else A4.
fn page_size(page: &crate::layout::Page) -> (f32, f32) {
    let ok = |v: f32| v.is_finite() && v > 0.0 && v < 14_400.0;
    if ok(page.width) && ok(page.height) {
        (page.width, page.height)
    } else {
        A4
    }
}

/// A printpdf colour from ours, channels clamped to 0–1.
fn color(c: Color) -> printpdf::Color {
    let ch = |v: f32| if v.is_finite() { v.clamp(0.0, 1.0) } else { 0.0 };
    printpdf::Color::Rgb(printpdf::Rgb::new(ch(c.r), ch(c.g), ch(c.b), None))
}

/// FNV-1a over `bytes`, starting from `seed`: a small stable hash (std's hashers promise
/// no stability across releases) for subset tags and the trailer id.
fn fnv1a(seed: u64, bytes: &[u8]) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325 ^ seed;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}
