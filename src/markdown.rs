//! Markdown (CommonMark + GFM, via pulldown-cmark) to the document tree.
//!
//! Three steps:
//!
//! 1. [`crate::frontmatter`] finds and reads the front matter; only the body after it is
//!    given to pulldown-cmark (whose own metadata-block option would also swallow
//!    `---`-delimited text in the middle of a document).
//! 2. The body's events are collected with their byte ranges (`into_offset_iter`, shifted
//!    to file offsets so every message has `path:line:col`), adjacent `Text` events merged,
//!    and footnote definitions located.
//! 3. A [`Builder`] turns the events into blocks with an explicit stack of open
//!    containers: deep nesting (a list 60 levels deep) costs heap, not call stack. The
//!    only recursion is from a footnote reference into its definition, bounded by
//!    [`MAX_NOTE_DEPTH`].
//!
//! Footnote references become [`Inline::Note`] holding the definition's blocks (built once,
//! cloned per reference). A reference to an undefined label stays as literal text with a
//! warning; a note that refers to itself (directly or through others) does the same.

use crate::diag::Diagnostics;
use crate::doc::{plain_text, Align, Block, Cell, Document, Image, Inline, List, ListItem, Meta, Table, TREE_VERSION};
use crate::frontmatter;
use crate::slug::Slugger;
use crate::source::Source;
use pulldown_cmark::{Alignment, CodeBlockKind, CowStr, Event, LinkType, Options, Parser, Tag, TagEnd};
use std::collections::hash_map::Entry;
use std::collections::{BTreeSet, HashMap};
use std::ops::Range;
use std::path::{Component, Path, PathBuf};

/// How deep notes may nest inside notes before references are kept as text.
pub const MAX_NOTE_DEPTH: usize = 8;

/// The pulldown-cmark extensions brief uses.
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// What the parser lets a document reach besides its own text.
#[derive(Debug, Clone, Default)]
pub struct ParseOptions {
    /// Folders images may come from outside the source's own folder tree
    /// (`--allow-outside`); everything else outside it is refused.
    pub allow_outside: Vec<PathBuf>,
}

/// Parses a source into a document. Problems go to `diags`; a document is always returned
/// (best effort) so callers can decide what to do when `diags` has errors.
pub fn parse(src: &Source, diags: &mut Diagnostics) -> Document {
    parse_with(src, &ParseOptions::default(), diags)
}

/// [`parse`] with options.
pub fn parse_with(src: &Source, opts: &ParseOptions, diags: &mut Diagnostics) -> Document {
    let body = parse_body(src, opts);
    assemble(src, parse_front(src, opts), body, diags)
}

/// A source's front matter, parsed ([`parse_front`]).
pub struct Front {
    fields: frontmatter::Fields,
    diags: Diagnostics,
}

/// A source's body, parsed ([`parse_body`]).
pub struct Body {
    blocks: Vec<Block>,
    diags: Diagnostics,
}

/// The front matter half of [`parse_with`]. The two halves do not depend on each other
/// (the title falls back on the first heading only in [`assemble`]), so they can be
/// parsed side by side: the pipeline does, the front matter being a third of the parse
/// (the YAML parser alone sets up 130 KB of buffers).
pub fn parse_front(src: &Source, opts: &ParseOptions) -> Front {
    let mut diags = Diagnostics::new();
    if src.text.trim().is_empty() {
        return Front { fields: frontmatter::Fields::default(), diags };
    }
    let (fields, _) = frontmatter::parse(src, &mut diags);
    if let (Some(cover), Some(at)) = (&fields.cover, fields.cover_offset) {
        check_local_image(src, cover, at, &opts.allow_outside, &mut diags);
    }
    Front { fields, diags }
}

/// The body half of [`parse_with`] (see [`parse_front`]).
pub fn parse_body(src: &Source, opts: &ParseOptions) -> Body {
    let mut diags = Diagnostics::new();
    if src.text.trim().is_empty() {
        return Body { blocks: Vec::new(), diags };
    }
    let events = collect_events(src, frontmatter::split(&src.text).body_start());
    let mut builder = Builder::new(src, events, &mut diags);
    builder.allow_outside = opts.allow_outside.clone();
    let blocks = builder.build_main();
    Body { blocks, diags }
}

/// The document of a [`parse_front`] and a [`parse_body`] of `src`; their diagnostics go
/// to `diags`, in file order.
pub fn assemble(src: &Source, front: Front, body: Body, diags: &mut Diagnostics) -> Document {
    if src.text.trim().is_empty() {
        diags.push(src.warning_at(0, "file is empty"));
    }
    let Front { fields, diags: mut local } = front;
    local.items.extend(body.diags.items);
    let meta = resolve_meta(src, fields, &body.blocks);
    // Messages in file order (checks that run after the walk would otherwise come last).
    local.items.sort_by_key(|d| (d.line, d.column));
    diags.items.extend(local.items);
    Document {
        version: TREE_VERSION,
        meta,
        blocks: body.blocks,
    }
}

/// Applies the fallbacks: title from front matter, else first heading, else file stem;
/// `lang` defaults to `en`.
fn resolve_meta(src: &Source, f: frontmatter::Fields, blocks: &[Block]) -> Meta {
    let heading = blocks.iter().find_map(|b| match b {
        Block::Heading { content, .. } => Some(plain_text(content).trim().to_string()).filter(|t| !t.is_empty()),
        _ => None,
    });
    let stem = src
        .path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .filter(|s| !s.is_empty());
    let title = f.title.or(heading).or(stem).unwrap_or_else(|| "Untitled".to_string());
    Meta {
        title,
        subtitle: f.subtitle,
        authors: f.authors,
        date: f.date,
        lang: f.lang.unwrap_or_else(|| "en".to_string()),
        summary: f.summary,
        keywords: f.keywords,
        classification: f.classification,
        publisher: f.publisher,
        rights: f.rights,
        id: f.id,
        cover: f.cover,
        toc: f.toc,
        papersize: f.papersize,
    }
}

