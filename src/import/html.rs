//! A small, tolerant HTML tokenizer: start tags (with attributes), end tags, text,
//! with character references decoded. Comments, doctypes and processing instructions
//! are skipped. It never fails: a `<` that does not start a tag is text, an unclosed
//! tag or comment runs to the end of the input, and the contents of `script`, `style`,
//! `textarea` and `title` are raw text up to their end tag (as browsers do).
//!
//! Each token carries the 1-based line where it starts, for the repair report.

/// One token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Token {
    /// `<name attr="v">`: lowercase name, attributes (lowercase names, decoded values).
    Start { name: String, attrs: Vec<(String, String)>, line: usize },
    /// `</name>`.
    End { name: String, line: usize },
    /// Text with character references decoded (whitespace as in the source).
    Text { text: String, line: usize },
}

/// Elements whose content is raw text up to `</name`.
const RAW_TEXT: &[&str] = &["script", "style", "textarea", "title", "xmp", "noscript"];

/// Tokenizes `input`.
pub fn tokenize(input: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let bytes = input.as_bytes();
    let mut pos = 0;
    let mut line = 1;
    let mut text_start = 0;
    let mut text_line = 1;
    let flush = |out: &mut Vec<Token>, from: usize, to: usize, line: usize| {
        if to > from {
            if let Some(raw) = input.get(from..to) {
                out.push(Token::Text { text: decode_entities(raw), line });
            }
        }
    };
    while pos < bytes.len() {
        if bytes.get(pos) != Some(&b'<') {
            if bytes.get(pos) == Some(&b'\n') {
                line += 1;
            }
            pos += 1;
            continue;
        }
        let rest = input.get(pos..).unwrap_or("");
        let next = bytes.get(pos + 1).copied().unwrap_or(b' ');
        let consumed = if rest.starts_with("<!--") {
            Some((rest.find("-->").map_or(rest.len(), |e| e + 3), None))
        } else if next == b'!' || next == b'?' {
            Some((rest.find('>').map_or(rest.len(), |e| e + 1), None))
        } else if next.is_ascii_alphabetic() || (next == b'/' && bytes.get(pos + 2).is_some_and(u8::is_ascii_alphabetic)) {
            let (len, tok) = tag(rest, line);
            Some((len, Some(tok)))
        } else {
            None
        };
        let Some((len, tok)) = consumed else {
            pos += 1; // a lone `<` is text
            continue;
        };
        flush(&mut out, text_start, pos, text_line);
        let tag_text = input.get(pos..pos + len).unwrap_or("");
        line += tag_text.matches('\n').count();
        pos += len;
        text_start = pos;
        text_line = line;
        if let Some(tok) = tok {
            let raw = match &tok {
                Token::Start { name, .. } if RAW_TEXT.contains(&name.as_str()) => Some(name.clone()),
                _ => None,
            };
            out.push(tok);
            if let Some(name) = raw {
                // Raw text up to `</name` (case-insensitive), emitted as one text token.
                let rest = input.get(pos..).unwrap_or("");
                let end = find_close(rest, &name).unwrap_or(rest.len());
                let body = rest.get(..end).unwrap_or("");
                if !body.is_empty() {
                    out.push(Token::Text { text: decode_entities(body), line });
                }
                line += body.matches('\n').count();
                pos += end;
                text_start = pos;
                text_line = line;
            }
        }
    }
    flush(&mut out, text_start, bytes.len(), text_line);
    out
}

/// Reads one tag at the start of `s` (which starts with `<`); returns its length.
fn tag(s: &str, line: usize) -> (usize, Token) {
    // Only the tag's own characters are collected (linear time over the whole input).
    let s = s.get(..tag_extent(s)).unwrap_or(s);
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    let mut k = 1;
    let closing = chars.get(k).is_some_and(|(_, c)| *c == '/');
    if closing {
        k += 1;
    }
    let mut name = String::new();
    while let Some((_, c)) = chars.get(k) {
        if c.is_whitespace() || *c == '>' || *c == '/' {
            break;
        }
        name.push(c.to_ascii_lowercase());
        k += 1;
    }
    let mut attrs = Vec::new();
    loop {
        while chars.get(k).is_some_and(|(_, c)| c.is_whitespace() || *c == '/') {
            k += 1;
        }
        match chars.get(k) {
            None => break,
            Some((_, '>')) => {
                k += 1;
                break;
            }
            _ => {}
        }
        let mut an = String::new();
        while let Some((_, c)) = chars.get(k) {
            if c.is_whitespace() || matches!(c, '>' | '=' | '/') {
                break;
            }
            an.push(c.to_ascii_lowercase());
            k += 1;
        }
        while chars.get(k).is_some_and(|(_, c)| c.is_whitespace()) {
            k += 1;
        }
        let mut value = String::new();
        if chars.get(k).is_some_and(|(_, c)| *c == '=') {
            k += 1;
            while chars.get(k).is_some_and(|(_, c)| c.is_whitespace()) {
                k += 1;
            }
            match chars.get(k).map(|(_, c)| *c) {
                Some(q @ ('"' | '\'')) => {
                    k += 1;
                    while let Some((_, c)) = chars.get(k) {
                        k += 1;
                        if *c == q {
                            break;
                        }
                        value.push(*c);
                    }
                }
                _ => {
                    while let Some((_, c)) = chars.get(k) {
                        if c.is_whitespace() || *c == '>' {
                            break;
                        }
                        value.push(*c);
                        k += 1;
                    }
                }
            }
        }
        if an.is_empty() {
            // A stray character (`=` alone): skip it so the loop always advances.
            k += 1;
        } else {
            attrs.push((an, decode_entities(&value)));
        }
    }
    let len = chars.get(k).map_or(s.len(), |(i, _)| *i);
    let tok = if closing { Token::End { name, line } } else { Token::Start { name, attrs, line } };
    (len, tok)
}

