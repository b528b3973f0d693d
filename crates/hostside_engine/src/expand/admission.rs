//! Admission of a pod by the virtual API server, in the order kube-apiserver runs its
//! plugins (Kubernetes 1.37): LimitRanger, ServiceAccount, Priority,
//! DefaultTolerationSeconds (mutating), then PodSecurity (validating). The host side runs its
//! own chain (the `admit` stage); this is what happens before vcluster sees the pod.

use super::apiserver::{NamespaceState, implicit, stamp};
use crate::admit::{limit_ranger, pod_security, resource_quota};
use crate::cluster::{Cluster, is_live};
use crate::parse::decode::decode_pod_parts;
use crate::path::FieldPath;
use crate::report::{Finding, Severity, Stage};
use crate::rules;
use crate::value::ValueExt;
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// The pod's service-account token mount (ServiceAccount admission).
pub const SERVICE_ACCOUNT_MOUNT_PATH: &str = "/var/run/secrets/kubernetes.io/serviceaccount";

/// Who asked for the pod: the controller that records `FailedCreate`, if any.
#[derive(Clone, Copy)]
pub(crate) struct Requester {
    pub controller: usize,
}

/// Runs the admission chain on pod `id`. `Err` carries the API error text; the pod is then
/// not stored.
pub(crate) fn admit_pod(
    cluster: &mut Cluster,
    namespaces: &mut NamespaceState,
    id: usize,
    requester: Option<Requester>,
) -> Result<(), String> {
    let namespace = cluster.objects[id].namespace.clone().unwrap_or_else(|| "default".into());
    // Errors from mutating admission name the pod as requested (a generateName prefix for
    // controller pods); validating admission sees the final name.
    let requested_name = cluster.objects[id]
        .object
        .str_at("/metadata/generateName")
        .map(String::from)
        .unwrap_or_else(|| cluster.objects[id].name.clone());
    let name = cluster.objects[id].name.clone();

    if cluster.host_mode() && cluster.host.is_some() {
        // Straight to the host: the API server's own defaulting, then the host's chain.
        service_account(cluster, namespaces, id, &namespace, &requested_name, requester);
        default_toleration_seconds(&mut cluster.objects[id].object);
        crate::admit::host::admit_in_host_mode(cluster, id, requester.map(|r| r.controller))?;
        let qos = qos_class(&cluster.objects[id].object);
        let pod = &mut cluster.objects[id].object;
        pod.set_at("/status/phase", json!("Pending"));
        pod.set_at("/status/qosClass", json!(qos));
        return Ok(());
    }

    let limit_ranges: Vec<Value> = cluster
        .objects
        .iter()
        .filter(|o| {
            o.kind == "LimitRange"
                && o.namespace.as_deref() == Some(&namespace)
                && is_live(&o.disposition)
                && o.id != id
        })
        .map(|o| o.object.clone())
        .collect();
    let refs: Vec<&Value> = limit_ranges.iter().collect();
    limit_ranger::apply_defaults(&refs, &mut cluster.objects[id].object);

    service_account(cluster, namespaces, id, &namespace, &requested_name, requester);
    priority(cluster, id, &requested_name, requester)?;
    default_toleration_seconds(&mut cluster.objects[id].object);

    // API validation, after mutation: a request above its (maybe defaulted) limit.
    let errors = limit_ranger::validate_requests_within_limits(&cluster.objects[id].object);
    if !errors.is_empty() {
        let message = limit_ranger::invalid_message("Pod", &name, &errors);
        let finding = report(cluster, id, requester, rules::INVALID_OBJECT, Severity::Error, &message, "spec");
        cluster.finding(finding);
        return Err(message);
    }
    if let Err(detail) = limit_ranger::validate_pod(&refs, &cluster.objects[id].object) {
        let message = format!("pods \"{name}\" is forbidden: {detail}");
        let finding = report(cluster, id, requester, rules::LIMIT_RANGE, Severity::Error, &message, "spec").explain(
            format!("A LimitRange in namespace {namespace} of the virtual cluster bounds each container's resources."),
        );
        cluster.finding(finding);
        return Err(message);
    }
    pod_security_admission(cluster, namespaces, id, &namespace, &name, requester)?;
    admit_quota(cluster, id, requester)?;

    let qos = qos_class(&cluster.objects[id].object);
    let pod = &mut cluster.objects[id].object;
    pod.set_at("/status/phase", json!("Pending"));
    pod.set_at("/status/qosClass", json!(qos));
    Ok(())
}

