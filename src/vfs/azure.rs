//! `azureblob://<account>/<container>/<prefix>`: Azure Blob Storage through `object_store`.
//!
//! The account comes from the URL, as in kops 1.36 and later. Credentials come from the
//! [`Environment`], first match wins:
//!
//! | source | variables |
//! |---|---|
//! | account key | `AZURE_STORAGE_KEY` (Azure CLI, kops <= 1.35), `AZURE_STORAGE_ACCOUNT_KEY`, `AZURE_STORAGE_ACCESS_KEY` |
//! | SAS token | `AZURE_STORAGE_SAS_TOKEN` (Azure CLI), `AZURE_STORAGE_SAS_KEY` |
//! | service principal | `AZURE_CLIENT_ID` + `AZURE_TENANT_ID` + `AZURE_CLIENT_SECRET` (+ `AZURE_AUTHORITY_HOST`) |
//! | workload identity | `AZURE_CLIENT_ID` + `AZURE_TENANT_ID` + `AZURE_FEDERATED_TOKEN_FILE` |
//! | managed identity | otherwise; `AZURE_CLIENT_ID` picks a user-assigned identity, `IDENTITY_ENDPOINT` / `MSI_ENDPOINT` override the metadata endpoint |
//!
//! Keys and SAS tokens are storage-scoped and explicit, so they win over the Entra ID
//! identities; kops itself only uses the Entra ID chain, which [`azure_diags::KEY_CREDENTIALS`]
//! points out. `STATELINT_AZURE_ENDPOINT` replaces `https://<account>.blob.core.windows.net`
//! with another blob service URL (azurite, sovereign clouds); for a loopback URL without a
//! path, `/<account>` is appended (the emulator's path-style addressing).

use object_store::azure::{AzureConfigKey, MicrosoftAzureBuilder};
use std::sync::Arc;

use super::azure_diags;
use super::http;
use super::object::ObjectStoreBackend;
pub use super::secret::Secret;
use super::VfsError;
use crate::env::Environment;
use crate::findings::Finding;
use crate::resolve::url::{Scheme, StoreUrl};

/// The variable that overrides the blob service URL.
pub const ENDPOINT_VAR: &str = "STATELINT_AZURE_ENDPOINT";
/// Account-key variables, in order of precedence.
pub const KEY_VARS: [&str; 3] = [
    "AZURE_STORAGE_KEY",
    "AZURE_STORAGE_ACCOUNT_KEY",
    "AZURE_STORAGE_ACCESS_KEY",
];
/// SAS-token variables, in order of precedence.
pub const SAS_VARS: [&str; 2] = ["AZURE_STORAGE_SAS_TOKEN", "AZURE_STORAGE_SAS_KEY"];

/// Where the Azure credentials come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AzureCredential {
    AccessKey {
        variable: &'static str,
        key: Secret,
    },
    SasToken {
        variable: &'static str,
        token: Secret,
    },
    ClientSecret {
        client_id: String,
        tenant_id: String,
        secret: Secret,
        authority_host: Option<String>,
    },
    WorkloadIdentity {
        client_id: String,
        tenant_id: String,
        token_file: String,
        authority_host: Option<String>,
    },
    ManagedIdentity {
        client_id: Option<String>,
        endpoint: Option<String>,
    },
}

/// Everything needed to build the client, resolved from the URL and the environment.
#[derive(Debug, Clone)]
pub struct AzureSettings {
    pub account: String,
    pub container: String,
    /// Key prefix inside the container.
    pub prefix: String,
    /// Blob service URL replacing `https://<account>.blob.core.windows.net`.
    pub endpoint: Option<String>,
    pub credential: AzureCredential,
    /// Findings about the configuration (reported with every check).
    pub findings: Vec<Finding>,
}

