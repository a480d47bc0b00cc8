//! Front matter (YAML between `---` lines, TOML between `+++` lines) into [`crate::doc::Meta`].
//!
//! The block is found here, not by pulldown-cmark: pulldown-cmark 0.13 recognises a
//! `---` … `---` metadata block anywhere in a document (a thematic break followed by a
//! paragraph and another break would silently vanish), so [`split`] only accepts a block
//! on the very first line, with the same delimiter rules as pulldown-cmark (opening line of
//! exactly three `-` or `+`, first content line not blank, closing line `---`/`...` or
//! `+++`), and the Markdown parser then reads only what follows it.
//!
//! Parsing happens in two passes: first into an untyped map (syntax errors, the set of
//! keys, unknown-key warnings), then into the typed [`Raw`] struct (wrong types). Every
//! message points into the source file: the block's first line is added to the line
//! numbers the YAML and TOML parsers report. Top-level keys are also located textually so
//! that unknown and duplicate keys are reported on their own line.

use crate::diag::{Diagnostic, Diagnostics};
use crate::source::Source;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use std::fmt;
use std::ops::Range;

/// The keys a brief's front matter may use.
pub const KNOWN_KEYS: &[&str] = &[
    "title",
    "subtitle",
    "author",
    "authors",
    "date",
    "lang",
    "summary",
    "keywords",
    "classification",
    "publisher",
    "rights",
    "id",
    "cover",
    "toc",
    "papersize",
    "source",
    "expect",
];

/// Which syntax a front-matter block uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `---` delimiters, YAML content.
    Yaml,
    /// `+++` delimiters, TOML content.
    Toml,
}

/// Where the front matter is and where the body starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Split {
    /// No front matter: the body is the whole text.
    None,
    /// A closed block: its content's byte range and the byte offset where the body starts.
    Block {
        kind: Kind,
        content: Range<usize>,
        body_start: usize,
    },
    /// An opening `---`/`+++` line followed by `key:`/`key =` lines but no closing line. The
    /// body is taken to start after the first blank line (so the keys are not shown as text).
    Unclosed { kind: Kind, body_start: usize },
}

impl Split {
    /// The byte offset where the body starts (0 without front matter).
    pub fn body_start(&self) -> usize {
        match self {
            Split::None => 0,
            Split::Block { body_start, .. } | Split::Unclosed { body_start, .. } => *body_start,
        }
    }
}

/// The front-matter fields, as written (no defaults applied yet).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Fields {
    pub title: Option<String>,
    pub subtitle: Option<String>,
    pub authors: Vec<String>,
    pub date: Option<String>,
    pub lang: Option<String>,
    pub summary: Option<String>,
    pub keywords: Vec<String>,
    pub classification: Option<String>,
    pub publisher: Option<String>,
    pub rights: Option<String>,
    pub id: Option<String>,
    pub cover: Option<String>,
    pub toc: Option<bool>,
    pub papersize: Option<String>,
    /// Byte offset of the `cover` key's line, for messages about the cover image.
    pub cover_offset: Option<usize>,
}

/// Iterates over the lines of `text` from byte `from`: (start, end without line ending,
/// start of the next line).
fn lines_from(text: &str, from: usize) -> impl Iterator<Item = (usize, usize, usize)> + '_ {
    let mut pos = from;
    std::iter::from_fn(move || {
        if pos >= text.len() {
            return None;
        }
        let start = pos;
        let rest = text.get(start..).unwrap_or("");
        let (end, next) = match rest.find('\n') {
            Some(i) => (start + i, start + i + 1),
            None => (text.len(), text.len()),
        };
        pos = next;
        let end = if text.get(start..end).is_some_and(|l| l.ends_with('\r')) {
            end - 1
        } else {
            end
        };
        Some((start, end, next))
    })
}

