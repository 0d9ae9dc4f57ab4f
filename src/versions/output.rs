//! `versions.json` and `versions.js` at the root of a versioned site, as an
//! [`Output`]: written with the current release's edition only.

use anyhow::Result;

use super::site::{VERSIONS_JS, VERSIONS_JSON};
use crate::outputs::{Edition, Output};
use crate::sink::Sink;

/// The list of releases and changes pages (`versions.json`, the contract
/// in docs/formats.md) and the switcher's data (`versions.js`).
pub struct VersionsFiles;

impl Output for VersionsFiles {
    fn name(&self) -> &'static str {
        "versions"
    }

    fn write(&self, edition: &Edition<'_>, sink: &dyn Sink) -> Result<()> {
        let Some(place) = edition.place.filter(|p| p.is_current()) else {
            return Ok(());
        };
        sink.put(
            VERSIONS_JSON.into(),
            place.site.versions_json().into_bytes(),
        )?;
        sink.put(VERSIONS_JS.into(), place.site.versions_js().into_bytes())?;
        Ok(())
    }
}
