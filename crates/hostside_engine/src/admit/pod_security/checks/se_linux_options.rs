//! `seLinuxOptions` — baseline — revisions v1.0, v1.31 — spec `pod-security.md` §2.7.
//!
//! SELinux `type` must be empty or one of the container types (v1.31 adds
//! `container_engine_t`); `user` and `role` must be empty. `level` is not checked.

use k8s_openapi::api::core::v1::{PodSpec, SELinuxOptions};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::{Check, Forbidden, Revision};
use crate::admit::pod_security::Level;
use crate::admit::pod_security::helpers::{containers_phrase, join_quote, pluralize, sorted_set, visit_containers};

pub(crate) static CHECK: Check = Check {
    id: "seLinuxOptions",
    level: Level::Baseline,
    revisions: &[
        Revision { min_minor: 0, check: v1_0, overrides: &[] },
        Revision { min_minor: 31, check: v1_31, overrides: &[] },
    ],
};

const ALLOWED_TYPES_1_0: &[&str] = &["", "container_t", "container_init_t", "container_kvm_t"];
const ALLOWED_TYPES_1_31: &[&str] = &["", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"];

fn v1_0(_metadata: &ObjectMeta, spec: &PodSpec) -> Option<Forbidden> {
    evaluate(spec, ALLOWED_TYPES_1_0)
}

fn v1_31(_metadata: &ObjectMeta, spec: &PodSpec) -> Option<Forbidden> {
    evaluate(spec, ALLOWED_TYPES_1_31)
}

#[derive(Default)]
struct Findings {
    bad_types: Vec<String>,
    set_user: bool,
    set_role: bool,
}

impl Findings {
    /// Records the problems of one options object; `true` when it has any.
    fn inspect(&mut self, opts: &SELinuxOptions, allowed_types: &[&str]) -> bool {
        let mut bad = false;
        let ty = opts.type_.as_deref().unwrap_or_default();
        if !allowed_types.contains(&ty) {
            bad = true;
            self.bad_types.push(ty.to_string());
        }
        if opts.user.as_deref().is_some_and(|u| !u.is_empty()) {
            bad = true;
            self.set_user = true;
        }
        if opts.role.as_deref().is_some_and(|r| !r.is_empty()) {
            bad = true;
            self.set_role = true;
        }
        bad
    }
}

fn evaluate(spec: &PodSpec, allowed_types: &[&str]) -> Option<Forbidden> {
    let mut findings = Findings::default();
    let mut setters = Vec::new();

    if let Some(opts) = spec.security_context.as_ref().and_then(|sc| sc.se_linux_options.as_ref())
        && findings.inspect(opts, allowed_types)
    {
        setters.push("pod".to_string());
    }

    let mut bad_containers = Vec::new();
    for c in visit_containers(spec) {
        if let Some(opts) = c.security_context.and_then(|sc| sc.se_linux_options.as_ref())
            && findings.inspect(opts, allowed_types)
        {
            bad_containers.push(c.name);
        }
    }
    if !bad_containers.is_empty() {
        setters.push(containers_phrase(&bad_containers));
    }

    if setters.is_empty() {
        return None;
    }

    let mut data = Vec::new();
    let bad_types = sorted_set(findings.bad_types);
    if !bad_types.is_empty() {
        data.push(format!("{} {}", pluralize("type", "types", bad_types.len()), join_quote(&bad_types)));
    }
    if findings.set_user {
        data.push("user may not be set".to_string());
    }
    if findings.set_role {
        data.push("role may not be set".to_string());
    }
    Some(Forbidden::new(
        "seLinuxOptions",
        format!("{} set forbidden securityContext.seLinuxOptions: {}", setters.join(" and "), data.join("; ")),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::{Container, PodSecurityContext, SecurityContext};

    fn opts(ty: Option<&str>, user: Option<&str>, role: Option<&str>) -> Option<SELinuxOptions> {
        Some(SELinuxOptions {
            type_: ty.map(str::to_string),
            user: user.map(str::to_string),
            role: role.map(str::to_string),
            level: Some("s0:c1".to_string()),
        })
    }

    fn container(name: &str, o: Option<SELinuxOptions>) -> Container {
        Container {
            name: name.into(),
            security_context: Some(SecurityContext { se_linux_options: o, ..Default::default() }),
            ..Default::default()
        }
    }

    #[test]
    fn spec_examples() {
        let spec = PodSpec {
            security_context: Some(PodSecurityContext {
                se_linux_options: opts(Some("foo"), None, None),
                ..Default::default()
            }),
            containers: vec![
                container("a", opts(Some("container_t"), None, None)),
                container("e", opts(Some("bar"), None, None)),
                container("f", opts(None, Some("u"), None)),
                container("g", opts(None, None, Some("r"))),
            ],
            ..Default::default()
        };
        assert_eq!(
            v1_0(&ObjectMeta::default(), &spec).map(|f| f.detail),
            Some(
                r#"pod and containers "e", "f", "g" set forbidden securityContext.seLinuxOptions: types "bar", "foo"; user may not be set; role may not be set"#
                    .into()
            )
        );

        let spec = PodSpec {
            security_context: Some(PodSecurityContext {
                se_linux_options: opts(None, None, Some("r")),
                ..Default::default()
            }),
            ..Default::default()
        };
        assert_eq!(
            v1_0(&ObjectMeta::default(), &spec).map(|f| f.detail),
            Some("pod set forbidden securityContext.seLinuxOptions: role may not be set".into())
        );
    }

    #[test]
    fn container_engine_t_allowed_from_v1_31() {
        let spec = PodSpec {
            containers: vec![container("a", opts(Some("container_engine_t"), None, None))],
            ..Default::default()
        };
        assert_eq!(
            v1_0(&ObjectMeta::default(), &spec).map(|f| f.detail),
            Some(r#"container "a" set forbidden securityContext.seLinuxOptions: type "container_engine_t""#.into())
        );
        assert_eq!(v1_31(&ObjectMeta::default(), &spec), None);
    }
}
