//! `predict/run-as-non-root`: the kubelet's runAsNonRoot check (image-facts.md §0.1). With
//! `runAsNonRoot: true` and no `runAsUser`, the kubelet reads the image's `USER` before it
//! creates the container: root (no USER, or 0) and named users (which it cannot verify) are
//! refused with CreateContainerConfigError; nothing of the image runs.
//!
//! Models: the kubelet's `verifyRunAsNonRoot` (Kubernetes 1.19–1.37), any runtime.

use super::super::images::User;
use super::super::{Prediction, Subject};
use super::run_as_own_user;
use crate::report::{Confidence, Severity};
use crate::rules::PREDICT_RUN_AS_NON_ROOT;

pub(super) fn check(s: &Subject) -> Option<Prediction> {
    if !s.run_as_non_root() || s.security("runAsUser").is_some() {
        return None;
    }
    let image = s.image;
    let (message, user) = match image.user {
        User::Root => (
            format!(
                "Error: container has runAsNonRoot and image will run as root (pod: \"{}\", container: {})",
                s.pod_ref, s.name
            ),
            "runs as root (no USER)".to_string(),
        ),
        User::Named { name } => (
            format!(
                "Error: container has runAsNonRoot and image has non-numeric user ({name}), cannot verify user is non-root"
            ),
            format!("runs as the named user `{name}`, which the kubelet cannot check"),
        ),
        User::Numeric { .. } => return None,
    };
    let cause = s.set_by("runAsNonRoot").unwrap_or_else(|| "The pod asks for runAsNonRoot".into());
    let explanation = format!(
        "{cause}, and the image {} {user} ({}; {}). The kubelet refuses to create the container (CreateContainerConfigError): the pod is admitted but never starts.",
        image.name, image.section, image.source
    );
    let otherwise = format!(
        "Set securityContext.runAsUser and runAsGroup of container \"{}\" to a non-root UID the image works with (e.g. 1000), or use an image whose USER is a numeric non-root user.",
        s.name
    );
    let remedy = run_as_own_user(
        s,
        |uid| {
            format!(
                "Run container \"{}\" as a non-root user the image works as: securityContext.runAsUser: {uid} ({}).",
                s.name, image.section
            )
        },
        &otherwise,
    );
    Some(Prediction {
        rule: PREDICT_RUN_AS_NON_ROOT,
        severity: Severity::Error,
        confidence: Confidence::Documented,
        message,
        explanation,
        remedy,
    })
}
