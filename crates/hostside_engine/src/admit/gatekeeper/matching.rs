//! A constraint's (or mutator's) `spec.match`, and which namespaces Gatekeeper's webhooks never
//! see.
//!
//! Two implementations existed upstream, and Hostside follows the one of the version asked for:
//!
//! * **Gatekeeper ≤ 3.7**: the Rego target library (`pkg/target/target_template_source.go`).
//!   A `kinds` entry matches only when both its `apiGroups` and `kinds` lists contain the
//!   object's group/kind or `*` (an entry that omits either list, or `kinds: []`, matches
//!   nothing); `namespaces` / `excludedNamespaces` are exact names (3.3 – 3.5) plus, from 3.6,
//!   patterns ending in `*` matched as globs; `scope` only knows `*`, `Cluster`, `Namespaced`;
//!   `name` exists from 3.4; label selectors never fail (an `In` / `NotIn` with no values
//!   only checks the key's presence / is ignored, unknown operators are ignored).
//! * **Gatekeeper ≥ 3.8**: Go, `pkg/mutation/match` (always used for mutators). An empty
//!   `apiGroups` / `kinds` list matches everything; `namespaces`, `excludedNamespaces` and
//!   `name` take `prefix*` and `*suffix` (3.8) and also `*infix*` (3.9+) wildcards; label
//!   selectors go through `metav1.LabelSelectorAsSelector`, whose errors (an `In` without
//!   values…) make matching fail — for constraints that surfaces as a result whose message is
//!   `unable to match constraints: failed to run Match criteria: <error>`.
//!
//! In both, cluster-scoped objects other than Namespaces always pass `namespaces`,
//! `excludedNamespaces` and `namespaceSelector`; a Namespace is matched by its own name and
//! labels.

use super::{GatekeeperVersion, Review, split_api_version};
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

/// The label that takes a namespace out of both Gatekeeper webhooks (their
/// `namespaceSelector` is `DoesNotExist` on it, so any value counts).
pub const IGNORE_LABEL: &str = "admission.gatekeeper.sh/ignore";

/// Whether the API server skips Gatekeeper's webhooks for an object: namespaced objects in a
/// namespace labelled [`IGNORE_LABEL`], and Namespaces that carry it themselves. Cluster-scoped
/// objects are always sent.
pub fn webhook_ignores(object: &Value, namespace: Option<&str>, namespace_labels: &BTreeMap<String, String>) -> bool {
    let api_version = object.get("apiVersion").and_then(Value::as_str).unwrap_or_default();
    let kind = object.get("kind").and_then(Value::as_str).unwrap_or_default();
    if split_api_version(api_version).0.is_empty() && kind == "Namespace" {
        return object
            .pointer("/metadata/labels")
            .and_then(Value::as_object)
            .is_some_and(|l| l.contains_key(IGNORE_LABEL));
    }
    namespace.is_some_and(|n| !n.is_empty()) && namespace_labels.contains_key(IGNORE_LABEL)
}

/// One `kinds` entry.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct KindSelector {
    /// `apiGroups`; `None` when omitted.
    pub api_groups: Option<Vec<String>>,
    /// `kinds`; `None` when omitted.
    pub kinds: Option<Vec<String>>,
}

/// A `metav1.LabelSelector`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LabelSelector {
    pub match_labels: BTreeMap<String, String>,
    pub match_expressions: Vec<Requirement>,
}

/// One `matchExpressions` entry.
#[derive(Clone, Debug, PartialEq)]
pub struct Requirement {
    pub key: String,
    pub operator: String,
    pub values: Vec<String>,
}

/// `spec.match`. `None` fields were omitted.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Match {
    pub kinds: Option<Vec<KindSelector>>,
    pub scope: Option<String>,
    pub namespaces: Option<Vec<String>>,
    pub excluded_namespaces: Option<Vec<String>>,
    pub label_selector: Option<LabelSelector>,
    pub namespace_selector: Option<LabelSelector>,
    pub name: Option<String>,
    /// `source` (`All`, `Original`, `Generated`; Gatekeeper ≥ 3.10).
    pub source: Option<String>,
}

