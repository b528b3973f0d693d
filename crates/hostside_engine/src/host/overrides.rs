//! `--set KEY=VALUE` overrides of a host profile, field by field.

use super::{ContainerRuntime, HostProfile};
use crate::value::ValueExt;
use serde_json::json;

/// Applies one override; `Err` names what is wrong with it.
pub fn apply_override(profile: &mut HostProfile, assignment: &str) -> Result<(), String> {
    let (key, value) = assignment.split_once('=').ok_or_else(|| format!("`{assignment}`: expected KEY=VALUE"))?;
    let (key, value) = (key.trim(), value.trim());
    match key.split('.').collect::<Vec<_>>().as_slice() {
        ["runtime" | "containerRuntime"] => {
            profile.container_runtime = ContainerRuntime::parse(value)
                .ok_or_else(|| format!("`{assignment}`: the runtime is one of containerd1, containerd2, cri-o"))?;
        }
        ["kubernetesVersion"] => {
            crate::settings::kubernetes_minor(value)
                .ok_or_else(|| format!("`{assignment}`: expected a version like 1.24"))?;
            profile.kubernetes_version = value.to_string();
        }
        ["trustedRegistries"] => {
            profile.trusted_registries =
                value.split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect();
        }
        ["gatekeeper", "version"] => gatekeeper(profile, assignment)?.version = value.to_string(),
        ["gatekeeper", "enforcementAction"] => {
            let action = enforcement_action(value, assignment)?;
            for constraint in &mut gatekeeper(profile, assignment)?.constraints {
                constraint.set_at("/spec/enforcementAction", json!(action));
            }
        }
        ["gatekeeper", name, "enforcementAction"] => {
            let action = enforcement_action(value, assignment)?;
            let constraints = &mut gatekeeper(profile, assignment)?.constraints;
            let constraint = constraints
                .iter_mut()
                .find(|c| c.str_at("/metadata/name") == Some(name))
                .ok_or_else(|| format!("`{assignment}`: the profile has no Gatekeeper constraint named {name}"))?;
            constraint.set_at("/spec/enforcementAction", json!(action));
        }
        ["podSecurityPolicy", "enabled"] if value == "false" => profile.pod_security_policy = None,
        ["gatekeeper", "enabled"] if value == "false" => profile.gatekeeper = None,
        _ if key.starts_with("namespaceLabels.") => {
            let label = &key["namespaceLabels.".len()..];
            if value.is_empty() {
                profile.namespace_labels.remove(label);
            } else {
                profile.namespace_labels.insert(label.to_string(), value.to_string());
            }
        }
        _ => {
            return Err(format!(
                "`{assignment}`: unknown setting {key} (known: runtime, kubernetesVersion, trustedRegistries, gatekeeper.version, gatekeeper.enforcementAction, gatekeeper.<constraint>.enforcementAction, gatekeeper.enabled=false, podSecurityPolicy.enabled=false, namespaceLabels.<label>)"
            ));
        }
    }
    Ok(())
}

fn gatekeeper<'a>(profile: &'a mut HostProfile, assignment: &str) -> Result<&'a mut super::GatekeeperConfig, String> {
    profile.gatekeeper.as_mut().ok_or_else(|| format!("`{assignment}`: the profile has no Gatekeeper"))
}

fn enforcement_action<'a>(value: &'a str, assignment: &str) -> Result<&'a str, String> {
    match value {
        "deny" | "dryrun" | "warn" => Ok(value),
        _ => Err(format!("`{assignment}`: the enforcement action is one of deny, dryrun, warn")),
    }
}
