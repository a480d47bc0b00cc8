//! HTML tokens to blocks: headings, paragraphs, lists (nested), tables and `<pre>`.
//!
//! Boilerplate is dropped with its whole subtree: `script`, `style`, `noscript`,
//! `template`, `svg`, `iframe`, `form`, `button`, `select`, `nav`, `aside`, `dialog`,
//! anything with `role` navigation/banner/contentinfo/complementary/search or `hidden`,
//! and `header`/`footer` outside an `article`/`main` (inside one they hold the headline).
//! When the page has an `article` or `main` element (outside dropped parts), only their
//! content is kept, plus the first `h1` anywhere as the title; otherwise the whole body.
//!
//! Text accumulates in a buffer that block-level tags flush to the innermost open
//! container: a table cell, else a list item, else a heading, else a new paragraph. So a
//! list inside a cell or a table inside a list item is flattened into text (never lost).
//! The first `h1` becomes the title (else the page's `<title>`); later `h1` are `##`,
//! `h2`–`h6` keep their level.

use super::html::{tokenize, Token};
use super::{Block, Item, List, Recognised, Row};

const SKIP: &[&str] = &[
    "script", "style", "noscript", "template", "svg", "math", "iframe", "object", "canvas", "form", "button",
    "select", "nav", "aside", "dialog",
];
const SKIP_ROLES: &[&str] = &["navigation", "banner", "contentinfo", "complementary", "search"];
/// Tags that end the current run of text.
const BLOCK_TAGS: &[&str] = &[
    "address", "article", "aside", "blockquote", "body", "br", "caption", "center", "dd", "details", "div", "dl",
    "dt", "fieldset", "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "head", "header",
    "hgroup", "hr", "html", "li", "main", "ol", "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot",
    "th", "thead", "tr", "ul",
];

/// Recognises an HTML page.
pub fn recognise(input: &str) -> Recognised {
    let tokens = tokenize(input);
    let scoped = has_content_element(&tokens);
    let doc = Mapper::new(scoped).run(&tokens);
    if scoped && doc.blocks.is_empty() {
        // An empty article/main: better the whole page than nothing.
        return Mapper::new(false).run(&tokens);
    }
    doc
}

/// Tracks the dropped subtree we are in, if any.
#[derive(Default)]
struct Skipper {
    /// The element that started the dropped subtree and how many of it are open.
    open: Option<(String, usize)>,
}

impl Skipper {
    /// Updates the state for a token; returns true when the token is inside (or is the
    /// boundary of) a dropped subtree.
    fn step(&mut self, tok: &Token, in_content: bool) -> bool {
        match (&mut self.open, tok) {
            (Some((name, depth)), Token::Start { name: n, .. }) => {
                if n == name {
                    *depth += 1;
                }
                true
            }
            (Some((name, depth)), Token::End { name: n, .. }) => {
                if n == name {
                    *depth = depth.saturating_sub(1);
                    if *depth == 0 {
                        self.open = None;
                    }
                } else if matches!(n.as_str(), "body" | "html" | "main" | "article") {
                    // An unclosed dropped element must not swallow the rest of the page.
                    self.open = None;
                    return false;
                }
                true
            }
            (Some(_), Token::Text { .. }) => true,
            (None, Token::Start { name, attrs, .. }) => {
                let attr = |k: &str| attrs.iter().find(|(a, _)| a == k).map(|(_, v)| v.to_ascii_lowercase());
                let drop = SKIP.contains(&name.as_str())
                    || (!in_content && matches!(name.as_str(), "header" | "footer"))
                    || attr("role").is_some_and(|r| SKIP_ROLES.contains(&r.as_str()))
                    || attr("hidden").is_some()
                    || attr("aria-hidden").as_deref() == Some("true");
                if drop && !is_void(name) {
                    self.open = Some((name.clone(), 1));
                }
                drop
            }
            (None, _) => false,
        }
    }
}

fn is_void(name: &str) -> bool {
    matches!(
        name,
        "area" | "base" | "br" | "col" | "embed" | "hr" | "img" | "input" | "link" | "meta" | "source" | "track" | "wbr"
    )
}

/// True when an `article` or `main` element appears outside dropped subtrees.
fn has_content_element(tokens: &[Token]) -> bool {
    // The first article/main returns before any header inside it matters.
    let mut skip = Skipper::default();
    tokens.iter().any(|t| {
        !skip.step(t, false) && matches!(t, Token::Start { name, .. } if matches!(name.as_str(), "article" | "main"))
    })
}

/// An open table: finished rows, the row being read, stray text.
#[derive(Default)]
struct TableCtx {
    rows: Vec<Row>,
    caption: String,
    stray: Vec<(String, usize)>,
    in_caption: bool,
}

struct Mapper {
    /// Keep only what is inside `article`/`main`.
    scoped: bool,
    content_depth: usize,
    skip: Skipper,
    blocks: Vec<Block>,
    title: Option<(String, usize)>,
    page_title: Option<(String, usize)>,
    in_title: bool,
    buf: String,
    buf_line: usize,
    heading: Option<(u8, usize, String)>,
    lists: Vec<List>,
    table: Option<TableCtx>,
    /// Tables opened inside a table or list: flattened.
    flat_tables: usize,
    pre: Option<String>,
}

