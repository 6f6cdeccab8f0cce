//! Which cloud a v1alpha2 Cluster runs on, as kops's conversion decides it
//! (`pkg/apis/kops/v1alpha2/conversion.go`, `Convert_v1alpha2_ClusterSpec_To_kops_ClusterSpec`,
//! and `Cluster.GetCloudProvider` in `pkg/apis/kops/cluster.go`).

use crate::document::Document;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cloud {
    Aws,
    Azure,
    DigitalOcean,
    Gce,
    Hetzner,
    Linode,
    Metal,
    Openstack,
    Scaleway,
}

/// The values kops's v1alpha2 conversion accepts in `spec.cloudProvider`. `metal` is not
/// one of them: a bare-metal cluster is marked with the label in [`METAL_LABEL`].
pub const ACCEPTED: &[(&str, Cloud)] = &[
    ("aws", Cloud::Aws),
    ("azure", Cloud::Azure),
    ("digitalocean", Cloud::DigitalOcean),
    ("gce", Cloud::Gce),
    ("hetzner", Cloud::Hetzner),
    ("linode", Cloud::Linode),
    ("openstack", Cloud::Openstack),
    ("scaleway", Cloud::Scaleway),
];

/// `metadata.labels` key whose value `metal` makes a cluster bare-metal.
pub const METAL_LABEL: &str = "alpha.kops.k8s.io/cloud";

impl Cloud {
    /// The cloud of a Cluster document, `None` when it names none kops accepts.
    pub fn of(cluster: &Document) -> Option<Cloud> {
        let label = format!("/metadata/labels/{}", METAL_LABEL.replace('/', "~1"));
        if cluster.str_at(&label) == Some("metal") {
            return Some(Cloud::Metal);
        }
        let written = cluster.str_at("/spec/cloudProvider")?;
        ACCEPTED
            .iter()
            .find(|(name, _)| *name == written)
            .map(|(_, cloud)| *cloud)
    }

    /// The name users write (`aws`, `gce`, ...).
    pub fn name(self) -> &'static str {
        match self {
            Cloud::Metal => "metal",
            other => ACCEPTED
                .iter()
                .find(|(_, c)| *c == other)
                .map_or("?", |(n, _)| n),
        }
    }
}
