//! The index's files: the term index and the documents cut into chunks
//! (see `README.md` beside this file for the format), each handed on as
//! soon as it is made, the manifest last.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{Value, json};

use super::documents::{Chapter, Doc, DocText, KINDS, Kind, ROLES, VERDICTS, documents};
use super::query;
use super::terms::{TermCache, TermIndex, TermRow, index_terms};
use super::tokenize::{STOP_WORDS, Stemming};
use super::{SearchFile, wrap_data};
use crate::model::{KNOWN_TAGS, Spec};

/// Format version, in the manifest (`v`).
const FORMAT_VERSION: u32 = 1;
/// Where every file goes, relative to the site root.
pub const DIR: &str = "search";
/// Documents per metadata chunk (`m/<n>.js`).
const META_CHUNK_DOCS: usize = 16;
/// Examples and eval prompts per chunk of the examples browser's list
/// (`e/<n>.js`).
const EXAMPLE_CHUNK_DOCS: usize = 128;
/// Raw bytes a text chunk (`x/<n>.js`) grows to before the next starts.
const TEXT_CHUNK_BYTES: usize = 3_000;
/// Raw bytes a postings chunk (`t/<n>.js`) grows to before the next starts.
const TERM_CHUNK_BYTES: usize = 12_000;
/// Raw bytes a word-list chunk (`w/<n>.js`) grows to before the next starts.
const WORD_CHUNK_BYTES: usize = 6_000;

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

/// Hands a finished file on.
type Emit<'a> = &'a mut dyn FnMut(SearchFile) -> anyhow::Result<()>;

/// Builds every file of the index and hands each to `emit` as soon as it
/// is made (the manifest last: it names the chunks the others made).
pub fn build_into(spec: &Spec, emit: Emit<'_>) -> anyhow::Result<()> {
    build_cached(spec, None, emit)
}

/// [`build_into`], reusing the term statistics of unchanged documents
/// kept in `cache` (`serve`); the same files as without.
pub fn build_cached(spec: &Spec, cache: Option<&TermCache>, emit: Emit<'_>) -> anyhow::Result<()> {
    let timing = crate::outputs::timing;
    let start = std::time::Instant::now();
    let (mut docs, chapters) = documents(spec);
    timing("search: documents", start.elapsed());
    // The texts first: they read the bodies, which indexing then frees.
    let text_starts = write_texts(&mut docs, emit)?;
    let start = std::time::Instant::now();
    let stemming = Stemming::for_language(&spec.meta.language);
    let index = index_terms(&mut docs, cache, stemming);
    timing("search: terms", start.elapsed());
    let start = std::time::Instant::now();
    let chunks = Chunks {
        terms: write_terms(&index, emit)?,
        words: write_words(&index, emit)?,
        classes: write_facets(&docs, emit)?,
        text_starts,
    };
    write_metadata(&docs, emit)?;
    write_examples(&docs, emit)?;
    write_rules(&docs, emit)?;
    let written = write_manifest(spec, &docs, &chapters, chunks, stemming, emit);
    timing("search: files", start.elapsed());
    written
}

/// What the manifest says of the chunked files.
struct Chunks {
    /// First term of each postings chunk (`""` for the first).
    terms: Vec<String>,
    /// First word of each word-list chunk (`""` for the first).
    words: Vec<String>,
    /// The distinct facet combinations documents refer to.
    classes: Vec<[i64; 5]>,
    /// First document of each text chunk.
    text_starts: Vec<usize>,
}

/// Postings and positions (`t/<n>.js`, `p/<n>.js`), split by term range;
/// returns the first term of each chunk.
fn write_terms(index: &TermIndex, emit: Emit<'_>) -> anyhow::Result<Vec<String>> {
    let mut keys: Vec<String> = Vec::new();
    let mut chunk: Vec<&TermRow> = Vec::new();
    let mut size = 0usize;
    let mut flush = |chunk: &mut Vec<&TermRow>, n: usize| -> anyhow::Result<()> {
        // `[term, idf, postings]` rows, serialised from the index as it
        // is (a `Value` per posting would cost an allocation each).
        let rows: Vec<(&str, u32, &[u32])> = chunk
            .iter()
            .map(|t| (t.term.as_str(), t.idf, t.postings.as_slice()))
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
            keys.push(if keys.is_empty() {
                String::new()
            } else {
                row.term.clone()
            });
        }
        size += row.term.len() + 8 + row.postings.iter().map(|x| digits(*x) + 1).sum::<usize>();
        chunk.push(row);
        if size >= TERM_CHUNK_BYTES {
            flush(&mut chunk, keys.len() - 1)?;
            size = 0;
        }
    }
    if !chunk.is_empty() {
        flush(&mut chunk, keys.len() - 1)?;
    }
    Ok(keys)
}

/// Word lists (`w/<n>.js`: words as written) for prefix and typo
/// look-ups; returns the first word of each chunk. There is always one
/// chunk, empty or not.
fn write_words(index: &TermIndex, emit: Emit<'_>) -> anyhow::Result<Vec<String>> {
    let mut keys: Vec<String> = Vec::new();
    let mut words: Vec<&str> = Vec::new();
    let mut size = 0usize;
    for s in &index.surfaces {
        if words.is_empty() {
            keys.push(if keys.is_empty() {
                String::new()
            } else {
                s.clone()
            });
        }
        words.push(s);
        size += s.len() + 3;
        if size >= WORD_CHUNK_BYTES {
            emit(data_file(
                &chunk_key("w", keys.len() - 1),
                &json_bytes(&words),
            ))?;
            words.clear();
            size = 0;
        }
    }
    if !words.is_empty() || keys.is_empty() {
        if keys.is_empty() {
            keys.push(String::new());
        }
        emit(data_file(
            &chunk_key("w", keys.len() - 1),
            &json_bytes(&words),
        ))?;
    }
    Ok(keys)
}