impl Mapper {
    fn new(scoped: bool) -> Self {
        Mapper {
            scoped,
            content_depth: 0,
            skip: Skipper::default(),
            blocks: Vec::new(),
            title: None,
            page_title: None,
            in_title: false,
            buf: String::new(),
            buf_line: 1,
            heading: None,
            lists: Vec::new(),
            table: None,
            flat_tables: 0,
            pre: None,
        }
    }

    fn run(mut self, tokens: &[Token]) -> Recognised {
        for t in tokens {
            if self.skip.step(t, self.content_depth > 0) {
                continue;
            }
            match t {
                Token::Start { name, line, .. } => self.start(name, *line),
                Token::End { name, .. } => self.end(name),
                Token::Text { text, line } => self.text(text, *line),
            }
        }
        self.flush();
        while !self.lists.is_empty() {
            self.close_list();
        }
        if self.table.is_some() {
            self.close_table();
        }
        if let Some((level, line, text)) = self.heading.take() {
            self.emit_heading(level, line, text);
        }
        if let Some(text) = self.pre.take() {
            self.blocks.push(Block::Code { text });
        }
        let title = self.title.or(self.page_title);
        Recognised { title, blocks: self.blocks }
    }

    /// True when text here is kept (inside the content scope, or an `h1` anywhere).
    fn keeping(&self) -> bool {
        !self.scoped || self.content_depth > 0 || self.heading.as_ref().is_some_and(|h| h.0 == 1)
    }

    fn start(&mut self, name: &str, line: usize) {
        if BLOCK_TAGS.contains(&name) {
            self.flush();
        }
        match name {
            "article" | "main" => self.content_depth += 1,
            "title" => self.in_title = self.page_title.is_none(),
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" if !self.flattening() => {
                if let Some((level, l, text)) = self.heading.take() {
                    self.emit_heading(level, l, text);
                }
                let level = name.get(1..).and_then(|d| d.parse::<u8>().ok()).unwrap_or(2);
                self.heading = Some((level, line, String::new()));
            }
            "ul" | "ol" if self.table.is_none() && self.keeping() => {
                self.lists.push(List { start: (name == "ol").then_some(1), items: Vec::new() });
            }
            "li" if self.table.is_none() && self.keeping() => {
                if self.lists.is_empty() {
                    self.lists.push(List { start: None, items: Vec::new() });
                }
                if let Some(list) = self.lists.last_mut() {
                    list.items.push(Item { text: String::new(), line, children: Vec::new() });
                }
            }
            "table" if self.keeping() => {
                if self.table.is_some() || !self.lists.is_empty() {
                    self.flat_tables += 1;
                } else {
                    self.table = Some(TableCtx::default());
                }
            }
            "tr" if self.flat_tables == 0 => {
                if let Some(t) = self.table.as_mut() {
                    t.rows.push(Row { cells: Vec::new(), line });
                }
            }
            "td" | "th" if self.flat_tables == 0 => {
                if let Some(t) = self.table.as_mut() {
                    if t.rows.is_empty() {
                        t.rows.push(Row { cells: Vec::new(), line });
                    }
                    if let Some(r) = t.rows.last_mut() {
                        r.cells.push(String::new());
                    }
                }
            }
            "caption" => {
                if let Some(t) = self.table.as_mut() {
                    t.in_caption = true;
                }
            }
            "pre" if !self.flattening() && self.keeping() => self.pre = Some(String::new()),
            _ => {}
        }
    }

    fn end(&mut self, name: &str) {
        if BLOCK_TAGS.contains(&name) {
            self.flush();
        }
        match name {
            "article" | "main" => self.content_depth = self.content_depth.saturating_sub(1),
            "title" => self.in_title = false,
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                if let Some((level, line, text)) = self.heading.take() {
                    self.emit_heading(level, line, text);
                }
            }
            "ul" | "ol" if self.table.is_none() && !self.lists.is_empty() => self.close_list(),
            "table" => {
                if self.flat_tables > 0 {
                    self.flat_tables -= 1;
                } else if self.table.is_some() {
                    self.close_table();
                }
            }
            "caption" => {
                if let Some(t) = self.table.as_mut() {
                    t.in_caption = false;
                }
            }
            "pre" => {
                if let Some(text) = self.pre.take() {
                    if !text.trim().is_empty() {
                        self.blocks.push(Block::Code { text });
                    }
                }
            }
            _ => {}
        }
    }

    /// True when block structure is being flattened into a cell or an item.
    fn flattening(&self) -> bool {
        self.table.is_some() || !self.lists.is_empty()
    }

    fn text(&mut self, text: &str, line: usize) {
        if self.in_title {
            let t = collapse(text);
            if !t.is_empty() {
                self.page_title = Some((t, line));
            }
            return;
        }
        if !self.keeping() {
            return;
        }
        if let Some(pre) = self.pre.as_mut() {
            pre.push_str(text);
            return;
        }
        if self.buf.trim().is_empty() {
            self.buf_line = line;
        }
        self.buf.push_str(text);
    }

    /// Sends the buffered text to the innermost open container.
    fn flush(&mut self) {
        let text = collapse(&self.buf);
        self.buf.clear();
        if text.is_empty() {
            return;
        }
        let line = self.buf_line;
        if let Some(t) = self.table.as_mut() {
            if t.in_caption {
                append(&mut t.caption, &text);
            } else if let Some(cell) = t.rows.last_mut().and_then(|r| r.cells.last_mut()) {
                append(cell, &text);
            } else {
                t.stray.push((text, line));
            }
        } else if let Some(item) = self.lists.last_mut().and_then(|l| l.items.last_mut()) {
            append(&mut item.text, &text);
        } else if let Some(list) = self.lists.last_mut() {
            // Text in a list before any item: an item of its own.
            list.items.push(Item { text, line, children: Vec::new() });
        } else if let Some(h) = self.heading.as_mut() {
            append(&mut h.2, &text);
        } else {
            self.blocks.push(Block::Paragraph { text, line });
        }
    }

    fn emit_heading(&mut self, level: u8, line: usize, text: String) {
        if text.is_empty() {
            return;
        }
        if level == 1 && self.title.is_none() {
            self.title = Some((text, line));
        } else {
            self.blocks.push(Block::Heading { level: level.clamp(2, 6), text, line });
        }
    }

    fn close_list(&mut self) {
        let Some(mut list) = self.lists.pop() else { return };
        list.items.retain(|i| !i.text.is_empty() || !i.children.is_empty());
        match self.lists.last_mut() {
            Some(parent) => {
                if parent.items.is_empty() {
                    parent.items.push(Item { text: String::new(), line: 0, children: Vec::new() });
                }
                if let Some(item) = parent.items.last_mut() {
                    if !list.items.is_empty() {
                        item.children.push(list);
                    }
                }
            }
            None => {
                if !list.items.is_empty() {
                    self.blocks.push(Block::List(list));
                }
            }
        }
    }

    fn close_table(&mut self) {
        let Some(t) = self.table.take() else { return };
        if !t.caption.is_empty() {
            let line = t.rows.first().map_or(0, |r| r.line);
            self.blocks.push(Block::Paragraph { text: t.caption, line });
        }
        let rows: Vec<Row> = t.rows.into_iter().filter(|r| !r.cells.is_empty()).collect();
        if !rows.is_empty() {
            self.blocks.push(Block::Table { rows, aligns: Vec::new() });
        }
        for (text, line) in t.stray {
            self.blocks.push(Block::Paragraph { text, line });
        }
    }
}