/// One event with its byte range in the whole file.
type Ev<'a> = (Event<'a>, Range<usize>);

/// Parses the body and merges runs of `Text` events into one.
fn collect_events(src: &Source, body_start: usize) -> Vec<Ev<'_>> {
    let body = src.text.get(body_start..).unwrap_or("");
    let mut out: Vec<Ev<'_>> = Vec::new();
    for (event, range) in Parser::new_ext(body, options()).into_offset_iter() {
        let range = range.start + body_start..range.end + body_start;
        if let (Event::Text(t), Some((Event::Text(prev), prev_range))) = (&event, out.last_mut()) {
            let mut joined = prev.to_string();
            joined.push_str(t);
            *prev = CowStr::from(joined);
            prev_range.end = prev_range.end.max(range.end);
            continue;
        }
        out.push((event, range));
    }
    out
}

/// An open container on the builder's stack.
enum Kind {
    Root,
    Quote,
    List {
        start: Option<u64>,
        tight: bool,
        items: Vec<ListItem>,
    },
    Item {
        task: Option<bool>,
        has_paragraph: bool,
    },
    Paragraph,
    Heading {
        level: u8,
        id: Option<String>,
    },
    Code {
        lang: Option<String>,
        text: String,
    },
    Html {
        html: String,
    },
    Table {
        aligns: Vec<Align>,
        head: Vec<Cell>,
        rows: Vec<Vec<Cell>>,
    },
    Row {
        cells: Vec<Cell>,
        head: bool,
        cell_ranges: Vec<Range<usize>>,
    },
    Cell,
    Emph,
    Strong,
    Strike,
    Link {
        url: String,
        title: String,
        keep: bool,
    },
    Image {
        src: String,
        title: String,
    },
    /// Something brief does not model (never produced with [`options`]); its content flows
    /// into the parent.
    Transparent,
}

struct Frame {
    kind: Kind,
    blocks: Vec<Block>,
    inlines: Vec<Inline>,
    start: usize,
}

impl Frame {
    fn new(kind: Kind, start: usize) -> Self {
        Frame {
            kind,
            blocks: Vec::new(),
            inlines: Vec::new(),
            start,
        }
    }

    /// Appends a block, first turning loose inline content (tight list items) into a
    /// paragraph, and attaching a `Table: …` paragraph to a following table as caption.
    fn push_block(&mut self, block: Block) {
        self.flush_inlines();
        let block = match block {
            Block::Table(mut table) if table.caption.is_none() => {
                if let Some(caption) = self.blocks.last().and_then(table_caption) {
                    self.blocks.pop();
                    table.caption = non_empty(caption);
                }
                Block::Table(table)
            }
            other => other,
        };
        self.blocks.push(block);
    }

    fn flush_inlines(&mut self) {
        if !self.inlines.is_empty() {
            let content = std::mem::take(&mut self.inlines);
            self.blocks.push(paragraph_or_figure(content));
        }
    }
}

/// The caption of a `Table: …` paragraph (pandoc's convention), if `block` is one.
fn table_caption(block: &Block) -> Option<Vec<Inline>> {
    let Block::Paragraph { content } = block else {
        return None;
    };
    let Some(Inline::Text { text }) = content.first() else {
        return None;
    };
    let rest = text.strip_prefix("Table:")?.trim_start().to_string();
    let mut caption = content.clone();
    if rest.is_empty() {
        caption.remove(0);
    } else if let Some(first) = caption.first_mut() {
        *first = Inline::Text { text: rest };
    }
    Some(caption)
}

/// `Some(caption)` unless the caption is blank.
fn non_empty(caption: Vec<Inline>) -> Option<Vec<Inline>> {
    let blank = caption
        .iter()
        .all(|i| matches!(i, Inline::Text { text } if text.trim().is_empty()) || matches!(i, Inline::SoftBreak));
    (!blank).then_some(caption)
}

/// A paragraph, or a figure when the paragraph holds one image and nothing else visible.
fn paragraph_or_figure(content: Vec<Inline>) -> Block {
    let mut images = content.iter().filter(|i| matches!(i, Inline::Image { .. }));
    let only_image = images.next().filter(|_| images.next().is_none()).is_some()
        && content.iter().all(|i| match i {
            Inline::Image { .. } | Inline::SoftBreak => true,
            Inline::Text { text } => text.trim().is_empty(),
            _ => false,
        });
    if only_image {
        if let Some(Inline::Image { image }) = content.into_iter().find(|i| matches!(i, Inline::Image { .. })) {
            return Block::Figure { image };
        }
        return Block::Paragraph { content: Vec::new() };
    }
    Block::Paragraph { content }
}

