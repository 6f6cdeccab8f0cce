//! `gs://bucket/prefix`: Google Cloud Storage through `object_store`.
//!
//! Credentials follow Google's application default credentials, read through the
//! [`Environment`]:
//!
//! 1. `STORAGE_EMULATOR_HOST` (`host:port` or an `http(s)://` URL), the variable Google's
//!    client libraries use for a local emulator: requests go there, unauthenticated.
//! 2. `GOOGLE_APPLICATION_CREDENTIALS`: a `service_account` or `authorized_user` JSON file.
//! 3. gcloud's file: `$CLOUDSDK_CONFIG/application_default_credentials.json`, else
//!    `~/.config/gcloud/application_default_credentials.json`.
//! 4. The GCE metadata server (only answers on Google Cloud).
//!
//! Objects are read and written through the JSON API, as kops does ([`super::gcs_api`]);
//! `object_store` supplies the access tokens of the credentials above.

use object_store::gcp::{GcpCredential, GoogleCloudStorageBuilder};
use object_store::StaticCredentialProvider;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::gcs_api::GcsBackend;
use super::gcs_diags;
use super::http;
use super::secret::Secret;
use super::VfsError;
use crate::env::Environment;
use crate::findings::Finding;
use crate::resolve::url::{Scheme, StoreUrl};

/// The emulator variable of Google's client libraries.
pub const EMULATOR_VAR: &str = "STORAGE_EMULATOR_HOST";
/// The application default credentials variable.
pub const CREDENTIALS_VAR: &str = "GOOGLE_APPLICATION_CREDENTIALS";

/// Where the GCS credentials come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GcsCredential {
    /// Emulator: nothing is signed.
    Anonymous,
    /// A service-account key file (its JSON is kept, never printed).
    ServiceAccount { path: PathBuf, json: Secret },
    /// A gcloud `authorized_user` file (refresh token).
    AuthorizedUser { path: PathBuf },
    /// Tokens from the GCE metadata server.
    MetadataServer,
}

/// Everything needed to build the client, resolved from the URL and the environment.
#[derive(Debug, Clone)]
pub struct GcsSettings {
    pub bucket: String,
    pub prefix: String,
    /// Base URL replacing `https://storage.googleapis.com`.
    pub endpoint: Option<String>,
    pub credential: GcsCredential,
    pub findings: Vec<Finding>,
}

fn var(env: &dyn Environment, name: &str) -> Option<String> {
    env.var(name)
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

/// Why `name` cannot be a GCS bucket, or `None` when it can.
pub fn bucket_name_problem(name: &str) -> Option<&'static str> {
    let len = name.len();
    if !(3..=222).contains(&len) {
        return Some("it must be 3 to 63 characters long (222 with dots)");
    }
    if !name.contains('.') && len > 63 {
        return Some("it must be 3 to 63 characters long (222 with dots)");
    }
    if name
        .split('.')
        .any(|part| part.is_empty() || part.len() > 63)
    {
        return Some("each dot-separated part must be 1 to 63 characters");
    }
    if !name
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'-' | b'_' | b'.'))
    {
        return Some("only lowercase letters, digits, `-`, `_` and `.` are allowed");
    }
    let edge = |b: Option<u8>| b.is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
    if !edge(name.bytes().next()) || !edge(name.bytes().last()) {
        return Some("it must start and end with a letter or digit");
    }
    if name.starts_with("goog") {
        return Some("names starting with `goog` are reserved");
    }
    None
}

