//! Reads the spec's markdown files and eval-prompt files from disk, or
//! from an editor's unsaved buffers ([`Buffers`]) where it has them.
//!
//! Decoding problems become diagnostics (with the offending byte), never
//! panics; symlinks that lead out of the project are skipped with a warning.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use walkdir::WalkDir;

use crate::config::Config;
use crate::diag::{Diagnostics, LineIndex, Location};
use crate::model::SourceFile;
use crate::output::SITE_MARKER;

/// Everything the parser needs, read once.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    pub spec_files: Vec<SourceFile>,
    pub eval_files: Vec<SourceFile>,
    /// The translation catalogs `po/*.po` of the project, by path (read
    /// here with the rest, so an editor's unsaved catalog is what `check`
    /// lints; see `crate::i18n::lint`).
    pub catalogs: Vec<SourceFile>,
}

/// Texts that stand for files of the project: an editor's open buffers,
/// unsaved. A buffer is read instead of the file at its path, and one for
/// a markdown file not yet on disk, in the source or eval folder, is part
/// of the spec as a file there would be. Keyed by absolute path.
#[derive(Debug, Clone, Default)]
pub struct Buffers {
    texts: std::collections::BTreeMap<PathBuf, String>,
}

impl Buffers {
    pub fn new() -> Self {
        Self::default()
    }

    /// `path`'s text is `text` (the path made absolute).
    pub fn set(&mut self, path: &Path, text: String) {
        self.texts.insert(absolute(path), text);
    }

    /// `path` is read from disk again.
    pub fn remove(&mut self, path: &Path) {
        self.texts.remove(&absolute(path));
    }

    pub fn is_empty(&self) -> bool {
        self.texts.is_empty()
    }

    fn get(&self, path: &Path) -> Option<&str> {
        if self.texts.is_empty() {
            return None;
        }
        self.texts.get(&absolute(path)).map(String::as_str)
    }

    /// Buffers of markdown files below `dir` (and not below `except`)
    /// that `listed` does not hold: files not yet saved.
    fn unsaved_under(&self, dir: &Path, except: Option<&Path>, listed: &[PathBuf]) -> Vec<PathBuf> {
        self.unsaved_with(dir, except, listed, "md")
    }

    /// [`Self::unsaved_under`] for files named `*.{ext}`.
    fn unsaved_with(
        &self,
        dir: &Path,
        except: Option<&Path>,
        listed: &[PathBuf],
        ext: &str,
    ) -> Vec<PathBuf> {
        if self.texts.is_empty() {
            return Vec::new();
        }
        let dir = absolute(dir);
        let except = except.map(absolute);
        let listed: std::collections::BTreeSet<PathBuf> =
            listed.iter().map(|p| absolute(p)).collect();
        self.texts
            .keys()
            .filter(|p| p.starts_with(&dir) && p.extension().is_some_and(|x| x == ext))
            .filter(|p| except.as_ref().is_none_or(|e| !p.starts_with(e)))
            .filter(|p| !listed.contains(*p))
            .cloned()
            .collect()
    }
}

/// Under `serve`: the files the last load read from disk, reused while
/// the file watcher does not report them changed. A file is read again
/// when it is reported, when it was not read before, and every time no
/// report is given ([`DiskCache::everything_may_have_changed`], the state
/// after a watcher error and before the first load).
#[derive(Debug, Default)]
pub struct DiskCache {
    files: std::collections::HashMap<PathBuf, (String, Diagnostics)>,
    /// The markdown files found under each source folder, by folder.
    listings: std::collections::HashMap<PathBuf, Listing>,
    /// The paths reported changed since the last load (absolute); `None`
    /// when any may have.
    changed: Option<std::collections::HashSet<PathBuf>>,
}

