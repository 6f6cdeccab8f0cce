//! Codes and typed constructors for `swift://` stores (SL060-SL064): how the `OS_*`
//! variables or the OpenStack credentials file configure Keystone v3 authentication, and
//! what the Keystone catalog offers for object storage.

use crate::findings::{code, CodeInfo, Finding, Location};
use crate::vfs::VfsError;

code!(CREDENTIALS_MISSING, "SL060", "swift-credentials-missing", Error,
    "neither the `OS_*` variables nor the OpenStack credentials file give complete Keystone credentials");
code!(
    TLS_VERIFY_DISABLED,
    "SL061",
    "swift-tls-verify-disabled",
    Warning,
    "`KOPS_OS_TLS_INSECURE_SKIP_VERIFY` turns off certificate checks for Keystone and Swift"
);
code!(
    NO_OBJECT_STORE_ENDPOINT,
    "SL062",
    "swift-no-object-store-endpoint",
    Error,
    "the Keystone catalog has no object-store endpoint for the configured region and interface"
);
code!(
    IDENTITY_API_UNSUPPORTED,
    "SL063",
    "swift-identity-api-unsupported",
    Error,
    "`OS_AUTH_URL` names an identity API version other than Keystone v3"
);
code!(
    CREDENTIALS_FILE_INVALID,
    "SL064",
    "swift-credentials-file-invalid",
    Error,
    "the OpenStack credentials file is missing a required setting"
);

pub static CODES: &[&CodeInfo] = &[
    &CREDENTIALS_MISSING,
    &TLS_VERIFY_DISABLED,
    &NO_OBJECT_STORE_ENDPOINT,
    &IDENTITY_API_UNSUPPORTED,
    &CREDENTIALS_FILE_INVALID,
];

/// No usable credentials anywhere: `env_problem` says what the variables lack, `file_problem`
/// what the credentials file lacks.
pub fn credentials_missing(url: &str, env_problem: &str, file_problem: &str) -> VfsError {
    VfsError::Config {
        url: url.to_string(),
        code: &CREDENTIALS_MISSING,
        message: format!(
            "no Keystone credentials for `{url}`: {env_problem}, and the credentials file is not usable either ({file_problem})"
        ),
        help: "source the project's `openrc` file, or export the variable named above".into(),
    }
}

pub fn tls_verify_disabled(url: &str) -> Finding {
    Finding::new(
        &TLS_VERIFY_DISABLED,
        format!("`KOPS_OS_TLS_INSECURE_SKIP_VERIFY` is set: certificates of Keystone and Swift are not checked while reading `{url}`"),
        Location::resource(url),
    )
    .with_help("unset it and name the cloud's CA bundle in `OS_CACERT`")
}

pub fn no_object_store_endpoint(url: &str, wanted: &str, offered: &[String]) -> VfsError {
    let offered = if offered.is_empty() {
        "the catalog lists no object-store endpoint at all".to_string()
    } else {
        format!("the catalog offers: {}", offered.join(", "))
    };
    VfsError::Config {
        url: url.to_string(),
        code: &NO_OBJECT_STORE_ENDPOINT,
        message: format!("Keystone's catalog has no object-store endpoint for {wanted}; {offered}"),
        help: "set `OS_REGION_NAME` (and `OS_INTERFACE`) to one of the offered endpoints".into(),
    }
}

pub fn identity_api_unsupported(url: &str, auth_url: &str) -> VfsError {
    VfsError::Config {
        url: url.to_string(),
        code: &IDENTITY_API_UNSUPPORTED,
        message: format!("`{auth_url}` is not a Keystone v3 URL; statelint authenticates with the v3 identity API only"),
        help: "use the v3 URL from the project's `openrc` file (ending in `/v3`)".into(),
    }
}

pub fn credentials_file_invalid(url: &str, file: &str, problem: &str) -> VfsError {
    VfsError::Config {
        url: url.to_string(),
        code: &CREDENTIALS_FILE_INVALID,
        message: format!("the OpenStack credentials file `{file}` is not usable: {problem}"),
        help: "complete the `[Default]` section (identity, user, password, domain_name, tenant_name) or export the `OS_*` variables".into(),
    }
}
