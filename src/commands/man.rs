//! `statelint man`: manual pages generated from the clap definitions (so options never
//! drift from `--help`), with the ENVIRONMENT and EXIT STATUS sections a man page reader
//! looks for and clap does not know.

use std::io::{self, Write};
use std::path::Path;

use clap::CommandFactory;
use clap_mangen::Man;

use crate::cli::{Cli, ManArgs};

use super::{write_file_verified, Status};

/// One environment variable statelint reads, and what for.
struct EnvVar {
    name: &'static str,
    meaning: &'static str,
}

const fn var(name: &'static str, meaning: &'static str) -> EnvVar {
    EnvVar { name, meaning }
}

/// What every command reads.
const COMMON_ENV: &[EnvVar] = &[
    var("NO_COLOR", "when set, no colour in any output."),
    var(
        "HOME",
        "where $HOME/.kops.yaml and $HOME/.kops/config are looked for.",
    ),
];

/// What the commands that open a store read, grouped by backend, as kops reads them.
const STORE_ENV: &[EnvVar] = &[
    var("KOPS_STATE_STORE", "the state store URL, below --state and above the config files."),
    var("AWS_PROFILE", "the AWS profile for s3:// (and AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN)."),
    var("AWS_REGION", "the AWS region when the bucket's cannot be found (also AWS_DEFAULT_REGION)."),
    var("AWS_ENDPOINT_URL", "an S3/STS/IAM endpoint in AWS mode (also AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL_STS)."),
    var("S3_ENDPOINT", "kops's S3-compatible mode, with S3_REGION, S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY."),
    var("KOPS_STATE_S3_ACL", "the canned ACL kops puts on objects it writes."),
    var("GOOGLE_APPLICATION_CREDENTIALS", "the service-account key for gs:// (else CLOUDSDK_CONFIG's user credentials)."),
    var("STORAGE_EMULATOR_HOST", "a local Cloud Storage endpoint for gs://."),
    var("AZURE_STORAGE_ACCOUNT", "the storage account for azureblob://, with AZURE_STORAGE_KEY or AZURE_STORAGE_SAS_TOKEN, or AZURE_CLIENT_ID, AZURE_CLIENT_SECRET, AZURE_TENANT_ID, AZURE_FEDERATED_TOKEN_FILE."),
    var("OS_AUTH_URL", "Keystone for swift://, with the other OS_* variables (OS_USERNAME, OS_PASSWORD, OS_PROJECT_NAME, OS_REGION_NAME, OS_APPLICATION_CREDENTIAL_ID, OS_CACERT, ...)."),
    var("OPENSTACK_CREDENTIAL_FILE", "kops's OpenStack credential file when the OS_* variables are not set (default ~/.openstack/config)."),
    var("KOPS_OS_TLS_INSECURE_SKIP_VERIFY", "skip Keystone/Swift certificate checks, as kops does."),
    var("KUBECONFIG", "the kubeconfig files for k8s:// (default ~/.kube/config)."),
];

/// Whether a command opens a store (and so reads the backends' variables).
fn reads_store(command: &str) -> bool {
    !matches!(command, "rules" | "explain" | "completions" | "man")
}

/// The exit-status table of `--help` and the README ([`crate::exit_table`]), as
/// (status, meaning) rows, so the man pages cannot drift from it.
fn exit_status() -> Vec<(String, String)> {
    let mut rows: Vec<(String, String)> = Vec::new();
    for line in crate::exit_table!().lines().skip(1) {
        let text = line.trim();
        match text.split_once("  ") {
            Some((code, meaning)) if code.chars().all(|c| c.is_ascii_digit()) => {
                rows.push((code.to_string(), meaning.trim().to_string()));
            }
            _ => {
                if let Some((_, meaning)) = rows.last_mut() {
                    meaning.push(' ');
                    meaning.push_str(text);
                }
            }
        }
    }
    rows
}

/// The page of `command` (None: statelint itself) as roff.
pub fn page(command: Option<&str>) -> io::Result<Vec<u8>> {
    let root = Cli::command();
    let cmd = match command {
        None => root,
        Some(name) => {
            let Some(sub) = root.find_subcommand(name) else {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    format!("no command `{name}`; `statelint --help` lists them"),
                ));
            };
            let full = format!("statelint {}", sub.get_name());
            let display = format!("statelint-{}", sub.get_name());
            sub.clone()
                .bin_name(full)
                .display_name(display)
                .version(env!("CARGO_PKG_VERSION"))
        }
    };
    let man = Man::new(cmd.clone())
        .source(format!("statelint {}", env!("CARGO_PKG_VERSION")))
        .manual("statelint manual");
    let mut out = Vec::new();
    man.render_title(&mut out)?;
    man.render_name_section(&mut out)?;
    man.render_synopsis_section(&mut out)?;
    man.render_description_section(&mut out)?;
    if cmd.get_arguments().any(|a| !a.is_hide_set()) {
        man.render_options_section(&mut out)?;
    }
    if cmd.has_subcommands() {
        man.render_subcommands_section(&mut out)?;
    }
    if cmd.get_after_help().is_some() || cmd.get_after_long_help().is_some() {
        man.render_extra_section(&mut out)?;
    }
    render_environment(&mut out, command)?;
    render_exit_status(&mut out)?;
    render_see_also(&mut out, command)?;
    man.render_version_section(&mut out)?;
    Ok(out)
}

