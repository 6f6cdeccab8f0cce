//! kops's own instance-group test cases (`pkg/apis/kops/validation/instancegroup_test.go`
//! and `aws_test.go` at the pinned commit), run through the whole `check` pipeline on an
//! in-memory store: each value kops's tests reject must produce the rule's code, each
//! value they accept must not.

use statelint::check::{check_store, CheckOptions};
use statelint::findings::{Finding, Location};
use statelint::resolve::url::StoreUrl;
use statelint::source::SourceDb;
use statelint::vfs::mem::MemBackend;
use statelint::vfs::Backend;

const CLUSTER: &str = "c.example.com";

/// A minimal valid cluster on `cloud` (one subnet `a`, one control-plane group in etcd);
/// `extra` is appended to its `spec` (two-space indented lines).
fn cluster(cloud: &str, extra: &str) -> String {
    let zone = match cloud {
        "gce" => "us-central1-a",
        "openstack" => "nova",
        _ => "us-east-1a",
    };
    format!(
        "apiVersion: kops.k8s.io/v1alpha2
kind: Cluster
metadata:
  name: {CLUSTER}
spec:
  cloudProvider: {cloud}
  configBase: memfs://kops-ig-tests/{CLUSTER}
  kubernetesVersion: 1.30.2
  networkCIDR: 172.20.0.0/16
  nonMasqueradeCIDR: 100.64.0.0/10
  etcdClusters:
  - name: main
    etcdMembers:
    - instanceGroup: control-plane-a
      name: a
  - name: events
    etcdMembers:
    - instanceGroup: control-plane-a
      name: a
  subnets:
  - name: a
    cidr: 172.20.32.0/19
    type: Public
    zone: {zone}
{extra}"
    )
}

/// An instance group document; `spec` lines are indented under `spec:`.
fn group(name: &str, role: &str, spec: &str) -> String {
    let body: String = spec.lines().map(|l| format!("  {l}\n")).collect();
    // The group's own machine type, else a common one.
    let machine = if spec.contains("machineType:") {
        ""
    } else {
        "  machineType: t3.medium\n"
    };
    format!(
        "apiVersion: kops.k8s.io/v1alpha2
kind: InstanceGroup
metadata:
  name: {name}
spec:
  role: {role}
{machine}  subnets:
  - a
{body}"
    )
}

/// Runs `statelint check` over a store holding the cluster, its control-plane group and
/// `some-ig` (the name kops's `createMinimalInstanceGroup` uses).
fn check(cloud: &str, cluster_extra: &str, role: &str, spec: &str) -> Vec<Finding> {
    let url = StoreUrl::parse("memfs://kops-ig-tests").expect("store URL");
    let store = MemBackend::isolated(&url);
    let files = [
        ("config".to_string(), cluster(cloud, cluster_extra)),
        (
            "instancegroup/control-plane-a".to_string(),
            group("control-plane-a", "ControlPlane", "minSize: 1\nmaxSize: 1"),
        ),
        (
            "instancegroup/some-ig".to_string(),
            group("some-ig", role, spec),
        ),
    ];
    for (key, text) in files {
        store
            .write(&format!("{CLUSTER}/{key}"), text.as_bytes())
            .expect("memfs write");
    }
    let sources = SourceDb::new();
    check_store(&store, &CheckOptions::default(), &sources, None).findings
}

fn show(findings: &[Finding]) -> String {
    findings
        .iter()
        .map(|f| format!("{} {} {:?}\n", f.code, f.message, f.pointer))
        .collect()
}

/// `(code, kops finds it, cloud, cluster spec lines, role, instance group spec lines)`.
type Case = (
    &'static str,
    bool,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
);

const FOUND: bool = true;
const CLEAN: bool = false;

