//! `specbook lsp`: a language server for spec authors (issue 15, first
//! part), over stdio with `lsp-server` (rust-analyzer's transport).
//!
//! A worker thread keeps one [`Loader`] for the project. Every change of
//! an open document bumps a generation number; once the editor has been
//! quiet for [`DEBOUNCE`], the worker loads the spec with the documents as
//! its buffers ([`crate::load::Buffers`]) — the same pipeline `check` runs,
//! parsing only the files that changed. A result whose generation is not
//! the latest is stale: its diagnostics are dropped (the next load is on
//! its way). Otherwise they are published per file, with empty lists for
//! files that no longer have any. Requests are answered at once, from the
//! last loaded spec and the documents' current text: a load never blocks
//! them.
//!
//! It answers: diagnostics, go to definition (from `[?](#id)`,
//! `[text](#id)`, `BAD[#id]` and `[^label]`) and hover on the same,
//! references and rename of a rule id, completion (rule ids, eval labels,
//! authority levels, role tags), document and workspace symbols.
//! Positions are UTF-16 code units unless the client offers UTF-8.

mod position;
mod syntax;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result};
use lsp_server::{Connection, Message, Notification, Request, Response};
use serde_json::{Value, json};

use crate::diag::Severity;
use crate::pipeline::{Loaded, Loader};
use position::Encoding;
use syntax::Target;

/// How long the editor must be quiet before the spec is loaded again.
pub const DEBOUNCE: Duration = Duration::from_millis(150);

/// Serves the project at `dir` (else the workspace root the editor sends)
/// until the editor says `exit`.
pub fn run(dir: Option<&Path>) -> Result<i32> {
    let (connection, threads) = Connection::stdio();
    let (id, params) = connection
        .initialize_start()
        .context("the editor did not initialize the server")?;
    let encoding = Encoding::negotiate(&params);
    let root = match dir {
        Some(d) => d.to_path_buf(),
        None => workspace_root(&params).unwrap_or_else(|| PathBuf::from(".")),
    };
    let root = std::path::absolute(&root).unwrap_or(root);
    let result = json!({
        "capabilities": {
            "positionEncoding": encoding.name(),
            "textDocumentSync": { "openClose": true, "change": 1 },
            "definitionProvider": true,
            "hoverProvider": true,
            "referencesProvider": true,
            "renameProvider": true,
            "documentSymbolProvider": true,
            "workspaceSymbolProvider": true,
            "codeActionProvider": true,
            "completionProvider": { "triggerCharacters": ["#", "^", "=", "<"] },
        },
        "serverInfo": { "name": "specbook", "version": env!("CARGO_PKG_VERSION") },
    });
    connection
        .initialize_finish(id, result)
        .context("the editor did not finish initializing")?;
    let (jobs, job_rx) = crossbeam_channel::unbounded();
    let (done_tx, done) = crossbeam_channel::unbounded();
    let loader = Loader::cached(&root);
    let worker = std::thread::spawn(move || worker(loader, job_rx, done_tx));
    let mut server = Server {
        connection,
        jobs,
        done,
        generation: 1,
        buffers: crate::load::Buffers::new(),
        docs: BTreeMap::new(),
        loaded: None,
        stale: true,
        published: BTreeSet::new(),
        encoding,
    };
    server.serve()?;
    drop(server);
    let _ = worker.join();
    threads.join().context("the stdio threads failed")?;
    Ok(0)
}

/// A load asked of the worker: the documents as they are now.
struct Job {
    generation: u64,
    buffers: crate::load::Buffers,
}

/// What the worker loaded, for which generation.
struct Done {
    generation: u64,
    loaded: Result<Loaded>,
}