/// The byte length of the tag at the start of `s`: up to and including the first `>`
/// outside a quoted attribute value (a quote opens a value only right after `=`), or all
/// of `s` when the tag is never closed.
fn tag_extent(s: &str) -> usize {
    let mut quote: Option<u8> = None;
    let mut last_significant = b'<';
    for (i, &b) in s.as_bytes().iter().enumerate() {
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if b == b'>' => return i + 1,
            None if (b == b'"' || b == b'\'') && last_significant == b'=' => quote = Some(b),
            None => {}
        }
        if !b.is_ascii_whitespace() {
            last_significant = b;
        }
    }
    s.len()
}

/// The byte offset of the first `</name` (ASCII case-insensitive) in `s`.
fn find_close(s: &str, name: &str) -> Option<usize> {
    s.match_indices("</").map(|(i, _)| i).find(|&i| {
        s.as_bytes().get(i + 2..i + 2 + name.len()).is_some_and(|n| n.eq_ignore_ascii_case(name.as_bytes()))
    })
}

/// Named references common in articles; anything else is kept literally.
const NAMED: &[(&str, char)] = &[
    ("amp", '&'), ("lt", '<'), ("gt", '>'), ("quot", '"'), ("apos", '\''), ("nbsp", '\u{a0}'),
    ("ndash", '–'), ("mdash", '—'), ("hellip", '…'), ("lsquo", '‘'), ("rsquo", '’'), ("ldquo", '“'),
    ("rdquo", '”'), ("laquo", '«'), ("raquo", '»'), ("bull", '•'), ("middot", '·'), ("copy", '©'),
    ("reg", '®'), ("trade", '™'), ("euro", '€'), ("pound", '£'), ("yen", '¥'), ("cent", '¢'), ("deg", '°'),
    ("times", '×'), ("divide", '÷'), ("shy", '\u{ad}'), ("thinsp", '\u{2009}'), ("ensp", '\u{2002}'),
    ("emsp", '\u{2003}'), ("zwj", '\u{200d}'), ("zwnj", '\u{200c}'), ("sect", '§'), ("para", '¶'),
    ("plusmn", '±'), ("frac12", '½'), ("frac14", '¼'), ("frac34", '¾'), ("eacute", 'é'), ("egrave", 'è'),
    ("aacute", 'á'), ("agrave", 'à'), ("iacute", 'í'), ("oacute", 'ó'), ("uacute", 'ú'), ("ntilde", 'ñ'),
    ("uuml", 'ü'), ("ouml", 'ö'), ("auml", 'ä'), ("szlig", 'ß'), ("ccedil", 'ç'), ("prime", '′'),
];

/// Decodes `&name;`, `&#123;` and `&#x1F;` references. Invalid or unknown ones stay as
/// written; `&#0;`, surrogates and other non-characters become U+FFFD.
pub fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(rest.get(..i).unwrap_or(""));
        let after = rest.get(i + 1..).unwrap_or("");
        let semi = after.find(';').filter(|&e| e <= 32);
        let decoded = semi.and_then(|e| {
            let name = after.get(..e)?;
            let c = if let Some(num) = name.strip_prefix('#') {
                let n = match num.strip_prefix(['x', 'X']) {
                    Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                    None => num.parse::<u32>().ok()?,
                };
                char::from_u32(n).filter(|&c| c != '\0').unwrap_or('\u{fffd}')
            } else {
                NAMED.iter().find(|(k, _)| *k == name).map(|(_, c)| *c)?
            };
            Some((c, e + 1))
        });
        match decoded {
            Some((c, used)) => {
                out.push(c);
                rest = after.get(used..).unwrap_or("");
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_text_and_entities() {
        let t = tokenize("<p class=x id='y' data-a=\"b>c\">A &amp; B &#8217; &bogus; < 3</p>");
        assert_eq!(
            t,
            vec![
                Token::Start {
                    name: "p".into(),
                    attrs: vec![("class".into(), "x".into()), ("id".into(), "y".into()), ("data-a".into(), "b>c".into())],
                    line: 1
                },
                Token::Text { text: "A & B ’ &bogus; < 3".into(), line: 1 },
                Token::End { name: "p".into(), line: 1 },
            ]
        );
    }

    #[test]
    fn raw_text_comments_and_lines() {
        let t = tokenize("<!-- c\n-->\n<SCRIPT>if (a<b) x()</script>\n<p>hi");
        assert!(t.contains(&Token::Text { text: "if (a<b) x()".into(), line: 3 }));
        assert!(t.contains(&Token::Text { text: "hi".into(), line: 4 }));
        assert!(t.contains(&Token::Start { name: "p".into(), attrs: vec![], line: 4 }));
    }

    #[test]
    fn unclosed_things_do_not_hang() {
        for s in ["<p", "<!--", "<a href='x", "<", "&", "&#xZZ;", "<p =>x", "<script>never ends"] {
            let _ = tokenize(s);
        }
        assert_eq!(decode_entities("&#0; &#xD800;"), "\u{fffd} \u{fffd}");
    }
}
