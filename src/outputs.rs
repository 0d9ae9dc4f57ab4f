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

/// Runs every output over `edition` into `sink`.
///
/// A small spec's outputs run at once: each is too short to keep both
/// cores of a small machine busy on its own (a 1x build's pages, search
/// and downloads take 20 to 60 ms each, much of it in one thread). A large
/// spec's run one after the other: each is parallel inside, so running
/// them at once gains little and holds every output's working set at the
/// same time (at 100x, 577 MiB peak against 451 MiB one after the other).
pub fn write_all(edition: &Edition<'_>, outputs: &[&dyn Output], sink: &dyn Sink) -> Result<()> {
    let run = |output: &&dyn Output| {
        let start = std::time::Instant::now();
        let written = output
            .write(edition, sink)
            .with_context(|| format!("the {} output failed", output.name()));
        timing(output.name(), start.elapsed());
        written
    };
    if !is_small(edition.spec) || outputs.len() < 2 {
        return outputs.iter().try_for_each(run);
    }
    let mut results: Vec<Option<Result<()>>> = outputs.iter().map(|_| None).collect();
    rayon::scope(|scope| {
        for (output, result) in outputs.iter().zip(results.iter_mut()) {
            scope.spawn(move |_| *result = Some(run(output)));
        }
    });
    // The first failure in the outputs' order, as when run one by one.
    results.into_iter().flatten().collect()
}

/// Sections and eval files below which a spec's outputs run at once: the
/// public spec has about 300, ten copies of it 3,000.
const SMALL_SPEC: usize = 1_000;

pub fn is_small(spec: &Spec) -> bool {
    spec.sections.len() + spec.evals.len() < SMALL_SPEC
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