/// What is being matched.
#[derive(Clone, Copy, Debug)]
pub struct Target<'a> {
    pub object: &'a Value,
    /// The object's namespace (the request's, else `metadata.namespace`); `None` for
    /// cluster-scoped objects.
    pub namespace: Option<&'a str>,
    /// That namespace's labels; `None` when the Namespace object is unknown.
    pub namespace_labels: Option<&'a BTreeMap<String, String>>,
    /// `Original` for objects under admission, `Generated` for expansion output.
    pub source: &'a str,
}

impl<'a> Target<'a> {
    pub fn of_review(review: &Review<'a>) -> Target<'a> {
        let namespace = review.namespace.filter(|n| !n.is_empty()).or_else(|| object_namespace(review.object));
        Target { object: review.object, namespace, namespace_labels: Some(review.namespace_labels), source: "Original" }
    }

    fn group_kind(&self) -> (&'a str, &'a str) {
        let api_version = self.object.get("apiVersion").and_then(Value::as_str).unwrap_or_default();
        (split_api_version(api_version).0, self.object.get("kind").and_then(Value::as_str).unwrap_or_default())
    }

    fn is_namespace(&self) -> bool {
        self.group_kind() == ("", "Namespace")
    }

    fn metadata_str(&self, field: &str) -> &'a str {
        self.object.get("metadata").and_then(|m| m.get(field)).and_then(Value::as_str).unwrap_or_default()
    }

    fn labels(&self) -> BTreeMap<String, String> {
        labels_of(self.object)
    }

    /// The namespace name `namespaces` / `excludedNamespaces` compare with; `None`: the object
    /// is cluster-scoped and always passes them.
    fn namespace_name(&self) -> Option<&'a str> {
        if self.is_namespace() { Some(self.metadata_str("name")) } else { self.namespace }
    }
}

fn object_namespace(object: &Value) -> Option<&str> {
    object.pointer("/metadata/namespace").and_then(Value::as_str).filter(|n| !n.is_empty())
}

fn labels_of(object: &Value) -> BTreeMap<String, String> {
    object
        .pointer("/metadata/labels")
        .and_then(Value::as_object)
        .map(|labels| labels.iter().filter_map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_string()))).collect())
        .unwrap_or_default()
}

/// How `namespaces`, `excludedNamespaces` and `name` patterns match.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Wildcards {
    /// 3.3 – 3.5: exact names only.
    Exact,
    /// 3.6 – 3.7: exact, or a pattern ending in `*` matched as a glob.
    RegoPrefixGlob,
    /// 3.8: `prefix*` or `*suffix`.
    PrefixOrSuffix,
    /// 3.9+: also `*infix*`.
    Full,
}

impl Wildcards {
    fn of(version: GatekeeperVersion) -> Wildcards {
        if version < GatekeeperVersion::new(3, 6, 0) {
            Wildcards::Exact
        } else if version < GatekeeperVersion::new(3, 8, 0) {
            Wildcards::RegoPrefixGlob
        } else if version < GatekeeperVersion::new(3, 9, 0) {
            Wildcards::PrefixOrSuffix
        } else {
            Wildcards::Full
        }
    }

    fn matches(self, pattern: &str, candidate: &str) -> bool {
        match self {
            Wildcards::Exact => pattern == candidate,
            Wildcards::RegoPrefixGlob => pattern == candidate || (pattern.ends_with('*') && glob(pattern, candidate)),
            Wildcards::PrefixOrSuffix => {
                if let Some(suffix) = pattern.strip_prefix('*') {
                    candidate.ends_with(suffix)
                } else if let Some(prefix) = pattern.strip_suffix('*') {
                    candidate.starts_with(prefix)
                } else {
                    pattern == candidate
                }
            }
            Wildcards::Full => go_wildcard(pattern, candidate),
        }
    }
}

/// `wildcard.Wildcard.Matches` (Gatekeeper ≥ 3.9).
fn go_wildcard(pattern: &str, candidate: &str) -> bool {
    if pattern.len() >= 2 && pattern.starts_with('*') && pattern.ends_with('*') {
        candidate.contains(&pattern[1..pattern.len() - 1])
    } else if pattern == "*" {
        true
    } else if let Some(suffix) = pattern.strip_prefix('*') {
        candidate.ends_with(suffix)
    } else if let Some(prefix) = pattern.strip_suffix('*') {
        candidate.starts_with(prefix)
    } else {
        pattern == candidate
    }
}

