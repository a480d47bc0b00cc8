//! The command line (clap): `brief build`, `watch`, `init`, `tree` and `layout`.
//!
//! `build` and `watch` share one plan: the project config (`brief.toml`, found by walking
//! up from the first PATH, or from the working directory), then the sources, the output
//! folder and the formats, each from the command line, else the config, else the defaults
//! (`sources/`, `output/`, PDF and EPUB).

use crate::messages::{MessageFormat, Printer, SourceCache, Totals};
use brief::config::{self, Config};
use brief::diag::Diagnostics;
use brief::pipeline::{self, BuildOptions, DocReport};
use clap::{Parser, Subcommand, ValueEnum};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

/// Markdown briefs → a typeset PDF and an EPUB edition, in one step.
#[derive(Debug, Parser)]
#[command(name = "brief", version, about)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Build PDF and EPUB files from Markdown sources (only what changed).
    Build(BuildArgs),
    /// Build, then rebuild what changes whenever a file is saved.
    Watch(CommonArgs),
    /// Write a starter project (brief.toml and sources/example.md) that builds at once.
    Init {
        /// The project folder [default: the working directory]
        dir: Option<PathBuf>,
    },
    /// Print the document tree of a source as JSON.
    Tree {
        /// The Markdown file.
        file: PathBuf,
    },
    /// Print the laid-out pages of a source as text (`page y x: text` per line).
    Layout {
        /// The Markdown file.
        file: PathBuf,
    },
    /// Turn a scraped article (plain text or a saved HTML page) into a Markdown brief.
    Import(ImportArgs),
}

/// Options of `import`.
#[derive(Debug, clap::Args)]
struct ImportArgs {
    /// The article: a .txt or .html file, or - for standard input.
    file: PathBuf,
    /// Where to write the Markdown [default: standard output]
    #[arg(short, long)]
    output: Option<PathBuf>,
    /// List every repair (line, before → after) on standard error.
    #[arg(long)]
    report: bool,
    /// Keep the text as scraped: no spacing repairs.
    #[arg(long)]
    no_repair: bool,
    /// Capitalise proper nouns the text capitalises elsewhere ("Central asia").
    #[arg(long)]
    fix_case: bool,
}

/// Options of `build` and `watch`.
#[derive(Debug, clap::Args)]
struct CommonArgs {
    /// Markdown files, or folders searched recursively for *.md [default: sources, or
    /// brief.toml's build.sources]
    paths: Vec<PathBuf>,
    /// Output folder [default: output, or brief.toml's build.output]
    #[arg(short, long)]
    output: Option<PathBuf>,
    /// Formats to write (repeat for several) [default: pdf and epub, or brief.toml's]
    #[arg(long = "format", value_enum)]
    formats: Vec<Format>,
    /// Worker threads [default: one per core]. The output never depends on it.
    #[arg(long, short = 'j')]
    jobs: Option<usize>,
    /// Embed the built-in fonts in the EPUB (off by default; brief.toml's
    /// document.epub_fonts turns it on too)
    #[arg(long)]
    epub_fonts: bool,
    /// Print only errors and warnings, no summary.
    #[arg(long, short)]
    quiet: bool,
    /// Also print a line for every document.
    #[arg(long, short)]
    verbose: bool,
    /// Colours and source snippets (auto: on a terminal; NO_COLOR turns colours off)
    #[arg(long, value_enum, default_value = "auto")]
    color: ColorChoice,
    /// Largest source file read, in bytes (or with K, M, G) [default: 16M, or brief.toml's
    /// build.max_input_size]
    #[arg(long, value_name = "BYTES", value_parser = brief::source::parse_size)]
    max_input_size: Option<u64>,
    /// Encoding of sources without a byte-order mark, e.g. windows-1252, latin1, utf-16
    /// [default: utf-8, or brief.toml's build.encoding]
    #[arg(long, value_name = "LABEL", value_parser = parse_encoding)]
    encoding: Option<String>,
    /// Let images come from PATH's folder tree too (repeatable); images outside the
    /// source's own folder are refused otherwise.
    #[arg(long, value_name = "PATH")]
    allow_outside: Vec<PathBuf>,
}

/// An encoding label that encoding_rs knows.
fn parse_encoding(s: &str) -> Result<String, String> {
    brief::source::Source::encoding_for_label(s)
        .map(|_| s.trim().to_string())
        .ok_or_else(|| format!("unknown encoding `{s}` (try utf-8, windows-1252, latin1, utf-16)"))
}

