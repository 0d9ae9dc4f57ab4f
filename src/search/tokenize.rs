//! Text → search terms. `static/search.js` mirrors every rule here exactly
//! (the same run pattern, CJK ranges, apostrophe and underscore handling,
//! the same Snowball English stemmer and the same stop words); the node
//! test in `tests/search.rs` checks that both sides agree on the corpus.
//!
//! Stemming follows the edition's language ([`Stemming`]): English words
//! are stemmed, any other language's are indexed as written, and the
//! manifest says which, so the browser stems queries the same way.

use std::ops::Range;
use std::rc::Rc;
use std::sync::LazyLock;

use rust_stemmers::{Algorithm, Stemmer};

/// The word characters: a maximal run of them is a word (or several, see
/// [`split_pieces`]). Apostrophes and underscores join words inside a run;
/// everything else separates. `static/search.js` has the same pattern
/// (`RUN`).
const WORD_CLASS: &str = r"[\p{Alphabetic}\p{M}\p{N}_'’]";

/// [`WORD_CLASS`] outside ASCII, as sorted ranges: the regex engine's own
/// Unicode tables, read once.
static WORD_RANGES: LazyLock<Vec<(char, char)>> = LazyLock::new(|| {
    let hir = regex_syntax::Parser::new()
        .parse(WORD_CLASS)
        .expect("valid pattern");
    match hir.kind() {
        regex_syntax::hir::HirKind::Class(regex_syntax::hir::Class::Unicode(class)) => class
            .ranges()
            .iter()
            .map(|r| (r.start(), r.end()))
            .collect(),
        other => unreachable!("a character class parses as one: {other:?}"),
    }
});

fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric() || c == '_' || c == '\''
    } else {
        let ranges = &*WORD_RANGES;
        let at = ranges.partition_point(|&(_, end)| end < c);
        ranges.get(at).is_some_and(|&(start, _)| start <= c)
    }
}

/// The maximal runs of word characters of `text`, in order: what
/// `WORD_CLASS+` finds, scanned without a regex search.
fn word_runs(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text.char_indices().peekable();
    std::iter::from_fn(move || {
        let start = loop {
            let (i, c) = rest.next()?;
            if is_word_char(c) {
                break i;
            }
        };
        let mut end = text.len();
        while let Some(&(i, c)) = rest.peek() {
            if !is_word_char(c) {
                end = i;
                break;
            }
            rest.next();
        }
        Some(&text[start..end])
    })
}

static STEMMER: LazyLock<Stemmer> = LazyLock::new(|| Stemmer::create(Algorithm::English));

/// Stop words: indexed without positions, dropped from a query that has
/// other words, wildcards inside a quoted phrase.
pub const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it",
    "no", "not", "of", "on", "or", "such", "that", "the", "their", "then", "there", "these",
    "they", "this", "to", "was", "will", "with",
];

pub fn is_stop_word(word: &str) -> bool {
    // Most words are longer than any stop word: no search for them.
    word.len() <= LONGEST_STOP_WORD && STOP_WORDS.binary_search(&word).is_ok()
}

const LONGEST_STOP_WORD: usize = {
    let mut longest = 0;
    let mut i = 0;
    while i < STOP_WORDS.len() {
        if STOP_WORDS[i].len() > longest {
            longest = STOP_WORDS[i].len();
        }
        i += 1;
    }
    longest
};

/// Chinese and Japanese characters: text without spaces, indexed as
/// overlapping bigrams plus unigrams.
fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3005..=0x3007
        | 0x3040..=0x309F
        | 0x30A0..=0x30FF
        | 0x31F0..=0x31FF
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xF900..=0xFAFF
        | 0xFF66..=0xFF9F
        | 0x20000..=0x2FFFF)
}

/// A piece of text between separators, lowercased.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    /// Consecutive CJK characters.
    Cjk(Vec<char>),
    /// A word; more than one part when written with underscores
    /// (`avoid_sycophancy`). Apostrophes are removed (`don't` → `dont`).
    Word(Vec<String>),
}

/// The pieces of a text, in order.
pub fn pieces(text: &str) -> Vec<Piece> {
    let mut out = Vec::new();
    split_pieces(text, |piece| {
        out.push(match piece {
            PieceRef::Cjk(run) => Piece::Cjk(run.chars().collect()),
            PieceRef::Word { joined, parts } => {
                Piece::Word(parts.iter().map(|r| joined[r.clone()].to_owned()).collect())
            }
        })
    });
    out
}

/// A [`Piece`] as [`split_pieces`] hands it over, borrowed.
enum PieceRef<'a> {
    Cjk(&'a str),
    /// The parts joined with `_` (a compound's term), and each part's
    /// range in it.
    Word {
        joined: &'a str,
        parts: &'a [Range<usize>],
    },
}

