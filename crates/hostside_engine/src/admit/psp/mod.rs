//! The legacy **PodSecurityPolicy** admission plugin (removed in Kubernetes 1.25), create path:
//! `plugin/pkg/admission/security/podsecuritypolicy/admission.go` (`Admit`,
//! `computeSecurityContext`) over the providers of `pkg/security/podsecuritypolicy/**`, as of
//! Kubernetes 1.19–1.24 (the code was frozen from 2021 until its removal). Spec:
//! `shared/reference/pod-security.md` §6.
//!
//! [`admit_pod`] models the mutating (create) phase:
//! 1. No PodSecurityPolicy objects at all → `PodSecurityPolicy: no providers available to validate
//!    pod request`.
//! 2. The policies the user or the pod's service account may `use` are tried in name order; each
//!    defaults a copy of the pod and then validates it. Policies whose strategies cannot be built
//!    (e.g. `MustRunAs` without ranges) are skipped silently, as upstream does.
//! 3. The first policy that admits the pod *without changing it* wins; otherwise the first (by
//!    name) that admits it after defaulting. The pod is annotated `kubernetes.io/psp: <name>`.
//! 4. Otherwise the errors of every usable policy are concatenated, one policy after another, and
//!    rendered as `[e1 e2 ...]`. Upstream collects them in a Go map, so the order of the blocks is
//!    random there; here it is the policies' name order. No usable policy gives `[]`.
//!
//! The name in the message is `metadata.name`, else the `generateName` prefix (PSP runs before
//! name generation), else `Unknown`.
//!
//! Not modelled: the validating phase (`PodSecurityPolicy: unable to validate pod: [...]`, for
//! updates and for pods changed after PSP's mutation, e.g. by the seccomp field→annotation sync),
//! and releases before 1.11, whose policy matching and error paths differed.

use serde_json::Value;

mod apparmor;
mod capabilities;
mod field;
mod groups;
mod host;
mod kubespray;
mod misc;
mod pod;
mod provider;
mod run_as_user;
mod seccomp;
mod selinux;
mod sysctls;
mod volumes;

pub use kubespray::{kubespray_privileged, kubespray_restricted, kubespray_restricted_with_apparmor};
pub use pod::Change;

use crate::admit::resource_quota::go_quote;
use field::render_list;
use pod::annotation_pointer;
use provider::Provider;

/// The annotation recording the admitting policy.
pub const VALIDATED_PSP_ANNOTATION: &str = "kubernetes.io/psp";

/// The first Kubernetes minor whose PSP errors read `PodSecurityPolicy: unable to admit pod: [...]`
/// and `PodSecurityPolicy: no providers available to validate pod request`. Before it they read
/// `unable to validate against any pod security policy: [...]` and `no providers available to
/// validate pod request`. Evidence: a v1.19.2 cluster reporting `PodSecurityPolicy: unable to
/// validate pod: [...]` (cert-manager issue 3374) and a v1.18.0 minikube reporting the bare `no
/// providers available ...` (minikube issue 7314); the change itself was not pinned to a commit.
pub const ADMIT_PREFIX_SINCE_MINOR: u32 = 19;

/// The result of the PodSecurityPolicy mutating admission on a pod create.
#[derive(Clone, Debug, PartialEq)]
pub struct PspOutcome {
    /// The policy that admitted the pod (`kubernetes.io/psp` annotation value), or None when rejected.
    pub admitted_by: Option<String>,
    /// The pod after PSP defaulting (only meaningful when admitted).
    pub pod: Value,
    /// What the admitting policy changed, as (json pointer, old value or null, new value) in the
    /// order applied; the last entry is the `kubernetes.io/psp` annotation (unless it already had
    /// that value).
    pub changes: Vec<Change>,
    /// Full API error text when rejected, e.g. `pods "x" is forbidden: PodSecurityPolicy: unable to admit pod: [...]`.
    pub error: Option<String>,
}

/// `metadata.name` of a policy.
pub(crate) fn policy_name(psp: &Value) -> &str {
    psp.pointer("/metadata/name").and_then(Value::as_str).unwrap_or_default()
}

/// The object name an admission error shows: name, else `generateName`, else `Unknown`.
fn error_name(pod: &Value) -> &str {
    let non_empty = |p: &str| pod.pointer(p).and_then(Value::as_str).filter(|s| !s.is_empty());
    non_empty("/metadata/name").or_else(|| non_empty("/metadata/generateName")).unwrap_or("Unknown")
}

