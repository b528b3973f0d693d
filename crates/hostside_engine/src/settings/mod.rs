//! What the user chose: vcluster version, name, host namespace, and the vcluster
//! configuration (a `vcluster.yaml` for 0.20+, or the Helm values of 0.19), normalised into
//! one [`VclusterConfig`] with the semantics of the modelled version.

mod config;
mod keys;
mod version;

pub use config::{LimitRangePolicy, NetworkPolicyPolicy, QuotaPolicy, SyncToggles, VclusterConfig};
pub use version::VclusterVersion;

use serde::{Deserialize, Serialize};

/// Everything a check needs besides the manifests.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Options {
    pub vcluster_version: VclusterVersion,
    pub vcluster_name: String,
    pub host_namespace: String,
    /// `vcluster.yaml` (0.20+) or Helm values (0.19) text.
    pub vcluster_config: Option<String>,
    /// Number of nodes the virtual cluster sees (DaemonSets get one pod per node).
    pub virtual_nodes: u32,
    /// Seeds every placeholder Kubernetes would draw at random (name suffixes, UIDs, IPs).
    pub seed: u64,
    /// The host cluster's Kubernetes version (`1.33.9`), when known; vcluster adapts some
    /// fields to it (pod-level resources need 1.34).
    pub host_kubernetes_version: Option<String>,
    /// Pins the ClusterIP of vcluster's host Service (pods' `kubernetes` host alias and
    /// `KUBERNETES_*` variables); a seeded placeholder when unset.
    pub vcluster_service_ip: Option<String>,
    /// Pins the ClusterIP of the virtual cluster's DNS Service (pods' nameserver).
    pub dns_service_ip: Option<String>,
    /// The host: a preset name (`compliant-kubernetes-v0.19`…) or a HostProfile YAML
    /// document. Without one, no host admission is simulated.
    pub host: Option<String>,
    /// `KEY=VALUE` overrides of the host profile (`gatekeeper.enforcementAction=dryrun`).
    pub host_overrides: Vec<String>,
    /// YAML of objects that already exist in the host namespace (an allow-all
    /// NetworkPolicy…): Gatekeeper's inventory and the quota's usage see them.
    pub host_objects: Option<String>,
    /// Where the input is applied: inside the virtual cluster (translated by vcluster) or
    /// straight to the host namespace.
    pub target: Target,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Target {
    #[default]
    Virtual,
    Host,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            vcluster_version: VclusterVersion::LATEST,
            vcluster_name: "my-vcluster".into(),
            host_namespace: "vcluster-my-vcluster".into(),
            vcluster_config: None,
            virtual_nodes: 1,
            seed: 0,
            host_kubernetes_version: None,
            vcluster_service_ip: None,
            dns_service_ip: None,
            host: None,
            host_overrides: Vec::new(),
            host_objects: None,
            target: Target::Virtual,
        }
    }
}

/// Name of the source that holds the vcluster configuration in reports.
pub const CONFIG_SOURCE_NAME: &str = "vcluster.yaml";

/// The minor of a Kubernetes version string (`v1.33.9`, `1.34`).
pub fn kubernetes_minor(version: &str) -> Option<u32> {
    let bare = version.trim().trim_start_matches('v');
    let mut parts = bare.split('.');
    match (parts.next(), parts.next()) {
        (Some("1"), Some(minor)) => minor.split(|c: char| !c.is_ascii_digit()).next()?.parse().ok(),
        _ => None,
    }
}
