//! SL110: `spec.configBase` is on a different kind of store than the cluster itself.

use crate::codes::CodeInfo;
use crate::findings::{Finding, Severity};
use crate::resolve::url::{Scheme, StoreUrl};

use super::config_base_mismatch::same_family;
use super::support::at;
use super::{ClusterContext, Rule};

pub static INFO: CodeInfo = CodeInfo {
    code: "SL110",
    name: "config-base-scheme-mismatch",
    default_severity: Severity::Error,
    summary: "`spec.configBase` uses another storage scheme than the state store",
    doc: "## What it checks\nThat `spec.configBase` is on the same kind of store as the cluster (`s3://` and its S3-compatible variants count as one), when the store is remote.\n\n## Why\nA cluster whose objects are in `gs://` but whose configBase says `s3://` splits its state across two providers: nodes and kops look for keys and secrets in a place that was never written, usually after a migration between providers.\n\n## Example\n```yaml\n# in gs://kops-state/c.example.com/config\nspec:\n  configBase: s3://kops-state/c.example.com\n```\n\n## Fix\nPoint `spec.configBase` at the store the cluster lives in (or remove it), then `kops update cluster --yes`.\n",
};

pub struct ConfigBaseSchemeMismatch;

pub static RULE: ConfigBaseSchemeMismatch = ConfigBaseSchemeMismatch;

impl Rule for ConfigBaseSchemeMismatch {
    fn info(&self) -> &'static CodeInfo {
        &INFO
    }

    fn check(&self, cx: &ClusterContext<'_>, out: &mut Vec<Finding>) {
        let pointer = "/spec/configBase";
        let Some(Ok(config_base)) = cx.cluster.str_at(pointer).map(StoreUrl::parse) else {
            return;
        };
        // A local store with a remote configBase is a copy; SL101 warns about it. A cluster
        // kept in the Kubernetes API always has its files elsewhere (SL072-SL074).
        if matches!(cx.store.scheme, Scheme::File | Scheme::K8s)
            || same_family(config_base.scheme, cx.store.scheme)
        {
            return;
        }
        let real = cx.cluster_url();
        out.push(
            at(
                &INFO,
                cx.cluster,
                pointer,
                format!(
                    "`spec.configBase` is a `{}://` URL but the cluster is stored in `{}`",
                    config_base.scheme,
                    real.redacted()
                ),
            )
            .with_help(format!(
                "set `spec.configBase: {}` (or remove it)",
                real.redacted()
            )),
        );
    }
}