/// Loads the spec for each job, in order, until the server goes away.
fn worker(
    mut loader: Loader,
    jobs: crossbeam_channel::Receiver<Job>,
    done: crossbeam_channel::Sender<Done>,
) {
    while let Ok(mut job) = jobs.recv() {
        // Only the newest of the waiting jobs matters.
        while let Ok(newer) = jobs.try_recv() {
            job = newer;
        }
        *loader.buffers_mut() = job.buffers;
        let loaded = loader.load();
        let done_one = Done {
            generation: job.generation,
            loaded,
        };
        if done.send(done_one).is_err() {
            return;
        }
    }
}

struct Server {
    connection: Connection,
    jobs: crossbeam_channel::Sender<Job>,
    done: crossbeam_channel::Receiver<Done>,
    /// Bumped by every change of a document.
    generation: u64,
    buffers: crate::load::Buffers,
    /// Open documents: path → text.
    docs: BTreeMap<PathBuf, String>,
    loaded: Option<Loaded>,
    /// The documents changed since the last load.
    stale: bool,
    /// Files diagnostics were published for (to clear them when fixed).
    published: BTreeSet<PathBuf>,
    encoding: Encoding,
}

impl Server {
    fn serve(&mut self) -> Result<()> {
        self.request_load();
        loop {
            let quiet = if self.stale {
                DEBOUNCE
            } else {
                Duration::from_secs(3600)
            };
            crossbeam_channel::select! {
                recv(self.connection.receiver) -> m => match m {
                    Ok(Message::Request(req)) => {
                        if self.connection.handle_shutdown(&req)? {
                            return Ok(());
                        }
                        self.request(req)?;
                    }
                    Ok(Message::Notification(n)) => {
                        if n.method == "exit" {
                            return Ok(());
                        }
                        self.notification(n);
                    }
                    Ok(Message::Response(_)) => {}
                    Err(_) => return Ok(()),
                },
                recv(self.done) -> d => {
                    if let Ok(done) = d {
                        self.loaded_one(done)?;
                    }
                },
                default(quiet) => if self.stale { self.request_load() },
            }
        }
    }

    /// Asks the worker for a load of the documents as they are now.
    fn request_load(&mut self) {
        self.stale = false;
        let _ = self.jobs.send(Job {
            generation: self.generation,
            buffers: self.buffers.clone(),
        });
    }

    fn notification(&mut self, n: Notification) {
        let doc = &n.params["textDocument"];
        let Some(path) = doc["uri"].as_str().and_then(position::uri_to_path) else {
            return;
        };
        match n.method.as_str() {
            "textDocument/didOpen" => {
                let text = doc["text"].as_str().unwrap_or_default().to_owned();
                self.set(path, text);
            }
            "textDocument/didChange" => {
                // Full sync: the last change holds the whole text.
                if let Some(text) = n.params["contentChanges"]
                    .as_array()
                    .and_then(|c| c.last())
                    .and_then(|c| c["text"].as_str())
                {
                    self.set(path, text.to_owned());
                }
            }
            "textDocument/didClose" => {
                self.docs.remove(&path);
                self.buffers.remove(&path);
                self.generation += 1;
                self.stale = true;
            }
            _ => {}
        }
    }

    fn set(&mut self, path: PathBuf, text: String) {
        self.buffers.set(&path, text.clone());
        self.docs.insert(path, text);
        self.generation += 1;
        self.stale = true;
    }

    /// A load came back: kept for requests; its diagnostics published
    /// unless the documents changed since it was asked for.
    fn loaded_one(&mut self, done: Done) -> Result<()> {
        let loaded = match done.loaded {
            Ok(l) => l,
            Err(e) => return self.log(&format!("specbook: {e:#}")),
        };
        if done.generation == self.generation {
            self.publish_all(&loaded)?;
        }
        self.loaded = Some(loaded);
        Ok(())
    }

