//! A build renders every section twice: on its chapter's page and on the
//! single page. Most of a section's markdown (message bodies above all)
//! cannot link anywhere, and such a fragment renders the same in both
//! link modes; so the first rendering is kept and handed over to the
//! second, which takes it away (a build asks for a fragment at most twice).
//!
//! Fragments are told apart by the address of their source text in the
//! spec (borrowed, unchanged, for the whole build) and by kind: nothing
//! is hashed or compared but two numbers. `serve` has its own cache
//! (`cache.rs`), which outlives a render; this one lives for one build.

use std::collections::HashMap;
use std::hash::BuildHasher;
use std::sync::Mutex;

use super::markdown::Linker;

/// The fragments rendered once so far, waiting for their second use.
#[derive(Default)]
pub(super) struct RenderedOnce {
    /// Sharded by key: every worker thread renders fragments all the time.
    shards: [Mutex<HashMap<Key, String>>; SHARDS],
}

const SHARDS: usize = 16;

/// Where the text is, how long, and a hash of the fragment's kind.
type Key = (usize, usize, u64);

impl RenderedOnce {
    /// The fragment of `text` (of `kind`): kept from its first rendering,
    /// or rendered now, and kept when the other page will ask for it.
    pub(super) fn fragment(
        &self,
        kind: &str,
        text: &str,
        link: &Linker<'_>,
        render: impl FnOnce() -> String,
    ) -> String {
        if !Self::shared_by_both_pages(text, link) {
            return render();
        }
        let hasher = foldhash::fast::FixedState::default();
        let key = (text.as_ptr() as usize, text.len(), hasher.hash_one(kind));
        let shard = &self.shards[(hasher.hash_one(key) % SHARDS as u64) as usize];
        if let Some(html) = shard.lock().expect("fragment lock").remove(&key) {
            return html;
        }
        let html = render();
        shard
            .lock()
            .expect("fragment lock")
            .insert(key, html.clone());
        html
    }

    /// Whether the fragment renders the same on a chapter's page and on
    /// the single page: those two pages are at the site's root (an eval
    /// page, one folder down, is the only page of its examples), and only
    /// `#id` links (literal, escaped or as an entity, inline or by
    /// reference) and `[^label]` footnotes differ between them; each needs
    /// a `]` and one of `#&^`. (Code often has one or the other; rarely
    /// both.) An empty text has no address of its own.
    fn shared_by_both_pages(text: &str, link: &Linker<'_>) -> bool {
        link.base().is_empty()
            && !text.is_empty()
            && !(text.contains(']') && text.contains(['#', '&', '^']))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Spec;
    use crate::render::markdown::LinkMode;
    use crate::render::strings::Strings;

    fn linker<'a>(spec: &'a Spec, strings: &'a Strings, mode: LinkMode<'a>) -> Linker<'a> {
        Linker {
            spec,
            mode,
            strings,
        }
    }

    #[test]
    fn a_fragment_is_rendered_once_for_the_two_pages_and_then_forgotten() {
        let spec = Spec::default();
        let strings = Strings::builtin("en");
        let memo = RenderedOnce::default();
        let text = String::from("Plain *text*.");
        let renders = std::cell::Cell::new(0);
        let render = || {
            renders.set(renders.get() + 1);
            format!("<p>{}</p>", renders.get())
        };
        let paged = linker(&spec, &strings, LinkMode::Paged { base: "" });
        let single = linker(&spec, &strings, LinkMode::Single);
        assert_eq!(memo.fragment("prose", &text, &paged, render), "<p>1</p>");
        assert_eq!(memo.fragment("prose", &text, &single, render), "<p>1</p>");
        // Taken by its second use: a third is rendered again.
        assert_eq!(memo.fragment("prose", &text, &paged, render), "<p>2</p>");
        assert_eq!(renders.get(), 2);
        // Code and headings with `#`, entities, `[brackets]` without a
        // target: nothing that could link.
        for text in ["# Title\n\nx = a & b", "`xs[0]` and `ys[1]`", "1^2"] {
            let text = String::from(text);
            let before = renders.get();
            memo.fragment("message", &text, &paged, render);
            memo.fragment("message", &text, &single, render);
            assert_eq!(renders.get(), before + 1, "{text}");
        }
    }

    #[test]
    fn fragments_that_may_link_or_sit_on_eval_pages_are_never_kept() {
        let spec = Spec::default();
        let strings = Strings::builtin("en");
        let memo = RenderedOnce::default();
        let renders = std::cell::Cell::new(0);
        let render = || {
            renders.set(renders.get() + 1);
            String::new()
        };
        let paged = linker(&spec, &strings, LinkMode::Paged { base: "" });
        let eval = linker(&spec, &strings, LinkMode::Paged { base: "../" });
        for text in [
            "See [x](#x).",
            "A note[^ab].",
            "[x](&#35;x)",
            "[x]\n\n[x]: #x",
            "",
        ] {
            memo.fragment("prose", text, &paged, render);
            memo.fragment("prose", text, &paged, render);
        }
        let plain = String::from("Plain.");
        memo.fragment("prose", &plain, &eval, render);
        memo.fragment("prose", &plain, &eval, render);
        assert_eq!(renders.get(), 12);
        // The same text as another kind is another fragment.
        memo.fragment("prose", &plain, &paged, render);
        memo.fragment("inline", &plain, &paged, render);
        assert_eq!(renders.get(), 14);
    }
}
