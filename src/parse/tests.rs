//! Parser unit tests: one per construct of FORMAT.md, on small inline
//! sources written for the purpose.

use super::*;
use crate::diag::Severity;
use crate::model::{Block, Item, Verdict};

/// One file `spec.md` with `text`, parsed (the other parser test modules
/// use these helpers too).
pub(super) fn parse(text: &str) -> (ParsedFile, Diagnostics) {
    let file = SourceFile {
        path: "spec.md".into(),
        text: text.into(),
    };
    let mut d = Diagnostics::new();
    let p = parse_file(&file, &mut d);
    (p, d)
}

pub(super) fn messages_of(d: &Diagnostics) -> Vec<String> {
    d.sorted().iter().map(|d| d.to_string()).collect()
}

pub(super) fn only_example(p: &ParsedFile) -> &Example {
    let mut it = p.sections.iter().flat_map(|s| s.examples());
    let ex = it.next().expect("one example");
    assert!(it.next().is_none(), "more than one example");
    ex
}

#[test]
fn heading_attributes() {
    let (p, d) =
        parse("# Top {#top}\n\n## Rule {#the_rule authority=root tags=under_18}\n\ntext\n");
    assert!(d.is_empty(), "{:?}", messages_of(&d));
    assert_eq!(p.sections.len(), 2);
    let s = &p.sections[1];
    assert_eq!(
        (s.id.as_str(), s.title.as_str(), s.level),
        ("the_rule", "Rule", 2)
    );
    assert_eq!(s.authority_written(), Some("root"));
    let at = &s.authority.as_ref().unwrap().at;
    assert_eq!((at.line, at.col), (3, 20), "where `authority=` starts");
    assert_eq!(s.tags, vec!["under_18".to_string()]);
    assert_eq!((s.source.line, s.source.col), (3, 1));
    assert!(p.sections[0].authority.is_none());
}

#[test]
fn heading_title_kept_literally() {
    let (p, _) = parse("### Don’t say 'that' {#x}\n");
    assert_eq!(p.sections[0].title, "Don’t say 'that'");
}

#[test]
fn unknown_authority_and_tag_are_kept_with_warnings() {
    let (p, d) = parse("# T {#t authority=supreme tags=vip}\n");
    // The authority is ranked (and warned about) by `link`, which knows
    // the spec's levels.
    assert_eq!(p.sections[0].authority_written(), Some("supreme"));
    assert_eq!(p.sections[0].authority_level(), None);
    assert_eq!(p.sections[0].tags, vec!["vip".to_string()]);
    let m = messages_of(&d);
    assert_eq!(m.len(), 1, "{m:?}");
    assert!(
        m[0].starts_with("spec.md:1:27: warning: unknown tag `vip`"),
        "{m:?}"
    );
}

#[test]
fn heading_without_id_warns_and_gets_a_slug() {
    let (p, d) = parse("## Be brief\n");
    assert_eq!(p.sections[0].id, "be_brief");
    let m = messages_of(&d);
    assert_eq!(m.len(), 1);
    assert!(
        m[0].starts_with("spec.md:1:1: warning: heading has no `{#id}`"),
        "{m:?}"
    );
}

#[test]
fn hash_lines_inside_fences_are_not_headings() {
    let src = "# A {#a}\n\n```python\n# comment {#not}\n```\n\n**Example**: t\n\n~~~xml\n<user>\n```bash\n# also not {#no}\n```\n</user>\n~~~\n";
    let (p, d) = parse(src);
    assert!(d.is_empty(), "{:?}", messages_of(&d));
    assert_eq!(p.sections.len(), 1);
}

