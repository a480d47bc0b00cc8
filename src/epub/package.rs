//! The EPUB 3 package: rendered pages, images, stylesheet and metadata → epub-builder.
//!
//! This is the only file that knows epub-builder (0.8.2, vendored in `vendor/epub-builder`
//! with its `Zip` trait exported; see ARCHITECTURE.md for its pitfalls). Reproducibility
//! comes from a fixed identifier (`set_uuid`) and a fixed modification date
//! (`set_modified_date`); the archive itself is written here, with fixed entry dates.
//!
//! epub-builder writes its own nav document from a fixed template, without `lang` and
//! with no place for a page-list, and its zip backends deflate every file with a fresh
//! level-6 zlib state. So epub-builder is given a [`Zip`](epub_builder::Zip) of ours
//! ([`Files`]) that keeps the files as written, and the archive is made here ([`finish`]):
//! the `mimetype` first and stored, epub-builder's own files (container, package document,
//! NCX) compressed by [`crate::deflate`], `OEBPS/nav.xhtml` rewritten to carry the language
//! and the page-list, and the empty stand-ins it was given for the files brief renders
//! (chapters, stylesheet, fonts, images) replaced by the real files.

use std::cell::RefCell;
use std::io::{Read, Write};
use std::path::Path;
use std::rc::Rc;

use chrono::DateTime;
use epub_builder::{EpubBuilder, EpubContent, EpubVersion, MetadataOpfV3, ReferenceType, TocElement};
use uuid::Uuid;

use crate::doc::Meta;

use super::archive::{Archive, Method};
use super::escape;
use super::outline::TocNode;
use super::pages::book_title;
use super::{fonts, pagemarks, Book, EpubOptions};

/// The stylesheet of every page.
const CSS: &str = include_str!("style.css");

/// Path of epub-builder's nav document inside the archive.
const NAV: &str = "OEBPS/nav.xhtml";

/// The files brief renders, by archive path, to replace epub-builder's stand-ins.
type Ours<'a> = Vec<(String, &'a [u8], Method)>;

/// Packs epub-builder's files into the final archive (see the module comment): the
/// `mimetype` first and stored, `ours` in place of the stand-ins of the same path, the nav
/// document with `lang` and the page-list, everything else as epub-builder wrote it.
fn finish(files: &[(String, Vec<u8>)], ours: &Ours<'_>, lang: &str, page_list: &str) -> Result<Vec<u8>, String> {
    let written: usize = files.iter().map(|(_, data)| data.len()).sum();
    let size: usize = ours.iter().map(|(_, data, _)| data.len() / 3).sum();
    let mut out = Archive::with_capacity(written / 3 + size + page_list.len() + 64);
    out.add("mimetype", b"application/epub+zip", Method::Store)?;
    let mut replaced = 0;
    for (name, data) in files {
        if let Some((_, data, method)) = ours.iter().find(|(path, _, _)| path == name) {
            out.add(name, data, *method)?;
            replaced += 1;
        } else if name == NAV {
            let nav = std::str::from_utf8(data).map_err(|e| format!("EPUB packaging failed: {NAV}: {e}"))?;
            out.add(NAV, patch_nav(nav, lang, page_list).as_bytes(), Method::Deflate)?;
        } else {
            out.add(name, data, Method::Deflate)?;
        }
    }
    // Every file brief rendered must be in the book (epub-builder wrote a stand-in for it).
    if replaced != ours.len() {
        let missing = ours.len().saturating_sub(replaced);
        return Err(format!("EPUB packaging failed: {missing} of {} files missing from the archive", ours.len()));
    }
    out.finish()
}

/// What epub-builder writes, file by file, as it writes it: its zip backends would deflate
/// every file with a fresh level-6 zlib state (a third of a megabyte set up for each of a
/// dozen files of a few kilobytes); [`finish`] packs them instead.
#[derive(Default)]
struct Files(Rc<RefCell<Vec<(String, Vec<u8>)>>>);

impl epub_builder::Zip for Files {
    fn write_file<P: AsRef<Path>, R: Read>(&mut self, file: P, mut content: R) -> epub_builder::Result<()> {
        let mut data = Vec::new();
        content.read_to_end(&mut data)?;
        self.0.borrow_mut().push((file.as_ref().to_string_lossy().replace('\\', "/"), data));
        Ok(())
    }

    fn generate<W: Write>(self, _: W) -> epub_builder::Result<()> {
        Ok(())
    }
}

