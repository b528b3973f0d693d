//! `K8sAllowedRepos` (template `k8sallowedrepos`, CK8s `policies/image-registry.rego`).
//!
//! Every container, then every init container, then (v0.48+, Pods only) every ephemeral
//! container whose `image` does not **start with** one of `parameters.repos` is a violation: a
//! pure string prefix, so `harbor.example.com` also admits `harbor.example.com.evil.io/x`, and a
//! bare `nginx` never matches a registry. Without `parameters.repos` no message can be built
//! and nothing is reported; with `repos: []` everything is.

use super::{Ck8sEra, ContainerList, MessageStyle, containers, go_quote, name_and_image, rego_array};
use serde_json::Value;

/// The violation messages for `object`, in Rego evaluation order.
pub fn violations(object: &Value, repos: Option<&[String]>, era: Ck8sEra) -> Vec<String> {
    let Some(repos) = repos else { return Vec::new() };
    let mut lists = vec![ContainerList::Containers, ContainerList::InitContainers];
    if era.checks_ephemeral_containers() {
        lists.push(ContainerList::EphemeralContainers);
    }
    let mut out = Vec::new();
    for list in lists {
        for container in containers(object, list) {
            let Some((name, image)) = name_and_image(container) else { continue };
            if repos.iter().any(|repo| image.starts_with(repo.as_str())) {
                continue;
            }
            out.push(message(list, name, image, repos, era.message_style()));
        }
    }
    out
}

