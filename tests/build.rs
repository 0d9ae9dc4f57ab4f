//! `specbook build`: every internal link resolves, every example appears
//! once per edition with its roles and verdicts, output is byte-identical
//! across builds, the output folder is handled safely, and the sample
//! content's pages match reviewed golden snapshots.

mod common;

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use common::*;
use serde_json::Value;

struct Built {
    _tmp: tempfile::TempDir,
    out: PathBuf,
}

fn build(src: &Path) -> Built {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("site");
    let run = build_to(src, &out);
    assert!(run.status.success(), "build failed:\n{}", text(&run.stderr));
    Built { _tmp: tmp, out }
}

static CORPUS: LazyLock<Built> = LazyLock::new(|| build(&corpus()));
static SAMPLE: LazyLock<Built> = LazyLock::new(|| build(&repo()));

#[test]
#[ignore = "needs the Model Spec corpus (../shared/corpus or $SPECBOOK_CORPUS)"]
fn every_internal_link_resolves_in_the_corpus_site() {
    let n = check_links(&CORPUS.out);
    assert!(n > 1000, "checked only {n} links");
}

#[test]
fn every_internal_link_resolves_in_the_sample_site() {
    check_links(&SAMPLE.out);
}

fn spec_json(site: &Built) -> Value {
    serde_json::from_slice(&std::fs::read(site.out.join("spec.json")).unwrap()).unwrap()
}

/// The HTML of `<figure ... id="ID">` up to its `</figure>`.
fn figure<'a>(html: &'a str, id: &str) -> Option<&'a str> {
    let start = html.find(&format!("id=\"{id}\""))?;
    let start = html[..start].rfind("<figure")?;
    let end = html[start..].find("</figure>")? + start;
    Some(&html[start..end])
}

/// Each example of spec.json appears exactly once per edition (chapter
/// pages together; the single page), with data-role on every drawn
/// message and data-verdict where it has one.
fn check_examples_once_per_edition(site: &Built) {
    let spec = spec_json(site);
    let all = files(&site.out);
    let chapters: Vec<String> = all
        .iter()
        .filter(|(p, _)| {
            p.ends_with(".html")
                && !p.contains('/')
                && !["index.html", "all.html", "404.html", "examples.html"].contains(&p.as_str())
        })
        .map(|(_, b)| String::from_utf8(b.clone()).unwrap())
        .collect();
    let single = String::from_utf8(all["all.html"].clone()).unwrap();
    for ex in spec["examples"].as_array().unwrap() {
        let id = ex["id"].as_str().unwrap();
        let needle = format!("id=\"{id}\"");
        let in_chapters: usize = chapters.iter().map(|h| h.matches(&needle).count()).sum();
        assert_eq!(in_chapters, 1, "example `{id}` on chapter pages");
        assert_eq!(
            single.matches(&needle).count(),
            1,
            "example `{id}` on all.html"
        );
        // Every message is drawn, settings-only system messages included.
        let drawn: Vec<&Value> = ex["messages"].as_array().unwrap().iter().collect();
        let mut want_verdicts: Vec<&str> =
            drawn.iter().filter_map(|m| m["verdict"].as_str()).collect();
        want_verdicts.sort();
        for html in chapters
            .iter()
            .filter_map(|h| figure(h, id))
            .chain(figure(&single, id))
        {
            assert_eq!(
                html.matches("data-role=\"").count(),
                drawn.len(),
                "data-role in `{id}`"
            );
            let mut got = attr_values(html, "data-verdict");
            got.sort();
            assert_eq!(got, want_verdicts, "data-verdict in `{id}`");
        }
    }
}

#[test]
#[ignore = "needs the Model Spec corpus (../shared/corpus or $SPECBOOK_CORPUS)"]
fn corpus_examples_appear_once_per_edition() {
    check_examples_once_per_edition(&CORPUS);
}

#[test]
fn sample_examples_appear_once_per_edition() {
    check_examples_once_per_edition(&SAMPLE);
}

