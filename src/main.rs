//! The `specbook` command line: argument parsing and dispatch only.

use std::net::IpAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// A build allocates many small strings on every thread at once; mimalloc
/// is markedly faster at that than the system allocator and returns memory
/// to the system more readily (lower peak RSS on large specs).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `mi_option_purge_delay` (mimalloc.h, `mi_option_e`).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// For `serve` and `lsp`, which rebuild on every edit: memory freed by one
/// rebuild stays with the process for the next instead of going back to
/// the system after mimalloc's default 10 ms. A rebuild at 10x allocates
/// and frees a few hundred MiB; taking it from the system again (zeroed
/// pages, one fault each) costs about 20 ms of every rebuild. Resident
/// memory stays at the process's high-water mark meanwhile, given back
/// after a minute without edits.
#[allow(unsafe_code)]
fn keep_freed_memory() {
    // SAFETY: sets a plain integer option; mimalloc reads options
    // atomically and any value is valid for this one.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 60_000) };
}

/// Build, check and browse behavioural specs written in the Model Spec dialect.
#[derive(Parser)]
#[command(name = "specbook", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Parse and link the spec; print every problem as file:line:col.
    ///
    /// Exits 0 when there are no errors, 1 when there are (or warnings with
    /// --deny-warnings), 2 on a usage or I/O error.
    Check {
        /// Project folder (with book.toml), Model Spec folder (model_spec.md +
        /// examples/), or a single markdown file.
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Count warnings as errors.
        #[arg(long)]
        deny_warnings: bool,
        /// Fail when a rule has fewer than N examples (its own and its
        /// sub-rules'), each reported at its heading. Off by default.
        #[arg(long, value_name = "N")]
        coverage_min: Option<usize>,
        /// How to print the problems: text (a terminal), json (other
        /// tools), github (GitHub Actions annotations on the lines).
        #[arg(long, value_enum, default_value = "text")]
        format: specbook::cmd::check::Format,
    },
    /// Render the spec into a static website.
    ///
    /// The site is written into a temporary folder and swapped in only when
    /// everything succeeded. OUT's `.specbook-site` lists the files specbook
    /// wrote; every other file there (a CNAME, downloads/, .git) is kept by
    /// the next build. Files of the project's static/root/ are copied to the
    /// site's root. A non-empty OUT that specbook did not write is refused
    /// (see --force), as is one that holds the project's sources.
    Build {
        /// Project folder, Model Spec folder, or a single markdown file.
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Output folder; default: `[build] build-dir` of book.toml, else `book`.
        #[arg(short, long, value_name = "OUT")]
        output: Option<PathBuf>,
        /// Build into OUT although specbook did not write it: its files are
        /// kept, except any at a path the site itself uses (with a warning).
        #[arg(long)]
        force: bool,
        /// The URL the site will be published at, for this build (overrides
        /// `[output.html] site-url`): canonical links, sitemap.xml, 404.html.
        #[arg(long, value_name = "URL")]
        site_url: Option<String>,
        /// Open the built site in the default browser.
        #[arg(long)]
        open: bool,
    },
    /// Remove the built site: exactly the files specbook wrote there.
    ///
    /// Files of the output folder that specbook did not write (a CNAME,
    /// .git, your own) stay, and so does the folder if it holds any. A
    /// folder specbook did not write is refused.
    Clean {
        /// Project folder, Model Spec folder, or a single markdown file.
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Output folder; default: `[build] build-dir` of book.toml, else `book`.
        #[arg(short, long, value_name = "OUT")]
        output: Option<PathBuf>,
    },
    /// Create a new spec project: book.toml, a starter spec and eval prompts.
    ///
    /// Existing files are never overwritten.
    Init {
        /// Folder to create the project in.
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Also copy the default templates/ and static/ files to customise.
        #[arg(long)]
        theme: bool,
    },
    /// Preview the site in a browser, rebuilt and reloaded on every save.
    ///
    /// Builds the spec into memory (the output folder is never written),
    /// serves it on http://127.0.0.1:3000/ and watches the sources,
    /// templates/, static/ and book.toml. Each save rebuilds only what it
    /// changed; open pages reload themselves and keep their scroll position.
    /// While the spec has errors the last good build stays served and every
    /// open page shows them in an overlay. Stop with Ctrl-C.
    Serve {
        /// Project folder, Model Spec folder, or a single markdown file.
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Port to listen on; when it is taken, the next free one is used.
        #[arg(short, long, default_value_t = 3000)]
        port: u16,
        /// Address to listen on. Anything but loopback makes the preview
        /// reachable from the network.
        #[arg(long, value_name = "ADDR", default_value = "127.0.0.1")]
        bind: IpAddr,
        /// Open the preview in the default browser.
        #[arg(long)]
        open: bool,
    },
    /// Compare two versions of a spec, rule by rule.
    ///
    /// Prints added, removed, renamed and changed rules (title, authority,
    /// parent, text, examples) and eval prompts. Exits 0 whether or not
    /// the versions differ, 2 when one cannot be read.
    Diff {
        /// The older version: a folder (project, Model Spec folder) or a
        /// markdown file; a release named in the project's `[versions]`; or
        /// `git:REV`, a revision of the project's repository.
        old: String,
        /// The newer version, likewise.
        new: String,
        /// The project whose `[versions]` and git repository OLD and NEW
        /// may refer to.
        #[arg(long, value_name = "DIR", default_value = ".")]
        project: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value = "text")]
        format: specbook::cmd::diff::Format,
    },
    /// Print eval results rule by rule: Inspect logs joined with the spec.
    ///
    /// Reads the logs named (files, or folders of `.eval` / `.json` logs),
    /// else the project's `[evals] logs` (default `eval-logs/`). Each
    /// sample counts for the rule of its `metadata.rule_id` (else of the
    /// case specbook exported under its id). A log that cannot be read is
    /// a warning, never a failure.
    Results {
        /// Inspect logs or folders of them.
        logs: Vec<PathBuf>,
        /// The spec the logs evaluated.
        #[arg(long, value_name = "DIR", default_value = ".")]
        project: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value = "text")]
        format: specbook::cmd::results::Format,
    },
    /// Show how the rules are covered: compliant and violating examples,
    /// eval prompts, latest score; rules with gaps first.
    Coverage {
        /// Project folder, Model Spec folder, or a single markdown file.
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value = "text")]
        format: specbook::cmd::results::Format,
    },
    /// A language server for spec authors (LSP over stdio): diagnostics as
    /// you type, go to definition and hover on references and citations.
    Lsp {
        /// The project (default: the workspace root the editor sends).
        dir: Option<PathBuf>,
    },
    /// Translation catalogs keyed by rule (gettext PO).
    #[command(subcommand)]
    I18n(I18nCommand),
    /// Write the parsed spec as spec.json, or its examples as eval data.
    ///
    /// Formats (docs/formats.md): spec-json, the whole spec; inspect, an
    /// Inspect AI dataset and task (`-o DIR`); trl, preference pairs for
    /// TRL; promptfoo, a promptfoo test file. Every eval record carries its
    /// rule (id, title, section path, authority), its example and the
    /// verdict notes.
    Export {
        /// Project folder, Model Spec folder, or a single markdown file.
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// What to write.
        #[arg(long, value_enum, default_value = "spec-json")]
        format: specbook::cmd::export::Format,
        /// Output file (a folder for --format inspect); standard output
        /// when omitted.
        #[arg(short, long, value_name = "PATH")]
        output: Option<PathBuf>,
        /// Only this rule's examples and its sub-rules' (repeatable).
        #[arg(long = "rule", value_name = "ID")]
        rules: Vec<String>,
        /// Only rules under this authority level (their own, else inherited).
        #[arg(long, value_name = "LEVEL")]
        authority: Option<String>,
        /// Only turns with an answer of this verdict: good, bad or ok.
        #[arg(long, value_name = "VERDICT")]
        verdict: Option<String>,
    },
}

