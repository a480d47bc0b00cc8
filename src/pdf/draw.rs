//! Drawing: one page's items → its content stream, one `match` over the page items.
//!
//! Layout measures from the top-left corner with y growing down; PDF from the bottom-left
//! with y growing up. Every y is flipped here (`page height - y`, and for boxes
//! `page height - y - h`, their lower edge). Links are not drawn: they are annotations,
//! written with the page.
//!
//! Consecutive text runs share one text object (`BT … ET`), the font and the fill colour
//! are only set when they change, and a run on the baseline of the one before continues
//! its TJ array ([`Pen`]); rules and boxes are drawn inside `q … Q`, so they never disturb
//! that state.

use std::collections::BTreeMap;

use super::syntax::{real, text, Ref};
use super::text::{FontPlan, Pen};
use super::{finite, Rgb};
use crate::fonts::Fonts;
use crate::layout::{Color, Item, Page, Stroke};

/// The content stream of `page`, `h` points high. `images` maps an image's `src` to its
/// resource name.
pub(super) fn content(page: &Page, h: f32, plan: &FontPlan, fonts: &Fonts, images: &BTreeMap<String, (String, Ref)>) -> Vec<u8> {
    let mut out = Vec::with_capacity(page.items.len() * 48);
    let mut in_text = false;
    let mut pen = Pen::default();
    let mut fill: Option<Rgb> = None;
    let end_text = |out: &mut Vec<u8>, in_text: &mut bool, pen: &mut Pen| {
        if *in_text {
            pen.close(out);
            out.extend_from_slice(b"ET\n");
            *in_text = false;
        }
    };
    for item in &page.items {
        match item {
            Item::Text(run) => {
                if run.glyphs.is_empty() {
                    continue;
                }
                if !in_text {
                    out.extend_from_slice(b"BT\n");
                    in_text = true;
                    // A new text object sets its own font.
                    pen = Pen::default();
                }
                let c = Rgb::from(run.color);
                if fill != Some(c) {
                    pen.close(&mut out);
                    c.write(&mut out, b"rg");
                    fill = Some(c);
                }
                plan.draw_run(run, fonts, h, &mut pen, &mut out);
            }
            Item::Rect {
                x,
                y,
                w,
                h: rh,
                fill: f,
                stroke,
            } => {
                let op: &[u8] = match (f, stroke) {
                    (Some(_), Some(_)) => b"B",
                    (Some(_), None) => b"f",
                    (None, Some(_)) => b"S",
                    (None, None) => continue,
                };
                end_text(&mut out, &mut in_text, &mut pen);
                out.extend_from_slice(b"q ");
                if let Some(f) = f {
                    Rgb::from(*f).write(&mut out, b"rg");
                }
                if let Some(stroke) = stroke {
                    set_stroke(stroke, &mut out);
                }
                let (rw, rh) = (finite(*w), finite(*rh));
                for v in [finite(*x), h - finite(*y) - rh, rw, rh] {
                    real(&mut out, v);
                    out.push(b' ');
                }
                out.extend_from_slice(b"re ");
                out.extend_from_slice(op);
                out.extend_from_slice(b" Q\n");
            }
            Item::Line { x1, y1, x2, y2, stroke } => {
                end_text(&mut out, &mut in_text, &mut pen);
                out.extend_from_slice(b"q ");
                set_stroke(stroke, &mut out);
                for (v, op) in [(finite(*x1), None), (h - finite(*y1), Some(&b"m "[..])), (finite(*x2), None), (h - finite(*y2), Some(&b"l "[..]))] {
                    real(&mut out, v);
                    out.push(b' ');
                    if let Some(op) = op {
                        out.extend_from_slice(op);
                    }
                }
                out.extend_from_slice(b"S Q\n");
            }
            Item::Image { src, alt, x, y, w, h: ih } => {
                let Some((name, _)) = images.get(src) else { continue };
                end_text(&mut out, &mut in_text, &mut pen);
                let (iw, ih) = (finite(*w), finite(*ih));
                // The alternative text travels with the image as a /Figure's /Alt.
                out.extend_from_slice(b"/Figure<</Alt");
                text(&mut out, alt);
                // An image paints the unit square; the matrix stretches it over the box.
                out.extend_from_slice(b">> BDC q ");
                for v in [iw, 0.0, 0.0, ih, finite(*x), h - finite(*y) - ih] {
                    real(&mut out, v);
                    out.push(b' ');
                }
                out.extend_from_slice(b"cm /");
                out.extend_from_slice(name.as_bytes());
                out.extend_from_slice(b" Do Q EMC\n");
            }
            Item::Link { .. } => {}
        }
    }
    end_text(&mut out, &mut in_text, &mut pen);
    out
}

/// Sets the stroke colour and line width.
fn set_stroke(stroke: &Stroke, out: &mut Vec<u8>) {
    Rgb::from(stroke.color).write(out, b"RG");
    real(out, finite(stroke.width).max(0.0));
    out.extend_from_slice(b" w ");
}

impl From<Color> for Rgb {
    fn from(c: Color) -> Rgb {
        let ch = |v: f32| if v.is_finite() { (v.clamp(0.0, 1.0) * 1000.0).round() as u16 } else { 0 };
        Rgb([ch(c.r), ch(c.g), ch(c.b)])
    }
}

impl Rgb {
    /// Writes `r g b op` (`rg` fill, `RG` stroke).
    fn write(self, out: &mut Vec<u8>, op: &[u8]) {
        for v in self.0 {
            real(out, f32::from(v) / 1000.0);
            out.push(b' ');
        }
        out.extend_from_slice(op);
        out.push(b'\n');
    }
}
