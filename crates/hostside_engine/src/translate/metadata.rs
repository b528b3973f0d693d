//! Generic metadata translation of every synced object (vcluster-translation.md §2) and the
//! label/selector key rules of §1.6, per version: v0.19/v0.20 hash every label key; v0.21+
//! keep keys verbatim except four reserved ones.

use super::Ctx;
use super::names::{hashed_label_key, namespace_label_key, safe_concat_name, sha10};
use crate::value::ValueExt;
use serde_json::{Map, Value, json};

/// Label keys vcluster itself uses; v0.21+ renames them on synced objects.
const RESERVED_LABELS: &[&str] =
    &["release", "vcluster.loft.sh/namespace", "vcluster.loft.sh/managed-by", "vcluster.loft.sh/controlled-by"];

pub const MANAGED_BY: &str = "vcluster.loft.sh/managed-by";
pub const NAMESPACE_LABEL: &str = "vcluster.loft.sh/namespace";

/// Metadata fields the syncer clears before writing (step 2 of §2).
const CLEARED: &[&str] = &[
    "generateName",
    "selfLink",
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "ownerReferences",
    "finalizers",
    "managedFields",
];

/// Annotations the per-kind translators never copy.
pub fn excluded_annotations(kind: &str) -> &'static [&'static str] {
    match kind {
        "Service" | "Ingress" => &["field.cattle.io/publicEndpoints"],
        "Endpoints" => &["control-plane.alpha.kubernetes.io/leader"],
        "PersistentVolumeClaim" => &[
            "pv.kubernetes.io/bind-completed",
            "pv.kubernetes.io/bound-by-controller",
            "volume.beta.kubernetes.io/storage-provisioner",
        ],
        _ => &[],
    }
}

/// The tracking annotations vcluster owns (never copied from the virtual object).
fn tracking_keys() -> [&'static str; 7] {
    [
        "vcluster.loft.sh/object-name",
        "vcluster.loft.sh/object-namespace",
        "vcluster.loft.sh/object-uid",
        "vcluster.loft.sh/object-kind",
        "vcluster.loft.sh/object-host-name",
        "vcluster.loft.sh/object-host-namespace",
        "vcluster.loft.sh/managed-annotations",
    ]
}

/// `"<group>/<version>, Kind=<Kind>"`, Go's GroupVersionKind string.
pub fn gvk_string(api_version: &str, kind: &str) -> String {
    let (group, version) = match api_version.rsplit_once('/') {
        Some((g, v)) => (g, v),
        None => ("", api_version),
    };
    format!("{group}/{version}, Kind={kind}")
}

/// Builds the host copy of a virtual object: cleared system fields, host name and
/// namespace, owner reference, annotations and labels (§2 steps 1–6).
pub fn host_object(
    ctx: &Ctx,
    virtual_object: &Value,
    host_name: &str,
    host_namespace: Option<&str>,
    virtual_namespace: Option<&str>,
) -> Value {
    let mut object = virtual_object.clone();
    let kind = object.str_at("/kind").unwrap_or_default().to_string();
    let api_version = object.str_at("/apiVersion").unwrap_or_default().to_string();
    let has_controller =
        virtual_object.array_at("/metadata/ownerReferences").iter().any(|r| r.bool_at("/controller") == Some(true));
    if let Some(status) = object.as_object_mut() {
        status.remove("status");
    }
    let metadata = object.object_at("/metadata");
    for key in CLEARED {
        metadata.remove(*key);
    }
    metadata.insert("name".into(), json!(host_name));
    match host_namespace {
        Some(ns) => {
            metadata.insert("namespace".into(), json!(ns));
        }
        None => {
            metadata.remove("namespace");
        }
    }

    if host_namespace.is_some() && ctx.config.set_owner && !ctx.config.multi_namespace && ctx.owner_in_same_namespace()
    {
        object.set_at(
            "/metadata/ownerReferences",
            json!([{"apiVersion": "v1", "kind": "Service", "name": ctx.vcluster, "uid": ctx.vcluster_service_uid, "controller": has_controller}]),
        );
    }

    // Annotations: virtual ones (minus exclusions and vcluster's own) plus tracking keys.
    let virtual_annotations =
        virtual_object.pointer("/metadata/annotations").and_then(Value::as_object).cloned().unwrap_or_default();
    let excluded = excluded_annotations(&kind);
    let mut annotations = Map::new();
    for (key, value) in &virtual_annotations {
        if !excluded.contains(&key.as_str()) && !tracking_keys().contains(&key.as_str()) {
            annotations.insert(key.clone(), value.clone());
        }
    }
    let mut copied: Vec<&String> = annotations.keys().collect();
    copied.sort();
    let managed = copied.iter().map(|k| k.as_str()).collect::<Vec<_>>().join("\n");
    if !managed.is_empty() {
        annotations.insert("vcluster.loft.sh/managed-annotations".into(), json!(managed));
    }
    let name = virtual_object.str_at("/metadata/name").unwrap_or_default();
    annotations.insert("vcluster.loft.sh/object-name".into(), json!(name));
    if let Some(ns) = virtual_namespace {
        annotations.insert("vcluster.loft.sh/object-namespace".into(), json!(ns));
    }
    annotations.insert(
        "vcluster.loft.sh/object-uid".into(),
        json!(virtual_object.str_at("/metadata/uid").unwrap_or_default()),
    );
    if ctx.version.at_least(21) {
        annotations.insert("vcluster.loft.sh/object-kind".into(), json!(gvk_string(&api_version, &kind)));
        annotations.insert("vcluster.loft.sh/object-host-name".into(), json!(host_name));
        if let Some(ns) = host_namespace {
            annotations.insert("vcluster.loft.sh/object-host-namespace".into(), json!(ns));
        }
    }
    object.set_at("/metadata/annotations", Value::Object(annotations));

    let virtual_labels =
        virtual_object.pointer("/metadata/labels").and_then(Value::as_object).cloned().unwrap_or_default();
    let labels = host_labels(ctx, &virtual_labels, virtual_namespace);
    if labels.is_empty() {
        if let Some(m) = object.pointer_mut("/metadata").and_then(Value::as_object_mut) {
            m.remove("labels");
        }
    } else {
        object.set_at("/metadata/labels", Value::Object(labels));
    }
    object
}

