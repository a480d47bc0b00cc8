//! Images as PDF image XObjects: PNG decoded and stored losslessly (Flate, alpha as a soft
//! mask), JPEG passed through untouched as `DCTDecode`.
//!
//! printpdf's own image path would decode the JPEG and re-encode it (a second generation of
//! loss), so a JPEG becomes an external XObject whose stream is the file itself; only its
//! frame header is read, for the size and the number of colour components.

use std::collections::BTreeMap;

use printpdf::{DictItem, ExternalStream, ExternalXObject, RawImage, XObject, XObjectId};

use crate::layout::{Item, LaidOut};
use crate::resources::{ImageData, ImageFormat, Resources};

/// Adds every image the pages draw to `resources`; returns the resource name of each `src`.
/// Images missing from `res` or failing to decode are left out (their items draw nothing).
pub(super) fn register(
    doc: &LaidOut,
    res: &Resources,
    resources: &mut printpdf::PdfResources,
) -> BTreeMap<String, XObjectId> {
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
        let xobject = match data.format {
            ImageFormat::Png => png(data),
            ImageFormat::Jpeg => jpeg(data),
        };
        if let Some(xobject) = xobject {
            let id = XObjectId(format!("Im{n}"));
            resources.xobjects.map.insert(id.clone(), xobject);
            names.insert(src.to_string(), id);
        }
    }
    names
}

/// A PNG, decoded to pixels; printpdf stores them with Flate (see the save options in
/// `finish`, which switch off its lossy "optimisation").
fn png(data: &ImageData) -> Option<XObject> {
    let mut warnings = Vec::new();
    let image = RawImage::decode_from_bytes(&data.bytes, &mut warnings).ok()?;
    (image.width > 0 && image.height > 0).then_some(XObject::Image(image))
}

/// A JPEG, embedded byte for byte.
fn jpeg(data: &ImageData) -> Option<XObject> {
    let frame = jpeg_frame(&data.bytes)?;
    let (space, decode) = match frame.components {
        1 => ("DeviceGray", None),
        3 => ("DeviceRGB", None),
        // Adobe writes CMYK JPEGs inverted; its APP14 marker says so.
        4 => ("DeviceCMYK", frame.adobe.then(|| vec![1, 0, 1, 0, 1, 0, 1, 0])),
        _ => return None,
    };
    let mut dict = BTreeMap::new();
    dict.insert("Type".to_string(), DictItem::Name(b"XObject".to_vec()));
    dict.insert("Subtype".to_string(), DictItem::Name(b"Image".to_vec()));
    dict.insert("Width".to_string(), DictItem::Int(i64::from(frame.width)));
    dict.insert("Height".to_string(), DictItem::Int(i64::from(frame.height)));
    dict.insert("ColorSpace".to_string(), DictItem::Name(space.as_bytes().to_vec()));
    dict.insert("BitsPerComponent".to_string(), DictItem::Int(i64::from(frame.bits)));
    dict.insert("Filter".to_string(), DictItem::Name(b"DCTDecode".to_vec()));
    if let Some(decode) = decode {
        dict.insert(
            "Decode".to_string(),
            DictItem::Array(decode.into_iter().map(DictItem::Int).collect()),
        );
    }
    Some(XObject::External(ExternalXObject {
        stream: ExternalStream {
            dict,
            content: data.bytes.clone(),
            compress: false,
        },
        width: None,
        height: None,
        dpi: None,
    }))
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
            0xC0..=0xCF if ![0xC4, 0xC8, 0xCC].contains(&marker) => {
                return Some(JpegFrame {
                    bits: *body.first()?,
                    height: u16::from_be_bytes([*body.get(1)?, *body.get(2)?]),
                    width: u16::from_be_bytes([*body.get(3)?, *body.get(4)?]),
                    components: *body.get(5)?,
                    adobe,
                })
                .filter(|f| f.width > 0 && f.height > 0);
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
