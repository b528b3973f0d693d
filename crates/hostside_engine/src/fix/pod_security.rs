//! The fix for a pod Pod Security refused (on the host, or by vcluster's own check): the
//! securityContext fields the level requires, set on the containers of the pod's source
//! (a workload's template or a bare Pod). Violations that only a human can settle (host
//! namespaces, hostPath, privileged, extra capabilities…) give words and no edits: changing
//! them changes what the workload can do.

use super::Plan;
use crate::admit::pod_security::{BASELINE_CAPABILITIES, CheckResult, Level};
use crate::cluster::Cluster;
use crate::report::{ObjectId, Origin};
use crate::value::ValueExt;
use serde_json::{Value, json};

/// What Pod Security refused: the level and the failing checks, with the pod spec as it was
/// evaluated (the host pod's, vcluster's init containers included).
#[derive(Clone, Debug)]
pub(crate) struct Denial {
    pub level: Level,
    pub failures: Vec<CheckResult>,
    pub spec: Value,
    pub by: Enforcer,
}

/// Whose Pod Security refused: who can grant an exemption differs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Enforcer {
    Host,
    /// The virtual cluster's API server, or vcluster's own check before syncing.
    VirtualCluster,
}

impl Enforcer {
    fn admin(self) -> &'static str {
        match self {
            Enforcer::Host => "the host admin",
            Enforcer::VirtualCluster => "whoever runs the virtual cluster (its Pod Security Standard setting)",
        }
    }
}

/// The only capability restricted lets a container add.
const RESTRICTED_ADD: &str = "NET_BIND_SERVICE";

/// A container of the evaluated pod and where it comes from in the virtual pod.
struct Container<'a> {
    list: &'static str,
    name: &'a str,
    value: &'a Value,
    /// Its index in the virtual pod's list; `None` for containers vcluster added.
    source_index: Option<usize>,
}

impl Container<'_> {
    fn strings(&self, pointer: &str) -> Vec<&str> {
        self.value.array_at(&format!("/securityContext{pointer}")).iter().filter_map(Value::as_str).collect()
    }
}

/// Fields to set, per container (in the order met) and on the pod.
#[derive(Default)]
struct Needs {
    containers: Vec<(&'static str, usize, String, Value)>,
    pod: Value,
    /// Sentences for what needs a human.
    human: Vec<String>,
    /// What the edits change beyond the violations' own fields.
    notes: Vec<String>,
}

impl Needs {
    fn container(&mut self, container: &Container, pointer: &str, value: Value) {
        let Some(index) = container.source_index else {
            let text = format!(
                "container \"{}\" was added by vcluster, and Hostside does not change vcluster's containers.",
                container.name
            );
            if !self.human.contains(&text) {
                self.human.push(text);
            }
            return;
        };
        let position = self.containers.iter().position(|(l, i, _, _)| *l == container.list && *i == index);
        let position = position.unwrap_or_else(|| {
            self.containers.push((container.list, index, container.name.to_string(), json!({})));
            self.containers.len() - 1
        });
        self.containers[position].3.set_at(pointer, value);
    }

