//! Positions in the editor's text. The engine speaks UTF-8 byte offsets and 1-based lines;
//! the DOM's `setSelectionRange` speaks UTF-16 code units. Conversions happen here only.

/// The UTF-16 offset of a byte offset (clamped to the text and to a char boundary).
pub fn utf16_offset(text: &str, byte: usize) -> u32 {
    let mut byte = byte.min(text.len());
    while !text.is_char_boundary(byte) {
        byte -= 1;
    }
    text[..byte].encode_utf16().count() as u32
}

/// The byte offset of a UTF-16 offset (the DOM's selection), clamped to the text.
pub fn byte_offset(text: &str, utf16: u32) -> usize {
    let mut units = 0;
    for (byte, c) in text.char_indices() {
        if units >= utf16 as usize {
            return byte;
        }
        units += c.len_utf16();
    }
    text.len()
}

/// Where to cut a large text so that its head (at most `max` bytes) ends after a line.
pub fn head_length(text: &str, max: usize) -> usize {
    if text.len() <= max {
        return text.len();
    }
    let mut cut = max;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    text[..cut].rfind('\n').map_or(cut, |i| i + 1)
}

/// Byte range of a 1-based line, without its line break (empty range past the end).
pub fn line_range(text: &str, line: u32) -> (usize, usize) {
    let mut start = 0;
    for _ in 1..line.max(1) {
        match text[start..].find('\n') {
            Some(i) => start += i + 1,
            None => return (text.len(), text.len()),
        }
    }
    let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let end = if end > start && text.as_bytes()[end - 1] == b'\r' { end - 1 } else { end };
    (start, end)
}

/// Number of lines as the editor shows them (an empty text has one line).
pub fn line_count(text: &str) -> usize {
    memchr_count(text.as_bytes(), b'\n') + 1
}

fn memchr_count(bytes: &[u8], needle: u8) -> usize {
    bytes.iter().filter(|b| **b == needle).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_counts_astral_characters_twice() {
        let text = "a😀b\nü";
        assert_eq!(utf16_offset(text, 1), 1);
        assert_eq!(utf16_offset(text, 5), 3); // after the emoji (4 bytes, 2 units)
        assert_eq!(utf16_offset(text, 3), 1); // inside the emoji: back to its start
        assert_eq!(utf16_offset(text, 100), 6);
    }

    #[test]
    fn byte_offsets_and_heads() {
        let text = "a😀b\nü";
        assert_eq!(byte_offset(text, 3), 5);
        assert_eq!(byte_offset(text, 2), 5); // inside the emoji's pair: after it
        assert_eq!(byte_offset(text, 99), text.len());
        assert_eq!(utf16_offset(text, byte_offset(text, 4)), 4);
        assert_eq!(head_length("one\ntwo\nthree", 9), 8);
        assert_eq!(head_length("short", 9), 5);
        assert_eq!(head_length("üüüüü", 3), 2); // no line break: a char boundary
    }

    #[test]
    fn line_ranges() {
        let text = "one\r\ntwo\n\nfour";
        assert_eq!(line_range(text, 1), (0, 3));
        assert_eq!(&text[line_range(text, 2).0..line_range(text, 2).1], "two");
        assert_eq!(line_range(text, 3), (9, 9));
        assert_eq!(&text[line_range(text, 4).0..], "four");
        assert_eq!(line_range(text, 9), (text.len(), text.len()));
        assert_eq!(line_count(text), 4);
        assert_eq!(line_count(""), 1);
    }
}
