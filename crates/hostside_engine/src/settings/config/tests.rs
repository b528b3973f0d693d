use super::*;
use crate::source::Source;

fn read(text: &str, version: VclusterVersion) -> (VclusterConfig, Vec<ConfigIssue>) {
    let docs = crate::yaml::parse_source(0, &Source::new("vcluster.yaml", text));
    let root = docs.into_iter().next().unwrap().result.unwrap().unwrap();
    VclusterConfig::from_node(&root, version, "my-vcluster")
}

#[test]
fn vcluster_yaml_keys_are_read_and_typos_reported() {
    let (config, issues) = read(
        "sync:\n  toHost:\n    networkPolicies:\n      enabled: true\n    pods:\n      enforceTolerations: [\"a=b:NoSchedule\"]\npolicies:\n  podSecurityStandard: restricted\n  limitRange:\n    enabled: true\n  networkPolicy:\n    enabeld: true\n",
        VclusterVersion::LATEST,
    );
    assert!(config.sync.network_policies);
    assert_eq!(config.enforce_tolerations, vec!["a=b:NoSchedule"]);
    assert_eq!(config.pod_security_standard.as_deref(), Some("restricted"));
    // limitRange true with quota on auto turns both on (§5.2, §5.3).
    assert!(config.limit_range.enabled && config.resource_quota.enabled);
    assert_eq!(issues.len(), 1, "{issues:?}");
    assert!(issues[0].message.contains("unknown key `policies.networkPolicy.enabeld`"), "{}", issues[0].message);
    assert!(issues[0].message.contains("did you mean `policies.networkPolicy.enabled`"), "{}", issues[0].message);
}

#[test]
fn helm_values_of_0_19_turn_on_isolation() {
    let (config, issues) = read(
        "isolation:\n  enabled: true\n  resourceQuota:\n    enabled: false\nsync:\n  networkpolicies:\n    enabled: true\nsyncer:\n  extraArgs:\n  - --enforce-toleration=*\n  - --sync-labels=app.kubernetes.io/*\n",
        VclusterVersion::V0_19,
    );
    assert_eq!(config.format, Some("helm-values"));
    assert_eq!(config.pod_security_standard.as_deref(), Some("baseline"));
    assert!(!config.resource_quota.enabled && config.limit_range.enabled && config.network_policy.enabled);
    assert!(config.sync.network_policies);
    assert_eq!(config.enforce_tolerations, vec!["*"]);
    assert_eq!(config.sync_labels, vec!["app.kubernetes.io/*"]);
    assert!(issues.is_empty(), "{issues:?}");
}

#[test]
fn wrong_types_are_errors_and_defaults_stay() {
    let (config, issues) = read("sync:\n  toHost:\n    pods:\n      enabled: maybe\n", VclusterVersion::LATEST);
    assert!(config.sync.pods);
    assert!(issues.iter().any(|i| i.is_error && i.message.contains("expected true or false")));
}

#[test]
fn rewrite_hosts_image_follows_each_era() {
    let (latest, _) =
        read("controlPlane:\n  advanced:\n    defaultImageRegistry: my-registry\n", VclusterVersion::LATEST);
    assert_eq!(latest.rewrite_hosts_image, "my-registry/library/alpine:3.20");
    let (custom, _) = read(
        "sync:\n  toHost:\n    pods:\n      rewriteHosts:\n        initContainer:\n          image: {registry: private, repository: minimal/sed, tag: very-specific-tag}\n",
        VclusterVersion::LATEST,
    );
    assert_eq!(custom.rewrite_hosts_image, "private/minimal/sed:very-specific-tag");
    assert_eq!(VclusterConfig::defaults(VclusterVersion::V0_19, "x").rewrite_hosts_image, "library/alpine:3.13.1");
}