/// What a first visit to `page` transfers, gzip (level 6, each file on its
/// own, as a static host sends them): the HTML plus the stylesheets and
/// scripts it names. `bench/pageweight.py` is the full measurement (it
/// also follows CSS `url()`s; the default theme has none but data URIs).
fn first_visit_gzip(site: &Built, page: &str) -> usize {
    let gz = |bytes: &[u8]| {
        use std::io::Write;
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(6));
        e.write_all(bytes).unwrap();
        e.finish().unwrap().len()
    };
    let html = std::fs::read_to_string(site.out.join(page)).unwrap();
    let mut total = gz(html.as_bytes());
    let assets = html
        .split('<')
        .filter(|tag| {
            tag.starts_with("link ") && tag.contains("rel=\"stylesheet\"")
                || tag.starts_with("script ") && tag.contains(" src=\"")
        })
        .flat_map(|tag| {
            attr_values(tag, "href")
                .into_iter()
                .chain(attr_values(tag, "src"))
        });
    for href in assets {
        let (path, _) = resolve(page, href);
        let bytes = std::fs::read(site.out.join(&path))
            .unwrap_or_else(|e| panic!("{page} loads {href}: {e}"));
        total += gz(&bytes);
    }
    total
}

/// Issue 3, bar 4, kept from drifting: the page weights are deterministic,
/// so a change that pushes the corpus site over its budget fails here.
#[test]
#[ignore = "needs the Model Spec corpus (../shared/corpus or $SPECBOOK_CORPUS)"]
fn corpus_pages_stay_within_their_weight_budget() {
    let single = first_visit_gzip(&CORPUS, "all.html");
    assert!(
        single <= 120_000,
        "all.html first visit: {single} B gzip (budget 120 KB)"
    );
    let sections: Vec<String> = files(&CORPUS.out)
        .into_iter()
        .filter(|(p, _)| {
            p.ends_with(".html")
                && !p.contains('/')
                && !["all.html", "index.html", "404.html", "examples.html"].contains(&p.as_str())
        })
        .map(|(p, _)| p)
        .collect();
    assert!(sections.len() >= 8, "{sections:?}");
    for page in sections {
        let weight = first_visit_gzip(&CORPUS, &page);
        assert!(
            weight <= 60_000,
            "{page} first visit: {weight} B gzip (budget 60 KB)"
        );
    }
}

/// A second build of `src` writes exactly the files of `site`, byte for byte.
fn assert_rebuild_is_byte_identical(site: &Built, src: &Path) {
    let again = build(src);
    let (a, b) = (files(&site.out), files(&again.out));
    assert!(a.len() > 10, "only {} files", a.len());
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (path, bytes) in &a {
        assert!(bytes == &b[path], "`{path}` differs between two builds");
    }
}

#[test]
fn builds_are_byte_identical() {
    assert_rebuild_is_byte_identical(&SAMPLE, &repo());
}

#[test]
#[ignore = "needs the Model Spec corpus (../shared/corpus or $SPECBOOK_CORPUS)"]
fn corpus_builds_are_byte_identical() {
    assert_rebuild_is_byte_identical(&CORPUS, &corpus());
}

/// The site of `src` has its fixed pages, a page per top-level section and
/// per eval-prompt file, and a spec.json equal to `specbook export`.
fn assert_site_has_every_page(site: &Built, src: &Path, eval_pages: usize) {
    let all = files(&site.out);
    for page in [
        "index.html",
        "all.html",
        "404.html",
        "spec.json",
        "static/style.css",
        "static/app.js",
        "static/toc.js",
    ] {
        assert!(all.contains_key(page), "missing {page}");
    }
    let spec = spec_json(site);
    for s in spec["sections"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["parent"].is_null())
    {
        assert!(all.contains_key(&format!("{}.html", s["id"].as_str().unwrap())));
    }
    let evals = all.keys().filter(|p| p.starts_with("evals/")).count();
    assert_eq!(evals, eval_pages, "one page per eval-prompt file");
    assert_eq!(
        spec,
        serde_json::from_str::<Value>(&text(&specbook(&["export", src.to_str().unwrap()]).stdout))
            .unwrap()
    );
}

#[test]
fn sample_site_has_every_page() {
    let eval_files = std::fs::read_dir(repo().join("evals")).unwrap().count();
    assert_site_has_every_page(&SAMPLE, &repo(), eval_files);
}

