//! §4.10 cluster-scoped kinds synced when enabled (PriorityClass, StorageClass,
//! PersistentVolume), and the host namespaces of v0.19–v0.25 multi-namespace mode (§1.7a).

use super::metadata::host_object;
use super::{Ctx, add_host};
use crate::cluster::Cluster;
use crate::report::{Disposition, PathMap};
use crate::value::ValueExt;
use serde_json::json;
use std::collections::BTreeSet;

pub(super) fn priority_class(cluster: &mut Cluster, ctx: &Ctx, id: usize) -> Disposition {
    let object = &cluster.objects[id];
    let mut host = host_object(ctx, &object.object, &ctx.host_name_cluster(&object.name), None, None);
    host.set_at("/globalDefault", json!(false));
    if host.i64_at("/value").is_some_and(|v| v > 1_000_000_000) {
        host.set_at("/value", json!(1_000_000_000));
    }
    add_host(cluster, Some(id), "priorityclass-syncer", host, PathMap::default());
    Disposition::SyncedToHost { syncer: "priorityclass-syncer".into() }
}

pub(super) fn storage_class(cluster: &mut Cluster, ctx: &Ctx, id: usize) -> Disposition {
    let object = &cluster.objects[id];
    let host = host_object(ctx, &object.object, &ctx.host_name_cluster(&object.name), None, None);
    add_host(cluster, Some(id), "storageclass-syncer", host, PathMap::default());
    Disposition::SyncedToHost { syncer: "storageclass-syncer".into() }
}

pub(super) fn persistent_volume(cluster: &mut Cluster, ctx: &Ctx, id: usize) -> Disposition {
    let object = &cluster.objects[id];
    let name = object
        .object
        .str_at("/metadata/annotations/vcluster.loft.sh~1host-pv")
        .map(String::from)
        .unwrap_or_else(|| ctx.host_name_cluster(&object.name));
    let mut host = host_object(ctx, &object.object, &name, None, None);
    if let Some(spec) = host.get_mut("spec").and_then(|s| s.as_object_mut()) {
        spec.remove("claimRef");
    }
    if let Some(class) = host.str_at("/spec/storageClassName").map(String::from)
        && ctx.config.sync.storage_classes_to_host
    {
        host.set_at("/spec/storageClassName", json!(ctx.host_name_cluster(&class)));
    }
    add_host(cluster, Some(id), "persistentvolume-syncer", host, PathMap::default());
    Disposition::SyncedToHost { syncer: "persistentvolume-syncer".into() }
}

/// Multi-namespace mode: one labelled host namespace per virtual namespace with synced objects.
pub(super) fn add_host_namespaces(cluster: &mut Cluster, ctx: &Ctx) {
    let used: BTreeSet<String> = cluster
        .host_objects
        .iter()
        .filter_map(|h| h.from)
        .filter_map(|id| cluster.objects[id].namespace.clone())
        .collect();
    for vns in used {
        let Some(ns_id) = cluster.find("Namespace", None, &vns) else { continue };
        let name = ctx.host_namespace_of(&vns);
        let namespace = json!({
            "apiVersion": "v1",
            "kind": "Namespace",
            "metadata": {
                "name": name,
                "labels": {"vcluster.loft.sh/vcluster-name": ctx.vcluster, "vcluster.loft.sh/vcluster-namespace": ctx.control_namespace},
            },
        });
        add_host(cluster, Some(ns_id), "namespace-syncer", namespace, PathMap::default());
        cluster.objects[ns_id].disposition = Disposition::SyncedToHost { syncer: "namespace-syncer".into() };
    }
}
