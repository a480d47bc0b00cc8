//! Plain-text block recognition: bare lines into headings, paragraphs, lists and tables.
//!
//! Scraped article text has one block per line and no blank lines. Each line is
//! classified on its own ([`Kind`]) and then in context:
//!
//! - a line containing `|` directly followed by a delimiter line (`---|---`, with or
//!   without outer pipes and alignment colons) starts a table, which runs while lines
//!   contain `|`;
//! - `- `, `* `, `• `, `– ` start bullet items; `1. ` / `1) ` numbered items. Consecutive
//!   items (blank lines between them allowed) form one list;
//! - a *heading-like* line (short, starting with a capital or digit, not ending in
//!   sentence punctuation, see [`heading_like`]) is a heading when prose follows it (the
//!   next non-blank line is not heading-like, or is a heading-like line that prose follows:
//!   two stacked headings). An ALL CAPS line needs only some line after it. A numbered
//!   line alone (`1. Introduction`, `2.3 Methods`) that is heading-like is a numbered
//!   heading, its depth giving the level; two or more numbered lines in a row are a list;
//! - everything else is a paragraph, one per line.
//!
//! The first non-blank line, when it is a (non-numbered) heading, becomes the title.

use super::{Block, Item, List, Recognised, Row};

/// The longest heading, in characters and in words.
const HEADING_MAX_CHARS: usize = 150;
const HEADING_MAX_WORDS: usize = 16;

/// What one line is, on its own.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Kind {
    Blank,
    Bullet(String),
    /// A numbered item: its number and text.
    Numbered(u64, String),
    Other,
}

/// Splits input into lines: `\r\n`, `\r` and `\n` all end a line; a BOM is dropped;
/// trailing whitespace is trimmed.
pub fn lines(input: &str) -> Vec<String> {
    let input = input.strip_prefix('\u{feff}').unwrap_or(input);
    let unified = input.replace("\r\n", "\n").replace('\r', "\n");
    unified.split('\n').map(|l| l.trim_end().to_string()).collect()
}

/// Recognises the blocks of plain text.
pub fn recognise(input: &str) -> Recognised {
    let lines = lines(input);
    let kinds: Vec<Kind> = lines.iter().map(|l| classify(l)).collect();
    let mut blocks = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines.get(i).map_or("", String::as_str);
        let kind = kinds.get(i).cloned().unwrap_or(Kind::Blank);
        let lineno = i + 1;
        if kind == Kind::Blank {
            i += 1;
            continue;
        }
        if line.contains('|') && lines.get(i + 1).is_some_and(|n| is_delimiter(n)) {
            let (rows, next) = table(&lines, i);
            let aligns = lines.get(i + 1).map(|d| delimiter_cells(d)).unwrap_or_default();
            blocks.push(Block::Table { rows, aligns });
            i = next;
            continue;
        }
        match kind {
            Kind::Bullet(_) => {
                let (list, next) = list_run(&lines, &kinds, i, false);
                blocks.push(Block::List(list));
                i = next;
            }
            Kind::Numbered(..) => {
                let run = numbered_run_len(&kinds, i);
                if run == 1 && heading_like(line) && followed_by_prose(&lines, i) {
                    blocks.push(Block::Heading { level: numbered_level(line), text: line.trim().to_string(), line: lineno });
                    i += 1;
                } else if run == 1 {
                    // A lone numbered line that is no heading ("1990. That was the year")
                    // is a paragraph; rendering escapes its number.
                    blocks.push(Block::Paragraph { text: line.trim().to_string(), line: lineno });
                    i += 1;
                } else {
                    let (list, next) = list_run(&lines, &kinds, i, true);
                    blocks.push(Block::List(list));
                    i = next;
                }
            }
            _ => {
                let text = line.trim().to_string();
                if heading_like(line) && followed_by_prose(&lines, i) {
                    blocks.push(Block::Heading { level: numbered_level(line), text, line: lineno });
                } else {
                    blocks.push(Block::Paragraph { text, line: lineno });
                }
                i += 1;
            }
        }
    }
    let mut title = None;
    let first_line = kinds.iter().position(|k| *k != Kind::Blank).map(|p| p + 1);
    // The first line, when a heading, is the title, unless it is one of a series of ALL
    // CAPS section headings ("WHAT HAPPENED" … "WHAT COMES NEXT").
    let caps_series = blocks.iter().skip(1).any(|b| matches!(b, Block::Heading { text, .. } if all_caps(text)));
    if let Some(Block::Heading { text, line, .. }) = blocks.first() {
        if Some(*line) == first_line && numbered_prefix(text).is_none() && !(all_caps(text) && caps_series) {
            title = Some((text.clone(), *line));
            blocks.remove(0);
        }
    }
    Recognised { title, blocks }
}

