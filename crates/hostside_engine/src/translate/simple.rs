//! Kinds whose translation is metadata plus a few references: Endpoints and EndpointSlices
//! (§4.3), PersistentVolumeClaims (§4.5), PodDisruptionBudgets (§4.8), ServiceAccounts (§4.9).

use super::metadata::{host_object, host_selector};
use super::{Ctx, add_host};
use crate::cluster::Cluster;
use crate::report::{Disposition, PathMap};
use crate::value::ValueExt;
use serde_json::{Value, json};

fn disabled(key: &str, old: &str, ctx: &Ctx) -> Disposition {
    super::toggle_off(ctx, (key, old), "")
}

/// Names of the object and its host counterpart.
fn names(cluster: &Cluster, ctx: &Ctx, id: usize) -> (String, String, String) {
    let object = &cluster.objects[id];
    let vns = object.namespace.clone().unwrap_or_default();
    (ctx.host_name(&object.name, &vns), ctx.host_namespace_of(&vns), vns)
}

/// Endpoints are synced only for Services without a selector (the host's endpoints
/// controller serves the others from the translated selector).
pub(super) fn endpoints(cluster: &mut Cluster, ctx: &Ctx, id: usize) -> Disposition {
    if !ctx.config.sync.endpoints {
        return disabled("sync.toHost.endpoints.enabled", "sync.endpoints.enabled", ctx);
    }
    let (host_name, host_ns, vns) = names(cluster, ctx, id);
    let name = cluster.objects[id].name.clone();
    if vns == "default" && name == "kubernetes" {
        return Disposition::VirtualOnly { reason: "the virtual API server's endpoints: not synced".into() };
    }
    if let Some(service) = cluster.find("Service", Some(&vns), &name)
        && cluster.objects[service].object.pointer("/spec/selector").is_some_and(|s| !s.is_null())
    {
        return Disposition::VirtualOnly {
            reason: "its Service has a selector: the host endpoints controller fills the host Endpoints".into(),
        };
    }
    let mut host = host_object(ctx, &cluster.objects[id].object, &host_name, Some(&host_ns), Some(&vns));
    if let Some(Value::Array(subsets)) = host.get_mut("subsets") {
        for subset in subsets {
            for list in ["addresses", "notReadyAddresses"] {
                if let Some(Value::Array(addresses)) = subset.get_mut(list) {
                    for address in addresses {
                        target_ref(ctx, address, &vns);
                    }
                }
            }
        }
    }
    add_host(cluster, Some(id), "endpoints-syncer", host, PathMap::default());
    Disposition::SyncedToHost { syncer: "endpoints-syncer".into() }
}

fn target_ref(ctx: &Ctx, address: &mut Value, vns: &str) {
    if address.str_at("/targetRef/kind") != Some("Pod") {
        return;
    }
    let name = address.str_at("/targetRef/name").unwrap_or_default().to_string();
    let ns = address.str_at("/targetRef/namespace").unwrap_or(vns).to_string();
    address.set_at("/targetRef/name", json!(ctx.host_name(&name, &ns)));
    address.set_at("/targetRef/namespace", json!(ctx.host_namespace_of(&ns)));
    if let Some(target) = address.get_mut("targetRef").and_then(Value::as_object_mut) {
        target.remove("uid");
        target.remove("resourceVersion");
    }
}

/// EndpointSlices (v0.30+), same selector rule as Endpoints; the service-name label points
/// at the host Service (plain concatenation, not SafeConcatName).
pub(super) fn endpoint_slice(cluster: &mut Cluster, ctx: &Ctx, id: usize) -> Disposition {
    if !ctx.config.sync.endpoint_slices {
        return if ctx.version.at_least(30) {
            disabled("sync.toHost.endpointSlices.enabled", "", ctx)
        } else {
            Disposition::VirtualOnly {
                reason: format!("vcluster {} has no EndpointSlice syncer (added in v0.30)", ctx.version),
            }
        };
    }
    let (host_name, host_ns, vns) = names(cluster, ctx, id);
    let service = cluster.objects[id]
        .object
        .str_at("/metadata/labels/kubernetes.io~1service-name")
        .unwrap_or_default()
        .to_string();
    if let Some(svc) = cluster.find("Service", Some(&vns), &service)
        && cluster.objects[svc].object.pointer("/spec/selector").is_some_and(|s| !s.is_null())
    {
        return Disposition::VirtualOnly {
            reason: "its Service has a selector: the host controller makes the host EndpointSlices".into(),
        };
    }
    let mut host = host_object(ctx, &cluster.objects[id].object, &host_name, Some(&host_ns), Some(&vns));
    if !service.is_empty() {
        host.set_at(
            "/metadata/labels/kubernetes.io~1service-name",
            json!(format!("{service}-x-{vns}-x-{}", ctx.vcluster)),
        );
    }
    if let Some(Value::Array(endpoints)) = host.get_mut("endpoints") {
        for endpoint in endpoints {
            target_ref(ctx, endpoint, &vns);
        }
    }
    add_host(cluster, Some(id), "endpointslice-syncer", host, PathMap::default());
    Disposition::SyncedToHost { syncer: "endpointslice-syncer".into() }
}

