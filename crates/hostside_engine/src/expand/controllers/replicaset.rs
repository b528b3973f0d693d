//! ReplicaSet (and ReplicationController) controller: `replicas` pods named
//! `<owner>-<5 chars>` from the template (`pkg/controller/replicaset`).

use super::{PodBatch, create_pods};
use crate::cluster::Cluster;
use crate::expand::NamespaceState;
use crate::value::ValueExt;
use serde_json::json;

pub(super) fn sync(cluster: &mut Cluster, namespaces: &mut NamespaceState, id: usize, kind: &str) {
    let object = &cluster.objects[id].object;
    let replicas = object.i64_at("/spec/replicas").unwrap_or(1);
    let template = object.pointer("/spec/template").cloned().unwrap_or_else(|| json!({}));
    let controller = if kind == "ReplicaSet" { "replicaset-controller" } else { "replication-controller" };
    create_pods(
        cluster,
        namespaces,
        PodBatch { owner: id, count: replicas, template: &template, template_path: "spec.template", controller },
        &|_, _| {},
    );
}