/// Adds `lang`/`xml:lang` to the nav document's root and the page-list before `</body>`.
/// (epub-builder 0.8.2's template: `<html xmlns=... xmlns:epub=...>` and one `</body>`.)
fn patch_nav(nav: &str, lang: &str, page_list: &str) -> String {
    const ROOT: &str = "xmlns:epub=\"http://www.idpf.org/2007/ops\"";
    let mut out = String::with_capacity(nav.len() + page_list.len() + 64);
    match nav.split_once(ROOT) {
        Some((head, tail)) if !head.contains("lang=") => {
            out.push_str(head);
            out.push_str(ROOT);
            out.push_str(&format!(" lang=\"{lang}\" xml:lang=\"{lang}\""));
            out.push_str(tail);
        }
        _ => out.push_str(nav),
    }
    if !page_list.is_empty() {
        if let Some(at) = out.rfind("</body>") {
            out.insert_str(at, page_list);
        }
    }
    out
}

/// What epub-builder's files for a book are made of besides the document's metadata and
/// the options (both the same for the two renderings of one document): every field of the
/// book except the pages' XHTML and where the page markers went, and whether it has a
/// page-list. Two books of one document with the same shape get the same files.
pub(crate) fn shape(book: &Book, paged: bool) -> String {
    let files: Vec<_> = book
        .files
        .iter()
        .map(|f| (&f.name, &f.toc_title, &f.toc_children, f.nav_level, f.landmark))
        .collect();
    let images: Vec<_> = book.images.iter().map(|(path, data)| (path, data.format.media_type())).collect();
    let fonts: Vec<_> = book.fonts.iter().map(|f| &f.path).collect();
    format!(
        "{:?}",
        (&book.lang, &book.contents_title, files, images, fonts, book.missing_alt, book.has_notes, book.has_tables, paged)
    )
}

/// epub-builder's files made ahead of the pages' XHTML ([`super::skeleton`]), with the
/// [`shape`] of the book they were made for.
pub(crate) struct Made {
    pub files: Vec<(String, Vec<u8>)>,
    pub shape: String,
}

/// Builds the package bytes, with epub-builder's files made ahead when they were made for a
/// book of this shape (otherwise it is made here).
pub(crate) fn build_with(meta: &Meta, book: &Book, opts: &EpubOptions, made: Option<Made>) -> Result<Vec<u8>, String> {
    let paged = !book.page_list.is_empty();
    let files = match made {
        Some(m) if m.shape == shape(book, paged) => m.files,
        _ => generate(meta, book, opts, paged)?,
    };
    let css = stylesheet(book, opts);
    finish(&files, &ours(meta, book, &css), &book.lang, &pagemarks::page_list_nav(&book.page_list))
}

/// The stylesheet: brief's, with the project's fonts and colours.
fn stylesheet(book: &Book, opts: &EpubOptions) -> String {
    let mut css = fonts::stylesheet(CSS, &opts.fonts) + &opts.extra_css;
    if !book.fonts.is_empty() {
        css = fonts::font_face_css(&book.fonts) + &css;
    }
    css
}

/// The files brief renders, in the order they are handed to epub-builder (as stand-ins).
fn ours<'a>(meta: &Meta, book: &'a Book, css: &'a str) -> Ours<'a> {
    let oebps = |path: &str| format!("OEBPS/{path}");
    let mut ours: Ours<'_> = vec![(oebps("stylesheet.css"), css.as_bytes(), Method::Deflate)];
    for (i, face) in book.fonts.iter().enumerate() {
        if book.fonts[..i].iter().all(|f| f.path != face.path) {
            ours.push((oebps(&face.path), face.data, Method::Deflate));
        }
    }
    if let Some(data) = meta.cover.as_deref().and_then(|src| book.res.images.get(src)) {
        // PNG and JPEG data is compressed already: stored.
        ours.push((oebps(&cover_path(data)), data.bytes.as_slice(), Method::Store));
    }
    for (path, data) in &book.images {
        ours.push((oebps(path), data.bytes.as_slice(), Method::Store));
    }
    for file in &book.files {
        ours.push((oebps(&file.name), file.xhtml.as_bytes(), Method::Deflate));
    }
    ours
}

fn cover_path(data: &crate::resources::ImageData) -> String {
    let ext = match data.format {
        crate::resources::ImageFormat::Png => "png",
        crate::resources::ImageFormat::Jpeg => "jpg",
    };
    format!("images/cover.{ext}")
}

