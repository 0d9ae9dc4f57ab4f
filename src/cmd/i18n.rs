//! `specbook i18n extract`: the spec's translatable units as a gettext
//! template, `po/messages.pot` (see `crate::i18n`).

use std::path::Path;

use anyhow::{Context, Result};

use super::report;
use crate::i18n::catalog::{PO_DIR, TEMPLATE, template, to_po};
use crate::i18n::units;
use crate::pipeline::Loader;

/// Writes the template (to `output`, else `<project root>/po/messages.pot`);
/// a spec with errors writes nothing (exit 1).
pub fn extract(dir: &Path, output: Option<&Path>) -> Result<i32> {
    let loaded = Loader::new(dir)
        .load()
        .with_context(|| format!("failed to read the spec at `{}`", dir.display()))?;
    if loaded.diagnostics.has_errors() {
        report(&loaded.diagnostics);
        super::refused(&loaded, "i18n extract", "no catalog written");
        return Ok(super::EXIT_CONTENT_ERRORS);
    }
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