/// `wildcard.Wildcard.MatchesGenerateName`: only prefix and infix patterns can match a
/// `generateName`.
fn go_wildcard_generate_name(pattern: &str, generate_name: &str) -> bool {
    if pattern.len() >= 2 && pattern.starts_with('*') && pattern.ends_with('*') {
        generate_name.contains(&pattern[1..pattern.len() - 1])
    } else if let Some(prefix) = pattern.strip_suffix('*') {
        generate_name.starts_with(prefix)
    } else {
        false
    }
}

/// OPA `glob.match(pattern, [], subject)` for `*` and `?` (no delimiters); character classes
/// and alternatives are taken literally.
fn glob(pattern: &str, subject: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let s: Vec<char> = subject.chars().collect();
    let (mut pi, mut si, mut star, mut mark) = (0, 0, None, 0);
    while si < s.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == s[si]) && p[pi] != '*' {
            pi += 1;
            si += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = si;
            pi += 1;
        } else if let Some(star) = star {
            pi = star + 1;
            mark += 1;
            si = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

impl LabelSelector {
    pub fn from_value(value: &Value) -> Result<LabelSelector, String> {
        let object = value.as_object().ok_or("a label selector must be an object")?;
        let mut selector = LabelSelector::default();
        match object.get("matchLabels") {
            None | Some(Value::Null) => {}
            Some(Value::Object(labels)) => {
                for (key, value) in labels {
                    let value = value.as_str().ok_or_else(|| format!("matchLabels.{key} must be a string"))?;
                    selector.match_labels.insert(key.clone(), value.to_string());
                }
            }
            Some(_) => return Err("matchLabels must be an object".into()),
        }
        match object.get("matchExpressions") {
            None | Some(Value::Null) => {}
            Some(Value::Array(expressions)) => {
                for expression in expressions {
                    let key = expression
                        .get("key")
                        .and_then(Value::as_str)
                        .ok_or("matchExpressions: key must be a string")?;
                    let operator = expression
                        .get("operator")
                        .and_then(Value::as_str)
                        .ok_or("matchExpressions: operator must be a string")?;
                    let values = match expression.get("values") {
                        None | Some(Value::Null) => Vec::new(),
                        Some(Value::Array(values)) => values
                            .iter()
                            .map(|v| v.as_str().map(String::from).ok_or("matchExpressions: values must be strings"))
                            .collect::<Result<_, _>>()?,
                        Some(_) => return Err("matchExpressions: values must be a list".into()),
                    };
                    selector.match_expressions.push(Requirement { key: key.into(), operator: operator.into(), values });
                }
            }
            Some(_) => return Err("matchExpressions must be a list".into()),
        }
        Ok(selector)
    }

    pub fn to_value(&self) -> Value {
        let mut out = Map::new();
        if !self.match_labels.is_empty() {
            out.insert("matchLabels".into(), json!(self.match_labels));
        }
        if !self.match_expressions.is_empty() {
            let expressions: Vec<Value> = self
                .match_expressions
                .iter()
                .map(|r| {
                    let mut e = json!({ "key": r.key, "operator": r.operator });
                    if !r.values.is_empty() {
                        e["values"] = json!(r.values);
                    }
                    e
                })
                .collect();
            out.insert("matchExpressions".into(), Value::Array(expressions));
        }
        Value::Object(out)
    }

    /// Kubernetes' `LabelSelectorAsSelector(...).Matches(labels)`, with its validation errors.
    pub fn matches(&self, labels: &BTreeMap<String, String>) -> Result<bool, String> {
        for requirement in &self.match_expressions {
            match requirement.operator.as_str() {
                "In" | "NotIn" if requirement.values.is_empty() => {
                    return Err(
                        "values: Invalid value: []string{}: for 'in', 'notin' operators, values set can't be empty"
                            .into(),
                    );
                }
                "Exists" | "DoesNotExist" if !requirement.values.is_empty() => {
                    let values: Vec<String> = requirement.values.iter().map(|v| format!("{v:?}")).collect();
                    return Err(format!(
                        "values: Invalid value: []string{{{}}}: values set must be empty for exists and does not exist",
                        values.join(", ")
                    ));
                }
                "In" | "NotIn" | "Exists" | "DoesNotExist" => {}
                other => return Err(format!("{other:?} is not a valid label selector operator")),
            }
        }
        let labels_ok = self.match_labels.iter().all(|(k, v)| labels.get(k) == Some(v));
        let expressions_ok = self.match_expressions.iter().all(|r| {
            let value = labels.get(&r.key);
            match r.operator.as_str() {
                "In" => value.is_some_and(|v| r.values.contains(v)),
                "NotIn" => value.is_none_or(|v| !r.values.contains(v)),
                "Exists" => value.is_some(),
                _ => value.is_none(),
            }
        });
        Ok(labels_ok && expressions_ok)
    }

    /// The Rego target library's `matches_label_selector` (Gatekeeper ≤ 3.7): never fails.
    fn matches_rego(&self, labels: &BTreeMap<String, String>) -> bool {
        let labels_ok = self.match_labels.iter().all(|(k, v)| labels.get(k) == Some(v));
        let violated = self.match_expressions.iter().any(|r| {
            let value = labels.get(&r.key);
            match r.operator.as_str() {
                "In" => value.is_none() || (!r.values.is_empty() && value.is_some_and(|v| !r.values.contains(v))),
                "NotIn" => !r.values.is_empty() && value.is_some_and(|v| r.values.contains(v)),
                "Exists" => value.is_none(),
                "DoesNotExist" => value.is_some(),
                _ => false,
            }
        });
        labels_ok && !violated
    }
}

fn string_list(value: &Value, field: &str) -> Result<Option<Vec<String>>, String> {
    match value.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Array(items)) => items
            .iter()
            .map(|item| item.as_str().map(String::from).ok_or_else(|| format!("{field} must be a list of strings")))
            .collect::<Result<Vec<_>, _>>()
            .map(Some),
        Some(_) => Err(format!("{field} must be a list of strings")),
    }
}

