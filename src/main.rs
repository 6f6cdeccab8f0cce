//! The `statelint` binary: parses arguments, runs the library, prints, sets the exit status.

mod transfer;

use clap::{CommandFactory, Parser};
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use statelint::baseline::Baseline;
use statelint::check::{self, CheckOptions, Progress};
use statelint::cli::{
    CheckArgs, Cli, Command, ExplainArgs, FixFormat, FixPolicyArgs, InitArgs, ListFormat,
    ProbeArgs, ResolveArgs, RulesArgs, SeverityArg,
};
use statelint::codes;
use statelint::config::{self, LintConfig};
use statelint::env::{Environment, SystemEnv};
use statelint::findings::{sort_findings, Severity};
use statelint::probes;
use statelint::report::progress::BarProgress;
use statelint::report::{self, listing, Format, HumanOptions, RunReport, StoreSummary};
use statelint::resolve::url::Scheme;
use statelint::source::SourceDb;
use statelint::store::diags as store_diags;
use statelint::vfs;
use std::sync::Arc;

/// Exit statuses (ruff/cargo-deny convention).
#[derive(Debug, Clone, Copy)]
pub(crate) enum Status {
    Clean = 0,
    Findings = 1,
    ToolError = 2,
}

fn main() -> ExitCode {
    // `statelint --fix-policy ...` is `statelint fix-policy ...`.
    let args = std::env::args_os().enumerate().map(|(i, a)| {
        if i == 1 && a == "--fix-policy" {
            "fix-policy".into()
        } else {
            a
        }
    });
    let cli = Cli::parse_from(args);
    let env = SystemEnv;
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let result = match cli.command {
        Command::Check(args) => run_check(&args, &env, &mut out),
        Command::Resolve(args) => run_resolve(&args, &env, &mut out),
        Command::Rules(args) => run_rules(&args, &mut out),
        Command::Explain(args) => run_explain(&args, &mut out),
        Command::Init(args) => run_init(&args, &env),
        Command::Probe(args) => run_probe(&args, &env, &mut out),
        Command::FixPolicy(args) => run_fix_policy(&args, &env, &mut out),
        Command::Migrate(args) => transfer::run_migrate(&args, &env, &mut out),
        Command::Export(args) => transfer::run_export(&args, &env, &mut out),
        Command::Import(args) => transfer::run_import(&args, &env, &mut out),
        Command::Completions(args) => {
            clap_complete::generate(args.shell, &mut Cli::command(), "statelint", &mut out);
            Ok(Status::Clean)
        }
        Command::Man => clap_mangen::Man::new(Cli::command())
            .render(&mut out)
            .map(|()| Status::Clean),
    };
    let status = match result.and_then(|s| out.flush().map(|()| s)) {
        Ok(s) => s,
        // `statelint check | head` is not an error.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Status::Clean,
        Err(e) => {
            eprintln!("statelint: error: {e}");
            Status::ToolError
        }
    };
    ExitCode::from(status as u8)
}