/// Resolves the settings of a `gs://` store. Reads `env` and, when one is named or present,
/// the credentials file.
pub fn resolve(url: &StoreUrl, env: &dyn Environment) -> Result<GcsSettings, VfsError> {
    let redacted = url.redacted();
    let mut findings = Vec::new();
    if let Some(why) = bucket_name_problem(&url.host) {
        findings.push(gcs_diags::bucket_name_invalid(&redacted, &url.host, why));
    }
    let mut endpoint = None;
    let credential = if let Some(raw) = var(env, EMULATOR_VAR) {
        let base = normalize_emulator_host(&redacted, &raw)?;
        findings.push(gcs_diags::emulator_endpoint(&redacted, &base));
        endpoint = Some(base);
        GcsCredential::Anonymous
    } else if let Some(path) = var(env, CREDENTIALS_VAR) {
        let path = PathBuf::from(path);
        let text = std::fs::read_to_string(&path).map_err(|e| {
            gcs_diags::credentials_file_unreadable(&redacted, CREDENTIALS_VAR, &path, &e)
        })?;
        parse_credentials_file(&redacted, &path, text)?
    } else {
        let gcloud_dir = var(env, "CLOUDSDK_CONFIG")
            .map(PathBuf::from)
            .or_else(|| env.home_dir().map(|h| h.join(".config").join("gcloud")));
        let adc = gcloud_dir.map(|d| d.join("application_default_credentials.json"));
        match adc.filter(|p| p.is_file()) {
            Some(path) => {
                let text = std::fs::read_to_string(&path).map_err(|e| {
                    gcs_diags::credentials_file_unreadable(&redacted, "CLOUDSDK_CONFIG", &path, &e)
                })?;
                parse_credentials_file(&redacted, &path, text)?
            }
            None => {
                findings.push(gcs_diags::metadata_credentials(&redacted));
                GcsCredential::MetadataServer
            }
        }
    };
    Ok(GcsSettings {
        bucket: url.host.clone(),
        prefix: url.path.clone(),
        endpoint,
        credential,
        findings,
    })
}

fn normalize_emulator_host(url: &str, raw: &str) -> Result<String, VfsError> {
    let with_scheme = if raw.contains("://") {
        raw.to_string()
    } else {
        format!("http://{raw}")
    };
    let Some((scheme, rest)) = with_scheme.split_once("://") else {
        return Err(gcs_diags::invalid_emulator_host(url, raw, "no host"));
    };
    if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
        return Err(gcs_diags::invalid_emulator_host(
            url,
            raw,
            "only `http://` and `https://` are supported",
        ));
    }
    let rest = rest.trim_end_matches('/');
    let authority = rest.split('/').next().unwrap_or("");
    if authority.is_empty() || authority.contains(['?', '#', '@', ' ']) {
        return Err(gcs_diags::invalid_emulator_host(
            url,
            raw,
            "it names no usable host",
        ));
    }
    Ok(format!("{}://{rest}", scheme.to_ascii_lowercase()))
}

fn parse_credentials_file(url: &str, path: &Path, text: String) -> Result<GcsCredential, VfsError> {
    let value: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| gcs_diags::credentials_file_invalid(url, path, &format!("not JSON ({e})")))?;
    let kind = value.get("type").and_then(|t| t.as_str()).unwrap_or("");
    match kind {
        "service_account" => {
            for field in ["client_email", "private_key", "private_key_id"] {
                if value.get(field).and_then(|v| v.as_str()).is_none() {
                    return Err(gcs_diags::credentials_file_invalid(
                        url,
                        path,
                        &format!("the service-account key has no `{field}`"),
                    ));
                }
            }
            Ok(GcsCredential::ServiceAccount {
                path: path.to_path_buf(),
                json: Secret::new(text),
            })
        }
        "authorized_user" => {
            for field in ["client_id", "client_secret", "refresh_token"] {
                if value.get(field).and_then(|v| v.as_str()).is_none() {
                    return Err(gcs_diags::credentials_file_invalid(
                        url,
                        path,
                        &format!("the authorized-user file has no `{field}`"),
                    ));
                }
            }
            Ok(GcsCredential::AuthorizedUser {
                path: path.to_path_buf(),
            })
        }
        "external_account" | "impersonated_service_account" | "external_account_authorized_user" => {
            Err(gcs_diags::credentials_file_invalid(
                url,
                path,
                &format!("credentials of type `{kind}` are accepted by kops's Go client but not implemented by statelint's GCS client"),
            ))
        }
        "" => Err(gcs_diags::credentials_file_invalid(
            url,
            path,
            "it has no `type` field",
        )),
        other => Err(gcs_diags::credentials_file_invalid(
            url,
            path,
            &format!("unknown credentials type `{other}`"),
        )),
    }
}

