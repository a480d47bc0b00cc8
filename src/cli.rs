//! The command line (clap): `brief build` and `brief tree`.

use brief::diag::Diagnostics;
use brief::pipeline::{self, BuildOptions};
use brief::source::Source;
use clap::{Parser, Subcommand, ValueEnum};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

/// Markdown briefs → a typeset PDF and an EPUB edition, in one step.
#[derive(Debug, Parser)]
#[command(name = "brief", version, about)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Build PDF and EPUB files from Markdown sources.
    Build(BuildArgs),
    /// Print the document tree of a source as JSON.
    Tree {
        /// The Markdown file.
        file: PathBuf,
    },
}

#[derive(Debug, clap::Args)]
struct BuildArgs {
    /// Markdown files, or folders searched recursively for *.md [default: sources]
    paths: Vec<PathBuf>,
    /// Output folder.
    #[arg(short, long, default_value = "output")]
    output: PathBuf,
    /// Formats to write (repeat for several) [default: pdf and epub]
    #[arg(long = "format", value_enum)]
    formats: Vec<Format>,
    /// Worker threads [default: one per core]. The output never depends on it.
    #[arg(long, short = 'j')]
    jobs: Option<usize>,
    /// Print only errors and warnings, no summary.
    #[arg(long, short)]
    quiet: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Pdf,
    Epub,
}

/// Runs the command line; the exit code is 0 on success, 1 when a document failed, 2 on a
/// usage error (clap exits with 2 itself).
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build(args) => build(args),
        Command::Tree { file } => tree(&file),
    }
}

fn build(args: BuildArgs) -> ExitCode {
    let paths = if args.paths.is_empty() { vec![PathBuf::from("sources")] } else { args.paths };
    let epoch = match pipeline::epoch_from_env() {
        Ok(e) => e,
        Err(e) => return usage(&e),
    };
    let sources = match pipeline::collect_sources(&paths) {
        Ok(s) => s,
        Err(e) => return usage(&e),
    };
    if args.jobs == Some(0) {
        return usage("--jobs must be at least 1");
    }
    let opts = BuildOptions {
        out_dir: args.output,
        pdf: args.formats.is_empty() || args.formats.contains(&Format::Pdf),
        epub: args.formats.is_empty() || args.formats.contains(&Format::Epub),
        jobs: args.jobs,
        epoch,
    };
    let start = std::time::Instant::now();
    let reports = match pipeline::build_all(&sources, &opts) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("brief: error: {e}");
            return ExitCode::from(1);
        }
    };
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let mut err = std::io::stderr().lock();
    let (mut failed, mut warnings) = (0, 0);
    for r in &reports {
        for d in &r.diagnostics {
            let line = d.to_string();
            let _ = if color {
                let code = if d.is_error() { "31" } else { "33" };
                writeln!(err, "\x1b[1;{code}m{line}\x1b[0m")
            } else {
                writeln!(err, "{line}")
            };
            warnings += usize::from(!d.is_error());
        }
        failed += usize::from(r.failed());
    }
    if !args.quiet {
        let _ = writeln!(
            err,
            "brief: built {} of {} documents ({} failed, {} warnings) in {:.2} s",
            reports.len() - failed,
            reports.len(),
            failed,
            warnings,
            start.elapsed().as_secs_f64()
        );
    }
    if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn tree(file: &std::path::Path) -> ExitCode {
    let src = match Source::read(file) {
        Ok(s) => s,
        Err(d) => {
            eprintln!("{d}");
            return ExitCode::from(1);
        }
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

fn usage(message: &str) -> ExitCode {
    eprintln!("brief: error: {message}");
    ExitCode::from(2)
}