/// A set, non-blank variable.
fn var(env: &dyn Environment, name: &str) -> Option<String> {
    env.var(name)
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

/// Azure storage account names: 3 to 24 lowercase letters and digits.
pub fn is_account_name(name: &str) -> bool {
    (3..=24).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
}

/// Resolves the settings of an `azureblob://` store; pure apart from reading `env`.
pub fn resolve(url: &StoreUrl, env: &dyn Environment) -> Result<AzureSettings, VfsError> {
    let redacted = url.redacted();
    let Some((account, container, prefix)) = url.azure_parts() else {
        return Err(VfsError::Unsupported {
            scheme: url.scheme,
            reason: "not an azureblob:// URL",
        });
    };
    let mut findings = Vec::new();

    let env_account = var(env, "AZURE_STORAGE_ACCOUNT");
    if let Some(value) = &env_account {
        findings.push(azure_diags::storage_account_set(&redacted, value));
    }
    let rest = url.path.as_str();
    match &env_account {
        Some(value) if value != account => findings.push(azure_diags::legacy_url(
            &redacted,
            account,
            rest,
            Some(value),
        )),
        None if !is_account_name(account) => {
            findings.push(azure_diags::legacy_url(&redacted, account, rest, None))
        }
        _ => {}
    }

    let endpoint = match var(env, ENDPOINT_VAR) {
        Some(raw) => {
            let endpoint = normalize_endpoint(&redacted, &raw, account)?;
            findings.push(azure_diags::endpoint_override(&redacted, &endpoint));
            Some(endpoint)
        }
        None => None,
    };

    let credential = resolve_credential(env, &redacted, &mut findings);
    Ok(AzureSettings {
        account: account.to_string(),
        container: container.to_string(),
        prefix: prefix.to_string(),
        endpoint,
        credential,
        findings,
    })
}

fn normalize_endpoint(url: &str, raw: &str, account: &str) -> Result<String, VfsError> {
    let Some((scheme, rest)) = raw.split_once("://") else {
        return Err(azure_diags::invalid_endpoint(
            url,
            raw,
            "it has no `http://` or `https://` scheme",
        ));
    };
    if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
        return Err(azure_diags::invalid_endpoint(
            url,
            raw,
            "only `http://` and `https://` are supported",
        ));
    }
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], rest[i..].trim_end_matches('/')),
        None => (rest, ""),
    };
    if authority.is_empty() || authority.contains(['?', '#', '@', ' ']) {
        return Err(azure_diags::invalid_endpoint(
            url,
            raw,
            "it names no usable host",
        ));
    }
    let mut endpoint = format!("{}://{authority}{path}", scheme.to_ascii_lowercase());
    if path.is_empty() && http::is_loopback_url(&endpoint) {
        // Emulators address accounts by path: http://127.0.0.1:10000/<account>.
        endpoint.push('/');
        endpoint.push_str(account);
    }
    Ok(endpoint)
}

fn resolve_credential(
    env: &dyn Environment,
    url: &str,
    findings: &mut Vec<Finding>,
) -> AzureCredential {
    let client_id = var(env, "AZURE_CLIENT_ID");
    let tenant_id = var(env, "AZURE_TENANT_ID");
    let secret = var(env, "AZURE_CLIENT_SECRET");
    let token_file = var(env, "AZURE_FEDERATED_TOKEN_FILE");
    let authority_host = var(env, "AZURE_AUTHORITY_HOST");

    if let Some((variable, key)) = KEY_VARS.iter().find_map(|v| var(env, v).map(|k| (*v, k))) {
        findings.push(azure_diags::key_credentials(url, variable));
        return AzureCredential::AccessKey {
            variable,
            key: Secret::new(key),
        };
    }
    if let Some((variable, token)) = SAS_VARS.iter().find_map(|v| var(env, v).map(|k| (*v, k))) {
        findings.push(azure_diags::key_credentials(url, variable));
        return AzureCredential::SasToken {
            variable,
            token: Secret::new(token.trim_start_matches('?').to_string()),
        };
    }
    match (client_id, tenant_id, secret, token_file) {
        (Some(client_id), Some(tenant_id), Some(secret), _) => AzureCredential::ClientSecret {
            client_id,
            tenant_id,
            secret: Secret::new(secret),
            authority_host,
        },
        (Some(client_id), Some(tenant_id), None, Some(token_file)) => {
            AzureCredential::WorkloadIdentity {
                client_id,
                tenant_id,
                token_file,
                authority_host,
            }
        }
        (client_id, tenant_id, secret, token_file) => {
            // `AZURE_CLIENT_ID` alone is a user-assigned managed identity; anything else
            // partial is a service principal with a variable missing.
            if tenant_id.is_some() || secret.is_some() || token_file.is_some() {
                let present = [
                    ("AZURE_CLIENT_ID", client_id.is_some()),
                    ("AZURE_TENANT_ID", tenant_id.is_some()),
                    ("AZURE_CLIENT_SECRET", secret.is_some()),
                    ("AZURE_FEDERATED_TOKEN_FILE", token_file.is_some()),
                ];
                let set: Vec<&str> = present.iter().filter(|p| p.1).map(|p| p.0).collect();
                let mut missing: Vec<&str> =
                    present[..2].iter().filter(|p| !p.1).map(|p| p.0).collect();
                if secret.is_none() && token_file.is_none() {
                    missing.push("AZURE_CLIENT_SECRET");
                }
                findings.push(azure_diags::incomplete_service_principal(
                    url, &set, &missing,
                ));
            }
            AzureCredential::ManagedIdentity {
                client_id,
                endpoint: var(env, "IDENTITY_ENDPOINT").or_else(|| var(env, "MSI_ENDPOINT")),
            }
        }
    }
}