/// Splits a text into its pieces without allocating per piece: the
/// tokenizer's hot loop on a large spec.
fn split_pieces(text: &str, mut each: impl FnMut(PieceRef<'_>)) {
    let mut lower = String::new();
    let mut joined = String::new();
    let mut parts: Vec<Range<usize>> = Vec::new();
    let mut word = |segment: &str, each: &mut dyn FnMut(PieceRef<'_>)| {
        joined.clear();
        parts.clear();
        for part in segment.split('_') {
            let mark = joined.len();
            if !parts.is_empty() {
                joined.push('_');
            }
            let begin = joined.len();
            joined.extend(part.chars().filter(|&c| c != '\'' && c != '’'));
            if joined.len() == begin {
                joined.truncate(mark);
            } else {
                parts.push(begin..joined.len());
            }
        }
        if !parts.is_empty() {
            each(PieceRef::Word {
                joined: &joined,
                parts: &parts,
            });
        }
    };
    for run in word_runs(text) {
        lower.clear();
        if run.is_ascii() {
            lower.extend(run.bytes().map(|b| char::from(b.to_ascii_lowercase())));
            word(&lower, &mut each);
            continue;
        }
        lower.push_str(&run.to_lowercase());
        // Alternating runs of CJK and of other characters.
        let mut start = 0;
        let mut in_cjk: Option<bool> = None;
        for (i, c) in lower.char_indices() {
            let cjk = is_cjk(c);
            if let Some(was) = in_cjk.filter(|&was| was != cjk) {
                let segment = &lower[start..i];
                if was {
                    each(PieceRef::Cjk(segment));
                } else {
                    word(segment, &mut each);
                }
                start = i;
            }
            in_cjk = Some(cjk);
        }
        match in_cjk {
            Some(true) => each(PieceRef::Cjk(&lower[start..])),
            Some(false) => word(&lower[start..], &mut each),
            None => {}
        }
    }
}

/// How the words of one index become terms, from the edition's language
/// (`[book] language`), recorded in the manifest as `"stem"`.
///
/// Only English is stemmed: `rust-stemmers` knows a dozen more Snowball
/// languages, but the browser engine would need a port of each (the
/// English one is most of `search.js`'s stemming code, and agreeing with
/// Rust on every word is tested at length); a language without a shared
/// stemmer gets plain lowercased words, which match exactly and by prefix
/// and typo as before. Chinese and Japanese are unaffected: their
/// characters are indexed as unigrams and bigrams in every language.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Stemming {
    /// Snowball English (Porter2): `lies`, `lying` → `lie`.
    #[default]
    English,
    /// Words as written (lowercased, apostrophes dropped).
    Plain,
}

impl Stemming {
    /// `en`, `en-US`, `EN_gb` (and an unset language): English; anything
    /// else: plain.
    pub fn for_language(language: &str) -> Self {
        let primary = language.split(['-', '_']).next().unwrap_or("").trim();
        if primary.is_empty() || primary.eq_ignore_ascii_case("en") {
            Stemming::English
        } else {
            Stemming::Plain
        }
    }

    /// The manifest's `"stem"`: `"en"`, or `null` for plain words.
    pub fn manifest_value(self) -> Option<&'static str> {
        match self {
            Stemming::English => Some("en"),
            Stemming::Plain => None,
        }
    }

    /// Reads the manifest's `"stem"`: absent (an index written before the
    /// field) is English, as every index then was; `null` or a stemmer
    /// this engine does not know is plain.
    pub fn from_manifest(value: Option<&serde_json::Value>) -> Self {
        match value {
            None => Stemming::English,
            Some(v) if v.as_str() == Some("en") => Stemming::English,
            Some(_) => Stemming::Plain,
        }
    }

    /// The index term of `word` under this stemming.
    pub fn stem(self, word: &str) -> String {
        self.stem_ref(word).as_str().to_owned()
    }

    /// [`Stemming::stem`] without a copy: the word itself when it stems
    /// to itself, else the stem shared from the thread's cache.
    fn stem_ref(self, word: &str) -> Stem<'_> {
        match self {
            Stemming::English => stem_ref(word),
            Stemming::Plain => Stem::Same(word),
        }
    }
}

/// A stem as [`Stemming::stem_ref`] gives it.
enum Stem<'a> {
    Same(&'a str),
    Cached(Rc<str>),
}

impl Stem<'_> {
    fn as_str(&self) -> &str {
        match self {
            Stem::Same(s) => s,
            Stem::Cached(s) => s,
        }
    }
}

/// The index term of a word: its Snowball English stem when it is made of
/// ASCII letters only and longer than two letters, else the word itself.
pub fn stem(word: &str) -> String {
    stem_ref(word).as_str().to_owned()
}

fn stem_ref(word: &str) -> Stem<'_> {
    if word.len() > 2 && word.bytes().all(|b| b.is_ascii_lowercase()) {
        // The same few thousand words recur throughout a spec: stem each
        // once per thread.
        STEMS.with(|cache| {
            let mut cache = cache.borrow_mut();
            if let Some(s) = cache.get(word) {
                return Stem::Cached(s.clone());
            }
            let s: Rc<str> = Rc::from(STEMMER.stem(word).as_ref());
            cache.insert(Box::from(word), s.clone());
            Stem::Cached(s)
        })
    } else {
        Stem::Same(word)
    }
}

