//! `.statelint.yaml`: severity overrides and suppressions (SL9xx).
//!
//! The file is validated against `schemas/statelint-config.schema.json` (the same schema users
//! point their editors at), then decoded. A suppression must carry a reason; one that matches
//! nothing, or has expired, is itself reported so suppressions cannot rot silently.

use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use crate::codes;
use crate::document::Document;
use crate::findings::{code, CodeInfo, Finding, Location, Severity};
use crate::source::SourceDb;
use crate::yaml;

code!(
    UNUSED_SUPPRESSION,
    "SL900",
    "unused-suppression",
    Warning,
    "a suppression in `.statelint.yaml` matches no finding"
);

code!(
    INVALID_CONFIG,
    "SL901",
    "invalid-lint-config",
    Error,
    "`.statelint.yaml` is malformed or names an unknown code"
);

code!(
    EXPIRED_SUPPRESSION,
    "SL902",
    "expired-suppression",
    Warning,
    "a suppression's `expires` date has passed; it no longer hides findings"
);

pub static CODES: &[&CodeInfo] = &[&UNUSED_SUPPRESSION, &INVALID_CONFIG, &EXPIRED_SUPPRESSION];

/// The file name statelint looks for.
pub const FILE_NAME: &str = ".statelint.yaml";
/// How many folders up [`discover`] looks before giving up (a bound, not a policy).
const MAX_PARENTS: usize = 128;

/// The nearest `.statelint.yaml` in `start` or one of its parents, the way ruff finds
/// `ruff.toml`: a config at the repository root applies in every subfolder.
pub fn discover(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .take(MAX_PARENTS)
        .map(|dir| dir.join(FILE_NAME))
        .find(|candidate| candidate.is_file())
}

/// The path part of a `file://` URL under which a config text was registered.
fn url_path(url: &str) -> &str {
    url.strip_prefix("file://").unwrap_or(url)
}

/// The committed schema of the config file.
pub const SCHEMA: &str = include_str!("../schemas/statelint-config.schema.json");

static VALIDATOR: LazyLock<Option<jsonschema::Validator>> = LazyLock::new(|| {
    serde_json::from_str::<serde_json::Value>(SCHEMA)
        .ok()
        .and_then(|s| jsonschema::validator_for(&s).ok())
});

/// A severity override: a level, or `off`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Override {
    Level(Severity),
    Off,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppression {
    pub code: &'static str,
    pub cluster: Option<String>,
    pub reason: String,
    /// `(year, month, day)`.
    pub expires: Option<(i32, u32, u32)>,
    /// Where it is written, for SL900/SL902.
    pub location: Location,
}

/// The store named by the config file's `state:` key, with where it is written.
#[derive(Debug, Clone, PartialEq)]
pub struct StateSetting {
    pub url: String,
    /// The config file that names it.
    pub path: PathBuf,
    pub location: Location,
}