/// Turns events into blocks; holds what is shared across the main flow and the notes.
struct Builder<'s, 'd> {
    src: &'s Source,
    events: Vec<Ev<'s>>,
    /// Footnote label (lowercased) → index range of its definition's inner events.
    defs: HashMap<String, Range<usize>>,
    /// Built notes, by label.
    notes: HashMap<String, Vec<Block>>,
    /// Labels of the notes being built (cycle guard).
    in_progress: Vec<String>,
    slugs: Slugger,
    /// `#fragment` links and where they are, checked once all ids are known.
    internal_links: Vec<(String, usize)>,
    /// Forbidden characters already warned about.
    warned: BTreeSet<char>,
    /// Invalid character references (`&#xD800;`) and raw HTML tags already warned about.
    warned_text: BTreeSet<String>,
    /// Folders images may come from besides the source's own tree.
    allow_outside: Vec<PathBuf>,
    /// Whether nesting beyond [`MAX_CONTAINERS`] was flattened (and warned about).
    flattened: bool,
    /// An inline element whose content is dropped (`<script>` …) opened by inline HTML
    /// and not closed yet: text is dropped until its end tag or the end of the block.
    opaque_inline: Option<String>,
    diags: &'d mut Diagnostics,
}

/// Quotes, lists and list items open at once (a list level counts two: list and item)
/// beyond which deeper ones are flattened.
const MAX_CONTAINERS: usize = 256;

impl<'s, 'd> Builder<'s, 'd> {
    fn new(src: &'s Source, events: Vec<Ev<'s>>, diags: &'d mut Diagnostics) -> Self {
        let mut defs = HashMap::new();
        let mut explicit_ids = Vec::new();
        let mut i = 0;
        while let Some((event, range)) = events.get(i) {
            match event {
                Event::Start(Tag::FootnoteDefinition(label)) => {
                    let end = matching_end(&events, i);
                    match defs.entry(label.to_lowercase()) {
                        Entry::Occupied(_) => diags.push(src.warning_at(
                            range.start,
                            format!("footnote `[^{label}]` is defined twice; the first definition is used"),
                        )),
                        Entry::Vacant(slot) => {
                            slot.insert(i + 1..end);
                        }
                    }
                }
                Event::Start(Tag::Heading { id: Some(id), .. }) => explicit_ids.push(id.to_string()),
                _ => {}
            }
            i += 1;
        }
        Builder {
            src,
            events,
            defs,
            notes: HashMap::new(),
            in_progress: Vec::new(),
            slugs: Slugger::new(explicit_ids),
            internal_links: Vec::new(),
            warned: BTreeSet::new(),
            warned_text: BTreeSet::new(),
            allow_outside: Vec::new(),
            flattened: false,
            opaque_inline: None,
            diags,
        }
    }

    /// Builds the body (footnote definitions excluded) and runs the document-wide checks.
    fn build_main(&mut self) -> Vec<Block> {
        let blocks = self.build(0..self.events.len());
        let mut unused: Vec<(usize, String)> = self
            .defs
            .iter()
            .filter(|(label, _)| !self.notes.contains_key(*label))
            .map(|(label, r)| (r.start, label.clone()))
            .collect();
        unused.sort();
        for (index, label) in unused {
            let at = self.events.get(index.saturating_sub(1)).map_or(0, |(_, r)| r.start);
            self.diags.push(
                self.src
                    .warning_at(at, format!("footnote `[^{label}]` is defined but never referenced")),
            );
        }
        for (url, at) in std::mem::take(&mut self.internal_links) {
            let id = url.trim_start_matches('#');
            if !id.is_empty() && !self.slugs.contains(id) {
                self.diags.push(
                    self.src
                        .warning_at(at, format!("link to `{url}`: no heading has that id")),
                );
            }
        }
        blocks
    }

    /// Builds the blocks of the events in `range`, skipping footnote definitions.
    fn build(&mut self, range: Range<usize>) -> Vec<Block> {
        let mut stack = vec![Frame::new(Kind::Root, 0)];
        // For every open tag: whether it opened a frame. Quotes, lists and items deeper than
        // MAX_CONTAINERS are flattened into the deepest one kept (their text stays), so no
        // later stage (layout, EPUB, even dropping the tree) recurses without bound.
        let mut opened: Vec<bool> = Vec::new();
        let mut i = range.start;
        while i < range.end {
            let Some((event, r)) = self.events.get(i).cloned() else {
                break;
            };
            if matches!(event, Event::Start(Tag::FootnoteDefinition(_))) {
                i = matching_end(&self.events, i) + 1;
                continue;
            }
            match &event {
                Event::Start(Tag::BlockQuote(_) | Tag::List(_) | Tag::Item) => {
                    let containers = stack
                        .iter()
                        .filter(|f| matches!(f.kind, Kind::Quote | Kind::List { .. } | Kind::Item { .. }))
                        .count();
                    if containers >= MAX_CONTAINERS {
                        if !self.flattened {
                            self.flattened = true;
                            self.diags.push(self.src.warning_at(
                                r.start,
                                format!("lists and quotes nested more than {MAX_CONTAINERS} deep are flattened from here"),
                            ));
                        }
                        opened.push(false);
                        i += 1;
                        continue;
                    }
                    opened.push(true);
                }
                Event::Start(_) => opened.push(true),
                Event::End(TagEnd::FootnoteDefinition) => {}
                Event::End(_) => {
                    if !opened.pop().unwrap_or(true) {
                        i += 1;
                        continue;
                    }
                }
                _ => {}
            }
            self.event(&mut stack, event, r);
            i += 1;
        }
        // Close anything left open (not expected from pulldown-cmark, but never lose text).
        while stack.len() > 1 {
            let end = self.src.text.len();
            self.close(&mut stack, end..end);
        }
        let mut root = stack.pop().unwrap_or_else(|| Frame::new(Kind::Root, 0));
        root.flush_inlines();
        root.blocks
    }

