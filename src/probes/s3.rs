//! Bucket-level probes for the S3 family: who the caller is, whether the bucket is theirs,
//! and the bucket settings kops depends on. Denials are explained with the bucket policy and
//! our own evaluator, naming the side (bucket policy or the caller's IAM policy) that lacks
//! the grant.

use aws_sdk_s3::error::ProvideErrorMetadata;

use super::{diags, Outcome, ProbeRun};
use crate::policy::evaluate::{evaluate, Caller, Decision, PolicySet, Request, ResourceGrant};
use crate::policy::model::PolicyDocument;
use crate::vfs::runtime::block_on;
use crate::vfs::s3::{control_client, sdk_error_text, sts_client, S3Store};

/// What the bucket-level probes learned, for explaining object-level denials.
#[derive(Debug, Clone, Default)]
pub struct BucketFacts {
    /// The caller's ARN as STS reports it.
    pub caller_arn: Option<String>,
    pub caller_account: Option<String>,
    /// `Some(true)` when the bucket is known to belong to another account.
    pub cross_account: Option<bool>,
    /// The bucket policy, when it could be read (and the bucket has one).
    pub policy: Option<PolicyDocument>,
    /// The bucket policy's text, for linting.
    pub policy_text: Option<String>,
}

/// The HTTP status of an SDK error, if the server answered.
fn status<E>(
    err: &aws_sdk_s3::error::SdkError<E, aws_sdk_s3::config::http::HttpResponse>,
) -> Option<u16> {
    err.raw_response().map(|r| r.status().as_u16())
}

