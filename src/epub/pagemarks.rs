//! Print page equivalence: page-break markers where the PDF's pages begin, and the
//! entries of the nav document's page-list.
//!
//! Layout records, for every PDF page, what the page opens with
//! ([`crate::layout::PageStart`]): the title block, the contents, a position in the
//! document tree, or nothing new (a page of continued footnotes). Here those become
//! markers, `<span epub:type="pagebreak" role="doc-pagebreak" id="page-N"
//! aria-label="N"/>`:
//!
//! - the title block's and the contents' pages at the start of the title and contents
//!   pages of the book;
//! - a body position before the block it names (inside a list item before the item's
//!   block, inside a table at the start of the row's first cell, inside a code block
//!   before the source line), or inside a paragraph at the word where the page's first
//!   line starts ([`MarkQueue`] and the chapter writer's text splitting);
//! - a page of continued footnotes right after the marker of the page before it.
//!
//! Markers are queued in page order and taken from the head: a marker is written at the
//! first place the writer reaches whose tree position is not before the marker's. So
//! every marker is written exactly once, in page order, even when its exact place cannot
//! be found (a raw HTML block, an offset past the end of a paragraph): it then lands at
//! the next place the writer reaches.

use crate::layout::{PageStart, TreePos};

use super::escape::push_attr;

/// Page markers waiting to be written, in page order, and those written so far.
#[derive(Debug, Default)]
pub(crate) struct MarkQueue {
    /// Prefix of marker ids (`page` unless a heading id could collide with `page-N`).
    pub prefix: String,
    /// Markers of the title page and of the contents page (page numbers, 1-based).
    pub title: Vec<usize>,
    pub contents: Vec<usize>,
    /// Body markers: (page number, position), in page order.
    body: Vec<(usize, TreePos)>,
    next: usize,
    /// `(page number, href)` of every marker written.
    pub written: Vec<(usize, String)>,
}

impl MarkQueue {
    /// The queue for a PDF's page starts (empty: no markers).
    pub fn new(starts: &[PageStart], prefix: &str) -> MarkQueue {
        let mut q = MarkQueue { prefix: prefix.to_string(), ..MarkQueue::default() };
        // Where the previous page's marker went, for pages that start nothing new.
        let mut last = PageStart::Title;
        for (i, start) in starts.iter().enumerate() {
            let page = i + 1;
            let at = match start {
                PageStart::Continued => last.clone(),
                other => other.clone(),
            };
            match &at {
                PageStart::Title | PageStart::Continued => q.title.push(page),
                PageStart::Contents => q.contents.push(page),
                PageStart::Body(pos) => q.body.push((page, pos.clone())),
            }
            last = at;
        }
        q
    }

    /// Whether any marker is still to be written in the body.
    pub fn is_done(&self) -> bool {
        self.next >= self.body.len()
    }

    /// The offset of the next marker if it lies inside the block at `path` (past its
    /// start).
    pub fn next_inside(&self, path: &[usize]) -> Option<usize> {
        let (_, pos) = self.body.get(self.next)?;
        (pos.path == path && pos.offset > 0).then_some(pos.offset)
    }

    /// Whether the next marker lies inside the block at `path` (at any depth).
    pub fn next_within(&self, path: &[usize]) -> bool {
        self.body.get(self.next).is_some_and(|(_, pos)| pos.path.starts_with(path))
    }

    /// Writes every queued marker whose position is before `bound` (or at it, when
    /// `inclusive`) to `out`, recording it as in `file`.
    pub fn flush(&mut self, bound: &TreePos, inclusive: bool, out: &mut String, file: &str) {
        while let Some((page, pos)) = self.body.get(self.next) {
            let due = if inclusive { pos <= bound } else { pos < bound };
            if !due {
                break;
            }
            let page = *page;
            self.next += 1;
            self.write(page, out, file);
        }
    }

    /// Writes the marker of `page` and records it.
    pub fn write(&mut self, page: usize, out: &mut String, file: &str) {
        out.push_str(&marker(&self.prefix, page));
        let mut href = String::with_capacity(file.len() + 12);
        href.push_str(file);
        href.push('#');
        href.push_str(&self.prefix);
        href.push('-');
        href.push_str(&page.to_string());
        self.written.push((page, href));
    }

