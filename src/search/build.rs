//! Spec → search documents → the chunked index files (see `README.md`
//! beside this file for the format).

use std::collections::{BTreeMap, HashMap, HashSet};

use rayon::prelude::*;

use serde::Serialize;
use serde_json::{Value, json};

use super::tokenize::{Token, TokenKind, is_stop_word, tokens};
use super::{SearchFile, wrap_data};
use crate::model::{Authority, Block, Example, KNOWN_TAGS, Spec};
use crate::parse::inline::plain_text;
use crate::site::{eval_example_href, example_href, section_href};

/// Format version, in the manifest (`v`).
pub const FORMAT_VERSION: u32 = 1;
/// Where every file goes, relative to the site root.
pub const DIR: &str = "search";
/// Documents per metadata chunk (`m/<n>.js`).
pub const META_CHUNK_DOCS: usize = 16;
/// Examples and eval prompts per chunk of the examples browser's list
/// (`e/<n>.js`).
pub const EXAMPLE_CHUNK_DOCS: usize = 128;
/// Raw bytes a text chunk (`x/<n>.js`) grows to before the next starts.
pub const TEXT_CHUNK_BYTES: usize = 3_000;
/// Raw bytes a postings chunk (`t/<n>.js`) grows to before the next starts.
pub const TERM_CHUNK_BYTES: usize = 12_000;
/// Raw bytes a word-list chunk (`w/<n>.js`) grows to before the next starts.
pub const WORD_CHUNK_BYTES: usize = 6_000;

/// Score multipliers (×10) per document kind: a rule's own text ranks above
/// its examples, spec examples above eval prompts.
pub const KIND_WEIGHT: [u32; 3] = [10, 8, 6];
/// Field weights (×10): a term in the title, in the rule id; body terms
/// score by BM25 saturation, at most `(K1 + 1) × 10`.
pub const TITLE_WEIGHT: f64 = 40.0;
pub const ID_WEIGHT: f64 = 50.0;
const K1: f64 = 1.2;
const B: f64 = 0.75;
/// Gap between fields and blocks, so that a phrase never spans two.
const FIELD_GAP: u32 = 2;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    Rule = 0,
    Example = 1,
    Eval = 2,
}

pub const KINDS: [&str; 3] = ["rule", "example", "eval"];
pub const VERDICTS: [&str; 3] = ["good", "bad", "ok"];
pub const ROLES: [&str; 3] = ["system", "developer", "tool"];

/// One message of a conversation as the examples browser shows it:
/// `[role, verdict, text, note, comparison]` (`comparison` is -1 outside a
/// `<comparison>`; an elision is `["", "", "[...]", "", -1]`).
#[derive(Debug, Clone, Serialize)]
pub struct Msg(pub String, pub String, pub String, pub String, pub i64);

#[derive(Debug, Clone)]
pub enum DocText {
    Prose(String),
    Conversation(Vec<Msg>),
}

/// A search document: a section, a spec example or an eval prompt.
#[derive(Debug, Clone)]
pub struct Doc {
    pub kind: Kind,
    pub title: String,
    pub href: String,
    /// `Chapter › Section`: where the document stands.
    pub crumb: String,
    pub authority: Option<Authority>,
    pub verdicts: u8,
    pub roles: u8,
    pub tags: u8,
    /// Index into the chapter list, if any.
    pub chapter: Option<usize>,
    /// The rule id (sections only).
    pub rule_id: String,
    /// Indexed body blocks (plain text).
    pub body: Vec<String>,
    pub text: DocText,
}

pub struct Chapter {
    pub id: String,
    pub title: String,
    pub href: String,
}

