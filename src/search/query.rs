//! The query algorithm, over the built files. `static/search.js` runs the
//! same algorithm in the browser (same parsing, same integer scores, same
//! tie-break), so ranking can be tested here; the node test in
//! `tests/search.rs` checks that both return the same documents.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::LazyLock;

use regex::Regex;
use serde_json::Value;

use super::build::data_path;
use super::documents::KINDS;
use super::terms::js_order;
use super::tokenize::{Piece, Stemming, edit_distance_capped, is_stop_word, pieces};
use super::{SearchFile, unwrap_data};

/// Score factors (×10) of a query word's matches.
const EXACT: u64 = 10;
const PREFIX: u64 = 7;
const TYPO: u64 = 5;
/// Prefix expansion: at most this many word-list chunks and distinct terms.
const MAX_PREFIX_CHUNKS: usize = 3;
const MAX_PREFIX_TERMS: usize = 24;
/// Typo look-up: words of at least this many characters; at most this many
/// word-list chunks.
const TYPO_MIN_CHARS: usize = 5;
const MAX_TYPO_CHUNKS: usize = 8;
/// Results the UI shows first (their metadata and text are fetched).
const PAGE: usize = 10;

/// The constants above as the manifest carries them to `static/search.js`
/// (`rank`), so the browser engine reads them from here, never from a
/// copy of its own.
#[derive(Debug, serde::Serialize)]
pub struct Ranking {
    exact: u64,
    prefix: u64,
    typo: u64,
    max_prefix_chunks: usize,
    max_prefix_terms: usize,
    typo_min_chars: usize,
    max_typo_chunks: usize,
}

pub const RANKING: Ranking = Ranking {
    exact: EXACT,
    prefix: PREFIX,
    typo: TYPO,
    max_prefix_chunks: MAX_PREFIX_CHUNKS,
    max_prefix_terms: MAX_PREFIX_TERMS,
    typo_min_chars: TYPO_MIN_CHARS,
    max_typo_chunks: MAX_TYPO_CHUNKS,
};

