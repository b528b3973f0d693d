//! Gatekeeper's validating and mutating webhooks, natively: constraints, their `spec.match`,
//! the four Compliant Kubernetes (CK8s) policies, the Assign / AssignMetadata / ModifySet
//! mutators, and how results become what the user sees for a given Gatekeeper version.
//!
//! Written from `shared/reference/gatekeeper.md` (§0, §1, §4, §5, §6) and checked against the
//! Gatekeeper sources at the release tags (`pkg/webhook/policy.go`, `pkg/util/
//! enforcement_action.go`, `pkg/mutation/**`, the vendored `open-policy-agent/frameworks`
//! client and Rego hook) and the CK8s apps repository at its release tags. The engine is pure.
//!
//! Pipeline of one validating review ([`evaluate`] / [`evaluate_for`]):
//!
//! 1. The webhook is not called for objects in namespaces labelled
//!    `admission.gatekeeper.sh/ignore` (the chart's `namespaceSelector`, any value;
//!    [`matching::webhook_ignores`]).
//! 2. Each constraint's `spec.match` is checked ([`matching`]); a match error becomes a result
//!    carrying the error as its message (frameworks' "autoreject", Gatekeeper ≥ 3.8).
//! 3. The constraint's policy runs ([`PolicyKind`]: the four CK8s built-ins, or a
//!    [`Policy`] implementation such as a Rego template engine); an evaluation error becomes
//!    one result whose message is the error text (frameworks `driver.go`). Identical messages
//!    of one constraint count once (the results are a Rego set).
//! 4. [`webhook_outcome`] turns the results into the denial text, the warnings and the
//!    audit-only (dryrun) results for a Gatekeeper version ([`messages`]).
//!
//! **Result order.** [`evaluate_for`] returns results grouped by constraint, constraints sorted
//! by kind then name (frameworks `Response.Sort`, Gatekeeper ≥ 3.8; in 3.3 – 3.7 the order
//! of constraints is that of OPA iterating `data.constraints`, which comes from a Go map and is
//! not deterministic, so Hostside uses the same kind/name order there), and within a
//! constraint in the policy's Rego evaluation order (rule by rule in source order, containers
//! in array order). From Gatekeeper 3.8 on, `Responses.Results()` then re-sorts every result
//! by enforcement action string and then by message (byte order) before the webhook formats
//! them; [`webhook_outcome`] applies that sort for those versions, so deny lines appear in
//! message order, not constraint order.
//!
//! **Enforcement actions** ([`EnforcementAction`]): a missing `spec.enforcementAction` is
//! `deny` (both in the Rego hook `get_default(spec, "enforcementAction", "deny")` and in
//! frameworks `ToResult`). An explicit empty string is *not* defaulted there: the result
//! carries `""`, which no Gatekeeper version acts on (3.3: only `deny` denies; ≥ 3.4:
//! `ValidateEnforcementAction` skips it), although the status (`GetEnforcementAction`) calls it
//! `deny`; Hostside models it as `Unrecognized("")`. `scoped` (Gatekeeper ≥ 3.17, with
//! `scopedEnforcementActions`) is not modelled and counts as unrecognized.

pub mod ck8s;
pub mod matching;
pub mod messages;
pub mod mutation;

pub use ck8s::Ck8sEra;
pub use matching::Match;
pub use messages::{WebhookOutcome, webhook_outcome};

use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

/// What Gatekeeper does with a constraint's violations.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum EnforcementAction {
    /// `deny` (also what a missing `spec.enforcementAction` means).
    Deny,
    /// `warn` (Gatekeeper ≥ 3.4): admission warnings, the object is admitted.
    Warn,
    /// `dryrun`: admitted silently, recorded by the audit only.
    Dryrun,
    /// Anything else, kept verbatim (`unrecognized` in the constraint's status): neither
    /// denies nor warns.
    Unrecognized(String),
}

impl EnforcementAction {
    /// From `spec.enforcementAction`: absent (or null, which the API server prunes) is `deny`;
    /// the exact lower-case names are recognised; anything else, including `""`, is kept as
    /// [`EnforcementAction::Unrecognized`].
    pub fn from_spec(value: Option<&str>) -> EnforcementAction {
        match value {
            None | Some("deny") => EnforcementAction::Deny,
            Some("warn") => EnforcementAction::Warn,
            Some("dryrun") => EnforcementAction::Dryrun,
            Some(other) => EnforcementAction::Unrecognized(other.to_string()),
        }
    }

    /// The string a result carries (`r.EnforcementAction`), which Gatekeeper ≥ 3.8 sorts by.
    pub fn as_str(&self) -> &str {
        match self {
            EnforcementAction::Deny => "deny",
            EnforcementAction::Warn => "warn",
            EnforcementAction::Dryrun => "dryrun",
            EnforcementAction::Unrecognized(text) => text,
        }
    }