    fn event(&mut self, stack: &mut Vec<Frame>, event: Event<'s>, r: Range<usize>) {
        let inline_html = matches!(event, Event::InlineHtml(_));
        if matches!(
            event,
            Event::End(TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::TableCell | TagEnd::Item | TagEnd::BlockQuote(_))
        ) {
            // An inline element left open never reaches past its block.
            self.opaque_inline = None;
        }
        match event {
            Event::InlineHtml(t) if self.opaque_inline.is_some() => {
                // Inside an inline `<script>` (or another element dropped with its
                // content): drop everything up to its end tag.
                if self.opaque_inline.as_deref().is_some_and(|name| crate::epub::rawhtml::closes(&t, name)) {
                    self.opaque_inline = None;
                }
            }
            Event::Text(_) | Event::Code(_) | Event::SoftBreak | Event::HardBreak if self.opaque_inline.is_some() => {}
            Event::Start(tag) => self.open(stack, tag, r),
            Event::End(TagEnd::FootnoteDefinition) => {}
            Event::End(_) => self.close(stack, r),
            Event::Text(t) => {
                let text = self.clean(&t, &r);
                match stack.last_mut().map(|f| &mut f.kind) {
                    Some(Kind::Code { text: code, .. }) => code.push_str(&text),
                    Some(Kind::Html { html }) => html.push_str(&text),
                    _ => {
                        let text = self.base_for_leading_mark(stack, text, &r);
                        self.push_text(stack, text, &r)
                    }
                }
            }
            Event::Code(t) => {
                let text = self.clean(&t, &r);
                push_inline(stack, Inline::Code { text });
            }
            Event::Html(t) | Event::InlineHtml(t) => {
                let html = self.clean(&t, &r);
                self.report_html(&html, &r);
                if inline_html {
                    self.opaque_inline = crate::epub::rawhtml::unclosed_opaque(&html);
                }
                match stack.last_mut().map(|f| &mut f.kind) {
                    Some(Kind::Html { html: block }) => block.push_str(&html),
                    _ => push_inline(stack, Inline::Html { html }),
                }
            }
            Event::InlineMath(t) | Event::DisplayMath(t) => {
                let text = self.clean(&t, &r);
                push_inline(stack, Inline::Code { text });
            }
            Event::FootnoteReference(label) => {
                let inline = self.note(&label, r.start);
                push_inline(stack, inline);
            }
            Event::SoftBreak => push_inline(stack, Inline::SoftBreak),
            Event::HardBreak => push_inline(stack, Inline::HardBreak),
            Event::Rule => {
                if let Some(top) = stack.last_mut() {
                    top.push_block(Block::ThematicBreak);
                }
            }
            Event::TaskListMarker(checked) => {
                if let Some(Kind::Item { task, .. }) = stack
                    .iter_mut()
                    .rev()
                    .map(|f| &mut f.kind)
                    .find(|k| matches!(k, Kind::Item { .. }))
                {
                    *task = Some(checked);
                }
            }
        }
    }

    fn open(&mut self, stack: &mut Vec<Frame>, tag: Tag<'s>, r: Range<usize>) {
        let kind = match tag {
            Tag::Paragraph => {
                if let Some(Frame {
                    kind: Kind::Item { has_paragraph, .. },
                    ..
                }) = stack.last_mut()
                {
                    *has_paragraph = true;
                }
                Kind::Paragraph
            }
            Tag::Heading {
                level,
                id,
                classes,
                attrs,
            } => {
                if !classes.is_empty() || !attrs.is_empty() {
                    let names: Vec<String> = classes
                        .iter()
                        .map(|c| format!(".{c}"))
                        .chain(
                            attrs
                                .iter()
                                .map(|(k, v)| v.as_ref().map_or(k.to_string(), |v| format!("{k}={v}"))),
                        )
                        .collect();
                    self.diags.push(self.src.warning_at(
                        r.start,
                        format!(
                            "heading attributes `{}` are ignored (only `{{#id}}` is used); write `\\{{` to keep a brace as text",
                            names.join(" ")
                        ),
                    ));
                }
                let id = id.map(|i| self.clean(&i, &r)).filter(|i| !i.is_empty());
                Kind::Heading { level: level as u8, id }
            }
            Tag::BlockQuote(_) => Kind::Quote,
            Tag::CodeBlock(CodeBlockKind::Fenced(info)) => {
                let lang = info.split_whitespace().next().map(str::to_string);
                Kind::Code {
                    lang,
                    text: String::new(),
                }
            }
            Tag::CodeBlock(CodeBlockKind::Indented) => Kind::Code {
                lang: None,
                text: String::new(),
            },
            Tag::HtmlBlock => Kind::Html { html: String::new() },
            Tag::List(start) => Kind::List {
                start,
                tight: true,
                items: Vec::new(),
            },
            Tag::Item => Kind::Item {
                task: None,
                has_paragraph: false,
            },
            Tag::Table(aligns) => Kind::Table {
                aligns: aligns.iter().map(|a| align(*a)).collect(),
                head: Vec::new(),
                rows: Vec::new(),
            },
            Tag::TableHead => Kind::Row {
                cells: Vec::new(),
                head: true,
                cell_ranges: Vec::new(),
            },
            Tag::TableRow => Kind::Row {
                cells: Vec::new(),
                head: false,
                cell_ranges: Vec::new(),
            },
            Tag::TableCell => {
                if let Some(Frame {
                    kind: Kind::Row { cell_ranges, .. },
                    ..
                }) = stack.last_mut()
                {
                    cell_ranges.push(r.clone());
                }
                Kind::Cell
            }
            Tag::Emphasis => Kind::Emph,
            Tag::Strong => Kind::Strong,
            Tag::Strikethrough => Kind::Strike,
            Tag::Link {
                link_type,
                dest_url,
                title,
                ..
            } => {
                let url = self.clean(&dest_url, &r);
                let url = if link_type == LinkType::Email && !url.contains(':') {
                    format!("mailto:{url}")
                } else {
                    url
                };
                let keep = self.check_link(&url, r.start);
                Kind::Link {
                    url,
                    title: self.clean(&title, &r),
                    keep,
                }
            }
            Tag::Image { dest_url, title, .. } => {
                let url = self.clean(&dest_url, &r);
                self.check_image(&url, r.start);
                Kind::Image {
                    src: url,
                    title: self.clean(&title, &r),
                }
            }
            _ => Kind::Transparent,
        };
        // A block opening inside a tight list item ends the item's loose text.
        if is_block(&kind) {
            if let Some(top) = stack.last_mut() {
                top.flush_inlines();
            }
        }
        stack.push(Frame::new(kind, r.start));
    }

