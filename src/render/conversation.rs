//! Example conversations as pages show them: titles, messages, comparison
//! groups (compliant first) and verdict notes.

use super::context::{Attr, ExampleCtx, ItemCtx, MessageCtx};
use super::markdown::{LinkMode, Linker, escape, render_inline, render_message_body};
use super::renderer::SiteRenderer;
use super::typography::{capitalize_first_word, smarten};
use crate::model::{Example, Item, Message, Role};

impl SiteRenderer<'_> {
    pub(super) fn example_ctx(&self, ex: &Example, link: &Linker<'_>) -> ExampleCtx {
        let title_html =
            capitalize_first_word(&self.fragment("inline", &ex.title.text, link, || {
                render_inline(&ex.title.text, link)
            }));
        let title_html = self.mark_inline(ex.title.tr, title_html);
        let items = ex
            .items
            .iter()
            .map(|item| match item {
                Item::Message(m) => {
                    let msg = &ex.messages[*m];
                    // Settings-only system messages are drawn too (as a
                    // settings block), besides the U18 badge they imply:
                    // every message of the data is on the page.
                    ItemCtx::Message {
                        message: self.message_ctx(ex, msg, link),
                    }
                }
                Item::Comparison { messages, .. } => {
                    let mut ms: Vec<&Message> = messages.iter().map(|&m| &ex.messages[m]).collect();
                    // Compliant first, as the official page draws them.
                    ms.sort_by_key(|m| m.verdict.map_or(3, |v| v.rank()));
                    ItemCtx::Comparison {
                        vertical: ms.len() >= 4,
                        messages: ms
                            .into_iter()
                            .map(|m| self.message_ctx(ex, m, link))
                            .collect(),
                    }
                }
                Item::Elision(_) => ItemCtx::Elision,
            })
            .collect();
        let untranslated = self.languages.is_some()
            && ex
                .messages
                .iter()
                .any(|m| m.content.tr == crate::model::Tr::Untranslated);
        ExampleCtx {
            tr_note: untranslated.then(|| self.ui("tr_untranslated")),
            id: ex.id.clone(),
            self_link: matches!(link.mode, LinkMode::Paged { .. }),
            title_html,
            u18: ex.is_under_18(),
            items,
        }
    }

    fn message_ctx(&self, ex: &Example, m: &Message, link: &Linker<'_>) -> MessageCtx {
        let (role_label, shown) = self.role_label(m);
        let attrs = m
            .attrs
            .iter()
            .filter(|(k, _)| !shown.contains(&k.as_str()))
            .map(|(k, v)| Attr {
                name: k.clone(),
                value: v.clone(),
            })
            .collect();
        let mut comment = m.comment.as_ref().map(|c| {
            let html = capitalize_first_word(
                &self.fragment("inline", &c.text, link, || render_inline(&c.text, link)),
            );
            self.mark_inline(c.tr, html)
        });
        if m.comment.is_none() {
            comment = m.attr("comment").map(escape);
        }
        if !m.refs.is_empty() {
            let named: Vec<String> = m
                .refs
                .iter()
                .map(|r| {
                    let title = link.title(r).map(smarten).unwrap_or_else(|| r.clone());
                    format!(
                        "<a class=\"xref\" href=\"{}\">{}</a>",
                        escape(&link.section_href(r)),
                        escape(&title)
                    )
                })
                .collect();
            let rules = named.join(", ");
            comment = Some(match comment {
                Some(c) => self.strings.fill(
                    "comment_conflicts_with",
                    &[("comment", &c), ("rules", &rules)],
                ),
                None => self.strings.fill("conflicts_with", &[("rules", &rules)]),
            });
        }
        MessageCtx {
            role: m.role.to_string(),
            role_label,
            attrs,
            verdict: m.verdict.map(|v| v.as_str()),
            verdict_label: m.verdict.map(|v| {
                self.strings
                    .get(&format!("verdict_{}", v.as_str()))
                    .to_owned()
            }),
            body_html: self.mark_message(
                m.content.tr,
                self.fragment(
                    &format!("message:{}:{}", m.role, m.attr("recipient").is_some()),
                    &m.content.text,
                    link,
                    || render_message_body(m, link),
                ),
                link.base(),
                &self.example_target(ex),
            ),
            comment_html: comment,
        }
    }
}

impl SiteRenderer<'_> {
    /// "Assistant to Python", "Assistant to Function Call ask_question"
    /// (in the site's language: the five roles have names in the strings
    /// table, another role is shown capitalised); also returns the
    /// attributes already shown in the label.
    fn role_label(&self, m: &Message) -> (String, Vec<&'static str>) {
        let t = &self.strings;
        let role = m.role.as_str();
        let mut label = match role {
            "system" | "developer" | "user" | "assistant" | "tool" => {
                t.get(&format!("role_{role}")).to_owned()
            }
            _ => capitalize(role),
        };
        let mut shown = vec!["comment"];
        if let Some(r) = m.attr("recipient") {
            let target = match r.strip_prefix("functions.") {
                Some(f) => t.fill("role_function_call", &[("name", f)]),
                None => capitalize(r),
            };
            label = t.fill("role_to", &[("role", &label), ("recipient", &target)]);
            shown.push("recipient");
        }
        if let (true, Some(n)) = (m.role == Role::Tool, m.attr("name")) {
            label = t.fill("role_tool_named", &[("name", n)]);
            shown.push("name");
        }
        (label, shown)
    }
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}
