//! Criterion benchmarks of the PDF path: shaping, line breaking, layout and PDF writing, on
//! the example brief and on the corpus's long report (when `../shared` is beside the repo).
//!
//! Run: `cargo bench -p brief-bench` (figures in the README).

use brief::fonts::Fonts;
use brief::layout::{self, PageSetup};
use brief_bench::load;
use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;
use std::path::Path;

fn pdf_options(doc: &brief::doc::Document) -> brief::pdf::PdfOptions {
    brief::pdf::PdfOptions {
        title: doc.meta.title.clone(),
        authors: doc.meta.authors.clone(),
        lang: doc.meta.lang.clone(),
        date: 1_700_000_000,
        ..Default::default()
    }
}

fn benches(c: &mut Criterion) {
    let fonts = Fonts::builtin().expect("fonts");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let example = root.join("sources/uzbekistan-kazakhstan-visit.md");
    let report = root.join("../shared/corpus/briefs/long-report.md");
    let paragraph = "In recent years, Uzbekistan and Kazakhstan have made significant strides in enhancing \
        their bilateral relations, particularly in the realm of security cooperation. Both nations recognize \
        the importance of regional stability, which has prompted a series of joint initiatives aimed at \
        combating common threats and ensuring safety along their shared borders.";

    c.bench_function("shape/paragraph", |b| b.iter(|| layout::bench::shape(&fonts, black_box(paragraph))));
    c.bench_function("linebreak/paragraph", |b| {
        b.iter(|| layout::bench::break_paragraph(&fonts, black_box(paragraph), 443.0))
    });
    // Issue 3's 500-page report: the long report's body 18 times over (headings renamed per
    // part so the outline and the anchors stay distinct), about 500 pages.
    let report500 = std::env::temp_dir().join(format!("brief-bench-report500-{}.md", std::process::id()));
    if let Ok(text) = std::fs::read_to_string(&report) {
        if let Some((front, body)) = text.strip_prefix("---\n").and_then(|t| t.split_once("\n---\n")) {
            let parts: String = (1..=18).map(|i| body.replace("\n## ", &format!("\n## Part {i}: "))).collect();
            let _ = std::fs::write(&report500, format!("---\n{front}\n---\n{parts}"));
        }
    }
    for (name, path) in [("example", &example), ("long-report", &report), ("report-500", &report500)] {
        let Some((doc, res)) = load(path) else {
            eprintln!("skipping {name}: {} not found", path.display());
            continue;
        };
        let setup = PageSetup::default();
        c.bench_function(&format!("layout/{name}"), |b| b.iter(|| layout::layout(black_box(&doc), &fonts, &res, &setup)));
        let pages = layout::layout(&doc, &fonts, &res, &setup);
        let opts = pdf_options(&doc);
        c.bench_function(&format!("pdf-write/{name}"), |b| {
            b.iter(|| brief::pdf::write(black_box(&pages), &fonts, &res, &opts).expect("pdf"))
        });
        c.bench_function(&format!("typeset-and-write/{name}"), |b| {
            b.iter(|| {
                let pages = layout::layout(black_box(&doc), &fonts, &res, &setup);
                brief::pdf::write(&pages, &fonts, &res, &opts).expect("pdf")
            })
        });
    }
    let _ = std::fs::remove_file(&report500);
}

criterion_group! {
    name = typeset;
    config = Criterion::default().sample_size(10);
    targets = benches
}
criterion_main!(typeset);
