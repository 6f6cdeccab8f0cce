//! The engine that runs kops's shape-alike checks from static tables.
//!
//! A [`Check`] is one row: which document and field (a JSON pointer in v1alpha2 with `*`
//! for "every item or key"), which [`Shape`] of check, under which condition ([`When`]),
//! from which kops release, and the kops file and function it mirrors. The engine turns a
//! row into findings at the field's `file:line:col` with the field's pointer.

use std::collections::HashMap;

use ipnet::IpNet;
use serde_json::Value;

use super::cloud::Cloud;
use super::version::Release;
use crate::document::Document;
use crate::findings::{CodeInfo, Finding};
use crate::rules::support::quoted_list;
use crate::rules::ClusterContext;
use crate::schema::display_path;

/// Which document a row reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Cluster,
    InstanceGroup,
}

/// Where in kops (at [`super::version::KOPS_COMMIT`]) a row comes from.
#[derive(Debug, Clone, Copy)]
pub struct KopsRef {
    /// Path in the kops repository, e.g. `pkg/apis/kops/validation/validation.go`.
    pub file: &'static str,
    pub function: &'static str,
}

impl KopsRef {
    /// A function of `pkg/apis/kops/validation/validation.go`, where most checks live.
    pub const fn validation(function: &'static str) -> KopsRef {
        KopsRef {
            file: "pkg/apis/kops/validation/validation.go",
            function,
        }
    }
}

/// Whether the value at `pointer` is the boolean `true` (kops reads an absent `*bool` and
/// `false` alike).
pub fn is_true(doc: &Document, pointer: &str) -> bool {
    doc.get(pointer) == Some(&Value::Bool(true))
}

/// The field `name` next to the one at `pointer` (same parent).
pub fn sibling<'d>(doc: &'d Document, pointer: &str, name: &str) -> Option<&'d Value> {
    doc.get(&format!("{}/{name}", parent(pointer)))
}

/// A named test of a string value, e.g. "a CIDR".
#[derive(Debug)]
pub struct Format {
    /// What a valid value is, as a noun phrase for messages ("an IPv4 or IPv6 CIDR").
    pub expected: &'static str,
    pub test: fn(&str) -> bool,
}