/// Finds the front-matter block at the very start of `text`.
pub fn split(text: &str) -> Split {
    let mut lines = lines_from(text, 0);
    let Some((s, e, next)) = lines.next() else {
        return Split::None;
    };
    let first = text.get(s..e).unwrap_or("").trim_end();
    let kind = match first {
        "---" => Kind::Yaml,
        "+++" => Kind::Toml,
        _ => return Split::None,
    };
    let content_start = next;
    let mut first_content = true;
    let mut looks_like_keys = false;
    for (ls, le, lnext) in lines {
        let line = text.get(ls..le).unwrap_or("");
        let closing = match kind {
            Kind::Yaml => matches!(line.trim_end_matches(' '), "---" | "..."),
            Kind::Toml => line.trim_end_matches(' ') == "+++",
        };
        if first_content {
            if closing || line.trim().is_empty() {
                return Split::None;
            }
            looks_like_keys = looks_like_key_line(line, kind);
            first_content = false;
        }
        if closing {
            return Split::Block {
                kind,
                content: content_start..ls,
                body_start: lnext,
            };
        }
    }
    if !looks_like_keys {
        return Split::None;
    }
    let body_start = lines_from(text, content_start)
        .find(|&(ls, le, _)| text.get(ls..le).unwrap_or("").trim().is_empty())
        .map_or(text.len(), |(_, _, n)| n);
    Split::Unclosed { kind, body_start }
}

/// `key:` (YAML) or `key =` (TOML) at the start of a line.
fn looks_like_key_line(line: &str, kind: Kind) -> bool {
    let key_end = line
        .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
        .unwrap_or(line.len());
    if key_end == 0 {
        return false;
    }
    let rest = line.get(key_end..).unwrap_or("").trim_start();
    match kind {
        Kind::Yaml => rest.starts_with(':'),
        Kind::Toml => rest.starts_with('='),
    }
}

/// Reads the front matter of `src`. Returns the fields (empty when there is none or when it
/// has errors) and the byte offset where the Markdown body starts.
pub fn parse(src: &Source, diags: &mut Diagnostics) -> (Fields, usize) {
    match split(&src.text) {
        Split::None => (Fields::default(), 0),
        Split::Unclosed { kind, body_start } => {
            let fence = if kind == Kind::Yaml { "---" } else { "+++" };
            diags.push(src.error_at(
                0,
                format!("front matter opened here is never closed: add a `{fence}` line after it"),
            ));
            (Fields::default(), body_start)
        }
        Split::Block {
            kind,
            content,
            body_start,
        } => {
            let fields = match kind {
                Kind::Yaml => parse_yaml(src, content, diags),
                Kind::Toml => parse_toml(src, content, diags),
            };
            (fields.unwrap_or_default(), body_start)
        }
    }
}

/// A top-level key found in the block's text, with the byte offset of its line.
struct KeyAt {
    key: String,
    offset: usize,
}

/// Top-level keys of the block, located textually (unindented `key:` / `key =` / `[key]`).
fn scan_keys(src: &Source, content: &Range<usize>, kind: Kind) -> Vec<KeyAt> {
    let text = src.text.get(..content.end).unwrap_or("");
    let mut keys = Vec::new();
    let mut in_multiline = false;
    for (ls, le, _) in lines_from(text, content.start) {
        let line = text.get(ls..le).unwrap_or("");
        if kind == Kind::Toml {
            // Skip the inside of multi-line strings (`"""` / `'''`).
            let quotes = line.matches("\"\"\"").count() + line.matches("'''").count();
            let was = in_multiline;
            if quotes % 2 == 1 {
                in_multiline = !in_multiline;
            }
            if was {
                continue;
            }
        }
        if line.starts_with([' ', '\t', '#', '-']) || line.trim().is_empty() {
            continue;
        }
        let key = match kind {
            Kind::Yaml => match line.find(": ").or_else(|| line.strip_suffix(':').map(|l| l.len())) {
                Some(i) => line.get(..i).unwrap_or(""),
                None => continue,
            },
            Kind::Toml => {
                if let Some(table) = line.strip_prefix('[') {
                    table.trim_start_matches('[').split([']', '.']).next().unwrap_or("")
                } else {
                    match line.find('=') {
                        Some(i) => line.get(..i).unwrap_or("").split('.').next().unwrap_or(""),
                        None => continue,
                    }
                }
            }
        };
        let key = key.trim().trim_matches(|c| c == '"' || c == '\'');
        if !key.is_empty() {
            keys.push(KeyAt {
                key: key.to_string(),
                offset: ls,
            });
        }
    }
    keys
}

