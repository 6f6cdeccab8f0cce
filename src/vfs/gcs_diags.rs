//! Codes and typed constructors for `gs://` stores (SL055-SL059): how the environment
//! configures the Google Cloud Storage backend.

use std::path::Path;

use crate::codes::code;
use crate::codes::CodeInfo;
use crate::findings::{Finding, Location};
use crate::vfs::VfsError;

code!(CREDENTIALS_FILE_UNREADABLE, "SL055", "gcs-credentials-file-unreadable", Error,
    "the Google credentials file named by `GOOGLE_APPLICATION_CREDENTIALS` cannot be read",
    "## What it checks\nThat the file named by `GOOGLE_APPLICATION_CREDENTIALS` exists and is readable.\n\n## Why\nkops builds its GCS client from application default credentials; a stale path (a deleted key, a path from another machine or container) fails every request with an error that does not name the variable.\n\n## Example\n```sh\nGOOGLE_APPLICATION_CREDENTIALS=/tmp/gone.json statelint check --state gs://kops-state/prod\n```\n\n## Fix\nPoint the variable at an existing service-account key file, or unset it to use `gcloud auth application-default login` credentials or the metadata server.\n");
code!(CREDENTIALS_FILE_INVALID, "SL056", "gcs-credentials-file-invalid", Error,
    "the Google credentials file is not a service-account or authorized-user JSON file",
    "## What it checks\nThat the application default credentials file is JSON with `type` `service_account` (with `client_email` and `private_key`) or `authorized_user`.\n\n## Why\nA truncated download, a P12 key or an OAuth client secret in its place fails authentication. statelint's GCS client does not implement `external_account` (workload identity federation) or `impersonated_service_account` files, which kops's Go client accepts: such a store cannot be checked with that file.\n\n## Example\n```sh\nGOOGLE_APPLICATION_CREDENTIALS=client_secret.json statelint check --state gs://kops-state/prod\n```\n\n## Fix\nCreate a service-account key (`gcloud iam service-accounts keys create`) or run `gcloud auth application-default login`.\n");
code!(METADATA_CREDENTIALS, "SL057", "gcs-metadata-credentials", Note,
    "no Google credentials file was found; tokens will be requested from the GCE metadata server",
    "## What it checks\nWhether neither `GOOGLE_APPLICATION_CREDENTIALS` nor the gcloud application default credentials file (`$CLOUDSDK_CONFIG` or `~/.config/gcloud/application_default_credentials.json`) exists.\n\n## Why\nThen, like kops, statelint asks the metadata server of a Google Compute Engine VM for a token. Outside Google Cloud that request fails with a connection error, which is easier to act on when it is explained.\n\n## Example\nA laptop without `gcloud auth application-default login`.\n\n## Fix\nRun `gcloud auth application-default login`, or export `GOOGLE_APPLICATION_CREDENTIALS` with a service-account key file.\n");
code!(EMULATOR_ENDPOINT, "SL058", "gcs-emulator-endpoint", Note,
    "`STORAGE_EMULATOR_HOST` sends GCS requests, unauthenticated, to an emulator",
    "## What it checks\nWhether `STORAGE_EMULATOR_HOST` (the variable Google's client libraries use for a local emulator) is set, and that it is `host:port` or an `http(s)://` URL.\n\n## Why\nWith it set, no credentials are sent and no real bucket is touched: a clean check says nothing about the real store. An unusable value stops the backend.\n\n## Example\n```sh\nSTORAGE_EMULATOR_HOST=127.0.0.1:4443 statelint check --state gs://kops-state/prod\n```\n\n## Fix\nUnset `STORAGE_EMULATOR_HOST` to check the real bucket.\n");
code!(BUCKET_NAME_INVALID, "SL059", "gcs-bucket-name-invalid", Error,
    "the bucket name of a `gs://` URL breaks Google Cloud Storage naming rules",
    "## What it checks\nThat the bucket is 3-63 characters (up to 222 with dots, each dot-separated part at most 63) of lowercase letters, digits, `-`, `_` and `.`, starting and ending with a letter or digit, and does not start with `goog`.\n\n## Why\nSuch a bucket cannot exist, so the URL is a typo (often an uppercase letter or a `gs://` URL pasted with the `https://storage.googleapis.com/` host).\n\n## Example\n```sh\nstatelint check --state gs://Kops_State/prod\n```\n\n## Fix\nCorrect the bucket name in the store URL.\n");

pub static CODES: &[&CodeInfo] = &[
    &CREDENTIALS_FILE_UNREADABLE,
    &CREDENTIALS_FILE_INVALID,
    &METADATA_CREDENTIALS,
    &EMULATOR_ENDPOINT,
    &BUCKET_NAME_INVALID,
];

pub fn credentials_file_unreadable(
    url: &str,
    variable: &str,
    path: &Path,
    err: &std::io::Error,
) -> VfsError {
    VfsError::Config {
        url: url.to_string(),
        code: &CREDENTIALS_FILE_UNREADABLE,
        message: format!(
            "`{variable}` names `{}`, which cannot be read: {err}",
            path.display()
        ),
        help: format!("point `{variable}` at an existing service-account key file, or unset it"),
    }
}

pub fn credentials_file_invalid(url: &str, path: &Path, why: &str) -> VfsError {
    VfsError::Config {
        url: url.to_string(),
        code: &CREDENTIALS_FILE_INVALID,
        message: format!(
            "the Google credentials file `{}` is not usable: {why}",
            path.display()
        ),
        help:
            "use a service-account key file or `gcloud auth application-default login` credentials"
                .into(),
    }
}

pub fn metadata_credentials(url: &str) -> Finding {
    Finding::new(
        &METADATA_CREDENTIALS,
        format!("no Google credentials file found for `{url}`: tokens will come from the GCE metadata server, which only answers on Google Cloud"),
        Location::resource(url),
    )
    .with_help("run `gcloud auth application-default login`, or export `GOOGLE_APPLICATION_CREDENTIALS`")
}

pub fn emulator_endpoint(url: &str, endpoint: &str) -> Finding {
    Finding::new(
        &EMULATOR_ENDPOINT,
        format!("`STORAGE_EMULATOR_HOST` sends requests for `{url}` to `{endpoint}` without credentials"),
        Location::resource(url),
    )
    .with_help("unset `STORAGE_EMULATOR_HOST` to check the real bucket")
}

pub fn invalid_emulator_host(url: &str, value: &str, why: &str) -> VfsError {
    VfsError::Config {
        url: url.to_string(),
        code: &EMULATOR_ENDPOINT,
        message: format!("`STORAGE_EMULATOR_HOST` value `{value}` is not usable: {why}"),
        help: "set it to `host:port` or `http://host:port`, or unset it".into(),
    }
}

pub fn bucket_name_invalid(url: &str, bucket: &str, why: &str) -> Finding {
    Finding::new(
        &BUCKET_NAME_INVALID,
        format!("`{bucket}` cannot be a GCS bucket name: {why}"),
        Location::resource(url),
    )
    .with_help("correct the bucket name in the store URL")
}
