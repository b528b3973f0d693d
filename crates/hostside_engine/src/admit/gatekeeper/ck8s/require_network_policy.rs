//! `K8sRequireNetworkPolicy` (template `k8srequirenetworkpolicy`, Rego package
//! `k8sRequireNetworkPolicy`, CK8s `policies/network-policies.rego`). Referential: reads
//! `data.inventory.namespace[<object's metadata.namespace>]["networking.k8s.io/v1"]["NetworkPolicy"]`.
//!
//! A NetworkPolicy *fails to select* the pod labels (§1.3 helpers; absent labels read as none)
//! when its `spec.podSelector` has
//! * a `matchLabels` key missing from the labels, or present with another value;
//! * an `Exists` expression whose key is missing, or a `DoesNotExist` one whose key is present;
//! * an `In` expression whose key is missing or whose value is not in `values`;
//! * a `NotIn` expression whose key's value is in `values` (a missing key passes).
//!
//! Other operators are ignored; an expression without `key` is skipped. One violation when
//! **every** NetworkPolicy of the namespace fails — including when there is none — so an
//! empty `podSelector: {}` satisfies the rule for every pod, and `policyTypes`, rules and other
//! namespaces' policies do not matter. From v0.40 objects with `metadata.deletionTimestamp`
//! are skipped. An object without a namespace is never flagged.

use super::{Ck8sEra, MessageStyle, pod_labels};
use crate::admit::gatekeeper::Inventory;
use serde_json::{Map, Value};

/// The violation message for `object`, if any. `request_namespace` stands in for an empty
/// `metadata.namespace`, which the API server fills from the request before admission.
pub fn violations(
    object: &Value,
    request_namespace: Option<&str>,
    inventory: &Inventory<'_>,
    era: Ck8sEra,
) -> Vec<String> {
    // `not (input.review.object.metadata.deletionTimestamp)`: any value but false skips.
    if era.skips_terminating()
        && object.pointer("/metadata/deletionTimestamp").is_some_and(|t| *t != Value::Bool(false))
    {
        return Vec::new();
    }
    let own = object.pointer("/metadata/namespace").and_then(Value::as_str).filter(|n| !n.is_empty());
    let Some(namespace) = own.or(request_namespace.filter(|n| !n.is_empty())) else { return Vec::new() };
    let labels = pod_labels(object);
    let selected = inventory
        .namespaced(namespace, "networking.k8s.io/v1", "NetworkPolicy")
        .any(|policy| !fails_to_select(policy, &labels));
    if selected {
        return Vec::new();
    }
    vec![message(era.message_style())]
}

fn message(style: MessageStyle) -> String {
    match style {
        MessageStyle::Original => "No matching networkpolicy found".to_string(),
        _ => format!(
            "No matching networkpolicy found. {} requires that all pods are targeted by NetworkPolicies. Read more at {}",
            style.brand(),
            style.docs("enforce-networkpolicies")
        ),
    }
}