    /// What the constraint's status reports (`util.GetEnforcementAction`): empty is `deny`,
    /// unsupported values (for `version`) are `unrecognized`.
    pub fn status_name(&self, version: GatekeeperVersion) -> &str {
        match self {
            EnforcementAction::Unrecognized(text) if text.is_empty() => "deny",
            EnforcementAction::Unrecognized(_) => "unrecognized",
            EnforcementAction::Warn if !version.supports_warn() => "unrecognized",
            other => other.as_str(),
        }
    }
}

impl fmt::Display for EnforcementAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A Gatekeeper release, `3.11.0`. Behaviour that changed between releases hangs off it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GatekeeperVersion {
    pub major: u32,
    pub minor: u32,
    pub patch: u32,
}

impl GatekeeperVersion {
    /// CK8s apps v0.19.
    pub const V3_3_0: GatekeeperVersion = GatekeeperVersion::new(3, 3, 0);
    /// CK8s apps v0.20 – v0.28.
    pub const V3_7_0: GatekeeperVersion = GatekeeperVersion::new(3, 7, 0);
    /// CK8s apps v0.29 – v0.37.
    pub const V3_11_0: GatekeeperVersion = GatekeeperVersion::new(3, 11, 0);
    /// CK8s apps v0.38 – v0.45.
    pub const V3_15_1: GatekeeperVersion = GatekeeperVersion::new(3, 15, 1);
    /// CK8s apps v0.46 – v0.49.
    pub const V3_18_2: GatekeeperVersion = GatekeeperVersion::new(3, 18, 2);
    /// CK8s apps v0.50.
    pub const V3_20_1: GatekeeperVersion = GatekeeperVersion::new(3, 20, 1);
    /// The newest release whose behaviour is modelled; also the [`Default`].
    pub const LATEST: GatekeeperVersion = GatekeeperVersion::V3_20_1;

    pub const fn new(major: u32, minor: u32, patch: u32) -> GatekeeperVersion {
        GatekeeperVersion { major, minor, patch }
    }

    /// `3.3.0`, `v3.11.1`, `3.7` (patch 0); a pre-release suffix (`-rc.1`) is ignored.
    pub fn parse(text: &str) -> Option<GatekeeperVersion> {
        let text = text.trim();
        let text = text.strip_prefix('v').unwrap_or(text);
        let core = text.split(['-', '+']).next()?;
        let mut parts = core.split('.');
        let major = parts.next()?.parse().ok()?;
        let minor = parts.next()?.parse().ok()?;
        let patch = match parts.next() {
            Some(p) => p.parse().ok()?,
            None => 0,
        };
        if parts.next().is_some() {
            return None;
        }
        Some(GatekeeperVersion { major, minor, patch })
    }

    fn at_least(self, minor: u32) -> bool {
        self >= GatekeeperVersion::new(3, minor, 0)
    }

    /// Deny lines read `[denied by <constraint>] <msg>` (≤ 3.3) instead of `[<constraint>] <msg>`.
    pub fn denied_by_prefix(self) -> bool {
        !self.at_least(4)
    }

    /// `warn` exists (3.4+); 3.3 knows only `deny` and `dryrun`.
    pub fn supports_warn(self) -> bool {
        self.at_least(4)
    }

    /// `Responses.Results()` sorts results by action, then message (frameworks of 3.8+).
    pub fn sorts_results(self) -> bool {
        self.at_least(8)
    }

    /// Constraint `spec.match` evaluated by the Rego target library (≤ 3.7) rather than by Go
    /// (`pkg/mutation/match`, 3.8+).
    pub fn rego_matching(self) -> bool {
        !self.at_least(8)
    }

    /// Assign `parameters.assignIf` exists (3.4 – 3.6, removed in 3.7).
    pub fn has_assign_if(self) -> bool {
        self.at_least(4) && !self.at_least(7)
    }
}

impl Default for GatekeeperVersion {
    fn default() -> Self {
        GatekeeperVersion::LATEST
    }
}

impl fmt::Display for GatekeeperVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

/// One violation a policy reports: Rego's `{"msg": …, "details": …}`.
#[derive(Clone, Debug, PartialEq)]
pub struct Violation {
    pub msg: String,
    /// `details`, `{}` when the policy gives none.
    pub details: Value,
}

impl Violation {
    pub fn new(msg: impl Into<String>) -> Violation {
        Violation { msg: msg.into(), details: json!({}) }
    }
}

/// A policy implemented outside this module (a Rego ConstraintTemplate, later). It receives
/// what Gatekeeper's Rego receives: the review (`input.review`, see [`Review::to_input`]), the
/// constraint's `spec.parameters` (`{}` when absent) and the synced inventory
/// (`data.inventory`, see [`Inventory::to_data`]). An `Err` becomes one result whose message is
/// the error text, as Gatekeeper reports a failing template.
pub trait Policy: fmt::Debug + Send + Sync {
    fn violations(
        &self,
        review: &Review<'_>,
        parameters: &Value,
        inventory: &Inventory<'_>,
    ) -> Result<Vec<Violation>, String>;
}

