//! DaemonSet controller: one pod per virtual node, pinned by node affinity, with the
//! daemon tolerations (`pkg/controller/daemon`, Kubernetes 1.37). The virtual cluster's
//! nodes are named `node-1` … `node-N` (N = the virtual node count setting).

use super::{PodBatch, create_pods, template_hash};
use crate::cluster::Cluster;
use crate::expand::NamespaceState;
use crate::value::ValueExt;
use serde_json::{Value, json};

pub fn node_name(index: usize) -> String {
    format!("node-{}", index + 1)
}

pub(super) fn sync(cluster: &mut Cluster, namespaces: &mut NamespaceState, id: usize) {
    let mut template = cluster.objects[id].object.pointer("/spec/template").cloned().unwrap_or_else(|| json!({}));
    let hash = template_hash(cluster, &template);
    template.set_at("/metadata/labels/controller-revision-hash", json!(hash));
    template.set_at("/metadata/labels/pod-template-generation", json!("1"));
    let host_network = template.bool_at("/spec/hostNetwork").unwrap_or(false);
    let nodes = cluster.options.virtual_nodes as i64;
    create_pods(
        cluster,
        namespaces,
        PodBatch {
            owner: id,
            count: nodes,
            template: &template,
            template_path: "spec.template",
            controller: "daemonset-controller",
        },
        &|pod, i| {
            pod.set_at(
            "/spec/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution",
            json!({"nodeSelectorTerms": [{"matchFields": [{"key": "metadata.name", "operator": "In", "values": [node_name(i)]}]}]}),
        );
            add_daemon_tolerations(pod, host_network);
        },
    );
}

/// `AddOrUpdateDaemonPodTolerations`: tolerate the node conditions a daemon must survive.
fn add_daemon_tolerations(pod: &mut Value, host_network: bool) {
    let mut wanted = vec![
        ("node.kubernetes.io/not-ready", "NoExecute"),
        ("node.kubernetes.io/unreachable", "NoExecute"),
        ("node.kubernetes.io/disk-pressure", "NoSchedule"),
        ("node.kubernetes.io/memory-pressure", "NoSchedule"),
        ("node.kubernetes.io/pid-pressure", "NoSchedule"),
        ("node.kubernetes.io/unschedulable", "NoSchedule"),
    ];
    if host_network {
        wanted.push(("node.kubernetes.io/network-unavailable", "NoSchedule"));
    }
    for (key, effect) in wanted {
        let toleration = json!({"key": key, "operator": "Exists", "effect": effect});
        let tolerations = pod.array_mut_at("/spec/tolerations");
        if let Some(existing) =
            tolerations.iter_mut().find(|t| t.str_at("/key") == Some(key) && t.str_at("/effect") == Some(effect))
        {
            *existing = toleration;
        } else {
            tolerations.push(toleration);
        }
    }
}
