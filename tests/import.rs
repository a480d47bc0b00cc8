//! `brief import`: scraped text and HTML pages into Markdown briefs.
//!
//! Every case in `tests/import_cases/` (X.txt or X.html) is imported and compared with
//! X.md (read and judged by hand; `UPDATE_IMPORT_CASES=1` rewrites them), parsed back with
//! brief's own Markdown parser (no errors, no warnings, expected block counts), and checked
//! to keep every word of the input (as a multiset).

use brief::diag::Diagnostics;
use brief::doc::{plain_text, Block, Document};
use brief::import::{import_html, import_text, ImportOptions, Imported, RepairKind};
use brief::markdown::parse;
use brief::source::Source;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const DATE: &str = "2024-05-17";

fn case_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/import_cases")
}

fn opts(name: &str) -> ImportOptions {
    ImportOptions { repair: true, fix_case: false, source_name: Some(name.to_string()), date: DATE.to_string() }
}

fn read(name: &str) -> String {
    std::fs::read_to_string(case_dir().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn import_case(name: &str) -> Imported {
    let input = read(name);
    if name.ends_with(".html") {
        import_html(&input, &opts(name))
    } else {
        import_text(&input, &opts(name))
    }
}

/// Parses generated Markdown with brief's parser and fails on any diagnostic.
fn parse_clean(name: &str, md: &str) -> Document {
    let src = Source::new(format!("{name}.md"), md);
    let mut d = Diagnostics::new();
    let doc = parse(&src, &mut d);
    assert!(d.items.is_empty(), "{name}: diagnostics {:?}\n{md}", d.items);
    doc
}

/// Lowercased runs of letters and digits, counted.
fn words(text: &str) -> BTreeMap<String, usize> {
    let mut m = BTreeMap::new();
    for w in text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
        *m.entry(w.to_lowercase()).or_insert(0) += 1;
    }
    m
}

/// Fails unless every word of `input` occurs in `output` at least as often.
fn assert_keeps_words(name: &str, input: &str, output: &str) {
    let have = words(output);
    let missing: Vec<String> = words(input)
        .into_iter()
        .filter(|(w, n)| have.get(w).copied().unwrap_or(0) < *n)
        .map(|(w, n)| format!("{w} ×{n} (output has {})", have.get(&w).copied().unwrap_or(0)))
        .collect();
    assert!(missing.is_empty(), "{name}: words lost: {missing:?}");
}

/// The visible text of one of our test pages: without the elements the importer drops,
/// without tags, with the few entities the pages use decoded.
fn visible_html_text(html: &str) -> String {
    let mut s = html.to_string();
    for tag in ["title", "script", "style", "nav", "header", "footer", "aside"] {
        while let Some(start) = s.find(&format!("<{tag}")) {
            let close = format!("</{tag}>");
            let end = s.get(start..).and_then(|r| r.find(&close)).map_or(s.len(), |e| start + e + close.len());
            s.replace_range(start..end, " ");
        }
    }
    let mut out = String::new();
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&mdash;", "—").replace("&amp;", "&").replace("&copy;", "©")
}

fn count(blocks: &[Block], pred: &dyn Fn(&Block) -> bool) -> usize {
    blocks.iter().filter(|b| pred(b)).count()
}

fn headings(doc: &Document) -> Vec<(u8, String)> {
    doc.blocks
        .iter()
        .filter_map(|b| match b {
            Block::Heading { level, content, .. } => Some((*level, plain_text(content))),
            _ => None,
        })
        .collect()
}

fn is_list(b: &Block) -> bool {
    matches!(b, Block::List(_))
}

fn is_table(b: &Block) -> bool {
    matches!(b, Block::Table(_))
}

fn is_para(b: &Block) -> bool {
    matches!(b, Block::Paragraph { .. })
}

/// (file, headings, lists, tables, paragraphs) expected after parsing the output.
const SHAPES: &[(&str, usize, usize, usize, usize)] = &[
    ("seed.txt", 7, 5, 5, 15),
    ("no_headings.txt", 0, 0, 0, 4),
    ("all_caps.txt", 3, 0, 0, 3),
    ("numbered.txt", 4, 1, 0, 5),
    ("leading_pipes.txt", 0, 0, 1, 2),
    ("list_start.txt", 0, 1, 0, 1),
    ("crlf.txt", 1, 1, 0, 3),
    ("escapes.txt", 0, 0, 0, 7),
    ("page.html", 2, 2, 1, 5),
];

#[test]
fn cases_match_their_expected_markdown() {
    let update = std::env::var_os("UPDATE_IMPORT_CASES").is_some();
    for (name, ..) in SHAPES {
        let got = import_case(name).markdown;
        let expected_path = case_dir().join(Path::new(name).with_extension("md"));
        if update {
            std::fs::write(&expected_path, &got).unwrap_or_else(|e| panic!("{name}: {e}"));
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        assert_eq!(got, expected, "{name}: output differs from {}", expected_path.display());
    }
}

#[test]
fn cases_parse_cleanly_with_the_expected_shape() {
    for &(name, h, l, t, p) in SHAPES {
        let imported = import_case(name);
        let doc = parse_clean(name, &imported.markdown);
        let got = (
            headings(&doc).len(),
            count(&doc.blocks, &is_list),
            count(&doc.blocks, &is_table),
            count(&doc.blocks, &is_para),
        );
        assert_eq!(got, (h, l, t, p), "{name}: (headings, lists, tables, paragraphs)\n{}", imported.markdown);
        // Front matter: always parses as YAML, carries the fields we promise.
        let yaml = imported.markdown.strip_prefix("---\n").and_then(|r| r.split_once("\n---\n")).map(|(y, _)| y);
        let value: serde_yaml::Value = serde_yaml::from_str(yaml.unwrap_or("")).unwrap_or(serde_yaml::Value::Null);
        for key in ["title", "date", "lang", "source"] {
            assert!(value.get(key).and_then(|v| v.as_str()).is_some_and(|s| !s.is_empty()), "{name}: no {key}");
        }
        assert_eq!(value.get("date").and_then(|v| v.as_str()), Some(DATE));
        assert_eq!(value.get("source").and_then(|v| v.as_str()), Some(name));
        assert_eq!(doc.meta.date.as_deref(), Some(DATE));
    }
}

#[test]
fn no_word_is_lost() {
    for (name, ..) in SHAPES {
        let input = read(name);
        let reference = if name.ends_with(".html") { visible_html_text(&input) } else { input.clone() };
        for (repair, fix_case) in [(true, false), (false, false), (true, true)] {
            let o = ImportOptions { repair, fix_case, ..opts(name) };
            let out = if name.ends_with(".html") { import_html(&input, &o) } else { import_text(&input, &o) };
            assert_keeps_words(name, &reference, &out.markdown);
        }
    }
}

#[test]
fn html_boilerplate_is_dropped() {
    let md = import_case("page.html").markdown;
    for gone in ["Home", "Sport", "dataLayer", "font-family", "Most read", "Unrelated story", "All rights reserved"] {
        assert!(!md.contains(gone), "{gone} kept:\n{md}");
    }
    assert!(md.contains("title: \"Grain harvest hits a record in the north\""), "{md}");
    assert!(md.contains("| Rice (paddy) | 0.9 | 1.0 |"), "{md}");
}

#[test]
fn seed_structure_and_repairs() {
    let imported = import_case("seed.txt");
    let doc = parse_clean("seed", &imported.markdown);
    let hs: Vec<String> = headings(&doc).into_iter().map(|(level, text)| format!("{level} {text}")).collect();
    assert_eq!(
        hs,
        vec![
            "2 Diplomatic Significance of Mirziyoyev’s Visit to Kazakhstan",
            "2 Key Economic initiatives on the Agenda for Strategic Discussions",
            "2 Strengthening Regional Security: Collaborative Efforts Between Uzbekistan and Kazakhstan",
            "2 Cultural Ties and People-to-People Connections: Enhancing Bilateral relations",
            "2 Future Prospects: What This Visit Means for Central Asian Cooperation",
            "2 Recommendations for Sustaining Long-Term Bilateral Engagements",
            "2 Final Thoughts",
        ]
    );
    // Five lists of three items each; five tables with a two-column header.
    for b in &doc.blocks {
        match b {
            Block::List(l) => assert_eq!(l.items.len(), 3),
            Block::Table(t) => assert_eq!(t.head.len(), 2),
            _ => {}
        }
    }
    let pairs: Vec<(usize, &str, &str)> =
        imported.repairs.iter().map(|r| (r.line, r.before.as_str(), r.after.as_str())).collect();
    for want in [
        (1, "exchanges.As", "exchanges. As"),
        (25, "years,Uzbekistan", "years, Uzbekistan"),
        (25, "relations,particularly", "relations, particularly"),
        (25, "cooperation.Both", "cooperation. Both"),
    ] {
        assert!(pairs.contains(&want), "missing repair {want:?} in {pairs:?}");
    }
    assert!(imported.repairs.iter().all(|r| r.kind == RepairKind::Spacing));
    assert!(imported.title_guessed);
    assert!(imported.markdown.contains("cultural exchanges. As Uzbekistan"));
}

#[test]
fn no_repair_keeps_text_as_scraped() {
    let input = read("seed.txt");
    let out = import_text(&input, &ImportOptions { repair: false, ..opts("seed.txt") });
    assert!(out.repairs.is_empty());
    assert!(out.markdown.contains("exchanges.As"));
    assert!(out.markdown.contains("Central asia"));
}

#[test]
fn fix_case_capitalises_proper_nouns_only() {
    let input = read("seed.txt");
    let out = import_text(&input, &ImportOptions { fix_case: true, ..opts("seed.txt") });
    assert!(out.markdown.contains("impact on Central Asia will be"), "Central asia not fixed");
    assert!(out.markdown.contains("visit to Kazakhstan underscores"), "kazakhstan not fixed");
    assert!(out.markdown.contains("central points of discussion"), "common word capitalised");
    let case: Vec<(&str, &str)> = out
        .repairs
        .iter()
        .filter(|r| r.kind == RepairKind::Case)
        .map(|r| (r.before.as_str(), r.after.as_str()))
        .collect();
    assert_eq!(case, vec![("asia", "Asia"), ("kazakhstan", "Kazakhstan")]);
}

#[test]
fn windows_line_endings_give_the_same_result() {
    for (name, ..) in SHAPES.iter().filter(|s| s.0.ends_with(".txt")) {
        let input = read(name);
        let unix = input.replace("\r\n", "\n");
        let crlf = unix.replace('\n', "\r\n");
        let a = import_text(&unix, &opts(name));
        let b = import_text(&crlf, &opts(name));
        assert_eq!(a, b, "{name}");
        assert!(!b.markdown.contains('\r'), "{name}");
    }
}

#[test]
fn output_is_deterministic_and_idempotent_on_repairs() {
    let input = read("seed.txt");
    let a = import_text(&input, &opts("seed.txt"));
    let b = import_text(&input, &opts("seed.txt"));
    assert_eq!(a, b);
    // Importing the repaired body text again finds nothing left to repair.
    let body = a.markdown.split_once("\n---\n").map_or("", |(_, b)| b);
    let again = import_text(body, &opts("seed.txt"));
    assert!(again.repairs.is_empty(), "{:?}", again.repairs);
}

#[test]
fn front_matter_always_parses() {
    let nasty = "He said \"no\": it's 50% \\ #1 {x} [y] & *z*\u{7}\u{2028}.\nmore text here.";
    for input in [nasty, "", "   \n\n", "- only a list", "a | b\n---|---\n1 | 2", "\u{feff}Title\nBody text."] {
        let out = import_text(input, &opts("x.txt"));
        let yaml = out.markdown.strip_prefix("---\n").and_then(|r| r.split_once("\n---\n")).map(|(y, _)| y);
        let value: Result<serde_yaml::Value, _> = serde_yaml::from_str(yaml.unwrap_or("?"));
        assert!(value.as_ref().is_ok_and(|v| v.get("title").is_some()), "{input:?}: {:?}\n{}", value, out.markdown);
        let src = Source::new("x.md", out.markdown.as_str());
        let mut d = Diagnostics::new();
        let _ = parse(&src, &mut d);
        assert!(!d.has_errors(), "{input:?}: {:?}", d.items);
    }
    let out = import_text(nasty, &opts("x.txt"));
    let yaml = out.markdown.strip_prefix("---\n").and_then(|r| r.split_once("\n---\n")).map(|(y, _)| y);
    let value: serde_yaml::Value = serde_yaml::from_str(yaml.unwrap_or("")).unwrap_or(serde_yaml::Value::Null);
    assert_eq!(
        value.get("summary").and_then(|v| v.as_str()),
        Some("He said \"no\": it's 50% \\ #1 {x} [y] & *z*\u{7}\u{2028}.")
    );
}

#[test]
fn escaped_lines_stay_paragraphs_with_their_text() {
    let imported = import_case("escapes.txt");
    let doc = parse_clean("escapes", &imported.markdown);
    let texts: Vec<String> = doc
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Paragraph { content } => Some(plain_text(content)),
            _ => None,
        })
        .collect();
    assert!(texts.iter().any(|t| t == "# of participants rose sharply this year."), "{texts:?}");
    assert!(texts.iter().any(|t| t.starts_with("> quoted material")), "{texts:?}");
    assert!(texts.iter().any(|t| t.starts_with("1990. That was")), "{texts:?}");
    assert!(texts.iter().any(|t| t.starts_with("*Asterisk lines* and _underscores_")), "{texts:?}");
    assert!(texts.iter().any(|t| t == "| a lone pipe line stays a paragraph"), "{texts:?}");
}

