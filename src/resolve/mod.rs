//! Finding the state store the way kops does, and saying why each source won or lost.
//!
//! Priority: `--state`, then `KOPS_STATE_STORE`, then (statelint only) the `state:` key of the
//! nearest `.statelint.yaml`, then the kops config file: the one named by
//! `--config`, else the first of `$HOME/.kops.yaml` and `$HOME/.kops/config` that exists
//! (kops reads only that one; it never merges them), key `kops_state_store` matched
//! case-insensitively.

pub mod diags;
pub mod near_miss;
pub mod url;

use serde::Serialize;
use std::path::{Path, PathBuf};

use crate::document::Document;
use crate::env::Environment;
use crate::findings::{Finding, Location};
use crate::source::SourceDb;
use crate::yaml;
use url::{Scheme, StoreUrl};

/// Name of the environment variable kops reads.
pub const STATE_ENV: &str = "KOPS_STATE_STORE";
/// Key in kops config files.
pub const CONFIG_KEY: &str = "kops_state_store";
/// Config files larger than this are not kops config files.
const MAX_CONFIG_BYTES: u64 = 1024 * 1024;

/// Where a candidate value came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Source {
    Flag,
    Env,
    /// `state:` in statelint's own `.statelint.yaml` (kops never reads it).
    LintConfig {
        path: PathBuf,
    },
    /// `--config FILE`.
    ConfigFlag {
        path: PathBuf,
    },
    /// `$HOME/.kops.yaml`.
    KopsYaml {
        path: PathBuf,
    },
    /// `$HOME/.kops/config`.
    KopsConfig {
        path: PathBuf,
    },
}

impl Source {
    /// Short machine name used in reports.
    pub fn id(&self) -> &'static str {
        match self {
            Source::Flag => "flag",
            Source::Env => "env",
            Source::LintConfig { .. } => "lint-config",
            Source::ConfigFlag { .. } => "config-flag",
            Source::KopsYaml { .. } => "kops-yaml",
            Source::KopsConfig { .. } => "kops-config",
        }
    }

    /// Human label, e.g. "`--state` flag" or "`$HOME/.kops.yaml` (/root/.kops.yaml)".
    pub fn label(&self) -> String {
        match self {
            Source::Flag => "the `--state` flag".to_string(),
            Source::Env => format!("`{STATE_ENV}`"),
            Source::LintConfig { path } => format!(
                "`state:` in `{}` (statelint only; kops does not read it)",
                path.display()
            ),
            Source::ConfigFlag { path } => format!("`--config` file `{}`", path.display()),
            Source::KopsYaml { path } => format!("`$HOME/.kops.yaml` (`{}`)", path.display()),
            Source::KopsConfig { path } => format!("`$HOME/.kops/config` (`{}`)", path.display()),
        }
    }
}

/// What happened to one candidate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "kebab-case")]
pub enum Outcome {
    /// This source's value is the store.
    Won,
    /// Set, but a higher-priority source won.
    Shadowed { by: String },
    /// Not set (or the file does not exist / has no key).
    Absent { reason: String },
    /// Set but ignored: empty, unreadable or malformed.
    Ignored { reason: String },
    /// Not consulted at all (kops would not look here).
    NotConsulted { reason: String },
}

/// One place kops looks for the store.
#[derive(Debug, Clone, Serialize)]
pub struct Candidate {
    pub source: Source,
    pub label: String,
    /// The value found, redacted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    #[serde(flatten)]
    pub outcome: Outcome,
}

/// The result of resolution.
#[derive(Debug, Clone, Serialize)]
pub struct Resolution {
    /// The winning store, when it parsed.
    #[serde(skip)]
    pub store: Option<StoreUrl>,
    /// Redacted winning URL.
    pub url: Option<String>,
    /// Index of the winning candidate.
    pub winner: Option<usize>,
    pub candidates: Vec<Candidate>,
    #[serde(skip)]
    pub findings: Vec<Finding>,
}

impl Resolution {
    /// The winning candidate's source id (`flag`, `env`, ...).
    pub fn source_id(&self) -> Option<&'static str> {
        self.winner.map(|i| self.candidates[i].source.id())
    }
}

