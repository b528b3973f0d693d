//! Volume checks of a PodSecurityPolicy: `validatePodVolumes` in
//! `pkg/security/podsecuritypolicy/provider.go` and `GetVolumeFSType`, `AllowsHostVolumePath`,
//! `hasPathPrefix` in `pkg/security/podsecuritypolicy/util/util.go`, Kubernetes 1.16–1.24
//! (`ephemeral` exists from 1.19; the CSI driver check needs the `CSIInlineVolume` gate, on by
//! default from 1.16).
//!
//! Per volume, in spec order:
//! * type not in `spec.volumes` (and no `*`):
//!   `spec.volumes[i]: Invalid value: "<type>": <type> volumes are not allowed to be used`;
//! * `hostPath` outside `allowedHostPaths` (prefixes matched at path-segment boundaries, trailing
//!   `/` ignored): `spec.volumes[i].hostPath.pathPrefix: Invalid value: "<path>": is not allowed to be used`;
//!   when only read-only prefixes match, every mount of the volume that is not read-only, over all
//!   containers in visit order: `<container>.volumeMounts[j].readOnly: Invalid value: false: must be read-only`;
//! * `flexVolume` driver not in a non-empty `allowedFlexVolumes`:
//!   `spec.volumes[i].driver: Invalid value: "<d>": Flexvolume driver is not allowed to be used`;
//! * `csi` driver not in a non-empty `allowedCSIDrivers`:
//!   `spec.volumes[i].csi.driver: Invalid value: "<d>": Inline CSI driver is not allowed to be used`.

use serde_json::Value;

use super::field::{Bad, FieldError, child, index};
use super::pod::{ContainerRef, string_list};

/// (JSON key of the volume source, PSP `FSType` name), in `GetVolumeFSType`'s order.
const FS_TYPES: &[(&str, &str)] = &[
    ("hostPath", "hostPath"),
    ("emptyDir", "emptyDir"),
    ("gcePersistentDisk", "gcePersistentDisk"),
    ("awsElasticBlockStore", "awsElasticBlockStore"),
    ("gitRepo", "gitRepo"),
    ("secret", "secret"),
    ("nfs", "nfs"),
    ("iscsi", "iscsi"),
    ("glusterfs", "glusterfs"),
    ("persistentVolumeClaim", "persistentVolumeClaim"),
    ("rbd", "rbd"),
    ("flexVolume", "flexVolume"),
    ("cinder", "cinder"),
    ("cephfs", "cephFS"),
    ("flocker", "flocker"),
    ("downwardAPI", "downwardAPI"),
    ("fc", "fc"),
    ("azureFile", "azureFile"),
    ("configMap", "configMap"),
    ("vsphereVolume", "vsphereVolume"),
    ("quobyte", "quobyte"),
    ("azureDisk", "azureDisk"),
    ("photonPersistentDisk", "photonPersistentDisk"),
    ("projected", "projected"),
    ("portworxVolume", "portworxVolume"),
    ("scaleIO", "scaleIO"),
    ("storageos", "storageos"),
    ("csi", "csi"),
    ("ephemeral", "ephemeral"),
];

/// The PSP volume type of a pod volume (`None` for an unknown source).
pub(crate) fn fs_type(volume: &Value) -> Option<&'static str> {
    FS_TYPES.iter().find(|(key, _)| volume.get(*key).is_some_and(|v| !v.is_null())).map(|(_, name)| *name)
}

/// `hasPathPrefix`: equal, or prefixed at a `/` boundary; trailing slashes ignored.
fn has_path_prefix(path: &str, prefix: &str) -> bool {
    let path = path.strip_suffix('/').unwrap_or(path);
    let prefix = prefix.strip_suffix('/').unwrap_or(prefix);
    match path.strip_prefix(prefix) {
        Some(rest) => rest.is_empty() || rest.starts_with('/'),
        None => false,
    }
}

/// `AllowsHostVolumePath`: (allowed, must be read-only).
fn allows_host_path(spec: &Value, host_path: &str) -> (bool, bool) {
    let allowed = spec.get("allowedHostPaths").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
    if allowed.is_empty() {
        return (true, false);
    }
    let mut result = (false, false);
    for entry in allowed {
        let prefix = entry.get("pathPrefix").and_then(Value::as_str).unwrap_or_default();
        if has_path_prefix(host_path, prefix) {
            if !entry.get("readOnly").and_then(Value::as_bool).unwrap_or(false) {
                return (true, false);
            }
            result = (true, true);
        }
    }
    result
}

