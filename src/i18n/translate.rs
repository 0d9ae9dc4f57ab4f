//! A translated spec: the linked source spec with each unit's text taken
//! from a catalog (`po/<lang>.po`), matched by context. Nothing is parsed
//! again: ids, references, examples and their order stay the source's,
//! so every URL and anchor is the same in every language. Each unit
//! records how it stands ([`Tr`]) for the pages to say so.

use std::collections::HashMap;

use super::po::PoEntry;
use super::site::{LanguageCatalog, Translation};
use super::walk;
use crate::model::{Spec, Tr};

/// One catalog entry as translation reads it.
#[derive(Debug, Clone, Copy)]
pub(super) struct Entry<'c> {
    msgid: &'c str,
    msgstr: &'c str,
    fuzzy: bool,
}

/// The catalog's entries by context (entries without one are not ours;
/// a plural entry, which no unit makes, counts as untranslated).
pub(super) fn entries(catalog: &[PoEntry]) -> HashMap<&str, Entry<'_>> {
    catalog
        .iter()
        .filter_map(|m| {
            Some((
                m.msgctxt.as_deref()?,
                Entry {
                    msgid: &m.msgid,
                    msgstr: m.msgstr.as_deref().unwrap_or_default(),
                    fuzzy: m.fuzzy,
                },
            ))
        })
        .collect()
}

/// How a unit whose source text is `source` stands with `entry`:
/// translated only from the current source text and not fuzzy; a
/// translation of another text (a catalog not yet updated, or a fuzzy
/// entry) is stale.
pub(super) fn state(entry: Option<&Entry<'_>>, source: &str) -> Tr {
    match entry {
        Some(e) if e.msgstr.is_empty() => Tr::Untranslated,
        Some(e) if !e.fuzzy && e.msgid == source => Tr::Translated,
        Some(_) => Tr::Stale,
        None => Tr::Untranslated,
    }
}

/// `source` in the language of `catalog`, as `language`: every unit with
/// a translation takes it (stale ones too, marked), the others keep the
/// source text, marked untranslated.
pub fn translate(source: &Spec, catalog: &[PoEntry], language: &str) -> Spec {
    let entries = entries(catalog);
    let mut spec = source.clone();
    spec.meta.language = language.to_owned();
    walk(&mut spec, &mut |slot| {
        let text = slot.text.trim();
        if text.is_empty() {
            return;
        }
        let entry = entries.get(slot.context.as_str());
        let tr = state(entry, text);
        if let (Some(e), Tr::Translated | Tr::Stale) = (entry, tr) {
            *slot.text = e.msgstr.to_owned();
        }
        *slot.tr = tr;
    });
    spec
}

/// The translation a catalog makes of `source`, and how far it has come
/// (a translation without a catalog yet: every unit untranslated).
pub fn translation(source: &Spec, catalog: &LanguageCatalog) -> Translation {
    let c = catalog.entries.as_deref().unwrap_or_default();
    let mut spec = translate(source, c, &catalog.language.code);
    if let Some(title) = &catalog.language.title {
        spec.meta.title = title.clone();
    }
    if let Some(description) = &catalog.language.description {
        spec.meta.description = Some(description.clone());
    }
    let units = super::units(source);
    let status = super::status::status(&spec, &units, c);
    Translation { spec, status }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::catalog::template;
    use crate::i18n::units;
    use crate::model::Block;
    use polib::catalog::Catalog;
    use polib::message::{Message, MessageMutView};

    fn sample() -> Spec {
        crate::pipeline::load(std::path::Path::new(env!("CARGO_MANIFEST_DIR")))
            .unwrap()
            .spec
    }

    #[test]
    fn units_take_their_translation_by_context_and_say_how_they_stand() {
        let spec = sample();
        let units = units(&spec);
        let mut catalog = template("t", &units);
        let title = units
            .iter()
            .find(|u| u.context.ends_with("/title"))
            .unwrap();
        let para = units.iter().find(|u| u.context.contains("/p-")).unwrap();
        let msg = units.iter().find(|u| u.context.contains("/msg-")).unwrap();
        let set = |catalog: &mut Catalog, ctxt: &str, text: &str, fuzzy: bool| {
            let mut m = catalog
                .find_message_mut(
                    Some(ctxt),
                    &units.iter().find(|u| u.context == ctxt).unwrap().text,
                    None,
                )
                .unwrap();
            m.set_msgstr(text.to_owned()).unwrap();
            if fuzzy {
                m.flags_mut().add_flag("fuzzy");
            }
        };
        set(&mut catalog, &title.context, "标题", false);
        set(&mut catalog, &para.context, "旧的段落", true);
        catalog.append_or_update(
            Message::build_singular()
                .with_msgctxt(msg.context.clone())
                .with_msgid("an older source text".into())
                .with_msgstr("旧的消息".into())
                .done(),
        );
        // Read back as a translated site reads it.
        let po = crate::i18n::catalog::to_po(&catalog).unwrap();
        let entries = crate::i18n::po::read_po(&po).unwrap();
        let zh = translate(&spec, &entries, "zh");
        assert_eq!(zh.meta.language, "zh");
        let rule = title.context.trim_end_matches("/title");
        let section = zh.section(rule).unwrap();
        assert_eq!(
            (section.title.as_str(), section.title_tr),
            ("标题", Tr::Translated)
        );
        let mut seen = Vec::new();
        walk(&mut zh.clone(), &mut |slot| {
            if [&title.context, &para.context, &msg.context].contains(&&slot.context) {
                seen.push((slot.context.clone(), slot.text.clone(), *slot.tr));
            }
        });
        assert_eq!(
            seen,
            [
                (title.context.clone(), "标题".to_owned(), Tr::Translated),
                (para.context.clone(), "旧的段落".to_owned(), Tr::Stale),
                (msg.context.clone(), "旧的消息".to_owned(), Tr::Stale),
            ]
        );
        // Every other unit keeps its source text, marked untranslated;
        // ids and structure are the source's.
        let others = zh
            .sections
            .iter()
            .flat_map(|s| &s.blocks)
            .filter_map(|b| match b {
                Block::Prose(p) => Some(p),
                _ => None,
            });
        assert!(others.filter(|p| p.tr == Tr::Untranslated).count() > 3);
        let ids = |s: &Spec| s.sections.iter().map(|s| s.id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(&zh), ids(&spec));
        let ex_ids = |s: &Spec| s.examples().map(|e| e.id.clone()).collect::<Vec<_>>();
        assert_eq!(ex_ids(&zh), ex_ids(&spec));
    }
}
