//! `s3://` and the S3-compatible schemes (`do://`, `scw://`, `linode://`, `hos://`, `oss://`).
//!
//! Configuration follows kops (`util/pkg/vfs/s3context.go`): with `S3_ENDPOINT` set, requests
//! are path-style with the static keys `S3_ACCESS_KEY_ID`/`S3_SECRET_ACCESS_KEY` and region
//! `S3_REGION` (default us-east-1), without any region lookup; the S3-compatible schemes
//! require that mode. Otherwise the standard AWS chain applies (environment keys, shared
//! profiles and `AWS_PROFILE`, web identity, SSO, instance roles) and the bucket's region is
//! looked up with GetBucketLocation, falling back to HeadBucket's `x-amz-bucket-region`
//! header. `AWS_ENDPOINT_URL_S3`/`AWS_ENDPOINT_URL` point the standard mode at another
//! endpoint (path-style), as the AWS SDKs do.
//!
//! Objects go through `object_store` (data plane); bucket-level calls (location, policy,
//! identity) through the AWS SDK (control plane). Both share the same credentials.

use async_trait::async_trait;
use aws_sdk_s3::config::{BehaviorVersion, Credentials, Region, SharedCredentialsProvider};
use object_store::aws::{AmazonS3Builder, AwsCredential};
use object_store::CredentialProvider;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use super::http;
use super::object::ObjectStoreBackend;
use super::runtime::block_on;
use super::s3_diags as diags;
use super::VfsError;
use crate::env::Environment;
use crate::findings::Finding;
use crate::resolve::url::{Scheme, StoreUrl};

/// kops's default region when `S3_ENDPOINT` is set without `S3_REGION`, and the region
/// GetBucketLocation reports as empty.
pub const DEFAULT_REGION: &str = "us-east-1";

/// Where the keys come from.
#[derive(Clone, PartialEq, Eq)]
pub enum S3Credentials {
    /// Fixed keys (`S3_*` in endpoint mode, `AWS_ACCESS_KEY_ID`... otherwise).
    Static {
        key_id: String,
        secret: String,
        token: Option<String>,
    },
    /// The AWS SDK default chain (profiles, web identity, SSO, container and instance roles).
    Chain,
}

impl std::fmt::Debug for S3Credentials {
    /// Never prints a secret.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            S3Credentials::Static { key_id, token, .. } => f
                .debug_struct("Static")
                .field("key_id", key_id)
                .field("secret", &"***")
                .field("token", &token.as_ref().map(|_| "***"))
                .finish(),
            S3Credentials::Chain => f.write_str("Chain"),
        }
    }
}

/// Everything needed to talk to one S3-family store, resolved from the environment.
#[derive(Debug, Clone)]
pub struct S3Settings {
    pub scheme: Scheme,
    pub bucket: String,
    /// Key prefix inside the bucket (no leading or trailing `/`).
    pub prefix: String,
    /// Custom endpoint (`https://...`), `None` for AWS itself.
    pub endpoint: Option<String>,
    /// The variable the custom endpoint came from (`S3_ENDPOINT`, `AWS_ENDPOINT_URL_S3`,
    /// `AWS_ENDPOINT_URL`); empty for AWS itself.
    pub endpoint_origin: &'static str,
    pub region: String,
    /// Whether the region came from the environment (as opposed to a default).
    pub region_configured: bool,
    /// Whether to look the bucket's region up (kops does unless `S3_ENDPOINT` is set).
    pub discover_region: bool,
    pub path_style: bool,
    pub credentials: S3Credentials,
    /// `KOPS_STATE_S3_ACL`.
    pub acl: Option<String>,
    /// Whether this is AWS itself (standard mode) rather than kops's `S3_ENDPOINT` mode
    /// for another provider: only AWS has STS and IAM policies.
    pub is_aws: bool,
    /// STS endpoint override (`AWS_ENDPOINT_URL_STS`, else `AWS_ENDPOINT_URL`; in
    /// `S3_ENDPOINT` mode the S3 endpoint itself, which some providers serve STS on).
    pub sts_endpoint: Option<String>,
    /// IAM endpoint override (`AWS_ENDPOINT_URL_IAM`, else `AWS_ENDPOINT_URL`; in
    /// `S3_ENDPOINT` mode the S3 endpoint), for reading the caller's own policies.
    pub iam_endpoint: Option<String>,
    pub timeouts: http::Timeouts,
    /// Findings about this configuration, reported once per run.
    pub findings: Vec<Finding>,
}