/// Inputs to resolution besides the environment.
#[derive(Debug, Clone, Default)]
pub struct ResolveInput<'a> {
    /// Value of `--state`, if given.
    pub flag: Option<&'a str>,
    /// Value of `--config`, if given.
    pub config_file: Option<&'a Path>,
    /// `state:` of the `.statelint.yaml` in use, if it has one.
    pub lint_state: Option<&'a crate::config::StateSetting>,
}

/// Resolves the store. Config files that are read are registered in `sources` so findings
/// about them point at `line:col`.
pub fn resolve(input: &ResolveInput<'_>, env: &dyn Environment, sources: &SourceDb) -> Resolution {
    let mut r = Resolver {
        candidates: Vec::new(),
        findings: Vec::new(),
        winner: None,
        store: None,
    };

    r.offer(
        Source::Flag,
        input.flag.map(str::to_string),
        Location::resource("flag:--state"),
        "not given",
    );
    r.offer(
        Source::Env,
        env.var(STATE_ENV),
        Location::resource(format!("env:{STATE_ENV}")),
        "not set",
    );
    if let Some(setting) = input.lint_state {
        r.offer(
            Source::LintConfig {
                path: setting.path.clone(),
            },
            Some(setting.url.clone()),
            setting.location.clone(),
            "no `state:` key",
        );
    }

    let files: Vec<Source> = match (input.config_file, env.home_dir()) {
        (Some(path), _) => vec![Source::ConfigFlag {
            path: path.to_path_buf(),
        }],
        (None, Some(home)) => vec![
            Source::KopsYaml {
                path: home.join(".kops.yaml"),
            },
            Source::KopsConfig {
                path: home.join(".kops").join("config"),
            },
        ],
        (None, None) => Vec::new(),
    };
    let mut read_one: Option<String> = None;
    for source in files {
        let path = match &source {
            Source::ConfigFlag { path }
            | Source::KopsYaml { path }
            | Source::KopsConfig { path } => path.clone(),
            _ => continue,
        };
        if let Some(first) = &read_one {
            r.push(
                source,
                None,
                Outcome::NotConsulted {
                    reason: format!(
                        "kops reads only the first config file that exists, and that is {first}"
                    ),
                },
            );
            continue;
        }
        if !path.exists() {
            r.push(
                source,
                None,
                Outcome::Absent {
                    reason: "file does not exist".into(),
                },
            );
            continue;
        }
        read_one = Some(source.label());
        match read_config_value(&path, sources) {
            Err(finding) => {
                let reason = finding.message.clone();
                r.findings.push(*finding);
                r.push(source, None, Outcome::Ignored { reason });
            }
            Ok(None) => r.push(
                source,
                None,
                Outcome::Absent {
                    reason: format!("no `{CONFIG_KEY}` key"),
                },
            ),
            Ok(Some((value, location))) => r.offer(source, Some(value), location, "no value"),
        }
    }
    if r.winner.is_none() && input.config_file.is_none() && env.home_dir().is_none() {
        r.push(
            Source::KopsYaml {
                path: PathBuf::from("$HOME/.kops.yaml"),
            },
            None,
            Outcome::NotConsulted {
                reason: "HOME is not set".into(),
            },
        );
    }
    if r.winner.is_none() {
        r.findings.push(diags::no_state_store(Location::resource(
            "env:KOPS_STATE_STORE",
        )));
    }
    Resolution {
        url: r.store.as_ref().map(StoreUrl::redacted),
        store: r.store,
        winner: r.winner,
        candidates: r.candidates,
        findings: r.findings,
    }
}

struct Resolver {
    candidates: Vec<Candidate>,
    findings: Vec<Finding>,
    winner: Option<usize>,
    store: Option<StoreUrl>,
}

impl Resolver {
    fn push(&mut self, source: Source, value: Option<String>, outcome: Outcome) {
        let label = source.label();
        self.candidates.push(Candidate {
            source,
            label,
            value,
            outcome,
        });
    }

