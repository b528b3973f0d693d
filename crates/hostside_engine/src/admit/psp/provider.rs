//! One PodSecurityPolicy as a provider: strategy creation (`pkg/security/podsecuritypolicy/factory.go`)
//! and the create-time defaulting and validation of a pod (`MutatePod`, `mutateContainer`,
//! `ValidatePod`, `validateContainer` in `pkg/security/podsecuritypolicy/provider.go`),
//! Kubernetes 1.15–1.24.
//!
//! Defaulting order (each step only when the value is unset, and recorded only when it changes
//! something): pod `supplementalGroups`, `fsGroup`, `seLinuxOptions`, the seccomp pod annotation,
//! `runtimeClassName`; then per container (init, regular, ephemeral): `runAsUser`, `runAsGroup`,
//! `seLinuxOptions`, the AppArmor annotation, `runAsNonRoot`, capabilities,
//! `readOnlyRootFilesystem`, `allowPrivilegeEscalation`.
//!
//! Validation order: pod `fsGroup`, `supplementalGroups`, seccomp pod annotation, pod SELinux,
//! host namespaces, sysctls, volumes, runtime class; then per container: `runAsUser`,
//! `runAsGroup`, SELinux, AppArmor, container seccomp, privileged, procMount, capabilities, host
//! ports, `readOnlyRootFilesystem`, `allowPrivilegeEscalation`.

use serde_json::Value;

use super::apparmor::AppArmor;
use super::capabilities::Capabilities;
use super::field::{FieldError, child};
use super::groups::GroupStrategy;
use super::pod::{self, ContainerRef, Recorder, annotation_pointer, container_sc, effective, int_list, pod_sc};
use super::run_as_user::RunAsUser;
use super::seccomp::{self, Seccomp};
use super::selinux::SeLinux;
use super::sysctls::Sysctls;
use super::{host, misc, volumes};

/// A policy whose strategies could all be created.
pub(crate) struct Provider<'a> {
    pub name: String,
    spec: &'a Value,
    minor: u32,
    run_as_user: RunAsUser,
    /// `None` before 1.14 (the `RunAsGroup` feature gate was off by default).
    run_as_group: Option<GroupStrategy>,
    fs_group: GroupStrategy,
    supplemental_groups: GroupStrategy,
    selinux: SeLinux,
    apparmor: AppArmor,
    seccomp: Seccomp,
    capabilities: Capabilities,
    sysctls: Sysctls,
}

static EMPTY: Value = Value::Null;

impl<'a> Provider<'a> {
    /// `NewSimpleProvider`: fails (and the policy is skipped) when a strategy cannot be created,
    /// e.g. a `MustRunAs` rule without ranges or an unknown rule.
    pub(crate) fn new(psp: &'a Value, minor: u32) -> Result<Self, String> {
        let spec = psp.get("spec").unwrap_or(&EMPTY);
        let annotations = psp.pointer("/metadata/annotations");
        let mut errors = Vec::new();
        let run_as_user = RunAsUser::from_options(spec.get("runAsUser")).map_err(|e| errors.push(e)).ok();
        let run_as_group = if minor >= 14 {
            GroupStrategy::from_options(spec.get("runAsGroup"), "RunAsGroup", true).map_err(|e| errors.push(e)).ok()
        } else {
            None
        };
        let selinux = SeLinux::from_options(spec.get("seLinux")).map_err(|e| errors.push(e)).ok();
        let fs_group =
            GroupStrategy::from_options(spec.get("fsGroup"), "FSGroup", false).map_err(|e| errors.push(e)).ok();
        let supplemental_groups =
            GroupStrategy::from_options(spec.get("supplementalGroups"), "SupplementalGroups", false)
                .map_err(|e| errors.push(e))
                .ok();
        match (run_as_user, selinux, fs_group, supplemental_groups) {
            (Some(run_as_user), Some(selinux), Some(fs_group), Some(supplemental_groups)) if errors.is_empty() => {
                Ok(Provider {
                    name: super::policy_name(psp).to_string(),
                    spec,
                    minor,
                    run_as_user,
                    run_as_group,
                    fs_group,
                    supplemental_groups,
                    selinux,
                    apparmor: AppArmor::from_annotations(annotations),
                    seccomp: Seccomp::from_annotations(annotations),
                    capabilities: Capabilities::from_spec(spec),
                    sysctls: Sysctls::from_spec(spec),
                })
            }
            _ => Err(errors.join(", ")),
        }
    }

    /// `MutatePod` on a copy of the pod; returns what changed, in order.
    pub(crate) fn mutate_pod(&self, pod: &mut Value) -> Vec<pod::Change> {
        let mut recorder = Recorder { pod, changes: Vec::new() };
        if pod_sc(recorder.pod, "supplementalGroups").is_none()
            && let Some(groups) = self.supplemental_groups.generate()
        {
            recorder.set("/spec/securityContext/supplementalGroups".into(), groups.into());
        }
        if pod_sc(recorder.pod, "fsGroup").is_none()
            && let Some(group) = self.fs_group.generate_single()
        {
            recorder.set("/spec/securityContext/fsGroup".into(), group.into());
        }
        if pod_sc(recorder.pod, "seLinuxOptions").is_none()
            && let Some(options) = self.selinux.generate()
        {
            recorder.set("/spec/securityContext/seLinuxOptions".into(), options);
        }
        if let Some(profile) = self.seccomp.generate(recorder.pod) {
            recorder.set(annotation_pointer(seccomp::POD_ANNOTATION), profile.into());
        }
        misc::mutate_runtime_class(self.spec, &mut recorder);
        for container in pod::containers(recorder.pod, self.minor) {
            self.mutate_container(&mut recorder, &container);
        }
        recorder.changes
    }

