//! The LimitRanger admission plugin (Kubernetes 1.37 / master,
//! `plugin/pkg/admission/limitranger/admission.go`), both halves, plus the request ≤ limit
//! checks of API validation that run between them (`pkg/apis/core/validation/validation.go`,
//! `ValidateResourceRequirements`). Runs on both sides: LimitRanges pasted into the virtual
//! cluster, and the host namespace's LimitRanges (vcluster's `policies.limitRange`).
//!
//! Order on a pod create, as the API server runs it: decode defaulting (a container's missing
//! requests default to its limits) → mutating admission, where [`apply_defaults`] fills missing
//! requests/limits from each LimitRange's `Container` defaults and records
//! `kubernetes.io/limit-ranger` → field validation ([`validate_requests_within_limits`],
//! failing as `Pod "<name>" is invalid: ...`, see [`invalid_message`]) → validating admission,
//! where [`validate_pod`] enforces `min`, `max` and `maxLimitRequestRatio` of `Container` and
//! `Pod` items (failing as `pods "<name>" is forbidden: ...`) — then ResourceQuota.
//!
//! Validation messages (`minConstraint`, `maxConstraint`, `maxRequestConstraint`,
//! `limitRequestRatioConstraint`): `minimum cpu usage per Container is 100m, but request is 50m`,
//! `maximum memory usage per Pod is 1Gi, but limit is 2Gi`, `... is 64Mi.  No request is
//! specified` (two spaces), `cpu max limit to request ratio per Container is 2, but provided ratio
//! is 4.000000`. Every violation of one LimitRange is reported, joined as `[a, b]` (one alone is
//! bare); the first LimitRange with violations fails the request. Within a LimitRange the order is
//! its `limits` items, then (for `Container` items) containers before init containers, then
//! `min`, `max`, `maxLimitRequestRatio`; resources within one of those maps come sorted here,
//! while upstream iterates a Go map (random order). Older releases ended each message with a
//! period (`... but limit is 2.`); the release that dropped it was not pinned.
//!
//! Comparisons use `Quantity.MilliValue()` (rounded up) when every value involved is at most
//! `MaxMilliValue`, else `Value()`, exactly as upstream; quantities print with
//! `Quantity.String()` (see [`super::quantity`]).

use super::quantity::{Format, MAX_MILLI_VALUE, Quantity};
use super::resource_quota::{
    ResourceList, aggregate_containers, aggregate_messages, container_requirements, error_name, forbidden_message,
    go_quote, is_extended_resource_name, pod_level_requirements, resource_list,
};
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

/// `PodMutateLimitFunc` for each LimitRange in turn: containers (then init containers) missing a
/// request or limit get the `Container` items' `defaultRequest` / `default`. A value set by one
/// LimitRange is not overridden by a later one; each LimitRange that set something rewrites the
/// annotation with its own notes, so the last one wins. Returns the annotation text set, if any.
pub fn apply_defaults(limit_ranges: &[&Value], pod: &mut Value) -> Option<String> {
    let mut annotation = None;
    for limit_range in limit_ranges {
        if let Some(text) = apply_limit_range_defaults(limit_range, pod) {
            annotation = Some(text);
        }
    }
    annotation
}

