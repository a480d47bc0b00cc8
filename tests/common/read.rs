//! Readers for what the tests look at: titles in sources, the Info dictionary of a PDF,
//! the zip directory of an EPUB, EPUBCheck's summary, diagnostics on stderr, the JSON
//! tree, and word counts of the example brief against its raw article.

use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

use super::stem;

/// The title a built document must carry: the front matter's `title` (YAML `---` or TOML
/// `+++`), else the text of the first ATX level-1 heading, else the file stem.
pub fn expected_title(source: &Path) -> String {
    let text = std::fs::read_to_string(source)
        .unwrap_or_else(|e| panic!("read {}: {e}", source.display()));
    let mut lines = text.lines();
    let first = lines.next().unwrap_or("");
    if first == "---" || first == "+++" {
        let block: Vec<&str> = lines
            .by_ref()
            .take_while(|l| l.trim_end() != first)
            .collect();
        let block = block.join("\n");
        let title = if first == "---" {
            serde_yaml::from_str::<serde_yaml::Value>(&block)
                .ok()
                .and_then(|v| v.get("title").and_then(|t| t.as_str().map(str::to_owned)))
        } else {
            toml::from_str::<toml::Value>(&block)
                .ok()
                .and_then(|v| v.get("title").and_then(|t| t.as_str().map(str::to_owned)))
        };
        if let Some(t) = title {
            return t;
        }
    }
    for line in text.lines() {
        if let Some(h) = line.strip_prefix("# ") {
            return h.trim().to_owned();
        }
    }
    stem(source)
}

/// The Info dictionary's `/Title` of a PDF, decoded (PDFDocEncoding or UTF-16BE).
pub fn pdf_info_title(doc: &lopdf::Document) -> Option<String> {
    let info = doc.trailer.get(b"Info").ok()?;
    let dict = match info {
        lopdf::Object::Reference(id) => doc.get_dictionary(*id).ok()?,
        lopdf::Object::Dictionary(d) => d,
        _ => return None,
    };
    lopdf::decode_text_string(dict.get(b"Title").ok()?).ok()
}

fn u16_at(b: &[u8], at: usize) -> Option<usize> {
    Some(u16::from_le_bytes([*b.get(at)?, *b.get(at + 1)?]) as usize)
}

fn u32_at(b: &[u8], at: usize) -> Option<usize> {
    Some(u32::from_le_bytes([
        *b.get(at)?,
        *b.get(at + 1)?,
        *b.get(at + 2)?,
        *b.get(at + 3)?,
    ]) as usize)
}

/// Checks the OCF rule for the first zip entry: a local header at offset 0 for a file named
/// `mimetype`, stored (method 0), without extra field, holding exactly
/// `application/epub+zip`. Returns what is wrong, if anything.
pub fn epub_mimetype_problem(zip: &[u8]) -> Option<String> {
    const MIME: &[u8] = b"application/epub+zip";
    if !zip.starts_with(b"PK\x03\x04") {
        return Some("no zip local file header at offset 0".into());
    }
    let (Some(method), Some(csize), Some(usize_), Some(name_len), Some(extra_len)) = (
        u16_at(zip, 8),
        u32_at(zip, 18),
        u32_at(zip, 22),
        u16_at(zip, 26),
        u16_at(zip, 28),
    ) else {
        return Some("truncated local header".into());
    };
    let name = zip.get(30..30 + name_len).unwrap_or_default();
    if name != b"mimetype" {
        return Some(format!(
            "first entry is {:?}, not mimetype",
            String::from_utf8_lossy(name)
        ));
    }
    if method != 0 {
        return Some(format!("mimetype is compressed (method {method})"));
    }
    if extra_len != 0 {
        return Some(format!(
            "mimetype local header has a {extra_len}-byte extra field"
        ));
    }
    if csize != MIME.len() || usize_ != MIME.len() {
        return Some(format!(
            "mimetype sizes are {csize}/{usize_}, expected {}",
            MIME.len()
        ));
    }
    let start = 30 + name_len;
    let content = zip.get(start..start + MIME.len()).unwrap_or_default();
    if content != MIME {
        return Some(format!(
            "mimetype content is {:?}",
            String::from_utf8_lossy(content)
        ));
    }
    None
}

/// The entry names of a zip file, read from its central directory (no decompression).
pub fn zip_entry_names(zip: &[u8]) -> Result<Vec<String>, String> {
    // The end-of-central-directory record is 22 bytes plus a comment of up to 64 KiB.
    let min = zip.len().saturating_sub(22 + 65_535);
    let eocd = (min..zip.len().saturating_sub(21))
        .rev()
        .find(|&i| zip.get(i..i + 4) == Some(b"PK\x05\x06"))
        .ok_or("no end of central directory record")?;
    let count = u16_at(zip, eocd + 10).ok_or("truncated EOCD")?;
    let mut at = u32_at(zip, eocd + 16).ok_or("truncated EOCD")?;
    let mut names = Vec::with_capacity(count);
    for _ in 0..count {
        if zip.get(at..at + 4) != Some(b"PK\x01\x02") {
            return Err(format!("bad central directory header at {at}"));
        }
        let (Some(n), Some(x), Some(c)) = (
            u16_at(zip, at + 28),
            u16_at(zip, at + 30),
            u16_at(zip, at + 32),
        ) else {
            return Err("truncated central directory".into());
        };
        let name = zip.get(at + 46..at + 46 + n).ok_or("truncated name")?;
        names.push(String::from_utf8_lossy(name).into_owned());
        at += 46 + n + x + c;
    }
    Ok(names)
}

