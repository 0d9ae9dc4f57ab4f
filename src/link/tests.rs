//! Link-stage unit tests: locating references without rescanning, and ids
//! handed out in linear time.

use super::references::{SpanCursor, VerdictTargets};
use super::*;
use crate::model::Span;

/// The forward-only cursor gives exactly what `Span::line_col` computes
/// from the start, for offsets in order, out of order, and inside
/// multi-byte characters.
#[test]
fn span_cursor_agrees_with_line_col() {
    let span = Span::new("ab é\n\n[?](#x) 𝄞 [^f]\n\tz[x](#y)\n", 12, 4);
    let text = span.text.as_str();
    let mut cursor = SpanCursor::new("f.md", &span);
    let mut offsets: Vec<usize> = (0..=text.len())
        .filter(|&o| text.is_char_boundary(o))
        .collect();
    offsets.extend([20, 3, 0, 30]);
    for o in offsets {
        let at = cursor.at(o);
        assert_eq!((at.line, at.col), span.line_col(o), "offset {o}");
        assert_eq!(at.file, "f.md");
    }
    // Inside `é` (bytes 3..5): the character's own column.
    assert_eq!(cursor.at(4).col, span.line_col(3).1);
}

#[test]
fn verdict_targets_are_found_left_to_right() {
    let line = "<assistant a=\"#b\"> <!-- BAD[#a, #b, #a]: é -->";
    let mut t = VerdictTargets::new(Some(line));
    // `[#a` points at the bracket, the others at their `#`.
    assert_eq!(t.col_of("a"), Some(28));
    // The search goes on after `#a`: the `#b` in the attribute is passed.
    assert_eq!(t.col_of("b"), Some(33));
    assert_eq!(t.col_of("a"), Some(37));
    assert_eq!(t.col_of("zz"), None);
    assert_eq!(VerdictTargets::new(None).col_of("a"), None);
}

#[test]
fn example_ids_count_up_per_title() {
    let mut ids = ExampleIds::new(["ex-same".to_owned()]);
    let got: Vec<String> = (0..4).map(|_| ids.unique("ex", "Same", "s")).collect();
    assert_eq!(
        got,
        ["ex-same--s", "ex-same--s-2", "ex-same--s-3", "ex-same--s-4"]
    );
    // A title that spells a counted id takes it; the counter skips it.
    assert_eq!(ids.unique("ex", "Same s 5", "t"), "ex-same-s-5");
    assert_eq!(ids.unique("ex", "Same", "s"), "ex-same--s-5");
    assert_eq!(ids.unique("ex", "Same", "s"), "ex-same--s-6");
}
