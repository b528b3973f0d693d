//! `predict/group-zero`: images made for "random UID, group 0" (Bitnami; image-facts.md §0.5,
//! §G) keep their writable paths group-0 writable. A pod whose primary group is not 0 — often
//! set by a PodSecurityPolicy or Gatekeeper mutation, `runAsGroup: MustRunAs 1-65535` —
//! cannot write them, and the application fails at start with the lines of its entry.
//!
//! Models: any Kubernetes version and runtime (plain file permissions); the failure mechanism
//! is the reference's reasoning (§98), hence `inferred` unless the entry says otherwise.

use super::super::{Prediction, Remedy, Subject, lines};
use super::severity;
use crate::rules::PREDICT_GROUP_ZERO;

pub(super) fn check(s: &Subject) -> Option<Prediction> {
    let failure = s.image.group0?;
    let uid = s.uid()?;
    let gid = s.gid();
    if !s.starts() || uid == 0 || gid == 0 {
        return None;
    }
    if s.supplemental_groups().contains(&0) {
        return None;
    }
    let paths = s.unmounted_writes();
    if paths.is_empty() {
        return None;
    }
    let set_by = s.set_by("runAsGroup");
    let cause = set_by.clone().unwrap_or_else(|| format!("The pod sets runAsGroup {gid}"));
    let explanation = format!(
        "{cause}; the image's {} {} owned by group 0 and writable only through that group ({}). The process runs as {uid}:{gid}, so it cannot write there.",
        paths.join(", "),
        if paths.len() == 1 { "is" } else { "are" },
        failure.source
    );
    let alternative = match set_by {
        Some(by) => format!("runAsGroup: 0 is not an option here ({by})"),
        None => "runAsGroup: 0 (or removing runAsGroup) also works where the host allows it".into(),
    };
    let description = format!(
        "Mount emptyDir volumes at {} in container \"{}\": they are writable whatever the group. {alternative}.",
        paths.join(" and "),
        s.name
    );
    Some(Prediction {
        rule: PREDICT_GROUP_ZERO,
        severity: severity(failure.fatal),
        confidence: failure.confidence,
        message: lines(failure.lines, None),
        explanation,
        remedy: Remedy::EmptyDirs(description, paths),
    })
}
