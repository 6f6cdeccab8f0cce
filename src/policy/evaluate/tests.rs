//! Table-driven evaluator cases. Each case names the AWS documentation rule it follows
//! (IAM User Guide: "Policy evaluation logic", "Cross-account policy evaluation logic",
//! "IAM JSON policy elements": Principal, NotPrincipal, Action, NotAction, Resource,
//! NotResource, Condition, condition operators, policy variables; S3 User Guide bucket
//! policy examples). The state-store scenario: bucket `kops-state` in account
//! 111111111111, a CI user in 222222222222.

use super::*;

const OWNER: &str = "111111111111";
const OTHER: &str = "222222222222";
const OPS: &str = "arn:aws:iam::111111111111:user/ops";
const CI: &str = "arn:aws:iam::222222222222:user/ci";
const CI_ROLE: &str = "arn:aws:iam::222222222222:role/ci-deploy";
const CI_SESSION: &str = "arn:aws:sts::222222222222:assumed-role/ci-deploy/gha-42";
const BUCKET: &str = "arn:aws:s3:::kops-state";
const OBJECT: &str = "arn:aws:s3:::kops-state/c.example.com/config";
const SECRET: &str = "arn:aws:s3:::kops-state/c.example.com/pki/private/ca/keyset.yaml";

#[derive(Debug, Clone, PartialEq)]
enum Expect {
    Allow,
    /// Explicit deny by the statement with this `Sid`.
    Deny(&'static str),
    Implicit(MissingSide),
    Inconclusive(Unknown),
}

struct Case {
    name: &'static str,
    rule: &'static str,
    caller: Caller,
    action: String,
    resource: String,
    context: Vec<(String, Vec<String>)>,
    removed: Vec<String>,
    identity: Option<Vec<String>>,
    bucket: Option<String>,
    owner: Option<String>,
    expect: Expect,
    summary_has: Option<&'static str>,
    unknown_ops: usize,
}

fn case(name: &'static str, rule: &'static str) -> Case {
    Case {
        name,
        rule,
        caller: caller(OPS),
        action: "s3:GetObject".into(),
        resource: OBJECT.into(),
        context: vec![("aws:SecureTransport".into(), vec!["true".into()])],
        removed: Vec::new(),
        identity: Some(Vec::new()),
        bucket: None,
        owner: Some(OWNER.into()),
        expect: Expect::Allow,
        summary_has: None,
        unknown_ops: 0,
    }
}

fn caller(arn: &str) -> Caller {
    match Caller::from_arn(arn) {
        Ok(c) => c,
        Err(e) => panic!("bad test ARN {arn}: {e}"),
    }
}

/// A policy document from statement JSON (`{...}, {...}`).
fn doc(version: &str, statements: &str) -> String {
    format!(r#"{{"Version": "{version}", "Statement": [{statements}]}}"#)
}

impl Case {
    fn by(mut self, arn: &str) -> Case {
        self.caller = caller(arn);
        self
    }
    fn by_caller(mut self, c: Caller) -> Case {
        self.caller = c;
        self
    }
    fn act(mut self, a: &str) -> Case {
        self.action = a.into();
        self
    }
    fn on(mut self, r: &str) -> Case {
        self.resource = r.into();
        self
    }
    fn ctx(mut self, k: &str, v: &str) -> Case {
        self.context.push((k.into(), vec![v.into()]));
        self
    }
    fn ctx_many(mut self, k: &str, vs: &[&str]) -> Case {
        self.context
            .push((k.into(), vs.iter().map(|v| v.to_string()).collect()));
        self
    }
    fn without(mut self, k: &str) -> Case {
        self.removed.push(k.into());
        self
    }
    fn identity(mut self, statements: &str) -> Case {
        self.identity = Some(vec![doc("2012-10-17", statements)]);
        self
    }
    fn identity_unknown(mut self) -> Case {
        self.identity = None;
        self
    }
    fn bucket(mut self, statements: &str) -> Case {
        self.bucket = Some(doc("2012-10-17", statements));
        self
    }
    fn bucket_doc(mut self, text: String) -> Case {
        self.bucket = Some(text);
        self
    }
    fn owner(mut self, o: Option<&str>) -> Case {
        self.owner = o.map(str::to_string);
        self
    }
    fn expect(mut self, e: Expect) -> Case {
        self.expect = e;
        self
    }
    fn says(mut self, s: &'static str) -> Case {
        self.summary_has = Some(s);
        self
    }
    fn unknown_ops(mut self, n: usize) -> Case {
        self.unknown_ops = n;
        self
    }
}

fn policy(text: &str, case: &str) -> PolicyDocument {
    match serde_json::from_str(text) {
        Ok(p) => p,
        Err(e) => panic!("{case}: bad test policy: {e}\n{text}"),
    }
}

// Statement snippets used by many cases.
fn allow_id(action: &str, resource: &str) -> String {
    format!(r#"{{"Effect": "Allow", "Action": "{action}", "Resource": "{resource}"}}"#)
}
fn allow_to(sid: &str, principal: &str, action: &str, resource: &str) -> String {
    format!(
        r#"{{"Sid": "{sid}", "Effect": "Allow", "Principal": {{"AWS": "{principal}"}}, "Action": "{action}", "Resource": "{resource}"}}"#
    )
}

fn cases() -> Vec<Case> {
    use Expect::*;
    use MissingSide::*;
    // A listing with `max-keys=100`, allowed by an identity policy under `condition`.
    let max_keys_100 = |name, rule, condition: &str| {
        case(name, rule)
            .act("s3:ListBucket")
            .on(BUCKET)
            .ctx("s3:max-keys", "100")
            .identity(&format!(r#"{{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::kops-state", "Condition": {condition}}}"#))
    };
    // A read at `now`, allowed by an identity policy under `condition` (on aws:CurrentTime).
    let read_at = |name, rule, now: &str, condition: &str| {
        case(name, rule)
            .ctx("aws:CurrentTime", now)
            .identity(&format!(r#"{{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {condition}}}"#))
    };
    let state_rw = allow_id("s3:*", "arn:aws:s3:::kops-state/*");
    let https_only = r#"{"Sid": "HttpsOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
        "Resource": ["arn:aws:s3:::kops-state", "arn:aws:s3:::kops-state/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}}}"#;
    vec![
        // --- Default deny, same account ----------------------------------------------
        case("no policies at all", "evaluation logic: requests are implicitly denied by default")
            .expect(Implicit(Both)),
        case("same-account identity allow only", "evaluation logic, same account: an Allow in an identity-based policy suffices")
            .identity(&state_rw),
        case("same-account bucket grant to the user only", "evaluation logic, same account: a resource-based policy Allow naming the principal suffices without an identity policy")
            .bucket(&allow_to("Ops", OPS, "s3:GetObject", "arn:aws:s3:::kops-state/*")),
        case("same-account bucket grant to the account root only", "Principal element: granting to the account delegates to the account's identity policies")
            .bucket(&allow_to("Acct", "arn:aws:iam::111111111111:root", "s3:GetObject", "arn:aws:s3:::kops-state/*"))
            .expect(Implicit(IdentitySide))
            .says("grants it to the account"),
        case("same-account grants to the account and then to the user", "evaluation logic, same account: the statement naming the principal allows, whichever comes first")
            .bucket(&format!(
                "{},{}",
                allow_to("Acct", "arn:aws:iam::111111111111:root", "s3:GetObject", "arn:aws:s3:::kops-state/*"),
                allow_to("Ops", OPS, "s3:GetObject", "arn:aws:s3:::kops-state/*")
            ))
            .says("statement `Ops` (#1) of the bucket policy"),
        case("same-account: two grants of the same scope", "evaluation logic: either Allow suffices; the explanation names the first, as a reader scans the policy")
            .bucket(&format!(
                "{},{}",
                allow_to("First", OPS, "s3:GetObject", "arn:aws:s3:::kops-state/*"),
                allow_to("Second", OPS, "s3:GetObject", "arn:aws:s3:::kops-state/*")
            ))
            .says("statement `First` (#0) of the bucket policy"),
        case("a resource that is not in S3", "resource-based policies: only S3's is a bucket policy; any other service's is named a resource policy")
            .act("sqs:SendMessage")
            .on("arn:aws:sqs:us-east-1:111111111111:kops-events")
            .bucket(&allow_to("Ops", OPS, "s3:GetObject", "arn:aws:s3:::kops-state/*"))
            .expect(Implicit(Both))
            .says("nor the resource policy allow"),
        case("same-account account grant plus identity allow", "Principal element: account principal + identity-based Allow")
            .bucket(&allow_to("Acct", OWNER, "s3:GetObject", "arn:aws:s3:::kops-state/*"))
            .identity(&allow_id("s3:GetObject", "*")),
        case("root user of the owning account", "root user credentials have full access to their account's resources unless explicitly denied")
            .by("arn:aws:iam::111111111111:root")
            .identity_unknown(),
        // --- Explicit deny wins ----------------------------------------------------------
        case("bucket deny beats identity allow", "evaluation logic: an explicit Deny in any policy overrides any Allow")
            .identity(&state_rw)
            .bucket(r#"{"Sid": "NoSecrets", "Effect": "Deny", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::kops-state/*/pki/private/*"}"#)
            .on(SECRET)
            .expect(Deny("NoSecrets")),
        case("identity deny beats bucket allow", "evaluation logic: an explicit Deny in an identity-based policy overrides a resource-based Allow")
            .identity(r#"{"Sid": "NoDelete", "Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "*"}"#)
            .bucket(&allow_to("Ops", OPS, "s3:*", "arn:aws:s3:::kops-state/*"))
            .act("s3:DeleteObject")
            .expect(Deny("NoDelete")),
        case("explicit deny is definite even with unreadable identity policies", "evaluation logic: an explicit Deny in the resource policy decides regardless of other policies")
            .identity_unknown()
            .bucket(https_only)
            .ctx("aws:SecureTransport", "false")
            .expect(Deny("HttpsOnly")),
        // --- Cross account ---------------------------------------------------------------
        case("cross-account: identity allows, bucket silent", "cross-account evaluation: the resource-based policy must also allow")
            .by(CI)
            .act("s3:GetBucketLocation")
            .on(BUCKET)
            .identity(&allow_id("s3:*", "*"))
            .bucket(&allow_to("Ops", OPS, "s3:*", BUCKET))
            .expect(Implicit(ResourceSide))
            .says("the bucket policy has no statement allowing `s3:GetBucketLocation` for `arn:aws:iam::222222222222:user/ci` (cross-account: you are 222222222222, the resource belongs to 111111111111"),
        case("cross-account: bucket grants, identity silent", "cross-account evaluation: the identity-based policy in the trusted account must also allow")
            .by(CI)
            .bucket(&allow_to("Ci", CI, "s3:GetObject", "arn:aws:s3:::kops-state/*"))
            .expect(Implicit(IdentitySide)),
        case("cross-account: both sides allow", "cross-account evaluation: Allow in both the identity-based and the resource-based policy")
            .by(CI)
            .identity(&allow_id("s3:GetObject", "arn:aws:s3:::kops-state/*"))
            .bucket(&allow_to("Ci", CI, "s3:GetObject", "arn:aws:s3:::kops-state/*")),
        case("cross-account: neither side allows", "cross-account evaluation")
            .by(CI)
            .bucket(&allow_to("Ops", OPS, "s3:*", "arn:aws:s3:::kops-state/*"))
            .expect(Implicit(Both)),
        case("cross-account: grant to the caller's account, identity silent", "cross-account evaluation: the identity side must allow whatever the grant's scope, so the same-account note on delegation does not apply")
            .by(CI)
            .bucket(&allow_to("Acct", "arn:aws:iam::222222222222:root", "s3:GetObject", "arn:aws:s3:::kops-state/*"))
            .expect(Implicit(IdentitySide))
            .says("allowing `s3:GetObject` on `arn:aws:s3:::kops-state/c.example.com/config` (cross-account: you are 222222222222"),
        case("cross-account: grant to the trusted account root", "Principal element: an account principal lets that account delegate through its identity policies")
            .by(CI)
            .identity(&allow_id("s3:GetObject", "*"))
            .bucket(&allow_to("Acct", "arn:aws:iam::222222222222:root", "s3:GetObject", "arn:aws:s3:::kops-state/*")),
        case("account-id shorthand principal", "Principal element: a bare account id is the same as arn:aws:iam::ACCOUNT:root")
            .by(CI)
            .identity(&allow_id("s3:GetObject", "*"))
            .bucket(&allow_to("Acct", OTHER, "s3:GetObject", "arn:aws:s3:::kops-state/*")),
        case("account-id shorthand of another account", "Principal element: an account principal covers only that account")
            .by(CI)
            .identity(&allow_id("s3:GetObject", "*"))
            .bucket(&allow_to("Acct", "333333333333", "s3:GetObject", "arn:aws:s3:::kops-state/*"))
            .expect(Implicit(ResourceSide)),
        case("no bucket policy at all, cross-account", "cross-account evaluation: without a resource-based policy there is no cross-account grant")
            .by(CI)
            .identity(&allow_id("s3:*", "*"))
            .expect(Implicit(ResourceSide))
            .says("there is no bucket policy granting"),
        // --- Role sessions ---------------------------------------------------------------
        case("assumed-role session matched by its role ARN", "Principal element: a role principal covers every session of that role")
            .by(CI_SESSION)
            .identity(&allow_id("s3:GetObject", "*"))
            .bucket(&allow_to("Role", CI_ROLE, "s3:GetObject", "arn:aws:s3:::kops-state/*")),
        case("assumed-role session matched by its session ARN", "Principal element: an assumed-role session principal names one session")
            .by(CI_SESSION)
            .identity(&allow_id("s3:GetObject", "*"))
            .bucket(&allow_to("Sess", CI_SESSION, "s3:GetObject", "arn:aws:s3:::kops-state/*")),
        case("assumed-role session of another role", "Principal element: a role principal covers only that role")
            .by(CI_SESSION)
            .identity(&allow_id("s3:GetObject", "*"))
            .bucket(&allow_to("Role", "arn:aws:iam::222222222222:role/other", "s3:GetObject", "arn:aws:s3:::kops-state/*"))
            .expect(Implicit(ResourceSide))
            .says("for `arn:aws:iam::222222222222:role/ci-deploy`"),
        case("wildcards inside a principal ARN never match", "Principal element: wildcards are not allowed in principal ARNs; only a lone `*`")
            .by(CI_SESSION)
            .identity(&allow_id("s3:GetObject", "*"))
            .bucket(&allow_to("Wild", "arn:aws:iam::222222222222:role/ci-*", "s3:GetObject", "arn:aws:s3:::kops-state/*"))
            .expect(Implicit(ResourceSide)),
        // --- Everyone --------------------------------------------------------------------
        case("Principal * lets anonymous callers in", "Principal element: \"*\" means everyone, including anonymous users")
            .by_caller(Caller::Anonymous)
            .identity_unknown()
            .bucket(r#"{"Sid": "Public", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::kops-state/*"}"#),
        case("{\"AWS\": \"*\"} is the same as \"*\"", "Principal element: \"*\" and {\"AWS\": \"*\"} are equivalent")
            .by_caller(Caller::Anonymous)
            .bucket(&allow_to("Public", "*", "s3:GetObject", "arn:aws:s3:::kops-state/*")),
        case("anonymous caller without a public grant", "evaluation logic: anonymous requests need a resource-based Allow")
            .by_caller(Caller::Anonymous)
            .bucket(&allow_to("Ops", OPS, "s3:GetObject", "arn:aws:s3:::kops-state/*"))
            .expect(Implicit(ResourceSide)),
        case("Principal * limited by aws:PrincipalOrgID, caller in the org", "global condition keys: aws:PrincipalOrgID with StringEquals")
            .by(CI)
            .ctx("aws:PrincipalOrgID", "o-abc123")
            .identity(&allow_id("s3:GetObject", "*"))
            .bucket(r#"{"Sid": "Org", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::kops-state/*",
                "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}}"#),
        case("Principal * limited by aws:PrincipalOrgID, caller outside", "global condition keys: aws:PrincipalOrgID with StringEquals")
            .by(CI)
            .ctx("aws:PrincipalOrgID", "o-zzz999")
            .identity(&allow_id("s3:GetObject", "*"))
            .bucket(r#"{"Sid": "Org", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::kops-state/*",
                "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}}"#)
            .expect(Implicit(ResourceSide)),
        case("aws:PrincipalOrgID absent (anonymous)", "condition operators: a key missing from the request context makes a positive condition false")
            .by_caller(Caller::Anonymous)
            .bucket(r#"{"Sid": "Org", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::kops-state/*",
                "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}}"#)
            .expect(Implicit(ResourceSide)),
        case("service principal", "Principal element: AWS service principals")
            .by_caller(Caller::Service("cloudtrail.amazonaws.com".into()))
            .act("s3:PutObject")
            .bucket(r#"{"Sid": "Trail", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "s3:PutObject", "Resource": "arn:aws:s3:::kops-state/*"}"#),
        // --- Transport and network conditions -------------------------------------------
        case("aws:SecureTransport false is denied", "S3 bucket policy example: deny requests that do not use HTTPS (Bool aws:SecureTransport false)")
            .identity(&state_rw)
            .bucket(https_only)
            .ctx("aws:SecureTransport", "false")
            .expect(Deny("HttpsOnly")),
        case("aws:SecureTransport true passes the HTTPS-only deny", "Bool condition operator")
            .identity(&state_rw)
            .bucket(https_only),
        case("Bool with a JSON boolean value", "condition values may be JSON booleans; Bool compares true/false")
            .identity(&state_rw)
            .bucket(r#"{"Sid": "HttpsOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "arn:aws:s3:::kops-state/*",
                "Condition": {"Bool": {"aws:SecureTransport": false}}}"#)
            .ctx("aws:SecureTransport", "false")
            .expect(Deny("HttpsOnly")),
        case("aws:SourceIp allow inside the CIDR", "IP address condition operators: IpAddress with CIDR")
            .ctx("aws:SourceIp", "203.0.113.77")
            .bucket(r#"{"Sid": "Office", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111111111111:user/ops"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::kops-state/*",
                "Condition": {"IpAddress": {"aws:SourceIp": ["198.51.100.0/24", "203.0.113.0/24"]}}}"#),
        case("aws:SourceIp allow outside the CIDR", "IP address condition operators: IpAddress with CIDR")
            .ctx("aws:SourceIp", "192.0.2.1")
            .bucket(r#"{"Sid": "Office", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111111111111:user/ops"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::kops-state/*",
                "Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}}"#)
            .expect(Implicit(Both)),
        case("NotIpAddress deny from outside", "S3 bucket policy example: deny unless from the listed ranges (NotIpAddress)")
            .identity(&state_rw)
            .ctx("aws:SourceIp", "192.0.2.1")
            .bucket(r#"{"Sid": "OfficeOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "arn:aws:s3:::kops-state/*",
                "Condition": {"NotIpAddress": {"aws:SourceIp": ["203.0.113.0/24", "2001:db8::/32"]}}}"#)
            .expect(Deny("OfficeOnly")),
        case("NotIpAddress deny from inside (IPv6)", "IP address condition operators accept IPv6 CIDRs")
            .identity(&state_rw)
            .ctx("aws:SourceIp", "2001:db8:1::5")
            .bucket(r#"{"Sid": "OfficeOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "arn:aws:s3:::kops-state/*",
                "Condition": {"NotIpAddress": {"aws:SourceIp": ["203.0.113.0/24", "2001:db8::/32"]}}}"#),
        case("single IP without a mask", "IP address condition operators: a bare address is a /32")
            .identity(&state_rw)
            .ctx("aws:SourceIp", "203.0.113.9")
            .bucket(r#"{"Sid": "Block", "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*",
                "Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.9"}}}"#)
            .expect(Deny("Block")),
        // --- Principal ARN conditions ----------------------------------------------------
        case("aws:PrincipalArn ArnLike admits the CI roles", "ARN condition operators: ArnLike with wildcards per ARN part; aws:PrincipalArn is the role ARN for sessions")
            .by(CI_SESSION)
            .identity(&allow_id("s3:GetObject", "*"))
            .bucket(r#"{"Sid": "CiRoles", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::kops-state/*",
                "Condition": {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::222222222222:role/ci-*"}}}"#),
        case("ArnNotLike deny for everyone but admins", "ARN condition operators: ArnNotLike in a Deny (recommended instead of NotPrincipal)")
            .identity(&state_rw)
            .act("s3:PutObject")
            .bucket(r#"{"Sid": "OnlyAdmins", "Effect": "Deny", "Principal": "*", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::kops-state/*",
                "Condition": {"ArnNotLike": {"aws:PrincipalArn": ["arn:aws:iam::111111111111:role/admin-*"]}}}"#)
            .expect(Deny("OnlyAdmins")),
        case("ArnLike part-by-part: wildcard does not cross `:`", "ARN condition operators: each of the six ARN parts is matched separately")
            .identity(&state_rw)
            .bucket(r#"{"Sid": "D", "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*",
                "Condition": {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*"}}}"#),
        // --- Missing keys, IfExists, Null, set operators --------------------------------
        case("negated operator with a missing key holds", "condition operators: if the key is missing, a negated operator (StringNotEquals) is true")
            .by_caller(Caller::Anonymous)
            .bucket(r#"{"Sid": "Public", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"},
                {"Sid": "OrgOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*",
                 "Condition": {"StringNotEquals": {"aws:PrincipalOrgID": "o-abc123"}}}"#)
            .expect(Deny("OrgOnly")),
        case("IfExists with the key missing holds", "...IfExists condition operators: true when the key is absent")
            .bucket(r#"{"Sid": "Ops", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111111111111:user/ops"}, "Action": "s3:GetObject", "Resource": "*",
                "Condition": {"StringEqualsIfExists": {"aws:SourceVpc": "vpc-1"}}}"#),
        case("IfExists with the key present is checked", "...IfExists condition operators: checked when the key is present")
            .ctx("aws:SourceVpc", "vpc-2")
            .bucket(r#"{"Sid": "Ops", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111111111111:user/ops"}, "Action": "s3:GetObject", "Resource": "*",
                "Condition": {"StringEqualsIfExists": {"aws:SourceVpc": "vpc-1"}}}"#)
            .expect(Implicit(Both)),
        case("Null true denies when the key is absent", "Null condition operator: \"true\" means the key is absent (S3 example: require server-side encryption header)")
            .identity(&state_rw)
            .act("s3:PutObject")
            .bucket(r#"{"Sid": "RequireSse", "Effect": "Deny", "Principal": "*", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::kops-state/*",
                "Condition": {"Null": {"s3:x-amz-server-side-encryption": "true"}}}"#)
            .expect(Deny("RequireSse")),
        case("Null true passes when the key is present", "Null condition operator")
            .identity(&state_rw)
            .act("s3:PutObject")
            .ctx("s3:x-amz-server-side-encryption", "aws:kms")
            .bucket(r#"{"Sid": "RequireSse", "Effect": "Deny", "Principal": "*", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::kops-state/*",
                "Condition": {"Null": {"s3:x-amz-server-side-encryption": "true"}}}"#),
        case("Null false allows when the key is present", "Null condition operator: \"false\" means the key is present")
            .act("s3:PutObject")
            .ctx("s3:x-amz-server-side-encryption", "aws:kms")
            .identity(r#"{"Effect": "Allow", "Action": "s3:PutObject", "Resource": "*", "Condition": {"Null": {"s3:x-amz-server-side-encryption": "false"}}}"#),
        case("Null false does not allow when the key is absent", "Null condition operator")
            .act("s3:PutObject")
            .identity(r#"{"Effect": "Allow", "Action": "s3:PutObject", "Resource": "*", "Condition": {"Null": {"s3:x-amz-server-side-encryption": "false"}}}"#)
            .expect(Implicit(Both)),
        case("ForAnyValue matches one of several request values", "multivalued conditions: ForAnyValue is true if any request value matches")
            .ctx_many("aws:TagKeys", &["team", "cost-center"])
            .identity(r#"{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"ForAnyValue:StringEquals": {"aws:TagKeys": ["cost-center", "owner"]}}}"#),
        case("a single-valued operator on a multivalued key holds if one value matches", "multivalued keys without ForAnyValue/ForAllValues: statelint's reading is any value (none, when negated)")
            .ctx_many("aws:TagKeys", &["team", "secret"])
            .identity(r#"{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"StringEquals": {"aws:TagKeys": "team"}}}"#),
        case("a negated single-valued operator on a multivalued key fails if one value matches", "multivalued keys without ForAnyValue/ForAllValues: statelint's reading is any value (none, when negated)")
            .ctx_many("aws:TagKeys", &["team", "secret"])
            .identity(r#"{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"StringNotEquals": {"aws:TagKeys": "secret"}}}"#)
            .expect(Implicit(Both)),
        case("ForAnyValue with the key missing is false", "multivalued conditions: ForAnyValue with a missing key is false")
            .identity(r#"{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"ForAnyValue:StringEquals": {"aws:TagKeys": ["cost-center"]}}}"#)
            .expect(Implicit(Both)),
        case("ForAllValues with the key missing is true", "multivalued conditions: ForAllValues is true when the key is missing or empty")
            .identity(r#"{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"ForAllValues:StringEquals": {"aws:TagKeys": ["team"]}}}"#),
        case("ForAllValues with one value outside the set", "multivalued conditions: ForAllValues needs every request value to match")
            .ctx_many("aws:TagKeys", &["team", "secret"])
            .identity(r#"{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"ForAllValues:StringEquals": {"aws:TagKeys": ["team", "owner"]}}}"#)
            .expect(Implicit(Both)),
        case("keys AND, values OR", "multiple context keys in one operator are ANDed; multiple values of one key are ORed")
            .ctx("aws:PrincipalTag/team", "platform")
            .ctx("aws:RequestedRegion", "eu-west-1")
            .identity(r#"{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
                "Condition": {"StringEquals": {"aws:PrincipalTag/team": ["sre", "platform"], "aws:RequestedRegion": "us-east-1"}}}"#)
            .expect(Implicit(Both)),
        case("StringLike on s3:prefix for ListBucket", "S3 condition keys: s3:prefix with StringLike limits ListBucket to a folder")
            .by(CI)
            .act("s3:ListBucket")
            .on(BUCKET)
            .ctx("s3:prefix", "c.example.com/instancegroup/")
            .identity(&allow_id("s3:ListBucket", BUCKET))
            .bucket(r#"{"Sid": "List", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::222222222222:user/ci"}, "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::kops-state",
                "Condition": {"StringLike": {"s3:prefix": ["c.example.com/*", "c.example.com"]}}}"#),
        case("StringEqualsIgnoreCase", "string condition operators: StringEqualsIgnoreCase")
            .ctx("aws:PrincipalTag/env", "PROD")
            .identity(r#"{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"StringEqualsIgnoreCase": {"aws:PrincipalTag/env": "prod"}}}"#),
        case("StringNotEqualsIgnoreCase with another value", "string condition operators: StringNotEqualsIgnoreCase")
            .ctx("aws:PrincipalTag/env", "dev")
            .identity(r#"{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"StringNotEqualsIgnoreCase": {"aws:PrincipalTag/env": "prod"}}}"#),
        case("StringNotEqualsIgnoreCase with the value in other case", "string condition operators: StringNotEqualsIgnoreCase ignores case")
            .ctx("aws:PrincipalTag/env", "PROD")
            .identity(r#"{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"StringNotEqualsIgnoreCase": {"aws:PrincipalTag/env": "prod"}}}"#)
            .expect(Implicit(Both)),
        case("BinaryEquals compares the base64 text", "BinaryEquals condition operator: base64-encoded values")
            .ctx("aws:PrincipalTag/blob", "QmluYXJ5VmFsdWU=")
            .identity(r#"{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"BinaryEquals": {"aws:PrincipalTag/blob": "QmluYXJ5VmFsdWU="}}}"#),
        case("condition key names are case-insensitive", "Condition element: condition key names are not case-sensitive")
            .ctx("aws:principaltag/env", "prod")
            .identity(r#"{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"StringEquals": {"AWS:PrincipalTag/Env": "prod"}}}"#),
        max_keys_100("NumericLessThanEquals on s3:max-keys", "numeric condition operators", r#"{"NumericLessThanEquals": {"s3:max-keys": 1000}}"#),
        max_keys_100("NumericEquals on s3:max-keys", "numeric condition operators: NumericEquals", r#"{"NumericEquals": {"s3:max-keys": "100.0"}}"#),
        max_keys_100("NumericNotEquals on s3:max-keys", "numeric condition operators: NumericNotEquals", r#"{"NumericNotEquals": {"s3:max-keys": 100}}"#)
            .expect(Implicit(Both)),
        read_at("DateGreaterThanEquals at the very instant", "date condition operators: DateGreaterThanEquals includes the instant", "2026-01-01T00:00:00Z", r#"{"DateGreaterThanEquals": {"aws:CurrentTime": "2026-01-01T00:00:00Z"}}"#),
        max_keys_100("NumericGreaterThan below the request value", "numeric condition operators: NumericGreaterThan", r#"{"NumericGreaterThan": {"s3:max-keys": 99}}"#),
        max_keys_100("NumericGreaterThanEquals at the request value", "numeric condition operators: NumericGreaterThanEquals includes the value", r#"{"NumericGreaterThanEquals": {"s3:max-keys": 100}}"#),
        max_keys_100("NumericGreaterThan on s3:max-keys", "numeric condition operators: NumericGreaterThan is strict", r#"{"NumericGreaterThan": {"s3:max-keys": 100}}"#)
            .expect(Implicit(Both)),
        read_at("DateLessThan: an expired grant", "date condition operators with ISO 8601 values", "2026-03-01T12:00:00Z", r#"{"DateLessThan": {"aws:CurrentTime": "2026-01-01T00:00:00Z"}}"#)
            .expect(Implicit(Both)),
        read_at("DateGreaterThan with an offset", "date condition operators: time zone offsets", "2026-01-01T00:30:00Z", r#"{"DateGreaterThan": {"aws:CurrentTime": "2026-01-01T01:00:00+01:00"}}"#),
        read_at("DateNotEquals: any other time", "date condition operators: DateNotEquals", "2026-03-01T12:00:00Z", r#"{"DateNotEquals": {"aws:CurrentTime": "2026-01-01T00:00:00Z"}}"#),
        read_at("DateNotEquals: the same instant, written with an offset", "date condition operators: DateNotEquals, time zone offsets", "2026-01-01T00:00:00Z", r#"{"DateNotEquals": {"aws:CurrentTime": "2026-01-01T01:00:00+01:00"}}"#)
            .expect(Implicit(Both)),
        read_at("DateEquals: the same instant, written with an offset", "date condition operators: DateEquals compares instants", "2026-01-01T00:00:00Z", r#"{"DateEquals": {"aws:CurrentTime": "2026-01-01T01:00:00+01:00"}}"#),
        read_at("DateEquals: a second later", "date condition operators: DateEquals", "2026-01-01T00:00:01Z", r#"{"DateEquals": {"aws:CurrentTime": "2026-01-01T00:00:00Z"}}"#)
            .expect(Implicit(Both)),
        read_at("DateLessThanEquals at the very instant", "date condition operators: DateLessThanEquals includes the instant", "2026-01-01T00:00:00Z", r#"{"DateLessThanEquals": {"aws:CurrentTime": "2026-01-01T00:00:00Z"}}"#),
        read_at("DateLessThanEquals: a second later", "date condition operators: DateLessThanEquals", "2026-01-01T00:00:01Z", r#"{"DateLessThanEquals": {"aws:CurrentTime": "2026-01-01T00:00:00Z"}}"#)
            .expect(Implicit(Both)),
        // --- Actions ---------------------------------------------------------------------
        case("wildcard action s3:Get*", "Action element: wildcards match any run of characters")
            .identity(&allow_id("s3:Get*", "arn:aws:s3:::kops-state/*")),
        case("wildcard action does not cover other verbs", "Action element: wildcards")
            .act("s3:PutObject")
            .identity(&allow_id("s3:Get*", "arn:aws:s3:::kops-state/*"))
            .expect(Implicit(Both)),
        case("actions are case-insensitive", "Action element: action names are case-insensitive")
            .act("S3:getobject")
            .identity(&allow_id("s3:GetObject", "arn:aws:s3:::kops-state/*")),
        case("? matches exactly one character", "Action element: `?` wildcard")
            .act("s3:GetObjectAcl")
            .identity(&allow_id("s3:GetObject???", "*")),
        case("NotAction allow covers everything else", "NotAction element: with Allow, matches every action except those listed")
            .act("s3:PutObject")
            .identity(r#"{"Effect": "Allow", "NotAction": "s3:DeleteObject", "Resource": "*"}"#),
        case("NotAction deny spares the listed action", "NotAction element: with Deny, denies every action except those listed")
            .identity(&state_rw)
            .bucket(r#"{"Sid": "ReadOnly", "Effect": "Deny", "Principal": "*", "NotAction": ["s3:Get*", "s3:List*"], "Resource": "arn:aws:s3:::kops-state/*"}"#),
        case("NotAction deny hits other actions", "NotAction element: with Deny")
            .identity(&state_rw)
            .act("s3:DeleteObject")
            .bucket(r#"{"Sid": "ReadOnly", "Effect": "Deny", "Principal": "*", "NotAction": ["s3:Get*", "s3:List*"], "Resource": "arn:aws:s3:::kops-state/*"}"#)
            .expect(Deny("ReadOnly")),
        // --- Resources -------------------------------------------------------------------
        case("bucket/* does not match the bucket ARN", "S3 resources: bucket-level actions need arn:aws:s3:::bucket, object ARNs need /key")
            .act("s3:ListBucket")
            .on(BUCKET)
            .identity(&allow_id("s3:ListBucket", "arn:aws:s3:::kops-state/*"))
            .expect(Implicit(Both)),
        case("the bucket ARN does not match objects", "S3 resources: the bucket ARN covers no object")
            .identity(&allow_id("s3:GetObject", BUCKET))
            .expect(Implicit(Both)),
        case("resources are case-sensitive", "Resource element: ARNs are case-sensitive")
            .identity(&allow_id("s3:GetObject", "arn:aws:s3:::Kops-State/*"))
            .expect(Implicit(Both)),
        case("NotResource keeps secrets out of a broad grant", "NotResource element: with Allow, matches every resource except those listed")
            .on(SECRET)
            .identity(r#"{"Effect": "Allow", "Action": "s3:GetObject", "NotResource": "arn:aws:s3:::kops-state/*/pki/private/*"}"#)
            .expect(Implicit(Both)),
        case("NotResource grant covers other objects", "NotResource element")
            .identity(r#"{"Effect": "Allow", "Action": "s3:GetObject", "NotResource": "arn:aws:s3:::kops-state/*/pki/private/*"}"#),
        case("policy variable ${aws:username} in Resource", "policy variables: ${aws:username} is replaced in 2012-10-17 documents")
            .on("arn:aws:s3:::kops-state/home/ops/notes")
            .identity(&allow_id("s3:GetObject", "arn:aws:s3:::kops-state/home/${aws:username}/*")),
        case("policy variables are literal in 2008-10-17", "policy variables: only Version 2012-10-17 replaces them")
            .on("arn:aws:s3:::kops-state/home/ops/notes")
            .bucket_doc(doc("2008-10-17", &allow_to("Home", OPS, "s3:GetObject", "arn:aws:s3:::kops-state/home/${aws:username}/*")))
            .expect(Implicit(Both)),
        case("${*} in Resource is an asterisk, not a wildcard", "policy variables: ${*}, ${?} and ${$} stand for the characters themselves")
            .identity(&allow_id("s3:GetObject", "arn:aws:s3:::kops-state/${*}"))
            .expect(Implicit(Both)),
        case("${*} in Resource names the object called *", "policy variables: ${*} stands for an asterisk")
            .on("arn:aws:s3:::kops-state/*")
            .identity(&allow_id("s3:GetObject", "arn:aws:s3:::kops-state/${*}")),
        case("${?} in a Deny's Resource is a question mark", "policy variables: ${?} stands for a question mark, so the Deny misses other objects")
            .on("arn:aws:s3:::kops-state/a")
            .identity(&state_rw)
            .bucket(r#"{"Sid": "NoQuestion", "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "arn:aws:s3:::kops-state/${?}"}"#),
        case("${*} in StringLike is an asterisk", "policy variables in condition values: ${*} stands for an asterisk")
            .act("s3:ListBucket")
            .on(BUCKET)
            .ctx("s3:prefix", "kops/a")
            .identity(r#"{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*", "Condition": {"StringLike": {"s3:prefix": "kops/${*}"}}}"#)
            .expect(Implicit(Both)),
        case("a request value put in a pattern is data", "policy variables: a request value replaces the variable; AWS documents wildcards only in what the policy writes, so statelint reads the value as data")
            .ctx("aws:PrincipalTag/team", "*")
            .identity(&allow_id("s3:GetObject", "arn:aws:s3:::kops-state/${aws:PrincipalTag/team}/config"))
            .expect(Implicit(Both)),
        case("ArnLike with ${*} in the role name", "policy variables in ArnLike: ${*} stands for an asterisk")
            .by(CI_ROLE)
            .identity(r#"{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::222222222222:role/${*}"}}}"#)
            .expect(Implicit(Both)),
        case("policy variables are literal in 2008-10-17 conditions", "policy variables: only Version 2012-10-17 replaces them, in condition values too")
            .act("s3:ListBucket")
            .on(BUCKET)
            .ctx("s3:prefix", "home/ops/")
            .bucket_doc(doc("2008-10-17", r#"{"Sid": "Home", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111111111111:user/ops"}, "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::kops-state", "Condition": {"StringLike": {"s3:prefix": "home/${aws:username}/*"}}}"#))
            .expect(Implicit(Both)),
        // --- NotPrincipal ----------------------------------------------------------------
        case("NotPrincipal deny exempts a user listed with its account", "NotPrincipal element: with Deny, list the user and its account ARN to exempt it")
            .by(CI)
            .identity(&allow_id("s3:*", "*"))
            .bucket(&format!(r#"{{"Sid": "OnlyCi", "Effect": "Deny", "NotPrincipal": {{"AWS": ["{CI}", "arn:aws:iam::222222222222:root"]}}, "Action": "s3:*", "Resource": "*"}},
                {}"#, allow_to("Ci", CI, "s3:GetObject", "arn:aws:s3:::kops-state/*"))),
        case("NotPrincipal deny listing only the user still denies", "NotPrincipal element: without the account ARN the account, and so the user, is denied")
            .by(CI)
            .identity(&allow_id("s3:*", "*"))
            .bucket(&format!(r#"{{"Sid": "OnlyCi", "Effect": "Deny", "NotPrincipal": {{"AWS": "{CI}"}}, "Action": "s3:*", "Resource": "*"}},
                {}"#, allow_to("Ci", CI, "s3:GetObject", "arn:aws:s3:::kops-state/*")))
            .expect(Deny("OnlyCi")),
        case("NotPrincipal deny exempts a session listed with role and account", "NotPrincipal element: list the session, the role and the account ARNs")
            .by(CI_SESSION)
            .identity(&allow_id("s3:*", "*"))
            .bucket(&format!(r#"{{"Sid": "OnlyAudit", "Effect": "Deny", "NotPrincipal": {{"AWS": ["{CI_SESSION}", "{CI_ROLE}", "{OTHER}"]}}, "Action": "s3:*", "Resource": "*"}},
                {}"#, allow_to("Role", CI_ROLE, "s3:GetObject", "arn:aws:s3:::kops-state/*"))),
        case("NotPrincipal deny hits everyone else", "NotPrincipal element: with Deny, denies all principals except those listed")
            .identity(&state_rw)
            .bucket(&format!(r#"{{"Sid": "OnlyCi", "Effect": "Deny", "NotPrincipal": {{"AWS": ["{CI}", "{OTHER}"]}}, "Action": "s3:*", "Resource": "*"}}"#))
            .expect(Deny("OnlyCi")),
        case("NotPrincipal deny exempts a service listed as a service", "NotPrincipal element: a Deny does not apply to the principals it lists, service principals included")
            .by_caller(Caller::Service("cloudtrail.amazonaws.com".into()))
            .act("s3:PutObject")
            .bucket(r#"{"Sid": "OnlyTrail", "Effect": "Deny", "NotPrincipal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "s3:*", "Resource": "*"},
                {"Sid": "Trail", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "s3:PutObject", "Resource": "arn:aws:s3:::kops-state/*"}"#),
        case("NotPrincipal deny does not exempt a service named under AWS", "Principal element: a service principal is named under Service, not AWS")
            .by_caller(Caller::Service("cloudtrail.amazonaws.com".into()))
            .act("s3:PutObject")
            .bucket(r#"{"Sid": "OnlyTrail", "Effect": "Deny", "NotPrincipal": {"AWS": "cloudtrail.amazonaws.com"}, "Action": "s3:*", "Resource": "*"},
                {"Sid": "Trail", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "s3:PutObject", "Resource": "arn:aws:s3:::kops-state/*"}"#)
            .expect(Deny("OnlyTrail")),
        case("NotPrincipal with Allow grants everyone else, anonymous included", "NotPrincipal element: with Allow (strongly discouraged) allows all principals except those listed")
            .by_caller(Caller::Anonymous)
            .bucket(&format!(r#"{{"Sid": "Bad", "Effect": "Allow", "NotPrincipal": {{"AWS": "{CI}"}}, "Action": "s3:GetObject", "Resource": "*"}}"#)),
        // --- Unknowns --------------------------------------------------------------------
        case("unknown operator in an Allow never allows", "condition operators: an operator the evaluator does not know never matches")
            .bucket(r#"{"Sid": "Odd", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111111111111:user/ops"}, "Action": "s3:GetObject", "Resource": "*",
                "Condition": {"StringMatchesRegex": {"aws:username": "o.*"}}}"#)
            .expect(Implicit(Both))
            .unknown_ops(1),
        case("unknown operator hiding a Deny makes the answer inconclusive", "explicit deny wins: a Deny we cannot evaluate must not be assumed absent")
            .identity(&state_rw)
            .bucket(r#"{"Sid": "Odd", "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*",
                "Condition": {"StringEqualsAnyCase": {"aws:username": "ops"}}}"#)
            .expect(Inconclusive(Unknown::UnknownOperator))
            .unknown_ops(1),
        case("a Deny whose known condition fails does not wait on its unknown operator", "condition block: all operators must hold, so one known operator that fails decides")
            .identity(&state_rw)
            .bucket(r#"{"Sid": "Odd", "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*",
                "Condition": {"StringEqualsAnyCase": {"aws:username": "ops"}, "StringEquals": {"aws:PrincipalAccount": "999999999999"}}}"#)
            .unknown_ops(1),
        case("unreadable identity policies, same account", "evaluation logic: same-account access may come from identity policies, which could also deny")
            .identity_unknown()
            .bucket(&allow_to("Ops", OPS, "s3:GetObject", "arn:aws:s3:::kops-state/*"))
            .expect(Inconclusive(Unknown::IdentityPolicies))
            .says("could not be read, so `s3:GetObject` on `arn:aws:s3:::kops-state/c.example.com/config` cannot be decided; statement `Ops` (#0) of the bucket policy allows it"),
        case("unreadable identity policies, cross-account, bucket silent", "cross-account evaluation: without a resource-based Allow the request is denied whatever the identity policies say")
            .by(CI)
            .identity_unknown()
            .bucket(&allow_to("Ops", OPS, "s3:GetObject", "arn:aws:s3:::kops-state/*"))
            .expect(Implicit(ResourceSide)),
        case("unknown owner, both sides allow", "same- and cross-account rules agree when both sides allow")
            .by(CI)
            .owner(None)
            .identity(&allow_id("s3:GetObject", "*"))
            .bucket(&allow_to("Ci", CI, "s3:GetObject", "arn:aws:s3:::kops-state/*")),
        case("unknown owner, only identity allows", "same-account and cross-account rules disagree, so the owner account decides")
            .by(CI)
            .owner(None)
            .identity(&allow_id("s3:GetObject", "*"))
            .expect(Inconclusive(Unknown::OwnerAccount)),
        // --- Request context defaults ----------------------------------------------------
        case("aws:PrincipalAccount is filled from the caller", "global condition keys: aws:PrincipalAccount is always present for IAM principals")
            .by(CI)
            .identity(&allow_id("s3:GetObject", "*"))
            .bucket(r#"{"Sid": "Acct", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*",
                "Condition": {"StringEquals": {"aws:PrincipalAccount": "222222222222"}}}"#),
        case("removing aws:SecureTransport turns off the Bool deny", "condition operators: a missing key makes a positive condition false")
            .identity(&state_rw)
            .bucket(https_only)
            .without("aws:SecureTransport"),
    ]
}

fn run(c: &Case) -> Result<(), String> {
    let mut request = Request::new(c.caller.clone(), c.action.clone(), c.resource.clone());
    for (k, v) in &c.context {
        request = request.with_values(k, v);
    }
    for k in &c.removed {
        request = request.without(k);
    }
    let set = PolicySet {
        identity_policies: c
            .identity
            .as_ref()
            .map(|docs| docs.iter().map(|d| policy(d, c.name)).collect()),
        resource_policy: c.bucket.as_ref().map(|d| policy(d, c.name)),
        resource_owner_account: c.owner.clone(),
    };
    let decision = evaluate(&request, &set);
    let got = match &decision {
        Decision::Allow { .. } => Expect::Allow,
        Decision::ExplicitDeny { by, .. } => {
            let sid = by.sid.clone().unwrap_or_default();
            match &c.expect {
                Expect::Deny(want) if *want == sid => Expect::Deny(want),
                _ => return Err(format!("explicit deny by {by}: {}", decision.summary())),
            }
        }
        Decision::ImplicitDeny { missing, .. } => Expect::Implicit(*missing),
        Decision::Inconclusive { unknown, .. } => Expect::Inconclusive(*unknown),
    };
    if got != c.expect {
        return Err(format!(
            "expected {:?}, got {got:?}: {}",
            c.expect,
            decision.summary()
        ));
    }
    if let Some(s) = c.summary_has {
        if !decision.summary().contains(s) {
            return Err(format!("summary lacks {s:?}: {}", decision.summary()));
        }
    }
    let ops = decision.explanation().unknown_operators.len();
    if ops != c.unknown_ops {
        return Err(format!(
            "expected {} unknown operators, got {ops}",
            c.unknown_ops
        ));
    }
    Ok(())
}

#[test]
fn evaluator_table() {
    let cases = cases();
    assert!(cases.len() >= 45, "only {} cases", cases.len());
    let mut names = std::collections::HashSet::new();
    let mut failures = Vec::new();
    for c in &cases {
        assert!(names.insert(c.name), "duplicate case name {}", c.name);
        assert!(!c.rule.is_empty());
        if let Err(e) = run(c) {
            failures.push(format!("- {} [{}]: {e}", c.name, c.rule));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn explanation_names_the_allowing_statements() {
    let set = PolicySet {
        identity_policies: Some(vec![policy(
            &doc(
                "2012-10-17",
                r#"{"Sid": "CiRead", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}"#,
            ),
            "x",
        )]),
        resource_policy: Some(policy(
            &doc(
                "2012-10-17",
                &allow_to("Ci", CI, "s3:GetObject", "arn:aws:s3:::kops-state/*"),
            ),
            "x",
        )),
        resource_owner_account: Some(OWNER.into()),
    };
    let d = evaluate(&Request::new(caller(CI), "s3:GetObject", OBJECT), &set);
    assert!(d.is_allow(), "{}", d.summary());
    let e = d.explanation();
    assert_eq!(e.cross_account, Some(true));
    assert!(
        matches!(&e.identity, IdentityGrant::Allowed { by } if by.sid.as_deref() == Some("CiRead"))
    );
    assert!(
        matches!(&e.resource, ResourceGrant::Allowed { scope: Scope::Principal, by } if by.index == 0)
    );
    assert!(d
        .summary()
        .contains("statement `CiRead` (#0) of identity policy #0"));
    assert!(d.summary().contains("of the bucket policy"));
    let json = serde_json::to_value(&d).unwrap_or_default();
    assert_eq!(json["decision"], "allow");
}

#[test]
fn glob_is_linear_and_correct() {
    assert!(glob("*", "", false));
    assert!(glob("a*b?c", "aXXbYc", false));
    assert!(!glob("a*b?c", "aXXbc", false));
    assert!(glob("S3:GET*", "s3:GetObject", true));
    assert!(!glob("S3:GET*", "s3:GetObject", false));
    let hostile = format!("{}b", "*a".repeat(50));
    assert!(!glob(&hostile, &"a".repeat(5000), false));
}

#[test]
fn dates_and_operators() {
    assert_eq!(parse_date("1970-01-02"), Some(86_400.0));
    assert_eq!(parse_date("1970-01-01T01:00:00+01:00"), Some(0.0));
    assert_eq!(parse_date("1970-01-01T00:00:00-01:00"), Some(3_600.0));
    assert_eq!(parse_date("1970-01-01T01:30:00+01:30"), Some(0.0));
    assert_eq!(parse_date("2000-03-01T00:00:00Z"), Some(951_868_800.0));
    assert_eq!(parse_date("not a date"), None);
    assert_eq!(parse_date("2026-13-01"), None);
    assert_eq!(parse_date("2026-01-32"), None);
    assert_eq!(parse_date("2026-00-10"), None);
    // Each date part is digits only: Rust's integer parse would also take a sign.
    assert_eq!(parse_date("2026-+1-05"), None);
    assert_eq!(parse_date("2026-01-+5"), None);
    assert!(is_known_operator("ForAllValues:StringNotLikeIfExists"));
    assert!(is_known_operator("Null"));
    assert!(!is_known_operator("NullIfExists"));
    assert!(!is_known_operator("StringMatches"));
}
