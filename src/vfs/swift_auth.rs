//! Keystone v3 authentication for `swift://` stores: where the credentials come from (the
//! way kops finds them), the token request, and picking the Swift endpoint out of the
//! service catalog. Everything here is pure apart from reading the environment and the
//! credentials file, so it is unit-tested without a server.
//!
//! | source | settings |
//! |---|---|
//! | variables (first) | `OS_AUTH_URL`; `OS_USERNAME` or `OS_USERID`; `OS_PASSWORD`; `OS_PROJECT_ID`/`OS_TENANT_ID` or `OS_PROJECT_NAME`/`OS_TENANT_NAME`; domains from `OS_USER_DOMAIN_*`, `OS_PROJECT_DOMAIN_*`, else `OS_DOMAIN_*`; or `OS_APPLICATION_CREDENTIAL_ID`/`_NAME` + `_SECRET` |
//! | file (when a variable is missing) | `[Default]` of `OPENSTACK_CREDENTIAL_FILE` or `~/.openstack/config`: `identity`, `user`/`user_id`, `password`, `domain_name`/`domain_id`, `tenant_name`/`tenant_id` |
//! | endpoint | `OS_REGION_NAME` (quotes stripped, as kops does), else `[Global] region`, else the `[Swift]` section (`region`, `service_type`, `service_name`, `availability`); `OS_INTERFACE` (default `public`) |
//! | TLS | `OS_CACERT` (a PEM bundle); `KOPS_OS_TLS_INSECURE_SKIP_VERIFY=true` turns checks off ([`swift_diags::TLS_VERIFY_DISABLED`]) |

use serde_json::{json, Value};
use std::collections::HashMap;
use std::path::PathBuf;

use super::secret::Secret;
use super::swift_diags;
use super::VfsError;
use crate::env::Environment;
use crate::findings::Finding;

/// A Keystone domain, by ID or by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Domain {
    Id(String),
    Name(String),
}

impl Domain {
    fn to_json(&self) -> Value {
        match self {
            Domain::Id(id) => json!({ "id": id }),
            Domain::Name(name) => json!({ "name": name }),
        }
    }
}

/// A Keystone user, by ID or by name within a domain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum User {
    Id(String),
    Name { name: String, domain: Domain },
}

impl User {
    fn to_json(&self) -> Value {
        match self {
            User::Id(id) => json!({ "id": id }),
            User::Name { name, domain } => json!({ "name": name, "domain": domain.to_json() }),
        }
    }

    /// How the user is named in messages (never with the password).
    pub fn describe(&self) -> String {
        match self {
            User::Id(id) => format!("user ID `{id}`"),
            User::Name { name, .. } => format!("user `{name}`"),
        }
    }
}

/// How statelint proves who it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Method {
    Password {
        user: User,
        password: Secret,
    },
    ApplicationCredential {
        /// The credential's ID, or its name together with its owner.
        id: Option<String>,
        name: Option<(String, User)>,
        secret: Secret,
    },
}

/// Which project the token is for (application credentials carry their own).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    ProjectId(String),
    ProjectName {
        name: String,
        domain: Domain,
    },
    System,
    /// No scope in the request: Keystone uses the user's default project, if any.
    Unscoped,
}

/// Which catalog endpoint serves object storage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointChoice {
    pub service_type: String,
    pub service_name: Option<String>,
    /// Empty: any region.
    pub region: String,
    pub interface: String,
}

/// Where the credentials came from, for messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CredentialSource {
    Environment,
    File(PathBuf),
}

/// Everything needed to authenticate and find Swift, resolved from the environment.
#[derive(Debug, Clone)]
pub struct SwiftSettings {
    /// The Keystone v3 base URL (ends in `/v3`, no trailing `/`).
    pub auth_url: String,
    pub method: Method,
    pub scope: Scope,
    pub endpoint: EndpointChoice,
    pub source: CredentialSource,
    /// `OS_CACERT`: extra trusted certificates (PEM).
    pub ca_file: Option<PathBuf>,
    pub insecure_tls: bool,
    pub findings: Vec<Finding>,
}

/// A token and the Swift account URL from its catalog.
#[derive(Debug, Clone)]
pub struct Session {
    pub token: Secret,
    /// `https://swift.example.com/v1/AUTH_<project>`, no trailing `/`.
    pub storage_url: String,
}