fn render_environment(out: &mut dyn Write, command: Option<&str>) -> io::Result<()> {
    writeln!(out, ".SH ENVIRONMENT")?;
    let store = command.is_none_or(reads_store);
    let vars = COMMON_ENV.iter().chain(STORE_ENV.iter().filter(|_| store));
    for v in vars {
        writeln!(out, ".TP\n\\fB{}\\fR\n{}", v.name, escape(v.meaning))?;
    }
    Ok(())
}

fn render_exit_status(out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, ".SH \"EXIT STATUS\"")?;
    for (code, meaning) in exit_status() {
        writeln!(out, ".TP\n\\fB{code}\\fR\n{}", escape(&meaning))?;
    }
    Ok(())
}

fn render_see_also(out: &mut dyn Write, command: Option<&str>) -> io::Result<()> {
    let pages: Vec<String> = std::iter::once("statelint".to_string())
        .chain(
            visible_commands()
                .into_iter()
                .map(|c| format!("statelint-{c}")),
        )
        .filter(|p| Some(p.as_str()) != command.map(|c| format!("statelint-{c}")).as_deref())
        .filter(|p| command.is_some() || p != "statelint")
        .map(|p| format!("\\fB{}\\fR(1)", escape(&p)))
        .collect();
    writeln!(out, ".SH \"SEE ALSO\"\n{}", pages.join(", "))
}

/// Escapes what roff would read as a control character at a line start or as an escape.
fn escape(text: &str) -> String {
    let text = text.replace('\\', "\\e").replace('-', "\\-");
    match text.chars().next() {
        Some('.' | '\'') => format!("\\&{text}"),
        _ => text,
    }
}

/// The commands that get a page (hidden ones do not).
fn visible_commands() -> Vec<String> {
    Cli::command()
        .get_subcommands()
        .filter(|c| !c.is_hide_set())
        .map(|c| c.get_name().to_string())
        .collect()
}

/// `statelint man [COMMAND] [--out-dir DIR]`.
pub fn run(args: &ManArgs, out: &mut dyn Write) -> io::Result<Status> {
    let Some(dir) = &args.out_dir else {
        match page(args.command.as_deref()) {
            Ok(text) => out.write_all(&text)?,
            Err(e) if e.kind() == io::ErrorKind::InvalidInput => {
                eprintln!("statelint: error: {e}");
                return Ok(Status::ToolError);
            }
            Err(e) => return Err(e),
        }
        return Ok(Status::Clean);
    };
    std::fs::create_dir_all(dir)
        .map_err(|e| io::Error::new(e.kind(), format!("cannot create `{}`: {e}", dir.display())))?;
    let mut written = 0;
    write_page(dir, "statelint.1", None)?;
    written += 1;
    for name in visible_commands() {
        write_page(dir, &format!("statelint-{name}.1"), Some(&name))?;
        written += 1;
    }
    eprintln!(
        "statelint: wrote {written} man pages into `{}`",
        dir.display()
    );
    Ok(Status::Clean)
}

fn write_page(dir: &Path, file: &str, command: Option<&str>) -> io::Result<()> {
    write_file_verified(&dir.join(file), &page(command)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(command: Option<&str>) -> String {
        String::from_utf8(page(command).expect("renders")).expect("roff is UTF-8")
    }

    #[test]
    fn every_command_page_has_options_environment_and_exit_status() {
        for name in visible_commands() {
            let page = text(Some(&name));
            assert!(
                page.contains(&format!(".TH statelint-{name} 1")),
                "{name}:\n{page}"
            );
            let synopsis = escape(&format!("statelint {name}"));
            assert!(page.contains(&synopsis), "synopsis of {name}");
            assert!(page.contains(".SH ENVIRONMENT"), "{name}");
            assert!(page.contains(".SH \"EXIT STATUS\""), "{name}");
            assert!(page.contains("\\fB2\\fR"), "{name}");
            let own_link = format!("\\fB{}\\fR(1)", escape(&format!("statelint-{name}")));
            assert!(!page.contains(&own_link), "no self link");
        }
    }

    #[test]
    fn store_commands_document_the_backend_variables_and_others_do_not() {
        let check = text(Some("check"));
        for name in [
            "KOPS_STATE_STORE",
            "S3_ENDPOINT",
            "OS_AUTH_URL",
            "KUBECONFIG",
            "NO_COLOR",
        ] {
            assert!(check.contains(name), "check page lacks {name}");
        }
        assert!(check.contains("\\-\\-fail\\-on"), "options are rendered");
        let rules = text(Some("rules"));
        assert!(rules.contains("NO_COLOR") && !rules.contains("KOPS_STATE_STORE"));
    }

    #[test]
    fn the_exit_status_section_is_the_help_table() {
        let rows = exit_status();
        let codes: Vec<&str> = rows.iter().map(|(c, _)| c.as_str()).collect();
        assert_eq!(codes, ["0", "1", "2"]);
        assert!(rows[2].1.contains("could not do its job"), "{rows:?}");
        assert!(
            rows[2].1.contains("SL034-SL036"),
            "continuation lines are kept: {rows:?}"
        );
    }

    #[test]
    fn the_main_page_links_every_command_page() {
        let page = text(None);
        for name in visible_commands() {
            let link = format!("\\fB{}\\fR(1)", escape(&format!("statelint-{name}")));
            assert!(page.contains(&link), "{name}");
        }
    }

    #[test]
    fn an_unknown_command_is_an_input_error() {
        let err = page(Some("chek")).expect_err("no such command");
        assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
    }
}
