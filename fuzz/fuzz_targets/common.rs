//! Shared by the targets: bytes → a one-file spec, parsed and linked in
//! memory as `check` does it.

use std::sync::OnceLock;

use specbook::config::Config;
use specbook::diag::Diagnostics;
use specbook::link::{SourceLines, link};
use specbook::load::decode;
use specbook::model::SourceFile;
use specbook::parse::parse_file;

/// A configuration for in-memory specs (discovered once, from an empty
/// single-file spec in a temporary folder).
fn config() -> &'static Config {
    static CONFIG: OnceLock<(tempfile::TempDir, Config)> = OnceLock::new();
    &CONFIG
        .get_or_init(|| {
            let dir = tempfile::tempdir().expect("temp dir");
            let file = dir.path().join("spec.md");
            std::fs::write(&file, "").expect("write spec.md");
            let cfg = Config::discover(&file, &mut Diagnostics::new()).expect("config");
            (dir, cfg)
        })
        .1
}

/// Decodes, parses and links `bytes` as the file `spec.md`; the
/// diagnostics are printed once, as `check` prints them.
pub fn check(bytes: &[u8]) {
    let mut diags = Diagnostics::new();
    let text = decode("spec.md", bytes.to_vec(), &mut diags);
    let file = SourceFile {
        path: "spec.md".into(),
        text,
    };
    let parsed = parse_file(&file, &mut diags);
    let lines = SourceLines::new([&file]);
    let spec = link(config(), vec![parsed], Vec::new(), &lines, &mut diags);
    let mut out = Vec::new();
    specbook::diag::print_diagnostics(&mut out, &diags.sorted()).expect("print");
    std::hint::black_box((spec, out));
}
