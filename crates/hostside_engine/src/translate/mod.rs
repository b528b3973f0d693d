//! Stage 3: what vcluster's syncer writes to the host (vcluster-translation.md §1–§5), for
//! the modelled version. Every virtual object gets a disposition; synced ones get their
//! host objects, each exactly as the syncer sends it (before host admission).

mod cluster_scoped;
mod configs;
pub mod events;
mod metadata;
pub mod names;
mod network_policy;
mod pod;
mod policies;
mod service;
mod simple;

use crate::cluster::{Cluster, is_live};
use crate::placeholders::Placeholders;
use crate::report::{Disposition, HostObject, ObjectClass, PathMap};
use crate::settings::{VclusterConfig, VclusterVersion};
use serde_json::Value;
use std::collections::BTreeSet;

/// What every translator needs to know about this vcluster.
pub(crate) struct Ctx {
    pub vcluster: String,
    /// HNS: where synced objects go.
    pub host_namespace: String,
    /// CNS: where vcluster itself runs.
    pub control_namespace: String,
    pub version: VclusterVersion,
    pub config: VclusterConfig,
    /// ClusterIP of the host Service `<VC>` (the virtual API server), a placeholder.
    pub kube_ip: String,
    /// ClusterIP of the synced virtual kube-dns Service, a placeholder.
    pub dns_ip: String,
    pub vcluster_service_uid: String,
    /// The host's Kubernetes minor, when the user gave it.
    pub host_kubernetes_minor: Option<u32>,
}

impl Ctx {
    fn new(cluster: &Cluster) -> Self {
        let placeholders: &Placeholders = &cluster.placeholders;
        Ctx {
            vcluster: cluster.vcluster().to_string(),
            host_namespace: cluster.host_namespace().to_string(),
            control_namespace: cluster.control_namespace().to_string(),
            version: cluster.version,
            config: cluster.config.clone(),
            kube_ip: cluster
                .options
                .vcluster_service_ip
                .clone()
                .unwrap_or_else(|| placeholders.cluster_ip("host-service/vcluster")),
            dns_ip: cluster
                .options
                .dns_service_ip
                .clone()
                .unwrap_or_else(|| placeholders.cluster_ip("host-service/kube-dns")),
            vcluster_service_uid: placeholders.uid("host-service/vcluster"),
            host_kubernetes_minor: cluster
                .options
                .host_kubernetes_version
                .as_deref()
                .and_then(crate::settings::kubernetes_minor),
        }
    }

    /// v0.19 skipped the owner reference when syncing into another namespace.
    pub fn owner_in_same_namespace(&self) -> bool {
        self.version.at_least(20) || self.host_namespace == self.control_namespace
    }

    /// Host name of a namespaced virtual object (§1.2; names are kept in multi-namespace mode).
    pub fn host_name(&self, name: &str, namespace: &str) -> String {
        if self.config.multi_namespace { name.to_string() } else { names::host_name(name, namespace, &self.vcluster) }
    }

    /// Host namespace of a virtual namespace (§1.2, §1.7).
    pub fn host_namespace_of(&self, namespace: &str) -> String {
        if self.config.multi_namespace {
            names::multi_namespace_host_namespace(namespace, &self.control_namespace, &self.vcluster)
        } else {
            self.host_namespace.clone()
        }
    }

    /// Host name of a ConfigMap (§1.5: `kube-root-ca.crt` in multi-namespace mode).
    pub fn host_config_map_name(&self, name: &str, namespace: &str) -> String {
        let host = self.host_name(name, namespace);
        if host == "kube-root-ca.crt" {
            names::safe_concat_name(&["vcluster", "kube-root-ca.crt", "x", &self.vcluster])
        } else {
            host
        }
    }

    /// Host name of a cluster-scoped object (§1.3).
    pub fn host_name_cluster(&self, name: &str) -> String {
        let namespace = if self.config.multi_namespace { &self.control_namespace } else { &self.host_namespace };
        names::host_name_cluster_scoped(name, namespace, &self.vcluster)
    }
}