fn message(list: ContainerList, name: &str, image: &str, repos: &[String], style: MessageStyle) -> String {
    let repos = rego_array(repos);
    match style {
        MessageStyle::Original => {
            let what = if list == ContainerList::InitContainers { "initContainer" } else { "container" };
            format!(
                "{what} {} has an invalid image repo {}, allowed repos are {repos}",
                go_quote(name),
                go_quote(image)
            )
        }
        MessageStyle::Elastisys | MessageStyle::Welkin => {
            let what = match list {
                ContainerList::Containers => "The container",
                ContainerList::InitContainers => "The initContainer",
                ContainerList::EphemeralContainers => "The ephemeral container",
            };
            format!(
                "{what} named <{name}> does not have an allowed image registry <{image}>, allowed registries are <{repos}>. {} requires that all images come from trusted registries. Read more at {}",
                style.brand(),
                style.docs("enforce-trusted-registries")
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn repos() -> Vec<String> {
        vec!["harbor.example.com".into(), "quay.io/jetstack/cert-manager-acmesolver".into()]
    }

    fn pod(spec: Value) -> Value {
        json!({ "apiVersion": "v1", "kind": "Pod", "metadata": { "name": "p" }, "spec": spec })
    }

    #[test]
    fn allowed_images_pass() {
        let object = pod(json!({ "containers": [
            { "name": "app", "image": "harbor.example.com/team/app:1.0" },
            { "name": "solver", "image": "quay.io/jetstack/cert-manager-acmesolver:v1.9" },
            // A pure prefix: another host that starts with the same text passes too.
            { "name": "evil", "image": "harbor.example.com.evil.io/x:1" },
        ] }));
        for era in [Ck8sEra::V0_19, Ck8sEra::V0_34, Ck8sEra::LATEST] {
            assert!(violations(&object, Some(&repos()), era).is_empty());
        }
    }

    #[test]
    fn messages_per_era() {
        let object = pod(
            json!({ "containers": [{ "name": "app", "image": "nginx" }], "initContainers": [{ "name": "init", "image": "busybox:1" }] }),
        );
        assert_eq!(
            violations(&object, Some(&repos()), Ck8sEra::V0_19),
            [
                "container \"app\" has an invalid image repo \"nginx\", allowed repos are [\"harbor.example.com\", \"quay.io/jetstack/cert-manager-acmesolver\"]",
                "initContainer \"init\" has an invalid image repo \"busybox:1\", allowed repos are [\"harbor.example.com\", \"quay.io/jetstack/cert-manager-acmesolver\"]",
            ]
        );
        assert_eq!(
            violations(&object, Some(&repos()), Ck8sEra::V0_34),
            [
                "The container named <app> does not have an allowed image registry <nginx>, allowed registries are <[\"harbor.example.com\", \"quay.io/jetstack/cert-manager-acmesolver\"]>. Elastisys Compliant Kubernetes requires that all images come from trusted registries. Read more at https://elastisys.io/compliantkubernetes/user-guide/safeguards/enforce-trusted-registries/",
                "The initContainer named <init> does not have an allowed image registry <busybox:1>, allowed registries are <[\"harbor.example.com\", \"quay.io/jetstack/cert-manager-acmesolver\"]>. Elastisys Compliant Kubernetes requires that all images come from trusted registries. Read more at https://elastisys.io/compliantkubernetes/user-guide/safeguards/enforce-trusted-registries/",
            ]
        );
        assert_eq!(
            violations(&object, Some(&repos()), Ck8sEra::V0_44),
            [
                "The container named <app> does not have an allowed image registry <nginx>, allowed registries are <[\"harbor.example.com\", \"quay.io/jetstack/cert-manager-acmesolver\"]>. Elastisys Welkin® requires that all images come from trusted registries. Read more at https://elastisys.io/welkin/user-guide/safeguards/enforce-trusted-registries/",
                "The initContainer named <init> does not have an allowed image registry <busybox:1>, allowed registries are <[\"harbor.example.com\", \"quay.io/jetstack/cert-manager-acmesolver\"]>. Elastisys Welkin® requires that all images come from trusted registries. Read more at https://elastisys.io/welkin/user-guide/safeguards/enforce-trusted-registries/",
            ]
        );
    }

    #[test]
    fn ephemeral_containers_from_v0_48() {
        let object = pod(json!({
            "containers": [{ "name": "app", "image": "harbor.example.com/app:1" }],
            "ephemeralContainers": [{ "name": "debug", "image": "busybox" }],
        }));
        assert!(violations(&object, Some(&repos()), Ck8sEra::new(47)).is_empty());
        assert_eq!(
            violations(&object, Some(&repos()), Ck8sEra::V0_48),
            [
                "The ephemeral container named <debug> does not have an allowed image registry <busybox>, allowed registries are <[\"harbor.example.com\", \"quay.io/jetstack/cert-manager-acmesolver\"]>. Elastisys Welkin® requires that all images come from trusted registries. Read more at https://elastisys.io/welkin/user-guide/safeguards/enforce-trusted-registries/"
            ]
        );
    }

    #[test]
    fn workload_templates_and_cronjobs() {
        let template = json!({ "spec": { "containers": [{ "name": "app", "image": "nginx" }] } });
        for (api_version, kind) in [
            ("apps/v1", "Deployment"),
            ("apps/v1", "StatefulSet"),
            ("apps/v1", "DaemonSet"),
            ("batch/v1", "Job"),
            ("v1", "ReplicationController"),
        ] {
            let object = json!({ "apiVersion": api_version, "kind": kind, "spec": { "template": template } });
            assert_eq!(violations(&object, Some(&repos()), Ck8sEra::V0_19).len(), 1, "{kind}");
        }
        let cronjob = json!({ "apiVersion": "batch/v1", "kind": "CronJob", "spec": { "jobTemplate": { "spec": { "template": template } } } });
        assert_eq!(violations(&cronjob, Some(&repos()), Ck8sEra::V0_19).len(), 1);
        let service = json!({ "apiVersion": "v1", "kind": "Service", "spec": { "template": template } });
        assert!(violations(&service, Some(&repos()), Ck8sEra::V0_19).is_empty());
    }

    #[test]
    fn parameters_edge_cases() {
        let object = pod(
            json!({ "containers": [{ "name": "app", "image": "harbor.example.com/app:1" }, { "image": "nginx" }] }),
        );
        assert!(violations(&object, None, Ck8sEra::V0_19).is_empty(), "no repos parameter: the message is undefined");
        assert_eq!(
            violations(&object, Some(&[]), Ck8sEra::V0_19),
            ["container \"app\" has an invalid image repo \"harbor.example.com/app:1\", allowed repos are []"],
            "a container without a name has no message"
        );
    }
}
