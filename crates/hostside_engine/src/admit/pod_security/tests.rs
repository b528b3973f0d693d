//! Unit tests for the public API, using the literal examples of `pod-security.md`.

use super::*;
use k8s_openapi::api::core::v1::{
    Capabilities, Container, ContainerPort, HostPathVolumeSource, PodSecurityContext, SeccompProfile, SecurityContext,
    Volume,
};

fn policy(level: Level, version: PolicyVersion) -> Policy {
    Policy { level, version }
}

fn result(id: &'static str, reason: &str, detail: &str) -> CheckResult {
    CheckResult { id, reason: reason.into(), detail: detail.into() }
}

fn nginx_pod() -> PodSpec {
    PodSpec {
        containers: vec![Container { name: "nginx".into(), image: Some("nginx".into()), ..Default::default() }],
        ..Default::default()
    }
}

/// §3.1 mixed example: hostNetwork, one privileged container `c` adding `SYS_ADMIN` with host
/// ports 80 and 443, and a hostPath volume `h`.
fn mixed_pod() -> PodSpec {
    PodSpec {
        host_network: Some(true),
        containers: vec![Container {
            name: "c".into(),
            ports: Some(vec![
                ContainerPort { container_port: 80, host_port: Some(80), ..Default::default() },
                ContainerPort { container_port: 443, host_port: Some(443), ..Default::default() },
            ]),
            security_context: Some(SecurityContext {
                privileged: Some(true),
                capabilities: Some(Capabilities { add: Some(vec!["SYS_ADMIN".into()]), drop: None }),
                ..Default::default()
            }),
            ..Default::default()
        }],
        volumes: Some(vec![Volume {
            name: "h".into(),
            host_path: Some(HostPathVolumeSource { path: "/var".into(), ..Default::default() }),
            ..Default::default()
        }]),
        ..Default::default()
    }
}

#[test]
fn canonical_restricted_example() {
    let p = policy(Level::Restricted, PolicyVersion::Latest);
    let failures = evaluate(&p, Build::LATEST, &ObjectMeta::default(), &nginx_pod());
    assert_eq!(
        forbidden_message("x", &p, &failures),
        r#"pods "x" is forbidden: violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false (container "nginx" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container "nginx" must set securityContext.capabilities.drop=["ALL"]), runAsNonRoot != true (pod or container "nginx" must set securityContext.runAsNonRoot=true), seccompProfile (pod or container "nginx" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")"#
    );
    let ids: Vec<_> = failures.iter().map(|f| f.id).collect();
    assert_eq!(
        ids,
        ["allowPrivilegeEscalation", "capabilities_restricted", "runAsNonRoot", "seccompProfile_restricted"]
    );
}

#[test]
fn mixed_example_baseline() {
    let p = policy(Level::Baseline, PolicyVersion::Latest);
    let failures = evaluate(&p, Build::LATEST, &ObjectMeta::default(), &mixed_pod());
    assert_eq!(
        violation_message(&p, &failures),
        r#"violates PodSecurity "baseline:latest": non-default capabilities (container "c" must not include "SYS_ADMIN" in securityContext.capabilities.add), host namespaces (hostNetwork=true), hostPath volumes (volume "h"), hostPort (container "c" uses hostPorts 443, 80), privileged (container "c" must not set securityContext.privileged=true)"#
    );
}

#[test]
fn mixed_example_restricted() {
    let p = policy(Level::Restricted, PolicyVersion::Latest);
    let failures = evaluate(&p, Build::LATEST, &ObjectMeta::default(), &mixed_pod());
    assert_eq!(
        violation_message(&p, &failures),
        r#"violates PodSecurity "restricted:latest": host namespaces (hostNetwork=true), hostPort (container "c" uses hostPorts 443, 80), privileged (container "c" must not set securityContext.privileged=true), allowPrivilegeEscalation != false (container "c" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container "c" must set securityContext.capabilities.drop=["ALL"]; container "c" must not include "SYS_ADMIN" in securityContext.capabilities.add), restricted volume types (volume "h" uses restricted volume type "hostPath"), runAsNonRoot != true (pod or container "c" must set securityContext.runAsNonRoot=true), seccompProfile (pod or container "c" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")"#
    );
}