fn classify(line: &str) -> Kind {
    let t = line.trim();
    if t.is_empty() {
        return Kind::Blank;
    }
    for marker in ["- ", "* ", "• ", "– ", "· ", "▪ ", "● "] {
        if let Some(rest) = t.strip_prefix(marker) {
            if !rest.trim().is_empty() {
                return Kind::Bullet(rest.trim().to_string());
            }
        }
    }
    // `1. text` / `1) text` with at most 9 digits (CommonMark's limit).
    let digits: String = t.chars().take_while(char::is_ascii_digit).collect();
    if (1..=9).contains(&digits.len()) {
        let rest = t.get(digits.len()..).unwrap_or("");
        if let Some(after) = rest.strip_prefix(". ").or_else(|| rest.strip_prefix(") ")) {
            if let Ok(n) = digits.parse::<u64>() {
                if !after.trim().is_empty() {
                    return Kind::Numbered(n, after.trim().to_string());
                }
            }
        }
    }
    Kind::Other
}

/// How many numbered-item lines follow each other from `i`, numbered in sequence (blank
/// lines between them allowed): "3. Conclusions" after an item "3." starts something new.
fn numbered_run_len(kinds: &[Kind], i: usize) -> usize {
    let mut n = 0;
    let mut prev: Option<u64> = None;
    let mut j = i;
    while let Some(k) = kinds.get(j) {
        match k {
            Kind::Numbered(num, _) if prev.is_none_or(|p| p.checked_add(1) == Some(*num)) => {
                n += 1;
                prev = Some(*num);
            }
            Kind::Blank => {}
            _ => break,
        }
        j += 1;
    }
    n
}

/// Collects the items of one list starting at `i`; returns it and the next line index.
fn list_run(lines: &[String], kinds: &[Kind], i: usize, numbered: bool) -> (List, usize) {
    let mut items = Vec::new();
    let mut start = None;
    let mut prev: Option<u64> = None;
    let mut j = i;
    let mut end = i;
    while let Some(k) = kinds.get(j) {
        match (k, numbered) {
            (Kind::Bullet(text), false) => items.push(Item { text: text.clone(), line: j + 1, children: Vec::new() }),
            (Kind::Numbered(n, text), true) if prev.is_none_or(|p| p.checked_add(1) == Some(*n)) => {
                start.get_or_insert(*n);
                prev = Some(*n);
                items.push(Item { text: text.clone(), line: j + 1, children: Vec::new() });
            }
            (Kind::Blank, _) => {
                j += 1;
                continue;
            }
            _ => break,
        }
        // A table header that happens to start with a marker is not an item.
        if lines.get(j + 1).is_some_and(|n| is_delimiter(n)) && lines.get(j).is_some_and(|l| l.contains('|')) {
            items.pop();
            break;
        }
        j += 1;
        end = j;
    }
    if items.is_empty() {
        // Defensive: never loop without progress.
        let text = lines.get(i).map_or("", |l| l.trim()).to_string();
        return (List { start, items: vec![Item { text, line: i + 1, children: Vec::new() }] }, i + 1);
    }
    (List { start: if numbered { start.or(Some(1)) } else { None }, items }, end)
}

