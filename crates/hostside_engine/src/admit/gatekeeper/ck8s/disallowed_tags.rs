//! `K8sDisallowedTags` (template `k8sdisallowedtags`, CK8s `policies/disallow-tag.rego`, apps
//! v0.20+).
//!
//! For containers, then init containers, two rules each: (a) the image string ends with `:` +
//! one of `parameters.tags` (one violation per container, however many tags match); (b) the
//! image string contains no `:` at all. Quirks kept: `registry:5000/app` has a colon, so it is
//! not flagged although untagged; digests (`app@sha256:…`) pass; `app:latest@sha256:…` passes.
//! Init-container messages use the same words as containers'. From v0.34 the tag message says
//! `:latest` whatever tag matched.

use super::{Ck8sEra, ContainerList, MessageStyle, containers, name_and_image, rego_array};
use serde_json::Value;

/// The violation messages for `object`, in Rego evaluation order.
pub fn violations(object: &Value, tags: &[String], era: Ck8sEra) -> Vec<String> {
    let style = era.message_style();
    let mut out = Vec::new();
    for list in [ContainerList::Containers, ContainerList::InitContainers] {
        let found: Vec<(&str, &str)> = containers(object, list).into_iter().filter_map(name_and_image).collect();
        for (name, image) in &found {
            if tags.iter().any(|tag| image.ends_with(&format!(":{tag}"))) {
                out.push(disallowed(name, image, tags, style));
            }
        }
        for (name, image) in &found {
            if !image.contains(':') {
                out.push(untagged(name, image, style));
            }
        }
    }
    out
}

fn disallowed(name: &str, image: &str, tags: &[String], style: MessageStyle) -> String {
    match style {
        MessageStyle::Original => {
            format!("container <{name}> uses a disallowed tag <{image}>; disallowed tags are {}", rego_array(tags))
        }
        _ => format!(
            "The container named <{name}> uses the :latest tag. {} requires all images to have explicit tags. Read more at {}",
            style.brand(),
            style.docs("enforce-no-latest-tag")
        ),
    }
}

fn untagged(name: &str, image: &str, style: MessageStyle) -> String {
    match style {
        MessageStyle::Original => format!("container <{name}> didn't specify an image tag <{image}>"),
        _ => format!(
            "The container named <{name}> didn't specify an image tag. {} requires all images to have tags to avoid the implicit :latest tag. Read more at {}",
            style.brand(),
            style.docs("enforce-no-latest-tag")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn latest() -> Vec<String> {
        vec!["latest".into()]
    }

    fn pod(images: &[&str]) -> Value {
        let containers: Vec<Value> =
            images.iter().enumerate().map(|(i, image)| json!({ "name": format!("c{i}"), "image": image })).collect();
        json!({ "apiVersion": "v1", "kind": "Pod", "metadata": { "name": "p" }, "spec": { "containers": containers } })
    }

    #[test]
    fn messages_per_era() {
        let object = json!({ "apiVersion": "v1", "kind": "Pod", "spec": {
            "containers": [{ "name": "app", "image": "nginx:latest" }, { "name": "bare", "image": "nginx" }],
            "initContainers": [{ "name": "init", "image": "busybox" }],
        } });
        assert_eq!(
            violations(&object, &latest(), Ck8sEra::V0_20),
            [
                "container <app> uses a disallowed tag <nginx:latest>; disallowed tags are [\"latest\"]",
                "container <bare> didn't specify an image tag <nginx>",
                "container <init> didn't specify an image tag <busybox>",
            ]
        );
        assert_eq!(
            violations(&object, &latest(), Ck8sEra::V0_34),
            [
                "The container named <app> uses the :latest tag. Elastisys Compliant Kubernetes requires all images to have explicit tags. Read more at https://elastisys.io/compliantkubernetes/user-guide/safeguards/enforce-no-latest-tag/",
                "The container named <bare> didn't specify an image tag. Elastisys Compliant Kubernetes requires all images to have tags to avoid the implicit :latest tag. Read more at https://elastisys.io/compliantkubernetes/user-guide/safeguards/enforce-no-latest-tag/",
                "The container named <init> didn't specify an image tag. Elastisys Compliant Kubernetes requires all images to have tags to avoid the implicit :latest tag. Read more at https://elastisys.io/compliantkubernetes/user-guide/safeguards/enforce-no-latest-tag/",
            ]
        );
        assert_eq!(
            violations(&object, &latest(), Ck8sEra::V0_44)[0],
            "The container named <app> uses the :latest tag. Elastisys Welkin® requires all images to have explicit tags. Read more at https://elastisys.io/welkin/user-guide/safeguards/enforce-no-latest-tag/"
        );
    }

    #[test]
    fn quirks() {
        let clean =
            ["registry:5000/app", "app@sha256:0123", "app:latest@sha256:0123", "nginx:1.25", "nginx:latest-alpine"];
        for image in clean {
            assert!(violations(&pod(&[image]), &latest(), Ck8sEra::V0_20).is_empty(), "{image}");
        }
        assert_eq!(violations(&pod(&["registry:5000/app:latest"]), &latest(), Ck8sEra::V0_20).len(), 1);
        assert_eq!(
            violations(&pod(&["harbor.example.com/app"]), &latest(), Ck8sEra::V0_20),
            ["container <c0> didn't specify an image tag <harbor.example.com/app>"]
        );
    }

    #[test]
    fn init_containers_and_tag_lists() {
        let object = json!({ "apiVersion": "apps/v1", "kind": "Deployment", "spec": { "template": { "spec": {
            "containers": [{ "name": "app", "image": "app:dev" }],
            "initContainers": [{ "name": "init", "image": "init:latest" }],
        } } } });
        let tags = vec!["latest".to_string(), "dev".to_string()];
        assert_eq!(
            violations(&object, &tags, Ck8sEra::V0_20),
            [
                "container <app> uses a disallowed tag <app:dev>; disallowed tags are [\"latest\", \"dev\"]",
                "container <init> uses a disallowed tag <init:latest>; disallowed tags are [\"latest\", \"dev\"]",
            ]
        );
        // v0.34+ says :latest whatever matched.
        assert!(violations(&object, &tags, Ck8sEra::V0_34)[0].contains("uses the :latest tag"));
        assert!(violations(&object, &[], Ck8sEra::V0_20).is_empty());
    }
}
