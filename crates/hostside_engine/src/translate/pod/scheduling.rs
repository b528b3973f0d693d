//! §3.9 DNS, §3.11–§3.12 pod affinity and topology spread, §3.3.2 enforced tolerations,
//! §3.0 steps 5–6 node selector and virtual scheduler.

use super::super::Ctx;
use super::super::metadata::{MANAGED_BY, NAMESPACE_LABEL, add_match_labels, host_namespace_selector, host_selector};
use crate::cluster::Cluster;
use crate::path::FieldPath;
use crate::report::{Event, EventType, Finding, Severity, Stage};
use crate::rules;
use crate::value::ValueExt;
use serde_json::{Value, json};

/// The `SyncWarning` for affinity terms using both `namespaces` and `namespaceSelector`.
const AFFINITY_WARNING: &str = "Inter-pod affinity rule(s) that use both .namespaces and .namespaceSelector fields in the same term are not supported by vcluster yet. The .namespaceSelector fields of the unsupported affinity entries will be ignored.";

/// §3.9: ClusterFirst pods resolve through the virtual cluster's DNS service.
pub(super) fn dns(ctx: &Ctx, virtual_pod: &Value, vns: &str, pod: &mut Value) {
    let policy = pod.str_at("/spec/dnsPolicy").unwrap_or_default();
    let host_network = pod.bool_at("/spec/hostNetwork").unwrap_or(false);
    let rewrite = match policy {
        "ClusterFirstWithHostNet" => true,
        "ClusterFirst" => !host_network,
        _ => false,
    };
    if !rewrite || ctx.dns_ip.is_empty() {
        return;
    }
    let mut nameservers = vec![ctx.dns_ip.clone()];
    let domain = &ctx.config.cluster_domain;
    let mut searches: Vec<String> = if domain.is_empty() {
        Vec::new()
    } else {
        vec![format!("{vns}.svc.{domain}"), format!("svc.{domain}"), domain.clone()]
    };
    let existing = virtual_pod.pointer("/spec/dnsConfig");
    if let Some(existing) = existing {
        nameservers.extend(existing.array_at("/nameservers").iter().filter_map(Value::as_str).map(String::from));
        searches.extend(existing.array_at("/searches").iter().filter_map(Value::as_str).map(String::from));
    }
    let dedupe = |items: Vec<String>| {
        let mut seen = Vec::new();
        for item in items {
            if !seen.contains(&item) {
                seen.push(item);
            }
        }
        seen
    };
    let mut config = json!({"nameservers": dedupe(nameservers), "options": [{"name": "ndots", "value": "5"}]});
    let searches = dedupe(searches);
    if !searches.is_empty() || existing.is_some_and(|e| e.get("searches").is_some()) {
        config.set_at("/searches", json!(searches));
    }
    pod.set_at("/spec/dnsPolicy", json!("None"));
    pod.set_at("/spec/dnsConfig", config);
}

/// Affinity and topology (single-namespace mode), or their removal under the virtual
/// scheduler; then the enforced tolerations.
pub(super) fn affinity_and_tolerations(
    cluster: &mut Cluster,
    ctx: &Ctx,
    id: usize,
    virtual_pod: &Value,
    vns: &str,
    pod: &mut Value,
) {
    if ctx.config.virtual_scheduler {
        if let Some(spec) = pod.get_mut("spec").and_then(Value::as_object_mut) {
            // The virtual scheduler already picked the node: the host must not re-decide.
            let node = virtual_pod
                .pointer("/spec/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution/nodeSelectorTerms/0/matchFields/0/values/0")
                .and_then(Value::as_str)
                .unwrap_or("node-1")
                .to_string();
            spec.remove("topologySpreadConstraints");
            spec.remove("affinity");
            spec.remove("nodeSelector");
            spec.entry("nodeName").or_insert(json!(node));
        }
    } else if !ctx.config.multi_namespace {
        if let Some(Value::Array(constraints)) = pod.pointer_mut("/spec/topologySpreadConstraints") {
            for constraint in constraints {
                if let Some(selector) = constraint.get("labelSelector").filter(|s| !s.is_null()).cloned() {
                    let mut translated = host_selector(ctx, &selector);
                    add_match_labels(&mut translated, &[(NAMESPACE_LABEL, vns), (MANAGED_BY, &ctx.vcluster)]);
                    constraint.set_at("/labelSelector", translated);
                }
            }
        }
        let mut warned = false;
        for kind in ["podAffinity", "podAntiAffinity"] {
            for (schedule, weighted) in [
                ("requiredDuringSchedulingIgnoredDuringExecution", false),
                ("preferredDuringSchedulingIgnoredDuringExecution", true),
            ] {
                let pointer = format!("/spec/affinity/{kind}/{schedule}");
                let Some(Value::Array(terms)) = pod.pointer_mut(&pointer) else { continue };
                for term in terms {
                    let term = if weighted { term.get_mut("podAffinityTerm") } else { Some(term) };
                    if let Some(term) = term {
                        warned |= affinity_term(ctx, vns, term);
                    }
                }
            }
        }
        if warned {
            cluster.objects[id].events.push(Event {
                event_type: EventType::Warning,
                reason: "SyncWarning".into(),
                message: AFFINITY_WARNING.into(),
                from: "pod-syncer".into(),
                action: ctx.version.at_least(32).then(|| "PodSyncWarning".into()),
            });
            let mut finding =
                Finding::new(rules::SYNC_WARNING, Severity::Warning, Stage::Translate, AFFINITY_WARNING).on(id);
            if let Some(span) = cluster.span_of(id, &FieldPath::parse("spec.affinity")) {
                finding = finding.at(span);
            }
            cluster.finding(finding);
        }
    }
    let enforced: Vec<Value> = ctx.config.enforce_tolerations.iter().filter_map(|t| parse_toleration(t)).collect();
    for toleration in enforced {
        let tolerations = pod.array_mut_at("/spec/tolerations");
        // v0.33+ skips tolerations already present; before, they were appended blindly.
        if !ctx.version.at_least(33) || !tolerations.contains(&toleration) {
            tolerations.push(toleration);
        }
    }
}