/// Reports a duplicated top-level key (both YAML parsers here only say "duplicate" at the
/// start of the mapping, so the textual scan finds the line).
fn check_duplicates(src: &Source, keys: &[KeyAt], diags: &mut Diagnostics) -> bool {
    let mut ok = true;
    for (i, k) in keys.iter().enumerate() {
        if let Some(first) = keys.get(..i).and_then(|before| before.iter().find(|p| p.key == k.key)) {
            let (line, _) = src.line_col(first.offset);
            diags.push(src.error_at(
                k.offset,
                format!("duplicate key `{}` in front matter (first given on line {line})", k.key),
            ));
            ok = false;
        }
    }
    ok
}

/// Warns about keys that are not in [`KNOWN_KEYS`], suggesting the closest known key.
fn check_unknown<'k>(
    src: &Source,
    found: impl Iterator<Item = &'k str>,
    located: &[KeyAt],
    fallback: usize,
    diags: &mut Diagnostics,
) {
    for key in found {
        if KNOWN_KEYS.contains(&key) {
            continue;
        }
        let offset = located.iter().find(|k| k.key == key).map_or(fallback, |k| k.offset);
        let message = match closest_key(key) {
            Some(best) => format!("unknown key `{key}`, did you mean `{best}`?"),
            None => format!("unknown key `{key}` (known keys: {})", KNOWN_KEYS.join(", ")),
        };
        diags.push(src.warning_at(offset, message));
    }
}

/// The known key closest to `key` by edit distance (transpositions count once), if close
/// enough to be a plausible typo.
pub fn closest_key(key: &str) -> Option<&'static str> {
    let lower = key.to_lowercase();
    let (dist, best) = KNOWN_KEYS
        .iter()
        .map(|k| (edit_distance(&lower, k), *k))
        .min_by_key(|&(d, _)| d)?;
    let limit = (key.chars().count() / 3).max(2);
    (dist <= limit).then_some(best)
}

/// Optimal-string-alignment distance (Levenshtein plus adjacent transpositions).
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let w = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * w];
    for (i, row) in d.chunks_mut(w).enumerate() {
        if let Some(first) = row.first_mut() {
            *first = i;
        }
    }
    for (j, cell) in d.iter_mut().take(w).enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[(i - 1) * w + j] + 1)
                .min(d[i * w + j - 1] + 1)
                .min(d[(i - 1) * w + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[(i - 2) * w + j - 2] + 1);
            }
            d[i * w + j] = v;
        }
    }
    d[a.len() * w + b.len()]
}

/// Rewrites the block-relative ` at line N column M` mentions in a serde_yaml message to
/// file lines, dropping the one at `main` (the block-relative position the diagnostic
/// itself carries).
fn yaml_message(message: &str, first_line: usize, main: (usize, usize)) -> String {
    let mut out = String::new();
    let mut rest = message;
    while let Some(i) = rest.find(" at line ") {
        out.push_str(rest.get(..i).unwrap_or(""));
        let after = rest.get(i + " at line ".len()..).unwrap_or("");
        let digits = after.find(|c: char| !c.is_ascii_digit()).unwrap_or(after.len());
        let line: usize = after.get(..digits).and_then(|d| d.parse().ok()).unwrap_or(0);
        let tail = after.get(digits..).unwrap_or("");
        let Some(col_part) = tail.strip_prefix(" column ") else {
            out.push_str(" at line ");
            rest = after;
            continue;
        };
        let cdigits = col_part.find(|c: char| !c.is_ascii_digit()).unwrap_or(col_part.len());
        let column: usize = col_part.get(..cdigits).and_then(|d| d.parse().ok()).unwrap_or(0);
        if (line, column) != main {
            out.push_str(&format!(
                " at line {} column {column}",
                first_line + line.saturating_sub(1)
            ));
        }
        rest = col_part.get(cdigits..).unwrap_or("");
    }
    out.push_str(rest);
    out
}

