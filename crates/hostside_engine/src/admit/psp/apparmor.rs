//! The AppArmor strategy of a PodSecurityPolicy
//! (`pkg/security/podsecuritypolicy/apparmor/strategy.go`, Kubernetes 1.11–1.24), driven by the
//! policy's annotations `apparmor.security.beta.kubernetes.io/defaultProfileName` and
//! `apparmor.security.beta.kubernetes.io/allowedProfileNames` (comma-separated, no wildcard).
//!
//! * Defaulting, per container: when `container.apparmor.security.beta.kubernetes.io/<name>` is
//!   unset or empty and the policy has a default, the annotation is set to it.
//! * Validation, per container, only when the policy has an allowed list:
//!   `pod.metadata.annotations[container.apparmor.security.beta.kubernetes.io/<name>]: Forbidden:
//!   AppArmor profile must be set` (no profile) or `... Forbidden: <profile> is not an allowed
//!   profile. Allowed values: "<allowedProfileNames as written>"`.

use serde_json::Value;

use super::field::{FieldError, key};
use super::pod::annotation;
use crate::admit::resource_quota::go_quote;

pub(crate) const CONTAINER_ANNOTATION_PREFIX: &str = "container.apparmor.security.beta.kubernetes.io/";
const DEFAULT_PROFILE: &str = "apparmor.security.beta.kubernetes.io/defaultProfileName";
const ALLOWED_PROFILES: &str = "apparmor.security.beta.kubernetes.io/allowedProfileNames";

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct AppArmor {
    default_profile: String,
    /// `None` when unrestricted (no allowed-profiles annotation).
    allowed: Option<Vec<String>>,
    allowed_string: String,
}

impl AppArmor {
    pub(crate) fn from_annotations(annotations: Option<&Value>) -> Self {
        let get = |k: &str| annotations.and_then(|a| a.get(k)).and_then(Value::as_str);
        AppArmor {
            default_profile: get(DEFAULT_PROFILE).unwrap_or_default().to_string(),
            allowed: get(ALLOWED_PROFILES).map(|a| a.split(',').map(str::to_string).collect()),
            allowed_string: get(ALLOWED_PROFILES).unwrap_or_default().to_string(),
        }
    }

    /// `Generate`: (annotation key, value) to set for this container, if any.
    pub(crate) fn generate(&self, pod: &Value, container_name: &str) -> Option<(String, String)> {
        let container_key = format!("{CONTAINER_ANNOTATION_PREFIX}{container_name}");
        if !annotation(pod, &container_key).is_empty() || self.default_profile.is_empty() {
            return None;
        }
        Some((container_key, self.default_profile.clone()))
    }

    /// `Validate` for one container.
    pub(crate) fn validate(&self, pod: &Value, container_name: &str) -> Vec<FieldError> {
        let Some(allowed) = &self.allowed else {
            return Vec::new();
        };
        let container_key = format!("{CONTAINER_ANNOTATION_PREFIX}{container_name}");
        let path = key("pod.metadata.annotations", &container_key);
        let profile = annotation(pod, &container_key);
        if profile.is_empty() {
            if !allowed.is_empty() {
                return vec![FieldError::forbidden(path, "AppArmor profile must be set")];
            }
            return Vec::new();
        }
        if !allowed.iter().any(|p| p == profile) {
            let detail =
                format!("{profile} is not an allowed profile. Allowed values: {}", go_quote(&self.allowed_string));
            return vec![FieldError::forbidden(path, detail)];
        }
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn default_and_validation() {
        let s = AppArmor::from_annotations(Some(&json!({
            DEFAULT_PROFILE: "runtime/default",
            ALLOWED_PROFILES: "runtime/default"
        })));
        assert_eq!(
            s.generate(&json!({}), "app"),
            Some(("container.apparmor.security.beta.kubernetes.io/app".into(), "runtime/default".into()))
        );
        let pod =
            json!({"metadata": {"annotations": {"container.apparmor.security.beta.kubernetes.io/app": "unconfined"}}});
        assert_eq!(s.generate(&pod, "app"), None);
        assert_eq!(
            s.validate(&pod, "app")[0].render(),
            r#"pod.metadata.annotations[container.apparmor.security.beta.kubernetes.io/app]: Forbidden: unconfined is not an allowed profile. Allowed values: "runtime/default""#
        );
        assert_eq!(
            s.validate(&pod, "other")[0].render(),
            "pod.metadata.annotations[container.apparmor.security.beta.kubernetes.io/other]: Forbidden: AppArmor profile must be set"
        );
        assert!(AppArmor::from_annotations(None).validate(&pod, "app").is_empty());
    }
}
