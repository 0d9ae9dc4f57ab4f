//! `spec.json`: the machine-readable face of the spec (shared/EXPORT.md).
//! Built from the linked model only; Vec-ordered data keeps it
//! byte-identical across runs.

use std::collections::HashSet;

use serde::Serialize;
use serde::ser::SerializeMap;

use crate::model::{Example, Message, Spec};
use crate::parse::inline::plain_text;

const SCHEMA: &str = "specbook/1";

/// `spec.json` as an output: one file at the site root.
#[derive(Debug, Default)]
pub struct SpecJson;

impl crate::outputs::Output for SpecJson {
    fn name(&self) -> &'static str {
        "spec.json"
    }

    fn write(
        &self,
        edition: &crate::outputs::Edition<'_>,
        sink: &dyn crate::sink::Sink,
    ) -> anyhow::Result<()> {
        // Streamed: at 100x the document is 56 MB.
        sink.put_with(crate::site::SPEC_JSON.into(), &|w| {
            write_json(edition.spec, w)
        })
    }
}

#[derive(Serialize)]
struct SpecDoc<'a> {
    schema: &'static str,
    title: &'a str,
    sections: Vec<SectionJson<'a>>,
    examples: Vec<ExampleJson<'a>>,
    evals: Vec<EvalJson<'a>>,
}

#[derive(Serialize)]
struct SourceJson<'a> {
    file: &'a str,
    line: usize,
}

#[derive(Serialize)]
struct SectionJson<'a> {
    id: &'a str,
    title: &'a str,
    level: u8,
    parent: Option<&'a str>,
    authority: Option<&'a str>,
    tags: &'a [String],
    source: SourceJson<'a>,
    examples: Vec<&'a str>,
    refs: Vec<&'a str>,
    evals: Vec<&'a str>,
}

#[derive(Serialize)]
struct ExampleJson<'a> {
    id: &'a str,
    section: &'a str,
    title: String,
    source: SourceJson<'a>,
    messages: Vec<MessageJson<'a>>,
}

#[derive(Serialize)]
struct EvalExampleJson<'a> {
    id: &'a str,
    title: String,
    source: SourceJson<'a>,
    messages: Vec<MessageJson<'a>>,
}

#[derive(Serialize)]
struct EvalJson<'a> {
    id: &'a str,
    file: &'a str,
    sections: Vec<&'a str>,
    examples: Vec<EvalExampleJson<'a>>,
}

/// Attributes as a JSON object in source order.
struct Attrs<'a>(&'a [(String, String)]);

impl Serialize for Attrs<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

#[derive(Serialize)]
struct MessageJson<'a> {
    role: &'a str,
    attrs: Attrs<'a>,
    content: &'a str,
    comparison: Option<usize>,
    verdict: Option<&'static str>,
    comment: Option<String>,
    refs: &'a [String],
}

fn title_lookup(spec: &Spec) -> impl Fn(&str) -> Option<String> + '_ {
    |id| spec.section(id).map(|s| s.title.clone())
}

fn message_json<'a>(spec: &'a Spec, m: &'a Message) -> MessageJson<'a> {
    MessageJson {
        role: m.role.as_str(),
        attrs: Attrs(&m.attrs),
        content: &m.content.text,
        comparison: m.comparison,
        verdict: m.verdict.map(|v| v.as_str()),
        comment: m
            .comment
            .as_ref()
            .map(|c| plain_text(&c.text, &title_lookup(spec))),
        refs: &m.refs,
    }
}

fn example_title(spec: &Spec, ex: &Example) -> String {
    plain_text(&ex.title.text, &title_lookup(spec))
}

/// Serialises the spec as `spec.json` (pretty-printed, trailing newline).
pub fn to_json(spec: &Spec) -> String {
    let mut out = Vec::new();
    write_json(spec, &mut out).expect("writing to memory cannot fail");
    String::from_utf8(out).expect("serde_json writes UTF-8")
}

/// [`to_json`] into a writer.
pub fn write_json(spec: &Spec, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    // Each section's references and citations, distinct, in source order
    // (grouped in one pass: a spec can have thousands of each).
    let mut refs_of: Vec<Vec<&str>> = vec![Vec::new(); spec.sections.len()];
    for r in &spec.references {
        if let Some(refs) = r.from_section.and_then(|i| refs_of.get_mut(i))
            && !refs.contains(&r.target.as_str())
        {
            refs.push(&r.target);
        }
    }
    let mut evals_of: Vec<Vec<&str>> = vec![Vec::new(); spec.sections.len()];
    for c in &spec.citations {
        if let Some(evals) = c.from_section.and_then(|i| evals_of.get_mut(i))
            && !evals.contains(&c.label.as_str())
        {
            evals.push(&c.label);
        }
    }
    let cited: HashSet<&str> = spec.citations.iter().map(|c| c.label.as_str()).collect();
    let sections = spec
        .sections
        .iter()
        .zip(refs_of.into_iter().zip(evals_of))
        .map(|(s, (refs, evals))| SectionJson {
            id: &s.id,
            title: &s.title,
            level: s.level,
            parent: s.parent.map(|p| spec.sections[p].id.as_str()),
            authority: s.authority_written(),
            tags: &s.tags,
            source: SourceJson {
                file: &s.source.file,
                line: s.source.line,
            },
            examples: s.examples().map(|e| e.id.as_str()).collect(),
            refs,
            evals,
        })
        .collect();
    let examples = spec
        .examples()
        .map(|ex| ExampleJson {
            id: &ex.id,
            section: &ex.section,
            title: example_title(spec, ex),
            source: SourceJson {
                file: &ex.source.file,
                line: ex.source.line,
            },
            messages: ex.messages.iter().map(|m| message_json(spec, m)).collect(),
        })
        .collect();
    let evals = spec
        .evals
        .iter()
        .filter(|e| cited.contains(e.id.as_str()))
        .map(|e| EvalJson {
            id: &e.id,
            file: &e.file,
            sections: e
                .cited_by
                .iter()
                .map(|&i| spec.sections[i].id.as_str())
                .collect(),
            examples: e
                .examples
                .iter()
                .map(|ex| EvalExampleJson {
                    id: &ex.id,
                    title: example_title(spec, ex),
                    source: SourceJson {
                        file: &ex.source.file,
                        line: ex.source.line,
                    },
                    messages: ex.messages.iter().map(|m| message_json(spec, m)).collect(),
                })
                .collect(),
        })
        .collect();
    let doc = SpecDoc {
        schema: SCHEMA,
        title: &spec.meta.title,
        sections,
        examples,
        evals,
    };
    serde_json::to_writer_pretty(&mut *out, &doc).map_err(std::io::Error::from)?;
    out.write_all(b"\n")
}
