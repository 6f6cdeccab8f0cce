//! Command-line definitions (clap derive). Behaviour lives in the library; `main.rs` wires
//! these arguments to it.

pub mod usage_error;

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

use crate::findings::Severity;
use crate::report::Format;

/// `statelint --version`: the build's commit and where the kops knowledge comes from.
pub const LONG_VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (commit ",
    env!("STATELINT_COMMIT"),
    ")\nkops schemas and rules: kubernetes/kops@268927e2 (kops.k8s.io/v1alpha2, v1.37.0-alpha.1 line; newest release v1.36.2)"
);

#[derive(Debug, Parser)]
#[command(
    name = "statelint",
    version,
    long_version = LONG_VERSION,
    about = "Pre-flight checks for kops state stores: resolve, read, validate and report",
    long_about = "statelint finds the kops state store the way kops does, reads every cluster in it, \
validates each Cluster and InstanceGroup against JSON Schemas and semantic rules, and reports \
findings for people and for CI.",
    after_help = concat!("Examples:\n  statelint check --state file://examples/store\n  statelint resolve\n  statelint explain SL101\n\n", crate::exit_table!())
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Validate every cluster of the state store and report findings (never writes).
    #[command(
        long_about = "Validate every cluster of the state store and report findings.\n\n`check` never writes to the store: besides reading the clusters it runs only the read-only \
permission probes (list, read, the bucket-level reads), or none with --offline. The write, read-back and \
delete probes run only in `statelint probe`, or here with --write-probes.",
        after_help = concat!("Examples:\n  statelint check --state s3://bucket/kops\n  statelint check --state file://examples/store --format sarif > statelint.sarif\n  statelint check --cluster prod.example.com --fail-on warning\n  statelint check --state s3://bucket/kops --write-probes\n\n", crate::exit_table!())
    )]
    Check(CheckArgs),
    /// Probe what the current identity can really do on the store (list, read, write, delete).
    #[command(
        after_help = "Examples:\n  statelint probe --state s3://bucket/kops\n  statelint probe --cluster prod.example.com --read-only --format json\n  statelint probe --state s3://state-a/kops --bucket-owner 111111111111 --identity-policy ci-policy.json\n  S3_ENDPOINT=http://rgw:7480 statelint probe --state s3://state-a --caller arn:aws:iam:::user/ci\n\nAfter a denial the probe says who owns the bucket, which side (your IAM policy, the bucket policy)\nlacks the grant as far as it could read them, and the next steps for you and for the owner.\nWrites touch only a throw-away `<cluster>/.statelint-probe-<random>` object, removed afterwards\n(also on errors and Ctrl-C). Exit status: 0 all needed permissions present, 1 some missing, 2 tool error."
    )]
    Probe(ProbeArgs),
    /// Print the smallest bucket-policy change that grants a principal what kops needs.
    #[command(
        after_help = "Examples:\n  statelint fix-policy --policy policy.json --principal ARN --bucket b --output fixed.json\n  statelint fix-policy --policy policy.json --principal ARN --bucket b --format json\n  statelint fix-policy --policy policy.json --principal ARN --bucket b --format terraform\n  statelint fix-policy --state s3://kops-state/kops --principal ARN --apply\n\nARN is the IAM user or role to grant, e.g. arn:aws:iam::222222222222:role/ci. Without --policy\nand --bucket it reads the live policy of the resolved store's bucket, and without --principal it\ngrants the caller (STS). The fixed policy is evaluated before it is shown: it grants what was\nmissing to that principal only. --output FILE saves it (never over the --policy file), and the\nprinted `aws s3api put-bucket-policy` command uploads that file. --apply writes it (asking first\nunless --yes), keeping a backup of the old policy."
    )]
    FixPolicy(FixPolicyArgs),
    /// Who can reach the store: every principal's capabilities, a lockout check, a diff.
    #[command(
        after_help = "Examples:\n  statelint access --policy bucket-policy.json --bucket kops-state --prefix kops\n  statelint access --policy new.json --keep arn:aws:iam::111111111111:role/admin=owner --keep arn:aws:iam::222222222222:role/nodes=node-readonly\n  statelint access --policy old.json --against new.json --format json\n  statelint access --state s3://kops-state/kops\n\nCapabilities: list, read-spec, read-secrets (pki/private/, secrets/), write, delete, manage-policy\n(PutBucketPolicy, DeleteBucketPolicy, PutBucketPublicAccessBlock), each allow, deny or depends\n(on a condition that cannot be decided offline). Principals without --identity-policy are assumed to\nbe allowed by their own account, so the map shows what the bucket policy lets through.\n\nExit status: 0 clean, 1 findings at or above --fail-on (public or cross-account access, grants\nwider than a role, a kept principal locked out), 2 statelint could not do its job."
    )]
    Access(AccessArgs),
    /// Copy clusters to another store and point their configBase at it, verified.
    #[command(
        after_help = "Examples:\n  statelint migrate --from s3://old-state --to s3://new-state --dry-run\n  statelint migrate --from s3://old-state --to s3://new-state --cluster prod.example.com --yes\n\nThe source is never changed. Objects already identical at the destination are skipped (a second\nrun copies nothing; an interrupted run resumes); a destination cluster with different content is\nleft alone unless --force. Each cluster's config is written last, and every copy is verified by\nSHA-256. The destination is then checked, and the remaining kops steps are printed."
    )]
    Migrate(MigrateArgs),
    /// Write the store as plain files plus a manifest of hashes (for version control).
    #[command(
        after_help = "Examples:\n  statelint export --state s3://kops-state/kops --to ./state\n  statelint import --from ./state --to s3://kops-state/kops --yes"
    )]
    Export(ExportArgs),
    /// Copy an exported folder (verified against its manifest) into a store.
    #[command(
        after_help = "Examples:\n  statelint import --from ./state --to s3://kops-state/kops --yes"
    )]
    Import(ImportArgs),
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
    /// Print a man page (roff): statelint(1), or statelint-<command>(1) for one command.
    #[command(
        after_help = "Examples:\n  statelint man > statelint.1 && man ./statelint.1\n  statelint man check | man -l -\n  statelint man --out-dir /usr/local/share/man/man1"
    )]
    Man(ManArgs),
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

