//! The vcluster configuration, read from `vcluster.yaml` (v0.20+) or the Helm values and
//! syncer flags of v0.19, normalised to one structure (vcluster-translation.md §3.13, §4.1, §5).

use super::VclusterVersion;
use super::keys;
use crate::source::Span;
use crate::yaml::{Node, NodeKind};
use serde_json::Value;
use std::collections::BTreeMap;

/// Which kinds vcluster writes to the host (vcluster-translation.md §4.1, defaults of each era).
#[derive(Clone, Debug, PartialEq)]
pub struct SyncToggles {
    pub pods: bool,
    pub services: bool,
    pub endpoints: bool,
    pub endpoint_slices: bool,
    pub config_maps: bool,
    pub config_maps_all: bool,
    pub secrets: bool,
    pub secrets_all: bool,
    pub persistent_volume_claims: bool,
    pub ingresses: bool,
    pub network_policies: bool,
    pub pod_disruption_budgets: bool,
    pub service_accounts: bool,
    pub priority_classes_to_host: bool,
    pub priority_classes_from_host: bool,
    pub storage_classes_to_host: bool,
    pub persistent_volumes_to_host: bool,
}

impl SyncToggles {
    fn defaults(version: VclusterVersion) -> Self {
        SyncToggles {
            pods: true,
            services: true,
            endpoints: true,
            endpoint_slices: version.at_least(30),
            config_maps: true,
            config_maps_all: false,
            secrets: true,
            secrets_all: false,
            persistent_volume_claims: true,
            ingresses: false,
            network_policies: false,
            pod_disruption_budgets: false,
            service_accounts: false,
            priority_classes_to_host: false,
            priority_classes_from_host: false,
            storage_classes_to_host: false,
            persistent_volumes_to_host: false,
        }
    }
}

/// `policies.resourceQuota` / v0.19 `isolation.resourceQuota` (§5.2).
#[derive(Clone, Debug, PartialEq)]
pub struct QuotaPolicy {
    pub enabled: bool,
    pub quota: BTreeMap<String, String>,
    pub scopes: Vec<Value>,
    pub scope_match_expressions: Vec<Value>,
    pub labels: BTreeMap<String, String>,
    pub annotations: BTreeMap<String, String>,
}

/// `policies.limitRange` / v0.19 `isolation.limitRange` (§5.3).
#[derive(Clone, Debug, PartialEq)]
pub struct LimitRangePolicy {
    pub enabled: bool,
    pub default: BTreeMap<String, String>,
    pub default_request: BTreeMap<String, String>,
    pub min: BTreeMap<String, String>,
    pub max: BTreeMap<String, String>,
    pub labels: BTreeMap<String, String>,
    pub annotations: BTreeMap<String, String>,
}