    /// Writes every remaining body marker (at the end of the book).
    pub fn flush_all(&mut self, out: &mut String, file: &str) {
        while let Some((page, _)) = self.body.get(self.next) {
            let page = *page;
            self.next += 1;
            self.write(page, out, file);
        }
    }

    /// The markers of front-matter pages, for the start of the title or contents page.
    pub fn front(&mut self, pages: &[usize], file: &str) -> String {
        let mut out = String::new();
        for &page in pages {
            self.write(page, &mut out, file);
        }
        out
    }

    /// The page-list: `(page number, href)` of every marker, by page.
    pub fn page_list(&self) -> Vec<(usize, String)> {
        let mut list = self.written.clone();
        list.sort_by_key(|(page, _)| *page);
        list
    }
}

/// The markup of one page-break marker.
pub(crate) fn marker(prefix: &str, page: usize) -> String {
    format!(
        "<span epub:type=\"pagebreak\" role=\"doc-pagebreak\" id=\"{prefix}-{page}\" aria-label=\"{page}\"></span>"
    )
}

/// The page-list nav for the nav document (empty when there are no pages).
pub(crate) fn page_list_nav(list: &[(usize, String)]) -> String {
    if list.is_empty() {
        return String::new();
    }
    let mut out = String::from("  <nav epub:type=\"page-list\" id=\"page-list\" hidden=\"hidden\">\n    <h2>Pages</h2>\n    <ol>\n");
    for (page, href) in list {
        out.push_str("      <li><a href=\"");
        push_attr(&mut out, href);
        out.push_str(&format!("\">{page}</a></li>\n"));
    }
    out.push_str("    </ol>\n  </nav>\n");
    out
}

/// Where, in a text being written, a marker due at alphanumeric count `target` goes.
///
/// The writer walks a paragraph's text character by character, counting letters and
/// digits as layout did. The page's first line starts just before the character whose
/// count equals the target. The marker goes at the word boundary there: right after the
/// last space before that character when only punctuation lies between (an opening
/// quote or bracket stays with its word); right before the character after a dash or a
/// slash (a break without a space); and after the word when the line break split the
/// word itself (hyphenation), so no word is cut by a marker.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct TextCursor {
    /// Letters and digits written so far in the paragraph.
    pub count: usize,
    /// Byte position in the output right after the last whitespace, if no letter or
    /// digit has been written since.
    pub boundary: Option<usize>,
    /// Whether the last character written was a letter or digit.
    pub in_word: bool,
    /// A marker is due but waits for the end of the current word.
    pub deferred: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(path: &[usize], offset: usize) -> PageStart {
        PageStart::Body(TreePos { path: path.to_vec(), offset })
    }

    #[test]
    fn front_and_continued_pages_follow_their_neighbours() {
        let starts = [PageStart::Title, PageStart::Contents, body(&[0], 0), body(&[3], 120), PageStart::Continued];
        let q = MarkQueue::new(&starts, "page");
        assert_eq!(q.title, [1]);
        assert_eq!(q.contents, [2]);
        let body: Vec<_> = q.body.iter().map(|(p, pos)| (*p, pos.path.clone(), pos.offset)).collect();
        assert_eq!(body, [(3, vec![0], 0), (4, vec![3], 120), (5, vec![3], 120)]);
    }

    #[test]
    fn flushing_is_ordered_and_exactly_once() {
        let starts = [PageStart::Title, body(&[1], 0), body(&[1, 2], 0), body(&[4], 0)];
        let mut q = MarkQueue::new(&starts, "pg");
        let mut out = String::new();
        q.flush(&TreePos { path: vec![1], offset: 0 }, true, &mut out, "c.xhtml");
        assert_eq!(q.written.len(), 1);
        assert!(q.next_within(&[1]));
        // A position past the end of block 1's children flushes the row marker too.
        q.flush(&TreePos { path: vec![4], offset: 0 }, false, &mut out, "c.xhtml");
        assert_eq!(q.written.len(), 2);
        q.flush_all(&mut out, "d.xhtml");
        let list: Vec<_> = q.page_list().into_iter().map(|(_, h)| h).collect();
        assert_eq!(list, ["c.xhtml#pg-2", "c.xhtml#pg-3", "d.xhtml#pg-4"]);
        assert_eq!(out.matches("epub:type=\"pagebreak\"").count(), 3);
    }
}
