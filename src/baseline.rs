//! Baselines: record today's findings, then fail only on new ones.
//!
//! An entry is keyed by rule, cluster, the object's path inside the store and the JSON
//! pointer, never by line numbers, so edits elsewhere in a file do not churn the baseline,
//! and the store's absolute location (a CI checkout path, a bucket name) does not matter.
//! Entries count: two identical keys in the baseline absorb at most two findings.

use serde::{Deserialize, Serialize};
use std::collections::HashMap;

use crate::findings::Finding;

/// Version of the baseline file format.
pub const BASELINE_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Baseline {
    pub version: u32,
    pub entries: Vec<Entry>,
}

/// One accepted finding.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Entry {
    pub code: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub cluster: String,
    /// Path of the object relative to the store root (or the full URI of a resource).
    pub object: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub pointer: String,
    /// For people reading the file; not part of the key.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub message: String,
}

/// Entries are equal when their keys are; the message is commentary.
impl PartialEq for Entry {
    fn eq(&self, other: &Entry) -> bool {
        self.key() == other.key()
    }
}

impl Eq for Entry {}

impl std::hash::Hash for Entry {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.key().hash(state);
    }
}

impl Entry {
    fn of(finding: &Finding, store_root: &str) -> Entry {
        let uri = finding.location.uri();
        let root = store_root.trim_end_matches('/');
        let object = uri
            .strip_prefix(root)
            .and_then(|rest| rest.strip_prefix('/'))
            .unwrap_or(uri);
        Entry {
            code: finding.code.to_string(),
            cluster: finding.cluster.clone().unwrap_or_default(),
            object: object.to_string(),
            pointer: finding.pointer.clone().unwrap_or_default(),
            message: finding.message.clone(),
        }
    }

    fn key(&self) -> (&str, &str, &str, &str) {
        (&self.code, &self.cluster, &self.object, &self.pointer)
    }
}

/// Why a baseline file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    #[error("baseline `{path}` is not valid: {detail}")]
    Invalid { path: String, detail: String },
    #[error(
        "baseline `{path}` has version {found}; this statelint reads version {BASELINE_VERSION}"
    )]
    Version { path: String, found: u32 },
}

impl Baseline {
    /// The baseline accepting exactly `findings`.
    pub fn record(findings: &[Finding], store_root: &str) -> Baseline {
        let mut entries: Vec<Entry> = findings.iter().map(|f| Entry::of(f, store_root)).collect();
        entries.sort_by(|a, b| a.key().cmp(&b.key()).then(a.message.cmp(&b.message)));
        Baseline {
            version: BASELINE_VERSION,
            entries,
        }
    }

