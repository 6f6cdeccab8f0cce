//! `statelint rules`: every code, for people, scripts or the docs index.

use std::io::{self, Write};

use crate::cli::{RulesArgs, RulesFormat};
use crate::codes;
use crate::report::listing;

use super::Status;

pub fn run(args: &RulesArgs, out: &mut dyn Write) -> io::Result<Status> {
    let all = codes::all();
    match args.format {
        RulesFormat::Human => listing::rules_human(&all, out)?,
        RulesFormat::Json => listing::rules_json(&all, out)?,
        RulesFormat::Markdown => listing::rules_markdown(&all, out)?,
    }
    Ok(Status::Clean)
}
