//! The page-list: markers at the PDF's page starts, laid out for real, checked against
//! the pages layout produced; and chapter files cut for size keep every link working.

use std::collections::{BTreeMap, BTreeSet};

use super::xml;
use crate::diag::Diagnostics;
use crate::doc::{Block, Document};
use crate::epub::outline::Split;
use crate::epub::{render_split, render_with, Book, EpubOptions};
use crate::fonts::Fonts;
use crate::layout::{self, LaidOut, PageSetup, PageStart};
use crate::resources::Resources;
use crate::source::Source;

/// No images.
static NO_RES: std::sync::LazyLock<Resources> = std::sync::LazyLock::new(Resources::default);

/// A long brief: paragraphs with emphasis, links, inline code and footnotes, a long
/// list, a long table and a long code block, so pages begin inside each of them.
fn long_markdown(lang: &str) -> String {
    let mut md = format!("---\ntitle: Pages\nlang: {lang}\ntoc: true\n---\n\n");
    let mut w = 0;
    let word = |n: &mut usize| {
        *n += 1;
        format!("word{n}")
    };
    let mut notes = Vec::new();
    for section in 0..6 {
        md.push_str(&format!("# Section {section}\n\n"));
        for p in 0..5 {
            let mut para = Vec::new();
            for k in 0..140 {
                let t = word(&mut w);
                para.push(match k % 23 {
                    5 => format!("*{t}*"),
                    9 => format!("[{t}](#section-1)"),
                    13 => format!("`{t}`"),
                    17 => {
                        notes.push(format!("[^n{w}]: Note for {t}."));
                        format!("“{t}”[^n{w}]")
                    }
                    _ => t,
                });
            }
            md.push_str(&para.join(" "));
            md.push_str("\n\n");
            if section == 2 && p == 1 {
                for i in 0..45 {
                    md.push_str(&format!("- item{i} {}\n", word(&mut w)));
                }
                md.push('\n');
            }
            if section == 3 && p == 1 {
                md.push_str("| Key | Value |\n|---|---|\n");
                for r in 0..70 {
                    md.push_str(&format!("| row{r} | {} |\n", word(&mut w)));
                }
                md.push('\n');
            }
            if section == 4 && p == 1 {
                md.push_str("```\n");
                for l in 0..110 {
                    md.push_str(&format!("line{l} = {}\n", word(&mut w)));
                }
                md.push_str("```\n\n");
            }
        }
    }
    md.push_str(&notes.join("\n"));
    md.push('\n');
    md
}

fn parse(md: &str) -> Document {
    let mut diags = Diagnostics::new();
    let doc = crate::markdown::parse(&Source::new("pages.md", md), &mut diags);
    assert!(!diags.has_errors(), "{:?}", diags.items);
    doc
}

fn laid(doc: &Document) -> LaidOut {
    let fonts = Fonts::builtin().unwrap();
    layout::layout(doc, &fonts, &Resources::default(), &PageSetup::default())
}

/// Every page-break marker in the book, as (page number, file, byte offset), in spine
/// order.
fn markers(book: &Book, prefix: &str) -> Vec<(usize, String, usize)> {
    let mut out = Vec::new();
    let pat = format!("id=\"{prefix}-");
    for f in &book.files {
        for (at, _) in f.xhtml.match_indices(&pat) {
            let rest = &f.xhtml[at + pat.len()..];
            let n: String = rest.chars().take_while(char::is_ascii_digit).collect();
            out.push((n.parse().unwrap(), f.name.clone(), at));
        }
    }
    out
}

/// The text after the marker at byte `at` in `xhtml` (tags dropped), trimmed.
fn text_after(xhtml: &str, at: usize) -> String {
    let rest = &xhtml[at..];
    let rest = &rest[rest.find("</span>").unwrap() + 7..];
    let mut text = String::new();
    let mut in_tag = false;
    for c in rest.chars().take(400) {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.trim_start().to_string()
}

/// The first word of each page's first body line in the PDF (below the running head).
fn first_body_words(out: &LaidOut) -> BTreeMap<usize, String> {
    let top = PageSetup::default().margin_top;
    let mut words = BTreeMap::new();
    for line in layout::dump(out).lines() {
        let (head, text) = line.split_once(": ").unwrap();
        let mut parts = head.split(' ');
        let page: usize = parts.next().unwrap().parse().unwrap();
        let y: f32 = parts.next().unwrap().parse().unwrap();
        // Footnote marks stand above their line's baseline: skip lines of digits only.
        let marks_only = text.chars().all(|c| c.is_ascii_digit() || c.is_whitespace());
        if y > top && !marks_only && !words.contains_key(&page) {
            words.insert(page, text.split_whitespace().next().unwrap_or("").to_string());
        }
    }
    words
}

fn block_at<'a>(blocks: &'a [Block], path: &[usize]) -> Option<&'a Block> {
    let (&first, rest) = path.split_first()?;
    let block = blocks.get(first)?;
    match (block, rest) {
        (_, []) => Some(block),
        (Block::BlockQuote { blocks }, _) => block_at(blocks, rest),
        (Block::List(list), [item, inner @ ..]) => block_at(&list.items.get(*item)?.blocks, inner),
        _ => Some(block),
    }
}

