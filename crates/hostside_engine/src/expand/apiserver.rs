//! The virtual API server's part of a create: namespace lifecycle, defaulting, system
//! metadata, and (for pods) the admission plugins. Kubernetes 1.37 behaviour.

use super::{admission, defaults, quantities};
use crate::cluster::{CLOCK_RFC3339, Cluster, is_live};
use crate::parse::kinds;
use crate::path::FieldPath;
use crate::report::{Disposition, Finding, ObjectClass, Origin, Severity, Stage, VirtualObject};
use crate::rules;
use crate::value::ValueExt;
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// Namespaces every cluster has from the start.
const SYSTEM_NAMESPACES: &[&str] = &["default", "kube-system", "kube-public", "kube-node-lease"];

/// Which namespaces exist, and which of them Hostside had to assume.
pub(crate) struct NamespaceState {
    /// Namespace name → its object, once created.
    objects: BTreeMap<String, usize>,
    /// Declared in the input (maybe further down).
    declared: BTreeMap<String, usize>,
}

impl NamespaceState {
    pub fn new(cluster: &Cluster) -> Self {
        let declared = cluster
            .objects
            .iter()
            .filter(|o| o.kind == "Namespace" && o.api_version == "v1" && is_live(&o.disposition))
            .map(|o| (o.name.clone(), o.id))
            .collect();
        NamespaceState { objects: BTreeMap::new(), declared }
    }

    pub fn object(&self, name: &str) -> Option<usize> {
        self.objects.get(name).copied()
    }
}

/// Stores every pasted object, in input order.
pub(crate) fn store_input(cluster: &mut Cluster, namespaces: &mut NamespaceState) {
    let host_mode = cluster.host_mode();
    let host_namespace = cluster.options.host_namespace.clone();
    for id in 0..cluster.objects.len() {
        if !is_live(&cluster.objects[id].disposition) {
            continue;
        }
        let scope = scope_of(cluster, id);
        let object = &mut cluster.objects[id];
        match scope {
            Some(true) => {
                // `kubectl apply -n <host namespace>` in host mode; `default` inside the vcluster.
                let fallback = if host_mode { host_namespace.clone() } else { "default".to_string() };
                let ns = object.namespace.clone().filter(|n| !n.is_empty()).unwrap_or(fallback);
                object.object.set_at("/metadata/namespace", json!(ns));
                object.namespace = Some(ns);
            }
            Some(false) => {
                object.namespace = None;
                if let Some(metadata) = object.object.get_mut("metadata").and_then(Value::as_object_mut) {
                    metadata.remove("namespace");
                }
            }
            None => {}
        }
        if object.name.is_empty() {
            let generate = object.object.str_at("/metadata/generateName").unwrap_or_default().to_string();
            if generate.is_empty() {
                let message = format!(
                    "{} \"\" is invalid: metadata.name: Required value: name or generateName is required",
                    object.kind
                );
                let finding =
                    Finding::new(rules::MISSING_NAME, Severity::Error, Stage::VirtualApiServer, message.clone())
                        .on(id)
                        .field(FieldPath::parse("metadata.name"));
                object.disposition = Disposition::Rejected { reason: message };
                let span = cluster.span_of(id, &FieldPath::parse("metadata"));
                cluster.finding(match span {
                    Some(span) => finding.at(span),
                    None => finding,
                });
                continue;
            }
            let name = format!("{generate}{}", cluster.placeholders.name_suffix(&format!("generate/{generate}/{id}")));
            object.object.set_at("/metadata/name", json!(name));
            object.name = name;
        }
        supersede_duplicates(cluster, id);
        if let Some(ns) = cluster.objects[id].namespace.clone() {
            ensure_namespace(cluster, namespaces, &ns, Some(id));
        }
        if cluster.objects[id].kind == "Namespace" {
            let name = cluster.objects[id].name.clone();
            namespaces.objects.insert(name, id);
        }
        if cluster.objects[id].kind == "Service" {
            cluster.objects[id].requested = Some(cluster.objects[id].object.clone());
        }
        if let Err(message) = create(cluster, namespaces, id, None) {
            cluster.objects[id].disposition = Disposition::Rejected { reason: message };
        }
    }
}