impl StoreArgs {
    /// Resolves the store from these flags and the environment, the way kops does, with the
    /// `state:` of the nearest `.statelint.yaml` (if any) between `KOPS_STATE_STORE` and the
    /// kops config files.
    pub fn resolve(
        &self,
        env: &dyn crate::env::Environment,
        sources: &crate::source::SourceDb,
    ) -> crate::resolve::Resolution {
        let discovered = env
            .current_dir()
            .and_then(|cwd| crate::config::discover(&cwd))
            .and_then(|path| {
                let text = std::fs::read_to_string(&path).ok()?;
                let url = format!("file://{}", path.display());
                crate::config::parse(&url, &text, sources).0.state
            });
        self.resolve_with(env, sources, discovered.as_ref())
    }

    /// Like [`StoreArgs::resolve`], for a command that has already loaded its lint config.
    pub fn resolve_with(
        &self,
        env: &dyn crate::env::Environment,
        sources: &crate::source::SourceDb,
        lint_state: Option<&crate::config::StateSetting>,
    ) -> crate::resolve::Resolution {
        crate::resolve::resolve(
            &crate::resolve::ResolveInput {
                flag: self.state.as_deref(),
                config_file: self.config.as_deref(),
                lint_state,
            },
            env,
            sources,
        )
    }
}

