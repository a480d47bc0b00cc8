//! `--fix-case`: proper nouns written in lowercase ("Central asia", "kazakhstan") are
//! capitalised when the text itself shows, elsewhere, that they are proper nouns.
//!
//! Evidence comes from running text only (paragraphs, list items, cells): titles and
//! headings are in Title Case, which capitalises common nouns too. A word counts as
//! capitalised when its first letter is uppercase and it is not ALL CAPS, and only in the
//! middle of a sentence (after a sentence end, a colon or at the start of a block every
//! word is capitalised anyway). Two rules, each needing more capitalised than lowercase
//! uses of the word overall:
//!
//! 1. *Standalone*: the word is capitalised mid-sentence at least twice with no
//!    capitalised word right next to it ("Uzbekistan and Kazakhstan have"), so it is a
//!    name by itself — unlike "Central", which only ever appears inside "Central Asia"
//!    and must stay lowercase in "central points".
//! 2. *Pair*: a lowercase word next to a capitalised one forms a pair that appears
//!    elsewhere with both capitalised ("Central asia" → "Central Asia").
//!
//! The capitalised spelling used is the most frequent one seen (so "Mcdonald" never
//! replaces "McDonald").

use super::{for_each_text, Recognised, Repair, RepairKind};
use std::collections::BTreeMap;

/// Short words that are never fixed, even when a name capitalises them ("The Hague").
const NEVER: &[&str] = &[
    "the", "a", "an", "and", "or", "of", "in", "on", "at", "to", "for", "by", "with", "from", "as", "is", "are",
    "be", "it", "its", "this", "that", "de", "la", "le", "el", "van", "von", "der", "du", "da",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    Lower,
    Capitalised,
    Other,
}

/// One word of a text: its byte range, shape, and context.
#[derive(Debug, Clone)]
struct Word {
    start: usize,
    end: usize,
    lower: String,
    shape: Shape,
    sentence_start: bool,
    /// Only whitespace separates it from the previous word.
    joined_to_prev: bool,
}

fn shape(w: &str) -> Shape {
    let mut chars = w.chars();
    let Some(first) = chars.next() else {
        return Shape::Other;
    };
    if w.chars().all(|c| !c.is_uppercase()) && w.chars().any(char::is_lowercase) {
        Shape::Lower
    } else if first.is_uppercase() && chars.any(char::is_lowercase) {
        Shape::Capitalised
    } else {
        Shape::Other
    }
}

/// Splits text into words (runs of letters) with their context.
fn words(text: &str) -> Vec<Word> {
    let mut out: Vec<Word> = Vec::new();
    let mut gap = String::new();
    let mut cur: Option<usize> = None;
    let push = |out: &mut Vec<Word>, start: usize, end: usize, gap: &str| {
        let w = text.get(start..end).unwrap_or("");
        out.push(Word {
            start,
            end,
            lower: w.to_lowercase(),
            shape: shape(w),
            sentence_start: out.is_empty() || gap.contains(['.', '!', '?', ':', ';', '•', '(', '"', '“', '|']),
            joined_to_prev: !out.is_empty() && !gap.is_empty() && gap.chars().all(char::is_whitespace),
        });
    };
    for (i, c) in text.char_indices() {
        if c.is_alphabetic() {
            if cur.is_none() {
                cur = Some(i);
            }
        } else {
            if let Some(s) = cur.take() {
                push(&mut out, s, i, &gap);
                gap.clear();
            }
            gap.push(c);
        }
    }
    if let Some(s) = cur {
        push(&mut out, s, text.len(), &gap);
    }
    out
}

#[derive(Default)]
struct Evidence {
    lower: BTreeMap<String, usize>,
    capitalised: BTreeMap<String, usize>,
    standalone: BTreeMap<String, usize>,
    pairs: BTreeMap<(String, String), usize>,
    spellings: BTreeMap<String, BTreeMap<String, usize>>,
}

fn gather(ev: &mut Evidence, text: &str, running: bool) {
    let ws = words(text);
    for (i, w) in ws.iter().enumerate() {
        if w.lower.chars().count() < 2 {
            continue;
        }
        match w.shape {
            Shape::Lower => *ev.lower.entry(w.lower.clone()).or_default() += 1,
            Shape::Capitalised if running && !w.sentence_start => {
                *ev.capitalised.entry(w.lower.clone()).or_default() += 1;
                let spelled = text.get(w.start..w.end).unwrap_or("").to_string();
                *ev.spellings.entry(w.lower.clone()).or_default().entry(spelled).or_default() += 1;
                let prev_cap = i > 0 && w.joined_to_prev && ws.get(i - 1).is_some_and(|p| p.shape == Shape::Capitalised);
                let next_cap = ws.get(i + 1).is_some_and(|n| n.joined_to_prev && n.shape == Shape::Capitalised);
                if !prev_cap && !next_cap {
                    *ev.standalone.entry(w.lower.clone()).or_default() += 1;
                }
                if let Some(p) = ws.get(i.wrapping_sub(1)).filter(|p| i > 0 && w.joined_to_prev && p.shape == Shape::Capitalised) {
                    *ev.pairs.entry((p.lower.clone(), w.lower.clone())).or_default() += 1;
                }
            }
            _ => {}
        }
    }
}