/// The decoded configuration.
#[derive(Debug, Clone, Default)]
pub struct LintConfig {
    /// `state:`, a store for statelint only (kops does not read this file).
    pub state: Option<StateSetting>,
    pub fail_on: Option<Severity>,
    pub max_file_size: Option<u64>,
    pub overrides: BTreeMap<&'static str, Override>,
    pub suppressions: Vec<Suppression>,
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
struct Raw {
    state: Option<String>,
    fail_on: Option<String>,
    max_file_size: Option<u64>,
    #[serde(default)]
    severity: BTreeMap<String, String>,
    #[serde(default)]
    suppress: Vec<RawSuppression>,
}

#[derive(Deserialize)]
struct RawSuppression {
    code: String,
    cluster: Option<String>,
    reason: String,
    expires: Option<String>,
}

/// Parses a config text registered as `url`. Problems are SL901 findings; the parts that
/// are valid still apply.
pub fn parse(url: &str, text: &str, sources: &SourceDb) -> (LintConfig, Vec<Finding>) {
    let id = sources.add(url, text);
    let mut findings = Vec::new();
    let Some(file) = sources.get(id) else {
        return (LintConfig::default(), findings);
    };
    let docs = match yaml::load(&file, yaml::Limits::default()) {
        Ok(d) => d,
        Err(e) => {
            let loc = Location::File {
                file: id,
                url: url.to_string(),
                span: e.span(),
            };
            findings.push(invalid(format!("`{url}` is not valid YAML"), loc, None));
            return (LintConfig::default(), findings);
        }
    };
    let Some(first) = docs.into_iter().next() else {
        return (LintConfig::default(), findings);
    };
    let doc = Document {
        file: id,
        source: file,
        value: first.value,
        index: first.index,
    };
    if doc.value.is_null() {
        return (LintConfig::default(), findings);
    }
    if let Some(v) = VALIDATOR.as_ref() {
        let mut schema_errors: Vec<_> = v
            .iter_errors(&doc.value)
            .map(|e| (e.instance_path().to_string(), e.to_string()))
            .collect();
        schema_errors.sort();
        if !schema_errors.is_empty() {
            for (pointer, message) in schema_errors {
                let loc = doc.location(&pointer);
                findings.push(invalid(
                    format!("`{}` {message}", display_pointer(&pointer)),
                    loc,
                    Some(pointer),
                ));
            }
            return (LintConfig::default(), findings);
        }
    }
    let raw: Raw = match serde_json::from_value(doc.value.clone()) {
        Ok(r) => r,
        Err(e) => {
            findings.push(invalid(
                format!("cannot decode `{url}`: {e}"),
                doc.location(""),
                None,
            ));
            return (LintConfig::default(), findings);
        }
    };
    let mut config = LintConfig {
        state: raw.state.map(|value| StateSetting {
            url: value,
            path: PathBuf::from(url_path(url)),
            location: doc.location("/state"),
        }),
        fail_on: raw.fail_on.as_deref().and_then(Severity::parse),
        max_file_size: raw.max_file_size,
        ..LintConfig::default()
    };
    for (key, level) in &raw.severity {
        let pointer = format!("/severity/{}", yaml::escape_pointer_token(key));
        let Some(info) = codes::lookup(key) else {
            findings.push(unknown_code(key, doc.key_location(&pointer), pointer));
            continue;
        };
        let o = if level == "off" {
            Override::Off
        } else {
            Severity::parse(level)
                .map(Override::Level)
                .unwrap_or(Override::Off)
        };
        config.overrides.insert(info.code, o);
    }
    for (i, s) in raw.suppress.iter().enumerate() {
        let pointer = format!("/suppress/{i}");
        let Some(info) = codes::lookup(&s.code) else {
            findings.push(unknown_code(
                &s.code,
                doc.location(&format!("{pointer}/code")),
                format!("{pointer}/code"),
            ));
            continue;
        };
        let expires = match s.expires.as_deref().map(parse_date) {
            Some(None) => {
                let p = format!("{pointer}/expires");
                findings.push(invalid(
                    format!(
                        "`{}` is not a valid date",
                        s.expires.as_deref().unwrap_or("")
                    ),
                    doc.location(&p),
                    Some(p),
                ));
                continue;
            }
            Some(Some(d)) => Some(d),
            None => None,
        };
        config.suppressions.push(Suppression {
            code: info.code,
            cluster: s.cluster.clone(),
            reason: s.reason.clone(),
            expires,
            location: doc.location(&pointer),
        });
    }
    (config, findings)
}

fn display_pointer(pointer: &str) -> String {
    if pointer.is_empty() {
        "(root)".to_string()
    } else {
        pointer.trim_start_matches('/').replace('/', ".")
    }
}

fn invalid(message: String, location: Location, pointer: Option<String>) -> Finding {
    let f = Finding::new(&INVALID_CONFIG, message, location).with_help(
        "see schemas/statelint-config.schema.json, or run `statelint init` for a commented example",
    );
    match pointer {
        Some(p) => f.with_pointer(p),
        None => f,
    }
}

fn unknown_code(code: &str, location: Location, pointer: String) -> Finding {
    Finding::new(&INVALID_CONFIG, format!("unknown code `{code}`"), location)
        .with_pointer(pointer)
        .with_help("`statelint rules` lists every code and name")
}

/// Parses `YYYY-MM-DD` into a checked calendar date.
pub fn parse_date(text: &str) -> Option<(i32, u32, u32)> {
    let mut parts = text.trim().splitn(3, '-');
    let y: i32 = parts.next()?.parse().ok()?;
    let m: u32 = parts.next()?.parse().ok()?;
    let d: u32 = parts.next()?.parse().ok()?;
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    ((1..=12).contains(&m) && d >= 1 && d <= days[(m - 1) as usize]).then_some((y, m, d))
}

/// Today's UTC date from the system clock.
pub fn today_utc() -> (i32, u32, u32) {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    civil_from_days((secs / 86_400) as i64)
}

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i32, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = (yoe + era * 400 + i64::from(m <= 2)) as i32;
    (y, m, d)
}