    /// Publishes the diagnostics of `loaded`, clearing files fixed since.
    fn publish_all(&mut self, loaded: &Loaded) -> Result<()> {
        let mut by_file: BTreeMap<PathBuf, Vec<Value>> = BTreeMap::new();
        for d in loaded.diagnostics.sorted() {
            let path = loaded.config.root.join(&d.file);
            let path = std::path::absolute(&path).unwrap_or(path);
            let text = self.text_of(&path);
            let line = d.line.saturating_sub(1);
            let line_text = text
                .as_deref()
                .and_then(|t| t.lines().nth(line))
                .unwrap_or("");
            let (start, end) = syntax::token_at(line_text, d.col.saturating_sub(1));
            by_file.entry(path).or_default().push(json!({
                "range": {
                    "start": { "line": line, "character": self.encoding.column(line_text, start) },
                    "end": { "line": line, "character": self.encoding.column(line_text, end) },
                },
                "severity": match d.severity { Severity::Error => 1, Severity::Warning => 2 },
                "source": "specbook",
                "message": d.message,
            }));
        }
        let cleared: Vec<PathBuf> = self
            .published
            .iter()
            .filter(|p| !by_file.contains_key(*p))
            .cloned()
            .collect();
        for path in cleared {
            self.publish(&path, Vec::new())?;
        }
        self.published = by_file.keys().cloned().collect();
        for (path, diags) in by_file {
            self.publish(&path, diags)?;
        }
        Ok(())
    }

    fn publish(&self, path: &Path, diagnostics: Vec<Value>) -> Result<()> {
        self.send(Message::Notification(Notification::new(
            "textDocument/publishDiagnostics".into(),
            json!({ "uri": position::path_to_uri(path), "diagnostics": diagnostics }),
        )))
    }

    fn log(&self, message: &str) -> Result<()> {
        self.send(Message::Notification(Notification::new(
            "window/logMessage".into(),
            json!({ "type": 1, "message": message }),
        )))
    }

    fn send(&self, m: Message) -> Result<()> {
        self.connection
            .sender
            .send(m)
            .context("the editor went away")
    }

    /// A document's text: the editor's, else the file's.
    fn text_of(&self, path: &Path) -> Option<String> {
        self.docs
            .get(path)
            .cloned()
            .or_else(|| std::fs::read_to_string(path).ok())
    }

    fn request(&mut self, req: Request) -> Result<()> {
        if self.loaded.is_none() {
            // Only before the first load has come back: wait for it, as
            // there is nothing to answer from yet.
            if let Ok(done) = self.done.recv() {
                self.loaded_one(done)?;
            }
        }
        let result = match req.method.as_str() {
            "textDocument/definition" => self.target(&req.params).map(|t| self.definition(&t)),
            "textDocument/hover" => self.target(&req.params).map(|t| self.hover(&t)),
            "textDocument/references" => self
                .rule_at(&req.params)
                .map(|id| self.references(&id, &req.params)),
            "textDocument/rename" => match self.rename(&req.params) {
                Ok(edit) => edit,
                Err(message) => {
                    return self.send(Message::Response(Response::new_err(
                        req.id,
                        lsp_server::ErrorCode::InvalidParams as i32,
                        message,
                    )));
                }
            },
            "textDocument/completion" => Some(self.completion(&req.params)),
            "textDocument/documentSymbol" => self.document_symbols(&req.params),
            "workspace/symbol" => Some(self.workspace_symbols(&req.params)),
            "textDocument/codeAction" => Some(self.code_actions(&req.params)),
            _ => {
                return self.send(Message::Response(Response::new_err(
                    req.id,
                    lsp_server::ErrorCode::MethodNotFound as i32,
                    format!("unsupported request {}", req.method),
                )));
            }
        };
        self.send(Message::Response(Response::new_ok(
            req.id,
            result.unwrap_or(Value::Null),
        )))
    }

    /// The reference under the request's position, if any.
    fn target(&self, params: &Value) -> Option<Target> {
        let (_, line_text, at) = self.line_at(params)?;
        syntax::target_at(&line_text, at)
    }

    /// The rule id under the request's position: a reference's, or the
    /// heading's on a heading line.
    fn rule_at(&self, params: &Value) -> Option<String> {
        if let Some(Target::Rule(id)) = self.target(params) {
            return Some(id);
        }
        let (_, line_text, _) = self.line_at(params)?;
        syntax::heading_id(&line_text)
    }