#[test]
#[ignore = "needs the Model Spec corpus (../shared/corpus or $SPECBOOK_CORPUS)"]
fn corpus_site_has_every_page() {
    assert_site_has_every_page(&CORPUS, &corpus(), 114);
}

#[test]
#[ignore = "needs the Model Spec corpus (../shared/corpus or $SPECBOOK_CORPUS)"]
fn corpus_rendering_follows_the_official_page() {
    let ch = std::fs::read_to_string(CORPUS.out.join("chain_of_command.html")).unwrap();
    // [?](#id) shows the target's title, curled like running text.
    assert!(ch.contains(">Ignore untrusted data by default</a>"));
    // BAD[#chain_of_command] becomes a linked "Conflicts with" note.
    let all = std::fs::read_to_string(CORPUS.out.join("all.html")).unwrap();
    assert!(all.contains(
        "; conflicts with <a class=\"xref\" href=\"#chain_of_command\">The chain of command</a>"
    ));
    assert!(all.contains(
        ">Conflicts with <a class=\"xref\" href=\"#chain_of_command\">The chain of command</a>"
    ));
    // Footnote citations become links to the eval-prompt page.
    assert!(ch.contains("href=\"evals/8ep1.html\""));
    // Verdict labels.
    for label in ["Compliant", "Violation"] {
        assert!(ch.contains(label), "{label}");
    }
    // Example titles are capitalised piecewise.
    assert!(ch.contains("Root/Developer conflict"));
    // Math is MathML, built at build time.
    assert!(all.contains("<math"));
    assert!(!all.contains("mathjax") && !all.contains("MathJax"));
    // Code is highlighted with classes.
    assert!(all.contains("class=\"hl-"));
    // Under-18 badge.
    assert!(all.contains("U18"));
}

/// A copy of the sample project whose `book.toml` is `edit`ed.
fn sample_project_with(edit: impl Fn(String) -> String) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    copy_sample_project(tmp.path());
    let toml = std::fs::read_to_string(repo().join("book.toml")).unwrap();
    std::fs::write(tmp.path().join("book.toml"), edit(toml)).unwrap();
    tmp
}

#[test]
fn sitemap_and_canonical_urls_with_site_url() {
    let tmp = sample_project_with(|toml| {
        toml.replace(
            "[output.html]",
            "[output.html]\nsite-url = \"https://spec.example.org/v1/\"",
        )
    });
    let out = tmp.path().join("site");
    let run = build_to(tmp.path(), &out);
    assert!(run.status.success(), "{}", text(&run.stderr));
    let sitemap = std::fs::read_to_string(out.join("sitemap.xml")).unwrap();
    assert!(sitemap.contains("<loc>https://spec.example.org/v1/index.html</loc>"));
    let index = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(
        index.contains("<link rel=\"canonical\" href=\"https://spec.example.org/v1/index.html\">")
    );
    assert!(index.contains("property=\"og:title\""));
}

#[test]
fn refuses_to_replace_a_folder_it_did_not_create() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("precious");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("thesis.txt"), "do not delete").unwrap();
    let run = build_to(&repo(), &out);
    assert_eq!(run.status.code(), Some(2));
    assert!(
        text(&run.stderr).contains("refusing to replace"),
        "{}",
        text(&run.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(out.join("thesis.txt")).unwrap(),
        "do not delete"
    );
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 1);
}

