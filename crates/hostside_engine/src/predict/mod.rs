//! The predict stage: what fails once a pod the host admitted starts. The kubelet's checks
//! before the container starts, the runtime's defaults, and the image's own entrypoint, from
//! the image knowledge base (`images`). One rule per file under `rules/`, each naming the
//! Kubernetes/runtime versions it models and citing `image-facts.md`.
//!
//! Pods are taken as the host stores them: after the host's mutation (PodSecurityPolicy,
//! Gatekeeper) when a host profile is given, as vcluster writes them otherwise. Refused pods
//! never run, so nothing is predicted for them. Every prediction names its knowledge-base
//! source in its explanation.

pub(crate) mod images;
mod rules;

use crate::admit::host::HostEnv;
use crate::cluster::Cluster;
use crate::fix::Plan;
use crate::host::ContainerRuntime;
use crate::path::FieldPath;
use crate::report::{Admission, Confidence, Finding, Severity, Stage};
use crate::value::ValueExt;
use images::{Image, User};
use serde_json::{Value, json};

/// One container of an admitted host pod, with what the rules need to know about it.
pub(crate) struct Subject<'a> {
    pub pod: &'a Value,
    pub container: &'a Value,
    pub name: &'a str,
    /// `containers` or `initContainers`.
    pub list: &'static str,
    /// Index in the host pod's list.
    pub index: usize,
    pub image: &'static Image,
    pub runtime: ContainerRuntime,
    /// `<pod>_<namespace>(<uid>)` as the kubelet names the pod.
    pub pod_ref: String,
    pub admission: Option<&'a Admission>,
    pub env: Option<&'a HostEnv>,
}

/// What a rule predicts for one container.
pub(crate) struct Prediction {
    pub rule: &'static str,
    pub severity: Severity,
    pub confidence: Confidence,
    /// The literal log lines or event message.
    pub message: String,
    pub explanation: String,
    pub remedy: Remedy,
}

/// How to avoid a predicted failure.
pub(crate) enum Remedy {
    Words(String),
    /// Set these fields of the container's securityContext.
    SecurityContext(String, Value),
    /// Set these fields of the pod's securityContext.
    PodSecurityContext(String, Value),
    /// Mount emptyDir volumes at these paths of the container.
    EmptyDirs(String, Vec<&'static str>),
    /// Replace the container's image reference with this one.
    Image(String, String),
}

impl Subject<'_> {
    /// A securityContext field: the container's, else the pod's.
    pub fn security(&self, field: &str) -> Option<&Value> {
        self.container
            .pointer(&format!("/securityContext/{field}"))
            .or_else(|| self.pod.pointer(&format!("/spec/securityContext/{field}")))
    }

    pub fn run_as_non_root(&self) -> bool {
        self.security("runAsNonRoot").and_then(Value::as_bool) == Some(true)
    }

    /// The UID the process runs as, when known: `runAsUser`, else the image's numeric user.
    pub fn uid(&self) -> Option<i64> {
        if let Some(uid) = self.security("runAsUser").and_then(Value::as_i64) {
            return Some(uid);
        }
        match self.image.user {
            User::Root => Some(0),
            User::Numeric { uid, .. } => Some(uid),
            User::Named { .. } => self.image.non_root_uid,
        }
    }

    /// The primary group: `runAsGroup`, else the image's, else 0 (a UID without a passwd
    /// entry gets group 0, image-facts.md §0.5).
    pub fn gid(&self) -> i64 {
        if let Some(gid) = self.security("runAsGroup").and_then(Value::as_i64) {
            return gid;
        }
        match self.image.user {
            User::Numeric { gid: Some(gid), .. } => gid,
            _ => 0,
        }
    }

    /// The kubelet starts the container (its runAsNonRoot check passes).
    pub fn starts(&self) -> bool {
        !self.run_as_non_root()
            || self.security("runAsUser").is_some()
            || matches!(self.image.user, User::Numeric { uid, .. } if uid != 0)
    }

