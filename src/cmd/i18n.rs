//! `specbook i18n extract`: the spec's translatable units as a gettext
//! template, `po/messages.pot`; `specbook i18n update`: that, merged into
//! every `po/<lang>.po` (see `crate::i18n`).

use std::path::Path;

use anyhow::{Context, Result};

use super::report;
use crate::i18n::catalog::{PO_DIR, TEMPLATE, template, to_po};
use crate::i18n::merge::merge;
use crate::i18n::units;
use crate::pipeline::{Loaded, Loader};

/// The spec at `dir`, or `None` (reported) when it has errors.
fn load(dir: &Path, what: &str) -> Result<Option<Loaded>> {
    // A catalog's own problems are `check`'s to report: they must not stop
    // the commands that maintain the catalogs.
    let loaded = Loader::new(dir)
        .without_catalog_lint()
        .load()
        .with_context(|| format!("failed to read the spec at `{}`", dir.display()))?;
    if loaded.diagnostics.has_errors() {
        report(&loaded.diagnostics);
        super::refused(&loaded, what, "no catalog written");
        return Ok(None);
    }
    Ok(Some(loaded))
}

/// Checks a catalog's syntax before polib reads it: polib keeps no line
/// numbers, and panics on some malformed lines (an unclosed string ending
/// in a multi-byte character) where this names the line.
fn well_formed(po: &str) -> Result<()> {
    crate::i18n::po::read_po(po)
        .map(drop)
        .map_err(|e| anyhow::anyhow!("line {}:{}: {}", e.line, e.col, e.message))
}

/// Writes the template (to `output`, else `<project root>/po/messages.pot`);
/// a spec with errors writes nothing (exit 1).
pub fn extract(dir: &Path, output: Option<&Path>) -> Result<i32> {
    let Some(loaded) = load(dir, "i18n extract")? else {
        return Ok(super::EXIT_CONTENT_ERRORS);
    };
    let units = units(&loaded.spec);
    let po = to_po(&template(&loaded.spec.meta.title, &units))?;
    let path = match output {
        Some(p) => p.to_path_buf(),
        None => loaded.config.root.join(PO_DIR).join(TEMPLATE),
    };
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("failed to create `{}`", parent.display()))?;
    }
    std::fs::write(&path, po).with_context(|| format!("failed to write `{}`", path.display()))?;
    eprintln!("wrote {} units to `{}`", units.len(), path.display());
    Ok(0)
}

/// Writes the template, then merges it into every `po/*.po`; prints what
/// each catalog holds now. A catalog that cannot be read is an error
/// naming it; the others are still updated.
pub fn update(dir: &Path) -> Result<i32> {
    let Some(loaded) = load(dir, "i18n update")? else {
        return Ok(super::EXIT_CONTENT_ERRORS);
    };
    let units = units(&loaded.spec);
    let template = template(&loaded.spec.meta.title, &units);
    let po_dir = loaded.config.root.join(PO_DIR);
    std::fs::create_dir_all(&po_dir)
        .with_context(|| format!("failed to create `{}`", po_dir.display()))?;
    let pot = po_dir.join(TEMPLATE);
    std::fs::write(&pot, to_po(&template)?)
        .with_context(|| format!("failed to write `{}`", pot.display()))?;
    let mut catalogs: Vec<_> = std::fs::read_dir(&po_dir)
        .with_context(|| format!("failed to list `{}`", po_dir.display()))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "po"))
        .collect();
    catalogs.sort();
    let mut failed = 0;
    for path in &catalogs {
        let done = std::fs::read_to_string(path)
            .with_context(|| format!("failed to read `{}`", path.display()))
            .and_then(|old| {
                well_formed(&old)?;
                merge(&template, &old)
            })
            .and_then(|(text, stats)| {
                std::fs::write(path, text)
                    .with_context(|| format!("failed to write `{}`", path.display()))?;
                Ok(stats)
            });
        match done {
            Ok(s) => eprintln!(
                "{}: {} translated, {} fuzzy, {} untranslated, {} obsolete",
                path.display(),
                s.translated,
                s.fuzzy,
                s.untranslated,
                s.obsolete
            ),
            Err(e) => {
                eprintln!("error: {}: {e:#}", path.display());
                failed += 1;
            }
        }
    }
    eprintln!(
        "wrote {} units to `{}`; updated {} of {} catalogs",
        units.len(),
        pot.display(),
        catalogs.len() - failed,
        catalogs.len()
    );
    Ok(if failed > 0 { 2 } else { 0 })
}

/// Prints, per `po/*.po`, each top-level section's share of units
/// translated, stale and untranslated, worst first.
pub fn status(dir: &Path) -> Result<i32> {
    let Some(loaded) = load(dir, "i18n status")? else {
        return Ok(super::EXIT_CONTENT_ERRORS);
    };
    let units = units(&loaded.spec);
    let po_dir = loaded.config.root.join(PO_DIR);
    let mut catalogs: Vec<_> = std::fs::read_dir(&po_dir)
        .map(|d| {
            d.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "po"))
                .collect()
        })
        .unwrap_or_default();
    catalogs.sort();
    if catalogs.is_empty() {
        eprintln!(
            "no catalogs in `{}`: start one from `{}` (specbook i18n extract; msginit)",
            po_dir.display(),
            TEMPLATE
        );
        return Ok(0);
    }
    for path in &catalogs {
        let entries = std::fs::read_to_string(path)
            .map_err(anyhow::Error::from)
            .and_then(|text| {
                crate::i18n::po::read_po(&text)
                    .map_err(|e| anyhow::anyhow!("line {}:{}: {}", e.line, e.col, e.message))
            })
            .with_context(|| format!("failed to read `{}`", path.display()))?;
        let rows = crate::i18n::status::status(&loaded.spec, &units, &entries);
        let (all, done, stale) = rows.iter().fold((0, 0, 0), |(a, d, s), r| {
            (a + r.units, d + r.translated, s + r.stale)
        });
        println!(
            "{}: {done} of {all} units translated ({:.0}%), {stale} stale",
            path.display(),
            if all == 0 {
                100.0
            } else {
                100.0 * done as f64 / all as f64
            }
        );
        for r in &rows {
            println!(
                "  {:>5.1}%  {:>4} stale  {:>4} untranslated  {} ({})",
                r.percent(),
                r.stale,
                r.untranslated(),
                r.title,
                r.id
            );
        }
    }
    Ok(0)
}
