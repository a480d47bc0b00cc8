//! How `brief build` reports: human lines (with the source line and a caret on a terminal),
//! JSON lines for machines, and GitHub Actions workflow annotations.
//!
//! Everything is printed after the parallel work, in input order, from one thread: messages
//! from different documents never interleave.

use brief::diag::Diagnostic;
use brief::pipeline::DocReport;
use serde_json::json;
use std::collections::HashMap;
use std::io::Write;

/// `--message-format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum MessageFormat {
    Human,
    Json,
}

/// How to print.
#[derive(Debug, Clone)]
pub struct Printer {
    pub format: MessageFormat,
    /// ANSI colours in human messages.
    pub color: bool,
    /// The source line and a caret under each human message.
    pub snippets: bool,
    /// Also print `::error file=…::…` annotations (GitHub Actions).
    pub github: bool,
    pub quiet: bool,
    pub verbose: bool,
}

/// Counts for the summary line.
#[derive(Debug, Default, Clone, Copy)]
pub struct Totals {
    pub documents: usize,
    pub failed: usize,
    pub up_to_date: usize,
    pub warnings: usize,
}

impl Totals {
    pub fn of(reports: &[DocReport]) -> Totals {
        Totals {
            documents: reports.len(),
            failed: reports.iter().filter(|r| r.failed()).count(),
            up_to_date: reports.iter().filter(|r| r.up_to_date).count(),
            warnings: reports.iter().map(DocReport::warnings).sum(),
        }
    }
}

impl Printer {
    /// Prints every report's messages in order (human to stderr, JSON to stdout).
    pub fn reports(&self, reports: &[DocReport]) {
        let mut sources = SourceCache::default();
        for r in reports {
            self.diagnostics(&r.diagnostics, &mut sources);
            match self.format {
                MessageFormat::Json => print_stdout(&document_json(r).to_string()),
                MessageFormat::Human if self.verbose && !r.failed() => {
                    let line = if r.up_to_date {
                        format!("brief: up to date {}", r.source.display())
                    } else {
                        let outs: Vec<String> = r.outputs.iter().map(|o| o.display().to_string()).collect();
                        format!(
                            "brief: built {} -> {} ({} pages, {} bytes, {} ms)",
                            r.source.display(),
                            outs.join(", "),
                            r.pages,
                            r.bytes,
                            r.millis
                        )
                    };
                    print_stderr(&line);
                }
                MessageFormat::Human => {}
            }
        }
    }

    /// Prints diagnostics (a config error, or one document's messages).
    pub fn diagnostics(&self, diags: &[Diagnostic], sources: &mut SourceCache) {
        for d in diags {
            match self.format {
                MessageFormat::Json => print_stdout(&diagnostic_json(d).to_string()),
                MessageFormat::Human => print_stderr(&self.human(d, sources)),
            }
            if self.github {
                print_stderr(&github_annotation(d));
            }
        }
    }

    /// `path:line:col: error: message`, coloured, with the source line and a caret.
    pub fn human(&self, d: &Diagnostic, sources: &mut SourceCache) -> String {
        let mut out = if self.color {
            let code = if d.is_error() { "31" } else { "33" };
            format!("\x1b[1;{code}m{d}\x1b[0m")
        } else {
            d.to_string()
        };
        if self.snippets {
            if let Some(text) = sources.line(&d.path, d.line) {
                out.push('\n');
                out.push_str(&snippet(&text, d.line, d.column, self.color));
            }
        }
        out
    }

    /// The one-line summary (human) or summary object (JSON).
    pub fn summary(&self, t: Totals, seconds: f64, shard: Option<(usize, usize)>) {
        match self.format {
            MessageFormat::Json => print_stdout(
                &json!({
                    "type": "summary",
                    "documents": t.documents,
                    "built": t.documents - t.failed - t.up_to_date,
                    "up_to_date": t.up_to_date,
                    "failed": t.failed,
                    "warnings": t.warnings,
                    "milliseconds": (seconds * 1000.0).round() as u64,
                    "shard": shard.map(|(k, n)| format!("{k}/{n}")),
                })
                .to_string(),
            ),
            MessageFormat::Human if !self.quiet => {
                let fresh = if t.up_to_date > 0 { format!(", {} up to date", t.up_to_date) } else { String::new() };
                print_stderr(&format!(
                    "brief: built {} of {} documents ({} failed, {} warnings{fresh}) in {seconds:.2} s",
                    t.documents - t.failed,
                    t.documents,
                    t.failed,
                    t.warnings,
                ));
            }
            MessageFormat::Human => {}
        }
    }
}

