//! Search documents → the term index: postings with BM25 weights, phrase
//! positions and the words as written (for prefix and typo look-ups).

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
use std::hash::BuildHasher;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use rayon::prelude::*;

use super::documents::Doc;
use super::tokenize::{Stemming, TokenKind, TokenRef, is_stop_word, visit_tokens};

/// Score multipliers (×10) per document kind: a rule's own text ranks above
/// its examples, spec examples above eval prompts.
const KIND_WEIGHT: [u32; 3] = [10, 8, 6];
/// Field weights (×10): a term in the title, in the rule id; body terms
/// score by BM25 saturation, at most `(K1 + 1) × 10`.
const TITLE_WEIGHT: f64 = 40.0;
const ID_WEIGHT: f64 = 50.0;
const K1: f64 = 1.2;
const B: f64 = 0.75;
/// Gap between fields and blocks, so that a phrase never spans two.
const FIELD_GAP: u32 = 2;

/// Per (term, document) statistics while indexing.
#[derive(Debug, Default)]
struct Stat {
    in_title: bool,
    in_id: bool,
    body_tf: u32,
    positions: Vec<u32>,
}

/// Sort key that matches JavaScript's string comparison (UTF-16 units).
pub fn js_order(a: &str, b: &str) -> std::cmp::Ordering {
    if is_astral(a) || is_astral(b) {
        a.encode_utf16().cmp(b.encode_utf16())
    } else {
        a.cmp(b)
    }
}

/// Whether `s` has a character beyond U+FFFF (a four-byte UTF-8 sequence,
/// a surrogate pair in UTF-16). Strings without one (nearly every term)
/// sort in JavaScript's order as their UTF-8 bytes: both are then the
/// code points' order.
fn is_astral(s: &str) -> bool {
    s.bytes().any(|b| b >= 0xF0)
}

/// Sorts `items` by `key` in JavaScript's order, as bytes when no key
/// needs the UTF-16 comparison.
fn sort_js<T>(items: &mut [T], key: impl Fn(&T) -> &str) {
    if items.iter().any(|t| is_astral(key(t))) {
        items.sort_by(|a, b| js_order(key(a), key(b)));
    } else {
        items.sort_unstable_by(|a, b| key(a).cmp(key(b)));
    }
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

/// What indexing needs of one document: its statistics per term (in no
/// particular order: each term occurs once), its body length (for BM25)
/// and the distinct words it contains as written. Depends on the
/// document's title, rule id and body only.
#[derive(Debug)]
struct DocTerms {
    stats: Vec<(String, Stat)>,
    len: u32,
    surfaces: Vec<String>,
}

/// Under `serve`: each document's [`DocTerms`] from the previous index,
/// reused when the document's title, rule id and body are unchanged (most
/// documents after an edit), so only edited documents are tokenised
/// again. The index made is byte-for-byte the one made without it.
/// Entries not used by an index are dropped at its end.
#[derive(Debug, Default)]
pub struct TermCache {
    docs: Mutex<HashMap<u64, Vec<CachedDoc>>>,
    /// Index counter: entries used by the current index carry it.
    round: AtomicU64,
    tokenised: AtomicUsize,
    reused: AtomicUsize,
}

#[derive(Debug)]
struct CachedDoc {
    /// What the terms were made with: a `serve` session whose `language`
    /// changes must not reuse the other language's terms.
    stemming: Stemming,
    title: String,
    rule_id: String,
    body: Vec<String>,
    terms: Arc<DocTerms>,
    used: u64,
}

impl TermCache {
    pub fn new() -> Self {
        Self::default()
    }

    /// Documents tokenised and reused by the last index.
    pub fn counts(&self) -> (usize, usize) {
        (
            self.tokenised.load(Ordering::Relaxed),
            self.reused.load(Ordering::Relaxed),
        )
    }

    fn begin(&self) {
        self.round.fetch_add(1, Ordering::Relaxed);
        self.tokenised.store(0, Ordering::Relaxed);
        self.reused.store(0, Ordering::Relaxed);
    }

    fn finish(&self) {
        let round = self.round.load(Ordering::Relaxed);
        let mut docs = self.docs.lock().expect("term cache lock");
        docs.retain(|_, v| {
            v.retain(|d| d.used == round);
            !v.is_empty()
        });
    }

    fn terms(&self, d: &Doc, stemming: Stemming) -> Arc<DocTerms> {
        let round = self.round.load(Ordering::Relaxed);
        let key = foldhash::fast::FixedState::default()
            .hash_one((stemming, &d.title, &d.rule_id, &d.body));
        let same = |c: &CachedDoc| {
            c.stemming == stemming
                && c.title == d.title
                && c.rule_id == d.rule_id
                && c.body == d.body
        };
        if let Some(bucket) = self.docs.lock().expect("term cache lock").get_mut(&key)
            && let Some(c) = bucket.iter_mut().find(|c| same(c))
        {
            c.used = round;
            self.reused.fetch_add(1, Ordering::Relaxed);
            return c.terms.clone();
        }
        let terms = Arc::new(doc_terms(d, stemming));
        self.tokenised.fetch_add(1, Ordering::Relaxed);
        let mut docs = self.docs.lock().expect("term cache lock");
        let bucket = docs.entry(key).or_default();
        if !bucket.iter().any(same) {
            bucket.push(CachedDoc {
                stemming,
                title: d.title.clone(),
                rule_id: d.rule_id.clone(),
                body: d.body.clone(),
                terms: terms.clone(),
                used: round,
            });
        }
        terms
    }
}

/// One document's [`DocTerms`].
fn doc_terms(d: &Doc, stemming: Stemming) -> DocTerms {
    #[derive(Clone, Copy)]
    enum Field {
        Title,
        Id,
        Body,
    }
    let mut stats: HashMap<String, Stat> = HashMap::new();
    let mut surfaces: HashSet<String> = HashSet::new();
    let mut body_len = 0u32;
    let mut add = |field: Field, t: TokenRef<'_>| {
        if t.kind == TokenKind::Word && !surfaces.contains(t.surface) {
            surfaces.insert(t.surface.to_owned());
        }
        let positional = t.kind != TokenKind::Compound && !is_stop_word(t.term);
        let st = match stats.get_mut(t.term) {
            Some(st) => st,
            None => stats.entry(t.term.to_owned()).or_default(),
        };
        match field {
            Field::Title => st.in_title = true,
            Field::Id => st.in_id = true,
            Field::Body => {
                st.body_tf += 1;
                if t.kind != TokenKind::CjkBigram && t.kind != TokenKind::Compound {
                    body_len += 1;
                }
            }
        }
        if positional && st.positions.last() != Some(&t.pos) {
            st.positions.push(t.pos);
        }
    };
    let title_end = visit_tokens(&d.title, 0, stemming, &mut |t| add(Field::Title, t));
    let id_start = title_end + FIELD_GAP;
    let mut pos = if d.rule_id.is_empty() {
        id_start
    } else {
        visit_tokens(&d.rule_id, id_start, stemming, &mut |t| add(Field::Id, t)) + FIELD_GAP
    };
    for block in &d.body {
        pos = visit_tokens(block, pos, stemming, &mut |t| add(Field::Body, t)) + FIELD_GAP;
    }
    let mut surfaces: Vec<String> = surfaces.into_iter().collect();
    surfaces.sort_unstable();
    DocTerms {
        stats: stats.into_iter().collect(),
        len: body_len,
        surfaces,
    }
}

