//! `predict/registry-move`: from 2025-08-28 Bitnami stopped publishing Debian-based images to
//! `docker.io/bitnami`; the existing versioned tags moved to `docker.io/bitnamilegacy`, and old
//! manifests referencing `docker.io/bitnami/<app>:<version>` now fail to pull (image-facts.md
//! §0.9, **I**: bitnami/containers#83267, bitnami/charts#35164, bitnami/charts#36599).
//!
//! Matches Docker Hub references only (no host, `docker.io`, `index.docker.io`,
//! `registry-1.docker.io`) with a versioned tag: `latest`, no tag and digests are not what §0.9
//! says moved, and another registry's `bitnami/` path (a mirror, a private copy) is not Docker
//! Hub's catalog. Only images of the knowledge base are predicted for (the stage's rule).
//!
//! Message: §0.9 gives no kubelet event text, so the message is the maintainers' literal
//! statement the reference quotes, not an invented ErrImagePull line.
//!
//! Severity and order: the pull fails, so it is an error and comes first. Unlike the other
//! rules it does not end the container's predictions (`predict::run` exempts it): its
//! fix pulls the very same image from `docker.io/bitnamilegacy`, so what follows (scenario 03's
//! group-zero failure) is exactly what the user meets next, and hiding it would lose it.
//!
//! Models: Docker Hub as of 2025-08-28; any Kubernetes version and runtime.

use super::super::{Prediction, Remedy, Subject};
use crate::report::{Confidence, Severity};
use crate::rules::PREDICT_REGISTRY_MOVE;
use crate::value::ValueExt;

/// The maintainers' words as image-facts.md §0.9 quotes them (bitnami/charts#36599).
const MESSAGE: &str =
    "the container images were removed from `docker.io/bitnami` and moved to `docker.io/bitnamilegacy`";

pub(super) fn check(s: &Subject) -> Option<Prediction> {
    let reference = s.container.str_at("/image")?;
    let legacy = legacy(reference)?;
    let explanation = format!(
        "From 2025-08-28 Bitnami no longer publishes to docker.io/bitnami: its versioned tags moved to docker.io/bitnamilegacy (no updates), so {reference} fails to pull (image-facts.md §0.9; bitnami/containers#83267, bitnami/charts#35164, bitnami/charts#36599)."
    );
    let description = format!(
        "Use {legacy} in container \"{}\": the same image from the legacy repository (it gets no updates; a mirror of your own is the lasting fix).",
        s.name
    );
    Some(Prediction {
        rule: PREDICT_REGISTRY_MOVE,
        severity: Severity::Error,
        confidence: Confidence::Documented,
        message: MESSAGE.to_string(),
        explanation,
        remedy: Remedy::Image(description, legacy),
    })
}

/// The `docker.io/bitnamilegacy` reference for a versioned `docker.io/bitnami/<app>:<tag>`.
pub(super) fn legacy(reference: &str) -> Option<String> {
    let reference = reference.trim();
    if reference.contains('@') {
        return None;
    }
    let (host, path) = match reference.split_once('/') {
        Some((first, rest)) if first.contains('.') || first.contains(':') || first == "localhost" => {
            (Some(first), rest)
        }
        _ => (None, reference),
    };
    if !matches!(host, None | Some("docker.io" | "index.docker.io" | "registry-1.docker.io")) {
        return None;
    }
    let app_tag = path.strip_prefix("bitnami/")?;
    let (app, tag) = app_tag.rsplit_once(':')?;
    if app.is_empty() || app.contains('/') || tag.is_empty() || tag == "latest" {
        return None;
    }
    Some(match host {
        Some(host) => format!("{host}/bitnamilegacy/{app}:{tag}"),
        None => format!("bitnamilegacy/{app}:{tag}"),
    })
}

#[cfg(test)]
mod tests {
    use super::legacy;

    #[test]
    fn only_versioned_docker_hub_bitnami_tags_moved() {
        assert_eq!(
            legacy("docker.io/bitnami/mariadb:10.5.15-debian-10-r30").as_deref(),
            Some("docker.io/bitnamilegacy/mariadb:10.5.15-debian-10-r30")
        );
        assert_eq!(legacy("bitnami/redis:7.4").as_deref(), Some("bitnamilegacy/redis:7.4"));
        assert_eq!(
            legacy("index.docker.io/bitnami/redis:7.4").as_deref(),
            Some("index.docker.io/bitnamilegacy/redis:7.4")
        );
        for other in [
            "bitnami/redis",
            "bitnami/redis:latest",
            "bitnami/redis@sha256:0123abcd",
            "bitnamilegacy/redis:7.4",
            "docker.io/bitnamilegacy/redis:7.4",
            "registry.example.com/bitnami/redis:7.4",
            "redis:7.4",
        ] {
            assert_eq!(legacy(other), None, "{other}");
        }
    }
}
