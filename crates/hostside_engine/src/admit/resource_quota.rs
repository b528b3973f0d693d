//! The ResourceQuota admission plugin's check of a **create** (Kubernetes 1.37 / master):
//! `staging/src/k8s.io/apiserver/pkg/admission/plugin/resourcequota/controller.go`
//! (`CheckRequest`, `prettyPrint`), `staging/src/k8s.io/apiserver/pkg/quota/v1/resources.go` and
//! `generic/evaluator.go` (object counting, `CalculateUsageStats`), the evaluators of
//! `pkg/quota/v1/evaluator/core/` (`pods.go`, `services.go`, `persistent_volume_claims.go`,
//! `registry.go`), the pod arithmetic of `staging/src/k8s.io/component-helpers/resource/helpers.go`
//! (`PodRequests`/`PodLimits`, sidecar formula) and the QoS of
//! `pkg/apis/core/v1/helper/qos/qos.go`, plus `admission.NewForbidden` for the full message.
//!
//! What a quota's numbers are, here: `hard` is `spec.hard` (the quota controller copies it to
//! `status.hard`); `used` is what the quota controller would compute from the objects already in
//! the namespace (`used_objects`), honouring the quota's scopes — [`admit_using_status`] instead
//! reads `status.used` like the real plugin does. A quota whose scopes do not match the object,
//! or whose `hard` names nothing the object's evaluator tracks, does not apply.
//!
//! The rules, in upstream order:
//! 1. For each applicable quota in the given order, the evaluator's constraints: for pods, every
//!    container and init container must set `cpu`/`memory` requests or limits that the quota
//!    tracks: `failed quota: <name>: must specify <resource> for: <containers>; ...`. The first
//!    failing quota wins.
//! 2. The object's usage must not be negative: `quota usage is negative for resource(s): ...`.
//! 3. For each applicable quota in order: `used + requested` must stay within `hard` for every
//!    requested resource the quota tracks, else `exceeded quota: <name>, requested: ..., used:
//!    ..., limited: ...` listing only the exceeded resources, sorted by name, each printed with
//!    `Quantity.String()`. The first exceeded quota wins (upstream's order is the informer's,
//!    i.e. unspecified; callers wanting determinism pass quotas sorted by name).
//!
//! Message history: the container names in the "must specify" message came with
//! kubernetes/kubernetes#107210 (merged in the 1.24 cycle, spring 2022; the release was not
//! pinned against a tag). Before it the message was `must specify limits.cpu,limits.memory,...`
//! (sorted, comma-joined, see [`legacy_must_specify_message`]).
//!
//! Not modelled: the admission configuration's `limitedResources` ("insufficient quota to
//! consume/match" errors), updates and the `resize`/`status` subresources, DRA `ResourceClaim`
//! device quotas (ResourceClaims are counted as objects only), pods whose deletion grace period
//! has expired (no clock: they still count), and in-place-resize status resources. Objects are
//! expected as the API server holds them after decoding; the decode defaulting that matters
//! here (container requests default to limits, pod-level requests default to pod-level limits)
//! is applied internally, the LimitRanger/RuntimeClass mutations are not.

use super::quantity::{self, Format, Quantity};
use crate::value::ValueExt;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// A `ResourceList`, sorted by name (the order `prettyPrint` uses).
pub type ResourceList = BTreeMap<String, Quantity>;

/// The resources whose absence from a container fails a pod that a quota on them applies to
/// (`validationSet`).
const VALIDATION_SET: [&str; 6] = ["cpu", "memory", "requests.cpu", "requests.memory", "limits.cpu", "limits.memory"];

/// `podResources`.
const POD_RESOURCES: [&str; 11] = [
    "count/pods",
    "cpu",
    "memory",
    "ephemeral-storage",
    "requests.cpu",
    "requests.memory",
    "requests.ephemeral-storage",
    "limits.cpu",
    "limits.memory",
    "limits.ephemeral-storage",
    "pods",
];

const SERVICE_RESOURCES: [&str; 4] = ["count/services", "services", "services.nodeports", "services.loadbalancers"];

const STORAGE_CLASS_SUFFIX: &str = ".storageclass.storage.k8s.io/";
const DEVICE_CLASS_PREFIX: &str = "deviceclass.resource.kubernetes.io/";

/// Group resources quota admission ignores (`pkg/quota/v1/install` `ignoredResources`).
const IGNORED_RESOURCES: [&str; 10] = [
    "bindings",
    "componentstatuses",
    "tokenreviews.authentication.k8s.io",
    "selfsubjectreviews.authentication.k8s.io",
    "subjectaccessreviews.authorization.k8s.io",
    "selfsubjectaccessreviews.authorization.k8s.io",
    "localsubjectaccessreviews.authorization.k8s.io",
    "selfsubjectrulesreviews.authorization.k8s.io",
    "events",
    "events.events.k8s.io",
];

/// Reads a `ResourceList` object; entries that are not quantities are skipped (the API server
/// would have rejected them while decoding).
pub fn resource_list(value: Option<&Value>) -> ResourceList {
    value
        .and_then(Value::as_object)
        .map(|map| map.iter().filter_map(|(k, v)| quantity::from_json(v).ok().map(|q| (k.clone(), q))).collect())
        .unwrap_or_default()
}

/// A container's (or the pod's) resources after decode defaulting: a request missing for a
/// limited resource defaults to the limit (`SetDefaults_Pod`).
#[derive(Clone, Debug, Default)]
pub struct Requirements {
    pub requests: ResourceList,
    pub limits: ResourceList,
}

/// The defaulted requirements of one container object.
pub fn container_requirements(container: &Value) -> Requirements {
    let limits = resource_list(container.pointer("/resources/limits"));
    let mut requests = resource_list(container.pointer("/resources/requests"));
    for (name, limit) in &limits {
        requests.entry(name.clone()).or_insert_with(|| limit.clone());
    }
    Requirements { requests, limits }
}

/// `resourcehelper.IsSupportedPodLevelResource`: cpu, memory and hugepages.
fn supported_pod_level(name: &str) -> bool {
    name == "cpu" || name == "memory" || name.starts_with("hugepages-")
}

/// `spec.resources` after decode defaulting (`defaultPodRequests`), when the pod sets it.
pub fn pod_level_requirements(pod: &Value) -> Option<Requirements> {
    let resources = pod.pointer("/spec/resources").filter(|r| r.is_object())?;
    let limits = resource_list(resources.get("limits"));
    let mut requests = resource_list(resources.get("requests"));
    if !limits.is_empty() {
        for (name, request) in aggregate_containers(pod, false) {
            if name.starts_with("hugepages-") {
                requests.entry(name).or_insert(request);
            }
        }
        for (name, limit) in &limits {
            if supported_pod_level(name) {
                requests.entry(name.clone()).or_insert_with(|| limit.clone());
            }
        }
    }
    Some(Requirements { requests, limits })
}

/// `addResourceList`: a new name takes a copy (remembered text included), an existing one sums.
pub fn add_resource_list(list: &mut ResourceList, new: &ResourceList) {
    for (name, q) in new {
        match list.get_mut(name) {
            Some(value) => value.add(q),
            None => {
                list.insert(name.clone(), q.clone());
            }
        }
    }
}