/// `policies.networkPolicy` / v0.19 `isolation.networkPolicy` (§5.4).
#[derive(Clone, Debug, PartialEq)]
pub struct NetworkPolicyPolicy {
    pub enabled: bool,
    /// v0.19–v0.30 `outgoingConnections.ipBlock`, v0.31+ `workload.publicEgress`.
    pub egress_cidr: String,
    pub egress_except: Vec<String>,
    pub public_egress: bool,
    /// v0.20–v0.30 `outgoingConnections.platform`.
    pub platform: bool,
    pub workload_egress: Vec<Value>,
    pub workload_ingress: Vec<Value>,
    pub control_plane_egress: Vec<Value>,
    pub control_plane_ingress: Vec<Value>,
    pub labels: BTreeMap<String, String>,
    pub annotations: BTreeMap<String, String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct VclusterConfig {
    /// `vcluster.yaml` or `helm-values`, when a configuration was given.
    pub format: Option<&'static str>,
    pub sync: SyncToggles,
    pub translate_image: BTreeMap<String, String>,
    pub enforce_tolerations: Vec<String>,
    pub use_secrets_for_sa_tokens: bool,
    pub rewrite_hosts: bool,
    /// The hosts-rewrite init container image, already rendered (§3.10).
    pub rewrite_hosts_image: String,
    pub rewrite_hosts_resources: Value,
    pub runtime_class_name: String,
    pub priority_class_name: String,
    pub node_selector: BTreeMap<String, String>,
    pub virtual_scheduler: bool,
    pub workload_service_account: String,
    pub set_owner: bool,
    pub cluster_domain: String,
    /// v0.19/v0.20 only: labels also kept verbatim next to their hashed copy.
    pub sync_labels: Vec<String>,
    pub host_path_mapper: bool,
    pub default_image_registry: String,
    /// `policies.podSecurityStandard` (v0.19: `isolation.podSecurityStandard` when isolation is on).
    pub pod_security_standard: Option<String>,
    pub resource_quota: QuotaPolicy,
    pub limit_range: LimitRangePolicy,
    pub network_policy: NetworkPolicyPolicy,
    pub multi_namespace: bool,
    /// v0.19 `--target-namespace` / v0.20 `experimental.syncSettings.targetNamespace`.
    pub target_namespace: Option<String>,
    /// v0.19 `isolation.namespace`: where the isolation objects go.
    pub isolation_namespace: Option<String>,
    pub global_annotations: BTreeMap<String, String>,
    /// Enterprise `sync.toHost.pods.patches`: the OSS syncer refuses to sync with them.
    pub pod_patches: bool,
}

/// A problem with the configuration text, pointing into it.
#[derive(Clone, Debug, PartialEq)]
pub struct ConfigIssue {
    pub message: String,
    pub span: Option<Span>,
    pub is_error: bool,
}

fn string_map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

impl VclusterConfig {
    /// The chart's defaults for the modelled version (no configuration given).
    pub fn defaults(version: VclusterVersion, name: &str) -> Self {
        let quota = string_map(&[
            ("requests.cpu", "10"),
            ("requests.memory", "20Gi"),
            ("requests.storage", "100Gi"),
            ("requests.ephemeral-storage", "60Gi"),
            ("limits.cpu", "20"),
            ("limits.memory", "40Gi"),
            ("limits.ephemeral-storage", "160Gi"),
            ("services.nodeports", "0"),
            ("services.loadbalancers", "1"),
            ("count/endpoints", "40"),
            ("count/pods", "20"),
            ("count/services", "20"),
            ("count/secrets", "100"),
            ("count/configmaps", "100"),
            ("count/persistentvolumeclaims", "20"),
        ]);
        VclusterConfig {
            format: None,
            sync: SyncToggles::defaults(version),
            translate_image: BTreeMap::new(),
            enforce_tolerations: Vec::new(),
            use_secrets_for_sa_tokens: false,
            rewrite_hosts: true,
            // §3.10: v0.27+ renders registry/repository:tag with registry mirror.gcr.io;
            // v0.20–v0.26 used `library/alpine:3.20`; v0.19 `library/alpine:3.13.1`.
            rewrite_hosts_image: if version.at_least(27) {
                "mirror.gcr.io/library/alpine:3.20".into()
            } else if version.at_least(20) {
                "library/alpine:3.20".into()
            } else {
                "library/alpine:3.13.1".into()
            },
            rewrite_hosts_resources: serde_json::json!({
                "limits": {"cpu": "30m", "memory": "64Mi"},
                "requests": {"cpu": "30m", "memory": "64Mi"},
            }),
            runtime_class_name: String::new(),
            priority_class_name: String::new(),
            node_selector: BTreeMap::new(),
            virtual_scheduler: false,
            workload_service_account: format!("vc-workload-{name}"),
            set_owner: true,
            cluster_domain: "cluster.local".into(),
            sync_labels: Vec::new(),
            host_path_mapper: false,
            default_image_registry: String::new(),
            pod_security_standard: None,
            resource_quota: QuotaPolicy {
                enabled: false,
                quota,
                scopes: Vec::new(),
                scope_match_expressions: Vec::new(),
                labels: BTreeMap::new(),
                annotations: BTreeMap::new(),
            },
            limit_range: LimitRangePolicy {
                enabled: false,
                default: string_map(&[("ephemeral-storage", "8Gi"), ("memory", "512Mi"), ("cpu", "1")]),
                default_request: string_map(&[("ephemeral-storage", "3Gi"), ("memory", "128Mi"), ("cpu", "100m")]),
                min: BTreeMap::new(),
                max: BTreeMap::new(),
                labels: BTreeMap::new(),
                annotations: BTreeMap::new(),
            },
            network_policy: NetworkPolicyPolicy {
                enabled: false,
                egress_cidr: "0.0.0.0/0".into(),
                egress_except: ["100.64.0.0/10", "127.0.0.0/8", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"]
                    .map(String::from)
                    .to_vec(),
                public_egress: true,
                platform: false,
                workload_egress: Vec::new(),
                workload_ingress: Vec::new(),
                control_plane_egress: Vec::new(),
                control_plane_ingress: Vec::new(),
                labels: BTreeMap::new(),
                annotations: BTreeMap::new(),
            },
            multi_namespace: false,
            target_namespace: None,
            isolation_namespace: None,
            global_annotations: BTreeMap::new(),
            pod_patches: false,
        }
    }

    /// Reads a configuration document. Problems become issues; what can be read is used.
    pub fn from_node(root: &Node, version: VclusterVersion, name: &str) -> (Self, Vec<ConfigIssue>) {
        let mut config = VclusterConfig::defaults(version, name);
        let mut reader = Reader { issues: Vec::new() };
        if root.is_null() {
            return (config, reader.issues);
        }
        if root.as_map().is_none() {
            reader.error(root, "the vcluster configuration must be a mapping of keys".into());
            return (config, reader.issues);
        }
        let helm_values = looks_like_helm_values(root);
        if helm_values {
            config.format = Some("helm-values");
            if version.uses_vcluster_yaml() {
                reader.warn(
                    root,
                    format!(
                        "vcluster {version} reads vcluster.yaml, not the Helm values of v0.19; Hostside converted them as `vcluster convert config` would"
                    ),
                );
            }
            read_helm_values(&mut config, &mut reader, root, version, name);
            keys::check_unknown(root, keys::Format::HelmValues019, &mut reader.issues);
        } else {
            config.format = Some("vcluster.yaml");
            if !version.uses_vcluster_yaml() {
                reader.warn(
                    root,
                    "vcluster 0.19 is configured with Helm values; Hostside read these vcluster.yaml keys with their 0.19 meaning".into(),
                );
            }
            read_vcluster_yaml(&mut config, &mut reader, root, version, name);
            let format =
                if version.at_least(21) { keys::Format::VclusterYamlLatest } else { keys::Format::VclusterYaml020 };
            keys::check_unknown(root, format, &mut reader.issues);
        }
        (config, reader.issues)
    }

    /// `policies.resourceQuota.enabled: auto` / `limitRange.enabled: auto` (§5.2, §5.3).
    fn resolve_auto(&mut self, quota: Tristate, limit_range: Tristate) {
        let any_on = quota == Tristate::On || limit_range == Tristate::On;
        self.resource_quota.enabled = any_on && quota != Tristate::Off;
        self.limit_range.enabled = any_on && limit_range != Tristate::Off;
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tristate {
    On,
    Off,
    Auto,
}

/// v0.19 Helm values are recognised by keys that vcluster.yaml does not have.
fn looks_like_helm_values(root: &Node) -> bool {
    const HELM_ONLY: &[&str] = &[
        "isolation",
        "syncer",
        "vcluster",
        "multiNamespaceMode",
        "defaultImageRegistry",
        "fallbackHostDns",
        "mapServices",
        "coredns",
        "hostpathMapper",
        "enableHA",
    ];
    const YAML_ONLY: &[&str] =
        &["controlPlane", "policies", "experimental", "networking", "exportKubeConfig", "integrations", "privateNodes"];
    let top = |names: &[&str]| names.iter().any(|k| root.get(k).is_some());
    if top(YAML_ONLY) {
        return false;
    }
    if top(HELM_ONLY) {
        return true;
    }
    // `sync.pods.enabled` (0.19) versus `sync.toHost.pods.enabled` (0.20+).
    root.get("sync").is_some_and(|sync| {
        sync.get("toHost").is_none() && sync.get("fromHost").is_none() && sync.as_map().is_some_and(|m| !m.is_empty())
    })
}

struct Reader {
    issues: Vec<ConfigIssue>,
}

impl Reader {
    fn warn(&mut self, node: &Node, message: String) {
        self.issues.push(ConfigIssue { message, span: Some(node.span), is_error: false });
    }

    fn error(&mut self, node: &Node, message: String) {
        self.issues.push(ConfigIssue { message, span: Some(node.span), is_error: true });
    }

    fn bool(&mut self, root: &Node, path: &str) -> Option<bool> {
        let node = lookup(root, path)?;
        match &node.kind {
            NodeKind::Bool(b) => Some(*b),
            NodeKind::Null => None,
            NodeKind::Str(s) if s == "true" || s == "false" => Some(s == "true"),
            _ => {
                self.error(node, format!("{path}: expected true or false, got {}", describe(node)));
                None
            }
        }
    }

    fn tristate(&mut self, root: &Node, path: &str) -> Tristate {
        match lookup(root, path).map(|n| &n.kind) {
            Some(NodeKind::Bool(true)) => Tristate::On,
            Some(NodeKind::Bool(false)) => Tristate::Off,
            Some(NodeKind::Str(s)) if s == "true" => Tristate::On,
            Some(NodeKind::Str(s)) if s == "false" => Tristate::Off,
            Some(NodeKind::Str(s)) if s == "auto" => Tristate::Auto,
            None | Some(NodeKind::Null) => Tristate::Auto,
            Some(_) => {
                let node = lookup(root, path).expect("present");
                self.error(node, format!("{path}: expected true, false or auto, got {}", describe(node)));
                Tristate::Auto
            }
        }
    }

    fn string(&mut self, root: &Node, path: &str) -> Option<String> {
        let node = lookup(root, path)?;
        match scalar_text(node) {
            Some(text) => Some(text),
            None if node.is_null() => None,
            None => {
                self.error(node, format!("{path}: expected a string, got {}", describe(node)));
                None
            }
        }
    }

    fn string_map(&mut self, root: &Node, path: &str) -> Option<BTreeMap<String, String>> {
        let node = lookup(root, path)?;
        if node.is_null() {
            return None;
        }
        let Some(entries) = node.as_map() else {
            self.error(node, format!("{path}: expected a mapping, got {}", describe(node)));
            return None;
        };
        let mut map = BTreeMap::new();
        for (key, value) in entries {
            match scalar_text(value) {
                Some(text) => {
                    map.insert(key.as_str().unwrap_or_default().to_string(), text);
                }
                None => self.error(
                    value,
                    format!("{path}.{}: expected a string, got {}", key.as_str().unwrap_or_default(), describe(value)),
                ),
            }
        }
        Some(map)
    }

    fn list(&mut self, root: &Node, path: &str) -> Option<Vec<Value>> {
        let node = lookup(root, path)?;
        match &node.kind {
            NodeKind::Null => None,
            NodeKind::Seq(items) => Some(items.iter().map(Node::to_json).collect()),
            _ => {
                self.error(node, format!("{path}: expected a list, got {}", describe(node)));
                None
            }
        }
    }

    fn string_list(&mut self, root: &Node, path: &str) -> Option<Vec<String>> {
        let node = lookup(root, path)?;
        match &node.kind {
            NodeKind::Null => None,
            NodeKind::Seq(items) => Some(items.iter().filter_map(scalar_text).collect()),
            // Some vcluster options also accept one comma-separated string.
            NodeKind::Str(s) => Some(s.split(',').map(|p| p.trim().to_string()).filter(|p| !p.is_empty()).collect()),
            _ => {
                self.error(node, format!("{path}: expected a list of strings, got {}", describe(node)));
                None
            }
        }
    }
}

fn describe(node: &Node) -> String {
    match &node.kind {
        NodeKind::Str(s) => format!("\"{s}\""),
        NodeKind::Seq(_) => "a list".into(),
        NodeKind::Map(_) => "a mapping".into(),
        _ => node.to_json().to_string(),
    }
}

/// The text of a scalar as Helm's `quote` would print it.
fn scalar_text(node: &Node) -> Option<String> {
    match &node.kind {
        NodeKind::Str(s) => Some(s.clone()),
        NodeKind::Bool(_) | NodeKind::Int(_) | NodeKind::UInt(_) | NodeKind::Float(_) => {
            Some(node.to_json().to_string())
        }
        _ => None,
    }
}

/// Dotted lookup; `a\.b` escapes a dot inside a key.
pub(super) fn lookup<'n>(root: &'n Node, path: &str) -> Option<&'n Node> {
    let mut node = root;
    for key in split_key_path(path) {
        node = node.get(&key)?;
    }
    Some(node)
}

pub(super) fn split_key_path(path: &str) -> Vec<String> {
    let mut keys = vec![String::new()];
    let mut chars = path.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'.') => {
                keys.last_mut().expect("non-empty").push('.');
                chars.next();
            }
            '.' => keys.push(String::new()),
            c => keys.last_mut().expect("non-empty").push(c),
        }
    }
    keys
}

