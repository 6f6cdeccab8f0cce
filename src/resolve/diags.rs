//! Codes and typed constructors for store resolution (SL001-SL009).

use crate::codes::CodeInfo;
use crate::findings::{Finding, Location, Severity};
use crate::resolve::url::UrlError;

pub static NO_STATE_STORE: CodeInfo = CodeInfo {
    code: "SL001",
    name: "no-state-store",
    default_severity: Severity::Error,
    summary: "no state store is configured anywhere kops looks",
    doc: r#"## What it checks
That one of the places kops reads the state store from has a value: the `--state` flag,
`KOPS_STATE_STORE`, `$HOME/.kops.yaml` or `$HOME/.kops/config` (key `kops_state_store`).

## Why
Without a store kops stops with "State Store: Required value: Please set the --state flag or
export KOPS_STATE_STORE". Catching it before a pipeline runs kops saves a failed job.

## Example
A CI job that forgot to export the variable:
```sh
unset KOPS_STATE_STORE; statelint resolve
```

## Fix
Export `KOPS_STATE_STORE=s3://<bucket>/<prefix>` or pass `--state`.
"#,
};

pub static EMPTY_STATE_STORE: CodeInfo = CodeInfo {
    code: "SL002",
    name: "empty-state-store",
    default_severity: Severity::Warning,
    summary: "a state store source is set but empty, so kops ignores it",
    doc: r#"## What it checks
A source that is present but blank: `KOPS_STATE_STORE=""`, `--state ""`, or
`kops_state_store: ""` in a config file.

## Why
An empty value looks configured but is skipped, so a lower-priority source (often a stale
`~/.kops.yaml`) silently wins.

## Example
```sh
export KOPS_STATE_STORE=   # set, but empty
```

## Fix
Give it a value or unset it so the intent is clear.
"#,
};

pub static INVALID_STORE_URL: CodeInfo = CodeInfo {
    code: "SL003",
    name: "invalid-store-url",
    default_severity: Severity::Error,
    summary: "the state store URL has a scheme kops does not know, or control characters",
    doc: r#"## What it checks
That the winning value parses as a store URL: a known scheme (`s3`, `do`, `scw`, `linode`, `hos`,
`gs`, `azureblob`, `swift`, `k8s`, `file`, `memfs`, legacy `oss`) or a bare local path.

## Why
kops fails on an unknown scheme only when it first touches the store; a typo such as `s3a://`
is better caught before anything runs.

## Example
```sh
KOPS_STATE_STORE=s3a://my-bucket/kops
```

## Fix
Use one of the supported schemes, e.g. `s3://my-bucket/kops`.
"#,
};

pub static MISSING_BUCKET: CodeInfo = CodeInfo {
    code: "SL004",
    name: "missing-bucket",
    default_severity: Severity::Error,
    summary: "the state store URL names no bucket, container or account",
    doc: r#"## What it checks
That the host part of the URL (the bucket for S3-style stores, the account and container for
`azureblob://`) is not empty.

## Why
kops treats the host as the bucket; `s3:///kops` has none and every request fails.

## Example
```sh
KOPS_STATE_STORE=s3:///clusters
```

## Fix
Put the bucket right after `://`: `s3://my-bucket/clusters`.
"#,
};

pub static UNREADABLE_CONFIG_FILE: CodeInfo = CodeInfo {
    code: "SL005",
    name: "unreadable-config-file",
    default_severity: Severity::Error,
    summary: "a kops config file exists but cannot be read",
    doc: r#"## What it checks
That `$HOME/.kops.yaml`, `$HOME/.kops/config` or the file named by `--config` can be read
when it exists.

## Why
kops reads only the first config file that exists; if that one is unreadable its store value
is lost and kops errors out.

## Example
```sh
chmod 000 ~/.kops.yaml
```

## Fix
Fix the file's permissions or remove it.
"#,
};

pub static MALFORMED_CONFIG_FILE: CodeInfo = CodeInfo {
    code: "SL006",
    name: "malformed-config-file",
    default_severity: Severity::Error,
    summary: "a kops config file is not valid YAML or `kops_state_store` is not a string",
    doc: r#"## What it checks
That the kops config file kops would read is a YAML mapping and that `kops_state_store`
(matched case-insensitively) is a string.

## Why
A broken config file makes kops fail before it reads any flag-less default.

## Example
```yaml
kops_state_store: [s3://bucket]
```

## Fix
Write `kops_state_store: s3://bucket/prefix` as a plain string.
"#,
};

pub static OSS_REMOVED: CodeInfo = CodeInfo {
    code: "SL007",
    name: "oss-scheme-removed",
    default_severity: Severity::Warning,
    summary: "`oss://` (Alibaba OSS) was removed from kops in December 2021",
    doc: r#"## What it checks
Stores using the `oss://` scheme.

## Why
Current kops no longer has an OSS backend. statelint still reads such a store through its
S3-compatible endpoint, but kops itself will not.

## Example
```sh
KOPS_STATE_STORE=oss://my-bucket/kops
```

## Fix
Move the store to a supported backend (`statelint migrate`), or keep an old kops release.
"#,
};

pub static MEMFS_STORE: CodeInfo = CodeInfo {
    code: "SL008",
    name: "memfs-store",
    default_severity: Severity::Warning,
    summary: "`memfs://` stores exist only inside one process; the kops CLI refuses them",
    doc: r#"## What it checks
Stores using `memfs://`.

## Why
kops uses memfs only in its own tests. A config pointing at memfs cannot work for a real
cluster.

## Example
```sh
KOPS_STATE_STORE=memfs://tests
```

## Fix
Point at a real backend (`s3://`, `gs://`, ...).
"#,
};

pub static LOCAL_STORE: CodeInfo = CodeInfo {
    code: "SL009",
    name: "local-store",
    default_severity: Severity::Note,
    summary: "a local `file://` store is for dry runs and review only",
    doc: r#"## What it checks
Stores on local disk (`file://` or a bare path).

## Why
kops warns that a local store is not functional for running clusters: nodes cannot read it.

## Example
```sh
statelint check --state file:///tmp/store
```

## Fix
Nothing, if this is a review copy; use a cloud store for real clusters.
"#,
};

pub static CODES: &[&CodeInfo] = &[
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
    let help = match err {
        UrlError::UnknownScheme { .. } => "use one of s3://, do://, scw://, linode://, hos://, gs://, azureblob://, swift://, k8s://, file:// or a local path",
        UrlError::MissingBucket { .. } => "put the bucket (or account/container) right after `://`",
        UrlError::ControlCharacter { .. } => "remove the control character (often a stray newline from a secret)",
        UrlError::InvalidBucket { .. } => "write the URL as `scheme://bucket/prefix`; credentials never belong in it",
        UrlError::Empty => "give the state store a value",
    };
    Finding::new(info, err.to_string(), location).with_help(help)
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