/// ConfigMaps and Secrets a synced object refers to: only those reach the host (§4.4).
#[derive(Default)]
pub(crate) struct Used {
    pub config_maps: BTreeSet<(String, String)>,
    pub secrets: BTreeSet<(String, String)>,
}

pub(crate) fn run(cluster: &mut Cluster) {
    let ctx = Ctx::new(cluster);
    let mut used = Used::default();
    // Pods first: they decide which ConfigMaps and Secrets are synced.
    let order: Vec<usize> = (0..cluster.objects.len())
        .filter(|&id| cluster.objects[id].kind == "Pod")
        .chain((0..cluster.objects.len()).filter(|&id| cluster.objects[id].kind != "Pod"))
        .collect();
    for id in order {
        if !is_live(&cluster.objects[id].disposition) {
            continue;
        }
        let disposition = if cluster.objects[id].class != ObjectClass::Builtin {
            Disposition::VirtualOnly { reason: "custom resources stay in the virtual cluster (vcluster's open-source syncer has no custom-resource sync)".into() }
        } else {
            translate_builtin(cluster, &ctx, &mut used, id)
        };
        cluster.objects[id].disposition = disposition;
    }
    policies::add(cluster, &ctx);
    if ctx.config.multi_namespace {
        cluster_scoped::add_host_namespaces(cluster, &ctx);
    }
}

fn translate_builtin(cluster: &mut Cluster, ctx: &Ctx, used: &mut Used, id: usize) -> Disposition {
    let object = &cluster.objects[id];
    let kind = object.kind.as_str();
    let api_version = object.api_version.as_str();
    let sync = &ctx.config.sync;
    match (api_version, kind) {
        ("v1", "Pod") => pod::sync(cluster, ctx, used, id),
        ("v1", "Service") => service::sync(cluster, ctx, id),
        ("v1", "Endpoints") => simple::endpoints(cluster, ctx, id),
        ("discovery.k8s.io/v1", "EndpointSlice") => simple::endpoint_slice(cluster, ctx, id),
        ("v1", "ConfigMap") => configs::sync_config_map(cluster, ctx, used, id),
        ("v1", "Secret") => configs::sync_secret(cluster, ctx, used, id),
        ("v1", "PersistentVolumeClaim") => simple::persistent_volume_claim(cluster, ctx, id),
        ("networking.k8s.io/v1", "Ingress") => configs::ingress(cluster, ctx, used, id),
        ("networking.k8s.io/v1", "NetworkPolicy") => network_policy::sync(cluster, ctx, id),
        ("policy/v1", "PodDisruptionBudget") => simple::pod_disruption_budget(cluster, ctx, id),
        ("v1", "ServiceAccount") => simple::service_account(cluster, ctx, id),
        ("scheduling.k8s.io/v1", "PriorityClass") if sync.priority_classes_to_host => {
            cluster_scoped::priority_class(cluster, ctx, id)
        }
        ("storage.k8s.io/v1", "StorageClass") if sync.storage_classes_to_host => {
            cluster_scoped::storage_class(cluster, ctx, id)
        }
        ("v1", "PersistentVolume") if sync.persistent_volumes_to_host => {
            cluster_scoped::persistent_volume(cluster, ctx, id)
        }
        ("scheduling.k8s.io/v1", "PriorityClass") => {
            toggle_off(ctx, ("sync.toHost.priorityClasses.enabled", "sync.priorityclasses.enabled"), "")
        }
        ("storage.k8s.io/v1", "StorageClass") => {
            toggle_off(ctx, ("sync.toHost.storageClasses.enabled", "sync.storageclasses.enabled"), "")
        }
        ("v1", "PersistentVolume") => {
            toggle_off(ctx, ("sync.toHost.persistentVolumes.enabled", "sync.persistentvolumes.enabled"), "")
        }
        _ => Disposition::VirtualOnly { reason: virtual_only_reason(api_version, kind) },
    }
}