#[test]
fn random_inputs_never_panic_and_keep_words() {
    // A tiny deterministic generator over fragments that stress every step.
    let frags = [
        "word", "Word", "WORD", ".", ",", ":", "|", "---", "- ", "1. ", "#", ">", "\n", "\r\n", " ", "<p>", "</p>",
        "<ul>", "<li>", "<table>", "<td>", "&amp;", "&#x41;", "é", "Ж", "中", "*", "_", "`", "[", "]", "\\", "e.g.",
        "x.com", "3.5", "a@b.c", "<nav>", "</nav>", "<h2>", "<script>", "</script>",
    ];
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    for _ in 0..300 {
        let mut s = String::new();
        for _ in 0..40 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            s.push_str(frags.get((seed % frags.len() as u64) as usize).copied().unwrap_or(""));
        }
        let text = import_text(&s, &opts("r.txt"));
        assert_keeps_words("random text", &s, &text.markdown);
        let src = Source::new("r.md", text.markdown.as_str());
        let mut d = Diagnostics::new();
        let _ = parse(&src, &mut d);
        assert!(!d.has_errors(), "{s:?}: {:?}", d.items);
        let _ = import_html(&s, &opts("r.html"));
    }
}

#[test]
fn large_inputs_take_linear_time() {
    // About 2 MB each; a quadratic step would take minutes, linear ones take well under a
    // second in release builds. The bound is generous for a loaded 2-core machine.
    let seed = read("seed.txt");
    let text = format!("{seed}\n").repeat(120);
    let html = format!(
        "<html><body>{}</body></html>",
        "<p class=\"x\" data-v='a>b'>Some text,here.</p><script>var a = 1 < 2;</script><ul><li>item</li></ul>"
            .repeat(20_000)
    );
    let started = std::time::Instant::now();
    let t = import_text(&text, &opts("big.txt"));
    let h = import_html(&html, &opts("big.html"));
    let took = started.elapsed();
    assert!(took.as_secs() < 20, "took {took:?}");
    assert_eq!(t.repairs.len(), 8 * 120);
    assert_eq!(h.repairs.len(), 20_000);
}

