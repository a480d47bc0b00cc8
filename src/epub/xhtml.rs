//! Document tree → XHTML5 chapter bodies.
//!
//! Everything is escaped on the way out (see [`super::escape`]) and raw HTML goes through
//! [`super::rawhtml`], so a chapter is well-formed whatever the source holds. Footnotes
//! are numbered across the whole book and written as EPUB 3 footnote asides at the end of
//! the chapter that references them; internal `#id` links are rewritten to point into
//! the chapter file that holds the heading.

use std::collections::{BTreeMap, BTreeSet};

use crate::doc::{Align, Block, Image, Inline, List, Table};
use crate::resources::{ImageFormat, Resources};

use super::escape::{self, push_attr, push_text};
use super::rawhtml::{self, RawState};

/// Images embedded in the book, in order of first use.
#[derive(Debug, Default)]
pub(crate) struct ImageRegistry {
    /// `src` as written → package path (`images/img-N.ext`).
    paths: BTreeMap<String, String>,
    /// (package path, `src`) in order of first use.
    pub order: Vec<(String, String)>,
    /// Whether some embedded image has an empty alt text.
    pub missing_alt: bool,
}

impl ImageRegistry {
    /// The package path of `src`, registering it on first use; `None` if not embedded.
    fn path(&mut self, src: &str, res: &Resources) -> Option<String> {
        let data = res.images.get(src)?;
        if let Some(path) = self.paths.get(src) {
            return Some(path.clone());
        }
        let ext = match data.format {
            ImageFormat::Png => "png",
            ImageFormat::Jpeg => "jpg",
        };
        let path = format!("images/img-{}.{ext}", self.order.len() + 1);
        self.paths.insert(src.to_string(), path.clone());
        self.order.push((path.clone(), src.to_string()));
        Some(path)
    }
}

/// State shared by all chapters of one book.
pub(crate) struct BookState<'a> {
    pub res: &'a Resources,
    /// Heading id as written → `chapter-N.xhtml#id`.
    pub targets: &'a BTreeMap<String, String>,
    /// Prefix of footnote ids.
    pub note_prefix: &'a str,
    pub images: ImageRegistry,
    /// Footnotes numbered so far.
    pub notes: usize,
    /// Tables written so far.
    pub tables: usize,
    /// Element ids used so far (headings are de-duplicated against them).
    pub ids: BTreeSet<String>,
}

/// Writes one chapter: its blocks, then its footnotes.
pub(crate) fn chapter_body(blocks: &[Block], book: &mut BookState) -> String {
    let mut w = Writer { book, out: String::new(), pending: Vec::new(), in_link: false, deferred: Vec::new() };
    w.blocks(blocks);
    w.footnotes();
    w.out
}

/// Writer of one chapter.
struct Writer<'b, 'a> {
    book: &'b mut BookState<'a>,
    out: String,
    /// Footnotes referenced in this chapter and not written yet: (number, blocks).
    pending: Vec<(usize, Vec<Block>)>,
    /// Inside an `<a>`: note references wait in `deferred` until it closes.
    in_link: bool,
    deferred: Vec<usize>,
}

impl Writer<'_, '_> {
    fn blocks(&mut self, blocks: &[Block]) {
        for block in blocks {
            self.block(block);
        }
    }

