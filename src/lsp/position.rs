//! Positions as the editor counts them, and file URIs.

use std::path::{Path, PathBuf};

use percent_encoding::{AsciiSet, CONTROLS, percent_decode_str, utf8_percent_encode};
use serde_json::Value;

/// How columns are counted: UTF-16 code units (the protocol's default) or
/// bytes of UTF-8 (when the client offers it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf16,
    Utf8,
}

impl Encoding {
    /// UTF-8 when the client lists it among `general.positionEncodings`.
    pub fn negotiate(init: &Value) -> Self {
        let offered = init["capabilities"]["general"]["positionEncodings"]
            .as_array()
            .is_some_and(|e| e.iter().any(|x| x == "utf-8"));
        if offered {
            Encoding::Utf8
        } else {
            Encoding::Utf16
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Encoding::Utf16 => "utf-16",
            Encoding::Utf8 => "utf-8",
        }
    }

    /// The column of the `chars`-th character of `line`.
    pub fn column(self, line: &str, chars: usize) -> usize {
        line.chars()
            .take(chars)
            .map(|c| match self {
                Encoding::Utf16 => c.len_utf16(),
                Encoding::Utf8 => c.len_utf8(),
            })
            .sum()
    }

    /// The character index at `column` of `line` (the character that
    /// holds it, when it falls inside one).
    pub fn char_index(self, line: &str, column: usize) -> usize {
        let mut units = 0;
        for (i, c) in line.chars().enumerate() {
            let width = match self {
                Encoding::Utf16 => c.len_utf16(),
                Encoding::Utf8 => c.len_utf8(),
            };
            if units + width > column {
                return i;
            }
            units += width;
        }
        line.chars().count()
    }
}

/// Characters escaped in a file URI's path.
const PATH: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}');

/// `file:///abs/path` (percent-encoded).
pub fn path_to_uri(path: &Path) -> String {
    format!(
        "file://{}",
        utf8_percent_encode(&path.to_string_lossy(), PATH)
    )
}

/// The path of a `file:` URI; `None` for other schemes.
pub fn uri_to_path(uri: &str) -> Option<PathBuf> {
    let rest = uri.strip_prefix("file://")?;
    // `file://host/path` is not a local file; `file:///path` is.
    let path = rest.strip_prefix("localhost").unwrap_or(rest);
    if !path.starts_with('/') {
        return None;
    }
    Some(PathBuf::from(
        percent_decode_str(path).decode_utf8().ok()?.into_owned(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_utf16_units_or_utf8_bytes() {
        // “ and ” are one UTF-16 unit and three UTF-8 bytes; 😀 is two and four.
        let line = "\u{201c}q\u{201d} 😀 [?](#x)";
        let at = line.chars().position(|c| c == '[').unwrap();
        assert_eq!(Encoding::Utf16.column(line, at), 7);
        assert_eq!(Encoding::Utf8.column(line, at), 13);
        assert_eq!(Encoding::Utf16.char_index(line, 7), at);
        assert_eq!(Encoding::Utf8.char_index(line, 13), at);
        // Inside the surrogate pair: the emoji.
        assert_eq!(Encoding::Utf16.char_index(line, 5), 4);
    }

    #[test]
    fn file_uris_round_trip_with_escapes() {
        let p = Path::new("/tmp/a b/规则#1.md");
        let uri = path_to_uri(p);
        assert_eq!(uri, "file:///tmp/a%20b/%E8%A7%84%E5%88%99%231.md");
        assert_eq!(uri_to_path(&uri).as_deref(), Some(p));
        assert_eq!(
            uri_to_path("file:///tmp/%E8%A7%84.md").unwrap(),
            Path::new("/tmp/规.md")
        );
        assert_eq!(uri_to_path("https://example.com/x"), None);
    }
}