    /// The capability is in the container's bounding set (the runtime's defaults unless
    /// dropped, plus what is added).
    pub fn has_capability(&self, capability: &str) -> bool {
        let list = |name: &str| -> Vec<&str> {
            self.container
                .array_at(&format!("/securityContext/capabilities/{name}"))
                .iter()
                .filter_map(Value::as_str)
                .collect()
        };
        let (add, drop) = (list("add"), list("drop"));
        add.contains(&capability) || !(drop.contains(&"ALL") || drop.contains(&capability))
    }

    /// A volume is mounted at `path` or above it.
    pub fn mounted(&self, path: &str) -> bool {
        self.container
            .array_at("/volumeMounts")
            .iter()
            .filter_map(|m| m.str_at("/mountPath"))
            .any(|mount| covers(mount, path))
    }

    pub fn supplemental_groups(&self) -> Vec<i64> {
        self.pod.array_at("/spec/securityContext/supplementalGroups").iter().filter_map(Value::as_i64).collect()
    }

    /// The pod volume mounted at `path` or above it (the deepest such mount).
    pub fn volume_at(&self, path: &str) -> Option<&Value> {
        let mount = self
            .container
            .array_at("/volumeMounts")
            .iter()
            .filter(|m| m.str_at("/mountPath").is_some_and(|mount| covers(mount, path)))
            .max_by_key(|m| m.str_at("/mountPath").map_or(0, str::len))?;
        let name = mount.str_at("/name")?;
        self.pod.array_at("/spec/volumes").iter().find(|v| v.str_at("/name") == Some(name))
    }

    /// A pod sysctl's value.
    pub fn sysctl(&self, name: &str) -> Option<&str> {
        self.pod
            .array_at("/spec/securityContext/sysctls")
            .iter()
            .find(|s| s.str_at("/name") == Some(name))
            .and_then(|s| s.str_at("/value"))
    }

    /// Which admission step set a securityContext field of this container (or the pod), in
    /// words: `PodSecurityPolicy restricted set runAsGroup 1 (MustRunAs 1-65535)`.
    pub fn set_by(&self, field: &str) -> Option<String> {
        let own = format!("/spec/{}/{}/securityContext/{field}", self.list, self.index);
        let pod = format!("/spec/securityContext/{field}");
        for step in self.admission?.steps.iter() {
            for change in &step.changes {
                if change.path == own || change.path == pod || change.path.starts_with(&format!("{own}/")) {
                    let policy = step.policy.as_deref().map(|p| format!(" {p}")).unwrap_or_default();
                    let to = serde_json::to_string(&change.to).unwrap_or_default();
                    let range = step.policy.as_deref().and_then(|p| self.psp_rule(p, field)).unwrap_or_default();
                    return Some(format!("{}{policy} set {field} {to}{range}", step.plugin));
                }
            }
        }
        None
    }

    /// ` (MustRunAs 1-65535)` for a PodSecurityPolicy's group strategy.
    fn psp_rule(&self, policy: &str, field: &str) -> Option<String> {
        let policies = &self.env?.profile.pod_security_policy.as_ref()?.policies;
        let psp = policies.iter().find(|p| p.str_at("/metadata/name") == Some(policy))?;
        let strategy = psp.pointer(&format!("/spec/{field}"))?;
        let rule = strategy.str_at("/rule")?;
        let ranges: Vec<String> = strategy
            .array_at("/ranges")
            .iter()
            .map(|r| format!("{}-{}", r.i64_at("/min").unwrap_or(0), r.i64_at("/max").unwrap_or(0)))
            .collect();
        Some(if ranges.is_empty() { format!(" ({rule})") } else { format!(" ({rule} {})", ranges.join(", ")) })
    }

    /// The image's paths that nothing is mounted over.
    pub fn unmounted_writes(&self) -> Vec<&'static str> {
        self.image.writes.iter().copied().filter(|path| !self.mounted(path)).collect()
    }
}

/// A mount at `mount` covers `path` (the same directory or one above it). `/var/run` is a
/// symlink to `/run` in the Debian and Alpine based images, and the runtime resolves a mount
/// target inside the root filesystem, so either name covers the other (inferred).
fn covers(mount: &str, path: &str) -> bool {
    let under = |mount: &str, path: &str| mount.is_empty() || path == mount || path.starts_with(&format!("{mount}/"));
    let mount = mount.trim_end_matches('/');
    under(mount, path) || under(&var_run(mount), &var_run(path))
}

