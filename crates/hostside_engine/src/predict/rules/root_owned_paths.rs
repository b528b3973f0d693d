//! `predict/root-owned-paths`: images made to start as root that create paths at start under
//! directories the image leaves owned by root (755). Run as a non-root UID (the user's
//! `runAsUser`, or one a host mutation sets), the process cannot create them, and exits.
//! nginx (image-facts.md §1): the master creates its temp paths under /var/cache/nginx in
//! `ngx_init_cycle` before it opens its listening sockets, so this `mkdir()` failure comes
//! before the port 80 `bind()` failure of `predict/low-port`, on every runtime.
//!
//! Models: nginx's startup order (ngx_init_cycle: ngx_create_paths, then
//! ngx_open_listening_sockets; the pid file after both); plain file permissions, any runtime.

use super::super::{Prediction, Remedy, Subject, lines};
use super::severity;
use crate::rules::PREDICT_ROOT_OWNED_PATHS;

pub(super) fn check(s: &Subject) -> Option<Prediction> {
    let failure = s.image.root_owned?;
    let uid = s.uid()?;
    if !s.starts() || uid == 0 {
        return None;
    }
    let paths = s.unmounted_writes();
    // The lines are about the first path; without it unwritable there is no line to show.
    if paths.first() != s.image.writes.first() {
        return None;
    }
    let cause = match s.set_by("runAsUser") {
        Some(by) => format!("At admission, the host's {by}"),
        None if s.container.pointer("/securityContext/runAsUser").is_some() => {
            format!("Container \"{}\" sets securityContext.runAsUser: {uid}", s.name)
        }
        None if s.pod.pointer("/spec/securityContext/runAsUser").is_some() => {
            format!("The pod sets securityContext.runAsUser: {uid}")
        }
        None => format!("The image runs as UID {uid}"),
    };
    let explanation = format!(
        "{cause}, so {} does not start as root; it must create {} at start, which the image leaves owned by root and writable only by root ({}; {}). mkdir() fails with EACCES and the container exits before it opens its listening sockets, so a port bind failure can only come after this one.",
        s.image.name,
        paths.join(", "),
        failure.source,
        s.image.source
    );
    let description = format!(
        "Mount emptyDir volumes at {} in container \"{}\": an emptyDir is writable by any UID, so runAsUser {uid} can stay. An image built to run unprivileged avoids the problem too (for nginx, nginxinc/nginx-unprivileged, image-facts.md §2).",
        paths.join(" and "),
        s.name
    );
    Some(Prediction {
        rule: PREDICT_ROOT_OWNED_PATHS,
        severity: severity(failure.fatal),
        confidence: failure.confidence,
        message: lines(failure.lines, None),
        explanation,
        remedy: Remedy::EmptyDirs(description, paths),
    })
}
