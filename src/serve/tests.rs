//! Unit tests of `serve`: request paths, content types, which changes
//! matter, and that an incremental build is byte-for-byte a full one.

use std::path::Path;
use std::sync::Arc;

use super::build::{LazyFiles, Outcome, SiteBuilder, changed_paths, search_index};
use super::http::{content_type, site_key};
use super::state::is_page_asset;
use super::watch::is_relevant;
use super::{LIVE_RELOAD_ENDPOINT, LIVERELOAD_JS, RELOAD_SCRIPT_PATH};
use crate::config::Config;
use crate::diag::Diagnostics;
use crate::export::SpecJson;
use crate::outputs::write_all;
use crate::pipeline;
use crate::render::Pages;
use crate::search::{CachedSearchIndex, SearchIndex};
use crate::sink::{MemorySink, SiteFiles};
use crate::test_support::sample_copy;

#[test]
fn request_paths_map_to_site_paths_or_nothing() {
    for (path, want) in [
        ("/", Some("index.html")),
        ("/all.html", Some("all.html")),
        ("/evals/2xw9.html", Some("evals/2xw9.html")),
        ("/evals/", Some("evals/index.html")),
        ("/%E5%A4%9A.html", Some("多.html")),
        ("/a%20b.html", Some("a b.html")),
        ("/%252e%252e/", Some("%2e%2e/index.html")),
        ("/../Cargo.toml", None),
        ("/%2e%2e/", None),
        ("/..%2f", None),
        ("/%2e%2e%2f%2e%2e%2fetc/passwd", None),
        ("/..\\..\\", None),
        ("/%5c..", None),
        ("//etc/passwd", None),
        ("/static/../../x", None),
        ("/./../", None),
        ("/%00", None),
        ("/%0a", None),
        ("/%zz", None),
        ("/%2", None),
        ("/%c0%ae", None),
        ("/evals/..%2f..%2fbook.toml", None),
        ("relative.html", None),
    ] {
        assert_eq!(site_key(path).as_deref(), want, "{path}");
    }
}

#[test]
fn content_types_by_extension() {
    for (path, want) in [
        ("index.html", "text/html; charset=utf-8"),
        ("static/style.css", "text/css; charset=utf-8"),
        ("static/app.js", "text/javascript; charset=utf-8"),
        ("spec.json", "application/json"),
        ("sitemap.xml", "application/xml"),
        ("a.SVG", "image/svg+xml"),
        ("a.png", "image/png"),
        ("f.woff2", "font/woff2"),
        ("robots.txt", "text/plain; charset=utf-8"),
        ("noext", "application/octet-stream"),
    ] {
        assert_eq!(content_type(path), want, "{path}");
    }
}

#[test]
fn relevant_changes() {
    let dir = sample_copy();
    let root = dir.path().canonicalize().unwrap();
    std::fs::create_dir_all(root.join("templates")).unwrap();
    let cfg = Config::discover(&root, &mut Diagnostics::new()).unwrap();
    for (rel, folder, want) in [
        ("book.toml", false, true),
        ("content/01-overview.md", false, true),
        ("content/new/sub.md", false, true),
        ("content/newfolder", true, true),
        ("evals", true, true),
        ("content/sedAbC123", false, false),
        ("sedAbC123", false, false),
        ("evals/2xw9.md", false, true),
        ("templates/base.html", false, true),
        ("static/extra.css", false, true),
        ("strings/zh.toml", false, true),
        ("content/.01-overview.md.swp", false, false),
        ("content/01-overview.md~", false, false),
        ("content/4913", false, false),
        ("content/#01-overview.md#", false, false),
        ("content/notes.txt", false, false),
        (".git/index", false, false),
        ("book/index.html", false, false),
        ("notes.txt", false, false),
        ("README.md", false, false),
        ("po/zh.po", false, true),
        ("po", true, true),
        ("po/messages.pot", false, false),
        ("po/zh.po~", false, false),
    ] {
        assert_eq!(is_relevant(&cfg, &root.join(rel), folder), want, "{rel}");
    }
    assert!(!is_relevant(&cfg, Path::new("/etc/passwd"), false));
}

#[test]
fn only_stylesheets_and_scripts_reload_every_page() {
    assert!(is_page_asset("static/style.css"));
    assert!(is_page_asset("static/toc.js"));
    assert!(is_page_asset("search.js"));
    assert!(!is_page_asset("search/t/0.js"));
    assert!(!is_page_asset("spec.json"));
    assert!(!is_page_asset("overview.html"));
}

