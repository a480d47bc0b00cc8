//! Tests of the EPUB backend on hand-built documents that use every block and inline.

mod pagelist;
mod xml;

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

use crate::doc::*;
use crate::resources::{ImageData, ImageFormat, Resources};

use super::{render, render_with, write, Book, EpubOptions};
use xml::Element;

const PIN: &str = "/work/shared/corpus/briefs/images/pin.png";
const HOSTILE: &str = "Tom & Jerry <script>alert(\"x\")</script> 'q' \u{0}\u{8}\u{b}\u{1b}\u{7f}\u{fffe} ok";

fn t(s: &str) -> Inline {
    Inline::text(s)
}
fn para(content: Vec<Inline>) -> Block {
    Block::Paragraph { content }
}
fn heading(level: u8, id: &str, text: &str) -> Block {
    Block::Heading { level, id: id.into(), content: vec![t(text)] }
}
fn note(text: &str) -> Inline {
    Inline::Note { blocks: vec![para(vec![t(text)])] }
}
fn link(url: &str, text: &str) -> Inline {
    Inline::Link { url: url.into(), title: String::new(), content: vec![t(text)] }
}
fn item(task: Option<bool>, blocks: Vec<Block>) -> ListItem {
    ListItem { task, blocks }
}

fn pin_resources() -> Resources {
    let bytes = std::fs::read(PIN).unwrap_or_else(|_| {
        // A 1×1 PNG, if the corpus is not on this machine.
        vec![
            0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0,
            1, 8, 6, 0, 0, 0, 0x1F, 0x15, 0xC4, 0x89, 0, 0, 0, 13, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0xF8,
            0xCF, 0xC0, 0xF0, 0x1F, 0, 5, 0, 1, 0xFF, 0x89, 0x99, 0x3D, 0x1D, 0, 0, 0, 0, 0x49, 0x45, 0x4E, 0x44, 0xAE,
            0x42, 0x60, 0x82,
        ]
    });
    let mut res = Resources::default();
    res.images.insert("images/pin.png".into(), ImageData { format: ImageFormat::Png, bytes, width: 32, height: 32 });
    res
}

