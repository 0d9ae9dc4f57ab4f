//! A site in two languages (issue 14), checked in its files: the sample
//! project with `[languages.zh]` and the hand-translated fixture catalog
//! `tests/fixtures/i18n/zh.po` (a handful of units; the rest fall back to
//! English). The Chinese site has the same pages and anchors as the
//! English one, each page names its counterparts (`hreflang`), the
//! sitemap does too, translated units replace the source, the others are
//! marked, and every link of both sites resolves.

mod common;

use std::path::Path;

use common::{attr_values, check_links, copy_sample_project, files, fixture, ids, specbook};

/// The sample project with a Chinese translation, at `root`.
fn translated_project(root: &Path, site_url: bool) {
    copy_sample_project(root);
    let toml = root.join("book.toml");
    let mut text = std::fs::read_to_string(&toml).unwrap();
    if site_url {
        text = text.replace(
            "[output.html]\n",
            "[output.html]\nsite-url = \"https://spec.example.org/\"\n",
        );
    }
    text.push_str("\n[languages.zh]\ntitle = \"示例助手规范\"\n");
    std::fs::write(&toml, text).unwrap();
    std::fs::create_dir_all(root.join("po")).unwrap();
    std::fs::copy(fixture("i18n/zh.po"), root.join("po/zh.po")).unwrap();
}