/// The markdown files under one folder, as [`markdown_under`] found them.
#[derive(Debug)]
struct Listing {
    paths: Vec<PathBuf>,
    /// The same paths, absolute (as the watcher reports them).
    known: std::collections::HashSet<PathBuf>,
    /// Every folder walked, and when it was last changed (a file created,
    /// removed or renamed in it): a file created is found even when the
    /// watcher does not report it.
    folders: Vec<Folder>,
    diags: Diagnostics,
}

/// When `folder` last had an entry created, removed or renamed.
fn changed_at(folder: &Path) -> Option<std::time::SystemTime> {
    std::fs::metadata(folder).and_then(|m| m.modified()).ok()
}

impl DiskCache {
    /// The watcher reported these paths (files or folders) changed.
    pub fn changed(&mut self, paths: &[PathBuf]) {
        if let Some(set) = &mut self.changed {
            set.extend(paths.iter().map(|p| absolute(p)));
        }
    }

    /// The next load reads every file (nothing is known of what changed).
    pub fn everything_may_have_changed(&mut self) {
        self.changed = None;
    }

    /// The text kept of `path`, taken out of the cache, when nothing
    /// reported has changed it.
    fn take_reusable(&mut self, path: &Path) -> Option<(String, Diagnostics)> {
        let changed = self.changed.as_ref()?;
        // A reported folder (removed, renamed) covers what it held.
        if changed.iter().any(|c| path.starts_with(c)) {
            return None;
        }
        self.files.remove(path)
    }

    /// The listing kept of `dir`, taken out of the cache, when nothing can
    /// have changed it: every change reported in or above the folder is
    /// to a file it lists that is still a file (a save, not a file
    /// created, removed or renamed), and no folder it walked has changed
    /// since. At 10x this spares walking 1,140 eval files on every save.
    fn take_listing(&mut self, dir: &Path) -> Option<Listing> {
        let changed = self.changed.as_ref()?;
        let listing = self.listings.get(dir)?;
        let at = absolute(dir);
        let keeps = |c: &PathBuf| {
            let related = c.starts_with(&at) || at.starts_with(c);
            !related || (listing.known.contains(c) && c.is_file())
        };
        let unchanged = |(f, at): &Folder| at.is_some() && changed_at(f) == *at;
        if !(changed.iter().all(keeps) && listing.folders.iter().all(unchanged)) {
            return None;
        }
        self.listings.remove(dir)
    }
}

/// One load's reading: editor buffers first, then the disk cache, then the
/// file itself.
struct Reader<'a> {
    cfg: &'a Config,
    buffers: &'a Buffers,
    disk: Option<&'a mut DiskCache>,
    /// The files this load read, kept for the next (the rest are dropped:
    /// the cache holds one spec's worth of files).
    read: std::collections::HashMap<PathBuf, (String, Diagnostics)>,
    /// The folders this load listed, likewise.
    listed: std::collections::HashMap<PathBuf, Listing>,
}

impl Reader<'_> {
    fn source(&mut self, path: &Path, diags: &mut Diagnostics) -> Result<Option<SourceFile>> {
        if self.disk.is_none() || self.buffers.get(path).is_some() {
            return read_source(self.cfg, path, self.buffers, diags);
        }
        let key = absolute(path);
        if let Some((text, kept)) = self.disk.as_deref_mut().and_then(|d| d.take_reusable(&key)) {
            diags.extend(kept.clone());
            let file = SourceFile {
                path: self.cfg.display_path(path),
                text: text.clone(),
            };
            self.read.insert(key, (text, kept));
            return Ok(Some(file));
        }
        let mut own = Diagnostics::new();
        let file = read_source(self.cfg, path, self.buffers, &mut own)?;
        if let Some(f) = &file {
            self.read.insert(key, (f.text.clone(), own.clone()));
        }
        diags.extend(own);
        Ok(file)
    }

    /// The markdown files under `dir` ([`markdown_under`]), listed again
    /// only when a change reported may have changed what it holds.
    fn markdown_under(&mut self, dir: &Path, diags: &mut Diagnostics) -> Result<Vec<PathBuf>> {
        let Some(disk) = self.disk.as_deref_mut() else {
            return markdown_under(self.cfg, dir, diags);
        };
        let listing = match disk.take_listing(dir) {
            Some(kept) => kept,
            None => {
                let mut own = Diagnostics::new();
                let (paths, folders) = markdown_and_folders_under(self.cfg, dir, &mut own)?;
                Listing {
                    known: paths.iter().map(|p| absolute(p)).collect(),
                    paths,
                    folders,
                    diags: own,
                }
            }
        };
        diags.extend(listing.diags.clone());
        let paths = listing.paths.clone();
        self.listed.insert(dir.to_path_buf(), listing);
        Ok(paths)
    }

    /// Hands what was read to the cache: the next load starts from it,
    /// with nothing reported changed yet.
    fn finish(self) {
        if let Some(disk) = self.disk {
            disk.files = self.read;
            disk.listings = self.listed;
            disk.changed = Some(Default::default());
        }
    }
}

fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

pub fn load_sources(cfg: &Config, diags: &mut Diagnostics) -> Result<Sources> {
    load_sources_with(cfg, &Buffers::default(), diags)
}

/// [`load_sources`], reading `buffers` instead of the files they stand for.
pub fn load_sources_with(
    cfg: &Config,
    buffers: &Buffers,
    diags: &mut Diagnostics,
) -> Result<Sources> {
    load_sources_cached(cfg, buffers, None, diags)
}

/// [`load_sources_with`], reusing what `disk` kept of files not reported
/// changed since (`serve`).
pub fn load_sources_cached(
    cfg: &Config,
    buffers: &Buffers,
    disk: Option<&mut DiskCache>,
    diags: &mut Diagnostics,
) -> Result<Sources> {
    let mut reader = Reader {
        cfg,
        buffers,
        disk,
        read: Default::default(),
        listed: Default::default(),
    };
    let spec_paths = match &cfg.files {
        Some(files) => files.clone(),
        None => {
            let mut paths = reader.markdown_under(&cfg.src, diags)?;
            let unsaved = buffers.unsaved_under(&cfg.src, cfg.eval_dir.as_deref(), &paths);
            paths.extend(unsaved);
            paths.sort();
            paths
        }
    };
    let mut spec_files = Vec::new();
    for p in spec_paths {
        if let Some(f) = reader.source(&p, diags)? {
            spec_files.push(f);
        }
    }
    if spec_files.is_empty() {
        let at = Location {
            file: cfg.display_path(&cfg.src),
            line: 0,
            col: 0,
        };
        diags.error_at(&at, None, "no markdown files found: the spec is empty");
    }
    let mut eval_files = Vec::new();
    if let Some(dir) = &cfg.eval_dir {
        let mut paths = reader.markdown_under(dir, diags)?;
        let unsaved = buffers.unsaved_under(dir, None, &paths);
        paths.extend(unsaved);
        paths.sort();
        for p in paths {
            if let Some(f) = reader.source(&p, diags)? {
                eval_files.push(f);
            }
        }
    }
    let catalogs = catalogs(&mut reader, diags)?;
    reader.finish();
    Ok(Sources {
        spec_files,
        eval_files,
        catalogs,
    })
}

/// The translation catalogs: every `*.po` directly in `<root>/po/` (the
/// template `messages.pot` is ours, not a translation), sorted by path.
fn catalogs(reader: &mut Reader<'_>, diags: &mut Diagnostics) -> Result<Vec<SourceFile>> {
    let (cfg, buffers) = (reader.cfg, reader.buffers);
    let dir = cfg.root.join(crate::i18n::catalog::PO_DIR);
    let mut paths: Vec<PathBuf> = match std::fs::read_dir(&dir) {
        Ok(entries) => entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "po") && p.is_file())
            .collect(),
        Err(_) => Vec::new(),
    };
    // Catalogs sit directly in `po/`: a buffer in a folder below is not one.
    let at = absolute(&dir);
    let unsaved: Vec<PathBuf> = buffers
        .unsaved_with(&dir, None, &paths, "po")
        .into_iter()
        .filter(|p| p.parent() == Some(at.as_path()))
        .collect();
    paths.extend(unsaved);
    paths.sort();
    let mut out = Vec::new();
    for p in paths {
        if let Some(f) = reader.source(&p, diags)? {
            out.push(f);
        }
    }
    Ok(out)
}

