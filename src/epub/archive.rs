//! The EPUB's zip container, written here rather than by epub-builder's zip backend.
//!
//! epub-builder's backend deflates every entry with a fresh zlib state at level 6: for a
//! brief, a dozen small files, most of the EPUB's time (setting up each state costs more
//! than compressing a chapter). The package ([`super::package`]) still has epub-builder
//! write the package document, the NCX, the nav document and the container, and copies
//! those entries from its archive as they are; the files brief renders (chapters,
//! stylesheet, fonts, images) go in from here, compressed by [`crate::deflate`].
//!
//! What is written is plain zip, as EPUB (OCF 3.3) requires: no encryption, no data
//! descriptors, no extra fields, no zip64 (an entry or archive past 4 GiB is refused),
//! `mimetype` first and stored (the caller's order is kept). Every entry carries the zip
//! format's earliest date (1980-01-01 00:00), as epub-builder's `libzip` backend writes,
//! so the same book gives the same bytes.

/// Compression method numbers (APPNOTE 4.4.5).
const STORED: u16 = 0;
const DEFLATED: u16 = 8;

/// 1980-01-01 00:00:00 in MS-DOS form (date: day 1, month 1, year 0; time 0).
const DOS_DATE: u16 = (1 << 5) | 1;
const DOS_TIME: u16 = 0;

/// How an entry's data is to be stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Method {
    /// As is (the `mimetype` entry; images, already compressed).
    Store,
    /// Deflated (text, fonts), unless that would not make it smaller.
    Deflate,
}

/// A zip archive being written in memory.
pub(crate) struct Archive {
    buf: Vec<u8>,
    central: Vec<u8>,
    entries: u16,
}