fn var(env: &dyn Environment, name: &str) -> Option<String> {
    env.var(name)
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

fn first(env: &dyn Environment, names: &[&str]) -> Option<String> {
    names.iter().find_map(|n| var(env, n))
}

/// Normalizes the identity URL to its v3 base: `…/v3` is kept, a bare Keystone URL gets
/// `/v3` appended, any other version is refused.
pub fn v3_base(store: &str, raw: &str) -> Result<String, VfsError> {
    let trimmed = raw.trim().trim_end_matches('/');
    if !trimmed.contains("://") {
        return Err(swift_diags::identity_api_unsupported(store, raw));
    }
    let last = trimmed.rsplit('/').next().unwrap_or("");
    if last.eq_ignore_ascii_case("v3") {
        return Ok(trimmed.to_string());
    }
    let looks_versioned = last.len() > 1
        && last.as_bytes()[0].eq_ignore_ascii_case(&b'v')
        && last[1..].bytes().all(|b| b.is_ascii_digit() || b == b'.');
    if looks_versioned {
        return Err(swift_diags::identity_api_unsupported(store, raw));
    }
    Ok(format!("{trimmed}/v3"))
}

/// Credentials from the `OS_*` variables, or why they are incomplete.
fn from_env(env: &dyn Environment) -> Result<(String, Method, Scope), String> {
    let auth_url = var(env, "OS_AUTH_URL").ok_or("`OS_AUTH_URL` is not set")?;
    // `OS_DOMAIN_*` is the older spelling for both the user's and the project's domain.
    let domain = |id: &str, name: &str| {
        var(env, id)
            .map(Domain::Id)
            .or_else(|| var(env, name).map(Domain::Name))
    };
    let shared_domain = domain("OS_DOMAIN_ID", "OS_DOMAIN_NAME");
    let user_domain =
        domain("OS_USER_DOMAIN_ID", "OS_USER_DOMAIN_NAME").or_else(|| shared_domain.clone());
    let project_domain =
        domain("OS_PROJECT_DOMAIN_ID", "OS_PROJECT_DOMAIN_NAME").or_else(|| shared_domain.clone());
    let user = match (var(env, "OS_USERID"), var(env, "OS_USERNAME")) {
        (Some(id), _) => Some(User::Id(id)),
        (None, Some(name)) => Some(User::Name {
            name,
            domain: user_domain
                .clone()
                .ok_or("`OS_USERNAME` is set without its domain (`OS_USER_DOMAIN_NAME`, `OS_USER_DOMAIN_ID` or `OS_DOMAIN_NAME`)")?,
        }),
        (None, None) => None,
    };

    let app_id = var(env, "OS_APPLICATION_CREDENTIAL_ID");
    let app_name = var(env, "OS_APPLICATION_CREDENTIAL_NAME");
    if app_id.is_some() || app_name.is_some() {
        let secret = var(env, "OS_APPLICATION_CREDENTIAL_SECRET")
            .ok_or("`OS_APPLICATION_CREDENTIAL_SECRET` is not set")?;
        let name = match (app_id.is_none(), app_name) {
            (true, Some(n)) => Some((
                n,
                user.clone()
                    .ok_or("`OS_APPLICATION_CREDENTIAL_NAME` needs `OS_USERNAME` or `OS_USERID`")?,
            )),
            _ => None,
        };
        let method = Method::ApplicationCredential {
            id: app_id,
            name,
            secret: Secret::new(secret),
        };
        // An application credential is bound to its project: no scope may be asked for.
        return Ok((auth_url, method, Scope::Unscoped));
    }

    let user = user.ok_or("neither `OS_USERNAME` nor `OS_USERID` is set")?;
    let password = var(env, "OS_PASSWORD").ok_or("`OS_PASSWORD` is not set")?;
    let scope = if var(env, "OS_SYSTEM_SCOPE").is_some_and(|s| s.eq_ignore_ascii_case("all")) {
        Scope::System
    } else if let Some(id) = first(env, &["OS_PROJECT_ID", "OS_TENANT_ID"]) {
        Scope::ProjectId(id)
    } else if let Some(name) = first(env, &["OS_PROJECT_NAME", "OS_TENANT_NAME"]) {
        Scope::ProjectName {
            name,
            domain: project_domain.ok_or("`OS_PROJECT_NAME` is set without its domain (`OS_PROJECT_DOMAIN_NAME`, `OS_PROJECT_DOMAIN_ID` or `OS_DOMAIN_NAME`)")?,
        }
    } else {
        Scope::Unscoped
    };
    Ok((
        auth_url,
        Method::Password {
            user,
            password: Secret::new(password),
        },
        scope,
    ))
}

/// A minimal INI reader: `[section]` headers, `key = value` lines, `#`/`;` comments.
/// Section names compare case-sensitively, as kops's INI library does by default.
pub fn parse_ini(text: &str) -> HashMap<String, HashMap<String, String>> {
    let mut sections: HashMap<String, HashMap<String, String>> = HashMap::new();
    let mut current = String::from("DEFAULT");
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            current = name.trim().to_string();
            continue;
        }
        if let Some((key, value)) = line.split_once(['=', ':']) {
            let value = value.trim().trim_matches('"').to_string();
            sections
                .entry(current.clone())
                .or_default()
                .insert(key.trim().to_string(), value);
        }
    }
    sections
}

