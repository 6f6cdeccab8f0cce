//! Command-line definitions (clap derive). Behaviour lives in the library; `main.rs` wires
//! these arguments to it.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

use crate::findings::Severity;
use crate::report::Format;

#[derive(Debug, Parser)]
#[command(
    name = "statelint",
    version,
    about = "Pre-flight checks for kops state stores: resolve, read, validate and report",
    long_about = "statelint finds the kops state store the way kops does, reads every cluster in it, \
validates each Cluster and InstanceGroup against JSON Schemas and semantic rules, and reports \
findings for people and for CI.",
    after_help = "Examples:\n  statelint check --state file://examples/store\n  statelint resolve\n  statelint explain SL101"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Validate every cluster of the state store and report findings.
    #[command(
        after_help = "Examples:\n  statelint check --state s3://bucket/kops\n  statelint check --state file://examples/store --format sarif > statelint.sarif\n  statelint check --cluster prod.example.com --fail-on warning\n\nExit status: 0 clean, 1 findings at or above --fail-on, 2 tool error."
    )]
    Check(CheckArgs),
    /// Probe what the current identity can really do on the store (list, read, write, delete).
    #[command(
        after_help = "Examples:\n  statelint probe --state s3://bucket/kops\n  statelint probe --cluster prod.example.com --read-only --format json\n\nWrites touch only a throw-away `<cluster>/.statelint-probe-<random>` object, removed afterwards\n(also on errors and Ctrl-C). Exit status: 0 all needed permissions present, 1 some missing, 2 tool error."
    )]
    Probe(ProbeArgs),
    /// Show which state store kops would use, and why every other source lost.
    #[command(
        after_help = "Examples:\n  statelint resolve\n  KOPS_STATE_STORE=s3://b/p statelint resolve --format json"
    )]
    Resolve(ResolveArgs),
    /// List every rule and diagnostic code.
    #[command(after_help = "Examples:\n  statelint rules\n  statelint rules --format json")]
    Rules(RulesArgs),
    /// Write a commented `.statelint.yaml` for the current store.
    #[command(
        after_help = "Examples:\n  statelint init\n  statelint init --state s3://bucket/kops --output ci/statelint.yaml"
    )]
    Init(InitArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    #[command(
        after_help = "Examples:\n  statelint completions bash > /etc/bash_completion.d/statelint\n  statelint completions zsh > \"${fpath[1]}/_statelint\""
    )]
    Completions(CompletionsArgs),
    /// Print the man page (roff) generated from these definitions.
    #[command(after_help = "Examples:\n  statelint man > statelint.1 && man ./statelint.1")]
    Man,
    /// Print the documentation of one code.
    #[command(
        after_help = "Examples:\n  statelint explain SL101\n  statelint explain config-base-mismatch"
    )]
    Explain(ExplainArgs),
}

/// Where the store comes from (kops's own flags).
#[derive(Debug, Args, Clone, Default)]
pub struct StoreArgs {
    /// State store URL (wins over KOPS_STATE_STORE and config files), e.g. s3://bucket/prefix.
    #[arg(long, value_name = "URL")]
    pub state: Option<String>,
    /// kops config file to read instead of $HOME/.kops.yaml and $HOME/.kops/config.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

/// Output options shared by reporting commands.
#[derive(Debug, Args, Clone, Default)]
pub struct OutputArgs {
    /// Never colour output (NO_COLOR is also honoured).
    #[arg(long)]
    pub no_color: bool,
    /// Only findings at or above --fail-on, and a one-line summary.
    #[arg(long, short)]
    pub quiet: bool,
    /// More detail (e.g. every candidate, every cluster).
    #[arg(long, short)]
    pub verbose: bool,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// Check only this cluster (repeatable).
    #[arg(long = "cluster", visible_alias = "name", value_name = "NAME")]
    pub clusters: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Lowest severity that makes the run fail (exit 1). Default: error, or `fail-on` in .statelint.yaml.
    #[arg(long, value_enum)]
    pub fail_on: Option<SeverityArg>,
    /// statelint's own config file (default: ./.statelint.yaml when present).
    #[arg(long, value_name = "FILE")]
    pub lint_config: Option<PathBuf>,
    /// Largest object read, in bytes (default 4 MiB).
    #[arg(long, value_name = "BYTES")]
    pub max_file_size: Option<u64>,
    /// Fail only on findings not recorded in this baseline file (see --write-baseline).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Record the current findings as the accepted baseline and exit 0.
    #[arg(long, value_name = "FILE", conflicts_with = "baseline")]
    pub write_baseline: Option<PathBuf>,
    /// Do not probe permissions (no requests beyond reading the store).
    #[arg(long)]
    pub offline: bool,
    /// Probe reads only: never write the throw-away probe object.
    #[arg(long)]
    pub read_only: bool,
    /// Worker threads for reading and checking clusters (default: one per core).
    #[arg(long, short, value_name = "N")]
    pub jobs: Option<usize>,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Args)]
pub struct ProbeArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// Probe only this cluster (repeatable).
    #[arg(long = "cluster", visible_alias = "name", value_name = "NAME")]
    pub clusters: Vec<String>,
    /// Never write the throw-away probe object.
    #[arg(long)]
    pub read_only: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Args)]
pub struct ResolveArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Human)]
    pub format: ListFormat,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Human)]
    pub format: ListFormat,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// A code (SL101) or name (config-base-mismatch).
    pub code: String,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// Where to write the file.
    #[arg(long, short, value_name = "FILE", default_value = ".statelint.yaml")]
    pub output: PathBuf,
    /// Replace an existing file.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to generate for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// Formats of the listing commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Human,
    Json,
}

/// `--fail-on` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SeverityArg {
    Note,
    Warning,
    Error,
    Critical,
}

impl From<SeverityArg> for Severity {
    fn from(s: SeverityArg) -> Severity {
        match s {
            SeverityArg::Note => Severity::Note,
            SeverityArg::Warning => Severity::Warning,
            SeverityArg::Error => Severity::Error,
            SeverityArg::Critical => Severity::Critical,
        }
    }
}
