//! Front-matter diagnostics point at the right place in the source file, the corpus's bad
//! files give the messages their README promises, and deep nesting cannot overflow the stack.

use brief::diag::{Diagnostic, Diagnostics};
use brief::doc::{plain_text, Block, Document};
use brief::markdown::parse;
use brief::source::Source;
use std::path::Path;

fn parse_text(name: &str, text: &str) -> (Document, Diagnostics) {
    let src = Source::new(name, text);
    let mut d = Diagnostics::new();
    let doc = parse(&src, &mut d);
    (doc, d)
}

fn parse_file(path: &str) -> Option<(Document, Diagnostics)> {
    let src = Source::read(Path::new(path)).ok()?;
    let mut d = Diagnostics::new();
    let doc = parse(&src, &mut d);
    Some((doc, d))
}

fn only_error(d: &Diagnostics) -> &Diagnostic {
    let errors: Vec<&Diagnostic> = d.errors().collect();
    assert_eq!(errors.len(), 1, "exactly one error expected: {:?}", d.items);
    errors[0]
}

fn body_text(doc: &Document) -> String {
    doc.blocks
        .iter()
        .map(|b| match b {
            Block::Paragraph { content } | Block::Heading { content, .. } => plain_text(content),
            other => format!("{other:?}"),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn corpus_bad_front_matter_is_line_4_and_never_body_text() {
    let Some((doc, d)) = parse_file("/work/shared/corpus/bad/bad-front-matter.md") else {
        return;
    };
    let e = only_error(&d);
    assert_eq!(e.path, "/work/shared/corpus/bad/bad-front-matter.md");
    // `summary: Prices rose: then fell back: …`: the second colon is column 21.
    assert_eq!((e.line, e.column), (4, 21), "{e}");
    assert!(e.message.contains("mapping values are not allowed"), "{e}");
    assert!(!e.message.contains("line 3"), "block-relative line leaked into: {e}");
    let body = body_text(&doc);
    assert!(
        !body.contains("Regional Briefing Desk"),
        "front matter rendered as body: {body}"
    );
    assert!(body.starts_with("Fertiliser prices and the spring sowing"), "{body}");
    assert_eq!(
        doc.meta.title, "Fertiliser prices and the spring sowing",
        "falls back to the heading"
    );
}

#[test]
fn corpus_missing_image_is_line_13() {
    let Some((doc, d)) = parse_file("/work/shared/corpus/bad/missing-image.md") else {
        return;
    };
    let e = only_error(&d);
    assert_eq!((e.line, e.column), (13, 1), "{e}");
    assert!(e.message.contains("images/nope.png"), "{e}");
    assert!(
        matches!(doc.blocks.get(2), Some(Block::Figure { .. })),
        "the node stays in the tree"
    );
    assert!(body_text(&doc).contains("must still appear"));
}

#[test]
fn corpus_unknown_key_is_line_2_with_suggestion() {
    let Some((doc, d)) = parse_file("/work/shared/corpus/bad/unknown-key.md") else {
        return;
    };
    assert!(!d.has_errors(), "{:?}", d.items);
    assert_eq!(d.items.len(), 1, "{:?}", d.items);
    let w = &d.items[0];
    assert_eq!((w.line, w.column), (2, 1), "{w}");
    assert_eq!(w.message, "unknown key `titel`, did you mean `title`?");
    assert_eq!(doc.meta.title, "Cotton textiles in Uzbekistan");
    assert_eq!(
        doc.meta.subtitle.as_deref(),
        Some("From raw fibre to finished garments")
    );
    assert!(body_text(&doc).contains("built in full"));
}

#[test]
fn corpus_empty_file_warns() {
    let Some((doc, d)) = parse_file("/work/shared/corpus/bad/empty.md") else {
        return;
    };
    assert!(!d.has_errors());
    assert_eq!(d.items.len(), 1);
    assert!(
        d.items[0].to_string().contains("empty.md:1:1: warning: file is empty"),
        "{}",
        d.items[0]
    );
    assert_eq!(doc.meta.title, "empty");
    assert!(doc.blocks.is_empty());
}

#[test]
fn unknown_key_suggestions_and_far_keys() {
    let (_, d) = parse_text(
        "k.md",
        "---\ntitle: T\n\nathor: X\nkeyword: a\nfrobnicate: 1\n---\nbody\n",
    );
    let got: Vec<(usize, &str)> = d.items.iter().map(|w| (w.line, w.message.as_str())).collect();
    assert_eq!(got[0], (4, "unknown key `athor`, did you mean `author`?"));
    assert_eq!(got[1], (5, "unknown key `keyword`, did you mean `keywords`?"));
    assert_eq!(got[2].0, 6);
    assert!(
        got[2].1.starts_with("unknown key `frobnicate` (known keys: title"),
        "{}",
        got[2].1
    );
    assert!(!d.has_errors());
}

#[test]
fn yaml_wrong_type_points_at_the_value() {
    let (doc, d) = parse_text(
        "w.md",
        "---\ntitle: Fine\nauthors:\n  - A\n  - [nested, list]\n---\n# H\n",
    );
    let e = only_error(&d);
    assert_eq!((e.line, e.column), (5, 5), "{e}");
    assert!(e.message.contains("expected a string"), "{e}");
    assert_eq!(doc.meta.title, "H", "an erroneous block contributes nothing");
    let (_, d) = parse_text("w.md", "---\nsubtitle: {a: 1}\n---\n");
    let e = only_error(&d);
    assert_eq!((e.line, e.column), (2, 11), "{e}");
}

#[test]
fn toml_errors_point_into_the_file() {
    // Syntax error: unterminated string on file line 3.
    let (doc, d) = parse_text(
        "t.md",
        "+++\ntitle = \"ok\"\nsummary = \"never closed\nlang = \"en\"\n+++\n\nBody.\n",
    );
    let e = only_error(&d);
    assert_eq!(e.line, 3, "{e}");
    assert!(e.column > 10, "{e}");
    assert!(body_text(&doc).contains("Body."));
    assert!(!body_text(&doc).contains("never closed"));
    // Wrong type: an array where a string belongs, on file line 5, column 8.
    let (_, d) = parse_text("t.md", "+++\ntitle = \"ok\"\n\nauthor = \"X\"\nlang = [\"en\"]\n+++\n");
    let e = only_error(&d);
    assert_eq!((e.line, e.column), (5, 8), "{e}");
    assert!(e.message.contains("expected a string"), "{e}");
    // Duplicate key.
    let (_, d) = parse_text("t.md", "+++\ntitle = \"a\"\ntitle = \"b\"\n+++\n");
    let e = only_error(&d);
    assert_eq!((e.line, e.column), (3, 1), "{e}");
}

#[test]
fn yaml_tabs_and_duplicates_are_errors() {
    let (_, d) = parse_text("y.md", "---\ntitle: x\nauthors:\n\t- A\n---\n");
    let e = only_error(&d);
    assert_eq!((e.line, e.column), (4, 1), "{e}");
    assert!(e.message.contains("tab"), "{e}");
    let (_, d) = parse_text("y.md", "---\ntitle: a\nlang: en\ntitle: b\n---\n");
    let e = only_error(&d);
    assert_eq!((e.line, e.column), (4, 1), "{e}");
}

#[test]
fn unclosed_front_matter_is_an_error_and_hidden() {
    let (doc, d) = parse_text("u.md", "---\ntitle: x\nlang: en\n\n# Body\n");
    let e = only_error(&d);
    assert_eq!((e.line, e.column), (1, 1), "{e}");
    assert_eq!(body_text(&doc), "Body");
}

#[test]
fn dates_and_lists_from_both_syntaxes() {
    let (doc, d) = parse_text("a.md", "---\nauthor: Desk\ndate: 2024-10-15\nkeywords: [a, b]\n---\n");
    assert!(d.items.is_empty(), "{:?}", d.items);
    assert_eq!(
        (doc.meta.authors.as_slice(), doc.meta.date.as_deref()),
        (&["Desk".to_string()][..], Some("2024-10-15"))
    );
    assert_eq!(doc.meta.keywords, ["a", "b"]);
    let (doc, d) = parse_text(
        "a.md",
        "+++\nauthors = \"Desk\"\ndate = 2024-10-15T08:30:00Z\nkeywords = \"a, b\"\n+++\n",
    );
    assert!(d.items.is_empty(), "{:?}", d.items);
    assert_eq!(doc.meta.authors, ["Desk"]);
    assert_eq!(doc.meta.date.as_deref(), Some("2024-10-15T08:30:00Z"));
    assert_eq!(doc.meta.keywords, ["a", "b"]);
}

/// Nests bullet lists and block quotes `depth` levels deep.
fn deep_source(depth: usize) -> String {
    let mut s = String::new();
    for i in 0..depth {
        s.push_str(&"  ".repeat(i));
        s.push_str(&format!("- level {i}\n"));
    }
    s.push('\n');
    s.push_str(&"> ".repeat(depth));
    s.push_str("deep quote\n");
    s
}

fn list_depth(blocks: &[Block]) -> usize {
    let mut depth = 0;
    let mut current = blocks;
    while let Some(Block::List(list)) = current.iter().find(|b| matches!(b, Block::List(_))) {
        depth += 1;
        match list.items.first() {
            Some(item) => current = &item.blocks,
            None => break,
        }
    }
    depth
}

#[test]
fn sixty_deep_nesting_parses_on_a_small_stack() {
    for depth in [60usize, 400] {
        let text = deep_source(depth);
        let handle = std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(move || {
                let (doc, d) = parse_text("deep.md", &text);
                let found = list_depth(&doc.blocks);
                let quote = matches!(doc.blocks.get(1), Some(Block::BlockQuote { .. }));
                // Dropping the tree recurses too; do it here, on the small stack.
                drop(doc);
                (found, quote, d.items.len())
            })
            .expect("spawn");
        let (found, quote, diags) = handle.join().expect("no stack overflow");
        assert!(quote);
        if depth <= 100 {
            assert_eq!(found, depth);
            assert_eq!(diags, 0);
        } else {
            // Beyond 256 open quotes, lists and items (128 list levels) the parser flattens
            // the rest into the deepest level kept, with one warning.
            assert!((100..=128).contains(&found), "{found}");
            assert_eq!(diags, 1);
        }
    }
}
