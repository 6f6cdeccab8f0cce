//! Codes and typed constructors for store resolution (SL001-SL009).

use crate::findings::{code, CodeInfo, Finding, Location};
use crate::resolve::url::UrlError;

code!(
    NO_STATE_STORE,
    "SL001",
    "no-state-store",
    Error,
    "no state store is configured anywhere kops looks"
);

code!(
    EMPTY_STATE_STORE,
    "SL002",
    "empty-state-store",
    Warning,
    "a state store source is set but empty, so kops ignores it"
);

code!(
    INVALID_STORE_URL,
    "SL003",
    "invalid-store-url",
    Error,
    "the state store URL has a scheme kops does not know, or control characters"
);

code!(
    MISTYPED_STORE_URL,
    "SL028",
    "mistyped-store-url",
    Error,
    "the state store looks like a mistyped URL (`s3:/bucket`), which kops reads as a local folder"
);

code!(
    MISSING_BUCKET,
    "SL004",
    "missing-bucket",
    Error,
    "the state store URL names no bucket, container or account"
);

code!(
    UNREADABLE_CONFIG_FILE,
    "SL005",
    "unreadable-config-file",
    Error,
    "a kops config file exists but cannot be read"
);

code!(
    MALFORMED_CONFIG_FILE,
    "SL006",
    "malformed-config-file",
    Error,
    "a kops config file is not valid YAML or `kops_state_store` is not a string"
);

code!(
    OSS_REMOVED,
    "SL007",
    "oss-scheme-removed",
    Warning,
    "`oss://` (Alibaba OSS) was removed from kops in December 2021"
);

code!(
    MEMFS_STORE,
    "SL008",
    "memfs-store",
    Warning,
    "`memfs://` stores exist only inside one process; the kops CLI refuses them"
);

code!(
    LOCAL_STORE,
    "SL009",
    "local-store",
    Note,
    "a local `file://` store is for dry runs and review only"
);

pub static CODES: &[&CodeInfo] = &[
    &MISTYPED_STORE_URL,
    &NO_STATE_STORE,
    &EMPTY_STATE_STORE,
    &INVALID_STORE_URL,
    &MISSING_BUCKET,
    &UNREADABLE_CONFIG_FILE,
    &MALFORMED_CONFIG_FILE,
    &OSS_REMOVED,
    &MEMFS_STORE,
    &LOCAL_STORE,
];

pub fn no_state_store(location: Location) -> Finding {
    Finding::new(
        &NO_STATE_STORE,
        "state store: required value: no `--state`, `KOPS_STATE_STORE`, `$HOME/.kops.yaml` or `$HOME/.kops/config` value was found",
        location,
    )
    .with_help("set the --state flag or export KOPS_STATE_STORE, e.g. `export KOPS_STATE_STORE=s3://<bucket>/<prefix>`")
}

pub fn empty_state_store(source_label: &str, location: Location) -> Finding {
    Finding::new(
        &EMPTY_STATE_STORE,
        format!("{source_label} is set but empty, so it is ignored"),
        location,
    )
    .with_help("give it a value, or unset it so a lower-priority source is clearly intended")
}

pub fn bad_url(err: &UrlError, location: Location) -> Finding {
    let info = match err {
        UrlError::MissingBucket { .. } => &MISSING_BUCKET,
        UrlError::Empty => &EMPTY_STATE_STORE,
        _ => &INVALID_STORE_URL,
    };
    if let UrlError::UnknownScheme { scheme, url } = err {
        if let Some(meant) = crate::resolve::near_miss::scheme_for(scheme) {
            let fixed = format!("{}{}", meant.as_str(), &url[scheme.len()..]);
            return Finding::new(info, err.to_string(), location)
                .with_help(format!("did you mean `{fixed}`?"));
        }
    }
    let help = match err {
        UrlError::UnknownScheme { .. } => "use one of s3://, do://, scw://, linode://, hos://, gs://, azureblob://, swift://, k8s://, file:// or a local path",
        UrlError::MissingBucket { .. } => "put the bucket (or account/container) right after `://`",
        UrlError::ControlCharacter { .. } => "remove the control character (often a stray newline from a secret)",
        UrlError::InvalidBucket { .. } => "write the URL as `scheme://bucket/prefix`; credentials never belong in it",
        UrlError::Empty => "give the state store a value",
    };
    Finding::new(info, err.to_string(), location).with_help(help)
}

/// A bare path that is a mistyped URL: kops would read (or create) a local folder.
pub fn mistyped_store_url(typed: &str, meant: &str, location: Location) -> Finding {
    Finding::new(
        &MISTYPED_STORE_URL,
        format!("`{typed}` is read as a local folder, not as `{meant}`"),
        location,
    )
    .with_help(format!(
        "did you mean `{meant}`? kops reads a value without `://` as a local path"
    ))
}

pub fn unreadable_config_file(path: &str, err: &std::io::Error) -> Finding {
    Finding::new(
        &UNREADABLE_CONFIG_FILE,
        format!("cannot read kops config file `{path}`: {err}"),
        Location::resource(format!("file://{path}")),
    )
    .with_help(
        "kops reads only the first config file that exists; fix its permissions or remove it",
    )
}

pub fn malformed_config_file(what: String, location: Location) -> Finding {
    Finding::new(&MALFORMED_CONFIG_FILE, what, location)
        .with_help("the file must be a YAML mapping with `kops_state_store: <url>` as a string")
}

pub fn oss_removed(url: &str, location: Location) -> Finding {
    Finding::new(
        &OSS_REMOVED,
        format!("`{url}` uses `oss://`, which current kops no longer supports (removed in December 2021)"),
        location,
    )
    .with_help("statelint reads it as an S3-compatible endpoint; move the store to a supported backend for kops")
}

pub fn memfs_store(url: &str, location: Location) -> Finding {
    Finding::new(
        &MEMFS_STORE,
        format!("`{url}` is an in-memory store; the kops CLI refuses `memfs://`"),
        location,
    )
    .with_help("use a real backend such as s3:// or gs:// for clusters kops manages")
}

pub fn local_store(url: &str, location: Location) -> Finding {
    Finding::new(
        &LOCAL_STORE,
        format!("`{url}` is a local store: fine for review and dry runs, not for running clusters"),
        location,
    )
}
