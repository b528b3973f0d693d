//! One prediction rule per file. Each is a function of one container of an admitted pod;
//! the order here is the order the kubelet and the container meet the problems: the stage
//! keeps a container's predictions up to its first error (a container that never starts or
//! exits meets nothing after it; the fix's re-check shows the next one). The exception is
//! `registry_move`, whose fix pulls the same image from elsewhere (see its header).

mod file_capabilities;
mod group_zero;
mod low_port;
mod read_only_root;
mod refuses_root;
mod registry_move;
mod root_chown;
mod root_owned_paths;
mod run_as_non_root;
mod volume_ownership;

use super::{Prediction, Subject};

pub(super) type Rule = fn(&Subject) -> Option<Prediction>;

pub(super) static ALL: &[Rule] = &[
    // The pull comes before everything; it does not end the chain (see its file).
    registry_move::check,
    run_as_non_root::check,
    file_capabilities::check,
    refuses_root::check,
    root_chown::check,
    read_only_root::check,
    root_owned_paths::check,
    group_zero::check,
    volume_ownership::check,
    low_port::check,
];

/// Run as the image's documented non-root UID (`describe` words it), or words when the
/// knowledge base has none.
fn run_as_own_user(s: &Subject, describe: impl FnOnce(i64) -> String, otherwise: &str) -> super::Remedy {
    match s.image.non_root_uid {
        Some(uid) => super::Remedy::SecurityContext(describe(uid), serde_json::json!({"runAsUser": uid})),
        None => super::Remedy::Words(otherwise.to_string()),
    }
}

/// Error when the container exits or never starts, warning when it keeps running degraded.
fn severity(fatal: bool) -> crate::report::Severity {
    if fatal { crate::report::Severity::Error } else { crate::report::Severity::Warning }
}