impl S3Settings {
    /// The endpoint requests go to and the setting that chose it, for error sentences.
    pub fn sentence_endpoint(&self) -> super::sentence::Endpoint {
        let (url, origin) = match &self.endpoint {
            Some(e) => (e.clone(), self.endpoint_origin.to_string()),
            None => (
                format!("https://s3.{}.amazonaws.com", self.region),
                format!("AWS's endpoint for region {}", self.region),
            ),
        };
        super::sentence::Endpoint {
            url,
            origin,
            timeout_secs: self.timeouts.request.as_secs(),
        }
    }

    /// `s3://bucket` (or `do://bucket`...), for bucket-level findings.
    pub fn bucket_url(&self) -> String {
        format!("{}://{}", self.scheme, self.bucket)
    }
}

fn var(env: &dyn Environment, name: &str) -> Option<String> {
    env.var(name).filter(|v| !v.trim().is_empty())
}

/// `nyc3.digitaloceanspaces.com` -> `https://nyc3.digitaloceanspaces.com`.
fn normalize_endpoint(endpoint: &str) -> String {
    let e = endpoint.trim().trim_end_matches('/');
    if e.contains("://") {
        e.to_string()
    } else {
        format!("https://{e}")
    }
}

/// Resolves the settings of an S3-family store from the environment (pure: no network).
pub fn resolve(url: &StoreUrl, env: &dyn Environment) -> Result<S3Settings, VfsError> {
    let shown = url.redacted();
    let kops_endpoint = var(env, "S3_ENDPOINT");
    if url.scheme != Scheme::S3 && kops_endpoint.is_none() {
        return Err(diags::endpoint_required(&shown, &url.scheme.to_string()));
    }
    let mut findings = Vec::new();
    let acl = var(env, "KOPS_STATE_S3_ACL");
    if let Some(acl) = &acl {
        findings.push(diags::acl_not_applied(&shown, acl));
    }
    let base =
        |endpoint, region: String, region_configured, discover_region, path_style, credentials| {
            S3Settings {
                scheme: url.scheme,
                bucket: url.host.clone(),
                prefix: url.path.trim_matches('/').to_string(),
                endpoint,
                endpoint_origin: "",
                region,
                region_configured,
                discover_region,
                path_style,
                credentials,
                acl: acl.clone(),
                is_aws: false,
                sts_endpoint: None,
                iam_endpoint: None,
                timeouts: http::Timeouts::from_env(env),
                findings: Vec::new(),
            }
        };
    let mut settings = if let Some(endpoint) = kops_endpoint {
        // kops's S3_ENDPOINT mode: static keys, path style, no region lookup.
        let key_id = var(env, "S3_ACCESS_KEY_ID");
        let secret = var(env, "S3_SECRET_ACCESS_KEY");
        let (Some(key_id), Some(secret)) = (key_id.clone(), secret.clone()) else {
            let mut missing = Vec::new();
            if key_id.is_none() {
                missing.push("S3_ACCESS_KEY_ID");
            }
            if secret.is_none() {
                missing.push("S3_SECRET_ACCESS_KEY");
            }
            return Err(diags::endpoint_credentials(&shown, &missing));
        };
        let region = var(env, "S3_REGION");
        let endpoint = normalize_endpoint(&endpoint);
        let mut compatible = base(
            Some(endpoint.clone()),
            region.clone().unwrap_or_else(|| DEFAULT_REGION.into()),
            region.is_some(),
            false,
            true,
            S3Credentials::Static {
                key_id,
                secret,
                token: None,
            },
        );
        // Tried, never required: a provider without STS/IAM answers with an error that
        // the probe reports as "caller unknown".
        compatible.endpoint_origin = "S3_ENDPOINT";
        compatible.sts_endpoint = Some(endpoint.clone());
        compatible.iam_endpoint = Some(endpoint);
        compatible
    } else {
        let (endpoint, endpoint_origin) = match var(env, "AWS_ENDPOINT_URL_S3") {
            Some(e) => (Some(e), "AWS_ENDPOINT_URL_S3"),
            None => (var(env, "AWS_ENDPOINT_URL"), "AWS_ENDPOINT_URL"),
        };
        let endpoint = endpoint.map(|e| normalize_endpoint(&e));
        let region = var(env, "AWS_REGION").or_else(|| var(env, "AWS_DEFAULT_REGION"));
        let credentials = match (
            var(env, "AWS_ACCESS_KEY_ID"),
            var(env, "AWS_SECRET_ACCESS_KEY"),
        ) {
            (Some(key_id), Some(secret)) => S3Credentials::Static {
                key_id,
                secret,
                token: var(env, "AWS_SESSION_TOKEN"),
            },
            _ => S3Credentials::Chain,
        };
        let path_style = endpoint.is_some();
        let mut standard = base(
            endpoint,
            region.clone().unwrap_or_else(|| DEFAULT_REGION.into()),
            region.is_some(),
            true,
            path_style,
            credentials,
        );
        standard.is_aws = true;
        if standard.endpoint.is_some() {
            standard.endpoint_origin = endpoint_origin;
        }
        standard.sts_endpoint = var(env, "AWS_ENDPOINT_URL_STS")
            .or_else(|| var(env, "AWS_ENDPOINT_URL"))
            .map(|e| normalize_endpoint(&e));
        standard.iam_endpoint = var(env, "AWS_ENDPOINT_URL_IAM")
            .or_else(|| var(env, "AWS_ENDPOINT_URL"))
            .map(|e| normalize_endpoint(&e));
        standard
    };
    settings.findings = findings;
    Ok(settings)
}

