//! `book.toml` and project discovery: what DIR is and where its files are.
//!
//! Three layouts are accepted (see README): a specbook project with a
//! `book.toml`, a folder laid out like the public Model Spec repository
//! (`model_spec.md` + `examples/`), or a single markdown file.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde::Deserialize;

use crate::diag::{Diagnostics, Location};

pub const BOOK_TOML: &str = "book.toml";
pub const MODEL_SPEC_FILE: &str = "model_spec.md";

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
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
struct SpecSection {
    /// Folder of eval-prompt files (`<label>.md`), relative to the root.
    eval_dir: Option<String>,
    /// Explicit order of the spec's markdown files, relative to `src`.
    files: Option<Vec<String>>,
}

/// How the project was recognised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    Book,
    ModelSpecRepo,
    SingleFile,
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
    pub build_dir: PathBuf,
    pub site_url: Option<String>,
    pub git_repository_url: Option<String>,
    pub edit_url_template: Option<String>,
    /// Folder whose `templates/` and `static/` override the built-in theme.
    pub theme_dir: Option<PathBuf>,
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
                files: Some(vec![spec_file]),
                eval_dir: examples.is_dir().then_some(examples),
                ..Config::defaults(path.to_path_buf(), path.to_path_buf())
            });
        }
        bail!(
            "`{}` has no `{BOOK_TOML}` and no `{MODEL_SPEC_FILE}`: run `specbook init` to create a project, or name a markdown file",
            path.display()
        )
    }

    fn defaults(root: PathBuf, src: PathBuf) -> Config {
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
            site_url: None,
            git_repository_url: None,
            edit_url_template: None,
            theme_dir: None,
        }
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
            let line = text
                .lines()
                .position(|l| l.trim_start().starts_with(leaf))
                .map(|i| i + 1)
                .unwrap_or(0);
            let at = Location {
                file: BOOK_TOML.into(),
                line,
                col: usize::from(line > 0),
            };
            let shown = (line > 0).then(|| text.lines().nth(line - 1).unwrap_or(""));
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
        cfg.title = raw.book.title;
        cfg.authors = raw.book.authors;
        cfg.description = raw.book.description;
        if let Some(lang) = raw.book.language {
            cfg.language = lang;
        }
        if let Some(dir) = raw.build.build_dir {
            cfg.build_dir = root.join(dir);
        }
        cfg.site_url = raw
            .output
            .html
            .site_url
            .map(|u| u.trim_end_matches('/').to_owned() + "/");
        cfg.git_repository_url = raw.output.html.git_repository_url;
        cfg.edit_url_template = raw.output.html.edit_url_template;
        cfg.theme_dir = Some(root.to_path_buf());
        Ok(cfg)
    }

    /// The project's `static/root/`, whose files go to the site's root
    /// (only a project with a theme folder, i.e. a `book.toml`, has one).
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