#[test]
fn changed_paths_lists_added_removed_and_modified() {
    let old: SiteFiles = [("a", "1"), ("b", "2"), ("c", "3")]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.as_bytes().to_vec().into()))
        .collect();
    let new: SiteFiles = [("a", "1"), ("b", "x"), ("d", "4")]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.as_bytes().to_vec().into()))
        .collect();
    assert_eq!(changed_paths(&old, &new), ["b", "c", "d"]);
}

/// What a full, uncached build of `dir` serves.
fn full_build(dir: &Path) -> SiteFiles {
    let loaded = pipeline::load(dir).unwrap();
    assert!(!loaded.diagnostics.has_errors());
    let pages = Pages::new().with_live_reload(LIVE_RELOAD_ENDPOINT);
    let sink = MemorySink::new();
    let outputs: [&dyn crate::outputs::Output; 3] = [&pages, &SpecJson, &SearchIndex];
    write_all(&loaded.edition(), &outputs, &sink).unwrap();
    let mut files = sink.into_files();
    files.insert(RELOAD_SCRIPT_PATH.into(), LIVERELOAD_JS.as_bytes().into());
    files
}

/// A build's site with its search index, as `serve` serves it once the
/// index is done, and its `spec.json` as served when requested.
fn built(outcome: Outcome) -> SiteFiles {
    built_with(outcome, &CachedSearchIndex::new())
}

/// [`built`], the search index made by `search` (which keeps term
/// statistics between builds, as `serve`'s indexing thread does).
fn built_with(outcome: Outcome, search: &CachedSearchIndex) -> SiteFiles {
    match outcome {
        Outcome::Built {
            mut files, loaded, ..
        } => {
            assert!(
                !files.contains_key(crate::site::SPEC_JSON),
                "spec.json is made on request, not on every build"
            );
            files.extend(search_index(&loaded, search).unwrap());
            let json = LazyFiles::new(loaded).bytes();
            files.insert(crate::site::SPEC_JSON.into(), json);
            files
        }
        Outcome::Failed { problems } => panic!("build failed:\n{}", problems.text),
    }
}

#[test]
fn incremental_builds_equal_full_builds() {
    let dir = sample_copy();
    let root = dir.path();
    let mut builder = SiteBuilder::new(root);
    let search = CachedSearchIndex::new();
    assert!(built_with(builder.build(), &search) == full_build(root));
    assert_eq!(search.counts().1, 0, "nothing to reuse in the first index");

    let edits: [(&str, &dyn Fn(String) -> String); 5] = [
        // Prose only.
        ("content/01-overview.md", &|t| t + "\nOne more paragraph.\n"),
        // A heading title: every `[?]` naming it changes, on every page.
        ("content/01-overview.md", &|t| {
            t.replace("## Goals of the assistant {#goals}", "## Aims {#goals}")
        }),
        // A section moves to another chapter's page.
        ("content/03-safety.md", &|t| {
            t + "\n## Goals moved here {#moved}\n\nSee [?](#goals) and [?](#moved).\n"
        }),
        // An eval file cited by a footnote disappears.
        ("evals/2xw9.md", &|_| String::new()),
        // Nothing at all.
        ("content/04-style.md", &|t| t),
    ];
    for (i, (file, edit)) in edits.iter().enumerate() {
        let path = root.join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        if i == 3 {
            std::fs::remove_file(&path).unwrap();
        } else {
            std::fs::write(&path, edit(text)).unwrap();
        }
        let incremental = built_with(builder.build(), &search);
        let (tokenised, reused) = search.counts();
        assert!(
            reused > 0 && tokenised < reused,
            "edit {i}: the index tokenised {tokenised} documents and reused {reused}"
        );
        let full = full_build(root);
        let diff = changed_paths(&full, &incremental);
        assert!(
            diff.is_empty(),
            "edit {i}: incremental differs from full in {diff:?}"
        );
    }
    // A bad edit and its fix.
    let overview = root.join("content/01-overview.md");
    let good = std::fs::read_to_string(&overview).unwrap();
    std::fs::write(&overview, format!("{good}\n[?](#nope)\n")).unwrap();
    assert!(matches!(builder.build(), Outcome::Failed { .. }));
    std::fs::write(&overview, &good).unwrap();
    assert!(built_with(builder.build(), &search) == full_build(root));
}

