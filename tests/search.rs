//! Search index against the real corpus and the sample project.

mod common;

use std::path::Path;
use std::process::Command;
use std::sync::OnceLock;

use specbook::model::Spec;
use specbook::search::{
    SEARCH_CSS, SEARCH_JS, SearchFile, Searcher, build_search_files, gzip_len, unwrap_data,
};

fn load(p: &Path) -> specbook::pipeline::Loaded {
    let loaded = specbook::pipeline::load(p).unwrap();
    assert!(!loaded.diagnostics.has_errors());
    loaded
}

/// A spec, its search files and a searcher over them.
struct Index {
    spec: Spec,
    files: Vec<SearchFile>,
    searcher: Searcher,
}

impl Index {
    fn of(project: &Path) -> Index {
        let spec = load(project).spec;
        let files = build_search_files(&spec);
        let searcher = Searcher::new(&files).unwrap();
        Index {
            spec,
            files,
            searcher,
        }
    }
}

/// The newest corpus release, indexed once for all tests of this file
/// (panics when the corpus is absent: these tests are `#[ignore]`d).
fn corpus() -> &'static Index {
    static CORPUS_INDEX: OnceLock<Index> = OnceLock::new();
    CORPUS_INDEX.get_or_init(|| Index::of(&common::corpus()))
}

/// The bundled sample project (`book.toml`, `content/`, `evals/`).
fn sample() -> &'static Index {
    static SAMPLE_INDEX: OnceLock<Index> = OnceLock::new();
    SAMPLE_INDEX.get_or_init(|| Index::of(&common::repo()))
}

/// Node.js runs `static/search.js`; the suite needs it (`.ci/run` installs
/// axe-core with npm, so it is there), so its absence fails, never skips.
fn node() -> Command {
    let found = Command::new("node").arg("--version").output();
    assert!(
        found.is_ok_and(|o| o.status.success()),
        "Node.js is needed to run static/search.js: apt-get install -y nodejs"
    );
    Command::new("node")
}

fn plain(spec: &Spec, s: &str) -> String {
    specbook::parse::inline::plain_text(s, &|id| spec.section(id).map(|s| s.title.clone()))
}

/// A query made of the first `n` words of `text` as a quoted phrase.
fn phrase(text: &str, n: usize) -> Option<String> {
    let words: Vec<&str> = text
        .split(|c: char| !c.is_alphanumeric() && c != '\'' && c != '’')
        .filter(|w| !w.is_empty())
        .take(n)
        .collect();
    (words.len() == n).then(|| format!("\"{}\"", words.join(" ")))
}

/// More than `min` cases were tried and at most one in fifty missed.
fn assert_mostly_found(what: &str, tried: usize, min: usize, misses: &[(String, Option<String>)]) {
    eprintln!("{tried} {what}: {} {misses:?}", misses.len());
    assert!(tried > min, "{tried}");
    assert!(misses.len() * 50 <= tried, "{misses:?}");
}

/// Every rule id, typed as a query, finds its own section first.
fn assert_rule_ids_come_first(c: &Index) {
    let (spec, s) = (&c.spec, &c.searcher);
    assert!(!spec.sections.is_empty());
    let mut misses = Vec::new();
    for (i, sec) in spec.sections.iter().enumerate() {
        let want = specbook::site::section_href(spec, i);
        let got = s.query(&sec.id).hits.first().map(|h| h.href.clone());
        if got.as_deref() != Some(want.as_str()) {
            misses.push((sec.id.clone(), got));
        }
    }
    assert!(misses.is_empty(), "{misses:?}");
}

#[test]
fn sample_rule_ids_come_first() {
    assert_rule_ids_come_first(sample());
}

#[test]
#[ignore = "needs the Model Spec corpus (../shared/corpus or $SPECBOOK_CORPUS)"]
fn corpus_rule_ids_come_first() {
    let c = corpus();
    assert_rule_ids_come_first(c);
    let (spec, s) = (&c.spec, &c.searcher);
    // The issue's example: the id, and its distinctive word alone.
    let page = specbook::site::section_page(spec, spec.section_index["avoid_sycophancy"]);
    assert_eq!(
        s.query("avoid_sycophancy").hits[0].href,
        format!("{page}#avoid_sycophancy")
    );
    let syc = &s.query("sycophancy").hits[0];
    assert!(syc.href.ends_with("#avoid_sycophancy"), "{syc:?}");
}