#[test]
fn every_pdf_page_has_a_marker_in_order_and_mid_paragraph_starts_land_on_the_right_word() {
    // A language without hyphenation patterns: every line starts at a whole word.
    let doc = parse(&long_markdown("zz"));
    let out = laid(&doc);
    let n = out.pages.len();
    assert!(n >= 12, "only {n} pages");
    assert_eq!(out.page_starts.len(), n, "one start per page");
    assert_eq!(out.page_starts[0], PageStart::Title);
    // Body positions only move forward through the document.
    let body: Vec<_> = out.page_starts.iter().filter_map(|s| if let PageStart::Body(p) = s { Some(p) } else { None }).collect();
    assert!(body.windows(2).all(|w| w[0] <= w[1]), "{body:?}");
    assert!(out.page_starts.contains(&PageStart::Contents) || out.page_starts[1] != PageStart::Title);

    let opts = EpubOptions { page_starts: out.page_starts.clone(), ..EpubOptions::default() };
    let book = render_with(&doc, &NO_RES, &opts);
    // The page-list: pages 1..=n, each href resolving to a pagebreak element.
    let pages: Vec<usize> = book.page_list.iter().map(|(p, _)| *p).collect();
    assert_eq!(pages, (1..=n).collect::<Vec<_>>());
    let parsed: BTreeMap<&str, xml::Element> =
        book.files.iter().map(|f| (f.name.as_str(), xml::parse(&f.xhtml).expect("well-formed"))).collect();
    for (page, href) in &book.page_list {
        let (file, id) = href.split_once('#').unwrap();
        let el = parsed[file].all().into_iter().find(|e| e.attr("id") == Some(id));
        let el = el.unwrap_or_else(|| panic!("{href} does not resolve"));
        assert_eq!(el.attr("epub:type"), Some("pagebreak"));
        assert_eq!(el.attr("role"), Some("doc-pagebreak"));
        assert_eq!(el.attr("aria-label"), Some(page.to_string().as_str()));
    }
    // Markers appear in the book in page order, each once.
    let found: Vec<usize> = markers(&book, "page").iter().map(|m| m.0).collect();
    assert_eq!(found, (1..=n).collect::<Vec<_>>());
    assert!(book.files[0].xhtml.contains("id=\"page-1\""), "page 1 is the title page");

    // Pages that open inside a paragraph: the marker sits in that paragraph, right before
    // the word the PDF page starts with.
    let firsts = first_body_words(&out);
    let by_page: BTreeMap<usize, (String, usize)> =
        markers(&book, "page").into_iter().map(|(p, f, at)| (p, (f, at))).collect();
    let mut mid = 0;
    let (mut rows, mut lines) = (0, 0);
    for (i, start) in out.page_starts.iter().enumerate() {
        let page = i + 1;
        let PageStart::Body(pos) = start else { continue };
        let (file, at) = &by_page[&page];
        let xhtml = &book.files.iter().find(|f| &f.name == file).unwrap().xhtml;
        let after = text_after(xhtml, *at);
        let pdf_word = &firsts[&page];
        match block_at(&doc.blocks, &pos.path) {
            Some(Block::Paragraph { .. }) if pos.offset > 0 => {
                mid += 1;
                let epub_word: String = after.chars().take_while(|c| !c.is_whitespace()).collect();
                let strip = |s: &str| s.trim_matches(|c: char| !c.is_alphanumeric()).to_string();
                assert!(
                    strip(pdf_word).starts_with(&strip(&epub_word)) && !strip(&epub_word).is_empty(),
                    "page {page}: PDF starts with {pdf_word:?}, EPUB marker before {after:?}"
                );
                // Inside the paragraph: the nearest opening block tag before it is a <p>.
                let before = &xhtml[..*at];
                let open = before.rfind("<p").unwrap();
                assert!(before.rfind("</p>").is_none_or(|close| close < open), "page {page} not inside a <p>");
            }
            Some(Block::Table(_)) if pos.path.len() == 2 => {
                rows += 1;
                // At the start of the row's first cell: the PDF page continues with that row.
                let span = xhtml[..*at].rfind("<span").unwrap();
                assert!(xhtml[..span].ends_with("<td>"), "page {page}: not at a cell start");
                let row = pos.path[1];
                assert!(after.starts_with(&format!("row{row}")), "page {page}: {after:?} is not row {row}");
            }
            Some(Block::CodeBlock { .. }) if pos.path.len() == 2 => {
                lines += 1;
                let line = pos.path[1];
                assert!(after.starts_with(&format!("line{line} ")), "page {page}: {after:?} is not line {line}");
                assert_eq!(pdf_word, &format!("line{line}"), "page {page}");
            }
            _ => {}
        }
    }
    assert!(mid >= 5, "only {mid} pages start inside a paragraph");
    assert!(rows >= 1 && lines >= 1, "pages inside a table: {rows}, inside code: {lines}");
}

