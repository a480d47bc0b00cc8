//! The book's structure: chapter files, the table-of-contents tree and where every
//! heading id lives.
//!
//! **Chapters.** The body is split at *root* headings: a heading whose level is not
//! deeper than any heading before it. When the body starts with its top level (the usual
//! case: `#` title, then `##` sections), the roots are exactly the top-level headings,
//! and content before the first one joins the first chapter. When lower headings come
//! before the first top-level one (a `##` preface, then `#` parts), those are roots too
//! and start their own chapters, so every chapter has at most one root and the nav
//! document (one entry per chapter file, in epub-builder) stays properly nested.
//!
//! **Toc tree.** Within a chapter, headings nest by a stack: a heading becomes the child
//! of the nearest earlier heading with a smaller level, so skipped levels (`#` then
//! `###`) nest one step deeper, never dangle.

use std::collections::{BTreeMap, BTreeSet};

use crate::doc::{plain_text, Block, Inline};

use super::escape;

/// One node of the table of contents.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TocNode {
    /// `chapter-N.xhtml#id`.
    pub href: String,
    /// Plain-text title, never empty.
    pub title: String,
    pub children: Vec<TocNode>,
}

/// One chapter: a run of top-level blocks written to one XHTML file.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Chapter {
    /// File name inside the package, e.g. `chapter-1.xhtml`.
    pub file: String,
    /// Range of the document's top-level blocks.
    pub start: usize,
    pub end: usize,
    /// Title for `<title>`: the root heading's text, if the chapter has one.
    pub title: Option<String>,
    /// The root heading with its subtree, if the chapter has one.
    pub toc: Option<TocNode>,
}

/// Where everything is.
#[derive(Debug, Clone, Default)]
pub(crate) struct Outline {
    pub chapters: Vec<Chapter>,
    /// Heading id as written in the tree → `chapter-N.xhtml#id` (first occurrence wins).
    pub targets: BTreeMap<String, String>,
    /// Prefix of footnote ids (`fn` unless a heading id could collide with `fn-N`).
    pub note_prefix: String,
}

/// Name of the chapter file number `n` (1-based).
pub(crate) fn chapter_file(n: usize) -> String {
    format!("chapter-{n}.xhtml")
}

/// A heading's TOC title: its plain text, or its id when the text is empty.
pub(crate) fn heading_title(content: &[Inline], id: &str) -> String {
    let title = escape::clean_line(&plain_text(content));
    if title.is_empty() {
        escape::clean_line(id).chars().take(60).collect::<String>().replace('-', " ")
    } else {
        title
    }
}

/// Computes chapters, the toc tree and heading targets of `blocks`.
pub(crate) fn outline(blocks: &[Block]) -> Outline {
    // Chapter boundaries: top-level root headings (except one that is the very first block
    // after only non-heading content: that content joins its chapter).
    let mut starts = vec![0];
    let mut min_level = u8::MAX;
    for (i, block) in blocks.iter().enumerate() {
        if let Block::Heading { level, .. } = block {
            if *level <= min_level {
                if min_level != u8::MAX && i > 0 {
                    starts.push(i);
                }
                min_level = *level;
            }
        }
    }
    let mut chapters = Vec::new();
    for (n, &start) in starts.iter().enumerate() {
        let end = starts.get(n + 1).copied().unwrap_or(blocks.len());
        let file = chapter_file(n + 1);
        let toc = toc_tree(blocks.get(start..end).unwrap_or(&[]), &file);
        let title = toc.as_ref().map(|t| t.title.clone());
        chapters.push(Chapter { file, start, end, title, toc });
    }

    let mut targets = BTreeMap::new();
    let mut ids = BTreeSet::new();
    for chapter in &chapters {
        let slice = blocks.get(chapter.start..chapter.end).unwrap_or(&[]);
        walk_headings(slice, &mut |id| {
            let safe = escape::id(id);
            ids.insert(safe.clone());
            targets.entry(id.to_string()).or_insert_with(|| format!("{}#{}", chapter.file, escape::fragment(&safe)));
        });
    }
    let note_prefix = ["fn", "footnote", "brief-fn"]
        .iter()
        .map(|p| p.to_string())
        .find(|p| !ids.iter().any(|id| id.starts_with(&format!("{p}-")) || id.starts_with(&format!("{p}ref-"))))
        .unwrap_or_else(|| "brief-note".to_string());
    Outline { chapters, targets, note_prefix }
}

