//! The site's URL layout, in one place: which page holds which section,
//! example or eval prompt. Every path is relative to the site root, so the
//! site works under any sub-path and from disk.
//!
//! Page file names come from ids, which have no length limit, while file
//! systems allow 255 bytes per name: [`page_stem`] bounds them.

use std::borrow::Cow;
use std::hash::Hasher;

use fnv::FnvHasher;

use crate::model::Spec;

pub const INDEX_PAGE: &str = "index.html";
pub const SINGLE_PAGE: &str = "all.html";
pub const EXAMPLES_PAGE: &str = "examples.html";
pub const NOT_FOUND_PAGE: &str = "404.html";
pub const SPEC_JSON: &str = "spec.json";
pub const EVALS_DIR: &str = "evals";

/// Folders of a site that a release or a language may not be named after.
pub const RESERVED_DIRS: &[&str] = &[EVALS_DIR, "static", "search", "changes", "downloads"];

/// Longest file-name stem (in bytes) a page gets from an id.
pub const MAX_STEM: usize = 100;

/// Marks a stem that is not the id as written. Never part of a section id
/// (letters, digits, `_` and `-`), so a changed stem cannot meet an id.
const STEM_MARK: char = '~';

/// The file-name stem for an id: the id itself when it fits in
/// [`MAX_STEM`] bytes; else a prefix of it (cut at a character boundary),
/// `~` and 16 hex digits of the FNV-1a hash of the whole id. Bounded, the
/// same in every build, and distinct for distinct ids.
pub fn page_stem(id: &str) -> Cow<'_, str> {
    if id.len() <= MAX_STEM {
        return Cow::Borrowed(id);
    }
    let mut hasher = FnvHasher::default();
    hasher.write(id.as_bytes());
    let hash = format!("{STEM_MARK}{:016x}", hasher.finish());
    let mut cut = MAX_STEM - hash.len();
    while !id.is_char_boundary(cut) {
        cut -= 1;
    }
    Cow::Owned(format!("{}{hash}", id.get(..cut).unwrap_or_default()))
}

/// The site's own pages at the root, which no chapter page may replace.
const ROOT_PAGES: [&str; 4] = [INDEX_PAGE, SINGLE_PAGE, EXAMPLES_PAGE, NOT_FOUND_PAGE];

/// The page of a top-level section (chapter): `chapter_id.html`, its stem
/// bounded by [`page_stem`]; a chapter named like one of the site's own
/// pages (`index`, `all`, `examples`, `404`) gets `chapter_id~.html`.
pub fn chapter_page(chapter_id: &str) -> String {
    let page = format!("{}.html", page_stem(chapter_id));
    if ROOT_PAGES.contains(&page.as_str()) {
        format!("{chapter_id}{STEM_MARK}.html")
    } else {
        page
    }
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

/// `evals/label.html`, its stem bounded by [`page_stem`].
pub fn eval_page(label: &str) -> String {
    format!("{EVALS_DIR}/{}.html", page_stem(label))
}

/// `evals/label.html#example_id`.
pub fn eval_example_href(label: &str, example_id: &str) -> String {
    format!("{}#{example_id}", eval_page(label))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_ids_are_their_own_page_names() {
        assert_eq!(chapter_page("chain_of_command"), "chain_of_command.html");
        assert_eq!(eval_page("2xw9"), "evals/2xw9.html");
        let id = "a".repeat(MAX_STEM);
        assert_eq!(chapter_page(&id), format!("{id}.html"));
    }

    #[test]
    fn long_ids_get_a_bounded_stable_distinct_stem() {
        let long = "r".repeat(300);
        let other = format!("{}x", "r".repeat(299));
        let stem = page_stem(&long);
        assert_eq!(stem.len(), MAX_STEM);
        assert!(stem.starts_with(&"r".repeat(MAX_STEM - 17)), "{stem}");
        // FNV-1a of 300 `r`s, fixed by the algorithm: stable across builds
        // and platforms (unlike std's DefaultHasher).
        assert!(stem.ends_with("~b4d598735846a1e5"), "{stem}");
        assert_ne!(stem, page_stem(&other));
        assert_eq!(chapter_page(&long), format!("{stem}.html"));
        assert_eq!(eval_page(&long), format!("evals/{stem}.html"));
    }

    #[test]
    fn long_labels_are_cut_at_a_character_boundary() {
        let label = "多".repeat(100);
        let stem = page_stem(&label);
        assert!(stem.len() <= MAX_STEM);
        assert!(stem.starts_with("多多") && stem.contains('~'), "{stem}");
    }

    #[test]
    fn chapters_never_replace_the_sites_own_pages() {
        assert_eq!(chapter_page("index"), "index~.html");
        assert_eq!(chapter_page("all"), "all~.html");
        assert_eq!(chapter_page("examples"), "examples~.html");
        assert_eq!(chapter_page("404"), "404~.html");
        assert_eq!(chapter_page("indexes"), "indexes.html");
    }
}
