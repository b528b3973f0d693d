//! Elastisys Compliant Kubernetes (CK8s, later "Welkin"): its four core Gatekeeper policies,
//! their constraints per apps release, and the restricted-default mutations of v0.30+.
//!
//! Facts from `shared/reference/gatekeeper.md` §1 and the apps repository at the release tags
//! (Rego under `…/gatekeeper/templates/policies/*.rego`, constraints under
//! `…/gatekeeper/constraints/templates/*/constraint.yaml` (earlier
//! `helmfile/charts/gatekeeper-constraints`), defaults in the `opa:` block of the config, the
//! Gatekeeper chart's `appVersion`, mutations under
//! `…/podsecuritypolicies/templates/default/mutations/*.yaml`).
//!
//! The Rego of each policy is reimplemented in its own file, including OPA's quirks (a missing
//! container name makes the message, hence the violation, undefined; a NetworkPolicy check is
//! a list of string/set comparisons, not a real label selector…). What changed between
//! releases is carried by [`Ck8sEra`].

pub mod allowed_repos;
pub mod disallowed_tags;
pub mod require_network_policy;
pub mod resource_requests;

use super::matching::{KindSelector, LabelSelector, Requirement};
use super::{Constraint, EnforcementAction, GatekeeperVersion, Match, PolicyKind};
use serde_json::{Map, Value, json};

/// A CK8s apps release line (`v0.<minor>`), which decides policy wording and small Rego
/// changes:
///
/// | apps | change |
/// |---|---|
/// | v0.19 | 3 policies, Gatekeeper 3.3.0 |
/// | v0.20 | + disallowed tags; Gatekeeper 3.7.0 |
/// | v0.29 | Gatekeeper 3.11.0; defaults registry/netpol `warn`, tags `deny` |
/// | v0.30 | restricted-default mutations (PSA `restricted` namespaces) |
/// | v0.34 | messages rewritten ("Elastisys Compliant Kubernetes", doc links), `elastisys-` names |
/// | v0.36 | constraints exclude `kube-system`, `kube-public`, `kube-node-lease`, `calico-system` |
/// | v0.38 | Gatekeeper 3.15.1 |
/// | v0.40 | the NetworkPolicy rule skips objects with `metadata.deletionTimestamp` |
/// | v0.44 | "Elastisys Welkin®", `/welkin/` doc links |
/// | v0.46 | Gatekeeper 3.18.2 |
/// | v0.48 | registries also checked for a Pod's `ephemeralContainers` |
/// | v0.50 | Gatekeeper 3.20.1 |
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Ck8sEra {
    /// The apps minor version, `19` for v0.19.x.
    pub minor: u32,
}

/// How messages are worded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MessageStyle {
    /// v0.19 – v0.33: terse Go-style messages (`container "app" has an invalid image repo …`).
    Original,
    /// v0.34 – v0.43: sentences naming "Elastisys Compliant Kubernetes" with doc links.
    Elastisys,
    /// v0.44+: "Elastisys Welkin®" and `/welkin/` links.
    Welkin,
}

impl Ck8sEra {
    pub const V0_19: Ck8sEra = Ck8sEra::new(19);
    pub const V0_20: Ck8sEra = Ck8sEra::new(20);
    pub const V0_29: Ck8sEra = Ck8sEra::new(29);
    pub const V0_30: Ck8sEra = Ck8sEra::new(30);
    pub const V0_34: Ck8sEra = Ck8sEra::new(34);
    pub const V0_36: Ck8sEra = Ck8sEra::new(36);
    pub const V0_40: Ck8sEra = Ck8sEra::new(40);
    pub const V0_44: Ck8sEra = Ck8sEra::new(44);
    pub const V0_48: Ck8sEra = Ck8sEra::new(48);
    /// The newest release read (v0.50.1).
    pub const LATEST: Ck8sEra = Ck8sEra::new(50);

    pub const fn new(minor: u32) -> Ck8sEra {
        Ck8sEra { minor }
    }

    /// `v0.30.1`, `0.30`, `v0.19`.
    pub fn parse(text: &str) -> Option<Ck8sEra> {
        let text = text.trim();
        let text = text.strip_prefix('v').unwrap_or(text);
        let mut parts = text.split('.');
        if parts.next()? != "0" {
            return None;
        }
        let minor = parts.next()?;
        let digits: String = minor.chars().take_while(char::is_ascii_digit).collect();
        if digits.is_empty() {
            return None;
        }
        digits.parse().ok().map(Ck8sEra::new)
    }