    fn mutate_container(&self, recorder: &mut Recorder<'_>, container: &ContainerRef) {
        let sc = format!("{}/securityContext", container.pointer);
        if effective(recorder.pod, container, "runAsUser").is_none()
            && let Some(uid) = self.run_as_user.generate()
        {
            recorder.set(format!("{sc}/runAsUser"), uid.into());
        }
        if let Some(strategy) = &self.run_as_group
            && effective(recorder.pod, container, "runAsGroup").is_none()
            && let Some(gid) = strategy.generate_single()
        {
            recorder.set(format!("{sc}/runAsGroup"), gid.into());
        }
        if effective(recorder.pod, container, "seLinuxOptions").is_none()
            && let Some(options) = self.selinux.generate()
        {
            recorder.set(format!("{sc}/seLinuxOptions"), options);
        }
        if let Some((key, profile)) = self.apparmor.generate(recorder.pod, &container.name) {
            recorder.set(annotation_pointer(&key), profile.into());
        }
        if self.run_as_user.marks_non_root()
            && effective(recorder.pod, container, "runAsNonRoot").is_none()
            && effective(recorder.pod, container, "runAsUser").is_none()
        {
            recorder.set(format!("{sc}/runAsNonRoot"), Value::Bool(true));
        }
        if let Some((add, drop)) = self.capabilities.generate(container_sc(recorder.pod, container, "capabilities")) {
            // Upstream replaces the whole struct; record the lists that changed.
            let caps = Capabilities::to_json(&add, &drop);
            for field in ["add", "drop"] {
                let new = caps.get(field).cloned().unwrap_or(Value::Null);
                recorder.set(format!("{sc}/capabilities/{field}"), new);
            }
        }
        misc::mutate_container(self.spec, recorder, container);
    }

    /// `ValidatePod` on the defaulted pod.
    pub(crate) fn validate_pod(&self, pod: &Value) -> Vec<FieldError> {
        let mut errors = Vec::new();
        let sc_path = "spec.securityContext";
        let fs_group = pod_sc(pod, "fsGroup").and_then(Value::as_i64).map(|g| vec![g]);
        errors.extend(self.fs_group.validate(&child(sc_path, "fsGroup"), fs_group.as_deref()));
        let supplemental = int_list(pod_sc(pod, "supplementalGroups"));
        errors
            .extend(self.supplemental_groups.validate(&child(sc_path, "supplementalGroups"), supplemental.as_deref()));
        errors.extend(self.seccomp.validate_pod(pod));
        errors.extend(self.selinux.validate(&child(sc_path, "seLinuxOptions"), pod_sc(pod, "seLinuxOptions")));
        errors.extend(host::validate_namespaces(self.spec, pod));
        errors.extend(self.sysctls.validate(pod, self.minor));
        let containers = pod::containers(pod, self.minor);
        errors.extend(volumes::validate(self.spec, pod, &containers, self.minor));
        errors.extend(misc::validate_runtime_class(self.spec, pod));
        for container in &containers {
            errors.extend(self.validate_container(pod, container));
        }
        errors
    }

    fn validate_container(&self, pod: &Value, container: &ContainerRef) -> Vec<FieldError> {
        let mut errors = Vec::new();
        let sc_path = child(&container.path, "securityContext");
        let run_as_non_root = effective(pod, container, "runAsNonRoot").and_then(Value::as_bool);
        let run_as_user = effective(pod, container, "runAsUser").and_then(Value::as_i64);
        errors.extend(self.run_as_user.validate(&sc_path, run_as_non_root, run_as_user));
        if let Some(strategy) = &self.run_as_group {
            let groups = effective(pod, container, "runAsGroup").and_then(Value::as_i64).map(|g| vec![g]);
            errors.extend(strategy.validate(&sc_path, groups.as_deref()));
        }
        errors.extend(
            self.selinux.validate(&child(&sc_path, "seLinuxOptions"), effective(pod, container, "seLinuxOptions")),
        );
        errors.extend(self.apparmor.validate(pod, &container.name));
        errors.extend(self.seccomp.validate_container(pod, &container.name));
        errors.extend(misc::validate_privileged(self.spec, pod, container));
        errors.extend(misc::validate_proc_mount(self.spec, pod, container));
        errors.extend(
            self.capabilities.validate(&child(&sc_path, "capabilities"), container_sc(pod, container, "capabilities")),
        );
        errors.extend(host::validate_ports(self.spec, pod, container));
        errors.extend(misc::validate_read_only_root(self.spec, pod, container));
        errors.extend(misc::validate_escalation(self.spec, pod, container));
        errors
    }
}