/// A document with every block and inline, skipped heading levels, footnotes (one
/// nested), links across chapters, hostile text and raw HTML.
fn rich_doc() -> Document {
    let meta = Meta {
        title: "Rich & <Strange> \"Brief\"".into(),
        subtitle: Some("A subtitle with 'quotes' & ampersands".into()),
        authors: vec!["Desk One".into(), "Desk <Two>".into()],
        date: Some("2024-06-03".into()),
        lang: "en-GB".into(),
        summary: Some("Summary line one.\n\nSecond paragraph with a control \u{1} char.".into()),
        keywords: vec!["trade".into(), "a&b".into()],
        classification: Some("PUBLIC".into()),
        publisher: Some("Regional Desk".into()),
        rights: Some("© 2024 Desk".into()),
        id: None,
        cover: Some("images/pin.png".into()),
        toc: None,
        papersize: None,
    };
    let pin = Image { src: "images/pin.png".into(), alt: "map pin".into(), title: String::new() };
    let table = Table {
        caption: Some(vec![t("Flows by year"), note("Table note.")]),
        aligns: vec![Align::Left, Align::Right, Align::Center, Align::Default],
        head: vec![vec![t("Country")], vec![t("GWh")], vec![t("Share")], vec![t("Note")]],
        rows: vec![
            vec![vec![t("Kazakhstan")], vec![t("1,200")], vec![t("40%")], vec![Inline::Code { text: "a<b".into() }]],
            vec![vec![t("Kyrgyzstan")], vec![t("800")], vec![t("27%")], vec![link("#background", "see bg")]],
        ],
    };
    let blocks = vec![
        para(vec![t("Preamble before the first heading."), note("Preamble note.")]),
        heading(1, "intro", "Introduction"),
        para(vec![
            t("Plain "),
            Inline::Emph { content: vec![t("emph")] },
            t(", "),
            Inline::Strong { content: vec![t("strong")] },
            t(", "),
            Inline::Strikethrough { content: vec![t("struck")] },
            t(", "),
            Inline::Code { text: "x < y && z".into() },
            Inline::SoftBreak,
            t("next line"),
            Inline::HardBreak,
            t("after break "),
            link("#caveats", "to caveats"),
            t(" "),
            link("https://example.org/a b?x=1&y=\"2\"", "external"),
            t(" "),
            link("javascript:alert(1)", "evil link"),
            t(" "),
            link("#nowhere", "dangling"),
            t(" "),
            link("other.md", "relative"),
            t(" pin "),
            Inline::Image { image: pin.clone() },
            t(" remote "),
            Inline::Image {
                image: Image { src: "https://x.org/r.png".into(), alt: "remote pic".into(), title: "".into() },
            },
            Inline::Html { html: "<sub>".into() },
            t("2"),
            Inline::Html { html: "</sub><img src=x onerror=alert(1)><!-- hidden -->".into() },
            Inline::Html { html: "<b onclick=\"x()\">".into() },
            t("bold unclosed"),
            Inline::Note { blocks: vec![para(vec![t("Outer note "), note("Inner note.")])] },
        ]),
        para(vec![t(HOSTILE)]),
        Block::Html {
            html: "<div onclick=\"x\"><script>evil()</script>Kept <kbd>Ctrl</kbd>&amp;<em>em</em></div>".into(),
        },
        heading(3, "deep", "Skipped to level three"),
        Block::Figure {
            image: Image { src: "images/pin.png".into(), alt: "A red map pin".into(), title: "Pin".into() },
        },
        Block::Figure {
            image: Image { src: "missing.png".into(), alt: "Missing figure alt".into(), title: "".into() },
        },
        heading(2, "background", "Background"),
        Block::BlockQuote { blocks: vec![para(vec![t("Quoted "), link("#intro", "intro")])] },
        Block::List(List {
            start: None,
            tight: true,
            items: vec![
                item(Some(true), vec![para(vec![t("done task")])]),
                item(Some(false), vec![para(vec![t("open task")])]),
            ],
        }),
        Block::List(List {
            start: Some(3),
            tight: false,
            items: vec![
                item(
                    None,
                    vec![
                        para(vec![t("three")]),
                        Block::List(List {
                            start: None,
                            tight: true,
                            items: vec![item(None, vec![para(vec![t("nested")])])],
                        }),
                    ],
                ),
                item(None, vec![]),
            ],
        }),
        Block::CodeBlock { lang: Some("rust \"evil\"".into()), text: "fn main() { if a < b && c > d {} }\n".into() },
        Block::ThematicBreak,
        heading(1, "caveats", "Caveats & <gaps>"),
        Block::Table(table),
        para(vec![
            link("#intro", "Back to intro"),
            t(" and "),
            Inline::Link {
                url: "https://example.org".into(),
                title: "T \"q\"".into(),
                content: vec![t("linked"), note("Note inside a link.")],
            },
        ]),
        heading(2, "empty-heading", ""),
        heading(3, "café", "Café"),
        para(vec![link("#caf%C3%A9", "encoded link")]),
        para(vec![t("End.")]),
    ];
    Document { version: TREE_VERSION, meta, blocks }
}

/// Parses every page, failing the test on the first malformed one.
fn parsed(book: &Book) -> BTreeMap<String, Element> {
    book.files
        .iter()
        .map(|f| {
            (
                f.name.clone(),
                xml::parse(&f.xhtml).unwrap_or_else(|e| panic!("{} is malformed: {e}\n{}", f.name, f.xhtml)),
            )
        })
        .collect()
}

fn ids(root: &Element) -> Vec<String> {
    root.all().iter().filter_map(|e| e.attr("id").map(String::from)).collect()
}

