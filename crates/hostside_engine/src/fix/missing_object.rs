//! Fixes that add an object the input refers to but does not have (a Namespace, a
//! ServiceAccount, a PriorityClass): a new document at the end of the referring object's
//! source.

use super::Plan;
use crate::cluster::Cluster;
use crate::report::ObjectId;
use serde_json::{Value, json};

/// `Namespace <name>`, for objects created in it.
pub(crate) fn namespace(cluster: &Cluster, requester: ObjectId, name: &str) -> Option<Plan> {
    append(cluster, requester, json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}}))
}

/// `ServiceAccount <namespace>/<name>`, for pods that run as it.
pub(crate) fn service_account(cluster: &Cluster, pod: ObjectId, namespace: &str, name: &str) -> Option<Plan> {
    let object =
        json!({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": name, "namespace": namespace}});
    append(cluster, pod, object)
}

/// `PriorityClass <name>` with value 0: the priority pods without a class get, so adding it
/// changes nothing but the refusal (pick another value if the workload should preempt).
pub(crate) fn priority_class(cluster: &Cluster, pod: ObjectId, name: &str) -> Option<Plan> {
    let object =
        json!({"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass", "metadata": {"name": name}, "value": 0});
    append(cluster, pod, object)
}

fn append(cluster: &Cluster, referrer: ObjectId, object: Value) -> Option<Plan> {
    Some(Plan::AppendObject { source: cluster.source_of(referrer)?, object })
}
