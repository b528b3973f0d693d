//! Input texts and positions in them.
//!
//! Every object the engine reads keeps byte spans into its [`Source`]; spans become
//! line/column [`Location`]s only when a report is built. Columns count Unicode scalar
//! values (1-based); front ends that need UTF-16 convert at their boundary.

use serde::{Deserialize, Serialize};

/// One input text: a file, stdin, or the playground's editor.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    /// The name shown in findings (`deploy.yaml`, `-`, `input`).
    pub name: String,
    pub text: String,
    /// Byte offsets (into `text`) of sequences that were not valid UTF-8 in the original
    /// bytes and were replaced by U+FFFD. Documents containing one are refused, as the
    /// real YAML reader refuses them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub invalid_utf8_at: Vec<usize>,
}

impl Source {
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        Source { name: name.into(), text: text.into(), invalid_utf8_at: Vec::new() }
    }

    /// Decodes bytes, remembering where they were not UTF-8 so that only the documents
    /// containing those bytes are refused (the rest of the file is still checked).
    pub fn from_bytes(name: impl Into<String>, bytes: &[u8]) -> Self {
        let mut text = String::with_capacity(bytes.len());
        let mut invalid_utf8_at = Vec::new();
        for chunk in bytes.utf8_chunks() {
            text.push_str(chunk.valid());
            if !chunk.invalid().is_empty() {
                invalid_utf8_at.push(text.len());
                text.push(char::REPLACEMENT_CHARACTER);
            }
        }
        Source { name: name.into(), text, invalid_utf8_at }
    }
}

/// A byte range in one source.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Span {
    pub source: u32,
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(source: usize, start: usize, end: usize) -> Self {
        Span { source: source as u32, start: start as u32, end: end.max(start) as u32 }
    }
}

/// A span resolved to lines and columns, as it appears in reports.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Location {
    /// Index into the report's `sources`.
    pub source: usize,
    /// 1-based.
    pub line: u32,
    /// 1-based, in Unicode scalar values.
    pub column: u32,
    pub end_line: u32,
    pub end_column: u32,
    /// Byte offsets into the source text (UTF-8).
    pub start: u32,
    pub end: u32,
}

/// Line starts of one text, for turning byte offsets into lines and columns.
#[derive(Clone, Debug)]
pub struct LineIndex {
    line_starts: Vec<u32>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(text.bytes().enumerate().filter(|(_, b)| *b == b'\n').map(|(i, _)| i as u32 + 1));
        LineIndex { line_starts }
    }

    /// 0-based line of a byte offset.
    pub fn line_of(&self, offset: u32) -> usize {
        self.line_starts.partition_point(|&start| start <= offset).saturating_sub(1)
    }

    /// Byte offset where a 0-based line starts.
    pub fn line_start(&self, line: usize) -> u32 {
        self.line_starts.get(line).copied().unwrap_or_else(|| *self.line_starts.last().unwrap_or(&0))
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, text: &str, offset: u32) -> (u32, u32) {
        let offset = (offset as usize).min(text.len());
        let line = self.line_of(offset as u32);
        let start = self.line_start(line) as usize;
        let column = text.get(start..offset).map_or(offset - start, |s| s.chars().count());
        (line as u32 + 1, column as u32 + 1)
    }

    pub fn location(&self, text: &str, span: Span) -> Location {
        let (line, column) = self.line_col(text, span.start);
        let (end_line, end_column) = self.line_col(text, span.end);
        Location { source: span.source as usize, line, column, end_line, end_column, start: span.start, end: span.end }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_count_characters() {
        let text = "a: 1\nbé: x\n";
        let index = LineIndex::new(text);
        assert_eq!(index.line_col(text, 0), (1, 1));
        assert_eq!(index.line_col(text, 5), (2, 1));
        // "x" sits after "bé: " which is 5 bytes but 4 characters.
        assert_eq!(index.line_col(text, 10), (2, 5));
    }

    #[test]
    fn invalid_bytes_are_remembered() {
        let source = Source::from_bytes("f", b"a: \xff\nb: 2\n");
        assert_eq!(source.invalid_utf8_at, vec![3]);
        assert!(source.text.contains('\u{FFFD}'));
    }
}