    /// The era a host profile stands for, from its name: a `v0.<n>` in the name
    /// (`compliant-kubernetes-v0.19`) picks that release; anything else is the newest.
    pub fn for_profile(name: &str) -> Ck8sEra {
        let mut rest = name;
        while let Some(index) = rest.find("v0.") {
            if let Some(era) = Ck8sEra::parse(&rest[index..]) {
                return era;
            }
            rest = &rest[index + 3..];
        }
        Ck8sEra::LATEST
    }

    pub fn message_style(self) -> MessageStyle {
        if self.minor >= 44 {
            MessageStyle::Welkin
        } else if self.minor >= 34 {
            MessageStyle::Elastisys
        } else {
            MessageStyle::Original
        }
    }

    /// The Gatekeeper release the apps release ships (upstream chart `appVersion`).
    pub fn gatekeeper_version(self) -> GatekeeperVersion {
        match self.minor {
            0..=19 => GatekeeperVersion::V3_3_0,
            20..=28 => GatekeeperVersion::V3_7_0,
            29..=37 => GatekeeperVersion::V3_11_0,
            38..=45 => GatekeeperVersion::V3_15_1,
            46..=49 => GatekeeperVersion::V3_18_2,
            _ => GatekeeperVersion::V3_20_1,
        }
    }

    /// The disallowed-tags policy exists (v0.20+).
    pub fn has_disallowed_tags(self) -> bool {
        self.minor >= 20
    }

    /// Constraint names carry the `elastisys-` prefix (v0.34+).
    pub fn elastisys_names(self) -> bool {
        self.minor >= 34
    }

    /// Constraints exclude the system namespaces (v0.36+).
    pub fn excludes_system_namespaces(self) -> bool {
        self.minor >= 36
    }

    /// The NetworkPolicy rule skips objects being deleted (v0.40+).
    pub fn skips_terminating(self) -> bool {
        self.minor >= 40
    }

    /// Registries are also checked for `ephemeralContainers` (v0.48+).
    pub fn checks_ephemeral_containers(self) -> bool {
        self.minor >= 48
    }

    /// Restricted-default mutations are installed (v0.30+).
    pub fn has_mutations(self) -> bool {
        self.minor >= 30
    }
}

impl MessageStyle {
    /// The product name in messages.
    pub(crate) fn brand(self) -> &'static str {
        match self {
            MessageStyle::Welkin => "Elastisys Welkin®",
            _ => "Elastisys Compliant Kubernetes",
        }
    }

    /// A safeguards documentation page.
    pub(crate) fn docs(self, page: &str) -> String {
        let product = if self == MessageStyle::Welkin { "welkin" } else { "compliantkubernetes" };
        format!("https://elastisys.io/{product}/user-guide/safeguards/{page}/")
    }
}

/// Where a workload keeps its containers (`get_containers`, `get_init_containers`,
/// `get_ephemeral_containers` of the CK8s Rego).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ContainerList {
    Containers,
    InitContainers,
    EphemeralContainers,
}

/// The pod template of a workload, by the object's `kind` (the Rego ignores the group):
/// `Pod` itself; `Deployment`, `StatefulSet`, `DaemonSet`, `ReplicaSet`, `Job`,
/// `ReplicationController` → `spec.template`; `CronJob` → `spec.jobTemplate.spec.template`.
/// Returns `(pod spec, pod metadata)` pointers.
fn pod_pointers(object: &Value) -> Option<(&'static str, &'static str)> {
    match object.get("kind").and_then(Value::as_str)? {
        "Pod" => Some(("/spec", "/metadata")),
        "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet" | "Job" | "ReplicationController" => {
            Some(("/spec/template/spec", "/spec/template/metadata"))
        }
        "CronJob" => Some(("/spec/jobTemplate/spec/template/spec", "/spec/jobTemplate/spec/template/metadata")),
        _ => None,
    }
}

