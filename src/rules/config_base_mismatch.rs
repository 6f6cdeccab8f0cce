//! SL101: `spec.configBase` does not name where the cluster's files really are.

use crate::findings::{code, CodeInfo, Finding, Severity};
use crate::resolve::url::{Scheme, StoreUrl};

use super::support::at;
use super::{ClusterContext, Rule};

code!(
    INFO,
    "SL101",
    "config-base-mismatch",
    Error,
    "`spec.configBase` points somewhere other than the cluster's real location"
);

pub struct ConfigBaseMismatch;

pub static RULE: ConfigBaseMismatch = ConfigBaseMismatch;

const POINTER: &str = "/spec/configBase";

impl Rule for ConfigBaseMismatch {
    fn info(&self) -> &'static CodeInfo {
        &INFO
    }

    fn check(&self, cx: &ClusterContext<'_>, out: &mut Vec<Finding>) {
        let Some(value) = cx.cluster.str_at(POINTER) else {
            return;
        };
        if cx.store.scheme == Scheme::K8s {
            // The objects live in the API, the files in configBase: SL072-SL074 check it.
            return;
        }
        let real = cx.cluster_url();
        let Ok(config_base) = StoreUrl::parse(value) else {
            out.push(
                at(
                    &INFO,
                    cx.cluster,
                    POINTER,
                    format!("`spec.configBase` is `{value}`, which is not a valid store URL"),
                )
                .with_help(format!("set it to `{}` or remove it", real.redacted())),
            );
            return;
        };
        if config_base.same_location(&real, cx.cwd) {
            return;
        }
        let store_is_local = cx.store.scheme == Scheme::File;
        let remote_base = config_base.scheme != Scheme::File && config_base.scheme != Scheme::Memfs;
        if store_is_local && remote_base {
            out.push(
                at(
                    &INFO,
                    cx.cluster,
                    POINTER,
                    format!(
                        "`spec.configBase` is `{}`, outside this local store (`{}`)",
                        config_base.redacted(),
                        real.redacted()
                    ),
                )
                .with_severity(Severity::Warning)
                .with_help(format!(
                    "if this folder is a copy of the bucket the cluster now lives in, configBase must name that bucket's `.../{}`; a stale configBase keeps nodes reading keys and boot configuration from `{}`",
                    cx.name,
                    config_base.redacted()
                )),
            );
            return;
        }
        if !same_family(config_base.scheme, cx.store.scheme) {
            // A different kind of store altogether: SL110 explains that case.
            return;
        }
        out.push(
            at(
                &INFO,
                cx.cluster,
                POINTER,
                format!(
                    "`spec.configBase` is `{}` but the cluster's files are at `{}`",
                    config_base.redacted(),
                    real.redacted()
                ),
            )
            .with_help(format!(
                "set `spec.configBase: {}` (or remove it), then `kops update cluster --name {} --yes`; until then nodes read keys, secrets and boot configuration from the old location",
                real.redacted(),
                cx.name
            )),
        );
    }
}

/// Whether two schemes are the same kind of store (all S3-compatible schemes are one).
pub fn same_family(a: Scheme, b: Scheme) -> bool {
    a == b || (a.is_s3_family() && b.is_s3_family())
}
