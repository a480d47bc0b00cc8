//! Whole XHTML documents: the page skeleton, the title page and the contents page.

use crate::doc::Meta;

use super::escape::{self, push_attr, push_text};
use super::outline::TocNode;

/// Name of the stylesheet inside the package (epub-builder's fixed name).
pub(crate) const STYLESHEET: &str = "stylesheet.css";

/// Wraps a body in a complete XHTML5 document with language, title and stylesheet.
pub(crate) fn page(lang: &str, title: &str, body_type: &str, body: &str) -> String {
    let mut out = String::with_capacity(body.len() + 512);
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE html>\n");
    out.push_str("<html xmlns=\"http://www.w3.org/1999/xhtml\" xmlns:epub=\"http://www.idpf.org/2007/ops\" lang=\"");
    push_attr(&mut out, lang);
    out.push_str("\" xml:lang=\"");
    push_attr(&mut out, lang);
    out.push_str("\">\n<head>\n<meta charset=\"utf-8\"/>\n<title>");
    push_text(&mut out, title);
    out.push_str("</title>\n<link rel=\"stylesheet\" type=\"text/css\" href=\"");
    out.push_str(STYLESHEET);
    out.push_str("\"/>\n</head>\n<body epub:type=\"");
    out.push_str(body_type);
    out.push_str("\">\n");
    out.push_str(body);
    out.push_str("</body>\n</html>\n");
    out
}

/// The title page body: classification banner, title, subtitle, authors, date, summary.
pub(crate) fn title_page(meta: &Meta) -> String {
    let mut out = String::from("<section class=\"titlepage\" epub:type=\"titlepage\">\n");
    let banner = meta.classification.as_deref().map(escape::clean_line).filter(|c| !c.is_empty());
    if let Some(banner) = &banner {
        out.push_str("<p class=\"classification\">");
        push_text(&mut out, banner);
        out.push_str("</p>\n");
    }
    out.push_str("<h1 class=\"title\">");
    push_text(&mut out, &book_title(meta));
    out.push_str("</h1>\n");
    let line = |out: &mut String, class: &str, text: &str| {
        let text = escape::clean_line(text);
        if !text.is_empty() {
            out.push_str(&format!("<p class=\"{class}\">"));
            push_text(out, &text);
            out.push_str("</p>\n");
        }
    };
    line(&mut out, "subtitle", meta.subtitle.as_deref().unwrap_or(""));
    for author in &meta.authors {
        line(&mut out, "author", author);
    }
    line(&mut out, "date", meta.date.as_deref().unwrap_or(""));
    if let Some(summary) = meta.summary.as_deref().filter(|s| !s.trim().is_empty()) {
        out.push_str("<section class=\"summary\" aria-label=\"Key points\">\n<p class=\"summary-label\">Key points</p>\n");
        for para in summary.split("\n\n").map(escape::clean_line).filter(|p| !p.is_empty()) {
            out.push_str("<p>");
            push_text(&mut out, &para);
            out.push_str("</p>\n");
        }
        out.push_str("</section>\n");
    }
    line(&mut out, "publisher", meta.publisher.as_deref().unwrap_or(""));
    line(&mut out, "rights", meta.rights.as_deref().unwrap_or(""));
    out.push_str("</section>\n");
    out
}

/// The contents page body: the toc tree as nested lists of links.
pub(crate) fn contents_page(heading: &str, nodes: &[TocNode]) -> String {
    let mut out = String::from("<nav class=\"contents\" role=\"doc-toc\" aria-labelledby=\"contents-title\">\n");
    out.push_str("<h1 id=\"contents-title\">");
    push_text(&mut out, heading);
    out.push_str("</h1>\n");
    toc_list(&mut out, nodes);
    out.push_str("</nav>\n");
    out
}

fn toc_list(out: &mut String, nodes: &[TocNode]) {
    if nodes.is_empty() {
        return;
    }
    out.push_str("<ol>\n");
    for node in nodes {
        out.push_str("<li><a href=\"");
        push_attr(out, &node.href);
        out.push_str("\">");
        push_text(out, &node.title);
        out.push_str("</a>");
        if !node.children.is_empty() {
            out.push('\n');
            toc_list(out, &node.children);
        }
        out.push_str("</li>\n");
    }
    out.push_str("</ol>\n");
}

/// The book's title, never empty.
pub(crate) fn book_title(meta: &Meta) -> String {
    let title = escape::clean_line(&meta.title);
    if title.is_empty() {
        "Untitled".to_string()
    } else {
        title
    }
}
