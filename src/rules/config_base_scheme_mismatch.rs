//! SL110: `spec.configBase` is on a different kind of store than the cluster itself.

use crate::findings::{code, CodeInfo, Finding};
use crate::resolve::url::{Scheme, StoreUrl};

use super::config_base_mismatch::same_family;
use super::support::at;
use super::{ClusterContext, Rule};

code!(
    INFO,
    "SL110",
    "config-base-scheme-mismatch",
    Error,
    "`spec.configBase` uses another storage scheme than the state store"
);

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
