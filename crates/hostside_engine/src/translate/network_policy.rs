//! §4.7 NetworkPolicies (when `sync.toHost.networkPolicies.enabled`): selectors folded into
//! the one host namespace with vcluster's marker labels. Not supported in multi-namespace
//! mode (v0.19 panics, later versions exit).

use super::metadata::{
    MANAGED_BY, NAMESPACE_LABEL, add_match_labels, host_namespace_selector, host_object, host_selector,
};
use super::{Ctx, add_host};
use crate::cluster::Cluster;
use crate::report::{Disposition, Finding, PathMap, Severity, Stage};
use crate::rules;
use crate::value::ValueExt;
use serde_json::{Value, json};

pub(super) fn sync(cluster: &mut Cluster, ctx: &Ctx, id: usize) -> Disposition {
    if !ctx.config.sync.network_policies {
        return super::toggle_off(
            ctx,
            ("sync.toHost.networkPolicies.enabled", "sync.networkpolicies.enabled"),
            ", so this policy does not reach the host namespace",
        );
    }
    if ctx.config.multi_namespace {
        let message = "vcluster does not support NetworkPolicy sync in multi-namespace mode (the syncer stops)";
        cluster.finding(Finding::new(rules::SYNC_UNSUPPORTED, Severity::Error, Stage::Translate, message).on(id));
        return Disposition::NotSynced { reason: message.into() };
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
    let pod_selector = host.pointer("/spec/podSelector").cloned().unwrap_or_else(|| json!({}));
    let mut selector = host_selector(ctx, &pod_selector);
    add_match_labels(&mut selector, &[(NAMESPACE_LABEL, &vns), (MANAGED_BY, &ctx.vcluster)]);
    host.set_at("/spec/podSelector", selector);
    for (rules_key, peers_key) in [("ingress", "from"), ("egress", "to")] {
        if let Some(Value::Array(rules)) = host.pointer_mut(&format!("/spec/{rules_key}")) {
            for rule in rules {
                if let Some(Value::Array(peers)) = rule.get_mut(peers_key) {
                    for peer in peers {
                        translate_peer(ctx, &vns, peer);
                    }
                }
            }
        }
    }
    add_host(cluster, Some(id), "networkpolicy-syncer", host, PathMap::default());
    Disposition::SyncedToHost { syncer: "networkpolicy-syncer".into() }
}

fn translate_peer(ctx: &Ctx, vns: &str, peer: &mut Value) {
    if peer.get("ipBlock").is_some() {
        return;
    }
    let pod_selector = peer.get("podSelector").cloned();
    let namespace_selector = peer.get("namespaceSelector").cloned();
    let mut selector = pod_selector.map(|s| host_selector(ctx, &s)).unwrap_or_else(|| json!({}));
    match &namespace_selector {
        Some(ns) => {
            let mapped = host_namespace_selector(ctx, ns);
            if let Some(Value::Object(labels)) = mapped.get("matchLabels") {
                selector.object_at("/matchLabels").extend(labels.clone());
            }
            if let Some(Value::Array(expressions)) = mapped.get("matchExpressions") {
                selector.array_mut_at("/matchExpressions").extend(expressions.clone());
            }
        }
        None => add_match_labels(&mut selector, &[(NAMESPACE_LABEL, vns)]),
    }
    add_match_labels(&mut selector, &[(MANAGED_BY, &ctx.vcluster)]);
    *peer = json!({"podSelector": selector});
}
