//! The virtual cluster's controllers (kube-controller-manager 1.37): each workload makes its
//! children through the API server path, and records the events `kubectl describe` shows.
//! Runs until no new object appears (CronJob → Job → Pod).

mod cronjob;
mod daemonset;
mod deployment;
mod job;
mod replicaset;
mod statefulset;

pub(crate) use job::generate_selector;

use super::admission::Requester;
use super::apiserver::{NamespaceState, create};
use crate::cluster::{Cluster, is_live};
use crate::path::FieldPath;
use crate::report::{Event, EventType, Locator, ObjectClass, Origin, VirtualObject};
use crate::value::ValueExt;
use serde_json::{Value, json};

pub(crate) fn run(cluster: &mut Cluster, namespaces: &mut NamespaceState) {
    let mut id = 0;
    while id < cluster.objects.len() {
        let object = &cluster.objects[id];
        if is_live(&object.disposition) && object.class == ObjectClass::Builtin {
            match (object.api_version.as_str(), object.kind.as_str()) {
                ("apps/v1", "Deployment") => deployment::sync(cluster, namespaces, id),
                ("apps/v1", "ReplicaSet") => replicaset::sync(cluster, namespaces, id, "ReplicaSet"),
                ("v1", "ReplicationController") => replicaset::sync(cluster, namespaces, id, "ReplicationController"),
                ("apps/v1", "StatefulSet") => statefulset::sync(cluster, namespaces, id),
                ("apps/v1", "DaemonSet") => daemonset::sync(cluster, namespaces, id),
                ("batch/v1", "Job") => job::sync(cluster, namespaces, id),
                ("batch/v1", "CronJob") => cronjob::sync(cluster, namespaces, id),
                _ => {}
            }
        }
        id += 1;
    }
}

/// `ownerReferences` entry a controller sets on what it creates.
fn owner_reference(owner: &VirtualObject) -> Value {
    json!({
        "apiVersion": owner.api_version,
        "kind": owner.kind,
        "name": owner.name,
        "uid": owner.object.str_at("/metadata/uid").unwrap_or_default(),
        "controller": true,
        "blockOwnerDeletion": true,
    })
}

fn event(cluster: &mut Cluster, id: usize, event_type: EventType, reason: &str, message: String, from: &str) {
    cluster.objects[id].events.push(Event {
        event_type,
        reason: reason.into(),
        message,
        from: from.into(),
        action: None,
    });
}

/// Creates a child through the virtual API server. `template_path` is where the child's
/// fields are written in the parent's manifest (for pointing findings at lines).
/// Returns the child's id, or the API error text when admission refused it.
fn create_child(
    cluster: &mut Cluster,
    namespaces: &mut NamespaceState,
    parent: usize,
    controller: &str,
    object: Value,
    template_path: &str,
) -> Result<usize, String> {
    let locator = cluster.objects[parent]
        .locator
        .as_ref()
        .map(|l| Locator { document: l.document, prefix: l.prefix.join(&FieldPath::parse(template_path)) });
    let mut child = VirtualObject::new(
        object,
        ObjectClass::Builtin,
        Origin::Generated { by: parent, controller: controller.into() },
    );
    child.locator = locator;
    let id = cluster.add(child);
    if let Err(message) = create(cluster, namespaces, id, Some(Requester { controller: parent })) {
        cluster.objects.pop();
        cluster.admissions.remove(&id);
        return Err(message);
    }
    cluster.objects[parent].children.push(id);
    Ok(id)
}

/// A pod from a template: labels and annotations of the template, spec as is.
fn pod_from_template(template: &Value, namespace: &str, owner: &Value) -> Value {
    let mut pod =
        json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"namespace": namespace, "ownerReferences": [owner]}});
    for field in ["labels", "annotations"] {
        if let Some(map) =
            template.pointer(&format!("/metadata/{field}")).filter(|m| m.as_object().is_some_and(|m| !m.is_empty()))
        {
            pod.set_at(&format!("/metadata/{field}"), map.clone());
        }
    }
    pod.set_at("/spec", template.get("spec").cloned().unwrap_or_else(|| json!({})));
    pod
}

/// The canonical text of a template, what the placeholder hashes stand on.
fn template_json(template: &Value) -> String {
    serde_json::to_string(template).unwrap_or_default()
}

/// `pod-template-hash`, `controller-revision-hash`: placeholder of the real shape.
fn template_hash(cluster: &Cluster, template: &Value) -> String {
    cluster.placeholders.template_hash(&template_json(template))
}

/// What a ReplicaSet-like controller asks for: `count` pods from `template` (written at
/// `template_path` in the owner's manifest).
struct PodBatch<'a> {
    owner: usize,
    count: i64,
    template: &'a Value,
    template_path: &'a str,
    controller: &'a str,
}

/// Creates the batch's pods named `<owner>-<5 chars>`, recording
/// `SuccessfulCreate`/`FailedCreate` as apimachinery's PodControl does.
fn create_pods(
    cluster: &mut Cluster,
    namespaces: &mut NamespaceState,
    batch: PodBatch<'_>,
    customize: &dyn Fn(&mut Value, usize),
) {
    let PodBatch { owner, count, template, template_path, controller } = batch;
    let namespace = cluster.objects[owner].namespace.clone().unwrap_or_default();
    let owner_ref = owner_reference(&cluster.objects[owner]);
    let prefix = format!("{}-", cluster.objects[owner].name);
    for i in 0..count.max(0) as usize {
        let mut pod = pod_from_template(template, &namespace, &owner_ref);
        let suffix = cluster.placeholders.name_suffix(&format!("pod/{namespace}/{prefix}/{i}"));
        pod.set_at("/metadata/generateName", json!(prefix));
        pod.set_at("/metadata/name", json!(format!("{prefix}{suffix}")));
        customize(&mut pod, i);
        match create_child(cluster, namespaces, owner, controller, pod, template_path) {
            Ok(child) => {
                let name = cluster.objects[child].name.clone();
                event(
                    cluster,
                    owner,
                    EventType::Normal,
                    "SuccessfulCreate",
                    format!("Created pod: {name}"),
                    controller,
                );
            }
            Err(message) => {
                event(
                    cluster,
                    owner,
                    EventType::Warning,
                    "FailedCreate",
                    format!("Error creating: {message}"),
                    controller,
                );
                break;
            }
        }
    }
}