/// Builds the `object_store` client for resolved settings (no request is sent).
pub fn build(
    settings: &AzureSettings,
    url: &str,
) -> Result<object_store::azure::MicrosoftAzure, VfsError> {
    let allow_http = settings
        .endpoint
        .as_deref()
        .is_some_and(http::is_plain_http);
    let mut builder = MicrosoftAzureBuilder::new()
        .with_account(&settings.account)
        .with_container_name(&settings.container)
        .with_client_options(http::client_options(allow_http))
        .with_retry(http::retry_config(super::runtime::REQUEST_TIMEOUT));
    if let Some(endpoint) = &settings.endpoint {
        builder = builder.with_endpoint(endpoint.clone());
    }
    let variable = match &settings.credential {
        AzureCredential::AccessKey { variable, key } => {
            builder = builder
                .with_access_key(key.expose())
                .with_credential_type("access_key");
            *variable
        }
        AzureCredential::SasToken { variable, token } => {
            builder = builder
                .with_config(AzureConfigKey::SasKey, token.expose())
                .with_credential_type("sas_token");
            *variable
        }
        AzureCredential::ClientSecret {
            client_id,
            tenant_id,
            secret,
            authority_host,
        } => {
            builder = builder
                .with_client_secret_authorization(client_id, secret.expose(), tenant_id)
                .with_credential_type("client_secret");
            if let Some(host) = authority_host {
                builder = builder.with_authority_host(host);
            }
            "AZURE_CLIENT_SECRET"
        }
        AzureCredential::WorkloadIdentity {
            client_id,
            tenant_id,
            token_file,
            authority_host,
        } => {
            builder = builder
                .with_client_id(client_id)
                .with_tenant_id(tenant_id)
                .with_federated_token_file(token_file)
                .with_credential_type("workload_identity");
            if let Some(host) = authority_host {
                builder = builder.with_authority_host(host);
            }
            "AZURE_FEDERATED_TOKEN_FILE"
        }
        AzureCredential::ManagedIdentity {
            client_id,
            endpoint,
        } => {
            builder = builder.with_credential_type("managed_identity");
            if let Some(id) = client_id {
                builder = builder.with_client_id(id);
            }
            if let Some(endpoint) = endpoint {
                builder = builder.with_msi_endpoint(endpoint);
            }
            "IDENTITY_ENDPOINT"
        }
    };
    builder.build().map_err(|e| match e {
        object_store::Error::Generic { source, .. } => {
            let text = source.to_string();
            if text.to_ascii_lowercase().contains("url") {
                azure_diags::invalid_endpoint(
                    url,
                    settings.endpoint.as_deref().unwrap_or(""),
                    &text,
                )
            } else {
                azure_diags::unusable_credentials(url, variable, &text)
            }
        }
        other => azure_diags::unusable_credentials(url, variable, &other.to_string()),
    })
}