/// The containers of one list, in order; empty when the kind has none or the list is absent.
/// Ephemeral containers are only read from Pods.
pub(crate) fn containers(object: &Value, list: ContainerList) -> Vec<&Value> {
    let Some((spec, _)) = pod_pointers(object) else { return Vec::new() };
    let field = match list {
        ContainerList::Containers => "containers",
        ContainerList::InitContainers => "initContainers",
        ContainerList::EphemeralContainers if spec == "/spec" => "ephemeralContainers",
        ContainerList::EphemeralContainers => return Vec::new(),
    };
    match object.pointer(&format!("{spec}/{field}")) {
        Some(Value::Array(items)) => items.iter().collect(),
        _ => Vec::new(),
    }
}

/// The pod labels (`get_labels`); an absent map, or a kind without a template, reads as empty.
pub(crate) fn pod_labels(object: &Value) -> Map<String, Value> {
    pod_pointers(object)
        .and_then(|(_, metadata)| object.pointer(&format!("{metadata}/labels")))
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default()
}

/// A container's `name` and `image` when both are strings: the CK8s messages need the name
/// (else the message is undefined in OPA and no violation is reported) and every check reads
/// the image.
pub(crate) fn name_and_image(container: &Value) -> Option<(&str, &str)> {
    Some((container.get("name")?.as_str()?, container.get("image")?.as_str()?))
}

/// Go's `%q` for a string (`strconv.Quote`), as OPA's `sprintf` prints it.
pub(crate) fn go_quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// OPA's `sprintf("%v", array)` of strings: the Rego term, `["a", "b"]`.
pub(crate) fn rego_array(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| go_quote(s)).collect();
    format!("[{}]", quoted.join(", "))
}

/// The default trusted registries of an apps release (`opa.imageRegistry.URL`), placeholder
/// included: `set-me`, `harbor.example.com`, and from v0.20 also
/// `quay.io/jetstack/cert-manager-acmesolver`.
pub fn default_repos(era: Ck8sEra) -> Vec<String> {
    let mut repos = vec!["set-me".to_string(), "harbor.example.com".to_string()];
    if era.minor >= 20 {
        repos.push("quay.io/jetstack/cert-manager-acmesolver".to_string());
    }
    repos
}

/// Namespaces labelled `admission.gatekeeper.sh/ignore` by CK8s.
pub const IGNORED_NAMESPACES: &[&str] = &["kube-system", "gatekeeper-system"];

/// The constraint set, Gatekeeper version and mutations of one apps release with its default
/// configuration.
#[derive(Clone, Debug)]
pub struct Ck8sPreset {
    pub era: Ck8sEra,
    pub gatekeeper: GatekeeperVersion,
    /// In the order the charts define them: registries, NetworkPolicy, requests, tags.
    pub constraints: Vec<Constraint>,
    /// `mutations.gatekeeper.sh` objects (v0.30+), see [`restricted_default_mutations`].
    pub mutations: Vec<Value>,
    /// Namespaces the webhooks never see ([`IGNORED_NAMESPACES`]).
    pub ignored_namespaces: Vec<String>,
}

/// `spec.match` of every CK8s constraint: the workload kinds, user namespaces only
/// (`owner NotIn [operator]`), and from v0.36 the system namespaces excluded.
pub fn workload_match(era: Ck8sEra) -> Match {
    let kinds = |groups: &[&str], kinds: &[&str]| KindSelector {
        api_groups: Some(groups.iter().map(|s| s.to_string()).collect()),
        kinds: Some(kinds.iter().map(|s| s.to_string()).collect()),
    };
    let workloads = ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"];
    Match {
        kinds: Some(vec![
            kinds(&[""], &["Pod", "ReplicationController"]),
            kinds(&["apps"], &workloads),
            kinds(&["extensions"], &workloads),
            kinds(&["batch"], &["Job", "CronJob"]),
        ]),
        excluded_namespaces: era.excludes_system_namespaces().then(|| {
            ["kube-system", "kube-public", "kube-node-lease", "calico-system"].iter().map(|s| s.to_string()).collect()
        }),
        namespace_selector: Some(LabelSelector {
            match_labels: Default::default(),
            match_expressions: vec![Requirement {
                key: "owner".into(),
                operator: "NotIn".into(),
                values: vec!["operator".into()],
            }],
        }),
        ..Match::default()
    }
}

