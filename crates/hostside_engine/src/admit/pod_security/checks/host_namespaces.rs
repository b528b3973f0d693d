//! `hostNamespaces` — baseline — revision v1.0 — spec `pod-security.md` §2.1.
//!
//! `spec.hostNetwork`, `spec.hostPID` and `spec.hostIPC` must be unset or `false`.

use k8s_openapi::api::core::v1::PodSpec;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::{Check, Forbidden, Revision};
use crate::admit::pod_security::Level;

pub(crate) static CHECK: Check = Check {
    id: "hostNamespaces",
    level: Level::Baseline,
    revisions: &[Revision { min_minor: 0, check: v1_0, overrides: &[] }],
};

fn v1_0(_metadata: &ObjectMeta, spec: &PodSpec) -> Option<Forbidden> {
    let mut set = Vec::new();
    if spec.host_network == Some(true) {
        set.push("hostNetwork=true");
    }
    if spec.host_pid == Some(true) {
        set.push("hostPID=true");
    }
    if spec.host_ipc == Some(true) {
        set.push("hostIPC=true");
    }
    if set.is_empty() {
        return None;
    }
    Some(Forbidden::new("host namespaces", set.join(", ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_three_in_fixed_order() {
        let spec =
            PodSpec { host_ipc: Some(true), host_pid: Some(true), host_network: Some(true), ..Default::default() };
        let f = v1_0(&ObjectMeta::default(), &spec);
        assert_eq!(f, Some(Forbidden::new("host namespaces", "hostNetwork=true, hostPID=true, hostIPC=true")));
        let spec = PodSpec { host_network: Some(false), ..Default::default() };
        assert_eq!(v1_0(&ObjectMeta::default(), &spec), None);
    }
}
