//! One module per subcommand (the way ruff keeps `commands/`): each handler reads its
//! arguments, runs the library, prints through `report`, and returns the exit [`Status`].
//! `main.rs` only parses and dispatches; the shared steps of the handlers live here.

mod access;
mod check;
mod check_files;
mod check_policy;
mod explain;
mod export;
mod fix_policy;
mod import;
mod init;
mod man;
mod migrate;
mod probe;
mod resolve;
mod rules;
pub mod status;
pub mod stdout;
mod transfer;

pub use status::Status;

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};

use crate::cli::{Cli, Command, SeverityArg};
use crate::config::{self, LintConfig};
use crate::env::Environment;
use crate::findings::{sort_findings, Severity};
use crate::report::{self, Format, HumanOptions, RunReport};
use crate::source::SourceDb;
use clap::CommandFactory;

/// Says why statelint could not do its job, on stderr, and returns [`Status::ToolError`].
pub(crate) fn fail(message: impl std::fmt::Display) -> io::Result<Status> {
    eprintln!("statelint: error: {message}");
    Ok(Status::ToolError)
}

/// Runs one subcommand; what it prints goes to `out`.
pub fn dispatch(
    command: Command,
    env: &dyn Environment,
    out: &mut dyn Write,
) -> io::Result<Status> {
    match command {
        Command::Check(args) if args.policy.is_some() => check_policy::run(&args, env, out),
        Command::Check(args) if !args.inputs.is_empty() => check_files::run(&args, env, out),
        Command::Check(args) => check::run(&args, env, out),
        Command::Access(args) => access::run(&args, env, out),
        Command::Resolve(args) => resolve::run(&args, env, out),
        Command::Rules(args) => rules::run(&args, out),
        Command::Explain(args) => explain::run(&args, out),
        Command::Init(args) => init::run(&args, env),
        Command::Probe(args) => probe::run(&args, env, out),
        Command::FixPolicy(args) => fix_policy::run(&args, env, out),
        Command::Migrate(args) => migrate::run(&args, env, out),
        Command::Export(args) => export::run(&args, env, out),
        Command::Import(args) => import::run(&args, env, out),
        Command::Completions(args) => {
            let mut out = out;
            clap_complete::generate(args.shell, &mut Cli::command(), "statelint", &mut out);
            Ok(Status::Clean)
        }
        Command::Man(args) => man::run(&args, out),
    }
}

/// The fail level (`--fail-on`, else `.statelint.yaml`, else `error`) and the findings after
/// the lint config's severities and suppressions, sorted for every renderer.
pub fn settle(
    fail_on: Option<SeverityArg>,
    lint_config: &LintConfig,
    findings: Vec<crate::findings::Finding>,
) -> (Severity, config::Applied) {
    let fail_on = fail_on
        .map(Severity::from)
        .or(lint_config.fail_on)
        .unwrap_or(Severity::Error);
    let mut applied = config::apply(lint_config, findings, config::today_utc());
    sort_findings(&mut applied.findings);
    (fail_on, applied)
}

/// Renders a run report in `format` and turns it into the exit status.
pub fn render(
    report: &RunReport,
    sources: &SourceDb,
    format: Format,
    output: &crate::cli::OutputArgs,
    env: &dyn Environment,
    base_dir: Option<PathBuf>,
    out: &mut dyn Write,
) -> io::Result<Status> {
    let options = HumanOptions {
        color: wants_color(output.no_color, env),
        verbose: output.verbose,
        quiet: output.quiet,
        width: terminal_width(env),
        base_dir,
    };
    if output.statistics {
        let rows = report::statistics::count(report);
        match format {
            Format::Json => report::statistics::render_json(&rows, out)?,
            _ => report::statistics::render_text(&rows, out)?,
        }
    } else {
        report::reporter(format, options).render(report, sources, out)?;
    }
    Ok(status::of_findings(&report.findings, report.fail_on))
}

/// The columns the human format wraps to: `COLUMNS` when it is a number (at least
/// [`report::wrap::MIN_WIDTH`]), else the width of the terminal on stdout, else none (a file
/// or a pipe gets [`report::wrap::DEFAULT_WIDTH`]).
pub fn terminal_width(env: &dyn Environment) -> Option<usize> {
    if let Some(columns) = env
        .var("COLUMNS")
        .and_then(|c| c.trim().parse::<usize>().ok())
    {
        return Some(columns.max(report::wrap::MIN_WIDTH));
    }
    let stdout = io::stdout();
    if !stdout.is_terminal() {
        return None;
    }
    terminal_size::terminal_size_of(&stdout)
        .map(|(width, _)| usize::from(width.0).max(report::wrap::MIN_WIDTH))
}

pub fn wants_color(no_color_flag: bool, env: &dyn Environment) -> bool {
    !no_color_flag && env.var("NO_COLOR").is_none_or(|v| v.is_empty()) && io::stdout().is_terminal()
}

/// Reads `--lint-config FILE`, else `./.statelint.yaml` when it exists.
pub fn load_lint_config(
    explicit: Option<&Path>,
    cwd: Option<&Path>,
    sources: &SourceDb,
) -> io::Result<(LintConfig, Vec<crate::findings::Finding>)> {
    let path: Option<PathBuf> = match explicit {
        Some(p) => Some(p.to_path_buf()),
        None => cwd.and_then(config::discover),
    };
    let Some(path) = path else {
        return Ok((LintConfig::default(), Vec::new()));
    };
    let text = std::fs::read_to_string(&path).map_err(|e| {
        io::Error::new(
            e.kind(),
            format!("cannot read lint config `{}`: {e}", path.display()),
        )
    })?;
    let url = format!("file://{}", path.display());
    Ok(config::parse(&url, &text, sources))
}

/// Writes `bytes` to `path` through a temporary file in the same folder, then reads it back
/// before replacing the target, so a failed write never leaves a truncated file.
pub fn write_file_verified(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let context =
        |e: io::Error| io::Error::new(e.kind(), format!("cannot write `{}`: {e}", path.display()));
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "baseline".into());
    let tmp = path.with_file_name(format!(".{file_name}.statelint-tmp"));
    std::fs::write(&tmp, bytes).map_err(context)?;
    let back = std::fs::read(&tmp).map_err(context)?;
    if back != bytes {
        let _ = std::fs::remove_file(&tmp);
        return Err(context(io::Error::other("content read back differs")));
    }
    std::fs::rename(&tmp, path).map_err(context)
}
