//! §3.10: pods with a subdomain (StatefulSet pods) get an init container that rewrites
//! /etc/hosts so the pod's FQDN is the virtual one (`translate/hosts.go`).

use super::super::Ctx;
use crate::value::ValueExt;
use serde_json::{Value, json};

pub const CONTAINER_NAME: &str = "vcluster-rewrite-hosts";
/// The syncer runs as root in the default chart, so the init container falls back to 1001.
const RUN_AS: i64 = 1001;

/// Adds the init container, volume and mounts; false when the pod opted out.
pub(super) fn rewrite(ctx: &Ctx, vns: &str, subdomain: &str, pod: &mut Value) -> bool {
    let annotations = pod.pointer("/metadata/annotations");
    let flag = |key: &str| annotations.and_then(|a| a.get(key)).and_then(Value::as_str) == Some("true");
    // Only skipped when both annotations are set (the code checks both).
    if flag("vcluster.loft.sh/disable-subdomain-rewrite") && flag("vcluster.loft.sh/hosts-rewritten") {
        return false;
    }
    let hostname = pod.str_at("/spec/hostname").unwrap_or_default().to_string();
    let fqdn = format!("{hostname}.{subdomain}.{vns}.svc.{}", ctx.config.cluster_domain);
    let script =
        format!("sed -E -e 's/^(\\d+.\\d+.\\d+.\\d+\\s+){hostname}$/\\1 {fqdn} {hostname}/' /etc/hosts > /hosts/hosts");
    let mut container = json!({
        "name": CONTAINER_NAME,
        "image": ctx.config.rewrite_hosts_image,
        "command": ["sh"],
        "args": ["-c", script],
        "securityContext": {
            "runAsUser": RUN_AS,
            "runAsGroup": RUN_AS,
            "runAsNonRoot": true,
            "capabilities": {"drop": ["ALL"]},
            "allowPrivilegeEscalation": false,
            "seccompProfile": {"type": "RuntimeDefault"},
        },
        "volumeMounts": [{"mountPath": "/hosts", "name": CONTAINER_NAME}],
    });
    if ctx.config.rewrite_hosts_resources.as_object().is_some_and(|r| !r.is_empty()) {
        container.set_at("/resources", ctx.config.rewrite_hosts_resources.clone());
    }
    pod.array_mut_at("/spec/volumes").push(json!({"name": CONTAINER_NAME, "emptyDir": {}}));
    pod.array_mut_at("/spec/initContainers").insert(0, container);
    pod.set_at("/metadata/annotations/vcluster.loft.sh~1hosts-rewritten", json!("true"));
    let mount = json!({"mountPath": "/etc/hosts", "name": CONTAINER_NAME, "subPath": "hosts"});
    for list in ["containers", "initContainers", "ephemeralContainers"] {
        if let Some(Value::Array(containers)) = pod.pointer_mut(&format!("/spec/{list}")) {
            for c in containers.iter_mut().filter(|c| c.str_at("/name") != Some(CONTAINER_NAME)) {
                c.array_mut_at("/volumeMounts").push(mount.clone());
            }
        }
    }
    true
}
