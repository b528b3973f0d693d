//! Stage 4: the host API server's admission of what vcluster writes (or, in host mode, of
//! what the user applies to the host directly), plugin by plugin in kube-apiserver's order:
//!
//! authorization (the vcluster ServiceAccount's Role) → mutating: LimitRanger, Priority,
//! PodSecurityPolicy (≤ 1.24), Gatekeeper mutation webhook → API validation → validating:
//! LimitRanger, PodSecurity, Gatekeeper validation webhook → ResourceQuota (always last).
//!
//! Each plugin records a step; a refusal stops the chain with the API server's error text.

use super::{gatekeeper, limit_ranger, pod_security, psp, resource_quota};
use crate::cluster::Cluster;
use crate::fix::pod_security::{Denial, Enforcer};
use crate::fix::{self, Plan};
use crate::host::HostProfile;
use crate::path::FieldPath;
use crate::report::{
    Admission, AdmissionPhase, AdmissionStep, Change, Disposition, Finding, Severity, Stage, StepVerdict,
};
use crate::rules;
use crate::translate::events;
use crate::value::ValueExt;
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// Everything the host's API server knows when vcluster's writes arrive.
pub(crate) struct HostEnv {
    pub profile: HostProfile,
    pub profile_name: String,
    /// The host namespace objects are written to.
    pub namespace: String,
    /// Who writes: vcluster's ServiceAccount (`system:serviceaccount:<ns>:vc-<name>`).
    pub user: String,
    /// Gatekeeper constraints and mutators of the profile, read once.
    pub constraints: Vec<gatekeeper::Constraint>,
    pub mutators: Vec<gatekeeper::mutation::Mutator>,
    /// The vcluster's name (SyncError sanitising).
    pub vcluster: String,
}

impl HostEnv {
    fn minor(&self) -> u32 {
        self.profile.kubernetes_minor()
    }

    fn namespace_labels(&self, namespace: &str) -> BTreeMap<String, String> {
        let mut labels =
            if namespace == self.namespace { self.profile.namespace_labels.clone() } else { BTreeMap::new() };
        labels.insert("kubernetes.io/metadata.name".into(), namespace.to_string());
        labels
    }
}

/// Records steps while an object goes through the chain.
struct Run {
    object: Value,
    steps: Vec<AdmissionStep>,
    warnings: Vec<String>,
    mutated: bool,
}

/// The host's answer, and what Pod Security found when it was the one that refused.
pub(crate) struct Verdict {
    pub admission: Admission,
    pub pod_security: Option<Denial>,
}

impl Run {
    fn step(
        &mut self,
        plugin: &str,
        policy: Option<String>,
        phase: AdmissionPhase,
        verdict: StepVerdict,
        messages: Vec<String>,
    ) {
        self.steps.push(AdmissionStep { plugin: plugin.into(), policy, phase, verdict, changes: Vec::new(), messages });
    }

    fn mutation(&mut self, plugin: &str, policy: Option<String>, changes: Vec<Change>) {
        if changes.is_empty() {
            return;
        }
        self.mutated = true;
        self.steps.push(AdmissionStep {
            plugin: plugin.into(),
            policy,
            phase: AdmissionPhase::Mutating,
            verdict: StepVerdict::Mutated,
            changes,
            messages: Vec::new(),
        });
    }

    fn deny(mut self, plugin: &str, policy: Option<String>, phase: AdmissionPhase, error: String) -> Admission {
        self.step(plugin, policy, phase, StepVerdict::Denied, vec![error.clone()]);
        Admission { allowed: false, error: Some(error), warnings: self.warnings, steps: self.steps, mutated: None }
    }

    fn admit(self) -> Admission {
        let mutated = self.mutated.then_some(self.object);
        Admission { allowed: true, error: None, warnings: self.warnings, steps: self.steps, mutated }
    }
}

/// The plural resource and API group of a kind, for RBAC and error texts.
fn resource_of(kind: &str, api_version: &str) -> (String, String) {
    let group = api_version.rsplit_once('/').map(|(g, _)| g.to_string()).unwrap_or_default();
    let plural = crate::parse::kinds::builtin(api_version, kind)
        .map_or_else(|| format!("{}s", kind.to_lowercase()), |k| k.plural.to_string());
    (plural, group)
}