/// Runs the bucket-level probes; results and findings are added to `run`.
pub fn probe_bucket(store: &S3Store, run: &mut ProbeRun) -> BucketFacts {
    let settings = &store.settings;
    let bucket = settings.bucket.as_str();
    let bucket_url = settings.bucket_url();
    let mut facts = BucketFacts::default();
    let Ok(facts_out) = block_on(async {
        let s3 = control_client(settings, store.credentials.clone(), &settings.region);

        // Identity (AWS only: S3-compatible providers have no STS).
        if settings.is_aws {
            let sts = sts_client(settings, store.credentials.clone());
            match sts.get_caller_identity().send().await {
                Ok(out) => {
                    facts.caller_arn = out.arn().map(str::to_string);
                    facts.caller_account = out.account().map(str::to_string);
                    let who = facts.caller_arn.clone().unwrap_or_default();
                    run.push("sts:GetCallerIdentity", &who, Outcome::Pass, String::new());
                }
                Err(e) => {
                    let detail = format!("{e}");
                    run.push(
                        "sts:GetCallerIdentity",
                        &bucket_url,
                        Outcome::Inconclusive,
                        detail.clone(),
                    );
                    run.findings.push(diags::bucket_finding(
                        &diags::IDENTITY_UNKNOWN,
                        &bucket_url,
                        format!("who the caller is could not be determined: {detail}"),
                        "refresh the credentials and check AWS_PROFILE",
                    ));
                }
            }
        } else {
            run.push(
                "sts:GetCallerIdentity",
                &bucket_url,
                Outcome::Skipped,
                "S3-compatible provider without STS".into(),
            );
        }

        // Every bucket-level call at once: one round trip of latency, not seven.
        let owner = facts.caller_account.clone();
        let (head, head_as_owner, location, encryption, policy, versioning, pab) = tokio::join!(
            s3.head_bucket().bucket(bucket).send(),
            async {
                match &owner {
                    Some(account) => Some(
                        s3.head_bucket()
                            .bucket(bucket)
                            .expected_bucket_owner(account)
                            .send()
                            .await,
                    ),
                    None => None,
                }
            },
            s3.get_bucket_location().bucket(bucket).send(),
            s3.get_bucket_encryption().bucket(bucket).send(),
            s3.get_bucket_policy().bucket(bucket).send(),
            s3.get_bucket_versioning().bucket(bucket).send(),
            s3.get_public_access_block().bucket(bucket).send(),
        );

        // HeadBucket needs s3:ListBucket. Only a plain HeadBucket that succeeds while the
        // one expecting the caller's account as owner is refused proves the bucket is
        // someone else's.
        let head_ok = head.is_ok();
        match head {
            Ok(_) => run.push("s3:HeadBucket", &bucket_url, Outcome::Pass, String::new()),
            Err(e) => run.push(
                "s3:HeadBucket",
                &bucket_url,
                outcome_for(status(&e)),
                sdk_error_text(&e),
            ),
        }
        match (head_ok, head_as_owner, owner) {
            (true, Some(Ok(_)), _) => facts.cross_account = Some(false),
            (true, Some(Err(e)), Some(account)) if status(&e) == Some(403) => {
                facts.cross_account = Some(true);
                run.findings.push(diags::bucket_finding(
                    &diags::CROSS_ACCOUNT,
                    &bucket_url,
                    format!("you are account {account}; the bucket `{bucket}` belongs to another account"),
                    "grants are needed in both accounts: your IAM policy and the bucket policy",
                ));
            }
            _ => {}
        }

        match location {
            Ok(_) => run.push(
                "s3:GetBucketLocation",
                &bucket_url,
                Outcome::Pass,
                String::new(),
            ),
            // SL043 (found when the store was opened) explains a denial.
            Err(e) => run.push(
                "s3:GetBucketLocation",
                &bucket_url,
                outcome_for(status(&e)),
                sdk_error_text(&e),
            ),
        }

        match encryption {
            Ok(_) => run.push(
                "s3:GetEncryptionConfiguration",
                &bucket_url,
                Outcome::Pass,
                String::new(),
            ),
            Err(e) if e.code() == Some("ServerSideEncryptionConfigurationNotFoundError") => {
                run.push(
                    "s3:GetEncryptionConfiguration",
                    &bucket_url,
                    Outcome::Pass,
                    "no default encryption rule".into(),
                );
            }
            Err(e) => {
                let outcome = outcome_for(status(&e));
                if outcome == Outcome::Fail {
                    run.findings.push(diags::bucket_finding(
                        &diags::ENCRYPTION_UNREADABLE,
                        &bucket_url,
                        format!("`s3:GetEncryptionConfiguration` is denied on `{bucket_url}`"),
                        "grant `s3:GetEncryptionConfiguration` on the bucket ARN; until then kops sends AES256 headers a KMS-only policy rejects",
                    ));
                }
                run.push(
                    "s3:GetEncryptionConfiguration",
                    &bucket_url,
                    outcome,
                    sdk_error_text(&e),
                );
            }
        }

        // Diagnostic reads: a denial is Inconclusive, never a pass (and never a failure of
        // something kops needs).
        match policy {
            Ok(out) => {
                let text = out.policy().unwrap_or_default().to_string();
                match serde_json::from_str::<PolicyDocument>(&text) {
                    Ok(policy) => facts.policy = Some(policy),
                    Err(e) => run.push(
                        "policy-parse",
                        &bucket_url,
                        Outcome::Inconclusive,
                        e.to_string(),
                    ),
                }
                facts.policy_text = Some(text);
                run.push(
                    "s3:GetBucketPolicy",
                    &bucket_url,
                    Outcome::Pass,
                    String::new(),
                );
            }
            Err(e) if e.code() == Some("NoSuchBucketPolicy") => {
                run.push(
                    "s3:GetBucketPolicy",
                    &bucket_url,
                    Outcome::Pass,
                    "no bucket policy".into(),
                );
            }
            Err(e) => run.push(
                "s3:GetBucketPolicy",
                &bucket_url,
                Outcome::Inconclusive,
                sdk_error_text(&e),
            ),
        }
        match versioning {
            Ok(out) => {
                let enabled = out.status().is_some_and(|s| s.as_str() == "Enabled");
                if !enabled {
                    run.findings.push(diags::bucket_finding(
                        &diags::VERSIONING_DISABLED,
                        &bucket_url,
                        format!("versioning is not enabled on `{bucket_url}`"),
                        "enable versioning so a bad write or delete of the state can be undone",
                    ));
                }
                run.push(
                    "s3:GetBucketVersioning",
                    &bucket_url,
                    Outcome::Pass,
                    String::new(),
                );
            }
            Err(e) => run.push(
                "s3:GetBucketVersioning",
                &bucket_url,
                Outcome::Inconclusive,
                sdk_error_text(&e),
            ),
        }
        match pab {
            Ok(out) => {
                let complete = out.public_access_block_configuration().is_some_and(|c| {
                    c.block_public_acls() == Some(true)
                        && c.ignore_public_acls() == Some(true)
                        && c.block_public_policy() == Some(true)
                        && c.restrict_public_buckets() == Some(true)
                });
                if !complete {
                    run.findings.push(pab_finding(&bucket_url, "is incomplete"));
                }
                run.push(
                    "s3:GetBucketPublicAccessBlock",
                    &bucket_url,
                    Outcome::Pass,
                    String::new(),
                );
            }
            Err(e) if e.code() == Some("NoSuchPublicAccessBlockConfiguration") => {
                run.findings
                    .push(pab_finding(&bucket_url, "is not configured"));
                run.push(
                    "s3:GetBucketPublicAccessBlock",
                    &bucket_url,
                    Outcome::Pass,
                    "not configured".into(),
                );
            }
            Err(e) => run.push(
                "s3:GetBucketPublicAccessBlock",
                &bucket_url,
                Outcome::Inconclusive,
                sdk_error_text(&e),
            ),
        }
        facts
    }) else {
        run.push(
            "s3:HeadBucket",
            &bucket_url,
            Outcome::Inconclusive,
            "the async runtime could not start".into(),
        );
        return BucketFacts::default();
    };
    facts_out
}

