//! What is under the cursor on a line of the dialect: a reference to a
//! rule (`[?](#id)`, `[text](#id)`, `BAD[#id]`) or a citation of an
//! eval-prompt file (`[^label]`). Indices are in characters.

/// What a reference names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Rule(String),
    Eval(String),
}

/// The reference whose text covers character `at` of `line`.
pub fn target_at(line: &str, at: usize) -> Option<Target> {
    let chars: Vec<char> = line.chars().collect();
    references(&chars)
        .into_iter()
        .find(|(start, end, _)| (*start..*end).contains(&at))
        .map(|(_, _, t)| t)
}

/// Every reference of a line: (first char, one past the last, target).
fn references(chars: &[char]) -> Vec<(usize, usize, Target)> {
    let id_char = |c: char| c.is_alphanumeric() || c == '_' || c == '-';
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '[' {
            // `[^label]`
            if chars.get(i + 1) == Some(&'^') {
                let mut j = i + 2;
                while j < chars.len() && chars[j] != ']' && chars[j] != '[' {
                    j += 1;
                }
                if j < chars.len() && chars[j] == ']' && j > i + 2 {
                    let label: String = chars[i + 2..j].iter().collect();
                    out.push((i, j + 1, Target::Eval(label)));
                    i = j + 1;
                    continue;
                }
            }
            // `[#id]` (a verdict's rule)
            if chars.get(i + 1) == Some(&'#') {
                let mut j = i + 2;
                while j < chars.len() && id_char(chars[j]) {
                    j += 1;
                }
                if chars.get(j) == Some(&']') && j > i + 2 {
                    let id: String = chars[i + 2..j].iter().collect();
                    // Cover the verdict word before it (`BAD[#id]`).
                    let mut start = i;
                    while start > 0 && chars[start - 1].is_ascii_uppercase() {
                        start -= 1;
                    }
                    out.push((start, j + 1, Target::Rule(id)));
                    i = j + 1;
                    continue;
                }
            }
            // `[text](#id)`
            let mut j = i + 1;
            let mut depth = 0;
            while j < chars.len() {
                match chars[j] {
                    '[' => depth += 1,
                    ']' if depth == 0 => break,
                    ']' => depth -= 1,
                    _ => {}
                }
                j += 1;
            }
            if chars.get(j + 1) == Some(&'(') && chars.get(j + 2) == Some(&'#') {
                let mut k = j + 3;
                while k < chars.len() && id_char(chars[k]) {
                    k += 1;
                }
                if chars.get(k) == Some(&')') && k > j + 3 {
                    let id: String = chars[j + 3..k].iter().collect();
                    out.push((i, k + 1, Target::Rule(id)));
                    i = k + 1;
                    continue;
                }
            }
        }
        i += 1;
    }
    out
}

/// The extent of the problem a diagnostic points at, from character `at`:
/// a whole reference when one starts there, else the run of non-space
/// characters (at least one character).
pub fn token_at(line: &str, at: usize) -> (usize, usize) {
    let chars: Vec<char> = line.chars().collect();
    if let Some((s, e, _)) = references(&chars).into_iter().find(|(s, _, _)| *s == at) {
        return (s, e);
    }
    let mut end = at;
    while end < chars.len() && !chars[end].is_whitespace() {
        end += 1;
    }
    (at, end.max(at + 1).min(chars.len().max(at + 1)))
}

/// The id of a heading line (`## Title {#id …}`), if it is one.
pub fn heading_id(line: &str) -> Option<String> {
    if !line.trim_start().starts_with('#') {
        return None;
    }
    let at = line.find("{#")?;
    let id: String = line[at + 2..]
        .chars()
        .take_while(|&c| c.is_alphanumeric() || c == '_' || c == '-')
        .collect();
    (!id.is_empty()).then_some(id)
}

/// Where `#id` (followed by a character that cannot be part of an id) is
/// written on `line` at or after character `from`: the id's characters.
pub fn id_after(line: &str, from: usize, id: &str) -> Option<(usize, usize)> {
    let chars: Vec<char> = line.chars().collect();
    let want: Vec<char> = id.chars().collect();
    let id_char = |c: char| c.is_alphanumeric() || c == '_' || c == '-';
    (from..chars.len()).find_map(|i| {
        let end = i + 1 + want.len();
        (chars[i] == '#'
            && chars.get(i + 1..end) == Some(&want[..])
            && chars.get(end).is_none_or(|&c| !id_char(c)))
        .then_some((i + 1, end))
    })
}

/// `(unknown, suggested)` of "reference to unknown section `#x`; did you
/// mean `y`?".
pub fn did_you_mean(message: &str) -> Option<(String, String)> {
    let rest = message.strip_prefix("reference to unknown section `#")?;
    let (wrong, rest) = rest.split_once('`')?;
    let right = rest.split_once("did you mean `")?.1.split_once('`')?.0;
    Some((wrong.to_owned(), right.to_owned()))
}

/// The label of "footnote `[^x]` names an eval-prompt file `x.md` that does
/// not exist".
pub fn missing_eval_file(message: &str) -> Option<String> {
    let rest = message.strip_prefix("footnote `[^")?;
    let (label, rest) = rest.split_once("]`")?;
    rest.contains("that does not exist")
        .then(|| label.to_owned())
}

