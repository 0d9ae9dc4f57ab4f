//! The spec's examples as an eval set: what `export --format
//! inspect|trl|promptfoo` and the site's downloads are made from.
//!
//! A *case* is one thing to put to a model:
//! - a judged assistant turn of an example in the spec (a `<comparison>`,
//!   or an assistant message with a verdict): the conversation before it
//!   is the input, its compliant answers the target, its violations (with
//!   their notes) what a grader must not accept;
//! - a prompt of an eval-prompt file (`examples/<label>.md`), attached to
//!   every rule that cites the file.
//!
//! Cases are built from the linked spec only, by rule in document order, so every
//! format written from them is deterministic and ids are stable: an
//! example's id plus the turn.

mod filter;
pub mod formats;
pub mod output;

use crate::config::Config;
use crate::model::{EvalFile, Example, Item, Message, Role, Spec, Verdict};
use crate::parse::inline::{Plain, plain_text, plain_text_with};
use crate::render::markdown::decode_entities;

pub use filter::Filter;

/// How the dialect's roles become the chat roles eval tools know
/// (`system`, `user`, `assistant`): recorded in every case's metadata.
pub const ROLE_MAPPING: &[(&str, &str)] = &[
    ("system", "system"),
    ("developer", "system"),
    ("user", "user"),
    ("assistant", "assistant"),
    (
        "tool",
        "user, the body prefixed with \"[tool output]\" (or \"[tool output from NAME]\"): \
         the examples hold no tool call a `tool` message could answer",
    ),
    ("other roles", "user, the body prefixed with \"[ROLE]\""),
];

/// One message of a case's input, in the chat form eval tools read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatMessage {
    /// `system`, `user` or `assistant`.
    pub role: &'static str,
    /// Shared: every later turn of the conversation repeats it in its input.
    pub content: std::sync::Arc<str>,
}

/// One judged answer at a case's turn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub verdict: Verdict,
    pub content: String,
    /// The verdict's note, as plain text.
    pub note: Option<String>,
    /// Rule ids the verdict names (`BAD[#id]`).
    pub refs: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseKind {
    /// A judged assistant turn of an example in the spec.
    Turn,
    /// A prompt of an eval-prompt file.
    Prompt,
}

/// One thing to put to a model, with the rule it tests.
#[derive(Debug, Clone)]
pub struct Case<'a> {
    /// Stable: `<example id>/turn-<n>` for a turn, the example's id for an
    /// eval prompt.
    pub id: String,
    pub kind: CaseKind,
    /// The rule the case tests (index into `Spec::sections`): the example's
    /// section, or the first rule citing the eval-prompt file.
    pub rule: usize,
    /// Every rule the case tests, `rule` first.
    pub rules: Vec<usize>,
    /// The eval-prompt file's label, for a prompt.
    pub eval_id: Option<&'a str>,
    pub example: &'a Example,
    /// 1-based position of the judged turn among the example's assistant
    /// turns (0 for a prompt).
    pub turn: usize,
    pub input: Vec<ChatMessage>,
    /// The judged answers, in source order.
    pub answers: Vec<Answer>,
}

impl Case<'_> {
    pub fn compliant(&self) -> impl Iterator<Item = &Answer> {
        self.answers.iter().filter(|a| a.verdict == Verdict::Good)
    }

    pub fn acceptable(&self) -> impl Iterator<Item = &Answer> {
        self.answers.iter().filter(|a| a.verdict == Verdict::Ok)
    }

    pub fn violating(&self) -> impl Iterator<Item = &Answer> {
        self.answers.iter().filter(|a| a.verdict == Verdict::Bad)
    }
}

/// The cases of a spec, with what every format needs to describe them.
#[derive(Debug)]
pub struct EvalSet<'a> {
    pub spec: &'a Spec,
    pub config: &'a Config,
    pub cases: Vec<Case<'a>>,
    /// Each rule's text, made when first asked for: every case of a rule
    /// quotes it, in every format.
    rule_texts: Vec<std::sync::OnceLock<String>>,
}