#[derive(Debug, clap::Args)]
struct BuildArgs {
    #[command(flatten)]
    common: CommonArgs,
    /// Build every document, even those that are up to date.
    #[arg(long)]
    force: bool,
    /// Build only shard K of N (1-based), chosen by a stable hash of each source path.
    #[arg(long, value_name = "K/N", value_parser = parse_shard)]
    shard: Option<(usize, usize)>,
    /// `human` messages on stderr, or `json`: one object per line on stdout.
    #[arg(long, value_enum, default_value = "human")]
    message_format: MessageFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Pdf,
    Epub,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

fn parse_shard(s: &str) -> Result<(usize, usize), String> {
    let err = || format!("invalid shard {s:?}: write K/N with 1 <= K <= N, e.g. 2/4");
    let (k, n) = s.split_once('/').ok_or_else(err)?;
    let (k, n) = (k.trim().parse::<usize>().map_err(|_| err())?, n.trim().parse::<usize>().map_err(|_| err())?);
    if k == 0 || n == 0 || k > n {
        return Err(err());
    }
    Ok((k, n))
}

/// Runs the command line; the exit code is 0 on success, 1 when a document failed, 2 on a
/// usage error (clap exits with 2 itself).
pub fn run() -> ExitCode {
    if let Some(args) = build_args() {
        return build(args);
    }
    let cli = Cli::parse();
    match cli.command {
        Command::Build(args) => build(args),
        Command::Watch(args) => watch(args),
        Command::Init { dir } => init(dir.as_deref().unwrap_or(Path::new("."))),
        Command::Tree { file } => tree(&file),
        Command::Layout { file } => layout(&file),
        Command::Import(args) => import(args),
    }
}

/// The arguments of `brief build`, by far the command most run, read by a command line that
/// knows `build` alone: clap builds every subcommand it knows, with its help, before it
/// reads an argument, a quarter of a millisecond before any work starts. `None` for any
/// other command and for anything this one does not accept (help and errors included):
/// the whole command line then reads the arguments again and says what it always says.
fn build_args() -> Option<BuildArgs> {
    build_args_from(std::env::args_os().skip(1))
}

/// [`build_args`] of the arguments after the program's name.
fn build_args_from(mut args: impl Iterator<Item = std::ffi::OsString>) -> Option<BuildArgs> {
    if args.next()? != "build" {
        return None;
    }
    use clap::{Args, FromArgMatches};
    let command = BuildArgs::augment_args(clap::Command::new("build").no_binary_name(true));
    let matches = command.try_get_matches_from(args).ok()?;
    BuildArgs::from_arg_matches(&matches).ok()
}

fn import(args: ImportArgs) -> ExitCode {
    use std::io::Read;
    let stdin = args.file.as_os_str() == "-";
    let bytes = if stdin {
        let mut b = Vec::new();
        std::io::stdin().read_to_end(&mut b).map(|_| b)
    } else {
        std::fs::read(&args.file)
    };
    let bytes = match bytes {
        Ok(b) => b,
        Err(e) => {
            eprintln!("{}:1:1: error: cannot read file: {e}", args.file.display());
            return ExitCode::from(1);
        }
    };
    let src = match brief::source::Source::from_bytes(&args.file, bytes) {
        Ok(s) => s,
        Err(d) => {
            eprintln!("{d}");
            return ExitCode::from(1);
        }
    };
    let epoch = match pipeline::epoch_from_env() {
        Ok((e, _)) => e,
        Err(e) => return usage(&e),
    };
    let opts = brief::import::ImportOptions {
        repair: !args.no_repair,
        fix_case: args.fix_case,
        source_name: (!stdin).then(|| args.file.file_name().map(|n| n.to_string_lossy().into_owned())).flatten(),
        date: brief::import::date_from_epoch(epoch),
    };
    let ext = args.file.extension().map(|e| e.to_string_lossy().to_ascii_lowercase());
    let html = matches!(ext.as_deref(), Some("html" | "htm")) || brief::import::looks_like_html(&src.text);
    let imported = if html {
        brief::import::import_html(&src.text, &opts)
    } else {
        brief::import::import_text(&src.text, &opts)
    };
    if args.report {
        for r in &imported.repairs {
            eprintln!("{}: {r}", args.file.display());
        }
        eprintln!("brief: {} repairs", imported.repairs.len());
    }
    match &args.output {
        Some(path) => {
            if let Err(e) = pipeline::write_atomically(path, imported.markdown.as_bytes()) {
                eprintln!("brief: error: cannot write {}: {e}", path.display());
                return ExitCode::from(1);
            }
        }
        None => {
            let mut out = std::io::stdout().lock();
            if out.write_all(imported.markdown.as_bytes()).is_err() {
                return ExitCode::from(1);
            }
        }
    }
    ExitCode::SUCCESS
}

/// Everything a build needs, resolved from the arguments and the config.
struct Plan {
    /// The PATHS the sources were collected from.
    paths: Vec<PathBuf>,
    sources: Vec<PathBuf>,
    opts: BuildOptions,
}

impl CommonArgs {
    fn printer(&self, format: MessageFormat) -> Printer {
        let terminal = std::io::stderr().is_terminal();
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Printer {
            format,
            color: match self.color {
                ColorChoice::Always => true,
                ColorChoice::Never => false,
                ColorChoice::Auto => terminal && !no_color,
            },
            snippets: match self.color {
                ColorChoice::Always => true,
                ColorChoice::Never => false,
                ColorChoice::Auto => terminal,
            },
            github: std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true"),
            quiet: self.quiet,
            verbose: self.verbose && !self.quiet,
        }
    }

