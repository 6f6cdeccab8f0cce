//! Codes and typed constructors for `swift://` stores (SL060-SL064): how the `OS_*`
//! variables or the OpenStack credentials file configure Keystone v3 authentication, and
//! what the Keystone catalog offers for object storage.

use crate::codes::code;
use crate::codes::CodeInfo;
use crate::findings::{Finding, Location};
use crate::vfs::VfsError;

code!(CREDENTIALS_MISSING, "SL060", "swift-credentials-missing", Error,
    "neither the `OS_*` variables nor the OpenStack credentials file give complete Keystone credentials",
    "## What it checks\nThat a `swift://` store comes with Keystone v3 credentials, the way kops looks for them: first the `OS_*` variables (`OS_AUTH_URL`, `OS_USERNAME` or `OS_USERID`, `OS_PASSWORD`, or an application credential), then the `[Default]` section of the INI file at `OPENSTACK_CREDENTIAL_FILE` or `~/.openstack/config`.\n\n## Why\nkops gives up on the variables as soon as one of them is missing and falls back to the file; when the file is missing too, the error names the file, not the variable that was forgotten. A user name also needs its domain (`OS_USER_DOMAIN_NAME`, `OS_USER_DOMAIN_ID` or `OS_DOMAIN_NAME`/`OS_DOMAIN_ID`): Keystone cannot find a user by name without one.\n\n## Example\n```sh\nexport OS_AUTH_URL=https://keystone.example.com:5000/v3 OS_USERNAME=kops   # no OS_PASSWORD\nstatelint check --state swift://kops-state\n```\n\n## Fix\nSource the project's `openrc` file (it sets every variable), or complete the variable the message names.\n");
code!(TLS_VERIFY_DISABLED, "SL061", "swift-tls-verify-disabled", Warning,
    "`KOPS_OS_TLS_INSECURE_SKIP_VERIFY` turns off certificate checks for Keystone and Swift",
    "## What it checks\nWhether `KOPS_OS_TLS_INSECURE_SKIP_VERIFY` is `true`, which makes statelint (like kops) accept any certificate from Keystone and Swift.\n\n## Why\nWithout certificate checks, anyone on the network path can read the Keystone password and the cluster secrets in the state store. Private clouds with their own CA can name it with `OS_CACERT` instead.\n\n## Example\n```sh\nKOPS_OS_TLS_INSECURE_SKIP_VERIFY=true statelint check --state swift://kops-state\n```\n\n## Fix\nUnset the variable and point `OS_CACERT` at the cloud's CA bundle (PEM).\n");
code!(NO_OBJECT_STORE_ENDPOINT, "SL062", "swift-no-object-store-endpoint", Error,
    "the Keystone catalog has no object-store endpoint for the configured region and interface",
    "## What it checks\nThat the service catalog Keystone returns with the token lists an `object-store` service with an endpoint in the region (`OS_REGION_NAME`, or `region` in the credentials file) and interface (`OS_INTERFACE`, default `public`) in use.\n\n## Why\nkops asks the catalog for exactly that endpoint. A misspelt region, or a project without Swift, fails with a terse `No suitable endpoint could be found in the service catalog`. statelint lists the regions and interfaces the catalog does offer.\n\n## Example\n```sh\nOS_REGION_NAME=RegionTwo statelint check --state swift://kops-state\n```\n\n## Fix\nSet `OS_REGION_NAME` to one of the listed regions, or ask the cloud operator to enable object storage for the project.\n");
code!(IDENTITY_API_UNSUPPORTED, "SL063", "swift-identity-api-unsupported", Error,
    "`OS_AUTH_URL` names an identity API version other than Keystone v3",
    "## What it checks\nThat `OS_AUTH_URL` (or `identity` in the credentials file) is a Keystone v3 URL, or a bare Keystone URL to which `/v3` is appended.\n\n## Why\nThe Keystone v2.0 API was removed from OpenStack in the Queens release; clouds that still answer it are rare, and statelint speaks only v3.\n\n## Example\n```sh\nOS_AUTH_URL=https://keystone.example.com:5000/v2.0 statelint check --state swift://kops-state\n```\n\n## Fix\nUse the v3 URL from the project's current `openrc` file (it ends in `/v3`).\n");
code!(CREDENTIALS_FILE_INVALID, "SL064", "swift-credentials-file-invalid", Error,
    "the OpenStack credentials file is missing a required setting",
    "## What it checks\nWhen the `OS_*` variables are incomplete, the `[Default]` section of the INI file at `OPENSTACK_CREDENTIAL_FILE` (or `~/.openstack/config`) must have `identity`, `password`, `user` or `user_id`, `domain_name` or `domain_id`, and `tenant_name` or `tenant_id`. The region comes from `OS_REGION_NAME`, `[Global] region` or `[Swift] region`.\n\n## Why\nThese are the keys kops reads from that file, with the same requirements; a file with a typo in a section or key name is otherwise indistinguishable from bad credentials.\n\n## Example\n```ini\n[Default]\nidentity = https://keystone.example.com:5000/v3\nuser = kops\npassword = ...\n```\n\n## Fix\nAdd the setting the message names to the file, or export the `OS_*` variables instead.\n");

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
