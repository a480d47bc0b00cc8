//! Shared helpers of the criterion benchmarks in `benches/`.

use brief::diag::Diagnostics;
use brief::resources::Resources;
use brief::source::Source;
use std::path::Path;

// Every bench links this crate: they all run on the allocator the `brief` binary uses.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Reads and parses a Markdown source and loads its images, as a build would; `None` when
/// the file cannot be read (a corpus outside the repo may be missing).
pub fn load(path: &Path) -> Option<(brief::doc::Document, Resources)> {
    let src = Source::read(path).ok()?;
    let mut diags = Diagnostics::new();
    let doc = brief::markdown::parse(&src, &mut diags);
    let base = path.parent()?.to_path_buf();
    let (res, _) = Resources::load(&doc, &base, &src.name());
    Some((doc, res))
}
