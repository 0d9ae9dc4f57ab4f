//! Units as a gettext catalog (`polib`): the template `po/messages.pot`.

use std::io::BufWriter;

use anyhow::{Context, Result};
use polib::catalog::Catalog;
use polib::message::Message;
use polib::metadata::CatalogMetadata;

use super::Unit;

/// Folder of the catalogs, under the project root.
pub const PO_DIR: &str = "po";
/// The template every `po/<lang>.po` is made and updated from.
pub const TEMPLATE: &str = "messages.pot";

/// The template of `units` for the spec titled `title`. No creation date:
/// the same spec gives the same bytes.
pub fn template(title: &str, units: &[Unit]) -> Catalog {
    let mut meta = CatalogMetadata::new();
    meta.project_id_version = title.to_owned();
    // The placeholders GNU xgettext writes in a template, which msginit
    // and translators' tools fill in.
    meta.po_revision_date = "YEAR-MO-DA HO:MI+ZONE".into();
    meta.last_translator = "FULL NAME <EMAIL@ADDRESS>".into();
    meta.language_team = "LANGUAGE <LL@li.org>".into();
    meta.mime_version = "1.0".into();
    meta.content_type = "text/plain; charset=UTF-8".into();
    meta.content_transfer_encoding = "8bit".into();
    let mut catalog = Catalog::new(meta);
    for u in units {
        catalog.append_or_update(
            Message::build_singular()
                .with_msgctxt(u.context.clone())
                .with_msgid(u.text.clone())
                .with_source(u.source.clone())
                .with_extracted_comments(u.kind.to_owned())
                .with_msgstr(String::new())
                .done(),
        );
    }
    catalog
}

/// The catalog as PO text.
pub fn to_po(catalog: &Catalog) -> Result<String> {
    let mut out = BufWriter::new(Vec::new());
    polib::po_file::write(catalog, &mut out).context("failed to write the catalog")?;
    let bytes = out.into_inner().context("failed to write the catalog")?;
    String::from_utf8(bytes).context("the catalog is not UTF-8")
}