    /// Considers a value from `source`; the first non-empty one wins, valid or not (kops
    /// does not fall through to a lower source when the value is unusable).
    fn offer(&mut self, source: Source, value: Option<String>, location: Location, absent: &str) {
        let Some(value) = value else {
            self.push(
                source,
                None,
                Outcome::Absent {
                    reason: absent.into(),
                },
            );
            return;
        };
        let shown = url::redact_raw(value.trim());
        if let Some(w) = self.winner {
            let by = self.candidates[w].label.clone();
            self.push(source, Some(shown), Outcome::Shadowed { by });
            return;
        }
        if value.trim().is_empty() {
            self.findings
                .push(diags::empty_state_store(&source.label(), location));
            self.push(
                source,
                Some(shown),
                Outcome::Ignored {
                    reason: "empty value".into(),
                },
            );
            return;
        }
        match StoreUrl::parse(&value) {
            Ok(store) => {
                let redacted = store.redacted();
                if store.bare_path {
                    if let Some(meant) = near_miss::url_for_path(value.trim()) {
                        let typed = url::redact_raw(value.trim());
                        let meant = url::redact_raw(&meant);
                        self.findings.push(diags::mistyped_store_url(
                            &typed,
                            &meant,
                            location.clone(),
                        ));
                    }
                }
                match store.scheme {
                    Scheme::Oss => self.findings.push(diags::oss_removed(&redacted, location)),
                    Scheme::Memfs => self.findings.push(diags::memfs_store(&redacted, location)),
                    Scheme::File => self.findings.push(diags::local_store(&redacted, location)),
                    _ => {}
                }
                self.store = Some(store);
                self.winner = Some(self.candidates.len());
                self.push(source, Some(redacted), Outcome::Won);
            }
            Err(err) => {
                self.findings.push(diags::bad_url(&err, location));
                // It still wins: kops would use it and fail. Lower sources stay shadowed.
                self.winner = Some(self.candidates.len());
                self.push(source, Some(shown), Outcome::Won);
            }
        }
    }
}

/// Reads `kops_state_store` from a kops config file.
/// `Ok(None)`: no such key. `Err`: the file is unreadable or malformed.
fn read_config_value(
    path: &Path,
    sources: &SourceDb,
) -> Result<Option<(String, Location)>, Box<Finding>> {
    let display = path.display().to_string();
    let bytes =
        read_bounded(path).map_err(|e| Box::new(diags::unreadable_config_file(&display, &e)))?;
    let url = format!("file://{display}");
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(_) => {
            return Err(Box::new(diags::malformed_config_file(
                format!("kops config file `{display}` is not UTF-8 text"),
                Location::resource(url),
            )))
        }
    };
    let id = sources.add(url.clone(), text);
    let Some(file) = sources.get(id) else {
        return Ok(None);
    };
    let docs = yaml::load(&file, yaml::Limits::default()).map_err(|e| {
        Box::new(diags::malformed_config_file(
            format!("kops config file `{display}` is not valid YAML"),
            Location::File {
                file: id,
                url: url.clone(),
                span: e.span(),
            },
        ))
    })?;
    let Some(first) = docs.into_iter().next() else {
        return Ok(None);
    };
    let doc = Document {
        file: id,
        source: file,
        value: first.value,
        index: first.index,
    };
    let Some(map) = doc.value.as_object() else {
        if doc.value.is_null() {
            return Ok(None);
        }
        return Err(Box::new(diags::malformed_config_file(
            format!("kops config file `{display}` is not a YAML mapping"),
            doc.location(""),
        )));
    };
    let Some((key, value)) = map.iter().find(|(k, _)| k.eq_ignore_ascii_case(CONFIG_KEY)) else {
        return Ok(None);
    };
    let pointer = format!("/{}", yaml::escape_pointer_token(key));
    match value {
        serde_json::Value::String(s) => Ok(Some((s.clone(), doc.location(&pointer)))),
        serde_json::Value::Null => Ok(Some((String::new(), doc.location(&pointer)))),
        _ => Err(Box::new(
            diags::malformed_config_file(
                format!("`{key}` in `{display}` must be a string"),
                doc.location(&pointer),
            )
            .with_pointer(pointer),
        )),
    }
}

