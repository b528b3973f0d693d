//! §5: the host-side objects vcluster's chart installs from its isolation settings —
//! ResourceQuota, LimitRange and NetworkPolicies — as each era's chart renders them
//! (v0.19.10 `charts/k3s/templates/{resourcequota,limitrange,networkpolicy}.yaml`,
//! v0.20.0 and main `chart/templates/…`). The host then enforces them on every synced pod.

use super::{Ctx, add_host};
use crate::cluster::Cluster;
use crate::report::PathMap;
use crate::value::ValueExt;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

/// The chart version label (`vcluster.version.label`).
fn chart_label(ctx: &Ctx) -> String {
    match ctx.version.minor() {
        20 => "vcluster-0.20.0".into(),
        37 => "vcluster-0.36.1".into(),
        minor => format!("vcluster-0.{minor}.0"),
    }
}

fn written_by(setting: &str) -> String {
    format!("vcluster chart ({setting})")
}

/// Common metadata: v0.20+ labels every object; v0.19 only adds global annotations.
fn metadata(
    ctx: &Ctx,
    name: &str,
    namespace: &str,
    labels: &BTreeMap<String, String>,
    annotations: &BTreeMap<String, String>,
) -> Value {
    let mut meta = json!({"name": name, "namespace": namespace});
    let mut all_annotations: Map<String, Value> =
        ctx.config.global_annotations.iter().map(|(k, v)| (k.clone(), json!(v))).collect();
    if ctx.version.at_least(20) {
        let mut all_labels = Map::new();
        all_labels.insert("app".into(), json!("vcluster"));
        all_labels.insert("chart".into(), json!(chart_label(ctx)));
        all_labels.insert("release".into(), json!(ctx.vcluster));
        all_labels.insert("heritage".into(), json!("Helm"));
        all_labels.extend(labels.iter().map(|(k, v)| (k.clone(), json!(v))));
        meta.set_at("/labels", Value::Object(all_labels));
        all_annotations.extend(annotations.iter().map(|(k, v)| (k.clone(), json!(v))));
    }
    if !all_annotations.is_empty() {
        meta.set_at("/annotations", Value::Object(all_annotations));
    }
    meta
}

fn quantities(map: &BTreeMap<String, String>) -> Value {
    Value::Object(map.iter().map(|(k, v)| (k.clone(), json!(v))).collect())
}

pub(super) fn add(cluster: &mut Cluster, ctx: &Ctx) {
    let v19 = !ctx.version.at_least(20);
    let namespace = ctx
        .config
        .isolation_namespace
        .clone()
        .unwrap_or_else(|| if v19 { ctx.control_namespace.clone() } else { ctx.host_namespace.clone() });
    let (quota_setting, limit_setting, network_setting) = if v19 {
        ("isolation.resourceQuota", "isolation.limitRange", "isolation.networkPolicy")
    } else {
        ("policies.resourceQuota", "policies.limitRange", "policies.networkPolicy")
    };

    let quota = &ctx.config.resource_quota;
    if quota.enabled {
        let name = if v19 { format!("{}-quota", ctx.vcluster) } else { format!("vc-{}", ctx.vcluster) };
        let mut object = json!({"apiVersion": "v1", "kind": "ResourceQuota", "metadata": metadata(ctx, &name, &namespace, &quota.labels, &quota.annotations), "spec": {}});
        if !quota.quota.is_empty() {
            object.set_at("/spec/hard", quantities(&quota.quota));
        }
        if !quota.scope_match_expressions.is_empty() {
            object.set_at("/spec/scopeSelector/matchExpressions", Value::Array(quota.scope_match_expressions.clone()));
        }
        if !quota.scopes.is_empty() {
            object.set_at("/spec/scopes", Value::Array(quota.scopes.clone()));
        }
        add_host(cluster, None, &written_by(quota_setting), object, PathMap::default());
    }

    let limits = &ctx.config.limit_range;
    if limits.enabled {
        let name = if v19 { format!("{}-limit-range", ctx.vcluster) } else { format!("vc-{}", ctx.vcluster) };
        let mut item = json!({"default": quantities(&limits.default), "defaultRequest": quantities(&limits.default_request), "type": "Container"});
        if !v19 && !limits.min.is_empty() {
            item.set_at("/min", quantities(&limits.min));
        }
        if !v19 && !limits.max.is_empty() {
            item.set_at("/max", quantities(&limits.max));
        }
        let object = json!({"apiVersion": "v1", "kind": "LimitRange", "metadata": metadata(ctx, &name, &namespace, &limits.labels, &limits.annotations), "spec": {"limits": [item]}});
        add_host(cluster, None, &written_by(limit_setting), object, PathMap::default());
    }

    if ctx.config.network_policy.enabled {
        let policies = if ctx.version.at_least(31) {
            network_policies_v031(ctx)
        } else {
            network_policies_egress_only(ctx, &namespace)
        };
        for object in policies {
            add_host(cluster, None, &written_by(network_setting), object, PathMap::default());
        }
    }
}