/// The CK8s constraints of `era` with their default names and enforcement actions; `repos`
/// overrides the trusted registries (default: [`default_repos`], placeholder included).
pub fn presets(era: Ck8sEra, repos: Option<&[String]>) -> Ck8sPreset {
    let prefix = if era.elastisys_names() { "elastisys-" } else { "" };
    let since_29 = era.minor >= 29;
    let action = |warn_from_29: bool| {
        if warn_from_29 && since_29 { EnforcementAction::Warn } else { EnforcementAction::Deny }
    };
    let constraint = |kind: &str, name: String, enforcement_action: EnforcementAction, policy: PolicyKind| Constraint {
        kind: kind.to_string(),
        name,
        enforcement_action,
        matcher: workload_match(era),
        policy,
        message_era: era,
    };
    let registry_name = if era.elastisys_names() {
        "elastisys-require-harbor-registry".to_string()
    } else {
        "require-harbor-repo".to_string()
    };
    let repos = repos.map(<[String]>::to_vec).unwrap_or_else(|| default_repos(era));
    let mut constraints = vec![
        constraint("K8sAllowedRepos", registry_name, action(true), PolicyKind::AllowedRepos { repos: Some(repos) }),
        constraint(
            "K8sRequireNetworkPolicy",
            format!("{prefix}require-networkpolicy"),
            action(true),
            PolicyKind::RequireNetworkPolicy,
        ),
        constraint(
            "K8sResourceRequests",
            format!("{prefix}require-resource-requests"),
            action(false),
            PolicyKind::ResourceRequests,
        ),
    ];
    if era.has_disallowed_tags() {
        let tags_action = if since_29 { EnforcementAction::Deny } else { EnforcementAction::Dryrun };
        constraints.push(constraint(
            "K8sDisallowedTags",
            format!("{prefix}container-image-must-not-have-disallowed-tags"),
            tags_action,
            PolicyKind::DisallowedTags { tags: vec!["latest".into()] },
        ));
    }
    Ck8sPreset {
        era,
        gatekeeper: era.gatekeeper_version(),
        constraints,
        mutations: if era.has_mutations() { restricted_default_mutations("default") } else { Vec::new() },
        ignored_namespaces: IGNORED_NAMESPACES.iter().map(|s| s.to_string()).collect(),
    }
}