const CASES: &[Case] = &[
    // aws_test.go has no machine-type case (kops asks EC2); typos and types of other clouds.
    ("SL170", FOUND, "aws", "", "Node", "machineType: t3.mediun"),
    ("SL170", FOUND, "aws", "", "Node", "mixedInstancesPolicy:\n  instances:\n  - m5.large\n  - m5.hugeish"),
    ("SL170", CLEAN, "aws", "", "Node", "mixedInstancesPolicy:\n  instances:\n  - m5.large\n  - m6g.xlarge,c5.large"),
    ("SL170", CLEAN, "gce", "", "Node", "machineType: e2-medium"),
    // TestValidInstanceGroup
    ("SL171", FOUND, "aws", "", "ControlPlane", "minSize: 2\nmaxSize: 2"),
    ("SL171", CLEAN, "aws", "", "ControlPlane", "minSize: 1\nmaxSize: 1"),
    ("SL171", CLEAN, "aws", "", "Node", "minSize: 2\nmaxSize: 2"),
    ("SL171", FOUND, "aws", "", "Master", "maxSize: 3"),
    // TestValidTaints
    ("SL173", CLEAN, "aws", "", "Node", "taints:\n- nvidia.com/gpu:NoSchedule"),
    ("SL173", FOUND, "aws", "", "Node", "taints:\n- key=a=b:NoSchedule"),
    ("SL174", CLEAN, "aws", "", "Node", "taints:\n- nvidia.com/gpu:NoSchedule\n- nvidia.com/gpu:NoExecute"),
    ("SL174", FOUND, "aws", "", "Node", "taints:\n- nvidia.com/gpu:NoSchedule\n- nvidia.com/gpu:NoSchedule"),
    // TestValidNodeLabels
    ("SL175", CLEAN, "aws", "", "Node", "nodeLabels:\n  foo: placeholder"),
    ("SL175", CLEAN, "aws", "", "Node", "nodeLabels:\n  subdomain.domain.tld/foo: placeholder"),
    ("SL175", FOUND, "aws", "", "Node", "nodeLabels:\n  subdomain.domain.tld/foo/bar: placeholder"),
    // TestValidateIGCloudLabels, TestIGCloudLabelIsIGName
    ("SL176", CLEAN, "aws", "", "Node", "cloudLabels:\n  k8s.io/cluster-autoscaler/test.example.com: placeholder"),
    ("SL176", FOUND, "aws", "", "Node", "cloudLabels:\n  KubernetesCluster: placeholder"),
    ("SL176", CLEAN, "aws", "", "Node", "cloudLabels:\n  MyBillingLabel: placeholder"),
    ("SL176", CLEAN, "aws", "", "Node", "cloudLabels:\n  subdomain.domain.tld/foo/bar: placeholder"),
    ("SL176", CLEAN, "aws", "", "Node", "cloudLabels:\n  kops.k8s.io/instancegroup: some-ig"),
    ("SL176", FOUND, "aws", "", "Node", "cloudLabels:\n  kops.k8s.io/instancegroup: not-some-ig"),
    ("SL176", FOUND, "aws", "", "Node", "cloudLabels:\n  kubernetes.io/cluster/c.example.com: owned"),
    // validateClusterCloudLabels: the cluster's own labels
    ("SL176", FOUND, "aws", "  cloudLabels:\n    Name: my-cluster\n", "Node", ""),
    ("SL176", CLEAN, "aws", "  cloudLabels:\n    team: payments\n", "Node", ""),
    // validateRollingUpdate
    ("SL177", FOUND, "aws", "", "ControlPlane", "minSize: 1\nmaxSize: 1\nrollingUpdate:\n  maxSurge: 1"),
    ("SL177", CLEAN, "aws", "", "ControlPlane", "minSize: 1\nmaxSize: 1\nrollingUpdate:\n  maxSurge: 0"),
    ("SL177", FOUND, "aws", "", "Node", "rollingUpdate:\n  maxUnavailable: \"50%\"\n  maxSurge: 0"),
    ("SL177", CLEAN, "aws", "", "Node", "rollingUpdate:\n  maxUnavailable: \"100%\"\n  maxSurge: 0"),
    ("SL177", FOUND, "aws", "", "Node", "rollingUpdate:\n  maxSurge: \"1\""),
    ("SL177", FOUND, "aws", "", "Node", "rollingUpdate:\n  maxUnavailable: -1"),
    // TestValidBootDevice
    ("SL178", CLEAN, "aws", "", "Node", "rootVolumeType: standard"),
    ("SL178", CLEAN, "aws", "", "Node", "rootVolumeType: io2"),
    ("SL178", FOUND, "aws", "", "Node", "rootVolumeType: st1"),
    ("SL178", FOUND, "aws", "", "Node", "rootVolumeType: sc1"),
    ("SL178", CLEAN, "gce", "", "Node", "rootVolumeType: pd-ssd"),
    ("SL178", FOUND, "aws", "", "Node", "rootVolumeIops: -1"),
    ("SL178", CLEAN, "aws", "", "Node", "rootVolumeIops: 0\nrootVolumeThroughput: 0"),
    // TestValidateInstanceProfile
    ("SL179", CLEAN, "aws", "", "Node", "iam:\n  profile: arn:aws:iam::123456789012:instance-profile/S3Access"),
    ("SL179", CLEAN, "aws", "", "Node", "iam:\n  profile: arn:aws-cn:iam::123456789012:instance-profile/has/path/S3Access"),
    ("SL179", FOUND, "aws", "", "Node", "iam:\n  profile: \"42\""),
    ("SL179", FOUND, "aws", "", "Node", "iam:\n  profile: arn:aws:iam::123456789012:group/division_abc/subdivision_xyz/product_A/Developers"),
    // validateExtraUserData
    ("SL180", CLEAN, "aws", "", "Node", "additionalUserData:\n- name: a.sh\n  type: text/x-shellscript\n  content: echo"),
    ("SL180", FOUND, "aws", "", "Node", "additionalUserData:\n- name: a.sh\n  content: echo"),
    // validateVolumeSpec, validateVolumeMountSpec
    ("SL181", FOUND, "aws", "", "Node", "volumes:\n- device: /dev/xvdd"),
    ("SL181", CLEAN, "aws", "", "Node", "volumes:\n- device: /dev/xvdd\n  size: 10"),
    // DeepValidate (legacy.go): extra volumes are AWS-only
    ("SL181", FOUND, "gce", "", "Node", "volumes:\n- device: /dev/sdb\n  size: 10"),
    ("SL182", FOUND, "aws", "", "Node", "volumeMounts:\n- device: /dev/xvdd\n  filesystem: btrfs\n  path: /data"),
    ("SL182", CLEAN, "aws", "", "Node", "volumeMounts:\n- device: /dev/xvdd\n  filesystem: btfs\n  path: /data"),
    // validateExternalLoadBalancer
    ("SL183", FOUND, "aws", "", "Node", "externalLoadBalancers:\n- targetGroupArn: not-an-arn"),
    ("SL183", FOUND, "aws", "", "Node", "externalLoadBalancers:\n- targetGroupArn: arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/a-target-group-name-longer-than-32/0123"),
    ("SL183", CLEAN, "aws", "", "Node", "externalLoadBalancers:\n- targetGroupArn: arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/tg/0123"),
    ("SL183", CLEAN, "aws", "", "Node", "externalLoadBalancers:\n- targetGroupArn: arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/tg-name-of-exactly-32-characters/0123"),
    ("SL183", CLEAN, "aws", "", "Node", "externalLoadBalancers:\n- loadBalancerName: a-classic-load-balancer-name-32c"),
    ("SL183", FOUND, "aws", "", "Node", "externalLoadBalancers:\n- loadBalancerName: a-classic-load-balancer-name-33ch"),
    // kops counts bytes: 17 `é` are 17 characters but 34 bytes
    ("SL183", FOUND, "aws", "", "Node", "externalLoadBalancers:\n- loadBalancerName: ééééééééééééééééé"),
    ("SL183", FOUND, "aws", "", "Node", "externalLoadBalancers:\n- targetGroupArn: arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/ééééééééééééééééé/0123"),
    // sysctlParameters
    ("SL184", FOUND, "aws", "", "Node", "sysctlParameters:\n- kernel.panic"),
    ("SL184", CLEAN, "aws", "", "Node", "sysctlParameters:\n- kernel.panic=10"),
    // warm pools: the cluster default reaches Node groups only
    ("SL185", FOUND, "aws", "  warmPool:\n    maxSize: 2\n", "Node", "maxPrice: \"0.1\""),
    ("SL185", CLEAN, "aws", "  warmPool:\n    maxSize: 2\n", "Bastion", "maxPrice: \"0.1\""),
    ("SL185", CLEAN, "gce", "", "Bastion", "warmPool:\n  maxSize: 2"),
    ("SL185", FOUND, "aws", "", "Bastion", "warmPool:\n  maxSize: 2"),
    ("SL185", FOUND, "aws", "", "Node", "warmPool:\n  minSize: -1"),
    // validateWarmPool: the cluster's default pool
    ("SL185", FOUND, "aws", "  warmPool:\n    minSize: 3\n    maxSize: 1\n", "Bastion", ""),
    ("SL185", CLEAN, "aws", "  warmPool:\n    maxSize: 0\n", "Node", ""),
    ("SL185", CLEAN, "aws", "  warmPool:\n    minSize: 1\n    maxSize: 2\n", "Node", ""),
    ("SL185", FOUND, "aws", "  warmPool:\n    minSize: -1\n", "Bastion", ""),
    ("SL185", FOUND, "aws", "  warmPool:\n    maxSize: 1\n    additionalImages: [ami-1]\n", "Bastion", ""),
    // TestCrossValidateKarpenterInstanceGroup
    ("SL186", CLEAN, "aws", "", "Node", "manager: Karpenter\nimage: ami-0123456789abcdef0"),
    ("SL186", CLEAN, "aws", "", "Node", "manager: Karpenter\nimage: kops-node-image"),
    ("SL186", FOUND, "gce", "", "Node", "manager: Karpenter\nimage: ami-0123456789abcdef0"),
    ("SL186", FOUND, "aws", "", "APIServer", "manager: Karpenter\nimage: ami-0123456789abcdef0"),
    ("SL186", FOUND, "aws", "", "Node", "manager: Karpenter\nimage: missing-name/"),
    // validateKarpenterAMISelectorImage: a URL is refused before the `ami-` prefix is read,
    // and after that prefix nothing else is.
    ("SL186", FOUND, "aws", "", "Node", "manager: Karpenter\nimage: ami-0123456789abcdef0://x"),
    ("SL186", CLEAN, "aws", "", "Node", "manager: Karpenter\nimage: ami-0123456789abcdef0/"),
    // TestValidateKarpenterStaticCapacity
    ("SL186", CLEAN, "aws", "", "Node", "manager: Karpenter\nimage: my-image\nminSize: 4"),
    ("SL186", FOUND, "aws", "  karpenter:\n    enabled: true\n    featureGates: \" \"\n", "Node", "manager: Karpenter\nimage: my-image\nminSize: 4"),
    ("SL186", FOUND, "aws", "", "Node", "manager: Karpenter\nimage: my-image\nmaxSize: 0"),
    // awsValidateMixedInstancesPolicy
    ("SL187", FOUND, "aws", "", "Node", "maxSize: 2\nmixedInstancesPolicy:\n  onDemandBase: 3"),
    ("SL187", FOUND, "aws", "", "Node", "mixedInstancesPolicy:\n  onDemandAboveBase: -1"),
    ("SL187", FOUND, "aws", "", "Node", "maxSize: 2\nmixedInstancesPolicy:\n  onDemandBase: -1"),
    ("SL187", CLEAN, "aws", "", "Node", "maxSize: 2\nmixedInstancesPolicy:\n  onDemandBase: 0"),
    ("SL187", CLEAN, "aws", "", "Node", "maxSize: 2\nmixedInstancesPolicy:\n  onDemandBase: 2"),
    ("SL187", CLEAN, "aws", "", "Node", "mixedInstancesPolicy:\n  spotAllocationStrategy: capacity-optimized"),
    // TestValidateInstanceMetadata (aws_test.go)
    ("SL188", FOUND, "aws", "", "Node", "instanceMetadata:\n  httpPutResponseHopLimit: 65"),
    ("SL188", FOUND, "aws", "", "Node", "instanceMetadata:\n  httpTokens: abc"),
    ("SL188", CLEAN, "aws", "", "Node", "instanceMetadata:\n  httpPutResponseHopLimit: 1\n  httpTokens: required"),
    // awsValidateMaximumInstanceLifetime
    ("SL189", FOUND, "aws", "", "Node", "maxInstanceLifetime: 23h59m59s"),
    ("SL189", CLEAN, "aws", "", "Node", "maxInstanceLifetime: 24h"),
    // TestAWSValidateAdditionalSecurityGroups (aws_test.go)
    ("SL190", CLEAN, "aws", "", "Node", "additionalSecurityGroups:\n- sg-1234"),
    ("SL190", FOUND, "aws", "", "Node", "additionalSecurityGroups:\n- sg-1234\n- sg-1234"),
    ("SL190", FOUND, "aws", "", "Node", "additionalSecurityGroups:\n- \"\""),
    ("SL190", FOUND, "aws", "", "Node", "additionalSecurityGroups:\n- abcd"),
    // TestCrossValidateAPIServerRole
    ("SL191", CLEAN, "aws", "", "APIServer", ""),
    ("SL191", CLEAN, "gce", "", "APIServer", ""),
    ("SL191", FOUND, "aws", "  topology:\n    dns:\n      type: None\n", "APIServer", ""),
    ("SL191", FOUND, "openstack", "", "APIServer", ""),
    // TestValidateInstanceGroupGVisorWorkerOnly
    ("SL192", CLEAN, "aws", "", "Node", "containerd:\n  gvisor:\n    enabled: true"),
    ("SL192", FOUND, "aws", "", "APIServer", "containerd:\n  gvisor:\n    enabled: true"),
    ("SL192", CLEAN, "aws", "", "APIServer", "containerd:\n  gvisor:\n    enabled: false"),
];