/// Every `.md` file below `dir`, sorted by path; hidden entries, the eval
/// folder (when it sits inside `src`) and sites are skipped.
fn markdown_under(cfg: &Config, dir: &Path, diags: &mut Diagnostics) -> Result<Vec<PathBuf>> {
    markdown_and_folders_under(cfg, dir, diags).map(|(files, _)| files)
}

/// A folder, and when it last changed as it was about to be listed.
type Folder = (PathBuf, Option<std::time::SystemTime>);

/// [`markdown_under`], and every folder the walk went through with its
/// time taken before its entries were read (walkdir yields a folder, then
/// reads it): a file created during the walk makes the next load walk
/// again.
fn markdown_and_folders_under(
    cfg: &Config,
    dir: &Path,
    diags: &mut Diagnostics,
) -> Result<(Vec<PathBuf>, Vec<Folder>)> {
    let mut out = Vec::new();
    let mut folders = Vec::new();
    if !dir.is_dir() {
        anyhow::bail!("source folder `{}` does not exist", dir.display());
    }
    let walker = WalkDir::new(dir)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            e.depth() == 0 || !(e.file_name().to_string_lossy().starts_with('.') || is_site(e))
        });
    for entry in walker {
        let entry = entry.with_context(|| format!("failed to list `{}`", dir.display()))?;
        let path = entry.path();
        if entry.file_type().is_dir() {
            folders.push((path.to_path_buf(), changed_at(path)));
        }
        if entry.depth() > 0 && Some(path) == cfg.eval_dir.as_deref() && dir != path {
            continue;
        }
        if cfg
            .eval_dir
            .as_deref()
            .is_some_and(|e| dir != e && path.starts_with(e))
        {
            continue;
        }
        if path.extension().and_then(|e| e.to_str()) != Some("md") {
            continue;
        }
        let skipped = match entry
            .path_is_symlink()
            .then(|| symlink_target(&cfg.root, path))
        {
            Some(LinkTarget::Outside) => {
                Some("skipped: symbolic link pointing outside the project")
            }
            Some(LinkTarget::Unresolved) => {
                Some("skipped: symbolic link that does not resolve (a loop, or a missing target)")
            }
            Some(LinkTarget::Inside) | None => None,
        };
        if let Some(why) = skipped {
            let at = Location {
                file: cfg.display_path(path),
                line: 0,
                col: 0,
            };
            diags.warning_at(&at, None, why);
            continue;
        }
        if path.is_file() {
            out.push(path.to_path_buf());
        }
    }
    Ok((out, folders))
}

/// A site specbook wrote inside the sources (such as the default `book/`
/// of a project with `src = "."`) is output, never read as source. (The
/// build folder is not skipped by name: until a site is built into it,
/// whatever it holds may well be sources, and the build refuses it.)
fn is_site(entry: &walkdir::DirEntry) -> bool {
    entry.file_type().is_dir() && entry.path().join(SITE_MARKER).is_file()
}

enum LinkTarget {
    Inside,
    Outside,
    Unresolved,
}

fn symlink_target(root: &Path, path: &Path) -> LinkTarget {
    match (root.canonicalize(), path.canonicalize()) {
        (Ok(root), Ok(target)) if target.starts_with(&root) => LinkTarget::Inside,
        (Ok(_), Ok(_)) => LinkTarget::Outside,
        _ => LinkTarget::Unresolved,
    }
}