    /// The document's path, the text of the position's line, and the
    /// position as a character index.
    fn line_at(&self, params: &Value) -> Option<(PathBuf, String, usize)> {
        let path = params["textDocument"]["uri"]
            .as_str()
            .and_then(position::uri_to_path)?;
        let line = params["position"]["line"].as_u64()? as usize;
        let character = params["position"]["character"].as_u64()? as usize;
        let text = self.text_of(&path)?;
        let line_text = text.lines().nth(line).unwrap_or_default().to_owned();
        let at = self.encoding.char_index(&line_text, character);
        Some((path, line_text, at))
    }

    /// `file` (relative to the project root) as an absolute path.
    fn abs(&self, file: &str) -> PathBuf {
        let root = self
            .loaded
            .as_ref()
            .map(|l| l.config.root.clone())
            .unwrap_or_default();
        let path = root.join(file);
        std::path::absolute(&path).unwrap_or(path)
    }

    /// An LSP range on line `line` (0-based) of `path`, characters
    /// `start..end`.
    fn range(&self, path: &Path, line: usize, start: usize, end: usize) -> Value {
        let text = self.text_of(path).unwrap_or_default();
        let line_text = text.lines().nth(line).unwrap_or_default();
        json!({
            "start": { "line": line, "character": self.encoding.column(line_text, start) },
            "end": { "line": line, "character": self.encoding.column(line_text, end) },
        })
    }

    /// Where `#id` is written on line `line` of `path` at or after
    /// character `from`: the id's own characters.
    fn id_span(&self, path: &Path, line: usize, from: usize, id: &str) -> Option<(usize, usize)> {
        let text = self.text_of(path)?;
        let line_text = text.lines().nth(line)?;
        syntax::id_after(line_text, from, id)
    }

    /// Every place rule `id` is named: its heading (when the request
    /// includes the declaration) and every reference and verdict.
    fn references(&self, id: &str, params: &Value) -> Value {
        let Some(loaded) = &self.loaded else {
            return Value::Null;
        };
        let with_heading = params["context"]["includeDeclaration"]
            .as_bool()
            .unwrap_or(true);
        // (file, line, column) of the places to look for `#id` from.
        let heading = loaded
            .spec
            .section(id)
            .filter(|_| with_heading)
            .map(|s| (&s.source.file, s.source.line, 1));
        let refs = loaded
            .spec
            .references
            .iter()
            .filter(|r| r.target == id)
            .map(|r| (&r.at.file, r.at.line, r.at.col));
        let out: Vec<Value> = heading
            .into_iter()
            .chain(refs)
            .filter_map(|(file, line, col)| {
                let path = self.abs(file);
                let line = line.saturating_sub(1);
                let (a, b) = self.id_span(&path, line, col.saturating_sub(1), id)?;
                Some(json!({ "uri": position::path_to_uri(&path), "range": self.range(&path, line, a, b) }))
            })
            .collect();
        Value::Array(out)
    }

    /// Renames the rule under the cursor in every file: its heading, its
    /// references and verdicts. Refused (an error the editor shows) when
    /// the new id is invalid or taken.
    fn rename(&self, params: &Value) -> Result<Option<Value>, String> {
        let Some(id) = self.rule_at(params) else {
            return Ok(None);
        };
        let new = params["newName"].as_str().unwrap_or_default();
        if new.is_empty()
            || !new
                .chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
        {
            return Err(format!(
                "`{new}` is not a valid rule id (letters, digits, `_` and `-`)"
            ));
        }
        let Some(loaded) = &self.loaded else {
            return Ok(None);
        };
        if loaded.spec.section(new).is_some() {
            return Err(format!("rule id `{new}` is already taken"));
        }
        let mut changes: BTreeMap<String, Vec<Value>> = BTreeMap::new();
        for loc in self
            .references(&id, &json!({"context": {"includeDeclaration": true}}))
            .as_array()
            .into_iter()
            .flatten()
        {
            changes
                .entry(loc["uri"].as_str().unwrap_or_default().to_owned())
                .or_default()
                .push(json!({ "range": loc["range"], "newText": new }));
        }
        Ok(Some(json!({ "changes": changes })))
    }

