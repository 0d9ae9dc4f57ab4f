//! The line scanner agrees with CommonMark on container blocks (issue 10):
//! it claims a line as a heading, fence or example only at top level.

use super::*;

fn parse(text: &str) -> (ParsedFile, Vec<String>) {
    let file = SourceFile {
        path: "spec.md".into(),
        text: text.into(),
    };
    let mut d = Diagnostics::new();
    let p = parse_file(&file, &mut d);
    (p, d.sorted().iter().map(|d| d.to_string()).collect())
}

fn ids(p: &ParsedFile) -> Vec<&str> {
    p.sections.iter().map(|s| s.id.as_str()).collect()
}

/// CommonMark examples 318 and 324: the fence opens on the list-item line;
/// its indented closer closes it.
#[test]
fn a_fence_opened_on_a_list_item_line_is_closed_by_its_indented_closer() {
    let (p, d) = parse("# A {#a}\n\n1. ```\n   foo\n   ```\n\n   bar\n\n## B {#b}\n");
    assert!(d.is_empty(), "{d:?}");
    assert_eq!(ids(&p), ["a", "b"]);
}

#[test]
fn hash_lines_in_html_blocks_are_not_headings() {
    let (p, d) = parse("# A {#a}\n\n<pre>\n# comment {#x}\n</pre>\n");
    assert!(d.is_empty(), "{d:?}");
    assert_eq!(ids(&p), ["a"]);
}

#[test]
fn hash_lines_in_fences_inside_list_items_and_quotes_are_not_headings() {
    let (p, d) = parse(
        "# A {#a}\n\n- ```\n  # not a heading {#x}\n  ```\n\n> ```\n> # nor this {#y}\n> ```\n",
    );
    assert!(d.is_empty(), "{d:?}");
    assert_eq!(ids(&p), ["a"]);
}

#[test]
fn headings_indented_into_a_list_item_belong_to_it() {
    let (p, _) = parse("# A {#a}\n\n- item\n\n  ## inside {#x}\n\n## B {#b}\n");
    assert_eq!(ids(&p), ["a", "b"]);
}

/// CommonMark example 118: trailing spaces of a code line are content.
#[test]
fn trailing_spaces_of_indented_code_are_kept() {
    let (p, _) = parse("# A {#a}\n\n    foo  \n\n\n");
    match &p.sections[0].blocks[..] {
        [Block::Prose(s)] => assert_eq!(s.text, "    foo  \n"),
        other => panic!("{other:?}"),
    }
}

/// The dialect still claims its own constructs at top level, and an
/// unclosed fence at top level is still an error.
#[test]
fn dialect_constructs_at_top_level_are_kept() {
    let (p, d) = parse(
        "# A {#a}\n\n- list\n\n!!! meta \"Commentary\"\n    Body.\n\n**Example**: t\n\n~~~xml\n<user>\nhi\n</user>\n~~~\n\n```\nopen\n",
    );
    assert_eq!(d, ["spec.md:16:1: error: code fence is never closed"]);
    let kinds: Vec<&str> = p.sections[0]
        .blocks
        .iter()
        .map(|b| match b {
            Block::Prose(_) => "prose",
            Block::Commentary(_) => "commentary",
            Block::Example(_) => "example",
        })
        .collect();
    assert_eq!(kinds, ["prose", "commentary", "example", "prose"]);
}

/// An unclosed conversation ends at the next heading; the CommonMark view
/// is taken again from there, so the rest of the file still parses.
#[test]
fn the_view_is_taken_again_after_a_recovered_conversation() {
    let (p, d) = parse(
        "# A {#a}\n\n**Example**: t\n\n~~~xml\n<user>\nhi\n</user>\n\n## B {#b}\n\n```\ncode\n```\n\n## C {#c}\n",
    );
    assert_eq!(ids(&p), ["a", "b", "c"]);
    assert_eq!(
        d,
        ["spec.md:5:1: error: `~~~xml` conversation is never closed (expected a line `~~~`)"]
    );
}