/// Output options shared by reporting commands.
#[derive(Debug, Args, Clone, Default)]
pub struct OutputArgs {
    /// Never colour output (NO_COLOR is also honoured).
    #[arg(long)]
    pub no_color: bool,
    /// Only the findings at or above --fail-on: no header, probe table or summary.
    #[arg(long, short)]
    pub quiet: bool,
    /// More detail (e.g. every candidate, every cluster).
    #[arg(long, short)]
    pub verbose: bool,
    /// Print how many findings of each code instead of the findings (JSON with --format json).
    #[arg(long)]
    pub statistics: bool,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// kops manifests to check instead of a store: YAML files, folders of them, or `-` for
    /// standard input (e.g. `kops get --full -o yaml | statelint check -`). With `--state`,
    /// each cluster is also compared with the same cluster in that store, as kops compares
    /// them before it writes an update.
    #[arg(value_name = "PATH", conflicts_with = "policy")]
    pub inputs: Vec<PathBuf>,
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
    /// statelint's own config file (default: the nearest .statelint.yaml in this folder or a parent).
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
    /// Lint this bucket-policy file (JSON) offline instead of checking a store.
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,
    /// The account that owns the bucket, for the cross-account checks of --policy.
    #[arg(long, value_name = "ACCOUNT", requires = "policy")]
    pub bucket_owner: Option<String>,
    /// Do not probe permissions (no requests beyond reading the store).
    #[arg(long, conflicts_with = "write_probes")]
    pub offline: bool,
    /// Also run the write, read-back and delete probes on a throw-away
    /// `<cluster>/.statelint-probe-<random>` object (by default `check` only reads).
    #[arg(long)]
    pub write_probes: bool,
    /// Accepted for older scripts: `check` probes read-only unless --write-probes.
    #[arg(long, hide = true, conflicts_with = "write_probes")]
    pub read_only: bool,
    /// Worker threads for parsing and checking clusters (default: one per core).
    #[arg(long, short, value_name = "N")]
    pub jobs: Option<usize>,
    /// Judge clusters by this kops release (default: each cluster's kops-version.txt, else
    /// the newest release statelint knows); a store written by a newer kops is a finding.
    #[arg(long, value_name = "X.Y.Z", value_parser = parse_kops_version)]
    pub kops_version: Option<crate::rules::kops::version::KopsVersion>,
    #[command(flatten)]
    pub requests: RequestArgs,
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
    /// The caller's IAM ARN, for providers without STS GetCallerIdentity (e.g. Ceph RGW).
    #[arg(long, value_name = "ARN")]
    pub caller: Option<String>,
    /// The account that owns the bucket, when you know it (else the probe finds out or says it cannot).
    #[arg(long, value_name = "ACCOUNT")]
    pub bucket_owner: Option<String>,
    /// The caller's identity policy (JSON), when IAM cannot be read (repeatable).
    #[arg(long = "identity-policy", value_name = "FILE")]
    pub identity_policies: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    #[command(flatten)]
    pub requests: RequestArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Args)]
pub struct FixPolicyArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// The current bucket policy, from a file (offline); `-` reads standard input.
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,
    /// IAM user or role ARN to grant (default: the caller, from STS).
    #[arg(long, value_name = "ARN")]
    pub principal: Option<String>,
    /// Bucket name (default: the resolved store's bucket).
    #[arg(long, value_name = "NAME")]
    pub bucket: Option<String>,
    /// Store prefix inside the bucket (default: the resolved store's prefix, else none).
    #[arg(long, value_name = "PREFIX")]
    pub prefix: Option<String>,
    /// Which grants: operator (kops users), node-readonly, ci-preflight (statelint in CI).
    #[arg(long, value_enum, default_value_t = crate::policy::fix::Template::Operator)]
    pub template: crate::policy::fix::Template,
    /// Output format.
    #[arg(long, value_enum, default_value_t = FixFormat::Human)]
    pub format: FixFormat,
    /// Write the fixed policy (JSON) to FILE, atomically; the printed `aws s3api` command
    /// uploads that file. It is never the --policy file: the input stays for review.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Write the fixed policy to the bucket (keeps a backup of the old one).
    #[arg(long)]
    pub apply: bool,
    /// Do not ask before --apply.
    #[arg(long, short)]
    pub yes: bool,
}

