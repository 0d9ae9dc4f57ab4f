//! What reaches the page as markup: raw HTML and link targets in prose
//! and in data (see the module documentation of `markdown`).

use super::*;
use crate::diag::Location;
use crate::model::{Message, Role, Span};

fn with_linker<T>(f: impl FnOnce(&Linker<'_>) -> T) -> T {
    let spec = Spec::default();
    f(&Linker {
        spec: &spec,
        mode: LinkMode::Paged { base: "" },
        strings: &super::super::strings::Strings::builtin("en"),
    })
}

fn prose(src: &str) -> String {
    with_linker(|l| render_prose(src, l))
}

fn inline(src: &str) -> String {
    with_linker(|l| render_inline(src, l))
}

fn message(body: &str) -> String {
    let msg = Message {
        role: Role::User,
        attrs: Vec::new(),
        content: Span::new(body, 1, 0),
        comparison: None,
        verdict: None,
        comment: None,
        refs: Vec::new(),
        source: Location::default(),
    };
    with_linker(|l| render_message_body(&msg, l))
}

/// Fails when `html` holds an element or URL that could run a script.
#[track_caller]
fn assert_inert(html: &str) {
    let lower = html.to_ascii_lowercase();
    for live in [
        "<img",
        "<script",
        "<svg",
        "<div on",
        "<iframe",
        "javascript:\"",
        "href=\"java",
        "href=\"vb",
        "href=\"data",
        "src=\"java",
        "src=\"data",
        "href=\" ",
    ] {
        assert!(!lower.contains(live), "live markup `{live}` in:\n{html}");
    }
}

#[test]
fn raw_html_in_prose_is_shown_as_text() {
    let html = prose("A <img src=x onerror=alert(1)> and <script>alert(2)</script> b.");
    assert_inert(&html);
    assert_eq!(
        html,
        "<p>A &lt;img src=x onerror=alert(1)&gt; and &lt;script&gt;alert(2)&lt;/script&gt; b.</p>\n"
    );
    let block = prose("<div onmouseover=\"alert(3)\">\nhello\n</div>\n\nNext.");
    assert_inert(&block);
    assert_eq!(
        block,
        "<p>&lt;div onmouseover=\"alert(3)\"&gt;\nhello\n&lt;/div&gt;</p>\n<p>Next.</p>\n"
    );
}

#[test]
fn a_comment_alone_is_dropped_from_prose_but_nothing_around_it() {
    assert_eq!(prose("Text<!-- a note --> more."), "<p>Text more.</p>\n");
    assert_eq!(prose("<!--\nblock note\n-->\n\nAfter."), "<p>After.</p>\n");
    // Text after the comment on the same line is not hidden.
    let html = prose("<!-- a --> <img src=x onerror=alert(1)>");
    assert_inert(&html);
    assert!(
        html.contains("&lt;img src=x onerror=alert(1)&gt;"),
        "{html}"
    );
}

#[test]
fn raw_html_in_titles_notes_and_messages_is_data() {
    for html in [
        inline("<img src=x onerror=alert(1)> hostile"),
        inline("<script>alert(2)</script>"),
        message("Hi <img src=x onerror=alert(3)>\n\n<div onclick=\"alert(4)\">x</div>"),
    ] {
        assert_inert(&html);
        assert!(html.contains("&lt;"), "{html}");
    }
    // Data keeps comments visible: they are part of what was written.
    assert_eq!(inline("a <!-- b --> c"), "a &lt;!-- b --&gt; c");
    assert!(message("x <!-- y -->").contains("&lt;!-- y --&gt;"));
}

#[test]
fn script_links_are_shown_as_their_source_in_every_markdown_form() {
    let src = "[inline](javascript:alert(1)) [spaced]( JaVaScRiPt:alert(2)) \
               <javascript:alert(3)> [ref][evil] [entity](&#106;avascript:alert(4)) \
               [tab](java&#9;script:alert(5)) [ctl](&#1;javascript:alert(6)) \
               [vb](vbscript:msgbox(7)) [data](data:text/html,x) ![img](javascript:alert(8))\n\n\
               [evil]: javascript:alert(9)";
    for html in [prose(src), inline(src), message(src)] {
        assert_inert(&html);
        assert!(!html.contains("<a "), "no link at all:\n{html}");
        for shown in [
            "[inline](javascript:alert(1))",
            "[spaced]( JaVaScRiPt:alert(2))",
            "&lt;javascript:alert(3)&gt;",
            "[ref][evil]",
            "[entity](&amp;#106;avascript:alert(4))",
            "[vb](vbscript:msgbox(7))",
            "![img](javascript:alert(8))",
        ] {
            assert!(
                html.contains(shown),
                "`{shown}` should be shown in:\n{html}"
            );
        }
    }
}

#[test]
fn allowed_links_stay_links() {
    let html = prose(
        "[web](https://example.com/a) <mailto:a@example.com> <b@example.com> \
         [rel](other.html#x) ![pic](img/a.png) [frag](#nowhere)",
    );
    for href in [
        "href=\"https://example.com/a\"",
        "href=\"mailto:a@example.com\"",
        "href=\"mailto:b@example.com\"",
        "href=\"other.html#x\"",
        "src=\"img/a.png\"",
        "href=\"#nowhere\"",
    ] {
        assert!(html.contains(href), "{href} missing in:\n{html}");
    }
}

#[test]
fn a_refused_image_inside_an_allowed_link_keeps_the_link() {
    let html = prose("[![x](javascript:alert(1))](https://example.com)");
    assert_inert(&html);
    assert_eq!(
        html,
        "<p><a href=\"https://example.com\">![x](javascript:alert(1))</a></p>\n"
    );
}

#[test]
fn code_in_messages_is_escaped_and_highlighted() {
    let html = message("```html\n<script>alert(1)</script>\n```\n\n`<img src=x onerror=alert(2)>`");
    assert_inert(&html);
    assert!(html.contains("alert"), "{html}");
}

#[test]
fn check_reports_raw_html_and_refused_links_in_prose() {
    let src = "Fine [a](https://x.org).\nBad <b>x</b> <i>y</i>\n\n<div>\nz\n</div>\n\n\
               [l](javascript:alert(1)) <!-- ok -->";
    let found = prose_findings(src);
    let at = |needle: &str| src.find(needle).unwrap();
    let offsets: Vec<usize> = found.iter().map(|f| f.offset).collect();
    assert_eq!(offsets, [at("<b>"), at("<div>"), at("[l]")], "{found:#?}");
    assert!(found[0].message.contains("raw HTML"), "{found:#?}");
    assert!(found[0].message.contains("`<b>`"), "{found:#?}");
    assert!(
        found[2].message.contains("`javascript:alert(1)`"),
        "{found:#?}"
    );
    assert!(prose_findings("Plain text, [?](#x) and [^f00d].").is_empty());
    // Control characters in a target are shown, not printed raw.
    let ctl = prose_findings("[c](&#1;javascript:x)");
    assert!(ctl[0].message.contains("\\u{1}javascript:x"), "{ctl:#?}");
}

#[test]
fn the_check_prefilter_never_skips_a_block_the_parser_would_warn_about() {
    for src in [
        "[a](#x) then [b](javascript:alert(1))",
        "[a](\n  JAVASCRIPT:alert(1))",
        "[a](javascript&#58;alert(1))",
        "[a](javascript\\:alert(1))",
        "[r]\n\n[r]:\n javascript:alert(1)",
        "<javascript:alert(1)>",
        "[x](https://ok.org) <b>bold</b>",
    ] {
        assert!(!prose_findings(src).is_empty(), "no finding for {src:?}");
    }
    for src in [
        "[?](#x), [b](https://x.org) and [c](HTTP://y) and [m](mailto:a@b.c)",
        "[r][k]\n\n[k]: https://x.org",
        "A sentence: no links [^f00d].",
    ] {
        assert!(prose_findings(src).is_empty(), "{src:?}");
    }
}

#[test]
fn formulas_are_put_back_in_text_only() {
    let html = message(
        "[x](https://a.org \"t \\\\( y \\\\)\") ![\\\\( z \\\\)](a.png) \\\\( w \\\\) and \u{E000}0\u{E001}",
    );
    // No MathML inside an attribute, where it would end it.
    assert!(html.contains("title=\"t \">x</a>"), "{html}");
    assert!(html.contains("alt=\"\""), "{html}");
    assert_eq!(html.matches("<math").count(), 1, "{html}");
    assert!(html.contains("<mi>w</mi>"), "{html}");
    // The text's own placeholder characters are not ours.
    assert!(html.contains("\u{FFFD}0\u{FFFD}"), "{html}");
}

#[test]
fn triple_quoted_blocks_in_messages_are_kept_verbatim() {
    let html = message(
        "Summarise the \"note\" below, then say \"done\".\n\"\"\"\nDon't touch *this* line -- it's 'data'\n  &lt;3 and &amp;\n\n- not a list\n\"\"\"\nThanks.",
    );
    // The text around the block is markdown, curled and rendered.
    assert!(html.contains("“note”"), "{html}");
    assert!(html.contains("<p>Thanks.</p>"), "{html}");
    // The block: straight quotes, its lines and blank line kept, no
    // markdown, entities decoded once and escaped once.
    let block = "<pre class=\"quoted\">\"\"\"\nDon&#39;t touch *this* line -- it&#39;s &#39;data&#39;\n  &lt;3 and &amp;\n\n- not a list\n\"\"\"</pre>";
    assert!(html.contains(block), "{html}");
    assert!(!html.contains("<li>"), "{html}");
    assert!(!html.contains("<em>"), "{html}");
}

#[test]
fn triple_quotes_in_code_or_unclosed_stay_markdown() {
    // A docstring in a fence is code.
    let html = message("```python\ndef f():\n    \"\"\"\n    Doc.\n    \"\"\"\n```");
    assert!(!html.contains("class=\"quoted\""), "{html}");
    assert!(html.contains("<pre class=\"code\">"), "{html}");
    // No closing line: the quotes are text.
    let html = message("Start\n\"\"\"\nnever closed");
    assert!(!html.contains("class=\"quoted\""), "{html}");
}

#[test]
fn triple_quoted_blocks_read_verbatim_in_plain_text() {
    let msg = Message {
        role: Role::User,
        attrs: Vec::new(),
        content: Span::new(
            "Check this:\n\"\"\"\nline one\n  line &lt;two&gt;\n\"\"\"",
            1,
            0,
        ),
        comparison: None,
        verdict: None,
        comment: None,
        refs: Vec::new(),
        source: Location::default(),
    };
    assert_eq!(
        message_plain_text(&msg, &|_| None),
        "Check this:\n\n\"\"\"\nline one\n  line <two>\n\"\"\""
    );
}
