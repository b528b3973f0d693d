//! `hostProbesAndHostLifecycle` — baseline — revision v1.34 — spec `pod-security.md` §2.13.
//!
//! Probe and lifecycle-hook `httpGet.host` / `tcpSocket.host` must be unset or empty.

use k8s_openapi::api::core::v1::{HTTPGetAction, PodSpec, TCPSocketAction};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::{Check, Forbidden, Revision};
use crate::admit::pod_security::Level;
use crate::admit::pod_security::helpers::{join_quote, pluralize, sorted_set, visit_containers};

pub(crate) static CHECK: Check = Check {
    id: "hostProbesAndHostLifecycle",
    level: Level::Baseline,
    revisions: &[Revision { min_minor: 34, check: v1_34, overrides: &[] }],
};

fn push_hosts(hosts: &mut Vec<String>, http_get: Option<&HTTPGetAction>, tcp_socket: Option<&TCPSocketAction>) {
    let http = http_get.and_then(|h| h.host.as_deref());
    let tcp = tcp_socket.and_then(|t| t.host.as_deref());
    for host in [http, tcp].into_iter().flatten() {
        if !host.is_empty() {
            hosts.push(host.to_string());
        }
    }
}

fn v1_34(_metadata: &ObjectMeta, spec: &PodSpec) -> Option<Forbidden> {
    let mut bad_containers = Vec::new();
    let mut all_hosts = Vec::new();
    for c in visit_containers(spec) {
        let mut hosts = Vec::new();
        for probe in [c.liveness_probe, c.readiness_probe, c.startup_probe].into_iter().flatten() {
            push_hosts(&mut hosts, probe.http_get.as_ref(), probe.tcp_socket.as_ref());
        }
        if let Some(lifecycle) = c.lifecycle {
            for handler in [lifecycle.post_start.as_ref(), lifecycle.pre_stop.as_ref()].into_iter().flatten() {
                push_hosts(&mut hosts, handler.http_get.as_ref(), handler.tcp_socket.as_ref());
            }
        }
        if !hosts.is_empty() {
            bad_containers.push(c.name.to_string());
            all_hosts.extend(hosts);
        }
    }
    if bad_containers.is_empty() {
        return None;
    }
    // Unlike every other check, the container names are sorted here.
    let bad_containers = sorted_set(bad_containers);
    let hosts = sorted_set(all_hosts);
    Some(Forbidden::new(
        "probe or lifecycle host",
        format!(
            "{} {} {} {} {}",
            pluralize("container", "containers", bad_containers.len()),
            join_quote(&bad_containers),
            pluralize("uses", "use", bad_containers.len()),
            pluralize("probe or lifecycle host", "probe or lifecycle hosts", hosts.len()),
            join_quote(&hosts)
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::{Container, Lifecycle, LifecycleHandler, Probe};
    use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

    fn http(host: &str) -> Option<HTTPGetAction> {
        Some(HTTPGetAction { host: Some(host.into()), port: IntOrString::Int(80), ..Default::default() })
    }

    fn tcp(host: &str) -> Option<TCPSocketAction> {
        Some(TCPSocketAction { host: Some(host.into()), port: IntOrString::Int(80) })
    }

    #[test]
    fn spec_examples() {
        let spec = PodSpec {
            containers: vec![Container {
                name: "a".into(),
                liveness_probe: Some(Probe {
                    http_get: http("localhost"),
                    tcp_socket: tcp("::1"),
                    ..Default::default()
                }),
                lifecycle: Some(Lifecycle {
                    pre_stop: Some(LifecycleHandler { http_get: http("127.0.0.1"), ..Default::default() }),
                    ..Default::default()
                }),
                ..Default::default()
            }],
            ..Default::default()
        };
        assert_eq!(
            v1_34(&ObjectMeta::default(), &spec).map(|f| f.detail),
            Some(r#"container "a" uses probe or lifecycle hosts "127.0.0.1", "::1", "localhost""#.into())
        );

        let spec = PodSpec {
            containers: vec![
                Container {
                    name: "invalid2".into(),
                    startup_probe: Some(Probe { tcp_socket: tcp("b.com"), ..Default::default() }),
                    ..Default::default()
                },
                Container {
                    name: "invalid1".into(),
                    readiness_probe: Some(Probe { http_get: http("a.com"), ..Default::default() }),
                    ..Default::default()
                },
                Container {
                    name: "ok".into(),
                    readiness_probe: Some(Probe { http_get: http(""), ..Default::default() }),
                    ..Default::default()
                },
            ],
            ..Default::default()
        };
        assert_eq!(
            v1_34(&ObjectMeta::default(), &spec).map(|f| f.detail),
            Some(r#"containers "invalid1", "invalid2" use probe or lifecycle hosts "a.com", "b.com""#.into())
        );
    }
}