/// The kinds of check the tables can express.
#[derive(Debug, Clone, Copy)]
pub enum Shape {
    /// The value must be one of these strings.
    OneOf(&'static [&'static str]),
    /// The value must not be one of these strings.
    NoneOf(&'static [&'static str]),
    /// The field must not be set.
    Forbidden,
    /// The field must be set and not empty: a fixed path always, a pattern's field in every
    /// item that exists.
    Required,
    /// The field must be set when the sibling field (relative to the same parent) is set.
    RequiredWith(&'static str),
    /// The value (a CIDR or an address) must lie inside the CIDR at this cluster pointer.
    Inside(&'static str),
    /// The CIDR must not overlap the CIDR at this cluster pointer.
    Disjoint(&'static str),
    /// The values the pattern matches are pairwise different.
    Unique,
    /// The values the pattern matches are all equal.
    Same,
    /// The field (last token) is set on every item the rest of the pattern matches, or on none.
    AllOrNone,
    /// The value passes a format test.
    Format(&'static Format),
    /// The value equals the cluster's value at this pointer, when that is set.
    EqualTo(&'static str),
    /// The value is one of the values at this cluster pattern (a reference that must exist,
    /// e.g. `/spec/subnets/*/name`).
    Among(&'static str),
    /// A test with real logic over one present value: given the Cluster, the checked
    /// document, the value's pointer and the value, it returns the finding's message
    /// (naming the field) when kops refuses the value.
    Logic(Logic),
}

/// The test of a [`Shape::Logic`] row.
pub type Logic = fn(&Document, &Document, &str, &Value) -> Option<String>;

/// When a row applies.
#[derive(Debug, Clone, Copy)]
pub enum When {
    Always,
    /// The cluster runs on one of these clouds.
    Cloud(&'static [Cloud]),
    /// The cluster runs on a cloud kops knows that is none of these.
    NotCloud(&'static [Cloud]),
    /// A field next to the matched one (same parent) is set.
    SiblingSet(&'static str),
    /// A field next to the matched one is unset or holds none of these strings.
    SiblingNotIn(&'static str, &'static [&'static str]),
    /// The cluster has this field (pointer into the Cluster), even as `{}`.
    ClusterSet(&'static str),
    /// The cluster has this key, even as `""` (a pointer field kops checks against nil).
    ClusterHas(&'static str),
    /// The cluster's field at this pointer is this string.
    ClusterIs(&'static str, &'static str),
    /// The matched value is this string.
    ValueIs(&'static str),
    /// The matched value starts with this text.
    ValueStartsWith(&'static str),
    /// The matched value does not start with this text.
    ValueLacksPrefix(&'static str),
    /// No item of the cluster array (pointer) has this field set to this value.
    NoItemWith(&'static str, &'static str, &'static str),
    /// The cluster's `nonMasqueradeCIDR` is not an IPv6 range (kops's `IsIPv6Only`).
    NotIpv6Only,
    /// The cluster uses gossip DNS: its name ends in `.k8s.local` and `topology.dns.type`
    /// is not `None` (kops's `usesLegacyGossip`).
    GossipName,
    /// A predicate over the checked document (the Cluster for cluster rows, the group for
    /// instance-group rows) and the matched pointer, for conditions with real logic (a
    /// boolean that kops reads as "true", kube-proxy being on, ...).
    Test(fn(&Document, &str) -> bool),
    /// Every condition holds.
    All(&'static [When]),
    /// The condition does not hold.
    Not(&'static When),
}

/// One row of a table.
#[derive(Debug)]
pub struct Check {
    pub info: &'static CodeInfo,
    pub target: Target,
    /// JSON pointer in v1alpha2; `*` matches every array item or mapping key.
    pub pointer: &'static str,
    pub shape: Shape,
    pub when: When,
    /// The kops release from which kops makes this check (`None`: every supported one).
    pub since: Option<Release>,
    pub kops: KopsRef,
    /// Why kops refuses, as a lower-case clause ending the message ("kops accepts it only
    /// on AWS"). Empty for the shape's own wording.
    pub reason: &'static str,
    /// The fix, one sentence.
    pub help: &'static str,
}

impl Check {
    /// A row over the Cluster document that applies to every kops release.
    pub const fn cluster(
        info: &'static CodeInfo,
        pointer: &'static str,
        shape: Shape,
        when: When,
        kops: KopsRef,
        reason: &'static str,
        help: &'static str,
    ) -> Check {
        Check {
            info,
            target: Target::Cluster,
            pointer,
            shape,
            when,
            since: None,
            kops,
            reason,
            help,
        }
    }

    /// A cluster row mirroring `function` of `validation.go`.
    pub const fn validation(
        info: &'static CodeInfo,
        pointer: &'static str,
        shape: Shape,
        when: When,
        function: &'static str,
        reason: &'static str,
        help: &'static str,
    ) -> Check {
        Check::cluster(
            info,
            pointer,
            shape,
            when,
            KopsRef::validation(function),
            reason,
            help,
        )
    }

    /// The same row, read in every instance group instead of the Cluster (for settings a
    /// group can override, such as `containerd`).
    pub const fn on_groups(self) -> Check {
        Check {
            target: Target::InstanceGroup,
            ..self
        }
    }

    /// The same row, applying from kops `release` on.
    pub const fn since(self, release: Release) -> Check {
        Check {
            since: Some(release),
            ..self
        }
    }
}

/// Every place a pattern matches in `root`: (pointer, value).
pub fn expand<'v>(root: &'v Value, pattern: &str) -> Vec<(String, &'v Value)> {
    let mut current: Vec<(String, &Value)> = vec![(String::new(), root)];
    for token in pattern.split('/').skip(1) {
        let mut next = Vec::new();
        for (pointer, value) in current {
            match (token, value) {
                ("*", Value::Array(items)) => {
                    for (i, item) in items.iter().enumerate() {
                        next.push((format!("{pointer}/{i}"), item));
                    }
                }
                ("*", Value::Object(map)) => {
                    for (key, item) in map {
                        let escaped = key.replace('~', "~0").replace('/', "~1");
                        next.push((format!("{pointer}/{escaped}"), item));
                    }
                }
                (_, Value::Object(map)) => {
                    let key = token.replace("~1", "/").replace("~0", "~");
                    if let Some(item) = map.get(&key) {
                        next.push((format!("{pointer}/{token}"), item));
                    }
                }
                (_, Value::Array(items)) => {
                    if let Some(item) = token.parse::<usize>().ok().and_then(|i| items.get(i)) {
                        next.push((format!("{pointer}/{token}"), item));
                    }
                }
                _ => {}
            }
        }
        current = next;
    }
    current
}

/// Whether a value counts as set: not null, not an empty string, list or mapping.
pub fn is_set(value: Option<&Value>) -> bool {
    match value {
        None | Some(Value::Null) => false,
        Some(Value::String(s)) => !s.is_empty(),
        Some(Value::Array(a)) => !a.is_empty(),
        Some(Value::Object(o)) => !o.is_empty(),
        Some(_) => true,
    }
}

/// Whether a field is given at all, as kops's pointer fields see it: an empty mapping or
/// list counts (`amazonvpc: {}` selects Amazon VPC networking), null and `""` do not.
pub fn is_present(value: Option<&Value>) -> bool {
    match value {
        None | Some(Value::Null) => false,
        Some(Value::String(s)) => !s.is_empty(),
        Some(_) => true,
    }
}

fn split_last(pattern: &str) -> (&str, &str) {
    pattern.rsplit_once('/').unwrap_or(("", pattern))
}

fn parent(pointer: &str) -> &str {
    split_last(pointer).0
}

fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The network a CIDR or a bare address stands for.
pub fn net_of(text: &str) -> Option<IpNet> {
    text.parse::<IpNet>()
        .ok()
        .or_else(|| text.parse::<std::net::IpAddr>().ok().map(IpNet::from))
}

fn overlaps(a: &IpNet, b: &IpNet) -> bool {
    a.contains(&b.network()) || b.contains(&a.network())
}

struct Eval<'a, 'c> {
    cx: &'a ClusterContext<'c>,
    cloud: Option<Cloud>,
}

impl Eval<'_, '_> {
    fn holds(&self, when: &When, doc: &Document, pointer: &str, value: Option<&Value>) -> bool {
        let sibling = |name: &str| doc.get(&format!("{}/{name}", parent(pointer)));
        match when {
            When::Always => true,
            When::Cloud(clouds) => self.cloud.is_some_and(|c| clouds.contains(&c)),
            When::NotCloud(clouds) => self.cloud.is_some_and(|c| !clouds.contains(&c)),
            When::SiblingSet(name) => is_set(sibling(name)),
            When::SiblingNotIn(name, values) => sibling(name)
                .and_then(Value::as_str)
                .is_none_or(|v| !values.contains(&v)),
            When::ClusterSet(at) => is_present(self.cx.cluster.get(at)),
            When::ClusterHas(at) => !matches!(self.cx.cluster.get(at), None | Some(Value::Null)),
            When::ClusterIs(at, wanted) => self.cx.cluster.str_at(at) == Some(*wanted),
            When::ValueIs(wanted) => value.and_then(Value::as_str) == Some(*wanted),
            When::ValueStartsWith(prefix) => value
                .and_then(Value::as_str)
                .is_some_and(|v| v.starts_with(prefix)),
            When::ValueLacksPrefix(prefix) => value
                .and_then(Value::as_str)
                .is_some_and(|v| !v.starts_with(prefix)),
            When::NoItemWith(array, field, wanted) => !self
                .cx
                .cluster
                .get(array)
                .and_then(Value::as_array)
                .is_some_and(|items| {
                    items
                        .iter()
                        .any(|i| i.get(field).and_then(Value::as_str) == Some(wanted))
                }),
            When::NotIpv6Only => !self
                .cx
                .cluster
                .str_at("/spec/nonMasqueradeCIDR")
                .is_some_and(|c| c.contains(':')),
            When::GossipName => {
                let name = self.cx.cluster.str_at("/metadata/name").unwrap_or("");
                name.trim_end_matches('.').ends_with(".k8s.local")
                    && self.cx.cluster.str_at("/spec/topology/dns/type") != Some("None")
            }
            When::Test(test) => test(doc, pointer),
            When::All(all) => all.iter().all(|w| self.holds(w, doc, pointer, value)),
            When::Not(inner) => !self.holds(inner, doc, pointer, value),
        }
    }

    fn run(&self, check: &Check, doc: &Document, out: &mut Vec<Finding>) {
        if check
            .since
            .is_some_and(|since| !self.cx.kops_version.at_least(since))
        {
            return;
        }
        let finding = |pointer: &str, message: String, at_key: bool| {
            let location = if at_key {
                doc.key_location(pointer)
            } else {
                doc.location(pointer)
            };
            let message = if check.reason.is_empty() {
                message
            } else {
                format!("{message}; {}", check.reason)
            };
            Finding::new(check.info, message, location)
                .with_pointer(pointer)
                .with_help(check.help)
        };
        match check.shape {
            Shape::Required => {
                let (parents, last) = split_last(check.pointer);
                // A fixed path is required even when its parents are missing; a pattern
                // only where an item exists.
                let parents: Vec<String> = if parents.contains('*') {
                    expand(&doc.value, parents)
                        .into_iter()
                        .map(|(p, _)| p)
                        .collect()
                } else {
                    vec![parents.to_string()]
                };
                for p in parents {
                    let pointer = format!("{p}/{last}");
                    let value = doc.get(&pointer);
                    if !is_set(value) && self.holds(&check.when, doc, &pointer, value) {
                        let f = display_path(&pointer);
                        out.push(finding(
                            &pointer,
                            format!("`{f}` is missing or empty"),
                            true,
                        ));
                    }
                }
            }
            Shape::RequiredWith(other) => {
                let (parents, last) = split_last(check.pointer);
                for (p, _) in expand(&doc.value, parents) {
                    let pointer = format!("{p}/{last}");
                    let value = doc.get(&pointer);
                    let with = format!("{p}/{other}");
                    if is_set(doc.get(&with))
                        && !is_set(value)
                        && self.holds(&check.when, doc, &pointer, value)
                    {
                        let (f, o) = (display_path(&pointer), display_path(&with));
                        let mut found = finding(&with, format!("`{o}` is set without `{f}`"), true);
                        found.pointer = Some(pointer);
                        out.push(found);
                    }
                }
            }
            Shape::Unique | Shape::Same => {
                let mut first: HashMap<String, String> = HashMap::new();
                let mut only: Option<(String, String)> = None;
                for (pointer, value) in expand(&doc.value, check.pointer) {
                    if !is_set(Some(value)) || !self.holds(&check.when, doc, &pointer, Some(value))
                    {
                        continue;
                    }
                    let v = text(value);
                    let f = display_path(&pointer);
                    if let Shape::Unique = check.shape {
                        match first.get(&v) {
                            Some(earlier) => out.push(finding(
                                &pointer,
                                format!("`{f}` is `{v}`, already used by `{earlier}`"),
                                false,
                            )),
                            None => {
                                first.insert(v, f);
                            }
                        }
                    } else {
                        match &only {
                            Some((seen, at)) if *seen != v => out.push(finding(
                                &pointer,
                                format!("`{f}` is `{v}`, but `{at}` is `{seen}`"),
                                false,
                            )),
                            Some(_) => {}
                            None => only = Some((v, f)),
                        }
                    }
                }
            }
            Shape::AllOrNone => {
                let (items, last) = split_last(check.pointer);
                let matched = expand(&doc.value, items);
                let Some((_, head)) = matched.first() else {
                    return;
                };
                let first_has = is_set(head.get(last));
                for (p, item) in &matched {
                    if is_set(item.get(last)) != first_has {
                        let pointer = format!("{p}/{last}");
                        let (f, h) = (display_path(&pointer), display_path(&matched[0].0));
                        let message = if first_has {
                            format!("`{f}` is missing although `{h}` has one")
                        } else {
                            format!("`{f}` is set although `{h}` has none")
                        };
                        out.push(finding(&pointer, message, !first_has));
                    }
                }
            }
            _ => {
                for (pointer, value) in expand(&doc.value, check.pointer) {
                    let given = match check.shape {
                        Shape::Forbidden => is_present(Some(value)),
                        _ => is_set(Some(value)),
                    };
                    if !given || !self.holds(&check.when, doc, &pointer, Some(value)) {
                        continue;
                    }
                    if let Some(message) = self.value_problem(check, doc, &pointer, value) {
                        let at_key = matches!(check.shape, Shape::Forbidden);
                        out.push(finding(&pointer, message, at_key));
                    }
                }
            }
        }
    }

    /// What is wrong with one present value, for the value shapes.
    fn value_problem(
        &self,
        check: &Check,
        doc: &Document,
        pointer: &str,
        value: &Value,
    ) -> Option<String> {
        let f = display_path(pointer);
        let v = text(value);
        let range = |at: &str| -> Option<(String, IpNet)> {
            let r = self.cx.cluster.str_at(at)?;
            Some((r.to_string(), net_of(r)?))
        };
        match check.shape {
            Shape::OneOf(allowed) => (!allowed.contains(&v.as_str())).then(|| {
                format!(
                    "`{f}` is `{v}`, not one of {}",
                    quoted_list(allowed.iter().copied())
                )
            }),
            Shape::NoneOf(refused) => refused
                .contains(&v.as_str())
                .then(|| format!("`{f}` is `{v}`")),
            Shape::Forbidden => Some(format!("`{f}` is set")),
            Shape::Format(format) => (!(format.test)(&v))
                .then(|| format!("`{f}` is `{v}`, which is not {}", format.expected)),
            Shape::Inside(at) => {
                let net = net_of(&v)?;
                let (r, range) = range(at)?;
                (!range.contains(&net))
                    .then(|| format!("`{f}` is `{v}`, outside `{}` (`{r}`)", display_path(at)))
            }
            Shape::Disjoint(at) => {
                let net = net_of(&v)?;
                let (r, range) = range(at)?;
                overlaps(&net, &range).then(|| {
                    format!(
                        "`{f}` is `{v}`, which overlaps `{}` (`{r}`)",
                        display_path(at)
                    )
                })
            }
            Shape::EqualTo(at) => {
                let other = self.cx.cluster.get(at).filter(|o| is_present(Some(o)))?;
                (*other != *value).then(|| {
                    format!(
                        "`{f}` is `{v}`, but `{}` is `{}`",
                        display_path(at),
                        text(other)
                    )
                })
            }
            Shape::Among(at) => {
                let known: Vec<String> = expand(&self.cx.cluster.value, at)
                    .into_iter()
                    .map(|(_, v)| text(v))
                    .collect();
                (!known.contains(&v)).then(|| {
                    format!(
                        "`{f}` is `{v}`, which is not among `{}` ({})",
                        display_path(at).replace(".*", "[]"),
                        quoted_list(known.iter().map(String::as_str))
                    )
                })
            }
            Shape::Logic(test) => test(self.cx.cluster, doc, pointer, value),
            Shape::Required
            | Shape::RequiredWith(_)
            | Shape::Unique
            | Shape::Same
            | Shape::AllOrNone => None,
        }
    }
}

/// Runs the rows of `tables` (only those with `code`, when given) over one cluster.
pub fn run(
    tables: &[&[Check]],
    cx: &ClusterContext<'_>,
    code: Option<&str>,
    out: &mut Vec<Finding>,
) {
    let eval = Eval {
        cx,
        cloud: Cloud::of(cx.cluster),
    };
    for check in tables.iter().flat_map(|t| t.iter()) {
        if code.is_some_and(|c| c != check.info.code) {
            continue;
        }
        match check.target {
            Target::Cluster => eval.run(check, cx.cluster, out),
            Target::InstanceGroup => {
                for ig in cx.instance_groups {
                    eval.run(check, &ig.doc, out);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn patterns_expand_over_items_and_keys() {
        let v =
            json!({"spec": {"subnets": [{"name": "a"}, {"name": "b"}, {}], "labels": {"x/y": 1}}});
        let names: Vec<_> = expand(&v, "/spec/subnets/*/name")
            .into_iter()
            .map(|(p, v)| format!("{p}={v}"))
            .collect();
        assert_eq!(
            names,
            ["/spec/subnets/0/name=\"a\"", "/spec/subnets/1/name=\"b\""]
        );
        assert_eq!(expand(&v, "/spec/labels/*")[0].0, "/spec/labels/x~1y");
        assert!(expand(&v, "/spec/missing/*").is_empty());
        // A number steps into a list like any JSON pointer; past the end it matches nothing.
        let second: Vec<_> = expand(&v, "/spec/subnets/1/name")
            .into_iter()
            .map(|(p, v)| format!("{p}={v}"))
            .collect();
        assert_eq!(second, ["/spec/subnets/1/name=\"b\""]);
        assert!(expand(&v, "/spec/subnets/3/name").is_empty());
    }

    #[test]
    fn a_value_is_set_unless_null_or_empty() {
        for unset in [json!(null), json!(""), json!([]), json!({})] {
            assert!(!is_set(Some(&unset)), "{unset}");
        }
        for set in [
            json!("x"),
            json!([1]),
            json!({"a": 1}),
            json!(0),
            json!(false),
        ] {
            assert!(is_set(Some(&set)), "{set}");
        }
        assert!(!is_set(None));
    }

    #[test]
    fn addresses_and_ranges_compare() {
        let a = net_of("10.0.0.0/16").expect("cidr");
        assert!(overlaps(&a, &net_of("10.0.3.0/24").expect("cidr")));
        assert!(!overlaps(&a, &net_of("10.1.0.0/16").expect("cidr")));
        assert!(a.contains(&net_of("10.0.0.10").expect("address")));
        assert!(net_of("nonsense").is_none());
    }
}
