//! A source file in memory: its text and a map from byte offsets to line and column.

use crate::diag::{Diagnostic, Diagnostics};
use std::path::{Path, PathBuf};

/// A decoded source file. Offsets are byte offsets into `text` (after any BOM).
#[derive(Debug, Clone)]
pub struct Source {
    /// The path as the user named it (used in messages).
    pub path: PathBuf,
    /// The text, UTF-8, without a leading byte-order mark.
    pub text: String,
    /// Byte offset at which each line starts.
    line_starts: Vec<usize>,
}

impl Source {
    /// Wraps text that is already decoded.
    pub fn new(path: impl Into<PathBuf>, text: impl Into<String>) -> Self {
        let text = text.into();
        let text = match text.strip_prefix('\u{feff}') {
            Some(rest) => rest.to_string(),
            None => text,
        };
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Source { path: path.into(), text, line_starts }
    }

    /// Decodes raw bytes as UTF-8 (a BOM is accepted). Invalid UTF-8 is an error that names
    /// the line, column, byte offset and byte value, with a hint to re-save the file.
    /// A UTF-16 file with its byte-order mark is decoded as UTF-16 (the mark is unambiguous).
    pub fn from_bytes(path: impl Into<PathBuf>, bytes: Vec<u8>) -> Result<Self, Diagnostic> {
        let path = path.into();
        if let Some((enc, _)) = encoding_rs::Encoding::for_bom(&bytes) {
            if enc != encoding_rs::UTF_8 {
                return Source::from_bytes_in(path, bytes, enc);
            }
        }
        match String::from_utf8(bytes) {
            Ok(text) => Ok(Source::new(path, text)),
            Err(e) => {
                let bytes = e.as_bytes();
                let at = e.utf8_error().valid_up_to();
                let before = &bytes[..at];
                let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
                let line_start = before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
                let column = String::from_utf8_lossy(&before[line_start..]).chars().count() + 1;
                let value = bytes.get(at).copied().unwrap_or(0);
                Err(Diagnostic::error(
                    path.display().to_string(),
                    line,
                    column,
                    format!(
                        "not valid UTF-8: byte 0x{value:02X} at byte offset {at}; \
                         re-save the file as UTF-8"
                    ),
                ))
            }
        }
    }

    /// Decodes raw bytes in a named legacy encoding (`--encoding windows-1252`; any WHATWG
    /// label: `latin1`, `iso-8859-2`, `utf-16le`, `shift_jis`, ...). UTF-8 goes through
    /// [`Source::from_bytes`]; a byte-order mark, when there is one, wins over the label.
    /// Bytes that are not valid in the encoding are an error, never replacement characters.
    pub fn from_bytes_in(
        path: impl Into<PathBuf>,
        bytes: Vec<u8>,
        encoding: &'static encoding_rs::Encoding,
    ) -> Result<Self, Diagnostic> {
        let path = path.into();
        let bom = encoding_rs::Encoding::for_bom(&bytes).map(|(e, _)| e);
        let effective = bom.unwrap_or(encoding);
        if effective == encoding_rs::UTF_8 {
            return Source::from_bytes(path, bytes);
        }
        let (text, used, had_errors) = effective.decode(&bytes);
        if had_errors {
            // Locate the first bad sequence: decode piecewise until the first replacement.
            let mut decoder = used.new_decoder_without_bom_handling();
            let skip = encoding_rs::Encoding::for_bom(&bytes).map_or(0, |(_, n)| n);
            let body = bytes.get(skip..).unwrap_or_default();
            let room = decoder.max_utf8_buffer_length_without_replacement(body.len()).unwrap_or(body.len().saturating_mul(3));
            let mut out = String::with_capacity(room);
            let (_, read) = decoder.decode_to_string_without_replacement(body, &mut out, true);
            let (line, column) = Source::new(path.clone(), out).end_line_col();
            return Err(Diagnostic::error(
                path.display().to_string(),
                line,
                column,
                // Offsets count from the start of the file, byte order mark included.
                format!("not valid {}: bad byte sequence at byte offset {}", used.name(), read + skip),
            ));
        }
        Ok(Source::new(path, text.into_owned()))
    }