    /// Completion of rule ids after `](#` and `[#`, of eval labels after
    /// `[^`, of authority levels after `authority=`, of role tags after
    /// `<` at the start of a line.
    fn completion(&self, params: &Value) -> Value {
        let (Some(loaded), Some((path, line_text, at))) = (&self.loaded, self.line_at(params))
        else {
            return json!([]);
        };
        let text = self.text_of(&path).unwrap_or_default();
        let text_lines: Vec<&str> = text.lines().collect();
        let line = params["position"]["line"].as_u64().unwrap_or(0) as usize;
        let before: String = line_text.chars().take(at).collect();
        let spec = &loaded.spec;
        let items: Vec<Value> = match syntax::completion_context(&before) {
            Some(syntax::Completing::Rule) => spec
                .sections
                .iter()
                .map(|s| json!({ "label": s.id, "kind": 18, "detail": s.title }))
                .collect(),
            Some(syntax::Completing::Label) => spec
                .evals
                .iter()
                .map(|e| json!({ "label": e.id, "kind": 17, "detail": e.file }))
                .collect(),
            Some(syntax::Completing::Authority) => spec
                .levels
                .iter()
                .map(|l| json!({ "label": l.name, "kind": 20, "detail": l.label }))
                .collect(),
            Some(syntax::Completing::Role) if !syntax::in_conversation(&text_lines, line) => {
                Vec::new()
            }
            Some(syntax::Completing::Role) => [
                "system",
                "developer",
                "user",
                "assistant",
                "tool",
                "comparison",
            ]
            .iter()
            .map(|r| json!({ "label": r, "kind": 14 }))
            .collect(),
            None => Vec::new(),
        };
        Value::Array(items)
    }

    /// The heading tree of one file: each section with its id and
    /// authority, its sub-sections inside it.
    fn document_symbols(&self, params: &Value) -> Option<Value> {
        let loaded = self.loaded.as_ref()?;
        let path = params["textDocument"]["uri"]
            .as_str()
            .and_then(position::uri_to_path)?;
        let spec = &loaded.spec;
        let in_file: Vec<usize> = (0..spec.sections.len())
            .filter(|&i| self.abs(&spec.sections[i].source.file) == path)
            .collect();
        fn symbol(
            server: &Server,
            spec: &crate::model::Spec,
            i: usize,
            in_file: &[usize],
            path: &Path,
        ) -> Value {
            let s = &spec.sections[i];
            let line = s.source.line.saturating_sub(1);
            let children: Vec<Value> = s
                .children
                .iter()
                .filter(|c| in_file.contains(c))
                .map(|&c| symbol(server, spec, c, in_file, path))
                .collect();
            let range = server.range(path, line, 0, usize::MAX / 2);
            json!({
                "name": s.title,
                "detail": match s.authority_written() {
                    Some(a) => format!("#{} · {a}", s.id),
                    None => format!("#{}", s.id),
                },
                "kind": 15,
                "range": range,
                "selectionRange": range,
                "children": children,
            })
        }
        let top: Vec<Value> = in_file
            .iter()
            .filter(|&&i| {
                spec.sections[i]
                    .parent
                    .is_none_or(|p| !in_file.contains(&p))
            })
            .map(|&i| symbol(self, spec, i, &in_file, &path))
            .collect();
        Some(Value::Array(top))
    }