#[test]
fn kops_test_cases_are_found_and_accepted_like_kops() {
    let mut wrong = Vec::new();
    for (code, expect, cloud, extra, role, spec) in CASES {
        let findings = check(cloud, extra, role, spec);
        let hits: Vec<&Finding> = findings.iter().filter(|f| f.code == *code).collect();
        if hits.is_empty() == *expect {
            wrong.push(format!(
                "{code} on {cloud} ({role}) expected {}:\n{spec}\nall findings:\n{}",
                if *expect { "a finding" } else { "none" },
                show(&findings)
            ));
        }
        // The case speaks kops's stored keys: a rule that needs an unknown key (SL121) to
        // fire reads a field no real group has.
        if let Some(unknown) = findings.iter().find(|f| f.code == "SL121") {
            wrong.push(format!(
                "{code}: the case uses a key kops does not know: {}",
                unknown.message
            ));
        }
        for f in hits {
            let at_node = matches!(f.location, Location::File { .. }) && f.pointer.is_some();
            assert!(at_node, "{code}: finding without a node: {}", f.message);
            assert!(f.help.is_some(), "{code}: finding without help");
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn a_typo_in_a_machine_type_gets_a_suggestion_at_its_line() {
    let findings = check(
        "aws",
        "",
        "Node",
        "mixedInstancesPolicy:\n  instances:\n  - c5.xlarge\n  - r5.xlarg",
    );
    let f = findings
        .iter()
        .find(|f| f.code == "SL170")
        .unwrap_or_else(|| panic!("no SL170 in:\n{}", show(&findings)));
    assert_eq!(
        f.pointer.as_deref(),
        Some("/spec/mixedInstancesPolicy/instances/1")
    );
    assert!(
        f.message.contains("`some-ig`") && f.message.contains("`r5.xlarg`"),
        "{}",
        f.message
    );
    assert_eq!(f.help.as_deref(), Some("did you mean `r5.xlarge`?"));
    let Location::File { url, span, .. } = &f.location else {
        panic!("not a file location")
    };
    assert!(url.ends_with("/instancegroup/some-ig"), "{url}");
    // `spec:` is line 5; the second instance is the last line, 13.
    assert_eq!(span.line, 13, "{span:?}");
}

#[test]
fn a_healthy_cluster_has_no_instance_group_finding() {
    let findings = check("aws", "", "Node", "minSize: 2\nmaxSize: 4");
    let ours: Vec<&Finding> = findings
        .iter()
        .filter(|f| ("SL170".."SL200").contains(&f.code))
        .collect();
    assert!(ours.is_empty(), "{ours:?}");
}

/// kops's `validateWarmPool`, on the cluster's default pool and on a group's own, says what
/// is wrong with the sizes: a negative `maxSize` is reported as negative, not as below
/// `minSize`.
#[test]
fn a_negative_warm_pool_size_is_reported_as_negative() {
    // The cluster's default pool, then a group's own.
    for (cluster, group, said) in [
        (
            "  warmPool:\n    maxSize: -1\n",
            "",
            "negative default warm pool `maxSize: -1`",
        ),
        (
            "",
            "warmPool:\n  maxSize: -1",
            "negative warm pool `maxSize: -1`",
        ),
    ] {
        let findings = check("aws", cluster, "Node", group);
        let pool: Vec<&Finding> = findings.iter().filter(|f| f.code == "SL185").collect();
        assert_eq!(pool.len(), 1, "{}", show(&findings));
        assert_eq!(pool[0].pointer.as_deref(), Some("/spec/warmPool/maxSize"));
        assert!(pool[0].message.contains(said), "{}", pool[0].message);
    }
}