/// §3.11: returns true when the unsupported namespaces+namespaceSelector combination was met.
fn affinity_term(ctx: &Ctx, vns: &str, term: &mut Value) -> bool {
    let original = term.clone();
    let topology_key = original.get("topologyKey").cloned();
    let Some(selector) = original.get("labelSelector").filter(|s| !s.is_null()) else {
        *term = json!({});
        if let Some(key) = topology_key {
            term.set_at("/topologyKey", key);
        }
        return false;
    };
    let mut new_selector = host_selector(ctx, selector);
    let namespaces: Vec<Value> = original.array_at("/namespaces").to_vec();
    let namespace_selector = original.get("namespaceSelector").filter(|s| !s.is_null());
    let selector_is_empty = namespace_selector.is_some_and(|s| {
        s.as_object().is_none_or(|m| {
            m.values()
                .all(|v| v.as_object().is_some_and(|o| o.is_empty()) || v.as_array().is_some_and(|a| a.is_empty()))
        })
    });
    let mut warned = false;
    if !namespaces.is_empty() {
        if namespace_selector.is_none() || !selector_is_empty {
            if namespace_selector.is_some() {
                warned = true;
            }
            new_selector
                .array_mut_at("/matchExpressions")
                .push(json!({"key": NAMESPACE_LABEL, "operator": "In", "values": namespaces}));
        }
    } else if let Some(ns_selector) = namespace_selector {
        let mapped = host_namespace_selector(ctx, ns_selector);
        if let Some(Value::Object(labels)) = mapped.get("matchLabels") {
            new_selector.object_at("/matchLabels").extend(labels.clone());
        }
        if let Some(Value::Array(expressions)) = mapped.get("matchExpressions") {
            new_selector.array_mut_at("/matchExpressions").extend(expressions.clone());
        }
    } else {
        add_match_labels(&mut new_selector, &[(NAMESPACE_LABEL, vns)]);
    }
    add_match_labels(&mut new_selector, &[(MANAGED_BY, &ctx.vcluster)]);
    *term = json!({"labelSelector": new_selector});
    if let Some(key) = topology_key {
        term.set_at("/topologyKey", key);
    }
    warned
}

/// §3.3.2: `*`, `key`, `key=value`, `key:Effect`, `key=value:Effect`; others are dropped.
pub fn parse_toleration(text: &str) -> Option<Value> {
    if text == "*" {
        return Some(json!({"operator": "Exists"}));
    }
    let (key_value, effect) = match text.rsplit_once(':') {
        Some((kv, effect)) if matches!(effect, "NoSchedule" | "PreferNoSchedule" | "NoExecute") => (kv, Some(effect)),
        Some(_) => return None,
        None => (text, None),
    };
    let (key, value) = match key_value.split_once('=') {
        Some((k, v)) => (k, Some(v)),
        None => (key_value, None),
    };
    if key.is_empty() {
        return None;
    }
    let mut toleration = json!({"key": key});
    if let Some(value) = value {
        toleration.set_at("/value", json!(value));
    }
    if let Some(effect) = effect {
        toleration.set_at("/effect", json!(effect));
        toleration.set_at("/operator", json!(if value.is_some() { "Equal" } else { "Exists" }));
    }
    Some(toleration)
}

/// §3.0 step 5: without a node name, the configured node selector is merged in (it wins).
pub(super) fn enforce_node_selector(ctx: &Ctx, pod: &mut Value) {
    if ctx.config.node_selector.is_empty() || pod.str_at("/spec/nodeName").is_some_and(|n| !n.is_empty()) {
        return;
    }
    let selector = pod.object_at("/spec/nodeSelector");
    for (k, v) in &ctx.config.node_selector {
        selector.insert(k.clone(), json!(v));
    }
}
