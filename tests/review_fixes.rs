//! Regressions for defects found in review: unbounded nesting, inline `<script>` content,
//! and the width of `.notdef` in the PDF.

use brief::diag::Diagnostics;
use brief::doc::{Block, Inline};
use brief::markdown::parse;
use brief::source::Source;

/// The deepest chain of quotes/lists/items in `blocks`.
fn depth(blocks: &[Block]) -> usize {
    // Iterative, so the test itself cannot overflow on a deep tree.
    let mut deepest = 0;
    let mut todo: Vec<(&[Block], usize)> = vec![(blocks, 0)];
    while let Some((bs, d)) = todo.pop() {
        deepest = deepest.max(d);
        for b in bs {
            match b {
                Block::BlockQuote { blocks } => todo.push((blocks, d + 1)),
                Block::List(list) => {
                    for item in &list.items {
                        todo.push((&item.blocks, d + 2));
                    }
                }
                _ => {}
            }
        }
    }
    deepest
}

fn text_of(blocks: &[Block]) -> String {
    let mut out = String::new();
    let mut todo: Vec<&Block> = blocks.iter().rev().collect();
    while let Some(b) = todo.pop() {
        match b {
            Block::Paragraph { content } => {
                out.push_str(&brief::doc::plain_text(content));
                out.push(' ');
            }
            Block::BlockQuote { blocks } => todo.extend(blocks.iter().rev()),
            Block::List(list) => {
                for item in list.items.iter().rev() {
                    todo.extend(item.blocks.iter().rev());
                }
            }
            _ => {}
        }
    }
    out
}

#[test]
fn quotes_nested_a_hundred_thousand_deep_are_flattened_with_one_warning() {
    let text = format!("# Deep\n\n{}the innermost words\n", "> ".repeat(100_000));
    let src = Source::new("deep.md", text);
    let mut diags = Diagnostics::new();
    // Parse on a small stack: nothing may recurse per level.
    let handle = std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(move || {
            let doc = parse(&src, &mut diags);
            let d = depth(&doc.blocks);
            let t = text_of(&doc.blocks);
            let warnings: Vec<String> = diags.warnings().map(|d| d.to_string()).collect();
            // Drop the tree on this small stack too.
            drop(doc);
            (d, t, warnings)
        })
        .expect("thread");
    let (d, t, warnings) = handle.join().expect("no stack overflow, no panic");
    assert!(d <= 256, "depth {d}");
    assert!(t.contains("the innermost words"), "{t}");
    let flattened: Vec<&String> = warnings.iter().filter(|w| w.contains("flattened")).collect();
    assert_eq!(flattened.len(), 1, "{warnings:?}");
    assert!(flattened[0].starts_with("deep.md:3:"), "{}", flattened[0]);
}

#[test]
fn inline_script_content_is_dropped_but_text_after_it_is_kept() {
    let src = Source::new("s.md", "Before <script>steal(document.cookie)</script> after.\n\nNext <style>p{}</style> paragraph.\n\nOpen <script>never closed\n\nStill here.\n");
    let mut diags = Diagnostics::new();
    let doc = parse(&src, &mut diags);
    let text = text_of(&doc.blocks);
    assert!(!text.contains("steal"), "{text}");
    assert!(!text.contains("p{}"), "{text}");
    assert!(!text.contains("never closed"), "{text}");
    for kept in ["Before", "after.", "Next", "paragraph.", "Still here."] {
        assert!(text.contains(kept), "{kept} missing: {text}");
    }
    // The opening tags stay in the tree for the backends' safe subset (which drops them);
    // the content and the end tags go.
    let html_count = doc
        .blocks
        .iter()
        .filter_map(|b| if let Block::Paragraph { content } = b { Some(content) } else { None })
        .flatten()
        .filter(|i| matches!(i, Inline::Html { .. }))
        .count();
    assert_eq!(html_count, 3, "{:?}", doc.blocks);
}
