//! `statelint fix-policy` (also `statelint --fix-policy`): plan, and with `--apply` write,
//! the smallest bucket-policy change that grants a principal what kops needs.

use std::io::{self, IsTerminal, Write};
use std::path::Path;

use crate::cli::{FixFormat, FixPolicyArgs};
use crate::env::Environment;
use crate::findings::Severity;
use crate::report::{self, Format, HumanOptions, RunReport};
use crate::source::SourceDb;
use crate::vfs;

use super::{fail, write_file_verified, Status};

/// A tool error, as JSON (`{"error": {...}}`) under `--format json` so scripts always get
/// JSON, as the usual `statelint: error:` line otherwise.
fn failure(
    args: &FixPolicyArgs,
    out: &mut dyn Write,
    message: impl std::fmt::Display,
) -> io::Result<Status> {
    if args.format != FixFormat::Json {
        return fail(message);
    }
    let value = serde_json::json!({"error": {"message": message.to_string()}});
    serde_json::to_writer_pretty(&mut *out, &value)?;
    writeln!(out)?;
    Ok(Status::ToolError)
}

/// Whether any resource of the policy names `bucket` (the bucket or its objects).
fn names_bucket(policy: &crate::policy::model::PolicyDocument, bucket: &str) -> bool {
    policy.statements().iter().any(|s| {
        s.resource
            .iter()
            .chain(s.not_resource.iter())
            .flat_map(|r| r.iter())
            .any(|r| {
                let name = r.splitn(6, ':').nth(5).unwrap_or(r);
                let name = name.split('/').next().unwrap_or(name);
                r == "*" || crate::policy::evaluate::glob(name, bucket, false)
            })
    })
}

/// The lockout errors (SL283, SL284) of replacing the live policy by `new_json`, for the
/// caller and whoever reaches the store now; `--apply` refuses to write when there are any.
fn lockouts(
    store: &crate::vfs::s3::S3Store,
    current: Option<&str>,
    new_json: &str,
    bucket: &str,
    prefix: &str,
) -> Vec<crate::findings::Finding> {
    use crate::policy::access::{lockout, Store};
    let sources = SourceDb::new();
    let parse = |name: &str, text: &str| crate::policy::parse::parse(name, text, &sources).ok();
    let Some(proposed) = parse(&format!("s3://{bucket} (fixed policy)"), new_json) else {
        return Vec::new();
    };
    let current = current.and_then(|t| parse(&format!("s3://{bucket} (bucket policy)"), t));
    let caller = store
        .caller_arn()
        .ok()
        .map(|arn| crate::policy::arn::session_to_role_arn(&arn).unwrap_or(arn));
    let map_store = Store::new(bucket, prefix, &[]);
    lockout::check_change(
        current.as_ref(),
        &proposed,
        caller.as_deref(),
        &map_store,
        None,
    )
    .into_iter()
    .filter(|f| f.severity >= Severity::Error)
    .collect()
}

/// Whether two paths name the same existing file (also through a symlink or hard link).
fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::metadata(a), std::fs::metadata(b)) {
        (Ok(a), Ok(b)) => {
            #[cfg(unix)]
            {
                use std::os::unix::fs::MetadataExt;
                a.dev() == b.dev() && a.ino() == b.ino()
            }
            #[cfg(not(unix))]
            {
                a.len() == b.len() && a.modified().ok() == b.modified().ok()
            }
        }
        _ => false,
    }
}

/// The file the upload command names when no `--output` was given: never the input.
fn suggested_output(bucket: &str, input: Option<&Path>) -> String {
    let name = format!("{bucket}-policy.fixed.json");
    match input {
        Some(input) if same_file(Path::new(&name), input) => {
            format!("{bucket}-policy.fixed.new.json")
        }
        _ => name,
    }
}

