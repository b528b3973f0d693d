//! `capabilities_restricted` — restricted — revisions v1.22, v1.25 (overrides
//! `capabilities_baseline`) — spec `pod-security.md` §2.15.
//!
//! Every visited container must drop `ALL` and may add only `NET_BIND_SERVICE`; from v1.25
//! Windows pods are exempt.

use k8s_openapi::api::core::v1::PodSpec;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::{Check, Forbidden, Revision};
use crate::admit::pod_security::Level;
use crate::admit::pod_security::helpers::{
    containers_phrase, is_windows_pod, join_quote, sorted_set, visit_containers,
};

pub(crate) static CHECK: Check = Check {
    id: "capabilities_restricted",
    level: Level::Restricted,
    revisions: &[
        Revision { min_minor: 22, check: v1_22, overrides: &["capabilities_baseline"] },
        Revision { min_minor: 25, check: v1_25, overrides: &["capabilities_baseline"] },
    ],
};

fn v1_22(_metadata: &ObjectMeta, spec: &PodSpec) -> Option<Forbidden> {
    let mut missing_drop_all = Vec::new();
    let mut adding_forbidden = Vec::new();
    let mut forbidden_caps = Vec::new();
    for c in visit_containers(spec) {
        let Some(caps) = c.security_context.and_then(|sc| sc.capabilities.as_ref()) else {
            missing_drop_all.push(c.name);
            continue;
        };
        if !caps.drop.iter().flatten().any(|d| d == "ALL") {
            missing_drop_all.push(c.name);
        }
        let mut added_forbidden = false;
        for cap in caps.add.iter().flatten() {
            if cap != "NET_BIND_SERVICE" {
                added_forbidden = true;
                forbidden_caps.push(cap.clone());
            }
        }
        if added_forbidden {
            adding_forbidden.push(c.name);
        }
    }
    let mut details = Vec::new();
    if !missing_drop_all.is_empty() {
        details.push(format!(
            r#"{} must set securityContext.capabilities.drop=["ALL"]"#,
            containers_phrase(&missing_drop_all)
        ));
    }
    if !adding_forbidden.is_empty() {
        details.push(format!(
            "{} must not include {} in securityContext.capabilities.add",
            containers_phrase(&adding_forbidden),
            join_quote(&sorted_set(forbidden_caps))
        ));
    }
    if details.is_empty() {
        return None;
    }
    Some(Forbidden::new("unrestricted capabilities", details.join("; ")))
}

fn v1_25(metadata: &ObjectMeta, spec: &PodSpec) -> Option<Forbidden> {
    if is_windows_pod(spec) {
        return None;
    }
    v1_22(metadata, spec)
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::{Capabilities, Container, SecurityContext};

    fn container(name: &str, add: &[&str], drop: &[&str]) -> Container {
        let list = |v: &[&str]| Some(v.iter().map(|s| s.to_string()).collect());
        Container {
            name: name.into(),
            security_context: Some(SecurityContext {
                capabilities: Some(Capabilities { add: list(add), drop: list(drop) }),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    #[test]
    fn spec_example() {
        let spec = PodSpec {
            containers: vec![
                container("a", &["FOO", "NET_BIND_SERVICE"], &[]),
                container("b", &["BAR", "CHOWN"], &["all"]),
                container("c", &["BAZ", "FOO"], &["ALL"]),
            ],
            ..Default::default()
        };
        assert_eq!(
            v1_22(&ObjectMeta::default(), &spec),
            Some(Forbidden::new(
                "unrestricted capabilities",
                r#"containers "a", "b" must set securityContext.capabilities.drop=["ALL"]; containers "a", "b", "c" must not include "BAR", "BAZ", "CHOWN", "FOO" in securityContext.capabilities.add"#
            ))
        );
    }
}
