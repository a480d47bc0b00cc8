//! Images a document uses, read and measured once and shared by both backends.

use std::collections::BTreeMap;

/// Image file formats brief embeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageFormat {
    Png,
    Jpeg,
}

impl ImageFormat {
    /// The media type, as EPUB manifests want it.
    pub fn media_type(self) -> &'static str {
        match self {
            ImageFormat::Png => "image/png",
            ImageFormat::Jpeg => "image/jpeg",
        }
    }
}

/// One image: its bytes as read and its pixel size.
#[derive(Debug, Clone, PartialEq)]
pub struct ImageData {
    pub format: ImageFormat,
    pub bytes: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

/// The images of one document, keyed by `src` exactly as written in the Markdown.
/// A `src` that is not here (remote URLs, say) is shown as its alt text.
#[derive(Debug, Clone, Default)]
pub struct Resources {
    pub images: BTreeMap<String, ImageData>,
}

impl Resources {
    /// Reads every local image the document uses (figures, inline images, the cover),
    /// resolving paths against `base` (the source file's folder). Remote images are not
    /// fetched. Unreadable or undecodable images are errors naming the file; missing files
    /// and paths outside the source tree were already reported by the parser with their
    /// line and column, so they are skipped here.
    pub fn load(doc: &crate::doc::Document, base: &std::path::Path, source_name: &str) -> (Resources, Vec<crate::diag::Diagnostic>) {
        Resources::load_at(doc, base, source_name, &BTreeMap::new())
    }

