//! StatefulSet controller: pods `<set>-<ordinal>` with stable hostname and subdomain, and one
//! claim per volumeClaimTemplate and pod, `<template>-<set>-<ordinal>`
//! (`pkg/controller/statefulset`, Kubernetes 1.37). With `OrderedReady` the next ordinal
//! waits for the previous pod, so a refused pod stops the rollout.

use super::{create_child, event, owner_reference, pod_from_template, template_hash};
use crate::cluster::Cluster;
use crate::expand::NamespaceState;
use crate::report::EventType;
use crate::value::ValueExt;
use serde_json::{Value, json};

const CONTROLLER: &str = "statefulset-controller";

pub(super) fn sync(cluster: &mut Cluster, namespaces: &mut NamespaceState, id: usize) {
    let set = cluster.objects[id].object.clone();
    let name = cluster.objects[id].name.clone();
    let namespace = cluster.objects[id].namespace.clone().unwrap_or_default();
    let replicas = set.i64_at("/spec/replicas").unwrap_or(1).max(0);
    let start = set.i64_at("/spec/ordinals/start").unwrap_or(0).max(0);
    let ordered = set.str_at("/spec/podManagementPolicy") != Some("Parallel");
    let service_name = set.str_at("/spec/serviceName").unwrap_or_default().to_string();
    let template = set.pointer("/spec/template").cloned().unwrap_or_else(|| json!({}));
    let revision = format!("{name}-{}", template_hash(cluster, &template));
    let owner = owner_reference(&cluster.objects[id]);
    let claim_templates: Vec<Value> = set.array_at("/spec/volumeClaimTemplates").to_vec();
    let selector_labels = set.pointer("/spec/selector/matchLabels").cloned().unwrap_or_else(|| json!({}));
    let index_label = cluster.version.kubernetes_minor() >= 28;

    for ordinal in start..start + replicas {
        let pod_name = format!("{name}-{ordinal}");
        let mut claims = Vec::new();
        for (i, claim_template) in claim_templates.iter().enumerate() {
            let template_name = claim_template.str_at("/metadata/name").unwrap_or_default().to_string();
            let claim_name = format!("{template_name}-{pod_name}");
            if cluster.find("PersistentVolumeClaim", Some(&namespace), &claim_name).is_none() {
                let claim = claim_from_template(claim_template, &claim_name, &namespace, &selector_labels);
                if create_child(cluster, namespaces, id, CONTROLLER, claim, &format!("spec.volumeClaimTemplates[{i}]"))
                    .is_ok()
                {
                    event(
                        cluster,
                        id,
                        EventType::Normal,
                        "SuccessfulCreate",
                        format!("create Claim {claim_name} Pod {pod_name} in StatefulSet {name} success"),
                        CONTROLLER,
                    );
                }
            }
            claims.push((template_name, claim_name));
        }

        let mut pod = pod_from_template(&template, &namespace, &owner);
        pod.set_at("/metadata/name", json!(pod_name));
        pod.set_at("/metadata/labels/controller-revision-hash", json!(revision));
        pod.set_at("/metadata/labels/statefulset.kubernetes.io~1pod-name", json!(pod_name));
        if index_label {
            pod.set_at("/metadata/labels/apps.kubernetes.io~1pod-index", json!(ordinal.to_string()));
        }
        pod.set_at("/spec/hostname", json!(pod_name));
        if !service_name.is_empty() {
            pod.set_at("/spec/subdomain", json!(service_name));
        }
        claims.sort();
        let mut volumes: Vec<Value> = claims
            .iter()
            .map(|(volume, claim)| json!({"name": volume, "persistentVolumeClaim": {"claimName": claim}}))
            .collect();
        volumes.extend(
            pod.array_at("/spec/volumes")
                .iter()
                .filter(|v| !claims.iter().any(|(c, _)| v.str_at("/name") == Some(c)))
                .cloned(),
        );
        if !volumes.is_empty() {
            pod.set_at("/spec/volumes", Value::Array(volumes));
        }
        match create_child(cluster, namespaces, id, CONTROLLER, pod, "spec.template") {
            Ok(_) => event(
                cluster,
                id,
                EventType::Normal,
                "SuccessfulCreate",
                format!("create Pod {pod_name} in StatefulSet {name} successful"),
                CONTROLLER,
            ),
            Err(message) => {
                event(
                    cluster,
                    id,
                    EventType::Warning,
                    "FailedCreate",
                    format!("create Pod {pod_name} in StatefulSet {name} failed error: {message}"),
                    CONTROLLER,
                );
                if ordered {
                    break;
                }
            }
        }
    }
}

/// The claim for one pod: the template, named per pod, labelled with the set's selector.
fn claim_from_template(template: &Value, name: &str, namespace: &str, selector_labels: &Value) -> Value {
    let mut claim = json!({"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": name, "namespace": namespace}});
    let mut labels = template.pointer("/metadata/labels").cloned().unwrap_or_else(|| json!({}));
    if let (Value::Object(labels), Value::Object(selector)) = (&mut labels, selector_labels) {
        labels.extend(selector.clone());
    }
    if labels.as_object().is_some_and(|l| !l.is_empty()) {
        claim.set_at("/metadata/labels", labels);
    }
    if let Some(annotations) = template.pointer("/metadata/annotations") {
        claim.set_at("/metadata/annotations", annotations.clone());
    }
    claim.set_at("/spec", template.get("spec").cloned().unwrap_or_else(|| json!({})));
    claim
}