/// The API server's create path for an object already added to the cluster: quantities
/// decoded, defaults and system metadata, then admission (pods: the whole chain; other
/// kinds: ResourceQuota). `Err` carries the API error; the object is then not stored.
pub(crate) fn create(
    cluster: &mut Cluster,
    namespaces: &mut NamespaceState,
    id: usize,
    requester: Option<admission::Requester>,
) -> Result<(), String> {
    let builtin = cluster.objects[id].class == ObjectClass::Builtin;
    if builtin {
        let (kind, version) = (cluster.objects[id].kind.clone(), cluster.objects[id].api_version.clone());
        if let Err(error) = quantities::canonicalize(&kind, &mut cluster.objects[id].object) {
            let version = kinds::split_api_version(&version).1.to_string();
            let message = format!("{kind} in version \"{version}\" cannot be handled as a {kind}: {error}");
            let finding =
                Finding::new(rules::INVALID_TYPE, Severity::Error, Stage::VirtualApiServer, message.clone()).on(id);
            let finding = match cluster.span_of(id, &FieldPath::parse("spec")) {
                Some(span) => finding.at(span),
                None => finding,
            };
            cluster.finding(finding);
            return Err(message);
        }
    }
    stamp(cluster, id);
    if !builtin {
        return Ok(());
    }
    if cluster.objects[id].kind == "Pod" {
        admission::admit_pod(cluster, namespaces, id, requester)
    } else if cluster.host_mode() && cluster.host.is_some() {
        crate::admit::host::admit_in_host_mode(cluster, id, requester.map(|r| r.controller))
    } else {
        admission::workload_pod_security(cluster, namespaces, id);
        admission::admit_quota(cluster, id, requester)
    }
}

/// `Some(true)` namespaced, `Some(false)` cluster-scoped, `None` unknown kind.
fn scope_of(cluster: &Cluster, id: usize) -> Option<bool> {
    let object = &cluster.objects[id];
    if let Some(builtin) = kinds::builtin(&object.api_version, &object.kind) {
        return Some(builtin.namespaced);
    }
    let (group, _) = kinds::split_api_version(&object.api_version);
    cluster.custom_kinds.iter().find(|c| c.group == group && c.kind == object.kind).map(|c| c.namespaced)
}

/// A later document with the same kind and name updates the earlier one (`kubectl apply`).
fn supersede_duplicates(cluster: &mut Cluster, id: usize) {
    let (kind, api_version, namespace, name) = {
        let o = &cluster.objects[id];
        (o.kind.clone(), o.api_version.clone(), o.namespace.clone(), o.name.clone())
    };
    let earlier: Vec<usize> = cluster.objects[..id]
        .iter()
        .filter(|o| {
            o.kind == kind
                && o.api_version == api_version
                && o.namespace == namespace
                && o.name == name
                && is_live(&o.disposition)
        })
        .map(|o| o.id)
        .collect();
    for old in earlier {
        let shown = cluster.objects[id].display_name();
        cluster.objects[old].disposition =
            Disposition::Rejected { reason: format!("replaced by a later document for the same {shown}") };
        let mut finding = Finding::new(
            rules::DUPLICATE_OBJECT,
            Severity::Warning,
            Stage::VirtualApiServer,
            format!("{shown} is given twice; kubectl apply keeps the later document"),
        )
        .on(old);
        if let Some(span) = cluster.span_of(old, &FieldPath::parse("metadata.name")) {
            finding = finding.at(span);
        }
        cluster.finding(finding);
    }
}