/// The AWS SDK credentials provider for these settings.
async fn sdk_credentials(settings: &S3Settings) -> SharedCredentialsProvider {
    match &settings.credentials {
        S3Credentials::Static {
            key_id,
            secret,
            token,
        } => SharedCredentialsProvider::new(Credentials::new(
            key_id,
            secret,
            token.clone(),
            None,
            "statelint-environment",
        )),
        S3Credentials::Chain => SharedCredentialsProvider::new(
            aws_config::default_provider::credentials::DefaultCredentialsChain::builder()
                .region(Region::new(settings.region.clone()))
                .build()
                .await,
        ),
    }
}

/// A control-plane client (bucket location, policy, versioning...) for `region`.
pub fn control_client(
    settings: &S3Settings,
    credentials: SharedCredentialsProvider,
    region: &str,
) -> aws_sdk_s3::Client {
    let timeouts = aws_sdk_s3::config::timeout::TimeoutConfig::builder()
        .connect_timeout(settings.timeouts.connect)
        .operation_attempt_timeout(settings.timeouts.request)
        // Retries of throttling fit inside one request timeout; a silent endpoint is not
        // asked again (fail fast, see `vfs::fail_fast`).
        .operation_timeout(settings.timeouts.request)
        .build();
    let mut config = aws_sdk_s3::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(region.to_string()))
        .credentials_provider(credentials)
        .force_path_style(settings.path_style)
        .timeout_config(timeouts)
        .retry_config(
            aws_sdk_s3::config::retry::RetryConfig::standard()
                .with_max_attempts(http::MAX_RETRIES as u32 + 1),
        );
    if let Some(endpoint) = &settings.endpoint {
        config = config.endpoint_url(endpoint);
    }
    aws_sdk_s3::Client::from_conf(config.build())
}

/// An STS client (caller identity) with the same credentials.
pub fn sts_client(
    settings: &S3Settings,
    credentials: SharedCredentialsProvider,
) -> aws_sdk_sts::Client {
    let timeouts = aws_sdk_sts::config::timeout::TimeoutConfig::builder()
        .connect_timeout(settings.timeouts.connect)
        .operation_attempt_timeout(settings.timeouts.request)
        // Retries of throttling fit inside one request timeout; a silent endpoint is not
        // asked again (fail fast, see `vfs::fail_fast`).
        .operation_timeout(settings.timeouts.request)
        .build();
    let mut config = aws_sdk_sts::Config::builder()
        .behavior_version(aws_sdk_sts::config::BehaviorVersion::latest())
        .region(aws_sdk_sts::config::Region::new(settings.region.clone()))
        .credentials_provider(credentials)
        .timeout_config(timeouts)
        .retry_config(
            aws_sdk_sts::config::retry::RetryConfig::standard()
                .with_max_attempts(http::MAX_RETRIES as u32 + 1),
        );
    if let Some(endpoint) = &settings.sts_endpoint {
        config = config.endpoint_url(endpoint);
    }
    aws_sdk_sts::Client::from_conf(config.build())
}

