//! A strict little XML reader for the tests: enough of XML 1.0 to prove a chapter is
//! well-formed (balanced tags, quoted unique attributes, known entities, legal
//! characters) and to walk its elements.

/// An element with its attributes and children.
#[derive(Debug, Clone)]
pub struct Element {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub children: Vec<Node>,
}

/// A child node.
#[derive(Debug, Clone)]
pub enum Node {
    Element(Element),
    Text(String),
}

impl Element {
    /// The value of attribute `name`.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// This element and all its descendants, in document order.
    pub fn all(&self) -> Vec<&Element> {
        let mut out = vec![self];
        for child in &self.children {
            if let Node::Element(e) = child {
                out.extend(e.all());
            }
        }
        out
    }

    /// The concatenated text content.
    pub fn text(&self) -> String {
        let mut s = String::new();
        for child in &self.children {
            match child {
                Node::Text(t) => s.push_str(t),
                Node::Element(e) => s.push_str(&e.text()),
            }
        }
        s
    }
}

/// Parses a whole document (prolog, optional doctype, one root element).
pub fn parse(xml: &str) -> Result<Element, String> {
    let mut p = Parser { s: xml, pos: 0 };
    p.skip_ws();
    if p.rest().starts_with("<?xml") {
        p.pos += p.rest().find("?>").ok_or("unterminated XML declaration")? + 2;
    }
    p.skip_misc()?;
    if p.rest().starts_with("<!DOCTYPE") {
        p.pos += p.rest().find('>').ok_or("unterminated doctype")? + 1;
    }
    p.skip_misc()?;
    let root = p.element()?;
    p.skip_misc()?;
    if p.pos != xml.len() {
        return Err(format!("content after the root element at byte {}", p.pos));
    }
    Ok(root)
}

struct Parser<'a> {
    s: &'a str,
    pos: usize,
}

fn legal(c: char) -> bool {
    matches!(c as u32, 0x9 | 0xA | 0xD | 0x20..=0xD7FF | 0xE000..=0xFFFD | 0x10000..=0x10FFFF)
}

fn name_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | ':')
}

impl<'a> Parser<'a> {
    fn rest(&self) -> &'a str {
        &self.s[self.pos..]
    }

    fn skip_ws(&mut self) {
        let trimmed = self.rest().trim_start();
        self.pos = self.s.len() - trimmed.len();
    }

    fn skip_misc(&mut self) -> Result<(), String> {
        loop {
            self.skip_ws();
            if self.rest().starts_with("<!--") {
                self.comment()?;
            } else {
                return Ok(());
            }
        }
    }

    fn comment(&mut self) -> Result<(), String> {
        let end = self.rest().find("-->").ok_or("unterminated comment")?;
        self.pos += end + 3;
        Ok(())
    }

    fn name(&mut self) -> Result<String, String> {
        let len = self.rest().find(|c: char| !name_char(c)).unwrap_or(self.rest().len());
        if len == 0 {
            return Err(format!("expected a name at byte {}", self.pos));
        }
        let name = self.rest()[..len].to_string();
        self.pos += len;
        Ok(name)
    }

    fn element(&mut self) -> Result<Element, String> {
        if !self.rest().starts_with('<') {
            return Err(format!("expected an element at byte {}", self.pos));
        }
        self.pos += 1;
        let name = self.name()?;
        let mut attrs: Vec<(String, String)> = Vec::new();
        loop {
            let before = self.pos;
            self.skip_ws();
            if self.rest().starts_with("/>") {
                self.pos += 2;
                return Ok(Element { name, attrs, children: Vec::new() });
            }
            if self.rest().starts_with('>') {
                self.pos += 1;
                break;
            }
            if self.pos == before {
                return Err(format!("expected whitespace before an attribute at byte {}", self.pos));
            }
            let attr = self.name()?;
            self.skip_ws();
            if !self.rest().starts_with('=') {
                return Err(format!("attribute {attr} without value"));
            }
            self.pos += 1;
            self.skip_ws();
            let quote = self.rest().chars().next().ok_or("eof in attribute")?;
            if quote != '"' && quote != '\'' {
                return Err(format!("unquoted attribute {attr}"));
            }
            self.pos += 1;
            let end = self.rest().find(quote).ok_or("unterminated attribute")?;
            let raw = &self.rest()[..end];
            if raw.contains('<') {
                return Err(format!("'<' in attribute {attr}"));
            }
            let value = decode(raw)?;
            self.pos += end + 1;
            if attrs.iter().any(|(n, _)| *n == attr) {
                return Err(format!("duplicate attribute {attr} on <{name}>"));
            }
            attrs.push((attr, value));
        }
        let mut children = Vec::new();
        loop {
            let rest = self.rest();
            if rest.is_empty() {
                return Err(format!("<{name}> never closed"));
            }
            if let Some(after) = rest.strip_prefix("</") {
                let len = after.find('>').ok_or("unterminated end tag")?;
                let close = after[..len].trim_end();
                if close != name {
                    return Err(format!("</{close}> closes <{name}>"));
                }
                self.pos += 2 + len + 1;
                return Ok(Element { name, attrs, children });
            } else if rest.starts_with("<!--") {
                self.comment()?;
            } else if rest.starts_with("<![CDATA[") {
                let end = rest.find("]]>").ok_or("unterminated CDATA")?;
                children.push(Node::Text(rest[9..end].to_string()));
                self.pos += end + 3;
            } else if rest.starts_with('<') {
                children.push(Node::Element(self.element()?));
            } else {
                let len = rest.find('<').unwrap_or(rest.len());
                let raw = &rest[..len];
                if raw.contains("]]>") {
                    return Err("']]>' in text".into());
                }
                children.push(Node::Text(decode(raw)?));
                self.pos += len;
            }
        }
    }
}

/// Decodes entity references, rejecting unknown ones, bare `&` and illegal characters.
fn decode(raw: &str) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = raw;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let semi = after.find(';').ok_or_else(|| format!("bare '&' in {raw:?}"))?;
        let name = &after[..semi];
        let c = match name {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            _ => {
                let code = if let Some(hex) = name.strip_prefix("#x") {
                    u32::from_str_radix(hex, 16).ok()
                } else if let Some(dec) = name.strip_prefix('#') {
                    dec.parse().ok()
                } else {
                    None
                };
                code.and_then(char::from_u32).ok_or_else(|| format!("unknown entity &{name};"))?
            }
        };
        out.push(c);
        rest = &after[semi + 1..];
    }
    out.push_str(rest);
    match out.chars().find(|&c| !legal(c)) {
        Some(c) => Err(format!("illegal character U+{:04X}", c as u32)),
        None => Ok(out),
    }
}

#[test]
fn the_reader_rejects_what_it_should() {
    assert!(parse("<a><b></a></b>").is_err());
    assert!(parse("<a x='1' x='2'/>").is_err());
    assert!(parse("<a>&nbsp;</a>").is_err());
    assert!(parse("<a>a & b</a>").is_err());
    assert!(parse("<a>\u{1}</a>").is_err());
    assert!(parse("<a/><b/>").is_err());
    let root = parse("<?xml version=\"1.0\"?>\n<!DOCTYPE html>\n<a k=\"&lt;v&gt;\">t<b/>&amp;</a>").unwrap();
    assert_eq!(root.attr("k"), Some("<v>"));
    assert_eq!(root.text(), "t&");
}
