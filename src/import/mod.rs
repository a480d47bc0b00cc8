//! Import: raw article text (copied from a web page or a news wire) or a saved HTML page
//! into a clean Markdown brief with front matter.
//!
//! The steps, one file each:
//!
//! 1. Block recognition: [`text`] for plain text (headings, paragraphs, lists, pipe
//!    tables from bare lines), [`html`] + [`html_map`] for HTML (a tolerant tokenizer,
//!    then elements mapped to the same blocks, boilerplate dropped).
//! 2. Repairs on the recognised text, each one reported with its input line:
//!    [`repair`] (missing spaces after punctuation) and, on request, [`case`]
//!    (proper nouns written in lowercase where the text elsewhere capitalises them).
//! 3. [`render`] writes the blocks as Markdown, escaping characters that would change
//!    the meaning (a paragraph starting with `#`, a `*` or `[` in running text …).
//! 4. [`frontmatter`] writes the YAML front matter: title, date, lang, source, summary.
//!
//! The contract that matters most: no word of the input is lost. Nothing here deletes
//! text (except HTML boilerplate: scripts, styles, navigation, header, footer, aside);
//! repairs only insert spaces or change the case of a letter, and escaping only adds
//! backslashes. `tests/import.rs` checks it as a multiset of words on every case.

pub mod case;
pub mod frontmatter;
pub mod html;
pub mod html_map;
pub mod render;
pub mod repair;
pub mod text;

/// What an import may do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportOptions {
    /// Insert the spaces a scrape lost after `.`, `,`, `;`, `:`, `?`, `!` (`--no-repair`
    /// turns it off).
    pub repair: bool,
    /// Capitalise proper nouns written in lowercase when the text elsewhere capitalises
    /// them (`--fix-case`).
    pub fix_case: bool,
    /// The original file name, written as `source:` (omitted when `None`).
    pub source_name: Option<String>,
    /// The `date:` to write, `YYYY-MM-DD` (the caller derives it from `SOURCE_DATE_EPOCH`
    /// or the clock; the import itself never reads the clock).
    pub date: String,
}

impl Default for ImportOptions {
    fn default() -> Self {
        ImportOptions { repair: true, fix_case: false, source_name: None, date: "1970-01-01".to_string() }
    }
}

/// Which kind of change a [`Repair`] made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RepairKind {
    /// A space inserted after punctuation.
    Spacing,
    /// A proper noun capitalised (`--fix-case`).
    Case,
}

/// One change made to the text, for `--report`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repair {
    /// 1-based line of the input the text came from.
    pub line: usize,
    /// The word (whitespace-delimited) before the change, e.g. `exchanges.As`.
    pub before: String,
    /// The same word after it, e.g. `exchanges. As`.
    pub after: String,
    pub kind: RepairKind,
}

impl std::fmt::Display for Repair {
    /// `line 1: exchanges.As → exchanges. As` (the `--report` line).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let what = match self.kind {
            RepairKind::Spacing => "space",
            RepairKind::Case => "case",
        };
        write!(f, "line {}: {what}: {} → {}", self.line, self.before, self.after)
    }
}

/// `YYYY-MM-DD` (UTC) for a Unix time in seconds, for [`ImportOptions::date`] from
/// `SOURCE_DATE_EPOCH` or the clock (read by the caller). Out-of-range values give
/// `1970-01-01`.
pub fn date_from_epoch(secs: i64) -> String {
    chrono::DateTime::from_timestamp(secs, 0)
        .map_or_else(|| "1970-01-01".to_string(), |d| d.format("%Y-%m-%d").to_string())
}

/// The result of an import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Imported {
    /// The Markdown brief: front matter, a blank line, the body.
    pub markdown: String,
    /// Every repair made, in input order.
    pub repairs: Vec<Repair>,
    /// True when the title is a guess (no heading-like first line): the front matter
    /// then carries a comment asking the user to edit it.
    pub title_guessed: bool,
}

/// One recognised block, before rendering. `line` is the 1-based input line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    Heading { level: u8, text: String, line: usize },
    Paragraph { text: String, line: usize },
    List(List),
    /// Rows of cells; the first row is the header. `aligns` holds each column's delimiter
    /// cell as written (`---`, `:---`, `---:`, `:---:`); missing columns get `---`.
    Table { rows: Vec<Row>, aligns: Vec<String> },
    /// Preformatted text (HTML `<pre>`), kept verbatim.
    Code { text: String },
}

/// A bullet or numbered list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct List {
    /// `Some(first number)` for a numbered list.
    pub start: Option<u64>,
    pub items: Vec<Item>,
}

