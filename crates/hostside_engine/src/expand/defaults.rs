//! Defaulting the virtual API server applies when it stores an object
//! (`pkg/apis/*/v1/defaults.go`, Kubernetes 1.37; vcluster-translation.md §0.1).

use crate::value::{self, ValueExt};
use serde_json::{Value, json};

/// Applies the defaults of a built-in kind in place.
pub fn apply(kind: &str, object: &mut Value) {
    match kind {
        "Pod" => {
            if let Some(spec) = object.get_mut("spec") {
                pod_spec(spec);
            }
            pod_requests_from_limits(object);
        }
        "PodTemplate" => template(object.pointer_mut("/template")),
        "ReplicationController" => {
            object.default_at("/spec/replicas", json!(1));
            template(object.pointer_mut("/spec/template"));
        }
        "Deployment" => {
            object.default_at("/spec/replicas", json!(1));
            let strategy_type = object.str_at("/spec/strategy/type").unwrap_or("RollingUpdate").to_string();
            object.default_at("/spec/strategy/type", json!(strategy_type));
            if strategy_type == "RollingUpdate" {
                object.default_at("/spec/strategy/rollingUpdate/maxUnavailable", json!("25%"));
                object.default_at("/spec/strategy/rollingUpdate/maxSurge", json!("25%"));
            }
            object.default_at("/spec/revisionHistoryLimit", json!(10));
            object.default_at("/spec/progressDeadlineSeconds", json!(600));
            template(object.pointer_mut("/spec/template"));
        }
        "ReplicaSet" => {
            object.default_at("/spec/replicas", json!(1));
            template(object.pointer_mut("/spec/template"));
        }
        "StatefulSet" => {
            object.default_at("/spec/replicas", json!(1));
            object.default_at("/spec/podManagementPolicy", json!("OrderedReady"));
            let strategy_type = object.str_at("/spec/updateStrategy/type").unwrap_or("RollingUpdate").to_string();
            object.default_at("/spec/updateStrategy/type", json!(strategy_type));
            if strategy_type == "RollingUpdate" {
                object.default_at("/spec/updateStrategy/rollingUpdate/partition", json!(0));
            }
            object.default_at("/spec/revisionHistoryLimit", json!(10));
            object.default_at("/spec/persistentVolumeClaimRetentionPolicy/whenDeleted", json!("Retain"));
            object.default_at("/spec/persistentVolumeClaimRetentionPolicy/whenScaled", json!("Retain"));
            if let Some(Value::Array(claims)) = object.pointer_mut("/spec/volumeClaimTemplates") {
                for claim in claims {
                    claim.default_at("/apiVersion", json!("v1"));
                    claim.default_at("/kind", json!("PersistentVolumeClaim"));
                    claim.default_at("/spec/volumeMode", json!("Filesystem"));
                    claim.default_at("/status/phase", json!("Pending"));
                }
            }
            template(object.pointer_mut("/spec/template"));
        }
        "DaemonSet" => {
            let strategy_type = object.str_at("/spec/updateStrategy/type").unwrap_or("RollingUpdate").to_string();
            object.default_at("/spec/updateStrategy/type", json!(strategy_type));
            if strategy_type == "RollingUpdate" {
                object.default_at("/spec/updateStrategy/rollingUpdate/maxUnavailable", json!(1));
                object.default_at("/spec/updateStrategy/rollingUpdate/maxSurge", json!(0));
            }
            object.default_at("/spec/revisionHistoryLimit", json!(10));
            template(object.pointer_mut("/spec/template"));
        }
        "Job" => {
            if let Some(spec) = object.get_mut("spec") {
                job_spec(spec);
            }
        }
        "CronJob" => {
            object.default_at("/spec/concurrencyPolicy", json!("Allow"));
            object.default_at("/spec/suspend", json!(false));
            object.default_at("/spec/successfulJobsHistoryLimit", json!(3));
            object.default_at("/spec/failedJobsHistoryLimit", json!(1));
            template(object.pointer_mut("/spec/jobTemplate/spec/template"));
        }
        "Service" => service(object),
        "LimitRange" => crate::admit::limit_ranger::default_limit_range(object),
        "PersistentVolumeClaim" => {
            object.default_at("/spec/volumeMode", json!("Filesystem"));
        }
        "Secret" => secret(object),
        "Namespace" => {
            object.default_at("/spec/finalizers", json!(["kubernetes"]));
        }
        "NetworkPolicy" => {
            if object.pointer("/spec/policyTypes").is_none() {
                // Validation defaulting: Ingress always, Egress when egress rules exist.
                let mut types = vec![json!("Ingress")];
                if object.pointer("/spec/egress").is_some_and(|e| e.as_array().is_some_and(|a| !a.is_empty())) {
                    types.push(json!("Egress"));
                }
                object.set_at("/spec/policyTypes", Value::Array(types));
            }
            for rule_kind in ["ingress", "egress"] {
                if let Some(Value::Array(rules)) = object.pointer_mut(&format!("/spec/{rule_kind}")) {
                    for rule in rules {
                        if let Some(Value::Array(ports)) = rule.get_mut("ports") {
                            for port in ports {
                                port.default_at("/protocol", json!("TCP"));
                            }
                        }
                    }
                }
            }
        }
        _ => {}
    }
}

