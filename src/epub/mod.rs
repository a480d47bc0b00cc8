//! The EPUB edition: document tree → XHTML chapters → EPUB 3 package (epub-builder).
// Owner: EPUB helper. Stub until then.

use crate::doc::Document;
use crate::resources::Resources;

/// Options of the EPUB backend.
#[derive(Debug, Clone, Default)]
pub struct EpubOptions {
    /// Seconds since the Unix epoch written as `dcterms:modified` (from SOURCE_DATE_EPOCH).
    pub modified: i64,
}

/// Renders a document as EPUB 3 bytes.
pub fn write(doc: &Document, res: &Resources, opts: &EpubOptions) -> Result<Vec<u8>, String> {
    let _ = (doc, res, opts);
    Err("EPUB backend not written yet".into())
}
