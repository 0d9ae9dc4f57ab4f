//! `specbook lsp` driven as an editor drives it: JSON-RPC over stdio
//! (Content-Length framing), on a copy of the sample project: diagnostics
//! of an unsaved buffer (a broken reference after curly quotes and an
//! emoji, ranged in UTF-16), cleared when fixed; definition, hover,
//! references (each range exactly the id), rename (refused onto a taken
//! id), completion of rule ids, document and workspace symbols.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::{Value, json};

struct Client {
    child: Child,
    stdin: ChildStdin,
    incoming: mpsc::Receiver<Value>,
    next_id: i64,
}

fn read_message(r: &mut BufReader<ChildStdout>) -> Option<Value> {
    let mut len = 0;
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(n) = line.strip_prefix("Content-Length: ") {
            len = n.parse().ok()?;
        }
    }
    let mut body = vec![0; len];
    r.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

impl Client {
    fn start(dir: &std::path::Path) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_specbook"))
            .args(["lsp", dir.to_str().unwrap()])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("specbook lsp starts");
        let stdin = child.stdin.take().unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let (tx, incoming) = mpsc::channel();
        std::thread::spawn(move || {
            while let Some(m) = read_message(&mut stdout) {
                if tx.send(m).is_err() {
                    break;
                }
            }
        });
        Client {
            child,
            stdin,
            incoming,
            next_id: 1,
        }
    }

    fn send(&mut self, m: Value) {
        let body = serde_json::to_string(&m).unwrap();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request and waits for its response (other messages are
    /// passed over).
    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        self.wait(|m| m["id"] == id)
            .get("result")
            .cloned()
            .unwrap_or(Value::Null)
    }

    fn wait(&mut self, want: impl Fn(&Value) -> bool) -> Value {
        loop {
            let m = self
                .incoming
                .recv_timeout(Duration::from_secs(30))
                .expect("a message from the server within 30 s");
            if want(&m) {
                return m;
            }
        }
    }

    /// `shutdown`, then `exit`: the server must end cleanly.
    fn shutdown(mut self) {
        self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        let status = self.child.wait().unwrap();
        assert!(status.success(), "{status}");
    }

    /// The next diagnostics published for `uri`.
    fn diagnostics(&mut self, uri: &str) -> Vec<Value> {
        let m = self.wait(|m| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri
        });
        m["params"]["diagnostics"].as_array().unwrap().clone()
    }
}

fn uri(path: &std::path::Path) -> String {
    format!("file://{}", path.display())
}

