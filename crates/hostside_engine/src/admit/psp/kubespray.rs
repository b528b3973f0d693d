//! The PodSecurityPolicies kubespray v2.20.0 installs when `podsecuritypolicy_enabled: true`
//! (`roles/kubernetes/control-plane/templates/psp.yml.j2` with the specs
//! `podsecuritypolicy_restricted_spec` / `podsecuritypolicy_privileged_spec` from
//! `roles/kubernetes-apps/cluster_roles/defaults/main.yml`; Kubernetes v1.24.6 by default).
//!
//! `restricted` is bound to `system:authenticated` (ClusterRoleBinding `psp:any:restricted`),
//! `privileged` to `system:masters`, `system:serviceaccounts:kube-system` (RoleBinding in
//! `kube-system`) and `system:nodes` / `kubelet`. The AppArmor annotations of `restricted` are
//! only rendered when `apparmor_parser` exists on the control-plane host (`apparmor_enabled`),
//! which is the case on stock Ubuntu, so [`kubespray_restricted`] includes them.

use serde_json::{Value, json};

/// kubespray's `restricted` policy, with the AppArmor annotations.
pub fn kubespray_restricted() -> Value {
    kubespray_restricted_with_apparmor(true)
}

/// kubespray's `restricted` policy; `apparmor` mirrors the template's `apparmor_enabled`.
pub fn kubespray_restricted_with_apparmor(apparmor: bool) -> Value {
    let mut annotations = json!({
        "seccomp.security.alpha.kubernetes.io/defaultProfileName": "runtime/default",
        "seccomp.security.alpha.kubernetes.io/allowedProfileNames": "docker/default,runtime/default"
    });
    if apparmor {
        annotations["apparmor.security.beta.kubernetes.io/defaultProfileName"] = json!("runtime/default");
        annotations["apparmor.security.beta.kubernetes.io/allowedProfileNames"] = json!("runtime/default");
    }
    json!({
        "apiVersion": "policy/v1beta1",
        "kind": "PodSecurityPolicy",
        "metadata": {
            "name": "restricted",
            "annotations": annotations,
            "labels": {"addonmanager.kubernetes.io/mode": "Reconcile"}
        },
        "spec": {
            "privileged": false,
            "allowPrivilegeEscalation": false,
            "requiredDropCapabilities": ["ALL"],
            "volumes": ["configMap", "emptyDir", "projected", "secret", "downwardAPI", "persistentVolumeClaim"],
            "hostNetwork": false,
            "hostIPC": false,
            "hostPID": false,
            "runAsUser": {"rule": "MustRunAsNonRoot"},
            "seLinux": {"rule": "RunAsAny"},
            "runAsGroup": {"rule": "MustRunAs", "ranges": [{"min": 1, "max": 65535}]},
            "supplementalGroups": {"rule": "MustRunAs", "ranges": [{"min": 1, "max": 65535}]},
            "fsGroup": {"rule": "MustRunAs", "ranges": [{"min": 1, "max": 65535}]},
            "readOnlyRootFilesystem": false
        }
    })
}

/// kubespray's `privileged` policy.
pub fn kubespray_privileged() -> Value {
    json!({
        "apiVersion": "policy/v1beta1",
        "kind": "PodSecurityPolicy",
        "metadata": {
            "name": "privileged",
            "annotations": {"seccomp.security.alpha.kubernetes.io/allowedProfileNames": "*"},
            "labels": {"addonmanager.kubernetes.io/mode": "Reconcile"}
        },
        "spec": {
            "privileged": true,
            "allowPrivilegeEscalation": true,
            "allowedCapabilities": ["*"],
            "volumes": ["*"],
            "hostNetwork": true,
            "hostPorts": [{"min": 0, "max": 65535}],
            "hostIPC": true,
            "hostPID": true,
            "runAsUser": {"rule": "RunAsAny"},
            "seLinux": {"rule": "RunAsAny"},
            "runAsGroup": {"rule": "RunAsAny"},
            "supplementalGroups": {"rule": "RunAsAny"},
            "fsGroup": {"rule": "RunAsAny"},
            "readOnlyRootFilesystem": false,
            "allowedUnsafeSysctls": ["*"]
        }
    })
}