/// `maxResourceList`: keeps the greater value, the existing one on ties.
pub fn max_resource_list(list: &mut ResourceList, new: &ResourceList) {
    for (name, q) in new {
        if list.get(name).is_none_or(|value| q > value) {
            list.insert(name.clone(), q.clone());
        }
    }
}

/// `quota.Add`: a new list with `a + b` per name.
fn quota_add(a: &ResourceList, b: &ResourceList) -> ResourceList {
    let mut result = a.clone();
    for (name, value) in result.iter_mut() {
        if let Some(other) = b.get(name) {
            value.add(other);
        }
    }
    for (name, q) in b {
        result.entry(name.clone()).or_insert_with(|| q.clone());
    }
    result
}

/// `quota.Mask`.
fn mask<'a>(list: &ResourceList, names: impl IntoIterator<Item = &'a String>) -> ResourceList {
    names.into_iter().filter_map(|name| list.get(name).map(|q| (name.clone(), q.clone()))).collect()
}

/// Containers' requests (or limits) with the sidecar formula of `aggregateContainerResourcesByFn`:
/// the sum of app containers and restartable init containers, at least the peak of any init
/// container plus the restartable init containers started before it.
pub fn aggregate_containers(pod: &Value, limits: bool) -> ResourceList {
    let pick = |r: Requirements| if limits { r.limits } else { r.requests };
    let mut result = ResourceList::new();
    for container in pod.array_at("/spec/containers") {
        add_resource_list(&mut result, &pick(container_requirements(container)));
    }
    let mut restartable = ResourceList::new();
    let mut init_peak = ResourceList::new();
    for container in pod.array_at("/spec/initContainers") {
        let list = pick(container_requirements(container));
        if container.str_at("/restartPolicy") == Some("Always") {
            add_resource_list(&mut result, &list);
            add_resource_list(&mut restartable, &list);
            max_resource_list(&mut init_peak, &restartable);
        } else {
            let mut combined = ResourceList::new();
            add_resource_list(&mut combined, &list);
            add_resource_list(&mut combined, &restartable);
            max_resource_list(&mut init_peak, &combined);
        }
    }
    max_resource_list(&mut result, &init_peak);
    result
}

/// `resourcehelper.PodRequests` as the quota evaluator calls it: containers, pod-level requests
/// (when one names cpu, memory or hugepages) override, then `spec.overhead` is added.
pub fn pod_requests(pod: &Value) -> ResourceList {
    let mut requests = aggregate_containers(pod, false);
    if let Some(level) = pod_level_requirements(pod).filter(|l| l.requests.keys().any(|k| supported_pod_level(k))) {
        for (name, q) in level.requests.into_iter().filter(|(k, _)| supported_pod_level(k)) {
            requests.insert(name, q);
        }
    }
    add_resource_list(&mut requests, &resource_list(pod.pointer("/spec/overhead")));
    requests
}

/// `resourcehelper.PodLimits`: containers, pod-level limits override, overhead added to non-zero
/// limits only.
pub fn pod_limits(pod: &Value) -> ResourceList {
    let mut limits = aggregate_containers(pod, true);
    if let Some(level) =
        pod_level_requirements(pod).filter(|l| l.requests.keys().chain(l.limits.keys()).any(|k| supported_pod_level(k)))
    {
        for (name, q) in level.limits.into_iter().filter(|(k, _)| supported_pod_level(k)) {
            limits.insert(name, q);
        }
    }
    for (name, overhead) in resource_list(pod.pointer("/spec/overhead")) {
        if let Some(limit) = limits.get_mut(&name).filter(|l| !l.is_zero()) {
            limit.add(&overhead);
        }
    }
    limits
}

/// `helper.IsNativeResource`.
fn is_native_resource(name: &str) -> bool {
    !name.contains('/') || name.contains("kubernetes.io/")
}

/// `validation.IsQualifiedName`, as a predicate.
fn is_qualified_name(value: &str) -> bool {
    let (prefix, name) = match value.split('/').collect::<Vec<_>>()[..] {
        [name] => (None, name),
        [prefix, name] => (Some(prefix), name),
        _ => return false,
    };
    let name_ok = !name.is_empty()
        && name.len() <= 63
        && name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name.ends_with(|c: char| c.is_ascii_alphanumeric())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
    let prefix_ok = prefix.is_none_or(|p| {
        !p.is_empty()
            && p.len() <= 253
            && p.split('.').all(|label| {
                !label.is_empty()
                    && label.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
                    && label.ends_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
                    && label.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            })
    });
    name_ok && prefix_ok
}

/// `helper.IsExtendedResourceName`: a non-native, domain-qualified name.
pub fn is_extended_resource_name(name: &str) -> bool {
    !is_native_resource(name) && !name.starts_with("requests.") && is_qualified_name(&format!("requests.{name}"))
}

/// `schedutil.IsDRAExtendedResourceName`.
fn is_dra_extended_resource_name(name: &str) -> bool {
    is_extended_resource_name(name) || name.starts_with(DEVICE_CLASS_PREFIX)
}

/// `podComputeUsageHelper`.
fn pod_compute_usage(requests: &ResourceList, limits: &ResourceList) -> ResourceList {
    let mut result = ResourceList::new();
    result.insert("pods".to_string(), Quantity::parse("1").expect("literal"));
    for resource in ["cpu", "memory", "ephemeral-storage"] {
        if let Some(request) = requests.get(resource) {
            result.insert(resource.to_string(), request.clone());
            result.insert(format!("requests.{resource}"), request.clone());
        }
        if let Some(limit) = limits.get(resource) {
            result.insert(format!("limits.{resource}"), limit.clone());
        }
    }
    for (name, request) in requests {
        if name.starts_with("hugepages-") {
            result.insert(name.clone(), request.clone());
            result.insert(format!("requests.{name}"), request.clone());
        }
        if is_dra_extended_resource_name(name) {
            result.insert(format!("requests.{name}"), request.clone());
        }
    }
    result
}

/// `PodUsageFunc`: `count/pods` always; compute resources unless the pod is terminal
/// (`Succeeded`/`Failed`).
pub fn pod_usage(pod: &Value) -> ResourceList {
    let mut result = ResourceList::new();
    result.insert("count/pods".to_string(), Quantity::from_i64(1, Format::DecimalSI));
    if matches!(pod.str_at("/status/phase"), Some("Succeeded" | "Failed")) {
        return result;
    }
    quota_add(&result, &pod_compute_usage(&pod_requests(pod), &pod_limits(pod)))
}

/// `serviceEvaluator.Usage`.
pub fn service_usage(service: &Value) -> ResourceList {
    let ports = service.array_at("/spec/ports");
    let count = |n: usize| Quantity::from_i64(n as i64, Format::DecimalSI);
    let mut result = ResourceList::new();
    result.insert("count/services".to_string(), count(1));
    result.insert("services".to_string(), count(1));
    result.insert("services.loadbalancers".to_string(), Quantity::zero(Format::DecimalSI));
    result.insert("services.nodeports".to_string(), Quantity::zero(Format::DecimalSI));
    match service.str_at("/spec/type") {
        Some("NodePort") => {
            result.insert("services.nodeports".to_string(), count(ports.len()));
        }
        Some("LoadBalancer") => {
            let node_ports = if service.bool_at("/spec/allocateLoadBalancerNodePorts") == Some(false) {
                ports.iter().filter(|p| p.get("nodePort").and_then(Value::as_i64).is_some_and(|n| n != 0)).count()
            } else {
                ports.len()
            };
            result.insert("services.nodeports".to_string(), count(node_ports));
            result.insert("services.loadbalancers".to_string(), count(1));
        }
        _ => {}
    }
    result
}

