//! Bucket-level probes for the S3 family: who the caller is, whether the bucket is theirs,
//! what both sides' policies say as far as the caller may read them, and the bucket
//! settings kops depends on. Denials are explained from these facts in `explain`.

use aws_sdk_s3::error::ProvideErrorMetadata;

use super::explain::{BucketPolicy, Knowledge};
use super::owner::{self, OwnerEvidence, Relation};
use super::{diags, identity, Outcome, ProbeOptions, ProbeRun};
use crate::policy::model::PolicyDocument;
use crate::vfs::runtime::block_on;
use crate::vfs::s3::{control_client, iam_client, sdk_error_text, sts_client, S3Store};

/// What the bucket-level probes learned, for explaining object-level denials.
#[derive(Debug, Clone, Default)]
pub struct BucketFacts {
    /// Who calls, whose bucket it is, and both sides' policies as far as they were read.
    pub knowledge: Knowledge,
    /// The bucket policy's text, for linting.
    pub policy_text: Option<String>,
}

impl BucketFacts {
    /// The owner's account when the probes established it (for the policy linter).
    pub fn owner_account(&self) -> Option<String> {
        let o = &self.knowledge.ownership;
        match o.relation {
            Relation::SameAccount => self
                .knowledge
                .caller_arn
                .as_deref()
                .and_then(|a| a.split(':').nth(4))
                .map(str::to_string),
            _ => o.owner_account.clone(),
        }
    }
}

/// The HTTP status of an SDK error, if the server answered.
fn status<E>(
    err: &aws_sdk_s3::error::SdkError<E, aws_sdk_s3::config::http::HttpResponse>,
) -> Option<u16> {
    err.raw_response().map(|r| r.status().as_u16())
}

/// Who the caller is: `--caller`, else STS (tried in `S3_ENDPOINT` mode too, where the
/// provider may serve it). Returns the ARN, or why it is unknown.
async fn identify(
    store: &S3Store,
    options: &ProbeOptions,
    run: &mut ProbeRun,
) -> Result<String, String> {
    let settings = &store.settings;
    let bucket_url = settings.bucket_url();
    if let Some(arn) = &options.caller {
        run.push(
            "sts:GetCallerIdentity",
            arn,
            Outcome::Skipped,
            "named with --caller".into(),
        );
        return Ok(arn.clone());
    }
    let sts = sts_client(settings, store.credentials.clone());
    match sts.get_caller_identity().send().await {
        Ok(out) => match out.arn() {
            Some(arn) => {
                run.push("sts:GetCallerIdentity", arn, Outcome::Pass, String::new());
                Ok(arn.to_string())
            }
            None => Err("STS answered without an ARN".into()),
        },
        Err(e) => {
            let detail = sdk_error_text(&e);
            let where_ = settings
                .sts_endpoint
                .clone()
                .unwrap_or_else(|| "AWS STS".into());
            let why = format!("STS `GetCallerIdentity` at `{where_}` failed ({detail})");
            run.push(
                "sts:GetCallerIdentity",
                &bucket_url,
                Outcome::Inconclusive,
                detail,
            );
            let help = if settings.is_aws {
                "refresh the credentials and check AWS_PROFILE, or name the caller with `--caller ARN`"
            } else {
                "this provider may not serve STS: name the caller with `--caller ARN` so denials can be explained"
            };
            run.findings.push(diags::bucket_finding(
                &diags::IDENTITY_UNKNOWN,
                &bucket_url,
                format!("the caller of `{bucket_url}` is unknown: {why}"),
                help,
            ));
            Err(why)
        }
    }
}

/// Reads the caller's identity policies through IAM, unless they were given or the caller
/// is unknown. Called only when something was denied: a passing probe needs no IAM calls.
pub fn read_identity_policies(store: &S3Store, facts: &mut BucketFacts) {
    let Some(arn) = facts.knowledge.caller_arn.clone() else {
        return;
    };
    if facts.knowledge.identity.is_some() {
        return;
    }
    let iam = iam_client(&store.settings, store.credentials.clone());
    facts.knowledge.identity = Some(
        block_on(identity::read_from_iam(&iam, &arn)).unwrap_or_else(|e| {
            identity::IdentityPolicies::Unknown(format!("IAM could not be asked ({e})"))
        }),
    );
}

/// The most bucket-level requests [`probe_bucket`] has in flight at once (its calls issued
/// together), counted against `--max-requests` while the clusters are probed alongside.
pub const BUCKET_CALLS: usize = 8;