/// The result of applying a config to a run's findings.
#[derive(Debug, Default)]
pub struct Applied {
    pub findings: Vec<Finding>,
    pub suppressed: usize,
}

/// Applies severity overrides, then suppressions; adds SL900/SL902 for stale suppressions.
pub fn apply(config: &LintConfig, findings: Vec<Finding>, today: (i32, u32, u32)) -> Applied {
    let mut used = vec![false; config.suppressions.len()];
    let mut out = Applied::default();
    for mut f in findings {
        match config.overrides.get(f.code) {
            Some(Override::Off) => continue,
            Some(Override::Level(s)) => f.severity = *s,
            None => {}
        }
        let hit = config.suppressions.iter().position(|s| {
            s.code == f.code
                && s.expires.is_none_or(|e| e >= today)
                && s.cluster
                    .as_deref()
                    .is_none_or(|c| f.cluster.as_deref() == Some(c))
        });
        match hit {
            Some(i) => {
                used[i] = true;
                out.suppressed += 1;
            }
            None => out.findings.push(f),
        }
    }
    for (s, used) in config.suppressions.iter().zip(used) {
        if s.expires.is_some_and(|e| e < today) {
            let (y, m, d) = s.expires.unwrap_or_default();
            out.findings.push(
                Finding::new(
                    &EXPIRED_SUPPRESSION,
                    format!(
                        "suppression of `{}` expired on {y:04}-{m:02}-{d:02}",
                        s.code
                    ),
                    s.location.clone(),
                )
                .with_help(format!(
                    "fix the finding, or extend `expires` with a fresh reason (was: {})",
                    s.reason
                )),
            );
        } else if !used {
            let scope = s
                .cluster
                .as_deref()
                .map(|c| format!(" for cluster `{c}`"))
                .unwrap_or_default();
            out.findings.push(
                Finding::new(
                    &UNUSED_SUPPRESSION,
                    format!("suppression of `{}`{scope} matched no finding", s.code),
                    s.location.clone(),
                )
                .with_help("delete it: the problem it excused is gone"),
            );
        }
    }
    out
}

/// The short, commented `.statelint.yaml` that `statelint init` writes: one active line
/// (`fail-on`), everything else an example to uncomment. `store` and `cluster` make the
/// examples real when the store is known.
pub fn template(store: Option<&str>, cluster: Option<&str>) -> String {
    let state_line = match store {
        Some(url) => format!("# state: {url}\n"),
        None => "# state: s3://my-state-bucket/kops\n".to_string(),
    };
    let cluster = cluster.unwrap_or("prod.example.com");
    format!(
        "# statelint configuration (schema: schemas/statelint-config.schema.json).\n\
         # Found in this folder or the nearest parent; every key is optional.\n\
         \n\
         # The store to check when neither --state nor KOPS_STATE_STORE is set\n\
         # (statelint only: kops itself never reads this file).\n\
         {state_line}\
         \n\
         # Findings at or above this level fail `statelint check`: note | warning | error | critical.\n\
         fail-on: error\n\
         \n\
         # A code's severity, by code or name; `off` disables it.\n\
         # severity:\n\
         #   SL107: error\n\
         \n\
         # Hide a finding, always with the reason; `cluster` and `expires` are optional.\n\
         # A suppression that matches nothing is reported (SL900).\n\
         # suppress:\n\
         #   - code: SL101\n\
         #     cluster: {cluster}\n\
         #     reason: configBase moves with the planned migration\n\
         #     expires: 2099-12-31\n"
    )
}

#[cfg(test)]
mod tests {

    use super::*;

    const SAMPLE: &str = "fail-on: warning\nseverity:\n  SL015: off\n  unexpected-kind: warning\nsuppress:\n  - code: SL013\n    cluster: a.example.com\n    reason: being rebuilt\n  - code: SL014\n    reason: old\n    expires: 2020-01-01\n  - code: SL011\n    reason: nothing matches\n";