#[test]
fn lsp_answers_an_editor_over_stdio() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    common::copy_sample_project(&root);
    let mut c = Client::start(&root);
    let init = c.request(
        "initialize",
        json!({"processId": null, "rootUri": uri(&root), "capabilities": {}}),
    );
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-16");
    assert_eq!(init["capabilities"]["definitionProvider"], true);
    c.notify("initialized", json!({}));

    // An unsaved edit: a broken reference after curly quotes and an emoji.
    let file = root.join("content/04-style.md");
    let saved = std::fs::read_to_string(&file).unwrap();
    let broken = format!("{saved}\n\u{201c}Quoted\u{201d} 😀 see [?](#nowhere).\n");
    let line = broken.lines().count() - 1;
    let doc = uri(&file);
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": doc, "languageId": "markdown", "version": 1, "text": broken}}),
    );
    let diags = c.diagnostics(&doc);
    assert_eq!(diags.len(), 1, "{diags:#?}");
    let d = &diags[0];
    assert_eq!(d["severity"], 1);
    assert!(d["message"].as_str().unwrap().contains("#nowhere"), "{d}");
    // “Quoted” 😀 see  = 8 + 1 + 2 (a surrogate pair) + 5 UTF-16 units;
    // the range is the whole `[?](#nowhere)`.
    assert_eq!(
        d["range"],
        json!({"start": {"line": line, "character": 16}, "end": {"line": line, "character": 29}})
    );
    // The file on disk is untouched.
    assert_eq!(std::fs::read_to_string(&file).unwrap(), saved);

    // Fixed in the buffer: the diagnostics are cleared.
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": doc, "version": 2},
               "contentChanges": [{"text": saved.clone()}]}),
    );
    assert_eq!(c.diagnostics(&doc), Vec::<Value>::new());

    // Go to definition from `[?](#authority_levels)` (chapter 2, line 9).
    let chapter = root.join("content/02-chain-of-command.md");
    let text = std::fs::read_to_string(&chapter).unwrap();
    let at_line = text
        .lines()
        .position(|l| l.contains("[?](#authority_levels)"))
        .unwrap();
    let l = text.lines().nth(at_line).unwrap();
    let col: usize = l[..l.find("[?](#authority_levels)").unwrap()]
        .chars()
        .map(char::len_utf16)
        .sum::<usize>()
        + 5;
    let pos = json!({"textDocument": {"uri": uri(&chapter)}, "position": {"line": at_line, "character": col}});
    let def = c.request("textDocument/definition", pos.clone());
    let overview = root.join("content/01-overview.md");
    let heading = std::fs::read_to_string(&overview)
        .unwrap()
        .lines()
        .position(|l| l.contains("{#authority_levels}"))
        .unwrap();
    assert_eq!(
        def,
        json!({"uri": uri(&overview), "range": {"start": {"line": heading, "character": 0}, "end": {"line": heading, "character": 0}}})
    );
    let hover = c.request("textDocument/hover", pos);
    let shown = hover["contents"]["value"].as_str().unwrap();
    assert!(
        shown.starts_with("**Levels of authority** `#authority_levels`"),
        "{shown}"
    );

    // References: the heading and every `[?](#authority_levels)`, each
    // range exactly the id.
    let refs = c.request(
        "textDocument/references",
        json!({"textDocument": {"uri": uri(&chapter)}, "position": {"line": at_line, "character": col},
               "context": {"includeDeclaration": true}}),
    );
    let refs = refs.as_array().unwrap();
    let written = common::files(&root.join("content"))
        .values()
        .map(|b| {
            String::from_utf8_lossy(b)
                .matches("#authority_levels")
                .count()
        })
        .sum::<usize>();
    assert_eq!(refs.len(), written, "{refs:#?}");
    for r in refs {
        let path =
            std::path::PathBuf::from(r["uri"].as_str().unwrap().trim_start_matches("file://"));
        let text = std::fs::read_to_string(&path).unwrap();
        let line = text
            .lines()
            .nth(r["range"]["start"]["line"].as_u64().unwrap() as usize)
            .unwrap();
        let units: Vec<u16> = line.encode_utf16().collect();
        let (a, b) = (
            r["range"]["start"]["character"].as_u64().unwrap() as usize,
            r["range"]["end"]["character"].as_u64().unwrap() as usize,
        );
        assert_eq!(
            String::from_utf16(&units[a..b]).unwrap(),
            "authority_levels",
            "{r}"
        );
    }

    // Rename: refused onto a taken id, else an edit at every place.
    let rename = |c: &mut Client, new: &str| {
        c.send(
            json!({"jsonrpc": "2.0", "id": 900, "method": "textDocument/rename",
            "params": {"textDocument": {"uri": uri(&chapter)},
                       "position": {"line": at_line, "character": col}, "newName": new}}),
        );
        c.wait(|m| m["id"] == 900)
    };
    let refused = rename(&mut c, "chain_of_command");
    assert!(
        refused["error"]["message"]
            .as_str()
            .unwrap()
            .contains("already taken"),
        "{refused}"
    );
    let done = rename(&mut c, "levels");
    let edits: usize = done["result"]["changes"]
        .as_object()
        .unwrap()
        .values()
        .map(|e| e.as_array().unwrap().len())
        .sum();
    assert_eq!(edits, written);

    // Completion of rule ids after `](#`, with titles.
    let done_line = text.lines().nth(at_line).unwrap();
    let after_hash = done_line[..done_line.find("](#authority_levels)").unwrap() + 3]
        .encode_utf16()
        .count();
    let items = c.request(
        "textDocument/completion",
        json!({"textDocument": {"uri": uri(&chapter)}, "position": {"line": at_line, "character": after_hash}}),
    );
    assert!(
        items
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["label"] == "authority_levels" && i["detail"] == "Levels of authority"),
        "{items}"
    );

    // Symbols: the file's heading tree, and rules found by title.
    let symbols = c.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri(&overview)}}),
    );
    let top = &symbols.as_array().unwrap()[0];
    assert_eq!(top["name"], "Overview");
    assert!(
        serde_json::to_string(&top["children"])
            .unwrap()
            .contains("\"detail\":\"#authority_levels"),
        "{top}"
    );
    let found = c.request("workspace/symbol", json!({"query": "levels of auth"}));
    assert_eq!(found[0]["containerName"], "#authority_levels", "{found}");

    // Quick fixes: a misspelt reference, a citation without its file, a
    // message never closed.
    let fixes_text = format!(
        "{saved}\nSee [?](#follow_in_ordr) and this[^zz99].\n\n**Example**: unclosed\n\n~~~xml\n<user>\nHi\n~~~\n"
    );
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": doc, "version": 3},
               "contentChanges": [{"text": fixes_text}]}),
    );
    let diags = c.diagnostics(&doc);
    assert_eq!(diags.len(), 3, "{diags:#?}");
    let actions = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": doc}, "range": diags[0]["range"],
               "context": {"diagnostics": diags}}),
    );
    let titles: Vec<&str> = actions
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        [
            "Change to `#follow_in_order`",
            "Create `zz99.md` for this citation",
            "Add `</user>`"
        ],
        "{actions:#}"
    );
    let change = &actions[0]["edit"]["changes"][&doc][0];
    assert_eq!(change["newText"], "follow_in_order");
    let fix_line = fixes_text
        .lines()
        .position(|l| l.contains("follow_in_ordr"))
        .unwrap();
    assert_eq!(change["range"]["start"]["line"], fix_line);
    assert_eq!(
        actions[1]["edit"]["documentChanges"][0]["uri"],
        uri(&root.join("evals/zz99.md"))
    );
    let close = fixes_text.lines().count() - 1;
    assert_eq!(
        actions[2]["edit"]["changes"][&doc][0]["range"]["start"]["line"],
        close
    );
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": doc, "version": 4},
               "contentChanges": [{"text": saved.clone()}]}),
    );
    assert_eq!(c.diagnostics(&doc), Vec::<Value>::new());

    // Hover on a citation: the eval prompts' file, count and first title.
    let cite_line = text.lines().position(|l| l.contains("[^p7qa]")).unwrap();
    let l = text.lines().nth(cite_line).unwrap();
    let cite_col = l[..l.find("[^p7qa]").unwrap()].encode_utf16().count() + 3;
    let hover = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri(&chapter)}, "position": {"line": cite_line, "character": cite_col}}),
    );
    let shown = hover["contents"]["value"].as_str().unwrap();
    assert!(
        shown.starts_with("**Eval prompts `p7qa`** · 2 prompts · `evals/p7qa.md`"),
        "{shown}"
    );
    // Hover on a verdict's rule (a chapter): the highest authority within.
    let verdict_line = text
        .lines()
        .position(|l| l.contains("BAD[#chain_of_command]"))
        .unwrap();
    let l = text.lines().nth(verdict_line).unwrap();
    let verdict_col = l[..l.find("BAD[#chain_of_command]").unwrap()]
        .encode_utf16()
        .count()
        + 1;
    let hover = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri(&chapter)}, "position": {"line": verdict_line, "character": verdict_col}}),
    );
    let shown = hover["contents"]["value"].as_str().unwrap();
    assert!(
        shown.starts_with("**The chain of command** `#chain_of_command` · highest within: `root`"),
        "{shown}"
    );

    // Completion of labels after `[^`, levels after `authority=`, roles
    // after `<`: typed into the buffer, then asked at its end.
    for (typed, want) in [
        ("x[^p7", "p7qa"),
        ("## T {#t authority=ro", "root"),
        ("~~~xml\n<assi", "assistant"),
    ] {
        let body = format!("{saved}\n{typed}");
        c.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": doc, "version": 10},
                   "contentChanges": [{"text": body}]}),
        );
        let last = body.lines().count() - 1;
        let items = c.request(
            "textDocument/completion",
            json!({"textDocument": {"uri": doc}, "position": {"line": last, "character": typed.lines().last().unwrap().encode_utf16().count()}}),
        );
        assert!(
            items.as_array().unwrap().iter().any(|i| i["label"] == want),
            "{typed}: {items}"
        );
    }
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": doc, "version": 11},
               "contentChanges": [{"text": saved.clone()}]}),
    );

    // Nothing under the cursor: null.
    let none = c.request(
        "textDocument/definition",
        json!({"textDocument": {"uri": uri(&chapter)}, "position": {"line": 0, "character": 2}}),
    );
    assert_eq!(none, Value::Null);

    c.shutdown();
}

