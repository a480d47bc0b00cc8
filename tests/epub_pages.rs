//! The EPUB edition's page-list, chapter level and embedded fonts, through the build
//! pipeline and the `brief` binary: what a user gets from `brief build`.

mod common;

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use brief::config::HeadingLevel;
use brief::diag::Diagnostics;
use brief::fonts::Fonts;
use brief::pipeline::{self, BuildOptions};
use brief::source::Source;
use common::*;

/// Every entry of a zip archive, by name.
fn entries(bytes: &[u8]) -> BTreeMap<String, Vec<u8>> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip archive");
    (0..zip.len())
        .map(|i| {
            let mut f = zip.by_index(i).unwrap();
            let mut data = Vec::new();
            f.read_to_end(&mut data).unwrap();
            (f.name().to_string(), data)
        })
        .collect()
}

fn text(files: &BTreeMap<String, Vec<u8>>, name: &str) -> String {
    String::from_utf8(files[name].clone()).unwrap()
}

/// Renders the example brief with `opts` in memory.
fn render(opts: &BuildOptions) -> pipeline::Rendered {
    let path = root().join("sources/uzbekistan-kazakhstan-visit.md");
    let src = Source::new(&path, std::fs::read_to_string(&path).unwrap());
    let mut diags = Diagnostics::new();
    pipeline::render(&src, &Fonts::builtin().unwrap(), opts, &mut diags).expect("renders")
}

fn page_list_hrefs(nav: &str) -> Vec<String> {
    let Some(start) = nav.find("epub:type=\"page-list\"") else { return Vec::new() };
    let list = &nav[start..nav[start..].find("</nav>").unwrap() + start];
    list.split("href=\"").skip(1).map(|s| s[..s.find('"').unwrap()].to_string()).collect()
}

#[test]
fn both_formats_give_the_epub_a_page_list_with_one_entry_per_pdf_page() {
    let r = render(&BuildOptions::new("unused"));
    let pdf = lopdf::Document::load_mem(r.pdf.as_deref().unwrap()).unwrap();
    let pages = pdf.get_pages().len();
    assert_eq!(pages, r.pages);
    let files = entries(r.epub.as_deref().unwrap());
    let hrefs = page_list_hrefs(&text(&files, "OEBPS/nav.xhtml"));
    assert_eq!(hrefs.len(), pages, "{hrefs:?}");
    for (n, href) in hrefs.iter().enumerate() {
        let (file, id) = href.split_once('#').unwrap();
        assert_eq!(id, format!("page-{}", n + 1));
        let xhtml = text(&files, &format!("OEBPS/{file}"));
        assert!(
            xhtml.contains(&format!("role=\"doc-pagebreak\" id=\"{id}\" aria-label=\"{}\"", n + 1)),
            "{href} does not resolve to a page-break marker"
        );
    }
}

#[test]
fn the_epub_alone_has_no_page_list() {
    let mut opts = BuildOptions::new("unused");
    opts.pdf = false;
    let r = render(&opts);
    assert!(r.pdf.is_none());
    let files = entries(r.epub.as_deref().unwrap());
    assert!(page_list_hrefs(&text(&files, "OEBPS/nav.xhtml")).is_empty());
    assert!(files.iter().all(|(_, data)| !String::from_utf8_lossy(data).contains("doc-pagebreak")));
}

#[test]
fn chapter_level_from_the_config_splits_the_epub_deeper() {
    let md = "---\ntitle: Levels\n---\n\n# One\n\nx\n\n## One A\n\ny\n\n## One B\n\nz\n\n# Two\n\nw\n";
    let src = Source::new("levels.md", md);
    let fonts = Fonts::builtin().unwrap();
    let chapters = |level: Option<u8>| {
        let mut opts = BuildOptions::new("unused");
        opts.pdf = false;
        opts.config.document.chapter_level = level.map(HeadingLevel);
        let r = pipeline::render(&src, &fonts, &opts, &mut Diagnostics::new()).unwrap();
        entries(r.epub.as_deref().unwrap()).keys().filter(|k| k.starts_with("OEBPS/chapter-")).count()
    };
    assert_eq!(chapters(None), 2);
    assert_eq!(chapters(Some(1)), 2);
    assert_eq!(chapters(Some(2)), 4);
}

/// Runs EPUBCheck on `file`; `None` when it is not installed (the check is skipped).
fn epubcheck(file: &Path) -> Option<Output> {
    match (epubcheck_jar(), have_program("java", "-version")) {
        (Some(jar), true) => {
            let mut cmd = Command::new("java");
            cmd.arg("-jar").arg(jar).arg(file);
            Some(run_with_limit(&mut cmd, Duration::from_secs(300)))
        }
        _ => {
            skip_or_fail("EPUBCheck or java not found");
            None
        }
    }
}

#[test]
fn epub_fonts_embeds_the_faces_and_epubcheck_stays_clean() {
    let dir = TempDir::new("epub-fonts");
    let src = root().join("sources/uzbekistan-kazakhstan-visit.md");
    let out = brief(
        [
            "build".as_ref(),
            src.as_os_str(),
            "-o".as_ref(),
            dir.path().as_os_str(),
            "--epub-fonts".as_ref(),
            "--quiet".as_ref(),
        ],
        &[("SOURCE_DATE_EPOCH", "1700000000")],
    );
    assert_eq!(out.code(), 0, "{}", out.dump());
    let epub = dir.join("uzbekistan-kazakhstan-visit.epub");
    let files = entries(&std::fs::read(&epub).unwrap());
    let opf = text(&files, "OEBPS/content.opf");
    let css = text(&files, "OEBPS/stylesheet.css");
    for face in ["NotoSerif-Regular", "NotoSerif-Bold", "NotoSans-Regular", "NotoSans-Bold"] {
        let path = format!("fonts/{face}.ttf");
        assert!(files.contains_key(&format!("OEBPS/{path}")), "{face} not embedded");
        assert!(opf.contains(&format!("<item media-type=\"font/ttf\" id=")), "no font/ttf item");
        assert!(opf.contains(&format!("href=\"{path}\"")), "{face} not in the manifest");
        assert!(css.contains(&format!("src: url(\"{path}\")")), "{face} has no @font-face");
    }
    // The example has no code and no italics: those faces stay out.
    assert!(!files.keys().any(|k| k.contains("Mono") || k.contains("Italic")), "{:?}", files.keys());
    // The page-list is there too (both formats were built).
    assert!(!page_list_hrefs(&text(&files, "OEBPS/nav.xhtml")).is_empty());
    if let Some(r) = epubcheck(&epub) {
        assert!(r.code() == 0 && epubcheck_clean(&r.stdout), "{}", r.dump());
    }
    // Without the flag: no fonts.
    let plain = TempDir::new("epub-nofonts");
    let out = brief(["build".as_ref(), src.as_os_str(), "-o".as_ref(), plain.path().as_os_str(), "--quiet".as_ref()], &[]);
    assert_eq!(out.code(), 0, "{}", out.dump());
    let files = entries(&std::fs::read(plain.join("uzbekistan-kazakhstan-visit.epub")).unwrap());
    assert!(!files.keys().any(|k| k.contains("fonts/")));
}
