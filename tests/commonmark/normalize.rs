//! HTML normalisation for comparing renderings, after the CommonMark
//! project's own `test/normalize.py`: tag names lower-cased, attributes
//! sorted, character references decoded (then `<>&"` escaped again),
//! whitespace runs collapsed outside `<pre>`, and whitespace around block
//! tags dropped. specbook's own code-block wrapping (`<pre class="code">`,
//! highlighting `<span>`s inside `<pre>`) is removed too.

const BLOCK_TAGS: &[&str] = &[
    "article",
    "header",
    "aside",
    "hgroup",
    "blockquote",
    "hr",
    "iframe",
    "body",
    "li",
    "map",
    "button",
    "object",
    "canvas",
    "ol",
    "caption",
    "output",
    "col",
    "p",
    "colgroup",
    "pre",
    "dd",
    "progress",
    "div",
    "section",
    "dl",
    "table",
    "td",
    "dt",
    "tbody",
    "embed",
    "textarea",
    "fieldset",
    "tfoot",
    "figcaption",
    "th",
    "figure",
    "thead",
    "footer",
    "tr",
    "form",
    "ul",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "video",
    "script",
    "style",
];

#[derive(PartialEq)]
enum Last {
    Start,
    End,
    Other,
}

struct Normalizer {
    out: String,
    last: Last,
    last_tag: String,
    in_pre: bool,
}

pub fn normalize(html: &str) -> String {
    let mut n = Normalizer {
        out: String::new(),
        last: Last::Other,
        last_tag: String::new(),
        in_pre: false,
    };
    let mut rest = html;
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix("<!--") {
            let (body, after) = r.split_once("-->").unwrap_or((r, ""));
            n.out.push_str(&format!("<!--{body}-->"));
            n.last = Last::Other;
            rest = after;
        } else if let Some((tag, after)) = tag_at(rest) {
            n.tag(tag);
            rest = after;
        } else {
            let first = rest.chars().next().map_or(1, char::len_utf8);
            let end = rest[first..].find('<').map_or(rest.len(), |i| i + first);
            n.data(&decode(&rest[..end]));
            rest = &rest[end..];
        }
    }
    n.out
}

struct Tag {
    name: String,
    end: bool,
    attrs: Vec<(String, Option<String>)>,
    self_closing: bool,
    raw: Option<String>,
}

/// A start tag, end tag, declaration or processing instruction at the
/// start of `s`.
fn tag_at(s: &str) -> Option<(Tag, &str)> {
    let r = s.strip_prefix('<')?;
    if r.starts_with('!') || r.starts_with('?') {
        let end = r.find('>')?;
        let raw = format!("<{}>", &r[..end]);
        return Some((
            Tag {
                name: String::new(),
                end: false,
                attrs: Vec::new(),
                self_closing: false,
                raw: Some(raw),
            },
            &r[end + 1..],
        ));
    }
    let (end, r) = match r.strip_prefix('/') {
        Some(r) => (true, r),
        None => (false, r),
    };
    if !r.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return None;
    }
    let name_len = r
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .unwrap_or(r.len());
    let name = r[..name_len].to_ascii_lowercase();
    let mut r = &r[name_len..];
    let mut attrs = Vec::new();
    loop {
        r = r.trim_start();
        if let Some(after) = r.strip_prefix("/>") {
            return Some((
                Tag {
                    name,
                    end,
                    attrs,
                    self_closing: true,
                    raw: None,
                },
                after,
            ));
        }
        if let Some(after) = r.strip_prefix('>') {
            return Some((
                Tag {
                    name,
                    end,
                    attrs,
                    self_closing: false,
                    raw: None,
                },
                after,
            ));
        }
        let key_len = r.find(|c: char| c.is_whitespace() || "=>/".contains(c))?;
        if key_len == 0 {
            return None;
        }
        let key = r[..key_len].to_ascii_lowercase();
        r = r[key_len..].trim_start();
        let Some(v) = r.strip_prefix('=') else {
            attrs.push((key, None));
            continue;
        };
        let v = v.trim_start();
        let (value, after) = match v.chars().next()? {
            q @ ('"' | '\'') => {
                let close = v[1..].find(q)? + 1;
                (&v[1..close], &v[close + 1..])
            }
            _ => {
                let e = v
                    .find(|c: char| c.is_whitespace() || c == '>')
                    .unwrap_or(v.len());
                (&v[..e], &v[e..])
            }
        };
        attrs.push((key, Some(decode(value))));
        r = after;
    }
}

impl Normalizer {
    fn is_block(tag: &str) -> bool {
        BLOCK_TAGS.contains(&tag)
    }

    fn tag(&mut self, mut t: Tag) {
        if let Some(raw) = t.raw {
            self.out.push_str(&raw);
            self.last = Last::Other;
            return;
        }
        // specbook's highlighting and code-block class.
        if self.in_pre && t.name == "span" {
            return;
        }
        if t.name == "pre" {
            t.attrs
                .retain(|(k, v)| !(k == "class" && v.as_deref() == Some("code")));
        }
        if t.end {
            if t.name == "pre" {
                self.in_pre = false;
            } else if Self::is_block(&t.name) {
                self.out.truncate(self.out.trim_end().len());
            }
            self.out.push_str(&format!("</{}>", t.name));
            self.last = Last::End;
        } else {
            if t.name == "pre" {
                self.in_pre = true;
            }
            if Self::is_block(&t.name) {
                self.out.truncate(self.out.trim_end().len());
            }
            self.out.push('<');
            self.out.push_str(&t.name);
            t.attrs.sort();
            for (k, v) in &t.attrs {
                self.out.push(' ');
                self.out.push_str(k);
                if let Some(v) = v {
                    self.out.push_str(&format!("=\"{}\"", escape(v)));
                }
            }
            self.out.push('>');
            self.last = if t.self_closing {
                Last::End
            } else {
                Last::Start
            };
        }
        self.last_tag = t.name;
    }

    fn data(&mut self, data: &str) {
        let after_tag = self.last != Last::Other;
        let after_block = after_tag && Self::is_block(&self.last_tag);
        let mut d = data.to_owned();
        if after_tag && self.last_tag == "br" {
            d = d.trim_start_matches('\n').to_owned();
        }
        if !self.in_pre {
            d = collapse_whitespace(&d);
        }
        if after_block && !self.in_pre {
            d = match self.last {
                Last::Start => d.trim_start().to_owned(),
                _ => d.trim().to_owned(),
            };
        }
        self.out.push_str(&escape(&d));
        self.last = Last::Other;
    }
}

/// Each run of whitespace becomes one space (Python's `re.sub(r'\s+', ' ')`).
fn collapse_whitespace(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_run = false;
    for c in s.chars() {
        if c.is_whitespace() {
            if !in_run {
                out.push(' ');
            }
            in_run = true;
        } else {
            out.push(c);
            in_run = false;
        }
    }
    out
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Decodes the character references the renderers write.
fn decode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let Some(end) = rest.find(';').filter(|&e| e < 12) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let name = &rest[1..end];
        let c = match name {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "nbsp" => Some('\u{a0}'),
            _ => name
                .strip_prefix("#x")
                .or_else(|| name.strip_prefix("#X"))
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| name.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match c {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}
