//! Profiling harness: lays out and writes one source's PDF `N` times (default 30).
//! `cargo run --release --example profile_pdf -- FILE [N]`, then e.g. `perf record`.
use brief::diag::Diagnostics;
use brief::fonts::Fonts;
use brief::layout::{self, PageSetup};
use brief::resources::Resources;
use brief::source::Source;
use std::path::Path;
use std::time::Instant;

// The allocator the `brief` binary uses, so the figures match it.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: profile_pdf FILE [N]");
        std::process::exit(2);
    };
    let n: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(30);
    let path = Path::new(&path);
    let src = match Source::read(path) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e:?}");
            std::process::exit(1);
        }
    };
    let fonts = Fonts::builtin().expect("built-in fonts parse");
    let mut diags = Diagnostics::new();
    let doc = brief::markdown::parse(&src, &mut diags);
    let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let (res, _) = Resources::load(&doc, &base, &src.name());
    let setup = PageSetup::default();
    let opts = brief::pdf::PdfOptions { title: doc.meta.title.clone(), lang: doc.meta.lang.clone(), ..Default::default() };
    let (mut tl, mut tw, mut bytes, mut pages) = (0.0, 0.0, 0, 0);
    for _ in 0..n {
        let t = Instant::now();
        let laid = layout::layout(&doc, &fonts, &res, &setup);
        let t2 = Instant::now();
        let pdf = brief::pdf::write(&laid, &fonts, &res, &opts).expect("pdf");
        tl += (t2 - t).as_secs_f64();
        tw += t2.elapsed().as_secs_f64();
        bytes = pdf.len();
        pages = laid.pages.len();
    }
    eprintln!("{pages} pages, {bytes} bytes; layout {:.2} ms, write {:.2} ms (mean of {n})", tl * 1e3 / n as f64, tw * 1e3 / n as f64);
}