    fn block(&mut self, block: &Block) {
        match block {
            Block::Heading { level, id, content } => {
                let level = (*level).clamp(1, 6);
                let id = self.unique_id(id);
                self.out.push_str(&format!("<h{level}{} id=\"", dir_attr(content)));
                push_attr(&mut self.out, &id);
                self.out.push_str("\">");
                self.inlines(content);
                self.out.push_str(&format!("</h{level}>\n"));
            }
            Block::Paragraph { content } => {
                self.out.push_str(&format!("<p{}>", dir_attr(content)));
                self.inlines(content);
                self.out.push_str("</p>\n");
            }
            Block::Figure { image } => self.figure(image),
            Block::BlockQuote { blocks } => {
                self.out.push_str("<blockquote>\n");
                self.blocks(blocks);
                self.out.push_str("</blockquote>\n");
            }
            Block::List(list) => self.list(list),
            Block::CodeBlock { lang, text } => {
                self.out.push_str("<pre><code");
                let class: String = lang
                    .as_deref()
                    .unwrap_or("")
                    .split_whitespace()
                    .next()
                    .unwrap_or("")
                    .chars()
                    .filter(|c| c.is_ascii_alphanumeric() || "+-_.#".contains(*c))
                    .collect();
                if !class.is_empty() {
                    self.out.push_str(" class=\"language-");
                    self.out.push_str(&class);
                    self.out.push('"');
                }
                self.out.push('>');
                push_text(&mut self.out, text.strip_suffix('\n').unwrap_or(text));
                self.out.push_str("</code></pre>\n");
            }
            Block::ThematicBreak => self.out.push_str("<hr/>\n"),
            Block::Table(table) => self.table(table),
            Block::Html { html } => {
                let mut inner = String::new();
                let mut state = RawState::default();
                rawhtml::convert(html, &mut state, &mut inner);
                state.close_all(&mut inner);
                if !inner.trim().is_empty() {
                    self.out.push_str("<div class=\"raw-html\">");
                    self.out.push_str(inner.trim());
                    self.out.push_str("</div>\n");
                }
            }
        }
    }

    /// A heading id that is valid and not used yet in the book.
    fn unique_id(&mut self, id: &str) -> String {
        let base = escape::id(id);
        let mut id = base.clone();
        let mut n = 2;
        while self.book.ids.contains(&id) {
            id = format!("{base}-{n}");
            n += 1;
        }
        self.book.ids.insert(id.clone());
        id
    }

    fn figure(&mut self, image: &Image) {
        let alt = escape::clean_line(&image.alt);
        let title = escape::clean_line(&image.title);
        let Some(path) = self.book.images.path(&image.src, self.book.res) else {
            // Not embedded (remote or unreadable): the alt text stands in for it.
            if !alt.is_empty() {
                self.out.push_str("<p class=\"image-missing\">");
                push_text(&mut self.out, &alt);
                self.out.push_str("</p>\n");
            }
            return;
        };
        self.out.push_str("<figure>\n");
        self.img(&path, &alt, &title, None);
        self.out.push('\n');
        // The caption shows the alt text (as pandoc's implicit figures do); the title, when
        // there is one, is shown only when there is no alt text to show.
        let caption = if alt.is_empty() { &title } else { &alt };
        if !caption.is_empty() {
            self.out.push_str("<figcaption>");
            push_text(&mut self.out, caption);
            self.out.push_str("</figcaption>\n");
        }
        self.out.push_str("</figure>\n");
    }

    fn img(&mut self, path: &str, alt: &str, title: &str, class: Option<&str>) {
        self.out.push_str("<img src=\"");
        push_attr(&mut self.out, path);
        self.out.push_str("\" alt=\"");
        push_attr(&mut self.out, alt);
        self.out.push('"');
        if alt.is_empty() {
            self.book.images.missing_alt = true;
            self.out.push_str(" role=\"presentation\"");
        }
        if !title.is_empty() {
            self.out.push_str(" title=\"");
            push_attr(&mut self.out, title);
            self.out.push('"');
        }
        if let Some(class) = class {
            self.out.push_str(&format!(" class=\"{class}\""));
        }
        self.out.push_str("/>");
    }

    fn list(&mut self, list: &List) {
        let tasks = list.items.iter().any(|i| i.task.is_some());
        let mut classes = Vec::new();
        if list.tight {
            classes.push("tight");
        }
        if tasks {
            classes.push("tasks");
        }
        let class = if classes.is_empty() { String::new() } else { format!(" class=\"{}\"", classes.join(" ")) };
        match list.start {
            None => self.out.push_str(&format!("<ul{class}>\n")),
            Some(1) => self.out.push_str(&format!("<ol{class}>\n")),
            Some(n) => self.out.push_str(&format!("<ol{class} start=\"{n}\">\n")),
        }
        for item in &list.items {
            match item.task {
                None => {
                    self.out.push_str("<li>");
                    self.blocks(&item.blocks);
                }
                Some(done) => {
                    let (class, mark, label) =
                        if done { ("task done", "☑", "done") } else { ("task", "☐", "not done") };
                    self.out.push_str(&format!("<li class=\"{class}\">"));
                    let mark = format!("<span class=\"task-mark\" role=\"img\" aria-label=\"{label}\">{mark}</span> ");
                    self.blocks_with_lead(&item.blocks, &mark);
                }
            }
            self.out.push_str("</li>\n");
        }
        self.out.push_str(if list.start.is_some() { "</ol>\n" } else { "</ul>\n" });
    }

