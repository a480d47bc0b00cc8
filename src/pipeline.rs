//! The build pipeline: many sources, in parallel, into PDF and EPUB files.
//!
//! Each document is read, checked against the incremental-build manifest (see
//! [`crate::manifest`]), and — when it changed and has no errors — rendered by both backends
//! at once (rayon: one task per document × backend); fonts are parsed once and shared. A
//! failed document never stops the others. Files are written atomically (a temporary file
//! in the output folder, then a rename), so a killed build never leaves a truncated PDF or
//! EPUB under a final name. Results come back in input order, whatever the thread count.
//!
//! A source's bytes become Markdown text in one place, [`load_source`]; other input
//! formats (issue 8's `.txt` import) hook in there and in [`SOURCE_EXTENSIONS`].

use crate::config::Config;
use crate::diag::{Diagnostic, Diagnostics};
use crate::doc::Document;
use crate::fonts::Fonts;
use crate::manifest::{self, Dep, Entry, Manifest, OutputFile, StoredWarning};
use crate::resources::Resources;
use crate::source::Source;
use crate::{epub, layout, markdown, pdf};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

/// File extensions (lowercase, without the dot) that folders are searched for.
pub const SOURCE_EXTENSIONS: &[&str] = &["md"];

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
    /// Whether `epoch` was fixed by `SOURCE_DATE_EPOCH` (then it is part of what the
    /// outputs depend on; a clock time is not).
    pub epoch_fixed: bool,
    /// The project configuration (defaults when there is no `brief.toml`).
    pub config: Config,
    /// Skip documents whose outputs are up to date (the manifest in `out_dir`).
    pub incremental: bool,
    /// Build every document even when it is up to date (the manifest is still updated).
    pub force: bool,
    /// Embed the built-in fonts in the EPUB (`--epub-fonts`; `brief.toml`'s
    /// `document.epub_fonts` also turns it on).
    pub epub_fonts: bool,
    /// The process ends with this build (`brief build`, not `watch`): what would only be
    /// freed before the process exits (the worker threads and their caches, a lone
    /// document's tree and pages) is left for the operating system to reclaim at exit,
    /// which it does in one sweep anyway. Freeing it took 0.2-0.3 ms of a one-brief build.
    pub exiting: bool,
}

impl BuildOptions {
    /// Both formats into `out_dir`, all cores, the current time, default config,
    /// incremental.
    pub fn new(out_dir: impl Into<PathBuf>) -> Self {
        BuildOptions {
            out_dir: out_dir.into(),
            pdf: true,
            epub: true,
            jobs: None,
            epoch: 0,
            epoch_fixed: true,
            config: Config::default(),
            incremental: true,
            force: false,
            epub_fonts: false,
            exiting: false,
        }
    }

    /// The output file names for a source (`STEM.pdf`, `STEM.epub`) that these options ask for.
    pub fn output_names(&self, source: &Path) -> Vec<String> {
        let stem = source.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "brief".into());
        let mut v = Vec::new();
        if self.pdf {
            v.push(format!("{stem}.pdf"));
        }
        if self.epub {
            v.push(format!("{stem}.epub"));
        }
        v
    }
}

/// The outcome for one source.
#[derive(Debug, Clone)]
pub struct DocReport {
    pub source: PathBuf,
    /// Files written (or, when up to date, the files that were already there).
    pub outputs: Vec<PathBuf>,
    pub diagnostics: Vec<Diagnostic>,
    pub pages: usize,
    /// Total size of `outputs`.
    pub bytes: u64,
    pub millis: u128,
    /// Nothing it depends on changed: it was not built again.
    pub up_to_date: bool,
    /// What to record in the manifest (built without errors).
    entry: Option<(String, Entry)>,
}

impl DocReport {
    fn new(source: &Path) -> Self {
        DocReport {
            source: source.to_path_buf(),
            outputs: Vec::new(),
            diagnostics: Vec::new(),
            pages: 0,
            bytes: 0,
            millis: 0,
            up_to_date: false,
            entry: None,
        }
    }

    pub fn failed(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    pub fn warnings(&self) -> usize {
        self.diagnostics.iter().filter(|d| !d.is_error()).count()
    }
}

/// The timestamp for outputs and whether it is fixed: `SOURCE_DATE_EPOCH` when set
/// (reproducible builds), else now.
pub fn epoch_from_env() -> Result<(i64, bool), String> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(v) => v
            .trim()
            .parse::<i64>()
            .map(|e| (e, true))
            .map_err(|_| format!("SOURCE_DATE_EPOCH must be whole seconds, not {v:?}")),
        Err(_) => Ok((
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64),
            false,
        )),
    }
}

/// Finds the sources among `paths`: files as given, directories searched recursively for
/// files with a [`SOURCE_EXTENSIONS`] extension (README.md files in directories are
/// documentation and skipped). Sorted, without duplicates.
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
        } else if path.extension().is_some_and(|e| SOURCE_EXTENSIONS.iter().any(|x| e.eq_ignore_ascii_case(x)))
            && !path.file_name().is_some_and(|n| n.eq_ignore_ascii_case("readme.md"))
        {
            found.push(path);
        }
    }
    Ok(())
}

