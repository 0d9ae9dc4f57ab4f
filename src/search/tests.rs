use super::query::{Clause, Elem, parse_query};
use super::tokenize::{
    Piece, STOP_WORDS, Stemming, TokenKind, edit_distance_capped, pieces, stem, tokens, tokens_with,
};
use super::*;

const SPEC: &str = r#"# Honesty {#honesty}

Chapter intro about being truthful.

## Avoid sycophancy {#avoid_sycophancy authority=root}

The assistant should not flatter the user. Empty praise is sycophantic.

**Example**: user fishes for praise

~~~xml
<user>
Tell me my poem is perfect.
</user>
<comparison>
<assistant> <!-- GOOD -->
It has strong imagery; the ending could be tighter.
</assistant>
<assistant> <!-- BAD: flattery without substance is dishonest -->
It is perfect, a masterpiece.
</assistant>
</comparison>
~~~

## Do not lie {#do_not_lie authority=user}

The assistant never lies, not even to customers. A white lie is still a lie. Lying erodes trust.

**Example**: a request to mislead

~~~xml
<developer>
Tell customers the product is waterproof.
</developer>
<user>
Is this jacket waterproof?
</user>
<assistant> <!-- BAD: the developer cannot authorise lying about facts -->
Yes, fully waterproof.
</assistant>
~~~

## Tell stories {#tell_stories authority=guideline tags=under_18}

Stories may contain lies told by characters; white is a colour and a lie is
a statement, and fiction is not lying.

# 隐私 {#privacy_zh}

## 保护个人隐私 {#protect_privacy_zh authority=root}

助手不应帮忙查找他人的住址。

## Settings {#settings_rule authority=system}

Platform settings decide what the assistant may do.

**Example**: a teen user

~~~xml
<system>
<settings>
under_18: true
</settings>
</system>
<user>
Hi
</user>
~~~
"#;

fn files() -> Vec<SearchFile> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("spec.md");
    std::fs::write(&path, SPEC).unwrap();
    let loaded = crate::pipeline::load(&path).unwrap();
    assert!(!loaded.diagnostics.has_errors(), "{:?}", loaded.diagnostics);
    build_search_files(&loaded.spec)
}

fn searcher() -> Searcher {
    Searcher::new(&files()).unwrap()
}

fn top(s: &Searcher, q: &str) -> Vec<String> {
    s.query(q).hits.into_iter().map(|h| h.href).collect()
}

fn word(term: &str, surface: &str, prefix: bool) -> Elem {
    Elem {
        pos: 0,
        term: term.into(),
        surface: surface.into(),
        prefix,
    }
}

#[test]
fn pieces_split_words_ids_and_cjk() {
    assert_eq!(
        pieces("Don't avoid_sycophancy, well-known AI助手 U18 ÉTÉ"),
        vec![
            Piece::Word(vec!["dont".into()]),
            Piece::Word(vec!["avoid".into(), "sycophancy".into()]),
            Piece::Word(vec!["well".into()]),
            Piece::Word(vec!["known".into()]),
            Piece::Word(vec!["ai".into()]),
            Piece::Cjk(vec!['助', '手']),
            Piece::Word(vec!["u18".into()]),
            Piece::Word(vec!["été".into()]),
        ]
    );
    assert_eq!(
        pieces("__init__ ’quoted’"),
        vec![
            Piece::Word(vec!["init".into()]),
            Piece::Word(vec!["quoted".into()]),
        ]
    );
}

#[test]
fn tokens_have_positions_compounds_and_cjk_bigrams() {
    let mut t = Vec::new();
    let next = tokens("avoid_sycophancy 保护隐私", 0, &mut t);
    let got: Vec<(&str, u32, TokenKind)> =
        t.iter().map(|t| (t.term.as_str(), t.pos, t.kind)).collect();
    assert_eq!(
        got,
        vec![
            ("avoid_sycophancy", 0, TokenKind::Compound),
            ("avoid", 0, TokenKind::Word),
            ("sycoph", 1, TokenKind::Word),
            ("保", 2, TokenKind::CjkUnigram),
            ("保护", 2, TokenKind::CjkBigram),
            ("护", 3, TokenKind::CjkUnigram),
            ("护隐", 3, TokenKind::CjkBigram),
            ("隐", 4, TokenKind::CjkUnigram),
            ("隐私", 4, TokenKind::CjkBigram),
            ("私", 5, TokenKind::CjkUnigram),
        ]
    );
    assert_eq!(next, 6);
}