#[test]
fn failed_build_leaves_the_previous_site_intact() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("site");
    let run = build_to(&repo(), &out);
    assert!(run.status.success());
    let before = files(&out);
    // A broken spec: the build must fail and leave `out` exactly as it was.
    let run = build_to(&fixture("invalid/unknown_ref"), &out);
    assert_eq!(run.status.code(), Some(1));
    assert_eq!(files(&out), before);
    // A broken template: same.
    let proj = tmp.path().join("proj");
    copy_sample_project(&proj);
    std::fs::create_dir_all(proj.join("templates")).unwrap();
    std::fs::write(
        proj.join("templates/chapter.html"),
        "{% extends \"base.html\" %}\n{% block content %}\n{{ oops(\n{% endblock content %}\n",
    )
    .unwrap();
    let run = build_to(&proj, &out);
    assert_eq!(run.status.code(), Some(2));
    let err = text(&run.stderr);
    assert!(
        err.contains("chapter.html") && err.contains("4:1"),
        "template error names template and line: {err}"
    );
    assert_eq!(files(&out), before);
    // A template that fails while rendering, after other pages were already
    // written into the staging folder: same, and the staging folder is gone.
    std::fs::write(
        proj.join("templates/chapter.html"),
        "{% extends \"base.html\" %}\n{% block content %}{{ no_such_value.field }}{% endblock content %}\n",
    )
    .unwrap();
    let run = build_to(&proj, &out);
    assert_eq!(run.status.code(), Some(2), "{}", text(&run.stderr));
    let err = text(&run.stderr);
    assert!(err.contains("chapter.html"), "names the template: {err}");
    assert_eq!(files(&out), before);
    let staging: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n.to_string_lossy().contains("specbook-"))
        .collect();
    assert!(staging.is_empty(), "left behind: {staging:?}");
    // Rebuilding over our own previous output works.
    let run = build_to(&repo(), &out);
    assert!(run.status.success());
    let leftovers: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(
        leftovers
            .iter()
            .all(|n| !n.to_string_lossy().contains("specbook-")),
        "{leftovers:?}"
    );
}

/// A rebuild into its own output keeps each file whose bytes did not
/// change (the same file, linked into the new site: its inode and
/// modification time stay) and writes the others anew; the site is the
/// one a build from nothing makes.
#[cfg(unix)]
#[test]
fn a_rebuild_keeps_the_files_that_did_not_change() {
    use std::os::unix::fs::MetadataExt;
    let tmp = tempfile::tempdir().unwrap();
    let proj = tmp.path().join("proj");
    copy_sample_project(&proj);
    let out = tmp.path().join("site");
    let run = build_to(&proj, &out);
    assert!(run.status.success(), "{}", text(&run.stderr));
    let inode = |rel: &str| std::fs::metadata(out.join(rel)).unwrap().ino();
    let before: std::collections::BTreeMap<String, u64> = files(&out)
        .into_keys()
        .map(|rel| (rel.clone(), inode(&rel)))
        .collect();
    let old_style = std::fs::read(out.join("communicate_well.html")).unwrap();
    // One word of one rule.
    let chapter = proj.join("content/04-style.md");
    let text_of = std::fs::read_to_string(&chapter).unwrap();
    std::fs::write(
        &chapter,
        text_of.replace("Lead with the answer.", "Lead with the reply."),
    )
    .unwrap();
    let run = build_to(&proj, &out);
    assert!(run.status.success(), "{}", text(&run.stderr));
    let fresh = tmp.path().join("fresh");
    assert!(build_to(&proj, &fresh).status.success());
    assert_eq!(
        files(&out),
        files(&fresh),
        "a rebuild is a build from nothing"
    );
    let kept: Vec<&String> = before
        .keys()
        .filter(|rel| inode(rel) == before[*rel])
        .collect();
    let changed: Vec<&String> = before
        .keys()
        .filter(|rel| inode(rel) != before[*rel])
        .collect();
    // Pages that show the rule's text are new files, with the edit.
    for rel in [
        "communicate_well.html",
        "all.html",
        "downloads/evals/promptfoo.yaml",
    ] {
        assert!(
            changed.contains(&&rel.to_owned()),
            "{rel} was not written anew"
        );
    }
    let style = std::fs::read_to_string(out.join("communicate_well.html")).unwrap();
    assert!(style.contains("Lead with the reply."));
    assert_ne!(old_style, style.as_bytes());
    // The rest, the stylesheet, other chapters, most eval pages, are kept.
    for rel in ["static/style.css", "overview.html", "chain_of_command.html"] {
        assert!(kept.contains(&&rel.to_owned()), "{rel} was written again");
    }
    assert!(
        kept.len() > changed.len() * 2,
        "kept {} files, wrote {}: {changed:?}",
        kept.len(),
        changed.len()
    );
    // A file changed in the output by hand is no longer the build's: the
    // next build writes its own again rather than keeping the edit.
    std::fs::write(out.join("overview.html"), "edited by hand").unwrap();
    assert!(build_to(&proj, &out).status.success());
    assert_eq!(files(&out), files(&fresh));
}