static ENDS_IN_WORD: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[\p{Alphabetic}\p{M}\p{N}_'’]\z").expect("valid pattern"));

/// One element of a phrase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Elem {
    pub pos: u32,
    pub term: String,
    /// The word as typed ("" for CJK).
    pub surface: String,
    pub prefix: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Clause {
    /// One word (or one CJK character): must match.
    Word(Elem),
    /// Words at fixed relative positions: must match in that order.
    Phrase(Vec<Elem>),
    /// A rule id written with underscores: adds to the score if present.
    Bonus(String),
}

/// The clauses of a query against an English index (see
/// [`parse_query_with`]).
pub fn parse_query(q: &str) -> Vec<Clause> {
    parse_query_with(q, Stemming::English)
}

/// The clauses of a query, as `search.js` parses it, words stemmed as the
/// index's were.
pub fn parse_query_with(q: &str, stemming: Stemming) -> Vec<Clause> {
    let prefix_ok = ENDS_IN_WORD.is_match(q);
    let mut segments: Vec<(String, bool)> = vec![(String::new(), false)];
    for c in q.chars() {
        if matches!(c, '"' | '“' | '”') {
            let phrase = !segments.last().map(|s| s.1).unwrap_or(false);
            segments.push((String::new(), phrase));
        } else if let Some(s) = segments.last_mut() {
            s.0.push(c);
        }
    }
    let n_seg = segments.len();
    let mut clauses = Vec::new();
    for (si, (text, phrase)) in segments.into_iter().enumerate() {
        let last_seg = si + 1 == n_seg;
        let ps = pieces(&text);
        if phrase {
            let mut elems = Vec::new();
            let mut pos = 0u32;
            for p in &ps {
                push_piece_elems(p, &mut pos, stemming, &mut elems);
            }
            if let (true, Some(Piece::Word(_)), Some(e)) =
                (last_seg && prefix_ok, ps.last(), elems.last_mut())
            {
                e.prefix = true;
            }
            match elems.len() {
                0 => {}
                1 => clauses.push(Clause::Word(elems.pop().expect("one"))),
                _ => clauses.push(Clause::Phrase(elems)),
            }
            continue;
        }
        let np = ps.len();
        for (pi, p) in ps.iter().enumerate() {
            let last = last_seg && pi + 1 == np && prefix_ok;
            let mut elems = Vec::new();
            let mut pos = 0u32;
            push_piece_elems(p, &mut pos, stemming, &mut elems);
            if let Piece::Word(parts) = p {
                if let Some(e) = elems.last_mut().filter(|_| last) {
                    e.prefix = true;
                }
                if parts.len() > 1 {
                    clauses.push(Clause::Phrase(elems));
                    clauses.push(Clause::Bonus(parts.join("_")));
                    continue;
                }
            }
            match elems.len() {
                0 => {}
                1 => clauses.push(Clause::Word(elems.pop().expect("one"))),
                _ => clauses.push(Clause::Phrase(elems)),
            }
        }
    }
    // Stop words count only when the query has nothing else.
    let is_stop = |c: &Clause| matches!(c, Clause::Word(e) if !e.prefix && is_stop_word(&e.term));
    if clauses
        .iter()
        .any(|c| !is_stop(c) && !matches!(c, Clause::Bonus(_)))
    {
        clauses.retain(|c| !is_stop(c));
    }
    clauses
}

fn push_piece_elems(p: &Piece, pos: &mut u32, stemming: Stemming, elems: &mut Vec<Elem>) {
    match p {
        Piece::Cjk(chars) if chars.len() == 1 => {
            elems.push(Elem {
                pos: *pos,
                term: chars[0].to_string(),
                surface: String::new(),
                prefix: false,
            });
            *pos += 1;
        }
        Piece::Cjk(chars) => {
            for (i, w) in chars.windows(2).enumerate() {
                elems.push(Elem {
                    pos: *pos + i as u32,
                    term: w.iter().collect(),
                    surface: String::new(),
                    prefix: false,
                });
            }
            *pos += chars.len() as u32;
        }
        Piece::Word(parts) => {
            for part in parts {
                elems.push(Elem {
                    pos: *pos,
                    term: stemming.stem(part),
                    surface: part.clone(),
                    prefix: false,
                });
                *pos += 1;
            }
        }
    }
}

/// One phrase element with its candidate terms and per-document scores.
type PhrasePart<'a> = (&'a Elem, Vec<(String, u64)>, BTreeMap<u32, u64>);

/// A term's entry in its chunk.
struct TermEntry {
    idf: u64,
    /// (doc, weight)
    postings: Vec<(u32, u64)>,
    /// Positions per posting (empty for stop words and compounds).
    positions: Vec<Vec<u32>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub doc: u32,
    pub score: u64,
    pub kind: &'static str,
    pub title: String,
    pub href: String,
    pub crumb: String,
}

#[derive(Debug, Clone, Default)]
pub struct Outcome {
    pub hits: Vec<Hit>,
    /// Files the browser fetches before the first result shows (index
    /// chunks, facets, the first hit's metadata and text).
    pub files_first: BTreeSet<String>,
    /// Files for the whole first page of results.
    pub files_page: BTreeSet<String>,
}

/// The built index, loaded whole (the browser loads it piecemeal).
pub struct Searcher {
    files: BTreeMap<String, Vec<u8>>,
    term_keys: Vec<String>,
    word_keys: Vec<String>,
    text_starts: Vec<usize>,
    meta_docs: usize,
    classes: Vec<Vec<i64>>,
    doc_class: Vec<usize>,
    terms: Vec<BTreeMap<String, TermEntry>>,
    words: Vec<Vec<String>>,
    /// The manifest's `"stem"`: how query words become terms.
    stemming: Stemming,
}

fn get_u(v: &Value) -> u64 {
    v.as_u64().unwrap_or(0)
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .map(|s| s.as_str().unwrap_or("").to_owned())
                .collect()
        })
        .unwrap_or_default()
}