/// True for a table delimiter line: cells of `-` with optional `:` at either end,
/// separated by `|`, with at least one `|` and at least one `-` per cell.
pub fn is_delimiter(line: &str) -> bool {
    let t = line.trim();
    if !t.contains('|') && !t.starts_with('-') {
        return false;
    }
    let inner = t.strip_prefix('|').unwrap_or(t);
    let inner = inner.strip_suffix('|').unwrap_or(inner);
    let cells: Vec<&str> = inner.split('|').map(str::trim).collect();
    if cells.len() < 2 && !t.contains('|') {
        return false;
    }
    cells.iter().all(|c| {
        let c = c.strip_prefix(':').unwrap_or(c);
        let c = c.strip_suffix(':').unwrap_or(c);
        !c.is_empty() && c.chars().all(|ch| ch == '-')
    })
}

/// The delimiter line's cells, normalised to `---` with the alignment colons kept.
fn delimiter_cells(line: &str) -> Vec<String> {
    split_cells(line)
        .iter()
        .map(|c| {
            let left = if c.starts_with(':') { ":" } else { "" };
            let right = if c.len() > 1 && c.ends_with(':') { ":" } else { "" };
            format!("{left}---{right}")
        })
        .collect()
}

/// Splits a table line into cells: outer pipes dropped, `\|` kept as a literal pipe.
pub fn split_cells(line: &str) -> Vec<String> {
    let t = line.trim();
    let mut cells = Vec::new();
    let mut cur = String::new();
    let mut chars = t.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'|') => {
                cur.push('|');
                chars.next();
            }
            '|' => cells.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    cells.push(cur);
    if t.starts_with('|') && cells.len() > 1 {
        cells.remove(0);
    }
    if t.ends_with('|') && !t.ends_with("\\|") && cells.len() > 1 {
        cells.pop();
    }
    cells.into_iter().map(|c| c.trim().to_string()).collect()
}

/// Reads a table at `i` (header, delimiter, rows while lines contain `|`).
fn table(lines: &[String], i: usize) -> (Vec<Row>, usize) {
    let mut rows = Vec::new();
    if let Some(h) = lines.get(i) {
        rows.push(Row { cells: split_cells(h), line: i + 1 });
    }
    let mut j = i + 2;
    while let Some(l) = lines.get(j) {
        if l.trim().is_empty() || !l.contains('|') {
            break;
        }
        if !is_delimiter(l) {
            rows.push(Row { cells: split_cells(l), line: j + 1 });
        }
        j += 1;
    }
    (rows, j)
}

/// `1.`, `2.3`, `IV.`-less numbering at the start of a heading: the dotted number, if any.
fn numbered_prefix(text: &str) -> Option<&str> {
    let t = text.trim_start();
    let end = t.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(t.len());
    let num = t.get(..end)?;
    let rest = t.get(end..)?;
    let ok = num.starts_with(|c: char| c.is_ascii_digit())
        && !num.contains("..")
        && num.len() <= 12
        && rest.starts_with([' ', ')'])
        && (num.ends_with('.') || num.contains('.') || rest.starts_with(' '));
    ok.then_some(num)
}

/// The Markdown level of a heading: 2, or 2 + depth − 1 for `1.2.3`-style numbers.
fn numbered_level(text: &str) -> u8 {
    match numbered_prefix(text) {
        Some(num) => {
            let depth = num.trim_end_matches('.').split('.').count();
            (1 + depth).clamp(2, 6) as u8
        }
        None => 2,
    }
}

