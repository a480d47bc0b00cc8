//! Raw HTML from the Markdown source, reduced to a tiny safe subset of XHTML.
//!
//! Raw HTML never passes through as written: it may be malformed, and it may carry
//! scripts, event handlers or `javascript:` links. This module tokenizes it loosely and
//! keeps only a few phrasing elements (`br`, `sub`, `sup`, `kbd`, `b`, `i`, `em`,
//! `strong`, `small`, `mark`), always without attributes. Comments, declarations and
//! every other tag are dropped; the text between tags stays, escaped, except inside
//! elements whose content is not text for the reader (`script`, `style`, ...).
//!
//! Inline HTML arrives in pieces (`<sub>`, then Markdown text, then `</sub>`), so the
//! open elements live in a [`RawState`] owned by the enclosing inline container; the
//! container calls [`RawState::close_all`] when it ends, which keeps the output balanced
//! whatever the source did.

use super::escape;

/// Elements kept (name in, name out).
const KEPT: &[&str] = &["b", "i", "em", "strong", "small", "mark", "sub", "sup", "kbd"];

/// Elements whose whole content is dropped along with them.
const OPAQUE: &[&str] =
    &["script", "style", "template", "textarea", "iframe", "noscript", "svg", "math", "object", "title"];

/// Elements that separate words: dropping them leaves a space.
const BLOCKISH: &[&str] = &[
    "p",
    "div",
    "li",
    "ul",
    "ol",
    "tr",
    "td",
    "th",
    "table",
    "thead",
    "tbody",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "section",
    "article",
    "blockquote",
    "pre",
    "hr",
    "dd",
    "dt",
    "dl",
    "figure",
    "figcaption",
    "header",
    "footer",
    "nav",
    "aside",
    "main",
    "caption",
    "details",
    "summary",
];

/// Raw elements opened and not yet closed, within one inline container.
#[derive(Debug, Default)]
pub(crate) struct RawState {
    open: Vec<&'static str>,
}

impl RawState {
    /// Closes every element still open, innermost first.
    pub(crate) fn close_all(&mut self, out: &mut String) {
        while let Some(name) = self.open.pop() {
            out.push_str("</");
            out.push_str(name);
            out.push('>');
        }
    }
}

/// Appends the safe rendering of `html` to `out`.
pub(crate) fn convert(html: &str, state: &mut RawState, out: &mut String) {
    let mut rest = html;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("<!--") {
            rest = after.find("-->").map_or("", |end| &after[end + 3..]);
        } else if rest.starts_with("<!") || rest.starts_with("<?") {
            rest = rest.find('>').map_or("", |end| &rest[end + 1..]);
        } else if let Some(tag) = Tag::parse(rest) {
            rest = &rest[tag.len..];
            if let Some(opaque) = OPAQUE.iter().find(|&&n| n == tag.name) {
                if !tag.closing && !tag.self_closing {
                    rest = skip_until_close(rest, opaque);
                }
            } else {
                tag_out(&tag, state, out);
            }
        } else {
            // Text up to the next `<` that is not this one.
            let end = rest.get(1..).and_then(|r| r.find('<')).map_or(rest.len(), |i| i + 1);
            push_decoded(&rest[..end], out);
            rest = &rest[end..];
        }
    }
}

/// The text a reader sees of `html`, without any markup: what [`convert`] keeps, with
/// the kept elements unwrapped, references decoded and each `<br>` as `\n`. The PDF sets
/// raw HTML as this plain text, so both editions show the same words.
pub(crate) fn plain_text(html: &str) -> String {
    let mut xhtml = String::new();
    let mut state = RawState::default();
    convert(html, &mut state, &mut xhtml);
    state.close_all(&mut xhtml);
    let mut out = String::with_capacity(xhtml.len());
    let mut rest = xhtml.as_str();
    while let Some(lt) = rest.find('<') {
        out.push_str(&rest[..lt]);
        let after = &rest[lt..];
        let end = after.find('>').map_or(after.len(), |i| i + 1);
        if after.starts_with("<br") {
            out.push('\n');
        }
        rest = &after[end..];
    }
    out.push_str(rest);
    out.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
}