/// `defaultContainerResourceRequirements` + `mergePodResourceRequirements` for one LimitRange.
fn apply_limit_range_defaults(limit_range: &Value, pod: &mut Value) -> Option<String> {
    let mut default_limits = Map::new();
    let mut default_requests = Map::new();
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
    if default_limits.is_empty() && default_requests.is_empty() {
        return None;
    }
    let mut notes = Vec::new();
    for (list, field_name) in [("containers", "container"), ("initContainers", "init container")] {
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

/// `requestLimitEnforcedValues`: milli-values when none exceeds `MaxMilliValue`, else values.
fn enforced_values(request: Option<&Quantity>, limit: Option<&Quantity>, enforced: &Quantity) -> (i64, i64, i64) {
    let zero = Quantity::zero(Format::DecimalSI);
    let (request, limit) = (request.unwrap_or(&zero), limit.unwrap_or(&zero));
    let values = (request.value(), limit.value(), enforced.value());
    if values.0 <= MAX_MILLI_VALUE && values.1 <= MAX_MILLI_VALUE && values.2 <= MAX_MILLI_VALUE {
        (request.milli_value(), limit.milli_value(), enforced.milli_value())
    } else {
        values
    }
}

/// `minConstraint`.
fn min_constraint(
    limit_type: &str,
    resource: &str,
    enforced: &Quantity,
    requests: &ResourceList,
    limits: &ResourceList,
) -> Option<String> {
    let (request, limit) = (requests.get(resource), limits.get(resource));
    let (request_value, limit_value, enforced_value) = enforced_values(request, limit, enforced);
    let prefix = format!("minimum {resource} usage per {limit_type} is {enforced}");
    match (request, limit) {
        (None, _) => Some(format!("{prefix}.  No request is specified")),
        (Some(request), _) if request_value < enforced_value => Some(format!("{prefix}, but request is {request}")),
        (_, Some(limit)) if limit_value < enforced_value => Some(format!("{prefix}, but limit is {limit}")),
        _ => None,
    }
}

/// `maxConstraint`.
fn max_constraint(
    limit_type: &str,
    resource: &str,
    enforced: &Quantity,
    requests: &ResourceList,
    limits: &ResourceList,
) -> Option<String> {
    let (request, limit) = (requests.get(resource), limits.get(resource));
    let (request_value, limit_value, enforced_value) = enforced_values(request, limit, enforced);
    let prefix = format!("maximum {resource} usage per {limit_type} is {enforced}");
    match (request, limit) {
        (_, None) => Some(format!("{prefix}.  No limit is specified")),
        (_, Some(limit)) if limit_value > enforced_value => Some(format!("{prefix}, but limit is {limit}")),
        (Some(request), _) if request_value > enforced_value => Some(format!("{prefix}, but request is {request}")),
        _ => None,
    }
}

/// `maxRequestConstraint` (PersistentVolumeClaims: only requests count).
fn max_request_constraint(
    limit_type: &str,
    resource: &str,
    enforced: &Quantity,
    requests: &ResourceList,
) -> Option<String> {
    let request = requests.get(resource);
    let (request_value, _, enforced_value) = enforced_values(request, None, enforced);
    let prefix = format!("maximum {resource} usage per {limit_type} is {enforced}");
    match request {
        None => Some(format!("{prefix}.  No request is specified")),
        Some(request) if request_value > enforced_value => Some(format!("{prefix}, but request is {request}")),
        _ => None,
    }
}

/// `limitRequestRatioConstraint`; the ratio prints with Go's `%f`.
fn ratio_constraint(
    limit_type: &str,
    resource: &str,
    enforced: &Quantity,
    requests: &ResourceList,
    limits: &ResourceList,
) -> Option<String> {
    let (request, limit) = (requests.get(resource), limits.get(resource));
    let (request_value, limit_value, _) = enforced_values(request, limit, enforced);
    let prefix = format!("{resource} max limit to request ratio per {limit_type} is {enforced}");
    if request.is_none() || request_value == 0 {
        return Some(format!("{prefix}, but no request is specified or request is 0"));
    }
    if limit.is_none() || limit_value == 0 {
        return Some(format!("{prefix}, but no limit is specified or limit is 0"));
    }
    let display_ratio = limit_value as f64 / request_value as f64;
    let (observed, maximum) = if enforced.value() <= MAX_MILLI_VALUE {
        (display_ratio * 1000.0, enforced.milli_value() as f64)
    } else {
        (display_ratio, enforced.value() as f64)
    };
    (observed > maximum).then(|| format!("{prefix}, but provided ratio is {display_ratio:.6}"))
}

/// Applies one item's `min`, `max` and `maxLimitRequestRatio` to a set of requests and limits.
fn check_item(
    item: &Value,
    limit_type: &str,
    requests: &ResourceList,
    limits: &ResourceList,
    errors: &mut Vec<String>,
) {
    for (resource, enforced) in resource_list(item.get("min")) {
        errors.extend(min_constraint(limit_type, &resource, &enforced, requests, limits));
    }
    for (resource, enforced) in resource_list(item.get("max")) {
        errors.extend(max_constraint(limit_type, &resource, &enforced, requests, limits));
    }
    for (resource, enforced) in resource_list(item.get("maxLimitRequestRatio")) {
        errors.extend(ratio_constraint(limit_type, &resource, &enforced, requests, limits));
    }
}

/// The limitranger's own `podRequests`/`podLimits`: the containers (sidecar formula, no
/// overhead), overridden by pod-level cpu and memory when `spec.resources` is set.
fn limit_ranger_pod_resources(pod: &Value, limits: bool) -> ResourceList {
    let mut list = aggregate_containers(pod, limits);
    if let Some(level) = pod_level_requirements(pod) {
        let pod_level = if limits { level.limits } else { level.requests };
        for (name, q) in pod_level.into_iter().filter(|(name, _)| name == "cpu" || name == "memory") {
            list.insert(name, q);
        }
    }
    list
}

/// `PodValidateLimitFunc` for one LimitRange: every violation, in upstream order.
pub fn pod_violations(limit_range: &Value, pod: &Value) -> Vec<String> {
    let mut errors = Vec::new();
    for item in limit_range.array_at("/spec/limits") {
        match item.str_at("/type") {
            Some("Container") => {
                for container in pod.array_at("/spec/containers").iter().chain(pod.array_at("/spec/initContainers")) {
                    let requirements = container_requirements(container);
                    check_item(item, "Container", &requirements.requests, &requirements.limits, &mut errors);
                }
            }
            Some("Pod") => {
                let requests = limit_ranger_pod_resources(pod, false);
                let limits = limit_ranger_pod_resources(pod, true);
                check_item(item, "Pod", &requests, &limits, &mut errors);
            }
            _ => {}
        }
    }
    errors
}

/// The LimitRanger's validation of a pod create against the namespace's LimitRanges (in the
/// given order; upstream's is the informer's). `Err` carries the text after
/// `pods "<name>" is forbidden: ` — one violation bare, several as `[a, b]`.
pub fn validate_pod(limit_ranges: &[&Value], pod: &Value) -> Result<(), String> {
    for limit_range in limit_ranges {
        let errors = pod_violations(limit_range, pod);
        if !errors.is_empty() {
            return Err(aggregate_messages(&errors));
        }
    }
    Ok(())
}

/// [`validate_pod`] with the full message: `pods "web" is forbidden: [maximum ..., ...]`.
pub fn validate_pod_message(limit_ranges: &[&Value], pod: &Value) -> Result<(), String> {
    validate_pod(limit_ranges, pod).map_err(|detail| forbidden_message("pods", &error_name(pod), &detail))
}

/// `PersistentVolumeClaimValidateLimitFunc`: `PersistentVolumeClaim` items' `min` and `max`
/// against `spec.resources.requests` (limits are ignored). `Err` as for [`validate_pod`].
pub fn validate_pvc(limit_ranges: &[&Value], pvc: &Value) -> Result<(), String> {
    let requests = resource_list(pvc.pointer("/spec/resources/requests"));
    for limit_range in limit_ranges {
        let mut errors = Vec::new();
        for item in limit_range.array_at("/spec/limits") {
            if item.str_at("/type") != Some("PersistentVolumeClaim") {
                continue;
            }
            for (resource, enforced) in resource_list(item.get("min")) {
                errors.extend(min_constraint(
                    "PersistentVolumeClaim",
                    &resource,
                    &enforced,
                    &requests,
                    &ResourceList::new(),
                ));
            }
            for (resource, enforced) in resource_list(item.get("max")) {
                errors.extend(max_request_constraint("PersistentVolumeClaim", &resource, &enforced, &requests));
            }
        }
        if !errors.is_empty() {
            return Err(aggregate_messages(&errors));
        }
    }
    Ok(())
}

/// `helper.IsOvercommitAllowed`: native resources except hugepages.
fn overcommit_allowed(name: &str) -> bool {
    (!name.contains('/') || name.contains("kubernetes.io/")) && !name.starts_with("hugepages-")
}

/// The resource checks of `ValidateResourceRequirements` for every container and init container
/// (in that order), as field errors (`spec.containers[0].resources.requests: Invalid value: "2":
/// must be less than or equal to cpu limit of 1`). Run on the pod after LimitRanger's defaulting:
/// a request of 2 against a defaulted limit of 1 fails here, before LimitRanger validation. Also
/// reported: negative quantities, fractional extended resources, extended resources and hugepages
/// whose request differs from (or lacks) a limit, hugepages without cpu or memory. Within one
/// container limits come before requests, each sorted by name (upstream: Go map order).
pub fn validate_requests_within_limits(pod: &Value) -> Vec<String> {
    let mut errors = Vec::new();
    for (list, path) in [("containers", "spec.containers"), ("initContainers", "spec.initContainers")] {
        for (index, container) in pod.array_at(&format!("/spec/{list}")).iter().enumerate() {
            let requirements = container_requirements(container);
            requirement_errors(
                &requirements.requests,
                &requirements.limits,
                &format!("{path}[{index}].resources"),
                &mut errors,
            );
        }
    }
    errors
}

fn requirement_errors(requests: &ResourceList, limits: &ResourceList, base: &str, errors: &mut Vec<String>) {
    let quantity_errors = |path: String, name: &str, q: &Quantity, errors: &mut Vec<String>| {
        if q.sign() < 0 {
            errors.push(format!(
                "{path}: Invalid value: {}: must be greater than or equal to 0",
                go_quote(&q.canonical())
            ));
        }
        if is_extended_resource_name(name) && q.milli_value() % 1000 != 0 {
            errors.push(format!("{path}: Invalid value: {}: must be an integer", go_quote(&q.canonical())));
        }
    };
    for (name, limit) in limits {
        quantity_errors(format!("{base}.limits[{name}]"), name, limit, errors);
    }
    for (name, request) in requests {
        quantity_errors(format!("{base}.requests[{name}]"), name, request, errors);
        let value = go_quote(&request.canonical());
        match limits.get(name) {
            Some(limit) if request != limit && !overcommit_allowed(name) => errors
                .push(format!("{base}.requests: Invalid value: {value}: must be equal to {name} limit of {limit}")),
            Some(limit) if request > limit => errors.push(format!(
                "{base}.requests: Invalid value: {value}: must be less than or equal to {name} limit of {limit}"
            )),
            None if !overcommit_allowed(name) => errors
                .push(format!("{base}.limits: Required value: Limit must be set for non overcommitable resources")),
            _ => {}
        }
    }
    let any = |f: &dyn Fn(&str) -> bool| requests.keys().chain(limits.keys()).any(|k| f(k));
    if any(&|k| k.starts_with("hugepages-")) && !any(&|k| k == "cpu" || k == "memory") {
        errors.push(format!("{base}: Forbidden: HugePages require cpu or memory"));
    }
}

/// `apierrors.NewInvalid`: `<Kind> "<name>" is invalid: <errors>` (several as `[a, b]`, duplicates
/// dropped). `kind` is the GroupKind string (`Pod`, `Deployment.apps`).
pub fn invalid_message(kind: &str, name: &str, errors: &[String]) -> String {
    if errors.is_empty() {
        format!("{kind} {} is invalid", go_quote(name))
    } else {
        format!("{kind} {} is invalid: {}", go_quote(name), aggregate_messages(errors))
    }
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

    fn pod(name: &str, containers: Value) -> Value {
        json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name}, "spec": {"containers": containers}})
    }

    fn containers(n: usize, requests: Value, limits: Value) -> Value {
        Value::Array(
            (0..n)
                .map(|i| json!({"name": format!("c{i}"), "resources": {"requests": requests, "limits": limits}}))
                .collect(),
        )
    }

    fn limit_range(items: Value) -> Value {
        json!({"apiVersion": "v1", "kind": "LimitRange", "metadata": {"name": "limits"}, "spec": {"limits": items}})
    }

    /// Upstream `mergePodResourceRequirements`: containers before init containers, and a later
    /// LimitRange neither overrides what an earlier one set nor keeps its annotation.
    #[test]
    fn defaults_order_and_multiple_limit_ranges() {
        let first =
            limit_range(json!([{"type": "Container", "default": {"cpu": "1"}, "defaultRequest": {"cpu": "500m"}}]));
        let second = limit_range(
            json!([{"type": "Container", "default": {"cpu": "2", "memory": "1Gi"}, "defaultRequest": {"cpu": "1", "memory": "1Gi"}}]),
        );
        let mut p = json!({"spec": {"initContainers": [{"name": "init"}], "containers": [{"name": "app"}]}});
        let text = apply_defaults(&[&first, &second], &mut p).unwrap();
        assert_eq!(
            text,
            "LimitRanger plugin set: memory request for container app; memory limit for container app; memory request for init container init; memory limit for init container init"
        );
        assert_eq!(p.pointer("/spec/containers/0/resources/limits/cpu"), Some(&json!("1")));
        assert_eq!(p.pointer("/spec/containers/0/resources/requests/cpu"), Some(&json!("500m")));
        let mut q = json!({"spec": {"initContainers": [{"name": "init"}], "containers": [{"name": "app"}]}});
        assert_eq!(
            apply_defaults(&[&first], &mut q).unwrap(),
            "LimitRanger plugin set: cpu request for container app; cpu limit for container app; cpu request for init container init; cpu limit for init container init"
        );
    }

    /// TestPodLimitFunc error cases "ctr-min-cpu-request", "ctr-max-cpu-ratio",
    /// "ctr-max-mem-request-limit", "ctr-min-memory-no-request-limit", "ctr-max-cpu-no-request-limit",
    /// with the messages PodValidateLimitFunc builds.
    #[test]
    fn container_min_max_ratio_messages() {
        let check = |items: Value, requests: Value, limits: Value| {
            validate_pod(&[&limit_range(items)], &pod("p", containers(1, requests, limits))).unwrap_err()
        };
        assert_eq!(
            check(json!([{"type": "Container", "min": {"cpu": "50m"}}]), json!({"cpu": "40m"}), json!({})),
            "minimum cpu usage per Container is 50m, but request is 40m"
        );
        assert_eq!(
            check(
                json!([{"type": "Container", "maxLimitRequestRatio": {"cpu": "1"}}]),
                json!({"cpu": "1250m"}),
                json!({"cpu": "2500m"})
            ),
            "cpu max limit to request ratio per Container is 1, but provided ratio is 2.000000"
        );
        assert_eq!(
            check(
                json!([{"type": "Container", "max": {"memory": "1Gi"}}]),
                json!({"memory": "250Mi"}),
                json!({"memory": "2Gi"})
            ),
            "maximum memory usage per Container is 1Gi, but limit is 2Gi"
        );
        assert_eq!(
            check(json!([{"type": "Container", "min": {"memory": "50Mi"}}]), json!({}), json!({})),
            "minimum memory usage per Container is 50Mi.  No request is specified"
        );
        assert_eq!(
            check(json!([{"type": "Container", "max": {"cpu": "2"}}]), json!({}), json!({})),
            "maximum cpu usage per Container is 2.  No limit is specified"
        );
        assert_eq!(
            check(json!([{"type": "Container", "maxLimitRequestRatio": {"memory": "2"}}]), json!({}), json!({})),
            "memory max limit to request ratio per Container is 2, but no request is specified or request is 0"
        );
        assert_eq!(
            check(json!([{"type": "Container", "min": {"cpu": "100m"}}]), json!({"cpu": "1"}), json!({"cpu": "50m"})),
            "minimum cpu usage per Container is 100m, but limit is 50m"
        );
        // MilliValue rounds up: 1500u is 2m, so a 2m minimum holds.
        assert_eq!(
            validate_pod(
                &[&limit_range(json!([{"type": "Container", "min": {"cpu": "2m"}}]))],
                &pod("p", containers(1, json!({"cpu": "1500u"}), json!({})))
            ),
            Ok(())
        );
    }

    /// Several violations join as `[a, b]` in upstream order (min, max, ratio per container),
    /// the full `pods "x" is forbidden: ...` message, and the first LimitRange with violations wins.
    #[test]
    fn violations_join_and_first_limit_range_wins() {
        let lr = limit_range(
            json!([{"type": "Container", "min": {"cpu": "100m", "memory": "256Mi"}, "max": {"cpu": "500m"}, "maxLimitRequestRatio": {"cpu": "2"}}]),
        );
        let p = pod("shop", containers(1, json!({"cpu": "250m", "memory": "32Mi"}), json!({"cpu": "1"})));
        assert_eq!(
            validate_pod_message(&[&lr], &p).unwrap_err(),
            "pods \"shop\" is forbidden: [minimum memory usage per Container is 256Mi, but request is 32Mi, \
             maximum cpu usage per Container is 500m, but limit is 1, cpu max limit to request ratio per Container is 2, but provided ratio is 4.000000]"
        );
        let fine = limit_range(json!([{"type": "Container", "max": {"cpu": "4"}}]));
        let strict = limit_range(json!([{"type": "Container", "max": {"cpu": "100m"}}]));
        assert_eq!(
            validate_pod(&[&fine, &strict, &lr], &p).unwrap_err(),
            "maximum cpu usage per Container is 100m, but limit is 1"
        );
        // identical messages from two containers appear once (NewAggregate)
        let two = pod("two", containers(2, json!({"cpu": "1"}), json!({"cpu": "1"})));
        assert_eq!(
            validate_pod(&[&strict], &two).unwrap_err(),
            "maximum cpu usage per Container is 100m, but limit is 1"
        );
    }

    /// TestPodLimitFunc "pod-max-cpu-request-limit", "pod-init-max-mem-limit", "pod-max-mem-ratio":
    /// `Pod` items compare the pod's totals (init containers define the minimum).
    #[test]
    fn pod_items_use_pod_totals() {
        let max_cpu = limit_range(json!([{"type": "Pod", "max": {"cpu": "2"}}]));
        let p = pod("pod-max-cpu-request-limit", containers(3, json!({"cpu": "500m"}), json!({"cpu": "1"})));
        assert_eq!(validate_pod(&[&max_cpu], &p).unwrap_err(), "maximum cpu usage per Pod is 2, but limit is 3");

        let max_mem = limit_range(json!([{"type": "Pod", "max": {"memory": "1Gi"}}]));
        let mut init = pod("pod-init-max-mem-limit", containers(1, json!({}), json!({"memory": "500Mi"})));
        init.set_at("/spec/initContainers", json!([{"name": "init", "resources": {"limits": {"memory": "1.5Gi"}}}]));
        assert_eq!(
            validate_pod(&[&max_mem], &init).unwrap_err(),
            "maximum memory usage per Pod is 1Gi, but limit is 1536Mi"
        );

        let ratio =
            limit_range(json!([{"type": "Pod", "max": {"memory": "2Gi"}, "maxLimitRequestRatio": {"memory": "1.5"}}]));
        let p = pod("pod-max-mem-ratio", containers(3, json!({"memory": "250Mi"}), json!({"memory": "500Mi"})));
        assert_eq!(
            validate_pod(&[&ratio], &p).unwrap_err(),
            "memory max limit to request ratio per Pod is 1500m, but provided ratio is 2.000000"
        );
    }

    #[test]
    fn persistent_volume_claims() {
        let lr = limit_range(
            json!([{"type": "PersistentVolumeClaim", "min": {"storage": "1Gi"}, "max": {"storage": "2Gi"}}]),
        );
        let pvc = |storage: Value| json!({"spec": {"resources": {"requests": storage}}});
        assert_eq!(
            validate_pvc(&[&lr], &pvc(json!({"storage": "5Gi"}))).unwrap_err(),
            "maximum storage usage per PersistentVolumeClaim is 2Gi, but request is 5Gi"
        );
        assert_eq!(
            validate_pvc(&[&lr], &pvc(json!({}))).unwrap_err(),
            "[minimum storage usage per PersistentVolumeClaim is 1Gi.  No request is specified, maximum storage usage per PersistentVolumeClaim is 2Gi.  No request is specified]"
        );
        assert_eq!(validate_pvc(&[&lr], &pvc(json!({"storage": "1536Mi"}))), Ok(()));
    }

    /// vcluster's e2e: a pod requesting cpu 2 where the LimitRange defaults the limit to 1 is
    /// rejected by field validation after LimitRanger's defaulting.
    #[test]
    fn request_above_defaulted_limit_is_invalid() {
        let mut lr =
            limit_range(json!([{"type": "Container", "default": {"cpu": "1"}, "defaultRequest": {"cpu": "500m"}}]));
        default_limit_range(&mut lr);
        let mut p = pod("nginx", json!([{"name": "nginx", "resources": {"requests": {"cpu": "2"}}}]));
        apply_defaults(&[&lr], &mut p);
        let errors = validate_requests_within_limits(&p);
        assert_eq!(
            errors,
            [
                "spec.containers[0].resources.requests: Invalid value: \"2\": must be less than or equal to cpu limit of 1"
            ]
        );
        assert_eq!(
            invalid_message("Pod", "nginx", &errors),
            "Pod \"nginx\" is invalid: spec.containers[0].resources.requests: Invalid value: \"2\": must be less than or equal to cpu limit of 1"
        );
        let gpu = json!({"spec": {
            "containers": [{"name": "a", "resources": {"requests": {"memory": "2Gi", "example.com/gpu": "1"}, "limits": {"memory": "1Gi", "example.com/gpu": "2"}}}],
            "initContainers": [{"name": "b", "resources": {"requests": {"example.com/gpu": "500m"}}}]}});
        assert_eq!(
            validate_requests_within_limits(&gpu),
            [
                "spec.containers[0].resources.requests: Invalid value: \"1\": must be equal to example.com/gpu limit of 2",
                "spec.containers[0].resources.requests: Invalid value: \"2Gi\": must be less than or equal to memory limit of 1Gi",
                "spec.initContainers[0].resources.requests[example.com/gpu]: Invalid value: \"500m\": must be an integer",
                "spec.initContainers[0].resources.limits: Required value: Limit must be set for non overcommitable resources",
            ]
        );
        assert_eq!(invalid_message("Pod", "x", &["a".into(), "b".into()]), "Pod \"x\" is invalid: [a, b]");
    }
}