    #[test]
    fn parses_the_documented_shape() {
        let (c, f) = parse("file:///.statelint.yaml", SAMPLE, &SourceDb::new());
        assert!(f.is_empty(), "{f:?}");
        assert_eq!(c.fail_on, Some(Severity::Warning));
        assert_eq!(c.overrides.get("SL015"), Some(&Override::Off));
        assert_eq!(
            c.overrides.get("SL027"),
            Some(&Override::Level(Severity::Warning))
        );
        assert_eq!(c.suppressions.len(), 3);
        assert_eq!(c.suppressions[1].expires, Some((2020, 1, 1)));
    }

    #[test]
    fn reports_schema_errors_and_unknown_codes_with_positions() {
        let text = "severity:\n  SL999: off\nsuppress:\n  - code: SL101\nbogus: 1\n";
        let (_, f) = parse("file:///c.yaml", text, &SourceDb::new());
        assert!(!f.is_empty());
        assert!(f.iter().all(|f| f.code == "SL901"));
        let (_, f) = parse(
            "file:///c.yaml",
            "severity:\n  SL999: off\n",
            &SourceDb::new(),
        );
        assert_eq!(f.len(), 1);
        assert!(f[0].message.contains("SL999"));
        match &f[0].location {
            Location::File { span, .. } => assert_eq!(span.line, 2),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn applies_overrides_and_suppressions_and_reports_stale_ones() {
        use crate::store::diags;
        let (c, _) = parse("file:///.statelint.yaml", SAMPLE, &SourceDb::new());
        let findings = vec![
            diags::no_instance_groups("a.example.com", "file:///s/a.example.com"),
            diags::no_instance_groups("b.example.com", "file:///s/b.example.com"),
            diags::unexpected_object("a.example.com", "file:///s/a.example.com/x"),
            diags::legacy_cluster_spec("c.example.com", "file:///s/c.example.com"),
        ];
        let out = apply(&c, findings, (2026, 11, 24));
        let codes: Vec<_> = out
            .findings
            .iter()
            .map(|f| (f.code, f.cluster.clone()))
            .collect();
        assert_eq!(out.suppressed, 1);
        assert_eq!(
            codes,
            [
                ("SL013", Some("b.example.com".to_string())),
                ("SL014", Some("c.example.com".to_string())),
                ("SL902", None),
                ("SL900", None),
            ]
        );
    }

    #[test]
    fn schema_errors_name_the_key_as_written_in_the_file() {
        let text = "suppress:\n  - code: SL101\n    reason: 5\nbogus: 1\n";
        let (_, f) = parse("file:///c.yaml", text, &SourceDb::new());
        let messages: Vec<&str> = f.iter().map(|f| f.message.as_str()).collect();
        assert!(
            messages
                .iter()
                .any(|m| m.starts_with("`suppress.0.reason` ")),
            "{messages:?}"
        );
        assert!(
            messages.iter().any(|m| m.starts_with("`(root)` ")),
            "{messages:?}"
        );
    }

    #[test]
    fn a_suppression_works_through_its_expiry_day_and_is_stale_the_day_after() {
        let text = "suppress:\n  - code: SL014\n    reason: old\n    expires: 2026-12-03\n";
        let (c, f) = parse("file:///.statelint.yaml", text, &SourceDb::new());
        assert!(f.is_empty(), "{f:?}");
        let finding = || {
            vec![crate::store::diags::legacy_cluster_spec(
                "c.example.com",
                "file:///s/c.example.com",
            )]
        };
        let on_the_day = apply(&c, finding(), (2026, 12, 3));
        assert_eq!(on_the_day.suppressed, 1);
        assert!(on_the_day.findings.is_empty(), "{:?}", on_the_day.findings);
        let after = apply(&c, finding(), (2026, 12, 4));
        assert_eq!(after.suppressed, 0);
        let codes: Vec<&str> = after.findings.iter().map(|f| f.code).collect();
        assert_eq!(codes, ["SL014", "SL902"]);
    }

    #[test]
    fn keeps_the_schema_in_sync_with_the_decoder() {
        let schema: serde_json::Value = serde_json::from_str(SCHEMA).expect("schema is JSON");
        let props: Vec<_> = schema["properties"]
            .as_object()
            .expect("props")
            .keys()
            .cloned()
            .collect();
        assert_eq!(
            props,
            ["state", "fail-on", "max-file-size", "severity", "suppress"]
        );
        assert!(VALIDATOR.is_some(), "the committed schema compiles");
    }

    #[test]
    fn the_init_template_is_short_parses_clean_and_sets_only_fail_on() {
        for (store, cluster) in [
            (None, None),
            (Some("s3://bucket/kops"), Some("a.example.com")),
        ] {
            let text = template(store, cluster);
            let (config, findings) = parse("file:///p/.statelint.yaml", &text, &SourceDb::new());
            assert!(findings.is_empty(), "{findings:#?}\n{text}");
            assert_eq!(config.fail_on, Some(Severity::Error));
            assert!(config.state.is_none(), "the store line is only an example");
            assert!(config.overrides.is_empty() && config.suppressions.is_empty());
            assert!(text.lines().count() <= 25, "{text}");
            if let (Some(url), Some(name)) = (store, cluster) {
                assert!(text.contains(&format!("# state: {url}")), "{text}");
                assert!(text.contains(name), "{text}");
            }
        }
    }

    #[test]
    fn reads_the_state_key_with_its_location() {
        let sources = SourceDb::new();
        let (config, findings) = parse(
            "file:///repo/.statelint.yaml",
            "fail-on: error\nstate: s3://bucket/kops\n",
            &sources,
        );
        assert!(findings.is_empty(), "{findings:?}");
        let state = config.state.expect("state is read");
        assert_eq!(state.url, "s3://bucket/kops");
        assert_eq!(state.path, PathBuf::from("/repo/.statelint.yaml"));
        assert!(matches!(state.location, Location::File { .. }));
    }

    #[test]
    fn discovers_the_nearest_config_in_a_parent_folder() {
        let root = tempfile::tempdir().expect("tempdir");
        let deep = root.path().join("a").join("b");
        std::fs::create_dir_all(&deep).expect("mkdir");
        assert_eq!(discover(&deep), None);
        std::fs::write(root.path().join(FILE_NAME), "fail-on: error\n").expect("write");
        assert_eq!(discover(&deep), Some(root.path().join(FILE_NAME)));
        std::fs::write(deep.join(FILE_NAME), "fail-on: note\n").expect("write");
        assert_eq!(
            discover(&deep),
            Some(deep.join(FILE_NAME)),
            "the nearest wins"
        );
    }

    #[test]
    fn computes_calendar_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(20_781), (2026, 11, 24));
        assert_eq!(parse_date("2024-02-29"), Some((2024, 2, 29)));
        assert_eq!(parse_date("2025-02-29"), None);
    }