    /// Warns about a ragged table row. pulldown-cmark already pads short rows (with cells
    /// of empty range at the row's end) and drops extra cells (text left between the last
    /// cell and the row's end).
    fn check_row(&mut self, cells: &[Range<usize>], row: Range<usize>, columns: usize) {
        let padded = cells.iter().filter(|c| c.is_empty() && c.start >= row.end).count();
        let last_end = cells
            .iter()
            .filter(|c| !c.is_empty())
            .map(|c| c.end)
            .max()
            .unwrap_or(row.start);
        let rest = self.src.text.get(last_end.min(row.end)..row.end).unwrap_or("");
        let extra = rest.split('|').filter(|c| !c.trim().is_empty()).count();
        if padded > 0 {
            let given = columns.saturating_sub(padded);
            let cells = if given == 1 { "cell" } else { "cells" };
            self.diags.push(self.src.warning_at(
                row.start,
                format!("table row has {given} {cells} but the table has {columns} columns; padded with empty cells"),
            ));
        } else if extra > 0 {
            self.diags.push(self.src.warning_at(
                row.start,
                format!(
                    "table row has {} cells but the table has {columns} columns; extra cells dropped",
                    columns + extra
                ),
            ));
        }
    }

    /// Pops the top frame and hands its result to the new top.
    fn close(&mut self, stack: &mut Vec<Frame>, r: Range<usize>) {
        if stack.len() < 2 {
            return;
        }
        let Some(frame) = stack.pop() else { return };
        let Some(parent) = stack.last_mut() else { return };
        let Frame {
            kind,
            mut blocks,
            inlines,
            start,
        } = frame;
        match kind {
            Kind::Root => {}
            Kind::Paragraph => parent.push_block(paragraph_or_figure(inlines)),
            Kind::Heading { level, id } => {
                let id = match id {
                    Some(id) => {
                        let (unique, changed) = self.slugs.explicit(&id);
                        if changed {
                            self.diags.push(self.src.warning_at(
                                start,
                                format!("heading id `{id}` is used twice; this one becomes `{unique}`"),
                            ));
                        }
                        unique
                    }
                    None => self.slugs.generated(&plain_text(&inlines)),
                };
                parent.push_block(Block::Heading {
                    level,
                    id,
                    content: inlines,
                });
            }
            Kind::Quote => {
                let mut f = Frame {
                    kind: Kind::Quote,
                    blocks,
                    inlines,
                    start,
                };
                f.flush_inlines();
                parent.push_block(Block::BlockQuote { blocks: f.blocks });
            }
            Kind::Code { lang, text } => parent.push_block(Block::CodeBlock { lang, text }),
            // Raw HTML becomes a paragraph of it, so both editions show the same words:
            // the EPUB its safe subset (epub::rawhtml), the PDF the same as plain text.
            // Markup with no text (a comment, an empty div) leaves nothing.
            Kind::Html { html } => {
                if !crate::epub::rawhtml::plain_text(&html).trim().is_empty() {
                    parent.push_block(Block::Paragraph { content: vec![Inline::Html { html }] });
                }
            }
            Kind::List { start, tight, items } => parent.push_block(Block::List(List { start, tight, items })),
            Kind::Item { task, has_paragraph } => {
                if !inlines.is_empty() {
                    blocks.push(paragraph_or_figure(inlines));
                }
                if let Kind::List { tight, items, .. } = &mut parent.kind {
                    *tight &= !has_paragraph;
                    items.push(ListItem { task, blocks });
                } else {
                    parent.blocks.extend(blocks);
                }
            }
            Kind::Table { aligns, head, rows } => {
                let table = Table {
                    caption: None,
                    aligns,
                    head,
                    rows,
                };
                parent.push_block(Block::Table(table));
            }
            Kind::Row {
                mut cells,
                head,
                cell_ranges,
            } => {
                if let Kind::Table {
                    aligns,
                    head: table_head,
                    rows,
                } = &mut parent.kind
                {
                    let columns = aligns.len();
                    self.check_row(&cell_ranges, r, columns);
                    if cells.len() != columns {
                        cells.resize_with(columns, Vec::new);
                    }
                    if head {
                        *table_head = cells;
                    } else {
                        rows.push(cells);
                    }
                }
            }
            Kind::Cell => {
                if let Kind::Row { cells, .. } = &mut parent.kind {
                    cells.push(inlines);
                }
            }
            Kind::Emph => parent.inlines.push(Inline::Emph { content: inlines }),
            Kind::Strong => parent.inlines.push(Inline::Strong { content: inlines }),
            Kind::Strike => parent.inlines.push(Inline::Strikethrough { content: inlines }),
            Kind::Link { url, title, keep } => {
                if keep {
                    parent.inlines.push(Inline::Link {
                        url,
                        title,
                        content: inlines,
                    });
                } else {
                    for inline in inlines {
                        append_inline(&mut parent.inlines, inline);
                    }
                }
            }
            Kind::Image { src, title } => {
                let alt = plain_text(&inlines);
                if alt.trim().is_empty() {
                    self.diags.push(self.src.warning_at(
                        start,
                        format!("image `{src}` has no alt text; readers who cannot see it get nothing: write ![what it shows]({src})"),
                    ));
                }
                parent.inlines.push(Inline::Image {
                    image: Image { src, alt, title },
                });
            }
            Kind::Transparent => {
                for inline in inlines {
                    append_inline(&mut parent.inlines, inline);
                }
                for b in blocks {
                    parent.push_block(b);
                }
            }
        }
    }