/// The one place where a source file's bytes become the Markdown text brief parses.
/// Today every source is Markdown (UTF-8, a BOM accepted). Issue 8: a `.txt` source will be
/// converted here (`brief::import`), keeping `path` so messages still name the file.
pub fn load_source(path: &Path, bytes: Vec<u8>) -> Result<Source, Diagnostic> {
    load_source_in(path, bytes, None)
}

/// [`load_source`] for bytes in a named encoding (`--encoding`; `None` is UTF-8).
pub fn load_source_in(path: &Path, bytes: Vec<u8>, encoding: Option<&str>) -> Result<Source, Diagnostic> {
    let src = match encoding.map(|l| (l, Source::encoding_for_label(l))) {
        None => Source::from_bytes(path, bytes)?,
        Some((_, Some(enc))) => Source::from_bytes_in(path, bytes, enc)?,
        Some((label, None)) => {
            return Err(Diagnostic::error(path.display().to_string(), 1, 1, format!("unknown encoding `{label}`")))
        }
    };
    let ext = path.extension().map(|e| e.to_string_lossy().to_ascii_lowercase());
    match ext.as_deref() {
        // A scraped article (plain text or a saved page): imported in memory with the
        // spacing repairs on (`brief import` shows the Markdown it makes).
        Some("txt" | "html" | "htm") => {
            let opts = crate::import::ImportOptions {
                repair: true,
                fix_case: false,
                source_name: path.file_name().map(|n| n.to_string_lossy().into_owned()),
                date: crate::import::date_from_epoch(epoch_from_env().map_or(0, |(e, _)| e)),
            };
            let html = ext.as_deref() != Some("txt") || crate::import::looks_like_html(&src.text);
            let imported = if html {
                crate::import::import_html(&src.text, &opts)
            } else {
                crate::import::import_text(&src.text, &opts)
            };
            Ok(Source::new(path, imported.markdown))
        }
        _ => Ok(src),
    }
}

/// The shard (0-based, below `n`) a source belongs to: a hash of its path as written,
/// with `/` separators and no `./`, so every machine splits a batch the same way.
pub fn shard_of(path: &Path, n: usize) -> usize {
    let normal: Vec<String> = path
        .components()
        .filter(|c| !matches!(c, std::path::Component::CurDir))
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let digest = blake3::hash(normal.join("/").as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest.as_bytes()[..8]);
    (u64::from_le_bytes(first) % n.max(1) as u64) as usize
}

/// The sources of shard `k` of `n` (1-based `k`).
pub fn select_shard(sources: Vec<PathBuf>, k: usize, n: usize) -> Vec<PathBuf> {
    sources.into_iter().filter(|s| shard_of(s, n) + 1 == k).collect()
}

/// A digest of everything besides the source and its images that outputs depend on:
/// brief's version, the fonts (the built-in faces' digest is a compile-time constant; only
/// font files named in `brief.toml` are hashed, when they are loaded), the parsed config,
/// and a fixed timestamp.
fn environment_digest(fonts: &Fonts, opts: &BuildOptions) -> String {
    let mut h = blake3::Hasher::new();
    h.update(b"brief ");
    h.update(env!("CARGO_PKG_VERSION").as_bytes());
    h.update(&fonts.digest());
    h.update(&opts.config.digest());
    // Embedded fonts change the EPUB. (Which formats are built is left out on purpose:
    // an EPUB built with its PDF carries a page-list, and it stays valid, and up to date,
    // when a later run asks for one format only.)
    h.update(&[u8::from(opts.epub_fonts)]);
    if opts.epoch_fixed {
        h.update(&opts.epoch.to_le_bytes());
    }
    h.finalize().to_hex().to_string()
}

/// What every document of a run shares.
struct Run<'a> {
    fonts: &'a Fonts,
    opts: &'a BuildOptions,
    manifest: Manifest,
    env: String,
    /// The run builds one document: its tree and pages are freed on the idle worker, or
    /// left to the process's exit ([`render_with`]).
    lone: bool,
}

/// Builds every source; reports come back in the order of `sources`.
pub fn build_all(sources: &[PathBuf], opts: &BuildOptions) -> Result<Vec<DocReport>, String> {
    build_all_with(sources, opts, &|_| {})
}

