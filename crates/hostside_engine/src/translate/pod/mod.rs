//! The pod syncer (vcluster-translation.md §3): gates, then `Translate`, in the order the
//! syncer applies them (`pkg/controllers/resources/pods/translate/translator.go`).

mod env;
mod hosts;
mod scheduling;
mod volumes;

use super::metadata::host_object;
use super::{Ctx, Used, add_host, events};
use crate::admit::pod_security;
use crate::cluster::Cluster;
use crate::path::FieldPath;
use crate::report::{Disposition, Finding, PathMap, Severity, Stage};
use crate::rules;
use crate::value::ValueExt;
use k8s_openapi::api::core::v1::Pod;
use serde_json::{Value, json};

pub(super) fn sync(cluster: &mut Cluster, ctx: &Ctx, used: &mut Used, id: usize) -> Disposition {
    if !ctx.config.sync.pods {
        return Disposition::NotSynced { reason: "pod sync is disabled (sync.toHost.pods.enabled: false)".into() };
    }
    if let Some(refusal) = pod_security_standard(cluster, ctx, id) {
        return refusal;
    }
    if ctx.config.pod_patches {
        let message = "pod patches (sync.toHost.pods.patches) are a vCluster Enterprise feature; the open-source syncer fails every pod sync while they are configured";
        cluster.finding(Finding::new(rules::SYNC_UNSUPPORTED, Severity::Error, Stage::Translate, message).on(id));
        return Disposition::NotSynced { reason: message.into() };
    }
    let (host, init_shift, token_volumes) = translate(cluster, ctx, used, id);
    add_host(cluster, Some(id), "pod-syncer", host, PathMap { init_containers_shift: init_shift });
    if !token_volumes.is_empty() {
        token_secret(cluster, ctx, id, &token_volumes);
    }
    Disposition::SyncedToHost { syncer: "pod-syncer".into() }
}

/// §3.0 gate 3 / §5.1: vcluster's own Pod Security Standard check at `<level>:latest`.
fn pod_security_standard(cluster: &mut Cluster, ctx: &Ctx, id: usize) -> Option<Disposition> {
    let level = ctx.config.pod_security_standard.as_deref()?;
    let policy = pod_security::Policy {
        level: pod_security::Level::parse(level)?,
        version: pod_security::PolicyVersion::Latest,
    };
    let pod: Pod = crate::parse::decode::decode_json(&cluster.objects[id].object)?;
    let spec = pod.spec?;
    let build = pod_security::Build::for_kubernetes_minor(ctx.version.kubernetes_minor());
    let failures = pod_security::evaluate(&policy, build, &pod.metadata, &spec);
    if failures.is_empty() {
        return None;
    }
    let name = cluster.objects[id].name.clone();
    let message = format!("Pod {name} is forbidden: {}", pod_security::forbidden_message(&name, &policy, &failures));
    cluster.objects[id].events.push(events::sync_error(ctx.version, "Pod", message.clone()));
    let denial = crate::fix::pod_security::Denial {
        level: policy.level,
        failures,
        spec: cluster.objects[id].object.get("spec").cloned().unwrap_or_default(),
        by: crate::fix::pod_security::Enforcer::VirtualCluster,
    };
    // vcluster checks the virtual pod itself: no containers of its own yet, no shift.
    let (description, plan) = crate::fix::pod_security::fix(cluster, id, 0, &denial);
    let mut finding = Finding::new(rules::SYNC_POD_SECURITY, Severity::Error, Stage::Translate, message.clone())
        .on(id)
        .explain(format!(
            "vcluster checks every pod against Pod Security {} before syncing it; this pod is not synced.",
            policy.label()
        ))
        .fix_with(description, plan);
    if let Some(span) = cluster.span_of(id, &FieldPath::parse("spec")) {
        finding = finding.at(span);
    }
    cluster.finding(finding);
    Some(Disposition::NotSynced {
        reason: format!("refused by vcluster's Pod Security Standard check ({})", policy.label()),
    })
}