/// Does an RBAC rule list allow `verb` on `resource` in `group`?
fn rules_allow(rules: &[Value], group: &str, resource: &str, verb: &str) -> bool {
    let has = |rule: &Value, field: &str, wanted: &str| {
        rule.array_at(&format!("/{field}")).iter().filter_map(Value::as_str).any(|v| v == "*" || v == wanted)
    };
    rules
        .iter()
        .any(|rule| has(rule, "apiGroups", group) && has(rule, "resources", resource) && has(rule, "verbs", verb))
}

/// Runs every object vcluster writes to the host through the chain, in the order vcluster
/// creates them; what the host refuses becomes a SyncError on the virtual object.
pub(crate) fn run(cluster: &mut Cluster, env: &HostEnv) {
    let mut existing: Vec<Value> = env.profile.objects.clone();
    existing.extend(cluster.host_objects.iter().filter(|h| h.from.is_none()).map(|h| h.object.clone()));
    for host in 0..cluster.host_objects.len() {
        let Some(from) = cluster.host_objects[host].from else { continue };
        let object = cluster.host_objects[host].object.clone();
        let Verdict { admission, pod_security } = admit(env, &existing, &object);
        if admission.allowed {
            existing.push(admission.mutated.clone().unwrap_or(object));
        }
        report(cluster, env, host, from, &admission, pod_security.as_ref());
        cluster.host_objects[host].admission = Some(admission);
    }
}

/// The rule id of the plugin that took a step.
fn rule_of(plugin: &str) -> &'static str {
    match plugin {
        "RBAC" => rules::HOST_RBAC,
        "PodSecurityPolicy" => rules::HOST_PSP,
        "PodSecurity" => rules::HOST_POD_SECURITY,
        "Gatekeeper" => rules::HOST_GATEKEEPER,
        "ResourceQuota" => rules::HOST_RESOURCE_QUOTA,
        "LimitRanger" => rules::HOST_LIMIT_RANGE,
        _ => rules::HOST_INVALID,
    }
}

/// Host mode: the host's chain on an object applied to it (or made by a controller from
/// such an object); records the admission and the findings. `Err` is the API error.
pub(crate) fn admit_in_host_mode(cluster: &mut Cluster, id: usize, controller: Option<usize>) -> Result<(), String> {
    let existing = cluster.host_existing(id);
    let Some(env) = cluster.host.take() else { return Ok(()) };
    let mut env_without_rbac = env;
    // The user applies, not vcluster: the tenant Role does not apply.
    let tenant_role = env_without_rbac.profile.tenant_role.take();
    let Verdict { admission, pod_security } = admit(&env_without_rbac, &existing, &cluster.objects[id].object);
    env_without_rbac.profile.tenant_role = tenant_role;
    cluster.host = Some(env_without_rbac);
    if let Some(mutated) = &admission.mutated {
        cluster.objects[id].object = mutated.clone();
    }
    let span = cluster.span_of(id, &FieldPath::parse("spec")).or_else(|| cluster.span_of(id, &FieldPath::root()));
    let target = controller.unwrap_or(id);
    for step in &admission.steps {
        let severity = match step.verdict {
            StepVerdict::Warned => Severity::Warning,
            StepVerdict::Audited => Severity::Info,
            _ => continue,
        };
        for message in &step.messages {
            let mut finding =
                Finding::new(rule_of(&step.plugin), severity, Stage::HostAdmission, message.clone()).on(target);
            if let Some(span) = span {
                finding = finding.at(span);
            }
            cluster.finding(finding);
        }
    }
    let result = match &admission.error {
        Some(error) => {
            let plugin = admission.steps.last().map(|s| s.plugin.clone()).unwrap_or_default();
            let text = if controller.is_some() { format!("Error creating: {error}") } else { error.clone() };
            let mut finding = Finding::new(rule_of(&plugin), Severity::Error, Stage::HostAdmission, text)
                .on(target)
                .explain(format!("The host API server refused it ({plugin})."));
            // Applied directly: the pod's containers are the input's, no shift.
            if let Some((description, plan)) = refusal_fix(cluster, id, 0, &plugin, error, pod_security.as_ref()) {
                finding = finding.fix_with(description, plan);
            }
            if let Some(span) = span {
                finding = finding.at(span);
            }
            cluster.finding(finding);
            Err(error.clone())
        }
        None => Ok(()),
    };
    cluster.admissions.insert(id, admission);
    result
}

