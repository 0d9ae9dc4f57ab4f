//! The comparison itself: rules matched by id (and, for ids that vanished
//! and appeared, by title or text), then each pair compared field by field.

use std::collections::{BTreeSet, HashMap, HashSet};

use super::{
    AuthorityField, Change, Diff, EvalChanges, ExampleChanges, LevelRename, RuleChange, Side,
    Status, TitleField,
};
use crate::authority::Scheme;
use crate::model::{Block, Example, Message, Spec};
use crate::parse::inline::plain_text;
use crate::pipeline::Loaded;

/// Two rules whose own words overlap at least this much (Jaccard index of
/// their word sets) may be one rule under a new id.
const RENAME_SIMILARITY: f64 = 0.6;
/// Rules with fewer words than this are matched by title only.
const RENAME_MIN_WORDS: usize = 8;

/// One version, prepared for comparison.
struct Version<'a> {
    loaded: &'a Loaded,
    /// Each rule's own markdown, whitespace collapsed.
    own: Vec<String>,
    index: HashMap<&'a str, usize>,
}

impl<'a> Version<'a> {
    fn new(loaded: &'a Loaded) -> Self {
        let spec = &loaded.spec;
        let index = spec
            .sections
            .iter()
            .enumerate()
            .map(|(i, s)| (s.id.as_str(), i))
            .collect();
        Self {
            loaded,
            own: own_markdown(loaded),
            index,
        }
    }

    fn spec(&self) -> &'a Spec {
        &self.loaded.spec
    }

    fn id(&self, i: usize) -> &'a str {
        &self.spec().sections[i].id
    }
}

pub(super) fn compare(old: &Loaded, old_label: &str, new: &Loaded, new_label: &str) -> Diff {
    let o = Version::new(old);
    let n = Version::new(new);
    let levels = Levels {
        old: &old.config.authority,
        new: &new.config.authority,
    };
    let renames = match_renames(&o, &n);
    // old index → new index, for every rule that survived (by id or rename).
    let mut to_new: HashMap<usize, usize> = HashMap::new();
    for (oi, s) in o.spec().sections.iter().enumerate() {
        if let Some(&ni) = n.index.get(s.id.as_str()) {
            to_new.insert(oi, ni);
        }
    }
    for &(oi, ni) in &renames {
        to_new.insert(oi, ni);
    }
    let from_old: HashMap<usize, usize> = to_new.iter().map(|(&o, &n)| (n, o)).collect();

    // (position key, change): survivors and added rules by their new
    // position; a removed rule right after the old rule before it.
    let mut keyed: Vec<((usize, usize), RuleChange)> = Vec::new();
    for ni in 0..n.spec().sections.len() {
        let change = match from_old.get(&ni) {
            Some(&oi) => compare_pair(&o, oi, &n, ni, &to_new, &levels),
            None => Some(added_or_removed(&n, ni, Status::Added)),
        };
        if let Some(c) = change {
            keyed.push(((ni, 0), c));
        }
    }
    let mut anchor = (0, 0);
    for oi in 0..o.spec().sections.len() {
        match to_new.get(&oi) {
            Some(&ni) => anchor = (ni, 0),
            None => {
                anchor.1 += 1;
                keyed.push((anchor, added_or_removed(&o, oi, Status::Removed)));
            }
        }
    }
    keyed.sort_by_key(|(k, _)| *k);
    Diff {
        from: Side {
            label: old_label.to_owned(),
            rules: o.spec().sections.len(),
        },
        to: Side {
            label: new_label.to_owned(),
            rules: n.spec().sections.len(),
        },
        level_renames: levels.renames(o.spec(), n.spec()),
        rules: keyed.into_iter().map(|(_, c)| c).collect(),
        eval_prompts: compare_evals(old, new),
    }
}

/// The two versions' level vocabularies: a value compares by the level it
/// names, so `platform` → `root` is a rename, not a change.
struct Levels<'a> {
    old: &'a Scheme,
    new: &'a Scheme,
}

impl Levels<'_> {
    fn canonical<'v>(&'v self, written: &'v str) -> &'v str {
        self.new
            .canonical(written)
            .or_else(|| self.old.canonical(written))
            .unwrap_or(written)
    }

    /// Former names used only in the older version whose level the newer
    /// one uses under its current name.
    fn renames(&self, old: &Spec, new: &Spec) -> Vec<LevelRename> {
        let used = |spec: &Spec| -> BTreeSet<String> {
            spec.sections
                .iter()
                .filter_map(|s| s.authority_written().map(str::to_owned))
                .collect()
        };
        let (in_old, in_new) = (used(old), used(new));
        let mut out = Vec::new();
        for written in &in_old {
            let current = self.canonical(written);
            if current != written && in_new.contains(current) && !in_new.contains(written) {
                out.push(LevelRename {
                    from: written.clone(),
                    to: current.to_owned(),
                });
            }
        }
        out
    }
}