/// The credentials file kops reads when the variables are incomplete.
fn credentials_file(env: &dyn Environment) -> Option<PathBuf> {
    var(env, "OPENSTACK_CREDENTIAL_FILE")
        .map(PathBuf::from)
        .or_else(|| env.home_dir().map(|h| h.join(".openstack").join("config")))
}

type Ini = HashMap<String, HashMap<String, String>>;

/// Credentials from the `[Default]` section, with kops's required keys.
fn from_file(ini: &Ini) -> Result<(String, Method, Scope), String> {
    let section = ini.get("Default").ok_or("it has no `[Default]` section")?;
    let get = |k: &str| section.get(k).filter(|v| !v.is_empty()).cloned();
    let auth_url = get("identity").ok_or("`identity` is missing in `[Default]`")?;
    let password = get("password").ok_or("`password` is missing in `[Default]`")?;
    let domain = get("domain_id")
        .map(Domain::Id)
        .or_else(|| get("domain_name").map(Domain::Name))
        .ok_or("both `domain_name` and `domain_id` are missing in `[Default]`")?;
    let user = match (get("user_id"), get("user")) {
        (Some(id), _) => User::Id(id),
        (None, Some(name)) => User::Name {
            name,
            domain: domain.clone(),
        },
        (None, None) => return Err("both `user` and `user_id` are missing in `[Default]`".into()),
    };
    let scope = match (get("tenant_id"), get("tenant_name")) {
        (Some(id), _) => Scope::ProjectId(id),
        (None, Some(name)) => Scope::ProjectName { name, domain },
        (None, None) => {
            return Err("both `tenant_name` and `tenant_id` are missing in `[Default]`".into())
        }
    };
    Ok((
        auth_url,
        Method::Password {
            user,
            password: Secret::new(password),
        },
        scope,
    ))
}

/// The endpoint kops would pick: `OS_REGION_NAME`, else `[Global] region`, else `[Swift]`.
fn endpoint_choice(env: &dyn Environment, ini: Option<&Ini>) -> EndpointChoice {
    let interface = var(env, "OS_INTERFACE")
        .map(|i| i.trim_end_matches("URL").to_ascii_lowercase())
        .unwrap_or_else(|| "public".into());
    let mut choice = EndpointChoice {
        service_type: "object-store".into(),
        service_name: None,
        region: String::new(),
        interface,
    };
    if let Some(region) = var(env, "OS_REGION_NAME") {
        let unquoted = region
            .strip_prefix('\'')
            .and_then(|r| r.strip_suffix('\''))
            .unwrap_or(&region);
        choice.region = unquoted.to_string();
        return choice;
    }
    let section = |name: &str| ini.and_then(|i| i.get(name));
    if let Some(region) = section("Global").and_then(|s| s.get("region")) {
        choice.region = region.clone();
    } else if let Some(swift) = section("Swift") {
        let get = |k: &str| swift.get(k).filter(|v| !v.is_empty()).cloned();
        if let Some(t) = get("service_type") {
            choice.service_type = t;
        }
        choice.service_name = get("service_name");
        choice.region = get("region").unwrap_or_default();
        if let Some(a) = get("availability") {
            choice.interface = a.to_ascii_lowercase();
        }
    }
    choice
}