/// Records an admission failure where the user sees it: on the controller as a
/// `FailedCreate` event text, or as the API error of a pasted pod.
fn report(
    cluster: &mut Cluster,
    id: usize,
    requester: Option<Requester>,
    rule: &'static str,
    severity: Severity,
    message: &str,
    field: &str,
) -> Finding {
    let target = requester.map_or(id, |r| r.controller);
    let text = if requester.is_some() { format!("Error creating: {message}") } else { message.to_string() };
    let mut finding = Finding::new(rule, severity, Stage::VirtualApiServer, text).on(target);
    let path = FieldPath::parse(field);
    if let Some(span) = cluster.span_of(id, &path) {
        finding = finding.at(span);
    }
    finding.field(path)
}

/// ServiceAccount admission: default SA name, existence, the projected token volume.
fn service_account(
    cluster: &mut Cluster,
    namespaces: &mut NamespaceState,
    id: usize,
    namespace: &str,
    pod_name: &str,
    requester: Option<Requester>,
) {
    let pod = &mut cluster.objects[id].object;
    if pod.str_at("/metadata/annotations/kubernetes.io~1config.mirror").is_some() {
        return;
    }
    let account = pod.str_at("/spec/serviceAccountName").filter(|s| !s.is_empty()).unwrap_or("default").to_string();
    pod.set_at("/spec/serviceAccountName", json!(account));
    let sa_id = match cluster.find("ServiceAccount", Some(namespace), &account) {
        Some(sa) => sa,
        None if account == "default" => {
            // The service-account controller creates `default` in every namespace.
            let sa = implicit(
                cluster,
                "ServiceAccount",
                namespace,
                "default",
                "created in every namespace by the service-account controller",
                json!({}),
            );
            stamp(cluster, sa);
            sa
        }
        None => {
            let message = format!(
                "pods \"{pod_name}\" is forbidden: error looking up service account {namespace}/{account}: serviceaccount \"{account}\" not found"
            );
            let finding = report(cluster, id, requester, rules::SERVICE_ACCOUNT_NOT_FOUND, Severity::Warning, &message, "spec.serviceAccountName")
                .explain(format!(
                    "The ServiceAccount admission plugin refuses pods whose ServiceAccount does not exist, so no pod is created. Hostside assumed ServiceAccount {account} exists to show what would happen next."
                ))
                .fix_with(
                    format!("Add a ServiceAccount named {account} in namespace {namespace} to the input."),
                    crate::fix::missing_object::service_account(cluster, id, namespace, &account),
                );
            cluster.finding(finding);
            let sa = implicit(
                cluster,
                "ServiceAccount",
                namespace,
                &account,
                "not in the input; assumed to exist so the rest can be simulated",
                json!({}),
            );
            stamp(cluster, sa);
            let _ = namespaces.object(namespace);
            sa
        }
    };
    let sa = cluster.objects[sa_id].object.clone();
    let pod = &mut cluster.objects[id].object;
    let pod_automount = pod.bool_at("/spec/automountServiceAccountToken");
    let sa_automount = sa.bool_at("/automountServiceAccountToken");
    if pod.array_at("/spec/imagePullSecrets").is_empty()
        && let Some(secrets) = sa.get("imagePullSecrets").filter(|s| s.as_array().is_some_and(|a| !a.is_empty()))
    {
        pod.set_at("/spec/imagePullSecrets", secrets.clone());
    }
    if pod_automount == Some(false) || (pod_automount.is_none() && sa_automount == Some(false)) {
        return;
    }
    let volume_name = format!(
        "kube-api-access-{}",
        cluster.placeholders.name_suffix(&format!("kube-api-access/{namespace}/{}", cluster.objects[id].name))
    );
    let pod = &mut cluster.objects[id].object;
    pod.array_mut_at("/spec/volumes").push(json!({
        "name": volume_name,
        "projected": {
            "defaultMode": 420,
            "sources": [
                {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
                {"configMap": {"name": "kube-root-ca.crt", "items": [{"key": "ca.crt", "path": "ca.crt"}]}},
                {"downwardAPI": {"items": [{"path": "namespace", "fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"}}]}},
            ],
        },
    }));
    for list in ["initContainers", "containers"] {
        if let Some(Value::Array(containers)) = pod.pointer_mut(&format!("/spec/{list}")) {
            for container in containers {
                let mounted = container
                    .array_at("/volumeMounts")
                    .iter()
                    .any(|m| m.str_at("/mountPath") == Some(SERVICE_ACCOUNT_MOUNT_PATH));
                if !mounted {
                    container.array_mut_at("/volumeMounts").push(json!({
                        "name": volume_name,
                        "readOnly": true,
                        "mountPath": SERVICE_ACCOUNT_MOUNT_PATH,
                    }));
                }
            }
        }
    }
}

