//! Instance-group checks of kops's that share a shape: allowed values of `tenancy`,
//! `updatePolicy`, the spot settings, `cpuCredits` and GCE's provisioning model, and the fields a
//! file asset needs. The checks with
//! real logic are one rule per file in `src/rules/instancegroup/`.

use super::cloud::Cloud;
use super::engine::{Check, KopsRef, Shape, Target, When};
use crate::findings::{code, CodeInfo};

code!(
    FILE_ASSET,
    "SL194",
    "file-asset",
    Error,
    "a file asset has no `name` or no `content`"
);
code!(
    TENANCY,
    "SL195",
    "ig-tenancy",
    Error,
    "an instance group's `tenancy` is not an EC2 tenancy"
);
code!(
    UPDATE_POLICY,
    "SL196",
    "ig-update-policy",
    Error,
    "an instance group's `updatePolicy` is neither `automatic` nor `external`"
);
code!(
    SPOT_SETTINGS,
    "SL197",
    "spot-settings",
    Error,
    "an instance group's `spotDurationInMinutes` or `instanceInterruptionBehavior` is a value EC2 does not offer"
);

code!(
    GCE_GROUP,
    "SL198",
    "gce-instance-group",
    Error,
    "an instance group on GCE has no `zones`, or a `gcpProvisioningModel` other than `STANDARD` or `SPOT`"
);
code!(
    CPU_CREDITS,
    "SL199",
    "cpu-credits",
    Error,
    "an instance group's `cpuCredits` is neither `standard` nor `unlimited`"
);

pub static CODES: &[&CodeInfo] = &[
    &FILE_ASSET,
    &TENANCY,
    &UPDATE_POLICY,
    &SPOT_SETTINGS,
    &GCE_GROUP,
    &CPU_CREDITS,
];

const fn instancegroup(function: &'static str) -> KopsRef {
    KopsRef {
        file: "pkg/apis/kops/validation/instancegroup.go",
        function,
    }
}

const fn gce(function: &'static str) -> KopsRef {
    KopsRef {
        file: "pkg/apis/kops/validation/gce.go",
        function,
    }
}

const fn aws(function: &'static str) -> KopsRef {
    KopsRef {
        file: "pkg/apis/kops/validation/aws.go",
        function,
    }
}

const fn file_asset(target: Target, pointer: &'static str, help: &'static str) -> Check {
    Check {
        info: &FILE_ASSET,
        target,
        pointer,
        shape: Shape::Required,
        when: When::Always,
        since: None,
        kops: KopsRef {
            file: "pkg/apis/kops/validation/validation.go",
            function: "validateFileAssetSpec",
        },
        reason: "kops writes each file asset to the nodes by name",
        help,
    }
}

const ASSET_NAME: &str = "give the file asset a `name` (it names the file when `path` is not set)";
const ASSET_CONTENT: &str =
    "give the file asset its `content` (use `isBase64: true` for binary data)";

/// The values of `ec2types.Tenancy` in the EC2 SDK kops vendors.
pub const TENANCIES: &[&str] = &["default", "dedicated", "host"];
/// `awsValidateSpotDurationInMinute`'s list.
pub const SPOT_DURATIONS: &[&str] = &["60", "120", "180", "240", "300", "360"];
/// The values of `ec2types.InstanceInterruptionBehavior`.
pub const INTERRUPTION_BEHAVIORS: &[&str] = &["hibernate", "stop", "terminate"];

pub static CHECKS: &[Check] = &[
    file_asset(Target::InstanceGroup, "/spec/fileAssets/*/name", ASSET_NAME),
    file_asset(
        Target::InstanceGroup,
        "/spec/fileAssets/*/content",
        ASSET_CONTENT,
    ),
    file_asset(Target::Cluster, "/spec/fileAssets/*/name", ASSET_NAME),
    file_asset(Target::Cluster, "/spec/fileAssets/*/content", ASSET_CONTENT),
    Check {
        info: &TENANCY,
        target: Target::InstanceGroup,
        pointer: "/spec/tenancy",
        shape: Shape::OneOf(TENANCIES),
        when: When::Always,
        since: None,
        kops: instancegroup("ValidateInstanceGroup"),
        reason: "",
        help: "use `default` (shared hardware), `dedicated` or `host`",
    },
    Check {
        info: &UPDATE_POLICY,
        target: Target::InstanceGroup,
        pointer: "/spec/updatePolicy",
        shape: Shape::OneOf(&["automatic", "external"]),
        when: When::Always,
        since: None,
        kops: instancegroup("ValidateInstanceGroup"),
        reason: "",
        help: "use `automatic` (nodes apply security updates) or `external` (you manage updates)",
    },
    Check {
        info: &SPOT_SETTINGS,
        target: Target::InstanceGroup,
        pointer: "/spec/spotDurationInMinutes",
        shape: Shape::OneOf(SPOT_DURATIONS),
        when: When::Cloud(&[Cloud::Aws]),
        since: None,
        kops: aws("awsValidateSpotDurationInMinute"),
        reason: "",
        help: "use a whole number of hours from 60 to 360 minutes",
    },
    Check {
        info: &SPOT_SETTINGS,
        target: Target::InstanceGroup,
        pointer: "/spec/instanceInterruptionBehavior",
        shape: Shape::OneOf(INTERRUPTION_BEHAVIORS),
        when: When::Cloud(&[Cloud::Aws]),
        since: None,
        kops: aws("awsValidateInstanceInterruptionBehavior"),
        reason: "",
        help: "use `terminate` (EC2's default), `stop` or `hibernate`",
    },
    Check {
        info: &CPU_CREDITS,
        target: Target::InstanceGroup,
        pointer: "/spec/cpuCredits",
        shape: Shape::OneOf(&["standard", "unlimited"]),
        when: When::Cloud(&[Cloud::Aws]),
        since: None,
        kops: aws("awsValidateCPUCredits"),
        reason: "",
        help: "use `standard` or `unlimited` (burstable instance types only)",
    },
    Check {
        info: &GCE_GROUP,
        target: Target::InstanceGroup,
        pointer: "/spec/gcpProvisioningModel",
        shape: Shape::OneOf(&["STANDARD", "SPOT"]),
        when: When::Cloud(&[Cloud::Gce]),
        since: None,
        kops: gce("gceValidateInstanceGroup"),
        reason: "",
        help: "use `STANDARD` or `SPOT` (upper case)",
    },
    Check {
        info: &GCE_GROUP,
        target: Target::InstanceGroup,
        pointer: "/spec/zones",
        shape: Shape::Required,
        when: When::Cloud(&[Cloud::Gce]),
        since: None,
        kops: gce("gceValidateInstanceGroup"),
        reason: "kops creates a GCE group's instances in the zones it lists (kops makes this check when `kops update cluster` runs against GCE)",
        help: "list the group's zones, e.g. `zones: [us-central1-a]`",
    },
];
