//! The table of every public code. Codes are a contract: never reuse one, retire with a
//! status. Each area of statelint owns its slice of the table, declared beside its checks.

use crate::findings::Severity;

/// Metadata of one public code; `doc` is the Markdown printed by `statelint explain`.
#[derive(Debug)]
pub struct CodeInfo {
    /// e.g. `SL101`.
    pub code: &'static str,
    /// kebab-case name, e.g. `config-base-mismatch`.
    pub name: &'static str,
    pub default_severity: Severity,
    /// One line: what the code means.
    pub summary: &'static str,
    /// Markdown with the sections "What it checks", "Why", "Example", "Fix".
    pub doc: &'static str,
}

/// Declares one code: `code!(STATIC, "SL123", "kebab-name", Severity, "summary", "doc")`.
/// The doc is Markdown with the sections "What it checks", "Why", "Example", "Fix".
macro_rules! code {
    ($id:ident, $code:literal, $name:literal, $sev:ident, $summary:literal, $doc:literal) => {
        pub static $id: $crate::codes::CodeInfo = $crate::codes::CodeInfo {
            code: $code,
            name: $name,
            default_severity: $crate::findings::Severity::$sev,
            summary: $summary,
            doc: $doc,
        };
    };
}
pub(crate) use code;

/// Every code, in code order.
pub fn all() -> Vec<&'static CodeInfo> {
    let mut codes: Vec<&'static CodeInfo> = Vec::new();
    codes.extend_from_slice(crate::resolve::diags::CODES);
    codes.extend_from_slice(crate::store::diags::CODES);
    codes.extend_from_slice(crate::vfs::diags::CODES);
    codes.extend_from_slice(crate::vfs::s3_diags::CODES);
    codes.extend_from_slice(crate::vfs::azure_diags::CODES);
    codes.extend_from_slice(crate::vfs::gcs_diags::CODES);
    codes.extend_from_slice(crate::vfs::swift_diags::CODES);
    codes.extend_from_slice(crate::vfs::k8s_diags::CODES);
    codes.extend_from_slice(crate::schema::CODES);
    codes.extend_from_slice(crate::rules::CODES);
    codes.extend_from_slice(crate::probes::diags::CODES);
    codes.extend_from_slice(crate::policy::lint::CODES);
    codes.extend_from_slice(crate::config::CODES);
    codes.extend_from_slice(crate::policy::diags::CODES);
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
