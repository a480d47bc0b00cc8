//! The build pipeline: many sources, in parallel, into PDF and EPUB files.
//!
//! Each document is read, parsed, and — when it has no errors — rendered by both backends
//! at once (rayon: one task per document × backend); fonts are parsed once and shared. A
//! failed document never stops the others. Files are written atomically (a temporary file
//! in the output folder, then a rename), so a killed build never leaves a truncated PDF or
//! EPUB under a final name. Results come back in input order, whatever the thread count.

use crate::diag::{Diagnostic, Diagnostics};
use crate::fonts::Fonts;
use crate::layout::{self, PageSetup};
use crate::resources::Resources;
use crate::source::Source;
use crate::{epub, markdown, pdf};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// What to build and where.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub out_dir: PathBuf,
    pub pdf: bool,
    pub epub: bool,
    /// Worker threads; `None` for one per core.
    pub jobs: Option<usize>,
    /// Timestamp written into the outputs (seconds since the Unix epoch).
    pub epoch: i64,
}

/// The outcome for one source.
#[derive(Debug, Clone)]
pub struct DocReport {
    pub source: PathBuf,
    /// Files written.
    pub outputs: Vec<PathBuf>,
    pub diagnostics: Vec<Diagnostic>,
    pub pages: usize,
    pub millis: u128,
}

impl DocReport {
    pub fn failed(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// The timestamp for outputs: `SOURCE_DATE_EPOCH` when set (reproducible builds), else now.
pub fn epoch_from_env() -> Result<i64, String> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(v) => v.trim().parse::<i64>().map_err(|_| format!("SOURCE_DATE_EPOCH must be whole seconds, not {v:?}")),
        Err(_) => Ok(std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64)),
    }
}

/// Finds the Markdown sources among `paths`: files as given, directories searched
/// recursively for `*.md` (README.md files in directories are documentation and skipped).
/// Sorted, without duplicates.
pub fn collect_sources(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut found = Vec::new();
    for p in paths {
        if p.is_file() {
            found.push(p.clone());
        } else if p.is_dir() {
            walk(p, &mut found).map_err(|e| format!("{}: {e}", p.display()))?;
        } else {
            return Err(format!("{}: no such file or directory", p.display()));
        }
    }
    found.sort();
    found.dedup();
    Ok(found)
}

fn walk(dir: &Path, found: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)?.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            walk(&path, found)?;
        } else if path.extension().is_some_and(|e| e == "md")
            && !path.file_name().is_some_and(|n| n.eq_ignore_ascii_case("readme.md"))
        {
            found.push(path);
        }
    }
    Ok(())
}

/// Builds every source; reports come back in the order of `sources`.
pub fn build_all(sources: &[PathBuf], opts: &BuildOptions) -> Result<Vec<DocReport>, String> {
    let fonts = Fonts::builtin()?;
    std::fs::create_dir_all(&opts.out_dir).map_err(|e| format!("cannot create {}: {e}", opts.out_dir.display()))?;
    let mut builder = rayon::ThreadPoolBuilder::new().stack_size(64 << 20);
    if let Some(j) = opts.jobs {
        builder = builder.num_threads(j.max(1));
    }
    let pool = builder.build().map_err(|e| format!("cannot start worker threads: {e}"))?;
    let reports = pool.install(|| {
        use rayon::prelude::*;
        sources.par_iter().map(|s| build_guarded(s, &fonts, opts)).collect()
    });
    Ok(reports)
}

/// Builds one document; a bug that panics fails this document only.
fn build_guarded(path: &Path, fonts: &Fonts, opts: &BuildOptions) -> DocReport {
    let start = Instant::now();
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| build_one(path, fonts, opts)));
    let mut report = result.unwrap_or_else(|_| DocReport {
        source: path.to_path_buf(),
        outputs: Vec::new(),
        diagnostics: vec![Diagnostic::error(
            path.display().to_string(),
            1,
            1,
            "internal error while building this document (a bug in brief; please report it)",
        )],
        pages: 0,
        millis: 0,
    });
    report.millis = start.elapsed().as_millis();
    report
}

/// A rendered document, before it is written.
pub struct Rendered {
    pub pdf: Option<Vec<u8>>,
    pub epub: Option<Vec<u8>>,
    pub pages: usize,
}

