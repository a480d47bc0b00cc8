//! The PDF writer: positioned pages → PDF bytes, in one front-to-back pass.
//!
//! [`write`] serializes the file itself ([`syntax`]): page content streams straight from
//! layout's items ([`draw`], [`text`]), then images ([`images`]), fonts as subsets with
//! widths and a ToUnicode map ([`embed`]; the subsetting is printpdf's), the nested outline
//! ([`outline`]), named destinations, link annotations (no border), an honest Info
//! dictionary (no conformance claim), `/Lang`, and a trailer `/ID` hashed from the content.
//!
//! Why not printpdf's document model: it keeps every operator of every page as an enum in
//! memory, re-serializes through lopdf's object tree, numbers objects from a process-global
//! counter and compresses at zlib's slowest level. Writing bytes directly is five to ten
//! times faster and holds one page's operators at a time, which is what long reports and
//! 100,000-row tables need. Every name and id is chosen from the content, so the same
//! input gives the same bytes in any process, on any thread, after any other document.

mod draw;
mod embed;
mod images;
mod outline;
mod syntax;
mod text;

use std::collections::BTreeMap;

use rayon::prelude::*;

use crate::fonts::Fonts;
use crate::layout::{Item, LaidOut, LinkTarget};
use crate::resources::Resources;
use syntax::{int, literal, name, real, reference, PdfFile, Ref};

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
    let plan = text::FontPlan::new(doc, fonts);
    let mut file = PdfFile::new();
    let catalog = file.reserve();
    let page_tree = file.reserve();
    let info = file.reserve();
    let resources = file.reserve();
    let font_ids: Vec<Ref> = plan.faces.iter().map(|_| file.reserve()).collect();

    let blank = crate::layout::Page { width: A4.0, height: A4.1, items: Vec::new() };
    let pages: Vec<&crate::layout::Page> = if doc.pages.is_empty() { vec![&blank] } else { doc.pages.iter().collect() };
    let refs: Vec<PageRef> = pages
        .iter()
        .map(|p| PageRef {
            id: file.reserve(),
            height: page_size(p).1,
        })
        .collect();
    let images = images::write(doc, res, &mut file);
    let dests = named_destinations(doc, &refs);

    // The expensive, independent work runs in parallel: each page's content stream is
    // drawn and compressed, each face subset and compressed. Results are collected in
    // order, so the file is the same whatever the number of threads.
    let (streams, prepared) = rayon::join(
        || {
            pages
                .par_iter()
                .map(|page| syntax::deflate(&draw::content(page, page_size(page).1, &plan, fonts, &images)))
                .collect::<Vec<Vec<u8>>>()
        },
        || plan.faces.par_iter().map(|e| embed::prepare(e, fonts)).collect::<Result<Vec<_>, String>>(),
    );
    let prepared = prepared?;

    let mut d = Vec::with_capacity(512);
    for ((page, pref), stream) in pages.iter().zip(&refs).zip(&streams) {
        let (w, h) = page_size(page);
        let contents = file.reserve();
        file.raw_stream(contents, b"", stream, true);
        let annots = write_links(&mut file, page, pref, &dests);
        d.clear();
        d.extend_from_slice(b"/Type/Page/Parent ");
        reference(&mut d, page_tree);
        d.extend_from_slice(b"/MediaBox[0 0 ");
        real(&mut d, w);
        d.push(b' ');
        real(&mut d, h);
        d.extend_from_slice(b"]/Resources ");
        reference(&mut d, resources);
        d.extend_from_slice(b"/Contents ");
        reference(&mut d, contents);
        if !annots.is_empty() {
            d.extend_from_slice(b"/Annots[");
            for (i, a) in annots.iter().enumerate() {
                if i > 0 {
                    d.push(b' ');
                }
                reference(&mut d, *a);
            }
            d.push(b']');
        }
        file.dict(pref.id, &d);
    }

    // One CMap object serves every face drawn with one-byte codes.
    let one_byte_cmap = prepared.iter().any(embed::Prepared::one_byte).then(|| {
        let id = file.reserve();
        embed::write_one_byte_cmap(&mut file, id);
        id
    });
    for (p, &id) in prepared.iter().zip(&font_ids) {
        embed::write_font(&mut file, id, p, one_byte_cmap);
    }
    d.clear();
    d.extend_from_slice(b"/Font<<");
    for (e, &id) in plan.faces.iter().zip(&font_ids) {
        name(&mut d, e.res.as_bytes());
        d.push(b' ');
        reference(&mut d, id);
    }
    d.extend_from_slice(b">>/XObject<<");
    for (res_name, id) in images.values() {
        name(&mut d, res_name.as_bytes());
        d.push(b' ');
        reference(&mut d, *id);
    }
    d.extend_from_slice(b">>");
    file.dict(resources, &d);

    d.clear();
    d.extend_from_slice(b"/Type/Pages/Kids[");
    for (i, p) in refs.iter().enumerate() {
        if i > 0 {
            d.push(b' ');
        }
        reference(&mut d, p.id);
    }
    d.extend_from_slice(b"]/Count ");
    int(&mut d, refs.len() as i64);
    file.dict(page_tree, &d);

    let outline = outline::write(&mut file, &doc.outline, &refs);
    let names = write_dest_tree(&mut file, &dests);
    write_info(&mut file, info, opts);

    d.clear();
    d.extend_from_slice(b"/Type/Catalog/Pages ");
    reference(&mut d, page_tree);
    if !opts.lang.trim().is_empty() {
        d.extend_from_slice(b"/Lang");
        syntax::text(&mut d, opts.lang.trim());
    }
    d.extend_from_slice(b"/ViewerPreferences<</DisplayDocTitle true>>");
    match outline {
        Some(root) => {
            d.extend_from_slice(b"/Outlines ");
            reference(&mut d, root);
            d.extend_from_slice(b"/PageMode/UseOutlines");
        }
        None => d.extend_from_slice(b"/PageMode/UseNone"),
    }
    if let Some(tree) = names {
        d.extend_from_slice(b"/Names<</Dests ");
        reference(&mut d, tree);
        d.extend_from_slice(b">>");
    }
    file.dict(catalog, &d);

    // The /ID hashes everything written: equal content, equal id, equal bytes. (BLAKE3,
    // not a byte-at-a-time hash: this runs after everything else, on one thread, and
    // FNV-1a took 0.1 ms over the example's 75 KB.)
    let digest = blake3::hash(&file.buf);
    let id = &digest.as_bytes()[..16];
    d.clear();
    d.extend_from_slice(b"/Root ");
    reference(&mut d, catalog);
    d.extend_from_slice(b"/Info ");
    reference(&mut d, info);
    d.extend_from_slice(b"/ID[");
    for _ in 0..2 {
        d.push(b'<');
        for &b in id {
            syntax::hex_byte(&mut d, b);
        }
        d.push(b'>');
    }
    d.push(b']');
    Ok(file.finish(&d))
}

