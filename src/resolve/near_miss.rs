//! "Did you mean" for store URLs. kops reads anything without `://` as a local folder, so
//! `s3:/bucket` or `s3//bucket` silently becomes a folder named `s3:`; and an unknown scheme
//! such as `gcs://` is usually another tool's spelling of one kops knows.

use super::url::Scheme;
use crate::suggest::{did_you_mean, edit_distance};

/// Other tools' names for kops's schemes.
const ALIASES: &[(&str, Scheme)] = &[
    ("gcs", Scheme::Gs),
    ("gcp", Scheme::Gs),
    ("google", Scheme::Gs),
    ("azure", Scheme::AzureBlob),
    ("az", Scheme::AzureBlob),
    ("wasb", Scheme::AzureBlob),
    ("wasbs", Scheme::AzureBlob),
    ("abfs", Scheme::AzureBlob),
    ("abfss", Scheme::AzureBlob),
    ("s3a", Scheme::S3),
    ("s3n", Scheme::S3),
    ("minio", Scheme::S3),
    ("spaces", Scheme::Do),
    ("digitalocean", Scheme::Do),
    ("scaleway", Scheme::Scw),
    ("openstack", Scheme::Swift),
    ("kubernetes", Scheme::K8s),
    ("kube", Scheme::K8s),
];

/// The scheme an unknown scheme text most likely meant.
pub fn scheme_for(text: &str) -> Option<Scheme> {
    let lower = text.to_ascii_lowercase();
    if let Some((_, scheme)) = ALIASES.iter().find(|(alias, _)| *alias == lower) {
        return Some(*scheme);
    }
    let names = Scheme::ALL.map(Scheme::as_str);
    if lower.len() == 2 {
        // Too short for `did_you_mean`; one letter off a two-letter scheme (`s4`, `gz`) is
        // still a clear slip when only one scheme is that close.
        let close: Vec<&str> = names
            .iter()
            .copied()
            .filter(|n| n.len() == 2 && edit_distance(&lower, n) == 1)
            .collect();
        return match close.as_slice() {
            [one] => Scheme::parse(one),
            _ => None,
        };
    }
    let best = did_you_mean(&lower, names.iter().copied())?;
    Scheme::parse(best)
}

/// The URL a bare local path most likely meant, when it is a mistyped URL of a known
/// scheme: `s3:/b/p`, `s3:b/p`, `s3//b/p`, `s3:///b/p` all become `s3://b/p`. A path that
/// only happens to contain a colon (`./a:b`, `C:/x`) is left alone.
pub fn url_for_path(path: &str) -> Option<String> {
    let (scheme_text, rest) = match path.split_once(':') {
        Some((s, r)) => (s, r),
        None => path.split_once("//")?,
    };
    if scheme_text.is_empty() || !scheme_text.chars().all(|c| c.is_ascii_alphanumeric()) {
        return None;
    }
    // Exactly a kops scheme, or an alias; a near miss of a scheme name as well only when the
    // text is long enough for edit distance to mean something (`s4:` is not a drive letter).
    let scheme = Scheme::parse(scheme_text).or_else(|| {
        (scheme_text.len() >= 2)
            .then(|| scheme_for(scheme_text))
            .flatten()
    })?;
    let rest = rest.trim_start_matches('/');
    if rest.is_empty() {
        return None;
    }
    Some(format!("{}://{rest}", scheme.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mistyped_urls_of_known_schemes_are_recognised() {
        for (typed, meant) in [
            ("s3:/bucket/kops", "s3://bucket/kops"),
            ("s3:bucket", "s3://bucket"),
            ("s3//bucket", "s3://bucket"),
            ("s3:///bucket", "s3://bucket"),
            ("gs:/state", "gs://state"),
            ("gcs:/state", "gs://state"),
        ] {
            assert_eq!(url_for_path(typed).as_deref(), Some(meant), "{typed}");
        }
    }

    #[test]
    fn ordinary_paths_are_left_alone() {
        for path in [
            "./store",
            "/srv/kops-state",
            "C:/state",
            "a:b",
            "state",
            "s3:",
            "./s3:/x",
            // Near a scheme name, but not a plain word: a file name, not a mistyped URL.
            "s3.:/x",
            "gs-:/y",
        ] {
            assert_eq!(url_for_path(path), None, "{path}");
        }
    }

    #[test]
    fn unknown_schemes_get_the_scheme_they_meant() {
        assert_eq!(scheme_for("gcs"), Some(Scheme::Gs));
        assert_eq!(scheme_for("azure"), Some(Scheme::AzureBlob));
        assert_eq!(scheme_for("swfit"), Some(Scheme::Swift));
        assert_eq!(scheme_for("linod"), Some(Scheme::Linode));
        assert_eq!(scheme_for("s4"), Some(Scheme::S3));
        assert_eq!(scheme_for("ftp"), None);
    }
}
