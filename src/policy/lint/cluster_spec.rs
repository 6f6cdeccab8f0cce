//! The IAM policies inside a cluster spec: `spec.additionalPolicies` maps an instance-group
//! role to a JSON list of IAM statements, and each
//! `spec.iam.serviceAccountExternalPermissions[].aws.inlinePolicy` is one too (both read by
//! kops's `iam.ParseStatements`, used by `validateAdditionalPolicy` in
//! `pkg/apis/kops/validation/validation.go` and `buildPolicy` in `pkg/model/awsmodel/iam.go`).
//! Each list is linted as an identity policy, and every finding is placed at its line and
//! column in the cluster's YAML file, inside the string.

use crate::document::Document;
use crate::findings::{code, Finding, Location, Severity};
use crate::policy::parse::{parse, ParsedPolicy};
use crate::source::SourceDb;
use crate::yaml::escape_pointer_token;

code!(
    DROPPED_FIELD,
    "SL333",
    "cluster-policy-field-dropped",
    Error,
    "a statement element in a cluster spec's IAM policy that kops drops before IAM sees it"
);

/// Wrapped around the statement list so that it reads as a whole identity policy.
const HEAD: &str = "{\"Version\": \"2012-10-17\", \"Statement\": ";

/// Findings of the identity-policy lint on every IAM policy of the cluster spec.
pub fn lint_cluster_policies(cluster: &Document) -> Vec<Finding> {
    let mut out = Vec::new();
    for (pointer, label, text) in policies(cluster) {
        let sources = SourceDb::new();
        let wrapped = format!("{HEAD}{text}}}");
        let found = match parse(&format!("{}#{pointer}", cluster.url()), &wrapped, &sources) {
            Ok(parsed) => {
                let mut found = super::lint_identity_policy(&parsed);
                // kops drops `NotPrincipal` (SL333 says so): IAM never sees it.
                found.retain(|f| {
                    !(f.code == "SL334"
                        && f.pointer
                            .as_deref()
                            .is_some_and(|p| p.ends_with("/NotPrincipal")))
                });
                found.extend(dropped_fields(&parsed));
                found
            }
            Err(e) => vec![e.into_finding()],
        };
        let map = OffsetMap::new(cluster, &pointer, text);
        for mut f in found {
            let inner = match &f.location {
                Location::File { span, .. } => span.offset.checked_sub(HEAD.len()),
                Location::Resource { .. } => None,
            };
            f.location = map.location(inner);
            f.message = format!("`{label}`: {}", f.message);
            f.pointer = Some(pointer.clone());
            out.push(f);
        }
    }
    out
}

/// `(pointer, dotted path, statement list)` of every IAM policy string in the spec.
fn policies(cluster: &Document) -> Vec<(String, String, &str)> {
    let mut out = Vec::new();
    if let Some(map) = cluster
        .get("/spec/additionalPolicies")
        .and_then(|v| v.as_object())
    {
        for (role, value) in map {
            if let Some(text) = value.as_str() {
                out.push((
                    format!("/spec/additionalPolicies/{}", escape_pointer_token(role)),
                    format!("spec.additionalPolicies.{role}"),
                    text,
                ));
            }
        }
    }
    if let Some(list) = cluster
        .get("/spec/iam/serviceAccountExternalPermissions")
        .and_then(|v| v.as_array())
    {
        for (i, entry) in list.iter().enumerate() {
            if let Some(text) = entry.pointer("/aws/inlinePolicy").and_then(|v| v.as_str()) {
                out.push((
                    format!("/spec/iam/serviceAccountExternalPermissions/{i}/aws/inlinePolicy"),
                    format!("spec.iam.serviceAccountExternalPermissions[{i}].aws.inlinePolicy"),
                    text,
                ));
            }
        }
    }
    out
}

