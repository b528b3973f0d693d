//! The simple per-container flags of a PodSecurityPolicy and the runtime class:
//! `privileged`, `allowedProcMountTypes`, `readOnlyRootFilesystem`,
//! `defaultAllowPrivilegeEscalation` / `allowPrivilegeEscalation` and `runtimeClass`, from
//! `mutateContainer`, `validateContainer`, `MutatePod`, `ValidatePod` and
//! `validateRuntimeClassName` in `pkg/security/podsecuritypolicy/provider.go`, Kubernetes 1.15–1.24
//! (`runtimeClass` from 1.15, `allowedProcMountTypes` from 1.12), plus the API defaulting of the
//! policy (`allowPrivilegeEscalation` unset means `true`).
//!
//! Defaulting (container level): `readOnlyRootFilesystem: true` when the policy requires it and
//! the container leaves it unset; an unset `allowPrivilegeEscalation` becomes the policy's
//! `defaultAllowPrivilegeEscalation`, else `false` when the policy forbids escalation. Pod level:
//! an unset `runtimeClassName` becomes `runtimeClass.defaultRuntimeClassName`.
//!
//! Validation messages (path `<container>.securityContext.<field>`):
//! * `privileged: Invalid value: true: Privileged containers are not allowed`;
//! * `procMount: Invalid value: "<type>": ProcMountType is not allowed` (allowed list defaults to
//!   `Default`; an unset procMount counts as `Default`);
//! * `readOnlyRootFilesystem: Invalid value: false: ReadOnlyRootFilesystem must be set to true`, or
//!   with `"null"` and `ReadOnlyRootFilesystem may not be nil and must be set to true`;
//! * `allowPrivilegeEscalation: Invalid value: true|"null": Allowing privilege escalation for
//!   containers is not allowed`;
//! * `spec.runtimeClassName: Invalid value: "<name>"` (no detail) when not in
//!   `allowedRuntimeClassNames` (`*` allows any; an unset name is always allowed).

use serde_json::Value;

use super::field::{Bad, FieldError, child};
use super::pod::{ContainerRef, Recorder, container_sc, string_list};

fn flag(spec: &Value, name: &str) -> bool {
    spec.get(name).and_then(Value::as_bool).unwrap_or(false)
}

/// `allowPrivilegeEscalation` after API defaulting of the policy.
fn allows_escalation(spec: &Value) -> bool {
    spec.get("allowPrivilegeEscalation").and_then(Value::as_bool).unwrap_or(true)
}

/// Container defaulting: read-only root filesystem, then privilege escalation.
pub(crate) fn mutate_container(spec: &Value, recorder: &mut Recorder<'_>, container: &ContainerRef) {
    let sc = format!("{}/securityContext", container.pointer);
    if flag(spec, "readOnlyRootFilesystem") && container_sc(recorder.pod, container, "readOnlyRootFilesystem").is_none()
    {
        recorder.set(format!("{sc}/readOnlyRootFilesystem"), Value::Bool(true));
    }
    if let Some(default) = spec.get("defaultAllowPrivilegeEscalation").and_then(Value::as_bool)
        && container_sc(recorder.pod, container, "allowPrivilegeEscalation").is_none()
    {
        recorder.set(format!("{sc}/allowPrivilegeEscalation"), Value::Bool(default));
    }
    if !allows_escalation(spec) && container_sc(recorder.pod, container, "allowPrivilegeEscalation").is_none() {
        recorder.set(format!("{sc}/allowPrivilegeEscalation"), Value::Bool(false));
    }
}

pub(crate) fn validate_privileged(spec: &Value, pod: &Value, container: &ContainerRef) -> Vec<FieldError> {
    let privileged = container_sc(pod, container, "privileged").and_then(Value::as_bool).unwrap_or(false);
    if !flag(spec, "privileged") && privileged {
        return vec![FieldError::invalid(
            format!("{}.securityContext.privileged", container.path),
            Bad::Bool(true),
            "Privileged containers are not allowed",
        )];
    }
    Vec::new()
}

pub(crate) fn validate_proc_mount(spec: &Value, pod: &Value, container: &ContainerRef) -> Vec<FieldError> {
    let proc_mount = container_sc(pod, container, "procMount").and_then(Value::as_str).unwrap_or("Default");
    let mut allowed = string_list(spec.get("allowedProcMountTypes")).unwrap_or_default();
    if allowed.is_empty() {
        allowed.push("Default".into());
    }
    if !allowed.iter().any(|a| a == proc_mount) {
        return vec![FieldError::invalid(
            format!("{}.securityContext.procMount", container.path),
            Bad::Str(proc_mount.to_string()),
            "ProcMountType is not allowed",
        )];
    }
    Vec::new()
}

pub(crate) fn validate_read_only_root(spec: &Value, pod: &Value, container: &ContainerRef) -> Vec<FieldError> {
    if !flag(spec, "readOnlyRootFilesystem") {
        return Vec::new();
    }
    let path = format!("{}.securityContext.readOnlyRootFilesystem", container.path);
    match container_sc(pod, container, "readOnlyRootFilesystem").and_then(Value::as_bool) {
        None => {
            vec![FieldError::invalid(path, Bad::Null, "ReadOnlyRootFilesystem may not be nil and must be set to true")]
        }
        Some(false) => vec![FieldError::invalid(path, Bad::Bool(false), "ReadOnlyRootFilesystem must be set to true")],
        Some(true) => Vec::new(),
    }
}

