//! Helpers for the crate's own unit tests.

use std::path::Path;

/// A copy of the sample project (content, evals, book.toml) in a new
/// temporary folder: tests may edit it.
pub fn sample_copy() -> tempfile::TempDir {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    for sub in ["content", "evals"] {
        std::fs::create_dir_all(dir.path().join(sub)).unwrap();
        for e in std::fs::read_dir(root.join(sub)).unwrap() {
            let e = e.unwrap();
            std::fs::copy(e.path(), dir.path().join(sub).join(e.file_name())).unwrap();
        }
    }
    std::fs::copy(root.join("book.toml"), dir.path().join("book.toml")).unwrap();
    dir
}
