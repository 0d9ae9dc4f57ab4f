//! A versioned site's pages: the release switcher and the older-release
//! banner (every page), each rule's History panel, and the changes pages
//! (`changes/index.html` and one per consecutive pair of releases, at the
//! site root, rendered with the current release). All of it reads the
//! [`Versioned`] the pipeline built once; none of it exists in a site of
//! one release.

use std::path::Path;

use anyhow::Result;
use bytes::Bytes;
use serde::Serialize;

use super::context::{Link, PageKind};
use super::markdown::{LinkMode, Linker, escape, render_prose};
use super::renderer::SiteRenderer;
use crate::diff::{AuthorityField, Change, Diff, RuleChange, Status, TitleField};
use crate::versions::site::{CHANGES_DIR, Place, VERSIONS_JS, Versioned};

/// The switcher and banner, the same on every page of an edition.
#[derive(Debug, Clone, Serialize)]
pub struct VersionsCtx {
    /// This edition's release.
    pub here: String,
    pub current: String,
    pub is_current: bool,
    /// From this edition's root to the site root (`""` or `"../"`).
    pub root: &'static str,
    pub list: Vec<VersionLinkCtx>,
    /// The changes index, relative to this edition's root.
    pub changes_href: String,
    /// `versions.js`, relative to this edition's root.
    pub data_src: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct VersionLinkCtx {
    pub name: String,
    /// The release's home, relative to this edition's root.
    pub href: String,
    /// The release's folder, relative to this edition's root (`""` when
    /// it is this edition).
    pub path: String,
    pub current: bool,
    pub here: bool,
    pub date: Option<String>,
}

/// One line of a rule's History panel.
#[derive(Debug, Clone, Serialize)]
pub struct HistoryCtx {
    pub from: String,
    pub to: String,
    /// The rule on that changes page, relative to this edition's root.
    pub href: String,
    pub what: String,
}

/// A changes page.
#[derive(Debug, Clone, Serialize)]
pub struct ChangesCtx {
    pub from: String,
    pub to: String,
    /// The two releases' homes, relative to the site root.
    pub from_href: String,
    pub to_href: String,
    /// The release's notes from `CHANGELOG.md`, rendered.
    pub notes_html: Option<String>,
    pub level_renames: Vec<(String, String)>,
    pub counts: Counts,
    pub groups: Vec<GroupCtx>,
    pub eval_prompts: EvalPromptsCtx,
    pub prev: Option<Link>,
    pub next: Option<Link>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Counts {
    pub added: usize,
    pub removed: usize,
    pub renamed: usize,
    pub modified: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct GroupCtx {
    pub status: &'static str,
    pub title: String,
    pub rules: Vec<RuleChangeCtx>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RuleChangeCtx {
    pub id: String,
    pub from_id: Option<String>,
    pub title: String,
    /// The rule where it stands (the newer release; the older one for a
    /// removed rule), relative to the site root.
    pub href: String,
    /// The rule in the older release (renamed and modified rules).
    pub old_href: Option<String>,
    /// Chapter › … › parent, for orientation.
    pub path: String,
    pub details: Vec<String>,
    /// The rule's own text, word by word: `<del>` and `<ins>` marks.
    pub redline: Option<String>,
    pub examples: ExamplesCtx,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct ExamplesCtx {
    pub added: Vec<Link>,
    pub removed: Vec<Link>,
    pub changed: Vec<Link>,
    /// Changed examples whose verdicts flipped: the example and how.
    pub flips: Vec<FlipCtx>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FlipCtx {
    pub example: Link,
    pub how: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct EvalPromptsCtx {
    pub added: Vec<Link>,
    pub removed: Vec<Link>,
    pub changed: Vec<Link>,
}

/// One line of the changes index.
#[derive(Debug, Clone, Serialize)]
pub struct ChangesIndexEntry {
    pub from: String,
    pub to: String,
    pub href: String,
    pub counts: Counts,
    pub eval_prompts: usize,
}

/// The versions part of an edition's renderer.
pub(super) fn versions_ctx(place: &Place<'_>) -> VersionsCtx {
    let json = &place.site.json;
    let root = place.to_site_root();
    VersionsCtx {
        here: json.versions[place.index].name.clone(),
        current: json.current.clone(),
        is_current: place.is_current(),
        root,
        list: json
            .versions
            .iter()
            .enumerate()
            .map(|(k, v)| {
                let path = if k == place.index {
                    String::new()
                } else if k == 0 {
                    root.to_owned()
                } else {
                    format!("{root}{}", v.path)
                };
                VersionLinkCtx {
                    name: v.name.clone(),
                    href: format!("{path}index.html"),
                    path,
                    current: k == 0,
                    here: k == place.index,
                    date: v.date.clone(),
                }
            })
            .collect(),
        changes_href: format!("{root}{CHANGES_DIR}/index.html"),
        data_src: format!("{root}{VERSIONS_JS}"),
    }
}

impl SiteRenderer<'_> {
    /// Rule `id`'s History panel (empty outside a versioned site).
    /// What changed in a rule besides its status, in the site's
    /// language (as `diff::details` says it in English for the terminal).
    fn details(&self, r: &RuleChange) -> Vec<String> {
        let t = &self.strings;
        let level = |l: &Option<String>| l.clone().unwrap_or_else(|| t.get("detail_none").into());
        let mut out = Vec::new();
        match &r.authority {
            AuthorityField::Level(Some(a)) => out.push(t.fill("detail_authority", &[("level", a)])),
            AuthorityField::Changed(Some(Change { from, to })) => out.push(t.fill(
                "detail_authority_changed",
                &[("from", &level(from)), ("to", &level(to))],
            )),
            _ => {}
        }
        if let TitleField::Changed(Some(c)) = &r.title {
            out.push(t.fill("detail_retitled", &[("title", &c.from)]));
        }
        if let Some(Some(p)) = &r.parent {
            let place = |id: &Option<String>| {
                id.clone()
                    .unwrap_or_else(|| t.get("detail_top_level").into())
            };
            out.push(t.fill(
                "detail_moved",
                &[("from", &place(&p.from)), ("to", &place(&p.to))],
            ));
        }
        if r.text_changed == Some(true) {
            out.push(t.get("detail_text_changed").into());
        }
        if let Some(e) = &r.examples {
            let parts: Vec<String> = [
                (e.added.len(), "detail_examples_added"),
                (e.removed.len(), "detail_examples_removed"),
                (e.changed.len(), "detail_examples_changed"),
            ]
            .into_iter()
            .filter(|(n, _)| *n > 0)
            .map(|(n, key)| t.fill(key, &[("n", &n.to_string())]))
            .collect();
            if !parts.is_empty() {
                out.push(t.fill(
                    "detail_examples",
                    &[("changes", &parts.join(t.get("list_comma")))],
                ));
            }
        }
        out
    }

    /// A message judged differently in two releases.
    fn flip(&self, f: &crate::versions::site::Flip) -> String {
        let t = &self.strings;
        let name = |v: Option<crate::model::Verdict>| {
            t.get(match v {
                Some(crate::model::Verdict::Good) => "flip_good",
                Some(crate::model::Verdict::Bad) => "flip_bad",
                Some(crate::model::Verdict::Ok) => "flip_ok",
                None => "flip_not_judged",
            })
        };
        t.fill(
            "flip_message",
            &[
                ("n", &f.message.to_string()),
                ("from", name(f.from)),
                ("to", name(f.to)),
            ],
        )
    }

    pub(super) fn history(&self, id: &str) -> Vec<HistoryCtx> {
        let (Some(place), Some(histories)) = (self.place, &self.histories) else {
            return Vec::new();
        };
        let Some(entries) = histories.get(id) else {
            return Vec::new();
        };
        let site = place.site;
        entries
            .iter()
            .map(|h| {
                let c = &site.json.changes[h.change];
                let r = site.diffs[h.change].rule(&h.id);
                HistoryCtx {
                    from: c.from.clone(),
                    to: c.to.clone(),
                    href: format!("{}{}#{}", place.to_site_root(), c.path, rule_anchor(&h.id)),
                    what: match (h.status, r) {
                        (Status::Added, _) => self.strings.get("history_added").to_owned(),
                        (Status::Renamed, Some(r)) => {
                            let mut d = vec![self.strings.fill(
                                "history_renamed_from",
                                &[("id", r.from_id.as_deref().unwrap_or("?"))],
                            )];
                            d.extend(self.details(r));
                            d.join(self.strings.get("list_separator"))
                        }
                        (_, Some(r)) => self.details(r).join(self.strings.get("list_separator")),
                        _ => String::new(),
                    },
                }
            })
            .collect()
    }

    /// For a page of an older release: the same page in the current one
    /// (relative to this edition's root), else the current home.
    pub(super) fn current_href(&self, kind: PageKind, path: &str) -> Option<String> {
        let place = self.place.filter(|p| !p.is_current())?;
        let root = place.to_site_root();
        let site = place.site;
        let same = match kind {
            PageKind::Chapter => {
                let chapter = path.strip_suffix(".html").unwrap_or(path);
                // The chapter's id, when its page name is the id.
                site.rules[0]
                    .get(chapter)
                    .map(|(page, _)| format!("{page}#{chapter}"))
            }
            PageKind::Eval => {
                let label = path
                    .strip_prefix("evals/")
                    .and_then(|p| p.strip_suffix(".html"))
                    .unwrap_or("");
                site.evals[0]
                    .iter()
                    .any(|l| l == label)
                    .then(|| path.to_owned())
            }
            PageKind::Home
            | PageKind::Single
            | PageKind::Examples
            | PageKind::Compliance
            | PageKind::NotFound => Some(path.to_owned()),
            PageKind::Changes | PageKind::Translation => None,
        };
        Some(format!(
            "{root}{}",
            same.unwrap_or_else(|| crate::site::INDEX_PAGE.to_owned())
        ))
    }

    /// `changes/index.html` and one page per consecutive pair (current
    /// release only).
    pub(super) fn changes_jobs(&self) -> usize {
        match self.place {
            Some(p) if p.is_current() => p.site.diffs.len() + 1,
            _ => 0,
        }
    }

    /// Changes page `k` (`k == diffs.len()`: the index).
    pub(super) fn changes_page(&self, k: usize) -> Result<(String, Bytes)> {
        let site = self
            .place
            .expect("changes pages belong to a versioned site")
            .site;
        let base = "../";
        if k == site.diffs.len() {
            let path = format!("{CHANGES_DIR}/index.html");
            let title = self.strings.get("what_changed");
            let mut c = self.page_ctx(PageKind::Changes, title, &path, base);
            c.changes_index = Some(
                site.json
                    .changes
                    .iter()
                    .zip(&site.diffs)
                    .map(|(e, d)| ChangesIndexEntry {
                        from: e.from.clone(),
                        to: e.to.clone(),
                        href: e.path.clone(),
                        counts: counts(d),
                        eval_prompts: d.eval_prompts.added.len()
                            + d.eval_prompts.removed.len()
                            + d.eval_prompts.changed.len(),
                    })
                    .collect(),
            );
            return self.finish_page("changes.html", path, c);
        }
        let entry = &site.json.changes[k];
        let title = self.strings.fill(
            "changes_page_title",
            &[("from", &entry.from), ("to", &entry.to)],
        );
        let mut c = self.page_ctx(PageKind::Changes, &title, &entry.path, base);
        c.changes = Some(self.changes_ctx(site, k));
        self.finish_page("changes.html", entry.path.clone(), c)
    }

    fn changes_ctx(&self, site: &Versioned, k: usize) -> ChangesCtx {
        let d = &site.diffs[k];
        let entry = &site.json.changes[k];
        // Release `k + 1` is the older side, `k` the newer.
        let (old, new) = (k + 1, k);
        let home = |v: usize| format!("{}index.html", root_path(site, v));
        let rule_href = |v: usize, id: &str| {
            site.rules[v]
                .get(id)
                .map(|(page, _)| format!("{}{page}#{id}", root_path(site, v)))
        };
        let example_links = |v: usize, rule: &str, ids: &[String]| -> Vec<Link> {
            ids.iter()
                .map(|ex| Link {
                    href: site.rules[v]
                        .get(rule)
                        .map(|(page, _)| format!("{}{page}#{ex}", root_path(site, v)))
                        .unwrap_or_else(|| home(v)),
                    title: ex.clone(),
                })
                .collect()
        };
        let rule_ctx = |r: &RuleChange| {
            let (v, old_id) = match r.status {
                Status::Removed => (old, None),
                Status::Renamed => (new, r.from_id.clone()),
                _ => (new, Some(r.id.clone())),
            };
            let examples = r.examples.as_ref().map(|e| {
                let changed = example_links(new, &r.id, &e.changed);
                let flips = e
                    .changed
                    .iter()
                    .zip(&changed)
                    .filter_map(|(id, link)| {
                        site.flips[k].get(id).map(|how| FlipCtx {
                            example: link.clone(),
                            how: how.iter().map(|f| self.flip(f)).collect(),
                        })
                    })
                    .collect();
                ExamplesCtx {
                    added: example_links(new, &r.id, &e.added),
                    removed: example_links(old, old_id.as_deref().unwrap_or(&r.id), &e.removed),
                    changed,
                    flips,
                }
            });
            RuleChangeCtx {
                id: r.id.clone(),
                from_id: r.from_id.clone(),
                title: rule_title(r),
                href: rule_href(v, &r.id).unwrap_or_else(|| home(v)),
                old_href: match r.status {
                    Status::Renamed | Status::Modified => {
                        old_id.as_deref().and_then(|id| rule_href(old, id))
                    }
                    _ => None,
                },
                path: r
                    .path
                    .iter()
                    .take(r.path.len().saturating_sub(1))
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(" › "),
                details: self.details(r),
                redline: (r.text_changed == Some(true))
                    .then(|| redline(&r.words.from, &r.words.to)),
                examples: examples.unwrap_or_default(),
            }
        };
        let groups = [
            (Status::Added, "added", "changes_added_rules"),
            (Status::Removed, "removed", "changes_removed_rules"),
            (Status::Renamed, "renamed", "changes_renamed_rules"),
            (Status::Modified, "modified", "changes_changed_rules"),
        ]
        .into_iter()
        .filter_map(|(status, name, title)| {
            let rules: Vec<RuleChangeCtx> = d
                .rules
                .iter()
                .filter(|r| r.status == status)
                .map(rule_ctx)
                .collect();
            (!rules.is_empty()).then_some(GroupCtx {
                status: name,
                title: self.strings.get(title).to_owned(),
                rules,
            })
        })
        .collect();
        let eval_link = |v: usize, label: &String| Link {
            href: format!("{}{}", root_path(site, v), crate::site::eval_page(label)),
            title: label.clone(),
        };
        let e = &d.eval_prompts;
        let page_link = |j: usize| Link {
            href: site.json.changes[j].path.clone(),
            title: format!(
                "{} → {}",
                site.json.changes[j].from, site.json.changes[j].to
            ),
        };
        ChangesCtx {
            from: entry.from.clone(),
            to: entry.to.clone(),
            from_href: home(old),
            to_href: home(new),
            notes_html: self.release_notes(&entry.to),
            level_renames: d
                .level_renames
                .iter()
                .map(|r| (r.from.clone(), r.to.clone()))
                .collect(),
            counts: counts(d),
            groups,
            eval_prompts: EvalPromptsCtx {
                added: e.added.iter().map(|l| eval_link(new, l)).collect(),
                removed: e.removed.iter().map(|l| eval_link(old, l)).collect(),
                changed: e.changed.iter().map(|l| eval_link(new, l)).collect(),
            },
            // Older pairs come later in the list.
            prev: (k + 1 < site.diffs.len()).then(|| page_link(k + 1)),
            next: k.checked_sub(1).map(page_link),
        }
    }

    /// The notes of `release` from the project's `CHANGELOG.md`: the
    /// section under the heading that names the release (`## v2025.12.18`
    /// for `2025-12-18`), rendered.
    fn release_notes(&self, release: &str) -> Option<String> {
        let text =
            std::fs::read_to_string(Path::new(&self.config.root).join("CHANGELOG.md")).ok()?;
        let notes = changelog_section(&text, release)?;
        let link = Linker {
            spec: self.spec,
            mode: LinkMode::Paged { base: "../" },
            strings: &self.strings,
        };
        Some(render_prose(&notes, &link))
    }
}

/// A rule's anchor on a changes page.
pub fn rule_anchor(id: &str) -> String {
    format!("rule-{id}")
}

/// Release `v`'s folder relative to the site root (`""` for the current).
fn root_path(site: &Versioned, v: usize) -> String {
    if v == 0 {
        String::new()
    } else {
        site.json.versions[v].path.clone()
    }
}

fn counts(d: &Diff) -> Counts {
    let mut c = Counts::default();
    for r in &d.rules {
        match r.status {
            Status::Added => c.added += 1,
            Status::Removed => c.removed += 1,
            Status::Renamed => c.renamed += 1,
            Status::Modified => c.modified += 1,
        }
    }
    c
}

fn rule_title(r: &RuleChange) -> String {
    match &r.title {
        TitleField::Title(t) => t.clone(),
        TitleField::Changed(Some(c)) => c.to.clone(),
        TitleField::Changed(None) => r.path.last().cloned().unwrap_or_else(|| r.id.clone()),
    }
}

/// Unchanged words kept on each side of a change in a redline.
const REDLINE_CONTEXT: usize = 12;

/// `from` → `to`, word by word: removed words in `<del>`, added ones in
/// `<ins>`; of a run of unchanged words only [`REDLINE_CONTEXT`] words on
/// each side of a change are kept (`…` stands for the rest), so a
/// one-word edit in a long rule reads as one line. Escaped.
pub fn redline(from: &str, to: &str) -> String {
    use similar::{ChangeTag, TextDiff};
    let diff = TextDiff::from_words(from, to);
    // Runs of tokens with the same tag.
    let mut runs: Vec<(ChangeTag, Vec<&str>)> = Vec::new();
    for change in diff.iter_all_changes() {
        let tag = change.tag();
        let value = change.value();
        match runs.last_mut() {
            Some((t, v)) if *t == tag => v.push(value),
            _ => runs.push((tag, vec![value])),
        }
    }
    let n = runs.len();
    let mut out = String::new();
    for (k, (tag, tokens)) in runs.iter().enumerate() {
        let text: String = match tag {
            ChangeTag::Equal => {
                let words: Vec<usize> = tokens
                    .iter()
                    .enumerate()
                    .filter(|(_, t)| !t.trim().is_empty())
                    .map(|(i, _)| i)
                    .collect();
                let keep_head = if k + 1 < n { REDLINE_CONTEXT } else { 0 };
                let keep_tail = if k > 0 { REDLINE_CONTEXT } else { 0 };
                if words.len() <= keep_head + keep_tail + 2 {
                    tokens.concat()
                } else {
                    // Head: the words after the previous change; tail: the
                    // words before the next one.
                    let head_end = if keep_tail > 0 {
                        words[keep_tail - 1] + 1
                    } else {
                        0
                    };
                    let tail_start = if keep_head > 0 {
                        words[words.len() - keep_head]
                    } else {
                        tokens.len()
                    };
                    let mut t = tokens[..head_end].concat();
                    t.push_str(if head_end == 0 { "… " } else { " … " });
                    t.push_str(&tokens[tail_start..].concat());
                    t
                }
            }
            _ => tokens.concat(),
        };
        match tag {
            ChangeTag::Equal => out.push_str(&escape(&text)),
            ChangeTag::Delete => {
                out.push_str("<del>");
                out.push_str(&escape(&text));
                out.push_str("</del>");
            }
            ChangeTag::Insert => {
                out.push_str("<ins>");
                out.push_str(&escape(&text));
                out.push_str("</ins>");
            }
        }
    }
    out
}

/// The text under the `CHANGELOG.md` heading that names `release` (its
/// parts joined by `-` or `.`, with an optional leading `v`), up to the
/// next heading of the same or a higher level.
pub fn changelog_section(text: &str, release: &str) -> Option<String> {
    let parts: Vec<&str> = release.split(['-', '.']).collect();
    let names = [parts.join("-"), parts.join(".")];
    let names_it = |heading: &str| {
        heading
            .split(|c: char| c.is_whitespace() || c == '(' || c == ')' || c == '[' || c == ']')
            .map(|w| w.strip_prefix('v').unwrap_or(w))
            .any(|w| names.iter().any(|n| n == w))
    };
    let level = |line: &str| {
        let n = line.bytes().take_while(|&b| b == b'#').count();
        (n > 0 && n <= 6 && line[n..].starts_with(' ')).then_some(n)
    };
    let mut lines = text.lines();
    let mut at = None;
    for line in lines.by_ref() {
        if let Some(n) = level(line)
            && names_it(&line[n..])
        {
            at = Some(n);
            break;
        }
    }
    let at = at?;
    let body: Vec<&str> = lines
        .take_while(|l| level(l).is_none_or(|n| n > at))
        .collect();
    let body = body.join("\n");
    let body = body.trim();
    (!body.is_empty()).then(|| body.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_changelog_heading_names_a_release_with_dots_dashes_or_a_v() {
        let log = "# Changelog\n\n## v2025.12.18\n\n- New rule.\n\n### Details\n\nMore.\n\n## v2025.10.27\n\n- Older.\n";
        assert_eq!(
            changelog_section(log, "2025-12-18").as_deref(),
            Some("- New rule.\n\n### Details\n\nMore.")
        );
        assert_eq!(
            changelog_section(log, "2025-10-27").as_deref(),
            Some("- Older.")
        );
        assert_eq!(changelog_section(log, "2025-09-12"), None);
        assert_eq!(
            changelog_section("## 2025-09-12 (fall)\nText\n", "2025-09-12").as_deref(),
            Some("Text")
        );
    }

    #[test]
    fn a_redline_keeps_a_few_words_around_each_change() {
        let words: Vec<String> = (0..100).map(|i| format!("w{i}")).collect();
        let from = words.join(" ");
        let to = from.replace("w50", "changed");
        let r = redline(&from, &to);
        assert_eq!(
            r,
            "… w38 w39 w40 w41 w42 w43 w44 w45 w46 w47 w48 w49 <del>w50</del><ins>changed</ins> w51 w52 w53 w54 w55 w56 w57 w58 w59 w60 w61 w62 … "
        );
    }

    #[test]
    fn a_redline_marks_removed_and_added_words() {
        assert_eq!(
            redline(
                "the model must refuse",
                "the assistant must refuse <politely>"
            ),
            "the <del>model</del><ins>assistant</ins> must refuse<ins> &lt;politely&gt;</ins>"
        );
    }
}
