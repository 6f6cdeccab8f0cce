//! Cluster-wide settings kops checks across the spec: the Azure storage account shared by
//! every `azureblob://` store (`validateAzureBlobAccountUniformity`) and the cluster's
//! reserved `cloudLabels` (`validateClusterCloudLabels`).

use super::engine::{Check, KopsRef, Shape, When};
use crate::document::Document;
use crate::findings::{code, CodeInfo};

code!(
    STORE_ACCOUNT,
    "SL636",
    "store-azure-account",
    Error,
    "a key, secret or etcd-backup store on `azureblob://` while `configBase` is elsewhere, or in another storage account"
);
code!(
    CLOUD_LABEL,
    "SL637",
    "cloud-label-reserved",
    Error,
    "a cluster `cloudLabels` key kops reserves (`Name`, `KubernetesCluster`, `kubernetes.io/cluster/`, `k8s.io/role/`, `kops.k8s.io/`)"
);

pub static CODES: &[&CodeInfo] = &[&STORE_ACCOUNT, &CLOUD_LABEL];

/// The storage account of an `azureblob://<account>/<container>/...` URL.
fn azure_account(url: &str) -> Option<&str> {
    url.strip_prefix("azureblob://")
        .map(|rest| rest.split('/').next().unwrap_or(""))
}

/// The store is on `azureblob://` but `configBase` is not, or names another account.
fn other_account(cluster: &Document, pointer: &str) -> bool {
    let Some(account) = cluster.str_at(pointer).and_then(azure_account) else {
        return false;
    };
    cluster
        .str_at("/spec/configBase")
        .and_then(azure_account)
        .is_none_or(|base| base != account)
}

fn reserved_label(_: &Document, pointer: &str) -> bool {
    let key = pointer
        .rsplit('/')
        .next()
        .unwrap_or("")
        .replace("~1", "/")
        .replace("~0", "~");
    ["Name", "KubernetesCluster"].contains(&key.as_str())
        || ["kubernetes.io/cluster/", "k8s.io/role/", "kops.k8s.io/"]
            .iter()
            .any(|p| key.starts_with(p))
}

const fn store(pointer: &'static str) -> Check {
    Check::cluster(
        &STORE_ACCOUNT,
        pointer,
        Shape::Forbidden,
        When::Test(other_account),
        KopsRef {
            file: "pkg/apis/kops/validation/validation.go",
            function: "validateAzureBlobAccountUniformity",
        },
        "every `azureblob://` store must use `configBase`'s storage account, and `configBase` must itself be on `azureblob://`",
        "move the store into `configBase`'s storage account (or remove it: kops then keeps it under `configBase`)",
    )
}

pub static CHECKS: &[Check] = &[
    store("/spec/keyStore"),
    store("/spec/secretStore"),
    store("/spec/etcdClusters/*/backups/backupStore"),
    Check::cluster(
        &CLOUD_LABEL,
        "/spec/cloudLabels/*",
        Shape::Forbidden,
        When::Test(reserved_label),
        KopsRef {
            file: "pkg/apis/kops/validation/cluster.go",
            function: "validateClusterCloudLabels",
        },
        "kops sets this tag itself",
        "rename the label (any key outside the reserved names and prefixes works)",
    ),
];