/// `Translate`: the host pod, and how many init containers vcluster inserted in front.
fn translate(cluster: &mut Cluster, ctx: &Ctx, used: &mut Used, id: usize) -> (Value, usize, Vec<String>) {
    let virtual_pod = cluster.objects[id].object.clone();
    let vname = cluster.objects[id].name.clone();
    let vns = cluster.objects[id].namespace.clone().unwrap_or_default();
    let host_name = ctx.host_name(&vname, &vns);
    let host_ns = ctx.host_namespace_of(&vns);
    let mut pod = host_object(ctx, &virtual_pod, &host_name, Some(&host_ns), Some(&vns));

    // §3.3: service account, token automount, service links.
    if let Some(spec) = pod.get_mut("spec").and_then(Value::as_object_mut) {
        spec.remove("serviceAccount");
    }
    let mut account = ctx.config.workload_service_account.clone();
    if ctx.config.sync.service_accounts {
        let virtual_account = virtual_pod
            .str_at("/spec/serviceAccountName")
            .or(virtual_pod.str_at("/spec/serviceAccount"))
            .unwrap_or_default();
        if !virtual_account.is_empty() {
            account = ctx.host_name(virtual_account, &vns);
        }
    }
    pod.set_at("/spec/serviceAccountName", json!(account));
    pod.set_at("/spec/automountServiceAccountToken", json!(false));
    pod.set_at("/spec/enableServiceLinks", json!(false));
    priority(ctx, &mut pod);

    pod_annotations(cluster, ctx, id, &virtual_pod, &mut pod);
    namespace_labels(cluster, ctx, &vns, &mut pod);

    let service_env = env::service_environment(cluster, ctx, &virtual_pod, &vns);
    kubernetes_host_alias(ctx, &mut pod);
    scheduling::dns(ctx, &virtual_pod, &vns, &mut pod);
    hostname(&vname, &mut pod);
    let mut init_shift = 0;
    if let Some(subdomain) = pod.str_at("/spec/subdomain").map(String::from).filter(|s| !s.is_empty()) {
        if ctx.config.rewrite_hosts && hosts::rewrite(ctx, &vns, &subdomain, &mut pod) {
            init_shift = 1;
        }
        if let Some(spec) = pod.get_mut("spec").and_then(Value::as_object_mut) {
            spec.remove("subdomain");
        }
    }
    // Pod-level resources exist from Kubernetes 1.34; v0.32+ drops them for older hosts.
    if ctx.version.at_least(32)
        && ctx.host_kubernetes_minor.is_some_and(|minor| minor < 34)
        && let Some(spec) = pod.get_mut("spec").and_then(Value::as_object_mut)
    {
        spec.remove("resources");
    }
    for list in ["containers", "initContainers", "ephemeralContainers"] {
        if let Some(Value::Array(containers)) = pod.pointer_mut(&format!("/spec/{list}")) {
            for container in containers {
                env::translate_container(ctx, used, &vns, &service_env, container);
                if let Some(image) = container.str_at("/image").and_then(|i| ctx.config.translate_image.get(i)).cloned()
                {
                    container.set_at("/image", json!(image));
                }
            }
        }
    }
    if let Some(Value::Array(secrets)) = pod.pointer_mut("/spec/imagePullSecrets") {
        for secret in secrets {
            if let Some(name) = secret.str_at("/name").map(String::from) {
                used.secrets.insert((vns.clone(), name.clone()));
                secret.set_at("/name", json!(ctx.host_name(&name, &vns)));
            }
        }
    }
    let token_key = cluster.placeholders.lowercase_letters(&format!("token/{vns}/{vname}"), 8);
    let token_volumes = volumes::translate(ctx, used, &vns, &vname, &token_key, &mut pod);
    if !ctx.config.runtime_class_name.is_empty() {
        pod.set_at("/spec/runtimeClassName", json!(ctx.config.runtime_class_name));
    }
    scheduling::affinity_and_tolerations(cluster, ctx, id, &virtual_pod, &vns, &mut pod);
    scheduling::enforce_node_selector(ctx, &mut pod);
    (pod, init_shift, token_volumes)
}