impl<'a> EvalSet<'a> {
    /// Every case of the spec, by rule in document order: a rule's
    /// examples' judged turns, then the prompts of the eval-prompt files
    /// it is the first to cite. So the cases of a rule and its sub-rules
    /// follow one another (the site's downloads make each record once,
    /// see `output::EvalDownloads`).
    pub fn new(config: &'a Config, spec: &'a Spec) -> Self {
        let title_of = |id: &str| spec.section(id).map(|s| s.title.clone());
        // Eval-prompt files by the rule that cites them first.
        let mut first_cited: Vec<Vec<&EvalFile>> = vec![Vec::new(); spec.sections.len()];
        for eval in &spec.evals {
            if let Some(&first) = eval.cited_by.first() {
                first_cited[first].push(eval);
            }
        }
        let mut cases = Vec::new();
        for (i, section) in spec.sections.iter().enumerate() {
            for ex in section.examples() {
                cases.extend(turns(ex, i, &title_of));
            }
            for eval in &first_cited[i] {
                cases.extend(prompts(eval, i, &title_of));
            }
        }
        Self {
            spec,
            config,
            cases,
            rule_texts: spec.sections.iter().map(|_| Default::default()).collect(),
        }
    }

    /// Keeps the cases `filter` accepts.
    pub fn filtered(mut self, filter: &Filter) -> Self {
        let keep: Vec<bool> = self
            .cases
            .iter()
            .map(|c| filter.accepts(self.spec, c))
            .collect();
        let mut keep = keep.into_iter();
        self.cases.retain(|_| keep.next().unwrap_or(false));
        self
    }

    /// Titles from the chapter down to rule `i`.
    pub fn section_path(&self, i: usize) -> Vec<&'a str> {
        let spec = self.spec;
        let mut path = vec![spec.sections[i].title.as_str()];
        let mut at = i;
        while let Some(p) = spec.sections[at].parent {
            path.push(&spec.sections[p].title);
            at = p;
        }
        path.reverse();
        path
    }

    /// The authority a rule is under: its own, else its nearest
    /// ancestor's, as written.
    pub fn authority(&self, i: usize) -> Option<&'a str> {
        let spec = self.spec;
        let mut at = Some(i);
        while let Some(j) = at {
            if let Some(a) = spec.sections[j].authority_written() {
                return Some(a);
            }
            at = spec.sections[j].parent;
        }
        None
    }

    /// The rule's own text as plain text (its prose and commentary, not
    /// its examples): what a grader reads as the rule.
    pub fn rule_text(&self, i: usize) -> &str {
        self.rule_texts[i].get_or_init(|| self.make_rule_text(i))
    }

    fn make_rule_text(&self, i: usize) -> String {
        let spec = self.spec;
        let title_of = |id: &str| spec.section(id).map(|s| s.title.clone());
        let how = Plain {
            lines: true,
            decode_code: false,
        };
        let as_lines = |text: &str| plain_text_with(text, &title_of, how);
        spec.sections[i]
            .blocks
            .iter()
            .filter_map(|b| match b {
                crate::model::Block::Prose(span) => Some(as_lines(&span.text)),
                crate::model::Block::Commentary(c) => Some(as_lines(&c.body.text)),
                crate::model::Block::Example(_) => None,
            })
            .map(|t| t.trim().to_owned())
            .filter(|t| !t.is_empty())
            .collect::<Vec<_>>()
            .join("\n\n")
    }

    /// The example's title as plain text.
    pub fn example_title(&self, ex: &Example) -> String {
        let spec = self.spec;
        plain_text(&ex.title.text, &|id: &str| {
            spec.section(id).map(|s| s.title.clone())
        })
    }

    /// The case's example on the published site, when `site-url` is set.
    pub fn url(&self, case: &Case<'_>) -> Option<String> {
        let base = self.config.site_url.as_deref()?;
        let href = match case.eval_id {
            Some(label) => crate::site::eval_example_href(label, &case.example.id),
            None => crate::site::example_href(self.spec, &case.example.section, &case.example.id),
        };
        Some(format!("{}/{href}", base.trim_end_matches('/')))
    }
}