#[cfg(unix)]
#[test]
fn symlinks_out_of_the_source_folder_are_not_followed() {
    let tmp = tempfile::tempdir().unwrap();
    let proj = tmp.path().join("proj");
    copy_sample_project(&proj);
    let secret = tmp.path().join("secret.md");
    std::fs::write(&secret, "# Secret {#secret_outside}\n\nSECRET TEXT\n").unwrap();
    std::os::unix::fs::symlink(&secret, proj.join("content/99-link.md")).unwrap();
    let out = tmp.path().join("site");
    let run = build_to(&proj, &out);
    assert!(run.status.success(), "{}", text(&run.stderr));
    assert!(
        text(&run.stderr).contains("symbolic link pointing outside"),
        "{}",
        text(&run.stderr)
    );
    let all = files(&out);
    assert!(
        all.values()
            .all(|b| !String::from_utf8_lossy(b).contains("SECRET TEXT"))
    );
}

#[test]
fn init_scaffolds_a_buildable_project_and_never_overwrites() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("new");
    std::fs::create_dir_all(dir.join("content")).unwrap();
    std::fs::write(
        dir.join("content/01-introduction.md"),
        "# Mine {#mine}\n\nKeep me.\n",
    )
    .unwrap();
    let run = specbook(&["init", dir.to_str().unwrap(), "--theme"]);
    assert!(run.status.success(), "{}", text(&run.stderr));
    assert_eq!(
        std::fs::read_to_string(dir.join("content/01-introduction.md")).unwrap(),
        "# Mine {#mine}\n\nKeep me.\n"
    );
    assert!(
        dir.join("book.toml").is_file()
            && dir.join("templates/base.html").is_file()
            && dir.join("static/style.css").is_file()
    );
    let run = specbook(&["check", "--deny-warnings", dir.to_str().unwrap()]);
    assert!(run.status.success(), "{}", text(&run.stderr));
    let run = build_to(&dir, &dir.join("book"));
    assert!(run.status.success(), "{}", text(&run.stderr));
    // Ready to publish: the build folder is ignored, and a GitHub Pages
    // workflow builds with the site's URL and deploys.
    let ignore = std::fs::read_to_string(dir.join(".gitignore")).unwrap();
    assert!(ignore.lines().any(|l| l == "/book/"), "{ignore}");
    let workflow = std::fs::read_to_string(dir.join(".github/workflows/pages.yml")).unwrap();
    for step in [
        "uses: actions/configure-pages@",
        "cargo install --locked specbook",
        "specbook build --site-url \"${{ steps.pages.outputs.base_url }}/\" -o book",
        "uses: actions/upload-pages-artifact@",
        "path: book",
        "uses: actions/deploy-pages@",
        "pages: write",
        "id-token: write",
    ] {
        assert!(workflow.contains(step), "pages.yml lacks `{step}`");
    }
}

/// The `<main>` element of a page: the golden part (layout chrome is
/// covered by the browser tests).
fn main_of(html: &str) -> &str {
    let start = html.find("<main").expect("<main>");
    let end = html.rfind("</main>").expect("</main>") + "</main>".len();
    &html[start..end]
}

#[test]
fn golden_pages_of_the_sample_content() {
    let all = files(&SAMPLE.out);
    for (path, bytes) in all.iter().filter(|(p, _)| p.ends_with(".html")) {
        let html = String::from_utf8(bytes.clone()).unwrap();
        let name = path.replace(['/', '.'], "_");
        insta::assert_snapshot!(format!("sample_{name}"), main_of(&html));
    }
    insta::assert_snapshot!(
        "sample_toc_js",
        String::from_utf8(all["static/toc.js"].clone()).unwrap()
    );
}