    /// The encoding a label names (`windows-1252`, `latin1`, `utf-16`, ...), if any.
    pub fn encoding_for_label(label: &str) -> Option<&'static encoding_rs::Encoding> {
        encoding_rs::Encoding::for_label(label.trim().as_bytes())
    }

    /// Line and column just past the end of the text.
    fn end_line_col(&self) -> (usize, usize) {
        self.line_col(self.text.len())
    }

    /// Reads and decodes a file; I/O problems and bad encoding become diagnostics.
    pub fn read(path: &Path) -> Result<Self, Diagnostic> {
        match std::fs::read(path) {
            Ok(bytes) => Source::from_bytes(path, bytes),
            Err(e) => Err(Diagnostic::error(path.display().to_string(), 1, 1, format!("cannot read file: {e}"))),
        }
    }

    /// The path as a string for messages.
    pub fn name(&self) -> String {
        self.path.display().to_string()
    }

    /// 1-based line and column (in characters) of a byte offset. Offsets past the end map to
    /// the end; offsets inside a character map to that character.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.line_starts.partition_point(|&s| s <= offset).max(1);
        let start = self.line_starts[line - 1];
        let mut end = offset;
        while end > start && !self.text.is_char_boundary(end) {
            end -= 1;
        }
        let column = self.text[start..end].chars().count() + 1;
        (line, column)
    }

    /// Byte offset of the start of a 1-based line (the end of the text past the last line).
    pub fn line_offset(&self, line: usize) -> usize {
        match line.checked_sub(1).and_then(|i| self.line_starts.get(i)) {
            Some(&o) => o,
            None => self.text.len(),
        }
    }

    /// The text of a 1-based line, without its line ending.
    pub fn line_text(&self, line: usize) -> &str {
        let start = self.line_offset(line);
        let end = self.line_starts.get(line).copied().unwrap_or(self.text.len());
        self.text[start..end].trim_end_matches(['\n', '\r'])
    }

    /// An error at a byte offset.
    pub fn error_at(&self, offset: usize, message: impl Into<String>) -> Diagnostic {
        let (line, column) = self.line_col(offset);
        Diagnostic::error(self.name(), line, column, message)
    }

    /// A warning at a byte offset.
    pub fn warning_at(&self, offset: usize, message: impl Into<String>) -> Diagnostic {
        let (line, column) = self.line_col(offset);
        Diagnostic::warning(self.name(), line, column, message)
    }
}

/// The input size limit when neither `--max-input-size` nor `brief.toml` sets one. Measured
/// (issue 7): a 20 MB brief of ordinary paragraphs takes 75 s and 6.3 GB with the current
/// PDF writer, a 5 MB one-line file 10 s and 1.5 GB; 16 MiB keeps a default build of any
/// accepted file within a few GB and makes a bigger one fail at once with a clear message.
pub const DEFAULT_MAX_INPUT_SIZE: u64 = 16 << 20;

/// Reads a file of at most `limit` bytes. A bigger file is an error naming the file, its
/// size and the limit; nothing past the limit is read (a pipe or device that never ends
/// is stopped there too).
pub fn read_limited(path: &Path, limit: u64) -> Result<Vec<u8>, Diagnostic> {
    use std::io::Read;
    let name = path.display().to_string();
    let too_big = |size: String| {
        Diagnostic::error(
            name.clone(),
            1,
            1,
            format!(
                "file is {size}, more than the input size limit of {}; raise it with --max-input-size BYTES \
                 (or `max_input_size` in brief.toml's [build])",
                human_size(limit)
            ),
        )
    };
    let file = std::fs::File::open(path).map_err(|e| Diagnostic::error(name.clone(), 1, 1, format!("cannot read file: {e}")))?;
    let mut expected = 0;
    if let Ok(meta) = file.metadata() {
        if meta.is_file() && meta.len() > limit {
            return Err(too_big(human_size(meta.len())));
        }
        expected = meta.len();
    }
    // Room for the whole file and the byte that tells it did not grow past the limit,
    // so the bytes are read into one buffer instead of a dozen doubling ones.
    let mut bytes = Vec::with_capacity(usize::try_from(expected.min(limit)).unwrap_or(0).saturating_add(1));
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| Diagnostic::error(name.clone(), 1, 1, format!("cannot read file: {e}")))?;
    if bytes.len() as u64 > limit {
        return Err(too_big(format!("more than {}", human_size(limit))));
    }
    Ok(bytes)
}