fn release_selector(ctx: &Ctx) -> Value {
    json!({"matchLabels": {"release": ctx.vcluster}})
}

fn workload_selector(ctx: &Ctx) -> Value {
    json!({"matchLabels": {"vcluster.loft.sh/managed-by": ctx.vcluster}})
}

fn kube_dns_peer() -> Value {
    json!({"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "kube-system"}}, "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}}})
}

fn tcp(port: u16) -> Value {
    json!({"port": port, "protocol": "TCP"})
}

/// A port as the v0.19/v0.20 charts write it: protocol left for the API server to default.
fn port(port: u16) -> Value {
    json!({"port": port})
}

fn udp(port: u16) -> Value {
    json!({"port": port, "protocol": "UDP"})
}

/// v0.19–v0.30: egress-only `<release>-workloads` / `vc-work-<VC>` and
/// `<release>-control-plane` / `vc-cp-<VC>`.
fn network_policies_egress_only(ctx: &Ctx, workload_namespace: &str) -> Vec<Value> {
    let np = &ctx.config.network_policy;
    let v19 = !ctx.version.at_least(20);
    let (work_name, cp_name) = if v19 {
        (format!("{}-workloads", ctx.vcluster), format!("{}-control-plane", ctx.vcluster))
    } else {
        (format!("vc-work-{}", ctx.vcluster), format!("vc-cp-{}", ctx.vcluster))
    };
    let mut block = json!({"cidr": np.egress_cidr});
    block.set_at("/except", json!(np.egress_except));
    let workloads = json!({
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": metadata(ctx, &work_name, workload_namespace, &np.labels, &np.annotations),
        "spec": {
            "podSelector": workload_selector(ctx),
            "egress": [
                {"ports": [port(443), port(8443)], "to": [{"podSelector": release_selector(ctx)}]},
                {"ports": [udp(53), tcp(53)]},
                {"to": [{"podSelector": workload_selector(ctx)}, {"ipBlock": block}]},
            ],
            "policyTypes": ["Egress"],
        },
    });
    let mut cp_peers = vec![json!({"podSelector": {}}), kube_dns_peer()];
    if np.platform {
        cp_peers.push(json!({"podSelector": {"matchLabels": {"app": "loft"}}, "namespaceSelector": {}}));
    }
    let control_plane = json!({
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": metadata(ctx, &cp_name, &ctx.control_namespace, &np.labels, &np.annotations),
        "spec": {
            "podSelector": release_selector(ctx),
            "egress": [{"ports": [port(443), port(8443), port(6443)]}, {"to": cp_peers}],
            "policyTypes": ["Egress"],
        },
    });
    vec![workloads, control_plane]
}