fn forbidden(pod: &Value, message: &str) -> String {
    format!("pods {} is forbidden: {message}", go_quote(error_name(pod)))
}

/// Runs PodSecurityPolicy admission for a pod create.
///
/// `usable`: the PSP objects the requesting user or the pod's service account may `use` (RBAC is
/// resolved by the caller). `all_exist`: whether any PSP objects exist at all (for the "no
/// providers available" message). `kubernetes_minor`: the host's Kubernetes minor (message era,
/// see [`ADMIT_PREFIX_SINCE_MINOR`], and a few feature-gated strategies).
pub fn admit_pod(pod: &Value, usable: &[&Value], all_exist: bool, kubernetes_minor: u32) -> PspOutcome {
    let new_era = kubernetes_minor >= ADMIT_PREFIX_SINCE_MINOR;
    let rejected = |message: String| PspOutcome {
        admitted_by: None,
        pod: pod.clone(),
        changes: Vec::new(),
        error: Some(forbidden(pod, &message)),
    };
    if !all_exist && usable.is_empty() {
        let message = "no providers available to validate pod request";
        return rejected(if new_era { format!("PodSecurityPolicy: {message}") } else { message.to_string() });
    }

    let mut policies: Vec<&Value> = usable.to_vec();
    policies.sort_by(|a, b| policy_name(a).cmp(policy_name(b)));
    policies.dedup_by(|a, b| policy_name(a) == policy_name(b));

    let mut first_mutated: Option<(String, Value, Vec<Change>)> = None;
    let mut errors = Vec::new();
    for psp in policies {
        let Ok(provider) = Provider::new(psp, kubernetes_minor) else {
            continue;
        };
        let mut copy = pod.clone();
        let changes = provider.mutate_pod(&mut copy);
        let validation = provider.validate_pod(&copy);
        if !validation.is_empty() {
            errors.extend(validation);
            continue;
        }
        if changes.is_empty() {
            return admitted(provider.name, copy, changes);
        }
        if first_mutated.is_none() {
            first_mutated = Some((provider.name, copy, changes));
        }
    }
    if let Some((name, copy, changes)) = first_mutated {
        return admitted(name, copy, changes);
    }
    let list = render_list(&errors);
    rejected(if new_era {
        format!("PodSecurityPolicy: unable to admit pod: {list}")
    } else {
        format!("unable to validate against any pod security policy: {list}")
    })
}