/// `statelint fix-policy`: plan (and with `--apply`, write) the bucket-policy fix.
pub fn run(args: &FixPolicyArgs, env: &dyn Environment, out: &mut dyn Write) -> io::Result<Status> {
    use crate::policy::fix::{self, FixInput};
    use crate::policy::model::PolicyDocument;

    if let (Some(output), Some(input)) = (&args.output, &args.policy) {
        if input.as_os_str() != "-" && same_file(output, input) {
            return failure(
                args,
                out,
                format!(
                    "--output `{}` is the --policy input: write the fixed policy to another file, so the original stays for review and for the diff",
                    output.display()
                ),
            );
        }
    }
    // The live bucket, unless everything needed is given offline.
    let offline =
        args.policy.is_some() && args.bucket.is_some() && args.principal.is_some() && !args.apply;
    let mut s3_store = None;
    if !offline {
        let sources = SourceDb::new();
        let resolution = args.store.resolve(env, &sources);
        let Some(url) = resolution.store.filter(|u| u.scheme.is_s3_family()) else {
            // Say what is missing rather than what the other way of running needs.
            let missing: Vec<&str> = [
                ("--policy", args.policy.is_none()),
                ("--bucket", args.bucket.is_none()),
                ("--principal", args.principal.is_none()),
            ]
            .iter()
            .filter(|(_, absent)| *absent)
            .map(|(flag, _)| *flag)
            .collect();
            let message = match missing.as_slice() {
                [] => "--apply needs the live bucket: give an S3 store with --state s3://...".to_string(),
                [flag] => format!(
                    "{flag} is missing: give it (offline), or an S3 store with --state s3://... to read it from the bucket"
                ),
                flags => format!(
                    "{} are missing: give them (offline), or an S3 store with --state s3://...",
                    flags.join(", ")
                ),
            };
            return failure(args, out, message);
        };
        match vfs::open_with_control(&url, env) {
            Ok((_, Some(store))) => s3_store = Some(store),
            Ok((_, None)) => {
                return failure(
                    args,
                    out,
                    format!("`{}` is not an S3 store", url.redacted()),
                )
            }
            Err(e) => return failure(args, out, e.to_string()),
        }
    }
    let bucket = match (&args.bucket, &s3_store) {
        (Some(b), _) => b.clone(),
        (None, Some(store)) => store.settings.bucket.clone(),
        (None, None) => return failure(args, out, "--bucket is required"),
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
            Ok(arn) => crate::policy::arn::session_to_role_arn(&arn).unwrap_or(arn),
            Err(e) => {
                return failure(
                    args,
                    out,
                    format!("--principal not given and the caller is unknown: {e}"),
                )
            }
        },
        (None, None) => return failure(args, out, "--principal is required"),
    };
    let current_text = match (&args.policy, &s3_store) {
        (Some(path), _) if path.as_os_str() == "-" => {
            let mut text = String::new();
            io::Read::read_to_string(&mut io::stdin(), &mut text)?;
            Some(text)
        }
        (Some(path), _) => match std::fs::read_to_string(path) {
            Ok(text) => Some(text),
            Err(e) => {
                return failure(
                    args,
                    out,
                    format!("cannot read policy `{}`: {e}", path.display()),
                )
            }
        },
        (None, Some(store)) => match store.bucket_policy() {
            Ok(text) => text,
            Err(e) => return failure(args, out, format!("cannot read the bucket policy: {e}")),
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
            match crate::policy::parse::parse(&name, text, &sources) {
                Ok(parsed) => Some(parsed.policy),
                Err(e) => {
                    let finding = e.into_finding();
                    let report = RunReport::new(None, vec![finding], Severity::Error);
                    let format = match args.format {
                        FixFormat::Json => Format::Json,
                        _ => Format::Human,
                    };
                    report::reporter(format, HumanOptions::default())
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
        Err(e) => return failure(args, out, e.to_string()),
    };
    let mut warnings: Vec<String> = Vec::new();
    if let (Some(policy), Some(_)) = (&current, &args.bucket) {
        if !names_bucket(policy, &bucket) {
            warnings.push(format!(
                "the policy's resources never mention bucket `{bucket}`: is this the policy of another bucket?"
            ));
        }
    }
    // The result goes through the same lint as `check --policy`.
    let result_sources = SourceDb::new();
    let lint = match crate::policy::parse::parse(
        &format!("s3://{bucket} (fixed policy)"),
        &plan.policy.to_json_pretty(),
        &result_sources,
    ) {
        Ok(parsed) => crate::policy::lint::lint_bucket_policy(&parsed, None),
        Err(e) => vec![e.into_finding()],
    };
    let old_json = current
        .as_ref()
        .map(|p| p.to_json_pretty())
        .unwrap_or_default();
    let new_json = plan.policy.to_json_pretty();
    let old_name = match (&args.policy, &current) {
        (_, None) => "/dev/null".to_string(),
        (Some(path), _) if path.as_os_str() == "-" => "<stdin>".to_string(),
        (Some(path), _) => path.display().to_string(),
        (None, Some(_)) => format!("s3://{bucket} (bucket policy)"),
    };
    // The file the upload command names: the one written now, else one to write first.
    let saved = args.output.as_ref().map(|p| p.display().to_string());
    let upload_file = saved
        .clone()
        .unwrap_or_else(|| suggested_output(&bucket, args.policy.as_deref()));
    let new_name = saved
        .clone()
        .unwrap_or_else(|| format!("s3://{bucket} (fixed policy)"));
    let diff = fix::diff(&old_json, &new_json, &old_name, &new_name);
    if let Some(path) = &args.output {
        if let Err(e) = write_file_verified(path, format!("{new_json}\n").as_bytes()) {
            return failure(args, out, e);
        }
    }
    let command = fix::apply_command(&bucket, &upload_file);
    match args.format {
        FixFormat::Json => {
            let value = serde_json::json!({
                "bucket": bucket,
                "principal": principal,
                "template": clap::ValueEnum::to_possible_value(&args.template).map(|v| v.get_name().to_string()),
                "changed": plan.changed(),
                "policy": plan.policy,
                "added": plan.added,
                "missing": plan.missing.iter().map(|(a, r)| serde_json::json!({"action": a, "resource": r})).collect::<Vec<_>>(),
                "blocked": plan.blocked.iter().map(|b| serde_json::json!({"action": b.action, "resource": b.resource, "denied_by": b.by.to_string()})).collect::<Vec<_>>(),
                "conditional": plan.conditional.iter().map(|c| serde_json::json!({"action": c.action, "resource": c.resource, "limited_by": c.by.to_string(), "condition_keys": c.keys})).collect::<Vec<_>>(),
                "warnings": warnings,
                "findings": lint.iter().map(|f| serde_json::json!({"code": f.code, "severity": f.severity.as_str(), "message": f.message, "pointer": f.pointer})).collect::<Vec<_>>(),
                "diff": diff,
                "output": saved,
                "command": command,
            });
            serde_json::to_writer_pretty(&mut *out, &value)?;
            writeln!(out)?;
        }
        FixFormat::Terraform => write!(
            out,
            "{}",
            fix::terraform(&plan.policy, "kops_state_bucket", &bucket)
        )?,
        FixFormat::Human => {
            // Prose wraps to the terminal; the command and the JSON stay whole.
            let width = super::terminal_width(env).unwrap_or(report::wrap::DEFAULT_WIDTH);
            let say = |text: String| report::wrap::fill(&text, width, "", "  ");
            if plan.changed() {
                write!(
                    out,
                    "{}\n{diff}",
                    say(format!(
                        "bucket policy of `{bucket}`: grants to add for `{principal}`"
                    ))
                )?;
                match &saved {
                    Some(path) => write!(
                        out,
                        "\n{}  {command}\n",
                        say(format!("the fixed policy is saved in `{path}`; upload it with:"))
                    )?,
                    None => write!(
                        out,
                        "\nthe complete policy:\n{new_json}\n\n{}  {command}\n",
                        say(format!("to apply it, save it first (add `--output {upload_file}`), then upload that file:"))
                    )?,
                }
            } else if plan.conditional.is_empty() {
                write!(out, "{}", say(format!("bucket policy of `{bucket}` already grants `{principal}` what the template needs; nothing to change")))?;
            } else {
                write!(out, "{}", say(format!("bucket policy of `{bucket}` already grants `{principal}` what the template needs, subject to the conditions below; nothing to change")))?;
            }
            if let (false, Some(path)) = (plan.changed(), &saved) {
                write!(
                    out,
                    "{}",
                    say(format!("the policy, unchanged, is saved in `{path}`"))
                )?;
            }
            for c in &plan.conditional {
                write!(out, "{}", say(format!(
                    "note: `{}` on `{}` depends on the request: {} still denies it unless the request satisfies its condition on `{}`",
                    c.action, c.resource, c.by, c.keys.join("`, `")
                )))?;
            }
            for w in &warnings {
                write!(out, "{}", say(format!("warning: {w}")))?;
            }
            for f in &lint {
                write!(
                    out,
                    "{}",
                    say(format!(
                        "the resulting policy: {} {}: {}",
                        f.severity.as_str(),
                        f.code,
                        f.message
                    ))
                )?;
            }
            for b in &plan.blocked {
                write!(
                    out,
                    "{}",
                    say(format!(
                        "note: `{}` on `{}` stays denied by {}; remove that Deny if it is unintended",
                        b.action, b.resource, b.by
                    ))
                )?;
            }
        }
    }
    if args.apply && plan.changed() {
        let Some(store) = &s3_store else {
            return failure(args, out, "--apply needs the live bucket (an S3 --state)");
        };
        let lockouts = lockouts(store, current_text.as_deref(), &new_json, &bucket, &prefix);
        if !lockouts.is_empty() {
            for f in &lockouts {
                eprintln!(
                    "statelint: {} {}: {}",
                    f.severity.as_str(),
                    f.code,
                    f.message
                );
            }
            eprintln!("statelint: not applied: the new policy would lock out principals that reach the store now");
            return Ok(Status::Findings);
        }
        if !args.yes {
            if !io::stdin().is_terminal() {
                return failure(
                    args,
                    out,
                    "--apply without --yes needs a terminal to confirm; add --yes",
                );
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
            // An S3-compatible server may reject an action AWS documents: retry once
            // without those (only in what this fix added), and say so.
            let (trimmed, removed) = fix::without_added_actions(
                &plan.policy,
                &plan.added,
                fix::ACTIONS_SOME_PROVIDERS_REJECT,
            );
            let retried = (!store.settings.is_aws && removed && e.to_string().contains("HTTP 400"))
                .then(|| store.put_bucket_policy(&trimmed.to_json_pretty()));
            match retried {
                Some(Ok(())) => eprintln!(
                    "statelint: the server rejected the policy ({e}); applied it without `{}`, which this provider does not accept",
                    fix::ACTIONS_SOME_PROVIDERS_REJECT.join("`, `")
                ),
                _ => {
                    return failure(
                        args,
                        out,
                        format!(
                            "the policy was not applied: {e} (the old policy is saved in `{}`)",
                            backup.display()
                        ),
                    )
                }
            }
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