    #[test]
    fn calendar_edges_of_the_four_hundred_year_cycle() {
        // Days since 1970-01-01, from Python's datetime. The algorithm's era ends on
        // 2000-02-29 and the next starts on 2000-03-01; 1600 and 2000 are leap years,
        // 1900 and 2100 are not.
        for (days, date) in [
            (-1, (1969, 12, 31)),
            (-135_081, (1600, 2, 29)),
            (11_016, (2000, 2, 29)),
            (11_017, (2000, 3, 1)),
            (47_540, (2100, 2, 28)),
            (47_541, (2100, 3, 1)),
            (20_790, (2026, 12, 3)),
        ] {
            assert_eq!(civil_from_days(days), date, "day {days}");
        }
        assert_eq!(parse_date("2000-02-29"), Some((2000, 2, 29)));
        assert_eq!(parse_date("1900-02-29"), None);
        assert_eq!(parse_date("2100-02-29"), None);
        assert_eq!(parse_date("2100-02-28"), Some((2100, 2, 28)));
    }

    #[test]
    fn reads_max_file_size() {
        let (c, f) = parse(
            "file:///.statelint.yaml",
            "max-file-size: 1234\n",
            &SourceDb::new(),
        );
        assert!(f.is_empty(), "{f:?}");
        assert_eq!(c.max_file_size, Some(1234));
        let (c, _) = parse("file:///.statelint.yaml", SAMPLE, &SourceDb::new());
        assert_eq!(c.max_file_size, None);
    }

    #[test]
    fn today_is_the_date_of_a_file_written_now() {
        // The file system stamps the file from the kernel's clock: an outside witness.
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("now");
        std::fs::write(&path, b"now").expect("write");
        let before = today_utc();
        let written = std::fs::metadata(&path)
            .and_then(|m| m.modified())
            .expect("mtime")
            .duration_since(std::time::UNIX_EPOCH)
            .expect("after 1970")
            .as_secs();
        let stamped = civil_from_days((written / 86_400) as i64);
        let after = today_utc();
        assert!(
            stamped == before || stamped == after,
            "today {before:?}..{after:?}, file written {stamped:?}"
        );
        assert!(before.0 >= 2024, "{before:?}");
    }
}