/// epub-builder's files: the package document, NCX, nav document and container, with
/// an empty stand-in for every file brief renders. `paged`: the book has a page-list.
pub(crate) fn generate(meta: &Meta, book: &Book, opts: &EpubOptions, paged: bool) -> Result<Vec<(String, Vec<u8>)>, String> {
    let err = |e: epub_builder::Error| format!("EPUB packaging failed: {e}");
    let files = Files::default();
    let written = Rc::clone(&files.0);
    let mut b = EpubBuilder::new(files).map_err(err)?;
    b.epub_version(EpubVersion::V33);
    b.set_generator("brief");
    b.set_toc_name(book.contents_title.as_str());
    b.set_lang(book.lang.as_str());
    b.set_title(book_title(meta));
    b.set_authors(meta.authors.iter().map(|a| escape::clean_line(a)).filter(|a| !a.is_empty()).collect());
    if let Some(summary) = meta.summary.as_deref().map(escape::clean_line).filter(|s| !s.is_empty()) {
        b.add_description(summary);
    }
    for keyword in meta.keywords.iter().map(|k| escape::clean_line(k)).filter(|k| !k.is_empty()) {
        b.add_subject(keyword);
    }
    if let Some(rights) = meta.rights.as_deref().map(escape::clean_line).filter(|r| !r.is_empty()) {
        b.set_license(rights);
    }
    b.set_uuid(identifier(meta));
    b.set_modified_date(DateTime::from_timestamp(opts.modified, 0).unwrap_or_default());
    b.add_metadata_opf(Box::new(spliced(&extra_metadata(meta, book, paged))));
    // epub-builder gets an empty stand-in for each file brief renders; `finish` puts the
    // file itself in its place.
    const STAND_IN: &[u8] = b"";
    b.stylesheet(STAND_IN).map_err(err)?;
    // Two rules may share a file (a house style set in the regular face): add it once.
    for (i, face) in book.fonts.iter().enumerate() {
        if book.fonts[..i].iter().all(|f| f.path != face.path) {
            b.add_resource(face.path.as_str(), STAND_IN, fonts::MEDIA_TYPE).map_err(err)?;
        }
    }
    if let Some(data) = meta.cover.as_deref().and_then(|src| book.res.images.get(src)) {
        b.add_cover_image(cover_path(data).as_str(), STAND_IN, data.format.media_type()).map_err(err)?;
    }
    for (path, data) in &book.images {
        b.add_resource(path, STAND_IN, data.format.media_type()).map_err(err)?;
    }
    for file in &book.files {
        let mut content = EpubContent::new(file.name.as_str(), STAND_IN).level(file.nav_level);
        if let Some(title) = &file.toc_title {
            content = content.title(title.as_str());
        }
        for child in &file.toc_children {
            content = content.child(toc_element(child, file.nav_level + 1));
        }
        if let Some(reftype) = file.landmark {
            content = content.reftype(reftype);
        }
        b.add_content(content).map_err(err)?;
    }
    b.generate(std::io::sink()).map_err(err)?;
    Ok(written.take())
}

/// The book's identifier: a UUID v5 of `meta.id`, else of title + newline + date, so that
/// rebuilding the same brief keeps its identity.
pub(crate) fn identifier(meta: &Meta) -> Uuid {
    let seed = match meta.id.as_deref().filter(|id| !id.trim().is_empty()) {
        Some(id) => id.to_string(),
        None => format!("{}\n{}", meta.title, meta.date.as_deref().unwrap_or("")),
    };
    let namespace = Uuid::new_v5(&Uuid::NAMESPACE_URL, b"https://github.com/brief/epub-identifier");
    Uuid::new_v5(&namespace, seed.as_bytes())
}

fn toc_element(node: &TocNode, level: i32) -> TocElement {
    node.children.iter().fold(TocElement::new(node.href.as_str(), node.title.as_str()).level(level), |el, child| {
        el.child(toc_element(child, level + 1))
    })
}