/// A written page: its object and its height (to flip destinations' y).
pub(crate) struct PageRef {
    id: Ref,
    height: f32,
}

/// An RGB colour in thousandths, comparable for "has the colour changed".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Rgb([u16; 3]);

/// Appends an explicit destination: the top of the view at `y` (from the page top) on
/// page `page`, clamped to the document's pages. False (nothing written) without pages.
fn destination(out: &mut Vec<u8>, pages: &[PageRef], page: usize, y: f32) -> bool {
    let Some(last) = pages.len().checked_sub(1) else { return false };
    let Some(p) = pages.get(page.min(last)) else { return false };
    let top = (p.height - finite(y)).clamp(0.0, p.height);
    out.push(b'[');
    reference(out, p.id);
    out.extend_from_slice(b"/XYZ 0 ");
    real(out, top);
    out.extend_from_slice(b" null]");
    true
}

/// One named destination per anchor (the first of equal ids wins), as the bytes of its
/// explicit destination, sorted bytewise by name as name trees require.
fn named_destinations(doc: &LaidOut, pages: &[PageRef]) -> BTreeMap<Vec<u8>, Vec<u8>> {
    let mut sorted = BTreeMap::new();
    for anchor in &doc.anchors {
        if anchor.id.is_empty() || sorted.contains_key(anchor.id.as_bytes()) {
            continue;
        }
        let mut dest = Vec::new();
        if destination(&mut dest, pages, anchor.page, anchor.y) {
            sorted.insert(anchor.id.as_bytes().to_vec(), dest);
        }
    }
    sorted
}

/// Writes the name tree of named destinations (one leaf node), or nothing without any.
fn write_dest_tree(file: &mut PdfFile, dests: &BTreeMap<Vec<u8>, Vec<u8>>) -> Option<Ref> {
    if dests.is_empty() {
        return None;
    }
    let mut d = Vec::with_capacity(dests.len() * 40);
    d.extend_from_slice(b"/Names[");
    for (name, dest) in dests {
        literal(&mut d, name);
        d.extend_from_slice(dest);
    }
    d.push(b']');
    let id = file.reserve();
    file.dict(id, &d);
    Some(id)
}

