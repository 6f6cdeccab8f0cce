//! `statelint explain CODE`: one code's documentation.

use std::io::{self, Write};

use crate::cli::ExplainArgs;
use crate::codes;
use crate::report::listing;

use super::Status;

pub fn run(args: &ExplainArgs, out: &mut dyn Write) -> io::Result<Status> {
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
