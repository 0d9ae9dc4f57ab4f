//! Headings: `## Title {#id authority=root tags=under_18}`.

use super::text::col_of;
use crate::diag::{Diagnostics, Location};
use crate::model::{Authority, KNOWN_TAGS, Section};

/// ATX heading: up to three spaces, 1-6 `#`, then a space or the line end.
pub(super) fn is_heading(line: &str) -> bool {
    let t = line.trim_start_matches(' ');
    if line.len() - t.len() > 3 {
        return false;
    }
    let after = t.trim_start_matches('#');
    let hashes = t.len() - after.len();
    (1..=6).contains(&hashes) && after.chars().next().is_none_or(|c| c == ' ' || c == '\t')
}

/// Parses a heading line (known to satisfy [`is_heading`]). Problems are
/// reported with the column of the offending token; the section is kept
/// whenever a title exists, with an id derived from the title if needed.
pub(super) fn parse_heading(line: &str, at: Location, diags: &mut Diagnostics) -> Option<Section> {
    let t = line.trim_start_matches(' ');
    let after_hashes = t.trim_start_matches('#');
    let level = t.len() - after_hashes.len();
    let rest = after_hashes.trim();
    let (title, attrs) = match rest.strip_suffix('}').and_then(|r| r.rsplit_once('{')) {
        Some((title, attrs)) => (title.trim_end(), Some(attrs)),
        None => (rest, None),
    };
    // An optional closing run of `#`, as CommonMark reads it: after a
    // space or tab (`# C#` keeps its `#`), or the whole title.
    let title = match title.trim_end_matches('#') {
        "" => "",
        open if open.ends_with([' ', '\t']) => open.trim_end(),
        _ => title,
    };
    if title.is_empty() {
        diags.warning_at(&at, Some(line), "heading has no title; skipped");
        return None;
    }
    let mut section = Section {
        id: String::new(),
        title: title.to_owned(),
        level: level as u8,
        parent: None,
        children: Vec::new(),
        authority: None,
        tags: Vec::new(),
        source: at.clone(),
        blocks: Vec::new(),
        title_tr: Default::default(),
    };
    let Some(attrs) = attrs else {
        section.id = slugify(title);
        diags.warning_at(
            &at,
            Some(line),
            format!(
                "heading has no `{{#id}}`; rules need one (using `{}` for now)",
                section.id
            ),
        );
        return Some(section);
    };
    read_attributes(&mut section, line, attrs, &at, diags);
    if section.id.is_empty() {
        section.id = slugify(title);
        diags.warning_at(
            &at,
            Some(line),
            format!(
                "heading has no `#id` in its attributes (using `{}` for now)",
                section.id
            ),
        );
    }
    Some(section)
}

/// Reads `{#id authority=… tags=…}` into the section, one token at a time;
/// each problem is reported at its token's column.
fn read_attributes(
    section: &mut Section,
    line: &str,
    attrs: &str,
    at: &Location,
    diags: &mut Diagnostics,
) {
    // Columns advance token by token (one pass, however many tokens).
    let mut col = col_of(line, attrs);
    for token in attrs.split(' ') {
        let token_at = Location { col, ..at.clone() };
        col += token.chars().count() + 1;
        if token.is_empty() {
            continue;
        }
        if let Some(id) = token.strip_prefix('#') {
            if !section.id.is_empty() {
                diags.warning_at(&token_at, Some(line), format!("second id `#{id}` ignored"));
            } else if id.is_empty()
                || !id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            {
                diags.error_at(
                    &token_at,
                    Some(line),
                    format!("invalid id `#{id}`: use letters, digits and `_`"),
                );
            } else {
                section.id = id.to_owned();
            }
            continue;
        }
        match token.split_once('=') {
            Some(("authority", value)) => {
                // Ranked (and an unknown value warned about) by `link`,
                // which knows the spec's levels.
                section.authority = Some(Authority {
                    written: value.trim_matches('"').to_owned(),
                    level: None,
                    at: token_at,
                });
            }
            Some(("tags", value)) => {
                for tag in value.trim_matches('"').split(',').filter(|t| !t.is_empty()) {
                    if !KNOWN_TAGS.contains(&tag) {
                        diags.warning_at(
                            &token_at,
                            Some(line),
                            format!("unknown tag `{tag}` (known: under_18)"),
                        );
                    }
                    section.tags.push(tag.to_owned());
                }
            }
            _ => diags.warning_at(
                &token_at,
                Some(line),
                format!("unknown heading attribute `{token}` ignored"),
            ),
        }
    }
}

/// snake_case id from a title: lowercase ASCII letters and digits, other
/// runs become one `_`. Non-ASCII titles fall back to `section`.
pub fn slugify(title: &str) -> String {
    let mut out = String::new();
    for c in title.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('_') && !out.is_empty() {
            out.push('_');
        }
    }
    let out = out.trim_end_matches('_').to_owned();
    if out.is_empty() {
        "section".into()
    } else {
        out
    }
}
