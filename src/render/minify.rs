//! Smaller stylesheets and scripts in the output: comments and layout
//! whitespace removed (minifier, the crate rustdoc uses). Only specbook's
//! own assets: the sources in `static/` keep their comments for theme
//! authors, and a project's own files are copied as written.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

/// `bytes` of the asset `name`, minified when it is CSS or JavaScript;
/// anything else, or a file the minifier cannot read, is left as it is.
///
/// Remembered for the life of the process by exact input: `serve`
/// rebuilds write the same built-in assets on every save (minifying them
/// took 8 ms of each rebuild at 10x), and each language of a translated
/// site writes them again.
pub fn asset(name: &str, bytes: Vec<u8>) -> Vec<u8> {
    type Memo = HashMap<(String, Arc<[u8]>), Arc<[u8]>>;
    static MEMO: Mutex<Option<Memo>> = Mutex::new(None);
    /// The built-in assets in a few languages fit; a theme author's
    /// edits to one are not kept without bound.
    const MAX_KEPT: usize = 64;
    if !(name.ends_with(".css") || name.ends_with(".js")) {
        return bytes;
    }
    let key = (name.to_owned(), Arc::<[u8]>::from(bytes));
    let lock = || MEMO.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(done) = lock().get_or_insert_default().get(&key) {
        return done.to_vec();
    }
    let out: Arc<[u8]> = minify(name, key.1.to_vec()).into();
    let mut memo = lock();
    let memo = memo.get_or_insert_default();
    if memo.len() >= MAX_KEPT {
        memo.clear();
    }
    memo.insert(key, out.clone());
    out.to_vec()
}

fn minify(name: &str, bytes: Vec<u8>) -> Vec<u8> {
    let Ok(text) = std::str::from_utf8(&bytes) else {
        return bytes;
    };
    let minified = if name.ends_with(".css") {
        minifier::css::minify(text).map(|m| m.to_string()).ok()
    } else if name.ends_with(".js") {
        minifier::js::minify(text).map(|m| m.to_string()).ok()
    } else {
        None
    };
    match minified {
        Some(m) if !m.trim().is_empty() || text.trim().is_empty() => m.trim().as_bytes().to_vec(),
        _ => bytes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn css_and_js_lose_comments_and_keep_their_meaning() {
        let css = b"/* note */\n.a  >  .b {\n  color: red;  /* why */\n}\n".to_vec();
        assert_eq!(asset("x.css", css), b".a>.b{color:red;}".to_vec());
        let js = b"// note\nvar a = \"// not a comment\";\n/* x */ var re = /a\\/b/g;\n".to_vec();
        let out = String::from_utf8(asset("x.js", js)).unwrap();
        assert!(out.contains("\"// not a comment\""), "{out}");
        assert!(out.contains("/a\\/b/g"), "{out}");
        assert!(!out.contains("note") && !out.contains("x */"), "{out}");
        let other = b"<svg>  </svg>".to_vec();
        assert_eq!(asset("x.svg", other.clone()), other);
    }

    /// The memo answers by the whole input: the same bytes under another
    /// name, or other bytes under the same name, are minified on their own.
    #[test]
    fn the_memo_answers_only_the_same_name_and_bytes() {
        let a = b"/* a */ .memo-a { color: red; }".to_vec();
        let b = b"/* b */ .memo-b { color: blue; }".to_vec();
        assert_eq!(asset("memo.css", a.clone()), b".memo-a{color:red;}");
        assert_eq!(asset("memo.css", b.clone()), b".memo-b{color:blue;}");
        assert_eq!(asset("memo.css", a.clone()), b".memo-a{color:red;}");
        assert_eq!(asset("memo.txt", a.clone()), a, "not minified by name");
        let js = b"// c\nvar memo = 1;".to_vec();
        assert_eq!(asset("memo.js", js.clone()), asset("memo.js", js));
    }
}