/// Resolves the settings of a `swift://` store; pure apart from reading `env` and the
/// credentials file.
pub fn resolve(store: &str, env: &dyn Environment) -> Result<SwiftSettings, VfsError> {
    let file = credentials_file(env);
    let ini = file
        .as_ref()
        .and_then(|f| std::fs::read_to_string(f).ok())
        .map(|t| parse_ini(&t));
    let (raw_auth_url, method, scope, source) = match from_env(env) {
        Ok((u, m, s)) => (u, m, s, CredentialSource::Environment),
        Err(env_problem) => {
            let (Some(path), Some(ini)) = (&file, &ini) else {
                let shown = file
                    .as_ref()
                    .map_or("~/.openstack/config".to_string(), |f| {
                        f.display().to_string()
                    });
                return Err(swift_diags::credentials_missing(
                    store,
                    &env_problem,
                    &format!("`{shown}` cannot be read"),
                ));
            };
            match from_file(ini) {
                Ok((u, m, s)) => (u, m, s, CredentialSource::File(path.clone())),
                Err(file_problem) => {
                    return Err(swift_diags::credentials_file_invalid(
                        store,
                        &path.display().to_string(),
                        &format!("{file_problem} (and from the variables: {env_problem})"),
                    ))
                }
            }
        }
    };
    let auth_url = v3_base(store, &raw_auth_url)?;
    let insecure_tls = var(env, "KOPS_OS_TLS_INSECURE_SKIP_VERIFY")
        .is_some_and(|v| v.eq_ignore_ascii_case("true") || v == "1");
    let mut findings = Vec::new();
    if insecure_tls {
        findings.push(swift_diags::tls_verify_disabled(store));
    }
    Ok(SwiftSettings {
        auth_url,
        method,
        scope,
        endpoint: endpoint_choice(env, ini.as_ref()),
        source,
        ca_file: var(env, "OS_CACERT").map(PathBuf::from),
        insecure_tls,
        findings,
    })
}

impl SwiftSettings {
    /// The body of `POST /v3/auth/tokens`.
    pub fn token_request(&self) -> Value {
        let identity = match &self.method {
            Method::Password { user, password } => {
                let mut user = user.to_json();
                user["password"] = json!(password.expose());
                json!({ "methods": ["password"], "password": { "user": user } })
            }
            Method::ApplicationCredential { id, name, secret } => {
                let credential = match (id, name) {
                    (Some(id), _) => json!({ "id": id, "secret": secret.expose() }),
                    (None, Some((name, user))) => {
                        json!({ "name": name, "user": user.to_json(), "secret": secret.expose() })
                    }
                    (None, None) => json!({ "secret": secret.expose() }),
                };
                json!({ "methods": ["application_credential"], "application_credential": credential })
            }
        };
        let scope = match &self.scope {
            Scope::ProjectId(id) => Some(json!({ "project": { "id": id } })),
            Scope::ProjectName { name, domain } => {
                Some(json!({ "project": { "name": name, "domain": domain.to_json() } }))
            }
            Scope::System => Some(json!({ "system": { "all": true } })),
            Scope::Unscoped => None,
        };
        let mut auth = json!({ "identity": identity });
        if let Some(scope) = scope {
            auth["scope"] = scope;
        }
        json!({ "auth": auth })
    }

    /// Who authenticates, for messages.
    pub fn who(&self) -> String {
        let whom = match &self.method {
            Method::Password { user, .. } => user.describe(),
            Method::ApplicationCredential { id: Some(id), .. } => {
                format!("application credential `{id}`")
            }
            Method::ApplicationCredential {
                name: Some((name, _)),
                ..
            } => format!("application credential `{name}`"),
            Method::ApplicationCredential { .. } => "an application credential".into(),
        };
        match &self.source {
            CredentialSource::Environment => format!("{whom} (from the `OS_*` variables)"),
            CredentialSource::File(path) => format!("{whom} (from `{}`)", path.display()),
        }
    }

