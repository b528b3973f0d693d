//! `predict/refuses-root`: applications that check their UID and exit as root
//! (Elasticsearch, image-facts.md §14): a pod that forces `runAsUser: 0` on an image made to
//! run as its own user is a guaranteed crash.
//!
//! Models: Elasticsearch 5–9 (its bootstrap refuses UID 0), any runtime.

use super::super::{Prediction, Subject, lines};
use super::{run_as_own_user, severity};
use crate::rules::PREDICT_REFUSES_ROOT;

pub(super) fn check(s: &Subject) -> Option<Prediction> {
    let failure = s.image.refuses_root?;
    if !s.starts() || s.uid() != Some(0) {
        return None;
    }
    let explanation = format!(
        "Container \"{}\" runs as UID 0 (securityContext.runAsUser), and {} refuses to run as root ({}).",
        s.name, s.image.name, failure.source
    );
    let remedy = run_as_own_user(
        s,
        |uid| format!("Run container \"{}\" as the image's own user: securityContext.runAsUser: {uid}.", s.name),
        "Run the container as a non-root user.",
    );
    Some(Prediction {
        rule: PREDICT_REFUSES_ROOT,
        severity: severity(failure.fatal),
        confidence: failure.confidence,
        message: lines(failure.lines, None),
        explanation,
        remedy,
    })
}
