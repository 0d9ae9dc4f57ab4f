//! `specbook i18n extract` (issue 14, first part): the template
//! `po/messages.pot`, one entry per translatable unit keyed by rule, read
//! back by GNU gettext's own tools (`msgfmt`, `msginit`, `msgmerge`) when
//! they are installed (the tests tagged `gettext` are skipped, and listed,
//! otherwise).

mod common;

use std::path::Path;
use std::process::Command;

use common::{copy_sample_project, specbook_in, text};
use polib::message::{MessageMutView, MessageView};

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

/// `specbook check` passes and has nothing to say about the catalogs.
fn assert_check_says_nothing_of_catalogs(root: &Path) {
    let check = specbook_in(root, &["check", "."]);
    let err = text(&check.stderr);
    assert!(check.status.success(), "{err}");
    assert!(!err.contains("po/"), "{err}");
}

/// GNU msgfmt checks `po` and counts all `units` of it untranslated.
fn assert_all_untranslated(root: &Path, po: &str, units: usize) {
    let stats = gettext(
        "msgfmt",
        &["--check", "--statistics", "-o", "/dev/null", po],
        root,
    );
    assert!(
        stats.contains(&format!(
            "0 translated messages, {units} untranslated messages"
        )),
        "{po}: {stats}"
    );
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
    assert_all_untranslated(root, "po/zh.po", units);
    // `check` reads the catalog GNU msginit wrote (its header, its line
    // folding) without a word.
    assert_check_says_nothing_of_catalogs(root);
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
    assert_all_untranslated(root, "po/again.po", units);
}

/// Sets the translation of the entry with context `ctxt` in a PO file.
fn translate(po: &Path, ctxt: &str, msgstr: &str) {
    let mut catalog = polib::po_file::parse(po).unwrap();
    let mut found = false;
    for mut m in catalog.messages_mut() {
        if m.msgctxt() == Some(ctxt) {
            m.set_msgstr(msgstr.to_owned()).unwrap();
            found = true;
        }
    }
    assert!(found, "no entry {ctxt}");
    polib::po_file::write_to_file(&catalog, po).unwrap();
}

/// The entry of `ctxt` in a PO file: (msgid, msgstr, fuzzy), or `None`.
fn find(po: &Path, ctxt: &str) -> Option<(String, String, bool)> {
    let catalog = polib::po_file::parse(po).unwrap();
    catalog
        .messages()
        .find(|m| m.msgctxt() == Some(ctxt))
        .map(|m| {
            (
                m.msgid().to_owned(),
                m.msgstr().unwrap().to_owned(),
                m.is_fuzzy(),
            )
        })
}

const KEPT: &str = "overview/title";
const CHANGED: &str = "follow_in_order/title";
const GONE: &str = "follow_in_order/ex-a-user-who-claims-to-be-the-developer/note-6";

#[test]
#[ignore = "needs GNU gettext (msgfmt, msginit, msgmerge): apt-get install gettext"]
fn gettext_update_merges_as_msgmerge_does() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    copy_sample_project(root);
    extract(root);
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
    let po = root.join("po/zh.po");
    translate(&po, KEPT, "概述");
    translate(&po, CHANGED, "按权限顺序遵循指令");
    translate(&po, GONE, "回到开发者限定的范围内提供帮助");
    // GNU msgmerge gets the same catalog, outside po/.
    std::fs::copy(&po, root.join("gnu.po")).unwrap();

    // The source changes: a title is edited, a verdict note is dropped, a
    // rule is added.
    let file = root.join("content/02-chain-of-command.md");
    let t = std::fs::read_to_string(&file).unwrap();
    let t = t
        .replace(
            "## Follow instructions in order of authority {#follow_in_order",
            "## Follow instructions in the order of their authority {#follow_in_order",
        )
        .replace(
            "<!-- GOOD: back to helping within the developer's limits -->",
            "<!-- GOOD -->",
        );
    std::fs::write(&file, t + "\n## A new rule {#a_new_rule}\n\nNew text.\n").unwrap();
    let out = specbook_in(root, &["i18n", "update", "."]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let report = text(&out.stderr);
    assert!(
        report.contains("zh.po: 1 translated, 1 fuzzy,") && report.contains(", 1 obsolete"),
        "{report}"
    );

    // Ours: kept, fuzzy with the old translation, obsolete, new.
    assert_eq!(
        find(&po, KEPT),
        Some(("Overview".into(), "概述".into(), false))
    );
    assert_eq!(
        find(&po, CHANGED),
        Some((
            "Follow instructions in the order of their authority".into(),
            "按权限顺序遵循指令".into(),
            true
        ))
    );
    assert_eq!(find(&po, GONE), None, "an obsolete entry is not a message");
    let ours = std::fs::read_to_string(&po).unwrap();
    assert!(
        ours.contains("#~ msgctxt \"follow_in_order/ex-a-user-who-claims-to-be-the-developer/note-6\"\n#~ msgid \"back to helping within the developer's limits\"\n#~ msgstr \"回到开发者限定的范围内提供帮助\""),
        "{}",
        &ours[ours.find("#~").unwrap_or(0)..]
    );
    assert_eq!(
        find(&po, "a_new_rule/title"),
        Some(("A new rule".into(), String::new(), false))
    );

    // GNU msgmerge, on the same catalog and template, agrees on the counts.
    gettext(
        "msgmerge",
        &[
            "--quiet",
            "-o",
            "gnu-merged.po",
            "gnu.po",
            "po/messages.pot",
        ],
        root,
    );
    // The statistics line (warnings before it name the file).
    let stats = |file: &str| {
        let out = gettext(
            "msgfmt",
            &["--check", "--statistics", "-o", "/dev/null", file],
            root,
        );
        out.lines().last().unwrap_or_default().to_owned()
    };
    assert_eq!(stats("po/zh.po"), stats("gnu-merged.po"));
    let gnu = std::fs::read_to_string(root.join("gnu-merged.po")).unwrap();
    assert_eq!(
        gnu.matches("\n#~ msgid ").count(),
        ours.matches("\n#~ msgid ").count(),
        "obsolete entries"
    );
    // The status: the overview has its title translated; the chain of
    // command has one stale unit (the edited title); worst first.
    let status = specbook_in(root, &["i18n", "status", "."]);
    assert!(status.status.success(), "{}", text(&status.stderr));
    let shown = text(&status.stdout);
    let units = pot_units(&std::fs::read_to_string(root.join("po/messages.pot")).unwrap());
    assert!(
        shown.contains(&format!(
            "po/zh.po: 1 of {units} units translated (0%), 1 stale\n"
        )),
        "{shown}"
    );
    let row = |id: &str| {
        shown
            .lines()
            .find(|l| l.ends_with(&format!("({id})")))
            .unwrap_or_else(|| panic!("no row for {id}: {shown}"))
            .to_owned()
    };
    assert!(row("chain_of_command").contains("   1 stale"), "{shown}");
    assert!(!row("overview").starts_with("    0.0%"), "{shown}");
    let last = shown.lines().last().unwrap();
    assert!(
        last.ends_with("(overview)"),
        "the best-translated section comes last: {shown}"
    );

    // `check` reads the merged catalog: its fuzzy and obsolete entries
    // raise nothing (the translations keep what their sources have).
    assert_check_says_nothing_of_catalogs(root);

    // And a second update changes nothing.
    let again = specbook_in(root, &["i18n", "update", "."]);
    assert!(again.status.success());
    assert_eq!(std::fs::read_to_string(&po).unwrap(), ours);
}