fn parse_yaml(src: &Source, content: Range<usize>, diags: &mut Diagnostics) -> Option<Fields> {
    let text = src.text.get(content.clone())?;
    let first_line = src.line_col(content.start).0;
    // Tabs may not indent YAML; libyaml's own message for them is obscure.
    let mut ok = true;
    for (ls, le, _) in lines_from(src.text.get(..content.end)?, content.start) {
        let line = src.text.get(ls..le).unwrap_or("");
        let indent = line.len() - line.trim_start_matches([' ', '\t']).len();
        if let Some(t) = line.get(..indent).and_then(|i| i.find('\t')) {
            diags.push(src.error_at(
                ls + t,
                "tab character in YAML front matter indentation; indent with spaces",
            ));
            ok = false;
        }
    }
    let keys = scan_keys(src, &content, Kind::Yaml);
    ok &= check_duplicates(src, &keys, diags);
    if !ok {
        return None;
    }
    let yaml_error = |e: serde_yaml::Error| {
        let (line, column) = e.location().map_or((0, 1), |l| (l.line(), l.column()));
        Diagnostic::error(
            src.name(),
            first_line + line.saturating_sub(1),
            column,
            format!(
                "front matter: {}",
                yaml_message(&e.to_string(), first_line, (line, column))
            ),
        )
    };
    let value: serde_yaml::Value = match serde_yaml::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            diags.push(yaml_error(e));
            return None;
        }
    };
    let map = match value {
        serde_yaml::Value::Null => return Some(Fields::default()),
        serde_yaml::Value::Mapping(m) => m,
        _ => {
            diags.push(src.error_at(content.start, "front matter must be a list of `key: value` lines"));
            return None;
        }
    };
    let mut names = Vec::new();
    for k in map.keys() {
        match k.as_str() {
            Some(s) => names.push(s.to_string()),
            None => {
                diags.push(src.error_at(content.start, "front matter keys must be names (`title: …`)"));
                return None;
            }
        }
    }
    check_unknown(src, names.iter().map(String::as_str), &keys, content.start, diags);
    match serde_yaml::from_str::<Raw>(text) {
        Ok(raw) => Some(raw.into_fields(&keys)),
        Err(e) => {
            diags.push(yaml_error(e));
            None
        }
    }
}

fn parse_toml(src: &Source, content: Range<usize>, diags: &mut Diagnostics) -> Option<Fields> {
    let text = src.text.get(content.clone())?;
    let toml_error = |e: toml::de::Error| {
        let at = content.start + e.span().map_or(0, |s| s.start);
        src.error_at(at, format!("front matter: {}", e.message().trim()))
    };
    let table: toml::Table = match toml::from_str(text) {
        Ok(t) => t,
        Err(e) => {
            diags.push(toml_error(e));
            return None;
        }
    };
    let keys = scan_keys(src, &content, Kind::Toml);
    check_unknown(src, table.keys().map(String::as_str), &keys, content.start, diags);
    match toml::from_str::<Raw>(text) {
        Ok(raw) => Some(raw.into_fields(&keys)),
        Err(e) => {
            diags.push(toml_error(e));
            None
        }
    }
}