/// `validatePodVolumes`.
pub(crate) fn validate(spec: &Value, pod: &Value, containers: &[ContainerRef], minor: u32) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let volumes = pod.pointer("/spec/volumes").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
    let allowed = string_list(spec.get("volumes")).unwrap_or_default();
    let allows_all = allowed.iter().any(|v| v == "*");
    for (i, volume) in volumes.iter().enumerate() {
        let path = index("spec.volumes", i);
        let Some(fs_type) = fs_type(volume) else {
            let name = volume.get("name").and_then(Value::as_str).unwrap_or_default();
            // Upstream prints the whole internal volume struct (`%#v`); only its start is modelled.
            errors.push(FieldError::invalid(
                path,
                Bad::Str(String::new()),
                format!("unknown volume type for volume: core.Volume{{Name:{name:?}, ...}}"),
            ));
            continue;
        };
        if !allows_all && !allowed.iter().any(|v| v == fs_type) {
            errors.push(FieldError::invalid(
                path,
                Bad::Str(fs_type.to_string()),
                format!("{fs_type} volumes are not allowed to be used"),
            ));
            continue;
        }
        match fs_type {
            "hostPath" => {
                let host_path = volume.pointer("/hostPath/path").and_then(Value::as_str).unwrap_or_default();
                let (allows, read_only) = allows_host_path(spec, host_path);
                if !allows {
                    errors.push(FieldError::invalid(
                        child(&path, "hostPath.pathPrefix"),
                        Bad::Str(host_path.to_string()),
                        "is not allowed to be used",
                    ));
                } else if read_only {
                    let name = volume.get("name").and_then(Value::as_str).unwrap_or_default();
                    for container in containers {
                        let mounts = pod.pointer(&format!("{}/volumeMounts", container.pointer));
                        for (j, mount) in mounts.and_then(Value::as_array).into_iter().flatten().enumerate() {
                            let read_only = mount.get("readOnly").and_then(Value::as_bool).unwrap_or(false);
                            if mount.get("name").and_then(Value::as_str) == Some(name) && !read_only {
                                errors.push(FieldError::invalid(
                                    format!("{}.volumeMounts[{j}].readOnly", container.path),
                                    Bad::Bool(false),
                                    "must be read-only",
                                ));
                            }
                        }
                    }
                }
            }
            "flexVolume" => {
                let drivers = allowed_names(spec, "allowedFlexVolumes", "driver");
                let driver = volume.pointer("/flexVolume/driver").and_then(Value::as_str).unwrap_or_default();
                if !drivers.is_empty() && !drivers.iter().any(|d| d == driver) {
                    errors.push(FieldError::invalid(
                        child(&path, "driver"),
                        Bad::Str(driver.to_string()),
                        "Flexvolume driver is not allowed to be used",
                    ));
                }
            }
            "csi" if minor >= 16 => {
                let drivers = allowed_names(spec, "allowedCSIDrivers", "name");
                let driver = volume.pointer("/csi/driver").and_then(Value::as_str).unwrap_or_default();
                if !drivers.is_empty() && !drivers.iter().any(|d| d == driver) {
                    errors.push(FieldError::invalid(
                        child(&path, "csi.driver"),
                        Bad::Str(driver.to_string()),
                        "Inline CSI driver is not allowed to be used",
                    ));
                }
            }
            _ => {}
        }
    }
    errors
}

fn allowed_names(spec: &Value, list: &str, field: &str) -> Vec<String> {
    spec.get(list)
        .and_then(Value::as_array)
        .map(|items| {
            items.iter().map(|i| i.get(field).and_then(Value::as_str).unwrap_or_default().to_string()).collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::admit::psp::pod::containers;
    use serde_json::json;

    #[test]
    fn path_prefixes() {
        assert!(has_path_prefix("/var/log", "/var/log"));
        assert!(has_path_prefix("/var/log/pods", "/var/log/"));
        assert!(!has_path_prefix("/var/logs", "/var/log"));
        assert!(!has_path_prefix("/tmp", "/var/tmp"));
    }

    #[test]
    fn types_paths_and_read_only_mounts() {
        let spec = json!({"volumes": ["hostPath", "flexVolume", "csi"], "allowedHostPaths": [
            {"pathPrefix": "/var/tmp"}, {"pathPrefix": "/etc", "readOnly": true}],
            "allowedFlexVolumes": [{"driver": "ok"}], "allowedCSIDrivers": [{"name": "ok.csi"}]});
        let pod = json!({"spec": {
            "volumes": [
                {"name": "a", "hostPath": {"path": "/tmp"}},
                {"name": "b", "hostPath": {"path": "/etc/ssl"}},
                {"name": "c", "secret": {"secretName": "s"}},
                {"name": "d", "flexVolume": {"driver": "bad"}},
                {"name": "e", "csi": {"driver": "bad.csi"}},
                {"name": "f", "hostPath": {"path": "/var/tmp/x"}}
            ],
            "containers": [{"name": "c", "volumeMounts": [{"name": "b", "mountPath": "/x"}, {"name": "b", "mountPath": "/y", "readOnly": true}]}]
        }});
        let rendered: Vec<String> =
            validate(&spec, &pod, &containers(&pod, 24), 24).iter().map(FieldError::render).collect();
        assert_eq!(
            rendered,
            [
                r#"spec.volumes[0].hostPath.pathPrefix: Invalid value: "/tmp": is not allowed to be used"#,
                "spec.containers[0].volumeMounts[0].readOnly: Invalid value: false: must be read-only",
                r#"spec.volumes[2]: Invalid value: "secret": secret volumes are not allowed to be used"#,
                r#"spec.volumes[3].driver: Invalid value: "bad": Flexvolume driver is not allowed to be used"#,
                r#"spec.volumes[4].csi.driver: Invalid value: "bad.csi": Inline CSI driver is not allowed to be used"#,
            ]
        );
    }

    #[test]
    fn wildcard_allows_everything() {
        let pod = json!({"spec": {"volumes": [{"name": "a", "hostPath": {"path": "/"}}, {"name": "b", "cephfs": {}}]}});
        assert!(validate(&json!({"volumes": ["*"]}), &pod, &[], 24).is_empty());
        let errs = validate(&json!({"volumes": ["hostPath"]}), &pod, &[], 24);
        assert_eq!(
            errs[0].render(),
            r#"spec.volumes[1]: Invalid value: "cephFS": cephFS volumes are not allowed to be used"#
        );
    }
}