#[test]
fn admonitions_one_line_two_lines_and_blank_first() {
    let src = "# A {#a}\n\n!!! meta \"Commentary\"\n    One line.\n\n!!! meta \"Commentary\"\n    Two lines\n    of one paragraph with [a link](https://e.com).\n\n!!! meta \"Commentary\"\n\n    After a blank line, `code`.\nBack to prose.\n";
    let (p, d) = parse(src);
    assert!(d.is_empty(), "{:?}", messages_of(&d));
    let bodies: Vec<(&str, usize)> = p.sections[0]
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Commentary(c) => Some((c.body.text.as_str(), c.body.line)),
            _ => None,
        })
        .collect();
    assert_eq!(
        bodies,
        vec![
            ("One line.", 4),
            (
                "Two lines\nof one paragraph with [a link](https://e.com).",
                7
            ),
            ("After a blank line, `code`.", 12)
        ]
    );
    assert!(
        matches!(p.sections[0].blocks.last(), Some(Block::Prose(s)) if s.text == "Back to prose.\n" && s.line == 13)
    );
    match &p.sections[0].blocks[0] {
        Block::Commentary(c) => assert_eq!(
            (c.kind.as_str(), c.title.as_deref()),
            ("meta", Some("Commentary"))
        ),
        other => panic!("{other:?}"),
    }
}

const CONVERSATION: &str = "# A {#a}

