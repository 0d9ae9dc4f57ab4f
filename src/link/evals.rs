//! Eval-prompt files (`examples/<label>.md`): their examples, and which
//! sections cite them.

use std::collections::HashSet;

use super::{ExampleIds, SourceLines};
use crate::diag::{Diagnostics, Location};
use crate::model::{Block, EvalFile, Example, Spec};
use crate::parse::ParsedFile;

/// Eval-prompt files: their examples, which sections cite them, and the
/// warnings for missing and uncited files.
pub(super) fn link_evals(
    spec: &mut Spec,
    files: Vec<ParsedFile>,
    lines: &SourceLines<'_>,
    diags: &mut Diagnostics,
) {
    let header = regex::Regex::new(r"^Examples for \[\^([^\]]+)\] in (.*?):?\s*$").unwrap();
    let mut ids = ExampleIds::new([]);
    for file in files {
        let label = file
            .path
            .rsplit('/')
            .next()
            .unwrap_or("")
            .trim_end_matches(".md")
            .to_owned();
        let mut header_section = None;
        let mut examples: Vec<Example> = Vec::new();
        let blocks = file
            .preamble
            .into_iter()
            .chain(file.sections.into_iter().flat_map(|s| s.blocks));
        for block in blocks {
            match block {
                Block::Example(mut ex) => {
                    ex.id = ids.unique(&label, &ex.title.text, &label);
                    examples.push(*ex);
                }
                Block::Prose(span) if header_section.is_none() && examples.is_empty() => {
                    let first = span.text.lines().next().unwrap_or("");
                    if let Some(c) = header.captures(first) {
                        header_section = Some(c[2].to_owned());
                        if c[1] != label {
                            let at = Location {
                                file: file.path.clone(),
                                line: span.line,
                                col: 15,
                            };
                            diags.warning_at(
                                &at,
                                lines.line(&at),
                                format!("header names `[^{}]` but the file is `{label}.md`", &c[1]),
                            );
                        }
                    }
                }
                Block::Prose(span)
                | Block::Commentary(crate::model::Commentary { body: span, .. }) => {
                    let at = Location {
                        file: file.path.clone(),
                        line: span.line,
                        col: 1,
                    };
                    diags.warning_at(
                        &at,
                        lines.line(&at),
                        "text between eval prompts is not shown",
                    );
                }
            }
        }
        let idx = spec.evals.len();
        spec.eval_index.insert(label.clone(), idx);
        spec.evals.push(EvalFile {
            id: label,
            file: file.path,
            header_section,
            examples,
            cited_by: Vec::new(),
        });
    }
    for c in &spec.citations {
        match spec.eval_index.get(&c.label) {
            Some(&i) => {
                // Citations come in document order: a section already
                // counted is the last one pushed.
                if let Some(s) = c
                    .from_section
                    .filter(|s| spec.evals[i].cited_by.last() != Some(s))
                {
                    spec.evals[i].cited_by.push(s);
                }
            }
            None => diags.warning_at(
                &c.at,
                lines.line(&c.at),
                format!(
                    "footnote `[^{}]` names an eval-prompt file `{}.md` that does not exist",
                    c.label, c.label
                ),
            ),
        }
    }
    let cited: HashSet<&str> = spec.citations.iter().map(|c| c.label.as_str()).collect();
    for e in &spec.evals {
        if e.cited_by.is_empty() && !cited.contains(e.id.as_str()) {
            let at = Location {
                file: e.file.clone(),
                line: 1,
                col: 1,
            };
            diags.warning_at(
                &at,
                lines.line(&at),
                format!(
                    "eval-prompt file is not cited by any footnote `[^{}]`",
                    e.id
                ),
            );
        }
    }
}