fn optional_string(value: &Value, field: &str) -> Result<Option<String>, String> {
    match value.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(format!("{field} must be a string")),
    }
}

impl Match {
    /// Reads `spec.match`.
    pub fn from_value(value: &Value) -> Result<Match, String> {
        if !value.is_object() {
            return Err("must be an object".into());
        }
        let kinds = match value.get("kinds") {
            None | Some(Value::Null) => None,
            Some(Value::Array(entries)) => Some(
                entries
                    .iter()
                    .map(|entry| {
                        Ok(KindSelector {
                            api_groups: string_list(entry, "apiGroups").map_err(|e| format!("kinds: {e}"))?,
                            kinds: string_list(entry, "kinds").map_err(|e| format!("kinds: {e}"))?,
                        })
                    })
                    .collect::<Result<Vec<_>, String>>()?,
            ),
            Some(_) => return Err("kinds must be a list".into()),
        };
        let selector = |field: &str| -> Result<Option<LabelSelector>, String> {
            match value.get(field) {
                None | Some(Value::Null) => Ok(None),
                Some(v) => LabelSelector::from_value(v).map(Some).map_err(|e| format!("{field}: {e}")),
            }
        };
        Ok(Match {
            kinds,
            scope: optional_string(value, "scope")?,
            namespaces: string_list(value, "namespaces")?,
            excluded_namespaces: string_list(value, "excludedNamespaces")?,
            label_selector: selector("labelSelector")?,
            namespace_selector: selector("namespaceSelector")?,
            name: optional_string(value, "name")?,
            source: optional_string(value, "source")?,
        })
    }

    /// Back to `spec.match`.
    pub fn to_value(&self) -> Value {
        let mut out = Map::new();
        if let Some(kinds) = &self.kinds {
            let entries: Vec<Value> = kinds
                .iter()
                .map(|k| {
                    let mut entry = Map::new();
                    if let Some(groups) = &k.api_groups {
                        entry.insert("apiGroups".into(), json!(groups));
                    }
                    if let Some(kinds) = &k.kinds {
                        entry.insert("kinds".into(), json!(kinds));
                    }
                    Value::Object(entry)
                })
                .collect();
            out.insert("kinds".into(), Value::Array(entries));
        }
        if let Some(scope) = &self.scope {
            out.insert("scope".into(), json!(scope));
        }
        if let Some(namespaces) = &self.namespaces {
            out.insert("namespaces".into(), json!(namespaces));
        }
        if let Some(excluded) = &self.excluded_namespaces {
            out.insert("excludedNamespaces".into(), json!(excluded));
        }
        if let Some(selector) = &self.label_selector {
            out.insert("labelSelector".into(), selector.to_value());
        }
        if let Some(selector) = &self.namespace_selector {
            out.insert("namespaceSelector".into(), selector.to_value());
        }
        if let Some(name) = &self.name {
            out.insert("name".into(), json!(name));
        }
        if let Some(source) = &self.source {
            out.insert("source".into(), json!(source));
        }
        Value::Object(out)
    }