    /// Rules whose title or id holds the query (case-insensitive).
    fn workspace_symbols(&self, params: &Value) -> Value {
        let Some(loaded) = &self.loaded else {
            return json!([]);
        };
        let q = params["query"].as_str().unwrap_or_default().to_lowercase();
        let spec = &loaded.spec;
        let out: Vec<Value> = spec
            .sections
            .iter()
            .filter(|s| s.id.to_lowercase().contains(&q) || s.title.to_lowercase().contains(&q))
            .map(|s| {
                let path = self.abs(&s.source.file);
                let line = s.source.line.saturating_sub(1);
                json!({
                    "name": s.title,
                    "kind": 15,
                    "containerName": format!("#{}", s.id),
                    "location": { "uri": position::path_to_uri(&path), "range": self.range(&path, line, 0, 0) },
                })
            })
            .collect();
        Value::Array(out)
    }

    /// Quick fixes for the diagnostics the editor sends: a reference to
    /// the closest id ("did you mean"), the missing `examples/<label>.md`
    /// of a citation, the missing closing tag of a message.
    fn code_actions(&self, params: &Value) -> Value {
        let Some(path) = params["textDocument"]["uri"]
            .as_str()
            .and_then(position::uri_to_path)
        else {
            return json!([]);
        };
        let uri = position::path_to_uri(&path);
        let text = self.text_of(&path).unwrap_or_default();
        let mut out = Vec::new();
        for d in params["context"]["diagnostics"]
            .as_array()
            .into_iter()
            .flatten()
        {
            let message = d["message"].as_str().unwrap_or_default();
            let line = d["range"]["start"]["line"].as_u64().unwrap_or(0) as usize;
            let line_text = text.lines().nth(line).unwrap_or_default();
            let from = self.encoding.char_index(
                line_text,
                d["range"]["start"]["character"].as_u64().unwrap_or(0) as usize,
            );
            let action = |title: String, edit: Value| json!({ "title": title, "kind": "quickfix", "diagnostics": [d], "edit": edit });
            if let Some((wrong, right)) = syntax::did_you_mean(message)
                && let Some((a, b)) = syntax::id_after(line_text, from, &wrong)
            {
                let range = self.range(&path, line, a, b);
                out.push(action(
                    format!("Change to `#{right}`"),
                    json!({ "changes": { &uri: [{ "range": range, "newText": right }] } }),
                ));
            } else if let Some(label) = syntax::missing_eval_file(message)
                && let Some(loaded) = &self.loaded
            {
                let dir = loaded.config.eval_dir_or_default();
                let dir = std::path::absolute(&dir).unwrap_or(dir);
                let new = position::path_to_uri(&dir.join(format!("{label}.md")));
                let section = loaded
                    .spec
                    .sections
                    .iter()
                    .rev()
                    .find(|s| self.abs(&s.source.file) == path && s.source.line <= line + 1)
                    .map(|s| s.title.clone())
                    .unwrap_or_default();
                let body = format!(
                    "Examples for [^{label}] in {section}:\n\n**Example**: \n\n~~~xml\n<user>\n\n</user>\n~~~\n"
                );
                out.push(action(
                    format!("Create `{label}.md` for this citation"),
                    json!({ "documentChanges": [
                        { "kind": "create", "uri": new, "options": { "ignoreIfExists": true } },
                        { "textDocument": { "uri": new, "version": null }, "edits": [{
                            "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 0, "character": 0 } },
                            "newText": body,
                        }] },
                    ] }),
                ));
            } else if let Some(role) = syntax::unclosed_tag(message) {
                // Before the line that closes the conversation block.
                let close = text
                    .lines()
                    .enumerate()
                    .skip(line + 1)
                    .find(|(_, l)| {
                        l.trim_start().starts_with("~~~") || l.trim_start().starts_with("```")
                    })
                    .map_or(text.lines().count(), |(i, _)| i);
                out.push(action(
                    format!("Add `</{role}>`"),
                    json!({ "changes": { &uri: [{
                        "range": { "start": { "line": close, "character": 0 }, "end": { "line": close, "character": 0 } },
                        "newText": format!("</{role}>\n"),
                    }] } }),
                ));
            }
        }
        Value::Array(out)
    }