/// A byte count for messages: `512 bytes`, `64 MiB`, `20.5 MiB`.
pub fn human_size(n: u64) -> String {
    const UNITS: [(&str, u64); 3] = [("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)];
    for (unit, size) in UNITS {
        if n >= size {
            let v = n as f64 / size as f64;
            return if n % size == 0 { format!("{} {unit}", n / size) } else { format!("{v:.1} {unit}") };
        }
    }
    format!("{n} bytes")
}

/// Parses a size: bytes, or a number with `K`, `M`, `G` (powers of 1024; `KiB`, `MB`, ...
/// accepted alike).
pub fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: u64 = num.parse().map_err(|_| format!("`{s}` is not a size (bytes, or a number with K, M or G)"))?;
    let mult: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        _ => return Err(format!("`{s}` is not a size (bytes, or a number with K, M or G)")),
    };
    n.checked_mul(mult).ok_or_else(|| format!("`{s}` is too large"))
}

/// Convenience: push an error at an offset.
pub fn error_at(diags: &mut Diagnostics, src: &Source, offset: usize, message: impl Into<String>) {
    diags.push(src.error_at(offset, message));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_not_bytes() {
        let s = Source::new("a.md", "ab\nçé x\n");
        assert_eq!(s.line_col(0), (1, 1));
        assert_eq!(s.line_col(3), (2, 1));
        // 'x' sits after "çé " = 5 bytes, 3 characters
        assert_eq!(s.line_col(3 + 5), (2, 4));
        assert_eq!(s.line_text(2), "çé x");
    }

    #[test]
    fn bom_is_dropped() {
        let s = Source::from_bytes("a.md", b"\xEF\xBB\xBFhi".to_vec()).unwrap();
        assert_eq!(s.text, "hi");
    }

    #[test]
    fn legacy_encodings_decode_when_named_and_utf16_by_its_bom() {
        let cp1252 = Source::encoding_for_label("windows-1252").unwrap();
        let s = Source::from_bytes_in("a.md", b"caf\xE9 \xA3 na\xEFve".to_vec(), cp1252).unwrap();
        assert_eq!(s.text, "café £ naïve");
        let latin1 = Source::encoding_for_label("latin-1").or(Source::encoding_for_label("latin1")).unwrap();
        assert_eq!(Source::from_bytes_in("a.md", b"\xE9".to_vec(), latin1).unwrap().text, "é");
        // A UTF-8 BOM wins over the label.
        assert_eq!(Source::from_bytes_in("a.md", b"\xEF\xBB\xBFcaf\xC3\xA9".to_vec(), cp1252).unwrap().text, "café");
        // UTF-16 with its BOM needs no option.
        let utf16: Vec<u8> = [0xFF, 0xFE].into_iter().chain("é!".encode_utf16().flat_map(|u| u.to_le_bytes())).collect();
        assert_eq!(Source::from_bytes("a.md", utf16).unwrap().text, "é!");
        // A lone surrogate in UTF-16 is an error with its position, not a U+FFFD.
        let bad = vec![0xFF, 0xFE, b'a', 0, b'\n', 0, 0x00, 0xD8, b'b', 0];
        let e = Source::from_bytes("u.md", bad).unwrap_err();
        assert_eq!((e.line, e.column), (2, 1), "{e}");
        assert!(e.message.contains("not valid UTF-16LE"), "{e}");
        assert!(Source::encoding_for_label("klingon").is_none());
    }

    #[test]
    fn sizes_parse_and_print() {
        assert_eq!(parse_size("1000").unwrap(), 1000);
        assert_eq!(parse_size("64MiB").unwrap(), 64 << 20);
        assert_eq!(parse_size("2 k").unwrap(), 2048);
        assert!(parse_size("lots").is_err());
        assert!(parse_size("99999999999G").is_err());
        assert_eq!(human_size(64 << 20), "64 MiB");
        assert_eq!(human_size(1536), "1.5 KiB");
        assert_eq!(human_size(12), "12 bytes");
    }

    #[test]
    fn invalid_utf8_names_line_offset_and_byte() {
        let e = Source::from_bytes("t.md", b"one\ntwo caf\xE9\n".to_vec()).unwrap_err();
        assert_eq!((e.line, e.column), (2, 8));
        assert!(e.message.contains("0xE9"), "{}", e.message);
        assert!(e.message.contains("byte offset 11"), "{}", e.message);
    }
}
