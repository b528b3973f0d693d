//! Pod access for the PodSecurityPolicy strategies, Kubernetes 1.11–1.24: container visiting
//! (`pkg/api/pod` `VisitContainers`, `pkg/apis/core/pods` `VisitContainersWithPath`), the
//! effective container security context (`pkg/securitycontext/accessors.go`) and the record of
//! what a policy's defaulting changed.
//!
//! Effective values: `runAsUser`, `runAsGroup`, `runAsNonRoot` and `seLinuxOptions` fall back from
//! the container's `securityContext` to the pod's; `privileged`, `capabilities`, `procMount`,
//! `readOnlyRootFilesystem` and `allowPrivilegeEscalation` are container-only. A defaulted value
//! is written to the container only when it differs from the effective value, so a pod-level
//! value is never copied down.

use serde_json::Value;

use crate::value::{ValueExt, escape_pointer};

/// One container of the pod, in visit order.
#[derive(Clone, Debug)]
pub(crate) struct ContainerRef {
    /// JSON pointer of the container object, e.g. `/spec/initContainers/0`.
    pub pointer: String,
    /// Field path of the container for error messages, e.g. `spec.initContainers[0]`.
    pub path: String,
    pub name: String,
}

/// Init containers, then containers, then (from 1.23, when the `EphemeralContainers` gate is on by
/// default) ephemeral containers, each in spec order.
pub(crate) fn containers(pod: &Value, minor: u32) -> Vec<ContainerRef> {
    let mut lists = vec!["initContainers", "containers"];
    if minor >= 23 {
        lists.push("ephemeralContainers");
    }
    let mut out = Vec::new();
    for list in lists {
        for (i, container) in pod.array_at(&format!("/spec/{list}")).iter().enumerate() {
            out.push(ContainerRef {
                pointer: format!("/spec/{list}/{i}"),
                path: format!("spec.{list}[{i}]"),
                name: container.str_at("/name").unwrap_or_default().to_string(),
            });
        }
    }
    out
}

/// A pod-level security context field (`/spec/securityContext/<field>`), null treated as unset.
pub(crate) fn pod_sc<'a>(pod: &'a Value, field: &str) -> Option<&'a Value> {
    pod.pointer(&format!("/spec/securityContext/{field}")).filter(|v| !v.is_null())
}

/// A container security context field, null treated as unset.
pub(crate) fn container_sc<'a>(pod: &'a Value, container: &ContainerRef, field: &str) -> Option<&'a Value> {
    pod.pointer(&format!("{}/securityContext/{field}", container.pointer)).filter(|v| !v.is_null())
}

/// The effective value of a field that a container inherits from the pod.
pub(crate) fn effective<'a>(pod: &'a Value, container: &ContainerRef, field: &str) -> Option<&'a Value> {
    container_sc(pod, container, field).or_else(|| pod_sc(pod, field))
}

/// An annotation value (`""` when absent, like a Go map lookup).
pub(crate) fn annotation<'a>(pod: &'a Value, key: &str) -> &'a str {
    pod.pointer("/metadata/annotations").and_then(|a| a.get(key)).and_then(Value::as_str).unwrap_or_default()
}

/// Whether an annotation key is present at all.
pub(crate) fn has_annotation(pod: &Value, key: &str) -> bool {
    pod.pointer("/metadata/annotations").and_then(|a| a.get(key)).is_some()
}

/// The JSON pointer of an annotation.
pub(crate) fn annotation_pointer(key: &str) -> String {
    format!("/metadata/annotations/{}", escape_pointer(key))
}

/// A list of integers (`[]int64`): `None` when absent or null, `Some(&[])`-like when empty.
pub(crate) fn int_list(value: Option<&Value>) -> Option<Vec<i64>> {
    value.and_then(Value::as_array).map(|items| items.iter().filter_map(Value::as_i64).collect())
}

/// A list of strings: `None` when absent or null.
pub(crate) fn string_list(value: Option<&Value>) -> Option<Vec<String>> {
    value.and_then(Value::as_array).map(|items| items.iter().filter_map(Value::as_str).map(str::to_string).collect())
}

/// One defaulting step: (JSON pointer, old value or null, new value).
pub type Change = (String, Value, Value);

/// The pod being defaulted by one policy, and what was changed so far.
pub(crate) struct Recorder<'p> {
    pub pod: &'p mut Value,
    pub changes: Vec<Change>,
}

impl Recorder<'_> {
    /// Sets `pointer` to `value` unless the current value is semantically equal (Kubernetes'
    /// `apiequality.Semantic`: absent, null and empty lists are all "unset").
    pub(crate) fn set(&mut self, pointer: String, value: Value) {
        let old = self.pod.pointer(&pointer).cloned().unwrap_or(Value::Null);
        if semantically_equal(&old, &value) {
            return;
        }
        self.pod.set_at(&pointer, value.clone());
        self.changes.push((pointer, old, value));
    }
}

fn is_unset(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Array(items) => items.is_empty(),
        _ => false,
    }
}

/// Equality where null and an empty list are the same (nil and empty slices compare equal).
pub(crate) fn semantically_equal(a: &Value, b: &Value) -> bool {
    a == b || (is_unset(a) && is_unset(b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn visit_order_and_effective_values() {
        let pod = json!({"spec": {
            "securityContext": {"runAsUser": 5},
            "initContainers": [{"name": "i"}],
            "containers": [{"name": "c", "securityContext": {"runAsUser": 7}}],
            "ephemeralContainers": [{"name": "e"}]
        }});
        let names: Vec<String> = containers(&pod, 22).into_iter().map(|c| c.path).collect();
        assert_eq!(names, ["spec.initContainers[0]", "spec.containers[0]"]);
        let all = containers(&pod, 23);
        assert_eq!(all.len(), 3);
        assert_eq!(effective(&pod, &all[0], "runAsUser"), Some(&json!(5)));
        assert_eq!(effective(&pod, &all[1], "runAsUser"), Some(&json!(7)));
    }

    #[test]
    fn recorder_skips_semantic_no_ops() {
        let mut pod = json!({"spec": {"securityContext": {"supplementalGroups": []}}});
        let mut recorder = Recorder { pod: &mut pod, changes: Vec::new() };
        recorder.set("/spec/securityContext/supplementalGroups".into(), json!([]));
        recorder.set("/spec/securityContext/fsGroup".into(), json!(1));
        assert_eq!(recorder.changes, vec![("/spec/securityContext/fsGroup".to_string(), Value::Null, json!(1))]);
    }
}
