//! `appArmorProfile` — baseline — revision v1.0 (single revision; this is the logic of the
//! v1.30+ PSA builds) — spec `pod-security.md` §2.6.
//!
//! AppArmor profile fields (pod and visited containers) must be unset, `RuntimeDefault` or
//! `Localhost`; every `container.apparmor.security.beta.kubernetes.io/*` annotation must be empty,
//! `runtime/default` or `localhost/*`.

use k8s_openapi::api::core::v1::{AppArmorProfile, PodSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::{Check, Forbidden, Revision};
use crate::admit::pod_security::Level;
use crate::admit::pod_security::helpers::{
    annotation_entry, containers_phrase, join_quote, pluralize, sorted_set, visit_containers,
};

pub(crate) static CHECK: Check = Check {
    id: "appArmorProfile",
    level: Level::Baseline,
    revisions: &[Revision { min_minor: 0, check: v1_0, overrides: &[] }],
};

const ANNOTATION_PREFIX: &str = "container.apparmor.security.beta.kubernetes.io/";

fn allowed_type(profile: &AppArmorProfile) -> bool {
    matches!(profile.type_.as_str(), "RuntimeDefault" | "Localhost")
}

fn allowed_annotation_value(value: &str) -> bool {
    value.is_empty() || value == "runtime/default" || value.starts_with("localhost/")
}

fn v1_0(metadata: &ObjectMeta, spec: &PodSpec) -> Option<Forbidden> {
    let mut setters = Vec::new();
    let mut bad_types = Vec::new();

    if let Some(profile) = spec.security_context.as_ref().and_then(|sc| sc.app_armor_profile.as_ref())
        && !allowed_type(profile)
    {
        setters.push("pod".to_string());
        bad_types.push(profile.type_.clone());
    }

    let mut bad_containers = Vec::new();
    for c in visit_containers(spec) {
        if let Some(profile) = c.security_context.and_then(|sc| sc.app_armor_profile.as_ref())
            && !allowed_type(profile)
        {
            bad_containers.push(c.name);
            bad_types.push(profile.type_.clone());
        }
    }
    if !bad_containers.is_empty() {
        setters.push(containers_phrase(&bad_containers));
    }

    let mut bad_annotations: Vec<String> = metadata
        .annotations
        .iter()
        .flatten()
        .filter(|(k, v)| k.starts_with(ANNOTATION_PREFIX) && !allowed_annotation_value(v))
        .map(|(k, v)| annotation_entry(k, v))
        .collect();

    let mut values = sorted_set(bad_types);
    if !bad_annotations.is_empty() {
        bad_annotations.sort_unstable();
        setters.push(pluralize("annotation", "annotations", bad_annotations.len()).to_string());
        values.extend(bad_annotations);
    }

    if setters.is_empty() {
        return None;
    }
    Some(Forbidden::new(
        pluralize("forbidden AppArmor profile", "forbidden AppArmor profiles", values.len()),
        format!("{} must not set AppArmor profile type to {}", setters.join(" and "), join_quote(&values)),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::{Container, PodSecurityContext, SecurityContext};
    use std::collections::BTreeMap;

    fn profile(t: &str) -> Option<AppArmorProfile> {
        Some(AppArmorProfile { type_: t.to_string(), ..Default::default() })
    }

    #[test]
    fn spec_examples() {
        let spec = PodSpec {
            security_context: Some(PodSecurityContext {
                app_armor_profile: profile("Unconfined"),
                ..Default::default()
            }),
            ..Default::default()
        };
        let f = v1_0(&ObjectMeta::default(), &spec);
        assert_eq!(
            f,
            Some(Forbidden::new(
                "forbidden AppArmor profile",
                r#"pod must not set AppArmor profile type to "Unconfined""#
            ))
        );

        let spec = PodSpec {
            containers: vec![Container {
                name: "foo".into(),
                security_context: Some(SecurityContext {
                    app_armor_profile: profile("Unconfined"),
                    ..Default::default()
                }),
                ..Default::default()
            }],
            ..Default::default()
        };
        let f = v1_0(&ObjectMeta::default(), &spec);
        assert_eq!(
            f.map(|f| f.detail),
            Some(r#"container "foo" must not set AppArmor profile type to "Unconfined""#.into())
        );
    }

    #[test]
    fn field_and_annotation_together_count_as_plural() {
        // The §2.6 interaction example: field copied from the annotation, plus the annotation.
        let spec = PodSpec {
            containers: vec![Container {
                name: "c1".into(),
                security_context: Some(SecurityContext {
                    app_armor_profile: profile("Unconfined"),
                    ..Default::default()
                }),
                ..Default::default()
            }],
            ..Default::default()
        };
        let metadata = ObjectMeta {
            annotations: Some(BTreeMap::from([
                (format!("{ANNOTATION_PREFIX}c1"), "unconfined".to_string()),
                (format!("{ANNOTATION_PREFIX}ok"), "localhost/x".to_string()),
                ("other".to_string(), "unconfined".to_string()),
            ])),
            ..Default::default()
        };
        let f = v1_0(&metadata, &spec);
        assert_eq!(
            f,
            Some(Forbidden::new(
                "forbidden AppArmor profiles",
                r#"container "c1" and annotation must not set AppArmor profile type to "Unconfined", "container.apparmor.security.beta.kubernetes.io/c1="unconfined"""#
            ))
        );
    }
}
