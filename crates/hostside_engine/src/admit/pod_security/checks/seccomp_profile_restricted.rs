//! `seccompProfile_restricted` — restricted — revisions v1.19, v1.25 (overrides
//! `seccompProfile_baseline`) — spec `pod-security.md` §2.19.
//!
//! The pod or every visited container must set `seccompProfile.type` to `RuntimeDefault` or
//! `Localhost`, and nothing may set another type; from v1.25 Windows pods are exempt.

use k8s_openapi::api::core::v1::PodSpec;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::seccomp_profile_baseline::allowed_type;
use super::{Check, Forbidden, Revision};
use crate::admit::pod_security::Level;
use crate::admit::pod_security::helpers::{
    containers_phrase, is_windows_pod, join_quote, sorted_set, visit_containers,
};

pub(crate) static CHECK: Check = Check {
    id: "seccompProfile_restricted",
    level: Level::Restricted,
    revisions: &[
        Revision { min_minor: 19, check: v1_19, overrides: &["seccompProfile_baseline"] },
        Revision { min_minor: 25, check: v1_25, overrides: &["seccompProfile_baseline"] },
    ],
};

fn v1_19(_metadata: &ObjectMeta, spec: &PodSpec) -> Option<Forbidden> {
    let mut setters = Vec::new();
    let mut bad_types = Vec::new();
    let mut pod_covers = false;
    if let Some(profile) = spec.security_context.as_ref().and_then(|sc| sc.seccomp_profile.as_ref()) {
        if allowed_type(&profile.type_) {
            pod_covers = true;
        } else {
            setters.push("pod".to_string());
            bad_types.push(profile.type_.clone());
        }
    }

    let mut explicit = Vec::new();
    let mut implicit = Vec::new();
    for c in visit_containers(spec) {
        match c.security_context.and_then(|sc| sc.seccomp_profile.as_ref()) {
            Some(profile) if !allowed_type(&profile.type_) => {
                explicit.push(c.name);
                bad_types.push(profile.type_.clone());
            }
            Some(_) => {}
            None if !pod_covers => implicit.push(c.name),
            None => {}
        }
    }
    if !explicit.is_empty() {
        setters.push(containers_phrase(&explicit));
    }
    if !setters.is_empty() {
        return Some(Forbidden::new(
            "seccompProfile",
            format!(
                "{} must not set securityContext.seccompProfile.type to {}",
                setters.join(" and "),
                join_quote(&sorted_set(bad_types))
            ),
        ));
    }
    if !implicit.is_empty() {
        return Some(Forbidden::new(
            "seccompProfile",
            format!(
                r#"pod or {} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost""#,
                containers_phrase(&implicit)
            ),
        ));
    }
    None
}

fn v1_25(metadata: &ObjectMeta, spec: &PodSpec) -> Option<Forbidden> {
    if is_windows_pod(spec) {
        return None;
    }
    v1_19(metadata, spec)
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::{Container, PodOS, PodSecurityContext, SeccompProfile, SecurityContext};

    fn profile(t: &str) -> Option<SeccompProfile> {
        Some(SeccompProfile { type_: t.into(), ..Default::default() })
    }

    fn container(name: &str, p: Option<SeccompProfile>) -> Container {
        Container {
            name: name.into(),
            security_context: Some(SecurityContext { seccomp_profile: p, ..Default::default() }),
            ..Default::default()
        }
    }

    #[test]
    fn spec_example_and_windows_exemption() {
        let mut spec = PodSpec {
            security_context: Some(PodSecurityContext { seccomp_profile: profile("Unconfined"), ..Default::default() }),
            containers: vec![
                container("c", profile("Unconfined")),
                container("d", profile("Unconfined")),
                container("e", None),
            ],
            ..Default::default()
        };
        let expected = Some(Forbidden::new(
            "seccompProfile",
            r#"pod and containers "c", "d" must not set securityContext.seccompProfile.type to "Unconfined""#,
        ));
        assert_eq!(v1_19(&ObjectMeta::default(), &spec), expected);
        spec.os = Some(PodOS { name: "windows".into() });
        assert_eq!(v1_19(&ObjectMeta::default(), &spec), expected);
        assert_eq!(v1_25(&ObjectMeta::default(), &spec), None);
    }
}
