//! The host a vcluster runs on, as a *host profile*: Kubernetes version, container runtime,
//! Pod Security labels of the host namespace, PodSecurityPolicies, Gatekeeper constraints
//! and mutations, objects that already exist in the host namespace, trusted registries, and
//! the Role of vcluster's host ServiceAccount. Built-in presets live in `presets/*.yaml`, in
//! the same format users write (documented in docs/host-profile.md, schema in
//! docs/host-profile.schema.json).

mod overrides;
mod presets;

pub use overrides::apply_override;
pub use presets::{PRESETS, Preset, preset};

use crate::parse::decode::{FieldWarning, decode};
use crate::source::{Source, Span};
use crate::yaml;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

pub const PROFILE_API_VERSION: &str = "hostside.dev/v1alpha1";
pub const PROFILE_KIND: &str = "HostProfile";

/// A profile document: `apiVersion: hostside.dev/v1alpha1`, `kind: HostProfile`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HostProfileDocument {
    pub api_version: String,
    pub kind: String,
    pub metadata: ProfileMetadata,
    pub spec: HostProfile,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProfileMetadata {
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// Where the profile's facts come from (reference sections, upstream files).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<String>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum ContainerRuntime {
    /// containerd 1.6/1.7: ports below 1024 need root or NET_BIND_SERVICE.
    #[serde(rename = "containerd1")]
    Containerd1,
    /// containerd 2.x: sets `net.ipv4.ip_unprivileged_port_start=0` for pods.
    #[default]
    #[serde(rename = "containerd2")]
    Containerd2,
    /// CRI-O: keeps the kernel's port floor.
    #[serde(rename = "cri-o")]
    CriO,
}

