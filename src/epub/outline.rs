//! The book's structure: chapter files, the table-of-contents tree and where every
//! heading id lives.
//!
//! **Chapters.** The body is split at *chapter heads*: top-level headings of the chapter
//! level or above, and *root* headings (a heading whose level is not deeper than any
//! heading before it). The chapter level is `brief.toml`'s `chapter_level`, but never
//! above the document's own top level: a brief whose sections start at `##` splits at
//! `##` even with `chapter_level = 1`. When the body starts with its top level (the usual
//! case) the roots are exactly the top-level headings, and content before the first head
//! joins the first chapter. Lower headings before the first top-level one (a `##`
//! preface, then `#` parts) are roots too and start their own chapters.
//!
//! **Large chapters.** A chapter whose XHTML would exceed [`MAX_FILE_BYTES`] (estimated
//! from the text it holds) is cut into several files at block boundaries: each cut is
//! made where the file is at least a third full, at the highest-ranking heading available
//! (a `##` before a `###`), else at the last block that fits, never right after a heading.
//! The continuation files have no nav entries of their own; their headings stay in the
//! tree, linked into the file that holds them.
//!
//! **Toc tree.** Headings nest by a stack: a heading becomes the child of the nearest
//! earlier heading with a smaller level, so skipped levels (`#` then `###`) nest one step
//! deeper, never dangle. Each chapter head is a nav entry nested at its depth in that tree
//! (epub-builder nests entries by level); its children are the headings under it that are
//! not heads of chapters themselves.

use std::collections::{BTreeMap, BTreeSet};

use crate::doc::{plain_text, Block, Inline};

use super::escape;

/// Largest estimated size of one chapter file before it is split.
pub(crate) const MAX_FILE_BYTES: usize = 200_000;

/// One node of the table of contents.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TocNode {
    /// `chapter-N.xhtml#id`.
    pub href: String,
    /// Plain-text title, never empty.
    pub title: String,
    pub children: Vec<TocNode>,
}

/// One chapter file: a run of top-level blocks.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Chapter {
    /// File name inside the package, e.g. `chapter-1.xhtml`.
    pub file: String,
    /// Range of the document's top-level blocks.
    pub start: usize,
    pub end: usize,
    /// Title for `<title>`: the chapter head's text, if the chapter has one.
    pub title: Option<String>,
    /// The nav entry: the chapter head with the headings under it that are not heads
    /// themselves. `None` for a chapter without a head and for continuation files.
    pub toc: Option<TocNode>,
    /// Depth of the nav entry (1: top level).
    pub nav_level: i32,
    /// A continuation file of a chapter cut for size.
    pub continued: bool,
}

/// How to cut the body into files.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Split {
    /// Heading level of chapters (`None`: the document's top level).
    pub chapter_level: Option<u8>,
    /// Estimated size above which a chapter is cut.
    pub max_bytes: usize,
}

impl Default for Split {
    fn default() -> Self {
        Split { chapter_level: None, max_bytes: MAX_FILE_BYTES }
    }
}

/// Where everything is.
#[derive(Debug, Clone, Default)]
pub(crate) struct Outline {
    pub chapters: Vec<Chapter>,
    /// The whole table of contents (for the contents page).
    pub roots: Vec<TocNode>,
    /// Heading id as written in the tree → `chapter-N.xhtml#id` (first occurrence wins).
    pub targets: BTreeMap<String, String>,
    /// Prefix of footnote ids (`fn` unless a heading id could collide with `fn-N`).
    pub note_prefix: String,
    /// Prefix of page-break marker ids (`page` unless a heading id could collide).
    pub page_prefix: String,
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

/// A top-level heading in the tree: its block index, level, id, title and children
/// (indices into the same list).
struct Node<'a> {
    block: usize,
    level: u8,
    id: &'a str,
    title: String,
    children: Vec<usize>,
    depth: i32,
    head: bool,
}

