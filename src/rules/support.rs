//! Small readers over a cluster's documents shared by the rules, so each rule file holds
//! only its own logic. Every reader returns JSON pointers with the values, so findings can
//! point at the exact node.

use serde_json::Value;

use super::{ClusterContext, InstanceGroup};
use crate::document::Document;
use crate::findings::{CodeInfo, Finding};

/// A finding at the value of `pointer` in `doc`, carrying the pointer.
pub fn at(info: &'static CodeInfo, doc: &Document, pointer: &str, message: String) -> Finding {
    Finding::new(info, message, doc.location(pointer)).with_pointer(pointer)
}

/// A finding at the key of `pointer` (for "this field is missing/wrong here" findings).
pub fn at_key(info: &'static CodeInfo, doc: &Document, pointer: &str, message: String) -> Finding {
    Finding::new(info, message, doc.key_location(pointer)).with_pointer(pointer)
}

/// One entry of the cluster's `spec.subnets`.
#[derive(Debug, Clone)]
pub struct Subnet<'a> {
    pub pointer: String,
    pub name: Option<&'a str>,
    pub cidr: Option<&'a str>,
    pub zone: Option<&'a str>,
}

pub fn subnets<'a>(cx: &ClusterContext<'a>) -> Vec<Subnet<'a>> {
    let Some(items) = cx.cluster.get("/spec/subnets").and_then(Value::as_array) else {
        return Vec::new();
    };
    items
        .iter()
        .enumerate()
        .map(|(i, s)| Subnet {
            pointer: format!("/spec/subnets/{i}"),
            name: s.get("name").and_then(Value::as_str),
            cidr: s.get("cidr").and_then(Value::as_str),
            zone: s.get("zone").and_then(Value::as_str),
        })
        .collect()
}

/// The strings of an array at `pointer`, with their own pointers.
pub fn strings<'a>(doc: &'a Document, pointer: &str) -> Vec<(String, &'a str)> {
    doc.get(pointer)
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .enumerate()
                .filter_map(|(i, v)| v.as_str().map(|s| (format!("{pointer}/{i}"), s)))
                .collect()
        })
        .unwrap_or_default()
}

/// The name kops knows an instance group by: `metadata.name`, else its file name.
pub fn ig_name(ig: &InstanceGroup) -> &str {
    ig.doc
        .str_at("/metadata/name")
        .unwrap_or(ig.file_name.as_str())
}

/// The group's role as written (`ControlPlane`, `Master`, `Node`, `Bastion`, `APIServer`).
pub fn role(ig: &InstanceGroup) -> Option<&str> {
    ig.doc.str_at("/spec/role")
}

/// `ControlPlane`, or its old name `Master`.
pub fn is_control_plane(ig: &InstanceGroup) -> bool {
    role(ig)
        .is_some_and(|r| r.eq_ignore_ascii_case("ControlPlane") || r.eq_ignore_ascii_case("Master"))
}

pub fn is_node(ig: &InstanceGroup) -> bool {
    role(ig).is_some_and(|r| r.eq_ignore_ascii_case("Node"))
}

/// One etcd cluster of `spec.etcdClusters`.
#[derive(Debug, Clone)]
pub struct EtcdCluster<'a> {
    pub pointer: String,
    pub name: Option<&'a str>,
    pub members: Vec<EtcdMember<'a>>,
}

#[derive(Debug, Clone)]
pub struct EtcdMember<'a> {
    pub pointer: String,
    pub name: Option<&'a str>,
    pub instance_group: Option<&'a str>,
}

pub fn etcd_clusters<'a>(cx: &ClusterContext<'a>) -> Vec<EtcdCluster<'a>> {
    let Some(items) = cx
        .cluster
        .get("/spec/etcdClusters")
        .and_then(Value::as_array)
    else {
        return Vec::new();
    };
    items
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let pointer = format!("/spec/etcdClusters/{i}");
            let members = c
                .get("etcdMembers")
                .and_then(Value::as_array)
                .map(|ms| {
                    ms.iter()
                        .enumerate()
                        .map(|(j, m)| EtcdMember {
                            pointer: format!("{pointer}/etcdMembers/{j}"),
                            name: m.get("name").and_then(Value::as_str),
                            instance_group: m.get("instanceGroup").and_then(Value::as_str),
                        })
                        .collect()
                })
                .unwrap_or_default();
            EtcdCluster {
                pointer,
                name: c.get("name").and_then(Value::as_str),
                members,
            }
        })
        .collect()
}

/// `a`, `b` and `c` as "`a`, `b`, `c`" for messages.
pub fn quoted_list<'a, I: IntoIterator<Item = &'a str>>(items: I) -> String {
    let list: Vec<String> = items.into_iter().map(|s| format!("`{s}`")).collect();
    if list.is_empty() {
        "none".to_string()
    } else {
        list.join(", ")
    }
}