fn var_run(path: &str) -> String {
    match path.strip_prefix("/var/run") {
        Some(rest) if rest.is_empty() || rest.starts_with('/') => format!("/run{rest}"),
        _ => path.to_string(),
    }
}

/// Runs every rule on every container of every admitted host pod.
pub(crate) fn run(cluster: &mut Cluster) {
    let env = cluster.host.as_ref();
    let runtime = env.map(|e| e.profile.container_runtime).unwrap_or_default();
    let mut findings = Vec::new();
    for host in &cluster.host_objects {
        let Some(from) = host.from else { continue };
        if host.kind != "Pod" || host.admission.as_ref().is_some_and(|a| !a.allowed) {
            continue;
        }
        let pod = host.admission.as_ref().and_then(|a| a.mutated.as_ref()).unwrap_or(&host.object);
        let namespace = pod.str_at("/metadata/namespace").unwrap_or_default();
        let name = pod.str_at("/metadata/name").unwrap_or_default();
        let uid = cluster.placeholders.uid(&format!("host-pod/{namespace}/{name}"));
        let shift = host.path_map.init_containers_shift;
        for list in ["initContainers", "containers"] {
            for (index, container) in pod.array_at(&format!("/spec/{list}")).iter().enumerate() {
                // vcluster's own init containers are not the user's to change.
                let source_index = if list == "initContainers" { index.checked_sub(shift) } else { Some(index) };
                let (Some(source_index), Some(image)) =
                    (source_index, container.str_at("/image").and_then(images::lookup))
                else {
                    continue;
                };
                let subject = Subject {
                    pod,
                    container,
                    name: container.str_at("/name").unwrap_or_default(),
                    list,
                    index,
                    image,
                    runtime,
                    pod_ref: format!("{name}_{namespace}({uid})"),
                    admission: host.admission.as_ref(),
                    env,
                };
                let field = FieldPath::root().field("spec").field(list).index(source_index);
                // Up to the first error: the container never starts, or exits there.
                for prediction in rules::ALL.iter().filter_map(|rule| rule(&subject)) {
                    // The pull failure's fix keeps the image: what follows it stays visible.
                    let fatal = prediction.severity == Severity::Error
                        && prediction.rule != crate::rules::PREDICT_REGISTRY_MOVE;
                    findings.push((from, host.id, field.clone(), subject.name.to_string(), prediction));
                    if fatal {
                        break;
                    }
                }
            }
        }
    }
    let mut made: Vec<(Finding, Option<String>)> = Vec::new();
    for (from, host, field, container, prediction) in findings {
        let per_container = matches!(prediction.remedy, Remedy::SecurityContext(..)).then(|| container.clone());
        let mut finding = Finding::new(prediction.rule, prediction.severity, Stage::Predict, prediction.message)
            .on(from)
            .on_host(host)
            .explain(prediction.explanation);
        finding.confidence = Some(prediction.confidence);
        finding = match prediction.remedy {
            Remedy::Words(text) => finding.fix(text),
            Remedy::SecurityContext(text, fields) => {
                let plan = container_plan(cluster, from, &field, &container, |sets, at| {
                    sets.push((at.field("securityContext"), fields.clone()));
                    Some(())
                });
                finding.fix_with(text, plan)
            }
            Remedy::PodSecurityContext(text, fields) => {
                let plan = container_plan(cluster, from, &field, &container, |sets, _| {
                    let locator = cluster.objects.get(from)?.locator.as_ref()?;
                    sets.push((locator.prefix.clone().field("spec").field("securityContext"), fields.clone()));
                    Some(())
                });
                finding.fix_with(text, plan)
            }
            Remedy::Image(text, image) => {
                let plan = container_plan(cluster, from, &field, &container, |sets, at| {
                    sets.push((at.field("image"), json!(image)));
                    Some(())
                });
                finding.fix_with(text, plan)
            }
            Remedy::EmptyDirs(text, paths) => {
                let plan = container_plan(cluster, from, &field, &container, |sets, at| {
                    empty_dirs(cluster, from, &at, &container, &paths, sets)
                });
                finding.fix_with(text, plan)
            }
        };
        // The image is what the prediction is about; its line is the container's.
        if let Some(span) = cluster.span_of(from, &field.clone().field("image")) {
            finding = finding.at(span);
        }
        finding = finding.field(field);
        made.push((finding, per_container));
    }
    merge_container_fixes(&mut made);
    for (finding, _) in made {
        cluster.finding(finding);
    }
}

