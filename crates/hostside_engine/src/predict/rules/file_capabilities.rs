//! `predict/file-capabilities`: images that set file capabilities on their entrypoint
//! (`setcap cap_net_bind_service=+ep`) cannot even be executed when the container's bounding
//! set lacks them, e.g. under `drop: [ALL]` (image-facts.md §0.3): `execve` fails with EPERM,
//! no application log, CrashLoopBackOff.
//!
//! Models: Linux file capabilities with any OCI runtime (runc, crun), Kubernetes 1.19–1.37.

use super::super::{Prediction, Remedy, Subject, lines};
use super::severity;
use crate::rules::PREDICT_FILE_CAPABILITIES;
use crate::value::ValueExt;
use serde_json::{Value, json};

pub(super) fn check(s: &Subject) -> Option<Prediction> {
    let failure = s.image.file_caps_failure?;
    if !s.starts() {
        return None;
    }
    let missing: Vec<&str> = s.image.file_caps.iter().copied().filter(|c| !s.has_capability(c)).collect();
    if missing.is_empty() {
        return None;
    }
    let cause = s
        .set_by("capabilities/drop")
        .unwrap_or_else(|| "The container's securityContext drops the capabilities".into());
    let explanation = format!(
        "{cause}; {} carries {} as a file capability on its entrypoint ({}), and the kernel refuses to execute a binary whose file capabilities exceed the bounding set.",
        s.image.name,
        missing.join(", "),
        failure.source
    );
    let mut add: Vec<Value> = s.container.array_at("/securityContext/capabilities/add").to_vec();
    add.extend(missing.iter().map(|c| json!(c)));
    let description = format!(
        "Add {} back in container \"{}\": securityContext.capabilities.add (Pod Security restricted allows NET_BIND_SERVICE; a PodSecurityPolicy without allowedCapabilities refuses it).",
        missing.join(", "),
        s.name
    );
    Some(Prediction {
        rule: PREDICT_FILE_CAPABILITIES,
        severity: severity(failure.fatal),
        confidence: failure.confidence,
        message: lines(failure.lines, None),
        explanation,
        remedy: Remedy::SecurityContext(description, json!({"capabilities": {"add": add}})),
    })
}