impl ContainerRuntime {
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "containerd1" | "containerd-1" | "containerd 1" => Some(ContainerRuntime::Containerd1),
            "containerd2" | "containerd-2" | "containerd 2" | "containerd" => Some(ContainerRuntime::Containerd2),
            "cri-o" | "crio" => Some(ContainerRuntime::CriO),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HostProfile {
    /// The host's Kubernetes version, `1.24` or `1.24.6`.
    pub kubernetes_version: String,
    #[serde(default)]
    pub container_runtime: ContainerRuntime,
    /// Labels of the host namespace vcluster syncs into (Pod Security labels, `owner`…).
    #[serde(default)]
    pub namespace_labels: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pod_security: Option<PodSecurityConfig>,
    /// The PodSecurityPolicy admission plugin (Kubernetes ≤ 1.24).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pod_security_policy: Option<PodSecurityPolicyConfig>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gatekeeper: Option<GatekeeperConfig>,
    /// Objects that already exist in the host namespace (NetworkPolicies, LimitRanges,
    /// ResourceQuotas…): Gatekeeper's inventory and the quota's usage see them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub objects: Vec<Value>,
    /// Registries images may come from (`registry/path` prefixes).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub trusted_registries: Vec<String>,
    /// What vcluster's host ServiceAccount may do in the host namespace (an RBAC Role's
    /// `rules`); absent means the chart's own Role, which allows what vcluster syncs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant_role: Option<Vec<Value>>,
}

impl Default for HostProfile {
    fn default() -> Self {
        HostProfile {
            kubernetes_version: "1.36".into(),
            container_runtime: ContainerRuntime::default(),
            namespace_labels: BTreeMap::new(),
            pod_security: None,
            pod_security_policy: None,
            gatekeeper: None,
            objects: Vec::new(),
            trusted_registries: Vec::new(),
            tenant_role: None,
        }
    }
}

/// The PodSecurity admission plugin's configuration (`AdmissionConfiguration`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PodSecurityConfig {
    /// Cluster defaults for namespaces without labels, as labels (`enforce: baseline`…).
    #[serde(default)]
    pub defaults: BTreeMap<String, String>,
    #[serde(default)]
    pub exemptions: Exemptions,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Exemptions {
    #[serde(default)]
    pub usernames: Vec<String>,
    #[serde(default)]
    pub runtime_classes: Vec<String>,
    #[serde(default)]
    pub namespaces: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PodSecurityPolicyConfig {
    /// `policy/v1beta1` PodSecurityPolicy objects.
    pub policies: Vec<Value>,
    /// Names of the policies vcluster's ServiceAccount (or the pods' ServiceAccount) may `use`.
    pub usable: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GatekeeperConfig {
    /// Gatekeeper's version: message formats and enforcement actions changed at 3.4.
    pub version: String,
    /// Constraint objects (`constraints.gatekeeper.sh`).
    #[serde(default)]
    pub constraints: Vec<Value>,
    /// `mutations.gatekeeper.sh` Assign / AssignMetadata objects.
    #[serde(default)]
    pub mutations: Vec<Value>,
    /// `templates.gatekeeper.sh` ConstraintTemplates (evaluated with Rego).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub constraint_templates: Vec<Value>,
    /// Namespaces labelled `admission.gatekeeper.sh/ignore`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ignored_namespaces: Vec<String>,
}

impl HostProfile {
    /// The host's Kubernetes minor version (`1.24.6` → 24).
    pub fn kubernetes_minor(&self) -> u32 {
        crate::settings::kubernetes_minor(&self.kubernetes_version).unwrap_or(36)
    }
}

/// A profile problem, pointing into the profile text when it came from one.
#[derive(Clone, Debug, PartialEq)]
pub struct ProfileIssue {
    pub message: String,
    pub span: Option<Span>,
    pub is_error: bool,
}

/// Reads a profile document from YAML text (source index `source` for spans).
pub fn parse_profile(source_index: usize, source: &Source) -> (Option<HostProfileDocument>, Vec<ProfileIssue>) {
    let mut issues = Vec::new();
    let documents = yaml::parse_source(source_index, source);
    let root = match documents.into_iter().find(|d| !matches!(d.result, Ok(None))).map(|d| d.result) {
        Some(Ok(Some(root))) => root,
        Some(Err(error)) => {
            issues.push(ProfileIssue {
                message: format!("host profile: {}", error.message),
                span: Some(error.span),
                is_error: true,
            });
            return (None, issues);
        }
        _ => {
            issues.push(ProfileIssue {
                message: "host profile: the document is empty".into(),
                span: None,
                is_error: true,
            });
            return (None, issues);
        }
    };
    let (result, warnings) = decode::<HostProfileDocument>(&root);
    issues.extend(warnings.iter().map(|w: &FieldWarning| ProfileIssue {
        message: format!("host profile: {}", w.message()),
        span: Some(w.span),
        is_error: false,
    }));
    match result {
        Ok(document) => {
            if document.api_version != PROFILE_API_VERSION || document.kind != PROFILE_KIND {
                issues.push(ProfileIssue {
                    message: format!(
                        "host profile: expected apiVersion {PROFILE_API_VERSION} and kind {PROFILE_KIND}, found {} {}",
                        document.api_version, document.kind
                    ),
                    span: Some(root.span),
                    is_error: true,
                });
                return (None, issues);
            }
            (Some(document), issues)
        }
        Err(error) => {
            issues.push(ProfileIssue {
                message: format!("host profile: {} (at {})", error.message, error.path),
                span: Some(error.span),
                is_error: true,
            });
            (None, issues)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_preset_reads_cleanly() {
        for preset in PRESETS {
            let (document, issues) = parse_profile(0, &Source::new(preset.name, preset.text));
            assert!(issues.is_empty(), "{}: {issues:?}", preset.name);
            assert_eq!(document.expect("a profile").metadata.name, preset.name);
        }
    }

    #[test]
    fn the_story_preset_carries_kubesprays_policies() {
        let preset = preset("compliant-kubernetes-v0.19").unwrap();
        let (document, _) = parse_profile(0, &Source::new(preset.name, preset.text));
        let policies = document.unwrap().spec.pod_security_policy.unwrap().policies;
        assert_eq!(policies[0], crate::admit::psp::kubespray_restricted());
        assert_eq!(policies[1], crate::admit::psp::kubespray_privileged());
    }

    #[test]
    fn the_current_preset_carries_compliant_kubernetes_mutations() {
        let preset = preset("compliant-kubernetes").unwrap();
        let (document, _) = parse_profile(0, &Source::new(preset.name, preset.text));
        let mutations = document.unwrap().spec.gatekeeper.unwrap().mutations;
        assert_eq!(mutations, crate::admit::gatekeeper::ck8s::restricted_default_mutations("gatekeeper-system"));
    }

    #[test]
    fn overrides_change_one_field_or_explain_why_not() {
        let preset = preset("compliant-kubernetes-v0.19").unwrap();
        let mut profile = parse_profile(0, &Source::new(preset.name, preset.text)).0.unwrap().spec;
        apply_override(&mut profile, "gatekeeper.enforcementAction=dryrun").unwrap();
        apply_override(&mut profile, "gatekeeper.require-networkpolicy.enforcementAction=warn").unwrap();
        apply_override(&mut profile, "runtime=cri-o").unwrap();
        let actions: Vec<&str> = profile
            .gatekeeper
            .as_ref()
            .unwrap()
            .constraints
            .iter()
            .map(|c| c["spec"]["enforcementAction"].as_str().unwrap())
            .collect();
        assert_eq!(actions, vec!["dryrun", "warn", "dryrun"]);
        assert_eq!(profile.container_runtime, ContainerRuntime::CriO);
        assert!(
            apply_override(&mut profile, "gatekeeper.nope.enforcementAction=deny")
                .unwrap_err()
                .contains("no Gatekeeper constraint named nope")
        );
        assert!(apply_override(&mut profile, "colour=blue").unwrap_err().contains("unknown setting colour"));
    }
}
