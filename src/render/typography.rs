//! Small typographic rules the official page applies (FORMAT.md 5.1, 9).

/// Upper-cases the first letter of a title or note, and within its first
/// word the first letter after each `/` or `-` (`root/developer` →
/// `Root/Developer`, `nit-picking` → `Nit-Picking`). Operates on HTML
/// text: characters inside tags are skipped. Text that starts with code or
/// with a quoted tag (`&lt;img ...`) is left as written: it quotes
/// something exact.
pub fn capitalize_first_word(html: &str) -> String {
    let t = html.trim_start();
    if t.starts_with("<code") || t.starts_with("&lt;") {
        return html.to_owned();
    }
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    let mut in_entity = false;
    let mut started = false; // seen the first letter of the first word
    let mut cap_next = true;
    let mut done = false;
    for c in html.chars() {
        if done {
            out.push(c);
            continue;
        }
        if in_tag {
            in_tag = c != '>';
            out.push(c);
            continue;
        }
        if in_entity {
            in_entity = c != ';';
            out.push(c);
            continue;
        }
        match c {
            '<' => {
                in_tag = true;
                out.push(c);
            }
            '&' => {
                in_entity = true;
                out.push(c);
            }
            c if c.is_whitespace() => {
                out.push(c);
                if started {
                    done = true;
                }
            }
            '/' | '-' => {
                out.push(c);
                cap_next = started;
            }
            c if c.is_alphabetic() => {
                if cap_next {
                    out.extend(c.to_uppercase());
                } else {
                    out.push(c);
                }
                started = true;
                cap_next = false;
            }
            c => {
                out.push(c);
                if started {
                    cap_next = false;
                }
            }
        }
    }
    out
}

/// A title or note as plain text, capitalised as [`capitalize_first_word`]
/// does on the page: `markdown` is its source (text that starts with code
/// is left as written), `plain` its plain text.
pub fn capitalize_plain(markdown: &str, plain: &str) -> String {
    if markdown.trim_start().starts_with('`') {
        return plain.to_owned();
    }
    let mut html = String::with_capacity(plain.len());
    let _ = pulldown_cmark_escape::escape_html(&mut html, plain);
    crate::render::markdown::decode_entities(&capitalize_first_word(&html))
}

/// A title or note in plain text as the page shows it: its `[?](#id)`
/// links read as their targets' titles (`title_of`), capitalised as
/// [`capitalize_first_word`] does. The examples browser, search and
/// "Referenced by" all name an example this way.
pub fn plain_title(markdown: &str, title_of: &dyn Fn(&str) -> Option<String>) -> String {
    capitalize_plain(
        markdown,
        &crate::parse::inline::plain_text(markdown, title_of),
    )
}

/// Curly quotes and dashes for text inserted outside the markdown pass
/// (a `[?](#id)` link shows the target's title curled like its
/// surroundings, although the heading itself keeps straight quotes).
pub fn smarten(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let chars: Vec<char> = text.chars().collect();
    let mut double_open = true;
    for (i, &c) in chars.iter().enumerate() {
        let prev = i.checked_sub(1).map(|j| chars[j]);
        match c {
            '\'' => {
                let opening = prev.is_none_or(|p| p.is_whitespace() || "([{\"“".contains(p));
                out.push(if opening { '‘' } else { '’' });
            }
            '"' => {
                out.push(if double_open { '“' } else { '”' });
                double_open = !double_open;
            }
            _ => out.push(c),
        }
    }
    out.replace("---", "—").replace("...", "…")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capitalizes_plain_text_like_the_page() {
        assert_eq!(
            capitalize_plain("root/developer *conflict*", "root/developer conflict"),
            "Root/Developer conflict"
        );
        assert_eq!(capitalize_plain("`code` first", "code first"), "code first");
        assert_eq!(capitalize_plain("<img> tag", "<img> tag"), "<img> tag");
        assert_eq!(capitalize_plain("a & b", "a & b"), "A & b");
    }

    #[test]
    fn capitalizes_like_the_official_page() {
        assert_eq!(
            capitalize_first_word("root/developer conflict"),
            "Root/Developer conflict"
        );
        assert_eq!(
            capitalize_first_word("nit-picking on style"),
            "Nit-Picking on style"
        );
        assert_eq!(
            capitalize_first_word("don’t lie about it"),
            "Don’t lie about it"
        );
        assert_eq!(
            capitalize_first_word("<a href=\"#x\">staying</a> calm"),
            "<a href=\"#x\">Staying</a> calm"
        );
        assert_eq!(capitalize_first_word("Already fine"), "Already fine");
        assert_eq!(
            capitalize_first_word("&quot;quoted&quot; text"),
            "&quot;Quoted&quot; text"
        );
    }

    #[test]
    fn quoted_markup_and_code_keep_their_case() {
        for html in [
            "&lt;img src=x onerror=alert(1)&gt; hostile",
            "&lt;script&gt;alert(2)&lt;/script&gt;",
            "<code>snake_case</code> is wrong",
        ] {
            assert_eq!(capitalize_first_word(html), html);
        }
    }

    #[test]
    fn smartens_titles() {
        assert_eq!(
            smarten("Don't provide \"hazards\""),
            "Don’t provide “hazards”"
        );
    }
}
