//! The `statelint` binary: parses the arguments and hands them to the subcommand's module
//! in `statelint::commands`, which prints and returns the exit status.

use clap::Parser;
use std::io::{self, Write};
use std::process::ExitCode;

use statelint::cli::{usage_error, Cli};
use statelint::commands::stdout::ClosedPipeTolerant;
use statelint::commands::{self, Status};
use statelint::env::SystemEnv;

/// mimalloc: the checker allocates many small values from several threads at once, where
/// glibc's allocator took about a quarter of the profile samples (see BENCHMARKS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // `statelint --fix-policy ...` is `statelint fix-policy ...`.
    let args: Vec<_> = std::env::args_os()
        .enumerate()
        .map(|(i, a)| {
            if i == 1 && a == "--fix-policy" {
                "fix-policy".into()
            } else {
                a
            }
        })
        .collect();
    let cli = match Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(e) => match usage_error::json(&e).filter(|_| usage_error::wants_json(&args)) {
            // Asked for JSON: the usage error as JSON on stdout, still exit status 2.
            Some(json) => {
                println!("{json}");
                return ExitCode::from(Status::ToolError as u8);
            }
            None => e.exit(),
        },
    };
    let env = SystemEnv;
    let stdout = io::stdout();
    let mut out = ClosedPipeTolerant::new(stdout.lock());
    let result = commands::dispatch(cli.command, &env, &mut out);
    // A reader that went away early (`| head`) does not change the status; any other
    // output that cannot be written means the run did not do its job.
    let status = match result.and_then(|s| out.flush().map(|()| s)) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("statelint: error: {e}");
            Status::ToolError
        }
    };
    ExitCode::from(status as u8)
}