    /// Parses a baseline file; `path` is only used in errors.
    pub fn parse(path: &str, text: &str) -> Result<Baseline, BaselineError> {
        let baseline: Baseline =
            serde_json::from_str(text).map_err(|e| BaselineError::Invalid {
                path: path.to_string(),
                detail: e.to_string(),
            })?;
        if baseline.version != BASELINE_VERSION {
            return Err(BaselineError::Version {
                path: path.to_string(),
                found: baseline.version,
            });
        }
        Ok(baseline)
    }

    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_else(|_| "{}".to_string());
        text.push('\n');
        text
    }

    /// Removes the findings the baseline accepts; returns the new ones and how many were
    /// absorbed.
    pub fn filter(&self, findings: Vec<Finding>, store_root: &str) -> (Vec<Finding>, usize) {
        let mut budget: HashMap<&Entry, usize> = HashMap::new();
        for e in &self.entries {
            *budget.entry(e).or_default() += 1;
        }
        let mut absorbed = 0;
        let mut fresh = Vec::new();
        for f in findings {
            let entry = Entry::of(&f, store_root);
            match budget.get_mut(&entry) {
                Some(n) if *n > 0 => {
                    *n -= 1;
                    absorbed += 1;
                }
                _ => fresh.push(f),
            }
        }
        (fresh, absorbed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::findings::Location;
    use crate::source::{FileId, Span};

    fn finding(code: &'static str, url: &str, line: usize, pointer: &str) -> Finding {
        let info = crate::codes::all()
            .into_iter()
            .find(|c| c.code == code)
            .expect("known code");
        let span = Span {
            line,
            column: 3,
            end_line: line,
            end_column: 9,
            offset: 0,
            length: 6,
        };
        Finding::new(
            info,
            "m",
            Location::File {
                file: FileId(0),
                url: url.into(),
                span,
            },
        )
        .with_cluster("c.example.com")
        .with_pointer(pointer)
    }

    #[test]
    fn round_trips_and_ignores_line_moves_and_store_location() {
        let before = vec![finding(
            "SL121",
            "file:///ci/1/store/c.example.com/config",
            6,
            "/spec/x",
        )];
        let baseline = Baseline::record(&before, "file:///ci/1/store");
        let text = baseline.to_json();
        assert!(
            !text.contains("/ci/1/"),
            "store root is not part of the key:\n{text}"
        );
        let parsed = Baseline::parse("b.json", &text).expect("parses");
        assert_eq!(parsed, baseline);

        // Same finding, moved down ten lines, in a checkout at another path.
        let after = vec![
            finding(
                "SL121",
                "file:///ci/2/store/c.example.com/config",
                16,
                "/spec/x",
            ),
            finding(
                "SL121",
                "file:///ci/2/store/c.example.com/config",
                17,
                "/spec/y",
            ),
        ];
        let (fresh, absorbed) = parsed.filter(after, "file:///ci/2/store/");
        assert_eq!(absorbed, 1);
        assert_eq!(fresh.len(), 1);
        assert_eq!(fresh[0].pointer.as_deref(), Some("/spec/y"));
    }

    #[test]
    fn entries_are_counted_not_deduplicated() {
        let one = finding("SL121", "file:///s/c.example.com/config", 1, "/spec/x");
        let baseline = Baseline::record(std::slice::from_ref(&one), "file:///s");
        let (fresh, absorbed) = baseline.filter(vec![one.clone(), one], "file:///s");
        assert_eq!((fresh.len(), absorbed), (1, 1));
    }

    #[test]
    fn rejects_other_versions_and_garbage() {
        assert!(matches!(
            Baseline::parse("b.json", r#"{"version": 9, "entries": []}"#),
            Err(BaselineError::Version { found: 9, .. })
        ));
        assert!(matches!(
            Baseline::parse("b.json", "not json"),
            Err(BaselineError::Invalid { .. })
        ));
    }

    #[test]
    fn each_entry_absorbs_only_its_own_finding() {
        // Many distinct keys (code, object, pointer): a loose equality would let one entry
        // absorb another's finding.
        let findings: Vec<Finding> = (0..300)
            .map(|i| {
                finding(
                    if i % 2 == 0 { "SL121" } else { "SL122" },
                    &format!("file:///s/c.example.com/instancegroup/g{}", i % 7),
                    1,
                    &format!("/spec/f{i}"),
                )
            })
            .collect();
        let baseline = Baseline::record(&findings[..150], "file:///s");
        let (fresh, absorbed) = baseline.filter(findings.clone(), "file:///s");
        assert_eq!(absorbed, 150);
        let fresh_pointers: Vec<_> = fresh.iter().filter_map(|f| f.pointer.clone()).collect();
        let expected: Vec<_> = findings[150..]
            .iter()
            .filter_map(|f| f.pointer.clone())
            .collect();
        assert_eq!(fresh_pointers, expected);
        // The message is commentary: it does not make two entries differ.
        let mut reworded = baseline.clone();
        reworded.entries[0].message = "said otherwise".into();
        assert_eq!(reworded, baseline);
        let mut moved = baseline.clone();
        moved.entries[0].pointer = "/spec/elsewhere".into();
        assert_ne!(moved, baseline);
    }
}
