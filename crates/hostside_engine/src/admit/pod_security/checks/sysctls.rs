//! `sysctls` — baseline — revisions v1.0, v1.27, v1.29, v1.32, v1.37 (v1.37 only in the
//! master/1.37 build) — spec `pod-security.md` §2.11.
//!
//! Only the listed namespaced, safe sysctls may be set in `spec.securityContext.sysctls`.

use k8s_openapi::api::core::v1::PodSpec;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::{Check, Forbidden, Revision};
use crate::admit::pod_security::Level;

pub(crate) static CHECK: Check = Check {
    id: "sysctls",
    level: Level::Baseline,
    revisions: &[
        Revision { min_minor: 0, check: v1_0, overrides: &[] },
        Revision { min_minor: 27, check: v1_27, overrides: &[] },
        Revision { min_minor: 29, check: v1_29, overrides: &[] },
        Revision { min_minor: 32, check: v1_32, overrides: &[] },
        Revision { min_minor: 37, check: v1_37, overrides: &[] },
    ],
};

/// Allowed names, each with the policy version that first allows it.
const ALLOWED: &[(u32, &str)] = &[
    (0, "kernel.shm_rmid_forced"),
    (0, "net.ipv4.ip_local_port_range"),
    (0, "net.ipv4.tcp_syncookies"),
    (0, "net.ipv4.ping_group_range"),
    (0, "net.ipv4.ip_unprivileged_port_start"),
    (27, "net.ipv4.ip_local_reserved_ports"),
    (29, "net.ipv4.tcp_keepalive_time"),
    (29, "net.ipv4.tcp_fin_timeout"),
    (29, "net.ipv4.tcp_keepalive_intvl"),
    (29, "net.ipv4.tcp_keepalive_probes"),
    (32, "net.ipv4.tcp_rmem"),
    (32, "net.ipv4.tcp_wmem"),
    (37, "net.ipv4.tcp_slow_start_after_idle"),
    (37, "net.ipv4.tcp_notsent_lowat"),
];

fn v1_0(_metadata: &ObjectMeta, spec: &PodSpec) -> Option<Forbidden> {
    evaluate(spec, 0)
}

fn v1_27(_metadata: &ObjectMeta, spec: &PodSpec) -> Option<Forbidden> {
    evaluate(spec, 27)
}

fn v1_29(_metadata: &ObjectMeta, spec: &PodSpec) -> Option<Forbidden> {
    evaluate(spec, 29)
}

fn v1_32(_metadata: &ObjectMeta, spec: &PodSpec) -> Option<Forbidden> {
    evaluate(spec, 32)
}

fn v1_37(_metadata: &ObjectMeta, spec: &PodSpec) -> Option<Forbidden> {
    evaluate(spec, 37)
}

fn evaluate(spec: &PodSpec, revision: u32) -> Option<Forbidden> {
    let allowed = |name: &str| ALLOWED.iter().any(|&(since, allowed)| since <= revision && allowed == name);
    // Spec order, duplicates kept, unquoted.
    let forbidden: Vec<&str> = spec
        .security_context
        .iter()
        .flat_map(|sc| sc.sysctls.iter().flatten())
        .map(|s| s.name.as_str())
        .filter(|name| !allowed(name))
        .collect();
    if forbidden.is_empty() {
        return None;
    }
    Some(Forbidden::new("forbidden sysctls", forbidden.join(", ")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::{PodSecurityContext, Sysctl};

    fn pod(names: &[&str]) -> PodSpec {
        PodSpec {
            security_context: Some(PodSecurityContext {
                sysctls: Some(names.iter().map(|n| Sysctl { name: n.to_string(), value: "1".into() }).collect()),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    #[test]
    fn spec_order_and_duplicates_kept() {
        let spec = pod(&["b", "kernel.shm_rmid_forced", "a", "b"]);
        assert_eq!(v1_0(&ObjectMeta::default(), &spec), Some(Forbidden::new("forbidden sysctls", "b, a, b")));
    }

    #[test]
    fn cumulative_allow_lists() {
        let m = ObjectMeta::default();
        let spec = pod(&["net.ipv4.ip_local_reserved_ports"]);
        assert!(v1_0(&m, &spec).is_some());
        assert!(v1_27(&m, &spec).is_none());
        let spec = pod(&["net.ipv4.tcp_keepalive_probes"]);
        assert!(v1_27(&m, &spec).is_some());
        assert!(v1_29(&m, &spec).is_none());
        let spec = pod(&["net.ipv4.tcp_wmem"]);
        assert!(v1_29(&m, &spec).is_some());
        assert!(v1_32(&m, &spec).is_none());
        let spec = pod(&["net.ipv4.tcp_notsent_lowat"]);
        assert!(v1_32(&m, &spec).is_some());
        assert!(v1_37(&m, &spec).is_none());
    }
}
