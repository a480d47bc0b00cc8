//! Fuzz target: arbitrary bytes through the whole pipeline, as `brief build` runs it
//! (decode → parse → images → layout → PDF, and EPUB). It checks that nothing panics and
//! that, for every input that builds, each XHTML file of the EPUB is well-formed XML and
//! the PDF starts and ends like a PDF.
#![no_main]

use brief::diag::Diagnostics;
use brief::fonts::Fonts;
use brief::pipeline::{render, BuildOptions};
use brief::source::Source;
use libfuzzer_sys::fuzz_target;
use std::io::Read;
use std::sync::OnceLock;

#[path = "../../src/epub/tests/xml.rs"]
#[allow(dead_code)]
mod xml;

fn fonts() -> &'static Fonts {
    static FONTS: OnceLock<Fonts> = OnceLock::new();
    FONTS.get_or_init(|| Fonts::builtin().expect("built-in fonts"))
}

fuzz_target!(|data: &[u8]| {
    // Sources live in a folder of their own so image paths resolve somewhere harmless.
    let dir = std::env::temp_dir().join("brief-fuzz-src");
    let Ok(src) = Source::from_bytes(dir.join("fuzz.md"), data.to_vec()) else { return };
    let mut opts = BuildOptions::new(dir.join("out"));
    opts.incremental = false;
    let mut diags = Diagnostics::new();
    let Some(rendered) = render(&src, fonts(), &opts, &mut diags) else {
        assert!(diags.has_errors(), "no output and no error");
        return;
    };
    let pdf = rendered.pdf.expect("a PDF");
    assert!(pdf.starts_with(b"%PDF-"), "PDF header");
    assert!(pdf.windows(5).rev().take(64).any(|w| w == b"%%EOF"), "PDF trailer");
    let epub = rendered.epub.expect("an EPUB");
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(epub)).expect("EPUB is a zip");
    for i in 0..zip.len() {
        let mut file = zip.by_index(i).expect("zip entry");
        let name = file.name().to_string();
        if !name.ends_with(".xhtml") && !name.ends_with(".opf") && !name.ends_with(".ncx") {
            continue;
        }
        let mut text = String::new();
        file.read_to_string(&mut text).expect("UTF-8 XML file");
        if let Err(e) = xml::parse(&text) {
            panic!("{name} is not well-formed: {e}\n{text}");
        }
    }
});
