//! PDF syntax: numbers, names, strings, indirect objects, streams and the cross-reference
//! table, written straight into one byte buffer.
//!
//! The file is produced front to back in a single pass: every object is serialized once,
//! the moment it is complete, and only its byte offset is remembered for the xref table.
//! Object ids that must be known before their object exists (the page tree, each page,
//! every font) are reserved first with [`PdfFile::reserve`]. Nothing here allocates per
//! number or per glyph, which is what makes long documents cheap to write.

use std::io::Write as _;


/// An indirect object id (generation is always 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(super) struct Ref(pub u32);


/// A PDF file being written.
pub(super) struct PdfFile {
    pub buf: Vec<u8>,
    /// Byte offset of each object, by id − 1 (`None`: reserved, not yet written).
    offsets: Vec<Option<usize>>,
}

impl PdfFile {
    /// A file with its header written.
    pub fn new() -> PdfFile {
        let mut buf = Vec::with_capacity(64 * 1024);
        // The comment of high bytes tells transfer tools the file is binary.
        buf.extend_from_slice(b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n");
        PdfFile { buf, offsets: Vec::new() }
    }

    /// Reserves the next object id.
    pub fn reserve(&mut self) -> Ref {
        self.offsets.push(None);
        Ref(self.offsets.len() as u32)
    }

    /// Starts writing object `id` (`N 0 obj`); the caller writes its value, then calls
    /// [`PdfFile::end`].
    pub fn begin(&mut self, id: Ref) {
        if let Some(slot) = self.offsets.get_mut(id.0 as usize - 1) {
            *slot = Some(self.buf.len());
        }
        uint(&mut self.buf, u64::from(id.0));
        self.buf.extend_from_slice(b" 0 obj\n");
    }

    /// Ends the object begun last.
    pub fn end(&mut self) {
        self.buf.extend_from_slice(b"\nendobj\n");
    }

    /// Writes object `id` whose value is the dictionary body `dict` (without `<<`/`>>`).
    pub fn dict(&mut self, id: Ref, dict: &[u8]) {
        self.begin(id);
        self.buf.extend_from_slice(b"<<");
        self.buf.extend_from_slice(dict);
        self.buf.extend_from_slice(b">>");
        self.end();
    }

    /// Writes object `id` as a stream of `data`, Flate-compressed when `compress` is set;
    /// `dict` holds any further dictionary entries (without `<<`/`>>` and `/Length`).
    pub fn stream(&mut self, id: Ref, dict: &[u8], data: &[u8], compress: bool) {
        if compress {
            let packed = deflate(data);
            self.raw_stream(id, dict, &packed, true);
        } else {
            self.raw_stream(id, dict, data, false);
        }
    }

    /// Writes object `id` as a stream whose bytes are `data` as given; `flate` says they
    /// are already Flate-compressed (by [`deflate`]).
    pub fn raw_stream(&mut self, id: Ref, dict: &[u8], data: &[u8], flate: bool) {
        self.begin(id);
        self.buf.extend_from_slice(b"<<");
        self.buf.extend_from_slice(dict);
        if flate {
            self.buf.extend_from_slice(b"/Filter/FlateDecode");
        }
        self.buf.extend_from_slice(b"/Length ");
        uint(&mut self.buf, data.len() as u64);
        self.buf.extend_from_slice(b">>\nstream\n");
        self.buf.extend_from_slice(data);
        self.buf.extend_from_slice(b"\nendstream");
        self.end();
    }

    /// Writes the xref table and the trailer (`trailer` is the dictionary body without
    /// `/Size`) and returns the finished file. Reserved ids never written become free
    /// entries, so the table stays consistent whatever happened.
    pub fn finish(mut self, trailer: &[u8]) -> Vec<u8> {
        let xref_at = self.buf.len();
        let count = self.offsets.len() + 1;
        self.buf.extend_from_slice(b"xref\n0 ");
        uint(&mut self.buf, count as u64);
        self.buf.extend_from_slice(b"\n0000000000 65535 f \n");
        for offset in &self.offsets {
            match offset {
                Some(at) => {
                    let _ = write!(self.buf, "{at:010} 00000 n \n");
                }
                None => self.buf.extend_from_slice(b"0000000000 65535 f \n"),
            }
        }
        self.buf.extend_from_slice(b"trailer\n<</Size ");
        uint(&mut self.buf, count as u64);
        self.buf.extend_from_slice(trailer);
        self.buf.extend_from_slice(b">>\nstartxref\n");
        uint(&mut self.buf, xref_at as u64);
        self.buf.extend_from_slice(b"\n%%EOF\n");
        self.buf
    }
}

/// `data` compressed as a zlib stream (PDF's FlateDecode), by [`crate::deflate`].
pub(super) fn deflate(data: &[u8]) -> Vec<u8> {
    crate::deflate::zlib(data)
}

/// Appends an unsigned integer in decimal.
pub(super) fn uint(out: &mut Vec<u8>, mut v: u64) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[i..]);
}

/// Appends a signed integer in decimal.
pub(super) fn int(out: &mut Vec<u8>, v: i64) {
    if v < 0 {
        out.push(b'-');
    }
    uint(out, v.unsigned_abs());
}

/// Appends a real number with at most three decimals and no exponent (PDF has none);
/// non-finite values are written as 0.
pub(super) fn real(out: &mut Vec<u8>, v: f32) {
    let v = if v.is_finite() { f64::from(v) } else { 0.0 };
    // Beyond ±2^53 thousandths nothing is exact; PDF's own limits are far below.
    let milli = (v * 1000.0).round().clamp(-9.0e15, 9.0e15) as i64;
    if milli < 0 {
        out.push(b'-');
    }
    let m = milli.unsigned_abs();
    uint(out, m / 1000);
    let frac = m % 1000;
    if frac != 0 {
        out.push(b'.');
        let d = [(frac / 100) as u8, (frac / 10 % 10) as u8, (frac % 10) as u8];
        let keep = if d[2] != 0 {
            3
        } else if d[1] != 0 {
            2
        } else {
            1
        };
        for &digit in &d[..keep] {
            out.push(b'0' + digit);
        }
    }
}

