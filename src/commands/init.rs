//! `statelint init`: write a starting `.statelint.yaml`.

use std::io;

use crate::cli::InitArgs;
use crate::config;
use crate::env::Environment;
use crate::source::SourceDb;
use crate::vfs;

use super::{write_file_verified, Status};

/// `statelint init`: a short commented `.statelint.yaml` for the current store.
pub fn run(args: &InitArgs, env: &dyn Environment) -> io::Result<Status> {
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
    // One real cluster name makes the commented suppression example concrete.
    let first_cluster = resolution
        .store
        .as_ref()
        .and_then(|url| vfs::open(url, env).ok())
        .and_then(|backend| crate::store::discover(backend.as_ref()).ok())
        .and_then(|layout| layout.clusters.first().map(|c| c.name.clone()));
    let text = config::template(resolution.url.as_deref(), first_cluster.as_deref());
    write_file_verified(&path, text.as_bytes())?;
    eprintln!("statelint: wrote `{}`", path.display());
    Ok(Status::Clean)
}