#[test]
fn every_page_is_well_formed_xhtml_with_language() {
    let res = pin_resources();
    let book = render(&rich_doc(), &res);
    let pages = parsed(&book);
    let names: Vec<_> = book.files.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["title.xhtml", "contents.xhtml", "chapter-1.xhtml", "chapter-2.xhtml"]);
    for (name, root) in &pages {
        assert_eq!(root.name, "html", "{name}");
        assert_eq!(root.attr("lang"), Some("en-GB"), "{name}");
        assert_eq!(root.attr("xml:lang"), Some("en-GB"), "{name}");
        assert_eq!(root.attr("xmlns:epub"), Some("http://www.idpf.org/2007/ops"), "{name}");
        let all = root.all();
        assert!(all.iter().any(|e| e.name == "title" && !e.text().is_empty()), "{name}");
        assert!(all.iter().any(|e| e.name == "link" && e.attr("href") == Some("stylesheet.css")), "{name}");
        let ids = ids(root);
        let unique: BTreeSet<_> = ids.iter().collect();
        assert_eq!(unique.len(), ids.len(), "duplicate ids in {name}: {ids:?}");
    }
}

#[test]
fn hostile_text_is_escaped_and_illegal_characters_dropped() {
    let res = pin_resources();
    let book = render(&rich_doc(), &res);
    let pages = parsed(&book);
    let ch1 = &pages["chapter-1.xhtml"];
    assert!(ch1.text().contains("Tom & Jerry <script>alert(\"x\")</script> 'q'  ok"));
    let all_xhtml: String = book.files.iter().map(|f| f.xhtml.as_str()).collect();
    for bad in ["<script", "onclick", "onerror", "javascript:", "evil()", "hidden"] {
        assert!(!all_xhtml.contains(bad), "{bad} leaked");
    }
    // The safe subset of raw HTML survives as elements.
    let names: BTreeSet<_> = ch1.all().iter().map(|e| e.name.clone()).collect();
    for kept in ["sub", "kbd", "b", "em"] {
        assert!(names.contains(kept), "{kept} missing");
    }
    assert!(ch1.text().contains("Kept Ctrl&em"));
    // Title page: the escaped title and summary survive as text.
    let title = &pages["title.xhtml"];
    assert!(title.text().contains("Rich & <Strange> \"Brief\""));
    assert!(title.text().contains("Second paragraph with a control char."));
}

#[test]
fn chapters_split_at_the_top_level_and_headings_keep_their_ids() {
    let res = pin_resources();
    let book = render(&rich_doc(), &res);
    let pages = parsed(&book);
    let heading_ids = |name: &str| -> Vec<String> {
        pages[name]
            .all()
            .iter()
            .filter(|e| e.name.len() == 2 && e.name.starts_with('h'))
            .filter_map(|e| e.attr("id").map(String::from))
            .collect()
    };
    assert_eq!(heading_ids("chapter-1.xhtml"), ["intro", "deep", "background"]);
    assert_eq!(heading_ids("chapter-2.xhtml"), ["caveats", "empty-heading", "café"]);
    // The preamble sits in the first chapter, before the first heading.
    let ch1 = &book.files[2].xhtml;
    assert!(ch1.find("Preamble before").unwrap() < ch1.find("id=\"intro\"").unwrap());
    // Nav: chapter entries with nested children (h3 under h1, then h2 as its sibling).
    let first = &book.files[2];
    assert_eq!(first.toc_title.as_deref(), Some("Introduction"));
    let kids: Vec<_> = first.toc_children.iter().map(|c| c.href.as_str()).collect();
    assert_eq!(kids, ["chapter-1.xhtml#deep", "chapter-1.xhtml#background"]);
    assert_eq!(book.files[3].toc_children[0].title, "empty heading");
}