impl Searcher {
    pub fn new(files: &[SearchFile]) -> anyhow::Result<Self> {
        let files: BTreeMap<String, Vec<u8>> = files
            .iter()
            .map(|f| (f.path.clone(), f.bytes.clone()))
            .collect();
        let json = |key: &str| -> anyhow::Result<Value> {
            let p = data_path(key);
            let b = files
                .get(&p)
                .ok_or_else(|| anyhow::anyhow!("missing search file {p}"))?;
            let (k, j) =
                unwrap_data(b).ok_or_else(|| anyhow::anyhow!("malformed data file {p}"))?;
            anyhow::ensure!(k == key, "{p} registers itself as {k:?}");
            Ok(serde_json::from_slice(j)?)
        };
        let m = json("manifest")?;
        let stemming = Stemming::from_manifest(m.get("stem"));
        let term_keys = strings(&m["t"]);
        let word_keys = strings(&m["w"]);
        let mut text_starts = vec![0usize];
        for d in m["x"].as_array().into_iter().flatten() {
            let last = *text_starts.last().expect("non-empty");
            text_starts.push(last + get_u(d) as usize);
        }
        let classes = m["classes"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|c| {
                c.as_array()
                    .into_iter()
                    .flatten()
                    .map(|x| x.as_i64().unwrap_or(-1))
                    .collect()
            })
            .collect();
        let facets = json("facets")?;
        let doc_class = facets["c"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|x| get_u(x) as usize)
            .collect();
        let mut terms = Vec::new();
        for n in 0..term_keys.len() {
            let t = json(&format!("t/{n}"))?;
            let p = json(&format!("p/{n}"))?;
            let mut chunk = BTreeMap::new();
            for (i, row) in t.as_array().into_iter().flatten().enumerate() {
                let term = row[0].as_str().unwrap_or("").to_owned();
                let idf = get_u(&row[1]);
                let enc: Vec<u64> = row[2].as_array().into_iter().flatten().map(get_u).collect();
                let mut postings = Vec::with_capacity(enc.len() / 2);
                let mut doc = 0u64;
                for pair in enc.chunks(2) {
                    doc += pair[0];
                    postings.push((doc as u32, pair[1]));
                }
                let pos_enc: Vec<u64> = p
                    .get(i)
                    .and_then(|v| v.as_array())
                    .into_iter()
                    .flatten()
                    .map(get_u)
                    .collect();
                let mut positions = Vec::new();
                let mut k = 0;
                while k < pos_enc.len() {
                    let count = pos_enc[k] as usize;
                    k += 1;
                    let mut acc = 0u64;
                    let mut ps = Vec::with_capacity(count);
                    for _ in 0..count {
                        acc += pos_enc[k];
                        k += 1;
                        ps.push(acc as u32);
                    }
                    positions.push(ps);
                }
                chunk.insert(
                    term,
                    TermEntry {
                        idf,
                        postings,
                        positions,
                    },
                );
            }
            terms.push(chunk);
        }
        let mut words = Vec::new();
        for n in 0..word_keys.len() {
            words.push(strings(&json(&format!("w/{n}"))?));
        }
        Ok(Self {
            meta_docs: get_u(&m["mdocs"]).max(1) as usize,
            files,
            term_keys,
            word_keys,
            text_starts,
            classes,
            doc_class,
            terms,
            words,
            stemming,
        })
    }

    /// Index of the chunk whose range holds `key`: the last first-key ≤ key.
    fn chunk_of(keys: &[String], key: &str) -> usize {
        keys.partition_point(|k| js_order(k, key) != std::cmp::Ordering::Greater)
            .saturating_sub(1)
    }

    /// Chunks holding keys that start with `prefix`, at most `cap`.
    fn chunks_with_prefix(keys: &[String], prefix: &str, cap: usize) -> Vec<usize> {
        let first = Self::chunk_of(keys, prefix);
        let mut out = vec![first];
        let mut j = first + 1;
        while j < keys.len() && keys[j].starts_with(prefix) && out.len() < cap {
            out.push(j);
            j += 1;
        }
        out
    }

    fn term(&self, term: &str, used: &mut BTreeSet<String>) -> Option<&TermEntry> {
        let c = Self::chunk_of(&self.term_keys, term);
        used.insert(data_path(&format!("t/{c}")));
        self.terms.get(c)?.get(term)
    }

    fn positions_used(&self, term: &str, used: &mut BTreeSet<String>) {
        let c = Self::chunk_of(&self.term_keys, term);
        used.insert(data_path(&format!("p/{c}")));
    }