/// A list item: one line of text, possibly with nested lists (from HTML).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub text: String,
    pub line: usize,
    pub children: Vec<List>,
}

/// A table row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub cells: Vec<String>,
    pub line: usize,
}

/// A recognised document: an optional title (with its line) and the body blocks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Recognised {
    pub title: Option<(String, usize)>,
    pub blocks: Vec<Block>,
}

/// Imports plain text: see the module documentation.
pub fn import_text(input: &str, opts: &ImportOptions) -> Imported {
    finish(text::recognise(input), opts)
}

/// Imports an HTML page: its headings, paragraphs, lists and tables are mapped directly;
/// scripts, styles, navigation, header, footer and asides are dropped.
pub fn import_html(input: &str, opts: &ImportOptions) -> Imported {
    finish(html_map::recognise(input), opts)
}

/// True when `input` looks like an HTML document rather than plain text (starts with a
/// doctype, `<html`, `<head`, `<body`, or a comment followed by one of those).
pub fn looks_like_html(input: &str) -> bool {
    let t = input.trim_start_matches('\u{feff}').trim_start();
    let lower: String = t.chars().take(200).collect::<String>().to_ascii_lowercase();
    let lower = match lower.strip_prefix("<!--") {
        Some(rest) => rest.split_once("-->").map_or("", |(_, after)| after).trim_start().to_string(),
        None => lower,
    };
    ["<!doctype html", "<html", "<head", "<body", "<meta", "<article"].iter().any(|p| lower.starts_with(p))
}

/// The steps shared by both inputs: repairs, rendering, front matter.
fn finish(mut doc: Recognised, opts: &ImportOptions) -> Imported {
    let mut repairs = Vec::new();
    if opts.repair {
        for_each_text(&mut doc, &mut |text, line, _| {
            let (fixed, changes) = repair::spacing(text);
            *text = fixed;
            repairs.extend(changes.into_iter().map(|(before, after)| Repair {
                line,
                before,
                after,
                kind: RepairKind::Spacing,
            }));
        });
    }
    if opts.fix_case {
        repairs.extend(case::fix(&mut doc));
    }
    repairs.sort_by_key(|r| r.line);
    let body = render::blocks(&doc.blocks);
    let fm = frontmatter::build(&doc, opts);
    let mut markdown = fm.yaml;
    markdown.push('\n');
    markdown.push_str(&body);
    Imported { markdown, repairs, title_guessed: fm.title_guessed }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_report_lines() {
        assert_eq!(date_from_epoch(1_715_904_000), "2024-05-17");
        assert_eq!(date_from_epoch(0), "1970-01-01");
        assert_eq!(date_from_epoch(i64::MAX), "1970-01-01");
        let r = Repair { line: 3, before: "a.B".into(), after: "a. B".into(), kind: RepairKind::Spacing };
        assert_eq!(r.to_string(), "line 3: space: a.B → a. B");
    }

    #[test]
    fn html_is_recognised() {
        assert!(looks_like_html("\u{feff}  <!DOCTYPE html><html>"));
        assert!(looks_like_html("<!-- saved --> <html lang=en>"));
        assert!(!looks_like_html("<3 this article"));
        assert!(!looks_like_html("Plain text"));
    }
}

/// Calls `f` on every piece of running text (title, headings, paragraphs, items, cells)
/// with its input line and whether it is running text (false for the title and headings,
/// whose Title Case says nothing about proper nouns). Code blocks are left alone.
pub(crate) fn for_each_text(doc: &mut Recognised, f: &mut dyn FnMut(&mut String, usize, bool)) {
    if let Some((title, line)) = doc.title.as_mut() {
        f(title, *line, false);
    }
    for block in &mut doc.blocks {
        match block {
            Block::Heading { text, line, .. } => f(text, *line, false),
            Block::Paragraph { text, line } => f(text, *line, true),
            Block::List(list) => list_texts(list, f),
            Block::Table { rows, .. } => {
                for row in rows {
                    for cell in &mut row.cells {
                        f(cell, row.line, true);
                    }
                }
            }
            Block::Code { .. } => {}
        }
    }
}

fn list_texts(list: &mut List, f: &mut dyn FnMut(&mut String, usize, bool)) {
    // Explicit stack: HTML lists may nest deeply.
    let mut stack: Vec<&mut List> = vec![list];
    while let Some(l) = stack.pop() {
        for item in &mut l.items {
            f(&mut item.text, item.line, true);
            for child in &mut item.children {
                stack.push(child);
            }
        }
    }
}
