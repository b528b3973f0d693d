//! `allowPrivilegeEscalation` — restricted — revisions v1.8, v1.25 — spec `pod-security.md`
//! §2.14.
//!
//! Every visited container must set `securityContext.allowPrivilegeEscalation: false`; from v1.25
//! Windows pods (`spec.os.name: windows`) are exempt.

use k8s_openapi::api::core::v1::PodSpec;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::{Check, Forbidden, Revision};
use crate::admit::pod_security::Level;
use crate::admit::pod_security::helpers::{containers_phrase, is_windows_pod, visit_containers};

pub(crate) static CHECK: Check = Check {
    id: "allowPrivilegeEscalation",
    level: Level::Restricted,
    revisions: &[
        Revision { min_minor: 8, check: v1_8, overrides: &[] },
        Revision { min_minor: 25, check: v1_25, overrides: &[] },
    ],
};

fn v1_8(_metadata: &ObjectMeta, spec: &PodSpec) -> Option<Forbidden> {
    let bad: Vec<&str> = visit_containers(spec)
        .filter(|c| c.security_context.and_then(|sc| sc.allow_privilege_escalation) != Some(false))
        .map(|c| c.name)
        .collect();
    if bad.is_empty() {
        return None;
    }
    Some(Forbidden::new(
        "allowPrivilegeEscalation != false",
        format!("{} must set securityContext.allowPrivilegeEscalation=false", containers_phrase(&bad)),
    ))
}

fn v1_25(metadata: &ObjectMeta, spec: &PodSpec) -> Option<Forbidden> {
    if is_windows_pod(spec) {
        return None;
    }
    v1_8(metadata, spec)
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::{Container, PodOS, SecurityContext};

    #[test]
    fn only_explicit_false_passes_and_windows_is_exempt_from_v1_25() {
        let container = |name: &str, ape: Option<bool>| Container {
            name: name.into(),
            security_context: ape
                .map(|v| SecurityContext { allow_privilege_escalation: Some(v), ..Default::default() }),
            ..Default::default()
        };
        let mut spec = PodSpec {
            containers: vec![container("a", Some(false)), container("b", None), container("c", Some(true))],
            ..Default::default()
        };
        let expected = Some(Forbidden::new(
            "allowPrivilegeEscalation != false",
            r#"containers "b", "c" must set securityContext.allowPrivilegeEscalation=false"#,
        ));
        assert_eq!(v1_8(&ObjectMeta::default(), &spec), expected);
        spec.os = Some(PodOS { name: "windows".into() });
        assert_eq!(v1_8(&ObjectMeta::default(), &spec), expected);
        assert_eq!(v1_25(&ObjectMeta::default(), &spec), None);
    }
}