#[test]
fn internal_links_resolve_across_chapters_and_bad_links_are_dropped() {
    let res = pin_resources();
    let book = render(&rich_doc(), &res);
    let pages = parsed(&book);
    let ids_by_file: BTreeMap<&str, BTreeSet<String>> =
        pages.iter().map(|(n, r)| (n.as_str(), ids(r).into_iter().collect())).collect();
    let mut hrefs = Vec::new();
    for (name, root) in &pages {
        for a in root.all().iter().filter(|e| e.name == "a") {
            let href = a.attr("href").expect("every <a> has an href");
            hrefs.push(href.to_string());
            if href.starts_with("https://") || href.starts_with("mailto:") {
                continue;
            }
            let (file, frag) = href.split_once('#').unwrap_or((href, ""));
            let file = if file.is_empty() { name.as_str() } else { file };
            let ids = ids_by_file.get(file).unwrap_or_else(|| panic!("{href} in {name}: no such file"));
            assert!(frag.is_empty() || ids.contains(frag), "{href} in {name}: no such id");
        }
    }
    assert!(hrefs.contains(&"chapter-2.xhtml#caveats".to_string()));
    assert!(hrefs.contains(&"chapter-1.xhtml#intro".to_string()));
    assert!(hrefs.contains(&"chapter-2.xhtml#café".to_string()));
    assert!(hrefs.contains(&"https://example.org/a%20b?x=1&y=%222%22".to_string()));
    assert!(!hrefs.iter().any(|h| h.contains("nowhere") || h.contains("other.md")));
    let text = pages["chapter-1.xhtml"].text();
    for kept in ["evil link", "dangling", "relative", "remote pic"] {
        assert!(text.contains(kept), "text of dropped link {kept} missing");
    }
}

#[test]
fn footnotes_are_epub3_noterefs_and_asides_numbered_across_the_book() {
    let res = pin_resources();
    let book = render(&rich_doc(), &res);
    let pages = parsed(&book);
    let mut numbers = Vec::new();
    for name in ["chapter-1.xhtml", "chapter-2.xhtml"] {
        let all = pages[name].all();
        let refs: Vec<_> = all.iter().filter(|e| e.attr("epub:type") == Some("noteref")).collect();
        let asides: Vec<_> = all.iter().filter(|e| e.name == "aside").collect();
        assert_eq!(refs.len(), asides.len(), "{name}");
        for r in &refs {
            let n = r.text();
            assert_eq!(r.attr("role"), Some("doc-noteref"));
            assert_eq!(r.attr("href"), Some(format!("#fn-{n}").as_str()));
            assert_eq!(r.attr("id"), Some(format!("fnref-{n}").as_str()));
            numbers.push(n.parse::<usize>().unwrap());
        }
        for a in &asides {
            assert_eq!(a.attr("epub:type"), Some("footnote"));
            assert_eq!(a.attr("role"), Some("doc-footnote"));
            let n = a.attr("id").and_then(|id| id.strip_prefix("fn-")).unwrap().to_string();
            let back = a.all().into_iter().find(|e| e.attr("role") == Some("doc-backlink")).expect("back link");
            assert_eq!(back.attr("href"), Some(format!("#fnref-{n}").as_str()));
        }
    }
    // Preamble, outer, inner (nested, written after its parent), table caption, in link.
    assert_eq!(numbers, [1, 2, 3, 4, 5]);
    let ch1 = &book.files[2].xhtml;
    assert!(ch1.find("id=\"fn-2\"").unwrap() < ch1.find("id=\"fn-3\"").unwrap());
    // A note inside a link is referenced right after the link, never nested in it.
    let ch2 = &book.files[3].xhtml;
    assert!(ch2.contains("linked</a><a epub:type=\"noteref\""));
}