/// §3.7 with `useSecretsForSATokens`: the Secret holding the pod's tokens.
fn token_secret(cluster: &mut Cluster, ctx: &Ctx, id: usize, volumes: &[String]) {
    let vname = cluster.objects[id].name.clone();
    let vns = cluster.objects[id].namespace.clone().unwrap_or_default();
    let data: serde_json::Map<String, Value> =
        volumes.iter().map(|v| (v.clone(), json!(volumes::TOKEN_PLACEHOLDER))).collect();
    let secret = json!({
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {
            "name": ctx.host_name(&format!("{vname}-sa-token"), &vns),
            "namespace": ctx.host_namespace_of(&vns),
            "annotations": {"vcluster.loft.sh/skip-backsync": "true"},
            "ownerReferences": [{"apiVersion": "v1", "kind": "Service", "name": ctx.vcluster, "uid": ctx.vcluster_service_uid}],
        },
        "type": "Opaque",
        "stringData": data,
    });
    add_host(cluster, Some(id), "pod-syncer", secret, PathMap::default());
}

/// §3.3.1.
fn priority(ctx: &Ctx, pod: &mut Value) {
    let sync = &ctx.config.sync;
    let spec = pod.object_at("/spec");
    let class = spec.get("priorityClassName").and_then(Value::as_str).unwrap_or_default().to_string();
    if sync.priority_classes_to_host && !class.is_empty() {
        spec.insert("priorityClassName".into(), json!(ctx.host_name_cluster(&class)));
        if spec.get("priority").and_then(Value::as_i64).is_some_and(|p| p > 1_000_000_000) {
            spec.insert("priority".into(), json!(1_000_000_000));
        }
    } else if !sync.priority_classes_to_host && !sync.priority_classes_from_host {
        spec.remove("priorityClassName");
        spec.remove("priority");
    }
    let default_class = &ctx.config.priority_class_name;
    if !default_class.is_empty() && spec.get("priorityClassName").and_then(Value::as_str).unwrap_or_default().is_empty()
    {
        spec.insert("priorityClassName".into(), json!(default_class));
        spec.remove("priority");
    }
}

/// §3.2: the annotations the pod syncer adds after the generic ones.
fn pod_annotations(cluster: &Cluster, ctx: &Ctx, id: usize, virtual_pod: &Value, pod: &mut Value) {
    let object = &cluster.objects[id];
    let virtual_annotations =
        virtual_pod.pointer("/metadata/annotations").and_then(Value::as_object).cloned().unwrap_or_default();
    let annotations = pod.object_at("/metadata/annotations");
    let own = |key: &str, fallback: String, annotations: &mut serde_json::Map<String, Value>| {
        let given = virtual_annotations.get(key).and_then(Value::as_str).unwrap_or_default().to_string();
        annotations.insert(key.into(), json!(if given.is_empty() { fallback } else { given }));
    };
    own("vcluster.loft.sh/namespace", object.namespace.clone().unwrap_or_default(), annotations);
    own("vcluster.loft.sh/name", object.name.clone(), annotations);
    own("vcluster.loft.sh/uid", virtual_pod.str_at("/metadata/uid").unwrap_or_default().to_string(), annotations);
    own(
        "vcluster.loft.sh/service-account-name",
        virtual_pod.str_at("/spec/serviceAccountName").unwrap_or_default().to_string(),
        annotations,
    );
    if !annotations.contains_key("vcluster.loft.sh/labels") {
        annotations.insert("vcluster.loft.sh/labels".into(), json!(labels_annotation(virtual_pod)));
    }
    let owners = virtual_pod.array_at("/metadata/ownerReferences");
    let controller = owners.iter().find(|r| r.bool_at("/controller") == Some(true));
    if !annotations.contains_key("cluster-autoscaler.kubernetes.io/safe-to-evict") {
        annotations
            .insert("cluster-autoscaler.kubernetes.io/safe-to-evict".into(), json!(controller.is_some().to_string()));
        if controller.is_some_and(|c| c.str_at("/kind") == Some("DaemonSet")) {
            annotations.insert("cluster-autoscaler.kubernetes.io/daemonset-pod".into(), json!("true"));
        }
    }
    if !annotations.contains_key("vcluster.loft.sh/owner-references") && !owners.is_empty() {
        annotations.insert("vcluster.loft.sh/owner-references".into(), json!(owner_references_json(owners)));
        let set_kind = owners.iter().find(|r| {
            r.str_at("/apiVersion") == Some("apps/v1")
                && matches!(r.str_at("/kind"), Some("DaemonSet" | "Job" | "ReplicaSet" | "StatefulSet"))
        });
        if let Some(kind) = set_kind.and_then(|r| r.str_at("/kind")) {
            annotations.insert("vcluster.loft.sh/owner-set-kind".into(), json!(kind));
        }
    }
    let _ = ctx;
}

