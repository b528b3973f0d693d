//! `hostPathVolumes` — baseline — revision v1.0 (overridden at the restricted level by
//! `restrictedVolumes` at every version) — spec `pod-security.md` §2.4.

use k8s_openapi::api::core::v1::PodSpec;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::{Check, Forbidden, Revision};
use crate::admit::pod_security::Level;
use crate::admit::pod_security::helpers::{join_quote, pluralize};

pub(crate) static CHECK: Check = Check {
    id: "hostPathVolumes",
    level: Level::Baseline,
    revisions: &[Revision { min_minor: 0, check: v1_0, overrides: &[] }],
};

fn v1_0(_metadata: &ObjectMeta, spec: &PodSpec) -> Option<Forbidden> {
    let bad: Vec<&str> =
        spec.volumes.iter().flatten().filter(|v| v.host_path.is_some()).map(|v| v.name.as_str()).collect();
    if bad.is_empty() {
        return None;
    }
    Some(Forbidden::new(
        "hostPath volumes",
        format!("{} {}", pluralize("volume", "volumes", bad.len()), join_quote(&bad)),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::{EmptyDirVolumeSource, HostPathVolumeSource, Volume};

    fn volume(name: &str, host_path: bool) -> Volume {
        Volume {
            name: name.into(),
            host_path: host_path.then(HostPathVolumeSource::default),
            empty_dir: (!host_path).then(EmptyDirVolumeSource::default),
            ..Default::default()
        }
    }

    #[test]
    fn singular_and_plural() {
        let spec = PodSpec {
            volumes: Some(vec![volume("b", true), volume("e", false), volume("a", true)]),
            ..Default::default()
        };
        assert_eq!(
            v1_0(&ObjectMeta::default(), &spec),
            Some(Forbidden::new("hostPath volumes", r#"volumes "b", "a""#))
        );
        let spec = PodSpec { volumes: Some(vec![volume("h", true)]), ..Default::default() };
        assert_eq!(v1_0(&ObjectMeta::default(), &spec).map(|f| f.detail), Some(r#"volume "h""#.into()));
    }
}
