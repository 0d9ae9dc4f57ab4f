//! Positions inside source lines, found without byte arithmetic.
//!
//! The parser takes lines apart with `trim`, `strip_prefix`, `split_once`
//! and regex matches, which all return sub-slices of the line. Asking where
//! such a sub-slice starts (instead of adding up lengths measured on other
//! strings) can never land inside a multi-byte character.

/// Byte offset of `part` inside `line`, when `part` is a sub-slice of it;
/// the line's length for any other string.
pub(crate) fn offset_in(line: &str, part: &str) -> usize {
    let start = line.as_ptr() as usize;
    let at = part.as_ptr() as usize;
    if at >= start && at + part.len() <= start + line.len() {
        at - start
    } else {
        line.len()
    }
}

/// Characters of `line` before byte offset `byte` (an offset inside a
/// character counts that character as before it).
pub(crate) fn chars_before(line: &str, byte: usize) -> usize {
    line.char_indices().take_while(|&(i, _)| i < byte).count()
}

/// 1-based character column where `part`, a sub-slice of `line`, starts.
pub(crate) fn col_of(line: &str, part: &str) -> usize {
    chars_before(line, offset_in(line, part)) + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_of_sub_slices() {
        let line = "  é <!-- GOOD: ñ -->";
        let note = line.split_once(':').unwrap().1.trim_start();
        assert_eq!(offset_in(line, note), 16);
        assert_eq!(col_of(line, note), 16);
        assert_eq!(col_of(line, line), 1);
        assert_eq!(col_of(line, &line[line.len()..]), 21);
        // Not a sub-slice: the end of the line.
        assert_eq!(offset_in(line, "elsewhere"), line.len());
        // An offset inside `é` counts `é` as before it.
        assert_eq!(chars_before(line, 3), 3);
    }
}