/// A real editor: headless Neovim (Debian's `neovim`) with its built-in
/// LSP client attached to `specbook lsp`, on a file with a broken
/// reference: the diagnostic it shows, then a jump to a definition.
#[test]
#[ignore = "needs Neovim (apt-get install neovim)"]
fn neovim_shows_the_diagnostic_and_jumps_to_the_definition() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    common::copy_sample_project(&root);
    let chapter = root.join("content/02-chain-of-command.md");
    let text = std::fs::read_to_string(&chapter).unwrap();
    std::fs::write(&chapter, format!("{text}\nSee [?](#no_such_rule).\n")).unwrap();
    let line = text
        .lines()
        .position(|l| l.contains("[?](#authority_levels)"))
        .unwrap();
    let col = text
        .lines()
        .nth(line)
        .unwrap()
        .find("[?](#authority_levels)")
        .unwrap()
        + 5;
    let out = root.join("nvim-result.json");
    // Neovim 0.7 (Debian 12): vim.lsp.start_client and buf_attach_client.
    let script = format!(
        r#"
local result = {{}}
local client = vim.lsp.start_client({{ name = "specbook", cmd = {{ "{bin}", "lsp", "{root}" }}, root_dir = "{root}" }})
vim.lsp.buf_attach_client(0, client)
vim.wait(15000, function() return #vim.diagnostic.get(0) > 0 end, 50)
result.diagnostics = {{}}
for _, d in ipairs(vim.diagnostic.get(0)) do
  table.insert(result.diagnostics, {{ lnum = d.lnum, col = d.col, message = d.message }})
end
vim.api.nvim_win_set_cursor(0, {{ {line} + 1, {col} }})
vim.lsp.buf.definition()
vim.wait(15000, function() return vim.api.nvim_buf_get_name(0):find("01%-overview") ~= nil end, 50)
result.jumped_to = vim.api.nvim_buf_get_name(0)
result.line = vim.api.nvim_win_get_cursor(0)[1]
local f = io.open("{out}", "w")
f:write(vim.fn.json_encode(result))
f:close()
vim.cmd("qa!")
"#,
        bin = env!("CARGO_BIN_EXE_specbook"),
        root = root.display(),
        out = out.display(),
    );
    let lua = root.join("test.lua");
    std::fs::write(&lua, script).unwrap();
    let run = Command::new("nvim")
        .args(["--headless", "-u", "NONE", "-i", "NONE", "-n"])
        .arg(&chapter)
        .arg("-c")
        .arg(format!("luafile {}", lua.display()))
        .env("HOME", &root)
        .stdin(Stdio::null())
        .output()
        .expect("nvim runs");
    let result: Value =
        serde_json::from_slice(&std::fs::read(&out).unwrap_or_else(|e| {
            panic!("no result ({e}): {}", String::from_utf8_lossy(&run.stderr))
        }))
        .unwrap();
    let diags = result["diagnostics"].as_array().unwrap();
    assert_eq!(diags.len(), 1, "{result}");
    assert_eq!(diags[0]["lnum"], text.lines().count() + 1, "{result}");
    assert!(
        diags[0]["message"]
            .as_str()
            .unwrap()
            .contains("#no_such_rule"),
        "{result}"
    );
    let heading = std::fs::read_to_string(root.join("content/01-overview.md"))
        .unwrap()
        .lines()
        .position(|l| l.contains("{#authority_levels}"))
        .unwrap();
    assert!(
        result["jumped_to"]
            .as_str()
            .unwrap()
            .ends_with("content/01-overview.md"),
        "{result}"
    );
    assert_eq!(result["line"], heading + 1, "{result}");
}