/// The term index of `docs`, reusing (and refreshing) `cache` if given.
/// Each document's body is emptied once tokenised (nothing after the
/// index reads it): on a large spec the bodies are a copy of all its text,
/// freed while the postings grow instead of after.
pub fn index_terms(docs: &mut [Doc], cache: Option<&TermCache>, stemming: Stemming) -> TermIndex {
    if let Some(c) = cache {
        c.begin();
    }
    let index = index_terms_with(docs, cache, stemming);
    if let Some(c) = cache {
        c.finish();
    }
    index
}

fn index_terms_with(docs: &mut [Doc], cache: Option<&TermCache>, stemming: Stemming) -> TermIndex {
    let mut surfaces: HashSet<String> = HashSet::new();
    let mut lens: Vec<u32> = Vec::with_capacity(docs.len());
    // Postings grow in document order; terms are sorted once at the end.
    let mut by_term: HashMap<String, TermAcc> = HashMap::new();
    for batch in docs.chunks_mut(INDEX_BATCH_DOCS) {
        let all: Vec<Arc<DocTerms>> = batch
            .par_iter()
            .map(|d| match cache {
                Some(c) => c.terms(d, stemming),
                None => Arc::new(doc_terms(d, stemming)),
            })
            .collect();
        for d in batch.iter_mut() {
            d.body = Vec::new();
        }
        for doc in all {
            let di = lens.len() as u32;
            lens.push(doc.len);
            for s in &doc.surfaces {
                if !surfaces.contains(s) {
                    surfaces.insert(s.clone());
                }
            }
            for (term, st) in &doc.stats {
                let acc = match by_term.get_mut(term) {
                    Some(acc) => acc,
                    None => by_term.entry(term.clone()).or_default(),
                };
                acc.docs.push((di, st.body_tf, st.in_title, st.in_id));
                acc.positions.push(st.positions.len() as u32);
                acc.has_positions |= !st.positions.is_empty();
                let mut prev = 0;
                for &x in &st.positions {
                    acc.positions.push(x - prev);
                    prev = x;
                }
            }
        }
    }
    let docs: &[Doc] = docs;
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
    sort_js(&mut terms, |t| &t.term);
    let mut surfaces: Vec<String> = surfaces.into_iter().collect();
    sort_js(&mut surfaces, |s| s);
    TermIndex { terms, surfaces }
}
