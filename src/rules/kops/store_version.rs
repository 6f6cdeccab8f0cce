//! SL140: the store was last written by a newer kops than the one it is checked for.
//!
//! kops writes its own version to `kops-version.txt` under the cluster's `configBase` and
//! refuses to update a cluster written by a newer release unless `--allow-kops-downgrade`
//! (`ApplyClusterCmd.Run` in `upup/pkg/fi/cloudup/apply_cluster.go` at the pinned commit).

use super::version::KopsVersion;
use crate::findings::{code, CodeInfo, Finding, Location};

code!(
    NEWER_STORE,
    "SL140",
    "store-written-by-newer-kops",
    Error,
    "the cluster was last written by a newer kops than `--kops-version`"
);

pub static CODES: &[&CodeInfo] = &[&NEWER_STORE];

/// The finding when `store` (read from `url`) is newer than `wanted`, else `None`.
pub fn newer_store(
    cluster: &str,
    url: &str,
    store: &KopsVersion,
    wanted: &KopsVersion,
) -> Option<Finding> {
    store.is_newer_than(wanted).then(|| {
        Finding::new(
            &NEWER_STORE,
            format!(
                "cluster `{cluster}` was last written by kops {store} (`{url}`), newer than kops {wanted} it is checked for"
            ),
            Location::resource(url),
        )
        .with_cluster(cluster)
        .with_help(format!(
            "run kops {store} or newer on this cluster (kops {wanted} refuses it without `--allow-kops-downgrade`)"
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_newer_store_is_a_finding() {
        let v = |s| KopsVersion::parse(s).expect("version");
        let f = newer_store("c", "s3://b/c/kops-version.txt", &v("1.36.1"), &v("1.35.0"))
            .expect("finding");
        assert!(f.message.contains("kops 1.36.1") && f.message.contains("kops 1.35.0"));
        assert!(newer_store("c", "u", &v("1.35.0"), &v("1.35.0")).is_none());
        assert!(newer_store("c", "u", &v("1.34.9"), &v("1.35.0")).is_none());
    }
}