    /// Whether a constraint with this match applies to `target` under Gatekeeper `version`.
    /// `Err` is Gatekeeper's autoreject message (≥ 3.8 only).
    pub fn matches(&self, target: &Target<'_>, version: GatekeeperVersion) -> Result<bool, String> {
        if version.rego_matching() {
            Ok(self.matches_rego(target, version))
        } else {
            self.matches_go(target, Wildcards::of(version))
                .map_err(|e| format!("unable to match constraints: failed to run Match criteria: {e}"))
        }
    }

    /// Mutators always use Go matching (`pkg/mutation/match`); `Err` is the matching error.
    pub fn matches_mutation(&self, target: &Target<'_>, version: GatekeeperVersion) -> Result<bool, String> {
        self.matches_go(target, Wildcards::of(version).max_go())
    }

    fn matches_go(&self, target: &Target<'_>, wildcards: Wildcards) -> Result<bool, String> {
        let (group, kind) = target.group_kind();
        let is_namespace = target.is_namespace();
        // kinds
        if let Some(kinds) = self.kinds.as_ref().filter(|k| !k.is_empty()) {
            let listed = |list: &Option<Vec<String>>, wanted: &str| {
                list.as_ref().is_none_or(|l| l.is_empty() || l.iter().any(|x| x == "*" || x == wanted))
            };
            if !kinds.iter().any(|k| listed(&k.kinds, kind) && listed(&k.api_groups, group)) {
                return Ok(false);
            }
        }
        // scope
        let has_namespace = target.namespace.is_some();
        match self.scope.as_deref() {
            Some("Cluster") if !is_namespace && has_namespace => return Ok(false),
            Some("Namespaced") if is_namespace || !has_namespace => return Ok(false),
            _ => {}
        }
        // namespaces / excludedNamespaces
        if let Some(namespace) = target.namespace_name() {
            if let Some(namespaces) = self.namespaces.as_ref().filter(|n| !n.is_empty())
                && !namespaces.iter().any(|p| wildcards.matches(p, namespace))
            {
                return Ok(false);
            }
            if let Some(excluded) = &self.excluded_namespaces
                && excluded.iter().any(|p| wildcards.matches(p, namespace))
            {
                return Ok(false);
            }
        }
        // labelSelector
        if let Some(selector) = &self.label_selector
            && !selector.matches(&target.labels())?
        {
            return Ok(false);
        }
        // namespaceSelector
        if let Some(selector) = &self.namespace_selector {
            if is_namespace {
                if !selector.matches(&target.labels())? {
                    return Ok(false);
                }
            } else if has_namespace {
                let labels = target
                    .namespace_labels
                    .ok_or("namespace selector for namespace-scoped object but missing Namespace")?;
                if !selector.matches(labels)? {
                    return Ok(false);
                }
            }
        }
        // name
        if let Some(pattern) = self.name.as_deref().filter(|n| !n.is_empty()) {
            let name = target.metadata_str("name");
            let generate_name = target.metadata_str("generateName");
            let by_name = match wildcards {
                Wildcards::Full => go_wildcard(pattern, name),
                other => other.matches(pattern, name),
            };
            if !by_name && !go_wildcard_generate_name(pattern, generate_name) {
                return Ok(false);
            }
        }
        // source
        match self.source.as_deref().filter(|s| !s.is_empty()).unwrap_or("All") {
            "All" => {}
            "Original" | "Generated" => {
                if self.source.as_deref() != Some(target.source) {
                    return Ok(false);
                }
            }
            other => return Err(format!("invalid source field {other:?}")),
        }
        Ok(true)
    }