/// The typed front matter. Unknown keys are ignored here (they were warned about before).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Raw {
    title: Option<Scalar>,
    subtitle: Option<Scalar>,
    author: Option<Names>,
    authors: Option<Names>,
    date: Option<Scalar>,
    lang: Option<Scalar>,
    summary: Option<Scalar>,
    keywords: Option<Names>,
    classification: Option<Scalar>,
    publisher: Option<Scalar>,
    rights: Option<Scalar>,
    id: Option<Scalar>,
    cover: Option<Scalar>,
    toc: Option<bool>,
    papersize: Option<Scalar>,
    source: Option<IgnoredAny>,
    expect: Option<IgnoredAny>,
}

impl Raw {
    fn into_fields(self, keys: &[KeyAt]) -> Fields {
        let text = |s: Option<Scalar>| s.map(|s| s.0.trim().to_string()).filter(|s| !s.is_empty());
        let mut authors: Vec<String> = Vec::new();
        for names in [self.author, self.authors].into_iter().flatten() {
            authors.extend(names.0);
        }
        let authors = authors
            .into_iter()
            .map(|a| a.trim().to_string())
            .filter(|a| !a.is_empty())
            .collect();
        let keywords = self
            .keywords
            .map(|k| k.0)
            .unwrap_or_default()
            .iter()
            .flat_map(|k| k.split(','))
            .map(|k| k.trim().to_string())
            .filter(|k| !k.is_empty())
            .collect();
        let _ = (self.source, self.expect);
        Fields {
            title: text(self.title),
            subtitle: text(self.subtitle),
            authors,
            date: text(self.date),
            lang: text(self.lang),
            summary: text(self.summary),
            keywords,
            classification: text(self.classification),
            publisher: text(self.publisher),
            rights: text(self.rights),
            id: text(self.id),
            cover: text(self.cover),
            toc: self.toc,
            papersize: text(self.papersize).map(|p| p.to_ascii_lowercase()),
            cover_offset: keys.iter().find(|k| k.key == "cover").map(|k| k.offset),
        }
    }
}

/// A single value shown as text: strings, numbers, booleans, and TOML dates/datetimes
/// (which become their text, e.g. `2024-10-15`).
#[derive(Debug)]
struct Scalar(String);

/// The name toml 0.8 gives the one-entry map a datetime deserializes as.
const TOML_DATETIME_FIELD: &str = "$__toml_private_datetime";

struct ScalarVisitor;

