//! `statelint import`: a folder written by `export`, verified against its manifest, into a store.

use std::io::{self, Write};

use crate::env::Environment;

use super::transfer::{confirm, open, open_destination, print_plan};
use super::{fail, Status};
use crate::cli::ImportArgs;
use crate::migrate::{self, Manifest};

pub fn run(args: &ImportArgs, env: &dyn Environment, out: &mut dyn Write) -> io::Result<Status> {
    let manifest_path = args.from.join(migrate::MANIFEST);
    let manifest: Manifest = match std::fs::read_to_string(&manifest_path)
        .map_err(|e| e.to_string())
        .and_then(|t| serde_json::from_str(&t).map_err(|e| e.to_string()))
    {
        Ok(m) => m,
        Err(e) => {
            return fail(format!(
                "`{}` is not a statelint export: {e}",
                manifest_path.display()
            ))
        }
    };
    let from = match open(&args.from.display().to_string(), env) {
        Ok(b) => b,
        Err(e) => return fail(e),
    };
    let damaged = manifest.verify(from.as_ref(), args.requests.get());
    if !damaged.is_empty() {
        for key in &damaged {
            writeln!(out, "changed or missing: {key}")?;
        }
        return fail(format!(
            "{} file(s) do not match {}; refusing to import",
            damaged.len(),
            migrate::MANIFEST
        ));
    }
    let to = match open_destination(&args.to, env) {
        Ok(b) => b,
        Err(e) => return fail(e),
    };
    let requests = args.requests.get();
    // With `--yes` the copy starts while the plan is still forming (shown afterwards);
    // otherwise the whole plan is shown and confirmed before anything is written.
    let outcome = if args.yes {
        let options = migrate::CopyOptions {
            clusters: &[],
            rewrite_configs: false,
            force: args.force,
            max_requests: requests,
        };
        match migrate::plan_and_copy(from.as_ref(), to.as_ref(), options, None) {
            Ok((plan, outcome)) => {
                print_plan(&plan, args.force, out)?;
                outcome
            }
            Err(e) => return fail(e),
        }
    } else {
        let plan = match migrate::plan_verbatim(from.as_ref(), to.as_ref(), &[], requests) {
            Ok(p) => p,
            Err(e) => return fail(e),
        };
        print_plan(&plan, args.force, out)?;
        out.flush()?;
        if let Err(why) = confirm(&format!("import into {}?", plan.to), args.yes)? {
            return fail(why);
        }
        migrate::execute(&plan, to.as_ref(), args.force, requests, None)
    };
    writeln!(
        out,
        "imported {} object(s), {} already identical",
        outcome.copied.len(),
        outcome.skipped_identical
    )?;
    Ok(if outcome.complete() {
        Status::Clean
    } else {
        Status::Findings
    })
}
