//! `book.toml` and project discovery: what DIR is and where its files are.
//!
//! Three layouts are accepted (see README): a specbook project with a
//! `book.toml`, a folder laid out like the public Model Spec repository
//! (`model_spec.md` + `examples/`), or a single markdown file.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde::Deserialize;

use crate::authority::Scheme;
use crate::diag::{Diagnostics, Location};
use crate::render::markdown::safe_url;

mod languages;
mod versions;

pub use languages::Language;
pub use versions::{Release, ReleaseSource, Versions};

pub const BOOK_TOML: &str = "book.toml";
const MODEL_SPEC_FILE: &str = "model_spec.md";
/// Where eval logs are read from unless `[evals] logs` says otherwise.
pub const DEFAULT_EVAL_LOGS: &str = "eval-logs";
/// Replaced by a section's source path in `edit-url-template`.
/// What `edit-url-template` and `feedback-url-template` may hold, filled
/// in per rule: the file, its line, the rule's id and title, the release
/// and the rule's URL on the site.
pub const URL_PLACEHOLDERS: [&str; 6] =
    ["{path}", "{line}", "{id}", "{title}", "{release}", "{url}"];

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
struct BookToml {
    #[serde(default)]
    book: BookSection,
    #[serde(default)]
    build: BuildSection,
    #[serde(default)]
    output: OutputSection,
    #[serde(default)]
    spec: SpecSection,
    versions: Option<versions::VersionsSection>,
    #[serde(default)]
    evals: EvalsSection,
    #[serde(default)]
    languages: std::collections::BTreeMap<String, languages::LanguageToml>,
}

