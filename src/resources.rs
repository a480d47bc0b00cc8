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