/// Squeezes text for a containment test that survives line wrapping: drops whitespace,
/// hyphens and soft hyphens (pdftotext joins `Anti-⏎Terrorism` into `AntiTerrorism`) and
/// spells out the Latin ligature characters (as NFKC would: `ﬁ` becomes `fi`).
pub fn squeeze(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\u{FB00}' => out.push_str("ff"),
            '\u{FB01}' => out.push_str("fi"),
            '\u{FB02}' => out.push_str("fl"),
            '\u{FB03}' => out.push_str("ffi"),
            '\u{FB04}' => out.push_str("ffl"),
            '\u{FB05}' | '\u{FB06}' => out.push_str("st"),
            '-' | '\u{00AD}' | '\u{2010}' => {}
            c if c.is_whitespace() => {}
            c => out.push(c),
        }
    }
    out
}

/// True when EPUBCheck's summary line reads `Messages: 0 fatals / 0 errors / 0 warnings`.
pub fn epubcheck_clean(stdout: &str) -> bool {
    let Some(line) = stdout
        .lines()
        .find_map(|l| l.trim().strip_prefix("Messages:"))
    else {
        return false;
    };
    let mut seen = 0;
    for part in line.split('/') {
        let mut words = part.split_whitespace();
        let (Some(n), Some(kind)) = (words.next(), words.next()) else {
            return false;
        };
        if kind.starts_with("fatal") || kind.starts_with("error") || kind.starts_with("warning") {
            seen += 1;
            if n != "0" {
                return false;
            }
        }
    }
    seen == 3
}

/// The stderr line that starts a diagnostic for `file` at `line` (any line when `None`),
/// checked to have the form `path:line:col: error|warning: message`. Returns the severity
/// and the whole line.
pub fn diagnostic<'a>(
    stderr: &'a str,
    file: &str,
    line: Option<usize>,
) -> Option<(&'a str, &'a str)> {
    stderr.lines().find_map(|l| {
        let at = l.find(&format!("{file}:"))?;
        let rest = l.get(at + file.len() + 1..)?;
        let (line_no, rest) = rest.split_once(':')?;
        let (col, rest) = rest.split_once(':')?;
        let line_ok = line_no
            .parse::<usize>()
            .ok()
            .is_some_and(|n| line.is_none_or(|want| n == want));
        if !line_ok || col.parse::<usize>().is_err() {
            return None;
        }
        let rest = rest.strip_prefix(' ')?;
        let (sev, msg) = rest.split_once(": ")?;
        (matches!(sev, "error" | "warning") && !msg.trim().is_empty()).then_some((sev, l))
    })
}

/// All JSON objects in `v` (depth first) whose `"type"` is `ty`.
pub fn nodes<'a>(v: &'a Value, ty: &str, acc: &mut Vec<&'a Value>) {
    match v {
        Value::Object(map) => {
            if map.get("type").and_then(Value::as_str) == Some(ty) {
                acc.push(v);
            }
            map.values().for_each(|x| nodes(x, ty, acc));
        }
        Value::Array(items) => items.iter().for_each(|x| nodes(x, ty, acc)),
        _ => {}
    }
}

pub fn all<'a>(v: &'a Value, ty: &str) -> Vec<&'a Value> {
    let mut acc = Vec::new();
    nodes(v, ty, &mut acc);
    acc
}

/// Words of the raw article: each line's whitespace-separated words, with its plain-text
/// table pipes, delimiter rows and `- ` list markers taken as markup.
pub fn raw_words(text: &str) -> BTreeMap<String, usize> {
    let mut m = BTreeMap::new();
    for line in text.lines() {
        if !line.is_empty() && line.trim_end_matches("---|").is_empty() {
            continue;
        }
        let line = line.strip_prefix("- ").unwrap_or(line);
        for w in line.replace('|', " ").split_whitespace() {
            *m.entry(w.to_string()).or_insert(0) += 1;
        }
    }
    m
}

/// Words of the Markdown body (after the front matter), markup stripped: `#` heading
/// marks, `- ` list markers, `**`, table pipes and delimiter rows.
pub fn markdown_words(md: &str) -> BTreeMap<String, usize> {
    let body = md
        .strip_prefix("---\n")
        .and_then(|r| r.split_once("\n---\n"))
        .map_or(md, |(_, b)| b);
    let mut m = BTreeMap::new();
    for line in body.lines() {
        if line.starts_with("|-") && line.chars().all(|c| matches!(c, '|' | '-' | ':')) {
            continue;
        }
        let line = line.trim_start_matches('#').trim_start();
        let line = line.strip_prefix("- ").unwrap_or(line);
        for w in line.replace("**", "").replace('|', " ").split_whitespace() {
            *m.entry(w.to_string()).or_insert(0) += 1;
        }
    }
    m
}