/// `vcluster.loft.sh/labels`: `key="value"` lines (value JSON-quoted), sorted.
fn labels_annotation(virtual_pod: &Value) -> String {
    let mut lines: Vec<String> = virtual_pod
        .pointer("/metadata/labels")
        .and_then(Value::as_object)
        .map(|labels| {
            labels
                .iter()
                .map(|(k, v)| format!("{k}={}", Value::String(v.as_str().unwrap_or_default().into())))
                .collect()
        })
        .unwrap_or_default();
    lines.sort();
    lines.join("\n")
}

/// Go's `json.Marshal` of `[]metav1.OwnerReference`: struct field order, no spaces.
fn owner_references_json(owners: &[Value]) -> String {
    let items: Vec<String> = owners
        .iter()
        .map(|r| {
            let mut fields = Vec::new();
            for key in ["apiVersion", "kind", "name", "uid"] {
                fields.push(format!(
                    "\"{key}\":{}",
                    Value::String(r.str_at(&format!("/{key}")).unwrap_or_default().into())
                ));
            }
            for key in ["controller", "blockOwnerDeletion"] {
                if let Some(b) = r.bool_at(&format!("/{key}")) {
                    fields.push(format!("\"{key}\":{b}"));
                }
            }
            format!("{{{}}}", fields.join(","))
        })
        .collect();
    format!("[{}]", items.join(","))
}

/// §3.2: every label of the virtual namespace, as `vcluster.loft.sh/ns-label-…`.
fn namespace_labels(cluster: &Cluster, ctx: &Ctx, vns: &str, pod: &mut Value) {
    let Some(ns) = cluster.find("Namespace", None, vns) else { return };
    let Some(labels) = cluster.objects[ns].object.pointer("/metadata/labels").and_then(Value::as_object).cloned()
    else {
        return;
    };
    let target = pod.object_at("/metadata/labels");
    for (key, value) in labels {
        target.insert(super::names::namespace_label_key(&key, &ctx.vcluster), value);
    }
}

/// §3.3 `hostAliases`: the virtual API server under the names pods expect.
fn kubernetes_host_alias(ctx: &Ctx, pod: &mut Value) {
    let mut hostnames = vec![json!("kubernetes"), json!("kubernetes.default"), json!("kubernetes.default.svc")];
    if ctx.version.at_least(31) && !ctx.config.cluster_domain.is_empty() {
        hostnames.insert(0, json!(format!("kubernetes.default.svc.{}", ctx.config.cluster_domain)));
    }
    pod.array_mut_at("/spec/hostAliases").push(json!({"ip": ctx.kube_ip, "hostnames": hostnames}));
}

/// §3.3 `hostname`: the virtual name, cut to 63, dots to dashes, one trailing dash dropped.
fn hostname(vname: &str, pod: &mut Value) {
    if pod.str_at("/spec/hostname").is_some_and(|h| !h.is_empty()) {
        return;
    }
    let mut cut = vname.len().min(63);
    while !vname.is_char_boundary(cut) {
        cut -= 1;
    }
    let name = vname[..cut].replace('.', "-");
    let name = name.strip_suffix('-').unwrap_or(&name).to_string();
    pod.set_at("/spec/hostname", json!(name));
}
