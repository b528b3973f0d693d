//! Deployment controller: one ReplicaSet `<deployment>-<pod-template-hash>` for the template
//! (kube-controller-manager 1.37, `pkg/controller/deployment`).

use super::{create_child, event, owner_reference, template_hash};
use crate::cluster::Cluster;
use crate::expand::NamespaceState;
use crate::report::EventType;
use crate::value::ValueExt;
use serde_json::{Value, json};

pub(super) fn sync(cluster: &mut Cluster, namespaces: &mut NamespaceState, id: usize) {
    let deployment = cluster.objects[id].object.clone();
    let namespace = cluster.objects[id].namespace.clone().unwrap_or_default();
    let name = cluster.objects[id].name.clone();
    let replicas = deployment.i64_at("/spec/replicas").unwrap_or(1);
    let mut template = deployment.pointer("/spec/template").cloned().unwrap_or_else(|| json!({}));
    let hash = template_hash(cluster, &template);
    template.set_at("/metadata/labels/pod-template-hash", json!(hash));
    let rs_name = format!("{name}-{hash}");

    let mut annotations: serde_json::Map<String, Value> = deployment
        .pointer("/metadata/annotations")
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .filter(|(k, _)| k.as_str() != "kubectl.kubernetes.io/last-applied-configuration")
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect()
        })
        .unwrap_or_default();
    annotations.insert("deployment.kubernetes.io/desired-replicas".into(), json!(replicas.to_string()));
    annotations.insert(
        "deployment.kubernetes.io/max-replicas".into(),
        json!((replicas + max_surge(&deployment, replicas)).to_string()),
    );
    annotations.insert("deployment.kubernetes.io/revision".into(), json!("1"));

    let mut selector = deployment.pointer("/spec/selector").cloned().unwrap_or_else(|| json!({}));
    selector.set_at("/matchLabels/pod-template-hash", json!(hash));
    let mut replica_set = json!({
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": {
            "name": rs_name,
            "namespace": namespace,
            "labels": template.pointer("/metadata/labels").cloned().unwrap_or_else(|| json!({})),
            "annotations": annotations,
            "ownerReferences": [owner_reference(&cluster.objects[id])],
        },
        "spec": {"replicas": replicas, "selector": selector, "template": template},
    });
    if let Some(seconds) = deployment.pointer("/spec/minReadySeconds") {
        replica_set.set_at("/spec/minReadySeconds", seconds.clone());
    }
    if create_child(cluster, namespaces, id, "deployment-controller", replica_set, "").is_ok() && replicas > 0 {
        event(
            cluster,
            id,
            EventType::Normal,
            "ScalingReplicaSet",
            format!("Scaled up replica set {rs_name} from 0 to {replicas}"),
            "deployment-controller",
        );
    }
}

/// `maxSurge` as a count: an integer, or a percentage of replicas rounded up.
fn max_surge(deployment: &Value, replicas: i64) -> i64 {
    if deployment.str_at("/spec/strategy/type") != Some("RollingUpdate") {
        return 0;
    }
    match deployment.pointer("/spec/strategy/rollingUpdate/maxSurge") {
        Some(Value::Number(n)) => n.as_i64().unwrap_or(0),
        Some(Value::String(s)) => {
            s.strip_suffix('%').and_then(|p| p.parse::<i64>().ok()).map_or(0, |p| (p * replicas + 99) / 100)
        }
        _ => 0,
    }
}