/// [`build_all`], calling `done` (from a worker thread) as each document finishes.
pub fn build_all_with(
    sources: &[PathBuf],
    opts: &BuildOptions,
    done: &(dyn Fn(&DocReport) + Sync),
) -> Result<Vec<DocReport>, String> {
    let mut builder = rayon::ThreadPoolBuilder::new().stack_size(64 << 20);
    if let Some(j) = opts.jobs {
        builder = builder.num_threads(j.max(1));
    }
    let pool = builder.build().map_err(|e| format!("cannot start worker threads: {e}"))?;
    // The faces of `brief.toml`'s `[fonts]` (a bad font file fails the whole run: every
    // document would be set in it), the output folder and its manifest. With one
    // document, its source is read and parsed meanwhile on the other worker: the parse
    // does not need the faces, and nothing else would run beside them.
    let lone = sources.len() == 1;
    let setup = || -> Result<(Fonts, Manifest), String> {
        let fonts = Fonts::for_config(&opts.config.fonts, &opts.config.root)
            .map_err(|d| format!("{}:{}:{}: {}", d.path, d.line, d.column, d.message))?;
        std::fs::create_dir_all(&opts.out_dir).map_err(|e| format!("cannot create {}: {e}", opts.out_dir.display()))?;
        let manifest = if opts.incremental { Manifest::load(&opts.out_dir) } else { Manifest::default() };
        Ok((fonts, manifest))
    };
    let (setup, early) = match sources {
        [only] => pool.install(|| {
            rayon::join(
                || {
                    // The faces and the manifest load in half the time the source takes
                    // to parse: this worker then builds what layout and the writers would
                    // build on first use later, when both cores are busy (the pair tables'
                    // kerning, its compressor).
                    let setup = setup();
                    if let Ok((fonts, _)) = &setup {
                        layout::warm(fonts);
                        crate::deflate::warm();
                    }
                    setup
                },
                || {
                    // A bug that panics here panics again in `build_guarded`, which reports it.
                    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| read_early(only, opts))).ok()
                },
            )
        }),
        _ => (setup(), None),
    };
    let (fonts, manifest) = setup?;
    let run = Run { fonts: &fonts, opts, env: environment_digest(&fonts, opts), manifest, lone };
    let reports: Vec<DocReport> = pool.install(|| match (sources, early) {
        ([only], Some(early)) => {
            let r = build_guarded(only, &run, Some(early));
            done(&r);
            vec![r]
        }
        _ => {
            use rayon::prelude::*;
            sources
                .par_iter()
                .map(|s| {
                    let r = build_guarded(s, &run, None);
                    done(&r);
                    r
                })
                .collect()
        }
    });
    if opts.incremental {
        let mut manifest = run.manifest.clone();
        for r in &reports {
            let key = manifest_key(&r.source);
            match &r.entry {
                Some((k, e)) => {
                    manifest.documents.insert(k.clone(), e.clone());
                }
                None if r.failed() => {
                    manifest.documents.remove(&key);
                }
                None => {}
            }
        }
        // Sources that are gone take their records with them (their outputs are left).
        manifest.documents.retain(|k, _| Path::new(k).is_file());
        if manifest != run.manifest {
            manifest
                .save(&opts.out_dir)
                .map_err(|e| format!("cannot write {}: {e}", opts.out_dir.join(manifest::FILE_NAME).display()))?;
        }
    }
    if opts.exiting {
        // The workers would wake up to free their caches and end while the process
        // prints its summary; at exit the system reclaims it all in one sweep.
        std::mem::forget(pool);
    }
    Ok(reports)
}

/// The manifest key of a source: its absolute path.
fn manifest_key(path: &Path) -> String {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()).display().to_string()
}

/// Builds one document; a bug that panics fails this document only.
fn build_guarded(path: &Path, run: &Run<'_>, early: Option<Early>) -> DocReport {
    let start = Instant::now();
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| build_one(path, run, early)));
    let mut report = result.unwrap_or_else(|_| {
        let mut r = DocReport::new(path);
        r.diagnostics.push(Diagnostic::error(
            path.display().to_string(),
            1,
            1,
            "internal error while building this document (a bug in brief; please report it)",
        ));
        r
    });
    report.millis = start.elapsed().as_millis();
    report
}

/// A rendered document: its outputs as bytes ([`render`]), or as they were passed on
/// (staged beside their final names, when `brief build` writes them).
pub struct Rendered<T = Vec<u8>> {
    pub pdf: Option<T>,
    pub epub: Option<T>,
    pub pages: usize,
    /// The local files the document references (images and cover), resolved, whether or
    /// not they exist: its dependencies besides the source.
    pub deps: Vec<PathBuf>,
}

/// Parses a source and loads its images, with the project config applied (the config's
/// classification banner when the front matter names none). `None` when it has errors.
pub fn prepare(src: &Source, config: &Config, diags: &mut Diagnostics) -> Option<(Document, Resources)> {
    let mut doc = parse(src, config, diags);
    if diags.has_errors() {
        return None;
    }
    if doc.meta.classification.is_none() {
        doc.meta.classification = config.document.classification.clone();
    }
    // The project's contents policy, unless the front matter says `toc:` itself.
    if doc.meta.toc.is_none() {
        doc.meta.toc = match config.document.toc {
            crate::config::TocPolicy::Auto => None,
            crate::config::TocPolicy::Always => Some(true),
            crate::config::TocPolicy::Never => Some(false),
        };
    }
    let base = src.path.parent().map(Path::to_path_buf).unwrap_or_default();
    let at = crate::resources::positions(&doc, src);
    let (res, errors) = Resources::load_at(&doc, &base, &src.name(), &at);
    errors.into_iter().for_each(|e| diags.push(e));
    (!diags.has_errors()).then_some((doc, res))
}

/// [`markdown::parse_with`]; on a worker, the body is parsed here while the front matter
/// is left to another worker, should one be free (a lone document is parsed while the
/// faces load: see [`build_all_with`]).
fn parse(src: &Source, config: &Config, diags: &mut Diagnostics) -> Document {
    let parse_opts = markdown::ParseOptions { allow_outside: config.allowed_outside() };
    let (body, front) = if rayon::current_thread_index().is_some() {
        rayon::join(|| markdown::parse_body(src, &parse_opts), || markdown::parse_front(src, &parse_opts))
    } else {
        (markdown::parse_body(src, &parse_opts), markdown::parse_front(src, &parse_opts))
    };
    markdown::assemble(src, front, body, diags)
}