/// A kind vcluster can sync but whose switch is off: `(vcluster.yaml key, v0.19 Helm key)`.
pub(crate) fn toggle_off(ctx: &Ctx, (key, helm_key): (&str, &str), consequence: &str) -> Disposition {
    let key = if ctx.version.uses_vcluster_yaml() || helm_key.is_empty() { key } else { helm_key };
    Disposition::NotSynced { reason: format!("{key} is false (the default){consequence}") }
}

/// Why a kind stays inside the virtual cluster (§4.1).
fn virtual_only_reason(api_version: &str, kind: &str) -> String {
    match kind {
        "Deployment"
        | "ReplicaSet"
        | "StatefulSet"
        | "DaemonSet"
        | "Job"
        | "CronJob"
        | "ReplicationController"
        | "HorizontalPodAutoscaler" => {
            "run by the virtual cluster's controller-manager; only the pods it creates are synced".into()
        }
        "Namespace" => "namespaces stay virtual: every virtual namespace maps into the one host namespace".into(),
        "CustomResourceDefinition" | "APIService" => "served by the virtual API server only".into(),
        "Role" | "RoleBinding" | "ClusterRole" | "ClusterRoleBinding" => {
            "RBAC is enforced by the virtual API server only".into()
        }
        "ValidatingWebhookConfiguration"
        | "MutatingWebhookConfiguration"
        | "ValidatingAdmissionPolicy"
        | "ValidatingAdmissionPolicyBinding"
        | "MutatingAdmissionPolicy"
        | "MutatingAdmissionPolicyBinding" => {
            "admission inside the virtual cluster only; the host never calls these".into()
        }
        "LimitRange" | "ResourceQuota" => {
            "enforced by the virtual API server only; the host namespace has its own".into()
        }
        "IngressClass" | "RuntimeClass" | "CSIDriver" | "CSINode" | "CSIStorageCapacity" => {
            "synced from the host into the virtual cluster, never to the host".into()
        }
        "Node" => "vcluster shows nodes inside the virtual cluster; it never writes host nodes".into(),
        _ => format!("{kind} ({api_version}) stays in the virtual cluster: vcluster has no syncer for it"),
    }
}

/// Adds a host object written for virtual object `from`.
pub(crate) fn add_host(
    cluster: &mut Cluster,
    from: Option<usize>,
    written_by: &str,
    object: Value,
    path_map: PathMap,
) -> usize {
    let text = |pointer: &str| object.pointer(pointer).and_then(Value::as_str).unwrap_or_default().to_string();
    let namespace = Some(text("/metadata/namespace")).filter(|n| !n.is_empty());
    cluster.add_host(HostObject {
        id: 0,
        api_version: text("/apiVersion"),
        kind: text("/kind"),
        namespace,
        name: text("/metadata/name"),
        from,
        written_by: written_by.into(),
        object,
        admission: None,
        path_map,
    })
}

/// Host mode: every object applied (and every object its controllers made) is itself the
/// host object, with the host's admission already recorded.
pub(crate) fn applied_to_host(cluster: &mut Cluster) {
    for id in 0..cluster.objects.len() {
        let object = &cluster.objects[id];
        if let crate::report::Origin::Implicit { reason } = &object.origin {
            cluster.objects[id].disposition = Disposition::Present { reason: reason.clone() };
            continue;
        }
        if !is_live(&object.disposition) {
            continue;
        }
        let written_by = match &object.origin {
            crate::report::Origin::Generated { controller, .. } => controller.clone(),
            _ => "kubectl apply".to_string(),
        };
        let admission = cluster.admissions.remove(&id);
        let host = add_host(cluster, Some(id), &written_by, cluster.objects[id].object.clone(), PathMap::default());
        cluster.host_objects[host].admission = admission;
        cluster.objects[id].disposition = Disposition::AppliedToHost;
    }
}