/// Built-in priority classes every cluster has.
const SYSTEM_PRIORITY_CLASSES: &[(&str, i64)] =
    &[("system-node-critical", 2_000_001_000), ("system-cluster-critical", 2_000_000_000)];

/// Priority admission: `priority` and `preemptionPolicy` from the PriorityClass.
fn priority(cluster: &mut Cluster, id: usize, pod_name: &str, requester: Option<Requester>) -> Result<(), String> {
    let class_name = cluster.objects[id].object.str_at("/spec/priorityClassName").unwrap_or_default().to_string();
    let classes: Vec<&Value> = cluster
        .objects
        .iter()
        .filter(|o| o.kind == "PriorityClass" && is_live(&o.disposition))
        .map(|o| &o.object)
        .collect();
    let (value, policy) = if class_name.is_empty() {
        match classes.iter().find(|c| c.bool_at("/globalDefault") == Some(true)) {
            Some(default) => (
                default.i64_at("/value").unwrap_or(0),
                default.str_at("/preemptionPolicy").unwrap_or("PreemptLowerPriority").to_string(),
            ),
            None => (0, "PreemptLowerPriority".to_string()),
        }
    } else if let Some((_, value)) = SYSTEM_PRIORITY_CLASSES.iter().find(|(n, _)| *n == class_name) {
        (*value, "PreemptLowerPriority".to_string())
    } else if let Some(class) = classes.iter().find(|c| c.str_at("/metadata/name") == Some(&class_name)) {
        (
            class.i64_at("/value").unwrap_or(0),
            class.str_at("/preemptionPolicy").unwrap_or("PreemptLowerPriority").to_string(),
        )
    } else {
        let message = format!("pods \"{pod_name}\" is forbidden: no PriorityClass with name {class_name} was found");
        let finding =
            report(cluster, id, requester, rules::INVALID_OBJECT, Severity::Error, &message, "spec.priorityClassName")
                .fix_with(
                    format!("Add the PriorityClass {class_name} to the input, or remove priorityClassName."),
                    crate::fix::missing_object::priority_class(cluster, id, &class_name),
                );
        cluster.finding(finding);
        return Err(message);
    };
    let pod = &mut cluster.objects[id].object;
    pod.set_at("/spec/priority", json!(value));
    pod.default_at("/spec/preemptionPolicy", json!(policy));
    Ok(())
}