#[test]
fn tables_lists_code_and_figures_have_the_expected_markup() {
    let res = pin_resources();
    let book = render(&rich_doc(), &res);
    let pages = parsed(&book);
    let all: Vec<&Element> = pages.values().flat_map(|r| r.all()).collect();
    let wrap = all.iter().find(|e| e.attr("class") == Some("table-wrap")).expect("table wrapper");
    let table = wrap.all().into_iter().find(|e| e.name == "table").unwrap();
    let kids: Vec<_> = table
        .children
        .iter()
        .filter_map(|n| if let xml::Node::Element(e) = n { Some(e.name.as_str()) } else { None })
        .collect();
    assert_eq!(kids, ["caption", "thead", "tbody"]);
    let ths: Vec<_> = table.all().into_iter().filter(|e| e.name == "th").collect();
    assert_eq!(ths.len(), 4);
    assert!(ths.iter().all(|th| th.attr("scope") == Some("col")));
    let classes: Vec<_> = ths.iter().map(|th| th.attr("class")).collect();
    assert_eq!(classes, [Some("align-left"), Some("align-right"), Some("align-center"), None]);
    assert!(!book.files.iter().any(|f| f.xhtml.contains("style=")));

    let ol = all.iter().find(|e| e.name == "ol" && e.attr("start").is_some()).unwrap();
    assert_eq!(ol.attr("start"), Some("3"));
    let tasks: Vec<_> = all.iter().filter(|e| e.attr("class") == Some("task-mark")).map(|e| e.text()).collect();
    assert_eq!(tasks, ["☑", "☐"]);
    assert!(!all.iter().any(|e| e.name == "input"));
    let code = all.iter().find(|e| e.name == "code" && e.attr("class").is_some()).unwrap();
    assert_eq!(code.attr("class"), Some("language-rust"));
    assert_eq!(code.text(), "fn main() { if a < b && c > d {} }");
    for name in ["hr", "del", "br", "blockquote"] {
        assert!(all.iter().any(|e| e.name == name), "no <{name}>");
    }

    let figure = all.iter().find(|e| e.name == "figure").unwrap();
    let img = figure.all().into_iter().find(|e| e.name == "img").unwrap();
    assert_eq!(img.attr("src"), Some("images/img-1.png"));
    assert_eq!(img.attr("alt"), Some("A red map pin"));
    let caption = figure.all().into_iter().find(|e| e.name == "figcaption").unwrap();
    assert_eq!(caption.text(), "A red map pin");
    // The inline use of the same image shares its file; the missing one shows its alt.
    let inline = all.iter().find(|e| e.attr("class") == Some("inline")).unwrap();
    assert_eq!((inline.attr("src"), inline.attr("alt")), (Some("images/img-1.png"), Some("map pin")));
    assert_eq!(book.images.len(), 1);
    assert!(all.iter().any(|e| e.attr("class") == Some("image-missing") && e.text() == "Missing figure alt"));
}

#[test]
fn title_and_contents_pages_show_the_front_matter_and_the_tree() {
    let res = pin_resources();
    let book = render(&rich_doc(), &res);
    let pages = parsed(&book);
    let title = &pages["title.xhtml"];
    let by_class = |class: &str| -> Vec<String> {
        title.all().iter().filter(|e| e.attr("class") == Some(class)).map(|e| e.text()).collect()
    };
    assert_eq!(by_class("classification"), ["PUBLIC"]);
    assert_eq!(by_class("author"), ["Desk One", "Desk <Two>"]);
    assert_eq!(by_class("date"), ["2024-06-03"]);
    assert_eq!(by_class("subtitle"), ["A subtitle with 'quotes' & ampersands"]);
    assert_eq!(by_class("summary").len(), 1);
    // Contents: both chapters, nested entries, hrefs into chapter files.
    let contents = &pages["contents.xhtml"];
    let hrefs: Vec<_> =
        contents.all().iter().filter_map(|e| e.attr("href").filter(|h| h.contains('#'))).map(String::from).collect();
    assert_eq!(
        hrefs,
        [
            "chapter-1.xhtml#intro",
            "chapter-1.xhtml#deep",
            "chapter-1.xhtml#background",
            "chapter-2.xhtml#caveats",
            "chapter-2.xhtml#empty-heading",
            "chapter-2.xhtml#café"
        ]
    );
}

