//! The vocabulary of authority levels: configuration, not code. A spec
//! names its levels highest first (`[spec.authority] levels`), and former
//! names of them (`aliases`, e.g. `platform`, the top level's name before
//! the public spec renamed it `root`: FORMAT.md §11). An alias ranks as
//! its level and is shown as written.

use std::fmt;

use serde::Deserialize;

/// A level's rank: 0 is the highest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Level(pub u8);

/// The levels of a spec, highest first, and their former names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scheme {
    levels: Vec<String>,
    /// (former name, rank it stands for), in configuration order.
    aliases: Vec<(String, Level)>,
}

impl Default for Scheme {
    /// The public Model Spec's levels, and `platform` as the former name of
    /// `root`.
    fn default() -> Self {
        Self {
            levels: ["root", "system", "developer", "user", "guideline"]
                .map(String::from)
                .to_vec(),
            aliases: vec![("platform".into(), Level(0))],
        }
    }
}

/// `[spec.authority]` as written in `book.toml`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SchemeToml {
    pub levels: Option<Vec<String>>,
    #[serde(default)]
    pub aliases: std::collections::BTreeMap<String, String>,
}

/// What is wrong with a `[spec.authority]` table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemeError(pub String);

impl fmt::Display for SchemeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Scheme {
    /// The scheme a `[spec.authority]` table describes: its levels (or the
    /// default ones) and its aliases (or, with the default levels, the
    /// default alias).
    pub fn from_toml(t: SchemeToml) -> Result<Self, SchemeError> {
        let default = Scheme::default();
        let custom_levels = t.levels.is_some();
        let levels = t.levels.unwrap_or_else(|| default.levels.clone());
        if levels.is_empty() {
            return Err(SchemeError("`levels` is empty".into()));
        }
        if levels.len() > usize::from(u8::MAX) {
            return Err(SchemeError("`levels` has more than 255 entries".into()));
        }
        for (i, l) in levels.iter().enumerate() {
            if !is_word(l) {
                return Err(SchemeError(format!(
                    "level `{l}` is not a word of letters, digits, `_` or `-`"
                )));
            }
            if levels[..i].contains(l) {
                return Err(SchemeError(format!("level `{l}` is listed twice")));
            }
        }
        let mut aliases = Vec::new();
        for (alias, target) in t.aliases {
            let Some(rank) = levels.iter().position(|l| *l == target) else {
                return Err(SchemeError(format!(
                    "alias `{alias}` names `{target}`, which is not one of the levels"
                )));
            };
            if levels.contains(&alias) || !is_word(&alias) {
                return Err(SchemeError(format!(
                    "alias `{alias}` must be a word that is not already a level"
                )));
            }
            aliases.push((alias, Level(rank as u8)));
        }
        if aliases.is_empty() && !custom_levels {
            aliases = default.aliases;
        }
        Ok(Self { levels, aliases })
    }

    /// The rank of a value as written (a level or an alias), if known.
    pub fn rank(&self, written: &str) -> Option<Level> {
        self.levels
            .iter()
            .position(|l| l == written)
            .map(|i| Level(i as u8))
            .or_else(|| {
                self.aliases
                    .iter()
                    .find(|(a, _)| a == written)
                    .map(|&(_, l)| l)
            })
    }

    /// The current name of a level (`platform` → `root`), if known.
    pub fn canonical(&self, written: &str) -> Option<&str> {
        self.rank(written).map(|l| self.name(l))
    }

    /// The current name of a rank.
    pub fn name(&self, level: Level) -> &str {
        &self.levels[usize::from(level.0)]
    }

    /// The levels, highest first.
    pub fn levels(&self) -> &[String] {
        &self.levels
    }

    /// Former names and the levels they stand for.
    pub fn aliases(&self) -> impl Iterator<Item = (&str, &str)> {
        self.aliases
            .iter()
            .map(|(a, l)| (a.as_str(), self.name(*l)))
    }

    /// Every known value, levels first: what `authority=` may say.
    pub fn known(&self) -> Vec<&str> {
        self.levels
            .iter()
            .map(String::as_str)
            .chain(self.aliases.iter().map(|(a, _)| a.as_str()))
            .collect()
    }
}

/// A value as a badge shows it: capitalised, as written (`platform` →
/// `Platform`).
pub fn label(written: &str) -> String {
    let mut c = written.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// The CSS classes of a level's badge: its current name (an alias is
/// styled as its level) and its rank (so a spec with levels of its own
/// still gets the theme's colours, highest first).
pub fn badge_class(name: &str, rank: Level) -> String {
    format!("auth-{name} auth-rank-{}", rank.0)
}

fn is_word(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_ranks_levels_and_the_former_top_level() {
        let s = Scheme::default();
        assert_eq!(s.rank("root"), Some(Level(0)));
        assert_eq!(s.rank("platform"), Some(Level(0)));
        assert_eq!(s.rank("guideline"), Some(Level(4)));
        assert_eq!(s.rank("Root"), None);
        assert_eq!(s.canonical("platform"), Some("root"));
        assert_eq!(label("platform"), "Platform");
        assert!(s.rank("system") < s.rank("user"));
    }

    #[test]
    fn a_table_sets_levels_and_aliases_and_bad_tables_say_why() {
        let t: SchemeToml =
            toml::from_str("levels = [\"law\", \"policy\"]\naliases = { rule = \"policy\" }\n")
                .unwrap();
        let s = Scheme::from_toml(t).unwrap();
        assert_eq!(s.levels(), ["law", "policy"]);
        assert_eq!(s.rank("rule"), Some(Level(1)));
        assert_eq!(
            s.rank("platform"),
            None,
            "custom levels drop the default alias"
        );
        for (toml, want) in [
            ("levels = []", "`levels` is empty"),
            ("levels = [\"a\", \"a\"]", "listed twice"),
            ("aliases = { old = \"nope\" }", "not one of the levels"),
            ("aliases = { root = \"user\" }", "already a level"),
            ("levels = [\"a b\"]", "not a word"),
        ] {
            let t: SchemeToml = toml::from_str(toml).unwrap();
            let err = Scheme::from_toml(t).unwrap_err();
            assert!(err.0.contains(want), "{toml}: {err}");
        }
    }
}