impl<'de> Visitor<'de> for ScalarVisitor {
    type Value = Scalar;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Scalar, E> {
        Ok(Scalar(v.to_string()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Scalar, E> {
        Ok(Scalar(v))
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Scalar, E> {
        Ok(Scalar(v.to_string()))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Scalar, E> {
        Ok(Scalar(v.to_string()))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Scalar, E> {
        Ok(Scalar(v.to_string()))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Scalar, E> {
        Ok(Scalar(v.to_string()))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Scalar, A::Error> {
        match map.next_key::<String>()? {
            Some(k) if k == TOML_DATETIME_FIELD => Ok(Scalar(map.next_value::<String>()?)),
            _ => Err(de::Error::invalid_type(de::Unexpected::Map, &self)),
        }
    }
}

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ScalarVisitor)
    }
}

/// One name or a list of names (`author: X` or `authors: [X, Y]`).
#[derive(Debug)]
struct Names(Vec<String>);

struct NamesVisitor;

impl<'de> Visitor<'de> for NamesVisitor {
    type Value = Names;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string or a list of strings")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Names, E> {
        Ok(Names(vec![v.to_string()]))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Names, A::Error> {
        let mut out = Vec::new();
        while let Some(s) = seq.next_element::<Scalar>()? {
            out.push(s.0);
        }
        Ok(Names(out))
    }
}

impl<'de> Deserialize<'de> for Names {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(NamesVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str) -> (Fields, usize, Diagnostics) {
        let src = Source::new("t.md", text);
        let mut d = Diagnostics::new();
        let (f, b) = parse(&src, &mut d);
        (f, b, d)
    }

    #[test]
    fn split_rules() {
        assert_eq!(split("# hi\n"), Split::None);
        assert_eq!(
            split("---\n\ntext\n---\n"),
            Split::None,
            "blank first line: thematic break"
        );
        assert_eq!(
            split("---\ntitle: x\n---\nbody"),
            Split::Block {
                kind: Kind::Yaml,
                content: 4..13,
                body_start: 17
            }
        );
        assert_eq!(
            split("+++\ntitle = 'x'\n+++\n"),
            Split::Block {
                kind: Kind::Toml,
                content: 4..16,
                body_start: 20
            }
        );
        assert_eq!(
            split("---\ntitle: x\n...\n"),
            Split::Block {
                kind: Kind::Yaml,
                content: 4..13,
                body_start: 17
            }
        );
        assert_eq!(
            split("---\ntitle: x\nmore\n\nbody\n"),
            Split::Unclosed {
                kind: Kind::Yaml,
                body_start: 19
            }
        );
        assert_eq!(split("---\nJust text\n"), Split::None);
    }

    #[test]
    fn yaml_fields() {
        let (f, body, d) =
            run("---\ntitle: T\nauthors: [A, B]\ndate: 2024-03-01\nkeywords: a, b ,c\nexpect: {x: 1}\n---\nbody\n");
        assert!(d.items.is_empty(), "{:?}", d.items);
        assert_eq!(f.title.as_deref(), Some("T"));
        assert_eq!(f.authors, ["A", "B"]);
        assert_eq!(f.date.as_deref(), Some("2024-03-01"));
        assert_eq!(f.keywords, ["a", "b", "c"]);
        assert_eq!(
            body,
            "---\ntitle: T\nauthors: [A, B]\ndate: 2024-03-01\nkeywords: a, b ,c\nexpect: {x: 1}\n---\n".len()
        );
    }

    #[test]
    fn toml_dates_become_text() {
        let (f, _, d) = run("+++\ndate = 2024-10-15\nauthor = [\"A\", \"B\"]\nkeywords = [\"x\", \"y\"]\n+++\n");
        assert!(d.items.is_empty(), "{:?}", d.items);
        assert_eq!(f.date.as_deref(), Some("2024-10-15"));
        assert_eq!(f.authors, ["A", "B"]);
        assert_eq!(f.keywords, ["x", "y"]);
    }

    #[test]
    fn yaml_tab_and_duplicate_are_errors_with_position() {
        let (_, _, d) = run("---\ntitle: x\nauthors:\n\t- A\n---\n");
        let e = d.errors().next().expect("tab error");
        assert_eq!((e.line, e.column), (4, 1), "{e}");
        let (_, _, d) = run("---\ntitle: x\nlang: en\ntitle: y\n---\n");
        let e = d.errors().next().expect("duplicate error");
        assert_eq!((e.line, e.column), (4, 1), "{e}");
        assert!(
            e.message.contains("duplicate key `title`") && e.message.contains("line 2"),
            "{e}"
        );
    }

    #[test]
    fn yaml_message_positions_are_file_lines() {
        assert_eq!(
            yaml_message("x at line 2 column 3, while scanning at line 1 column 8", 2, (2, 3)),
            "x, while scanning at line 2 column 8"
        );
        assert_eq!(
            yaml_message(
                "mapping values are not allowed in this context at line 3 column 21",
                2,
                (3, 21)
            ),
            "mapping values are not allowed in this context"
        );
    }

    #[test]
    fn suggestions() {
        assert_eq!(closest_key("titel"), Some("title"));
        assert_eq!(closest_key("Author"), Some("author"));
        assert_eq!(closest_key("keyword"), Some("keywords"));
        assert_eq!(closest_key("zzzzzzzz"), None);
        assert_eq!(edit_distance("titel", "title"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
    }
}