/// Containers of one pod with the same prediction get one fix for all of them: the re-check
/// counts a finding resolved only when no finding of its rule remains on the pod.
fn merge_container_fixes(made: &mut [(Finding, Option<String>)]) {
    for i in 0..made.len() {
        let (Some(Plan::SetFields { document, .. }), Some(_)) = (&made[i].0.plan, &made[i].1) else { continue };
        let document = *document;
        let same = |other: &(Finding, Option<String>)| {
            other.1.is_some()
                && other.0.rule == made[i].0.rule
                && other.0.object == made[i].0.object
                && matches!(&other.0.plan, Some(Plan::SetFields { document: d, .. }) if *d == document)
        };
        let group: Vec<usize> = (0..made.len()).filter(|&j| same(&made[j])).collect();
        if group.len() < 2 || group[0] != i {
            continue;
        }
        let mut sets = Vec::new();
        for &j in &group {
            if let Some(Plan::SetFields { sets: own, .. }) = &made[j].0.plan {
                sets.extend(own.iter().cloned());
            }
        }
        let names: Vec<String> = group.iter().filter_map(|&j| made[j].1.clone()).collect();
        for &j in &group {
            made[j].0.plan = Some(Plan::SetFields { document, sets: sets.clone() });
            let own = made[j].1.clone().unwrap_or_default();
            let others: Vec<String> = names.iter().filter(|n| **n != own).map(|n| format!("\"{n}\"")).collect();
            if let Some(fix) = made[j].0.fix.as_mut() {
                fix.description.push_str(&format!(" The fix does the same for container {}.", others.join(", ")));
            }
        }
    }
}

/// Field sets on the container's place in the input (`at`: its path from the document root),
/// if the input still has that container there.
fn container_plan(
    cluster: &Cluster,
    from: usize,
    field: &FieldPath,
    name: &str,
    build: impl FnOnce(&mut Vec<(FieldPath, Value)>, FieldPath) -> Option<()>,
) -> Option<Plan> {
    let locator = cluster.objects.get(from)?.locator.as_ref()?;
    let root = cluster.documents.get(locator.document)?;
    let at = locator.prefix.join(field);
    let (node, matched) = at.clone().field("name").locate(root);
    if matched != at.segments().len() + 1 || node.as_str() != Some(name) {
        return None;
    }
    let mut sets = Vec::new();
    build(&mut sets, at)?;
    Some(Plan::SetFields { document: locator.document, sets })
}

/// emptyDir volumes on the pod and mounts on the container (the lists are rewritten with the
/// new items after the existing ones).
fn empty_dirs(
    cluster: &Cluster,
    from: usize,
    container: &FieldPath,
    name: &str,
    paths: &[&str],
    sets: &mut Vec<(FieldPath, Value)>,
) -> Option<()> {
    let locator = cluster.objects.get(from)?.locator.as_ref()?;
    let root = cluster.documents.get(locator.document)?;
    let existing = |path: &FieldPath| -> Option<Vec<Value>> {
        let (node, matched) = path.locate(root);
        if matched < path.segments().len() {
            return Some(Vec::new());
        }
        node.to_json().as_array().cloned()
    };
    let volumes_at = locator.prefix.clone().field("spec").field("volumes");
    let mounts_at = container.clone().field("volumeMounts");
    let mut volumes = existing(&volumes_at)?;
    let mut mounts = existing(&mounts_at)?;
    let (volumes_before, mounts_before) = (volumes.len(), mounts.len());
    for path in paths {
        let base = path.rsplit('/').next().unwrap_or("data").replace('_', "-").to_ascii_lowercase();
        let volume = format!("{name}-{base}");
        if volumes.iter().any(|v| v.str_at("/name") == Some(volume.as_str())) {
            return None;
        }
        volumes.push(json!({"name": volume, "emptyDir": {}}));
        mounts.push(json!({"name": volume, "mountPath": path}));
    }
    append(sets, mounts_at, mounts, mounts_before);
    append(sets, volumes_at, volumes, volumes_before);
    Some(())
}