#[test]
fn template_overrides_are_picked_up() {
    let dir = sample_copy();
    let root = dir.path();
    let mut builder = SiteBuilder::new(root);
    let before = built(builder.build());
    std::fs::create_dir_all(root.join("templates")).unwrap();
    let base = crate::render::theme::TEMPLATES
        .iter()
        .find(|(n, _)| *n == "base.html")
        .unwrap()
        .1
        .replace("<body", "<!-- overridden --><body");
    std::fs::write(root.join("templates/base.html"), base).unwrap();
    let after = built(builder.build());
    assert!(String::from_utf8_lossy(&after["index.html"]).contains("<!-- overridden -->"));
    assert!(changed_paths(&before, &after).len() > 5);
    assert!(after == full_build(root));
}

/// An output with a bug: it panics on a spec that has a section `panic_now`.
struct PanicsOnMarker;

impl crate::outputs::Output for PanicsOnMarker {
    fn name(&self) -> &'static str {
        "panics"
    }

    fn write(
        &self,
        edition: &crate::outputs::Edition<'_>,
        _sink: &dyn crate::sink::Sink,
    ) -> anyhow::Result<()> {
        if edition.spec.section("panic_now").is_some() {
            panic!("a bug met `panic_now`");
        }
        Ok(())
    }
}

#[test]
fn a_panicking_rebuild_keeps_the_last_good_site_and_the_next_save_builds() {
    let dir = sample_copy();
    let root = dir.path();
    let mut builder = SiteBuilder::new(root).with_output(Box::new(PanicsOnMarker));
    let shared = super::state::Shared::new(super::build::placeholder_site());
    let mut events = shared.subscribe();
    let first = builder.build();
    assert!(
        shared
            .publish(first, std::time::Duration::ZERO, true)
            .is_some()
    );
    let good = shared.site();
    while events.try_recv().is_ok() {}

    let style = root.join("content/04-style.md");
    let text = std::fs::read_to_string(&style).unwrap();
    std::fs::write(&style, format!("{text}\n## Boom {{#panic_now}}\n\nText.\n")).unwrap();
    let outcome = builder.build();
    let Outcome::Failed { problems } = &outcome else {
        panic!("a panic must be a failed build");
    };
    assert!(
        problems
            .text
            .contains("internal error: a bug met `panic_now`"),
        "{}",
        problems.text
    );
    assert!(
        shared
            .publish(outcome, std::time::Duration::ZERO, false)
            .is_none()
    );
    assert_eq!(shared.stats().state, "error");
    assert!(
        Arc::ptr_eq(&good, &shared.site()),
        "the last good site stays served"
    );
    match events.try_recv() {
        Ok(super::state::Reload::Error(json)) => assert!(json.contains("internal error"), "{json}"),
        other => panic!("expected an error event for the overlay, got {other:?}"),
    }

    // The next save builds, with fresh caches.
    std::fs::write(&style, format!("{text}\nA fixed paragraph.\n")).unwrap();
    let outcome = builder.build();
    assert!(matches!(outcome, Outcome::Built { .. }));
    assert!(
        shared
            .publish(outcome, std::time::Duration::ZERO, false)
            .is_some()
    );
    assert_eq!(shared.stats().state, "ok");
    assert!(
        String::from_utf8_lossy(&shared.site()["communicate_well.html"])
            .contains("A fixed paragraph.")
    );
}

