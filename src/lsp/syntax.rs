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
}