#[test]
fn a_body_without_headings_is_one_chapter_listed_under_the_title() {
    let doc = Document {
        version: TREE_VERSION,
        meta: Meta { title: "Only text".into(), lang: "".into(), ..Meta::default() },
        blocks: vec![para(vec![t("Just a paragraph.")])],
    };
    let res = Resources::default();
    let book = render(&doc, &res);
    let pages = parsed(&book);
    assert_eq!(book.files.len(), 3);
    assert_eq!(book.files[2].toc_title.as_deref(), Some("Only text"));
    assert_eq!(pages["chapter-1.xhtml"].attr("lang"), Some("en"));
    assert!(book.images.is_empty());
}

// ---------------------------------------------------------------------------
// The package, read back with python3's zipfile.

/// Writes `bytes` to a temp file and returns (name, text) of every entry.
fn unzip(bytes: &[u8], tag: &str) -> BTreeMap<String, String> {
    let path = std::env::temp_dir().join(format!("brief-epub-test-{tag}-{}.epub", std::process::id()));
    std::fs::write(&path, bytes).unwrap();
    let script = "import sys, zipfile, json\nz = zipfile.ZipFile(sys.argv[1])\n\
                  print(json.dumps({i.filename: z.read(i).decode('utf-8', 'replace') for i in z.infolist()}))\n\
                  assert z.infolist()[0].filename == 'mimetype' and z.infolist()[0].compress_type == 0";
    let out = Command::new("python3").arg("-c").arg(script).arg(&path).output().expect("python3 runs");
    let _ = std::fs::remove_file(&path);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Every file brief renders is in the archive with its own bytes (none of epub-builder's
/// empty stand-ins is left), the image stored as is, the text deflated, and python's
/// zipfile checks every entry's CRC.
#[test]
fn the_archive_holds_the_rendered_files_not_the_stand_ins() {
    let res = pin_resources();
    let doc = rich_doc();
    let opts = EpubOptions { modified: 1_700_000_000, ..EpubOptions::default() };
    let bytes = write(&doc, &res, &opts).unwrap();
    let book = render_with(&doc, &res, &opts);
    let files = unzip(&bytes, "stand-ins");
    for (name, text) in &files {
        assert!(!text.is_empty(), "{name} is empty");
    }
    for f in &book.files {
        assert_eq!(files[&format!("OEBPS/{}", f.name)], f.xhtml, "{}", f.name);
    }
    assert!(files["OEBPS/stylesheet.css"].contains("font-family"));
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&bytes)).unwrap();
    let png = zip.by_name("OEBPS/images/img-1.png").unwrap();
    assert_eq!(png.compression(), zip::CompressionMethod::Stored);
    drop(png);
    let chapter = zip.by_name("OEBPS/chapter-1.xhtml").unwrap();
    assert_eq!(chapter.compression(), zip::CompressionMethod::Deflated);
}

/// epub-builder's own files reach the archive whole, in the order it wrote them, after the
/// stored `mimetype`, and compressed (its zip backend is not used: `package::Files` keeps
/// them as written and the archive deflates them like brief's own files).
#[test]
fn epub_builders_files_are_packed_whole_in_its_order_and_deflated() {
    let res = pin_resources();
    let doc = rich_doc();
    let opts = EpubOptions { modified: 1_700_000_000, ..EpubOptions::default() };
    let bytes = write(&doc, &res, &opts).unwrap();
    let book = render_with(&doc, &res, &opts);
    let written = crate::epub::package::generate(&doc.meta, &book, &opts, false).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&bytes)).unwrap();
    let names: Vec<String> = (0..zip.len()).map(|i| zip.by_index(i).unwrap().name().to_string()).collect();
    let mut expected = vec!["mimetype".to_string()];
    expected.extend(written.iter().map(|(name, _)| name.clone()));
    assert_eq!(names, expected);
    for (name, data) in &written {
        let mut entry = zip.by_name(name).unwrap();
        let method = entry.compression();
        let mut back = Vec::new();
        std::io::Read::read_to_end(&mut entry, &mut back).unwrap();
        match name.as_str() {
            "META-INF/container.xml" | "OEBPS/content.opf" | "OEBPS/toc.ncx" => {
                assert!(!data.is_empty());
                assert_eq!(&back, data, "{name} changed on the way");
                assert_eq!(method, zip::CompressionMethod::Deflated, "{name}");
            }
            "OEBPS/nav.xhtml" => assert_eq!(method, zip::CompressionMethod::Deflated),
            _ => {}
        }
    }
    let opf = String::from_utf8(written.iter().find(|(n, _)| n == "OEBPS/content.opf").unwrap().1.clone()).unwrap();
    assert!(opf.contains("<dc:title") && opf.contains("nav.xhtml"), "{opf}");
}