    fn pod(&mut self, pointer: &str, value: Value) {
        self.pod.set_at(pointer, value);
    }
}

/// The fix's description, and its plan when every violation can be fixed by setting fields.
pub(crate) fn fix(cluster: &Cluster, object: ObjectId, shift: usize, denial: &Denial) -> (String, Option<Plan>) {
    let level = denial.level;
    let admin = denial.by.admin();
    let containers = containers(&denial.spec, shift);
    let mut needs = Needs { pod: json!({}), ..Needs::default() };
    for failure in &denial.failures {
        match failure.id {
            "allowPrivilegeEscalation" => {
                for c in &containers {
                    if c.value.bool_at("/securityContext/allowPrivilegeEscalation") != Some(false) {
                        needs.container(c, "/allowPrivilegeEscalation", json!(false));
                    }
                }
            }
            "capabilities_restricted" | "capabilities_baseline" => {
                for c in &containers {
                    capabilities(&mut needs, c, level, admin, failure.id == "capabilities_restricted");
                }
            }
            "runAsNonRoot" => {
                let bad = |v: &Value| v == &json!(false);
                pod_or_containers(&mut needs, &containers, &denial.spec, "/runAsNonRoot", json!(true), bad, true);
                needs.notes.push(
                    "runAsNonRoot only lets a container start when its image runs as a non-root user: set runAsUser to a user the image works with, or use an unprivileged variant of the image.".into(),
                );
            }
            "seccompProfile_restricted" => {
                let bad = |v: &Value| !matches!(v.as_str(), Some("RuntimeDefault" | "Localhost"));
                pod_or_containers(&mut needs, &containers, &denial.spec, "/seccompProfile/type", json!("RuntimeDefault"), bad, true);
            }
            "seccompProfile_baseline" => {
                let bad = |v: &Value| v.as_str() == Some("Unconfined");
                pod_or_containers(&mut needs, &containers, &denial.spec, "/seccompProfile/type", json!("RuntimeDefault"), bad, false);
            }
            "hostPathVolumes" | "restrictedVolumes" => needs.human.push(format!(
                "{}: hostPath volumes (and other node-level volume types) are not allowed at Pod Security {level}. Use emptyDir, a PersistentVolumeClaim or a ConfigMap instead, or ask {admin}.",
                reason(failure)
            )),
            "runAsUser" => needs.human.push(format!(
                "{}: the pod asks to run as root. Choose a non-root user the image works with.",
                reason(failure)
            )),
            _ => needs.human.push(format!(
                "{}: the pod asks the node for more than Pod Security {level} allows. Remove it if the workload can do without, or ask {admin} for an exemption.",
                reason(failure)
            )),
        }
    }
    let settings = settings(&needs);
    if !needs.human.is_empty() {
        let mut text = format!("No automatic fix: {}", needs.human.join(" "));
        if !settings.is_empty() {
            text.push_str(&format!(
                " The other violations go away with {settings}, but that alone does not get the pod admitted."
            ));
        }
        return (text, None);
    }
    let mut text = format!("Set what Pod Security {level} requires in {}: {settings}.", source_name(cluster, object));
    for note in &needs.notes {
        text.push(' ');
        text.push_str(note);
    }
    (text, plan(cluster, object, &needs))
}

/// A securityContext field the pod or every container must get right (runAsNonRoot, the
/// seccomp profile): wrong values are replaced where they are written; when `required`,
/// containers without one get it on the pod if there are several of them (one place covers
/// all), else on the container.
fn pod_or_containers(
    needs: &mut Needs,
    containers: &[Container],
    spec: &Value,
    pointer: &str,
    good: Value,
    bad: impl Fn(&Value) -> bool,
    required: bool,
) {
    let pod = spec.pointer(&format!("/securityContext{pointer}"));
    let mut covered = !required || pod.is_some_and(|v| !bad(v));
    if pod.is_some_and(&bad) {
        needs.pod(pointer, good.clone());
        covered = true;
    }
    let mut missing = Vec::new();
    for c in containers {
        match c.value.pointer(&format!("/securityContext{pointer}")) {
            Some(v) if bad(v) => needs.container(c, pointer, good.clone()),
            None if !covered => missing.push(c),
            _ => {}
        }
    }
    let several = containers.iter().filter(|c| c.source_index.is_some()).count() > 1;
    if !missing.is_empty() && several {
        needs.pod(pointer, good);
    } else {
        missing.into_iter().for_each(|c| needs.container(c, pointer, good.clone()));
    }
}

/// `reason (detail)` as Pod Security words it.
fn reason(failure: &CheckResult) -> String {
    if failure.detail.is_empty() { failure.reason.clone() } else { format!("{} ({})", failure.reason, failure.detail) }
}

fn capabilities(needs: &mut Needs, c: &Container, level: Level, admin: &str, restricted: bool) {
    let added = c.strings("/capabilities/add");
    let extra: Vec<&str> = added.iter().copied().filter(|a| !BASELINE_CAPABILITIES.contains(a)).collect();
    if !extra.is_empty() {
        let caps = extra.iter().map(|a| format!("\"{a}\"")).collect::<Vec<_>>().join(", ");
        let mut text = format!(
            "container \"{}\" adds {caps} (securityContext.capabilities.add), which Pod Security {level} refuses.",
            c.name
        );
        text.push_str(&mesh_init(c).unwrap_or_else(|| {
            format!(" Remove them if the workload does not need them, or ask {admin} for a less strict level.")
        }));
        needs.human.push(text);
        return;
    }
    if !restricted {
        return;
    }
    if !c.strings("/capabilities/drop").contains(&"ALL") {
        needs.container(c, "/capabilities/drop", json!(["ALL"]));
    }
    if added.iter().any(|a| *a != RESTRICTED_ADD) {
        let kept: Vec<&str> = added.iter().copied().filter(|a| *a == RESTRICTED_ADD).collect();
        needs.container(c, "/capabilities/add", json!(kept));
        let removed: Vec<&str> = added.iter().copied().filter(|a| *a != RESTRICTED_ADD).collect();
        needs.notes.push(format!(
            "Container \"{}\" no longer adds {} (restricted lets containers add only {RESTRICTED_ADD}).",
            c.name,
            removed.join(", ")
        ));
    }
}

/// Advice for a service mesh's init container, which needs NET_ADMIN/NET_RAW for iptables.
fn mesh_init(c: &Container) -> Option<String> {
    let image = c.value.str_at("/image").unwrap_or_default();
    let mesh = match c.name {
        "istio-init" | "istio-validation" => "Istio",
        "linkerd-init" => "Linkerd",
        _ if image.contains("istio/proxyv2") => "Istio",
        _ => return None,
    };
    Some(format!(
        " It is {mesh}'s init container, which redirects the pod's traffic with iptables: use the mesh's CNI mode ({mesh} CNI), where a node agent does that and pods need no added capabilities."
    ))
}

/// The evaluated pod's containers in Pod Security's order, mapped back to the virtual pod.
fn containers(spec: &Value, shift: usize) -> Vec<Container<'_>> {
    let mut out = Vec::new();
    for list in ["initContainers", "containers", "ephemeralContainers"] {
        for (index, value) in spec.array_at(&format!("/{list}")).iter().enumerate() {
            // vcluster puts its init containers first (PathMap::init_containers_shift).
            let source_index = if list == "initContainers" { index.checked_sub(shift) } else { Some(index) };
            out.push(Container { list, name: value.str_at("/name").unwrap_or_default(), value, source_index });
        }
    }
    out
}

