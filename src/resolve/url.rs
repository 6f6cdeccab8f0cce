//! One typed URL for every kind of state store kops understands.
//!
//! Parsing follows kops's VFS rules: bucket (or container, account, context) = URL host,
//! key = URL path, no `://` means a local path, one trailing `/` is trimmed. Credentials
//! embedded in a URL are kept out of every rendering ([`StoreUrl::redacted`]).

use std::fmt;
use std::path::{Component, Path, PathBuf};

/// The VFS backend family a URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Scheme {
    S3,
    Do,
    Scw,
    Linode,
    Hos,
    Oss,
    Gs,
    AzureBlob,
    Swift,
    K8s,
    File,
    Memfs,
}

impl Scheme {
    pub const ALL: [Scheme; 12] = [
        Scheme::S3,
        Scheme::Do,
        Scheme::Scw,
        Scheme::Linode,
        Scheme::Hos,
        Scheme::Oss,
        Scheme::Gs,
        Scheme::AzureBlob,
        Scheme::Swift,
        Scheme::K8s,
        Scheme::File,
        Scheme::Memfs,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Scheme::S3 => "s3",
            Scheme::Do => "do",
            Scheme::Scw => "scw",
            Scheme::Linode => "linode",
            Scheme::Hos => "hos",
            Scheme::Oss => "oss",
            Scheme::Gs => "gs",
            Scheme::AzureBlob => "azureblob",
            Scheme::Swift => "swift",
            Scheme::K8s => "k8s",
            Scheme::File => "file",
            Scheme::Memfs => "memfs",
        }
    }

    pub fn parse(text: &str) -> Option<Scheme> {
        Scheme::ALL
            .into_iter()
            .find(|s| s.as_str().eq_ignore_ascii_case(text))
    }

    /// Spoken through an S3 client (AWS itself or an S3-compatible endpoint).
    pub fn is_s3_family(self) -> bool {
        matches!(
            self,
            Scheme::S3 | Scheme::Do | Scheme::Scw | Scheme::Linode | Scheme::Hos | Scheme::Oss
        )
    }

    /// Whether the host part names a bucket/container that must not be empty.
    fn requires_host(self) -> bool {
        !matches!(self, Scheme::File | Scheme::K8s)
    }
}

