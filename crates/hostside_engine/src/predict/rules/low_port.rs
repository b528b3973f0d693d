//! `predict/low-port`: binding a port below 1024 as non-root is a runtime question
//! (image-facts.md §0.2). containerd 2.0+ sets `net.ipv4.ip_unprivileged_port_start=0` for
//! CRI pods; containerd 1.6/1.7 (without `enable_unprivileged_ports`) and CRI-O keep the
//! kernel's floor of 1024. A pod may lower it itself with that sysctl (safe since Kubernetes
//! 1.22). Images with the capability as a file capability bind anyway (§0.3). Runs last: for
//! non-root nginx the temp paths' mkdir() (`predict/root-owned-paths`) fails first, and the
//! stage keeps only a container's first error, so this shows once those paths are writable.
//!
//! Models: containerd 1.6/1.7, containerd 2.x, CRI-O; Kubernetes 1.22+ for the pod sysctl.

use super::super::{Prediction, Remedy, Subject, lines};
use super::severity;
use crate::host::ContainerRuntime;
use crate::rules::PREDICT_LOW_PORT;
use crate::value::ValueExt;
use serde_json::{Value, json};

const SYSCTL: &str = "net.ipv4.ip_unprivileged_port_start";

pub(super) fn check(s: &Subject) -> Option<Prediction> {
    let failure = s.image.bind?;
    let port = s.image.ports.iter().copied().filter(|&p| p < 1024).min()?;
    if !s.starts() || s.uid() == Some(0) || s.image.file_caps.contains(&"NET_BIND_SERVICE") {
        return None;
    }
    let (floor, why) = match s.sysctl(SYSCTL).and_then(|v| v.trim().parse::<u32>().ok()) {
        Some(floor) => (floor, format!("the pod sets {SYSCTL}={floor}")),
        None => match s.runtime {
            ContainerRuntime::Containerd2 => (0, String::new()),
            ContainerRuntime::Containerd1 => (
                1024,
                format!(
                    "containerd 1.x keeps the kernel's floor ({SYSCTL}=1024) unless enable_unprivileged_ports is set"
                ),
            ),
            ContainerRuntime::CriO => (1024, format!("CRI-O keeps the kernel's floor ({SYSCTL}=1024)")),
        },
    };
    if u32::from(port) >= floor {
        return None;
    }
    let user = match s.uid() {
        Some(uid) => format!("UID {uid}"),
        None => "a non-root user".into(),
    };
    let explanation = format!(
        "The container runs as {user} and {} binds port {port}; {why}, so bind() fails with EACCES and the container exits ({}). On containerd 2, which sets {SYSCTL}=0 for pods, it would start.",
        s.image.name, failure.source
    );
    // Keep the pod's other sysctls; the mutation never touches them, so these are the input's.
    let mut sysctls: Vec<Value> = s
        .pod
        .array_at("/spec/securityContext/sysctls")
        .iter()
        .filter(|item| item.str_at("/name") != Some(SYSCTL))
        .cloned()
        .collect();
    sysctls.push(json!({"name": SYSCTL, "value": "0"}));
    let description = format!(
        "Let the pod bind low ports: pod securityContext.sysctls {SYSCTL}=\"0\" (a safe sysctl since Kubernetes 1.22, image-facts.md §0.2). Alternatives that need no sysctl: an image that listens on an unprivileged port (for nginx, nginxinc/nginx-unprivileged on 8080, image-facts.md §2), or a containerd 2 host."
    );
    Some(Prediction {
        rule: PREDICT_LOW_PORT,
        severity: severity(failure.fatal),
        confidence: failure.confidence,
        message: lines(failure.lines, Some(port)),
        explanation,
        remedy: Remedy::PodSecurityContext(description, json!({"sysctls": sysctls})),
    })
}