/// Opens an `azureblob://` store.
pub fn open(url: &StoreUrl, env: &dyn Environment) -> Result<ObjectStoreBackend, VfsError> {
    debug_assert_eq!(url.scheme, Scheme::AzureBlob);
    let settings = resolve(url, env)?;
    let client = build(&settings, &url.redacted())?;
    let endpoint = super::sentence::Endpoint {
        url: settings
            .endpoint
            .clone()
            .unwrap_or_else(|| format!("https://{}.blob.core.windows.net", settings.account)),
        origin: match settings.endpoint {
            Some(_) => ENDPOINT_VAR.to_string(),
            None => format!("Azure's endpoint for account {}", settings.account),
        },
        timeout_secs: super::http::Timeouts::from_env(env).request.as_secs(),
    };
    Ok(
        ObjectStoreBackend::new(url.clone(), settings.prefix.clone(), Arc::new(client))
            .with_findings(settings.findings)
            .with_endpoint(endpoint),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::env::MapEnv;

    fn url(text: &str) -> StoreUrl {
        StoreUrl::parse(text).expect("url")
    }

    fn codes(settings: &AzureSettings) -> Vec<&'static str> {
        settings.findings.iter().map(|f| f.code).collect()
    }

    #[test]
    fn splits_account_container_and_prefix() {
        let env = MapEnv::new().with_var("AZURE_STORAGE_KEY", "a2V5");
        let s = resolve(&url("azureblob://kopsstate/state/clusters/prod"), &env).expect("ok");
        assert_eq!(
            (s.account.as_str(), s.container.as_str(), s.prefix.as_str()),
            ("kopsstate", "state", "clusters/prod")
        );
        assert_eq!(s.endpoint, None);
        assert_eq!(
            s.credential,
            AzureCredential::AccessKey {
                variable: "AZURE_STORAGE_KEY",
                key: Secret::new("a2V5")
            }
        );
        assert_eq!(codes(&s), ["SL052"]);
    }

    #[test]
    fn key_variables_in_precedence_order_and_blank_values_ignored() {
        let env = MapEnv::new()
            .with_var("AZURE_STORAGE_KEY", "  ")
            .with_var("AZURE_STORAGE_ACCESS_KEY", "second")
            .with_var("AZURE_STORAGE_ACCOUNT_KEY", "first")
            .with_var("AZURE_STORAGE_SAS_TOKEN", "sv=1&sig=x");
        let s = resolve(&url("azureblob://acct/c"), &env).expect("ok");
        assert!(matches!(
            s.credential,
            AzureCredential::AccessKey {
                variable: "AZURE_STORAGE_ACCOUNT_KEY",
                ..
            }
        ));
    }

    #[test]
    fn sas_token_loses_its_question_mark() {
        let env = MapEnv::new().with_var("AZURE_STORAGE_SAS_KEY", "?sv=2022&sig=abc");
        let s = resolve(&url("azureblob://acct/c"), &env).expect("ok");
        assert_eq!(
            s.credential,
            AzureCredential::SasToken {
                variable: "AZURE_STORAGE_SAS_KEY",
                token: Secret::new("sv=2022&sig=abc")
            }
        );
        assert_eq!(codes(&s), ["SL052"]);
    }

    #[test]
    fn service_principal_workload_and_managed_identity() {
        let sp = MapEnv::new()
            .with_var("AZURE_CLIENT_ID", "cid")
            .with_var("AZURE_TENANT_ID", "tid")
            .with_var("AZURE_CLIENT_SECRET", "sec");
        let s = resolve(&url("azureblob://acct/c"), &sp).expect("ok");
        assert!(
            matches!(s.credential, AzureCredential::ClientSecret { ref client_id, .. } if client_id == "cid")
        );
        assert!(s.findings.is_empty());

        let wi = MapEnv::new()
            .with_var("AZURE_CLIENT_ID", "cid")
            .with_var("AZURE_TENANT_ID", "tid")
            .with_var("AZURE_FEDERATED_TOKEN_FILE", "/var/run/token");
        let s = resolve(&url("azureblob://acct/c"), &wi).expect("ok");
        assert!(
            matches!(s.credential, AzureCredential::WorkloadIdentity { ref token_file, .. } if token_file == "/var/run/token")
        );

        let user_assigned = MapEnv::new()
            .with_var("AZURE_CLIENT_ID", "cid")
            .with_var("IDENTITY_ENDPOINT", "http://127.0.0.1:1/msi");
        let s = resolve(&url("azureblob://acct/c"), &user_assigned).expect("ok");
        assert_eq!(
            s.credential,
            AzureCredential::ManagedIdentity {
                client_id: Some("cid".into()),
                endpoint: Some("http://127.0.0.1:1/msi".into())
            }
        );
        assert!(
            s.findings.is_empty(),
            "a lone client id is a user-assigned identity"
        );

        let none = resolve(&url("azureblob://acct/c"), &MapEnv::new()).expect("ok");
        assert_eq!(
            none.credential,
            AzureCredential::ManagedIdentity {
                client_id: None,
                endpoint: None
            }
        );
    }

    #[test]
    fn incomplete_service_principal_is_reported() {
        let env = MapEnv::new()
            .with_var("AZURE_CLIENT_ID", "cid")
            .with_var("AZURE_TENANT_ID", "tid");
        let s = resolve(&url("azureblob://acct/c"), &env).expect("ok");
        assert_eq!(codes(&s), ["SL053"]);
        assert!(s.findings[0].message.contains("`AZURE_CLIENT_SECRET`"));
        assert!(matches!(
            s.credential,
            AzureCredential::ManagedIdentity { .. }
        ));
    }

    #[test]
    fn storage_account_variable_is_an_error_and_hints_at_the_legacy_form() {
        let same = MapEnv::new()
            .with_var("AZURE_STORAGE_ACCOUNT", "acct")
            .with_var("AZURE_STORAGE_KEY", "a2V5");
        let s = resolve(&url("azureblob://acct/c/kops"), &same).expect("ok");
        assert_eq!(codes(&s), ["SL050", "SL052"]);

        let legacy = MapEnv::new().with_var("AZURE_STORAGE_ACCOUNT", "kopsstate");
        let s = resolve(&url("azureblob://kops-state/clusters"), &legacy).expect("ok");
        assert_eq!(codes(&s), ["SL050", "SL051"]);
        let help = s.findings[1].help.as_deref().unwrap_or("");
        assert!(
            help.contains("azureblob://kopsstate/kops-state/clusters"),
            "{help}"
        );
    }

    #[test]
    fn host_that_cannot_be_an_account_is_the_legacy_form() {
        let s = resolve(&url("azureblob://Kops-State/x"), &MapEnv::new()).expect("ok");
        assert_eq!(codes(&s), ["SL051"]);
        assert!(is_account_name("devstoreaccount1"));
        assert!(!is_account_name("ab"));
        assert!(!is_account_name("a-b-c"));
        assert!(!is_account_name(&"a".repeat(25)));
    }

    #[test]
    fn endpoint_override_is_normalized_and_reported() {
        let env = MapEnv::new().with_var(ENDPOINT_VAR, "http://127.0.0.1:10000/");
        let s = resolve(&url("azureblob://devstoreaccount1/c"), &env).expect("ok");
        assert_eq!(
            s.endpoint.as_deref(),
            Some("http://127.0.0.1:10000/devstoreaccount1")
        );
        assert!(codes(&s).contains(&"SL054"));

        let env = MapEnv::new().with_var(ENDPOINT_VAR, "https://acct.blob.core.chinacloudapi.cn/");
        let s = resolve(&url("azureblob://acct/c"), &env).expect("ok");
        assert_eq!(
            s.endpoint.as_deref(),
            Some("https://acct.blob.core.chinacloudapi.cn")
        );

        for bad in ["127.0.0.1:10000", "ftp://x", "http:///path"] {
            let env = MapEnv::new().with_var(ENDPOINT_VAR, bad);
            match resolve(&url("azureblob://acct/c"), &env) {
                Err(VfsError::Config { code, .. }) => assert_eq!(code.code, "SL054"),
                other => panic!("{bad}: {other:?}"),
            }
        }
    }

    #[test]
    fn secrets_stay_out_of_debug_output() {
        let env = MapEnv::new().with_var("AZURE_STORAGE_KEY", "c3VwZXJzZWNyZXQ=");
        let s = resolve(&url("azureblob://acct/c"), &env).expect("ok");
        assert!(!format!("{s:?}").contains("c3VwZXJzZWNyZXQ="));
    }

    #[test]
    fn builds_clients_without_network_and_rejects_a_non_base64_key() {
        let env = MapEnv::new()
            .with_var("AZURE_STORAGE_KEY", "a2V5")
            .with_var(ENDPOINT_VAR, "http://127.0.0.1:9");
        let u = url("azureblob://devstoreaccount1/c/p");
        assert!(open(&u, &env).is_ok());
        let env = MapEnv::new()
            .with_var("AZURE_STORAGE_KEY", "not base64 !!")
            .with_var(ENDPOINT_VAR, "http://127.0.0.1:9");
        match open(&u, &env) {
            Err(VfsError::Config { code, message, .. }) => {
                assert_eq!(code.code, "SL032");
                assert!(message.contains("AZURE_STORAGE_KEY"));
                assert!(!message.contains("not base64 !!"));
            }
            Err(other) => panic!("{other:?}"),
            Ok(_) => panic!("a non-base64 key must not build"),
        }
    }
}