/// Runs the bucket-level probes; results and findings are added to `run`.
pub fn probe_bucket(store: &S3Store, options: &ProbeOptions, run: &mut ProbeRun) -> BucketFacts {
    let settings = &store.settings;
    let bucket = settings.bucket.as_str();
    let bucket_url = settings.bucket_url();
    let mut facts = BucketFacts::default();
    let Ok(facts_out) = block_on(async {
        let s3 = control_client(settings, store.credentials.clone(), &settings.region);

        let caller = identify(store, options, run).await;
        let caller_account = caller
            .as_ref()
            .ok()
            .and_then(|a| a.split(':').nth(4))
            .map(str::to_string);
        match &caller {
            Ok(arn) => facts.knowledge.caller_arn = Some(arn.clone()),
            Err(why) => facts.knowledge.caller_unknown = why.clone(),
        }
        // The caller's own policies when given; IAM is asked only after a denial.
        facts.knowledge.identity = options.identity_policies.clone();

        // Every bucket-level call at once: one round trip of latency, not eight.
        // ExpectedBucketOwner only means something on AWS: RGW and others ignore it.
        let owner = caller_account.clone().filter(|_| settings.is_aws);
        let (head, head_as_owner, location, encryption, policy, versioning, pab, listed) = tokio::join!(
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
            s3.list_buckets().send(),
        );

        // HeadBucket needs s3:ListBucket. Only a plain HeadBucket that succeeds while the
        // one expecting the caller's account as owner is refused proves the bucket is
        // someone else's.
        let head_ok = head.is_ok();
        let mut evidence = OwnerEvidence {
            caller_account: caller_account.clone(),
            declared_owner: options.bucket_owner.clone(),
            exists: match &head {
                Ok(_) => true,
                Err(e) => status(e).is_some_and(|s| s != 404),
            },
            listed: match &listed {
                Ok(out) => Ok(out.buckets().iter().any(|b| b.name() == Some(bucket))),
                Err(e) => Err(format!("was refused ({})", sdk_error_text(e))),
            },
            expected_owner_accepted: None,
        };
        match head {
            Ok(_) => run.push("s3:HeadBucket", &bucket_url, Outcome::Pass, String::new()),
            Err(e) => run.push(
                "s3:HeadBucket",
                &bucket_url,
                outcome_for(status(&e)),
                sdk_error_text(&e),
            ),
        }
        evidence.expected_owner_accepted = match (head_ok, head_as_owner) {
            (true, Some(Ok(_))) => Some(true),
            (true, Some(Err(e))) if status(&e) == Some(403) => Some(false),
            _ => None,
        };
        let ownership = owner::decide(&evidence);
        let you = match (&caller_account, &facts.knowledge.caller_arn) {
            (Some(account), Some(arn)) if !account.is_empty() => {
                format!("you are {account} (`{arn}`)")
            }
            (_, Some(arn)) => format!("you are `{arn}`"),
            _ => "who you are is unknown".to_string(),
        };
        match ownership.relation {
            Relation::CrossAccount => {
                let whose = ownership
                    .owner_account
                    .as_deref()
                    .map(|o| format!("another account ({o})"))
                    .unwrap_or_else(|| "another account".into());
                run.findings.push(diags::bucket_finding(
                    &diags::CROSS_ACCOUNT,
                    &bucket_url,
                    format!("{you}; the bucket `{bucket_url}` belongs to {whose}: {}", ownership.evidence),
                    "grants are needed on both sides: your IAM policy and the owner's bucket policy (see the next steps after the probes)",
                ));
            }
            Relation::Unknown => run.findings.push(diags::bucket_finding(
                &diags::OWNER_UNKNOWN,
                &bucket_url,
                format!("{you}; who owns `{bucket_url}` is unknown: {}", ownership.evidence),
                "run with `--bucket-owner ACCOUNT` if you know it; until then each denial is explained for both cases",
            )),
            Relation::SameAccount => {}
        }
        facts.knowledge.ownership = ownership;

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
                    Ok(policy) => {
                        facts.knowledge.bucket_policy = BucketPolicy::Read(Some(Box::new(policy)))
                    }
                    Err(e) => {
                        facts.knowledge.bucket_policy = BucketPolicy::Unreadable(format!(
                            "the bucket policy could not be parsed ({e})"
                        ));
                        run.push(
                            "policy-parse",
                            &bucket_url,
                            Outcome::Inconclusive,
                            e.to_string(),
                        )
                    }
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
                facts.knowledge.bucket_policy = BucketPolicy::Read(None);
                run.push(
                    "s3:GetBucketPolicy",
                    &bucket_url,
                    Outcome::Pass,
                    "no bucket policy".into(),
                );
            }
            Err(e) => {
                let detail = sdk_error_text(&e);
                let verb = if status(&e) == Some(403) {
                    "was denied"
                } else {
                    "was not answered"
                };
                facts.knowledge.bucket_policy =
                    BucketPolicy::Unreadable(format!("`s3:GetBucketPolicy` {verb} ({detail})"));
                run.push(
                    "s3:GetBucketPolicy",
                    &bucket_url,
                    Outcome::Inconclusive,
                    detail,
                )
            }
        }
        match versioning {
            Ok(out) => {
                let enabled = out.status().is_some_and(|s| s.as_str() == "Enabled");
                if !enabled {
                    run.findings.push(diags::bucket_finding(
                        &diags::VERSIONING_DISABLED,
                        &bucket_url,
                        format!("versioning is not enabled on `{bucket_url}`"),
                        &format!("enable versioning so a bad write or delete of the state can be undone: `aws s3api put-bucket-versioning --bucket {bucket} --versioning-configuration Status=Enabled`"),
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
                    run.findings
                        .push(pab_finding(bucket, &bucket_url, "is incomplete"));
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
                    .push(pab_finding(bucket, &bucket_url, "is not configured"));
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

fn pab_finding(bucket: &str, bucket_url: &str, state: &str) -> crate::findings::Finding {
    diags::bucket_finding(
        &diags::PUBLIC_ACCESS_BLOCK,
        bucket_url,
        format!("the public-access block of `{bucket_url}` {state}, and the bucket holds cluster secrets"),
        &format!("turn on all four settings: `aws s3api put-public-access-block --bucket {bucket} --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true`"),
    )
}

/// 403 is a denial; anything else unanswered is inconclusive.
fn outcome_for(status: Option<u16>) -> Outcome {
    match status {
        Some(403) => Outcome::Fail,
        _ => Outcome::Inconclusive,
    }
}
