//! `predict/volume-ownership`: a fresh PersistentVolume is root-owned; a non-root process can
//! write it only when the pod sets `fsGroup` (image-facts.md §0.6). An image running as its
//! own non-root user (or as a `runAsUser`) with a claim over its data directory and no
//! `fsGroup` fails with the lines of its entry.
//!
//! Models: kubelet volume ownership management (fsGroup, Kubernetes 1.19–1.37) for volume
//! types that support it; any runtime.

use super::super::{Prediction, Remedy, Subject, lines};
use super::severity;
use crate::rules::PREDICT_VOLUME_OWNERSHIP;
use crate::value::ValueExt;
use serde_json::json;

pub(super) fn check(s: &Subject) -> Option<Prediction> {
    let (path, failure) = s.image.data?;
    let uid = s.uid()?;
    if !s.starts() || uid == 0 || s.pod.pointer("/spec/securityContext/fsGroup").is_some() {
        return None;
    }
    let claim =
        s.volume_at(path).filter(|v| v.get("persistentVolumeClaim").is_some() || v.get("ephemeral").is_some())?;
    let volume = claim.str_at("/name").unwrap_or_default();
    let explanation = format!(
        "Container \"{}\" runs as UID {uid} and volume \"{volume}\" (a PersistentVolumeClaim) holds {path}; a fresh volume is owned by root, and without fsGroup nothing makes it writable for {uid} ({}).",
        s.name, failure.source
    );
    let description = format!(
        "Set the pod's securityContext.fsGroup: {uid}: the kubelet then makes the volume group-writable for that group (image-facts.md §0.6)."
    );
    Some(Prediction {
        rule: PREDICT_VOLUME_OWNERSHIP,
        severity: severity(failure.fatal),
        confidence: failure.confidence,
        message: lines(failure.lines, None),
        explanation,
        remedy: Remedy::PodSecurityContext(description, json!({"fsGroup": uid})),
    })
}