/// New items go after the existing ones, one by one (the user's items stay as written); a
/// missing or empty list is written whole.
fn append(sets: &mut Vec<(FieldPath, Value)>, at: FieldPath, items: Vec<Value>, before: usize) {
    if before == 0 {
        sets.push((at, Value::Array(items)));
        return;
    }
    for (index, item) in items.into_iter().enumerate().skip(before) {
        sets.push((at.clone().index(index), item));
    }
}

/// `{port}` in a knowledge-base line stands for the port.
pub(crate) fn lines(lines: &[&str], port: Option<u16>) -> String {
    let text = lines.join("\n");
    match port {
        Some(port) => text.replace("{port}", &port.to_string()),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn subject<'a>(pod: &'a Value, image: &str) -> Subject<'a> {
        let container = pod.pointer("/spec/containers/0").expect("a container");
        Subject {
            pod,
            container,
            name: "app",
            list: "containers",
            index: 0,
            image: images::lookup(image).expect("known image"),
            runtime: ContainerRuntime::default(),
            pod_ref: String::new(),
            admission: None,
            env: None,
        }
    }

    #[test]
    fn user_and_group_come_from_the_pod_then_the_image() {
        let pod = json!({"spec": {"securityContext": {"runAsUser": 5}, "containers": [{"securityContext": {"runAsGroup": 7}}]}});
        let s = subject(&pod, "bitnami/redis");
        assert_eq!((s.uid(), s.gid()), (Some(5), 7));
        let pod = json!({"spec": {"containers": [{}]}});
        assert_eq!((subject(&pod, "bitnami/redis").uid(), subject(&pod, "bitnami/redis").gid()), (Some(1001), 0));
        assert_eq!(subject(&pod, "coredns/coredns").gid(), 65532);
        assert_eq!(subject(&pod, "nginx").uid(), Some(0));
    }

    #[test]
    fn the_kubelet_starts_only_what_it_can_verify() {
        let pod = json!({"spec": {"securityContext": {"runAsNonRoot": true}, "containers": [{}]}});
        assert!(!subject(&pod, "nginx").starts());
        assert!(!subject(&pod, "memcached").starts());
        assert!(subject(&pod, "bitnami/redis").starts());
        let pod = json!({"spec": {"containers": [{"securityContext": {"runAsNonRoot": true, "runAsUser": 101}}]}});
        assert!(subject(&pod, "nginx").starts());
    }

    #[test]
    fn mounts_cover_their_subdirectories_only() {
        let pod = json!({"spec": {
            "containers": [{"volumeMounts": [{"name": "a", "mountPath": "/var/cache/"}, {"name": "b", "mountPath": "/var/cache/nginx"}]}],
            "volumes": [{"name": "a", "emptyDir": {}}, {"name": "b", "persistentVolumeClaim": {"claimName": "x"}}]}});
        let s = subject(&pod, "nginx");
        assert!(s.mounted("/var/cache/nginx/client_temp") && s.mounted("/var/cache") && !s.mounted("/var/cached"));
        assert_eq!(s.volume_at("/var/cache/nginx/x").and_then(|v| v.str_at("/name")), Some("b"));
        assert_eq!(s.volume_at("/var/cache/other").and_then(|v| v.str_at("/name")), Some("a"));
        assert_eq!(s.unmounted_writes(), vec!["/var/run"]);
        let pod = json!({"spec": {"containers": [{"volumeMounts": [{"name": "a", "mountPath": "/run"}]}]}});
        assert!(
            subject(&pod, "nginx").mounted("/var/run/nginx.pid") && !subject(&pod, "nginx").mounted("/var/running")
        );
    }

    #[test]
    fn dropped_capabilities_leave_the_bounding_set() {
        let pod = json!({"spec": {"containers": [{"securityContext": {"capabilities": {"drop": ["ALL"], "add": ["NET_BIND_SERVICE"]}}}]}});
        let s = subject(&pod, "coredns/coredns");
        assert!(s.has_capability("NET_BIND_SERVICE") && !s.has_capability("CHOWN"));
        let pod = json!({"spec": {"containers": [{}]}});
        assert!(subject(&pod, "coredns/coredns").has_capability("CHOWN"));
    }
}