#[test]
fn the_package_is_reproducible_and_carries_the_metadata() {
    let res = pin_resources();
    let doc = rich_doc();
    let opts = EpubOptions { modified: 1_700_000_000, ..EpubOptions::default() };
    let a = write(&doc, &res, &opts).unwrap();
    let b = write(&doc, &res, &opts).unwrap();
    assert!(a == b, "two builds differ");
    if let Ok(dir) = std::env::var("BRIEF_EPUB_SAMPLE") {
        std::fs::write(dir, &a).unwrap();
    }
    let files = unzip(&a, "meta");
    assert_eq!(files["mimetype"], "application/epub+zip");
    assert!(files.contains_key("OEBPS/images/img-1.png"));
    let opf = &files["OEBPS/content.opf"];
    xml::parse(opf).unwrap_or_else(|e| panic!("content.opf malformed: {e}\n{opf}"));
    let id = super::package::identifier(&doc.meta);
    for expected in [
        "version=\"3.0\"".to_string(),
        "<dc:title>Rich &amp; &lt;Strange&gt; \"Brief\"</dc:title>".into(),
        "<dc:title id=\"subtitle\">A subtitle with 'quotes' &amp; ampersands</dc:title>".into(),
        "<meta refines=\"#subtitle\" property=\"title-type\">subtitle</meta>".into(),
        ">Desk &lt;Two&gt;</dc:creator>".into(),
        "<dc:language>en-GB</dc:language>".into(),
        format!("urn:uuid:{id}"),
        "<dc:date>2024-06-03</dc:date>".into(),
        "<meta property=\"dcterms:modified\">2023-11-14T22:13:20Z</meta>".into(),
        "<dc:description>Summary line one. Second paragraph with a control char.</dc:description>".into(),
        "<dc:subject>a&amp;b</dc:subject>".into(),
        "<dc:publisher>Regional Desk</dc:publisher>".into(),
        "<dc:rights>© 2024 Desk</dc:rights>".into(),
        "<meta property=\"schema:accessMode\">visual</meta>".into(),
        "<meta property=\"schema:accessibilityFeature\">alternativeText</meta>".into(),
        "<meta property=\"schema:accessibilityHazard\">none</meta>".into(),
        "media-type=\"image/png\"".into(),
        "properties=\"cover-image\" id=\"cover-image\" href=\"images/cover.png\"".into(),
    ] {
        assert!(opf.contains(&expected), "content.opf lacks {expected}\n{opf}");
    }
    let nav = &files["OEBPS/nav.xhtml"];
    xml::parse(nav).unwrap_or_else(|e| panic!("nav malformed: {e}"));
    for landmark in ["epub:type=\"titlepage\"", "epub:type=\"toc\" href=\"contents.xhtml\"", "epub:type=\"bodymatter\""]
    {
        assert!(nav.contains(landmark), "nav lacks {landmark}\n{nav}");
    }
    assert!(nav.contains("chapter-1.xhtml#deep"));
    xml::parse(&files["OEBPS/toc.ncx"]).unwrap();
    // Another date gives other bytes, but the same identifier.
    let c = write(&doc, &res, &EpubOptions { modified: 0, ..EpubOptions::default() }).unwrap();
    assert!(a != c);
    assert!(unzip(&c, "meta0")["OEBPS/content.opf"].contains(&format!("urn:uuid:{id}")));
}

