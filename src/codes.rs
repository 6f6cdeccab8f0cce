//! The registry of every public code. Codes are a contract: never reuse one, retire with a
//! status. Each area of statelint declares its codes beside its checks (with
//! [`crate::findings::code`]); this module only gathers them, so it sits above every area
//! and nothing below imports it.

use crate::findings::CodeInfo;

/// Every code, in code order.
pub fn all() -> Vec<&'static CodeInfo> {
    let mut codes: Vec<&'static CodeInfo> = Vec::new();
    codes.extend_from_slice(crate::resolve::diags::CODES);
    codes.extend_from_slice(crate::store::diags::CODES);
    codes.extend_from_slice(crate::input::diags::CODES);
    codes.extend_from_slice(crate::vfs::diags::CODES);
    codes.extend_from_slice(crate::vfs::s3_diags::CODES);
    codes.extend_from_slice(crate::vfs::azure_diags::CODES);
    codes.extend_from_slice(crate::vfs::gcs_diags::CODES);
    codes.extend_from_slice(crate::vfs::swift_diags::CODES);
    codes.extend_from_slice(crate::vfs::k8s_diags::CODES);
    codes.extend_from_slice(crate::vfs::schedule_diags::CODES);
    codes.extend_from_slice(crate::schema::CODES);
    codes.extend_from_slice(crate::rules::CODES);
    codes.extend(crate::rules::kops::codes());
    codes.extend_from_slice(crate::rules::kops::store_version::CODES);
    codes.extend_from_slice(crate::rules::kops::additional_objects::CODES);
    codes.extend_from_slice(crate::rules::kops::cluster_update::CODES);
    codes.extend_from_slice(crate::probes::diags::CODES);
    codes.extend_from_slice(crate::policy::lint::CODES);
    codes.extend_from_slice(crate::config::CODES);
    codes.extend_from_slice(crate::policy::diags::CODES);
    codes.extend_from_slice(crate::policy::access::diags::CODES);
    codes.sort_by_key(|c| c.code);
    codes
}

/// Looks a code up by its code (`SL101`) or its name (`config-base-mismatch`).
pub fn lookup(key: &str) -> Option<&'static CodeInfo> {
    all()
        .into_iter()
        .find(|c| c.code.eq_ignore_ascii_case(key) || c.name == key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_are_unique_well_formed_and_documented() {
        let mut seen = HashSet::new();
        let mut names = HashSet::new();
        for c in all() {
            assert!(seen.insert(c.code), "duplicate code {}", c.code);
            assert!(names.insert(c.name), "duplicate name {}", c.name);
            assert!(
                c.code.len() == 5
                    && c.code.starts_with("SL")
                    && c.code[2..].bytes().all(|b| b.is_ascii_digit()),
                "bad code {}",
                c.code
            );
            assert!(
                c.name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b == b'-' || b.is_ascii_digit()),
                "bad name {}",
                c.name
            );
            for section in ["## What it checks", "## Why", "## Example", "## Fix"] {
                assert!(c.doc.contains(section), "{} doc lacks `{section}`", c.code);
            }
        }
    }
}
