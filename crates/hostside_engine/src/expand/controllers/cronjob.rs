//! CronJob controller: the Job of the current schedule slot, named
//! `<cronjob>-<scheduled time in minutes since the epoch>` (`pkg/controller/cronjob`).
//! The engine has no clock: the scheduled time is the fixed run instant (`CLOCK_RFC3339`).

use super::{create_child, event, owner_reference};
use crate::cluster::{CLOCK_RFC3339, CLOCK_UNIX, Cluster};
use crate::expand::NamespaceState;
use crate::report::EventType;
use crate::value::ValueExt;
use serde_json::json;

pub(super) fn sync(cluster: &mut Cluster, namespaces: &mut NamespaceState, id: usize) {
    let cron = cluster.objects[id].object.clone();
    if cron.bool_at("/spec/suspend") == Some(true) {
        return;
    }
    let namespace = cluster.objects[id].namespace.clone().unwrap_or_default();
    let job_name = format!("{}-{}", cluster.objects[id].name, CLOCK_UNIX / 60);
    let mut job = json!({
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"name": job_name, "namespace": namespace, "ownerReferences": [owner_reference(&cluster.objects[id])]},
        "spec": cron.pointer("/spec/jobTemplate/spec").cloned().unwrap_or_else(|| json!({})),
    });
    for field in ["labels", "annotations"] {
        if let Some(map) = cron.pointer(&format!("/spec/jobTemplate/metadata/{field}")) {
            job.set_at(&format!("/metadata/{field}"), map.clone());
        }
    }
    job.set_at("/metadata/annotations/batch.kubernetes.io~1cronjob-scheduled-timestamp", json!(CLOCK_RFC3339));
    if create_child(cluster, namespaces, id, "cronjob-controller", job, "spec.jobTemplate").is_ok() {
        event(
            cluster,
            id,
            EventType::Normal,
            "SuccessfulCreate",
            format!("Created job {job_name}"),
            "cronjob-controller",
        );
    }
}
