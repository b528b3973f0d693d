//! `predict/read-only-root`: `readOnlyRootFilesystem: true` without volumes where the image
//! writes at start (image-facts.md §0.10): the write fails with EROFS and the container exits.
//!
//! Models: any Kubernetes version and runtime.

use super::super::{Prediction, Remedy, Subject, lines};
use super::severity;
use crate::rules::PREDICT_READ_ONLY_ROOT;
use crate::value::ValueExt;

pub(super) fn check(s: &Subject) -> Option<Prediction> {
    let failure = s.image.read_only?;
    if !s.starts() || s.container.bool_at("/securityContext/readOnlyRootFilesystem") != Some(true) {
        return None;
    }
    let paths = s.unmounted_writes();
    if paths.is_empty() {
        return None;
    }
    let cause =
        s.set_by("readOnlyRootFilesystem").unwrap_or_else(|| "The container sets readOnlyRootFilesystem: true".into());
    let explanation = format!(
        "{cause}, and {} writes to {} at start ({}); nothing is mounted there.",
        s.image.name,
        paths.join(", "),
        failure.source
    );
    let description = format!(
        "Mount emptyDir volumes at {} in container \"{}\", so the root filesystem can stay read-only.",
        paths.join(" and "),
        s.name
    );
    Some(Prediction {
        rule: PREDICT_READ_ONLY_ROOT,
        severity: severity(failure.fatal),
        confidence: failure.confidence,
        message: lines(failure.lines, None),
        explanation,
        remedy: Remedy::EmptyDirs(description, paths),
    })
}