/// Computes chapters, the toc tree and heading targets of `blocks`.
pub(crate) fn outline(blocks: &[Block], split: Split) -> Outline {
    // The heading tree of the top-level headings.
    let mut nodes: Vec<Node> = Vec::new();
    let mut roots: Vec<usize> = Vec::new();
    let mut stack: Vec<usize> = Vec::new();
    for (i, block) in blocks.iter().enumerate() {
        let Block::Heading { level, id, content } = block else { continue };
        while stack.last().is_some_and(|&n| nodes.get(n).is_some_and(|p| p.level >= *level)) {
            stack.pop();
        }
        let n = nodes.len();
        match stack.last().and_then(|&p| nodes.get_mut(p)) {
            Some(parent) => parent.children.push(n),
            None => roots.push(n),
        }
        let depth = stack.len() as i32 + 1;
        nodes.push(Node { block: i, level: *level, id, title: heading_title(content, id), children: Vec::new(), depth, head: false });
        stack.push(n);
    }

    // Chapter heads and the chapters they start.
    let top = nodes.iter().map(|n| n.level).min().unwrap_or(1);
    let split_level = split.chapter_level.unwrap_or(top).max(top);
    let mut min_level = u8::MAX;
    let mut starts: Vec<(usize, Option<usize>)> = Vec::new();
    for (n, node) in nodes.iter_mut().enumerate() {
        if node.level <= split_level || node.level <= min_level {
            node.head = true;
            if starts.is_empty() {
                starts.push((0, Some(n)));
            } else {
                starts.push((node.block, Some(n)));
            }
        }
        min_level = min_level.min(node.level);
    }
    if starts.is_empty() {
        starts.push((0, None));
    }

    // Files: each chapter, cut for size.
    let sizes: Vec<usize> = blocks.iter().map(approx_len).collect();
    let mut chapters = Vec::new();
    for (k, &(start, head)) in starts.iter().enumerate() {
        let end = starts.get(k + 1).map_or(blocks.len(), |s| s.0);
        let cuts = cut_points(blocks, &sizes, start, end, split.max_bytes);
        let mut piece_start = start;
        for (p, &piece_end) in cuts.iter().chain(std::iter::once(&end)).enumerate() {
            let node = head.and_then(|n| nodes.get(n));
            chapters.push(Chapter {
                file: chapter_file(chapters.len() + 1),
                start: piece_start,
                end: piece_end,
                title: node.map(|n| n.title.clone()),
                toc: None,
                nav_level: node.map_or(1, |n| n.depth),
                continued: p > 0,
            });
            piece_start = piece_end;
        }
    }
    let file_of = |block: usize| -> &str {
        let k = chapters.partition_point(|c| c.end <= block).min(chapters.len().saturating_sub(1));
        chapters.get(k).map_or("", |c| c.file.as_str())
    };
    let href = |n: &Node| format!("{}#{}", file_of(n.block), escape::fragment(&escape::id(n.id)));

    // Nav entries of the heads, and the whole tree for the contents page.
    fn build(nodes: &[Node], n: usize, prune: bool, href: &dyn Fn(&Node) -> String) -> Option<TocNode> {
        let node = nodes.get(n)?;
        let children = node
            .children
            .iter()
            .filter(|&&c| !(prune && nodes.get(c).is_some_and(|c| c.head)))
            .filter_map(|&c| build(nodes, c, prune, href))
            .collect();
        Some(TocNode { href: href(node), title: node.title.clone(), children })
    }
    let entries: Vec<(usize, Option<TocNode>)> = starts
        .iter()
        .map(|&(start, head)| (start, head.and_then(|n| build(&nodes, n, true, &href))))
        .collect();
    let tree: Vec<TocNode> = roots.iter().filter_map(|&n| build(&nodes, n, false, &href)).collect();
    for (start, entry) in entries {
        if let Some(chapter) = chapters.iter_mut().find(|c| c.start == start && !c.continued) {
            chapter.toc = entry;
        }
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
    let free = |candidates: &[&str], fallback: &str| {
        candidates
            .iter()
            .map(|p| p.to_string())
            .find(|p| !ids.iter().any(|id| id.starts_with(&format!("{p}-")) || id.starts_with(&format!("{p}ref-"))))
            .unwrap_or_else(|| fallback.to_string())
    };
    let note_prefix = free(&["fn", "footnote", "brief-fn"], "brief-note");
    let page_prefix = free(&["page", "pg", "brief-page"], "brief-pagebreak");
    Outline { chapters, roots: tree, targets, note_prefix, page_prefix }
}

/// Where to cut the blocks `start..end` so that no file exceeds `max` (estimated), as
/// block indices (each the first block of a new file), in order.
fn cut_points(blocks: &[Block], sizes: &[usize], start: usize, end: usize, max: usize) -> Vec<usize> {
    let size = |a: usize, b: usize| sizes.get(a..b).map_or(0, |s| s.iter().sum::<usize>());
    let mut cuts = Vec::new();
    let mut from = start;
    while size(from, end) > max {
        // The furthest end that fits (at least one block).
        let mut fit = from + 1;
        let mut acc = sizes.get(from).copied().unwrap_or(0);
        while fit < end && acc + sizes.get(fit).copied().unwrap_or(0) <= max {
            acc += sizes.get(fit).copied().unwrap_or(0);
            fit += 1;
        }
        if fit >= end {
            break;
        }
        // Prefer the highest-ranking heading among the cuts that leave the file at least
        // a third full; the last such heading on a tie.
        let mut best: Option<(u8, usize)> = None;
        let mut filled = 0;
        for k in from + 1..=fit {
            filled += sizes.get(k - 1).copied().unwrap_or(0);
            if filled * 3 < max {
                continue;
            }
            if let Some(Block::Heading { level, .. }) = blocks.get(k) {
                if best.is_none_or(|(l, _)| *level <= l) {
                    best = Some((*level, k));
                }
            }
        }
        let mut cut = best.map_or(fit, |(_, k)| k);
        // Never leave a heading as the last block of a file.
        while cut > from + 1 && matches!(blocks.get(cut - 1), Some(Block::Heading { .. })) {
            cut -= 1;
        }
        cuts.push(cut);
        from = cut;
    }
    cuts
}

/// A rough size of a block's XHTML in bytes: its text, link targets and notes, plus
/// some markup per element. Used only to decide where to cut large chapters.
pub(crate) fn approx_len(block: &Block) -> usize {
    const TAG: usize = 16;
    match block {
        Block::Heading { content, .. } | Block::Paragraph { content } => TAG + inlines_len(content),
        Block::Figure { image } => 4 * TAG + image.src.len() + 2 * image.alt.len() + image.title.len(),
        Block::BlockQuote { blocks } => TAG + blocks.iter().map(approx_len).sum::<usize>(),
        Block::List(list) => {
            TAG + list.items.iter().map(|i| TAG + i.blocks.iter().map(approx_len).sum::<usize>()).sum::<usize>()
        }
        Block::CodeBlock { text, .. } => 2 * TAG + text.len() + text.len() / 8,
        Block::ThematicBreak => TAG,
        Block::Table(t) => {
            let cells: usize = t.head.iter().chain(t.rows.iter().flatten()).map(|c| TAG + inlines_len(c)).sum();
            4 * TAG + cells + t.rows.len() * TAG + t.caption.as_deref().map_or(0, inlines_len)
        }
        Block::Html { html } => TAG + html.len(),
    }
}

fn inlines_len(inlines: &[Inline]) -> usize {
    inlines
        .iter()
        .map(|i| match i {
            Inline::Text { text } | Inline::Code { text } | Inline::Html { html: text } => text.len() + text.len() / 16,
            Inline::Emph { content } | Inline::Strong { content } | Inline::Strikethrough { content } => {
                12 + inlines_len(content)
            }
            Inline::Link { url, title, content } => 24 + url.len() + title.len() + inlines_len(content),
            Inline::Image { image } => 48 + image.src.len() + image.alt.len() + image.title.len(),
            Inline::SoftBreak | Inline::HardBreak => 6,
            Inline::Note { blocks } => 200 + blocks.iter().map(approx_len).sum::<usize>(),
        })
        .sum()
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
    fn big(n: usize) -> Block {
        Block::Paragraph { content: vec![Inline::text("word ".repeat(n / 5))] }
    }
    fn ranges(o: &Outline) -> Vec<(usize, usize)> {
        o.chapters.iter().map(|c| (c.start, c.end)).collect()
    }

    #[test]
    fn splits_at_top_level_with_preamble_in_first_chapter() {
        let blocks = vec![p(), h(2, "a"), h(3, "a1"), p(), h(2, "b"), h(4, "b1"), h(3, "b2")];
        let o = outline(&blocks, Split::default());
        assert_eq!(ranges(&o), vec![(0, 4), (4, 7)]);
        let b = o.chapters[1].toc.as_ref().unwrap();
        assert_eq!(b.title, "B");
        // Skipped level: b1 (h4) and b2 (h3) are both children of b, in order.
        let kids: Vec<_> = b.children.iter().map(|c| c.href.as_str()).collect();
        assert_eq!(kids, vec!["chapter-2.xhtml#b1", "chapter-2.xhtml#b2"]);
        assert_eq!(o.targets.get("a1").map(String::as_str), Some("chapter-1.xhtml#a1"));
        assert_eq!(o.note_prefix, "fn");
        assert_eq!(o.page_prefix, "page");
    }

    #[test]
    fn lower_headings_before_the_top_level_start_their_own_chapter() {
        let blocks = vec![h(3, "pre"), p(), h(1, "one"), h(2, "one-a"), h(1, "two")];
        let o = outline(&blocks, Split::default());
        assert_eq!(ranges(&o), vec![(0, 2), (2, 4), (4, 5)]);
        assert_eq!(o.chapters[1].toc.as_ref().unwrap().children.len(), 1);
    }

    #[test]
    fn no_headings_gives_one_untitled_chapter() {
        let o = outline(&[p(), p()], Split::default());
        assert_eq!(o.chapters.len(), 1);
        assert_eq!(o.chapters[0].toc, None);
        assert_eq!((o.chapters[0].start, o.chapters[0].end), (0, 2));
        assert_eq!(outline(&[], Split::default()).chapters.len(), 1);
    }

    #[test]
    fn note_and_page_ids_avoid_heading_ids() {
        let o = outline(&[h(1, "fn-1"), h(1, "page-4")], Split::default());
        assert_eq!(o.note_prefix, "footnote");
        assert_eq!(o.page_prefix, "pg");
    }

    #[test]
    fn chapter_level_splits_deeper_and_nests_the_nav() {
        let blocks = vec![h(1, "a"), p(), h(3, "a0"), h(2, "b"), h(3, "b1"), h(2, "c"), h(1, "d")];
        let one = outline(&blocks, Split { chapter_level: Some(1), ..Split::default() });
        assert_eq!(ranges(&one), vec![(0, 6), (6, 7)]);
        let two = outline(&blocks, Split { chapter_level: Some(2), ..Split::default() });
        assert_eq!(ranges(&two), vec![(0, 3), (3, 5), (5, 6), (6, 7)]);
        let levels: Vec<_> = two.chapters.iter().map(|c| c.nav_level).collect();
        assert_eq!(levels, [1, 2, 2, 1]);
        // a's entry keeps a0 (not a head) but not b and c (entries of their own).
        let a = two.chapters[0].toc.as_ref().unwrap();
        assert_eq!(a.children.iter().map(|c| c.href.as_str()).collect::<Vec<_>>(), ["chapter-1.xhtml#a0"]);
        assert_eq!(two.targets["b1"], "chapter-2.xhtml#b1");
        // The contents tree is whole: a > [a0, b > [b1], c], d.
        assert_eq!(two.roots.len(), 2);
        assert_eq!(two.roots[0].children.len(), 3);
        assert_eq!(two.roots[0].children[1].children[0].href, "chapter-2.xhtml#b1");
        // A level above the document's top level splits at its top level.
        let deep = vec![h(2, "x"), p(), h(2, "y")];
        assert_eq!(ranges(&outline(&deep, Split { chapter_level: Some(1), ..Split::default() })), [(0, 2), (2, 3)]);
    }

    #[test]
    fn large_chapters_are_cut_preferring_headings_and_links_follow() {
        // One chapter of ~10 KB blocks with a bound of 35 KB.
        let mut blocks = vec![h(1, "top")];
        for k in 0..12 {
            if k % 4 == 3 {
                blocks.push(h(if k == 7 { 2 } else { 3 }, &format!("s{k}")));
            }
            blocks.push(big(10_000));
        }
        let o = outline(&blocks, Split { chapter_level: None, max_bytes: 35_000 });
        assert!(o.chapters.len() > 1);
        for c in &o.chapters {
            let size: usize = blocks[c.start..c.end].iter().map(approx_len).sum();
            assert!(size <= 35_000, "{c:?} has {size} bytes");
            assert!(!matches!(blocks[c.end - 1], Block::Heading { .. }), "a file ends with a heading: {c:?}");
        }
        // Contiguous, in order, covering every block.
        assert_eq!(o.chapters[0].start, 0);
        assert!(o.chapters.windows(2).all(|w| w[0].end == w[1].start));
        assert_eq!(o.chapters.last().unwrap().end, blocks.len());
        assert!(o.chapters.iter().skip(1).all(|c| c.continued && c.toc.is_none()));
        // Cuts land on headings where one is in reach.
        assert!(o.chapters.iter().skip(1).any(|c| matches!(blocks[c.start], Block::Heading { .. })));
        // Every heading's target is in the file that holds it, and the entry links there.
        for (i, b) in blocks.iter().enumerate() {
            if let Block::Heading { id, .. } = b {
                let file = &o.chapters.iter().find(|c| (c.start..c.end).contains(&i)).unwrap().file;
                assert_eq!(o.targets[id.as_str()], format!("{file}#{id}"));
            }
        }
        let entry = o.chapters[0].toc.as_ref().unwrap();
        let s7 = entry.children.iter().find(|c| c.title == "S7").unwrap();
        assert_eq!(s7.href, o.targets["s7"]);
    }
}