/// Writes a Link annotation for every link item of `page` and returns their ids: URIs as
/// URI actions, internal links as GoTo actions naming their destination (links to unknown
/// anchors are dropped, as a dangling name is an error in every reader).
fn write_links(file: &mut PdfFile, page: &crate::layout::Page, pref: &PageRef, dests: &BTreeMap<Vec<u8>, Vec<u8>>) -> Vec<Ref> {
    let mut ids = Vec::new();
    let mut d = Vec::new();
    for item in &page.items {
        let Item::Link { x, y, w, h, target } = item else {
            continue;
        };
        d.clear();
        d.extend_from_slice(b"/Type/Annot/Subtype/Link/Rect[");
        let (x, y, w, h) = (finite(*x), finite(*y), finite(*w), finite(*h));
        for (i, v) in [x, pref.height - y - h, x + w, pref.height - y].into_iter().enumerate() {
            if i > 0 {
                d.push(b' ');
            }
            real(&mut d, v);
        }
        d.extend_from_slice(b"]/Border[0 0 0]/F 4/P ");
        reference(&mut d, pref.id);
        match target {
            LinkTarget::Uri(uri) if !uri.is_empty() => {
                d.extend_from_slice(b"/A<</S/URI/URI");
                // A URI action holds 7-bit ASCII: percent-encode every other byte.
                let mut ascii = Vec::with_capacity(uri.len());
                for &b in uri.as_bytes() {
                    if b.is_ascii() && !b.is_ascii_control() {
                        ascii.push(b);
                    } else {
                        ascii.push(b'%');
                        syntax::hex_byte(&mut ascii, b);
                    }
                }
                literal(&mut d, &ascii);
                d.extend_from_slice(b">>");
            }
            LinkTarget::Internal(id) if dests.contains_key(id.as_bytes()) => {
                d.extend_from_slice(b"/A<</S/GoTo/D");
                literal(&mut d, id.as_bytes());
                d.extend_from_slice(b">>");
            }
            _ => continue,
        }
        let id = file.reserve();
        file.dict(id, &d);
        ids.push(id);
    }
    ids
}

/// A PDF date (`D:YYYYMMDDHHmmSSZ`) for seconds since the Unix epoch.
fn pdf_date(secs: i64) -> String {
    // PDF dates have four-digit years: clamp to 0000–9999.
    let secs = secs.clamp(-62_167_219_200, 253_402_300_799);
    let t = chrono::DateTime::from_timestamp(secs, 0).unwrap_or_default();
    format!("D:{}Z", t.format("%Y%m%d%H%M%S"))
}

/// Writes the Info dictionary: Title, Author, Subject, Keywords, Creator, Producer and the
/// dates from the options (and no conformance claim).
fn write_info(file: &mut PdfFile, id: Ref, opts: &PdfOptions) {
    let mut d = Vec::new();
    d.extend_from_slice(b"/Title");
    syntax::text(&mut d, &opts.title);
    let authors: Vec<&str> = opts.authors.iter().map(|a| a.trim()).filter(|a| !a.is_empty()).collect();
    if !authors.is_empty() {
        d.extend_from_slice(b"/Author");
        syntax::text(&mut d, &authors.join(", "));
    }
    if let Some(subject) = opts.subject.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        d.extend_from_slice(b"/Subject");
        syntax::text(&mut d, subject);
    }
    if !opts.keywords.is_empty() {
        d.extend_from_slice(b"/Keywords");
        syntax::text(&mut d, &opts.keywords.join(", "));
    }
    d.extend_from_slice(b"/Creator(brief)/Producer");
    syntax::text(&mut d, &format!("brief {}", env!("CARGO_PKG_VERSION")));
    let date = pdf_date(opts.date);
    for key in [&b"/CreationDate"[..], b"/ModDate"] {
        d.extend_from_slice(key);
        literal(&mut d, date.as_bytes());
    }
    file.dict(id, &d);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_follow_the_pdf_format() {
        assert_eq!(pdf_date(1_700_000_000), "D:20231114221320Z");
        assert_eq!(pdf_date(0), "D:19700101000000Z");
        assert_eq!(pdf_date(i64::MAX), "D:99991231235959Z");
        assert_eq!(pdf_date(i64::MIN), "D:00000101000000Z");
    }

    #[test]
    fn destinations_clamp_to_the_last_page_and_flip_y() {
        let pages = [PageRef { id: Ref(1), height: 800.0 }, PageRef { id: Ref(2), height: 800.0 }];
        let mut out = Vec::new();
        assert!(destination(&mut out, &pages, 7, 100.0));
        assert_eq!(String::from_utf8_lossy(&out), "[2 0 R/XYZ 0 700 null]");
        assert!(!destination(&mut Vec::new(), &[], 0, 0.0));
    }
}