/// A distinctive example title (as a phrase) finds its example first;
/// more than `min` titles are tried.
fn assert_example_titles_find_their_example(c: &Index, min: usize) {
    let (spec, s) = (&c.spec, &c.searcher);
    let mut tried = 0;
    let mut misses = Vec::new();
    let mut cases: Vec<(String, String)> = Vec::new();
    for sec in &spec.sections {
        for ex in sec.examples() {
            cases.push((
                plain(spec, &ex.title.text),
                specbook::site::example_href(spec, &sec.id, &ex.id),
            ));
        }
    }
    for ef in &spec.evals {
        for ex in &ef.examples {
            cases.push((
                plain(spec, &ex.title.text),
                specbook::site::eval_example_href(&ef.id, &ex.id),
            ));
        }
    }
    for (title, want) in &cases {
        // Titles shared by several examples cannot single one out.
        if cases.iter().filter(|(t, _)| t == title).count() > 1
            || title.split_whitespace().count() < 3
        {
            continue;
        }
        tried += 1;
        let hits = s.query(&format!("\"{title}\"")).hits;
        if hits.first().map(|h| &h.href) != Some(want) {
            misses.push((title.clone(), hits.first().map(|h| h.title.clone())));
        }
    }
    assert_mostly_found("example titles, not first", tried, min, &misses);
}

#[test]
fn sample_example_titles_find_their_example() {
    assert_example_titles_find_their_example(sample(), 20);
}

#[test]
#[ignore = "needs the Model Spec corpus (../shared/corpus or $SPECBOOK_CORPUS)"]
fn corpus_example_titles_find_their_example() {
    assert_example_titles_find_their_example(corpus(), 300);
}

#[test]
#[ignore = "needs the Model Spec corpus (../shared/corpus or $SPECBOOK_CORPUS)"]
fn corpus_verdict_notes_find_their_example() {
    let c = corpus();
    let (spec, s) = (&c.spec, &c.searcher);
    let mut tried = 0;
    let mut misses = Vec::new();
    for sec in &spec.sections {
        for ex in sec.examples() {
            let want = specbook::site::example_href(spec, &sec.id, &ex.id);
            for m in &ex.messages {
                let Some(note) = &m.comment else { continue };
                let Some(q) = phrase(&plain(spec, &note.text), 6) else {
                    continue;
                };
                tried += 1;
                let hits = s.query(&q).hits;
                if !hits.iter().take(3).any(|h| h.href == want) {
                    misses.push((q, hits.first().map(|h| h.title.clone())));
                }
            }
        }
    }
    assert_mostly_found("verdict notes, not in the top 3", tried, 50, &misses);
}

#[test]
#[ignore = "needs the Model Spec corpus (../shared/corpus or $SPECBOOK_CORPUS)"]
fn corpus_word_forms_typos_and_prefixes() {
    let c = corpus();
    let s = &c.searcher;
    let docs = |q: &str| -> std::collections::BTreeSet<u32> {
        s.query(q).hits.iter().map(|h| h.doc).collect()
    };
    // "lies" finds what "lie" and "lying" find.
    let lies = docs("lies ");
    assert!(!lies.is_empty());
    assert_eq!(lies, docs("lie "));
    assert_eq!(lies, docs("lying "));
    // One typo finds the same rule first.
    let first = |q: &str| s.query(q).hits.first().map(|h| h.href.clone());
    assert_eq!(first("sycophnacy "), first("sycophancy "));
    assert_eq!(first("privcy "), first("privacy "));
    // The word being typed is a prefix.
    assert_eq!(first("sycopha"), first("sycophancy "));
}

#[test]
fn sample_project_finds_chinese() {
    let hits = sample().searcher.query("隐私").hits;
    assert!(!hits.is_empty());
    assert!(
        hits[0].href.starts_with("multilingual.html#"),
        "{:?}",
        hits[0]
    );
    assert!(hits.iter().any(|h| h.kind == "example"));
}

/// Sizes against the issue's bars: what a browser fetches before the first
/// result (index files + search.js, gzip) stays far under 80 KB.
#[test]
#[ignore = "needs the Model Spec corpus (../shared/corpus or $SPECBOOK_CORPUS)"]
fn corpus_sizes() {
    let c = corpus();
    let files = &c.files;
    let raw: usize = files.iter().map(|f| f.bytes.len()).sum();
    let gz: usize = files.iter().map(|f| gzip_len(&f.bytes)).sum();
    eprintln!("index: {} files, {raw} bytes raw, {gz} gzip", files.len());
    let js = gzip_len(SEARCH_JS.as_bytes()) + gzip_len(SEARCH_CSS.as_bytes());
    let s = &c.searcher;
    let mut worst = 0;
    for q in [
        "avoid_sycophancy",
        "sycophancy",
        "lies",
        "sycophnacy",
        "syco",
        "\"do not lie\"",
        "privacy",
        "user assistant developer",
        "the",
        "a",
    ] {
        let o = s.query(q);
        let (_, first) = s.sizes(&o.files_first);
        let (_, page) = s.sizes(&o.files_page);
        eprintln!(
            "{q:28} {:4} hits; first result after {first} B gzip index + {js} B script; first page {page} B",
            o.hits.len()
        );
        worst = worst.max(first + js);
    }
    assert!(worst < 80_000, "{worst}");
}