/// `[evals]`: where eval results are read from.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
struct EvalsSection {
    /// Inspect logs (`.eval`, `.json`) or folders of them, relative to
    /// the root; default `eval-logs/` when it exists.
    logs: Option<OneOrMany>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
struct BookSection {
    title: Option<String>,
    #[serde(default)]
    authors: Vec<String>,
    description: Option<String>,
    language: Option<String>,
    src: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
struct BuildSection {
    build_dir: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
struct OutputSection {
    #[serde(default)]
    html: HtmlSection,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
struct HtmlSection {
    site_url: Option<String>,
    git_repository_url: Option<String>,
    edit_url_template: Option<String>,
    feedback_url_template: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
struct SpecSection {
    /// Folder of eval-prompt files (`<label>.md`), relative to the root.
    eval_dir: Option<String>,
    /// Explicit order of the spec's markdown files, relative to `src`.
    files: Option<Vec<String>>,
    /// The authority levels, highest first, and their former names.
    authority: Option<crate::authority::SchemeToml>,
}

/// How the project was recognised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    Book,
    ModelSpecRepo,
    SingleFile,
}

/// How a Model-Spec repository names its spec: the first `# ` heading of
/// its README.md.
fn readme_title(dir: &Path) -> Option<String> {
    let text = std::fs::read_to_string(dir.join("README.md")).ok()?;
    text.lines().find_map(|line| {
        let title = line.strip_prefix("# ")?.trim().trim_end_matches('#').trim();
        (!title.is_empty()).then(|| title.to_owned())
    })
}

/// The resolved configuration every stage reads.
#[derive(Debug, Clone)]
pub struct Config {
    pub layout: Layout,
    /// Project root: paths in diagnostics are relative to it.
    pub root: PathBuf,
    /// Folder holding the spec's markdown.
    pub src: PathBuf,
    /// Explicit list of spec files (single file, model spec repo, or
    /// `[spec] files`); `None` means every `.md` under `src`, sorted by path.
    pub files: Option<Vec<PathBuf>>,
    pub eval_dir: Option<PathBuf>,
    pub title: Option<String>,
    pub authors: Vec<String>,
    pub description: Option<String>,
    pub language: String,
    /// The source language as the language switcher names it.
    pub source_language: Language,
    /// `[languages.<code>]`: the translations, by code, each a site under
    /// `/<code>/` made from `po/<code>.po`.
    pub languages: Vec<Language>,
    pub build_dir: PathBuf,
    pub site_url: Option<String>,
    pub git_repository_url: Option<String>,
    pub edit_url_template: Option<String>,
    /// `[output.html] feedback-url-template`: where "Give feedback" on a
    /// rule goes (e.g. a new-issue URL), placeholders URL-encoded.
    pub feedback_url_template: Option<String>,
    /// Folder whose `templates/` and `static/` override the built-in theme.
    pub theme_dir: Option<PathBuf>,
    /// The authority levels `authority=` may name (`[spec.authority]`).
    pub authority: Scheme,
    /// The eval-prompt folder as configured, relative to the root (even
    /// when it does not exist): what a release read with this layout uses.
    eval_dir_name: PathBuf,
    /// `[versions]`, if the project lists releases.
    pub versions: Option<Versions>,
    /// `[evals] logs`: eval logs or folders of them (absolute paths; may
    /// not exist). Default: `eval-logs/` beside the spec.
    pub eval_logs: Vec<PathBuf>,
}

impl Config {
    /// Recognises DIR (or a file) and reads `book.toml` if there is one.
    /// Unknown keys become warnings in `diags`.
    pub fn discover(path: &Path, diags: &mut Diagnostics) -> Result<Config> {
        if path.is_file() {
            let root = path.parent().map(Path::to_path_buf).unwrap_or_default();
            let root = if root.as_os_str().is_empty() {
                PathBuf::from(".")
            } else {
                root
            };
            let examples = root.join("examples");
            return Ok(Config {
                layout: Layout::SingleFile,
                files: Some(vec![path.to_path_buf()]),
                eval_dir: examples.is_dir().then_some(examples),
                eval_dir_name: PathBuf::from("examples"),
                ..Config::defaults(root.clone(), root)
            });
        }
        if !path.is_dir() {
            bail!(
                "`{}` is neither a folder nor a markdown file",
                path.display()
            );
        }
        let toml_path = path.join(BOOK_TOML);
        if toml_path.is_file() {
            return Config::from_book_toml(path, &toml_path, diags);
        }
        let spec_file = path.join(MODEL_SPEC_FILE);
        if spec_file.is_file() {
            let examples = path.join("examples");
            return Ok(Config {
                layout: Layout::ModelSpecRepo,
                title: readme_title(path),
                files: Some(vec![spec_file]),
                eval_dir: examples.is_dir().then_some(examples),
                eval_dir_name: PathBuf::from("examples"),
                ..Config::defaults(path.to_path_buf(), path.to_path_buf())
            });
        }
        bail!(
            "`{}` has no `{BOOK_TOML}` and no `{MODEL_SPEC_FILE}`: run `specbook init` to create a project, or name a markdown file",
            path.display()
        )
    }

    /// For a Model-Spec repository in git, the date of the last commit
    /// that changed `model_spec.md`: the label of the release it holds when
    /// `book.toml` names none (`[versions] current`).
    pub fn git_release_date(&self) -> Option<String> {
        (self.layout == Layout::ModelSpecRepo)
            .then(|| crate::versions::git::last_change(&self.root, Path::new(MODEL_SPEC_FILE)))
            .flatten()
    }

    fn defaults(root: PathBuf, src: PathBuf) -> Config {
        let root_for_logs = root.clone();
        Config {
            layout: Layout::Book,
            build_dir: root.join("book"),
            root,
            src,
            files: None,
            eval_dir: None,
            title: None,
            authors: Vec::new(),
            description: None,
            language: "en".into(),
            source_language: Language::new("en"),
            languages: Vec::new(),
            site_url: None,
            git_repository_url: None,
            edit_url_template: None,
            feedback_url_template: None,
            theme_dir: None,
            authority: Scheme::default(),
            eval_dir_name: PathBuf::from("evals"),
            versions: None,
            eval_logs: vec![root_for_logs.join(DEFAULT_EVAL_LOGS)],
        }
    }