/// Parses and renders a source in memory. Diagnostics go to `diags`; `None` when the
/// document has errors (nothing is to be written for it).
pub fn render(src: &Source, fonts: &Fonts, opts: &BuildOptions, diags: &mut Diagnostics) -> Option<Rendered> {
    let doc = markdown::parse(src, diags);
    if diags.has_errors() {
        return None;
    }
    layout::check_coverage(src, fonts, diags);
    let base = src.path.parent().map(Path::to_path_buf).unwrap_or_default();
    let (res, errors) = Resources::load(&doc, &base, &src.name());
    errors.into_iter().for_each(|e| diags.push(e));
    if diags.has_errors() {
        return None;
    }
    let name = src.name();
    let (pdf_result, epub_result) = rayon::join(
        || {
            opts.pdf.then(|| {
                let pages = layout::layout(&doc, fonts, &res, &PageSetup::default());
                let pdf_opts = pdf::PdfOptions {
                    title: doc.meta.title.clone(),
                    authors: doc.meta.authors.clone(),
                    subject: doc.meta.summary.clone(),
                    keywords: doc.meta.keywords.clone(),
                    lang: doc.meta.lang.clone(),
                    date: opts.epoch,
                };
                let n = pages.pages.len();
                pdf::write(&pages, fonts, &res, &pdf_opts).map(|b| (b, n))
            })
        },
        || opts.epub.then(|| epub::write(&doc, &res, &epub::EpubOptions { modified: opts.epoch })),
    );
    let mut out = Rendered { pdf: None, epub: None, pages: 0 };
    match pdf_result {
        Some(Ok((bytes, n))) => {
            out.pdf = Some(bytes);
            out.pages = n;
        }
        Some(Err(e)) => diags.push(Diagnostic::error(name.clone(), 1, 1, format!("cannot write the PDF: {e}"))),
        None => {}
    }
    match epub_result {
        Some(Ok(bytes)) => out.epub = Some(bytes),
        Some(Err(e)) => diags.push(Diagnostic::error(name, 1, 1, format!("cannot write the EPUB: {e}"))),
        None => {}
    }
    (!diags.has_errors()).then_some(out)
}

fn build_one(path: &Path, fonts: &Fonts, opts: &BuildOptions) -> DocReport {
    let mut report =
        DocReport { source: path.to_path_buf(), outputs: Vec::new(), diagnostics: Vec::new(), pages: 0, millis: 0 };
    let src = match Source::read(path) {
        Ok(s) => s,
        Err(d) => {
            report.diagnostics.push(d);
            return report;
        }
    };
    let mut diags = Diagnostics::new();
    let rendered = render(&src, fonts, opts, &mut diags);
    if let Some(r) = rendered {
        let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "brief".into());
        report.pages = r.pages;
        for (bytes, ext) in [(r.pdf, "pdf"), (r.epub, "epub")] {
            let Some(bytes) = bytes else { continue };
            let target = opts.out_dir.join(format!("{stem}.{ext}"));
            match write_atomically(&target, &bytes) {
                Ok(()) => report.outputs.push(target),
                Err(e) => diags.push(Diagnostic::error(src.name(), 1, 1, format!("cannot write {}: {e}", target.display()))),
            }
        }
    }
    report.diagnostics = diags.items;
    report
}

/// Writes `bytes` to a temporary file beside `target`, then renames it into place.
pub fn write_atomically(target: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let dir = target.parent().unwrap_or(Path::new("."));
    let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, target)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_leaves_no_temp_file() {
        let dir = std::env::temp_dir().join(format!("brief-atomic-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let target = dir.join("x.pdf");
        write_atomically(&target, b"%PDF-1.7 test").unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"%PDF-1.7 test");
        let names: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names.len(), 1, "{names:?}");
        // Writing into a folder that does not exist fails and leaves nothing behind.
        assert!(write_atomically(&dir.join("missing/x.pdf"), b"x").is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn collect_sources_finds_markdown_recursively_and_skips_readme() {
        let dir = std::env::temp_dir().join(format!("brief-collect-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("sub")).unwrap();
        for f in ["b.md", "README.md", "sub/a.md", "notes.txt"] {
            std::fs::write(dir.join(f), "x").unwrap();
        }
        let found = collect_sources(std::slice::from_ref(&dir)).unwrap();
        let names: Vec<_> = found.iter().map(|p| p.strip_prefix(&dir).unwrap().to_path_buf()).collect();
        assert_eq!(names, vec![PathBuf::from("b.md"), PathBuf::from("sub/a.md")]);
        assert!(collect_sources(&[dir.join("nope")]).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