fn u16le(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn u32le(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn too_big(what: &str) -> String {
    format!("EPUB packaging failed: {what} is too large for a zip archive without zip64")
}

impl Archive {
    pub fn with_capacity(bytes: usize) -> Archive {
        Archive {
            buf: Vec::with_capacity(bytes),
            central: Vec::with_capacity(1024),
            entries: 0,
        }
    }

    /// Adds `data` as entry `name`.
    pub fn add(&mut self, name: &str, data: &[u8], method: Method) -> Result<(), String> {
        let size = u32::try_from(data.len()).map_err(|_| too_big(name))?;
        let crc = crc32(data);
        if method == Method::Deflate {
            let packed = crate::deflate::raw(data);
            if packed.len() < data.len() {
                return self.add_raw(name, DEFLATED, crc, &packed, size);
            }
        }
        self.add_raw(name, STORED, crc, data, size)
    }

    /// Adds an entry whose data is already in its stored form: `method` (0 stored, 8
    /// deflated), the CRC-32 and size of the uncompressed data, and `packed` as stored.
    pub fn add_raw(
        &mut self,
        name: &str,
        method: u16,
        crc: u32,
        packed: &[u8],
        size: u32,
    ) -> Result<(), String> {
        if method != STORED && method != DEFLATED {
            return Err(format!(
                "EPUB packaging failed: {name} uses zip method {method}"
            ));
        }
        let offset = u32::try_from(self.buf.len()).map_err(|_| too_big("the book"))?;
        let packed_len = u32::try_from(packed.len()).map_err(|_| too_big(name))?;
        let name_len = u16::try_from(name.len()).map_err(|_| too_big("an entry name"))?;
        self.entries = self
            .entries
            .checked_add(1)
            .ok_or_else(|| too_big("the number of entries"))?;
        let version = if method == DEFLATED { 20 } else { 10 };
        // Bit 11: the name is UTF-8 (only needed, and only set, when it is not ASCII).
        let flags: u16 = if name.is_ascii() { 0 } else { 1 << 11 };

        let b = &mut self.buf;
        u32le(b, 0x0403_4b50);
        for v in [version, flags, method, DOS_TIME, DOS_DATE] {
            u16le(b, v);
        }
        for v in [crc, packed_len, size] {
            u32le(b, v);
        }
        u16le(b, name_len);
        u16le(b, 0);
        b.extend_from_slice(name.as_bytes());
        b.extend_from_slice(packed);

        let c = &mut self.central;
        u32le(c, 0x0201_4b50);
        // Made by: Unix, spec 2.0 (so the external attributes are Unix permissions).
        for v in [0x0314, version, flags, method, DOS_TIME, DOS_DATE] {
            u16le(c, v);
        }
        for v in [crc, packed_len, size] {
            u32le(c, v);
        }
        // Name length; extra field, comment, disk number, internal attributes: none.
        for v in [name_len, 0, 0, 0, 0] {
            u16le(c, v);
        }
        // A regular file, rw-r--r--.
        u32le(c, 0o100_644 << 16);
        u32le(c, offset);
        c.extend_from_slice(name.as_bytes());
        Ok(())
    }

    /// The archive's bytes: entries, central directory, end record.
    pub fn finish(mut self) -> Result<Vec<u8>, String> {
        let at = u32::try_from(self.buf.len()).map_err(|_| too_big("the book"))?;
        let len = u32::try_from(self.central.len()).map_err(|_| too_big("the book"))?;
        self.buf.extend_from_slice(&self.central);
        let b = &mut self.buf;
        u32le(b, 0x0605_4b50);
        // This disk, the directory's disk, entries here, entries in all.
        for v in [0, 0, self.entries, self.entries] {
            u16le(b, v);
        }
        u32le(b, len);
        u32le(b, at);
        // No comment.
        u16le(b, 0);
        Ok(self.buf)
    }
}

/// CRC-32 (the zip polynomial) of `data`.
pub(crate) fn crc32(data: &[u8]) -> u32 {
    libdeflater::crc32(data)
}

#[cfg(test)]
mod tests {
    use std::io::{Cursor, Read};

    use super::*;

    #[test]
    fn entries_read_back_in_order_with_their_methods() {
        let text = "Central Asia ".repeat(200);
        let png = [0x89u8, b'P', b'N', b'G', 1, 2, 3];
        let mut a = Archive::with_capacity(0);
        a.add("mimetype", b"application/epub+zip", Method::Store)
            .expect("add");
        a.add("OEBPS/chapter-1.xhtml", text.as_bytes(), Method::Deflate)
            .expect("add");
        a.add("OEBPS/images/карта.png", &png, Method::Store)
            .expect("add");
        // Too short to shrink: stored although deflate was asked for.
        a.add("OEBPS/tiny.css", b"p{}", Method::Deflate)
            .expect("add");
        let bytes = a.finish().expect("finish");
        assert_eq!(
            &bytes[30..38],
            b"mimetype",
            "mimetype first, no extra field"
        );
        assert_eq!(&bytes[38..58], b"application/epub+zip");

        let mut zip = zip::ZipArchive::new(Cursor::new(&bytes)).expect("a zip archive");
        let want: [(&str, &[u8], zip::CompressionMethod); 4] = [
            (
                "mimetype",
                b"application/epub+zip",
                zip::CompressionMethod::Stored,
            ),
            (
                "OEBPS/chapter-1.xhtml",
                text.as_bytes(),
                zip::CompressionMethod::Deflated,
            ),
            (
                "OEBPS/images/карта.png",
                &png,
                zip::CompressionMethod::Stored,
            ),
            ("OEBPS/tiny.css", b"p{}", zip::CompressionMethod::Stored),
        ];
        assert_eq!(zip.len(), want.len());
        for (i, (name, data, method)) in want.iter().enumerate() {
            let mut f = zip.by_index(i).expect("entry");
            assert_eq!(f.name(), *name);
            assert_eq!(f.compression(), *method, "{name}");
            assert_eq!(f.crc32(), crc32(data));
            let mut back = Vec::new();
            f.read_to_end(&mut back).expect("reads (checks the CRC)");
            assert_eq!(&back, data);
        }
        assert!(zip.by_index(1).expect("entry").compressed_size() < text.len() as u64 / 5);
    }

    #[test]
    fn raw_entries_are_copied_as_given_and_odd_methods_refused() {
        let data = b"<package/>".repeat(30);
        let packed = crate::deflate::raw(&data);
        let mut a = Archive::with_capacity(0);
        a.add_raw(
            "OEBPS/content.opf",
            DEFLATED,
            crc32(&data),
            &packed,
            data.len() as u32,
        )
        .expect("add");
        assert!(a.add_raw("x", 12, 0, b"", 0).is_err(), "bzip2 is not EPUB");
        let bytes = a.finish().expect("finish");
        let mut zip = zip::ZipArchive::new(Cursor::new(&bytes)).expect("zip");
        let mut back = Vec::new();
        zip.by_index(0)
            .expect("entry")
            .read_to_end(&mut back)
            .expect("read");
        assert_eq!(back, data);
        assert_eq!(zip.len(), 1);
    }

    #[test]
    fn same_entries_same_bytes() {
        let build = || {
            let mut a = Archive::with_capacity(0);
            a.add("mimetype", b"application/epub+zip", Method::Store)
                .expect("add");
            a.add(
                "OEBPS/a.xhtml",
                "text ".repeat(100).as_bytes(),
                Method::Deflate,
            )
            .expect("add");
            a.finish().expect("finish")
        };
        assert_eq!(build(), build());
    }
}
