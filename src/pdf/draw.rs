//! Drawing: laid-out pages → printpdf pages, one `match` over the page items.
//!
//! Layout measures from the top-left corner with y growing down; PDF from the bottom-left
//! with y growing up. Every y is flipped here (`page height - y`, and for boxes
//! `page height - y - h`, their lower edge). Links are not drawn: they are annotations,
//! written by `finish` with the named destinations they point to.

use std::collections::BTreeMap;

use printpdf::{
    CurTransMat, Line, LinePoint, Op, PaintMode, PdfDocument, PdfPage, Point, Pt, Rect, XObjectId, XObjectTransform,
};

use super::text::FontPlan;
use super::{color, finite, images, page_size, A4};
use crate::fonts::Fonts;
use crate::layout::{Item, LaidOut, Page, Stroke};
use crate::resources::Resources;

/// The drawn document, ready for printpdf to serialize.
pub(super) struct Drawn {
    pub pdf: PdfDocument,
    /// Width and height of each PDF page, in points (at least one page).
    pub sizes: Vec<(f32, f32)>,
}

/// Draws every page; a document without pages gets one blank A4 page.
pub(super) fn draw(doc: &LaidOut, fonts: &Fonts, res: &Resources) -> Result<Drawn, String> {
    let plan = FontPlan::new(doc, fonts);
    let mut pdf = PdfDocument::new("");
    plan.register(fonts, &mut pdf.resources)?;
    let images = images::register(doc, res, &mut pdf.resources);

    let mut sizes = Vec::with_capacity(doc.pages.len().max(1));
    for page in &doc.pages {
        let (w, h) = page_size(page);
        let ops = page_ops(page, h, &plan, fonts, &images);
        pdf.pages.push(pdf_page(w, h, ops));
        sizes.push((w, h));
    }
    if pdf.pages.is_empty() {
        pdf.pages.push(pdf_page(A4.0, A4.1, Vec::new()));
        sizes.push(A4);
    }
    Ok(Drawn { pdf, sizes })
}

/// A printpdf page of `w` × `h` points.
fn pdf_page(w: f32, h: f32, ops: Vec<Op>) -> PdfPage {
    let bx = Rect::from_wh(Pt(w), Pt(h));
    PdfPage {
        media_box: bx.clone(),
        trim_box: bx.clone(),
        crop_box: bx,
        ops,
    }
}

/// The operators of one page `h` points high.
fn page_ops(page: &Page, h: f32, plan: &FontPlan, fonts: &Fonts, images: &BTreeMap<String, XObjectId>) -> Vec<Op> {
    let mut ops = Vec::new();
    for item in &page.items {
        match item {
            Item::Text(run) => plan.draw_run(run, fonts, h, &mut ops),
            Item::Rect {
                x,
                y,
                w,
                h: rh,
                fill,
                stroke,
            } => {
                let mode = match (fill, stroke) {
                    (Some(_), Some(_)) => PaintMode::FillStroke,
                    (Some(_), None) => PaintMode::Fill,
                    (None, Some(_)) => PaintMode::Stroke,
                    (None, None) => continue,
                };
                ops.push(Op::SaveGraphicsState);
                if let Some(fill) = fill {
                    ops.push(Op::SetFillColor { col: color(*fill) });
                }
                if let Some(stroke) = stroke {
                    set_stroke(stroke, &mut ops);
                }
                let (rw, rh) = (finite(*w), finite(*rh));
                ops.push(Op::DrawRectangle {
                    rectangle: Rect {
                        x: Pt(finite(*x)),
                        y: Pt(h - finite(*y) - rh),
                        width: Pt(rw),
                        height: Pt(rh),
                        mode: Some(mode),
                        winding_order: None,
                    },
                });
                ops.push(Op::RestoreGraphicsState);
            }
            Item::Line { x1, y1, x2, y2, stroke } => {
                let point = |x: f32, y: f32| LinePoint {
                    p: Point {
                        x: Pt(finite(x)),
                        y: Pt(h - finite(y)),
                    },
                    bezier: false,
                };
                ops.push(Op::SaveGraphicsState);
                set_stroke(stroke, &mut ops);
                ops.push(Op::DrawLine {
                    line: Line {
                        points: vec![point(*x1, *y1), point(*x2, *y2)],
                        is_closed: false,
                    },
                });
                ops.push(Op::RestoreGraphicsState);
            }
            Item::Image { src, alt, x, y, w, h: ih } => {
                let Some(id) = images.get(src) else { continue };
                let (iw, ih) = (finite(*w), finite(*ih));
                // The alternative text travels with the image as a /Figure's /Alt.
                ops.push(Op::BeginMarkedContentWithProperties { tag: "Figure".into(), properties: super::text::alt_text(alt) });
                // An image paints the unit square; the matrix stretches it over the box.
                ops.push(Op::SaveGraphicsState);
                ops.push(Op::SetTransformationMatrix {
                    matrix: CurTransMat::Raw([iw, 0.0, 0.0, ih, finite(*x), h - finite(*y) - ih]),
                });
                ops.push(Op::UseXobject {
                    id: id.clone(),
                    transform: XObjectTransform {
                        no_auto_scale: true,
                        ..Default::default()
                    },
                });
                ops.push(Op::RestoreGraphicsState);
                ops.push(Op::EndMarkedContent);
            }
            Item::Link { .. } => {}
        }
    }
    ops
}

/// Sets the stroke colour and line width.
fn set_stroke(stroke: &Stroke, ops: &mut Vec<Op>) {
    ops.push(Op::SetOutlineColor {
        col: color(stroke.color),
    });
    ops.push(Op::SetOutlineThickness {
        pt: Pt(finite(stroke.width).max(0.0)),
    });
}