fn added_or_removed(v: &Version<'_>, i: usize, status: Status) -> RuleChange {
    let s = &v.spec().sections[i];
    RuleChange {
        id: s.id.clone(),
        status,
        from_id: None,
        title: TitleField::Title(s.title.clone()),
        authority: AuthorityField::Level(s.authority_written().map(str::to_owned)),
        parent: None,
        text_changed: None,
        examples: None,
        path: path_of(v.spec(), i),
        words: match status {
            Status::Removed => Change {
                from: rule_words(v.spec(), i),
                to: String::new(),
            },
            _ => Change {
                from: String::new(),
                to: rule_words(v.spec(), i),
            },
        },
    }
}

/// The change of a rule present in both versions, or `None` when it is
/// the same.
fn compare_pair(
    o: &Version<'_>,
    oi: usize,
    n: &Version<'_>,
    ni: usize,
    to_new: &HashMap<usize, usize>,
    levels: &Levels<'_>,
) -> Option<RuleChange> {
    let (os, ns) = (&o.spec().sections[oi], &n.spec().sections[ni]);
    let renamed = os.id != ns.id;
    let title = (os.title != ns.title).then(|| Change {
        from: os.title.clone(),
        to: ns.title.clone(),
    });
    let same_level = match (os.authority_written(), ns.authority_written()) {
        (Some(a), Some(b)) => levels.canonical(a) == levels.canonical(b),
        (None, None) => true,
        _ => false,
    };
    let authority = (!same_level).then(|| Change {
        from: os.authority_written().map(str::to_owned),
        to: ns.authority_written().map(str::to_owned),
    });
    // The old parent, named as the newer version names it.
    let old_parent = os.parent.map(|p| match to_new.get(&p) {
        Some(&np) => n.id(np).to_owned(),
        None => o.id(p).to_owned(),
    });
    let new_parent = ns.parent.map(|p| n.id(p).to_owned());
    let parent = (old_parent != new_parent).then(|| Change {
        from: os.parent.map(|p| o.id(p).to_owned()),
        to: new_parent,
    });
    let text_changed = o.own[oi] != n.own[ni];
    let examples = compare_examples(os.examples(), ns.examples());
    let differs = renamed
        || title.is_some()
        || authority.is_some()
        || parent.is_some()
        || text_changed
        || !examples.is_empty();
    differs.then(|| RuleChange {
        id: ns.id.clone(),
        status: if renamed {
            Status::Renamed
        } else {
            Status::Modified
        },
        from_id: renamed.then(|| os.id.clone()),
        title: TitleField::Changed(title),
        authority: AuthorityField::Changed(authority),
        parent: Some(parent),
        text_changed: Some(text_changed),
        examples: Some(examples),
        path: path_of(n.spec(), ni),
        words: Change {
            from: rule_words(o.spec(), oi),
            to: rule_words(n.spec(), ni),
        },
    })
}

fn compare_examples<'a>(
    old: impl Iterator<Item = &'a Example>,
    new: impl Iterator<Item = &'a Example>,
) -> ExampleChanges {
    let old: Vec<&Example> = old.collect();
    let new: Vec<&Example> = new.collect();
    let mut out = ExampleChanges::default();
    for e in &new {
        match old.iter().find(|o| o.id == e.id) {
            None => out.added.push(e.id.clone()),
            Some(o) if !same_conversation(o, e) => out.changed.push(e.id.clone()),
            Some(_) => {}
        }
    }
    for o in &old {
        if !new.iter().any(|e| e.id == o.id) {
            out.removed.push(o.id.clone());
        }
    }
    out
}

/// Same messages, verdicts and notes (whitespace runs aside).
fn same_conversation(a: &Example, b: &Example) -> bool {
    let key = |m: &Message| {
        (
            m.role.clone(),
            m.attrs.clone(),
            collapse(&m.content.text),
            m.verdict,
            m.comment.as_ref().map(|c| collapse(&c.text)),
            m.refs.clone(),
        )
    };
    a.messages.len() == b.messages.len()
        && a.messages.iter().map(key).eq(b.messages.iter().map(key))
}