#[test]
fn a_page_starting_inside_a_hyphenated_word_is_marked_after_the_word() {
    let doc = parse(&long_markdown("en"));
    let out = laid(&doc);
    let opts = EpubOptions { page_starts: out.page_starts.clone(), ..EpubOptions::default() };
    let book = render_with(&doc, &NO_RES, &opts);
    assert_eq!(book.page_list.len(), out.pages.len());
    for (page, file, at) in markers(&book, "page") {
        let xhtml = &book.files.iter().find(|f| f.name == file).unwrap().xhtml;
        let before = xhtml[..at].trim_end_matches("<span epub:type=\"pagebreak\" role=\"doc-pagebreak\" ");
        let after = text_after(xhtml, at);
        let cut = before.chars().last().is_some_and(char::is_alphanumeric)
            && after.chars().next().is_some_and(char::is_alphanumeric);
        assert!(!cut, "page {page}: a marker cuts a word: ...{:?} | {:?}", &before[before.len() - 20..], &after[..20]);
    }
}

#[test]
fn without_page_starts_there_are_no_markers_and_no_page_list() {
    let doc = parse(&long_markdown("en"));
    let book = render_with(&doc, &NO_RES, &EpubOptions::default());
    assert!(book.page_list.is_empty());
    assert!(book.files.iter().all(|f| !f.xhtml.contains("pagebreak")));
    let bytes = crate::epub::write(&doc, &Resources::default(), &EpubOptions::default()).unwrap();
    let nav = super::unzip(&bytes, "nopages")["OEBPS/nav.xhtml"].clone();
    assert!(!nav.contains("page-list"));
    assert!(nav.contains("xml:lang=\"en\""), "the nav document carries its language");
}

#[test]
fn the_package_carries_the_page_list_in_its_nav_and_pagination_metadata() {
    let doc = parse(&long_markdown("en"));
    let out = laid(&doc);
    let opts = EpubOptions { page_starts: out.page_starts.clone(), modified: 0, ..EpubOptions::default() };
    let a = crate::epub::write(&doc, &Resources::default(), &opts).unwrap();
    assert!(a == crate::epub::write(&doc, &Resources::default(), &opts).unwrap(), "not reproducible");
    let files = super::unzip(&a, "pages");
    let nav = xml::parse(&files["OEBPS/nav.xhtml"]).expect("nav well-formed");
    assert_eq!(nav.attr("lang"), Some("en"));
    let list = nav.all().into_iter().find(|e| e.name == "nav" && e.attr("epub:type") == Some("page-list")).unwrap();
    let links: Vec<_> = list.all().into_iter().filter(|e| e.name == "a").collect();
    assert_eq!(links.len(), out.pages.len());
    assert_eq!(links[3].text(), "4");
    let opf = &files["OEBPS/content.opf"];
    assert!(opf.contains("<meta property=\"schema:accessibilityFeature\">pageBreakMarkers</meta>"));
    assert!(opf.contains("<meta refines=\"#pagination-source\" property=\"source-of\">pagination</meta>"));
}

/// Every `href` of every page resolves to a file of the book and an id in it.
fn assert_links_resolve(book: &Book) -> usize {
    let parsed: BTreeMap<&str, xml::Element> =
        book.files.iter().map(|f| (f.name.as_str(), xml::parse(&f.xhtml).expect("well-formed"))).collect();
    let ids: BTreeMap<&str, BTreeSet<String>> = parsed
        .iter()
        .map(|(n, r)| (*n, r.all().iter().filter_map(|e| e.attr("id").map(String::from)).collect()))
        .collect();
    let mut internal = 0;
    let hrefs = parsed.iter().flat_map(|(name, root)| {
        root.all().into_iter().filter_map(move |e| e.attr("href").map(|h| (*name, h.to_string())))
    });
    let list = book.page_list.iter().map(|(_, h)| ("nav", h.clone()));
    for (name, href) in hrefs.chain(list) {
        if href.starts_with("http") || href.starts_with("mailto:") || href.ends_with(".css") {
            continue;
        }
        let (file, frag) = href.split_once('#').unwrap_or((href.as_str(), ""));
        let file = if file.is_empty() { name } else { file };
        let in_file = ids.get(file).unwrap_or_else(|| panic!("{href} in {name}: no file {file}"));
        assert!(frag.is_empty() || in_file.contains(frag), "{href} in {name}: no such id");
        internal += 1;
    }
    internal
}