    /// Pushes text, warning about `[^label]` references that have no definition.
    fn push_text(&mut self, stack: &mut [Frame], text: String, r: &Range<usize>) {
        let source = self.src.text.get(r.clone()).unwrap_or("");
        let mut from = 0;
        while let Some(i) = text.get(from..).and_then(|t| t.find("[^")) {
            let at = from + i;
            let rest = text.get(at + 2..).unwrap_or("");
            from = at + 2;
            let Some(close) = rest.find(']') else { break };
            let label = rest.get(..close).unwrap_or("");
            if label.is_empty() || label.contains(char::is_whitespace) {
                continue;
            }
            let literal = format!("[^{label}]");
            if let Some(pos) = source.find(&literal) {
                let escaped = source.get(..pos).is_some_and(|b| b.ends_with('\\'));
                if !escaped {
                    self.diags.push(self.src.warning_at(
                        r.start + pos,
                        format!("footnote `{literal}` is not defined; kept as text"),
                    ));
                }
            }
        }
        push_inline(stack, Inline::Text { text });
    }

    /// The note for a footnote reference, or its literal text when it cannot be built.
    fn note(&mut self, label: &str, at: usize) -> Inline {
        let key = label.to_lowercase();
        let literal = Inline::text(format!("[^{label}]"));
        let Some(range) = self.defs.get(&key).cloned() else {
            self.diags.push(
                self.src
                    .warning_at(at, format!("footnote `[^{label}]` is not defined; kept as text")),
            );
            return literal;
        };
        if let Some(blocks) = self.notes.get(&key) {
            return Inline::Note { blocks: blocks.clone() };
        }
        if self.in_progress.contains(&key) {
            self.diags.push(
                self.src
                    .warning_at(at, format!("footnote `[^{label}]` refers to itself; kept as text")),
            );
            return literal;
        }
        if self.in_progress.len() >= MAX_NOTE_DEPTH {
            self.diags.push(self.src.warning_at(
                at,
                format!("footnote `[^{label}]` is nested more than {MAX_NOTE_DEPTH} notes deep; kept as text"),
            ));
            return literal;
        }
        self.in_progress.push(key.clone());
        let blocks = self.build(range);
        self.in_progress.pop();
        self.notes.insert(key, blocks.clone());
        Inline::Note { blocks }
    }

    /// Removes the characters [`removed_char`] names, warning once per character per
    /// document at its first place, and reports character references that could not
    /// become a character (`&#xD800;`, `&#0;`: pulldown-cmark sets U+FFFD for them).
    fn clean(&mut self, s: &str, r: &Range<usize>) -> String {
        if !s.chars().any(|c| removed_char(c).is_some() || c == '\u{FFFD}') {
            return s.to_string();
        }
        let mut out = String::with_capacity(s.len());
        for c in s.chars() {
            if let Some(why) = removed_char(c) {
                if self.warned.insert(c) {
                    let at = self.locate(c, r);
                    self.diags.push(self.src.warning_at(
                        at,
                        format!("character U+{:04X} ({why}) is not allowed in documents; removed", c as u32),
                    ));
                }
                continue;
            }
            out.push(c);
        }
        if out.contains('\u{FFFD}') {
            self.report_bad_references(r);
        }
        out
    }

    /// Where `c` is in the source range `r`: the character itself, else a numeric
    /// character reference to it; the range start when neither is found.
    fn locate(&self, c: char, r: &Range<usize>) -> usize {
        let source = self.src.text.get(r.clone()).unwrap_or("");
        if let Some(i) = source.find(c) {
            return r.start + i;
        }
        char_refs(source)
            .find(|&(_, _, v)| v == Some(c))
            .map_or(r.start, |(i, _, _)| r.start + i)
    }

    /// Warns about numeric character references in `r` that name no character (a
    /// surrogate, zero, or past U+10FFFF), once per reference text per document.
    fn report_bad_references(&mut self, r: &Range<usize>) {
        let source = self.src.text.get(r.clone()).unwrap_or("");
        let bad: Vec<(usize, String)> =
            char_refs(source).filter(|(_, _, v)| v.is_none()).map(|(i, t, _)| (i, t.to_string())).collect();
        for (i, text) in bad {
            if self.warned_text.insert(text.clone()) {
                self.diags.push(self.src.warning_at(
                    r.start + i,
                    format!("character reference `{text}` is not a valid character (a surrogate, zero or beyond U+10FFFF); replaced by U+FFFD"),
                ));
            }
        }
    }

