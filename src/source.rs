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
    pub fn from_bytes(path: impl Into<PathBuf>, bytes: Vec<u8>) -> Result<Self, Diagnostic> {
        let path = path.into();
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
    fn invalid_utf8_names_line_offset_and_byte() {
        let e = Source::from_bytes("t.md", b"one\ntwo caf\xE9\n".to_vec()).unwrap_err();
        assert_eq!((e.line, e.column), (2, 8));
        assert!(e.message.contains("0xE9"), "{}", e.message);
        assert!(e.message.contains("byte offset 11"), "{}", e.message);
    }
}