/// FORMAT.md §11: a release that still says `platform` shows the word it
/// uses, styled and ranked as the top level; a spec can name levels of its
/// own in `[spec.authority]`, and the legend lists them.
#[test]
fn authority_badges_follow_the_configured_levels() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("model_spec.md"),
        "# Rules {#rules}\n\n## Old top {#old authority=platform}\n\nText.\n\n\
         ## Low {#low authority=guideline}\n\nText.\n",
    )
    .unwrap();
    let out = tmp.path().join("site");
    let run = build_to(tmp.path(), &out);
    assert!(run.status.success(), "{}", text(&run.stderr));
    let index = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(
        index.contains("<span class=\"badge auth auth-root auth-rank-0\">Platform</span>"),
        "legend names the top level as the spec writes it"
    );
    assert!(index.contains(
        "<span class=\"badge agg auth-root auth-rank-0\" title=\"The highest authority principle in this section is Platform\">Platform<span class=\"agg-extra\""
    ));
    let json: Value =
        serde_json::from_slice(&std::fs::read(out.join("spec.json")).unwrap()).unwrap();
    let old = json["sections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "old")
        .unwrap();
    assert_eq!(old["authority"], "platform", "spec.json keeps the word");

    // Levels of its own: ranked, styled by rank, listed in the legend.
    std::fs::write(
        tmp.path().join("book.toml"),
        "[book]\nsrc = \".\"\n\n[spec.authority]\nlevels = [\"law\", \"policy\"]\n",
    )
    .unwrap();
    std::fs::write(
        tmp.path().join("model_spec.md"),
        "# Rules {#rules}\n\n## A law {#a authority=law}\n\nText.\n\n## A policy {#p authority=policy}\n\nText.\n",
    )
    .unwrap();
    let run = build_to(tmp.path(), &out);
    assert!(run.status.success(), "{}", text(&run.stderr));
    let index = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(index.contains(
        "<span class=\"badge auth auth-law auth-rank-0\">Law</span> <span class=\"badge auth auth-policy auth-rank-1\">Policy</span>."
    ));
    assert!(
        !index.contains(">Guideline<"),
        "the default levels are gone"
    );
}

/// The site is named: the Model-Spec layout takes its title from the first
/// heading of the repository's README.md, and shows the release (the date
/// of the last commit that changed model_spec.md) in the header and the
/// `<title>`; a project's `[versions] current` label wins over git.
#[test]
fn the_site_is_named_after_the_readme_and_shows_its_release() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(
        dir.join("README.md"),
        "Intro line\n\n# Our Assistant Spec\n\nMore.\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("model_spec.md"),
        "# Overview {#overview}\n\nText.\n",
    )
    .unwrap();
    let git = |args: &[&str]| {
        let out = std::process::Command::new("git")
            .args(args)
            .current_dir(dir)
            .env("GIT_AUTHOR_DATE", "2031-05-06T12:00:00Z")
            .env("GIT_COMMITTER_DATE", "2031-05-06T12:00:00Z")
            .output()
            .unwrap();
        assert!(out.status.success(), "git {args:?}: {}", text(&out.stderr));
    };
    git(&["init", "-q"]);
    git(&["-c", "user.name=t", "-c", "user.email=t@t", "add", "."]);
    git(&[
        "-c",
        "user.name=t",
        "-c",
        "user.email=t@t",
        "commit",
        "-q",
        "-m",
        "spec",
    ]);
    let out = tmp.path().join("site");
    let run = build_to(dir, &out);
    assert!(run.status.success(), "{}", text(&run.stderr));
    let index = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(
        index.contains("<title>Our Assistant Spec (2031-05-06)</title>"),
        "{}",
        &index[..index.len().min(600)]
    );
    assert!(index.contains(
        "<a class=\"brand\" href=\"index.html\">Our Assistant Spec <span class=\"release\" title=\"Release\">2031-05-06</span></a>"
    ));
    let page = std::fs::read_to_string(out.join("overview.html")).unwrap();
    assert!(page.contains("<title>Overview · Our Assistant Spec (2031-05-06)</title>"));

    // Outside git, no release; the README still names the spec.
    std::fs::remove_dir_all(dir.join(".git")).unwrap();
    let run = build_to(dir, &out);
    assert!(run.status.success(), "{}", text(&run.stderr));
    let index = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(index.contains("<title>Our Assistant Spec</title>"));
}

