//! The theme: tera templates and static assets compiled into the binary,
//! each overridable by a file of the same name in the project's
//! `templates/` or `static/` folder.

use std::path::Path;

use anyhow::{Context, Result, anyhow};
use tera::Tera;

/// Built-in templates (name, source).
pub const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../../templates/base.html")),
    ("macros.html", include_str!("../../templates/macros.html")),
    ("index.html", include_str!("../../templates/index.html")),
    ("chapter.html", include_str!("../../templates/chapter.html")),
    ("single.html", include_str!("../../templates/single.html")),
    ("section.html", include_str!("../../templates/section.html")),
    ("eval.html", include_str!("../../templates/eval.html")),
    (
        "examples.html",
        include_str!("../../templates/examples.html"),
    ),
    (
        "compliance.html",
        include_str!("../../templates/compliance.html"),
    ),
    (
        "no_sidebar.html",
        include_str!("../../templates/no_sidebar.html"),
    ),
    ("404.html", include_str!("../../templates/404.html")),
    ("toc.html", include_str!("../../templates/toc.html")),
    ("changes.html", include_str!("../../templates/changes.html")),
    (
        "translation.html",
        include_str!("../../templates/translation.html"),
    ),
];

/// Built-in static assets (path under `static/`, bytes).
pub const STATIC: &[(&str, &[u8])] = &[
    ("style.css", include_bytes!("../../static/style.css")),
    ("app.js", include_bytes!("../../static/app.js")),
    (
        "compliance.css",
        include_bytes!("../../static/compliance.css"),
    ),
    ("changes.css", include_bytes!("../../static/changes.css")),
    ("releases.css", include_bytes!("../../static/releases.css")),
    ("releases.js", include_bytes!("../../static/releases.js")),
    (
        "languages.css",
        include_bytes!("../../static/languages.css"),
    ),
    ("languages.js", include_bytes!("../../static/languages.js")),
];

/// Loads the templates: built-ins, then the project's overrides. A syntax
/// error names the template, the line and the cause.
pub fn load_templates(theme_dir: Option<&Path>) -> Result<Tera> {
    load_templates_but(theme_dir, &[])
}

/// [`load_templates`], leaving out the built-ins `unused` names (pages the
/// site does not have), unless the project has templates of its own,
/// which may refer to any. Parsing is a tenth of a small build.
pub fn load_templates_but(theme_dir: Option<&Path>, unused: &[&str]) -> Result<Tera> {
    let mut sources: Vec<(String, String)> = TEMPLATES
        .iter()
        .map(|(n, s)| ((*n).to_owned(), (*s).to_owned()))
        .collect();
    if let Some(dir) = theme_dir
        .map(|d| d.join("templates"))
        .filter(|d| d.is_dir())
    {
        for entry in std::fs::read_dir(&dir)
            .with_context(|| format!("failed to list `{}`", dir.display()))?
        {
            let path = entry?.path();
            if path.extension().and_then(|e| e.to_str()) != Some("html") || !path.is_file() {
                continue;
            }
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("failed to read template `{}`", path.display()))?;
            match sources.iter_mut().find(|(n, _)| *n == name) {
                Some(slot) => slot.1 = text,
                None => sources.push((name, text)),
            }
        }
    }
    let own_templates = sources.len() > TEMPLATES.len()
        || sources
            .iter()
            .zip(TEMPLATES)
            .any(|((_, text), (_, builtin))| text != builtin);
    if !own_templates {
        sources.retain(|(name, _)| !unused.contains(&name.as_str()));
    }
    let mut tera = Tera::default();
    tera.autoescape_on(vec![".html"]);
    // Tera's default also escapes `/` (as `&#x2F;`), which clutters every
    // URL in the output; `&<>"'` is all HTML needs.
    tera.set_escape_fn(escape_html);
    // The `escape` filter escapes as autoescaping does: templates escape
    // a strings-table value before putting markup into it
    // (`t.release_banner | escape | replace(…) | safe`).
    tera.register_filter(
        "escape",
        |v: &tera::Value, _: &std::collections::HashMap<String, tera::Value>| {
            let s = tera::try_get_value!("escape", "value", String, v);
            Ok(tera::Value::String(escape_html(&s)))
        },
    );
    tera.add_raw_templates(sources.iter().map(|(n, s)| (n.as_str(), s.as_str())))
        .map_err(|e| anyhow!("template error: {}", error_chain(&e)))?;
    Ok(tera)
}

fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Static files: built-ins overridden (or extended) by the project's.
pub fn static_files(theme_dir: Option<&Path>) -> Result<Vec<StaticFile>> {
    let mut files: Vec<StaticFile> = STATIC
        .iter()
        .map(|(n, b)| StaticFile {
            name: (*n).to_owned(),
            bytes: b.to_vec(),
            builtin: true,
        })
        .collect();
    if let Some(dir) = theme_dir.map(|d| d.join("static")).filter(|d| d.is_dir()) {
        // `static/root/` goes to the site's root instead (see `output`).
        let root_files = dir.join("root");
        for entry in walkdir::WalkDir::new(&dir)
            .follow_links(false)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| e.path() != root_files)
        {
            let entry = entry.with_context(|| format!("failed to list `{}`", dir.display()))?;
            if !entry.file_type().is_file() {
                continue;
            }
            let rel = entry
                .path()
                .strip_prefix(&dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            let bytes = std::fs::read(entry.path())
                .with_context(|| format!("failed to read `{}`", entry.path().display()))?;
            let file = StaticFile {
                name: rel,
                bytes,
                builtin: false,
            };
            match files.iter_mut().find(|f| f.name == file.name) {
                Some(slot) => *slot = file,
                None => files.push(file),
            }
        }
    }
    Ok(files)
}

/// One file of the site's `static/` folder.
pub struct StaticFile {
    pub name: String,
    pub bytes: Vec<u8>,
    /// Specbook's own default (the output may be minified); a project's
    /// own file is copied exactly as written.
    pub builtin: bool,
}

/// Tera's errors nest their cause (which holds the line and column).
pub fn error_chain(e: &dyn std::error::Error) -> String {
    let mut msg = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        source = s.source();
    }
    msg
}