/// The browser engine (static/search.js, run by node) returns exactly the
/// documents and scores of the Rust mirror, for a broad list of queries
/// and words of the spec's own vocabulary.
fn assert_js_engine_matches_rust(c: &Index) {
    let files = &c.files;
    let dir = tempfile::tempdir().unwrap();
    for f in files {
        let path = dir.path().join(&f.path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, &f.bytes).unwrap();
    }
    let s = &c.searcher;
    let mut queries: Vec<String> = [
        "avoid_sycophancy",
        "sycophancy",
        "syco",
        "lies",
        "lying",
        "sycophnacy",
        "privacy",
        "隐私",
        "\"do not lie\"",
        "\"the user\"",
        "the",
        "user",
        "assistant",
        "us",
        "u",
        "chain of command",
        "chain_of",
        "\"white lie",
        "developer instructions tool",
        "settings",
        "under_18",
        "u18",
        "confidentail",
        "jailbreak",
        "\"ignore untrusted",
        "copyright song lyrics",
        "mdel spec",
        "I can't help with that",
        "don't",
        "teen",
        "Hangzhou",
        "保护隐私",
        "こんにちは",
        "2025",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    // Words of the corpus as queries: exact, prefix-typed, one typo.
    let data = |p: &str| -> serde_json::Value {
        let bytes = std::fs::read(dir.path().join(p)).unwrap();
        serde_json::from_slice(unwrap_data(&bytes).unwrap().1).unwrap()
    };
    let manifest = data("search/manifest.js");
    let mid = manifest["w"].as_array().unwrap().len() / 2;
    let words: Vec<String> = serde_json::from_value(data(&format!("search/w/{mid}.js"))).unwrap();
    for (i, w) in words.iter().enumerate().step_by(23) {
        queries.push(w.clone());
        queries.push(format!("{w} "));
        if w.chars().count() > 6 {
            let mut c: Vec<char> = w.chars().collect();
            c.swap(2, 3);
            queries.push(c.into_iter().collect());
        }
        if let Some(next) = words.get(i + 7) {
            queries.push(format!("{w} {next}"));
            queries.push(format!("\"{w} {next}\""));
        }
    }
    let qpath = dir.path().join("queries.json");
    std::fs::write(&qpath, serde_json::to_vec(&queries).unwrap()).unwrap();
    let root = env!("CARGO_MANIFEST_DIR");
    let out = node()
        .arg(format!("{root}/bench/search/engine_node.js"))
        .arg(format!("{root}/static/search.js"))
        .arg(dir.path())
        .arg(&qpath)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let mut compared = 0;
    let mut nonempty = 0;
    for line in text.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let q = v["q"].as_str().unwrap();
        let js: Vec<(u64, u64)> = v["hits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| (h[0].as_u64().unwrap(), h[1].as_u64().unwrap()))
            .collect();
        let rs: Vec<(u64, u64)> = s
            .query(q)
            .hits
            .iter()
            .map(|h| (u64::from(h.doc), h.score))
            .collect();
        assert_eq!(js, rs, "query {q:?}");
        compared += 1;
        nonempty += usize::from(!js.is_empty());
    }
    assert_eq!(compared, queries.len());
    eprintln!("{compared} queries compared, {nonempty} with results");
    assert!(nonempty * 2 > compared);
}

#[test]
fn sample_js_engine_matches_rust() {
    assert_js_engine_matches_rust(sample());
}

#[test]
#[ignore = "needs the Model Spec corpus (../shared/corpus or $SPECBOOK_CORPUS)"]
fn corpus_js_engine_matches_rust() {
    assert_js_engine_matches_rust(corpus());
}

/// search.js's snippets escape HTML and mark matched word forms and CJK
/// bigrams; facet counts leave each group's own filter out.
#[test]
fn js_snippets_and_facets() {
    let script = r#"
const assert = require("assert");
const S = require(process.argv[1]);
assert.strictEqual(S.snippetHtml("<b>Never</b> lies & lying", new Set(["lie"])),
  "&lt;b&gt;Never&lt;/b&gt; <mark>lies</mark> &amp; <mark>lying</mark>");
assert.strictEqual(S.snippetHtml("用户隐私很重要", new Set(["隐私"])), "用户<mark>隐私</mark>很重要");
assert.strictEqual(S.snippetHtml([["user", "", "Tell <me>", "", -1], ["assistant", "bad", "No lies", "a lie", 0]], new Set(["lie"])),
  "User: Tell &lt;me&gt; Assistant: No <mark>lies</mark> \u2014 a <mark>lie</mark>");
const long = "word ".repeat(100) + "target " + "word ".repeat(100);
const sn = S.snippetHtml(long, new Set(["target"]));
assert(sn.startsWith("\u2026 ") && sn.endsWith(" \u2026") && sn.includes("<mark>target</mark>") && sn.length < 300, sn);
const m = { kinds: ["rule", "example", "eval"], authorities: [["root", "Root"]], verdicts: ["good", "bad", "ok"],
  roles: ["system", "developer", "tool"], tags: ["under_18"], chapters: [["a", "A"], ["b", "B"]],
  classes: [[0, 0, 0, 0, 0], [1, 0, 2, 1, 1]] };
const F = new S.Facets(m, { c: [0, 1, 1], ch: [0, 0, 1] });
const sel = {}; S.GROUPS.forEach((g) => (sel[g[0]] = new Set()));
sel.verdict.add("bad");
const r = F.apply([0, 1, 2], sel);
assert.deepStrictEqual(r.docs, [1, 2]);
assert.deepStrictEqual([...r.counts.kind], [["example", 2]]);
assert.deepStrictEqual([...r.counts.verdict], [["bad", 2]]);
assert.deepStrictEqual([...r.counts.chapter], [["a", 1], ["b", 1]]);
assert.strictEqual(F.label("chapter", "b"), "B");
assert(F.html(r.counts, sel, new Set(), "x").includes('aria-pressed="true"'));
console.log("ok");
"#;
    let out = node()
        .arg("-e")
        .arg(script)
        .arg(format!("{}/static/search.js", env!("CARGO_MANIFEST_DIR")))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The sample project with `[book] language` set to `language`, indexed.
fn sample_in(language: &str) -> Index {
    let dir = tempfile::tempdir().unwrap();
    common::copy_sample_project(dir.path());
    let toml = std::fs::read_to_string(dir.path().join("book.toml")).unwrap();
    let toml = toml.replace("language = \"en\"", &format!("language = \"{language}\""));
    assert!(toml.contains(&format!("language = \"{language}\"")));
    std::fs::write(dir.path().join("book.toml"), toml).unwrap();
    Index::of(dir.path())
}

/// Every term of an index, and its manifest.
fn terms_and_manifest(files: &[SearchFile]) -> (Vec<String>, serde_json::Value) {
    let json = |f: &SearchFile| -> serde_json::Value {
        serde_json::from_slice(unwrap_data(&f.bytes).unwrap().1).unwrap()
    };
    let mut terms = Vec::new();
    let mut manifest = serde_json::Value::Null;
    for f in files {
        if f.path.starts_with("search/t/") {
            for row in json(f).as_array().unwrap() {
                terms.push(row[0].as_str().unwrap().to_owned());
            }
        } else if f.path == "search/manifest.js" {
            manifest = json(f);
        }
    }
    (terms, manifest)
}

/// Stemming follows the language: English stems (and says so in the
/// manifest), French has no stemmer both engines share and keeps words as
/// written, Chinese keeps its bigrams; the browser engine agrees with the
/// Rust one in the unstemmed mode too.
#[test]
fn each_language_gets_its_own_stemming() {
    let (en, m) = terms_and_manifest(&sample().files);
    assert_eq!(m["stem"], "en");
    assert!(en.contains(&"instruct".to_owned()) && !en.contains(&"instructions".to_owned()));

    let fr = sample_in("fr");
    let (terms, m) = terms_and_manifest(&fr.files);
    assert_eq!(m["stem"], serde_json::Value::Null);
    assert!(terms.contains(&"instructions".to_owned()), "unstemmed");
    assert!(terms.contains(&"instruction".to_owned()));
    assert!(!terms.contains(&"instruct".to_owned()));
    // An exact query matches the word as written only; typed on (a
    // prefix), it reaches the other forms.
    let exact = fr.searcher.query("instructions ").hits.len();
    assert!(exact > 0 && exact < fr.searcher.query("instruction").hits.len());
    assert_js_engine_matches_rust(&fr);

    let zh = sample_in("zh-CN");
    let (terms, m) = terms_and_manifest(&zh.files);
    assert_eq!(m["stem"], serde_json::Value::Null);
    assert!(terms.contains(&"隐私".to_owned()) && terms.contains(&"隐".to_owned()));
    assert!(terms.contains(&"instructions".to_owned()));
    let hits = zh.searcher.query("隐私").hits;
    assert!(hits[0].href.starts_with("multilingual.html#"), "{hits:?}");

    // en-US is English.
    let (_, m) = terms_and_manifest(&sample_in("en-US").files);
    assert_eq!(m["stem"], "en");
}
