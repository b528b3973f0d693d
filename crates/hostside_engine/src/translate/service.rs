//! §4.2 Services. `kubectl create` through the vcluster endpoint is intercepted: vcluster
//! creates the host Service first from the request (selector translated, the rest of the
//! spec as given, `object-uid` empty, `block-deletion`), then stores the virtual Service with
//! the host's cluster IP. Identical structure in v0.19.

use super::metadata::{MANAGED_BY, NAMESPACE_LABEL, host_label_key, host_object};
use super::{Ctx, add_host};
use crate::cluster::Cluster;
use crate::report::{Disposition, PathMap};
use crate::value::ValueExt;
use serde_json::{Map, Value, json};

pub(super) fn sync(cluster: &mut Cluster, ctx: &Ctx, id: usize) -> Disposition {
    let object = &cluster.objects[id];
    let vns = object.namespace.clone().unwrap_or_default();
    let vname = object.name.clone();
    if vns == "default" && vname == "kubernetes" {
        return Disposition::VirtualOnly {
            reason: format!("the virtual cluster's own API service: vcluster maps it to host Service {}", ctx.vcluster),
        };
    }
    if !ctx.config.sync.services {
        return Disposition::NotSynced {
            reason: "service sync is disabled (sync.toHost.services.enabled: false)".into(),
        };
    }
    let mut request = object.requested.clone().unwrap_or_else(|| object.object.clone());
    // The request has no UID yet: the virtual object is created after the host one.
    request.set_at("/metadata/uid", json!(""));
    let host_ns = ctx.host_namespace_of(&vns);
    let mut host = host_object(ctx, &request, &ctx.host_name(&vname, &vns), Some(&host_ns), Some(&vns));
    host.set_at("/metadata/annotations/vcluster.loft.sh~1block-deletion", json!("true"));
    if let Some(Value::Object(selector)) = request.pointer("/spec/selector") {
        host.set_at("/spec/selector", Value::Object(host_selector_map(ctx, selector, &vns)));
    }
    add_host(cluster, Some(id), "service-syncer", host, PathMap::default());
    Disposition::SyncedToHost { syncer: "service-syncer".into() }
}

/// `HostLabelsMap` for a plain selector map: keys through the key rule, plus the markers.
pub(super) fn host_selector_map(ctx: &Ctx, selector: &Map<String, Value>, vns: &str) -> Map<String, Value> {
    let mut out: Map<String, Value> = selector.iter().map(|(k, v)| (host_label_key(ctx, k), v.clone())).collect();
    if !ctx.config.multi_namespace {
        out.insert(MANAGED_BY.into(), json!(ctx.vcluster));
        out.insert(NAMESPACE_LABEL.into(), json!(vns));
    }
    out
}
