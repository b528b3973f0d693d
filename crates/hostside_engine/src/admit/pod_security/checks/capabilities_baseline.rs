//! `capabilities_baseline` — baseline — revision v1.0 (overridden at the restricted level by
//! `capabilities_restricted` from v1.22) — spec `pod-security.md` §2.3.
//!
//! Only the default container-runtime capabilities may be added.

use k8s_openapi::api::core::v1::PodSpec;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::{Check, Forbidden, Revision};
use crate::admit::pod_security::Level;
use crate::admit::pod_security::helpers::{containers_phrase, join_quote, sorted_set, visit_containers};

pub(crate) static CHECK: Check = Check {
    id: "capabilities_baseline",
    level: Level::Baseline,
    revisions: &[Revision { min_minor: 0, check: v1_0, overrides: &[] }],
};

/// Capabilities that may be added (exact, case-sensitive).
pub(crate) const ALLOWED: [&str; 13] = [
    "AUDIT_WRITE",
    "CHOWN",
    "DAC_OVERRIDE",
    "FOWNER",
    "FSETID",
    "KILL",
    "MKNOD",
    "NET_BIND_SERVICE",
    "SETFCAP",
    "SETGID",
    "SETPCAP",
    "SETUID",
    "SYS_CHROOT",
];

fn v1_0(_metadata: &ObjectMeta, spec: &PodSpec) -> Option<Forbidden> {
    let mut bad_containers = Vec::new();
    let mut bad_caps = Vec::new();
    for c in visit_containers(spec) {
        let Some(caps) = c.security_context.and_then(|sc| sc.capabilities.as_ref()) else {
            continue;
        };
        let mut valid = true;
        for cap in caps.add.iter().flatten() {
            if !ALLOWED.contains(&cap.as_str()) {
                valid = false;
                bad_caps.push(cap.clone());
            }
        }
        if !valid {
            bad_containers.push(c.name);
        }
    }
    if bad_containers.is_empty() {
        return None;
    }
    Some(Forbidden::new(
        "non-default capabilities",
        format!(
            "{} must not include {} in securityContext.capabilities.add",
            containers_phrase(&bad_containers),
            join_quote(&sorted_set(bad_caps))
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::{Capabilities, Container, SecurityContext};

    fn container(name: &str, add: Option<&[&str]>, with_caps: bool) -> Container {
        Container {
            name: name.into(),
            security_context: Some(SecurityContext {
                capabilities: with_caps.then(|| Capabilities {
                    add: add.map(|a| a.iter().map(|s| s.to_string()).collect()),
                    drop: Some(vec!["ALL".into()]),
                }),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    #[test]
    fn spec_example_sorted_caps_and_ordered_containers() {
        let spec = PodSpec {
            init_containers: Some(vec![container("a", Some(&["FOO", "CHOWN", "BAR"]), true)]),
            containers: vec![
                container("x", None, false),
                container("ok", Some(&["NET_BIND_SERVICE", "KILL"]), true),
                container("b", Some(&["BAZ", "FOO"]), true),
            ],
            ..Default::default()
        };
        assert_eq!(
            v1_0(&ObjectMeta::default(), &spec),
            Some(Forbidden::new(
                "non-default capabilities",
                r#"containers "a", "b" must not include "BAR", "BAZ", "FOO" in securityContext.capabilities.add"#
            ))
        );
    }

    #[test]
    fn spellings_are_exact() {
        let spec =
            PodSpec { containers: vec![container("c", Some(&["chown", "CAP_CHOWN"]), true)], ..Default::default() };
        assert_eq!(
            v1_0(&ObjectMeta::default(), &spec).map(|f| f.detail),
            Some(r#"container "c" must not include "CAP_CHOWN", "chown" in securityContext.capabilities.add"#.into())
        );
    }
}
