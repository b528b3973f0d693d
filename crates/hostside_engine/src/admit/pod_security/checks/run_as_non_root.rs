//! `runAsNonRoot` — restricted — revisions v1.0, v1.35 — spec `pod-security.md` §2.17.
//!
//! The pod or every visited container must set `runAsNonRoot: true` and nothing may set it to
//! `false`; from v1.35 user-namespaced pods (`spec.hostUsers: false`) are exempt.

use k8s_openapi::api::core::v1::PodSpec;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::{Check, Forbidden, Revision};
use crate::admit::pod_security::Level;
use crate::admit::pod_security::helpers::{containers_phrase, is_user_namespaced_pod, visit_containers};

pub(crate) static CHECK: Check = Check {
    id: "runAsNonRoot",
    level: Level::Restricted,
    revisions: &[
        Revision { min_minor: 0, check: v1_0, overrides: &[] },
        Revision { min_minor: 35, check: v1_35, overrides: &[] },
    ],
};

const REASON: &str = "runAsNonRoot != true";

fn v1_0(_metadata: &ObjectMeta, spec: &PodSpec) -> Option<Forbidden> {
    let mut setters = Vec::new();
    let pod_value = spec.security_context.as_ref().and_then(|sc| sc.run_as_non_root);
    if pod_value == Some(false) {
        setters.push("pod".to_string());
    }
    let pod_covers = pod_value == Some(true);

    let mut explicit = Vec::new();
    let mut implicit = Vec::new();
    for c in visit_containers(spec) {
        match c.security_context.and_then(|sc| sc.run_as_non_root) {
            Some(false) => explicit.push(c.name),
            Some(true) => {}
            None if !pod_covers => implicit.push(c.name),
            None => {}
        }
    }
    if !explicit.is_empty() {
        setters.push(containers_phrase(&explicit));
    }
    if !setters.is_empty() {
        return Some(Forbidden::new(
            REASON,
            format!("{} must not set securityContext.runAsNonRoot=false", setters.join(" and ")),
        ));
    }
    if !implicit.is_empty() {
        return Some(Forbidden::new(
            REASON,
            format!("pod or {} must set securityContext.runAsNonRoot=true", containers_phrase(&implicit)),
        ));
    }
    None
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
    use k8s_openapi::api::core::v1::{Container, PodSecurityContext, SecurityContext};

    fn container(name: &str, v: Option<bool>) -> Container {
        Container {
            name: name.into(),
            security_context: Some(SecurityContext {
                run_as_non_root: v,
                run_as_user: Some(1000),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    #[test]
    fn explicit_hides_implicit() {
        let spec = PodSpec {
            security_context: Some(PodSecurityContext { run_as_non_root: Some(false), ..Default::default() }),
            containers: vec![container("a", Some(false)), container("b", None)],
            ..Default::default()
        };
        assert_eq!(
            v1_0(&ObjectMeta::default(), &spec).map(|f| f.detail),
            Some(r#"pod and container "a" must not set securityContext.runAsNonRoot=false"#.into())
        );
    }

    #[test]
    fn implicit_ignores_run_as_user_and_honours_host_users() {
        let mut spec = PodSpec { containers: vec![container("a", None), container("b", None)], ..Default::default() };
        assert_eq!(
            v1_0(&ObjectMeta::default(), &spec).map(|f| f.detail),
            Some(r#"pod or containers "a", "b" must set securityContext.runAsNonRoot=true"#.into())
        );
        spec.host_users = Some(false);
        assert!(v1_0(&ObjectMeta::default(), &spec).is_some());
        assert_eq!(v1_35(&ObjectMeta::default(), &spec), None);
    }
}
