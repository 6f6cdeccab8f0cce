//! Codes for kops manifests read from files, folders and stdin (`statelint check PATH...`).

use crate::findings::{code, CodeInfo, Finding, Location};

code!(
    INPUT_UNREADABLE,
    "SL029",
    "input-unreadable",
    Error,
    "a file or folder given to `statelint check` cannot be read"
);

code!(
    DOCUMENT_SKIPPED,
    "SL077",
    "document-skipped",
    Note,
    "a document of the input is not a kops Cluster or InstanceGroup, so no rule applies to it"
);

code!(
    INSTANCE_GROUP_WITHOUT_CLUSTER,
    "SL078",
    "instance-group-without-cluster",
    Error,
    "an InstanceGroup of the input cannot be matched to a Cluster"
);

code!(
    CONFIG_BASE_NOT_CHECKED,
    "SL079",
    "config-base-not-checked",
    Note,
    "`spec.configBase` of a manifest read from a file is not compared with a store location"
);

pub static CODES: &[&CodeInfo] = &[
    &INPUT_UNREADABLE,
    &DOCUMENT_SKIPPED,
    &INSTANCE_GROUP_WITHOUT_CLUSTER,
    &CONFIG_BASE_NOT_CHECKED,
];

pub fn input_unreadable(path: &str, why: &str) -> Finding {
    Finding::new(
        &INPUT_UNREADABLE,
        format!("cannot read `{path}`: {why}"),
        Location::resource(path.to_string()),
    )
    .with_help("give a readable YAML file, a folder of them, or `-` for standard input")
}

pub fn document_skipped(kind: &str, location: Location) -> Finding {
    Finding::new(
        &DOCUMENT_SKIPPED,
        format!(
            "skipped a `{kind}` document: statelint checks Cluster and InstanceGroup documents"
        ),
        location,
    )
    .with_pointer("/kind")
}

pub fn instance_group_without_cluster(
    ig: &str,
    labelled: Option<&str>,
    clusters: &[String],
    location: Location,
) -> Finding {
    let help = if clusters.is_empty() {
        // The label names the cluster to fetch, when the group has one.
        let name = labelled.unwrap_or("NAME");
        format!("give the Cluster document too (`kops get cluster {name} --full -o yaml` plus the instance groups)")
    } else {
        format!(
            "label it `kops.k8s.io/cluster: {}` (kops does); clusters in the input: {}",
            match clusters {
                [only] => only.as_str(),
                _ => "<name>",
            },
            clusters
                .iter()
                .map(|c| format!("`{c}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    Finding::new(
        &INSTANCE_GROUP_WITHOUT_CLUSTER,
        format!("instance group `{ig}` names no cluster of the input"),
        location,
    )
    .with_pointer("/metadata/labels")
    .with_help(help)
}

pub fn config_base_not_checked(
    cluster: &str,
    config_base: Option<&str>,
    location: Location,
) -> Finding {
    // kops keeps a cluster at `<store>/<name>`: the store is configBase without the name.
    let store = config_base
        .and_then(|base| base.trim_end_matches('/').strip_suffix(cluster))
        .map(|store| store.trim_end_matches('/'))
        .filter(|store| store.contains("://") && !store.ends_with(':'))
        .unwrap_or("URL");
    Finding::new(
        &CONFIG_BASE_NOT_CHECKED,
        format!("`spec.configBase` of `{cluster}` is not compared with a store: the manifest was read from a file"),
        location,
    )
    .with_cluster(cluster)
    .with_pointer("/spec/configBase")
    .with_help(format!("to compare configBase with where the files will be, add `--state {store}` (the store the manifest is written to), or check the store itself (`statelint check --state {store} --cluster {cluster}`)"))
}