/// §2 step 6: the host labels of a virtual label set (`vns` is `None` for cluster-scoped).
pub fn host_labels(ctx: &Ctx, labels: &Map<String, Value>, vns: Option<&str>) -> Map<String, Value> {
    let mut out = Map::new();
    if ctx.config.multi_namespace {
        out.extend(labels.clone());
        if !ctx.version.at_least(20) {
            out.insert(MANAGED_BY.into(), json!(ctx.vcluster));
        } else if ctx.version.at_least(21) {
            for key in RESERVED_LABELS.iter().skip(1) {
                out.remove(*key);
            }
        }
        return out;
    }
    for (key, value) in labels {
        if ctx.version.at_least(21) {
            if RESERVED_LABELS.iter().any(|r| hashed_label_key(r, &ctx.vcluster) == *key) {
                continue;
            }
            out.insert(host_label_key(ctx, key), value.clone());
        } else {
            let hashed = match vns {
                Some(_) => hashed_label_key(key, &ctx.vcluster),
                None => safe_concat_name(&[
                    "vcluster.loft.sh/label",
                    &ctx.host_namespace,
                    "x",
                    &ctx.vcluster,
                    "x",
                    &sha10(key),
                ]),
            };
            out.insert(hashed, value.clone());
            if ctx.config.sync_labels.iter().any(|pattern| label_matches(pattern, key)) {
                out.insert(key.clone(), value.clone());
            }
        }
    }
    match vns {
        Some(ns) => {
            out.insert(MANAGED_BY.into(), json!(ctx.vcluster));
            out.insert(NAMESPACE_LABEL.into(), json!(ns));
        }
        None => {
            out.insert(MANAGED_BY.into(), json!(safe_concat_name(&[&ctx.host_namespace, "x", &ctx.vcluster])));
        }
    }
    out
}

/// `--sync-labels` / `syncLabels` entries: exact keys or `prefix/*`.
fn label_matches(pattern: &str, key: &str) -> bool {
    match pattern.strip_suffix("/*") {
        Some(prefix) => key.starts_with(&format!("{prefix}/")),
        None => pattern == key,
    }
}

/// The host key of one label key (selectors, fieldRefs): v0.21+ renames only the reserved
/// keys; v0.19/v0.20 hash every key.
pub fn host_label_key(ctx: &Ctx, key: &str) -> String {
    if ctx.config.multi_namespace {
        return key.to_string();
    }
    if !ctx.version.at_least(21) || RESERVED_LABELS.contains(&key) {
        hashed_label_key(key, &ctx.vcluster)
    } else {
        key.to_string()
    }
}

/// `HostLabelSelector`: every key of matchLabels and matchExpressions through the key rule.
pub fn host_selector(ctx: &Ctx, selector: &Value) -> Value {
    map_selector_keys(selector, |key| host_label_key(ctx, key))
}

/// `HostLabelSelectorNamespace`: namespace label keys become `vcluster.loft.sh/ns-label-…`.
pub fn host_namespace_selector(ctx: &Ctx, selector: &Value) -> Value {
    map_selector_keys(selector, |key| namespace_label_key(key, &ctx.vcluster))
}

/// A label selector with every key of matchLabels and matchExpressions renamed.
fn map_selector_keys(selector: &Value, rename: impl Fn(&str) -> String) -> Value {
    let mut out = json!({});
    if let Some(Value::Object(match_labels)) = selector.get("matchLabels") {
        let mapped: Map<String, Value> = match_labels.iter().map(|(k, v)| (rename(k), v.clone())).collect();
        out.set_at("/matchLabels", Value::Object(mapped));
    }
    if let Some(Value::Array(expressions)) = selector.get("matchExpressions") {
        let mapped: Vec<Value> = expressions
            .iter()
            .map(|e| {
                let mut e = e.clone();
                if let Some(key) = e.str_at("/key").map(&rename) {
                    e.set_at("/key", json!(key));
                }
                e
            })
            .collect();
        out.set_at("/matchExpressions", Value::Array(mapped));
    }
    out
}

/// Merges `extra` matchLabels into a selector.
pub fn add_match_labels(selector: &mut Value, extra: &[(&str, &str)]) {
    let labels = selector.object_at("/matchLabels");
    for (k, v) in extra {
        labels.insert((*k).to_string(), json!(v));
    }
}
