//! Resource quantities as the API server stores them: decoded as `resource.Quantity` (a
//! malformed one refuses the object) and written back in canonical form (`0.5` → `500m`,
//! `1.5Gi` → `1536Mi`), which is what `kubectl get -o yaml` shows and what vcluster copies.

use crate::admit::quantity;
use serde_json::Value;

/// Where built-in kinds hold quantities: path segments, `*` for every list item or map entry.
fn quantity_paths(kind: &str) -> Vec<Vec<&'static str>> {
    let pod_spec = |prefix: &[&'static str]| {
        let mut paths = Vec::new();
        for list in ["containers", "initContainers", "ephemeralContainers"] {
            for part in ["limits", "requests"] {
                paths.push([prefix, &[list, "*", "resources", part, "*"]].concat());
            }
        }
        for part in ["limits", "requests"] {
            paths.push([prefix, &["resources", part, "*"]].concat());
            paths.push(
                [prefix, &["volumes", "*", "ephemeral", "volumeClaimTemplate", "spec", "resources", part, "*"]]
                    .concat(),
            );
        }
        paths.push([prefix, &["overhead", "*"]].concat());
        paths.push([prefix, &["volumes", "*", "emptyDir", "sizeLimit"]].concat());
        paths
    };
    match kind {
        "Pod" => pod_spec(&["spec"]),
        "PodTemplate" => pod_spec(&["template", "spec"]),
        "Deployment" | "ReplicaSet" | "DaemonSet" | "Job" | "ReplicationController" => {
            pod_spec(&["spec", "template", "spec"])
        }
        "StatefulSet" => {
            let mut paths = pod_spec(&["spec", "template", "spec"]);
            for part in ["limits", "requests"] {
                paths.push(vec!["spec", "volumeClaimTemplates", "*", "spec", "resources", part, "*"]);
            }
            paths
        }
        "CronJob" => pod_spec(&["spec", "jobTemplate", "spec", "template", "spec"]),
        "PersistentVolumeClaim" => {
            vec![vec!["spec", "resources", "limits", "*"], vec!["spec", "resources", "requests", "*"]]
        }
        "PersistentVolume" => vec![vec!["spec", "capacity", "*"]],
        "ResourceQuota" => vec![vec!["spec", "hard", "*"]],
        "LimitRange" => ["max", "min", "default", "defaultRequest", "maxLimitRequestRatio"]
            .iter()
            .map(|part| vec!["spec", "limits", "*", part, "*"])
            .collect(),
        _ => Vec::new(),
    }
}

/// Canonicalises every quantity of the object; `Err` with the decode error for a malformed one.
pub fn canonicalize(kind: &str, object: &mut Value) -> Result<(), String> {
    for path in quantity_paths(kind) {
        visit(object, &path, &mut |value| {
            let parsed = quantity::from_json(value)?;
            *value = Value::String(parsed.canonical());
            Ok(())
        })?;
    }
    Ok(())
}

fn visit(value: &mut Value, path: &[&str], f: &mut dyn FnMut(&mut Value) -> Result<(), String>) -> Result<(), String> {
    let Some((first, rest)) = path.split_first() else { return f(value) };
    match (value, *first) {
        (Value::Array(items), "*") => items.iter_mut().try_for_each(|item| visit(item, rest, f)),
        (Value::Object(map), "*") => map.values_mut().try_for_each(|item| visit(item, rest, f)),
        (Value::Object(map), key) => map.get_mut(key).map_or(Ok(()), |child| visit(child, rest, f)),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn quantities_are_stored_canonical() {
        let mut pod = json!({"spec": {"containers": [{"resources": {"limits": {"cpu": 0.5, "memory": "1.5Gi"}, "requests": {"cpu": "1000m"}}}]}});
        canonicalize("Pod", &mut pod).unwrap();
        assert_eq!(
            pod,
            json!({"spec": {"containers": [{"resources": {"limits": {"cpu": "500m", "memory": "1536Mi"}, "requests": {"cpu": "1"}}}]}})
        );
        let mut bad = json!({"spec": {"hard": {"cpu": "lots"}}});
        assert!(
            canonicalize("ResourceQuota", &mut bad)
                .unwrap_err()
                .starts_with("quantities must match the regular expression")
        );
    }
}