    /// This configuration for a release whose files sit under `root`: the
    /// same layout (`src`, `files`, the eval folder) below another root,
    /// unless `root` has a `book.toml` of its own, whose layout wins.
    /// Everything that is not layout (title, theme, URLs, authority
    /// levels) stays this project's: one site, one look.
    pub fn for_release(&self, root: &Path, diags: &mut Diagnostics) -> Result<Config> {
        let layout = if root.join(BOOK_TOML).is_file() {
            Config::discover(root, diags)?
        } else {
            let rebase = |p: &Path| root.join(p.strip_prefix(&self.root).unwrap_or(p));
            let eval_dir = root.join(&self.eval_dir_name);
            Config {
                root: root.to_path_buf(),
                src: rebase(&self.src),
                files: self
                    .files
                    .as_ref()
                    .map(|fs| fs.iter().map(|f| rebase(f)).collect()),
                eval_dir: eval_dir.is_dir().then_some(eval_dir),
                ..self.clone()
            }
        };
        Ok(Config {
            layout: layout.layout,
            root: layout.root,
            src: layout.src,
            files: layout.files,
            eval_dir: layout.eval_dir,
            eval_dir_name: layout.eval_dir_name,
            versions: None,
            // Translations are of the current release: an earlier
            // release's catalogs would be for its own text.
            languages: Vec::new(),
            ..self.clone()
        })
    }

    /// The layout's paths relative to the root: what a git revision must
    /// hold for a release read with this layout (`book.toml` included).
    pub fn layout_paths(&self) -> Vec<PathBuf> {
        let rel = |p: &Path| p.strip_prefix(&self.root).unwrap_or(p).to_path_buf();
        let mut out = vec![PathBuf::from(BOOK_TOML), self.eval_dir_name.clone()];
        match &self.files {
            Some(files) => out.extend(files.iter().map(|f| rel(f))),
            None => out.push(rel(&self.src)),
        }
        out
    }

    fn from_book_toml(root: &Path, toml_path: &Path, diags: &mut Diagnostics) -> Result<Config> {
        let text = std::fs::read_to_string(toml_path)
            .with_context(|| format!("failed to read `{}`", toml_path.display()))?;
        let de =
            toml::Deserializer::parse(&text).map_err(|e| anyhow::anyhow!("{BOOK_TOML}: {e}"))?;
        let mut unknown = Vec::new();
        let raw: BookToml = serde_ignored::deserialize(de, |p| unknown.push(p.to_string()))
            .map_err(|e| anyhow::anyhow!("{BOOK_TOML}: {e}"))?;
        for key in unknown {
            let leaf = key.rsplit('.').next().unwrap_or(&key);
            let (at, shown) = key_location(&text, leaf);
            diags.warning_at(
                &at,
                shown,
                format!("unknown key `{key}` in {BOOK_TOML} (ignored)"),
            );
        }
        let src = root.join(raw.book.src.as_deref().unwrap_or("content"));
        let eval_dir = root.join(raw.spec.eval_dir.as_deref().unwrap_or("evals"));
        let mut cfg = Config::defaults(root.to_path_buf(), src.clone());
        cfg.layout = Layout::Book;
        cfg.files = raw
            .spec
            .files
            .map(|fs| fs.into_iter().map(|f| src.join(f)).collect());
        cfg.eval_dir = eval_dir.is_dir().then_some(eval_dir);
        cfg.eval_dir_name = PathBuf::from(raw.spec.eval_dir.as_deref().unwrap_or("evals"));
        cfg.versions = raw
            .versions
            .map(|v| versions::versions(v, root, &text, diags));
        if let Some(logs) = raw.evals.logs {
            let logs = match logs {
                OneOrMany::One(l) => vec![l],
                OneOrMany::Many(ls) => ls,
            };
            cfg.eval_logs = logs.into_iter().map(|l| root.join(l)).collect();
        }
        cfg.title = raw.book.title;
        cfg.authors = raw.book.authors;
        cfg.description = raw.book.description;
        if let Some(lang) = raw.book.language {
            cfg.language = lang;
        }
        (cfg.source_language, cfg.languages) =
            languages::languages(&cfg.language, raw.languages, &text, diags);
        if let Some(dir) = raw.build.build_dir {
            cfg.build_dir = root.join(dir);
        }
        let html = raw.output.html;
        let mut url = |key, value| checked_url(&text, key, value, safe_url::is_allowed, diags);
        cfg.site_url =
            url("site-url", html.site_url).map(|u| u.trim_end_matches('/').to_owned() + "/");
        cfg.git_repository_url = url("git-repository-url", html.git_repository_url);
        let template_allowed = |t: &str| safe_url::template_is_allowed(t, &URL_PLACEHOLDERS);
        cfg.edit_url_template = checked_url(
            &text,
            "edit-url-template",
            html.edit_url_template,
            template_allowed,
            diags,
        );
        cfg.feedback_url_template = checked_url(
            &text,
            "feedback-url-template",
            html.feedback_url_template,
            template_allowed,
            diags,
        );
        cfg.theme_dir = Some(root.to_path_buf());
        if let Some(table) = raw.spec.authority {
            match Scheme::from_toml(table) {
                Ok(scheme) => cfg.authority = scheme,
                Err(e) => {
                    let line = line_of_table(&text, "spec.authority");
                    diags.error_at(
                        &Location {
                            file: BOOK_TOML.into(),
                            line,
                            col: usize::from(line > 0),
                        },
                        (line > 0).then(|| text.lines().nth(line - 1).unwrap_or("")),
                        format!("[spec.authority]: {e}"),
                    );
                }
            }
        }
        Ok(cfg)
    }

