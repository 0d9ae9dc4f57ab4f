//! The site's URL layout, in one place: which page holds which section,
//! example or eval prompt. Every path is relative to the site root, so the
//! site works under any sub-path and from disk.

use crate::model::Spec;

pub const INDEX_PAGE: &str = "index.html";
pub const SINGLE_PAGE: &str = "all.html";
pub const EXAMPLES_PAGE: &str = "examples.html";
pub const NOT_FOUND_PAGE: &str = "404.html";
pub const SPEC_JSON: &str = "spec.json";
pub const EVALS_DIR: &str = "evals";

/// Folders of a site that a release or a language may not be named after.
pub const RESERVED_DIRS: &[&str] = &[EVALS_DIR, "static", "search", "changes", "downloads"];

/// The page of a top-level section (chapter): `chapter_id.html`.
pub fn chapter_page(chapter_id: &str) -> String {
    format!("{chapter_id}.html")
}

/// Page (relative to the root) holding section `idx`: its chapter's page.
pub fn section_page(spec: &Spec, idx: usize) -> String {
    chapter_page(&spec.sections[spec.chapter_of(idx)].id)
}

/// `chapter.html#section_id`.
pub fn section_href(spec: &Spec, idx: usize) -> String {
    format!("{}#{}", section_page(spec, idx), spec.sections[idx].id)
}

/// `chapter.html#example_id` for an example in section `section_id`.
pub fn example_href(spec: &Spec, section_id: &str, example_id: &str) -> String {
    match spec.section_index.get(section_id) {
        Some(&i) => format!("{}#{example_id}", section_page(spec, i)),
        None => format!("{INDEX_PAGE}#{example_id}"),
    }
}

/// `evals/label.html`.
pub fn eval_page(label: &str) -> String {
    format!("{EVALS_DIR}/{label}.html")
}

/// `evals/label.html#example_id`.
pub fn eval_example_href(label: &str, example_id: &str) -> String {
    format!("{}#{example_id}", eval_page(label))
}