/// NamespaceLifecycle: objects may only be created in existing namespaces. A namespace
/// missing from the input is reported and then assumed, so the rest can be simulated.
pub(crate) fn ensure_namespace(
    cluster: &mut Cluster,
    namespaces: &mut NamespaceState,
    name: &str,
    requested_by: Option<usize>,
) -> usize {
    if let Some(id) = namespaces.objects.get(name) {
        return *id;
    }
    if let Some(&declared) = namespaces.declared.get(name) {
        // Declared further down the input: kubectl apply of a stream creates it in order,
        // but a second apply (or Helm) succeeds; we treat it as existing.
        if declared >= requested_by.unwrap_or(0) {
            namespaces.objects.insert(name.to_string(), declared);
            return declared;
        }
    }
    // In host mode the host namespace is where vcluster would live: it exists.
    let system = SYSTEM_NAMESPACES.contains(&name) || (cluster.host_mode() && name == cluster.options.host_namespace);
    if !system && let Some(by) = requested_by {
        let message = format!("namespaces \"{name}\" not found");
        let mut finding = Finding::new(rules::NAMESPACE_NOT_FOUND, Severity::Warning, Stage::VirtualApiServer, message)
                .on(by)
                .field(FieldPath::parse("metadata.namespace"))
                .explain(format!(
                    "The virtual API server refuses objects in a namespace that does not exist. Hostside assumed namespace {name} exists to show what would happen next."
                ))
                .fix_with(
                    format!("Add a Namespace named {name} to the input (or create it first with `kubectl create namespace {name}`)."),
                    crate::fix::missing_object::namespace(cluster, by, name),
                );
        if let Some(span) = cluster.span_of(by, &FieldPath::parse("metadata.namespace")) {
            finding = finding.at(span);
        }
        cluster.finding(finding);
    }
    let reason = if cluster.host_mode() && name == cluster.options.host_namespace {
        "the host namespace the input is applied to".to_string()
    } else if system {
        "a namespace every Kubernetes cluster has".to_string()
    } else {
        "not in the input; assumed to exist so the rest can be simulated".to_string()
    };
    let object = VirtualObject::new(
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}}),
        ObjectClass::Builtin,
        Origin::Implicit { reason },
    );
    let id = cluster.add(object);
    namespaces.objects.insert(name.to_string(), id);
    stamp(cluster, id);
    id
}

/// Kinds whose objects carry `metadata.generation`.
const GENERATION_KINDS: &[&str] = &[
    "Deployment",
    "ReplicaSet",
    "StatefulSet",
    "DaemonSet",
    "Job",
    "CronJob",
    "ReplicationController",
    "NetworkPolicy",
    "Ingress",
    "PodDisruptionBudget",
    "HorizontalPodAutoscaler",
    "CustomResourceDefinition",
    "ValidatingWebhookConfiguration",
    "MutatingWebhookConfiguration",
    "PriorityClass",
];

/// Defaulting and system metadata, as the API server stores the object.
pub(crate) fn stamp(cluster: &mut Cluster, id: usize) {
    let (kind, key, builtin) = {
        let o = &cluster.objects[id];
        (
            o.kind.clone(),
            format!("{}/{}/{}", o.kind, o.namespace.as_deref().unwrap_or(""), o.name),
            o.class == ObjectClass::Builtin,
        )
    };
    let uid = cluster.placeholders.uid(&key);
    let ip = cluster.placeholders.cluster_ip(&key);
    let pss = cluster.config.pod_security_standard.clone();
    let object = &mut cluster.objects[id].object;
    if builtin {
        defaults::apply(&kind, object);
    }
    object.set_at("/metadata/uid", json!(uid));
    object.set_at("/metadata/creationTimestamp", json!(CLOCK_RFC3339));
    if GENERATION_KINDS.contains(&kind.as_str()) {
        object.set_at("/metadata/generation", json!(1));
    }
    match kind.as_str() {
        "Namespace" => {
            let name = object.str_at("/metadata/name").unwrap_or_default().to_string();
            object.set_at("/metadata/labels/kubernetes.io~1metadata.name", json!(name));
            // vcluster's PSS controller labels every virtual namespace (§5.1, effect 1).
            if let Some(level) = pss {
                for (mode, value) in [
                    ("enforce", &level),
                    ("enforce-version", &"latest".to_string()),
                    ("warn", &level),
                    ("warn-version", &"latest".to_string()),
                ] {
                    object.set_at(&format!("/metadata/labels/pod-security.kubernetes.io~1{mode}"), json!(value));
                }
            }
            object.set_at("/status/phase", json!("Active"));
        }
        "Service" => allocate_service(object, &ip),
        "Job" => super::controllers::generate_selector(object),
        "PersistentVolumeClaim" => object.set_at("/status/phase", json!("Pending")),
        _ => {}
    }
}