/// The role of "`<role>` is never closed".
pub fn unclosed_tag(message: &str) -> Option<String> {
    let rest = message.strip_prefix("`<")?;
    let (role, rest) = rest.split_once(">`")?;
    (rest.starts_with(" is never closed") && role != "comparison"
        || rest.starts_with(" is never closed"))
    .then(|| role.to_owned())
}

/// Whether line `line` of `lines` is inside a conversation block (a
/// `~~~xml` or ```` ```xml ```` fence not yet closed above it).
pub fn in_conversation(lines: &[&str], line: usize) -> bool {
    let mut open: Option<&str> = None;
    for l in lines.iter().take(line) {
        let t = l.trim_start();
        match open {
            None if t.starts_with("~~~xml") => open = Some("~~~"),
            None if t.starts_with("```xml") => open = Some("```"),
            Some(fence)
                if t.starts_with(fence) && t.trim_start_matches(fence).trim().is_empty() =>
            {
                open = None
            }
            _ => {}
        }
    }
    open.is_some()
}

/// What is being typed at the end of `before` (the line up to the cursor).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Completing {
    Rule,
    Label,
    Authority,
    Role,
}

pub fn completion_context(before: &str) -> Option<Completing> {
    let id_char = |c: char| c.is_alphanumeric() || c == '_' || c == '-';
    let stem = before.trim_end_matches(id_char);
    if stem.ends_with("](#") || stem.ends_with("[#") {
        Some(Completing::Rule)
    } else if stem.ends_with("[^") {
        Some(Completing::Label)
    } else if stem.ends_with("authority=") {
        Some(Completing::Authority)
    } else if stem.trim_start() == "<" || stem.trim_start() == "</" {
        Some(Completing::Role)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_found_under_the_cursor() {
        let line = "See [?](#rule_a), “curly” [the rule](#rule-b)[^66cj] and BAD[#rule_c].";
        let at = |needle: &str| line[..line.find(needle).unwrap()].chars().count();
        assert_eq!(
            target_at(line, at("?")),
            Some(Target::Rule("rule_a".into()))
        );
        assert_eq!(
            target_at(line, at("the rule")),
            Some(Target::Rule("rule-b".into()))
        );
        assert_eq!(
            target_at(line, at("#rule-b")),
            Some(Target::Rule("rule-b".into()))
        );
        assert_eq!(
            target_at(line, at("66cj")),
            Some(Target::Eval("66cj".into()))
        );
        assert_eq!(
            target_at(line, at("BAD")),
            Some(Target::Rule("rule_c".into()))
        );
        assert_eq!(target_at(line, at("curly")), None);
        assert_eq!(token_at(line, at("[?]")), (at("[?]"), at(", “")));
    }

    #[test]
    fn ids_headings_and_completion_contexts() {
        assert_eq!(
            heading_id("## Say less {#say_less authority=guideline}").as_deref(),
            Some("say_less")
        );
        assert_eq!(heading_id("Text {#not_a_heading}"), None);
        let line = "“x” [?](#say_less) and [#say_less_more] and BAD[#say_less]";
        let (a, b) = id_after(line, 0, "say_less").unwrap();
        assert_eq!(
            line.chars().skip(a).take(b - a).collect::<String>(),
            "say_less"
        );
        let last = id_after(line, b, "say_less").unwrap();
        assert!(
            last.0 > line.chars().count() - 10,
            "skips say_less_more: {last:?}"
        );
        assert_eq!(completion_context("See [?](#fol"), Some(Completing::Rule));
        assert_eq!(completion_context("<!-- BAD[#"), Some(Completing::Rule));
        assert_eq!(completion_context("cited[^6"), Some(Completing::Label));
        assert_eq!(
            completion_context("## T {#t authority=ro"),
            Some(Completing::Authority)
        );
        assert_eq!(completion_context("<as"), Some(Completing::Role));
        assert_eq!(completion_context("plain text"), None);
    }

    #[test]
    fn conversations_are_the_fenced_xml_blocks() {
        let lines = ["Text", "~~~xml", "<user>", "Hi", "</user>", "~~~", "After"];
        assert!(!in_conversation(&lines, 1));
        assert!(in_conversation(&lines, 2));
        assert!(in_conversation(&lines, 5));
        assert!(!in_conversation(&lines, 6));
    }

    #[test]
    fn quick_fixes_read_their_diagnostics() {
        assert_eq!(
            did_you_mean("reference to unknown section `#folow`; did you mean `follow`?"),
            Some(("folow".into(), "follow".into()))
        );
        assert_eq!(did_you_mean("reference to unknown section `#zzz`"), None);
        assert_eq!(
            missing_eval_file(
                "footnote `[^ab12]` names an eval-prompt file `ab12.md` that does not exist"
            )
            .as_deref(),
            Some("ab12")
        );
        assert_eq!(
            unclosed_tag(
                "`<user>` is never closed (expected `</user>` before the end of the block)"
            )
            .as_deref(),
            Some("user")
        );
    }
}
