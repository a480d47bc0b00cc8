//! Hyphenation points of words, by language (hypher's patterns), cached per thread.
//!
//! Pattern matching costs about as much as shaping a word, and a brief uses the same few
//! thousand words over and over: the points of each word are computed once per thread and
//! language. The cache is emptied when it grows past a bound, so memory stays flat however
//! long the document.

use std::cell::RefCell;
use std::sync::Arc;

use super::shape::FxMap;

thread_local! {
    /// The points of every short word: none (one allocation per thread, not per word).
    static NONE: Arc<[usize]> = Arc::from(Vec::new());
    static POINTS: RefCell<FxMap<hypher::Lang, FxMap<Box<str>, Arc<[usize]>>>> = RefCell::new(FxMap::default());
}

/// Words kept in the cache before it is emptied.
const LIMIT: usize = 50_000;

/// Byte offsets inside `word` where it may be hyphenated. Only alphabetic parts of six
/// letters or more are hyphenated (and none longer than 200 bytes, which are not words);
/// the offsets never fall at the word's start or end.
pub(crate) fn points(word: &str, lang: hypher::Lang) -> Arc<[usize]> {
    // No part of a word of fewer than six bytes has six letters: nothing to look up.
    if word.len() < 6 {
        return NONE.with(Arc::clone);
    }
    let hit = POINTS.with(|c| c.borrow().get(&lang).and_then(|m| m.get(word)).cloned());
    if let Some(hit) = hit {
        return hit;
    }
    let found: Arc<[usize]> = compute(word, lang).into();
    POINTS.with(|c| {
        let mut c = c.borrow_mut();
        if c.values().map(FxMap::len).sum::<usize>() >= LIMIT {
            c.clear();
        }
        c.entry(lang).or_default().insert(word.into(), found.clone());
    });
    found
}

/// [`points`] without the cache.
fn compute(word: &str, lang: hypher::Lang) -> Vec<usize> {
    let mut points = Vec::new();
    let mut offset = 0;
    for part in word.split(|c: char| !c.is_alphabetic()) {
        if part.chars().count() >= 6 && part.len() < 200 {
            // A point after every syllable but the last.
            let mut at = offset;
            let mut syllables = hypher::hyphenate(part, lang).peekable();
            while let Some(s) = syllables.next() {
                if syllables.peek().is_none() {
                    break;
                }
                at += s.len();
                points.push(at);
            }
        }
        offset += part.len();
        // Skip the separator character.
        if let Some(c) = word.get(offset..).and_then(|rest| rest.chars().next()) {
            offset += c.len_utf8();
        }
    }
    points
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_fall_between_syllables_and_repeat_from_the_cache() {
        let p = points("cooperation", hypher::Lang::English);
        assert!(!p.is_empty());
        assert!(p.iter().all(|&b| b > 0 && b < "cooperation".len()));
        assert_eq!(points("cooperation", hypher::Lang::English), p);
        // Short words and non-words are left alone; compounds hyphenate per part.
        assert!(points("trade", hypher::Lang::English).is_empty());
        let q = points("state-of-the-art infrastructure", hypher::Lang::English);
        assert!(q.iter().all(|&b| b > "state-of-the-art ".len()), "{q:?}");
    }
}
