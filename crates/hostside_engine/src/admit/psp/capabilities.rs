//! The capabilities strategy of a PodSecurityPolicy
//! (`pkg/security/podsecuritypolicy/capabilities/capabilities.go`, Kubernetes 1.16–1.24;
//! `mustrunas.go` before that), working on the container's own `securityContext.capabilities`.
//!
//! Create-time defaulting: the adds become `defaultAddCapabilities` (minus those the container
//! drops) ∪ the container's adds, the drops `requiredDropCapabilities` ∪ the container's drops.
//! When that grows either set, both lists are replaced by the sorted, de-duplicated sets (an
//! empty set leaves the list unset); otherwise the container's capabilities stay untouched.
//!
//! Validation (path `<container>.securityContext.capabilities`):
//! * no capabilities but the policy has default adds or required drops:
//!   `capabilities: Invalid value: "null": required capabilities are not set on the securityContext`;
//! * `allowedCapabilities` containing `*` skips everything else;
//! * each add that is neither a default add nor allowed:
//!   `capabilities.add: Invalid value: "<CAP>": capability may not be added`;
//! * each required drop missing: `capabilities.drop: Invalid value: []core.Capability{...}: <CAP>
//!   is required to be dropped but was not found` (the drop list rendering is inferred, §9.5).

use serde_json::{Value, json};

use super::field::{Bad, FieldError, child, go_capability_slice};
use super::pod::string_list;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Capabilities {
    default_add: Vec<String>,
    required_drop: Vec<String>,
    allowed: Vec<String>,
}

fn sorted_set(items: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut items: Vec<String> = items.into_iter().collect();
    items.sort();
    items.dedup();
    items
}

impl Capabilities {
    pub(crate) fn from_spec(spec: &Value) -> Self {
        Capabilities {
            default_add: string_list(spec.get("defaultAddCapabilities")).unwrap_or_default(),
            required_drop: string_list(spec.get("requiredDropCapabilities")).unwrap_or_default(),
            allowed: string_list(spec.get("allowedCapabilities")).unwrap_or_default(),
        }
    }

    /// `Generate`: the new `(add, drop)` lists, or `None` when the container's capabilities stay
    /// as they are. `caps` is the container's `securityContext.capabilities` (if any).
    pub(crate) fn generate(&self, caps: Option<&Value>) -> Option<(Vec<String>, Vec<String>)> {
        let container_add = sorted_set(string_list(caps.and_then(|c| c.get("add"))).unwrap_or_default());
        let container_drop = sorted_set(string_list(caps.and_then(|c| c.get("drop"))).unwrap_or_default());
        let default_add = self.default_add.iter().filter(|c| !container_drop.contains(c)).cloned();
        let combined_add = sorted_set(default_add.chain(container_add.iter().cloned()));
        let combined_drop = sorted_set(self.required_drop.iter().cloned().chain(container_drop.iter().cloned()));
        if combined_add.len() == container_add.len() && combined_drop.len() == container_drop.len() {
            return None;
        }
        Some((combined_add, combined_drop))
    }

    /// The capabilities object `Generate` produces (empty lists omitted).
    pub(crate) fn to_json(add: &[String], drop: &[String]) -> Value {
        let mut caps = json!({});
        if !add.is_empty() {
            caps["add"] = json!(add);
        }
        if !drop.is_empty() {
            caps["drop"] = json!(drop);
        }
        caps
    }

    /// `Validate(fldPath, pod, container, capabilities)`.
    pub(crate) fn validate(&self, caps_path: &str, caps: Option<&Value>) -> Vec<FieldError> {
        let Some(caps) = caps else {
            if self.default_add.is_empty() && self.required_drop.is_empty() {
                return Vec::new();
            }
            return vec![FieldError::invalid(
                caps_path,
                Bad::Null,
                "required capabilities are not set on the securityContext",
            )];
        };
        if self.allowed.iter().any(|c| c == "*") {
            return Vec::new();
        }
        let mut errors = Vec::new();
        for cap in string_list(caps.get("add")).unwrap_or_default() {
            if !self.default_add.contains(&cap) && !self.allowed.contains(&cap) {
                errors.push(FieldError::invalid(child(caps_path, "add"), Bad::Str(cap), "capability may not be added"));
            }
        }
        let drops = string_list(caps.get("drop"));
        for required in &self.required_drop {
            if !drops.as_deref().unwrap_or_default().contains(required) {
                errors.push(FieldError::invalid(
                    child(caps_path, "drop"),
                    Bad::Go(go_capability_slice(drops.as_deref())),
                    format!("{required} is required to be dropped but was not found"),
                ));
            }
        }
        errors
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strategy(spec: Value) -> Capabilities {
        Capabilities::from_spec(&spec)
    }

    #[test]
    fn generate_adds_required_drops_sorted() {
        let s = strategy(json!({"requiredDropCapabilities": ["ALL"]}));
        assert_eq!(s.generate(None), Some((vec![], vec!["ALL".to_string()])));
        assert_eq!(
            s.generate(Some(&json!({"drop": ["NET_RAW"]}))),
            Some((vec![], vec!["ALL".into(), "NET_RAW".into()]))
        );
        assert_eq!(s.generate(Some(&json!({"drop": ["ALL"]}))), None);
        let d = strategy(json!({"defaultAddCapabilities": ["NET_BIND_SERVICE"]}));
        assert_eq!(d.generate(Some(&json!({"drop": ["NET_BIND_SERVICE"]}))), None);
        assert_eq!(d.generate(None), Some((vec!["NET_BIND_SERVICE".to_string()], vec![])));
    }

    #[test]
    fn validate_adds_and_drops() {
        let s = strategy(json!({"requiredDropCapabilities": ["ALL"], "allowedCapabilities": ["NET_BIND_SERVICE"]}));
        let p = "spec.containers[0].securityContext.capabilities";
        let errs = s.validate(p, Some(&json!({"add": ["SYS_ADMIN", "NET_BIND_SERVICE"], "drop": ["ALL"]})));
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].render(), format!(r#"{p}.add: Invalid value: "SYS_ADMIN": capability may not be added"#));
        let errs = s.validate(p, Some(&json!({"drop": ["bar"]})));
        assert_eq!(
            errs[0].render(),
            format!(
                r#"{p}.drop: Invalid value: []core.Capability{{"bar"}}: ALL is required to be dropped but was not found"#
            )
        );
        assert_eq!(
            s.validate(p, None)[0].render(),
            format!(r#"{p}: Invalid value: "null": required capabilities are not set on the securityContext"#)
        );
        let any = strategy(json!({"allowedCapabilities": ["*"], "requiredDropCapabilities": ["ALL"]}));
        assert!(any.validate(p, Some(&json!({"add": ["SYS_ADMIN"]}))).is_empty());
    }
}
