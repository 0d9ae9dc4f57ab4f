//! Spec → search documents: one per section, spec example and eval
//! prompt, with the plain text that is indexed and the facets they carry.

use serde::Serialize;

use crate::model::{Block, Example, Item, KNOWN_TAGS, Level, Spec};
use crate::parse::inline::{collapse_whitespace, plain_text};
use crate::render::markdown::message_plain_text;
use crate::render::typography::plain_title;
use crate::site::{eval_example_href, example_href, section_href};

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
    /// The body's blocks, joined with a space (not kept twice: a large
    /// spec's prose is tens of megabytes).
    Body,
    Conversation(Vec<Msg>),
    /// Already written to the index's text chunks, and dropped.
    Written,
}

/// A search document: a section, a spec example or an eval prompt.
#[derive(Debug, Clone)]
pub struct Doc {
    pub kind: Kind,
    pub title: String,
    pub href: String,
    /// `Chapter › Section`: where the document stands.
    pub crumb: String,
    /// The rank of the authority in force (own or inherited).
    pub authority: Option<Level>,
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
    let authority_of = |mut i: usize| -> Option<Level> {
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
                mask |= tag_bit(t);
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
            text: DocText::Body,
            body,
        });
        for ex in s.examples() {
            let mut d = example_doc(ex, &title_of, Kind::Example);
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
            let mut d = example_doc(ex, &title_of, Kind::Example);
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
            let mut d = example_doc(ex, &title_of, Kind::Eval);
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

/// An example's document. Its title and notes read as the page shows them
/// (capitalised), its messages as their rendered text.
fn example_doc(ex: &Example, title_of: &dyn Fn(&str) -> Option<String>, kind: Kind) -> Doc {
    let plain = |s: &str| plain_title(s, title_of);
    let mut body = Vec::new();
    let mut msgs = Vec::new();
    let mut verdicts = 0u8;
    let mut roles = 0u8;
    let mut tags = 0u8;
    let mut push_msg = |mi: usize, msgs: &mut Vec<Msg>, body: &mut Vec<String>| {
        let m = &ex.messages[mi];
        let text = message_plain_text(m, title_of);
        let note = m
            .comment
            .as_ref()
            .map(|c| plain(&c.text))
            .unwrap_or_default();
        let verdict = m.verdict.map(|v| v.as_str()).unwrap_or("");
        if let Some(v) = m.verdict {
            verdicts |= 1 << VERDICTS.iter().position(|&x| x == v.as_str()).unwrap_or(0);
        }
        if let Some(r) = ROLES.iter().position(|&r| r == m.role.as_str()) {
            roles |= 1 << r;
        }
        body.push(collapse_whitespace(&text));
        if !note.is_empty() {
            body.push(note.clone());
        }
        msgs.push(Msg(
            m.role.to_string(),
            verdict.to_owned(),
            text,
            note,
            m.comparison.map(|c| c as i64).unwrap_or(-1),
        ));
    };
    for item in &ex.items {
        match item {
            Item::Message(mi) => push_msg(*mi, &mut msgs, &mut body),
            Item::Comparison { messages, .. } => {
                for &mi in messages {
                    push_msg(mi, &mut msgs, &mut body);
                }
            }
            Item::Elision(t) => msgs.push(Msg(
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
    if ex.is_under_18() {
        tags |= tag_bit("under_18");
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

/// A tag's bit in a document's tag mask (0 for an unknown tag).
fn tag_bit(tag: &str) -> u8 {
    KNOWN_TAGS
        .iter()
        .position(|&k| k == tag)
        .map_or(0, |k| 1 << k)
}