/// Reads one file. Invalid UTF-8 is an error diagnostic naming the byte;
/// the rest is still parsed (lossily) so every other problem shows too.
fn read_source(
    cfg: &Config,
    path: &Path,
    buffers: &Buffers,
    diags: &mut Diagnostics,
) -> Result<Option<SourceFile>> {
    let shown = cfg.display_path(path);
    if let Some(text) = buffers.get(path) {
        let text = decode(&shown, text.as_bytes().to_vec(), diags);
        return Ok(Some(SourceFile { path: shown, text }));
    }
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let at = Location {
                file: shown,
                line: 0,
                col: 0,
            };
            diags.error_at(&at, None, "file not found");
            return Ok(None);
        }
        Err(e) => return Err(e).with_context(|| format!("failed to read `{}`", path.display())),
    };
    let text = decode(&shown, bytes, diags);
    Ok(Some(SourceFile { path: shown, text }))
}

/// UTF-8 decoding with a precise diagnostic; strips a BOM and normalises
/// CRLF (and lone CR) line ends so offsets and columns agree everywhere downstream.
pub fn decode(shown: &str, mut bytes: Vec<u8>, diags: &mut Diagnostics) -> String {
    // The BOM goes first, so that columns on line 1 do not count it.
    const BOM: &[u8] = "\u{feff}".as_bytes();
    let bom = if bytes.starts_with(BOM) {
        bytes.drain(..BOM.len());
        BOM.len()
    } else {
        0
    };
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            // Decoded lossily so that every other problem shows too.
            let bytes = e.into_bytes();
            let text = String::from_utf8_lossy(&bytes).into_owned();
            report_invalid_utf8(shown, &bytes, bom, &text, diags);
            text
        }
    };
    // CommonMark: NUL is replaced, for security; in titles and ids too.
    let text = if text.contains('\0') {
        text.replace('\0', "\u{fffd}")
    } else {
        text
    };
    if text.contains('\r') {
        // A lone CR ends a line too (CommonMark), so every stage counts
        // the same lines.
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text
    }
}