#[test]
#[ignore = "needs the Model Spec corpus (../shared/corpus or $SPECBOOK_CORPUS)"]
fn corpus_lsp_resolves_references_after_non_ascii_text_to_their_headings() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    common::copy_tree(&common::corpus(), &root);
    let spec = root.join("model_spec.md");
    let text = std::fs::read_to_string(&spec).unwrap();
    let mut c = Client::start(&root);
    c.request(
        "initialize",
        json!({"processId": null, "rootUri": uri(&root), "capabilities": {}}),
    );
    c.notify("initialized", json!({}));
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri(&spec), "languageId": "markdown", "version": 1, "text": text}}),
    );
    // Every reference of the form `](#id)` on a line with non-ASCII text
    // before it (curly quotes, dashes) resolves to its heading.
    let mut checked = 0;
    for (n, line) in text.lines().enumerate() {
        let Some(at) = line.find("](#") else { continue };
        if line[..at].is_ascii() {
            continue;
        }
        let id: String = line[at + 3..]
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '-')
            .collect();
        let Some(heading) = text
            .lines()
            .position(|l| l.starts_with('#') && l.contains(&format!("{{#{id}")))
        else {
            continue;
        };
        let col = line[..at + 3].encode_utf16().count();
        let def = c.request(
            "textDocument/definition",
            json!({"textDocument": {"uri": uri(&spec)}, "position": {"line": n, "character": col}}),
        );
        assert_eq!(def["uri"], uri(&spec), "line {n}: {def}");
        assert_eq!(def["range"]["start"]["line"], heading, "line {n}: `{id}`");
        checked += 1;
        if checked == 10 {
            break;
        }
    }
    assert!(
        checked >= 3,
        "only {checked} references after non-ASCII text"
    );
    c.shutdown();
}

#[test]
fn lsp_counts_columns_in_utf8_when_the_editor_offers_it() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    common::copy_sample_project(&root);
    let mut c = Client::start(&root);
    let init = c.request(
        "initialize",
        json!({"processId": null, "rootUri": uri(&root),
               "capabilities": {"general": {"positionEncodings": ["utf-8", "utf-16"]}}}),
    );
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-8");
    c.notify("initialized", json!({}));
    let file = root.join("content/04-style.md");
    let saved = std::fs::read_to_string(&file).unwrap();
    let broken = format!("{saved}\n\u{201c}Quoted\u{201d} 😀 see [?](#nowhere).\n");
    let doc = uri(&file);
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": doc, "languageId": "markdown", "version": 1, "text": broken}}),
    );
    let diags = c.diagnostics(&doc);
    // “Quoted” 😀 see  = 3 + 6 + 3 + 1 + 4 + 5 bytes.
    assert_eq!(diags[0]["range"]["start"]["character"], 22, "{diags:#?}");
    assert_eq!(diags[0]["range"]["end"]["character"], 35, "{diags:#?}");
    c.shutdown();
}
