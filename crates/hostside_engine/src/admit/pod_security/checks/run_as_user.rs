//! `runAsUser` — restricted — revisions v1.23, v1.35 — spec `pod-security.md` §2.18.
//!
//! Neither the pod nor any visited container may set `runAsUser: 0`; from v1.35 user-namespaced
//! pods (`spec.hostUsers: false`) are exempt.

use k8s_openapi::api::core::v1::PodSpec;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::{Check, Forbidden, Revision};
use crate::admit::pod_security::Level;
use crate::admit::pod_security::helpers::{containers_phrase, is_user_namespaced_pod, visit_containers};

pub(crate) static CHECK: Check = Check {
    id: "runAsUser",
    level: Level::Restricted,
    revisions: &[
        Revision { min_minor: 23, check: v1_23, overrides: &[] },
        Revision { min_minor: 35, check: v1_35, overrides: &[] },
    ],
};

fn v1_23(_metadata: &ObjectMeta, spec: &PodSpec) -> Option<Forbidden> {
    let mut setters = Vec::new();
    if spec.security_context.as_ref().and_then(|sc| sc.run_as_user) == Some(0) {
        setters.push("pod".to_string());
    }
    let bad: Vec<&str> = visit_containers(spec)
        .filter(|c| c.security_context.and_then(|sc| sc.run_as_user) == Some(0))
        .map(|c| c.name)
        .collect();
    if !bad.is_empty() {
        setters.push(containers_phrase(&bad));
    }
    if setters.is_empty() {
        return None;
    }
    Some(Forbidden::new("runAsUser=0", format!("{} must not set runAsUser=0", setters.join(" and "))))
}

fn v1_35(metadata: &ObjectMeta, spec: &PodSpec) -> Option<Forbidden> {
    if is_user_namespaced_pod(spec) {
        return None;
    }
    v1_23(metadata, spec)
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::{Container, PodSecurityContext, SecurityContext};

    fn container(name: &str, uid: Option<i64>) -> Container {
        Container {
            name: name.into(),
            security_context: Some(SecurityContext { run_as_user: uid, ..Default::default() }),
            ..Default::default()
        }
    }

    #[test]
    fn setters() {
        let mut spec = PodSpec {
            security_context: Some(PodSecurityContext { run_as_user: Some(0), ..Default::default() }),
            containers: vec![container("a", Some(1000))],
            ..Default::default()
        };
        assert_eq!(
            v1_23(&ObjectMeta::default(), &spec),
            Some(Forbidden::new("runAsUser=0", "pod must not set runAsUser=0"))
        );
        spec.containers = vec![container("a", Some(0)), container("b", None), container("c", Some(0))];
        assert_eq!(
            v1_23(&ObjectMeta::default(), &spec).map(|f| f.detail),
            Some(r#"pod and containers "a", "c" must not set runAsUser=0"#.into())
        );
        spec.host_users = Some(false);
        assert_eq!(v1_35(&ObjectMeta::default(), &spec), None);
    }
}
