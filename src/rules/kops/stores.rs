//! The Azure storage account shared by every `azureblob://` store of a cluster
//! (`validateAzureBlobAccountUniformity`). The cluster's reserved `cloudLabels`
//! (`validateClusterCloudLabels`) are SL176's, with the instance groups' labels.

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

pub static CODES: &[&CodeInfo] = &[&STORE_ACCOUNT];

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
];