/// `container "nginx": allowPrivilegeEscalation: false, …; pod: …`.
fn settings(needs: &Needs) -> String {
    let mut parts: Vec<String> = needs
        .containers
        .iter()
        .map(|(_, _, name, value)| format!("securityContext of container \"{name}\": {}", leaves(value)))
        .collect();
    if needs.pod.as_object().is_some_and(|m| !m.is_empty()) {
        parts.push(format!("pod securityContext: {}", leaves(&needs.pod)));
    }
    parts.join("; ")
}

/// `a.b: x, c: [ALL]`.
fn leaves(value: &Value) -> String {
    fn walk(prefix: &str, value: &Value, out: &mut Vec<String>) {
        match value {
            Value::Object(map) if !map.is_empty() => {
                for (key, child) in map {
                    let path = if prefix.is_empty() { key.clone() } else { format!("{prefix}.{key}") };
                    walk(&path, child, out);
                }
            }
            _ => out.push(format!("{prefix}: {}", super::set_field::flow(value, &Default::default()))),
        }
    }
    let mut out = Vec::new();
    walk("", value, &mut out);
    out.join(", ")
}

/// `the pod template of Deployment web/web`, or the pod itself when it was given.
fn source_name(cluster: &Cluster, object: ObjectId) -> String {
    let mut id = object;
    for _ in 0..8 {
        match &cluster.objects[id].origin {
            Origin::Generated { by, .. } if *by < cluster.objects.len() => id = *by,
            _ => break,
        }
    }
    let name = cluster.objects[id].display_name();
    if id == object { name } else { format!("the pod template of {name}") }
}

