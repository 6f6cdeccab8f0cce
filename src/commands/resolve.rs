//! `statelint resolve`: which store kops would use, from where, and why the others lost.

use std::io::{self, Write};

use crate::cli::{ListFormat, ResolveArgs};
use crate::env::Environment;
use crate::findings::Severity;
use crate::report::{self, listing, Format, HumanOptions, RunReport};
use crate::source::SourceDb;

use super::{wants_color, Status};

pub fn run(args: &ResolveArgs, env: &dyn Environment, out: &mut dyn Write) -> io::Result<Status> {
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
                    width: super::terminal_width(env),
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