/// The JSON object for a diagnostic.
pub fn diagnostic_json(d: &Diagnostic) -> serde_json::Value {
    json!({
        "type": "diagnostic",
        "severity": d.severity,
        "path": d.path,
        "line": d.line,
        "column": d.column,
        "message": d.message,
    })
}

/// The JSON object for a document.
pub fn document_json(r: &DocReport) -> serde_json::Value {
    let status = if r.failed() {
        "failed"
    } else if r.up_to_date {
        "up_to_date"
    } else {
        "built"
    };
    json!({
        "type": "document",
        "path": r.source.display().to_string(),
        "status": status,
        "outputs": r.outputs.iter().map(|o| o.display().to_string()).collect::<Vec<_>>(),
        "pages": r.pages,
        "bytes": r.bytes,
        "milliseconds": r.millis as u64,
        "warnings": r.warnings(),
    })
}

/// A GitHub Actions workflow command: `::error file=F,line=L,col=C::message`.
pub fn github_annotation(d: &Diagnostic) -> String {
    // Workflow commands escape `%`, CR and LF everywhere, and `:` and `,` in properties.
    let data = |s: &str| s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A");
    let prop = |s: &str| data(s).replace(':', "%3A").replace(',', "%2C");
    let kind = if d.is_error() { "error" } else { "warning" };
    format!("::{kind} file={},line={},col={}::{}", prop(&d.path), d.line, d.column, data(&d.message))
}

/// Source lines for snippets, read once per file.
#[derive(Default)]
pub struct SourceCache {
    files: HashMap<String, Option<brief::source::Source>>,
}

impl SourceCache {
    /// The text of a 1-based line of a file, if the file can be read and has that line.
    fn line(&mut self, path: &str, line: usize) -> Option<String> {
        let src = self
            .files
            .entry(path.to_string())
            .or_insert_with(|| brief::source::Source::read(std::path::Path::new(path)).ok());
        let src = src.as_ref()?;
        (line >= 1 && src.line_offset(line) < src.text.len()).then(|| src.line_text(line).to_string())
    }
}

/// rustc-style: ` 12 | the line` and a caret under the column (tabs shown as 4 spaces).
fn snippet(text: &str, line: usize, column: usize, color: bool) -> String {
    let number = line.to_string();
    let pad = " ".repeat(number.len());
    let shown: String = text.chars().map(|c| if c == '\t' { "    ".to_string() } else { c.to_string() }).collect();
    let before: usize = text.chars().take(column.saturating_sub(1)).map(|c| if c == '\t' { 4 } else { 1 }).sum();
    let (blue, caret, reset) = if color { ("\x1b[1;34m", "\x1b[1;31m", "\x1b[0m") } else { ("", "", "") };
    format!(
        "{blue}{pad} |{reset}\n{blue}{number} |{reset} {shown}\n{blue}{pad} |{reset} {}{caret}^{reset}",
        " ".repeat(before)
    )
}

fn print_stdout(line: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
}

fn print_stderr(line: &str) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{line}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippet_puts_the_caret_under_the_column() {
        let s = snippet("a\tbc", 7, 3, false);
        assert_eq!(s, "  |\n7 | a    bc\n  |      ^");
    }

    #[test]
    fn github_annotations_escape_properties_and_newlines() {
        let d = Diagnostic::error("dir,x/a:b.md", 3, 4, "bad 50%\nvalue");
        assert_eq!(github_annotation(&d), "::error file=dir%2Cx/a%3Ab.md,line=3,col=4::bad 50%25%0Avalue");
    }
}
