//! `K8sResourceRequests` (template `k8sresourcerequests`, CK8s `policies/resource-requests.rego`).
//!
//! For `spec.containers` only (init containers are not checked), three rules in this order,
//! each over all containers: `resources.requests` absent → "no resource requests"; otherwise
//! no `cpu` key → "no cpu request"; otherwise-independently no `memory` key → "no memory
//! request". Limits are never checked; a value of `0` counts as present.
//!
//! What the webhook sees is the API server's re-encoding of the typed object, where an empty
//! or null `requests` map is omitted (`omitempty`), so `requests: {}` and `requests: null` count
//! as absent here (one violation). Rego run on the raw manifest would report cpu and memory
//! instead. The API server also copies a **Pod**'s limits into missing requests before
//! admission (`SetDefaults_Pod`), but not a template's; pass the defaulted object.

use super::{Ck8sEra, ContainerList, MessageStyle, containers, go_quote};
use serde_json::Value;

/// The violation messages for `object`, in Rego evaluation order.
pub fn violations(object: &Value, era: Ck8sEra) -> Vec<String> {
    let style = era.message_style();
    let containers = containers(object, ContainerList::Containers);
    let named: Vec<(&str, Option<&Value>)> = containers
        .iter()
        .filter_map(|c| {
            let name = c.get("name")?.as_str()?;
            let requests = c.get("resources").and_then(|r| r.get("requests")).filter(|r| match r {
                Value::Null => false,
                Value::Object(map) => !map.is_empty(),
                _ => true,
            });
            Some((name, requests))
        })
        .collect();
    let mut out = Vec::new();
    for (name, requests) in &named {
        if requests.is_none() {
            out.push(message(Missing::Requests, name, style));
        }
    }
    for resource in [Missing::Cpu, Missing::Memory] {
        for (name, requests) in &named {
            // `missing(obj, field) { not obj[field] }`: absent (or false) is missing.
            if let Some(requests) = requests {
                let key = if resource == Missing::Cpu { "cpu" } else { "memory" };
                if requests.get(key).is_none_or(|v| *v == Value::Bool(false)) {
                    out.push(message(resource, name, style));
                }
            }
        }
    }
    out
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Missing {
    Requests,
    Cpu,
    Memory,
}

fn message(missing: Missing, name: &str, style: MessageStyle) -> String {
    match style {
        MessageStyle::Original => match missing {
            Missing::Requests => format!("Container {} has no resource requests", go_quote(name)),
            Missing::Cpu => format!("Container {} has no cpu request", go_quote(name)),
            Missing::Memory => format!("Container {} has no memory request", go_quote(name)),
        },
        _ => {
            let subject = match missing {
                Missing::Requests => format!("The container named <{name}> has no resource requests"),
                Missing::Cpu => format!("The container <{name}> has no cpu request"),
                Missing::Memory => format!("The container <{name}> has no memory request"),
            };
            format!(
                "{subject}. {} requires resource requests to be set for all containers. Read more at {}",
                style.brand(),
                style.docs("enforce-resources")
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pod(containers: Value) -> Value {
        json!({ "apiVersion": "v1", "kind": "Pod", "metadata": { "name": "p" }, "spec": { "containers": containers, "initContainers": [{ "name": "init", "image": "x" }] } })
    }

    #[test]
    fn allowed_with_both_requests() {
        let object = pod(json!([{ "name": "app", "resources": { "requests": { "cpu": "0", "memory": "64Mi" } } }]));
        for era in [Ck8sEra::V0_19, Ck8sEra::V0_34, Ck8sEra::LATEST] {
            assert!(violations(&object, era).is_empty(), "init containers are not checked; 0 counts");
        }
    }

    #[test]
    fn messages_per_era() {
        let object = pod(json!([
            { "name": "ck8s-user-demo" },
            { "name": "half", "resources": { "requests": { "memory": "1Gi" }, "limits": { "cpu": "1" } } },
        ]));
        assert_eq!(
            violations(&object, Ck8sEra::V0_19),
            ["Container \"ck8s-user-demo\" has no resource requests", "Container \"half\" has no cpu request"]
        );
        assert_eq!(
            violations(&object, Ck8sEra::V0_34),
            [
                "The container named <ck8s-user-demo> has no resource requests. Elastisys Compliant Kubernetes requires resource requests to be set for all containers. Read more at https://elastisys.io/compliantkubernetes/user-guide/safeguards/enforce-resources/",
                "The container <half> has no cpu request. Elastisys Compliant Kubernetes requires resource requests to be set for all containers. Read more at https://elastisys.io/compliantkubernetes/user-guide/safeguards/enforce-resources/",
            ]
        );
        assert_eq!(
            violations(&object, Ck8sEra::V0_44),
            [
                "The container named <ck8s-user-demo> has no resource requests. Elastisys Welkin® requires resource requests to be set for all containers. Read more at https://elastisys.io/welkin/user-guide/safeguards/enforce-resources/",
                "The container <half> has no cpu request. Elastisys Welkin® requires resource requests to be set for all containers. Read more at https://elastisys.io/welkin/user-guide/safeguards/enforce-resources/",
            ]
        );
    }

    #[test]
    fn rule_order_is_rule_by_rule() {
        let object = pod(json!([
            { "name": "a", "resources": { "requests": { "storage": "1Gi" } } },
            { "name": "b" },
            { "name": "c", "resources": { "requests": { "cpu": "1" } } },
        ]));
        assert_eq!(
            violations(&object, Ck8sEra::V0_19),
            [
                "Container \"b\" has no resource requests",
                "Container \"a\" has no cpu request",
                "Container \"a\" has no memory request",
                "Container \"c\" has no memory request",
            ]
        );
    }

    #[test]
    fn empty_requests_are_absent_on_the_wire() {
        for requests in [json!({}), json!(null)] {
            let object = pod(json!([{ "name": "app", "resources": { "requests": requests } }]));
            assert_eq!(violations(&object, Ck8sEra::V0_19), ["Container \"app\" has no resource requests"]);
        }
    }

    #[test]
    fn templates() {
        let deployment = json!({ "apiVersion": "apps/v1", "kind": "Deployment", "spec": { "template": { "spec": { "containers": [{ "name": "app", "resources": { "limits": { "cpu": "1" } } }] } } } });
        assert_eq!(violations(&deployment, Ck8sEra::V0_19), ["Container \"app\" has no resource requests"]);
    }
}
