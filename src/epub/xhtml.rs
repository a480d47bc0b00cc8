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

use crate::layout::TreePos;

use super::escape::{self, push_attr, push_text};
use super::pagemarks::{MarkQueue, TextCursor};
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
    /// Page-break markers still to be written, and those written.
    pub marks: MarkQueue,
    /// The file being written (for the hrefs of the page-list).
    pub file: String,
}

/// Writes one chapter file: the document's top-level blocks `start..end` (`blocks` is
/// that slice), then its footnotes. Page markers up to `end` are written here; `last`
/// writes all that remain.
pub(crate) fn chapter_body(blocks: &[Block], start: usize, last: bool, book: &mut BookState) -> String {
    let mut w = Writer {
        book,
        out: String::with_capacity(blocks.len() * 600),
        pending: Vec::new(),
        in_link: false,
        deferred: Vec::new(),
        path: Vec::new(),
        track: true,
        cursor: None,
    };
    w.blocks_from(blocks, start);
    let book = &mut *w.book;
    if last {
        book.marks.flush_all(&mut w.out, &book.file);
    } else {
        let end = TreePos { path: vec![start + blocks.len()], offset: 0 };
        book.marks.flush(&end, false, &mut w.out, &book.file);
    }
    w.track = false;
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
    /// Tree position of the block being written (see [`TreePos`]); `track` is off in
    /// footnotes, which are not part of the body's flow.
    path: Vec<usize>,
    track: bool,
    /// Set while writing a paragraph that holds a page marker.
    cursor: Option<TextCursor>,
}

impl Writer<'_, '_> {
    fn blocks(&mut self, blocks: &[Block]) {
        self.blocks_from(blocks, 0);
    }

    /// Writes `blocks`, the first of which has index `first` among its siblings.
    fn blocks_from(&mut self, blocks: &[Block], first: usize) {
        self.path.push(first);
        for (i, block) in blocks.iter().enumerate() {
            if let Some(last) = self.path.last_mut() {
                *last = first + i;
            }
            self.block(block);
        }
        self.path.pop();
    }

    /// Whether a page marker is due somewhere inside the block being written.
    fn marks_within(&self) -> bool {
        self.track && self.book.marks.next_within(&self.path)
    }

    /// Writes the page markers due before position `path` + `step` (or before the
    /// current block when `step` is `None`).
    fn marks_before(&mut self, step: Option<usize>) {
        if !self.track || self.book.marks.is_done() {
            return;
        }
        let mut path = self.path.clone();
        path.extend(step);
        let book = &mut *self.book;
        book.marks.flush(&TreePos { path, offset: 0 }, true, &mut self.out, &book.file);
    }

    fn block(&mut self, block: &Block) {
        self.marks_before(None);
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
            Block::Paragraph { content } => self.paragraph(content, ""),
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
                let text = text.strip_suffix('\n').unwrap_or(text);
                if self.marks_within() {
                    // Markers before the source lines where pages begin.
                    for (n, line) in text.split('\n').enumerate() {
                        if n > 0 {
                            self.out.push('\n');
                        }
                        self.marks_before(Some(n));
                        push_text(&mut self.out, line);
                    }
                } else {
                    push_text(&mut self.out, text);
                }
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
        for (k, item) in list.items.iter().enumerate() {
            self.path.push(k);
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
            self.path.pop();
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
            for (r, row) in table.rows.iter().enumerate() {
                self.out.push_str("<tr>");
                for (i, cell) in row.iter().enumerate() {
                    self.out.push_str("<td");
                    self.out.push_str(dir_attr(cell));
                    self.align_class(table.aligns.get(i));
                    self.out.push('>');
                    if i == 0 && self.marks_within() {
                        // A page that opens inside the table opens at this row.
                        self.marks_before(Some(r));
                    }
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

    /// A paragraph; `lead` is markup written at its start.
    fn paragraph(&mut self, content: &[Inline], lead: &str) {
        self.out.push_str(&format!("<p{}>", dir_attr(content)));
        self.out.push_str(lead);
        let marked = self.track && self.book.marks.next_inside(&self.path).is_some();
        if marked {
            self.cursor = Some(TextCursor::default());
        }
        self.inlines(content);
        if marked {
            self.cursor = None;
            // Markers the text did not reach (a count past its end) close the paragraph.
            let book = &mut *self.book;
            let end = TreePos { path: self.path.clone(), offset: usize::MAX };
            book.marks.flush(&end, true, &mut self.out, &book.file);
        }
        self.out.push_str("</p>\n");
    }

    /// Writes text; in a paragraph holding a page marker, counts letters and digits and
    /// writes the marker where the page's first line starts (see [`TextCursor`]).
    fn text(&mut self, text: &str) {
        let Some(mut cur) = self.cursor.take() else {
            push_text(&mut self.out, text);
            return;
        };
        let mut buf = [0u8; 4];
        for c in text.chars() {
            if c.is_alphanumeric() {
                self.marker_due(&mut cur);
                cur.count += 1;
                cur.in_word = true;
                cur.boundary = None;
            } else if c.is_whitespace() {
                if cur.deferred {
                    // The page began inside the word just written: mark after it.
                    cur.deferred = false;
                    self.marks_at(cur.count);
                }
                cur.in_word = false;
            } else {
                cur.in_word = false;
            }
            push_text(&mut self.out, c.encode_utf8(&mut buf));
            if c.is_whitespace() {
                cur.boundary = Some(self.out.len());
            }
        }
        self.cursor = Some(cur);
    }

    /// Before a letter or digit: writes the markers due at the current count.
    fn marker_due(&mut self, cur: &mut TextCursor) {
        if cur.deferred || self.book.marks.next_inside(&self.path).is_none_or(|target| target > cur.count) {
            return;
        }
        if cur.in_word {
            cur.deferred = true;
            return;
        }
        let at = cur.boundary.filter(|&b| self.out.is_char_boundary(b)).unwrap_or(self.out.len());
        let tail = self.out.split_off(at);
        self.marks_at(cur.count);
        self.out.push_str(&tail);
    }

    /// Writes the markers inside the current paragraph due at `count`.
    fn marks_at(&mut self, count: usize) {
        let book = &mut *self.book;
        let pos = TreePos { path: self.path.clone(), offset: count };
        book.marks.flush(&pos, true, &mut self.out, &book.file);
    }

    /// Counts `n` letters and digits written as one piece (an inline image's alt text).
    fn atomic(&mut self, n: usize) {
        if let Some(mut cur) = self.cursor.take() {
            if n > 0 {
                self.marker_due(&mut cur);
                cur.count += n;
                cur.in_word = false;
                cur.boundary = None;
            }
            self.cursor = Some(cur);
        }
    }

    fn inline(&mut self, inline: &Inline, raw: &mut RawState) {
        match inline {
            Inline::Text { text } => self.text(text),
            Inline::Emph { content } => self.wrap("em", content),
            Inline::Strong { content } => self.wrap("strong", content),
            Inline::Strikethrough { content } => self.wrap("del", content),
            Inline::Code { text } => {
                self.out.push_str("<code>");
                self.text(text);
                self.out.push_str("</code>");
            }
            Inline::Link { url, title, content } => self.link(url, title, content),
            Inline::Image { image } => {
                self.atomic(image.alt.chars().filter(|c| c.is_alphanumeric()).count());
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
            Inline::SoftBreak => self.text("\n"),
            Inline::HardBreak => {
                self.out.push_str("<br/>");
                self.text("\n");
            }
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
                self.path.push(0);
                self.marks_before(None);
                self.paragraph(content, lead);
                self.path.pop();
                self.blocks_from(rest, 1);
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