    /// Warns about the raw HTML tags brief drops (all but `<br>` and a few phrasing
    /// elements), once per tag name per document, at the tag.
    fn report_html(&mut self, html: &str, r: &Range<usize>) {
        let source = self.src.text.get(r.clone()).unwrap_or("");
        for (name, at, opaque) in crate::epub::rawhtml::dropped_tags(html) {
            if !self.warned_text.insert(format!("<{name}>")) {
                continue;
            }
            // The tag's place in the source (the event's text may be indented differently).
            let needle = format!("<{name}");
            let offset = source.to_ascii_lowercase().find(&needle).unwrap_or(at.min(source.len()));
            let message = if opaque {
                format!("raw HTML `<{name}>` is not allowed; dropped with its content in the PDF and the EPUB")
            } else {
                format!("raw HTML `<{name}>` is not supported; the tag is dropped and its text kept, in the PDF and the EPUB")
            };
            self.diags.push(self.src.warning_at(r.start + offset, message));
        }
    }

    /// Sets a combining mark that opens a paragraph, heading or cell (it has no letter to
    /// sit on: it would hang in the margin or combine with nothing) on a no-break space,
    /// as Unicode recommends, with a warning once per mark per document.
    fn base_for_leading_mark(&mut self, stack: &[Frame], text: String, r: &Range<usize>) -> String {
        let Some(first) = text.chars().next() else { return text };
        if !is_combining_mark(first) || !at_block_start(stack) {
            return text;
        }
        if self.warned.insert(first) {
            let at = self.locate(first, r);
            self.diags.push(self.src.warning_at(
                at,
                format!(
                    "combining mark U+{:04X} starts a paragraph with no letter to sit on; shown on a no-break space",
                    first as u32
                ),
            ));
        }
        format!("\u{A0}{text}")
    }

    /// Whether a link is kept; warns about schemes brief does not link to.
    fn check_link(&mut self, url: &str, at: usize) -> bool {
        if url.starts_with('#') {
            self.internal_links.push((url.to_string(), at));
            return true;
        }
        match scheme(url) {
            None => true,
            Some(s) if matches!(s.as_str(), "http" | "https" | "mailto") => true,
            Some(s) => {
                self.diags.push(self.src.warning_at(
                    at,
                    format!("link to `{url}` uses the `{s}:` scheme, which is not allowed; link dropped, text kept"),
                ));
                false
            }
        }
    }

    fn check_image(&mut self, url: &str, at: usize) {
        match scheme(url) {
            Some(s) if s == "http" || s == "https" => {
                self.diags.push(self.src.warning_at(
                    at,
                    format!("remote image `{url}` is not fetched; its alt text is shown instead"),
                ));
            }
            Some(s) if s.len() > 1 => {
                self.diags.push(self.src.error_at(
                    at,
                    format!("image `{url}`: the `{s}:` scheme is not supported; use a file next to the source"),
                ));
            }
            _ => check_local_image(self.src, url, at, &self.allow_outside, self.diags),
        }
    }
}

/// Checks a local image path: inside the source's folder tree (or a folder of
/// `allow_outside`), and present. Refused: absolute paths, paths that climb out with `..`,
/// and links (symlinks) that resolve outside — each unless the place it reaches is in an
/// allowed folder.
fn check_local_image(src: &Source, url: &str, at: usize, allow_outside: &[PathBuf], diags: &mut Diagnostics) {
    if url.trim().is_empty() {
        diags.push(src.error_at(at, "image has no source path"));
        return;
    }
    let decoded = crate::doc::percent_decode(url);
    let path = Path::new(&decoded);
    let base = src
        .path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let full = base.join(path);
    let allowed: Vec<PathBuf> = allow_outside.iter().filter_map(|p| p.canonicalize().ok()).collect();
    let in_allowed = |p: &Path| allowed.iter().any(|a| p.starts_with(a));
    let hint = "; refused (brief build --allow-outside FOLDER allows a folder)";
    let drive =
        decoded.as_bytes().get(1) == Some(&b':') && decoded.as_bytes().first().is_some_and(u8::is_ascii_alphabetic);
    // Lexically outside: absolute, or more `..` than folders.
    let mut depth: i64 = 0;
    let mut climbs = false;
    for c in path.components() {
        match c {
            Component::ParentDir => depth -= 1,
            Component::Normal(_) => depth += 1,
            _ => {}
        }
        climbs |= depth < 0;
    }
    let absolute = path.is_absolute() || decoded.starts_with(['/', '\\']) || drive;
    let resolved = full.canonicalize().ok();
    if absolute || climbs {
        if resolved.as_deref().is_some_and(in_allowed) {
            if !full.is_file() {
                diags.push(src.error_at(at, format!("image file `{url}` not found (looked for {})", full.display())));
            }
            return;
        }
        // A missing file in an allowed folder cannot be canonicalized: say it is missing,
        // not that it is refused.
        let parent_allowed = full.parent().and_then(|p| p.canonicalize().ok()).is_some_and(|p| in_allowed(&p));
        if resolved.is_none() && parent_allowed {
            diags.push(src.error_at(at, format!("image file `{url}` not found (looked for {})", full.display())));
            return;
        }
        let what = if absolute { "is an absolute path" } else { "climbs out of the source file's folder" };
        diags.push(src.error_at(at, format!("image `{url}` {what}{hint}")));
        return;
    }
    let Some(resolved) = resolved.filter(|_| full.is_file()) else {
        diags.push(src.error_at(
            at,
            format!("image file `{url}` not found (looked for {})", full.display()),
        ));
        return;
    };
    // Inside lexically; a symbolic link on the way may still lead elsewhere.
    let root = base.canonicalize().unwrap_or_else(|_| base.to_path_buf());
    if !resolved.starts_with(&root) && !in_allowed(&resolved) {
        diags.push(src.error_at(
            at,
            format!("image `{url}` is a link to {}, outside the source file's folder{hint}", resolved.display()),
        ));
    }
}

