//! Codes and typed constructors for `azureblob://` stores (SL050-SL054): how the
//! environment configures the Azure backend, and where that differs from what current kops
//! (1.36 and later) does with the same environment.

use crate::findings::{code, CodeInfo, Finding, Location};
use crate::vfs::VfsError;

code!(
    STORAGE_ACCOUNT_SET,
    "SL050",
    "azure-storage-account-set",
    Error,
    "`AZURE_STORAGE_ACCOUNT` is set, which current kops rejects for `azureblob://` stores"
);
code!(
    LEGACY_URL,
    "SL051",
    "azure-legacy-url",
    Error,
    "the `azureblob://` URL looks like the legacy `azureblob://<container>/<key>` form"
);
code!(KEY_CREDENTIALS, "SL052", "azure-key-credentials", Warning,
    "an account key or SAS token authenticates statelint, but kops authenticates through Microsoft Entra ID");
code!(
    INCOMPLETE_SERVICE_PRINCIPAL,
    "SL053",
    "azure-incomplete-service-principal",
    Warning,
    "some but not all of the service principal variables are set"
);
code!(ENDPOINT_OVERRIDE, "SL054", "azure-endpoint-override", Note,
    "`STATELINT_AZURE_ENDPOINT` redirects Azure requests away from `https://<account>.blob.core.windows.net`");

pub static CODES: &[&CodeInfo] = &[
    &STORAGE_ACCOUNT_SET,
    &LEGACY_URL,
    &KEY_CREDENTIALS,
    &INCOMPLETE_SERVICE_PRINCIPAL,
    &ENDPOINT_OVERRIDE,
];

pub fn storage_account_set(url: &str, value: &str) -> Finding {
    Finding::new(
        &STORAGE_ACCOUNT_SET,
        format!("`AZURE_STORAGE_ACCOUNT` is set to `{value}`; kops 1.36 and later refuse it because the account is part of the store URL `{url}`"),
        Location::resource(url),
    )
    .with_help("unset `AZURE_STORAGE_ACCOUNT`; write the store as `azureblob://<account>/<container>/<prefix>`")
}

/// `host` is what the URL names as account; `env_account` a leftover `AZURE_STORAGE_ACCOUNT`.
pub fn legacy_url(url: &str, host: &str, rest: &str, env_account: Option<&str>) -> Finding {
    let account = env_account.unwrap_or("<account>");
    let suggestion = if rest.is_empty() {
        format!("azureblob://{account}/{host}")
    } else {
        format!("azureblob://{account}/{host}/{rest}")
    };
    let why = if env_account.is_some() {
        format!("`AZURE_STORAGE_ACCOUNT` names another account (`{account}`)")
    } else {
        format!("`{host}` is not a storage account name (3-24 lowercase letters and digits)")
    };
    Finding::new(
        &LEGACY_URL,
        format!("`{url}` looks like the legacy `azureblob://<container>/<key>` form: {why}"),
        Location::resource(url),
    )
    .with_help(format!(
        "kops 1.36 and later read the host as the storage account; write `{suggestion}`"
    ))
}

pub fn key_credentials(url: &str, variable: &str) -> Finding {
    Finding::new(
        &KEY_CREDENTIALS,
        format!("statelint authenticates with `{variable}`, which kops does not use: kops signs in through the Azure default credential chain"),
        Location::resource(url),
    )
    .with_help("run the check with the identity kops will use (service principal variables or a managed identity) to prove kops can read the store")
}

pub fn incomplete_service_principal(url: &str, set: &[&str], missing: &[&str]) -> Finding {
    let list = |names: &[&str]| {
        names
            .iter()
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    Finding::new(
        &INCOMPLETE_SERVICE_PRINCIPAL,
        format!(
            "{} set without {}: the service principal credential is skipped and managed identity is tried instead",
            list(set),
            list(missing)
        ),
        Location::resource(url),
    )
    .with_help("export the missing variables, or unset the others to use a managed identity")
}

pub fn endpoint_override(url: &str, endpoint: &str) -> Finding {
    Finding::new(
        &ENDPOINT_OVERRIDE,
        format!("`STATELINT_AZURE_ENDPOINT` sends requests for `{url}` to `{endpoint}`; kops always uses `https://<account>.blob.core.windows.net`"),
        Location::resource(url),
    )
    .with_help("unset `STATELINT_AZURE_ENDPOINT` to check the real storage account")
}

pub fn invalid_endpoint(url: &str, value: &str, why: &str) -> VfsError {
    VfsError::Config {
        url: url.to_string(),
        code: &ENDPOINT_OVERRIDE,
        message: format!("`STATELINT_AZURE_ENDPOINT` value `{value}` is not usable: {why}"),
        help: "set it to the account's blob service URL, e.g. `http://127.0.0.1:10000/devstoreaccount1`, or unset it".into(),
    }
}

/// Credentials that cannot even be loaded (e.g. an account key that is not base64).
pub fn unusable_credentials(url: &str, variable: &str, why: &str) -> VfsError {
    VfsError::Config {
        url: url.to_string(),
        code: &crate::vfs::diags::BAD_CREDENTIALS,
        message: format!("the Azure credentials in `{variable}` are not usable: {why}"),
        help: format!("copy the value of `{variable}` again from the portal or `az storage account keys list`"),
    }
}