/// The documents of a spec, in the index's order: each section followed by
/// its examples, then preamble examples, then eval prompts file by file.
pub fn documents(spec: &Spec) -> (Vec<Doc>, Vec<Chapter>) {
    let title_of = |id: &str| spec.section(id).map(|s| s.title.clone());
    let plain = |s: &str| plain_text(s, &title_of);
    let mut chapters = Vec::new();
    let mut chapter_of_section = vec![None; spec.sections.len()];
    for (i, s) in spec.sections.iter().enumerate() {
        if s.parent.is_none() {
            chapter_of_section[i] = Some(chapters.len());
            chapters.push(Chapter {
                id: s.id.clone(),
                title: plain(&s.title),
                href: section_href(spec, i),
            });
        }
    }
    for i in 0..spec.sections.len() {
        chapter_of_section[i] = chapter_of_section[spec.chapter_of(i)];
    }
    let authority_of = |mut i: usize| -> Option<Authority> {
        loop {
            if let Some(a) = spec.sections[i].authority_level() {
                return Some(a);
            }
            i = spec.sections[i].parent?;
        }
    };
    let tags_of = |mut i: usize| -> u8 {
        let mut mask = 0;
        loop {
            for t in &spec.sections[i].tags {
                if let Some(k) = KNOWN_TAGS.iter().position(|k| k == t) {
                    mask |= 1 << k;
                }
            }
            match spec.sections[i].parent {
                Some(p) => i = p,
                None => return mask,
            }
        }
    };
    let crumb_of = |i: usize, include_self: bool| -> String {
        let chapter = spec.chapter_of(i);
        let mut parts: Vec<String> = Vec::new();
        if chapter != i || include_self {
            parts.push(plain(&spec.sections[chapter].title));
        }
        if include_self && chapter != i {
            parts.push(plain(&spec.sections[i].title));
        } else if let Some(p) = spec.sections[i]
            .parent
            .filter(|&p| !include_self && p != chapter)
        {
            parts.push(plain(&spec.sections[p].title));
        }
        parts.join(" › ")
    };

    let mut docs = Vec::new();
    for (i, s) in spec.sections.iter().enumerate() {
        let mut body = Vec::new();
        for b in &s.blocks {
            match b {
                Block::Prose(span) => body.push(plain(&span.text)),
                Block::Commentary(c) => body.push(plain(&c.body.text)),
                Block::Example(_) => {}
            }
        }
        body.retain(|t| !t.is_empty());
        docs.push(Doc {
            kind: Kind::Rule,
            title: plain(&s.title),
            href: section_href(spec, i),
            crumb: crumb_of(i, false),
            authority: authority_of(i),
            verdicts: 0,
            roles: 0,
            tags: tags_of(i),
            chapter: chapter_of_section[i],
            rule_id: s.id.clone(),
            text: DocText::Prose(body.join(" ")),
            body,
        });
        for ex in s.examples() {
            let mut d = example_doc(ex, &plain, Kind::Example);
            d.href = example_href(spec, &s.id, &ex.id);
            d.crumb = crumb_of(i, true);
            d.authority = authority_of(i);
            d.tags |= tags_of(i);
            d.chapter = chapter_of_section[i];
            docs.push(d);
        }
    }
    for b in &spec.preamble {
        if let Block::Example(ex) = b {
            let mut d = example_doc(ex, &plain, Kind::Example);
            d.href = example_href(spec, "", &ex.id);
            d.crumb = spec.meta.title.clone();
            docs.push(d);
        }
    }
    for ef in &spec.evals {
        let section = ef.cited_by.first().copied().or_else(|| {
            let t = ef.header_section.as_deref()?;
            spec.sections.iter().position(|s| s.title == t)
        });
        for ex in &ef.examples {
            let mut d = example_doc(ex, &plain, Kind::Eval);
            d.href = eval_example_href(&ef.id, &ex.id);
            if d.title.is_empty() {
                d.title = format!("Eval prompt {}", ef.id);
            }
            match section {
                Some(i) => {
                    d.crumb = crumb_of(i, true);
                    d.authority = authority_of(i);
                    d.tags |= tags_of(i);
                    d.chapter = chapter_of_section[i];
                }
                None => d.crumb = format!("Eval prompts › {}", ef.id),
            }
            docs.push(d);
        }
    }
    (docs, chapters)
}