/// SL333: kops reads each statement into a type with only `Effect`, `Principal`, `Action`,
/// `Resource` and `Condition` (`Statement` in `pkg/model/iam/iam_builder.go`); Go's JSON
/// reader drops every other element without a word. A dropped `NotAction` or `NotResource`
/// leaves a statement without its scope, which IAM rejects or reads otherwise.
fn dropped_fields(parsed: &ParsedPolicy) -> Vec<Finding> {
    let cx = super::PolicyContext {
        parsed,
        owner_account: None,
    };
    let mut out = Vec::new();
    for (i, s) in cx.statements().iter().enumerate() {
        let fields = [
            (
                "Sid",
                s.sid.is_some(),
                Severity::Note,
                "it is only a label; remove it",
            ),
            (
                "NotAction",
                s.not_action.is_some(),
                Severity::Error,
                "list the actions in `Action` instead",
            ),
            (
                "NotResource",
                s.not_resource.is_some(),
                Severity::Error,
                "list the resources in `Resource` instead",
            ),
            (
                "NotPrincipal",
                s.not_principal.is_some(),
                Severity::Warning,
                "remove it: an identity policy applies to the role it is attached to",
            ),
        ];
        for (field, present, severity, help) in fields {
            if !present {
                continue;
            }
            out.push(
                cx.at(
                    &DROPPED_FIELD,
                    &format!("{}/{field}", cx.pointer(i)),
                    format!(
                        "kops drops `{field}` from statement {i} (its IAM statement type has no such element), so IAM never sees it"
                    ),
                )
                .with_severity(severity)
                .with_help(help),
            );
        }
    }
    out
}

/// From byte offsets in a YAML string's value to byte offsets in the YAML file: the
/// string's characters are found in order in the scalar's source text (which adds quotes,
/// indentation and line folds around them).
struct OffsetMap<'a> {
    cluster: &'a Document,
    pointer: &'a str,
    /// `(offset in the string, offset in the file)` per character.
    pairs: Vec<(usize, usize)>,
}

