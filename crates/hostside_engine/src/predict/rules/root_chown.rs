//! `predict/root-chown`: "start as root, fix ownership, step down" entrypoints (gosu, su-exec,
//! setpriv; image-facts.md §0.4) chown their data directories when they start as UID 0. Root
//! with the capabilities dropped (no CHOWN) is the worst case: the chown fails.
//!
//! Models: the entrypoints of the images' entries (docker-library postgres, mysql, mariadb),
//! any runtime.

use super::super::{Prediction, Subject, lines};
use super::{run_as_own_user, severity};
use crate::rules::PREDICT_ROOT_CHOWN;

pub(super) fn check(s: &Subject) -> Option<Prediction> {
    let failure = s.image.root_chown?;
    if !s.starts() || s.uid() != Some(0) || s.has_capability("CHOWN") {
        return None;
    }
    let cause = s
        .set_by("capabilities/drop")
        .unwrap_or_else(|| "The container drops its capabilities (CHOWN among them)".into());
    let explanation = format!(
        "{cause} but still runs as root, so {}'s entrypoint tries to chown its data directories before stepping down, and fails ({}).",
        s.image.name, failure.source
    );
    let remedy = run_as_own_user(
        s,
        |uid| {
            format!(
                "Run container \"{}\" as the image's own user: securityContext.runAsUser: {uid}. The entrypoint skips the chown when not root; its data directory must then be writable by {uid} (pod securityContext.fsGroup: {uid} for a volume).",
                s.name
            )
        },
        "Run the container as a non-root user whose data directory is already writable.",
    );
    Some(Prediction {
        rule: PREDICT_ROOT_CHOWN,
        severity: severity(failure.fatal),
        confidence: failure.confidence,
        message: lines(failure.lines, None),
        explanation,
        remedy,
    })
}
