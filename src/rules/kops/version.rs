//! kops release versions, so rules can say from which release they apply and a check can
//! say which release it judged the store by.

use std::fmt;

/// A kops release as `MAJOR.MINOR.PATCH` (pre-release tags are kept for display only: a
/// rule that kops added in `1.37.0-alpha.1` applies to every `1.37` build).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KopsVersion {
    pub major: u32,
    pub minor: u32,
    pub patch: u32,
    /// `alpha.1` in `1.37.0-alpha.1`, empty for a release.
    pub pre: String,
}

/// The kops commit every ported rule was read from.
pub const KOPS_COMMIT: &str = "268927e26409f861634e18f3632c9dd483c350cf";

/// The newest kops release statelint knows (the pinned commit is on the 1.37 alpha line;
/// the newest tagged release before it is 1.36.2).
pub const NEWEST_KNOWN: Release = Release::new(1, 36, 2);

/// A release number usable in `const` tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Release {
    pub major: u32,
    pub minor: u32,
    pub patch: u32,
}

impl Release {
    pub const fn new(major: u32, minor: u32, patch: u32) -> Release {
        Release {
            major,
            minor,
            patch,
        }
    }
}

impl fmt::Display for Release {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

impl KopsVersion {
    /// Reads `1.36.2`, `v1.37.0-alpha.1`, `1.36` (patch 0) and the text kops writes to
    /// `kops-version.txt` (the same, possibly with a trailing newline or `+build`).
    pub fn parse(text: &str) -> Option<KopsVersion> {
        let text = text.trim();
        let text = text.strip_prefix('v').unwrap_or(text);
        let text = text.split_once('+').map_or(text, |(v, _)| v);
        let (core, pre) = text.split_once('-').unwrap_or((text, ""));
        let mut parts = core.split('.');
        let number = |p: Option<&str>| -> Option<u32> {
            let p = p?;
            if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) || p.len() > 9 {
                return None;
            }
            p.parse().ok()
        };
        let major = number(parts.next())?;
        let minor = number(parts.next())?;
        let patch = match parts.next() {
            None => 0,
            some => number(some)?,
        };
        if parts.next().is_some() {
            return None;
        }
        Some(KopsVersion {
            major,
            minor,
            patch,
            pre: pre.to_string(),
        })
    }

    pub fn release(&self) -> Release {
        Release::new(self.major, self.minor, self.patch)
    }

    /// Whether a rule that kops introduced in `since` applies to this version.
    pub fn at_least(&self, since: Release) -> bool {
        self.release() >= since
    }

    pub fn newest_known() -> KopsVersion {
        KopsVersion {
            major: NEWEST_KNOWN.major,
            minor: NEWEST_KNOWN.minor,
            patch: NEWEST_KNOWN.patch,
            pre: String::new(),
        }
    }
}

impl fmt::Display for KopsVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)?;
        if !self.pre.is_empty() {
            write!(f, "-{}", self.pre)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_what_kops_writes_and_what_users_type() {
        let v = KopsVersion::parse("1.37.0-alpha.1\n").expect("parses");
        assert_eq!(
            (v.major, v.minor, v.patch, v.pre.as_str()),
            (1, 37, 0, "alpha.1")
        );
        assert_eq!(
            KopsVersion::parse("v1.36").map(|v| v.release()),
            Some(Release::new(1, 36, 0))
        );
        assert_eq!(
            KopsVersion::parse("1.36.2+abc").map(|v| v.to_string()),
            Some("1.36.2".into())
        );
        for bad in ["", "1", "x.y", "1.36.2.1", "1..2", "1.36.-1"] {
            assert!(KopsVersion::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn an_alpha_counts_as_its_release_line() {
        let alpha = KopsVersion::parse("1.37.0-alpha.1").expect("parses");
        assert!(alpha.at_least(Release::new(1, 37, 0)));
        assert!(!KopsVersion::newest_known().at_least(Release::new(1, 37, 0)));
    }
}