/// The fix for a refusal the user can do something about: Pod Security (fields to set, or
/// why not) and PodSecurityPolicy (words only).
fn refusal_fix(
    cluster: &Cluster,
    pod: usize,
    shift: usize,
    plugin: &str,
    error: &str,
    pod_security: Option<&Denial>,
) -> Option<(String, Option<Plan>)> {
    match (plugin, pod_security) {
        ("PodSecurity", Some(denial)) => Some(fix::pod_security::fix(cluster, pod, shift, denial)),
        ("PodSecurityPolicy", _) => Some((fix::psp::description(error), None)),
        _ => None,
    }
}

/// Findings for what the host said, and the SyncError the virtual user sees on a refusal.
fn report(
    cluster: &mut Cluster,
    env: &HostEnv,
    host: usize,
    from: usize,
    admission: &Admission,
    pod_security: Option<&Denial>,
) {
    let host_object = &cluster.host_objects[host];
    let (host_name, host_kind, syncer) =
        (host_object.name.clone(), host_object.kind.clone(), host_object.written_by.clone());
    let virtual_name = cluster.objects[from].name.clone();
    let virtual_namespace = cluster.objects[from].namespace.clone();
    let span = cluster.span_of(from, &FieldPath::parse("spec")).or_else(|| cluster.span_of(from, &FieldPath::root()));
    let located = |finding: Finding| match span {
        Some(span) => finding.at(span),
        None => finding,
    };
    for step in &admission.steps {
        let (severity, explanation) = match step.verdict {
            StepVerdict::Warned => (
                Severity::Warning,
                format!(
                    "The host returned this warning when vcluster created {host_kind} {host_name}; vcluster does not show it inside the virtual cluster."
                ),
            ),
            StepVerdict::Audited => (
                Severity::Info,
                format!(
                    "Recorded by the host's audit for {host_kind} {host_name} ({}); nothing is blocked.",
                    step.policy.as_deref().unwrap_or(&step.plugin)
                ),
            ),
            _ => continue,
        };
        for message in &step.messages {
            let finding = Finding::new(rule_of(&step.plugin), severity, Stage::HostAdmission, message.clone())
                .on(from)
                .on_host(host)
                .explain(explanation.clone());
            cluster.finding(located(finding));
        }
    }
    let Some(error) = &admission.error else { return };
    let version = cluster.version;
    let message = events::sanitise(
        version,
        &events::create_failed_message(version, error),
        &host_name,
        &virtual_name,
        virtual_namespace.as_deref(),
        &env.vcluster,
    );
    let kind = cluster.objects[from].kind.clone();
    cluster.objects[from].events.push(events::sync_error(version, &kind, message.clone()));
    cluster.objects[from].disposition = Disposition::RefusedByHost { syncer, error: error.clone() };
    let plugin = admission.steps.last().map(|s| s.plugin.clone()).unwrap_or_default();
    let mut finding = Finding::new(rule_of(&plugin), Severity::Error, Stage::HostAdmission, message)
        .on(from)
        .on_host(host)
        .explain(format!("The host API server refused {host_kind} {host_name} ({plugin}); the virtual {kind} gets this SyncError event and never runs."));
    let shift = cluster.host_objects[host].path_map.init_containers_shift;
    if let Some((description, plan)) = refusal_fix(cluster, from, shift, &plugin, error, pod_security) {
        finding = finding.fix_with(description, plan);
    }
    cluster.finding(located(finding));
}

/// Priority classes every cluster has.
const SYSTEM_PRIORITY_CLASSES: &[(&str, i64)] =
    &[("system-node-critical", 2_000_001_000), ("system-cluster-critical", 2_000_000_000)];

/// Admits one object created in the host. `existing`: objects already in the host (the
/// profile's, vcluster's chart objects, and what was admitted before).
pub(crate) fn admit(env: &HostEnv, existing: &[Value], object: &Value) -> Verdict {
    let mut pod_security = None;
    let admission = admit_recording(env, existing, object, &mut pod_security);
    Verdict { admission, pod_security }
}