/// Only the `Job` part of defaulting; `spec.template` is defaulted with it.
pub fn job_spec(spec: &mut Value) {
    let completions = spec.get("completions").cloned();
    if completions.is_none() && spec.get("parallelism").is_none() {
        spec.set_at("/completions", json!(1));
    }
    spec.default_at("/parallelism", json!(1));
    spec.default_at("/backoffLimit", json!(6));
    spec.default_at("/completionMode", json!("NonIndexed"));
    spec.default_at("/suspend", json!(false));
    if spec.get("podFailurePolicy").is_none() {
        spec.default_at("/podReplacementPolicy", json!("TerminatingOrFailed"));
    }
    template(spec.pointer_mut("/template"));
}

fn template(template: Option<&mut Value>) {
    if let Some(spec) = template.and_then(|t| t.get_mut("spec")) {
        pod_spec(spec);
    }
}

/// `SetDefaults_PodSpec`, `SetDefaults_Container`, probes, ports, volumes.
pub fn pod_spec(spec: &mut Value) {
    spec.default_at("/dnsPolicy", json!("ClusterFirst"));
    spec.default_at("/restartPolicy", json!("Always"));
    spec.default_at("/terminationGracePeriodSeconds", json!(30));
    spec.default_at("/schedulerName", json!("default-scheduler"));
    spec.default_at("/securityContext", json!({}));
    spec.default_at("/enableServiceLinks", json!(true));
    let host_network = spec.bool_at("/hostNetwork").unwrap_or(false);
    for list in ["initContainers", "containers", "ephemeralContainers"] {
        if let Some(Value::Array(containers)) = spec.get_mut(list) {
            for container in containers {
                self::container(container, host_network && list != "ephemeralContainers");
            }
        }
    }
    if let Some(Value::Array(volumes)) = spec.get_mut("volumes") {
        for volume in volumes {
            self::volume(volume);
        }
    }
}

fn container(container: &mut Value, host_network: bool) {
    let image = container.str_at("/image").unwrap_or_default().to_string();
    container
        .default_at("/imagePullPolicy", json!(if image_tag_is_latest(&image) { "Always" } else { "IfNotPresent" }));
    container.default_at("/terminationMessagePath", json!("/dev/termination-log"));
    container.default_at("/terminationMessagePolicy", json!("File"));
    if let Some(Value::Array(ports)) = container.get_mut("ports") {
        for port in ports {
            port.default_at("/protocol", json!("TCP"));
            if host_network {
                // With hostNetwork the host port is the container port.
                if let Some(number) = port.get("containerPort").cloned() {
                    port.default_at("/hostPort", number);
                }
            }
        }
    }
    for probe in ["livenessProbe", "readinessProbe", "startupProbe"] {
        if let Some(probe) = container.get_mut(probe) {
            probe.default_at("/timeoutSeconds", json!(1));
            probe.default_at("/periodSeconds", json!(10));
            probe.default_at("/successThreshold", json!(1));
            probe.default_at("/failureThreshold", json!(3));
            http_get(probe.get_mut("httpGet"));
        }
    }
    for hook in ["postStart", "preStop"] {
        http_get(container.pointer_mut(&format!("/lifecycle/{hook}/httpGet")));
    }
    if let Some(Value::Array(env)) = container.get_mut("env") {
        for var in env {
            if let Some(field_ref) = var.pointer_mut("/valueFrom/fieldRef") {
                field_ref.default_at("/apiVersion", json!("v1"));
            }
        }
    }
}

fn http_get(action: Option<&mut Value>) {
    if let Some(action) = action {
        action.default_at("/path", json!("/"));
        action.default_at("/scheme", json!("HTTP"));
    }
}

/// A reference without tag or digest means `:latest` (kubelet pulls it Always).
pub fn image_tag_is_latest(image: &str) -> bool {
    if image.contains('@') {
        return false;
    }
    let last = image.rsplit('/').next().unwrap_or(image);
    match last.rsplit_once(':') {
        Some((_, tag)) => tag == "latest",
        None => true,
    }
}

