//! §3.6–§3.8: volume references to host names, the service-account token moved into an
//! annotation (or a Secret), and hostPath rewriting (`translate/translator.go`
//! `translateVolumes`, `translate/hostpath.go`).

use super::super::{Ctx, Used};
use super::env::translate_field_ref;
use crate::value::ValueExt;
use serde_json::{Value, json};

const LOG_PODS: &str = "/var/log/pods";
const LOGS: &str = "/var/log";
const KUBELET_PODS: &str = "/var/lib/kubelet/pods";
const PHYSICAL_SUFFIX: &str = "vcluster-physical";

/// A placeholder for the service-account token vcluster requests from the virtual API server.
pub const TOKEN_PLACEHOLDER: &str =
    "eyJhbGciOiJSUzI1NiIsImtpZCI6Imhvc3RzaWRlIn0.placeholder-token-issued-by-the-virtual-api-server.c2lnbmF0dXJl";

/// Returns the volume names whose token goes into the `<pod>-sa-token` Secret (only with
/// `useSecretsForSATokens`).
pub(super) fn translate(
    ctx: &Ctx,
    used: &mut Used,
    vns: &str,
    vname: &str,
    token_key: &str,
    pod: &mut Value,
) -> Vec<String> {
    let token_secret = ctx.host_name(&format!("{vname}-sa-token"), vns);
    let mut tokens = Tokens {
        key: format!("vcluster.loft.sh/token-{token_key}"),
        secret: token_secret,
        annotations: Vec::new(),
        secret_items: Vec::new(),
    };
    if let Some(Value::Array(volumes)) = pod.pointer_mut("/spec/volumes") {
        for volume in volumes.iter_mut() {
            let volume_name = volume.str_at("/name").unwrap_or_default().to_string();
            if let Some(name) = volume.str_at("/configMap/name").map(String::from) {
                used.config_maps.insert((vns.into(), name.clone()));
                volume.set_at("/configMap/name", json!(ctx.host_config_map_name(&name, vns)));
            }
            if let Some(name) = volume.str_at("/secret/secretName").map(String::from) {
                used.secrets.insert((vns.into(), name.clone()));
                volume.set_at("/secret/secretName", json!(ctx.host_name(&name, vns)));
            }
            if let Some(name) = volume.str_at("/persistentVolumeClaim/claimName").map(String::from) {
                volume.set_at("/persistentVolumeClaim/claimName", json!(ctx.host_name(&name, vns)));
            }
            if volume.get("ephemeral").is_some() {
                let claim = ctx.host_name(&format!("{vname}-{volume_name}"), vns);
                if let Some(v) = volume.as_object_mut() {
                    v.remove("ephemeral");
                }
                volume.set_at("/persistentVolumeClaim", json!({"claimName": claim}));
            }
            if let Some(Value::Array(sources)) = volume.pointer_mut("/projected/sources") {
                for source in sources {
                    projected_source(ctx, used, vns, &volume_name, source, &mut tokens);
                }
            }
            if let Some(Value::Array(items)) = volume.pointer_mut("/downwardAPI/items") {
                for item in items {
                    if let Some(field_ref) = item.get_mut("fieldRef") {
                        translate_field_ref(ctx, field_ref);
                    }
                }
            }
            for pointer in [
                "/iscsi/secretRef/name",
                "/rbd/secretRef/name",
                "/flexVolume/secretRef/name",
                "/cinder/secretRef/name",
                "/cephfs/secretRef/name",
                "/scaleIO/secretRef/name",
                "/storageos/secretRef/name",
                "/azureFile/secretName",
                "/csi/nodePublishSecretRef/name",
            ] {
                if let Some(name) = volume.str_at(pointer).filter(|n| !n.is_empty()).map(String::from) {
                    used.secrets.insert((vns.into(), name.clone()));
                    volume.set_at(pointer, json!(ctx.host_name(&name, vns)));
                }
            }
            if let Some(name) = volume.str_at("/glusterfs/endpoints").filter(|n| !n.is_empty()).map(String::from) {
                volume.set_at("/glusterfs/endpoints", json!(ctx.host_name(&name, vns)));
            }
        }
    }
    for (key, token) in tokens.annotations {
        pod.set_at(&format!("/metadata/annotations/{}", crate::value::escape_pointer(&key)), json!(token));
    }
    host_paths(ctx, pod);
    tokens.secret_items
}

/// Where the service-account tokens of one pod go (§3.7).
struct Tokens {
    /// The `vcluster.loft.sh/token-<8 letters>` annotation key.
    key: String,
    /// The `<pod>-sa-token` Secret's host name (with `useSecretsForSATokens`).
    secret: String,
    annotations: Vec<(String, String)>,
    secret_items: Vec<String>,
}

