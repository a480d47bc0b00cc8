//! `brief.toml`'s `[fonts]` through the real binary: built-in families swap the faces of
//! body text and headings in the PDF and the EPUB's stylesheet, house faces from font
//! files are embedded under their PostScript names and are dependencies of incremental
//! builds, and bad values or files stop the run with `brief.toml:line:col` and nothing
//! written.

mod common;

use common::{brief_bin, have_program, run_with_limit, Output, TempDir};
use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

/// Runs `brief ARGS` in `dir` with `SOURCE_DATE_EPOCH` fixed.
fn run_in(dir: &Path, args: &[&str]) -> Output {
    let mut cmd = Command::new(brief_bin());
    cmd.current_dir(dir).args(args).env("SOURCE_DATE_EPOCH", "1700000000").env_remove("GITHUB_ACTIONS");
    run_with_limit(&mut cmd, Duration::from_secs(120))
}

fn write(path: &Path, bytes: impl AsRef<[u8]>) {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("mkdir");
    }
    std::fs::write(path, bytes).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
}

/// A built-in font file of the repository (as a stand-in for a house face).
fn repo_font(name: &str) -> Vec<u8> {
    std::fs::read(common::root().join("fonts").join(name)).expect("font in fonts/")
}

/// A project with `brief.toml` = `config` and one source, `sources/doc.md` = `text`.
fn project(name: &str, config: &str, text: &str) -> TempDir {
    let dir = TempDir::new(name);
    write(&dir.join("brief.toml"), config);
    write(&dir.join("sources/doc.md"), text);
    dir
}

/// Builds the project (no PATHS: `sources/` → `output/`); the run must succeed.
fn build(dir: &TempDir, extra: &[&str]) -> Output {
    let mut args = vec!["build"];
    args.extend(extra);
    let r = run_in(dir.path(), &args);
    assert_eq!(r.code(), 0, "{}", r.dump());
    r
}

/// The fonts' BaseFont names without the subset tag (`NotoSans-Italic`), as a set.
fn pdf_fonts(pdf: &Path) -> BTreeSet<String> {
    let doc = lopdf::Document::load(pdf).expect("PDF parses");
    doc.objects
        .values()
        .filter_map(|o| o.as_dict().ok())
        .filter(|d| d.get(b"Type").and_then(|t| t.as_name()).ok() == Some(b"Font".as_slice()))
        .filter(|d| d.get(b"Subtype").and_then(|t| t.as_name()).ok() == Some(b"Type0".as_slice()))
        .filter_map(|d| d.get(b"BaseFont").and_then(|b| b.as_name()).ok())
        .map(|n| {
            let n = String::from_utf8_lossy(n).into_owned();
            n.split_once('+').map_or(n.clone(), |(_, base)| base.to_string())
        })
        .collect()
}

/// A file of the EPUB, as text.
fn epub_entry(epub: &Path, suffix: &str) -> Option<String> {
    let bytes = std::fs::read(epub).expect("epub");
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("zip");
    let name = zip.file_names().find(|n| n.ends_with(suffix)).map(str::to_string)?;
    let mut text = String::new();
    std::io::Read::read_to_string(&mut zip.by_name(&name).expect("entry"), &mut text).ok()?;
    Some(text)
}

fn epub_names(epub: &Path) -> Vec<String> {
    let bytes = std::fs::read(epub).expect("epub");
    let zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("zip");
    zip.file_names().map(str::to_string).collect()
}

/// The declarations of the first CSS rule whose selector is exactly `selector`.
fn css_rule<'a>(css: &'a str, selector: &str) -> &'a str {
    let start = css.find(&format!("\n{selector} {{")).unwrap_or_else(|| panic!("no rule {selector}\n{css}"));
    let rest = &css[start..];
    &rest[..rest.find('}').unwrap_or(rest.len())]
}

const EMPHASIS: &str = "---\ntitle: Fonts\n---\n\n# A heading\n\nPlain text with *emphasis* and `code`.\n";

