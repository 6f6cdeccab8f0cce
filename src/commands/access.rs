//! `statelint access`: who can reach the store. Maps every principal of a bucket policy
//! (a file, or the live store's) to what it can do to the kops store, checks a proposed
//! policy for lockouts (`--keep`), and compares two policies (`--against`).

use std::io::{self, Write};
use std::path::Path;

use crate::cli::AccessArgs;
use crate::env::Environment;
use crate::findings::Finding;
use crate::policy::access::{self, lockout, AccessMap, AccessReport, Input, Store};
use crate::policy::parse::ParsedPolicy;
use crate::report::RunReport;
use crate::source::SourceDb;
use crate::vfs;

use super::{fail, load_lint_config, render, settle, Status};

/// A policy text and the name it is reported under.
struct Text {
    url: String,
    text: String,
}

fn read(path: &Path) -> Result<Text, String> {
    let text = if path.as_os_str() == "-" {
        let mut text = String::new();
        io::Read::read_to_string(&mut io::stdin(), &mut text)
            .map_err(|e| format!("cannot read the policy from standard input: {e}"))?;
        text
    } else {
        std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read policy `{}`: {e}", path.display()))?
    };
    let url = match std::path::absolute(path) {
        Ok(abs) if path.as_os_str() != "-" => format!("file://{}", abs.display()),
        _ => path.display().to_string(),
    };
    Ok(Text { url, text })
}

/// The live store's bucket, prefix, caller and policy.
struct Live {
    bucket: String,
    prefix: String,
    caller: Option<String>,
    policy: Option<Text>,
    url: String,
}

fn live(args: &AccessArgs, env: &dyn Environment) -> Result<Live, String> {
    let sources = SourceDb::new();
    let resolution = args.store.resolve(env, &sources);
    let Some(url) = resolution.store.filter(|u| u.scheme.is_s3_family()) else {
        return Err(
            "no bucket policy to map: give --policy FILE (offline), or an S3 store with --state s3://..."
                .to_string(),
        );
    };
    let store = match vfs::open_with_control(&url, env) {
        Ok((_, Some(store))) => store,
        Ok((_, None)) => return Err(format!("`{}` is not an S3 store", url.redacted())),
        Err(e) => return Err(e.to_string()),
    };
    let bucket = store.settings.bucket.clone();
    let policy = store
        .bucket_policy()
        .map_err(|e| format!("cannot read the bucket policy of `{bucket}`: {e}"))?
        .map(|text| Text {
            url: format!("s3://{bucket} (bucket policy)"),
            text,
        });
    let caller = args.caller.clone().or_else(|| {
        store
            .caller_arn()
            .ok()
            .map(|arn| crate::policy::arn::session_to_role_arn(&arn).unwrap_or(arn))
    });
    Ok(Live {
        prefix: store.settings.prefix.clone(),
        caller,
        policy,
        url: url.redacted(),
        bucket,
    })
}

/// The one bucket a policy's S3 resources name, when there is exactly one.
fn only_bucket(parsed: &ParsedPolicy) -> Option<String> {
    let mut buckets: Vec<String> = Vec::new();
    for s in parsed.policy.statements() {
        for r in s
            .resource
            .iter()
            .chain(s.not_resource.iter())
            .flat_map(|r| r.iter())
        {
            let Some(rest) = r.split(":s3:::").nth(1) else {
                continue;
            };
            let name = rest.split('/').next().unwrap_or(rest);
            if !name.is_empty()
                && !name.contains(['*', '?', '$'])
                && !buckets.iter().any(|b| b == name)
            {
                buckets.push(name.to_string());
            }
        }
    }
    (buckets.len() == 1).then(|| buckets.remove(0))
}