/// The fail level (`--fail-on`, else `.statelint.yaml`, else `error`) and the findings after
/// the lint config's severities and suppressions, sorted for every renderer.
fn settle(
    fail_on: Option<SeverityArg>,
    lint_config: &LintConfig,
    findings: Vec<statelint::findings::Finding>,
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
fn render(
    report: &RunReport,
    sources: &SourceDb,
    format: Format,
    output: &statelint::cli::OutputArgs,
    env: &dyn Environment,
    base_dir: Option<PathBuf>,
    out: &mut dyn Write,
) -> io::Result<Status> {
    let options = HumanOptions {
        color: wants_color(output.no_color, env),
        verbose: output.verbose,
        quiet: output.quiet,
        base_dir,
    };
    report::reporter(format, options).render(report, sources, out)?;
    Ok(if report.fails() {
        Status::Findings
    } else {
        Status::Clean
    })
}

fn wants_color(no_color_flag: bool, env: &dyn Environment) -> bool {
    !no_color_flag && env.var("NO_COLOR").is_none_or(|v| v.is_empty()) && io::stdout().is_terminal()
}

fn run_check(args: &CheckArgs, env: &dyn Environment, out: &mut dyn Write) -> io::Result<Status> {
    if let Some(path) = &args.policy {
        return run_policy_lint(args, path, env, out);
    }
    let sources = SourceDb::new();
    let cwd = env.current_dir();
    let (lint_config, mut findings) =
        load_lint_config(args.lint_config.as_deref(), cwd.as_deref(), &sources)?;

    let resolution = args.store.resolve(env, &sources);
    findings.extend(resolution.findings.iter().cloned());
    let store = resolution.store.as_ref().map(|url| StoreSummary {
        url: url.redacted(),
        source: resolution.source_id().unwrap_or("unknown").to_string(),
    });

    let mut checked = Vec::new();
    let mut probe_results = Vec::new();
    if let Some(url) = &resolution.store {
        match vfs::open_with_control(url, env) {
            Ok((backend, s3_store)) => {
                let progress: Option<Arc<dyn Progress>> = (io::stderr().is_terminal()
                    && !args.output.quiet)
                    .then(|| Arc::new(BarProgress::default()) as Arc<dyn Progress>);
                let mut options = CheckOptions {
                    clusters: args.clusters.clone(),
                    jobs: args.jobs,
                    progress,
                    ..CheckOptions::default()
                };
                if let Some(max) = args.max_file_size.or(lint_config.max_file_size) {
                    options.load.max_object_bytes = max;
                }
                let outcome =
                    check::check_store(backend.as_ref(), &options, &sources, cwd.as_deref());
                findings.extend(outcome.findings);
                if url.scheme == Scheme::K8s {
                    findings.extend(vfs::k8s::config_base_findings(
                        backend.as_ref(),
                        env,
                        &sources,
                        &args.clusters,
                        !args.offline,
                    ));
                }
                checked = outcome.clusters;
                if !args.offline {
                    let run = run_probes(
                        &backend,
                        s3_store.as_ref(),
                        &sources,
                        &args.clusters,
                        args.read_only,
                        cwd.as_deref(),
                    );
                    findings.extend(run.findings);
                    probe_results = run.results;
                }
            }
            Err(e) => findings.push(store_diags::store_unreachable(&url.redacted(), &e)),
        }
    }

    let (fail_on, applied) = settle(args.fail_on, &lint_config, findings);
    let mut findings = applied.findings;

    let store_root = resolution
        .store
        .as_ref()
        .map(|u| u.redacted())
        .unwrap_or_default();
    if let Some(path) = &args.write_baseline {
        let baseline = Baseline::record(&findings, &store_root);
        write_file_verified(path, baseline.to_json().as_bytes())?;
        eprintln!(
            "statelint: recorded {} finding(s) in baseline `{}`",
            baseline.entries.len(),
            path.display()
        );
        return Ok(Status::Clean);
    }
    let mut baselined = 0;
    if let Some(path) = &args.baseline {
        let text = std::fs::read_to_string(path).map_err(|e| {
            io::Error::new(
                e.kind(),
                format!("cannot read baseline `{}`: {e}", path.display()),
            )
        })?;
        let baseline = Baseline::parse(&path.display().to_string(), &text)
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e.to_string()))?;
        let (fresh, absorbed) = baseline.filter(findings, &store_root);
        findings = fresh;
        baselined = absorbed;
    }
    let report = RunReport {
        clusters: check::summarize(&checked, &findings, fail_on),
        suppressed: applied.suppressed,
        baselined,
        probes: probe_results,
        ..RunReport::new(store, findings, fail_on)
    };
    render(
        &report,
        &sources,
        args.format,
        &args.output,
        env,
        cwd.clone(),
        out,
    )
}