/// Builds the `object_store` client for resolved settings (no request is sent).
pub fn build(
    settings: &GcsSettings,
    url: &str,
) -> Result<object_store::gcp::GoogleCloudStorage, VfsError> {
    let allow_http = settings
        .endpoint
        .as_deref()
        .is_some_and(http::is_plain_http);
    let mut builder = GoogleCloudStorageBuilder::new()
        .with_bucket_name(&settings.bucket)
        .with_client_options(http::client_options(allow_http))
        .with_retry(http::retry_config(super::runtime::REQUEST_TIMEOUT));
    if let Some(endpoint) = &settings.endpoint {
        builder = builder.with_base_url(endpoint);
    }
    builder = match &settings.credential {
        // Explicit (empty) credentials keep object_store from looking for ADC files or the
        // metadata server on its own; skip_signature sends no Authorization header at all.
        GcsCredential::Anonymous => builder
            .with_credentials(Arc::new(StaticCredentialProvider::new(GcpCredential {
                bearer: String::new(),
            })))
            .with_skip_signature(true),
        GcsCredential::ServiceAccount { json, .. } => {
            builder.with_service_account_key(json.expose())
        }
        GcsCredential::AuthorizedUser { path } => {
            builder.with_application_credentials(path.to_string_lossy())
        }
        GcsCredential::MetadataServer => builder,
    };
    builder.build().map_err(|e| {
        let path = match &settings.credential {
            GcsCredential::ServiceAccount { path, .. } | GcsCredential::AuthorizedUser { path } => {
                path.clone()
            }
            _ => PathBuf::from("(none)"),
        };
        gcs_diags::credentials_file_invalid(url, &path, &e.to_string())
    })
}