/// Cluster IP and node ports, allocated by the API server (placeholders of the right shape).
fn allocate_service(object: &mut Value, ip: &str) {
    let service_type = object.str_at("/spec/type").unwrap_or("ClusterIP").to_string();
    if service_type == "ExternalName" {
        return;
    }
    let cluster_ip = match object.str_at("/spec/clusterIP") {
        Some(given) if !given.is_empty() => given.to_string(),
        _ => ip.to_string(),
    };
    object.set_at("/spec/clusterIP", json!(cluster_ip));
    object.default_at("/spec/clusterIPs", json!([cluster_ip]));
    object.default_at("/spec/ipFamilies", json!(["IPv4"]));
    object.default_at("/spec/ipFamilyPolicy", json!("SingleStack"));
    if service_type == "NodePort" || service_type == "LoadBalancer" {
        let base = ip.rsplit('.').next().and_then(|o| o.parse::<u32>().ok()).unwrap_or(0);
        if let Some(Value::Array(ports)) = object.pointer_mut("/spec/ports") {
            for (i, port) in ports.iter_mut().enumerate() {
                port.default_at("/nodePort", json!(30000 + (base * 7 + i as u32 * 13) % 2768));
            }
        }
    }
    if service_type == "LoadBalancer" {
        object.default_at("/status/loadBalancer", json!({}));
    }
}

/// Objects every namespace in use has: the `default` ServiceAccount (serviceaccount
/// controller) and the `kube-root-ca.crt` ConfigMap (root-ca-cert-publisher).
pub(crate) fn add_implicit_objects(cluster: &mut Cluster, namespaces: &mut NamespaceState) {
    let used: Vec<String> = namespaces.objects.keys().cloned().collect();
    for ns in used {
        if cluster.find("ServiceAccount", Some(&ns), "default").is_none() {
            let id = implicit(
                cluster,
                "ServiceAccount",
                &ns,
                "default",
                "created in every namespace by the service-account controller",
                json!({}),
            );
            stamp(cluster, id);
        }
        if cluster.find("ConfigMap", Some(&ns), "kube-root-ca.crt").is_none() {
            let data = json!({"data": {"ca.crt": "-----BEGIN CERTIFICATE-----\n(the virtual cluster's CA, placeholder)\n-----END CERTIFICATE-----\n"}});
            let id = implicit(
                cluster,
                "ConfigMap",
                &ns,
                "kube-root-ca.crt",
                "published in every namespace by the root-ca-cert-publisher controller",
                data,
            );
            cluster.objects[id].object.set_at("/metadata/annotations/kubernetes.io~1description", json!(
                "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters."
            ));
            stamp(cluster, id);
        }
    }
}

pub(crate) fn implicit(
    cluster: &mut Cluster,
    kind: &str,
    namespace: &str,
    name: &str,
    reason: &str,
    body: Value,
) -> usize {
    let mut object = json!({"apiVersion": "v1", "kind": kind, "metadata": {"name": name, "namespace": namespace}});
    if let (Value::Object(target), Value::Object(extra)) = (&mut object, body) {
        target.extend(extra);
    }
    cluster.add(VirtualObject::new(object, ObjectClass::Builtin, Origin::Implicit { reason: reason.into() }))
}
