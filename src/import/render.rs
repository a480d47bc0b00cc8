//! Writes recognised blocks as Markdown, escaping what would change the meaning.
//!
//! Escaping only ever adds a backslash before an ASCII punctuation character (always a
//! valid escape in CommonMark), so no word is lost or changed. Inline, that is `\`, `` ` ``,
//! `*`, `_`, `[`, `]`, `<`, `~`, `|`, and `&` when it starts something that looks like an
//! entity. At the start of a line (paragraphs and list items): `#`, `>`, `+`, `-`, `=`,
//! and `1.` / `1)` (escaped as `1\.`), which would open a heading, a quote, a list or a
//! thematic break. In headings `#` and `{` are escaped everywhere (closing sequence,
//! heading attributes).
//!
//! Consecutive lists of the same kind alternate their markers (`-`/`*`, `.`/`)`), which
//! keeps them separate lists in CommonMark.

use super::{Block, List};

/// Renders the body: blocks separated by one blank line, ending with a newline.
pub fn blocks(blocks: &[Block]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut last_list: Option<(bool, bool)> = None; // (ordered, used alternate marker)
    for b in blocks {
        let part = match b {
            Block::Heading { level, text, .. } => {
                let level = (*level).clamp(1, 6) as usize;
                format!("{} {}", "#".repeat(level), heading_text(text))
            }
            Block::Paragraph { text, .. } => line_start(&inline(text)),
            Block::List(list) => {
                let ordered = list.start.is_some();
                let alt = matches!(last_list, Some((o, a)) if o == ordered && !a);
                last_list = Some((ordered, alt));
                let mut out = String::new();
                list_md(list, alt, 0, &mut out);
                parts.push(out.trim_end().to_string());
                continue;
            }
            Block::Table { rows, aligns } => table(rows, aligns),
            Block::Code { text } => code(text),
        };
        last_list = None;
        if !part.trim().is_empty() {
            parts.push(part);
        }
    }
    let mut out = parts.join("\n\n");
    out.push('\n');
    out
}

/// Escapes inline specials in running text.
pub fn inline(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 8);
    for (i, &c) in chars.iter().enumerate() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '~' | '|' => out.push('\\'),
            '&' if looks_like_entity(chars.get(i + 1..).unwrap_or(&[])) => out.push('\\'),
            _ => {}
        }
        out.push(c);
    }
    out
}

/// True when the characters after `&` would be read as an entity (`#…;` or `name;`).
fn looks_like_entity(rest: &[char]) -> bool {
    let name: Vec<&char> = rest.iter().take_while(|c| c.is_ascii_alphanumeric() || **c == '#').collect();
    !name.is_empty() && rest.get(name.len()) == Some(&';')
}

/// Escapes a block-level marker at the start of an (already inline-escaped) line.
pub fn line_start(text: &str) -> String {
    let Some(first) = text.chars().next() else {
        return String::new();
    };
    if matches!(first, '#' | '>' | '+' | '-' | '=') {
        return format!("\\{text}");
    }
    let digits = text.chars().take_while(char::is_ascii_digit).count();
    if digits > 0 {
        if let Some(rest) = text.get(digits..) {
            if rest.starts_with(['.', ')']) {
                let head = text.get(..digits).unwrap_or("");
                return format!("{head}\\{rest}");
            }
        }
    }
    text.to_string()
}

fn heading_text(text: &str) -> String {
    let mut out = String::new();
    for c in inline(text).chars() {
        if matches!(c, '#' | '{') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Appends a list (and its nested lists, indented under their item) to `out`.
fn list_md(list: &List, alt: bool, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    let mut n = list.start;
    for item in &list.items {
        let marker = match n {
            Some(k) => format!("{k}{}", if alt { ")" } else { "." }),
            None => (if alt { "*" } else { "-" }).to_string(),
        };
        let text = line_start(&inline(&item.text));
        out.push_str(&format!("{pad}{marker} {text}\n"));
        // Children nest below the item's text; they alternate markers among themselves.
        let mut child_alt = false;
        for child in &item.children {
            if indent + marker.len() < 60 {
                list_md(child, child_alt, indent + marker.len() + 1, out);
            } else {
                // Too deep to indent sensibly: flatten at this depth.
                list_md(child, child_alt, indent, out);
            }
            child_alt = !child_alt;
        }
        n = n.map(|k| k.saturating_add(1));
    }
}

/// A GFM table: the widest row sets the column count; short rows are padded.
fn table(rows: &[super::Row], aligns: &[String]) -> String {
    let cols = rows.iter().map(|r| r.cells.len()).max().unwrap_or(0).max(1);
    let mut out = String::new();
    for (i, row) in rows.iter().enumerate() {
        out.push('|');
        for c in 0..cols {
            let cell = row.cells.get(c).map(|s| inline(s)).unwrap_or_default();
            out.push(' ');
            out.push_str(&cell);
            out.push_str(" |");
        }
        out.push('\n');
        if i == 0 {
            out.push('|');
            for c in 0..cols {
                out.push(' ');
                out.push_str(aligns.get(c).map_or("---", String::as_str));
                out.push_str(" |");
            }
            out.push('\n');
        }
    }
    out.trim_end().to_string()
}

/// A fenced code block whose fence is longer than any backtick run inside.
fn code(text: &str) -> String {
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat((longest + 1).max(3));
    format!("{fence}\n{}\n{fence}", text.trim_end_matches('\n'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        assert_eq!(line_start(&inline("# not a heading")), "\\# not a heading");
        assert_eq!(line_start(&inline("1. not a list")), "1\\. not a list");
        assert_eq!(line_start(&inline("- dash")), "\\- dash");
        assert_eq!(line_start(&inline("| pipe")), "\\| pipe");
        assert_eq!(inline("a *b* [c] <d> x_y AT&T &amp; ~~s~~"), "a \\*b\\* \\[c\\] \\<d> x\\_y AT&T \\&amp; \\~\\~s\\~\\~");
        assert_eq!(heading_text("C# {x}"), "C\\# \\{x}");
    }

    #[test]
    fn code_fence_outgrows_content() {
        assert_eq!(code("a ```` b"), "`````\na ```` b\n`````");
    }
}
