//! Build script: a digest of the built-in fonts, computed once at compile time.
//!
//! Incremental builds must notice when brief's own faces change, but hashing 6 MB of font
//! bytes in every process (as the pipeline once did with BLAKE3) cost 13 % of a small
//! build. The faces are compiled in, so their digest is a constant: FNV-1a (64-bit) over
//! each `fonts/*.ttf` file's name, length and bytes, in name order, exported to the crate as
//! `BRIEF_BUILTIN_FONTS_DIGEST` (16 hex digits). No crate is needed for this; FNV is not
//! a cryptographic hash, which is fine for telling one set of our own files from another.

use std::path::Path;

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

fn fnv1a(mut h: u64, bytes: &[u8]) -> u64 {
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(FNV_PRIME);
    }
    h
}

fn main() {
    // The `brief` executable is linked as a position-dependent executable: a PIE's ~15,000
    // relative relocations (vtables, string tables) were applied at every start, writing to
    // ~120 pages; `brief --version` took 1.71 ms as a PIE and 1.49 ms without (medians of
    // 300 interleaved runs). The cost is that the executable's own code is not placed at
    // a random address (shared libraries still are), as with Go's default binaries.
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!("cargo:rustc-link-arg-bin=brief=-no-pie");
    }
    println!("cargo:rerun-if-changed=fonts");
    println!("cargo:rerun-if-changed=build.rs");
    let dir = Path::new("fonts");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.retain(|p| p.extension().is_some_and(|e| e == "ttf"));
    files.sort();
    let mut h = FNV_OFFSET;
    for path in &files {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        h = fnv1a(h, name.as_bytes());
        h = fnv1a(h, &(bytes.len() as u64).to_le_bytes());
        h = fnv1a(h, &bytes);
    }
    println!("cargo:rustc-env=BRIEF_BUILTIN_FONTS_DIGEST={h:016x}");
}