/// The local files a document references, resolved against `base`.
fn image_deps(doc: &Document, base: &Path) -> Vec<PathBuf> {
    let mut srcs = Vec::new();
    crate::doc::visit_images(&doc.blocks, &mut |img| srcs.push(img.src.clone()));
    srcs.extend(doc.meta.cover.clone());
    srcs.sort();
    srcs.dedup();
    srcs.into_iter().filter(|s| crate::resources::is_local(s)).map(|s| base.join(s)).collect()
}

/// Parses and renders a source in memory. Diagnostics go to `diags`; `None` when the
/// document has errors (nothing is to be written for it).
pub fn render(src: &Source, fonts: &Fonts, opts: &BuildOptions, diags: &mut Diagnostics) -> Option<Rendered> {
    render_with(src, fonts, opts, diags, None, true, Free::Here, &|bytes, _| Ok(bytes))
}

/// A source read, decoded and parsed ahead of the faces ([`build_all_with`] with one
/// document): the hash of its bytes and the parse, or why it could not be read.
type Early = Result<(String, Result<Parsed, Diagnostic>), Diagnostic>;

/// A source and its parse: the parser's diagnostics, and the tree and images when it
/// has no errors ([`prepare`]).
struct Parsed {
    src: Source,
    diags: Diagnostics,
    tree: Option<(Document, Resources)>,
}

/// Reads, decodes and parses `path` as [`build_one`] would (without the faces).
fn read_early(path: &Path, opts: &BuildOptions) -> Early {
    let bytes = crate::source::read_limited(path, opts.config.build.input_limit())?;
    let hash = manifest::hash(&bytes);
    let parsed = load_source_in(path, bytes, opts.config.build.encoding.as_deref()).map(|src| {
        let mut diags = Diagnostics::new();
        let tree = prepare(&src, &opts.config, &mut diags);
        Parsed { src, diags, tree }
    });
    Ok((hash, parsed))
}

/// The page starts of a document being laid out, for the EPUB waiting for them on another
/// worker: told once layout is done or, should layout fail (a bug that panics), told that
/// there are none when this is dropped, so the EPUB's side never waits forever.
struct Tell<'a>(&'a std::sync::OnceLock<Option<Vec<crate::layout::PageStart>>>);

impl Tell<'_> {
    fn tell(&self, starts: Option<Vec<crate::layout::PageStart>>) {
        let _ = self.0.set(starts);
    }
}

impl Drop for Tell<'_> {
    fn drop(&mut self) {
        self.tell(None);
    }
}

/// Where a rendered document's tree and pages are freed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Free {
    /// On the thread that made them, when they go out of scope.
    Here,
    /// On another worker, while the outputs are renamed into place.
    Aside,
    /// Not at all: the process is about to exit ([`BuildOptions::exiting`]).
    AtExit,
}