/// An IAM client (the caller's own policies) with the same credentials. IAM is global:
/// requests are signed for us-east-1.
pub fn iam_client(
    settings: &S3Settings,
    credentials: SharedCredentialsProvider,
) -> aws_sdk_iam::Client {
    let timeouts = aws_sdk_iam::config::timeout::TimeoutConfig::builder()
        .connect_timeout(settings.timeouts.connect)
        .operation_attempt_timeout(settings.timeouts.request)
        .build();
    let mut config = aws_sdk_iam::Config::builder()
        .behavior_version(aws_sdk_iam::config::BehaviorVersion::latest())
        .region(aws_sdk_iam::config::Region::new(DEFAULT_REGION))
        .credentials_provider(credentials)
        .timeout_config(timeouts)
        .retry_config(
            aws_sdk_iam::config::retry::RetryConfig::standard()
                .with_max_attempts(http::MAX_RETRIES as u32 + 1),
        );
    if let Some(endpoint) = &settings.iam_endpoint {
        config = config.endpoint_url(endpoint);
    }
    aws_sdk_iam::Client::from_conf(config.build())
}

/// The outcome of looking a bucket's region up the way kops does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegionLookup {
    /// The bucket's region, when either call revealed it.
    pub region: Option<String>,
    /// GetBucketLocation was answered 403 (kops before 1.36 then fails).
    pub location_denied: bool,
    /// Why the lookup failed, when it did.
    pub detail: String,
}

/// `""` means us-east-1 and `EU` eu-west-1 (GetBucketLocation's legacy answers).
fn location_to_region(constraint: &str) -> String {
    match constraint {
        "" => DEFAULT_REGION.to_string(),
        "EU" => "eu-west-1".to_string(),
        other => other.to_string(),
    }
}

/// GetBucketLocation, then HeadBucket's `x-amz-bucket-region` (on success or on a 301/403).
pub async fn lookup_region(client: &aws_sdk_s3::Client, bucket: &str) -> RegionLookup {
    let (location_denied, detail) = match client.get_bucket_location().bucket(bucket).send().await {
        Ok(out) => {
            let constraint = out.location_constraint().map(|c| c.as_str()).unwrap_or("");
            return RegionLookup {
                region: Some(location_to_region(constraint)),
                location_denied: false,
                detail: String::new(),
            };
        }
        Err(e) => (
            e.raw_response().is_some_and(|r| r.status().as_u16() == 403),
            format!("GetBucketLocation: {}", sdk_error_text(&e)),
        ),
    };
    match client.head_bucket().bucket(bucket).send().await {
        Ok(out) => RegionLookup {
            region: out.bucket_region().map(str::to_string),
            location_denied,
            detail,
        },
        Err(e) => {
            let region = e
                .raw_response()
                .and_then(|r| r.headers().get("x-amz-bucket-region"))
                .map(str::to_string);
            RegionLookup {
                region,
                location_denied,
                detail: format!("{detail}; HeadBucket: {}", sdk_error_text(&e)),
            }
        }
    }
}

/// An SDK error as one line: HTTP status, the service's error code and message.
pub fn sdk_error_text<E>(
    err: &aws_sdk_s3::error::SdkError<E, aws_sdk_s3::config::http::HttpResponse>,
) -> String
where
    E: aws_sdk_s3::error::ProvideErrorMetadata + std::error::Error + 'static,
{
    use aws_sdk_s3::error::ProvideErrorMetadata;
    // Some servers (Ceph RGW) send an empty `<Message/>`: no message then.
    let message = err.message().filter(|m| !m.trim().is_empty());
    let text = match (err.code(), message) {
        (Some(code), Some(message)) => format!("{code}: {message}"),
        (Some(code), None) => code.to_string(),
        (None, Some(message)) => message.to_string(),
        // HEAD answers have no body, hence no error code: the status says it all.
        (None, None)
            if err
                .raw_response()
                .is_some_and(|r| r.status().as_u16() >= 400) =>
        {
            String::from("(no error details)")
        }
        (None, None) if err.raw_response().is_none() => {
            // No answer at all (no credentials, refused, silence): one sentence, no chain.
            let full = aws_sdk_s3::error::DisplayErrorContext(err).to_string();
            match super::RemoteErrorKind::classify(&full) {
                // The store's own error (SL037) says how to fix it; here, only what it was.
                super::RemoteErrorKind::NoCredentials => Some("no AWS credentials".to_string()),
                kind => super::sentence::rewrite(kind, &full, None, Scheme::S3),
            }
            .unwrap_or_else(|| {
                let mut short: String = full.chars().take(160).collect();
                if short.len() < full.len() {
                    short.push_str("...");
                }
                short
            })
        }
        (None, None) => {
            // Unparseable answers carry the whole response in their text; keep the gist.
            let full = aws_sdk_s3::error::DisplayErrorContext(err).to_string();
            let mut short: String = full.chars().take(160).collect();
            if short.len() < full.len() {
                short.push_str("...");
            }
            short
        }
    };
    match err.raw_response().map(|r| r.status().as_u16()) {
        Some(status) => format!("HTTP {status} {text}"),
        None => text,
    }
}