/// A configuration key and the sync switch it sets.
type Toggle = (&'static str, fn(&mut SyncToggles) -> &mut bool);

fn read_vcluster_yaml(config: &mut VclusterConfig, r: &mut Reader, root: &Node, version: VclusterVersion, name: &str) {
    let toggles: [Toggle; 15] = [
        ("sync.toHost.pods.enabled", |s| &mut s.pods),
        ("sync.toHost.services.enabled", |s| &mut s.services),
        ("sync.toHost.endpoints.enabled", |s| &mut s.endpoints),
        ("sync.toHost.endpointSlices.enabled", |s| &mut s.endpoint_slices),
        ("sync.toHost.configMaps.enabled", |s| &mut s.config_maps),
        ("sync.toHost.configMaps.all", |s| &mut s.config_maps_all),
        ("sync.toHost.secrets.enabled", |s| &mut s.secrets),
        ("sync.toHost.secrets.all", |s| &mut s.secrets_all),
        ("sync.toHost.persistentVolumeClaims.enabled", |s| &mut s.persistent_volume_claims),
        ("sync.toHost.ingresses.enabled", |s| &mut s.ingresses),
        ("sync.toHost.networkPolicies.enabled", |s| &mut s.network_policies),
        ("sync.toHost.podDisruptionBudgets.enabled", |s| &mut s.pod_disruption_budgets),
        ("sync.toHost.serviceAccounts.enabled", |s| &mut s.service_accounts),
        ("sync.toHost.priorityClasses.enabled", |s| &mut s.priority_classes_to_host),
        ("sync.fromHost.priorityClasses.enabled", |s| &mut s.priority_classes_from_host),
    ];
    for (path, field) in toggles {
        if let Some(value) = r.bool(root, path) {
            *field(&mut config.sync) = value;
        }
    }
    if let Some(v) = r.bool(root, "sync.toHost.storageClasses.enabled") {
        config.sync.storage_classes_to_host = v;
    }
    if let Some(v) = r.bool(root, "sync.toHost.persistentVolumes.enabled") {
        config.sync.persistent_volumes_to_host = v;
    }
    if version.minor() < 30 {
        config.sync.endpoint_slices = false;
    }

    let pods = "sync.toHost.pods";
    if let Some(map) = r.string_map(root, &format!("{pods}.translateImage")) {
        config.translate_image = map;
    }
    if let Some(list) = r.string_list(root, &format!("{pods}.enforceTolerations")) {
        config.enforce_tolerations = list;
    }
    if let Some(v) = r.bool(root, &format!("{pods}.useSecretsForSATokens")) {
        config.use_secrets_for_sa_tokens = v;
    }
    if let Some(v) = r.bool(root, &format!("{pods}.rewriteHosts.enabled")) {
        config.rewrite_hosts = v;
    }
    let image_path = format!("{pods}.rewriteHosts.initContainer.image");
    let default_registry = r.string(root, "controlPlane.advanced.defaultImageRegistry").unwrap_or_default();
    config.default_image_registry = default_registry.clone();
    config.rewrite_hosts_image = render_rewrite_hosts_image(r, root, &image_path, version, &default_registry);
    if let Some(resources) =
        lookup(root, &format!("{pods}.rewriteHosts.initContainer.resources")).filter(|n| !n.is_null())
    {
        config.rewrite_hosts_resources = resources.to_json();
    }
    if version.at_least(23) {
        config.runtime_class_name = r.string(root, &format!("{pods}.runtimeClassName")).unwrap_or_default();
        config.priority_class_name = r.string(root, &format!("{pods}.priorityClassName")).unwrap_or_default();
    }
    config.pod_patches = lookup(root, &format!("{pods}.patches")).and_then(Node::as_seq).is_some_and(|p| !p.is_empty());

    if let Some(map) = r.string_map(root, "sync.fromHost.nodes.selector.labels") {
        config.node_selector = map;
    }
    config.virtual_scheduler = r.bool(root, "controlPlane.distro.k8s.scheduler.enabled").unwrap_or(false)
        || r.bool(root, "controlPlane.advanced.virtualScheduler.enabled").unwrap_or(false);
    if let Some(sa) = r.string(root, "controlPlane.advanced.workloadServiceAccount.name").filter(|s| !s.is_empty()) {
        config.workload_service_account = sa;
    } else {
        config.workload_service_account = format!("vc-workload-{name}");
    }
    if let Some(v) = r.bool(root, "experimental.syncSettings.setOwner") {
        config.set_owner = v;
    }
    if let Some(domain) = r.string(root, "networking.advanced.clusterDomain") {
        config.cluster_domain = domain;
    }
    if !version.at_least(21) {
        if let Some(labels) = r.string_list(root, "experimental.syncSettings.syncLabels") {
            config.sync_labels = labels;
        }
        config.target_namespace = r.string(root, "experimental.syncSettings.targetNamespace").filter(|s| !s.is_empty());
    }
    if let Some(v) = r.bool(root, "controlPlane.hostPathMapper.enabled") {
        let central = r.bool(root, "controlPlane.hostPathMapper.central").unwrap_or(false);
        config.host_path_mapper = v && !central;
    }
    if let Some(map) = r.string_map(root, "controlPlane.advanced.globalMetadata.annotations") {
        config.global_annotations = map;
    }
    if let Some(level) = r.string(root, "policies.podSecurityStandard") {
        match level.as_str() {
            "" => {}
            "privileged" | "baseline" | "restricted" => config.pod_security_standard = Some(level),
            other => {
                let node = lookup(root, "policies.podSecurityStandard").expect("present");
                r.error(node, format!("invalid argument \"{other}\" for policies.podSecurityStandard: must be one of privileged, baseline, restricted"));
            }
        }
    }
    if version.minor() <= 25 {
        config.multi_namespace = r.bool(root, "experimental.multiNamespaceMode.enabled").unwrap_or(false);
    } else if let Some(node) =
        lookup(root, "sync.toHost.namespaces.enabled").filter(|n| matches!(n.kind, NodeKind::Bool(true)))
    {
        r.warn(node, "sync.toHost.namespaces is a vCluster Enterprise feature whose code is not public; Hostside models single-namespace mode".into());
    }

    let quota_state = r.tristate(root, "policies.resourceQuota.enabled");
    let limit_state = r.tristate(root, "policies.limitRange.enabled");
    read_quota(config, r, root, "policies.resourceQuota");
    read_limit_range(config, r, root, "policies.limitRange");
    config.resolve_auto(quota_state, limit_state);

    let np = "policies.networkPolicy";
    config.network_policy.enabled = r.bool(root, &format!("{np}.enabled")).unwrap_or(false);
    read_string_maps(r, root, np, &mut config.network_policy.labels, &mut config.network_policy.annotations);
    if version.at_least(31) {
        let egress = format!("{np}.workload.publicEgress");
        if let Some(v) = r.bool(root, &format!("{egress}.enabled")) {
            config.network_policy.public_egress = v;
        }
        if let Some(cidr) = r.string(root, &format!("{egress}.cidr")) {
            config.network_policy.egress_cidr = cidr;
        }
        if let Some(except) = r.string_list(root, &format!("{egress}.except")) {
            config.network_policy.egress_except = except;
        }
        let rules = [
            ("workload.egress", &mut config.network_policy.workload_egress),
            ("workload.ingress", &mut config.network_policy.workload_ingress),
            ("controlPlane.egress", &mut config.network_policy.control_plane_egress),
            ("controlPlane.ingress", &mut config.network_policy.control_plane_ingress),
        ];
        for (key, target) in rules {
            if let Some(list) = r.list(root, &format!("{np}.{key}")) {
                *target = list;
            }
        }
    } else {
        let block = format!("{np}.outgoingConnections.ipBlock");
        if let Some(cidr) = r.string(root, &format!("{block}.cidr")) {
            config.network_policy.egress_cidr = cidr;
        }
        if let Some(except) = r.string_list(root, &format!("{block}.except")) {
            config.network_policy.egress_except = except;
        }
        config.network_policy.platform = r.bool(root, &format!("{np}.outgoingConnections.platform")).unwrap_or(false);
    }
}

/// §3.10: v0.19 concatenates registry and image; v0.20–v0.26 prefix `defaultImageRegistry/`;
/// v0.27+ render `registry/repository:tag` with the registry overridable.
fn render_rewrite_hosts_image(
    r: &mut Reader,
    root: &Node,
    path: &str,
    version: VclusterVersion,
    default_registry: &str,
) -> String {
    let node = lookup(root, path).filter(|n| !n.is_null());
    if version.at_least(27) {
        let (mut registry, mut repository, mut tag) =
            ("mirror.gcr.io".to_string(), "library/alpine".to_string(), "3.20".to_string());
        match node.map(|n| &n.kind) {
            Some(NodeKind::Map(_)) => {
                let n = node.expect("present");
                if let Some(v) = r.string(n, "registry") {
                    registry = v;
                }
                if let Some(v) = r.string(n, "repository") {
                    repository = v;
                }
                if let Some(v) = r.string(n, "tag") {
                    tag = v;
                }
            }
            Some(NodeKind::Str(s)) => return s.clone(),
            _ => {}
        }
        if !default_registry.is_empty() {
            registry = default_registry.to_string();
        }
        if registry.is_empty() {
            registry = "docker.io".into();
        }
        format!("{registry}/{repository}:{tag}")
    } else {
        let image = node.and_then(scalar_text).unwrap_or_else(|| "library/alpine:3.20".into());
        if default_registry.is_empty() { image } else { format!("{}/{image}", default_registry.trim_end_matches('/')) }
    }
}

fn read_string_maps(
    r: &mut Reader,
    root: &Node,
    prefix: &str,
    labels: &mut BTreeMap<String, String>,
    annotations: &mut BTreeMap<String, String>,
) {
    if let Some(map) = r.string_map(root, &format!("{prefix}.labels")) {
        *labels = map;
    }
    if let Some(map) = r.string_map(root, &format!("{prefix}.annotations")) {
        *annotations = map;
    }
}

fn read_quota(config: &mut VclusterConfig, r: &mut Reader, root: &Node, prefix: &str) {
    if let Some(map) = r.string_map(root, &format!("{prefix}.quota")) {
        config.resource_quota.quota = map;
    }
    if let Some(list) = r.list(root, &format!("{prefix}.scopes")) {
        config.resource_quota.scopes = list;
    }
    if let Some(list) = r.list(root, &format!("{prefix}.scopeSelector.matchExpressions")) {
        config.resource_quota.scope_match_expressions = list;
    }
    read_string_maps(r, root, prefix, &mut config.resource_quota.labels, &mut config.resource_quota.annotations);
}

fn read_limit_range(config: &mut VclusterConfig, r: &mut Reader, root: &Node, prefix: &str) {
    let lr = &mut config.limit_range;
    for (key, target) in [
        ("default", &mut lr.default),
        ("defaultRequest", &mut lr.default_request),
        ("min", &mut lr.min),
        ("max", &mut lr.max),
    ] {
        if let Some(map) = r.string_map(root, &format!("{prefix}.{key}")) {
            *target = map;
        }
    }
    read_string_maps(r, root, prefix, &mut lr.labels, &mut lr.annotations);
}

fn read_helm_values(config: &mut VclusterConfig, r: &mut Reader, root: &Node, version: VclusterVersion, name: &str) {
    let toggles: [Toggle; 15] = [
        ("sync.pods.enabled", |s| &mut s.pods),
        ("sync.services.enabled", |s| &mut s.services),
        ("sync.endpoints.enabled", |s| &mut s.endpoints),
        ("sync.configmaps.enabled", |s| &mut s.config_maps),
        ("sync.configmaps.all", |s| &mut s.config_maps_all),
        ("sync.secrets.enabled", |s| &mut s.secrets),
        ("sync.secrets.all", |s| &mut s.secrets_all),
        ("sync.persistentvolumeclaims.enabled", |s| &mut s.persistent_volume_claims),
        ("sync.ingresses.enabled", |s| &mut s.ingresses),
        ("sync.networkpolicies.enabled", |s| &mut s.network_policies),
        ("sync.poddisruptionbudgets.enabled", |s| &mut s.pod_disruption_budgets),
        ("sync.serviceaccounts.enabled", |s| &mut s.service_accounts),
        ("sync.priorityclasses.enabled", |s| &mut s.priority_classes_to_host),
        ("sync.storageclasses.enabled", |s| &mut s.storage_classes_to_host),
        ("sync.persistentvolumes.enabled", |s| &mut s.persistent_volumes_to_host),
    ];
    for (path, field) in toggles {
        if let Some(value) = r.bool(root, path) {
            *field(&mut config.sync) = value;
        }
    }
    config.sync.endpoint_slices = false;
    config.workload_service_account = format!("vc-workload-{name}");
    if let Some(selector) = r.string(root, "sync.nodes.nodeSelector") {
        config.node_selector = parse_selector_flag(&selector);
    }
    config.virtual_scheduler = r.bool(root, "sync.nodes.enableScheduler").unwrap_or(false);
    config.multi_namespace = r.bool(root, "multiNamespaceMode.enabled").unwrap_or(false);
    config.default_image_registry = r.string(root, "defaultImageRegistry").unwrap_or_default();
    config.host_path_mapper = r.bool(root, "hostpathMapper.enabled").unwrap_or(false);
    config.rewrite_hosts_image = format!("{}library/alpine:3.13.1", config.default_image_registry);
    if let Some(map) = r.string_map(root, "globalAnnotations") {
        config.global_annotations = map;
    }

    // isolation.* (v0.19 chart): one switch turns on PSS, quota, limit range and policies.
    let isolation = r.bool(root, "isolation.enabled").unwrap_or(false);
    config.isolation_namespace = r.string(root, "isolation.namespace").filter(|s| !s.is_empty());
    if isolation {
        let level = r.string(root, "isolation.podSecurityStandard").unwrap_or_else(|| "baseline".into());
        config.pod_security_standard = if level.is_empty() { Some("baseline".into()) } else { Some(level) };
        config.resource_quota.enabled = r.bool(root, "isolation.resourceQuota.enabled").unwrap_or(true);
        config.limit_range.enabled = r.bool(root, "isolation.limitRange.enabled").unwrap_or(true);
        config.network_policy.enabled = r.bool(root, "isolation.networkPolicy.enabled").unwrap_or(true);
    }
    read_quota(config, r, root, "isolation.resourceQuota");
    read_limit_range(config, r, root, "isolation.limitRange");
    let block = "isolation.networkPolicy.outgoingConnections.ipBlock";
    if let Some(cidr) = r.string(root, &format!("{block}.cidr")) {
        config.network_policy.egress_cidr = cidr;
    }
    if let Some(except) = r.string_list(root, &format!("{block}.except")) {
        config.network_policy.egress_except = except;
    }

    if let Some(args) = lookup(root, "syncer.extraArgs") {
        read_syncer_flags(config, r, args, version);
    }
}

/// `a=b,c=d` (the syncer's `--node-selector` format).
fn parse_selector_flag(text: &str) -> BTreeMap<String, String> {
    text.split(',')
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect()
}

/// The v0.19 syncer flags users pass through `syncer.extraArgs` (§3.13).
fn read_syncer_flags(config: &mut VclusterConfig, r: &mut Reader, args: &Node, version: VclusterVersion) {
    let Some(items) = args.as_seq() else {
        if !args.is_null() {
            r.error(args, "syncer.extraArgs: expected a list of flags".into());
        }
        return;
    };
    for item in items {
        let Some(flag) = item.as_str() else { continue };
        let (name, value) = match flag.split_once('=') {
            Some((n, v)) => (n, Some(v)),
            None => (flag, None),
        };
        let truthy = value.is_none_or(|v| v == "true");
        match (name, value) {
            ("--translate-image", Some(v)) => {
                if let Some((from, to)) = v.split_once('=') {
                    config.translate_image.insert(from.into(), to.into());
                }
            }
            ("--enforce-toleration", Some(v)) => config.enforce_tolerations.extend(v.split(',').map(String::from)),
            ("--sync-labels", Some(v)) => config.sync_labels.extend(v.split(',').map(|s| s.trim().to_string())),
            ("--service-account-token-secrets", _) => config.use_secrets_for_sa_tokens = truthy,
            ("--override-hosts", _) => config.rewrite_hosts = truthy,
            ("--override-hosts-container-image", Some(v)) => {
                config.rewrite_hosts_image = format!("{}{v}", config.default_image_registry);
            }
            ("--cluster-domain", Some(v)) => config.cluster_domain = v.into(),
            ("--set-owner", _) => config.set_owner = truthy,
            ("--mount-physical-host-paths" | "--rewrite-host-paths", _) => config.host_path_mapper = truthy,
            ("--enforce-pod-security-standard", Some(v)) => {
                config.pod_security_standard = Some(v.into()).filter(|s: &String| !s.is_empty())
            }
            ("--target-namespace", Some(v)) => config.target_namespace = Some(v.into()),
            ("--node-selector", Some(v)) => config.node_selector = parse_selector_flag(v),
            ("--enable-scheduler", _) => config.virtual_scheduler = truthy,
            ("--multi-namespace-mode", _) => config.multi_namespace = truthy,
            ("--enforce-node-selector", Some("false")) => {
                r.warn(item, "--enforce-node-selector=false: the node selector is then only used for node sync, not added to host pods".into());
                config.node_selector.clear();
            }
            _ => r.warn(
                item,
                format!("syncer flag {name} is not modelled by Hostside for vcluster {version}; it is ignored"),
            ),
        }
    }
}

#[cfg(test)]
mod tests;
