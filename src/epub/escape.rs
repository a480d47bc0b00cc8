//! Escaping for XHTML and OPF: every string that reaches the package goes through here.
//!
//! XML 1.0 forbids most C0 control characters outright, and HTML discourages C1 controls
//! and noncharacters; a single one of them makes a chapter unreadable, so they are
//! dropped rather than escaped.

/// Is `c` a character that may appear in XHTML content? (XML 1.0 `Char`, minus the C1
/// controls and noncharacters that HTML flags as parse errors.)
pub(crate) fn is_allowed(c: char) -> bool {
    let n = c as u32;
    match n {
        0x09 | 0x0A | 0x0D => true,
        0x00..=0x1F | 0x7F..=0x9F => false,
        0xFDD0..=0xFDEF => false,
        _ => n & 0xFFFE != 0xFFFE,
    }
}

/// Removes characters that may not appear in XHTML (see [`is_allowed`]).
pub(crate) fn clean(s: &str) -> String {
    s.chars().filter(|&c| is_allowed(c)).collect()
}

/// Cleans `s` and collapses runs of whitespace to one space, trimming both ends.
pub(crate) fn clean_line(s: &str) -> String {
    clean(s).split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Appends `s` as XML character data (`&`, `<`, `>` escaped; illegal characters dropped).
///
/// Text is nearly all characters that go out as they are: those are copied a stretch at a
/// time, not pushed one by one.
pub(crate) fn push_text(out: &mut String, s: &str) {
    let bytes = s.as_bytes();
    // Start of the stretch not yet copied; `i` is always at a character boundary.
    let mut start = 0;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let (len, replacement) = match b {
            b'&' => (1, "&amp;"),
            b'<' => (1, "&lt;"),
            b'>' => (1, "&gt;"),
            b'\t' | b'\n' | b'\r' | 0x20..=0x7E => {
                i += 1;
                continue;
            }
            0x80.. => {
                let Some(c) = s.get(i..).and_then(|rest| rest.chars().next()) else { break };
                if is_allowed(c) {
                    i += c.len_utf8();
                    continue;
                }
                (c.len_utf8(), "")
            }
            // The other C0 controls and DEL: dropped.
            _ => (1, ""),
        };
        out.push_str(&s[start..i]);
        out.push_str(replacement);
        i += len;
        start = i;
    }
    out.push_str(&s[start..]);
}

/// Appends `s` as the value of a double-quoted attribute.
pub(crate) fn push_attr(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Raw tabs and newlines in attributes are normalized to spaces by XML parsers.
            '\t' | '\n' | '\r' => out.push(' '),
            c if is_allowed(c) => out.push(c),
            _ => {}
        }
    }
}

/// `s` as escaped character data.
pub(crate) fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    push_text(&mut out, s);
    out
}

/// Percent-encodes what may not appear raw in a URL (spaces, quotes, angle brackets, a
/// `%` that does not start an escape, brackets outside the host, a second `#`, ...).
/// Non-ASCII letters stay as they are (IRIs).
pub(crate) fn url(s: &str) -> String {
    // Brackets are legal only around an IPv6 host: in `scheme://host/...`, up to the
    // first `/`, `?` or `#` after the `//`.
    let host_end = s.find("://").map_or(0, |i| {
        let start = i + 3;
        s[start..].find(['/', '?', '#']).map_or(s.len(), |j| start + j)
    });
    let fragment = s.find('#');
    encode(s, |i, c| match c {
        '[' | ']' => i < host_end,
        '#' => Some(i) == fragment,
        _ => true,
    })
}

/// Percent-encodes a fragment identifier for use after `#`: only the characters RFC 3987
/// allows in an IRI fragment stay raw.
pub(crate) fn fragment(s: &str) -> String {
    // An id is a raw string: its `%` is a percent sign, never the start of an escape.
    encode(&s.replace('%', "%25"), |_, c| c.is_alphanumeric() || "-._~!$&'()*+,;=:@/?".contains(c) || !c.is_ascii())
}