    /// Resolves the config, sources, output folder and formats. `Err` is the exit code
    /// after the problem was printed.
    fn plan(&self, printer: &Printer) -> Result<Plan, ExitCode> {
        if self.jobs == Some(0) {
            return Err(usage("--jobs must be at least 1"));
        }
        let (epoch, epoch_fixed) = pipeline::epoch_from_env().map_err(|e| usage(&e))?;
        let start = self.paths.first().cloned().unwrap_or_else(|| PathBuf::from("."));
        let config = Config::discover(&start).map_err(|d| {
            printer.diagnostics(&[d], &mut SourceCache::default());
            ExitCode::from(1)
        })?;
        let paths = if !self.paths.is_empty() {
            self.paths.clone()
        } else {
            config.source_paths().unwrap_or_else(|| vec![PathBuf::from("sources")])
        };
        let sources = pipeline::collect_sources(&paths).map_err(|e| usage(&e))?;
        let out_dir = self.output.clone().or_else(|| config.output_dir()).unwrap_or_else(|| PathBuf::from("output"));
        let mut config = config;
        if let Some(limit) = self.max_input_size {
            config.build.max_input_size = Some(limit);
        }
        if let Some(label) = &self.encoding {
            config.build.encoding = Some(label.clone());
        }
        for p in &self.allow_outside {
            config.build.allow_outside.push(std::path::absolute(p).unwrap_or_else(|_| p.clone()));
        }
        let (pdf, epub) = if !self.formats.is_empty() {
            (self.formats.contains(&Format::Pdf), self.formats.contains(&Format::Epub))
        } else if !config.build.formats.is_empty() {
            (config.build.formats.contains(&config::Format::Pdf), config.build.formats.contains(&config::Format::Epub))
        } else {
            (true, true)
        };
        let opts = BuildOptions {
            out_dir,
            pdf,
            epub,
            jobs: self.jobs,
            epoch,
            epoch_fixed,
            config,
            incremental: true,
            force: false,
            epub_fonts: self.epub_fonts,
            exiting: false,
        };
        Ok(Plan { paths, sources, opts })
    }
}

fn build(args: BuildArgs) -> ExitCode {
    let printer = args.common.printer(args.message_format);
    let mut plan = match args.common.plan(&printer) {
        Ok(p) => p,
        Err(code) => return code,
    };
    plan.opts.force = args.force;
    // `brief build` ends when the build does (`watch` builds again and again).
    plan.opts.exiting = true;
    if let Some((k, n)) = args.shard {
        plan.sources = pipeline::select_shard(plan.sources, k, n);
    }
    let start = Instant::now();
    let show_bar = printer.format == MessageFormat::Human
        && !printer.quiet
        && std::io::stderr().is_terminal()
        && plan.sources.len() > 1;
    let reports = match run_with_progress(&plan, show_bar) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("brief: error: {e}");
            return ExitCode::from(1);
        }
    };
    printer.reports(&reports);
    let totals = Totals::of(&reports);
    printer.summary(totals, start.elapsed().as_secs_f64(), args.shard);
    exit_now(u8::from(totals.failed > 0))
}

/// Ends the process with `code` as soon as what it printed is out. Everything is written,
/// renamed and reported by then; what a normal exit would add is clean-up the system does
/// anyway when the process ends: the allocator handing its freed pages back one range at a
/// time (a dozen `madvise` calls) while the idle workers still spin beside it.
fn exit_now(code: u8) -> ExitCode {
    use std::io::Write;
    let flushed = std::io::stdout().flush().is_ok() && std::io::stderr().flush().is_ok();
    #[cfg(target_os = "linux")]
    if flushed {
        // SAFETY: `_exit` ends the process; nothing runs after it.
        unsafe { libc::_exit(i32::from(code)) }
    }
    let _ = flushed;
    ExitCode::from(code)
}

