//! Images as PDF image XObjects: PNG decoded and stored losslessly (Flate, alpha as a soft
//! mask), JPEG passed through untouched as `DCTDecode`.
//!
//! PNG decoding is printpdf's (the `png` crate underneath); the XObjects are written here. A
//! JPEG is never decoded: its stream is the file itself (no second generation of loss), and
//! only its frame header is read, for the size and the number of colour components.

use std::collections::BTreeMap;

use printpdf::{RawImage, RawImageData, RawImageFormat};

use super::syntax::{int, reference, PdfFile, Ref};
use crate::layout::{Item, LaidOut};
use crate::resources::{ImageData, ImageFormat, Resources};

/// Writes every image the pages draw; returns the resource name and object of each `src`.
/// Images missing from `res` or failing to decode are left out (their items draw nothing).
pub(super) fn write(doc: &LaidOut, res: &Resources, file: &mut PdfFile) -> BTreeMap<String, (String, Ref)> {
    let used: std::collections::BTreeSet<&str> = doc
        .pages
        .iter()
        .flat_map(|p| &p.items)
        .filter_map(|item| match item {
            Item::Image { src, .. } => Some(src.as_str()),
            _ => None,
        })
        .collect();
    let mut names = BTreeMap::new();
    for (n, src) in used.into_iter().enumerate() {
        let Some(data) = res.images.get(src) else { continue };
        let written = match data.format {
            ImageFormat::Png => png(data, file),
            ImageFormat::Jpeg => jpeg(data, file),
        };
        if let Some(id) = written {
            names.insert(src.to_string(), (format!("Im{n}"), id));
        }
    }
    names
}

/// A PNG, decoded to 8-bit samples and stored losslessly with Flate; an alpha channel
/// becomes a soft mask. 16-bit samples keep their high byte (no viewer shows more).
fn png(data: &ImageData, file: &mut PdfFile) -> Option<Ref> {
    let mut warnings = Vec::new();
    let image = RawImage::decode_from_bytes(&data.bytes, &mut warnings).ok()?;
    if image.width == 0 || image.height == 0 {
        return None;
    }
    let samples: Vec<u8> = match &image.pixels {
        RawImageData::U8(v) => v.clone(),
        RawImageData::U16(v) => v.iter().map(|s| (s >> 8) as u8).collect(),
        RawImageData::F32(v) => v.iter().map(|s| (s.clamp(0.0, 1.0) * 255.0).round() as u8).collect(),
    };
    // Channels in the decoded order, which of them is alpha, and whether it is BGR.
    let (channels, alpha, bgr) = match image.data_format {
        RawImageFormat::R8 | RawImageFormat::R16 => (1, false, false),
        RawImageFormat::RG8 | RawImageFormat::RG16 => (2, true, false),
        RawImageFormat::RGB8 | RawImageFormat::RGB16 | RawImageFormat::RGBF32 => (3, false, false),
        RawImageFormat::RGBA8 | RawImageFormat::RGBA16 | RawImageFormat::RGBAF32 => (4, true, false),
        RawImageFormat::BGR8 => (3, false, true),
        RawImageFormat::BGRA8 => (4, true, true),
    };
    let pixels = image.width.checked_mul(image.height)?;
    if samples.len() < pixels.checked_mul(channels)? {
        return None;
    }
    let colors = if alpha { channels - 1 } else { channels };
    let mut color = Vec::with_capacity(pixels * colors);
    let mut mask = Vec::with_capacity(if alpha { pixels } else { 0 });
    for px in samples.chunks_exact(channels).take(pixels) {
        let c = &px[..colors];
        if bgr {
            color.extend(c.iter().rev());
        } else {
            color.extend_from_slice(c);
        }
        if alpha {
            mask.push(px[channels - 1]);
        }
    }
    let space: &[u8] = if colors == 1 { b"/DeviceGray" } else { b"/DeviceRGB" };
    let smask = (alpha && mask.iter().any(|&a| a != 255)).then(|| {
        let id = file.reserve();
        file.stream(id, &image_dict(image.width, image.height, b"/DeviceGray", 8), &mask, true);
        id
    });
    let id = file.reserve();
    let mut dict = image_dict(image.width, image.height, space, 8);
    if let Some(smask) = smask {
        dict.extend_from_slice(b"/SMask ");
        reference(&mut dict, smask);
    }
    file.stream(id, &dict, &color, true);
    Some(id)
}