#[test]
fn body_sans_sets_body_text_in_noto_sans_in_both_editions() {
    let dir = project("fonts-sans", "[fonts]\nbody = \"sans\"\n", EMPHASIS);
    build(&dir, &["--epub-fonts"]);
    let fonts = pdf_fonts(&dir.join("output/doc.pdf"));
    assert!(fonts.contains("NotoSans-Italic") && fonts.contains("NotoSans-Regular"), "{fonts:?}");
    assert!(fonts.iter().all(|f| !f.starts_with("NotoSerif")), "no serif face is left: {fonts:?}");

    let epub = dir.join("output/doc.epub");
    let css = epub_entry(&epub, ".css").expect("stylesheet");
    let body = css_rule(&css, "body");
    assert!(body.contains("font-family: \"Noto Sans\", \"Helvetica Neue\""), "{body}");
    assert!(!css.contains("\"Noto Serif\""), "{css}");
    // The embedded faces are the configured ones, under the family the stylesheet names.
    let names = epub_names(&epub);
    assert!(names.iter().any(|n| n.ends_with("fonts/NotoSans-Italic.ttf")), "{names:?}");
    assert!(names.iter().all(|n| !n.contains("NotoSerif")), "{names:?}");
    assert!(css.contains("font-family: \"Noto Sans\";\n  font-weight: normal;\n  font-style: italic;\n  src: url(\"fonts/NotoSans-Italic.ttf\")"), "{css}");
}

#[test]
fn headings_serif_sets_headings_in_noto_serif_bold() {
    // No bold in the body: a bold face can only come from the heading.
    let dir = project("fonts-serif", "[fonts]\nheadings = \"serif\"\n", "# A heading\n\nPlain text.\n");
    build(&dir, &[]);
    let fonts = pdf_fonts(&dir.join("output/doc.pdf"));
    assert!(fonts.contains("NotoSerif-Bold"), "{fonts:?}");
    assert!(fonts.iter().all(|f| !f.starts_with("NotoSans-")), "headings and furniture left Noto Sans: {fonts:?}");
    let css = epub_entry(&dir.join("output/doc.epub"), ".css").expect("stylesheet");
    assert!(css_rule(&css, "h1, h2, h3, h4, h5, h6").contains("font-family: \"Noto Serif\", Georgia"), "{css}");
    assert!(!css.contains("\"Noto Sans\","), "every sans stack follows the headings: {css}");
}