/// Issue 12: with `[versions]`, the preview shows the working copy as the
/// current release against the newest earlier one: its pages (rendered
/// once), `changes/<latest>...<current>.html` and History panels, made
/// again on every save.
#[test]
fn the_preview_shows_the_working_copy_against_the_latest_release() {
    let dir = sample_copy();
    let root = dir.path();
    // The latest release: the sample as it is now, in a folder.
    let release = sample_copy();
    std::fs::rename(release.path(), root.join("v1")).unwrap();
    std::fs::remove_file(root.join("v1/book.toml")).unwrap();
    let toml = std::fs::read_to_string(root.join("book.toml")).unwrap();
    std::fs::write(
        root.join("book.toml"),
        format!("{toml}\n[versions]\ncurrent = \"draft\"\n\n[[versions.release]]\nname = \"v1\"\ndir = \"v1\"\n"),
    )
    .unwrap();
    let mut builder = SiteBuilder::new(root);
    let files = built(builder.build());
    let page = "changes/v1...draft.html";
    let text = |files: &SiteFiles, p: &str| {
        String::from_utf8(files.get(p).unwrap_or_else(|| panic!("no {p}")).to_vec()).unwrap()
    };
    assert!(text(&files, page).contains("No rule, text or eval prompt changed."));
    assert!(files.contains_key("v1/index.html") && files.contains_key("v1/search.js"));
    assert!(text(&files, "versions.json").contains("\"current\": \"draft\""));

    // A save: a rule's text changes; the changes page and the rule's
    // History panel say so.
    let style = root.join("content/04-style.md");
    let t = std::fs::read_to_string(&style).unwrap();
    std::fs::write(
        &style,
        format!("{t}\n## Say less {{#say_less authority=guideline}}\n\nShort.\n"),
    )
    .unwrap();
    let files = built(builder.build());
    let changes = text(&files, page);
    assert!(
        changes.contains("id=\"rule-say_less\"") && changes.contains("1 added, 0 removed"),
        "{changes}"
    );
    let with_rule = files
        .iter()
        .find(|(p, b)| {
            !p.contains('/')
                && p.as_str() != "all.html"
                && String::from_utf8_lossy(b).contains("<section id=\"say_less\"")
        })
        .map(|(p, _)| p.clone())
        .expect("a page with say_less");
    assert!(
        text(&files, &with_rule)
            .contains("href=\"changes/v1...draft.html#rule-say_less\">v1 → draft</a>"),
        "{with_rule} has no History panel for say_less"
    );
    // The release's pages were rendered once and are served unchanged.
    assert!(!text(&files, "v1/index.html").contains("say_less"));
}

/// The whole site as `build` makes it (pages with the live-reload script,
/// as `serve` serves them), through the pipeline: every language.
fn pipeline_build(dir: &Path) -> SiteFiles {
    let pages = Pages::new().with_live_reload(LIVE_RELOAD_ENDPOINT);
    let downloads = crate::evalset::output::EvalDownloads;
    let outputs: [&dyn crate::outputs::Output; 4] = [&pages, &SpecJson, &SearchIndex, &downloads];
    let run = pipeline::run(&mut pipeline::Loader::new(dir), &outputs, |_| {
        Ok(MemorySink::new())
    })
    .unwrap();
    let pipeline::Run::Written { sink, .. } = run else {
        panic!("the spec has errors");
    };
    let mut files = sink.into_files();
    files.insert(RELOAD_SCRIPT_PATH.into(), LIVERELOAD_JS.as_bytes().into());
    files
}

#[test]
fn the_preview_of_a_translated_spec_is_its_build_and_follows_edits() {
    let dir = sample_copy();
    let root = dir.path();
    let toml = root.join("book.toml");
    let text = std::fs::read_to_string(&toml).unwrap() + "\n[languages.zh]\n";
    std::fs::write(&toml, text).unwrap();
    std::fs::create_dir_all(root.join("po")).unwrap();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/i18n/zh.po");
    std::fs::copy(fixture, root.join("po/zh.po")).unwrap();
    let mut builder = SiteBuilder::new(root);
    let served = built(builder.build());
    for path in [
        "zh/index.html",
        "zh/search/manifest.js",
        "zh/spec.json",
        "zh/translation.html",
    ] {
        assert!(served.contains_key(path), "the preview lacks {path}");
    }
    assert!(served.keys().any(|p| p.starts_with("zh/downloads/")));
    // The same files as a build (the source language's eval downloads
    // are made on request).
    let mut full = pipeline_build(root);
    full.retain(|p, _| !p.starts_with("downloads/"));
    assert_eq!(changed_paths(&full, &served), Vec::<String>::new());
    // An edit of a translated unit's English source: the translation
    // goes stale on the next save.
    let page =
        |files: &SiteFiles| String::from_utf8(files["zh/chain_of_command.html"].to_vec()).unwrap();
    assert!(!page(&served).contains("tr-stale"));
    let file = root.join("content/02-chain-of-command.md");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(
        &file,
        text.replace("follows the one with more", "follows the one with the most"),
    )
    .unwrap();
    let served = built(builder.build());
    assert!(page(&served).contains("<div class=\"tr-unit tr-stale\"><p>当两条指令"));
}

