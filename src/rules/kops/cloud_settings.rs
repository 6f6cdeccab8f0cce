//! The cloud provider, and settings kops accepts on one cloud only.

use super::cloud::Cloud;
use super::engine::{Check, KopsRef, Shape, Target, When};
use crate::findings::{code, CodeInfo};

code!(
    MISSING_CLOUD,
    "SL123",
    "cloud-provider-missing",
    Error,
    "the Cluster names no cloud provider"
);
code!(
    OTHER_CLOUD,
    "SL124",
    "setting-for-other-cloud",
    Error,
    "a setting kops accepts on one cloud only is used on another"
);

code!(
    CLOUD_CONFIG_CONFLICT,
    "SL150",
    "cloud-config-conflict",
    Error,
    "two `cloudConfig` settings that must agree disagree"
);

pub static CODES: &[&CodeInfo] = &[&MISSING_CLOUD, &OTHER_CLOUD, &CLOUD_CONFIG_CONFLICT];

const VALIDATION: &str = "pkg/apis/kops/validation/validation.go";
const CONVERSION: &str = "pkg/apis/kops/v1alpha2/conversion.go";
const CONVERT: &str = "Convert_v1alpha2_ClusterSpec_To_kops_ClusterSpec";
const AWS: &[Cloud] = &[Cloud::Aws];
const GCE: &[Cloud] = &[Cloud::Gce];

/// A row forbidding `pointer` on every cloud but `only`.
const fn only_on(
    pointer: &'static str,
    only: &'static [Cloud],
    kops: KopsRef,
    reason: &'static str,
    help: &'static str,
) -> Check {
    Check {
        info: &OTHER_CLOUD,
        target: Target::Cluster,
        pointer,
        shape: Shape::Forbidden,
        when: When::NotCloud(only),
        since: None,
        kops,
        reason,
        help,
    }
}

const fn conversion(pointer: &'static str, only: &'static [Cloud], reason: &'static str) -> Check {
    only_on(
        pointer,
        only,
        KopsRef {
            file: CONVERSION,
            function: CONVERT,
        },
        reason,
        "remove the setting, or correct `spec.cloudProvider` if the cluster is on that cloud",
    )
}

const SPEC: KopsRef = KopsRef {
    file: VALIDATION,
    function: "validateClusterSpec",
};

const fn lb_aws_only(pointer: &'static str) -> Check {
    only_on(
        pointer,
        AWS,
        SPEC,
        "kops accepts it only on AWS",
        "remove the setting: this cloud's API load balancer does not have it",
    )
}

const fn prefix_list(pointer: &'static str) -> Check {
    Check {
        info: &OTHER_CLOUD,
        target: Target::Cluster,
        pointer,
        shape: Shape::Forbidden,
        when: When::All(&[When::NotCloud(AWS), When::ValueStartsWith("pl-")]),
        since: None,
        kops: SPEC,
        reason: "a prefix list id (`pl-...`) works only on AWS",
        help: "list the CIDRs the prefix list stands for instead",
    }
}

pub static CHECKS: &[Check] = &[
    Check::cluster(
        &MISSING_CLOUD,
        "/spec/cloudProvider",
        Shape::Required,
        When::Not(&When::Cloud(&[Cloud::Metal])),
        KopsRef { file: VALIDATION, function: "validateCloudProvider", },
        "kops needs exactly one cloud provider",
        "add `cloudProvider:` with one of `aws`, `azure`, `digitalocean`, `gce`, `hetzner`, `linode`, `openstack`, `scaleway`",
    ),
    Check::cluster(
        &OTHER_CLOUD,
        "/spec/subnets/*/ipv6CIDR",
        Shape::Forbidden,
        When::NotCloud(AWS),
        KopsRef { file: VALIDATION, function: "validateSubnets", },
        "kops accepts `ipv6CIDR` only on AWS",
        "remove `ipv6CIDR` from the subnet",
    ),
    Check::cluster(
        &OTHER_CLOUD,
        "/spec/subnets/*/zone",
        Shape::Forbidden,
        When::Cloud(GCE),
        KopsRef { file: "pkg/apis/kops/validation/gce.go", function: "gceValidateCluster", },
        "GCE subnets are regional, so kops refuses a zone on them",
        "remove `zone` from the subnet and give its `region` instead",
    ),
    Check::cluster(
        &CLOUD_CONFIG_CONFLICT,
        "/spec/cloudConfig/manageStorageClasses",
        Shape::EqualTo("/spec/cloudConfig/openstack/blockStorage/createStorageClass"),
        When::Cloud(&[Cloud::Openstack]),
        KopsRef {
            file: VALIDATION,
            function: "validateCloudConfiguration",
        },
        "both decide whether kops manages storage classes",
        "set both to the same value, or remove `openstack.blockStorage.createStorageClass`",
    ),
    lb_aws_only("/spec/api/loadBalancer/class"),
    lb_aws_only("/spec/api/loadBalancer/securityGroupOverride"),
    lb_aws_only("/spec/api/loadBalancer/additionalSecurityGroups"),
    lb_aws_only("/spec/api/loadBalancer/sslCertificate"),
    lb_aws_only("/spec/api/loadBalancer/sslPolicy"),
    lb_aws_only("/spec/api/loadBalancer/crossZoneLoadBalancing"),
    lb_aws_only("/spec/api/loadBalancer/accessLog"),
    prefix_list("/spec/sshAccess/*"),
    prefix_list("/spec/kubernetesApiAccess/*"),
    prefix_list("/spec/nodePortAccess/*"),
    conversion("/spec/cloudConfig/awsEBSCSIDriver", AWS, "the EBS CSI driver exists only on AWS"),
    conversion("/spec/cloudConfig/gceServiceAccount", GCE, "kops accepts it only on GCE"),
    conversion("/spec/cloudConfig/gceUseStartupScript", GCE, "kops accepts it only on GCE"),
    conversion("/spec/cloudConfig/disableSecurityGroupIngress", AWS, "kops accepts it only on AWS"),
    conversion("/spec/cloudConfig/elbSecurityGroup", AWS, "kops accepts it only on AWS"),
    conversion("/spec/cloudConfig/useIPBasedNodeNames", AWS, "kops accepts it only on AWS"),
    conversion("/spec/cloudConfig/nlbSecurityGroupMode", AWS, "kops accepts it only on AWS"),
    conversion("/spec/cloudConfig/gcpPDCSIDriver", GCE, "the PD CSI driver exists only on GCE"),
    conversion("/spec/cloudConfig/multizone", GCE, "kops accepts it only on GCE"),
    conversion("/spec/cloudConfig/nodeIPFamilies", AWS, "kops accepts it only on AWS"),
    conversion("/spec/cloudConfig/nodeTags", GCE, "kops accepts it only on GCE"),
    conversion("/spec/cloudConfig/nodeInstancePrefix", GCE, "kops accepts it only on GCE"),
    conversion("/spec/cloudConfig/spotinstOrientation", AWS, "Spotinst runs only on AWS"),
    conversion("/spec/cloudConfig/spotinstProduct", AWS, "Spotinst runs only on AWS"),
    conversion("/spec/nodeTerminationHandler", AWS, "the node termination handler runs only on AWS"),
    conversion("/spec/awsLoadBalancerController", AWS, "the AWS Load Balancer Controller runs only on AWS"),
    conversion("/spec/warmPool", AWS, "warm pools exist only on AWS"),
    conversion("/spec/podIdentityWebhook", AWS, "the pod identity webhook runs only on AWS"),
];