/// True for a line that could be a heading on its own: short, with a letter, starting with
/// an uppercase letter, a digit or a letter of a script without case, and not ending in
/// sentence punctuation (an ALL CAPS line may end in `:`).
pub fn heading_like(line: &str) -> bool {
    let t = line.trim();
    let chars = t.chars().count();
    if chars == 0 || chars > HEADING_MAX_CHARS || t.split_whitespace().count() > HEADING_MAX_WORDS {
        return false;
    }
    if !matches!(classify(t), Kind::Other | Kind::Numbered(..)) || t.contains('|') {
        return false;
    }
    let body = match numbered_prefix(t) {
        Some(num) => t.get(num.len()..).unwrap_or("").trim_start_matches([')', ' ']),
        None => t,
    };
    let Some(first) = body.chars().find(|c| c.is_alphanumeric()) else {
        return false;
    };
    if first.is_lowercase() {
        return false;
    }
    let caps = all_caps(t);
    let end = t.trim_end_matches(['"', '\'', '”', '’', ')', ']', '»', '*']);
    let last = end.chars().last().unwrap_or(' ');
    !(matches!(last, '.' | '!' | '?' | ';' | ',' | '…') || (last == ':' && !caps))
}

/// True when the line has at least two letters and all its cased letters are uppercase.
pub fn all_caps(text: &str) -> bool {
    let letters: Vec<char> = text.chars().filter(|c| c.is_alphabetic()).collect();
    letters.len() >= 2 && letters.iter().all(|c| !c.is_lowercase()) && letters.iter().any(|c| c.is_uppercase())
}

/// The index of the next non-blank line after `i`.
fn next_nonblank(lines: &[String], i: usize) -> Option<usize> {
    (i + 1..lines.len()).find(|&j| lines.get(j).is_some_and(|l| !l.trim().is_empty()))
}

/// True when prose follows line `i` (see the module documentation).
fn followed_by_prose(lines: &[String], i: usize) -> bool {
    let Some(j) = next_nonblank(lines, i) else {
        return false;
    };
    if all_caps(lines.get(i).map_or("", String::as_str)) {
        return true;
    }
    let next = lines.get(j).map_or("", String::as_str);
    if !heading_like(next) {
        return true;
    }
    // Two stacked headings (a chapter and a section title) are allowed, not three.
    next_nonblank(lines, j).is_some_and(|k| !heading_like(lines.get(k).map_or("", String::as_str)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delimiters() {
        assert!(is_delimiter("---|---|"));
        assert!(is_delimiter("| :--- | ---: |"));
        assert!(is_delimiter("---|---"));
        assert!(!is_delimiter("---"));
        assert!(!is_delimiter("a|b"));
        assert!(!is_delimiter("|  |"));
    }

    #[test]
    fn cells() {
        assert_eq!(split_cells("Trade | Exports. |"), vec!["Trade", "Exports."]);
        assert_eq!(split_cells("| a | b |"), vec!["a", "b"]);
        assert_eq!(split_cells(r"a \| b | c"), vec!["a | b", "c"]);
        assert_eq!(delimiter_cells("| :--- | ---: | :-: | - |"), vec![":---", "---:", ":---:", "---"]);
    }

    #[test]
    fn heading_shapes() {
        assert!(heading_like("Final Thoughts"));
        assert!(heading_like("BACKGROUND:"));
        assert!(heading_like("2.3 Methods"));
        assert!(!heading_like("Key topics likely to be discussed include:"));
        assert!(!heading_like("lowercase start"));
        assert!(!heading_like("It ended."));
        assert_eq!(numbered_level("2.3 Methods"), 3);
        assert_eq!(numbered_level("1. Intro"), 2);
        assert_eq!(numbered_level("Final Thoughts"), 2);
    }

    #[test]
    fn title_and_heading() {
        let r = recognise("My Title\nSome prose here.\nSection\nMore prose.\nLast words");
        assert_eq!(r.title, Some(("My Title".to_string(), 1)));
        assert!(matches!(r.blocks.get(1), Some(Block::Heading { text, .. }) if text == "Section"));
        assert!(matches!(r.blocks.last(), Some(Block::Paragraph { text, .. }) if text == "Last words"));
    }
}
