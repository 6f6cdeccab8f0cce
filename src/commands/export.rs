//! `statelint export`: a store, verbatim, into a folder with a manifest of hashes.

use std::io::{self, Write};

use crate::env::Environment;
use crate::source::SourceDb;
use crate::vfs;

use super::transfer::{open, print_plan};
use super::{fail, Status};
use crate::cli::ExportArgs;
use crate::migrate::{self, Manifest};

pub fn run(args: &ExportArgs, env: &dyn Environment, out: &mut dyn Write) -> io::Result<Status> {
    let sources = SourceDb::new();
    let resolution = args.store.resolve(env, &sources);
    let Some(url) = resolution.store else {
        return fail("no state store: use --state or KOPS_STATE_STORE");
    };
    let from = match vfs::open(&url, env) {
        Ok(b) => b,
        Err(e) => return fail(e),
    };
    if let Err(e) = vfs::fs::create_store_dir(&args.to) {
        return fail(format!("cannot create `{}`: {e}", args.to.display()));
    }
    let to = match open(&args.to.display().to_string(), env) {
        Ok(b) => b,
        Err(e) => return fail(e),
    };
    // Nothing is confirmed: the files are written while the rest is still read.
    let options = migrate::CopyOptions {
        clusters: &args.clusters,
        rewrite_configs: false,
        force: args.force,
        max_requests: args.requests.get(),
    };
    let (plan, outcome) = match migrate::plan_and_copy(from.as_ref(), to.as_ref(), options, None) {
        Ok(done) => done,
        Err(e) => return fail(e),
    };
    if !outcome.complete() {
        print_plan(&plan, args.force, out)?;
        return fail("the export is incomplete (conflicting or failed files above)");
    }
    let manifest = Manifest::of(&plan);
    let text = serde_json::to_string_pretty(&manifest).map_err(io::Error::other)?;
    // Through the store like every exported file: written whole, read back, mode 0600.
    if let Err(e) = to.write(migrate::MANIFEST, format!("{text}\n").as_bytes()) {
        return fail(e);
    }
    writeln!(
        out,
        "exported {} file(s) of {} cluster(s) to {} ({} new, {} unchanged); hashes in {}",
        plan.items.len(),
        plan.clusters.len(),
        args.to.display(),
        outcome.copied.len(),
        outcome.skipped_identical,
        migrate::MANIFEST
    )?;
    Ok(Status::Clean)
}