fn admit_recording(env: &HostEnv, existing: &[Value], object: &Value, denial: &mut Option<Denial>) -> Admission {
    let kind = object.str_at("/kind").unwrap_or_default().to_string();
    let api_version = object.str_at("/apiVersion").unwrap_or_default().to_string();
    let namespace = object.str_at("/metadata/namespace").unwrap_or(&env.namespace).to_string();
    let name = object
        .str_at("/metadata/name")
        .filter(|n| !n.is_empty())
        .or(object.str_at("/metadata/generateName"))
        .unwrap_or_default()
        .to_string();
    let (resource, group) = resource_of(&kind, &api_version);
    let mut run = Run { object: object.clone(), steps: Vec::new(), warnings: Vec::new(), mutated: false };
    let in_namespace = |k: &str| -> Vec<&Value> {
        existing
            .iter()
            .filter(|o| {
                o.str_at("/kind") == Some(k) && o.str_at("/metadata/namespace").unwrap_or(&env.namespace) == namespace
            })
            .collect()
    };

    // Authorization: the vcluster ServiceAccount's Role in the host namespace.
    if let Some(rules) = &env.profile.tenant_role
        && !rules_allow(rules, &group, &resource, "create")
    {
        let error = format!(
            "{resource}{} is forbidden: User \"{}\" cannot create resource \"{resource}\" in API group \"{group}\" in the namespace \"{namespace}\"",
            if group.is_empty() { String::new() } else { format!(".{group}") },
            env.user
        );
        return run.deny("RBAC", Some("tenant role".into()), AdmissionPhase::Authorization, error);
    }

    let is_pod = kind == "Pod" && api_version == "v1";
    if is_pod {
        // LimitRanger (mutating): the host namespace's LimitRanges fill in resources.
        let limit_ranges = in_namespace("LimitRange");
        let before = run.object.clone();
        if let Some(text) = limit_ranger::apply_defaults(&limit_ranges, &mut run.object) {
            let names = limit_ranges.iter().filter_map(|l| l.str_at("/metadata/name")).collect::<Vec<_>>().join(", ");
            let changes = diff(&before, &run.object);
            run.mutation("LimitRanger", Some(names), changes);
            let _ = text;
        }
        // Priority: vcluster removed the class; the host computes the priority again.
        let class = run.object.str_at("/spec/priorityClassName").unwrap_or_default().to_string();
        let before = run.object.clone();
        if class.is_empty() {
            let default = existing
                .iter()
                .find(|o| o.str_at("/kind") == Some("PriorityClass") && o.bool_at("/globalDefault") == Some(true));
            run.object.set_at("/spec/priority", json!(default.and_then(|d| d.i64_at("/value")).unwrap_or(0)));
        } else if let Some((_, value)) = SYSTEM_PRIORITY_CLASSES.iter().find(|(n, _)| *n == class) {
            run.object.set_at("/spec/priority", json!(value));
        } else if let Some(found) = existing
            .iter()
            .find(|o| o.str_at("/kind") == Some("PriorityClass") && o.str_at("/metadata/name") == Some(&class))
        {
            run.object.set_at("/spec/priority", json!(found.i64_at("/value").unwrap_or(0)));
        } else {
            let error = format!("pods \"{name}\" is forbidden: no PriorityClass with name {class} was found");
            return run.deny("Priority", Some(class), AdmissionPhase::Mutating, error);
        }
        let changes = diff(&before, &run.object);
        run.mutation("Priority", None, changes);

        // PodSecurityPolicy (Kubernetes ≤ 1.24): admits with the first usable policy, mutating.
        if let Some(config) = env.profile.pod_security_policy.as_ref().filter(|_| env.minor() <= 24) {
            let usable: Vec<&Value> = config
                .policies
                .iter()
                .filter(|p| p.str_at("/metadata/name").is_some_and(|n| config.usable.iter().any(|u| u == n)))
                .collect();
            let outcome = psp::admit_pod(&run.object, &usable, !config.policies.is_empty(), env.minor());
            match outcome.admitted_by {
                Some(policy) => {
                    let changes =
                        outcome.changes.into_iter().map(|(path, from, to)| Change { path, from, to }).collect();
                    run.object = outcome.pod;
                    run.mutation("PodSecurityPolicy", Some(policy), changes);
                }
                None => {
                    let error = outcome.error.unwrap_or_else(|| {
                        format!("pods \"{name}\" is forbidden: PodSecurityPolicy: unable to admit pod: []")
                    });
                    return run.deny("PodSecurityPolicy", None, AdmissionPhase::Mutating, error);
                }
            }
        }
    }

    // Gatekeeper's mutating webhook.
    let namespaced = crate::parse::kinds::builtin(&api_version, &kind).is_none_or(|k| k.namespaced);
    let request_namespace = namespaced.then_some(namespace.as_str());
    let labels = env.namespace_labels(&namespace);
    if let Some(config) = &env.profile.gatekeeper {
        let version = gatekeeper::GatekeeperVersion::parse(&config.version).unwrap_or_default();
        let context = gatekeeper::mutation::MutationContext {
            namespace: request_namespace,
            namespace_labels: &labels,
            operation: "CREATE",
            version,
        };
        match gatekeeper::mutation::mutate(&env.mutators, &mut run.object, &context) {
            Ok(changes) => {
                let mut by_mutator: Vec<(String, Vec<Change>)> = Vec::new();
                for change in changes {
                    let entry = Change { path: change.pointer, from: change.old, to: change.new };
                    match by_mutator.last_mut() {
                        Some((name, list)) if *name == change.mutator => list.push(entry),
                        _ => by_mutator.push((change.mutator, vec![entry])),
                    }
                }
                for (mutator, changes) in by_mutator {
                    run.mutation("Gatekeeper mutation", Some(mutator), changes);
                }
            }
            Err(error) => {
                return run.deny(
                    "Gatekeeper mutation",
                    None,
                    AdmissionPhase::Mutating,
                    gatekeeper::mutation::denial(&error),
                );
            }
        }
    }

    if is_pod {
        // API validation after mutation: requests above limits are invalid.
        let errors = limit_ranger::validate_requests_within_limits(&run.object);
        if !errors.is_empty() {
            let error = limit_ranger::invalid_message("Pod", &name, &errors);
            return run.deny("validation", None, AdmissionPhase::Validation, error);
        }
        let limit_ranges = in_namespace("LimitRange");
        if let Err(detail) = limit_ranger::validate_pod(&limit_ranges, &run.object) {
            let error = format!("pods \"{name}\" is forbidden: {detail}");
            return run.deny("LimitRanger", None, AdmissionPhase::Validating, error);
        }
    }

    // PodSecurity (Kubernetes ≥ 1.23): enforce on pods; audit and warn on pods and templates.
    if env.minor() >= 23
        && let Err((policy, error, found)) = pod_security_step(env, &mut run, &kind, &namespace, &name)
    {
        *denial = Some(found);
        return run.deny("PodSecurity", Some(policy), AdmissionPhase::Validating, error);
    }

    // Gatekeeper's validating webhook.
    if let Some(config) = &env.profile.gatekeeper {
        let ignored = config.ignored_namespaces.contains(&namespace);
        if !ignored && !env.constraints.is_empty() {
            let inventory = gatekeeper::Inventory::new(existing.iter());
            let review = gatekeeper::Review {
                object: &run.object,
                namespace: request_namespace,
                namespace_labels: &labels,
                operation: "CREATE",
            };
            let version = gatekeeper::GatekeeperVersion::parse(&config.version).unwrap_or_default();
            let results = gatekeeper::evaluate_for(&env.constraints, &review, &inventory, version);
            let outcome = gatekeeper::webhook_outcome(&results, version);
            for result in &outcome.dryrun {
                run.step(
                    "Gatekeeper",
                    Some(result.constraint.clone()),
                    AdmissionPhase::Validating,
                    StepVerdict::Audited,
                    vec![format!("[{}] {}", result.constraint, result.message)],
                );
            }
            if !outcome.warnings.is_empty() {
                run.step("Gatekeeper", None, AdmissionPhase::Validating, StepVerdict::Warned, outcome.warnings.clone());
                run.warnings.extend(outcome.warnings);
            }
            if let Some(error) = outcome.denied {
                return run.deny("Gatekeeper", None, AdmissionPhase::Validating, error);
            }
        }
    }

    // ResourceQuota, the last plugin.
    let quotas = in_namespace("ResourceQuota");
    let same_namespace: Vec<&Value> =
        existing.iter().filter(|o| o.str_at("/metadata/namespace").unwrap_or(&env.namespace) == namespace).collect();
    if let Err(detail) = resource_quota::admit(&quotas, &same_namespace, &kind, &run.object) {
        let error =
            resource_quota::forbidden_message(&resource_quota::group_resource(&kind, &run.object), &name, &detail);
        return run.deny("ResourceQuota", None, AdmissionPhase::Validating, error);
    }
    run.admit()
}