/// Appends `text` to `to` with a space between.
fn append(to: &mut String, text: &str) {
    if !to.is_empty() {
        to.push(' ');
    }
    to.push_str(text);
}

/// Collapses runs of whitespace (including no-break spaces) to one space and trims.
fn collapse(s: &str) -> String {
    s.split(|c: char| c.is_whitespace() || c == '\u{a0}').filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_structure_and_drops_boilerplate() {
        let r = recognise(
            "<html><head><title>Page | Site</title><style>p{}</style></head><body>\
             <nav><a href=/>Home</a></nav><article><header><h1>Headline</h1></header>\
             <p>First para.</p><h2>Part</h2><ul><li>one<ul><li>inner</li></ul></li><li>two</li></ul>\
             <table><tr><th>A</th><th>B</th></tr><tr><td>1</td><td>2</td></tr></table></article>\
             <footer>Copyright</footer></body></html>",
        );
        assert_eq!(r.title.as_ref().map(|t| t.0.as_str()), Some("Headline"));
        assert!(matches!(r.blocks.first(), Some(Block::Paragraph { text, .. }) if text == "First para."));
        assert!(matches!(r.blocks.get(1), Some(Block::Heading { level: 2, text, .. }) if text == "Part"));
        let Some(Block::List(list)) = r.blocks.get(2) else { panic!("no list: {:?}", r.blocks) };
        assert_eq!(list.items.len(), 2);
        assert_eq!(list.items.first().and_then(|i| i.children.first()).map(|c| c.items.len()), Some(1));
        let Some(Block::Table { rows, .. }) = r.blocks.get(3) else { panic!("no table") };
        assert_eq!(rows.iter().map(|r| r.cells.clone()).collect::<Vec<_>>(), vec![vec!["A", "B"], vec!["1", "2"]]);
        assert_eq!(r.blocks.len(), 4);
    }

    #[test]
    fn unclosed_nav_does_not_swallow_the_page() {
        // An unclosed <nav> is dropped up to the end of the body, not beyond.
        let r = recognise("<body><nav><a>menu</a><p>Inside.</p></body><p>Late text.</p>");
        let texts: Vec<&str> = r
            .blocks
            .iter()
            .filter_map(|b| match b {
                Block::Paragraph { text, .. } => Some(text.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(texts, vec!["Late text."]);
    }
}
