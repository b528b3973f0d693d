//! The `runAsUser` strategy of a PodSecurityPolicy:
//! `pkg/security/podsecuritypolicy/user/{mustrunas,nonroot,runasany}.go` and the
//! `runAsNonRoot` marker set in `provider.go` (`mutateContainer`), Kubernetes 1.11–1.24.
//!
//! Create-time defaulting, per container, on the effective (container, else pod) values:
//! * `MustRunAs`: an unset `runAsUser` becomes the first range's `min` (container level).
//! * `MustRunAsNonRoot`: generates no UID; when neither `runAsUser` nor `runAsNonRoot` is set
//!   (effectively), the container gets `securityContext.runAsNonRoot: true`, which lets the
//!   kubelet refuse an image that runs as root. A set `runAsUser` (e.g. `1001`) suppresses it.
//! * `RunAsAny`: nothing.
//!
//! Validation (effective values, path `<container>.securityContext`):
//! * `MustRunAs`: `runAsUser: Required value` / `runAsUser: Invalid value: <uid>: must be in the
//!   ranges: [{<min> <max>}]`.
//! * `MustRunAsNonRoot`, first failing check only: `runAsNonRoot: Required value: must be true`
//!   (neither set), `runAsNonRoot: Invalid value: false: must be true`, `runAsUser: Invalid
//!   value: 0: running with the root UID is forbidden`.

use serde_json::Value;

use super::field::{Bad, FieldError, child};
use super::groups::{Range, ranges, render_ranges};

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum RunAsUser {
    MustRunAs(Vec<Range>),
    MustRunAsNonRoot,
    RunAsAny,
}

impl RunAsUser {
    /// `createUserStrategy`; the section is required.
    pub(crate) fn from_options(options: Option<&Value>) -> Result<Self, String> {
        let rule = options.and_then(|o| o.get("rule")).and_then(Value::as_str).unwrap_or_default();
        match rule {
            "MustRunAs" => {
                let ranges = options.map(ranges).unwrap_or_default();
                if ranges.is_empty() {
                    return Err("MustRunAs requires at least one range".into());
                }
                Ok(RunAsUser::MustRunAs(ranges))
            }
            "MustRunAsNonRoot" => Ok(RunAsUser::MustRunAsNonRoot),
            "RunAsAny" => Ok(RunAsUser::RunAsAny),
            other => Err(format!("Unrecognized RunAsUser strategy type {other}")),
        }
    }

    /// `Generate`: the UID to default an unset effective `runAsUser` to.
    pub(crate) fn generate(&self) -> Option<i64> {
        match self {
            RunAsUser::MustRunAs(ranges) => ranges.first().map(|r| r.min),
            _ => None,
        }
    }

    /// Whether a container with neither `runAsUser` nor `runAsNonRoot` gets `runAsNonRoot: true`.
    pub(crate) fn marks_non_root(&self) -> bool {
        matches!(self, RunAsUser::MustRunAsNonRoot)
    }

    /// `Validate(scPath, pod, container, runAsNonRoot, runAsUser)` on the effective values.
    pub(crate) fn validate(
        &self,
        sc_path: &str,
        run_as_non_root: Option<bool>,
        run_as_user: Option<i64>,
    ) -> Vec<FieldError> {
        match self {
            RunAsUser::RunAsAny => Vec::new(),
            RunAsUser::MustRunAs(ranges) => match run_as_user {
                None => vec![FieldError::required(child(sc_path, "runAsUser"), "")],
                Some(uid) if !ranges.iter().any(|r| uid >= r.min && uid <= r.max) => vec![FieldError::invalid(
                    child(sc_path, "runAsUser"),
                    Bad::Int(uid),
                    format!("must be in the ranges: {}", render_ranges(ranges)),
                )],
                Some(_) => Vec::new(),
            },
            RunAsUser::MustRunAsNonRoot => {
                if run_as_non_root.is_none() && run_as_user.is_none() {
                    return vec![FieldError::required(child(sc_path, "runAsNonRoot"), "must be true")];
                }
                if run_as_non_root == Some(false) {
                    return vec![FieldError::invalid(child(sc_path, "runAsNonRoot"), Bad::Bool(false), "must be true")];
                }
                if run_as_user == Some(0) {
                    return vec![FieldError::invalid(
                        child(sc_path, "runAsUser"),
                        Bad::Int(0),
                        "running with the root UID is forbidden",
                    )];
                }
                Vec::new()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn non_root_checks_in_order() {
        let s = RunAsUser::from_options(Some(&json!({"rule": "MustRunAsNonRoot"}))).unwrap();
        let p = "spec.containers[0].securityContext";
        assert_eq!(s.validate(p, None, None)[0].render(), format!("{p}.runAsNonRoot: Required value: must be true"));
        assert_eq!(
            s.validate(p, Some(false), Some(0))[0].render(),
            format!("{p}.runAsNonRoot: Invalid value: false: must be true")
        );
        assert_eq!(
            s.validate(p, Some(true), Some(0))[0].render(),
            format!("{p}.runAsUser: Invalid value: 0: running with the root UID is forbidden")
        );
        assert!(s.validate(p, None, Some(1001)).is_empty());
        assert_eq!(s.generate(), None);
        assert!(s.marks_non_root());
    }

    #[test]
    fn must_run_as_range() {
        let s = RunAsUser::from_options(Some(&json!({"rule": "MustRunAs", "ranges": [{"min": 2, "max": 2}]}))).unwrap();
        assert_eq!(s.generate(), Some(2));
        let p = "spec.containers[0].securityContext";
        assert_eq!(
            s.validate(p, None, Some(999))[0].render(),
            format!("{p}.runAsUser: Invalid value: 999: must be in the ranges: [{{2 2}}]")
        );
        assert_eq!(s.validate(p, None, None)[0].render(), format!("{p}.runAsUser: Required value"));
        assert!(RunAsUser::from_options(Some(&json!({"rule": "MustRunAs"}))).is_err());
        assert!(RunAsUser::from_options(None).is_err());
    }
}