/// v0.31+: `vc-work-`, `vc-cp-`, `vc-kube-dns-` (CoreDNS on, not embedded) and
/// `vc-snapshot-`, with ingress rules and public egress.
fn network_policies_v031(ctx: &Ctx) -> Vec<Value> {
    let np = &ctx.config.network_policy;
    let ns = &ctx.control_namespace;
    let vc = &ctx.vcluster;
    let policy = |name: String, selector: Value, egress: Vec<Value>, ingress: Vec<Value>| {
        json!({
            "apiVersion": "networking.k8s.io/v1",
            "kind": "NetworkPolicy",
            "metadata": metadata(ctx, &name, ns, &np.labels, &np.annotations),
            "spec": {"podSelector": selector, "policyTypes": ["Egress", "Ingress"], "egress": egress, "ingress": ingress},
        })
    };
    let mut work_egress = vec![
        json!({"ports": [udp(1053), tcp(1053), tcp(8443)], "to": [{"podSelector": release_selector(ctx)}]}),
        json!({"to": [{"podSelector": workload_selector(ctx)}]}),
    ];
    if np.public_egress {
        work_egress.push(json!({"to": [{"ipBlock": {"cidr": np.egress_cidr, "except": np.egress_except}}]}));
    }
    work_egress.extend(np.workload_egress.iter().cloned());
    let mut work_ingress = vec![
        json!({"from": [{"podSelector": release_selector(ctx)}]}),
        json!({"from": [{"podSelector": workload_selector(ctx)}]}),
    ];
    work_ingress.extend(np.workload_ingress.iter().cloned());

    let loft = json!({"podSelector": {"matchLabels": {"app": "loft"}}, "namespaceSelector": {}});
    let mut cp_egress = vec![
        json!({"to": [kube_dns_peer()]}),
        json!({"ports": [tcp(443), tcp(8443), tcp(6443)]}),
        json!({"to": [{"podSelector": release_selector(ctx)}]}),
        json!({"to": [{"podSelector": workload_selector(ctx)}]}),
        json!({"to": [loft.clone()]}),
    ];
    cp_egress.extend(np.control_plane_egress.iter().cloned());
    let mut cp_ingress = vec![
        json!({"ports": [tcp(8443)]}),
        json!({"from": [{"podSelector": release_selector(ctx)}]}),
        json!({"ports": [udp(1053), tcp(1053), tcp(8443)], "from": [{"podSelector": workload_selector(ctx)}]}),
        json!({"from": [{"podSelector": {"matchLabels": {"app": "vcluster-snapshot"}}}]}),
        json!({"from": [loft]}),
    ];
    cp_ingress.extend(np.control_plane_ingress.iter().cloned());

    let dns = policy(
        format!("vc-kube-dns-{vc}"),
        json!({"matchLabels": {"k8s-app": "vcluster-kube-dns", "vcluster.loft.sh/managed-by": vc}}),
        vec![
            json!({"to": [kube_dns_peer()]}),
            json!({"ports": [tcp(8443)], "to": [{"podSelector": release_selector(ctx)}]}),
        ],
        vec![json!({"ports": [tcp(1053), udp(1053)], "from": [{"podSelector": workload_selector(ctx)}]})],
    );
    let snapshot = policy(
        format!("vc-snapshot-{vc}"),
        json!({"matchLabels": {"app": "vcluster-snapshot"}}),
        vec![
            json!({"to": [{"podSelector": release_selector(ctx)}]}),
            json!({"to": [kube_dns_peer()]}),
            json!({"ports": [tcp(443), tcp(8443), tcp(6443)]}),
        ],
        Vec::new(),
    );
    let mut snapshot = snapshot;
    if let Some(spec) = snapshot.get_mut("spec").and_then(Value::as_object_mut) {
        spec.remove("ingress");
    }
    vec![
        policy(format!("vc-work-{vc}"), workload_selector(ctx), work_egress, work_ingress),
        policy(format!("vc-cp-{vc}"), release_selector(ctx), cp_egress, cp_ingress),
        dns,
        snapshot,
    ]
}