    /// [`Resources::load`], with the line and column of each `src` (its first use) for the
    /// error about an image that is corrupt or truncated.
    pub fn load_at(
        doc: &crate::doc::Document,
        base: &std::path::Path,
        source_name: &str,
        at: &BTreeMap<String, (usize, usize)>,
    ) -> (Resources, Vec<crate::diag::Diagnostic>) {
        let mut res = Resources::default();
        let mut errors = Vec::new();
        let mut srcs = Vec::new();
        crate::doc::visit_images(&doc.blocks, &mut |img| srcs.push(img.src.clone()));
        if let Some(cover) = &doc.meta.cover {
            srcs.push(cover.clone());
        }
        for src in srcs {
            if res.images.contains_key(&src) || !is_local(&src) {
                continue;
            }
            let path = base.join(crate::doc::percent_decode(&src));
            let Ok(bytes) = std::fs::read(&path) else { continue };
            match measure(&bytes).ok_or_else(|| "not a PNG or JPEG file".to_string()).and_then(|m| {
                verify(&bytes, m.0)?;
                Ok(m)
            }) {
                Ok((format, width, height)) => {
                    res.images.insert(src, ImageData { format, bytes, width, height });
                }
                Err(why) => {
                    let (line, column) = at.get(&src).copied().unwrap_or((1, 1));
                    errors.push(crate::diag::Diagnostic::error(
                        source_name,
                        line,
                        column,
                        format!("image {} cannot be used: {why}", path.display()),
                    ))
                }
            }
        }
        (res, errors)
    }
}

/// Where each image of a document is first named in its source (line and column): the
/// first `](src`, else the first occurrence of `src` (front matter `cover:`, reference
/// definitions). Used to point errors about an image file at the Markdown that uses it.
pub fn positions(doc: &crate::doc::Document, src: &crate::source::Source) -> BTreeMap<String, (usize, usize)> {
    let mut out = BTreeMap::new();
    let mut srcs = Vec::new();
    crate::doc::visit_images(&doc.blocks, &mut |img| srcs.push(img.src.clone()));
    srcs.extend(doc.meta.cover.clone());
    for s in srcs {
        if s.is_empty() || out.contains_key(&s) {
            continue;
        }
        let found = src.text.find(&format!("]({s}")).map(|i| i + 2).or_else(|| src.text.find(&s));
        if let Some(offset) = found {
            out.insert(s, src.line_col(offset));
        }
    }
    out
}

/// Whether an image reference names a local file (not a URL).
pub fn is_local(src: &str) -> bool {
    let lower = src.to_ascii_lowercase();
    !(lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("data:") || lower.contains("://"))
}

/// Largest decoded PNG accepted (bytes of pixels): a small file that inflates to more is a
/// decompression bomb, refused rather than decoded.
pub const MAX_DECODED_IMAGE: usize = 256 << 20;

/// Checks that an image is whole: a PNG decodes to its last row (checksums, truncation and
/// size limits included), a JPEG has its scan and its end-of-image marker. The PDF would
/// otherwise leave a broken image out without a word.
pub fn verify(bytes: &[u8], format: ImageFormat) -> Result<(), String> {
    match format {
        ImageFormat::Png => {
            let decoder = png::Decoder::new_with_limits(std::io::Cursor::new(bytes), png::Limits { bytes: MAX_DECODED_IMAGE });
            let mut reader = decoder.read_info().map_err(|e| format!("broken PNG ({e})"))?;
            let size = reader.output_buffer_size().ok_or("PNG too large to decode")?;
            if size > MAX_DECODED_IMAGE {
                return Err(format!("PNG decodes to {size} bytes, more than the {MAX_DECODED_IMAGE} allowed"));
            }
            let mut buf = vec![0; size];
            reader.next_frame(&mut buf).map_err(|e| format!("broken or truncated PNG ({e})"))?;
            Ok(())
        }
        ImageFormat::Jpeg => {
            // Segments up to the start of scan, then the entropy-coded data must end in EOI.
            let mut i = 2;
            loop {
                let (Some(&ff), Some(&marker)) = (bytes.get(i), bytes.get(i + 1)) else {
                    return Err("truncated JPEG (no image data)".into());
                };
                if ff != 0xFF {
                    return Err(format!("broken JPEG (no marker at byte {i})"));
                }
                if marker == 0xFF {
                    i += 1;
                    continue;
                }
                if marker == 0xDA {
                    break;
                }
                // PDF's DCTDecode reads 8-bit baseline, extended and progressive frames only;
                // lossless, arithmetic-coded and 12-bit JPEGs would not display.
                let is_sof = matches!(marker, 0xC0..=0xCF) && !matches!(marker, 0xC4 | 0xC8 | 0xCC);
                if is_sof && (!matches!(marker, 0xC0..=0xC2) || bytes.get(i + 4) != Some(&8)) {
                    return Err("JPEG coding PDF readers cannot show (lossless, arithmetic or 12-bit); re-save it as a baseline 8-bit JPEG".into());
                }
                let (Some(&hi), Some(&lo)) = (bytes.get(i + 2), bytes.get(i + 3)) else {
                    return Err("truncated JPEG (no image data)".into());
                };
                i += 2 + usize::from(u16::from_be_bytes([hi, lo]));
            }
            let scan = bytes.get(i..).unwrap_or_default();
            if scan.windows(2).any(|w| w == [0xFF, 0xD9]) {
                Ok(())
            } else {
                Err("truncated JPEG (no end-of-image marker)".into())
            }
        }
    }
}

/// Format and pixel size of PNG or JPEG bytes, from their headers.
pub fn measure(bytes: &[u8]) -> Option<(ImageFormat, u32, u32)> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") && bytes.get(12..16) == Some(b"IHDR") {
        let w = u32::from_be_bytes(bytes.get(16..20)?.try_into().ok()?);
        let h = u32::from_be_bytes(bytes.get(20..24)?.try_into().ok()?);
        return (w > 0 && h > 0).then_some((ImageFormat::Png, w, h));
    }
    if bytes.starts_with(&[0xFF, 0xD8]) {
        // Walk the JPEG segments up to a start-of-frame marker.
        let mut i = 2;
        while i + 4 <= bytes.len() {
            if bytes[i] != 0xFF {
                return None;
            }
            let marker = bytes[i + 1];
            if marker == 0xFF {
                i += 1;
                continue;
            }
            let len = usize::from(u16::from_be_bytes([bytes[i + 2], bytes[i + 3]]));
            let is_sof = matches!(marker, 0xC0..=0xCF) && !matches!(marker, 0xC4 | 0xC8 | 0xCC);
            if is_sof {
                let h = u16::from_be_bytes([*bytes.get(i + 5)?, *bytes.get(i + 6)?]);
                let w = u16::from_be_bytes([*bytes.get(i + 7)?, *bytes.get(i + 8)?]);
                return (w > 0 && h > 0).then_some((ImageFormat::Jpeg, u32::from(w), u32::from(h)));
            }
            i += 2 + len;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measures_png_and_jpeg_headers_and_rejects_garbage() {
        let png = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/images/pin.png"));
        if let Ok(png) = png {
            let (f, w, h) = measure(&png).expect("png");
            assert_eq!(f, ImageFormat::Png);
            assert!(w > 0 && h > 0);
        }
        // A minimal JPEG: SOI, an APP0 segment, then SOF0 with 2x3 pixels.
        let jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, 0x00, 0x00, 0xFF, 0xC0, 0x00, 0x0B, 0x08, 0x00, 0x03, 0x00, 0x02];
        assert_eq!(measure(&jpeg), Some((ImageFormat::Jpeg, 2, 3)));
        assert_eq!(measure(b"GIF89a...."), None);
        assert_eq!(measure(b"\x89PNG\r\n\x1a\n"), None);
        assert_eq!(measure(&[0xFF, 0xD8, 0xFF]), None);
    }

    #[test]
    fn remote_sources_are_not_local() {
        assert!(is_local("images/a.png"));
        assert!(!is_local("https://example.org/a.png"));
        assert!(!is_local("HTTP://x/y.png"));
    }
}