#[derive(Subcommand)]
enum I18nCommand {
    /// Write po/messages.pot: one entry per translatable unit (heading
    /// title, prose block, example title, message, verdict note, eval
    /// prompt), its msgctxt the rule id and the unit's place in it, its
    /// msgid the source text as written, with its file:line.
    Extract {
        /// Project folder, Model Spec folder, or a single markdown file.
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Where to write the template (default: DIR's root/po/messages.pot).
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// How far each po/<lang>.po has come: per top-level section, the
    /// share of units translated, stale (the source changed since) and
    /// untranslated, worst first.
    Status {
        /// Project folder, Model Spec folder, or a single markdown file.
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
    /// Extract afresh and merge into every po/<lang>.po as msgmerge would:
    /// a unit whose source changed keeps its translation, marked fuzzy; a
    /// removed unit's translation becomes obsolete (#~); new units are
    /// untranslated. Entries are matched by their context (rule and place).
    Update {
        /// Project folder, Model Spec folder, or a single markdown file.
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Check {
            dir,
            deny_warnings,
            coverage_min,
            format,
        } => specbook::cmd::check::run(&dir, deny_warnings, coverage_min, format),
        Command::Results {
            logs,
            project,
            format,
        } => specbook::cmd::results::run(&logs, &project, format),
        Command::Coverage { dir, format } => specbook::cmd::coverage::run(&dir, format),
        Command::I18n(I18nCommand::Extract { dir, output }) => {
            specbook::cmd::i18n::extract(&dir, output.as_deref())
        }
        Command::I18n(I18nCommand::Update { dir }) => specbook::cmd::i18n::update(&dir),
        Command::I18n(I18nCommand::Status { dir }) => specbook::cmd::i18n::status(&dir),
        Command::Lsp { dir } => {
            keep_freed_memory();
            specbook::lsp::run(dir.as_deref())
        }
        Command::Build {
            dir,
            output,
            force,
            site_url,
            open,
        } => specbook::cmd::build::run(
            &dir,
            &specbook::cmd::build::BuildOptions {
                out: output,
                force,
                site_url,
                open,
            },
        ),
        Command::Clean { dir, output } => specbook::cmd::clean::run(&dir, output.as_deref()),
        Command::Init { dir, theme } => specbook::cmd::init::run(&dir, theme),
        Command::Diff {
            old,
            new,
            format,
            project,
        } => specbook::cmd::diff::run(&old, &new, format, &project),
        Command::Export {
            dir,
            format,
            output,
            rules,
            authority,
            verdict,
        } => specbook::cmd::export::run(
            &dir,
            &specbook::cmd::export::ExportOptions {
                format,
                out: output.as_deref(),
                filter: specbook::evalset::output::FilterArgs {
                    rules,
                    authority,
                    verdict,
                },
            },
        ),
        Command::Serve {
            dir,
            port,
            bind,
            open,
        } => {
            keep_freed_memory();
            specbook::cmd::serve::run(&specbook::serve::ServeOptions {
                dir,
                port,
                bind,
                open,
            })
        }
    };
    match result {
        Ok(code) => ExitCode::from(code as u8),
        Err(err) => {
            eprintln!("error: {err}");
            for cause in err.chain().skip(1) {
                eprintln!("  caused by: {cause}");
            }
            ExitCode::from(2)
        }
    }
}