/// A build's site with the pages made after it added, as `serve` ends up
/// serving them.
fn with_later(
    files: SiteFiles,
    loaded: &Arc<crate::pipeline::Loaded>,
    later: Vec<(String, bytes::Bytes)>,
) -> SiteFiles {
    let mut site = built(Outcome::Built {
        files,
        diagnostics: loaded.diagnostics.clone(),
        work: Default::default(),
        loaded: loaded.clone(),
    });
    site.extend(later);
    site
}

/// A watched build as `serve` publishes it: the site, then the pages it
/// left out.
fn built_after(
    builder: &mut SiteBuilder,
    changed: &[std::path::PathBuf],
    complete: bool,
) -> SiteFiles {
    let outcome = builder.build_after(changed, complete);
    let Outcome::Built { loaded, .. } = &outcome else {
        return built(outcome);
    };
    let later = builder
        .deferred_pages(&loaded.clone())
        .unwrap_or_else(|p| panic!("{}", p.text));
    let mut site = built(outcome);
    site.extend(later);
    site
}

/// Under the watcher, a build reads again only the files reported changed
/// (plus any it has not read before) and reuses the rest; an incomplete
/// report (a lost event) makes it read every file. Each time the site is
/// the full build of what was read.
#[test]
fn a_watched_build_reads_again_only_the_files_reported_changed() {
    let dir = sample_copy();
    let root = dir.path();
    let mut builder = SiteBuilder::new(root);
    assert!(built(builder.build()) == full_build(root));
    let overview = root.join("content/01-overview.md");
    let style = root.join("content/04-style.md");
    let before = full_build(root);
    let edit = |path: &Path, words: &str| {
        let text = std::fs::read_to_string(path).unwrap();
        std::fs::write(path, format!("{text}\nA paragraph about {words}.\n")).unwrap();
    };
    let shows = |site: &SiteFiles, words: &str| {
        site.values()
            .any(|b| String::from_utf8_lossy(b).contains(&format!("A paragraph about {words}.")))
    };

    // Two files change; the watcher reports one of them.
    edit(&overview, "reported words");
    edit(&style, "unreported words");
    let site = built_after(&mut builder, std::slice::from_ref(&overview), true);
    assert!(shows(&site, "reported words"));
    assert!(
        !shows(&site, "unreported words"),
        "a file not reported is reused"
    );
    assert!(!shows(&before, "reported words"));

    // A report of the folder covers the files in it.
    let site = built_after(&mut builder, &[root.join("content")], true);
    assert!(shows(&site, "unreported words"));
    assert!(site == full_build(root));

    // A lost event: every file is read.
    edit(&style, "words after a lost event");
    let site = built_after(&mut builder, &[], false);
    assert!(shows(&site, "words after a lost event"));
    assert!(site == full_build(root));

    // A file created is read though never reported, as is one the
    // previous build did not read.
    std::fs::write(
        root.join("content/06-new.md"),
        "# New chapter {#new_chapter}\n\nA paragraph about new files.\n",
    )
    .unwrap();
    let site = built_after(&mut builder, &[], true);
    assert!(shows(&site, "new files"));
    assert!(site == full_build(root));
}

/// Under the watcher, a save's build leaves `all.html` out (the previous
/// one stays served) and makes it just after: then the site is the full
/// build's, byte for byte, `all.html` and the sitemap included.
#[test]
fn the_single_page_is_made_after_the_edited_page_and_is_the_full_builds() {
    let dir = sample_copy();
    let root = dir.path();
    let mut builder = SiteBuilder::new(root);
    let first = built(builder.build());
    assert!(first == full_build(root));
    let overview = root.join("content/01-overview.md");
    let text = std::fs::read_to_string(&overview).unwrap();
    std::fs::write(&overview, format!("{text}\nA sentence made later.\n")).unwrap();
    let Outcome::Built { files, loaded, .. } =
        builder.build_after(std::slice::from_ref(&overview), true)
    else {
        panic!("the build failed")
    };
    let single = crate::site::SINGLE_PAGE;
    assert_eq!(
        files[single], first[single],
        "the previous single page is served meanwhile"
    );
    assert!(
        files
            .values()
            .any(|b| String::from_utf8_lossy(b).contains("A sentence made later."))
    );
    let later = builder
        .deferred_pages(&loaded)
        .unwrap_or_else(|p| panic!("{}", p.text));
    assert!(later.iter().any(|(path, _)| path == single));
    assert!(
        builder.deferred_pages(&loaded).unwrap().is_empty(),
        "made once"
    );
    let site = with_later(files, &loaded, later);
    let full = full_build(root);
    let diff = changed_paths(&full, &site);
    assert!(diff.is_empty(), "differs from a full build in {diff:?}");
    // And the next save starts from a closed cache: still the full build.
    std::fs::write(&overview, format!("{text}\nAnother sentence.\n")).unwrap();
    let site = built(builder.build());
    assert!(changed_paths(&full_build(root), &site).is_empty());
}

