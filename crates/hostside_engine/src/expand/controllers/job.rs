//! Job: the API server's generated selector and labels, and the job controller's pods
//! (`pkg/registry/batch/job`, `pkg/controller/job`, Kubernetes 1.37).

use super::{PodBatch, create_pods};
use crate::cluster::Cluster;
use crate::expand::NamespaceState;
use crate::value::ValueExt;
use serde_json::{Value, json};

/// `generateSelector`: unless `manualSelector`, the Job selects its pods by its own UID and
/// its template carries the job labels (legacy and `batch.kubernetes.io/` forms).
pub(crate) fn generate_selector(job: &mut Value) {
    if job.bool_at("/spec/manualSelector") == Some(true) {
        return;
    }
    let uid = job.str_at("/metadata/uid").unwrap_or_default().to_string();
    let name = job.str_at("/metadata/name").unwrap_or_default().to_string();
    for (key, value) in [
        ("batch.kubernetes.io/controller-uid", &uid),
        ("batch.kubernetes.io/job-name", &name),
        ("controller-uid", &uid),
        ("job-name", &name),
    ] {
        job.set_at(&format!("/spec/template/metadata/labels/{}", key.replace('/', "~1")), json!(value));
    }
    job.set_at("/spec/selector", json!({"matchLabels": {"batch.kubernetes.io/controller-uid": uid}}));
}

pub(super) fn sync(cluster: &mut Cluster, namespaces: &mut NamespaceState, id: usize) {
    let job = cluster.objects[id].object.clone();
    if job.bool_at("/spec/suspend") == Some(true) {
        return;
    }
    let parallelism = job.i64_at("/spec/parallelism").unwrap_or(1);
    let count = job.i64_at("/spec/completions").map_or(parallelism, |c| c.min(parallelism));
    let template = job.pointer("/spec/template").cloned().unwrap_or_else(|| json!({}));
    let indexed = job.str_at("/spec/completionMode") == Some("Indexed");
    let name = cluster.objects[id].name.clone();
    create_pods(
        cluster,
        namespaces,
        PodBatch {
            owner: id,
            count,
            template: &template,
            template_path: "spec.template",
            controller: "job-controller",
        },
        &|pod, i| {
            pod.set_at("/metadata/finalizers", json!(["batch.kubernetes.io/job-tracking"]));
            if indexed {
                let index = i.to_string();
                pod.set_at("/metadata/annotations/batch.kubernetes.io~1job-completion-index", json!(index));
                pod.set_at("/metadata/labels/batch.kubernetes.io~1job-completion-index", json!(index));
                let prefix = format!("{name}-{i}-");
                let suffix =
                    pod.str_at("/metadata/name").and_then(|n| n.rsplit('-').next()).unwrap_or_default().to_string();
                pod.set_at("/metadata/generateName", json!(prefix));
                pod.set_at("/metadata/name", json!(format!("{prefix}{suffix}")));
            }
        },
    );
}
