//! Golden tests of the Markdown front end: every `tests/cases/NAME.md` is parsed and its
//! tree, as pretty JSON, compared with `tests/cases/NAME.tree.json`. The diagnostics are
//! compared with `NAME.diags.txt` (one `line:col: severity: message` per line, empty when
//! clean). `UPDATE=1 cargo test --test tree_cases` rewrites the expected files; read them
//! before committing.

use brief::diag::Diagnostics;
use brief::doc::{Block, Document, Inline};
use brief::markdown::parse;
use brief::source::Source;
use std::fs;
use std::path::{Path, PathBuf};

fn cases() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = fs::read_dir("tests/cases")
        .expect("tests/cases exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    v.sort();
    v
}

fn parse_file(path: &Path) -> (Document, Diagnostics) {
    let src = Source::read(path).expect("case is readable UTF-8");
    let mut diags = Diagnostics::new();
    let doc = parse(&src, &mut diags);
    (doc, diags)
}

fn diag_lines(d: &Diagnostics) -> String {
    d.items
        .iter()
        .map(|d| {
            format!(
                "{}:{}: {}: {}\n",
                d.line,
                d.column,
                if d.is_error() { "error" } else { "warning" },
                d.message
            )
        })
        .collect()
}

#[test]
fn golden_trees() {
    let update = std::env::var_os("UPDATE").is_some();
    let mut failures = Vec::new();
    let all = cases();
    assert!(
        all.len() >= 14,
        "expected one case per construct family, found {}",
        all.len()
    );
    for md in all {
        let (doc, diags) = parse_file(&md);
        let json = serde_json::to_string_pretty(&doc).expect("tree serializes") + "\n";
        let diag_text = diag_lines(&diags);
        for (ext, actual) in [("tree.json", &json), ("diags.txt", &diag_text)] {
            let expected_path = md.with_extension(ext);
            if update {
                fs::write(&expected_path, actual).expect("write expected file");
                continue;
            }
            let expected = fs::read_to_string(&expected_path).unwrap_or_default();
            if &expected != actual {
                failures.push(format!(
                    "{} differs from the parse of {}:\n{}",
                    expected_path.display(),
                    md.display(),
                    actual
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Document → JSON → Document gives the same tree (on the richest cases).
#[test]
fn serde_round_trip() {
    for name in ["footnotes", "tables", "lists", "inline", "front-matter-yaml"] {
        let (doc, _) = parse_file(Path::new(&format!("tests/cases/{name}.md")));
        let json = serde_json::to_string(&doc).expect("serialize");
        let back: Document = serde_json::from_str(&json).expect("deserialize");
        assert_eq!(back, doc, "{name} round-trips");
        assert!(!doc.blocks.is_empty(), "{name} has blocks");
    }
}

/// The briefs of the shared corpus parse without errors or warnings.
#[test]
fn corpus_briefs_parse_cleanly() {
    let dir = Path::new("/work/shared/corpus/briefs");
    let Ok(entries) = fs::read_dir(dir) else { return };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    files.sort();
    let mut problems = String::new();
    for f in &files {
        let (doc, diags) = parse_file(f);
        for d in &diags.items {
            problems.push_str(&format!("{d}\n"));
        }
        assert!(!doc.meta.title.is_empty());
        assert!(!doc.blocks.is_empty(), "{} has a body", f.display());
    }
    assert!(problems.is_empty(), "corpus diagnostics:\n{problems}");
}

/// Spot checks that do not depend on golden files.
#[test]
fn headings_get_unique_slugs_and_title_falls_back() {
    let src = Source::new(
        "dir/my-notes.md",
        "# Intro\n\n## Intro\n\n## Other {#intro-1}\n\n## ???\n",
    );
    let mut d = Diagnostics::new();
    let doc = parse(&src, &mut d);
    let ids: Vec<&str> = doc
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Heading { id, .. } => Some(id.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(ids, ["intro", "intro-2", "intro-1", "section"]);
    assert_eq!(doc.meta.title, "Intro");
    assert_eq!(doc.meta.lang, "en");
    let src = Source::new("dir/my-notes.md", "plain text\n");
    let doc = parse(&src, &mut d);
    assert_eq!(doc.meta.title, "my-notes");
    assert!(d.items.is_empty(), "{:?}", d.items);
}

#[test]
fn empty_file_warns_and_gives_empty_document() {
    let src = Source::new("x/empty.md", "  \n\n");
    let mut d = Diagnostics::new();
    let doc = parse(&src, &mut d);
    assert!(doc.blocks.is_empty());
    assert_eq!(doc.meta.title, "empty");
    assert_eq!(d.items.len(), 1);
    assert!(!d.has_errors());
    assert!(d.items[0].message.contains("empty"), "{}", d.items[0]);
}

#[test]
fn forbidden_characters_are_removed_once_with_position() {
    let src = Source::new("c.md", "ok\n\na\u{1}b and \u{1} again\u{7}\n");
    let mut d = Diagnostics::new();
    let doc = parse(&src, &mut d);
    let Some(Block::Paragraph { content }) = doc.blocks.get(1) else {
        panic!("{:?}", doc.blocks)
    };
    assert_eq!(content, &[Inline::text("ab and  again")]);
    let found: Vec<(usize, usize)> = d.items.iter().map(|d| (d.line, d.column)).collect();
    assert_eq!(found, [(3, 2), (3, 16)], "{:?}", d.items);
}

/// Pseudo-random Markdown-ish inputs (deterministic LCG) never panic, always give a titled
/// document, and parse the same way twice.
#[test]
fn odd_inputs_never_panic_and_are_deterministic() {
    const PIECES: &[&str] = &[
        "---\n",
        "+++\n",
        "title: x\n",
        "title = 1\n",
        "# ",
        "\n",
        "\n\n",
        "- ",
        "1. ",
        "  ",
        "> ",
        "[^a]",
        "[^a]: ",
        "|",
        "|---|",
        ":-:",
        "`",
        "```",
        "~~~",
        "*",
        "_",
        "~~",
        "[",
        "]",
        "(",
        ")",
        "![",
        "](",
        "#",
        "{#id}",
        "<div>",
        "</div>",
        "<",
        ">",
        "&amp;",
        "\\",
        "é",
        "Ж",
        "\u{1}",
        "\t",
        "http://x",
        "javascript:y",
        "images/pin.png",
        "../x",
        "/abs",
        "Table: ",
        "- [ ] ",
        "\"",
        "'",
        "--",
        "...",
        "a",
        "word ",
    ];
    let mut state: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) as usize
    };
    for _ in 0..3000 {
        let len = next() % 40;
        let text: String = (0..len).map(|_| PIECES[next() % PIECES.len()]).collect();
        let src = Source::new("tests/cases/fuzz.md", text.clone());
        let mut d1 = Diagnostics::new();
        let a = parse(&src, &mut d1);
        let mut d2 = Diagnostics::new();
        let b = parse(&src, &mut d2);
        assert_eq!(a, b, "deterministic on {text:?}");
        assert_eq!(d1.items, d2.items, "deterministic diagnostics on {text:?}");
        assert!(!a.meta.title.is_empty(), "titled: {text:?}");
        let json = serde_json::to_string(&a).expect("serializes");
        let back: Document = serde_json::from_str(&json).expect("round-trips");
        assert_eq!(back, a, "round trip on {text:?}");
    }
}

#[test]
fn an_image_without_alt_text_is_a_warning_at_its_place() {
    let src = brief::source::Source::new("x.md", "Intro.\n\nSee ![](https://example.org/a.png) here.\n");
    let mut diags = brief::diag::Diagnostics::new();
    let _ = brief::markdown::parse(&src, &mut diags);
    let alt: Vec<_> = diags.items.iter().filter(|d| d.message.contains("no alt text")).collect();
    assert_eq!(alt.len(), 1, "{:?}", diags.items);
    assert_eq!((alt[0].line, alt[0].column), (3, 5));
    assert!(!alt[0].is_error());
}