/// DefaultTolerationSeconds: tolerate not-ready/unreachable nodes for 300 s unless the pod
/// already tolerates those taints.
fn default_toleration_seconds(pod: &mut Value) {
    let tolerations = pod.array_at("/spec/tolerations").to_vec();
    for key in ["node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"] {
        let tolerated = tolerations.iter().any(|t| {
            let effect_ok = t.str_at("/effect").is_none_or(|e| e.is_empty() || e == "NoExecute");
            let key_ok = match t.str_at("/key").unwrap_or_default() {
                "" => t.str_at("/operator") == Some("Exists"),
                k => k == key,
            };
            effect_ok && key_ok
        });
        if !tolerated {
            pod.array_mut_at("/spec/tolerations")
                .push(json!({"key": key, "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300}));
        }
    }
}

/// Pod Security admission with the virtual namespace's labels (pasted, or set by vcluster's
/// PSS controller). Enforce refuses the pod; warn shows a warning to the client.
fn pod_security_admission(
    cluster: &mut Cluster,
    namespaces: &NamespaceState,
    id: usize,
    namespace: &str,
    pod_name: &str,
    requester: Option<Requester>,
) -> Result<(), String> {
    pod_security(cluster, namespaces, id, namespace, pod_name, requester, "")
}

/// Pod Security for workloads (pod-security.md §4.3): their pod template is checked against
/// the warn level only; the request always succeeds, with a warning for the client.
pub(crate) fn workload_pod_security(cluster: &mut Cluster, namespaces: &NamespaceState, id: usize) {
    let template = match cluster.objects[id].kind.as_str() {
        "ReplicationController" | "ReplicaSet" | "Deployment" | "StatefulSet" | "DaemonSet" | "Job" => "/spec/template",
        "PodTemplate" => "/template",
        "CronJob" => "/spec/jobTemplate/spec/template",
        _ => return,
    };
    let Some(namespace) = cluster.objects[id].namespace.clone() else { return };
    let name = cluster.objects[id].name.clone();
    let _ = pod_security(cluster, namespaces, id, &namespace, &name, None, template);
}

/// Enforce (pods only, `template` empty) and warn, with the namespace's labels.
fn pod_security(
    cluster: &mut Cluster,
    namespaces: &NamespaceState,
    id: usize,
    namespace: &str,
    pod_name: &str,
    requester: Option<Requester>,
    template: &str,
) -> Result<(), String> {
    let Some(ns_id) = namespaces.object(namespace) else { return Ok(()) };
    let labels: BTreeMap<String, String> = cluster.objects[ns_id]
        .object
        .pointer("/metadata/labels")
        .and_then(Value::as_object)
        .map(|m| m.iter().filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_string()))).collect())
        .unwrap_or_default();
    if !labels.keys().any(|k| k.starts_with("pod-security.kubernetes.io/")) {
        return Ok(());
    }
    let (policy, _) = pod_security::namespace_policy(&labels, &pod_security::NamespacePolicy::default());
    let Some((metadata, spec)) = cluster.objects[id].object.pointer(template).and_then(decode_pod_parts) else {
        return Ok(());
    };
    let build = pod_security::Build::for_kubernetes_minor(cluster.version.kubernetes_minor());
    if template.is_empty() {
        let enforce = pod_security::evaluate(&policy.enforce, build, &metadata, &spec);
        if !enforce.is_empty() {
            let message = pod_security::forbidden_message(pod_name, &policy.enforce, &enforce);
            let denial = crate::fix::pod_security::Denial {
                level: policy.enforce.level,
                failures: enforce,
                spec: cluster.objects[id].object.get("spec").cloned().unwrap_or_default(),
                by: crate::fix::pod_security::Enforcer::VirtualCluster,
            };
            let (description, plan) = crate::fix::pod_security::fix(cluster, id, 0, &denial);
            let finding =
                report(cluster, id, requester, rules::POD_SECURITY_VIRTUAL, Severity::Error, &message, "spec")
                    .explain(format!(
                        "Namespace {namespace} of the virtual cluster enforces Pod Security {}.",
                        policy.enforce.label()
                    ))
                    .fix_with(description, plan);
            cluster.finding(finding);
            return Err(message);
        }
    }
    let warn = pod_security::evaluate(&policy.warn, build, &metadata, &spec);
    if !warn.is_empty() && requester.is_none() {
        let message = format!("Warning: {}", pod_security::warning_message(&policy.warn, &warn));
        let mut finding =
            Finding::new(rules::POD_SECURITY_VIRTUAL, Severity::Warning, Stage::VirtualApiServer, message).on(id);
        let field = if template.is_empty() {
            "spec".to_string()
        } else {
            format!("{}.spec", template.trim_start_matches('/').replace('/', "."))
        };
        if let Some(span) = cluster.span_of(id, &FieldPath::parse(&field)) {
            finding = finding.at(span);
        }
        if !template.is_empty() {
            finding = finding.explain("Pod Security only warns about workloads; their pods are checked (and refused) when the controller creates them.");
        }
        cluster.finding(finding);
    }
    Ok(())
}