/// `storagehelpers.GetPersistentVolumeClaimClass`: the beta annotation wins over the field.
fn pvc_class(pvc: &Value) -> &str {
    match pvc.pointer("/metadata/annotations/volume.beta.kubernetes.io~1storage-class") {
        Some(class) => class.as_str().unwrap_or_default(),
        None => pvc.str_at("/spec/storageClassName").unwrap_or_default(),
    }
}

/// `pvcEvaluator.Usage`: the request is rounded up to whole bytes; a larger
/// `status.allocatedResources.storage` wins.
pub fn pvc_usage(pvc: &Value) -> ResourceList {
    let one = || Quantity::from_i64(1, Format::DecimalSI);
    let mut result = ResourceList::new();
    result.insert("persistentvolumeclaims".to_string(), one());
    result.insert("count/persistentvolumeclaims".to_string(), one());
    let class = pvc_class(pvc);
    if !class.is_empty() {
        result.insert(format!("{class}{STORAGE_CLASS_SUFFIX}persistentvolumeclaims"), one());
    }
    let round = |q: Quantity| {
        let (rounded, exact) = q.round_up_to_integer();
        if exact { q } else { rounded }
    };
    let mut storage = resource_list(pvc.pointer("/spec/resources/requests")).remove("storage").map(round);
    let allocated = resource_list(pvc.pointer("/status/allocatedResources"));
    if let (Some(current), Some(allocated)) = (&storage, allocated.get("storage"))
        && allocated > current
    {
        storage = Some(round(allocated.clone()));
    }
    if let Some(storage) = storage {
        if !class.is_empty() {
            result.insert(format!("{class}{STORAGE_CLASS_SUFFIX}requests.storage"), storage.clone());
        }
        result.insert("requests.storage".to_string(), storage);
    }
    result
}

/// One `ScopedResourceSelectorRequirement` (plain `spec.scopes` become `Exists`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScopeSelector {
    pub scope_name: String,
    pub operator: String,
    pub values: Vec<String>,
}

/// `getScopeSelectorsFromQuota`.
pub fn quota_scope_selectors(quota: &Value) -> Vec<ScopeSelector> {
    let mut selectors: Vec<ScopeSelector> = quota
        .array_at("/spec/scopes")
        .iter()
        .filter_map(Value::as_str)
        .map(|scope| ScopeSelector { scope_name: scope.to_string(), operator: "Exists".to_string(), values: vec![] })
        .collect();
    for expression in quota.array_at("/spec/scopeSelector/matchExpressions") {
        selectors.push(ScopeSelector {
            scope_name: expression.str_at("/scopeName").unwrap_or_default().to_string(),
            operator: expression.str_at("/operator").unwrap_or_default().to_string(),
            values: expression.array_at("/values").iter().filter_map(Value::as_str).map(str::to_string).collect(),
        });
    }
    selectors
}

/// The label-selector semantics of `ScopedResourceSelectorRequirementsAsSelector` on a label set
/// holding at most the scope's own key.
fn selector_matches(selector: &ScopeSelector, value: Option<&str>) -> bool {
    let listed = |v: &str| selector.values.iter().any(|x| x == v);
    match selector.operator.as_str() {
        "In" => value.is_some_and(listed),
        "NotIn" => value.is_none_or(|v| !listed(v)),
        "Exists" => value.is_some(),
        "DoesNotExist" => value.is_none(),
        _ => false,
    }
}

/// `IsTerminating`: `activeDeadlineSeconds >= 0`.
fn is_terminating(pod: &Value) -> bool {
    pod.i64_at("/spec/activeDeadlineSeconds").is_some_and(|s| s >= 0)
}

/// `qos.GetPodQOS`: `status.qosClass` when set, else `ComputePodQOS`.
pub fn pod_qos(pod: &Value) -> &str {
    if let Some(class) = pod.str_at("/status/qosClass").filter(|c| !c.is_empty()) {
        return class;
    }
    if let Some(level) = pod_level_requirements(pod) {
        return resource_qos(&level);
    }
    let mut pod_qos = None;
    for container in pod.array_at("/spec/initContainers").iter().chain(pod.array_at("/spec/containers")) {
        let qos = resource_qos(&container_requirements(container));
        match pod_qos {
            _ if qos == "Burstable" => return qos,
            None => pod_qos = Some(qos),
            Some(existing) if existing != qos => return "Burstable",
            _ => {}
        }
    }
    pod_qos.unwrap_or("BestEffort")
}

/// `resourceQOS` of one set of requirements.
fn resource_qos(requirements: &Requirements) -> &'static str {
    if requirements.requests.is_empty() && requirements.limits.is_empty() {
        return "BestEffort";
    }
    let zero = Quantity::zero(Format::DecimalSI);
    let mut qos = None;
    for resource in ["cpu", "memory"] {
        let request = requirements.requests.get(resource).unwrap_or(&zero);
        let limit = requirements.limits.get(resource).unwrap_or(&zero);
        if request != limit {
            return "Burstable";
        }
        let best_effort = request.is_zero();
        match qos {
            None => qos = Some(if best_effort { "BestEffort" } else { "Guaranteed" }),
            Some(existing) if best_effort != (existing == "BestEffort") => return "Burstable",
            _ => {}
        }
    }
    qos.unwrap_or("BestEffort")
}

/// `usesCrossNamespacePodAffinity`: a pod (anti-)affinity term naming namespaces or a namespace
/// selector.
fn uses_cross_namespace_pod_affinity(pod: &Value) -> bool {
    let cross = |term: &Value| {
        !term.array_at("/namespaces").is_empty() || term.get("namespaceSelector").is_some_and(|s| !s.is_null())
    };
    ["podAffinity", "podAntiAffinity"].iter().any(|kind| {
        let base = format!("/spec/affinity/{kind}");
        pod.array_at(&format!("{base}/requiredDuringSchedulingIgnoredDuringExecution")).iter().any(cross)
            || pod
                .array_at(&format!("{base}/preferredDuringSchedulingIgnoredDuringExecution"))
                .iter()
                .any(|weighted| weighted.get("podAffinityTerm").is_some_and(cross))
    })
}

/// `podMatchesScopeFunc`.
fn pod_matches_scope(selector: &ScopeSelector, pod: &Value) -> bool {
    match selector.scope_name.as_str() {
        "Terminating" => is_terminating(pod),
        "NotTerminating" => !is_terminating(pod),
        "BestEffort" => pod_qos(pod) == "BestEffort",
        "NotBestEffort" => pod_qos(pod) != "BestEffort",
        "PriorityClass" => {
            let class = pod.str_at("/spec/priorityClassName").filter(|c| !c.is_empty());
            if selector.operator == "Exists" { class.is_some() } else { selector_matches(selector, class) }
        }
        "CrossNamespacePodAffinity" => uses_cross_namespace_pod_affinity(pod),
        _ => false,
    }
}

