//! The SELinux strategy of a PodSecurityPolicy
//! (`pkg/security/podsecuritypolicy/selinux/{mustrunas,runasany}.go`, Kubernetes 1.11–1.24).
//!
//! * `RunAsAny`: nothing.
//! * `MustRunAs` (requires `seLinux.seLinuxOptions`): an unset pod-level `seLinuxOptions` is set to
//!   the policy's options; containers inherit them, so the per-container defaulting step (on the
//!   effective value) never writes anything after that. Validation of the pod's and each container's effective options, in the order level, role,
//!   type, user: `<path>: Required value` when unset, else `<path>.<part>: Invalid value:
//!   "<actual>": must be <expected>`. Levels compare as `sensitivity:categories` with the
//!   categories order-insensitive (`s0:c1,c0` equals `s0:c0,c1`).

use serde_json::Value;

use super::field::{Bad, FieldError, child};

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum SeLinux {
    MustRunAs(Value),
    RunAsAny,
}

fn part<'a>(options: &'a Value, name: &str) -> &'a str {
    options.get(name).and_then(Value::as_str).unwrap_or_default()
}

/// `equalLevels`.
fn equal_levels(expected: &str, actual: &str) -> bool {
    if expected == actual {
        return true;
    }
    let (Some((e_sens, e_cats)), Some((a_sens, a_cats))) = (expected.split_once(':'), actual.split_once(':')) else {
        return false;
    };
    if e_sens != a_sens {
        return false;
    }
    let mut e: Vec<&str> = e_cats.split(',').collect();
    let mut a: Vec<&str> = a_cats.split(',').collect();
    e.sort_unstable();
    a.sort_unstable();
    e == a
}

impl SeLinux {
    /// `createSELinuxStrategy`; the section is required.
    pub(crate) fn from_options(options: Option<&Value>) -> Result<Self, String> {
        let rule = options.and_then(|o| o.get("rule")).and_then(Value::as_str).unwrap_or_default();
        match rule {
            "MustRunAs" => match options.and_then(|o| o.get("seLinuxOptions")).filter(|o| o.is_object()) {
                Some(opts) => Ok(SeLinux::MustRunAs(opts.clone())),
                None => Err("MustRunAs requires SELinuxOptions".into()),
            },
            "RunAsAny" => Ok(SeLinux::RunAsAny),
            other => Err(format!("Unrecognized SELinuxContext strategy type {other}")),
        }
    }

    /// `Generate`: the options to set when unset.
    pub(crate) fn generate(&self) -> Option<Value> {
        match self {
            SeLinux::MustRunAs(options) => Some(options.clone()),
            SeLinux::RunAsAny => None,
        }
    }

    /// `Validate(fldPath, pod, container, seLinux)`.
    pub(crate) fn validate(&self, path: &str, actual: Option<&Value>) -> Vec<FieldError> {
        let SeLinux::MustRunAs(expected) = self else {
            return Vec::new();
        };
        let Some(actual) = actual else {
            return vec![FieldError::required(path, "")];
        };
        let mut errors = Vec::new();
        for name in ["level", "role", "type", "user"] {
            let (want, got) = (part(expected, name), part(actual, name));
            let same = if name == "level" { equal_levels(want, got) } else { want == got };
            if !same {
                errors.push(FieldError::invalid(
                    child(path, name),
                    Bad::Str(got.to_string()),
                    format!("must be {want}"),
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

    #[test]
    fn must_run_as() {
        let s = SeLinux::from_options(Some(
            &json!({"rule": "MustRunAs", "seLinuxOptions": {"level": "s0:c1,c2", "type": "spc_t"}}),
        ))
        .unwrap();
        let p = "spec.securityContext.seLinuxOptions";
        assert!(s.validate(p, Some(&json!({"level": "s0:c2,c1", "type": "spc_t"}))).is_empty());
        let errs: Vec<String> =
            s.validate(p, Some(&json!({"level": "s1:c1,c2", "user": "u"}))).iter().map(FieldError::render).collect();
        assert_eq!(
            errs,
            [
                format!(r#"{p}.level: Invalid value: "s1:c1,c2": must be s0:c1,c2"#),
                format!(r#"{p}.type: Invalid value: "": must be spc_t"#),
                format!(r#"{p}.user: Invalid value: "u": must be "#),
            ]
        );
        assert_eq!(s.validate(p, None)[0].render(), format!("{p}: Required value"));
        assert!(SeLinux::from_options(Some(&json!({"rule": "MustRunAs"}))).is_err());
        assert_eq!(SeLinux::from_options(Some(&json!({"rule": "RunAsAny"}))).unwrap().generate(), None);
    }
}