/// A tiny deterministic generator (xorshift), so the hostile-input test needs no crate.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a>(&mut self, pool: &[&'a str]) -> &'a str {
        pool[(self.next() % pool.len() as u64) as usize]
    }
    fn string(&mut self) -> String {
        const POOL: &[&str] = &[
            "a",
            " ",
            "&",
            "<",
            ">",
            "\"",
            "'",
            "\u{0}",
            "\u{b}",
            "\u{1f}",
            "\u{7f}",
            "\u{9f}",
            "\u{fffe}",
            "\u{ffff}",
            "\u{fdd0}",
            "é",
            "ß",
            "\u{202e}",
            "😀",
            "]]>",
            "<!--",
            "-->",
            "&amp;",
            "&#0;",
            "%",
            "#",
            "\n",
            "\t",
            "\r",
            "<script>",
            "</p>",
            "javascript:",
            "--",
            "?>",
        ];
        let n = self.next() % 12;
        (0..n).map(|_| self.pick(POOL)).collect()
    }
}

#[test]
fn hostile_strings_everywhere_still_give_well_formed_pages_and_package() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for round in 0..40 {
        let mut s = || rng.string();
        let inlines = vec![
            t(&s()),
            Inline::Code { text: s() },
            Inline::Link { url: format!("#{}", s()), title: s(), content: vec![t(&s())] },
            Inline::Link { url: format!("https://x/{}", s()), title: s(), content: vec![t(&s())] },
            Inline::Html { html: s() },
            Inline::Image { image: Image { src: s(), alt: s(), title: s() } },
            Inline::Note { blocks: vec![Block::Html { html: s() }, para(vec![Inline::Html { html: s() }])] },
        ];
        let id = s();
        let doc = Document {
            version: TREE_VERSION,
            meta: Meta {
                title: s(),
                subtitle: Some(s()),
                authors: vec![s(), s()],
                date: Some(s()),
                lang: s(),
                summary: Some(s()),
                keywords: vec![s()],
                classification: Some(s()),
                publisher: Some(s()),
                rights: Some(s()),
                id: Some(s()),
                cover: Some(s()),
                toc: None,
                papersize: None,
            },
            blocks: vec![
                Block::Heading { level: 0, id: id.clone(), content: inlines.clone() },
                para(inlines.clone()),
                Block::Heading { level: 9, id: id.clone(), content: vec![t(&s())] },
                Block::Html { html: s() },
                Block::CodeBlock { lang: Some(s()), text: s() },
                Block::List(List { start: Some(u64::MAX), tight: false, items: vec![item(Some(true), vec![])] }),
                Block::Table(Table { caption: Some(vec![t(&s())]), aligns: vec![], head: vec![], rows: vec![vec![]] }),
                Block::Figure { image: Image { src: s(), alt: s(), title: s() } },
                para(vec![Inline::Link { url: format!("#{id}"), title: String::new(), content: vec![t("self")] }]),
            ],
        };
        let none = Resources::default();
        let book = render(&doc, &none);
        parsed(&book);
        let sample_dir = std::env::var("BRIEF_EPUB_HOSTILE_DIR").ok();
        if round % 10 == 0 || sample_dir.is_some() {
            let bytes = write(&doc, &Resources::default(), &EpubOptions { modified: i64::MAX, ..EpubOptions::default() }).unwrap();
            if let Some(dir) = &sample_dir {
                std::fs::write(format!("{dir}/hostile-{round}.epub"), &bytes).unwrap();
            }
            let files = unzip(&bytes, "hostile");
            for name in ["OEBPS/content.opf", "OEBPS/nav.xhtml", "OEBPS/toc.ncx"] {
                xml::parse(&files[name]).unwrap_or_else(|e| panic!("round {round}: {name}: {e}\n{}", files[name]));
            }
        }
    }
}
