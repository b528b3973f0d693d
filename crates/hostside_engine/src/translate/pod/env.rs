//! §3.4–§3.5: service-link variables vcluster computes itself (it turns the kubelet's off),
//! the virtual API server's `KUBERNETES_*` variables, and downward-API field rewrites
//! (`translate/envvars.go`, `TranslateContainerEnv`; identical in v0.19).

use super::super::metadata::host_label_key;
use super::super::{Ctx, Used};
use crate::cluster::{Cluster, is_live};
use crate::value::ValueExt;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};

/// The variables every container gets unless it defines them itself.
pub(super) fn service_environment(
    cluster: &Cluster,
    ctx: &Ctx,
    virtual_pod: &Value,
    vns: &str,
) -> BTreeMap<String, String> {
    let mut env = BTreeMap::new();
    if virtual_pod.bool_at("/spec/enableServiceLinks") == Some(true) {
        for service in cluster
            .objects
            .iter()
            .filter(|o| o.kind == "Service" && o.namespace.as_deref() == Some(vns) && is_live(&o.disposition))
        {
            for (name, value) in link_variables(&service.name, &service.object) {
                env.insert(name, value);
            }
        }
    }
    let ip = &ctx.kube_ip;
    for (name, value) in [
        ("KUBERNETES_PORT", format!("tcp://{ip}:443")),
        ("KUBERNETES_PORT_443_TCP", format!("tcp://{ip}:443")),
        ("KUBERNETES_PORT_443_TCP_ADDR", ip.clone()),
        ("KUBERNETES_PORT_443_TCP_PORT", "443".into()),
        ("KUBERNETES_PORT_443_TCP_PROTO", "tcp".into()),
        ("KUBERNETES_SERVICE_HOST", ip.clone()),
        ("KUBERNETES_SERVICE_PORT", "443".into()),
        ("KUBERNETES_SERVICE_PORT_HTTPS", "443".into()),
    ] {
        env.insert(name.to_string(), value);
    }
    env
}

/// Docker-link style variables of one service with a cluster IP.
fn link_variables(name: &str, service: &Value) -> Vec<(String, String)> {
    let ip = service.str_at("/spec/clusterIP").unwrap_or_default();
    let ports = service.array_at("/spec/ports");
    if ip.is_empty() || ip == "None" || ports.is_empty() {
        return Vec::new();
    }
    let prefix = name.replace('-', "_").to_uppercase();
    let port_of = |p: &Value| p.get("port").map(|n| n.to_string()).unwrap_or_default();
    let mut vars = vec![
        (format!("{prefix}_SERVICE_HOST"), ip.to_string()),
        (format!("{prefix}_SERVICE_PORT"), port_of(&ports[0])),
    ];
    for port in ports {
        if let Some(port_name) = port.str_at("/name").filter(|n| !n.is_empty()) {
            vars.push((format!("{prefix}_SERVICE_PORT_{}", port_name.replace('-', "_").to_uppercase()), port_of(port)));
        }
    }
    let host_port =
        |p: &Value| if ip.contains(':') { format!("[{ip}]:{}", port_of(p)) } else { format!("{ip}:{}", port_of(p)) };
    for (i, port) in ports.iter().enumerate() {
        let protocol = port.str_at("/protocol").filter(|p| !p.is_empty()).unwrap_or("TCP");
        let lower = protocol.to_lowercase();
        if i == 0 {
            vars.push((format!("{prefix}_PORT"), format!("{lower}://{}", host_port(port))));
        }
        let port_prefix = format!("{prefix}_PORT_{}_{}", port_of(port), protocol.to_uppercase());
        vars.push((port_prefix.clone(), format!("{lower}://{}", host_port(port))));
        vars.push((format!("{port_prefix}_PROTO"), lower.clone()));
        vars.push((format!("{port_prefix}_PORT"), port_of(port)));
        vars.push((format!("{port_prefix}_ADDR"), ip.to_string()));
    }
    vars
}

/// One container's env and envFrom, with the service variables prepended in name order.
pub(super) fn translate_container(
    ctx: &Ctx,
    used: &mut Used,
    vns: &str,
    service_env: &BTreeMap<String, String>,
    container: &mut Value,
) {
    let mut defined = BTreeSet::new();
    let mut own = container.get("env").and_then(Value::as_array).cloned().unwrap_or_default();
    for var in &mut own {
        if let Some(field_ref) = var.pointer_mut("/valueFrom/fieldRef") {
            translate_field_ref(ctx, field_ref);
        }
        if let Some(name) = var.str_at("/valueFrom/configMapKeyRef/name").filter(|n| !n.is_empty()).map(String::from) {
            used.config_maps.insert((vns.to_string(), name.clone()));
            var.set_at("/valueFrom/configMapKeyRef/name", json!(ctx.host_config_map_name(&name, vns)));
        }
        if let Some(name) = var.str_at("/valueFrom/secretKeyRef/name").filter(|n| !n.is_empty()).map(String::from) {
            used.secrets.insert((vns.to_string(), name.clone()));
            var.set_at("/valueFrom/secretKeyRef/name", json!(ctx.host_name(&name, vns)));
        }
        if let Some(name) = var.str_at("/name") {
            defined.insert(name.to_string());
        }
    }
    if let Some(Value::Array(sources)) = container.get_mut("envFrom") {
        for source in sources {
            if let Some(name) = source.str_at("/configMapRef/name").filter(|n| !n.is_empty()).map(String::from) {
                used.config_maps.insert((vns.to_string(), name.clone()));
                source.set_at("/configMapRef/name", json!(ctx.host_config_map_name(&name, vns)));
            }
            if let Some(name) = source.str_at("/secretRef/name").filter(|n| !n.is_empty()).map(String::from) {
                used.secrets.insert((vns.to_string(), name.clone()));
                source.set_at("/secretRef/name", json!(ctx.host_name(&name, vns)));
            }
        }
    }
    let mut env: Vec<Value> = service_env
        .iter()
        .filter(|(k, _)| !defined.contains(*k))
        .map(|(k, v)| json!({"name": k, "value": v}))
        .collect();
    env.extend(own);
    container.set_at("/env", Value::Array(env));
}

/// §3.5: downward-API paths that would reveal host values point at vcluster's annotations.
pub(super) fn translate_field_ref(ctx: &Ctx, field_ref: &mut Value) {
    let Some(path) = field_ref.str_at("/fieldPath").map(String::from) else { return };
    let annotation = |key: &str| format!("metadata.annotations['{key}']");
    let rewritten = if let Some(key) =
        path.strip_prefix("metadata.labels['").and_then(|r| r.strip_suffix("']")).filter(|k| !k.is_empty())
    {
        format!("metadata.labels['{}']", host_label_key(ctx, key))
    } else {
        match path.as_str() {
            "metadata.labels" => annotation("vcluster.loft.sh/labels"),
            "metadata.name" => annotation("vcluster.loft.sh/name"),
            "metadata.namespace" => annotation("vcluster.loft.sh/namespace"),
            "metadata.uid" => annotation("vcluster.loft.sh/uid"),
            "spec.serviceAccountName" => annotation("vcluster.loft.sh/service-account-name"),
            _ => return,
        }
    };
    field_ref.set_at("/fieldPath", json!(rewritten));
}
