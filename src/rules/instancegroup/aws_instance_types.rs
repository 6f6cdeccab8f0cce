//! The offline catalogue of EC2 instance types (`data/aws-instance-types.txt`), generated
//! by `scripts/refresh-machine-types.sh` from the EC2 SDK enum kops vendors. kops asks EC2
//! at run time; statelint must answer without a network, so it ships the list.

use std::collections::HashSet;
use std::sync::OnceLock;

const DATA: &str = include_str!("../../../data/aws-instance-types.txt");

/// Every known instance type (`m5.large`), parsed once.
pub fn all() -> &'static HashSet<&'static str> {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| {
        DATA.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect()
    })
}

pub fn contains(instance_type: &str) -> bool {
    all().contains(instance_type)
}

/// The first comment line of the data file, which names where the list came from.
pub fn provenance() -> &'static str {
    DATA.lines()
        .next()
        .and_then(|l| l.strip_prefix("# "))
        .unwrap_or("data/aws-instance-types.txt")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalogue_is_loaded_and_holds_current_and_old_families() {
        assert!(all().len() > 1000, "{} types", all().len());
        for t in [
            "t3.medium",
            "m3.medium",
            "m6g.xlarge",
            "g4dn.xlarge",
            "c7i.large",
        ] {
            assert!(contains(t), "{t}");
        }
        for t in ["t3.mediun", "e2-medium", "", "# EC2"] {
            assert!(!contains(t), "{t}");
        }
        assert!(provenance().contains("kops"));
        // The file's header comments are not instance types.
        assert!(
            all().iter().all(|t| !t.is_empty() && !t.starts_with('#')),
            "a comment or blank line was read as a type"
        );
    }
}
