//! SL153: a Cluster manifest compared with the same cluster in the store, as kops compares
//! them before it writes an update (`ValidateClusterUpdate`, `validateEtcdClusterUpdate` and
//! `validateEtcdMemberUpdate` in `pkg/apis/kops/validation/cluster.go` at the pinned commit;
//! called from `ClusterVFS.Update` in `pkg/client/simple/vfsclientset/cluster.go`).
//!
//! kops refuses to remove (or rename) an etcd cluster. For an etcd cluster that already
//! exists it also refuses a changed `image`, a changed `version` while `image` is set, and
//! a member moved to another instance group. kops learns which etcd clusters exist from the
//! cloud (`FindClusterStatus`, a live cloud API); offline, statelint takes a store folder
//! that holds `kops-version.txt` (written when `kops update cluster` applied the cluster) as
//! a cluster whose etcd clusters exist.

use serde_json::Value;

use super::engine::expand;
use crate::document::Document;
use crate::findings::{code, CodeInfo, Finding};
use crate::schema::display_path;

code!(
    ETCD_UPDATE,
    "SL153",
    "etcd-cluster-update",
    Error,
    "a Cluster manifest changes the stored cluster's etcd in a way kops refuses (an etcd cluster removed or renamed; the image, the pinned version or a member's instance group of an existing etcd cluster changed)"
);

pub static CODES: &[&CodeInfo] = &[&ETCD_UPDATE];

/// The stored side of the comparison.
pub struct Stored<'a> {
    pub cluster: &'a Document,
    /// Where it was read, for messages.
    pub url: &'a str,
    /// Whether its etcd clusters exist (see the module documentation).
    pub applied: bool,
}

/// `(pointer, name, etcd cluster)` of every named etcd cluster of a Cluster document.
fn etcd_clusters(doc: &Document) -> Vec<(String, String, &Value)> {
    expand(&doc.value, "/spec/etcdClusters/*")
        .into_iter()
        .filter_map(|(p, v)| Some((p, v.get("name")?.as_str()?.to_string(), v)))
        .collect()
}

fn text<'v>(value: &'v Value, field: &str) -> &'v str {
    value.get(field).and_then(Value::as_str).unwrap_or("")
}

