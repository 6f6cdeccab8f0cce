//! Codes and typed constructors for `gs://` stores (SL055-SL059): how the environment
//! configures the Google Cloud Storage backend.

use std::path::Path;

use crate::findings::{code, CodeInfo, Finding, Location};
use crate::vfs::VfsError;

code!(
    CREDENTIALS_FILE_UNREADABLE,
    "SL055",
    "gcs-credentials-file-unreadable",
    Error,
    "the Google credentials file named by `GOOGLE_APPLICATION_CREDENTIALS` cannot be read"
);
code!(
    CREDENTIALS_FILE_INVALID,
    "SL056",
    "gcs-credentials-file-invalid",
    Error,
    "the Google credentials file is not a service-account or authorized-user JSON file"
);
code!(
    METADATA_CREDENTIALS,
    "SL057",
    "gcs-metadata-credentials",
    Note,
    "no Google credentials file was found; tokens will be requested from the GCE metadata server"
);
code!(
    EMULATOR_ENDPOINT,
    "SL058",
    "gcs-emulator-endpoint",
    Note,
    "`STORAGE_EMULATOR_HOST` sends GCS requests, unauthenticated, to an emulator"
);
code!(
    BUCKET_NAME_INVALID,
    "SL059",
    "gcs-bucket-name-invalid",
    Error,
    "the bucket name of a `gs://` URL breaks Google Cloud Storage naming rules"
);

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