/// Where the fields go in the input: the virtual pod's source document, under its prefix.
fn plan(cluster: &Cluster, object: ObjectId, needs: &Needs) -> Option<Plan> {
    let locator = cluster.objects.get(object)?.locator.as_ref()?;
    let root = cluster.documents.get(locator.document)?;
    let spec = locator.prefix.clone().field("spec");
    let mut sets = Vec::new();
    for (list, index, name, value) in &needs.containers {
        let container = spec.clone().field(list).index(*index);
        // The source must still have that container where the pod had it.
        let (node, matched) = container.clone().field("name").locate(root);
        if matched != container.segments().len() + 1 || node.as_str() != Some(name) {
            return None;
        }
        sets.push((container.field("securityContext"), value.clone()));
    }
    if needs.pod.as_object().is_some_and(|m| !m.is_empty()) {
        sets.push((spec.field("securityContext"), needs.pod.clone()));
    }
    (!sets.is_empty()).then_some(Plan::SetFields { document: locator.document, sets })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn needs_for(spec: Value, shift: usize, ids: &[&'static str], level: Level) -> (Needs, usize) {
        let containers = containers(&spec, shift);
        let mut needs = Needs { pod: json!({}), ..Needs::default() };
        for id in ids {
            for c in &containers {
                if id.starts_with("capabilities") {
                    capabilities(&mut needs, c, level, "the admin", *id == "capabilities_restricted");
                }
            }
        }
        let count = containers.iter().filter(|c| c.source_index.is_some()).count();
        (needs, count)
    }

    #[test]
    fn vcluster_init_containers_are_skipped_and_indexes_shift_back() {
        let spec = json!({"initContainers": [{"name": "vcluster-rewrite-hosts"}, {"name": "setup"}], "containers": [{"name": "app"}]});
        let found = containers(&spec, 1);
        let mapped: Vec<(&str, Option<usize>)> = found.iter().map(|c| (c.name, c.source_index)).collect();
        assert_eq!(mapped, vec![("vcluster-rewrite-hosts", None), ("setup", Some(0)), ("app", Some(0))]);
    }

    #[test]
    fn restricted_capabilities_keep_only_net_bind_service() {
        let spec = json!({"containers": [{"name": "a", "securityContext": {"capabilities": {"add": ["CHOWN", "NET_BIND_SERVICE"]}}}]});
        let (needs, _) = needs_for(spec, 0, &["capabilities_restricted"], Level::Restricted);
        assert!(needs.human.is_empty());
        assert_eq!(needs.containers[0].3, json!({"capabilities": {"add": ["NET_BIND_SERVICE"], "drop": ["ALL"]}}));
        assert_eq!(needs.notes.len(), 1);
    }

    #[test]
    fn extra_capabilities_need_a_human_and_name_the_mesh() {
        let spec = json!({"initContainers": [{"name": "istio-init", "securityContext": {"capabilities": {"add": ["NET_ADMIN", "NET_RAW"], "drop": ["ALL"]}}}]});
        let (needs, _) = needs_for(spec, 0, &["capabilities_baseline"], Level::Baseline);
        assert!(needs.containers.is_empty());
        assert!(needs.human[0].contains("\"NET_ADMIN\", \"NET_RAW\""), "{}", needs.human[0]);
        assert!(needs.human[0].contains("CNI"), "{}", needs.human[0]);
    }

    #[test]
    fn settings_read_as_fields() {
        let needs = Needs {
            containers: vec![(
                "containers",
                0,
                "nginx".into(),
                json!({"capabilities": {"drop": ["ALL"]}, "allowPrivilegeEscalation": false}),
            )],
            pod: json!({"runAsNonRoot": true}),
            ..Needs::default()
        };
        assert_eq!(
            settings(&needs),
            "securityContext of container \"nginx\": allowPrivilegeEscalation: false, capabilities.drop: [ALL]; pod securityContext: runAsNonRoot: true"
        );
    }
}