/// Package metadata epub-builder has no API for, as complete XML elements: the
/// subtitle, publisher, a date as written, and EPUB Accessibility 1.1 metadata.
/// The first and the last element are plain `<meta property="...">` elements (see
/// [`spliced`]).
fn extra_metadata(meta: &Meta, book: &Book, paged: bool) -> String {
    let mut els: Vec<String> = Vec::new();
    let mut property = |name: &str, value: &str| {
        els.push(format!("<meta property=\"{name}\">{}</meta>", escape::text(value)));
    };
    property("schema:accessMode", "textual");
    if !book.images.is_empty() {
        property("schema:accessMode", "visual");
    }
    property("schema:accessModeSufficient", if book.missing_alt { "textual,visual" } else { "textual" });
    let mut features = vec!["structuralNavigation", "tableOfContents", "readingOrder", "displayTransformability"];
    if !book.images.is_empty() && !book.missing_alt {
        features.push("alternativeText");
    }
    if paged {
        features.extend(["pageBreakMarkers", "pageNavigation"]);
    }
    for feature in features {
        property("schema:accessibilityFeature", feature);
    }
    property("schema:accessibilitySummary", &accessibility_summary(book, paged));
    let subtitle = meta.subtitle.as_deref().map(escape::clean_line).filter(|s| !s.is_empty());
    if let Some(subtitle) = subtitle {
        els.push(format!("<dc:title id=\"subtitle\">{}</dc:title>", escape::text(&subtitle)));
        els.push("<meta refines=\"#subtitle\" property=\"title-type\">subtitle</meta>".to_string());
    }
    if let Some(publisher) = meta.publisher.as_deref().map(escape::clean_line).filter(|p| !p.is_empty()) {
        els.push(format!("<dc:publisher>{}</dc:publisher>", escape::text(&publisher)));
    }
    if let Some(date) = meta.date.as_deref().map(str::trim).filter(|d| is_w3c_date(d)) {
        els.push(format!("<dc:date>{date}</dc:date>"));
    }
    if paged {
        // The page-list follows the PDF edition built with this book (EPUB
        // Accessibility: name the source of the pagination).
        els.push(format!(
            "<dc:source id=\"pagination-source\">{} (PDF edition)</dc:source>",
            escape::text(&book_title(meta))
        ));
        els.push("<meta refines=\"#pagination-source\" property=\"source-of\">pagination</meta>".to_string());
    }
    els.push("<meta property=\"schema:accessibilityHazard\">none</meta>".to_string());
    els.join("\n")
}

fn accessibility_summary(book: &Book, paged: bool) -> String {
    let mut s =
        String::from("Reflowable text with structured headings, a table of contents and a logical reading order.");
    if book.has_notes {
        s.push_str(" Footnotes are linked to their references and back.");
    }
    if book.has_tables {
        s.push_str(" Data tables have column headers.");
    }
    if paged {
        s.push_str(" Page-break markers and a page list follow the pages of the PDF edition.");
    }
    if !book.images.is_empty() {
        s.push_str(if book.missing_alt {
            " Some images have no text alternative."
        } else {
            " Every image has a text alternative, shown as its caption in figures."
        });
    }
    s
}

/// Turns complete metadata elements into one `MetadataOpfV3`.
///
/// epub-builder 0.8.2 only adds `<meta>` elements, and it writes a `MetadataOpfV3` as
/// `<meta property="P">CONTENT</meta>` without escaping CONTENT. So a string `raw` of
/// well-formed elements that starts with `<meta property="P">` and ends with `</meta>`
/// is reproduced exactly by P and the text in between. Everything in `raw` was escaped
/// by us; if `raw` does not have that shape, the extra metadata is dropped to a single
/// safe element rather than written malformed.
fn spliced(raw: &str) -> MetadataOpfV3 {
    const OPEN: &str = "<meta property=\"";
    let parts = raw.strip_prefix(OPEN).and_then(|rest| rest.strip_suffix("</meta>")).and_then(|rest| {
        let (property, content) = rest.split_once("\">")?;
        let plain = property.chars().all(|c| c.is_ascii_alphanumeric() || c == ':' || c == '-');
        plain.then(|| (property.to_string(), content.to_string()))
    });
    let (property, content) = parts.unwrap_or_else(|| ("schema:accessibilityHazard".to_string(), "none".to_string()));
    MetadataOpfV3::new(property, content)
}

/// W3CDTF date forms accepted by `dc:date`: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
fn is_w3c_date(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    let digits = |p: &str, n: usize| p.len() == n && p.bytes().all(|b| b.is_ascii_digit());
    let in_range = |p: &str, max: u32| p.parse::<u32>().is_ok_and(|v| (1..=max).contains(&v));
    match parts.as_slice() {
        [y] => digits(y, 4),
        [y, m] => digits(y, 4) && digits(m, 2) && in_range(m, 12),
        [y, m, d] => digits(y, 4) && digits(m, 2) && digits(d, 2) && in_range(m, 12) && in_range(d, 31),
        _ => false,
    }
}

/// The landmark of a page.
pub(crate) type Landmark = ReferenceType;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn w3c_dates() {
        assert!(is_w3c_date("2024-06-03"));
        assert!(is_w3c_date("2024"));
        assert!(!is_w3c_date("2024-13-01"));
        assert!(!is_w3c_date("June 2024"));
    }

    #[test]
    fn identifier_is_stable_and_seeded() {
        let mut meta = Meta { title: "T".into(), date: Some("2024-01-01".into()), ..Meta::default() };
        let a = identifier(&meta);
        assert_eq!(a, identifier(&meta));
        assert_eq!(a.get_version_num(), 5);
        meta.id = Some("brief-42".into());
        assert_ne!(a, identifier(&meta));
    }
}