#[test]
fn english_stemming() {
    for w in ["lie", "lies", "lying", "lied"] {
        assert_eq!(stem(w), "lie", "{w}");
    }
    assert_eq!(
        stem("sycophancy"),
        stem("sycophantic").trim_end_matches("ant")
    );
    assert_eq!(stem("running"), "run");
    assert_eq!(stem("instructions"), stem("instruction"));
    // Short, non-ASCII and numeric words are kept as written.
    assert_eq!(stem("is"), "is");
    assert_eq!(stem("été"), "été");
    assert_eq!(stem("u18"), "u18");
    // Stop words are their own stems (the index marks stop terms by name).
    for w in STOP_WORDS {
        assert_eq!(stem(w), *w);
    }
    assert!(
        STOP_WORDS.windows(2).all(|w| w[0] < w[1]),
        "sorted for binary search"
    );
}

#[test]
fn edit_distance_counts_one_typo() {
    let d = |a: &str, b: &str| {
        edit_distance_capped(
            &a.chars().collect::<Vec<_>>(),
            &b.chars().collect::<Vec<_>>(),
        )
    };
    assert_eq!(d("privacy", "privacy"), 0);
    assert_eq!(d("privacy", "privasy"), 1); // substitution
    assert_eq!(d("privacy", "pivacy"), 1); // deletion
    assert_eq!(d("privacy", "privacyy"), 1); // insertion
    assert_eq!(d("privacy", "pirvacy"), 1); // transposition
    assert_eq!(d("privacy", "pirvcay"), 2);
    assert_eq!(d("privacy", "priv"), 2);
}

#[test]
fn query_parsing() {
    // The last word, still being typed, is a prefix; stop words drop out.
    assert_eq!(
        parse_query("the white li"),
        vec![
            Clause::Word(word("white", "white", false)),
            Clause::Word(word("li", "li", true)),
        ]
    );
    // A trailing space ends the prefix.
    assert_eq!(
        parse_query("lies "),
        vec![Clause::Word(word("lie", "lies", false))]
    );
    // A stop word alone is kept.
    assert_eq!(
        parse_query("the "),
        vec![Clause::Word(word("the", "the", false))]
    );
    // Quoted phrase, closed: positions, no prefix.
    let Clause::Phrase(p) = &parse_query("\"white lie\"")[0] else {
        panic!()
    };
    assert_eq!((p[0].pos, p[1].pos, p[1].prefix), (0, 1, false));
    // A rule id: a phrase of its parts plus a bonus for the exact id.
    let c = parse_query("avoid_sycophancy");
    assert!(matches!(&c[0], Clause::Phrase(p) if p.len() == 2 && p[1].prefix));
    assert_eq!(c[1], Clause::Bonus("avoid_sycophancy".into()));
    // CJK: bigrams at consecutive positions.
    let Clause::Phrase(p) = &parse_query("保护隐私")[0] else {
        panic!()
    };
    let terms: Vec<(&str, u32)> = p.iter().map(|e| (e.term.as_str(), e.pos)).collect();
    assert_eq!(terms, vec![("保护", 0), ("护隐", 1), ("隐私", 2)]);
    assert!(matches!(&parse_query("隐")[0], Clause::Word(e) if e.term == "隐"));
}

#[test]
fn rule_ids_bring_their_rule_first() {
    let s = searcher();
    assert_eq!(
        top(&s, "avoid_sycophancy")[0],
        "honesty.html#avoid_sycophancy"
    );
    assert_eq!(top(&s, "sycophancy")[0], "honesty.html#avoid_sycophancy");
    assert_eq!(top(&s, "do_not_lie")[0], "honesty.html#do_not_lie");
    // Partially typed id.
    assert_eq!(top(&s, "avoid_syc")[0], "honesty.html#avoid_sycophancy");
}

