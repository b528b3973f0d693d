//! `hostPorts` — baseline — revision v1.0 — spec `pod-security.md` §2.5.
//!
//! `ports[*].hostPort` of every visited container must be unset or `0`.

use k8s_openapi::api::core::v1::PodSpec;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::{Check, Forbidden, Revision};
use crate::admit::pod_security::Level;
use crate::admit::pod_security::helpers::{containers_phrase, pluralize, sorted_set, visit_containers};

pub(crate) static CHECK: Check = Check {
    id: "hostPorts",
    level: Level::Baseline,
    revisions: &[Revision { min_minor: 0, check: v1_0, overrides: &[] }],
};

fn v1_0(_metadata: &ObjectMeta, spec: &PodSpec) -> Option<Forbidden> {
    let mut bad_containers = Vec::new();
    let mut ports = Vec::new();
    for c in visit_containers(spec) {
        let mut valid = true;
        for p in c.ports {
            match p.host_port {
                None | Some(0) => {}
                Some(port) => {
                    valid = false;
                    ports.push(port.to_string());
                }
            }
        }
        if !valid {
            bad_containers.push(c.name);
        }
    }
    if bad_containers.is_empty() {
        return None;
    }
    // Distinct ports sorted as strings (so "443" precedes "80").
    let ports = sorted_set(ports);
    Some(Forbidden::new(
        "hostPort",
        format!(
            "{} {} {} {}",
            containers_phrase(&bad_containers),
            pluralize("uses", "use", bad_containers.len()),
            pluralize("hostPort", "hostPorts", ports.len()),
            ports.join(", ")
        ),
    ))
}
