//! `privileged` — baseline — revision v1.0 — spec `pod-security.md` §2.2.
//!
//! `securityContext.privileged` of every visited container must be unset or `false`.

use k8s_openapi::api::core::v1::PodSpec;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::{Check, Forbidden, Revision};
use crate::admit::pod_security::Level;
use crate::admit::pod_security::helpers::{containers_phrase, visit_containers};

pub(crate) static CHECK: Check = Check {
    id: "privileged",
    level: Level::Baseline,
    revisions: &[Revision { min_minor: 0, check: v1_0, overrides: &[] }],
};

fn v1_0(_metadata: &ObjectMeta, spec: &PodSpec) -> Option<Forbidden> {
    let bad: Vec<&str> = visit_containers(spec)
        .filter(|c| c.security_context.and_then(|sc| sc.privileged) == Some(true))
        .map(|c| c.name)
        .collect();
    if bad.is_empty() {
        return None;
    }
    Some(Forbidden::new(
        "privileged",
        format!("{} must not set securityContext.privileged=true", containers_phrase(&bad)),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::{Container, EphemeralContainer, SecurityContext};

    fn sc(privileged: Option<bool>) -> Option<SecurityContext> {
        Some(SecurityContext { privileged, ..Default::default() })
    }

    #[test]
    fn visits_init_regular_then_ephemeral() {
        let spec = PodSpec {
            ephemeral_containers: Some(vec![EphemeralContainer {
                name: "debug".into(),
                security_context: sc(Some(true)),
                ..Default::default()
            }]),
            containers: vec![
                Container { name: "a".into(), security_context: sc(Some(true)), ..Default::default() },
                Container { name: "b".into(), security_context: sc(Some(false)), ..Default::default() },
            ],
            init_containers: Some(vec![Container {
                name: "init".into(),
                security_context: sc(Some(true)),
                ..Default::default()
            }]),
            ..Default::default()
        };
        assert_eq!(
            v1_0(&ObjectMeta::default(), &spec),
            Some(Forbidden::new(
                "privileged",
                r#"containers "init", "a", "debug" must not set securityContext.privileged=true"#
            ))
        );
    }
}
