//! Codes and typed constructors for the access map (SL280-SL299): who can reach a kops
//! store, and who a policy change would lock out.

use crate::findings::{code, CodeInfo, Finding, Location};

code!(
    ACCESS_PUBLIC,
    "SL280",
    "access-public",
    Error,
    "anyone, anonymous callers included, can do something to the kops store"
);
code!(
    ACCESS_CROSS_ACCOUNT_SENSITIVE,
    "SL281",
    "access-cross-account-sensitive",
    Error,
    "a principal of another account can read the store's secrets or change its bucket policy"
);
code!(
    ACCESS_WIDER_THAN_ROLE,
    "SL282",
    "access-wider-than-role",
    Warning,
    "the bucket policy grants a principal more than its kops role template needs"
);
code!(
    ACCESS_LOCKOUT,
    "SL283",
    "access-lockout",
    Error,
    "a policy change takes from a principal that must keep access what its role needs"
);
code!(
    ACCESS_OWNER_LOCKOUT,
    "SL284",
    "access-owner-lockout",
    Error,
    "a policy change takes from the bucket's owner side the right to change the policy again"
);

/// Every code of this module.
pub static CODES: &[&CodeInfo] = &[
    &ACCESS_PUBLIC,
    &ACCESS_CROSS_ACCOUNT_SENSITIVE,
    &ACCESS_WIDER_THAN_ROLE,
    &ACCESS_LOCKOUT,
    &ACCESS_OWNER_LOCKOUT,
];

/// Where a finding points, and how the deciding statement is named in its message.
pub struct At {
    pub location: Location,
    pub pointer: Option<String>,
    /// ` by statement `Sid` (#0, line 3) of the bucket policy`, or empty.
    pub by: String,
}

fn located(f: Finding, at: At) -> Finding {
    match at.pointer {
        Some(p) => f.with_pointer(p),
        None => f,
    }
}

/// A warning instead of the code's severity when the answer depends on a condition.
fn softened(f: Finding, depends: bool) -> Finding {
    if depends {
        f.with_severity(crate::findings::Severity::Warning)
    } else {
        f
    }
}

/// Anyone can do `what` (a list of capability descriptions) in `store`.
pub fn public(store: &str, what: &str, at: At, condition: Option<&str>) -> Finding {
    let (message, help) = match condition {
        None => (
            format!("anyone, without credentials, can {what} in `{store}`{}", at.by),
            "grant the principals that need the store by ARN instead of `*`, and keep the bucket's public-access block on",
        ),
        Some(c) => (
            format!("anyone can {what} in `{store}` when {c}{}", at.by),
            "add a condition no outsider can meet (`aws:PrincipalOrgID`, `aws:SourceVpce`) or name the principals instead of `*`",
        ),
    };
    let f = Finding::new(&ACCESS_PUBLIC, message, at.location.clone()).with_help(help);
    located(softened(f, condition.is_some()), at)
}

/// `principal` (of `account`, not the owner's) can do `what` in `store`.
pub fn cross_account(principal: &str, account: &str, store: &str, what: &str, at: At) -> Finding {
    let f = Finding::new(
        &ACCESS_CROSS_ACCOUNT_SENSITIVE,
        format!(
            "`{principal}` of account {account} (not the bucket owner's) can {what} in `{store}`{}",
            at.by
        ),
        at.location.clone(),
    )
    .with_help("grant another account only what its kops role needs (`statelint fix-policy --template node-readonly`), never secrets or `s3:PutBucketPolicy` unless it runs the clusters");
    located(f, at)
}

/// The bucket policy lets `principal` do `what`, beyond its role `role`.
pub fn wider(principal: &str, role: &str, what: &str, at: At) -> Finding {
    let f = Finding::new(
        &ACCESS_WIDER_THAN_ROLE,
        format!(
            "the bucket policy lets `{principal}` {what}, more than its `{role}` template needs{}",
            at.by
        ),
        at.location.clone(),
    )
    .with_help(format!(
        "narrow the grant to the template's actions and resources (`statelint fix-policy --template {role}` shows them)"
    ));
    located(f, at)
}

/// Under the new policy `principal` (kept as `role`) could no longer do `what`.
pub fn lockout(principal: &str, role: &str, what: &str, at: At, depends: bool) -> Finding {
    let verb = if depends {
        "may no longer"
    } else {
        "could no longer"
    };
    let f = Finding::new(
        &ACCESS_LOCKOUT,
        format!(
            "with the new policy `{principal}` ({role}) {verb} {what}{}",
            at.by
        ),
        at.location.clone(),
    )
    .with_help("change the statement so it leaves this principal what its role needs, or drop the principal from --keep if losing access is intended");
    located(softened(f, depends), at)
}

/// Under the new policy the owner side `principal` could no longer change the policy.
pub fn owner_lockout(principal: &str, at: At, depends: bool) -> Finding {
    let verb = if depends {
        "may no longer"
    } else {
        "could no longer"
    };
    let f = Finding::new(
        &ACCESS_OWNER_LOCKOUT,
        format!(
            "with the new policy `{principal}` {verb} change or delete the bucket policy{}",
            at.by
        ),
        at.location.clone(),
    )
    .with_help("exempt the owner's administrators from the statement (e.g. a `Deny` with a `NotPrincipal` or `aws:PrincipalArn` condition naming them); otherwise only the account's root user can undo it");
    located(softened(f, depends), at)
}