/// Percent-encodes every character `keep` rejects, and those never allowed raw in a URL.
fn encode(s: &str, keep: impl Fn(usize, char) -> bool) -> String {
    let bytes = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    for (i, c) in s.char_indices() {
        let keep = match c {
            '%' => {
                let hex = |k: usize| bytes.get(i + k).is_some_and(|b| b.is_ascii_hexdigit());
                hex(1) && hex(2)
            }
            ' ' | '"' | '<' | '>' | '\\' | '^' | '`' | '{' | '|' | '}' => false,
            c if c.is_ascii_control() || c.is_whitespace() => false,
            c => is_allowed(c) && keep(i, c),
        };
        if keep {
            out.push(c);
        } else if is_allowed(c) {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    out
}

/// A fragment identifier made safe for use in an `id` attribute: illegal characters
/// dropped, whitespace replaced by `-`, never empty.
pub(crate) fn id(s: &str) -> String {
    let id: String = clean(s).chars().map(|c| if c.is_whitespace() { '-' } else { c }).collect();
    if id.is_empty() {
        "section".to_string()
    } else {
        id
    }
}

/// A BCP 47 language tag (`_` read as `-`), or `en` when `tag` is not a well-formed one.
/// The check follows the tag's shape: a primary subtag of 2–3 or 5–8 letters, then
/// subtags of 2–8 letters or digits, where a one-character singleton (extension or
/// private use) must be followed by a longer subtag.
pub(crate) fn lang(tag: &str) -> String {
    let tag = tag.trim().replace('_', "-");
    let parts: Vec<&str> = tag.split('-').collect();
    let primary_ok =
        parts.first().is_some_and(|p| matches!(p.len(), 2 | 3 | 5..=8) && p.chars().all(|c| c.is_ascii_alphabetic()));
    let rest_ok = parts.iter().enumerate().skip(1).all(|(i, p)| {
        let alnum = p.chars().all(|c| c.is_ascii_alphanumeric());
        match p.len() {
            1 => alnum && parts.get(i + 1).is_some_and(|next| next.len() >= 2),
            2..=8 => alnum,
            _ => false,
        }
    });
    if primary_ok && rest_ok && tag.len() <= 64 {
        tag
    } else {
        "en".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_escapes_markup_and_drops_controls() {
        assert_eq!(text("a<b>&\"'\u{0}\u{1b}\u{7f}\u{85}\u{FFFE}z\t\n"), "a&lt;b&gt;&amp;\"'z\t\n");
    }

    #[test]
    fn text_copied_by_stretches_equals_text_escaped_char_by_char() {
        fn reference(s: &str) -> String {
            let mut out = String::new();
            for c in s.chars() {
                match c {
                    '&' => out.push_str("&amp;"),
                    '<' => out.push_str("&lt;"),
                    '>' => out.push_str("&gt;"),
                    c if is_allowed(c) => out.push(c),
                    _ => {}
                }
            }
            out
        }
        let alphabet = ['a', ' ', '&', '<', '>', '\u{0}', '\t', '\u{7f}', '\u{85}', 'é', 'Қ', '\u{FFFE}', '\u{FDD0}', '😀', '\u{a0}'];
        // Every string of up to four characters of the alphabet, then longer mixes.
        let mut strings = vec![String::new()];
        for _ in 0..4 {
            let longer: Vec<String> = strings.iter().flat_map(|s| alphabet.iter().map(move |c| format!("{s}{c}"))).collect();
            strings.extend(longer.into_iter().filter(|s| s.chars().count() <= 4));
            strings.sort();
            strings.dedup();
        }
        strings.push(alphabet.iter().cycle().take(1000).collect());
        for s in &strings {
            assert_eq!(text(s), reference(s), "{s:?}");
        }
        assert!(strings.len() > 50_000, "{}", strings.len());
    }

    #[test]
    fn attr_escapes_quotes() {
        let mut out = String::new();
        push_attr(&mut out, "say \"hi\" & 'bye'\n\u{1}");
        assert_eq!(out, "say &quot;hi&quot; &amp; &#39;bye&#39; ");
    }

    #[test]
    fn url_encodes_unsafe_characters_only() {
        assert_eq!(url("https://x.org/a b?q=\"1\"&r=%41%zz#é"), "https://x.org/a%20b?q=%221%22&r=%41%25zz#é");
        assert_eq!(url("http://[::1]/a[1]#x#y"), "http://[::1]/a%5B1%5D#x%23y");
        assert_eq!(fragment("é'--> ]]>#%41"), "é'--%3E%20%5D%5D%3E%23%2541");
    }

    #[test]
    fn ids_and_langs_are_made_valid() {
        assert_eq!(id(""), "section");
        assert_eq!(id("a b\u{1}c"), "a-bc");
        assert_eq!(lang("de-CH"), "de-CH");
        assert_eq!(lang("not a tag"), "en");
        assert_eq!(lang(""), "en");
        assert_eq!(lang("x--y"), "en");
        assert_eq!(lang("a"), "en");
        assert_eq!(lang("en_US"), "en-US");
        assert_eq!(lang("de-x-private"), "de-x-private");
        assert_eq!(lang("de-x"), "en");
        assert_eq!(lang("sr-Latn-RS"), "sr-Latn-RS");
    }
}
