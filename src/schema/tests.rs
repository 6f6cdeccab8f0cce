use super::*;
use crate::findings::Location;
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

fn line_col(f: &Finding) -> (usize, usize) {
    match &f.location {
        Location::File { span, .. } => (span.line, span.column),
        Location::Resource { .. } => (0, 0),
    }
}

const CLUSTER: &str = "\
apiVersion: kops.k8s.io/v1alpha2
kind: Cluster
metadata:
  name: c.example.com
spec:
  kubernetesVersion: 1.30.2
  networkCIDR: 172.20.0.0/16
  subnets:
  - name: us-east-1a
    cidr: 172.20.32.0/19
    type: Private
    zone: us-east-1a
";

const IG: &str = "\
apiVersion: kops.k8s.io/v1alpha2
kind: InstanceGroup
metadata:
  name: nodes
spec:
  role: Node
  minSize: 1
  maxSize: 3
  machineType: t3.medium
  rootVolumeSize: 50
";

#[test]
fn embedded_schemas_compile_and_accept_minimal_documents() {
    assert_eq!(validate(Kind::Cluster, &doc(CLUSTER), None), vec![]);
    assert_eq!(validate(Kind::InstanceGroup, &doc(IG), None), vec![]);
}

#[test]
fn a_misspelt_field_is_reported_at_its_key_with_a_suggestion() {
    let text = CLUSTER.replace("kubernetesVersion", "kubernetesVersoin");
    let findings = validate(Kind::Cluster, &doc(&text), Some("c.example.com"));
    assert_eq!(findings.len(), 1, "{findings:#?}");
    let f = &findings[0];
    assert_eq!(f.code, "SL121");
    assert_eq!(f.pointer.as_deref(), Some("/spec/kubernetesVersoin"));
    assert_eq!(line_col(f), (6, 3));
    assert!(f.message.contains("`kubernetesVersoin`"), "{}", f.message);
    assert!(f
        .help
        .as_deref()
        .unwrap_or("")
        .contains("`kubernetesVersion`"));
    assert_eq!(f.cluster.as_deref(), Some("c.example.com"));
}

#[test]
fn a_wrong_enum_value_lists_the_allowed_ones() {
    let text = IG.replace("role: Node", "role: node");
    let findings = validate(Kind::InstanceGroup, &doc(&text), None);
    assert_eq!(findings.len(), 1, "{findings:#?}");
    let f = &findings[0];
    assert_eq!(f.code, "SL122");
    assert_eq!(line_col(f), (6, 9));
    assert!(f.message.contains("`spec.role` is `node`"), "{}", f.message);
    assert!(f.message.contains("`ControlPlane`"));
    assert!(f
        .help
        .as_deref()
        .unwrap_or("")
        .contains("did you mean `Node`"));
}

#[test]
fn a_wrong_type_names_expected_and_found() {
    let text = IG.replace("maxSize: 3", "maxSize: three");
    let findings = validate(Kind::InstanceGroup, &doc(&text), None);
    assert_eq!(findings.len(), 1, "{findings:#?}");
    let f = &findings[0];
    assert_eq!(f.code, "SL100");
    assert_eq!(
        f.message,
        "`spec.maxSize` must be an integer, found the string `three`"
    );
    assert_eq!(line_col(f), (8, 12));
}

#[test]
fn a_missing_name_points_at_metadata() {
    let text = CLUSTER.replace("  name: c.example.com\n", "  labels: {}\n");
    let findings = validate(Kind::Cluster, &doc(&text), None);
    assert_eq!(findings.len(), 1, "{findings:#?}");
    assert_eq!(findings[0].code, "SL120");
    assert_eq!(findings[0].pointer.as_deref(), Some("/metadata/name"));
    assert_eq!(line_col(&findings[0]), (3, 1));
}

#[test]
fn an_unknown_api_version_is_an_enum_finding() {
    let text = CLUSTER.replace("kops.k8s.io/v1alpha2", "kops.k8s.io/v1beta1");
    let findings = validate(Kind::Cluster, &doc(&text), None);
    assert_eq!(findings.len(), 1, "{findings:#?}");
    assert_eq!(findings[0].code, "SL122");
    assert_eq!(findings[0].pointer.as_deref(), Some("/apiVersion"));
}

#[test]
fn nested_errors_carry_array_indexes_in_field_and_pointer() {
    let text = CLUSTER.replace("    type: Private", "    type: Privat");
    let findings = validate(Kind::Cluster, &doc(&text), None);
    assert_eq!(findings.len(), 1, "{findings:#?}");
    assert_eq!(findings[0].pointer.as_deref(), Some("/spec/subnets/0/type"));
    assert!(findings[0]
        .message
        .starts_with("`spec.subnets[0].type` is `Privat`"));
}

#[test]
fn quantities_accept_integers_and_strings_only() {
    let ok = IG.replace(
        "rootVolumeSize: 50",
        "rootVolumeSize: 50\n  cpuCredits: standard",
    );
    assert!(is_valid(Kind::InstanceGroup, &doc(&ok).value));
    let list = IG.replace("maxSize: 3", "maxSize: [3]");
    assert!(!is_valid(Kind::InstanceGroup, &doc(&list).value));
}

#[test]
fn null_values_are_accepted_like_kops_does() {
    let text = CLUSTER.replace("  networkCIDR: 172.20.0.0/16\n", "  networkCIDR:\n");
    assert_eq!(validate(Kind::Cluster, &doc(&text), None), vec![]);
}

#[test]
fn display_path_reads_like_kops_field_paths() {
    assert_eq!(display_path(""), "");
    assert_eq!(display_path("/spec/subnets/0/cidr"), "spec.subnets[0].cidr");
    assert_eq!(display_path("/metadata/labels/a~1b"), "metadata.labels.a/b");
}

#[test]
fn generic_schema_findings_yield_to_a_rule_on_the_same_field_and_unknown_keys_stay() {
    // `topology.dns.type: Bogus` (SL122) and an unknown key `spec.networkCidr` (SL121).
    let text = CLUSTER.replace(
        "  networkCIDR: 172.20.0.0/16\n",
        "  networkCIDR: 172.20.0.0/16\n  networkCidr: x\n  topology:\n    dns:\n      type: Bogus\n",
    );
    let mut findings = validate(Kind::Cluster, &doc(&text), None);
    let codes = |fs: &[Finding]| {
        let mut c: Vec<&str> = fs.iter().map(|f| f.code).collect();
        c.sort();
        c
    };
    assert_eq!(codes(&findings), ["SL121", "SL122"], "{findings:#?}");
    // A rule reporting on both fields (as a port of a kops check would).
    let mut from_rule = Vec::new();
    for f in &findings {
        let mut rule = f.clone();
        rule.code = "SL999";
        from_rule.push(rule);
    }
    findings.extend(from_rule.clone());
    yield_to_rules(&mut findings);
    assert_eq!(
        codes(&findings),
        ["SL121", "SL999", "SL999"],
        "{findings:#?}"
    );
    // Without a rule on the field, the schema's finding stays.
    let mut alone = validate(Kind::Cluster, &doc(&text), None);
    yield_to_rules(&mut alone);
    assert_eq!(codes(&alone), ["SL121", "SL122"]);
}