/// [`render`], handing each output to `pass` (with its extension, `.pdf` or `.epub`) on the
/// thread that made it, as soon as it is made: `brief build` stages the file there while
/// the other format is still being written. An `Err` from `pass` is an error of the
/// document. When the document has errors, whatever `pass` returned is dropped.
/// `parsed`: the source's tree, when it was parsed ahead (its diagnostics are in `diags`).
/// `lone`: the document is built alone (not in a batch), so a core is idle beside layout.
/// `free`: where the document's tree and pages are freed (see below).
fn render_with<T: Send>(
    src: &Source,
    fonts: &Fonts,
    opts: &BuildOptions,
    diags: &mut Diagnostics,
    parsed: Option<Option<(Document, Resources)>>,
    lone: bool,
    free: Free,
    pass: &(dyn Fn(Vec<u8>, &'static str) -> Result<T, String> + Sync),
) -> Option<Rendered<T>> {
    let (doc, res) = match parsed {
        None => {
            layout::check_coverage(src, fonts, diags);
            prepare(src, &opts.config, diags)?
        }
        Some(tree) => {
            // Parsed before the faces were there: the warnings about characters no face
            // has go first all the same.
            let mut first = Diagnostics::new();
            layout::check_coverage(src, fonts, &mut first);
            first.items.append(&mut diags.items);
            *diags = first;
            tree?
        }
    };
    let abs = std::path::absolute(&src.path).unwrap_or_else(|_| src.path.clone());
    let deps = image_deps(&doc, abs.parent().unwrap_or(Path::new(".")));
    let name = src.name();
    let setup = opts.config.page_setup();
    let epub_opts = epub::EpubOptions {
        modified: opts.epoch,
        page_starts: Vec::new(),
        chapter_level: opts.config.document.chapter_level.map(|l| l.0),
        embed_fonts: opts.config.document.epub_fonts || opts.epub_fonts,
        extra_css: opts.config.theme_css(),
        fonts: epub::BookFonts::of(fonts),
    };
    let pdf_opts = pdf::PdfOptions {
        title: doc.meta.title.clone(),
        authors: doc.meta.authors.clone(),
        subject: doc.meta.summary.clone(),
        keywords: doc.meta.keywords.clone(),
        lang: doc.meta.lang.clone(),
        date: opts.epoch,
    };
    let write_pdf = |pages: &layout::LaidOut| {
        let bytes = pdf::write(pages, fonts, &res, &pdf_opts).map_err(|e| format!("cannot write the PDF: {e}"))?;
        Ok::<_, String>((pass(bytes, ".pdf")?, pages.pages.len()))
    };
    let write_epub = |epub_opts: &epub::EpubOptions, skeleton: Option<epub::Skeleton>| {
        let bytes = epub::write_with(&doc, &res, epub_opts, skeleton).map_err(|e| format!("cannot write the EPUB: {e}"))?;
        pass(bytes, ".epub")
    };
    let (laid, pdf_result, epub_result) = match (opts.pdf, opts.epub) {
        // With both formats, the EPUB's page markers and page-list need the PDF's page
        // starts: in a batch, where every worker has documents of its own, layout runs
        // first, then both writers at once.
        (true, true) if !lone => {
            let laid = layout::layout(&doc, fonts, &res, &setup);
            let epub_opts = epub::EpubOptions { page_starts: laid.page_starts.clone(), ..epub_opts };
            let (pdf_result, epub_result) = rayon::join(|| write_pdf(&laid), || write_epub(&epub_opts, None));
            (Some(laid), Some(pdf_result), Some(epub_result))
        }
        // A document alone has the other core to itself while layout fills the pages (the
        // one stretch of layout on a single thread): the part of the EPUB that does not
        // need the page starts (epub-builder's files) is made there; the PDF is written
        // as soon as the pages are filled, and the rest of the EPUB as soon as those files
        // are made and the page starts are known. (In a batch this would not pay: the
        // skeleton takes a rendering of the book of its own, and the other core is busy.)
        (true, true) => {
            let starts = std::sync::OnceLock::new();
            // Whatever happens to layout, the EPUB's side is told (`None`: no pages): the
            // continuation owns the teller, and a layout that panics drops it unwinding,
            // before the panic waits for the EPUB's side to end.
            let told = Tell(&starts);
            let ((laid, pdf_result), epub_result) = layout::layout_beside(
                &doc,
                fonts,
                &res,
                &setup,
                move |laid| {
                    told.tell(Some(laid.page_starts.clone()));
                    let pdf_result = write_pdf(&laid);
                    (laid, pdf_result)
                },
                || {
                    let skeleton = epub::skeleton(&doc, &res, &epub_opts, true).ok();
                    // (An error making the skeleton comes again from writing the EPUB.)
                    let page_starts = starts.wait().clone()?;
                    let epub_opts = epub::EpubOptions { page_starts, ..epub_opts.clone() };
                    Some(write_epub(&epub_opts, skeleton))
                },
            );
            (Some(laid), Some(pdf_result), epub_result)
        }
        (true, false) => {
            let laid = layout::layout(&doc, fonts, &res, &setup);
            let pdf_result = write_pdf(&laid);
            (Some(laid), Some(pdf_result), None)
        }
        // With the EPUB alone, nothing is laid out (there is no PDF whose pages a
        // page-list could cite).
        (false, true) => (None, None, Some(write_epub(&epub_opts, None))),
        (false, false) => (None, None, None),
    };
    let mut out = Rendered { pdf: None, epub: None, pages: 0, deps };
    match pdf_result {
        Some(Ok((bytes, n))) => {
            out.pdf = Some(bytes);
            out.pages = n;
        }
        Some(Err(e)) => diags.push(Diagnostic::error(name.clone(), 1, 1, e)),
        None => {}
    }
    match epub_result {
        Some(Ok(bytes)) => out.epub = Some(bytes),
        Some(Err(e)) => diags.push(Diagnostic::error(name, 1, 1, e)),
        None => {}
    }
    // The tree and the laid-out pages are tens of thousands of small allocations. With one
    // document, the other worker has nothing to do: it frees them while the outputs are
    // renamed into place (0.5 ms of a one-brief build). In a batch every worker is busy,
    // and memory freed by a thread that did not allocate it is reused late: freed here,
    // as before (peak memory of 1,000 briefs was 161 MB the other way, 44 MB this way).
    // When the process ends with this document, nothing frees them: exit does.
    match free {
        Free::Here => {}
        Free::Aside => rayon::spawn(move || drop((laid, doc, res))),
        Free::AtExit => std::mem::forget((laid, doc, res)),
    }
    (!diags.has_errors()).then_some(out)
}

fn build_one(path: &Path, run: &Run<'_>, early: Option<Early>) -> DocReport {
    let opts = run.opts;
    let mut report = DocReport::new(path);
    // The source's bytes, or its parse when it was parsed ahead.
    enum Loaded {
        Bytes(Vec<u8>),
        Parsed(Result<Parsed, Diagnostic>),
    }
    let read = match early {
        Some(early) => early.map(|(hash, parsed)| (hash, Loaded::Parsed(parsed))),
        None => crate::source::read_limited(path, opts.config.build.input_limit())
            .map(|bytes| (manifest::hash(&bytes), Loaded::Bytes(bytes))),
    };
    let (source_hash, loaded) = match read {
        Ok(r) => r,
        Err(d) => {
            report.diagnostics.push(d);
            return report;
        }
    };
    let key = manifest_key(path);
    let names = opts.output_names(path);
    if opts.incremental && !opts.force {
        if let Some(e) = run.manifest.fresh(&key, &run.env, &source_hash, &opts.out_dir, &names) {
            report.up_to_date = true;
            report.pages = e.pages;
            for name in &names {
                report.outputs.push(opts.out_dir.join(name));
                report.bytes += e.outputs.iter().find(|o| &o.name == name).map_or(0, |o| o.bytes);
            }
            report.diagnostics = e
                .warnings
                .iter()
                .map(|w| Diagnostic::warning(w.path.clone(), w.line, w.column, w.message.clone()))
                .collect();
            return report;
        }
    }
    let loaded = match loaded {
        Loaded::Bytes(bytes) => load_source_in(path, bytes, opts.config.build.encoding.as_deref())
            .map(|src| Parsed { src, diags: Diagnostics::new(), tree: None })
            .map(|p| (p, false)),
        Loaded::Parsed(parsed) => parsed.map(|p| (p, true)),
    };
    let (Parsed { src, mut diags, tree }, ahead) = match loaded {
        Ok(l) => l,
        Err(d) => {
            report.diagnostics.push(d);
            return report;
        }
    };
    // Each output is staged (written to a temporary file beside its final name) by the
    // thread that made it; both are renamed into place once the document has no errors.
    let stage = |bytes: Vec<u8>, ext: &'static str| -> Result<Option<(Staged, String, u64)>, String> {
        let Some(name) = names.iter().find(|n| n.ends_with(ext)) else { return Ok(None) };
        let target = opts.out_dir.join(name);
        let staged = Staged::write(&target, &bytes).map_err(|e| format!("cannot write {}: {e}", target.display()))?;
        Ok(Some((staged, name.clone(), bytes.len() as u64)))
    };
    let free = match (run.lone, opts.exiting) {
        (true, true) => Free::AtExit,
        (true, false) => Free::Aside,
        (false, _) => Free::Here,
    };
    if let Some(r) = render_with(&src, run.fonts, opts, &mut diags, ahead.then_some(tree), run.lone, free, &stage) {
        report.pages = r.pages;
        let mut written = Vec::new();
        for (staged, name, bytes) in [r.pdf, r.epub].into_iter().flatten().flatten() {
            let target = staged.target.clone();
            match staged.commit() {
                Ok(()) => {
                    report.outputs.push(target);
                    report.bytes += bytes;
                    written.push(OutputFile { name, bytes });
                }
                Err(e) => {
                    diags.push(Diagnostic::error(src.name(), 1, 1, format!("cannot write {}: {e}", target.display())))
                }
            }
        }
        if !diags.has_errors() {
            let entry = Entry {
                env: run.env.clone(),
                source: source_hash,
                deps: r.deps.iter().map(|p| Dep::of(p)).collect(),
                outputs: written,
                pages: r.pages,
                warnings: diags
                    .warnings()
                    .map(|d| StoredWarning {
                        path: d.path.clone(),
                        line: d.line,
                        column: d.column,
                        message: d.message.clone(),
                    })
                    .collect(),
            };
            report.entry = Some((key, entry));
        }
    }
    report.diagnostics = diags.items;
    report
}

/// A process-wide counter for temporary file names, so two writers in one process (two
/// sources with the same stem) never share a temporary file.
static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// Writes `bytes` to a temporary file beside `target`, then renames it into place.
pub fn write_atomically(target: &Path, bytes: &[u8]) -> std::io::Result<()> {
    Staged::write(target, bytes)?.commit()
}

/// An output written to a temporary file beside its final name, waiting to be renamed
/// into place ([`Staged::commit`]); dropped uncommitted, the temporary file is removed.
///
/// Atomic, not durable: other processes (and a build killed at any point) see the old
/// file or the whole new one, never a part. No fsync: it is a barrier against power loss,
/// not against a killed build, and it blocked a worker for each of the 2,000 files of a
/// 1,000-brief batch (ext4 flushes a file renamed over an existing one by itself:
/// `auto_da_alloc`). Run `sync` after a build when the machine may lose power.
pub struct Staged {
    tmp: Option<PathBuf>,
    pub target: PathBuf,
}

impl Staged {
    /// Writes `bytes` to a new temporary file beside `target`.
    pub fn write(target: &Path, bytes: &[u8]) -> std::io::Result<Staged> {
        use std::io::Write;
        let dir = target.parent().unwrap_or(Path::new("."));
        let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let n = TEMP_COUNTER.fetch_add(1, Ordering::Relaxed);
        let tmp = dir.join(format!(".{name}.{}.{n}.tmp", std::process::id()));
        // From here on, dropping `staged` removes whatever was created.
        let staged = Staged { tmp: Some(tmp.clone()), target: target.to_path_buf() };
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        Ok(staged)
    }

    /// Renames the temporary file into place.
    ///
    /// On Linux, an existing output (a file or a symbolic link) is swapped with the new
    /// file in one step (`renameat2` with `RENAME_EXCHANGE`, as atomic for readers as a
    /// rename over it) and the old one, now under the temporary name, is removed. A plain
    /// rename over an existing file makes ext4 allocate and start writing the new file's
    /// blocks there and then (`auto_da_alloc`, its guard for programs that do not sync):
    /// about 0.1 ms per file here, twice per brief, against 0.015 ms for the swap and the
    /// removal. brief does not sync its outputs anyway (see [`Staged`]). Where the swap
    /// is not supported, or there is no old file, it is a plain rename.
    pub fn commit(mut self) -> std::io::Result<()> {
        let Some(tmp) = self.tmp.take() else { return Ok(()) };
        #[cfg(target_os = "linux")]
        if exchange(&tmp, &self.target) {
            // The old output is under the temporary name now.
            let _ = std::fs::remove_file(&tmp);
            return Ok(());
        }
        let result = std::fs::rename(&tmp, &self.target);
        if result.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        result
    }
}

/// Swaps `tmp` and `target` if `target` is an existing file or symbolic link (never a
/// folder) and the file system can; whether it did.
#[cfg(target_os = "linux")]
fn exchange(tmp: &Path, target: &Path) -> bool {
    use std::os::unix::ffi::OsStrExt;
    let Ok(meta) = std::fs::symlink_metadata(target) else { return false };
    if !(meta.file_type().is_file() || meta.file_type().is_symlink()) {
        return false;
    }
    let (Ok(from), Ok(to)) =
        (std::ffi::CString::new(tmp.as_os_str().as_bytes()), std::ffi::CString::new(target.as_os_str().as_bytes()))
    else {
        return false;
    };
    // SAFETY: both paths are NUL-terminated C strings that outlive the call; renameat2
    // only reads them.
    let r = unsafe { libc::renameat2(libc::AT_FDCWD, from.as_ptr(), libc::AT_FDCWD, to.as_ptr(), libc::RENAME_EXCHANGE) };
    r == 0
}

impl Drop for Staged {
    fn drop(&mut self) {
        if let Some(tmp) = self.tmp.take() {
            let _ = std::fs::remove_file(tmp);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// On a worker, [`parse`] parses the front matter and the body side by side: the
    /// document and the diagnostics (their order included) are those of the plain parse.
    #[test]
    fn the_front_matter_parsed_beside_the_body_changes_nothing() {
        let text = "---\ntitle: T\nlang: xx-!!\nunknown: 1\ncover: ../../outside.png\n---\n\n\
                    # Heading\n\nA [link](#nowhere) and ![](missing.png).\n\n---\n\nText.\n";
        let src = Source::new("/tmp/brief-split/t.md", text.to_string());
        let config = Config::default();
        let mut plain = Diagnostics::new();
        let want = crate::markdown::parse_with(&src, &crate::markdown::ParseOptions::default(), &mut plain);
        let pool = rayon::ThreadPoolBuilder::new().num_threads(2).build().unwrap();
        let mut beside = Diagnostics::new();
        let got = pool.install(|| parse(&src, &config, &mut beside));
        assert!(plain.items.len() >= 3, "{:?}", plain.items);
        let said = |d: &Diagnostics| d.items.iter().map(|d| format!("{}:{}: {}", d.line, d.column, d.message)).collect::<Vec<_>>();
        assert_eq!(said(&beside), said(&plain));
        assert_eq!(serde_json::to_string(&got).unwrap(), serde_json::to_string(&want).unwrap());
        assert_eq!(got.meta.title, "T");
    }

    /// The EPUB's side waits for the page starts that the PDF's side tells it after layout
    /// (`render_with`). Should that side panic before telling, the EPUB's side must be
    /// told there are none, or the two would wait for each other for ever.
    #[test]
    fn a_panic_before_the_page_starts_are_told_never_leaves_the_epub_waiting() {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let fonts = Fonts::builtin().unwrap();
            let doc = crate::markdown::parse(&Source::new("t.md", "# A\n\nSome text.\n".to_string()), &mut Diagnostics::new());
            let res = Resources::default();
            let starts = std::sync::OnceLock::new();
            let told = Tell(&starts);
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                layout::layout_beside(
                    &doc,
                    &fonts,
                    &res,
                    &layout::PageSetup::default(),
                    move |laid: layout::LaidOut| {
                        if !laid.pages.is_empty() {
                            panic!("a bug in the PDF's side");
                        }
                        told.tell(Some(laid.page_starts.clone()));
                    },
                    || starts.wait().is_some(),
                )
            }));
            let _ = tx.send(result.is_err());
        });
        let panicked = rx.recv_timeout(std::time::Duration::from_secs(20)).expect("the two sides waited for each other");
        assert!(panicked, "the panic reaches the caller (build_guarded reports it)");
    }

    /// A lone document is read and parsed while the faces load (`read_early`); a document
    /// of a batch is not. Both ways give the same diagnostics, in the same order (the
    /// warnings about characters no face has first), the same failure, the same bytes.
    #[test]
    fn a_lone_document_parsed_ahead_reports_and_builds_as_in_a_batch() {
        let dir = std::env::temp_dir().join(format!("brief-early-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        // A character no face has (line 3), a missing image (line 5): a warning, then an
        // error; and a good document.
        let bad = "---\ntitle: T\n---\n\nText with \u{4E2D} in it.\n\n![x](nope.png)\n";
        let good = "---\ntitle: Good\n---\n\nSome text, \u{4E2D} again.\n";
        for (name, text) in [("bad.md", bad), ("good.md", good), ("bad2.md", bad), ("good2.md", good)] {
            std::fs::write(dir.join(name), text).unwrap();
        }
        let mut opts = BuildOptions::new(dir.join("out-lone"));
        opts.epoch = 1;
        let lone_bad = build_all(&[dir.join("bad.md")], &opts).unwrap();
        let lone_good = build_all(&[dir.join("good.md")], &opts).unwrap();
        opts.out_dir = dir.join("out-batch");
        let batch = build_all(&[dir.join("bad2.md"), dir.join("good2.md")], &opts).unwrap();
        let said = |r: &DocReport| -> Vec<(bool, usize, usize, String)> {
            r.diagnostics.iter().map(|d| (d.is_error(), d.line, d.column, d.message.clone())).collect()
        };
        assert_eq!(said(&lone_bad[0]), said(&batch[0]));
        assert_eq!(said(&lone_good[0]), said(&batch[1]));
        let bad_said = said(&lone_bad[0]);
        assert!(bad_said.len() >= 2 && !bad_said[0].0 && bad_said.iter().any(|d| d.0), "{bad_said:?}");
        assert!(lone_bad[0].failed() && lone_bad[0].outputs.is_empty());
        assert!(!lone_good[0].failed() && lone_good[0].outputs.len() == 2);
        for ext in ["pdf", "epub"] {
            let a = std::fs::read(dir.join("out-lone").join(format!("good.{ext}"))).unwrap();
            let b = std::fs::read(dir.join("out-batch").join(format!("good2.{ext}"))).unwrap();
            assert!(a == b, "the {ext} differs");
        }
        // Up to date: the lone document is read ahead all the same, and skipped.
        opts.out_dir = dir.join("out-lone");
        let again = build_all(&[dir.join("good.md")], &opts).unwrap();
        assert!(again[0].up_to_date && said(&again[0]) == said(&lone_good[0]));
        std::fs::remove_dir_all(&dir).unwrap();
    }

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
        // A staged file is beside the target, not under its name, until committed; one
        // dropped uncommitted is removed.
        let staged = Staged::write(&dir.join("y.epub"), b"PK").unwrap();
        let staged_names = || -> Vec<String> {
            let mut v: Vec<String> =
                std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
            v.sort();
            v
        };
        let names = staged_names();
        assert_eq!(names.len(), 2, "{names:?}");
        assert!(!names.contains(&"y.epub".to_string()) && names.iter().any(|n| n.starts_with(".y.epub.")), "{names:?}");
        staged.commit().unwrap();
        assert_eq!(std::fs::read(dir.join("y.epub")).unwrap(), b"PK");
        drop(Staged::write(&dir.join("z.epub"), b"PK").unwrap());
        assert_eq!(staged_names(), ["x.pdf", "y.epub"]);
        // Replacing an output (swapped in on Linux) leaves the new bytes and nothing else;
        // a symbolic link in the way is replaced, not followed; a folder in the way is an
        // error and stays as it was.
        write_atomically(&dir.join("x.pdf"), b"%PDF-1.7 second").unwrap();
        assert_eq!(std::fs::read(dir.join("x.pdf")).unwrap(), b"%PDF-1.7 second");
        assert_eq!(staged_names(), ["x.pdf", "y.epub"]);
        #[cfg(unix)]
        {
            std::fs::write(dir.join("elsewhere"), b"keep").unwrap();
            std::os::unix::fs::symlink(dir.join("elsewhere"), dir.join("l.pdf")).unwrap();
            write_atomically(&dir.join("l.pdf"), b"%PDF new").unwrap();
            assert!(!std::fs::symlink_metadata(dir.join("l.pdf")).unwrap().file_type().is_symlink());
            assert_eq!(std::fs::read(dir.join("elsewhere")).unwrap(), b"keep");
            std::fs::remove_file(dir.join("l.pdf")).unwrap();
            std::fs::remove_file(dir.join("elsewhere")).unwrap();
        }
        std::fs::create_dir(dir.join("d.pdf")).unwrap();
        std::fs::write(dir.join("d.pdf/inside"), b"x").unwrap();
        assert!(write_atomically(&dir.join("d.pdf"), b"%PDF").is_err());
        assert_eq!(std::fs::read(dir.join("d.pdf/inside")).unwrap(), b"x");
        std::fs::remove_dir_all(dir.join("d.pdf")).unwrap();
        assert_eq!(staged_names(), ["x.pdf", "y.epub"]);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn shards_are_stable_and_partition() {
        let paths: Vec<PathBuf> = (0..50).map(|i| PathBuf::from(format!("sources/d{i}.md"))).collect();
        for n in 1..=5 {
            let mut all: Vec<PathBuf> = (1..=n).flat_map(|k| select_shard(paths.clone(), k, n)).collect();
            all.sort();
            let mut want = paths.clone();
            want.sort();
            assert_eq!(all, want, "shards of {n}");
        }
        // Spelling does not matter; the value is fixed across platforms and releases.
        assert_eq!(shard_of(Path::new("./sources/d1.md"), 7), shard_of(Path::new("sources/d1.md"), 7));
        let sizes: Vec<usize> = (1..=4).map(|k| select_shard(paths.clone(), k, 4).len()).collect();
        assert!(sizes.iter().all(|&s| s >= 5), "a skewed split: {sizes:?}");
    }

    #[test]
    fn environment_digest_follows_config_and_fixed_epoch_only() {
        let fonts = Fonts::builtin().unwrap();
        let mut a = BuildOptions::new("out");
        a.epoch = 1;
        let mut b = a.clone();
        b.epoch = 2;
        assert_ne!(environment_digest(&fonts, &a), environment_digest(&fonts, &b));
        a.epoch_fixed = false;
        b.epoch_fixed = false;
        assert_eq!(environment_digest(&fonts, &a), environment_digest(&fonts, &b), "a clock time is no dependency");
        b.config.page.size = Some(crate::config::PaperSize::Letter);
        assert_ne!(environment_digest(&fonts, &a), environment_digest(&fonts, &b));
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
