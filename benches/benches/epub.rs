//! Criterion benchmarks of the EPUB path: the example brief's EPUB written from its tree
//! (goal: under 3 ms warm; pandoc needs ~58 ms for it), with the page-list of a PDF built
//! in the same run, and on the corpus's long report when `../shared` is beside the repo.
//!
//! Run: `cargo bench -p brief-bench --bench epub` (figures in the README).

use brief::epub::{self, EpubOptions};
use brief::fonts::Fonts;
use brief::layout::{self, PageSetup};
use brief_bench::load;
use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;
use std::path::Path;

fn benches(c: &mut Criterion) {
    let fonts = Fonts::builtin().expect("fonts");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let example = root.join("sources/uzbekistan-kazakhstan-visit.md");
    let report = root.join("../shared/corpus/briefs/long-report.md");
    for (name, path) in [("example", &example), ("long-report", &report)] {
        let Some((doc, res)) = load(path) else {
            eprintln!("skipping {name}: {} not found", path.display());
            continue;
        };
        // As `brief build` writes it with both formats: with the PDF's page starts.
        let laid = layout::layout(&doc, &fonts, &res, &PageSetup::default());
        let opts = EpubOptions { modified: 1_700_000_000, page_starts: laid.page_starts, ..EpubOptions::default() };
        c.bench_function(&format!("epub-write/{name}"), |b| {
            b.iter(|| epub::write(black_box(&doc), &res, &opts).expect("epub"))
        });
    }
}

criterion_group! {
    name = epub_write;
    config = Criterion::default().sample_size(50);
    targets = benches
}
criterion_main!(epub_write);
