//! Finishing: printpdf's document → final bytes, adding what printpdf cannot write.
//!
//! On printpdf's lopdf document this pass: sets the header to PDF 1.7; replaces the Info
//! dictionary (printpdf's claims a `GTS_PDFXVersion`, which makes readers report PDF/X,
//! and carries a random identifier) with Title, Author, Subject, Keywords, Creator,
//! Producer and dates from the options; drops any XMP packet or output intent, so no
//! conformance is claimed anywhere; writes the nested outline, a name tree of named
//! destinations for every anchor, and the link annotations (URI actions, or GoTo actions
//! naming a destination, with no border); sets `/Lang`; and sets the trailer `/ID` to a
//! hash of the finished file, so equal content gives equal bytes.

use std::collections::BTreeMap;

use lopdf::{Dictionary, Document, Object, ObjectId, StringFormat};
use printpdf::{ImageCompression, ImageOptimizationOptions, PdfSaveOptions};

use super::draw::Drawn;
use super::{finite, fnv1a, outline};
use crate::layout::{Item, LaidOut, LinkTarget};

/// Serializes the drawn document, completes it and returns the file's bytes.
pub(super) fn finish(drawn: Drawn, doc: &LaidOut, opts: &super::PdfOptions) -> Result<Vec<u8>, String> {
    let save = PdfSaveOptions {
        optimize: false,
        subset_fonts: true,
        secure: true,
        // Lossless: no JPEG re-encoding, no downscaling, no colour "optimisation".
        image_optimization: Some(ImageOptimizationOptions {
            quality: None,
            max_image_size: None,
            dither_greyscale: Some(false),
            convert_to_greyscale: Some(false),
            auto_optimize: Some(false),
            format: Some(ImageCompression::Flate),
        }),
    };
    let mut warnings = Vec::new();
    let mut lo = drawn.pdf.to_lopdf_document(&save, &mut warnings);
    lo.version = "1.7".into();

    let page_ids: Vec<ObjectId> = lo.get_pages().into_values().collect();
    if page_ids.len() != drawn.sizes.len() {
        return Err(format!(
            "printpdf wrote {} pages of {}",
            page_ids.len(),
            drawn.sizes.len()
        ));
    }
    let pages: Vec<(ObjectId, f32)> = page_ids.iter().copied().zip(drawn.sizes.iter().map(|s| s.1)).collect();

    write_info(&mut lo, opts);
    let outline = outline::write(&mut lo, &doc.outline, &pages);
    let dests = write_dests(&mut lo, doc, &pages);
    write_links(&mut lo, doc, &pages, &dests)?;

    let catalog = lo.catalog_mut().map_err(|e| format!("no catalog: {e}"))?;
    catalog.remove(b"Metadata");
    catalog.remove(b"OutputIntents");
    if !opts.lang.trim().is_empty() {
        catalog.set("Lang", text_string(opts.lang.trim()));
    }
    let mut prefs = Dictionary::new();
    prefs.set("DisplayDocTitle", true);
    catalog.set("ViewerPreferences", prefs);
    if let Some(root) = outline {
        catalog.set("Outlines", root);
        catalog.set("PageMode", Object::Name(b"UseOutlines".to_vec()));
    } else {
        catalog.set("PageMode", Object::Name(b"UseNone".to_vec()));
    }
    if let Some(tree) = dests {
        let mut names = Dictionary::new();
        names.set("Dests", tree.root);
        catalog.set("Names", names);
    }

    lo.compress();
    // The /ID hashes the file as written with a placeholder ID of the same length, which is
    // then overwritten in place: one serialization instead of two.
    let placeholder = Object::String(vec![0u8; 16], StringFormat::Hexadecimal);
    lo.trailer.set("ID", Object::Array(vec![placeholder.clone(), placeholder]));
    let mut bytes = save_bytes(&mut lo)?;
    let id: Vec<u8> = [fnv1a(0, &bytes), fnv1a(0x9e37_79b9_7f4a_7c15, &bytes)]
        .iter()
        .flat_map(|h| h.to_be_bytes())
        .collect();
    let hex: String = id.iter().map(|b| format!("{b:02X}")).collect();
    let zeros = "0".repeat(32);
    let trailer_at = find_last(&bytes, b"/ID").ok_or("no /ID in the trailer")?;
    for _ in 0..2 {
        let at = find_from(&bytes, zeros.as_bytes(), trailer_at).ok_or("no placeholder /ID")?;
        bytes[at..at + 32].copy_from_slice(hex.as_bytes());
    }
    Ok(bytes)
}