#[test]
fn host_port_plural_forms() {
    // §2.5 examples.
    let container = |name: &str, ports: &[i32]| Container {
        name: name.into(),
        ports: Some(
            ports
                .iter()
                .map(|&p| ContainerPort { container_port: p, host_port: Some(p), ..Default::default() })
                .collect(),
        ),
        ..Default::default()
    };
    let p = policy(Level::Baseline, PolicyVersion::Latest);
    let detail = |containers: Vec<Container>| {
        let spec = PodSpec { containers, ..Default::default() };
        let failures = evaluate(&p, Build::LATEST, &ObjectMeta::default(), &spec);
        failures.into_iter().map(|f| f.detail).collect::<Vec<_>>()
    };
    assert_eq!(detail(vec![container("a", &[]), container("b", &[20])]), [r#"container "b" uses hostPort 20"#]);
    assert_eq!(
        detail(vec![container("b", &[10, 20]), container("c", &[30, 10])]),
        [r#"containers "b", "c" use hostPorts 10, 20, 30"#]
    );
    assert_eq!(detail(vec![container("c", &[80, 443])]), [r#"container "c" uses hostPorts 443, 80"#]);
}

#[test]
fn aggregate_detail_forms() {
    assert_eq!(aggregate_detail(&[]), "");
    assert_eq!(
        aggregate_detail(&[
            result("a", "host namespaces", "hostNetwork=true"),
            result("b", "no detail", ""),
            result("c", "", "orphan detail"),
        ]),
        "host namespaces (hostNetwork=true), no detail, unknown forbidden reason (orphan detail)"
    );
    let p = policy(Level::Baseline, PolicyVersion::V1(23));
    let failures = [result("sysctls", "forbidden sysctls", "a, b")];
    assert_eq!(violation_message(&p, &failures), r#"violates PodSecurity "baseline:v1.23": forbidden sysctls (a, b)"#);
    assert_eq!(
        warning_message(&p, &failures),
        r#"would violate PodSecurity "baseline:v1.23": forbidden sysctls (a, b)"#
    );
}

#[test]
fn message_prints_version_as_written_not_clamped() {
    let p = policy(Level::Restricted, PolicyVersion::V1(99));
    let failures = evaluate(&p, Build::LATEST, &ObjectMeta::default(), &nginx_pod());
    assert!(violation_message(&p, &failures).starts_with(r#"violates PodSecurity "restricted:v1.99": "#));
    assert_eq!(
        failures,
        evaluate(
            &policy(Level::Restricted, PolicyVersion::Latest),
            Build::LATEST,
            &ObjectMeta::default(),
            &nginx_pod()
        )
    );
}

#[test]
fn privileged_allows_everything() {
    let p = policy(Level::Privileged, PolicyVersion::Latest);
    assert!(evaluate(&p, Build::LATEST, &ObjectMeta::default(), &mixed_pod()).is_empty());
    assert!(active_checks(&p, Build::LATEST).is_empty());
}

#[test]
fn effective_check_list_restricted_latest() {
    let ids = active_checks(&policy(Level::Restricted, PolicyVersion::Latest), Build::LATEST);
    assert_eq!(
        ids,
        [
            "appArmorProfile",
            "hostNamespaces",
            "hostPorts",
            "hostProbesAndHostLifecycle",
            "privileged",
            "seLinuxOptions",
            "sysctls",
            "windowsHostProcess",
            "allowPrivilegeEscalation",
            "capabilities_restricted",
            "procMount_restricted",
            "restrictedVolumes",
            "runAsNonRoot",
            "runAsUser",
            "seccompProfile_restricted",
        ]
    );
    let baseline = active_checks(&policy(Level::Baseline, PolicyVersion::Latest), Build::LATEST);
    assert_eq!(
        baseline,
        [
            "appArmorProfile",
            "capabilities_baseline",
            "hostNamespaces",
            "hostPathVolumes",
            "hostPorts",
            "hostProbesAndHostLifecycle",
            "privileged",
            "procMount",
            "seLinuxOptions",
            "seccompProfile_baseline",
            "sysctls",
            "windowsHostProcess",
        ]
    );
}

#[test]
fn overrides_by_version() {
    let at = |minor| active_checks(&policy(Level::Restricted, PolicyVersion::V1(minor)), Build::LATEST);
    // §1.4: at v1.18 the baseline seccomp annotation check still runs; from v1.19 replaced.
    assert!(at(18).contains(&"seccompProfile_baseline"));
    assert!(!at(18).contains(&"seccompProfile_restricted"));
    assert!(!at(19).contains(&"seccompProfile_baseline"));
    assert!(at(19).contains(&"seccompProfile_restricted"));
    // capabilities_baseline runs at v1.21, replaced from v1.22.
    assert!(at(21).contains(&"capabilities_baseline"));
    assert!(!at(22).contains(&"capabilities_baseline"));
    // hostPathVolumes is overridden at every version.
    assert!(!at(0).contains(&"hostPathVolumes"));
    // procMount replaced by procMount_restricted from v1.35.
    assert!(at(34).contains(&"procMount"));
    assert!(!at(34).contains(&"procMount_restricted"));
    assert!(!at(35).contains(&"procMount"));
    // allowPrivilegeEscalation from v1.8, runAsUser from v1.23.
    assert!(!at(7).contains(&"allowPrivilegeEscalation"));
    assert!(at(8).contains(&"allowPrivilegeEscalation"));
    assert!(!at(22).contains(&"runAsUser"));
    assert!(at(23).contains(&"runAsUser"));
}

#[test]
fn restricted_v1_0_minimal_pod() {
    // §2.20: at restricted v1.0 the minimal passing pod only needs runAsNonRoot: true.
    let mut spec = nginx_pod();
    spec.security_context = Some(PodSecurityContext { run_as_non_root: Some(true), ..Default::default() });
    let p = policy(Level::Restricted, PolicyVersion::V1(0));
    assert!(evaluate(&p, Build::LATEST, &ObjectMeta::default(), &spec).is_empty());
    // ... and fails seccomp at v1.19.
    let p = policy(Level::Restricted, PolicyVersion::V1(19));
    let ids: Vec<_> = evaluate(&p, Build::LATEST, &ObjectMeta::default(), &spec).into_iter().map(|f| f.id).collect();
    assert_eq!(ids, ["allowPrivilegeEscalation", "seccompProfile_restricted"]);
    // With the pod-level profile, a Unconfined container is an explicit violation.
    spec.security_context = Some(PodSecurityContext {
        run_as_non_root: Some(true),
        seccomp_profile: Some(SeccompProfile { type_: "RuntimeDefault".into(), ..Default::default() }),
        ..Default::default()
    });
    let p = policy(Level::Restricted, PolicyVersion::V1(18));
    assert_eq!(
        evaluate(&p, Build::LATEST, &ObjectMeta::default(), &spec).into_iter().map(|f| f.id).collect::<Vec<_>>(),
        ["allowPrivilegeEscalation"]
    );
}

#[test]
fn build_clamps_versions() {
    // The v1.37 sysctls revision only exists in the 1.37 build.
    let spec = PodSpec {
        security_context: Some(PodSecurityContext {
            sysctls: Some(vec![k8s_openapi::api::core::v1::Sysctl {
                name: "net.ipv4.tcp_notsent_lowat".into(),
                value: "1".into(),
            }]),
            ..Default::default()
        }),
        ..Default::default()
    };
    let p = policy(Level::Baseline, PolicyVersion::Latest);
    let m = ObjectMeta::default();
    assert!(evaluate(&p, Build::LATEST, &m, &spec).is_empty());
    let b136 = Build::for_kubernetes_minor(36);
    assert_eq!(b136, Build { max_minor: 35 });
    assert_eq!(
        violation_message(&p, &evaluate(&p, b136, &m, &spec)),
        r#"violates PodSecurity "baseline:latest": forbidden sysctls (net.ipv4.tcp_notsent_lowat)"#
    );
    let p = policy(Level::Baseline, PolicyVersion::V1(37));
    assert!(!evaluate(&p, b136, &m, &spec).is_empty());
    assert!(evaluate(&p, Build::LATEST, &m, &spec).is_empty());
}

#[test]
fn build_for_kubernetes_minor() {
    let max = |m| Build::for_kubernetes_minor(m).max_minor;
    assert_eq!(Build::for_kubernetes_minor(37), Build::LATEST);
    assert_eq!(Some(Build::LATEST.max_minor), checks::newest_revision_up_to(u32::MAX));
    assert_eq!(max(10), 22);
    assert_eq!(max(22), 22);
    assert_eq!(max(23), 23);
    assert_eq!(max(24), 23);
    assert_eq!(max(25), 25);
    assert_eq!(max(28), 27);
    assert_eq!(max(30), 29);
    assert_eq!(max(31), 31);
    assert_eq!(max(33), 32);
    assert_eq!(max(34), 34);
    assert_eq!(max(35), 35);
    assert_eq!(max(36), 35);
    assert_eq!(max(40), 37);
    assert_eq!(Build::LATEST.with_emulated_minor(34).max_minor, 34);
    assert_eq!(Build::for_kubernetes_minor(36).with_emulated_minor(40).max_minor, 35);
    assert_eq!(Build::LATEST.effective_minor(&PolicyVersion::Latest), 37);
    assert_eq!(Build::LATEST.effective_minor(&PolicyVersion::V1(99)), 37);
    assert_eq!(Build::LATEST.effective_minor(&PolicyVersion::V1(3)), 3);
}

#[test]
fn level_parse_and_order() {
    assert_eq!(Level::parse("restricted"), Some(Level::Restricted));
    assert_eq!(Level::parse("baseline"), Some(Level::Baseline));
    assert_eq!(Level::parse("privileged"), Some(Level::Privileged));
    assert_eq!(Level::parse("Restricted"), None);
    assert_eq!(Level::parse(""), None);
    assert!(Level::Privileged < Level::Baseline && Level::Baseline < Level::Restricted);
    for l in [Level::Privileged, Level::Baseline, Level::Restricted] {
        assert_eq!(Level::parse(l.as_str()), Some(l));
    }
    assert_eq!(serde_json::to_string(&Level::Restricted).ok().as_deref(), Some("\"restricted\""));
}

#[test]
fn version_parse_follows_regex() {
    assert_eq!(PolicyVersion::parse("latest"), Some(PolicyVersion::Latest));
    assert_eq!(PolicyVersion::parse("v1.0"), Some(PolicyVersion::V1(0)));
    assert_eq!(PolicyVersion::parse("v1.25"), Some(PolicyVersion::V1(25)));
    assert_eq!(PolicyVersion::parse("v1.100"), Some(PolicyVersion::V1(100)));
    for bad in [
        "v1.025",
        "1.25",
        "v2.0",
        "v1.x",
        "V1.25",
        "v1.",
        "v1",
        "",
        "Latest",
        "v1.25 ",
        " v1.25",
        "v1.25\n",
        "v1.-1",
        "v1.+1",
        "v1.99999999999",
    ] {
        assert_eq!(PolicyVersion::parse(bad), None, "{bad:?}");
    }
    assert_eq!(PolicyVersion::V1(25).to_string(), "v1.25");
    assert_eq!(PolicyVersion::Latest.to_string(), "latest");
    assert_eq!(policy(Level::Restricted, PolicyVersion::Latest).label(), "restricted:latest");
}

fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

#[test]
fn labels_missing_take_defaults() {
    let l = labels(&[]);
    for mode in [Mode::Enforce, Mode::Audit, Mode::Warn] {
        assert_eq!(policy_from_labels(&l, mode), Ok(Policy::PRIVILEGED_LATEST));
    }
    let l = labels(&[(ENFORCE_LEVEL_LABEL, "baseline")]);
    assert_eq!(policy_from_labels(&l, Mode::Enforce), Ok(policy(Level::Baseline, PolicyVersion::Latest)));
    let l = labels(&[(AUDIT_LEVEL_LABEL, "restricted"), (AUDIT_VERSION_LABEL, "v1.24")]);
    assert_eq!(policy_from_labels(&l, Mode::Audit), Ok(policy(Level::Restricted, PolicyVersion::V1(24))));
    assert_eq!(policy_from_labels(&l, Mode::Warn), Ok(Policy::PRIVILEGED_LATEST));
}

#[test]
fn labels_warn_defaults_to_enforce() {
    let l = labels(&[(ENFORCE_LEVEL_LABEL, "restricted"), (ENFORCE_VERSION_LABEL, "v1.30")]);
    assert_eq!(policy_from_labels(&l, Mode::Warn), Ok(policy(Level::Restricted, PolicyVersion::V1(30))));
    // An explicit warn-version label is kept.
    let l = labels(&[(ENFORCE_LEVEL_LABEL, "restricted"), (WARN_VERSION_LABEL, "v1.20")]);
    assert_eq!(policy_from_labels(&l, Mode::Warn), Ok(policy(Level::Restricted, PolicyVersion::V1(20))));
    // An explicit warn level (even a weaker one) is kept.
    let l = labels(&[(ENFORCE_LEVEL_LABEL, "restricted"), (WARN_LEVEL_LABEL, "baseline")]);
    assert_eq!(policy_from_labels(&l, Mode::Warn), Ok(policy(Level::Baseline, PolicyVersion::Latest)));
    // An invalid enforce level does not default warn.
    let l = labels(&[(ENFORCE_LEVEL_LABEL, "bogus")]);
    assert_eq!(policy_from_labels(&l, Mode::Warn), Ok(Policy::PRIVILEGED_LATEST));
    // Audit is never defaulted from enforce.
    let l = labels(&[(ENFORCE_LEVEL_LABEL, "restricted")]);
    assert_eq!(policy_from_labels(&l, Mode::Audit), Ok(Policy::PRIVILEGED_LATEST));
}

#[test]
fn labels_invalid_values() {
    let l = labels(&[(ENFORCE_LEVEL_LABEL, "Restricted")]);
    assert_eq!(
        policy_from_labels(&l, Mode::Enforce),
        Err(r#"metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: "Restricted": must be one of privileged, baseline, restricted"#.into())
    );
    let l = labels(&[
        (ENFORCE_LEVEL_LABEL, "bogus"),
        (ENFORCE_VERSION_LABEL, "v1.025"),
        (AUDIT_LEVEL_LABEL, "nope"),
        (WARN_LEVEL_LABEL, "restricted"),
        (WARN_VERSION_LABEL, "1.25"),
    ]);
    let (p, errors) = namespace_policy(&l, &NamespacePolicy::default());
    // Fail closed for enforce, open for audit; invalid versions become latest.
    assert_eq!(p.enforce, policy(Level::Restricted, PolicyVersion::Latest));
    assert_eq!(p.audit, Policy::PRIVILEGED_LATEST);
    assert_eq!(p.warn, policy(Level::Restricted, PolicyVersion::Latest));
    assert_eq!(
        label_errors_annotation(&errors).as_deref(),
        Some(
            r#"Failed to parse policy: [metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: "bogus": must be one of privileged, baseline, restricted, metadata.labels[pod-security.kubernetes.io/enforce-version]: Invalid value: "v1.025": must be "latest" or "v1.x", metadata.labels[pod-security.kubernetes.io/audit]: Invalid value: "nope": must be one of privileged, baseline, restricted, metadata.labels[pod-security.kubernetes.io/warn-version]: Invalid value: "1.25": must be "latest" or "v1.x"]"#
        )
    );
    assert_eq!(
        policy_from_labels(&l, Mode::Warn),
        Err(r#"metadata.labels[pod-security.kubernetes.io/warn-version]: Invalid value: "1.25": must be "latest" or "v1.x""#.into())
    );
    assert_eq!(label_errors_annotation(&[]), None);
}

#[test]
fn labels_use_configured_defaults() {
    let defaults = NamespacePolicy {
        enforce: policy(Level::Baseline, PolicyVersion::V1(28)),
        audit: policy(Level::Restricted, PolicyVersion::Latest),
        warn: policy(Level::Restricted, PolicyVersion::Latest),
    };
    let (p, errors) = namespace_policy(&labels(&[(ENFORCE_VERSION_LABEL, "v1.30")]), &defaults);
    assert!(errors.is_empty());
    assert_eq!(p.enforce, policy(Level::Baseline, PolicyVersion::V1(30)));
    assert_eq!(p.audit, defaults.audit);
    assert_eq!(p.warn, defaults.warn);
}