/// `statelint access`.
#[derive(Debug, Args)]
pub struct AccessArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// The bucket policy to map, from a file (offline); `-` reads standard input. Default: the
    /// live policy of the resolved S3 store.
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,
    /// A proposed policy to compare with --policy (or the live one): who gains or loses what,
    /// and whom it would lock out.
    #[arg(long, value_name = "FILE")]
    pub against: Option<PathBuf>,
    /// Bucket name (default: the resolved store's bucket, else the policy's only bucket).
    #[arg(long, value_name = "NAME")]
    pub bucket: Option<String>,
    /// Store prefix inside the bucket (default: the resolved store's prefix, else none).
    #[arg(long, value_name = "PREFIX")]
    pub prefix: Option<String>,
    /// A cluster whose keys stand for the store (repeatable; default: a placeholder name).
    #[arg(long = "cluster", visible_alias = "name", value_name = "NAME")]
    pub clusters: Vec<String>,
    /// The account that owns the bucket: tells which principals are of other accounts.
    #[arg(long, value_name = "ACCOUNT")]
    pub bucket_owner: Option<String>,
    /// A principal's identity policy (JSON), as PRINCIPAL=FILE (repeatable); without one a
    /// principal is assumed to be allowed by its own account.
    #[arg(long = "identity-policy", value_name = "PRINCIPAL=FILE")]
    pub identity_policies: Vec<String>,
    /// A principal that must keep access, as ARN or ARN=ROLE (operator, node-readonly,
    /// ci-preflight, owner; default: the one its Sids suggest, else operator). Repeatable.
    #[arg(long, value_name = "ARN[=ROLE]")]
    pub keep: Vec<String>,
    /// The caller's ARN, kept able to change the policy (default with a live store: from STS).
    #[arg(long, value_name = "ARN")]
    pub caller: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Lowest severity that makes the run fail (exit 1). Default: error, or `fail-on` in .statelint.yaml.
    #[arg(long, value_enum)]
    pub fail_on: Option<SeverityArg>,
    /// statelint's own config file (default: the nearest .statelint.yaml in this folder or a parent).
    #[arg(long, value_name = "FILE")]
    pub lint_config: Option<PathBuf>,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Formats of `fix-policy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FixFormat {
    /// The diff, the new policy and the command that applies it.
    Human,
    /// `{"policy": ..., "added": ..., "diff": ..., "command": ...}`.
    Json,
    /// A Terraform `aws_iam_policy_document` data source.
    Terraform,
}

#[derive(Debug, Args)]
pub struct MigrateArgs {
    /// The store to copy from (only read).
    #[arg(long, value_name = "URL")]
    pub from: String,
    /// The store to copy to.
    #[arg(long, value_name = "URL")]
    pub to: String,
    /// Copy only this cluster (repeatable).
    #[arg(long = "cluster", visible_alias = "name", value_name = "NAME")]
    pub clusters: Vec<String>,
    /// Show the plan; write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Do not ask for confirmation.
    #[arg(long, short)]
    pub yes: bool,
    /// Overwrite destination objects whose content differs.
    #[arg(long)]
    pub force: bool,
    /// Worker threads for hashing and checking the destination (default: one per core).
    #[arg(long, short, value_name = "N")]
    pub jobs: Option<usize>,
    #[command(flatten)]
    pub requests: RequestArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Human)]
    pub format: ListFormat,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// The folder to write (created if needed).
    #[arg(long, value_name = "DIR")]
    pub to: PathBuf,
    /// Export only this cluster (repeatable).
    #[arg(long = "cluster", visible_alias = "name", value_name = "NAME")]
    pub clusters: Vec<String>,
    /// Overwrite files whose content differs.
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub requests: RequestArgs,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// A folder written by `statelint export`.
    #[arg(long, value_name = "DIR")]
    pub from: PathBuf,
    /// The store to copy into.
    #[arg(long, value_name = "URL")]
    pub to: String,
    /// Do not ask for confirmation.
    #[arg(long, short)]
    pub yes: bool,
    /// Overwrite destination objects whose content differs.
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub requests: RequestArgs,
}

/// How many requests to a remote store may be in flight at once.
#[derive(Debug, Clone, Copy, Args)]
pub struct RequestArgs {
    /// Requests to the store in flight at once (1-1024, default 64); lowered on its own
    /// when the store throttles.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub max_requests: Option<u16>,
}

impl RequestArgs {
    /// The bound, or `None` for the default.
    pub fn given(&self) -> Option<usize> {
        self.max_requests.map(usize::from)
    }

    /// The bound to use.
    pub fn get(&self) -> usize {
        self.given()
            .unwrap_or(crate::vfs::schedule::DEFAULT_MAX_REQUESTS)
    }
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
    /// Output format (`markdown` is the table in `docs/codes/README.md`).
    #[arg(long, value_enum, default_value_t = RulesFormat::Human)]
    pub format: RulesFormat,
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
pub struct ManArgs {
    /// The command whose page to print (e.g. `check`); without it, statelint(1).
    #[arg(value_name = "COMMAND", conflicts_with = "out_dir")]
    pub command: Option<String>,
    /// Write every page (statelint.1 and statelint-<command>.1) into this folder instead.
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
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

/// Formats of `statelint rules`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    Human,
    Json,
    Markdown,
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

/// `--kops-version`: `1.36.2`, `v1.37.0-alpha.1` or `1.36`.
fn parse_kops_version(text: &str) -> Result<crate::rules::kops::version::KopsVersion, String> {
    crate::rules::kops::version::KopsVersion::parse(text)
        .ok_or_else(|| format!("`{text}` is not a kops release such as `1.36.2`"))
}