/// Builds with an indicatif progress bar on stderr, shown only once the batch has taken
/// more than a moment (quick builds never flash a bar).
fn run_with_progress(plan: &Plan, show_bar: bool) -> Result<Vec<DocReport>, String> {
    if !show_bar {
        return pipeline::build_all(&plan.sources, &plan.opts);
    }
    let bar = indicatif::ProgressBar::with_draw_target(
        Some(plan.sources.len() as u64),
        indicatif::ProgressDrawTarget::hidden(),
    );
    if let Ok(style) = indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} briefs  {elapsed} {msg}") {
        bar.set_style(style);
    }
    let start = Instant::now();
    let shown = std::sync::atomic::AtomicBool::new(false);
    let done = |r: &DocReport| {
        bar.inc(1);
        bar.set_message(r.source.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default());
        if start.elapsed() > Duration::from_millis(400) && !shown.swap(true, std::sync::atomic::Ordering::Relaxed) {
            bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
            bar.enable_steady_tick(Duration::from_millis(120));
        }
    };
    let result = pipeline::build_all_with(&plan.sources, &plan.opts, &done);
    bar.finish_and_clear();
    result
}

fn watch(args: CommonArgs) -> ExitCode {
    let printer = args.printer(MessageFormat::Human);
    let plan = match args.plan(&printer) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let config_file: Vec<PathBuf> = plan.opts.config.file.iter().cloned().collect();
    let set = crate::watch::WatchSet::new(&plan.paths, &config_file, &plan.opts.out_dir);
    let rebuild = |first: bool| {
        // Plan again each time: new sources and config edits are picked up; a broken
        // config is reported and the watch goes on.
        let plan = match args.plan(&printer) {
            Ok(p) => p,
            Err(_) => return,
        };
        match pipeline::build_all(&plan.sources, &plan.opts) {
            Ok(reports) => watch_lines(&reports, &printer),
            Err(e) => eprintln!("{} brief: error: {e}", clock()),
        }
        if first {
            eprintln!(
                "{} brief: watching {} documents; output in {} (Ctrl-C to stop)",
                clock(),
                plan.sources.len(),
                plan.opts.out_dir.display()
            );
        }
    };
    rebuild(true);
    match crate::watch::run(&set, &mut || rebuild(false)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("brief: error: {e}");
            ExitCode::from(1)
        }
    }
}

/// One line per document built (or failed) in a watch rebuild; up-to-date ones are silent.
fn watch_lines(reports: &[DocReport], printer: &Printer) {
    let mut sources = SourceCache::default();
    let mut err = std::io::stderr().lock();
    for r in reports.iter().filter(|r| !r.up_to_date) {
        let warnings = r.warnings();
        let note = if warnings > 0 { format!(", {warnings} warnings") } else { String::new() };
        let line = match r.diagnostics.iter().find(|d| d.is_error()) {
            Some(d) => {
                let more = r.diagnostics.iter().filter(|d| d.is_error()).count() - 1;
                let more = if more > 0 { format!(" (+{more} more)") } else { String::new() };
                format!("{} failed {}{more}", clock(), printer.human(d, &mut sources))
            }
            None => format!("{} built {} ({} pages, {} ms{note})", clock(), r.source.display(), r.pages, r.millis),
        };
        let _ = writeln!(err, "{line}");
    }
}

fn clock() -> String {
    chrono::Local::now().format("[%H:%M:%S]").to_string()
}

/// The starter source `brief init` writes.
const EXAMPLE: &str = r#"---
title: Example Brief
subtitle: What a brief looks like
author: Analysis Desk
date: 2025-01-15
summary: >-
  A short example: headings, a list, a table and a footnote. Edit it, then run
  `brief build` again; only what changed is rebuilt.
keywords: [example, brief]
---

## Background

Briefs are Markdown with front matter. This paragraph is ordinary prose, typeset with
justified lines and hyphenation in the PDF and reflowable in the EPUB.[^1]

## Key points

- The PDF and the EPUB are built from the same source, in one step.
- `brief.toml` sets the page size, margins and default classification banner.
- Front matter overrides the project settings for one brief.

Table: Formats written by default

| Format | Use |
| --- | --- |
| PDF | print and distribution |
| EPUB | reading on phones and e-readers |

[^1]: Footnotes become endnotes in the PDF and pop-up notes in the EPUB.
"#;