fn example_doc(ex: &Example, plain: &dyn Fn(&str) -> String, kind: Kind) -> Doc {
    let mut body = Vec::new();
    let mut msgs = Vec::new();
    let mut verdicts = 0u8;
    let mut roles = 0u8;
    let mut tags = 0u8;
    let mut push_msg = |mi: usize, msgs: &mut Vec<Msg>, body: &mut Vec<String>| {
        let m = &ex.messages[mi];
        let text = m.content.text.trim().to_owned();
        let note = m
            .comment
            .as_ref()
            .map(|c| plain(&c.text))
            .unwrap_or_default();
        let verdict = m.verdict.map(|v| v.as_str()).unwrap_or("");
        if let Some(v) = m.verdict {
            verdicts |= 1 << VERDICTS.iter().position(|&x| x == v.as_str()).unwrap_or(0);
        }
        if let Some(r) = ROLES.iter().position(|&r| r == m.role) {
            roles |= 1 << r;
        }
        for (k, v) in m.settings() {
            if k == "under_18" && v == "true" {
                tags |= 1
                    << KNOWN_TAGS
                        .iter()
                        .position(|&t| t == "under_18")
                        .unwrap_or(0);
            }
        }
        body.push(plain(&m.content.text));
        if !note.is_empty() {
            body.push(note.clone());
        }
        msgs.push(Msg(
            m.role.clone(),
            verdict.to_owned(),
            text,
            note,
            m.comparison.map(|c| c as i64).unwrap_or(-1),
        ));
    };
    for item in &ex.items {
        match item {
            crate::model::Item::Message(mi) => push_msg(*mi, &mut msgs, &mut body),
            crate::model::Item::Comparison { messages, .. } => {
                for &mi in messages {
                    push_msg(mi, &mut msgs, &mut body);
                }
            }
            crate::model::Item::Elision(t) => msgs.push(Msg(
                String::new(),
                String::new(),
                t.clone(),
                String::new(),
                -1,
            )),
        }
    }
    if ex.items.is_empty() {
        for mi in 0..ex.messages.len() {
            push_msg(mi, &mut msgs, &mut body);
        }
    }
    body.retain(|t| !t.is_empty());
    Doc {
        kind,
        title: plain(&ex.title.text),
        href: String::new(),
        crumb: String::new(),
        authority: None,
        verdicts,
        roles,
        tags,
        chapter: None,
        rule_id: String::new(),
        body,
        text: DocText::Conversation(msgs),
    }
}

/// Per (term, document) statistics while indexing.
#[derive(Default)]
struct Stat {
    in_title: bool,
    in_id: bool,
    body_tf: u32,
    positions: Vec<u32>,
}

/// Sort key that matches JavaScript's string comparison (UTF-16 units).
pub fn js_order(a: &str, b: &str) -> std::cmp::Ordering {
    a.encode_utf16().cmp(b.encode_utf16())
}

pub fn idf(n_docs: usize, df: usize) -> u32 {
    let (n, df) = (n_docs as f64, df as f64);
    let v = (1.0 + (n - df + 0.5) / (df + 0.5)).ln() * 100.0;
    (v.round() as u32).max(1)
}

/// One term of the index, encoded as its postings file row.
pub struct TermRow {
    pub term: String,
    pub idf: u32,
    /// Delta-encoded postings: `[doc, weight, doc, weight, …]`.
    pub postings: Vec<u32>,
    /// Positions of every posting, `[count, delta, …, count, …]`; empty
    /// when no posting has any.
    pub positions: Vec<u32>,
}

/// Terms with their postings, in index order.
pub struct TermIndex {
    pub terms: Vec<TermRow>,
    /// Every word as written, sorted (JS order).
    pub surfaces: Vec<String>,
}

/// A term while indexing: its postings as raw statistics (weights need
/// every document's length first) and its positions already encoded, so a
/// posting costs a few bytes, not an allocation.
#[derive(Default)]
struct TermAcc {
    /// (document, body term frequency, in title, in rule id).
    docs: Vec<(u32, u32, bool, bool)>,
    positions: Vec<u32>,
    has_positions: bool,
}

/// Documents tokenised at once (in parallel) before their statistics are
/// merged: bounds the memory held by per-document maps on large specs.
const INDEX_BATCH_DOCS: usize = 1024;