/// What a constraint checks.
#[derive(Clone, Debug)]
pub enum PolicyKind {
    /// CK8s `K8sAllowedRepos` (template `k8sallowedrepos`). `None`: the constraint has no
    /// `parameters.repos`, and then reports nothing (the message's argument is undefined).
    AllowedRepos { repos: Option<Vec<String>> },
    /// CK8s `K8sRequireNetworkPolicy` (referential: the inventory's NetworkPolicies).
    RequireNetworkPolicy,
    /// CK8s `K8sResourceRequests`.
    ResourceRequests,
    /// CK8s `K8sDisallowedTags` (v0.20+).
    DisallowedTags { tags: Vec<String> },
    /// Any other template, evaluated by `policy` with `parameters`.
    Custom { policy: Arc<dyn Policy>, parameters: Value },
}

impl PartialEq for PolicyKind {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (PolicyKind::AllowedRepos { repos: a }, PolicyKind::AllowedRepos { repos: b }) => a == b,
            (PolicyKind::RequireNetworkPolicy, PolicyKind::RequireNetworkPolicy) => true,
            (PolicyKind::ResourceRequests, PolicyKind::ResourceRequests) => true,
            (PolicyKind::DisallowedTags { tags: a }, PolicyKind::DisallowedTags { tags: b }) => a == b,
            (PolicyKind::Custom { policy: a, parameters: pa }, PolicyKind::Custom { policy: b, parameters: pb }) => {
                Arc::ptr_eq(a, b) && pa == pb
            }
            _ => false,
        }
    }
}

/// The built-in constraint kinds.
pub const BUILTIN_KINDS: &[&str] =
    &["K8sAllowedRepos", "K8sRequireNetworkPolicy", "K8sResourceRequests", "K8sDisallowedTags"];

/// One constraint (`constraints.gatekeeper.sh`).
#[derive(Clone, Debug, PartialEq)]
pub struct Constraint {
    /// The constraint kind, `K8sAllowedRepos`.
    pub kind: String,
    /// `metadata.name`, shown in every message line.
    pub name: String,
    pub enforcement_action: EnforcementAction,
    pub matcher: Match,
    pub policy: PolicyKind,
    /// Which CK8s release's wording (and Rego) the built-in policies use.
    pub message_era: Ck8sEra,
}

impl Constraint {
    /// Reads a constraint object of one of the four built-in kinds.
    pub fn from_object(object: &Value, era: Ck8sEra) -> Result<Constraint, String> {
        Constraint::from_object_with(object, era, &|_| None)
    }

    /// Reads a constraint object; kinds other than the built-ins are looked up with `resolve`
    /// (the template's policy), else refused.
    pub fn from_object_with(
        object: &Value,
        era: Ck8sEra,
        resolve: &dyn Fn(&str) -> Option<Arc<dyn Policy>>,
    ) -> Result<Constraint, String> {
        let api_version = object.get("apiVersion").and_then(Value::as_str).unwrap_or_default();
        let kind = object
            .get("kind")
            .and_then(Value::as_str)
            .filter(|k| !k.is_empty())
            .ok_or("a Gatekeeper constraint needs a kind")?;
        let name = object.pointer("/metadata/name").and_then(Value::as_str).filter(|n| !n.is_empty());
        let name = name.ok_or_else(|| format!("{kind} constraint without metadata.name"))?;
        let label = format!("{kind} {name}");
        if !api_version.starts_with("constraints.gatekeeper.sh/") {
            return Err(format!("{label}: apiVersion {api_version:?} is not constraints.gatekeeper.sh/<version>"));
        }
        let spec = match object.get("spec") {
            None | Some(Value::Null) => &Value::Null,
            Some(spec @ Value::Object(_)) => spec,
            Some(_) => return Err(format!("{label}: spec must be an object")),
        };
        let enforcement_action = match spec.get("enforcementAction") {
            None | Some(Value::Null) => EnforcementAction::Deny,
            Some(Value::String(text)) => EnforcementAction::from_spec(Some(text)),
            Some(_) => return Err(format!("{label}: spec.enforcementAction must be a string")),
        };
        let matcher = match spec.get("match") {
            None | Some(Value::Null) => Match::default(),
            Some(value) => Match::from_value(value).map_err(|e| format!("{label}: spec.match: {e}"))?,
        };
        let parameters = match spec.get("parameters") {
            None | Some(Value::Null) => Value::Object(Map::new()),
            Some(value @ Value::Object(_)) => value.clone(),
            Some(_) => return Err(format!("{label}: spec.parameters must be an object")),
        };
        let strings = |key: &str| -> Result<Option<Vec<String>>, String> {
            match parameters.get(key) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::Array(items)) => items
                    .iter()
                    .map(|item| {
                        item.as_str()
                            .map(String::from)
                            .ok_or_else(|| format!("{label}: spec.parameters.{key} must be a list of strings"))
                    })
                    .collect::<Result<Vec<_>, _>>()
                    .map(Some),
                Some(_) => Err(format!("{label}: spec.parameters.{key} must be a list of strings")),
            }
        };
        let policy = match kind {
            "K8sAllowedRepos" => PolicyKind::AllowedRepos { repos: strings("repos")? },
            "K8sRequireNetworkPolicy" => PolicyKind::RequireNetworkPolicy,
            "K8sResourceRequests" => PolicyKind::ResourceRequests,
            "K8sDisallowedTags" => PolicyKind::DisallowedTags { tags: strings("tags")?.unwrap_or_default() },
            other => match resolve(other) {
                Some(policy) => PolicyKind::Custom { policy, parameters },
                None => {
                    return Err(format!(
                        "{label}: no policy for constraint kind {other} (built in: {}; other kinds need their ConstraintTemplate)",
                        BUILTIN_KINDS.join(", ")
                    ));
                }
            },
        };
        Ok(Constraint {
            kind: kind.to_string(),
            name: name.to_string(),
            enforcement_action,
            matcher,
            policy,
            message_era: era,
        })
    }

    /// The constraint as a Kubernetes object (`constraints.gatekeeper.sh/v1beta1`, or
    /// `v1alpha1` for `K8sResourceRequests` as CK8s ships it).
    pub fn to_object(&self) -> Value {
        let version = if self.kind == "K8sResourceRequests" { "v1alpha1" } else { "v1beta1" };
        let mut spec = Map::new();
        spec.insert("enforcementAction".into(), json!(self.enforcement_action.as_str()));
        spec.insert("match".into(), self.matcher.to_value());
        match &self.policy {
            PolicyKind::AllowedRepos { repos: Some(repos) } => {
                spec.insert("parameters".into(), json!({ "repos": repos }));
            }
            PolicyKind::DisallowedTags { tags } => {
                spec.insert("parameters".into(), json!({ "tags": tags }));
            }
            PolicyKind::Custom { parameters, .. } if parameters.as_object().is_some_and(|p| !p.is_empty()) => {
                spec.insert("parameters".into(), parameters.clone());
            }
            _ => {}
        }
        json!({
            "apiVersion": format!("constraints.gatekeeper.sh/{version}"),
            "kind": self.kind,
            "metadata": { "name": self.name },
            "spec": spec,
        })
    }

    /// Runs the constraint's policy on a review (without checking `spec.match`).
    pub fn violations(&self, review: &Review<'_>, inventory: &Inventory<'_>) -> Result<Vec<Violation>, String> {
        let era = self.message_era;
        let object = review.object;
        let messages = match &self.policy {
            PolicyKind::AllowedRepos { repos } => ck8s::allowed_repos::violations(object, repos.as_deref(), era),
            PolicyKind::RequireNetworkPolicy => {
                ck8s::require_network_policy::violations(object, review.namespace, inventory, era)
            }
            PolicyKind::ResourceRequests => ck8s::resource_requests::violations(object, era),
            PolicyKind::DisallowedTags { tags } => ck8s::disallowed_tags::violations(object, tags, era),
            PolicyKind::Custom { policy, parameters } => return policy.violations(review, parameters, inventory),
        };
        Ok(messages.into_iter().map(Violation::new).collect())
    }
}