/// What kops would refuse in updating `stored` to `new` (cluster `name`).
pub fn check(new: &Document, stored: &Stored<'_>, name: &str) -> Vec<Finding> {
    let mut out = Vec::new();
    let finding = |pointer: &str, at_key: bool, message: String, help: String| {
        let location = if at_key {
            new.key_location(pointer)
        } else {
            new.location(pointer)
        };
        Finding::new(&ETCD_UPDATE, message, location)
            .with_pointer(pointer)
            .with_cluster(name)
            .with_help(help)
    };
    let ours = etcd_clusters(new);
    let theirs = etcd_clusters(stored.cluster);
    let added: Vec<&str> = ours
        .iter()
        .filter(|(_, n, _)| !theirs.iter().any(|(_, t, _)| t == n))
        .map(|(_, n, _)| n.as_str())
        .collect();
    for (_, old_name, _) in &theirs {
        if ours.iter().any(|(_, n, _)| n == old_name) {
            continue;
        }
        let renamed = match added.as_slice() {
            [only] => format!(" (renamed to `{only}`?)"),
            _ => String::new(),
        };
        out.push(finding(
            "/spec/etcdClusters",
            true,
            format!(
                "etcd cluster `{old_name}` of cluster `{name}` is in the store (`{}`) but not in this manifest{renamed}; kops cannot remove or rename an etcd cluster",
                stored.url
            ),
            format!("keep the etcd cluster `{old_name}` under its stored name"),
        ));
    }
    if !stored.applied {
        return out;
    }
    for (pointer, etcd, value) in &ours {
        let Some((_, _, old)) = theirs.iter().find(|(_, n, _)| n == etcd) else {
            continue;
        };
        // (field, whether kops checks it here, why kops refuses a change)
        let image_pinned = !text(value, "image").is_empty();
        let fixed = [
            (
                "image",
                true,
                "kops sets the image only when it creates an etcd cluster",
            ),
            (
                "version",
                image_pinned,
                "kops does not change the version of an etcd cluster with a fixed `image`",
            ),
        ];
        for (field, applies, why) in fixed {
            let (now, before) = (text(value, field), text(old, field));
            if !applies || now == before {
                continue;
            }
            let at = format!("{pointer}/{field}");
            out.push(finding(
                &at,
                value.get(field).is_none(),
                format!(
                    "`{}` is `{now}`, but the existing etcd cluster `{etcd}` has `{before}` (`{}`); {why}",
                    display_path(&at),
                    stored.url
                ),
                format!("keep `{field}: {before}` for `{etcd}` as stored"),
            ));
        }
        for (member_at, member) in expand(value, "/etcdMembers/*") {
            let member_name = text(member, "name");
            let Some((_, old_member)) = expand(old, "/etcdMembers/*")
                .into_iter()
                .find(|(_, m)| !member_name.is_empty() && text(m, "name") == member_name)
            else {
                continue;
            };
            let (group, old_group) = (
                text(member, "instanceGroup"),
                text(old_member, "instanceGroup"),
            );
            if group != old_group {
                let at = format!("{pointer}{member_at}/instanceGroup");
                out.push(finding(
                    &at,
                    false,
                    format!(
                        "`{}` is `{group}`, but member `{member_name}` of the existing etcd cluster `{etcd}` runs in `{old_group}` (`{}`); kops cannot move an etcd member",
                        display_path(&at),
                        stored.url
                    ),
                    format!("keep `instanceGroup: {old_group}` for member `{member_name}`"),
                ));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceDb;

    fn doc(sources: &SourceDb, url: &str, text: &str) -> Document {
        let id = sources.add(url.to_string(), text.to_string());
        let file = sources.get(id).expect("added");
        let d = crate::yaml::load(&file, crate::yaml::Limits::default())
            .expect("yaml")
            .remove(0);
        Document {
            file: id,
            source: file.clone(),
            value: d.value,
            index: d.index,
        }
    }

    const STORED: &str = "kind: Cluster\nspec:\n  etcdClusters:\n  - name: main\n    image: registry.k8s.io/etcd:3.5.21\n    version: 3.5.21\n    etcdMembers:\n    - {name: a, instanceGroup: cp-a}\n  - name: events\n    etcdMembers:\n    - {name: a, instanceGroup: cp-a}\n";

    /// What `check` finds in updating the `stored` Cluster text to `new`.
    fn findings(stored: &str, new: &str, applied: bool) -> Vec<Finding> {
        let sources = SourceDb::new();
        let old = doc(&sources, "memfs://s/c/config", stored);
        let new = doc(&sources, "c.yaml", new);
        let stored = Stored {
            cluster: &old,
            url: "memfs://s/c/config",
            applied,
        };
        check(&new, &stored, "c")
    }

    fn codes(new: &str, applied: bool) -> Vec<String> {
        findings(STORED, new, applied)
            .into_iter()
            .map(|f| f.pointer.unwrap_or_default())
            .collect()
    }

    #[test]
    fn the_same_etcd_is_no_finding() {
        assert!(codes(STORED, true).is_empty());
    }

    #[test]
    fn a_removed_or_renamed_etcd_cluster_is_refused_even_before_it_exists() {
        let renamed = STORED.replace("name: events", "name: events2");
        assert_eq!(codes(&renamed, false), ["/spec/etcdClusters"]);
        assert_eq!(codes(&renamed, true), ["/spec/etcdClusters"]);
    }

    #[test]
    fn members_are_matched_by_name_not_by_place() {
        let two = STORED.replace(
            "    - {name: a, instanceGroup: cp-a}\n  - name: events",
            "    - {name: a, instanceGroup: cp-a}\n    - {name: b, instanceGroup: cp-b}\n  - name: events",
        );
        let swapped = two.replace(
            "    - {name: a, instanceGroup: cp-a}\n    - {name: b, instanceGroup: cp-b}\n",
            "    - {name: b, instanceGroup: cp-b}\n    - {name: a, instanceGroup: cp-a}\n",
        );
        assert_ne!(swapped, two);
        let found = findings(&two, &swapped, true);
        assert!(
            found.is_empty(),
            "{:?}",
            found.iter().map(|f| &f.message).collect::<Vec<_>>()
        );
    }

    #[test]
    fn a_renamed_etcd_cluster_is_named_as_the_likely_new_one() {
        let messages = |new: &str| -> Vec<String> {
            findings(STORED, new, true)
                .into_iter()
                .map(|f| f.message)
                .collect()
        };
        // One cluster gone and one new: the new one is probably the old one renamed.
        let renamed = messages(&STORED.replace("name: events", "name: events2"));
        assert_eq!(renamed.len(), 1, "{renamed:?}");
        assert!(
            renamed[0].contains("`events` of cluster `c`")
                && renamed[0].contains("(renamed to `events2`?)"),
            "{}",
            renamed[0]
        );
        // Gone without a new one: no guess.
        let removed = messages(&STORED.replace(
            "  - name: events\n    etcdMembers:\n    - {name: a, instanceGroup: cp-a}\n",
            "",
        ));
        assert_eq!(removed.len(), 1, "{removed:?}");
        assert!(!removed[0].contains("renamed"), "{}", removed[0]);
    }

    #[test]
    fn an_existing_etcd_cluster_keeps_image_pinned_version_and_members_groups() {
        let changed = STORED
            .replace("etcd:3.5.21", "etcd:3.6.4")
            .replace("version: 3.5.21", "version: 3.6.4")
            .replace(
                "- {name: a, instanceGroup: cp-a}\n  - name: events",
                "- {name: a, instanceGroup: cp-b}\n  - name: events",
            );
        assert_eq!(
            codes(&changed, true),
            [
                "/spec/etcdClusters/0/image",
                "/spec/etcdClusters/0/version",
                "/spec/etcdClusters/0/etcdMembers/0/instanceGroup"
            ]
        );
        // Before kops has created the etcd clusters, they may still change.
        assert!(codes(&changed, false).is_empty());
        // Without `image`, kops manages the version: a new one is accepted.
        let stored_unpinned = STORED.replace("    image: registry.k8s.io/etcd:3.5.21\n", "");
        let upgraded = stored_unpinned.replace("version: 3.5.21", "version: 3.6.4");
        assert!(findings(&stored_unpinned, &upgraded, true).is_empty());
    }
}
