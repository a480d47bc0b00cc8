//! Incremental builds: a small manifest in the output folder records, for each document
//! built, content hashes (BLAKE3) of everything its outputs depend on.
//!
//! A document is *fresh* — skipped — when all of these hold:
//! - the environment digest is the same: brief's version, the built-in font bytes, the
//!   parsed project config, and `SOURCE_DATE_EPOCH` when it is set;
//! - its source bytes hash the same;
//! - every image it referenced last time (found by the parser, so no parse is needed to
//!   check) hashes the same, and an image that was missing is still missing;
//! - every output asked for is recorded and exists with the recorded size.
//!
//! Documents that failed are not recorded, so they are built (and report their errors)
//! every time. The manifest is JSON, rewritten atomically, and only when it changed; a
//! manifest that cannot be read (corrupt, older format) is treated as empty.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// The manifest's file name inside the output folder.
pub const FILE_NAME: &str = ".brief-manifest.json";
/// Bumped when the format or the meaning of a digest changes.
const FORMAT: u32 = 1;

/// Hex of a BLAKE3 digest of `bytes`.
pub fn hash(bytes: &[u8]) -> String {
    blake3::hash(bytes).to_hex().to_string()
}

/// Everything recorded in one output folder.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: u32,
    /// Keyed by the source's absolute path.
    pub documents: BTreeMap<String, Entry>,
}

/// What one document's outputs were built from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// Digest of brief's version, fonts, config and fixed timestamp.
    pub env: String,
    /// Digest of the source bytes.
    pub source: String,
    /// Files the document referenced (images), with their digests (`None`: missing).
    pub deps: Vec<Dep>,
    /// Files written, by name inside the output folder.
    pub outputs: Vec<OutputFile>,
    pub pages: usize,
    /// Warnings of the build, shown again when the document is skipped.
    pub warnings: Vec<StoredWarning>,
}

/// A file a document depends on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dep {
    pub path: String,
    pub hash: Option<String>,
}

/// An output file and its size.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutputFile {
    pub name: String,
    pub bytes: u64,
}

/// A warning, as stored (the diagnostic type itself is not deserializable).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredWarning {
    pub path: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl Dep {
    /// Records `path` with the digest of its current content.
    pub fn of(path: &Path) -> Dep {
        Dep { path: path.display().to_string(), hash: std::fs::read(path).ok().map(|b| hash(&b)) }
    }

    /// Whether the file still has the recorded content (or is still missing).
    pub fn unchanged(&self) -> bool {
        std::fs::read(&self.path).ok().map(|b| hash(&b)) == self.hash
    }
}

impl Manifest {
    /// Reads the manifest of `out_dir`; empty when there is none or it cannot be read.
    pub fn load(out_dir: &Path) -> Manifest {
        std::fs::read(out_dir.join(FILE_NAME))
            .ok()
            .and_then(|b| serde_json::from_slice::<Manifest>(&b).ok())
            .filter(|m| m.format == FORMAT)
            .unwrap_or_default()
    }

    /// Writes the manifest into `out_dir` atomically.
    pub fn save(&self, out_dir: &Path) -> std::io::Result<()> {
        let mut m = self.clone();
        m.format = FORMAT;
        let json = serde_json::to_vec(&m).map_err(std::io::Error::other)?;
        crate::pipeline::write_atomically(&out_dir.join(FILE_NAME), &json)
    }

    /// The entry for `key` if the document is fresh: same environment and source digest,
    /// deps unchanged, and each of `wanted` output names recorded and present with its size.
    pub fn fresh(&self, key: &str, env: &str, source: &str, out_dir: &Path, wanted: &[String]) -> Option<&Entry> {
        let e = self.documents.get(key)?;
        if e.env != env || e.source != source {
            return None;
        }
        for name in wanted {
            let rec = e.outputs.iter().find(|o| &o.name == name)?;
            let len = std::fs::metadata(out_dir.join(name)).ok()?.len();
            if len != rec.bytes {
                return None;
            }
        }
        e.deps.iter().all(Dep::unchanged).then_some(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fresh_needs_same_env_source_deps_and_outputs() {
        let dir = std::env::temp_dir().join(format!("brief-manifest-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("a.pdf"), b"12345").unwrap();
        std::fs::write(dir.join("img.png"), b"img").unwrap();
        let mut m = Manifest::default();
        m.documents.insert(
            "k".into(),
            Entry {
                env: "E".into(),
                source: "S".into(),
                deps: vec![Dep::of(&dir.join("img.png")), Dep::of(&dir.join("gone.png"))],
                outputs: vec![OutputFile { name: "a.pdf".into(), bytes: 5 }],
                pages: 1,
                warnings: vec![],
            },
        );
        let want = vec!["a.pdf".to_string()];
        assert!(m.fresh("k", "E", "S", &dir, &want).is_some());
        assert!(m.fresh("k", "E2", "S", &dir, &want).is_none());
        assert!(m.fresh("k", "E", "S2", &dir, &want).is_none());
        assert!(m.fresh("k", "E", "S", &dir, &["a.epub".to_string()]).is_none());
        m.save(&dir).unwrap();
        assert_eq!(Manifest::load(&dir).documents, m.documents);
        std::fs::write(dir.join("img.png"), b"img2").unwrap();
        assert!(m.fresh("k", "E", "S", &dir, &want).is_none());
        std::fs::write(dir.join("img.png"), b"img").unwrap();
        std::fs::write(dir.join("gone.png"), b"now here").unwrap();
        assert!(m.fresh("k", "E", "S", &dir, &want).is_none());
        std::fs::remove_file(dir.join("gone.png")).unwrap();
        std::fs::write(dir.join("a.pdf"), b"1234").unwrap();
        assert!(m.fresh("k", "E", "S", &dir, &want).is_none());
        std::fs::write(dir.join(FILE_NAME), b"{not json").unwrap();
        assert_eq!(Manifest::load(&dir), Manifest::default());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