/// The number of entries of a template.
fn pot_units(pot: &str) -> usize {
    pot.lines().filter(|l| l.starts_with("msgctxt ")).count()
}

/// `check` lints `po/*.po` against the spec: a translation that drops a
/// reference is an error at its `msgstr` line, in every output format,
/// and fails the check; the `i18n` commands still run over it.
#[test]
fn check_reports_a_translation_that_drops_a_reference_at_its_po_line() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    copy_sample_project(root);
    let pot = extract(root);
    // The source entry as the template has it (its msgid folded over
    // several lines), with a translation that loses `[?](#authority_levels)`
    // and the footnote `[^p7qa]`.
    let source = entry(&pot, "follow_in_order/p-1");
    let keys = &source[source.find("msgctxt").unwrap()..source.find("\nmsgstr").unwrap()];
    let header = "msgid \"\"\nmsgstr \"\"\n\"Content-Type: text/plain; charset=UTF-8\\n\"\n\"Language: zh\\n\"\n\n";
    let po =
        format!("{header}{keys}\nmsgstr \"\"\n\"当两条指令冲突时，助手遵循权限更高的那条。\"\n");
    // The header's 5 lines, then msgctxt (6), the msgid's 11 lines (7-17):
    // the msgstr is line 18.
    let line = 18;
    assert_eq!(po.lines().nth(line - 1), Some("msgstr \"\""), "{po}");
    std::fs::create_dir_all(root.join("po")).unwrap();
    std::fs::write(root.join("po/zh.po"), &po).unwrap();

    let out = specbook_in(root, &["check", "."]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    let shown: Vec<&str> = stderr.lines().filter(|l| l.starts_with("po/")).collect();
    assert_eq!(
        shown,
        [
            format!(
                "po/zh.po:{line}:1: error: translation of `follow_in_order/p-1` drops the footnote `[^p7qa]`"
            ),
            format!(
                "po/zh.po:{line}:1: error: translation of `follow_in_order/p-1` drops the reference to `#authority_levels`"
            ),
        ]
    );
    assert!(
        stderr.contains("check failed:") && stderr.contains("2 errors, 0 warnings"),
        "{stderr}"
    );

    let json = specbook_in(root, &["check", ".", "--format", "json"]);
    assert_eq!(json.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(v["passed"], false);
    assert_eq!(v["diagnostics"][1]["file"], "po/zh.po");
    assert_eq!(v["diagnostics"][1]["line"], line);
    let github = specbook_in(root, &["check", ".", "--format", "github"]);
    assert!(
        text(&github.stdout).contains(&format!("::error file=po/zh.po,line={line},col=1,title=specbook::translation of `follow_in_order/p-1` drops the reference to `#authority_levels`\n")),
        "{}",
        text(&github.stdout)
    );

    // The translator's tools are not held up by it.
    let status = specbook_in(root, &["i18n", "status", "."]);
    assert!(status.status.success(), "{}", text(&status.stderr));
}