fn build(root: &Path, out: &Path) {
    let res = specbook(&["build", root.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    assert!(
        res.status.success(),
        "build failed:\n{}",
        String::from_utf8_lossy(&res.stderr)
    );
}

fn page(out: &Path, path: &str) -> String {
    std::fs::read_to_string(out.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The element `<tag … id="id" …>…` of `html`, up to its closing tag (a
/// section holds no section of its own: subsections come after it).
fn element<'h>(html: &'h str, tag: &str, id: &str) -> &'h str {
    let at = html
        .find(&format!(" id=\"{id}\""))
        .unwrap_or_else(|| panic!("no element with id `{id}`"));
    let start = html[..at]
        .rfind(&format!("<{tag}"))
        .unwrap_or_else(|| panic!("no <{tag}> before id `{id}`"));
    let end = html[start..]
        .find(&format!("</{tag}>"))
        .map_or(html.len(), |e| start + e);
    &html[start..end]
}

#[test]
fn the_translation_has_the_same_pages_and_anchors_and_names_its_counterparts() {
    let dir = tempfile::tempdir().unwrap();
    let (root, out) = (dir.path().join("p"), dir.path().join("out"));
    translated_project(&root, true);
    build(&root, &out);
    let all = files(&out);
    let en_pages: Vec<&String> = all
        .keys()
        .filter(|p| p.ends_with(".html") && !p.starts_with("zh/"))
        .collect();
    assert!(en_pages.len() > 10, "{en_pages:?}");
    for p in &en_pages {
        let zh = format!("zh/{p}");
        assert!(all.contains_key(&zh), "the Chinese site lacks {zh}");
        let (en_html, zh_html) = (page(&out, p), page(&out, &zh));
        if *p != "translation.html" {
            assert_eq!(
                ids(&en_html),
                ids(&zh_html),
                "{p}: anchors differ between languages"
            );
        }
        // Each page names both languages, at absolute URLs.
        for (html, path) in [(&en_html, p.as_str()), (&zh_html, zh.as_str())] {
            if path.ends_with("404.html") {
                continue;
            }
            for (lang, url) in [
                ("en", format!("https://spec.example.org/{p}")),
                ("zh", format!("https://spec.example.org/zh/{p}")),
            ] {
                let link = format!("<link rel=\"alternate\" hreflang=\"{lang}\" href=\"{url}\">");
                assert!(html.contains(&link), "{path} lacks {link}");
            }
        }
        assert!(
            zh_html.contains("<html lang=\"zh\" dir=\"ltr\">"),
            "{zh}: not lang=zh"
        );
        assert!(
            en_html.contains("<html lang=\"en\" dir=\"ltr\">"),
            "{p}: not lang=en"
        );
    }
    // Canonical URLs are the language's own.
    assert!(page(&out, "zh/chain_of_command.html").contains(
        "<link rel=\"canonical\" href=\"https://spec.example.org/zh/chain_of_command.html\">"
    ));
    // The sitemaps name each page's counterparts.
    let sitemap = page(&out, "zh/sitemap.xml");
    assert!(
        sitemap.contains(
            "<url><loc>https://spec.example.org/zh/chain_of_command.html</loc><xhtml:link rel=\"alternate\" hreflang=\"en\" href=\"https://spec.example.org/chain_of_command.html\"/><xhtml:link rel=\"alternate\" hreflang=\"zh\" href=\"https://spec.example.org/zh/chain_of_command.html\"/><xhtml:link rel=\"alternate\" hreflang=\"x-default\" href=\"https://spec.example.org/chain_of_command.html\"/></url>"
        ),
        "{sitemap}"
    );
    assert!(page(&out, "sitemap.xml").contains("xmlns:xhtml="));
    assert!(check_links(&out) > 1000);
}

#[test]
fn translated_units_replace_the_source_and_the_others_are_marked() {
    let dir = tempfile::tempdir().unwrap();
    let (root, out) = (dir.path().join("p"), dir.path().join("out"));
    translated_project(&root, false);
    build(&root, &out);
    let zh = page(&out, "zh/chain_of_command.html");
    assert!(
        zh.contains("<title>指令链 · 示例助手规范</title>"),
        "the title is the language's"
    );
    // A translated rule: title and prose in Chinese, unmarked, its
    // reference and citation kept.
    let rule = element(&zh, "section", "follow_in_order");
    assert!(rule.contains("<h2>按权限顺序遵循指令</h2>"), "{rule}");
    assert!(rule.contains("<p>当两条指令相互冲突时"), "{rule}");
    assert!(
        rule.contains("#authority_levels\" class=\"xref\">Levels of authority</a>"),
        "{rule}"
    );
    assert!(rule.contains("p7qa"), "{rule}");
    // The example: its translated title and messages, the untranslated
    // developer message in English, marked.
    let ex = element(
        &zh,
        "figure",
        "ex-developer-user-conflict-over-the-topic-of-conversation",
    );
    assert!(ex.contains("开发者与用户在对话主题上的冲突"), "{ex}");
    assert!(ex.contains("给我写一首关于我家猫的打油诗"), "{ex}");
    // One note for the example, none per message.
    assert!(
        ex.ends_with("</div>\n<p class=\"tr-note\">尚未翻译</p>\n"),
        "{ex}"
    );
    assert!(
        ex.contains("<div class=\"tr-unit tr-untranslated\" title=\"尚未翻译\"><div lang=\"en\"><p>You are the help-desk assistant"),
        "{ex}"
    );
    // An untranslated chapter intro: English, marked, with the note.
    let intro = element(&zh, "section", "chain_of_command");
    assert!(intro.contains("<h1>指令链</h1>"), "{intro}");
    assert!(
        intro.contains("<div class=\"tr-unit tr-untranslated\"><div lang=\"en\"><p>The assistant often receives"),
        "{intro}"
    );
    assert!(
        intro.contains("<p class=\"tr-note\">尚未翻译</p>"),
        "{intro}"
    );
    // An untranslated heading carries the source language.
    let other = element(&zh, "section", "honor_platform_settings");
    assert!(
        other.contains(
            "class=\"tr-untranslated\" title=\"尚未翻译\" lang=\"en\">Honor the platform"
        ),
        "{other}"
    );
    // The English site is untouched by the translation.
    let en = page(&out, "chain_of_command.html");
    assert!(!en.contains("tr-unit") && !en.contains("tr-untranslated"));
    assert!(
        element(&en, "section", "follow_in_order")
            .contains("<h2>Follow instructions in order of authority</h2>")
    );
    // The spec.json of the Chinese site is the translated spec.
    let json: serde_json::Value = serde_json::from_str(&page(&out, "zh/spec.json")).unwrap();
    let titles: Vec<&str> = json["sections"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["title"].as_str())
        .collect();
    assert!(titles.contains(&"按权限顺序遵循指令"), "{titles:?}");
    // Switcher and status page: every page links both.
    assert_eq!(
        attr_values(&zh, "hreflang"),
        ["en", "zh", "en", "zh"],
        "two alternates, two switcher entries"
    );
    assert!(zh.contains("<a href=\"translation.html\">翻译进度</a>"));
    assert!(en.contains("<a href=\"translation.html\">Translation status</a>"));
}

#[test]
fn the_status_page_counts_units_per_section_worst_first() {
    let dir = tempfile::tempdir().unwrap();
    let (root, out) = (dir.path().join("p"), dir.path().join("out"));
    translated_project(&root, false);
    build(&root, &out);
    let status = page(&out, "zh/translation.html");
    // The fixture translates 8 units: 2 of the overview, 6 of the chain
    // of command.
    let rows: Vec<&str> = status.split("<tr><th scope=\"row\">").skip(1).collect();
    let percents: Vec<u32> = rows
        .iter()
        .map(|r| {
            let cell = r.split("</span>").nth(1).unwrap();
            cell.split('%').next().unwrap().parse().unwrap()
        })
        .collect();
    assert!(
        percents.windows(2).all(|w| w[0] <= w[1]),
        "worst first: {percents:?}"
    );
    let chain = rows
        .iter()
        .find(|r| r.contains("href=\"chain_of_command.html#chain_of_command\""))
        .expect("a row for the chain of command");
    assert!(chain.contains(">指令链</a>"), "{chain}");
    assert!(chain.contains("<td class=\"num\">6 / "), "{chain}");
    assert!(
        rows.iter().any(|r| r.starts_with("评测提示")),
        "the eval prompts row, named in Chinese"
    );
    // The English site's page lists the translation.
    let en = page(&out, "translation.html");
    assert!(
        en.contains("<a href=\"zh/translation.html\">中文</a>"),
        "{en}"
    );
}

#[test]
fn a_translation_without_a_catalog_builds_in_the_source_language_and_warns() {
    let dir = tempfile::tempdir().unwrap();
    let (root, out) = (dir.path().join("p"), dir.path().join("out"));
    translated_project(&root, false);
    std::fs::remove_file(root.join("po/zh.po")).unwrap();
    let res = specbook(&["build", root.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    assert!(res.status.success());
    let err = String::from_utf8_lossy(&res.stderr);
    assert!(
        err.contains("po/zh.po: warning: no catalog for `zh`: its pages show the source text"),
        "{err}"
    );
    assert!(page(&out, "zh/chain_of_command.html").contains("tr-untranslated"));
    // A catalog that cannot be read is an error, and nothing is built.
    std::fs::write(
        root.join("po/zh.po"),
        "msgid \"x\"\nmsgstr \"y\" \"unterminated\n",
    )
    .unwrap();
    let out2 = dir.path().join("out2");
    let res = specbook(&[
        "build",
        root.to_str().unwrap(),
        "-o",
        out2.to_str().unwrap(),
    ]);
    assert!(!res.status.success());
    let err = String::from_utf8_lossy(&res.stderr);
    assert!(
        err.contains("po/zh.po:2:12: error: not a well-formed PO catalog"),
        "{err}"
    );
    assert!(!out2.exists());
}

#[test]
fn a_bad_language_table_is_an_error_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("p");
    copy_sample_project(&root);
    let toml = root.join("book.toml");
    let text = std::fs::read_to_string(&toml).unwrap() + "\n[languages.\"../up\"]\n";
    std::fs::write(&toml, &text).unwrap();
    let line = text.lines().count();
    let res = specbook(&["check", root.to_str().unwrap()]);
    assert!(!res.status.success());
    let err = String::from_utf8_lossy(&res.stderr);
    assert!(
        err.contains(&format!(
            "book.toml:{line}:1: error: [languages.../up]: `../up` is not a language tag"
        )),
        "{err}"
    );
}

#[test]
fn a_versioned_site_translates_its_current_release() {
    let dir = tempfile::tempdir().unwrap();
    let (root, out) = (dir.path().join("p"), dir.path().join("out"));
    common::sample_repo_in(&root);
    let toml = root.join("book.toml");
    let text = std::fs::read_to_string(&toml).unwrap() + "\n[languages.zh]\n";
    std::fs::write(&toml, text).unwrap();
    std::fs::create_dir_all(root.join("po")).unwrap();
    std::fs::copy(fixture("i18n/zh.po"), root.join("po/zh.po")).unwrap();
    build(&root, &out);
    // The current release in both languages, the older ones in English.
    assert!(out.join("zh/chain_of_command.html").is_file());
    assert!(out.join("v1/chain_of_command.html").is_file());
    assert!(!out.join("v1/zh").exists());
    // The current release's pages offer both switchers; the translation's
    // offers the language switcher.
    let en = page(&out, "chain_of_command.html");
    assert!(
        en.contains("<details class=\"versions\"") && en.contains("<details class=\"languages\">")
    );
    let zh = page(&out, "zh/chain_of_command.html");
    assert!(
        zh.contains("<details class=\"languages\">") && !zh.contains("<details class=\"versions\"")
    );
    assert!(check_links(&out) > 1000);
}