/// `GetPodQOS`: Guaranteed when every container limits cpu and memory with requests equal to
/// limits, BestEffort when none requests or limits either, Burstable otherwise.
pub fn qos_class(pod: &Value) -> &'static str {
    let containers: Vec<&Value> =
        ["initContainers", "containers"].iter().flat_map(|l| pod.array_at(&format!("/spec/{l}"))).collect();
    let mut any = false;
    let mut guaranteed = true;
    for container in containers {
        for resource in ["cpu", "memory"] {
            let request = container.pointer(&format!("/resources/requests/{resource}")).map(quantity_text);
            let limit = container.pointer(&format!("/resources/limits/{resource}")).map(quantity_text);
            let nonzero = |q: &Option<String>| {
                q.as_deref().is_some_and(|q| {
                    q.trim_start_matches(['0', '.']).chars().next().is_some_and(|c| c.is_ascii_digit())
                })
            };
            any |= nonzero(&request) || nonzero(&limit);
            if limit.is_none() || request.as_ref().is_some_and(|r| Some(r) != limit.as_ref()) {
                guaranteed = false;
            }
        }
    }
    if !any {
        "BestEffort"
    } else if guaranteed {
        "Guaranteed"
    } else {
        "Burstable"
    }
}

fn quantity_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// ResourceQuota admission (the last plugin): the quotas the user put in the object's
/// namespace of the virtual cluster, with usage from what is already stored there.
pub(crate) fn admit_quota(cluster: &mut Cluster, id: usize, requester: Option<Requester>) -> Result<(), String> {
    let Some(namespace) = cluster.objects[id].namespace.clone() else { return Ok(()) };
    let in_namespace =
        |o: &&crate::report::VirtualObject| o.namespace.as_deref() == Some(&namespace) && is_live(&o.disposition);
    let quotas: Vec<&Value> = cluster
        .objects
        .iter()
        .filter(in_namespace)
        .filter(|o| o.kind == "ResourceQuota" && o.id < id)
        .map(|o| &o.object)
        .collect();
    if quotas.is_empty() {
        return Ok(());
    }
    let used: Vec<&Value> =
        cluster.objects.iter().filter(in_namespace).filter(|o| o.id < id).map(|o| &o.object).collect();
    let object = &cluster.objects[id];
    let result = resource_quota::admit(&quotas, &used, &object.kind, &object.object).map_err(|detail| {
        resource_quota::forbidden_message(
            &resource_quota::group_resource(&object.kind, &object.object),
            &object.name,
            &detail,
        )
    });
    if let Err(message) = &result {
        let finding = report(cluster, id, requester, rules::RESOURCE_QUOTA, Severity::Error, message, "spec")
            .explain(format!("A ResourceQuota in namespace {namespace} of the virtual cluster caps what it may hold."));
        cluster.finding(finding);
    }
    result
}