    fn definition(&self, t: &Target) -> Value {
        let Some(loaded) = &self.loaded else {
            return Value::Null;
        };
        let (file, line) = match t {
            Target::Rule(id) => match loaded.spec.section(id) {
                Some(s) => (s.source.file.clone(), s.source.line.saturating_sub(1)),
                None => return Value::Null,
            },
            Target::Eval(label) => match loaded.spec.eval_index.get(label) {
                Some(&i) => (loaded.spec.evals[i].file.clone(), 0),
                None => return Value::Null,
            },
        };
        let path = loaded.config.root.join(&file);
        let path = std::path::absolute(&path).unwrap_or(path);
        json!({
            "uri": position::path_to_uri(&path),
            "range": {
                "start": { "line": line, "character": 0 },
                "end": { "line": line, "character": 0 },
            },
        })
    }

    fn hover(&self, t: &Target) -> Value {
        let Some(loaded) = &self.loaded else {
            return Value::Null;
        };
        let spec = &loaded.spec;
        let text = match t {
            Target::Rule(id) => {
                let Some(&i) = spec.section_index.get(id) else {
                    return Value::Null;
                };
                let s = &spec.sections[i];
                let own = s.authority_written().map(|a| format!("authority `{a}`"));
                let inherited = (own.is_none())
                    .then(|| {
                        let mut p = s.parent;
                        while let Some(j) = p {
                            if let Some(a) = spec.sections[j].authority_written() {
                                return Some(format!(
                                    "authority `{a}` (from `{}`)",
                                    spec.sections[j].id
                                ));
                            }
                            p = spec.sections[j].parent;
                        }
                        None
                    })
                    .flatten();
                let aggregated = spec.aggregated_authority(i).map(|(a, n)| {
                    format!(
                        "highest within: `{}`{}",
                        a.written,
                        if n > 1 {
                            format!(" (+{} more levels)", n - 1)
                        } else {
                            String::new()
                        }
                    )
                });
                let examples = s.examples().count();
                let first = s.blocks.iter().find_map(|b| match b {
                    crate::model::Block::Prose(p) => Some(first_sentence(&p.text)),
                    _ => None,
                });
                let mut out = format!("**{}** `#{}`", s.title, s.id);
                if let Some(a) = own.or(inherited) {
                    out.push_str(&format!(" · {a}"));
                }
                if let Some(a) = aggregated {
                    out.push_str(&format!(" · {a}"));
                }
                out.push_str(&format!(
                    " · {examples} example{}",
                    if examples == 1 { "" } else { "s" }
                ));
                if let Some(f) = first {
                    out.push_str(&format!("\n\n{f}"));
                }
                out
            }
            Target::Eval(label) => {
                let Some(&i) = spec.eval_index.get(label) else {
                    return Value::Null;
                };
                let e = &spec.evals[i];
                let title = e
                    .examples
                    .first()
                    .map(|x| x.title.text.clone())
                    .unwrap_or_default();
                format!(
                    "**Eval prompts `{label}`** · {} prompt{} · `{}`\n\n{title}",
                    e.examples.len(),
                    if e.examples.len() == 1 { "" } else { "s" },
                    e.file
                )
            }
        };
        json!({ "contents": { "kind": "markdown", "value": text } })
    }
}

/// The first sentence of a paragraph (up to the first `. ` or the end of
/// its first line).
fn first_sentence(text: &str) -> String {
    let line = text.lines().next().unwrap_or_default();
    match line.find(". ") {
        Some(i) => line[..=i].to_owned(),
        None => line.to_owned(),
    }
}

/// The root the editor opened: the first workspace folder, else `rootUri`.
fn workspace_root(params: &Value) -> Option<PathBuf> {
    params["workspaceFolders"]
        .as_array()
        .and_then(|f| f.first())
        .and_then(|f| f["uri"].as_str())
        .or_else(|| params["rootUri"].as_str())
        .and_then(position::uri_to_path)
}