fn read_bounded(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let file = std::fs::File::open(path)?;
    let mut data = Vec::new();
    file.take(MAX_CONFIG_BYTES + 1).read_to_end(&mut data)?;
    if data.len() as u64 > MAX_CONFIG_BYTES {
        return Err(std::io::Error::other(format!(
            "larger than {MAX_CONFIG_BYTES} bytes"
        )));
    }
    Ok(data)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::env::MapEnv;

    fn run(flag: Option<&str>, env: &MapEnv) -> Resolution {
        resolve(
            &ResolveInput {
                flag,
                config_file: None,
                lint_state: None,
            },
            env,
            &SourceDb::new(),
        )
    }

    fn home_with(files: &[(&str, &str)]) -> tempfile::TempDir {
        let home = tempfile::tempdir().expect("home");
        for (name, text) in files {
            let p = home.path().join(name);
            std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
            std::fs::write(p, text).expect("write");
        }
        home
    }

    #[test]
    fn flag_beats_everything() {
        let home = home_with(&[(".kops.yaml", "kops_state_store: s3://from-yaml\n")]);
        let env = MapEnv::new()
            .with_var(STATE_ENV, "s3://from-env")
            .with_home(home.path());
        let r = run(Some("s3://from-flag/p"), &env);
        assert_eq!(r.url.as_deref(), Some("s3://from-flag/p"));
        assert_eq!(r.source_id(), Some("flag"));
        assert!(matches!(&r.candidates[1].outcome, Outcome::Shadowed { .. }));
        assert!(matches!(&r.candidates[2].outcome, Outcome::Shadowed { .. }));
    }

    #[test]
    fn env_beats_config_files() {
        let home = home_with(&[(".kops.yaml", "kops_state_store: s3://from-yaml\n")]);
        let env = MapEnv::new()
            .with_var(STATE_ENV, "gs://from-env")
            .with_home(home.path());
        let r = run(None, &env);
        assert_eq!(
            (r.url.as_deref(), r.source_id()),
            (Some("gs://from-env"), Some("env"))
        );
    }

    #[test]
    fn kops_yaml_beats_kops_config_and_key_is_case_insensitive() {
        let home = home_with(&[
            (".kops.yaml", "KOPS_State_Store: s3://from-yaml/\n"),
            (".kops/config", "kops_state_store: s3://from-config\n"),
        ]);
        let r = run(None, &MapEnv::new().with_home(home.path()));
        assert_eq!(
            (r.url.as_deref(), r.source_id()),
            (Some("s3://from-yaml"), Some("kops-yaml"))
        );
        assert!(matches!(
            &r.candidates[3].outcome,
            Outcome::NotConsulted { .. }
        ));
    }

    #[test]
    fn kops_config_is_last_resort() {
        let home = home_with(&[(".kops/config", "kops_state_store: s3://from-config\n")]);
        let r = run(None, &MapEnv::new().with_home(home.path()));
        assert_eq!(
            (r.url.as_deref(), r.source_id()),
            (Some("s3://from-config"), Some("kops-config"))
        );
    }

    #[test]
    fn only_the_first_existing_config_file_is_read() {
        let home = home_with(&[
            (".kops.yaml", "cluster_name: x\n"),
            (".kops/config", "kops_state_store: s3://never-read\n"),
        ]);
        let r = run(None, &MapEnv::new().with_home(home.path()));
        assert_eq!(r.url, None);
        assert_eq!(r.findings[0].code, "SL001");
    }

    #[test]
    fn nothing_configured_is_sl001() {
        let home = home_with(&[]);
        let r = run(None, &MapEnv::new().with_home(home.path()));
        assert!(r.store.is_none());
        assert_eq!(
            r.findings.iter().map(|f| f.code).collect::<Vec<_>>(),
            ["SL001"]
        );
    }

    #[test]
    fn empty_env_is_ignored_with_a_warning() {
        let home = home_with(&[(".kops.yaml", "kops_state_store: s3://from-yaml\n")]);
        let env = MapEnv::new().with_var(STATE_ENV, "").with_home(home.path());
        let r = run(None, &env);
        assert_eq!(r.url.as_deref(), Some("s3://from-yaml"));
        assert_eq!(r.findings[0].code, "SL002");
    }

    #[test]
    fn a_config_key_without_a_value_is_empty_not_malformed() {
        // `kops_state_store:` with nothing after it is YAML null: set but empty, as kops
        // reads it, never "must be a string".
        let home = home_with(&[(".kops.yaml", "kops_state_store:\n")]);
        let r = run(None, &MapEnv::new().with_home(home.path()));
        assert_eq!(r.url, None);
        let codes: Vec<&str> = r.findings.iter().map(|f| f.code).collect();
        assert!(codes.contains(&"SL002"), "{codes:?}");
        assert!(!codes.contains(&"SL006"), "{codes:?}");
    }

    #[test]
    fn a_url_without_a_bucket_is_sl004_not_a_generic_invalid_url() {
        for url in ["s3://", "gs:///prefix"] {
            let r = run(Some(url), &MapEnv::new());
            assert!(r.store.is_none(), "{url}");
            assert_eq!(r.findings[0].code, "SL004", "{url}: {:?}", r.findings);
        }
    }

    #[test]
    fn invalid_winner_does_not_fall_through() {
        let env = MapEnv::new().with_var(STATE_ENV, "s4://x");
        let r = run(None, &env);
        assert!(r.store.is_none());
        assert_eq!(r.source_id(), Some("env"));
        assert_eq!(r.findings[0].code, "SL003");
    }

    #[test]
    fn malformed_config_points_at_the_key() {
        let home = home_with(&[(".kops.yaml", "# kops\nkops_state_store: [a]\n")]);
        let db = SourceDb::new();
        let r = resolve(
            &ResolveInput::default(),
            &MapEnv::new().with_home(home.path()),
            &db,
        );
        let f = r
            .findings
            .iter()
            .find(|f| f.code == "SL006")
            .expect("SL006");
        match &f.location {
            Location::File { span, .. } => assert_eq!((span.line, span.column), (2, 19)),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn unreadable_config_is_sl005() {
        // A directory where the file should be: unreadable even for root.
        let home = home_with(&[(".kops.yaml/inner", "x")]);
        let r = run(None, &MapEnv::new().with_home(home.path()));
        assert_eq!(
            r.findings.iter().map(|f| f.code).collect::<Vec<_>>(),
            ["SL005", "SL001"]
        );
        assert!(matches!(&r.candidates[2].outcome, Outcome::Ignored { .. }));
    }

    #[test]
    fn config_flag_replaces_home_files() {
        let home = home_with(&[
            (".kops.yaml", "kops_state_store: s3://home\n"),
            ("other.yaml", "kops_state_store: s3://other\n"),
        ]);
        let path = home.path().join("other.yaml");
        let r = resolve(
            &ResolveInput {
                flag: None,
                config_file: Some(&path),
                lint_state: None,
            },
            &MapEnv::new().with_home(home.path()),
            &SourceDb::new(),
        );
        assert_eq!(
            (r.url.as_deref(), r.source_id()),
            (Some("s3://other"), Some("config-flag"))
        );
    }

    fn lint_state(url: &str) -> crate::config::StateSetting {
        crate::config::StateSetting {
            url: url.to_string(),
            path: PathBuf::from("/repo/.statelint.yaml"),
            location: Location::resource("file:///repo/.statelint.yaml"),
        }
    }

    #[test]
    fn lint_config_state_sits_between_the_env_and_kops_config_files() {
        let home = tempfile::tempdir().expect("tempdir");
        std::fs::write(
            home.path().join(".kops.yaml"),
            "kops_state_store: s3://from-kops-yaml\n",
        )
        .expect("write .kops.yaml");
        let setting = lint_state("s3://from-lint-config");
        let input = ResolveInput {
            flag: None,
            config_file: None,
            lint_state: Some(&setting),
        };
        let env = MapEnv::new().with_home(home.path());
        let r = resolve(&input, &env, &SourceDb::new());
        assert_eq!(r.url.as_deref(), Some("s3://from-lint-config"));
        assert_eq!(r.source_id(), Some("lint-config"));
        let kops_yaml = r
            .candidates
            .iter()
            .find(|c| c.source.id() == "kops-yaml")
            .expect("kops.yaml candidate");
        assert!(matches!(kops_yaml.outcome, Outcome::Shadowed { .. }));

        let env = env.with_var(STATE_ENV, "s3://from-env");
        let r = resolve(&input, &env, &SourceDb::new());
        assert_eq!(r.url.as_deref(), Some("s3://from-env"));
        let lint = r
            .candidates
            .iter()
            .find(|c| c.source.id() == "lint-config")
            .expect("lint-config candidate");
        assert!(matches!(lint.outcome, Outcome::Shadowed { .. }));
        assert!(
            lint.label.contains("kops does not read it"),
            "{}",
            lint.label
        );
    }

    #[test]
    fn a_config_file_is_read_up_to_one_mebibyte_and_refused_beyond() {
        // Comments pad the file; the key comes last, so a truncated read would lose it.
        let padded = |size: usize| {
            let tail = "kops_state_store: s3://padded\n";
            let line = "# ".to_string() + &"x".repeat(97) + "\n";
            let mut text = line.repeat((size - tail.len()) / line.len());
            text.push_str(&" ".repeat(size - tail.len() - text.len()));
            text.push_str(tail);
            assert_eq!(text.len(), size);
            text
        };
        let home = home_with(&[(".kops.yaml", &padded(64 * 1024))]);
        let r = run(None, &MapEnv::new().with_home(home.path()));
        assert_eq!(r.url.as_deref(), Some("s3://padded"), "{:?}", r.findings);
        let exactly = MAX_CONFIG_BYTES as usize;
        let home = home_with(&[(".kops.yaml", &padded(exactly))]);
        let r = run(None, &MapEnv::new().with_home(home.path()));
        assert_eq!(r.url.as_deref(), Some("s3://padded"), "{:?}", r.findings);
        let home = home_with(&[(".kops.yaml", &padded(exactly + 1))]);
        let r = run(None, &MapEnv::new().with_home(home.path()));
        assert_eq!(r.url, None);
        assert!(
            r.findings.iter().any(|f| f
                .message
                .contains(&format!("larger than {MAX_CONFIG_BYTES} bytes"))),
            "{:?}",
            r.findings
        );
    }

    #[test]
    fn home_missing_is_only_a_candidate_when_nothing_won_and_no_file_was_given() {
        let home = home_with(&[]);
        let with_home = MapEnv::new().with_home(home.path());
        let no_home = MapEnv::new();
        let home_unset = |r: &Resolution| {
            r.candidates.iter().any(|c| {
                matches!(&c.outcome, Outcome::NotConsulted { reason } if reason == "HOME is not set")
            })
        };
        assert!(home_unset(&run(None, &no_home)));
        assert!(!home_unset(&run(None, &with_home)));
        assert!(!home_unset(&run(Some("s3://b/p"), &no_home)));
        assert!(!home_unset(&run(Some("s3://b/p"), &with_home)));
    }

    #[test]
    fn a_local_memfs_or_oss_store_gets_its_note() {
        for (flag, code) in [
            ("/srv/kops-state", "SL009"),
            ("file:///srv/kops-state", "SL009"),
            ("memfs://tests", diags::MEMFS_STORE.code),
            ("oss://bucket/kops", diags::OSS_REMOVED.code),
        ] {
            let r = run(Some(flag), &MapEnv::new());
            let codes: Vec<&str> = r.findings.iter().map(|f| f.code).collect();
            assert_eq!(codes, [code], "{flag}");
        }
        let r = run(Some("s3://bucket/kops"), &MapEnv::new());
        assert!(r.findings.is_empty(), "{:?}", r.findings);
    }
}