    fn matches_rego(&self, target: &Target<'_>, version: GatekeeperVersion) -> bool {
        let (group, kind) = target.group_kind();
        let is_namespace = target.is_namespace();
        // kinds (default [{apiGroups: ["*"], kinds: ["*"]}])
        if let Some(kinds) = &self.kinds {
            let listed = |list: &Option<Vec<String>>, wanted: &str| {
                list.as_ref().is_some_and(|l| l.iter().any(|x| x == "*" || x == wanted))
            };
            if !kinds.iter().any(|k| listed(&k.api_groups, group) && listed(&k.kinds, kind)) {
                return false;
            }
        }
        let wildcards = Wildcards::of(version);
        // Cluster-scoped objects other than Namespaces always match the namespace criteria.
        if let Some(namespace) = target.namespace_name() {
            if let Some(namespaces) = &self.namespaces
                && !namespaces.iter().any(|p| wildcards.matches(p, namespace))
            {
                return false;
            }
            if let Some(excluded) = &self.excluded_namespaces
                && excluded.iter().any(|p| wildcards.matches(p, namespace))
            {
                return false;
            }
            if let Some(selector) = &self.namespace_selector {
                let labels =
                    if is_namespace { target.labels() } else { target.namespace_labels.cloned().unwrap_or_default() };
                if !selector.matches_rego(&labels) {
                    return false;
                }
            }
        }
        let namespaced = !target.namespace.unwrap_or_default().is_empty();
        match self.scope.as_deref() {
            None | Some("*") => {}
            Some("Namespaced") if namespaced => {}
            Some("Cluster") if !namespaced => {}
            Some(_) => return false,
        }
        if version >= GatekeeperVersion::new(3, 4, 0)
            && let Some(pattern) = &self.name
        {
            let name = target.metadata_str("name");
            if !(pattern == name
                || (wildcards == Wildcards::RegoPrefixGlob && pattern.ends_with('*') && glob(pattern, name)))
            {
                return false;
            }
        }
        match &self.label_selector {
            Some(selector) => selector.matches_rego(&target.labels()),
            None => true,
        }
    }
}