    fn table(&mut self, table: &Table) {
        if table.head.is_empty() {
            // No columns (never from GFM): no table to draw, but keep a caption's words.
            if let Some(caption) = &table.caption {
                self.block(&Block::Paragraph { content: caption.clone() });
            }
            return;
        }
        self.book.tables += 1;
        self.out.push_str("<div class=\"table-wrap\">\n<table>\n");
        if let Some(caption) = &table.caption {
            self.out.push_str("<caption>");
            self.inlines(caption);
            self.out.push_str("</caption>\n");
        }
        self.out.push_str("<thead>\n<tr>");
        for (i, cell) in table.head.iter().enumerate() {
            self.out.push_str("<th scope=\"col\"");
            self.out.push_str(dir_attr(cell));
            self.align_class(table.aligns.get(i));
            self.out.push('>');
            self.inlines(cell);
            self.out.push_str("</th>");
        }
        self.out.push_str("</tr>\n</thead>\n");
        if !table.rows.is_empty() {
            self.out.push_str("<tbody>\n");
            for row in &table.rows {
                self.out.push_str("<tr>");
                for (i, cell) in row.iter().enumerate() {
                    self.out.push_str("<td");
                    self.out.push_str(dir_attr(cell));
                    self.align_class(table.aligns.get(i));
                    self.out.push('>');
                    self.inlines(cell);
                    self.out.push_str("</td>");
                }
                self.out.push_str("</tr>\n");
            }
            self.out.push_str("</tbody>\n");
        }
        self.out.push_str("</table>\n</div>\n");
    }

    fn align_class(&mut self, align: Option<&Align>) {
        let class = match align {
            Some(Align::Left) => "align-left",
            Some(Align::Center) => "align-center",
            Some(Align::Right) => "align-right",
            Some(Align::Default) | None => return,
        };
        self.out.push_str(&format!(" class=\"{class}\""));
    }

    /// Writes an inline container; raw HTML opened inside it is closed at its end.
    fn inlines(&mut self, inlines: &[Inline]) {
        let mut raw = RawState::default();
        for inline in inlines {
            self.inline(inline, &mut raw);
        }
        raw.close_all(&mut self.out);
    }

    fn inline(&mut self, inline: &Inline, raw: &mut RawState) {
        match inline {
            Inline::Text { text } => push_text(&mut self.out, text),
            Inline::Emph { content } => self.wrap("em", content),
            Inline::Strong { content } => self.wrap("strong", content),
            Inline::Strikethrough { content } => self.wrap("del", content),
            Inline::Code { text } => {
                self.out.push_str("<code>");
                push_text(&mut self.out, text);
                self.out.push_str("</code>");
            }
            Inline::Link { url, title, content } => self.link(url, title, content),
            Inline::Image { image } => {
                let alt = escape::clean_line(&image.alt);
                match self.book.images.path(&image.src, self.book.res) {
                    Some(path) => self.img(&path, &alt, &escape::clean_line(&image.title), Some("inline")),
                    None => {
                        self.out.push_str("<span class=\"image-missing\">");
                        push_text(&mut self.out, &alt);
                        self.out.push_str("</span>");
                    }
                }
            }
            Inline::SoftBreak => self.out.push('\n'),
            Inline::HardBreak => self.out.push_str("<br/>\n"),
            Inline::Note { blocks } => {
                self.book.notes += 1;
                let n = self.book.notes;
                self.pending.push((n, blocks.clone()));
                if self.in_link {
                    self.deferred.push(n);
                } else {
                    self.noteref(n);
                }
            }
            Inline::Html { html } => rawhtml::convert(html, raw, &mut self.out),
        }
    }