/// `pvcMatchesScopeFunc`: the `VolumeAttributesClass` scope over the classes a claim references.
fn pvc_matches_scope(selector: &ScopeSelector, pvc: &Value) -> bool {
    if selector.scope_name != "VolumeAttributesClass" {
        return false;
    }
    let names: BTreeSet<&str> = [
        "/spec/volumeAttributesClassName",
        "/status/currentVolumeAttributesClassName",
        "/status/modifyVolumeStatus/targetVolumeAttributesClassName",
    ]
    .iter()
    .filter_map(|p| pvc.str_at(p))
    .filter(|n| !n.is_empty())
    .collect();
    if selector.operator == "Exists" {
        return !names.is_empty();
    }
    if names.is_empty() {
        return selector_matches(selector, None);
    }
    names.iter().any(|name| selector_matches(selector, Some(name)))
}

/// The quota evaluator registered for a group resource (`registry.go`; anything else gets
/// `generic.NewObjectCountEvaluator`).
#[derive(Clone, Debug, PartialEq, Eq)]
enum Evaluator {
    Pod,
    Service,
    PersistentVolumeClaim,
    /// Object counting under these names (`count/<resource>[.<group>]`, plus a legacy alias).
    Count(Vec<String>),
}

impl Evaluator {
    fn for_group_resource(group_resource: &str) -> Self {
        match group_resource {
            "pods" => Evaluator::Pod,
            "services" => Evaluator::Service,
            "persistentvolumeclaims" => Evaluator::PersistentVolumeClaim,
            "configmaps" | "resourcequotas" | "replicationcontrollers" | "secrets" => {
                Evaluator::Count(vec![format!("count/{group_resource}"), group_resource.to_string()])
            }
            other => Evaluator::Count(vec![format!("count/{other}")]),
        }
    }

    /// `MatchingResources`: the names of `hard` this evaluator tracks (deduplicated, sorted).
    fn matching_resources(&self, hard: &[String]) -> Vec<String> {
        let matched: BTreeSet<String> = hard
            .iter()
            .filter(|name| match self {
                Evaluator::Pod => {
                    POD_RESOURCES.contains(&name.as_str())
                        || name.starts_with("hugepages-")
                        || name.starts_with("requests.hugepages-")
                        || ((!is_native_resource(name) || name.starts_with(&format!("requests.{DEVICE_CLASS_PREFIX}")))
                            && name.starts_with("requests."))
                }
                Evaluator::Service => SERVICE_RESOURCES.contains(&name.as_str()),
                Evaluator::PersistentVolumeClaim => {
                    ["count/persistentvolumeclaims", "persistentvolumeclaims", "requests.storage"]
                        .contains(&name.as_str())
                        || name.ends_with(&format!("{STORAGE_CLASS_SUFFIX}persistentvolumeclaims"))
                        || name.ends_with(&format!("{STORAGE_CLASS_SUFFIX}requests.storage"))
                }
                Evaluator::Count(names) => names.contains(name),
            })
            .cloned()
            .collect();
        matched.into_iter().collect()
    }

    fn matches_scope(&self, selector: &ScopeSelector, object: &Value) -> bool {
        match self {
            Evaluator::Pod => pod_matches_scope(selector, object),
            Evaluator::PersistentVolumeClaim => pvc_matches_scope(selector, object),
            _ => false,
        }
    }

    fn usage(&self, object: &Value) -> ResourceList {
        match self {
            Evaluator::Pod => pod_usage(object),
            Evaluator::Service => service_usage(object),
            Evaluator::PersistentVolumeClaim => pvc_usage(object),
            Evaluator::Count(names) => {
                names.iter().map(|n| (n.clone(), Quantity::from_i64(1, Format::DecimalSI))).collect()
            }
        }
    }

    fn constraints(&self, required: &[String], object: &Value) -> Option<String> {
        match self {
            Evaluator::Pod => pod_constraints(required, object),
            _ => None,
        }
    }
}

/// `podEvaluator.Constraints`: which tracked cpu/memory resources each container leaves unset
/// (skipped when the pod sets pod-level resources).
fn pod_constraints(required: &[String], pod: &Value) -> Option<String> {
    let missing = missing_container_resources(required, pod);
    if missing.is_empty() {
        return None;
    }
    let parts: Vec<String> = missing
        .iter()
        .map(|(resource, containers)| {
            format!("{resource} for: {}", containers.iter().cloned().collect::<Vec<_>>().join(","))
        })
        .collect();
    Some(format!("must specify {}", parts.join("; ")))
}

/// Resource → names of the containers (app and init) that do not set it.
fn missing_container_resources(required: &[String], pod: &Value) -> BTreeMap<String, BTreeSet<String>> {
    let mut missing: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    if pod_level_requirements(pod)
        .is_some_and(|l| l.requests.keys().chain(l.limits.keys()).any(|k| supported_pod_level(k)))
    {
        return missing;
    }
    let required: BTreeSet<&str> =
        required.iter().map(String::as_str).filter(|name| VALIDATION_SET.contains(name)).collect();
    for container in pod.array_at("/spec/containers").iter().chain(pod.array_at("/spec/initContainers")) {
        let requirements = container_requirements(container);
        let usage = pod_compute_usage(&requirements.requests, &requirements.limits);
        for resource in required.iter().filter(|r| !usage.contains_key(**r)) {
            let name = container.str_at("/name").unwrap_or_default().to_string();
            missing.entry(resource.to_string()).or_default().insert(name);
        }
    }
    missing
}

/// The "must specify" message before kubernetes/kubernetes#107210 (Kubernetes ≤ 1.23):
/// the missing resources, sorted and comma-joined, without container names.
pub fn legacy_must_specify_message(quota_name: &str, pod: &Value, required: &[String]) -> Option<String> {
    let missing = missing_container_resources(required, pod);
    (!missing.is_empty()).then(|| {
        format!("failed quota: {quota_name}: must specify {}", missing.keys().cloned().collect::<Vec<_>>().join(","))
    })
}

/// The group resource (`GroupResource.String()`) of a kind: `pods`, `deployments.apps`. Plurals
/// follow `meta.UnsafeGuessKindToResource`; the group comes from the object's `apiVersion`.
pub fn group_resource(kind: &str, object: &Value) -> String {
    let group = object.str_at("/apiVersion").and_then(|v| v.split_once('/')).map_or("", |(group, _)| group);
    let lower = kind.to_lowercase();
    let resource = if lower == "endpoints" {
        lower
    } else if let Some(stem) = lower.strip_suffix('y') {
        format!("{stem}ies")
    } else if lower.ends_with('s') {
        format!("{lower}es")
    } else {
        format!("{lower}s")
    };
    if group.is_empty() { resource } else { format!("{resource}.{group}") }
}

/// The name admission errors show (`extractResourceName`): the name, else the generate-name
/// prefix, else `Unknown`. (In the validating phase a generated name is already set.)
pub fn error_name(object: &Value) -> String {
    [object.str_at("/metadata/name"), object.str_at("/metadata/generateName")]
        .into_iter()
        .flatten()
        .find(|n| !n.is_empty())
        .unwrap_or("Unknown")
        .to_string()
}

/// `apierrors.NewForbidden`: `<group resource> "<name>" is forbidden: <detail>`.
pub fn forbidden_message(group_resource: &str, name: &str, detail: &str) -> String {
    if group_resource.is_empty() {
        format!("forbidden: {detail}")
    } else if name.is_empty() {
        format!("{group_resource} is forbidden: {detail}")
    } else {
        format!("{group_resource} {} is forbidden: {detail}", go_quote(name))
    }
}