    /// The project's `static/root/`, whose files go to the site's root
    /// (only a project with a theme folder, i.e. a `book.toml`, has one).
    /// The eval-prompt folder: the configured one, else where the layout
    /// expects it (for a file that does not exist yet).
    pub fn eval_dir_or_default(&self) -> PathBuf {
        self.eval_dir
            .clone()
            .unwrap_or_else(|| self.root.join(&self.eval_dir_name))
    }

    pub fn root_files_dir(&self) -> Option<PathBuf> {
        self.theme_dir
            .as_ref()
            .map(|d| d.join(crate::output::ROOT_FILES_DIR))
    }

    /// A path as shown in diagnostics and exports: relative to the root,
    /// with `/` separators.
    pub fn display_path(&self, path: &Path) -> String {
        let rel = path.strip_prefix(&self.root).unwrap_or(path);
        let s: Vec<String> = rel
            .components()
            .filter(|c| !matches!(c, std::path::Component::CurDir))
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        s.join("/")
    }
}

/// The 1-based line of a `[table]` header in `book.toml`, or 0.
fn line_of_table(text: &str, table: &str) -> usize {
    let header = format!("[{table}]");
    text.lines()
        .position(|l| l.trim() == header)
        .map_or(0, |i| i + 1)
}

/// Where `key` is set in `book.toml` (its first line starting with it),
/// and that line; line 0 when it cannot be found.
fn key_location<'t>(text: &'t str, key: &str) -> (Location, Option<&'t str>) {
    let found = text.lines().enumerate().find(|(_, l)| {
        l.trim_start()
            .strip_prefix(key)
            .is_some_and(|rest| rest.starts_with([' ', '\t', '=']) || rest.is_empty())
    });
    let (line, col, shown) = match found {
        Some((i, l)) => (i + 1, l.len() - l.trim_start().len() + 1, Some(l)),
        None => (0, 0, None),
    };
    let at = Location {
        file: BOOK_TOML.into(),
        line,
        col,
    };
    (at, shown)
}

/// `value` if `allowed` accepts it; otherwise `None` and a warning at its
/// line: a `book.toml` URL is written into every page as a link, and a
/// `javascript:` one would run when clicked.
fn checked_url(
    text: &str,
    key: &str,
    value: Option<String>,
    allowed: impl Fn(&str) -> bool,
    diags: &mut Diagnostics,
) -> Option<String> {
    let value = value?;
    if allowed(&value) {
        return Some(value);
    }
    let (at, shown) = key_location(text, key);
    diags.warning_at(
        &at,
        shown,
        format!(
            "`{key}` = {value:?} is ignored: links may only use http, https, mailto or a relative URL"
        ),
    );
    None
}

#[cfg(test)]
mod tests;