pub(crate) fn validate_escalation(spec: &Value, pod: &Value, container: &ContainerRef) -> Vec<FieldError> {
    if allows_escalation(spec) {
        return Vec::new();
    }
    let path = format!("{}.securityContext.allowPrivilegeEscalation", container.path);
    let detail = "Allowing privilege escalation for containers is not allowed";
    match container_sc(pod, container, "allowPrivilegeEscalation").and_then(Value::as_bool) {
        None => vec![FieldError::invalid(path, Bad::Null, detail)],
        Some(true) => vec![FieldError::invalid(path, Bad::Bool(true), detail)],
        Some(false) => Vec::new(),
    }
}

/// Pod defaulting of `runtimeClassName`.
pub(crate) fn mutate_runtime_class(spec: &Value, recorder: &mut Recorder<'_>) {
    let Some(runtime_class) = spec.get("runtimeClass").filter(|r| r.is_object()) else {
        return;
    };
    let unset = recorder.pod.pointer("/spec/runtimeClassName").is_none_or(Value::is_null);
    if let Some(default) = runtime_class.get("defaultRuntimeClassName").and_then(Value::as_str)
        && unset
    {
        recorder.set("/spec/runtimeClassName".into(), Value::String(default.to_string()));
    }
}

pub(crate) fn validate_runtime_class(spec: &Value, pod: &Value) -> Vec<FieldError> {
    let Some(runtime_class) = spec.get("runtimeClass").filter(|r| r.is_object()) else {
        return Vec::new();
    };
    let Some(actual) = pod.pointer("/spec/runtimeClassName").and_then(Value::as_str) else {
        return Vec::new();
    };
    let allowed = string_list(runtime_class.get("allowedRuntimeClassNames")).unwrap_or_default();
    if allowed.iter().any(|a| a == "*" || a == actual) {
        return Vec::new();
    }
    vec![FieldError::invalid(child("spec", "runtimeClassName"), Bad::Str(actual.to_string()), "")]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::admit::psp::pod::containers;
    use serde_json::json;

    #[test]
    fn escalation_defaults_and_checks() {
        let spec = json!({"allowPrivilegeEscalation": false, "readOnlyRootFilesystem": true});
        let mut pod = json!({"spec": {"containers": [{"name": "a"}, {"name": "b", "securityContext": {"allowPrivilegeEscalation": true}}]}});
        let list = containers(&pod, 24);
        let mut recorder = Recorder { pod: &mut pod, changes: Vec::new() };
        for c in &list {
            mutate_container(&spec, &mut recorder, c);
        }
        let pointers: Vec<&str> = recorder.changes.iter().map(|c| c.0.as_str()).collect();
        assert_eq!(
            pointers,
            [
                "/spec/containers/0/securityContext/readOnlyRootFilesystem",
                "/spec/containers/0/securityContext/allowPrivilegeEscalation",
                "/spec/containers/1/securityContext/readOnlyRootFilesystem",
            ]
        );
        assert!(validate_escalation(&spec, &pod, &list[0]).is_empty());
        assert_eq!(
            validate_escalation(&spec, &pod, &list[1])[0].render(),
            "spec.containers[1].securityContext.allowPrivilegeEscalation: Invalid value: true: Allowing privilege escalation for containers is not allowed"
        );
        let bare = json!({"spec": {"containers": [{"name": "a"}]}});
        assert_eq!(
            validate_read_only_root(&spec, &bare, &containers(&bare, 24)[0])[0].render(),
            r#"spec.containers[0].securityContext.readOnlyRootFilesystem: Invalid value: "null": ReadOnlyRootFilesystem may not be nil and must be set to true"#
        );
    }

    #[test]
    fn default_allow_escalation_wins_over_false_default() {
        let spec = json!({"allowPrivilegeEscalation": false, "defaultAllowPrivilegeEscalation": true});
        let mut pod = json!({"spec": {"containers": [{"name": "a"}]}});
        let list = containers(&pod, 24);
        let mut recorder = Recorder { pod: &mut pod, changes: Vec::new() };
        mutate_container(&spec, &mut recorder, &list[0]);
        assert_eq!(recorder.changes.len(), 1);
        assert_eq!(recorder.changes[0].2, json!(true));
    }

    #[test]
    fn privileged_proc_mount_runtime_class() {
        let pod = json!({"spec": {"runtimeClassName": "kata", "containers": [
            {"name": "a", "securityContext": {"privileged": true, "procMount": "Unmasked"}}]}});
        let c = &containers(&pod, 24)[0];
        assert_eq!(
            validate_privileged(&json!({}), &pod, c)[0].render(),
            "spec.containers[0].securityContext.privileged: Invalid value: true: Privileged containers are not allowed"
        );
        assert_eq!(
            validate_proc_mount(&json!({}), &pod, c)[0].render(),
            r#"spec.containers[0].securityContext.procMount: Invalid value: "Unmasked": ProcMountType is not allowed"#
        );
        assert!(validate_proc_mount(&json!({"allowedProcMountTypes": ["Default", "Unmasked"]}), &pod, c).is_empty());
        let spec = json!({"runtimeClass": {"allowedRuntimeClassNames": ["gvisor"]}});
        assert_eq!(validate_runtime_class(&spec, &pod)[0].render(), r#"spec.runtimeClassName: Invalid value: "kata""#);
        assert!(validate_runtime_class(&json!({"runtimeClass": {"allowedRuntimeClassNames": ["*"]}}), &pod).is_empty());
    }
}
