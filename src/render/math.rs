//! TeX math to MathML at build time: `\( ... \)` inline and `\[ ... \]`
//! display, as the dialect writes them inside conversations (FORMAT.md 7).
//! No script, no font, no request: browsers draw MathML Core natively.

use pulldown_latex::config::DisplayMode;
use pulldown_latex::{Parser, RenderConfig, Storage, push_mathml};

/// MathML for one formula; on a TeX error, the source shown as code.
pub fn to_mathml(tex: &str, display: bool) -> String {
    let storage = Storage::new();
    let parser = Parser::new(tex, &storage);
    // pulldown-latex writes the annotation as it is given: unescaped, the
    // source's `<img ...>` would leave the <math> element and run.
    let annotation = pulldown_cmark_escape_html(tex);
    let config = RenderConfig {
        display_mode: if display {
            DisplayMode::Block
        } else {
            DisplayMode::Inline
        },
        annotation: Some(&annotation),
        ..RenderConfig::default()
    };
    let mut out = String::new();
    let ok = push_mathml(&mut out, parser, config).is_ok() && !out.contains("merror");
    if ok {
        out
    } else {
        let escaped = pulldown_cmark_escape_html(tex);
        format!(
            "<code class=\"math-error\" title=\"could not typeset this formula\">{escaped}</code>"
        )
    }
}

fn pulldown_cmark_escape_html(s: &str) -> String {
    let mut out = String::new();
    let _ = pulldown_cmark_escape::escape_html(&mut out, s);
    out
}

/// Splits message markdown into text and math pieces. Delimiters are the
/// markdown source forms `\\(`, `\\)`, `\\[`, `\\]` (a doubled backslash,
/// because markdown consumes one). Math inside code is left alone.
pub fn split_math(src: &str) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let mut text_start = 0;
    let mut i = 0;
    let bytes = src.as_bytes();
    let mut in_fence = false;
    let mut line_start = true;
    while i < bytes.len() {
        if line_start {
            let rest = src[i..].trim_start_matches([' ', '\t']);
            if rest.starts_with("```") || rest.starts_with("~~~") {
                in_fence = !in_fence;
            }
        }
        line_start = bytes[i] == b'\n';
        if in_fence {
            i += 1;
            continue;
        }
        if bytes[i] == b'`' {
            // Skip a code span.
            let ticks = bytes[i..].iter().take_while(|&&b| b == b'`').count();
            let fence = &src[i..i + ticks];
            match src[i + ticks..].find(fence) {
                Some(end) => i += ticks + end + ticks,
                None => i += ticks,
            }
            continue;
        }
        // Byte comparisons: `i` may sit inside a multi-byte character.
        let open = if bytes[i..].starts_with(b"\\\\(") {
            Some(("\\\\)", false))
        } else if bytes[i..].starts_with(b"\\\\[") {
            Some(("\\\\]", true))
        } else {
            None
        };
        if let Some((close, display, end)) =
            open.and_then(|(c, d)| src[i + 3..].find(c).map(|e| (c, d, e)))
        {
            if text_start < i {
                out.push(Piece::Text(&src[text_start..i]));
            }
            let tex = &src[i + 3..i + 3 + end];
            out.push(Piece::Math {
                tex: tex.trim(),
                display,
            });
            i = i + 3 + end + close.len();
            text_start = i;
            continue;
        }
        i += 1;
    }
    if text_start < src.len() {
        out.push(Piece::Text(&src[text_start..]));
    }
    out
}

/// Markdown backslash escapes inside math (`\\frac` → `\frac`, `\{` → `{`),
/// as the markdown pass before MathJax would have applied them.
pub fn unescape_markdown(tex: &str) -> String {
    let mut out = String::with_capacity(tex.len());
    let mut chars = tex.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' && chars.peek().is_some_and(|n| n.is_ascii_punctuation()) {
            out.push(chars.next().unwrap());
        } else {
            out.push(c);
        }
    }
    out
}

#[derive(Debug, PartialEq, Eq)]
pub enum Piece<'a> {
    Text(&'a str),
    Math { tex: &'a str, display: bool },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_inline_and_display_math() {
        let src =
            "Area is \\\\( \\pi r^2 \\\\) and\n\\\\[\n\\\\frac{a}{b}\n\\\\]\n`\\\\(code\\\\)`";
        let pieces = split_math(src);
        assert_eq!(pieces[0], Piece::Text("Area is "));
        assert_eq!(
            pieces[1],
            Piece::Math {
                tex: "\\pi r^2",
                display: false
            }
        );
        assert_eq!(pieces[2], Piece::Text(" and\n"));
        assert_eq!(
            pieces[3],
            Piece::Math {
                tex: "\\\\frac{a}{b}",
                display: true
            }
        );
        assert_eq!(pieces[4], Piece::Text("\n`\\\\(code\\\\)`"));
    }

    #[test]
    fn multibyte_text_is_safe() {
        assert_eq!(split_math("can’t 🐰 \\\\(x\\\\)").len(), 2);
    }

    #[test]
    fn tex_source_is_escaped_in_the_annotation_and_the_formula() {
        for tex in [
            "\\text{<img src=x onerror=alert(1)>}",
            "x<y \\href{javascript:alert(2)}{z}",
            "\\href{javascript:alert(3)}{z}",
            "</annotation></semantics></math><img src=x onerror=alert(4)>",
        ] {
            for display in [false, true] {
                let m = to_mathml(tex, display);
                assert!(!m.contains("<img"), "{m}");
                assert!(!m.contains("</math><"), "{m}");
                assert!(
                    !m.to_ascii_lowercase().contains("javascript:alert(2)\""),
                    "{m}"
                );
                assert!(!m.contains("href="), "{m}");
            }
        }
    }

    #[test]
    fn renders_mathml() {
        let m = to_mathml("\\frac{1}{2}", false);
        assert!(m.starts_with("<math"), "{m}");
        assert!(m.contains("<mfrac"), "{m}");
    }
}
