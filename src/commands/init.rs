//! `statelint init`: write a starting `.statelint.yaml`.

use std::io;

use crate::cli::InitArgs;
use crate::config;
use crate::env::Environment;
use crate::source::SourceDb;
use crate::vfs;

use super::{write_file_verified, Status};

/// `statelint init`: a commented `.statelint.yaml` naming the store's clusters.
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
    let mut clusters = Vec::new();
    if let Some(url) = &resolution.store {
        if let Ok(backend) = vfs::open(url, env) {
            if let Ok(layout) = crate::store::discover(backend.as_ref()) {
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
