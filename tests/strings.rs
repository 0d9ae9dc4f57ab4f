//! The interface strings of a site follow its language (issue 14, item
//! 5): the sample built with `[book] language = "zh"` shows Chinese
//! navigation, labels and script messages, and none of the English ones;
//! a project's `strings/<lang>.toml` overrides a string, and a bad one
//! fails the build naming the file.

mod common;

use std::path::Path;

use common::{build_to, copy_sample_project, text};

/// The sample project in `dir`, its language set to `lang`.
fn sample_in(dir: &Path, lang: &str) {
    copy_sample_project(dir);
    let toml = dir.join("book.toml");
    let text = std::fs::read_to_string(&toml).unwrap();
    assert!(text.contains("language = \"en\""));
    std::fs::write(
        &toml,
        text.replace("language = \"en\"", &format!("language = \"{lang}\"")),
    )
    .unwrap();
}

fn read(out: &Path, path: &str) -> String {
    std::fs::read_to_string(out.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// English interface strings, as the English site's pages and scripts
/// hold them (in their markup, so the spec's own English text, which a
/// Chinese edition of this sample still has, does not count).
const ENGLISH: &[&str] = &[
    ">Skip to content<",
    "aria-label=\"Table of contents\"",
    ">Table of contents<",
    "placeholder=\"Search\"",
    "aria-label=\"Search the spec\"",
    ">Single page<",
    ">Examples<",
    ">Contents<",
    ">Built with specbook<",
    "aria-label=\"Dark theme\"",
    "aria-label=\"Permalink\"",
    ">Referenced by<",
    ">Commentary<",
    ">Compliant<",
    ">Violation<",
    ">Minor issues<",
    ">Example<",
    ">Eval prompt<",
    "title=\"This section has ",
    "The highest authority principle",
    "message-head\">Assistant",
    "message-head\">User",
    "message-head\">Developer",
    "message-head\">System",
    ">Start reading<",
    ">Previous<",
    ">Next<",
    ">Cited by<",
    ">Page not found<",
    "Badges give the authority",
    "An outlined badge",
    "Every example and eval prompt of",
    "The examples browser needs JavaScript",
    "The complete specification on one page",
    "aria-label=\"Alternative responses\"",
    "Edit this rule",
    ">Coverage<",
    ">Gaps<",
    "Eval data for the whole spec",
    "settings-label\">Settings<",
    "untrusted-label\">Untrusted content<",
    " eval prompt\"",
    " eval prompts\"",
];

/// English strings of the scripts, as the English site's scripts hold
/// them after minifying.
const ENGLISH_SCRIPTS: &[(&str, &[&str])] = &[
    (
        "static/app.js",
        &[
            "Copy link",
            "Copied",
            "Current section",
            "Table of contents",
            "Sections of",
            "lower authorit",
        ],
    ),
    (
        "search.js",
        &[
            "No results for",
            "More results",
            "Nearest rules",
            "Search the spec",
            "\"Compliant\"",
            "\"Violation\"",
            "\"Assistant\"",
            "in the examples browser",
        ],
    ),
    (
        "examples.js",
        &[
            "Loading examples",
            "No example matches",
            "Show more",
            "Clear filters",
        ],
    ),
];

#[test]
fn a_chinese_edition_has_a_chinese_interface() {
    let dir = tempfile::tempdir().unwrap();
    let (src, out) = (dir.path().join("src"), dir.path().join("out"));
    sample_in(&src, "zh");
    let built = build_to(&src, &out);
    assert!(built.status.success(), "{}", text(&built.stderr));

    let index = read(&out, "index.html");
    assert!(
        index.contains("<html lang=\"zh\" dir=\"ltr\">"),
        "{}",
        &index[..200]
    );
    for want in [
        "placeholder=\"搜索\"",
        "aria-label=\"搜索本规范\"",
        ">跳到正文<",
        ">单页版<",
        ">示例<",
        ">开始阅读<",
        ">目录<",
        ">由 specbook 生成<",
    ] {
        assert!(index.contains(want), "index.html lacks {want}");
    }
    let chapter = read(&out, "chain_of_command.html");
    for want in [
        ">合规<",
        ">违规<",
        ">引用本节的内容<",
        "aria-label=\"永久链接\"",
    ] {
        assert!(chapter.contains(want), "chain_of_command.html lacks {want}");
    }

    let pages: Vec<String> = common::site::files(&out)
        .into_keys()
        .filter(|p| p.ends_with(".html"))
        .collect();
    assert!(pages.len() > 10, "{pages:?}");
    for page in &pages {
        let html = read(&out, page);
        for english in ENGLISH {
            assert!(
                !html.contains(english),
                "{page} still shows the English {english:?}"
            );
        }
    }
    for (script, english) in ENGLISH_SCRIPTS {
        let js = read(&out, script);
        for e in *english {
            assert!(!js.contains(e), "{script} still holds the English {e:?}");
        }
    }
    assert!(read(&out, "static/app.js").contains("复制链接"));
    assert!(read(&out, "search.js").contains("没有与“"));
    assert!(read(&out, "examples.js").contains("正在加载示例…"));
    let toc = read(&out, "static/toc.js");
    assert!(!toc.contains("Sections of"), "toc.js");
    // The scripts with their strings written in still parse.
    for script in [
        "static/app.js",
        "search.js",
        "examples.js",
        "static/releases.js",
    ] {
        let checked = std::process::Command::new("node")
            .arg("--check")
            .arg(out.join(script))
            .output()
            .expect("Node.js is needed to check the scripts: apt-get install -y nodejs");
        assert!(
            checked.status.success(),
            "{script}: {}",
            text(&checked.stderr)
        );
    }
}

#[test]
fn the_english_site_shows_the_english_strings() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let built = build_to(&common::repo(), &out);
    assert!(built.status.success(), "{}", text(&built.stderr));
    let index = read(&out, "index.html");
    assert!(index.contains("<html lang=\"en\" dir=\"ltr\">"));
    assert!(index.contains("placeholder=\"Search\""));
    let chapter = read(&out, "chain_of_command.html");
    assert!(chapter.contains(">Referenced by<") && chapter.contains(">Compliant<"));
    for (script, english) in ENGLISH_SCRIPTS {
        let js = read(&out, script);
        for e in *english {
            assert!(js.contains(e), "{script} lacks {e:?}");
        }
    }
}

#[test]
fn a_project_file_overrides_a_string_and_a_bad_one_fails_the_build() {
    let dir = tempfile::tempdir().unwrap();
    let (src, out) = (dir.path().join("src"), dir.path().join("out"));
    sample_in(&src, "zh-CN");
    std::fs::create_dir(src.join("strings")).unwrap();
    std::fs::write(
        src.join("strings/zh.toml"),
        "search_placeholder = \"查找规则\"\ncopied = \"好了\"\n",
    )
    .unwrap();
    let built = build_to(&src, &out);
    assert!(built.status.success(), "{}", text(&built.stderr));
    let index = read(&out, "index.html");
    assert!(index.contains("placeholder=\"查找规则\""), "override");
    assert!(index.contains(">单页版<"), "the other strings stay");
    assert!(index.contains("<html lang=\"zh-CN\" dir=\"ltr\">"));
    assert!(read(&out, "static/app.js").contains("\"好了\""));

    // A project's own script (a theme started from the built-in one) is
    // served as written, but for its marked strings.
    std::fs::create_dir(src.join("static")).unwrap();
    std::fs::copy(
        common::repo().join("static/app.js"),
        src.join("static/app.js"),
    )
    .unwrap();
    let out_own = dir.path().join("out-own");
    let built = build_to(&src, &out_own);
    assert!(built.status.success(), "{}", text(&built.stderr));
    let own = read(&out_own, "static/app.js");
    assert!(own.starts_with("/* specbook: theme toggle"), "not minified");
    assert!(own.contains("\"好了\"") && own.contains("复制链接") && !own.contains("Copy link"));

    std::fs::write(
        src.join("strings/zh.toml"),
        "search_placholder = \"查找\"\n",
    )
    .unwrap();
    let failed = build_to(&src, &dir.path().join("out2"));
    assert!(!failed.status.success());
    let err = text(&failed.stderr);
    assert!(
        err.contains("strings/zh.toml: unknown key `search_placholder`"),
        "{err}"
    );
    std::fs::write(src.join("strings/zh.toml"), "search_placeholder = 查找\n").unwrap();
    let failed = build_to(&src, &dir.path().join("out3"));
    assert!(!failed.status.success());
    let err = text(&failed.stderr);
    assert!(err.contains("strings/zh.toml: "), "{err}");
}

#[test]
fn a_right_to_left_language_sets_the_direction() {
    let dir = tempfile::tempdir().unwrap();
    let (src, out) = (dir.path().join("src"), dir.path().join("out"));
    sample_in(&src, "ar");
    let built = build_to(&src, &out);
    assert!(built.status.success(), "{}", text(&built.stderr));
    // No Arabic table is built in: the interface is English.
    let index = read(&out, "index.html");
    assert!(index.contains("<html lang=\"ar\" dir=\"rtl\">"));
    assert!(index.contains("placeholder=\"Search\""));
}

#[test]
fn a_chinese_versioned_site_names_releases_and_changes_in_chinese() {
    let dir = tempfile::tempdir().unwrap();
    let (src, out) = (dir.path().join("src"), dir.path().join("out"));
    common::sample_repo_in(&src);
    // The current release in Chinese (the older ones keep their own
    // book.toml, in English: each edition speaks its own language).
    let toml = std::fs::read_to_string(src.join("book.toml")).unwrap();
    std::fs::write(
        src.join("book.toml"),
        toml.replace("language = \"en\"", "language = \"zh\""),
    )
    .unwrap();
    let built = build_to(&src, &out);
    assert!(built.status.success(), "{}", text(&built.stderr));
    let index = read(&out, "index.html");
    assert!(
        index.contains("aria-label=\"版本 v2：选择版本\"") && index.contains(">变更内容<"),
        "the release menu"
    );
    let changes = read(&out, "changes/v1...v2.html");
    for want in [
        ">新增的规则 <",
        "新增 1 条，删除 0 条，重命名 0 条，修改 0 条",
        ">所有版本之间的变更<",
    ] {
        assert!(changes.contains(want), "changes page lacks {want}");
    }
    let index = read(&out, "changes/index.html");
    assert!(
        index.contains("相邻版本之间逐条规则的变更"),
        "changes index"
    );
    let with_history = common::site::files(&out)
        .into_iter()
        .filter(|(p, _)| p.ends_with(".html") && !p.contains('/'))
        .map(|(_, b)| text(&b))
        .find(|h| h.contains("<section id=\"say_less\""))
        .expect("a page with say_less");
    assert!(
        with_history.contains(">修订历史<") && with_history.contains(">新增<"),
        "say_less's history"
    );
}