    /// Picks the Swift account URL out of the token's catalog.
    pub fn storage_url(&self, store: &str, token_body: &Value) -> Result<String, VfsError> {
        let catalog = token_body["token"]["catalog"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let wanted = &self.endpoint;
        let mut offered = Vec::new();
        for service in catalog {
            if service["type"].as_str() != Some(wanted.service_type.as_str()) {
                continue;
            }
            if let Some(name) = &wanted.service_name {
                if service["name"].as_str() != Some(name.as_str()) {
                    continue;
                }
            }
            for endpoint in service["endpoints"]
                .as_array()
                .map(Vec::as_slice)
                .unwrap_or(&[])
            {
                let interface = endpoint["interface"].as_str().unwrap_or("");
                let region = endpoint["region_id"]
                    .as_str()
                    .or_else(|| endpoint["region"].as_str())
                    .unwrap_or("");
                if interface.eq_ignore_ascii_case(&wanted.interface)
                    && (wanted.region.is_empty() || region == wanted.region)
                {
                    if let Some(url) = endpoint["url"].as_str() {
                        return Ok(url.trim_end_matches('/').to_string());
                    }
                }
                offered.push(format!("{interface} in `{region}`"));
            }
        }
        let region = if wanted.region.is_empty() {
            "any region".to_string()
        } else {
            format!("region `{}`", wanted.region)
        };
        Err(swift_diags::no_object_store_endpoint(
            store,
            &format!(
                "service type `{}`, {region}, interface `{}`",
                wanted.service_type, wanted.interface
            ),
            &offered,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::env::MapEnv;

    const STORE: &str = "swift://kops-state";

    /// The code and message of a configuration error.
    fn config_error(err: VfsError) -> (&'static str, String) {
        match err {
            VfsError::Config { code, message, .. } => (code.code, message),
            other => panic!("expected a configuration error, got {other:?}"),
        }
    }

    fn openrc() -> MapEnv {
        MapEnv::new()
            .with_var("OS_AUTH_URL", "https://keystone.example.com:5000/v3/")
            .with_var("OS_USERNAME", "kops")
            .with_var("OS_PASSWORD", "hunter2")
            .with_var("OS_PROJECT_NAME", "clusters")
            .with_var("OS_USER_DOMAIN_NAME", "Default")
            .with_var("OS_PROJECT_DOMAIN_ID", "default")
            .with_var("OS_REGION_NAME", "'RegionOne'")
    }

    #[test]
    fn an_openrc_environment_builds_a_scoped_password_request() {
        let s = resolve(STORE, &openrc()).expect("settings");
        assert_eq!(s.auth_url, "https://keystone.example.com:5000/v3");
        assert_eq!(
            s.endpoint.region, "RegionOne",
            "quotes stripped as kops does"
        );
        assert_eq!(s.endpoint.interface, "public");
        assert_eq!(
            s.token_request(),
            json!({"auth": {
                "identity": {"methods": ["password"], "password": {"user": {
                    "name": "kops", "domain": {"name": "Default"}, "password": "hunter2"}}},
                "scope": {"project": {"name": "clusters", "domain": {"id": "default"}}}
            }})
        );
        assert!(
            !format!("{s:?}").contains("hunter2"),
            "Debug hides the password"
        );
        assert!(s.findings.is_empty());
    }

    #[test]
    fn auth_urls_are_normalized_to_v3() {
        assert_eq!(v3_base(STORE, "http://k:5000").unwrap(), "http://k:5000/v3");
        assert_eq!(
            v3_base(STORE, "http://k/identity/v3/").unwrap(),
            "http://k/identity/v3"
        );
        for bad in ["http://k:5000/v2.0", "http://k/v2", "keystone:5000"] {
            let err = v3_base(STORE, bad).expect_err(bad);
            assert!(
                matches!(err, VfsError::Config { code, .. } if code.code == "SL063"),
                "{bad}"
            );
        }
    }

    #[test]
    fn a_user_name_without_a_domain_names_the_missing_variable() {
        let env = MapEnv::new()
            .with_var("OS_AUTH_URL", "http://k/v3")
            .with_var("OS_USERNAME", "kops")
            .with_var("OS_PASSWORD", "x")
            .with_home("/nonexistent-home");
        let err = resolve(STORE, &env).expect_err("no domain");
        let (code, message) = config_error(err);
        assert_eq!(code, "SL060");
        assert!(message.contains("OS_USER_DOMAIN_NAME"), "{message}");
    }

    #[test]
    fn application_credentials_are_unscoped() {
        let env = MapEnv::new()
            .with_var("OS_AUTH_URL", "http://k/v3")
            .with_var("OS_APPLICATION_CREDENTIAL_ID", "abc")
            .with_var("OS_APPLICATION_CREDENTIAL_SECRET", "s3cr3t")
            .with_var("OS_PROJECT_NAME", "ignored");
        let s = resolve(STORE, &env).expect("settings");
        assert_eq!(
            s.token_request(),
            json!({"auth": {"identity": {"methods": ["application_credential"],
                "application_credential": {"id": "abc", "secret": "s3cr3t"}}}})
        );
    }

    #[test]
    fn the_credentials_file_is_the_fallback_with_kops_keys() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("config");
        std::fs::write(
            &file,
            "[Default]\nidentity = http://k:5000/v3\nuser = kops\npassword = pw\ndomain_name = Default\ntenant_id = p1\n\n[Swift]\nservice_type = object-store\nregion = RegionTwo\navailability = internal\n",
        )
        .expect("write");
        let env = MapEnv::new()
            .with_var("OS_USERNAME", "half-set")
            .with_var("OPENSTACK_CREDENTIAL_FILE", &file.display().to_string());
        let s = resolve(STORE, &env).expect("settings");
        assert_eq!(s.source, CredentialSource::File(file.clone()));
        assert_eq!(s.scope, Scope::ProjectId("p1".into()));
        assert_eq!(s.endpoint.region, "RegionTwo");
        assert_eq!(s.endpoint.interface, "internal");

        std::fs::write(
            &file,
            "[Default]\nidentity = http://k/v3\npassword = pw\ndomain_name = Default\n",
        )
        .expect("write");
        let err = resolve(STORE, &env).expect_err("incomplete file");
        let (code, message) = config_error(err);
        assert_eq!(code, "SL064");
        assert!(message.contains("`user` and `user_id`"), "{message}");
        assert!(message.contains("OS_AUTH_URL"), "{message}");
    }

    #[test]
    fn nothing_at_all_is_sl060() {
        let env = MapEnv::new().with_home("/nonexistent-home");
        let err = resolve(STORE, &env).expect_err("nothing");
        assert!(matches!(err, VfsError::Config { code, .. } if code.code == "SL060"));
    }

    #[test]
    fn the_catalog_endpoint_matches_type_region_and_interface() {
        let s = resolve(STORE, &openrc()).expect("settings");
        let body = json!({"token": {"catalog": [
            {"type": "identity", "endpoints": [{"interface": "public", "region_id": "RegionOne", "url": "http://k/v3"}]},
            {"type": "object-store", "name": "swift", "endpoints": [
                {"interface": "internal", "region_id": "RegionOne", "url": "http://internal/v1/AUTH_p"},
                {"interface": "public", "region_id": "RegionTwo", "url": "http://two/v1/AUTH_p"},
                {"interface": "public", "region_id": "RegionOne", "url": "http://one/v1/AUTH_p/"}
            ]}
        ]}});
        assert_eq!(s.storage_url(STORE, &body).unwrap(), "http://one/v1/AUTH_p");

        let env = openrc().with_var("OS_REGION_NAME", "RegionThree");
        let s = resolve(STORE, &env).expect("settings");
        let err = s.storage_url(STORE, &body).expect_err("no such region");
        let (code, message) = config_error(err);
        assert_eq!(code, "SL062");
        assert!(message.contains("public in `RegionTwo`"), "{message}");
    }

    #[test]
    fn insecure_tls_is_reported() {
        let env = openrc().with_var("KOPS_OS_TLS_INSECURE_SKIP_VERIFY", "true");
        let s = resolve(STORE, &env).expect("settings");
        assert!(s.insecure_tls);
        assert_eq!(s.findings[0].code, "SL061");
    }

    #[test]
    fn ini_parsing_handles_comments_and_colons() {
        let ini = parse_ini("# c\n[Global]\nregion: RegionOne\n; x\n[Default]\nuser = \"kops\"\n");
        assert_eq!(ini["Global"]["region"], "RegionOne");
        assert_eq!(ini["Default"]["user"], "kops");
    }
}