/// §4.5: spec copied except PVC data sources (and classes/volumes when those syncs are on).
pub(super) fn persistent_volume_claim(cluster: &mut Cluster, ctx: &Ctx, id: usize) -> Disposition {
    if !ctx.config.sync.persistent_volume_claims {
        return disabled("sync.toHost.persistentVolumeClaims.enabled", "sync.persistentvolumeclaims.enabled", ctx);
    }
    let (host_name, host_ns, vns) = names(cluster, ctx, id);
    let mut host = host_object(ctx, &cluster.objects[id].object, &host_name, Some(&host_ns), Some(&vns));
    let skip = host.str_at("/metadata/annotations/vcluster.loft.sh~1skip-translate") == Some("true");
    for source in ["dataSource", "dataSourceRef"] {
        let pointer = format!("/spec/{source}");
        if skip || host.str_at(&format!("{pointer}/kind")) != Some("PersistentVolumeClaim") {
            continue;
        }
        let name = host.str_at(&format!("{pointer}/name")).unwrap_or_default().to_string();
        let ns = host.str_at(&format!("{pointer}/namespace")).unwrap_or(&vns).to_string();
        host.set_at(&format!("{pointer}/name"), json!(ctx.host_name(&name, &ns)));
        if host.pointer(&format!("{pointer}/namespace")).is_some() {
            host.set_at(&format!("{pointer}/namespace"), json!(ctx.host_namespace_of(&ns)));
        }
    }
    if ctx.config.sync.storage_classes_to_host
        && let Some(class) = host.str_at("/spec/storageClassName").map(String::from)
    {
        host.set_at("/spec/storageClassName", json!(ctx.host_name_cluster(&class)));
    }
    if ctx.config.sync.persistent_volumes_to_host {
        if let Some(selector) = host.pointer("/spec/selector").cloned() {
            host.set_at("/spec/selector", host_selector(ctx, &selector));
        }
        if let Some(volume) = host.str_at("/spec/volumeName").map(String::from) {
            host.set_at("/spec/volumeName", json!(ctx.host_name_cluster(&volume)));
        }
    }
    add_host(cluster, Some(id), "persistentvolumeclaim-syncer", host, PathMap::default());
    Disposition::SyncedToHost { syncer: "persistentvolumeclaim-syncer".into() }
}

/// §4.8: selector keys translated, no marker labels added.
pub(super) fn pod_disruption_budget(cluster: &mut Cluster, ctx: &Ctx, id: usize) -> Disposition {
    if !ctx.config.sync.pod_disruption_budgets {
        return disabled("sync.toHost.podDisruptionBudgets.enabled", "sync.poddisruptionbudgets.enabled", ctx);
    }
    let (host_name, host_ns, vns) = names(cluster, ctx, id);
    let mut host = host_object(ctx, &cluster.objects[id].object, &host_name, Some(&host_ns), Some(&vns));
    if let Some(selector) = host.pointer("/spec/selector").cloned() {
        host.set_at("/spec/selector", host_selector(ctx, &selector));
    }
    add_host(cluster, Some(id), "poddisruptionbudget-syncer", host, PathMap::default());
    Disposition::SyncedToHost { syncer: "poddisruptionbudget-syncer".into() }
}

/// §4.9: secrets and pull secrets cleared, token automount off.
pub(super) fn service_account(cluster: &mut Cluster, ctx: &Ctx, id: usize) -> Disposition {
    if !ctx.config.sync.service_accounts {
        let consequence =
            format!("; host pods run as the workload ServiceAccount {}", ctx.config.workload_service_account);
        return super::toggle_off(
            ctx,
            ("sync.toHost.serviceAccounts.enabled", "sync.serviceaccounts.enabled"),
            &consequence,
        );
    }
    let (host_name, host_ns, vns) = names(cluster, ctx, id);
    let mut host = host_object(ctx, &cluster.objects[id].object, &host_name, Some(&host_ns), Some(&vns));
    if let Some(sa) = host.as_object_mut() {
        sa.remove("secrets");
        sa.remove("imagePullSecrets");
    }
    host.set_at("/automountServiceAccountToken", json!(false));
    add_host(cluster, Some(id), "serviceaccount-syncer", host, PathMap::default());
    Disposition::SyncedToHost { syncer: "serviceaccount-syncer".into() }
}