/// The `podsecuritypolicies` chart's default mutations (apps v0.30.0 – v0.50.1, identical at
/// every tag in between), rendered for the release in `release_namespace` with no per-pod
/// exceptions. CK8s installs that chart for user namespaces as release `podsecuritypolicy` in
/// namespace `default` with `values/podsecuritypolicies/workload/default.yaml.gotmpl`, whose
/// `mutations.namespaceSelectorLabels` select namespaces with `owner NotIn [operator]` and
/// `pod-security.kubernetes.io/enforce In [restricted]`. Every mutator is limited to
/// `v1` Pods in namespaces, and only fills a field that is missing (`pathTests`
/// `MustNotExist`). Names are `printf "<name>-%s-restricted…" .Release.Namespace | trunc 63`.
pub fn restricted_default_mutations(release_namespace: &str) -> Vec<Value> {
    let matcher = json!({
        "scope": "Namespaced",
        "kinds": [{ "apiGroups": [""], "kinds": ["Pod"] }],
        "namespaceSelector": {
            "matchExpressions": [
                { "key": "owner", "operator": "NotIn", "values": ["operator"] },
                { "key": "pod-security.kubernetes.io/enforce", "operator": "In", "values": ["restricted"] },
            ]
        },
    });
    let name = |base: &str, suffix: &str| -> String {
        let full = format!("{base}-{release_namespace}-restricted{suffix}");
        full.chars().take(63).collect()
    };
    let object = |kind: &str, name: String, location: String, parameters: Value| {
        let mut parameters = parameters;
        parameters["pathTests"] = json!([{ "subPath": location, "condition": "MustNotExist" }]);
        json!({
            "apiVersion": "mutations.gatekeeper.sh/v1",
            "kind": kind,
            "metadata": { "name": name },
            "spec": {
                "applyTo": [{ "groups": [""], "kinds": ["Pod"], "versions": ["v1"] }],
                "match": matcher,
                "location": location,
                "parameters": parameters,
            },
        })
    };
    let per_container = ["container", "ephemeral", "init"];
    let list_of = |which: &str| match which {
        "container" => "containers",
        "ephemeral" => "ephemeralContainers",
        _ => "initContainers",
    };
    let mut out = Vec::new();
    for which in per_container {
        let location = format!("spec.{}[name: *].securityContext.capabilities.drop", list_of(which));
        out.push(object(
            "ModifySet",
            name("capabilities", &format!("-{which}")),
            location,
            json!({ "values": { "fromList": ["ALL"] } }),
        ));
    }
    let assign = |value: Value| json!({ "assign": { "value": value } });
    out.push(object("Assign", name("fsgroup", ""), "spec.securityContext.fsGroup".into(), assign(json!(1))));
    out.push(object("Assign", name("host-ipc", ""), "spec.hostIPC".into(), assign(json!(false))));
    out.push(object("Assign", name("host-pid", ""), "spec.hostPID".into(), assign(json!(false))));
    for (base, field, value) in [
        ("privilege-escalation", "allowPrivilegeEscalation", json!(false)),
        ("privileged", "privileged", json!(false)),
        ("run-as-group", "runAsGroup", json!(1)),
        ("run-as-non-root", "runAsNonRoot", json!(true)),
    ] {
        for which in per_container {
            let location = format!("spec.{}[name: *].securityContext.{field}", list_of(which));
            out.push(object("Assign", name(base, &format!("-{which}")), location, assign(value.clone())));
        }
    }
    // The "-container" seccomp mutator sets the pod-level profile; ephemeral and init
    // containers get their own.
    for which in per_container {
        let location = match which {
            "container" => "spec.securityContext.seccompProfile.type".to_string(),
            other => format!("spec.{}[name: *].securityContext.seccompProfile.type", list_of(other)),
        };
        out.push(object(
            "Assign",
            name("seccomp-profile", &format!("-{which}")),
            location,
            assign(json!("RuntimeDefault")),
        ));
    }
    out.push(object(
        "ModifySet",
        name("supplemental-groups", ""),
        "spec.securityContext.supplementalGroups".into(),
        json!({ "values": { "fromList": [1] } }),
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eras() {
        assert_eq!(Ck8sEra::for_profile("compliant-kubernetes-v0.19"), Ck8sEra::V0_19);
        assert_eq!(Ck8sEra::for_profile("compliant-kubernetes"), Ck8sEra::LATEST);
        assert_eq!(Ck8sEra::for_profile("ck8s-v0.30.2-prod"), Ck8sEra::V0_30);
        assert_eq!(Ck8sEra::parse("v0.34.1"), Some(Ck8sEra::V0_34));
        assert_eq!(Ck8sEra::parse("1.0"), None);
        assert_eq!(Ck8sEra::V0_19.message_style(), MessageStyle::Original);
        assert_eq!(Ck8sEra::new(33).message_style(), MessageStyle::Original);
        assert_eq!(Ck8sEra::V0_34.message_style(), MessageStyle::Elastisys);
        assert_eq!(Ck8sEra::new(43).message_style(), MessageStyle::Elastisys);
        assert_eq!(Ck8sEra::V0_44.message_style(), MessageStyle::Welkin);
        assert_eq!(Ck8sEra::V0_19.gatekeeper_version(), GatekeeperVersion::V3_3_0);
        assert_eq!(Ck8sEra::V0_20.gatekeeper_version(), GatekeeperVersion::V3_7_0);
        assert_eq!(Ck8sEra::new(28).gatekeeper_version(), GatekeeperVersion::V3_7_0);
        assert_eq!(Ck8sEra::V0_29.gatekeeper_version(), GatekeeperVersion::V3_11_0);
        assert_eq!(Ck8sEra::new(38).gatekeeper_version(), GatekeeperVersion::V3_15_1);
        assert_eq!(Ck8sEra::LATEST.gatekeeper_version(), GatekeeperVersion::V3_20_1);
    }

    #[test]
    fn quoting() {
        assert_eq!(go_quote("app"), "\"app\"");
        assert_eq!(go_quote("a\"b\\c\n"), "\"a\\\"b\\\\c\\n\"");
        assert_eq!(
            rego_array(&["harbor.example.com".into(), "quay.io/x".into()]),
            "[\"harbor.example.com\", \"quay.io/x\"]"
        );
        assert_eq!(rego_array(&[]), "[]");
    }

    fn summary(preset: &Ck8sPreset) -> Vec<(String, String, String)> {
        preset.constraints.iter().map(|c| (c.kind.clone(), c.name.clone(), c.enforcement_action.to_string())).collect()
    }

    #[test]
    fn preset_v0_19() {
        let preset = presets(Ck8sEra::V0_19, None);
        assert_eq!(preset.gatekeeper, GatekeeperVersion::V3_3_0);
        let expected: Vec<(String, String, String)> = [
            ("K8sAllowedRepos", "require-harbor-repo", "deny"),
            ("K8sRequireNetworkPolicy", "require-networkpolicy", "deny"),
            ("K8sResourceRequests", "require-resource-requests", "deny"),
        ]
        .iter()
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
        .collect();
        assert_eq!(summary(&preset), expected);
        assert_eq!(
            preset.constraints[0].policy,
            PolicyKind::AllowedRepos { repos: Some(vec!["set-me".into(), "harbor.example.com".into()]) }
        );
        assert!(preset.mutations.is_empty());
        assert!(preset.constraints[0].matcher.excluded_namespaces.is_none());
    }

    #[test]
    fn preset_defaults_per_era() {
        let actions = |era| summary(&presets(era, None)).into_iter().map(|(_, _, a)| a).collect::<Vec<_>>();
        assert_eq!(actions(Ck8sEra::V0_20), ["deny", "deny", "deny", "dryrun"]);
        assert_eq!(actions(Ck8sEra::new(28)), ["deny", "deny", "deny", "dryrun"]);
        assert_eq!(actions(Ck8sEra::V0_29), ["warn", "warn", "deny", "deny"]);
        assert_eq!(actions(Ck8sEra::LATEST), ["warn", "warn", "deny", "deny"]);
        let names: Vec<String> = summary(&presets(Ck8sEra::V0_34, None)).into_iter().map(|(_, n, _)| n).collect();
        assert_eq!(
            names,
            [
                "elastisys-require-harbor-registry",
                "elastisys-require-networkpolicy",
                "elastisys-require-resource-requests",
                "elastisys-container-image-must-not-have-disallowed-tags"
            ]
        );
        assert!(presets(Ck8sEra::V0_34, None).constraints[0].matcher.excluded_namespaces.is_none());
        assert_eq!(
            presets(Ck8sEra::V0_36, None).constraints[0].matcher.excluded_namespaces.as_deref(),
            Some(
                &["kube-system".to_string(), "kube-public".into(), "kube-node-lease".into(), "calico-system".into()][..]
            )
        );
        assert_eq!(presets(Ck8sEra::V0_30, None).mutations.len(), 22);
    }

    #[test]
    fn preset_objects_round_trip() {
        for era in [Ck8sEra::V0_19, Ck8sEra::V0_29, Ck8sEra::LATEST] {
            for constraint in presets(era, None).constraints {
                let object = constraint.to_object();
                assert_eq!(Constraint::from_object(&object, era).unwrap(), constraint);
            }
        }
        let object = presets(Ck8sEra::V0_19, None).constraints[2].to_object();
        assert_eq!(object["apiVersion"], json!("constraints.gatekeeper.sh/v1alpha1"));
    }

    #[test]
    fn mutation_objects() {
        let mutations = restricted_default_mutations("default");
        let names: Vec<&str> = mutations.iter().map(|m| m["metadata"]["name"].as_str().unwrap()).collect();
        assert_eq!(names[0], "capabilities-default-restricted-container");
        assert!(names.contains(&"seccomp-profile-default-restricted-container"));
        assert!(names.contains(&"supplemental-groups-default-restricted"));
        let seccomp =
            mutations.iter().find(|m| m["metadata"]["name"] == "seccomp-profile-default-restricted-container").unwrap();
        assert_eq!(seccomp["spec"]["location"], json!("spec.securityContext.seccompProfile.type"));
        assert_eq!(seccomp["spec"]["parameters"]["pathTests"][0]["condition"], json!("MustNotExist"));
        let long = restricted_default_mutations("a-very-long-release-namespace-name-for-testing");
        assert!(long.iter().all(|m| m["metadata"]["name"].as_str().unwrap().len() <= 63));
    }
}
