//! `[book] language` and `[languages.<code>]`: the language the spec is
//! written in, and the languages it is translated into. Each translation
//! is a site under `/<code>/`, made from `po/<code>.po`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{BOOK_TOML, line_of_table};
use crate::diag::{Diagnostics, Location};

/// One `[languages.<code>]` table.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct LanguageToml {
    /// The language's name in itself (`中文`), shown by the switcher.
    name: Option<String>,
    /// `ltr` or `rtl`; default from the code.
    dir: Option<String>,
    /// The site's title and description in this language.
    title: Option<String>,
    description: Option<String>,
}

/// A language of the site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Language {
    /// A BCP 47 tag (`zh`, `pt-BR`): the `lang` of its pages and the
    /// folder of its site.
    pub code: String,
    /// The language's name in itself.
    pub name: String,
    /// `ltr` or `rtl`.
    pub dir: &'static str,
    pub title: Option<String>,
    pub description: Option<String>,
}

impl Language {
    /// The language `code` with its defaults: its own name when known,
    /// the direction its script is written in.
    pub fn new(code: &str) -> Self {
        Language {
            code: code.to_owned(),
            name: endonym(code).unwrap_or(code).to_owned(),
            dir: crate::render::strings::direction(code),
            title: None,
            description: None,
        }
    }
}

/// The source language (`[book] language`, named by its own
/// `[languages.<code>]` table if it has one) and the translations, by
/// code. A table whose code is not a language tag, or whose `dir` is
/// neither `ltr` nor `rtl`, is an error at its line (and left out).
pub(super) fn languages(
    source: &str,
    raw: BTreeMap<String, LanguageToml>,
    text: &str,
    diags: &mut Diagnostics,
) -> (Language, Vec<Language>) {
    let mut source_language = Language::new(source);
    let mut translations = Vec::new();
    for (code, table) in raw {
        let table_name = format!("languages.{code}");
        let line = match line_of_table(text, &table_name) {
            0 => line_of_table(text, &format!("languages.\"{code}\"")),
            n => n,
        };
        let at = Location {
            file: BOOK_TOML.into(),
            line,
            col: usize::from(line > 0),
        };
        let line_text = (line > 0).then(|| text.lines().nth(line - 1).unwrap_or(""));
        if !is_language_tag(&code) {
            diags.error_at(
                &at,
                line_text,
                format!(
                    "[{table_name}]: `{code}` is not a language tag (such as `zh`, `pt-BR`): it names the translation's folder"
                ),
            );
            continue;
        }
        let mut language = Language::new(&code);
        match table.dir.as_deref() {
            None => {}
            Some("ltr") => language.dir = "ltr",
            Some("rtl") => language.dir = "rtl",
            Some(other) => {
                diags.error_at(
                    &at,
                    line_text,
                    format!("[{table_name}] dir: `{other}` is neither `ltr` nor `rtl`"),
                );
                continue;
            }
        }
        if let Some(name) = table.name {
            language.name = name;
        }
        language.title = table.title;
        language.description = table.description;
        if code == source {
            source_language = language;
        } else {
            translations.push(language);
        }
    }
    (source_language, translations)
}

/// A BCP 47 tag's shape: a 2–3 letter language, then `-` and 1–8
/// letters or digits, repeated. Also what a folder name may safely be.
fn is_language_tag(code: &str) -> bool {
    let mut parts = code.split('-');
    let first = parts.next().unwrap_or_default();
    (2..=3).contains(&first.len())
        && first.bytes().all(|b| b.is_ascii_alphabetic())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// The name of a common language in itself (the switcher shows it when
/// `book.toml` names none).
fn endonym(code: &str) -> Option<&'static str> {
    let primary = code.split('-').next()?.to_ascii_lowercase();
    Some(match primary.as_str() {
        "ar" => "العربية",
        "de" => "Deutsch",
        "en" => "English",
        "es" => "Español",
        "fa" => "فارسی",
        "fr" => "Français",
        "he" => "עברית",
        "hi" => "हिन्दी",
        "it" => "Italiano",
        "ja" => "日本語",
        "ko" => "한국어",
        "nl" => "Nederlands",
        "pl" => "Polski",
        "pt" => "Português",
        "ru" => "Русский",
        "tr" => "Türkçe",
        "uk" => "Українська",
        "zh" => "中文",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(toml: &str) -> (Language, Vec<Language>, Diagnostics) {
        #[derive(Deserialize)]
        struct T {
            languages: BTreeMap<String, LanguageToml>,
        }
        let raw: T = toml::from_str(toml).unwrap();
        let mut d = Diagnostics::new();
        let (s, t) = languages("en", raw.languages, toml, &mut d);
        (s, t, d)
    }

    #[test]
    fn translations_by_code_with_names_and_directions() {
        let (source, tr, d) = read(
            "[languages.zh]\nname = \"简体中文\"\n[languages.ar]\n[languages.en]\nname = \"English (US)\"\n",
        );
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(source.code, "en");
        assert_eq!(source.name, "English (US)");
        let codes: Vec<_> = tr
            .iter()
            .map(|l| (l.code.as_str(), l.name.as_str(), l.dir))
            .collect();
        assert_eq!(codes, [("ar", "العربية", "rtl"), ("zh", "简体中文", "ltr")]);
    }

    #[test]
    fn a_code_that_is_no_tag_or_a_bad_direction_is_an_error_at_its_table() {
        let (_, tr, d) = read("[languages.zh_CN]\n\n[languages.fr]\ndir = \"up\"\n");
        assert!(tr.is_empty());
        let text: String = d.iter().map(|d| format!("{d}\n")).collect();
        assert!(
            text.contains("book.toml:1:1: error: [languages.zh_CN]: `zh_CN` is not a language tag"),
            "{text}"
        );
        assert!(
            text.contains("book.toml:3:1: error: [languages.fr] dir: `up` is neither"),
            "{text}"
        );
    }
}
