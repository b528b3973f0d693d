//! How sync failures reach the virtual user (vcluster-translation.md §6): the `SyncError`
//! event on the virtual object, worded per version, and v0.35+'s sanitising of host names.

use crate::report::{Event, EventType};
use crate::settings::VclusterVersion;

/// `Error syncing to physical cluster: …` (v0.19–v0.20, `namespaced_translator.go`),
/// `Error syncing to host cluster: create object: …` (v0.21+, `patcher/apply.go`), for an API
/// error returned when creating the host object.
pub fn create_failed_message(version: VclusterVersion, api_error: &str) -> String {
    if version.at_least(21) {
        format!("Error syncing to host cluster: create object: {api_error}")
    } else {
        format!("Error syncing to physical cluster: {api_error}")
    }
}

/// The Warning event a syncer records on the virtual object. v0.32+ uses events.k8s.io with
/// action `Sync<Kind>`; before, core events with `source.component`.
pub fn sync_error(version: VclusterVersion, kind: &str, message: String) -> Event {
    Event {
        event_type: EventType::Warning,
        reason: "SyncError".into(),
        message,
        from: format!("{}-syncer", kind.to_lowercase()),
        action: version.at_least(32).then(|| format!("Sync{kind}")),
    }
}

/// v0.35+: the host name of the object itself becomes its virtual name, and the
/// `-x-<namespace>-x-<vcluster>` suffix of other names is removed (unless the virtual name
/// itself ends with it).
pub fn sanitise(
    version: VclusterVersion,
    message: &str,
    host_name: &str,
    virtual_name: &str,
    namespace: Option<&str>,
    vcluster: &str,
) -> String {
    if !version.at_least(35) {
        return message.to_string();
    }
    let mut text = if host_name.is_empty() { message.to_string() } else { message.replace(host_name, virtual_name) };
    if let Some(ns) = namespace {
        let suffix = format!("-x-{ns}-x-{vcluster}");
        if !virtual_name.ends_with(&suffix) {
            text = text.replace(&suffix, "");
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitising_follows_the_upstream_examples() {
        let v = VclusterVersion::LATEST;
        assert_eq!(
            sanitise(
                v,
                "Error syncing: update object: Operation cannot be fulfilled on pods \"cuda-vector-add-x-default-x-my-vc\": the object has been modified",
                "cuda-vector-add-x-default-x-my-vc",
                "cuda-vector-add",
                Some("default"),
                "my-vc"
            ),
            "Error syncing: update object: Operation cannot be fulfilled on pods \"cuda-vector-add\": the object has been modified"
        );
        assert_eq!(
            sanitise(
                v,
                "configmap \"app-config-x-default-x-my-vc\" not found",
                "p-x-default-x-my-vc",
                "p",
                Some("default"),
                "my-vc"
            ),
            "configmap \"app-config\" not found"
        );
        assert_eq!(
            sanitise(
                v,
                "pod \"api-x-default-x-my-vc\" failed",
                "api-x-default-x-my-vc-x-default-x-my-vc",
                "api-x-default-x-my-vc",
                Some("default"),
                "my-vc"
            ),
            "pod \"api-x-default-x-my-vc\" failed"
        );
        assert_eq!(
            sanitise(VclusterVersion::V0_20, "x-default-x-my-vc", "", "", Some("default"), "my-vc"),
            "x-default-x-my-vc"
        );
    }
}