/// Appends `/name`, escaping every byte outside the regular characters as `#XX`.
pub(super) fn name(out: &mut Vec<u8>, name: &[u8]) {
    out.push(b'/');
    for &b in name {
        let regular = b.is_ascii_graphic() && !b"()<>[]{}/%#".contains(&b);
        if regular {
            out.push(b);
        } else {
            out.push(b'#');
            hex_byte(out, b);
        }
    }
}

/// Appends a byte as two upper-case hex digits.
pub(super) fn hex_byte(out: &mut Vec<u8>, b: u8) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    out.push(HEX[usize::from(b >> 4)]);
    out.push(HEX[usize::from(b & 15)]);
}

/// Appends a glyph id or UTF-16 unit as four hex digits.
pub(super) fn hex_u16(out: &mut Vec<u8>, v: u16) {
    let [hi, lo] = v.to_be_bytes();
    hex_byte(out, hi);
    hex_byte(out, lo);
}

/// Appends a literal string `(…)` of raw bytes, escaping what must be escaped.
pub(super) fn literal(out: &mut Vec<u8>, bytes: &[u8]) {
    out.push(b'(');
    for &b in bytes {
        literal_byte(out, b);
    }
    out.push(b')');
}

/// Appends one byte inside a literal string: `(`, `)` and `\\` escaped, and the two
/// line-end bytes too (a bare CR inside a literal string reads as a LF).
pub(super) fn literal_byte(out: &mut Vec<u8>, b: u8) {
    match b {
        b'(' | b')' | b'\\' => out.extend_from_slice(&[b'\\', b]),
        b'\r' => out.extend_from_slice(b"\\r"),
        b'\n' => out.extend_from_slice(b"\\n"),
        _ => out.push(b),
    }
}

/// Appends a text string: printable ASCII literally, anything else as UTF-16BE with a
/// byte order mark (PDF's two encodings for text strings).
pub(super) fn text(out: &mut Vec<u8>, s: &str) {
    if s.bytes().all(|b| (0x20..0x7F).contains(&b)) {
        literal(out, s.as_bytes());
    } else {
        out.extend_from_slice(b"<FEFF");
        for unit in s.encode_utf16() {
            hex_u16(out, unit);
        }
        out.push(b'>');
    }
}

/// Appends an indirect reference `N 0 R`.
pub(super) fn reference(out: &mut Vec<u8>, id: Ref) {
    uint(out, u64::from(id.0));
    out.extend_from_slice(b" 0 R");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(f: impl Fn(&mut Vec<u8>)) -> String {
        let mut out = Vec::new();
        f(&mut out);
        String::from_utf8(out).unwrap_or_default()
    }

    #[test]
    fn reals_have_at_most_three_decimals_and_no_trailing_zeros() {
        assert_eq!(s(|o| real(o, 0.0)), "0");
        assert_eq!(s(|o| real(o, 841.89)), "841.89");
        assert_eq!(s(|o| real(o, -12.5)), "-12.5");
        assert_eq!(s(|o| real(o, 1.0004)), "1");
        assert_eq!(s(|o| real(o, 0.0456)), "0.046");
        assert_eq!(s(|o| real(o, -0.0004)), "0");
        assert_eq!(s(|o| real(o, f32::NAN)), "0");
        assert_eq!(s(|o| real(o, 1.0e30)), "9000000000000");
    }

    #[test]
    fn names_and_strings_escape_delimiters() {
        assert_eq!(s(|o| name(o, b"A B/C#")), "/A#20B#2FC#23");
        assert_eq!(s(|o| literal(o, b"a(b)c\\")), "(a\\(b\\)c\\\\)");
        assert_eq!(s(|o| text(o, "Brief")), "(Brief)");
        assert_eq!(s(|o| text(o, "Қ")), "<FEFF049A>");
    }

    #[test]
    fn xref_offsets_point_at_their_objects() {
        let mut f = PdfFile::new();
        let a = f.reserve();
        let b = f.reserve();
        let unused = f.reserve();
        f.dict(b, b"/Type/Pages");
        f.stream(a, b"", b"BT ET", true);
        let bytes = f.finish(b"/Root 2 0 R");
        // The header's binary comment is not UTF-8: search and slice bytes, not text.
        let xref = bytes.windows(5).position(|w| w == b"xref\n").unwrap_or(0);
        let text = String::from_utf8_lossy(&bytes[xref..]).to_string();
        let entries: Vec<&str> = text.lines().skip(2).take(4).collect();
        for (id, entry) in [(1, entries[1]), (2, entries[2])] {
            let at: usize = entry[..10].parse().unwrap_or(0);
            assert!(bytes[at..].starts_with(format!("{id} 0 obj").as_bytes()), "{entry}");
        }
        assert!(entries[3].ends_with(" f "), "{unused:?} is free: {}", entries[3]);
        assert!(text.contains("/Size 4"));
    }

    #[test]
    fn stream_lengths_are_exact() {
        let mut f = PdfFile::new();
        let a = f.reserve();
        f.stream(a, b"", b"hello", false);
        let text = String::from_utf8_lossy(&f.buf).to_string();
        assert!(text.contains("/Length 5>>"), "{text}");
        assert!(text.contains("stream\nhello\nendstream"));
    }
}