fn pab_finding(bucket_url: &str, state: &str) -> crate::findings::Finding {
    diags::bucket_finding(
        &diags::PUBLIC_ACCESS_BLOCK,
        bucket_url,
        format!("the public-access block of `{bucket_url}` {state}, and the bucket holds cluster secrets"),
        "turn on all four settings: `aws s3api put-public-access-block --bucket <bucket> --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true`",
    )
}

/// 403 is a denial; anything else unanswered is inconclusive.
fn outcome_for(status: Option<u16>) -> Outcome {
    match status {
        Some(403) => Outcome::Fail,
        _ => Outcome::Inconclusive,
    }
}

/// Why `action` on `resource` was denied, in one sentence, from the bucket policy's point
/// of view; `None` when nothing useful can be said.
pub fn explain_denial(facts: &BucketFacts, action: &str, resource: &str) -> Option<String> {
    let arn = facts.caller_arn.as_deref()?;
    let caller = Caller::from_arn(arn).ok()?;
    let policies = PolicySet {
        identity_policies: None,
        resource_policy: facts.policy.clone(),
        resource_owner_account: match facts.cross_account {
            Some(false) => facts.caller_account.clone(),
            _ => None,
        },
    };
    let decision = evaluate(&Request::new(caller, action, resource), &policies);
    let explanation = decision.explanation();
    Some(match (&decision, &explanation.resource) {
        (Decision::ExplicitDeny { by, .. }, _) => format!("denied explicitly by {by}"),
        (_, ResourceGrant::Allowed { by, .. }) => format!(
            "the bucket policy allows `{action}` ({by}); the missing grant is in the IAM policy of `{arn}` (or an SCP or permissions boundary)"
        ),
        (_, ResourceGrant::NoPolicy) if facts.cross_account == Some(true) => format!(
            "the bucket has no policy, so nothing allows `{action}` for `{arn}` from another account"
        ),
        (_, ResourceGrant::NoGrant) if facts.cross_account == Some(true) => format!(
            "the bucket policy has no statement allowing `{action}` for `{arn}`; from another account it is needed there and in the caller's IAM policy"
        ),
        _ => format!(
            "no bucket-policy grant applies; the IAM policy of `{arn}` must allow `{action}` on `{resource}`"
        ),
    })
}