/// Go's `%q` for the strings that appear in object names and quantities.
pub fn go_quote(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{b}' => out.push_str("\\v"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `utilerrors.NewAggregate(errs).Error()`: duplicates dropped, one message bare, several as
/// `[a, b]`.
pub fn aggregate_messages(messages: &[String]) -> String {
    let mut unique: Vec<&str> = Vec::new();
    for message in messages {
        if !unique.contains(&message.as_str()) {
            unique.push(message);
        }
    }
    match unique.as_slice() {
        [one] => one.to_string(),
        many => format!("[{}]", many.join(", ")),
    }
}

/// `prettyPrint`: `name=quantity` sorted by name, comma-joined.
fn pretty_print(list: &ResourceList) -> String {
    list.iter().map(|(name, q)| format!("{name}={}", q.canonical())).collect::<Vec<_>>().join(",")
}

/// The usage the quota system charges for `object` of `kind` (`Evaluator.Usage`): pods,
/// services and persistent volume claims have their own evaluators, every other kind counts as
/// `count/<resource>[.<group>]` (configmaps, secrets, replicationcontrollers and resourcequotas
/// also under their legacy names).
pub fn object_usage(kind: &str, object: &Value) -> ResourceList {
    Evaluator::for_group_resource(&group_resource(kind, object)).usage(object)
}

/// Where a quota's `used` numbers come from.
enum Used<'a> {
    /// Recomputed from these objects, as the quota controller does.
    Objects(&'a [&'a Value]),
    /// The quota's own `status.used` (and `status.hard`), as the admission plugin reads them.
    Status,
}

/// Checks the creation of `object` (of `kind`, in the quotas' namespace) against `quotas`, with
/// `used` computed from `used_objects` (the objects of that namespace already admitted; objects
/// of other kinds are ignored, objects without `kind` are taken to be of `kind`). Returns the
/// text after `<resource> "<name>" is forbidden: `; see [`admit_message`] for the whole message.
pub fn admit(quotas: &[&Value], used_objects: &[&Value], kind: &str, object: &Value) -> Result<(), String> {
    check(quotas, Used::Objects(used_objects), kind, object)
}

/// [`admit`] for a pod.
pub fn admit_pod(quotas: &[&Value], used: &[&Value], pod: &Value) -> Result<(), String> {
    admit(quotas, used, "Pod", pod)
}

/// [`admit`] reading each quota's `status.hard`/`status.used` instead of recomputing usage, as the
/// real plugin does; a quota without `status.hard` matches nothing (not yet reconciled) and one
/// whose `status.used` lacks a tracked resource fails with `status unknown for quota: ...`.
pub fn admit_using_status(quotas: &[&Value], kind: &str, object: &Value) -> Result<(), String> {
    check(quotas, Used::Status, kind, object)
}

/// [`admit`] with the full API error message: `pods "web" is forbidden: exceeded quota: ...`.
pub fn admit_message(quotas: &[&Value], used_objects: &[&Value], kind: &str, object: &Value) -> Result<(), String> {
    admit(quotas, used_objects, kind, object)
        .map_err(|detail| forbidden_message(&group_resource(kind, object), &error_name(object), &detail))
}

fn check(quotas: &[&Value], used: Used<'_>, kind: &str, object: &Value) -> Result<(), String> {
    let group_resource = group_resource(kind, object);
    if IGNORED_RESOURCES.contains(&group_resource.as_str()) || quotas.is_empty() {
        return Ok(());
    }
    let evaluator = Evaluator::for_group_resource(&group_resource);
    let name_of = |quota: &Value| quota.str_at("/metadata/name").unwrap_or_default().to_string();

    // Pertinent quotas, and the constraints each imposes.
    let mut interesting = Vec::new();
    for quota in quotas {
        let hard = match used {
            Used::Objects(_) => resource_list(quota.pointer("/spec/hard").or_else(|| quota.pointer("/status/hard"))),
            Used::Status => resource_list(quota.pointer("/status/hard")),
        };
        let hard_names: Vec<String> = hard.keys().cloned().collect();
        let matched = evaluator.matching_resources(&hard_names);
        let selectors = quota_scope_selectors(quota);
        if matched.is_empty() || !selectors.iter().all(|s| evaluator.matches_scope(s, object)) {
            continue;
        }
        if let Some(error) = evaluator.constraints(&matched, object) {
            return Err(format!("failed quota: {}: {error}", name_of(quota)));
        }
        if let Used::Status = used {
            let status_used = resource_list(quota.pointer("/status/used"));
            if matched.iter().any(|name| !status_used.contains_key(name)) {
                return Err(format!("status unknown for quota: {}, resources: {}", name_of(quota), matched.join(",")));
            }
        }
        interesting.push((*quota, hard, matched, selectors));
    }

    let usage = evaluator.usage(object);
    let negative: Vec<&str> = usage.iter().filter(|(_, q)| q.sign() < 0).map(|(name, _)| name.as_str()).collect();
    if !negative.is_empty() {
        return Err(format!("quota usage is negative for resource(s): {}", negative.join(",")));
    }
    let delta: ResourceList = usage.into_iter().filter(|(_, q)| !q.is_zero()).collect();
    if delta.is_empty() {
        return Ok(());
    }

    for (quota, hard, matched, selectors) in interesting {
        let requested = mask(&delta, hard.keys());
        let current = match used {
            Used::Objects(objects) => computed_usage(&evaluator, kind, &matched, &selectors, objects),
            Used::Status => resource_list(quota.pointer("/status/used")),
        };
        let new_usage = quota_add(&current, &requested);
        let exceeded: Vec<String> = hard
            .iter()
            .filter(|(name, limit)| requested.contains_key(*name) && new_usage.get(*name).is_some_and(|u| u > *limit))
            .map(|(name, _)| name.clone())
            .collect();
        if !exceeded.is_empty() {
            return Err(format!(
                "exceeded quota: {}, requested: {}, used: {}, limited: {}",
                name_of(quota),
                pretty_print(&mask(&requested, &exceeded)),
                pretty_print(&mask(&current, &exceeded)),
                pretty_print(&mask(&hard, &exceeded)),
            ));
        }
    }
    Ok(())
}

