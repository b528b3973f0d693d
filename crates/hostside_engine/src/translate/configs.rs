//! §4.4 ConfigMaps and Secrets (only those a synced pod or ingress uses, unless `all` or
//! the force-sync annotation) and §4.6 Ingresses, which name Services and TLS Secrets.

use super::metadata::host_object;
use super::{Ctx, Used, add_host};
use crate::cluster::Cluster;
use crate::report::{Disposition, PathMap};
use crate::value::ValueExt;
use serde_json::{Value, json};
use std::collections::BTreeSet;

const FORCE_SYNC: &str = "/metadata/annotations/vcluster.loft.sh~1force-sync";

pub(super) fn sync_config_map(cluster: &mut Cluster, ctx: &Ctx, used: &Used, id: usize) -> Disposition {
    let sync = &ctx.config.sync;
    let rule =
        UsedOnly { enabled: sync.config_maps, all: sync.config_maps_all, used: &used.config_maps, referrers: "pod" };
    sync_if_used(cluster, ctx, id, rule, "configmap-syncer")
}

pub(super) fn sync_secret(cluster: &mut Cluster, ctx: &Ctx, used: &Used, id: usize) -> Disposition {
    let sync = &ctx.config.sync;
    let rule =
        UsedOnly { enabled: sync.secrets, all: sync.secrets_all, used: &used.secrets, referrers: "pod or ingress" };
    sync_if_used(cluster, ctx, id, rule, "secret-syncer")
}

/// The "sync only what is used" rule of ConfigMaps and Secrets.
struct UsedOnly<'a> {
    enabled: bool,
    all: bool,
    used: &'a BTreeSet<(String, String)>,
    referrers: &'a str,
}

fn sync_if_used(cluster: &mut Cluster, ctx: &Ctx, id: usize, rule: UsedOnly<'_>, syncer: &str) -> Disposition {
    let object = &cluster.objects[id];
    let kind = object.kind.clone();
    let vns = object.namespace.clone().unwrap_or_default();
    let key = (vns.clone(), object.name.clone());
    if !rule.enabled {
        return Disposition::NotSynced { reason: format!("{kind} sync is disabled") };
    }
    let forced = object.object.str_at(FORCE_SYNC) == Some("true");
    if !(rule.all || forced || rule.used.contains(&key)) {
        return Disposition::NotSynced {
            reason: format!(
                "no synced {} uses this {kind} (vcluster syncs only the {kind}s they reference)",
                rule.referrers
            ),
        };
    }
    let host_name =
        if kind == "ConfigMap" { ctx.host_config_map_name(&key.1, &vns) } else { ctx.host_name(&key.1, &vns) };
    let mut host = host_object(ctx, &object.object, &host_name, Some(&ctx.host_namespace_of(&vns)), Some(&vns));
    if host.str_at("/type") == Some("kubernetes.io/service-account-token") {
        host.set_at("/type", json!("Opaque"));
    }
    add_host(cluster, Some(id), syncer, host, PathMap::default());
    Disposition::SyncedToHost { syncer: syncer.into() }
}

/// nginx annotations whose value names a Secret (`secret` or `namespace/secret`).
const SECRET_ANNOTATIONS: &[&str] = &[
    "nginx.ingress.kubernetes.io/auth-secret",
    "nginx.ingress.kubernetes.io/auth-tls-secret",
    "nginx.ingress.kubernetes.io/proxy-ssl-secret",
];

pub(super) fn ingress(cluster: &mut Cluster, ctx: &Ctx, used: &mut Used, id: usize) -> Disposition {
    if !ctx.config.sync.ingresses {
        return super::toggle_off(
            ctx,
            ("sync.toHost.ingresses.enabled", "sync.ingresses.enabled"),
            "; an ingress controller inside the virtual cluster serves it",
        );
    }
    let object = &cluster.objects[id];
    let vns = object.namespace.clone().unwrap_or_default();
    let mut host = host_object(
        ctx,
        &object.object,
        &ctx.host_name(&object.name, &vns),
        Some(&ctx.host_namespace_of(&vns)),
        Some(&vns),
    );
    let service = |ctx: &Ctx, backend: &mut Value| {
        if let Some(name) = backend.str_at("/service/name").map(String::from) {
            backend.set_at("/service/name", json!(ctx.host_name(&name, &vns)));
        }
        if let Some(name) = backend.str_at("/resource/name").map(String::from) {
            backend.set_at("/resource/name", json!(ctx.host_name(&name, &vns)));
        }
    };
    if let Some(backend) = host.pointer_mut("/spec/defaultBackend") {
        service(ctx, backend);
    }
    if let Some(Value::Array(rules)) = host.pointer_mut("/spec/rules") {
        for rule in rules {
            if let Some(Value::Array(paths)) = rule.pointer_mut("/http/paths") {
                for path in paths {
                    if let Some(backend) = path.get_mut("backend") {
                        service(ctx, backend);
                    }
                }
            }
        }
    }
    if let Some(Value::Array(tls)) = host.pointer_mut("/spec/tls") {
        for entry in tls {
            if let Some(name) = entry.str_at("/secretName").map(String::from) {
                used.secrets.insert((vns.clone(), name.clone()));
                entry.set_at("/secretName", json!(ctx.host_name(&name, &vns)));
            }
        }
    }
    for annotation in SECRET_ANNOTATIONS {
        let pointer = format!("/metadata/annotations/{}", crate::value::escape_pointer(annotation));
        if let Some(value) = host.str_at(&pointer).map(String::from) {
            let translated = match value.split_once('/') {
                Some((ns, name)) => {
                    used.secrets.insert((ns.to_string(), name.to_string()));
                    format!("{}/{}", ctx.host_namespace_of(ns), ctx.host_name(name, ns))
                }
                None => {
                    used.secrets.insert((vns.clone(), value.clone()));
                    ctx.host_name(&value, &vns)
                }
            };
            host.set_at(&pointer, json!(translated));
        }
    }
    add_host(cluster, Some(id), "ingress-syncer", host, PathMap::default());
    Disposition::SyncedToHost { syncer: "ingress-syncer".into() }
}
