//! `windowsHostProcess` — baseline — revision v1.0 — spec `pod-security.md` §2.12.
//!
//! `securityContext.windowsOptions.hostProcess` (pod and visited containers) must be unset or
//! `false`.

use k8s_openapi::api::core::v1::PodSpec;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::{Check, Forbidden, Revision};
use crate::admit::pod_security::Level;
use crate::admit::pod_security::helpers::{containers_phrase, visit_containers};

pub(crate) static CHECK: Check = Check {
    id: "windowsHostProcess",
    level: Level::Baseline,
    revisions: &[Revision { min_minor: 0, check: v1_0, overrides: &[] }],
};

fn v1_0(_metadata: &ObjectMeta, spec: &PodSpec) -> Option<Forbidden> {
    let mut setters = Vec::new();
    let pod_host_process =
        spec.security_context.as_ref().and_then(|sc| sc.windows_options.as_ref()).and_then(|w| w.host_process);
    if pod_host_process == Some(true) {
        setters.push("pod".to_string());
    }
    let bad: Vec<&str> = visit_containers(spec)
        .filter(|c| {
            c.security_context.and_then(|sc| sc.windows_options.as_ref()).and_then(|w| w.host_process) == Some(true)
        })
        .map(|c| c.name)
        .collect();
    if !bad.is_empty() {
        setters.push(containers_phrase(&bad));
    }
    if setters.is_empty() {
        return None;
    }
    Some(Forbidden::new(
        "hostProcess",
        format!("{} must not set securityContext.windowsOptions.hostProcess=true", setters.join(" and ")),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::{Container, PodSecurityContext, SecurityContext, WindowsSecurityContextOptions};

    fn host_process(v: bool) -> Option<WindowsSecurityContextOptions> {
        Some(WindowsSecurityContextOptions { host_process: Some(v), ..Default::default() })
    }

    #[test]
    fn setters() {
        let container = |name: &str, v: bool| Container {
            name: name.into(),
            security_context: Some(SecurityContext { windows_options: host_process(v), ..Default::default() }),
            ..Default::default()
        };
        let spec = PodSpec {
            security_context: Some(PodSecurityContext { windows_options: host_process(true), ..Default::default() }),
            init_containers: Some(vec![container("i", true)]),
            containers: vec![container("a", false), container("b", true)],
            ..Default::default()
        };
        assert_eq!(
            v1_0(&ObjectMeta::default(), &spec),
            Some(Forbidden::new(
                "hostProcess",
                r#"pod and containers "i", "b" must not set securityContext.windowsOptions.hostProcess=true"#
            ))
        );
    }
}