/// What Gatekeeper has synced (`data.inventory`): objects by namespace (or cluster scope),
/// `apiVersion` (`v1`, `networking.k8s.io/v1`), kind and name. An object is cluster-scoped
/// exactly when its `metadata.namespace` is empty. Gatekeeper holds only the kinds of its sync
/// configuration; CK8s syncs `networking.k8s.io/v1` NetworkPolicies, which is all its
/// NetworkPolicy rule reads, so holding more does not change results.
#[derive(Clone, Debug, Default)]
pub struct Inventory<'a> {
    namespaced: BTreeMap<String, Grouped<'a>>,
    cluster: Grouped<'a>,
}

type Grouped<'a> = BTreeMap<String, BTreeMap<String, BTreeMap<String, &'a Value>>>;

impl<'a> Inventory<'a> {
    pub fn new(objects: impl IntoIterator<Item = &'a Value>) -> Inventory<'a> {
        let mut inventory = Inventory::default();
        for object in objects {
            inventory.add(object);
        }
        inventory
    }

    /// Files one object (a later object with the same name replaces an earlier one).
    pub fn add(&mut self, object: &'a Value) {
        let (Some(api_version), Some(kind)) =
            (object.get("apiVersion").and_then(Value::as_str), object.get("kind").and_then(Value::as_str))
        else {
            return;
        };
        let metadata = object.get("metadata");
        let name = metadata.and_then(|m| m.get("name")).and_then(Value::as_str).unwrap_or_default().to_string();
        let namespace = metadata.and_then(|m| m.get("namespace")).and_then(Value::as_str).unwrap_or_default();
        let grouped = if namespace.is_empty() {
            &mut self.cluster
        } else {
            self.namespaced.entry(namespace.to_string()).or_default()
        };
        grouped.entry(api_version.to_string()).or_default().entry(kind.to_string()).or_default().insert(name, object);
    }

    /// Objects of `api_version`/`kind` in `namespace`, by name.
    pub fn namespaced(&self, namespace: &str, api_version: &str, kind: &str) -> impl Iterator<Item = &'a Value> + '_ {
        self.namespaced
            .get(namespace)
            .and_then(|g| g.get(api_version))
            .and_then(|k| k.get(kind))
            .into_iter()
            .flat_map(|m| m.values().copied())
    }

    /// Cluster-scoped objects of `api_version`/`kind`, by name.
    pub fn cluster(&self, api_version: &str, kind: &str) -> impl Iterator<Item = &'a Value> + '_ {
        self.cluster.get(api_version).and_then(|k| k.get(kind)).into_iter().flat_map(|m| m.values().copied())
    }

    /// `data.inventory` as Gatekeeper lays it out for Rego:
    /// `{"cluster": {gv: {kind: {name: obj}}}, "namespace": {ns: {gv: {kind: {name: obj}}}}}`.
    pub fn to_data(&self) -> Value {
        fn grouped(g: &Grouped<'_>) -> Value {
            let mut out = Map::new();
            for (gv, kinds) in g {
                let mut by_kind = Map::new();
                for (kind, names) in kinds {
                    by_kind.insert(
                        kind.clone(),
                        Value::Object(names.iter().map(|(n, o)| (n.clone(), (*o).clone())).collect()),
                    );
                }
                out.insert(gv.clone(), Value::Object(by_kind));
            }
            Value::Object(out)
        }
        let namespaces: Map<String, Value> = self.namespaced.iter().map(|(ns, g)| (ns.clone(), grouped(g))).collect();
        json!({ "cluster": grouped(&self.cluster), "namespace": namespaces })
    }
}

/// One admission review of an object.
#[derive(Clone, Copy, Debug)]
pub struct Review<'a> {
    /// The object as the API server sends it to the webhook.
    pub object: &'a Value,
    /// The request's namespace (`AdmissionRequest.namespace`); `None` for cluster-scoped
    /// objects. Also what an empty `metadata.namespace` is filled with, as the API server does
    /// before admission.
    pub namespace: Option<&'a str>,
    /// Labels of that namespace (for `namespaceSelector` and the ignore label).
    pub namespace_labels: &'a BTreeMap<String, String>,
    /// `CREATE`, `UPDATE`… (the four CK8s policies do not look at it).
    pub operation: &'a str,
}