/// Each document's facet class and chapter (`facets.js`); returns the
/// classes: `[kind, authority, verdicts, roles, tags]`.
fn write_facets(docs: &[Doc], emit: Emit<'_>) -> anyhow::Result<Vec<[i64; 5]>> {
    let mut classes: Vec<[i64; 5]> = Vec::new();
    let mut class_of: BTreeMap<[i64; 5], usize> = BTreeMap::new();
    let mut doc_class = Vec::with_capacity(docs.len());
    let mut doc_chapter = Vec::with_capacity(docs.len());
    for d in docs {
        let key = [
            d.kind as i64,
            d.authority.map(|a| i64::from(a.0)).unwrap_or(-1),
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
    Ok(classes)
}

/// Display metadata (`m/<n>.js`: title, link, crumb), fixed-size chunks.
fn write_metadata(docs: &[Doc], emit: Emit<'_>) -> anyhow::Result<()> {
    for (n, group) in docs.chunks(META_CHUNK_DOCS).enumerate() {
        let rows: Vec<[&str; 3]> = group
            .iter()
            .map(|d| [d.title.as_str(), &d.href, &d.crumb])
            .collect();
        emit(data_file(&chunk_key("m", n), &json_bytes(&rows)))?;
    }
    Ok(())
}

/// Text for snippets and conversations (`x/<n>.js`), chunks by size;
/// returns the first document of each chunk. Each document's text is
/// dropped once written.
fn write_texts(docs: &mut [Doc], emit: Emit<'_>) -> anyhow::Result<Vec<usize>> {
    let mut starts: Vec<usize> = Vec::new();
    // The chunk's JSON array, each document's text serialised once.
    let mut rows: Vec<u8> = Vec::new();
    let mut size = 0usize;
    let mut flush = |rows: &mut Vec<u8>, n: usize| {
        rows.push(b']');
        let file = data_file(&chunk_key("x", n), rows);
        rows.clear();
        emit(file)
    };
    for (i, d) in docs.iter_mut().enumerate() {
        if rows.is_empty() {
            starts.push(i);
            rows.push(b'[');
        } else {
            rows.push(b',');
        }
        let bytes = match &d.text {
            DocText::Body => json_bytes(&d.body.join(" ")),
            DocText::Conversation(m) => json_bytes(m),
            DocText::Written => anyhow::bail!("a document's text was written twice"),
        };
        // Nothing after reads the text: its memory goes back before the
        // index is made.
        d.text = DocText::Written;
        size += bytes.len();
        rows.extend_from_slice(&bytes);
        if size >= TEXT_CHUNK_BYTES {
            flush(&mut rows, starts.len() - 1)?;
            size = 0;
        }
    }
    if !rows.is_empty() {
        flush(&mut rows, starts.len() - 1)?;
    }
    Ok(starts)
}

/// The examples browser's list (`e/<n>.js`): `[title, href, crumb]` of
/// every example and eval prompt in document order, a fixed number per
/// chunk (the browser numbers them from `facets`: every document not a
/// rule).
fn write_examples(docs: &[Doc], emit: Emit<'_>) -> anyhow::Result<()> {
    let examples: Vec<[&str; 3]> = docs
        .iter()
        .filter(|d| d.kind != Kind::Rule)
        .map(|d| [d.title.as_str(), &d.href, &d.crumb])
        .collect();
    for (n, group) in examples.chunks(EXAMPLE_CHUNK_DOCS).enumerate() {
        emit(data_file(&chunk_key("e", n), &json_bytes(&group)))?;
    }
    Ok(())
}

/// `rules.js`: `[id, title, href]` of every rule, read only when a search
/// finds nothing, to suggest the rules nearest to the query.
fn write_rules(docs: &[Doc], emit: Emit<'_>) -> anyhow::Result<()> {
    let rules: Vec<[&str; 3]> = docs
        .iter()
        .filter(|d| d.kind == Kind::Rule)
        .map(|d| [d.rule_id.as_str(), &d.title, &d.href])
        .collect();
    emit(data_file("rules", &json_bytes(&rules)))
}

/// `manifest.js`: what the browser reads first — the chunk tables, the
/// facet vocabularies, and the query rules (ranking constants and stop
/// words), so that the browser engine and the Rust one share one source.
fn write_manifest(
    spec: &Spec,
    docs: &[Doc],
    chapters: &[Chapter],
    chunks: Chunks,
    stemming: Stemming,
    emit: Emit<'_>,
) -> anyhow::Result<()> {
    let authorities: Vec<[&str; 2]> = spec
        .levels
        .iter()
        .map(|l| [l.name.as_str(), l.label.as_str()])
        .collect();
    let chapters: Vec<Value> = chapters
        .iter()
        .map(|c| json!([c.id, c.title, c.href]))
        .collect();
    let starts = &chunks.text_starts;
    let manifest = json!({
        "v": FORMAT_VERSION,
        "docs": docs.len(),
        "t": chunks.terms,
        "w": chunks.words,
        "x": starts.windows(2).map(|w| w[1] - w[0]).collect::<Vec<_>>(),
        "mdocs": META_CHUNK_DOCS,
        "edocs": EXAMPLE_CHUNK_DOCS,
        "kinds": KINDS,
        "authorities": authorities,
        "verdicts": VERDICTS,
        "roles": ROLES,
        "tags": KNOWN_TAGS,
        "chapters": chapters,
        "classes": chunks.classes,
        "rank": query::RANKING,
        "stop": STOP_WORDS,
        "stem": stemming.manifest_value(),
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