impl Wildcards {
    /// Mutators never used the Rego library: before 3.8 they matched names exactly or by
    /// prefix, which [`Wildcards::PrefixOrSuffix`] covers.
    fn max_go(self) -> Wildcards {
        match self {
            Wildcards::Exact | Wildcards::RegoPrefixGlob => Wildcards::PrefixOrSuffix,
            other => other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn workloads_match() -> Match {
        Match::from_value(&json!({
            "kinds": [
                { "apiGroups": [""], "kinds": ["Pod", "ReplicationController"] },
                { "apiGroups": ["apps"], "kinds": ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"] },
                { "apiGroups": ["extensions"], "kinds": ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"] },
                { "apiGroups": ["batch"], "kinds": ["Job", "CronJob"] },
            ],
            "excludedNamespaces": ["kube-system", "kube-public", "kube-node-lease", "calico-system"],
            "namespaceSelector": { "matchExpressions": [{ "key": "owner", "operator": "NotIn", "values": ["operator"] }] },
        }))
        .unwrap()
    }

    fn object(api_version: &str, kind: &str, namespace: Option<&str>) -> Value {
        let mut object =
            json!({ "apiVersion": api_version, "kind": kind, "metadata": { "name": "x", "labels": { "app": "web" } } });
        if let Some(namespace) = namespace {
            object["metadata"]["namespace"] = json!(namespace);
        }
        object
    }

    fn check(
        m: &Match,
        object: &Value,
        labels: &BTreeMap<String, String>,
        version: GatekeeperVersion,
    ) -> Result<bool, String> {
        let namespace = object_namespace(object);
        m.matches(&Target { object, namespace, namespace_labels: Some(labels), source: "Original" }, version)
    }

    const ALL: [GatekeeperVersion; 3] =
        [GatekeeperVersion::V3_3_0, GatekeeperVersion::V3_7_0, GatekeeperVersion::V3_11_0];

    #[test]
    fn namespace_selector_owner_not_in_operator() {
        let m = workloads_match();
        let pod = object("v1", "Pod", Some("team"));
        let user = BTreeMap::from([("kubernetes.io/metadata.name".to_string(), "team".to_string())]);
        let platform = BTreeMap::from([("owner".to_string(), "operator".to_string())]);
        let other_owner = BTreeMap::from([("owner".to_string(), "team-a".to_string())]);
        for version in ALL {
            assert_eq!(check(&m, &pod, &user, version), Ok(true), "{version}");
            assert_eq!(check(&m, &pod, &platform, version), Ok(false), "{version}");
            assert_eq!(check(&m, &pod, &other_owner, version), Ok(true), "{version}");
        }
    }

    #[test]
    fn kinds_need_the_group() {
        let m = workloads_match();
        let labels = BTreeMap::new();
        for version in ALL {
            assert_eq!(check(&m, &object("apps/v1", "Deployment", Some("team")), &labels, version), Ok(true));
            assert_eq!(
                check(&m, &object("extensions/v1beta1", "Deployment", Some("team")), &labels, version),
                Ok(true)
            );
            assert_eq!(check(&m, &object("batch/v1", "CronJob", Some("team")), &labels, version), Ok(true));
            assert_eq!(check(&m, &object("v1", "Service", Some("team")), &labels, version), Ok(false));
            // A Deployment kind in the core group is not a listed pair.
            assert_eq!(check(&m, &object("v1", "Deployment", Some("team")), &labels, version), Ok(false));
            assert_eq!(check(&m, &object("batch/v1", "Pod", Some("team")), &labels, version), Ok(false));
        }
    }

    #[test]
    fn kinds_without_groups_differ_between_rego_and_go() {
        let m = Match::from_value(&json!({ "kinds": [{ "kinds": ["Pod"] }] })).unwrap();
        let pod = object("v1", "Pod", Some("team"));
        let labels = BTreeMap::new();
        assert_eq!(check(&m, &pod, &labels, GatekeeperVersion::V3_7_0), Ok(false));
        assert_eq!(check(&m, &pod, &labels, GatekeeperVersion::V3_11_0), Ok(true));
        let empty = Match::from_value(&json!({ "kinds": [] })).unwrap();
        assert_eq!(check(&empty, &pod, &labels, GatekeeperVersion::V3_7_0), Ok(false));
        assert_eq!(check(&empty, &pod, &labels, GatekeeperVersion::V3_11_0), Ok(true));
        let wildcard = Match::from_value(&json!({ "kinds": [{ "apiGroups": ["*"], "kinds": ["*"] }] })).unwrap();
        for version in ALL {
            assert_eq!(
                check(&wildcard, &object("rbac.authorization.k8s.io/v1", "Role", Some("t")), &labels, version),
                Ok(true)
            );
        }
    }

    #[test]
    fn excluded_namespaces_and_globs() {
        let m = workloads_match();
        let labels = BTreeMap::new();
        for version in ALL {
            assert_eq!(check(&m, &object("v1", "Pod", Some("kube-system")), &labels, version), Ok(false));
            assert_eq!(check(&m, &object("v1", "Pod", Some("kube-system-2")), &labels, version), Ok(true));
        }
        let prefix = Match::from_value(&json!({ "excludedNamespaces": ["kube-*"] })).unwrap();
        let pod = object("v1", "Pod", Some("kube-system"));
        assert_eq!(check(&prefix, &pod, &labels, GatekeeperVersion::V3_3_0), Ok(true), "3.3 has no globs");
        assert_eq!(check(&prefix, &pod, &labels, GatekeeperVersion::V3_7_0), Ok(false));
        assert_eq!(check(&prefix, &pod, &labels, GatekeeperVersion::V3_11_0), Ok(false));
        let suffix = Match::from_value(&json!({ "excludedNamespaces": ["*-system"] })).unwrap();
        assert_eq!(check(&suffix, &pod, &labels, GatekeeperVersion::V3_7_0), Ok(true), "3.7 globs need a trailing *");
        assert_eq!(check(&suffix, &pod, &labels, GatekeeperVersion::new(3, 8, 0)), Ok(false));
        let infix = Match::from_value(&json!({ "namespaces": ["*sys*"] })).unwrap();
        assert_eq!(
            check(&infix, &pod, &labels, GatekeeperVersion::new(3, 8, 0)),
            Ok(false),
            "3.8: *sys* is a literal suffix"
        );
        assert_eq!(check(&infix, &pod, &labels, GatekeeperVersion::V3_11_0), Ok(true));
        assert_eq!(check(&infix, &pod, &labels, GatekeeperVersion::V3_7_0), Ok(true), "OPA glob");
        let only = Match::from_value(&json!({ "namespaces": ["team"] })).unwrap();
        assert_eq!(check(&only, &object("v1", "Pod", Some("team")), &labels, GatekeeperVersion::V3_11_0), Ok(true));
        assert_eq!(check(&only, &object("v1", "Pod", Some("other")), &labels, GatekeeperVersion::V3_11_0), Ok(false));
        // Cluster-scoped objects always pass namespace criteria; a Namespace is matched by name.
        for version in ALL {
            assert_eq!(
                check(&only, &object("rbac.authorization.k8s.io/v1", "ClusterRole", None), &labels, version),
                Ok(true)
            );
            assert_eq!(
                check(
                    &only,
                    &json!({ "apiVersion": "v1", "kind": "Namespace", "metadata": { "name": "team" } }),
                    &labels,
                    version
                ),
                Ok(true)
            );
            assert_eq!(
                check(
                    &only,
                    &json!({ "apiVersion": "v1", "kind": "Namespace", "metadata": { "name": "x" } }),
                    &labels,
                    version
                ),
                Ok(false)
            );
        }
    }

    #[test]
    fn label_selector_and_scope() {
        let labels = BTreeMap::new();
        let selector = Match::from_value(&json!({ "labelSelector": { "matchLabels": { "app": "web" } } })).unwrap();
        let other = Match::from_value(&json!({ "labelSelector": { "matchExpressions": [{ "key": "app", "operator": "NotIn", "values": ["web"] }] } })).unwrap();
        let namespaced = Match::from_value(&json!({ "scope": "Namespaced" })).unwrap();
        let cluster = Match::from_value(&json!({ "scope": "Cluster" })).unwrap();
        for version in ALL {
            assert_eq!(check(&selector, &object("v1", "Pod", Some("t")), &labels, version), Ok(true));
            assert_eq!(check(&other, &object("v1", "Pod", Some("t")), &labels, version), Ok(false));
            assert_eq!(check(&namespaced, &object("v1", "Pod", Some("t")), &labels, version), Ok(true));
            assert_eq!(check(&namespaced, &object("v1", "PersistentVolume", None), &labels, version), Ok(false));
            assert_eq!(check(&cluster, &object("v1", "PersistentVolume", None), &labels, version), Ok(true));
            assert_eq!(check(&cluster, &object("v1", "Pod", Some("t")), &labels, version), Ok(false));
        }
    }

    #[test]
    fn invalid_selectors_fail_only_in_go() {
        let m = Match::from_value(
            &json!({ "labelSelector": { "matchExpressions": [{ "key": "app", "operator": "In" }] } }),
        )
        .unwrap();
        let labels = BTreeMap::new();
        let pod = object("v1", "Pod", Some("t"));
        assert_eq!(check(&m, &pod, &labels, GatekeeperVersion::V3_7_0), Ok(true));
        let error = check(&m, &pod, &labels, GatekeeperVersion::V3_11_0).unwrap_err();
        assert!(error.starts_with("unable to match constraints: failed to run Match criteria: "), "{error}");
    }

    #[test]
    fn names() {
        let m = Match::from_value(&json!({ "name": "x*" })).unwrap();
        let labels = BTreeMap::new();
        assert_eq!(check(&m, &object("v1", "Pod", Some("t")), &labels, GatekeeperVersion::V3_11_0), Ok(true));
        assert_eq!(check(&m, &object("v1", "Pod", Some("t")), &labels, GatekeeperVersion::new(3, 5, 0)), Ok(false));
        assert_eq!(
            check(&m, &object("v1", "Pod", Some("t")), &labels, GatekeeperVersion::V3_3_0),
            Ok(true),
            "3.3 has no name"
        );
    }

    #[test]
    fn ignore_label() {
        let pod = object("v1", "Pod", Some("kube-system"));
        let ignored = BTreeMap::from([(IGNORE_LABEL.to_string(), "no-self-managing".to_string())]);
        assert!(webhook_ignores(&pod, Some("kube-system"), &ignored));
        assert!(!webhook_ignores(&pod, Some("team"), &BTreeMap::new()));
        let cluster = object("v1", "PersistentVolume", None);
        assert!(!webhook_ignores(&cluster, None, &ignored));
        let ns = json!({ "apiVersion": "v1", "kind": "Namespace", "metadata": { "name": "gk", "labels": { IGNORE_LABEL: "" } } });
        assert!(webhook_ignores(&ns, None, &BTreeMap::new()));
    }

    #[test]
    fn round_trip() {
        let m = workloads_match();
        assert_eq!(Match::from_value(&m.to_value()).unwrap(), m);
        assert!(Match::from_value(&json!({ "kinds": "Pod" })).is_err());
    }

    #[test]
    fn globs() {
        assert!(glob("kube-*", "kube-system"));
        assert!(glob("*-sys*", "kube-system"));
        assert!(glob("k?be-*", "kube-x"));
        assert!(!glob("kube-*", "kub"));
    }
}