/// Opens a `gs://` store: the JSON API data plane ([`GcsBackend`]) with the access tokens of
/// the credential resolved here (none for an emulator).
pub fn open(url: &StoreUrl, env: &dyn Environment) -> Result<GcsBackend, VfsError> {
    debug_assert_eq!(url.scheme, Scheme::Gs);
    let settings = resolve(url, env)?;
    let credentials = match settings.credential {
        GcsCredential::Anonymous => None,
        _ => Some(build(&settings, &url.redacted())?.credentials().clone()),
    };
    GcsBackend::new(
        url.clone(),
        settings.bucket,
        settings.prefix,
        settings.endpoint,
        credentials,
        http::Timeouts::from_env(env),
        settings.findings,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::env::MapEnv;

    fn url(text: &str) -> StoreUrl {
        StoreUrl::parse(text).expect("url")
    }

    fn codes(s: &GcsSettings) -> Vec<&'static str> {
        s.findings.iter().map(|f| f.code).collect()
    }

    fn config_code(r: Result<GcsSettings, VfsError>) -> &'static str {
        match r {
            Err(VfsError::Config { code, .. }) => code.code,
            other => panic!("expected a configuration error, got {other:?}"),
        }
    }

    /// A syntactically complete service-account file (the key is not a real key).
    const SA: &str = r#"{"type":"service_account","client_email":"kops@p.iam.gserviceaccount.com","private_key":"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n","private_key_id":"k1"}"#;

    #[test]
    fn emulator_host_wins_and_is_normalized() {
        let env = MapEnv::new()
            .with_var(EMULATOR_VAR, "127.0.0.1:4443")
            .with_var(CREDENTIALS_VAR, "/does/not/matter.json");
        let s = resolve(&url("gs://kops-state/prod/"), &env).expect("ok");
        assert_eq!(s.endpoint.as_deref(), Some("http://127.0.0.1:4443"));
        assert_eq!(s.credential, GcsCredential::Anonymous);
        assert_eq!(
            (s.bucket.as_str(), s.prefix.as_str()),
            ("kops-state", "prod")
        );
        assert_eq!(codes(&s), ["SL058"]);

        let env = MapEnv::new().with_var(EMULATOR_VAR, "https://localhost:4443/");
        let s = resolve(&url("gs://b12/x"), &env).expect("ok");
        assert_eq!(s.endpoint.as_deref(), Some("https://localhost:4443"));
        for bad in ["ftp://x:1", "http://", "http://?x"] {
            let env = MapEnv::new().with_var(EMULATOR_VAR, bad);
            assert_eq!(
                config_code(resolve(&url("gs://b12/x"), &env)),
                "SL058",
                "{bad}"
            );
        }
    }

    #[test]
    fn credentials_file_kinds() {
        let dir = tempfile::tempdir().expect("tempdir");
        let write = |name: &str, text: &str| {
            let p = dir.path().join(name);
            std::fs::write(&p, text).expect("write");
            p.to_string_lossy().into_owned()
        };
        let sa = write("sa.json", SA);
        let env = MapEnv::new().with_var(CREDENTIALS_VAR, &sa);
        let s = resolve(&url("gs://kops-state/p"), &env).expect("ok");
        assert!(matches!(s.credential, GcsCredential::ServiceAccount { .. }));
        assert!(s.findings.is_empty());
        assert!(!format!("{s:?}").contains("PRIVATE KEY"));

        let user = write(
            "user.json",
            r#"{"type":"authorized_user","client_id":"a","client_secret":"b","refresh_token":"c"}"#,
        );
        let env = MapEnv::new().with_var(CREDENTIALS_VAR, &user);
        let s = resolve(&url("gs://kops-state/p"), &env).expect("ok");
        assert!(matches!(s.credential, GcsCredential::AuthorizedUser { .. }));

        for (name, text) in [
            ("garbage.json", "not json"),
            ("notype.json", "{}"),
            ("external.json", r#"{"type":"external_account"}"#),
            (
                "half.json",
                r#"{"type":"service_account","client_email":"x"}"#,
            ),
            ("odd.json", r#"{"type":"p12"}"#),
        ] {
            let p = write(name, text);
            let env = MapEnv::new().with_var(CREDENTIALS_VAR, &p);
            assert_eq!(
                config_code(resolve(&url("gs://kops-state/p"), &env)),
                "SL056",
                "{name}"
            );
        }

        let missing = dir.path().join("gone.json");
        let env = MapEnv::new().with_var(CREDENTIALS_VAR, &missing.to_string_lossy());
        assert_eq!(
            config_code(resolve(&url("gs://kops-state/p"), &env)),
            "SL055"
        );
    }

    #[test]
    fn gcloud_file_in_home_then_metadata_server() {
        let home = tempfile::tempdir().expect("tempdir");
        let env = MapEnv::new().with_home(home.path());
        let s = resolve(&url("gs://kops-state/p"), &env).expect("ok");
        assert_eq!(s.credential, GcsCredential::MetadataServer);
        assert_eq!(codes(&s), ["SL057"]);

        let gcloud = home.path().join(".config").join("gcloud");
        std::fs::create_dir_all(&gcloud).expect("mkdir");
        std::fs::write(gcloud.join("application_default_credentials.json"), SA).expect("write");
        let s = resolve(&url("gs://kops-state/p"), &env).expect("ok");
        assert!(matches!(s.credential, GcsCredential::ServiceAccount { .. }));

        let other = tempfile::tempdir().expect("tempdir");
        std::fs::write(
            other.path().join("application_default_credentials.json"),
            r#"{"type":"authorized_user","client_id":"a","client_secret":"b","refresh_token":"c"}"#,
        )
        .expect("write");
        let env = env.with_var("CLOUDSDK_CONFIG", &other.path().to_string_lossy());
        let s = resolve(&url("gs://kops-state/p"), &env).expect("ok");
        assert!(matches!(s.credential, GcsCredential::AuthorizedUser { .. }));
    }

    #[test]
    fn bucket_names() {
        for ok in ["kops-state", "a_b", "abc", "my.bucket.example.com", "0ab"] {
            assert_eq!(bucket_name_problem(ok), None, "{ok}");
        }
        for bad in [
            "ab",
            "Kops",
            "-abc",
            "abc-",
            "googkops",
            "a..b",
            &"a".repeat(64),
        ] {
            assert!(bucket_name_problem(bad).is_some(), "{bad}");
        }
        let env = MapEnv::new().with_var(EMULATOR_VAR, "127.0.0.1:1");
        let s = resolve(&url("gs://Kops_State/p"), &env).expect("ok");
        assert_eq!(codes(&s), ["SL059", "SL058"]);
    }

    #[test]
    fn builds_an_emulator_client_without_network() {
        let env = MapEnv::new().with_var(EMULATOR_VAR, "127.0.0.1:9");
        assert!(open(&url("gs://kops-state/p"), &env).is_ok());
    }
}