/// The dictionary entries of an image XObject.
fn image_dict(width: usize, height: usize, space: &[u8], bits: u8) -> Vec<u8> {
    let mut d = b"/Type/XObject/Subtype/Image/Width ".to_vec();
    int(&mut d, width as i64);
    d.extend_from_slice(b"/Height ");
    int(&mut d, height as i64);
    d.extend_from_slice(b"/ColorSpace");
    d.extend_from_slice(space);
    d.extend_from_slice(b"/BitsPerComponent ");
    int(&mut d, i64::from(bits));
    d
}

/// A JPEG, embedded byte for byte (`DCTDecode`): only its frame header is read.
fn jpeg(data: &ImageData, file: &mut PdfFile) -> Option<Ref> {
    let frame = jpeg_frame(&data.bytes)?;
    let (space, decode): (&[u8], &[u8]) = match frame.components {
        1 => (b"/DeviceGray", b""),
        3 => (b"/DeviceRGB", b""),
        // Adobe writes CMYK JPEGs inverted; its APP14 marker says so.
        4 if frame.adobe => (b"/DeviceCMYK", b"/Decode[1 0 1 0 1 0 1 0]"),
        4 => (b"/DeviceCMYK", b""),
        _ => return None,
    };
    let mut dict = image_dict(usize::from(frame.width), usize::from(frame.height), space, frame.bits);
    dict.extend_from_slice(decode);
    dict.extend_from_slice(b"/Filter/DCTDecode");
    let id = file.reserve();
    file.stream(id, &dict, &data.bytes, false);
    Some(id)
}

/// What a JPEG's frame header (SOFn) and markers tell.
#[derive(Debug, PartialEq)]
struct JpegFrame {
    width: u16,
    height: u16,
    bits: u8,
    components: u8,
    /// An Adobe APP14 marker came before the frame.
    adobe: bool,
}

/// Walks a JPEG's markers up to its first frame header.
fn jpeg_frame(bytes: &[u8]) -> Option<JpegFrame> {
    if bytes.get(..2)? != [0xFF, 0xD8] {
        return None;
    }
    let mut pos = 2;
    let mut adobe = false;
    loop {
        // Markers may be padded with extra 0xFF bytes.
        while *bytes.get(pos)? == 0xFF && *bytes.get(pos + 1)? == 0xFF {
            pos += 1;
        }
        if *bytes.get(pos)? != 0xFF {
            return None;
        }
        let marker = *bytes.get(pos + 1)?;
        let len = usize::from(u16::from_be_bytes([*bytes.get(pos + 2)?, *bytes.get(pos + 3)?]));
        let body = bytes.get(pos + 4..pos + 2 + len)?;
        match marker {
            // SOF0–SOF15 except DHT (C4), JPG (C8) and DAC (CC).
            // Only frames DCTDecode reads (8-bit baseline, extended, progressive); others
            // are refused here and reported by `resources::verify`.
            0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF => return None,
            0xC0..=0xC2 => {
                return Some(JpegFrame {
                    bits: *body.first()?,
                    height: u16::from_be_bytes([*body.get(1)?, *body.get(2)?]),
                    width: u16::from_be_bytes([*body.get(3)?, *body.get(4)?]),
                    components: *body.get(5)?,
                    adobe,
                })
                .filter(|f| f.width > 0 && f.height > 0 && f.bits == 8);
            }
            0xEE if body.starts_with(b"Adobe") => adobe = true,
            0xD9 | 0xDA => return None,
            _ => {}
        }
        pos += 2 + len;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jpeg_frame_reads_size_and_components() {
        let bytes = std::fs::read("/work/shared/corpus/briefs/images/steppe-railway.jpg");
        let Ok(bytes) = bytes else {
            eprintln!("note: corpus JPEG missing, test skipped");
            return;
        };
        let frame = jpeg_frame(&bytes).expect("a frame header");
        assert!(frame.width > 0 && frame.height > 0);
        assert_eq!(frame.bits, 8);
        assert!([1, 3].contains(&frame.components));
    }

    #[test]
    fn jpeg_frame_refuses_junk_without_panicking() {
        assert_eq!(jpeg_frame(b""), None);
        assert_eq!(jpeg_frame(b"\xFF\xD8"), None);
        assert_eq!(jpeg_frame(b"\xFF\xD8\xFF\xC0\x00"), None);
        assert_eq!(jpeg_frame(b"\xFF\xD8\xFF\xC0\x00\x11\x08\x00"), None);
        assert_eq!(jpeg_frame(b"\x89PNG"), None);
        let frame = b"\xFF\xD8\xFF\xC0\x00\x0B\x08\x00\x02\x00\x03\x01\x01\x11\x00";
        assert_eq!(
            jpeg_frame(frame),
            Some(JpegFrame {
                width: 3,
                height: 2,
                bits: 8,
                components: 1,
                adobe: false
            })
        );
    }
}