impl<'a> OffsetMap<'a> {
    fn new(cluster: &'a Document, pointer: &'a str, value: &str) -> OffsetMap<'a> {
        let span = cluster.span(pointer);
        let source = &cluster.source.text;
        let start = span.offset.min(source.len());
        // A block scalar's span may stop at its indicator; search to the next key at most.
        let end = source
            .len()
            .min(start + span.length.max(value.len() * 2 + 256));
        let raw = &source[start..end];
        let mut pairs = Vec::with_capacity(value.len());
        let mut cursor = raw.char_indices().peekable();
        'chars: for (i, c) in value.char_indices() {
            for (j, s) in cursor.by_ref() {
                if s == c || (c == ' ' && s == '\n') {
                    pairs.push((i, start + j));
                    continue 'chars;
                }
            }
            break;
        }
        OffsetMap {
            cluster,
            pointer,
            pairs,
        }
    }

    /// The file location of string offset `inner`, or the value itself when unknown.
    fn location(&self, inner: Option<usize>) -> Location {
        let mapped = inner.and_then(|o| {
            let at = self.pairs.binary_search_by_key(&o, |(i, _)| *i).ok()?;
            Some(self.pairs[at].1)
        });
        match mapped {
            Some(offset) => Location::File {
                file: self.cluster.file,
                url: self.cluster.source.url.clone(),
                span: self.cluster.source.span(offset, offset + 1),
            },
            None => self.cluster.location(self.pointer),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceDb;
    use crate::yaml::{self, Limits};

    fn doc(text: &str) -> Document {
        let sources = SourceDb::new();
        let file = sources.add("file:///store/c.example.com/config", text);
        let source = sources.get(file).expect("just added");
        let mut docs = yaml::load(&source, Limits::default()).expect("test YAML parses");
        let first = docs.remove(0);
        Document {
            file,
            source,
            value: first.value,
            index: first.index,
        }
    }

    fn at(f: &Finding) -> (&str, usize, usize) {
        match &f.location {
            Location::File { span, .. } => (f.code, span.line, span.column),
            Location::Resource { .. } => (f.code, 0, 0),
        }
    }

    #[test]
    fn findings_land_inside_block_and_quoted_strings_of_the_yaml() {
        let cluster = doc(r#"apiVersion: kops.k8s.io/v1alpha2
kind: Cluster
spec:
  additionalPolicies:
    node: |
      [
        {
          "Effect": "Allow",
          "Action": ["s3:GetObject", "kms:Decrypt"],
          "Resource": ["arn:aws:s3:::kops-state/*"],
          "Condition": {"StringEquals": {"aws:SourceVpcId": "vpc-1a2b3c4d"}}
        }
      ]
    control-plane: '[ { "Action": [ "s3:GetObject" ], "Resource": [ "*" ], "Effect": "Allow",
      "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}} } ]'
"#);
        let found = lint_cluster_policies(&cluster);
        let places: Vec<(&str, usize, usize)> = found.iter().map(at).collect();
        // `aws:SourceVpcId` does not exist (line 11, at its value); `kms:Decrypt` is not
        // reported: identity policies may grant any service.
        assert!(places.contains(&("SL316", 11, 61)), "{places:?}");
        assert!(!places.iter().any(|p| p.0 == "SL318"), "{places:?}");
        // The folded single-quoted string: `Resource: "*"` on its first line, the private
        // `aws:SourceIp` on its second.
        assert!(places.contains(&("SL303", 14, 69)), "{places:?}");
        assert!(places.contains(&("SL321", 15, 51)), "{places:?}");
        assert!(found
            .iter()
            .all(|f| f.message.starts_with("`spec.additionalPolicies.")));
    }

    #[test]
    fn service_account_inline_policies_get_the_identity_checks_and_kops_drops_are_said() {
        let cluster = doc(r#"spec:
  iam:
    serviceAccountExternalPermissions:
    - name: karpenter
      namespace: kube-system
      aws:
        inlinePolicy: |
          [
            {"Sid": "Launch", "Effect": "Allow", "Action": ["ec2:RunInstances", "iam:PassRole"], "Resource": "*"},
            {"Effect": "Deny", "NotAction": "s3:GetObject", "Resource": "arn:aws:s3:::kops-state/*"},
            {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::kops-state/*"},
            {"Effect": "Deny", "NotPrincipal": {"AWS": "arn:aws:iam::111111111111:root"}, "Action": "s3:DeleteObject", "Resource": "arn:aws:s3:::kops-state/*"}
          ]
"#);
        let found = lint_cluster_policies(&cluster);
        let places: Vec<(&str, usize, usize)> = found.iter().map(at).collect();
        // At the values: `iam:PassRole`, `"Launch"`, `"s3:GetObject"` of the `NotAction`, the
        // `Principal` object.
        assert!(places.contains(&("SL336", 9, 81)), "{places:?}");
        // A place mapped into the manifest covers one character: the value's first.
        let pass_role = found.iter().find(|f| f.code == "SL336").expect("SL336");
        assert!(
            matches!(&pass_role.location, Location::File { span, .. } if span.length == 1),
            "{:?}",
            pass_role.location
        );
        assert!(places.contains(&("SL333", 9, 21)), "{places:?}");
        assert!(places.contains(&("SL333", 10, 45)), "{places:?}");
        assert!(places.contains(&("SL334", 11, 46)), "{places:?}");
        // kops drops `NotPrincipal` too: SL333 says so, and SL334 (a principal in an
        // identity policy) is not said again about a field IAM never sees.
        assert!(places.contains(&("SL333", 12, 48)), "{places:?}");
        assert!(!places.contains(&("SL334", 12, 48)), "{places:?}");
        let dropped_not_action = found
            .iter()
            .find(|f| f.code == "SL333" && f.message.contains("`NotAction`"))
            .expect("NotAction reported");
        assert_eq!(dropped_not_action.severity, Severity::Error);
        assert!(found.iter().all(|f| f
            .message
            .starts_with("`spec.iam.serviceAccountExternalPermissions[0].aws.inlinePolicy`: ")));
    }

    #[test]
    fn a_list_that_is_not_json_is_a_positioned_sl300() {
        let cluster =
            doc("spec:\n  additionalPolicies:\n    node: '[ { \"Effect\": \"Allow\", } ]'\n");
        let found = lint_cluster_policies(&cluster);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].code, "SL300");
        assert_eq!(at(&found[0]).1, 3);
    }
}