    /// Candidate terms of one element with their factors, in a fixed order.
    fn expand(&self, e: &Elem, typo: bool, used: &mut BTreeSet<String>) -> Vec<(String, u64)> {
        let mut out: Vec<(String, u64)> = vec![(e.term.clone(), EXACT)];
        let mut found = self.term(&e.term, used).is_some();
        if e.prefix && e.surface.chars().count() >= 2 {
            let mut cands: Vec<&String> = Vec::new();
            for c in Self::chunks_with_prefix(&self.word_keys, &e.surface, MAX_PREFIX_CHUNKS) {
                used.insert(data_path(&format!("w/{c}")));
                cands.extend(self.words[c].iter().filter(|w| w.starts_with(&e.surface)));
            }
            cands.sort_by(|a, b| {
                a.chars()
                    .count()
                    .cmp(&b.chars().count())
                    .then_with(|| js_order(a, b))
            });
            let mut n = 0;
            for w in cands {
                let t = self.stemming.stem(w);
                if out.iter().any(|(x, _)| *x == t) {
                    continue;
                }
                if n >= MAX_PREFIX_TERMS {
                    break;
                }
                n += 1;
                found |= self.term(&t, used).is_some();
                out.push((t, PREFIX));
            }
        }
        let chars: Vec<char> = e.surface.chars().collect();
        if typo && !found && chars.len() >= TYPO_MIN_CHARS && !chars.iter().any(|c| c.is_numeric())
        {
            let first = chars[0].to_string();
            let mut cands: Vec<&String> = Vec::new();
            for c in Self::chunks_with_prefix(&self.word_keys, &first, MAX_TYPO_CHUNKS) {
                used.insert(data_path(&format!("w/{c}")));
                cands.extend(self.words[c].iter().filter(|w| w.starts_with(&first)));
            }
            for w in cands {
                let wc: Vec<char> = w.chars().collect();
                if wc.iter().any(|c| c.is_numeric()) || edit_distance_capped(&wc, &chars) != 1 {
                    continue;
                }
                let t = self.stemming.stem(w);
                if out.iter().any(|(x, _)| *x == t) {
                    continue;
                }
                self.term(&t, used);
                out.push((t, TYPO));
            }
        }
        out
    }

    /// doc → best score of one element over its candidate terms.
    fn elem_scores(
        &self,
        cands: &[(String, u64)],
        used: &mut BTreeSet<String>,
    ) -> BTreeMap<u32, u64> {
        let mut m: BTreeMap<u32, u64> = BTreeMap::new();
        for (t, f) in cands {
            if let Some(e) = self.term(t, used) {
                for &(d, w) in &e.postings {
                    let s = f * e.idf * w;
                    let slot = m.entry(d).or_insert(0);
                    *slot = (*slot).max(s);
                }
            }
        }
        m
    }