/// The command line: `brief import` with `--report`, and `brief build` on a `.txt` file.
#[test]
fn cli_imports_the_seed_and_builds_txt_directly() {
    let seed = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/import_cases/seed.txt");
    let bin = env!("CARGO_BIN_EXE_brief");
    let out = std::process::Command::new(bin)
        .args(["import", "--report"])
        .arg(&seed)
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .output()
        .expect("run brief import");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let md = String::from_utf8(out.stdout).expect("utf-8");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(md.lines().filter(|l| l.starts_with("## ")).count(), 7, "{md}");
    assert!(md.contains("date: \"2023-11-14\""), "date from SOURCE_DATE_EPOCH");
    assert!(err.contains("exchanges.As → exchanges. As"), "{err}");
    assert!(err.contains("brief: 8 repairs"), "{err}");

    let dir = std::env::temp_dir().join(format!("brief-import-cli-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let status = std::process::Command::new(bin)
        .arg("build")
        .arg(&seed)
        .arg("-o")
        .arg(&dir)
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .status()
        .expect("run brief build");
    assert!(status.success());
    for ext in ["pdf", "epub"] {
        let f = dir.join(format!("seed.{ext}"));
        assert!(std::fs::metadata(&f).map(|m| m.len() > 1000).unwrap_or(false), "{}", f.display());
    }
    let _ = std::fs::remove_dir_all(&dir);
}
