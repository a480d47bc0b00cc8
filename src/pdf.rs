//! The PDF writer: positioned pages → PDF bytes (printpdf), plus a lopdf post-pass.
// Owner: PDF helper. Stub until then.

use crate::fonts::Fonts;
use crate::layout::LaidOut;
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
pub fn write(doc: &LaidOut, fonts: &Fonts, res: &Resources, opts: &PdfOptions) -> Result<Vec<u8>, String> {
    let _ = (doc, fonts, res, opts);
    Err("PDF writer not written yet".into())
}
