//! The seam between the linked spec and everything made from it, as
//! mdBook's `Renderer` is: each [`Output`] is handed one [`Edition`] of the
//! spec and writes its files through a [`Sink`]. The pipeline runs a list of
//! them: `build` into a staging folder, `serve` into memory (each output
//! keeping its own caches between saves), `export` one of them.
//!
//! Outputs are peers: none reads another's files.

use anyhow::{Context, Result};

use crate::config::Config;
use crate::model::Spec;
use crate::sink::Sink;

/// One edition of the spec, as every output reads it.
#[derive(Debug, Clone, Copy)]
pub struct Edition<'a> {
    pub config: &'a Config,
    pub spec: &'a Spec,
    /// Eval results joined with this edition's spec (empty without logs).
    pub compliance: &'a crate::results::Compliance,
    /// In a versioned site: which release this edition is, and what spans
    /// the releases. `None` for a site of one release.
    pub place: Option<crate::versions::site::Place<'a>>,
    /// In a site of several languages: which one this edition is, and
    /// every language of the site. `None` for a site of one language.
    pub languages: Option<crate::i18n::site::LanguagePlace<'a>>,
}

/// Something made from an edition: the HTML pages, the search index,
/// `spec.json`.
pub trait Output: Sync {
    /// What the output is called in messages (`pages`, `search`).
    fn name(&self) -> &'static str;

    /// Writes this output's files for `edition` into `sink`.
    fn write(&self, edition: &Edition<'_>, sink: &dyn Sink) -> Result<()>;
}

/// Runs every output over `edition` into `sink`, one after the other:
/// each output is parallel inside, so running them at once gains no time
/// on a few cores and holds every output's working set at the same time
/// (at 100x, 577 MiB peak against 451 MiB one after the other).
pub fn write_all(edition: &Edition<'_>, outputs: &[&dyn Output], sink: &dyn Sink) -> Result<()> {
    outputs.iter().try_for_each(|output| {
        let start = std::time::Instant::now();
        let written = output
            .write(edition, sink)
            .with_context(|| format!("the {} output failed", output.name()));
        timing(output.name(), start.elapsed());
        written
    })
}

/// With `SPECBOOK_TIMINGS` set, prints how long a step took and the peak
/// memory so far to stderr (the benchmark's breakdown, bench/README.md);
/// a build's own output is unchanged.
pub fn timing(step: &str, took: std::time::Duration) {
    static ON: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    if *ON.get_or_init(|| std::env::var_os("SPECBOOK_TIMINGS").is_some()) {
        eprintln!(
            "timing: {step} {:.1} ms, peak {}",
            took.as_secs_f64() * 1e3,
            peak_memory()
        );
    }
}

/// The process's peak resident memory so far (`VmHWM`), for
/// `SPECBOOK_TIMINGS`; empty where `/proc` does not say.
fn peak_memory() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:").map(|v| v.trim().to_owned()))
        })
        .unwrap_or_default()
}