/// The tags of `html` that are not part of the kept subset (`br` and the phrasing
/// elements), in order, each with its byte offset in `html` and whether its content goes
/// too (`script`, `style`, ...). Comments and declarations are not listed.
pub(crate) fn dropped_tags(html: &str) -> Vec<(String, usize, bool)> {
    let mut out = Vec::new();
    let mut at = 0;
    while at < html.len() {
        let rest = &html[at..];
        if let Some(after) = rest.strip_prefix("<!--") {
            at = html.len() - after.find("-->").map_or(0, |end| after.len() - end - 3);
        } else if rest.starts_with("<!") || rest.starts_with("<?") {
            at += rest.find('>').map_or(rest.len(), |end| end + 1);
        } else if let Some(tag) = Tag::parse(rest) {
            let opaque = OPAQUE.contains(&tag.name.as_str());
            if !tag.closing && tag.name != "br" && !KEPT.contains(&tag.name.as_str()) {
                out.push((tag.name.clone(), at, opaque));
            }
            at += tag.len;
            if opaque && !tag.closing && !tag.self_closing {
                at = html.len() - skip_until_close(&html[at..], &tag.name).len();
            }
        } else {
            // Step over one character (which may be several bytes), then to the next `<`.
            let step = rest.chars().next().map_or(1, char::len_utf8);
            at += rest.get(step..).and_then(|r| r.find('<')).map_or(rest.len(), |i| i + step);
        }
    }
    out
}

/// Emits what a tag becomes: a kept element, a word break, or nothing.
fn tag_out(tag: &Tag, state: &mut RawState, out: &mut String) {
    if tag.name == "br" {
        if !tag.closing {
            out.push_str("<br/>");
        }
    } else if let Some(&name) = KEPT.iter().find(|&&n| n == tag.name) {
        if tag.self_closing {
            return;
        }
        if tag.closing {
            if let Some(pos) = state.open.iter().rposition(|&n| n == name) {
                while state.open.len() > pos {
                    if let Some(n) = state.open.pop() {
                        out.push_str("</");
                        out.push_str(n);
                        out.push('>');
                    }
                }
            }
        } else {
            state.open.push(name);
            out.push('<');
            out.push_str(name);
            out.push('>');
        }
    } else if BLOCKISH.contains(&tag.name.as_str()) && !out.ends_with(char::is_whitespace) {
        out.push(' ');
    }
}

/// The rest of `html` after the end tag of `name` (or nothing if it never closes).
/// The content-dropping element (`script`, `style` …) an HTML fragment leaves open, if any.
/// Inline HTML arrives tag by tag (`<script>`, then text, then `</script>`), so the caller
/// drops the text that follows until [`closes`] sees the end tag.
pub(crate) fn unclosed_opaque(html: &str) -> Option<String> {
    let mut at = 0;
    while let Some(rest) = html.get(at..) {
        let lt = rest.find('<')?;
        at += lt;
        let rest = html.get(at..)?;
        match Tag::parse(rest) {
            Some(tag) => {
                at += tag.len;
                if OPAQUE.contains(&tag.name.as_str()) && !tag.closing && !tag.self_closing {
                    let inside = html.get(at..).unwrap_or("");
                    if !closes(inside, &tag.name) {
                        return Some(tag.name);
                    }
                    at = html.len() - skip_until_close(inside, &tag.name).len();
                }
            }
            None => at += rest.chars().next().map_or(1, char::len_utf8),
        }
    }
    None
}

/// Whether `html` holds the end tag of element `name`.
pub(crate) fn closes(html: &str, name: &str) -> bool {
    html.to_ascii_lowercase().contains(&format!("</{name}"))
}

fn skip_until_close<'a>(html: &'a str, name: &str) -> &'a str {
    let lower = html.to_ascii_lowercase();
    let needle = format!("</{name}");
    match lower.find(&needle) {
        Some(start) => {
            let after = &html[start..];
            after.find('>').map_or("", |end| &after[end + 1..])
        }
        None => "",
    }
}

/// A start or end tag, attributes skipped.
struct Tag {
    /// Lower-case element name.
    name: String,
    closing: bool,
    self_closing: bool,
    /// Bytes the tag spans in the input.
    len: usize,
}

impl Tag {
    /// Parses a tag at the start of `s`, or `None` when `s` does not start with one.
    fn parse(s: &str) -> Option<Tag> {
        let body = s.strip_prefix('<')?;
        let (closing, body) = match body.strip_prefix('/') {
            Some(b) => (true, b),
            None => (false, body),
        };
        let name_len = body
            .char_indices()
            .find(|&(_, c)| !(c.is_ascii_alphanumeric() || c == '-' || c == ':'))
            .map_or(body.len(), |(i, _)| i);
        let name = body.get(..name_len)?;
        if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
            return None;
        }
        // Find the closing `>` outside quoted attribute values.
        let mut quote: Option<char> = None;
        let mut prev = ' ';
        for (i, c) in body[name_len..].char_indices() {
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, '"' | '\'') => quote = Some(c),
                (None, '>') => {
                    let consumed = 1 + usize::from(closing) + name_len + i + 1;
                    return Some(Tag {
                        name: name.to_ascii_lowercase(),
                        closing,
                        self_closing: prev == '/',
                        len: consumed,
                    });
                }
                (None, '<') => return None,
                _ => {}
            }
            prev = c;
        }
        None
    }
}

