//! Group strategies of a PodSecurityPolicy — `fsGroup`, `supplementalGroups` and `runAsGroup` —
//! as in `pkg/security/podsecuritypolicy/group/{mustrunas,mayrunas,runasany,helpers}.go` and
//! their use in `pkg/security/podsecuritypolicy/provider.go`, Kubernetes 1.14–1.24 (the
//! `runAsGroup` strategy needs the `RunAsGroup` feature gate, on by default from 1.14).
//!
//! * `MustRunAs` generates the first range's `min` when the field is unset and requires every
//!   value to be in a range (`group <g> must be in the ranges: [{<min> <max>} ...]`) and the list to
//!   be non-empty (`unable to validate empty groups against required ranges`).
//! * `MayRunAs` generates nothing and only checks the values present.
//! * `RunAsAny` (and a missing `runAsGroup` section) does nothing.
//!
//! Where the values live: `fsGroup` and `supplementalGroups` are pod-level
//! (`spec.securityContext`); `runAsGroup` is generated per container, through the effective
//! security context, so with no pod-level `runAsGroup` every container gets
//! `securityContext.runAsGroup` set. `runAsGroup` errors are reported at the container's
//! `securityContext` path itself (not `.runAsGroup`), because upstream passes that path unchanged.
//!
//! The bad value of a group error is the whole list in Go syntax, e.g. `[]int64{0}`.

use serde_json::Value;

use super::field::{Bad, FieldError, go_int64_slice};

/// One `IDRange`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Range {
    pub min: i64,
    pub max: i64,
}

impl Range {
    fn contains(&self, id: i64) -> bool {
        id >= self.min && id <= self.max
    }
}

/// Reads `ranges: [{min, max}]`.
pub(crate) fn ranges(options: &Value) -> Vec<Range> {
    options
        .get("ranges")
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .map(|r| Range {
                    min: r.get("min").and_then(Value::as_i64).unwrap_or(0),
                    max: r.get("max").and_then(Value::as_i64).unwrap_or(0),
                })
                .collect()
        })
        .unwrap_or_default()
}

/// `%v` of a `[]IDRange`: `[{1 65535} {70000 70010}]`.
pub(crate) fn render_ranges(ranges: &[Range]) -> String {
    let items: Vec<String> = ranges.iter().map(|r| format!("{{{} {}}}", r.min, r.max)).collect();
    format!("[{}]", items.join(" "))
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum GroupStrategy {
    MustRunAs(Vec<Range>),
    MayRunAs(Vec<Range>),
    RunAsAny,
}

impl GroupStrategy {
    /// Builds the strategy from a `{rule, ranges}` section; `label` names the section in the
    /// provider-creation error (`FSGroup`, `SupplementalGroups`, `RunAsGroup`). A missing
    /// `runAsGroup` section means `RunAsAny`; the other two sections are required.
    pub(crate) fn from_options(options: Option<&Value>, label: &str, optional: bool) -> Result<Self, String> {
        let Some(options) = options.filter(|o| !o.is_null()) else {
            return if optional {
                Ok(GroupStrategy::RunAsAny)
            } else {
                Err(format!("Unrecognized {label} strategy type "))
            };
        };
        let rule = options.get("rule").and_then(Value::as_str).unwrap_or_default();
        match rule {
            "MustRunAs" => {
                let ranges = ranges(options);
                if ranges.is_empty() {
                    return Err("ranges must be supplied for MustRunAs".into());
                }
                Ok(GroupStrategy::MustRunAs(ranges))
            }
            "MayRunAs" => {
                let ranges = ranges(options);
                if ranges.is_empty() {
                    return Err("ranges must be supplied for MayRunAs".into());
                }
                Ok(GroupStrategy::MayRunAs(ranges))
            }
            "RunAsAny" => Ok(GroupStrategy::RunAsAny),
            other => Err(format!("Unrecognized {label} strategy type {other}")),
        }
    }

    /// `Generate` (supplemental groups): the first range's `min` for `MustRunAs`.
    pub(crate) fn generate(&self) -> Option<Vec<i64>> {
        self.generate_single().map(|g| vec![g])
    }

    /// `GenerateSingle` (fsGroup, runAsGroup).
    pub(crate) fn generate_single(&self) -> Option<i64> {
        match self {
            GroupStrategy::MustRunAs(ranges) => ranges.first().map(|r| r.min),
            _ => None,
        }
    }

    /// `Validate(fldPath, pod, groups)`; `groups` is `None` for a nil list.
    pub(crate) fn validate(&self, path: &str, groups: Option<&[i64]>) -> Vec<FieldError> {
        let (ranges, must) = match self {
            GroupStrategy::RunAsAny => return Vec::new(),
            GroupStrategy::MustRunAs(ranges) => (ranges, true),
            GroupStrategy::MayRunAs(ranges) => (ranges, false),
        };
        let mut errors = Vec::new();
        let values = groups.unwrap_or_default();
        if must && values.is_empty() {
            errors.push(FieldError::invalid(
                path,
                Bad::Go(go_int64_slice(groups)),
                "unable to validate empty groups against required ranges",
            ));
        }
        for &group in values {
            if !ranges.iter().any(|r| r.contains(group)) {
                errors.push(FieldError::invalid(
                    path,
                    Bad::Go(go_int64_slice(groups)),
                    format!("group {group} must be in the ranges: {}", render_ranges(ranges)),
                ));
            }
        }
        errors
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn must(min: i64, max: i64) -> GroupStrategy {
        GroupStrategy::from_options(
            Some(&json!({"rule": "MustRunAs", "ranges": [{"min": min, "max": max}]})),
            "FSGroup",
            false,
        )
        .unwrap()
    }

    #[test]
    fn must_run_as_generates_min_and_validates_ranges() {
        let s = must(1, 65535);
        assert_eq!(s.generate(), Some(vec![1]));
        assert_eq!(s.generate_single(), Some(1));
        assert!(s.validate("spec.securityContext.fsGroup", Some(&[1001])).is_empty());
        let errs = s.validate("spec.securityContext.fsGroup", Some(&[0]));
        assert_eq!(
            errs[0].render(),
            "spec.securityContext.fsGroup: Invalid value: []int64{0}: group 0 must be in the ranges: [{1 65535}]"
        );
        let empty = s.validate("spec.securityContext.supplementalGroups", Some(&[]));
        assert_eq!(
            empty[0].render(),
            "spec.securityContext.supplementalGroups: Invalid value: []int64{}: unable to validate empty groups against required ranges"
        );
    }

    #[test]
    fn creation_errors_and_optional_run_as_group() {
        assert_eq!(GroupStrategy::from_options(None, "RunAsGroup", true), Ok(GroupStrategy::RunAsAny));
        assert!(GroupStrategy::from_options(None, "FSGroup", false).is_err());
        assert!(GroupStrategy::from_options(Some(&json!({"rule": "MustRunAs"})), "FSGroup", false).is_err());
        let may = GroupStrategy::from_options(
            Some(&json!({"rule": "MayRunAs", "ranges": [{"min": 5, "max": 6}]})),
            "FSGroup",
            false,
        )
        .unwrap();
        assert_eq!(may.generate_single(), None);
        assert!(may.validate("p", None).is_empty());
        assert_eq!(may.validate("p", Some(&[1, 5, 7])).len(), 2);
    }
}
