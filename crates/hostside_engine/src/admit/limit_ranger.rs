//! The LimitRanger admission plugin's defaulting (Kubernetes 1.37,
//! `plugin/pkg/admission/limitranger`): containers missing a request or limit get the
//! LimitRange's `defaultRequest` / `default`, and the pod records what was set in the
//! `kubernetes.io/limit-ranger` annotation. Runs on both sides: LimitRanges pasted into the
//! virtual cluster, and the host namespace's LimitRanges (vcluster's `policies.limitRange`).

use crate::value::{ValueExt, escape_pointer};
use serde_json::{Map, Value, json};

pub const ANNOTATION: &str = "kubernetes.io/limit-ranger";

/// `SetDefaults_LimitRangeItem`: for `Container` items a missing default comes from `max`,
/// a missing default request from `default`, then from `min`.
pub fn default_limit_range(limit_range: &mut Value) {
    if let Some(Value::Array(items)) = limit_range.pointer_mut("/spec/limits") {
        for item in items {
            if item.str_at("/type") != Some("Container") {
                continue;
            }
            let max = item.get("max").and_then(Value::as_object).cloned().unwrap_or_default();
            let min = item.get("min").and_then(Value::as_object).cloned().unwrap_or_default();
            let default = item.object_at("/default");
            for (k, v) in &max {
                default.entry(k.clone()).or_insert_with(|| v.clone());
            }
            let default = default.clone();
            let request = item.object_at("/defaultRequest");
            for (k, v) in default.iter().chain(min.iter()) {
                request.entry(k.clone()).or_insert_with(|| v.clone());
            }
        }
    }
}

/// Applies every `Container` item's defaults to the pod. Returns the annotation text set,
/// if anything was defaulted.
pub fn apply_defaults(limit_ranges: &[&Value], pod: &mut Value) -> Option<String> {
    let mut default_limits = Map::new();
    let mut default_requests = Map::new();
    for limit_range in limit_ranges {
        for item in limit_range.array_at("/spec/limits") {
            if item.str_at("/type") != Some("Container") {
                continue;
            }
            if let Some(Value::Object(d)) = item.get("default") {
                default_limits.extend(d.clone());
            }
            if let Some(Value::Object(d)) = item.get("defaultRequest") {
                default_requests.extend(d.clone());
            }
        }
    }
    if default_limits.is_empty() && default_requests.is_empty() {
        return None;
    }
    let mut notes = Vec::new();
    for (list, field_name) in [("initContainers", "init container"), ("containers", "container")] {
        let Some(Value::Array(containers)) = pod.pointer_mut(&format!("/spec/{list}")) else { continue };
        for container in containers {
            let name = container.str_at("/name").unwrap_or_default().to_string();
            let mut set_requests = Vec::new();
            let mut set_limits = Vec::new();
            for (resource, quantity) in &default_requests {
                let pointer = format!("/resources/requests/{}", escape_pointer(resource));
                if container.pointer(&pointer).is_none() {
                    container.set_at(&pointer, quantity.clone());
                    set_requests.push(resource.clone());
                }
            }
            for (resource, quantity) in &default_limits {
                let pointer = format!("/resources/limits/{}", escape_pointer(resource));
                if container.pointer(&pointer).is_none() {
                    container.set_at(&pointer, quantity.clone());
                    set_limits.push(resource.clone());
                }
            }
            set_requests.sort();
            set_limits.sort();
            if !set_requests.is_empty() {
                notes.push(format!("{} request for {field_name} {name}", set_requests.join(", ")));
            }
            if !set_limits.is_empty() {
                notes.push(format!("{} limit for {field_name} {name}", set_limits.join(", ")));
            }
        }
    }
    if notes.is_empty() {
        return None;
    }
    let text = format!("LimitRanger plugin set: {}", notes.join("; "));
    pod.set_at(&format!("/metadata/annotations/{}", escape_pointer(ANNOTATION)), json!(text));
    Some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_fill_missing_resources_and_annotate() {
        let mut lr = json!({"spec": {"limits": [{"type": "Container", "default": {"cpu": "1", "memory": "512Mi"}}]}});
        default_limit_range(&mut lr);
        assert_eq!(lr.pointer("/spec/limits/0/defaultRequest"), Some(&json!({"cpu": "1", "memory": "512Mi"})));
        let mut pod = json!({"spec": {"containers": [{"name": "app", "resources": {"requests": {"cpu": "100m"}}}]}});
        let text = apply_defaults(&[&lr], &mut pod).unwrap();
        assert_eq!(
            text,
            "LimitRanger plugin set: memory request for container app; cpu, memory limit for container app"
        );
        assert_eq!(pod.pointer("/spec/containers/0/resources/requests/cpu"), Some(&json!("100m")));
    }
}