const VOLUME_SOURCES: &[&str] = &[
    "hostPath",
    "emptyDir",
    "gcePersistentDisk",
    "awsElasticBlockStore",
    "gitRepo",
    "secret",
    "nfs",
    "iscsi",
    "glusterfs",
    "persistentVolumeClaim",
    "rbd",
    "flexVolume",
    "cinder",
    "cephfs",
    "flocker",
    "downwardAPI",
    "fc",
    "azureFile",
    "configMap",
    "vsphereVolume",
    "quobyte",
    "azureDisk",
    "photonPersistentDisk",
    "projected",
    "portworxVolume",
    "scaleIO",
    "storageos",
    "csi",
    "ephemeral",
    "image",
];

fn volume(volume: &mut Value) {
    if !VOLUME_SOURCES.iter().any(|s| volume.get(*s).is_some()) {
        volume.set_at("/emptyDir", json!({}));
    }
    for source in ["secret", "configMap", "downwardAPI", "projected"] {
        if let Some(source) = volume.get_mut(source) {
            source.default_at("/defaultMode", json!(420));
        }
    }
    if let Some(downward) = volume.get_mut("downwardAPI") {
        field_refs(downward.get_mut("items"));
    }
    if let Some(Value::Array(sources)) = volume.pointer_mut("/projected/sources") {
        for source in sources {
            field_refs(source.pointer_mut("/downwardAPI/items"));
        }
    }
    if let Some(host_path) = volume.get_mut("hostPath") {
        host_path.default_at("/type", json!(""));
    }
    if let Some(claim) = volume.pointer_mut("/ephemeral/volumeClaimTemplate/spec") {
        claim.default_at("/volumeMode", json!("Filesystem"));
    }
    if let Some(iscsi) = volume.get_mut("iscsi") {
        iscsi.default_at("/iscsiInterface", json!("default"));
    }
}

fn field_refs(items: Option<&mut Value>) {
    if let Some(Value::Array(items)) = items {
        for item in items {
            if let Some(field_ref) = item.get_mut("fieldRef") {
                field_ref.default_at("/apiVersion", json!("v1"));
            }
        }
    }
}

/// `SetDefaults_Pod`: a resource with a limit and no request gets the limit as request.
pub fn pod_requests_from_limits(pod: &mut Value) {
    for list in ["initContainers", "containers"] {
        if let Some(Value::Array(containers)) = pod.pointer_mut(&format!("/spec/{list}")) {
            for container in containers {
                let Some(Value::Object(limits)) = container.pointer("/resources/limits").cloned() else { continue };
                for (resource, quantity) in limits {
                    container
                        .default_at(&format!("/resources/requests/{}", value::escape_pointer(&resource)), quantity);
                }
            }
        }
    }
}

fn service(object: &mut Value) {
    let service_type = object.str_at("/spec/type").unwrap_or("ClusterIP").to_string();
    object.default_at("/spec/type", json!(service_type));
    object.default_at("/spec/sessionAffinity", json!("None"));
    if let Some(Value::Array(ports)) = object.pointer_mut("/spec/ports") {
        for port in ports {
            port.default_at("/protocol", json!("TCP"));
            if let Some(number) = port.get("port").cloned() {
                port.default_at("/targetPort", number);
            }
        }
    }
    if service_type == "NodePort" || service_type == "LoadBalancer" {
        object.default_at("/spec/externalTrafficPolicy", json!("Cluster"));
    }
    if service_type != "ExternalName" {
        object.default_at("/spec/internalTrafficPolicy", json!("Cluster"));
    }
    if service_type == "LoadBalancer" {
        object.default_at("/spec/allocateLoadBalancerNodePorts", json!(true));
    }
}

/// The API server folds `stringData` into base64 `data` on write.
fn secret(object: &mut Value) {
    object.default_at("/type", json!("Opaque"));
    let Some(Value::Object(string_data)) = object.get("stringData").cloned() else { return };
    for (key, text) in string_data {
        let encoded = base64_encode(text.as_str().unwrap_or_default().as_bytes());
        object.set_at(&format!("/data/{}", value::escape_pointer(&key)), json!(encoded));
    }
    value::remove(object, "stringData");
}

pub fn base64_encode(bytes: &[u8]) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_pull_policy_follows_the_tag() {
        assert!(image_tag_is_latest("nginx"));
        assert!(image_tag_is_latest("nginx:latest"));
        assert!(image_tag_is_latest("localhost:5000/nginx"));
        assert!(!image_tag_is_latest("localhost:5000/nginx:1.25"));
        assert!(!image_tag_is_latest("nginx@sha256:abc"));
    }

    #[test]
    fn base64_matches_the_standard_encoding() {
        assert_eq!(base64_encode(b"changeme"), "Y2hhbmdlbWU=");
        assert_eq!(base64_encode(b"ab"), "YWI=");
        assert_eq!(base64_encode(b""), "");
    }
}