/// Bridges the AWS SDK's credential providers (profiles, web identity, SSO, ...) into
/// `object_store`, caching each credential until shortly before it expires.
struct SdkCredentialBridge {
    provider: SharedCredentialsProvider,
    cached: Mutex<Option<(Arc<AwsCredential>, Option<SystemTime>)>>,
}

impl std::fmt::Debug for SdkCredentialBridge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SdkCredentialBridge")
    }
}

/// Refresh credentials this long before they expire.
const REFRESH_MARGIN: Duration = Duration::from_secs(300);

#[async_trait]
impl CredentialProvider for SdkCredentialBridge {
    type Credential = AwsCredential;

    async fn get_credential(&self) -> object_store::Result<Arc<AwsCredential>> {
        {
            let cached = self.cached.lock().unwrap_or_else(|e| e.into_inner());
            if let Some((credential, expiry)) = cached.as_ref() {
                let fresh = expiry.is_none_or(|e| e > SystemTime::now() + REFRESH_MARGIN);
                if fresh {
                    return Ok(Arc::clone(credential));
                }
            }
        }
        use aws_sdk_s3::config::ProvideCredentials;
        let credentials = self.provider.provide_credentials().await.map_err(|e| {
            object_store::Error::Generic {
                store: "S3",
                source: format!("no credentials: {e}").into(),
            }
        })?;
        let credential = Arc::new(AwsCredential {
            key_id: credentials.access_key_id().to_string(),
            secret_key: credentials.secret_access_key().to_string(),
            token: credentials.session_token().map(str::to_string),
        });
        *self.cached.lock().unwrap_or_else(|e| e.into_inner()) =
            Some((Arc::clone(&credential), credentials.expiry()));
        Ok(credential)
    }
}

/// An opened S3-family store: the VFS backend plus what probes need for bucket-level calls.
pub struct S3Store {
    pub settings: S3Settings,
    pub credentials: SharedCredentialsProvider,
}

/// Opens an S3-family store: resolves the settings, looks the region up as kops does, and
/// builds the data-plane client.
pub fn open(url: &StoreUrl, env: &dyn Environment) -> Result<ObjectStoreBackend, VfsError> {
    open_store(url, env).map(|(backend, _)| backend)
}

/// As [`open`], also returning the settings and credentials for control-plane calls.
pub fn open_store(
    url: &StoreUrl,
    env: &dyn Environment,
) -> Result<(ObjectStoreBackend, S3Store), VfsError> {
    let mut settings = resolve(url, env)?;
    let shown = url.redacted();
    let runtime_error = |e: String| VfsError::Io {
        url: shown.clone(),
        source: std::io::Error::other(e),
    };
    let credentials = block_on(sdk_credentials(&settings)).map_err(runtime_error)?;
    if settings.discover_region {
        let client = control_client(&settings, credentials.clone(), &settings.region);
        let lookup = block_on(lookup_region(&client, &settings.bucket)).map_err(runtime_error)?;
        let bucket_url = settings.bucket_url();
        match &lookup.region {
            Some(actual) => {
                if lookup.location_denied {
                    settings
                        .findings
                        .push(diags::location_denied(&bucket_url, actual));
                }
                if settings.region_configured && actual != &settings.region {
                    settings.findings.push(diags::region_mismatch(
                        &bucket_url,
                        &settings.region,
                        actual,
                    ));
                }
                settings.region = actual.clone();
            }
            // A missing bucket or a dead endpoint is reported by the first real call,
            // with its own code; only a denial is worth a finding here.
            None if lookup.location_denied => {
                settings.findings.push(diags::region_unknown(
                    &bucket_url,
                    &settings.region,
                    &lookup.detail,
                ));
            }
            None => {}
        }
    }
    let mut builder = AmazonS3Builder::new()
        .with_bucket_name(&settings.bucket)
        .with_region(&settings.region)
        .with_client_options(http::client_options_with(
            settings
                .endpoint
                .as_deref()
                .is_some_and(http::is_plain_http),
            settings.timeouts,
        ))
        .with_retry(http::retry_config(settings.timeouts.request))
        // One DELETE per object, as kops does: some S3-compatible providers lack the bulk
        // `POST ?delete`, and we never delete more than one object at a time.
        .with_disable_bulk_delete(true)
        .with_virtual_hosted_style_request(!settings.path_style && settings.endpoint.is_none())
        .with_credentials(Arc::new(SdkCredentialBridge {
            provider: credentials.clone(),
            cached: Mutex::new(None),
        }));
    if let Some(endpoint) = &settings.endpoint {
        builder = builder.with_endpoint(endpoint);
    }
    let client = builder.build().map_err(|e| VfsError::Remote {
        url: shown.clone(),
        kind: super::RemoteErrorKind::Other,
        detail: e.to_string(),
    })?;
    let backend = ObjectStoreBackend::new(url.clone(), settings.prefix.clone(), Arc::new(client))
        .with_findings(settings.findings.clone())
        .with_endpoint(settings.sentence_endpoint());
    Ok((
        backend,
        S3Store {
            settings,
            credentials,
        },
    ))
}