fn admitted(name: String, mut pod: Value, changes: Vec<Change>) -> PspOutcome {
    let mut recorder = pod::Recorder { pod: &mut pod, changes };
    recorder.set(annotation_pointer(VALIDATED_PSP_ANNOTATION), Value::String(name.clone()));
    let changes = recorder.changes;
    PspOutcome { admitted_by: Some(name), pod, changes, error: None }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn change(pointer: &str, old: Value, new: Value) -> Change {
        (pointer.to_string(), old, new)
    }

    fn fluentd() -> Value {
        json!({
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": "fluentd-abcde-x-kube-system-x-my-vcluster", "namespace": "my-vcluster"},
            "spec": {
                "serviceAccountName": "vc-workload-my-vcluster",
                "securityContext": {},
                "containers": [{
                    "name": "fluentd",
                    "image": "fluent/fluentd-kubernetes-daemonset:v1",
                    "volumeMounts": [
                        {"name": "varlog", "mountPath": "/var/log"},
                        {"name": "varlibdockercontainers", "mountPath": "/var/lib/docker/containers", "readOnly": true},
                        {"name": "config", "mountPath": "/fluentd/etc"},
                        {"name": "kube-api-access-x7k2p", "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount", "readOnly": true}
                    ]
                }],
                "volumes": [
                    {"name": "varlog", "hostPath": {"path": "/var/log", "type": ""}},
                    {"name": "varlibdockercontainers", "hostPath": {"path": "/var/lib/docker/containers", "type": ""}},
                    {"name": "config", "configMap": {"name": "fluentd-config", "defaultMode": 420}},
                    {"name": "kube-api-access-x7k2p", "projected": {"defaultMode": 420, "sources": [
                        {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
                        {"configMap": {"name": "kube-root-ca.crt", "items": [{"key": "ca.crt", "path": "ca.crt"}]}},
                        {"downwardAPI": {"items": [{"path": "namespace", "fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"}}]}}
                    ]}}
                ]
            }
        })
    }

    fn mariadb() -> Value {
        json!({
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": "my-release-mariadb-0", "namespace": "default", "labels": {"app.kubernetes.io/name": "mariadb"}},
            "spec": {
                "serviceAccountName": "my-release-mariadb",
                "securityContext": {"fsGroup": 1001},
                "containers": [{
                    "name": "mariadb",
                    "image": "docker.io/bitnami/mariadb:10.6.12-debian-11-r0",
                    "securityContext": {"runAsUser": 1001},
                    "ports": [{"name": "mysql", "containerPort": 3306, "protocol": "TCP"}],
                    "volumeMounts": [{"name": "data", "mountPath": "/bitnami/mariadb"}]
                }],
                "volumes": [
                    {"name": "config", "configMap": {"name": "my-release-mariadb"}},
                    {"name": "data", "persistentVolumeClaim": {"claimName": "data-my-release-mariadb-0"}}
                ]
            }
        })
    }

    #[test]
    fn fluentd_host_paths_are_rejected() {
        let restricted = kubespray_restricted();
        let outcome = admit_pod(&fluentd(), &[&restricted], true, 24);
        assert_eq!(outcome.admitted_by, None);
        assert_eq!(
            outcome.error.as_deref(),
            Some(
                r#"pods "fluentd-abcde-x-kube-system-x-my-vcluster" is forbidden: PodSecurityPolicy: unable to admit pod: [spec.volumes[0]: Invalid value: "hostPath": hostPath volumes are not allowed to be used spec.volumes[1]: Invalid value: "hostPath": hostPath volumes are not allowed to be used]"#
            )
        );
        assert_eq!(outcome.pod, fluentd());
        assert!(outcome.changes.is_empty());
    }

    #[test]
    fn mariadb_is_admitted_and_defaulted() {
        let restricted = kubespray_restricted();
        let outcome = admit_pod(&mariadb(), &[&restricted], true, 24);
        assert_eq!(outcome.error, None);
        assert_eq!(outcome.admitted_by.as_deref(), Some("restricted"));
        assert_eq!(
            outcome.changes,
            vec![
                change("/spec/securityContext/supplementalGroups", Value::Null, json!([1])),
                change(
                    "/metadata/annotations/seccomp.security.alpha.kubernetes.io~1pod",
                    Value::Null,
                    json!("runtime/default")
                ),
                change("/spec/containers/0/securityContext/runAsGroup", Value::Null, json!(1)),
                change(
                    "/metadata/annotations/container.apparmor.security.beta.kubernetes.io~1mariadb",
                    Value::Null,
                    json!("runtime/default")
                ),
                change("/spec/containers/0/securityContext/capabilities/drop", Value::Null, json!(["ALL"])),
                change("/spec/containers/0/securityContext/allowPrivilegeEscalation", Value::Null, json!(false)),
                change("/metadata/annotations/kubernetes.io~1psp", Value::Null, json!("restricted")),
            ]
        );
        let pod = &outcome.pod;
        assert_eq!(pod.pointer("/spec/securityContext"), Some(&json!({"fsGroup": 1001, "supplementalGroups": [1]})));
        assert_eq!(
            pod.pointer("/spec/containers/0/securityContext"),
            Some(
                &json!({"runAsUser": 1001, "runAsGroup": 1, "capabilities": {"drop": ["ALL"]}, "allowPrivilegeEscalation": false})
            )
        );
        assert_eq!(
            pod.pointer("/metadata/annotations"),
            Some(&json!({
                "seccomp.security.alpha.kubernetes.io/pod": "runtime/default",
                "container.apparmor.security.beta.kubernetes.io/mariadb": "runtime/default",
                "kubernetes.io/psp": "restricted"
            }))
        );
    }

    #[test]
    fn non_root_marker_is_set_on_the_container() {
        let restricted = kubespray_restricted_with_apparmor(false);
        let pod = json!({"metadata": {"name": "web"}, "spec": {"securityContext": {}, "containers": [{"name": "nginx", "image": "nginx"}]}});
        let outcome = admit_pod(&pod, &[&restricted], true, 22);
        assert_eq!(outcome.admitted_by.as_deref(), Some("restricted"));
        let pointers: Vec<&str> = outcome.changes.iter().map(|c| c.0.as_str()).collect();
        assert_eq!(
            pointers,
            [
                "/spec/securityContext/supplementalGroups",
                "/spec/securityContext/fsGroup",
                "/metadata/annotations/seccomp.security.alpha.kubernetes.io~1pod",
                "/spec/containers/0/securityContext/runAsGroup",
                "/spec/containers/0/securityContext/runAsNonRoot",
                "/spec/containers/0/securityContext/capabilities/drop",
                "/spec/containers/0/securityContext/allowPrivilegeEscalation",
                "/metadata/annotations/kubernetes.io~1psp",
            ]
        );
        assert_eq!(outcome.pod.pointer("/spec/containers/0/securityContext/runAsNonRoot"), Some(&json!(true)));
        assert_eq!(outcome.pod.pointer("/spec/securityContext/fsGroup"), Some(&json!(1)));
    }

    #[test]
    fn privileged_host_network_and_host_port_order() {
        let restricted = kubespray_restricted();
        let pod = json!({"metadata": {"name": "nginx"}, "spec": {"hostNetwork": true, "securityContext": {}, "containers": [{
            "name": "nginx", "image": "nginx", "securityContext": {"privileged": true},
            "ports": [{"containerPort": 80, "hostPort": 80}]
        }]}});
        let outcome = admit_pod(&pod, &[&restricted], true, 24);
        assert_eq!(
            outcome.error.as_deref(),
            Some(
                r#"pods "nginx" is forbidden: PodSecurityPolicy: unable to admit pod: [spec.securityContext.hostNetwork: Invalid value: true: Host network is not allowed to be used spec.containers[0].securityContext.privileged: Invalid value: true: Privileged containers are not allowed spec.containers[0].hostPort: Invalid value: 80: Host port 80 is not allowed to be used. Allowed ports: []]"#
            )
        );
    }

    #[test]
    fn several_policies_non_mutating_wins() {
        let restricted = kubespray_restricted();
        let privileged = kubespray_privileged();
        // A plain pod: `privileged` admits it unchanged, so it wins over the mutating `restricted`.
        let plain = json!({"metadata": {"name": "p"}, "spec": {"securityContext": {}, "containers": [{"name": "c", "image": "busybox"}]}});
        let outcome = admit_pod(&plain, &[&restricted, &privileged], true, 24);
        assert_eq!(outcome.admitted_by.as_deref(), Some("privileged"));
        assert_eq!(
            outcome.changes,
            vec![change("/metadata/annotations/kubernetes.io~1psp", Value::Null, json!("privileged"))]
        );
        // The fluentd pod is admitted by `privileged` as well.
        assert_eq!(
            admit_pod(&fluentd(), &[&privileged, &restricted], true, 24).admitted_by.as_deref(),
            Some("privileged")
        );
        // Only mutating admissions: the first by name wins.
        let mut other = kubespray_restricted_with_apparmor(false);
        other["metadata"]["name"] = json!("a-restricted");
        let outcome = admit_pod(&mariadb(), &[&restricted, &other], true, 24);
        assert_eq!(outcome.admitted_by.as_deref(), Some("a-restricted"));
    }

    #[test]
    fn several_policies_errors_are_concatenated_by_name() {
        let restricted = kubespray_restricted();
        let mut strict = kubespray_restricted();
        strict["metadata"]["name"] = json!("zz-strict");
        strict["spec"]["volumes"] = json!(["configMap"]);
        let pod = json!({"metadata": {"name": "x"}, "spec": {"securityContext": {}, "containers": [{"name": "c"}],
            "volumes": [{"name": "h", "hostPath": {"path": "/"}}, {"name": "s", "secret": {"secretName": "s"}}]}});
        let outcome = admit_pod(&pod, &[&strict, &restricted], true, 24);
        assert_eq!(
            outcome.error.as_deref(),
            Some(
                r#"pods "x" is forbidden: PodSecurityPolicy: unable to admit pod: [spec.volumes[0]: Invalid value: "hostPath": hostPath volumes are not allowed to be used spec.volumes[0]: Invalid value: "hostPath": hostPath volumes are not allowed to be used spec.volumes[1]: Invalid value: "secret": secret volumes are not allowed to be used]"#
            )
        );
    }

    #[test]
    fn generate_name_prefix_and_unknown() {
        let restricted = kubespray_restricted();
        let mut pod = fluentd();
        pod["metadata"] = json!({"generateName": "my-busybox-7d5b7688f9-", "namespace": "default"});
        let error = admit_pod(&pod, &[&restricted], true, 24).error.unwrap();
        assert!(error.starts_with(
            r#"pods "my-busybox-7d5b7688f9-" is forbidden: PodSecurityPolicy: unable to admit pod: [spec.volumes[0]"#
        ));
        pod["metadata"] = json!({});
        let error = admit_pod(&pod, &[&restricted], true, 24).error.unwrap();
        assert!(error.starts_with(r#"pods "Unknown" is forbidden: "#));
    }

    #[test]
    fn root_uid_is_forbidden() {
        let restricted = kubespray_restricted();
        let pod = json!({"metadata": {"name": "root"}, "spec": {"securityContext": {"runAsUser": 0}, "containers": [{"name": "c"}]}});
        let outcome = admit_pod(&pod, &[&restricted], true, 24);
        assert_eq!(
            outcome.error.as_deref(),
            Some(
                r#"pods "root" is forbidden: PodSecurityPolicy: unable to admit pod: [spec.containers[0].securityContext.runAsUser: Invalid value: 0: running with the root UID is forbidden]"#
            )
        );
    }

    #[test]
    fn capability_add_is_rejected() {
        let restricted = kubespray_restricted();
        let pod = json!({"metadata": {"name": "cap"}, "spec": {"securityContext": {}, "containers": [{
            "name": "c", "securityContext": {"capabilities": {"add": ["NET_ADMIN", "SYS_TIME"]}}}]}});
        let outcome = admit_pod(&pod, &[&restricted], true, 24);
        assert_eq!(
            outcome.error.as_deref(),
            Some(
                r#"pods "cap" is forbidden: PodSecurityPolicy: unable to admit pod: [spec.containers[0].securityContext.capabilities.add: Invalid value: "NET_ADMIN": capability may not be added spec.containers[0].securityContext.capabilities.add: Invalid value: "SYS_TIME": capability may not be added]"#
            )
        );
    }

    #[test]
    fn run_as_group_zero_is_reported_at_the_security_context() {
        let restricted = kubespray_restricted();
        let pod = json!({"metadata": {"name": "g"}, "spec": {"securityContext": {"runAsGroup": 0, "fsGroup": 0}, "containers": [{"name": "c"}]}});
        let outcome = admit_pod(&pod, &[&restricted], true, 24);
        assert_eq!(
            outcome.error.as_deref(),
            Some(
                r#"pods "g" is forbidden: PodSecurityPolicy: unable to admit pod: [spec.securityContext.fsGroup: Invalid value: []int64{0}: group 0 must be in the ranges: [{1 65535}] spec.containers[0].securityContext: Invalid value: []int64{0}: group 0 must be in the ranges: [{1 65535}]]"#
            )
        );
    }

    #[test]
    fn no_providers_and_no_usable_policy() {
        let pod = json!({"metadata": {"name": "x"}, "spec": {"containers": [{"name": "c"}]}});
        assert_eq!(
            admit_pod(&pod, &[], false, 24).error.as_deref(),
            Some(r#"pods "x" is forbidden: PodSecurityPolicy: no providers available to validate pod request"#)
        );
        assert_eq!(
            admit_pod(&pod, &[], true, 24).error.as_deref(),
            Some(r#"pods "x" is forbidden: PodSecurityPolicy: unable to admit pod: []"#)
        );
        assert_eq!(
            admit_pod(&pod, &[], true, 18).error.as_deref(),
            Some(r#"pods "x" is forbidden: unable to validate against any pod security policy: []"#)
        );
        assert_eq!(
            admit_pod(&pod, &[], false, 17).error.as_deref(),
            Some(r#"pods "x" is forbidden: no providers available to validate pod request"#)
        );
    }

    #[test]
    fn broken_policies_are_skipped() {
        let mut broken = kubespray_restricted();
        broken["spec"]["fsGroup"] = json!({"rule": "MustRunAs"});
        let pod = json!({"metadata": {"name": "x"}, "spec": {"containers": [{"name": "c"}]}});
        assert_eq!(
            admit_pod(&pod, &[&broken], true, 24).error.as_deref(),
            Some(r#"pods "x" is forbidden: PodSecurityPolicy: unable to admit pod: []"#)
        );
    }
}
