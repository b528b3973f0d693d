//! The seccomp strategy of a PodSecurityPolicy
//! (`pkg/security/podsecuritypolicy/seccomp/strategy.go`, Kubernetes 1.11–1.24), driven by the
//! policy's annotations `seccomp.security.alpha.kubernetes.io/defaultProfileName` and
//! `seccomp.security.alpha.kubernetes.io/allowedProfileNames` (comma-separated, `*` = any).
//!
//! It only looks at the pod annotations `seccomp.security.alpha.kubernetes.io/pod` and
//! `container.seccomp.security.alpha.kubernetes.io/<container>`. The `seccompProfile` fields
//! (1.19+) are copied to those annotations by the registry *after* the mutating admission phase,
//! so on create PSP's defaulting does not see them (they matter only to the validating phase,
//! which is not modelled here).
//!
//! * Defaulting: when the pod annotation is unset or empty and the policy has a default, the pod
//!   annotation is set to it (containers inherit it).
//! * Validation, pod annotation then (per container) the container annotation or, when absent,
//!   the pod one: with no allowed list (and no `*`) any non-empty profile gives
//!   `pod.metadata.annotations[<key>]: Forbidden: seccomp may not be set`; otherwise a profile not
//!   allowed gives `... Forbidden: <profile> is not an allowed seccomp profile. Valid values are
//!   <allowedProfileNames as written>`. An empty profile is allowed only without an allowed list.

use serde_json::Value;

use super::field::{FieldError, key};
use super::pod::{annotation, has_annotation};

pub(crate) const POD_ANNOTATION: &str = "seccomp.security.alpha.kubernetes.io/pod";
pub(crate) const CONTAINER_ANNOTATION_PREFIX: &str = "container.seccomp.security.alpha.kubernetes.io/";
const DEFAULT_PROFILE: &str = "seccomp.security.alpha.kubernetes.io/defaultProfileName";
const ALLOWED_PROFILES: &str = "seccomp.security.alpha.kubernetes.io/allowedProfileNames";

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Seccomp {
    default_profile: String,
    /// `None` when the policy has no allowed-profiles annotation.
    allowed: Option<Vec<String>>,
    allowed_string: String,
    allow_any: bool,
}

impl Seccomp {
    pub(crate) fn from_annotations(annotations: Option<&Value>) -> Self {
        let get = |k: &str| annotations.and_then(|a| a.get(k)).and_then(Value::as_str);
        let mut strategy =
            Seccomp { default_profile: get(DEFAULT_PROFILE).unwrap_or_default().to_string(), ..Seccomp::default() };
        if let Some(allowed) = get(ALLOWED_PROFILES) {
            strategy.allowed_string = allowed.to_string();
            let mut profiles = Vec::new();
            for profile in allowed.split(',') {
                if profile == "*" {
                    strategy.allow_any = true;
                } else {
                    profiles.push(profile.to_string());
                }
            }
            strategy.allowed = Some(profiles);
        }
        strategy
    }

    /// `Generate`: the value to set the pod annotation to, when it changes anything.
    pub(crate) fn generate(&self, pod: &Value) -> Option<String> {
        if !annotation(pod, POD_ANNOTATION).is_empty() || self.default_profile.is_empty() {
            return None;
        }
        Some(self.default_profile.clone())
    }

    fn allowed_count(&self) -> usize {
        self.allowed.as_ref().map_or(0, Vec::len)
    }

    fn profile_allowed(&self, profile: &str) -> bool {
        if self.allowed_count() == 0 && profile.is_empty() {
            return true;
        }
        self.allow_any || self.allowed.as_ref().is_some_and(|a| a.iter().any(|p| p == profile))
    }

    fn check(&self, path: String, profile: &str) -> Vec<FieldError> {
        if !self.allow_any && self.allowed_count() == 0 && !profile.is_empty() {
            return vec![FieldError::forbidden(path, "seccomp may not be set")];
        }
        if !self.profile_allowed(profile) {
            let detail =
                format!("{profile} is not an allowed seccomp profile. Valid values are {}", self.allowed_string);
            return vec![FieldError::forbidden(path, detail)];
        }
        Vec::new()
    }

    /// `ValidatePod`.
    pub(crate) fn validate_pod(&self, pod: &Value) -> Vec<FieldError> {
        self.check(key("pod.metadata.annotations", POD_ANNOTATION), annotation(pod, POD_ANNOTATION))
    }

    /// `ValidateContainer`.
    pub(crate) fn validate_container(&self, pod: &Value, container_name: &str) -> Vec<FieldError> {
        let container_key = format!("{CONTAINER_ANNOTATION_PREFIX}{container_name}");
        let profile = if has_annotation(pod, &container_key) {
            annotation(pod, &container_key)
        } else {
            annotation(pod, POD_ANNOTATION)
        };
        self.check(key("pod.metadata.annotations", &container_key), profile)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn default_and_allowed_profiles() {
        let s = Seccomp::from_annotations(Some(&json!({
            DEFAULT_PROFILE: "runtime/default",
            ALLOWED_PROFILES: "docker/default,runtime/default"
        })));
        assert_eq!(s.generate(&json!({})), Some("runtime/default".into()));
        assert_eq!(s.generate(&json!({"metadata": {"annotations": {POD_ANNOTATION: "docker/default"}}})), None);
        let pod = json!({"metadata": {"annotations": {
            POD_ANNOTATION: "runtime/default",
            "container.seccomp.security.alpha.kubernetes.io/app": "unconfined"
        }}});
        assert!(s.validate_pod(&pod).is_empty());
        assert_eq!(
            s.validate_container(&pod, "app")[0].render(),
            "pod.metadata.annotations[container.seccomp.security.alpha.kubernetes.io/app]: Forbidden: unconfined is not an allowed seccomp profile. Valid values are docker/default,runtime/default"
        );
        assert!(s.validate_container(&pod, "other").is_empty());
        assert_eq!(
            s.validate_pod(&json!({}))[0].render(),
            "pod.metadata.annotations[seccomp.security.alpha.kubernetes.io/pod]: Forbidden:  is not an allowed seccomp profile. Valid values are docker/default,runtime/default"
        );
    }

    #[test]
    fn no_allowed_list_forbids_any_profile() {
        let s = Seccomp::from_annotations(None);
        assert!(s.validate_pod(&json!({})).is_empty());
        let pod = json!({"metadata": {"annotations": {POD_ANNOTATION: "runtime/default"}}});
        assert_eq!(
            s.validate_pod(&pod)[0].render(),
            "pod.metadata.annotations[seccomp.security.alpha.kubernetes.io/pod]: Forbidden: seccomp may not be set"
        );
        let any = Seccomp::from_annotations(Some(&json!({ALLOWED_PROFILES: "*"})));
        assert!(any.validate_pod(&pod).is_empty());
        assert!(any.validate_pod(&json!({})).is_empty());
    }
}
