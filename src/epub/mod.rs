//! The EPUB edition: document tree → XHTML chapters → EPUB 3 package (epub-builder).
//!
//! The book is a title page, a contents page and the body split into chapter files
//! ([`outline`] says where). [`xhtml`] writes chapter bodies, [`pages`] the title and
//! contents pages and the XHTML skeleton, and [`package`] hands everything, with the
//! metadata, to epub-builder. Only `package` knows epub-builder.

mod escape;
mod outline;
mod package;
mod pages;
pub(crate) mod rawhtml;
mod xhtml;

#[cfg(test)]
mod tests;

use crate::doc::Document;
use crate::resources::{ImageData, Resources};

use outline::TocNode;
use package::Landmark;

/// Options of the EPUB backend.
#[derive(Debug, Clone, Default)]
pub struct EpubOptions {
    /// Seconds since the Unix epoch written as `dcterms:modified` (from SOURCE_DATE_EPOCH).
    pub modified: i64,
}

/// Renders a document as EPUB 3 bytes. The same input gives the same bytes.
pub fn write(doc: &Document, res: &Resources, opts: &EpubOptions) -> Result<Vec<u8>, String> {
    let book = render(doc, res);
    package::build(&doc.meta, &book, opts.modified)
}

/// One XHTML file of the book, in reading order.
#[derive(Debug)]
pub(crate) struct BookFile {
    /// File name inside the package.
    pub name: String,
    pub xhtml: String,
    /// Entry in the nav document (`None`: not listed).
    pub toc_title: Option<String>,
    /// Sub-entries of that entry.
    pub toc_children: Vec<TocNode>,
    /// Landmark in the nav document.
    pub landmark: Option<Landmark>,
}

/// The rendered book, ready to package.
#[derive(Debug)]
pub(crate) struct Book<'r> {
    pub res: &'r Resources,
    pub lang: String,
    pub contents_title: String,
    pub files: Vec<BookFile>,
    /// Embedded images: package path and data, in order of first use.
    pub images: Vec<(String, &'r ImageData)>,
    /// Whether some embedded image has no alt text.
    pub missing_alt: bool,
    /// Whether the body has footnotes, and tables.
    pub has_notes: bool,
    pub has_tables: bool,
}

/// Renders every page of the book.
pub(crate) fn render<'r>(doc: &Document, res: &'r Resources) -> Book<'r> {
    let lang = escape::lang(&doc.meta.lang);
    let title = pages::book_title(&doc.meta);
    let contents_title = "Contents".to_string();
    let outline = outline::outline(&doc.blocks);

    let mut state = xhtml::BookState {
        res,
        targets: &outline.targets,
        note_prefix: &outline.note_prefix,
        images: xhtml::ImageRegistry::default(),
        notes: 0,
        tables: 0,
        ids: Default::default(),
    };
    let mut chapters = Vec::new();
    let mut toc_roots = Vec::new();
    for (n, chapter) in outline.chapters.iter().enumerate() {
        let blocks = doc.blocks.get(chapter.start..chapter.end).unwrap_or(&[]);
        let body = xhtml::chapter_body(blocks, &mut state);
        let body = format!("<section class=\"chapter\" role=\"doc-chapter\">\n{body}</section>\n");
        let page_title = chapter.title.clone().unwrap_or_else(|| title.clone());
        let (toc_title, toc_children) = match &chapter.toc {
            Some(node) => {
                toc_roots.push(node.clone());
                (Some(node.title.clone()), node.children.clone())
            }
            None => {
                // Only a body without headings has a chapter without a root: list it under
                // the book's title so the nav and the landmarks can point at it.
                toc_roots.push(TocNode { href: chapter.file.clone(), title: title.clone(), children: Vec::new() });
                (Some(title.clone()), Vec::new())
            }
        };
        chapters.push(BookFile {
            name: chapter.file.clone(),
            xhtml: pages::page(&lang, &page_title, "bodymatter", &body),
            toc_title,
            toc_children,
            landmark: (n == 0).then_some(Landmark::Text),
        });
    }

    let mut files = vec![
        BookFile {
            name: "title.xhtml".into(),
            xhtml: pages::page(&lang, &title, "frontmatter", &pages::title_page(&doc.meta)),
            toc_title: Some("Title page".into()),
            toc_children: Vec::new(),
            landmark: Some(Landmark::TitlePage),
        },
        BookFile {
            name: "contents.xhtml".into(),
            xhtml: pages::page(
                &lang,
                &contents_title,
                "frontmatter",
                &pages::contents_page(&contents_title, &toc_roots),
            ),
            toc_title: Some(contents_title.clone()),
            toc_children: Vec::new(),
            landmark: Some(Landmark::Toc),
        },
    ];
    files.extend(chapters);

    let images = state
        .images
        .order
        .iter()
        .filter_map(|(path, src)| res.images.get(src).map(|data| (path.clone(), data)))
        .collect();
    Book {
        res,
        lang,
        contents_title,
        files,
        images,
        missing_alt: state.images.missing_alt,
        has_notes: state.notes > 0,
        has_tables: state.tables > 0,
    }
}