/// `CalculateUsageStats` for one quota: each tracked resource starts at zero, then every object
/// of the kind matching the quota's scopes adds its usage.
fn computed_usage(
    evaluator: &Evaluator,
    kind: &str,
    matched: &[String],
    selectors: &[ScopeSelector],
    objects: &[&Value],
) -> ResourceList {
    let mut used: ResourceList = matched.iter().map(|name| (name.clone(), Quantity::zero(Format::DecimalSI))).collect();
    for object in objects {
        if object.str_at("/kind").is_some_and(|k| k != kind) {
            continue;
        }
        if selectors.iter().all(|s| evaluator.matches_scope(s, object)) {
            used = quota_add(&used, &evaluator.usage(object));
        }
    }
    mask(&used, matched)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pod(name: &str, containers: Value) -> Value {
        json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name}, "spec": {"containers": containers}})
    }

    fn container(name: &str, requests: Value, limits: Value) -> Value {
        json!({"name": name, "resources": {"requests": requests, "limits": limits}})
    }

    fn quota(name: &str, hard: Value) -> Value {
        json!({"apiVersion": "v1", "kind": "ResourceQuota", "metadata": {"name": name}, "spec": {"hard": hard}})
    }

    fn usage_strings(list: &ResourceList) -> Vec<String> {
        list.iter().map(|(k, v)| format!("{k}={v}")).collect()
    }

    /// TestPodConstraintsFunc ("multiple container resource missing",
    /// "container resource missing multiple", "init container resource missing").
    #[test]
    fn must_specify_names_containers() {
        let required = |names: &[&str]| names.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let foo_bar = pod("p", json!([{"name": "foo"}, {"name": "bar"}]));
        assert_eq!(
            pod_constraints(&required(&["memory", "cpu"]), &foo_bar).unwrap(),
            "must specify cpu for: bar,foo; memory for: bar,foo"
        );
        let cpu_only = json!({"spec": {"initContainers": [
            container("foo", json!({"cpu": "1m"}), json!({"cpu": "2m"})),
            container("bar", json!({"cpu": "1m"}), json!({"cpu": "2m"})),
        ]}});
        assert_eq!(pod_constraints(&required(&["memory"]), &cpu_only).unwrap(), "must specify memory for: bar,foo");
        // pod-level resources set: no container-level requirement
        let pod_level = json!({"spec": {"resources": {"requests": {"cpu": "1m"}}, "containers": [{"name": "foo"}]}});
        assert_eq!(pod_constraints(&required(&["memory", "cpu"]), &pod_level), None);
        // limits alone satisfy requests.* through decode defaulting
        let limits_only = pod("p", json!([container("app", json!({}), json!({"cpu": "1", "memory": "1Gi"}))]));
        assert_eq!(pod_constraints(&required(&["requests.cpu", "limits.memory"]), &limits_only), None);
    }

    /// The message shape seen on real clusters (e.g. kubectl run without resources against a
    /// quota on requests and limits), in full.
    #[test]
    fn must_specify_full_message() {
        let q = quota(
            "compute",
            json!({"requests.cpu": "1", "requests.memory": "1Gi", "limits.cpu": "2", "limits.memory": "2Gi"}),
        );
        let p = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "nginx2"}, "spec": {
            "initContainers": [{"name": "init-html", "resources": {}}],
            "containers": [{"name": "nginx", "resources": {"limits": {"cpu": "500m"}}}]}});
        assert_eq!(
            admit_message(&[&q], &[], "Pod", &p).unwrap_err(),
            "pods \"nginx2\" is forbidden: failed quota: compute: must specify limits.cpu for: init-html; \
             limits.memory for: init-html,nginx; requests.cpu for: init-html; requests.memory for: init-html,nginx"
        );
        assert_eq!(
            legacy_must_specify_message("compute", &p, &["limits.cpu".into(), "requests.memory".into()]).unwrap(),
            "failed quota: compute: must specify limits.cpu,requests.memory"
        );
    }

    /// TestAdmitExceedQuotaLimit with the message; two exceeded resources listed sorted, the
    /// untouched one (pods) left out.
    #[test]
    fn exceeded_lists_only_exceeded_resources_sorted() {
        let q = quota("quota", json!({"cpu": "3", "memory": "100Gi", "pods": "5"}));
        let existing = pod("old", json!([container("a", json!({"cpu": "1", "memory": "50Gi"}), json!({}))]));
        let fits = pod("allowed-pod", json!([container("a", json!({"cpu": "100m", "memory": "2Gi"}), json!({}))]));
        assert_eq!(admit_pod(&[&q], &[&existing], &fits), Ok(()));
        let too_big = pod("not-allowed-pod", json!([container("a", json!({"cpu": "3", "memory": "60Gi"}), json!({}))]));
        assert_eq!(
            admit_pod(&[&q], &[&existing], &too_big).unwrap_err(),
            "exceeded quota: quota, requested: cpu=3,memory=60Gi, used: cpu=1,memory=50Gi, limited: cpu=3,memory=100Gi"
        );
        assert_eq!(
            admit_message(&[&q], &[&existing], "Pod", &too_big).unwrap_err(),
            "pods \"not-allowed-pod\" is forbidden: exceeded quota: quota, requested: cpu=3,memory=60Gi, \
             used: cpu=1,memory=50Gi, limited: cpu=3,memory=100Gi"
        );
    }

    /// Object counts: the `pods=1, used: pods=2, limited: pods=2` message of a full namespace,
    /// terminal pods not counted (TestPodEvaluatorUsageStats "one pods in terminal state").
    #[test]
    fn pod_count_and_terminal_pods() {
        let q = quota("quota", json!({"pods": "2", "count/pods": "10"}));
        let running = pod("p1", json!([{"name": "a"}]));
        let mut done = pod("p2", json!([{"name": "a"}]));
        done.set_at("/status/phase", json!("Succeeded"));
        let new = pod("p3", json!([{"name": "a"}]));
        assert_eq!(admit_pod(&[&q], &[&running, &done], &new), Ok(()));
        let running2 = pod("p4", json!([{"name": "a"}]));
        assert_eq!(
            admit_pod(&[&q], &[&running, &running2, &done], &new).unwrap_err(),
            "exceeded quota: quota, requested: pods=1, used: pods=2, limited: pods=2"
        );
    }

    /// TestPodEvaluatorUsage "init container maximums override sum of containers".
    #[test]
    fn init_containers_define_the_minimum() {
        let p = json!({"spec": {
        "initContainers": [
            container("i1", json!({"cpu": "4", "memory": "100M", "example.com/dongle": "4"}), json!({"cpu": "8", "memory": "200M", "example.com/dongle": "4"})),
            container("i2", json!({"cpu": "1", "memory": "50M", "example.com/dongle": "2"}), json!({"cpu": "2", "memory": "100M", "example.com/dongle": "2"})),
        ],
        "containers": [
            container("c1", json!({"cpu": "1", "memory": "50M", "example.com/dongle": "1"}), json!({"cpu": "2", "memory": "100M", "example.com/dongle": "1"})),
            container("c2", json!({"cpu": "2", "memory": "25M", "example.com/dongle": "2"}), json!({"cpu": "5", "memory": "50M", "example.com/dongle": "2"})),
        ]}});
        assert_eq!(
            usage_strings(&pod_usage(&p)),
            [
                "count/pods=1",
                "cpu=4",
                "limits.cpu=8",
                "limits.memory=200M",
                "memory=100M",
                "pods=1",
                "requests.cpu=4",
                "requests.example.com/dongle=4",
                "requests.memory=100M",
            ]
        );
    }

    /// Restartable (sidecar) init containers add to the app containers and to every later init
    /// container (KEP-753 formula in component-helpers).
    #[test]
    fn sidecar_init_containers_add_up() {
        let p = json!({"spec": {
            "initContainers": [
                {"name": "sidecar", "restartPolicy": "Always", "resources": {"requests": {"cpu": "500m", "memory": "64Mi"}}},
                {"name": "migrate", "resources": {"requests": {"cpu": "2", "memory": "32Mi"}}},
            ],
            "containers": [{"name": "app", "resources": {"requests": {"cpu": "1", "memory": "128Mi"}}}]}});
        let usage = pod_usage(&p);
        // cpu: max(1 + 500m, 2 + 500m) = 2500m; memory: max(128Mi + 64Mi, 32Mi + 64Mi) = 192Mi
        assert_eq!(usage["requests.cpu"].canonical(), "2500m");
        assert_eq!(usage["requests.memory"].canonical(), "192Mi");
    }

    /// TestPodEvaluatorUsage "count pod overhead as usage", hugepages, ephemeral storage and the
    /// pod-level resources cases.
    #[test]
    fn overhead_hugepages_and_pod_level() {
        let with_overhead = json!({"spec": {"overhead": {"cpu": "1"}, "containers": [container("a", json!({"cpu": "1"}), json!({"cpu": "2"}))]}});
        let usage = pod_usage(&with_overhead);
        assert_eq!((usage["requests.cpu"].canonical(), usage["limits.cpu"].canonical()), ("2".into(), "3".into()));
        let huge = json!({"spec": {"containers": [container("a", json!({"hugepages-2Mi": "100Mi", "ephemeral-storage": "32Mi"}), json!({"ephemeral-storage": "64Mi"}))]}});
        assert_eq!(
            usage_strings(&pod_usage(&huge)),
            [
                "count/pods=1",
                "ephemeral-storage=32Mi",
                "hugepages-2Mi=100Mi",
                "limits.ephemeral-storage=64Mi",
                "pods=1",
                "requests.ephemeral-storage=32Mi",
                "requests.hugepages-2Mi=100Mi",
            ]
        );
        let pod_level = json!({"spec": {"resources": {"requests": {"memory": "1Mi"}, "limits": {"memory": "2Mi"}},
            "containers": [container("a", json!({"ephemeral-storage": "32Mi"}), json!({"ephemeral-storage": "64Mi"}))]}});
        let usage = pod_usage(&pod_level);
        assert_eq!(usage["requests.memory"].canonical(), "1Mi");
        assert_eq!(usage["limits.memory"].canonical(), "2Mi");
        assert_eq!(usage["requests.ephemeral-storage"].canonical(), "32Mi");
    }

    /// Scopes: Terminating/NotTerminating, BestEffort/NotBestEffort and PriorityClass selectors
    /// (TestPodEvaluatorMatchingScopes, TestPodEvaluatorUsageStats "partial pods matching
    /// quotaScopeSelector").
    #[test]
    fn scopes_select_quotas_and_usage() {
        let best_effort = pod("be", json!([{"name": "a"}]));
        let burstable = pod("b", json!([container("a", json!({"cpu": "100m"}), json!({}))]));
        let mut terminating = burstable.clone();
        terminating.set_at("/spec/activeDeadlineSeconds", json!(30));
        let mut be_quota = quota("be", json!({"pods": "1"}));
        be_quota.set_at("/spec/scopes", json!(["BestEffort"]));
        let mut term_quota = quota("term", json!({"pods": "0"}));
        term_quota.set_at("/spec/scopes", json!(["Terminating"]));
        let mut not_term_quota = quota("not-term", json!({"requests.cpu": "150m"}));
        not_term_quota.set_at("/spec/scopes", json!(["NotTerminating", "NotBestEffort"]));

        // The BestEffort quota ignores the burstable pod and counts only best-effort pods.
        assert_eq!(admit_pod(&[&be_quota], &[&best_effort], &burstable), Ok(()));
        assert_eq!(
            admit_pod(&[&be_quota], &[&best_effort, &burstable], &best_effort).unwrap_err(),
            "exceeded quota: be, requested: pods=1, used: pods=1, limited: pods=1"
        );
        assert_eq!(
            admit_pod(&[&term_quota], &[], &terminating).unwrap_err(),
            "exceeded quota: term, requested: pods=1, used: pods=0, limited: pods=0"
        );
        assert_eq!(admit_pod(&[&term_quota], &[], &burstable), Ok(()));
        // A terminating pod does not use the NotTerminating quota, a non-terminating one does.
        assert_eq!(admit_pod(&[&not_term_quota], &[&terminating], &burstable), Ok(()));
        assert_eq!(
            admit_pod(&[&not_term_quota], &[&burstable], &burstable).unwrap_err(),
            "exceeded quota: not-term, requested: requests.cpu=100m, used: requests.cpu=100m, limited: requests.cpu=150m"
        );

        let high = |name: &str| {
            let mut p = pod(name, json!([container("a", json!({"cpu": "1"}), json!({"cpu": "1"}))]));
            p.set_at("/spec/priorityClassName", json!("high-priority"));
            p
        };
        let mut pc_quota = quota("pc", json!({"cpu": "1"}));
        pc_quota.set_at(
            "/spec/scopeSelector",
            json!({"matchExpressions": [{"scopeName": "PriorityClass", "operator": "In", "values": ["high-priority"]}]}),
        );
        let low = pod("low", json!([container("a", json!({"cpu": "1"}), json!({"cpu": "1"}))]));
        assert_eq!(admit_pod(&[&pc_quota], &[&low], &high("h1")), Ok(()));
        assert_eq!(
            admit_pod(&[&pc_quota], &[&low, &high("h0")], &high("h1")).unwrap_err(),
            "exceeded quota: pc, requested: cpu=1, used: cpu=1, limited: cpu=1"
        );
        let not_in = ScopeSelector {
            scope_name: "PriorityClass".into(),
            operator: "NotIn".into(),
            values: vec!["high-priority".into()],
        };
        assert!(pod_matches_scope(&not_in, &low));
        assert!(!pod_matches_scope(&not_in, &high("h")));
        let cross = json!({"spec": {"affinity": {"podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
            {"weight": 1, "podAffinityTerm": {"labelSelector": {}, "namespaceSelector": {}}}]}}}});
        let cross_scope =
            ScopeSelector { scope_name: "CrossNamespacePodAffinity".into(), operator: "Exists".into(), values: vec![] };
        assert!(pod_matches_scope(&cross_scope, &cross));
        assert!(!pod_matches_scope(&cross_scope, &low));
    }

    /// Quotas apply in order: a later quota's "must specify" still beats an earlier exceeded one
    /// (constraints are checked for every quota before any usage).
    #[test]
    fn constraints_checked_before_usage_across_quotas() {
        let pods_quota = quota("a-pods", json!({"pods": "0"}));
        let cpu_quota = quota("b-cpu", json!({"limits.cpu": "4"}));
        let p = pod("web", json!([container("app", json!({"cpu": "1"}), json!({}))]));
        assert_eq!(
            admit_pod(&[&pods_quota, &cpu_quota], &[], &p).unwrap_err(),
            "failed quota: b-cpu: must specify limits.cpu for: app"
        );
    }

    /// Remembered quantity text shows in the message (`String()` on the user's quantities).
    #[test]
    fn requested_and_limited_print_as_written() {
        let q = quota("q", json!({"requests.memory": "1.500Gi", "requests.cpu": "1.500"}));
        let p = pod("p", json!([container("a", json!({"cpu": "2", "memory": "2048Mi"}), json!({}))]));
        assert_eq!(
            admit_pod(&[&q], &[], &p).unwrap_err(),
            "exceeded quota: q, requested: requests.cpu=2,requests.memory=2Gi, used: requests.cpu=0,requests.memory=0, \
             limited: requests.cpu=1.500,requests.memory=1536Mi"
        );
    }

    /// Services (`services`, `services.loadbalancers`, `services.nodeports`), TestAdmitHandlesOldObjects
    /// usage numbers for a NodePort service with one port.
    #[test]
    fn services_usage_and_quota() {
        let node_port = json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "np"}, "spec": {"type": "NodePort", "ports": [{"port": 1234}]}});
        assert_eq!(
            usage_strings(&object_usage("Service", &node_port)),
            ["count/services=1", "services=1", "services.loadbalancers=0", "services.nodeports=1"]
        );
        let lb = json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "lb"}, "spec": {"type": "LoadBalancer",
            "allocateLoadBalancerNodePorts": false, "ports": [{"port": 80, "nodePort": 30080}, {"port": 443}]}});
        let usage = object_usage("Service", &lb);
        assert_eq!(
            (usage["services.loadbalancers"].canonical(), usage["services.nodeports"].canonical()),
            ("1".into(), "1".into())
        );
        let q = quota("svc", json!({"services.loadbalancers": "1", "services": "10"}));
        assert_eq!(
            admit_message(&[&q], &[&lb], "Service", &lb).unwrap_err(),
            "services \"lb\" is forbidden: exceeded quota: svc, requested: services.loadbalancers=1, used: services.loadbalancers=1, limited: services.loadbalancers=1"
        );
        // A scoped quota never applies to services.
        let mut scoped = q.clone();
        scoped.set_at("/spec/scopes", json!(["BestEffort"]));
        assert_eq!(admit(&[&scoped], &[&lb], "Service", &lb), Ok(()));
    }

    /// ConfigMaps, Secrets and other kinds count as objects, under `count/...` and legacy names.
    #[test]
    fn object_counts() {
        let cm = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}});
        assert_eq!(usage_strings(&object_usage("ConfigMap", &cm)), ["configmaps=1", "count/configmaps=1"]);
        let deploy = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"}});
        assert_eq!(usage_strings(&object_usage("Deployment", &deploy)), ["count/deployments.apps=1"]);
        let policy = json!({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy"});
        assert_eq!(group_resource("NetworkPolicy", &policy), "networkpolicies.networking.k8s.io");
        let q = quota("objects", json!({"count/secrets": "1", "configmaps": "1"}));
        let secret = json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s2"}});
        let old_secret = json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s1"}});
        assert_eq!(
            admit_message(&[&q], &[&old_secret, &cm], "Secret", &secret).unwrap_err(),
            "secrets \"s2\" is forbidden: exceeded quota: objects, requested: count/secrets=1, used: count/secrets=1, limited: count/secrets=1"
        );
        assert_eq!(admit(&[&q], &[&old_secret], "ConfigMap", &cm), Ok(()));
        let event = json!({"apiVersion": "v1", "kind": "Event", "metadata": {"name": "e"}});
        assert_eq!(admit(&[&quota("q", json!({"count/events": "0"}))], &[], "Event", &event), Ok(()));
    }

    /// PVCs: storage rounded up to whole bytes, per-storage-class names, the beta annotation.
    #[test]
    fn persistent_volume_claims() {
        let pvc = json!({"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "data"},
            "spec": {"storageClassName": "gold", "resources": {"requests": {"storage": "1500m"}}}});
        assert_eq!(
            usage_strings(&object_usage("PersistentVolumeClaim", &pvc)),
            [
                "count/persistentvolumeclaims=1",
                "gold.storageclass.storage.k8s.io/persistentvolumeclaims=1",
                "gold.storageclass.storage.k8s.io/requests.storage=2",
                "persistentvolumeclaims=1",
                "requests.storage=2",
            ]
        );
        let big = json!({"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "big",
            "annotations": {"volume.beta.kubernetes.io/storage-class": "bronze"}},
            "spec": {"storageClassName": "gold", "resources": {"requests": {"storage": "15Gi"}}}});
        let q = quota(
            "storage",
            json!({"bronze.storageclass.storage.k8s.io/requests.storage": "20Gi", "requests.storage": "100Gi"}),
        );
        let old = json!({"kind": "PersistentVolumeClaim", "metadata": {"name": "old", "annotations": {"volume.beta.kubernetes.io/storage-class": "bronze"}},
            "spec": {"resources": {"requests": {"storage": "10Gi"}}}});
        assert_eq!(
            admit(&[&q], &[&old], "PersistentVolumeClaim", &big).unwrap_err(),
            "exceeded quota: storage, requested: bronze.storageclass.storage.k8s.io/requests.storage=15Gi, \
             used: bronze.storageclass.storage.k8s.io/requests.storage=10Gi, limited: bronze.storageclass.storage.k8s.io/requests.storage=20Gi"
        );
    }

    /// The real plugin's view: `status.hard` and `status.used` (TestAdmitBelowQuotaLimit's quota),
    /// an unreconciled quota matches nothing, missing usage is "status unknown".
    #[test]
    fn admission_from_quota_status() {
        let q = json!({"metadata": {"name": "quota"}, "status": {
            "hard": {"cpu": "3", "memory": "100Gi", "pods": "5"},
            "used": {"cpu": "1", "memory": "50Gi", "pods": "3"}}});
        let fits = pod("allowed-pod", json!([container("a", json!({"cpu": "100m", "memory": "2Gi"}), json!({}))]));
        assert_eq!(admit_using_status(&[&q], "Pod", &fits), Ok(()));
        let too_big = pod("p", json!([container("a", json!({"cpu": "100m", "memory": "60Gi"}), json!({}))]));
        assert_eq!(
            admit_using_status(&[&q], "Pod", &too_big).unwrap_err(),
            "exceeded quota: quota, requested: memory=60Gi, used: memory=50Gi, limited: memory=100Gi"
        );
        let unreconciled = quota("fresh", json!({"pods": "0"}));
        assert_eq!(admit_using_status(&[&unreconciled], "Pod", &fits), Ok(()));
        let no_used = json!({"metadata": {"name": "q2"}, "status": {"hard": {"pods": "5", "cpu": "1"}}});
        assert_eq!(
            admit_using_status(&[&no_used], "Pod", &fits).unwrap_err(),
            "status unknown for quota: q2, resources: cpu,pods"
        );
    }

    #[test]
    fn forbidden_messages_and_aggregates() {
        assert_eq!(forbidden_message("pods", "web-1", "x"), "pods \"web-1\" is forbidden: x");
        assert_eq!(forbidden_message("deployments.apps", "", "x"), "deployments.apps is forbidden: x");
        assert_eq!(error_name(&json!({"metadata": {"generateName": "web-"}})), "web-");
        assert_eq!(error_name(&json!({})), "Unknown");
        assert_eq!(aggregate_messages(&["a".into()]), "a");
        assert_eq!(aggregate_messages(&["a".into(), "b".into(), "a".into()]), "[a, b]");
        assert_eq!(go_quote("a\"b"), "\"a\\\"b\"");
    }

    #[test]
    fn qos_classes() {
        let guaranteed = pod("g", json!([container("a", json!({}), json!({"cpu": "1", "memory": "1Gi"}))]));
        assert_eq!(pod_qos(&guaranteed), "Guaranteed");
        assert_eq!(pod_qos(&pod("b", json!([container("a", json!({"cpu": "1"}), json!({}))]))), "Burstable");
        assert_eq!(pod_qos(&pod("e", json!([{"name": "a"}]))), "BestEffort");
        let mixed = pod("m", json!([{"name": "a"}, container("b", json!({}), json!({"cpu": "1", "memory": "1Gi"}))]));
        assert_eq!(pod_qos(&mixed), "Burstable");
        let ephemeral_only = pod("x", json!([container("a", json!({"ephemeral-storage": "1Gi"}), json!({}))]));
        assert_eq!(pod_qos(&ephemeral_only), "BestEffort");
    }
}
