//! Which link targets the site may write as `href` / `src`: an allow-list
//! of schemes (http, https, mailto) plus relative URLs and fragments.
//! Everything else (`javascript:`, `vbscript:`, `data:`, `file:`, unknown
//! schemes) is refused, whatever its case and however it is disguised.
//!
//! The scheme is read the way a browser reads it (WHATWG URL parsing):
//! leading and trailing C0 controls and spaces are ignored, tabs and line
//! breaks anywhere are removed, and a scheme is an ASCII letter followed by
//! letters, digits, `+`, `-` or `.` up to the first `:`. Character
//! references (`&#106;avascript:`) are decoded by the markdown parser
//! before the target gets here; callers must pass decoded text.

/// Schemes a link may use (compared case-insensitively).
pub const ALLOWED_SCHEMES: [&str; 3] = ["http", "https", "mailto"];

/// Whether `url` may be written as a link target or image source.
pub fn is_allowed(url: &str) -> bool {
    let cleaned: String = url
        .trim_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    match scheme(&cleaned) {
        None => true,
        Some(s) => ALLOWED_SCHEMES.iter().any(|a| s.eq_ignore_ascii_case(a)),
    }
}

/// The scheme of an absolute URL; `None` for a relative one (`page.html`,
/// `/x`, `#id`, `?q`, `./a:b`).
fn scheme(url: &str) -> Option<&str> {
    let end = url.find(':')?;
    let s = &url[..end];
    let mut chars = s.chars();
    let first = chars.next()?;
    let valid = first.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    valid.then_some(s)
}

/// Whether a URL template stays allowed whatever is put in place of its
/// `placeholders` (e.g. `{path}` in `edit-url-template`): the worst case is
/// a value that continues a scheme and ends it (`a:`), so the template is
/// checked with that in their place.
pub fn template_is_allowed(template: &str, placeholders: &[&str]) -> bool {
    let worst = placeholders
        .iter()
        .fold(template.to_owned(), |t, p| t.replace(p, "a:"));
    is_allowed(&worst)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allows_web_mail_and_relative_targets() {
        for url in [
            "https://example.com/a?b#c",
            "HTTP://EXAMPLE.COM",
            "mailto:someone@example.com",
            "someone@example.com",
            "//example.com/x",
            "page.html#id",
            "../evals/x.html",
            "/abs/path",
            "#fragment",
            "?q=javascript:alert(1)",
            "./javascript:alert(1)",
            "",
        ] {
            assert!(is_allowed(url), "{url:?} should be allowed");
        }
    }

    #[test]
    fn refuses_script_and_other_schemes_however_written() {
        for url in [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            "  javascript:alert(1)",
            "\u{1}javascript:alert(1)",
            "\u{0}\u{1f} javascript:alert(1)",
            "java\tscript:alert(1)",
            "java\nscript:alert(1)",
            "jav\r\nascript:alert(1)",
            "javascript:alert(1)\u{7}",
            "vbscript:msgbox(1)",
            "VBScript:msgbox(1)",
            "livescript:x",
            "data:text/html,<script>alert(1)</script>",
            "data:image/png;base64,AAAA",
            "file:///etc/passwd",
            "ftp://example.com",
            "x-custom+scheme.v1:payload",
            "c:\\windows",
        ] {
            assert!(!is_allowed(url), "{url:?} should be refused");
        }
    }

    #[test]
    fn a_template_is_checked_for_every_value_of_its_placeholder() {
        let ok = |t: &str| template_is_allowed(t, &["{path}"]);
        assert!(ok("https://github.com/o/r/edit/main/{path}"));
        assert!(ok("/edit/{path}"));
        assert!(ok("edit/{path}"));
        // The value would decide the scheme: `script:alert(1)//x.md`.
        assert!(!ok("java{path}"));
        assert!(!ok("{path}"));
        assert!(!ok("javascript:alert(1)//{path}"));
    }
}
