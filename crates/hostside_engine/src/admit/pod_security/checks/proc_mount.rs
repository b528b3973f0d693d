//! `procMount` — baseline — revisions v1.0, v1.35 (overridden at the restricted level by
//! `procMount_restricted` from v1.35) — spec `pod-security.md` §2.8.
//!
//! `securityContext.procMount` must be unset or `Default`; from v1.35 any value is allowed for
//! user-namespaced pods (`spec.hostUsers: false`).

use k8s_openapi::api::core::v1::PodSpec;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::{Check, Forbidden, Revision};
use crate::admit::pod_security::Level;
use crate::admit::pod_security::helpers::{
    containers_phrase, is_user_namespaced_pod, join_quote, sorted_set, visit_containers,
};

pub(crate) static CHECK: Check = Check {
    id: "procMount",
    level: Level::Baseline,
    revisions: &[
        Revision { min_minor: 0, check: v1_0, overrides: &[] },
        Revision { min_minor: 35, check: v1_35, overrides: &[] },
    ],
};

/// The v1.0 logic, shared with `procMount_restricted` (§2.9).
pub(crate) fn v1_0(_metadata: &ObjectMeta, spec: &PodSpec) -> Option<Forbidden> {
    let mut bad_containers = Vec::new();
    let mut bad_types = Vec::new();
    for c in visit_containers(spec) {
        if let Some(pm) = c.security_context.and_then(|sc| sc.proc_mount.as_deref())
            && pm != "Default"
        {
            bad_containers.push(c.name);
            bad_types.push(pm.to_string());
        }
    }
    if bad_containers.is_empty() {
        return None;
    }
    Some(Forbidden::new(
        "procMount",
        format!(
            "{} must not set securityContext.procMount to {}",
            containers_phrase(&bad_containers),
            join_quote(&sorted_set(bad_types))
        ),
    ))
}

fn v1_35(metadata: &ObjectMeta, spec: &PodSpec) -> Option<Forbidden> {
    if is_user_namespaced_pod(spec) {
        return None;
    }
    v1_0(metadata, spec)
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::{Container, SecurityContext};

    fn container(name: &str, pm: Option<&str>) -> Container {
        Container {
            name: name.into(),
            security_context: Some(SecurityContext { proc_mount: pm.map(str::to_string), ..Default::default() }),
            ..Default::default()
        }
    }

    #[test]
    fn spec_example_and_host_users_relaxation() {
        let mut spec = PodSpec {
            containers: vec![
                container("a", Some("Default")),
                container("b", None),
                container("d", Some("other")),
                container("e", Some("Unmasked")),
            ],
            ..Default::default()
        };
        let expected = Some(Forbidden::new(
            "procMount",
            r#"containers "d", "e" must not set securityContext.procMount to "Unmasked", "other""#,
        ));
        assert_eq!(v1_0(&ObjectMeta::default(), &spec), expected);
        assert_eq!(v1_35(&ObjectMeta::default(), &spec), expected);
        spec.host_users = Some(false);
        assert_eq!(v1_35(&ObjectMeta::default(), &spec), None);
        // The v1.0 logic (also procMount_restricted) ignores hostUsers.
        assert_eq!(v1_0(&ObjectMeta::default(), &spec), expected);
    }
}