/// `statelint access`.
pub fn run(args: &AccessArgs, env: &dyn Environment, out: &mut dyn Write) -> io::Result<Status> {
    let sources = SourceDb::new();
    let cwd = env.current_dir();
    let (lint_config, mut findings) =
        load_lint_config(args.lint_config.as_deref(), cwd.as_deref(), &sources)?;

    // The current policy: --policy, else the live store's.
    let live = match &args.policy {
        Some(_) => None,
        None => match live(args, env) {
            Ok(l) => Some(l),
            Err(e) => return fail(e),
        },
    };
    let current_text = match (&args.policy, &live) {
        (Some(path), _) => match read(path) {
            Ok(t) => Some(t),
            Err(e) => return fail(e),
        },
        (None, Some(l)) => l.policy.as_ref().map(|t| Text {
            url: t.url.clone(),
            text: t.text.clone(),
        }),
        (None, None) => None,
    };
    let proposed_text = match &args.against {
        Some(path) => match read(path) {
            Ok(t) => Some(t),
            Err(e) => return fail(e),
        },
        None => None,
    };
    let parse = |t: &Text, findings: &mut Vec<Finding>| -> Option<ParsedPolicy> {
        match crate::policy::parse::parse(&t.url, &t.text, &sources) {
            Ok(p) => Some(p),
            Err(e) => {
                findings.push(e.into_finding());
                None
            }
        }
    };
    let current = current_text.as_ref().and_then(|t| parse(t, &mut findings));
    let proposed = proposed_text.as_ref().and_then(|t| parse(t, &mut findings));
    if !findings.is_empty()
        && (current_text.is_some() && current.is_none()
            || proposed_text.is_some() && proposed.is_none())
    {
        // A policy that cannot be read cannot be mapped: report why (SL300) and stop.
        let (fail_on, applied) = settle(args.fail_on, &lint_config, findings);
        let report = RunReport {
            suppressed: applied.suppressed,
            ..RunReport::new(None, applied.findings, fail_on)
        };
        render(&report, &sources, args.format, &args.output, env, cwd, out)?;
        return Ok(Status::ToolError);
    }

    let bucket = args
        .bucket
        .clone()
        .or_else(|| live.as_ref().map(|l| l.bucket.clone()))
        .or_else(|| current.as_ref().and_then(only_bucket))
        .or_else(|| proposed.as_ref().and_then(only_bucket));
    let Some(bucket) = bucket else {
        return fail("--bucket is required: the policy does not name exactly one bucket");
    };
    let prefix = args
        .prefix
        .clone()
        .or_else(|| live.as_ref().map(|l| l.prefix.clone()))
        .unwrap_or_default();
    let store = Store::new(&bucket, &prefix, &args.clusters);

    let mut identity: Vec<(String, ParsedPolicy)> = Vec::new();
    for spec in &args.identity_policies {
        let Some((principal, file)) = spec.split_once('=') else {
            return fail(format!("--identity-policy `{spec}` must be PRINCIPAL=FILE"));
        };
        let text = match read(Path::new(file)) {
            Ok(t) => t,
            Err(e) => return fail(e),
        };
        match crate::policy::parse::parse(&text.url, &text.text, &sources) {
            Ok(p) => {
                findings.extend(crate::policy::lint::lint_identity_policy(&p));
                identity.push((principal.to_string(), p));
            }
            Err(e) => findings.push(e.into_finding()),
        }
    }
    if let Some((principal, _)) = identity
        .iter()
        .find(|(p, _)| access::Named::aws(p).is_none())
    {
        return fail(format!(
            "--identity-policy `{principal}=...`: not an IAM user, role or account ARN"
        ));
    }
    let mut keeps = Vec::new();
    for k in &args.keep {
        match lockout::parse_keep(k) {
            Ok((principal, _)) if access::Named::aws(&principal).is_none() || principal == "*" => {
                return fail(format!(
                    "--keep `{k}`: `{principal}` is not an IAM user, role or account ARN"
                ))
            }
            Ok(keep) => keeps.push(keep),
            Err(e) => return fail(format!("--keep `{k}`: {e}")),
        }
    }
    let caller = args
        .caller
        .clone()
        .or_else(|| live.as_ref().and_then(|l| l.caller.clone()));
    let mut extra: Vec<String> = keeps.iter().map(|(p, _)| p.clone()).collect();
    extra.extend(caller.iter().cloned());

    // When comparing, both maps cover the principals of both policies.
    for p in [&current, &proposed].into_iter().flatten() {
        for named in access::principals::named_in(Some(&p.policy)) {
            if named.kind != access::Kind::Service && !extra.contains(&named.written) {
                extra.push(named.written);
            }
        }
    }
    let owner = args.bucket_owner.as_deref();
    let map_of = |policy: Option<&ParsedPolicy>| -> AccessMap {
        access::map(&Input {
            bucket_policy: policy,
            identity: &identity,
            store: &store,
            owner_account: owner,
            extra: &extra,
        })
    };
    let current_map = map_of(current.as_ref());
    // The policy under review: the proposed one when comparing, else the current one.
    let (reviewed, reviewed_map, changes) = match &args.against {
        Some(_) => {
            let new_map = map_of(proposed.as_ref());
            let changes = access::diff::diff(&current_map, &new_map);
            (proposed.as_ref(), new_map, Some(changes))
        }
        None => (current.as_ref(), current_map.clone(), None),
    };
    if let Some(p) = reviewed {
        findings.extend(crate::policy::lint::lint_bucket_policy(p, owner));
    }
    let declared: Vec<(String, access::templates::Role)> = keeps
        .iter()
        .filter_map(|(p, r)| r.map(|r| (p.clone(), r)))
        .collect();
    let reviewed_doc = reviewed.map(|p| &p.policy);
    findings.extend(access::findings::review(
        &reviewed_map,
        &store,
        &declared,
        reviewed_doc,
    ));

    // Lockouts: explicit --keep always; with --against, also the caller and everyone that
    // reaches the store under the current policy.
    let mut needs = match &args.against {
        Some(_) => lockout::defaults(
            &current_map,
            caller.as_deref(),
            current.as_ref().map(|p| &p.policy),
            &store,
        ),
        None => Vec::new(),
    };
    for (principal, role) in &keeps {
        let need = lockout::explicit(principal, *role, reviewed_doc, &store);
        lockout::merge(&mut needs, need);
    }
    findings.extend(lockout::check(&reviewed_map, &needs, &store));

    let (fail_on, applied) = settle(args.fail_on, &lint_config, findings);
    let source = match (&live, &args.policy) {
        (Some(l), _) => format!("the live bucket policy of {}", l.url),
        (None, Some(p)) => p.display().to_string(),
        (None, None) => "no bucket policy".to_string(),
    };
    let owner_text = owner.map_or_else(
        || "unknown (give --bucket-owner)".to_string(),
        |o| format!("account {o}"),
    );
    let reviewed_source = match &args.against {
        Some(new) => format!("{} (compared with {source})", new.display()),
        None => source,
    };
    let report = RunReport {
        suppressed: applied.suppressed,
        access: Some(AccessReport {
            header: format!(
                "access to {} by {reviewed_source}; bucket owner: {owner_text}",
                store.url()
            ),
            principals: reviewed_map.principals,
            access_changes: changes,
        }),
        ..RunReport::new(None, applied.findings, fail_on)
    };
    render(&report, &sources, args.format, &args.output, env, cwd, out)
}