impl Review<'_> {
    /// `(group, version, kind)` of the object, from `apiVersion` and `kind`.
    pub fn group_version_kind(&self) -> (&str, &str, &str) {
        let api_version = self.object.get("apiVersion").and_then(Value::as_str).unwrap_or_default();
        let (group, version) = split_api_version(api_version);
        (group, version, self.object.get("kind").and_then(Value::as_str).unwrap_or_default())
    }

    /// `input.review` as Gatekeeper builds it from the AdmissionRequest (for Rego policies).
    pub fn to_input(&self) -> Value {
        let (group, version, kind) = self.group_version_kind();
        let name = self.object.pointer("/metadata/name").and_then(Value::as_str).unwrap_or_default();
        let mut review = json!({
            "kind": { "group": group, "version": version, "kind": kind },
            "name": name,
            "operation": self.operation,
            "object": self.object,
        });
        if let Some(namespace) = self.namespace.filter(|n| !n.is_empty()) {
            review["namespace"] = json!(namespace);
        }
        review
    }
}

/// `apps/v1` → (`apps`, `v1`); `v1` → (``, `v1`).
pub(crate) fn split_api_version(api_version: &str) -> (&str, &str) {
    api_version.rsplit_once('/').unwrap_or(("", api_version))
}

/// One result of a review: a violation of one constraint.
#[derive(Clone, Debug, PartialEq)]
pub struct ViolationResult {
    /// The constraint's name.
    pub constraint: String,
    /// The constraint's kind.
    pub kind: String,
    pub action: EnforcementAction,
    /// The policy's message, without the `[name]` prefix.
    pub message: String,
}

/// [`evaluate_for`] with the newest modelled Gatekeeper's matching semantics.
pub fn evaluate(constraints: &[Constraint], review: &Review<'_>, inventory: &Inventory<'_>) -> Vec<ViolationResult> {
    evaluate_for(constraints, review, inventory, GatekeeperVersion::LATEST)
}

