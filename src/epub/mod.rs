//! The EPUB edition: document tree → XHTML chapters → EPUB 3 package (epub-builder).
//!
//! The book is a title page, a contents page and the body split into chapter files
//! ([`outline`] says where). [`xhtml`] writes chapter bodies, [`pages`] the title and
//! contents pages and the XHTML skeleton, and [`package`] hands everything, with the
//! metadata, to epub-builder. Only `package` knows epub-builder.

mod archive;
mod escape;
mod fonts;
pub(crate) mod outline;
mod package;
mod pagemarks;
mod pages;
pub(crate) mod rawhtml;
mod xhtml;

#[cfg(test)]
mod tests;

use crate::doc::Document;
use crate::layout::PageStart;
use crate::resources::{ImageData, Resources};

pub use fonts::BookFonts;
use outline::{Split, TocNode};
use package::Landmark;

/// Options of the EPUB backend.
#[derive(Debug, Clone, Default)]
pub struct EpubOptions {
    /// Seconds since the Unix epoch written as `dcterms:modified` (from SOURCE_DATE_EPOCH).
    pub modified: i64,
    /// Where each page of the PDF built in the same run begins
    /// ([`crate::layout::LaidOut::page_starts`]). When not empty, the book gets a
    /// page-break marker for every PDF page and a page-list in its nav document, so
    /// "page 4 of the brief" resolves in the e-reader edition.
    pub page_starts: Vec<PageStart>,
    /// Heading level at which the body is split into chapter files (`brief.toml`'s
    /// `document.chapter_level`); `None`: the document's top level.
    pub chapter_level: Option<u8>,
    /// Embed the fonts the stylesheet uses (`--epub-fonts`).
    pub embed_fonts: bool,
    /// The typefaces of body text, headings and code (`brief.toml`'s `[fonts]`, through
    /// [`BookFonts::of`]): the stylesheet's font stacks and the faces embedded follow them.
    /// The default is brief's own faces.
    pub fonts: BookFonts,
    /// CSS appended to the stylesheet (the project's `[theme]` colours).
    pub extra_css: String,
}

/// Renders a document as EPUB 3 bytes. The same input gives the same bytes.
pub fn write(doc: &Document, res: &Resources, opts: &EpubOptions) -> Result<Vec<u8>, String> {
    write_with(doc, res, opts, None)
}

/// The part of a document's EPUB that does not depend on where the PDF's pages begin:
/// epub-builder's files (package document, NCX, nav document, container). Made by
/// [`skeleton`] while layout fills the pages, used by [`write_with`].
pub struct Skeleton(package::Made);

/// Makes the [`Skeleton`] of the EPUB that `write_with(doc, res, opts, ..)` writes, given
/// whether `opts.page_starts` will have pages (`paged`); `opts.page_starts` itself is not
/// looked at. Should the book turn out otherwise (it does not: where the page markers
/// go changes no file, title or count epub-builder lists), [`write_with`] has epub-builder
/// make them again rather than use these.
pub fn skeleton(doc: &Document, res: &Resources, opts: &EpubOptions, paged: bool) -> Result<Skeleton, String> {
    let unpaged = EpubOptions { page_starts: Vec::new(), ..opts.clone() };
    let book = render_with(doc, res, &unpaged);
    let files = package::generate(&doc.meta, &book, opts, paged)?;
    Ok(Skeleton(package::Made { files, shape: package::shape(&book, paged) }))
}

/// [`write`], with the files of a [`skeleton`] made ahead.
pub fn write_with(doc: &Document, res: &Resources, opts: &EpubOptions, skeleton: Option<Skeleton>) -> Result<Vec<u8>, String> {
    let book = render_with(doc, res, opts);
    package::build_with(&doc.meta, &book, opts, skeleton.map(|s| s.0))
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
    /// Depth of the entry in the nav document (1: top level).
    pub nav_level: i32,
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
    /// The page-list: (PDF page number, href of its marker), by page; empty without PDF.
    pub page_list: Vec<(usize, String)>,
    /// The faces to embed.
    pub fonts: Vec<fonts::Embed>,
}

/// Renders every page of the book with default options.
#[cfg(test)]
pub(crate) fn render<'r>(doc: &Document, res: &'r Resources) -> Book<'r> {
    render_with(doc, res, &EpubOptions::default())
}

/// Renders every page of the book.
pub(crate) fn render_with<'r>(doc: &Document, res: &'r Resources, opts: &EpubOptions) -> Book<'r> {
    render_split(doc, res, opts, Split { chapter_level: opts.chapter_level, ..Split::default() })
}

/// Renders every page of the book, cutting the body into files as `split` says.
pub(crate) fn render_split<'r>(doc: &Document, res: &'r Resources, opts: &EpubOptions, split: Split) -> Book<'r> {
    let lang = escape::lang(&doc.meta.lang);
    let title = pages::book_title(&doc.meta);
    let contents_title = "Contents".to_string();
    let outline = outline::outline(&doc.blocks, split);
    let mut marks = pagemarks::MarkQueue::new(&opts.page_starts, &outline.page_prefix);

    let mut state = xhtml::BookState {
        res,
        targets: &outline.targets,
        note_prefix: &outline.note_prefix,
        images: xhtml::ImageRegistry::default(),
        notes: 0,
        tables: 0,
        ids: Default::default(),
        marks: Default::default(),
        file: String::new(),
    };
    // Front-matter pages of the PDF mark the start of the title and contents pages.
    let title_marks = marks.front(&marks.title.clone(), "title.xhtml");
    let contents_marks = marks.front(&marks.contents.clone(), "contents.xhtml");
    state.marks = marks;
    let mut chapters = Vec::new();
    let mut toc_roots = outline.roots.clone();
    let count = outline.chapters.len();
    for (n, chapter) in outline.chapters.iter().enumerate() {
        let blocks = doc.blocks.get(chapter.start..chapter.end).unwrap_or(&[]);
        state.file.clone_from(&chapter.file);
        let body = xhtml::chapter_body(blocks, chapter.start, n + 1 == count, &mut state);
        let body = if chapter.continued {
            format!("<section class=\"chapter continued\">\n{body}</section>\n")
        } else {
            format!("<section class=\"chapter\" role=\"doc-chapter\">\n{body}</section>\n")
        };
        let page_title = chapter.title.clone().unwrap_or_else(|| title.clone());
        let (toc_title, toc_children) = match (&chapter.toc, chapter.continued) {
            (Some(node), _) => (Some(node.title.clone()), node.children.clone()),
            (None, true) => (None, Vec::new()),
            (None, false) => {
                // Only a body without headings has a chapter without a head: list it under
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
            nav_level: chapter.nav_level,
            landmark: (n == 0).then_some(Landmark::Text),
        });
    }

    let mut files = vec![
        BookFile {
            name: "title.xhtml".into(),
            xhtml: pages::page(&lang, &title, "frontmatter", &(title_marks + &pages::title_page(&doc.meta))),
            toc_title: Some("Title page".into()),
            toc_children: Vec::new(),
            nav_level: 1,
            landmark: Some(Landmark::TitlePage),
        },
        BookFile {
            name: "contents.xhtml".into(),
            xhtml: pages::page(
                &lang,
                &contents_title,
                "frontmatter",
                &(contents_marks + &pages::contents_page(&contents_title, &toc_roots)),
            ),
            toc_title: Some(contents_title.clone()),
            toc_children: Vec::new(),
            nav_level: 1,
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
        page_list: state.marks.page_list(),
        fonts: if opts.embed_fonts { fonts::faces(doc, &opts.fonts) } else { Vec::new() },
    }
}