/// Appends text with character references decoded and then escaped again.
fn push_decoded(text: &str, out: &mut String) {
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        escape::push_text(out, &rest[..amp]);
        let after = &rest[amp + 1..];
        match after.find(';').filter(|&i| i <= 10).and_then(|i| decode_ref(&after[..i]).map(|c| (i, c))) {
            Some((i, c)) => {
                escape::push_text(out, c.encode_utf8(&mut [0u8; 4]));
                rest = &after[i + 1..];
            }
            None => {
                out.push_str("&amp;");
                rest = after;
            }
        }
    }
    escape::push_text(out, rest);
}

/// Decodes the body of a character reference (`amp`, `#38`, `#x26`).
fn decode_ref(name: &str) -> Option<char> {
    if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        return char::from_u32(code);
    }
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => '\u{a0}',
        "shy" => '\u{ad}',
        "ndash" => '–',
        "mdash" => '—',
        "hellip" => '…',
        "lsquo" => '‘',
        "rsquo" => '’',
        "ldquo" => '“',
        "rdquo" => '”',
        "laquo" => '«',
        "raquo" => '»',
        "copy" => '©',
        "reg" => '®',
        "trade" => '™',
        "deg" => '°',
        "times" => '×',
        "euro" => '€',
        "middot" => '·',
        "bull" => '•',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unclosed_opaque_elements_are_found_across_fragments() {
        assert_eq!(unclosed_opaque("<script>"), Some("script".into()));
        assert_eq!(unclosed_opaque("<b>é</b><STYLE type=x>"), Some("style".into()));
        assert_eq!(unclosed_opaque("<script>x</script>"), None);
        assert_eq!(unclosed_opaque("<b>bold</b>"), None);
        assert!(closes("x</Script >", "script"));
        assert!(!closes("</scrip>", "script"));
    }

    #[test]
    fn dropped_tags_scan_past_non_ascii_text() {
        let tags: Vec<String> = dropped_tags("<div>é<script>steal()</script></div>").into_iter().map(|t| t.0).collect();
        assert!(tags.contains(&"script".to_string()), "{tags:?}");
    }

    fn run(html: &str) -> String {
        let mut state = RawState::default();
        let mut out = String::new();
        convert(html, &mut state, &mut out);
        state.close_all(&mut out);
        out
    }

    #[test]
    fn keeps_the_safe_subset_without_attributes() {
        assert_eq!(run("H<sub class=\"x\">2</sub>O<br>x<BR />y"), "H<sub>2</sub>O<br/>x<br/>y");
        assert_eq!(run("<kbd onclick='evil()'>Ctrl</kbd>"), "<kbd>Ctrl</kbd>");
    }

    #[test]
    fn drops_scripts_handlers_links_and_comments() {
        let out = run("<script>alert('x')</script><a href=\"javascript:x()\" onmouseover=x>link</a><!-- c -->\
                       <img src=x onerror=alert(1)><style>p{}</style>end");
        assert_eq!(out, "linkend");
    }

    #[test]
    fn balances_what_the_source_left_open_or_closed_twice() {
        assert_eq!(run("<b><i>x</b></i></b>"), "<b><i>x</i></b>");
        assert_eq!(run("<em>open"), "<em>open</em>");
    }

    #[test]
    fn decodes_references_then_escapes() {
        assert_eq!(run("a&nbsp;&amp;&#x3C;b&gt; & &bogus; <3"), "a\u{a0}&amp;&lt;b&gt; &amp; &amp;bogus; &lt;3");
    }

    #[test]
    fn plain_text_is_what_the_epub_shows_without_markup() {
        assert_eq!(plain_text("<div onclick=x>a &amp; <b>b</b><br>c<script>evil()</script></div>"), " a & b\nc ");
        assert_eq!(plain_text("<!-- only a comment -->"), "");
        assert_eq!(plain_text("x &lt;y&gt;"), "x <y>");
    }

    #[test]
    fn dropped_tags_are_listed_with_offsets_kept_ones_are_not() {
        let d = dropped_tags("<b>x</b><!-- <div> --><div class=a>y</div><script>z<p></script><br>");
        assert_eq!(d, vec![("div".to_string(), 22, false), ("script".to_string(), 42, true)]);
        assert!(dropped_tags("<!-- unterminated <div>").is_empty());
    }

    #[test]
    fn block_tags_leave_word_breaks() {
        assert_eq!(run("<div>one</div><div>two</div>"), " one two ");
    }
}
