//! One typo, one finding. A misspelt key (`kubernetesVersoin`) is reported by the schema as
//! an unknown field (SL121), and the field it was meant to be is then missing, which the
//! schema (SL120) or a rule (SL109) reports too. Two errors for one keystroke send the user
//! looking for two problems; this folds the "missing" finding into the typo, which already
//! says "did you mean".

use crate::document::Document;
use crate::findings::{Finding, Location};
use crate::suggest::did_you_mean;

/// The code of the schema's unknown-field finding.
const UNKNOWN_FIELD: &str = "SL121";

/// Removes every finding about a missing field that an unknown sibling key in the same
/// document is a misspelling of; the typo keeps the higher of the two severities.
pub fn fold_missing_into_typos(findings: &mut Vec<Finding>, documents: &[&Document]) {
    let typos: Vec<(usize, &str, &str)> = findings
        .iter()
        .enumerate()
        .filter(|(_, f)| f.code == UNKNOWN_FIELD)
        .filter_map(|(i, f)| {
            let (parent, key) = split_pointer(f.pointer.as_deref()?)?;
            Some((i, parent, key))
        })
        .collect();
    // (the missing-field finding, the typo it folds into)
    let pairs: Vec<(usize, usize)> = findings
        .iter()
        .enumerate()
        .filter(|(_, f)| f.code != UNKNOWN_FIELD)
        .filter_map(|(i, f)| {
            let pointer = f.pointer.as_deref()?;
            let (parent, missing) = split_pointer(pointer)?;
            let doc = document_of(f, documents)?;
            if doc.value.pointer(pointer).is_some() {
                return None; // the field is there: this finding is about its value
            }
            typos
                .iter()
                .find(|(t, typo_parent, typo_key)| {
                    *typo_parent == parent
                        && same_file(&findings[*t], f)
                        && did_you_mean(typo_key, [missing]) == Some(missing)
                })
                .map(|(t, _, _)| (i, *t))
        })
        .collect();
    for &(missing, typo) in &pairs {
        let severity = findings[missing].severity.max(findings[typo].severity);
        findings[typo].severity = severity;
    }
    let mut index = 0;
    findings.retain(|_| {
        let keep = !pairs.iter().any(|(missing, _)| *missing == index);
        index += 1;
        keep
    });
}

/// `/spec/kubernetesVersion` -> (`/spec`, `kubernetesVersion`).
fn split_pointer(pointer: &str) -> Option<(&str, &str)> {
    let cut = pointer.rfind('/')?;
    Some((&pointer[..cut], &pointer[cut + 1..]))
}

fn same_file(a: &Finding, b: &Finding) -> bool {
    match (&a.location, &b.location) {
        (Location::File { file: x, .. }, Location::File { file: y, .. }) => x == y,
        _ => false,
    }
}

fn document_of<'a>(f: &Finding, documents: &[&'a Document]) -> Option<&'a Document> {
    let Location::File { file, .. } = &f.location else {
        return None;
    };
    documents.iter().copied().find(|d| d.file == *file)
}

#[cfg(test)]
mod tests {
    use crate::check::{check_store, CheckOptions};
    use crate::resolve::url::StoreUrl;
    use crate::source::SourceDb;
    use crate::vfs::mem::MemBackend;
    use crate::vfs::Backend;

    const HEAD: &str = "apiVersion: kops.k8s.io/v1alpha2\nkind: Cluster\nmetadata:\n  name: a.example.com\nspec:\n  configBase: memfs://typos/a.example.com\n";

    fn codes(spec_tail: &str) -> Vec<(&'static str, String)> {
        let url = StoreUrl::parse("memfs://typos").expect("valid URL");
        let backend = MemBackend::isolated(&url);
        backend
            .write(
                "a.example.com/config",
                format!("{HEAD}{spec_tail}").as_bytes(),
            )
            .expect("seed config");
        let sources = SourceDb::new();
        let outcome = check_store(&backend, &CheckOptions::default(), &sources, None);
        outcome
            .findings
            .iter()
            .map(|f| (f.code, f.severity.to_string()))
            .collect()
    }

    #[test]
    fn a_misspelt_required_key_is_one_error_not_two() {
        let found = codes("  kubernetesVersoin: 1.30.0\n");
        assert!(found.contains(&("SL121", "error".into())), "{found:?}");
        assert!(
            !found.iter().any(|(c, _)| *c == "SL109"),
            "the missing version is the typo: {found:?}"
        );
    }

    #[test]
    fn a_missing_key_without_a_near_miss_is_still_reported() {
        let found = codes("  kubeVersion: 1.30.0\n");
        assert!(found.iter().any(|(c, _)| *c == "SL109"), "{found:?}");
    }

    #[test]
    fn a_present_but_invalid_value_is_not_folded_into_a_typo() {
        let found = codes("  kubernetesVersion: banana\n  kubernetesVersoin: 1.30.0\n");
        assert!(found.iter().any(|(c, _)| *c == "SL109"), "{found:?}");
        assert!(found.iter().any(|(c, _)| *c == "SL121"), "{found:?}");
    }
}
