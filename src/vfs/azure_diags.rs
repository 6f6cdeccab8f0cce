//! Codes and typed constructors for `azureblob://` stores (SL050-SL054): how the
//! environment configures the Azure backend, and where that differs from what current kops
//! (1.36 and later) does with the same environment.

use crate::codes::code;
use crate::codes::CodeInfo;
use crate::findings::{Finding, Location};
use crate::vfs::VfsError;

code!(STORAGE_ACCOUNT_SET, "SL050", "azure-storage-account-set", Error,
    "`AZURE_STORAGE_ACCOUNT` is set, which current kops rejects for `azureblob://` stores",
    "## What it checks\nWhether `AZURE_STORAGE_ACCOUNT` is set while the state store is an `azureblob://` URL.\n\n## Why\nkops up to 1.35 took the storage account from `AZURE_STORAGE_ACCOUNT` and the container from the URL host (`azureblob://<container>/<key>`). Since 1.36 the account is part of the URL (`azureblob://<account>/<container>/<key>`) and kops stops with an error when the variable is still set, so that an old environment cannot silently point at another account. statelint reads the store with the account from the URL and reports the variable.\n\n## Example\n```sh\nexport AZURE_STORAGE_ACCOUNT=kopsstate\nstatelint check --state azureblob://kopsstate/state/kops\n```\n\n## Fix\n`unset AZURE_STORAGE_ACCOUNT`, and make sure the store URL names the account first: `azureblob://<account>/<container>/<prefix>`.\n");
code!(LEGACY_URL, "SL051", "azure-legacy-url", Error,
    "the `azureblob://` URL looks like the legacy `azureblob://<container>/<key>` form",
    "## What it checks\nThat the first part of an `azureblob://` URL is a storage account name (3 to 24 lowercase letters and digits), and that it agrees with a leftover `AZURE_STORAGE_ACCOUNT`.\n\n## Why\nkops 1.35 and older read `azureblob://<container>/<key>` with the account from `AZURE_STORAGE_ACCOUNT`. Current kops reads the host as the account, so an old URL sends every request to a storage account named like the container (usually a DNS failure or someone else's account).\n\n## Example\n```sh\nAZURE_STORAGE_ACCOUNT=kopsstate statelint check --state azureblob://kops-state/clusters\n```\n\n## Fix\nWrite the URL as `azureblob://<account>/<container>/<prefix>`, e.g. `azureblob://kopsstate/kops-state/clusters`.\n");
code!(KEY_CREDENTIALS, "SL052", "azure-key-credentials", Warning,
    "an account key or SAS token authenticates statelint, but kops authenticates through Microsoft Entra ID",
    "## What it checks\nWhether the Azure credentials statelint uses come from an account key (`AZURE_STORAGE_KEY`, `AZURE_STORAGE_ACCOUNT_KEY`, `AZURE_STORAGE_ACCESS_KEY`) or a SAS token (`AZURE_STORAGE_SAS_TOKEN`, `AZURE_STORAGE_SAS_KEY`).\n\n## Why\nCurrent kops builds its blob client from the Azure default credential chain (service principal variables, workload identity, managed identity, Azure CLI). A check that passes with a key proves that the store is readable, not that kops can read it with the same environment.\n\n## Example\n```sh\nAZURE_STORAGE_KEY=... statelint check --state azureblob://kopsstate/state/kops\n```\n\n## Fix\nAlso run the check without the key, with the identity kops will use (`AZURE_CLIENT_ID`/`AZURE_TENANT_ID`/`AZURE_CLIENT_SECRET`, or a managed identity), or suppress this code when the key is intended.\n");
code!(INCOMPLETE_SERVICE_PRINCIPAL, "SL053", "azure-incomplete-service-principal", Warning,
    "some but not all of the service principal variables are set",
    "## What it checks\nThat `AZURE_TENANT_ID`, `AZURE_CLIENT_ID` and `AZURE_CLIENT_SECRET` (or `AZURE_FEDERATED_TOKEN_FILE` for workload identity) are set together.\n\n## Why\nThe Azure default credential chain skips the environment credential when one of them is missing and falls through to managed identity, which only answers on an Azure VM: the resulting error names the metadata endpoint, not the missing variable.\n\n## Example\n```sh\nexport AZURE_TENANT_ID=... AZURE_CLIENT_ID=...   # AZURE_CLIENT_SECRET forgotten\n```\n\n## Fix\nExport the missing variable, or unset the others to use a managed identity on purpose (`AZURE_CLIENT_ID` alone selects a user-assigned identity).\n");
code!(ENDPOINT_OVERRIDE, "SL054", "azure-endpoint-override", Note,
    "`STATELINT_AZURE_ENDPOINT` redirects Azure requests away from `https://<account>.blob.core.windows.net`",
    "## What it checks\nWhether `STATELINT_AZURE_ENDPOINT` is set, and that it is an `http://` or `https://` URL.\n\n## Why\nThe override exists for local emulators (azurite) and sovereign clouds. kops has no such variable and always talks to `https://<account>.blob.core.windows.net/`, so a check against another endpoint says nothing about what kops will see. An unparsable value stops the backend.\n\n## Example\n```sh\nSTATELINT_AZURE_ENDPOINT=http://127.0.0.1:10000/devstoreaccount1 statelint check --state azureblob://devstoreaccount1/state\n```\n\n## Fix\nUnset `STATELINT_AZURE_ENDPOINT` to check the real account, or correct its value.\n");

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
