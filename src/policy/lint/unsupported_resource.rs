//! SL326: a resource of another service (a KMS key, an IAM role) in a bucket policy, or an
//! ARN whose partition does not exist (`arn:aws-us-gob:...`). A bucket policy governs only
//! its bucket and objects: S3 rejects such a resource, or it never matches.

use super::{aws_principals, resource_entries, PolicyContext, PolicyRule};
use crate::findings::{code, CodeInfo, Finding};
use crate::suggest::did_you_mean;

code!(
    INFO,
    "SL326",
    "unsupported-resource",
    Error,
    "a bucket-policy resource is not an S3 ARN, or an ARN names a partition that does not exist"
);

pub struct UnsupportedResource;
pub static RULE: UnsupportedResource = UnsupportedResource;

/// AWS's partitions.
const PARTITIONS: [&str; 8] = [
    "aws",
    "aws-cn",
    "aws-us-gov",
    "aws-iso",
    "aws-iso-b",
    "aws-iso-e",
    "aws-iso-f",
    "aws-eusc",
];

fn bad_partition(arn: &str) -> Option<(&str, String)> {
    let partition = arn.strip_prefix("arn:")?.split(':').next()?;
    if PARTITIONS.contains(&partition) || partition.contains(['*', '?', '$']) {
        return None;
    }
    let help = match did_you_mean(partition, PARTITIONS.iter().copied()) {
        Some(p) => format!("did you mean `{p}`?"),
        None => "use `aws`, `aws-cn` or `aws-us-gov`".into(),
    };
    Some((partition, help))
}

impl PolicyRule for UnsupportedResource {
    fn info(&self) -> &'static CodeInfo {
        &INFO
    }

    fn bucket_only(&self) -> bool {
        true
    }

    fn check(&self, cx: &PolicyContext<'_>, out: &mut Vec<Finding>) {
        for (i, s) in cx.statements().iter().enumerate() {
            let base = cx.pointer(i);
            for (pointer, r) in resource_entries(s, &base) {
                if let Some((partition, help)) = bad_partition(r) {
                    out.push(cx.at(&INFO, &pointer, format!("resource `{r}` names partition `{partition}`, which does not exist")).with_help(help));
                    continue;
                }
                let service = r
                    .strip_prefix("arn:")
                    .and_then(|rest| rest.split(':').nth(1));
                if let Some(service) =
                    service.filter(|s| !s.is_empty() && *s != "s3" && !s.contains(['*', '?']))
                {
                    out.push(
                        cx.at(&INFO, &pointer, format!("resource `{r}` is a `{service}` resource; a bucket policy governs only its bucket and objects"))
                            .with_help(format!("remove it; grant access to `{service}` resources in their own policy (for KMS, the key policy)")),
                    );
                }
            }
            for (pointer, p) in aws_principals(s, &base) {
                if let Some((partition, help)) = bad_partition(&p) {
                    out.push(cx.at(&INFO, &pointer, format!("principal `{p}` names partition `{partition}`, which does not exist")).with_help(help));
                }
            }
        }
    }
}