/// PodSecurity: pods are enforced (first), audited and warned; workload templates only
/// audited and warned (pod-security.md §4.3). `Err((policy, error, what failed))` when
/// enforce refuses.
fn pod_security_step(
    env: &HostEnv,
    run: &mut Run,
    kind: &str,
    namespace: &str,
    name: &str,
) -> Result<(), (String, String, Denial)> {
    let Some(template) = (match kind {
        "Pod" => Some("/spec".to_string()),
        "ReplicationController" | "ReplicaSet" | "Deployment" | "StatefulSet" | "DaemonSet" | "Job" => {
            Some("/spec/template/spec".into())
        }
        "PodTemplate" => Some("/template/spec".into()),
        "CronJob" => Some("/spec/jobTemplate/spec/template/spec".into()),
        _ => None,
    }) else {
        return Ok(());
    };
    let config = env.profile.pod_security.clone().unwrap_or_default();
    if config.exemptions.namespaces.iter().any(|n| n == namespace) || config.exemptions.usernames.contains(&env.user) {
        return Ok(());
    }
    let runtime_class = run.object.str_at(&format!("{template}/runtimeClassName")).unwrap_or_default().to_string();
    if config.exemptions.runtime_classes.contains(&runtime_class) {
        return Ok(());
    }
    let defaults_labels: BTreeMap<String, String> =
        config.defaults.iter().map(|(k, v)| (format!("pod-security.kubernetes.io/{k}"), v.clone())).collect();
    let (defaults, _) = pod_security::namespace_policy(&defaults_labels, &pod_security::NamespacePolicy::default());
    let (policy, _) = pod_security::namespace_policy(&env.namespace_labels(namespace), &defaults);
    // `template` points at the pod spec; its parent holds metadata and spec.
    let pod_like = run.object.pointer(template.trim_end_matches("/spec"));
    let Some((meta, spec)) = pod_like.and_then(crate::parse::decode::decode_pod_parts) else {
        return Ok(());
    };
    let build = pod_security::Build::for_kubernetes_minor(env.minor());
    let label = |p: &pod_security::Policy| format!("namespace {namespace}: {}", p.label());
    if kind == "Pod" {
        let enforce = pod_security::evaluate(&policy.enforce, build, &meta, &spec);
        if !enforce.is_empty() {
            let error = pod_security::forbidden_message(name, &policy.enforce, &enforce);
            let spec = run.object.pointer(&template).cloned().unwrap_or_default();
            let denial = Denial { level: policy.enforce.level, failures: enforce, spec, by: Enforcer::Host };
            return Err((label(&policy.enforce), error, denial));
        }
    }
    let audit = pod_security::evaluate(&policy.audit, build, &meta, &spec);
    if !audit.is_empty() {
        let text = pod_security::warning_message(&policy.audit, &audit);
        run.step(
            "PodSecurity",
            Some(label(&policy.audit)),
            AdmissionPhase::Validating,
            StepVerdict::Audited,
            vec![text],
        );
    }
    let warn = pod_security::evaluate(&policy.warn, build, &meta, &spec);
    if !warn.is_empty() {
        let text = pod_security::warning_message(&policy.warn, &warn);
        run.step(
            "PodSecurity",
            Some(label(&policy.warn)),
            AdmissionPhase::Validating,
            StepVerdict::Warned,
            vec![text.clone()],
        );
        run.warnings.push(text);
    }
    Ok(())
}

/// The fields that differ between two versions of an object, as JSON pointers.
pub(crate) fn diff(before: &Value, after: &Value) -> Vec<Change> {
    let mut changes = Vec::new();
    diff_into(before, after, String::new(), &mut changes);
    changes
}

fn diff_into(before: &Value, after: &Value, pointer: String, changes: &mut Vec<Change>) {
    match (before, after) {
        (Value::Object(a), Value::Object(b)) => {
            for (key, value) in b {
                let child = format!("{pointer}/{}", crate::value::escape_pointer(key));
                match a.get(key) {
                    Some(old) => diff_into(old, value, child, changes),
                    None => changes.push(Change { path: child, from: Value::Null, to: value.clone() }),
                }
            }
            for (key, value) in a {
                if !b.contains_key(key) {
                    changes.push(Change {
                        path: format!("{pointer}/{}", crate::value::escape_pointer(key)),
                        from: value.clone(),
                        to: Value::Null,
                    });
                }
            }
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            for (i, (old, new)) in a.iter().zip(b).enumerate() {
                diff_into(old, new, format!("{pointer}/{i}"), changes);
            }
        }
        (a, b) if a != b => changes.push(Change { path: pointer, from: a.clone(), to: b.clone() }),
        _ => {}
    }
}
