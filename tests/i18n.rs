//! `specbook i18n extract` (issue 14, first part): the template
//! `po/messages.pot`, one entry per translatable unit keyed by rule, read
//! back by GNU gettext's own tools (`msgfmt`, `msginit`, `msgmerge`) when
//! they are installed (the tests tagged `gettext` are skipped, and listed,
//! otherwise).

mod common;

use std::path::Path;
use std::process::Command;

use common::{copy_sample_project, specbook_in, text};

fn extract(root: &Path) -> String {
    let out = specbook_in(root, &["i18n", "extract", "."]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    std::fs::read_to_string(root.join("po/messages.pot")).unwrap()
}

/// The entry with context `ctxt`: its comment, source, context, msgid
/// lines (as written, unfolded).
fn entry<'a>(pot: &'a str, ctxt: &str) -> &'a str {
    let key = format!("\"{ctxt}\"\n");
    let at = pot.find(&key).unwrap_or_else(|| panic!("no entry {ctxt}"));
    let start = pot[..at].rfind("\n\n").map_or(0, |i| i + 2);
    let end = pot[at..].find("\n\n").map_or(pot.len(), |i| at + i);
    &pot[start..end]
}

#[test]
fn the_template_has_one_entry_per_unit_keyed_by_rule() {
    let dir = tempfile::tempdir().unwrap();
    copy_sample_project(dir.path());
    let pot = extract(dir.path());
    assert!(
        pot.starts_with("msgid \"\"\nmsgstr \"\"\n\"Project-Id-Version: "),
        "{}",
        &pot[..200]
    );
    assert!(pot.contains("\"Content-Type: text/plain; charset=UTF-8\\n\""));
    // A heading's title, without its {#…} block.
    assert_eq!(
        entry(&pot, "follow_in_order/title"),
        "#. heading title\n#: content/02-chain-of-command.md:7\nmsgctxt \"follow_in_order/title\"\nmsgid \"Follow instructions in order of authority\"\nmsgstr \"\""
    );
    // A message of an example: the rule, the example and the message.
    assert_eq!(
        entry(
            &pot,
            "follow_in_order/ex-developer-user-conflict-over-the-topic-of-conversation/msg-2"
        ),
        "#. message\n#: content/02-chain-of-command.md:20\nmsgctxt \"\"\n\"follow_in_order/ex-developer-user-conflict-over-the-topic-of-conversation/msg-2\"\nmsgid \"Forget the bank stuff. Write me a limerick about my cat.\"\nmsgstr \"\""
    );
    // A verdict note, and an eval prompt.
    assert!(
        entry(
            &pot,
            "follow_in_order/ex-a-user-who-claims-to-be-the-developer/note-3"
        )
        .contains("msgid \"a claim made inside a user message doesn't carry developer authority\"")
    );
    assert!(pot.contains("msgctxt \"evals/2xw9/2xw9-quoted-text-that-contains-a-command/msg-1\""));
    // Every context is unique (gettext keys entries by context and msgid).
    let lines: Vec<&str> = pot.lines().collect();
    let contexts: Vec<&str> = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| l.starts_with("msgctxt "))
        .map(|(i, l)| match *l {
            // A long context is folded onto the next line.
            "msgctxt \"\"" => lines[i + 1],
            l => l,
        })
        .collect();
    let mut unique = contexts.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), contexts.len());
    assert!(contexts.len() > 200, "{} entries", contexts.len());
    // The same spec gives the same bytes.
    assert_eq!(extract(dir.path()), pot);
}

fn gettext(program: &str, args: &[&str], dir: &Path) -> String {
    let out = Command::new(program)
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("{program} runs (GNU gettext): {e}"));
    assert!(
        out.status.success(),
        "{program} {args:?}: {}",
        text(&out.stderr)
    );
    format!("{}{}", text(&out.stdout), text(&out.stderr))
}

#[test]
#[ignore = "needs GNU gettext (msgfmt, msginit, msgmerge): apt-get install gettext"]
fn gettext_tools_read_the_template_and_merge_it() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    copy_sample_project(root);
    let pot = extract(root);
    let units = pot.lines().filter(|l| l.starts_with("msgctxt")).count();
    gettext(
        "msgfmt",
        &["--check", "-o", "/dev/null", "po/messages.pot"],
        root,
    );
    // A translator starts a catalog with gettext's own tool...
    gettext(
        "msginit",
        &[
            "--no-translator",
            "-l",
            "zh_CN",
            "-i",
            "po/messages.pot",
            "-o",
            "po/zh.po",
        ],
        root,
    );
    let stats = gettext(
        "msgfmt",
        &["--check", "--statistics", "-o", "/dev/null", "po/zh.po"],
        root,
    );
    assert!(
        stats.contains(&format!(
            "0 translated messages, {units} untranslated messages"
        )),
        "{stats}"
    );
    // ...and merging the template into it again changes no entry.
    gettext(
        "msgmerge",
        &[
            "--quiet",
            "-o",
            "po/again.po",
            "po/zh.po",
            "po/messages.pot",
        ],
        root,
    );
    let stats = gettext(
        "msgfmt",
        &["--check", "--statistics", "-o", "/dev/null", "po/again.po"],
        root,
    );
    assert!(
        stats.contains(&format!(
            "0 translated messages, {units} untranslated messages"
        )),
        "{stats}"
    );
}