impl Evidence {
    fn count(map: &BTreeMap<String, usize>, k: &str) -> usize {
        map.get(k).copied().unwrap_or(0)
    }

    /// The capitalised spelling for lowercase word `w` at index `i` of `ws`, if a rule
    /// says it is a proper noun.
    fn fix_for(&self, ws: &[Word], i: usize) -> Option<String> {
        let w = ws.get(i)?;
        if w.shape != Shape::Lower || w.lower.chars().count() < 2 || NEVER.contains(&w.lower.as_str()) {
            return None;
        }
        let caps = Self::count(&self.capitalised, &w.lower);
        if caps <= Self::count(&self.lower, &w.lower) {
            return None;
        }
        let standalone = Self::count(&self.standalone, &w.lower) >= 2;
        let prev = ws.get(i.wrapping_sub(1)).filter(|p| i > 0 && w.joined_to_prev && p.shape == Shape::Capitalised);
        let next = ws.get(i + 1).filter(|n| n.joined_to_prev && n.shape == Shape::Capitalised);
        let pair = prev.is_some_and(|p| self.pairs.contains_key(&(p.lower.clone(), w.lower.clone())))
            || next.is_some_and(|n| self.pairs.contains_key(&(w.lower.clone(), n.lower.clone())));
        if !standalone && !pair {
            return None;
        }
        // Most frequent spelling; ties broken by the map's (sorted) order.
        let spellings = self.spellings.get(&w.lower)?;
        let best = spellings.iter().max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))?;
        Some(best.0.clone())
    }
}

/// Applies `--fix-case` to the whole document; returns the changes made.
pub fn fix(doc: &mut Recognised) -> Vec<Repair> {
    let mut ev = Evidence::default();
    for_each_text(doc, &mut |text, _, running| gather(&mut ev, text, running));
    let mut repairs = Vec::new();
    for_each_text(doc, &mut |text, line, _| {
        let ws = words(text);
        let mut out = String::with_capacity(text.len());
        let mut last = 0;
        for i in 0..ws.len() {
            let Some(fixed) = ev.fix_for(&ws, i) else { continue };
            let Some(w) = ws.get(i) else { continue };
            out.push_str(text.get(last..w.start).unwrap_or(""));
            out.push_str(&fixed);
            last = w.end;
            repairs.push(Repair {
                line,
                before: text.get(w.start..w.end).unwrap_or("").to_string(),
                after: fixed,
                kind: RepairKind::Case,
            });
        }
        if last > 0 {
            out.push_str(text.get(last..).unwrap_or(""));
            *text = out;
        }
    });
    repairs
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::{Block, Recognised};

    fn doc(paras: &[&str]) -> Recognised {
        let blocks = paras
            .iter()
            .enumerate()
            .map(|(i, p)| Block::Paragraph { text: p.to_string(), line: i + 1 })
            .collect();
        Recognised { title: None, blocks }
    }

    fn texts(d: &Recognised) -> Vec<String> {
        d.blocks
            .iter()
            .filter_map(|b| match b {
                Block::Paragraph { text, .. } => Some(text.clone()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn fixes_names_not_common_words() {
        let mut d = doc(&[
            "Trade in Central Asia is growing, and Central Asia matters to Kazakhstan and Uzbekistan.",
            "Both Uzbekistan and Kazakhstan agree on central points about Central asia.",
            "A visit to kazakhstan follows.",
        ]);
        let repairs = fix(&mut d);
        let t = texts(&d);
        assert_eq!(t.get(1).map(String::as_str), Some("Both Uzbekistan and Kazakhstan agree on central points about Central Asia."));
        assert_eq!(t.get(2).map(String::as_str), Some("A visit to Kazakhstan follows."));
        assert_eq!(repairs.len(), 2);
        assert!(repairs.iter().all(|r| r.kind == RepairKind::Case));
    }

    #[test]
    fn common_words_used_lowercase_stay() {
        let mut d = doc(&["We discussed Trade Relations today.", "The trade relations improved and relations grew."]);
        assert!(fix(&mut d).is_empty());
    }
}