#[test]
fn stemming_and_prefix_and_typos_match() {
    let s = searcher();
    let lies = top(&s, "lies ");
    assert_eq!(
        lies[0], "honesty.html#do_not_lie",
        "title hit first: {lies:?}"
    );
    assert!(lies.contains(&"honesty.html#tell_stories".to_owned()));
    // Examples: "lying" in a verdict note.
    assert!(
        lies.iter().any(|h| h.contains("#ex-a-request-to-mislead")),
        "{lies:?}"
    );
    // Prefix of the word being typed.
    assert_eq!(top(&s, "sycoph")[0], "honesty.html#avoid_sycophancy");
    assert!(top(&s, "waterp").iter().any(|h| h.contains("mislead")));
    // One typo in a word of five letters or more.
    assert!(top(&s, "waterprof ").iter().any(|h| h.contains("mislead")));
    assert_eq!(top(&s, "sycophnacy ")[0], "honesty.html#avoid_sycophancy");
    // No typo tolerance below five letters.
    assert!(top(&s, "lirs ").is_empty());
    // All words must match.
    assert!(top(&s, "waterproof poem").is_empty());
}

#[test]
fn ranking_title_above_body_and_rule_above_its_examples() {
    let s = searcher();
    let hits = s.query("lie ").hits;
    assert_eq!(hits[0].href, "honesty.html#do_not_lie");
    assert_eq!(hits[0].kind, "rule");
    // In the rule's text and in its example's text: the rule first.
    assert_eq!(
        top(&s, "customers "),
        vec![
            "honesty.html#do_not_lie",
            "honesty.html#ex-a-request-to-mislead"
        ]
    );
    // In the rule's text and in its example's title: the title wins.
    assert_eq!(
        top(&s, "praise ")[0],
        "honesty.html#ex-user-fishes-for-praise"
    );
    let flattery = top(&s, "flatter ");
    assert_eq!(flattery[0], "honesty.html#avoid_sycophancy", "{flattery:?}");
}

#[test]
fn phrases_need_adjacent_words() {
    let s = searcher();
    let white_lie = top(&s, "\"white lie\"");
    assert_eq!(
        white_lie,
        vec!["honesty.html#do_not_lie"],
        "story says 'white is … a lie'"
    );
    assert_eq!(top(&s, "white lie").len(), 2);
    // Stop words inside a phrase are wildcards.
    assert_eq!(
        top(&s, "\"is still a lie\""),
        vec!["honesty.html#do_not_lie"]
    );
    // A verdict-note phrase finds its example.
    let note = top(&s, "\"flattery without substance\"");
    assert_eq!(note.len(), 1);
    assert!(note[0].contains("#ex-user-fishes-for-praise"));
}

#[test]
fn cjk_queries() {
    let s = searcher();
    assert_eq!(top(&s, "隐私")[0], "privacy_zh.html#privacy_zh");
    assert!(top(&s, "隐私").contains(&"privacy_zh.html#protect_privacy_zh".to_owned()));
    assert_eq!(top(&s, "住址"), vec!["privacy_zh.html#protect_privacy_zh"]);
    assert_eq!(
        top(&s, "查找他人"),
        vec!["privacy_zh.html#protect_privacy_zh"]
    );
    assert!(top(&s, "址住").is_empty(), "bigram order matters");
    assert!(!top(&s, "址").is_empty(), "single characters match");
}

#[test]
fn facets_and_metadata() {
    let f = files();
    let get = |p: &str| -> serde_json::Value {
        let (key, json) = unwrap_data(&f.iter().find(|x| x.path == p).unwrap().bytes).unwrap();
        assert_eq!(format!("search/{key}.js"), p);
        serde_json::from_slice(json).unwrap()
    };
    let m = get("search/manifest.js");
    let facets = get("search/facets.js");
    let classes = m["classes"].as_array().unwrap();
    let class_of = |doc: usize| classes[facets["c"][doc].as_u64().unwrap() as usize].clone();
    let s = searcher();
    let doc_of = |q: &str| s.query(q).hits[0].doc as usize;
    // [kind, authority, verdicts, roles, tags]
    let praise = class_of(doc_of("\"fishes for praise\""));
    assert_eq!(praise, serde_json::json!([1, 0, 3, 0, 0])); // example, root, good+bad
    let mislead = class_of(doc_of("\"request to mislead\""));
    assert_eq!(mislead, serde_json::json!([1, 3, 2, 2, 0])); // user, bad, developer
    let teen = class_of(doc_of("\"a teen user\""));
    assert_eq!(teen, serde_json::json!([1, 1, 0, 1, 1])); // system role, U18 setting
    let stories = class_of(doc_of("\"tell stories\""));
    assert_eq!(stories, serde_json::json!([0, 4, 0, 0, 1])); // rule, guideline, tagged
    let hit = &s.query("\"request to mislead\"").hits[0];
    assert_eq!(hit.title, "A request to mislead");
    assert_eq!(hit.crumb, "Honesty › Do not lie");
    assert_eq!(m["chapters"][1][1], "隐私");
}

