//! Smaller stylesheets and scripts in the output: comments and layout
//! whitespace removed (minifier, the crate rustdoc uses). Only specbook's
//! own assets: the sources in `static/` keep their comments for theme
//! authors, and a project's own files are copied as written.

/// `bytes` of the asset `name`, minified when it is CSS or JavaScript;
/// anything else, or a file the minifier cannot read, is left as it is.
pub fn asset(name: &str, bytes: Vec<u8>) -> Vec<u8> {
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
}