fn find_last(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}

fn find_from(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    hay.get(from..)?.windows(needle.len()).position(|w| w == needle).map(|i| i + from)
}

/// The document as bytes.
fn save_bytes(lo: &mut Document) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    lo.save_to(&mut out).map_err(|e| format!("cannot write PDF: {e}"))?;
    Ok(out)
}

/// A PDF text string: PDFDocEncoding-compatible ASCII as is, anything else as UTF-16BE
/// with a byte order mark.
pub(super) fn text_string(s: &str) -> Object {
    if s.bytes().all(|b| (0x20..0x7F).contains(&b)) {
        Object::String(s.as_bytes().to_vec(), StringFormat::Literal)
    } else {
        let mut bytes = vec![0xFE, 0xFF];
        bytes.extend(s.encode_utf16().flat_map(u16::to_be_bytes));
        Object::String(bytes, StringFormat::Hexadecimal)
    }
}

/// An explicit destination: the top of the view at `y` (from the page top) on page `page`,
/// clamped to the document's pages.
pub(super) fn destination(pages: &[(ObjectId, f32)], page: usize, y: f32) -> Option<Object> {
    let &(id, height) = pages.get(page.min(pages.len().checked_sub(1)?))?;
    let top = (height - finite(y)).clamp(0.0, height);
    Some(Object::Array(vec![
        Object::Reference(id),
        Object::Name(b"XYZ".to_vec()),
        Object::Integer(0),
        Object::Real(top),
        Object::Null,
    ]))
}

/// A PDF date (`D:YYYYMMDDHHmmSSZ`) for seconds since the Unix epoch.
fn pdf_date(secs: i64) -> String {
    let t = chrono::DateTime::from_timestamp(secs, 0).unwrap_or_default();
    format!("D:{}Z", t.format("%Y%m%d%H%M%S"))
}

/// Replaces the Info dictionary with ours.
fn write_info(lo: &mut Document, opts: &super::PdfOptions) {
    let mut info = Dictionary::new();
    info.set("Title", text_string(&opts.title));
    let authors: Vec<&str> = opts
        .authors
        .iter()
        .map(|a| a.trim())
        .filter(|a| !a.is_empty())
        .collect();
    if !authors.is_empty() {
        info.set("Author", text_string(&authors.join(", ")));
    }
    if let Some(subject) = opts.subject.as_deref().filter(|s| !s.trim().is_empty()) {
        info.set("Subject", text_string(subject.trim()));
    }
    if !opts.keywords.is_empty() {
        info.set("Keywords", text_string(&opts.keywords.join(", ")));
    }
    info.set("Creator", text_string("brief"));
    info.set("Producer", text_string(&format!("brief {}", env!("CARGO_PKG_VERSION"))));
    let date = pdf_date(opts.date);
    info.set("CreationDate", Object::string_literal(date.clone()));
    info.set("ModDate", Object::string_literal(date));
    match lo.trailer.get(b"Info").and_then(Object::as_reference) {
        Ok(id) => {
            lo.objects.insert(id, Object::Dictionary(info));
        }
        Err(_) => {
            let id = lo.add_object(info);
            lo.trailer.set("Info", id);
        }
    }
}

/// The name tree of named destinations.
struct DestTree {
    root: ObjectId,
    /// The names it holds.
    names: std::collections::BTreeSet<Vec<u8>>,
}