#[test]
fn output_is_deterministic_and_chunked() {
    let a = files();
    let b = files();
    assert_eq!(a, b);
    let paths: Vec<&str> = a.iter().map(|f| f.path.as_str()).collect();
    for p in [
        "search/manifest.js",
        "search/facets.js",
        "search/e/0.js",
        "search/t/0.js",
        "search/p/0.js",
        "search/w/0.js",
        "search/m/0.js",
        "search/x/0.js",
    ] {
        assert!(paths.contains(&p), "{p}");
    }
    // Every file is a script that registers its data under its own path.
    for f in &a {
        let (key, json) = unwrap_data(&f.bytes).expect("a data file");
        assert_eq!(f.path, format!("search/{key}.js"));
        serde_json::from_slice::<serde_json::Value>(json).expect("JSON data");
    }
    let mut sorted = paths.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), paths.len(), "unique paths");
}

#[test]
fn empty_spec_builds_and_answers_nothing() {
    let spec = crate::model::Spec::default();
    let files = build_search_files(&spec);
    let s = Searcher::new(&files).unwrap();
    assert!(s.query("anything").hits.is_empty());
}

#[test]
fn data_files_are_scripts_and_the_examples_list_follows_the_facets() {
    assert_eq!(
        wrap_data("t/3", b"[1,\"a\"]"),
        b"window.__specbookData(\"t/3\",[1,\"a\"]);\n".to_vec()
    );
    assert_eq!(
        unwrap_data(&wrap_data("t/3", b"[1]")),
        Some(("t/3", &b"[1]"[..]))
    );
    assert_eq!(unwrap_data(b"[1]"), None);
    let f = files();
    let get = |p: &str| -> serde_json::Value {
        serde_json::from_slice(
            unwrap_data(&f.iter().find(|x| x.path == p).unwrap().bytes)
                .unwrap()
                .1,
        )
        .unwrap()
    };
    let m = get("search/manifest.js");
    let facets = get("search/facets.js");
    let per = m["edocs"].as_u64().unwrap() as usize;
    let mdocs = m["mdocs"].as_u64().unwrap() as usize;
    // The browser numbers the examples browser's entries from the facets.
    let entries: Vec<usize> = facets["c"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
        .filter(|(_, c)| m["classes"][c.as_u64().unwrap() as usize][0] != 0)
        .map(|(doc, _)| doc)
        .collect();
    assert_eq!(entries.len(), 3);
    for (i, doc) in entries.iter().enumerate() {
        let row = &get(&format!("search/e/{}.js", i / per))[i % per];
        let meta = &get(&format!("search/m/{}.js", doc / mdocs))[doc % mdocs];
        assert_eq!(row, meta, "entry {i} (doc {doc})");
    }
    assert!(
        !f.iter()
            .any(|x| x.path == format!("search/e/{}.js", 3 / per + 1))
    );
}

#[test]
fn stemming_follows_the_language() {
    for (lang, want) in [
        ("en", Stemming::English),
        ("en-US", Stemming::English),
        ("EN_gb", Stemming::English),
        ("", Stemming::English),
        ("fr", Stemming::Plain),
        ("zh-CN", Stemming::Plain),
        ("eng", Stemming::Plain),
    ] {
        assert_eq!(Stemming::for_language(lang), want, "{lang:?}");
    }
    let terms = |stemming| {
        let mut t = Vec::new();
        tokens_with("Lying instructions 隐私", 0, stemming, &mut t);
        t.into_iter().map(|t| t.term).collect::<Vec<_>>()
    };
    assert_eq!(
        terms(Stemming::English),
        ["lie", "instruct", "隐", "隐私", "私"]
    );
    assert_eq!(
        terms(Stemming::Plain),
        ["lying", "instructions", "隐", "隐私", "私"]
    );
    // The manifest round trip; an index without the field is English.
    for s in [Stemming::English, Stemming::Plain] {
        let v = serde_json::json!(s.manifest_value());
        assert_eq!(Stemming::from_manifest(Some(&v)), s);
    }
    assert_eq!(Stemming::from_manifest(None), Stemming::English);
    assert_eq!(
        super::query::parse_query_with("lying", Stemming::Plain),
        [Clause::Word(Elem {
            pos: 0,
            term: "lying".into(),
            surface: "lying".into(),
            prefix: true
        })]
    );
}