/// The lowercased URL scheme, if `url` has one (`mailto:`, `https:`, …).
fn scheme(url: &str) -> Option<String> {
    let colon = url.find(':')?;
    let s = url.get(..colon)?;
    let mut chars = s.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic());
    (first_ok && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
        .then(|| s.to_ascii_lowercase())
}

/// Why the parser removes `c` from a document, or `None` when `c` is kept. Removed:
/// controls other than tab, line feed and carriage return (C0, DEL, C1: XML forbids or
/// discourages them and they print as nothing or a box), noncharacters (U+FDD0–U+FDEF and
/// the last two code points of every plane, U+FFFE/U+FFFF included), and the bidi
/// embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069): invisible, they can
/// make text display in another order than it reads ("Trojan source"), and the PDF and
/// EPUB would not agree on them; direction comes from the letters, so Arabic and Hebrew
/// are unaffected. Kept: the marks U+200E/U+200F/U+061C, joiners (ZWJ, ZWNJ: Persian
/// words and emoji sequences need them), and everything else.
pub fn removed_char(c: char) -> Option<&'static str> {
    let n = c as u32;
    match n {
        0x09 | 0x0A | 0x0D => None,
        0x00..=0x1F | 0x7F..=0x9F => Some("a control character"),
        0xFDD0..=0xFDEF => Some("a noncharacter"),
        0x202A..=0x202E | 0x2066..=0x2069 => Some("an invisible bidirectional embedding, override or isolate"),
        _ if n & 0xFFFE == 0xFFFE => Some("a noncharacter"),
        _ => None,
    }
}

/// Whether `c` never shows as a glyph: the parser removes it ([`removed_char`]), or it is
/// an invisible format character the shaper hides (variation selectors, the combining
/// grapheme joiner, Mongolian variation selectors, tag characters of flag sequences).
pub fn never_printed(c: char) -> bool {
    removed_char(c).is_some()
        || matches!(c, '\u{FE00}'..='\u{FE0F}' | '\u{E0100}'..='\u{E01EF}' | '\u{E0020}'..='\u{E007F}' | '\u{034F}' | '\u{180B}'..='\u{180F}')
}

/// Whether `c` is a combining mark (it attaches to the character before it).
fn is_combining_mark(c: char) -> bool {
    !c.is_ascii() && unicode_bidi::bidi_class(c) == unicode_bidi::BidiClass::NSM
}

/// Whether nothing has been written yet in the innermost paragraph, heading, cell or list
/// item (inline containers such as emphasis opened at its start count as nothing).
fn at_block_start(stack: &[Frame]) -> bool {
    for frame in stack.iter().rev() {
        if !frame.inlines.is_empty() {
            return false;
        }
        if !matches!(frame.kind, Kind::Emph | Kind::Strong | Kind::Strike | Kind::Link { .. } | Kind::Transparent) {
            return true;
        }
    }
    true
}

/// The numeric character references in `s`: byte offset, text, and the character (`None`
/// when the number names no character).
fn char_refs(s: &str) -> impl Iterator<Item = (usize, &str, Option<char>)> + '_ {
    s.match_indices("&#").filter_map(move |(i, _)| {
        let rest = s.get(i + 2..)?;
        let end = rest.find(';').filter(|&e| e > 0 && e <= 9)?;
        let body = rest.get(..end)?;
        let value = match body.strip_prefix(['x', 'X']) {
            Some(hex) if !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit()) => u32::from_str_radix(hex, 16).ok(),
            None if body.bytes().all(|b| b.is_ascii_digit()) => body.parse().ok(),
            _ => return None,
        };
        let c = value.and_then(char::from_u32).filter(|&c| c != '\0');
        Some((i, s.get(i..i + 2 + end + 1)?, c))
    })
}

fn align(a: Alignment) -> Align {
    match a {
        Alignment::None => Align::Default,
        Alignment::Left => Align::Left,
        Alignment::Center => Align::Center,
        Alignment::Right => Align::Right,
    }
}

fn is_block(kind: &Kind) -> bool {
    matches!(
        kind,
        Kind::Quote
            | Kind::List { .. }
            | Kind::Paragraph
            | Kind::Heading { .. }
            | Kind::Code { .. }
            | Kind::Html { .. }
            | Kind::Table { .. }
    )
}

/// Appends an inline to the innermost frame.
fn push_inline(stack: &mut [Frame], inline: Inline) {
    if let Some(top) = stack.last_mut() {
        append_inline(&mut top.inlines, inline);
    }
}

/// Appends an inline, joining it to a preceding text node (text stays whole strings, also
/// after a refused link's content is spliced into its parent).
fn append_inline(inlines: &mut Vec<Inline>, inline: Inline) {
    match (inlines.last_mut(), inline) {
        (Some(Inline::Text { text: prev }), Inline::Text { text }) => prev.push_str(&text),
        (_, inline) => inlines.push(inline),
    }
}

/// Index of the `End` event matching the `Start` at `start` (the last index if unbalanced).
fn matching_end(events: &[Ev<'_>], start: usize) -> usize {
    let mut depth = 0usize;
    for (i, (e, _)) in events.iter().enumerate().skip(start) {
        match e {
            Event::Start(_) => depth += 1,
            Event::End(_) => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return i;
                }
            }
            _ => {}
        }
    }
    events.len().saturating_sub(1)
}