impl fmt::Display for Scheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a string is not a usable store URL.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UrlError {
    #[error("the state store value is empty")]
    Empty,
    #[error("unknown scheme `{scheme}` in `{url}`")]
    UnknownScheme { scheme: String, url: String },
    #[error("`{url}` names no {what}")]
    MissingBucket { url: String, what: &'static str },
    #[error("`{url}` contains a control character")]
    ControlCharacter { url: String },
    #[error("`{url}`: a {what} name has only letters, digits, `.`, `-` and `_`")]
    InvalidBucket { url: String, what: &'static str },
}

/// A parsed state-store location.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct StoreUrl {
    pub scheme: Scheme,
    /// Bucket, container, Azure account, memfs name or kube context (empty for local paths).
    pub host: String,
    /// Key prefix without leading or trailing `/`. For `file` it is the absolute or relative
    /// path as given (leading `/` kept).
    pub path: String,
    /// Whether the input had no scheme (a bare local path).
    pub bare_path: bool,
    /// `user:password@` found in the input, never rendered.
    has_userinfo: bool,
    /// Query string found in the input (rendered with its values hidden).
    query_keys: Vec<String>,
}

impl StoreUrl {
    /// Parses a store URL the way kops's VFS context does.
    pub fn parse(input: &str) -> Result<StoreUrl, UrlError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(UrlError::Empty);
        }
        if trimmed.chars().any(char::is_control) {
            return Err(UrlError::ControlCharacter {
                url: redact_raw(trimmed),
            });
        }
        let Some((scheme_text, rest)) = trimmed.split_once("://") else {
            return Ok(StoreUrl::local(trimmed, true));
        };
        let scheme = Scheme::parse(scheme_text).ok_or_else(|| UrlError::UnknownScheme {
            scheme: scheme_text.to_string(),
            url: redact_raw(trimmed),
        })?;
        if scheme == Scheme::File {
            return Ok(StoreUrl::local(rest, false));
        }
        let (rest, query_keys) = match rest.split_once('?') {
            Some((r, q)) => (
                r,
                q.split('&')
                    .filter(|p| !p.is_empty())
                    .map(|p| p.split('=').next().unwrap_or("").to_string())
                    .collect(),
            ),
            None => (rest, Vec::new()),
        };
        let (authority, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i + 1..]),
            None => (rest, ""),
        };
        let (has_userinfo, host) = match authority.rfind('@') {
            Some(i) => (true, &authority[i + 1..]),
            None => (false, authority),
        };
        if host.is_empty() && scheme.requires_host() {
            return Err(UrlError::MissingBucket {
                url: redact_raw(trimmed),
                what: host_word(scheme),
            });
        }
        // Bucket, container and account names are plain (kube contexts are not: EKS ones
        // hold `:` and `/`). Anything else is usually credentials or a query misplaced
        // before the `@`, and must not be shown as a "bucket".
        let plain = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_');
        if scheme != Scheme::K8s && !host.chars().all(plain) {
            return Err(UrlError::InvalidBucket {
                url: redact_raw(trimmed),
                what: host_word(scheme),
            });
        }
        let path = path.trim_matches('/').to_string();
        if scheme == Scheme::AzureBlob && path.split('/').next().unwrap_or("").is_empty() {
            return Err(UrlError::MissingBucket {
                url: redact_raw(trimmed),
                what: "container (expected azureblob://<account>/<container>/<key>)",
            });
        }
        Ok(StoreUrl {
            scheme,
            host: host.to_string(),
            path,
            bare_path: false,
            has_userinfo,
            query_keys,
        })
    }

    fn local(path: &str, bare: bool) -> StoreUrl {
        let mut p = path.to_string();
        if p.len() > 1 && p.ends_with('/') {
            p.pop();
        }
        StoreUrl {
            scheme: Scheme::File,
            host: String::new(),
            path: p,
            bare_path: bare,
            has_userinfo: false,
            query_keys: Vec::new(),
        }
    }

    /// A `file://` URL for a local directory.
    pub fn from_path(path: &Path) -> StoreUrl {
        StoreUrl::local(&path.to_string_lossy(), false)
    }

    /// The URL of a key below this one.
    pub fn join(&self, key: &str) -> StoreUrl {
        let key = key.trim_matches('/');
        let mut out = self.clone();
        if key.is_empty() {
            return out;
        }
        out.path = if self.path.is_empty() {
            key.to_string()
        } else if self.path == "/" {
            format!("/{key}")
        } else {
            format!("{}/{key}", self.path)
        };
        out
    }

    /// For local stores, the directory this URL names (relative paths resolved against `cwd`).
    pub fn local_path(&self, cwd: Option<&Path>) -> Option<PathBuf> {
        if self.scheme != Scheme::File {
            return None;
        }
        let p = Path::new(&self.path);
        Some(match (p.is_absolute(), cwd) {
            (false, Some(cwd)) => normalize(&cwd.join(p)),
            _ => normalize(p),
        })
    }

    /// For Azure: the storage account, container and key below it.
    pub fn azure_parts(&self) -> Option<(&str, &str, &str)> {
        if self.scheme != Scheme::AzureBlob {
            return None;
        }
        let (container, key) = self.path.split_once('/').unwrap_or((&self.path, ""));
        Some((&self.host, container, key))
    }

    /// Whether two URLs name the same place (scheme, host, normalized path).
    pub fn same_location(&self, other: &StoreUrl, cwd: Option<&Path>) -> bool {
        if self.scheme == Scheme::File && other.scheme == Scheme::File {
            return self.local_path(cwd) == other.local_path(cwd);
        }
        self.scheme == other.scheme && self.host == other.host && self.path == other.path
    }

    /// The URL with credentials and query values hidden; safe to print.
    pub fn redacted(&self) -> String {
        if self.scheme == Scheme::File {
            return if self.bare_path {
                self.path.clone()
            } else {
                format!("file://{}", self.path)
            };
        }
        let mut out = format!("{}://", self.scheme);
        if self.has_userinfo {
            out.push_str("***@");
        }
        out.push_str(&self.host);
        if !self.path.is_empty() {
            out.push('/');
            out.push_str(&self.path);
        }
        if !self.query_keys.is_empty() {
            // Keys are shown when they look like parameter names (`sv`, `sig`); anything
            // else may be pasted credentials and is hidden like the values.
            let plain = |k: &str| {
                !k.is_empty()
                    && k.len() <= 32
                    && k.chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            };
            let q: Vec<String> = self
                .query_keys
                .iter()
                .map(|k| {
                    if plain(k) {
                        format!("{k}=***")
                    } else {
                        "***".to_string()
                    }
                })
                .collect();
            out.push('?');
            out.push_str(&q.join("&"));
        }
        out
    }
}

impl fmt::Display for StoreUrl {
    /// Always the redacted form.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

fn host_word(scheme: Scheme) -> &'static str {
    match scheme {
        Scheme::AzureBlob => "storage account",
        Scheme::Swift => "container",
        Scheme::Memfs => "memfs name",
        _ => "bucket",
    }
}

