//! `brief watch`: waits for files to change (notify) and calls back to rebuild.
//!
//! Events are collected until the file system has been quiet for a short moment (editors
//! write a file in several steps: temp file, rename, metadata), then one rebuild runs. What
//! to rebuild is the caller's business — with the incremental manifest, a rebuild of the
//! whole set only builds the documents whose inputs changed. Events inside the output
//! folder, and reads, are ignored, so the build's own writes never trigger another build.

use notify::{Event, EventKind, RecursiveMode, Watcher};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

/// How long the file system must be quiet before a rebuild.
const SETTLE: Duration = Duration::from_millis(150);

/// What to watch.
pub struct WatchSet {
    /// Folders watched with everything under them.
    pub recursive: Vec<PathBuf>,
    /// Folders watched without their subfolders (those of single files, and of the config).
    pub flat: Vec<PathBuf>,
    /// Changes under this folder are ignored (the build's outputs).
    pub ignore: PathBuf,
}

impl WatchSet {
    /// Watches folder `paths` recursively, the folders of file `paths` and of `extra` files
    /// (the config) flat, ignoring `out_dir`.
    pub fn new(paths: &[PathBuf], extra: &[PathBuf], out_dir: &Path) -> WatchSet {
        let abs = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
        let mut set = WatchSet { recursive: Vec::new(), flat: Vec::new(), ignore: abs(out_dir) };
        for p in paths {
            if p.is_dir() {
                set.recursive.push(abs(p));
            } else if let Some(parent) = abs(p).parent() {
                set.flat.push(parent.to_path_buf());
            }
        }
        for p in extra {
            if let Some(parent) = abs(p).parent() {
                set.flat.push(parent.to_path_buf());
            }
        }
        set.recursive.sort();
        set.recursive.dedup();
        set.flat.sort();
        set.flat.dedup();
        set.flat.retain(|f| !set.recursive.iter().any(|r| f.starts_with(r)));
        set
    }

    /// Whether an event is a change worth a rebuild.
    fn relevant(&self, event: &Event) -> bool {
        let changes = match event.kind {
            EventKind::Access(notify::event::AccessKind::Close(notify::event::AccessMode::Write)) => true,
            EventKind::Access(_) => false,
            _ => true,
        };
        changes
            && event.paths.iter().any(|p| {
                let name = p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                let temp = name.starts_with('.') && name.ends_with(".tmp");
                !p.starts_with(&self.ignore) && !temp && name != brief::manifest::FILE_NAME
            })
    }
}

/// Runs `rebuild` every time something in `set` changes; returns only on a watcher error
/// (the process is normally ended with Ctrl-C).
pub fn run(set: &WatchSet, rebuild: &mut dyn FnMut()) -> Result<(), String> {
    let (tx, rx) = mpsc::channel::<notify::Result<Event>>();
    let mut watcher =
        notify::recommended_watcher(move |e| drop(tx.send(e))).map_err(|e| format!("cannot watch files: {e}"))?;
    for (dirs, mode) in [(&set.recursive, RecursiveMode::Recursive), (&set.flat, RecursiveMode::NonRecursive)] {
        for d in dirs {
            watcher.watch(d, mode).map_err(|e| format!("cannot watch {}: {e}", d.display()))?;
        }
    }
    loop {
        let first = rx.recv().map_err(|_| "the file watcher stopped".to_string())?;
        let mut dirty = matches!(&first, Ok(e) if set.relevant(e));
        // Let the burst of events settle, then rebuild once.
        loop {
            match rx.recv_timeout(SETTLE) {
                Ok(Ok(e)) => dirty |= set.relevant(&e),
                Ok(Err(_)) => {}
                Err(mpsc::RecvTimeoutError::Timeout) => break,
                Err(mpsc::RecvTimeoutError::Disconnected) => return Err("the file watcher stopped".into()),
            }
        }
        if dirty {
            rebuild();
        }
    }
}
