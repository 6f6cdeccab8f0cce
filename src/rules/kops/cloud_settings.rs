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

pub static CODES: &[&CodeInfo] = &[&MISSING_CLOUD, &OTHER_CLOUD];

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
    Check {
        info: &MISSING_CLOUD,
        target: Target::Cluster,
        pointer: "/spec/cloudProvider",
        shape: Shape::Required,
        when: When::Not(&When::Cloud(&[Cloud::Metal])),
        since: None,
        kops: KopsRef {
            file: VALIDATION,
            function: "validateCloudProvider",
        },
        reason: "kops needs exactly one cloud provider",
        help: "add `cloudProvider:` with one of `aws`, `azure`, `digitalocean`, `gce`, `hetzner`, `linode`, `openstack`, `scaleway`",
    },
    Check {
        info: &OTHER_CLOUD,
        target: Target::Cluster,
        pointer: "/spec/subnets/*/ipv6CIDR",
        shape: Shape::Forbidden,
        when: When::NotCloud(AWS),
        since: None,
        kops: KopsRef {
            file: VALIDATION,
            function: "validateSubnets",
        },
        reason: "kops accepts `ipv6CIDR` only on AWS",
        help: "remove `ipv6CIDR` from the subnet",
    },
    Check {
        info: &OTHER_CLOUD,
        target: Target::Cluster,
        pointer: "/spec/subnets/*/zone",
        shape: Shape::Forbidden,
        when: When::Cloud(GCE),
        since: None,
        kops: KopsRef {
            file: "pkg/apis/kops/validation/gce.go",
            function: "gceValidateCluster",
        },
        reason: "GCE subnets are regional, so kops refuses a zone on them",
        help: "remove `zone` from the subnet and give its `region` instead",
    },
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