impl S3Store {
    fn client(&self) -> aws_sdk_s3::Client {
        control_client(
            &self.settings,
            self.credentials.clone(),
            &self.settings.region,
        )
    }

    fn remote_error(&self, what: &str, detail: String, status: Option<u16>) -> VfsError {
        let kind = match status {
            Some(403) => super::RemoteErrorKind::AccessDenied,
            _ => super::RemoteErrorKind::classify(&detail),
        };
        VfsError::Remote {
            url: self.settings.bucket_url(),
            kind,
            detail: format!("{what}: {detail}"),
        }
    }

    /// The caller's ARN (STS GetCallerIdentity).
    pub fn caller_arn(&self) -> Result<String, VfsError> {
        let sts = sts_client(&self.settings, self.credentials.clone());
        let out = block_on(sts.get_caller_identity().send())
            .map_err(|e| self.remote_error("GetCallerIdentity", e, None))?
            .map_err(|e| self.remote_error("GetCallerIdentity", e.to_string(), None))?;
        out.arn().map(str::to_string).ok_or_else(|| {
            self.remote_error("GetCallerIdentity", "no ARN in the answer".into(), None)
        })
    }

    /// The bucket policy's text, `None` when the bucket has none.
    pub fn bucket_policy(&self) -> Result<Option<String>, VfsError> {
        use aws_sdk_s3::error::ProvideErrorMetadata;
        let client = self.client();
        match block_on(
            client
                .get_bucket_policy()
                .bucket(&self.settings.bucket)
                .send(),
        )
        .map_err(|e| self.remote_error("GetBucketPolicy", e, None))?
        {
            Ok(out) => Ok(out.policy().map(str::to_string)),
            Err(e) if e.code() == Some("NoSuchBucketPolicy") => Ok(None),
            Err(e) => {
                let status = e.raw_response().map(|r| r.status().as_u16());
                Err(self.remote_error("GetBucketPolicy", sdk_error_text(&e), status))
            }
        }
    }

    /// Writes the bucket policy, then reads it back and compares (as JSON) before
    /// reporting success.
    pub fn put_bucket_policy(&self, text: &str) -> Result<(), VfsError> {
        let client = self.client();
        block_on(
            client
                .put_bucket_policy()
                .bucket(&self.settings.bucket)
                .policy(text)
                .send(),
        )
        .map_err(|e| self.remote_error("PutBucketPolicy", e, None))?
        .map_err(|e| {
            let status = e.raw_response().map(|r| r.status().as_u16());
            self.remote_error("PutBucketPolicy", sdk_error_text(&e), status)
        })?;
        let back = self.bucket_policy()?.unwrap_or_default();
        let same = serde_json::from_str::<serde_json::Value>(&back).ok()
            == serde_json::from_str::<serde_json::Value>(text).ok();
        if same {
            Ok(())
        } else {
            Err(self.remote_error(
                "PutBucketPolicy",
                "the policy read back differs from the one written".into(),
                None,
            ))
        }
    }
}

#[cfg(test)]
mod tests;