fn init(dir: &Path) -> ExitCode {
    let files = [(dir.join(config::FILE_NAME), config::STARTER), (dir.join("sources").join("example.md"), EXAMPLE)];
    for (path, _) in &files {
        if path.exists() {
            eprintln!("brief: error: {} already exists; nothing was written", path.display());
            return ExitCode::from(1);
        }
    }
    for (path, text) in &files {
        let written = path
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| pipeline::write_atomically(path, text.as_bytes()));
        if let Err(e) = written {
            eprintln!("brief: error: cannot write {}: {e}", path.display());
            return ExitCode::from(1);
        }
    }
    eprintln!(
        "brief: wrote {} and {}; run `brief build` in {} to make output/example.pdf and output/example.epub",
        files[0].0.display(),
        files[1].0.display(),
        dir.display()
    );
    ExitCode::SUCCESS
}

/// Reads a source through the pipeline's single text-to-Markdown step.
fn read_source(file: &Path) -> Result<brief::source::Source, ExitCode> {
    std::fs::read(file)
        .map_err(|e| brief::diag::Diagnostic::error(file.display().to_string(), 1, 1, format!("cannot read file: {e}")))
        .and_then(|b| pipeline::load_source(file, b))
        .map_err(|d| {
            eprintln!("{d}");
            ExitCode::from(1)
        })
}

fn tree(file: &Path) -> ExitCode {
    let src = match read_source(file) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let mut diags = Diagnostics::new();
    let doc = brief::markdown::parse(&src, &mut diags);
    for d in &diags.items {
        eprintln!("{d}");
    }
    match serde_json::to_string_pretty(&doc) {
        Ok(json) => {
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out, "{json}");
        }
        Err(e) => {
            eprintln!("brief: error: cannot serialize the tree: {e}");
            return ExitCode::from(1);
        }
    }
    if diags.has_errors() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn layout(file: &Path) -> ExitCode {
    let config = match Config::discover(file) {
        Ok(c) => c,
        Err(d) => {
            eprintln!("{d}");
            return ExitCode::from(1);
        }
    };
    let src = match read_source(file) {
        Ok(s) => s,
        Err(code) => return code,
    };
    // The faces the project's `[fonts]` sets, as `brief build` uses.
    let fonts = match brief::fonts::Fonts::for_config(&config.fonts, &config.root) {
        Ok(f) => f,
        Err(d) => {
            eprintln!("{d}");
            return ExitCode::from(1);
        }
    };
    let mut diags = Diagnostics::new();
    let prepared = pipeline::prepare(&src, &config, &mut diags);
    for d in &diags.items {
        eprintln!("{d}");
    }
    let Some((doc, res)) = prepared else { return ExitCode::from(1) };
    let laid_out = brief::layout::layout(&doc, &fonts, &res, &config.page_setup());
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(brief::layout::dump(&laid_out).as_bytes());
    ExitCode::SUCCESS
}

fn usage(message: &str) -> ExitCode {
    eprintln!("brief: error: {message}");
    ExitCode::from(2)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `brief build`'s arguments read by the command that knows `build` alone are what the
    /// whole command line reads; whatever it does not accept goes to the whole one.
    #[test]
    fn build_arguments_read_alone_are_read_as_by_the_whole_command_line() {
        let accepted: &[&[&str]] = &[
            &["build"],
            &["build", "a.md", "dir", "-o", "out", "--force", "--quiet"],
            &["build", "--jobs", "3", "--shard", "2/4", "--message-format", "json", "x.md"],
            &["build", "--format", "pdf", "--format", "epub", "--epub-fonts", "-v", "--color", "never"],
            &["build", "--max-input-size", "2M", "--encoding", "latin1", "--allow-outside", "/x", "--", "-odd.md"],
        ];
        for args in accepted {
            let alone = build_args_from(args.iter().map(Into::into));
            let whole = Cli::try_parse_from(std::iter::once("brief").chain(args.iter().copied()));
            match (alone, whole) {
                (Some(alone), Ok(Cli { command: Command::Build(whole) })) => {
                    assert_eq!(format!("{alone:?}"), format!("{whole:?}"), "{args:?}");
                }
                (alone, whole) => panic!("{args:?}: alone {alone:?}, whole {whole:?}"),
            }
        }
        let refused: &[&[&str]] = &[
            &["build", "--help"],
            &["build", "--bogus"],
            &["build", "--shard", "3/2"],
            &["watch", "a.md"],
            &["--version"],
            &[],
        ];
        for args in refused {
            assert!(build_args_from(args.iter().map(Into::into)).is_none(), "{args:?}");
        }
    }
}