/// A document's statistics per term, and its body length.
type DocStats = (HashMap<String, Stat>, u32);

/// One document's term statistics, its body length (for BM25) and the
/// distinct surface words it contains.
fn doc_stats(d: &Doc) -> (DocStats, Vec<String>) {
    let mut stats: HashMap<String, Stat> = HashMap::new();
    let mut surfaces: Vec<String> = Vec::new();
    let mut toks: Vec<Token> = Vec::new();
    let title_end = tokens(&d.title, 0, &mut toks);
    let n_title = toks.len();
    let id_start = title_end + FIELD_GAP;
    let mut pos = if d.rule_id.is_empty() {
        id_start
    } else {
        tokens(&d.rule_id, id_start, &mut toks) + FIELD_GAP
    };
    let n_id_end = toks.len();
    for block in &d.body {
        pos = tokens(block, pos, &mut toks) + FIELD_GAP;
    }
    let mut body_len = 0u32;
    for (k, t) in toks.into_iter().enumerate() {
        if t.kind == TokenKind::Word {
            surfaces.push(t.surface);
        }
        let positional = t.kind != TokenKind::Compound && !is_stop_word(&t.term);
        let st = stats.entry(t.term).or_default();
        if k < n_title {
            st.in_title = true;
        } else if k < n_id_end {
            st.in_id = true;
        } else {
            st.body_tf += 1;
            if t.kind != TokenKind::CjkBigram && t.kind != TokenKind::Compound {
                body_len += 1;
            }
        }
        if positional && st.positions.last() != Some(&t.pos) {
            st.positions.push(t.pos);
        }
    }
    surfaces.sort_unstable();
    surfaces.dedup();
    ((stats, body_len), surfaces)
}

pub fn index_terms(docs: &[Doc]) -> TermIndex {
    let mut surfaces: HashSet<String> = HashSet::new();
    let mut lens: Vec<u32> = Vec::with_capacity(docs.len());
    // Postings grow in document order; terms are sorted once at the end.
    let mut by_term: HashMap<String, TermAcc> = HashMap::new();
    for batch in docs.chunks(INDEX_BATCH_DOCS) {
        let stats: Vec<(DocStats, Vec<String>)> = batch.par_iter().map(doc_stats).collect();
        for ((stats, len), doc_surfaces) in stats {
            let di = lens.len() as u32;
            lens.push(len);
            surfaces.extend(doc_surfaces);
            for (term, st) in stats {
                let acc = by_term.entry(term).or_default();
                acc.docs.push((di, st.body_tf, st.in_title, st.in_id));
                acc.positions.push(st.positions.len() as u32);
                acc.has_positions |= !st.positions.is_empty();
                let mut prev = 0;
                for x in st.positions {
                    acc.positions.push(x - prev);
                    prev = x;
                }
            }
        }
    }
    let mut avg = [0f64; 3];
    for (k, slot) in avg.iter_mut().enumerate() {
        let (sum, count) = docs
            .iter()
            .zip(&lens)
            .filter(|(d, _)| d.kind as usize == k)
            .fold((0f64, 0usize), |(s, c), (_, &l)| (s + f64::from(l), c + 1));
        *slot = if count == 0 {
            1.0
        } else {
            (sum / count as f64).max(1.0)
        };
    }
    let weight = |di: u32, tf: u32, in_title: bool, in_id: bool| -> u32 {
        let kind = docs[di as usize].kind as usize;
        let mut w = 0.0;
        if in_title {
            w += TITLE_WEIGHT;
        }
        if in_id {
            w += ID_WEIGHT;
        }
        if tf > 0 {
            let tf = f64::from(tf);
            let norm = K1 * (1.0 - B + B * f64::from(lens[di as usize]) / avg[kind]);
            w += 10.0 * tf * (K1 + 1.0) / (tf + norm);
        }
        ((w * f64::from(KIND_WEIGHT[kind]) / 10.0).round() as u32).max(1)
    };
    let n = docs.len();
    let mut terms: Vec<TermRow> = by_term
        .into_iter()
        .map(|(term, acc)| {
            let mut postings = Vec::with_capacity(acc.docs.len() * 2);
            let mut prev = 0;
            for &(di, tf, in_title, in_id) in &acc.docs {
                postings.push(di - prev);
                postings.push(weight(di, tf, in_title, in_id));
                prev = di;
            }
            TermRow {
                term,
                idf: idf(n, acc.docs.len()),
                postings,
                positions: if acc.has_positions {
                    acc.positions
                } else {
                    Vec::new()
                },
            }
        })
        .collect();
    terms.sort_by(|a, b| js_order(&a.term, &b.term));
    let mut surfaces: Vec<String> = surfaces.into_iter().collect();
    surfaces.sort_by(|a, b| js_order(a, b));
    TermIndex { terms, surfaces }
}