    fn wrap(&mut self, tag: &str, content: &[Inline]) {
        self.out.push_str(&format!("<{tag}>"));
        self.inlines(content);
        self.out.push_str(&format!("</{tag}>"));
    }

    fn link(&mut self, url: &str, title: &str, content: &[Inline]) {
        let href = if self.in_link { None } else { self.href(url) };
        let Some(href) = href else {
            // No usable target, or a link inside a link: keep the text only.
            self.inlines(content);
            return;
        };
        self.out.push_str("<a href=\"");
        push_attr(&mut self.out, &href);
        self.out.push('"');
        let title = escape::clean_line(title);
        if !title.is_empty() {
            self.out.push_str(" title=\"");
            push_attr(&mut self.out, &title);
            self.out.push('"');
        }
        self.out.push('>');
        self.in_link = true;
        self.inlines(content);
        self.in_link = false;
        self.out.push_str("</a>");
        for n in std::mem::take(&mut self.deferred) {
            self.noteref(n);
        }
    }

    /// Where a link may point: a heading of this book, or a web or mail address.
    fn href(&self, url: &str) -> Option<String> {
        let url = url.trim();
        if let Some(id) = url.strip_prefix('#') {
            let targets = self.book.targets;
            return targets.get(id).or_else(|| targets.get(&crate::doc::percent_decode(id))).cloned();
        }
        let scheme = url.split_once(':').map(|(s, _)| s.to_ascii_lowercase())?;
        matches!(scheme.as_str(), "http" | "https" | "mailto" | "ftp" | "tel").then(|| escape::url(url))
    }

    fn noteref(&mut self, n: usize) {
        let p = self.book.note_prefix;
        self.out.push_str(&format!(
            "<a epub:type=\"noteref\" role=\"doc-noteref\" href=\"#{p}-{n}\" id=\"{p}ref-{n}\">{n}</a>"
        ));
    }

    /// Writes `blocks` with `lead` (markup) at the start of the first paragraph, or in a
    /// paragraph of its own when the blocks do not start with one.
    fn blocks_with_lead(&mut self, blocks: &[Block], lead: &str) {
        match blocks.split_first() {
            Some((Block::Paragraph { content }, rest)) => {
                self.out.push_str("<p>");
                self.out.push_str(lead);
                self.inlines(content);
                self.out.push_str("</p>\n");
                self.blocks(rest);
            }
            _ => {
                self.out.push_str("<p>");
                self.out.push_str(lead.trim_end());
                self.out.push_str("</p>\n");
                self.blocks(blocks);
            }
        }
    }

    /// Writes the footnote asides of this chapter (notes inside notes included: they are
    /// appended to `pending` while earlier ones are written).
    fn footnotes(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        self.out.push_str("<section class=\"footnotes\">\n");
        let mut i = 0;
        while let Some((n, blocks)) = self.pending.get(i).cloned() {
            i += 1;
            let p = self.book.note_prefix;
            self.out.push_str(&format!(
                "<aside epub:type=\"footnote\" role=\"doc-footnote\" id=\"{p}-{n}\" class=\"footnote\">\n"
            ));
            let back = format!("<a href=\"#{p}ref-{n}\" role=\"doc-backlink\" class=\"fn-back\">{n}.</a> ");
            self.blocks_with_lead(&blocks, &back);
            self.out.push_str("</aside>\n");
        }
        self.out.push_str("</section>\n");
    }
}


/// ` dir="rtl"` for content whose first strong character is right-to-left (Arabic,
/// Hebrew ...), so readers set it from the right; empty otherwise.
fn dir_attr(content: &[crate::doc::Inline]) -> &'static str {
    use unicode_bidi::BidiClass::{AL, L, R};
    for ch in crate::doc::plain_text(content).chars() {
        match unicode_bidi::bidi_class(ch) {
            R | AL => return " dir=\"rtl\"",
            L => return "",
            _ => {}
        }
    }
    ""
}