/// Writes one named destination per anchor (the first of equal ids wins), or nothing when
/// there are no anchors. Names are the anchor ids' UTF-8 bytes, which name trees keep
/// sorted bytewise.
fn write_dests(lo: &mut Document, doc: &LaidOut, pages: &[(ObjectId, f32)]) -> Option<DestTree> {
    let mut sorted: BTreeMap<Vec<u8>, Object> = BTreeMap::new();
    for anchor in &doc.anchors {
        if anchor.id.is_empty() || sorted.contains_key(anchor.id.as_bytes()) {
            continue;
        }
        if let Some(dest) = destination(pages, anchor.page, anchor.y) {
            sorted.insert(anchor.id.as_bytes().to_vec(), dest);
        }
    }
    if sorted.is_empty() {
        return None;
    }
    let names = sorted.keys().cloned().collect();
    let mut array = Vec::with_capacity(sorted.len() * 2);
    for (name, dest) in sorted {
        array.push(Object::String(name, StringFormat::Literal));
        array.push(dest);
    }
    let mut node = Dictionary::new();
    node.set("Names", array);
    let root = lo.add_object(node);
    Some(DestTree { root, names })
}

/// Adds a Link annotation for every link item: URIs as URI actions, internal links as
/// GoTo actions naming their destination (links to unknown anchors are dropped, as a
/// dangling name is an error in every reader).
fn write_links(
    lo: &mut Document,
    doc: &LaidOut,
    pages: &[(ObjectId, f32)],
    dests: &Option<DestTree>,
) -> Result<(), String> {
    for (page, &(page_id, height)) in doc.pages.iter().zip(pages) {
        let mut annots = Vec::new();
        for item in &page.items {
            let Item::Link { x, y, w, h, target } = item else {
                continue;
            };
            let action = match target {
                LinkTarget::Uri(uri) if !uri.is_empty() => {
                    let mut a = Dictionary::new();
                    a.set("S", Object::Name(b"URI".to_vec()));
                    a.set("URI", Object::String(uri.as_bytes().to_vec(), StringFormat::Literal));
                    a
                }
                LinkTarget::Internal(id) if dests.as_ref().is_some_and(|d| d.names.contains(id.as_bytes())) => {
                    let mut a = Dictionary::new();
                    a.set("S", Object::Name(b"GoTo".to_vec()));
                    a.set("D", Object::String(id.as_bytes().to_vec(), StringFormat::Literal));
                    a
                }
                _ => continue,
            };
            let (x, y, w, h) = (finite(*x), finite(*y), finite(*w), finite(*h));
            let mut annot = Dictionary::new();
            annot.set("Type", Object::Name(b"Annot".to_vec()));
            annot.set("Subtype", Object::Name(b"Link".to_vec()));
            annot.set(
                "Rect",
                vec![x.into(), (height - y - h).into(), (x + w).into(), (height - y).into()],
            );
            annot.set("Border", vec![0.into(), 0.into(), 0.into()]);
            annot.set("F", 4);
            annot.set("P", page_id);
            annot.set("A", action);
            annots.push(Object::Reference(lo.add_object(annot)));
        }
        if annots.is_empty() {
            continue;
        }
        let page_dict = lo
            .get_dictionary_mut(page_id)
            .map_err(|e| format!("page object: {e}"))?;
        page_dict.set("Annots", annots);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_follow_the_pdf_format() {
        assert_eq!(pdf_date(1_700_000_000), "D:20231114221320Z");
        assert_eq!(pdf_date(0), "D:19700101000000Z");
        assert_eq!(pdf_date(i64::MAX), "D:19700101000000Z");
    }

    #[test]
    fn text_strings_are_ascii_or_utf16() {
        assert_eq!(
            text_string("Brief"),
            Object::String(b"Brief".to_vec(), StringFormat::Literal)
        );
        assert_eq!(
            text_string("Қ"),
            Object::String(vec![0xFE, 0xFF, 0x04, 0x9A], StringFormat::Hexadecimal)
        );
    }

    #[test]
    fn destinations_clamp_to_the_last_page_and_flip_y() {
        let pages = [((1, 0), 800.0), ((2, 0), 800.0)];
        let Some(Object::Array(d)) = destination(&pages, 7, 100.0) else {
            panic!("no destination")
        };
        assert_eq!(d.first(), Some(&Object::Reference((2, 0))));
        assert_eq!(d.get(3), Some(&Object::Real(700.0)));
        assert_eq!(destination(&[], 0, 0.0), None);
    }
}