/// Evaluates every constraint on one object as Gatekeeper `version`'s validating webhook does
/// (see the module docs for the order of the results).
pub fn evaluate_for(
    constraints: &[Constraint],
    review: &Review<'_>,
    inventory: &Inventory<'_>,
    version: GatekeeperVersion,
) -> Vec<ViolationResult> {
    if matching::webhook_ignores(review.object, review.namespace, review.namespace_labels) {
        return Vec::new();
    }
    let mut ordered: Vec<&Constraint> = constraints.iter().collect();
    ordered.sort_by(|a, b| (a.kind.as_str(), a.name.as_str()).cmp(&(b.kind.as_str(), b.name.as_str())));
    let target = matching::Target::of_review(review);
    let mut results = Vec::new();
    for constraint in ordered {
        let result = |message: String| ViolationResult {
            constraint: constraint.name.clone(),
            kind: constraint.kind.clone(),
            action: constraint.enforcement_action.clone(),
            message,
        };
        match constraint.matcher.matches(&target, version) {
            Ok(true) => {}
            Ok(false) => continue,
            Err(error) => {
                results.push(result(error));
                continue;
            }
        }
        let violations = constraint.violations(review, inventory).unwrap_or_else(|error| vec![Violation::new(error)]);
        let mut seen: Vec<&Violation> = Vec::new();
        for violation in &violations {
            if seen.contains(&violation) {
                continue;
            }
            seen.push(violation);
            results.push(result(violation.msg.clone()));
        }
    }
    results
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pod(namespace: &str, containers: Value) -> Value {
        json!({
            "apiVersion": "v1", "kind": "Pod",
            "metadata": { "name": "web", "namespace": namespace, "labels": { "app": "web" } },
            "spec": { "containers": containers },
        })
    }

    #[test]
    fn versions_parse_and_order() {
        assert_eq!(GatekeeperVersion::parse("3.3.0"), Some(GatekeeperVersion::V3_3_0));
        assert_eq!(GatekeeperVersion::parse("v3.11.1"), Some(GatekeeperVersion::new(3, 11, 1)));
        assert_eq!(GatekeeperVersion::parse("3.7"), Some(GatekeeperVersion::V3_7_0));
        assert_eq!(GatekeeperVersion::parse("3.8.0-rc.1"), Some(GatekeeperVersion::new(3, 8, 0)));
        assert_eq!(GatekeeperVersion::parse("three"), None);
        assert_eq!(GatekeeperVersion::parse("3.1.2.3"), None);
        assert!(GatekeeperVersion::V3_3_0 < GatekeeperVersion::V3_11_0);
        assert!(GatekeeperVersion::V3_3_0.denied_by_prefix());
        assert!(!GatekeeperVersion::new(3, 4, 0).denied_by_prefix());
        assert!(!GatekeeperVersion::V3_3_0.supports_warn());
        assert!(!GatekeeperVersion::V3_7_0.sorts_results() && GatekeeperVersion::V3_11_0.sorts_results());
        assert!(GatekeeperVersion::new(3, 5, 0).has_assign_if() && !GatekeeperVersion::V3_7_0.has_assign_if());
        assert_eq!(GatekeeperVersion::default().to_string(), "3.20.1");
    }

    #[test]
    fn enforcement_actions() {
        assert_eq!(EnforcementAction::from_spec(None), EnforcementAction::Deny);
        assert_eq!(EnforcementAction::from_spec(Some("warn")), EnforcementAction::Warn);
        assert_eq!(EnforcementAction::from_spec(Some("dryrun")), EnforcementAction::Dryrun);
        assert_eq!(EnforcementAction::from_spec(Some("Deny")), EnforcementAction::Unrecognized("Deny".into()));
        let empty = EnforcementAction::from_spec(Some(""));
        assert_eq!(empty.status_name(GatekeeperVersion::LATEST), "deny");
        assert_eq!(EnforcementAction::Warn.status_name(GatekeeperVersion::V3_3_0), "unrecognized");
        assert_eq!(EnforcementAction::Unrecognized("x".into()).status_name(GatekeeperVersion::LATEST), "unrecognized");
    }

    #[test]
    fn constraint_from_object_reads_the_four_kinds() {
        let object = json!({
            "apiVersion": "constraints.gatekeeper.sh/v1beta1", "kind": "K8sAllowedRepos",
            "metadata": { "name": "require-harbor-repo" },
            "spec": { "match": { "kinds": [{ "apiGroups": [""], "kinds": ["Pod"] }] }, "parameters": { "repos": ["harbor.example.com"] } },
        });
        let constraint = Constraint::from_object(&object, Ck8sEra::V0_19).unwrap();
        assert_eq!(constraint.enforcement_action, EnforcementAction::Deny);
        assert_eq!(constraint.policy, PolicyKind::AllowedRepos { repos: Some(vec!["harbor.example.com".into()]) });
        let round = Constraint::from_object(&constraint.to_object(), Ck8sEra::V0_19).unwrap();
        assert_eq!(round, constraint);

        let no_repos = json!({ "apiVersion": "constraints.gatekeeper.sh/v1beta1", "kind": "K8sAllowedRepos", "metadata": { "name": "x" } });
        assert_eq!(
            Constraint::from_object(&no_repos, Ck8sEra::LATEST).unwrap().policy,
            PolicyKind::AllowedRepos { repos: None }
        );

        let bad_repos = json!({ "apiVersion": "constraints.gatekeeper.sh/v1beta1", "kind": "K8sAllowedRepos", "metadata": { "name": "x" }, "spec": { "parameters": { "repos": [1] } } });
        assert!(Constraint::from_object(&bad_repos, Ck8sEra::LATEST).unwrap_err().contains("list of strings"));
        let unknown = json!({ "apiVersion": "constraints.gatekeeper.sh/v1beta1", "kind": "K8sPSPPrivileged", "metadata": { "name": "x" } });
        assert!(
            Constraint::from_object(&unknown, Ck8sEra::LATEST)
                .unwrap_err()
                .contains("no policy for constraint kind K8sPSPPrivileged")
        );
        let wrong_group = json!({ "apiVersion": "v1", "kind": "K8sAllowedRepos", "metadata": { "name": "x" } });
        assert!(Constraint::from_object(&wrong_group, Ck8sEra::LATEST).is_err());
        let not_string = json!({ "apiVersion": "constraints.gatekeeper.sh/v1", "kind": "K8sResourceRequests", "metadata": { "name": "x" }, "spec": { "enforcementAction": 1 } });
        assert!(Constraint::from_object(&not_string, Ck8sEra::LATEST).unwrap_err().contains("must be a string"));
    }

    #[derive(Debug)]
    struct Fixed(Result<Vec<Violation>, String>);

    impl Policy for Fixed {
        fn violations(&self, _: &Review<'_>, parameters: &Value, _: &Inventory<'_>) -> Result<Vec<Violation>, String> {
            assert_eq!(parameters, &json!({ "limit": 2 }));
            self.0.clone()
        }
    }

    #[test]
    fn custom_policies_join_through_the_trait() {
        let object = json!({
            "apiVersion": "constraints.gatekeeper.sh/v1beta1", "kind": "K8sCustom", "metadata": { "name": "custom" },
            "spec": { "enforcementAction": "warn", "parameters": { "limit": 2 } },
        });
        let failing: Arc<dyn Policy> = Arc::new(Fixed(Err("template error".into())));
        let constraint = Constraint::from_object_with(&object, Ck8sEra::LATEST, &|kind| {
            (kind == "K8sCustom").then(|| failing.clone())
        })
        .unwrap();
        let pod = pod("team", json!([{ "name": "app", "image": "nginx" }]));
        let labels = BTreeMap::new();
        let review = Review { object: &pod, namespace: Some("team"), namespace_labels: &labels, operation: "CREATE" };
        let results = evaluate(&[constraint], &review, &Inventory::default());
        assert_eq!(results.len(), 1);
        assert_eq!(results[0].message, "template error");
        assert_eq!(results[0].action, EnforcementAction::Warn);

        let twice: Arc<dyn Policy> =
            Arc::new(Fixed(Ok(vec![Violation::new("same"), Violation::new("same"), Violation::new("other")])));
        let constraint = Constraint::from_object_with(&object, Ck8sEra::LATEST, &|_| Some(twice.clone())).unwrap();
        let messages: Vec<String> =
            evaluate(&[constraint], &review, &Inventory::default()).into_iter().map(|r| r.message).collect();
        assert_eq!(messages, ["same", "other"]);
    }

    #[test]
    fn results_come_by_constraint_kind_then_name() {
        let preset = ck8s::presets(Ck8sEra::V0_20, Some(&["harbor.example.com".to_string()]));
        let pod = pod("team", json!([{ "name": "app", "image": "nginx" }]));
        let labels = BTreeMap::new();
        let review = Review { object: &pod, namespace: Some("team"), namespace_labels: &labels, operation: "CREATE" };
        let results = evaluate_for(&preset.constraints, &review, &Inventory::default(), preset.gatekeeper);
        let order: Vec<(&str, &str)> = results.iter().map(|r| (r.kind.as_str(), r.message.as_str())).collect();
        assert_eq!(
            order,
            [
                (
                    "K8sAllowedRepos",
                    "container \"app\" has an invalid image repo \"nginx\", allowed repos are [\"harbor.example.com\"]"
                ),
                ("K8sDisallowedTags", "container <app> didn't specify an image tag <nginx>"),
                ("K8sRequireNetworkPolicy", "No matching networkpolicy found"),
                ("K8sResourceRequests", "Container \"app\" has no resource requests"),
            ]
        );
    }

    fn compliant_pod(namespace: &str) -> Value {
        pod(
            namespace,
            json!([{ "name": "app", "image": "harbor.example.com/team/app:1.0", "resources": { "requests": { "cpu": "100m", "memory": "64Mi" } } }]),
        )
    }

    #[test]
    fn documented_v0_19_denial_end_to_end() {
        let preset = ck8s::presets(Ck8sEra::V0_19, None);
        let labels = BTreeMap::from([("kubernetes.io/metadata.name".to_string(), "demo".to_string())]);
        let object = compliant_pod("demo");
        let review =
            Review { object: &object, namespace: Some("demo"), namespace_labels: &labels, operation: "CREATE" };
        let results = evaluate_for(&preset.constraints, &review, &Inventory::default(), preset.gatekeeper);
        let outcome = webhook_outcome(&results, preset.gatekeeper);
        assert_eq!(
            outcome.denied.as_deref(),
            Some(
                "admission webhook \"validation.gatekeeper.sh\" denied the request: [denied by require-networkpolicy] No matching networkpolicy found"
            )
        );
        // A default-deny NetworkPolicy in the namespace lets it through.
        let policy = json!({
            "apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
            "metadata": { "name": "default-deny", "namespace": "demo" }, "spec": { "podSelector": {} },
        });
        let results = evaluate_for(&preset.constraints, &review, &Inventory::new([&policy]), preset.gatekeeper);
        assert!(results.is_empty());
        // Platform namespaces (owner: operator) are not matched.
        let platform = BTreeMap::from([("owner".to_string(), "operator".to_string())]);
        let review = Review { namespace_labels: &platform, ..review };
        assert!(evaluate_for(&preset.constraints, &review, &Inventory::default(), preset.gatekeeper).is_empty());
    }

    #[test]
    fn current_defaults_end_to_end() {
        let preset = ck8s::presets(Ck8sEra::LATEST, Some(&["harbor.example.com".to_string()]));
        let labels = BTreeMap::new();
        let object = pod("team", json!([{ "name": "app", "image": "nginx" }]));
        let review =
            Review { object: &object, namespace: Some("team"), namespace_labels: &labels, operation: "CREATE" };
        let results = evaluate_for(&preset.constraints, &review, &Inventory::default(), preset.gatekeeper);
        let outcome = webhook_outcome(&results, preset.gatekeeper);
        // Gatekeeper 3.20 sorts by message: "…didn't…" before "…has no…".
        let welkin = "Elastisys Welkin®";
        assert_eq!(
            outcome.denied.unwrap(),
            format!(
                "admission webhook \"validation.gatekeeper.sh\" denied the request: [elastisys-container-image-must-not-have-disallowed-tags] The container named <app> didn't specify an image tag. {welkin} requires all images to have tags to avoid the implicit :latest tag. Read more at https://elastisys.io/welkin/user-guide/safeguards/enforce-no-latest-tag/\n[elastisys-require-resource-requests] The container named <app> has no resource requests. {welkin} requires resource requests to be set for all containers. Read more at https://elastisys.io/welkin/user-guide/safeguards/enforce-resources/"
            )
        );
        assert_eq!(
            outcome.warnings,
            [
                format!(
                    "[elastisys-require-networkpolicy] No matching networkpolicy found. {welkin} requires that all pods are targeted by NetworkPolicies. Read more at https://elastisys.io/welkin/user-guide/safeguards/enforce-networkpolicies/"
                ),
                format!(
                    "[elastisys-require-harbor-registry] The container named <app> does not have an allowed image registry <nginx>, allowed registries are <[\"harbor.example.com\"]>. {welkin} requires that all images come from trusted registries. Read more at https://elastisys.io/welkin/user-guide/safeguards/enforce-trusted-registries/"
                ),
            ]
        );
        // v0.20 – v0.28: tags are dryrun, the rest deny, in review order (Gatekeeper 3.7).
        let preset = ck8s::presets(Ck8sEra::V0_20, Some(&["harbor.example.com".to_string()]));
        let results = evaluate_for(&preset.constraints, &review, &Inventory::default(), preset.gatekeeper);
        let outcome = webhook_outcome(&results, preset.gatekeeper);
        assert_eq!(
            outcome.deny_messages,
            [
                "[require-harbor-repo] container \"app\" has an invalid image repo \"nginx\", allowed repos are [\"harbor.example.com\"]",
                "[require-networkpolicy] No matching networkpolicy found",
                "[require-resource-requests] Container \"app\" has no resource requests",
            ]
        );
        assert_eq!(outcome.dryrun.len(), 1);
        assert!(outcome.warnings.is_empty());
    }

    #[test]
    fn ignored_namespaces_skip_the_webhook() {
        let preset = ck8s::presets(Ck8sEra::V0_19, None);
        let pod = pod("kube-system", json!([{ "name": "app", "image": "nginx" }]));
        let labels = BTreeMap::from([("admission.gatekeeper.sh/ignore".to_string(), "no-self-managing".to_string())]);
        let review =
            Review { object: &pod, namespace: Some("kube-system"), namespace_labels: &labels, operation: "CREATE" };
        assert!(evaluate(&preset.constraints, &review, &Inventory::default()).is_empty());
    }

    #[test]
    fn inventory_layout() {
        let np = json!({ "apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": { "name": "deny", "namespace": "team" } });
        let ns = json!({ "apiVersion": "v1", "kind": "Namespace", "metadata": { "name": "team" } });
        let inventory = Inventory::new([&np, &ns]);
        assert_eq!(inventory.namespaced("team", "networking.k8s.io/v1", "NetworkPolicy").count(), 1);
        assert_eq!(inventory.namespaced("other", "networking.k8s.io/v1", "NetworkPolicy").count(), 0);
        assert_eq!(inventory.cluster("v1", "Namespace").count(), 1);
        let data = inventory.to_data();
        assert_eq!(
            data.pointer("/namespace/team/networking.k8s.io~1v1/NetworkPolicy/deny/kind"),
            Some(&json!("NetworkPolicy"))
        );
        assert_eq!(data.pointer("/cluster/v1/Namespace/team/metadata/name"), Some(&json!("team")));
    }

    #[test]
    fn review_input_shape() {
        let deployment = json!({ "apiVersion": "apps/v1", "kind": "Deployment", "metadata": { "name": "web" } });
        let labels = BTreeMap::new();
        let review =
            Review { object: &deployment, namespace: Some("team"), namespace_labels: &labels, operation: "CREATE" };
        let input = review.to_input();
        assert_eq!(input["kind"], json!({ "group": "apps", "version": "v1", "kind": "Deployment" }));
        assert_eq!(input["namespace"], json!("team"));
        assert_eq!(input["name"], json!("web"));
    }
}