/// Every rule offers "Edit this rule" (`{path}` and `{line}` filled in) and
/// "Give feedback" from `feedback-url-template`, its values URL-encoded;
/// `build --site-url` overrides `book.toml` for one build and makes `{url}`
/// absolute.
#[test]
fn rules_offer_edit_and_feedback_links() {
    let tmp = sample_project_with(|toml| {
        toml.replace(
            "[output.html]",
            "[output.html]\nfeedback-url-template = \"https://example.org/new?title={title}&rule={id}&at={url}&release={release}\"",
        )
        .replace("/edit/main/{path}\"", "/edit/main/{path}#L{line}\"")
    });
    let out = tmp.path().join("site");
    let dir = tmp.path().to_str().unwrap();
    let run = specbook(&[
        "build",
        dir,
        "-o",
        out.to_str().unwrap(),
        "--site-url",
        "https://spec.example.net/v2",
    ]);
    assert!(run.status.success(), "{}", text(&run.stderr));
    let page = std::fs::read_to_string(out.join("stay_safe.html")).unwrap();
    let hrefs = attr_values(&page, "href");
    let feedback = "https://example.org/new?title=Respect%20the%20user%27s%20autonomy";
    assert!(
        hrefs.iter().any(|h| h.starts_with(feedback)),
        "an encoded title: {:?}",
        hrefs
            .iter()
            .filter(|h| h.contains("example.org"))
            .collect::<Vec<_>>()
    );
    // The page escapes the template's `&`.
    let want = "&amp;rule=respect_autonomy&amp;at=https%3A%2F%2Fspec.example.net%2Fv2%2Fstay_safe.html%23respect_autonomy&amp;release=";
    assert!(page.contains(want), "{want}");
    let edit = hrefs
        .iter()
        .find(|h| h.contains("/edit/main/content/03-safety.md#L"))
        .expect("an edit link with the heading's line");
    let line: usize = edit.rsplit("#L").next().unwrap().parse().unwrap();
    let source = std::fs::read_to_string(repo().join("content/03-safety.md")).unwrap();
    assert!(
        source.lines().nth(line - 1).unwrap().starts_with('#'),
        "{edit} points at a heading line"
    );
    let sitemap = std::fs::read_to_string(out.join("sitemap.xml")).unwrap();
    assert!(sitemap.contains("<loc>https://spec.example.net/v2/index.html</loc>"));

    let run = specbook(&[
        "build",
        dir,
        "-o",
        out.to_str().unwrap(),
        "--site-url",
        "javascript:alert(1)",
    ]);
    assert_eq!(run.status.code(), Some(2));
    assert!(
        text(&run.stderr).contains("--site-url"),
        "{}",
        text(&run.stderr)
    );
}

/// `specbook clean` removes what specbook wrote and nothing else: a CNAME
/// and a `.git` the user put in the site stay; a folder specbook did not
/// write is refused.
#[test]
fn clean_removes_only_what_specbook_wrote() {
    let tmp = tempfile::tempdir().unwrap();
    copy_sample_project(tmp.path());
    let out = tmp.path().join("book");
    let run = build_to(tmp.path(), &out);
    assert!(run.status.success(), "{}", text(&run.stderr));
    std::fs::write(out.join("CNAME"), "spec.example.org\n").unwrap();
    std::fs::create_dir_all(out.join(".git")).unwrap();
    std::fs::write(out.join(".git/HEAD"), "ref: refs/heads/gh-pages\n").unwrap();
    let run = specbook(&["clean", tmp.path().to_str().unwrap()]);
    assert!(run.status.success(), "{}", text(&run.stderr));
    let mut left: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(left, [".git", "CNAME"], "{}", text(&run.stderr));
    assert!(out.join(".git/HEAD").is_file());

    // Without the user's files the folder goes too.
    std::fs::remove_dir_all(&out).unwrap();
    assert!(build_to(tmp.path(), &out).status.success());
    let run = specbook(&["clean", tmp.path().to_str().unwrap()]);
    assert!(run.status.success(), "{}", text(&run.stderr));
    assert!(!out.exists());

    // A folder specbook did not write.
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("notes.txt"), "mine").unwrap();
    let run = specbook(&["clean", tmp.path().to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(2));
    assert!(text(&run.stderr).contains("specbook did not write it"));
    assert!(out.join("notes.txt").is_file());
}