#[test]
fn chapters_cut_for_size_keep_every_link_footnote_and_page_marker_working() {
    let doc = parse(&long_markdown("en"));
    let out = laid(&doc);
    let opts = EpubOptions { page_starts: out.page_starts.clone(), ..EpubOptions::default() };
    let whole = render_with(&doc, &NO_RES, &opts);
    let cut = render_split(&doc, &NO_RES, &opts, Split { chapter_level: None, max_bytes: 12_000 });
    assert!(cut.files.len() > whole.files.len() + 4, "{} files vs {}", cut.files.len(), whole.files.len());
    let links = assert_links_resolve(&cut);
    assert!(links > 100, "{links} links checked");
    assert_links_resolve(&whole);
    // Same footnotes, same page-list, in more files.
    let count = |b: &Book, pat: &str| b.files.iter().map(|f| f.xhtml.matches(pat).count()).sum::<usize>();
    assert_eq!(count(&cut, "role=\"doc-footnote\""), count(&whole, "role=\"doc-footnote\""));
    assert_eq!(cut.page_list.len(), whole.page_list.len());
    // Continuation files are in the spine but not in the nav; the nav lists every section.
    let titled: Vec<_> = cut.files.iter().filter_map(|f| f.toc_title.clone()).collect();
    let titled_whole: Vec<_> = whole.files.iter().filter_map(|f| f.toc_title.clone()).collect();
    assert_eq!(titled, titled_whole);
}

#[test]
fn chapter_level_two_gives_sections_files_of_their_own() {
    let md = "# A\n\nText a.\n\n## A1\n\nText [link](#b2).\n\n## A2\n\nMore.\n\n# B\n\n## B1\n\nx\n\n## B2\n\ny\n";
    let doc = parse(md);
    let one = render_with(&doc, &NO_RES, &EpubOptions::default());
    let two = render_with(&doc, &NO_RES, &EpubOptions { chapter_level: Some(2), ..EpubOptions::default() });
    let chapters = |b: &Book| b.files.iter().filter(|f| f.name.starts_with("chapter-")).count();
    assert_eq!(chapters(&one), 2);
    assert_eq!(chapters(&two), 6);
    let levels: Vec<i32> = two.files.iter().skip(2).map(|f| f.nav_level).collect();
    assert_eq!(levels, [1, 2, 2, 1, 2, 2]);
    assert_links_resolve(&two);
    assert!(two.files[3].xhtml.contains("href=\"chapter-6.xhtml#b2\""));
}


/// epub-builder's files made ahead beside layout ([`crate::epub::skeleton`]) are the ones the book
/// with its page markers needs: the EPUB written with it is the EPUB written without it,
/// and the skeleton is really used (its shape matches), not silently made again.
#[test]
fn the_skeleton_made_beside_layout_is_used_and_changes_no_byte() {
    let doc = parse(&long_markdown("en"));
    let out = laid(&doc);
    let opts = EpubOptions { page_starts: out.page_starts.clone(), modified: 0, ..EpubOptions::default() };
    let res = Resources::default();
    let ahead = crate::epub::skeleton(&doc, &res, &opts, true).unwrap();
    let paged = render_with(&doc, &res, &opts);
    assert!(!paged.page_list.is_empty());
    assert_eq!(ahead.0.shape, crate::epub::package::shape(&paged, true), "the skeleton would be made again");
    let with = crate::epub::write_with(&doc, &res, &opts, Some(ahead)).unwrap();
    assert!(with == crate::epub::write(&doc, &res, &opts).unwrap(), "the skeleton changed the EPUB");
    // A skeleton made for a book without a page-list does not fit one with it: it is
    // made again, and the page-list's metadata is there.
    let wrong = crate::epub::skeleton(&doc, &res, &opts, false).unwrap();
    assert_ne!(wrong.0.shape, crate::epub::package::shape(&paged, true));
    let again = crate::epub::write_with(&doc, &res, &opts, Some(wrong)).unwrap();
    assert!(again == with, "a skeleton of the wrong shape was used");
}