/// Redacts an input that failed to parse: hides `userinfo@` and query values.
pub fn redact_raw(input: &str) -> String {
    let mut s: String = input
        .chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect();
    // Credentials first: a `?` inside them must not hide the `@` that ends them.
    if let Some(start) = s.find("://").map(|i| i + 3) {
        let end = s[start..].find('/').map(|i| start + i).unwrap_or(s.len());
        if let Some(at) = s[start..end].rfind('@') {
            s.replace_range(start..start + at, "***");
        }
    }
    if let Some(q) = s.find('?') {
        s.truncate(q);
        s.push_str("?***");
    }
    s
}

/// Lexically removes `.` and `..` (no file-system access).
fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_scheme_kops_knows() {
        for (input, scheme, host, path) in [
            ("s3://bucket/prefix/", Scheme::S3, "bucket", "prefix"),
            ("do://space", Scheme::Do, "space", ""),
            ("scw://b/p", Scheme::Scw, "b", "p"),
            ("linode://b/p", Scheme::Linode, "b", "p"),
            ("hos://b/p", Scheme::Hos, "b", "p"),
            ("oss://b/p", Scheme::Oss, "b", "p"),
            ("gs://b/a/b", Scheme::Gs, "b", "a/b"),
            (
                "azureblob://acct/cont/k",
                Scheme::AzureBlob,
                "acct",
                "cont/k",
            ),
            ("swift://c/p", Scheme::Swift, "c", "p"),
            ("k8s://", Scheme::K8s, "", ""),
            ("k8s://prod-ctx", Scheme::K8s, "prod-ctx", ""),
            ("memfs://tests", Scheme::Memfs, "tests", ""),
            ("S3://Bucket/x", Scheme::S3, "Bucket", "x"),
        ] {
            let url = StoreUrl::parse(input).unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(
                (url.scheme, url.host.as_str(), url.path.as_str()),
                (scheme, host, path),
                "{input}"
            );
        }
    }

    #[test]
    fn bare_and_file_paths_are_local() {
        let bare = StoreUrl::parse("/var/kops/").expect("bare");
        assert_eq!(
            (bare.scheme, bare.path.as_str(), bare.bare_path),
            (Scheme::File, "/var/kops", true)
        );
        let file = StoreUrl::parse("file:///var/kops").expect("file");
        assert!(bare.same_location(&file, None));
        assert_eq!(file.redacted(), "file:///var/kops");
    }

    #[test]
    fn rejects_bad_values_with_typed_errors() {
        assert_eq!(StoreUrl::parse("  "), Err(UrlError::Empty));
        assert!(matches!(
            StoreUrl::parse("ftp://x"),
            Err(UrlError::UnknownScheme { .. })
        ));
        assert!(matches!(
            StoreUrl::parse("s3:///prefix"),
            Err(UrlError::MissingBucket { .. })
        ));
        assert!(matches!(
            StoreUrl::parse("azureblob://acct"),
            Err(UrlError::MissingBucket { .. })
        ));
        assert!(matches!(
            StoreUrl::parse("s3://b\n/x"),
            Err(UrlError::ControlCharacter { .. })
        ));
    }

    #[test]
    fn never_renders_credentials() {
        let url =
            StoreUrl::parse("s3://AKIAEXAMPLE:s3cr3t@bucket/p?X-Amz-Signature=abc").expect("parse");
        let shown = url.redacted();
        assert!(
            !shown.contains("s3cr3t") && !shown.contains("AKIAEXAMPLE") && !shown.contains("abc"),
            "{shown}"
        );
        assert_eq!(shown, "s3://***@bucket/p?X-Amz-Signature=***");
        let err = StoreUrl::parse("ftp://user:pw@host/x?sig=zzz").expect_err("unknown");
        assert!(
            !err.to_string().contains("pw") && !err.to_string().contains("zzz"),
            "{err}"
        );
    }

    #[test]
    fn join_builds_child_keys() {
        let url = StoreUrl::parse("s3://b/store").expect("parse");
        assert_eq!(
            url.join("c.example.com/config").redacted(),
            "s3://b/store/c.example.com/config"
        );
        let root = StoreUrl::parse("gs://b").expect("parse");
        assert_eq!(root.join("/x/").redacted(), "gs://b/x");
    }

    /// Found by mutation testing: each case fails when one comparison or branch of the
    /// parser or of redaction is flipped.
    #[test]
    fn redaction_shows_plain_query_keys_and_hides_everything_else() {
        let long_key = "k".repeat(32);
        for (input, shown) in [
            ("s3://u:p@b", "s3://***@b"),
            ("s3://b/p?sv=1&sig=2", "s3://b/p?sv=***&sig=***"),
            ("s3://b?a_b-c=1", "s3://b?a_b-c=***"),
            ("s3://b?a.b=1", "s3://b?***"),
            ("s3://b?=x", "s3://b?***"),
            ("s3://b?a&&b", "s3://b?a=***&b=***"),
            (
                &format!("s3://b?{long_key}=1"),
                &format!("s3://b?{long_key}=***"),
            ),
            (&format!("s3://b?{long_key}k=1"), "s3://b?***"),
            ("memfs://t/x", "memfs://t/x"),
            ("k8s://", "k8s://"),
        ] {
            let url = StoreUrl::parse(input).unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(url.redacted(), shown, "{input}");
            assert_eq!(url.to_string(), shown, "{input}");
        }
        for (input, shown) in [
            ("s3://user:p@ss@bucket/x?sig=1", "s3://***@bucket/x?***"),
            ("s3://user:pw@b", "s3://***@b"),
            ("gcs://b/p?k=v", "gcs://b/p?***"),
            ("no-scheme@host?x", "no-scheme@host?***"),
            ("s3://b/\u{7}x", "s3://b/?***"),
        ] {
            assert_eq!(redact_raw(input), shown, "{input}");
        }
    }

    #[test]
    fn parse_errors_name_what_is_missing_and_never_the_credentials() {
        let err = |input: &str| StoreUrl::parse(input).expect_err(input).to_string();
        assert_eq!(err("s3://"), "`s3://` names no bucket");
        assert_eq!(err("swift:///p"), "`swift:///p` names no container");
        assert_eq!(err("memfs://"), "`memfs://` names no memfs name");
        assert_eq!(
            err("azureblob://"),
            "`azureblob://` names no storage account"
        );
        assert_eq!(
            err("azureblob://acct"),
            "`azureblob://acct` names no container (expected azureblob://<account>/<container>/<key>)"
        );
        assert_eq!(
            err("s3://b\u{7}"),
            "`s3://b?***` contains a control character"
        );
        let text = err("s3://key:secret@b!x/p");
        assert!(!text.contains("secret"), "{text}");
        assert_eq!(err("gcs://b"), "unknown scheme `gcs` in `gcs://b`");
        // A kube context may hold `:` and `/`; a bucket may not.
        assert!(StoreUrl::parse("k8s://arn:aws:eks:ctx").is_ok());
        assert!(StoreUrl::parse("s3://a:b").is_err());
        assert!(StoreUrl::parse("file://").is_ok());
    }

    #[test]
    fn scheme_families_local_paths_and_locations() {
        for scheme in Scheme::ALL {
            assert_eq!(Scheme::parse(scheme.as_str()), Some(scheme));
            assert_eq!(scheme.to_string(), scheme.as_str());
            assert_eq!(
                scheme.is_s3_family(),
                ["s3", "do", "scw", "linode", "hos", "oss"].contains(&scheme.as_str()),
                "{scheme}"
            );
        }
        assert_eq!(Scheme::parse("s4"), None);
        // A trailing slash goes, a lone `/` stays.
        assert_eq!(StoreUrl::parse("/").expect("parse").path, "/");
        assert_eq!(StoreUrl::parse("a/").expect("parse").path, "a");
        assert_eq!(StoreUrl::parse("ab").expect("parse").path, "ab");
        let cwd = Path::new("/work/x");
        let rel = StoreUrl::parse("../store").expect("parse");
        assert_eq!(
            rel.local_path(Some(cwd)),
            Some(PathBuf::from("/work/store"))
        );
        assert_eq!(rel.local_path(None), Some(PathBuf::from("store")));
        assert_eq!(
            StoreUrl::parse("s3://b").expect("parse").local_path(None),
            None
        );
        assert!(rel.same_location(&StoreUrl::parse("/work/store").expect("parse"), Some(cwd)));
        assert!(!rel.same_location(&StoreUrl::parse("/work/other").expect("parse"), Some(cwd)));
        let at = |u: &str| StoreUrl::parse(u).expect("parse");
        assert!(at("s3://b/p").same_location(&at("S3://b/p/"), None));
        assert!(!at("s3://b/p").same_location(&at("gs://b/p"), None));
        assert!(!at("s3://b/p").same_location(&at("s3://c/p"), None));
        assert!(!at("s3://b/p").same_location(&at("s3://b/q"), None));
        assert_eq!(
            at("azureblob://acct/cont/a/b").azure_parts(),
            Some(("acct", "cont", "a/b"))
        );
        assert_eq!(
            at("azureblob://acct/cont").azure_parts(),
            Some(("acct", "cont", ""))
        );
        assert_eq!(at("s3://acct/cont").azure_parts(), None);
        assert_eq!(at("/").join("k").path, "/k");
        assert_eq!(at("s3://b").join("").redacted(), "s3://b");
        assert_eq!(
            StoreUrl::from_path(Path::new("/d/")).redacted(),
            "file:///d"
        );
    }
}
