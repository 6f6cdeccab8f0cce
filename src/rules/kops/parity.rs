//! The parity ledger: every function of kops's `pkg/apis/kops/validation/*.go` at
//! [`KOPS_COMMIT`], and which statelint codes cover it. `docs/kops-parity.md` is rendered
//! from this table ([`markdown`]) and `tests/kops_validation.rs` fails when the file is
//! stale, a listed code does not exist, or the function list differs from
//! `docs/kops-validation-functions.txt` (regenerated from a kops checkout by
//! `scripts/kops-functions.sh`).

use super::version::KOPS_COMMIT;

/// How far statelint covers one kops function.
#[derive(Debug, Clone, Copy)]
pub enum Coverage {
    /// Every check the function makes offline.
    Covered(&'static [&'static str]),
    /// Every check kops makes on a stored spec; the text says which checks of the function
    /// never see a stored spec, and why.
    CoveredNote(&'static [&'static str], &'static str),
    /// Some of its checks; the text says what is not covered yet.
    Partly(&'static [&'static str], &'static str),
    /// Makes no check of its own (a parser or a dispatcher); the text says where its
    /// checks are.
    Helper(&'static str),
    /// Instance-group checks, the other half of issue 13.
    PendingInstanceGroups,
    /// Component settings: issue 14.
    PendingIssue14,
    /// Needs a live cloud API.
    NeedsCloudApi(&'static str),
}

/// One kops validation function.
#[derive(Debug, Clone, Copy)]
pub struct Entry {
    /// File name under `pkg/apis/kops/validation/`.
    pub file: &'static str,
    pub function: &'static str,
    pub coverage: Coverage,
}

const fn e(file: &'static str, function: &'static str, coverage: Coverage) -> Entry {
    Entry {
        file,
        function,
        coverage,
    }
}

use Coverage::{Covered, CoveredNote, Helper, Partly};

/// Why the strict-mode checks of `ValidateInstanceGroup` never fail on a stored group.
const IG_STRICT: &str = "its strict-mode checks (`image` set, `minSize`/`maxSize` set on cloud groups) never fail on a stored group: kops reads stored groups without them (`ValidateInstanceGroup(g, nil, false)` in `pkg/client/simple/vfsclientset/instancegroup.go`, whose strict calls discard the result) and makes them only after `PopulateInstanceGroupSpec` (`upup/pkg/fi/cloudup/populate_instancegroup_spec.go`) has filled in the image and sizes";

/// Why a subnet without `cidr` is not refused in a stored cluster.
const SUBNET_CIDR: &str = "a subnet without `cidr` is not refused in a stored cluster: kops requires it only in strict mode, which runs on the completed spec after `assignCIDRsToSubnets` (`upup/pkg/fi/cloudup/subnets.go`, called from `defaults.go`) has carved it out of `networkCIDR` (or read it from the shared subnet)";

pub static LEDGER: &[Entry] = &[
    e("additionalobjects.go", "ValidateAdditionalObject", Covered(&["SL152"])),
    e("additionalobjects.go", "validateAdditionalObjectKubescheduler", Covered(&["SL152"])),
    e("aws.go", "awsValidateCluster", Covered(&["SL144", "SL146"])),
    e("aws.go", "awsValidateS3FileRepositoryPartition", Covered(&["SL650"])),
    e("aws.go", "awsValidateEBSCSIDriver", Covered(&["SL650"])),
    e("aws.go", "awsValidateNLBSecurityGroupMode", Covered(&["SL650"])),
    e("aws.go", "awsValidateUseIPBasedNodeNames", Covered(&["SL650"])),
    e("aws.go", "awsValidateInstanceGroup", Helper("dispatches to the AWS instance-group checks: SL170, SL187, SL188, SL189, SL190, SL197, SL199")),
    e("aws.go", "awsValidateMaximumInstanceLifetime", Covered(&["SL189"])),
    e("aws.go", "awsValidateInstanceMetadata", Covered(&["SL188"])),
    e("aws.go", "awsValidateAdditionalSecurityGroups", Covered(&["SL148", "SL190"])),
    e("aws.go", "awsValidateSecurityGroupOverride", Covered(&["SL148"])),
    e("aws.go", "awsValidateInstanceTypeAndImage", Partly(&["SL170"], "the image and whether its architecture fits the machine type, which need EC2 (`DescribeImages`, `DescribeInstanceTypes`): a live cloud API")),
    e("aws.go", "awsValidateSpotDurationInMinute", Covered(&["SL197"])),
    e("aws.go", "awsValidateInstanceInterruptionBehavior", Covered(&["SL197"])),
    e("aws.go", "awsValidateMixedInstancesPolicy", Partly(&["SL170", "SL187"], "GPU and non-GPU types mixed in one group, which needs EC2's description of each type: a live cloud API")),
    e("aws.go", "awsValidateTopologyDNS", Covered(&["SL144"])),
    e("aws.go", "awsValidateSSLPolicy", Covered(&["SL146"])),
    e("aws.go", "awsValidateLoadBalancerSubnets", Covered(&["SL147"])),
    e("aws.go", "awsValidateCPUCredits", Covered(&["SL199"])),
    e("aws.go", "awsValidateIAMAuthenticator", Covered(&["SL651"])),
    e("aws.go", "awsValidateAdditionalRoutes", Covered(&["SL138", "SL139"])),
    e("cluster.go", "ValidateClusterUpdate", CoveredNote(&["SL153", "SL176"], "it compares a manifest with the stored cluster: `statelint check FILE --state URL`; the rest of it is `ValidateCluster`")),
    e("cluster.go", "validateEtcdClusterUpdate", CoveredNote(&["SL153"], "which etcd clusters exist comes from the cloud (`FindClusterStatus`, a live cloud API); offline, a store folder with `kops-version.txt` counts as applied; a rename shows as a removal, since kops matches etcd clusters by name")),
    e("cluster.go", "validateEtcdMemberUpdate", CoveredNote(&["SL153"], "its name test never fires, since kops matches members by name")),
    e("cluster.go", "validateClusterCloudLabels", Covered(&["SL176"])),
    e("cluster.go", "validateCloudLabels", Covered(&["SL176"])),
    e("gce.go", "gceValidateCluster", Covered(&["SL124"])),
    e("gce.go", "gceValidateInstanceGroup", Covered(&["SL198"])),
    e("helpers.go", "isValidAPIServersURL", Helper("the `master` URL test of SL615")),
    e("helpers.go", "IsValidValue", Helper("allowed-value checks: SL122 (schema enums) and the engine's OneOf rows")),
    e("instancegroup.go", "ValidateInstanceGroupName", Helper("kops applies it only in kops-controller, to the group name a booting node sends, not to stored groups; SL111 checks a stored group's name against its file")),
    e("instancegroup.go", "ValidateInstanceGroup", CoveredNote(&["SL114", "SL122", "SL128", "SL171", "SL172", "SL173", "SL174", "SL175", "SL176", "SL177", "SL178", "SL179", "SL180", "SL181", "SL182", "SL184", "SL192", "SL193", "SL194", "SL195", "SL196"], IG_STRICT)),
    e("instancegroup.go", "validateVolumeSpec", Covered(&["SL181"])),
    e("instancegroup.go", "validateVolumeMountSpec", Covered(&["SL182"])),
    e("instancegroup.go", "CrossValidateInstanceGroup", Covered(&["SL105", "SL112", "SL178", "SL185", "SL186", "SL191", "SL632", "SL633"])),
    e("instancegroup.go", "validateKarpenterInstanceGroup", Covered(&["SL186"])),
    e("instancegroup.go", "validateKarpenterStaticCapacity", Covered(&["SL186"])),
    e("instancegroup.go", "karpenterStaticCapacityEnabled", Helper("reads the feature gates for SL186")),
    e("instancegroup.go", "validateKarpenterAMISelectorImage", Covered(&["SL186"])),
    e("instancegroup.go", "ValidateControlPlaneInstanceGroup", Covered(&["SL112"])),
    e("instancegroup.go", "validateExtraUserData", Covered(&["SL180"])),
    e("instancegroup.go", "validateInstanceProfile", Covered(&["SL179"])),
    e("instancegroup.go", "validateNodeLabels", Covered(&["SL175"])),
    e("instancegroup.go", "validateIGCloudLabels", Covered(&["SL176"])),
    e("instancegroup.go", "validateExternalLoadBalancer", Covered(&["SL183"])),
    e("legacy.go", "ValidateCluster", Covered(&["SL109", "SL134", "SL617", "SL620", "SL621", "SL622"])),
    e("legacy.go", "validateServiceAccountIssuerDiscovery", Covered(&["SL644"])),
    e("legacy.go", "DeepValidate", CoveredNote(&["SL013", "SL113", "SL181"], "the rest of it runs `ValidateCluster` and `CrossValidateInstanceGroup` on every group, whose rows are their own")),
    e("legacy.go", "isExperimentalClusterDNS", Helper("the kubelet `clusterDNS` test of SL621")),
    e("linode.go", "linodeValidateCluster", Covered(&["SL141"])),
    e("validation.go", "newValidateCluster", Covered(&["SL141"])),
    e("validation.go", "validateClusterSpec", Covered(&["SL124", "SL129", "SL139", "SL142", "SL145", "SL626", "SL627", "SL632", "SL634", "SL635", "SL640", "SL645"])),
    e("validation.go", "validateCloudProvider", Covered(&["SL123"])),
    e("validation.go", "validateAWS", Helper("dispatches to the AWS add-on checks: SL607, SL628 and validateWarmPool")),
    e("validation.go", "validateSAExternalPermissions", Covered(&["SL641"])),
    e("validation.go", "validateCIDR", Covered(&["SL115", "SL139"])),
    e("validation.go", "parseCIDR", Helper("CIDR parsing for SL115 and SL139")),
    e("validation.go", "validateIPv6CIDR", Covered(&["SL133", "SL139"])),
    e("validation.go", "validateTopology", Covered(&["SL122", "SL143"])),
    e("validation.go", "usesLegacyGossip", Helper("the gossip test of SL142 and SL143")),
    e("validation.go", "validateCloudDNSTopology", Covered(&["SL142", "SL143"])),
    e("validation.go", "validateSubnets", Covered(&["SL124", "SL125", "SL126", "SL127", "SL149"])),
    e("validation.go", "validateSubnet", CoveredNote(&["SL103", "SL122", "SL125", "SL133", "SL136", "SL137", "SL138"], SUBNET_CIDR)),
    e("validation.go", "validateFileAssetSpec", Covered(&["SL194"])),
    e("validation.go", "validateFileRepository", Covered(&["SL634"])),
    e("validation.go", "validateHookSpec", Covered(&["SL630"])),
    e("validation.go", "validateExecContainerAction", Covered(&["SL630"])),
    e("validation.go", "validateKubeAPIServer", Covered(&["SL610", "SL611", "SL612", "SL613"])),
    e("validation.go", "validateKubeControllerManager", Covered(&["SL614"])),
    e("validation.go", "validateKubeScheduler", Covered(&["SL614"])),
    e("validation.go", "validateKubeProxy", Covered(&["SL615"])),
    e("validation.go", "validateKubelet", Covered(&["SL614", "SL616"])),
    e("validation.go", "validateNetworking", Covered(&["SL115", "SL133", "SL134", "SL135", "SL600", "SL601", "SL602", "SL603", "SL604"])),
    e("validation.go", "validateNetworkingFlannel", Covered(&["SL603", "SL608"])),
    e("validation.go", "validateNetworkingCilium", CoveredNote(&["SL129", "SL602", "SL603", "SL604", "SL606", "SL607"], "its `enableL7Proxy` with `installIptablesRules: false` cannot occur in a stored spec: v1alpha2 has no `installIptablesRules`")),
    e("validation.go", "validateNetworkingGCP", Covered(&["SL602", "SL603"])),
    e("validation.go", "validateNetworkingKindnet", Covered(&["SL608"])),
    e("validation.go", "validateAdditionalPolicy", Covered(&["SL300", "SL642"])),
    e("validation.go", "validateExternalPolicies", Covered(&["SL642", "SL643"])),
    e("validation.go", "validateEtcdClusterSpec", Covered(&["SL107", "SL116", "SL130", "SL131"])),
    e("validation.go", "validateEtcdBackupStore", Covered(&["SL116"])),
    e("validation.go", "azureBlobAccount", Helper("the storage-account parser of SL636")),
    e("validation.go", "validateAzureBlobAccountUniformity", Covered(&["SL636"])),
    e("validation.go", "validateEtcdStorage", Covered(&["SL131"])),
    e("validation.go", "validateEtcdVersion", Covered(&["SL131"])),
    e("validation.go", "validateEtcdMemberSpec", Covered(&["SL108", "SL132"])),
    e("validation.go", "validateNetworkingCalico", Covered(&["SL603", "SL604", "SL605"])),
    e("validation.go", "validateCalicoAutoDetectionMethod", Covered(&["SL605"])),
    e("validation.go", "validateCalicoEncapsulationMode", Covered(&["SL605"])),
    e("validation.go", "validateContainerRuntime", Covered(&["SL632"])),
    e("validation.go", "validateContainerdConfig", Covered(&["SL632", "SL633"])),
    e("validation.go", "validateNriConfig", Covered(&["SL633"])),
    e("validation.go", "validateNvidiaConfig", Covered(&["SL632"])),
    e("validation.go", "validateGVisorConfig", Covered(&["SL632"])),
    e("validation.go", "validateRollingUpdate", Covered(&["SL177"])),
    e("validation.go", "validateNodeLocalDNS", Covered(&["SL620", "SL621"])),
    e("validation.go", "validateClusterAutoscaler", Covered(&["SL625"])),
    e("validation.go", "validateExternalDNS", Covered(&["SL623"])),
    e("validation.go", "validateMetricsServer", Covered(&["SL607"])),
    e("validation.go", "validateNodeTerminationHandler", Covered(&["SL628"])),
    e("validation.go", "validateAWSLoadBalancerController", Covered(&["SL607"])),
    e("validation.go", "validateCloudConfiguration", Covered(&["SL150"])),
    e("validation.go", "validateWarmPool", Covered(&["SL185"])),
    e("validation.go", "validateSnapshotController", Covered(&["SL607"])),
    e("validation.go", "validatePodIdentityWebhook", Covered(&["SL607"])),
    e("validation.go", "validateCertManager", Covered(&["SL624"])),
];

impl Coverage {
    /// The codes this entry names.
    pub fn codes(&self) -> &'static [&'static str] {
        match self {
            Covered(c) | CoveredNote(c, _) | Partly(c, _) => c,
            _ => &[],
        }
    }

    fn describe(&self) -> String {
        let codes = |c: &[&str]| {
            c.iter()
                .map(|code| format!("[{code}](codes/{code}.md)"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        match self {
            Covered(c) => format!("covered | {}", codes(c)),
            CoveredNote(c, note) => format!("covered | {}; {note}", codes(c)),
            Partly(c, rest) => format!("partly | {}; not yet: {rest}", codes(c)),
            Helper(where_) => format!("no check of its own | {where_}"),
            Coverage::PendingInstanceGroups => "pending (instance-group side of issue 13) |".into(),
            Coverage::PendingIssue14 => "pending (issue 14) |".into(),
            Coverage::NeedsCloudApi(why) => format!("needs a live cloud API | {why}"),
        }
    }
}

/// `docs/kops-parity.md`.
pub fn markdown() -> String {
    let mut out = String::new();
    out.push_str("# Parity with kops's validation\n\n");
    out.push_str(&format!(
        "Every function of `pkg/apis/kops/validation/*.go` at kops commit `{KOPS_COMMIT}`, and the statelint codes that cover it. Generated from `src/rules/kops/parity.rs` (`STATELINT_BLESS=1 cargo test --test kops_validation parity` rewrites it); `tests/kops_validation.rs` fails when it is stale or names a code that does not exist.\n\n"
    ));
    let count = |f: fn(&Coverage) -> bool| LEDGER.iter().filter(|e| f(&e.coverage)).count();
    out.push_str(&format!(
        "{} functions: {} covered, {} partly, {} without checks of their own, {} pending on the instance-group side, {} pending issue 14.\n\n",
        LEDGER.len(),
        count(|c| matches!(c, Covered(_) | CoveredNote(..))),
        count(|c| matches!(c, Partly(..))),
        count(|c| matches!(c, Helper(_))),
        count(|c| matches!(c, Coverage::PendingInstanceGroups)),
        count(|c| matches!(c, Coverage::PendingIssue14)),
    ));
    out.push_str("| file | function | status | codes / notes |\n|---|---|---|---|\n");
    for entry in LEDGER {
        out.push_str(&format!(
            "| `{}` | `{}` | {} |\n",
            entry.file,
            entry.function,
            entry.coverage.describe()
        ));
    }
    out
}