#[test]
fn house_faces_are_embedded_by_name_cover_gaps_and_rebuild_when_changed() {
    // Noto Sans Math has Latin and Greek but no Cyrillic: a house face with gaps.
    let config = "[fonts.headings]\nregular = \"house/H-Regular.ttf\"\nbold = \"house/H-Bold.ttf\"\n";
    let dir = project("fonts-house", config, "# Қазақстан and Greece\n\nBody text.\n");
    write(&dir.join("house/H-Regular.ttf"), repo_font("NotoSansMath-Regular.ttf"));
    write(&dir.join("house/H-Bold.ttf"), repo_font("NotoSansMath-Regular.ttf"));
    let r = build(&dir, &["--message-format", "json", "--epub-fonts"]);
    assert!(r.stdout.contains("\"status\":\"built\""), "{}", r.dump());
    // Both heading styles are one font: one file in the EPUB, two rules naming it.
    let epub = dir.join("output/doc.epub");
    let names = epub_names(&epub);
    assert_eq!(names.iter().filter(|n| n.ends_with("fonts/NotoSansMath-Regular.ttf")).count(), 1, "{names:?}");
    let css = epub_entry(&epub, ".css").expect("stylesheet");
    assert_eq!(css.matches("src: url(\"fonts/NotoSansMath-Regular.ttf\")").count(), 2, "{css}");
    assert!(css_rule(&css, "h1, h2, h3, h4, h5, h6").contains("font-family: \"Noto Sans Math\", \"Noto Sans\""), "{css}");
    assert!(!r.stdout.contains("\"severity\":\"warning\""), "every character has a face: {}", r.dump());
    let pdf = dir.join("output/doc.pdf");
    let fonts = pdf_fonts(&pdf);
    // Embedded under the name in the font's name table, not the file's.
    assert!(fonts.contains("NotoSansMath-Regular"), "{fonts:?}");
    assert!(fonts.iter().all(|f| !f.starts_with("H-") && !f.starts_with("NotoSans-")), "{fonts:?}");
    if have_program("pdftotext", "-v") {
        let out = Command::new("pdftotext").arg(&pdf).arg("-").output().expect("pdftotext");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("Қазақстан and Greece"), "the Cyrillic the house face lacks is still set: {text}");
    }

    // Nothing changed: up to date. New bytes in a house font: built again.
    let status = |r: &Output| {
        r.stdout.split("\"status\":\"").nth(1).and_then(|s| s.split('"').next()).unwrap_or("").to_string()
    };
    assert_eq!(status(&build(&dir, &["--message-format", "json", "--epub-fonts"])), "up_to_date");
    // (No code in the source: the built-in code face is not in the PDF.)
    write(&dir.join("house/H-Bold.ttf"), repo_font("NotoSansMono-Regular.ttf"));
    assert_eq!(status(&build(&dir, &["--message-format", "json", "--epub-fonts"])), "built", "a changed house font rebuilds");
    let fonts = pdf_fonts(&pdf);
    assert!(fonts.contains("NotoSansMono-Regular"), "the heading is set in the new bold: {fonts:?}");
    assert_eq!(status(&build(&dir, &["--message-format", "json", "--epub-fonts"])), "up_to_date");
}

/// The run fails with exit 1, names `brief.toml:line:col` and writes nothing.
fn assert_config_error(name: &str, config: &str, place: &str, words: &str) {
    let dir = project(name, config, EMPHASIS);
    let r = run_in(dir.path(), &["build"]);
    assert_eq!(r.code(), 1, "{}", r.dump());
    assert!(r.stderr.contains(&format!("brief.toml:{place}: error:")), "{}", r.dump());
    assert!(r.stderr.contains(words), "{}", r.dump());
    assert!(!r.stderr.contains("panicked"), "{}", r.dump());
    let written = std::fs::read_dir(dir.join("output")).map_or(0, |d| d.count());
    assert_eq!(written, 0, "nothing is written");
}

#[test]
fn bad_families_and_font_files_fail_the_run_at_their_place() {
    assert_config_error("fonts-family", "[fonts]\nbody = \"comic\"\n", "2:8", "unknown font family \"comic\"");
    assert_config_error("fonts-mono", "[fonts]\nheadings = \"mono\"\n", "2:12", "headings cannot be set in \"mono\"");
    assert_config_error(
        "fonts-missing",
        "[fonts]\n\n[fonts.code]\nregular = \"fonts/Missing.ttf\"\n",
        "4:11",
        "fonts/Missing.ttf",
    );
    assert_config_error(
        "fonts-style",
        "[fonts.body]\nregular = \"a.ttf\"\nbold = \"b.ttf\"\n",
        "1:1",
        "no `italic` file",
    );
    // A file that is not a font.
    let dir = project("fonts-junk", "[fonts]\ncode = { regular = \"junk.ttf\" }\n", EMPHASIS);
    write(&dir.join("junk.ttf"), "<html>not a font</html>");
    let r = run_in(dir.path(), &["build"]);
    assert_eq!(r.code(), 1, "{}", r.dump());
    assert!(r.stderr.contains("brief.toml:2:20: error: font file") && r.stderr.contains("junk.ttf"), "{}", r.dump());
    assert!(!dir.join("output").exists() || std::fs::read_dir(dir.join("output")).map_or(0, |d| d.count()) == 0);
}