/// One source of a projected volume; the token source is replaced in place.
fn projected_source(ctx: &Ctx, used: &mut Used, vns: &str, volume_name: &str, source: &mut Value, tokens: &mut Tokens) {
    if let Some(name) = source.str_at("/secret/name").map(String::from) {
        used.secrets.insert((vns.into(), name.clone()));
        source.set_at("/secret/name", json!(ctx.host_name(&name, vns)));
    }
    if let Some(name) = source.str_at("/configMap/name").map(String::from) {
        used.config_maps.insert((vns.into(), name.clone()));
        source.set_at("/configMap/name", json!(ctx.host_config_map_name(&name, vns)));
    }
    if let Some(Value::Array(items)) = source.pointer_mut("/downwardAPI/items") {
        for item in items {
            if let Some(field_ref) = item.get_mut("fieldRef") {
                translate_field_ref(ctx, field_ref);
            }
        }
    }
    let Some(token) = source.get("serviceAccountToken").cloned() else { return };
    let path = token.str_at("/path").unwrap_or_default().to_string();
    if ctx.config.use_secrets_for_sa_tokens {
        // The `<pod>-sa-token` Secret holds the token under the volume's name.
        tokens.secret_items.push(volume_name.to_string());
        source.set_at(
            "/secret",
            json!({"name": tokens.secret, "items": [{"key": volume_name, "path": path, "mode": 420}]}),
        );
    } else {
        let key = tokens.key.clone();
        tokens.annotations.push((key.clone(), TOKEN_PLACEHOLDER.to_string()));
        source.set_at(
            "/downwardAPI",
            json!({"items": [{"path": path, "fieldRef": {"apiVersion": "v1", "fieldPath": format!("metadata.annotations['{key}']")}, "mode": 420}]}),
        );
    }
    if let Some(s) = source.as_object_mut() {
        s.remove("serviceAccountToken");
    }
}

/// §3.8: hostPaths vcluster maps into its own directory, and mount propagation.
fn host_paths(ctx: &Ctx, pod: &mut Value) {
    if pod.array_at("/spec/volumes").is_empty() {
        return;
    }
    let base = format!("/tmp/vcluster/{}/{}", ctx.control_namespace, ctx.vcluster);
    let mut physical = Vec::new();
    if let Some(Value::Array(volumes)) = pod.pointer_mut("/spec/volumes") {
        for volume in volumes.iter_mut() {
            let name = volume.str_at("/name").unwrap_or_default().to_string();
            let Some(path) = volume.str_at("/hostPath/path").map(String::from) else { continue };
            if name.ends_with(PHYSICAL_SUFFIX) {
                continue;
            }
            let (target, physical_mount) = match path.trim_end_matches('/') {
                LOG_PODS => (format!("{base}/log/pods"), "/var/vcluster/physical/log/pods"),
                KUBELET_PODS => (format!("{base}/kubelet/pods"), "/var/vcluster/physical/kubelet/pods"),
                LOGS => (format!("{base}/log"), "/var/vcluster/physical/log"),
                _ => continue,
            };
            let original = path.trim_end_matches('/').to_string();
            let host_path_type = volume.pointer("/hostPath/type").cloned();
            volume.set_at("/hostPath/path", json!(target));
            physical.push((name, original, host_path_type, physical_mount));
        }
    }
    if ctx.config.host_path_mapper {
        for (name, original, host_path_type, mount_path) in physical {
            let physical_name = format!("{name}-{PHYSICAL_SUFFIX}");
            let mut host_path = json!({"path": original});
            if let Some(t) = host_path_type {
                host_path.set_at("/type", t);
            }
            pod.array_mut_at("/spec/volumes").push(json!({"name": physical_name, "hostPath": host_path}));
            if let Some(Value::Array(containers)) = pod.pointer_mut("/spec/containers") {
                for container in containers {
                    let mounts = container.array_at("/volumeMounts").to_vec();
                    if let Some(mount) = mounts.iter().find(|m| m.str_at("/name") == Some(&name)) {
                        let mut extra = mount.clone();
                        extra.set_at("/name", json!(physical_name));
                        extra.set_at("/mountPath", json!(mount_path));
                        container.array_mut_at("/volumeMounts").push(extra);
                    }
                }
            }
        }
    }
    if let Some(Value::Array(containers)) = pod.pointer_mut("/spec/containers") {
        for container in containers {
            if let Some(Value::Array(mounts)) = container.get_mut("volumeMounts") {
                for mount in mounts {
                    let path = mount.str_at("/mountPath").unwrap_or_default().trim_end_matches('/').to_string();
                    if path == LOG_PODS || path == KUBELET_PODS || path == LOGS {
                        mount.set_at("/mountPropagation", json!("HostToContainer"));
                    }
                }
            }
        }
    }
}
