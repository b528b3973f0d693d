//! `restrictedVolumes` — restricted — revision v1.0 (overrides `hostPathVolumes`) — spec
//! `pod-security.md` §2.16.
//!
//! Only `configMap`, `csi`, `downwardAPI`, `emptyDir`, `ephemeral`, `image`,
//! `persistentVolumeClaim`, `projected` and `secret` volumes are allowed.
//!
//! A volume with no source at all is treated as `emptyDir`, the API server's defaulting before
//! admission (§2.16, §5 item 1). Upstream's `unknown` type name is therefore unreachable here:
//! with the typed Kubernetes 1.37 model every other volume has one of the named sources.

use k8s_openapi::api::core::v1::{PodSpec, Volume};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::{Check, Forbidden, Revision};
use crate::admit::pod_security::Level;
use crate::admit::pod_security::helpers::{join_quote, pluralize, sorted_set};

pub(crate) static CHECK: Check = Check {
    id: "restrictedVolumes",
    level: Level::Restricted,
    revisions: &[Revision { min_minor: 0, check: v1_0, overrides: &["hostPathVolumes"] }],
};

fn has_allowed_source(v: &Volume) -> bool {
    v.config_map.is_some()
        || v.csi.is_some()
        || v.downward_api.is_some()
        || v.empty_dir.is_some()
        || v.ephemeral.is_some()
        || v.image.is_some()
        || v.persistent_volume_claim.is_some()
        || v.projected.is_some()
        || v.secret.is_some()
}

/// The reported type of the first restricted source present, in upstream's order; `None` for a
/// volume without any source.
fn restricted_source(v: &Volume) -> Option<&'static str> {
    let sources: [(bool, &'static str); 21] = [
        (v.host_path.is_some(), "hostPath"),
        (v.gce_persistent_disk.is_some(), "gcePersistentDisk"),
        (v.aws_elastic_block_store.is_some(), "awsElasticBlockStore"),
        (v.git_repo.is_some(), "gitRepo"),
        (v.nfs.is_some(), "nfs"),
        (v.iscsi.is_some(), "iscsi"),
        (v.glusterfs.is_some(), "glusterfs"),
        (v.rbd.is_some(), "rbd"),
        (v.flex_volume.is_some(), "flexVolume"),
        (v.cinder.is_some(), "cinder"),
        (v.cephfs.is_some(), "cephfs"),
        (v.flocker.is_some(), "flocker"),
        (v.fc.is_some(), "fc"),
        (v.azure_file.is_some(), "azureFile"),
        (v.vsphere_volume.is_some(), "vsphereVolume"),
        (v.quobyte.is_some(), "quobyte"),
        (v.azure_disk.is_some(), "azureDisk"),
        (v.photon_persistent_disk.is_some(), "photonPersistentDisk"),
        (v.portworx_volume.is_some(), "portworxVolume"),
        (v.scale_io.is_some(), "scaleIO"),
        (v.storageos.is_some(), "storageos"),
    ];
    sources.into_iter().find_map(|(present, name)| present.then_some(name))
}

fn v1_0(_metadata: &ObjectMeta, spec: &PodSpec) -> Option<Forbidden> {
    let mut bad_volumes = Vec::new();
    let mut bad_types = Vec::new();
    for v in spec.volumes.iter().flatten() {
        if has_allowed_source(v) {
            continue;
        }
        // No source at all: defaulted to emptyDir by the API server, so allowed.
        if let Some(ty) = restricted_source(v) {
            bad_volumes.push(v.name.as_str());
            bad_types.push(ty.to_string());
        }
    }
    if bad_volumes.is_empty() {
        return None;
    }
    let bad_types = sorted_set(bad_types);
    Some(Forbidden::new(
        "restricted volume types",
        format!(
            "{} {} {} {} {}",
            pluralize("volume", "volumes", bad_volumes.len()),
            join_quote(&bad_volumes),
            pluralize("uses", "use", bad_volumes.len()),
            pluralize("restricted volume type", "restricted volume types", bad_types.len()),
            join_quote(&bad_types)
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::{EmptyDirVolumeSource, HostPathVolumeSource, NFSVolumeSource};

    fn volume(name: &str) -> Volume {
        Volume { name: name.into(), ..Default::default() }
    }

    #[test]
    fn types_sorted_volumes_in_order_and_sourceless_allowed() {
        let mut h = volume("h");
        h.host_path = Some(HostPathVolumeSource { path: "/".into(), ..Default::default() });
        let mut n = volume("n");
        n.nfs = Some(NFSVolumeSource::default());
        // An allowed source wins over a restricted one in the same volume.
        let mut mixed = volume("mixed");
        mixed.empty_dir = Some(EmptyDirVolumeSource::default());
        mixed.host_path = Some(HostPathVolumeSource::default());
        let spec = PodSpec { volumes: Some(vec![n, volume("sourceless"), mixed, h]), ..Default::default() };
        assert_eq!(
            v1_0(&ObjectMeta::default(), &spec).map(|f| f.detail),
            Some(r#"volumes "n", "h" use restricted volume types "hostPath", "nfs""#.into())
        );
    }
}
