//! The diff for people: a terminal listing and a markdown summary (for a
//! pull-request comment or release notes). Both say the same as the JSON.

use std::fmt::Write as _;

use anstyle::{AnsiColor, Style};

use super::{AuthorityField, Change, Diff, RuleChange, Status, TitleField};

const ADDED: Style = AnsiColor::Green.on_default();
const REMOVED: Style = AnsiColor::Red.on_default();
const CHANGED: Style = AnsiColor::Yellow.on_default();
const DIM: Style = Style::new().dimmed();

/// The diff as terminal lines; ANSI colours are stripped by the caller's
/// stream when it is not a terminal.
pub fn to_text(d: &Diff) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} → {}: {} → {} rules",
        d.from.label, d.to.label, d.from.rules, d.to.rules
    );
    for r in &d.level_renames {
        let _ = writeln!(out, "level renamed: {} → {}", r.from, r.to);
    }
    if d.is_empty() {
        let _ = writeln!(out, "no differences");
        return out;
    }
    for r in &d.rules {
        let (mark, style) = match r.status {
            Status::Added => ('+', ADDED),
            Status::Removed => ('-', REMOVED),
            Status::Renamed | Status::Modified => ('~', CHANGED),
        };
        let what = match r.status {
            Status::Added => "added",
            Status::Removed => "removed",
            Status::Renamed => "renamed",
            Status::Modified => "modified",
        };
        let _ = writeln!(
            out,
            "{style}{mark} {what:<8} {}{style:#}  {DIM}{}{DIM:#}",
            rule_name(r),
            details(r).join("; ")
        );
    }
    let e = &d.eval_prompts;
    for (mark, style, what, labels) in [
        ('+', ADDED, "added", &e.added),
        ('-', REMOVED, "removed", &e.removed),
        ('~', CHANGED, "changed", &e.changed),
    ] {
        if !labels.is_empty() {
            let _ = writeln!(
                out,
                "{style}{mark} eval prompts {what}: {}{style:#}",
                labels.join(", ")
            );
        }
    }
    out
}

/// The diff as a markdown summary.
pub fn to_markdown(d: &Diff) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "## Changes from {} to {}\n", d.from.label, d.to.label);
    let _ = writeln!(out, "{} rules → {} rules.", d.from.rules, d.to.rules);
    for r in &d.level_renames {
        let _ = writeln!(
            out,
            "The authority level `{}` is now called `{}`.",
            r.from, r.to
        );
    }
    if d.is_empty() {
        let _ = writeln!(out, "\nNo differences.");
        return out;
    }
    for (status, heading) in [
        (Status::Added, "Added rules"),
        (Status::Removed, "Removed rules"),
        (Status::Renamed, "Renamed rules"),
        (Status::Modified, "Changed rules"),
    ] {
        let rules: Vec<&RuleChange> = d.rules.iter().filter(|r| r.status == status).collect();
        if rules.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n### {heading} ({})\n", rules.len());
        for r in rules {
            let details = details(r);
            let _ = write!(out, "- {}", md_rule_name(r));
            if !details.is_empty() {
                let _ = write!(out, ": {}", details.join("; "));
            }
            out.push('\n');
        }
    }
    let e = &d.eval_prompts;
    if !(e.added.is_empty() && e.removed.is_empty() && e.changed.is_empty()) {
        let _ = writeln!(out, "\n### Eval prompts\n");
        for (what, labels) in [
            ("added", &e.added),
            ("removed", &e.removed),
            ("changed", &e.changed),
        ] {
            if !labels.is_empty() {
                let codes: Vec<String> = labels.iter().map(|l| format!("`{l}`")).collect();
                let _ = writeln!(out, "- {what}: {}", codes.join(", "));
            }
        }
    }
    out
}

/// `Title (id)`, or `old_id → id` for a renamed rule.
fn rule_name(r: &RuleChange) -> String {
    let title = current_title(r);
    match &r.from_id {
        Some(from) => format!("{title} ({from} → {})", r.id),
        None => format!("{title} ({})", r.id),
    }
}

fn md_rule_name(r: &RuleChange) -> String {
    let title = current_title(r);
    match &r.from_id {
        Some(from) => format!("**{title}** (`{from}` → `{}`)", r.id),
        None => format!("**{title}** (`{}`)", r.id),
    }
}

fn current_title(r: &RuleChange) -> &str {
    match &r.title {
        TitleField::Title(t) => t,
        TitleField::Changed(Some(c)) => &c.to,
        TitleField::Changed(None) => r.path.last().map_or(r.id.as_str(), String::as_str),
    }
}

/// What changed, in words: `retitled from "…"`, `authority user → root`,
/// `moved from a to b`, `text changed`, `examples: 1 added`.
pub fn details(r: &RuleChange) -> Vec<String> {
    let mut out = Vec::new();
    match &r.authority {
        AuthorityField::Level(Some(a)) => out.push(format!("authority {a}")),
        AuthorityField::Changed(Some(Change { from, to })) => out.push(format!(
            "authority {} → {}",
            from.as_deref().unwrap_or("none"),
            to.as_deref().unwrap_or("none")
        )),
        _ => {}
    }
    if let TitleField::Changed(Some(c)) = &r.title {
        out.push(format!("retitled from \"{}\"", c.from));
    }
    if let Some(Some(p)) = &r.parent {
        out.push(format!(
            "moved from {} to {}",
            p.from.as_deref().unwrap_or("the top level"),
            p.to.as_deref().unwrap_or("the top level")
        ));
    }
    if r.text_changed == Some(true) {
        out.push("text changed".into());
    }
    if let Some(e) = &r.examples {
        let mut parts = Vec::new();
        for (n, what) in [
            (e.added.len(), "added"),
            (e.removed.len(), "removed"),
            (e.changed.len(), "changed"),
        ] {
            if n > 0 {
                parts.push(format!("{n} {what}"));
            }
        }
        if !parts.is_empty() {
            out.push(format!("examples: {}", parts.join(", ")));
        }
    }
    out
}
