//! Parser tests on hostile input: text that once panicked, positions next
//! to multi-byte characters, and comment markers inside attributes.

use super::tests::{messages_of, only_example, parse};
use super::*;
use crate::model::Verdict;

fn in_conversation(body: &str) -> (ParsedFile, Diagnostics) {
    parse(&format!(
        "# A {{#a}}\n\n**Example**: t\n\n~~~xml\n{body}\n~~~\n"
    ))
}

/// `</ab€`: a close-tag candidate whose length matches `</user>` but whose
/// last character is multi-byte (issue 10: the slice ran before the `>` check).
#[test]
fn close_tag_candidate_ending_in_a_multibyte_char_is_body_text() {
    let (p, d) = in_conversation("<user>\n</ab€\n</user>");
    let ex = only_example(&p);
    assert_eq!(ex.messages.len(), 1);
    assert_eq!(ex.messages[0].content.text, "</ab€");
    assert!(!d.has_errors(), "{:?}", messages_of(&d));
}

/// The verdict comment is the one after the tag, not a `<!--` inside an
/// attribute value: its note and column come from the real comment.
#[test]
fn comment_marker_inside_an_attribute_does_not_move_the_verdict_note() {
    let (p, _) =
        in_conversation("<comparison>\n<l a=\"<!--xxéé\"><!-- OK, é-->\nhi\n</l>\n</comparison>");
    let m = &only_example(&p).messages[0];
    assert_eq!(m.verdict, Some(Verdict::Ok));
    let note = m.comment.as_ref().expect("a note");
    assert_eq!(note.text, "é");
    // `<l a="<!--xxéé"><!-- OK, ` is 25 characters: the note starts at column 26.
    assert_eq!(note.line_col(0), (7, 26));
}

#[test]
fn comment_marker_inside_an_attribute_with_an_unknown_verdict() {
    let (p, d) = in_conversation("<t a=\"<!--é\"><!-- E-->\nhi\n</t>");
    let m = &only_example(&p).messages[0];
    let note = m
        .comment
        .as_ref()
        .expect("the unknown verdict kept as a comment");
    assert_eq!(note.text, "E");
    assert_eq!(note.line_col(0), (6, 19));
    let m = messages_of(&d);
    assert!(
        m.iter()
            .any(|l| l.starts_with("spec.md:6:14: warning: unknown verdict `E`")),
        "{m:?}"
    );
}

/// A one-line message's body column counts characters, not bytes.
#[test]
fn one_line_message_body_column_counts_characters() {
    let (p, _) = in_conversation("<user a=\"éé\">  body</user>");
    let c = &only_example(&p).messages[0].content;
    assert_eq!(c.text, "body");
    assert_eq!(c.line_col(0), (6, 16));
}

/// Example titles after non-ASCII whitespace keep their column.
#[test]
fn example_title_column_after_wide_whitespace() {
    let (p, _) =
        parse("# A {#a}\n\n**Example**:\u{3000}[?](#a)\n\n~~~xml\n<user>\nx\n</user>\n~~~\n");
    let t = &only_example(&p).title;
    assert_eq!(t.text, "[?](#a)");
    assert_eq!(t.line_col(0), (3, 14));
}

/// Headings whose attributes follow multi-byte text keep exact columns.
#[test]
fn heading_attribute_columns_after_multibyte_title() {
    let (p, d) = parse("# Héllo wörld {#ok authority=émpire tags=x}\n");
    let at = &p.sections[0].authority.as_ref().unwrap().at;
    assert_eq!((at.line, at.col), (1, 20), "where `authority=` starts");
    let m = messages_of(&d);
    assert!(
        m.iter()
            .any(|l| l.starts_with("spec.md:1:37: warning: unknown tag `x`")),
        "{m:?}"
    );
}

/// The closing `#` run of a heading needs a space before it (CommonMark).
#[test]
fn closing_hashes_need_a_space_before_them() {
    let (p, _) = parse("# C# {#c}\n\n## B ## {#b}\n\n### foo#\n");
    let titles: Vec<&str> = p.sections.iter().map(|s| s.title.as_str()).collect();
    assert_eq!(titles, ["C#", "B", "foo#"]);
}

/// Every line of up to five pieces around multi-byte characters, as a
/// message body line and as a tag line: none may panic (each position
/// used to be a byte slice computed from another string).
#[test]
fn multibyte_piece_combinations_never_panic() {
    const PIECES: [&str; 8] = [
        "<t a=\"<!--é\">",
        "<!--",
        " E",
        " OK, ",
        "é",
        "-->",
        "</",
        ">",
    ];
    let mut lines = vec![String::new()];
    let mut all = Vec::new();
    for _ in 0..5 {
        lines = lines
            .iter()
            .flat_map(|l| PIECES.iter().map(move |p| format!("{l}{p}")))
            .collect();
        all.extend(lines.iter().cloned());
    }
    assert_eq!(all.len(), 8 + 64 + 512 + 4096 + 32768);
    for line in &all {
        let _ = in_conversation(&format!(
            "<comparison>\n<t>\n{line}\n</t>\n{line}\n</comparison>"
        ));
        let _ = parse(&format!("# {line} {{#x {line}}}\n"));
    }
}
