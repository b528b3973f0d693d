//! The sysctls strategy of a PodSecurityPolicy
//! (`pkg/security/podsecuritypolicy/sysctl/mustmatchpatterns.go`, Kubernetes 1.11–1.24).
//!
//! Each `spec.securityContext.sysctls[i]`, in order:
//! * matching `forbiddenSysctls` (exact, or a `prefix*` pattern):
//!   `pod.spec.securityContext.sysctls[i]: Forbidden: sysctl "<name>" is not allowed`;
//! * on the safe list (exact names) or matching `allowedUnsafeSysctls`: allowed;
//! * otherwise `... Forbidden: unsafe sysctl "<name>" is not allowed`.
//!
//! The safe list is `kernel.shm_rmid_forced`, `net.ipv4.ip_local_port_range`,
//! `net.ipv4.tcp_syncookies`, `net.ipv4.ping_group_range`, plus
//! `net.ipv4.ip_unprivileged_port_start` from 1.22 (when the kubelet made it safe).

use serde_json::Value;

use super::field::{FieldError, index};
use super::pod::string_list;
use crate::admit::resource_quota::go_quote;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Sysctls {
    allowed_unsafe: Vec<String>,
    forbidden: Vec<String>,
}

/// The safe sysctls PSP used at a Kubernetes minor.
pub(crate) fn safe_sysctls(minor: u32) -> Vec<&'static str> {
    let mut safe = vec![
        "kernel.shm_rmid_forced",
        "net.ipv4.ip_local_port_range",
        "net.ipv4.tcp_syncookies",
        "net.ipv4.ping_group_range",
    ];
    if minor >= 22 {
        safe.push("net.ipv4.ip_unprivileged_port_start");
    }
    safe
}

fn matches(patterns: &[String], name: &str) -> bool {
    patterns.iter().any(|p| match p.strip_suffix('*') {
        Some(prefix) => name.starts_with(prefix),
        None => name == p,
    })
}

impl Sysctls {
    pub(crate) fn from_spec(spec: &Value) -> Self {
        Sysctls {
            allowed_unsafe: string_list(spec.get("allowedUnsafeSysctls")).unwrap_or_default(),
            forbidden: string_list(spec.get("forbiddenSysctls")).unwrap_or_default(),
        }
    }

    pub(crate) fn validate(&self, pod: &Value, minor: u32) -> Vec<FieldError> {
        let safe = safe_sysctls(minor);
        let sysctls = pod.pointer("/spec/securityContext/sysctls").and_then(Value::as_array);
        let mut errors = Vec::new();
        for (i, sysctl) in sysctls.into_iter().flatten().enumerate() {
            let name = sysctl.get("name").and_then(Value::as_str).unwrap_or_default();
            let path = index("pod.spec.securityContext.sysctls", i);
            if matches(&self.forbidden, name) {
                errors.push(FieldError::forbidden(path, format!("sysctl {} is not allowed", go_quote(name))));
            } else if safe.contains(&name) || matches(&self.allowed_unsafe, name) {
                continue;
            } else {
                errors.push(FieldError::forbidden(path, format!("unsafe sysctl {} is not allowed", go_quote(name))));
            }
        }
        errors
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn forbidden_safe_and_unsafe() {
        let s =
            Sysctls::from_spec(&json!({"forbiddenSysctls": ["kernel.shm*"], "allowedUnsafeSysctls": ["net.core.*"]}));
        let pod = json!({"spec": {"securityContext": {"sysctls": [
            {"name": "kernel.shm_rmid_forced", "value": "1"},
            {"name": "net.core.somaxconn", "value": "1024"},
            {"name": "vm.max_map_count", "value": "1"},
            {"name": "net.ipv4.ip_unprivileged_port_start", "value": "0"}
        ]}}});
        let errs: Vec<String> = s.validate(&pod, 21).iter().map(FieldError::render).collect();
        assert_eq!(
            errs,
            [
                r#"pod.spec.securityContext.sysctls[0]: Forbidden: sysctl "kernel.shm_rmid_forced" is not allowed"#,
                r#"pod.spec.securityContext.sysctls[2]: Forbidden: unsafe sysctl "vm.max_map_count" is not allowed"#,
                r#"pod.spec.securityContext.sysctls[3]: Forbidden: unsafe sysctl "net.ipv4.ip_unprivileged_port_start" is not allowed"#,
            ]
        );
        assert_eq!(s.validate(&pod, 22).len(), 2);
    }
}
