//! The IAM policies inside a cluster spec: `spec.additionalPolicies` maps an instance-group
//! role to a JSON list of IAM statements (kops's `iam.ParseStatements`, used by
//! `validateAdditionalPolicy` in `pkg/apis/kops/validation/validation.go`). Each list is
//! linted as an identity policy, and every finding is placed at its line and column in the
//! cluster's YAML file, inside the string.

use crate::document::Document;
use crate::findings::{Finding, Location};
use crate::policy::parse::parse;
use crate::source::SourceDb;
use crate::yaml::escape_pointer_token;

/// Wrapped around the statement list so that it reads as a whole identity policy.
const HEAD: &str = "{\"Version\": \"2012-10-17\", \"Statement\": ";

/// Findings of the identity-policy lint on every `spec.additionalPolicies` entry.
pub fn lint_additional_policies(cluster: &Document) -> Vec<Finding> {
    let Some(map) = cluster
        .get("/spec/additionalPolicies")
        .and_then(|v| v.as_object())
    else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (role, value) in map {
        let Some(text) = value.as_str() else {
            continue;
        };
        let pointer = format!("/spec/additionalPolicies/{}", escape_pointer_token(role));
        let sources = SourceDb::new();
        let wrapped = format!("{HEAD}{text}}}");
        let found = match parse(&format!("{}#{pointer}", cluster.url()), &wrapped, &sources) {
            Ok(parsed) => super::lint_identity_policy(&parsed),
            Err(e) => vec![e.into_finding()],
        };
        let map = OffsetMap::new(cluster, &pointer, text);
        for mut f in found {
            let inner = match &f.location {
                Location::File { span, .. } => span.offset.checked_sub(HEAD.len()),
                Location::Resource { .. } => None,
            };
            f.location = map.location(inner);
            f.message = format!("`spec.additionalPolicies.{role}`: {}", f.message);
            f.pointer = Some(pointer.clone());
            out.push(f);
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
        let found = lint_additional_policies(&cluster);
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
    fn a_list_that_is_not_json_is_a_positioned_sl300() {
        let cluster =
            doc("spec:\n  additionalPolicies:\n    node: '[ { \"Effect\": \"Allow\", } ]'\n");
        let found = lint_additional_policies(&cluster);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].code, "SL300");
        assert_eq!(at(&found[0]).1, 3);
    }
}