/// `allChecks(netwPolicy)`: true when the policy's pod selector does not select `labels`.
pub fn fails_to_select(policy: &Value, labels: &Map<String, Value>) -> bool {
    let selector = policy.pointer("/spec/podSelector");
    let match_labels = selector.and_then(|s| s.get("matchLabels")).and_then(Value::as_object);
    let expressions = selector
        .and_then(|s| s.get("matchExpressions"))
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    // A key "is present" when its value is anything but false (Rego `obj[key]` as a condition).
    let present = |key: &str| labels.get(key).is_some_and(|v| *v != Value::Bool(false));
    if let Some(match_labels) = match_labels {
        for (key, wanted) in match_labels {
            // matchLabelsMissingKeys (keys with a false value do not count) and
            // matchLabelsValues (a shared key with another value).
            if (*wanted != Value::Bool(false) && !present(key)) || labels.get(key).is_some_and(|v| v != wanted) {
                return true;
            }
        }
    }
    for expression in expressions {
        let Some(key) = expression.get("key") else { continue };
        let Some(key) = key.as_str() else { continue };
        let values: &[Value] =
            expression.get("values").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
        let value_in = || labels.get(key).is_some_and(|v| values.contains(v));
        let fails = match expression.get("operator").and_then(Value::as_str) {
            Some("Exists") => !present(key),
            Some("DoesNotExist") => present(key),
            Some("In") => !value_in(),
            Some("NotIn") => value_in(),
            _ => false,
        };
        if fails {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pod(labels: Value) -> Value {
        json!({ "apiVersion": "v1", "kind": "Pod", "metadata": { "name": "p", "namespace": "team", "labels": labels }, "spec": {} })
    }

    fn policy(name: &str, namespace: &str, selector: Value) -> Value {
        json!({
            "apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
            "metadata": { "name": name, "namespace": namespace },
            "spec": { "podSelector": selector, "policyTypes": ["Ingress"] },
        })
    }

    fn flagged(object: &Value, policies: &[Value], era: Ck8sEra) -> bool {
        let inventory = Inventory::new(policies);
        !violations(object, Some("team"), &inventory, era).is_empty()
    }

    #[test]
    fn messages_per_era() {
        let object = pod(json!({ "app": "web" }));
        let inventory = Inventory::default();
        assert_eq!(violations(&object, None, &inventory, Ck8sEra::V0_19), ["No matching networkpolicy found"]);
        assert_eq!(
            violations(&object, None, &inventory, Ck8sEra::V0_34),
            [
                "No matching networkpolicy found. Elastisys Compliant Kubernetes requires that all pods are targeted by NetworkPolicies. Read more at https://elastisys.io/compliantkubernetes/user-guide/safeguards/enforce-networkpolicies/"
            ]
        );
        assert_eq!(
            violations(&object, None, &inventory, Ck8sEra::V0_44),
            [
                "No matching networkpolicy found. Elastisys Welkin® requires that all pods are targeted by NetworkPolicies. Read more at https://elastisys.io/welkin/user-guide/safeguards/enforce-networkpolicies/"
            ]
        );
    }

    #[test]
    fn zero_policies_and_empty_selector() {
        let object = pod(json!({ "app": "web" }));
        assert!(flagged(&object, &[], Ck8sEra::V0_19));
        assert!(!flagged(&object, &[policy("default-deny", "team", json!({}))], Ck8sEra::V0_19));
        // A default-deny also covers a pod without labels.
        assert!(!flagged(&pod(json!(null)), &[policy("default-deny", "team", json!({}))], Ck8sEra::V0_19));
        // Policies in other namespaces do not count.
        assert!(flagged(&object, &[policy("default-deny", "other", json!({}))], Ck8sEra::V0_19));
    }

    #[test]
    fn match_labels() {
        let object = pod(json!({ "app": "web", "tier": "front" }));
        let selects = |selector: Value| !flagged(&object, &[policy("np", "team", selector)], Ck8sEra::V0_19);
        assert!(selects(json!({ "matchLabels": { "app": "web" } })));
        assert!(selects(json!({ "matchLabels": { "app": "web", "tier": "front" } })));
        assert!(!selects(json!({ "matchLabels": { "app": "db" } })), "other value");
        assert!(!selects(json!({ "matchLabels": { "app": "web", "zone": "a" } })), "missing key");
    }

    #[test]
    fn match_expressions() {
        let object = pod(json!({ "app": "web" }));
        let selects = |selector: Value| !flagged(&object, &[policy("np", "team", selector)], Ck8sEra::V0_19);
        let expr = |key: &str, operator: &str, values: Value| json!({ "matchExpressions": [{ "key": key, "operator": operator, "values": values }] });
        assert!(selects(expr("app", "In", json!(["web", "api"]))));
        assert!(!selects(expr("app", "In", json!(["db"]))));
        assert!(!selects(expr("zone", "In", json!(["a"]))), "In with a missing key fails");
        assert!(!selects(expr("app", "In", json!([]))), "In with no values fails");
        assert!(selects(expr("app", "NotIn", json!(["db"]))));
        assert!(!selects(expr("app", "NotIn", json!(["web"]))));
        assert!(selects(expr("zone", "NotIn", json!(["a"]))), "NotIn with a missing key passes");
        assert!(selects(json!({ "matchExpressions": [{ "key": "app", "operator": "Exists" }] })));
        assert!(!selects(json!({ "matchExpressions": [{ "key": "zone", "operator": "Exists" }] })));
        assert!(selects(json!({ "matchExpressions": [{ "key": "zone", "operator": "DoesNotExist" }] })));
        assert!(!selects(json!({ "matchExpressions": [{ "key": "app", "operator": "DoesNotExist" }] })));
        assert!(
            selects(json!({ "matchExpressions": [{ "key": "app", "operator": "Gt", "values": ["1"] }] })),
            "unknown operators are ignored"
        );
    }

    #[test]
    fn one_selecting_policy_is_enough() {
        let object = pod(json!({ "app": "web" }));
        let policies = [
            policy("db", "team", json!({ "matchLabels": { "app": "db" } })),
            policy("web", "team", json!({ "matchLabels": { "app": "web" } })),
        ];
        assert!(!flagged(&object, &policies, Ck8sEra::V0_19));
        assert!(flagged(&object, &policies[..1], Ck8sEra::V0_19));
    }

    #[test]
    fn workload_template_labels() {
        let policies = [policy("web", "team", json!({ "matchLabels": { "app": "web" } }))];
        let deployment = json!({
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": { "name": "d", "namespace": "team", "labels": { "app": "other" } },
            "spec": { "template": { "metadata": { "labels": { "app": "web" } }, "spec": {} } },
        });
        assert!(!flagged(&deployment, &policies, Ck8sEra::V0_19));
        let cronjob = json!({
            "apiVersion": "batch/v1", "kind": "CronJob", "metadata": { "name": "c", "namespace": "team" },
            "spec": { "jobTemplate": { "spec": { "template": { "metadata": { "labels": { "app": "web" } } } } } },
        });
        assert!(!flagged(&cronjob, &policies, Ck8sEra::V0_19));
    }

    #[test]
    fn namespace_and_deletion() {
        let mut object = pod(json!({ "app": "web" }));
        object["metadata"].as_object_mut().unwrap().remove("namespace");
        let inventory = Inventory::default();
        assert_eq!(
            violations(&object, Some("team"), &inventory, Ck8sEra::V0_19).len(),
            1,
            "the request namespace fills in"
        );
        assert!(violations(&object, None, &inventory, Ck8sEra::V0_19).is_empty());
        let mut deleting = pod(json!({ "app": "web" }));
        deleting["metadata"]["deletionTimestamp"] = json!("2024-01-01T00:00:00Z");
        assert_eq!(violations(&deleting, None, &inventory, Ck8sEra::new(39)).len(), 1);
        assert!(violations(&deleting, None, &inventory, Ck8sEra::V0_40).is_empty());
    }
}