thread_local! {
    static STEMS: std::cell::RefCell<foldhash::HashMap<Box<str>, Rc<str>>> = Default::default();
}

/// One indexed token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub term: String,
    /// The word as written (lowercased); empty for CJK and compounds.
    pub surface: String,
    pub pos: u32,
    pub kind: TokenKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    Word,
    /// `avoid_sycophancy` as a whole (its parts follow as words).
    Compound,
    CjkUnigram,
    CjkBigram,
}

/// Every token of a text with English stemming (see [`tokens_with`]).
pub fn tokens(text: &str, start: u32, out: &mut Vec<Token>) -> u32 {
    tokens_with(text, start, Stemming::English, out)
}

/// Every token of a text, words stemmed by `stemming`, positions counted
/// from `start`. Returns the next free position.
pub fn tokens_with(text: &str, start: u32, stemming: Stemming, out: &mut Vec<Token>) -> u32 {
    visit_tokens(text, start, stemming, &mut |t| {
        out.push(Token {
            term: t.term.to_owned(),
            surface: t.surface.to_owned(),
            pos: t.pos,
            kind: t.kind,
        })
    })
}

/// A [`Token`] as [`visit_tokens`] hands it over, borrowed for the call.
#[derive(Debug, Clone, Copy)]
pub struct TokenRef<'a> {
    pub term: &'a str,
    pub surface: &'a str,
    pub pos: u32,
    pub kind: TokenKind,
}

/// [`tokens_with`] without a copy of each token: `visit` sees them in
/// order. Returns the next free position.
pub fn visit_tokens(
    text: &str,
    start: u32,
    stemming: Stemming,
    visit: &mut dyn FnMut(TokenRef<'_>),
) -> u32 {
    let mut pos = start;
    let mut pair = String::new();
    split_pieces(text, |piece| match piece {
        PieceRef::Cjk(run) => {
            let mut chars = run.chars().peekable();
            while let Some(c) = chars.next() {
                let mut buf = [0u8; 4];
                visit(TokenRef {
                    term: c.encode_utf8(&mut buf),
                    surface: "",
                    pos,
                    kind: TokenKind::CjkUnigram,
                });
                if let Some(&next) = chars.peek() {
                    pair.clear();
                    pair.push(c);
                    pair.push(next);
                    visit(TokenRef {
                        term: &pair,
                        surface: "",
                        pos,
                        kind: TokenKind::CjkBigram,
                    });
                }
                pos += 1;
            }
        }
        PieceRef::Word { joined, parts } => {
            if parts.len() > 1 {
                visit(TokenRef {
                    term: joined,
                    surface: "",
                    pos,
                    kind: TokenKind::Compound,
                });
            }
            for range in parts {
                let part = &joined[range.clone()];
                let stem = stemming.stem_ref(part);
                visit(TokenRef {
                    term: stem.as_str(),
                    surface: part,
                    pos,
                    kind: TokenKind::Word,
                });
                pos += 1;
            }
        }
    });
    pos
}

/// Damerau–Levenshtein distance (optimal string alignment) capped at 2:
/// returns 0, 1 or 2 (2 meaning "2 or more").
pub fn edit_distance_capped(a: &[char], b: &[char]) -> u32 {
    let (n, m) = (a.len(), b.len());
    if n.abs_diff(m) > 1 {
        return 2;
    }
    // Full OSA table; words are short.
    let mut d = vec![vec![0u32; m + 1]; n + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i as u32;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j as u32;
    }
    for i in 1..=n {
        for j in 1..=m {
            let cost = u32::from(a[i - 1] != b[j - 1]);
            let mut v = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = v;
        }
    }
    d[n][m].min(2)
}

#[cfg(test)]
mod scanner_tests {
    use super::*;

    /// The scanner against the regex engine on the same pattern: every
    /// character of Unicode, one at a time, and runs in mixed text.
    #[test]
    fn word_runs_are_what_the_pattern_finds() {
        let one = regex::Regex::new(&format!("^{WORD_CLASS}$")).unwrap();
        let mut buf = [0u8; 4];
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            assert_eq!(
                is_word_char(c),
                one.is_match(c.encode_utf8(&mut buf)),
                "{c:?}"
            );
        }
        let runs = regex::Regex::new(&format!("{WORD_CLASS}+")).unwrap();
        for text in [
            "",
            "   ",
            "don't avoid_sycophancy — “quoted” x2 3.14",
            "naïve café e\u{301} Ünïcödé",
            "中文测试 mixed日本語テキスト",
            "ends in a word",
            "’leading apostrophe’",
            "a-b_c'd’e\u{200B}f\u{0}g",
        ] {
            let want: Vec<&str> = runs.find_iter(text).map(|m| m.as_str()).collect();
            assert_eq!(word_runs(text).collect::<Vec<_>>(), want, "{text:?}");
        }
    }
}
