//! `seccompProfile_baseline` — baseline — revisions v1.0 (annotations), v1.19 (fields);
//! overridden at the restricted level by `seccompProfile_restricted` from v1.19 — spec
//! `pod-security.md` §2.10.

use k8s_openapi::api::core::v1::PodSpec;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::{Check, Forbidden, Revision};
use crate::admit::pod_security::Level;
use crate::admit::pod_security::helpers::{
    annotation_entry, containers_phrase, join_quote, pluralize, sorted_set, visit_containers,
};

pub(crate) static CHECK: Check = Check {
    id: "seccompProfile_baseline",
    level: Level::Baseline,
    revisions: &[
        Revision { min_minor: 0, check: v1_0, overrides: &[] },
        Revision { min_minor: 19, check: v1_19, overrides: &[] },
    ],
};

const POD_ANNOTATION: &str = "seccomp.security.alpha.kubernetes.io/pod";
const CONTAINER_ANNOTATION_PREFIX: &str = "container.seccomp.security.alpha.kubernetes.io/";

fn allowed_annotation_value(value: &str) -> bool {
    value == "runtime/default" || value == "docker/default" || value.starts_with("localhost/")
}

/// `RuntimeDefault` or `Localhost` (shared with `seccompProfile_restricted`).
pub(crate) fn allowed_type(ty: &str) -> bool {
    ty == "RuntimeDefault" || ty == "Localhost"
}

fn v1_0(metadata: &ObjectMeta, spec: &PodSpec) -> Option<Forbidden> {
    let annotations = metadata.annotations.as_ref();
    let lookup = |key: &str| annotations.and_then(|a| a.get(key));
    let mut forbidden = Vec::new();
    if let Some(v) = lookup(POD_ANNOTATION)
        && !allowed_annotation_value(v)
    {
        forbidden.push(annotation_entry(POD_ANNOTATION, v));
    }
    for c in visit_containers(spec) {
        let key = format!("{CONTAINER_ANNOTATION_PREFIX}{}", c.name);
        if let Some(v) = lookup(&key)
            && !allowed_annotation_value(v)
        {
            forbidden.push(annotation_entry(&key, v));
        }
    }
    let forbidden = sorted_set(forbidden);
    if forbidden.is_empty() {
        return None;
    }
    Some(Forbidden::new(
        "seccompProfile",
        format!("forbidden {} {}", pluralize("annotation", "annotations", forbidden.len()), forbidden.join(", ")),
    ))
}

fn v1_19(_metadata: &ObjectMeta, spec: &PodSpec) -> Option<Forbidden> {
    let mut setters = Vec::new();
    let mut bad_types = Vec::new();
    if let Some(profile) = spec.security_context.as_ref().and_then(|sc| sc.seccomp_profile.as_ref())
        && !allowed_type(&profile.type_)
    {
        setters.push("pod".to_string());
        bad_types.push(profile.type_.clone());
    }
    let mut bad_containers = Vec::new();
    for c in visit_containers(spec) {
        if let Some(profile) = c.security_context.and_then(|sc| sc.seccomp_profile.as_ref())
            && !allowed_type(&profile.type_)
        {
            bad_containers.push(c.name);
            bad_types.push(profile.type_.clone());
        }
    }
    if !bad_containers.is_empty() {
        setters.push(containers_phrase(&bad_containers));
    }
    if setters.is_empty() {
        return None;
    }
    Some(Forbidden::new(
        "seccompProfile",
        format!(
            "{} must not set securityContext.seccompProfile.type to {}",
            setters.join(" and "),
            join_quote(&sorted_set(bad_types))
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::Container;
    use std::collections::BTreeMap;

    #[test]
    fn annotation_example() {
        let spec =
            PodSpec { containers: vec![Container { name: "a".into(), ..Default::default() }], ..Default::default() };
        let metadata = ObjectMeta {
            annotations: Some(BTreeMap::from([
                (POD_ANNOTATION.to_string(), "unconfined".to_string()),
                (format!("{CONTAINER_ANNOTATION_PREFIX}a"), "unconfined".to_string()),
                // No container of that name: ignored.
                (format!("{CONTAINER_ANNOTATION_PREFIX}zz"), "unconfined".to_string()),
            ])),
            ..Default::default()
        };
        assert_eq!(
            v1_0(&metadata, &spec).map(|f| f.detail),
            Some(
                r#"forbidden annotations container.seccomp.security.alpha.kubernetes.io/a="unconfined", seccomp.security.alpha.kubernetes.io/pod="unconfined""#
                    .into()
            )
        );
    }

    #[test]
    fn empty_annotation_value_is_forbidden() {
        let metadata = ObjectMeta {
            annotations: Some(BTreeMap::from([(POD_ANNOTATION.to_string(), String::new())])),
            ..Default::default()
        };
        assert_eq!(
            v1_0(&metadata, &PodSpec::default()).map(|f| f.detail),
            Some(r#"forbidden annotation seccomp.security.alpha.kubernetes.io/pod="""#.into())
        );
    }

    #[test]
    fn field_example_v1_19() {
        use k8s_openapi::api::core::v1::{PodSecurityContext, SeccompProfile, SecurityContext};
        let profile = |t: &str| Some(SeccompProfile { type_: t.into(), ..Default::default() });
        let container = |name: &str, p: Option<SeccompProfile>| Container {
            name: name.into(),
            security_context: Some(SecurityContext { seccomp_profile: p, ..Default::default() }),
            ..Default::default()
        };
        let spec = PodSpec {
            security_context: Some(PodSecurityContext { seccomp_profile: profile("Unconfined"), ..Default::default() }),
            containers: vec![
                container("a", profile("RuntimeDefault")),
                container("b", None),
                container("c", profile("Unconfined")),
                container("d", profile("Unconfined")),
            ],
            ..Default::default()
        };
        assert_eq!(
            v1_19(&ObjectMeta::default(), &spec),
            Some(Forbidden::new(
                "seccompProfile",
                r#"pod and containers "c", "d" must not set securityContext.seccompProfile.type to "Unconfined""#
            ))
        );
        // Unset profiles are fine at the baseline level; annotations are ignored from v1.19.
        let spec = PodSpec { containers: vec![container("b", None)], ..Default::default() };
        let metadata = ObjectMeta {
            annotations: Some(BTreeMap::from([(POD_ANNOTATION.to_string(), "unconfined".to_string())])),
            ..Default::default()
        };
        assert_eq!(v1_19(&metadata, &spec), None);
        assert!(v1_0(&metadata, &spec).is_some());
    }
}
