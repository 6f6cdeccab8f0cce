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

impl KopsVersion {
    /// Reads `1.36.2`, `v1.37.0-alpha.1`, `1.36` (patch 0) and the text kops writes to
    /// `kops-version.txt` (the same, possibly with a trailing newline or `+build`).
    pub fn parse(text: &str) -> Option<KopsVersion> {
        let text = text.trim();
        let text = text.strip_prefix('v').unwrap_or(text);
        let text = text.split_once('+').map_or(text, |(v, _)| v);
        let (core, pre) = text.split_once('-').unwrap_or((text, ""));
        let mut parts = core.split('.');
        // The text's `+` (build) and first `-` (pre-release) are cut off above, so `parse`
        // sees no sign: it takes digits only, and refuses an empty part or an overflow.
        let number = |p: Option<&str>| -> Option<u32> { p?.parse().ok() };
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

    /// Semantic-version order, as kops compares `kops-version.txt` with itself: a
    /// pre-release comes before its release.
    pub fn is_newer_than(&self, other: &KopsVersion) -> bool {
        match self.release().cmp(&other.release()) {
            std::cmp::Ordering::Equal => match (self.pre.is_empty(), other.pre.is_empty()) {
                (true, false) => true,
                (false, false) => pre_release_order(&self.pre, &other.pre).is_gt(),
                _ => false,
            },
            order => order.is_gt(),
        }
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

/// Semver pre-release order: numeric identifiers numerically and below alphanumeric ones,
/// then more identifiers after an equal prefix.
fn pre_release_order(a: &str, b: &str) -> std::cmp::Ordering {
    let (mut x, mut y) = (a.split('.'), b.split('.'));
    loop {
        match (x.next(), y.next()) {
            (None, None) => return std::cmp::Ordering::Equal,
            (None, Some(_)) => return std::cmp::Ordering::Less,
            (Some(_), None) => return std::cmp::Ordering::Greater,
            (Some(p), Some(q)) => {
                let order = match (p.parse::<u64>(), q.parse::<u64>()) {
                    (Ok(m), Ok(n)) => m.cmp(&n),
                    (Ok(_), Err(_)) => std::cmp::Ordering::Less,
                    (Err(_), Ok(_)) => std::cmp::Ordering::Greater,
                    (Err(_), Err(_)) => p.cmp(q),
                };
                if order.is_ne() {
                    return order;
                }
            }
        }
    }
}

/// Where the kops version a cluster is judged by came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VersionSource {
    /// `--kops-version`.
    Flag,
    /// The cluster's `kops-version.txt` in the store.
    StoreFile,
    /// Neither: the newest release statelint knows.
    NewestKnown,
}

impl VersionSource {
    pub fn describe(self) -> &'static str {
        match self {
            VersionSource::Flag => "from --kops-version",
            VersionSource::StoreFile => "from the cluster's kops-version.txt",
            VersionSource::NewestKnown => "the newest release statelint knows",
        }
    }
}

/// The version a cluster is judged by: `--kops-version`, else what the store says wrote
/// it last, else [`NEWEST_KNOWN`].
pub fn choose(
    flag: Option<&KopsVersion>,
    store: Option<&KopsVersion>,
) -> (KopsVersion, VersionSource) {
    match (flag, store) {
        (Some(v), _) => (v.clone(), VersionSource::Flag),
        (None, Some(v)) => (v.clone(), VersionSource::StoreFile),
        (None, None) => (KopsVersion::newest_known(), VersionSource::NewestKnown),
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
    fn the_flag_wins_then_the_store_then_the_newest_known() {
        let flag = KopsVersion::parse("1.34.0");
        let store = KopsVersion::parse("1.35.1");
        let pick = |f: &Option<KopsVersion>, s: &Option<KopsVersion>| {
            let (v, src) = choose(f.as_ref(), s.as_ref());
            (v.to_string(), src)
        };
        assert_eq!(pick(&flag, &store), ("1.34.0".into(), VersionSource::Flag));
        assert_eq!(
            pick(&None, &store),
            ("1.35.1".into(), VersionSource::StoreFile)
        );
        assert_eq!(
            pick(&None, &None),
            ("1.36.2".into(), VersionSource::NewestKnown)
        );
    }

    #[test]
    fn newer_follows_semver_order() {
        let v = |s| KopsVersion::parse(s).expect("version");
        assert!(v("1.37.0").is_newer_than(&v("1.37.0-alpha.1")));
        assert!(v("1.37.0-beta.1").is_newer_than(&v("1.37.0-alpha.2")));
        assert!(v("1.37.0-alpha.10").is_newer_than(&v("1.37.0-alpha.9")));
        assert!(!v("1.36.2").is_newer_than(&v("1.36.2")));
        assert!(!v("1.36.9").is_newer_than(&v("1.37.0-alpha.1")));
    }

    #[test]
    fn an_alpha_counts_as_its_release_line() {
        let alpha = KopsVersion::parse("1.37.0-alpha.1").expect("parses");
        assert!(alpha.at_least(Release::new(1, 37, 0)));
        assert!(!KopsVersion::newest_known().at_least(Release::new(1, 37, 0)));
    }
}