/// One error for each of the first [`MAX_UTF8_REPORTS`] invalid byte
/// runs, naming the byte and its offset, at the line and column its
/// replacement character has in `text` (the lossy decoding of `bytes`,
/// which followed `skipped` bytes of the file); then one line counting the
/// rest. One pass over the file.
fn report_invalid_utf8(
    shown: &str,
    bytes: &[u8],
    skipped: usize,
    text: &str,
    diags: &mut Diagnostics,
) {
    const MAX_UTF8_REPORTS: usize = 20;
    let index = LineIndex::new(text);
    let mut raw = skipped;
    let mut decoded = 0;
    let mut runs = 0;
    for chunk in bytes.utf8_chunks() {
        raw += chunk.valid().len();
        decoded += chunk.valid().len();
        let Some(&first) = chunk.invalid().first() else {
            continue;
        };
        if runs < MAX_UTF8_REPORTS {
            let (line, col) = index.line_col(text, decoded);
            let at = Location {
                file: shown.to_owned(),
                line,
                col,
            };
            diags.error_at(
                &at,
                Some(index.line_text(text, line)),
                format!(
                    "file is not valid UTF-8: byte 0x{first:02X} at offset {raw}{}",
                    if runs == 0 { "" } else { " (again)" }
                ),
            );
        }
        runs += 1;
        raw += chunk.invalid().len();
        decoded += char::REPLACEMENT_CHARACTER.len_utf8();
    }
    if runs > MAX_UTF8_REPORTS {
        let at = Location {
            file: shown.to_owned(),
            line: 0,
            col: 0,
        };
        diags.error_at(
            &at,
            None,
            format!(
                "file is not valid UTF-8: {} more invalid byte sequences not listed",
                runs - MAX_UTF8_REPORTS
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buffers_stand_for_their_files_and_unsaved_ones_join_the_spec() {
        let dir = crate::test_support::sample_copy();
        let root = dir.path();
        let file = root.join("content/04-style.md");
        let on_disk = std::fs::read_to_string(&file).unwrap();
        let mut loader = crate::pipeline::Loader::new(root);
        assert!(!loader.load().unwrap().diagnostics.has_errors());
        // An unsaved edit with a broken reference, and a new unsaved file.
        loader.buffers_mut().set(
            &file,
            format!("{on_disk}\n## Edited {{#edited}}\n\nSee [?](#nowhere).\n"),
        );
        loader.buffers_mut().set(
            &root.join("content/99-new.md"),
            "# New chapter {#new_chapter}\n\nText.\n".into(),
        );
        let loaded = loader.load().unwrap();
        let errors: Vec<String> = loaded
            .diagnostics
            .sorted()
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(
            errors[0].starts_with("content/04-style.md:") && errors[0].contains("#nowhere"),
            "{errors:?}"
        );
        assert!(loaded.spec.section("edited").is_some());
        assert!(loaded.spec.section("new_chapter").is_some());
        // The files on disk are as they were; without the buffers the spec
        // is the saved one again.
        assert_eq!(std::fs::read_to_string(&file).unwrap(), on_disk);
        assert!(!root.join("content/99-new.md").exists());
        loader.buffers_mut().remove(&file);
        loader.buffers_mut().remove(&root.join("content/99-new.md"));
        let again = loader.load().unwrap();
        assert!(!again.diagnostics.has_errors());
        assert!(
            again.spec.section("edited").is_none() && again.spec.section("new_chapter").is_none()
        );
    }

    /// Under `serve`, a folder is listed again only when a change the
    /// watcher reported may have changed what it holds; a save of a file
    /// it lists is read again without listing the folder.
    #[test]
    fn a_kept_listing_is_used_until_a_reported_change_may_have_changed_it() {
        let dir = crate::test_support::sample_copy();
        let root = std::fs::canonicalize(dir.path()).unwrap();
        let cfg = Config::discover(&root, &mut Diagnostics::new()).unwrap();
        let mut disk = DiskCache::default();
        let load = |disk: &mut DiskCache| {
            let mut d = Diagnostics::new();
            let s = load_sources_cached(&cfg, &Buffers::default(), Some(disk), &mut d).unwrap();
            let names: Vec<String> = s.spec_files.iter().map(|f| f.path.clone()).collect();
            let style = s
                .spec_files
                .iter()
                .find(|f| f.path.ends_with("04-style.md"));
            (names, style.unwrap().text.clone())
        };
        let (first, _) = load(&mut disk);
        assert_eq!(first.len(), 5, "{first:?}");
        let content = root.join("content");
        // A save of a listed file, reported: the save is read, and the
        // folder's kept listing is used (shown by a file left out of the
        // listing kept, which a walk would find).
        let style = content.join("04-style.md");
        let saved = std::fs::read_to_string(&style).unwrap() + "\nSaved.\n";
        std::fs::write(&style, &saved).unwrap();
        let listing = disk.listings.get_mut(&content).unwrap();
        listing.paths.retain(|p| !p.ends_with("05-multilingual.md"));
        disk.changed(std::slice::from_ref(&style));
        let (names, text) = load(&mut disk);
        assert_eq!(names.len(), 4, "the kept listing: {names:?}");
        assert_eq!(text, saved);
        // A file created and reported: listed again.
        std::fs::write(content.join("99-new.md"), "# New {#new}\n").unwrap();
        disk.changed(&[content.join("99-new.md")]);
        let (names, _) = load(&mut disk);
        assert_eq!(names.len(), 6, "{names:?}");
        // A file created and not reported: the folder changed, so listed
        // again all the same.
        std::fs::write(content.join("98-other.md"), "# Other {#other}\n").unwrap();
        let (names, _) = load(&mut disk);
        assert_eq!(names.len(), 7, "{names:?}");
        // A file removed and reported: listed again.
        std::fs::remove_file(content.join("99-new.md")).unwrap();
        disk.changed(&[content.join("99-new.md")]);
        let (names, _) = load(&mut disk);
        assert_eq!(names.len(), 6, "{names:?}");
        assert!(names.iter().any(|n| n.ends_with("98-other.md")));
    }

    #[test]
    fn catalogs_are_read_from_po_and_from_buffers_and_linted_on_load() {
        let dir = crate::test_support::sample_copy();
        let root = dir.path();
        let po = root.join("po/zh.po");
        let header = "msgid \"\"\nmsgstr \"Content-Type: text/plain; charset=UTF-8\\n\"\n\n";
        std::fs::create_dir_all(root.join("po")).unwrap();
        // On disk: a faithful title translation; the template is not read.
        std::fs::write(
            &po,
            format!("{header}msgctxt \"overview/title\"\nmsgid \"Overview\"\nmsgstr \"概述\"\n"),
        )
        .unwrap();
        std::fs::write(root.join("po/messages.pot"), "not a catalog").unwrap();
        let mut loader = crate::pipeline::Loader::new(root);
        let loaded = loader.load().unwrap();
        assert_eq!(loaded.sources.catalogs.len(), 1);
        assert!(
            loaded.diagnostics.is_empty(),
            "{:?}",
            loaded.diagnostics.sorted()
        );
        // An editor's unsaved catalog is what is linted.
        loader.buffers_mut().set(
            &po,
            format!("{header}msgctxt \"overview/title\"\nmsgid \"Overview\"\nmsgstr \"`概述`\"\n"),
        );
        let shown: Vec<String> = loader
            .load()
            .unwrap()
            .diagnostics
            .sorted()
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            shown,
            [
                "po/zh.po:6:1: error: translation of `overview/title` adds inline code `概述`, not in the source"
            ]
        );
        // The `i18n` commands load without the lint.
        let mut quiet = crate::pipeline::Loader::new(root).without_catalog_lint();
        *quiet.buffers_mut() = loader.buffers_mut().clone();
        assert!(quiet.load().unwrap().diagnostics.is_empty());
    }

    fn decoded(bytes: &[u8]) -> (String, Vec<String>) {
        let mut d = Diagnostics::new();
        let text = decode("f.md", bytes.to_vec(), &mut d);
        (text, d.sorted().iter().map(ToString::to_string).collect())
    }

    #[test]
    fn invalid_utf8_names_byte_offset_line_and_column() {
        let (text, m) = decoded(b"ok\nab\xFFc\xC3\n");
        assert_eq!(text, "ok\nab\u{fffd}c\u{fffd}\n");
        assert_eq!(
            m,
            [
                "f.md:2:3: error: file is not valid UTF-8: byte 0xFF at offset 5",
                "f.md:2:5: error: file is not valid UTF-8: byte 0xC3 at offset 7 (again)",
            ]
        );
    }

    #[test]
    fn a_bom_is_not_counted_in_columns_but_is_in_offsets() {
        let (text, m) = decoded(b"\xEF\xBB\xBFa\xFF");
        assert_eq!(text, "a\u{fffd}");
        assert_eq!(
            m,
            ["f.md:1:2: error: file is not valid UTF-8: byte 0xFF at offset 4"]
        );
    }

    #[test]
    fn many_invalid_runs_are_counted_not_listed() {
        let (text, m) = decoded(&[0xFF, b'x'].repeat(100_000));
        assert_eq!(text.chars().count(), 200_000);
        assert_eq!(m.len(), 21);
        assert_eq!(
            m[0],
            "f.md: error: file is not valid UTF-8: 99980 more invalid byte sequences not listed"
        );
        assert!(m[20].starts_with(
            "f.md:1:39: error: file is not valid UTF-8: byte 0xFF at offset 38 (again)"
        ));
    }

    #[test]
    fn nul_becomes_the_replacement_character() {
        assert_eq!(decoded(b"# A\0B {#a\0}\n").0, "# A\u{fffd}B {#a\u{fffd}}\n");
    }

    #[test]
    fn crlf_and_lone_cr_end_lines() {
        assert_eq!(decoded(b"a\r\nb\rc\n").0, "a\nb\nc\n");
    }
}