/// A save of a markdown file serves first the pages whose sections it
/// touched (the others stay as they were) and makes the rest just after;
/// then the site is the full build's, byte for byte, including a page
/// the edit changed from afar (a cross-reference showing the edited
/// title) and `highlight.css` (the edit removed the only code of a kind).
#[test]
fn a_save_serves_the_pages_it_touched_first_then_the_rest_as_a_full_build() {
    let dir = sample_copy();
    let root = dir.path();
    let mut builder = SiteBuilder::new(root);
    let first = built(builder.build());
    // A section of one chapter, linked from another chapter by its title.
    let spec = crate::pipeline::load(root).unwrap().spec;
    let (target, from) = spec
        .references
        .iter()
        .filter(|r| r.kind == crate::model::RefKind::Auto)
        .find_map(|r| {
            let to = *spec.section_index.get(&r.target)?;
            let top = |mut i: usize| {
                while let Some(p) = spec.sections[i].parent {
                    i = p;
                }
                i
            };
            let from = top(r.from_section?);
            (top(to) != from).then_some((to, from))
        })
        .expect("the sample links a title across chapters");
    let old_title = spec.sections[target].title.clone();
    let file = root.join(&spec.sections[target].source.file);
    let text = std::fs::read_to_string(&file).unwrap();
    let edited = text.replacen(
        &format!(" {old_title} {{"),
        &format!(" {old_title} Renamed {{"),
        1,
    );
    assert_ne!(edited, text, "the heading of `{old_title}` is found");
    std::fs::write(&file, edited).unwrap();

    let Outcome::Built { files, loaded, .. } =
        builder.build_after(std::slice::from_ref(&file), true)
    else {
        panic!("the build failed")
    };
    let from_page = crate::site::section_page(&spec, from);
    let target_page = crate::site::section_page(
        &loaded.spec,
        loaded.spec.section_index[&spec.sections[target].id],
    );
    let renamed = format!("{old_title} Renamed");
    assert!(String::from_utf8_lossy(&files[&target_page]).contains(&renamed));
    assert_eq!(
        files[&from_page], first[&from_page],
        "a chapter the edit did not touch is served as it was meanwhile"
    );
    let later = builder
        .deferred_pages(&loaded)
        .unwrap_or_else(|p| panic!("{}", p.text));
    let made: Vec<&str> = later.iter().map(|(p, _)| p.as_str()).collect();
    assert!(made.contains(&from_page.as_str()), "{made:?}");
    assert!(!made.contains(&target_page.as_str()), "made once: {made:?}");
    let site = with_later(files, &loaded, later);
    assert!(String::from_utf8_lossy(&site[&from_page]).contains(&renamed));
    let diff = changed_paths(&full_build(root), &site);
    assert!(diff.is_empty(), "differs from a full build in {diff:?}");

    // The only code block of its language removed: highlight.css follows
    // once every page is made.
    let css =
        |site: &SiteFiles| String::from_utf8_lossy(&site["static/highlight.css"]).into_owned();
    let before = css(&site);
    let (path, fence) = ["content", "examples"]
        .iter()
        .flat_map(|d| walkdir::WalkDir::new(root.join(d)))
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .find_map(|e| {
            let text = std::fs::read_to_string(e.path()).ok()?;
            let start = text.find("\n```")?;
            let end = text[start + 4..].find("\n```\n")? + start + 4 + 5;
            Some((e.path().to_path_buf(), text[start..end].to_owned()))
        })
        .expect("the sample has a fenced code block");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replacen(&fence, "\n", 1)).unwrap();
    let site = built_after(&mut builder, std::slice::from_ref(&path), true);
    let diff = changed_paths(&full_build(root), &site);
    assert!(diff.is_empty(), "differs from a full build in {diff:?}");
    assert_ne!(
        css(&site),
        before,
        "the classes changed: {}",
        path.display()
    );
}