/// Builds the toc tree of one chapter's top-level headings (at most one root by
/// construction of the chapters; extra roots, if any, are attached to the first).
fn toc_tree(blocks: &[Block], file: &str) -> Option<TocNode> {
    // Stack of (level, node) of the open path from the root.
    let mut stack: Vec<(u8, TocNode)> = Vec::new();
    let mut roots: Vec<TocNode> = Vec::new();
    for block in blocks {
        let Block::Heading { level, id, content } = block else { continue };
        let node = TocNode {
            href: format!("{file}#{}", escape::fragment(&escape::id(id))),
            title: heading_title(content, id),
            children: Vec::new(),
        };
        while stack.last().is_some_and(|(l, _)| *l >= *level) {
            close_top(&mut stack, &mut roots);
        }
        stack.push((*level, node));
    }
    while !stack.is_empty() {
        close_top(&mut stack, &mut roots);
    }
    let mut roots = roots.into_iter();
    let mut first = roots.next()?;
    first.children.extend(roots);
    Some(first)
}

/// Pops the innermost open node into its parent (or into `roots`).
fn close_top(stack: &mut Vec<(u8, TocNode)>, roots: &mut Vec<TocNode>) {
    if let Some((_, node)) = stack.pop() {
        match stack.last_mut() {
            Some((_, parent)) => parent.children.push(node),
            None => roots.push(node),
        }
    }
}

/// Calls `f` with the id of every heading in `blocks`, at any depth (quotes, lists,
/// footnotes included), in document order.
pub(crate) fn walk_headings(blocks: &[Block], f: &mut dyn FnMut(&str)) {
    for block in blocks {
        match block {
            Block::Heading { id, content, .. } => {
                f(id);
                walk_inline_notes(content, f);
            }
            Block::Paragraph { content } => walk_inline_notes(content, f),
            Block::BlockQuote { blocks } => walk_headings(blocks, f),
            Block::List(list) => list.items.iter().for_each(|item| walk_headings(&item.blocks, f)),
            Block::Table(table) => {
                if let Some(caption) = &table.caption {
                    walk_inline_notes(caption, f);
                }
                table.head.iter().chain(table.rows.iter().flatten()).for_each(|c| walk_inline_notes(c, f));
            }
            Block::Figure { .. } | Block::CodeBlock { .. } | Block::ThematicBreak | Block::Html { .. } => {}
        }
    }
}

fn walk_inline_notes(inlines: &[Inline], f: &mut dyn FnMut(&str)) {
    for inline in inlines {
        match inline {
            Inline::Note { blocks } => walk_headings(blocks, f),
            Inline::Emph { content }
            | Inline::Strong { content }
            | Inline::Strikethrough { content }
            | Inline::Link { content, .. } => walk_inline_notes(content, f),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(level: u8, id: &str) -> Block {
        Block::Heading { level, id: id.into(), content: vec![Inline::text(id.to_uppercase())] }
    }
    fn p() -> Block {
        Block::Paragraph { content: vec![Inline::text("x")] }
    }

    #[test]
    fn splits_at_top_level_with_preamble_in_first_chapter() {
        let blocks = vec![p(), h(2, "a"), h(3, "a1"), p(), h(2, "b"), h(4, "b1"), h(3, "b2")];
        let o = outline(&blocks);
        let ranges: Vec<_> = o.chapters.iter().map(|c| (c.start, c.end)).collect();
        assert_eq!(ranges, vec![(0, 4), (4, 7)]);
        let b = o.chapters[1].toc.as_ref().unwrap();
        assert_eq!(b.title, "B");
        // Skipped level: b1 (h4) and b2 (h3) are both children of b, in order.
        let kids: Vec<_> = b.children.iter().map(|c| c.href.as_str()).collect();
        assert_eq!(kids, vec!["chapter-2.xhtml#b1", "chapter-2.xhtml#b2"]);
        assert_eq!(o.targets.get("a1").map(String::as_str), Some("chapter-1.xhtml#a1"));
        assert_eq!(o.note_prefix, "fn");
    }

    #[test]
    fn lower_headings_before_the_top_level_start_their_own_chapter() {
        let blocks = vec![h(3, "pre"), p(), h(1, "one"), h(2, "one-a"), h(1, "two")];
        let o = outline(&blocks);
        let ranges: Vec<_> = o.chapters.iter().map(|c| (c.start, c.end)).collect();
        assert_eq!(ranges, vec![(0, 2), (2, 4), (4, 5)]);
        assert_eq!(o.chapters[1].toc.as_ref().unwrap().children.len(), 1);
    }

    #[test]
    fn no_headings_gives_one_untitled_chapter() {
        let o = outline(&[p(), p()]);
        assert_eq!(o.chapters.len(), 1);
        assert_eq!(o.chapters[0].toc, None);
        assert_eq!((o.chapters[0].start, o.chapters[0].end), (0, 2));
        assert_eq!(outline(&[]).chapters.len(), 1);
    }

    #[test]
    fn note_ids_avoid_heading_ids() {
        let o = outline(&[h(1, "fn-1")]);
        assert_eq!(o.note_prefix, "footnote");
    }
}