/// Reads `--lint-config FILE`, else `./.statelint.yaml` when it exists.
fn load_lint_config(
    explicit: Option<&Path>,
    cwd: Option<&Path>,
    sources: &SourceDb,
) -> io::Result<(LintConfig, Vec<statelint::findings::Finding>)> {
    let path: Option<PathBuf> = match explicit {
        Some(p) => Some(p.to_path_buf()),
        None => cwd
            .map(|c| c.join(".statelint.yaml"))
            .filter(|p| p.is_file()),
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

fn run_resolve(
    args: &ResolveArgs,
    env: &dyn Environment,
    out: &mut dyn Write,
) -> io::Result<Status> {
    let sources = SourceDb::new();
    let r = args.store.resolve(env, &sources);
    match args.format {
        ListFormat::Json => listing::resolution_json(&r, out)?,
        ListFormat::Human => {
            listing::resolution_human(&r, out)?;
            if !r.findings.is_empty() {
                writeln!(out)?;
                let report = RunReport::new(None, r.findings.clone(), Severity::Error);
                let options = HumanOptions {
                    color: wants_color(false, env),
                    quiet: true,
                    ..HumanOptions::default()
                };
                report::reporter(Format::Human, options).render(&report, &sources, out)?;
            }
        }
    }
    let failed = r.store.is_none() || r.findings.iter().any(|f| f.severity >= Severity::Error);
    Ok(if failed {
        Status::Findings
    } else {
        Status::Clean
    })
}

fn run_rules(args: &RulesArgs, out: &mut dyn Write) -> io::Result<Status> {
    let all = codes::all();
    match args.format {
        ListFormat::Human => listing::rules_human(&all, out)?,
        ListFormat::Json => listing::rules_json(&all, out)?,
    }
    Ok(Status::Clean)
}

fn run_explain(args: &ExplainArgs, out: &mut dyn Write) -> io::Result<Status> {
    match codes::lookup(&args.code) {
        Some(info) => {
            listing::explain(info, out)?;
            Ok(Status::Clean)
        }
        None => {
            eprintln!(
                "statelint: error: unknown code `{}`; `statelint rules` lists them all",
                args.code
            );
            Ok(Status::ToolError)
        }
    }
}

/// Writes `bytes` to `path` through a temporary file in the same folder, then reads it back
/// before replacing the target, so a failed write never leaves a truncated file.
pub(crate) fn write_file_verified(path: &Path, bytes: &[u8]) -> io::Result<()> {
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

/// `statelint init`: a commented `.statelint.yaml` naming the store's clusters.
fn run_init(args: &InitArgs, env: &dyn Environment) -> io::Result<Status> {
    let path = match (env.current_dir(), args.output.is_absolute()) {
        (Some(cwd), false) => cwd.join(&args.output),
        _ => args.output.clone(),
    };
    if path.exists() && !args.force {
        eprintln!(
            "statelint: error: `{}` already exists; use --force to replace it",
            path.display()
        );
        return Ok(Status::ToolError);
    }
    let sources = SourceDb::new();
    let resolution = args.store.resolve(env, &sources);
    let mut clusters = Vec::new();
    if let Some(url) = &resolution.store {
        if let Ok(backend) = vfs::open(url, env) {
            if let Ok(layout) = statelint::store::discover(backend.as_ref()) {
                clusters = layout.clusters.iter().map(|c| c.name.clone()).collect();
            }
        }
    }
    let text = config::template(resolution.url.as_deref(), &clusters);
    write_file_verified(&path, text.as_bytes())?;
    eprintln!(
        "statelint: wrote `{}` ({} cluster(s) listed)",
        path.display(),
        clusters.len()
    );
    Ok(Status::Clean)
}

/// Runs the permission probes with interrupt cleanup installed.
fn run_probes(
    backend: &Arc<dyn statelint::vfs::Backend>,
    s3_store: Option<&statelint::vfs::s3::S3Store>,
    sources: &SourceDb,
    clusters: &[String],
    read_only: bool,
    cwd: Option<&Path>,
) -> probes::ProbeRun {
    probes::guard::install_interrupt_cleanup(|left| {
        if left > 0 {
            eprintln!("statelint: interrupted; {left} probe object(s) could not be removed");
        }
    });
    let options = probes::ProbeOptions {
        clusters: clusters.to_vec(),
        read_only,
    };
    let mut run = probes::probe(backend, s3_store, &options, cwd);
    // The live bucket policy goes through the same linter as `check --policy`.
    if let (Some((text, owner)), Some(store)) = (run.bucket_policy.take(), s3_store) {
        use statelint::policy::lint::{self as policy_lint, PolicyContext};
        let url = format!("{}?policy", store.settings.bucket_url());
        match statelint::policy::parse::parse(&url, &text, sources) {
            Ok(parsed) => run.findings.extend(policy_lint::lint(&PolicyContext {
                parsed: &parsed,
                owner_account: owner.as_deref(),
            })),
            Err(e) => run.findings.push(e.into_finding()),
        }
    }
    run
}

/// `statelint probe`: the permission probes alone.
fn run_probe(args: &ProbeArgs, env: &dyn Environment, out: &mut dyn Write) -> io::Result<Status> {
    let sources = SourceDb::new();
    let cwd = env.current_dir();
    let resolution = args.store.resolve(env, &sources);
    let mut findings = resolution.findings.clone();
    let mut results = Vec::new();
    if let Some(url) = &resolution.store {
        match vfs::open_with_control(url, env) {
            Ok((backend, s3_store)) => {
                let run = run_probes(
                    &backend,
                    s3_store.as_ref(),
                    &sources,
                    &args.clusters,
                    args.read_only,
                    cwd.as_deref(),
                );
                // How the store was opened (region lookup, configuration) matters here too.
                findings.extend(backend.open_findings());
                findings.extend(run.findings);
                results = run.results;
            }
            Err(e) => findings.push(store_diags::store_unreachable(&url.redacted(), &e)),
        }
    }
    sort_findings(&mut findings);
    let store = resolution.store.as_ref().map(|url| StoreSummary {
        url: url.redacted(),
        source: resolution.source_id().unwrap_or("unknown").to_string(),
    });
    let report = RunReport {
        probes: results,
        ..RunReport::new(store, findings, Severity::Error)
    };
    render(
        &report,
        &sources,
        args.format,
        &args.output,
        env,
        cwd.clone(),
        out,
    )
}

/// mimalloc: the checker allocates many small values from several threads at once, where
/// glibc's allocator took about a quarter of the profile samples (see BENCHMARKS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `statelint fix-policy`: plan (and with `--apply`, write) the bucket-policy fix.
fn run_fix_policy(
    args: &FixPolicyArgs,
    env: &dyn Environment,
    out: &mut dyn Write,
) -> io::Result<Status> {
    use statelint::policy::fix::{self, FixInput};
    use statelint::policy::model::PolicyDocument;
    let fail = |message: String| -> io::Result<Status> {
        eprintln!("statelint: error: {message}");
        Ok(Status::ToolError)
    };

    // The live bucket, unless everything needed is given offline.
    let offline =
        args.policy.is_some() && args.bucket.is_some() && args.principal.is_some() && !args.apply;
    let mut s3_store = None;
    if !offline {
        let sources = SourceDb::new();
        let resolution = args.store.resolve(env, &sources);
        let Some(url) = resolution.store.filter(|u| u.scheme.is_s3_family()) else {
            return fail("without --policy, --bucket and --principal, fix-policy needs an S3 state store (--state s3://...)".into());
        };
        match vfs::open_with_control(&url, env) {
            Ok((_, Some(store))) => s3_store = Some(store),
            Ok((_, None)) => return fail(format!("`{}` is not an S3 store", url.redacted())),
            Err(e) => return fail(e.to_string()),
        }
    }
    let bucket = match (&args.bucket, &s3_store) {
        (Some(b), _) => b.clone(),
        (None, Some(store)) => store.settings.bucket.clone(),
        (None, None) => return fail("--bucket is required".into()),
    };
    let prefix = match (&args.prefix, &s3_store) {
        (Some(p), _) => p.clone(),
        (None, Some(store)) => store.settings.prefix.clone(),
        (None, None) => String::new(),
    };
    let principal = match (&args.principal, &s3_store) {
        (Some(p), _) => p.clone(),
        (None, Some(store)) => match store.caller_arn() {
            // A role session is granted as its role.
            Ok(arn) => statelint::policy::arn::session_to_role_arn(&arn).unwrap_or(arn),
            Err(e) => {
                return fail(format!(
                    "--principal not given and the caller is unknown: {e}"
                ))
            }
        },
        (None, None) => return fail("--principal is required".into()),
    };
    let current_text = match (&args.policy, &s3_store) {
        (Some(path), _) if path.as_os_str() == "-" => {
            let mut text = String::new();
            io::Read::read_to_string(&mut io::stdin(), &mut text)?;
            Some(text)
        }
        (Some(path), _) => Some(std::fs::read_to_string(path).map_err(|e| {
            io::Error::new(
                e.kind(),
                format!("cannot read policy `{}`: {e}", path.display()),
            )
        })?),
        (None, Some(store)) => match store.bucket_policy() {
            Ok(text) => text,
            Err(e) => return fail(format!("cannot read the bucket policy: {e}")),
        },
        (None, None) => None,
    };
    let current: Option<PolicyDocument> = match &current_text {
        Some(text) => {
            let sources = SourceDb::new();
            let name = args
                .policy
                .as_ref()
                .map(|p| p.display().to_string())
                .unwrap_or_else(|| format!("s3://{bucket} (bucket policy)"));
            match statelint::policy::parse::parse(&name, text, &sources) {
                Ok(parsed) => Some(parsed.policy),
                Err(e) => {
                    let finding = e.into_finding();
                    let report = RunReport::new(None, vec![finding], Severity::Error);
                    report::reporter(Format::Human, HumanOptions::default())
                        .render(&report, &sources, out)?;
                    return Ok(Status::ToolError);
                }
            }
        }
        None => None,
    };
    let plan = match fix::plan(&FixInput {
        existing: current.as_ref(),
        template: args.template,
        principal: &principal,
        bucket: &bucket,
        prefix: &prefix,
    }) {
        Ok(plan) => plan,
        Err(e) => return fail(e.to_string()),
    };
    let old_json = current
        .as_ref()
        .map(|p| p.to_json_pretty())
        .unwrap_or_default();
    let new_json = plan.policy.to_json_pretty();
    let diff = fix::diff(&old_json, &new_json);
    match args.format {
        FixFormat::Json => {
            let value = serde_json::json!({
                "bucket": bucket,
                "principal": principal,
                "template": format!("{:?}", args.template),
                "changed": plan.changed(),
                "policy": plan.policy,
                "added": plan.added,
                "missing": plan.missing.iter().map(|(a, r)| serde_json::json!({"action": a, "resource": r})).collect::<Vec<_>>(),
                "blocked": plan.blocked.iter().map(|b| serde_json::json!({"action": b.action, "resource": b.resource, "denied_by": b.by.to_string()})).collect::<Vec<_>>(),
                "diff": diff,
                "command": fix::apply_command(&bucket),
            });
            serde_json::to_writer_pretty(&mut *out, &value)?;
            writeln!(out)?;
        }
        FixFormat::Terraform => {
            write!(out, "{}", fix::terraform(&plan.policy, "kops_state_bucket"))?
        }
        FixFormat::Human => {
            if plan.changed() {
                writeln!(
                    out,
                    "bucket policy of `{bucket}`: grants to add for `{principal}`\n"
                )?;
                write!(out, "{diff}")?;
                writeln!(out, "\nthe complete policy:\n{new_json}\n")?;
                writeln!(out, "apply it with:\n  {}", fix::apply_command(&bucket))?;
            } else {
                writeln!(out, "bucket policy of `{bucket}` already grants `{principal}` what the template needs; nothing to change")?;
            }
            for b in &plan.blocked {
                writeln!(
                    out,
                    "note: `{}` on `{}` stays denied by {}; remove that Deny if it is unintended",
                    b.action, b.resource, b.by
                )?;
            }
        }
    }
    if args.apply && plan.changed() {
        let Some(store) = &s3_store else {
            return fail("--apply needs the live bucket (an S3 --state)".into());
        };
        if !args.yes {
            if !io::stdin().is_terminal() {
                return fail("--apply without --yes needs a terminal to confirm; add --yes".into());
            }
            eprint!("write this policy to `{bucket}`? [y/N] ");
            let mut answer = String::new();
            io::stdin().read_line(&mut answer)?;
            if !matches!(answer.trim(), "y" | "Y" | "yes") {
                eprintln!("statelint: not applied");
                return Ok(Status::Clean);
            }
        }
        let stamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        let backup = env
            .current_dir()
            .unwrap_or_default()
            .join(format!("statelint-policy-backup-{bucket}-{stamp}.json"));
        write_file_verified(
            &backup,
            current_text.unwrap_or_else(|| "{}".into()).as_bytes(),
        )?;
        if let Err(e) = store.put_bucket_policy(&new_json) {
            return fail(format!(
                "the policy was not applied: {e} (the old policy is saved in `{}`)",
                backup.display()
            ));
        }
        eprintln!(
            "statelint: applied; the previous policy is saved in `{}`",
            backup.display()
        );
    }
    Ok(if plan.blocked.is_empty() {
        Status::Clean
    } else {
        Status::Findings
    })
}

/// `statelint check --policy FILE`: the bucket-policy rules on a policy kept in a file.
fn run_policy_lint(
    args: &CheckArgs,
    path: &Path,
    env: &dyn Environment,
    out: &mut dyn Write,
) -> io::Result<Status> {
    use statelint::policy::lint::{self as policy_lint, PolicyContext};
    let sources = SourceDb::new();
    let cwd = env.current_dir();
    let (lint_config, mut findings) =
        load_lint_config(args.lint_config.as_deref(), cwd.as_deref(), &sources)?;
    let text = std::fs::read_to_string(path).map_err(|e| {
        io::Error::new(
            e.kind(),
            format!("cannot read policy `{}`: {e}", path.display()),
        )
    })?;
    let url = match std::path::absolute(path) {
        Ok(abs) => format!("file://{}", abs.display()),
        Err(_) => path.display().to_string(),
    };
    match statelint::policy::parse::parse(&url, &text, &sources) {
        Ok(parsed) => {
            let cx = PolicyContext {
                parsed: &parsed,
                owner_account: args.bucket_owner.as_deref(),
            };
            findings.extend(policy_lint::lint(&cx));
        }
        Err(e) => findings.push(e.into_finding()),
    }
    let (fail_on, applied) = settle(args.fail_on, &lint_config, findings);
    let findings = applied.findings;
    let report = RunReport {
        suppressed: applied.suppressed,
        ..RunReport::new(None, findings, fail_on)
    };
    render(&report, &sources, args.format, &args.output, env, cwd, out)
}