    fn positions_of(&self, cands: &[(String, u64)], doc: u32) -> Vec<u32> {
        let mut out = Vec::new();
        let mut scratch = BTreeSet::new();
        for (t, _) in cands {
            let Some(e) = self.term(t, &mut scratch) else {
                continue;
            };
            if let Some(ps) = e
                .postings
                .binary_search_by_key(&doc, |p| p.0)
                .ok()
                .and_then(|i| e.positions.get(i))
            {
                out.extend(ps);
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// All matching documents, best first; with the files a browser fetches.
    pub fn query(&self, q: &str) -> Outcome {
        let clauses = parse_query_with(q, self.stemming);
        let mut used = BTreeSet::new();
        used.insert(data_path("manifest"));
        used.insert(data_path("facets"));
        let mut acc: Option<BTreeMap<u32, u64>> = None;
        let mut bonuses: Vec<BTreeMap<u32, u64>> = Vec::new();
        let and = |acc: Option<BTreeMap<u32, u64>>, m: BTreeMap<u32, u64>| match acc {
            None => Some(m),
            Some(a) => Some(
                a.into_iter()
                    .filter_map(|(d, s)| m.get(&d).map(|t| (d, s + t)))
                    .collect(),
            ),
        };
        for c in &clauses {
            match c {
                Clause::Word(e) => {
                    let cands = self.expand(e, true, &mut used);
                    let m = self.elem_scores(&cands, &mut used);
                    acc = and(acc, m);
                }
                Clause::Bonus(t) => {
                    let m = self.elem_scores(&[(t.clone(), EXACT)], &mut used);
                    bonuses.push(m);
                }
                Clause::Phrase(elems) => {
                    let mut parts: Vec<PhrasePart> = Vec::new();
                    for e in elems {
                        let stop = !e.prefix && is_stop_word(&e.term);
                        if stop {
                            continue;
                        }
                        let cands = self.expand(e, false, &mut used);
                        let m = self.elem_scores(&cands, &mut used);
                        parts.push((e, cands, m));
                    }
                    if parts.is_empty() {
                        // Only stop words: every word must occur, anywhere.
                        for e in elems {
                            let cands = self.expand(e, false, &mut used);
                            let m = self.elem_scores(&cands, &mut used);
                            acc = and(acc, m);
                        }
                        continue;
                    }
                    let mut m = parts[0].2.clone();
                    for p in &parts[1..] {
                        m = m
                            .into_iter()
                            .filter_map(|(d, s)| p.2.get(&d).map(|t| (d, s + t)))
                            .collect();
                    }
                    if parts.len() > 1 {
                        for p in &parts {
                            for (t, _) in &p.1 {
                                self.positions_used(t, &mut used);
                            }
                        }
                        m.retain(|&d, _| {
                            let lists: Vec<(u32, Vec<u32>)> = parts
                                .iter()
                                .map(|p| (p.0.pos, self.positions_of(&p.1, d)))
                                .collect();
                            let (p0, first) = &lists[0];
                            first.iter().any(|&x| {
                                x >= *p0
                                    && lists[1..]
                                        .iter()
                                        .all(|(pi, l)| l.binary_search(&(x - p0 + pi)).is_ok())
                            })
                        });
                    }
                    acc = and(acc, m);
                }
            }
        }
        let mut scored: Vec<(u32, u64)> = acc.unwrap_or_default().into_iter().collect();
        for (d, s) in &mut scored {
            for b in &bonuses {
                *s += b.get(d).copied().unwrap_or(0);
            }
        }
        scored.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let mut out = Outcome::default();
        for (i, &(doc, score)) in scored.iter().enumerate() {
            let meta_chunk = doc as usize / self.meta_docs;
            let text_chunk = self.text_starts.partition_point(|&s| s <= doc as usize) - 1;
            let meta_path = data_path(&format!("m/{meta_chunk}"));
            let text_path = data_path(&format!("x/{text_chunk}"));
            if i == 0 {
                out.files_first = used.clone();
                out.files_first.insert(meta_path.clone());
                out.files_first.insert(text_path.clone());
                out.files_page = out.files_first.clone();
            }
            if i < PAGE {
                out.files_page.insert(meta_path.clone());
                out.files_page.insert(text_path);
            }
            let meta: Value = self
                .files
                .get(&meta_path)
                .and_then(|b| unwrap_data(b))
                .and_then(|(_, j)| serde_json::from_slice(j).ok())
                .unwrap_or(Value::Null);
            let row = &meta[doc as usize % self.meta_docs];
            let class = self.doc_class.get(doc as usize).copied().unwrap_or(0);
            let kind = self
                .classes
                .get(class)
                .and_then(|c| c.first())
                .map(|&k| KINDS[k.clamp(0, 2) as usize])
                .unwrap_or("rule");
            out.hits.push(Hit {
                doc,
                score,
                kind,
                title: row[0].as_str().unwrap_or("").to_owned(),
                href: row[1].as_str().unwrap_or("").to_owned(),
                crumb: row[2].as_str().unwrap_or("").to_owned(),
            });
        }
        if scored.is_empty() {
            out.files_first = used.clone();
            out.files_page = used;
        }
        out
    }

    /// Bytes (raw, gzip) of a set of files.
    pub fn sizes(&self, paths: &BTreeSet<String>) -> (usize, usize) {
        paths
            .iter()
            .filter_map(|p| self.files.get(p))
            .fold((0, 0), |(r, g), b| (r + b.len(), g + super::gzip_len(b)))
    }
}

/// Convenience: load and query in one call.
pub fn query(files: &[SearchFile], q: &str) -> Vec<Hit> {
    Searcher::new(files)
        .map(|s| s.query(q).hits)
        .unwrap_or_default()
}
