//! Host namespace and host port checks of a PodSecurityPolicy (`ValidatePod` and
//! `hasInvalidHostPort` / `hostPortRangesToString` in
//! `pkg/security/podsecuritypolicy/provider.go`), Kubernetes 1.13–1.24.
//!
//! Pod level, in this order: `spec.securityContext.hostNetwork: Invalid value: true: Host network
//! is not allowed to be used`, then `hostPID` (`Host PID ...`), then `hostIPC` (`Host IPC ...`).
//! The paths are those of the internal API, where the three flags live in the pod security context.
//!
//! Per container, each port with a non-zero `hostPort` outside every `hostPorts` range:
//! `<container>.hostPort: Invalid value: <port>: Host port <port> is not allowed to be used.
//! Allowed ports: [<ranges>]` — ranges as `min-max` (or `min` when equal) joined by `,`.

use serde_json::Value;

use super::field::{Bad, FieldError, child};
use super::groups::{Range, ranges};
use super::pod::ContainerRef;

/// The three host namespace flags, pod level.
pub(crate) fn validate_namespaces(spec: &Value, pod: &Value) -> Vec<FieldError> {
    let mut errors = Vec::new();
    for (flag, label) in [("hostNetwork", "Host network"), ("hostPID", "Host PID"), ("hostIPC", "Host IPC")] {
        let allowed = spec.get(flag).and_then(Value::as_bool).unwrap_or(false);
        let used = pod.pointer(&format!("/spec/{flag}")).and_then(Value::as_bool).unwrap_or(false);
        if !allowed && used {
            errors.push(FieldError::invalid(
                format!("spec.securityContext.{flag}"),
                Bad::Bool(true),
                format!("{label} is not allowed to be used"),
            ));
        }
    }
    errors
}

fn host_port_ranges(spec: &Value) -> Vec<Range> {
    ranges(&serde_json::json!({"ranges": spec.get("hostPorts").cloned().unwrap_or(Value::Null)}))
}

fn render_port_ranges(ranges: &[Range]) -> String {
    let items: Vec<String> = ranges
        .iter()
        .map(|r| if r.min == r.max { r.min.to_string() } else { format!("{}-{}", r.min, r.max) })
        .collect();
    items.join(",")
}

/// `hasInvalidHostPort` for one container.
pub(crate) fn validate_ports(spec: &Value, pod: &Value, container: &ContainerRef) -> Vec<FieldError> {
    let ranges = host_port_ranges(spec);
    let ports = pod.pointer(&format!("{}/ports", container.pointer)).and_then(Value::as_array);
    let mut errors = Vec::new();
    for port in ports.into_iter().flatten() {
        let host_port = port.get("hostPort").and_then(Value::as_i64).unwrap_or(0);
        if host_port > 0 && !ranges.iter().any(|r| host_port >= r.min && host_port <= r.max) {
            errors.push(FieldError::invalid(
                child(&container.path, "hostPort"),
                Bad::Int(host_port),
                format!(
                    "Host port {host_port} is not allowed to be used. Allowed ports: [{}]",
                    render_port_ranges(&ranges)
                ),
            ));
        }
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::admit::psp::pod::containers;
    use serde_json::json;

    #[test]
    fn namespaces_in_fixed_order() {
        let pod = json!({"spec": {"hostIPC": true, "hostNetwork": true, "hostPID": false}});
        let errs: Vec<String> = validate_namespaces(&json!({}), &pod).iter().map(FieldError::render).collect();
        assert_eq!(
            errs,
            [
                "spec.securityContext.hostNetwork: Invalid value: true: Host network is not allowed to be used",
                "spec.securityContext.hostIPC: Invalid value: true: Host IPC is not allowed to be used",
            ]
        );
        assert!(validate_namespaces(&json!({"hostNetwork": true, "hostIPC": true}), &pod).is_empty());
    }

    #[test]
    fn ports_and_ranges() {
        let pod = json!({"spec": {"containers": [{"name": "c", "ports": [{"containerPort": 80, "hostPort": 80}, {"containerPort": 9}]}]}});
        let c = &containers(&pod, 24)[0];
        assert_eq!(
            validate_ports(&json!({}), &pod, c)[0].render(),
            "spec.containers[0].hostPort: Invalid value: 80: Host port 80 is not allowed to be used. Allowed ports: []"
        );
        let spec = json!({"hostPorts": [{"min": 8000, "max": 8080}, {"min": 443, "max": 443}]});
        assert_eq!(
            validate_ports(&spec, &pod, c)[0].render(),
            "spec.containers[0].hostPort: Invalid value: 80: Host port 80 is not allowed to be used. Allowed ports: [8000-8080,443]"
        );
        assert!(validate_ports(&json!({"hostPorts": [{"min": 0, "max": 65535}]}), &pod, c).is_empty());
    }
}