/// Every link of the built site is relative: it works under any sub-path
/// (`/repo/` on GitHub Pages) without configuration.
#[test]
fn the_sample_site_has_no_root_absolute_links() {
    let site = &*SAMPLE;
    for (rel, bytes) in files(&site.out) {
        if !(rel.ends_with(".html") || rel.ends_with(".css") || rel.ends_with(".js")) {
            continue;
        }
        let body = String::from_utf8_lossy(&bytes);
        for attr in ["href", "src", "action"] {
            for v in attr_values(&body, attr) {
                assert!(
                    !v.starts_with('/'),
                    "{rel}: {attr}=\"{v}\" is root-absolute"
                );
            }
        }
        assert!(!body.contains("url(/"), "{rel}: a root-absolute CSS url()");
    }
}

/// What `build` streams to disk (spec.json, the eval downloads written
/// from shared records) is byte for byte what the same outputs make in
/// memory, where every file is whole.
#[test]
fn the_site_on_disk_is_the_pipeline_in_memory() {
    use specbook::evalset::output::EvalDownloads;
    use specbook::export::SpecJson;
    use specbook::outputs::{Output, write_all};
    use specbook::search::SearchIndex;
    use specbook::sink::MemorySink;
    let loaded = specbook::pipeline::load(&repo()).unwrap();
    let pages = specbook::render::Pages::new();
    let outputs: [&dyn Output; 4] = [&pages, &SearchIndex, &SpecJson, &EvalDownloads];
    let sink = MemorySink::new();
    write_all(&loaded.edition(), &outputs, &sink).unwrap();
    let memory = sink.into_files();
    let disk = files(&SAMPLE.out);
    let streamed: Vec<&String> = memory
        .keys()
        .filter(|p| *p == "spec.json" || p.starts_with("downloads/evals/"))
        .collect();
    assert!(streamed.len() > 10, "{streamed:?}");
    for (path, bytes) in &memory {
        let on_disk = disk
            .get(path)
            .unwrap_or_else(|| panic!("`{path}` is not on disk"));
        assert!(on_disk[..] == bytes[..], "`{path}` differs on disk");
    }
}

/// The single page is written in pieces (the template's text between
/// sections, and each section's HTML); a theme whose `single.html` does
/// more with the sections than print each once, in order, gets its page
/// rendered whole, as it wrote it.
#[test]
fn a_single_page_template_may_use_the_sections_as_it_likes() {
    let order = |html: &str| -> Vec<usize> {
        ["id=\"overview\"", "id=\"chain_of_command\""]
            .iter()
            .map(|id| html.find(id).unwrap_or_else(|| panic!("{id} on all.html")))
            .collect()
    };
    let plain = std::fs::read_to_string(SAMPLE.out.join("all.html")).unwrap();
    let forward = order(&plain);
    assert!(forward[0] < forward[1], "the sample's order");
    let tmp = sample_project_with(|toml| toml);
    let single = std::fs::read_to_string(repo().join("templates/single.html")).unwrap();
    let reversed = single.replace(
        "{%- for s in sections %}",
        "{%- for s in sections | reverse %}",
    );
    assert_ne!(
        single, reversed,
        "the template prints its sections in a loop"
    );
    std::fs::create_dir_all(tmp.path().join("templates")).unwrap();
    std::fs::write(tmp.path().join("templates/single.html"), reversed).unwrap();
    let out = tmp.path().join("site");
    let run = build_to(tmp.path(), &out);
    assert!(run.status.success(), "{}", text(&run.stderr));
    let html = std::fs::read_to_string(out.join("all.html")).unwrap();
    let backward = order(&html);
    assert!(backward[0] > backward[1], "sections in the theme's order");
    assert!(!html.contains("<\u{E000}"), "no placeholder left");
    assert_eq!(html.len(), plain.len(), "every section, once");
}