/// The judged turns of one example of section `rule`.
/// The cases of an eval-prompt file's prompts (cited first by rule
/// `rule`): each prompt's messages but its judged answers, which are the
/// references.
fn prompts<'a>(
    eval: &'a EvalFile,
    rule: usize,
    title_of: &dyn Fn(&str) -> Option<String>,
) -> Vec<Case<'a>> {
    let mut cases = Vec::new();
    for ex in &eval.examples {
        let input = ex
            .messages
            .iter()
            .filter(|m| m.verdict.is_none())
            .map(chat_message)
            .collect::<Vec<_>>();
        if input.is_empty() {
            continue;
        }
        cases.push(Case {
            id: ex.id.clone(),
            kind: CaseKind::Prompt,
            rule,
            rules: eval.cited_by.clone(),
            eval_id: Some(&eval.id),
            example: ex,
            turn: 0,
            input,
            answers: ex
                .messages
                .iter()
                .filter_map(|m| answer(m, title_of))
                .collect(),
        });
    }
    cases
}

fn turns<'a>(
    ex: &'a Example,
    rule: usize,
    title_of: &dyn Fn(&str) -> Option<String>,
) -> Vec<Case<'a>> {
    let mut cases = Vec::new();
    let mut history: Vec<ChatMessage> = Vec::new();
    let mut turn = 0;
    let mut push = |answers: Vec<Answer>, history: &[ChatMessage], turn: usize| {
        cases.push(Case {
            id: format!("{}/turn-{turn}", ex.id),
            kind: CaseKind::Turn,
            rule,
            rules: vec![rule],
            eval_id: None,
            example: ex,
            turn,
            input: history.to_vec(),
            answers,
        });
    };
    for item in &ex.items {
        match item {
            Item::Message(i) => {
                let m = &ex.messages[*i];
                if m.role == Role::Assistant {
                    turn += 1;
                    if let Some(a) = answer(m, title_of) {
                        push(vec![a], &history, turn);
                    }
                }
                history.push(chat_message(m));
            }
            Item::Comparison { messages, .. } => {
                turn += 1;
                let answers: Vec<Answer> = messages
                    .iter()
                    .filter_map(|&i| answer(&ex.messages[i], title_of))
                    .collect();
                // The conversation goes on from a compliant alternative
                // (the first), else from none.
                let next = answers
                    .iter()
                    .find(|a| a.verdict == Verdict::Good)
                    .map(|a| ChatMessage {
                        role: "assistant",
                        content: a.content.as_str().into(),
                    });
                if !answers.is_empty() {
                    push(answers, &history, turn);
                }
                history.extend(next);
            }
            Item::Elision(_) => {}
        }
    }
    // A turn with nothing before it gives a model nothing to answer.
    cases.retain(|c| !c.input.is_empty());
    cases
}

/// A message as chat input (ROLE_MAPPING).
fn chat_message(m: &Message) -> ChatMessage {
    let body = content(m);
    let (role, content) = match &m.role {
        Role::System | Role::Developer => ("system", body),
        Role::User => ("user", body),
        Role::Assistant => ("assistant", body),
        Role::Tool => {
            let label = match m.attr("name") {
                Some(name) => format!("[tool output from {name}]"),
                None => "[tool output]".to_owned(),
            };
            ("user", format!("{label}\n{body}"))
        }
        Role::Other(name) => ("user", format!("[{name}]\n{body}")),
    };
    ChatMessage {
        role,
        content: content.into(),
    }
}

/// A message's body as a model should read it: the markdown as written,
/// entities decoded once (the dialect writes `&lt;` for `<` in
/// conversations, FORMAT.md 5.5).
fn content(m: &Message) -> String {
    decode_entities(&m.content.text)
}

fn answer(m: &Message, title_of: &dyn Fn(&str) -> Option<String>) -> Option<Answer> {
    let verdict = m.verdict?;
    Some(Answer {
        verdict,
        content: content(m),
        note: m
            .comment
            .as_ref()
            .map(|c| plain_text(&c.text, title_of))
            .filter(|n| !n.is_empty()),
        refs: m.refs.clone(),
    })
}

#[cfg(test)]
mod tests;