/// Pairs (old index, new index) of rules whose id changed: an id only in
/// the older version and one only in the newer are the same rule when
/// their titles are equal, or when their own words mostly overlap. Each
/// rule pairs at most once, best matches first.
fn match_renames(o: &Version<'_>, n: &Version<'_>) -> Vec<(usize, usize)> {
    let gone: Vec<usize> = (0..o.spec().sections.len())
        .filter(|&i| !n.index.contains_key(o.id(i)))
        .collect();
    let new: Vec<usize> = (0..n.spec().sections.len())
        .filter(|&i| !o.index.contains_key(n.id(i)))
        .collect();
    let words = |own: &str| -> HashSet<String> {
        own.split(' ')
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect()
    };
    let new_words: Vec<HashSet<String>> = new.iter().map(|&i| words(&n.own[i])).collect();
    let mut candidates: Vec<(f64, usize, usize)> = Vec::new();
    for &oi in &gone {
        let ow = words(&o.own[oi]);
        for (k, &ni) in new.iter().enumerate() {
            let same_title = o.spec().sections[oi].title == n.spec().sections[ni].title;
            let nw = &new_words[k];
            let overlap = if ow.len() >= RENAME_MIN_WORDS && nw.len() >= RENAME_MIN_WORDS {
                ow.intersection(nw).count() as f64 / ow.union(nw).count() as f64
            } else {
                0.0
            };
            if same_title || overlap >= RENAME_SIMILARITY {
                candidates.push((overlap + if same_title { 1.0 } else { 0.0 }, oi, ni));
            }
        }
    }
    candidates.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    let (mut used_old, mut used_new) = (HashSet::new(), HashSet::new());
    let mut out = Vec::new();
    for (_, oi, ni) in candidates {
        if !used_old.contains(&oi) && !used_new.contains(&ni) {
            used_old.insert(oi);
            used_new.insert(ni);
            out.push((oi, ni));
        }
    }
    out
}

/// Each rule's own markdown — from the line after its heading to the next
/// heading of any level, examples included — with whitespace runs
/// collapsed to one space and the ends trimmed.
fn own_markdown(loaded: &Loaded) -> Vec<String> {
    let sections = &loaded.spec.sections;
    let text_of: HashMap<&str, &str> = loaded
        .sources
        .spec_files
        .iter()
        .map(|f| (f.path.as_str(), f.text.as_str()))
        .collect();
    let lines_of: HashMap<&str, Vec<&str>> = text_of
        .iter()
        .map(|(&path, text)| (path, text.split('\n').collect()))
        .collect();
    (0..sections.len())
        .map(|i| {
            let at = &sections[i].source;
            let Some(lines) = lines_of.get(at.file.as_str()) else {
                return String::new();
            };
            let end = sections[i + 1..]
                .iter()
                .find(|s| s.source.file == at.file && s.source.line > at.line)
                .map_or(lines.len(), |s| s.source.line - 1);
            let start = at.line.min(lines.len());
            collapse(&lines[start..end.max(start)].join("\n"))
        })
        .collect()
}

/// A rule's own text as a reader reads it, in plain words: prose,
/// commentary, and each example's title and messages.
fn rule_words(spec: &Spec, i: usize) -> String {
    let title_of = |id: &str| spec.section(id).map(|s| s.title.clone());
    let mut parts: Vec<String> = Vec::new();
    for b in &spec.sections[i].blocks {
        match b {
            Block::Prose(p) => parts.push(plain_text(&p.text, &title_of)),
            Block::Commentary(c) => parts.push(plain_text(&c.body.text, &title_of)),
            Block::Example(ex) => {
                parts.push(format!(
                    "Example: {}",
                    plain_text(&ex.title.text, &title_of)
                ));
                for m in &ex.messages {
                    let verdict = m
                        .verdict
                        .map(|v| format!(" ({})", v.label()))
                        .unwrap_or_default();
                    parts.push(format!(
                        "{}{verdict}: {}",
                        m.role,
                        collapse(&m.content.text)
                    ));
                    if let Some(c) = &m.comment {
                        parts.push(plain_text(&c.text, &title_of));
                    }
                }
            }
        }
    }
    collapse(&parts.join(" "))
}

/// Chapter and section titles down to the rule (the rule itself included).
fn path_of(spec: &Spec, mut i: usize) -> Vec<String> {
    let mut out = vec![spec.sections[i].title.clone()];
    while let Some(p) = spec.sections[i].parent {
        out.push(spec.sections[p].title.clone());
        i = p;
    }
    out.reverse();
    out
}

fn compare_evals(old: &Loaded, new: &Loaded) -> EvalChanges {
    let files = |l: &Loaded| -> Vec<(String, String)> {
        let mut v: Vec<(String, String)> = l
            .sources
            .eval_files
            .iter()
            .map(|f| (label_of(&f.path), collapse(&f.text)))
            .collect();
        v.sort();
        v
    };
    let (old, new) = (files(old), files(new));
    let mut out = EvalChanges::default();
    for (label, text) in &new {
        match old.iter().find(|(l, _)| l == label) {
            None => out.added.push(label.clone()),
            Some((_, t)) if t != text => out.changed.push(label.clone()),
            Some(_) => {}
        }
    }
    for (label, _) in &old {
        if !new.iter().any(|(l, _)| l == label) {
            out.removed.push(label.clone());
        }
    }
    out
}

/// `examples/8ep1.md` → `8ep1`.
fn label_of(path: &str) -> String {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.strip_suffix(".md").unwrap_or(name).to_owned()
}

/// Runs of whitespace as one space, ends trimmed.
fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}