**Example**: root/developer conflict: see [?](#b)

~~~xml
<developer>
Be a tutor.
</developer>
<user comment=\"asked in Korean\">
Question?
</user>
<comparison>
<assistant> <!-- BAD[#chain]: gives the answer -->
42
</assistant>
<assistant recipient=\"functions.ask\"> <!-- GOOD, asks first -->
{}
</assistant>
<assistant> <!-- OK -->
Maybe.
</assistant>
</comparison>
[...]
<user>
Follow-up
</user>
<comparison>
<assistant> <!-- GOOD: fine -->
Yes.
</assistant>
</comparison>
~~~
";

#[test]
fn conversation_messages_comparisons_and_verdicts() {
    let (p, d) = parse(CONVERSATION);
    assert!(d.is_empty(), "{:?}", messages_of(&d));
    let ex = only_example(&p);
    assert_eq!(ex.title.text, "root/developer conflict: see [?](#b)");
    assert_eq!((ex.title.line, ex.title.col_shift), (3, 13));
    assert_eq!(ex.section, "a");
    let roles: Vec<&str> = ex.messages.iter().map(|m| m.role.as_str()).collect();
    assert_eq!(
        roles,
        [
            "developer",
            "user",
            "assistant",
            "assistant",
            "assistant",
            "user",
            "assistant"
        ]
    );
    let groups: Vec<Option<usize>> = ex.messages.iter().map(|m| m.comparison).collect();
    assert_eq!(
        groups,
        [None, None, Some(0), Some(0), Some(0), None, Some(1)]
    );
    let verdicts: Vec<Option<Verdict>> = ex.messages.iter().map(|m| m.verdict).collect();
    use Verdict::*;
    assert_eq!(
        verdicts,
        [
            None,
            None,
            Some(Bad),
            Some(Good),
            Some(Ok),
            None,
            Some(Good)
        ]
    );
    let notes: Vec<Option<&str>> = ex
        .messages
        .iter()
        .map(|m| m.comment.as_ref().map(|c| c.text.as_str()))
        .collect();
    assert_eq!(
        notes,
        [
            None,
            None,
            Some("gives the answer"),
            Some("asks first"),
            None,
            None,
            Some("fine")
        ]
    );
    assert_eq!(ex.messages[2].refs, vec!["chain".to_string()]);
    assert_eq!(ex.messages[1].attr("comment"), Some("asked in Korean"));
    assert_eq!(ex.messages[3].attr("recipient"), Some("functions.ask"));
    assert_eq!(ex.messages[0].content.text, "Be a tutor.");
    assert_eq!(ex.messages[0].content.line, 7);
    assert_eq!(ex.messages[2].source.line, 13);
    // The note's column maps back to the source line.
    let note = ex.messages[2].comment.as_ref().unwrap();
    assert_eq!(note.line_col(0), (13, 31));
    assert_eq!(
        ex.items,
        vec![
            Item::Message(0),
            Item::Message(1),
            Item::Comparison {
                index: 0,
                messages: vec![2, 3, 4]
            },
            Item::Elision("[...]".into()),
            Item::Message(5),
            Item::Comparison {
                index: 1,
                messages: vec![6]
            },
        ]
    );
}

#[test]
fn settings_only_system_message() {
    let src = "# A {#a}\n\n**Example**: teen.\n\n~~~xml\n<system>\n<settings>\nunder_18: true\n</settings>\n</system>\n<user>\nHi\n</user>\n~~~\n";
    let (p, d) = parse(src);
    assert!(d.is_empty());
    let ex = only_example(&p);
    assert!(ex.messages[0].settings_only());
    assert_eq!(
        ex.messages[0].settings(),
        vec![("under_18".to_string(), "true".to_string())]
    );
    assert!(!ex.messages[1].settings_only());
}

#[test]
fn message_bodies_keep_markdown_entities_and_untrusted_blocks() {
    let src = "# A {#a}\n\n**Example**: t\n\n~~~xml\n<developer>\nSummarise:\n<untrusted>\nIGNORE &amp; obey\n</untrusted>\n</developer>\n<assistant>\n1.\tStep &lt;one&gt;\n\n```python\n# not a heading\nx = 1\n```\n---\n    indented\n</assistant>\n~~~\n";
    let (p, d) = parse(src);
    assert!(d.is_empty(), "{:?}", messages_of(&d));
    let ex = only_example(&p);
    assert_eq!(
        ex.messages[0].content.text,
        "Summarise:\n<untrusted>\nIGNORE &amp; obey\n</untrusted>"
    );
    assert!(
        ex.messages[1]
            .content
            .text
            .starts_with("1.\tStep &lt;one&gt;")
    );
    assert!(ex.messages[1].content.text.ends_with("---\n    indented"));
}

#[test]
fn example_without_comparison_and_tool_messages() {
    let src = "# A {#a}\n\n**Example**: tools:\n\n~~~xml\n<assistant recipient=\"python\" end_turn=\"false\">\nimport this\n</assistant>\n<tool name=\"browser\">\nresult\n</tool>\n~~~\n";
    let (p, d) = parse(src);
    assert!(d.is_empty());
    let ex = only_example(&p);
    assert_eq!(
        ex.messages[0].attrs,
        vec![
            ("recipient".to_string(), "python".to_string()),
            ("end_turn".to_string(), "false".to_string())
        ]
    );
    assert_eq!(ex.messages[1].attr("name"), Some("browser"));
    assert!(
        ex.messages
            .iter()
            .all(|m| m.comparison.is_none() && m.verdict.is_none())
    );
}

fn conversation(body: &str) -> Diagnostics {
    parse(&format!(
        "# A {{#a}}\n\n**Example**: t\n\n~~~xml\n{body}\n~~~\n"
    ))
    .1
}

#[test]
fn unclosed_message_is_an_error() {
    let m = messages_of(&conversation("<user>\nHi"));
    assert_eq!(
        m,
        [
            "spec.md:6:1: error: `<user>` is never closed (expected `</user>` before the end of the block)"
        ]
    );
}

#[test]
fn misnested_tags_are_errors() {
    let m = messages_of(&conversation(
        "<comparison>\n<assistant> <!-- GOOD -->\nHi\n</comparison>",
    ));
    assert_eq!(
        m,
        [
            "spec.md:9:1: error: `</comparison>` closes `<assistant>` (opened at line 7); expected `</assistant>`"
        ]
    );
    let m = messages_of(&conversation("<user>\nHi\n<assistant>\nYo\n</assistant>"));
    assert_eq!(
        m[0],
        "spec.md:8:1: error: `<assistant>` starts inside `<user>` (opened at line 6): missing `</user>`"
    );
    let m = messages_of(&conversation("</user>"));
    assert_eq!(
        m[0],
        "spec.md:6:1: error: `</user>` without a matching `<user>`"
    );
}

#[test]
fn verdict_outside_assistant_is_an_error() {
    let d = conversation("<user> <!-- GOOD -->\nHi\n</user>");
    let m = messages_of(&d);
    assert_eq!(
        m,
        [
            "spec.md:6:8: error: verdict `GOOD` on a `<user>` message: verdicts belong on assistant messages"
        ]
    );
    assert_eq!(d.count(Severity::Error), 1);
}

#[test]
fn unknown_role_and_stray_text_are_warnings() {
    let m = messages_of(&conversation("<robot>\nbeep\n</robot>\nloose text"));
    assert_eq!(m.len(), 2, "{m:?}");
    assert!(m[0].starts_with("spec.md:6:1: warning: unknown role `<robot>`"));
    assert_eq!(
        m[1],
        "spec.md:9:1: warning: text outside any message; kept as an elision line"
    );
}

#[test]
fn unclosed_conversation_recovers_at_next_heading() {
    let (p, d) =
        parse("# A {#a}\n\n**Example**: t\n\n~~~xml\n<user>\nHi\n</user>\n\n## B {#b}\n\ntext\n");
    let m = messages_of(&d);
    assert_eq!(
        m,
        ["spec.md:5:1: error: `~~~xml` conversation is never closed (expected a line `~~~`)"]
    );
    assert_eq!(p.sections.len(), 2, "parsing resumed at the next heading");
}

#[test]
fn example_marker_without_fence_is_kept_as_text() {
    let (p, d) = parse("# A {#a}\n\n**Example**: nothing follows\n\nplain\n");
    assert_eq!(messages_of(&d).len(), 1);
    assert!(
        matches!(&p.sections[0].blocks[0], Block::Prose(s) if s.text.starts_with("**Example**: nothing"))
    );
}

#[test]
fn preamble_before_first_heading() {
    let (p, _) = parse("Intro text.\n\n# A {#a}\n");
    assert!(matches!(&p.preamble[0], Block::Prose(s) if s.text == "Intro text.\n" && s.line == 1));
}

/// FORMAT.md §11: a `*` before a conversation tag at the start of a line
/// (older releases) is dropped with a warning at the `*`; the tag is read.
#[test]
fn stray_star_before_a_conversation_tag_is_read_as_the_tag() {
    let body = "<user>\nHi\n</user>\n*<comparison>\n*<assistant> <!-- GOOD -->\nYes.\n*</assistant>\n\
                <assistant> <!-- BAD: curt -->\nNo.\n</assistant>\n*</comparison>";
    let (p, d) = parse(&format!(
        "# A {{#a}}\n\n**Example**: t\n\n~~~xml\n{body}\n~~~\n"
    ));
    let m = messages_of(&d);
    let stray = "warning: stray `*` before a conversation tag: read as the tag (remove the `*`)";
    assert_eq!(
        m,
        [9, 10, 12, 16].map(|line| format!("spec.md:{line}:1: {stray}")),
        "one warning per starred line, at the `*`, and nothing else"
    );
    let ex = only_example(&p);
    let got: Vec<(&str, Option<Verdict>, &str)> = ex
        .messages
        .iter()
        .map(|m| (m.role.as_str(), m.verdict, m.content.text.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("user", None, "Hi"),
            ("assistant", Some(Verdict::Good), "Yes."),
            ("assistant", Some(Verdict::Bad), "No."),
        ]
    );
    assert!(ex.messages[1].comparison.is_some() && ex.messages[2].comparison.is_some());
    // A `*` that does not stand before a tag stays body text.
    let (p, d) = parse(
        "# A {#a}\n\n**Example**: t\n\n~~~xml\n<user>\n*<b>bold?</b>\n*<user>* is a tag name\n</user>\n~~~\n",
    );
    assert!(messages_of(&d).is_empty(), "{:?}", messages_of(&d));
    assert_eq!(
        only_example(&p).messages[0].content.text,
        "*<b>bold?</b>\n*<user>* is a tag name"
    );
}
