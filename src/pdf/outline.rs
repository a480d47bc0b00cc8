//! The outline (bookmarks): a flat list with levels → nested PDF outline items.
//!
//! Levels may skip (a level-3 heading right under a level-1 one): an entry nests under the
//! nearest earlier entry of a *shallower* level, whatever its number, so nothing is lost
//! and nothing is invented. Every item is open (its `/Count` is positive and counts all its
//! descendants), which suits briefs: their outlines are short.

use super::syntax::{int, reference, text, PdfFile, Ref};
use super::{destination, PageRef};
use crate::layout::OutlineEntry;

/// The parent of each entry (`None`: top level), for levels in document order.
pub(super) fn parents(levels: &[u8]) -> Vec<Option<usize>> {
    let mut stack: Vec<(usize, u8)> = Vec::new();
    let mut out = Vec::with_capacity(levels.len());
    for (i, &level) in levels.iter().enumerate() {
        while stack.last().is_some_and(|&(_, l)| l >= level) {
            stack.pop();
        }
        out.push(stack.last().map(|&(p, _)| p));
        stack.push((i, level));
    }
    out
}

/// Writes the outline of `entries` and returns the id of its root, or `None` when there
/// are no entries.
pub(super) fn write(file: &mut PdfFile, entries: &[OutlineEntry], pages: &[PageRef]) -> Option<Ref> {
    if entries.is_empty() {
        return None;
    }
    let root = file.reserve();
    let ids: Vec<Ref> = entries.iter().map(|_| file.reserve()).collect();
    let parents = parents(&entries.iter().map(|e| e.level).collect::<Vec<_>>());
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); entries.len()];
    let mut top: Vec<usize> = Vec::new();
    for (i, parent) in parents.iter().enumerate() {
        match parent.and_then(|p| children.get_mut(p)) {
            Some(list) => list.push(i),
            None => top.push(i),
        }
    }
    // Descendants of each entry; children always come after their parent.
    let mut descendants = vec![0i64; entries.len()];
    for i in (0..entries.len()).rev() {
        if let Some(p) = parents.get(i).copied().flatten() {
            let add = 1 + descendants.get(i).copied().unwrap_or(0);
            if let Some(d) = descendants.get_mut(p) {
                *d += add;
            }
        }
    }

    // Each entry's position among its siblings (looking it up per entry was quadratic).
    let mut position = vec![0usize; entries.len()];
    for list in children.iter().chain(std::iter::once(&top)) {
        for (pos, &k) in list.iter().enumerate() {
            if let Some(p) = position.get_mut(k) {
                *p = pos;
            }
        }
    }

    let mut d = Vec::new();
    for (i, entry) in entries.iter().enumerate() {
        let (Some(&id), Some(kids)) = (ids.get(i), children.get(i)) else {
            continue;
        };
        let parent = parents.get(i).copied().flatten();
        let siblings = match parent.and_then(|p| children.get(p)) {
            Some(list) => list.as_slice(),
            None => top.as_slice(),
        };
        d.clear();
        d.extend_from_slice(b"/Title");
        text(&mut d, &entry.title);
        d.extend_from_slice(b"/Parent ");
        reference(&mut d, parent.and_then(|p| ids.get(p).copied()).unwrap_or(root));
        if let Some(pos) = position.get(i).copied().filter(|&p| siblings.get(p) == Some(&i)) {
            if let Some(prev) = pos.checked_sub(1).and_then(|k| siblings.get(k)).and_then(|&s| ids.get(s)) {
                d.extend_from_slice(b"/Prev ");
                reference(&mut d, *prev);
            }
            if let Some(next) = siblings.get(pos + 1).and_then(|&s| ids.get(s)) {
                d.extend_from_slice(b"/Next ");
                reference(&mut d, *next);
            }
        }
        if let (Some(&f), Some(&l)) = (kids.first().and_then(|k| ids.get(*k)), kids.last().and_then(|k| ids.get(*k))) {
            d.extend_from_slice(b"/First ");
            reference(&mut d, f);
            d.extend_from_slice(b"/Last ");
            reference(&mut d, l);
            d.extend_from_slice(b"/Count ");
            int(&mut d, descendants.get(i).copied().unwrap_or(0));
        }
        let mut dest = Vec::new();
        if destination(&mut dest, pages, entry.page, entry.y) {
            d.extend_from_slice(b"/Dest");
            d.extend_from_slice(&dest);
        }
        file.dict(id, &d);
    }

    d.clear();
    d.extend_from_slice(b"/Type/Outlines");
    if let (Some(&f), Some(&l)) = (top.first().and_then(|&t| ids.get(t)), top.last().and_then(|&t| ids.get(t))) {
        d.extend_from_slice(b"/First ");
        reference(&mut d, f);
        d.extend_from_slice(b"/Last ");
        reference(&mut d, l);
    }
    d.extend_from_slice(b"/Count ");
    int(&mut d, entries.len() as i64);
    file.dict(root, &d);
    Some(root)
}

#[cfg(test)]
mod tests {
    use super::parents;

    #[test]
    fn skipped_levels_nest_under_the_nearest_shallower_entry() {
        // 1, 3 (skips 2), 2, 3, 1, 2
        assert_eq!(
            parents(&[1, 3, 2, 3, 1, 2]),
            vec![None, Some(0), Some(0), Some(2), None, Some(4)]
        );
    }

    #[test]
    fn a_document_starting_deep_keeps_its_first_entries_at_top_level() {
        assert_eq!(parents(&[3, 2, 1, 2]), vec![None, None, None, Some(2)]);
        assert_eq!(parents(&[2, 2, 0]), vec![None, None, None]);
        assert!(parents(&[]).is_empty());
    }
}