fn json_bytes(v: &impl Serialize) -> Vec<u8> {
    serde_json::to_vec(v).expect("serialisable")
}

/// Site path of a data file, from its key (`t/3` → `search/t/3.js`).
pub fn data_path(key: &str) -> String {
    format!("{DIR}/{key}.js")
}

/// A data file: `json` under `key`, wrapped in the registration call.
fn data_file(key: &str, json: &[u8]) -> SearchFile {
    SearchFile {
        path: data_path(key),
        bytes: wrap_data(key, json),
    }
}

fn chunk_key(dir: &str, n: usize) -> String {
    format!("{dir}/{n}")
}

/// Builds every file of the index and hands each to `emit` as soon as it
/// is made (the manifest last).
pub fn build_into(
    spec: &Spec,
    emit: &mut dyn FnMut(SearchFile) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let (docs, chapters) = documents(spec);
    let index = index_terms(&docs);

    // Postings and positions, split by term range.
    let mut term_keys: Vec<String> = Vec::new();
    let mut chunk: Vec<&TermRow> = Vec::new();
    let mut size = 0usize;
    let mut flush = |chunk: &mut Vec<&TermRow>, n: usize| -> anyhow::Result<()> {
        let rows: Vec<Value> = chunk
            .iter()
            .map(|t| json!([t.term, t.idf, t.postings]))
            .collect();
        emit(data_file(&chunk_key("t", n), &json_bytes(&rows)))?;
        let pos = if chunk.iter().all(|t| t.positions.is_empty()) {
            b"[]".to_vec()
        } else {
            json_bytes(&chunk.iter().map(|t| &t.positions).collect::<Vec<_>>())
        };
        emit(data_file(&chunk_key("p", n), &pos))?;
        chunk.clear();
        Ok(())
    };
    for row in &index.terms {
        if chunk.is_empty() {
            term_keys.push(if term_keys.is_empty() {
                String::new()
            } else {
                row.term.clone()
            });
        }
        size += row.term.len() + 8 + row.postings.iter().map(|x| digits(*x) + 1).sum::<usize>();
        chunk.push(row);
        if size >= TERM_CHUNK_BYTES {
            flush(&mut chunk, term_keys.len() - 1)?;
            size = 0;
        }
    }
    if !chunk.is_empty() {
        flush(&mut chunk, term_keys.len() - 1)?;
    }

    // Word lists (words as written) for prefix and typo look-ups.
    let mut word_keys: Vec<String> = Vec::new();
    let mut words: Vec<&str> = Vec::new();
    let mut size = 0usize;
    for s in &index.surfaces {
        if words.is_empty() {
            word_keys.push(if word_keys.is_empty() {
                String::new()
            } else {
                s.clone()
            });
        }
        words.push(s);
        size += s.len() + 3;
        if size >= WORD_CHUNK_BYTES {
            emit(data_file(
                &chunk_key("w", word_keys.len() - 1),
                &json_bytes(&words),
            ))?;
            words.clear();
            size = 0;
        }
    }
    if !words.is_empty() || word_keys.is_empty() {
        if word_keys.is_empty() {
            word_keys.push(String::new());
        }
        emit(data_file(
            &chunk_key("w", word_keys.len() - 1),
            &json_bytes(&words),
        ))?;
    }

    // Facet classes and per-document facets.
    let mut classes: Vec<[i64; 5]> = Vec::new();
    let mut class_of: BTreeMap<[i64; 5], usize> = BTreeMap::new();
    let mut doc_class = Vec::with_capacity(docs.len());
    let mut doc_chapter = Vec::with_capacity(docs.len());
    for d in &docs {
        let key = [
            d.kind as i64,
            d.authority.map(|a| a as i64).unwrap_or(-1),
            i64::from(d.verdicts),
            i64::from(d.roles),
            i64::from(d.tags),
        ];
        let c = *class_of.entry(key).or_insert_with(|| {
            classes.push(key);
            classes.len() - 1
        });
        doc_class.push(c);
        doc_chapter.push(d.chapter.map(|c| c as i64).unwrap_or(-1));
    }
    emit(data_file(
        "facets",
        &json_bytes(&json!({"c": doc_class, "ch": doc_chapter})),
    ))?;

    // Display metadata, fixed-size chunks.
    for (n, group) in docs.chunks(META_CHUNK_DOCS).enumerate() {
        let rows: Vec<Value> = group
            .iter()
            .map(|d| json!([d.title, d.href, d.crumb]))
            .collect();
        emit(data_file(&chunk_key("m", n), &json_bytes(&rows)))?;
    }

    // Text for snippets and conversations, chunks by size.
    let mut text_starts: Vec<usize> = Vec::new();
    let mut rows: Vec<Value> = Vec::new();
    let mut size = 0usize;
    for (i, d) in docs.iter().enumerate() {
        if rows.is_empty() {
            text_starts.push(i);
        }
        let v = match &d.text {
            DocText::Prose(t) => json!(t),
            DocText::Conversation(m) => json!(m),
        };
        let bytes = json_bytes(&v);
        size += bytes.len();
        rows.push(v);
        if size >= TEXT_CHUNK_BYTES {
            emit(data_file(
                &chunk_key("x", text_starts.len() - 1),
                &json_bytes(&rows),
            ))?;
            rows.clear();
            size = 0;
        }
    }
    if !rows.is_empty() {
        emit(data_file(
            &chunk_key("x", text_starts.len() - 1),
            &json_bytes(&rows),
        ))?;
    }

    // The examples browser's list: `[title, href, crumb]` of every example
    // and eval prompt in document order, a fixed number per chunk (the
    // browser numbers them from `facets`: every document not a rule).
    let examples: Vec<Value> = docs
        .iter()
        .filter(|d| d.kind != Kind::Rule)
        .map(|d| json!([d.title, d.href, d.crumb]))
        .collect();
    for (n, group) in examples.chunks(EXAMPLE_CHUNK_DOCS).enumerate() {
        emit(data_file(&chunk_key("e", n), &json_bytes(&group)))?;
    }

    let authorities: Vec<[&str; 2]> = Authority::ALL
        .iter()
        .map(|a| [a.as_str(), a.label()])
        .collect();
    let chapters: Vec<Value> = chapters
        .iter()
        .map(|c| json!([c.id, c.title, c.href]))
        .collect();
    let manifest = json!({
        "v": FORMAT_VERSION,
        "docs": docs.len(),
        "t": term_keys,
        "w": word_keys,
        "x": text_starts.windows(2).map(|w| w[1] - w[0]).collect::<Vec<_>>(),
        "mdocs": META_CHUNK_DOCS,
        "edocs": EXAMPLE_CHUNK_DOCS,
        "kinds": KINDS,
        "authorities": authorities,
        "verdicts": VERDICTS,
        "roles": ROLES,
        "tags": KNOWN_TAGS,
        "chapters": chapters,
        "classes": classes,
    });
    emit(data_file("manifest", &json_bytes(&manifest)))
}

/// [`build_into`], collected in the order made.
pub fn build(spec: &Spec) -> Vec<SearchFile> {
    let mut files = Vec::new();
    build_into(spec, &mut |f| {
        files.push(f);
        Ok(())
    })
    .expect("collecting into memory cannot fail");
    files
}

fn digits(mut x: u32) -> usize {
    let mut n = 1;
    while x >= 10 {
        x /= 10;
        n += 1;
    }
    n
}
